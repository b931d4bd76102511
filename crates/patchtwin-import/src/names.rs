//! Vendor and product names as advisories and inventories write them.
//!
//! Matching is deliberately plain, so that a user can predict it and fix an inventory entry
//! when it misses:
//!
//! - **vendors** match when their words agree after dropping case, punctuation, parenthesised
//!   parts and company suffixes (`Schneider Electric Software, LLC` = `Schneider Electric`),
//!   when one's words start the other's (`Rockwell` = `Rockwell Automation`), or when one is the
//!   abbreviation in the other's parentheses (`General Electric (GE)` = `GE`);
//! - **products** match when they are equal after dropping case, spaces and punctuation,
//!   parenthesised parts (`(part numbers BMEP*)`), the vendor's name in front, and the words
//!   `CPU`, `series`, `firmware`, `software` (`Modicon M580 CPU (part numbers BMEP* and BMEH*)`
//!   = `Modicon M580`; `Factory Talk Activation Manager` = `FactoryTalk Activation Manager`).
//!   A product family does not match its members (`SIMATIC WinCC` is not `SIMATIC WinCC OA`).

const COMPANY_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "kg",
    "co",
    "corp",
    "corporation",
    "company",
    "sa",
    "se",
    "plc",
    "bv",
    "nv",
    "oy",
    "ab",
    "spa",
    "srl",
    "software",
];

const PRODUCT_NOISE: &[&str] = &["cpu", "cpus", "series", "firmware", "software"];

/// Lowercase alphanumeric words of `s`, with parenthesised parts removed.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => cur.extend(c.to_lowercase()),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Text inside the first parentheses, if any (`General Electric (GE)` → `ge`).
fn parenthesised(s: &str) -> Option<String> {
    let start = s.find('(')?;
    let end = s[start..].find(')')? + start;
    let inner: String = s[start + 1..end]
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    (!inner.is_empty()).then_some(inner)
}

/// The words that identify a vendor.
pub fn vendor_key(s: &str) -> Vec<String> {
    let mut w = words(s);
    while w.len() > 1
        && w.last()
            .is_some_and(|l| COMPANY_SUFFIXES.contains(&l.as_str()))
    {
        w.pop();
    }
    w
}

/// Whether two vendor names denote the same vendor.
pub fn same_vendor(a: &str, b: &str) -> bool {
    let (ka, kb) = (vendor_key(a), vendor_key(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    let n = ka.len().min(kb.len());
    if ka[..n] == kb[..n] {
        return true;
    }
    let joined = |k: &[String]| k.concat();
    parenthesised(a).is_some_and(|p| p == joined(&kb))
        || parenthesised(b).is_some_and(|p| p == joined(&ka))
        || joined(&ka) == joined(&kb)
}

/// The comparable form of a product name, given its vendor.
pub fn product_key(vendor: &str, product: &str) -> String {
    let mut w = words(product);
    let v = words(vendor);
    // Drop the vendor's name when the product repeats it in front.
    for n in (1..=v.len()).rev() {
        if w.len() > n && w[..n] == v[..n] {
            w.drain(..n);
            break;
        }
    }
    w.retain(|x| !PRODUCT_NOISE.contains(&x.as_str()));
    w.concat()
}

/// Whether inventory `(vendor, product)` is advisory `(vendor, product)`.
pub fn same_product(vendor_a: &str, product_a: &str, vendor_b: &str, product_b: &str) -> bool {
    if !same_vendor(vendor_a, vendor_b) {
        return false;
    }
    let (ka, kb) = (
        product_key(vendor_a, product_a),
        product_key(vendor_b, product_b),
    );
    !ka.is_empty() && ka == kb
}

/// A short id-friendly form of a name: lowercase words joined by `-`, at most `max` bytes.
pub fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty() && *w != ".")
    {
        let w = w.trim_matches('.').to_ascii_lowercase();
        if w.is_empty() {
            continue;
        }
        if out.len() + w.len() + 1 > max && !out.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w);
    }
    out.truncate(max);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "x".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors() {
        assert!(same_vendor(
            "Schneider Electric Software, LLC",
            "Schneider Electric"
        ));
        assert!(same_vendor("Schneider Electric ", "schneider electric"));
        assert!(same_vendor("General Electric (GE)", "GE"));
        assert!(same_vendor("OSIsoft LLC", "OSIsoft"));
        assert!(same_vendor("Honeywell ", "Honeywell"));
        assert!(same_vendor("Rockwell", "Rockwell Automation"));
        assert!(!same_vendor("Siemens", "Schneider Electric"));
        assert!(!same_vendor("", "Siemens"));
    }

    #[test]
    fn products() {
        let se = "Schneider Electric";
        assert!(same_product(
            se,
            "Modicon M580",
            "Schneider Electric ",
            "Modicon M580 CPU (part numbers BMEP* and BMEH*)"
        ));
        assert!(!same_product(
            se,
            "Modicon M580",
            se,
            "Modicon M580 CPU Safety (part numbers BMEP58*S and BMEH58*S)"
        ));
        assert!(same_product(
            "Rockwell Automation",
            "FactoryTalk Activation Manager",
            "Rockwell Automation",
            "Factory Talk Activation Manager"
        ));
        assert!(same_product("Moxa", "EDR-G903", "Moxa", "EDR-G903 Series"));
        assert!(!same_product(
            "Siemens",
            "SIMATIC WinCC OA",
            "Siemens",
            "SIMATIC WinCC"
        ));
        assert!(same_product(
            "Rockwell Automation",
            "ControlLogix 5570",
            "Rockwell Automation",
            "Rockwell Automation ControlLogix 5570"
        ));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Modicon M580 CPU (part numbers BMEP*)", 24),
            "modicon-m580-cpu-part"
        );
        assert_eq!(slug("***", 10), "x");
        assert_eq!(slug("RTU500 series CMU", 40), "rtu500-series-cmu");
    }
}
