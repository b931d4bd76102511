//! Hostile and broken input: each must end with exit code 2 and a clean, short message (no
//! panic, no internal error, nothing on stdout) within one second. The one-second bound is a
//! guard against hangs and runaway work, not a benchmark; runs are serialized so they do not
//! compete with each other for the CPU. Inputs are generated into a temporary directory,
//! never into the repository.

use crate::util::{self, Run, TempDir};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

const TIME_LIMIT: Duration = Duration::from_secs(1);

/// Serializes the timed runs of this module.
static TIMED: Mutex<()> = Mutex::new(());

/// A deterministic byte stream (Knuth's MMIX linear congruential generator, high bits).
struct Lcg(u64);

impl Lcg {
    fn next_byte(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }
}

/// Runs `patchtwin validate <file>` and checks the run was clean; returns it for more checks.
fn rejects_cleanly(file: &Path, expected: &str) -> Run {
    let run = {
        let _serial = TIMED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        util::patchtwin(
            &[Path::new("validate").as_os_str(), file.as_os_str()],
            Duration::from_secs(60),
        )
    };
    let shown = |s: &str| s.chars().take(2_000).collect::<String>();
    assert_eq!(
        run.code,
        Some(2),
        "exit code for {}; stderr:\n{}",
        file.display(),
        shown(&run.stderr)
    );
    assert!(
        run.stdout.is_empty(),
        "stdout should be empty, got:\n{}",
        shown(&run.stdout)
    );
    assert!(
        run.stderr.starts_with("error: "),
        "stderr should start with `error: `:\n{}",
        shown(&run.stderr)
    );
    for bad in [
        "panicked",
        "internal error",
        "RUST_BACKTRACE",
        "stack overflow",
    ] {
        assert!(
            !run.stderr.contains(bad),
            "stderr mentions `{bad}`:\n{}",
            shown(&run.stderr)
        );
    }
    assert!(
        run.stderr.trim_end().ends_with("problem found")
            || run.stderr.trim_end().ends_with("problems found"),
        "stderr should end with the problem count:\n{}",
        shown(&run.stderr)
    );
    assert!(
        run.stderr.len() < 16 * 1024,
        "the message should be short, got {} bytes:\n{}",
        run.stderr.len(),
        shown(&run.stderr)
    );
    assert!(
        run.stderr.contains(expected),
        "stderr should mention `{expected}`:\n{}",
        shown(&run.stderr)
    );
    assert!(
        run.elapsed < TIME_LIMIT,
        "took {:?} (limit {TIME_LIMIT:?}) for {}",
        run.elapsed,
        file.display()
    );
    run
}

#[test]
fn empty_file() {
    let dir = TempDir::new("empty");
    rejects_cleanly(&dir.write("empty.yaml", b""), "the file is empty");
}

#[test]
fn whitespace_only_file() {
    let dir = TempDir::new("blank");
    rejects_cleanly(&dir.write("blank.yaml", b"\n  \n\t\n"), "the file is empty");
}

#[test]
fn one_mib_of_random_bytes() {
    let dir = TempDir::new("random");
    let mut lcg = Lcg(0x5eed);
    let bytes: Vec<u8> = (0..1 << 20).map(|_| lcg.next_byte()).collect();
    rejects_cleanly(&dir.write("random.yaml", &bytes), "not UTF-8");
}

#[test]
fn one_mib_of_random_yaml_punctuation() {
    // Valid UTF-8 made of the characters YAML gives meaning to: exercises the parser itself
    // rather than the UTF-8 check.
    const ALPHABET: &[u8] = b"{}[]:,-&*!|>'\"#%@` \n\tabcxyz019.?~";
    let dir = TempDir::new("punctuation");
    let mut lcg = Lcg(0xc0ffee);
    let bytes: Vec<u8> = (0..1 << 20)
        .map(|_| ALPHABET[lcg.next_byte() as usize % ALPHABET.len()])
        .collect();
    rejects_cleanly(
        &dir.write("punctuation.yaml", &bytes),
        "cannot read the file",
    );
}

#[test]
fn alias_bomb() {
    // "Billion laughs": ten levels of ten aliases each, 10^10 nodes once expanded.
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    text.push_str("name: *l10\nhorizon: 30d\nzones: *l10\nassets: *l10\nplans: *l10\n");
    let dir = TempDir::new("bomb");
    rejects_cleanly(
        &dir.write("bomb.yaml", text.as_bytes()),
        "cannot read the file",
    );
}

