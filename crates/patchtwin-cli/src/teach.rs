//! `patchtwin trace` (text, JSON lines, `--html`, `--find`, `--pick`) and `patchtwin lesson`:
//! argument checks and file writing around `patchtwin-teach`, which does the work.
//!
//! Not the trace's layout, cause inference, run finding or lesson rules (all in
//! `patchtwin-teach`).

use crate::{BadInput, bad, observe_ns, select_plans, trace_filter};
use patchtwin_teach::{find, names::Names, text, timeline};
use std::path::{Path, PathBuf};

/// Options of `trace`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  patchtwin trace scenarios/substation.yaml --plan defer --run 0 --kind trip,patch_failed
  patchtwin trace scenarios/substation.yaml --plan patch-ieds-now --find \"trip and rollback\"
  patchtwin trace scenarios/substation.yaml --plan defer --pick first-compromise
  patchtwin trace scenarios/substation.yaml --plan defer --run 3 --html out/timeline.html")]
pub struct TraceArgs {
    /// Scenario file (YAML or JSON).
    file: PathBuf,
    /// Plan id.
    #[arg(long)]
    plan: String,
    /// Replication index.
    #[arg(long, default_value_t = 0)]
    run: u64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Observation window for message-level timing, e.g. `60s`.
    #[arg(long, default_value = "20s")]
    observe: String,
    /// Only lines about this entity: an asset, flow, function, process unit, control,
    /// window, plan, patch, entry point, crew or data-loss consequence id, or `attacker`.
    #[arg(long)]
    entity: Option<String>,
    /// Only these event kinds, comma-separated. Plan and deployment: plan, crew, deploy, restart,
    /// patch_failed, up, overrun, control, window. Network and cascades: timeout, comm_fail,
    /// comm_restored, stale, flow_restored, historian_gap, buffer_saved, data_loss, saturated, fault,
    /// function_lost, function_restored, trip, unit_restart, unit_running. Attacker:
    /// attack, detect, evict, impact.
    #[arg(long, value_delimiter = ',')]
    kind: Vec<String>,
    /// JSON lines instead of text.
    #[arg(long, conflicts_with = "html")]
    json: bool,
    /// Times to the nanosecond (default: the millisecond).
    #[arg(long)]
    exact: bool,
    /// Leave out the cause lines under trips, compromises, rollbacks and overruns.
    #[arg(long)]
    no_causes: bool,
    /// Also print every latency of these flows in the observation windows (comma-separated
    /// flow ids); with --html, drawn as sparklines in their lanes.
    #[arg(long, value_delimiter = ',', value_name = "FLOW")]
    latency: Vec<String>,
    /// Write the run as one self-contained HTML timeline to this file instead of printing.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Replace an existing --html file.
    #[arg(long, requires = "html")]
    force: bool,
    /// Print the runs (of 0..--runs) where this happened, e.g. `trip and rollback`,
    /// `compromise before window`, `overrun`, `trip@line-l1 and not fault`.
    #[arg(long, value_name = "EXPR", conflicts_with_all = ["pick", "html", "json"])]
    find: Option<String>,
    /// Print the run worth showing: worst (largest loss), typical (loss nearest the median),
    /// first-compromise (earliest compromise).
    #[arg(long, value_name = "RULE", conflicts_with_all = ["html", "json"])]
    pick: Option<String>,
    /// Runs searched by --find and --pick.
    #[arg(long, default_value_t = 100)]
    runs: u64,
}

