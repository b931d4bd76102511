//! An attacker outside the plant (an entry point `from:` a zone, no stand-in asset) against
//! closed forms: from the internet to a gateway behind one conduit, P(compromise by T) is the
//! CDF of (arrival + exploit); with arrivals a minute apart it is 1 − e^(−T/mean) of the
//! exploit alone; closing the conduit makes it 0. Its foothold is the gateway, so the foothold
//! share is the share of runs that reach it, where a stand-in asset in the internet zone made
//! it 100%.

use patchtwin_mc::run;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::Compiled;
use std::sync::Arc;

mod common;

const DAY: f64 = 86_400.0;
const MIN: f64 = 60.0;

fn compile(yaml: &str) -> Compiled {
    match load_str(yaml, "outside-attacker.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

/// An empty `internet` zone, a conduit from it into `plant` admitting https, and the gateway
/// `gw` carrying V (https, TTC exponential with mean 10 d), the target. `entry` is the entry
/// point; `extra_asset` may add an asset in the internet zone. Plans: `defer`, and `close`
/// (segmentation of the conduit to nothing, in force at once).
fn internet_plant(entry: &str, extra_asset: &str, gap: &str) -> Compiled {
    compile(&format!(
        r#"
name: internet-attacker
horizon: 30d
zones: [{{id: internet, purdue_level: 5}}, {{id: plant, purdue_level: 3}}]
conduits: [{{id: c-net, zones: [internet, plant], protocols: [https], direction: first_to_second}}]
assets:
  - {{id: gw, zone: plant, model: iiot-gateway}}
{extra_asset}
vulnerabilities:
  - {{id: V, affects: {{assets: [gw]}}, service: https, ttc: {{exponential: {{mean: 10d}}}}}}
controls:
  - {{id: close, kind: segmentation, conduit: c-net, allow_protocols: [], deploy_time: 0, failure_probability: 0}}
threat:
  entry_points: [{{id: web, kind: internet_service, {entry}, mean_time_between_attempts: {gap}}}]
  targets: [{{asset: gw}}]
plans: [{{id: defer}}, {{id: close, actions: [{{control: close, at: now}}]}}]
"#
    ))
}

/// CDF at `t` of Exp(rate `mu`) + Exp(rate `lambda`) (distinct rates).
fn two_stage_cdf(mu: f64, lambda: f64, t: f64) -> f64 {
    1.0 - (lambda * (-mu * t).exp() - mu * (-lambda * t).exp()) / (lambda - mu)
}

fn exposure(model: &Compiled, runs: u64) -> Vec<patchtwin_mc::ExposureAcc> {
    run(
        model,
        &[0, 1],
        common::mc_settings(runs, 7, 1_000_000),
        &|_| {},
    )
    .expect("run")
    .plans
    .into_iter()
    .map(|p| p.exposure)
    .collect()
}

/// Arrivals ten minutes apart: the attacker is on the internet almost at once, and P(gw by
/// 30 d) = 1 − e^(−30/10) = 0.9502 (the arrival's ten minutes move it by less than 1e-4).
/// Closing the conduit: 0, and nothing is ever exposed.
#[test]
fn from_the_internet_one_step_is_one_minus_e_to_the_minus_t_over_mean() {
    let exposure = exposure(&internet_plant("from: internet", "", "10m"), 3000);
    let closed_form = 1.0 - (-30.0f64 / 10.0).exp();
    let exact = two_stage_cdf(1.0 / (10.0 * DAY), 1.0 / (10.0 * MIN), 30.0 * DAY);
    assert!(
        (exact - closed_form).abs() < 1e-4,
        "{exact} vs {closed_form}"
    );
    let p = exposure[0].p_compromise();
    eprintln!("1 − e^(−3) = {closed_form:.4}; simulated {p:?}");
    assert!(
        p.lo <= closed_form && closed_form <= p.hi,
        "P(compromise by 30 d) = 1 − e^(−3) = {closed_form:.4}, estimate {p:?}"
    );
    // The foothold is the gateway itself: the same runs.
    assert_eq!(exposure[0].runs_with_foothold, exposure[0].runs_compromised);
    // The conduit closed from t = 0: no run reaches the gateway, none gets a foothold, and
    // no pair is ever exposed.
    assert_eq!(exposure[1].runs_compromised, 0);
    assert_eq!(exposure[1].runs_with_foothold, 0);
    assert_eq!(exposure[1].exposure_days.mean(), 0.0);
    // Open, the one pair is exposed all 30 days in every run.
    assert_eq!(exposure[0].exposure_days.mean(), 30.0);
}

/// Arrivals every 2 d on average: P(gw by 30 d) = P(Exp(1/2 d) + Exp(1/10 d) ≤ 30 d) = 0.9378.
/// A stand-in asset `bot` in the internet zone (the old way) gives the same compromises run
/// by run (the same draws), but a foothold in every run that sees an arrival (all but
/// e^(−15) of them): the 100% "foothold share" the `from:` form does away with.
#[test]
fn from_the_internet_matches_the_two_stage_closed_form_and_a_stand_in_only_adds_footholds() {
    let outside = exposure(&internet_plant("from: internet", "", "2d"), 4000);
    let exact = two_stage_cdf(1.0 / (2.0 * DAY), 1.0 / (10.0 * DAY), 30.0 * DAY);
    let p = outside[0].p_compromise();
    eprintln!("two-stage {exact:.4}; simulated {p:?}");
    assert!(
        p.lo <= exact && exact <= p.hi,
        "P(compromise by 30 d) = {exact:.4}, estimate {p:?}"
    );
    assert_eq!(outside[0].runs_with_foothold, outside[0].runs_compromised);
    assert_eq!(outside[1].runs_compromised, 0);

    let stand_in = exposure(
        &internet_plant(
            "asset: bot",
            "  - {id: bot, zone: internet, model: cloud-analytics}",
            "2d",
        ),
        4000,
    );
    assert_eq!(stand_in[0].runs_compromised, outside[0].runs_compromised);
    assert_eq!(stand_in[0].runs_with_foothold, stand_in[0].runs);
    assert!(outside[0].runs_with_foothold < outside[0].runs);
}
