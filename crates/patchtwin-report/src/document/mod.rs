//! The human report's content, built once from a [`Summary`] and its charts and rendered twice:
//! as Markdown (`markdown`) and as self-contained HTML (`html`), so the two never disagree.
//!
//! Order follows what a risk committee needs: the recommendation in plain words, the plans
//! side by side with paired differences against the baseline, then exposure, operations and
//! timing with their charts, the SSVC decisions when the summary carries them, a glossary of
//! every metric, and the run's settings. Numbers are formatted for people: percentages with
//! 95% intervals, hours, money in the scenario's currency.
//!
//! This module is not a general document model and computes no statistics: it ranks plans by
//! the point estimates of the summary and says whether the paired difference of two plans
//! tells them apart (the `recommend` module's rule); every number it prints comes from the
//! summary.
//!
//! Submodules, one per part of the report: `recommendation` (the opening: which plan and why),
//! `sections` (comparison, exposure, operations), `timing` (communication timing), `decisions`
//! (SSVC) and `glossary` (glossary and run details). Number formatting is the crate's
//! `format` module. The content model (`Block`, `Span`, `Line`, `Document`) is the crate's
//! `blocks` module, below this one and below the crate's section modules it calls
//! (`appetite`, `bod`, `deadline`, `rollout`, …), so none of them imports this one.

mod decisions;
mod glossary;
mod recommendation;
mod sections;
mod timing;

use crate::blocks::{Block, Chart, ChartKind, Document, Line, Span};
use crate::charts::{MAX_FLOW_CHARTS, key_flows};
use crate::format::*;
pub use crate::format::{
    delta_hours, delta_money, delta_pt, hours, hours_ci, money, money_ci, pct, pct_ci, thousands,
};
use crate::recommend::paired;
use crate::{Est, FlowTiming, PlanSummary, Summary};
use decisions::ssvc_section;
use glossary::{glossary, run_details};
use patchtwin_model::Scenario;
use recommendation::recommendation;
pub use recommendation::{leader, preferred};
use sections::{comparison_section, exposure_section, operations_section};
use timing::timing_section;

fn t(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}
fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}
fn strong(s: impl Into<String>) -> Span {
    Span::Strong(s.into())
}
fn cell(s: impl Into<String>) -> Line {
    vec![t(s)]
}

fn heading(level: u8, text: &str, id: &str) -> Block {
    Block::Heading {
        level,
        text: text.into(),
        id: id.into(),
    }
}

fn figure(charts: &[Chart], kind: &ChartKind) -> Option<Block> {
    charts
        .iter()
        .find(|c| &c.kind == kind)
        .map(|c| Block::Figure(c.clone()))
}

/// Builds the report. `files` names the other outputs (relative paths) for the last section.
pub fn build(summary: &Summary, s: &Scenario, charts: &[Chart], files: &[String]) -> Document {
    let horizon_days = summary.settings.horizon_s / 86_400.0;
    let mut blocks = Vec::new();
    let mut intro = Vec::new();
    if !s.description.trim().is_empty() {
        intro.push(t(format!("{} ", s.description.trim())));
    }
    intro.push(t(format!(
        "Each of the {} plans below was rehearsed in {} simulated runs of the \
         {horizon_days:.0}-day horizon; numbers in brackets are 95% intervals. The glossary at \
         the end explains every measure in one sentence.",
        summary.plans.len(),
        summary.settings.runs
    )));
    blocks.push(Block::Para(intro));
    if !summary.plans_not_run.is_empty() {
        let mut line = vec![strong("Not rehearsed:"), t(" ")];
        for (k, id) in summary.plans_not_run.iter().enumerate() {
            if k > 0 {
                line.push(t(", "));
            }
            line.push(code(id));
        }
        line.push(t(format!(
            " — left out of this run with --plans. Only the {} plans rehearsed are compared \
             and ranked here; where the description above speaks of the others, nothing in this \
             report judges them.",
            summary.plans.len()
        )));
        blocks.push(Block::Para(line));
    }
    for p in &summary.plans {
        for q in &p.saturated_queues {
            blocks.push(Block::Para(vec![
                strong("Warning:"),
                t(format!(
                    " {} saturated under plan {} in {} of {} runs: its queue reached {} messages \
                     (first at {:.1} s); {} messages beyond it were dropped, so timing there \
                     understates the delay.",
                    q.queue,
                    p.id,
                    q.runs,
                    summary.settings.runs,
                    q.bound_messages,
                    q.first_reached_at_s,
                    q.dropped_messages
                )),
            ]));
        }
    }
    blocks.extend(recommendation(summary, s, horizon_days));
    blocks.extend(comparison_section(summary, s, charts));
    blocks.extend(exposure_section(summary, s, charts));
    blocks.extend(operations_section(summary, s, charts));
    blocks.extend(timing_section(summary, charts));
    blocks.extend(ssvc_section(summary));
    blocks.extend(crate::ssvc::note::section(summary, s));
    blocks.extend(crate::rollout::section(summary));
    blocks.extend(crate::remediation::section(summary, s));
    blocks.extend(crate::bod::section(summary));
    blocks.extend(crate::appetite::section(summary, charts));
    blocks.push(heading(2, "Glossary", "glossary"));
    blocks.push(glossary(summary, s));
    blocks.extend(run_details(summary, s, files));
    Document {
        title: format!("Patch plan rehearsal: {}", summary.scenario.name),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(pct(0.73), "73%");
        assert_eq!(pct(0.004), "0.4%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.995), "99.5%");
        assert_eq!(thousands(5_133_019.4), "5,133,019");
        assert_eq!(thousands(-1234.0), "−1,234");
        assert_eq!(thousands(999.0), "999");
        let e = Est {
            mean: -0.585,
            lo: -0.654,
            hi: -0.516,
        };
        assert_eq!(delta_pt(&e), "−58.5 pt [−65.4, −51.6]");
        let z = Est {
            mean: 0.0,
            lo: 0.0,
            hi: 0.0,
        };
        assert_eq!(delta_pt(&z), "0.0 pt [0.0, 0.0]");
        assert_eq!(hours(0.5), "30 min");
        assert_eq!(hours(31.56), "31.6 h");
        let h = Est {
            mean: 1.84,
            lo: -0.2,
            hi: 3.41,
        };
        assert_eq!(hours_ci(&h), "1.84 h [0–3.41]");
        let one = Est {
            mean: 0.5,
            lo: f64::MIN,
            hi: f64::MAX,
        };
        assert_eq!(pct_ci(&one), "50.0%");
    }
}
