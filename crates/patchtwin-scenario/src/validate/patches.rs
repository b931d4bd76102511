//! The patches: which vulnerabilities each fixes, which assets it applies to (named, or those
//! of the vulnerabilities it fixes), its deployment, restart, failure and rollback, and its
//! side effects. When a plan applies it is `plans`'; what applying does is the simulation's.

use super::Sections;
use super::vulnerabilities::affects;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;
use std::collections::BTreeSet;

/// The patches built, their ids, and the patches that cannot be trusted to name all their
/// target assets.
pub(super) struct Patches {
    pub(super) ids: Ids,
    pub(super) items: Vec<Patch>,
    /// Patches whose target assets are not all known (a reference that failed, or the patch
    /// itself failed): a plan action on one is not also reported as patching nothing.
    pub(super) incomplete: BTreeSet<u32>,
}

/// Checks `patches` against the vulnerabilities and assets built so far.
pub(super) fn patches(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    vuln_ids: &Ids,
    asset_ids: &Ids,
    assets: &[Asset],
    vulnerabilities: &[Vulnerability],
) -> Patches {
    let mut patch_ids = Ids::new("patches", written_ids(root, "patches"));
    let mut patches = Vec::new();
    let mut incomplete_patches = BTreeSet::new();
    for (i, p) in &s.patches {
        let path = join_index("patches", *i);
        let patch_index = patch_ids.define(ctx, &p.id, &path, "patch");
        let errors_before = ctx.diags.len();
        let unresolved_before = ctx.unresolved;
        let patch = patch(ctx, p, &path, vuln_ids, asset_ids, assets, vulnerabilities);
        if ctx.diags.len() > errors_before || ctx.unresolved > unresolved_before {
            incomplete_patches.extend(patch_index);
        }
        if let Some(patch) = &patch {
            remediation_agrees(ctx, patch, &path, vulnerabilities);
            if ctx.diags.len() == errors_before {
                unaffected_targets(ctx, p, patch, &path, asset_ids, assets, vulnerabilities);
            }
        }
        patches.extend(patch);
    }
    Patches {
        ids: patch_ids,
        items: patches,
        incomplete: incomplete_patches,
    }
}

