//! Putting outputs on disk without losing anything: a run's files as one transaction
//! ([`write_all`](crate::write_all)) and a single new file that never replaces what it should not
//! ([`write_new_file`]).
//!
//! **A run's output set.** Every file of a run is written into a fresh private folder beside
//! `--out` (`.NAME.patchtwin-XXXXXX`, created by `tempfile` with an unpredictable name,
//! `O_EXCL`, mode 0700, so nobody can plant a symlink in it), each file created with
//! `O_CREAT | O_EXCL` and synced, plus a marker [`MARKER`] that says which run the folder holds
//! and lists its files. Then the folder is switched into place with one rename:
//! `renameat2(RENAME_NOREPLACE)` when `--out` does not exist, `renameat2(RENAME_EXCHANGE)` when
//! it holds a previous set, so at every instant `--out` is either the complete old set or the
//! complete new set. Only after the switch is the old set (now at the private name) removed,
//! file by file from its marker's list; anything else found there is left, and reported.
//! Without `RENAME_EXCHANGE` (not Linux, or a file system without it) the old set is renamed
//! aside first: a kill between the two renames then leaves `--out` absent and the complete old
//! set in the `.NAME.patchtwin-…` folder beside it.
//!
//! **What may be replaced.** `--out` may be absent, an empty folder, or a folder whose every
//! entry is listed by its marker (a previous set). A previous set of another scenario (by
//! name) is replaced only with `force`. Anything else — a folder without a marker that holds
//! anything, files not in the marker's list, a symlink, a file — is refused, `force` or not:
//! patchtwin never deletes or moves a file it did not write.
//!
//! **Leftovers of an interrupted run.** A run stopped by a signal while it fills its private
//! folder, or before it has removed the old set, leaves `.NAME.patchtwin-XXXXXX` beside
//! `--out`. Every private folder carries a staging stamp naming the process that owns it, and
//! the next write of the same `--out` removes the folders whose process no longer exists
//! (`stale`); nothing else is ever removed.
//!
//! This module does not render anything; the crate root hands it the files' text.

mod stale;

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The marker file inside an output folder: which run wrote the folder, and its files.
pub const MARKER: &str = ".patchtwin-run.json";

/// The one subfolder an output set has.
const CHARTS: &str = "charts";

/// How many times a switch is retried when a concurrent run changed `--out` meanwhile.
const SWITCH_TRIES: usize = 5;

/// The content of [`MARKER`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMarker {
    /// Always `patchtwin`.
    pub tool: String,
    /// The version of patchtwin that wrote the folder.
    pub version: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per plan.
    pub runs: u64,
    /// Plan ids, in the order they were run.
    pub plans: Vec<String>,
    /// Every file of the set, relative to the folder (`summary.json`, `charts/…`).
    pub files: Vec<String>,
}

/// Writing outputs failed, or was refused to protect files patchtwin did not write.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// An I/O error on a named path.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing would replace or remove something patchtwin must not touch; the message says
    /// what and what to do.
    #[error("{0}")]
    Refused(String),
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a finished [`write_all`](crate::write_all) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Every file of the new set, under `--out`, in the order given.
    pub files: Vec<PathBuf>,
    /// A folder that held the previous set and could not be removed completely because it
    /// also holds files patchtwin did not write (someone added them during the run); they are
    /// left there for the user.
    pub left_behind: Option<PathBuf>,
}

/// Is `rel` a path an output set may contain: `NAME` or `charts/NAME`, plain names only.
fn valid_entry(rel: &str) -> bool {
    let plain = |n: &str| !n.is_empty() && n != "." && n != ".." && !n.contains(['/', '\\', '\0']);
    match rel.split_once('/') {
        None => plain(rel) && rel != MARKER && rel != CHARTS,
        Some((dir, name)) => dir == CHARTS && plain(name),
    }
}

