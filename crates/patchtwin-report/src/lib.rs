//! patchtwin's outputs: the `summary.json` contract (`contract`, re-exported here; its JSON
//! Schema: `patchtwin schema --summary`), the comparison table printed on stdout (`table`),
//! and the output set written as one transaction ([`output`]): an interrupted run
//! leaves the complete old set or the complete new set, never a mix, and files patchtwin did
//! not write are never touched.
//!
//! This crate formats results it is given; it runs no simulation and computes no statistics
//! beyond reading quantiles off merged histograms.
//!
//! The human outputs under `--out` ([`write_all`]): `report.md` and a self-contained
//! `report.html` (`document` builds the content once, one submodule per section; `markdown`
//! and `html` render it; `blocks` is the content model they share, below the document and
//! every section that builds blocks), SVG charts (`charts`, one submodule per chart kind) and CSV tables
//! (`csv`). `format` formats numbers for people (percentages,
//! intervals, hours, money).
//!
//! The decision: [`ssvc`] derives CERT/CC's SSVC deployer decision for every vulnerability
//! under every plan; [`recommend`] names the preferred plan and says why. Both only read the
//! estimates above (and the scenario); neither adds a statistic. [`deadline`] judges flows'
//! deadline targets per plan from exact counts (the interval is `patchtwin_mc`'s) for the
//! report and the recommendation.
//!
//! The exchange formats: [`ssvc_v2`] writes SSVC v2 SelectionLists (`ssvc.json`), [`bod`]
//! applies CISA BOD 26-04's remediation timelines per plan, [`vex`] exports CSAF 2.0 VEX,
//! CycloneDX 1.6 VEX and OpenVEX 0.2.0 documents, and [`provenance`] stamps summary.json with
//! the run's inputs (tool, scenario digest, KEV, EPSS and advisory revisions);
//! [`exchange_files`] gives the report's line for each of those files in the set.
//!
//! [`appetite`] gives the loss exceedance curves and judges each plan against the scenario's
//! risk appetite; [`robustness`] is the report's section on a sensitivity analysis run with
//! the run (tornado charts, break-evens, the robustness sentence). [`rollout`] states each plan's rollbacks per run and its time to patch
//! 50/90/95% of the open (vulnerability, asset) pairs. [`consequences`] is a plan's data-loss and
//! recovery-effect block of `summary.json`.
//!
//! Small vocabularies: [`sources`] names the paths source allowlists guard; [`remediation`]
//! says what the vendor offers against a vulnerability, in the SSVC reasons and in the report's
//! "Remediation status" section (what each plan does about each vulnerability).

pub mod appetite;
pub mod blocks;
pub mod bod;
pub mod charts;
pub mod consequences;
mod contract;
pub mod csv;
pub mod deadline;
pub mod document;
pub mod exchange_files;
pub mod format;
pub mod html;
pub mod markdown;
pub mod output;
pub mod provenance;
pub mod recommend;
pub mod remediation;
pub mod robustness;
pub mod rollout;
pub mod sources;
pub mod ssvc;
pub mod ssvc_v2;
pub mod table;
pub mod vex;

pub use contract::*;
pub use output::{WriteError, Written, write_new_file};
use patchtwin_model::Scenario;
use std::path::Path;
pub use table::table;

/// Every file of a run's output set as (relative path, text): `summary.json`, `plans.csv`,
/// `comparisons.csv`, `pairwise.csv`, `flows.csv`, `ssvc.csv`, `ssvc.json`, the charts under `charts/`,
/// then `report.md` and `report.html`. `run` and `scenario` are the ones `summary` was built
/// from.
pub fn render_all(
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
) -> Vec<(String, String)> {
    render_all_full(summary, run, scenario, None, |_| Vec::new())
}

/// As [`render_all`], with more files made from the set before the report (`run --vex`'s
/// documents, which carry the digest of the set's `summary.json`), so the report lists them.
pub fn render_all_with(
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    more: impl FnOnce(&[(String, String)]) -> Vec<(String, String)>,
) -> Vec<(String, String)> {
    render_all_full(summary, run, scenario, None, more)
}

