//! The report's guide to the exchange files of its output set: one line per SSVC, VEX and
//! BOD 26-04 output written beside it (`ssvc.csv`, `ssvc.json`, `vex-PLAN.FORMAT.json`, the
//! `bod_26_04` block of `summary.json`), for the reader who has to hand them on.
//!
//! This is not where those files are made (`csv`, `ssvc_v2`, `vex`, `bod`); it only names them.

use crate::Summary;
use crate::blocks::{Block, Span};

/// What one exchange file of the set holds, or `None` for a file that is not one.
pub fn describe(file: &str) -> Option<String> {
    match file {
        "ssvc.csv" => Some(
            "the SSVC deployer priority per vulnerability and plan, with the reason for every \
             input"
                .into(),
        ),
        "ssvc.json" => Some(
            "SSVC v2 SelectionLists (CERT/CC's schema) per vulnerability, asset and plan, with \
             the simulated evidence behind exposure and human impact"
                .into(),
        ),
        _ => {
            let rest = file.strip_prefix("vex-")?.strip_suffix(".json")?;
            let (plan, format) = rest.rsplit_once('.')?;
            let format = match format {
                "csaf" => "CSAF 2.0 VEX",
                "cyclonedx" => "CycloneDX 1.6 VEX",
                "openvex" => "OpenVEX 0.2.0",
                _ => return None,
            };
            Some(format!(
                "plan {plan}'s VEX statements per asset (known affected with the plan's fix \
                 planned, with the mitigating control in force, or affected; never fixed, as a \
                 plan is not a deployment) in {format}, carrying the SHA-256 of \
                 this set's summary.json"
            ))
        }
    }
}

/// The lines, after the list of files; nothing when the set has no exchange file.
pub(crate) fn section(summary: &Summary, files: &[String]) -> Vec<Block> {
    let mut lines: Vec<Vec<Span>> = files
        .iter()
        .filter_map(|f| {
            let what = describe(f)?;
            Some(vec![
                Span::Code(f.clone()),
                Span::Text(format!(": {what}.")),
            ])
        })
        .collect();
    if !summary.bod_26_04.is_empty() && files.iter().any(|f| f == "summary.json") {
        lines.push(vec![
            Span::Code("summary.json".into()),
            Span::Text(" (".into()),
            Span::Code("bod_26_04".into()),
            Span::Text(
                "): the CISA BOD 26-04 remediation deadline per vulnerability and plan, and \
                 whether the plan meets it (no file of its own)."
                    .into(),
            ),
        ]);
    }
    if lines.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Para(vec![Span::Text(
            "The exchange files among them (SSVC, VEX, BOD 26-04):".into(),
        )]),
        Block::Bullets(lines),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exchange_file_gets_its_line_and_others_none() {
        assert!(describe("ssvc.csv").unwrap().contains("deployer priority"));
        assert!(describe("ssvc.json").unwrap().contains("SelectionLists"));
        let v = describe("vex-patch-now.cyclonedx.json").unwrap();
        assert!(
            v.starts_with("plan patch-now's VEX") && v.contains("CycloneDX 1.6"),
            "{v}"
        );
        // A plan id with dots keeps them; the format is the last part.
        let v = describe("vex-v1.2-rollout.openvex.json").unwrap();
        assert!(
            v.starts_with("plan v1.2-rollout's") && v.contains("OpenVEX 0.2.0"),
            "{v}"
        );
        assert!(
            describe("vex-x.csaf.json")
                .unwrap()
                .contains("CSAF 2.0 VEX")
        );
        for other in [
            "summary.json",
            "plans.csv",
            "report.md",
            "charts/latency.svg",
            "vex-x.spdx.json",
            "vex-.json",
        ] {
            assert_eq!(describe(other), None, "{other}");
        }
    }
}
