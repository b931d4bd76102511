//! `patchtwin import`: CSAF advisories (with KEV and EPSS) or a CycloneDX SBOM into a new
//! scenario file. Glue only: read the files, call `patchtwin-import`, check that the result
//! validates, write it atomically, print the report. The input scenario is never modified, and
//! neither is any existing file unless `--force` names it (a regular file only). Not here:
//! the options, reading and writing every source shares (`import_io`).

use crate::import_io::{Target, finish, load_into, read_bytes, read_text, read_text_raw};
use patchtwin_import::{CsafImport, Named, Rejected, SbomImport, csaf, cyclonedx, epss, kev};
use std::path::{Path, PathBuf};

/// Arguments of `patchtwin import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    source: Source,
}

#[derive(clap::Subcommand)]
enum Source {
    /// Import CSAF 2.0 advisories (with KEV and EPSS) into a new scenario file.
    ///
    /// Matches the advisories' products to the assets' software inventories and adds the
    /// vulnerabilities of the matched assets, `vendor_fix` remediations as candidate patches,
    /// and mitigations and workarounds as candidate controls where they map to one. Prints what
    /// was matched, added, skipped and not modelled. Exits 2 when an input is unusable; when
    /// only some advisories are rejected, the others are still imported and written.
    Csaf {
        /// Advisory files (CSAF 2.0 JSON), or directories of them.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        target: Target,
        /// CISA KEV catalog (`known_exploited_vulnerabilities.json`).
        #[arg(long, value_name = "KEV.json")]
        kev: Option<PathBuf>,
        /// EPSS scores (`cve,epss,percentile` CSV after a `#model_version` line).
        #[arg(long, value_name = "EPSS.csv")]
        epss: Option<PathBuf>,
    },
    /// Add the flows a pcap/pcapng capture shows, or calibrate existing ones (`--calibrate`).
    Pcap(crate::capture::PcapArgs),
    /// Fill one asset's software inventory from a CycloneDX 1.5/1.6 JSON SBOM.
    ///
    /// Adds every software component (with vendor and version) the asset's inventory lacks and
    /// writes a new scenario file; lists the components it skipped and why.
    Sbom {
        /// The SBOM (CycloneDX JSON).
        #[arg(value_name = "CYCLONEDX.json")]
        bom: PathBuf,
        /// The asset whose inventory it describes.
        #[arg(long, value_name = "ID")]
        asset: String,
        #[command(flatten)]
        target: Target,
    },
}

/// Runs `patchtwin import`. `Ok(Err(message))` is bad input (exit code 2).
pub fn run(args: ImportArgs) -> anyhow::Result<Result<(), String>> {
    match args.source {
        Source::Csaf {
            files,
            target,
            kev,
            epss,
        } => import_csaf(&files, &target, kev.as_deref(), epss.as_deref()),
        Source::Sbom { bom, asset, target } => import_sbom(&bom, &asset, &target),
        Source::Pcap(args) => crate::capture::import_pcap(args),
    }
}

fn name_of(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The advisory files named on the command line, directories expanded to their `*.json`.
fn advisory_paths(files: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for f in files {
        if f.is_dir() {
            let entries = std::fs::read_dir(f)
                .map_err(|e| format!("error: {}: cannot list the directory: {e}", f.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "error: {}: no .json advisory files in this directory",
                    f.display()
                ));
            }
            out.extend(found);
        } else {
            out.push(f.clone());
        }
    }
    Ok(out)
}

