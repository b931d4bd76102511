//! FIRST EPSS scores as published (`epss_scores-YYYY-MM-DD.csv`): an optional
//! `#model_version:…,score_date:…` comment line, the header `cve,epss,percentile`, then one
//! row per CVE. The score (probability of exploitation activity in the next 30 days) becomes a
//! vulnerability's `epss`.
//!
//! A CVE on two rows with the same score and percentile is read once; with different values
//! the file is rejected ([`EpssError::Conflict`], naming both lines): that happens when daily
//! files are concatenated, and silently keeping either row would put a score of the wrong day
//! into the scenario.

use std::collections::BTreeMap;

/// Largest file accepted, in bytes (the full daily file is about 10 MB uncompressed).
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// Why an EPSS file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EpssError {
    /// Too big.
    #[error("the file is {0} bytes; the largest accepted EPSS file is {MAX_BYTES} bytes")]
    TooLarge(usize),
    /// Compressed: the published file is `.csv.gz`.
    #[error("the file is gzip-compressed; decompress it first (`gunzip epss_scores-….csv.gz`)")]
    Gzip,
    /// A line that is not `cve,epss,percentile`.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// One CVE on two rows with different values.
    #[error(
        "lines {first_line} and {second_line} both score {cve}, differently ({first} vs {second}); the file is ambiguous (two days' files concatenated?) and neither row was used: keep one"
    )]
    Conflict {
        /// The CVE id.
        cve: String,
        /// Line of the first row.
        first_line: usize,
        /// Line of the later row.
        second_line: usize,
        /// The first row's `epss,percentile`.
        first: String,
        /// The later row's `epss,percentile`.
        second: String,
    },
    /// No rows at all.
    #[error("no scores: expected `cve,epss,percentile` rows")]
    Empty,
}

/// One score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// EPSS probability, 0–1.
    pub epss: f64,
    /// Percentile among all scored CVEs, 0–1, when given.
    pub percentile: Option<f64>,
}

/// Scores by CVE id.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// The comment line's `model_version`, if given.
    pub model_version: Option<String>,
    /// The comment line's `score_date`, if given.
    pub score_date: Option<String>,
    scores: BTreeMap<String, Score>,
}

fn show(s: Score) -> String {
    match s.percentile {
        Some(p) => format!("`{},{p}`", s.epss),
        None => format!("`{}`", s.epss),
    }
}

impl Scores {
    /// Reads the CSV text (or bytes, to recognise gzip).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Scores, EpssError> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(EpssError::Gzip);
        }
        let text = std::str::from_utf8(bytes).map_err(|e| EpssError::Line {
            line: bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1,
            message: "not UTF-8 text".into(),
        })?;
        Scores::parse(text)
    }

    /// Reads the CSV text.
    pub fn parse(text: &str) -> Result<Scores, EpssError> {
        if text.len() > MAX_BYTES {
            return Err(EpssError::TooLarge(text.len()));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut out = Scores::default();
        let mut header_seen = false;
        // The line each CVE was first read on, to name both rows of a conflict.
        let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.trim();
            if l.is_empty() {
                continue;
            }
            if let Some(comment) = l.strip_prefix('#') {
                for kv in comment.split(',') {
                    if let Some((k, v)) = kv.split_once(':') {
                        match k.trim() {
                            "model_version" => out.model_version = Some(v.trim().to_string()),
                            "score_date" => out.score_date = Some(v.trim().to_string()),
                            _ => {}
                        }
                    }
                }
                continue;
            }
            let cols: Vec<&str> = l.split(',').map(str::trim).collect();
            if !header_seen && cols.first().is_some_and(|c| c.eq_ignore_ascii_case("cve")) {
                if cols.len() < 2 || !cols[1].eq_ignore_ascii_case("epss") {
                    return Err(EpssError::Line {
                        line,
                        message: format!("header `{l}`; expected `cve,epss,percentile`"),
                    });
                }
                header_seen = true;
                continue;
            }
            let bad = |message: String| EpssError::Line { line, message };
            if cols.len() < 2 {
                return Err(bad(format!(
                    "`{}`: expected `cve,epss,percentile`",
                    l.chars().take(80).collect::<String>()
                )));
            }
            let cve = cols[0].to_ascii_uppercase();
            if !cve.starts_with("CVE-") {
                return Err(bad(format!(
                    "`{}` is not a CVE id",
                    cols[0].chars().take(40).collect::<String>()
                )));
            }
            let num = |s: &str, what: &str| -> Result<f64, EpssError> {
                match s.parse::<f64>() {
                    Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
                    _ => Err(bad(format!(
                        "{what} `{}` is not a number from 0 to 1",
                        s.chars().take(40).collect::<String>()
                    ))),
                }
            };
            let epss = num(cols[1], "epss")?;
            let percentile = match cols.get(2) {
                Some(p) if !p.is_empty() => Some(num(p, "percentile")?),
                _ => None,
            };
            let score = Score { epss, percentile };
            match out.scores.get(&cve) {
                None => {
                    first_line.insert(cve.clone(), line);
                    out.scores.insert(cve, score);
                }
                Some(&earlier) if earlier == score => {}
                Some(&earlier) => {
                    return Err(EpssError::Conflict {
                        first_line: first_line.get(&cve).copied().unwrap_or(0),
                        second_line: line,
                        first: show(earlier),
                        second: show(score),
                        cve,
                    });
                }
            }
        }
        if out.scores.is_empty() {
            return Err(EpssError::Empty);
        }
        Ok(out)
    }

    /// The score of a CVE id (case-insensitive).
    pub fn get(&self, cve: &str) -> Option<Score> {
        self.scores.get(&cve.trim().to_ascii_uppercase()).copied()
    }

    /// Number of scored CVEs.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether no CVE is scored.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
}
