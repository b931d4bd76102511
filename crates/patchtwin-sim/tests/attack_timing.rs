//! Timing after the change measures the change, not the attacker. On ews-actively-exploited,
//! `patch-in-window` patches only the engineering workstations, so `scada-poll-plc1` is the
//! same after its change as before; yet an attacker who stopped PLC 1 before the after window
//! opened left its polls unanswered there. Those failures are counted apart
//! (`FlowStats::attacker_stopped`), and the after window's own counts see none of them.

mod common;

use patchtwin_sim::{AttackerStopped, Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

fn flow(model: &Compiled, id: &str) -> usize {
    model
        .scenario
        .flows
        .iter()
        .position(|f| f.id == id)
        .expect("flow")
}

#[test]
fn controllers_the_attacker_stopped_do_not_show_as_timeouts_after_the_change() {
    let shipped = common::shipped("ews-actively-exploited.yaml");
    // The SCADA server's processing time is lognormal (median 1 ms, p95 5 ms): about once in
    // 600 runs its tail alone makes a poll time out, attacker or not. A constant 1 ms keeps
    // this test about the attacker.
    let mut scenario = (*shipped.scenario).clone();
    let scada = scenario
        .assets
        .iter()
        .position(|a| a.id == "scada-1")
        .expect("scada-1");
    scenario.assets[scada].behaviour.service_time =
        patchtwin_model::DurationDist::constant(patchtwin_model::Duration(1_000_000));
    let model = Compiled::new(Arc::new(scenario));
    let plan = common::plan_index(&model, "patch-in-window");
    let poll = flow(&model, "scada-poll-plc1");
    let settings = model.run_settings(2 * S);
    let (mut after_timeouts, mut apart) = (0u64, AttackerStopped::default());
    for i in 0..600 {
        let (out, _) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(i)).run();
        after_timeouts += out.flows_after[poll].timeouts;
        apart.add(&out.flows_after[poll].attacker_stopped);
    }
    assert!(
        apart.timeouts > 0,
        "the attacker stops PLC 1 before some after windows: {apart:?}"
    );
    assert_eq!(
        after_timeouts, 0,
        "the patch does not touch the flow; the attacker's effect is counted apart ({apart:?})"
    );
}

#[test]
fn without_an_attacker_nothing_is_counted_apart() {
    let shipped = common::shipped("ews-actively-exploited.yaml");
    let mut scenario = (*shipped.scenario).clone();
    // No attacker: attempts so rare that none falls within the horizon (the entry points stay,
    // since controls refer to them).
    for e in &mut scenario.threat.entry_points {
        e.mean_time_between_attempts = patchtwin_model::Duration(u64::MAX / 4);
    }
    let model = Compiled::new(Arc::new(scenario));
    let plan = common::plan_index(&model, "patch-in-window");
    let settings = model.run_settings(2 * S);
    for i in 0..50 {
        let (out, _) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(i)).run();
        for f in out.flows.iter().chain(&out.flows_after) {
            assert_eq!(f.attacker_stopped, AttackerStopped::default());
        }
    }
}
