//! Default time to compromise of a vulnerability, from exploit maturity, KEV, EPSS and the
//! CVSS v3 exploitability metrics, when the scenario does not give its own `ttc`.

use patchtwin_model::time::unit;
use patchtwin_model::*;

/// CVSS v3 exploitability as a multiplier on the time to compromise: high attack complexity
/// ×2, low privileges required ×1.5, high ×3, user interaction required ×2.
pub(super) fn cvss_ttc_factor(v: &cvss::v3::Vector) -> f64 {
    use cvss::v3::metric::base::{AttackComplexity, PrivilegesRequired, UserInteraction};
    let mut f = 1.0;
    if matches!(v.ac, Some(AttackComplexity::High)) {
        f *= 2.0;
    }
    match v.pr {
        Some(PrivilegesRequired::Low) => f *= 1.5,
        Some(PrivilegesRequired::High) => f *= 3.0,
        _ => {}
    }
    if matches!(v.ui, Some(UserInteraction::Required)) {
        f *= 2.0;
    }
    f
}

/// The default time to compromise of one exploit step (medium-capability attacker), when a
/// vulnerability does not give its own `ttc`: exponential (memoryless effort, as in the
/// attack-step distributions of MAL/securiCAD) with a mean set by exploit maturity —
/// exploited in the wild (or KEV) 2 days, functional exploit 7 days, proof of concept
/// 20 days, unproven 60 days — lowered to 7 days when EPSS ≥ 0.5 and to 2 days when
/// EPSS ≥ 0.9, then scaled by CVSS exploitability (`cvss_ttc_factor`). The anchor is
/// McQueen et al. (2006), "Time-to-Compromise Model for Cyber Risk Reduction Estimation",
/// which puts a skilled attacker with a known exploit at about 5.8 days. These are defaults
/// to review, not measurements; give `ttc` where you know better.
pub fn default_ttc(
    maturity: ExploitMaturity,
    kev: bool,
    epss: Option<f64>,
    cvss_factor: f64,
) -> DurationDist {
    let mut days: f64 = match maturity {
        _ if kev => 2.0,
        ExploitMaturity::Active => 2.0,
        ExploitMaturity::Functional => 7.0,
        ExploitMaturity::ProofOfConcept => 20.0,
        ExploitMaturity::Unproven => 60.0,
    };
    match epss {
        Some(e) if e >= 0.9 => days = days.min(2.0),
        Some(e) if e >= 0.5 => days = days.min(7.0),
        _ => {}
    }
    let mean = days * cvss_factor * unit::D as f64;
    DurationDist(Dist::new(DistSpec::Exponential { mean }).expect("positive mean"))
}
