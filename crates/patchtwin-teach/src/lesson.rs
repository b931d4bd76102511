//! Lesson packs: a YAML file in `lessons/` naming a scenario, the plans to compare, questions
//! whose answers are drawn from the simulated outcome, the runs to show and a debrief
//! ([`Lesson::load`], every problem reported with file, line, column and field, all in one
//! pass), and the self-contained HTML lesson [`render`] writes: question → the trainee's
//! choice → reveal with the numbers across runs and the timelines of the runs to show.
//!
//! A question's answer is never written in the file: it is a rule (`best: lowest` of a metric
//! across the plans, or the bin a measured value falls in) applied to the runs at render time.
//!
//! Not file writing (the caller writes the page).

use crate::find::{self, Expr, Pick, RunFacts};
use crate::html::esc;
use crate::names::Names;
use crate::timeline::{Meta, Timeline};
use patchtwin_model::Scenario;
use patchtwin_scenario::diag::{Diagnostic, Diagnostics, Severity};
use patchtwin_scenario::source::{self, SourceMap};
use patchtwin_sim::Compiled;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

const TOP: [&str; 10] = [
    "title",
    "scenario",
    "seed",
    "runs",
    "observe",
    "brief",
    "plans",
    "questions",
    "show",
    "debrief",
];

struct Check<'a> {
    file: String,
    map: &'a SourceMap,
    items: Vec<Diagnostic>,
}

impl Check<'_> {
    fn err(&mut self, path: &str, message: String, help: Option<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Error,
            file: self.file.clone(),
            loc: self.map.value(path),
            path: path.to_string(),
            message,
            help,
        });
    }
    fn unknown_keys(&mut self, v: &Value, path: &str, known: &[&str]) {
        if let Some(m) = v.as_object() {
            for k in m.keys() {
                if !known.contains(&k.as_str()) {
                    let p = source::join_key(path, k);
                    let hint = patchtwin_scenario::diag::nearest(k, known.iter().copied())
                        .map(|n| format!("did you mean `{n}`?"));
                    self.items.push(Diagnostic {
                        severity: Severity::Error,
                        file: self.file.clone(),
                        loc: self.map.key(&p),
                        path: p,
                        message: format!(
                            "unknown field `{k}`; expected one of: {}",
                            known.join(", ")
                        ),
                        help: hint,
                    });
                }
            }
        }
    }
    fn text(&mut self, v: &Value, path: &str, required: bool) -> String {
        match v {
            Value::String(t) if !t.trim().is_empty() => t.clone(),
            Value::Null if !required => String::new(),
            Value::Null => {
                self.err(path, format!("`{path}` is missing: expected a text"), None);
                String::new()
            }
            _ => {
                self.err(path, format!("`{path}` must be a non-empty text"), None);
                String::new()
            }
        }
    }
    fn plan(&mut self, s: &Scenario, v: &Value, path: &str) -> Option<usize> {
        let Some(id) = v.as_str() else {
            self.err(
                path,
                format!("`{path}` must be a plan id of the scenario"),
                None,
            );
            return None;
        };
        let ix = s.plan_by_id(id);
        if ix.is_none() {
            let ids: Vec<&str> = s.plans.iter().map(|p| p.id.as_str()).collect();
            let hint = patchtwin_scenario::diag::nearest(id, ids.iter().copied())
                .map(|n| format!("did you mean `{n}`?"));
            self.err(
                path,
                format!("unknown plan `{id}`; the scenario has: {}", ids.join(", ")),
                hint,
            );
        }
        ix
    }
    fn flow(&mut self, s: &Scenario, v: &Value, path: &str) -> Option<usize> {
        let Some(id) = v.as_str() else {
            self.err(
                path,
                format!("`{path}` must be a flow id of the scenario"),
                None,
            );
            return None;
        };
        let ix = s.flows.iter().position(|f| f.id == id);
        if ix.is_none() {
            let hint = patchtwin_scenario::diag::nearest(id, s.flows.iter().map(|f| f.id.as_str()))
                .map(|n| format!("did you mean `{n}`?"));
            self.err(path, format!("unknown flow `{id}`"), hint);
        }
        ix
    }
}

