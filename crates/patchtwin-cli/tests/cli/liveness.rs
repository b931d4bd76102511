//! Liveness: no parameter a user can set is inert.
//!
//! For every quantity field of the scenario schema — numbers, integers, durations,
//! distributions, probabilities, sizes, bandwidths and booleans, including the asset-model
//! fields an asset can override — the test finds a shipped plant where the field is set (or,
//! for a model field, sets it as an override on an asset that uses it), perturbs it, runs
//! every plan on the same random numbers as the unperturbed plant, and asserts that
//! `summary.json` changes (the scenario's own digest and wall-clock time aside). The fields of
//! the sensitivity analysis's ranges ([`SENSITIVITY_FIELDS`]) act on `sensitivity.json`, not on
//! a run: for them the sensitivity analysis of the ranged inputs is compared too.
//!
//! A field that cannot change any result on any plant is listed in [`NOT_APPLICABLE`] with the
//! reason. A field that *should* change results but does not yet is a defect: it is listed in
//! [`KNOWN_INERT`] with the issue that tracks it, and the test fails as soon as it comes alive
//! (remove the entry then). A new field in the schema must either prove itself live here or
//! join a list, or the test fails — that is the point.

use crate::util;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Fields that cannot change a result, and why.
const NOT_APPLICABLE: &[(&str, &str)] = &[
    (
        "ZoneRaw.purdue_level",
        "describes where a zone sits; the importer uses it to draft controls on the conduits \
         into a zone from the levels above (tested in patchtwin-import), and `validate` prints \
         it; no simulated quantity depends on it",
    ),
    (
        "ZoneRaw.security_level_target",
        "the zone's IEC 62443 SL-T, recorded for the reader; the simulation models what \
         controls do, not the level they were meant to reach",
    ),
];

/// Fields that should change results but do not yet: defects with the issue that tracks them.
const KNOWN_INERT: &[(&str, &str)] = &[];

/// Shipped plants in the order they are searched for a field (the quick ones first).
const PLANTS: &[&str] = &[
    "emissions-historian-1h",
    "vendor-gateway-rare-trips",
    "ews-actively-exploited",
    "monthly-update",
    "packaging-line",
    "water-treatment",
    "substation",
    "relay-firmware",
    "vendor-remote-access",
    "vendor-gateway-break-even",
];

/// Fields that act on the sensitivity analysis (`patchtwin sensitivity`), not on a run: a
/// perturbation of one is judged on `sensitivity.json` as well as `summary.json`.
const SENSITIVITY_FIELDS: &[&str] = &["InputRangeRaw.low", "InputRangeRaw.high"];

/// The schema definitions whose fields are walked, and the top-level properties.
struct Schema {
    top: serde_json::Map<String, Value>,
    definitions: serde_json::Map<String, Value>,
}

impl Schema {
    fn load() -> Self {
        let text = patchtwin_scenario::schema::scenario_schema();
        let mut v: Value = serde_json::from_str(&text).expect("the schema is JSON");
        let top = v["properties"].as_object().expect("properties").clone();
        let definitions = v["definitions"]
            .as_object_mut()
            .expect("definitions")
            .clone();
        Self { top, definitions }
    }

