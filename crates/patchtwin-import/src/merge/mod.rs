//! The CSAF import proper: match advisories to the plant, decide what to add, append it to the
//! scenario's value tree, and say what happened.
//!
//! [`merge`] runs named steps per advisory, then appends: [`apply::match_products`] (products
//! to affected assets), [`apply::add_vulnerabilities`], [`apply::add_patches`] and
//! [`apply::add_controls`], the last using [`classify`] (which control kind a remediation text
//! maps to) and [`draft`] (the concrete controls in this plant).
//!
//! Rules (see also the crate docs):
//!
//! - an advisory product matches an inventory entry by vendor and product ([`crate::names`])
//!   and version ([`crate::version`]); an unreadable range or an incomparable version matches
//!   nothing and is reported;
//! - a vulnerability is added when it affects at least one asset, listing the assets
//!   explicitly (`affects.assets`); an id the scenario already has is left as it is;
//! - per affected product, the `vendor_fix` remediations that describe an update become one
//!   candidate patch for that product's assets;
//! - `mitigation`, `workaround` (and `vendor_fix` texts that describe no update) become
//!   candidate controls only when the text maps to a control kind *and* its target can be
//!   determined from the plant; everything else is listed as not modelled.

mod apply;
pub(crate) mod classify;
mod draft;

use crate::ImportError;
use crate::csaf::Advisory;
use crate::epss::Scores;
use crate::kev::Catalog;
use crate::names::product_key;
use crate::report::{AdvisoryReport, CsafReport};
use crate::yaml::Notes;
use patchtwin_model::Scenario;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Restart scope used when an advisory gives no `restart_required`.
const DEFAULT_RESTART: &str = "machine";

/// An advisory with the name of the file it came from.
#[derive(Clone, Debug)]
pub struct Named {
    /// File name, for the report and the header.
    pub file: String,
    /// The advisory.
    pub advisory: Advisory,
}

/// The result: the new tree, the comments for it, and the report.
pub(crate) struct Merged {
    pub root: Value,
    pub notes: Notes,
    pub report: CsafReport,
}

struct NewItem {
    value: Map<String, Value>,
    notes: Vec<String>,
}

#[derive(Default)]
struct State {
    vulns: Vec<NewItem>,
    vuln_index: BTreeMap<String, usize>,
    patches: Vec<NewItem>,
    controls: Vec<NewItem>,
    report: CsafReport,
}

impl State {
    fn find(list: &mut [NewItem], id: &str) -> Option<usize> {
        list.iter()
            .position(|i| i.value.get("id").and_then(Value::as_str) == Some(id))
    }
}

/// Records `line` under `tag`; true the first time.
fn once(seen: &mut BTreeSet<String>, tag: &str, line: &str) -> bool {
    seen.insert(format!("{tag}\u{0}{line}"))
}

/// Pushes `line` onto `list` unless it is already there (tracked in `seen`).
fn push_once(list: &mut Vec<String>, seen: &mut BTreeSet<String>, tag: &str, line: String) {
    if once(seen, tag, &line) {
        list.push(line);
    }
}

/// At most this many source notes are kept above one merged item.
const MAX_NOTES: usize = 12;

fn sorted_ids(s: &Scenario, assets: &BTreeSet<usize>) -> Vec<Value> {
    assets
        .iter()
        .map(|&a| Value::String(s.assets[a].id.clone()))
        .collect()
}

/// Appends `ids` to the string list `key` of `v`, keeping it free of duplicates.
fn union_list(v: &mut Map<String, Value>, key: &str, ids: &[Value]) {
    let list = v
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(a) = list {
        for id in ids {
            if !a.contains(id) {
                a.push(id.clone());
            }
        }
    }
}

/// What the import knows about the plant, computed once for all advisories.
struct Plant<'s> {
    s: &'s Scenario,
    /// Vulnerability ids the scenario already has, with their index.
    existing_vulns: BTreeMap<&'s str, usize>,
    existing_patches: BTreeSet<&'s str>,
    existing_controls: BTreeSet<&'s str>,
    /// Inventory entries `(asset, software)` by comparable product name: matching is a
    /// lookup, not a scan.
    inventory: BTreeMap<String, Vec<(usize, usize)>>,
}

