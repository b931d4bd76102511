//! Importing the 17 real advisories (with the real KEV catalog and the EPSS fixture) into every
//! shipped scenario produces scenarios that validate; the YAML writer round-trips; SBOMs fill
//! inventories that the advisories then match.

mod common;

use patchtwin_import::{CsafImport, Named, SbomImport, csaf, cyclonedx, epss, kev, yaml};
use serde_json::Value;

struct Ctx {
    advisories: Vec<Named>,
    kev: kev::Catalog,
    epss: epss::Scores,
}

fn ctx() -> Ctx {
    let kev_text = std::fs::read_to_string(
        common::data_dir().join("kev/known_exploited_vulnerabilities.json"),
    )
    .unwrap();
    Ctx {
        advisories: common::advisories(),
        kev: kev::Catalog::parse(&kev_text).unwrap(),
        epss: epss::Scores::parse(&common::fixture("epss_sample.csv")).unwrap(),
    }
}

fn import(
    c: &Ctx,
    text: &str,
    file: &str,
    advisories: &[Named],
) -> patchtwin_import::Output<patchtwin_import::CsafReport> {
    let loaded = common::load(text, file);
    CsafImport {
        scenario_text: text,
        scenario_file: file,
        scenario: &loaded.scenario,
        advisories,
        rejected: Vec::new(),
        kev: Some(("known_exploited_vulnerabilities.json", &c.kev)),
        epss: Some(("epss_sample.csv", &c.epss)),
    }
    .run()
    .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn tree(text: &str) -> Value {
    patchtwin_scenario::source::read(text)
        .map(|(v, _)| v)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

fn find<'a>(root: &'a Value, section: &str, id: &str) -> Option<&'a Value> {
    root[section]
        .as_array()?
        .iter()
        .find(|v| v["id"].as_str() == Some(id))
}

#[test]
fn all_advisories_into_every_shipped_scenario_validate() {
    let c = ctx();
    for name in common::SCENARIOS {
        let text = common::scenario_text(name);
        let file = format!("{name}.yaml");
        let before = common::load(&text, &file);
        let out = import(&c, &text, &file, &c.advisories);
        let after = common::load(&out.yaml, &format!("{name}-imported.yaml"));
        let r = &out.report;
        assert_eq!(r.advisories.len(), 17);
        assert_eq!(
            after.scenario.vulnerabilities.len(),
            before.scenario.vulnerabilities.len() + r.added_vulnerabilities.len(),
            "{name}"
        );
        assert_eq!(
            after.scenario.patches.len(),
            before.scenario.patches.len() + r.added_patches.len()
        );
        assert_eq!(
            after.scenario.controls.len(),
            before.scenario.controls.len() + r.added_controls.len()
        );
        assert_eq!(after.scenario.plans.len(), before.scenario.plans.len());
        // Every added vulnerability lists its assets explicitly and affects at least one.
        let root = tree(&out.yaml);
        for id in &r.added_vulnerabilities {
            let v = find(&root, "vulnerabilities", id).unwrap();
            assert!(!v["affects"]["assets"].as_array().unwrap().is_empty());
            assert!(v["affects"].get("software").is_none());
        }
        // The header names the sources.
        assert!(out.yaml.starts_with(&format!("# {}", before.scenario.name)));
        assert!(
            out.yaml
                .contains("# Advisories: ICSA-19-281-02 (icsa-19-281-02.json)")
        );
        assert!(out.yaml.contains("KEV: catalog 2025.08.25"));
        // The report renders.
        assert!(r.render().contains("added "));
        // Importing again adds nothing: every id is already there.
        let again = import(&c, &out.yaml, "again.yaml", &c.advisories);
        assert!(again.report.added_vulnerabilities.is_empty(), "{name}");
        assert!(again.report.added_patches.is_empty(), "{name}");
        assert!(again.report.added_controls.is_empty(), "{name}");
    }
}

