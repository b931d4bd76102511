//! The version-range matcher on the real strings of the 17 shipped CISA advisories (every
//! `product_version` / `product_version_range` branch name in them, found with
//! `jq '.. | objects | select(.category? | test("product_version")) | .name'`), with
//! expectations checked by hand against each advisory's text.

mod common;

use patchtwin_import::version::{Verdict, VersionSpec};

fn spec(text: &str) -> VersionSpec {
    VersionSpec::parse(text)
        .unwrap_or_else(|e| panic!("`{text}` should read: {e}"))
        .spec
}

/// `affected` and `not` inventory versions for one range.
fn check(range: &str, affected: &[&str], not: &[&str]) {
    let s = spec(range);
    for v in affected {
        assert_eq!(s.matches(v), Verdict::Affected, "`{v}` in `{range}`");
    }
    for v in not {
        assert_eq!(s.matches(v), Verdict::NotAffected, "`{v}` not in `{range}`");
    }
}

#[test]
fn every_version_string_of_the_shipped_advisories_reads() {
    let mut n = 0;
    for named in common::advisories() {
        for p in &named.advisory.products {
            let text = p.version.as_deref().unwrap();
            VersionSpec::parse(text)
                .unwrap_or_else(|e| panic!("{} `{text}`: {e}", named.advisory.id));
            n += 1;
        }
    }
    assert_eq!(n, 38);
}

#[test]
fn all_versions() {
    // GE Mark VIe, Siemens QMS Automotive, PLM Help Server, Modicon MC80 and M580 Safety.
    assert_eq!(spec("vers:all/*"), VersionSpec::All);
    assert_eq!(spec("All versions"), VersionSpec::All); // SIMATIC PCS 7
    assert_eq!(spec("vers:all/*").matches("whatever"), Verdict::Affected);
}

#[test]
fn emerson_valvelink_range() {
    // ICSA-20-063-01: "ValveLink: v12.0.264 to v13.4.118"
    check(
        ">= 12.0.264 | <= 13.4.118",
        &["12.0.264", "13.4.118", "13.2.097", "v12.5"],
        &["12.0.263", "13.4.123", "11.9", "14.0"],
    );
}

#[test]
fn upper_bounds() {
    // ICSA-20-112-01 Ignition 8 Gateway: "versions prior to 8.0.10"
    check(
        "< 8.0.10",
        &["8.0.7", "8.0.9", "7.9.13"],
        &["8.0.10", "8.1.0"],
    );
    // ICSA-20-163-01 PI Web API 2019: "Patch 1 (1.12.0.6346) and all previous versions"
    check(
        "<=1.12.0.6346",
        &["1.12.0.6346", "1.11", "1.12.0.6000"],
        &["1.12.0.6347", "1.13.0.6518"],
    );
    // ICSA-20-196-02 Moxa EDR-G902/G903: "firmware versions 5.4 and prior"
    check(
        "<= 5.4",
        &["5.4", "5.3", "4.1", "5.4.0"],
        &["5.4.1", "5.5", "5.7"],
    );
    // ICSA-22-314-04 SINUMERIK: < V6.21
    check(
        "< V6.21",
        &["V6.20", "6.15.2", "V6.15 SP1"],
        &["V6.21", "V6.22"],
    );
    // ICSA-23-194-06 Honeywell Experion: < R520.2
    check(
        "< R520.2",
        &["R511.5", "R520.1", "R500"],
        &["R520.2", "R530"],
    );
    // ICSA-23-201-01 Schneider: EcoStruxure Control Expert < 15.3, M340 < SV3.51,
    // M580 < SV4.10, Momentum < SV2.6.
    check("< 15.3", &["15.1", "15.2", "14.1"], &["15.3", "16.0"]);
    check(
        "< SV3.51",
        &["SV3.40", "SV3.30", "SV3.50"],
        &["SV3.51", "SV3.60"],
    );
    check(
        "< SV4.10",
        &["SV4.02", "SV3.20", "SV4.05"],
        &["SV4.10", "SV4.11"],
    );
    check("< SV2.6", &["SV2.5", "SV2.1"], &["SV2.6", "SV2.7"]);
    check("<= 2020", &["2020", "2019"], &["2021"]);
}

#[test]
fn siemens_service_packs() {
    // ICSA-21-040-09 SIMATIC WinCC: "All versions < V7.5 SP2"
    check(
        "All versions < V7.5 SP2",
        &["V7.5 SP1", "V7.5", "V7.4 SP1", "V7.5 SP1 Update 3"],
        &["V7.5 SP2", "V7.5 SP2 Update 1", "V8.0"],
    );
    // A number against a service-pack word cannot be compared: not a guess.
    assert!(matches!(
        spec("All versions < V7.5 SP2").matches("V7.5.1"),
        Verdict::Unknown(_)
    ));
    // ICSA-21-222-08 Solid Edge: "All versions prior to SE2021MP7"
    check(
        "< SE2021MP7",
        &["SE2021MP5", "SE2021", "SE2020MP14"],
        &["SE2021MP7", "SE2021MP10", "SE2022"],
    );
}

