//! Paired differences between every pair of plans (`RunResult::pairwise`): the accumulator
//! gives the mean and Student-t interval worked out by hand for a few replications (and the
//! score interval of a 0/1 difference agrees with McNemar), and on a
//! shipped plant the pairs agree exactly with the per-plan counts and with the differences
//! against the baseline.

use patchtwin_mc::estimate::Estimate;
use patchtwin_mc::{Pairwise, pairs, run};
use patchtwin_scenario::load_file;
use patchtwin_sim::ExposureOutcome;
use patchtwin_sim::{Compiled, OpsOutcome, Outcome};
use std::path::Path;
use std::sync::Arc;

mod common;

/// One replication's outcome: compromised or not, with that impact cost; `trips` unplanned
/// trips costing `downtime_cost`.
fn outcome(compromised: bool, impact_cost: f64, trips: u32, downtime_cost: f64) -> Outcome {
    Outcome {
        flows: vec![],
        flows_after: vec![],
        link_messages: vec![],
        ops: OpsOutcome {
            trips,
            downtime_ns: u64::from(trips) * 3_600_000_000_000,
            downtime_cost,
            ..OpsOutcome::default()
        },
        exposure: ExposureOutcome {
            compromised_at: compromised.then_some(86_400_000_000_000),
            impact_cost,
            ..ExposureOutcome::default()
        },
        saturated: vec![],
        events: 0,
        mean_pending: 0.0,
    }
}

fn close(e: Estimate, mean: f64, lo: f64, hi: f64, tol: f64) -> bool {
    (e.mean - mean).abs() < 1e-12 && (e.lo - lo).abs() < tol && (e.hi - hi).abs() < tol
}

#[test]
fn five_replications_give_the_hand_calculated_mean_and_t_interval() {
    // Replication by replication, plan A and plan B from the same stream:
    //   i  A                      B                      Δ dual  Δ loss
    //   0  clean                  compromised (1000)       +1    −1000
    //   1  one trip (200)         one trip (200)            0        0
    //   2  clean                  one trip (500)           +1     −500
    //   3  compromised (3000)     compromised (2500)        0     +500
    //   4  clean                  clean                     0        0
    let a = [
        outcome(false, 0.0, 0, 0.0),
        outcome(false, 0.0, 1, 200.0),
        outcome(false, 0.0, 0, 0.0),
        outcome(true, 3000.0, 0, 0.0),
        outcome(false, 0.0, 0, 0.0),
    ];
    let b = [
        outcome(true, 1000.0, 0, 0.0),
        outcome(false, 0.0, 1, 200.0),
        outcome(false, 0.0, 1, 500.0),
        outcome(true, 2500.0, 0, 0.0),
        outcome(false, 0.0, 0, 0.0),
    ];
    let mut w = Pairwise::default();
    for (x, y) in a.iter().zip(&b) {
        w.push(x, y);
    }
    // Δ dual: 1, 0, 1, 0, 0 → mean 0.4; s² = (2 − 5·0.4²) / 4 = 0.3; se = √(0.3/5) = 0.244949;
    // t(0.975, 4 df) = 2.776445 (tables: 2.776) → half-width 0.680087.
    let d = w.d_dual_success.estimate();
    assert!(close(d, 0.4, 0.4 - 0.680087, 0.4 + 0.680087, 1e-5), "{d:?}");
    // Δ loss: −1000, 0, −500, +500, 0 → mean −200; s² = (1.5e6 − 5·200²) / 4 = 325,000;
    // se = √65,000 = 254.9510 → half-width 2.776445 · 254.9510 = 707.8574.
    let d = w.d_loss.estimate();
    assert!(close(d, -200.0, -907.8574, 507.8574, 1e-3), "{d:?}");
    // Δ compromise: −1, 0, 0, 0, 0 → mean −0.2; s² = (1 − 5·0.04) / 4 = 0.2; se = 0.2;
    // half-width 0.555289.
    let d = w.d_compromise.estimate();
    assert!(close(d, -0.2, -0.755289, 0.355289, 1e-5), "{d:?}");
    // What the summary reports for these 0/1 differences is the score interval
    // (`Moments::paired_proportion_estimate`): 2 discordant runs one way, none the other, in 5
    // is no clear difference (McNemar: (2 − 0)² / 2 = 2 < 1.96²), and 1 of 5 neither.
    let d = w.d_dual_success.paired_proportion_estimate();
    assert!(d.mean == 0.4 && d.lo < 0.0 && d.hi > 0.4, "{d:?}");
    let d = w.d_compromise.paired_proportion_estimate();
    assert!(d.mean == -0.2 && d.lo < -0.2 && d.hi > 0.0, "{d:?}");
    // Δ trip: 0, 0, −1, 0, 0 (the same as Δ compromise, at replication 2).
    assert_eq!(w.d_trip.estimate(), w.d_compromise.estimate());
    // Δ downtime hours: 0, 0, −1, 0, 0.
    assert_eq!(w.d_downtime_h.sum, -1_000_000);

    // The other orientation is the exact negation.
    let mut back = Pairwise::default();
    for (x, y) in a.iter().zip(&b) {
        back.push(y, x);
    }
    let (f, r) = (w.d_loss.estimate(), back.d_loss.estimate());
    assert_eq!((r.mean, r.lo, r.hi), (-f.mean, -f.hi, -f.lo));
}

