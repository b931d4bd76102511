//! `patchtwin`: the command line. Glue only — parse arguments, call the library crates, print,
//! and map outcomes to exit codes: 0 success, 2 bad input or usage, 1 internal failure.

use clap::{Parser, Subcommand};
use patchtwin_model::{AssetKind, Scenario};
use patchtwin_scenario::Diagnostics;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes a line to stdout. A closed pipe (`patchtwin trace … | head`) ends the program
/// quietly with success, as command-line tools do; any other write error is an internal error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            $crate::stdout_failed(e);
        }
    }};
}

/// Like [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = write!(out, $($arg)*) {
            $crate::stdout_failed(e);
        }
    }};
}

/// Writes a line to stderr. A closed or failing stderr (`patchtwin validate bad.yaml 2>&1 |
/// head -3`) is ignored: the exit code still says what happened (`eprintln!` would panic).
macro_rules! complain {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Ends the program after a failed write to stdout.
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    complain!("internal error: cannot write to standard output: {e}");
    std::process::exit(1);
}

mod capture;
mod import;
mod import_io;
mod parts;
mod progress;
mod sensitivity;
mod teach;
mod trace_filter;
mod vex;

#[derive(Parser)]
#[command(
    name = "patchtwin",
    version,
    about = "Rehearse OT patch plans in a digital twin before they touch production.",
    after_help = "Examples:
  patchtwin init plant.yaml                                   a commented starter plant
  patchtwin validate scenarios/water-treatment.yaml           check a plant, every problem located
  patchtwin run scenarios/ews-actively-exploited.yaml --out out/ews
                                                              rehearse every plan; report under out/ews
  patchtwin trace scenarios/substation.yaml --plan defer --run 0 --kind trip,patch_failed
                                                              narrate one rehearsal
  patchtwin lesson rollback-door --out out/lesson           a lesson for trainees, in HTML
  patchtwin import csaf ADVISORY.json --into plant.yaml --out plant-new.yaml
                                                              an advisory into a new scenario file
  patchtwin completions bash                                  shell completions

Exit codes: 0 done, 2 bad input or usage (the message says what and where), 1 internal error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a scenario file; print a summary, or every problem with its location.
    Validate {
        /// Scenario file (YAML or JSON).
        file: PathBuf,
    },
    /// Rehearse every plan: Monte Carlo replications, a comparison table, summary.json.
    ///
    /// Progress goes to stderr: a bar on a terminal, otherwise (a batch log) a line every 10
    /// seconds, or every PATCHTWIN_PROGRESS_INTERVAL seconds when that is set (0: every chunk).
    #[command(after_help = "Examples:
  patchtwin run scenarios/water-treatment.yaml --runs 500 --seed 7 --out out/water
  patchtwin run scenarios/ews-actively-exploited.yaml --plans defer,patch-now --out out/ews-two
  patchtwin run scenarios/substation.yaml --target-ci 0.02 --out out/substation
  patchtwin run scenarios/ews-actively-exploited.yaml --vex csaf --vex openvex --out out/ews-vex

