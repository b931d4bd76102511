//! Loss exceedance and the risk appetite: per plan, the empirical loss exceedance curve
//! P(loss > x) over the same replications as every other result, and — when the scenario
//! states a `risk_appetite` — P(loss > tolerance) and P(loss > materiality) with Wilson
//! intervals, whether the plan meets the appetite, and one sentence in plain words naming
//! the plans that meet it or saying that none does. `summary.json` carries it as
//! `loss_exceedance`; `section` renders it for report.md/html, with the chart
//! (`charts::exceedance`).
//!
//! A plan **meets** the appetite when its estimate of P(loss > tolerance) is at most
//! `max_probability`; the sentence adds whether the 95 % interval's upper end is below it too
//! (clearly meets) or not (more runs would tell).
//!
//! Not here: running, the loss itself (downtime cost plus impact cost per replication, as
//! `expected_loss`; counted exactly by `patchtwin_mc::ExposureAcc`).

use crate::Est;
use crate::format::{money, pct_ci};
use patchtwin_mc::RunResult;
use patchtwin_mc::estimate::wilson;
use patchtwin_model::Scenario;
use serde::Serialize;

/// Most points of a curve.
pub const MAX_POINTS: usize = 101;

/// One plan's loss exceedance.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PlanExceedance {
    /// Plan id.
    pub plan: String,
    /// Points `[x, P(loss > x)]` of the empirical curve, x increasing: every distinct loss
    /// when there are at most 101, else the losses at 101 evenly spaced ranks.
    pub curve: Vec<[f64; 2]>,
    /// P(loss > tolerance) with its Wilson interval, when the scenario states an appetite.
    pub p_exceed_tolerance: Option<Est>,
    /// P(loss > materiality) with its Wilson interval, when the appetite names one.
    pub p_exceed_materiality: Option<Est>,
    /// Whether the estimate of P(loss > tolerance) is at most the appetite's
    /// `max_probability`.
    pub meets_appetite: Option<bool>,
}

/// The scenario's risk appetite as applied.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AppetiteInfo {
    /// Tolerance, currency.
    pub tolerance: f64,
    /// Materiality threshold, currency.
    pub materiality: Option<f64>,
    /// Largest acceptable P(loss > tolerance).
    pub max_probability: f64,
    /// The plans that meet it, or that none does, in plain words.
    pub sentence: String,
}

/// `summary.json`'s `loss_exceedance`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LossExceedance {
    /// Per plan, in the order run.
    pub plans: Vec<PlanExceedance>,
    /// The risk appetite, when the scenario states one.
    pub appetite: Option<AppetiteInfo>,
}

/// The empirical exceedance curve of a loss distribution given as (loss, replications)
/// pairs in increasing loss order.
pub fn curve(losses: &[(f64, u64)]) -> Vec<[f64; 2]> {
    let n: u64 = losses.iter().map(|l| l.1).sum();
    if n == 0 {
        return Vec::new();
    }
    // Replications at or below each distinct loss.
    let mut below = 0u64;
    let all: Vec<[f64; 2]> = losses
        .iter()
        .map(|&(x, k)| {
            below += k;
            [x, (n - below) as f64 / n as f64]
        })
        .collect();
    if all.len() <= MAX_POINTS {
        return all;
    }
    // The loss at rank ⌈n·j/100⌉ (1-based) for j = 0..=100, each once.
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(MAX_POINTS);
    let mut cum = 0u64;
    let mut it = losses.iter().zip(&all).peekable();
    for j in 0..MAX_POINTS as u64 {
        let rank = (n * j).div_ceil(100).max(1);
        while let Some(&(&(_, k), p)) = it.peek() {
            if cum + k >= rank {
                if out.last() != Some(p) {
                    out.push(*p);
                }
                break;
            }
            cum += k;
            it.next();
        }
    }
    out
}