#[test]
fn ews_plant_gets_valvelink_and_pi_web_api() {
    let c = ctx();
    let text = common::scenario_text("ews-actively-exploited");
    let out = import(&c, &text, "ews-actively-exploited.yaml", &c.advisories);
    let r = &out.report;
    assert_eq!(r.added_vulnerabilities, ["CVE-2020-6971", "CVE-2020-12021"]);
    assert_eq!(
        r.added_patches,
        ["icsa-20-063-01-valvelink", "icsa-20-163-01-pi-web-api-2019"]
    );
    assert_eq!(r.added_controls, ["vpatch-dmz-operations"]);
    let matched: Vec<&str> = r
        .advisories
        .iter()
        .filter(|a| !a.matched_nothing())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(matched, ["ICSA-20-063-01", "ICSA-20-163-01"]);
    assert_eq!(r.matched_nothing().len(), 15);
    let valvelink = &r.advisories[1];
    assert_eq!(
        valvelink.affected_assets().into_iter().collect::<Vec<_>>(),
        ["ews-1", "ews-2"]
    );

    let root = tree(&out.yaml);
    let v = find(&root, "vulnerabilities", "CVE-2020-6971").unwrap();
    assert_eq!(v["cvss"], "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(v["epss"], 0.00052);
    assert!(v.get("kev").is_none());
    assert_eq!(
        v["title"],
        "Emerson ValveLink: Improper Access Control (CWE-284) (ICSA-20-063-01)"
    );
    let p = find(&root, "patches", "icsa-20-063-01-valvelink").unwrap();
    assert_eq!(p["fixes"], serde_json::json!(["CVE-2020-6971"]));
    assert_eq!(
        p["applies_to"]["assets"],
        serde_json::json!(["ews-1", "ews-2"])
    );
    assert_eq!(p["restart"], "machine");
    assert_eq!(p["vendor_certified"], true);
    let vp = find(&root, "controls", "vpatch-dmz-operations").unwrap();
    assert_eq!(vp["kind"], "virtual_patch");
    assert_eq!(vp["blocks"], serde_json::json!(["CVE-2020-12021"]));
    // Comments: the source above each item, defaults flagged.
    assert!(out.yaml.contains(
        "  # From ICSA-20-063-01 (Emerson ValveLink, revision 1, 2020-03-03), file icsa-20-063-01.json."
    ));
    assert!(out.yaml.contains("DEFAULTS, not vendor data"));
    // Remediations that map to nothing are listed, not invented.
    let pi = &r.advisories[3];
    assert_eq!(pi.id, "ICSA-20-163-01");
    assert!(
        pi.not_modelled
            .iter()
            .any(|l| l.contains("Limit write access to PI Server to trusted users"))
    );
}

#[test]
fn existing_entries_are_kept_and_extra_assets_reported() {
    let c = ctx();
    let text = common::scenario_text("water-treatment");
    let out = import(&c, &text, "water-treatment.yaml", &c.advisories);
    let before = tree(&text);
    let after = tree(&out.yaml);
    for id in ["CVE-2022-45788", "CVE-2020-10641", "CVE-2020-12021"] {
        assert_eq!(
            find(&before, "vulnerabilities", id),
            find(&after, "vulnerabilities", id),
            "{id} untouched"
        );
    }
    assert_eq!(out.report.added_vulnerabilities, ["CVE-2020-6971"]);
    let modicon = out
        .report
        .advisories
        .iter()
        .find(|a| a.id == "ICSA-23-201-01")
        .unwrap();
    assert_eq!(modicon.affected_assets().len(), 13);
    assert!(modicon.vulnerabilities[0].contains("also affects ews-1"));
    assert!(modicon.patches.iter().all(|p| p.contains("not added")));
    // Every other section of the plant is unchanged.
    for key in [
        "zones", "conduits", "assets", "links", "flows", "plans", "threat",
    ] {
        assert_eq!(before[key], after[key], "{key}");
    }
}

#[test]
fn substation_and_packaging_line() {
    let c = ctx();
    let out = import(
        &c,
        &common::scenario_text("substation"),
        "substation.yaml",
        &c.advisories,
    );
    assert_eq!(out.report.added_vulnerabilities, ["CVE-2020-14511"]);
    assert!(
        out.report.added_patches.is_empty(),
        "Moxa's fix is filed as a mitigation"
    );
    let moxa = out
        .report
        .advisories
        .iter()
        .find(|a| a.id == "ICSA-20-196-02")
        .unwrap();
    assert!(
        moxa.not_modelled
            .iter()
            .any(|l| l.contains("describing an update"))
    );

    let out = import(
        &c,
        &common::scenario_text("packaging-line"),
        "packaging-line.yaml",
        &c.advisories,
    );
    assert_eq!(
        out.report.added_vulnerabilities,
        ["CVE-2023-38545", "CVE-2023-3935"]
    );
    let ftam = out
        .report
        .advisories
        .iter()
        .find(|a| a.id == "ICSA-24-004-01")
        .unwrap();
    assert_eq!(ftam.ignored_text, ["Utilizes_Wibu-Systems_CodeMeter_7.60c"]);
    // v33.011 controllers are not in the Logix advisory's list; v20.011 is.
    let logix = out
        .report
        .advisories
        .iter()
        .find(|a| a.id == "ICSA-24-030-05")
        .unwrap();
    assert_eq!(
        logix.affected_assets().into_iter().collect::<Vec<_>>(),
        ["plc-palletizer"]
    );
}

#[test]
fn yaml_round_trips_every_shipped_scenario() {
    for name in common::SCENARIOS {
        let text = common::scenario_text(name);
        let v = tree(&text);
        let out = yaml::to_yaml(&v, &["header".into()], &yaml::Notes::new());
        assert_eq!(tree(&out), v, "{name}");
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_string(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        "9",
        " ",
        "  ",
        ":",
        ": ",
        "#",
        " #",
        "-",
        "- ",
        "?",
        "!",
        "&",
        "*",
        "|",
        ">",
        "'",
        "\"",
        "\\",
        "\n",
        "\t",
        "\r",
        "{",
        "}",
        "[",
        "]",
        ",",
        "%",
        "@",
        "`",
        "~",
        "yes",
        "no",
        "null",
        "true",
        "1e3",
        "0x1F",
        "0o7",
        ".inf",
        ".nan",
        "1_000",
        "2001-12-14",
        "12:30",
        "+1",
        "-0",
        "é",
        "€",
        "𝄞",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
        "\u{7f}",
        "\u{1}",
        "\u{fffe}",
        "<<",
        "---",
        "...",
        "90d",
        "1.5kB",
        "6.10",
    ];
    let n = rng.below(6);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 4 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 1),
        2 => Value::from(rng.next() as i64 >> rng.below(60)),
        3 => Value::from((rng.next() % 100_000) as f64 / 1000.0),
        4 => Value::String(random_string(rng)),
        5 | 6 => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.below(5) {
                m.insert(random_string(rng), random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
    }
}

#[test]
fn yaml_round_trips_hostile_strings() {
    let mut rng = Rng(7);
    for i in 0..3_000 {
        let mut m = serde_json::Map::new();
        for _ in 0..1 + rng.below(4) {
            m.insert(random_string(&mut rng), random_value(&mut rng, 0));
        }
        let v = Value::Object(m);
        let mut notes = yaml::Notes::new();
        notes.insert((String::new(), 0), vec![random_string(&mut rng)]);
        let header = vec![random_string(&mut rng), String::new()];
        let out = yaml::to_yaml(&v, &header, &notes);
        match patchtwin_scenario::source::read(&out) {
            Ok((back, _)) => assert_eq!(back, v, "case {i}:\n{out}"),
            Err(e) => panic!("case {i}: {e:?}\n{out}"),
        }
    }
}

#[test]
fn kev_marks_a_listed_cve_through_an_sbom_inventory() {
    let c = ctx();
    // 1. The EWS's SBOM fills its inventory (log4j-core 2.14.1 among others).
    let text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&text, "ews.yaml");
    let bom = cyclonedx::parse(&common::fixture("ews-1.cdx.json")).unwrap();
    let filled = SbomImport {
        scenario_text: &text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        asset: "ews-1",
        bom: ("ews-1.cdx.json", &bom),
    }
    .run()
    .unwrap();
    common::load(&filled.yaml, "filled.yaml");
    // 2. A (synthetic) Log4Shell advisory matches it, and KEV marks it exploited.
    let advisory = csaf::parse(&common::fixture("log4j-synthetic-csaf.json")).unwrap();
    let out = import(
        &c,
        &filled.yaml,
        "filled.yaml",
        &[Named {
            file: "log4j-synthetic-csaf.json".into(),
            advisory,
        }],
    );
    common::load(&out.yaml, "log4j.yaml");
    let root = tree(&out.yaml);
    let v = find(&root, "vulnerabilities", "CVE-2021-44228").unwrap();
    assert_eq!(v["kev"], true);
    assert_eq!(v["exploit_maturity"], "active");
    assert_eq!(v["epss"], 0.94358);
    assert_eq!(
        v["title"],
        "Log4Shell: JNDI lookup remote code execution (TEST-LOG4J-01; CISA KEV since 2021-12-10)"
    );
    assert_eq!(v["affects"]["assets"], serde_json::json!(["ews-1"]));
    assert!(
        out.yaml
            .contains("CISA KEV (catalog 2025.08.25): added 2021-12-10")
    );
    // restart_required `service` becomes restart: service.
    let p = find(&root, "patches", "test-log4j-01-log4j-core").unwrap();
    assert_eq!(p["restart"], "service");
    // Monitoring and segmentation from the mitigation texts; the workaround is not modelled.
    let r = &out.report.advisories[0];
    assert_eq!(
        out.report.added_controls,
        ["monitor-test-log4j-01", "restrict-dmz-operations"]
    );
    let seg = find(&root, "controls", "restrict-dmz-operations").unwrap();
    assert_eq!(
        seg["allow_protocols"],
        serde_json::json!(["https"]),
        "RDP is dropped; the historian replication stays"
    );
    let mon = find(&root, "controls", "monitor-test-log4j-01").unwrap();
    assert_eq!(mon["zones"], serde_json::json!(["operations"]));
    assert!(r.not_modelled.iter().any(|l| l.contains("JndiLookup")));
}
