//! A coordinator's published SSVC decision points for a vulnerability, as the scenario carries
//! them: CISA puts them in a CSAF vulnerability note titled `SSVC` as SSVC's abbreviated
//! vector, e.g. `SSVCv2/E:A/A:Y/T:T/2025-10-23T13:56:04Z/` (Exploitation, Automatable,
//! Technical Impact, and when they were assessed).
//!
//! This is what the coordinator said, not a decision: the deployer decision patchtwin derives
//! from the plant and the plans is `patchtwin-report`'s `ssvc`, which shows this beside it.

/// SSVC Exploitation as the coordinator states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteExploitation {
    /// `E:N`: no evidence of exploitation or a public proof of concept.
    None,
    /// `E:P`: a public proof of concept.
    PublicPoc,
    /// `E:A`: exploited in the wild.
    Active,
}

/// A coordinator's SSVC vector (checked by `patchtwin-scenario`). A decision point the vector
/// leaves out, or gives several values for (SSVC's way of saying "one of these"), is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoordinatorSsvc {
    /// The vector as written.
    pub vector: String,
    /// Exploitation (`E`).
    pub exploitation: Option<NoteExploitation>,
    /// Automatable (`A:Y` true, `A:N` false).
    pub automatable: Option<bool>,
    /// Technical Impact (`T:T` total true, `T:P` partial false).
    pub technical_impact_total: Option<bool>,
    /// When it was assessed (RFC 3339), if the vector says.
    pub assessed: Option<String>,
}
