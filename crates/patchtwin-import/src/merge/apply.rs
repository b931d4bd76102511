//! Application: the named steps that turn one advisory into additions to the scenario —
//! products to affected assets, vulnerabilities, one patch per affected product, and
//! controls from mitigations — recording each decision in the advisory's report.
//!
//! The steps read the plant and write only the import's [`State`] and the [`Pass`] report;
//! nothing here touches the scenario's tree (that is [`super::merge`]'s final append).

use super::classify::{classify, describes_update};
use super::draft::{ControlDraft, drafts};
use super::{
    DEFAULT_RESTART, MAX_NOTES, NewItem, Pass, Plant, State, once, push_once, sorted_ids,
    union_list,
};
use crate::csaf::{self, Category, Product, Remediation, Vulnerability};
use crate::epss::Scores;
use crate::kev::{self, Catalog};
use crate::names::{product_key, same_vendor, slug};
use crate::report::{AssetMatch, Uninterpretable, excerpt};
use crate::version::{Verdict, VersionSpec};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Affected assets by advisory product id.
pub(super) type ProductAssets<'a> = BTreeMap<&'a str, BTreeSet<usize>>;

/// The advisory's vulnerabilities that affect the plant, with the assets they affect.
pub(super) type Present<'a> = Vec<(&'a Vulnerability, BTreeSet<usize>)>;

/// Step 1: advisory products → affected assets, by vendor, product and version.
pub(super) fn match_products<'a>(plant: &Plant, pass: &mut Pass<'a>) -> ProductAssets<'a> {
    let s = plant.s;
    let a = &pass.named.advisory;
    let mut product_assets: ProductAssets<'a> = BTreeMap::new();
    for p in &a.products {
        let spec = version_spec(pass, p);
        let range = p.version.clone().unwrap_or_else(|| "all versions".into());
        if p.vendor.trim().is_empty() {
            pass.rep.notes.push(format!(
                "product `{}` names no vendor: not matched",
                p.full_name
            ));
            continue;
        }
        let key = product_key(&p.vendor, &p.product);
        if key.is_empty() {
            continue;
        }
        for &(ai, si) in plant.inventory.get(&key).map_or(&[][..], Vec::as_slice) {
            let asset = &s.assets[ai];
            let sw = &asset.software[si];
            if !same_vendor(&sw.vendor, &p.vendor) {
                continue;
            }
            let inventory = format!("{} {}", sw.product, sw.version);
            let verdict = match &spec {
                Ok(spec) => spec.matches(&sw.version),
                Err(reason) => Verdict::Unknown(format!(
                    "the advisory's version `{range}` could not be read: {reason}"
                )),
            };
            match verdict {
                Verdict::Affected => {
                    let first = product_assets.entry(&p.id).or_default().insert(ai);
                    let line =
                        format!("{}\u{0}{}\u{0}{range}\u{0}{inventory}", asset.id, p.product);
                    if first && once(&mut pass.seen, "match", &line) {
                        pass.rep.matches.push(AssetMatch {
                            asset: asset.id.clone(),
                            product: p.product.trim().to_string(),
                            range: range.clone(),
                            inventory,
                        });
                    }
                }
                Verdict::NotAffected => {}
                Verdict::Unknown(why) => {
                    let line = format!("{}: {inventory} vs `{range}`: {why}", asset.id);
                    push_once(&mut pass.rep.undecided, &mut pass.seen, "undecided", line);
                }
            }
        }
    }
    product_assets
}

/// A product's version range, read; text dropped from it and unreadable ranges are reported.
fn version_spec(pass: &mut Pass, p: &Product) -> Result<VersionSpec, String> {
    let Some(t) = &p.version else {
        return Ok(VersionSpec::All);
    };
    match VersionSpec::parse(t) {
        Ok(parsed) => {
            for ig in parsed.ignored {
                push_once(&mut pass.rep.ignored_text, &mut pass.seen, "ignored", ig);
            }
            Ok(parsed.spec)
        }
        Err(reason) => {
            let label = format!("{} {}", p.vendor.trim(), p.product.trim())
                .trim()
                .to_string();
            let u = Uninterpretable {
                product: label,
                text: t.clone(),
                reason: reason.clone(),
            };
            if once(
                &mut pass.seen,
                "unread",
                &format!("{}\u{0}{}", u.product, u.text),
            ) {
                pass.rep.uninterpretable.push(u);
            }
            Err(reason)
        }
    }
}

