//! The provenance stamp: what a run's decisions rest on, so they can be traced to their inputs
//! months later — tool version, scenario digest, seed and runs, the digest of every asset model
//! file the scenario's assets use (built in or from a `models/` folder), and the imported
//! sources (KEV catalog version, EPSS model version and score date, every CSAF advisory's id
//! and revision).
//!
//! The sources are read back from the scenario's leading comment block, where
//! `patchtwin import` writes one `patchtwin-provenance:` line per source (see
//! [`parse_sources`] for the format). A scenario written by hand carries none, and the stamp
//! then says so; nothing is guessed from prose. The stamp holds no wall-clock time, so
//! `summary.json` stays byte-identical across thread counts.
//!
//! This module also formats instants as RFC 3339 ([`rfc3339_utc`]): the wall clock for VEX
//! document dates (exports, outside the run's output set), and [`Provenance::as_of`] — the
//! newest recorded input date — for the SSVC SelectionList timestamps of `ssvc.json`, so the
//! output set stays free of wall-clock time.

use serde::Serialize;
use std::collections::BTreeSet;

use patchtwin_scenario::provenance_line::unescape;
pub use patchtwin_scenario::provenance_line::{LINE_PREFIX, escape};

/// One imported source, as the importer recorded it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Source {
    /// `csaf` (an advisory), `kev` (the CISA KEV catalog) or `epss` (FIRST EPSS scores).
    pub kind: String,
    /// Advisory id (`csaf`); empty for `kev` and `epss`.
    pub id: String,
    /// Advisory tracking version (`csaf`), KEV `catalogVersion` (`kev`), EPSS `model_version`
    /// (`epss`); empty when the source did not say.
    pub version: String,
    /// Advisory current release date (`csaf`), KEV `dateReleased` (`kev`), EPSS `score_date`
    /// (`epss`); empty when the source did not say.
    pub date: String,
}

/// `provenance` block of `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Provenance {
    /// The patchtwin version that produced the results.
    pub tool_version: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per plan.
    pub runs: u64,
    /// The KEV catalog version the scenario's KEV flags came from (null: not imported).
    pub kev_catalog_version: Option<String>,
    /// The EPSS model version of the scenario's EPSS scores (null: not imported).
    pub epss_model_version: Option<String>,
    /// The EPSS score date (null: not imported).
    pub epss_score_date: Option<String>,
    /// Every imported source, sorted (empty: the scenario records none).
    pub sources: Vec<Source>,
    /// Every asset model file the scenario's assets use, by model id.
    pub models: Vec<ModelDigest>,
}

/// One asset model file a run used, and its digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ModelDigest {
    /// Model id, as assets name it.
    pub model: String,
    /// File name under its models folder, e.g. `models/fast-plc.yaml`.
    pub file: String,
    /// `built-in` (compiled into patchtwin) or `models directory` (a `models/` folder beside
    /// the scenario or one level up).
    pub origin: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

impl From<&patchtwin_model::ModelFile> for ModelDigest {
    fn from(m: &patchtwin_model::ModelFile) -> Self {
        ModelDigest {
            model: m.model.clone(),
            file: m.file.clone(),
            origin: m.origin.clone(),
            sha256: m.sha256.clone(),
        }
    }
}

impl Provenance {
    /// The stamp of a run: `sources` as parsed from the scenario text.
    pub fn new(scenario_sha256: &str, seed: u64, runs: u64, sources: Vec<Source>) -> Self {
        let last = |kind: &str| sources.iter().rev().find(|s| s.kind == kind).cloned();
        let kev = last("kev");
        let epss = last("epss");
        let some = |s: String| (!s.is_empty()).then_some(s);
        Provenance {
            tool_version: env!("CARGO_PKG_VERSION").into(),
            scenario_sha256: scenario_sha256.into(),
            seed,
            runs,
            kev_catalog_version: kev.and_then(|k| some(k.version)),
            epss_model_version: epss.clone().and_then(|e| some(e.version)),
            epss_score_date: epss.and_then(|e| some(e.date)),
            sources,
            models: Vec::new(),
        }
    }

    /// The stamp with the digests of the asset model files `s` uses.
    pub fn with_models(mut self, s: &patchtwin_model::Scenario) -> Self {
        self.models = s.model_files.iter().map(ModelDigest::from).collect();
        self
    }

    /// The date the inputs speak for, as an RFC 3339 instant: midnight UTC of the newest
    /// date among the recorded sources (advisory release, KEV release, EPSS score date); the
    /// Unix epoch, meaning "undated", when the scenario records none. Deterministic, so a
    /// run's output set depends only on the scenario, seed and runs.
    pub fn as_of(&self) -> String {
        let valid = |d: &str| {
            let b = d.as_bytes();
            b.len() >= 10
                && b[4] == b'-'
                && b[7] == b'-'
                && [0, 1, 2, 3, 5, 6, 8, 9]
                    .iter()
                    .all(|&i| b[i].is_ascii_digit())
        };
        self.sources
            .iter()
            .map(|s| s.date.as_str())
            .filter(|d| valid(d))
            .map(|d| &d[..10])
            .max()
            .map_or_else(|| rfc3339_utc(0), |d| format!("{d}T00:00:00Z"))
    }