#[test]
fn nesting_ten_thousand_levels_deep() {
    let dir = TempDir::new("deep");
    let depth = 10_000;
    let flow = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    rejects_cleanly(
        &dir.write("flow.yaml", flow.as_bytes()),
        "cannot read the file",
    );
    let mapping = format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth));
    rejects_cleanly(
        &dir.write("mapping.yaml", mapping.as_bytes()),
        "cannot read the file",
    );
    let block = format!("{}x\n", "- ".repeat(depth));
    rejects_cleanly(
        &dir.write("block.yaml", block.as_bytes()),
        "cannot read the file",
    );
}

#[test]
fn huge_float() {
    let dir = TempDir::new("float");
    let run = rejects_cleanly(
        &dir.write("float.yaml", b"name: huge\nhorizon: 1e999\n"),
        "1e999",
    );
    assert!(
        run.stderr.contains(":2:10"),
        "points at the number:\n{}",
        run.stderr
    );
}

#[test]
fn integer_with_400_digits() {
    let dir = TempDir::new("integer");
    let text = format!(
        "name: huge\nhorizon: 30d\nzones:\n  - {{id: control, purdue_level: {}}}\n",
        "9".repeat(400)
    );
    let run = rejects_cleanly(&dir.write("integer.yaml", text.as_bytes()), "999999");
    assert!(
        run.stderr.contains(":4:33"),
        "points at the number:\n{}",
        run.stderr
    );
}

/// A scenario-shaped file of about `bytes` bytes: one zone and as many PLCs as fit.
fn big_scenario(bytes: usize) -> Vec<u8> {
    let mut text = String::with_capacity(bytes + 1024);
    text.push_str("name: big\nhorizon: 30d\nzones:\n  - {id: control, purdue_level: 1}\nassets:\n");
    let mut i = 0u64;
    while text.len() < bytes {
        text.push_str(&format!(
            "  - {{id: plc-{i}, zone: control, model: fast-plc}}\n"
        ));
        i += 1;
    }
    text.push_str("plans:\n  - id: defer\n");
    text.into_bytes()
}

#[test]
fn twenty_megabyte_file() {
    let dir = TempDir::new("twenty");
    rejects_cleanly(
        &dir.write("twenty.yaml", &big_scenario(20_000_000)),
        "bytes",
    );
}

#[test]
fn file_over_the_size_limit() {
    // Sparse: the size check reads the file's length, not its bytes.
    let dir = TempDir::new("oversize");
    let path = dir.path().join("oversize.yaml");
    let file = std::fs::File::create(&path).expect("create the file");
    file.set_len(patchtwin_scenario::source::MAX_INPUT_BYTES as u64 + 1)
        .expect("grow the file");
    drop(file);
    rejects_cleanly(&path, "the largest accepted is");
}

#[test]
fn a_directory() {
    let dir = TempDir::new("directory");
    rejects_cleanly(dir.path(), "directory");
}

#[test]
fn a_file_that_does_not_exist() {
    let dir = TempDir::new("missing");
    rejects_cleanly(&dir.path().join("missing.yaml"), "cannot read the file");
}

/// Review finding 23: a named pipe that nobody writes to used to block `open` forever in
/// `validate`, `run` and `import`. Each now refuses it at once (exit 2, saying what it is),
/// while a pipe that has a writer (process substitution) is still read as a file.
#[cfg(target_os = "linux")]
#[test]
fn a_named_pipe_with_no_writer_is_refused_not_waited_on() {
    let dir = TempDir::new("fifo");
    let fifo = dir.path().join("plant.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success(), "mkfifo failed");
    let run = rejects_cleanly(&fifo, "named pipe (FIFO)");
    assert!(
        run.stderr.contains("no program is writing"),
        "{}",
        run.stderr
    );
    let fifo_s = fifo.to_str().expect("utf-8 path");
    let out = dir.path().join("out");
    let imported = dir.path().join("imported.yaml");
    for args in [
        vec!["run", fifo_s, "--runs", "1", "--out", out.to_str().unwrap()],
        vec![
            "import",
            "csaf",
            fifo_s,
            "--into",
            "scenarios/ews-actively-exploited.yaml",
            "--out",
            imported.to_str().unwrap(),
        ],
    ] {
        // The hard limit is the hang guard: before the fix each of these waited forever.
        let r = util::patchtwin(&args, Duration::from_secs(60));
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("named pipe (FIFO)"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(!out.exists() && !imported.exists());
    // Process substitution: a pipe with a writer is read to its end as before.
    let r = std::process::Command::new("bash")
        .current_dir(util::workspace_root())
        .arg("-c")
        .arg(format!(
            "{} validate <(cat scenarios/substation.yaml)",
            env!("CARGO_BIN_EXE_patchtwin")
        ))
        .output()
        .expect("bash");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}
