//! The simulation step loop in events per second, against a bare `BinaryHeap` loop with the
//! same number of pending events and the same number of events, measured in the same run.
//!
//! Read the result as a ratio: `step_loop` throughput divided by `bare_heap` throughput.
//! `step_loop` times `Replication::run` — the loop, closing the books at the horizon and
//! handing over the outcome; the world is built in an untimed setup and the outcome is dropped
//! after timing (criterion's `iter_batched` does both outside the measurement).
//! `replication_with_construction` times everything a Monte Carlo replication costs: building
//! the world, the run and dropping the outcome. Absolute rates on shared machines do not
//! carry. Scenarios: water-treatment under its first plan; the large generated plant deferring
//! (mostly message traffic) and patching area by area (deployments, restarts, cascades and
//! the attacker across the 90-day horizon as well).
//!
//! Run: `cargo bench -p patchtwin-benches --bench step_loop`

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use patchtwin_scenario::load_file;
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn compiled(name: &str) -> Compiled {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(format!("{name}.yaml"));
    let loaded = load_file(&path).unwrap_or_else(|d| panic!("{}", d.render()));
    Compiled::new(Arc::new(loaded.scenario))
}

/// PHOLD-style bare loop: `pending` events in a min-heap keyed by (time, seq); each pop
/// schedules one successor at now + a pseudo-random delay. No state, no dispatch.
fn bare_heap(pending: usize, events: u64) -> u64 {
    let mut heap = BinaryHeap::with_capacity(pending + 1);
    let mut seq = 0u64;
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..pending {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        heap.push(Reverse((x % 1_000_000, seq)));
        seq += 1;
    }
    let mut checksum = 0u64;
    for _ in 0..events {
        let Reverse((t, _)) = heap.pop().expect("never empty");
        checksum = checksum.wrapping_add(t);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        heap.push(Reverse((t + 1 + x % 1_000_000, seq)));
        seq += 1;
    }
    checksum
}

/// Paired measurement of the ratio, robust to a shared machine's drift: the step loop and the
/// bare loop alternate, each pair measured back to back, and the median of the per-pair
/// ratios (step-loop rate / bare-loop rate) is printed with its interquartile range. Criterion's
/// groups below time each function in its own stretch of seconds, so a noisy neighbour can
/// move one side of the ratio and not the other.
fn paired_ratio<'m>(label: &str, pending: usize, events: u64, build: impl Fn() -> Replication<'m>) {
    const PAIRS: usize = 21;
    let mut ratios = Vec::with_capacity(PAIRS);
    for _ in 0..PAIRS {
        let rep = build();
        let t = Instant::now();
        let out = black_box(rep.run());
        let step = t.elapsed().as_secs_f64();
        drop(out);
        let t = Instant::now();
        black_box(bare_heap(pending, events));
        let bare = t.elapsed().as_secs_f64();
        ratios.push(bare / step);
    }
    ratios.sort_by(f64::total_cmp);
    eprintln!(
        "{label}: step loop / bare loop rate, median of {PAIRS} back-to-back pairs: {:.2} (interquartile {:.2}–{:.2})",
        ratios[PAIRS / 2],
        ratios[PAIRS / 4],
        ratios[3 * PAIRS / 4]
    );
}

fn step_loop(c: &mut Criterion) {
    // (scenario, plan, observation window in seconds).
    for (name, plan, observe_s) in [
        ("water-treatment", 0usize, 20u64),
        ("large-plant", 0, 2),
        ("large-plant", 1, 2),
    ] {
        let model = compiled(name);
        let plan_id = model.scenario.plans[plan].id.clone();
        let settings = model.run_settings(observe_s * 1_000_000_000);
        // One probe run tells the event count (deterministic for the seed) and mean pending.
        let (probe, _) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(7)).run();
        let pending = probe.mean_pending.round().max(1.0) as usize;
        paired_ratio(&format!("{name}/{plan_id}"), pending, probe.events, || {
            Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(7))
        });
        let mut group = c.benchmark_group(format!("events/{name}/{plan_id}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(probe.events));
        // The step loop alone: the world is built in the (untimed) setup.
        group.bench_function(
            BenchmarkId::new(
                "step_loop",
                format!("{} events, {pending} pending", probe.events),
            ),
            |b| {
                b.iter_batched(
                    || Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(7)),
                    |rep| black_box(rep.run()),
                    // One world built right before each timed run, as in a real replication (with
                    // larger batches the worlds built first are cold in cache when they run).
                    BatchSize::PerIteration,
                )
            },
        );
        // A whole replication: building the world from the compiled scenario, then the loop.
        group.bench_function(
            BenchmarkId::new(
                "replication_with_construction",
                format!("{} events", probe.events),
            ),
            |b| {
                b.iter(|| {
                    black_box(
                        Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(7))
                            .run()
                            .0
                            .events,
                    )
                })
            },
        );
        group.bench_function(
            BenchmarkId::new(
                "bare_heap",
                format!("{} events, {pending} pending", probe.events),
            ),
            |b| b.iter(|| black_box(bare_heap(pending, probe.events))),
        );
        group.finish();
    }
}

criterion_group!(benches, step_loop);
criterion_main!(benches);