/// As [`render_all`], with a sensitivity analysis of the same run when there is one: its
/// tornado charts under `charts/` and its section ([`robustness`]) after the recommendation.
pub fn render_all_robust(
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    robustness: Option<&robustness::Robustness>,
) -> Vec<(String, String)> {
    render_all_full(summary, run, scenario, robustness, |_| Vec::new())
}

/// The whole set: [`render_all`] with an optional sensitivity analysis and `more` files made
/// from the set before the report, so the report can list them.
pub fn render_all_full(
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    robustness: Option<&robustness::Robustness>,
    more: impl FnOnce(&[(String, String)]) -> Vec<(String, String)>,
) -> Vec<(String, String)> {
    let mut charts = charts::all(summary, run, scenario);
    charts.extend(robustness.map(charts::tornado_charts).unwrap_or_default());
    let mut summary_text = serde_json::to_string_pretty(summary).expect("summary serializes");
    summary_text.push('\n');
    let mut files: Vec<(String, String)> = vec![
        ("summary.json".into(), summary_text),
        ("plans.csv".into(), csv::plans(summary)),
        ("comparisons.csv".into(), csv::comparisons(summary)),
        ("pairwise.csv".into(), csv::pairwise(summary)),
        ("flows.csv".into(), csv::flows(summary)),
        ("ssvc.csv".into(), csv::ssvc(summary)),
        (
            "ssvc.json".into(),
            ssvc_v2::render(summary, scenario, &summary.provenance.as_of()),
        ),
    ];
    files.extend(
        charts
            .iter()
            .map(|c| (format!("charts/{}", c.file), c.svg.clone())),
    );
    let extra = more(&files);
    files.extend(extra);
    let listed: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let mut doc = document::build(summary, scenario, &charts, &listed);
    if let Some(r) = robustness {
        robustness::insert(&mut doc, r, &charts);
    }
    files.push(("report.md".into(), markdown::render(&doc)));
    files.push(("report.html".into(), html::render(&doc)));
    files
}

/// Writes the whole output set of a run to `out` as one transaction ([`output::write_set`]):
/// the files of [`render_all`] and a marker naming the run. With `force`, a previous set of
/// another scenario is replaced; files patchtwin did not write are never touched.
pub fn write_all(
    out: &Path,
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    force: bool,
) -> Result<Written, WriteError> {
    write_all_with(out, summary, run, scenario, force, |_| Vec::new())
}

/// As [`write_all`], with more files of the same run in the same transaction: `more` makes
/// them from the rendered set (`run --vex` adds VEX documents that carry the digest of the
/// set's own `summary.json`), so the whole set, theirs included, appears or nothing does.
pub fn write_all_with(
    out: &Path,
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    force: bool,
    more: impl FnOnce(&[(String, String)]) -> Vec<(String, String)>,
) -> Result<Written, WriteError> {
    write_all_robust(out, summary, run, scenario, force, None, more)
}

/// As [`write_all_with`], with a sensitivity analysis of the same run
/// ([`render_all_robust`]); its own files (`sensitivity.json`, …) come through `more`.
pub fn write_all_robust(
    out: &Path,
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    force: bool,
    robustness: Option<&robustness::Robustness>,
    more: impl FnOnce(&[(String, String)]) -> Vec<(String, String)>,
) -> Result<Written, WriteError> {
    let marker = output::RunMarker {
        tool: "patchtwin".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: summary.scenario.name.clone(),
        scenario_sha256: summary.scenario.sha256.clone(),
        seed: summary.settings.seed,
        runs: summary.settings.runs,
        plans: summary.plans.iter().map(|p| p.id.clone()).collect(),
        files: Vec::new(),
    };
    let files = render_all_full(summary, run, scenario, robustness, more);
    output::write_set(out, &files, marker, force)
}

/// JSON Schema (draft-07) of `summary.json`, for scripts that consume it.
pub fn summary_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Summary>();
    schema.insert("title".into(), "patchtwin summary.json".into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}