Every run writes ssvc.csv and ssvc.json (SSVC) and the BOD 26-04 deadlines in summary.json;
--vex adds vex-PLAN.FORMAT.json. report.md lists them, one line each.")]
    Run {
        /// Scenario file (YAML or JSON).
        file: PathBuf,
        #[command(flatten)]
        opts: RunOpts,
    },
    /// Narrate one replication of one plan as a timeline, with causes; find the run worth
    /// showing (--find, --pick); or write it as an HTML timeline (--html).
    Trace(teach::TraceArgs),
    /// Render a lesson pack (`lessons/NAME.yaml`) as one self-contained HTML lesson.
    Lesson(teach::LessonArgs),
    /// Merge part files (`run --part K/N`) into the outputs of one run of all their
    /// replications, after checking that they belong together.
    Merge(parts::MergeArgs),
    /// Import CSAF advisories (with KEV, EPSS) or a CycloneDX SBOM into a new scenario file.
    Import(import::ImportArgs),
    /// Compare the model's poll response times with a capture's, flow by flow.
    CheckCapture(capture::CheckArgs),
    /// Export a plan's VEX statements (CSAF 2.0 VEX, CycloneDX 1.6, OpenVEX 0.2.0) backed by a run.
    Vex(vex::VexArgs),
    /// Write a small, commented starter plant that validates and runs.
    #[command(
        after_help = "Example:\n  patchtwin init plant.yaml && patchtwin run plant.yaml --out out/plant"
    )]
    Init {
        /// The new scenario file (must not exist, unless --force).
        #[arg(default_value = "plant.yaml")]
        file: PathBuf,
        /// Replace an existing regular file.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    #[command(
        after_help = "Examples:\n  patchtwin completions bash > ~/.local/share/bash-completion/completions/patchtwin\n  patchtwin completions zsh > ~/.zfunc/_patchtwin"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// What would change the answer: sweeps, break-evens, EVPI and loss exceedance.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Print the JSON Schema (draft-07) of the scenario format, for editors.
    Schema {
        /// Print the schema of asset model files instead.
        #[arg(long, conflicts_with = "summary")]
        models: bool,
        /// Print the schema of `summary.json` (the output contract) instead.
        #[arg(long)]
        summary: bool,
    },
}

/// Bad input: reported to the user, exit code 2.
struct BadInput(String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(BadInput(msg))) => {
            complain!("{msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            complain!("internal error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Result<(), BadInput>> {
    match cli.command {
        Command::Validate { file } => Ok(validate(&file)),
        Command::Run { file, opts } => run_plans(&file, &opts),
        Command::Trace(args) => Ok(teach::trace(&args)),
        Command::Lesson(args) => Ok(teach::lesson(&args)),
        Command::Merge(args) => parts::merge(&args),
        Command::Import(args) => Ok(import::run(args)?.map_err(BadInput)),
        Command::CheckCapture(args) => Ok(capture::check(args)?.map_err(BadInput)),
        Command::Vex(args) => Ok(vex::run(args)?.map_err(BadInput)),
        Command::Init { file, force } => Ok(init(&file, force)),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "patchtwin", &mut buf);
            say_raw!("{}", String::from_utf8_lossy(&buf));
            Ok(Ok(()))
        }
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Schema { models, summary } => {
            if models {
                say!("{}", patchtwin_scenario::schema::model_schema());
            } else if summary {
                say!("{}", patchtwin_report::summary_schema());
            } else {
                say!("{}", patchtwin_scenario::schema::scenario_schema());
            }
            Ok(Ok(()))
        }
    }
}

fn bad(d: Diagnostics) -> BadInput {
    BadInput(d.render())
}

/// The plant `patchtwin init` writes: small, commented, and it validates and runs (tested).
const STARTER_PLANT: &str = include_str!("starter.yaml");

fn init(file: &std::path::Path, force: bool) -> Result<(), BadInput> {
    // A refusal (the file exists, or is not a regular file) says "error:" itself.
    match patchtwin_report::output::write_new_file(file, STARTER_PLANT.as_bytes(), force, "init") {
        Ok(()) => {}
        Err(e @ patchtwin_report::WriteError::Io { .. }) => {
            return Err(BadInput(format!("error: {e}")));
        }
        Err(e) => return Err(BadInput(e.to_string())),
    }
    // Counted from the plant itself, so the sentence cannot drift from the file (it said
    // "2 zones" of a plant with 3).
    let lib = patchtwin_scenario::ModelLibrary::builtin();
    let shape = patchtwin_scenario::load_str(STARTER_PLANT, "starter.yaml", &lib)
        .map(|l| {
            let s = l.scenario;
            let n = |k: usize, one: &str, many: &str| {
                format!("{k} {}", if k == 1 { one } else { many })
            };
            format!(
                " ({}, {}, {}, {}, {})",
                n(s.zones.len(), "zone", "zones"),
                n(s.assets.len(), "asset", "assets"),
                n(s.flows.len(), "flow", "flows"),
                n(s.process_units.len(), "process unit", "process units"),
                n(s.plans.len(), "plan", "plans"),
            )
        })
        .unwrap_or_default();
    let stem = file
        .file_stem()
        .map_or("starter".into(), |s| s.to_string_lossy().to_string());
    say!(
        "wrote {f}: a starter plant{shape}\n  next: patchtwin validate {f}\n        patchtwin run {f} --out out/{stem}",
        f = file.display()
    );
    Ok(())
}

