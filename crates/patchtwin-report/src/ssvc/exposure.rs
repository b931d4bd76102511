//! SSVC System Exposure at a plan's end state: what the plan leaves in place (`EndState`) and
//! how far the attacker reaches by the model's one reach rule (`patchtwin_model::reach`), with
//! the path in words.
//!
//! This module is not a second reach rule: it asks `patchtwin_model::reach` and describes the
//! answer.

use super::*;

/// What a plan leaves in place: the controls it enables and the (vulnerability, asset) pairs
/// its patches fix.
#[derive(Clone, Debug)]
pub struct EndState {
    /// Per control: enabled by the plan.
    pub controls: Vec<bool>,
    /// (vulnerability, asset) pairs fixed by the plan's patches.
    pub patched: BTreeSet<(usize, usize)>,
}

impl EndState {
    /// The end state of `plan` (every action succeeded).
    pub fn of(s: &Scenario, plan: &Plan) -> Self {
        let mut controls = vec![false; s.controls.len()];
        let mut patched = BTreeSet::new();
        for a in &plan.actions {
            match a {
                // A control for a period (`for:`, a take-out) is over by the end.
                Action::EnableControl {
                    control,
                    lasts: None,
                    ..
                } => controls[control.ix()] = true,
                Action::EnableControl { .. } => {}
                Action::ApplyPatch { patch, assets, .. } => {
                    for v in &s.patches[patch.ix()].fixes {
                        for asset in assets {
                            if s.vulnerabilities[v.ix()].assets.contains(asset) {
                                patched.insert((v.ix(), asset.ix()));
                            }
                        }
                    }
                }
            }
        }
        EndState { controls, patched }
    }
    /// The same controls without any patch.
    pub fn without_patches(&self) -> Self {
        EndState {
            controls: self.controls.clone(),
            patched: BTreeSet::new(),
        }
    }
}

/// A note on a control the attacker goes past, for the reasons.
pub(super) fn control_note(s: &Scenario, k: ControlIdx) -> String {
    let c = &s.controls[k.ix()];
    match &c.effect {
        ControlEffect::Segmentation { conduit, .. } => {
            format!("{} (segmentation of {})", c.id, s.conduits[conduit.ix()].id)
        }
        ControlEffect::VirtualPatch { conduit, .. } => {
            format!(
                "{} (virtual patch on {})",
                c.id,
                s.conduits[conduit.ix()].id
            )
        }
        ControlEffect::Allowlisting { .. } => format!("{} (allowlisting)", c.id),
        ControlEffect::RemoteAccessRestriction { entry_point, .. } => format!(
            "{} (restricts {})",
            c.id,
            s.threat.entry_points[entry_point.ix()].id
        ),
        ControlEffect::Monitoring { .. } => c.id.clone(),
        ControlEffect::SourceAllowlist { on, .. } => crate::sources::note(s, &c.id, *on),
        ControlEffect::OutOfService { .. } => format!("{} (out of service)", c.id),
    }
}

/// The way into zone `z` as the spread found it, entry point first.
pub(super) fn path(spread: &Spread<'_>, s: &Scenario, z: usize) -> String {
    let mut steps = Vec::new();
    let mut z = z;
    for _ in 0..=s.zones.len() {
        match &spread.zone[z] {
            Some(HeldVia::Entry(e)) => {
                let e = &s.threat.entry_points[e.ix()];
                let (id, kind, zone) = (&e.id, entry_kind(e.kind), &s.zones[z].id);
                steps.push(match e.asset {
                    Some(_) => format!("{id} ({kind}) lands in {zone}"),
                    // From outside the plant: no asset of the plant is the way in.
                    None => format!("from {zone}, outside the plant ({id}, {kind})"),
                });
                break;
            }
            Some(HeldVia::Step {
                asset,
                vuln,
                from,
                conduit,
            }) => {
                let over = conduit.map_or(String::new(), |c| {
                    format!(" over {}", s.conduits[c.ix()].id)
                });
                steps.push(format!(
                    "{} ({}{over})",
                    s.assets[asset.ix()].id,
                    s.vulnerabilities[vuln.ix()].id
                ));
                z = from.ix();
            }
            Some(HeldVia::Start) | None => break,
        }
    }
    steps.reverse();
    steps.join(" → ")
}

