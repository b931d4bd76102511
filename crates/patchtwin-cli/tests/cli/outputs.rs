//! What `patchtwin` promises about files (README, "What patchtwin guarantees about your
//! files"): a run's output set is switched into `--out` as a whole — after a SIGKILL at any
//! moment, or two runs racing, `--out` holds one complete set, never a mix, and no temporary
//! file — files patchtwin did not write are never touched, `import --out` never replaces an
//! existing file without `--force` nor anything but a regular file, a closed pipe loses no
//! write and causes no panic; and the small refusals of bad options (`--threads`, `--plans`,
//! `trace` filters).

use crate::util::{TempDir, patchtwin, workspace_root};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(120);
const SCENARIO: &str = "scenarios/ews-actively-exploited.yaml";
const MARKER: &str = ".patchtwin-run.json";

/// `run SCENARIO` with few replications and a short window, into `out`.
fn run_args(out: &Path, seed: u64, runs: u64) -> Vec<String> {
    [
        "run",
        SCENARIO,
        "--runs",
        &runs.to_string(),
        "--observe",
        "1s",
        "--threads",
        "2",
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]
    .map(String::from)
    .to_vec()
}

fn quick_run(out: &Path, seed: u64) -> crate::util::Run {
    patchtwin(&run_args(out, seed, 2), LIMIT)
}

/// Every file under `dir` (relative paths, `charts/…` included), without following links.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().expect("type").is_dir() {
            for sub in tree(&e.path()) {
                out.push(format!("{name}/{sub}"));
            }
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

