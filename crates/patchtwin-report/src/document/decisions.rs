//! The report's SSVC section: the deployer decision per vulnerability and plan with the reason
//! for every input.
//!
//! This module is not the SSVC derivation (`crate::ssvc`); it lays out the summary's rows.

use super::*;

/// SSVC deployer decisions per vulnerability and plan (the summary's `ssvc` rows, derived by
/// the `ssvc` module), with the reason for every input. Nothing when the summary has none.
pub(super) fn ssvc_section(summary: &Summary) -> Vec<Block> {
    let rows = &summary.ssvc;
    if rows.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![heading(
        2,
        "Patch priority per vulnerability (SSVC)",
        "ssvc",
    )];
    blocks.push(Block::Para(vec![t(
        "CERT/CC's Stakeholder-Specific Vulnerability Categorization gives a deployer's patch \
         priority — defer, scheduled, out-of-cycle or immediate — from four inputs. Here the \
         inputs are derived from the scenario and from each plan's end state (its controls in \
         effect and its patches installed); the last column gives the priority while the \
         plan's patches are not in place yet, or after they roll back.",
    )]));
    blocks.push(Block::Table {
        head: [
            "vulnerability",
            "plan",
            "exploitation",
            "system exposure",
            "automatable",
            "human impact",
            "priority",
            "until patched / after a rollback",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false; 8],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    vec![code(&r.vulnerability)],
                    vec![code(&r.plan)],
                    cell(r.exploitation.value.to_string()),
                    cell(r.system_exposure.value.to_string()),
                    cell(r.automatable.value.to_string()),
                    cell(r.human_impact.value.to_string()),
                    vec![strong(r.decision.to_string())],
                    cell(r.before_patching.as_ref().map_or("—".to_string(), |b| {
                        // A vulnerability the plan does not patch is shielded by its patches
                        // of others: name them as such, not as its own patch.
                        let whose = if b.patched_here {
                            "patches roll back"
                        } else {
                            "not patched by this plan; its patches of other vulnerabilities \
                             on the way roll back"
                        };
                        format!(
                            "{} (exposure {}; {whose} in {} of runs)",
                            b.decision,
                            b.system_exposure.value,
                            pct(b.p_patch_rollback.mean)
                        )
                    })),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Para(vec![t("Why the inputs have these values:")]));
    let mut why = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for r in rows {
        if !seen.contains(&r.vulnerability.as_str()) {
            seen.push(&r.vulnerability);
            why.push(vec![
                code(&r.vulnerability),
                t(format!(
                    ": exploitation {} — {}; automatable {} — {}.",
                    r.exploitation.value,
                    r.exploitation.reason,
                    r.automatable.value,
                    r.automatable.reason
                )),
            ]);
        }
        why.push(vec![
            code(&r.vulnerability),
            t(" under "),
            code(&r.plan),
            t(format!(
                ": system exposure {} — {}; human impact {} — {}.",
                r.system_exposure.value,
                r.system_exposure.reason,
                r.human_impact.value,
                r.human_impact.reason
            )),
        ]);
    }
    blocks.push(Block::Bullets(why));
    blocks
}
