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

use crate::charts::{Chart, ChartKind, MAX_FLOW_CHARTS, key_flows};
use crate::recommend::paired;
use crate::{Est, FlowTiming, PlanSummary, Summary};
use patchtwin_model::Scenario;

/// A run of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// An identifier (plan, flow, file), shown as code.
    Code(String),
    /// Emphasised text.
    Strong(String),
}

/// A line of inline text.
pub type Line = Vec<Span>;

/// A block of the report.
#[derive(Debug, Clone)]
pub enum Block {
    /// A section heading (level 2 or 3; the title is level 1) with an anchor id.
    Heading {
        /// 2 or 3.
        level: u8,
        /// Text.
        text: String,
        /// Anchor, unique in the document.
        id: String,
    },
    /// A paragraph.
    Para(Line),
    /// A bulleted list.
    Bullets(Vec<Line>),
    /// A table: header, right-aligned columns, rows of cells.
    Table {
        /// Column headings.
        head: Vec<String>,
        /// Whether each column is numeric (right-aligned).
        right: Vec<bool>,
        /// Cells.
        rows: Vec<Vec<Line>>,
    },
    /// A chart, shown inline in HTML and linked as `charts/<file>` in Markdown.
    Figure(Chart),
    /// Terms and their one-sentence definitions.
    Glossary(Vec<(String, String)>),
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Document {
    /// Title.
    pub title: String,
    /// Blocks in order.
    pub blocks: Vec<Block>,
}

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

// ---------------------------------------------------------------------------------------------
// Number formatting

/// Whether both ends of an interval are real numbers (one replication gives none).
fn bounded(e: &Est) -> bool {
    e.lo > f64::MIN && e.hi < f64::MAX && e.lo.is_finite() && e.hi.is_finite()
}

/// A probability for prose: whole percent, one decimal near 0 and 1 so that 0.4% is not "0%".
pub fn pct(x: f64) -> String {
    let p = 100.0 * x;
    if p == 0.0 || p == 100.0 || (1.0..=99.0).contains(&p) {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A probability with its 95% interval, for tables: `73.0% [66.5–78.7%]`.
pub fn pct_ci(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{:.1}% [{:.1}–{:.1}%]",
            100.0 * e.mean,
            100.0 * e.lo.max(0.0),
            100.0 * e.hi.min(1.0)
        )
    } else {
        format!("{:.1}%", 100.0 * e.mean)
    }
}

fn minus(s: String) -> String {
    s.replacen('-', "−", 1)
}

fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:+.decimals$}");
    if s.trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        // -0.0 and +0.0 read as 0.
        return format!("{:.decimals$}", 0.0);
    }
    minus(s)
}

/// A difference of probabilities in percentage points with its interval: `−58.5 pt [−65.4, −51.6]`.
pub fn delta_pt(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{} pt [{}, {}]",
            signed(100.0 * e.mean, 1),
            signed(100.0 * e.lo, 1),
            signed(100.0 * e.hi, 1)
        )
    } else {
        format!("{} pt", signed(100.0 * e.mean, 1))
    }
}

fn hours_num(h: f64) -> String {
    let a = h.abs();
    if a == 0.0 {
        "0".into()
    } else if a < 0.1 {
        format!("{h:.3}")
    } else if a < 10.0 {
        format!("{h:.2}")
    } else if a < 100.0 {
        format!("{h:.1}")
    } else {
        format!("{h:.0}")
    }
}

/// Hours for prose: `31.6 h`, or minutes below one hour.
pub fn hours(h: f64) -> String {
    if h > 0.0 && h < 1.0 {
        format!("{:.0} min", (h * 60.0).max(1.0))
    } else {
        format!("{} h", hours_num(h))
    }
}

/// A non-negative quantity in hours with its interval (lower end clamped at 0).
pub fn hours_ci(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{} h [{}–{}]",
            hours_num(e.mean),
            hours_num(e.lo.max(0.0)),
            hours_num(e.hi)
        )
    } else {
        format!("{} h", hours_num(e.mean))
    }
}

/// A difference in hours with its interval.
pub fn delta_hours(e: &Est) -> String {
    let s = |x: f64| {
        if x == 0.0 {
            "0".to_string()
        } else {
            minus(format!(
                "{}{}",
                if x > 0.0 { "+" } else { "" },
                hours_num(x)
            ))
        }
    };
    if bounded(e) {
        format!("{} h [{}, {}]", s(e.mean), s(e.lo), s(e.hi))
    } else {
        format!("{} h", s(e.mean))
    }
}

/// A whole amount with thousands separators: `5,133,019`.
pub fn thousands(x: f64) -> String {
    let r = x.round();
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0.0 { format!("−{out}") } else { out }
}

/// Money for prose: `EUR 5,133,019`.
pub fn money(x: f64, currency: &str) -> String {
    format!("{currency} {}", thousands(x))
}

