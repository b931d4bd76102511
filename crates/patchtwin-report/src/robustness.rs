//! What would change the answer, in the report: when the sensitivity analysis ran with the
//! run (`patchtwin run --sensitivity`), the report opens its evidence with the robustness
//! sentence, a tornado chart per decision metric and, per input, where the recommendation
//! flips (the break-even with the interval in which the runs cannot tell the two plans apart)
//! and the expected value of perfect information.
//!
//! [`Robustness`] is the report's view of an analysis, filled by `patchtwin-sensitivity`
//! (which depends on this crate, so this crate cannot read its types); [`section`] renders it
//! and [`insert`] places it right after the recommendation. The tornado charts are drawn by
//! `charts::tornado`.
//!
//! Not here: the analysis itself, and `sensitivity.json` (both `patchtwin-sensitivity`'s).
//! Nothing is computed here; every number is formatted from the view.

use crate::blocks::{Block, Document, Span};
use crate::blocks::{Chart, ChartKind};

/// One input's bar of a tornado chart: the recommended plan's lead over the runner-up on the
/// chart's metric with the input at the low and at the high end of its range.
#[derive(Clone, Debug, PartialEq)]
pub struct TornadoBar {
    /// The input in plain words.
    pub label: String,
    /// The lead with the input at the low end of its range.
    pub low: f64,
    /// The lead with the input at the high end.
    pub high: f64,
}

/// One tornado chart: one decision metric, largest swing first.
#[derive(Clone, Debug, PartialEq)]
pub struct Tornado {
    /// File name under `charts/`.
    pub file: String,
    /// The metric in words, e.g. `P(dual success)`.
    pub metric: String,
    /// The axis: what the lead is measured in, e.g. `lead in P(dual success), points`.
    pub axis: String,
    /// Whether the axis is money (labels in thousands) rather than points.
    pub money: bool,
    /// The lead at the scenario's values.
    pub base: f64,
    /// The inputs, largest swing first.
    pub bars: Vec<TornadoBar>,
    /// Whether the recommendation was decided on this metric.
    pub decisive: bool,
}

/// One input's row of the report's table.
#[derive(Clone, Debug, PartialEq)]
pub struct InputRow {
    /// Stable name (as `--range` and `sensitivity.json` spell it).
    pub name: String,
    /// The range swept, with its unit and whether it is the kind's default.
    pub range: String,
    /// Where it flips, with the interval, or `—`.
    pub break_even: String,
    /// Expected value of perfect information, currency; `None` when only screened.
    pub evpi: Option<f64>,
    /// The input's one sentence.
    pub statement: String,
}

/// The report's view of a sensitivity analysis of the same scenario, runs and seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Robustness {
    /// The robustness sentence: the recommended plan stays best unless …
    pub sentence: String,
    /// The recommended plan.
    pub recommended: String,
    /// The runner-up.
    pub runner_up: String,
    /// Which metric decided and why.
    pub metric_reason: String,
    /// How the ranges were set (the defaults are stated, never hidden).
    pub ranges: String,
    /// How the analysis ran (replications per value, seed, common random numbers).
    pub how: String,
    /// What EVPI means, one sentence.
    pub evpi_explanation: String,
    /// The currency.
    pub currency: String,
    /// One chart per decision metric.
    pub tornadoes: Vec<Tornado>,
    /// The inputs, largest swing first.
    pub inputs: Vec<InputRow>,
}

/// The anchor of the section.
pub const ID: &str = "robustness";

