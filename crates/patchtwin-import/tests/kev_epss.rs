//! The shipped CISA KEV catalog (cisagov/kev-data, catalogVersion 2025.08.25, CC0 1.0) and an
//! EPSS fixture written for these tests (`tests/data/epss_sample.csv`, illustrative scores).

mod common;

use patchtwin_import::epss::{EpssError, Scores};
use patchtwin_import::kev::{Catalog, KevError};

fn catalog() -> Catalog {
    let p = common::data_dir().join("kev/known_exploited_vulnerabilities.json");
    Catalog::parse(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn kev_lookup_on_the_shipped_catalog() {
    let k = catalog();
    assert_eq!(k.version, "2025.08.25");
    assert_eq!(k.len(), 1404);
    let bluekeep = k.get("CVE-2019-0708").expect("BlueKeep is in KEV");
    assert_eq!(bluekeep.date_added, "2021-11-03");
    assert!(bluekeep.ransomware);
    assert!(bluekeep.name.contains("Remote Desktop"));
    assert_eq!(k.get("cve-2019-0708"), Some(bluekeep), "case-insensitive");
    assert_eq!(k.get("CVE-2023-20198").unwrap().date_added, "2023-10-16");
    // None of the 33 CVEs of the shipped ICS advisories is in this catalog.
    for named in common::advisories() {
        for v in &named.advisory.vulnerabilities {
            assert!(k.get(&v.id).is_none(), "{} unexpectedly in KEV", v.id);
        }
    }
}

#[test]
fn kev_rejects_other_json() {
    assert!(Catalog::parse("{}").is_err());
    assert!(Catalog::parse("[").is_err());
    let e = Catalog::parse(r#"{"vulnerabilities": [{"cveID": 5}]}"#).unwrap_err();
    assert!(e.to_string().contains("vulnerabilities[0].cveID"), "{e}");
    let empty = Catalog::parse(r#"{"vulnerabilities": []}"#).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn epss_fixture() {
    let s = Scores::parse(&common::fixture("epss_sample.csv")).unwrap();
    assert_eq!(s.model_version.as_deref(), Some("v2025.03.14"));
    assert_eq!(s.score_date.as_deref(), Some("2025-08-25T12:55:00Z"));
    assert_eq!(s.len(), 6);
    let v = s.get("cve-2020-6971").unwrap();
    assert_eq!(v.epss, 0.00052);
    assert_eq!(v.percentile, Some(0.16301));
    assert!(s.get("CVE-1999-0001").is_none());
}

#[test]
fn epss_tolerates_crlf_bom_and_no_comment() {
    let s = Scores::parse("\u{feff}cve,epss,percentile\r\nCVE-2020-6971,0.1,0.5\r\n").unwrap();
    assert_eq!(s.get("CVE-2020-6971").unwrap().epss, 0.1);
    assert_eq!(s.model_version, None);
}

#[test]
fn epss_errors_name_the_line() {
    let e = Scores::parse("#model_version:v1\ncve,epss,percentile\nCVE-1,0.5,0.9\nCVE-2,1.5,0.9\n")
        .unwrap_err();
    assert_eq!(
        e,
        EpssError::Line {
            line: 4,
            message: "epss `1.5` is not a number from 0 to 1".into()
        }
    );
    let e = Scores::parse("cve,epss\nnot-a-cve,0.1\n").unwrap_err();
    assert!(matches!(e, EpssError::Line { line: 2, .. }), "{e}");
    assert_eq!(
        Scores::parse("#model_version:v1\n").unwrap_err(),
        EpssError::Empty
    );
    assert_eq!(
        Scores::parse_bytes(&[0x1f, 0x8b, 8, 0, 0]).unwrap_err(),
        EpssError::Gzip
    );
    assert!(Scores::parse_bytes(&[b'c', 0xff, b'\n']).is_err());
    assert!(Scores::parse("cve,score\nCVE-1,0.1\n").is_err());
    assert!(Scores::parse("CVE-1,NaN,0.2\n").is_err());
}

#[test]
fn kev_identical_duplicates_merge_and_conflicting_ones_are_rejected() {
    let row = |date: &str, ransom: &str| {
        format!(
            r#"{{"cveID": "CVE-2019-0708", "dateAdded": "{date}", "vulnerabilityName": "BlueKeep", "knownRansomwareCampaignUse": "{ransom}"}}"#
        )
    };
    let other = r#"{"cveID": "CVE-2023-20198", "dateAdded": "2023-10-16"}"#;
    let doc = |rows: &[String]| {
        format!(
            r#"{{"catalogVersion": "t", "vulnerabilities": [{}]}}"#,
            rows.join(",")
        )
    };
    // The same row twice (different case of the id) is one entry.
    let same = doc(&[
        row("2021-11-03", "Known"),
        other.into(),
        row("2021-11-03", "Known").replace("CVE-", "cve-"),
    ]);
    let k = Catalog::parse(&same).unwrap();
    assert_eq!(k.len(), 2);
    assert_eq!(k.get("CVE-2019-0708").unwrap().date_added, "2021-11-03");
    // Different dates: rejected, naming both rows, the CVE, the field and both values.
    let e = Catalog::parse(&doc(&[
        row("2021-11-03", "Known"),
        other.into(),
        row("2022-01-10", "Known"),
    ]))
    .unwrap_err();
    assert_eq!(
        e,
        KevError::Conflict {
            cve: "CVE-2019-0708".into(),
            first: 0,
            second: 2,
            field: "dateAdded",
            first_value: "`2021-11-03`".into(),
            second_value: "`2022-01-10`".into(),
        }
    );
    let message = e.to_string();
    for part in [
        "vulnerabilities[0]",
        "vulnerabilities[2]",
        "CVE-2019-0708",
        "2021-11-03",
        "2022-01-10",
        "neither row was used",
    ] {
        assert!(message.contains(part), "{part} missing from: {message}");
    }
    // Only the ransomware flag differs: still a conflict.
    let e = Catalog::parse(&doc(&[
        row("2021-11-03", "Known"),
        row("2021-11-03", "Unknown"),
    ]))
    .unwrap_err();
    assert!(
        matches!(
            &e,
            KevError::Conflict {
                field: "knownRansomwareCampaignUse",
                first: 0,
                second: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn epss_identical_duplicates_merge_and_conflicting_ones_are_rejected() {
    let s = Scores::parse(
        "cve,epss,percentile\nCVE-2020-6971,0.1,0.5\nCVE-2020-6972,0.2,0.6\ncve-2020-6971,0.1,0.5\n",
    )
    .unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s.get("CVE-2020-6971").unwrap().epss, 0.1);
    let e = Scores::parse(
        "#model_version:v1\ncve,epss,percentile\nCVE-2020-6971,0.1,0.5\nCVE-2020-6972,0.2,0.6\nCVE-2020-6971,0.3,0.5\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        EpssError::Conflict {
            cve: "CVE-2020-6971".into(),
            first_line: 3,
            second_line: 5,
            first: "`0.1,0.5`".into(),
            second: "`0.3,0.5`".into(),
        }
    );
    let message = e.to_string();
    assert!(message.contains("lines 3 and 5"), "{message}");
    // A percentile given on one row and not the other is a difference too.
    let e = Scores::parse("cve,epss,percentile\nCVE-1,0.1,0.5\nCVE-1,0.1\n").unwrap_err();
    assert!(
        matches!(e, EpssError::Conflict { second_line: 3, .. }),
        "{e}"
    );
}