/// Loss exceedance of every plan run, and the appetite when the scenario states one.
pub fn derive(s: &Scenario, run: &RunResult) -> LossExceedance {
    let appetite = s.risk_appetite.as_ref();
    let plans: Vec<PlanExceedance> = run
        .plans
        .iter()
        .map(|r| {
            let e = &r.exposure;
            let losses: Vec<(f64, u64)> = e.losses().collect();
            let above = |x: f64| -> Est { wilson(e.runs_with_loss_above(x), e.runs).into() };
            let p_tol = appetite.map(|a| above(a.tolerance));
            PlanExceedance {
                plan: r.plan.clone(),
                curve: curve(&losses),
                p_exceed_tolerance: p_tol,
                p_exceed_materiality: appetite.and_then(|a| a.materiality).map(above),
                meets_appetite: appetite
                    .zip(p_tol)
                    .map(|(a, p)| p.mean <= a.max_probability),
            }
        })
        .collect();
    let appetite = appetite.map(|a| AppetiteInfo {
        tolerance: a.tolerance,
        materiality: a.materiality,
        max_probability: a.max_probability,
        sentence: sentence(&plans, a, &s.currency),
    });
    LossExceedance { plans, appetite }
}

fn pct(x: f64) -> String {
    crate::format::pct(x)
}

/// The plans that meet the appetite, or that none does.
fn sentence(plans: &[PlanExceedance], a: &patchtwin_model::RiskAppetite, cur: &str) -> String {
    let limit = format!(
        "a loss above {} in at most {} of horizons",
        money(a.tolerance, cur),
        pct(a.max_probability)
    );
    let meeting: Vec<String> = plans
        .iter()
        .filter(|p| p.meets_appetite == Some(true))
        .filter_map(|p| {
            let e = p.p_exceed_tolerance?;
            let clearly = if e.hi <= a.max_probability {
                ""
            } else {
                ", not yet clearly: its interval reaches above the limit"
            };
            Some(format!("{} ({}{clearly})", p.plan, pct_ci(&e)))
        })
        .collect();
    if meeting.is_empty() {
        let best = plans
            .iter()
            .filter_map(|p| Some((p.p_exceed_tolerance?, &p.plan)))
            .min_by(|x, y| x.0.mean.total_cmp(&y.0.mean));
        match best {
            Some((e, id)) => format!(
                "No plan meets the risk appetite ({limit}): the lowest P(loss > {}) is {id}'s, {}.",
                money(a.tolerance, cur),
                pct_ci(&e)
            ),
            None => format!("No plan meets the risk appetite ({limit}): no plan ran."),
        }
    } else {
        format!(
            "{} the risk appetite ({limit}): {}.",
            if meeting.len() == 1 {
                "One plan meets"
            } else {
                "These plans meet"
            },
            meeting.join("; ")
        )
    }
}

