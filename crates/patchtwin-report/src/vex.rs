//! VEX export: per product (asset) and vulnerability, the status a plan leads to — *known
//! affected with a fix planned*, *known affected with a mitigating control in force*, or
//! *affected* — as a CSAF 2.0 document in the VEX profile, a CycloneDX 1.6 VEX BOM, or an
//! OpenVEX 0.2.0 document.
//!
//! # How the status is decided
//! A VEX status is a claim about the product as it is, and consumers act on it (a `fixed`
//! product drops out of their queues). patchtwin rehearses plans; it never sees one carried out,
//! so it never states *fixed* (CSAF `fixed`, CycloneDX `resolved`, OpenVEX `fixed`): a plan
//! whose patch rolls back in a fifth of the rehearsals is not a fix, and neither is one that
//! always succeeds but has not been deployed. The PSIRT states *fixed* from its own record of
//! the deployment. Per (vulnerability, asset), assuming every action of the plan is taken (as
//! [`crate::ssvc`] does):
//! - **fix planned** (known affected): a patch the plan applies fixes the vulnerability on that
//!   asset. The statement names the patch and the plan as the remediation (CSAF `vendor_fix`,
//!   CycloneDX response `update`, OpenVEX action statement) and the rehearsed share of runs in
//!   which every deployment of the plan succeeded first time (1 − P(patch rollback)), with its
//!   interval;
//! - **mitigated** (known affected, control in force): no patch of the plan fixes it, and the
//!   plan's controls lower the asset's SSVC system exposure against the plant as found (e.g.
//!   *open* to *controlled* or *small*); the controls named are those whose removal alone
//!   raises the exposure again (all the plan's controls when none does alone: they are
//!   redundant);
//! - **affected**: neither.
//!
//! Every document carries the run that supports it: the SHA-256 of the `summary.json` it was
//! made from, the scenario's SHA-256, seed and runs. Document dates are the time of export
//! (the formats require them).
//!
//! This module builds the documents' text; the command line reads files and writes the
//! export ([`crate::output::write_new_file`]).

use crate::ssvc::{EndState, SystemExposure};
use crate::ssvc_v2::Probe;
use crate::{Est, PlanSummary};
use patchtwin_model::{Plan, Scenario};
use serde_json::{Value, json};

/// The exchange formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSAF 2.0, VEX profile (`csaf_vex`).
    Csaf,
    /// CycloneDX 1.6 with a `vulnerabilities` section.
    CycloneDx,
    /// OpenVEX 0.2.0.
    OpenVex,
}

/// The status of one (vulnerability, asset) after the plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Known affected; a patch of the plan fixes it once deployed (the plan is not a record
    /// of a deployment, so this is never *fixed*).
    FixPlanned {
        /// The patch id.
        patch: String,
    },
    /// Known affected; controls of the plan lower its exposure.
    Mitigated {
        /// The mitigating controls' ids.
        controls: Vec<String>,
        /// Exposure as found and with the controls.
        exposure: (SystemExposure, SystemExposure),
    },
    /// Known affected, nothing of the plan changes it.
    Affected {
        /// Its exposure.
        exposure: SystemExposure,
    },
}

/// One VEX statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Vulnerability id.
    pub vulnerability: String,
    /// Vulnerability title.
    pub title: String,
    /// Asset id (the product).
    pub asset: String,
    /// The status.
    pub status: Status,
    /// Why, in a sentence (the exposure reasoning).
    pub detail: String,
}

/// What supports the document: the run and the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Support {
    /// SHA-256 of the `summary.json` the statuses were checked against.
    pub summary_sha256: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Scenario name.
    pub scenario: String,
    /// Master seed of the run.
    pub seed: u64,
    /// Replications per plan.
    pub runs: u64,
    /// The plan.
    pub plan: String,
    /// The plan's simulated P(at least one patch deployment rolls back).
    pub p_patch_rollback: Est,
    /// Export time, RFC 3339.
    pub timestamp: String,
}

