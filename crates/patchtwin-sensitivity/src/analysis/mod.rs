//! The analysis: the base recommendation, one-at-a-time sweeps, break-evens by bisection,
//! EVPI and loss exceedance, all from runs on common random numbers.
//!
//! **Decision metric.** The report's rule ranks plans by P(dual success) and, between plans
//! it cannot tell apart on it, by expected loss. So the recommendation is "decided on" P(dual
//! success) when the paired 95% interval of the recommended plan's lead over the runner-up
//! excludes 0, and on expected loss otherwise; the break-even is where that metric's paired
//! difference (the *margin*, positive while the recommended plan is ahead) changes sign.
//!
//! **Sweep.** Each input is evaluated, every plan, at the ends of its range and at
//! `evpi_values` equally likely values (midpoints of equal-probability bins of a uniform
//! distribution over the range on its sweep scale — log-uniform for multiplicative inputs).
//! Between two neighbouring values where the margin changes sign, `bisection_steps` halvings
//! (running only the two plans) narrow the bracket; the break-even is the linear interpolation
//! of the margin in the final bracket (exact when the margin is linear in the input, as the
//! expected loss is in a cost), and every plan is run again at the break-even.
//!
//! **Screening.** When more inputs are asked than `top`, each is first run at its two ends
//! (the two plans only) and only the `top` with the largest swing of the margin are swept in
//! detail; the others are reported with their ends.
//!
//! **EVPI** of an input uniformly likely over its range on the sweep's scale: `min_p ∫ L_p −
//! ∫ min_p L_p`, where `L_p` is plan `p`'s expected loss, interpolated linearly between the
//! values where every plan was run — the ends, the `evpi_values` midpoints and every
//! break-even, so a narrow flip region is a node, not a gap between midpoints — what knowing
//! the value before choosing saves in expectation. EVPI is always on expected loss; when the
//! break-evens are on P(dual success) the explanation says so. With common random numbers the
//! noise in the differences is small, but the minimum over noisy estimates still biases it
//! slightly upwards.
//!
//! Submodules by concern: `select` (which inputs), `decide` (the base recommendation and its
//! metric), `context` (the shared `Ctx`: running a variant, a point's metrics), `sweep` (one
//! input: ends, EVPI values, bisection, break-even and its interval), `evpi`, `exceedance`
//! (loss exceedance of the base runs), `morris` (global screening on the analysis's runs) and
//! `words` (statements and the robustness sentence). This module holds the options and wires
//! them together (`analyse`, `analyse_run`).

use crate::inputs::{self, Input, Kind};
use crate::runner::{Runner, Sample};
use crate::{
    BreakEven, Change, EngineInfo, Error, Exceedance, Global, GlobalEffect, InputResult, Metric,
    NotSwept, PlanExceedance, PlanPoint, Point, RangeRule, Sensitivity, SettingsInfo,
};
use patchtwin_model::Scenario;
use std::sync::Arc;

mod context;
mod decide;
mod evpi;
mod exceedance;
mod morris;
mod select;
mod sweep;
mod words;

use context::{Ctx, change};
use decide::{decide, recommendation};
pub use evpi::evpi;
use exceedance::exceedance;
pub use exceedance::exceedance_curve;
use morris::morris;
pub use select::inputs_with_ranges;
use select::select;
use sweep::sweep;
pub use words::num;
use words::{robustness, statement};

/// What to analyse and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Replications per plan and variant.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Observation window for message-level timing (ns).
    pub observe_ns: u64,
    /// Input names to sweep (empty: every input).
    pub inputs: Vec<String>,
    /// Ranges given on the command line: (name, low, high).
    pub ranges: Vec<(String, f64, f64)>,
    /// Inputs swept in detail at most.
    pub top: usize,
    /// Bisection steps per break-even.
    pub bisection_steps: usize,
    /// Values inside each range (midpoints of equal bins) at which every plan is run: sweep
    /// points and, with the ends and the break-evens, EVPI's nodes.
    pub evpi_values: usize,
    /// Loss tolerance for exceedance.
    pub tolerance: Option<f64>,
    /// Largest acceptable P(loss > tolerance).
    pub appetite: f64,
    /// The metric whose break-even is sought (`--metric`); `None`: the one the
    /// recommendation was decided on.
    pub metric: Option<Metric>,
    /// Morris trajectories over the inputs swept in detail (0: no global screening).
    pub morris_trajectories: usize,
}