fn import_csaf(
    files: &[PathBuf],
    out: &Target,
    kev_path: Option<&Path>,
    epss_path: Option<&Path>,
) -> anyhow::Result<Result<(), String>> {
    let into = out.into.as_path();
    let paths = match advisory_paths(files) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let mut inputs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    inputs.extend(kev_path);
    inputs.extend(epss_path);
    let (text, lib, scenario) = match load_into(into, &out.path, &inputs) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let kev = match kev_path {
        None => None,
        Some(p) => {
            let t = match read_text(p, "KEV catalog", kev::MAX_BYTES) {
                Ok(t) => t,
                Err(e) => return Ok(Err(e)),
            };
            match kev::Catalog::parse(&t) {
                Ok(c) => Some((name_of(p), c)),
                Err(e) => return Ok(Err(format!("error: {}: {e}", p.display()))),
            }
        }
    };
    let epss = match epss_path {
        None => None,
        Some(p) => {
            let b = match read_bytes(p, "EPSS file", epss::MAX_BYTES) {
                Ok(b) => b,
                Err(e) => return Ok(Err(e)),
            };
            match epss::Scores::parse_bytes(&b) {
                Ok(s) => Some((name_of(p), s)),
                Err(e) => return Ok(Err(format!("error: {}: {e}", p.display()))),
            }
        }
    };
    let mut advisories: Vec<Named> = Vec::new();
    let mut rejected: Vec<Rejected> = Vec::new();
    for p in &paths {
        let parsed = read_text_raw(p, "advisory", csaf::MAX_BYTES)
            .and_then(|t| csaf::parse(&t).map_err(|e| e.to_string()));
        match parsed {
            Ok(a) => {
                if let Some(first) = advisories.iter().find(|n| n.advisory.id == a.id) {
                    complain!(
                        "note: {}: {} was already read from {}; skipped",
                        p.display(),
                        a.id,
                        first.file
                    );
                } else {
                    advisories.push(Named {
                        file: name_of(p),
                        advisory: a,
                    });
                }
            }
            Err(reason) => rejected.push(Rejected {
                file: p.display().to_string(),
                reason,
            }),
        }
    }
    if advisories.is_empty() {
        let reasons: Vec<String> = rejected
            .iter()
            .map(|r| format!("error: {}: {}", r.file, r.reason))
            .collect();
        return Ok(Err(format!(
            "{}\nerror: no advisory could be read; nothing was written",
            reasons.join("\n")
        )));
    }
    let n_rejected = rejected.len();
    let into_name = name_of(into);
    let output = CsafImport {
        scenario_text: &text,
        scenario_file: &into_name,
        scenario: &scenario,
        advisories: &advisories,
        rejected,
        kev: kev.as_ref().map(|(n, c)| (n.as_str(), c)),
        epss: epss.as_ref().map(|(n, s)| (n.as_str(), s)),
    }
    .run();
    let output = match output {
        Ok(o) => o,
        Err(e) => return Ok(Err(format!("error: {}: {e}", into.display()))),
    };
    match finish(&output.yaml, &output.report.render(), out, &lib)? {
        Ok(()) if n_rejected > 0 => Ok(Err(format!(
            "error: {n_rejected} advisory file(s) rejected (listed above); the others were imported into {}",
            out.path.display()
        ))),
        r => Ok(r),
    }
}

fn import_sbom(bom_path: &Path, asset: &str, out: &Target) -> anyhow::Result<Result<(), String>> {
    let into = out.into.as_path();
    let (text, lib, scenario) = match load_into(into, &out.path, &[bom_path]) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let bom_text = match read_text(bom_path, "SBOM", cyclonedx::MAX_BYTES) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let bom = match cyclonedx::parse(&bom_text) {
        Ok(b) => b,
        Err(e) => return Ok(Err(format!("error: {}: {e}", bom_path.display()))),
    };
    let into_name = name_of(into);
    let bom_name = name_of(bom_path);
    let output = SbomImport {
        scenario_text: &text,
        scenario_file: &into_name,
        scenario: &scenario,
        asset,
        bom: (&bom_name, &bom),
    }
    .run();
    let output = match output {
        Ok(o) => o,
        Err(e) => return Ok(Err(format!("error: --asset: {e}"))),
    };
    finish(&output.yaml, &output.report.render(), out, &lib)
}
