//! Default time to compromise of a vulnerability, from exploit maturity, KEV, EPSS and the
//! exploitability metrics of its CVSS v3.x or 4.0 vector, when the scenario does not give its
//! own `ttc`.

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

/// CVSS 4.0 exploitability as a multiplier on the time to compromise, the v3 rule carried over
/// metric by metric: attack complexity high ×2 and attack requirements present ×2 (4.0 splits
/// v3's high complexity into defeating a protection, AC, and conditions of the deployment such
/// as a race, AT; both ×4), low privileges required ×1.5, high ×3, passive user interaction ×2
/// (v3's "required"), active user interaction ×3 (a specific, conscious act of the user).
/// `metric` gives the value a base metric has in the vector (`"H"`, `"P"`, …).
pub(super) fn cvss4_ttc_factor(metric: impl Fn(&str) -> Option<String>) -> f64 {
    let is = |m: &str, v: &str| metric(m).as_deref() == Some(v);
    let mut f = 1.0;
    if is("AC", "H") {
        f *= 2.0;
    }
    if is("AT", "P") {
        f *= 2.0;
    }
    if is("PR", "L") {
        f *= 1.5;
    } else if is("PR", "H") {
        f *= 3.0;
    }
    if is("UI", "P") {
        f *= 2.0;
    } else if is("UI", "A") {
        f *= 3.0;
    }
    f
}

/// The exploit maturity a CVSS 4.0 vector's threat metric E states: attacked (`E:A`) →
/// active, proof of concept (`E:P`) → proof of concept, unreported (`E:U`) → unproven; none
/// when E is absent or not defined (`E:X`). Used when the scenario gives no
/// `exploit_maturity` and the vulnerability is not in KEV.
pub(super) fn cvss4_maturity(metric: impl Fn(&str) -> Option<String>) -> Option<ExploitMaturity> {
    match metric("E").as_deref() {
        Some("A") => Some(ExploitMaturity::Active),
        Some("P") => Some(ExploitMaturity::ProofOfConcept),
        Some("U") => Some(ExploitMaturity::Unproven),
        _ => None,
    }
}

/// The default time to compromise of one exploit step (medium-capability attacker), when a
/// vulnerability does not give its own `ttc`: exponential (memoryless effort, as in the
/// attack-step distributions of MAL/securiCAD) with a mean set by exploit maturity —
/// exploited in the wild (or KEV) 2 days, functional exploit 7 days, proof of concept
/// 20 days, unproven 60 days — lowered to 7 days when EPSS ≥ 0.5 and to 2 days when
/// EPSS ≥ 0.9, then scaled by CVSS exploitability (`cvss_ttc_factor` for a v3.x vector,
/// `cvss4_ttc_factor` for a 4.0 one, whose threat metric E also gives the maturity when the
/// scenario does not: `cvss4_maturity`). The anchor is
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
