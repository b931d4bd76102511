//! The report's view of an analysis: [`robustness`] turns a [`Sensitivity`] into
//! `patchtwin_report::robustness::Robustness` — the sentence, one tornado per decision metric
//! (the one the recommendation was decided on first) and a row per input — which the report
//! renders (`patchtwin run --sensitivity`) and whose charts `tornado` writes for `patchtwin
//! sensitivity`.
//!
//! No statistics here: every number is read off the analysis.

use crate::analysis::num;
use crate::{InputResult, Metric, Sensitivity};
use patchtwin_report::robustness::{InputRow, Robustness, Tornado, TornadoBar};

/// File name of a metric's tornado under `charts/`.
pub fn tornado_file(m: Metric) -> &'static str {
    match m {
        Metric::DualSuccess => "tornado-dual-success.svg",
        Metric::ExpectedLoss => "tornado-expected-loss.svg",
    }
}

/// The recommended plan's lead over the runner-up on `m` at the point of `role` (points for
/// P(dual success), currency for expected loss: the runner-up's loss minus the recommended's).
fn lead(i: &InputResult, m: Metric, role: &str) -> Option<f64> {
    i.points.iter().find(|p| p.role == role).map(|p| match m {
        Metric::DualSuccess => 100.0 * p.d_dual_success.mean,
        Metric::ExpectedLoss => -p.d_expected_loss.mean,
    })
}

fn tornado(s: &Sensitivity, m: Metric) -> Tornado {
    let mut bars: Vec<(f64, TornadoBar)> = s
        .inputs
        .iter()
        .filter_map(|i| {
            let (low, high) = (lead(i, m, "low")?, lead(i, m, "high")?);
            Some((
                (high - low).abs(),
                TornadoBar {
                    label: i.label.clone(),
                    low,
                    high,
                },
            ))
        })
        .collect();
    bars.sort_by(|a, b| b.0.total_cmp(&a.0));
    let base = s
        .inputs
        .first()
        .and_then(|i| lead(i, m, "base"))
        .unwrap_or(0.0);
    Tornado {
        file: tornado_file(m).into(),
        metric: m.name().into(),
        axis: match m {
            Metric::DualSuccess => "lead in P(dual success), percentage points".into(),
            Metric::ExpectedLoss => format!("lead in expected loss (saving), {}", s.currency),
        },
        money: m == Metric::ExpectedLoss,
        base,
        bars: bars.into_iter().map(|b| b.1).collect(),
        decisive: m == s.decision_metric,
    }
}

fn break_even(i: &InputResult) -> String {
    let Some(b) = i.break_even.first() else {
        return "—".into();
    };
    let unit = if i.unit == "probability" {
        String::new()
    } else {
        format!(" {}", i.unit)
    };
    let mut out = match b.interval {
        Some([lo, hi]) => format!("{}{unit} [{}–{}]", num(b.value), num(lo), num(hi)),
        None => format!("{}{unit} [not clear within the range]", num(b.value)),
    };
    if i.break_even.len() > 1 {
        out.push_str(" and more (sensitivity.json)");
    }
    out
}

/// The report's view of `s`.
pub fn robustness(s: &Sensitivity) -> Robustness {
    let other = match s.decision_metric {
        Metric::DualSuccess => Metric::ExpectedLoss,
        Metric::ExpectedLoss => Metric::DualSuccess,
    };
    let swept = s.inputs.iter().filter(|i| i.evpi.is_some()).count();
    Robustness {
        sentence: s.robustness.clone(),
        recommended: s.recommended.clone(),
        runner_up: s.runner_up.clone(),
        metric_reason: format!("Decision metric: {}", s.decision_metric_reason),
        // Plain text in the report: the note quotes an option in backticks for Markdown.
        ranges: crate::render::ranges_sentence(s).replace('`', ""),
        how: format!(
            "Every plan was rehearsed {} times per value with seed {}, on the same random \
             numbers as the base (common random numbers); {swept} inputs were swept in detail \
             ({} screened at their ends), {} scenario variants in all.",
            s.settings.runs,
            s.settings.seed,
            s.inputs.len() - swept,
            s.engine.variants
        ),
        evpi_explanation: s.evpi_explanation.clone(),
        currency: s.currency.clone(),
        tornadoes: vec![tornado(s, s.decision_metric), tornado(s, other)],
        inputs: s
            .inputs
            .iter()
            .map(|i| InputRow {
                name: i.name.clone(),
                range: format!(
                    "{}..{}{} ({})",
                    num(i.low),
                    num(i.high),
                    if i.unit == "probability" {
                        String::new()
                    } else {
                        format!(" {}", i.unit)
                    },
                    i.range_words()
                ),
                break_even: break_even(i),
                evpi: i.evpi,
                statement: i.statement.clone(),
            })
            .collect(),
    }
}