pub(super) fn entry_kind(k: EntryKind) -> &'static str {
    match k {
        EntryKind::EnterpriseIt => "enterprise_it",
        EntryKind::VendorRemoteAccess => "vendor_remote_access",
        EntryKind::InternetService => "internet_service",
        EntryKind::RemovableMedia => "removable_media",
    }
}

pub(super) fn list(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..max].join(", "), items.len() - max)
    }
}

/// System exposure of vulnerability `v` at end state `st`.
pub fn system_exposure(s: &Scenario, st: &EndState, v: usize) -> Input<SystemExposure> {
    let vuln = &s.vulnerabilities[v];
    let open_assets: Vec<usize> = vuln
        .assets
        .iter()
        .map(|a| a.ix())
        .filter(|a| !st.patched.contains(&(v, *a)))
        .collect();
    if open_assets.is_empty() {
        return Input {
            value: SystemExposure::Small,
            reason: format!(
                "the plan patches it on every asset carrying it ({})",
                list(
                    &vuln
                        .assets
                        .iter()
                        .map(|a| s.assets[a.ix()].id.clone())
                        .collect::<Vec<_>>(),
                    4
                )
            ),
        };
    }
    let service = vuln
        .service
        .as_deref()
        .map_or("any service".to_string(), |sv| sv.to_string());
    let open = |pv: VulnIdx, pa: AssetIdx| !st.patched.contains(&(pv.ix(), pa.ix()));
    let vix = VulnIdx(v as u32);
    let mut strict = Spread::new(s, &st.controls, Hindrance::None);
    strict.land();
    strict.grow(&open);
    let unhindered: Vec<(usize, Attempt)> = open_assets
        .iter()
        .filter_map(|&a| strict.attempt(vix, AssetIdx(a as u32)).map(|at| (a, at)))
        .collect();
    if let Some((a, at)) = unhindered.first() {
        let others = unhindered.len() - 1;
        let more = if others > 0 {
            format!(
                " (and {others} more asset{})",
                if others > 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        let zone = s.assets[*a].zone.ix();
        let path = if matches!(strict.zone[zone], Some(HeldVia::Step { asset, .. }) if asset.ix() == *a)
        {
            // The attacker's way into the zone was this very asset.
            path(&strict, s, zone)
        } else {
            let last = match at.conduit {
                Some(c) => format!(
                    " → {} over {} ({service})",
                    s.assets[*a].id,
                    s.conduits[c.ix()].id
                ),
                None => format!(" → {} in the same zone", s.assets[*a].id),
            };
            format!("{}{last}", path(&strict, s, at.from.ix()))
        };
        return Input {
            value: SystemExposure::Open,
            reason: format!(
                "{}{more} reachable with no control in the way: {path}",
                s.assets[*a].id
            ),
        };
    }
    // Past controls and from restricted entry points (any positive chance).
    let mut loose = Spread::new(s, &st.controls, Hindrance::Possible);
    loose.land();
    loose.grow(&open);
    let mut passed = loose.passed.clone();
    let mut reached = Vec::new();
    for &a in &open_assets {
        if let Some(at) = loose.attempt(vix, AssetIdx(a as u32)) {
            passed.extend(at.controls);
            reached.push(a);
        }
    }
    if !reached.is_empty() {
        let names: Vec<String> = reached.iter().map(|&a| s.assets[a].id.clone()).collect();
        let mut notes: BTreeSet<String> = passed.iter().map(|k| control_note(s, *k)).collect();
        for (ei, e) in s.threat.entry_points.iter().enumerate() {
            if e.kind == EntryKind::RemovableMedia
                && entry_residual(s, EntryIdx(ei as u32), &st.controls).0 > 0.0
            {
                notes.insert(format!("{} (removable media: physical access)", e.id));
            }
        }
        let notes: Vec<String> = notes.into_iter().collect();
        return Input {
            value: SystemExposure::Controlled,
            reason: format!(
                "{} reachable only past controls or restricted entry points: {}",
                list(&names, 3),
                list(&notes, 4)
            ),
        };
    }
    let patched = vuln.assets.len() - open_assets.len();
    Input {
        value: SystemExposure::Small,
        reason: if patched > 0 {
            format!(
                "the plan patches {patched} of {} assets; no entry point reaches the rest",
                vuln.assets.len()
            )
        } else if vuln.local_only {
            "needs local or adjacent access, and no entry point lands in its zone".into()
        } else {
            "no entry point reaches an asset carrying it".into()
        },
    }
}
