//! Located diagnostics: what is wrong, where (file, line, column, field path), and what is
//! expected — rendered with the offending source line and a caret, like a compiler.
//!
//! Every stage of loading (syntax, structure, validation) reports through [`Diagnostic`], and
//! loading collects all of them in one pass. This module does not decide what is an error.

use std::fmt::{self, Write as _};

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// How serious a finding is: an error rejects the file, a warning is printed and the file is
/// accepted (something legal but probably not what was meant).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Severity {
    /// The file is rejected.
    #[default]
    Error,
    /// The file is accepted; the finding is printed.
    Warning,
}

impl Severity {
    /// The word that starts the rendered finding.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as given on the command line.
    pub file: String,
    /// Where in the file, if known.
    pub loc: Option<Loc>,
    /// Field path, e.g. `assets[3].zone`; empty for the whole document.
    pub path: String,
    /// What is wrong and what is expected.
    pub message: String,
    /// An extra hint (e.g. "did you mean `plc-1`?").
    pub help: Option<String>,
}

impl Diagnostic {
    /// Renders the diagnostic with the source line it points at.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = String::new();
        let _ = write!(out, "{}: {}", self.severity.label(), self.message);
        let _ = write!(out, "\n  --> {}", self.file);
        if let Some(loc) = self.loc {
            let _ = write!(out, ":{}:{}", loc.line, loc.column);
        }
        if !self.path.is_empty() {
            let _ = write!(out, "\n  field: {}", self.path);
        }
        if let (Some(loc), Some(src)) = (self.loc, source)
            && let Some(line) = src.lines().nth(loc.line.saturating_sub(1) as usize)
        {
            let shown: String = line.chars().take(160).collect();
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_at = (loc.column.saturating_sub(1) as usize).min(shown.chars().count());
            let _ = write!(
                out,
                "\n {pad} |\n {number} | {shown}\n {pad} | {}^",
                " ".repeat(caret_at)
            );
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  help: {help}");
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

/// All problems found in one load, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics {
    /// The problems.
    pub items: Vec<Diagnostic>,
    /// The source text they point into, for rendering.
    pub source: Option<String>,
}

impl Diagnostics {
    /// Renders every problem, then a count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render(self.source.as_deref()));
            out.push_str("\n\n");
        }
        let n = self.items.len();
        let _ = write!(out, "{n} problem{} found", if n == 1 { "" } else { "s" });
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

/// Levenshtein distance, for "did you mean" hints. Quadratic, so only for short ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `wanted`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if wanted.chars().count() > 64 {
        return None;
    }
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| c.chars().count() <= 64)
        .map(|c| (edit_distance(&wanted.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` or nothing.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(wanted, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_and_ignores_strangers() {
        let ids = ["plc-1", "plc-2", "scada-1", "historian"];
        assert_eq!(nearest("plc-l", ids), Some("plc-1"));
        assert_eq!(nearest("histrian", ids), Some("historian"));
        assert_eq!(nearest("firewall-9", ids), None);
    }

    #[test]
    fn render_points_a_caret_at_the_column() {
        let d = Diagnostic {
            severity: crate::diag::Severity::Error,
            file: "s.yaml".into(),
            loc: Some(Loc { line: 2, column: 9 }),
            path: "assets[0].zone".into(),
            message: "unknown zone `ctrl`".into(),
            help: Some("did you mean `control`?".into()),
        };
        let text = d.render(Some("assets:\n  zone:  ctrl\n"));
        assert!(
            text.contains(" 2 |   zone:  ctrl\n   |         ^"),
            "{text}"
        );
        assert!(text.contains("--> s.yaml:2:9"), "{text}");
    }
}