/// `patchtwin trace`.
pub fn trace(a: &TraceArgs) -> Result<(), BadInput> {
    let loaded = patchtwin_scenario::load_file(&a.file).map_err(bad)?;
    // Read again without blocking (a named pipe would wait for a second writer forever).
    let source =
        patchtwin_scenario::read_capped(&a.file, patchtwin_scenario::source::MAX_INPUT_BYTES)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
    let s = std::sync::Arc::new(loaded.scenario);
    let plan_ix = select_plans(&s, std::slice::from_ref(&a.plan), "--plan")?[0];
    trace_filter::check(&s, a.entity.as_deref(), &a.kind)?;
    let observe_ns = observe_ns(&a.observe, &s)?;
    let mut latency = vec![false; s.flows.len()];
    for id in &a.latency {
        let Some(f) = s.flows.iter().position(|f| &f.id == id) else {
            let hint =
                patchtwin_scenario::diag::did_you_mean(id, s.flows.iter().map(|f| f.id.as_str()));
            return Err(BadInput(format!(
                "error: --latency: `{id}` is not a flow of this scenario{hint}"
            )));
        };
        latency[f] = true;
    }
    let model = patchtwin_sim::Compiled::new(s.clone());
    if a.find.is_some() || a.pick.is_some() {
        if a.runs == 0 {
            return Err(BadInput("error: --runs must be at least 1".into()));
        }
        let expr = match &a.find {
            Some(text) => Some(find::parse(text, &s).map_err(|e| BadInput(format!("error: {e}")))?),
            None => None,
        };
        let rule = match &a.pick {
            Some(text) => {
                Some(find::Pick::parse(text).map_err(|e| BadInput(format!("error: {e}")))?)
            }
            None => None,
        };
        let runs = find::scan(&model, plan_ix, a.seed, a.runs, observe_ns);
        if let Some(e) = &expr {
            let hits: Vec<&find::RunFacts> =
                runs.iter().filter(|r| r.eval(&s, e).is_some()).collect();
            for r in &hits {
                say!("{}", r.summary(&s.currency));
            }
            say!(
                "— `{}`: {} of {} runs of plan {} (seed {}); show one with --run N",
                a.find.as_deref().unwrap_or_default(),
                hits.len(),
                runs.len(),
                a.plan,
                a.seed
            );
        }
        if let Some(rule) = rule {
            match find::pick(&runs, rule) {
                Some(r) => {
                    say!("{}", r.summary(&s.currency));
                    say!(
                        "— {} of {} runs of plan {} (seed {}); show it with --run {}",
                        a.pick.as_deref().unwrap_or_default(),
                        runs.len(),
                        a.plan,
                        a.seed,
                        r.run
                    );
                }
                None => say!(
                    "— no run of {} qualifies for {}: no target was compromised",
                    runs.len(),
                    a.pick.as_deref().unwrap_or_default()
                ),
            }
        }
        return Ok(());
    }
    let (outcome, lines) = find::replay(&model, plan_ix, a.seed, a.run, observe_ns, latency);
    let names = Names::new(&s, source.as_deref());
    if let Some(path) = &a.html {
        let meta = timeline::Meta {
            plan: &a.plan,
            run: a.run,
            seed: a.seed,
            observe_ns,
            after_start_ns: outcome.ops.changes_done_at.map(|t| t.max(observe_ns)),
        };
        let t = timeline::Timeline::build(&s, &names, &meta, &lines);
        write_file(
            path,
            patchtwin_teach::html::page(&t).as_bytes(),
            a.force,
            &[&a.file],
        )?;
        say!(
            "wrote {}: {} lanes, {} events, {} sparkline(s); open it in a browser",
            path.display(),
            t.lanes.len(),
            t.events.len(),
            t.sparklines.len()
        );
        return Ok(());
    }
    let keep = |l: &patchtwin_sim::TraceLine| {
        a.entity.as_deref().is_none_or(|e| l.entity == e)
            && (l.kind == "latency" || a.kind.is_empty() || a.kind.iter().any(|k| k == l.kind))
    };
    let shown = lines.iter().filter(|l| keep(l)).count();
    if a.json {
        for l in lines.iter().filter(|l| keep(l)) {
            let mut line = serde_json::json!({ "time_ns": l.time, "time": patchtwin_model::SimTime(l.time).to_string(), "entity": l.entity, "kind": l.kind, "text": l.text });
            // A line that reports a duration (a fault's repair, a historian gap) carries it as a number.
            if let Some(d) = l.duration_ns {
                line["duration_ns"] = d.into();
            }
            say!("{line}");
        }
        return Ok(());
    }
    let opt = text::Options {
        exact: a.exact,
        no_causes: a.no_causes,
    };
    for line in text::render(&s, &names, &lines, &keep, opt) {
        say!("{line}");
    }
    say!(
        "— plan {}, run {}, seed {}: {} events, {shown} of {} trace lines shown",
        a.plan,
        a.run,
        a.seed,
        outcome.events,
        lines.len()
    );
    Ok(())
}