/// A non-negative amount with its interval, without the currency (the column says it).
pub fn money_ci(e: &Est) -> String {
    if bounded(e) {
        format!(
            "{} [{}–{}]",
            thousands(e.mean),
            thousands(e.lo.max(0.0)),
            thousands(e.hi)
        )
    } else {
        thousands(e.mean)
    }
}

/// A difference of amounts with its interval.
pub fn delta_money(e: &Est) -> String {
    let s = |x: f64| {
        if x.round() > 0.0 {
            format!("+{}", thousands(x))
        } else {
            thousands(x)
        }
    };
    if bounded(e) {
        format!("{} [{}, {}]", s(e.mean), s(e.lo), s(e.hi))
    } else {
        s(e.mean)
    }
}

fn days(d: Option<f64>) -> String {
    d.map_or("—".into(), |d| format!("{d:.1}"))
}

fn ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

// ---------------------------------------------------------------------------------------------
// Choosing the plan

/// The plan with the highest point estimate of P(dual success); ties go to the lower expected
/// loss, then to the earlier plan. `None` when there are no plans.
pub fn leader(summary: &Summary) -> Option<usize> {
    (0..summary.plans.len()).min_by(|&a, &b| {
        let (pa, pb) = (&summary.plans[a], &summary.plans[b]);
        pb.dual_success
            .mean
            .total_cmp(&pa.dual_success.mean)
            .then(pa.expected_loss.mean.total_cmp(&pb.expected_loss.mean))
            .then(a.cmp(&b))
    })
}

/// The recommended plan: the summary's `recommendation` (the `recommend` module's rule, so
/// that the report and `summary.json` always name the same plan), or [`leader`] when the
/// summary carries none.
pub fn preferred(summary: &Summary) -> Option<usize> {
    summary
        .recommendation
        .as_ref()
        .and_then(|r| summary.plans.iter().position(|p| p.id == r.plan))
        .or_else(|| leader(summary))
}

/// The plan with the lowest expected loss (ties to the earlier plan).
fn cheapest(summary: &Summary) -> Option<usize> {
    (0..summary.plans.len()).min_by(|&a, &b| {
        summary.plans[a]
            .expected_loss
            .mean
            .total_cmp(&summary.plans[b].expected_loss.mean)
            .then(a.cmp(&b))
    })
}

fn overlap(a: &Est, b: &Est) -> bool {
    a.lo <= b.hi && b.lo <= a.hi
}

/// "cuts P(x) from a to b" / "raises …" / "leaves … at a".
fn change(what: &str, from: f64, to: f64, fmt: fn(f64) -> String) -> (Ordering3, String) {
    let (a, b) = (fmt(from), fmt(to));
    if a == b {
        (Ordering3::Same, format!("leaves {what} at {a}"))
    } else if to < from {
        (Ordering3::Better, format!("cuts {what} from {a} to {b}"))
    } else {
        (Ordering3::Worse, format!("raises {what} from {a} to {b}"))
    }
}

