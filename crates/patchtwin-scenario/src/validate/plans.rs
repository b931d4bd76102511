//! The plans: each a list of actions that apply a patch (to all or some of its assets,
//! optionally staged, by a crew, with retries — `crews`), enable a control or take something
//! out of service (`take_out`), at a time `when` checks. Running a plan is the simulation's.

use super::Sections;
use super::when::when;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;
use std::collections::BTreeSet;

/// What plan actions may name, built by the earlier steps.
pub(super) struct PlanRefs<'a> {
    /// `None` when the horizon failed its own check.
    pub(super) horizon: Option<Duration>,
    pub(super) asset_ids: &'a Ids,
    pub(super) patch_ids: &'a Ids,
    pub(super) patches: &'a [Patch],
    /// Patches whose targets are not all known: "applies to no asset" is not reported on them.
    pub(super) incomplete_patches: &'a BTreeSet<u32>,
    pub(super) control_ids: &'a Ids,
    /// What a `take_out` may name, and the controls it adds.
    pub(super) take_out: super::take_out::TakeOutRefs<'a>,
    pub(super) window_ids: &'a Ids,
    pub(super) windows: &'a [MaintenanceWindow],
}

/// Checks `plans`: at least one when the list is written, unique ids, every action valid.
/// Also returns the controls the `take_out` actions add (after the scenario's own).
pub(super) fn plans(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    refs: &PlanRefs,
) -> (Vec<Plan>, Vec<Control>) {
    let mut taken = super::take_out::TakenOut::default();
    let mut plan_ids = Ids::new("plans", written_ids(root, "plans"));
    let mut plans = Vec::new();
    if s.plans.is_empty()
        && root
            .get("plans")
            .and_then(|p| p.as_array())
            .is_some_and(|a| a.is_empty())
    {
        ctx.err_at(
            "plans",
            "at least one plan is needed (usually `defer` first, as the baseline)".into(),
        );
    }
    for (i, p) in &s.plans {
        let path = join_index("plans", *i);
        plan_ids.define(ctx, &p.id, &path, "plan");
        file_name_id(ctx, &p.id, &path);
        let (crews, crew_ids) = super::crews::crews(ctx, &p.crews, &path);
        let max_down =
            super::crews::max_down(ctx, &p.max_down, &path, refs.asset_ids, !p.crews.is_empty());
        let mut actions = Vec::new();
        // (patch, asset) → the action that first installs it, to refuse a repeat.
        let mut installs: std::collections::BTreeMap<(u32, u32), usize> = Default::default();
        // Thing taken out → the first action taking it out with no `for:` (out to the end).
        let mut out_for_good: std::collections::BTreeMap<&str, usize> = Default::default();
        for (j, a) in p.actions.iter().enumerate() {
            let apath = join_index(&join_key(&path, "actions"), j);
            if let Some(t) = &a.take_out {
                if let Some(first) = out_for_good.get(t.as_str()) {
                    ctx.warn(
                        &join_key(&apath, "take_out"),
                        format!(
                            "`{t}` is also taken out by action {first} of this plan, with no `for:` (out to the end of the horizon), so the two overlap and one of them changes nothing; give that one a `for:`, or drop one"
                        ),
                    );
                } else if a.for_.is_none() {
                    out_for_good.insert(t, j);
                }
            }
            let built = action(ctx, a, &apath, refs, &crew_ids, &mut taken);
            if let Some(Action::ApplyPatch { patch, assets, .. }) = &built {
                repeated_install(ctx, &mut installs, *patch, assets, j, &apath, a);
            }
            actions.extend(built);
        }
        plans.push(Plan {
            id: p.id.clone(),
            description: p.description.clone().unwrap_or_default(),
            actions,
            crews,
            max_down,
        });
    }
    (plans, taken.controls)
}

/// Longest plan id, bytes: the id becomes part of output file names (`vex-PLAN.FORMAT.json`),
/// which file systems cap at 255 bytes.
const MAX_PLAN_ID_BYTES: usize = 100;

/// Refuses a plan id that cannot be part of a file name: a path separator, a control
/// character, or more than [`MAX_PLAN_ID_BYTES`] bytes. Letters of any script are fine.
fn file_name_id(ctx: &mut Ctx, id: &str, path: &str) {
    let why = if let Some(c) = id.chars().find(|c| matches!(c, '/' | '\\')) {
        format!("contains `{c}`")
    } else if let Some(c) = id.chars().find(|c| c.is_control()) {
        format!("contains the control character U+{:04X}", c as u32)
    } else if id.len() > MAX_PLAN_ID_BYTES {
        format!("is {} bytes long", id.len())
    } else {
        return;
    };
    let shown: String = id
        .chars()
        .take(40)
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let more = if id.chars().count() > 40 { "…" } else { "" };
    ctx.err_at(
        &join_key(path, "id"),
        format!(
            "plan id `{shown}{more}` {why}; a plan id names output files (`vex-PLAN.csaf.json`), so it must have no `/`, `\\` or control character and at most {MAX_PLAN_ID_BYTES} bytes"
        ),
    );
}

