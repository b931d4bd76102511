//! `patchtwin vex`: a plan's VEX statements (CSAF 2.0 VEX profile, CycloneDX 1.6, OpenVEX
//! 0.2.0) exported as one new file, supported by a run's `summary.json`; the documents of
//! every plan that `patchtwin run --vex` adds to its output set ([`run_documents`]); and the
//! provenance stamp `patchtwin run` puts in the summary from the scenario's text. Glue only: the
//! statuses and documents are `patchtwin_report::vex`, the write is
//! `patchtwin_report::write_new_file` (never overwriting without `--force`).

use patchtwin_report::vex::{self, Format, Support};
use patchtwin_report::{Est, Summary};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Largest `summary.json` read, bytes.
const MAX_SUMMARY_BYTES: u64 = 256 << 20;

/// The exchange formats, as `--format` spells them.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FormatArg {
    /// CSAF 2.0 in the VEX profile.
    Csaf,
    /// CycloneDX 1.6 VEX.
    Cyclonedx,
    /// OpenVEX 0.2.0.
    Openvex,
}

/// Arguments of `patchtwin vex`.
#[derive(clap::Args)]
pub struct VexArgs {
    /// The scenario file the run was made from.
    file: PathBuf,
    /// The plan whose outcome the statements describe.
    #[arg(long)]
    plan: String,
    /// The run's `summary.json` that supports the statements (its scenario SHA-256 must match
    /// FILE, and it must have rehearsed the plan).
    #[arg(long, value_name = "SUMMARY")]
    summary: PathBuf,
    /// Document format.
    #[arg(long, value_enum, default_value = "csaf")]
    format: FormatArg,
    /// Write the document here (a new file; see `--force`) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace `--out` if it is an existing regular file.
    #[arg(long, requires = "out")]
    force: bool,
}

fn field<'a>(v: &'a Value, path: &[&str], file: &Path) -> Result<&'a Value, String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p).ok_or_else(|| {
            format!(
                "error: {}: field `{}` missing; expected a patchtwin summary.json",
                file.display(),
                path.join(".")
            )
        })?;
    }
    Ok(cur)
}

