//! Replications per second for each shipped plant, on 1 and 2 threads in the same run (the
//! ratio is the parallel speed-up; goal ≥ 1.8× on 2 cores), and the memory a replication
//! allocates (a counting allocator, reported once per plant before the timings).
//!
//! Run: `cargo bench -p patchtwin-benches --bench replications`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use patchtwin_mc::{McSettings, run};
use patchtwin_scenario::load_file;
use patchtwin_sim::{Compiled, Replication};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts bytes currently allocated and the peak since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only adds relaxed counters.
#[expect(
    unsafe_code,
    reason = "a counting allocator must implement GlobalAlloc"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        COUNT.fetch_add(1, Ordering::Relaxed);
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn compiled(name: &str) -> Compiled {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(format!("{name}.yaml"));
    Compiled::new(Arc::new(
        load_file(&path)
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario,
    ))
}

fn replications(c: &mut Criterion) {
    const RUNS: u64 = 64;
    for name in [
        "ews-actively-exploited",
        "water-treatment",
        "substation",
        "packaging-line",
    ] {
        let model = compiled(name);
        let observe_ns = 10_000_000_000;
        // Peak memory of one replication of the baseline plan, above what was live before.
        let before = CURRENT.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        // Allocations while the step loop runs (construction excluded), for a window and one
        // four times longer: the difference over the extra events is the steady-state rate.
        let in_loop = |observe_ns: u64| {
            let settings = model.run_settings(observe_ns);
            let rep = Replication::new(&model, 0, settings, patchtwin_mc::stream(1, 0));
            let allocs_before = COUNT.load(Ordering::Relaxed);
            let (outcome, _) = rep.run();
            (
                COUNT.load(Ordering::Relaxed) - allocs_before,
                outcome.events,
            )
        };
        let (a1, e1) = in_loop(observe_ns);
        let peak = PEAK.load(Ordering::Relaxed) - before;
        let (a4, e4) = in_loop(4 * observe_ns);
        eprintln!(
            "{name}: peak memory of one replication {:.1} KiB; step loop allocations {a1} for {e1} events, {a4} for {e4} events: {:.6} per extra event",
            peak as f64 / 1024.0,
            (a4 as f64 - a1 as f64) / (e4 as f64 - e1 as f64).max(1.0)
        );
        let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
        let mut group = c.benchmark_group(format!("replications/{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(RUNS * plans.len() as u64));
        for threads in [1usize, 2] {
            group.bench_function(BenchmarkId::new("threads", threads), |b| {
                b.iter(|| {
                    run(
                        &model,
                        &plans,
                        McSettings {
                            runs: RUNS,
                            seed: 1,
                            threads,
                            observe_ns,
                        },
                        &|_| {},
                    )
                    .expect("run")
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, replications);
criterion_main!(benches);
