//! Runs past one machine and past one process: `run --part K/N` (one part of a run, written as
//! a part file), `merge` (parts back into one run's outputs) and `run --checkpoint DIR
//! [--resume]` (a run that keeps its completed chunks as part files and continues from them).
//! The part-file format and the checks that parts belong together are
//! `patchtwin_mc::part`'s; this module reads and writes the files and talks to the user.

use crate::BadInput;
use patchtwin_mc::part::{self, Assembler, Identity, Part, Span};
use patchtwin_mc::{McSettings, RunResult};
use patchtwin_sim::Compiled;
use std::path::{Path, PathBuf};

/// Replications per checkpoint chunk file.
const CHECKPOINT_EVERY: u64 = patchtwin_mc::CHUNK;

/// Arguments of `patchtwin merge`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Part files written by `run --part K/N`, or folders holding them (every `*.ptpart`
    /// inside), in any order.
    #[arg(required = true, value_name = "PARTS")]
    parts: Vec<PathBuf>,
    /// The scenario file the parts were run from (default: the path recorded in the parts).
    /// Its SHA-256 must be the one recorded in the parts.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Output folder, written as a whole, as `run --out`.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Replace an earlier run's outputs in `--out` even when they are of another scenario.
    #[arg(long)]
    force: bool,
    /// Rows per plan in the table.
    #[arg(long, default_value_t = 8)]
    rows: usize,
    /// Say whether every headline probability's 95% interval is narrower than this width
    /// and, if not, about how many more replications per plan it needs (widths shrink as
    /// 1/√runs, so from the widest interval w: runs × (w / target)²).
    #[arg(long)]
    target_ci: Option<f64>,
}

/// What identifies the run being started: its parts and chunks carry it.
pub fn identity(
    file: &Path,
    sha256: &str,
    model: &Compiled,
    plans: &[usize],
    settings: McSettings,
) -> Identity {
    let s = &model.scenario;
    Identity {
        scenario: s.name.clone(),
        scenario_sha256: sha256.into(),
        scenario_path: std::path::absolute(file)
            .unwrap_or_else(|_| file.to_path_buf())
            .display()
            .to_string(),
        seed: settings.seed,
        runs: settings.runs,
        plans: plans.iter().map(|&p| s.plans[p].id.clone()).collect(),
        observe_ns: settings.observe_ns,
        horizon_ns: s.horizon.as_nanos(),
        flows: model.flows.len(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// `K/N` of `--part`, checked against `--runs`.
fn parse_part(text: &str, runs: u64) -> Result<(u64, u64), BadInput> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    let Some((k, n)) = parsed.filter(|&(k, n)| k >= 1 && k <= n) else {
        return Err(BadInput(format!(
            "error: --part: expected K/N with 1 ≤ K ≤ N (part K of N, e.g. 2/8), got `{text}`"
        )));
    };
    if n > runs {
        return Err(BadInput(format!(
            "error: --part {k}/{n}: {runs} replications (--runs) cannot be split into {n} parts; use at most {runs}"
        )));
    }
    Ok((k, n))
}

/// `run --part K/N`: runs part K's replications and writes `part-K-of-N.ptpart` into `out`.
pub fn run_part(
    text: &str,
    out: &Path,
    identity: Identity,
    model: &Compiled,
    plans: &[usize],
    settings: McSettings,
) -> anyhow::Result<Result<(), BadInput>> {
    let (k, n) = match parse_part(text, settings.runs) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let range = part::part_range(k, n, settings.runs).expect("checked by parse_part");
    let path = out.join(format!("part-{k}-of-{n}.{}", part::EXTENSION));
    // Refuse before hours of simulation, not after.
    if let Err(e) = check_replaceable(&path) {
        return Ok(Err(e));
    }
    let bar =
        match crate::progress::Progress::new((range.end - range.start) * plans.len() as u64, 0) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
    let started = std::time::Instant::now();
    let result = patchtwin_mc::run_range(model, plans, range.clone(), settings, &|d| bar.set(d))?;
    bar.finish();
    let p = Part {
        identity,
        span: Span {
            first: range.start,
            end: range.end,
            part: Some((k, n)),
        },
        threads: settings.threads,
        wall_s: started.elapsed().as_secs_f64(),
        result,
    };
    if let Err(e) = write_part(&path, &p) {
        return Ok(Err(e));
    }
    say!(
        "part {k} of {n}: replications {}..{} of {} per plan in {:.2}s; wrote {}",
        range.start,
        range.end,
        settings.runs,
        p.wall_s,
        path.display()
    );
    Ok(Ok(()))
}

/// A path a part file may be written to: absent, or an earlier part file (a rerun of the
/// same part replaces it). Anything else is the user's and is never overwritten.
fn check_replaceable(path: &Path) -> Result<(), BadInput> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.is_file() => {
            let head = read_head(path).unwrap_or_default();
            if part::looks_like_part(&head) {
                Ok(())
            } else {
                Err(BadInput(format!(
                    "error: {} exists and is not a patchtwin part file; it is left alone (choose another --out)",
                    path.display()
                )))
            }
        }
        Ok(_) => Err(BadInput(format!(
            "error: {} exists and is not a patchtwin part file; it is left alone (choose another --out)",
            path.display()
        ))),
    }
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Writes `p` to `path` whole or not at all, through the output writer's single-file path (a
/// private temporary file beside it, synced, then renamed); [`check_replaceable`] first makes
/// sure anything already there is an earlier part file, which is all `force` may replace.
fn write_part(path: &Path, p: &Part) -> Result<(), BadInput> {
    check_replaceable(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| BadInput(format!("error: cannot write {}: {e}", dir.display())))?;
    }
    let bytes = part::encode(p, patchtwin_scenario::sha256_hex);
    match patchtwin_report::output::write_new_file(path, &bytes, true, "--part") {
        Ok(()) => Ok(()),
        Err(e @ patchtwin_report::WriteError::Io { .. }) => Err(BadInput(format!("error: {e}"))),
        Err(e) => Err(BadInput(e.to_string())),
    }
}

