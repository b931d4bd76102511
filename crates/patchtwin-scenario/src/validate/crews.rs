//! A plan's crews (technicians, daily shift), its k-of-n `max_down` rules, and the `crew` and
//! `retry` of its patch actions. Running them is the simulation's (`ops::plan`); this module
//! only checks and builds them.

use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

const DAY: Duration = Duration(86_400_000_000_000);

/// The crews of the plan at `ppath`, and their id table (ids unique within the plan).
pub(super) fn crews(ctx: &mut Ctx, raw: &[CrewRaw], ppath: &str) -> (Vec<Crew>, Ids) {
    let written = raw.iter().map(|c| c.id.clone()).collect();
    let mut ids = Ids::new("crews", written);
    let mut out = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let cpath = join_index(&join_key(ppath, "crews"), i);
        ids.define(ctx, &c.id, &cpath, "crew");
        if c.technicians == 0 {
            ctx.err_help(
                &join_key(&cpath, "technicians"),
                "a crew needs at least one technician".into(),
                "e.g. `technicians: 2`".into(),
            );
        }
        let start = c.shift_start.map_or(Duration::ZERO, |d| d.0);
        if start >= DAY {
            ctx.err_at(
                &join_key(&cpath, "shift_start"),
                format!("the shift starts {start} after midnight: expected less than 24h"),
            );
        }
        let length = c.shift_length.map_or(DAY, |d| d.0);
        if length == Duration::ZERO || length > DAY {
            ctx.err_help(
                &join_key(&cpath, "shift_length"),
                format!("a daily shift of {length}: expected more than 0 and at most 24h"),
                "e.g. `shift_length: 8h` (24h: always on duty)".into(),
            );
        }
        out.push(Crew {
            id: c.id.clone(),
            technicians: c.technicians.max(1),
            shift_start: if start >= DAY { Duration::ZERO } else { start },
            shift_length: if length == Duration::ZERO || length > DAY {
                DAY
            } else {
                length
            },
        });
    }
    (out, ids)
}

/// The plan's `max_down` rules at `ppath`: each names known assets, at least two, with
/// `at_most` at least 1 and below their number (otherwise it never binds); the plan must have
/// a crew for them to constrain.
pub(super) fn max_down(
    ctx: &mut Ctx,
    raw: &[MaxDownRaw],
    ppath: &str,
    asset_ids: &Ids,
    has_crews: bool,
) -> Vec<MaxDown> {
    let mut out = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let rpath = join_index(&join_key(ppath, "max_down"), i);
        let assets: Vec<AssetIdx> = r
            .assets
            .iter()
            .enumerate()
            .filter_map(|(k, id)| {
                let ap = join_index(&join_key(&rpath, "assets"), k);
                asset_ids.resolve(ctx, id, &ap, "asset").map(AssetIdx)
            })
            .collect();
        if r.at_most == 0 || r.at_most as usize >= r.assets.len() {
            ctx.err_help(
                &join_key(&rpath, "at_most"),
                format!(
                    "`at_most: {}` of {} assets never binds or forbids all work",
                    r.at_most,
                    r.assets.len()
                ),
                "expected at least 1 and fewer than the assets listed, e.g. `at_most: 1` of three HMIs".into(),
            );
        }
        if !has_crews {
            ctx.err_help(
                &rpath,
                "`max_down` rules constrain crew work, and this plan has no `crews`".into(),
                "add `crews: [{id: technicians, technicians: 2}]` and `crew: technicians` on its patch actions".into(),
            );
        }
        out.push(MaxDown {
            assets,
            at_most: r.at_most.max(1),
        });
    }
    out
}

/// The `crew` and `retry` of the patch action at `apath`.
pub(super) fn work(
    ctx: &mut Ctx,
    a: &ActionRaw,
    apath: &str,
    crew_ids: &Ids,
    windows: &[MaintenanceWindow],
) -> Work {
    let crew = a.crew.as_ref().and_then(|c| {
        crew_ids
            .resolve(ctx, c, &join_key(apath, "crew"), "crew")
            .map(|i| i as usize)
    });
    let retry = a.retry.as_ref().and_then(|r| {
        let rpath = join_key(apath, "retry");
        let max = r.max.unwrap_or(1);
        if max == 0 {
            ctx.err_help(
                &join_key(&rpath, "max"),
                "`max: 0` retries nothing".into(),
                "expected at least 1, or leave `retry` out".into(),
            );
        }
        let t = r.after.trim();
        let after = if t == "next_window" {
            if !windows.iter().any(|w| !w.starts.is_empty()) {
                ctx.err_at(
                    &join_key(&rpath, "after"),
                    "retry waits for the next window, but no maintenance window occurs within the horizon".into(),
                );
                return None;
            }
            RetryAfter::NextWindow
        } else {
            match crate::units::parse_duration(t) {
                Ok(d) if d > Duration::ZERO => RetryAfter::Delay(d),
                _ => {
                    ctx.err_help(
                        &join_key(&rpath, "after"),
                        format!("invalid retry time `{t}`"),
                        "expected `next_window` or a delay above 0 such as `2d`".into(),
                    );
                    return None;
                }
            }
        };
        Some(Retry {
            after,
            max: max.max(1),
        })
    });
    Work { crew, retry }
}
