//! `sensitivity.ranges`: a range the scenario gives an input is loaded in the input's unit
//! (durations written with their units become hours or days, as the input states them), the
//! model's catalogue of inputs (`patchtwin_model::inputs::enumerate`) takes it in place of the
//! default of the input's kind, and a range that leaves out the scenario's own value is a
//! located warning, not an error.

use patchtwin_model::inputs::{RangeSource, enumerate};
use patchtwin_scenario::{ModelLibrary, Severity, load_str};

fn plant(ranges: &str) -> String {
    format!(
        "name: ranges
horizon: 30d
zones:
  - {{id: operations, purdue_level: 3}}
assets:
  - {{id: ews-1, zone: operations, model: windows-ews}}
vulnerabilities:
  - {{id: V1, affects: {{assets: [ews-1]}}, ttc: {{exponential: {{mean: 5d}}}}}}
process_units:
  - {{id: line, depends_on: [{{asset: ews-1}}], restart_time: 2h, downtime_cost_per_hour: 1000}}
sensitivity:
  ranges:
{ranges}plans:
  - id: defer
"
    )
}

#[test]
fn ranges_load_in_the_inputs_units_and_replace_the_defaults() {
    let text = plant(
        "    - {input: \"threat.recovery_time\", low: 4h, high: 2d, note: \"  from the last two restores \"}
    - {input: \"vulnerabilities[V1].ttc\", low: 12h, high: 30d}
    - {input: \"process_units[line].attack_trip_probability\", low: 0, high: 1}
",
    );
    let loaded = load_str(&text, "plant.yaml", &ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    let got: Vec<(&str, f64, f64, &str)> = s
        .input_ranges
        .iter()
        .map(|r| (r.input.as_str(), r.low, r.high, r.note.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            // Hours: 4 h and 2 days.
            (
                "threat.recovery_time",
                4.0,
                48.0,
                "from the last two restores"
            ),
            // Days: half a day and 30 days.
            ("vulnerabilities[V1].ttc", 0.5, 30.0, ""),
            ("process_units[line].attack_trip_probability", 0.0, 1.0, ""),
        ]
    );
    let inputs = enumerate(s);
    let find = |n: &str| inputs.iter().find(|i| i.name == n).unwrap();
    let ttc = find("vulnerabilities[V1].ttc");
    assert_eq!(
        (ttc.low, ttc.high, ttc.range_source),
        (0.5, 30.0, RangeSource::Scenario)
    );
    let rec = find("threat.recovery_time");
    assert_eq!(rec.range_note, "from the last two restores");
    // An input the scenario gives no range keeps the default of its kind: ×0.5..×2 of 2 h.
    let restart = find("process_units[line].restart_time");
    assert_eq!(
        (restart.low, restart.high, restart.range_source),
        (1.0, 4.0, RangeSource::Default)
    );
}

#[test]
fn a_range_that_leaves_out_the_scenarios_value_is_a_located_warning() {
    // The mean time to compromise is 5 days; the range is 10..20 days.
    let text = plant("    - {input: \"vulnerabilities[V1].ttc\", low: 10d, high: 20d}\n");
    let loaded = load_str(&text, "plant.yaml", &ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("a warning must not reject the file:\n{}", d.render()));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = &loaded.warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.path, "sensitivity.ranges[0].input");
    assert_eq!(w.loc.expect("located").line, 13);
    assert!(
        w.message.contains("(5 days)") && w.message.contains("10 days..20 days"),
        "{}",
        w.message
    );
    assert_eq!(
        loaded.scenario.input_ranges.len(),
        1,
        "the range still applies"
    );
}