#[derive(PartialEq)]
enum Ordering3 {
    Better,
    Same,
    Worse,
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn dual_words(q: &PlanSummary) -> String {
    if bounded(&q.dual_success) {
        format!(
            "{} of simulated runs (95% interval {}–{})",
            pct(q.dual_success.mean),
            pct(q.dual_success.lo),
            pct(q.dual_success.hi)
        )
    } else {
        format!("{} of simulated runs", pct(q.dual_success.mean))
    }
}

/// The headline: which plan, and the one fact that decides it.
fn headline(summary: &Summary, best: usize, horizon_days: f64, cur: &str) -> Line {
    let p = &summary.plans[best];
    let base = &summary.plans[0];
    let n = summary.plans.len();
    let top = leader(summary).unwrap_or(best);
    let dual_def = format!(
        "dual success — no target compromised and no unplanned downtime within the \
         {horizon_days:.0}-day horizon"
    );
    let mut line = vec![strong("Recommended:"), t(" "), code(&p.id), t(".")];
    if n == 1 {
        line.push(t(format!(
            " It is the only plan rehearsed. Its chance of dual success (no target compromised \
             and no unplanned downtime within the {horizon_days:.0}-day horizon) is {}.",
            dual_words(p)
        )));
    } else if top == best {
        line.push(t(format!(
            " Of the {n} plans rehearsed it has the highest chance of {dual_def}: {}",
            dual_words(p)
        )));
        if best == 0 {
            line.push(t("; it is the baseline, and no alternative does better."));
        } else {
            line.push(t(format!(
                ", against {} for the baseline ",
                pct(base.dual_success.mean)
            )));
            line.push(code(&base.id));
            line.push(t("."));
        }
    } else {
        let l = &summary.plans[top];
        line.push(t(format!(
            " Its chance of {dual_def}, {}, cannot be told apart from the highest, ",
            dual_words(p)
        )));
        line.push(code(&l.id));
        let why = match paired(summary, &p.id, &l.id) {
            Some(d) if bounded(&d.dual_success) => format!(
                "measured on the same simulated runs, the difference is {} percentage points, \
                 95% interval {} to {}, which includes 0",
                signed(100.0 * d.dual_success.mean, 1),
                signed(100.0 * d.dual_success.lo, 1),
                signed(100.0 * d.dual_success.hi, 1)
            ),
            _ => "the intervals overlap".to_string(),
        };
        line.push(t(format!(
            "'s {} ({why}), and it costs less on average: expected loss {} against {}.",
            pct(l.dual_success.mean),
            money(p.expected_loss.mean, cur),
            money(l.expected_loss.mean, cur)
        )));
    }
    if !p.description.is_empty() {
        line.push(t(format!(" What it does: {}", p.description.trim())));
        if !p.description.trim_end().ends_with('.') {
            line.push(t("."));
        }
    }
    line
}

/// The trade-off against the baseline in words: what gets better, and the price.
fn trade_off(summary: &Summary, best: usize) -> Option<Line> {
    if best == 0 {
        return None;
    }
    let (p, base) = (&summary.plans[best], &summary.plans[0]);
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut sort = |(o, text): (Ordering3, String)| match o {
        Ordering3::Better => good.push(text),
        Ordering3::Worse => bad.push(text),
        Ordering3::Same => {}
    };
    sort(change(
        "the chance that an attacker reaches a target",
        base.exposure.p_compromise.mean,
        p.exposure.p_compromise.mean,
        pct,
    ));
    sort(change(
        "the chance of an unplanned process trip",
        base.operations.p_trip.mean,
        p.operations.p_trip.mean,
        pct,
    ));
    sort(change(
        "expected unplanned downtime",
        base.operations.downtime_h.mean,
        p.operations.downtime_h.mean,
        hours,
    ));
    let pf = p.operations.p_patch_failure.mean;
    if pf > 0.0 {
        bad.push(format!(
            "in {} of runs at least one patch deployment fails and is rolled back (the asset \
             is down meanwhile and its vulnerability stays open)",
            pct(pf)
        ));
    }
    let po = p.operations.p_window_overrun.mean;
    if po > 0.0 {
        bad.push(format!(
            "in {} of runs the work overruns its maintenance window",
            pct(po)
        ));
    }
    let mut line = vec![t("Compared with "), code(&base.id), t(", "), code(&p.id)];
    line.push(t(match (good.is_empty(), bad.is_empty()) {
        (false, true) => format!(" {}.", join_and(&good)),
        (false, false) => format!(" {}, but {}.", join_and(&good), join_and(&bad)),
        (true, false) => format!(" changes this: {}.", join_and(&bad)),
        (true, true) => " changes none of the headline figures.".to_string(),
    }));
    Some(line)
}

/// Expected loss, and how sure the choice is.
fn loss_and_certainty(summary: &Summary, best: usize, cur: &str) -> Line {
    let p = &summary.plans[best];
    let base = &summary.plans[0];
    let mut line = Vec::new();
    if let Some(cheap) = cheapest(summary) {
        let c = &summary.plans[cheap];
        if summary.plans.len() == 1 {
            line.push(t(format!(
                "Its expected loss is {} per run over the horizon (downtime cost plus the \
                 impact of compromised targets). ",
                money(p.expected_loss.mean, cur)
            )));
        } else if cheap == best {
            line.push(t(format!(
                "Its expected loss is the lowest of all plans: {} per run over the horizon \
                 (downtime cost plus the impact of compromised targets)",
                money(p.expected_loss.mean, cur)
            )));
            if best != 0 {
                line.push(t(format!(
                    ", against {} for ",
                    money(base.expected_loss.mean, cur)
                )));
                line.push(code(&base.id));
            }
            line.push(t(". "));
        } else {
            line.push(t(
                "On expected loss (downtime cost plus the impact of compromised targets) ",
            ));
            line.push(code(&c.id));
            line.push(t(format!(
                " is cheaper: {} per run against {} for ",
                money(c.expected_loss.mean, cur),
                money(p.expected_loss.mean, cur)
            )));
            line.push(code(&p.id));
            line.push(t(format!(
                ", with dual success {}; prefer it if the committee weighs the average cost \
                 above the chance of a clean outcome. ",
                pct(c.dual_success.mean)
            )));
        }
    }
    if best != 0
        && let Some(c) = summary.comparisons.iter().find(|c| c.plan == p.id)
    {
        let d = &c.delta_dual_success;
        let gain = signed(100.0 * d.mean, 0);
        if bounded(d) && (d.lo > 0.0 || d.hi < 0.0) {
            line.push(t(format!(
                "Measured on the same simulated runs, dual success changes by {gain} percentage \
                 points against the baseline (95% interval {} to {}): a clear difference, not \
                 sampling noise. ",
                signed(100.0 * d.lo, 0),
                signed(100.0 * d.hi, 0)
            )));
        } else {
            line.push(t(format!(
                "Measured on the same simulated runs, dual success changes by {gain} percentage \
                 points against the baseline, within the noise of {} runs: rerun with more \
                 replications (--runs or --target-ci) before relying on it. ",
                summary.settings.runs
            )));
        }
    }
    let runner = summary
        .recommendation
        .as_ref()
        .and_then(|r| r.runner_up.as_ref())
        .and_then(|id| summary.plans.iter().position(|q| &q.id == id))
        .or_else(|| {
            (0..summary.plans.len())
                .filter(|&j| j != best)
                .max_by(|&a, &b| {
                    summary.plans[a]
                        .dual_success
                        .mean
                        .total_cmp(&summary.plans[b].dual_success.mean)
                        .then(b.cmp(&a))
                })
        });
    if let Some(r) = runner {
        let q = &summary.plans[r];
        line.push(t("The runner-up is "));
        line.push(code(&q.id));
        line.push(t(format!(" (dual success {})", pct_ci(&q.dual_success))));
        line.push(t(match paired(summary, &p.id, &q.id) {
            Some(d) if bounded(&d.dual_success) => {
                let e = &d.dual_success;
                let numbers = format!(
                    "{} percentage points, 95% interval {} to {}",
                    signed(100.0 * e.mean, 1),
                    signed(100.0 * e.lo, 1),
                    signed(100.0 * e.hi, 1)
                );
                if e.lo <= 0.0 && 0.0 <= e.hi {
                    format!(
                        "; measured on the same simulated runs the two cannot be told apart on \
                         this measure (the recommended plan's minus the runner-up's: {numbers}): \
                         weigh the tables below, or rerun with more replications."
                    )
                } else {
                    format!(
                        "; measured on the same simulated runs the recommended plan's chance \
                         minus the runner-up's is {numbers}: a clear difference."
                    )
                }
            }
            _ if overlap(&q.dual_success, &p.dual_success) => {
                "; its interval overlaps the recommended plan's, so the two are close on this \
                 measure: weigh the tables below, or rerun with more replications."
                    .to_string()
            }
            _ => "; the two intervals do not overlap.".to_string(),
        }));
    }
    if let Some(Span::Text(last)) = line.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
    }
    line
}

