//! The security controls: which fields each kind takes, the references it names, and its
//! deployment. The controls' effect on the attacker is the simulation's.

use super::Sections;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

/// The sections a control may reference, by id.
pub(super) struct ControlRefs<'a> {
    pub(super) conduits: &'a Ids,
    pub(super) entries: &'a Ids,
    pub(super) assets: &'a Ids,
    pub(super) zones: &'a Ids,
    pub(super) vulns: &'a Ids,
    pub(super) units: &'a Ids,
}

/// Checks `controls`.
pub(super) fn controls(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    refs: &ControlRefs,
) -> (Ids, Vec<Control>) {
    let mut control_ids = Ids::new("controls", written_ids(root, "controls"));
    let mut controls = Vec::new();
    for (i, c) in &s.controls {
        let path = join_index("controls", *i);
        control_ids.define(ctx, &c.id, &path, "control");
        if let Some(control) = control(ctx, c, &path, refs) {
            controls.push(control);
        }
    }
    (control_ids, controls)
}

/// One control at `path`, or `None` when a field it needs is missing or a reference failed
/// (reported).
fn control(ctx: &mut Ctx, c: &ControlRaw, path: &str, refs: &ControlRefs) -> Option<Control> {
    let kind_name = match c.kind {
        ControlKindRaw::Segmentation => "segmentation",
        ControlKindRaw::RemoteAccessRestriction => "remote_access_restriction",
        ControlKindRaw::Allowlisting => "allowlisting",
        ControlKindRaw::Monitoring => "monitoring",
        ControlKindRaw::VirtualPatch => "virtual_patch",
        ControlKindRaw::SourceAllowlist => "source_allowlist",
    };
    reject_foreign_fields(ctx, c, path, kind_name);
    let need = Need { path, kind_name };
    let effect = match c.kind {
        ControlKindRaw::Segmentation => segmentation(ctx, c, &need, refs.conduits)?,
        ControlKindRaw::RemoteAccessRestriction => {
            remote_access_restriction(ctx, c, &need, refs.entries)?
        }
        ControlKindRaw::Allowlisting => allowlisting(ctx, c, &need, refs.assets)?,
        ControlKindRaw::Monitoring => monitoring(ctx, c, &need, refs.zones)?,
        ControlKindRaw::VirtualPatch => virtual_patch(ctx, c, &need, refs.conduits, refs.vulns)?,
        ControlKindRaw::SourceAllowlist => source_allowlist(ctx, c, path, &need, refs)?,
    };
    let deploy_time = match &c.deploy_time {
        Some(d) => duration_dist(ctx, d, &join_key(path, "deploy_time"))?,
        None => DurationDist::constant(Duration::ZERO),
    };
    let failure_probability = match &c.failure_probability {
        Some(p) => probability(ctx, p, &join_key(path, "failure_probability"))?,
        None => Probability::Fixed(0.0),
    };
    let recovery = recovery_effects(ctx, c, path, refs);
    Some(Control {
        id: c.id.clone(),
        effect,
        deploy_time,
        failure_probability,
        recovery,
    })
}

/// Checks a control's `recovery` entries: kinds (default all), scope (assets or units),
/// `scale` (finite, ≥ 0, default 1) and `add` (default 0); an entry that changes nothing is an
/// error, as is an asset scope on `unit_restart` alone or a unit scope without it.
fn recovery_effects(
    ctx: &mut Ctx,
    c: &ControlRaw,
    path: &str,
    refs: &ControlRefs,
) -> Vec<RecoveryEffect> {
    let Some(list) = &c.recovery else {
        return Vec::new();
    };
    let list_path = join_key(path, "recovery");
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let p = join_index(&list_path, i);
        let kinds: Vec<RecoveryKind> = match &r.kinds {
            None => RecoveryKind::ALL.to_vec(),
            Some(k) if k.is_empty() => {
                ctx.err_at(
                    &join_key(&p, "kinds"),
                    "`kinds` is empty: list restart, repair, unit_restart or recovery, or leave it out for all four".into(),
                );
                continue;
            }
            Some(k) => {
                let mut kinds: Vec<RecoveryKind> = k
                    .iter()
                    .map(|k| match k {
                        RecoveryKindRaw::Restart => RecoveryKind::Restart,
                        RecoveryKindRaw::Repair => RecoveryKind::Repair,
                        RecoveryKindRaw::UnitRestart => RecoveryKind::UnitRestart,
                        RecoveryKindRaw::Recovery => RecoveryKind::Recovery,
                    })
                    .collect();
                kinds.sort();
                kinds.dedup();
                kinds
            }
        };
        let resolve = |ctx: &mut Ctx, ids: Option<&Vec<String>>, key: &str, table: &Ids, what| {
            let mut v = Vec::new();
            for (j, id) in ids.into_iter().flatten().enumerate() {
                if let Some(x) = table.resolve(ctx, id, &join_index(&join_key(&p, key), j), what) {
                    v.push(x);
                }
            }
            v
        };
        let assets: Vec<AssetIdx> = resolve(ctx, r.assets.as_ref(), "assets", refs.assets, "asset")
            .into_iter()
            .map(AssetIdx)
            .collect();
        let units: Vec<UnitIdx> =
            resolve(ctx, r.units.as_ref(), "units", refs.units, "process unit")
                .into_iter()
                .map(UnitIdx)
                .collect();
        let unit_only = kinds == [RecoveryKind::UnitRestart];
        if r.assets.is_some() && unit_only {
            ctx.err_at(
                &join_key(&p, "assets"),
                "`assets` scopes restart, repair and recovery; for unit restarts name `units`"
                    .into(),
            );
        }
        if r.units.is_some() && !kinds.contains(&RecoveryKind::UnitRestart) {
            ctx.err_at(
                &join_key(&p, "units"),
                "`units` scopes unit restarts: add `unit_restart` to `kinds`, or name `assets`"
                    .into(),
            );
        }
        let scale = match r.scale {
            Some(x) if !(x.is_finite() && x >= 0.0) => {
                ctx.err_at(
                    &join_key(&p, "scale"),
                    format!("`scale` must be a number 0 or above, got {x}"),
                );
                continue;
            }
            Some(x) => x,
            None => 1.0,
        };
        let add = r.add.map_or(Duration::ZERO, |d| d.0);
        if scale == 1.0 && add == Duration::ZERO {
            ctx.err_at(
                &p,
                "this recovery effect changes nothing: give `scale` (other than 1) or `add`".into(),
            );
            continue;
        }
        out.push(RecoveryEffect {
            kinds,
            assets,
            units,
            scale,
            add,
        });
    }
    out
}