    /// One line for reports and documents.
    pub fn text(&self) -> String {
        let mut parts = vec![
            format!("patchtwin {}", self.tool_version),
            format!("scenario SHA-256 {}", self.scenario_sha256),
            format!("seed {}, {} runs per plan", self.seed, self.runs),
        ];
        parts.push(match &self.kev_catalog_version {
            Some(v) => format!("KEV catalog {v}"),
            None => "KEV catalog not recorded".into(),
        });
        parts.push(match (&self.epss_model_version, &self.epss_score_date) {
            (None, None) => "EPSS not recorded".into(),
            (m, d) => format!(
                "EPSS model {} scored {}",
                m.as_deref().unwrap_or("unknown"),
                d.as_deref().unwrap_or("unknown")
            ),
        });
        let advisories: Vec<String> = self
            .sources
            .iter()
            .filter(|s| s.kind == "csaf")
            .map(|s| {
                if s.version.is_empty() {
                    format!("{} (revision not recorded)", s.id)
                } else {
                    format!("{} rev {}", s.id, s.version)
                }
            })
            .collect();
        parts.push(if advisories.is_empty() {
            "no imported advisories recorded".into()
        } else {
            format!("advisories {}", advisories.join(", "))
        });
        parts.join("; ")
    }
}

/// Records the sources of `scenario_text` (the text `summary` was run from) in its stamp.
pub fn stamp_sources(summary: &mut crate::Summary, scenario_text: &str) {
    let p = &summary.provenance;
    let models = p.models.clone();
    summary.provenance = Provenance::new(
        &p.scenario_sha256,
        p.seed,
        p.runs,
        parse_sources(scenario_text),
    );
    summary.provenance.models = models;
}

/// The provenance line for one source: `patchtwin-provenance:KIND;id=…;version=…;date=…`,
/// one word (no blanks), so comment wrapping never splits it.
pub fn line(source: &Source) -> String {
    patchtwin_scenario::provenance_line::line(
        &source.kind,
        &source.id,
        &source.version,
        &source.date,
    )
}

/// The sources recorded in the leading comment block of a scenario's text (every comment
/// line before the first line of YAML), deduplicated and sorted. Lines that do not parse
/// are skipped: a comment is never an error.
pub fn parse_sources(scenario_text: &str) -> Vec<Source> {
    let mut found = BTreeSet::new();
    for raw in scenario_text.lines() {
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let Some(comment) = t.strip_prefix('#') else {
            break;
        };
        let Some(rest) = comment.trim().strip_prefix(LINE_PREFIX) else {
            continue;
        };
        let mut fields = rest.split(';');
        let Some(kind) = fields.next().and_then(unescape) else {
            continue;
        };
        let mut source = Source {
            kind,
            id: String::new(),
            version: String::new(),
            date: String::new(),
        };
        let mut ok = matches!(source.kind.as_str(), "csaf" | "kev" | "epss");
        for f in fields {
            let (k, v) = f.split_once('=').unwrap_or((f, ""));
            let Some(v) = unescape(v) else {
                ok = false;
                break;
            };
            match k {
                "id" => source.id = v,
                "version" => source.version = v,
                "date" => source.date = v,
                _ => {}
            }
        }
        if ok {
            found.insert(source);
        }
    }
    found.into_iter().collect()
}

/// `secs` seconds after the Unix epoch as an RFC 3339 UTC timestamp (`2026-07-01T12:00:00Z`).
pub fn rfc3339_utc(secs: u64) -> String {
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// The current wall-clock time as RFC 3339 UTC (for document dates only; never in
/// `summary.json`).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339_utc(secs)
}

/// The report's provenance lines.
pub(crate) fn bullets(p: &Provenance) -> Vec<crate::blocks::Line> {
    use crate::blocks::Span;
    let mut out = vec![vec![Span::Text(format!("provenance: {}", p.text()))]];
    if !p.models.is_empty() {
        let mut line = vec![Span::Text("asset model files (SHA-256): ".into())];
        for (k, m) in p.models.iter().enumerate() {
            if k > 0 {
                line.push(Span::Text("; ".into()));
            }
            line.push(Span::Code(m.file.clone()));
            line.push(Span::Text(format!(" ({}) ", m.origin)));
            line.push(Span::Code(m.sha256.clone()));
        }
        out.push(line);
    }
    if p.sources.is_empty() {
        out.push(vec![Span::Text(
            "the scenario records no imported sources (no `patchtwin-provenance:` lines): KEV \
             flags, EPSS scores and advisories in it were written by hand"
                .into(),
        )]);
    }
    out
}