fn recommendation(summary: &Summary, s: &Scenario, horizon_days: f64) -> Vec<Block> {
    let mut blocks = vec![heading(
        2,
        "Recommendation in plain words",
        "recommendation",
    )];
    let Some(best) = preferred(summary) else {
        blocks.push(Block::Para(vec![t("The run compared no plans.")]));
        return blocks;
    };
    let cur = &s.currency;
    if let Some(none) = crate::recommend::no_plan_meets(summary, &summary.plans[best]) {
        blocks.push(Block::Para(vec![
            strong("No plan is acceptable."),
            t(" "),
            t(none),
        ]));
    }
    blocks.push(Block::Para(headline(summary, best, horizon_days, cur)));
    blocks.extend(trade_off(summary, best).map(Block::Para));
    blocks.push(Block::Para(loss_and_certainty(summary, best, cur)));
    if let Some(r) = &summary.recommendation
        && !r.reasons.is_empty()
    {
        blocks.push(Block::Para(vec![t(
            "The reasons in detail (the same as in summary.json):",
        )]));
        blocks.push(Block::Bullets(
            r.reasons.iter().map(|x| vec![t(x.clone())]).collect(),
        ));
    }
    blocks.push(Block::Para(vec![t("Every plan at a glance:")]));
    blocks.push(Block::Bullets(
        summary
            .plans
            .iter()
            .enumerate()
            .map(|(j, q)| {
                let mut line = vec![code(&q.id)];
                if j == 0 {
                    line.push(t(" (baseline)"));
                }
                if j == best {
                    line.push(t(" "));
                    line.push(strong("(recommended)"));
                }
                line.push(t(format!(
                    " — dual success {}; P(compromise) {}; P(process trip) {}; P(patch \
                     rollback) {}; expected loss {}.",
                    pct(q.dual_success.mean),
                    pct(q.exposure.p_compromise.mean),
                    pct(q.operations.p_trip.mean),
                    pct(q.operations.p_patch_failure.mean),
                    money(q.expected_loss.mean, cur)
                )));
                if !q.description.is_empty() {
                    line.push(t(format!(" {}", q.description.trim())));
                }
                line
            })
            .collect(),
    ));
    blocks
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

// ---------------------------------------------------------------------------------------------
// The sections

fn comparison_section(summary: &Summary, s: &Scenario, charts: &[Chart]) -> Vec<Block> {
    let cur = &s.currency;
    let mut blocks = vec![heading(2, "The plans side by side", "plans")];
    blocks.push(Block::Para(vec![t(
        "Each figure is the share (or average) over all simulated runs of the plan, with its 95% \
         interval in brackets.",
    )]));
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "P(dual success)".into(),
            format!("expected loss ({cur})"),
            "P(compromise)".into(),
            "P(process trip)".into(),
            "unplanned downtime".into(),
            "P(patch rollback)".into(),
        ],
        right: vec![false, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                vec![
                    vec![code(&p.id)],
                    cell(pct_ci(&p.dual_success)),
                    cell(money_ci(&p.expected_loss)),
                    cell(pct_ci(&p.exposure.p_compromise)),
                    cell(pct_ci(&p.operations.p_trip)),
                    cell(hours_ci(&p.operations.downtime_h)),
                    cell(pct_ci(&p.operations.p_patch_failure)),
                ]
            })
            .collect(),
    });
    if let Some(c0) = summary.comparisons.first() {
        blocks.push(heading(
            3,
            "Differences against the baseline",
            "differences",
        ));
        blocks.push(Block::Para(vec![
            t("Each plan minus the baseline "),
            code(&c0.baseline),
            t(
                ", computed run by run on the same simulated attacks, failures and delays (common \
                 random numbers), which makes these intervals much narrower than comparing the \
                 columns above. An interval that excludes 0 is a clear difference.",
            ),
        ]));
        blocks.push(Block::Table {
            head: vec![
                "plan".into(),
                "Δ P(dual success)".into(),
                "Δ P(compromise)".into(),
                "Δ P(process trip)".into(),
                "Δ unplanned downtime".into(),
                format!("Δ expected loss ({cur})"),
            ],
            right: vec![false, true, true, true, true, true],
            rows: summary
                .comparisons
                .iter()
                .map(|c| {
                    vec![
                        vec![code(&c.plan)],
                        cell(delta_pt(&c.delta_dual_success)),
                        cell(delta_pt(&c.delta_p_compromise)),
                        cell(delta_pt(&c.delta_p_trip)),
                        cell(delta_hours(&c.delta_downtime_h)),
                        cell(delta_money(&c.delta_expected_loss)),
                    ]
                })
                .collect(),
        });
    }
    blocks.extend(figure(charts, &ChartKind::ExposureVsOperations));
    blocks
}

