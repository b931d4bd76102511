//! The CSAF input as serde reads it: only the fields the import uses, each defaulting when
//! absent or `null`, so later CSAF revisions that add fields still read. Nothing here
//! interprets a value; [`super::products`] and [`super::vulns`] do.

use serde::{Deserialize, Deserializer};

pub(super) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
pub(super) struct Doc {
    pub(super) document: Document,
    #[serde(default)]
    pub(super) product_tree: Option<ProductTree>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) vulnerabilities: Vec<Vuln>,
}

#[derive(Deserialize)]
pub(super) struct Document {
    pub(super) csaf_version: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) category: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) title: String,
    pub(super) tracking: Tracking,
    #[serde(default)]
    pub(super) publisher: Option<Publisher>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) references: Vec<Reference>,
}

#[derive(Deserialize)]
pub(super) struct Publisher {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) name: String,
}

#[derive(Deserialize)]
pub(super) struct Tracking {
    pub(super) id: String,
    #[serde(default)]
    pub(super) initial_release_date: Option<String>,
    #[serde(default)]
    pub(super) current_release_date: Option<String>,
    #[serde(default)]
    pub(super) version: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ProductTree {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) branches: Vec<Branch>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) full_product_names: Vec<FullProductName>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) product_groups: Vec<ProductGroup>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) relationships: Vec<Relationship>,
}

#[derive(Deserialize)]
pub(super) struct Branch {
    pub(super) category: String,
    pub(super) name: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) branches: Vec<Branch>,
    #[serde(default)]
    pub(super) product: Option<FullProductName>,
}

#[derive(Deserialize)]
pub(super) struct FullProductName {
    pub(super) name: String,
    pub(super) product_id: String,
    #[serde(default)]
    pub(super) product_identification_helper: Option<Helper>,
}

#[derive(Deserialize)]
pub(super) struct Helper {
    #[serde(default)]
    pub(super) cpe: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ProductGroup {
    pub(super) group_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) product_ids: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Relationship {
    pub(super) full_product_name: FullProductName,
    pub(super) product_reference: String,
}

#[derive(Deserialize)]
pub(super) struct Vuln {
    #[serde(default)]
    pub(super) cve: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) ids: Vec<VulnId>,
    #[serde(default)]
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) cwe: Option<Cwe>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) notes: Vec<Note>,
    #[serde(default)]
    pub(super) product_status: Option<ProductStatus>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) scores: Vec<Score>,
    /// CSAF 2.1's replacement of `scores`.
    #[serde(default, deserialize_with = "null_default")]
    pub(super) metrics: Vec<Metric>,
    /// CSAF 2.1.
    #[serde(default, deserialize_with = "null_default")]
    pub(super) first_known_exploitation_dates: Vec<Exploitation>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) remediations: Vec<RemediationRaw>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) references: Vec<Reference>,
}

#[derive(Deserialize)]
pub(super) struct VulnId {
    pub(super) text: String,
}

#[derive(Deserialize)]
pub(super) struct Cwe {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) name: String,
}

#[derive(Deserialize)]
pub(super) struct Note {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) category: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) title: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) text: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ProductStatus {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) known_affected: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) first_affected: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) last_affected: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Score {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) products: Vec<String>,
    #[serde(default)]
    pub(super) cvss_v3: Option<CvssV3>,
}

/// A CSAF 2.1 `metrics` entry.
#[derive(Deserialize)]
pub(super) struct Metric {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) products: Vec<String>,
    #[serde(default)]
    pub(super) content: Option<MetricContent>,
}

#[derive(Deserialize)]
pub(super) struct MetricContent {
    #[serde(default)]
    pub(super) cvss_v3: Option<CvssV3>,
    #[serde(default)]
    pub(super) cvss_v4: Option<CvssV3>,
}

/// A CSAF 2.1 `first_known_exploitation_dates` entry.
#[derive(Deserialize)]
pub(super) struct Exploitation {
    #[serde(default)]
    pub(super) exploitation_date: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct CvssV3 {
    #[serde(rename = "vectorString")]
    pub(super) vector_string: String,
}

#[derive(Deserialize)]
pub(super) struct RemediationRaw {
    pub(super) category: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) details: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) product_ids: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) group_ids: Vec<String>,
    #[serde(default)]
    pub(super) url: Option<String>,
    #[serde(default)]
    pub(super) restart_required: Option<RestartRequired>,
}

#[derive(Deserialize)]
pub(super) struct RestartRequired {
    pub(super) category: String,
}

#[derive(Deserialize)]
pub(super) struct Reference {
    #[serde(default, deserialize_with = "null_default")]
    pub(super) url: String,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) summary: String,
}