/// A file's text with the wall-clock lines (the only run-to-run differences) removed.
fn comparable(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.contains("wall_s") && !l.contains("simulation events in"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The complete set of one seed, as written by an uninterrupted run: file → comparable text.
fn reference(dir: &Path, seed: u64, runs: u64) -> BTreeMap<String, String> {
    let out = dir.join(format!("ref-{seed}"));
    let r = patchtwin(&run_args(&out, seed, runs), LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    tree(&out)
        .into_iter()
        .map(|f| {
            let text = comparable(&out.join(&f));
            (f, text)
        })
        .collect()
}

/// Checks that `out` holds exactly one of the complete `sets` (by seed) and nothing else;
/// returns its seed.
fn assert_one_complete_set(out: &Path, sets: &BTreeMap<u64, BTreeMap<String, String>>) -> u64 {
    let files = tree(out);
    let marker: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(MARKER)).expect("the marker is there"),
    )
    .expect("the marker is JSON");
    let seed = marker["seed"].as_u64().expect("seed");
    let expected = sets
        .get(&seed)
        .unwrap_or_else(|| panic!("{}: a set of unknown seed {seed}", out.display()));
    let listed: Vec<String> = files.iter().filter(|f| *f != MARKER).cloned().collect();
    let want: Vec<String> = expected.keys().filter(|f| *f != MARKER).cloned().collect();
    assert_eq!(
        listed,
        want,
        "{}: files of the seed-{seed} set",
        out.display()
    );
    for (f, text) in expected {
        if f == MARKER {
            continue;
        }
        assert!(
            comparable(&out.join(f)) == *text,
            "{}: {f} is not the seed-{seed} run's",
            out.display()
        );
    }
    seed
}

/// The kill test: SIGKILL at random moments of a run that replaces an earlier set
/// (concentrated around the write phase); afterwards `--out` always holds a complete set of
/// one of the two seeds, never a mix, and no temporary file.
#[test]
fn a_killed_run_leaves_the_complete_old_or_new_set() {
    let dir = TempDir::new("kill");
    const RUNS: u64 = 12;
    let (old_seed, new_seed) = (11, 12);
    let mut sets = BTreeMap::new();
    sets.insert(old_seed, reference(dir.path(), old_seed, RUNS));
    let started = Instant::now();
    sets.insert(new_seed, reference(dir.path(), new_seed, RUNS));
    let full = started.elapsed();
    let out = dir.path().join("out");
    let first = patchtwin(&run_args(&out, old_seed, RUNS), LIMIT);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    // xorshift64*, seeded from the clock; the seed is printed so a failure can be replayed.
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill test: random seed {state}, full run {full:?}");
    let (mut old_seen, mut new_seen) = (0, 0);
    for attempt in 0..40 {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let u = (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        let after = full.mul_f64(0.3 + 1.0 * u);
        let seed = if attempt % 2 == 0 { new_seed } else { old_seed };
        let mut child = Command::new(env!("CARGO_BIN_EXE_patchtwin"))
            .args(run_args(&out, seed, RUNS))
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(after);
        let _ = child.kill();
        let status = child.wait().expect("wait");
        match assert_one_complete_set(&out, &sets) {
            s if s == old_seed => old_seen += 1,
            _ => new_seen += 1,
        }
        assert!(
            status.code().is_none() || status.success(),
            "attempt {attempt}: exit {status:?}"
        );
    }
    eprintln!("kill test: old set {old_seen} times, new set {new_seen} times");
}

/// Two runs racing into the same `--out` (same scenario, two seeds): both succeed and the
/// folder ends with one complete set.
#[test]
fn concurrent_runs_into_one_folder_end_with_one_complete_set() {
    let dir = TempDir::new("race");
    let mut sets = BTreeMap::new();
    for seed in [21, 22] {
        sets.insert(seed, reference(dir.path(), seed, 2));
    }
    for round in 0..4 {
        let out = dir.path().join(format!("out-{round}"));
        if round % 2 == 1 {
            assert_eq!(quick_run(&out, 21).code, Some(0));
        }
        let racers: Vec<_> = [21u64, 22]
            .into_iter()
            .map(|seed| {
                let args = run_args(&out, seed, 2);
                std::thread::spawn(move || patchtwin(&args, LIMIT))
            })
            .collect();
        for r in racers {
            let r = r.join().expect("racer");
            assert_eq!(r.code, Some(0), "round {round}: {}", r.stderr);
        }
        assert_one_complete_set(&out, &sets);
    }
}

#[test]
fn a_rerun_replaces_its_own_set_and_stale_files_of_another_scenario_go_with_force() {
    let dir = TempDir::new("rerun");
    let out = dir.path().join("out");
    assert_eq!(quick_run(&out, 1).code, Some(0));
    let again = quick_run(&out, 2);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(
        std::fs::read_to_string(out.join(MARKER))
            .expect("marker")
            .contains("\"seed\": 2")
    );
    // Nothing but the set beside --out, and no temporary file in it.
    let beside: Vec<String> = tree(dir.path())
        .into_iter()
        .filter(|f| !f.starts_with("out/"))
        .collect();
    assert!(beside.is_empty(), "left beside --out: {beside:?}");
    // Another scenario's set: refused without --force; replaced whole with it (its charts do
    // not stay beside the new files, as they did when files were replaced one by one).
    let other = |force: bool| {
        let mut args = vec![
            "run",
            "scenarios/substation.yaml",
            "--runs",
            "2",
            "--observe",
            "1s",
            "--out",
            out.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        patchtwin(&args, LIMIT)
    };
    let before = tree(&out);
    let refused = other(false);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("ews-actively-exploited") && refused.stderr.contains("--force"),
        "{}",
        refused.stderr
    );
    assert_eq!(tree(&out), before, "a refused run changed --out");
    let forced = other(true);
    assert_eq!(forced.code, Some(0), "{}", forced.stderr);
    let marker = std::fs::read_to_string(out.join(MARKER)).expect("marker");
    let listed: serde_json::Value = serde_json::from_str(&marker).expect("JSON");
    let mut files: Vec<String> = listed["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f.as_str().expect("name").to_string())
        .collect();
    files.push(MARKER.into());
    files.sort();
    assert_eq!(tree(&out), files, "only the substation set is left");
}

/// Files patchtwin did not write — beside an earlier set, or in a folder without a marker
/// with our file names — are never replaced or removed, even with `--force`.
#[test]
fn files_patchtwin_did_not_write_are_never_touched() {
    let dir = TempDir::new("foreign");
    let out = dir.path().join("out");
    assert_eq!(quick_run(&out, 1).code, Some(0));
    std::fs::write(out.join("notes.md"), "mine").expect("write");
    let own = dir.path().join("own");
    std::fs::create_dir(&own).expect("mkdir");
    std::fs::write(own.join("report.md"), "my report").expect("write");
    std::fs::write(own.join("plans.csv"), "my,plans").expect("write");
    for force in [false, true] {
        for folder in [&out, &own] {
            let mut args = run_args(folder, 3, 2);
            if force {
                args.push("--force".into());
            }
            let before: Vec<(String, Vec<u8>)> = tree(folder)
                .into_iter()
                .map(|f| {
                    let bytes = std::fs::read(folder.join(&f)).expect("read");
                    (f, bytes)
                })
                .collect();
            let r = patchtwin(&args, LIMIT);
            assert_eq!(r.code, Some(2), "force {force}: {}", r.stderr);
            assert!(
                r.stderr.contains("did not write") && r.stderr.contains("nothing was written"),
                "{}",
                r.stderr
            );
            let after: Vec<(String, Vec<u8>)> = tree(folder)
                .into_iter()
                .map(|f| {
                    let bytes = std::fs::read(folder.join(&f)).expect("read");
                    (f, bytes)
                })
                .collect();
            assert_eq!(before, after, "{} changed", folder.display());
        }
    }
}

/// The symlink attack: the old writer used `.NAME.<pid>.tmp` in `--out` and followed a
/// symlink planted there. Plant such links for the next few hundred process ids, pointing at a
/// victim file; the victim must be untouched.
#[cfg(target_os = "linux")]
#[test]
fn planted_temporary_symlinks_are_never_followed() {
    let dir = TempDir::new("symlink");
    let victim = dir.write("victim.txt", b"precious");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(1000);
    for pid in last + 1..last + 400 {
        for name in ["summary.json", "plans.csv", "report.md"] {
            let link = out.join(format!(".{name}.{pid}.tmp"));
            std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        }
    }
    let r = quick_run(&out, 1);
    assert_eq!(
        std::fs::read(&victim).expect("victim"),
        b"precious",
        "the victim was overwritten through a planted symlink"
    );
    // The links are files patchtwin did not write: refused, and left alone.
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        out.join(format!(".summary.json.{}.tmp", last + 1))
            .is_symlink()
    );
    assert!(!out.join("summary.json").exists());
}

/// `--out` that is a symlink, or a file, is refused and left as it was.
#[cfg(unix)]
#[test]
fn an_out_that_is_a_link_or_a_file_is_refused() {
    let dir = TempDir::new("outlink");
    let target = dir.path().join("real");
    std::fs::create_dir(&target).expect("mkdir");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let r = quick_run(&link, 1);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert!(link.is_symlink() && tree(&target).is_empty());
    let file = dir.write("file", b"x");
    let r = quick_run(&file, 1);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(std::fs::read(&file).expect("file"), b"x");
}

fn import_args(out: &Path, force: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        "import",
        "sbom",
        "crates/patchtwin-import/tests/data/ews-1.cdx.json",
        "--asset",
        "ews-1",
        "--into",
        SCENARIO,
        "--out",
        out.to_str().expect("UTF-8"),
    ]
    .map(String::from)
    .to_vec();
    if force {
        args.push("--force".into());
    }
    args
}

#[test]
fn import_never_replaces_an_existing_file_without_force() {
    let dir = TempDir::new("import-exists");
    let notes = dir.write("notes.yaml", b"my notes");
    let r = patchtwin(&import_args(&notes, false), LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("already exists") && r.stderr.contains("--force"));
    assert_eq!(std::fs::read(&notes).expect("notes"), b"my notes");
    let r = patchtwin(&import_args(&notes, true), LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(&notes).expect("imported");
    assert!(text.contains("ews-1"), "{text}");
    assert!(
        tree(dir.path()) == ["notes.yaml"],
        "temporary files left: {:?}",
        tree(dir.path())
    );
}

/// `import --out /dev/null` (as root the old code replaced the device node with a regular
/// file): refused, `--force` or not; the device stays a device.
#[cfg(unix)]
#[test]
fn import_refuses_devices_folders_and_links() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = TempDir::new("import-device");
    let link = dir.path().join("link.yaml");
    let target = dir.write("target.yaml", b"keep");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    for force in [false, true] {
        for out in [Path::new("/dev/null"), link.as_path(), dir.path()] {
            let r = patchtwin(&import_args(out, force), LIMIT);
            assert_eq!(
                r.code,
                Some(2),
                "{} force {force}: {}",
                out.display(),
                r.stderr
            );
        }
    }
    let meta = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
    assert!(
        meta.file_type().is_char_device(),
        "/dev/null is no longer a device"
    );
    assert_eq!(std::fs::read(&target).expect("target"), b"keep");
    assert!(link.is_symlink());
}

/// Spawns patchtwin with stdout or stderr a pipe whose reading end is already closed (what
/// `| true` or `| head -1` amount to once the reader has gone).
fn with_closed(args: &[String], stream: &str) -> std::process::ExitStatus {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_patchtwin"));
    cmd.args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::null());
    if stream == "stdout" {
        cmd.stdout(Stdio::from(writer)).stderr(Stdio::null());
    } else {
        cmd.stderr(Stdio::from(writer)).stdout(Stdio::null());
    }
    cmd.status().expect("run patchtwin")
}

