//! A coordinator's SSVC note beside the deployer decision patchtwin derives.
//!
//! CISA publishes SSVC decision points for a vulnerability in a CSAF note titled `SSVC`
//! (`SSVCv2/E:A/A:Y/T:T/2025-10-23T13:56:04Z/`: Exploitation, Automatable, Technical Impact);
//! `patchtwin import` copies it into the scenario's `ssvc` field. The note carries inputs, not
//! a deployer decision: a coordinator cannot know the plant's System Exposure or Human Impact.
//! So for every plan this puts side by side the decision with the coordinator's Exploitation
//! and Automatable (where it states them) and the simulated plan's System Exposure and Human
//! Impact, and the decision from patchtwin's own inputs (the summary's `ssvc` row).
//!
//! This is not the derivation (`derive`) and changes no decision; it only compares.

use super::{
    Automatable, Decision, Exploitation, HumanImpact, SsvcRow, SystemExposure, deployer_decision,
};
use crate::blocks::{Block, Span};
use patchtwin_model::{NoteExploitation, Scenario};

/// One (vulnerability, plan) with a coordinator's note.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteComparison {
    /// Vulnerability id.
    pub vulnerability: String,
    /// Plan id.
    pub plan: String,
    /// The coordinator's vector as written.
    pub vector: String,
    /// Exploitation used for `with_note`: the coordinator's, else patchtwin's.
    pub exploitation: Exploitation,
    /// Automatable used for `with_note`: the coordinator's, else patchtwin's.
    pub automatable: Automatable,
    /// The plan's simulated system exposure (patchtwin's).
    pub system_exposure: SystemExposure,
    /// The plan's human impact (patchtwin's).
    pub human_impact: HumanImpact,
    /// The deployer decision with the coordinator's inputs and the plan's exposure and impact.
    pub with_note: Decision,
    /// The deployer decision from patchtwin's own inputs.
    pub simulated: Decision,
}

/// The comparisons for every SSVC row whose vulnerability carries a coordinator's note, in
/// the rows' order.
pub fn compare(s: &Scenario, rows: &[SsvcRow]) -> Vec<NoteComparison> {
    rows.iter()
        .filter_map(|r| {
            let v = s.vulnerabilities.iter().find(|v| v.id == r.vulnerability)?;
            let note = v.coordinator_ssvc.as_ref()?;
            let exploitation = match note.exploitation {
                Some(NoteExploitation::None) => Exploitation::None,
                Some(NoteExploitation::PublicPoc) => Exploitation::Public,
                Some(NoteExploitation::Active) => Exploitation::Active,
                None => r.exploitation.value,
            };
            let automatable = match note.automatable {
                Some(true) => Automatable::Yes,
                Some(false) => Automatable::No,
                None => r.automatable.value,
            };
            Some(NoteComparison {
                vulnerability: r.vulnerability.clone(),
                plan: r.plan.clone(),
                vector: note.vector.clone(),
                exploitation,
                automatable,
                system_exposure: r.system_exposure.value,
                human_impact: r.human_impact.value,
                with_note: deployer_decision(
                    exploitation,
                    r.system_exposure.value,
                    automatable,
                    r.human_impact.value,
                ),
                simulated: r.decision,
            })
        })
        .collect()
}

/// The report's subsection: one line per (vulnerability, plan) with a coordinator's note.
/// Nothing when no vulnerability has one.
pub(crate) fn section(summary: &crate::Summary, s: &Scenario) -> Vec<Block> {
    let rows = compare(s, &summary.ssvc);
    if rows.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![
        Block::Heading {
            level: 3,
            text: "What the coordinator's SSVC note says".into(),
            id: "ssvc-note".into(),
        },
        Block::Para(vec![Span::Text(
            "The advisory carries the coordinator's SSVC decision points (CISA's note: E \
             exploitation, A automatable, T technical impact). They are inputs, not a deployer \
             decision: the coordinator cannot see this plant's exposure or human impact. Each \
             line gives the deployer priority with the coordinator's exploitation and \
             automatable and the plan's simulated exposure and human impact, beside the \
             priority from patchtwin's own inputs."
                .into(),
        )]),
    ];
    let lines = rows
        .iter()
        .map(|c| {
            let same = if c.with_note == c.simulated {
                "the same as".to_string()
            } else {
                "where".to_string()
            };
            vec![
                Span::Code(c.vulnerability.clone()),
                Span::Text(": the note ".into()),
                Span::Code(c.vector.clone()),
                Span::Text(format!(
                    " says exploitation {}, automatable {}; with the simulated exposure ({}) \
                     and human impact ({}) under ",
                    c.exploitation, c.automatable, c.system_exposure, c.human_impact
                )),
                Span::Code(c.plan.clone()),
                Span::Text(" that gives ".into()),
                Span::Strong(c.with_note.to_string()),
                Span::Text(format!(", {same} patchtwin's own inputs give ")),
                Span::Strong(c.simulated.to_string()),
                Span::Text(".".into()),
            ]
        })
        .collect();
    blocks.push(Block::Bullets(lines));
    blocks
}
