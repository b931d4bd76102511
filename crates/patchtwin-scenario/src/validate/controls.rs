//! One security control: which fields its kind takes, the references it names, and its
//! deployment. The controls' effect on the attacker is the simulation's.

use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

#[expect(
    clippy::too_many_arguments,
    reason = "a control may reference any of these sections"
)]
pub(super) fn control(
    ctx: &mut Ctx,
    c: &ControlRaw,
    path: &str,
    conduits: &Ids,
    entries: &Ids,
    assets: &Ids,
    zones: &Ids,
    vulns: &Ids,
) -> Option<Control> {
    let kind_name = match c.kind {
        ControlKindRaw::Segmentation => "segmentation",
        ControlKindRaw::RemoteAccessRestriction => "remote_access_restriction",
        ControlKindRaw::Allowlisting => "allowlisting",
        ControlKindRaw::Monitoring => "monitoring",
        ControlKindRaw::VirtualPatch => "virtual_patch",
    };
    let allowed: &[&str] = match c.kind {
        ControlKindRaw::Segmentation => &["conduit", "allow_protocols"],
        ControlKindRaw::RemoteAccessRestriction => &["entry_point", "residual"],
        ControlKindRaw::Allowlisting => &["assets", "exploit_success"],
        ControlKindRaw::Monitoring => &["zones", "detection_probability", "time_to_respond"],
        ControlKindRaw::VirtualPatch => &[
            "conduit",
            "blocks",
            "miss_probability",
            "inspection_latency",
        ],
    };
    let given = [
        ("conduit", c.conduit.is_some()),
        ("allow_protocols", c.allow_protocols.is_some()),
        ("entry_point", c.entry_point.is_some()),
        ("residual", c.residual.is_some()),
        ("assets", c.assets.is_some()),
        ("exploit_success", c.exploit_success.is_some()),
        ("zones", c.zones.is_some()),
        ("detection_probability", c.detection_probability.is_some()),
        ("time_to_respond", c.time_to_respond.is_some()),
        ("blocks", c.blocks.is_some()),
        ("miss_probability", c.miss_probability.is_some()),
        ("inspection_latency", c.inspection_latency.is_some()),
    ];
    for (name, is_given) in given {
        if is_given && !allowed.contains(&name) {
            ctx.err_at(
                &join_key(path, name),
                format!(
                    "`{name}` does not apply to a {kind_name} control; it takes {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    let need = |ctx: &mut Ctx, name: &str, present: bool| {
        if !present {
            ctx.err_at(path, format!("a {kind_name} control needs `{name}`"));
        }
        present
    };
    let effect = match c.kind {
        ControlKindRaw::Segmentation => {
            if !need(ctx, "conduit", c.conduit.is_some()) {
                return None;
            }
            let conduit = conduits.resolve(
                ctx,
                c.conduit.as_deref()?,
                &join_key(path, "conduit"),
                "conduit",
            )?;
            ControlEffect::Segmentation {
                conduit: ConduitIdx(conduit),
                allow_protocols: c
                    .allow_protocols
                    .clone()
                    .unwrap_or_default()
                    .iter()
                    .map(|p| p.to_lowercase())
                    .collect(),
            }
        }
        ControlKindRaw::RemoteAccessRestriction => {
            if !need(ctx, "entry_point", c.entry_point.is_some()) {
                return None;
            }
            let e = entries.resolve(
                ctx,
                c.entry_point.as_deref()?,
                &join_key(path, "entry_point"),
                "entry point",
            )?;
            let residual = fraction(
                ctx,
                c.residual.unwrap_or(0.0),
                &join_key(path, "residual"),
                "`residual`",
                1.0,
            );
            ControlEffect::RemoteAccessRestriction {
                entry_point: EntryIdx(e),
                residual,
            }
        }
        ControlKindRaw::Allowlisting => {
            let ok_a = need(ctx, "assets", c.assets.is_some());
            let ok_e = need(ctx, "exploit_success", c.exploit_success.is_some());
            if !(ok_a && ok_e) {
                return None;
            }
            let list: Vec<AssetIdx> = c
                .assets
                .as_ref()?
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    assets
                        .resolve(ctx, a, &join_index(&join_key(path, "assets"), i), "asset")
                        .map(AssetIdx)
                })
                .collect();
            let exploit_success = fraction(
                ctx,
                c.exploit_success?,
                &join_key(path, "exploit_success"),
                "`exploit_success`",
                1.0,
            );
            ControlEffect::Allowlisting {
                assets: list,
                exploit_success,
            }
        }
        ControlKindRaw::Monitoring => {
            let ok = [
                need(ctx, "zones", c.zones.is_some()),
                need(
                    ctx,
                    "detection_probability",
                    c.detection_probability.is_some(),
                ),
                need(ctx, "time_to_respond", c.time_to_respond.is_some()),
            ];
            if ok.contains(&false) {
                return None;
            }
            let zs: Vec<ZoneIdx> = c
                .zones
                .as_ref()?
                .iter()
                .enumerate()
                .filter_map(|(i, z)| {
                    zones
                        .resolve(ctx, z, &join_index(&join_key(path, "zones"), i), "zone")
                        .map(ZoneIdx)
                })
                .collect();
            let dp = probability(
                ctx,
                c.detection_probability.as_ref()?,
                &join_key(path, "detection_probability"),
            )?;
            let ttr = duration_dist(
                ctx,
                c.time_to_respond.as_ref()?,
                &join_key(path, "time_to_respond"),
            )?;
            ControlEffect::Monitoring {
                zones: zs,
                detection_probability: dp,
                time_to_respond: ttr,
            }
        }
        ControlKindRaw::VirtualPatch => {
            let ok = [
                need(ctx, "conduit", c.conduit.is_some()),
                need(ctx, "blocks", c.blocks.is_some()),
                need(ctx, "inspection_latency", c.inspection_latency.is_some()),
            ];
            if ok.contains(&false) {
                return None;
            }
            let conduit = conduits.resolve(
                ctx,
                c.conduit.as_deref()?,
                &join_key(path, "conduit"),
                "conduit",
            );
            let blocks: Vec<VulnIdx> = c
                .blocks
                .as_ref()?
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    vulns
                        .resolve(
                            ctx,
                            v,
                            &join_index(&join_key(path, "blocks"), i),
                            "vulnerability",
                        )
                        .map(VulnIdx)
                })
                .collect();
            let miss = fraction(
                ctx,
                c.miss_probability.unwrap_or(0.05),
                &join_key(path, "miss_probability"),
                "`miss_probability`",
                1.0,
            );
            ControlEffect::VirtualPatch {
                conduit: ConduitIdx(conduit?),
                blocks,
                miss_probability: miss,
                inspection_latency: c.inspection_latency?.0,
            }
        }
    };
    let deploy_time = match &c.deploy_time {
        Some(d) => duration_dist(ctx, d, &join_key(path, "deploy_time"))?,
        None => DurationDist::constant(Duration::ZERO),
    };
    let failure_probability = match &c.failure_probability {
        Some(p) => probability(ctx, p, &join_key(path, "failure_probability"))?,
        None => Probability::Fixed(0.0),
    };
    Some(Control {
        id: c.id.clone(),
        effect,
        deploy_time,
        failure_probability,
    })
}
