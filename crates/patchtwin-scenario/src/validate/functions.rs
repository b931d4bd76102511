//! The functions (what the plant does: view, control, history, interlock, safety, telemetry)
//! and the process units (what stops and costs money), each with its dependencies. The
//! dependency rules themselves are `dependencies`'.

use super::Sections;
use super::dependencies::{Refs, check_function_cycles, dependencies};
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::*;

/// Defines the ids of `functions` before any is checked, so that functions may depend on
/// functions written after them.
pub(super) fn function_ids(ctx: &mut Ctx, root: &serde_json::Value, s: &Sections) -> Ids {
    let mut function_ids = Ids::new("functions", written_ids(root, "functions"));
    for (i, f) in &s.functions {
        function_ids.define(ctx, &f.id, &join_index("functions", *i), "function");
    }
    function_ids
}

/// Checks `functions`: a kind, at least one dependency, no cycle through other functions.
pub(super) fn functions(ctx: &mut Ctx, s: &Sections, refs: &Refs) -> Vec<Function> {
    let mut functions = Vec::new();
    for (i, f) in &s.functions {
        let path = join_index("functions", *i);
        let deps = dependencies(ctx, refs, &f.depends_on, &join_key(&path, "depends_on"));
        let kind = match f.kind {
            FunctionKindRaw::View => FunctionKind::View,
            FunctionKindRaw::Control => FunctionKind::Control,
            FunctionKindRaw::History => FunctionKind::History,
            FunctionKindRaw::Interlock => FunctionKind::Interlock,
            FunctionKindRaw::Safety => FunctionKind::Safety,
            FunctionKindRaw::Telemetry => FunctionKind::Telemetry,
        };
        if f.depends_on.is_empty() {
            ctx.err_at(
                &join_key(&path, "depends_on"),
                "a function must depend on at least one asset, flow or function".into(),
            );
        }
        functions.push(Function {
            id: f.id.clone(),
            kind,
            depends_on: deps,
        });
    }
    check_function_cycles(ctx, &functions, s);
    functions
}

/// Checks `process_units`: dependencies, restart time, costs and the probability that a
/// compromise trips the unit.
pub(super) fn process_units(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    refs: &Refs,
) -> (Ids, Vec<ProcessUnit>) {
    let mut unit_ids = Ids::new("process_units", written_ids(root, "process_units"));
    let mut process_units = Vec::new();
    for (i, u) in &s.process_units {
        let path = join_index("process_units", *i);
        unit_ids.define(ctx, &u.id, &path, "process unit");
        let deps = dependencies(ctx, refs, &u.depends_on, &join_key(&path, "depends_on"));
        if u.depends_on.is_empty() {
            ctx.err_at(
                &join_key(&path, "depends_on"),
                "a process unit must depend on at least one asset, flow or function".into(),
            );
        }
        let restart = duration_dist(ctx, &u.restart_time, &join_key(&path, "restart_time"));
        let cost = money(
            ctx,
            u.downtime_cost_per_hour,
            &join_key(&path, "downtime_cost_per_hour"),
        );
        let impact = money(
            ctx,
            u.compromise_impact_cost.unwrap_or(0.0),
            &join_key(&path, "compromise_impact_cost"),
        );
        let trip = match &u.attack_trip_probability {
            Some(p) => probability(ctx, p, &join_key(&path, "attack_trip_probability")),
            None => Some(Probability::Fixed(0.5)),
        };
        if let (Some(restart_time), Some(attack_trip_probability)) = (restart, trip) {
            process_units.push(ProcessUnit {
                id: u.id.clone(),
                depends_on: deps,
                restart_time,
                downtime_cost_per_hour: cost,
                compromise_impact_cost: impact,
                attack_trip_probability,
            });
        }
    }
    (unit_ids, process_units)
}
