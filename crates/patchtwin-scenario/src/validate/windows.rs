//! The maintenance windows: when each occurs within the horizon (from `first` and `every`,
//! or listed `at`), how long it lasts, and which zones it covers. Waiting for a window is
//! `when`'s.

use super::Sections;
use crate::check::*;
use crate::raw::WindowRaw;
use crate::source::{join_index, join_key};
use patchtwin_model::time::unit;
use patchtwin_model::*;

/// Checks `maintenance_windows`. `horizon` is `None` when it failed its own check: the
/// occurrences are then not expanded, and nothing is compared with it.
pub(super) fn windows(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    horizon: Option<Duration>,
    zone_ids: &Ids,
) -> (Ids, Vec<MaintenanceWindow>) {
    let mut window_ids = Ids::new(
        "maintenance_windows",
        written_ids(root, "maintenance_windows"),
    );
    let mut windows = Vec::new();
    for (i, w) in &s.windows {
        let path = join_index("maintenance_windows", *i);
        window_ids.define(ctx, &w.id, &path, "maintenance window");
        let starts = starts(ctx, w, &path, horizon);
        windows.push(window(ctx, w, &path, starts, horizon, zone_ids));
    }
    (window_ids, windows)
}

/// When the window at `path` starts, in order, within the horizon: `first` repeated `every`,
/// or each of `at` (an occurrence after the horizon is warned about; overlaps are errors).
fn starts(ctx: &mut Ctx, w: &WindowRaw, path: &str, horizon: Option<Duration>) -> Vec<SimTime> {
    let mut starts = Vec::new();
    match (&w.first, &w.every, &w.at) {
        (Some(first), every, None) => {
            if let Some(e) = every
                && e.0 < Duration(unit::H)
            {
                ctx.err_at(
                    &join_key(path, "every"),
                    format!("windows recur at most every hour, got {}", e.0),
                );
            } else {
                let mut t = first.0;
                while t < horizon.unwrap_or(Duration::ZERO) {
                    starts.push(SimTime(t.0));
                    match every {
                        Some(e) => t = t.saturating_add(e.0),
                        None => break,
                    }
                }
            }
        }
        (None, None, Some(at)) => {
            for (j, a) in at.iter().enumerate() {
                let Some(horizon) = horizon else { continue };
                if a.0 < horizon {
                    starts.push(SimTime(a.0.0));
                } else {
                    ctx.warn(
                        &join_index(&join_key(path, "at"), j),
                        format!("this occurrence ({}) is after the horizon ({horizon})", a.0),
                    );
                }
            }
            starts.sort();
            for pair in starts.windows(2) {
                if pair[1].since(pair[0]) < w.duration.0 {
                    ctx.err_at(&join_key(path, "at"), "window occurrences overlap".into());
                    break;
                }
            }
        }
        _ => ctx.err_help(
            path,
            "a maintenance window needs either `first` (with optional `every`) or `at`".into(),
            "e.g. `first: 45d` and `every: 90d`, or `at: [45d, 135d]`".into(),
        ),
    }
    starts
}

/// The window at `path` with its occurrences: checks its duration and recurrence, warns when
/// it never occurs, resolves its zones.
fn window(
    ctx: &mut Ctx,
    w: &WindowRaw,
    path: &str,
    starts: Vec<SimTime>,
    horizon: Option<Duration>,
    zone_ids: &Ids,
) -> MaintenanceWindow {
    if w.duration.0 == Duration::ZERO {
        ctx.err_at(
            &join_key(path, "duration"),
            "a window must last longer than 0".into(),
        );
    }
    if let Some(e) = &w.every
        && e.0 <= w.duration.0
    {
        ctx.err_at(
            &join_key(path, "every"),
            format!(
                "a window of {} repeating every {} would never end",
                w.duration.0, e.0
            ),
        );
    }
    if let Some(horizon) = horizon
        && starts.is_empty()
        && w.duration.0 > Duration::ZERO
        && (w.first.is_some() || w.at.is_some())
    {
        ctx.warn(
            path,
            format!(
                "maintenance window `{}` never occurs within the horizon ({horizon})",
                w.id
            ),
        );
    }
    let zones_in = w
        .zones
        .as_ref()
        .map(|zs| {
            zs.iter()
                .enumerate()
                .filter_map(|(j, z)| {
                    zone_ids
                        .resolve(ctx, z, &join_index(&join_key(path, "zones"), j), "zone")
                        .map(ZoneIdx)
                })
                .collect()
        })
        .unwrap_or_default();
    MaintenanceWindow {
        id: w.id.clone(),
        starts,
        duration: w.duration.0,
        zones: zones_in,
    }
}
