//! Common random numbers pay: on the shipped plants, the paired interval of a plan's
//! difference against the baseline is narrower than the unpaired interval built from the two
//! plans' separate estimates.

use patchtwin_mc::run;
use patchtwin_scenario::load_file;
use patchtwin_sim::Compiled;
use std::path::Path;
use std::sync::Arc;

mod common;

#[test]
fn paired_intervals_are_narrower_than_unpaired_ones() {
    let mut compared = 0;
    for name in [
        "ews-actively-exploited",
        "water-treatment",
        "substation",
        "packaging-line",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios")
            .join(format!("{name}.yaml"));
        let model = Compiled::new(Arc::new(
            load_file(&path)
                .unwrap_or_else(|d| panic!("{}", d.render()))
                .scenario,
        ));
        let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
        let settings = common::mc_settings(300, 3, 100_000_000);
        let r = run(&model, &plans, settings, &|_| {}).expect("run");
        let base = &r.plans[0].exposure;
        for (c, p) in r.comparisons.iter().zip(&r.plans[1..]) {
            // Unpaired: the two Wilson half-widths combined as independent estimates.
            let half = |e: patchtwin_mc::estimate::Estimate| (e.hi - e.lo) / 2.0;
            let unpaired = (half(base.p_compromise()).powi(2)
                + half(p.exposure.p_compromise()).powi(2))
            .sqrt();
            let d = c.d_compromise.estimate();
            let paired = (d.hi - d.lo) / 2.0;
            if unpaired < 1e-9 {
                continue; // both plans certain: nothing to compare
            }
            assert!(
                paired < unpaired,
                "{name}/{}: paired ±{paired:.4} vs unpaired ±{unpaired:.4}",
                c.plan_a
            );
            compared += 1;
        }
    }
    assert!(
        compared >= 8,
        "only {compared} comparisons had anything to compare"
    );
}
