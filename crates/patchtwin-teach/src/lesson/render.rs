//! The lesson as one self-contained HTML page: the brief and the plans, each question with
//! its choices and the hidden reveal (the simulated answer and the values behind it), the
//! numbers across runs, the timelines of the runs to show and the debrief, with the page's
//! own style and script on top of the timeline's.
//!
//! Not here: checking the file (`load`) or deciding an answer (`rules`); no file writing.

use super::rules::{Choices, Runs, choices, replay_runs, shown_run, value};
use super::{Answer, Lesson, METRICS, Metric, Question, Show};
use crate::find;
use crate::html::esc;
use crate::names::Names;
use crate::timeline::{Meta, Timeline};
use patchtwin_sim::Compiled;

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
    let mut body = brief(l);
    for (qi, q) in l.questions.iter().enumerate() {
        body.push_str(&question(l, &runs, qi, q));
    }
    body.push_str(&numbers(l, &runs));
    let names = Names::new(&l.scenario, Some(&l.scenario_text));
    for (si, sh) in l.show.iter().enumerate() {
        body.push_str(&shown(l, &runs, &model, &names, si, sh));
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

/// The title, the situation and the plans compared.
fn brief(l: &Lesson) -> String {
    let s = &l.scenario;
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
    body
}

/// Question `qi`: the choices, and the hidden reveal with the simulated answer and the
/// values behind it.
fn question(l: &Lesson, runs: &Runs, qi: usize, q: &Question) -> String {
    let s = &l.scenario;
    let mut body = String::new();
    let Choices {
        labels,
        right,
        values: vals,
    } = choices(l, runs, q);
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
    body.push_str("<div class=\"answer\" hidden><p class=\"verdict\" aria-live=\"polite\"></p>");
    body.push_str(&format!(
        "<p>The simulation says: <b>{}</b>.</p>",
        esc(&right.map_or(
            "no single answer (a tie, or not measured)".to_string(),
            |r| labels[r].clone()
        ))
    ));
    body.push_str(&format!(
        "<table><caption>{} — {} runs per plan, seed {}</caption><tr><th>plan</th><th>{}</th></tr>",
        esc(what),
        l.runs,
        l.seed,
        esc(&metric.name)
    ));
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
    body
}

/// The numbers across runs, every plan (hidden until the reveal).
fn numbers(l: &Lesson, runs: &Runs) -> String {
    let s = &l.scenario;
    let mut body = String::new();
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
                fmt_value(c, value(l, runs, &m, p), &s.currency)
            ));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table></section>\n");
    body
}

/// Run to show `si`: the replication it points at, replayed with its latency flows, as a
/// timeline (hidden until the reveal).
fn shown(l: &Lesson, runs: &Runs, model: &Compiled, names: &Names, si: usize, sh: &Show) -> String {
    let s = &l.scenario;
    let Some((run, how)) = shown_run(l, runs, sh) else {
        return format!(
            "<section class=\"show reveal-all\" hidden><h2>Plan {}</h2><p>No run of the {} matched; nothing to show.</p></section>",
            esc(&s.plans[sh.plan].id),
            l.runs
        );
    };
    let mut lat = vec![false; s.flows.len()];
    for &f in &sh.latency {
        lat[f] = true;
    }
    let (o, lines) = find::replay(model, sh.plan, l.seed, run, l.observe_ns, lat);
    let meta = Meta {
        plan: &s.plans[sh.plan].id,
        run,
        seed: l.seed,
        observe_ns: l.observe_ns,
        after_start_ns: o.ops.changes_done_at.map(|t| t.max(l.observe_ns)),
    };
    let t = Timeline::build(s, names, &meta, &lines);
    format!(
        "<section class=\"show reveal-all\" hidden><h2>Plan {}, run {run}</h2><p>{}</p>{}{}</section>\n",
        esc(&s.plans[sh.plan].id),
        esc(&how),
        paras(&sh.caption),
        crate::html::fragment(&t, &format!("show{si}"))
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