/// Step 2: every vulnerability that affects an asset is added (or, when the scenario or an
/// earlier advisory already has it, reported or merged). Returns those affecting the plant.
pub(super) fn add_vulnerabilities<'a>(
    plant: &Plant,
    pass: &mut Pass<'a>,
    st: &mut State,
    kev: Option<&Catalog>,
    epss: Option<&Scores>,
    product_assets: &ProductAssets<'a>,
) -> Present<'a> {
    let s = plant.s;
    let a = &pass.named.advisory;
    let mut present: Present<'a> = Vec::new();
    for v in &a.vulnerabilities {
        if let Some(p) = &v.cvss_problem {
            pass.rep.notes.push(format!("{}: {p}", v.id));
        }
        for v4 in &v.cvss_v4_seen {
            let line = format!("CVSS v4 vector in a reference: {v4}");
            push_once(&mut pass.rep.notes, &mut pass.seen, "note", line);
        }
        for r in &v.remediations {
            if matches!(r.category, Category::NoneAvailable | Category::NoFixPlanned) {
                pass.rep.no_fix.push(format!(
                    "{} ({}): {}",
                    v.id,
                    r.category.name(),
                    excerpt(&r.details, 100)
                ));
            }
        }
        let assets: BTreeSet<usize> = v
            .affected
            .iter()
            .filter_map(|p| product_assets.get(p.as_str()))
            .flatten()
            .copied()
            .collect();
        if assets.is_empty() {
            pass.rep
                .vulnerabilities
                .push(format!("{}: affects no asset of this plant", v.id));
            continue;
        }
        let names: Vec<String> = assets.iter().map(|&i| s.assets[i].id.clone()).collect();
        let kev_entry = kev.and_then(|k| k.get(&v.id));
        if let Some(&ei) = plant.existing_vulns.get(v.id.as_str()) {
            let line = already_in_scenario(plant, ei, v, &assets, kev_entry);
            pass.rep.vulnerabilities.push(line);
            present.push((v, assets));
            continue;
        }
        let ids = sorted_ids(s, &assets);
        if let Some(&i) = st.vuln_index.get(&v.id) {
            let item = &mut st.vulns[i];
            if let Some(Value::Object(aff)) = item.value.get_mut("affects") {
                union_list(aff, "assets", &ids);
            }
            if item.notes.len() < MAX_NOTES {
                item.notes.push(format!(
                    "Also in {}: affects {}.",
                    pass.source,
                    names.join(", ")
                ));
            }
            pass.rep.vulnerabilities.push(format!(
                "{} already added (from this or an earlier advisory): assets merged ({})",
                v.id,
                names.join(", ")
            ));
            present.push((v, assets));
            continue;
        }
        let item = new_vulnerability(pass, v, ids, &names, kev, epss);
        pass.rep.vulnerabilities.push(format!(
            "+ {}{}: {}",
            v.id,
            if kev_entry.is_some() { " (KEV)" } else { "" },
            names.join(", ")
        ));
        st.report.added_vulnerabilities.push(v.id.clone());
        st.vuln_index.insert(v.id.clone(), st.vulns.len());
        st.vulns.push(item);
        present.push((v, assets));
    }
    present
}

/// The report line for a vulnerability the scenario already has (entry `ei`): kept as it is,
/// with what the advisory or KEV says that the entry does not.
fn already_in_scenario(
    plant: &Plant,
    ei: usize,
    v: &Vulnerability,
    assets: &BTreeSet<usize>,
    kev_entry: Option<&kev::Entry>,
) -> String {
    let s = plant.s;
    let ex = &s.vulnerabilities[ei];
    let listed: BTreeSet<usize> = ex.assets.iter().map(|a| a.ix()).collect();
    let extra: Vec<String> = assets
        .difference(&listed)
        .map(|&i| s.assets[i].id.clone())
        .collect();
    let mut line = format!("{} is already in the scenario: kept as it is", v.id);
    if !extra.is_empty() {
        line.push_str(&format!(
            " (the advisory also affects {}, which its entry does not list)",
            extra.join(", ")
        ));
    }
    if let Some(k) = kev_entry
        && !ex.kev
    {
        line.push_str(&format!(
            "; note: CISA KEV lists it since {} but the scenario says kev: false",
            k.date_added
        ));
    }
    line
}

