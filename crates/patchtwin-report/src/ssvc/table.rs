//! SSVC's published tables, typed: the four decision inputs and their values, Safety and
//! Mission Impact, the deployer decision table ("Defer, Scheduled, Out-of-Cycle, Immediate"
//! v1.0.0) and the Human Impact table, with CERT/CC's spellings.
//!
//! This module is not the derivation of the inputs from a plant (`inputs`, `exposure`,
//! `impact`); it only encodes what CERT/CC publishes.

use serde::Serialize;
use std::fmt;

/// SSVC Exploitation v1.1.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Exploitation {
    /// No evidence of exploitation, no public proof of concept.
    None,
    /// A public proof of concept or exploit code exists (SSVC "public poc").
    #[serde(rename = "public_poc")]
    Public,
    /// Exploited in the wild.
    Active,
}

/// SSVC System Exposure v1.0.1.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SystemExposure {
    /// Local service or program; highly controlled network.
    Small,
    /// Networked, with access restrictions or mitigations in place.
    Controlled,
    /// Reachable where access is not restricted.
    Open,
}

/// SSVC Automatable v2.0.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Automatable {
    /// An attacker cannot reliably automate reconnaissance, weaponization, delivery and
    /// exploitation.
    No,
    /// They can.
    Yes,
}

/// SSVC Human Impact v2.0.2.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the SSVC levels")]
pub enum HumanImpact {
    Low,
    Medium,
    High,
    VeryHigh,
}

/// SSVC Safety Impact v2.0.1 (IEC 61508 levels).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the SSVC levels")]
pub enum SafetyImpact {
    Negligible,
    Marginal,
    Critical,
    Catastrophic,
}

/// SSVC Mission Impact v2.0.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MissionImpact {
    /// Little to no impact, up to degradation of non-essential functions.
    Degraded,
    /// Activities that directly support essential functions are crippled.
    MefSupportCrippled,
    /// One mission essential function fails.
    MefFailure,
    /// Several or all mission essential functions fail.
    MissionFailure,
}

/// SSVC deployer decision "Defer, Scheduled, Out-of-Cycle, Immediate" v1.0.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Do not act at present.
    Defer,
    /// Act during regularly scheduled maintenance.
    Scheduled,
    /// Act more quickly than usual, out of the regular cycle.
    OutOfCycle,
    /// Act immediately, with all resources.
    Immediate,
}

macro_rules! labels {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every value, lowest first.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            /// The value as CERT/CC's tables spell it.
            pub const fn label(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            /// Parses CERT/CC's spelling (case-insensitive, surrounding blanks ignored).
            pub fn from_label(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.label().eq_ignore_ascii_case(s))
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

labels!(Exploitation { None => "none", Public => "public poc", Active => "active" });
labels!(SystemExposure { Small => "small", Controlled => "controlled", Open => "open" });
labels!(Automatable { No => "no", Yes => "yes" });
labels!(HumanImpact { Low => "low", Medium => "medium", High => "high", VeryHigh => "very high" });
labels!(SafetyImpact {
    Negligible => "negligible",
    Marginal => "marginal",
    Critical => "critical",
    Catastrophic => "catastrophic",
});
labels!(MissionImpact {
    Degraded => "degraded",
    MefSupportCrippled => "mef support crippled",
    MefFailure => "mef failure",
    MissionFailure => "mission failure",
});
labels!(Decision {
    Defer => "defer",
    Scheduled => "scheduled",
    OutOfCycle => "out-of-cycle",
    Immediate => "immediate",
});

use Decision::{Defer as D, Immediate as I, OutOfCycle as O, Scheduled as S};

/// The deployer table, indexed `[exploitation][exposure][automatable][human impact]` in the
/// order of the enums (lowest first) — the row order of CERT/CC's CSV.
const DEPLOYER: [[[[Decision; 4]; 2]; 3]; 3] = [
    // exploitation: none
    [
        [[D, D, S, S], [D, S, S, S]], // small: automatable no, yes
        [[D, S, S, S], [S, S, S, S]], // controlled
        [[D, S, S, S], [S, S, S, O]], // open
    ],
    // exploitation: public poc
    [
        [[D, S, S, S], [S, S, S, S]],
        [[D, S, S, S], [S, S, S, O]],
        [[S, S, S, O], [S, S, O, O]],
    ],
    // exploitation: active
    [
        [[S, S, O, O], [S, O, O, O]],
        [[S, S, O, O], [O, O, O, O]],
        [[S, O, O, I], [O, O, I, I]],
    ],
];

/// The SSVC deployer patch-application priority.
pub const fn deployer_decision(
    exploitation: Exploitation,
    exposure: SystemExposure,
    automatable: Automatable,
    human_impact: HumanImpact,
) -> Decision {
    DEPLOYER[exploitation as usize][exposure as usize][automatable as usize][human_impact as usize]
}

/// SSVC Human Impact v2.0.2 from Safety Impact v2.0.1 and Mission Impact v2.0.0.
pub const fn human_impact(safety: SafetyImpact, mission: MissionImpact) -> HumanImpact {
    use HumanImpact::{High, Low, Medium, VeryHigh};
    use MissionImpact::{Degraded, MefFailure, MefSupportCrippled, MissionFailure};
    match (safety, mission) {
        (SafetyImpact::Catastrophic, _) | (_, MissionFailure) => VeryHigh,
        (SafetyImpact::Critical, Degraded) => Medium,
        (SafetyImpact::Critical, MefSupportCrippled | MefFailure) => High,
        (SafetyImpact::Negligible | SafetyImpact::Marginal, MefFailure) => Medium,
        (SafetyImpact::Negligible | SafetyImpact::Marginal, Degraded | MefSupportCrippled) => Low,
    }
}
