//! The CISA Known Exploited Vulnerabilities catalog (`known_exploited_vulnerabilities.json`,
//! schema in `kev-data`): which CVEs are exploited in the wild, and since when.
//!
//! A vulnerability in the catalog is imported with `kev: true` and `exploit_maturity: active`,
//! and the date CISA added it goes into its title, so the exposure model's TTC defaults and a
//! reader both see it.
//!
//! A CVE listed twice with the same date, name and ransomware flag is read once. Listed twice
//! with different values, the catalog is rejected ([`KevError::Conflict`]): either value would
//! change the scenario (`kev`, the TTC defaults, the notes a reviewer reads), and the
//! importer cannot know which row is right, so it names both rows instead of picking one.

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
    /// One CVE listed twice with different values.
    #[error(
        "`vulnerabilities[{first}]` and `vulnerabilities[{second}]` both list {cve} with different {field} ({first_value} vs {second_value}); the catalog is ambiguous and neither row was used: remove or correct one"
    )]
    Conflict {
        /// The CVE id.
        cve: String,
        /// Index of the first row.
        first: usize,
        /// Index of the later row.
        second: usize,
        /// The field that differs (`dateAdded`, `vulnerabilityName`, `knownRansomwareCampaignUse`).
        field: &'static str,
        /// The first row's value, quoted.
        first_value: String,
        /// The later row's value, quoted.
        second_value: String,
    },
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

/// The first field two entries of one CVE disagree on, with both values quoted.
fn first_difference(a: &Entry, b: &Entry) -> Option<(&'static str, String, String)> {
    let q = |s: &str| format!("`{s}`");
    if a.date_added != b.date_added {
        Some(("dateAdded", q(&a.date_added), q(&b.date_added)))
    } else if a.name != b.name {
        Some(("vulnerabilityName", q(&a.name), q(&b.name)))
    } else if a.ransomware != b.ransomware {
        let r = |known: bool| q(if known { "Known" } else { "not Known" });
        Some((
            "knownRansomwareCampaignUse",
            r(a.ransomware),
            r(b.ransomware),
        ))
    } else {
        None
    }
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
        let mut entries: BTreeMap<String, (usize, Entry)> = BTreeMap::new();
        for (row, e) in raw.vulnerabilities.into_iter().enumerate() {
            let cve = e.cve_id.trim().to_ascii_uppercase();
            let entry = Entry {
                date_added: e.date_added.unwrap_or_default(),
                name: e.name.unwrap_or_default(),
                ransomware: e
                    .ransomware
                    .is_some_and(|r| r.eq_ignore_ascii_case("known")),
            };
            match entries.get(&cve) {
                None => {
                    entries.insert(cve, (row, entry));
                }
                Some((first, earlier)) => {
                    if let Some((field, a, b)) = first_difference(earlier, &entry) {
                        return Err(KevError::Conflict {
                            cve,
                            first: *first,
                            second: row,
                            field,
                            first_value: a,
                            second_value: b,
                        });
                    }
                }
            }
        }
        let entries = entries.into_iter().map(|(k, (_, e))| (k, e)).collect();
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