    /// Definitions a property refers to (through `$ref`, `anyOf`, `allOf`, `items`).
    fn refs(p: &Value, out: &mut Vec<String>) {
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            out.push(r.rsplit('/').next().unwrap_or(r).to_string());
        }
        for key in ["anyOf", "allOf", "oneOf"] {
            for q in p.get(key).and_then(Value::as_array).into_iter().flatten() {
                Self::refs(q, out);
            }
        }
        if let Some(items) = p.get("items") {
            Self::refs(items, out);
        }
    }

    /// Whether a property is a quantity: a number, an integer, a boolean, or one of the
    /// quantity definitions.
    fn is_quantity(p: &Value) -> bool {
        const QUANTITIES: &[&str] = &[
            "Duration",
            "DistributionOfDuration",
            "Probability",
            "Size",
            "Bandwidth",
        ];
        let mut refs = Vec::new();
        Self::refs(p, &mut refs);
        if refs.iter().any(|r| QUANTITIES.contains(&r.as_str())) {
            return true;
        }
        let types: Vec<&str> = match p.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        types
            .iter()
            .any(|t| matches!(*t, "number" | "integer" | "boolean"))
    }

    /// Every quantity field as `Definition.field` (top-level ones as `Scenario.field`).
    fn quantity_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (k, p) in &self.top {
            if Self::is_quantity(p) {
                out.push(format!("Scenario.{k}"));
            }
        }
        for (name, def) in &self.definitions {
            for (k, p) in def
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if Self::is_quantity(p) {
                    out.push(format!("{name}.{k}"));
                }
            }
        }
        out.sort();
        out
    }
}

/// Where a field is set: a JSON pointer into a plant's value.
#[derive(Clone, Debug)]
struct Site {
    plant: &'static str,
    pointer: String,
}

/// Walks a plant's value with the schema and records the first site of every field.
fn find_sites(
    schema: &Schema,
    plant: &'static str,
    v: &Value,
    sites: &mut BTreeMap<String, Vec<Site>>,
) {
    fn walk(
        schema: &Schema,
        plant: &'static str,
        def: &str,
        props: &serde_json::Map<String, Value>,
        v: &Value,
        pointer: &str,
        sites: &mut BTreeMap<String, Vec<Site>>,
    ) {
        let Some(obj) = v.as_object() else { return };
        for (k, x) in obj {
            let Some(p) = props.get(k) else { continue };
            let here = format!("{pointer}/{k}");
            if Schema::is_quantity(p) {
                sites.entry(format!("{def}.{k}")).or_default().push(Site {
                    plant,
                    pointer: here.clone(),
                });
            }
            let mut refs = Vec::new();
            Schema::refs(p, &mut refs);
            for r in refs {
                let Some(sub) = schema
                    .definitions
                    .get(&r)
                    .and_then(|d| d.get("properties"))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                match x {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            walk(schema, plant, &r, sub, item, &format!("{here}/{i}"), sites);
                        }
                    }
                    _ => walk(schema, plant, &r, sub, x, &here, sites),
                }
            }
        }
    }
    walk(schema, plant, "Scenario", &schema.top, v, "", sites);
}

/// Reads a YAML or JSON file into a value with the loader's own reader.
fn read_value(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read a shipped file");
    patchtwin_scenario::source::read(&text)
        .unwrap_or_else(|_| panic!("{} reads", path.display()))
        .0
}

/// Scales the number in a quantity string (`100ms`, `1.5kB`, `100Mbps`) by `factor`.
fn scale_text(s: &str, factor: f64) -> Option<String> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))?;
    let (number, unit) = s.split_at(split);
    let x: f64 = number.parse().ok()?;
    Some(format!("{}{unit}", x * factor))
}

