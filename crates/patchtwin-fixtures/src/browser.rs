//! Headless Chromium for the browser tests (the report's and the trainer's pages): finding the
//! binary, running it on a page with a fresh profile, and where screenshots are kept.
//!
//! Not a browser driver: each call is one `chromium --headless …` process whose stdout (a
//! dumped DOM, say) is returned; the pages check themselves with scripts appended by the tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// The Chromium binary: `PATCHTWIN_CHROMIUM`, else the first of the usual names on PATH.
pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PATCHTWIN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| PathBuf::from(name))
        })
}

/// Whether a missing browser fails the test (`PATCHTWIN_REQUIRE_BROWSER=1`, set in CI) rather
/// than skipping it.
pub fn required() -> bool {
    std::env::var("PATCHTWIN_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// `target/browser`, beside the debug and release directories, kept after the run: give it
/// the test crate's `env!("CARGO_TARGET_TMPDIR")`.
pub fn out_dir(target_tmpdir: &str) -> PathBuf {
    let dir = Path::new(target_tmpdir).join("../browser");
    std::fs::create_dir_all(&dir).expect("target/browser");
    dir.canonicalize().expect("target/browser")
}

/// Runs Chromium headless on `url` with `extra` arguments and a fresh profile named after
/// `profile` under `scratch`; returns stdout. Panics (the test fails) when Chromium fails.
///
/// The profile directory is unique per call (process id and a call counter): tests of one
/// binary run in parallel threads, and two Chromiums on one profile refuse to start
/// ("SingletonLock: File exists").
pub fn run_chromium(
    bin: &Path,
    scratch: &Path,
    profile: &str,
    extra: &[String],
    url: &str,
) -> String {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let profile = scratch.join(format!("{profile}-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "chromium {extra:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