impl Support {
    /// The support of `plan` in a summary.
    pub fn of(
        summary_sha256: &str,
        summary: &crate::Summary,
        plan: &PlanSummary,
        timestamp: &str,
    ) -> Self {
        Support {
            summary_sha256: summary_sha256.into(),
            scenario_sha256: summary.scenario.sha256.clone(),
            scenario: summary.scenario.name.clone(),
            seed: summary.settings.seed,
            runs: summary.settings.runs,
            plan: plan.id.clone(),
            p_patch_rollback: plan.operations.p_patch_failure,
            timestamp: timestamp.into(),
        }
    }

    fn text(&self) -> String {
        format!(
            "Status after plan `{}` of scenario `{}` (SHA-256 {}), supported by the patchtwin {} run summary.json SHA-256 {} (seed {}, {} runs per plan).",
            self.plan,
            self.scenario,
            self.scenario_sha256,
            env!("CARGO_PKG_VERSION"),
            self.summary_sha256,
            self.seed,
            self.runs
        )
    }
}

/// The statements of every (vulnerability, asset) pair of `s` after `plan`, scenario order.
pub fn statements(s: &Scenario, plan: &Plan) -> Vec<Statement> {
    let end = EndState::of(s, plan);
    let controls_only = end.without_patches();
    let found = EndState {
        controls: vec![false; s.controls.len()],
        patched: Default::default(),
    };
    let mut probe = Probe::new(s);
    let mut out = Vec::new();
    for (v, vuln) in s.vulnerabilities.iter().enumerate() {
        for a in vuln.assets.iter().map(|a| a.ix()) {
            let fixing_patch = plan.actions.iter().find_map(|act| match act {
                patchtwin_model::Action::ApplyPatch { patch, assets, .. }
                    if assets.iter().any(|x| x.ix() == a)
                        && s.patches[patch.ix()].fixes.iter().any(|f| f.ix() == v) =>
                {
                    Some(s.patches[patch.ix()].id.clone())
                }
                _ => None,
            });
            let (status, detail) = if let Some(patch) = fixing_patch {
                let e = probe.exposure(s, &end, v, a);
                (Status::FixPlanned { patch }, e.reason)
            } else {
                let before = probe.exposure(s, &found, v, a);
                let after = probe.exposure(s, &controls_only, v, a);
                if after.value < before.value {
                    let controls = mitigating(s, &mut probe, &controls_only, v, a, after.value);
                    (
                        Status::Mitigated {
                            controls,
                            exposure: (before.value, after.value),
                        },
                        after.reason,
                    )
                } else {
                    (
                        Status::Affected {
                            exposure: after.value,
                        },
                        after.reason,
                    )
                }
            };
            out.push(Statement {
                vulnerability: vuln.id.clone(),
                title: vuln.title.clone(),
                asset: s.assets[a].id.clone(),
                status,
                detail,
            });
        }
    }
    out
}

/// The plan's controls whose removal alone raises the exposure; all of them when none does.
fn mitigating(
    s: &Scenario,
    probe: &mut Probe,
    st: &EndState,
    v: usize,
    a: usize,
    with_all: SystemExposure,
) -> Vec<String> {
    let on: Vec<usize> = (0..st.controls.len()).filter(|k| st.controls[*k]).collect();
    let alone: Vec<String> = on
        .iter()
        .filter(|&&k| {
            let mut without = st.clone();
            without.controls[k] = false;
            probe.exposure(s, &without, v, a).value > with_all
        })
        .map(|&k| s.controls[k].id.clone())
        .collect();
    if alone.is_empty() {
        on.iter().map(|&k| s.controls[k].id.clone()).collect()
    } else {
        alone
    }
}

fn status_text(st: &Statement, support: &Support) -> String {
    match &st.status {
        Status::FixPlanned { patch } => format!(
            "Known affected; fix planned, not deployed: plan {} installs {patch} on this product. {} Not fixed until the deployment is done and verified.",
            support.plan,
            rehearsed(support)
        ),
        Status::Mitigated { controls, exposure } => format!(
            "Known affected; mitigating control in force under plan {}: {} (SSVC exposure {} as found, {} with it). {}",
            support.plan,
            controls.join(", "),
            exposure.0,
            exposure.1,
            st.detail
        ),
        Status::Affected { exposure } => format!(
            "Affected: plan {} neither patches it on this asset nor lowers its exposure ({exposure}). {}",
            support.plan, st.detail
        ),
    }
}

