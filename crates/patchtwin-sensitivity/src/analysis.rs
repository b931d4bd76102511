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
//! expected loss is in a cost).
//!
//! **Screening.** When more inputs are asked than `top`, each is first run at its two ends
//! (the two plans only) and only the `top` with the largest swing of the margin are swept in
//! detail; the others are reported with their ends.
//!
//! **EVPI** of an input with equally likely values `v_k`: `min_p mean_k L_p(v_k) −
//! mean_k min_p L_p(v_k)`, where `L_p(v)` is plan `p`'s expected loss at `v` — what knowing
//! the value before choosing saves in expectation. With common random numbers the noise in the
//! differences is small, but the minimum over noisy estimates still biases it slightly
//! upwards.

use crate::inputs::{self, Input, Kind};
use crate::runner::{Runner, Sample};
use crate::{
    BreakEven, Change, EngineInfo, Error, Exceedance, Global, GlobalEffect, InputResult, Metric,
    NotSwept, PlanExceedance, PlanPoint, Point, RangeRule, Sensitivity, SettingsInfo,
};
use patchtwin_model::Scenario;
use std::sync::Arc;

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
    /// Equally likely values per input for EVPI (also sweep points).
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

/// The inputs of `s` with the ranges of `ranges` applied: what `--inputs` may name.
pub fn inputs_with_ranges(
    s: &Scenario,
    ranges: &[(String, f64, f64)],
) -> Result<Vec<Input>, Error> {
    let mut all = inputs::enumerate(s);
    for (name, lo, hi) in ranges {
        inputs::set_range(&mut all, name, *lo, *hi)
            .map_err(|e| Error::BadInput(format!("error: --range: {e}{}", known(&all, name))))?;
    }
    Ok(all)
}

fn known(all: &[Input], name: &str) -> String {
    if all.iter().any(|i| i.name == name) {
        return String::new();
    }
    let near: Vec<&str> = all
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| {
            let stem = |x: &str| x.split(['[', '.']).next().unwrap_or("").to_string();
            stem(n) == stem(name) || n.contains(name)
        })
        .take(8)
        .collect();
    if near.is_empty() {
        format!(
            "; the scenario's inputs: {}",
            all.iter()
                .take(8)
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
                + if all.len() > 8 { ", …" } else { "" }
        )
    } else {
        format!("; inputs like it: {}", near.join(", "))
    }
}

/// The context shared by every sweep.
struct Ctx<'a> {
    base: &'a Scenario,
    runner: &'a Runner,
    all_plans: Vec<usize>,
    rec: usize,
    up: usize,
    metric: Metric,
    done: std::sync::atomic::AtomicU64,
    replications: std::sync::atomic::AtomicU64,
    total: u64,
    progress: Progress<'a>,
}

impl Ctx<'_> {
    fn run(&self, scenario: &Scenario, plans: &[usize]) -> Sample {
        let s = self.runner.sample(scenario, plans);
        self.replications.fetch_add(
            self.runner.runs() * plans.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        (self.progress)(n, self.total.max(n));
        s
    }

    fn point(&self, sample: &Sample, value: f64, role: &str) -> Point {
        let s = self.base;
        let d_dual = sample.d_dual(self.rec, self.up);
        let d_loss = sample.d_loss(self.rec, self.up);
        let margin = match self.metric {
            Metric::DualSuccess => d_dual.mean,
            Metric::ExpectedLoss => -d_loss.mean,
        };
        let score = |p: usize| match self.metric {
            Metric::DualSuccess => sample.p_dual(p).mean,
            Metric::ExpectedLoss => -sample.mean_loss(p),
        };
        // Ties go to the earlier plan in the order run.
        let best = sample
            .plans
            .iter()
            .copied()
            .fold(None::<usize>, |b, p| match b {
                Some(b) if score(b) >= score(p) => Some(b),
                _ => Some(p),
            });
        Point {
            value,
            role: role.into(),
            plans: sample
                .plans
                .iter()
                .map(|&p| PlanPoint {
                    plan: s.plans[p].id.clone(),
                    p_dual_success: sample.p_dual(p).into(),
                    expected_loss: sample.mean_loss(p),
                })
                .collect(),
            d_dual_success: d_dual.into(),
            d_expected_loss: d_loss.into(),
            margin,
            best_plan: best.map(|b| s.plans[b].id.clone()).unwrap_or_default(),
        }
    }

    /// Whether a point's interval clearly favours the recommended plan (`Some(true)`), the
    /// runner-up (`Some(false)`), or neither.
    fn clear(&self, p: &Point) -> Option<bool> {
        let (d, ahead) = match self.metric {
            Metric::DualSuccess => (p.d_dual_success, 1.0),
            Metric::ExpectedLoss => (p.d_expected_loss, -1.0),
        };
        let (lo, hi) = (d.lo * ahead, d.hi * ahead);
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        if lo > 0.0 {
            Some(true)
        } else if hi < 0.0 {
            Some(false)
        } else {
            None
        }
    }
}

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
    let decided = decide(&scenario, summary, run)?;
    analyse_with(scenario, sha256, o, progress, Some(decided))
}