/// Can `rel` be a file of an output set: a valid entry (see [`write_set`]) whose every name
/// fits a file system's limit of 255 bytes. `run` asks before the replications.
pub fn is_output_name(rel: &str) -> bool {
    valid_entry(rel) && rel.split('/').all(|n| n.len() <= 255)
}

/// What `--out` holds now.
enum Existing {
    /// Nothing there.
    Absent,
    /// A folder with nothing in it.
    Empty,
    /// A previous set (every entry listed by its marker).
    Ours,
}

/// Lists `dir`'s entries as relative paths (`charts/…` for the charts folder's), without
/// following symlinks; `charts` itself is listed only when it is not a real folder.
fn entries(dir: &Path) -> Result<Vec<String>, WriteError> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let e = e.map_err(io_at(dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let ty = e.file_type().map_err(io_at(dir))?;
        if name == CHARTS && ty.is_dir() {
            let sub = dir.join(CHARTS);
            for c in std::fs::read_dir(&sub).map_err(io_at(&sub))? {
                let c = c.map_err(io_at(&sub))?;
                out.push(format!("{CHARTS}/{}", c.file_name().to_string_lossy()));
            }
        } else {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the marker of `dir`, if there is a regular file by that name that parses.
fn read_marker(dir: &Path) -> Option<RunMarker> {
    let path = dir.join(MARKER);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 16 << 20 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let m: RunMarker = serde_json::from_str(&text).ok()?;
    (m.tool == "patchtwin" && m.files.iter().all(|f| valid_entry(f))).then_some(m)
}

fn listing(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

/// Classifies `--out`; refuses anything that is not absent, empty or a previous set we may
/// replace.
fn inspect(out: &Path, scenario: &str, force: bool) -> Result<Existing, WriteError> {
    let shown = out.display();
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(io_at(out)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(WriteError::Refused(format!(
            "error: --out {shown} is a symbolic link; patchtwin replaces the output folder as a whole and will not follow or replace a link: give the folder it points to, or another --out"
        )));
    }
    if !meta.is_dir() {
        return Err(WriteError::Refused(format!(
            "error: --out {shown} exists and is not a folder; nothing was written (give a new or empty folder, or one that holds an earlier patchtwin run)"
        )));
    }
    let found = entries(out)?;
    if found.is_empty() {
        return Ok(Existing::Empty);
    }
    let never = "patchtwin never deletes or replaces files it did not write, even with --force: move them elsewhere or choose another --out";
    let Some(marker) = read_marker(out) else {
        return Err(WriteError::Refused(format!(
            "error: --out {shown} holds files that patchtwin did not write ({}) and no {MARKER} marker of an earlier run; nothing was written. {never}",
            listing(&found)
        )));
    };
    let foreign: Vec<String> = found
        .into_iter()
        .filter(|f| f != MARKER && !marker.files.contains(f))
        .collect();
    if !foreign.is_empty() {
        return Err(WriteError::Refused(format!(
            "error: --out {shown} holds an earlier patchtwin run and also files that run did not write ({}); nothing was written. {never}",
            listing(&foreign)
        )));
    }
    if marker.scenario != scenario && !force {
        return Err(WriteError::Refused(format!(
            "error: --out {shown} holds the outputs of scenario `{}` (seed {}, {} runs per plan), not `{scenario}`; nothing was written. Use --force to replace that run's files, or choose another --out",
            marker.scenario, marker.seed, marker.runs
        )));
    }
    Ok(Existing::Ours)
}

/// Syncs a folder's entries to disk (best effort: not every file system supports it).
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Writes the files into the fresh private folder `dir`, then the marker.
fn fill(dir: &Path, files: &[(String, String)], marker: &RunMarker) -> Result<(), WriteError> {
    let charts = dir.join(CHARTS);
    if files.iter().any(|(rel, _)| rel.starts_with("charts/")) {
        // Created with the process's umask, so its mode is the one the set's folder gets.
        std::fs::create_dir(&charts).map_err(io_at(&charts))?;
    }
    let marker_text = serde_json::to_string_pretty(marker).expect("a marker serializes") + "\n";
    let all = files
        .iter()
        .map(|(rel, text)| (rel.as_str(), text.as_str()))
        .chain(std::iter::once((MARKER, marker_text.as_str())));
    for (rel, text) in all {
        let path = dir.join(rel);
        let mut f = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_at(&path))?;
        f.write_all(text.as_bytes()).map_err(io_at(&path))?;
        f.sync_all().map_err(io_at(&path))?;
    }
    sync_dir(&charts);
    sync_dir(dir);
    Ok(())
}

/// Gives the private folder the mode an ordinary new folder would have (or the previous
/// set's), so the switched-in set is as readable as the user expects.
#[cfg(unix)]
fn open_up(dir: &Path, out: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(out)
        .or_else(|_| std::fs::metadata(dir.join(CHARTS)))
        .map_or(0o755, |m| m.permissions().mode() & 0o7777);
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn open_up(_dir: &Path, _out: &Path) {}

/// The result of one switch attempt.
enum Switched {
    /// The new set is at `--out`; the old set, if any, is at the private path.
    Done { old_at_private: bool },
    /// `--out` changed since it was inspected (a concurrent run); inspect again.
    Raced,
}

#[cfg(target_os = "linux")]
fn rename_with(from: &Path, to: &Path, flags: rustix::fs::RenameFlags) -> std::io::Result<()> {
    rustix::fs::renameat_with(rustix::fs::CWD, from, rustix::fs::CWD, to, flags)
        .map_err(std::io::Error::from)
}

/// Is this error "the file system cannot do that rename flag" (fall back to plain renames)?
#[cfg(target_os = "linux")]
fn unsupported(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(code) if code == rustix::io::Errno::INVAL.raw_os_error()
        || code == rustix::io::Errno::NOSYS.raw_os_error()
        || code == rustix::io::Errno::OPNOTSUPP.raw_os_error())
}

fn raced(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::AlreadyExists
            | std::io::ErrorKind::DirectoryNotEmpty
            | std::io::ErrorKind::NotFound
    )
}

/// Moves the private folder `new` to `out` in one rename.
fn switch(new: &Path, out: &Path, existing: &Existing) -> Result<Switched, WriteError> {
    let parent = out.parent().unwrap_or(Path::new("."));
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::RenameFlags;
        let (flags, old_at_private) = match existing {
            Existing::Absent => (RenameFlags::NOREPLACE, false),
            Existing::Empty | Existing::Ours => (RenameFlags::EXCHANGE, true),
        };
        match rename_with(new, out, flags) {
            Ok(()) => return Ok(Switched::Done { old_at_private }),
            Err(e) if raced(&e) => return Ok(Switched::Raced),
            Err(e) if unsupported(&e) => {}
            Err(e) => return Err(io_at(out)(e)),
        }
    }
    // Portable fallback: old set aside to a fresh private name, then the new set in.
    if let Existing::Absent = existing {
        if out.exists() {
            return Ok(Switched::Raced);
        }
        return match std::fs::rename(new, out) {
            Ok(()) => Ok(Switched::Done {
                old_at_private: false,
            }),
            Err(e) if raced(&e) => Ok(Switched::Raced),
            Err(e) => Err(io_at(out)(e)),
        };
    }
    let aside = tempfile::Builder::new()
        .prefix(&format!(".{}.patchtwin-old-", name_of(out)))
        .tempdir_in(parent)
        .map_err(io_at(parent))?
        .keep();
    if let Err(e) = std::fs::rename(out, &aside) {
        let _ = std::fs::remove_dir(&aside);
        return if raced(&e) {
            Ok(Switched::Raced)
        } else {
            Err(io_at(out)(e))
        };
    }
    std::fs::rename(new, out).map_err(io_at(out))?;
    // The old set now sits at `aside`; hand it over under the private name's role.
    std::fs::rename(&aside, new).map_err(io_at(new))?;
    Ok(Switched::Done {
        old_at_private: true,
    })
}

fn name_of(out: &Path) -> String {
    out.file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned())
}