/// Reports every field given that the control's kind does not take.
fn reject_foreign_fields(ctx: &mut Ctx, c: &ControlRaw, path: &str, kind_name: &str) {
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
        ControlKindRaw::SourceAllowlist => &["entry_point", "conduit", "residual"],
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
}

/// The fields a control's kind needs: a missing one is reported at the control.
struct Need<'a> {
    path: &'a str,
    kind_name: &'static str,
}

impl Need<'_> {
    /// Whether the field `name` is given (`present`); reports it when not.
    fn given(&self, ctx: &mut Ctx, name: &str, present: bool) -> bool {
        if !present {
            ctx.err_at(
                self.path,
                format!("a {} control needs `{name}`", self.kind_name),
            );
        }
        present
    }

    /// Whether every field of `fields` (name, given) is given; reports each missing one, in
    /// order.
    fn all(&self, ctx: &mut Ctx, fields: &[(&str, bool)]) -> bool {
        let mut ok = true;
        for &(name, present) in fields {
            ok &= self.given(ctx, name, present);
        }
        ok
    }

    /// Resolves the reference `field` (`id`, a `what`) of the control among `ids`.
    fn one(&self, ctx: &mut Ctx, ids: &Ids, field: &str, id: &str, what: &str) -> Option<u32> {
        ids.resolve(ctx, id, &join_key(self.path, field), what)
    }

    /// Resolves every reference of the list `field` (of `what`s) among `ids`, each reported at
    /// its index when unknown; the known ones, in order.
    fn each(&self, ctx: &mut Ctx, ids: &Ids, field: &str, list: &[String], what: &str) -> Vec<u32> {
        let at = join_key(self.path, field);
        list.iter()
            .enumerate()
            .filter_map(|(i, id)| ids.resolve(ctx, id, &join_index(&at, i), what))
            .collect()
    }
}

/// A segmentation control: the conduit it filters and the protocols it still lets through.
fn segmentation(
    ctx: &mut Ctx,
    c: &ControlRaw,
    need: &Need,
    conduits: &Ids,
) -> Option<ControlEffect> {
    if !need.given(ctx, "conduit", c.conduit.is_some()) {
        return None;
    }
    let conduit = need.one(ctx, conduits, "conduit", c.conduit.as_deref()?, "conduit")?;
    Some(ControlEffect::Segmentation {
        conduit: ConduitIdx(conduit),
        allow_protocols: c
            .allow_protocols
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|p| p.to_lowercase())
            .collect(),
    })
}

/// A remote-access restriction: the entry point it restricts and the residual share of attempts
/// that still get through.
fn remote_access_restriction(
    ctx: &mut Ctx,
    c: &ControlRaw,
    need: &Need,
    entries: &Ids,
) -> Option<ControlEffect> {
    if !need.given(ctx, "entry_point", c.entry_point.is_some()) {
        return None;
    }
    let e = need.one(
        ctx,
        entries,
        "entry_point",
        c.entry_point.as_deref()?,
        "entry point",
    )?;
    let residual = fraction(
        ctx,
        c.residual.unwrap_or(0.0),
        &join_key(need.path, "residual"),
        "`residual`",
        1.0,
    );
    Some(ControlEffect::RemoteAccessRestriction {
        entry_point: EntryIdx(e),
        residual,
    })
}