/// The recommended plan, the runner-up (indices into the scenario's plans), the metric the
/// recommendation was decided on, and why.
type Decided = (usize, usize, Metric, String);

fn analyse_with(
    scenario: Arc<Scenario>,
    sha256: &str,
    o: &Options,
    progress: Progress<'_>,
    decided: Option<Decided>,
) -> Result<Sensitivity, Error> {
    let s = &*scenario;
    if s.plans.len() < 2 {
        return Err(Error::BadInput(format!(
            "error: sensitivity compares plans, and scenario `{}` has only {}",
            s.name,
            s.plans.len()
        )));
    }
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
    let detail_runs = (2 + o.evpi_values + 2 * o.bisection_steps) as u64;
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
        evpi_explanation: EVPI_EXPLANATION.into(),
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

/// Morris screening of `inputs` on the decision margin: each design point is the scenario
/// with every input at its point of the range (on its sweep scale), the two plans run on the
/// base's random numbers.
fn morris(ctx: &Ctx<'_>, inputs: &[&Input], o: &Options) -> Global {
    let k = inputs.len();
    let design = crate::global::design(k, o.morris_trajectories, MORRIS_LEVELS, o.seed);
    let values: Vec<Vec<f64>> = design
        .iter()
        .map(|t| {
            t.points
                .iter()
                .map(|x| {
                    let variant = inputs
                        .iter()
                        .zip(x)
                        .fold(ctx.base.clone(), |s, (i, &u)| i.apply(&s, i.at(u)));
                    let sample = ctx.run(&variant, &[ctx.rec, ctx.up]);
                    ctx.point(&sample, f64::NAN, "morris").margin
                })
                .collect()
        })
        .collect();
    let effects = crate::global::effects(k, &design, &values);
    let mut rows: Vec<GlobalEffect> = inputs
        .iter()
        .zip(effects)
        .map(|(i, e)| GlobalEffect {
            name: i.name.clone(),
            label: i.label.clone(),
            effect: e,
        })
        .collect();
    rows.sort_by(|a, b| b.effect.mu_star.total_cmp(&a.effect.mu_star));
    Global {
        method: "morris".into(),
        trajectories: o.morris_trajectories,
        levels: MORRIS_LEVELS,
        evaluations: design.iter().map(|t| t.points.len()).sum(),
        output: format!(
            "margin of {} over {} on {}",
            ctx.base.plans[ctx.rec].id,
            ctx.base.plans[ctx.up].id,
            ctx.metric.name()
        ),
        inputs: rows,
        note: "mu* is how much the margin moves when the input goes over its whole range with the others anywhere in theirs; sigma well above 0 means the effect depends on the other inputs or is not linear.".into(),
    }
}

/// How ranges are set, for the outputs.
pub const RANGES_NOTE: &str = "Each input varies over the default range of its kind unless `--range NAME=LOW..HIGH` sets it; the scenario format has no field for ranges yet. Inputs are varied one at a time, the others held at their scenario values; durations are varied by scaling their whole distribution.";

/// The one-sentence explanation of EVPI.
pub const EVPI_EXPLANATION: &str = "EVPI is the expected loss a committee would save by learning an input's true value (among equally likely values across its range) before choosing a plan, instead of choosing the plan that is best on average; a small EVPI means pinning the input down is not worth much for this decision.";

/// The inputs to sweep: those named (in the order named), or all; degenerate ranges are
/// left out with a reason.
fn select<'a>(
    all: &'a [Input],
    wanted: &[String],
) -> Result<(Vec<&'a Input>, Vec<NotSwept>), Error> {
    let mut chosen = Vec::new();
    if wanted.is_empty() {
        chosen.extend(all.iter());
    } else {
        for w in wanted {
            let Some(i) = all.iter().find(|i| &i.name == w) else {
                return Err(Error::BadInput(format!(
                    "error: --inputs: unknown input `{w}`{}",
                    known(all, w)
                )));
            };
            if !chosen.iter().any(|c: &&Input| c.name == i.name) {
                chosen.push(i);
            }
        }
    }
    let not_swept = chosen
        .iter()
        .filter(|i| i.degenerate())
        .map(|i| NotSwept {
            name: i.name.clone(),
            reason: format!(
                "its range is the single value {} (the default range of a 0 is 0); give one with --range",
                i.base
            ),
        })
        .collect();
    chosen.retain(|i| !i.degenerate());
    Ok((chosen, not_swept))
}