#[test]
fn pairs_are_every_earlier_plan_against_every_later_one() {
    assert_eq!(pairs(0).count(), 0);
    assert_eq!(pairs(1).count(), 0);
    assert_eq!(
        pairs(4).collect::<Vec<_>>(),
        [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    );
}

#[test]
fn pairs_of_a_run_agree_with_the_plans_and_the_baseline_comparisons() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ews-actively-exploited.yaml");
    let model = Compiled::new(Arc::new(
        load_file(&path)
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario,
    ));
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    assert!(plans.len() >= 3, "needs two plans besides the baseline");
    let settings = common::mc_settings(60, 11, 100_000_000);
    let r = run(&model, &plans, settings, &|_| {}).expect("run");
    let k = plans.len();
    assert_eq!(r.pairwise.len(), k * (k - 1) / 2);
    let unit = 1_000_000i128; // one replication's 0/1 indicator in Moments units
    let mut distinct = 0;
    for (w, (a, b)) in r.pairwise.iter().zip(pairs(k)) {
        assert_eq!((&w.plan_a, &w.plan_b), (&r.plans[a].plan, &r.plans[b].plan));
        assert_eq!(w.d_dual_success.n, settings.runs);
        // Δ dual success summed over replications is the difference of the two plans' counts.
        let (pa, pb) = (&r.plans[a].exposure, &r.plans[b].exposure);
        assert_eq!(
            w.d_dual_success.sum,
            (i128::from(pa.runs_dual_success) - i128::from(pb.runs_dual_success)) * unit,
            "{} − {}",
            w.plan_a,
            w.plan_b
        );
        assert_eq!(
            w.d_compromise.sum,
            (i128::from(pa.runs_compromised) - i128::from(pb.runs_compromised)) * unit
        );
        // Against the baseline, the pair is the baseline comparison turned round, bit for bit.
        if a == 0 {
            let c = &r.comparisons[b - 1];
            assert_eq!((&c.plan_a, &c.plan_b), (&w.plan_b, &w.plan_a));
            for (x, y) in [
                (&w.d_dual_success, &c.d_dual_success),
                (&w.d_loss, &c.d_loss),
                (&w.d_compromise, &c.d_compromise),
                (&w.d_trip, &c.d_trip),
                (&w.d_downtime_h, &c.d_downtime_h),
            ] {
                assert_eq!((x.n, x.sum, x.sumsq), (y.n, -y.sum, y.sumsq));
            }
        } else {
            // Between two alternatives: (a − base) − (b − base), exact for 0/1 indicators.
            let (ca, cb) = (&r.comparisons[a - 1], &r.comparisons[b - 1]);
            assert_eq!(
                w.d_dual_success.sum,
                ca.d_dual_success.sum - cb.d_dual_success.sum
            );
            assert_eq!(w.d_trip.sum, ca.d_trip.sum - cb.d_trip.sum);
            distinct += usize::from(!w.d_dual_success.sumsq.is_zero());
        }
    }
    assert!(
        distinct > 0,
        "no two alternatives ever differed on dual success: the test compares nothing"
    );
}
