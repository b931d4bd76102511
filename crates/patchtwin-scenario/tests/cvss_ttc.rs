//! The default time to compromise from a vulnerability's CVSS vector, v3.x and 4.0, checked
//! against hand calculations of the documented rule (`validate::default_ttc`): a mean set by
//! exploit maturity (active 2 d, functional 7 d, proof of concept 20 d, unproven 60 d), scaled by
//! the vector's exploitability — v3 AC:H ×2, PR:L ×1.5, PR:H ×3, UI:R ×2; 4.0 AC:H ×2, AT:P ×2,
//! PR:L ×1.5, PR:H ×3, UI:P ×2, UI:A ×3 — with a 4.0 vector's E giving the maturity when the
//! scenario does not. And a malformed 4.0 vector is a located error.

use patchtwin_model::Scenario;
use patchtwin_scenario::{ModelLibrary, load_str};

const DAY_NS: f64 = 86_400e9;

fn plant(vulnerability: &str) -> String {
    format!(
        "name: cvss-ttc
horizon: 30d
zones:
  - {{id: control, purdue_level: 1}}
assets:
  - {{id: scada-1, zone: control, model: scada-server}}
  - {{id: sw-1, zone: control, model: managed-switch}}
  - {{id: plc-1, zone: control, model: fast-plc}}
links:
  - {{between: [scada-1, sw-1], bandwidth: 1Gbps}}
  - {{between: [sw-1, plc-1], bandwidth: 100Mbps}}
flows:
  - {{id: poll-plc-1, kind: poll, protocol: modbus_tcp, consumer: scada-1, producer: plc-1, period: 100ms}}
vulnerabilities:
  - {{id: V, affects: {{assets: [plc-1]}}, {vulnerability}}}
plans:
  - id: defer
"
    )
}

fn load(vulnerability: &str) -> Scenario {
    load_str(
        &plant(vulnerability),
        "plant.yaml",
        &ModelLibrary::builtin(),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()))
    .scenario
}

/// (mean time to compromise in days, base score, local only, maturity) of `V`.
fn ttc_days(vulnerability: &str) -> (f64, Option<f64>, bool, String) {
    let s = load(vulnerability);
    let v = &s.vulnerabilities[0];
    assert!(v.ttc_defaulted);
    (
        v.ttc.0.mean() / DAY_NS,
        v.cvss_base_score,
        v.local_only,
        format!("{:?}", v.exploit_maturity),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.max(1.0)
}

#[test]
fn a_v4_vector_scales_the_default_like_its_metrics_say() {
    // Functional exploit (7 d) × AC:H 2 × AT:P 2 × PR:L 1.5 = 42 days.
    let (days, score, local, _) = ttc_days(
        "exploit_maturity: functional, \
         cvss: \"CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"",
    );
    assert!(close(days, 42.0), "{days} days");
    assert!(score.is_some_and(|s| (0.0..=10.0).contains(&s)));
    assert!(!local);
    // No maturity given: E:P says proof of concept (20 d) × UI:A 3 = 60 days; AV:A is local.
    let (days, _, local, maturity) =
        ttc_days("cvss: \"CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P\"");
    assert!(close(days, 60.0), "{days} days");
    assert!(local);
    assert_eq!(maturity, "ProofOfConcept");
    // UI:P is v3's UI:R: ×2; PR:H ×3: unproven 60 d × 2 × 3 = 360 days.
    let (days, ..) =
        ttc_days("cvss: \"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"");
    assert!(close(days, 360.0), "{days} days");
}

#[test]
fn a_v4_vector_with_nothing_to_overcome_keeps_the_maturity_mean_and_scores_as_first_does() {
    // FIRST's calculator: this vector scores 9.3 (critical).
    let (days, score, local, maturity) = ttc_days(
        "exploit_maturity: functional, \
         cvss: \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"",
    );
    assert!(close(days, 7.0), "{days} days");
    assert_eq!(score, Some(9.3));
    assert!(!local);
    assert_eq!(maturity, "Functional");
}

#[test]
fn the_given_maturity_and_kev_win_over_the_vectors_e() {
    // E:U (unreported) but the scenario says active: 2 d.
    let (days, _, _, maturity) = ttc_days(
        "exploit_maturity: active, \
         cvss: \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U\"",
    );
    assert!(close(days, 2.0), "{days} days");
    assert_eq!(maturity, "Active");
    // In KEV: active whatever E says.
    let (days, _, _, maturity) = ttc_days(
        "kev: true, cvss: \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U\"",
    );
    assert!(close(days, 2.0), "{days} days");
    assert_eq!(maturity, "Active");
    // E:A without a maturity: active.
    let (days, _, _, maturity) =
        ttc_days("cvss: \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A\"");
    assert!(close(days, 2.0), "{days} days");
    assert_eq!(maturity, "Active");
}

#[test]
fn a_v3_vector_keeps_its_rule() {
    // Proof of concept (20 d) × AC:H 2 × PR:L 1.5 × UI:R 2 = 120 days.
    let (days, score, local, _) = ttc_days(
        "exploit_maturity: proof_of_concept, \
         cvss: \"CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H\"",
    );
    assert!(close(days, 120.0), "{days} days");
    // NVD's calculator: 7.1.
    assert_eq!(score, Some(7.1));
    assert!(!local);
}

#[test]
fn the_same_exploitability_in_v3_and_v4_gives_the_same_default() {
    // v3 AC:H/PR:L/UI:R and v4 AC:H/AT:N/PR:L/UI:P describe the same hurdles: 7 d × 6 = 42 d.
    let v3 = ttc_days(
        "exploit_maturity: functional, cvss: \"CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H\"",
    );
    let v4 = ttc_days(
        "exploit_maturity: functional, \
         cvss: \"CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"",
    );
    assert!(close(v3.0, 42.0) && close(v4.0, 42.0), "{} {}", v3.0, v4.0);
}

#[test]
fn a_malformed_v4_vector_is_a_located_error() {
    for (vector, says) in [
        (
            "CVSS:4.0/AV:N/AC:L/AT:Q/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "AT",
        ),
        ("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H", "AT"),
        (
            "CVSS:4.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "4.1",
        ),
    ] {
        let text = plant(&format!("cvss: \"{vector}\""));
        let d = load_str(&text, "plant.yaml", &ModelLibrary::builtin())
            .err()
            .unwrap_or_else(|| panic!("`{vector}` accepted"));
        let e = &d.items[0];
        assert_eq!(e.path, "vulnerabilities[0].cvss", "{}", d.render());
        assert_eq!(e.loc.expect("located").line, 15, "{}", d.render());
        assert!(
            e.message.contains("invalid CVSS 4.0 vector") && e.message.contains(says),
            "{}",
            e.message
        );
    }
}
