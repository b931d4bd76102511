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

use serde::{Deserialize, Deserializer};
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

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct Doc {
    document: Document,
    #[serde(default)]
    product_tree: Option<ProductTree>,
    #[serde(default, deserialize_with = "null_default")]
    vulnerabilities: Vec<Vuln>,
}

#[derive(Deserialize)]
struct Document {
    csaf_version: String,
    #[serde(default, deserialize_with = "null_default")]
    category: String,
    #[serde(default, deserialize_with = "null_default")]
    title: String,
    tracking: Tracking,
    #[serde(default)]
    publisher: Option<Publisher>,
    #[serde(default, deserialize_with = "null_default")]
    references: Vec<Reference>,
}

#[derive(Deserialize)]
struct Publisher {
    #[serde(default, deserialize_with = "null_default")]
    name: String,
}

#[derive(Deserialize)]
struct Tracking {
    id: String,
    #[serde(default)]
    initial_release_date: Option<String>,
    #[serde(default)]
    current_release_date: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize, Default)]
struct ProductTree {
    #[serde(default, deserialize_with = "null_default")]
    branches: Vec<Branch>,
    #[serde(default, deserialize_with = "null_default")]
    full_product_names: Vec<FullProductName>,
    #[serde(default, deserialize_with = "null_default")]
    product_groups: Vec<ProductGroup>,
    #[serde(default, deserialize_with = "null_default")]
    relationships: Vec<Relationship>,
}

#[derive(Deserialize)]
struct Branch {
    category: String,
    name: String,
    #[serde(default, deserialize_with = "null_default")]
    branches: Vec<Branch>,
    #[serde(default)]
    product: Option<FullProductName>,
}

#[derive(Deserialize)]
struct FullProductName {
    name: String,
    product_id: String,
    #[serde(default)]
    product_identification_helper: Option<Helper>,
}

#[derive(Deserialize)]
struct Helper {
    #[serde(default)]
    cpe: Option<String>,
}

#[derive(Deserialize)]
struct ProductGroup {
    group_id: String,
    #[serde(default, deserialize_with = "null_default")]
    product_ids: Vec<String>,
}

#[derive(Deserialize)]
struct Relationship {
    full_product_name: FullProductName,
    product_reference: String,
}

#[derive(Deserialize)]
struct Vuln {
    #[serde(default)]
    cve: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    ids: Vec<VulnId>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    cwe: Option<Cwe>,
    #[serde(default, deserialize_with = "null_default")]
    notes: Vec<Note>,
    #[serde(default)]
    product_status: Option<ProductStatus>,
    #[serde(default, deserialize_with = "null_default")]
    scores: Vec<Score>,
    /// CSAF 2.1's replacement of `scores`.
    #[serde(default, deserialize_with = "null_default")]
    metrics: Vec<Metric>,
    /// CSAF 2.1.
    #[serde(default, deserialize_with = "null_default")]
    first_known_exploitation_dates: Vec<Exploitation>,
    #[serde(default, deserialize_with = "null_default")]
    remediations: Vec<RemediationRaw>,
    #[serde(default, deserialize_with = "null_default")]
    references: Vec<Reference>,
}

#[derive(Deserialize)]
struct VulnId {
    text: String,
}

#[derive(Deserialize)]
struct Cwe {
    #[serde(default, deserialize_with = "null_default")]
    id: String,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
}

#[derive(Deserialize)]
struct Note {
    #[serde(default, deserialize_with = "null_default")]
    category: String,
    #[serde(default, deserialize_with = "null_default")]
    text: String,
}

#[derive(Deserialize, Default)]
struct ProductStatus {
    #[serde(default, deserialize_with = "null_default")]
    known_affected: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    first_affected: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    last_affected: Vec<String>,
}

#[derive(Deserialize)]
struct Score {
    #[serde(default, deserialize_with = "null_default")]
    products: Vec<String>,
    #[serde(default)]
    cvss_v3: Option<CvssV3>,
}

/// A CSAF 2.1 `metrics` entry.
#[derive(Deserialize)]
struct Metric {
    #[serde(default, deserialize_with = "null_default")]
    products: Vec<String>,
    #[serde(default)]
    content: Option<MetricContent>,
}

