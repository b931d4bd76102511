//! Runs in parts and runs that survive a kill: `run --part K/N` + `merge`, `run --checkpoint
//! --resume`, `merge --target-ci`, and the progress lines a batch log gets.
//!
//! The independent expectation is the single, uninterrupted run: its `summary.json` must be
//! equal in every field but `engine.wall_s` (wall-clock seconds: of the single run, or the sum
//! of the parts' or of the resumed session's). `engine.threads` is the most threads any part
//! ran on; every run here uses `--threads 2`, so it is compared too.

use crate::util::{TempDir, patchtwin, workspace_root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIO: &str = "scenarios/water-treatment.yaml";
const LIMIT: Duration = Duration::from_secs(300);

fn run_ok(args: &[&str]) -> String {
    let r = patchtwin(args, LIMIT);
    assert_eq!(
        r.code,
        Some(0),
        "patchtwin {}\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        r.stdout,
        r.stderr
    );
    r.stdout
}

fn run_bad(args: &[&str]) -> String {
    let r = patchtwin(args, LIMIT);
    assert_eq!(
        r.code,
        Some(2),
        "patchtwin {} should be refused with exit 2\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r.stderr
}

/// `summary.json` of `dir` without the wall-clock field.
fn summary_without_wall_clock(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("summary.json"))
        .unwrap_or_else(|e| panic!("read {}/summary.json: {e}", dir.display()));
    let mut v: Value = serde_json::from_str(&text).expect("summary.json is JSON");
    let engine = v["engine"].as_object_mut().expect("engine block");
    assert!(engine.remove("wall_s").is_some(), "engine.wall_s exists");
    v
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// A fixed permutation of `0..n` per `n` (a small LCG), so merge orders are shuffled but the
/// test is repeatable.
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x = 0x9e37_79b9_u64 ^ n as u64;
    for i in (1..n).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        order.swap(i, (x >> 33) as usize % (i + 1));
    }
    order
}

#[test]
fn merged_parts_equal_the_single_run_for_1_2_3_and_7_parts() {
    let tmp = TempDir::new("parts-merge");
    let single = tmp.path().join("single");
    let common = ["--runs", "20", "--seed", "3", "--threads", "2"];
    let mut args = vec!["run", SCENARIO, "--out", s(&single)];
    args.extend(common);
    run_ok(&args);
    let expected = summary_without_wall_clock(&single);
    for n in [1usize, 2, 3, 7] {
        let dir = tmp.path().join(format!("parts-{n}"));
        for k in 1..=n {
            let part = format!("{k}/{n}");
            let mut args = vec!["run", SCENARIO, "--part", &part, "--out", s(&dir)];
            args.extend(common);
            let out = run_ok(&args);
            assert!(out.contains(&format!("part {k} of {n}")), "{out}");
        }
        let files: Vec<PathBuf> = (1..=n)
            .map(|k| dir.join(format!("part-{k}-of-{n}.ptpart")))
            .collect();
        let order = shuffled(n);
        let merged = tmp.path().join(format!("merged-{n}"));
        let mut args = vec!["merge".to_string()];
        args.extend(order.iter().map(|&i| s(&files[i]).to_string()));
        args.extend(["--out".into(), s(&merged).into()]);
        run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            summary_without_wall_clock(&merged),
            expected,
            "{n} parts merged in order {order:?} differ from the single run"
        );
    }
    // A folder of parts is the same as its files.
    let merged = tmp.path().join("merged-folder");
    run_ok(&["merge", s(&tmp.path().join("parts-3")), "--out", s(&merged)]);
    assert_eq!(summary_without_wall_clock(&merged), expected);
}

