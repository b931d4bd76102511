//! Text forms of a [`Sensitivity`]: the stdout table, `sensitivity.csv` and
//! `sensitivity.md`. No statistics are computed here and nothing is written to disk.

use crate::analysis::num;
use crate::inputs::RangeSource;
use crate::{Metric, Sensitivity};
use std::fmt::Write as _;

fn pts(x: f64) -> String {
    format!("{:+.1}", 100.0 * x)
}

/// The stdout table: one row per input swept, largest swing first, then the sentences.
pub fn table(s: &Sensitivity, rows: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sensitivity of `{}`: recommended {} (runner-up {}), decided on {}",
        s.scenario,
        s.recommended,
        s.runner_up,
        s.decision_metric.name()
    );
    let _ = writeln!(
        out,
        "  {} replications per plan and value, seed {}, common random numbers",
        s.settings.runs, s.settings.seed
    );
    let _ = writeln!(
        out,
        "\n{:<64} {:>23} {:>15} {:>15} {:>12}  break-even / statement",
        "input (range)", "Δ P(dual) rec low/high", "Δ loss rec low", "Δ loss rec high", "EVPI"
    );
    let cur = &s.currency;
    for i in s.inputs.iter().take(rows) {
        let base = i
            .points
            .iter()
            .find(|p| p.role == "base")
            .map(|p| {
                let r = p.plans.iter().find(|x| x.plan == s.recommended);
                r.map_or((0.0, 0.0), |r| (r.p_dual_success.mean, r.expected_loss))
            })
            .unwrap_or((0.0, 0.0));
        let name = match i.range {
            RangeSource::Default => format!("{} ({}..{})", i.name, num(i.low), num(i.high)),
            r => format!(
                "{} ({}..{}, {})",
                i.name,
                num(i.low),
                num(i.high),
                r.words()
            ),
        };
        let _ = writeln!(
            out,
            "{:<64} {:>23} {:>15} {:>15} {:>12}  {}",
            name,
            format!(
                "{} / {}",
                pts(i.at_low.recommended_p_dual_success - base.0),
                pts(i.at_high.recommended_p_dual_success - base.0)
            ),
            num(i.at_low.recommended_expected_loss - base.1),
            num(i.at_high.recommended_expected_loss - base.1),
            i.evpi.map_or("—".into(), |e| format!("{} {cur}", num(e))),
            i.statement
        );
    }
    if s.inputs.len() > rows {
        let _ = writeln!(
            out,
            "… {} more inputs in sensitivity.json",
            s.inputs.len() - rows
        );
    }
    for n in &s.not_swept {
        let _ = writeln!(out, "not swept: {}: {}", n.name, n.reason);
    }
    let _ = writeln!(out, "\n{}", s.robustness);
    let _ = writeln!(out, "{}", s.decision_metric_reason);
    let _ = writeln!(out, "{}", s.evpi_explanation);
    let _ = writeln!(out, "Ranges: {}", ranges_sentence(s));
    if let Some(g) = &s.global {
        let _ = writeln!(
            out,
            "\nglobal screening (Morris, {} trajectories on {} levels, {} variants) of the {}:",
            g.trajectories, g.levels, g.evaluations, g.output
        );
        for e in &g.inputs {
            let _ = writeln!(
                out,
                "  {:<62} mu* {:>12}  mu {:>12}  sigma {:>12}",
                e.name,
                num(e.effect.mu_star),
                num(e.effect.mu),
                num(e.effect.sigma)
            );
        }
        let _ = writeln!(out, "  {}", g.note);
    }
    if let Some(t) = &s.exceedance.sentence {
        let _ = writeln!(out, "{t}");
        for p in &s.exceedance.plans {
            if let Some(e) = p.p_exceed_tolerance {
                let _ = writeln!(
                    out,
                    "  {:<28} P(loss > tolerance) {:.1}% [{:.1}–{:.1}]",
                    p.plan,
                    100.0 * e.mean,
                    100.0 * e.lo,
                    100.0 * e.hi
                );
            }
        }
    }
    out
}

