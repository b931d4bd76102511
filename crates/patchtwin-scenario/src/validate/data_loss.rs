//! The data-loss consequences: each group's flows (resolved, each once), its gap threshold
//! (positive) and its costs (zero or positive, and not all of a group's effects absent). What
//! a gap is and how events are counted is the simulation's (`patchtwin_model::DataLossGroup`).

use super::Sections;
use crate::check::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

/// Checks `data_loss` against the flows.
pub(super) fn data_loss(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    flow_ids: &Ids,
) -> Vec<DataLossGroup> {
    let mut ids = Ids::new("data_loss", written_ids(root, "data_loss"));
    let mut groups = Vec::new();
    for (i, g) in &s.data_loss {
        let path = join_index("data_loss", *i);
        ids.define(ctx, &g.id, &path, "data-loss consequence");
        let flows_path = join_key(&path, "flows");
        if g.flows.is_empty() {
            ctx.err_at(
                &flows_path,
                "a data-loss consequence needs at least one flow id".into(),
            );
        }
        let mut flows = Vec::new();
        for (j, f) in g.flows.iter().enumerate() {
            let fp = join_index(&flows_path, j);
            if let Some(fi) = flow_ids.resolve(ctx, f, &fp, "flow") {
                if flows.contains(&FlowIdx(fi)) {
                    ctx.err_at(&fp, format!("flow `{f}` is listed twice"));
                } else {
                    flows.push(FlowIdx(fi));
                }
            }
        }
        let threshold = g.gap_threshold.0;
        if threshold == Duration::ZERO {
            ctx.err_at(
                &join_key(&path, "gap_threshold"),
                "the gap threshold must be longer than 0, e.g. `15m`".into(),
            );
        }
        let cost_per_event = g
            .cost_per_event
            .map_or(0.0, |c| money(ctx, c, &join_key(&path, "cost_per_event")));
        let cost_per_hour = g
            .cost_per_hour
            .map_or(0.0, |c| money(ctx, c, &join_key(&path, "cost_per_hour")));
        let breaks_operations = g.breaks_operations.unwrap_or(true);
        if cost_per_event == 0.0 && cost_per_hour == 0.0 && !breaks_operations {
            ctx.err_at(
                &path,
                "this data-loss consequence changes nothing: give `cost_per_event`, `cost_per_hour`, or leave `breaks_operations` true".into(),
            );
        }
        groups.push(DataLossGroup {
            id: g.id.clone(),
            flows,
            gap_threshold: threshold,
            cost_per_event,
            cost_per_hour,
            breaks_operations,
        });
    }
    groups
}
