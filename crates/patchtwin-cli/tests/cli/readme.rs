//! The README's commands run as written (as ripgrep and cargo test their documented examples).
//!
//! Every fenced `sh` block of `README.md` runs under `bash -euo pipefail` in a scratch copy
//! of the repository's layout (the shipped `scenarios/`, `models/` and `crates/` linked in,
//! `../shared` beside it as on a developer's machine), with the freshly built `patchtwin` first
//! on `PATH`. `cargo` is a shell function there: `cargo install … --path crates/patchtwin-cli`
//! checks that the path is the binary's package, `cargo run --release -p patchtwin-cli -- …`
//! runs the built binary with the same arguments, and `cargo test …` is this suite, so it is
//! not run again; any other cargo command fails the test. A block that exits non-zero fails
//! the test with its output.

use crate::util;
use std::path::Path;
use std::process::Command;

/// The fenced `sh` blocks of a Markdown text, with the line each starts on.
fn sh_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut current, fence) {
            (None, true) => {
                let lang = line.trim_start().trim_start_matches('`').trim();
                if matches!(lang, "sh" | "bash" | "shell") {
                    current = Some((i + 2, String::new()));
                }
            }
            (Some(_), true) => blocks.extend(current.take()),
            (Some((_, text)), false) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, false) => {}
        }
    }
    blocks
}

const PRELUDE: &str = r#"
cargo() {
  case "$1" in
    install)
      local path=""
      while [ "$#" -gt 0 ]; do [ "$1" = "--path" ] && path="$2"; shift; done
      [ -n "$path" ] && [ -f "$path/Cargo.toml" ] && grep -q 'name = "patchtwin"' "$path/Cargo.toml" \
        || { echo "README: cargo install must name the patchtwin binary's package (--path)" >&2; return 1; }
      ;;
    run)
      shift
      while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done
      shift
      patchtwin "$@"
      ;;
    test) echo "(cargo test is this test suite: not run again)" ;;
    *) echo "README: unexpected cargo command: cargo $*" >&2; return 1 ;;
  esac
}
"#;

#[test]
fn every_readme_command_runs_as_written() {
    let root = util::workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let blocks = sh_blocks(&readme);
    assert!(
        blocks.len() >= 4,
        "the README should show its commands in ```sh blocks; found {}",
        blocks.len()
    );
    let tmp = util::TempDir::new("readme");
    let repo = tmp.path().join("patchtwin");
    std::fs::create_dir_all(&repo).expect("create the scratch repository");
    for dir in [
        "scenarios",
        "models",
        "crates",
        "tests",
        "lessons",
        "deploy",
    ] {
        if root.join(dir).exists() {
            std::os::unix::fs::symlink(root.join(dir), repo.join(dir)).expect("link");
        }
    }
    let shared = root.join("../shared");
    if shared.exists() {
        std::os::unix::fs::symlink(&shared, tmp.path().join("shared")).expect("link shared");
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_patchtwin"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for (line, block) in &blocks {
        let uses_shared = block.contains("../shared");
        if uses_shared && !shared.exists() {
            eprintln!("README line {line}: skipped, ../shared is not beside the repository");
            continue;
        }
        let script = format!("{PRELUDE}\n{block}");
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &script])
            .current_dir(&repo)
            .env("PATH", &path)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run bash");
        if !out.status.success() {
            failures.push(format!(
                "README.md block at line {line} failed ({}):\n{block}\n--- stdout\n{}\n--- stderr\n{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The sentence after the advisory example states what its run gives; hold it to the run
    // (a review found "about 95%" where the command gave 71%).
    let summary = repo.join("out/ews-advisories/summary.json");
    if summary.exists() {
        check_advisory_sentence(&readme, &summary);
    }
}

/// "recommendation is `PLAN` (P(dual success) about A% against B% for `defer`)" in the README
/// against `summary.json` of the run it describes: the same plan, and both shares within one
/// point of the rounded figures.
fn check_advisory_sentence(readme: &str, summary: &Path) {
    let text = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = text
        .find("recommendation is `")
        .expect("the README states the advisory example's recommendation");
    let rest = &text[start + "recommendation is `".len()..];
    let plan = &rest[..rest.find('`').expect("closing backtick")];
    let number_after = |marker: &str| -> f64 {
        let at = rest
            .find(marker)
            .unwrap_or_else(|| panic!("`{marker}` in: {rest}"))
            + marker.len();
        let digits: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().expect("a percentage")
    };
    let (best, defer) = (number_after("about "), number_after("against "));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(summary).expect("summary.json"))
            .expect("JSON");
    assert_eq!(
        s["recommendation"]["plan"].as_str(),
        Some(plan),
        "README names another plan than the run recommends"
    );
    let share = |id: &str| {
        s["plans"]
            .as_array()
            .expect("plans")
            .iter()
            .find(|p| p["id"] == id)
            .and_then(|p| p["dual_success"]["mean"].as_f64())
            .expect("the plan's dual success")
            * 100.0
    };
    for (id, said) in [(plan, best), ("defer", defer)] {
        let got = share(id);
        assert!(
            (got - said).abs() <= 1.0,
            "README says about {said}% for {id}; the run gives {got:.1}%"
        );
    }
}