fn validate(file: &std::path::Path) -> Result<(), BadInput> {
    let loaded = patchtwin_scenario::load_file(file).map_err(bad)?;
    for w in &loaded.warnings {
        complain!("{}\n", w.render(None));
    }
    say_raw!("{}", summary(&loaded.scenario, &file.display().to_string()));
    Ok(())
}

fn summary(s: &Scenario, file: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{file}: valid scenario `{}`", s.name);
    let days = s.horizon.as_days_f64();
    let _ = writeln!(
        out,
        "  horizon      {} ({days:.0} day{})",
        s.horizon,
        if format!("{days:.0}") == "1" { "" } else { "s" }
    );
    let mut kinds: BTreeMap<AssetKind, usize> = BTreeMap::new();
    for a in &s.assets {
        *kinds.entry(a.kind).or_default() += 1;
    }
    let kinds = kinds
        .iter()
        .map(|(k, n)| format!("{n} {}", k.name()))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "  assets       {} ({kinds})", s.assets.len());
    let zones = s
        .zones
        .iter()
        .map(|z| format!("{} (L{})", z.id, z.purdue_level))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "  zones        {}: {zones}", s.zones.len());
    let _ = writeln!(out, "  conduits     {}", s.conduits.len());
    let _ = writeln!(out, "  links        {}", s.links.len());
    let polls = s
        .flows
        .iter()
        .filter(|f| f.kind == patchtwin_model::FlowKind::Poll)
        .count();
    let _ = writeln!(
        out,
        "  flows        {} ({polls} poll, {} publish)",
        s.flows.len(),
        s.flows.len() - polls
    );
    let _ = writeln!(out, "  functions    {}", s.functions.len());
    let _ = writeln!(out, "  process units {}", s.process_units.len());
    let _ = writeln!(
        out,
        "  vulnerabilities {}, patches {}, controls {}",
        s.vulnerabilities.len(),
        s.patches.len(),
        s.controls.len()
    );
    let windows = s
        .windows
        .iter()
        .map(|w| format!("{} ({} in horizon)", w.id, w.starts.len()))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "  windows      {}",
        if windows.is_empty() {
            "none".into()
        } else {
            windows
        }
    );
    let _ = writeln!(
        out,
        "  entry points {}, targets {}",
        s.threat.entry_points.len(),
        s.threat.targets.len()
    );
    let _ = writeln!(
        out,
        "  plans        {}",
        s.plans
            .iter()
            .map(|p| {
                let n = p.actions.len();
                format!("{} ({n} action{})", p.id, if n == 1 { "" } else { "s" })
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    out
}

fn observe_ns(text: &str, s: &Scenario) -> Result<u64, BadInput> {
    let horizon = s.horizon;
    let d = patchtwin_scenario::units::parse_duration(text)
        .map_err(|e| BadInput(format!("error: --observe: {e}")))?;
    if d.as_nanos() == 0 {
        return Err(BadInput("error: --observe must be longer than 0".into()));
    }
    if d.as_nanos() > horizon.as_nanos() {
        // Every message of the window is simulated: a typo of `20d` for `20s` costs hours.
        return Err(BadInput(format!(
            "error: --observe {text} is longer than the scenario's horizon ({}); the window simulates every message, so it is usually seconds (the default is 20s)",
            horizon
        )));
    }
    check_observe_budget(s, d.as_nanos())?;
    Ok(d.as_nanos())
}

/// Events one replication can schedule (`patchtwin-sim`'s queue numbers them in 32 bits).
const EVENTS_PER_REPLICATION: f64 = 4_294_967_295.0;

/// Refuses an observation window whose messages alone would overflow one replication's event
/// numbering (a review ran `--observe 60d`: the run panicked after minutes). The estimate is
/// generous on purpose: every message of every flow (request and answer for a poll, storms at
/// their own rate) taken to cost four events at each of eight hops.
fn check_observe_budget(s: &Scenario, observe_ns: u64) -> Result<(), BadInput> {
    let per_second: f64 = s
        .flows
        .iter()
        .map(|f| {
            let period_s = (f.period.as_nanos().max(1)) as f64 / 1e9;
            let storm = f
                .storm
                .as_ref()
                .map_or(0.0, |st| 1e9 / st.period.as_nanos().max(1) as f64);
            let directions = match f.kind {
                patchtwin_model::FlowKind::Poll => 2.0,
                patchtwin_model::FlowKind::Publish => 1.0,
            };
            (1.0 / period_s + storm) * directions
        })
        .sum();
    let events = per_second * observe_ns as f64 / 1e9 * 4.0 * 8.0;
    if events > EVENTS_PER_REPLICATION / 2.0 {
        let ceiling_s = (EVENTS_PER_REPLICATION / 2.0) / (per_second * 32.0);
        return Err(BadInput(format!(
            "error: --observe: the scenario's flows send about {per_second:.0} messages a second, too many to follow message by message for that long in one replication; give at most {} (the default is 20s)",
            patchtwin_model::Duration::from_nanos((ceiling_s * 1e9) as u64)
        )));
    }
    Ok(())
}

/// The scenario's indices of the plans named by `option` (`--plans`, `--baseline`, `--plan`);
/// all plans when `wanted` is empty. Unknown ids (with a did-you-mean) and repeated ids are
/// bad input.
fn select_plans(s: &Scenario, wanted: &[String], option: &str) -> Result<Vec<usize>, BadInput> {
    if wanted.is_empty() {
        return Ok((0..s.plans.len()).collect());
    }
    let mut chosen: Vec<usize> = Vec::with_capacity(wanted.len());
    for w in wanted {
        let Some(ix) = s.plan_by_id(w) else {
            let ids: Vec<&str> = s.plans.iter().map(|p| p.id.as_str()).collect();
            let hint = patchtwin_scenario::diag::did_you_mean(w, ids.iter().copied());
            return Err(BadInput(format!(
                "error: {option}: unknown plan `{w}`{hint}; the scenario has: {}",
                ids.join(", ")
            )));
        };
        if chosen.contains(&ix) {
            return Err(BadInput(format!(
                "error: {option}: plan `{w}` is named twice; each plan runs once (every pair of plans is compared anyway)"
            )));
        }
        chosen.push(ix);
    }
    Ok(chosen)
}

/// The most worker threads `run` starts per core: more only costs memory and start-up time,
/// and results do not depend on the count.
const THREADS_PER_CORE: usize = 4;

/// `--threads` (default: one per core), capped at [`THREADS_PER_CORE`] × the cores this
/// machine has, with a note on stderr when capped.
fn thread_count(asked: Option<usize>) -> Result<usize, BadInput> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match asked {
        None => Ok(cores),
        Some(0) => Err(BadInput("error: --threads must be at least 1".into())),
        Some(n) if n > THREADS_PER_CORE * cores => {
            let cap = THREADS_PER_CORE * cores;
            complain!(
                "note: --threads {n} capped at {cap} ({THREADS_PER_CORE} × the {cores} core(s) available); results do not depend on the thread count"
            );
            Ok(cap)
        }
        Some(n) => Ok(n),
    }
}

/// Options of `run` (flattened into the subcommand's arguments).
#[derive(clap::Args, Debug)]
struct RunOpts {
    /// Replications per plan.
    #[arg(long, default_value_t = 200)]
    runs: u64,
    /// Master seed: the same seed gives bit-identical results.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Only these plans (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    plans: Vec<String>,
    /// Observation window for message-level timing, e.g. `60s` (see ARCHITECTURE.md).
    #[arg(long, default_value = "20s")]
    observe: String,
    /// Output folder, written as a whole: afterwards it holds the complete old set or the
    /// complete new set, never a mix. It must be new, empty, or hold an earlier patchtwin run;
    /// files patchtwin did not write are never touched.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Replace an earlier run's outputs in `--out` even when they are of another scenario.
    /// Files patchtwin did not write are still never touched.
    #[arg(long)]
    force: bool,
    /// Rows per plan in the table.
    #[arg(long, default_value_t = 8)]
    rows: usize,
    /// Plan to compare the others against (default: the first plan of the scenario).
    #[arg(long)]
    baseline: Option<String>,
    /// Keep adding batches of `--runs` replications until every headline probability's
    /// 95% interval is narrower than this width (e.g. 0.02), or `--max-runs` is reached.
    #[arg(long)]
    target_ci: Option<f64>,
    /// Cap on replications per plan for `--target-ci` (default 20000); at least `--runs`.
    #[arg(long, requires = "target_ci")]
    max_runs: Option<u64>,
    /// Run only part K of N (1 ≤ K ≤ N) of the `--runs` replications and write it as
    /// `part-K-of-N.ptpart` into the folder `--out` (created if missing) for `patchtwin
    /// merge`. Parts are contiguous replication ranges, so the N parts together are exactly
    /// the single run.
    #[arg(long, value_name = "K/N", conflicts_with_all = ["target_ci", "checkpoint"])]
    part: Option<String>,
    /// Also write a VEX document of every plan in this format into the output set, as
    /// `vex-PLAN.FORMAT.json` (repeatable: `--vex csaf --vex openvex`). Each carries the
    /// SHA-256 of the set's `summary.json`; see `patchtwin vex`. report.md lists them with
    /// `ssvc.csv` and `ssvc.json`, one line each.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "part")]
    vex: Vec<vex::FormatArg>,
    /// Keep every completed chunk of replications as a part file in this folder while the
    /// run goes, so that `--resume` can continue it after a kill or a crash. The chunk files
    /// are removed once the outputs are written.
    #[arg(long, value_name = "DIR", conflicts_with = "target_ci")]
    checkpoint: Option<PathBuf>,
    /// Continue the run kept in `--checkpoint` (give the interrupted run's arguments): only
    /// the missing replications run, and the results equal an uninterrupted run's.
    #[arg(long, requires = "checkpoint")]
    resume: bool,
    /// Also analyse what would change the answer (`patchtwin sensitivity` with its defaults,
    /// on these runs and seed): the report shows a tornado chart per decision metric and the
    /// robustness sentence, and sensitivity.json joins the output set.
    #[arg(long, conflicts_with_all = ["part", "target_ci", "plans", "baseline"])]
    sensitivity: bool,
}

/// The replication counts of `run`: at least one run, a `--target-ci` width in (0, 1), and a
/// `--max-runs` cap no lower than `--runs`.
fn check_run_counts(o: &RunOpts) -> Result<(), BadInput> {
    if o.runs == 0 {
        return Err(BadInput("error: --runs must be at least 1".into()));
    }
    if let Some(w) = o.target_ci
        && !(w > 0.0 && w < 1.0)
    {
        return Err(BadInput(format!(
            "error: --target-ci is the width of a probability interval, between 0 and 1 (e.g. 0.02); got {w}"
        )));
    }
    if let Some(m) = o.max_runs
        && m < o.runs
    {
        return Err(BadInput(format!(
            "error: --max-runs {m} is below --runs {}: --target-ci starts with --runs replications per plan and adds more up to --max-runs; give --max-runs at least {}",
            o.runs, o.runs
        )));
    }
    Ok(())
}

/// The same refusal of `--out` the end of the run would give, before hours of replications.
fn preflight_out(o: &RunOpts, scenario: &str) -> Result<(), BadInput> {
    match patchtwin_report::output::preflight_set(&o.out, scenario, o.force) {
        Ok(()) => Ok(()),
        Err(e @ patchtwin_report::WriteError::Io { .. }) => Err(BadInput(format!("error: {e}"))),
        Err(e) => Err(BadInput(e.to_string())),
    }
}

fn run_plans(file: &std::path::Path, o: &RunOpts) -> anyhow::Result<Result<(), BadInput>> {
    let loaded = match patchtwin_scenario::load_file(file) {
        Ok(l) => l,
        Err(d) => return Ok(Err(bad(d))),
    };
    let s = std::sync::Arc::new(loaded.scenario);
    if let Err(e) = check_run_counts(o) {
        return Ok(Err(e));
    }
    let observe_ns = match observe_ns(&o.observe, &s) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut plan_ix = match select_plans(&s, &o.plans, "--plans") {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(b) = &o.baseline {
        let bi = match select_plans(&s, std::slice::from_ref(b), "--baseline") {
            Ok(v) => v[0],
            Err(e) => return Ok(Err(e)),
        };
        plan_ix.retain(|p| *p != bi);
        plan_ix.insert(0, bi);
    }
    let threads = match thread_count(o.threads) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    if let Err(e) = vex::check_names(plan_ix.iter().map(|&i| s.plans[i].id.as_str()), &o.vex) {
        return Ok(Err(BadInput(e)));
    }
    if o.part.is_none()
        && let Err(e) = preflight_out(o, &s.name)
    {
        return Ok(Err(e));
    }
    let model = patchtwin_sim::Compiled::new(s.clone());
    let cap = o
        .target_ci
        .map_or(o.runs, |_| o.max_runs.unwrap_or(20_000).max(o.runs));
    let settings = patchtwin_mc::McSettings {
        runs: o.runs,
        seed: o.seed,
        threads,
        observe_ns,
    };
    let identity = parts::identity(file, &loaded.sha256, &model, &plan_ix, settings);
    if let Some(text) = &o.part {
        return parts::run_part(text, &o.out, identity, &model, &plan_ix, settings);
    }
    let checkpoint = match &o.checkpoint {
        None => None,
        Some(dir) => match parts::Checkpoint::open(dir, o.resume, identity)? {
            Ok(c) => Some(c),
            Err(e) => return Ok(Err(e)),
        },
    };
    let already = checkpoint.as_ref().map_or(0, |c| c.done()) * plan_ix.len() as u64;
    let bar = match progress::Progress::new(cap * plan_ix.len() as u64, already) {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    let started = std::time::Instant::now();
    let tick = |done: u64| bar.set(done);
    let (results, stop) = match (o.target_ci, checkpoint) {
        (None, Some(c)) => match c.run(&model, &plan_ix, settings, &tick)? {
            Ok(r) => (r, format!("fixed: {} replications per plan", o.runs)),
            Err(e) => return Ok(Err(e)),
        },
        (None, None) => (
            patchtwin_mc::run(&model, &plan_ix, settings, &tick)?,
            format!("fixed: {} replications per plan", o.runs),
        ),
        (Some(w), _) => {
            let (r, why) =
                patchtwin_mc::merge::run_until(&model, &plan_ix, settings, w, o.runs, cap, &tick)?;
            let text = match why {
                patchtwin_mc::merge::StopReason::TargetReached { runs, widest } => {
                    format!(
                        "target reached: after {runs} replications per plan every headline interval is narrower than {w} (widest {widest:.4})"
                    )
                }
                patchtwin_mc::merge::StopReason::CapReached {
                    runs,
                    widest,
                    which,
                } => {
                    format!(
                        "cap reached: {runs} replications per plan (--max-runs); the widest interval, {which}, is still {widest:.4} wide (target {w})"
                    )
                }
            };
            (r, text)
        }
    };
    let wall_s = started.elapsed().as_secs_f64();
    bar.finish();
    let runs = results.plans.first().map_or(0, |p| p.runs);
    let events = results.plans.iter().map(|r| r.events).sum();
    let mut summary = patchtwin_report::summary(
        &s,
        &loaded.sha256,
        patchtwin_report::SettingsInfo {
            runs,
            seed: o.seed,
            horizon_s: s.horizon.as_secs_f64(),
            observe_s: observe_ns as f64 / 1e9,
            stop,
        },
        patchtwin_report::EngineInfo {
            events,
            wall_s,
            threads,
        },
        &results,
    );
    if let Err(e) = vex::stamp(&mut summary, file, &loaded.sha256) {
        return Ok(Err(BadInput(e)));
    }
    let sens = match o.sensitivity {
        false => None,
        true => match sensitivity::for_run(&s, &loaded.sha256, &summary, &results, threads)? {
            Ok(f) => Some(f),
            Err(e) => return Ok(Err(e)),
        },
    };
    let published = publish_with(
        &o.out, o.force, o.rows, &o.vex, &summary, &results, &s, sens,
    );
    if let Err(e) = published {
        return Ok(Err(e));
    }
    if let Some(dir) = &o.checkpoint {
        parts::clear_checkpoint(dir);
    }
    Ok(Ok(()))
}

/// Writes a run's outputs to `out` (one transaction) and prints the table and what was
/// written: the end of `run` and of `merge`.
fn publish(
    out: &std::path::Path,
    force: bool,
    rows: usize,
    vex_formats: &[vex::FormatArg],
    summary: &patchtwin_report::Summary,
    results: &patchtwin_mc::RunResult,
    s: &Scenario,
) -> Result<(), BadInput> {
    publish_with(out, force, rows, vex_formats, summary, results, s, None)
}

/// As [`publish`], with a sensitivity analysis of the run (`run --sensitivity`) in the set
/// and its robustness sentence after the table.
#[allow(clippy::too_many_arguments)]
fn publish_with(
    out: &std::path::Path,
    force: bool,
    rows: usize,
    vex_formats: &[vex::FormatArg],
    summary: &patchtwin_report::Summary,
    results: &patchtwin_mc::RunResult,
    s: &Scenario,
    sens: Option<sensitivity::ForRun>,
) -> Result<(), BadInput> {
    // An output folder that cannot be written, or holds files we must not touch, is the
    // user's to fix: exit 2, not 1. Everything is on disk before anything is printed.
    let mut vex_files = 0;
    let (view, mut sens_files) = sens.map_or((None, Vec::new()), |f| (Some(f.view), f.files));
    let more = |set: &[(String, String)]| {
        let docs = vex::run_documents(summary, s, set, vex_formats);
        vex_files = docs.len();
        sens_files.extend(docs);
        sens_files
    };
    let view = view.as_ref();
    let written =
        match patchtwin_report::write_all_robust(out, summary, results, s, force, view, more) {
            Ok(w) => w,
            Err(e @ patchtwin_report::WriteError::Io { .. }) => {
                return Err(BadInput(format!("error: {e}")));
            }
            Err(e) => return Err(BadInput(e.to_string())),
        };
    if !vex_formats.is_empty() && vex_files == 0 {
        complain!(
            "note: --vex: no vulnerability affects an asset of the scenario, so there is nothing to state and no VEX document was written"
        );
    }
    if let Some(left) = &written.left_behind {
        complain!(
            "note: the previous outputs were replaced, but {} also holds files patchtwin did not write (added during the run); they were left there",
            left.display()
        );
    }
    say_raw!("{}", patchtwin_report::table(summary, rows));
    if let Some(r) = view {
        say!("\nWhat would change the answer: {}", r.sentence);
    }
    say!(
        "\n{}\n{} events in {:.2}s on {} thread(s); wrote {}",
        summary.settings.stop,
        summary.engine.events,
        summary.engine.wall_s,
        summary.engine.threads,
        out.join("summary.json").display()
    );
    for path in written.files.iter().skip(1) {
        say!("  {}", path.display());
    }
    Ok(())
}
