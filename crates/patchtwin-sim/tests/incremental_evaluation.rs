//! Incremental evaluation of functions and process units is exact: every plan of the shipped
//! plants, at several seeds, gives the same outcome and the same narrated trace whether
//! `evaluate` reuses cached results or re-evaluates everything. In the forced full mode the
//! engine also checks, at every evaluation, that each cached result it would have reused
//! equals the fresh one (a stale cache panics there, naming the function or unit).

use patchtwin_sim::Replication;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

mod common;

/// Cascade lines seen (function lost or restored, trips, unit restarts), so the comparison is
/// known not to be vacuous.
fn incremental_matches_full(name: &str, seeds: std::ops::Range<u64>) -> usize {
    let model = common::shipped(name);
    let settings = model.run_settings(2_000_000_000);
    let mut cascade = 0;
    for plan in 0..model.scenario.plans.len() {
        for seed in seeds.clone() {
            let rep = |full: bool| {
                let settings = settings.with_full_evaluation(full);
                Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(seed))
                    .with_trace()
                    .run()
            };
            let (inc, inc_trace) = rep(false);
            let (full, full_trace) = rep(true);
            let what = format!("{name}, plan {plan}, seed {seed}");
            assert_eq!(inc.ops, full.ops, "{what}: operations outcome");
            assert_eq!(inc.exposure, full.exposure, "{what}: exposure outcome");
            assert_eq!(inc.events, full.events, "{what}: events");
            assert_eq!(inc_trace, full_trace, "{what}: trace");
            cascade += inc_trace
                .iter()
                .filter(|l| {
                    matches!(
                        l.kind,
                        "function_lost" | "function_restored" | "trip" | "unit_restart"
                    )
                })
                .count();
        }
    }
    cascade
}

#[test]
fn water_treatment_incremental_equals_full() {
    assert!(incremental_matches_full("water-treatment.yaml", 0..6) > 0);
}

#[test]
fn substation_incremental_equals_full() {
    assert!(incremental_matches_full("substation.yaml", 0..6) > 0);
}

#[test]
fn packaging_line_incremental_equals_full() {
    assert!(incremental_matches_full("packaging-line.yaml", 0..6) > 0);
}