impl<'s> Plant<'s> {
    fn new(s: &'s Scenario) -> Self {
        let mut inventory: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        for (ai, asset) in s.assets.iter().enumerate() {
            for (si, sw) in asset.software.iter().enumerate() {
                inventory
                    .entry(product_key(&sw.vendor, &sw.product))
                    .or_default()
                    .push((ai, si));
            }
        }
        Plant {
            s,
            existing_vulns: s
                .vulnerabilities
                .iter()
                .enumerate()
                .map(|(i, v)| (v.id.as_str(), i))
                .collect(),
            existing_patches: s.patches.iter().map(|p| p.id.as_str()).collect(),
            existing_controls: s.controls.iter().map(|c| c.id.as_str()).collect(),
            inventory,
        }
    }

    /// Whether a vulnerability id is not yet in the scenario (an import may add it).
    fn is_new(&self, id: &str) -> bool {
        !self.existing_vulns.contains_key(id)
    }
}

/// One advisory being imported: its report, and the lines already reported (so repeated
/// products and remediations are said once).
struct Pass<'a> {
    named: &'a Named,
    /// `ID (title, revision R, date)`, for the notes above added items.
    source: String,
    rep: AdvisoryReport,
    seen: BTreeSet<String>,
}

impl<'a> Pass<'a> {
    fn new(named: &'a Named) -> Self {
        let a = &named.advisory;
        let source = format!(
            "{} ({}{}{})",
            a.id,
            a.title,
            a.revision
                .as_ref()
                .map(|r| format!(", revision {r}"))
                .unwrap_or_default(),
            a.current_release
                .as_ref()
                .or(a.initial_release.as_ref())
                .map(|d| format!(", {d}"))
                .unwrap_or_default()
        );
        Pass {
            named,
            source,
            rep: AdvisoryReport {
                id: a.id.clone(),
                title: a.title.clone(),
                file: named.file.clone(),
                notes: a.notes.clone(),
                ..Default::default()
            },
            seen: BTreeSet::new(),
        }
    }
}

/// Runs the import.
pub(crate) fn merge(
    s: &Scenario,
    root: &Value,
    advisories: &[Named],
    kev: Option<&Catalog>,
    epss: Option<&Scores>,
) -> Result<Merged, ImportError> {
    let Value::Object(top) = root else {
        return Err(ImportError::Shape("the scenario is not a mapping".into()));
    };
    for key in ["vulnerabilities", "patches", "controls"] {
        if let Some(v) = top.get(key)
            && !v.is_array()
            && !v.is_null()
        {
            return Err(ImportError::Shape(format!("`{key}` is not a list")));
        }
    }
    let plant = Plant::new(s);
    // Protocols crossing each conduit, computed on first use and shared by all advisories.
    let mut across = BTreeMap::new();
    let mut st = State::default();
    for named in advisories {
        let mut pass = Pass::new(named);
        let product_assets = apply::match_products(&plant, &mut pass);
        let present =
            apply::add_vulnerabilities(&plant, &mut pass, &mut st, kev, epss, &product_assets);
        apply::add_patches(&plant, &mut pass, &mut st, &product_assets, &present);
        apply::add_controls(
            &plant,
            &mut pass,
            &mut st,
            &mut across,
            &product_assets,
            &present,
        );
        st.report.advisories.push(pass.rep);
    }
    let (root, notes) = append(root, &mut st);
    Ok(Merged {
        root,
        notes,
        report: st.report,
    })
}

/// Appends the new items to a copy of the tree, recording each one's notes by position.
fn append(root: &Value, st: &mut State) -> (Value, Notes) {
    let mut root = root.clone();
    let mut notes = Notes::new();
    if let Value::Object(top) = &mut root {
        for (key, items) in [
            ("vulnerabilities", std::mem::take(&mut st.vulns)),
            ("patches", std::mem::take(&mut st.patches)),
            ("controls", std::mem::take(&mut st.controls)),
        ] {
            if items.is_empty() {
                continue;
            }
            let list = top.entry(key.to_string()).or_insert(Value::Null);
            if list.is_null() {
                *list = Value::Array(Vec::new());
            }
            if let Value::Array(arr) = list {
                for item in items {
                    notes.insert((key.to_string(), arr.len()), item.notes);
                    arr.push(Value::Object(item.value));
                }
            }
        }
    }
    (root, notes)
}