/// The rehearsed success of the plan's patch deployments, in a sentence: the share of runs in
/// which none of them rolled back (1 − P(patch rollback), its interval mirrored).
fn rehearsed(support: &Support) -> String {
    let p = &support.p_patch_rollback;
    let ok = Est {
        mean: 1.0 - p.mean,
        lo: 1.0 - p.hi,
        hi: 1.0 - p.lo,
    };
    format!(
        "In {} rehearsals ({} runs) every patch deployment of the plan succeeded first time in {} of runs.",
        support.scenario,
        support.runs,
        crate::format::pct_ci(&ok)
    )
}

/// A CVE id, if `id` is one (CSAF's pattern).
fn cve(id: &str) -> Option<&str> {
    let rest = id.strip_prefix("CVE-")?;
    let (year, num) = rest.split_once('-')?;
    (year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.bytes().all(|b| b.is_ascii_digit()))
    .then_some(id)
}

/// An IRI-safe form of an id (percent-encoding everything but unreserved characters).
fn iri_part(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn product_iri(support: &Support, asset: &str) -> String {
    format!(
        "urn:patchtwin:{}:asset:{}",
        iri_part(&support.scenario),
        iri_part(asset)
    )
}

/// The document's text in `format`.
pub fn render(format: Format, statements: &[Statement], support: &Support) -> String {
    let doc = match format {
        Format::Csaf => csaf(statements, support),
        Format::CycloneDx => cyclonedx(statements, support),
        Format::OpenVex => openvex(statements, support),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("a VEX document serializes");
    text.push('\n');
    text
}

/// Vulnerability ids in first-seen order, with their statements.
fn by_vulnerability(statements: &[Statement]) -> Vec<(&str, Vec<&Statement>)> {
    let mut out: Vec<(&str, Vec<&Statement>)> = Vec::new();
    for st in statements {
        match out.iter_mut().find(|(id, _)| *id == st.vulnerability) {
            Some((_, list)) => list.push(st),
            None => out.push((&st.vulnerability, vec![st])),
        }
    }
    out
}

fn csaf(statements: &[Statement], support: &Support) -> Value {
    let mut assets: Vec<&str> = statements.iter().map(|s| s.asset.as_str()).collect();
    assets.sort_unstable();
    assets.dedup();
    let pid = |a: &str| format!("PTA-{}", iri_part(a));
    let vulns: Vec<Value> = by_vulnerability(statements)
        .into_iter()
        .map(|(id, list)| {
            let ids = |pred: fn(&Status) -> bool| -> Vec<String> {
                list.iter()
                    .filter(|s| pred(&s.status))
                    .map(|s| pid(&s.asset))
                    .collect()
            };
            // Every statement is known affected (nothing is fixed until deployed).
            let affected = ids(|_| true);
            let mut status = serde_json::Map::new();
            if !affected.is_empty() {
                status.insert("known_affected".into(), json!(affected));
            }
            let remediations: Vec<Value> = list
                .iter()
                .map(|s| {
                    let category = match &s.status {
                        Status::FixPlanned { .. } => "vendor_fix",
                        Status::Mitigated { .. } => "mitigation",
                        Status::Affected { .. } => "none_available",
                    };
                    json!({
                        "category": category,
                        "details": status_text(s, support),
                        "product_ids": [pid(&s.asset)],
                    })
                })
                .collect();
            let mut v = json!({
                "notes": [{
                    "category": "description",
                    "title": "Title",
                    "text": list[0].title.clone(),
                }],
                "product_status": status,
                "remediations": remediations,
            });
            match cve(id) {
                Some(c) => v["cve"] = json!(c),
                None => v["ids"] = json!([{ "system_name": "scenario", "text": id }]),
            }
            v
        })
        .collect();
    let mut doc = json!({
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "title": format!("patchtwin VEX: {} after plan {}", support.scenario, support.plan),
            "publisher": {
                "category": "user",
                "name": "patchtwin user",
                "namespace": "https://github.com/patchtwin",
            },
            "notes": [{
                "category": "general",
                "title": "Supporting run",
                "text": support.text(),
            }],
            "tracking": {
                "id": format!("patchtwin-{}-{}-{}", support.scenario, support.plan, &support.summary_sha256[..support.summary_sha256.len().min(12)]),
                "status": "final",
                "version": "1",
                "initial_release_date": support.timestamp,
                "current_release_date": support.timestamp,
                "revision_history": [{
                    "date": support.timestamp,
                    "number": "1",
                    "summary": "Exported by patchtwin.",
                }],
                "generator": {
                    "engine": { "name": "patchtwin", "version": env!("CARGO_PKG_VERSION") },
                    "date": support.timestamp,
                },
            },
        },
    });
    // CSAF wants both lists non-empty when present: a plant without vulnerabilities gives a
    // document with neither.
    if !vulns.is_empty() {
        doc["product_tree"] = json!({
            "full_product_names": assets.iter().map(|a| json!({
                "name": a,
                "product_id": pid(a),
            })).collect::<Vec<_>>(),
        });
        doc["vulnerabilities"] = json!(vulns);
    }
    doc
}

fn cyclonedx(statements: &[Statement], support: &Support) -> Value {
    let mut assets: Vec<&str> = statements.iter().map(|s| s.asset.as_str()).collect();
    assets.sort_unstable();
    assets.dedup();
    let vulns: Vec<Value> = statements
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (state, response) = match &s.status {
                Status::FixPlanned { .. } => ("exploitable", json!(["update"])),
                Status::Mitigated { .. } => ("exploitable", json!(["workaround_available"])),
                Status::Affected { .. } => ("exploitable", json!([])),
            };
            let mut analysis = json!({ "state": state, "detail": status_text(s, support) });
            if response.as_array().is_some_and(|r| !r.is_empty()) {
                analysis["response"] = response;
            }
            json!({
                "bom-ref": format!("vuln-{i}"),
                "id": s.vulnerability,
                "description": s.title,
                "analysis": analysis,
                "affects": [{ "ref": format!("asset-{}", iri_part(&s.asset)) }],
            })
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": support.timestamp,
            "tools": { "components": [{
                "type": "application",
                "name": "patchtwin",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "properties": [
                { "name": "patchtwin:plan", "value": support.plan },
                { "name": "patchtwin:summary_sha256", "value": support.summary_sha256 },
                { "name": "patchtwin:scenario_sha256", "value": support.scenario_sha256 },
                { "name": "patchtwin:seed", "value": support.seed.to_string() },
                { "name": "patchtwin:runs", "value": support.runs.to_string() },
                { "name": "patchtwin:support", "value": support.text() },
            ],
        },
        "components": assets.iter().map(|a| json!({
            "type": "device",
            "name": a,
            "bom-ref": format!("asset-{}", iri_part(a)),
        })).collect::<Vec<_>>(),
        "vulnerabilities": vulns,
    })
}

fn openvex(statements: &[Statement], support: &Support) -> Value {
    let stmts: Vec<Value> = statements
        .iter()
        .map(|s| {
            let mut v = json!({
                "vulnerability": { "name": s.vulnerability, "description": s.title },
                "products": [{ "@id": product_iri(support, &s.asset) }],
                "status_notes": status_text(s, support),
            });
            match &s.status {
                Status::FixPlanned { patch } => {
                    v["status"] = json!("affected");
                    v["action_statement"] = json!(format!(
                        "Deploy {patch} as plan {} schedules. {}",
                        support.plan,
                        rehearsed(support)
                    ));
                }
                Status::Mitigated { controls, .. } => {
                    v["status"] = json!("affected");
                    v["action_statement"] = json!(format!(
                        "Keep the mitigating control in force until the vulnerability is patched: {}",
                        controls.join(", ")
                    ));
                }
                Status::Affected { .. } => {
                    v["status"] = json!("affected");
                    v["action_statement"] = json!(
                        "No plan action covers this product: patch it or put a compensating control in force."
                    );
                }
            }
            v
        })
        .collect();
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("urn:patchtwin:vex:{}:{}:{}", iri_part(&support.scenario), iri_part(&support.plan), support.summary_sha256),
        "author": "patchtwin",
        "role": "Document Creator",
        "timestamp": support.timestamp,
        "version": 1,
        "tooling": format!("patchtwin {}; {}", env!("CARGO_PKG_VERSION"), support.text()),
        "statements": stmts,
    })
}