#[derive(Deserialize)]
struct MetricContent {
    #[serde(default)]
    cvss_v3: Option<CvssV3>,
    #[serde(default)]
    cvss_v4: Option<CvssV3>,
}

/// A CSAF 2.1 `first_known_exploitation_dates` entry.
#[derive(Deserialize)]
struct Exploitation {
    #[serde(default)]
    exploitation_date: Option<String>,
}

#[derive(Deserialize)]
struct CvssV3 {
    #[serde(rename = "vectorString")]
    vector_string: String,
}

#[derive(Deserialize)]
struct RemediationRaw {
    category: String,
    #[serde(default, deserialize_with = "null_default")]
    details: String,
    #[serde(default, deserialize_with = "null_default")]
    product_ids: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    group_ids: Vec<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    restart_required: Option<RestartRequired>,
}

#[derive(Deserialize)]
struct RestartRequired {
    category: String,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(default, deserialize_with = "null_default")]
    url: String,
    #[serde(default, deserialize_with = "null_default")]
    summary: String,
}

/// One product of the advisory's product tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// CSAF product id (`CSAFPID-0001`).
    pub id: String,
    /// Vendor branch name (`Schneider Electric `), or empty when the tree gives none.
    pub vendor: String,
    /// Product name branch (`Modicon M340 CPU (part numbers BMXP34*)`).
    pub product: String,
    /// Version or range text (`< SV3.51`), or `None` when no version branch is given.
    pub version: Option<String>,
    /// The full product name (`Modicon M340 CPU (part numbers BMXP34*): < SV3.51`).
    pub full_name: String,
}

/// What a remediation is (CSAF 2.0 §3.2.3.12.1, plus 2.1's `fix_planned` and
/// `optional_patch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Category {
    /// A fix from the vendor.
    VendorFix,
    /// A change that reduces the risk without fixing.
    Mitigation,
    /// A configuration or use change that avoids the flaw.
    Workaround,
    /// No fix is available.
    NoneAvailable,
    /// No fix is planned.
    NoFixPlanned,
    /// A fix is planned.
    FixPlanned,
    /// An optional patch.
    OptionalPatch,
    /// Something else.
    Other(String),
}

impl Category {
    fn parse(s: &str) -> Self {
        match s {
            "vendor_fix" => Category::VendorFix,
            "mitigation" => Category::Mitigation,
            "workaround" => Category::Workaround,
            "none_available" => Category::NoneAvailable,
            "no_fix_planned" => Category::NoFixPlanned,
            "fix_planned" => Category::FixPlanned,
            "optional_patch" => Category::OptionalPatch,
            other => Category::Other(other.to_string()),
        }
    }
    /// The CSAF name.
    pub fn name(&self) -> &str {
        match self {
            Category::VendorFix => "vendor_fix",
            Category::Mitigation => "mitigation",
            Category::Workaround => "workaround",
            Category::NoneAvailable => "none_available",
            Category::NoFixPlanned => "no_fix_planned",
            Category::FixPlanned => "fix_planned",
            Category::OptionalPatch => "optional_patch",
            Category::Other(s) => s,
        }
    }
}

/// One remediation of a vulnerability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remediation {
    /// What it is.
    pub category: Category,
    /// The advisory's words.
    pub details: String,
    /// Products it applies to (groups expanded); empty means every affected product.
    pub product_ids: Vec<String>,
    /// Link, if any.
    pub url: Option<String>,
    /// CSAF `restart_required.category`, if given.
    pub restart_required: Option<String>,
}

