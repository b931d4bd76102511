//! Control drafting: the concrete controls a classified remediation becomes in this plant
//! (which conduits to restrict or inspect, which remote-access entry points, hosts or zones),
//! with their defaults, or the reason none can be built.
//!
//! This module does not classify texts ([`super::classify`]) and does not decide whether a
//! draft is added to the scenario ([`super::apply`]).

use super::classify::ControlKind;
use crate::csaf::Advisory;
use crate::names::slug;
use patchtwin_model::{AssetKind, EntryKind, Scenario};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

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

/// One control a remediation becomes: its id, its fields (without `id`) and a one-line
/// summary for the report and the notes.
pub(super) struct ControlDraft {
    pub id: String,
    pub value: Map<String, Value>,
    pub summary: String,
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
pub(super) fn drafts(
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
    let mut out = match kind {
        ControlKind::Segmentation | ControlKind::VirtualPatch => {
            conduit_drafts(s, across, kind, &zones, blocks, description)?
        }
        ControlKind::RemoteAccess => remote_access_drafts(s, description)?,
        ControlKind::Allowlisting => vec![allowlisting_draft(s, &adv, targets, description)?],
        ControlKind::Monitoring => vec![monitoring_draft(s, &adv, &zones, description)],
    };
    let (deploy, failure) = control_defaults(kind);
    for d in &mut out {
        d.value.insert("deploy_time".into(), deploy.clone());
        d.value
            .insert("failure_probability".into(), failure.clone());
    }
    Ok(out)
}

/// Segmentation or virtual patching: one control per conduit leading into an affected zone
/// from an outer one. Segmentation restricts the conduit to the protocols its flows use and
/// is skipped where it already allows only those.
fn conduit_drafts(
    s: &Scenario,
    across: &mut BTreeMap<usize, BTreeSet<String>>,
    kind: ControlKind,
    zones: &BTreeSet<usize>,
    blocks: &[String],
    description: &str,
) -> Result<Vec<ControlDraft>, String> {
    let mut out = Vec::new();
    let mut none = Vec::new();
    let mut noop = Vec::new();
    for &z in zones {
        let inbound = inbound_conduits(s, z);
        if inbound.is_empty() {
            none.push(s.zones[z].id.clone());
        }
        for c in inbound {
            if kind == ControlKind::VirtualPatch {
                out.push(virtual_patch_draft(s, c, blocks, description));
                continue;
            }
            match segmentation_draft(s, across, c, description) {
                Some(d) => out.push(d),
                None => noop.push(s.conduits[c].id.clone()),
            }
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
    Ok(out)
}

fn virtual_patch_draft(
    s: &Scenario,
    c: usize,
    blocks: &[String],
    description: &str,
) -> ControlDraft {
    let conduit = &s.conduits[c];
    let mut v = Map::new();
    v.insert("kind".into(), json!("virtual_patch"));
    v.insert("description".into(), json!(description));
    v.insert("conduit".into(), json!(conduit.id));
    v.insert("blocks".into(), json!(blocks));
    v.insert("miss_probability".into(), json!(0.05));
    v.insert("inspection_latency".into(), json!("250us"));
    ControlDraft {
        id: format!("vpatch-{}", conduit.id),
        value: v,
        summary: format!(
            "virtual patch on conduit `{}` blocking {}",
            conduit.id,
            blocks.join(", ")
        ),
    }
}

/// Restricts conduit `c` to the protocols its flows use; `None` when it already does.
fn segmentation_draft(
    s: &Scenario,
    across: &mut BTreeMap<usize, BTreeSet<String>>,
    c: usize,
    description: &str,
) -> Option<ControlDraft> {
    let conduit = &s.conduits[c];
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
        return None;
    }
    let mut v = Map::new();
    v.insert("kind".into(), json!("segmentation"));
    v.insert("description".into(), json!(description));
    v.insert("conduit".into(), json!(conduit.id));
    v.insert("allow_protocols".into(), json!(allowed));
    Some(ControlDraft {
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
    })
}

/// One restriction per vendor remote-access entry point of the threat.
fn remote_access_drafts(s: &Scenario, description: &str) -> Result<Vec<ControlDraft>, String> {
    let mut out = Vec::new();
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
    Ok(out)
}

/// Allowlisting on the affected assets that are hosts.
fn allowlisting_draft(
    s: &Scenario,
    adv: &str,
    targets: &BTreeSet<usize>,
    description: &str,
) -> Result<ControlDraft, String> {
    let hosts: Vec<String> = targets
        .iter()
        .filter(|&&a| host_like(s.assets[a].kind))
        .map(|&a| s.assets[a].id.clone())
        .collect();
    if hosts.is_empty() {
        return Err("none of the affected assets is a host that allowlisting protects".into());
    }
    let mut v = Map::new();
    v.insert("kind".into(), json!("allowlisting"));
    v.insert("description".into(), json!(description));
    v.insert("assets".into(), json!(hosts));
    v.insert("exploit_success".into(), json!(0.35));
    Ok(ControlDraft {
        id: format!("allowlist-{adv}"),
        summary: format!("allowlisting on {}", hosts.join(", ")),
        value: v,
    })
}

/// Monitoring of the affected zones.
fn monitoring_draft(
    s: &Scenario,
    adv: &str,
    zones: &BTreeSet<usize>,
    description: &str,
) -> ControlDraft {
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
    ControlDraft {
        id: format!("monitor-{adv}"),
        summary: format!("monitoring of zone(s) {}", ids.join(", ")),
        value: v,
    }
}
