//! The two SSVC inputs read straight off the scenario: Exploitation (KEV listing, exploit
//! maturity) and Automatable (the CVSS vector).
//!
//! This module is not system exposure or human impact, which depend on the plan (`exposure`,
//! `impact`).

use super::*;

/// Exploitation from the scenario.
pub fn exploitation(s: &Scenario, v: usize) -> Input<Exploitation> {
    let v = &s.vulnerabilities[v];
    let epss = v.epss.map_or(String::new(), |p| {
        if p < 0.1 {
            format!("; EPSS {:.1}%", 100.0 * p)
        } else {
            format!("; EPSS {:.0}%", 100.0 * p)
        }
    });
    let (value, why) = if v.kev {
        (Exploitation::Active, "listed in CISA KEV".to_string())
    } else {
        match v.exploit_maturity {
            ExploitMaturity::Active => (Exploitation::Active, "exploited in the wild".into()),
            ExploitMaturity::Functional => (
                Exploitation::Public,
                "working exploit code is public".into(),
            ),
            ExploitMaturity::ProofOfConcept => {
                (Exploitation::Public, "a proof of concept is public".into())
            }
            ExploitMaturity::Unproven => (
                Exploitation::None,
                "no public exploit known (maturity unproven)".into(),
            ),
        }
    };
    Input {
        value,
        reason: format!("{why}{epss}"),
    }
}

/// Automatable from the CVSS vector.
pub fn automatable(s: &Scenario, v: usize) -> Input<Automatable> {
    let v = &s.vulnerabilities[v];
    let Some(vector) = v.cvss_vector.as_deref() else {
        return Input {
            value: Automatable::No,
            reason: "no CVSS vector given: not assumed automatable".into(),
        };
    };
    let metric = |name: &str| {
        vector.split('/').find_map(|part| {
            let (k, val) = part.split_once(':')?;
            (k.trim() == name).then(|| val.trim().to_string())
        })
    };
    // CVSS 4.0 splits "attack requirements" (AT) out of attack complexity: AT:P means the
    // attack depends on a condition of the target's deployment (a race to win, an on-path
    // position), which an attacker cannot reliably automate across targets (SSVC Automatable:
    // steps 1–4 of the kill chain), so v4 vectors also need AT:N.
    let v4 = vector.trim_start().starts_with("CVSS:4");
    let wanted: &[(&str, &str)] = if v4 {
        &[
            ("AV", "N"),
            ("AC", "L"),
            ("AT", "N"),
            ("PR", "N"),
            ("UI", "N"),
        ]
    } else {
        &[("AV", "N"), ("AC", "L"), ("PR", "N"), ("UI", "N")]
    };
    let all = wanted
        .iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect::<Vec<_>>()
        .join("/");
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(k, want)| metric(k).as_deref() != Some(*want))
        .map(|(k, _)| format!("{k}:{}", metric(k).unwrap_or_else(|| "?".into())))
        .collect();
    if missing.is_empty() {
        Input {
            value: Automatable::Yes,
            reason: format!(
                "CVSS {all}: network-reachable, no privileges, no user interaction{}",
                if v4 { ", no attack requirements" } else { "" }
            ),
        }
    } else {
        let why = if missing.iter().any(|m| m == "AT:P") {
            " (AT:P: the attack needs a condition of the target's deployment, which cannot be \
             reliably automated)"
        } else {
            ""
        };
        Input {
            value: Automatable::No,
            reason: format!("CVSS {}, not {all}{why}", missing.join(", ")),
        }
    }
}