/// A new vulnerability entry with its source notes: title, affected assets, CVSS, KEV, EPSS.
fn new_vulnerability(
    pass: &Pass,
    v: &Vulnerability,
    ids: Vec<Value>,
    names: &[String],
    kev: Option<&Catalog>,
    epss: Option<&Scores>,
) -> NewItem {
    let a = &pass.named.advisory;
    let kev_entry = kev.and_then(|k| k.get(&v.id));
    let title = v
        .title
        .clone()
        .or_else(|| v.cwe.as_ref().map(|c| format!("{}: {c}", a.title)))
        .or_else(|| v.summary.clone())
        .unwrap_or_else(|| a.title.clone());
    let title = excerpt(&title, 140);
    let mut value = Map::new();
    value.insert("id".into(), json!(v.id));
    let mut suffix = a.id.clone();
    if let Some(k) = kev_entry {
        suffix.push_str(&format!("; CISA KEV since {}", k.date_added));
    }
    value.insert("title".into(), json!(format!("{title} ({suffix})")));
    value.insert("affects".into(), json!({ "assets": ids }));
    // The 4.0 vector when the advisory has one (the TTC defaults then use its metrics), else v3.
    if let Some(c) = v.cvss_v4.as_ref().or(v.cvss_v3.as_ref()) {
        value.insert("cvss".into(), json!(c));
    }
    let mut notes = vec![format!("From {}, file {}.", pass.source, pass.named.file)];
    let matched: Vec<String> = pass
        .rep
        .matches
        .iter()
        .filter(|m| names.contains(&m.asset))
        .map(|m| format!("{} ({})", m.asset, m.inventory))
        .collect();
    notes.push(format!("Affected: {}.", matched.join(", ")));
    match (&v.cvss_v3, v.cvss_v3_score) {
        (Some(c), Some(score)) if v.cvss_v4.is_some() => {
            notes.push(format!("CVSS v3 vector {c}, base score {score:.1}."))
        }
        (Some(_), Some(score)) => notes.push(format!("CVSS v3 base score {score:.1}.")),
        _ => notes.push(match &v.cvss_problem {
            Some(p) => format!("No CVSS: {p}."),
            None => "No CVSS v3 vector in the advisory.".into(),
        }),
    }
    if let Some(r) = v.remediation_status() {
        value.insert("remediation".into(), json!(r));
        notes.push(format!("Remediation status {r} (advisory's remediations)."));
    }
    if let Some(v4) = &v.cvss_v4 {
        notes.push(format!(
            "CVSS v4 vector {v4}: written as cvss, the TTC defaults use its metrics."
        ));
    }
    if let Some(ssvc) = &v.ssvc {
        value.insert("ssvc".into(), json!(ssvc));
        notes.push(format!(
            "SSVC note of the advisory (the coordinator's decision points): {ssvc}"
        ));
    }
    if let Some(date) = &v.first_known_exploitation {
        // The advisory itself reports exploitation in the wild: the same evidence KEV gives.
        value.insert("exploit_maturity".into(), json!("active"));
        notes.push(format!(
            "First known exploitation {date} (advisory's first_known_exploitation_dates): exploit_maturity active."
        ));
    }
    if let Some(k) = kev_entry {
        value.insert("kev".into(), json!(true));
        value.insert("exploit_maturity".into(), json!("active"));
        let catalog = kev.map(|c| c.version.as_str()).unwrap_or_default();
        notes.push(format!(
            "CISA KEV (catalog {catalog}): added {}{}{}.",
            k.date_added,
            if k.name.is_empty() {
                String::new()
            } else {
                format!(", \"{}\"", k.name)
            },
            if k.ransomware {
                ", known ransomware use"
            } else {
                ""
            }
        ));
    } else if let Some(c) = kev {
        notes.push(format!("Not in CISA KEV (catalog {}).", c.version));
    }
    if let Some(e) = epss.and_then(|e| e.get(&v.id)) {
        value.insert("epss".into(), json!(e.epss));
        notes.push(format!(
            "EPSS {}{}{}.",
            e.epss,
            e.percentile
                .map(|p| format!(" (percentile {p})"))
                .unwrap_or_default(),
            epss.and_then(|s| s.score_date.as_ref())
                .map(|d| format!(", scored {d}"))
                .unwrap_or_default()
        ));
    }
    NewItem { value, notes }
}

