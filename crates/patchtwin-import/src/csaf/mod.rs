//! CSAF 2.0 security advisories (OASIS CSAF 2.0, §3), as CISA publishes every ICS advisory.
//!
//! Only what the import needs is read: the document's tracking id, title and dates; the
//! product tree (branches `vendor` → `product_name`/`product_family` → `product_version` or
//! `product_version_range`, plus `full_product_names`, `relationships` and `product_groups`);
//! and per vulnerability the CVE, title, CWE, affected products, CVSS v3 vector and
//! remediations. Everything else is ignored, so later CSAF revisions that add fields still read.
//!
//! A file that is not JSON, not a CSAF document, or has a wrong type where a field is read is
//! rejected with the field path and the reason ([`CsafError`]). Smaller problems — a vector the
//! `cvss` crate rejects, a product id nothing defines — are kept in [`Advisory::notes`] and in
//! the vulnerability, and the rest of the advisory is used.
//!
//! The reading is done in named steps, each in its own module: `raw` is the input as serde
//! reads it, `types` what a parsed advisory is, `products` the product tree and
//! `vulns` one vulnerability (affected products, vectors, remediations); [`parse`] checks the
//! document and wires them together.

mod products;
mod raw;
mod types;
mod vulns;

pub use types::{Advisory, Category, Product, Remediation, Vulnerability};

use std::collections::{BTreeMap, BTreeSet};

/// Largest advisory accepted, in bytes. Real ones are tens of kilobytes.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Why an advisory was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsafError {
    /// Too big to be an advisory.
    #[error("the file is {0} bytes; the largest accepted advisory is {MAX_BYTES} bytes")]
    TooLarge(usize),
    /// Not JSON, or JSON with a wrong type where a CSAF field is read.
    #[error("{0}")]
    Syntax(String),
    /// Valid JSON at `path`, but the wrong shape.
    #[error("`{path}`: {message}")]
    Field {
        /// Field path, e.g. `vulnerabilities[2].scores[0].cvss_v3.vectorString`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// JSON, but not a CSAF 2.x advisory this importer can use.
    #[error("{0}")]
    NotCsaf(String),
}

/// Checks a CVSS v3 vector with the `cvss` crate; the base score, or why not.
pub fn check_cvss_v3(vector: &str) -> Result<f64, String> {
    let v: cvss::v3::Vector = vector.parse().map_err(|e| format!("{e}"))?;
    let missing: Vec<&str> = [
        ("AV", v.av.is_none()),
        ("AC", v.ac.is_none()),
        ("PR", v.pr.is_none()),
        ("UI", v.ui.is_none()),
        ("S", v.s.is_none()),
        ("C", v.c.is_none()),
        ("I", v.i.is_none()),
        ("A", v.a.is_none()),
    ]
    .into_iter()
    .filter_map(|(m, absent)| absent.then_some(m))
    .collect();
    if !missing.is_empty() {
        return Err(format!("base metric(s) {} missing", missing.join(", ")));
    }
    Ok(v.base_score().value())
}