/// One vulnerability of an advisory.
#[derive(Clone, Debug, PartialEq)]
pub struct Vulnerability {
    /// The CVE id, or another id the advisory gives (`ids[0].text`), or `<tracking id>-V<n>`.
    pub id: String,
    /// Whether `id` is a CVE id.
    pub is_cve: bool,
    /// The vulnerability's own title, if it has one (other than its id).
    pub title: Option<String>,
    /// CWE name and id, e.g. `Improper Access Control (CWE-284)`.
    pub cwe: Option<String>,
    /// First sentence of the `summary` note.
    pub summary: Option<String>,
    /// Affected product ids (`known_affected`, `first_affected`, `last_affected`).
    pub affected: Vec<String>,
    /// CVSS v3 vector, checked with the `cvss` crate (all eight base metrics present).
    pub cvss_v3: Option<String>,
    /// Base score of `cvss_v3`.
    pub cvss_v3_score: Option<f64>,
    /// A vector that was given but rejected, and why.
    pub cvss_problem: Option<String>,
    /// CVSS v4 vectors seen in reference URLs or notes (not used: the scenario takes v3).
    pub cvss_v4_seen: Vec<String>,
    /// The CVSS v4 vector: from a CSAF 2.1 `metrics[].content.cvss_v4` block, else the first
    /// well-formed one of `cvss_v4_seen` (a calculator URL); shape-checked by [`crate::cvss4`].
    pub cvss_v4: Option<String>,
    /// The earliest `first_known_exploitation_dates[].exploitation_date` (CSAF 2.1), as
    /// `YYYY-MM-DD`.
    pub first_known_exploitation: Option<String>,
    /// Remediations.
    pub remediations: Vec<Remediation>,
}

/// A parsed advisory.
#[derive(Clone, Debug, PartialEq)]
pub struct Advisory {
    /// Tracking id (`ICSA-23-201-01`).
    pub id: String,
    /// Document title.
    pub title: String,
    /// Publisher name.
    pub publisher: String,
    /// `csaf_version`.
    pub csaf_version: String,
    /// Tracking version (revision).
    pub revision: Option<String>,
    /// First release date (date part).
    pub initial_release: Option<String>,
    /// Current release date (date part).
    pub current_release: Option<String>,
    /// Products of the product tree.
    pub products: Vec<Product>,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Things noticed and skipped while reading.
    pub notes: Vec<String>,
}