/// Scales every number and quantity string inside a value (a distribution's parameters).
fn scale_all(v: &Value, factor: f64) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) * factor),
        Value::String(s) => scale_text(s, factor).map_or_else(|| v.clone(), Value::String),
        Value::Array(items) => Value::Array(items.iter().map(|x| scale_all(x, factor)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), scale_all(x, factor)))
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// Candidate perturbations of a value, the most telling first; the first one that validates
/// is used.
fn perturbations(v: &Value) -> Vec<Value> {
    match v {
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Number(n) if n.is_u64() || n.is_i64() => {
            let x = n.as_i64().unwrap_or(0);
            if x == 0 {
                vec![json!(1), json!(1000), json!(1_000_000)]
            } else {
                vec![json!(x + 1), json!(x - 1), json!(x * 10)]
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if x == 0.0 {
                vec![json!(0.3), json!(1.0), json!(1000.0)]
            } else if x < 1.0 {
                vec![
                    json!(if x < 0.5 { (x * 3.0).min(0.9) } else { x / 2.0 }),
                    json!(x / 10.0),
                    json!(0.0),
                ]
            } else {
                vec![json!(x * 2.0), json!(x / 2.0), json!(x * 10.0)]
            }
        }
        // A probability with uncertainty: `{beta: {alpha, beta}}`.
        Value::Object(m) if m.contains_key("beta") => {
            let mut swapped = v.clone();
            if let Some(b) = swapped.get_mut("beta").and_then(Value::as_object_mut)
                && let (Some(a), Some(bb)) = (b.get("alpha").cloned(), b.get("beta").cloned())
            {
                b.insert("alpha".into(), bb);
                b.insert("beta".into(), a);
            }
            vec![swapped, scale_all(v, 3.0)]
        }
        _ => vec![
            scale_all(v, 2.0),
            scale_all(v, 0.5),
            scale_all(v, 10.0),
            scale_all(v, 0.1),
        ],
    }
}

/// `summary.json` without what changes with the file's bytes or the clock.
fn comparable_summary(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("summary.json")).expect("summary.json");
    let mut v: Value = serde_json::from_str(&text).expect("summary.json is JSON");
    if let Some(o) = v.as_object_mut() {
        o.remove("scenario");
        o.remove("provenance");
        o.remove("tool");
    }
    if let Some(e) = v.get_mut("engine").and_then(Value::as_object_mut) {
        e.remove("wall_s");
    }
    v
}

/// `sensitivity.json` without what changes with the file's bytes or the clock.
fn comparable_sensitivity(stdout: &str) -> Value {
    let mut v: Value = serde_json::from_str(stdout).expect("sensitivity.json is JSON");
    if let Some(o) = v.as_object_mut() {
        o.remove("scenario_sha256");
    }
    if let Some(e) = v.get_mut("engine").and_then(Value::as_object_mut) {
        e.remove("wall_s");
    }
    v
}

struct Runner {
    tmp: util::TempDir,
    count: usize,
}

