//! The CSAF import proper: match advisories to the plant, decide what to add, append it to the
//! scenario's value tree, and say what happened.
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

use crate::ImportError;
use crate::csaf::{self, Advisory, Category, Remediation};
use crate::epss::Scores;
use crate::kev::Catalog;
use crate::names::{product_key, same_vendor, slug};
use crate::report::{AdvisoryReport, AssetMatch, CsafReport, Uninterpretable, excerpt};
use crate::version::{Verdict, VersionSpec};
use crate::yaml::Notes;
use patchtwin_model::{AssetKind, EntryKind, Scenario};
use serde_json::{Map, Value, json};
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

/// Whether a remediation text describes installing an update.
pub fn describes_update(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "update to",
        "update the",
        "upgrade",
        "updated version",
        "latest version",
        "firmware",
        "patch",
        "hotfix",
        "hot fix",
        "service pack",
        "corrected in",
        "fixed in",
        "includes a fix",
        "new version",
        "released",
        "version v",
        "or later",
    ]
    .iter()
    .any(|k| t.contains(k))
}

/// The control kind a remediation text maps to, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlKind {
    /// Restrict the conduits into the affected assets' zones.
    Segmentation,
    /// Restrict vendor remote access.
    RemoteAccess,
    /// Application allowlisting on the affected hosts.
    Allowlisting,
    /// OT monitoring of the affected zones.
    Monitoring,
    /// IPS / WAF on the conduits into the affected zones.
    VirtualPatch,
}

/// Classifies a mitigation or workaround text.
pub fn classify(text: &str) -> Option<ControlKind> {
    let t = format!(" {} ", text.to_lowercase());
    let any = |keys: &[&str]| keys.iter().any(|k| t.contains(k));
    if any(&[
        "web application firewall",
        " waf ",
        " waf,",
        "intrusion prevention",
        " ips ",
        "deep packet inspection",
        "reverse proxy",
        "virtual patch",
    ]) {
        Some(ControlKind::VirtualPatch)
    } else if any(&[
        "allowlist",
        "allow-list",
        "allow list",
        "whitelist",
        "application control",
    ]) {
        Some(ControlKind::Allowlisting)
    } else if any(&[
        "intrusion detection",
        "network monitoring",
        "monitor network",
        "monitor traffic",
        "monitor the network",
        "security monitoring",
        "anomal",
    ]) {
        Some(ControlKind::Monitoring)
    } else if any(&[
        "remote access",
        "remote connection",
        " vpn",
        "virtual private network",
    ]) {
        Some(ControlKind::RemoteAccess)
    } else if any(&[
        "firewall",
        "isolate",
        "network access",
        "network exposure",
        "accessible from the internet",
        "trusted network",
        "segment",
        "business network",
        "block port",
        "restrict access to port",
        "internet-facing",
    ]) {
        Some(ControlKind::Segmentation)
    } else {
        None
    }
}

fn host_like(k: AssetKind) -> bool {
    matches!(
        k,
        AssetKind::Hmi
            | AssetKind::ScadaServer
            | AssetKind::Historian
            | AssetKind::EngineeringWorkstation
            | AssetKind::RemoteAccessGateway
            | AssetKind::Server
            | AssetKind::Workstation
    )
}

/// Conduits leading into zone `z` from a zone at a higher (outer) Purdue level.
fn inbound_conduits(s: &Scenario, z: usize) -> Vec<usize> {
    let level = s.zones[z].purdue_level;
    s.conduits
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let [a, b] = c.zones;
            let other = if a.ix() == z {
                b.ix()
            } else if b.ix() == z {
                a.ix()
            } else {
                return None;
            };
            (other != z && s.zones[other].purdue_level > level).then_some(i)
        })
        .collect()
}

/// Protocols of the flows whose route crosses conduit `c` (or whose ends sit in its zones).
fn protocols_across(s: &Scenario, c: usize) -> BTreeSet<String> {
    let [za, zb] = s.conduits[c].zones;
    let pair =
        |x: usize, y: usize| (x == za.ix() && y == zb.ix()) || (x == zb.ix() && y == za.ix());
    let zone = |a: patchtwin_model::AssetIdx| s.assets[a.ix()].zone.ix();
    let mut out = BTreeSet::new();
    for (i, f) in s.flows.iter().enumerate() {
        let mut crosses = pair(zone(f.consumer), zone(f.producer));
        if let Some(r) = s.routes.get(i) {
            crosses |= r.hops.windows(2).any(|w| pair(zone(w[0]), zone(w[1])));
        }
        if crosses {
            out.insert(f.protocol.to_lowercase());
        }
    }
    out
}