fn exposure_section(summary: &Summary, s: &Scenario, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![heading(2, "Exposure to attack", "exposure")];
    blocks.push(Block::Para(vec![t(
        "How far the simulated attacker gets under each plan. Time to compromise is counted \
         from the start of the horizon, over the runs in which a target was reached.",
    )]));
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "P(compromise)".into(),
            "time to compromise, days: 5% / median / 95%".into(),
            "exposure-days".into(),
            "P(detected before impact)".into(),
            "foothold share".into(),
            format!("impact cost ({})", s.currency),
        ],
        right: vec![false, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let e = &p.exposure;
                vec![
                    vec![code(&p.id)],
                    cell(pct_ci(&e.p_compromise)),
                    cell(if e.ttc_days.p50.is_some() {
                        format!(
                            "{} / {} / {}",
                            days(e.ttc_days.p5),
                            days(e.ttc_days.p50),
                            days(e.ttc_days.p95)
                        )
                    } else {
                        "never reached".into()
                    }),
                    cell(if bounded(&e.exposure_days) {
                        format!(
                            "{:.1} [{:.1}–{:.1}]",
                            e.exposure_days.mean,
                            e.exposure_days.lo.max(0.0),
                            e.exposure_days.hi
                        )
                    } else {
                        format!("{:.1}", e.exposure_days.mean)
                    }),
                    cell(pct_ci(&e.p_detected_before_impact)),
                    cell(pct(e.foothold_share)),
                    cell(money_ci(&e.impact_cost)),
                ]
            })
            .collect(),
    });
    blocks.extend(figure(charts, &ChartKind::ExposureOverTime));
    blocks
}

fn operations_section(summary: &Summary, s: &Scenario, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![heading(
        2,
        "Operations: production and the changes themselves",
        "operations",
    )];
    blocks.push(Block::Para(vec![t(
        "What each plan does to production (trips and downtime outside planned shutdowns) and \
         how its changes go (failed deployments are rolled back).",
    )]));
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "P(process trip)".into(),
            "unplanned downtime".into(),
            format!("downtime cost ({})", s.currency),
            "P(window overrun)".into(),
            "window overrun".into(),
        ],
        right: vec![false, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let o = &p.operations;
                vec![
                    vec![code(&p.id)],
                    cell(pct_ci(&o.p_trip)),
                    cell(hours_ci(&o.downtime_h)),
                    cell(money_ci(&o.downtime_cost)),
                    cell(pct_ci(&o.p_window_overrun)),
                    cell(hours_ci(&o.window_overrun_h)),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "deployments per run".into(),
            "P(patch rollback)".into(),
            "deployments failing".into(),
            "changes completed".into(),
            "loss of view".into(),
            "loss of control".into(),
            "historian gap".into(),
        ],
        right: vec![false, true, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let o = &p.operations;
                vec![
                    vec![code(&p.id)],
                    cell(format!("{:.2}", o.deployments_per_run)),
                    cell(pct_ci(&o.p_patch_failure)),
                    cell(if o.deployments_per_run > 0.0 {
                        pct_ci(&o.deployment_failure_rate)
                    } else {
                        "—".into()
                    }),
                    cell(pct(o.changes_completed)),
                    cell(hours_ci(&o.loss_of_view_h)),
                    cell(hours_ci(&o.loss_of_control_h)),
                    cell(hours_ci(&o.historian_gap_h)),
                ]
            })
            .collect(),
    });
    blocks.extend(figure(charts, &ChartKind::Downtime));
    blocks
}

