//! The threat: its entry points (where an attacker gets a foothold, how often they try), its
//! targets (an asset or a process unit, and what a compromise costs), its capability and the
//! recovery time after an attack. How the attacker moves is the simulation's.

use super::Sections;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::time::unit;
use patchtwin_model::*;

/// What the threat's entry points and targets name: assets, zones (an attacker outside the
/// plant), process units, and the plant built so far (where an outside attacker can go).
pub(super) struct ThreatRefs<'a> {
    pub asset_ids: &'a Ids,
    pub zone_ids: &'a Ids,
    pub unit_ids: &'a Ids,
    pub process_units: &'a [ProcessUnit],
    pub assets: &'a [Asset],
    pub conduits: &'a [Conduit],
}

/// Checks `threat` (a scenario without one gets no entry points, medium capability and the
/// default recovery time). Returns the entry points' ids, which controls may name.
pub(super) fn threat(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    refs: &ThreatRefs<'_>,
) -> (Ids, Threat) {
    let (asset_ids, unit_ids, process_units) = (refs.asset_ids, refs.unit_ids, refs.process_units);
    let mut entry_ids = Ids::new(
        "threat.entry_points",
        written_ids_nested(root, "threat", "entry_points"),
    );
    let threat = match &s.threat {
        None => Threat {
            entry_points: Vec::new(),
            capability: Capability::Medium,
            targets: Vec::new(),
            recovery_time: default_recovery(),
        },
        Some(t) => {
            let entry_points = entry_points(ctx, t, &mut entry_ids, refs);
            let targets = targets(ctx, t, asset_ids, unit_ids, process_units);
            if t.entry_points.is_empty() {
                ctx.warn(
                    "threat.entry_points",
                    "the threat has no entry points: no attack will be simulated".into(),
                );
            }
            let capability = match t.capability.unwrap_or(CapabilityRaw::Medium) {
                CapabilityRaw::Low => Capability::Low,
                CapabilityRaw::Medium => Capability::Medium,
                CapabilityRaw::High => Capability::High,
                CapabilityRaw::NationState => Capability::NationState,
            };
            let recovery_time = match &t.recovery_time {
                Some(d) => {
                    duration_dist(ctx, d, "threat.recovery_time").unwrap_or_else(default_recovery)
                }
                None => default_recovery(),
            };
            Threat {
                entry_points,
                capability,
                targets,
                recovery_time,
            }
        }
    };
    (entry_ids, threat)
}

/// Checks `threat.entry_points`: a known asset to land on or a known zone outside the plant
/// to attack from (exactly one), attempts at most every minute, a foothold probability
/// (certain when not given).
fn entry_points(
    ctx: &mut Ctx,
    t: &ThreatRaw,
    entry_ids: &mut Ids,
    refs: &ThreatRefs<'_>,
) -> Vec<EntryPoint> {
    let mut entry_points = Vec::new();
    for (j, e) in t.entry_points.iter().enumerate() {
        let path = join_index("threat.entry_points", j);
        entry_ids.define(ctx, &e.id, &path, "entry point");
        let landing = landing(ctx, e, &path, refs);
        if e.mean_time_between_attempts.0 < Duration(unit::MIN) {
            ctx.err_at(
                &join_key(&path, "mean_time_between_attempts"),
                format!(
                    "attempts at most every minute are modelled, got {}",
                    e.mean_time_between_attempts.0
                ),
            );
        }
        let foothold = match &e.foothold_probability {
            Some(p) => probability(ctx, p, &join_key(&path, "foothold_probability")),
            None => Some(Probability::Fixed(1.0)),
        };
        let kind = match e.kind {
            EntryKindRaw::EnterpriseIt => EntryKind::EnterpriseIt,
            EntryKindRaw::VendorRemoteAccess => EntryKind::VendorRemoteAccess,
            EntryKindRaw::InternetService => EntryKind::InternetService,
            EntryKindRaw::RemovableMedia => EntryKind::RemovableMedia,
        };
        if let (Some((asset, zone)), Some(foothold_probability)) = (landing, foothold) {
            entry_points.push(EntryPoint {
                id: e.id.clone(),
                kind,
                asset,
                zone,
                mean_time_between_attempts: e.mean_time_between_attempts.0,
                foothold_probability,
            });
        }
    }
    entry_points
}

