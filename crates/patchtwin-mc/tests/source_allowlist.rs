//! Source allowlists against closed forms: the run's attacker is admitted once per path per
//! run (with the allowlist's residual share), so P(compromise) through an allowlisted path is
//! the residual share times P(compromise) through the open path — not what a per-attempt
//! miss chance gives, which repeated attempts wear down.

use patchtwin_mc::run;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::Compiled;
use std::sync::Arc;

mod common;

fn compile(yaml: &str) -> Compiled {
    match load_str(yaml, "source-allowlist.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

/// A vendor gateway `gw` in `it` is itself the target; attempts arrive at its entry point
/// every 2 days on average (Poisson) and each gets a foothold with probability 0.05.
fn gateway_target(controls: &str, plans: &str) -> Compiled {
    compile(&format!(
        r#"
name: source-allowlist-entry
horizon: 30d
zones: [{{id: it, purdue_level: 4}}]
assets:
  - {{id: gw, zone: it, model: remote-access-gateway}}
threat:
  entry_points: [{{id: vpn, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 2d, foothold_probability: 0.05}}]
  targets: [{{asset: gw}}]
controls:
{controls}
plans:
{plans}
"#
    ))
}

fn p_compromise(
    model: &Compiled,
    plans: &[usize],
    runs: u64,
) -> Vec<patchtwin_mc::estimate::Estimate> {
    let settings = common::mc_settings(runs, 17, 1_000_000);
    run(model, plans, settings, &|_| {})
        .expect("run")
        .plans
        .iter()
        .map(|p| p.exposure.p_compromise())
        .collect()
}

/// Hand calculation: footholds on the open gateway are a thinned Poisson process of rate
/// λp = 0.05 / 2 d, so P(compromise within 30 d) = 1 − e^(−0.75) ≈ 0.528. A source allowlist
/// admitting a share r = 0.2 of attackers (spoofed or insider) gives r × that ≈ 0.106; a
/// restriction letting 20% of *attempts* through would give 1 − e^(−0.15) ≈ 0.139, which the
/// estimate must exclude.
#[test]
fn an_entry_allowlist_admits_the_residual_share_of_attackers_once_per_run() {
    let model = gateway_target(
        "  - {id: vendor-only, kind: source_allowlist, entry_point: vpn, residual: 0.2}\n  \
         - {id: per-attempt, kind: remote_access_restriction, entry_point: vpn, residual: 0.2}",
        "  - {id: open}\n  - {id: allowlisted, actions: [{control: vendor-only, at: 0d}]}\n  \
         - {id: restricted, actions: [{control: per-attempt, at: 0d}]}",
    );
    let got = p_compromise(&model, &[0, 1, 2], 6000);
    let open = 1.0 - (-0.75f64).exp();
    let allowlisted = 0.2 * open;
    let per_attempt = 1.0 - (-0.15f64).exp();
    for (e, want, what) in [
        (got[0], open, "open"),
        (got[1], allowlisted, "allowlisted"),
        (got[2], per_attempt, "per-attempt restriction"),
    ] {
        assert!(
            e.lo <= want && want <= e.hi,
            "{what}: P(compromise) {want:.4} expected, estimate {e:?}"
        );
    }
    assert!(
        got[1].hi < per_attempt,
        "the allowlist must not act per attempt: {:?} vs {per_attempt:.4}",
        got[1]
    );
}

/// A foothold on `gw` in `it` comes within the hour (attempts every hour, certain foothold);
/// the target `plc` in `ot` is one exploit (TTC 1 d, constant) across the conduit `it-ot`.
fn conduit_plant(residual: f64) -> Compiled {
    compile(&format!(
        r#"
name: source-allowlist-conduit
horizon: 30d
zones: [{{id: it, purdue_level: 4}}, {{id: ot, purdue_level: 2}}]
conduits: [{{id: it-ot, zones: [it, ot], protocols: [svc]}}]
assets:
  - {{id: gw, zone: it, model: remote-access-gateway}}
  - {{id: plc, zone: ot, model: fast-plc}}
vulnerabilities:
  - {{id: V, affects: {{assets: [plc]}}, service: svc, ttc: 1d}}
threat:
  entry_points: [{{id: vpn, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 1h}}]
  targets: [{{asset: plc}}]
controls:
  - {{id: historian-only, kind: source_allowlist, conduit: it-ot, residual: {residual}}}
plans:
  - {{id: open}}
  - {{id: allowlisted, actions: [{{control: historian-only, at: 0d}}]}}
"#
    ))
}

/// Hand calculation: through the open conduit the PLC falls in every run (foothold within
/// hours, then one day); with the conduit's source allowlist admitting a share r of
/// attackers, P(compromise) = r × 1 (to within e^(−29·24), nothing). Exposure follows the rule:
/// a positive share keeps the pair exposed all 30 days; a share of 0 closes the path.
#[test]
fn a_conduit_allowlist_admits_the_residual_share_and_exposure_follows_the_rule() {
    let model = conduit_plant(0.3);
    let got = p_compromise(&model, &[0, 1], 3000);
    assert_eq!(got[0].mean, 1.0, "open conduit: {:?}", got[0]);
    assert!(
        got[1].lo <= 0.3 && 0.3 <= got[1].hi,
        "allowlisted conduit: P(compromise) 0.3 expected, estimate {:?}",
        got[1]
    );
    let exposure = |model: &Compiled| -> Vec<f64> {
        run(
            model,
            &[0, 1],
            common::mc_settings(20, 3, 1_000_000),
            &|_| {},
        )
        .expect("run")
        .plans
        .iter()
        .map(|p| p.exposure.exposure_days.mean())
        .collect()
    };
    assert_eq!(exposure(&model), vec![30.0, 30.0]);
    let closed = conduit_plant(0.0);
    assert_eq!(exposure(&closed), vec![30.0, 0.0]);
    assert_eq!(p_compromise(&closed, &[1], 200)[0].mean, 0.0);
}