fn same_timing(a: &FlowTiming, b: &FlowTiming) -> bool {
    a.latency_ms == b.latency_ms
        && a.deadline_miss_rate == b.deadline_miss_rate
        && a.timeouts == b.timeouts
        && a.sent == b.sent
        && a.completed == b.completed
}

fn timing_row(flow: &FlowTiming, when: Line) -> Vec<Line> {
    let l = flow.latency_ms.as_ref();
    let q = |v: Option<f64>| v.map_or("—".to_string(), ms);
    vec![
        vec![code(&flow.id)],
        when,
        cell(q(l.map(|l| l.p50))),
        cell(q(l.map(|l| l.p95))),
        cell(q(l.map(|l| l.p99))),
        cell(q(l.map(|l| l.max))),
        cell(q(l.map(|l| l.mean))),
        cell(ms(flow.deadline_ms)),
        cell(format!("{:.2}%", 100.0 * flow.deadline_miss_rate)),
        cell(flow.timeouts.to_string()),
    ]
}

fn timing_section(summary: &Summary, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![heading(
        2,
        "Communication timing before and after",
        "timing",
    )];
    let Some(first) = summary.plans.first() else {
        return blocks;
    };
    let nflows = first.timing.flows.len();
    let key = key_flows(summary, MAX_FLOW_CHARTS);
    blocks.push(Block::Para(vec![t(format!(
        "Message-level traffic is simulated in an observation window of {}s per run before any \
         change, and in a second window of the same length once all of a plan's changes are \
         done — patches installed and assets back, controls in force — and the first window is \
         over (\"after\"). Shown: the {} of {nflows} flows closest to their deadline (largest \
         p99 latency relative to the deadline); every flow of every plan is in flows.csv. \
         Latencies in milliseconds: max and mean are exact; p50, p95 and p99 are read off a \
         histogram of 2 significant digits, each the top of its bucket, so they may read up to \
         0.8% high (0.4 ms at 80 ms) and never low.",
        summary.settings.observe_s,
        key.len()
    ))]));
    let mut rows = Vec::new();
    for &i in &key {
        let befores: Vec<&FlowTiming> = summary
            .plans
            .iter()
            .filter_map(|p| p.timing.flows.get(i))
            .collect();
        if befores.iter().all(|f| same_timing(f, befores[0])) {
            rows.push(timing_row(befores[0], cell("before (all plans)")));
        } else {
            for (p, f) in summary.plans.iter().zip(&befores) {
                rows.push(timing_row(f, vec![t("before, "), code(&p.id)]));
            }
        }
        for p in &summary.plans {
            if let Some(f) = p.timing.after.as_ref().and_then(|a| a.get(i)) {
                rows.push(timing_row(f, vec![t("after, "), code(&p.id)]));
            }
        }
    }
    blocks.push(Block::Table {
        head: [
            "flow",
            "when",
            "p50",
            "p95",
            "p99",
            "max",
            "mean",
            "deadline",
            "miss rate",
            "timeouts",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, false, true, true, true, true, true, true, true, true],
        rows,
    });
    let without_after: Vec<&str> = summary
        .plans
        .iter()
        .filter(|p| p.timing.after.is_none())
        .map(|p| p.id.as_str())
        .collect();
    if !without_after.is_empty() {
        let mut line = vec![t("No \"after\" window for ")];
        for (k, id) in without_after.iter().enumerate() {
            if k > 0 {
                line.push(t(", "));
            }
            line.push(code(*id));
        }
        line.push(t(
            ": the plan changes nothing on the network, or its changes did not complete within \
             the horizon in any run.",
        ));
        blocks.push(Block::Para(line));
    }
    for c in charts {
        if matches!(c.kind, ChartKind::LatencyCdf(_)) {
            blocks.push(Block::Figure(c.clone()));
        }
    }
    blocks
}

