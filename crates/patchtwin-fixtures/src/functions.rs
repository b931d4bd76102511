//! The functions (operator view, history, control, interlocks, safety, protection, telemetry)
//! and the process units (one per cell) over the generated network, with k-of-n redundancy
//! where the plant has it, and the units' costs.

use crate::plant::{AreaFlows, Cell, CellKind, Dev};
use crate::rng::Rng;
use std::fmt::Write as _;

/// The `functions` section being written, and how many it holds.
#[derive(Default)]
struct FunctionList {
    text: String,
    count: usize,
}

impl FunctionList {
    fn add(&mut self, id: &str, kind: &str, deps: &[String]) {
        let out = &mut self.text;
        w!(out, "  - id: {id}\n    kind: {kind}\n    depends_on:");
        for d in deps {
            w!(out, "      - {d}");
        }
        self.count += 1;
    }
}

/// `{flow: id}`.
fn flow(id: &str) -> String {
    format!("{{flow: {id}}}")
}

/// `{k: k, of: [...]}`.
fn k_of(k: usize, alts: Vec<String>) -> String {
    format!("{{k: {k}, of: [{}]}}", alts.join(", "))
}

/// The `functions` section: per area, then plant-wide. Returns the text and the count.
pub(crate) fn functions(area_flows: &[AreaFlows], cells: &[Cell]) -> (String, usize) {
    let mut list = FunctionList::default();
    for (i, af) in area_flows.iter().enumerate() {
        let a = format!("a{}", i + 1);
        w!(list.text, "  # Area {}.", i + 1);
        let hmis: Vec<String> = af
            .view
            .iter()
            .map(|pair| k_of(1, pair.iter().map(|f| flow(f)).collect()))
            .collect();
        // Operators see the area when at least two control-room HMIs reach a SCADA server.
        list.add(&format!("{a}-operator-view"), "view", &[k_of(2, hmis)]);
        list.add(
            &format!("{a}-history"),
            "history",
            &[
                format!("asset: hist-{a}"),
                k_of(1, af.history.iter().map(|f| flow(f)).collect()),
            ],
        );
        for cell in cells.iter().filter(|c| c.site == i + 1) {
            cell_functions(&mut list, cell, &a);
        }
    }
    w!(list.text, "  # Plant-wide.");
    let mut plant_history: Vec<String> = area_flows
        .iter()
        .map(|af| format!("flow: {}", af.central))
        .collect();
    plant_history.push("flow: hist-replicate-dmz".into());
    list.add("plant-history", "history", &plant_history);
    let cell_telemetry: Vec<String> = cells
        .iter()
        .map(|c| format!("{{function: {}-telemetry}}", c.id))
        .collect();
    let k = (cell_telemetry.len() * 9).div_ceil(10);
    list.add(
        "condition-monitoring",
        "telemetry",
        &["flow: cloud-ingest".into(), k_of(k, cell_telemetry)],
    );
    (list.text, list.count)
}

/// A cell's view, control, interlock or safety (or, in a substation, protection) and
/// telemetry functions.
fn cell_functions(list: &mut FunctionList, cell: &Cell, a: &str) {
    let cid = &cell.id;
    let mut view = vec![format!("function: {a}-operator-view")];
    for k in cell.key_ctrls() {
        let (p1, p2) = &cell.scada_polls[k];
        view.push(k_of(1, vec![flow(p1), flow(p2)]));
    }
    list.add(&format!("{cid}-view"), "view", &view);
    // Control from the control room, or from the cell's own panel when the room is blind.
    let main_panel = cell.hmi_polls[0]
        .as_deref()
        .expect("the main PLC has a panel");
    list.add(
        &format!("{cid}-control"),
        "control",
        &[k_of(
            1,
            vec![format!("{{function: {cid}-view}}"), flow(main_panel)],
        )],
    );
    match cell.kind {
        CellKind::Process | CellKind::Utilities => {
            let key: Vec<usize> = cell.nth_of(Dev::is_plc, 4);
            let deps: Vec<String> = cell
                .interlocks
                .iter()
                .filter(|(c, _)| key.contains(c))
                .map(|(_, f)| format!("flow: {f}"))
                .collect();
            if !deps.is_empty() {
                list.add(&format!("{cid}-interlock"), "interlock", &deps);
            }
            if !cell.permissives.is_empty() {
                let deps: Vec<String> = cell
                    .permissives
                    .iter()
                    .map(|f| format!("flow: {f}"))
                    .collect();
                list.add(&format!("{cid}-safety"), "safety", &deps);
            }
        }
        CellKind::Substation => {
            // 2-out-of-3 protection: two healthy relays whose trips reach the PLC.
            let ieds: Vec<String> = cell
                .nth_of(|d| d == Dev::Ied, 3)
                .iter()
                .map(|&i| format!("{{asset: {}}}", cell.ctrls[i].id))
                .collect();
            let trips: Vec<String> = cell.trips.iter().map(|f| flow(f)).collect();
            list.add(
                &format!("{cid}-protection"),
                "safety",
                &[k_of(2, ieds), k_of(2, trips)],
            );
        }
    }
    let sensors: Vec<String> = cell.sensor_flows.iter().map(|f| flow(f)).collect();
    let k = (sensors.len() * 3).div_ceil(4);
    list.add(
        &format!("{cid}-telemetry"),
        "telemetry",
        &[format!("flow: {}", cell.telemetry), k_of(k, sensors)],
    );
}