impl Runner {
    /// Runs every plan of the plant `v` and, with `sensitivity`, the sensitivity analysis of
    /// the inputs its `sensitivity.ranges` name (in the result under `"sensitivity"`); `None`
    /// when the plant does not validate.
    fn run_with(&mut self, v: &Value, sensitivity: bool) -> Option<Value> {
        let mut summary = self.run(v)?;
        if !sensitivity {
            return Some(summary);
        }
        let file = self.tmp.path().join(format!("plant-{}.json", self.count));
        let out: PathBuf = self.tmp.path().join(format!("sens-{}", self.count));
        let inputs: Vec<&str> = v["sensitivity"]["ranges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["input"].as_str())
            .collect();
        let args: Vec<String> = [
            "sensitivity",
            &file.display().to_string(),
            "--inputs",
            &inputs.join(","),
            "--runs",
            "24",
            "--seed",
            "5",
            "--threads",
            "2",
            "--json",
            "--out",
            &out.display().to_string(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let run = util::patchtwin(&args, Duration::from_secs(120));
        assert_eq!(run.code, Some(0), "sensitivity failed:\n{}", run.stderr);
        summary["sensitivity"] = comparable_sensitivity(&run.stdout);
        Some(summary)
    }

    /// Runs every plan of the plant `v`; `None` when the plant does not validate.
    fn run(&mut self, v: &Value) -> Option<Value> {
        self.count += 1;
        let file = self.tmp.write(
            &format!("plant-{}.json", self.count),
            serde_json::to_string(v).expect("JSON").as_bytes(),
        );
        let out: PathBuf = self.tmp.path().join(format!("out-{}", self.count));
        let args: Vec<String> = [
            "run",
            &file.display().to_string(),
            "--runs",
            "24",
            "--seed",
            "5",
            "--threads",
            "2",
            "--observe",
            "2s",
            "--out",
            &out.display().to_string(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let run = util::patchtwin(&args, Duration::from_secs(120));
        match run.code {
            Some(0) => Some(comparable_summary(&out)),
            Some(2) => None,
            other => panic!("run ended with {other:?}:\n{}", run.stderr),
        }
    }
}

/// Sites for the asset-model fields: an override on an asset whose model sets the field,
/// preferring a controller that serves polls (where scan and service times matter).
fn model_field_sites(root: &Path, plant: &'static str, v: &Value) -> BTreeMap<String, Vec<Site>> {
    let mut sites: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    let assets = v["assets"].as_array().cloned().unwrap_or_default();
    // The assets the plant refers to most (patched, polled, depended on) first: a model
    // field matters where its asset does something.
    let mut mentions = BTreeMap::new();
    count_strings(v, &mut mentions);
    let mut order: Vec<usize> = (0..assets.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(
            mentions
                .get(assets[i]["id"].as_str().unwrap_or(""))
                .copied()
                .unwrap_or(0),
        )
    });
    for i in order {
        let a = &assets[i];
        let Some(model) = a["model"].as_str() else {
            continue;
        };
        let path = root.join("models").join(format!("{model}.yaml"));
        if !path.exists() {
            continue;
        }
        let m = read_value(&path);
        for (k, x) in m["behaviour"].as_object().into_iter().flatten() {
            if a["overrides"].get(k).is_some() {
                continue; // already overridden in the plant: found by the plain walk
            }
            sites
                .entry(format!("BehaviourRaw.{k}"))
                .or_default()
                .push(Site {
                    plant,
                    pointer: format!("/assets/{i}/overrides/{k}#{}", x),
                });
        }
    }
    sites
}

/// How often each string occurs as a value anywhere in `v`.
fn count_strings<'a>(v: &'a Value, counts: &mut BTreeMap<&'a str, usize>) {
    match v {
        Value::String(s) => *counts.entry(s.as_str()).or_default() += 1,
        Value::Array(items) => items.iter().for_each(|x| count_strings(x, counts)),
        Value::Object(m) => m.values().for_each(|x| count_strings(x, counts)),
        _ => {}
    }
}

/// Applies a perturbation at a site; model-field sites carry the model's value after `#`.
fn with_value(plant: &Value, site: &Site, new: &Value) -> Value {
    let mut v = plant.clone();
    let pointer = site.pointer.split('#').next().unwrap_or("");
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    if v.pointer(parent).is_none_or(Value::is_null) {
        let (grand, own) = parent.rsplit_once('/').expect("overrides sit in an asset");
        v.pointer_mut(grand)
            .and_then(Value::as_object_mut)
            .expect("the asset exists")
            .insert(own.to_string(), json!({}));
    }
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("the parent is an object")
        .insert(key.to_string(), new.clone());
    v
}

/// How many sites a field is tried at before it is declared inert. A field acts only where
/// its asset or item does something within the runs (a model's reboot time only on an asset
/// that restarts or faults), so the search goes wide; a live field stops at its first success,
/// so the width costs runs only for fields that are inert at the first sites.
const MAX_SITES: usize = 8;

/// Up to [`MAX_SITES`] sites, taken round-robin over the plants, each plant's in its own
/// order (the plant's own settings first, then model overrides on the assets it refers to
/// most), so a field is tried on every plant that sets it before any plant gets a second try.
fn spread(sites: &[Site]) -> Vec<&Site> {
    let mut by_plant: BTreeMap<&str, Vec<&Site>> = BTreeMap::new();
    for s in sites {
        let list = by_plant.entry(s.plant).or_default();
        if !list.iter().any(|t| t.pointer == s.pointer) {
            list.push(s);
        }
    }
    let mut out = Vec::new();
    for round in 0.. {
        let before = out.len();
        for plant in PLANTS {
            if let Some(site) = by_plant.get(plant).and_then(|list| list.get(round)) {
                out.push(*site);
            }
        }
        if out.len() == before || out.len() >= MAX_SITES {
            break;
        }
    }
    out.truncate(MAX_SITES);
    out
}

fn current_value(plant: &Value, site: &Site) -> Value {
    match site.pointer.split_once('#') {
        Some((_, model_value)) => serde_json::from_str(model_value).expect("model value JSON"),
        None => plant
            .pointer(&site.pointer)
            .cloned()
            .expect("the site exists"),
    }
}

#[test]
fn every_quantity_field_changes_some_result() {
    let root = util::workspace_root();
    let schema = Schema::load();
    let fields = schema.quantity_fields();
    assert!(
        fields.len() >= 60,
        "the schema should have many quantity fields; found {}",
        fields.len()
    );
    let mut plants = BTreeMap::new();
    let mut sites = BTreeMap::new();
    for plant in PLANTS {
        let v = read_value(&root.join("scenarios").join(format!("{plant}.yaml")));
        find_sites(&schema, plant, &v, &mut sites);
        for (k, s) in model_field_sites(&root, plant, &v) {
            sites.entry(k).or_insert_with(Vec::new).extend(s);
        }
        plants.insert(*plant, v);
    }
    let listed = |list: &[(&str, &str)], f: &str| list.iter().any(|(n, _)| *n == f);
    let mut runner = Runner {
        tmp: util::TempDir::new("liveness"),
        count: 0,
    };
    let mut baselines = BTreeMap::new();
    let mut problems = Vec::new();
    let mut live = Vec::new();
    for field in &fields {
        if listed(NOT_APPLICABLE, field) {
            continue;
        }
        let mut candidates = spread(sites.get(field).map_or(&[][..], Vec::as_slice));
        if listed(KNOWN_INERT, field) {
            candidates.truncate(2); // enough to notice when it comes alive
        }
        if candidates.is_empty() {
            if !listed(KNOWN_INERT, field) {
                problems.push(format!(
                    "{field}: set on no shipped plant; ship a plant that uses it, or list it in \
                     NOT_APPLICABLE with the reason"
                ));
            }
            continue;
        }
        // Live when some perturbation at some site changes results; every attempt is kept
        // for the message when none does.
        let mut attempts = Vec::new();
        let mut alive = false;
        let sensitivity = SENSITIVITY_FIELDS.contains(&field.as_str());
        'sites: for site in candidates {
            let plant = &plants[site.plant];
            let base = baselines
                .entry((site.plant, sensitivity))
                .or_insert_with(|| {
                    runner
                        .run_with(plant, sensitivity)
                        .expect("a shipped plant validates")
                })
                .clone();
            let old = current_value(plant, site);
            for new in perturbations(&old) {
                let Some(summary) = runner.run_with(&with_value(plant, site, &new), sensitivity)
                else {
                    continue;
                };
                attempts.push(format!(
                    "{old} → {new} at {}{}",
                    site.plant,
                    site.pointer.split('#').next().unwrap_or("")
                ));
                if summary != base {
                    alive = true;
                    break 'sites;
                }
            }
        }
        let inert_known = listed(KNOWN_INERT, field);
        if alive && inert_known {
            problems.push(format!(
                "{field}: listed in KNOWN_INERT but now changes results — remove it from the list"
            ));
        } else if alive {
            live.push(field.clone());
        } else if attempts.is_empty() {
            problems.push(format!("{field}: no perturbation validates at any site"));
        } else if !inert_known {
            problems.push(format!(
                "{field} is inert: nothing in summary.json changed for {}",
                attempts.join("; ")
            ));
        }
    }
    for (name, _) in NOT_APPLICABLE.iter().chain(KNOWN_INERT) {
        if !fields.iter().any(|f| f == name) {
            problems.push(format!("{name}: listed, but no such field in the schema"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} quantity fields are live; problems:\n  {}",
        live.len(),
        fields.len(),
        problems.join("\n  ")
    );
}