#[test]
fn parts_that_do_not_belong_together_are_refused_with_exit_2() {
    let tmp = TempDir::new("parts-bad");
    let dir = tmp.path().join("p");
    for k in 1..=3 {
        let part = format!("{k}/3");
        run_ok(&[
            "run",
            SCENARIO,
            "--runs",
            "9",
            "--part",
            &part,
            "--out",
            s(&dir),
        ]);
    }
    let p = |k: u64| dir.join(format!("part-{k}-of-3.ptpart"));
    let out = s(&tmp.path().join("out")).to_string();
    // A missing part: the gap is named.
    let e = run_bad(&["merge", s(&p(1)), s(&p(3)), "--out", &out]);
    assert!(e.contains("replications 3..6 are missing"), "{e}");
    // A duplicate, named by file.
    let e = run_bad(&[
        "merge",
        s(&p(1)),
        s(&p(2)),
        s(&p(2)),
        s(&p(3)),
        "--out",
        &out,
    ]);
    assert!(e.contains("duplicates") && e.contains("part-2-of-3"), "{e}");
    // A part of another run (seed), named by file.
    let other = tmp.path().join("other");
    run_ok(&[
        "run",
        SCENARIO,
        "--runs",
        "9",
        "--seed",
        "2",
        "--part",
        "2/3",
        "--out",
        s(&other),
    ]);
    let e = run_bad(&[
        "merge",
        s(&p(1)),
        s(&other.join("part-2-of-3.ptpart")),
        s(&p(3)),
        "--out",
        &out,
    ]);
    assert!(
        e.contains("other/part-2-of-3.ptpart") && e.contains("seed is 2, not 1"),
        "{e}"
    );
    // The wrong scenario.
    let e = run_bad(&[
        "merge",
        s(&dir),
        "--scenario",
        "scenarios/substation.yaml",
        "--out",
        &out,
    ]);
    assert!(
        e.contains("substation.yaml is not the scenario the parts were run from"),
        "{e}"
    );
    // A damaged part: one byte changed in the payload.
    let mut bytes = std::fs::read(p(2)).expect("read part");
    let at = bytes.len() - 20;
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    let damaged = tmp.write("damaged.ptpart", &bytes);
    let e = run_bad(&["merge", s(&p(1)), s(&damaged), s(&p(3)), "--out", &out]);
    assert!(e.contains("damaged.ptpart") && e.contains("SHA-256"), "{e}");
    // A file that is no part, and one that does not exist.
    let junk = tmp.write("junk.ptpart", b"hello\n");
    let e = run_bad(&["merge", s(&junk), "--out", &out]);
    assert!(e.contains("junk.ptpart: not a patchtwin part file"), "{e}");
    let e = run_bad(&["merge", s(&tmp.path().join("nope.ptpart")), "--out", &out]);
    assert!(e.contains("nope.ptpart does not exist"), "{e}");
    // Bad --part values.
    for bad in ["0/3", "4/3", "3", "x/y"] {
        let e = run_bad(&["run", SCENARIO, "--runs", "9", "--part", bad, "--out", &out]);
        assert!(e.contains("--part: expected K/N"), "{bad}: {e}");
    }
    let e = run_bad(&[
        "run", SCENARIO, "--runs", "2", "--part", "1/3", "--out", &out,
    ]);
    assert!(e.contains("cannot be split into 3 parts"), "{e}");
    // A file in the way that is not a part is never overwritten.
    let blocked = tmp.path().join("blocked");
    std::fs::create_dir(&blocked).expect("mkdir");
    std::fs::write(blocked.join("part-1-of-2.ptpart"), b"mine").expect("write");
    let e = run_bad(&[
        "run",
        SCENARIO,
        "--runs",
        "4",
        "--part",
        "1/2",
        "--out",
        s(&blocked),
    ]);
    assert!(e.contains("is not a patchtwin part file"), "{e}");
    assert_eq!(
        std::fs::read(blocked.join("part-1-of-2.ptpart")).expect("read"),
        b"mine"
    );
    assert!(!tmp.path().join("out").exists(), "nothing was written");
}

#[test]
fn merge_target_ci_says_whether_reached_and_how_many_more() {
    let tmp = TempDir::new("parts-target");
    let dir = tmp.path().join("p");
    for k in 1..=2 {
        let part = format!("{k}/2");
        run_ok(&[
            "run",
            SCENARIO,
            "--runs",
            "30",
            "--part",
            &part,
            "--out",
            s(&dir),
        ]);
    }
    let merged = tmp.path().join("m");
    let out = run_ok(&["merge", s(&dir), "--out", s(&merged), "--target-ci", "0.02"]);
    // The widest headline interval, read from summary.json independently of the verdict.
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("summary.json")).expect("read"))
            .expect("JSON");
    let mut widest = 0.0f64;
    for p in v["plans"].as_array().expect("plans") {
        for e in [
            &p["exposure"]["p_compromise"],
            &p["operations"]["p_trip"],
            &p["operations"]["p_patch_failure"],
            &p["dual_success"],
        ] {
            widest = widest.max(e["hi"].as_f64().expect("hi") - e["lo"].as_f64().expect("lo"));
        }
    }
    assert!(widest > 0.02, "30 replications cannot reach ±1%: {widest}");
    let more = (30.0 * (widest / 0.02f64).powi(2)).ceil() as u64 - 30;
    assert!(
        out.contains("target not reached") && out.contains(&format!("about {more} more")),
        "expected about {more} more replications (widest {widest}):\n{out}"
    );
    assert!(
        v["settings"]["stop"]
            .as_str()
            .expect("stop")
            .starts_with("target not reached")
    );
    let out = run_ok(&[
        "merge",
        s(&dir),
        "--out",
        s(&tmp.path().join("m2")),
        "--target-ci",
        "0.99",
    ]);
    assert!(out.contains("target reached"), "{out}");
    let e = run_bad(&["merge", s(&dir), "--out", s(&merged), "--target-ci", "2"]);
    assert!(e.contains("--target-ci"), "{e}");
}

