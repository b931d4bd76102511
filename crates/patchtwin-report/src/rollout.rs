//! The `rollout` block of each plan in summary.json, its report section and stdout lines:
//! rollbacks per run beside P(at least one), and the time until 50, 90 and 95% of the
//! scenario's open (vulnerability, asset) pairs are patched — the median over rehearsals with
//! a distribution-free 95% interval, and the share of rehearsals that get there within the
//! horizon. The per-vulnerability closing days behind BOD 26-04's "meets the deadline" are
//! kept here too (not serialised; `bod` reads them).
//!
//! Not here: running the rollout (`patchtwin_sim`) or accumulating it (`patchtwin_mc::rollout`).

use crate::Est;
use patchtwin_mc::PlanResult;
use patchtwin_mc::rollout::{RolloutAcc, SHARES};
use serde::Serialize;

/// How far a plan's rollout got.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, Default)]
pub struct RolloutSummary {
    /// Deployments rolled back per replication, with its interval (never below 0). P(at least
    /// one) is `operations.p_patch_failure`.
    pub rollbacks_per_run: Option<Est>,
    /// Time until 50, 90 and 95% of the scenario's open (vulnerability, asset) pairs are
    /// patched.
    pub time_to_patch: Vec<TimeToShare>,
    /// Time until 50, 90 and 95% of the exposure at t = 0 is closed: each open pair weighted
    /// by its exposure (1 while the attacker can reach it, 0 otherwise), closed by patches or
    /// controls (`patchtwin_mc::rollout::exposure_time`). `share` is then a share of
    /// exposure; empty when the plant has no exposure at t = 0.
    pub time_to_close_exposure: Vec<TimeToShare>,
    /// The accumulator behind it (for the BOD 26-04 deadline check).
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) acc: RolloutAcc,
}

/// Time until a share of the open pairs is patched, over rehearsals.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, PartialEq)]
pub struct TimeToShare {
    /// The share of open (vulnerability, asset) pairs, e.g. 0.95.
    pub share: f64,
    /// Median over rehearsals, days (null: fewer than half the rehearsals got there).
    pub median_days: Option<f64>,
    /// 95% interval of the median, lower end (order statistics; null: not reached).
    pub median_lo_days: Option<f64>,
    /// Upper end (null: beyond the horizon in too many rehearsals to bound it).
    pub median_hi_days: Option<f64>,
    /// Share of rehearsals in which it was reached within the horizon.
    pub p_reached: f64,
}

/// One [`TimeToShare`] per share of [`SHARES`], from the median (with its interval) that
/// `median_of(k)` gives for the k-th share.
fn times_to_shares(
    median_of: impl Fn(usize) -> patchtwin_mc::rollout::QuantileDays,
) -> Vec<TimeToShare> {
    SHARES
        .iter()
        .enumerate()
        .map(|(k, share)| {
            let q = median_of(k);
            TimeToShare {
                share: *share,
                median_days: q.value,
                median_lo_days: q.lo,
                median_hi_days: q.hi,
                p_reached: q.reached,
            }
        })
        .collect()
}

/// The block of one plan.
pub(crate) fn summary(r: &PlanResult) -> RolloutSummary {
    let a = &r.rollout;
    RolloutSummary {
        rollbacks_per_run: (a.rollbacks.n > 0).then(|| a.rollbacks_per_run().into()),
        time_to_patch: if a.pairs == 0 || a.ns_to_share.is_empty() {
            Vec::new()
        } else {
            times_to_shares(|k| a.days_to_share(k, 0.5))
        },
        time_to_close_exposure: if a.ns_to_exposure_share.iter().all(|m| m.is_empty()) {
            Vec::new()
        } else {
            times_to_shares(|k| a.days_to_exposure_share(k, 0.5))
        },
        acc: a.clone(),
    }
}

