
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