/// SSVC deployer decisions per vulnerability and plan (the summary's `ssvc` rows, derived by
/// the `ssvc` module), with the reason for every input. Nothing when the summary has none.
fn ssvc_section(summary: &Summary) -> Vec<Block> {
    let rows = &summary.ssvc;
    if rows.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![heading(
        2,
        "Patch priority per vulnerability (SSVC)",
        "ssvc",
    )];
    blocks.push(Block::Para(vec![t(
        "CERT/CC's Stakeholder-Specific Vulnerability Categorization gives a deployer's patch \
         priority — defer, scheduled, out-of-cycle or immediate — from four inputs. Here the \
         inputs are derived from the scenario and from each plan's end state (its controls in \
         effect and its patches installed); the last column gives the priority while the \
         plan's patches are not in place yet, or after they roll back.",
    )]));
    blocks.push(Block::Table {
        head: [
            "vulnerability",
            "plan",
            "exploitation",
            "system exposure",
            "automatable",
            "human impact",
            "priority",
            "until patched / after a rollback",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false; 8],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    vec![code(&r.vulnerability)],
                    vec![code(&r.plan)],
                    cell(r.exploitation.value.to_string()),
                    cell(r.system_exposure.value.to_string()),
                    cell(r.automatable.value.to_string()),
                    cell(r.human_impact.value.to_string()),
                    vec![strong(r.decision.to_string())],
                    cell(r.before_patching.as_ref().map_or("—".to_string(), |b| {
                        format!(
                            "{} (exposure {}; patches roll back in {} of runs)",
                            b.decision,
                            b.system_exposure.value,
                            pct(b.p_patch_rollback.mean)
                        )
                    })),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Para(vec![t("Why the inputs have these values:")]));
    let mut why = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for r in rows {
        if !seen.contains(&r.vulnerability.as_str()) {
            seen.push(&r.vulnerability);
            why.push(vec![
                code(&r.vulnerability),
                t(format!(
                    ": exploitation {} — {}; automatable {} — {}.",
                    r.exploitation.value,
                    r.exploitation.reason,
                    r.automatable.value,
                    r.automatable.reason
                )),
            ]);
        }
        why.push(vec![
            code(&r.vulnerability),
            t(" under "),
            code(&r.plan),
            t(format!(
                ": system exposure {} — {}; human impact {} — {}.",
                r.system_exposure.value,
                r.system_exposure.reason,
                r.human_impact.value,
                r.human_impact.reason
            )),
        ]);
    }
    blocks.push(Block::Bullets(why));
    blocks
}

fn glossary(summary: &Summary) -> Block {
    let g = |a: &str, b: &str| (a.to_string(), b.to_string());
    let mut terms = vec![
        g(
            "run (replication)",
            "One simulated play-through of the whole horizon under one plan; every plan is played on the same runs, with the same attacks, failures and delays wherever the plans do not differ.",
        ),
        g(
            "95% interval",
            "The range that contains the true value with 95% confidence given the number of runs (Wilson score interval for shares, Student-t interval for averages, Tango score interval for paired differences of shares); more runs make it narrower.",
        ),
        g(
            "baseline",
            "The plan every other plan is compared with, the first in the scenario (usually to defer).",
        ),
        g(
            "P(dual success)",
            "Share of runs in which no target is compromised within the horizon and the plan causes no unplanned downtime (no process trip outside a planned shutdown, no window overrun).",
        ),
        g(
            "expected loss",
            "Average cost per run: unplanned downtime hours times the unit's cost per hour, plus the impact cost of every target the attacker reaches within the horizon (each target once per run, however often it is reached).",
        ),
        g(
            "paired difference (Δ)",
            "The plan's value minus the baseline's, taken run by run on the same simulated runs and then averaged, with its 95% interval.",
        ),
        g(
            "P(compromise)",
            "Share of runs in which the attacker reaches a target asset within the horizon.",
        ),
        g(
            "time to compromise",
            "Days from the start of the horizon until the first target is reached, among the runs where that happens (5th percentile, median, 95th percentile).",
        ),
        g(
            "exposure-days",
            "Sum over vulnerable assets of the days each vulnerability stays open and reachable from an attacker's entry point, averaged over runs.",
        ),
        g(
            "P(detected before impact)",
            "Among runs where the attacker gets a foothold, the share in which monitoring detects it before it reaches a target.",
        ),
        g(
            "foothold share",
            "Share of runs in which the attacker gets into the plant's network at all.",
        ),
        g(
            "impact cost",
            "Average per run of the sum of the impact costs of the targets reached within the horizon, each target counted once per run (two targets reached: both costs; the same target reached again after an eviction: once).",
        ),
        g(
            "P(process trip)",
            "Share of runs with at least one unplanned stop of a process unit, whether caused by a change, a failed patch or an attack.",
        ),
        g(
            "unplanned downtime",
            "Hours per run that process units are down outside planned shutdowns, summed over units.",
        ),
        g(
            "downtime cost",
            "Unplanned downtime hours times each unit's cost per hour, per run.",
        ),
        g(
            "P(window overrun)",
            "Share of runs in which work is still unfinished when its maintenance window closes, so production restarts late or trips.",
        ),
        g(
            "window overrun",
            "Hours per run by which work ran past the end of its maintenance window.",
        ),
        g(
            "deployments per run",
            "Patch installations attempted per run, counting each asset once per attempt.",
        ),
        g(
            "P(patch rollback)",
            "Share of runs in which at least one patch deployment fails and is rolled back, leaving the asset down meanwhile and the vulnerability open.",
        ),
        g(
            "deployments failing",
            "Share of all deployments that fail and are rolled back.",
        ),
        g(
            "changes completed",
            "Share of runs in which every change of the plan is done within the horizon.",
        ),
        g(
            "loss of view",
            "Hours per run that operators lose sight of the process (a view function is lost) outside planned shutdowns.",
        ),
        g(
            "loss of control",
            "Hours per run that operators cannot act on the process (a control function is lost) outside planned shutdowns.",
        ),
        g(
            "historian gap",
            "Hours per run of data lost for good by the flows into historians and cloud services, summed over flows (one hour without three flows counts three). Lost from the moment a flow's route breaks until it is whole again, beyond the store-and-forward buffer that holds the data: the larger of the producer's and the historian's while the producer is up; none while the producer itself is down, since it produces nothing to hold.",
        ),
        g(
            "latency p50 / p95 / p99 / max / mean",
            "Time for a poll's answer or a publication to arrive that half, 95%, 99% or all of the completed messages beat, and its average, in milliseconds. Max and mean are exact; the percentiles come from a histogram of 2 significant digits and may read up to 0.8% high, never low.",
        ),
        g("TTC", "Time to compromise (see above), in days."),
        g(
            "pt (percentage points)",
            "The difference between two percentages: 30% against 20% is +10 pt (not +50%).",
        ),
        g(
            "acceptance thresholds",
            "A plan is acceptable when its P(compromise) and its P(process trip) within the horizon are each at most 10% (point estimates; defaults of this version, the scenario cannot set them yet). When no plan meets them, the report says so: the recommended plan is then the least bad, not a good one.",
        ),
        g(
            "deadline",
            "The latency a flow must meet; above it the data arrives too late for its purpose.",
        ),
        g(
            "miss rate",
            "Share of messages that arrived after the deadline or never arrived.",
        ),
        g(
            "timeouts",
            "Poll attempts that got no answer within the flow's timeout, over all runs.",
        ),
        g(
            "before / after",
            "Timing in the observation window at the start of the horizon, and in the window after all of the plan's changes are done.",
        ),
    ];
    if !summary.ssvc.is_empty() {
        terms.extend([
            g("SSVC priority", "CERT/CC's deployer decision for a vulnerability: defer, scheduled (next planned maintenance), out-of-cycle (sooner, with extra effort) or immediate (as fast as possible, even at a cost)."),
            g("exploitation", "Whether the vulnerability is exploited in the wild (active), has public exploit code (public poc), or neither (none)."),
            g("system exposure", "How reachable the vulnerable asset is for an attacker under the plan: open, controlled (only past a control), or small."),
            g("automatable", "Whether an attacker can script the attack end to end, judged from the CVSS vector (network, low complexity, no privileges, no user interaction)."),
            g("human impact", "How bad a compromise would be for safety and for the plant's mission, from what an attacker holding the asset could go on to reach."),
        ]);
    }
    Block::Glossary(terms)
}

fn run_details(summary: &Summary, s: &Scenario, files: &[String]) -> Vec<Block> {
    let mut blocks = vec![heading(2, "Run details and files", "details")];
    let st = &summary.settings;
    let en = &summary.engine;
    blocks.push(Block::Bullets(vec![
        vec![
            t("scenario "),
            code(&summary.scenario.name),
            t(", SHA-256 "),
            code(&summary.scenario.sha256),
        ],
        vec![
            t("written by "),
            code(format!("{} {}", summary.tool.name, summary.tool.version)),
        ],
        vec![t(format!(
            "{} runs per plan, seed {}, horizon {:.0} days, observation window {}s",
            st.runs,
            st.seed,
            st.horizon_s / 86_400.0,
            st.observe_s
        ))],
        vec![t(format!(
            "{} simulation events in {:.2}s on {} thread(s); the same seed and runs give the same \
             numbers on any number of threads",
            en.events, en.wall_s, en.threads
        ))],
        vec![t(format!("costs in {}", s.currency))],
        vec![t(format!("number of runs: {}", st.stop))],
    ]));
    blocks.push(Block::Bullets(crate::provenance::bullets(
        &summary.provenance,
    )));
    if !files.is_empty() {
        let mut line = vec![t("Files beside this report: ")];
        for (k, f) in files.iter().enumerate() {
            if k > 0 {
                line.push(t(", "));
            }
            line.push(code(f));
        }
        line.push(t("."));
        blocks.push(Block::Para(line));
    }
    blocks
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
    blocks.extend(crate::rollout::section(summary));
    blocks.extend(crate::bod::section(summary));
    blocks.push(heading(2, "Glossary", "glossary"));
    blocks.push(glossary(summary));
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