/// Where an entry point lets the attacker in: the landing asset and its zone, or no asset and
/// the zone outside the plant it attacks from, which must lead somewhere (an asset in it or a
/// conduit that opens out of it).
fn landing(
    ctx: &mut Ctx,
    e: &EntryPointRaw,
    path: &str,
    refs: &ThreatRefs<'_>,
) -> Option<(Option<AssetIdx>, ZoneIdx)> {
    match (&e.asset, &e.from) {
        (Some(a), None) => {
            let a = refs
                .asset_ids
                .resolve(ctx, a, &join_key(path, "asset"), "asset")?;
            let zone = refs.assets.get(a as usize)?.zone;
            Some((Some(AssetIdx(a)), zone))
        }
        (None, Some(z)) => {
            let at = join_key(path, "from");
            if matches!(e.kind, EntryKindRaw::RemovableMedia) {
                ctx.err_at(
                    &at,
                    "removable media is carried onto an asset: name the `asset` it lands on, not \
                     a zone to attack `from`"
                        .into(),
                );
                return None;
            }
            let zone = ZoneIdx(refs.zone_ids.resolve(ctx, z, &at, "zone")?);
            let has_asset = refs.assets.iter().any(|a| a.zone == zone);
            let leads_out = refs
                .conduits
                .iter()
                .any(|c| c.zones.iter().any(|&to| reach::conduit_leads(c, zone, to)));
            // A conduit or asset that failed its own checks is missing here: judge only a
            // plant built whole.
            if ctx.clean() && !has_asset && !leads_out {
                ctx.err_at(
                    &at,
                    format!(
                        "an attacker in zone `{z}` reaches nothing: no asset is in it and no \
                         conduit under `conduits` opens out of it (add one from `{z}` to the \
                         zone it reaches, with the protocols it lets in)"
                    ),
                );
                return None;
            }
            Some((None, zone))
        }
        (Some(_), Some(_)) => {
            ctx.err_at(
                &join_key(path, "from"),
                "an entry point names `asset` (where the attacker lands) or `from` (the zone \
                 outside the plant it attacks from), not both"
                    .into(),
            );
            None
        }
        (None, None) => {
            ctx.err_at(
                path,
                "an entry point needs `asset` (where the attacker lands) or `from` (the zone \
                 outside the plant it attacks from, e.g. `internet`)"
                    .into(),
            );
            None
        }
    }
}

/// Checks `threat.targets`: each names one known asset or process unit; a unit's impact cost
/// defaults to the unit's `compromise_impact_cost`, an asset's to 0.
fn targets(
    ctx: &mut Ctx,
    t: &ThreatRaw,
    asset_ids: &Ids,
    unit_ids: &Ids,
    process_units: &[ProcessUnit],
) -> Vec<Target> {
    let mut targets = Vec::new();
    for (j, tr) in t.targets.iter().enumerate() {
        let path = join_index("threat.targets", j);
        let what = match (&tr.asset, &tr.process_unit) {
            (Some(a), None) => asset_ids
                .resolve(ctx, a, &join_key(&path, "asset"), "asset")
                .map(|a| AttackTarget::Asset(AssetIdx(a))),
            (None, Some(u)) => unit_ids
                .resolve(ctx, u, &join_key(&path, "process_unit"), "process unit")
                .map(|u| AttackTarget::Unit(UnitIdx(u))),
            _ => {
                ctx.err_at(
                    &path,
                    "a target names exactly one of `asset` or `process_unit`".into(),
                );
                None
            }
        };
        let impact = tr
            .impact_cost
            .map(|c| money(ctx, c, &join_key(&path, "impact_cost")));
        if let Some(what) = what {
            let impact_cost = impact.unwrap_or(match what {
                AttackTarget::Unit(u) => process_units
                    .get(u.ix())
                    .map_or(0.0, |p| p.compromise_impact_cost),
                AttackTarget::Asset(_) => 0.0,
            });
            targets.push(Target { what, impact_cost });
        }
    }
    targets
}

/// The recovery time after an attack when the threat gives none: log-normal, median 8h,
/// 95th percentile 24h.
fn default_recovery() -> DurationDist {
    DurationDist(
        Dist::new(DistSpec::LogNormal {
            median: (8 * unit::H) as f64,
            p95: (24 * unit::H) as f64,
        })
        .expect("valid default"),
    )
}
