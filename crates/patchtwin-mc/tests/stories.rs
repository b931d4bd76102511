//! The shipped plants' plans differ in operations the way their stories say, and a failing
//! staged rollout reads as a story in the trace.

use patchtwin_mc::{OpsAcc, run, stream};
use patchtwin_scenario::load_file;
use patchtwin_sim::{Compiled, Replication};
use std::path::Path;
use std::sync::Arc;

mod common;

fn compile(name: &str) -> Compiled {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(format!("{name}.yaml"));
    let loaded = load_file(&path).unwrap_or_else(|d| panic!("{}", d.render()));
    Compiled::new(Arc::new(loaded.scenario))
}

fn ops_by_plan(model: &Compiled, runs: u64) -> Vec<(String, OpsAcc)> {
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    let settings = common::mc_settings(runs, 2026, 1_000_000_000);
    run(model, &plans, settings, &|_| {})
        .expect("run")
        .plans
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
fn deferring_deploys_nothing() {
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
                defer.deployments,
                defer.runs_with_patch_failure,
                defer.runs_with_overrun
            ),
            (0, 0, 0),
            "{name}: defer"
        );
    }
}

#[test]
fn ews_patches_fail_sometimes_but_add_no_trips() {
    // The story: the workstations feed SCADA and the PLCs only indirectly, so even an
    // uncertified patch that fails and rolls back stops no process. The trips that remain are
    // the attacker's (common random numbers: the same attacks in every plan), and patching
    // only removes some of them.
    let all = ops_by_plan(&compile("ews-actively-exploited"), 200);
    let defer = plan(&all, "defer").p_trip();
    for id in ["patch-now", "patch-in-window", "controls-then-window"] {
        let o = plan(&all, id);
        assert!(
            o.p_trip().mean <= defer.mean,
            "{id}: {:?} vs defer {defer:?}",
            o.p_trip()
        );
        assert!(
            o.p_patch_failure().lo > 0.05,
            "{id}: uncertified patch fails noticeably: {:?}",
            o.p_patch_failure()
        );
    }
}

#[test]
fn ews_plans_order_by_exposure_as_the_story_says() {
    // Controls now and the patch in the window beats patching now (the patch can fail and
    // leave the hole open; the controls close the vendor path at once), which beats waiting
    // 45 days for the window, which beats deferring.
    let model = compile("ews-actively-exploited");
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    let settings = common::mc_settings(300, 7, 100_000_000);
    let result = run(&model, &plans, settings, &|_| {}).expect("run");
    let p = |id: &str| {
        result
            .plans
            .iter()
            .find(|r| r.plan == id)
            .expect("plan")
            .exposure
            .p_compromise()
    };
    let (defer, window, now, controls) = (
        p("defer"),
        p("patch-in-window"),
        p("patch-now"),
        p("controls-then-window"),
    );
    assert!(
        controls.hi < now.lo,
        "controls-then-window {controls:?} < patch-now {now:?}"
    );
    assert!(
        now.hi < window.lo,
        "patch-now {now:?} < patch-in-window {window:?}"
    );
    assert!(
        window.hi < defer.lo,
        "patch-in-window {window:?} < defer {defer:?}"
    );
    // And the paired differences against defer say the same with narrower intervals.
    for c in &result.comparisons {
        let d = c.d_compromise.estimate();
        assert!(
            d.hi < 0.0,
            "{} lowers P(compromise) against defer: {d:?}",
            c.plan_a
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
}

#[test]
fn packaging_line_plc_patch_in_the_weekly_window_can_overrun_it() {
    let all = ops_by_plan(&compile("packaging-line"), 200);
    let plcs = plan(&all, "patch-plcs-next-window");
    let hmi = plan(&all, "patch-hmi-now");
    let defer = plan(&all, "defer");
    assert!(
        plcs.p_overrun().mean > 0.0,
        "a failed PLC firmware rollback can run past 4 h"
    );
    assert!(
        hmi.p_trip().mean <= defer.p_trip().mean,
        "HMI reboots cost view, not the line"
    );
}

#[test]
fn a_failing_staged_rollout_reads_as_a_story() {
    let model = compile("water-treatment");
    let plan_ix = model
        .scenario
        .plan_by_id("patch-plcs-in-window")
        .expect("plan");
    let settings = model.run_settings(1_000_000_000);
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

#[test]
fn a_trace_shows_the_attack_path_step_by_step_and_the_control_that_stopped_it() {
    let model = compile("ews-actively-exploited");
    let settings = model.run_settings(100_000_000);
    let trace = |plan: &str, i: u64| {
        let p = model.scenario.plan_by_id(plan).expect("plan");
        Replication::new(&model, p, settings, stream(1, i))
            .with_trace()
            .run()
            .1
    };
    // Under defer, some replication goes foothold → lateral steps across conduits → target.
    let path = (0..40u64)
        .map(|i| trace("defer", i))
        .find(|l| l.iter().any(|x| x.kind == "impact"))
        .expect("a compromise within 40 runs");
    let beats = [
        "attacker gets a foothold on",
        "attacker compromises",
        "across conduit",
        "target reached",
    ];
    let mut at = 0;
    for beat in beats {
        at += path[at..]
            .iter()
            .position(|l| l.text.contains(beat))
            .unwrap_or_else(|| panic!("beat `{beat}` missing after line {at}"));
    }
    // With the controls in place, the trace names the control that stopped an attempt.
    let stopped = (0..40u64)
        .flat_map(|i| trace("controls-then-window", i))
        .find(|l| {
            l.kind == "attack"
                && (l.text.contains("stopped by") || l.text.contains("remote-access restriction"))
        });
    let line = stopped.expect("a stopped attempt within 40 runs");
    assert!(
        line.text.contains("allowlist")
            || line.text.contains("restriction")
            || line.text.contains("stopped by"),
        "{}",
        line.text
    );
}
