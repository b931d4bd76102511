//! `patchtwin sensitivity`: argument parsing, progress bar, output files and stdout for the
//! sensitivity analysis of `patchtwin-sensitivity`. Glue only: no statistics here.

use crate::BadInput;
use std::path::PathBuf;

/// Arguments of `patchtwin sensitivity`.
#[derive(clap::Args, Debug)]
pub struct SensitivityArgs {
    /// Scenario file (YAML or JSON).
    #[arg(required_unless_present = "schema")]
    file: Option<PathBuf>,
    /// Replications per plan and value (every value on the same random numbers).
    #[arg(long, default_value_t = 200)]
    runs: u64,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Only these inputs (comma-separated names, e.g. `patches[kb1].failure_probability`);
    /// default: every input of the scenario.
    #[arg(long, value_delimiter = ',')]
    inputs: Vec<String>,
    /// A plausible range for one input, `NAME=LOW..HIGH` in the input's unit (repeatable);
    /// others get the default range of their kind.
    #[arg(long = "range")]
    ranges: Vec<String>,
    /// Inputs swept in detail (with break-even and EVPI); more are screened at their ends.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Loss tolerance (in the scenario's currency): report P(loss > tolerance) per plan
    /// (default: the scenario's `risk_appetite.tolerance`).
    #[arg(long)]
    tolerance: Option<f64>,
    /// Largest acceptable P(loss > tolerance) for a plan to meet the tolerance (default: the
    /// scenario's `risk_appetite.max_probability`, else 0.1).
    #[arg(long)]
    appetite: Option<f64>,
    /// Observation window for message-level timing; the decision metrics barely depend on it,
    /// so it is short by default (see the README).
    #[arg(long, default_value = "1ms")]
    observe: String,
    /// Output folder, written as a whole (as `patchtwin run --out`).
    #[arg(long, default_value = "out-sensitivity")]
    out: PathBuf,
    /// Replace an earlier set of another scenario in `--out`.
    #[arg(long)]
    force: bool,
    /// The metric whose break-even is sought: `dual` (P(dual success)) or `loss` (expected
    /// loss); default: the one the recommendation was decided on.
    #[arg(long, value_parser = ["dual", "loss"])]
    metric: Option<String>,
    /// Also screen the inputs swept in detail globally, by Morris elementary effects on this
    /// many trajectories (each runs the two leading plans at inputs + 1 variants); 0: off.
    #[arg(long, default_value_t = 0, value_name = "TRAJECTORIES")]
    morris: usize,
    /// Print sensitivity.json to stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Print the JSON Schema of sensitivity.json and exit.
    #[arg(long)]
    schema: bool,
}

/// The analysis's files (`sensitivity.json`, `.csv`, `.schema.json`, `.md`) and its tornado
/// charts as (file, title, SVG); `json` is `sensitivity.json`'s text.
type Charts = Vec<(String, String, String)>;
fn files(
    result: &patchtwin_sensitivity::Sensitivity,
    json: &str,
) -> (Vec<(String, String)>, Charts) {
    let charts = patchtwin_sensitivity::tornado::charts(result);
    let titles: Vec<(String, String)> = charts
        .iter()
        .map(|(f, t, _)| (f.clone(), t.clone()))
        .collect();
    let files = vec![
        ("sensitivity.json".to_string(), format!("{json}\n")),
        (
            "sensitivity.csv".to_string(),
            patchtwin_sensitivity::render::csv(result),
        ),
        (
            "sensitivity.schema.json".to_string(),
            format!("{}\n", patchtwin_sensitivity::schema()),
        ),
        (
            "sensitivity.md".to_string(),
            patchtwin_sensitivity::render::markdown(result, &titles),
        ),
    ];
    (files, charts)
}

/// What `run --sensitivity` adds to a run: the report's view and the analysis's files (its
/// charts are the report's, written with the run's).
pub struct ForRun {
    /// The report's section.
    pub view: patchtwin_report::robustness::Robustness,
    /// `sensitivity.json` and the rest.
    pub files: Vec<(String, String)>,
}