/// Grid points per input of the Morris design.
pub const MORRIS_LEVELS: usize = 4;

/// Progress: variants finished, and the most that will run.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Runs the analysis of `scenario` (loaded from a file with SHA-256 `sha256`).
pub fn analyse(
    scenario: Arc<Scenario>,
    sha256: &str,
    o: &Options,
    progress: Progress<'_>,
) -> Result<Sensitivity, Error> {
    analyse_with(scenario, sha256, o, progress, None)
}

/// As [`analyse`], for a run already made (`patchtwin run --sensitivity`): the recommended
/// plan, the runner-up and the decision metric are the run's (`summary` and `run` of every
/// plan of `scenario`, in scenario order), so the analysis explains the recommendation the
/// report makes.
pub fn analyse_run(
    scenario: Arc<Scenario>,
    sha256: &str,
    o: &Options,
    progress: Progress<'_>,
    summary: &patchtwin_report::Summary,
    run: &patchtwin_mc::RunResult,
) -> Result<Sensitivity, Error> {
    two_plans(&scenario)?;
    let decided = decide(&scenario, summary, run)?;
    analyse_with(scenario, sha256, o, progress, Some(decided))
}

/// Sensitivity compares plans: at least two.
fn two_plans(s: &Scenario) -> Result<(), Error> {
    if s.plans.len() < 2 {
        return Err(Error::BadInput(format!(
            "error: sensitivity compares plans, and scenario `{}` has only {}",
            s.name,
            s.plans.len()
        )));
    }
    Ok(())
}

/// The recommended plan, the runner-up (indices into the scenario's plans), the metric the
/// recommendation was decided on, and why.
type Decided = (usize, usize, Metric, String);

