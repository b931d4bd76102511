//! `summary.json`'s loss exceedance against the empirical loss distribution computed
//! independently: the curve and P(loss > tolerance) that `patchtwin_report::appetite` reads off
//! `patchtwin_mc::run`'s exact loss counts equal those of the per-replication losses of
//! `runner::Runner`, which runs the same replications one by one (same streams) and keeps each
//! loss. The report's loss exceedance chart (`patchtwin_report::charts::exceedance_steps`)
//! draws that same empirical distribution.

use patchtwin_sensitivity::runner::Runner;
use std::sync::Arc;

#[test]
fn run_loss_exceedance_is_the_empirical_distribution_of_the_replications() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/ews-actively-exploited.yaml");
    let s = patchtwin_scenario::load_file(&path)
        .expect("shipped scenario loads")
        .scenario;
    let appetite = s
        .risk_appetite
        .clone()
        .expect("the ews plant states an appetite");
    let runs = 60;
    let plans: Vec<usize> = (0..s.plans.len()).collect();
    let model = patchtwin_sim::Compiled::new(Arc::new(s.clone()));
    let settings = patchtwin_mc::McSettings {
        runs,
        seed: 11,
        threads: 2,
        observe_ns: 1_000_000,
    };
    let run = patchtwin_mc::run(&model, &plans, settings, &|_| {}).expect("runs");
    let le = patchtwin_report::appetite::derive(&s, &run);
    let sample = Runner::new(runs, 11, 2, 1_000_000)
        .unwrap()
        .sample(&s, &plans);
    for (&p, e) in plans.iter().zip(&le.plans) {
        let mut losses = sample.losses(p).to_vec();
        losses.sort_by(f64::total_cmp);
        // The empirical curve by hand: at each distinct loss x, the share of losses above x.
        let mut expected: Vec<[f64; 2]> = Vec::new();
        for &x in &losses {
            if expected.last().is_none_or(|l| l[0] != x) {
                let above = losses.iter().filter(|&&y| y > x).count();
                expected.push([x, above as f64 / runs as f64]);
            }
        }
        assert_eq!(e.curve, expected, "plan {}", s.plans[p].id);
        // The report's chart draws the same distribution: its steps, built from the curve,
        // give at every vertex and between vertices the share of replications whose loss
        // exceeds x, counted here one by one.
        let top = losses.last().copied().unwrap_or(0.0) * 1.1 + 1.0;
        let steps = patchtwin_report::charts::exceedance_steps(&e.curve, 0.0, top);
        let empirical = |x: f64| losses.iter().filter(|&&y| y > x).count() as f64 / runs as f64;
        // Horizontal segments (vertical ones are the drops at a loss).
        for w in steps.windows(2).filter(|w| w[0].0 < w[1].0) {
            let mid = 0.5 * (w[0].0 + w[1].0);
            assert_eq!(w[0].1, empirical(w[0].0), "plan {}: {w:?}", s.plans[p].id);
            assert_eq!(w[0].1, empirical(mid), "flat between losses: {w:?}");
        }
        for &x in &losses {
            assert_eq!(
                patchtwin_report::charts::exceedance_at(&e.curve, x),
                empirical(x)
            );
        }
        let k = losses.iter().filter(|&&y| y > appetite.tolerance).count();
        let est = e
            .p_exceed_tolerance
            .expect("an appetite gives P(loss > tolerance)");
        assert_eq!(est.mean, k as f64 / runs as f64);
        assert!(est.lo <= est.mean && est.mean <= est.hi);
        assert_eq!(e.meets_appetite, Some(est.mean <= appetite.max_probability));
        let m = losses
            .iter()
            .filter(|&&y| y > appetite.materiality.unwrap())
            .count();
        assert_eq!(e.p_exceed_materiality.unwrap().mean, m as f64 / runs as f64);
    }
    let sentence = &le.appetite.as_ref().unwrap().sentence;
    let meeting: Vec<&str> = le
        .plans
        .iter()
        .filter(|p| p.meets_appetite == Some(true))
        .map(|p| p.plan.as_str())
        .collect();
    if meeting.is_empty() {
        assert!(
            sentence.starts_with("No plan meets the risk appetite"),
            "{sentence}"
        );
    } else {
        assert!(meeting.iter().all(|id| sentence.contains(id)), "{sentence}");
    }
}
