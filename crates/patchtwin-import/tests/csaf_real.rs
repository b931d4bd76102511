//! The 17 real CISA ICS advisories (CSAF 2.0, cisagov/CSAF `csaf_files/OT/white/`, TLP:WHITE,
//! US-government works) parse, and hostile variants of them never panic.

mod common;

use patchtwin_import::csaf::{self, Category, CsafError};
use patchtwin_import::{CsafImport, Named};
use serde_json::Value;

#[test]
fn all_shipped_advisories_parse() {
    let texts = common::advisory_texts();
    assert_eq!(texts.len(), 17, "expected the 17 shipped advisories");
    let mut cves = 0;
    for (file, text) in &texts {
        let a = csaf::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            format!("{}.json", a.id.to_lowercase()),
            *file,
            "tracking id matches the file name"
        );
        assert!(!a.products.is_empty(), "{file}: products");
        assert!(!a.vulnerabilities.is_empty(), "{file}: vulnerabilities");
        for p in &a.products {
            assert!(!p.vendor.trim().is_empty(), "{file}: {} has a vendor", p.id);
            assert!(p.version.is_some(), "{file}: {} has a version branch", p.id);
        }
        for v in &a.vulnerabilities {
            cves += 1;
            assert!(v.is_cve && v.id.starts_with("CVE-"), "{file}: {}", v.id);
            assert!(
                v.cvss_v3.is_some(),
                "{file}: {} has a valid CVSS v3 vector",
                v.id
            );
            assert_eq!(v.cvss_problem, None, "{file}: {}", v.id);
            assert!(!v.affected.is_empty(), "{file}: {} affects products", v.id);
            for p in &v.affected {
                assert!(a.product(p).is_some(), "{file}: {} names {p}", v.id);
            }
        }
    }
    assert_eq!(cves, 33);
}

#[test]
fn fields_come_out_as_published() {
    let all = common::advisories();
    let get = |id: &str| &all.iter().find(|n| n.advisory.id == id).unwrap().advisory;

    let m = get("ICSA-23-201-01");
    let m580 = m.products.iter().find(|p| p.id == "CSAFPID-0004").unwrap();
    assert_eq!(m580.vendor.trim(), "Schneider Electric");
    assert_eq!(
        m580.product,
        "Modicon M580 CPU (part numbers BMEP* and BMEH*)"
    );
    assert_eq!(m580.version.as_deref(), Some("< SV4.10"));
    let v = &m.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2022-45788");
    assert_eq!(
        v.cvss_v3.as_deref(),
        Some("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H")
    );
    assert_eq!(v.cvss_v3_score, Some(7.5));
    let fix = v
        .remediations
        .iter()
        .find(|r| r.category == Category::VendorFix && r.product_ids == ["CSAFPID-0004"])
        .unwrap();
    assert!(fix.details.contains("Firmware SV4.10 includes a fix"));

    // Temporal metrics are accepted; the Siemens vector keeps them.
    let w = get("ICSA-21-040-09");
    assert_eq!(
        w.vulnerabilities[0].cvss_v3.as_deref(),
        Some("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:P/RL:O/RC:C")
    );
    // none_available and no_fix_planned are kept.
    assert!(
        get("ICSA-22-314-06").vulnerabilities[0]
            .remediations
            .iter()
            .any(|r| r.category == Category::NoneAvailable)
    );
    assert!(
        get("ICSA-22-346-05").vulnerabilities[0]
            .remediations
            .iter()
            .any(|r| r.category == Category::NoFixPlanned)
    );
    // Seven RTU500 products share one product name, each with its own range.
    let rtu = get("ICSA-22-235-07");
    assert_eq!(
        rtu.products
            .iter()
            .filter(|p| p.product == "RTU500 series CMU")
            .count(),
        7
    );
    // No advisory here carries restart_required; none is invented.
    for n in &all {
        for v in &n.advisory.vulnerabilities {
            assert!(v.remediations.iter().all(|r| r.restart_required.is_none()));
        }
    }
}

