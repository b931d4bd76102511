//! What an import did, for people: which assets each advisory affects, what was added, what
//! was skipped and why, which version strings could not be read, and which remediations are
//! not modelled.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// A version string of an advisory that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uninterpretable {
    /// Vendor and product it belongs to.
    pub product: String,
    /// The text as written.
    pub text: String,
    /// Why it could not be read.
    pub reason: String,
}

/// One asset matched by one advisory product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetMatch {
    /// Asset id.
    pub asset: String,
    /// The advisory product (`Modicon M340 CPU (part numbers BMXP34*)`).
    pub product: String,
    /// The advisory's version text (`< SV3.51`).
    pub range: String,
    /// The inventory entry that matched (`Modicon M340 SV3.40`).
    pub inventory: String,
}

/// What one advisory did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdvisoryReport {
    /// Tracking id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The file it came from.
    pub file: String,
    /// Affected assets, by product.
    pub matches: Vec<AssetMatch>,
    /// Inventory entries of the right product whose version could not be compared.
    pub undecided: Vec<String>,
    /// Version strings that could not be read.
    pub uninterpretable: Vec<Uninterpretable>,
    /// Text dropped from version strings that were read (`Utilizes_Wibu-Systems_…`).
    pub ignored_text: Vec<String>,
    /// One line per vulnerability: added, merged, already present, or absent from the plant.
    pub vulnerabilities: Vec<String>,
    /// One line per candidate patch: added or skipped, and why.
    pub patches: Vec<String>,
    /// One line per candidate control: added or skipped, and why.
    pub controls: Vec<String>,
    /// Remediations that map to no control kind (or whose target cannot be determined).
    pub not_modelled: Vec<String>,
    /// `none_available` / `no_fix_planned` statements.
    pub no_fix: Vec<String>,
    /// Other remarks (parser notes, CVSS problems, CVSS v4 vectors seen).
    pub notes: Vec<String>,
}

impl AdvisoryReport {
    /// Ids of the affected assets.
    pub fn affected_assets(&self) -> BTreeSet<&str> {
        self.matches.iter().map(|m| m.asset.as_str()).collect()
    }
    /// Whether no asset of the plant is affected.
    pub fn matched_nothing(&self) -> bool {
        self.matches.is_empty()
    }
}

/// An advisory file that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The file.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// What a CSAF import did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsafReport {
    /// Per imported advisory, in input order.
    pub advisories: Vec<AdvisoryReport>,
    /// Files rejected as a whole.
    pub rejected: Vec<Rejected>,
    /// Ids of vulnerabilities added.
    pub added_vulnerabilities: Vec<String>,
    /// Ids of patches added.
    pub added_patches: Vec<String>,
    /// Ids of controls added.
    pub added_controls: Vec<String>,
}

/// Lines shown per report section; the rest are counted.
const MAX_LINES: usize = 200;

fn section(out: &mut String, title: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {title}:");
    for l in lines.iter().take(MAX_LINES) {
        let _ = writeln!(out, "    {l}");
    }
    if lines.len() > MAX_LINES {
        let _ = writeln!(out, "    … and {} more", lines.len() - MAX_LINES);
    }
}

/// `text` cut to `max` characters.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

impl CsafReport {
    /// Advisories that affect no asset.
    pub fn matched_nothing(&self) -> Vec<&AdvisoryReport> {
        self.advisories
            .iter()
            .filter(|a| a.matched_nothing())
            .collect()
    }

    /// The report as text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for a in self.advisories.iter().filter(|a| !a.matched_nothing()) {
            let _ = writeln!(out, "{} {} ({})", a.id, a.title, a.file);
            let mut assets: Vec<String> = Vec::new();
            for m in &a.matches {
                assets.push(format!(
                    "{}: {} matches {} `{}`",
                    m.asset, m.inventory, m.product, m.range
                ));
            }
            section(&mut out, "affected assets", &assets);
            section(&mut out, "versions not compared", &a.undecided);
            section(&mut out, "vulnerabilities", &a.vulnerabilities);
            section(&mut out, "patches", &a.patches);
            section(&mut out, "controls", &a.controls);
            section(&mut out, "not modelled", &a.not_modelled);
            section(&mut out, "no fix", &a.no_fix);
            section(&mut out, "notes", &a.notes);
            out.push('\n');
        }
        let nothing = self.matched_nothing();
        if !nothing.is_empty() {
            let _ = writeln!(out, "matched nothing in this plant:");
            for a in nothing {
                let _ = writeln!(out, "  {} {} ({})", a.id, a.title, a.file);
                for u in &a.undecided {
                    let _ = writeln!(out, "    version not compared: {u}");
                }
            }
            out.push('\n');
        }
        let unread: Vec<(&str, &Uninterpretable)> = self
            .advisories
            .iter()
            .flat_map(|a| a.uninterpretable.iter().map(move |u| (a.id.as_str(), u)))
            .collect();
        let ignored: Vec<(&str, &String)> = self
            .advisories
            .iter()
            .flat_map(|a| a.ignored_text.iter().map(move |t| (a.id.as_str(), t)))
            .collect();
        if !unread.is_empty() || !ignored.is_empty() {
            let _ = writeln!(out, "version strings not interpreted (or only in part):");
            for (id, u) in unread {
                let _ = writeln!(out, "  {id} {}: `{}` ({})", u.product, u.text, u.reason);
            }
            for (id, t) in ignored {
                let _ = writeln!(out, "  {id}: ignored the trailing `{t}`");
            }
            out.push('\n');
        }
        if !self.rejected.is_empty() {
            let _ = writeln!(out, "rejected:");
            for r in &self.rejected {
                let _ = writeln!(out, "  {}: {}", r.file, r.reason);
            }
            out.push('\n');
        }
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let _ = writeln!(
            out,
            "added {} ({}), {} ({}), {} ({})",
            counted(
                self.added_vulnerabilities.len(),
                "vulnerability",
                "vulnerabilities"
            ),
            list(&self.added_vulnerabilities),
            counted(self.added_patches.len(), "patch", "patches"),
            list(&self.added_patches),
            counted(self.added_controls.len(), "control", "controls"),
            list(&self.added_controls)
        );
        out
    }
}

/// What an SBOM import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SbomReport {
    /// The asset.
    pub asset: String,
    /// The BOM's subject (`metadata.component`).
    pub subject: Option<String>,
    /// Entries added (`vendor product version`).
    pub added: Vec<String>,
    /// Entries already in the inventory.
    pub already_present: Vec<String>,
    /// Components not taken, with the reason.
    pub skipped: Vec<String>,
    /// Remarks.
    pub notes: Vec<String>,
}

impl SbomReport {
    /// The report as text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} added, {} already in the inventory, {} skipped{}",
            self.asset,
            self.added.len(),
            self.already_present.len(),
            self.skipped.len(),
            self.subject
                .as_ref()
                .map(|s| format!(" (SBOM of {s})"))
                .unwrap_or_default()
        );
        section(&mut out, "added", &self.added);
        section(&mut out, "already present", &self.already_present);
        section(&mut out, "skipped", &self.skipped);
        section(&mut out, "notes", &self.notes);
        out
    }
}

/// `n` and the noun in the right number ("1 control", "2 controls", "0 patches").
pub(crate) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