impl Lesson {
    /// Reads and checks the lesson file `path`: every problem located.
    pub fn load(path: &Path) -> Result<Lesson, Diagnostics> {
        let file = path.display().to_string();
        let fail = |message: String| Diagnostics {
            items: vec![Diagnostic {
                severity: Severity::Error,
                file: file.clone(),
                loc: None,
                path: String::new(),
                message,
                help: None,
            }],
            source: None,
        };
        let bytes = patchtwin_scenario::read_capped(path, source::MAX_INPUT_BYTES)
            .map_err(|e| fail(format!("cannot read the lesson: {e}")))?;
        let text =
            String::from_utf8(bytes).map_err(|_| fail("the lesson is not UTF-8 text".into()))?;
        let (v, map) = source::read(&text).map_err(|errs| Diagnostics {
            items: errs.into_iter().map(|e| e.into_diagnostic(&file)).collect(),
            source: Some(text.clone()),
        })?;
        let mut c = Check {
            file: file.clone(),
            map: &map,
            items: Vec::new(),
        };
        if !v.is_object() {
            c.err(
                "",
                "a lesson is a mapping with title, scenario, plans, questions, show and debrief"
                    .into(),
                None,
            );
            return Err(Diagnostics {
                items: c.items,
                source: Some(text),
            });
        }
        c.unknown_keys(&v, "", &TOP);
        let title = c.text(&v["title"], "title", true);
        let brief = c.text(&v["brief"], "brief", true);
        let debrief = c.text(&v["debrief"], "debrief", true);
        let seed = match &v["seed"] {
            Value::Null => 1,
            x => x.as_u64().unwrap_or_else(|| {
                c.err("seed", "`seed` must be a whole number ≥ 0".into(), None);
                1
            }),
        };
        let runs = match &v["runs"] {
            Value::Null => 40,
            x => match x.as_u64() {
                Some(n @ 1..=2000) => n,
                _ => {
                    c.err("runs", "`runs` must be a whole number from 1 to 2000 (replications per plan behind the numbers)".into(), None);
                    40
                }
            },
        };
        let observe_text = match &v["observe"] {
            Value::Null => "20s".to_string(),
            x => c.text(x, "observe", true),
        };
        let observe = patchtwin_scenario::units::parse_duration(&observe_text)
            .ok()
            .filter(|d| d.as_nanos() > 0);
        if observe.is_none() {
            c.err(
                "observe",
                format!(
                    "`observe` must be a positive duration such as `20s`; got `{observe_text}`"
                ),
                None,
            );
        }
        // The scenario, relative to the lesson's folder.
        let scen = c.text(&v["scenario"], "scenario", true);
        let base = path.parent().unwrap_or(Path::new("."));
        let scenario_path = base.join(&scen);
        let loaded = if scen.is_empty() {
            None
        } else {
            match patchtwin_scenario::load_file(&scenario_path) {
                Ok(l) => Some(l),
                Err(d) => {
                    c.err(
                        "scenario",
                        format!("the scenario {} does not load ({} problem(s)); run `patchtwin validate {}`", scenario_path.display(), d.items.len(), scenario_path.display()),
                        d.items.first().map(|f| f.message.clone()),
                    );
                    None
                }
            }
        };
        let Some(loaded) = loaded else {
            return Err(Diagnostics {
                items: c.items,
                source: Some(text),
            });
        };
        let scenario_text = std::fs::read_to_string(&scenario_path).unwrap_or_default();
        let s = Arc::new(loaded.scenario);
        let mut plans = Vec::new();
        match v["plans"].as_array() {
            Some(list) if list.len() >= 2 => {
                for (i, p) in list.iter().enumerate() {
                    let path = source::join_index("plans", i);
                    if let Some(ix) = c.plan(&s, p, &path) {
                        if plans.contains(&ix) {
                            c.err(
                                &path,
                                format!("plan `{}` is listed twice", s.plans[ix].id),
                                None,
                            );
                        }
                        plans.push(ix);
                    }
                }
            }
            _ => c.err(
                "plans",
                "`plans` must list at least two plan ids to compare".into(),
                None,
            ),
        }
        let mut questions = Vec::new();
        match v["questions"].as_array() {
            Some(list) if !list.is_empty() => {
                for (i, q) in list.iter().enumerate() {
                    let path = source::join_index("questions", i);
                    if let Some(q) = question(&mut c, &s, q, &path) {
                        questions.push(q);
                    }
                }
            }
            _ => c.err(
                "questions",
                "`questions` must list at least one question".into(),
                None,
            ),
        }
        let mut show = Vec::new();
        match v["show"].as_array() {
            Some(list) if !list.is_empty() => {
                for (i, x) in list.iter().enumerate() {
                    let path = source::join_index("show", i);
                    c.unknown_keys(
                        x,
                        &path,
                        &["plan", "run", "pick", "find", "latency", "caption"],
                    );
                    let plan = c.plan(&s, &x["plan"], &source::join_key(&path, "plan"));
                    let given = ["run", "pick", "find"]
                        .iter()
                        .filter(|k| !x[**k].is_null())
                        .count();
                    if given != 1 {
                        c.err(
                            &path,
                            "a run to show gives exactly one of `run`, `pick` or `find`".into(),
                            None,
                        );
                        continue;
                    }
                    let how = if let Some(r) = x["run"].as_u64() {
                        Some(ShowHow::Run(r))
                    } else if !x["run"].is_null() {
                        c.err(
                            &source::join_key(&path, "run"),
                            "`run` must be a replication index (a whole number)".into(),
                            None,
                        );
                        None
                    } else if let Some(p) = x["pick"].as_str() {
                        match Pick::parse(p) {
                            Ok(p) => Some(ShowHow::Pick(p)),
                            Err(e) => {
                                c.err(
                                    &source::join_key(&path, "pick"),
                                    e.replace("--pick: ", ""),
                                    None,
                                );
                                None
                            }
                        }
                    } else if let Some(f) = x["find"].as_str() {
                        match find::parse(f, &s) {
                            Ok(e) => Some(ShowHow::Find(f.to_string(), e)),
                            Err(e) => {
                                c.err(
                                    &source::join_key(&path, "find"),
                                    e.replace("--find: ", ""),
                                    None,
                                );
                                None
                            }
                        }
                    } else {
                        c.err(&path, "`pick` and `find` must be texts".into(), None);
                        None
                    };
                    let mut latency = Vec::new();
                    if let Some(list) = x["latency"].as_array() {
                        for (k, f) in list.iter().enumerate() {
                            let p = source::join_index(&source::join_key(&path, "latency"), k);
                            latency.extend(c.flow(&s, f, &p));
                        }
                    } else if !x["latency"].is_null() {
                        c.err(
                            &source::join_key(&path, "latency"),
                            "`latency` must list flow ids".into(),
                            None,
                        );
                    }
                    let caption = c.text(&x["caption"], &source::join_key(&path, "caption"), false);
                    if let (Some(plan), Some(how)) = (plan, how) {
                        show.push(Show {
                            plan,
                            how,
                            latency,
                            caption,
                        });
                    }
                }
            }
            _ => c.err(
                "show",
                "`show` must list at least one run to show".into(),
                None,
            ),
        }
        if !c.items.is_empty() {
            return Err(Diagnostics {
                items: c.items,
                source: Some(text),
            });
        }
        Ok(Lesson {
            title,
            scenario_path,
            scenario: s.clone(),
            scenario_text,
            seed,
            runs,
            observe_ns: observe
                .map_or(0, |d| d.as_nanos())
                .min(s.horizon.as_nanos()),
            brief,
            plans,
            questions,
            show,
            debrief,
        })
    }
}

