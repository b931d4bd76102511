//! A vulnerability's `ssvc`: a coordinator's SSVC decision points in SSVC's abbreviated vector
//! form (`SSVCv2/E:A/A:Y/T:T/2025-10-23T13:56:04Z/`, the text of CISA's CSAF note titled
//! `SSVC`), checked into a `CoordinatorSsvc`.
//!
//! Not the SSVC derivation (`patchtwin-report`'s `ssvc`): this only reads what was published.

use crate::check::Ctx;
use patchtwin_model::{CoordinatorSsvc, NoteExploitation};

const EXAMPLE: &str = "expected SSVC's abbreviated vector, e.g. `SSVCv2/E:A/A:Y/T:T/2025-10-23T13:56:04Z/` \
     (E exploitation N/P/A, A automatable N/Y, T technical impact P/T, then the time assessed)";

/// The decision points patchtwin reads and their values (SSVC v2: Exploitation 1.1.0,
/// Automatable 2.0.0, Technical Impact 1.0.0).
const KNOWN: &[(&str, &str)] = &[("E", "NPA"), ("A", "NY"), ("T", "PT")];

/// Checks `text` at `path`; a malformed vector is reported and gives `None`.
pub(super) fn coordinator_ssvc(ctx: &mut Ctx, text: &str, path: &str) -> Option<CoordinatorSsvc> {
    parse(text)
        .map_err(|why| ctx.err_help(path, why, EXAMPLE.into()))
        .ok()
}

/// Reads an SSVC v2 abbreviated vector, or says what is wrong with it. Decision points other
/// than E, A and T are accepted as written (the vector may carry others) and not read; a
/// point given with several values (SSVC's "one of these") is accepted and left unknown.
pub fn parse(text: &str) -> Result<CoordinatorSsvc, String> {
    let vector = text.trim();
    let Some(body) = vector.strip_prefix("SSVCv2/") else {
        return Err(format!(
            "`{vector}` is not an SSVC v2 vector: it must start with `SSVCv2/`"
        ));
    };
    let bad = |why: String| Err(format!("SSVC vector `{vector}`: {why}"));
    let mut note = CoordinatorSsvc {
        vector: vector.to_string(),
        exploitation: None,
        automatable: None,
        technical_impact_total: None,
        assessed: None,
    };
    let mut seen: Vec<&str> = Vec::new();
    for part in body.split('/').filter(|p| !p.is_empty()) {
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            note.assessed = Some(part.to_string());
            continue;
        }
        let Some((key, value)) = part.split_once(':') else {
            return bad(format!("`{part}` is not `decision point:value`"));
        };
        if seen.contains(&key) {
            return bad(format!("decision point `{key}` given twice"));
        }
        seen.push(key);
        let Some((_, allowed)) = KNOWN.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        if value.is_empty() || !value.chars().all(|c| allowed.contains(c)) {
            let list: Vec<String> = allowed.chars().map(String::from).collect();
            return bad(format!(
                "`{key}:{value}`: {key} takes {} (several letters for \"one of these\")",
                list.join(", ")
            ));
        }
        if value.len() != 1 {
            continue;
        }
        match (key, value) {
            ("E", "N") => note.exploitation = Some(NoteExploitation::None),
            ("E", "P") => note.exploitation = Some(NoteExploitation::PublicPoc),
            ("E", _) => note.exploitation = Some(NoteExploitation::Active),
            ("A", v) => note.automatable = Some(v == "Y"),
            (_, v) => note.technical_impact_total = Some(v == "T"),
        }
    }
    if seen.is_empty() {
        return Err(format!("SSVC vector `{vector}` names no decision point"));
    }
    Ok(note)
}