/// Removes the previous set from `old`, only the files its marker lists (regular files, not
/// symlinks), then the folders if they are empty. Returns `old` when something else is left.
fn remove_old_set(old: &Path) -> Option<PathBuf> {
    if let Some(marker) = read_marker(old) {
        for rel in marker.files.iter().map(String::as_str).chain([MARKER]) {
            let path = old.join(rel);
            let charts_is_dir =
                std::fs::symlink_metadata(old.join(CHARTS)).is_ok_and(|m| m.is_dir());
            if rel.starts_with("charts/") && !charts_is_dir {
                continue;
            }
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let stamp = old.join(stale::STAGING);
    if std::fs::symlink_metadata(&stamp).is_ok_and(|m| m.is_file()) {
        let _ = std::fs::remove_file(&stamp);
    }
    let _ = std::fs::remove_dir(old.join(CHARTS));
    match std::fs::remove_dir(old) {
        Ok(()) => None,
        Err(_) => Some(old.to_path_buf()),
    }
}

/// Checks before any work that [`write_set`] could put a run of `scenario` at `out`: the same
/// refusals (not a folder name; a file, a link, or files patchtwin did not write there; another
/// scenario's run without `force`) and a nearest existing folder above `out` that accepts a
/// new folder. Read-only except for an empty probe folder made and removed at once; nothing
/// is created for `out` itself. [`write_set`] checks again at the end, since the folder can
/// change while the replications run.
pub fn preflight_set(out: &Path, scenario: &str, force: bool) -> Result<(), WriteError> {
    if out.file_name().is_none() {
        return Err(WriteError::Refused(format!(
            "error: --out {} does not name a folder; give one such as `out` or `results/run-1`",
            out.display()
        )));
    }
    inspect(out, scenario, force)?;
    let mut above = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    while !above.exists() {
        match above.parent() {
            Some(p) if !p.as_os_str().is_empty() => above = p.to_path_buf(),
            _ => {
                above = PathBuf::from(".");
                break;
            }
        }
    }
    if !above.is_dir() {
        return Err(WriteError::Refused(format!(
            "error: --out {}: {} is not a folder; nothing was written",
            out.display(),
            above.display()
        )));
    }
    let probe = tempfile::Builder::new()
        .prefix(&format!(".{}.patchtwin-probe-", name_of(out)))
        .tempdir_in(&above)
        .map_err(io_at(out))?;
    probe.close().map_err(io_at(out))?;
    Ok(())
}

/// Writes one run's output set to `out` as a transaction (see the module docs). `files` are
/// (relative path, text) pairs, `NAME` or `charts/NAME`; `marker.files` is filled in here.
/// With `force`, a previous set of another scenario is replaced; files patchtwin did not
/// write are never touched.
pub fn write_set(
    out: &Path,
    files: &[(String, String)],
    mut marker: RunMarker,
    force: bool,
) -> Result<Written, WriteError> {
    if out.file_name().is_none() {
        return Err(WriteError::Refused(format!(
            "error: --out {} does not name a folder; give one such as `out` or `results/run-1`",
            out.display()
        )));
    }
    if let Some(bad) = files.iter().find(|(rel, _)| !is_output_name(rel)) {
        return Err(WriteError::Refused(format!(
            "internal error: `{}` is not a valid output file name",
            bad.0
        )));
    }
    marker.files = files.iter().map(|(rel, _)| rel.clone()).collect();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut existing = inspect(out, &marker.scenario, force)?;
    std::fs::create_dir_all(&parent).map_err(io_at(out))?;
    stale::sweep(out, &parent);
    let private = tempfile::Builder::new()
        .prefix(&format!(".{}.patchtwin-", name_of(out)))
        .tempdir_in(&parent)
        .map_err(io_at(out))?;
    stale::stamp(private.path())?;
    fill(private.path(), files, &marker)?;
    open_up(private.path(), out);
    // The complete set goes in without its stamp (a stop from here to the switch leaves an
    // unstamped folder, which is never swept).
    stale::unstamp(private.path())?;
    // From here on the private path may hold the old set: never let `TempDir` delete it
    // wholesale.
    let new = private.keep();
    let mut tries = 0;
    let old_at_private = loop {
        let outcome = switch(&new, out, &existing);
        match outcome {
            Ok(Switched::Done { old_at_private }) => break old_at_private,
            Ok(Switched::Raced) if tries + 1 < SWITCH_TRIES => {
                tries += 1;
                match inspect(out, &marker.scenario, force) {
                    Ok(e) => existing = e,
                    Err(e) => {
                        let _ = std::fs::remove_dir_all(&new);
                        return Err(e);
                    }
                }
            }
            Ok(Switched::Raced) => {
                let _ = std::fs::remove_dir_all(&new);
                return Err(WriteError::Refused(format!(
                    "error: --out {} kept changing while this run tried to put its outputs there (another run?); nothing was written",
                    out.display()
                )));
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&new);
                return Err(e);
            }
        }
    };
    if old_at_private {
        // The old set now at the private name is ours to remove; stamp it so that a stop
        // before the removal leaves a folder the next run sweeps.
        let _ = stale::stamp(&new);
    }
    sync_dir(&parent);
    let left_behind = if old_at_private {
        remove_old_set(&new)
    } else {
        None
    };
    Ok(Written {
        files: files.iter().map(|(rel, _)| out.join(rel)).collect(),
        left_behind,
    })
}

/// Writes `bytes` to the new file `path` atomically (a private temporary file beside it,
/// synced, then renamed). `path` must be absent; with `force` it may also be an existing
/// regular file, which is replaced (keeping its permissions). Anything else — a folder, a
/// device, a FIFO, a socket, a symlink — is refused, `force` or not. `option` names the
/// path in messages (e.g. `--out`).
pub fn write_new_file(
    path: &Path,
    bytes: &[u8],
    force: bool,
    option: &str,
) -> Result<(), WriteError> {
    let shown = format!("{option} {}", path.display());
    let replacing = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_at(path)(e)),
        Ok(m) if m.file_type().is_symlink() => {
            return Err(WriteError::Refused(format!(
                "error: {shown} is a symbolic link; patchtwin does not write through links or replace them: give a new file name"
            )));
        }
        Ok(m) if !m.is_file() => {
            return Err(WriteError::Refused(format!(
                "error: {shown} exists and is not a regular file (a folder, device, FIFO or socket); patchtwin writes only new regular files"
            )));
        }
        Ok(_) if !force => {
            return Err(WriteError::Refused(format!(
                "error: {shown} already exists; nothing was written. Choose a new file name, or use --force to replace it"
            )));
        }
        Ok(m) => Some(m.permissions()),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = format!(".{}.patchtwin-", name_of(path));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // An ordinary new file's mode (the umask applies), or the replaced file's.
        builder.permissions(
            replacing
                .clone()
                .unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)),
        );
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io_at(path))?;
    tmp.write_all(bytes).map_err(io_at(path))?;
    tmp.as_file().sync_all().map_err(io_at(path))?;
    if replacing.is_some() {
        tmp.persist(path).map_err(|e| io_at(path)(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                WriteError::Refused(format!(
                    "error: {shown} appeared while patchtwin was writing it; nothing was written. Choose a new file name, or use --force to replace it"
                ))
            } else {
                io_at(path)(e.error)
            }
        })?;
    }
    sync_dir(dir);
    Ok(())
}