struct ControlDraft {
    id: String,
    value: Map<String, Value>,
    summary: String,
}

fn control_defaults(kind: ControlKind) -> (Value, Value) {
    match kind {
        ControlKind::Segmentation | ControlKind::RemoteAccess => (
            json!({"triangular": {"min": "2h", "mode": "4h", "max": "1d"}}),
            json!(0.05),
        ),
        ControlKind::VirtualPatch => (
            json!({"triangular": {"min": "4h", "mode": "1d", "max": "3d"}}),
            json!(0.05),
        ),
        ControlKind::Allowlisting | ControlKind::Monitoring => (
            json!({"pert": {"min": "1d", "mode": "3d", "max": "7d"}}),
            json!(0.05),
        ),
    }
}

/// The controls a remediation maps to, or why none can be built.
fn drafts(
    s: &Scenario,
    across: &mut BTreeMap<usize, BTreeSet<String>>,
    kind: ControlKind,
    advisory: &Advisory,
    targets: &BTreeSet<usize>,
    blocks: &[String],
    description: &str,
) -> Result<Vec<ControlDraft>, String> {
    let zones: BTreeSet<usize> = targets.iter().map(|&a| s.assets[a].zone.ix()).collect();
    let adv = slug(&advisory.id, 24);
    let mut out = Vec::new();
    match kind {
        ControlKind::Segmentation | ControlKind::VirtualPatch => {
            let mut none = Vec::new();
            let mut noop = Vec::new();
            for &z in &zones {
                let inbound = inbound_conduits(s, z);
                if inbound.is_empty() {
                    none.push(s.zones[z].id.clone());
                }
                for c in inbound {
                    let conduit = &s.conduits[c];
                    if kind == ControlKind::VirtualPatch {
                        let mut v = Map::new();
                        v.insert("kind".into(), json!("virtual_patch"));
                        v.insert("description".into(), json!(description));
                        v.insert("conduit".into(), json!(conduit.id));
                        v.insert("blocks".into(), json!(blocks));
                        v.insert("miss_probability".into(), json!(0.05));
                        v.insert("inspection_latency".into(), json!("250us"));
                        out.push(ControlDraft {
                            id: format!("vpatch-{}", conduit.id),
                            value: v,
                            summary: format!(
                                "virtual patch on conduit `{}` blocking {}",
                                conduit.id,
                                blocks.join(", ")
                            ),
                        });
                        continue;
                    }
                    let used = across
                        .entry(c)
                        .or_insert_with(|| protocols_across(s, c))
                        .clone();
                    let allowed: BTreeSet<String> = if conduit.protocols.is_empty() {
                        used
                    } else {
                        used.into_iter()
                            .filter(|p| conduit.protocols.contains(p))
                            .collect()
                    };
                    let current: BTreeSet<String> = conduit.protocols.iter().cloned().collect();
                    if !current.is_empty() && allowed == current {
                        noop.push(conduit.id.clone());
                        continue;
                    }
                    let mut v = Map::new();
                    v.insert("kind".into(), json!("segmentation"));
                    v.insert("description".into(), json!(description));
                    v.insert("conduit".into(), json!(conduit.id));
                    v.insert("allow_protocols".into(), json!(allowed));
                    out.push(ControlDraft {
                        id: format!("restrict-{}", conduit.id),
                        summary: if allowed.is_empty() {
                            format!("close conduit `{}` (no flow crosses it)", conduit.id)
                        } else {
                            format!(
                                "restrict conduit `{}` to what its flows use ({})",
                                conduit.id,
                                allowed.iter().cloned().collect::<Vec<_>>().join(", ")
                            )
                        },
                        value: v,
                    });
                }
            }
            if out.is_empty() {
                let mut why = Vec::new();
                if !none.is_empty() {
                    why.push(format!(
                        "no conduit leads into zone(s) {} from an outer zone",
                        none.join(", ")
                    ));
                }
                if !noop.is_empty() {
                    why.push(format!(
                        "conduit(s) {} already allow only what their flows use",
                        noop.join(", ")
                    ));
                }
                return Err(why.join("; "));
            }
        }
        ControlKind::RemoteAccess => {
            for e in s
                .threat
                .entry_points
                .iter()
                .filter(|e| e.kind == EntryKind::VendorRemoteAccess)
            {
                let mut v = Map::new();
                v.insert("kind".into(), json!("remote_access_restriction"));
                v.insert("description".into(), json!(description));
                v.insert("entry_point".into(), json!(e.id));
                v.insert("residual".into(), json!(0.2));
                out.push(ControlDraft {
                    id: format!("restrict-{}", e.id),
                    value: v,
                    summary: format!("restrict vendor remote access `{}`", e.id),
                });
            }
            if out.is_empty() {
                return Err("the scenario's threat has no vendor remote-access entry point".into());
            }
        }
        ControlKind::Allowlisting => {
            let hosts: Vec<String> = targets
                .iter()
                .filter(|&&a| host_like(s.assets[a].kind))
                .map(|&a| s.assets[a].id.clone())
                .collect();
            if hosts.is_empty() {
                return Err(
                    "none of the affected assets is a host that allowlisting protects".into(),
                );
            }
            let mut v = Map::new();
            v.insert("kind".into(), json!("allowlisting"));
            v.insert("description".into(), json!(description));
            v.insert("assets".into(), json!(hosts));
            v.insert("exploit_success".into(), json!(0.35));
            out.push(ControlDraft {
                id: format!("allowlist-{adv}"),
                summary: format!("allowlisting on {}", hosts.join(", ")),
                value: v,
            });
        }
        ControlKind::Monitoring => {
            let ids: Vec<String> = zones.iter().map(|&z| s.zones[z].id.clone()).collect();
            let mut v = Map::new();
            v.insert("kind".into(), json!("monitoring"));
            v.insert("description".into(), json!(description));
            v.insert("zones".into(), json!(ids));
            v.insert(
                "detection_probability".into(),
                json!({"beta": {"alpha": 3, "beta": 5}}),
            );
            v.insert(
                "time_to_respond".into(),
                json!({"lognormal": {"median": "12h", "p95": "4d"}}),
            );
            out.push(ControlDraft {
                id: format!("monitor-{adv}"),
                summary: format!("monitoring of zone(s) {}", ids.join(", ")),
                value: v,
            });
        }
    }
    let (deploy, failure) = control_defaults(kind);
    for d in &mut out {
        d.value.insert("deploy_time".into(), deploy.clone());
        d.value
            .insert("failure_probability".into(), failure.clone());
    }
    Ok(out)
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
    let existing_vulns: BTreeMap<&str, usize> = s
        .vulnerabilities
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let existing_patches: BTreeSet<&str> = s.patches.iter().map(|p| p.id.as_str()).collect();
    let existing_controls: BTreeSet<&str> = s.controls.iter().map(|c| c.id.as_str()).collect();

    // Inventory entries by comparable product name: matching is a lookup, not a scan.
    let mut inventory: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (ai, asset) in s.assets.iter().enumerate() {
        for (si, sw) in asset.software.iter().enumerate() {
            inventory
                .entry(product_key(&sw.vendor, &sw.product))
                .or_default()
                .push((ai, si));
        }
    }
    let mut across = BTreeMap::new();
    let mut st = State::default();
    for named in advisories {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let a = &named.advisory;
        let mut rep = AdvisoryReport {
            id: a.id.clone(),
            title: a.title.clone(),
            file: named.file.clone(),
            notes: a.notes.clone(),
            ..Default::default()
        };
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

        // 1. Products → affected assets.
        let mut product_assets: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
        for p in &a.products {
            let label = format!("{} {}", p.vendor.trim(), p.product.trim())
                .trim()
                .to_string();
            let spec = match &p.version {
                None => Ok(VersionSpec::All),
                Some(t) => match VersionSpec::parse(t) {
                    Ok(parsed) => {
                        for ig in parsed.ignored {
                            push_once(&mut rep.ignored_text, &mut seen, "ignored", ig);
                        }
                        Ok(parsed.spec)
                    }
                    Err(reason) => {
                        let u = Uninterpretable {
                            product: label.clone(),
                            text: t.clone(),
                            reason: reason.clone(),
                        };
                        if once(
                            &mut seen,
                            "unread",
                            &format!("{}\u{0}{}", u.product, u.text),
                        ) {
                            rep.uninterpretable.push(u);
                        }
                        Err(reason)
                    }
                },
            };
            let range = p.version.clone().unwrap_or_else(|| "all versions".into());
            if p.vendor.trim().is_empty() {
                rep.notes.push(format!(
                    "product `{}` names no vendor: not matched",
                    p.full_name
                ));
                continue;
            }
            let key = product_key(&p.vendor, &p.product);
            if key.is_empty() {
                continue;
            }
            for &(ai, si) in inventory.get(&key).map_or(&[][..], Vec::as_slice) {
                let asset = &s.assets[ai];
                let sw = &asset.software[si];
                {
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
                            let line = format!(
                                "{}\u{0}{}\u{0}{range}\u{0}{inventory}",
                                asset.id, p.product
                            );
                            if first && once(&mut seen, "match", &line) {
                                rep.matches.push(AssetMatch {
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
                            push_once(&mut rep.undecided, &mut seen, "undecided", line);
                        }
                    }
                }
            }
        }

        // 2. Vulnerabilities.
        let mut present: Vec<(&csaf::Vulnerability, BTreeSet<usize>)> = Vec::new();
        for v in &a.vulnerabilities {
            if let Some(p) = &v.cvss_problem {
                rep.notes.push(format!("{}: {p}", v.id));
            }
            for v4 in &v.cvss_v4_seen {
                let line = format!("CVSS v4 vector seen in a reference, not used: {v4}");
                push_once(&mut rep.notes, &mut seen, "note", line);
            }
            for r in &v.remediations {
                if matches!(r.category, Category::NoneAvailable | Category::NoFixPlanned) {
                    rep.no_fix.push(format!(
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
                rep.vulnerabilities
                    .push(format!("{}: affects no asset of this plant", v.id));
                continue;
            }
            let names: Vec<String> = assets.iter().map(|&i| s.assets[i].id.clone()).collect();
            let kev_entry = kev.and_then(|k| k.get(&v.id));
            let epss_score = epss.and_then(|e| e.get(&v.id));
            if let Some(&ei) = existing_vulns.get(v.id.as_str()) {
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
                rep.vulnerabilities.push(line);
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
                    item.notes
                        .push(format!("Also in {source}: affects {}.", names.join(", ")));
                }
                rep.vulnerabilities.push(format!(
                    "{} already added (from this or an earlier advisory): assets merged ({})",
                    v.id,
                    names.join(", ")
                ));
                present.push((v, assets));
                continue;
            }
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
            if let Some(c) = &v.cvss_v3 {
                value.insert("cvss".into(), json!(c));
            }
            let mut notes = vec![format!("From {source}, file {}.", named.file)];
            let matched: Vec<String> = rep
                .matches
                .iter()
                .filter(|m| names.contains(&m.asset))
                .map(|m| format!("{} ({})", m.asset, m.inventory))
                .collect();
            notes.push(format!("Affected: {}.", matched.join(", ")));
            match (&v.cvss_v3, v.cvss_v3_score) {
                (Some(_), Some(score)) => notes.push(format!("CVSS v3 base score {score:.1}.")),
                _ => notes.push(match &v.cvss_problem {
                    Some(p) => format!("No CVSS: {p}."),
                    None => "No CVSS v3 vector in the advisory.".into(),
                }),
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
            if let Some(e) = epss_score {
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
            rep.vulnerabilities.push(format!(
                "+ {}{}: {}",
                v.id,
                if kev_entry.is_some() { " (KEV)" } else { "" },
                names.join(", ")
            ));
            st.report.added_vulnerabilities.push(v.id.clone());
            st.vuln_index.insert(v.id.clone(), st.vulns.len());
            st.vulns.push(NewItem { value, notes });
            present.push((v, assets));
        }
        let is_new = |id: &str| !existing_vulns.contains_key(id);

        // 3. Patches: one per affected product (products with the same comparable name, such
        // as Hitachi's seven `RTU500 series CMU` ranges, share one) whose vendor fixes
        // describe an update.
        let mut groups: Vec<(Vec<&csaf::Product>, BTreeSet<&str>)> = Vec::new();
        let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
        for p in &a.products {
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
        for (products, pids) in &groups {
            let Some(p) = products.first() else { continue };
            let p_assets: BTreeSet<usize> = products
                .iter()
                .filter_map(|q| product_assets.get(q.id.as_str()))
                .flatten()
                .copied()
                .collect();
            let mut fixes: Vec<String> = Vec::new();
            let mut texts: Vec<String> = Vec::new();
            let mut restart: Option<&'static str> = None;
            let mut unknown_restart = Vec::new();
            let mut local: BTreeSet<String> = BTreeSet::new();
            for (v, _) in &present {
                if !v.affected.iter().any(|x| pids.contains(x.as_str())) {
                    continue;
                }
                for r in &v.remediations {
                    let covers = r.product_ids.is_empty()
                        || r.product_ids.iter().any(|x| pids.contains(x.as_str()));
                    if r.category != Category::VendorFix || !covers || !describes_update(&r.details)
                    {
                        continue;
                    }
                    push_once(&mut fixes, &mut local, "fix", v.id.clone());
                    let t = match &r.url {
                        Some(u) => format!("{} <{u}>", excerpt(&r.details, 240)),
                        None => excerpt(&r.details, 240),
                    };
                    if texts.len() < MAX_NOTES {
                        push_once(&mut texts, &mut local, "text", t);
                    }
                    if let Some(c) = &r.restart_required {
                        match csaf::restart_scope(c) {
                            Some(sc) => {
                                if restart.is_none_or(|cur| {
                                    csaf::restart_rank(sc) > csaf::restart_rank(cur)
                                }) {
                                    restart = Some(sc);
                                }
                            }
                            None => {
                                push_once(&mut unknown_restart, &mut local, "restart", c.clone())
                            }
                        }
                    }
                }
            }
            if fixes.is_empty() {
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
            if fixes.iter().all(|f| !is_new(f)) {
                let line = format!(
                    "{id} not added: it fixes only {} which the scenario already models with its own patches",
                    fixes.join(", ")
                );
                push_once(&mut rep.patches, &mut seen, "patch", line);
                continue;
            }
            if existing_patches.contains(id.as_str()) {
                let line = format!("{id} not added: the scenario already has a patch with this id");
                push_once(&mut rep.patches, &mut seen, "patch", line);
                continue;
            }
            let ids = sorted_ids(s, &p_assets);
            let fix_values: Vec<Value> = fixes.iter().map(|f| json!(f)).collect();
            if let Some(i) = State::find(&mut st.patches, &id) {
                let item = &mut st.patches[i];
                union_list(&mut item.value, "fixes", &fix_values);
                if let Some(Value::Object(ap)) = item.value.get_mut("applies_to") {
                    union_list(ap, "assets", &ids);
                }
                if item.notes.len() < MAX_NOTES {
                    item.notes.push(format!("Also for {product_label}."));
                }
                rep.patches.push(format!(
                    "{id}: also applies to {} ({product_label})",
                    ids.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                continue;
            }
            let scope = restart.unwrap_or(DEFAULT_RESTART);
            let mut notes = vec![format!("From {source}: vendor fix for {product_label}.")];
            for t in &texts {
                notes.push(format!("Advisory: \"{t}\""));
            }
            if restart.is_none() {
                notes.push(format!(
                    "restart: {DEFAULT_RESTART} is assumed (the advisory gives no restart_required): review it."
                ));
            }
            if !unknown_restart.is_empty() {
                notes.push(format!(
                    "Unknown restart_required categor{} {} ignored.",
                    if unknown_restart.len() == 1 {
                        "y"
                    } else {
                        "ies"
                    },
                    unknown_restart.join(", ")
                ));
            }
            notes.push("deploy_time, failure and rollback_time are DEFAULTS, not vendor data: review them against the release notes and your test results; set validated_in_test once it is.".into());
            let value = json!({
                "id": id,
                "fixes": fix_values,
                "applies_to": { "assets": ids },
                "deploy_time": {"triangular": {"min": "15m", "mode": "30m", "max": "1h"}},
                "restart": scope,
                "failure": {
                    "probability": {"beta": {"alpha": 2, "beta": 48}},
                    "extra_if_unvalidated": 0.05,
                    "rollback_time": {"pert": {"min": "30m", "mode": "1h", "max": "4h"}}
                },
                "vendor_certified": true,
                "validated_in_test": false
            });
            let Value::Object(value) = value else {
                continue;
            };
            rep.patches.push(format!(
                "+ {id}: fixes {} on {} (restart {scope})",
                fixes.join(", "),
                ids.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            st.report.added_patches.push(id.clone());
            st.patches.push(NewItem { value, notes });
        }

        // 4. Controls from mitigations, workarounds and vendor fixes that describe no update,
        // one candidate per distinct text.
        let mut control_texts: Vec<(&Remediation, Vec<&str>, BTreeSet<usize>)> = Vec::new();
        let mut text_index: BTreeMap<&str, usize> = BTreeMap::new();
        for (v, assets) in &present {
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
                        let (_, vids, t) = &mut control_texts[i];
                        if !vids.contains(&v.id.as_str()) {
                            vids.push(&v.id);
                        }
                        t.extend(targets);
                    }
                    None => {
                        text_index.insert(&r.details, control_texts.len());
                        control_texts.push((r, vec![&v.id], targets));
                    }
                }
            }
        }
        for (r, vids, targets) in &control_texts {
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
                push_once(&mut rep.not_modelled, &mut seen, "not", why);
                continue;
            };
            let blocks: Vec<String> = vids.iter().map(|s| s.to_string()).collect();
            let description = format!(
                "{} {}: {}",
                a.id,
                r.category.name(),
                excerpt(&r.details, 240)
            );
            match drafts(s, &mut across, kind, a, targets, &blocks, &description) {
                Err(why) => {
                    let line = format!("{} ({why}): {text}", r.category.name());
                    push_once(&mut rep.not_modelled, &mut seen, "not", line);
                }
                Ok(ds) => {
                    for d in ds {
                        if existing_controls.contains(d.id.as_str()) {
                            let line = format!(
                                "{} not added: the scenario already has a control with this id",
                                d.id
                            );
                            push_once(&mut rep.controls, &mut seen, "control", line);
                            continue;
                        }
                        if blocks.iter().all(|b| !is_new(b)) {
                            let line = format!(
                                "{} not added: {} already in the scenario with its own controls",
                                d.id,
                                blocks.join(", ")
                            );
                            push_once(&mut rep.controls, &mut seen, "control", line);
                            continue;
                        }
                        let from = format!(
                            "From {source} ({}): \"{}\"",
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
                            push_once(&mut rep.controls, &mut seen, "control", line);
                            continue;
                        }
                        let mut value = Map::new();
                        value.insert("id".into(), json!(d.id));
                        value.extend(d.value);
                        let notes = vec![
                            from,
                            format!("Mapped to: {}.", d.summary),
                            "deploy_time, failure_probability and the effect parameters are DEFAULTS: review them.".into(),
                        ];
                        rep.controls.push(format!("+ {}: {}", d.id, d.summary));
                        st.report.added_controls.push(d.id.clone());
                        st.controls.push(NewItem { value, notes });
                    }
                }
            }
        }
        st.report.advisories.push(rep);
    }

    // 5. Append.
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
    Ok(Merged {
        root,
        notes,
        report: st.report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        use ControlKind::*;
        assert_eq!(
            classify(
                "Locate control system networks and remote devices behind firewalls and isolate them from business networks."
            ),
            Some(Segmentation)
        );
        assert_eq!(
            classify(
                "When remote access is required, use secure methods, such as virtual private networks (VPNs)"
            ),
            Some(RemoteAccess)
        );
        assert_eq!(
            classify(
                "Consider using a web application firewall to block HTML responses from PI Web API servers."
            ),
            Some(VirtualPatch)
        );
        assert_eq!(
            classify("Avoid opening files from unknown sources in Solid Edge."),
            None
        );
        assert_eq!(classify("Disable the Telnet service"), None);
        assert!(describes_update("Upgrade Ignition 8 Gateway to v8.0.10"));
        assert!(describes_update(
            "ControlLogix 5570: Corrected in v33.016, 34.013, 35.012, 36.011 and later"
        ));
        assert!(!describes_update(
            "Tailor user privileges to each user's specific needs"
        ));
    }
}
