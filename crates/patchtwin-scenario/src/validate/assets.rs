//! The assets: zone, model from the library (and the kind it implies), behaviour merged from
//! the model and the asset's `overrides`, criticality, software, redundancy partner and IP
//! addresses (each an address, none claimed by two assets). The model library itself (its
//! files, its defaults) is `library`'s.

use super::Sections;
use crate::check::*;
use crate::diag::did_you_mean;
use crate::library::ModelLibrary;
use crate::raw::*;
use crate::source::{join_index, join_key};
use crate::units::DurationText;
use patchtwin_model::*;

/// Checks `assets` in two passes: ids first, so that redundancy partners may point forward.
pub(super) fn assets(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    zone_ids: &Ids,
    lib: &ModelLibrary,
) -> (Ids, Vec<Asset>) {
    let mut asset_ids = Ids::new("assets", written_ids(root, "assets"));
    if root
        .get("assets")
        .and_then(|a| a.as_array())
        .is_some_and(|a| a.is_empty())
    {
        ctx.err_at(
            "assets",
            "at least one asset is needed: a plant with nothing in it has nothing to rehearse"
                .into(),
        );
    }
    for (i, a) in &s.assets {
        asset_ids.define(ctx, &a.id, &join_index("assets", *i), "asset");
    }
    let mut assets = Vec::new();
    let mut owners: std::collections::BTreeMap<std::net::IpAddr, &str> =
        std::collections::BTreeMap::new();
    for (i, a) in &s.assets {
        let path = join_index("assets", *i);
        let addresses = addresses(ctx, a, &path, &mut owners);
        assets.extend(
            asset(ctx, a, &path, zone_ids, &asset_ids, lib).map(|x| Asset { addresses, ..x }),
        );
    }
    (asset_ids, assets)
}

/// An asset's `addresses`: each must parse, and no address may belong to two assets (`owners`
/// holds the addresses of the assets before this one).
fn addresses<'a>(
    ctx: &mut Ctx,
    a: &'a AssetRaw,
    path: &str,
    owners: &mut std::collections::BTreeMap<std::net::IpAddr, &'a str>,
) -> Vec<std::net::IpAddr> {
    let mut out = Vec::new();
    for (j, text) in a.addresses.iter().enumerate() {
        let p = join_index(&join_key(path, "addresses"), j);
        let Ok(ip) = text.trim().parse::<std::net::IpAddr>() else {
            ctx.err_at(
                &p,
                format!(
                    "`{text}` is not an IP address (expected e.g. `192.168.0.20` or `fd00::20`)"
                ),
            );
            continue;
        };
        match owners.get(&ip) {
            Some(&other) if other == a.id => {
                ctx.err_at(&p, format!("address {ip} is listed twice"));
            }
            Some(&other) => {
                ctx.err_at(
                    &p,
                    format!("address {ip} is already the address of asset `{other}`; an address names one asset"),
                );
            }
            None => {
                owners.insert(ip, &a.id);
                out.push(ip);
            }
        }
    }
    out
}

