//! Structured mutation test: deterministic mutants of every shipped scenario (a key deleted, a
//! value of the wrong type, values swapped between two fields, extreme numbers: 0, negative,
//! 1e308, NaN spellings, huge durations) go through `patchtwin validate`, and those that
//! validate through `patchtwin run --runs 2 --observe 1s`. Every run must end, with exit code 0,
//! or 2 and a located message (a `-->` line); never a panic (101), a signal or a hang.
//!
//! The mutator works on the text, line by line, so it needs no YAML library; it is driven by a
//! seeded SplitMix64, so the same seed gives the same mutants on every machine. Knobs (for a
//! longer hunt by hand): `PATCHTWIN_MUTANTS` (total count, default 300) and
//! `PATCHTWIN_MUTATION_SEED` (default 2026). The large plant is left out: at 1.9 MB one mutant
//! costs as much as all the others together, and its sections are the small plants' sections.

use crate::util::{self, TempDir};
use std::path::Path;
use std::time::Duration;

const SCENARIOS: &[&str] = &[
    "ews-actively-exploited",
    "packaging-line",
    "substation",
    "water-treatment",
];

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator, enough to pick
/// mutations deterministically.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One `key: value` in the text: the line, where the key starts, where the value starts and
/// ends (bytes within the line).
#[derive(Clone, Copy, Debug)]
struct Slot {
    line: usize,
    key: usize,
    value: (usize, usize),
}

/// Every `key: value` of `lines` outside comments, block and flow style alike.
fn slots(lines: &[String]) -> Vec<Slot> {
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let code = line.find(" #").map_or(line.as_str(), |c| &line[..c]);
        if code.trim_start().starts_with('#') {
            continue;
        }
        let bytes = code.as_bytes();
        let mut i = 0;
        while let Some(off) = code[i..].find(": ") {
            let colon = i + off;
            let key = code[..colon]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |k| k + 1);
            let start = colon + 2;
            let end = value_end(bytes, start);
            if key < colon && start < end {
                out.push(Slot {
                    line: n,
                    key,
                    value: (start, end),
                });
            }
            i = if bytes.get(start).is_some_and(|b| *b == b'{' || *b == b'[') {
                start + 1 // look inside a nested flow collection too
            } else {
                end.max(start)
            };
        }
    }
    out
}

/// Where a value starting at `start` ends: a bracketed collection at its closing bracket,
/// a scalar at the next `,`, `}` or `]` outside quotes, or the end of the line.
fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0i32;
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'{' | b'[') => depth += 1,
            (None, b'}' | b']') if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            (None, b',' | b'}' | b']') if depth == 0 => return i,
            _ => {}
        }
    }
    bytes.len()
}

const WRONG_TYPES: &[&str] = &[
    "[1, 2]", "{x: 1}", "true", "\"7\"", "SL2", "~", "''", "-3", "1.5", "abc", "[]", "{}",
];
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    ".nan",
    ".inf",
    "-.inf",
    "\"NaN\"",
    "18446744073709551616",
    "4294967297",
    "0s",
    "-5d",
    "1e308d",
    "99999999999999d",
    "1e-300s",
    "0bps",
    "1e308Gbps",
    "0.0000001",
];

/// Applies one mutation to `lines`; returns what it did.
fn mutate(lines: &mut [String], rng: &mut SplitMix) -> String {
    let all = slots(lines);
    let slot = all[rng.below(all.len())];
    let line = lines[slot.line].clone();
    let (start, end) = slot.value;
    let key = &line[slot.key..start - 2];
    let splice = |with: &str| format!("{}{with}{}", &line[..start], &line[end..]);
    match rng.below(4) {
        0 => {
            // Delete the key: the whole line in block style, the pair in a flow mapping.
            let before = line[..slot.key].trim_end();
            lines[slot.line] = if before.is_empty() || before.ends_with('-') {
                if line[end..].trim().is_empty() {
                    format!("{}{}", &line[..slot.key], "")
                } else {
                    format!(
                        "{}{}",
                        &line[..slot.key],
                        line[end..].trim_start_matches([',', ' '])
                    )
                }
            } else {
                let cut = line[end..].strip_prefix(", ").map_or(end, |_| end + 2);
                format!("{}{}", &line[..slot.key], &line[cut..])
            };
            format!("line {}: deleted `{key}`", slot.line + 1)
        }
        1 => {
            let with = rng.pick(WRONG_TYPES);
            lines[slot.line] = splice(with);
            format!("line {}: `{key}` set to `{with}`", slot.line + 1)
        }
        2 => {
            let other = all[rng.below(all.len())];
            let other_line = lines[other.line].clone();
            let theirs = &other_line[other.value.0..other.value.1];
            let ours = &line[start..end];
            lines[slot.line] = splice(theirs);
            if other.line != slot.line {
                lines[other.line] = format!(
                    "{}{ours}{}",
                    &other_line[..other.value.0],
                    &other_line[other.value.1..]
                );
            }
            format!(
                "lines {} and {}: swapped the values of `{key}` and `{}`",
                slot.line + 1,
                other.line + 1,
                &other_line[other.key..other.value.0 - 2]
            )
        }
        _ => {
            // Keep a unit suffix when there is one (`250ms` → `1e308ms`), so the number is what
            // is tested, not the unit parser.
            let value = &line[start..end];
            let digits = value
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(value.len());
            let extreme = rng.pick(EXTREMES);
            let with = if digits > 0 && digits < value.len() && rng.below(2) == 0 {
                let number = extreme.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                format!("{number}{}", &value[digits..])
            } else {
                extreme.to_string()
            };
            lines[slot.line] = splice(&with);
            format!("line {}: `{key}` set to `{with}`", slot.line + 1)
        }
    }
}

