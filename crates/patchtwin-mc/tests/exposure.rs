//! Exposure against closed forms. An attacker arrives at an entry point as a Poisson process
//! of rate μ and exploits a target with an exponential time to compromise of rate λ; the time
//! to impact is then a sum of exponentials (hypoexponential), whose CDF is exact. Each check
//! asserts the closed-form value lies inside the Wilson 95% interval of the estimate.

use patchtwin_mc::run;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::Compiled;
use std::sync::Arc;

mod common;

const DAY: f64 = 86_400.0;

/// CDF at `t` of a sum of independent exponentials with distinct `rates`.
fn hypoexponential_cdf(rates: &[f64], t: f64) -> f64 {
    let mut survival = 0.0;
    for (i, ri) in rates.iter().enumerate() {
        let mut coef = 1.0;
        for (j, rj) in rates.iter().enumerate() {
            if i != j {
                coef *= rj / (rj - ri);
            }
        }
        survival += coef * (-ri * t).exp();
    }
    1.0 - survival
}

/// Entry (mean gap 2 d) lands on `gw` in `it`; `plc` in `ot` carries V (service svc, TTC
/// exponential, mean 10 d) and is the target; optionally a middle hop `srv` in `dmz`.
fn plant(two_steps: bool, extra: &str) -> Compiled {
    let (zones, conduits, middle, target_zone) = if two_steps {
        (
            "[{id: it, purdue_level: 4}, {id: dmz, purdue_level: 3.5}, {id: ot, purdue_level: 2}]",
            "[{id: it-dmz, zones: [it, dmz], protocols: [svc]}, {id: dmz-ot, zones: [dmz, ot], protocols: [svc]}]",
            "  - {id: srv, zone: dmz, model: mes-server}\n",
            "ot",
        )
    } else {
        (
            "[{id: it, purdue_level: 4}, {id: ot, purdue_level: 2}]",
            "[{id: it-ot, zones: [it, ot], protocols: [svc]}]",
            "",
            "ot",
        )
    };
    let affects = if two_steps { "[plc, srv]" } else { "[plc]" };
    let yaml = format!(
        r#"
name: exposure
horizon: 30d
zones: {zones}
conduits: {conduits}
assets:
  - {{id: gw, zone: it, model: remote-access-gateway}}
{middle}  - {{id: plc, zone: {target_zone}, model: fast-plc}}
vulnerabilities:
  - {{id: V, affects: {{assets: {affects}}}, service: svc, ttc: {{exponential: {{mean: 10d}}}}}}
threat:
  entry_points: [{{id: e, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 2d}}]
  targets: [{{asset: plc}}]
{extra}
"#
    );
    match load_str(&yaml, "exposure.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

fn p_compromise(model: &Compiled, plan: usize, runs: u64) -> patchtwin_mc::estimate::Estimate {
    let settings = common::mc_settings(runs, 99, 1_000_000);
    run(model, &[plan], settings, &|_| {}).expect("run").plans[0]
        .exposure
        .p_compromise()
}

const MU: f64 = 1.0 / (2.0 * DAY);
const LAMBDA: f64 = 1.0 / (10.0 * DAY);
const T: f64 = 30.0 * DAY;

#[test]
fn one_step_matches_the_hypoexponential_and_nearly_one_minus_exp() {
    let model = plant(false, "plans: [{id: defer}]");
    let e = p_compromise(&model, 0, 4000);
    let exact = hypoexponential_cdf(&[MU, LAMBDA], T);
    eprintln!("one step: exact {exact:.4}, estimate {e:?}");
    assert!(
        e.lo <= exact && exact <= e.hi,
        "P = {exact:.4} (1 − e^(−λT) = {:.4}), estimate {e:?}",
        1.0 - (-LAMBDA * T).exp()
    );
}

#[test]
fn two_sequential_steps_match_the_three_stage_hypoexponential() {
    // The PLC is reachable only from the DMZ and the server only from IT, so the path is
    // strictly entry → srv → plc.
    let model = plant(true, "plans: [{id: defer}]");
    let e = p_compromise(&model, 0, 4000);
    // Entry μ, then srv at λ, then plc at λ: equal rates, so use the Erlang-aware form:
    // P(X + Y ≤ t) with X ~ Exp(μ), Y ~ Erlang(2, λ).
    let (m, l, t) = (MU, LAMBDA, T);
    let erlang2 = |s: f64| {
        if s <= 0.0 {
            0.0
        } else {
            1.0 - (-l * s).exp() * (1.0 + l * s)
        }
    };
    // Numerical convolution over the entry time (fine grid; the integrand is smooth).
    let n = 200_000;
    let h = t / n as f64;
    let exact: f64 = (0..n)
        .map(|k| {
            let s = (k as f64 + 0.5) * h;
            m * (-m * s).exp() * erlang2(t - s) * h
        })
        .sum();
    assert!(
        e.lo <= exact && exact <= e.hi,
        "P = {exact:.4}, estimate {e:?}"
    );
}

#[test]
fn a_closed_conduit_makes_the_target_unreachable() {
    let model = plant(
        false,
        "controls: [{id: cut, kind: segmentation, conduit: it-ot}]\nplans: [{id: cut, actions: [{control: cut, at: now}]}]",
    );
    let e = p_compromise(&model, 0, 500);
    assert_eq!(e.mean, 0.0, "probability exactly 0, got {e:?}");
}

#[test]
fn detection_on_the_entry_zone_thins_the_arrivals() {
    // Monitoring of `it` detects a foothold with d = 0.6 and evicts at once, so only a share
    // 1 − d of attempts stays: entry rate μ(1 − d).
    let model = plant(
        false,
        "controls: [{id: watch, kind: monitoring, zones: [it], detection_probability: 0.6, time_to_respond: 0}]\nplans: [{id: watch, actions: [{control: watch, at: now}]}]",
    );
    let e = p_compromise(&model, 0, 4000);
    let exact = hypoexponential_cdf(&[MU * 0.4, LAMBDA], T);
    assert!(
        e.lo <= exact && exact <= e.hi,
        "P = {exact:.4}, estimate {e:?}"
    );
}

#[test]
fn a_patch_at_t0_on_the_only_path_caps_exposure_at_t0() {
    let extra = "patches: [{id: fix, fixes: [V], deploy_time: 0, restart: none, failure: {probability: 0, rollback_time: 1h}, vendor_certified: true, validated_in_test: true}]\nplans: [{id: fix, actions: [{patch: fix, at: 12d}]}]";
    let model = plant(false, extra);
    let e = p_compromise(&model, 0, 4000);
    let t0 = 12.0 * DAY;
    let exact = hypoexponential_cdf(&[MU, LAMBDA], t0);
    assert!(
        e.lo <= exact && exact <= e.hi,
        "P = {exact:.4} (1 − e^(−λ·t0) = {:.4}), estimate {e:?}",
        1.0 - (-LAMBDA * t0).exp()
    );
}