fn spawn(args: &[&str], envs: &[(&str, &str)]) -> std::process::Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_patchtwin"));
    c.args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        c.env(k, v);
    }
    c.spawn().expect("spawn patchtwin")
}

fn chunks(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("chunk-"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_run_killed_mid_way_resumes_to_the_uninterrupted_result() {
    let tmp = TempDir::new("parts-resume");
    let common = ["--runs", "640", "--seed", "5", "--threads", "2"];
    let single = tmp.path().join("single");
    let mut args = vec!["run", SCENARIO, "--out", s(&single)];
    args.extend(common);
    run_ok(&args);
    let ck = tmp.path().join("ck");
    let out = tmp.path().join("out");
    let mut args = vec!["run", SCENARIO, "--out", s(&out), "--checkpoint", s(&ck)];
    args.extend(common);
    let mut child = spawn(&args, &[]);
    let start = Instant::now();
    while chunks(&ck).len() < 2 {
        assert!(start.elapsed() < LIMIT, "no chunk written within {LIMIT:?}");
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("the run ended ({status}) before it could be killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // SIGKILL: no chance to clean up.
    child.kill().expect("kill");
    child.wait().expect("reap");
    let kept = chunks(&ck);
    assert!(
        kept.len() >= 2 && kept.len() < 10,
        "killed mid-way: {kept:?} of 10 chunks"
    );
    assert!(!out.exists(), "no outputs from a killed run");
    // The same command without --resume refuses to start over the checkpoint.
    let e = run_bad(&args);
    assert!(e.contains("add --resume"), "{e}");
    // --resume with another seed is another run.
    let e = run_bad(&[
        "run",
        SCENARIO,
        "--out",
        s(&out),
        "--checkpoint",
        s(&ck),
        "--resume",
        "--runs",
        "640",
        "--seed",
        "6",
    ]);
    assert!(
        e.contains("seed is 5, not 6") || e.contains("seed is 6, not 5"),
        "{e}"
    );
    // What a kill during a chunk's write leaves: its hidden temporary file.
    std::fs::write(ck.join(".chunk-576-640.ptpart.tmp-999999"), b"{\"format\":").expect("write");
    args.push("--resume");
    run_ok(&args);
    assert_eq!(
        summary_without_wall_clock(&out),
        summary_without_wall_clock(&single),
        "the resumed run differs from the uninterrupted one"
    );
    assert!(
        !ck.exists(),
        "the checkpoint is removed once the outputs are written"
    );
}

#[test]
fn batch_logs_get_progress_lines_with_rate_and_time_left() {
    let tmp = TempDir::new("parts-progress");
    let out = tmp.path().join("out");
    let child = spawn(
        &[
            "run",
            SCENARIO,
            "--runs",
            "256",
            "--threads",
            "2",
            "--out",
            s(&out),
        ],
        &[("PATCHTWIN_PROGRESS_INTERVAL", "0")],
    );
    let result = child.wait_with_output().expect("run");
    assert!(result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    // Interval 0: a line per chunk of 64 replications, of 4 plans each.
    let total = 256 * 4;
    let done: Vec<u64> = lines
        .iter()
        .map(|l| {
            let count = l["progress: ".len()..].split(' ').next().expect("count");
            let (d, t) = count.split_once('/').expect("done/total");
            assert_eq!(t.parse::<u64>().expect("total"), total, "{l}");
            assert!(l.contains("/s, "), "{l}");
            d.parse().expect("done")
        })
        .collect();
    assert_eq!(done, vec![64 * 4, 128 * 4, 192 * 4, 256 * 4], "{stderr}");
    assert!(lines[0].contains(" left"), "{}", lines[0]);
    assert!(lines[3].ends_with(", done"), "{}", lines[3]);
    // The default interval (10 s): the first tick, the last, and one per 10 s between.
    let started = Instant::now();
    let child = spawn(
        &[
            "run",
            SCENARIO,
            "--runs",
            "256",
            "--out",
            s(&out),
            "--force",
        ],
        &[],
    );
    let result = child.wait_with_output().expect("run");
    let most = 2 + started.elapsed().as_secs() / 10;
    let stderr = String::from_utf8_lossy(&result.stderr);
    let count = stderr
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .count() as u64;
    assert!(
        (2..=most).contains(&count),
        "{count} lines, at most {most}:\n{stderr}"
    );
    // A bad interval is bad input.
    let child = spawn(
        &["run", SCENARIO, "--runs", "2", "--out", s(&out), "--force"],
        &[("PATCHTWIN_PROGRESS_INTERVAL", "soon")],
    );
    let result = child.wait_with_output().expect("run");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("PATCHTWIN_PROGRESS_INTERVAL"));
}
