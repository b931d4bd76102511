//! The shipped plants' plans differ in operations the way their stories say, and a failing
//! staged rollout reads as a story in the trace.

use patchtwin_mc::{McSettings, OpsAcc, run, stream};
use patchtwin_scenario::load_file;
use patchtwin_sim::{Compiled, Replication, RunSettings};
use std::path::Path;
use std::sync::Arc;

fn compile(name: &str) -> Compiled {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(format!("{name}.yaml"));
    let loaded = load_file(&path).unwrap_or_else(|d| panic!("{}", d.render()));
    Compiled::new(Arc::new(loaded.scenario))
}

fn ops_by_plan(model: &Compiled, runs: u64) -> Vec<(String, OpsAcc)> {
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    let settings = McSettings {
        runs,
        seed: 2026,
        threads: 2,
        observe_ns: 1_000_000_000,
    };
    run(model, &plans, settings, &|_| {})
        .expect("run")
        .into_iter()
        .map(|r| (r.plan, r.ops))
        .collect()
}

fn plan<'a>(all: &'a [(String, OpsAcc)], id: &str) -> &'a OpsAcc {
    &all.iter()
        .find(|(p, _)| p == id)
        .unwrap_or_else(|| panic!("plan {id}"))
        .1
}

#[test]
fn deferring_changes_nothing_operationally() {
    for name in [
        "ews-actively-exploited",
        "water-treatment",
        "substation",
        "packaging-line",
    ] {
        let model = compile(name);
        let all = ops_by_plan(&model, 40);
        let defer = plan(&all, "defer");
        assert_eq!(
            (
                defer.runs_with_trip,
                defer.deployments,
                defer.runs_with_patch_failure
            ),
            (0, 0, 0),
            "{name}: defer"
        );
    }
}

#[test]
fn ews_patches_fail_sometimes_but_never_stop_the_process() {
    // The story: the workstations feed SCADA and the PLCs only indirectly, so even an
    // uncertified patch that fails and rolls back costs no production — its risk is the
    // rollback, which the certification penalty makes likely enough to matter.
    let all = ops_by_plan(&compile("ews-actively-exploited"), 200);
    for id in ["patch-now", "patch-in-window", "controls-then-window"] {
        let o = plan(&all, id);
        assert_eq!(o.runs_with_trip, 0, "{id}: no trips");
        assert!(
            o.p_patch_failure().lo > 0.05,
            "{id}: uncertified patch fails noticeably: {:?}",
            o.p_patch_failure()
        );
    }
}

#[test]
fn substation_ieds_patched_out_of_cycle_trip_the_bays_but_not_in_the_outage() {
    let all = ops_by_plan(&compile("substation"), 100);
    let now = plan(&all, "patch-ieds-now");
    let window = plan(&all, "patch-ieds-in-window");
    assert!(
        now.p_trip().lo > 0.9,
        "rebooting a relay with production running trips its bay: {:?}",
        now.p_trip()
    );
    assert!(
        window.p_trip().hi < now.p_trip().lo,
        "in the outage window the bays are de-energised"
    );
    assert!(window.downtime_h.sum < now.downtime_h.sum);
}

#[test]
fn packaging_line_plc_patch_in_the_weekly_window_can_overrun_it() {
    let all = ops_by_plan(&compile("packaging-line"), 200);
    let plcs = plan(&all, "patch-plcs-next-window");
    let hmi = plan(&all, "patch-hmi-now");
    assert!(
        plcs.p_overrun().mean > 0.0,
        "a failed PLC firmware rollback can run past 4 h"
    );
    assert_eq!(hmi.runs_with_trip, 0, "HMI reboots cost view, not the line");
}

#[test]
fn a_failing_staged_rollout_reads_as_a_story() {
    let model = compile("water-treatment");
    let plan_ix = model
        .scenario
        .plan_by_id("patch-plcs-in-window")
        .expect("plan");
    let settings = RunSettings {
        observe_ns: 1_000_000_000,
        horizon_ns: model.scenario.horizon.as_nanos(),
    };
    // Find a replication where the first group fails (the patch fails often enough that one
    // of the first 50 does), then check the story's beats appear in order.
    let story = (0..50u64)
        .map(|i| {
            Replication::new(&model, plan_ix, settings, stream(1, i))
                .with_trace()
                .run()
                .1
        })
        .find(|lines| {
            lines
                .iter()
                .any(|l| l.text.contains("staged rollout halted"))
        })
        .expect("a halted rollout within 50 runs");
    let beats = [
        "staged rollout, first group",
        "installing patch",
        "failed after its reboot: rolling back",
        "marks",
        "is back up",
        "staged rollout halted",
    ];
    let mut at = 0;
    for beat in beats {
        let found = story[at..]
            .iter()
            .position(|l| l.text.contains(beat))
            .unwrap_or_else(|| {
                let text: Vec<String> = story
                    .iter()
                    .map(|l| format!("{} {} {}", l.time, l.entity, l.text))
                    .collect();
                panic!(
                    "beat `{beat}` missing after line {at}:\n{}",
                    text.join("\n")
                )
            });
        at += found;
    }
}