/// The vendor fixes of one product group that describe an update.
#[derive(Default)]
struct VendorFixes {
    /// Vulnerability ids fixed.
    fixes: Vec<String>,
    /// Remediation texts (with their URL), at most [`MAX_NOTES`].
    texts: Vec<String>,
    /// The widest restart scope the fixes require, if any says.
    restart: Option<&'static str>,
    /// `restart_required` categories not understood.
    unknown_restart: Vec<String>,
}

/// Products with the same comparable name (such as Hitachi's seven `RTU500 series CMU`
/// ranges), restricted to those affecting an asset, with their product ids.
fn product_groups<'a>(
    products: &'a [Product],
    product_assets: &ProductAssets<'a>,
) -> Vec<(Vec<&'a Product>, BTreeSet<&'a str>)> {
    let mut groups: Vec<(Vec<&Product>, BTreeSet<&str>)> = Vec::new();
    let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
    for p in products {
        if !product_assets.contains_key(p.id.as_str()) {
            continue;
        }
        let g = *group_of
            .entry(product_key(&p.vendor, &p.product))
            .or_insert_with(|| {
                groups.push((Vec::new(), BTreeSet::new()));
                groups.len() - 1
            });
        groups[g].0.push(p);
        groups[g].1.insert(p.id.as_str());
    }
    groups
}

/// The update-describing vendor fixes of the present vulnerabilities that cover `pids`.
fn vendor_fixes(present: &Present, pids: &BTreeSet<&str>) -> VendorFixes {
    let mut out = VendorFixes::default();
    let mut local: BTreeSet<String> = BTreeSet::new();
    for (v, _) in present {
        if !v.affected.iter().any(|x| pids.contains(x.as_str())) {
            continue;
        }
        for r in &v.remediations {
            let covers =
                r.product_ids.is_empty() || r.product_ids.iter().any(|x| pids.contains(x.as_str()));
            if r.category != Category::VendorFix || !covers || !describes_update(&r.details) {
                continue;
            }
            push_once(&mut out.fixes, &mut local, "fix", v.id.clone());
            let t = match &r.url {
                Some(u) => format!("{} <{u}>", excerpt(&r.details, 240)),
                None => excerpt(&r.details, 240),
            };
            if out.texts.len() < MAX_NOTES {
                push_once(&mut out.texts, &mut local, "text", t);
            }
            if let Some(c) = &r.restart_required {
                match csaf::restart_scope(c) {
                    Some(sc) => {
                        if out
                            .restart
                            .is_none_or(|cur| csaf::restart_rank(sc) > csaf::restart_rank(cur))
                        {
                            out.restart = Some(sc);
                        }
                    }
                    None => push_once(&mut out.unknown_restart, &mut local, "restart", c.clone()),
                }
            }
        }
    }
    out
}

/// Step 3: one candidate patch per affected product group whose vendor fixes describe an
/// update; skipped (and said why) when it fixes only what the scenario already models or its
/// id is taken, merged when an earlier group or advisory made the same patch.
pub(super) fn add_patches<'a>(
    plant: &Plant,
    pass: &mut Pass<'a>,
    st: &mut State,
    product_assets: &ProductAssets<'a>,
    present: &Present<'a>,
) {
    let s = plant.s;
    let a = &pass.named.advisory;
    for (products, pids) in &product_groups(&a.products, product_assets) {
        let Some(p) = products.first() else { continue };
        let p_assets: BTreeSet<usize> = products
            .iter()
            .filter_map(|q| product_assets.get(q.id.as_str()))
            .flatten()
            .copied()
            .collect();
        let found = vendor_fixes(present, pids);
        if found.fixes.is_empty() {
            continue;
        }
        let id = format!("{}-{}", slug(&a.id, 24), slug(&p.product, 32));
        let mut ranges: Vec<String> = Vec::new();
        for q in products {
            let r = format!("`{}`", q.version.as_deref().unwrap_or("all versions"));
            if !ranges.contains(&r) && ranges.len() < 4 {
                ranges.push(r);
            }
        }
        let product_label = format!("{} {}", p.product.trim(), ranges.join(", "));
        if found.fixes.iter().all(|f| !plant.is_new(f)) {
            let line = format!(
                "{id} not added: it fixes only {} which the scenario already models with its own patches",
                found.fixes.join(", ")
            );
            push_once(&mut pass.rep.patches, &mut pass.seen, "patch", line);
            continue;
        }
        if plant.existing_patches.contains(id.as_str()) {
            let line = format!("{id} not added: the scenario already has a patch with this id");
            push_once(&mut pass.rep.patches, &mut pass.seen, "patch", line);
            continue;
        }
        let ids = sorted_ids(s, &p_assets);
        let fix_values: Vec<Value> = found.fixes.iter().map(|f| json!(f)).collect();
        if let Some(i) = State::find(&mut st.patches, &id) {
            let item = &mut st.patches[i];
            union_list(&mut item.value, "fixes", &fix_values);
            if let Some(Value::Object(ap)) = item.value.get_mut("applies_to") {
                union_list(ap, "assets", &ids);
            }
            if item.notes.len() < MAX_NOTES {
                item.notes.push(format!("Also for {product_label}."));
            }
            pass.rep.patches.push(format!(
                "{id}: also applies to {} ({product_label})",
                joined_ids(&ids)
            ));
            continue;
        }
        let scope = found.restart.unwrap_or(DEFAULT_RESTART);
        pass.rep.patches.push(format!(
            "+ {id}: fixes {} on {} (restart {scope})",
            found.fixes.join(", "),
            joined_ids(&ids)
        ));
        let item = new_patch(&pass.source, &id, &product_label, &found, fix_values, ids);
        st.report.added_patches.push(id);
        st.patches.push(item);
    }
}