/// A source allowlist: the one path it guards (an entry point or a conduit, not both) and
/// the share of attackers it admits anyway.
fn source_allowlist(
    ctx: &mut Ctx,
    c: &ControlRaw,
    path: &str,
    need: &Need,
    refs: &ControlRefs,
) -> Option<ControlEffect> {
    let has_residual = need.given(ctx, "residual", c.residual.is_some());
    let on = match (&c.entry_point, &c.conduit) {
        (Some(_), Some(_)) => {
            ctx.err_at(
                &join_key(path, "conduit"),
                "a source_allowlist control guards one path: give `entry_point` or `conduit`, \
                 not both (write two controls for two paths)"
                    .into(),
            );
            None
        }
        (None, None) => {
            ctx.err_at(
                path,
                "a source_allowlist control needs `entry_point` or `conduit` (the path whose \
                 sources it allowlists)"
                    .into(),
            );
            None
        }
        (Some(e), None) => refs
            .entries
            .resolve(ctx, e, &join_key(path, "entry_point"), "entry point")
            .map(|e| SourcePath::Entry(EntryIdx(e))),
        (None, Some(k)) => refs
            .conduits
            .resolve(ctx, k, &join_key(path, "conduit"), "conduit")
            .map(|k| SourcePath::Conduit(ConduitIdx(k))),
    };
    if !has_residual {
        return None;
    }
    let residual = fraction(
        ctx,
        c.residual?,
        &join_key(path, "residual"),
        "`residual`",
        1.0,
    );
    Some(ControlEffect::SourceAllowlist { on: on?, residual })
}

/// Application allowlisting: the assets it protects and the share of exploits that still succeed
/// there.
fn allowlisting(ctx: &mut Ctx, c: &ControlRaw, need: &Need, assets: &Ids) -> Option<ControlEffect> {
    if !need.all(
        ctx,
        &[
            ("assets", c.assets.is_some()),
            ("exploit_success", c.exploit_success.is_some()),
        ],
    ) {
        return None;
    }
    let list = need.each(ctx, assets, "assets", c.assets.as_ref()?, "asset");
    let exploit_success = fraction(
        ctx,
        c.exploit_success?,
        &join_key(need.path, "exploit_success"),
        "`exploit_success`",
        1.0,
    );
    Some(ControlEffect::Allowlisting {
        assets: list.into_iter().map(AssetIdx).collect(),
        exploit_success,
    })
}

/// Monitoring: the zones it watches, its detection probability and the time to respond.
fn monitoring(ctx: &mut Ctx, c: &ControlRaw, need: &Need, zones: &Ids) -> Option<ControlEffect> {
    if !need.all(
        ctx,
        &[
            ("zones", c.zones.is_some()),
            ("detection_probability", c.detection_probability.is_some()),
            ("time_to_respond", c.time_to_respond.is_some()),
        ],
    ) {
        return None;
    }
    let zs = need.each(ctx, zones, "zones", c.zones.as_ref()?, "zone");
    let dp = probability(
        ctx,
        c.detection_probability.as_ref()?,
        &join_key(need.path, "detection_probability"),
    )?;
    let ttr = duration_dist(
        ctx,
        c.time_to_respond.as_ref()?,
        &join_key(need.path, "time_to_respond"),
    )?;
    Some(ControlEffect::Monitoring {
        zones: zs.into_iter().map(ZoneIdx).collect(),
        detection_probability: dp,
        time_to_respond: ttr,
    })
}

/// A virtual patch (an inspecting device on a conduit): the vulnerabilities it blocks, how often it
/// misses, and the latency it adds.
fn virtual_patch(
    ctx: &mut Ctx,
    c: &ControlRaw,
    need: &Need,
    conduits: &Ids,
    vulns: &Ids,
) -> Option<ControlEffect> {
    if !need.all(
        ctx,
        &[
            ("conduit", c.conduit.is_some()),
            ("blocks", c.blocks.is_some()),
            ("inspection_latency", c.inspection_latency.is_some()),
        ],
    ) {
        return None;
    }
    let conduit = need.one(ctx, conduits, "conduit", c.conduit.as_deref()?, "conduit");
    let blocks = need.each(ctx, vulns, "blocks", c.blocks.as_ref()?, "vulnerability");
    let miss = fraction(
        ctx,
        c.miss_probability.unwrap_or(0.05),
        &join_key(need.path, "miss_probability"),
        "`miss_probability`",
        1.0,
    );
    Some(ControlEffect::VirtualPatch {
        conduit: ConduitIdx(conduit?),
        blocks: blocks.into_iter().map(VulnIdx).collect(),
        miss_probability: miss,
        inspection_latency: duration_dist(
            ctx,
            c.inspection_latency.as_ref()?,
            &join_key(need.path, "inspection_latency"),
        )?,
    })
}
