//! Per-replication decision outcomes of a scenario variant, on common random numbers.
//!
//! Replication `i` of every plan of every variant draws from [`patchtwin_mc::stream`]`(seed,
//! i)`, exactly as `patchtwin run` does, so a variant differs from the base only by the input
//! that was changed: differences between variants (and between plans) are sharp. The
//! replications run in parallel on one rayon pool and are collected in index order, so the
//! results are the same bits for any thread count.
//!
//! Unlike `patchtwin_mc::run`, which folds replications into accumulators, this keeps each
//! replication's loss and dual success (9 bytes per plan and replication): the loss exceedance
//! curve and the paired differences of any two plans are read from them. It does not keep
//! timing statistics: sensitivity is about the decision metrics.

use patchtwin_mc::estimate::{Estimate, Moments};
use patchtwin_model::Scenario;
use patchtwin_sim::{Compiled, Outcome, Replication};
use rayon::prelude::*;
use std::sync::Arc;

/// Loss of one replication: downtime, impact and data-loss cost (as `summary.json`'s
/// expected loss; `Outcome::loss`).
pub fn loss(o: &Outcome) -> f64 {
    o.loss()
}

/// Dual success of one replication (as `summary.json`'s dual success;
/// `Outcome::dual_success`).
pub fn dual_success(o: &Outcome) -> bool {
    o.dual_success()
}

/// Per-replication outcomes of some plans of one scenario variant.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Scenario plan indices, in the order run.
    pub plans: Vec<usize>,
    /// Replications per plan.
    pub runs: usize,
    /// Loss per replication, plan-major: plan `j`'s are `loss[j * runs..(j + 1) * runs]`.
    pub loss: Vec<f64>,
    /// Dual success per replication, laid out as `loss`.
    pub dual: Vec<bool>,
}

impl Sample {
    fn slot(&self, plan: usize) -> usize {
        self.plans
            .iter()
            .position(|&p| p == plan)
            .expect("the plan was run in this sample")
    }
    /// Plan `plan`'s (scenario index) losses, replication order.
    pub fn losses(&self, plan: usize) -> &[f64] {
        let j = self.slot(plan);
        &self.loss[j * self.runs..(j + 1) * self.runs]
    }
    /// Plan `plan`'s dual successes, replication order.
    pub fn duals(&self, plan: usize) -> &[bool] {
        let j = self.slot(plan);
        &self.dual[j * self.runs..(j + 1) * self.runs]
    }
    /// Expected loss of a plan (exact fixed-point mean, as `patchtwin_mc`).
    pub fn mean_loss(&self, plan: usize) -> f64 {
        let mut m = Moments::default();
        self.losses(plan).iter().for_each(|&x| m.push(x));
        m.mean()
    }
    /// P(dual success) of a plan, with its Wilson interval.
    pub fn p_dual(&self, plan: usize) -> Estimate {
        let k = self.duals(plan).iter().filter(|&&d| d).count() as u64;
        patchtwin_mc::estimate::wilson(k, self.runs as u64)
    }
    /// Paired difference `a − b` of expected loss, with its Student-t 95% interval.
    pub fn d_loss(&self, a: usize, b: usize) -> Estimate {
        let mut m = Moments::default();
        for (x, y) in self.losses(a).iter().zip(self.losses(b)) {
            m.push(x - y);
        }
        m.estimate()
    }
    /// Paired difference `a − b` of P(dual success), with Tango's score interval.
    pub fn d_dual(&self, a: usize, b: usize) -> Estimate {
        let mut m = Moments::default();
        for (&x, &y) in self.duals(a).iter().zip(self.duals(b)) {
            m.push(f64::from(u8::from(x)) - f64::from(u8::from(y)));
        }
        m.paired_proportion_estimate()
    }
}

/// Runs variants: one worker pool, one seed, one number of replications for all.
pub struct Runner {
    pool: rayon::ThreadPool,
    seed: u64,
    runs: u64,
    observe_ns: u64,
}

impl Runner {
    /// A runner of `runs` replications from `seed` on `threads` workers, with message-level
    /// observation windows of `observe_ns`.
    pub fn new(runs: u64, seed: u64, threads: usize, observe_ns: u64) -> Result<Self, String> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .map_err(|e| format!("cannot start {threads} worker threads: {e}"))?;
        Ok(Runner {
            pool,
            seed,
            runs,
            observe_ns,
        })
    }

    /// Replications per plan.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs every plan of `plans` on `scenario`, replications `0..runs`.
    pub fn sample(&self, scenario: &Scenario, plans: &[usize]) -> Sample {
        let model = Compiled::new(Arc::new(scenario.clone()));
        let rs = model.run_settings(self.observe_ns);
        let seed = self.seed;
        let per_rep: Vec<Vec<(f64, bool)>> = self.pool.install(|| {
            (0..self.runs)
                .into_par_iter()
                .map(|i| {
                    plans
                        .iter()
                        .map(|&p| {
                            let (o, _) =
                                Replication::new(&model, p, rs, patchtwin_mc::stream(seed, i))
                                    .run();
                            (loss(&o), dual_success(&o))
                        })
                        .collect()
                })
                .collect()
        });
        let runs = per_rep.len();
        let mut loss = vec![0.0; runs * plans.len()];
        let mut dual = vec![false; runs * plans.len()];
        for (i, rep) in per_rep.iter().enumerate() {
            for (j, &(l, d)) in rep.iter().enumerate() {
                loss[j * runs + i] = l;
                dual[j * runs + i] = d;
            }
        }
        Sample {
            plans: plans.to_vec(),
            runs,
            loss,
            dual,
        }
    }
}
