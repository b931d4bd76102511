//! The `consequences` block of a plan in `summary.json`: data-loss consequences (P(at least one
//! reportable gap) with its interval, events per run, their cost, per consequence) and the time
//! controls' recovery effects added (the operational price of a control). Present only when the
//! scenario defines data-loss consequences or recovery effects. Formats accumulators; computes
//! no statistic of its own (the report's sections on it are in `document`).

use crate::Est;
use patchtwin_mc::PlanResult;
use patchtwin_model::Scenario;
use serde::Serialize;

/// What a plan's data losses and recovery effects cost.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, PartialEq)]
pub struct Consequences {
    /// P(at least one reportable data-loss event within the horizon): some gap in a
    /// consequence's flows longer than its threshold.
    pub p_data_loss_event: Est,
    /// Reportable data-loss events per replication.
    pub data_loss_events_per_run: f64,
    /// Cost of data-loss events (per event and per hour of lost data) per replication,
    /// included in `expected_loss`.
    pub data_loss_cost: Est,
    /// Per data-loss consequence, in scenario order.
    pub data_loss: Vec<DataLossFinding>,
    /// Time controls' recovery effects added to restarts, repairs and recoveries that
    /// happened, hours per replication (the downtime and cost it causes are in `operations`
    /// and `expected_loss`).
    pub recovery_extra_h: Est,
}

/// One data-loss consequence under one plan.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, PartialEq)]
pub struct DataLossFinding {
    /// Its id.
    pub id: String,
    /// Gap threshold, hours.
    pub gap_threshold_h: f64,
    /// Whether an event breaks operational success (dual success).
    pub breaks_operations: bool,
    /// P(at least one event of it).
    pub p_event: Est,
}

/// The block, or `None` when the scenario has neither data-loss consequences nor recovery
/// effects (so older summaries keep their shape).
pub fn consequences(s: &Scenario, r: &PlanResult) -> Option<Consequences> {
    let any_recovery = s.controls.iter().any(|c| !c.recovery.is_empty());
    if s.data_loss.is_empty() && !any_recovery {
        return None;
    }
    let o = &r.ops;
    let per_run = |n: u64| {
        if o.runs == 0 {
            0.0
        } else {
            n as f64 / o.runs as f64
        }
    };
    Some(Consequences {
        p_data_loss_event: o.p_data_loss().into(),
        data_loss_events_per_run: per_run(o.data_loss_events),
        data_loss_cost: o.data_loss_cost.nonnegative_estimate().into(),
        data_loss: s
            .data_loss
            .iter()
            .enumerate()
            .map(|(g, d)| DataLossFinding {
                id: d.id.clone(),
                gap_threshold_h: d.gap_threshold.as_nanos() as f64 / 3.6e12,
                breaks_operations: d.breaks_operations,
                p_event: patchtwin_mc::estimate::wilson(
                    o.data_loss_group_runs.get(g).copied().unwrap_or(0),
                    o.runs,
                )
                .into(),
            })
            .collect(),
        recovery_extra_h: o.recovery_extra_h.nonnegative_estimate().into(),
    })
}

/// The recommendation's sentence on data loss and recovery effects: said when the chosen
/// plan or its runner-up has a consequence block and the two differ in P(reportable data
/// loss) or in the recovery time their controls add (`None` otherwise).
pub(crate) fn recommendation_sentence(
    p: &crate::PlanSummary,
    q: Option<&crate::PlanSummary>,
    currency: &str,
) -> Option<String> {
    use crate::format::{pct_ci as pct_est, thousands as money};
    let c = p.consequences.as_ref()?;
    let other = q.and_then(|q| q.consequences.as_ref().map(|d| (q, d)));
    let mut parts = Vec::new();
    let differs_loss = other.is_some_and(|(_, d)| {
        d.p_data_loss_event.mean != c.p_data_loss_event.mean
            || d.data_loss_cost.mean != c.data_loss_cost.mean
    });
    if !c.data_loss.is_empty()
        && (differs_loss || (other.is_none() && c.p_data_loss_event.mean > 0.0))
    {
        let breaks = c.data_loss.iter().any(|d| d.breaks_operations);
        let mut s = format!(
            "Data loss: {} has a gap over a reportable threshold in {} of rehearsals ({:.2} events per run, {}{} per horizon)",
            p.id,
            pct_est(&c.p_data_loss_event),
            c.data_loss_events_per_run,
            money(c.data_loss_cost.mean),
            if currency.is_empty() {
                String::new()
            } else {
                format!(" {currency}")
            }
        );
        if let Some((q, d)) = other {
            s.push_str(&format!(
                " against {} for {} ({:.2} events per run)",
                pct_est(&d.p_data_loss_event),
                q.id,
                d.data_loss_events_per_run
            ));
        }
        s.push_str(if breaks {
            "; a reportable gap counts against dual success and its cost is in expected loss."
        } else {
            "; its cost is in expected loss (it does not count against dual success)."
        });
        parts.push(s);
    }
    let differs_recovery =
        other.is_some_and(|(_, d)| d.recovery_extra_h.mean != c.recovery_extra_h.mean);
    if differs_recovery || (other.is_none() && c.recovery_extra_h.mean > 0.0) {
        let adds = |id: &str, h: f64| {
            if h > 0.0 {
                format!("the controls of {id} add {h:.1} h")
            } else {
                format!("{id} adds nothing")
            }
        };
        let mut s = format!(
            "Recovery: {} to restarts, repairs and recoveries per run",
            adds(&p.id, c.recovery_extra_h.mean)
        );
        if let Some((q, d)) = other {
            s.push_str(&format!(", {}", adds(&q.id, d.recovery_extra_h.mean)));
        }
        s.push_str(" (the downtime and its cost are in the operational price and expected loss).");
        parts.push(s);
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}