/// Refuses an `--out` that is one of the command's inputs (the scenario or the summary), even
/// with `--force`, and one inside a run's output folder (a folder carrying the run marker):
/// the file would not be in the marker's list, so every later `run --out` there is refused.
fn check_out(out: &Path, scenario: &Path, summary: &Path) -> Result<(), String> {
    for input in [scenario, summary] {
        if crate::import_io::same_file(input, out) {
            return Err(format!(
                "error: --out {} is an input file ({}); write the VEX document to a new file (inputs are never modified, even with --force)",
                out.display(),
                input.display()
            ));
        }
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if dir.join(patchtwin_report::output::MARKER).exists() {
        return Err(format!(
            "error: --out {}: {} holds a patchtwin run (it has {}); a file added there would make every later `run --out` into that folder refuse it. Write the VEX document elsewhere, or use `run --vex` to put it in the run's set",
            out.display(),
            dir.display(),
            patchtwin_report::output::MARKER
        ));
    }
    Ok(())
}

/// Runs `patchtwin vex`. The outer error is internal; the inner one is bad input.
pub fn run(args: VexArgs) -> anyhow::Result<Result<(), String>> {
    let loaded = match patchtwin_scenario::load_file(&args.file) {
        Ok(l) => l,
        Err(d) => return Ok(Err(d.render())),
    };
    let s = &loaded.scenario;
    let Some(plan) = s.plans.iter().find(|p| p.id == args.plan) else {
        let ids: Vec<&str> = s.plans.iter().map(|p| p.id.as_str()).collect();
        return Ok(Err(format!(
            "error: --plan: unknown plan `{}`; the scenario has: {}",
            args.plan,
            ids.join(", ")
        )));
    };
    let shown = args.summary.display();
    let bytes = match std::fs::metadata(&args.summary) {
        Ok(m) if m.len() > MAX_SUMMARY_BYTES => {
            return Ok(Err(format!(
                "error: {shown}: larger than {MAX_SUMMARY_BYTES} bytes; not a summary.json"
            )));
        }
        Ok(_) => match std::fs::read(&args.summary) {
            Ok(b) => b,
            Err(e) => return Ok(Err(format!("error: cannot read {shown}: {e}"))),
        },
        Err(e) => return Ok(Err(format!("error: cannot read {shown}: {e}"))),
    };
    let summary: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Err(format!(
                "error: {shown}:{}:{}: not JSON: {e}",
                e.line(),
                e.column()
            )));
        }
    };
    let sha = field(&summary, &["scenario", "sha256"], &args.summary).map(|v| v.as_str());
    match sha {
        Err(e) => return Ok(Err(e)),
        Ok(Some(sha)) if sha == loaded.sha256 => {}
        Ok(other) => {
            return Ok(Err(format!(
                "error: {shown}: field `scenario.sha256` is {}, but {} has SHA-256 {}: the summary is from another scenario file (or the file changed since the run); run it again",
                other.unwrap_or("not a string"),
                args.file.display(),
                loaded.sha256
            )));
        }
    }
    let plans = match field(&summary, &["plans"], &args.summary) {
        Ok(Value::Array(p)) => p,
        Ok(_) => return Ok(Err(format!("error: {shown}: field `plans` is not a list"))),
        Err(e) => return Ok(Err(e)),
    };
    let Some(ps) = plans.iter().find(|p| p["id"] == args.plan.as_str()) else {
        return Ok(Err(format!(
            "error: {shown}: plan `{}` was not rehearsed in that run (left out with --plans); run it with the plan",
            args.plan
        )));
    };
    let num = |v: &Value, path: &[&str]| -> Result<f64, String> {
        field(v, path, &args.summary)?
            .as_f64()
            .ok_or_else(|| format!("error: {shown}: field `{}` is not a number", path.join(".")))
    };
    let support = (|| -> Result<Support, String> {
        Ok(Support {
            summary_sha256: patchtwin_scenario::sha256_hex(&bytes),
            scenario_sha256: loaded.sha256.clone(),
            scenario: s.name.clone(),
            seed: num(&summary, &["settings", "seed"])? as u64,
            runs: num(&summary, &["settings", "runs"])? as u64,
            plan: plan.id.clone(),
            p_patch_rollback: Est {
                mean: num(ps, &["operations", "p_patch_failure", "mean"])?,
                lo: num(ps, &["operations", "p_patch_failure", "lo"])?,
                hi: num(ps, &["operations", "p_patch_failure", "hi"])?,
            },
            timestamp: patchtwin_report::provenance::now_rfc3339(),
        })
    })();
    let support = match support {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let format = args.format.format();
    let statements = vex::statements(s, plan);
    if statements.is_empty() {
        return Ok(Err(format!(
            "error: {}: no vulnerability affects an asset of the scenario; a VEX document needs at least one statement, so nothing was written",
            args.file.display()
        )));
    }
    let text = vex::render(format, &statements, &support);
    match &args.out {
        None => say_raw!("{text}"),
        Some(out) => {
            if let Err(e) = check_out(out, &args.file, &args.summary) {
                return Ok(Err(e));
            }
            if let Err(e) =
                patchtwin_report::write_new_file(out, text.as_bytes(), args.force, "--out")
            {
                return Ok(Err(match e {
                    patchtwin_report::WriteError::Io { .. } => format!("error: {e}"),
                    other => other.to_string(),
                }));
            }
            complain!("wrote {}", out.display());
        }
    }
    Ok(Ok(()))
}

