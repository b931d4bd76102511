//! The zones (with their Purdue level and target security level) and the conduits between
//! them. Which traffic a conduit lets through is the simulation's question; this checks what
//! is written.

use super::Sections;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

/// Checks `zones`: unique ids, a Purdue level of 0 to 5 or 3.5, a target security level of 1
/// to 4.
pub(super) fn zones(ctx: &mut Ctx, root: &serde_json::Value, s: &Sections) -> (Ids, Vec<Zone>) {
    let mut zone_ids = Ids::new("zones", written_ids(root, "zones"));
    let mut zones = Vec::new();
    for (i, z) in &s.zones {
        let path = join_index("zones", *i);
        zone_ids.define(ctx, &z.id, &path, "zone");
        let tenths = (z.purdue_level * 10.0).round();
        let ok = z.purdue_level.is_finite()
            && (tenths - z.purdue_level * 10.0).abs() < 1e-9
            && ((0.0..=50.0).contains(&tenths) && (tenths % 10.0 == 0.0 || tenths == 35.0));
        if !ok {
            ctx.err_at(
                &join_key(&path, "purdue_level"),
                format!(
                    "a Purdue level is 0, 1, 2, 3, 3.5 (DMZ), 4 or 5, got {}",
                    z.purdue_level
                ),
            );
        }
        if let Some(sl) = z.security_level_target
            && !(1..=4).contains(&sl)
        {
            ctx.err_at(
                &join_key(&path, "security_level_target"),
                format!("a target security level (SL-T) is 1 to 4, got {sl}"),
            );
        }
        zones.push(Zone {
            id: z.id.clone(),
            purdue_level: PurdueLevel(tenths.clamp(0.0, 50.0) as u8),
            security_level_target: z.security_level_target,
        });
    }
    (zone_ids, zones)
}

/// Checks `conduits`: each joins two different known zones.
pub(super) fn conduits(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    zone_ids: &Ids,
) -> (Ids, Vec<Conduit>) {
    let mut conduit_ids = Ids::new("conduits", written_ids(root, "conduits"));
    let mut conduits = Vec::new();
    for (i, c) in &s.conduits {
        let path = join_index("conduits", *i);
        conduit_ids.define(ctx, &c.id, &path, "conduit");
        if c.zones.len() != 2 {
            ctx.err_at(
                &join_key(&path, "zones"),
                format!("a conduit connects exactly 2 zones, got {}", c.zones.len()),
            );
            continue;
        }
        let a = zone_ids.resolve(
            ctx,
            &c.zones[0],
            &join_index(&join_key(&path, "zones"), 0),
            "zone",
        );
        let b = zone_ids.resolve(
            ctx,
            &c.zones[1],
            &join_index(&join_key(&path, "zones"), 1),
            "zone",
        );
        if c.zones[0] == c.zones[1] {
            ctx.err_at(
                &join_key(&path, "zones"),
                format!(
                    "a conduit connects two different zones, got `{}` twice",
                    c.zones[0]
                ),
            );
        }
        let direction = match c.direction.unwrap_or(DirectionRaw::Both) {
            DirectionRaw::Both => ConduitDirection::Both,
            DirectionRaw::FirstToSecond => ConduitDirection::FirstToSecond,
            DirectionRaw::SecondToFirst => ConduitDirection::SecondToFirst,
        };
        if let (Some(a), Some(b)) = (a, b) {
            conduits.push(Conduit {
                id: c.id.clone(),
                zones: [ZoneIdx(a), ZoneIdx(b)],
                protocols: c.protocols.iter().map(|p| p.to_lowercase()).collect(),
                direction,
            });
        }
    }
    (conduit_ids, conduits)
}
