//! Rollouts against hand calculation and closed forms: a crew's schedule under its shift and
//! a k-of-n rule (computed by hand), a patch that is bad for the plant caught by a pilot (the
//! probability that the rollout reaches its second stage and the expected number of rollbacks,
//! in closed form), and retries of rolled-back hosts (fix times by hand, the share fixed in
//! closed form). Statistical checks assert that the closed form lies inside the estimate's
//! 99.9% interval (z = 3.29) computed from the samples.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Outcome, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;
const H: u64 = 3600 * S;

/// Five HMIs carrying one vulnerability, a patch for it (no restart, rollback 30 min) and the
/// plans spliced in. `patch_extra` goes into the patch's `failure` map.
fn plant(deploy: &str, failure: &str, plans: &str) -> Compiled {
    let yaml = format!(
        r#"
name: rollouts
horizon: 30d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: h1, zone: z, model: hmi-panel}}
  - {{id: h2, zone: z, model: hmi-panel}}
  - {{id: h3, zone: z, model: hmi-panel}}
  - {{id: h4, zone: z, model: hmi-panel}}
  - {{id: h5, zone: z, model: hmi-panel}}
vulnerabilities:
  - {{id: V1, affects: {{assets: [h1, h2, h3, h4, h5]}}, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
maintenance_windows:
  - {{id: monthly, first: 10d, every: 10d, duration: 8h}}
patches:
  - id: p1
    fixes: [V1]
    deploy_time: {deploy}
    restart: none
    failure: {{{failure}, rollback_time: 30min}}
plans:
{plans}
"#
    );
    match load_str(&yaml, "rollouts.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("rollout scenario invalid:\n{}", d.render()),
    }
}

fn run(model: &Compiled, plan: usize, seed: u64) -> Outcome {
    Replication::new(
        model,
        plan,
        model.run_settings(S),
        Pcg64Mcg::seed_from_u64(seed),
    )
    .run()
    .0
}

/// Fix time of each host (h1..h5), `None` if never fixed.
fn fix_times(model: &Compiled, o: &Outcome) -> Vec<Option<u64>> {
    (0..model.scenario.assets.len() as u32)
        .map(|a| o.ops.fixed.iter().find(|f| f.1 == a).map(|f| f.2))
        .collect()
}

#[test]
fn a_crew_works_two_hosts_at_once_only_on_shift() {
    // Two technicians, shift 08:00–13:00, 3 h per host, no failures, no restart.
    // 08:00 h1, h2 start (nobody works before the shift) → done 11:00; 11:00 h3, h4 start (the
    // shift still runs) → 14:00; 14:00 is off shift: h5 waits for the next day's shift,
    // 32:00 → 35:00.
    let model = plant(
        "3h",
        "probability: 0.0",
        "  - id: crew\n    crews: [{id: techs, technicians: 2, shift_start: 8h, shift_length: 5h}]\n    actions: [{patch: p1, at: now, crew: techs}]",
    );
    let o = run(&model, 0, 1);
    let want = [11, 11, 14, 14, 35].map(|h| Some(h * H));
    assert_eq!(fix_times(&model, &o), want);
    assert_eq!(o.ops.deployments, 5);
    assert_eq!(o.ops.changes_done_at, Some(35 * H));
}

#[test]
fn a_max_down_rule_holds_a_host_back_and_the_crew_takes_the_next() {
    // As above, but never more than one of h1 and h2 at once. 08:00: h1 starts; h2 is held,
    // so h3 starts. 11:00: h1 done → h2 starts; h3 done → h4 starts (both done 14:00).
    // h5 waits for the next shift: 32:00 → 35:00.
    let model = plant(
        "3h",
        "probability: 0.0",
        "  - id: crew\n    crews: [{id: techs, technicians: 2, shift_start: 8h, shift_length: 5h}]\n    max_down: [{assets: [h1, h2], at_most: 1}]\n    actions: [{patch: p1, at: now, crew: techs}]",
    );
    let o = run(&model, 0, 1);
    let want = [11, 14, 11, 14, 35].map(|h| Some(h * H));
    assert_eq!(fix_times(&model, &o), want);
}

#[test]
fn one_after_another_without_a_crew_is_unchanged() {
    // No crew: one host after another from t = 0, at any hour: 3, 6, 9, 12, 15 h.
    let model = plant(
        "3h",
        "probability: 0.0",
        "  - {id: seq, actions: [{patch: p1, at: now}]}",
    );
    let o = run(&model, 0, 1);
    let want = [3, 6, 9, 12, 15].map(|h| Some(h * H));
    assert_eq!(fix_times(&model, &o), want);
}

/// Mean and 99.9% half-width of `xs`.
fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, 3.29 * (var / n).sqrt())
}

