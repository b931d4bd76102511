//! Loading the generated large plant (`scenarios/large-plant.yaml`: 2,000+ assets, 6,000+
//! flows): the whole of `load_str` (parse, typed sections, validation, routing every flow), and,
//! as a baseline, the YAML parse alone (`source::read`). The file is read once, outside the
//! timing loop.
//!
//! `cargo bench -p patchtwin-benches --bench validate`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use patchtwin_scenario::ModelLibrary;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn large_plant(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/large-plant.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lib = ModelLibrary::builtin();
    let mut group = c.benchmark_group("large-plant");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| patchtwin_scenario::source::read(black_box(&text)).expect("parses"))
    });
    group.bench_function("load_str", |b| {
        b.iter(|| {
            patchtwin_scenario::load_str(black_box(&text), "scenarios/large-plant.yaml", &lib)
                .map_err(|d| d.render())
                .expect("validates")
        })
    });
    group.finish();
}

criterion_group!(benches, large_plant);
criterion_main!(benches);
