//! Real intelligence into a patchtwin scenario: CSAF 2.0 advisories, the CISA KEV catalog,
//! EPSS scores, CVSS v3 vectors and CycloneDX SBOM inventories.
//!
//! Users start from an advisory that just landed, not from a blank file. This crate turns
//!
//! - **CSAF 2.0 advisories** ([`csaf`], read in steps: raw input, product tree, one
//!   vulnerability at a time; CISA publishes every ICS advisory in this form) into
//!   vulnerabilities, candidate patches and candidate controls appended to an existing
//!   scenario ([`CsafImport`]): advisory products are matched to the assets' software
//!   inventories by vendor, product ([`names`]) and version, tolerant of CISA's free-text
//!   ranges ([`version`]); `vendor_fix` remediations become patches, `mitigation`s and
//!   `workaround`s become controls where they map to a control kind and a target in the plant,
//!   and are otherwise reported as not modelled;
//! - the **KEV catalog** ([`kev`]) into `kev: true`, `exploit_maturity: active` and the date
//!   added; **EPSS** scores ([`epss`]) into `epss`;
//! - **CycloneDX 1.5/1.6 JSON** ([`cyclonedx`]) into one asset's software inventory
//!   ([`SbomImport`]).
//!
//! The output is a new scenario text ([`yaml`]): the input's value tree with the new items
//! appended, each preceded by a comment naming its source and the defaults to review. Ids the
//! scenario already has are never overwritten. The [`report`] says which assets are affected,
//! which advisories matched nothing, which version strings could not be interpreted and what
//! was not modelled.
//!
//! Inputs are untrusted: no function here panics on any input (size caps, JSON depth limits,
//! checked slicing), and every rejection says why. The crate reads and writes no files; the
//! command line (`patchtwin import`) does, atomically.
//!
//! `cvss4` reads and shape-checks CVSS v4.0 vectors (from CSAF 2.1 metrics or CISA's
//! calculator links); `merge` is the private step that matches an advisory to the plant and
//! appends what it found (classification, control drafting, application).

pub mod csaf;
pub mod cvss4;
pub mod cyclonedx;
pub mod epss;
pub mod kev;
mod merge;
pub mod names;
pub mod report;
pub mod version;
pub mod yaml;

pub use merge::Named;
pub use merge::classify::{ControlKind, classify, describes_update};
pub use report::{AdvisoryReport, CsafReport, Rejected, SbomReport, Uninterpretable};

use patchtwin_model::Scenario;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Why an import could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The scenario text could not be read into a value tree.
    #[error("cannot read the scenario: {0}")]
    Read(String),
    /// The scenario's tree does not have the expected shape.
    #[error("the scenario has an unexpected shape: {0}")]
    Shape(String),
    /// `--asset` names no asset of the scenario.
    #[error("the scenario has no asset `{asset}`{hint}")]
    UnknownAsset {
        /// The id asked for.
        asset: String,
        /// A did-you-mean suggestion, or empty.
        hint: String,
    },
}

/// A finished import: the new scenario text and what happened.
#[derive(Debug)]
pub struct Output<R> {
    /// The new scenario, YAML.
    pub yaml: String,
    /// The report.
    pub report: R,
}

/// A CSAF import of advisories into a scenario.
#[derive(Debug)]
pub struct CsafImport<'a> {
    /// The scenario's text (YAML or JSON) and its file name.
    pub scenario_text: &'a str,
    /// File name of the scenario, for the header.
    pub scenario_file: &'a str,
    /// The validated scenario (from `patchtwin_scenario::load_str` of the same text).
    pub scenario: &'a Scenario,
    /// The advisories that were read, in order.
    pub advisories: &'a [Named],
    /// Advisory files rejected while reading; carried into the report.
    pub rejected: Vec<Rejected>,
    /// The KEV catalog and its file name.
    pub kev: Option<(&'a str, &'a kev::Catalog)>,
    /// EPSS scores and their file name.
    pub epss: Option<(&'a str, &'a epss::Scores)>,
}