#[test]
fn a_pilot_catches_a_patch_that_is_bad_for_the_plant() {
    // Base failure p = 0.05; bad for the plant with q = 0.3, then each host fails with
    // f = 0.8. Pilot h1, then the other four after a 1-day soak, only if the pilot succeeded.
    //   P(reach stage 2) = (1−q)(1−p) + q(1−f) = 0.665 + 0.06 = 0.725
    //   E[rollbacks] = (1−q)p + qf                       (the pilot)
    //                + 4[(1−q)(1−p)p + q(1−f)f]          (the rest, only after a good pilot)
    //                = 0.275 + 4 · 0.08125 = 0.6
    // Without the pilot (all five at once, one after another): E = 5 · 0.275 = 1.375 and
    //   P(at least one) = 1 − [(1−q)(1−p)^5 + q(1−f)^5].
    let model = plant(
        "1h",
        "probability: 0.05, bad_for_plant: 0.3, failure_if_bad: 0.8",
        "  - {id: staged, actions: [{patch: p1, at: now, staged: {first: [h1], soak: 1d}}]}\n  - {id: all, actions: [{patch: p1, at: now}]}",
    );
    let n = 6000;
    let (mut reached, mut rb_staged, mut rb_all, mut any_all) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let s = run(&model, 0, i);
        reached.push(f64::from(u8::from(s.ops.deployments == 5)));
        assert!(s.ops.deployments == 1 || s.ops.deployments == 5);
        rb_staged.push(f64::from(s.ops.failed_deployments));
        let a = run(&model, 1, i);
        rb_all.push(f64::from(a.ops.failed_deployments));
        any_all.push(f64::from(u8::from(a.ops.failed_deployments > 0)));
    }
    let (q, p, f) = (0.3f64, 0.05f64, 0.8f64);
    let cases = [
        (
            "P(reach stage 2)",
            &reached,
            (1.0 - q) * (1.0 - p) + q * (1.0 - f),
        ),
        ("E[rollbacks], staged", &rb_staged, 0.6),
        ("E[rollbacks], all at once", &rb_all, 1.375),
        (
            "P(at least one rollback), all at once",
            &any_all,
            1.0 - ((1.0 - q) * (1.0 - p).powi(5) + q * (1.0 - f).powi(5)),
        ),
    ];
    for (what, xs, theory) in cases {
        let (m, half) = mean_ci(xs);
        assert!(
            (m - theory).abs() <= half,
            "{what}: simulated {m:.4} ± {half:.4}, closed form {theory:.4}"
        );
    }
}

#[test]
fn independent_failures_without_bad_for_plant_keep_their_rate() {
    // Without `bad_for_plant` the hosts fail independently: E = 5p with p = 0.2.
    let model = plant(
        "1h",
        "probability: 0.2",
        "  - {id: all, actions: [{patch: p1, at: now}]}",
    );
    let xs: Vec<f64> = (0..3000)
        .map(|i| f64::from(run(&model, 0, i).ops.failed_deployments))
        .collect();
    let (m, half) = mean_ci(&xs);
    assert!(
        (m - 1.0).abs() <= half,
        "E[rollbacks] {m} ± {half}, theory 1"
    );
}

#[test]
fn rolled_back_hosts_are_retried_after_the_delay_up_to_the_maximum() {
    // One host (h1), p = 0.3 per attempt independently, deploy 1 h, rollback 30 min, retry 1 d
    // after the rollback, at most 2 retries. Attempt k (0, 1, 2) fixes it at
    //   1 h + k · (1 h + 30 min + 24 h);
    // P(fixed) = 1 − 0.3³ = 0.973, E[attempts] = 1 + 0.3 + 0.09 = 1.39.
    let model = plant(
        "1h",
        "probability: 0.3",
        "  - {id: retry, actions: [{patch: p1, assets: [h1], at: now, retry: {after: 1d, max: 2}}]}",
    );
    let n = 4000;
    let (mut fixed, mut attempts) = (vec![], vec![]);
    for i in 0..n {
        let o = run(&model, 0, i);
        let k = u64::from(o.ops.failed_deployments);
        assert_eq!(
            o.ops.deployments,
            o.ops.failed_deployments + u32::from(k < 3)
        );
        match fix_times(&model, &o)[0] {
            Some(t) => assert_eq!(t, H + k * (H + H / 2 + 24 * H), "run {i}, {k} failures"),
            None => assert_eq!(k, 3),
        }
        fixed.push(f64::from(u8::from(k < 3)));
        attempts.push(f64::from(o.ops.deployments));
    }
    for (what, xs, theory) in [
        ("P(fixed)", &fixed, 1.0 - 0.3f64.powi(3)),
        ("E[attempts]", &attempts, 1.39),
    ] {
        let (m, half) = mean_ci(xs);
        assert!(
            (m - theory).abs() <= half,
            "{what}: simulated {m:.4} ± {half:.4}, closed form {theory:.4}"
        );
    }
}

#[test]
fn a_retry_at_the_next_window_waits_for_it_and_a_bad_patch_fails_again() {
    // Always bad (q = 1, f = 1): every attempt fails. Retry at the next window (days 10, 20):
    // three attempts at 0, 10 d and 20 d, none fixing; the rollout ends after the last.
    let model = plant(
        "1h",
        "probability: 0.0, bad_for_plant: 1.0",
        "  - {id: retry, actions: [{patch: p1, assets: [h1], at: now, retry: {after: next_window, max: 5}}]}",
    );
    let (o, trace) = Replication::new(&model, 0, model.run_settings(S), Pcg64Mcg::seed_from_u64(3))
        .with_trace()
        .run();
    assert_eq!(
        o.ops.deployments, 3,
        "day 0, then windows at days 10 and 20 (day 30 is the horizon)"
    );
    assert_eq!(o.ops.failed_deployments, 3);
    let starts: Vec<u64> = trace
        .iter()
        .filter(|l| l.kind == "deploy")
        .map(|l| l.time)
        .collect();
    assert_eq!(starts, vec![0, 240 * H, 480 * H]);
    assert!(fix_times(&model, &o)[0].is_none());
}
