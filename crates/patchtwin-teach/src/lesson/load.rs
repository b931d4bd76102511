//! The lesson file format and its validation: [`Lesson::load`] reads the YAML, checks every
//! field (unknown keys with the nearest known one, plan and flow ids of the scenario, metric
//! names, `find` expressions, `pick` rules, bins) and reports every problem at once, located
//! by file, line, column and field.
//!
//! Not here: running anything (`rules`) or HTML (`render`).

use super::{Answer, Lesson, METRICS, Metric, Question, Show, ShowHow};
use crate::find::{self, Pick};
use patchtwin_model::Scenario;
use patchtwin_scenario::diag::{Diagnostic, Diagnostics, Severity};
use patchtwin_scenario::source::{self, SourceMap};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
        let found = |c: Check<'_>, text: String| Diagnostics {
            items: c.items,
            source: Some(text),
        };
        if !v.is_object() {
            c.err(
                "",
                "a lesson is a mapping with title, scenario, plans, questions, show and debrief"
                    .into(),
                None,
            );
            return Err(found(c, text));
        }
        c.unknown_keys(&v, "", &TOP);
        let title = c.text(&v["title"], "title", true);
        let brief = c.text(&v["brief"], "brief", true);
        let debrief = c.text(&v["debrief"], "debrief", true);
        let (seed, runs, observe_ns) = settings(&mut c, &v);
        let Some((scenario_path, s)) = scenario(&mut c, &v, path) else {
            return Err(found(c, text));
        };
        let scenario_text = std::fs::read_to_string(&scenario_path).unwrap_or_default();
        let plans = plans(&mut c, &s, &v);
        let questions = questions(&mut c, &s, &v);
        let show = shows(&mut c, &s, &v);
        if !c.items.is_empty() {
            return Err(found(c, text));
        }
        Ok(Lesson {
            title,
            scenario_path,
            scenario: s.clone(),
            scenario_text,
            seed,
            runs,
            observe_ns: observe_ns.min(s.horizon.as_nanos()),
            brief,
            plans,
            questions,
            show,
            debrief,
        })
    }
}

/// `seed` (default 1), `runs` (default 40, 1 to 2000) and `observe` (default `20s`, in ns;
/// 0 when invalid, which is reported).
fn settings(c: &mut Check<'_>, v: &Value) -> (u64, u64, u64) {
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
            format!("`observe` must be a positive duration such as `20s`; got `{observe_text}`"),
            None,
        );
    }
    (seed, runs, observe.map_or(0, |d| d.as_nanos()))
}

/// The scenario, relative to the lesson's folder, loaded; `None` (reported) when it is not
/// given or does not load.
fn scenario(c: &mut Check<'_>, v: &Value, path: &Path) -> Option<(PathBuf, Arc<Scenario>)> {
    let scen = c.text(&v["scenario"], "scenario", true);
    let base = path.parent().unwrap_or(Path::new("."));
    let scenario_path = base.join(&scen);
    if scen.is_empty() {
        return None;
    }
    match patchtwin_scenario::load_file(&scenario_path) {
        Ok(l) => Some((scenario_path, Arc::new(l.scenario))),
        Err(d) => {
            c.err(
                "scenario",
                format!(
                    "the scenario {} does not load ({} problem(s)); run `patchtwin validate {}`",
                    scenario_path.display(),
                    d.items.len(),
                    scenario_path.display()
                ),
                d.items.first().map(|f| f.message.clone()),
            );
            None
        }
    }
}

/// `plans`: at least two plan ids of the scenario, none twice.
fn plans(c: &mut Check<'_>, s: &Scenario, v: &Value) -> Vec<usize> {
    let mut plans = Vec::new();
    match v["plans"].as_array() {
        Some(list) if list.len() >= 2 => {
            for (i, p) in list.iter().enumerate() {
                let path = source::join_index("plans", i);
                if let Some(ix) = c.plan(s, p, &path) {
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
    plans
}

/// `questions`: at least one, each checked by [`question`].
fn questions(c: &mut Check<'_>, s: &Scenario, v: &Value) -> Vec<Question> {
    let mut questions = Vec::new();
    match v["questions"].as_array() {
        Some(list) if !list.is_empty() => {
            for (i, q) in list.iter().enumerate() {
                let path = source::join_index("questions", i);
                if let Some(q) = question(c, s, q, &path) {
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
    questions
}

/// `show`: at least one run to show, each checked by [`show`].
fn shows(c: &mut Check<'_>, s: &Scenario, v: &Value) -> Vec<Show> {
    let mut shows = Vec::new();
    match v["show"].as_array() {
        Some(list) if !list.is_empty() => {
            for (i, x) in list.iter().enumerate() {
                shows.extend(show(c, s, x, &source::join_index("show", i)));
            }
        }
        _ => c.err(
            "show",
            "`show` must list at least one run to show".into(),
            None,
        ),
    }
    shows
}

/// One run to show at `path`: a plan, exactly one of `run`, `pick` or `find`, the flows whose
/// latency is drawn and a caption.
fn show(c: &mut Check<'_>, s: &Scenario, x: &Value, path: &str) -> Option<Show> {
    c.unknown_keys(
        x,
        path,
        &["plan", "run", "pick", "find", "latency", "caption"],
    );
    let plan = c.plan(s, &x["plan"], &source::join_key(path, "plan"));
    let given = ["run", "pick", "find"]
        .iter()
        .filter(|k| !x[**k].is_null())
        .count();
    if given != 1 {
        c.err(
            path,
            "a run to show gives exactly one of `run`, `pick` or `find`".into(),
            None,
        );
        return None;
    }
    let how = show_how(c, s, x, path);
    let mut latency = Vec::new();
    if let Some(list) = x["latency"].as_array() {
        for (k, f) in list.iter().enumerate() {
            let p = source::join_index(&source::join_key(path, "latency"), k);
            latency.extend(c.flow(s, f, &p));
        }
    } else if !x["latency"].is_null() {
        c.err(
            &source::join_key(path, "latency"),
            "`latency` must list flow ids".into(),
            None,
        );
    }
    let caption = c.text(&x["caption"], &source::join_key(path, "caption"), false);
    Some(Show {
        plan: plan?,
        how: how?,
        latency,
        caption,
    })
}

/// How a run to show is chosen: the one of `run`, `pick` or `find` it gives.
fn show_how(c: &mut Check<'_>, s: &Scenario, x: &Value, path: &str) -> Option<ShowHow> {
    if let Some(r) = x["run"].as_u64() {
        Some(ShowHow::Run(r))
    } else if !x["run"].is_null() {
        c.err(
            &source::join_key(path, "run"),
            "`run` must be a replication index (a whole number)".into(),
            None,
        );
        None
    } else if let Some(p) = x["pick"].as_str() {
        match Pick::parse(p) {
            Ok(p) => Some(ShowHow::Pick(p)),
            Err(e) => {
                c.err(
                    &source::join_key(path, "pick"),
                    e.replace("--pick: ", ""),
                    None,
                );
                None
            }
        }
    } else if let Some(f) = x["find"].as_str() {
        match find::parse(f, s) {
            Ok(e) => Some(ShowHow::Find(f.to_string(), e)),
            Err(e) => {
                c.err(
                    &source::join_key(path, "find"),
                    e.replace("--find: ", ""),
                    None,
                );
                None
            }
        }
    } else {
        c.err(path, "`pick` and `find` must be texts".into(), None);
        None
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