/// The base recommendation (the report's rule on a base run) and its decision metric.
fn recommendation(
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
fn decide(
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

fn change(ctx: &Ctx<'_>, p: &Point) -> Change {
    let find = |plan: usize| {
        let id = &ctx.base.plans[plan].id;
        p.plans
            .iter()
            .find(|x| &x.plan == id)
            .map_or((f64::NAN, f64::NAN), |x| {
                (x.p_dual_success.mean, x.expected_loss)
            })
    };
    let (rd, rl) = find(ctx.rec);
    let (ud, ul) = find(ctx.up);
    Change {
        value: p.value,
        recommended_p_dual_success: rd,
        runner_up_p_dual_success: ud,
        recommended_expected_loss: rl,
        runner_up_expected_loss: ul,
    }
}

/// Sweeps one input: its ends (two plans when screening), or in detail (every plan at the
/// ends and the EVPI values, then bisection).
fn sweep(ctx: &Ctx<'_>, input: &Input, base: &Point, detail: bool, o: &Options) -> InputResult {
    let mut base = base.clone();
    base.value = input.base;
    let pair = [ctx.rec.min(ctx.up), ctx.rec.max(ctx.up)];
    let plans: &[usize] = if detail { &ctx.all_plans } else { &pair };
    let mut points = vec![base];
    let mut evpi_losses: Vec<Vec<f64>> = Vec::new();
    let eval = |value: f64, role: &str, plans: &[usize]| {
        let sample = ctx.run(&input.apply(ctx.base, value), plans);
        let p = ctx.point(&sample, value, role);
        (p, sample)
    };
    for (t, role) in [(0.0, "low"), (1.0, "high")] {
        points.push(eval(input.at(t), role, plans).0);
    }
    if detail {
        let k = o.evpi_values.max(1);
        for j in 0..k {
            let v = input.at((j as f64 + 0.5) / k as f64);
            let (p, sample) = eval(v, "evpi", plans);
            evpi_losses.push(ctx.all_plans.iter().map(|&q| sample.mean_loss(q)).collect());
            points.push(p);
        }
    }
    points.sort_by(|a, b| a.value.total_cmp(&b.value));
    let mut break_even = Vec::new();
    if detail {
        for (a, b) in crossings(&points, input.base) {
            let mut lo = points[a].clone();
            let mut hi = points[b].clone();
            for _ in 0..o.bisection_steps {
                let mid = midpoint(input, lo.value, hi.value);
                let (p, _) = eval(mid, "bisection", &pair);
                if (p.margin >= 0.0) == (lo.margin >= 0.0) {
                    lo = p.clone();
                } else {
                    hi = p.clone();
                }
                points.push(p);
            }
            let value = lo.value + (hi.value - lo.value) * lo.margin / (lo.margin - hi.margin);
            break_even.push((value, lo.value, hi.value));
        }
        points.sort_by(|a, b| a.value.total_cmp(&b.value));
    }
    let break_even: Vec<BreakEven> = break_even
        .into_iter()
        .map(|(v, a, b)| break_even_entry(ctx, &points, input.base, v, a, b))
        .collect();
    let base_margin = points
        .iter()
        .find(|p| p.role == "base")
        .map_or(0.0, |p| p.margin);
    let swing = points
        .iter()
        .map(|p| (p.margin - base_margin).abs())
        .fold(0.0, f64::max);
    let low = points.iter().find(|p| p.role == "low").expect("low is run");
    let high = points
        .iter()
        .find(|p| p.role == "high")
        .expect("high is run");
    let statement = statement(ctx, input, &break_even, detail);
    InputResult {
        name: input.name.clone(),
        label: input.label.clone(),
        kind: input.kind,
        unit: input.unit.clone(),
        base: input.base,
        low: input.low,
        high: input.high,
        range: if input.range_given {
            "given"
        } else {
            "default"
        }
        .into(),
        scale: if input.log_scale() { "log" } else { "linear" }.into(),
        swing,
        at_low: change(ctx, low),
        at_high: change(ctx, high),
        break_even,
        statement,
        evpi: detail.then(|| evpi(&evpi_losses)),
        points,
    }
}

fn midpoint(input: &Input, a: f64, b: f64) -> f64 {
    if input.log_scale() && a > 0.0 && b > 0.0 {
        (a * b).sqrt()
    } else {
        0.5 * (a + b)
    }
}

/// Neighbouring points (indices into `points`, sorted by value) between which the margin
/// changes sign: the nearest to `base` on each side.
fn crossings(points: &[Point], base: f64) -> Vec<(usize, usize)> {
    let ahead = |p: &Point| p.margin >= 0.0;
    let changes: Vec<(usize, usize)> = (1..points.len())
        .filter(|&j| ahead(&points[j - 1]) != ahead(&points[j]))
        .map(|j| (j - 1, j))
        .collect();
    let below = changes
        .iter()
        .rev()
        .find(|(_, b)| points[*b].value <= base)
        .copied();
    let above = changes
        .iter()
        .find(|(a, _)| points[*a].value >= base)
        .copied();
    below.into_iter().chain(above).collect()
}

fn break_even_entry(
    ctx: &Ctx<'_>,
    points: &[Point],
    base: f64,
    value: f64,
    a: f64,
    b: f64,
) -> BreakEven {
    let above = value > base;
    // Clear points on the base side (nearest the crossing) and beyond it.
    let near_side = |p: &&Point| if above { p.value <= a } else { p.value >= b };
    let far_side = |p: &&Point| if above { p.value >= b } else { p.value <= a };
    let nearest = |it: Vec<&Point>| {
        it.into_iter()
            .min_by(|x, y| (x.value - value).abs().total_cmp(&(y.value - value).abs()))
            .map(|p| p.value)
    };
    let here: Vec<&Point> = points
        .iter()
        .filter(near_side)
        .filter(|p| ctx.clear(p) == Some(true))
        .collect();
    let there: Vec<&Point> = points
        .iter()
        .filter(far_side)
        .filter(|p| ctx.clear(p) == Some(false))
        .collect();
    let interval = match (nearest(here), nearest(there)) {
        (Some(x), Some(y)) => Some([x.min(y), x.max(y)]),
        _ => None,
    };
    BreakEven {
        value,
        direction: if above { "above" } else { "below" }.into(),
        bracket: [a.min(b), a.max(b)],
        interval,
    }
}

/// Human-friendly number: 3 significant digits, plain notation.
pub fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn with_unit(x: f64, unit: &str) -> String {
    match unit {
        "probability" => num(x),
        "h" | "days" => format!("{} {unit}", num(x)),
        u => format!("{} {u}", num(x)),
    }
}

fn statement(ctx: &Ctx<'_>, input: &Input, be: &[BreakEven], detail: bool) -> String {
    let (rid, uid) = (&ctx.base.plans[ctx.rec].id, &ctx.base.plans[ctx.up].id);
    let range = format!(
        "{}..{}",
        with_unit(input.low, &input.unit),
        with_unit(input.high, &input.unit)
    );
    if !detail {
        return format!("screened at the ends of {range} only (outside --top)");
    }
    if be.is_empty() {
        return format!("does not flip within the range {range}: {rid} stays ahead of {uid}");
    }
    be.iter()
        .map(|b| {
            format!(
                "{uid} overtakes {rid} {} {}",
                if b.direction == "above" {
                    "above"
                } else {
                    "below"
                },
                with_unit(b.value, &input.unit)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The robustness sentence, from the break-evens nearest the base value.
fn robustness(ctx: &Ctx<'_>, inputs: &[InputResult]) -> String {
    let rid = &ctx.base.plans[ctx.rec].id;
    let uid = &ctx.base.plans[ctx.up].id;
    let conditions: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            i.break_even.iter().map(move |b| {
                format!(
                    "{} {} {}",
                    i.label,
                    if b.direction == "above" {
                        "exceeds"
                    } else {
                        "is below"
                    },
                    with_unit(b.value, &i.unit)
                )
            })
        })
        .collect();
    let detailed = inputs.iter().filter(|i| i.evpi.is_some()).count();
    if conditions.is_empty() {
        format!(
            "{rid} stays best against {uid} on {} across the whole range of every input swept ({detailed}, one at a time).",
            ctx.metric.name()
        )
    } else {
        let list = match conditions.len() {
            1 => conditions[0].clone(),
            n => format!(
                "{} or {}",
                conditions[..n - 1].join(", "),
                conditions[n - 1]
            ),
        };
        format!(
            "{rid} stays best against {uid} on {} unless {list} (one input at a time; {detailed} inputs swept).",
            ctx.metric.name()
        )
    }
}

/// EVPI from expected losses `l[k][p]` at equally likely values `k` for plans `p`.
pub fn evpi(l: &[Vec<f64>]) -> f64 {
    if l.is_empty() || l[0].is_empty() {
        return 0.0;
    }
    let k = l.len() as f64;
    let plans = l[0].len();
    let best_on_average = (0..plans)
        .map(|p| l.iter().map(|row| row[p]).sum::<f64>() / k)
        .fold(f64::INFINITY, f64::min);
    let with_information = l
        .iter()
        .map(|row| row.iter().copied().fold(f64::INFINITY, f64::min))
        .sum::<f64>()
        / k;
    (best_on_average - with_information).max(0.0)
}

/// The empirical exceedance curve `[x, P(loss > x)]` of `losses`: every distinct value when
/// there are at most 101, else the values at 101 evenly spaced ranks.
pub fn exceedance_curve(losses: &[f64]) -> Vec<[f64; 2]> {
    let mut sorted = losses.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let n = losses.len() as f64;
    let xs: Vec<f64> = if sorted.len() <= 101 {
        sorted
    } else {
        (0..=100)
            .map(|j| sorted[j * (sorted.len() - 1) / 100])
            .collect()
    };
    xs.into_iter()
        .map(|x| [x, losses.iter().filter(|&&l| l > x).count() as f64 / n])
        .collect()
}

fn exceedance(s: &Scenario, base: &Sample, tolerance: Option<f64>, appetite: f64) -> Exceedance {
    let plans: Vec<PlanExceedance> = base
        .plans
        .iter()
        .map(|&p| {
            let losses = base.losses(p);
            let est = tolerance.map(|t| {
                let k = losses.iter().filter(|&&l| l > t).count() as u64;
                patchtwin_mc::estimate::wilson(k, losses.len() as u64)
            });
            PlanExceedance {
                plan: s.plans[p].id.clone(),
                curve: exceedance_curve(losses),
                p_exceed_tolerance: est.map(Into::into),
                meets_tolerance: est.map(|e| e.mean <= appetite),
            }
        })
        .collect();
    let sentence = tolerance.map(|t| {
        let meeting: Vec<&str> = plans
            .iter()
            .filter(|p| p.meets_tolerance == Some(true))
            .map(|p| p.plan.as_str())
            .collect();
        let head = format!(
            "At a tolerance of {} {} (loss above it at most {}% of horizons, on the point estimate)",
            num(t),
            s.currency,
            num(100.0 * appetite)
        );
        if meeting.is_empty() {
            format!("{head}, no plan meets it.")
        } else {
            format!("{head}, these plans meet it: {}.", meeting.join(", "))
        }
    });
    Exceedance {
        tolerance,
        appetite,
        plans,
        sentence,
    }
}
