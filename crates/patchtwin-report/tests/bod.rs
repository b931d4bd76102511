//! CERT/CC's CISA BOD 26-04 decision table against the CSV CERT/CC publishes, all 16 rows; and
//! the provenance lines' parser and the RFC 3339 formatter against hand-worked values.
//!
//! The CSV is read from `shared/data/ssvc/` beside the repository; without it the table test
//! prints why and skips.

use patchtwin_report::bod::{TechnicalImpact, Timeline, timeline};
use patchtwin_report::provenance::{Source, line, parse_sources, rfc3339_utc};

const BOD_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/ssvc/cisa_bod_26_04_1_0_0.csv"
);

fn yes_no(s: &str) -> bool {
    match s {
        "yes" => true,
        "no" => false,
        other => panic!("expected yes or no, got {other}"),
    }
}

#[test]
fn bod_table_matches_cert_cc_csv_row_by_row() {
    let Ok(text) = std::fs::read_to_string(BOD_CSV) else {
        println!(
            "skipped: CERT/CC's BOD 26-04 table is not at {BOD_CSV} (shared/ beside the checkout)"
        );
        return;
    };
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    assert_eq!(
        lines.next(),
        Some(
            "row,In KEV v1.0.0 (cisa),Publicly Exposed v1.0.0 (cisa),Automatable v2.0.0,\
             Technical Impact v1.0.0,CISA BOD 26-04 Remediation Timelines v1.0.0 (cisa)"
        ),
        "column order or versions changed"
    );
    let mut seen = std::collections::BTreeSet::new();
    for (i, l) in lines.filter(|l| !l.trim().is_empty()).enumerate() {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 6, "{l}");
        assert_eq!(f[0].parse::<usize>().ok(), Some(i), "{l}");
        let ti = match f[4] {
            "partial" => TechnicalImpact::Partial,
            "total" => TechnicalImpact::Total,
            other => panic!("technical impact {other}"),
        };
        let want = Timeline::ALL
            .into_iter()
            .find(|t| t.label() == f[5])
            .unwrap_or_else(|| panic!("unknown timeline {}", f[5]));
        let (kev, pe, a) = (yes_no(f[1]), yes_no(f[2]), yes_no(f[3]));
        assert_eq!(timeline(kev, pe, a, ti), want, "row {i}: {l}");
        seen.insert((kev, pe, a, ti));
    }
    assert_eq!(seen.len(), 16, "every combination once");
}

#[test]
fn timeline_days_follow_the_labels() {
    for t in Timeline::ALL {
        let from_label = t
            .label()
            .split(' ')
            .next()
            .and_then(|d| d.parse::<u32>().ok());
        assert_eq!(t.days(), from_label, "{t}");
    }
}

#[test]
fn provenance_lines_round_trip_and_only_the_leading_block_counts() {
    let advisory = Source {
        kind: "csaf".into(),
        id: "ICSA-25-001-01".into(),
        version: "1.2 rev;=%".into(),
        date: "2025-01-02".into(),
    };
    let kev = Source {
        kind: "kev".into(),
        id: String::new(),
        version: "2025.08.25".into(),
        date: String::new(),
    };
    let text = format!(
        "# header\n# {}\n#   {}\n# {}\n# patchtwin-provenance:bogus;id=x\n\nname: x\n# {}\n",
        line(&advisory),
        line(&kev),
        line(&advisory),
        line(&Source {
            kind: "epss".into(),
            id: String::new(),
            version: "late".into(),
            date: String::new()
        })
    );
    assert!(!line(&advisory).contains(' '), "one word, never wrapped");
    assert_eq!(parse_sources(&text), vec![advisory, kev]);
}

#[test]
fn rfc3339_matches_known_instants() {
    assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
    // 2000-02-29 (a leap day of a century leap year) 12:34:56.
    assert_eq!(rfc3339_utc(951_827_696), "2000-02-29T12:34:56Z");
    // 2026-06-30 23:59:59.
    assert_eq!(rfc3339_utc(1_782_863_999), "2026-06-30T23:59:59Z");
}

#[test]
fn as_of_is_the_newest_recorded_date_or_the_epoch() {
    use patchtwin_report::provenance::Provenance;
    let src = |kind: &str, date: &str| Source {
        kind: kind.into(),
        id: String::new(),
        version: String::new(),
        date: date.into(),
    };
    let none = Provenance::new("x", 1, 1, vec![]);
    assert_eq!(none.as_of(), "1970-01-01T00:00:00Z");
    let some = Provenance::new(
        "x",
        1,
        1,
        vec![
            src("csaf", "2025-03-04"),
            src("epss", "2025-08-25T00:00:00Z"),
            src("kev", "not a date"),
        ],
    );
    assert_eq!(some.as_of(), "2025-08-25T00:00:00Z");
}