/// Writes one output file (refusing to replace one unless `force`).
/// Writes one output file, refusing a path that is one of the command's inputs even with
/// `--force` (inputs are only ever read).
fn write_file(path: &Path, bytes: &[u8], force: bool, inputs: &[&Path]) -> Result<(), BadInput> {
    if let Some(input) = inputs.iter().find(|i| crate::import_io::same_file(i, path)) {
        return Err(BadInput(format!(
            "error: {} is an input file ({}); write the page to a new file (inputs are never modified)",
            path.display(),
            input.display()
        )));
    }
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| BadInput(format!("error: cannot create {}: {e}", dir.display())))?;
    }
    match patchtwin_report::output::write_new_file(path, bytes, force, "trace") {
        Ok(()) => Ok(()),
        Err(e @ patchtwin_report::WriteError::Io { .. }) => Err(BadInput(format!("error: {e}"))),
        Err(e) => Err(BadInput(e.to_string())),
    }
}

/// Options of `lesson`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  patchtwin lesson rollback-door --out out/lesson
  patchtwin lesson lessons/cascade-shared-switch.yaml --out out/lesson --check")]
pub struct LessonArgs {
    /// Lesson name (`lessons/NAME.yaml`) or the path of a lesson file.
    name: String,
    /// Folder for the lesson page (`NAME.html`; created if missing).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Folder holding the lessons.
    #[arg(long, default_value = "lessons")]
    lessons: PathBuf,
    /// Only check the lesson file (every problem located); write nothing.
    #[arg(long)]
    check: bool,
    /// Replace an existing page.
    #[arg(long)]
    force: bool,
}

/// `patchtwin lesson`.
pub fn lesson(a: &LessonArgs) -> Result<(), BadInput> {
    let path = if a.name.ends_with(".yaml") || a.name.ends_with(".yml") || a.name.contains('/') {
        PathBuf::from(&a.name)
    } else {
        a.lessons.join(format!("{}.yaml", a.name))
    };
    if !path.is_file() && !a.lessons.is_dir() {
        return Err(BadInput(format!(
            "error: no lesson {}: there is no folder {} here (the shipped lessons are in the \
             repository's `lessons/`); run from the repository root, give the folder with \
             --lessons DIR, or give the lesson file's path",
            path.display(),
            a.lessons.display()
        )));
    }
    if !path.is_file() {
        let mut known: Vec<String> = std::fs::read_dir(&a.lessons)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().to_string();
                n.strip_suffix(".yaml").map(str::to_string)
            })
            .collect();
        known.sort();
        let hint =
            patchtwin_scenario::diag::did_you_mean(&a.name, known.iter().map(String::as_str));
        return Err(BadInput(format!(
            "error: no lesson {}{hint}; the lessons in {} are: {}",
            path.display(),
            a.lessons.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    let l = patchtwin_teach::lesson::Lesson::load(&path).map_err(bad)?;
    if a.check {
        say!(
            "{}: valid lesson `{}` ({} questions, {} runs to show, {} plans × {} runs)",
            path.display(),
            l.title,
            l.questions.len(),
            l.show.len(),
            l.plans.len(),
            l.runs
        );
        return Ok(());
    }
    let stem = path
        .file_stem()
        .map_or("lesson".into(), |s| s.to_string_lossy().to_string());
    let page = patchtwin_teach::lesson::render(&l);
    let file = a.out.join(format!("{stem}.html"));
    write_file(&file, page.as_bytes(), a.force, &[&path, &l.scenario_path])?;
    say!("wrote {}: open it in a browser", file.display());
    Ok(())
}