#[test]
fn not_csaf_is_rejected_with_a_reason() {
    assert!(matches!(csaf::parse(""), Err(CsafError::NotCsaf(_))));
    assert!(matches!(csaf::parse("[1, 2]"), Err(CsafError::NotCsaf(_))));
    assert!(matches!(
        csaf::parse("{\"a\": 1}"),
        Err(CsafError::NotCsaf(_))
    ));
    assert!(matches!(csaf::parse("{"), Err(CsafError::Syntax(_))));
    let e =
        csaf::parse(r#"{"document": {"csaf_version": "2.0", "tracking": {"id": 7}}}"#).unwrap_err();
    assert!(
        matches!(&e, CsafError::Field { path, .. } if path == "document.tracking.id"),
        "{e:?}"
    );
    let e = csaf::parse(r#"{"document": {"csaf_version": "1.2", "tracking": {"id": "X"}}}"#)
        .unwrap_err();
    assert!(e.to_string().contains("CSAF 2.x"), "{e}");
    let e = csaf::parse(r#"{"document": {"csaf_version": "2.0", "tracking": {"id": "X"}}}"#)
        .unwrap_err();
    assert!(e.to_string().contains("product_tree"), "{e}");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(csaf::parse(&deep).is_err());
}

/// A small deterministic generator for the fuzz-ish tests (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every node of a JSON tree, as a path of keys and indices.
fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                here.push(Value::String(k.clone()));
                paths(c, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                here.push(Value::from(i));
                paths(c, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match k {
        Value::String(s) => &mut v[s.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

/// Imports whatever parses into the EWS plant: the merge must not panic either.
fn import_does_not_panic(advisories: Vec<Named>) {
    let text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&text, "ews-actively-exploited.yaml");
    let out = CsafImport {
        scenario_text: &text,
        scenario_file: "ews-actively-exploited.yaml",
        scenario: &loaded.scenario,
        advisories: &advisories,
        rejected: Vec::new(),
        kev: None,
        epss: None,
    }
    .run()
    .expect("import");
    common::load(&out.yaml, "mutated-import.yaml");
}

#[test]
fn truncated_advisories_never_panic() {
    for (file, text) in common::advisory_texts() {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let r = csaf::parse(&text[..cut]);
                assert!(r.is_err(), "{file} cut at {cut} should not parse");
            }
            cut += 53;
        }
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let alphabet: Vec<char> = "{}[]\":,0123456789.-eE tfnulrsa\\/\u{0}\u{7f}\u{85}é€𝄞\n"
        .chars()
        .collect();
    for _ in 0..2_000 {
        let n = rng.below(200);
        let s: String = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let _ = csaf::parse(&s);
    }
    // Byte-level corruption of real advisories (kept valid UTF-8).
    for (file, text) in common::advisory_texts() {
        for _ in 0..40 {
            let mut chars: Vec<char> = text.chars().collect();
            for _ in 0..1 + rng.below(5) {
                let i = rng.below(chars.len());
                chars[i] = alphabet[rng.below(alphabet.len())];
            }
            let s: String = chars.into_iter().collect();
            if let Ok(a) = csaf::parse(&s) {
                import_does_not_panic(vec![Named {
                    file: file.clone(),
                    advisory: a,
                }]);
            }
        }
    }
}

#[test]
fn wrong_types_anywhere_never_panic() {
    let replacements = [
        Value::Null,
        Value::from(-1),
        Value::from(1e308),
        Value::from(""),
        Value::from("vers:all/*"),
        Value::from("< "),
        Value::Array(vec![]),
        serde_json::json!({}),
        serde_json::json!([{"category": "vendor", "name": ""}]),
    ];
    let mut rng = Rng(42);
    for (file, text) in common::advisory_texts() {
        let root: Value = serde_json::from_str(&text).unwrap();
        let mut all = Vec::new();
        paths(&root, &mut Vec::new(), &mut all);
        let mut parsed = Vec::new();
        for _ in 0..150 {
            let path = &all[rng.below(all.len())];
            let mut v = root.clone();
            *node_mut(&mut v, path) = replacements[rng.below(replacements.len())].clone();
            let s = serde_json::to_string(&v).unwrap();
            match csaf::parse(&s) {
                Ok(a) => parsed.push(Named {
                    file: file.clone(),
                    advisory: a,
                }),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        parsed.truncate(20);
        import_does_not_panic(parsed);
    }
}