/// One asset at `path`, or `None` when its zone, model, kind or behaviour failed (reported).
fn asset(
    ctx: &mut Ctx,
    a: &AssetRaw,
    path: &str,
    zone_ids: &Ids,
    asset_ids: &Ids,
    lib: &ModelLibrary,
) -> Option<Asset> {
    let zone = zone_ids.resolve(ctx, &a.zone, &join_key(path, "zone"), "zone");
    let model = lib.get(&a.model);
    if model.is_none() {
        let hint = did_you_mean(&a.model, lib.ids());
        let list = lib.ids().collect::<Vec<_>>().join(", ");
        ctx.err_help(
            &join_key(path, "model"),
            format!("unknown asset model `{}`{hint}", a.model),
            format!("the model library has: {list}"),
        );
    }
    let model_kind =
        model.and_then(|m| AssetKind::ALL.iter().copied().find(|k| k.name() == m.kind));
    let kind = match &a.kind {
        Some(k) => {
            let kind = parse_kind(ctx, k, &join_key(path, "kind"));
            if let (Some(kind), Some(mk)) = (kind, model_kind)
                && kind != mk
            {
                ctx.err_at(
                    &join_key(path, "kind"),
                    format!(
                        "asset kind `{}` does not match model `{}`, which is a `{}`",
                        kind.name(),
                        a.model,
                        mk.name()
                    ),
                );
            }
            kind
        }
        None => model_kind,
    };
    let controller = kind.is_some_and(AssetKind::is_controller);
    let overrides_ok = a
        .overrides
        .as_ref()
        .is_none_or(|o| behaviour(ctx, o, &join_key(path, "overrides"), controller));
    let partner = a.redundancy_partner.as_ref().and_then(|p| {
        let r = asset_ids.resolve(ctx, p, &join_key(path, "redundancy_partner"), "asset");
        if p == &a.id {
            ctx.err_at(
                &join_key(path, "redundancy_partner"),
                "an asset cannot be its own redundancy partner".into(),
            );
        }
        r
    });
    let (Some(zone), Some(model), Some(kind)) = (zone, model, kind) else {
        return None;
    };
    if !overrides_ok {
        return None; // already reported against the override; the merge would repeat it
    }
    let merged = merge(&model.behaviour, a.overrides.as_ref());
    let behaviour = build_behaviour(ctx, &merged, path, controller)?;
    let criticality = match a.criticality.unwrap_or(CriticalityRaw::Medium) {
        CriticalityRaw::Low => Criticality::Low,
        CriticalityRaw::Medium => Criticality::Medium,
        CriticalityRaw::High => Criticality::High,
        CriticalityRaw::Critical => Criticality::Critical,
    };
    Some(Asset {
        id: a.id.clone(),
        kind,
        zone: ZoneIdx(zone),
        criticality,
        model: a.model.clone(),
        software: a
            .software
            .iter()
            .map(|s| Software {
                vendor: s.vendor.clone(),
                product: s.product.clone(),
                version: s.version.0.clone(),
            })
            .collect(),
        behaviour,
        redundancy_partner: partner.map(AssetIdx),
        addresses: Vec::new(),
    })
}

/// The behaviour of an asset from its model merged with its overrides: every required field
/// present, a scan cycle for controllers, each distribution checked.
fn build_behaviour(
    ctx: &mut Ctx,
    b: &BehaviourRaw,
    path: &str,
    controller: bool,
) -> Option<Behaviour> {
    let mut ok = true;
    let mut req = |ctx: &mut Ctx, d: &Option<DistRaw<DurationText>>, name: &str| match d {
        Some(d) => duration_dist(ctx, d, &join_key(&join_key(path, "overrides"), name)),
        None => {
            ok = false;
            ctx.err_at(
                path,
                format!("no `{name}`: neither the asset model nor `overrides` gives it"),
            );
            None
        }
    };
    let service_time = req(ctx, &b.service_time, "service_time");
    let reboot_time = req(ctx, &b.reboot_time, "reboot_time");
    let scan_cycle = if controller {
        match &b.scan_cycle {
            Some(d) => duration_dist(
                ctx,
                d,
                &join_key(&join_key(path, "overrides"), "scan_cycle"),
            ),
            None => {
                ctx.err_at(
                    path,
                    "a controller needs a `scan_cycle` from its model or `overrides`".into(),
                );
                None
            }
        }
    } else {
        None
    };
    let service_restart_time = match &b.service_restart_time {
        Some(d) => duration_dist(
            ctx,
            d,
            &join_key(&join_key(path, "overrides"), "service_restart_time"),
        ),
        None => Some(DurationDist::constant(Duration::from_secs(30))),
    };
    if !ok || (controller && scan_cycle.is_none()) {
        return None;
    }
    Some(Behaviour {
        scan_cycle,
        service_time: service_time?,
        cpu_load: b.cpu_load.unwrap_or(0.0).clamp(0.0, 0.95),
        reboot_time: reboot_time?,
        service_restart_time: service_restart_time?,
        buffer: b.buffer.map(|d| d.0),
        fault_rate_per_day: b.fault_rate_per_day.unwrap_or(0.0),
    })
}