fn joined_ids(ids: &[Value]) -> String {
    ids.iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A new patch entry with its defaults and the notes saying which of them to review.
fn new_patch(
    source: &str,
    id: &str,
    product_label: &str,
    found: &VendorFixes,
    fix_values: Vec<Value>,
    ids: Vec<Value>,
) -> NewItem {
    let scope = found.restart.unwrap_or(DEFAULT_RESTART);
    let mut notes = vec![format!("From {source}: vendor fix for {product_label}.")];
    for t in &found.texts {
        notes.push(format!("Advisory: \"{t}\""));
    }
    if found.restart.is_none() {
        notes.push(format!(
            "restart: {DEFAULT_RESTART} is assumed (the advisory gives no restart_required): review it."
        ));
    }
    if !found.unknown_restart.is_empty() {
        notes.push(format!(
            "Unknown restart_required categor{} {} ignored.",
            if found.unknown_restart.len() == 1 {
                "y"
            } else {
                "ies"
            },
            found.unknown_restart.join(", ")
        ));
    }
    notes.push("deploy_time, failure and rollback_time are DEFAULTS, not vendor data: review them against the release notes and your test results; set validated_in_test once it is.".into());
    let mut value = Map::new();
    for (k, v) in [
        ("id", json!(id)),
        ("fixes", Value::Array(fix_values)),
        ("applies_to", json!({ "assets": ids })),
        (
            "deploy_time",
            json!({"triangular": {"min": "15m", "mode": "30m", "max": "1h"}}),
        ),
        ("restart", json!(scope)),
        (
            "failure",
            json!({
                "probability": {"beta": {"alpha": 2, "beta": 48}},
                "extra_if_unvalidated": 0.05,
                "rollback_time": {"pert": {"min": "30m", "mode": "1h", "max": "4h"}}
            }),
        ),
        ("vendor_certified", json!(true)),
        ("validated_in_test", json!(false)),
    ] {
        value.insert(k.into(), v);
    }
    NewItem { value, notes }
}

/// A remediation text that may become controls: the remediation (its first occurrence), the
/// vulnerabilities it is given for and the assets it targets.
type ControlText<'a> = (&'a Remediation, Vec<&'a str>, BTreeSet<usize>);

/// Mitigations, workarounds and vendor fixes that describe no update, one per distinct text,
/// with the assets they target among those the vulnerability affects.
fn control_texts<'a>(
    product_assets: &ProductAssets<'a>,
    present: &Present<'a>,
) -> Vec<ControlText<'a>> {
    let mut out: Vec<ControlText<'a>> = Vec::new();
    let mut text_index: BTreeMap<&str, usize> = BTreeMap::new();
    for (v, assets) in present {
        for r in &v.remediations {
            let candidate = match r.category {
                Category::Mitigation | Category::Workaround => true,
                Category::VendorFix => !describes_update(&r.details),
                _ => false,
            };
            if !candidate || r.details.trim().is_empty() {
                continue;
            }
            let targets: BTreeSet<usize> = if r.product_ids.is_empty() {
                assets.clone()
            } else {
                r.product_ids
                    .iter()
                    .filter_map(|p| product_assets.get(p.as_str()))
                    .flatten()
                    .copied()
                    .filter(|x| assets.contains(x))
                    .collect()
            };
            if targets.is_empty() {
                continue;
            }
            match text_index.get(r.details.as_str()) {
                Some(&i) => {
                    let (_, vids, t) = &mut out[i];
                    if !vids.contains(&v.id.as_str()) {
                        vids.push(&v.id);
                    }
                    t.extend(targets);
                }
                None => {
                    text_index.insert(&r.details, out.len());
                    out.push((r, vec![&v.id], targets));
                }
            }
        }
    }
    out
}