impl Advisory {
    /// The product with this id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }
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

fn date_part(s: Option<String>) -> Option<String> {
    s.map(|d| d.chars().take(10).collect())
}

/// Reads one advisory.
pub fn parse(text: &str) -> Result<Advisory, CsafError> {
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
    let doc: Doc = serde_path_to_error::deserialize(&value).map_err(|e| CsafError::Field {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    if !doc.document.csaf_version.starts_with("2.") {
        return Err(CsafError::NotCsaf(format!(
            "csaf_version is `{}`; this importer reads CSAF 2.x",
            doc.document.csaf_version
        )));
    }
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

    let mut products = Vec::new();
    for b in &tree.branches {
        walk(b, &Path::default(), &mut products);
    }
    for f in &tree.full_product_names {
        products.push(from_full_name(f));
    }
    let by_id: BTreeMap<String, usize> = products
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    for r in &tree.relationships {
        // "A installed on B": the vulnerable part is the referenced product.
        match by_id
            .get(&r.product_reference)
            .map(|&i| products[i].clone())
        {
            Some(base) => products.push(Product {
                id: r.full_product_name.product_id.clone(),
                full_name: r.full_product_name.name.clone(),
                ..base
            }),
            None => notes.push(format!(
                "relationship `{}` refers to unknown product `{}`",
                r.full_product_name.product_id, r.product_reference
            )),
        }
    }
    let groups: BTreeMap<&str, &[String]> = tree
        .product_groups
        .iter()
        .map(|g| (g.group_id.as_str(), g.product_ids.as_slice()))
        .collect();
    let known: BTreeSet<&str> = products.iter().map(|p| p.id.as_str()).collect();

    let doc_v4: Vec<String> = doc
        .document
        .references
        .iter()
        .flat_map(|r| {
            crate::cvss4::vectors_in(&r.url)
                .into_iter()
                .chain(crate::cvss4::vectors_in(&r.summary))
        })
        .collect();

    let mut vulnerabilities = Vec::new();
    for (n, v) in doc.vulnerabilities.into_iter().enumerate() {
        let cve = v.cve.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let (vid, is_cve) = match (cve, v.ids.first()) {
            (Some(c), _) => (c.to_string(), true),
            (None, Some(i)) if !i.text.trim().is_empty() => (i.text.trim().to_string(), false),
            _ => (format!("{id}-V{}", n + 1), false),
        };
        let status = v.product_status.unwrap_or_default();
        let mut affected: Vec<String> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for p in status
            .known_affected
            .iter()
            .chain(&status.first_affected)
            .chain(&status.last_affected)
        {
            if seen.insert(p.clone()) {
                affected.push(p.clone());
            }
        }
        if affected.is_empty() {
            // No status: the products scored or remediated are the affected ones.
            for p in v
                .scores
                .iter()
                .flat_map(|s| &s.products)
                .chain(v.metrics.iter().flat_map(|m| &m.products))
                .chain(v.remediations.iter().flat_map(|r| &r.product_ids))
            {
                if seen.insert(p.clone()) {
                    affected.push(p.clone());
                }
            }
            if !affected.is_empty() {
                notes.push(format!(
                    "{vid}: no product_status; taking the scored and remediated products as affected"
                ));
            }
        }
        let unknown: Vec<&String> = affected
            .iter()
            .filter(|p| !known.contains(p.as_str()))
            .collect();
        if let Some(first) = unknown.first() {
            notes.push(format!(
                "{vid}: {} affected product id(s) not in the product tree (first: `{first}`)",
                unknown.len()
            ));
        }
        // The CVSS v3 vector: the highest-scoring valid one among the scores.
        let mut cvss_v3: Option<(String, f64)> = None;
        let mut cvss_problem = None;
        let metric_content = v.metrics.iter().filter_map(|m| m.content.as_ref());
        let v3_given = v
            .scores
            .iter()
            .filter_map(|s| s.cvss_v3.as_ref())
            .chain(metric_content.clone().filter_map(|c| c.cvss_v3.as_ref()));
        for c in v3_given {
            let vector = c.vector_string.trim();
            match check_cvss_v3(vector) {
                Ok(score) => {
                    if cvss_v3.as_ref().is_none_or(|(_, best)| score > *best) {
                        cvss_v3 = Some((vector.to_string(), score));
                    }
                }
                Err(e) => cvss_problem = Some(format!("CVSS v3 vector `{vector}` rejected: {e}")),
            }
        }
        let mut cvss_v4_seen: Vec<String> = v
            .references
            .iter()
            .flat_map(|r| {
                crate::cvss4::vectors_in(&r.url)
                    .into_iter()
                    .chain(crate::cvss4::vectors_in(&r.summary))
            })
            .chain(
                v.notes
                    .iter()
                    .flat_map(|n| crate::cvss4::vectors_in(&n.text)),
            )
            .collect();
        cvss_v4_seen.extend(doc_v4.iter().cloned());
        cvss_v4_seen.sort();
        cvss_v4_seen.dedup();
        let cvss_v4 = metric_content
            .filter_map(|c| c.cvss_v4.as_ref())
            .map(|c| c.vector_string.trim().to_string())
            .chain(cvss_v4_seen.iter().cloned())
            .find(|vector| crate::cvss4::check(vector).is_ok());
        let first_known_exploitation = v
            .first_known_exploitation_dates
            .iter()
            .filter_map(|e| date_part(e.exploitation_date.clone()))
            .filter(|d| !d.trim().is_empty())
            .min();
        let remediations = v
            .remediations
            .into_iter()
            .map(|r| {
                let mut ids = r.product_ids;
                for g in &r.group_ids {
                    match groups.get(g.as_str()) {
                        Some(members) => ids.extend(members.iter().cloned()),
                        None => notes.push(format!("{vid}: unknown product group `{g}`")),
                    }
                }
                let mut seen_ids = BTreeSet::new();
                ids.retain(|x| seen_ids.insert(x.clone()));
                Remediation {
                    category: Category::parse(&r.category),
                    details: r.details.trim().to_string(),
                    product_ids: ids,
                    url: r.url,
                    restart_required: r.restart_required.map(|x| x.category),
                }
            })
            .collect();
        let summary_title = v
            .notes
            .iter()
            .find(|n| n.category == "summary")
            .map(|n| first_sentence(&n.text));
        let title = v
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && *t != vid);
        let cwe = v
            .cwe
            .as_ref()
            .filter(|c| !c.name.trim().is_empty())
            .map(|c| {
                if c.id.is_empty() {
                    c.name.trim().to_string()
                } else {
                    format!("{} ({})", c.name.trim(), c.id.trim())
                }
            });
        vulnerabilities.push(Vulnerability {
            id: vid,
            is_cve,
            title,
            cwe,
            summary: summary_title,
            affected,
            cvss_v3_score: cvss_v3.as_ref().map(|c| c.1),
            cvss_v3: cvss_v3.map(|c| c.0),
            cvss_problem,
            cvss_v4_seen,
            cvss_v4,
            first_known_exploitation,
            remediations,
        });
    }
    Ok(Advisory {
        id,
        title: doc.document.title.trim().to_string(),
        publisher: doc.document.publisher.map(|p| p.name).unwrap_or_default(),
        csaf_version: doc.document.csaf_version,
        revision: doc.document.tracking.version,
        initial_release: date_part(doc.document.tracking.initial_release_date),
        current_release: date_part(doc.document.tracking.current_release_date),
        products,
        vulnerabilities,
        notes,
    })
}

/// The first sentence of a text, at most 160 characters.
fn first_sentence(s: &str) -> String {
    let s = s.trim();
    let end = s.find(". ").map_or(s.len(), |i| i + 1);
    let mut out: String = s[..end].chars().take(160).collect();
    if s[..end].chars().count() > 160 {
        out.push('…');
    }
    out
}

#[derive(Default, Clone)]
struct Path {
    vendor: Option<String>,
    family: Option<String>,
    product: Option<String>,
    version: Option<String>,
}

fn walk(b: &Branch, path: &Path, out: &mut Vec<Product>) {
    let mut p = path.clone();
    match b.category.as_str() {
        "vendor" => p.vendor = Some(b.name.clone()),
        "product_family" => p.family = Some(b.name.clone()),
        "product_name" => p.product = Some(b.name.clone()),
        "product_version" | "product_version_range" => p.version = Some(b.name.clone()),
        _ => {} // architecture, language, patch_level, …: not used for matching
    }
    if let Some(fp) = &b.product {
        let mut product = from_full_name(fp);
        if let Some(v) = &p.vendor {
            product.vendor = v.clone();
        }
        if let Some(name) = p.product.as_ref().or(p.family.as_ref()) {
            product.product = name.clone();
        }
        if p.version.is_some() {
            product.version = p.version.clone();
        }
        out.push(product);
    }
    for c in &b.branches {
        walk(c, &p, out);
    }
}

/// A product from its full name alone: vendor, product and version from a CPE when there is
/// one, else the name before `:` and the version after it.
fn from_full_name(f: &FullProductName) -> Product {
    let cpe = f
        .product_identification_helper
        .as_ref()
        .and_then(|h| h.cpe.as_deref())
        .and_then(parse_cpe);
    let (product, version) = match (&cpe, f.name.split_once(':')) {
        (Some((_, p, v)), _) => (p.clone(), v.clone()),
        (None, Some((p, v))) => (p.trim().to_string(), Some(v.trim().to_string())),
        (None, None) => (f.name.trim().to_string(), None),
    };
    Product {
        id: f.product_id.clone(),
        vendor: cpe.map(|c| c.0).unwrap_or_default(),
        product,
        version,
        full_name: f.name.clone(),
    }
}

/// `cpe:2.3:a:vendor:product:version:…` → (vendor, product, version); `*` and `-` versions are
/// none.
fn parse_cpe(cpe: &str) -> Option<(String, String, Option<String>)> {
    let parts: Vec<&str> = cpe.split(':').collect();
    let (vendor, product, version) = match parts.as_slice() {
        ["cpe", "2.3", _part, vendor, product, version, ..] => (*vendor, *product, *version),
        ["cpe", rest, vendor, product, tail @ ..] if rest.starts_with('/') => {
            (*vendor, *product, tail.first().copied().unwrap_or("*"))
        }
        _ => return None,
    };
    let clean = |s: &str| s.replace('_', " ").replace("\\", "");
    Some((
        clean(vendor),
        clean(product),
        (!matches!(version, "*" | "-" | "")).then(|| version.to_string()),
    ))
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
