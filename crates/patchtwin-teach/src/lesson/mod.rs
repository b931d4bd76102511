//! Lesson packs: a YAML file in `lessons/` naming a scenario, the plans to compare, questions
//! whose answers are drawn from the simulated outcome, the runs to show and a debrief
//! ([`Lesson::load`], every problem reported with file, line, column and field, all in one
//! pass), and the self-contained HTML lesson [`render`] writes: question → the trainee's
//! choice → reveal with the numbers across runs and the timelines of the runs to show.
//!
//! A question's answer is never written in the file: it is a rule (`best: lowest` of a metric
//! across the plans, or the bin a measured value falls in) applied to the runs at render time.
//!
//! This module holds the validated lesson's types; its submodules, each importing only from
//! this one and those listed before it:
//! - `load`: the file format and its validation ([`Lesson::load`]);
//! - `rules`: replaying the runs and applying the answer rules ([`replay_runs`], [`value`],
//!   [`choices`], [`shown_run`]);
//! - `render`: the HTML page ([`render`]).
//!
//! Not file writing (the caller writes the page).

use crate::find::{Expr, Pick};
use patchtwin_model::Scenario;
use std::path::PathBuf;
use std::sync::Arc;

mod load;
mod render;
mod rules;

pub use render::render;
pub use rules::{Choices, Runs, choices, replay_runs, shown_run, value};

/// What a question measures, per run (then averaged over runs, or a share in percent for
/// `p_*`).
pub const METRICS: [(&str, &str); 12] = [
    ("trips", "unplanned trips per run"),
    ("p_trip", "share of runs with at least one trip (%)"),
    ("downtime_h", "unplanned downtime per run (hours)"),
    ("rollbacks", "failed, rolled-back deployments per run"),
    (
        "overrun_h",
        "work past the maintenance window per run (hours)",
    ),
    (
        "data_lost_h",
        "data lost beyond buffers per run (flow-hours)",
    ),
    (
        "p_compromise",
        "share of runs where a target was compromised (%)",
    ),
    ("loss", "downtime cost plus impact cost per run"),
    (
        "latency_before_ms",
        "a flow's mean latency before the plan's changes (ms; needs `flow`)",
    ),
    (
        "latency_after_ms",
        "a flow's mean latency after the plan's changes (ms; needs `flow`)",
    ),
    (
        "latency_change_ms",
        "after minus before, per run, averaged (ms; needs `flow`)",
    ),
    (
        "p_find",
        "share of runs where the `find` expression holds (%; needs `find`)",
    ),
];

/// How a question is answered.
#[derive(Clone, Debug)]
pub enum Answer {
    /// The plan with the lowest (or highest) value of the metric is the answer; the choices
    /// are the lesson's plans.
    Best {
        /// The metric.
        metric: Metric,
        /// `true`: lowest wins.
        lowest: bool,
    },
    /// The measured value of one plan falls in one of the bins (edges ascending); the choices
    /// are the bins.
    Bins {
        /// The metric.
        metric: Metric,
        /// The plan measured.
        plan: usize,
        /// Bin edges.
        edges: Vec<f64>,
        /// Unit printed after the edges.
        unit: String,
    },
}

/// A metric with what it needs.
#[derive(Clone, Debug)]
pub struct Metric {
    /// Its name (one of [`METRICS`]).
    pub name: String,
    /// The flow, for latency.
    pub flow: Option<usize>,
    /// The expression, for `p_find`.
    pub find: Option<(String, Expr)>,
}

/// One question.
#[derive(Clone, Debug)]
pub struct Question {
    /// The question.
    pub ask: String,
    /// How it is answered.
    pub answer: Answer,
    /// Said after the reveal.
    pub explain: String,
}

/// A run to show.
#[derive(Clone, Debug)]
pub struct Show {
    /// Plan index.
    pub plan: usize,
    /// How it is chosen.
    pub how: ShowHow,
    /// Flows whose latency is drawn.
    pub latency: Vec<usize>,
    /// Caption.
    pub caption: String,
}

/// How a shown run is chosen.
#[derive(Clone, Debug)]
pub enum ShowHow {
    /// A fixed replication.
    Run(u64),
    /// A `--pick` rule.
    Pick(Pick),
    /// The first run where the expression holds.
    Find(String, Expr),
}

/// A validated lesson.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// Title.
    pub title: String,
    /// The scenario file (resolved against the lesson's folder).
    pub scenario_path: PathBuf,
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// The scenario's text.
    pub scenario_text: String,
    /// Master seed.
    pub seed: u64,
    /// Runs per plan for the numbers.
    pub runs: u64,
    /// Observation window (ns).
    pub observe_ns: u64,
    /// What the trainee reads first.
    pub brief: String,
    /// Plans compared (indices).
    pub plans: Vec<usize>,
    /// Questions.
    pub questions: Vec<Question>,
    /// Runs to show.
    pub show: Vec<Show>,
    /// The debrief.
    pub debrief: String,
}