/// "12.3 d (10.1–14.0)", "not reached in 60% of runs", or "beyond the horizon"; in hours
/// when the median is under a day ("1.0 h (0.7–1.5)"; times are exact, not rounded to hours).
fn days_text(t: &TimeToShare) -> String {
    let (scale, unit) = match t.median_days {
        Some(m) if m < 1.0 => (24.0, "h"),
        _ => (1.0, "d"),
    };
    let d = |x: Option<f64>| {
        x.map_or("beyond the horizon".to_string(), |x| {
            format!("{:.1} {unit}", x * scale)
        })
    };
    match t.median_days {
        Some(m) => format!(
            "{:.1} {unit} ({}–{})",
            m * scale,
            t.median_lo_days
                .map_or("?".into(), |x| format!("{:.1}", x * scale)),
            d(t.median_hi_days)
        ),
        None => format!("not reached in {:.0}% of runs", 100.0 * (1.0 - t.p_reached)),
    }
}

/// The report section: per plan, rollbacks and the time to patch 50/90/95%.
pub(crate) fn section(summary: &crate::Summary) -> Vec<crate::blocks::Block> {
    use crate::blocks::{Block, Span};
    if summary
        .plans
        .iter()
        .all(|p| p.rollout.time_to_patch.is_empty())
    {
        return Vec::new();
    }
    let txt = |s: String| vec![Span::Text(s)];
    let mut blocks = vec![
        Block::Heading {
            level: 2,
            text: "Rollout progress".into(),
            id: "rollout".into(),
        },
        Block::Para(txt(
            "How fast each plan closes the scenario's open (vulnerability, asset) pairs: the \
             median over rehearsals of the time until 50, 90 and 95% of them are patched, with \
             its 95% interval (order statistics), the same for 95% of the exposure at t = 0 \
             (each pair weighted by its exposure: a pair the attacker cannot reach counts for \
             nothing; controls close exposure too), and the rollbacks per run beside \
             P(at least one)."
                .into(),
        )),
    ];
    let head = [
        "plan",
        "rollbacks per run",
        "P(≥1 rollback)",
        "50% patched",
        "90% patched",
        "95% patched",
        "95% reached in",
        "95% exposure closed",
    ];
    blocks.push(Block::Table {
        head: head.map(String::from).to_vec(),
        right: vec![false, true, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let r = &p.rollout;
                let mut row = vec![
                    vec![Span::Code(p.id.clone())],
                    txt(r.rollbacks_per_run.map_or("—".into(), |e| {
                        format!("{:.2} ({:.2}–{:.2})", e.mean, e.lo, e.hi)
                    })),
                    txt(crate::format::pct_ci(&p.operations.p_patch_failure)),
                ];
                for t in &r.time_to_patch {
                    row.push(txt(days_text(t)));
                }
                while row.len() < 6 {
                    row.push(txt("—".into()));
                }
                row.push(txt(r.time_to_patch.last().map_or("—".into(), |t| {
                    format!("{:.0}% of runs", 100.0 * t.p_reached)
                })));
                row.push(txt(r
                    .time_to_close_exposure
                    .last()
                    .map_or("—".into(), days_text)));
                row
            })
            .collect(),
    });
    blocks
}

/// Lines for stdout: per plan, the time to patch 95% and the rollbacks per run.
pub fn text(summary: &crate::Summary) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if summary
        .plans
        .iter()
        .all(|p| p.rollout.time_to_patch.is_empty())
    {
        return out;
    }
    out.push_str("\nRollout (time until 95% of the open vulnerability-asset pairs are patched, median over runs)\n");
    for p in &summary.plans {
        let r = &p.rollout;
        let t95 = r.time_to_patch.last().map_or("—".into(), days_text);
        let rb = r
            .rollbacks_per_run
            .map_or("—".into(), |e| format!("{:.2}", e.mean));
        let e95 = r
            .time_to_close_exposure
            .last()
            .map_or("—".into(), days_text);
        let _ = writeln!(
            out,
            "  {:<24} {t95}; 95% of exposure closed {e95}; rollbacks per run {rb}",
            p.id
        );
    }
    out
}