/// The `process_units` section, one unit per cell, and each unit's compromise impact with its
/// id (the threat targets the costliest).
pub(crate) fn process_units(rng: &mut Rng, cells: &[Cell]) -> (String, Vec<(u64, String)>) {
    let mut units = String::new();
    let mut unit_costs: Vec<(u64, String)> = Vec::new();
    for cell in cells {
        let cid = &cell.id;
        let s = cell.site;
        let c: usize = cid[cid.len() - 2..].parse().expect("two-digit cell number");
        // Process lines 1–3 draw on utilities 4 and substation 5; lines 6–8 on 9 and 10.
        let (util, sub) = if c <= 5 { (4, 5) } else { (9, 10) };
        let main = &cell.ctrls[0].id;
        let mut deps: Vec<String> = Vec::new();
        let (restart, cost, impact, trip);
        match cell.kind {
            CellKind::Process => {
                deps.push(format!("asset: {main}"));
                if cell
                    .interlocks
                    .iter()
                    .any(|(ci, _)| cell.nth_of(Dev::is_plc, 4).contains(ci))
                {
                    deps.push(format!("function: {cid}-interlock"));
                }
                deps.push(format!("function: {cid}-safety"));
                deps.push(format!("{{function: {cid}-control, tolerate: 30m}}"));
                deps.push(format!(
                    "{{function: a{s}-c{util:02}-control, tolerate: 20m}}"
                ));
                deps.push(format!("function: a{s}-c{sub:02}-protection"));
                let median = rng.range(2, 8);
                restart = format!("{{lognormal: {{median: {median}h, p95: {}h}}}}", median * 3);
                cost = rng.range(16, 90) * 500;
                impact = rng.range(5, 60) * 100_000;
                trip = rng.range(30, 70);
            }
            CellKind::Utilities => {
                deps.push(format!("{{asset: {main}, tolerate: 10m}}"));
                let rtus: Vec<String> = cell
                    .nth_of(|d| d == Dev::Rtu, 2)
                    .iter()
                    .map(|&i| format!("{{asset: {}}}", cell.ctrls[i].id))
                    .collect();
                deps.push(k_of(1, rtus));
                deps.push(format!("{{function: {cid}-control, tolerate: 1h}}"));
                deps.push(format!("function: a{s}-c{sub:02}-protection"));
                restart = "{triangular: {min: 30m, mode: 1h, max: 4h}}".to_string();
                cost = rng.range(6, 20) * 500;
                impact = rng.range(5, 20) * 100_000;
                trip = rng.range(30, 60);
            }
            CellKind::Substation => {
                deps.push(format!("function: {cid}-protection"));
                deps.push(format!("{{asset: {main}, tolerate: 5m}}"));
                deps.push(format!("{{function: {cid}-control, tolerate: 2h}}"));
                restart = "{pert: {min: 1h, mode: 2h, max: 6h}}".to_string();
                cost = rng.range(4, 12) * 500;
                impact = rng.range(10, 40) * 100_000;
                trip = rng.range(40, 80);
            }
        }
        w!(
            units,
            "  - id: {cid}-unit\n    name: \"Area {s} cell {c:02}: {}\"\n    depends_on:",
            cell.name
        );
        for d in &deps {
            w!(units, "      - {d}");
        }
        w!(
            units,
            "    restart_time: {restart}\n    downtime_cost_per_hour: {cost}\n    compromise_impact_cost: {impact}\n    attack_trip_probability: 0.{trip:02}"
        );
        unit_costs.push((impact, format!("{cid}-unit")));
    }
    (units, unit_costs)
}