/// The comment lines at the top of a YAML text, without their `#`.
fn leading_comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        match t.strip_prefix('#') {
            Some(c) => out.push(c.strip_prefix(' ').unwrap_or(c).trim_end().to_string()),
            None if t.is_empty() && !out.is_empty() => break,
            None if t.is_empty() => {}
            None => break,
        }
    }
    out
}

fn read_tree(text: &str) -> Result<Value, ImportError> {
    patchtwin_scenario::source::read(text)
        .map(|(v, _)| v)
        .map_err(|errs| {
            ImportError::Read(
                errs.into_iter()
                    .map(|e| match e.loc {
                        Some(l) => format!("{}:{}: {}", l.line, l.column, e.message),
                        None => e.message,
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
}

fn wrap_list(prefix: &str, items: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = prefix.to_string();
    for (i, it) in items.iter().enumerate() {
        let piece = if i + 1 == items.len() {
            it.clone()
        } else {
            format!("{it},")
        };
        if line.chars().count() + piece.chars().count() + 1 > 96 && line.trim() != prefix.trim() {
            out.push(line);
            line = "  ".into();
        }
        if !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    out.push(line);
    out
}

impl CsafImport<'_> {
    /// Runs the import.
    pub fn run(self) -> Result<Output<CsafReport>, ImportError> {
        let root = read_tree(self.scenario_text)?;
        let merged = merge::merge(
            self.scenario,
            &root,
            self.advisories,
            self.kev.map(|k| k.1),
            self.epss.map(|e| e.1),
        )?;
        let mut report = merged.report;
        report.rejected = self.rejected;
        let mut header = vec![
            format!(
                "{} — `{}` with {} CSAF advisor{} imported by `patchtwin import csaf`.",
                self.scenario.name,
                self.scenario_file,
                self.advisories.len(),
                if self.advisories.len() == 1 {
                    "y"
                } else {
                    "ies"
                }
            ),
            String::new(),
        ];
        let advisories: Vec<String> = self
            .advisories
            .iter()
            .map(|n| format!("{} ({})", n.advisory.id, n.file))
            .collect();
        if !advisories.is_empty() {
            header.extend(wrap_list("Advisories:", &advisories));
        }
        if let Some((file, k)) = self.kev {
            header.push(format!("KEV: catalog {} ({file}).", k.version));
        }
        if let Some((file, e)) = self.epss {
            header.push(format!(
                "EPSS: model {}, scored {} ({file}).",
                e.model_version.as_deref().unwrap_or("unknown"),
                e.score_date.as_deref().unwrap_or("unknown")
            ));
        }
        header.push(format!(
            "Added {}, {} and {}, each under a comment naming its",
            report::counted(
                report.added_vulnerabilities.len(),
                "vulnerability",
                "vulnerabilities"
            ),
            report::counted(report.added_patches.len(), "patch", "patches"),
            report::counted(report.added_controls.len(), "control", "controls")
        ));
        header.push(
            "source. Their deployment times, failure probabilities and control effects are DEFAULTS"
                .into(),
        );
        header.push("to review before the rehearsal is trusted.".into());
        header.push(String::new());
        header.push(
            "Provenance (read back by `patchtwin run` into summary.json; one source a line):"
                .into(),
        );
        for n in self.advisories {
            let a = &n.advisory;
            header.push(patchtwin_scenario::provenance_line::line(
                "csaf",
                &a.id,
                a.revision.as_deref().unwrap_or(""),
                a.current_release.as_deref().unwrap_or(""),
            ));
        }
        if let Some((_, k)) = self.kev {
            header.push(patchtwin_scenario::provenance_line::line(
                "kev", "", &k.version, "",
            ));
        }
        if let Some((_, e)) = self.epss {
            header.push(patchtwin_scenario::provenance_line::line(
                "epss",
                "",
                e.model_version.as_deref().unwrap_or(""),
                e.score_date.as_deref().unwrap_or(""),
            ));
        }
        push_original(&mut header, self.scenario_file, self.scenario_text);
        Ok(Output {
            yaml: yaml::to_yaml(&merged.root, &header, &merged.notes),
            report,
        })
    }
}

fn push_original(header: &mut Vec<String>, file: &str, text: &str) {
    header.push(format!(
        "The comments of `{file}` are not carried over, except its header, which follows."
    ));
    let original = leading_comments(text);
    if !original.is_empty() {
        header.push(String::new());
        header.push(format!("--- header of {file} ---"));
        header.extend(original);
    }
}

/// A CycloneDX import into one asset's software inventory.
#[derive(Debug)]
pub struct SbomImport<'a> {
    /// The scenario's text.
    pub scenario_text: &'a str,
    /// File name of the scenario, for the header.
    pub scenario_file: &'a str,
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// The asset whose inventory the BOM fills.
    pub asset: &'a str,
    /// The BOM and its file name.
    pub bom: (&'a str, &'a cyclonedx::Bom),
}

impl SbomImport<'_> {
    /// Runs the import: adds every BOM item the asset's inventory lacks.
    pub fn run(self) -> Result<Output<SbomReport>, ImportError> {
        let (bom_file, bom) = self.bom;
        let Some(ai) = self.scenario.asset_by_id(self.asset) else {
            return Err(ImportError::UnknownAsset {
                asset: self.asset.to_string(),
                hint: patchtwin_scenario::diag::did_you_mean(
                    self.asset,
                    self.scenario.assets.iter().map(|a| a.id.as_str()),
                ),
            });
        };
        let inventory = &self.scenario.assets[ai.ix()].software;
        let mut root = read_tree(self.scenario_text)?;
        let mut report = SbomReport {
            asset: self.asset.to_string(),
            subject: bom.subject.clone(),
            skipped: bom.skipped.clone(),
            notes: bom.notes.clone(),
            ..Default::default()
        };
        // The inventory by comparable product name: each BOM item is a lookup, not a scan
        // (`same_product` is `same_vendor` plus equal, non-empty product keys).
        let mut by_product: HashMap<String, Vec<&patchtwin_model::Software>> = HashMap::new();
        for sw in inventory {
            by_product
                .entry(names::product_key(&sw.vendor, &sw.product))
                .or_default()
                .push(sw);
        }
        let mut new_items = Vec::new();
        for item in &bom.items {
            let label = format!("{} {} {}", item.vendor, item.product, item.version);
            let key = names::product_key(&item.vendor, &item.product);
            let present = !key.is_empty()
                && by_product.get(&key).is_some_and(|candidates| {
                    candidates.iter().any(|sw| {
                        names::same_vendor(&sw.vendor, &item.vendor)
                            && sw.version.trim().eq_ignore_ascii_case(item.version.trim())
                    })
                });
            if present {
                report.already_present.push(label);
            } else {
                report.added.push(label);
                new_items.push(json!({
                    "vendor": item.vendor,
                    "product": item.product,
                    "version": item.version,
                }));
            }
        }
        let asset = root
            .get_mut("assets")
            .and_then(Value::as_array_mut)
            .and_then(|list| {
                list.iter_mut()
                    .find(|a| a.get("id").and_then(Value::as_str) == Some(self.asset))
            })
            .and_then(Value::as_object_mut)
            .ok_or_else(|| {
                ImportError::Shape(format!(
                    "asset `{}` not found in the file's `assets`",
                    self.asset
                ))
            })?;
        let software = asset
            .entry("software".to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if software.is_null() {
            *software = Value::Array(Vec::new());
        }
        let Value::Array(list) = software else {
            return Err(ImportError::Shape(format!(
                "`software` of asset `{}` is not a list",
                self.asset
            )));
        };
        list.extend(new_items);
        let mut header = vec![
            format!(
                "{} — `{}` with the software inventory of `{}` filled from the CycloneDX {} SBOM `{bom_file}`{} by `patchtwin import sbom`.",
                self.scenario.name,
                self.scenario_file,
                self.asset,
                bom.spec_version,
                bom.subject
                    .as_ref()
                    .map(|s| format!(" of {s}"))
                    .unwrap_or_default()
            ),
            format!(
                "{} entries added, {} already present, {} components skipped.",
                report.added.len(),
                report.already_present.len(),
                report.skipped.len()
            ),
        ];
        push_original(&mut header, self.scenario_file, self.scenario_text);
        Ok(Output {
            yaml: yaml::to_yaml(&root, &header, &yaml::Notes::new()),
            report,
        })
    }
}
