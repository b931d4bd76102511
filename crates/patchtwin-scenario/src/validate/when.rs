//! When a plan action happens: `now`, an offset, the next maintenance window or a named one,
//! checked against the horizon (skipped when the horizon itself failed).

use crate::check::*;
use patchtwin_model::*;

pub(super) fn when(
    ctx: &mut Ctx,
    text: &str,
    path: &str,
    horizon: Option<Duration>,
    window_ids: &Ids,
    windows: &[MaintenanceWindow],
) -> Option<When> {
    let t = text.trim();
    if t == "now" {
        return Some(When::Now);
    }
    if let Some(rest) = t.strip_prefix("next_window") {
        let named = match rest.strip_prefix(':') {
            Some(id) => {
                Some(window_ids.resolve(ctx, id.trim(), path, "maintenance window")? as usize)
            }
            None if rest.is_empty() => None,
            None => {
                ctx.err_at(path, format!("invalid time `{t}`: expected `now`, an offset such as `3d`, `next_window` or `next_window:<window id>`"));
                return None;
            }
        };
        let occurs = match named {
            Some(i) => windows.get(i).is_some_and(|w| !w.starts.is_empty()),
            None => windows.iter().any(|w| !w.starts.is_empty()),
        };
        let Some(horizon) = horizon else {
            return Some(When::NextWindow(named)); // the horizon failed: nothing to compare
        };
        if !occurs && (named.is_some() || !windows.is_empty() || window_ids.written.is_empty()) {
            let what = named.map_or("no maintenance window occurs".to_string(), |i| {
                format!("window `{}` never occurs", windows[i].id)
            });
            ctx.err_at(path, format!("this action waits for the next window, but {what} within the horizon ({horizon})"));
            return None;
        }
        return Some(When::NextWindow(named));
    }
    match crate::units::parse_duration(t) {
        Ok(d) if horizon.is_none_or(|h| d < h) => Some(When::At(SimTime(d.0))),
        Ok(d) => {
            let horizon = horizon.unwrap_or_default();
            ctx.err_at(
                path,
                format!(
                    "this action is at {d}, after the horizon ({horizon}): it would never happen"
                ),
            );
            None
        }
        Err(_) => {
            ctx.err_at(path, format!("invalid time `{t}`: expected `now`, an offset such as `3d`, `next_window` or `next_window:<window id>`"));
            None
        }
    }
}
