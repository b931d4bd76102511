//! CVSS 4.0 vectors and CSAF 2.1 exploitation dates as advisories carry them.
//!
//! CISA's CSAF 2.0 ICS advisories give the CVSS v4 vector only inside a FIRST calculator URL
//! (`…/calculator/4.0#CVSS:4.0/AV:N/…`); CSAF 2.1 has a `metrics[].content.cvss_v4` block.
//! This module finds such vectors in text and checks them (prefix and the eleven base metrics,
//! each once, with a value the specification allows, then the `cvss` crate's parser, the one
//! the scenario's validation uses). The importer writes the vector as the scenario's `cvss`,
//! whose TTC defaults use its metrics; the v3 vector stays in the imported vulnerability's
//! notes.

/// The base metrics of CVSS 4.0 and their allowed values (FIRST CVSS v4.0 specification,
/// §2 "Base Metrics").
const BASE: &[(&str, &[&str])] = &[
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
];

/// `CVSS:4.0/…` vectors inside a text (a URL, a note), as written.
pub fn vectors_in(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("CVSS:4") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '.')))
            .unwrap_or(tail.len());
        out.push(tail[..end].to_string());
        rest = &tail[end.max(1)..];
    }
    out
}

/// Checks a CVSS 4.0 vector's shape: `CVSS:4.0/` then `metric:value` pairs, every base metric
/// present once with an allowed value; other (threat, environmental, supplemental) metrics
/// are accepted once each without checking their values.
pub fn check(vector: &str) -> Result<(), String> {
    let Some(body) = vector.trim().strip_prefix("CVSS:4.0/") else {
        return Err("does not start with `CVSS:4.0/`".into());
    };
    let mut seen: Vec<&str> = Vec::new();
    for part in body.split('/') {
        let Some((metric, value)) = part.split_once(':') else {
            return Err(format!("`{part}` is not `metric:value`"));
        };
        if seen.contains(&metric) {
            return Err(format!("metric `{metric}` given twice"));
        }
        seen.push(metric);
        if let Some((_, allowed)) = BASE.iter().find(|(m, _)| *m == metric)
            && !allowed.contains(&value)
        {
            return Err(format!(
                "`{metric}:{value}`: {metric} takes one of {}",
                allowed.join(", ")
            ));
        }
    }
    let missing: Vec<&str> = BASE
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| !seen.contains(m))
        .collect();
    if !missing.is_empty() {
        return Err(format!("base metric(s) {} missing", missing.join(", ")));
    }
    vector
        .trim()
        .parse::<cvss::v4::Vector>()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_from_calculator_urls_and_their_shape() {
        let url = "https://www.first.org/cvss/calculator/4.0#CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        let found = vectors_in(url);
        assert_eq!(
            found,
            ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"]
        );
        assert_eq!(check(&found[0]), Ok(()));
        assert_eq!(
            check("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A"),
            Ok(())
        );
        assert_eq!(
            check("CVSS:4.0/AV:N/AC:L/AT:N"),
            Err("base metric(s) PR, UI, VC, VI, VA, SC, SI, SA missing".into())
        );
        assert!(check("CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").is_err());
        assert!(check("CVSS:4.0/AV:N/AV:N").unwrap_err().contains("twice"));
        assert!(check("CVSS:3.1/AV:N").is_err());
        assert!(check("CVSS:4.0/AVN").is_err());
        // A threat metric with a value 4.0 does not define: the scenario would reject it.
        assert!(
            check("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q").is_err()
        );
    }
}
