//! `patchtwin`: the command line. Glue only — parse arguments, call the library crates, print,
//! and map outcomes to exit codes: 0 success, 2 bad input or usage, 1 internal failure.

use clap::{Parser, Subcommand};
use patchtwin_model::{AssetKind, Scenario};
use patchtwin_scenario::Diagnostics;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "patchtwin", version, about = "Rehearse OT patch plans in a digital twin before they touch production.")]
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
    /// Print the JSON Schema (draft-07) of the scenario format, for editors.
    Schema {
        /// Print the schema of asset model files instead.
        #[arg(long)]
        models: bool,
    },
}

/// Bad input: reported to the user, exit code 2.
struct BadInput(String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(BadInput(msg))) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("internal error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Result<(), BadInput>> {
    match cli.command {
        Command::Validate { file } => Ok(validate(&file)),
        Command::Schema { models } => {
            if models {
                println!("{}", patchtwin_scenario::schema::model_schema());
            } else {
                println!("{}", patchtwin_scenario::schema::scenario_schema());
            }
            Ok(Ok(()))
        }
    }
}

fn bad(d: Diagnostics) -> BadInput {
    BadInput(d.render())
}

fn validate(file: &std::path::Path) -> Result<(), BadInput> {
    let loaded = patchtwin_scenario::load_file(file).map_err(bad)?;
    for w in &loaded.warnings {
        eprintln!("{}\n", w.render(None).replacen("error:", "warning:", 1));
    }
    print!("{}", summary(&loaded.scenario, &file.display().to_string()));
    Ok(())
}

fn summary(s: &Scenario, file: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{file}: valid scenario `{}`", s.name);
    let _ = writeln!(out, "  horizon      {} ({:.0} days)", s.horizon, s.horizon.as_days_f64());
    let mut kinds: BTreeMap<AssetKind, usize> = BTreeMap::new();
    for a in &s.assets {
        *kinds.entry(a.kind).or_default() += 1;
    }
    let kinds = kinds.iter().map(|(k, n)| format!("{n} {}", k.name())).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "  assets       {} ({kinds})", s.assets.len());
    let zones = s.zones.iter().map(|z| format!("{} (L{})", z.id, z.purdue_level)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "  zones        {}: {zones}", s.zones.len());
    let _ = writeln!(out, "  conduits     {}", s.conduits.len());
    let _ = writeln!(out, "  links        {}", s.links.len());
    let polls = s.flows.iter().filter(|f| f.kind == patchtwin_model::FlowKind::Poll).count();
    let _ = writeln!(out, "  flows        {} ({polls} poll, {} publish)", s.flows.len(), s.flows.len() - polls);
    let _ = writeln!(out, "  functions    {}", s.functions.len());
    let _ = writeln!(out, "  process units {}", s.process_units.len());
    let _ = writeln!(out, "  vulnerabilities {}, patches {}, controls {}", s.vulnerabilities.len(), s.patches.len(), s.controls.len());
    let windows = s.windows.iter().map(|w| format!("{} ({} in horizon)", w.id, w.starts.len())).collect::<Vec<_>>().join(", ");
    let _ = writeln!(out, "  windows      {}", if windows.is_empty() { "none".into() } else { windows });
    let _ = writeln!(out, "  entry points {}, targets {}", s.threat.entry_points.len(), s.threat.targets.len());
    let _ = writeln!(out, "  plans        {}", s.plans.iter().map(|p| format!("{} ({} actions)", p.id, p.actions.len())).collect::<Vec<_>>().join(", "));
    out
}
