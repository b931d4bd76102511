//! Replays every input under `fuzz/regressions/<target>/` (inputs that once made a fuzz
//! target fail, kept when the bug was fixed) and the seed corpus through the same harnesses
//! the fuzz targets use, so the fixes stay checked by a plain `cargo test`, without the
//! fuzzer or a nightly toolchain.

#[allow(dead_code)]
#[path = "../../../fuzz/src/harness.rs"]
mod harness;

use std::path::PathBuf;

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

/// Runs `harness` on every regression input and seed of `target`; returns how many ran.
fn replay(target: &str, harness: fn(&[u8])) -> usize {
    let mut n = 0;
    for kind in ["regressions", "seeds"] {
        for path in inputs(kind, target) {
            let data = std::fs::read(&path).expect("read input");
            let result = std::panic::catch_unwind(|| harness(&data));
            assert!(result.is_ok(), "{} made the harness panic", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn csaf_inputs_replay_cleanly() {
    assert!(replay("csaf", harness::csaf) >= 5);
}

#[test]
fn kev_inputs_replay_cleanly() {
    assert!(replay("kev", harness::kev) >= 1);
}

#[test]
fn epss_inputs_replay_cleanly() {
    assert!(replay("epss", harness::epss) >= 2);
}

#[test]
fn cyclonedx_inputs_replay_cleanly() {
    assert!(replay("cyclonedx", harness::cyclonedx) >= 2);
}

#[test]
fn scenario_inputs_replay_cleanly() {
    // The four shipped seeds and the routing panic the fuzzer found (issue 13 item 1).
    assert!(replay("scenario", harness::scenario) >= 5);
}
