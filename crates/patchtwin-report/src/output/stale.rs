//! Staging folders an interrupted run left beside `--out`, and their sweeping. Every private
//! folder [`write_set`](super::write_set) makes gets a staging stamp ([`STAGING`]: this tool
//! and the id of the process that owns the folder) before anything else is written into it,
//! and keeps it while it is filled; the stamp is removed just before the complete set is
//! switched in, and put back on the folder when it then holds the old set, until that is
//! removed. A process stopped by a signal in
//! between leaves `.NAME.patchtwin-XXXXXX` with the stamp; the next write of the same `--out`
//! removes such a folder when its stamp names a process that no longer exists, and only the
//! files an output set can hold (the stamp, the run marker, `NAME`, `charts/NAME`). Anything
//! else is left alone: a folder without the stamp, whose process is alive (a concurrent run),
//! that is a symbolic link, or that still holds something else after the sweep.
//!
//! Not here: which files a set holds and how it is switched in (the parent module).

use super::{CHARTS, MARKER, WriteError, entries, io_at, valid_entry};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The staging stamp inside a private folder.
pub(super) const STAGING: &str = ".patchtwin-staging.json";

/// The content of [`STAGING`].
#[derive(Debug, Serialize, Deserialize)]
struct Stamp {
    /// Always `patchtwin`.
    tool: String,
    /// The process that owns the folder.
    pid: u32,
}

/// Writes the stamp of this process into the fresh private folder `dir`.
pub(super) fn stamp(dir: &Path) -> Result<(), WriteError> {
    let path = dir.join(STAGING);
    let text = serde_json::to_string(&Stamp {
        tool: "patchtwin".into(),
        pid: std::process::id(),
    })
    .expect("a stamp serializes");
    let mut f = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io_at(&path))?;
    f.write_all(text.as_bytes()).map_err(io_at(&path))?;
    Ok(())
}

/// Removes this process's stamp from `dir`, whose set is complete and about to be switched in.
pub(super) fn unstamp(dir: &Path) -> Result<(), WriteError> {
    let path = dir.join(STAGING);
    std::fs::remove_file(&path).map_err(io_at(&path))?;
    super::sync_dir(dir);
    Ok(())
}

/// Is there a process with this id? Without `/proc` (not Linux) every process counts as
/// alive, so nothing is swept.
fn alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Does `dir` carry a stamp of this tool whose process is gone?
pub(super) fn abandoned(dir: &Path) -> bool {
    let path = dir.join(STAGING);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return false;
    };
    if !meta.is_file() || meta.len() > 4096 {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return false;
    };
    match serde_json::from_str::<Stamp>(&text) {
        Ok(s) => s.tool == "patchtwin" && s.pid != std::process::id() && !alive(s.pid),
        Err(_) => false,
    }
}

/// Removes the abandoned staging folders of `out` from `parent` (see the module docs) and
/// returns those removed.
pub(super) fn sweep(out: &Path, parent: &Path) -> Vec<PathBuf> {
    let Some(name) = out.file_name() else {
        return Vec::new();
    };
    let prefix = format!(".{}.patchtwin-", name.to_string_lossy());
    let Ok(list) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in list.flatten() {
        if !e.file_name().to_string_lossy().starts_with(&prefix)
            || !e.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let dir = e.path();
        if abandoned(&dir) && remove(&dir) {
            removed.push(dir);
        }
    }
    removed.sort();
    removed
}

/// Removes what an output set can hold from `dir` (regular files only), then the folder;
/// whether the folder is gone.
fn remove(dir: &Path) -> bool {
    let Ok(found) = entries(dir) else {
        return false;
    };
    for rel in found {
        if rel == STAGING || (rel != MARKER && !valid_entry(&rel)) {
            continue;
        }
        let path = dir.join(&rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            let _ = std::fs::remove_file(&path);
        }
    }
    let _ = std::fs::remove_dir(dir.join(CHARTS));
    // The stamp goes last, and only from a folder it is alone in: a folder that keeps
    // anything else keeps its stamp too.
    if !entries(dir).is_ok_and(|left| left == [STAGING]) {
        return false;
    }
    std::fs::remove_file(dir.join(STAGING)).is_ok() && std::fs::remove_dir(dir).is_ok()
}