/// The default ranges per kind and how ranges are set, in one sentence.
pub(crate) fn ranges_sentence(s: &Sensitivity) -> String {
    let rules = s
        .default_ranges
        .iter()
        .map(|r| format!("{:?}: {}", r.kind, r.range).to_lowercase())
        .collect::<Vec<_>>()
        .join("; ");
    format!("{rules}. {}", s.ranges_note)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `sensitivity.csv`: one row per input, the tornado's data and the break-evens.
pub fn csv(s: &Sensitivity) -> String {
    let mut out = String::from(
        "input,label,kind,unit,base,low,high,range,scale,swing,\
         rec_p_dual_low,rec_p_dual_high,up_p_dual_low,up_p_dual_high,\
         rec_loss_low,rec_loss_high,up_loss_low,up_loss_high,\
         margin_low,margin_high,break_even,break_even_direction,break_even_interval_lo,break_even_interval_hi,evpi,range_note\n",
    );
    for i in &s.inputs {
        let margin = |role: &str| {
            i.points
                .iter()
                .find(|p| p.role == role)
                .map_or(String::new(), |p| p.margin.to_string())
        };
        let be = i.break_even.first();
        let cells = [
            csv_field(&i.name),
            csv_field(&i.label),
            format!("{:?}", i.kind).to_lowercase(),
            csv_field(&i.unit),
            i.base.to_string(),
            i.low.to_string(),
            i.high.to_string(),
            serde_json::to_value(i.range)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            i.scale.clone(),
            i.swing.to_string(),
            i.at_low.recommended_p_dual_success.to_string(),
            i.at_high.recommended_p_dual_success.to_string(),
            i.at_low.runner_up_p_dual_success.to_string(),
            i.at_high.runner_up_p_dual_success.to_string(),
            i.at_low.recommended_expected_loss.to_string(),
            i.at_high.recommended_expected_loss.to_string(),
            i.at_low.runner_up_expected_loss.to_string(),
            i.at_high.runner_up_expected_loss.to_string(),
            margin("low"),
            margin("high"),
            be.map_or(String::new(), |b| b.value.to_string()),
            be.map_or(String::new(), |b| b.direction.clone()),
            be.and_then(|b| b.interval)
                .map_or(String::new(), |v| v[0].to_string()),
            be.and_then(|b| b.interval)
                .map_or(String::new(), |v| v[1].to_string()),
            i.evpi.map_or(String::new(), |e| e.to_string()),
            csv_field(&i.range_note),
        ];
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// `sensitivity.md`: the sentences, the ranges, the table and the charts.
pub fn markdown(s: &Sensitivity, charts: &[(String, String)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# What would change the answer: {}\n", s.scenario);
    let _ = writeln!(out, "**{}**\n", s.robustness);
    let _ = writeln!(out, "{}\n", s.decision_metric_reason);
    let _ = writeln!(
        out,
        "Every plan was rehearsed {} times per value, seed {}, on the same random numbers as the base (common random numbers).\n",
        s.settings.runs, s.settings.seed
    );
    let _ = writeln!(out, "**Ranges.** {}\n", ranges_sentence(s));
    for (file, title) in charts {
        let _ = writeln!(out, "![{title}](charts/{file})\n");
    }
    let metric = match s.decision_metric {
        Metric::DualSuccess => "P(dual success) lead, points",
        Metric::ExpectedLoss => "expected-loss saving",
    };
    let _ = writeln!(
        out,
        "| input | range | {metric} at low / high | EVPI ({}) | break-even |\n|---|---|---|---|---|",
        s.currency
    );
    for i in &s.inputs {
        let m = |role: &str| {
            i.points.iter().find(|p| p.role == role).map_or(0.0, |p| {
                if s.decision_metric == Metric::DualSuccess {
                    100.0 * p.margin
                } else {
                    p.margin
                }
            })
        };
        let _ = writeln!(
            out,
            "| `{}` | {}..{} {} ({}) | {} / {} | {} | {} |",
            i.name,
            num(i.low),
            num(i.high),
            i.unit,
            i.range_words(),
            num(m("low")),
            num(m("high")),
            i.evpi.map_or("—".into(), num),
            i.statement
        );
    }
    let _ = writeln!(out, "\n{}\n", s.evpi_explanation);
    if let Some(g) = &s.global {
        let _ = writeln!(
            out,
            "**Global screening** (Morris elementary effects, {} trajectories on {} levels, {} variants) of the {}. {}\n\n| input | mu* | mu | sigma |\n|---|---|---|---|",
            g.trajectories, g.levels, g.evaluations, g.output, g.note
        );
        for e in &g.inputs {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                e.name,
                num(e.effect.mu_star),
                num(e.effect.mu),
                num(e.effect.sigma)
            );
        }
        let _ = writeln!(out);
    }
    if let Some(t) = &s.exceedance.sentence {
        let _ = writeln!(out, "**Loss exceedance.** {t}\n");
    }
    for n in &s.not_swept {
        let _ = writeln!(out, "- not swept: `{}`: {}", n.name, n.reason);
    }
    out
}