/// Refuses a second action of one plan installing the same patch on the same asset: the
/// rehearsal draws an install's outcome once per (patch, asset), so a repeat can never succeed
/// where the first install rolled back, and only adds a reboot (a review found "retries" written
/// this way). `retry:` on the first action is what tries a rolled-back host again.
fn repeated_install(
    ctx: &mut Ctx,
    installs: &mut std::collections::BTreeMap<(u32, u32), usize>,
    patch: PatchIdx,
    assets: &[AssetIdx],
    j: usize,
    apath: &str,
    a: &ActionRaw,
) {
    for asset in assets {
        match installs.get(&(patch.0, asset.0)) {
            Some(&first) => {
                ctx.err_help(
                    &join_key(apath, "patch"),
                    format!(
                        "patch `{}` is already installed on this action's assets by actions[{first}] of this plan",
                        a.patch.as_deref().unwrap_or_default()
                    ),
                    "a second install repeats the first one's outcome; to try a rolled-back host again, give the first action `retry: {after: next_window, max: 2}`".into(),
                );
                return;
            }
            None => {
                installs.insert((patch.0, asset.0), j);
            }
        }
    }
}

/// One plan action at `apath`, or `None` when its time or what it names failed (reported).
fn action(
    ctx: &mut Ctx,
    a: &ActionRaw,
    apath: &str,
    refs: &PlanRefs,
    crew_ids: &Ids,
    taken: &mut super::take_out::TakenOut,
) -> Option<Action> {
    let at = when(
        ctx,
        &a.at,
        &join_key(apath, "at"),
        refs.horizon,
        refs.window_ids,
        refs.windows,
    );
    let lasts = super::take_out::lasts(ctx, a, apath);
    match (&a.patch, &a.control, &a.take_out) {
        (None, None, Some(target)) => {
            super::take_out::take_out(ctx, a, target, at, lasts, apath, refs, taken)
        }
        (Some(pid), None, None) => {
            let work = super::crews::work(ctx, a, apath, crew_ids, refs.windows);
            patch_action(ctx, a, pid, at, apath, refs, work)
        }
        (None, Some(cid), None) => {
            super::take_out::no_patch_fields(ctx, a, apath);
            let control =
                refs.control_ids
                    .resolve(ctx, cid, &join_key(apath, "control"), "control");
            let (Some(c), Some(at)) = (control, at) else {
                return None;
            };
            Some(Action::EnableControl {
                control: ControlIdx(c),
                at,
                lasts,
            })
        }
        _ => {
            ctx.err_help(
                apath,
                "a plan action names exactly one of `patch`, `control` or `take_out`".into(),
                "e.g. `- patch: kb5034441` with `at: next_window`, or `- {take_out: rag-1, at: now, for: 30d}`".into(),
            );
            None
        }
    }
}

/// An action applying patch `pid`: to the listed assets (each one the patch applies to) or
/// to all it applies to, optionally staged.
fn patch_action(
    ctx: &mut Ctx,
    a: &ActionRaw,
    pid: &str,
    at: Option<When>,
    apath: &str,
    refs: &PlanRefs,
    work: Work,
) -> Option<Action> {
    let patch = refs
        .patch_ids
        .resolve(ctx, pid, &join_key(apath, "patch"), "patch");
    let applicable: Option<&[AssetIdx]> = patch
        .and_then(|x| refs.patches.get(x as usize))
        .map(|p| p.applies_to.as_slice());
    let targets = match &a.assets {
        Some(list) => list
            .iter()
            .enumerate()
            .filter_map(|(k, id)| {
                let ap = join_index(&join_key(apath, "assets"), k);
                let r = refs.asset_ids.resolve(ctx, id, &ap, "asset").map(AssetIdx);
                if let (Some(r), Some(ok)) = (r, applicable)
                    && !ok.contains(&r)
                {
                    ctx.err_at(&ap, format!("patch `{pid}` does not apply to asset `{id}`"));
                }
                r
            })
            .collect(),
        None => applicable.map(<[AssetIdx]>::to_vec).unwrap_or_default(),
    };
    let staging = a
        .staged
        .as_ref()
        .map(|st| staging(ctx, st, &targets, apath, refs.asset_ids));
    if targets.is_empty() && patch.is_some_and(|x| !refs.incomplete_patches.contains(&x)) {
        ctx.err_at(apath, format!("patch `{pid}` applies to no asset here"));
    }
    let (Some(patch), Some(at)) = (patch, at) else {
        return None;
    };
    Some(Action::ApplyPatch {
        patch: PatchIdx(patch),
        assets: targets,
        at,
        staging,
        work,
    })
}

/// A staged rollout: the assets patched first (at least one, each among the action's
/// `targets`), the soak, and whether the rest waits for the next window.
fn staging(
    ctx: &mut Ctx,
    st: &StagingRaw,
    targets: &[AssetIdx],
    apath: &str,
    asset_ids: &Ids,
) -> Staging {
    let sp = join_key(apath, "staged");
    let first: Vec<AssetIdx> = st
        .first
        .iter()
        .enumerate()
        .filter_map(|(k, id)| {
            asset_ids
                .resolve(ctx, id, &join_index(&join_key(&sp, "first"), k), "asset")
                .map(AssetIdx)
        })
        .collect();
    for (k, f) in first.iter().enumerate() {
        if !targets.contains(f) {
            ctx.err_at(
                &join_index(&join_key(&sp, "first"), k),
                format!(
                    "`{}` is not among the assets this action patches",
                    st.first[k]
                ),
            );
        }
    }
    if st.first.is_empty() {
        ctx.err_at(
            &join_key(&sp, "first"),
            "a staged rollout names at least one asset to patch first".into(),
        );
    }
    Staging {
        first,
        soak: st.soak.0,
        rest_at_next_window: st.rest_at_next_window,
    }
}