/// Warns about an asset a patch names in `applies_to.assets` that none of the vulnerabilities
/// it fixes affects: almost certainly a typo, and applying the patch there rehearses a
/// restart of the wrong asset while the vulnerable one stays as it was.
fn unaffected_targets(
    ctx: &mut Ctx,
    p: &PatchRaw,
    patch: &Patch,
    path: &str,
    asset_ids: &Ids,
    assets: &[Asset],
    vulnerabilities: &[Vulnerability],
) {
    let Some(a) = &p.applies_to else { return };
    let fixed: Vec<&Vulnerability> = patch
        .fixes
        .iter()
        .map(|v| &vulnerabilities[v.ix()])
        .collect();
    let on = |v: &Vulnerability| {
        let ids: Vec<&str> = v
            .assets
            .iter()
            .map(|x| assets[x.ix()].id.as_str())
            .collect();
        if ids.is_empty() {
            format!("`{}` (on no asset here)", v.id)
        } else {
            format!("`{}` (on {})", v.id, ids.join(", "))
        }
    };
    for (j, id) in a.assets.iter().enumerate() {
        let Some(&x) = asset_ids.index.get(id) else {
            continue;
        };
        if fixed.iter().any(|v| v.assets.contains(&AssetIdx(x))) {
            continue;
        }
        ctx.warn(
            &join_index(&join_key(&join_key(path, "applies_to"), "assets"), j),
            format!(
                "patch `{}` fixes {}, none of which affects `{id}`: applying it there restarts `{id}` and fixes nothing; is the asset a typo?",
                p.id,
                fixed.iter().map(|v| on(v)).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

/// A patch must fix only what the vendor offers a fix for: fixing a vulnerability whose
/// `remediation` is `none_available` or `no_fix_planned` is an error (there is nothing to
/// install), one that is `fix_planned` a warning (the patch models a release that does not
/// exist yet).
fn remediation_agrees(ctx: &mut Ctx, patch: &Patch, path: &str, vulnerabilities: &[Vulnerability]) {
    for (j, v) in patch.fixes.iter().enumerate() {
        let vuln = &vulnerabilities[v.ix()];
        let at = join_index(&join_key(path, "fixes"), j);
        match vuln.remediation {
            Some(r @ (RemediationStatus::NoneAvailable | RemediationStatus::NoFixPlanned)) => {
                ctx.err_at(
                    &at,
                    format!(
                        "vulnerability `{}` has `remediation: {}`: the vendor offers no fix to \
                         install; model what the plant can do instead as controls, or set \
                         `remediation: vendor_fix` if a fix has been released",
                        vuln.id,
                        r.name()
                    ),
                );
            }
            Some(RemediationStatus::FixPlanned) => ctx.warn(
                &at,
                format!(
                    "vulnerability `{}` has `remediation: fix_planned`: this patch models a fix \
                     the vendor has announced but not released",
                    vuln.id
                ),
            ),
            Some(RemediationStatus::VendorFix) | None => {}
        }
    }
}

/// One patch at `path`, or `None` when its deployment, failure or rollback failed (reported).
fn patch(
    ctx: &mut Ctx,
    p: &PatchRaw,
    path: &str,
    vuln_ids: &Ids,
    asset_ids: &Ids,
    assets: &[Asset],
    vulnerabilities: &[Vulnerability],
) -> Option<Patch> {
    let fixes: Vec<VulnIdx> = p
        .fixes
        .iter()
        .enumerate()
        .filter_map(|(j, v)| {
            vuln_ids
                .resolve(
                    ctx,
                    v,
                    &join_index(&join_key(path, "fixes"), j),
                    "vulnerability",
                )
                .map(VulnIdx)
        })
        .collect();
    if p.fixes.is_empty() {
        ctx.err_at(
            &join_key(path, "fixes"),
            "a patch must fix at least one vulnerability".into(),
        );
    }
    let applies_to = match &p.applies_to {
        Some(a) => affects(ctx, asset_ids, assets, a, &join_key(path, "applies_to")),
        None => {
            let set: BTreeSet<AssetIdx> = fixes
                .iter()
                .filter_map(|v| vulnerabilities.get(v.0 as usize))
                .flat_map(|v| v.assets.iter().copied())
                .collect();
            set.into_iter().collect()
        }
    };
    let deploy = duration_dist(ctx, &p.deploy_time, &join_key(path, "deploy_time"));
    let restart_time = p
        .restart_time
        .as_ref()
        .and_then(|d| duration_dist(ctx, d, &join_key(path, "restart_time")));
    let fpath = join_key(path, "failure");
    let failure = probability(
        ctx,
        &p.failure.probability,
        &join_key(&fpath, "probability"),
    );
    let extra_u = fraction(
        ctx,
        p.failure.extra_if_uncertified.unwrap_or(0.0),
        &join_key(&fpath, "extra_if_uncertified"),
        "`extra_if_uncertified`",
        1.0,
    );
    let extra_v = fraction(
        ctx,
        p.failure.extra_if_unvalidated.unwrap_or(0.0),
        &join_key(&fpath, "extra_if_unvalidated"),
        "`extra_if_unvalidated`",
        1.0,
    );
    let rollback = duration_dist(
        ctx,
        &p.failure.rollback_time,
        &join_key(&fpath, "rollback_time"),
    );
    let bad_for_plant = bad_for_plant(ctx, &p.failure, &fpath);
    let side = p.side_effects.as_ref().map(|s| {
        let sp = join_key(path, "side_effects");
        SideEffects {
            added_service_time: s
                .added_service_time
                .as_ref()
                .and_then(|d| duration_dist(ctx, d, &join_key(&sp, "added_service_time"))),
            added_cpu_load: s.added_cpu_load.map_or(0.0, |l| {
                fraction(
                    ctx,
                    l,
                    &join_key(&sp, "added_cpu_load"),
                    "`added_cpu_load`",
                    0.9,
                )
            }),
            scan_cycle: s
                .scan_cycle
                .as_ref()
                .and_then(|d| duration_dist(ctx, d, &join_key(&sp, "scan_cycle"))),
        }
    });
    let (Some(deploy_time), Some(failure_probability), Some(rollback_time)) =
        (deploy, failure, rollback)
    else {
        return None;
    };
    let restart = match p.restart {
        RestartRaw::None => RestartScope::None,
        RestartRaw::Service => RestartScope::Service,
        RestartRaw::Machine => RestartScope::Machine,
        RestartRaw::Zone => RestartScope::Zone,
        RestartRaw::System => RestartScope::System,
    };
    Some(Patch {
        id: p.id.clone(),
        fixes,
        applies_to,
        deploy_time,
        restart,
        restart_time,
        failure_probability,
        vendor_certified: p.vendor_certified,
        validated_in_test: p.validated_in_test,
        extra_failure_if_uncertified: extra_u,
        extra_failure_if_unvalidated: extra_v,
        rollback_time,
        side_effects: side.unwrap_or_default(),
        bad_for_plant,
    })
}

/// `bad_for_plant` and `failure_if_bad` of a patch's failure model at `fpath`.
fn bad_for_plant(ctx: &mut Ctx, f: &PatchFailureRaw, fpath: &str) -> Option<BadForPlant> {
    let if_bad = f.failure_if_bad.map(|x| {
        fraction(
            ctx,
            x,
            &join_key(fpath, "failure_if_bad"),
            "`failure_if_bad`",
            1.0,
        )
    });
    match f.bad_for_plant {
        Some(p) => Some(BadForPlant {
            probability: fraction(
                ctx,
                p,
                &join_key(fpath, "bad_for_plant"),
                "`bad_for_plant`",
                1.0,
            ),
            failure_if_bad: if_bad.unwrap_or(1.0),
        }),
        None => {
            if if_bad.is_some() {
                ctx.err_help(
                    &join_key(fpath, "failure_if_bad"),
                    "`failure_if_bad` applies only with `bad_for_plant`".into(),
                    "e.g. `bad_for_plant: 0.2` beside `failure_if_bad: 0.9`".into(),
                );
            }
            None
        }
    }
}