/// The VEX documents `run --vex` adds to its output set: for every plan the run rehearsed, one
/// per format (each format once), named `vex-PLAN.FORMAT.json` (`csaf`, `cyclonedx`,
/// `openvex`). They are supported by the set's own `summary.json` (its SHA-256, from `set`)
/// and dated like `ssvc.json`, by the newest input date the scenario records, so the set
/// stays byte-identical run to run. None when no vulnerability affects an asset.
pub fn run_documents(
    summary: &Summary,
    s: &patchtwin_model::Scenario,
    set: &[(String, String)],
    formats: &[FormatArg],
) -> Vec<(String, String)> {
    let mut chosen: Vec<FormatArg> = Vec::new();
    for f in formats {
        if !chosen.iter().any(|c| c.name() == f.name()) {
            chosen.push(*f);
        }
    }
    let Some((_, text)) = set.iter().find(|(name, _)| name == "summary.json") else {
        return Vec::new();
    };
    let sha = patchtwin_scenario::sha256_hex(text.as_bytes());
    let date = summary.provenance.as_of();
    let mut docs = Vec::new();
    for ps in &summary.plans {
        let Some(plan) = s.plans.iter().find(|p| p.id == ps.id) else {
            continue;
        };
        let statements = vex::statements(s, plan);
        if statements.is_empty() {
            continue;
        }
        let support = Support::of(&sha, summary, ps, &date);
        for f in &chosen {
            docs.push((
                format!("vex-{}.{}.json", ps.id, f.name()),
                vex::render(f.format(), &statements, &support),
            ));
        }
    }
    docs
}

/// Refuses, before any replication, plan ids whose `run --vex` documents could not be
/// written under their names (validation already refuses such ids; this keeps the end of a
/// long run from being the first to notice).
pub fn check_names<'a>(
    plans: impl IntoIterator<Item = &'a str>,
    formats: &[FormatArg],
) -> Result<(), String> {
    for id in plans {
        for f in formats {
            let name = format!("vex-{id}.{}.json", f.name());
            if !patchtwin_report::output::is_output_name(&name) {
                return Err(format!(
                    "error: --vex: plan `{}` cannot be part of a file name (`vex-PLAN.{}.json` would not be a plain file name of at most 255 bytes); rename the plan. Nothing was run",
                    id.escape_debug(),
                    f.name()
                ));
            }
        }
    }
    Ok(())
}

impl FormatArg {
    /// As `--format` and `--vex` spell it.
    fn name(self) -> &'static str {
        match self {
            FormatArg::Csaf => "csaf",
            FormatArg::Cyclonedx => "cyclonedx",
            FormatArg::Openvex => "openvex",
        }
    }

    fn format(self) -> Format {
        match self {
            FormatArg::Csaf => Format::Csaf,
            FormatArg::Cyclonedx => Format::CycloneDx,
            FormatArg::Openvex => Format::OpenVex,
        }
    }
}

/// Puts the sources recorded in the scenario file into `summary`'s provenance stamp. The file
/// is read again; when its bytes no longer match the digest of the run, that is bad input.
pub fn stamp(summary: &mut Summary, file: &Path, sha256: &str) -> Result<(), String> {
    let bytes = patchtwin_scenario::read_capped(file, patchtwin_scenario::source::MAX_INPUT_BYTES)
        .map_err(|e| format!("error: cannot read {} again: {e}", file.display()))?;
    if patchtwin_scenario::sha256_hex(&bytes) != sha256 {
        return Err(format!(
            "error: {} changed while the run was under way; nothing was written, run it again",
            file.display()
        ));
    }
    patchtwin_report::provenance::stamp_sources(summary, &String::from_utf8_lossy(&bytes));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{FormatArg, check_names};

    #[test]
    fn plan_ids_that_cannot_be_file_names_are_refused_before_the_run() {
        let all = [FormatArg::Csaf, FormatArg::Cyclonedx, FormatArg::Openvex];
        assert!(check_names(["defer", "résumé 計画", "patch-now"], &all).is_ok());
        for bad in ["../x", "a/b", "a\\b", "nul\0"] {
            let e = check_names([bad], &all).expect_err(bad);
            assert!(e.contains("cannot be part of a file name"), "{e}");
        }
        // 255 bytes per name: `vex-` + id + `.cyclonedx.json` is 19 bytes more than the id.
        let longest = "x".repeat(255 - 19);
        assert!(check_names([longest.as_str()], &all).is_ok());
        let over = "x".repeat(255 - 18);
        assert!(check_names([over.as_str()], &all).is_err());
        assert!(check_names([over.as_str()], &[FormatArg::Csaf]).is_ok());
    }
}