fn question(c: &mut Check<'_>, s: &Scenario, q: &Value, path: &str) -> Option<Question> {
    c.unknown_keys(q, path, &["ask", "answer", "explain"]);
    let ask = c.text(&q["ask"], &source::join_key(path, "ask"), true);
    let explain = c.text(&q["explain"], &source::join_key(path, "explain"), false);
    let ap = source::join_key(path, "answer");
    let a = &q["answer"];
    if !a.is_object() {
        c.err(&ap, "`answer` must be a mapping: `metric` with `best: lowest|highest`, or `metric`, `plan` and `bins`".into(), None);
        return None;
    }
    c.unknown_keys(
        a,
        &ap,
        &["metric", "best", "plan", "bins", "unit", "flow", "find"],
    );
    let mp = source::join_key(&ap, "metric");
    let name = a["metric"].as_str().unwrap_or_default().to_string();
    if !METRICS.iter().any(|(m, _)| *m == name) {
        let hint = patchtwin_scenario::diag::nearest(&name, METRICS.iter().map(|(m, _)| *m))
            .map(|n| format!("did you mean `{n}`?"));
        c.err(
            &mp,
            format!(
                "`metric` must be one of: {}",
                METRICS
                    .iter()
                    .map(|(m, _)| *m)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hint,
        );
        return None;
    }
    let flow = if name.starts_with("latency_") {
        let f = c.flow(s, &a["flow"], &source::join_key(&ap, "flow"));
        f?;
        f
    } else {
        None
    };
    let find = if name == "p_find" {
        let fp = source::join_key(&ap, "find");
        match a["find"].as_str().map(|t| (t, find::parse(t, s))) {
            Some((t, Ok(e))) => Some((t.to_string(), e)),
            Some((_, Err(e))) => {
                c.err(&fp, e.replace("--find: ", ""), None);
                return None;
            }
            None => {
                c.err(
                    &fp,
                    "metric `p_find` needs `find`: an expression such as `rollback and compromise`"
                        .into(),
                    None,
                );
                return None;
            }
        }
    } else {
        None
    };
    let metric = Metric { name, flow, find };
    let answer = match (&a["best"], &a["bins"]) {
        (Value::String(b), Value::Null) if b == "lowest" || b == "highest" => Answer::Best {
            metric,
            lowest: b == "lowest",
        },
        (Value::Null, Value::Array(edges)) => {
            let plan = c.plan(s, &a["plan"], &source::join_key(&ap, "plan"))?;
            let e: Vec<f64> = edges.iter().filter_map(Value::as_f64).collect();
            if e.len() != edges.len() || e.is_empty() || e.windows(2).any(|w| w[0] >= w[1]) {
                c.err(&source::join_key(&ap, "bins"), "`bins` must list one or more numbers in ascending order (the edges between the choices)".into(), None);
                return None;
            }
            let unit = a["unit"].as_str().unwrap_or("").to_string();
            Answer::Bins {
                metric,
                plan,
                edges: e,
                unit,
            }
        }
        _ => {
            c.err(&ap, "`answer` needs either `best: lowest` (or `highest`) or `bins` with a `plan`, not both".into(), None);
            return None;
        }
    };
    Some(Question {
        ask,
        answer,
        explain,
    })
}

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

fn fmt_value(name: &str, v: Option<f64>, currency: &str) -> String {
    match v {
        None => "not measured".into(),
        Some(x) if name.starts_with("p_") => format!("{x:.1}%"),
        Some(x) if name == "loss" => format!("{currency} {x:.0}"),
        Some(x) if name.starts_with("latency_") => format!("{x:.3} ms"),
        Some(x) => format!("{x:.2}"),
    }
}

/// Renders the lesson as one self-contained HTML page (running its replications).
pub fn render(l: &Lesson) -> String {
    let model = Compiled::new(l.scenario.clone());
    let runs = replay_runs(l, &model);
    let s = &l.scenario;
    let names = Names::new(s, Some(&l.scenario_text));
    let mut body = String::new();
    body.push_str(&format!(
        "<header><h1>{}</h1><p class=\"ptl-meta\">Scenario <b>{}</b> — {}</p></header>\n<section class=\"brief\"><h2>The situation</h2>{}</section>\n",
        esc(&l.title),
        esc(&s.name),
        esc(&s.description),
        paras(&l.brief)
    ));
    body.push_str("<section class=\"plans\"><h2>The plans</h2><ul>");
    for &p in &l.plans {
        body.push_str(&format!(
            "<li><b>{}</b>: {}</li>",
            esc(&s.plans[p].id),
            esc(&s.plans[p].description)
        ));
    }
    body.push_str("</ul></section>\n");
    for (qi, q) in l.questions.iter().enumerate() {
        let Choices {
            labels,
            right,
            values: vals,
        } = choices(l, &runs, q);
        let metric = match &q.answer {
            Answer::Best { metric, .. } | Answer::Bins { metric, .. } => metric,
        };
        let what = METRICS
            .iter()
            .find(|(m, _)| *m == metric.name)
            .map_or("", |(_, d)| *d);
        body.push_str(&format!("<section class=\"question\" data-q=\"{qi}\" data-right=\"{}\"><h2>Question {}</h2><p class=\"ask\">{}</p><fieldset><legend>Your choice</legend>",
            right.map_or(-1, |r| r as i64), qi + 1, esc(&q.ask)));
        for (ci, label) in labels.iter().enumerate() {
            body.push_str(&format!(
                "<label><input type=\"radio\" name=\"q{qi}\" value=\"{ci}\"> {}</label>",
                esc(label)
            ));
        }
        body.push_str("</fieldset><button type=\"button\" class=\"reveal-btn\">Reveal the simulated answer</button>");
        body.push_str(
            "<div class=\"answer\" hidden><p class=\"verdict\" aria-live=\"polite\"></p>",
        );
        body.push_str(&format!(
            "<p>The simulation says: <b>{}</b>.</p>",
            esc(&right.map_or(
                "no single answer (a tie, or not measured)".to_string(),
                |r| labels[r].clone()
            ))
        ));
        body.push_str(&format!("<table><caption>{} — {} runs per plan, seed {}</caption><tr><th>plan</th><th>{}</th></tr>", esc(what), l.runs, l.seed, esc(&metric.name)));
        for (plan, v) in &vals {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(plan),
                fmt_value(&metric.name, *v, &s.currency)
            ));
        }
        body.push_str("</table>");
        if !q.explain.is_empty() {
            body.push_str(&paras(&q.explain));
        }
        body.push_str("</div></section>\n");
    }
    // Numbers across runs, every plan.
    body.push_str(&format!("<section class=\"numbers reveal-all\" hidden><h2>The numbers across {} runs per plan</h2><table><tr><th>plan</th>", l.runs));
    let cols = [
        "p_trip",
        "trips",
        "downtime_h",
        "rollbacks",
        "overrun_h",
        "p_compromise",
        "loss",
    ];
    for c in cols {
        body.push_str(&format!("<th>{c}</th>"));
    }
    body.push_str("</tr>");
    for &p in &l.plans {
        body.push_str(&format!("<tr><td>{}</td>", esc(&s.plans[p].id)));
        for c in cols {
            let m = Metric {
                name: c.into(),
                flow: None,
                find: None,
            };
            body.push_str(&format!(
                "<td>{}</td>",
                fmt_value(c, value(l, &runs, &m, p), &s.currency)
            ));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table></section>\n");
    for (si, sh) in l.show.iter().enumerate() {
        let Some((run, how)) = shown_run(l, &runs, sh) else {
            body.push_str(&format!(
                "<section class=\"show reveal-all\" hidden><h2>Plan {}</h2><p>No run of the {} matched; nothing to show.</p></section>",
                esc(&s.plans[sh.plan].id),
                l.runs
            ));
            continue;
        };
        let mut lat = vec![false; s.flows.len()];
        for &f in &sh.latency {
            lat[f] = true;
        }
        let (o, lines) = find::replay(&model, sh.plan, l.seed, run, l.observe_ns, lat);
        let meta = Meta {
            plan: &s.plans[sh.plan].id,
            run,
            seed: l.seed,
            observe_ns: l.observe_ns,
            after_start_ns: o.ops.changes_done_at.map(|t| t.max(l.observe_ns)),
        };
        let t = Timeline::build(s, &names, &meta, &lines);
        body.push_str(&format!(
            "<section class=\"show reveal-all\" hidden><h2>Plan {}, run {run}</h2><p>{}</p>{}{}</section>\n",
            esc(&s.plans[sh.plan].id),
            esc(&how),
            paras(&sh.caption),
            crate::html::fragment(&t, &format!("show{si}"))
        ));
    }
    body.push_str(&format!(
        "<section class=\"debrief reveal-all\" hidden><h2>Debrief</h2>{}</section>\n",
        paras(&l.debrief)
    ));
    body.push_str(
        "<p><button type=\"button\" id=\"reveal-all\">Show the runs and the debrief</button></p>",
    );
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}{LESSON_STYLE}</style></head>
<body><main>{body}</main>
<script>{LESSON_SCRIPT}</script>
<script>{script}</script>
</body></html>
"#,
        title = esc(&l.title),
        style = crate::html::STYLE,
        script = crate::html::SCRIPT,
    )
}