/// The section: the sentence, how to read it, the tornado charts and the table.
pub fn section(r: &Robustness, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading {
            level: 2,
            text: "What would change the answer".into(),
            id: ID.into(),
        },
        Block::Para(vec![Span::Strong(r.sentence.clone())]),
        Block::Para(vec![Span::Text(format!(
            "{}. {} Each bar of a tornado chart is one input moved over its range with the \
             others at their scenario values: the lead of {} over {} with the input at the low \
             end (upper half of the bar) and at the high end (lower half); a bar that crosses \
             the red line at 0 holds a break-even.",
            r.metric_reason, r.how, r.recommended, r.runner_up
        ))]),
        Block::Para(vec![
            Span::Strong("Ranges.".into()),
            Span::Text(format!(" {}", r.ranges)),
        ]),
    ];
    for (k, _) in r.tornadoes.iter().enumerate() {
        if let Some(c) = charts.iter().find(|c| c.kind == ChartKind::Tornado(k)) {
            blocks.push(Block::Figure(c.clone()));
        }
    }
    if !r.inputs.is_empty() {
        let rows = r
            .inputs
            .iter()
            .map(|i| {
                vec![
                    vec![Span::Code(i.name.clone())],
                    vec![Span::Text(i.range.clone())],
                    vec![Span::Text(i.break_even.clone())],
                    vec![Span::Text(i.evpi.map_or("—".into(), |e| {
                        crate::format::money(e, &r.currency)
                    }))],
                    vec![Span::Text(i.statement.clone())],
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                "input".into(),
                "range".into(),
                "break-even [interval]".into(),
                "EVPI".into(),
                "what it does".into(),
            ],
            right: vec![false, false, true, true, false],
            rows,
        });
    }
    blocks.push(Block::Para(vec![Span::Text(format!(
        "{} The analysis in full: sensitivity.json, sensitivity.csv.",
        r.evpi_explanation
    ))]));
    blocks
}

/// Places the section in `doc` right after the recommendation (before the plans side by
/// side), or before the glossary when there is no such section.
pub fn insert(doc: &mut Document, r: &Robustness, charts: &[Chart]) {
    let at = |id: &str| {
        doc.blocks
            .iter()
            .position(|b| matches!(b, Block::Heading { id: x, .. } if x == id))
    };
    let pos = at("plans")
        .or_else(|| at("glossary"))
        .unwrap_or(doc.blocks.len());
    let section = section(r, charts);
    doc.blocks.splice(pos..pos, section);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Robustness {
        Robustness {
            sentence: "a stays best against b on expected loss unless the rate exceeds 2 per day."
                .into(),
            recommended: "a".into(),
            runner_up: "b".into(),
            metric_reason: "a and b cannot be told apart on P(dual success)".into(),
            ranges: "rates ×0.5 to ×2".into(),
            how: "200 runs per value.".into(),
            evpi_explanation: "EVPI is what knowing saves.".into(),
            currency: "EUR".into(),
            tornadoes: vec![Tornado {
                file: "tornado-expected-loss.svg".into(),
                metric: "expected loss".into(),
                axis: "saving, EUR".into(),
                money: true,
                base: 10.0,
                bars: vec![TornadoBar {
                    label: "rate".into(),
                    low: 20.0,
                    high: -5.0,
                }],
                decisive: true,
            }],
            inputs: vec![InputRow {
                name: "assets[x].fault_rate_per_day".into(),
                range: "1..4 per day (default)".into(),
                break_even: "2 [1.5–2.5]".into(),
                evpi: Some(1234.0),
                statement: "b overtakes a above 2 per day".into(),
            }],
        }
    }

    #[test]
    fn the_section_goes_right_after_the_recommendation() {
        let r = view();
        let chart = crate::charts::tornado_chart(&r, 0);
        let mut doc = Document {
            title: "t".into(),
            blocks: vec![
                Block::Para(vec![Span::Text("recommendation".into())]),
                Block::Heading {
                    level: 2,
                    text: "The plans side by side".into(),
                    id: "plans".into(),
                },
                Block::Heading {
                    level: 2,
                    text: "Glossary".into(),
                    id: "glossary".into(),
                },
            ],
        };
        insert(&mut doc, &r, std::slice::from_ref(&chart));
        assert!(matches!(&doc.blocks[1], Block::Heading { id, .. } if id == ID));
        assert!(
            matches!(&doc.blocks[2], Block::Para(l) if l == &vec![Span::Strong(r.sentence.clone())])
        );
        assert!(
            doc.blocks
                .iter()
                .any(|b| matches!(b, Block::Figure(c) if c.file == "tornado-expected-loss.svg"))
        );
        let md = crate::markdown::render(&doc);
        assert!(md.contains("EUR 1,234"), "{md}");
        assert!(md.contains("2 [1.5–2.5]"), "{md}");
        let plans = md.find("The plans side by side").unwrap();
        assert!(md.find("What would change the answer").unwrap() < plans);
    }
}