#[test]
fn a_closed_stdout_does_not_lose_the_imported_file() {
    let dir = TempDir::new("import-pipe");
    let out = dir.path().join("new.yaml");
    let status = with_closed(&import_args(&out, false), "stdout");
    assert!(status.success(), "{status:?}");
    let text = std::fs::read_to_string(&out).expect("the file was written");
    assert!(text.contains("ews-1"));
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    let dir = TempDir::new("stderr-pipe");
    let bad = dir.write("bad.yaml", b"name: x\nzones: [\n");
    let status = with_closed(&["validate".into(), bad.display().to_string()], "stderr");
    assert_eq!(status.code(), Some(2), "{status:?}");
    let status = with_closed(&quick_args_missing_plan(), "stderr");
    assert_eq!(status.code(), Some(2), "{status:?}");
}

fn quick_args_missing_plan() -> Vec<String> {
    ["trace", SCENARIO, "--plan", "no-such-plan"]
        .map(String::from)
        .to_vec()
}

#[test]
fn threads_are_capped_with_a_note() {
    let dir = TempDir::new("threads");
    let mut args = run_args(&dir.path().join("out"), 1, 2);
    let at = args
        .iter()
        .position(|a| a == "--threads")
        .expect("--threads")
        + 1;
    args[at] = "100000".into();
    let r = patchtwin(&args, LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = 4 * cores;
    assert!(
        r.stderr
            .contains(&format!("--threads 100000 capped at {cap}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains(&format!("on {cap} thread(s)")),
        "{}",
        r.stdout
    );
}

#[test]
fn duplicate_plans_are_refused() {
    let dir = TempDir::new("dup");
    let mut args = run_args(&dir.path().join("out"), 1, 2);
    args.extend(["--plans".into(), "defer,patch-now,defer".into()]);
    let r = patchtwin(&args, LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("`defer` is named twice"), "{}", r.stderr);
    assert!(!dir.path().join("out").exists());
}

#[test]
fn trace_filters_are_checked_with_a_suggestion() {
    let trace = |extra: &[&str]| {
        let mut args = vec!["trace", SCENARIO, "--plan", "patch-now"];
        args.extend(extra);
        patchtwin(&args, LIMIT)
    };
    let r = trace(&["--entity", "no-such-asset"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--entity") && r.stderr.contains("no-such-asset"));
    let r = trace(&["--entity", "ews-1x"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `ews-1`"), "{}", r.stderr);
    let r = trace(&["--kind", "deploy,bogus"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--kind") && r.stderr.contains("`bogus`"));
    let r = trace(&["--kind", "dploy"]);
    assert!(r.stderr.contains("did you mean `deploy`"), "{}", r.stderr);
    // Known filters still work, and an id that exists but has no lines shows 0 lines.
    let r = trace(&["--entity", "ews-1", "--kind", "deploy"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("installing patch"), "{}", r.stdout);
    let r = patchtwin(&["trace", SCENARIO, "--plan", "patch-nwo"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("--plan:") && !r.stderr.contains("--plans"),
        "{}",
        r.stderr
    );
}

/// Review finding: a refused `--out` was refused only after every replication had run. With a
/// billion replications asked for, the refusal can only arrive within the limit if it comes
/// first; the user's file and folder are untouched.
#[test]
fn a_refused_out_is_refused_before_any_replication() {
    let dir = TempDir::new("out-preflight");
    std::fs::create_dir(dir.path().join("user")).expect("user folder");
    let notes = dir.write("user/notes.md", b"mine\n");
    let file = dir.write("file.txt", b"x\n");
    for out in [dir.path().join("user"), file.clone()] {
        let r = patchtwin(&run_args(&out, 1, 1_000_000_000), Duration::from_secs(60));
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&notes).expect("notes"), b"mine\n");
    assert_eq!(std::fs::read(&file).expect("file"), b"x\n");
    assert_eq!(tree(dir.path()), vec!["file.txt", "user/notes.md"]);
}
