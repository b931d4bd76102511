//! The product tree: branches walked from vendor to version, full product names (with their
//! CPE when given) and relationships, flattened into [`Product`]s; product groups are
//! expanded where a remediation names them ([`super::vulns`]).

use super::raw::{Branch, FullProductName, ProductTree};
use super::types::Product;
use std::collections::BTreeMap;

/// Every product the tree defines, in the tree's order (branches, then full product names,
/// then relationships); a relationship to an unknown product is noted and skipped.
pub(super) fn read(tree: &ProductTree, notes: &mut Vec<String>) -> Vec<Product> {
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
    products
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
pub(super) fn parse_cpe(cpe: &str) -> Option<(String, String, Option<String>)> {
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
