//! The context every sweep shares (`Ctx`): the base scenario, the runner, the recommended plan
//! and the runner-up, the decision metric and the progress count; it runs a variant and turns
//! its sample into a `Point` (metrics, paired differences, margin, best plan), and says whether
//! a point clearly favours one of the two plans.
//!
//! Not here: which values are run (`sweep`) or the words (`words`).

use super::*;

/// The context shared by every sweep.
pub(super) struct Ctx<'a> {
    pub(super) base: &'a Scenario,
    pub(super) runner: &'a Runner,
    pub(super) all_plans: Vec<usize>,
    pub(super) rec: usize,
    pub(super) up: usize,
    pub(super) metric: Metric,
    pub(super) done: std::sync::atomic::AtomicU64,
    pub(super) replications: std::sync::atomic::AtomicU64,
    pub(super) total: u64,
    pub(super) progress: Progress<'a>,
}

impl Ctx<'_> {
    pub(super) fn run(&self, scenario: &Scenario, plans: &[usize]) -> Sample {
        let s = self.runner.sample(scenario, plans);
        self.replications.fetch_add(
            self.runner.runs() * plans.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        (self.progress)(n, self.total.max(n));
        s
    }

    pub(super) fn point(&self, sample: &Sample, value: f64, role: &str) -> Point {
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
    pub(super) fn clear(&self, p: &Point) -> Option<bool> {
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

pub(super) fn change(ctx: &Ctx<'_>, p: &Point) -> Change {
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