/// The report's section: the appetite sentence and, per plan, the loss exceedance in numbers.
pub(crate) fn section(
    summary: &crate::Summary,
    charts: &[crate::charts::Chart],
) -> Vec<crate::blocks::Block> {
    use crate::blocks::{Block, Span};
    let le = &summary.loss_exceedance;
    if le.plans.is_empty() {
        return Vec::new();
    }
    let cur = &summary.scenario.currency;
    let mut blocks = vec![Block::Heading {
        level: 2,
        text: "Loss exceedance and risk appetite".into(),
        id: "loss-exceedance".into(),
    }];
    let mut intro = "How likely each plan's loss over the horizon (downtime cost plus impact \
                     cost) is to exceed a given amount, over the same runs as everything above: \
                     the loss exceedance curve in summary.json (loss_exceedance), here at a few \
                     points."
        .to_string();
    match &le.appetite {
        Some(a) => {
            intro.push(' ');
            intro.push_str(&a.sentence);
        }
        None => intro.push_str(
            " The scenario states no risk appetite (`risk_appetite: {tolerance, materiality, \
             max_probability}`), so no plan is judged against one.",
        ),
    }
    blocks.push(Block::Para(vec![Span::Text(intro)]));
    // The loss exceeded in 50 %, 10 % and 1 % of runs: the curve read at three heights.
    let at = |c: &[[f64; 2]], p: f64| {
        c.iter()
            .find(|pt| pt[1] <= p)
            .map_or_else(|| "—".to_string(), |pt| money(pt[0], cur))
    };
    let mut head = vec![
        "plan".to_string(),
        "P(any loss)".into(),
        "loss exceeded in 10% of runs".into(),
        "in 1%".into(),
    ];
    let mut right = vec![false, true, true, true];
    if let Some(a) = &le.appetite {
        head.push(format!("P(loss > {})", money(a.tolerance, cur)));
        right.push(true);
        if let Some(m) = a.materiality {
            head.push(format!("P(loss > {})", money(m, cur)));
            right.push(true);
        }
        head.push("meets the appetite".into());
        right.push(false);
    }
    let rows = le
        .plans
        .iter()
        .map(|p| {
            let any = p
                .curve
                .iter()
                .find(|pt| pt[0] <= 0.0)
                .map_or_else(|| p.curve.first().map_or(0.0, |_| 1.0), |pt| pt[1]);
            let mut row = vec![
                p.plan.clone(),
                pct(any),
                at(&p.curve, 0.10),
                at(&p.curve, 0.01),
            ];
            if let Some(a) = &le.appetite {
                row.push(p.p_exceed_tolerance.as_ref().map_or("—".into(), pct_ci));
                if a.materiality.is_some() {
                    row.push(p.p_exceed_materiality.as_ref().map_or("—".into(), pct_ci));
                }
                row.push(match p.meets_appetite {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => "—".into(),
                });
            }
            row.into_iter()
                .enumerate()
                .map(|(k, c)| vec![if k == 0 { Span::Code(c) } else { Span::Text(c) }])
                .collect()
        })
        .collect();
    blocks.push(Block::Table { head, right, rows });
    blocks.extend(
        charts
            .iter()
            .find(|c| c.kind == crate::charts::ChartKind::LossExceedance)
            .map(|c| Block::Figure(c.clone())),
    );
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_is_the_empirical_exceedance() {
        // Losses 0 ×5, 10 ×3, 40 ×2 (n = 10): P(L > 0) = 0.5, P(L > 10) = 0.2, P(L > 40) = 0.
        assert_eq!(
            curve(&[(0.0, 5), (10.0, 3), (40.0, 2)]),
            [[0.0, 0.5], [10.0, 0.2], [40.0, 0.0]]
        );
        assert!(curve(&[]).is_empty());
        // 1000 distinct losses 1..=1000: 101 points at ranks ⌈10·j⌉, P(L > 10j) = 1 − j/100.
        let many: Vec<(f64, u64)> = (1..=1000).map(|x| (f64::from(x), 1)).collect();
        let c = curve(&many);
        assert_eq!(c.len(), 101);
        assert_eq!(c[0], [1.0, 0.999]);
        assert_eq!(c[50], [500.0, 0.5]);
        assert_eq!(c[100], [1000.0, 0.0]);
        assert!(
            c.windows(2)
                .all(|w| w[0][0] < w[1][0] && w[0][1] >= w[1][1])
        );
    }

    fn plan(id: &str, mean: f64, lo: f64, hi: f64, limit: f64) -> PlanExceedance {
        PlanExceedance {
            plan: id.into(),
            curve: Vec::new(),
            p_exceed_tolerance: Some(Est { mean, lo, hi }),
            p_exceed_materiality: None,
            meets_appetite: Some(mean <= limit),
        }
    }

    #[test]
    fn the_sentence_names_the_plans_that_meet_it_or_says_none_does() {
        let a = patchtwin_model::RiskAppetite {
            tolerance: 1e6,
            materiality: None,
            max_probability: 0.05,
        };
        let plans = [
            plan("defer", 0.73, 0.66, 0.79, 0.05),
            plan("controls", 0.02, 0.01, 0.04, 0.05),
            plan("patch", 0.05, 0.03, 0.09, 0.05),
        ];
        let s = sentence(&plans, &a, "EUR");
        assert_eq!(
            s,
            "These plans meet the risk appetite (a loss above EUR 1,000,000 in at most 5% of \
             horizons): controls (2.0% [1.0–4.0%]); patch (5.0% [3.0–9.0%], not yet clearly: \
             its interval reaches above the limit)."
        );
        let s = sentence(&plans[..1], &a, "EUR");
        assert_eq!(
            s,
            "No plan meets the risk appetite (a loss above EUR 1,000,000 in at most 5% of \
             horizons): the lowest P(loss > EUR 1,000,000) is defer's, 73.0% [66.0–79.0%]."
        );
    }
}
