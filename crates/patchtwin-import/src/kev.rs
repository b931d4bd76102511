//! The CISA Known Exploited Vulnerabilities catalog (`known_exploited_vulnerabilities.json`,
//! schema in `kev-data`): which CVEs are exploited in the wild, and since when.
//!
//! A vulnerability in the catalog is imported with `kev: true` and `exploit_maturity: active`,
//! and the date CISA added it goes into its title, so the exposure model's TTC defaults and a
//! reader both see it.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Largest catalog accepted, in bytes (the 2025 catalog is about 1.5 MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Why a catalog could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KevError {
    /// Too big.
    #[error("the file is {0} bytes; the largest accepted KEV catalog is {MAX_BYTES} bytes")]
    TooLarge(usize),
    /// Not the catalog's JSON shape.
    #[error("not a KEV catalog: {0}")]
    Shape(String),
}

#[derive(Deserialize)]
struct Raw {
    #[serde(rename = "catalogVersion", default)]
    catalog_version: Option<String>,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(rename = "dateAdded", default)]
    date_added: Option<String>,
    #[serde(rename = "vulnerabilityName", default)]
    name: Option<String>,
    #[serde(rename = "knownRansomwareCampaignUse", default)]
    ransomware: Option<String>,
}

/// One catalog entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// When CISA added it (`YYYY-MM-DD`).
    pub date_added: String,
    /// CISA's name for it.
    pub name: String,
    /// Known use in ransomware campaigns (`Known`).
    pub ransomware: bool,
}

/// The catalog, by CVE id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// `catalogVersion`, e.g. `2025.08.25`.
    pub version: String,
    entries: BTreeMap<String, Entry>,
}

impl Catalog {
    /// Reads the catalog JSON.
    pub fn parse(text: &str) -> Result<Catalog, KevError> {
        if text.len() > MAX_BYTES {
            return Err(KevError::TooLarge(text.len()));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: Raw =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
                .map_err(|e| {
                    let path = e.path().to_string();
                    if path == "." {
                        KevError::Shape(e.inner().to_string())
                    } else {
                        KevError::Shape(format!("`{path}`: {}", e.inner()))
                    }
                })?;
        let mut entries = BTreeMap::new();
        for e in raw.vulnerabilities {
            entries.insert(
                e.cve_id.trim().to_ascii_uppercase(),
                Entry {
                    date_added: e.date_added.unwrap_or_default(),
                    name: e.name.unwrap_or_default(),
                    ransomware: e
                        .ransomware
                        .is_some_and(|r| r.eq_ignore_ascii_case("known")),
                },
            );
        }
        Ok(Catalog {
            version: raw.catalog_version.unwrap_or_default(),
            entries,
        })
    }

    /// The entry for a CVE id (case-insensitive).
    pub fn get(&self, cve: &str) -> Option<&Entry> {
        self.entries.get(&cve.trim().to_ascii_uppercase())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