fn paras(text: &str) -> String {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", esc(p.trim())))
        .collect()
}

const LESSON_STYLE: &str = "
.question{border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;margin:16px 0}
.question fieldset{border:0;padding:0;margin:8px 0;display:flex;flex-direction:column;gap:4px}
.question .ask{font-size:16px;font-weight:600}
.answer table,.numbers table{border-collapse:collapse;margin:8px 0}
.answer td,.answer th,.numbers td,.numbers th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
.verdict.right{color:#2e7d32;font-weight:600}.verdict.wrong{color:#c62828;font-weight:600}
button.reveal-btn,#reveal-all{font:inherit;padding:4px 12px;border:1px solid #8c959f;border-radius:4px;background:#f6f8fa;cursor:pointer}
@media print{[hidden]{display:block !important}.question fieldset,button{display:none}}
";

/// Reveals a question's answer with the trainee's choice judged; reveals the runs and the
/// debrief. Runs before the timeline script, which draws only visible charts' sizes anew on
/// resize, so revealing triggers a resize.
const LESSON_SCRIPT: &str = r#"(function () {
  "use strict";
  document.querySelectorAll(".question").forEach(function (q) {
    q.querySelector(".reveal-btn").addEventListener("click", function () {
      var right = Number(q.getAttribute("data-right"));
      var chosen = q.querySelector("input:checked");
      var v = q.querySelector(".verdict");
      if (!chosen) { v.textContent = "You did not choose; here is what the runs say."; v.className = "verdict"; }
      else if (right < 0) { v.textContent = "The runs do not single out one answer."; v.className = "verdict"; }
      else if (Number(chosen.value) === right) { v.textContent = "Right: the runs agree with your choice."; v.className = "verdict right"; }
      else { v.textContent = "Not what the runs say."; v.className = "verdict wrong"; }
      q.querySelector(".answer").hidden = false;
    });
  });
  document.getElementById("reveal-all").addEventListener("click", function () {
    document.querySelectorAll(".reveal-all").forEach(function (s) { s.hidden = false; });
    window.dispatchEvent(new Event("resize"));
  });
})();"#;