fn mutants_wanted() -> usize {
    std::env::var("PATCHTWIN_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn seed() -> u64 {
    std::env::var("PATCHTWIN_MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026)
}

/// Checks one file: validate, and run when it validates. Returns a failure, if any, and
/// whether the file validated.
fn check(file: &Path, out: &Path) -> (Option<String>, bool) {
    let v = util::validate(file);
    let located = |stderr: &str| stderr.lines().any(|l| l.trim_start().starts_with("--> "));
    match v.code {
        Some(0) => {}
        Some(2) if located(&v.stderr) => return (None, false),
        code => {
            return (
                Some(format!("validate exited with {code:?}:\n{}", v.stderr)),
                false,
            );
        }
    }
    let r = util::patchtwin(
        &[
            "run".as_ref(),
            "--runs".as_ref(),
            "2".as_ref(),
            "--observe".as_ref(),
            "1s".as_ref(),
            "--threads".as_ref(),
            "1".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            file.as_os_str(),
        ],
        Duration::from_secs(120),
    );
    match r.code {
        Some(0) => (None, true),
        Some(2) if !r.stderr.trim().is_empty() && !r.stderr.contains("panicked") => (None, true),
        code => (
            Some(format!("run exited with {code:?}:\n{}", r.stderr)),
            true,
        ),
    }
}

#[test]
fn mutants_of_the_shipped_scenarios_never_panic() {
    let root = util::workspace_root();
    let dir = TempDir::new("mutants");
    let wanted = mutants_wanted();
    let mut jobs = Vec::new();
    for (s, name) in SCENARIOS.iter().enumerate() {
        let text = std::fs::read_to_string(root.join(format!("scenarios/{name}.yaml")))
            .expect("read a shipped scenario");
        let original: Vec<String> = text.lines().map(str::to_string).collect();
        // The copy itself must validate from the temporary directory: otherwise every mutant
        // would be rejected for the wrong reason and the test could not fail.
        jobs.push((dir.write(&format!("{name}.yaml"), text.as_bytes()), None));
        for m in 0..wanted.div_ceil(SCENARIOS.len()) {
            let mut rng = SplitMix(seed() ^ ((s as u64) << 32 | m as u64).wrapping_mul(0x9e37));
            let mut lines = original.clone();
            let mut did = vec![mutate(&mut lines, &mut rng)];
            if rng.below(4) == 0 {
                did.push(mutate(&mut lines, &mut rng));
            }
            let file = dir.write(&format!("{name}-m{m}.yaml"), lines.join("\n").as_bytes());
            jobs.push((file, Some(did.join("; "))));
        }
    }
    let workers = 2;
    let results: Vec<(usize, Option<String>, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (jobs, dir) = (&jobs, &dir);
                scope.spawn(move || {
                    (w..jobs.len())
                        .step_by(workers)
                        .map(|j| {
                            let out = dir.path().join(format!("out-{j}"));
                            let (failure, valid) = check(&jobs[j].0, &out);
                            let _ = std::fs::remove_dir_all(&out);
                            (j, failure, valid)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker"))
            .collect()
    });
    let mut failures = Vec::new();
    let mut ran = 0;
    for (j, failure, valid) in &results {
        let (file, what) = &jobs[*j];
        match what {
            None if !valid => failures.push(format!(
                "the unmutated copy {} does not validate: {}",
                file.display(),
                failure.as_deref().unwrap_or("")
            )),
            None => {}
            Some(what) => {
                ran += usize::from(*valid);
                if let Some(f) = failure {
                    let name = file.file_name().unwrap_or_default().to_string_lossy();
                    failures.push(format!("{name} ({what}): {f}"));
                }
            }
        }
    }
    let mutants = jobs.len() - SCENARIOS.len();
    eprintln!(
        "{mutants} mutants, {ran} validated and ran, {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {mutants} mutants failed (seed {}):\n\n{}",
        failures.len(),
        seed(),
        failures.join("\n\n")
    );
    // The mutations must bite (many mutants are rejected) and the run path must be exercised.
    assert!(
        ran > 0 && ran < mutants * 9 / 10,
        "{ran} of {mutants} mutants validated and ran"
    );
}