/// Reads one advisory.
pub fn parse(text: &str) -> Result<Advisory, CsafError> {
    let doc = read_doc(text)?;
    let id = doc.document.tracking.id.trim().to_string();
    if id.is_empty() {
        return Err(CsafError::Field {
            path: "document.tracking.id".into(),
            message: "empty tracking id".into(),
        });
    }
    let mut notes = Vec::new();
    if !doc.document.category.is_empty()
        && !matches!(
            doc.document.category.as_str(),
            "csaf_security_advisory" | "csaf_vex" | "csaf_base"
        )
    {
        notes.push(format!(
            "document category `{}` is not a security advisory; read anyway",
            doc.document.category
        ));
    }
    let Some(tree) = doc.product_tree else {
        return Err(CsafError::NotCsaf(
            "no `product_tree`: there is nothing to match against the plant".into(),
        ));
    };
    if doc.vulnerabilities.is_empty() {
        return Err(CsafError::NotCsaf("no `vulnerabilities`".into()));
    }
    let products = products::read(&tree, &mut notes);
    let cx = vulns::Context {
        advisory_id: &id,
        known: products
            .iter()
            .map(|p| p.id.as_str())
            .collect::<BTreeSet<_>>(),
        groups: tree
            .product_groups
            .iter()
            .map(|g| (g.group_id.as_str(), g.product_ids.as_slice()))
            .collect::<BTreeMap<_, _>>(),
        doc_v4: vulns::v4_in_references(&doc.document.references).collect(),
    };
    let vulnerabilities = doc
        .vulnerabilities
        .into_iter()
        .enumerate()
        .map(|(n, v)| vulns::read(v, n, &cx, &mut notes))
        .collect();
    drop(cx);
    Ok(Advisory {
        title: doc.document.title.trim().to_string(),
        publisher: doc.document.publisher.map(|p| p.name).unwrap_or_default(),
        csaf_version: doc.document.csaf_version,
        revision: doc.document.tracking.version,
        initial_release: date_part(doc.document.tracking.initial_release_date),
        current_release: date_part(doc.document.tracking.current_release_date),
        id,
        products,
        vulnerabilities,
        notes,
    })
}

/// The text as a CSAF 2.x document: size, JSON, shape (with the failing field's path) and
/// version checked.
fn read_doc(text: &str) -> Result<raw::Doc, CsafError> {
    if text.len() > MAX_BYTES {
        return Err(CsafError::TooLarge(text.len()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(CsafError::NotCsaf("the file is empty".into()));
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| CsafError::Syntax(format!("not valid JSON: {e}")))?;
    let serde_json::Value::Object(top) = &value else {
        return Err(CsafError::NotCsaf(
            "expected a JSON object with `document`, `product_tree` and `vulnerabilities`".into(),
        ));
    };
    if !top.contains_key("document") {
        return Err(CsafError::NotCsaf(
            "no `document`: this is not a CSAF advisory".into(),
        ));
    }
    let doc: raw::Doc = serde_path_to_error::deserialize(&value).map_err(|e| CsafError::Field {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    if !doc.document.csaf_version.starts_with("2.") {
        return Err(CsafError::NotCsaf(format!(
            "csaf_version is `{}`; this importer reads CSAF 2.x",
            doc.document.csaf_version
        )));
    }
    Ok(doc)
}

/// The date part (`YYYY-MM-DD`) of a CSAF date-time.
fn date_part(s: Option<String>) -> Option<String> {
    s.map(|d| d.chars().take(10).collect())
}

/// Maps CSAF `restart_required.category` to a scenario restart scope (`none`, `service`,
/// `machine`, `zone`, `system`).
pub fn restart_scope(category: &str) -> Option<&'static str> {
    Some(match category {
        "none" => "none",
        "vulnerable_component" | "service" | "child" => "service",
        "parent" | "dependencies" | "machine" => "machine",
        "connected" | "zone" => "zone",
        "system" => "system",
        _ => return None,
    })
}

/// Orders restart scopes from least to most disruptive.
pub fn restart_rank(scope: &str) -> u8 {
    match scope {
        "none" => 0,
        "service" => 1,
        "machine" => 2,
        "zone" => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use products::parse_cpe;

    #[test]
    fn cpe_and_v4() {
        assert_eq!(
            parse_cpe("cpe:2.3:o:siemens:simatic_s7-1500_firmware:2.9.4:*:*:*:*:*:*:*"),
            Some((
                "siemens".into(),
                "simatic s7-1500 firmware".into(),
                Some("2.9.4".into())
            ))
        );
        assert_eq!(
            crate::cvss4::vectors_in(
                "see https://www.first.org/cvss/calculator/4.0#CVSS:4.0/AV:N/AC:L/AT:N, ok"
            ),
            vec!["CVSS:4.0/AV:N/AC:L/AT:N".to_string()]
        );
        assert_eq!(restart_scope("connected"), Some("zone"));
        assert!(check_cvss_v3("CVSS:3.0/AV:N/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H").is_err());
        assert!(check_cvss_v3("CVSS:3.1/AV:N").is_err());
        assert_eq!(
            check_cvss_v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Ok(9.8)
        );
    }
}
