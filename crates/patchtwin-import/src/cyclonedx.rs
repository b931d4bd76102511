//! CycloneDX 1.5 / 1.6 JSON bills of materials, as an asset's software inventory.
//!
//! Every component (the `metadata.component` describing the product itself, `components`, and
//! their nested `components`) of a software-like type — `application`, `framework`, `library`,
//! `container`, `platform`, `operating-system`, `device-driver`, `firmware` — becomes one
//! inventory entry `{vendor, product, version}`: the product is the component's `name`, the
//! version its `version`, the vendor the first of `supplier.name`, `manufacturer.name`,
//! `publisher`, `author`, `group`, the CPE's vendor, the package URL's namespace (and, for the
//! metadata component, the BOM's `metadata.supplier`/`manufacturer`). Components without a
//! version or a vendor, and hardware (`device`), files and data, are listed as skipped with the
//! reason. Earlier spec versions (1.2–1.4) read the same way and are noted. A BOM of more than
//! [`MAX_COMPONENTS`] components is rejected whole, never read in part.

use serde::{Deserialize, Deserializer};
use std::collections::HashSet;

/// Largest BOM accepted, in bytes.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Most components (at any nesting depth, duplicates included) a BOM may hold. A BOM with more
/// is rejected as a whole rather than read in part: an inventory silently cut short would
/// make the plant look unaffected by what the missing components carry.
pub const MAX_COMPONENTS: usize = 100_000;

/// Why a BOM was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BomError {
    /// Too big.
    #[error("the file is {0} bytes; the largest accepted BOM is {MAX_BYTES} bytes")]
    TooLarge(usize),
    /// Not JSON.
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// JSON, but not a CycloneDX BOM.
    #[error("{0}")]
    NotCycloneDx(String),
    /// More components than [`MAX_COMPONENTS`].
    #[error(
        "the BOM has more than {MAX_COMPONENTS} components; the largest accepted BOM has {MAX_COMPONENTS} (nothing was imported: split the BOM per asset or firmware image)"
    )]
    TooManyComponents,
    /// A CycloneDX field of the wrong shape.
    #[error("`{path}`: {message}")]
    Field {
        /// Field path.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct Raw {
    #[serde(rename = "specVersion")]
    spec_version: String,
    #[serde(rename = "serialNumber", default)]
    serial_number: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default, deserialize_with = "null_default")]
    components: Vec<Comp>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    component: Option<Comp>,
    #[serde(default)]
    supplier: Option<Org>,
    #[serde(default)]
    manufacturer: Option<Org>,
    #[serde(default)]
    manufacture: Option<Org>,
}

#[derive(Deserialize)]
struct Org {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Comp {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    supplier: Option<Org>,
    #[serde(default)]
    manufacturer: Option<Org>,
    #[serde(default)]
    cpe: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    components: Vec<Comp>,
}

/// One software item read from the BOM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Vendor.
    pub vendor: String,
    /// Product (the component's name).
    pub product: String,
    /// Version.
    pub version: String,
    /// CycloneDX component type.
    pub kind: String,
}

/// A read BOM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bom {
    /// `specVersion`.
    pub spec_version: String,
    /// `serialNumber`, if any.
    pub serial_number: Option<String>,
    /// The product the BOM describes (`metadata.component`), as `name version`.
    pub subject: Option<String>,
    /// Software items, in document order, without duplicates.
    pub items: Vec<Item>,
    /// Components not taken, with the reason.
    pub skipped: Vec<String>,
    /// Remarks (e.g. an older spec version).
    pub notes: Vec<String>,
}

const SOFTWARE: &[&str] = &[
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device-driver",
    "firmware",
];

