//! `take_out` plan actions and the `for:` period of control actions: what a take-out names
//! (an asset, a conduit or an attacker entry point, by id), and the control of effect
//! `OutOfService` each distinct thing taken out becomes — appended after the scenario's own
//! controls, one per thing (shared by every plan that takes it out), with id
//! `take_out:<id>`, in effect at once and never failing. Its period is the action's `for:`
//! (to the end of the horizon without). What being out of service does is the reach rule's
//! and the simulation's (`patchtwin_model::out_of_service`).

use super::plans::PlanRefs;
use crate::check::*;
use crate::diag::did_you_mean;
use crate::raw::ActionRaw;
use crate::source::join_key;
use patchtwin_model::*;

/// What a take-out may name, and where its controls start.
pub(super) struct TakeOutRefs<'a> {
    pub(super) assets: &'a Ids,
    pub(super) conduits: &'a Ids,
    pub(super) entries: &'a Ids,
    /// Index of the first control a take-out adds (the number of the scenario's own).
    pub(super) first_control: u32,
}

/// The controls the take-outs of every plan add so far, one per thing taken out.
#[derive(Default)]
pub(super) struct TakenOut {
    pub(super) controls: Vec<Control>,
}

/// The action's `for:` period: above 0, and not on a patch action.
pub(super) fn lasts(ctx: &mut Ctx, a: &ActionRaw, apath: &str) -> Option<Duration> {
    let d = a.for_?.0;
    let path = join_key(apath, "for");
    if a.patch.is_some() {
        ctx.err_help(
            &path,
            "`for` applies only to control and take_out actions".into(),
            "a patch stays installed; to stop a control or take-out, give it `for: 30d`".into(),
        );
        return None;
    }
    if d == Duration::ZERO {
        ctx.err_at(&path, "`for` must be above 0, e.g. `30d`".into());
        return None;
    }
    Some(d)
}

/// Fields of a patch action on an action that is not one.
pub(super) fn no_patch_fields(ctx: &mut Ctx, a: &ActionRaw, apath: &str) {
    if a.assets.is_some() || a.staged.is_some() || a.crew.is_some() || a.retry.is_some() {
        ctx.err_at(
            apath,
            "`assets`, `staged`, `crew` and `retry` apply only to patch actions".into(),
        );
    }
}

/// A `take_out: <id>` action: the thing named (exactly one asset, conduit or entry point has
/// that id), as the control that takes it out, enabled at `at` for `lasts`.
#[expect(
    clippy::too_many_arguments,
    reason = "one action's parts, each checked here"
)]
pub(super) fn take_out(
    ctx: &mut Ctx,
    a: &ActionRaw,
    target: &str,
    at: Option<When>,
    lasts: Option<Duration>,
    apath: &str,
    refs: &PlanRefs,
    taken: &mut TakenOut,
) -> Option<Action> {
    no_patch_fields(ctx, a, apath);
    let path = join_key(apath, "take_out");
    let r = &refs.take_out;
    let mut found = Vec::new();
    if let Some(i) = r.assets.index.get(target) {
        found.push(("asset", ServiceItem::Asset(AssetIdx(*i))));
    }
    if let Some(i) = r.conduits.index.get(target) {
        found.push(("conduit", ServiceItem::Conduit(ConduitIdx(*i))));
    }
    if let Some(i) = r.entries.index.get(target) {
        found.push(("entry point", ServiceItem::Entry(EntryIdx(*i))));
    }
    let what = match found.as_slice() {
        [(_, one)] => *one,
        [] => {
            let written = [r.assets, r.conduits, r.entries]
                .iter()
                .any(|ids| ids.written.contains(target));
            if written {
                ctx.unresolved += 1; // the item failed and was reported where it is written
            } else {
                let known = r
                    .assets
                    .index
                    .keys()
                    .chain(r.conduits.index.keys())
                    .chain(r.entries.index.keys())
                    .map(String::as_str);
                let hint = did_you_mean(target, known);
                ctx.err_help(
                    &path,
                    format!("unknown asset, conduit or entry point `{target}`{hint}"),
                    "expected the id of an asset (under `assets`), a conduit (under `conduits`) or an entry point (under `threat.entry_points`)".into(),
                );
            }
            return None;
        }
        many => {
            let kinds: Vec<&str> = many.iter().map(|(k, _)| *k).collect();
            ctx.err_help(
                &path,
                format!(
                    "`{target}` is the id of more than one thing that can be taken out of service: {}",
                    kinds.join(" and ")
                ),
                "give them distinct ids".into(),
            );
            return None;
        }
    };
    let id = format!("take_out:{target}");
    if refs.control_ids.index.contains_key(&id) {
        ctx.err_at(
            &path,
            format!(
                "a control is already called `{id}`, the id this take-out gets: rename that control"
            ),
        );
        return None;
    }
    let k = match taken
        .controls
        .iter()
        .position(|c| matches!(c.effect, ControlEffect::OutOfService { what: w } if w == what))
    {
        Some(k) => k,
        None => {
            taken.controls.push(Control {
                id,
                effect: ControlEffect::OutOfService { what },
                deploy_time: DurationDist::constant(Duration::ZERO),
                failure_probability: Probability::Fixed(0.0),
                recovery: Vec::new(),
            });
            taken.controls.len() - 1
        }
    };
    Some(Action::EnableControl {
        control: ControlIdx(r.first_control + k as u32),
        at: at?,
        lasts,
    })
}
