//! patchtwin's benchmarks live in `benches/` of this crate (`cargo bench -p patchtwin-benches`);
//! the library itself is empty.