/// Reads a CycloneDX JSON BOM.
pub fn parse(text: &str) -> Result<Bom, BomError> {
    if text.len() > MAX_BYTES {
        return Err(BomError::TooLarge(text.len()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| BomError::Syntax(e.to_string()))?;
    let format = value.get("bomFormat").and_then(|f| f.as_str());
    if format != Some("CycloneDX") {
        return Err(BomError::NotCycloneDx(match format {
            Some(f) => format!("bomFormat is `{f}`; expected `CycloneDX`"),
            None => "no `bomFormat: \"CycloneDX\"`: this is not a CycloneDX JSON BOM (SPDX and XML BOMs are not read)".into(),
        }));
    }
    let raw: Raw = serde_path_to_error::deserialize(&value).map_err(|e| BomError::Field {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    let mut notes = Vec::new();
    match raw.spec_version.as_str() {
        "1.5" | "1.6" => {}
        "1.2" | "1.3" | "1.4" => notes.push(format!(
            "specVersion {} (older than 1.5): read with the same fields",
            raw.spec_version
        )),
        other => {
            return Err(BomError::NotCycloneDx(format!(
                "specVersion `{other}`; this importer reads CycloneDX 1.2 to 1.6"
            )));
        }
    }
    let mut reader = Reader {
        bom: Bom {
            spec_version: raw.spec_version,
            serial_number: raw.serial_number,
            subject: None,
            items: Vec::new(),
            skipped: Vec::new(),
            notes,
        },
        seen: HashSet::new(),
        components: 0,
    };
    if let Some(meta) = &raw.metadata {
        let fallback = [&meta.supplier, &meta.manufacturer, &meta.manufacture]
            .into_iter()
            .flatten()
            .find_map(|o| o.name.clone().filter(|n| !n.trim().is_empty()));
        if let Some(c) = &meta.component {
            reader.bom.subject = Some(
                format!("{} {}", c.name, c.version.as_deref().unwrap_or(""))
                    .trim()
                    .to_string(),
            );
            reader.take(c, fallback.as_deref())?;
        }
    }
    for c in &raw.components {
        reader.take(c, None)?;
    }
    Ok(reader.bom)
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
}

/// Walks the components into a [`Bom`], dropping duplicates with a set lookup (a scan of the
/// items read so far made a 100,000-component BOM take tens of seconds).
struct Reader {
    bom: Bom,
    /// `(vendor, product, version)` of every item taken, ASCII-lowercased.
    seen: HashSet<(String, String, String)>,
    /// Components visited so far, duplicates and skipped ones included.
    components: usize,
}

impl Reader {
    fn take(&mut self, c: &Comp, fallback_vendor: Option<&str>) -> Result<(), BomError> {
        self.components += 1;
        if self.components > MAX_COMPONENTS {
            return Err(BomError::TooManyComponents);
        }
        let label = format!("{} {}", c.name, c.version.as_deref().unwrap_or(""))
            .trim()
            .to_string();
        let bom = &mut self.bom;
        if !SOFTWARE.contains(&c.kind.as_str()) {
            bom.skipped
                .push(format!("{label}: type `{}` is not software", c.kind));
        } else if let Some(version) = nonempty(&c.version) {
            let vendor = nonempty(&c.supplier.as_ref().and_then(|o| o.name.clone()))
                .or_else(|| nonempty(&c.manufacturer.as_ref().and_then(|o| o.name.clone())))
                .or_else(|| nonempty(&c.publisher))
                .or_else(|| nonempty(&c.author))
                .or_else(|| nonempty(&c.group))
                .or_else(|| c.cpe.as_deref().and_then(cpe_vendor))
                .or_else(|| c.purl.as_deref().and_then(purl_namespace))
                .or_else(|| fallback_vendor.map(str::to_string));
            match vendor {
                Some(vendor) if !c.name.trim().is_empty() => {
                    let item = Item {
                        vendor,
                        product: c.name.trim().to_string(),
                        version,
                        kind: c.kind.clone(),
                    };
                    let key = (
                        item.vendor.to_ascii_lowercase(),
                        item.product.to_ascii_lowercase(),
                        item.version.to_ascii_lowercase(),
                    );
                    if self.seen.insert(key) {
                        bom.items.push(item);
                    }
                }
                Some(_) => bom.skipped.push("a component without a name".into()),
                None => bom.skipped.push(format!(
                    "{label}: no vendor (supplier, manufacturer, publisher, author, group, cpe or purl)"
                )),
            }
        } else {
            bom.skipped.push(format!("{label}: no version"));
        }
        for child in &c.components {
            self.take(child, None)?;
        }
        Ok(())
    }
}

fn cpe_vendor(cpe: &str) -> Option<String> {
    let parts: Vec<&str> = cpe.split(':').collect();
    let v = match parts.as_slice() {
        ["cpe", "2.3", _, vendor, ..] => *vendor,
        ["cpe", part, vendor, ..] if part.starts_with('/') => *vendor,
        _ => return None,
    };
    (!matches!(v, "*" | "-" | "")).then(|| v.replace('_', " "))
}

fn purl_namespace(purl: &str) -> Option<String> {
    let rest = purl.strip_prefix("pkg:")?;
    let path = rest.split(['@', '?', '#']).next()?;
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 3 {
        return None;
    }
    parts.remove(0); // type
    parts.pop(); // name
    let ns = parts.join("/");
    (!ns.is_empty()).then_some(ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_fallbacks() {
        assert_eq!(
            cpe_vendor("cpe:2.3:a:wibu:codemeter_runtime:7.60c:*:*:*:*:*:*:*"),
            Some("wibu".into())
        );
        assert_eq!(
            purl_namespace("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            Some("org.apache.logging.log4j".into())
        );
        assert_eq!(purl_namespace("pkg:npm/lodash@4.17.21"), None);
    }
}
