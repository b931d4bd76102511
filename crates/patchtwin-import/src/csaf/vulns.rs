//! One CSAF vulnerability into a [`Vulnerability`]: its id, the affected products, the CVSS
//! v3 and v4 vectors, the first known exploitation, a coordinator's SSVC note, the remediations (product groups
//! expanded) and the words that describe it (title, CWE, summary).

use super::raw::{Reference, Vuln};
use super::types::{Category, Remediation, Vulnerability};
use super::{check_cvss_v3, date_part};
use std::collections::{BTreeMap, BTreeSet};

/// What every vulnerability of one advisory is read against.
pub(super) struct Context<'a> {
    /// The advisory's tracking id (for vulnerabilities without an id of their own).
    pub(super) advisory_id: &'a str,
    /// Product ids the product tree defines.
    pub(super) known: BTreeSet<&'a str>,
    /// Product groups by id.
    pub(super) groups: BTreeMap<&'a str, &'a [String]>,
    /// CVSS v4 vectors the document's own references carry.
    pub(super) doc_v4: Vec<String>,
}

/// CVSS v4 vectors in references' URLs and summaries.
pub(super) fn v4_in_references(refs: &[Reference]) -> impl Iterator<Item = String> + '_ {
    refs.iter().flat_map(|r| {
        crate::cvss4::vectors_in(&r.url)
            .into_iter()
            .chain(crate::cvss4::vectors_in(&r.summary))
    })
}

/// Reads the `n`th vulnerability (from 0); what is skipped goes to `notes`.
pub(super) fn read(v: Vuln, n: usize, cx: &Context, notes: &mut Vec<String>) -> Vulnerability {
    let cve = v.cve.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let (vid, is_cve) = match (cve, v.ids.first()) {
        (Some(c), _) => (c.to_string(), true),
        (None, Some(i)) if !i.text.trim().is_empty() => (i.text.trim().to_string(), false),
        _ => (format!("{}-V{}", cx.advisory_id, n + 1), false),
    };
    let affected = affected(&v, &vid, cx, notes);
    let (cvss_v3, cvss_problem) = best_v3(&v);
    let (cvss_v4_seen, cvss_v4) = v4(&v, cx);
    let first_known_exploitation = v
        .first_known_exploitation_dates
        .iter()
        .filter_map(|e| date_part(e.exploitation_date.clone()))
        .filter(|d| !d.trim().is_empty())
        .min();
    let summary = v
        .notes
        .iter()
        .find(|n| n.category == "summary")
        .map(|n| first_sentence(&n.text));
    let title = v
        .title
        .as_ref()
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
    let ssvc = ssvc_note(&v, &vid, notes);
    let remediations = remediations(v, &vid, cx, notes);
    Vulnerability {
        id: vid,
        is_cve,
        title,
        cwe,
        summary,
        affected,
        cvss_v3_score: cvss_v3.as_ref().map(|c| c.1),
        cvss_v3: cvss_v3.map(|c| c.0),
        cvss_problem,
        cvss_v4_seen,
        cvss_v4,
        first_known_exploitation,
        ssvc,
        remediations,
    }
}

/// The coordinator's SSVC vector of a vulnerability note titled `SSVC` (CISA's advisories:
/// category `details`, text `SSVCv2/E:N/A:N/T:P/2025-10-23T13:56:04Z/`), when it reads as
/// one; a note that does not is left out and said in `notes`.
fn ssvc_note(v: &Vuln, vid: &str, notes: &mut Vec<String>) -> Option<String> {
    let n = v.notes.iter().find(|n| {
        n.title.trim().eq_ignore_ascii_case("ssvc") || n.text.trim_start().starts_with("SSVCv2/")
    })?;
    match patchtwin_scenario::validate::parse_ssvc_vector(&n.text) {
        Ok(parsed) => Some(parsed.vector),
        Err(why) => {
            notes.push(format!("{vid}: SSVC note left out: {why}"));
            None
        }
    }
}

/// The affected product ids (`known_affected`, `first_affected`, `last_affected`), or, with no
/// status, the products scored or remediated.
fn affected(v: &Vuln, vid: &str, cx: &Context, notes: &mut Vec<String>) -> Vec<String> {
    let status = v.product_status.as_ref();
    let mut affected: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for p in status.into_iter().flat_map(|s| {
        s.known_affected
            .iter()
            .chain(&s.first_affected)
            .chain(&s.last_affected)
    }) {
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
        .filter(|p| !cx.known.contains(p.as_str()))
        .collect();
    if let Some(first) = unknown.first() {
        notes.push(format!(
            "{vid}: {} affected product id(s) not in the product tree (first: `{first}`)",
            unknown.len()
        ));
    }
    affected
}

/// The highest-scoring valid CVSS v3 vector among the scores and 2.1 metrics, with its score;
/// and the last rejected vector with why.
fn best_v3(v: &Vuln) -> (Option<(String, f64)>, Option<String>) {
    let mut best: Option<(String, f64)> = None;
    let mut problem = None;
    let given = v.scores.iter().filter_map(|s| s.cvss_v3.as_ref()).chain(
        v.metrics
            .iter()
            .filter_map(|m| m.content.as_ref())
            .filter_map(|c| c.cvss_v3.as_ref()),
    );
    for c in given {
        let vector = c.vector_string.trim();
        match check_cvss_v3(vector) {
            Ok(score) => {
                if best.as_ref().is_none_or(|(_, b)| score > *b) {
                    best = Some((vector.to_string(), score));
                }
            }
            Err(e) => problem = Some(format!("CVSS v3 vector `{vector}` rejected: {e}")),
        }
    }
    (best, problem)
}

/// CVSS v4 vectors seen in references and notes (sorted, deduplicated), and the one used: a
/// 2.1 `metrics[].content.cvss_v4` block first, else the first well-formed one seen.
fn v4(v: &Vuln, cx: &Context) -> (Vec<String>, Option<String>) {
    let mut seen: Vec<String> = v4_in_references(&v.references)
        .chain(
            v.notes
                .iter()
                .flat_map(|n| crate::cvss4::vectors_in(&n.text)),
        )
        .collect();
    seen.extend(cx.doc_v4.iter().cloned());
    seen.sort();
    seen.dedup();
    let chosen = v
        .metrics
        .iter()
        .filter_map(|m| m.content.as_ref())
        .filter_map(|c| c.cvss_v4.as_ref())
        .map(|c| c.vector_string.trim().to_string())
        .chain(seen.iter().cloned())
        .find(|vector| crate::cvss4::check(vector).is_ok());
    (seen, chosen)
}

/// The remediations, with product groups expanded into their members (each id once).
fn remediations(v: Vuln, vid: &str, cx: &Context, notes: &mut Vec<String>) -> Vec<Remediation> {
    v.remediations
        .into_iter()
        .map(|r| {
            let mut ids = r.product_ids;
            for g in &r.group_ids {
                match cx.groups.get(g.as_str()) {
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
        .collect()
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