pub(super) fn analyse_with(
    scenario: Arc<Scenario>,
    sha256: &str,
    o: &Options,
    progress: Progress<'_>,
    decided: Option<Decided>,
) -> Result<Sensitivity, Error> {
    let s = &*scenario;
    two_plans(s)?;
    if o.runs < 2 {
        return Err(Error::BadInput(
            "error: --runs must be at least 2 (intervals need two replications)".into(),
        ));
    }
    let all = inputs_with_ranges(s, &o.ranges)?;
    let (chosen, not_swept) = select(&all, &o.inputs)?;
    let runner = Runner::new(o.runs, o.seed, o.threads, o.observe_ns).map_err(Error::Run)?;
    let all_plans: Vec<usize> = (0..s.plans.len()).collect();
    let (rec, up, decided, mut reason) = match decided {
        Some(d) => d,
        None => recommendation(&scenario, sha256, o, &runner)?,
    };
    let metric = o.metric.unwrap_or(decided);
    if metric != decided {
        reason = format!(
            "{reason}; break-evens are sought on {} instead, as asked (--metric)",
            metric.name()
        );
    }
    let screen = chosen.len() > o.top;
    // Ends, EVPI values, and per break-even (at most two) its bisection and its node.
    let detail_runs = (2 + o.evpi_values + 2 * (o.bisection_steps + 1)) as u64;
    let total = 1
        + if screen { 2 * chosen.len() as u64 } else { 0 }
        + detail_runs * chosen.len().min(o.top) as u64
        + (o.morris_trajectories * (chosen.len().min(o.top) + 1)) as u64;
    let ctx = Ctx {
        base: s,
        runner: &runner,
        all_plans,
        rec,
        up,
        metric,
        done: 0.into(),
        replications: 0.into(),
        total,
        progress,
    };
    let base_sample = ctx.run(s, &ctx.all_plans);
    let base_point = ctx.point(&base_sample, f64::NAN, "base");
    let mut results: Vec<InputResult> = Vec::new();
    let detailed: Vec<&Input> = if screen {
        let mut screened: Vec<(f64, InputResult)> = chosen
            .iter()
            .map(|i| {
                let r = sweep(&ctx, i, &base_point, false, o);
                (r.swing, r)
            })
            .collect();
        screened.sort_by(|a, b| b.0.total_cmp(&a.0));
        let keep: Vec<String> = screened
            .iter()
            .take(o.top)
            .map(|r| r.1.name.clone())
            .collect();
        results.extend(screened.into_iter().skip(o.top).map(|r| r.1));
        chosen
            .iter()
            .copied()
            .filter(|i| keep.contains(&i.name))
            .collect()
    } else {
        chosen
    };
    let mut swept: Vec<InputResult> = detailed
        .iter()
        .map(|i| sweep(&ctx, i, &base_point, true, o))
        .collect();
    let global =
        (o.morris_trajectories > 0 && !detailed.is_empty()).then(|| morris(&ctx, &detailed, o));
    swept.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    swept.extend(results);
    let robustness = robustness(&ctx, &swept);
    let variants = ctx.done.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Sensitivity {
        format: crate::FORMAT.into(),
        scenario: s.name.clone(),
        scenario_sha256: sha256.into(),
        currency: s.currency.clone(),
        settings: SettingsInfo {
            runs: o.runs,
            seed: o.seed,
            observe_s: o.observe_ns as f64 / 1e9,
            bisection_steps: o.bisection_steps,
            evpi_values: o.evpi_values,
            top: o.top,
        },
        recommended: s.plans[rec].id.clone(),
        runner_up: s.plans[up].id.clone(),
        decision_metric: metric,
        decision_metric_reason: reason,
        default_ranges: [Kind::Probability, Kind::Duration, Kind::Cost, Kind::Rate]
            .into_iter()
            .map(|k| RangeRule {
                kind: k,
                range: k.default_range_text().into(),
            })
            .collect(),
        ranges_note: RANGES_NOTE.into(),
        inputs: swept,
        not_swept,
        robustness,
        evpi_explanation: evpi_explanation(metric),
        exceedance: exceedance(s, &base_sample, o.tolerance, o.appetite),
        global,
        engine: EngineInfo {
            variants,
            replications: ctx.replications.load(std::sync::atomic::Ordering::Relaxed),
            wall_s: 0.0,
            threads: o.threads,
        },
    })
}

/// How ranges are set, for the outputs.
pub const RANGES_NOTE: &str = "Each input varies over the range the scenario gives it (`sensitivity.ranges`), else the default range of its kind; `--range NAME=LOW..HIGH` on the command line overrides both, and every input says where its range came from. Inputs are varied one at a time, the others held at their scenario values; durations are varied by scaling their whole distribution.";

/// The one-sentence explanation of EVPI.
pub const EVPI_EXPLANATION: &str = "EVPI is the expected loss a committee would save by learning an input's true value (any value across its range equally likely) before choosing a plan, instead of choosing the plan that is best on average; a small EVPI means pinning the input down is not worth much for this decision.";

/// EVPI explained, and, when the break-evens are on P(dual success), what each number is
/// about: EVPI is on expected loss, so a flip with an EVPI of 0 is no contradiction.
pub fn evpi_explanation(metric: Metric) -> String {
    match metric {
        Metric::ExpectedLoss => EVPI_EXPLANATION.into(),
        Metric::DualSuccess => format!(
            "{EVPI_EXPLANATION} Here the break-evens are on P(dual success), the metric the recommendation was decided on, while EVPI is on expected loss: an input can flip the recommendation with an EVPI near 0 (knowing it changes which plan succeeds more often, not the loss to expect), and the other way round."
        ),
    }
}