#[test]
fn lists_and_pairs() {
    // ICSA-21-054-01 FactoryTalk Services Platform: "Versions 6.10.00 and 6.11.00"
    check(
        "6.10.00 | 6.11.00",
        &["6.10.00", "6.11.00", "6.11"],
        &["6.20", "6.0", "6.12.00"],
    );
    // ICSA-20-205-01 TriStation 1131: "v1.0.0 to v4.9.0, v4.10.0 and 4.12.0"
    check(
        ">= 1.0. | <=4.9.0 | 4.10.0 | 4.12.0",
        &["1.0", "4.9.0", "4.5.2", "4.10.0", "4.12.0"],
        &["0.9", "4.9.1", "4.11.0", "4.13.0"],
    );
    // Tricon Communications Module: "v10.0 to v10.5.3"
    check(
        ">= 10.0 | <= 10.5.3",
        &["10.0", "10.5.3", "10.2"],
        &["10.5.4", "9.9", "11.0"],
    );
}

#[test]
fn hitachi_hyphen_ranges() {
    // ICSA-22-235-07 RTU500 series CMU: "Firmware version 12.4.1-12.4.11" and friends.
    check(
        "12.4.1-12.4.11",
        &["12.4.1", "12.4.5", "12.4.11"],
        &["12.4.12", "12.2.5", "12.4.0"],
    );
    check("13.3.1", &["13.3.1"], &["13.3.2"]);
}

#[test]
fn rockwell_firmware_strings() {
    // ICSA-24-030-05 ControlLogix/GuardLogix 5570: "Firmware__20.011", "Firmware__20.054_kit1"
    check(
        "Firmware__20.011",
        &["20.011", "20.11"],
        &["20.013", "33.011", "20.054_kit1"],
    );
    check(
        "Firmware__20.054_kit1",
        &["20.054_kit1", "20.054 kit1"],
        &["20.054", "20.054_kit2", "20.011"],
    );
    // ICSA-24-004-01 FactoryTalk Activation Manager: the CodeMeter note is dropped and reported.
    let p = VersionSpec::parse("<V4.00_Utilizes_Wibu-Systems_CodeMeter_7.60c").unwrap();
    assert_eq!(
        p.ignored,
        vec!["Utilizes_Wibu-Systems_CodeMeter_7.60c".to_string()]
    );
    for v in ["3.62.11", "V3.62", "4.00.00a"] {
        let expected = if v == "4.00.00a" {
            Verdict::NotAffected
        } else {
            Verdict::Affected
        };
        assert_eq!(p.spec.matches(v), expected, "{v}");
    }
    assert_eq!(p.spec.matches("4.00"), Verdict::NotAffected);
    assert_eq!(p.spec.matches("5.01"), Verdict::NotAffected);
}

#[test]
fn free_text_from_full_product_names() {
    // The same ranges as CISA writes them in the full product names.
    check("versions prior to 8.0.10", &["8.0.7"], &["8.0.10"]);
    check("firmware versions 5.4 and prior", &["5.4"], &["5.5"]);
    check("v12.0.264 to v13.4.118", &["13.0"], &["13.4.123"]);
    check("Firmware version 12.4.1-12.4.11", &["12.4.3"], &["12.4.12"]);
    // These cannot be read, and say why.
    for t in [
        "Patch 1 (1.12.0.6346) and all previous versions",
        "v1.0.0 to v4.9.0 v4.10.0 and 4.12.0 operating on Windows NT Windows XP or Windows 7",
    ] {
        let e = VersionSpec::parse(t).unwrap_err();
        assert!(!e.is_empty(), "{t}");
    }
}

#[test]
fn vers_ranges() {
    check(
        "vers:generic/>=2.0.0|<2.15.0",
        &["2.0.0", "2.14.1"],
        &["2.15.0", "1.9"],
    );
    check(
        "vers:maven/>=2.0-beta9|<2.15.0",
        &["2.0", "2.14.1"],
        &["2.0-beta8", "2.15.0"],
    );
    check(
        "vers:semver/>=1.0.0|<2.0.0|!=1.5.0",
        &["1.4.9"],
        &["1.5.0", "2.0.0"],
    );
    check("vers:semver/1.2.3|1.2.5", &["1.2.3", "1.2.5"], &["1.2.4"]);
}

#[test]
fn hostile_ranges_are_rejected_not_guessed() {
    for t in [
        "",
        "<",
        ">= | <=",
        "vers:",
        "vers:generic",
        "!= 1.0",
        "latest",
        "vers:generic/>=2.0|<1.0",
        "3.0-1.0",
        "((1.0))",
        "99999999999999999999999",
    ] {
        assert!(VersionSpec::parse(t).is_err(), "`{t}` should be rejected");
    }
    let long = "1.".repeat(400);
    assert!(VersionSpec::parse(&long).is_err());
    // Inventory versions that are not versions cannot be compared.
    assert!(matches!(
        spec("< 8.0.10").matches("SP1 (build ?)"),
        Verdict::Unknown(_)
    ));
}
