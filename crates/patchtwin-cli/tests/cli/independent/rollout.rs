//! A crew-limited rollout against a schedule worked out by hand: technicians on a daily shift,
//! a `max_down` rule, deterministic install and restart times, and the time until 50, 90 and
//! 95% of the pairs are patched.

use super::*;

/// Four HMIs, each patched in 3 h and then restarted for 30 min (3.5 h per host, nothing
/// random). `serial` goes one host after another at any hour; the crews work from 07:00 for
/// 6 h (the horizon starts at midnight) and a technician finishes a host started on shift.
const CREWS: &str = r#"
name: crew-rollout
horizon: 10d
zones: [{id: ops, purdue_level: 3}]
assets:
  - {id: h1, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0, service_restart_time: 30m}}
  - {id: h2, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0, service_restart_time: 30m}}
  - {id: h3, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0, service_restart_time: 30m}}
  - {id: h4, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0, service_restart_time: 30m}}
vulnerabilities:
  - {id: V, affects: {assets: [h1, h2, h3, h4]}, service: http}
patches:
  - {id: P, fixes: [V], applies_to: {assets: [h1, h2, h3, h4]}, deploy_time: 3h, restart: service, failure: {probability: 0, rollback_time: 1h}}
plans:
  - {id: defer}
  - {id: serial, actions: [{patch: P, at: now}]}
  - id: two-techs
    crews: [{id: day, technicians: 2, shift_start: 7h, shift_length: 6h}]
    actions: [{patch: P, at: now, crew: day}]
  - id: one-at-a-time
    crews: [{id: day, technicians: 2, shift_start: 7h, shift_length: 6h}]
    max_down: [{assets: [h1, h2, h3], at_most: 1}]
    actions: [{patch: P, at: now, crew: day}]
  - id: one-tech
    crews: [{id: day, technicians: 1, shift_start: 7h, shift_length: 6h}]
    actions: [{patch: P, at: now, crew: day}]
"#;

#[test]
fn a_crew_limited_rollout_finishes_when_the_hand_schedule_says() {
    // The hours at which the hosts are back up, by hand (a pair counts as patched once its
    // host is back up; the rollout block reports the exact time, not rounded):
    // - serial: 3.5, 7, 10.5, 14 h;
    // - two technicians: h1 and h2 from 07:00 (up 10:30), h3 and h4 from 10:30 (up 14:00);
    // - max_down at most one of h1..h3: 07:00 h1 and h4 (up 10:30), 10:30 h2 (h3 is held;
    //   up 14:00), 14:00 is off shift (07:00–13:00), so h3 waits for day 1 07:00: up at
    //   34.5 h;
    // - one technician: 07:00 h1 (10:30), 10:30 h2 (14:00), off shift, day 1 07:00 h3
    //   (34.5 h), 10:30 h4 (38 h).
    // 50% of four pairs is two hosts; 90% and 95% are all four.
    let expected: [(&str, [f64; 4]); 4] = [
        ("serial", [3.5, 7.0, 10.5, 14.0]),
        ("two-techs", [10.5, 10.5, 14.0, 14.0]),
        ("one-at-a-time", [10.5, 10.5, 14.0, 34.5]),
        ("one-tech", [10.5, 14.0, 34.5, 38.0]),
    ];
    let tmp = util::TempDir::new("indep-crews");
    let file = tmp.write("plant.yaml", CREWS.as_bytes());
    let s = run(&file, 10, 1, &tmp.path().join("out"));
    for (i, (id, up)) in expected.iter().enumerate() {
        let plan = &s["plans"][i + 1];
        assert_eq!(plan["id"], *id);
        assert_eq!(num(plan, &["operations", "deployments_per_run"]), 4.0);
        for row in plan["rollout"]["time_to_patch"].as_array().expect("rows") {
            let share = num(row, &["share"]);
            let hosts = (share * 4.0).ceil() as usize;
            let hours = up[hosts - 1];
            let got = num(row, &["median_days"]);
            eprintln!(
                "{id}: {share} of the pairs at {} h, by hand {hours} h",
                got * 24.0
            );
            assert!(
                (got - hours / 24.0).abs() < 1e-9,
                "{id}: {share} of the pairs patched at {} h, by hand {hours} h",
                got * 24.0
            );
            // Nothing is random: every run the same, so the interval is the point.
            assert_eq!(num(row, &["p_reached"]), 1.0, "{id}: {row}");
            assert_eq!(num(row, &["median_lo_days"]), got, "{id}: {row}");
            assert_eq!(num(row, &["median_hi_days"]), got, "{id}: {row}");
        }
    }
    // Deferring patches nothing.
    for row in s["plans"][0]["rollout"]["time_to_patch"]
        .as_array()
        .expect("rows")
    {
        assert_eq!(num(row, &["p_reached"]), 0.0, "{row}");
    }
}
