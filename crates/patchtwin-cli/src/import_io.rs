//! The files of `patchtwin import`, whatever the source: the options every source shares
//! ([`Target`]: `--into`, `--out`, `--force`, flattened into each subcommand), reading inputs
//! with a size cap, checking `--out` and loading `--into` ([`load_into`]), and validating and
//! writing the new scenario atomically ([`finish`]). The input scenario is never modified,
//! and neither is any existing file unless `--force` names it (a regular file only).
//!
//! Not here: what each source adds to the scenario (`import` for CSAF and SBOM, `capture`
//! for pcap), which both use this module.

use patchtwin_scenario::ModelLibrary;
use std::path::{Path, PathBuf};

/// The scenario an import reads and the new one it writes: `--into`, `--out` and `--force`,
/// the same options in every `import` source (flattened into each).
#[derive(clap::Args)]
pub(crate) struct Target {
    /// The scenario to import into (read only; it is never modified).
    #[arg(long, value_name = "SCENARIO")]
    pub(crate) into: PathBuf,
    /// The new scenario file to write (YAML). It must not exist yet (see `--force`).
    #[arg(long = "out", value_name = "NEW")]
    pub(crate) path: PathBuf,
    /// Replace `--out` if it is an existing regular file (never a folder, device or link).
    #[arg(long)]
    pub(crate) force: bool,
}

/// Reads a file of at most `max` bytes; the error says why, without the file name.
pub(crate) fn read_raw(path: &Path, what: &str, max: usize) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the {what}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("is a directory; expected the {what}"));
    }
    if meta.len() > max as u64 {
        return Err(format!(
            "the {what} is {} bytes; the largest accepted is {max}",
            meta.len()
        ));
    }
    // Never `std::fs::read`: a named pipe with no writer would block it forever.
    patchtwin_scenario::read_capped(path, max).map_err(|e| format!("the {what}: {e}"))
}

/// [`read_raw`] as UTF-8 text.
pub(crate) fn read_text_raw(path: &Path, what: &str, max: usize) -> Result<String, String> {
    String::from_utf8(read_raw(path, what, max)?).map_err(|e| {
        format!(
            "the {what} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads a text file of at most `max` bytes; the error names the file.
pub(crate) fn read_text(path: &Path, what: &str, max: usize) -> Result<String, String> {
    read_text_raw(path, what, max).map_err(|e| format!("error: {}: {e}", path.display()))
}

/// Reads a file of at most `max` bytes; the error names the file.
pub(crate) fn read_bytes(path: &Path, what: &str, max: usize) -> Result<Vec<u8>, String> {
    read_raw(path, what, max).map_err(|e| format!("error: {}: {e}", path.display()))
}

/// The model library `load_file` would use for `scenario`: the built-in one, extended by a
/// `models/` directory beside it or one level up.
fn library_for(scenario: &Path) -> Result<ModelLibrary, String> {
    let mut lib = ModelLibrary::builtin();
    if let Some(dir) = scenario.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        for candidate in [dir.join("models"), dir.join("../models")] {
            if candidate.is_dir() {
                lib.add_dir(&candidate).map_err(|d| d.render())?;
                break;
            }
        }
    }
    Ok(lib)
}

/// Whether two paths name the same file (after resolving links), or are equal as written
/// when either cannot be resolved.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Checks `--out`, reads and validates `--into`: (text, library, scenario).
pub(crate) fn load_into(
    into: &Path,
    out: &Path,
    inputs: &[&Path],
) -> Result<(String, ModelLibrary, patchtwin_model::Scenario), String> {
    for i in std::iter::once(&into).chain(inputs) {
        if same_file(i, out) {
            return Err(format!(
                "error: --out {} is an input file; write the imported scenario to a new file (the input is never modified)",
                out.display()
            ));
        }
    }
    if out.is_dir() {
        return Err(format!(
            "error: --out {} is a directory; expected a file name such as {}/imported.yaml",
            out.display(),
            out.display()
        ));
    }
    let text = read_text(
        into,
        "scenario",
        patchtwin_scenario::source::MAX_INPUT_BYTES,
    )?;
    let lib = library_for(into)?;
    let loaded = patchtwin_scenario::load_str(&text, &into.display().to_string(), &lib)
        .map_err(|d| d.render())?;
    Ok((text, lib, loaded.scenario))
}

/// Validates the new text and writes it atomically, before anything is printed (so a closed
/// stdout cannot lose the file); then prints the import report and says what was written.
pub(crate) fn finish(
    yaml: &str,
    report: &str,
    out: &Target,
    lib: &ModelLibrary,
) -> anyhow::Result<Result<(), String>> {
    let (force, out) = (out.force, out.path.as_path());
    if let Err(d) = patchtwin_scenario::load_str(yaml, &out.display().to_string(), lib) {
        anyhow::bail!(
            "the imported scenario does not validate (a bug in `patchtwin import`; nothing was written):\n{}",
            d.render()
        );
    }
    match patchtwin_report::write_new_file(out, yaml.as_bytes(), force, "--out") {
        Ok(()) => {}
        Err(e @ patchtwin_report::WriteError::Io { .. }) => {
            return Ok(Err(format!("error: cannot write --out: {e}")));
        }
        Err(e) => return Ok(Err(e.to_string())),
    }
    say_raw!("{report}");
    say!(
        "wrote {} (it validates: `patchtwin validate {}`)",
        out.display(),
        out.display()
    );
    Ok(Ok(()))
}
