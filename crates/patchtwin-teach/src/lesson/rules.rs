//! The answer rules of a lesson applied to its runs: replaying every run of the plans the
//! lesson compares ([`replay_runs`]), a metric's value across them ([`value`]), a question's
//! choices and the right one ([`choices`]), and which replication a run to show points at
//! ([`shown_run`]).
//!
//! Not here: reading or checking the lesson file (`load`), or HTML (`render`).

use super::{Answer, Lesson, Metric, Question, Show, ShowHow};
use crate::find::{self, Pick, RunFacts};
use patchtwin_sim::Compiled;

/// The runs of every plan of a lesson, summed up.
pub struct Runs {
    /// Per plan of the scenario (empty for plans the lesson does not use).
    pub facts: Vec<Vec<RunFacts>>,
    /// Per plan: per run, the mean latency after the changes of each flow (ns), if measured.
    pub latency_after: Vec<Vec<Vec<Option<f64>>>>,
    /// Per plan: per run, the mean latency before the changes of each flow (ns), if measured.
    pub latency_before: Vec<Vec<Vec<Option<f64>>>>,
}

/// Replays the lesson's runs.
pub fn replay_runs(l: &Lesson, model: &Compiled) -> Runs {
    let n = l.scenario.plans.len();
    let mut facts = vec![Vec::new(); n];
    let mut latency_after = vec![Vec::new(); n];
    let mut latency_before = vec![Vec::new(); n];
    for &p in &l.plans {
        for i in 0..l.runs {
            let (o, lines) = find::replay(model, p, l.seed, i, l.observe_ns, Vec::new());
            latency_after[p].push(o.flows_after.iter().map(|f| f.mean_latency_ns()).collect());
            latency_before[p].push(o.flows.iter().map(|f| f.mean_latency_ns()).collect());
            facts[p].push(RunFacts::new(i, &o, lines));
        }
    }
    Runs {
        facts,
        latency_after,
        latency_before,
    }
}

/// The value of `m` for plan `p` across the runs; `None` when it was never measured (a
/// latency after changes that never completed).
pub fn value(l: &Lesson, runs: &Runs, m: &Metric, p: usize) -> Option<f64> {
    let f = &runs.facts[p];
    let n = f.len() as f64;
    if f.is_empty() {
        return None;
    }
    let mean = |g: &dyn Fn(&RunFacts) -> f64| Some(f.iter().map(g).sum::<f64>() / n);
    match m.name.as_str() {
        "trips" => mean(&|r| f64::from(r.trips)),
        "p_trip" => mean(&|r| 100.0 * f64::from(u8::from(r.trips > 0))),
        "downtime_h" => mean(&|r| r.downtime_ns as f64 / 3.6e12),
        "rollbacks" => mean(&|r| f64::from(r.rollbacks)),
        "overrun_h" => mean(&|r| r.overrun_ns as f64 / 3.6e12),
        "data_lost_h" => mean(&|r| r.data_lost_ns as f64 / 3.6e12),
        "p_compromise" => mean(&|r| 100.0 * f64::from(u8::from(r.compromised_at.is_some()))),
        "loss" => mean(&|r| r.loss),
        "p_find" => {
            let (_, e) = m.find.as_ref()?;
            mean(&|r| 100.0 * f64::from(u8::from(r.eval(&l.scenario, e).is_some())))
        }
        "latency_change_ms" => {
            let flow = m.flow?;
            let v: Vec<f64> = runs.latency_after[p]
                .iter()
                .zip(&runs.latency_before[p])
                .filter_map(|(a, b)| Some(a[flow]? - b[flow]?))
                .collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64 / 1e6)
        }
        "latency_after_ms" | "latency_before_ms" => {
            let flow = m.flow?;
            let per_run = if m.name == "latency_after_ms" {
                &runs.latency_after[p]
            } else {
                &runs.latency_before[p]
            };
            let v: Vec<f64> = per_run.iter().filter_map(|r| r[flow]).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64 / 1e6)
        }
        _ => None,
    }
}

/// A question made concrete by the runs.
pub struct Choices {
    /// The choices, as shown.
    pub labels: Vec<String>,
    /// The right one (`None` when the simulation cannot tell: no value, or a tie for best).
    pub right: Option<usize>,
    /// The measured values behind it, per plan.
    pub values: Vec<(String, Option<f64>)>,
}

/// The choices of a question and the index of the right one.
pub fn choices(l: &Lesson, runs: &Runs, q: &Question) -> Choices {
    match &q.answer {
        Answer::Best { metric, lowest } => {
            let vals: Vec<(String, Option<f64>)> = l
                .plans
                .iter()
                .map(|&p| (l.scenario.plans[p].id.clone(), value(l, runs, metric, p)))
                .collect();
            let best = vals
                .iter()
                .filter_map(|(_, v)| *v)
                .reduce(|a, b| if (a < b) == *lowest { a } else { b });
            let winners: Vec<usize> = (0..vals.len())
                .filter(|&i| vals[i].1.is_some() && vals[i].1 == best)
                .collect();
            let right = (winners.len() == 1).then(|| winners[0]);
            Choices {
                labels: vals.iter().map(|(n, _)| n.clone()).collect(),
                right,
                values: vals,
            }
        }
        Answer::Bins {
            metric,
            plan,
            edges,
            unit,
        } => {
            let mut labels = vec![format!("below {}{unit}", edges[0])];
            for w in edges.windows(2) {
                labels.push(format!("{}{unit} to {}{unit}", w[0], w[1]));
            }
            labels.push(format!("{}{unit} or more", edges[edges.len() - 1]));
            let v = value(l, runs, metric, *plan);
            let right = v.map(|x| edges.iter().filter(|e| x >= **e).count());
            Choices {
                labels,
                right,
                values: vec![(l.scenario.plans[*plan].id.clone(), v)],
            }
        }
    }
}

/// The replication a [`Show`] points at, with a sentence on how it was chosen.
pub fn shown_run(l: &Lesson, runs: &Runs, sh: &Show) -> Option<(u64, String)> {
    let f = &runs.facts[sh.plan];
    match &sh.how {
        ShowHow::Run(r) => Some((*r, format!("replication {r}"))),
        ShowHow::Pick(p) => {
            let name = match p {
                Pick::Worst => "the worst of",
                Pick::Typical => "a typical one of",
                Pick::FirstCompromise => "the earliest compromise among",
            };
            find::pick(f, *p).map(|r| {
                (
                    r.run,
                    format!(
                        "{name} {} runs: {}",
                        f.len(),
                        r.summary(&l.scenario.currency)
                    ),
                )
            })
        }
        ShowHow::Find(text, e) => f
            .iter()
            .find(|r| r.eval(&l.scenario, e).is_some())
            .map(|r| {
                (
                    r.run,
                    format!(
                        "the first of {} runs where `{text}`: {}",
                        f.len(),
                        r.summary(&l.scenario.currency)
                    ),
                )
            }),
    }
}