/// Step 4: controls from mitigations, workarounds and vendor fixes that describe no update,
/// one candidate per distinct text; texts that map to no control kind, or whose target
/// cannot be found in the plant, are reported as not modelled.
pub(super) fn add_controls<'a>(
    plant: &Plant,
    pass: &mut Pass<'a>,
    st: &mut State,
    across: &mut BTreeMap<usize, BTreeSet<String>>,
    product_assets: &ProductAssets<'a>,
    present: &Present<'a>,
) {
    let a = &pass.named.advisory;
    for (r, vids, targets) in &control_texts(product_assets, present) {
        let text = excerpt(&r.details, 200);
        let Some(kind) = classify(&r.details) else {
            let why = if r.category != Category::VendorFix && describes_update(&r.details) {
                format!(
                    "{} describing an update (no patch made from a `{}`): {text}",
                    r.category.name(),
                    r.category.name()
                )
            } else {
                format!("{}: {text}", r.category.name())
            };
            push_once(&mut pass.rep.not_modelled, &mut pass.seen, "not", why);
            continue;
        };
        let blocks: Vec<String> = vids.iter().map(|s| s.to_string()).collect();
        let description = format!(
            "{} {}: {}",
            a.id,
            r.category.name(),
            excerpt(&r.details, 240)
        );
        match drafts(plant.s, across, kind, a, targets, &blocks, &description) {
            Err(why) => {
                let line = format!("{} ({why}): {text}", r.category.name());
                push_once(&mut pass.rep.not_modelled, &mut pass.seen, "not", line);
            }
            Ok(ds) => {
                for d in ds {
                    add_control(plant, pass, st, r, &blocks, d);
                }
            }
        }
    }
}

/// Adds one drafted control, merges it into the same control drafted earlier, or says why
/// it is not added.
fn add_control(
    plant: &Plant,
    pass: &mut Pass,
    st: &mut State,
    r: &Remediation,
    blocks: &[String],
    d: ControlDraft,
) {
    if plant.existing_controls.contains(d.id.as_str()) {
        let line = format!(
            "{} not added: the scenario already has a control with this id",
            d.id
        );
        push_once(&mut pass.rep.controls, &mut pass.seen, "control", line);
        return;
    }
    if blocks.iter().all(|b| !plant.is_new(b)) {
        let line = format!(
            "{} not added: {} already in the scenario with its own controls",
            d.id,
            blocks.join(", ")
        );
        push_once(&mut pass.rep.controls, &mut pass.seen, "control", line);
        return;
    }
    let from = format!(
        "From {} ({}): \"{}\"",
        pass.source,
        r.category.name(),
        excerpt(&r.details, 200)
    );
    if let Some(i) = State::find(&mut st.controls, &d.id) {
        let item = &mut st.controls[i];
        for key in ["blocks", "assets", "zones"] {
            if let Some(Value::Array(more)) = d.value.get(key) {
                union_list(&mut item.value, key, more);
            }
        }
        if item.notes.len() < MAX_NOTES && !item.notes.contains(&from) {
            item.notes.push(from);
        }
        let line = format!("{}: also for {}", d.id, blocks.join(", "));
        push_once(&mut pass.rep.controls, &mut pass.seen, "control", line);
        return;
    }
    let mut value = Map::new();
    value.insert("id".into(), json!(d.id));
    value.extend(d.value);
    let notes = vec![
        from,
        format!("Mapped to: {}.", d.summary),
        "deploy_time, failure_probability and the effect parameters are DEFAULTS: review them."
            .into(),
    ];
    pass.rep.controls.push(format!("+ {}: {}", d.id, d.summary));
    st.report.added_controls.push(d.id.clone());
    st.controls.push(NewItem { value, notes });
}