/// A progress bar on a terminal only (stderr), for the analysis's scenario variants.
fn variant_bar() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(1));
    if let Some(b) = &bar
        && let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} scenario variants {pos}/{len} [{bar:30}] {eta} left",
        )
    {
        b.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The analysis of a run made (`run --sensitivity`): `patchtwin sensitivity`'s defaults on
/// the run's replications per plan, seed and threads, explaining the run's recommendation
/// (`patchtwin_sensitivity::analysis::analyse_run`); the scenario's risk appetite gives the
/// tolerance.
pub fn for_run(
    s: &std::sync::Arc<patchtwin_model::Scenario>,
    sha256: &str,
    summary: &patchtwin_report::Summary,
    results: &patchtwin_mc::RunResult,
    threads: usize,
) -> anyhow::Result<Result<ForRun, BadInput>> {
    let options = patchtwin_sensitivity::Options {
        runs: summary.settings.runs,
        seed: summary.settings.seed,
        threads,
        observe_ns: DEFAULT_OBSERVE_NS,
        inputs: Vec::new(),
        ranges: Vec::new(),
        top: 10,
        bisection_steps: 5,
        evpi_values: 5,
        tolerance: s.risk_appetite.as_ref().map(|r| r.tolerance),
        appetite: s.risk_appetite.as_ref().map_or(0.1, |r| r.max_probability),
        morris_trajectories: 0,
        metric: None,
    };
    let bar = variant_bar();
    let tick = |done: u64, total: u64| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    };
    let started = std::time::Instant::now();
    let analysed = patchtwin_sensitivity::analysis::analyse_run(
        s.clone(),
        sha256,
        &options,
        &tick,
        summary,
        results,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut result = match analysed {
        Ok(r) => r,
        Err(patchtwin_sensitivity::Error::BadInput(m)) => {
            return Ok(Err(BadInput(format!("{m} (--sensitivity)"))));
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    result.engine.wall_s = started.elapsed().as_secs_f64();
    let json = serde_json::to_string_pretty(&result)?;
    Ok(Ok(ForRun {
        view: patchtwin_sensitivity::view::robustness(&result),
        files: files(&result, &json).0,
    }))
}

/// The analysis's observation window under `run --sensitivity` (`sensitivity --observe`'s
/// default): the decision metrics do not read message-level timing.
const DEFAULT_OBSERVE_NS: u64 = 1_000_000;

/// Runs `patchtwin sensitivity`.
pub fn run(a: SensitivityArgs) -> anyhow::Result<Result<(), BadInput>> {
    if a.schema {
        say!("{}", patchtwin_sensitivity::schema());
        return Ok(Ok(()));
    }
    let Some(file) = a.file.as_deref() else {
        return Ok(Err(BadInput("error: a scenario file is needed".into())));
    };
    let loaded = match patchtwin_scenario::load_file(file) {
        Ok(l) => l,
        Err(d) => return Ok(Err(crate::bad(d))),
    };
    let s = std::sync::Arc::new(loaded.scenario);
    let appetite = a
        .appetite
        .or_else(|| s.risk_appetite.as_ref().map(|r| r.max_probability))
        .unwrap_or(0.1);
    if !(0.0..=1.0).contains(&appetite) {
        return Ok(Err(BadInput(format!(
            "error: --appetite is a probability between 0 and 1, got {appetite}"
        ))));
    }
    if let Some(t) = a.tolerance
        && !(t.is_finite() && t >= 0.0)
    {
        return Ok(Err(BadInput(format!(
            "error: --tolerance is a loss in {} (0 or more), got {t}",
            s.currency
        ))));
    }
    if a.top == 0 {
        return Ok(Err(BadInput("error: --top must be at least 1".into())));
    }
    let mut ranges = Vec::new();
    for r in &a.ranges {
        match patchtwin_sensitivity::inputs::parse_range(r) {
            Ok(v) => ranges.push(v),
            Err(e) => return Ok(Err(BadInput(format!("error: {e}")))),
        }
    }
    let observe_ns = match crate::observe_ns(&a.observe, &s) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let threads = match crate::thread_count(a.threads) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let options = patchtwin_sensitivity::Options {
        runs: a.runs,
        seed: a.seed,
        threads,
        observe_ns,
        inputs: a.inputs.clone(),
        ranges,
        top: a.top,
        bisection_steps: 5,
        evpi_values: 5,
        // The scenario's risk appetite unless the command line sets one.
        tolerance: a
            .tolerance
            .or_else(|| s.risk_appetite.as_ref().map(|r| r.tolerance)),
        appetite,
        morris_trajectories: a.morris,
        metric: a.metric.as_deref().map(|m| {
            if m == "dual" {
                patchtwin_sensitivity::Metric::DualSuccess
            } else {
                patchtwin_sensitivity::Metric::ExpectedLoss
            }
        }),
    };
    // A bar on a terminal only: the sweep's lines go to stdout, scripts read the JSON.
    let bar = variant_bar();
    let tick = |done: u64, total: u64| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    };
    let started = std::time::Instant::now();
    let mut result =
        match patchtwin_sensitivity::analyse(s.clone(), &loaded.sha256, &options, &tick) {
            Ok(r) => r,
            Err(patchtwin_sensitivity::Error::BadInput(m)) => return Ok(Err(BadInput(m))),
            Err(e) => return Err(anyhow::anyhow!("{e}")),
        };
    result.engine.wall_s = started.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let json = serde_json::to_string_pretty(&result)?;
    let (mut files, charts) = files(&result, &json);
    files.extend(
        charts
            .into_iter()
            .map(|(f, _, svg)| (format!("charts/{f}"), svg)),
    );
    let marker = patchtwin_report::output::RunMarker {
        tool: "patchtwin".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: s.name.clone(),
        scenario_sha256: loaded.sha256.clone(),
        seed: a.seed,
        runs: a.runs,
        plans: s.plans.iter().map(|p| p.id.clone()).collect(),
        files: Vec::new(),
    };
    let written = match patchtwin_report::output::write_set(&a.out, &files, marker, a.force) {
        Ok(w) => w,
        Err(e @ patchtwin_report::WriteError::Io { .. }) => {
            return Ok(Err(BadInput(format!("error: {e}"))));
        }
        Err(e) => return Ok(Err(BadInput(e.to_string()))),
    };
    if a.json {
        say!("{json}");
        return Ok(Ok(()));
    }
    say_raw!("{}", patchtwin_sensitivity::render::table(&result, 20));
    say!(
        "\n{} scenario variants, {} replications in {:.1}s on {} thread(s); wrote {}",
        result.engine.variants,
        result.engine.replications,
        result.engine.wall_s,
        threads,
        a.out.join("sensitivity.json").display()
    );
    for path in written.files.iter().skip(1) {
        say!("  {}", path.display());
    }
    Ok(Ok(()))
}