/// Reads and checks one part file.
fn read_part(path: &Path) -> Result<Part, BadInput> {
    let bytes = std::fs::read(path).map_err(|e| {
        BadInput(format!(
            "error: cannot read part file {}: {e}",
            path.display()
        ))
    })?;
    part::decode(&bytes, patchtwin_scenario::sha256_hex)
        .map_err(|e| BadInput(format!("error: {}: {e}", path.display())))
}

/// The part files `args` name: files as given, folders expanded to their `*.ptpart` files
/// (sorted by name).
fn part_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, BadInput> {
    let mut files = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut inside = list_parts(a, "")?;
            if inside.is_empty() {
                return Err(BadInput(format!(
                    "error: {} holds no part files (*.{})",
                    a.display(),
                    part::EXTENSION
                )));
            }
            files.append(&mut inside);
        } else if a.exists() {
            files.push(a.clone());
        } else {
            return Err(BadInput(format!(
                "error: part file {} does not exist",
                a.display()
            )));
        }
    }
    Ok(files)
}

/// `*.ptpart` files in `dir` whose name starts with `prefix`, sorted by name; hidden files
/// (temporary files of a write in progress) are not parts.
fn list_parts(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>, BadInput> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| BadInput(format!("error: cannot list {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.starts_with('.')
                    && n.starts_with(prefix)
                    && n.ends_with(&format!(".{}", part::EXTENSION))
            })
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `patchtwin merge`.
pub fn merge(a: &MergeArgs) -> anyhow::Result<Result<(), BadInput>> {
    Ok(merge_checked(a))
}

fn merge_checked(a: &MergeArgs) -> Result<(), BadInput> {
    if let Some(w) = a.target_ci
        && !(w > 0.0 && w < 1.0)
    {
        return Err(BadInput(format!(
            "error: --target-ci is the width of a probability interval, between 0 and 1 (e.g. 0.02); got {w}"
        )));
    }
    let mut asm = Assembler::new();
    for f in part_files(&a.parts)? {
        let p = read_part(&f)?;
        asm.add(&f.display().to_string(), p)
            .map_err(|e| BadInput(format!("error: {e}")))?;
    }
    let merged = asm.finish().map_err(|e| BadInput(format!("error: {e}")))?;
    let id = &merged.identity;
    let file = a
        .scenario
        .clone()
        .unwrap_or_else(|| PathBuf::from(&id.scenario_path));
    let loaded = patchtwin_scenario::load_file(&file).map_err(|d| {
        BadInput(format!(
            "{}\n(the parts are of scenario `{}`; name its file with --scenario)",
            d.render(),
            id.scenario
        ))
    })?;
    if loaded.sha256 != id.scenario_sha256 {
        return Err(BadInput(format!(
            "error: {} is not the scenario the parts were run from: its SHA-256 is {}, the parts' is {} (scenario `{}`); pass that file with --scenario",
            file.display(),
            loaded.sha256,
            id.scenario_sha256,
            id.scenario
        )));
    }
    let s = loaded.scenario;
    let runs = id.runs;
    let stop = match a.target_ci {
        None => format!("fixed: {runs} replications per plan"),
        Some(w) => target_verdict(&merged.result, runs, w),
    };
    let events = merged.result.plans.iter().map(|r| r.events).sum();
    let summary = patchtwin_report::summary(
        &s,
        &loaded.sha256,
        patchtwin_report::SettingsInfo {
            runs,
            seed: id.seed,
            horizon_s: s.horizon.as_secs_f64(),
            observe_s: id.observe_ns as f64 / 1e9,
            stop,
        },
        patchtwin_report::EngineInfo {
            events,
            wall_s: merged.wall_s,
            threads: merged.threads,
        },
        &merged.result,
    );
    crate::publish(&a.out, a.force, a.rows, &[], &summary, &merged.result, &s)
}

/// Whether the widest headline interval is narrower than `target`, and if not, about how
/// many more replications per plan would make it so: a 95% interval's width shrinks as
/// 1/√runs, so `runs × (widest / target)²` replications are needed in all.
fn target_verdict(r: &RunResult, runs: u64, target: f64) -> String {
    let (widest, which) = r.widest_headline();
    if widest < target {
        return format!(
            "target reached: after {runs} replications per plan every headline interval is narrower than {target} (widest {widest:.4})"
        );
    }
    let needed = (runs as f64 * (widest / target).powi(2)).ceil() as u64;
    let more = needed.saturating_sub(runs).max(1);
    format!(
        "target not reached: after {runs} replications per plan the widest interval, {which}, is {widest:.4} wide (target {target}); about {more} more replications per plan should reach it (widths shrink as 1/√runs: {runs} × ({widest:.4} / {target})² ≈ {needed})"
    )
}

/// A run's checkpoint folder: the chunks already done, and where new ones go.
pub struct Checkpoint {
    dir: PathBuf,
    identity: Identity,
    done: Assembler,
}

impl Checkpoint {
    /// Opens `dir` for the run `identity`. Without `resume`, a folder that already holds
    /// chunks is refused (they are an interrupted run's: say `--resume`); with it, every
    /// chunk must be of this run.
    pub fn open(
        dir: &Path,
        resume: bool,
        identity: Identity,
    ) -> anyhow::Result<Result<Checkpoint, BadInput>> {
        Ok(Self::open_checked(dir, resume, identity))
    }

    fn open_checked(dir: &Path, resume: bool, identity: Identity) -> Result<Checkpoint, BadInput> {
        if dir.exists() && !dir.is_dir() {
            return Err(BadInput(format!(
                "error: --checkpoint {} is not a folder",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| BadInput(format!("error: cannot create {}: {e}", dir.display())))?;
        remove_stale_temporaries(dir);
        let chunks = list_parts(dir, "chunk-")?;
        if !resume && !chunks.is_empty() {
            return Err(BadInput(format!(
                "error: --checkpoint {} holds {} chunk(s) of an interrupted run; add --resume to continue it, or choose another folder",
                dir.display(),
                chunks.len()
            )));
        }
        let mut done = Assembler::expecting("this run", identity.clone());
        for f in &chunks {
            let p = read_part(f)?;
            done.add(&f.display().to_string(), p).map_err(|e| {
                BadInput(format!(
                    "error: --resume: {e}\n(give the interrupted run's arguments, or choose another --checkpoint folder)"
                ))
            })?;
        }
        if resume && chunks.is_empty() {
            complain!(
                "note: --resume: {} holds no chunks yet; starting from the first replication",
                dir.display()
            );
        }
        Ok(Checkpoint {
            dir: dir.to_path_buf(),
            identity,
            done,
        })
    }

    /// Replications per plan already done.
    pub fn done(&self) -> u64 {
        self.done.spans().map(|s| s.end - s.first).sum()
    }

    /// Runs the replications not yet done, chunk by chunk, keeping each chunk as a file, and
    /// returns the results of the whole run.
    pub fn run(
        mut self,
        model: &Compiled,
        plans: &[usize],
        settings: McSettings,
        progress: &(dyn Fn(u64) + Sync),
    ) -> anyhow::Result<Result<RunResult, BadInput>> {
        let k = plans.len() as u64;
        let mut finished = self.done();
        for gap in self.done.gaps(settings.runs) {
            let mut first = gap.start;
            while first < gap.end {
                // Chunks on a fixed grid, so a resumed run writes the same files.
                let end = ((first / CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY).min(gap.end);
                let base = finished * k;
                let started = std::time::Instant::now();
                let result = patchtwin_mc::run_range(model, plans, first..end, settings, &|d| {
                    progress(base + d)
                })?;
                let p = Part {
                    identity: self.identity.clone(),
                    span: Span {
                        first,
                        end,
                        part: None,
                    },
                    threads: settings.threads,
                    wall_s: started.elapsed().as_secs_f64(),
                    result,
                };
                let path = self
                    .dir
                    .join(format!("chunk-{first}-{end}.{}", part::EXTENSION));
                if let Err(e) = write_part(&path, &p) {
                    return Ok(Err(e));
                }
                let name = path.display().to_string();
                if let Err(e) = self.done.add(&name, p) {
                    return Ok(Err(BadInput(format!("error: {e}"))));
                }
                finished += end - first;
                first = end;
            }
        }
        Ok(self
            .done
            .finish()
            .map(|a| a.result)
            .map_err(|e| BadInput(format!("error: {e}"))))
    }
}

/// Removes what a write killed half-way left in `dir`: the hidden temporary files of
/// [`write_part`] for chunk files (`.chunk-A-B.ptpart.tmp-PID`), never anything else.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with(".chunk-")
            && name.contains(&format!(".{}.tmp-", part::EXTENSION))
            && e.file_type().is_ok_and(|t| t.is_file());
        if ours {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Removes the chunk files of a finished run from `dir`, and `dir` if that leaves it empty.
/// Anything else in it stays.
pub fn clear_checkpoint(dir: &Path) {
    if let Ok(chunks) = list_parts(dir, "chunk-") {
        for f in chunks {
            let _ = std::fs::remove_file(f);
        }
    }
    let _ = std::fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_argument_is_checked() {
        assert_eq!(parse_part("2/8", 100).ok(), Some((2, 8)));
        assert_eq!(parse_part("8/8", 100).ok(), Some((8, 8)));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", ""] {
            let e = parse_part(bad, 100).expect_err(bad);
            assert!(e.0.contains("expected K/N"), "{bad}: {}", e.0);
        }
        let e = parse_part("1/5", 4).expect_err("too many parts");
        assert!(e.0.contains("at most 4"), "{}", e.0);
    }
}
