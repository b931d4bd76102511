//! The base recommendation: the report's rule (`patchtwin_report::summary`) on a
//! `patchtwin_mc::run` of every plan, or on a run already made (`run --sensitivity`), and the
//! metric it was decided on against the runner-up (P(dual success) when the paired interval
//! excludes 0, else expected loss).
//!
//! Not here: the sweeps.

use super::*;

/// The base recommendation (the report's rule on a base run) and its decision metric.
pub(super) fn recommendation(
    scenario: &Arc<Scenario>,
    sha256: &str,
    o: &Options,
    runner: &Runner,
) -> Result<(usize, usize, Metric, String), Error> {
    let s = &**scenario;
    let model = patchtwin_sim::Compiled::new(scenario.clone());
    let plans: Vec<usize> = (0..s.plans.len()).collect();
    let settings = patchtwin_mc::McSettings {
        runs: runner.runs(),
        seed: o.seed,
        threads: o.threads,
        observe_ns: o.observe_ns,
    };
    let run = patchtwin_mc::run(&model, &plans, settings, &|_| {})
        .map_err(|e| Error::Run(e.to_string()))?;
    let summary = patchtwin_report::summary(
        s,
        sha256,
        patchtwin_report::SettingsInfo {
            runs: runner.runs(),
            seed: o.seed,
            horizon_s: s.horizon.as_secs_f64(),
            observe_s: o.observe_ns as f64 / 1e9,
            stop: String::new(),
        },
        patchtwin_report::EngineInfo {
            events: 0,
            wall_s: 0.0,
            threads: o.threads,
        },
        &run,
    );
    decide(s, &summary, &run)
}

/// The recommendation of a run's `summary` (of `run`, whose plans may be in any order) as
/// indices into `s`'s plans, and the metric it was decided on.
pub(super) fn decide(
    s: &Scenario,
    summary: &patchtwin_report::Summary,
    run: &patchtwin_mc::RunResult,
) -> Result<Decided, Error> {
    let r = summary
        .recommendation
        .as_ref()
        .ok_or_else(|| Error::Run("no recommendation: no plan ran".into()))?;
    let ix = |id: &str| s.plans.iter().position(|p| p.id == id);
    let rec = ix(&r.plan).ok_or_else(|| Error::Run("recommended plan not found".into()))?;
    let up = r
        .runner_up
        .as_deref()
        .and_then(ix)
        .ok_or_else(|| Error::BadInput("error: sensitivity needs a runner-up plan".into()))?;
    // The pair's place among the run's pairs (its plans in the order run).
    let at = |id: &str| run.plans.iter().position(|p| p.plan == id);
    let (ra, rb) = at(&r.plan)
        .zip(r.runner_up.as_deref().and_then(at))
        .ok_or_else(|| Error::Run("the recommended plans are not in the run".into()))?;
    let (a, b) = (ra.min(rb), ra.max(rb));
    let k = patchtwin_mc::pairs(run.plans.len())
        .position(|p| p == (a, b))
        .expect("every pair is in the run");
    let mut d = run.pairwise[k].d_dual_success.paired_proportion_estimate();
    if ra > rb {
        d = patchtwin_mc::estimate::Estimate {
            mean: -d.mean,
            lo: -d.hi,
            hi: -d.lo,
        };
    }
    let (rid, uid) = (&s.plans[rec].id, &s.plans[up].id);
    Ok(if d.lo > 0.0 {
        (
            rec,
            up,
            Metric::DualSuccess,
            format!(
                "{rid} is clearly ahead of {uid} on P(dual success) (paired difference {:+.1} points, 95% [{:+.1}, {:+.1}]), so the recommendation flips where that lead reaches 0",
                100.0 * d.mean,
                100.0 * d.lo,
                100.0 * d.hi
            ),
        )
    } else {
        (
            rec,
            up,
            Metric::ExpectedLoss,
            format!(
                "{rid} and {uid} cannot be told apart on P(dual success) (paired difference {:+.1} points, 95% [{:+.1}, {:+.1}]), so expected loss decides and the recommendation flips where {uid}'s expected loss falls below {rid}'s",
                100.0 * d.mean,
                100.0 * d.lo,
                100.0 * d.hi
            ),
        )
    })
}
