//! Part files: encoding, decoding and assembling parts gives the same accumulators, bit for
//! bit, as one run of the union — checked through the encoding itself (every accumulator is
//! in it) and through headline numbers computed independently of it.

use patchtwin_mc::part::{self, Identity, Part, Span};
use patchtwin_mc::{McSettings, RunResult, run_range};
use patchtwin_scenario::{load_file, sha256_hex};
use patchtwin_sim::Compiled;
use std::path::Path;
use std::sync::Arc;

fn model() -> (Compiled, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/water-treatment.yaml");
    let loaded = load_file(&root).unwrap_or_else(|d| panic!("{}", d.render()));
    (Compiled::new(Arc::new(loaded.scenario)), loaded.sha256)
}

const RUNS: u64 = 13;

fn settings() -> McSettings {
    McSettings {
        runs: RUNS,
        seed: 7,
        threads: 2,
        observe_ns: 5_000_000_000,
    }
}

fn identity(model: &Compiled, sha: &str, plans: &[usize]) -> Identity {
    Identity {
        scenario: model.scenario.name.clone(),
        scenario_sha256: sha.into(),
        scenario_path: "/nowhere/water-treatment.yaml".into(),
        seed: 7,
        runs: RUNS,
        plans: plans
            .iter()
            .map(|&p| model.scenario.plans[p].id.clone())
            .collect(),
        observe_ns: 5_000_000_000,
        horizon_ns: model.scenario.horizon.as_nanos(),
        flows: model.flows.len(),
        version: "test".into(),
    }
}

fn part_of(model: &Compiled, sha: &str, plans: &[usize], k: u64, n: u64) -> (String, Part) {
    let range = part::part_range(k, n, RUNS).expect("valid part");
    let result = run_range(model, plans, range.clone(), settings(), &|_| {}).expect("run");
    let p = Part {
        identity: identity(model, sha, plans),
        span: Span {
            first: range.start,
            end: range.end,
            part: Some((k, n)),
        },
        threads: 2,
        wall_s: 0.5,
        result,
    };
    // Every part goes through its bytes, as it would between machines.
    let bytes = part::encode(&p, sha256_hex);
    let back = part::decode(&bytes, sha256_hex).expect("decodes");
    (format!("part-{k}-of-{n}"), back)
}

fn payload(r: &RunResult, model: &Compiled, sha: &str, plans: &[usize]) -> Vec<u8> {
    let p = Part {
        identity: identity(model, sha, plans),
        span: Span {
            first: 0,
            end: RUNS,
            part: None,
        },
        threads: 1,
        wall_s: 0.0,
        result: r.clone(),
    };
    part::encode(&p, sha256_hex)
}

#[test]
fn parts_merged_in_any_order_equal_the_single_run() {
    let (model, sha) = model();
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    let single = run_range(&model, &plans, 0..RUNS, settings(), &|_| {}).expect("run");
    let whole = payload(&single, &model, &sha, &plans);
    for n in [1u64, 2, 3, 7] {
        let mut parts: Vec<(String, Part)> = (1..=n)
            .map(|k| part_of(&model, &sha, &plans, k, n))
            .collect();
        parts.reverse();
        let merged = part::assemble(parts).expect("parts belong together");
        assert_eq!(merged.wall_s, 0.5 * n as f64);
        assert_eq!(
            payload(&merged.result, &model, &sha, &plans),
            whole,
            "{n} parts"
        );
        // Independently of the encoding: headline numbers and a latency quantile.
        for (a, b) in single.plans.iter().zip(&merged.result.plans) {
            assert_eq!(a.ops.p_trip(), b.ops.p_trip());
            assert_eq!(a.exposure.p_compromise(), b.exposure.p_compromise());
            assert_eq!(a.events, b.events);
            for (fa, fb) in a.flows.iter().zip(&b.flows) {
                assert_eq!(
                    fa.latency_histogram().value_at_quantile(0.99),
                    fb.latency_histogram().value_at_quantile(0.99)
                );
                assert_eq!(fa.latency_sum_ns, fb.latency_sum_ns);
            }
        }
    }
}

#[test]
fn parts_that_do_not_belong_together_are_refused_by_name() {
    let (model, sha) = model();
    let plans = vec![0, 1];
    let p1 = part_of(&model, &sha, &plans, 1, 3);
    let p2 = part_of(&model, &sha, &plans, 2, 3);
    let p3 = part_of(&model, &sha, &plans, 3, 3);
    let e = part::assemble(vec![p1.clone(), p3.clone()]).expect_err("gap");
    assert!(e.0.contains("missing") && e.0.contains("4..8"), "{e}");
    let e = part::assemble(vec![p1.clone(), p2.clone()]).expect_err("tail missing");
    assert!(e.0.contains("8..13"), "{e}");
    let e = part::assemble(vec![p1.clone(), p2.clone(), p2.clone(), p3.clone()])
        .expect_err("duplicate");
    assert!(e.0.contains("duplicates"), "{e}");
    let mut other = p3.clone();
    other.0 = "other-seed".into();
    other.1.identity.seed = 8;
    let e = part::assemble(vec![p1.clone(), p2.clone(), other]).expect_err("seed");
    assert!(
        e.0.contains("other-seed") && e.0.contains("seed is 8, not 7"),
        "{e}"
    );
    // Part 2 of 2 (replications 6..13) overlaps part 2 of 3 (4..8).
    let half = part_of(&model, &sha, &plans, 2, 2);
    let e = part::assemble(vec![p1, p2, half]).expect_err("overlap");
    assert!(e.0.contains("overlaps"), "{e}");
}

#[test]
fn damaged_part_files_are_refused() {
    let (model, sha) = model();
    let plans = vec![0, 1];
    let (_, p) = part_of(&model, &sha, &plans, 1, 2);
    let bytes = part::encode(&p, sha256_hex);
    // Flip one digit in the payload: the checksum catches it.
    let at = bytes.len() - 10;
    let mut bad = bytes.clone();
    bad[at] = if bad[at] == b'1' { b'2' } else { b'1' };
    let e = part::decode(&bad, sha256_hex).expect_err("checksum");
    assert!(e.0.contains("SHA-256"), "{e}");
    let e = part::decode(&bytes[..bytes.len() / 2], sha256_hex).expect_err("truncated");
    assert!(e.0.contains("truncated"), "{e}");
    let e = part::decode(b"hello\nworld\n", sha256_hex).expect_err("not a part");
    assert_eq!(e.0, "not a patchtwin part file");
}

#[test]
fn chunks_shrink_on_plants_with_many_flows_only() {
    use patchtwin_mc::{CHUNK, chunk_size};
    // The large plant: 6,534 flows, four plans, two threads: 400,000 / (2 × 6,534 × 4) = 7.65.
    assert_eq!(chunk_size(6_534, 4, 2), 7);
    // Small plants keep the full chunk (results are the same either way; speed is not).
    assert_eq!(chunk_size(17, 6, 2), CHUNK);
    // Never fewer than one replication per thread, and no more than CHUNK unless threads are.
    assert_eq!(chunk_size(1_000_000, 4, 8), 8);
    assert_eq!(chunk_size(0, 0, 1), CHUNK);
    assert_eq!(chunk_size(10, 1, 200), 200);
}
