//! The committed `scenarios/large-plant.yaml` is exactly what the generator writes, and it
//! loads: it cannot drift from the generator (`patchtwin_fixtures`) unnoticed.

use patchtwin_fixtures::{CELLS_PER_SITE, DEFAULT_SITES, large_plant};
use patchtwin_scenario::ModelLibrary;

const COMMITTED: &str = include_str!("../../../scenarios/large-plant.yaml");

#[test]
fn committed_file_matches_the_generator() {
    let generated = large_plant(DEFAULT_SITES);
    if generated != COMMITTED {
        let line = generated
            .lines()
            .zip(COMMITTED.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || generated.lines().count().min(COMMITTED.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "scenarios/large-plant.yaml differs from the generator's output (first at line {line}); regenerate it:\n  \
             cargo run -q -p patchtwin-fixtures --example generate_large_plant > scenarios/large-plant.yaml"
        );
    }
}

#[test]
fn generator_is_deterministic() {
    assert_eq!(large_plant(1), large_plant(1));
}

#[test]
fn committed_file_loads_at_full_size() {
    let loaded = patchtwin_scenario::load_str(
        COMMITTED,
        "scenarios/large-plant.yaml",
        &ModelLibrary::builtin(),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let s = &loaded.scenario;
    assert!(s.assets.len() >= 2000, "{} assets", s.assets.len());
    assert!(s.flows.len() >= 5000, "{} flows", s.flows.len());
    assert!(
        s.process_units.len() >= 40,
        "{} process units",
        s.process_units.len()
    );
    // No warning at all: in particular every flow's protocol is listed on every conduit it
    // crosses (its telemetry's mqtt, the SIS polling's modbus_tcp), so no conduit is widened.
    let warnings: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(warnings.is_empty(), "unexpected warnings: {warnings:?}");
}

#[test]
fn other_sizes_load_too() {
    for sites in [1, 2] {
        let text = large_plant(sites);
        let loaded =
            patchtwin_scenario::load_str(&text, "large-plant.yaml", &ModelLibrary::builtin())
                .unwrap_or_else(|d| panic!("--sites {sites}: {}", d.render()));
        assert_eq!(loaded.scenario.process_units.len(), sites * CELLS_PER_SITE);
    }
}
