//! `patchtwin check-capture`: the scenario's baseline plan run with `patchtwin-mc`, and each
//! captured flow's response times compared with the model's (`patchtwin_capture::compare`):
//! a table per flow, `check.json`, and a CDF chart per flow written as one report set.
//!
//! Not here: the statistics and the verdict (`patchtwin_capture::compare`), the chart's
//! drawing (`super::chart`).

use super::chart::cdf_chart;
use super::mapping::mapping;
use super::{Read, model_flows, name_of, print_unmatched, read_captures};
use patchtwin_capture::{Comparison, DiscoveredFlow, Verdict};
use patchtwin_model::Scenario;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Most model samples handed to the comparison per flow; beyond, counts are scaled down.
const MAX_MODEL_SAMPLES: u64 = 2_000_000;

/// Arguments of `patchtwin check-capture`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Scenario file (YAML or JSON).
    scenario: PathBuf,
    /// Capture files (pcap or pcapng), each compared on its own.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Address-to-asset mapping: one `address: asset-id` line per endpoint (`#` comments), on
    /// top of the scenario's own `addresses:` of its assets.
    #[arg(long, value_name = "MAPFILE")]
    map: Option<PathBuf>,
    /// Replications of the baseline plan (the scenario's first plan).
    #[arg(long, default_value_t = 20)]
    runs: u64,
    /// Master seed: the same seed gives bit-identical results.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Observation window for message-level timing per replication, e.g. `60s`.
    #[arg(long, default_value = "60s")]
    observe: String,
    /// JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Also write a report set (check.json and a CDF chart per flow) to this folder, as a whole.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace an earlier output set of another scenario in `--out`.
    #[arg(long)]
    force: bool,
}

/// One capture flow checked against one model flow.
pub(super) struct Checked {
    pub(super) file: String,
    pub(super) captured: DiscoveredFlow,
    pub(super) flow: usize,
    pub(super) model_cdf: Vec<(f64, f64)>,
    pub(super) comparison: Comparison,
}

/// The model's response times of one flow (seconds), read off its latency histogram as
/// (value, count) pairs — each bucket's median-equivalent value, counts scaled down when there
/// are more than [`MAX_MODEL_SAMPLES`] — and the histogram's CDF as (ms, share) points.
fn model_samples(stats: &patchtwin_sim::FlowStats) -> (Vec<f64>, Vec<(f64, f64)>) {
    let h = stats.latency_histogram();
    let total = h.len();
    let scale = if total > MAX_MODEL_SAMPLES {
        MAX_MODEL_SAMPLES as f64 / total as f64
    } else {
        1.0
    };
    let (mut samples, mut cdf, mut cum) = (Vec::new(), Vec::new(), 0u64);
    for v in h.iter_recorded() {
        let us = h.median_equivalent(v.value_iterated_to());
        let count = (v.count_at_value() as f64 * scale).round() as usize;
        samples.extend(std::iter::repeat_n(us as f64 * 1e-6, count));
        cum += v.count_at_value();
        cdf.push((us as f64 / 1e3, cum as f64 / total.max(1) as f64));
    }
    (samples, cdf)
}

fn ms(x: f64) -> String {
    if x >= 0.1 {
        format!("{:.1} ms", x * 1e3)
    } else {
        format!("{:.2} ms", x * 1e3)
    }
}

fn interval_text(i: (Option<f64>, Option<f64>)) -> String {
    let side = |x: Option<f64>| x.map_or("?".to_string(), |v| format!("{:.1}", v * 1e3));
    format!("[{}, {}]", side(i.0), side(i.1))
}

/// The table of one checked flow.
fn table(s: &Scenario, c: &Checked) -> String {
    let f = &s.flows[c.flow];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "flow {} ({} → {}, {}): {} → {} in {}",
        f.id,
        s.assets[f.consumer.ix()].id,
        s.assets[f.producer.ix()].id,
        f.protocol,
        c.captured.client,
        c.captured.server,
        c.file
    );
    let _ = writeln!(
        out,
        "  {:<5} {:>10} {:<18} {:>10} {:<18}",
        "", "model", "95% interval", "measured", "95% interval"
    );
    for r in &c.comparison.rows {
        let _ = writeln!(
            out,
            "  p{:<4} {:>10} {:<18} {:>10} {:<18}",
            (r.q * 100.0).round(),
            ms(r.model),
            interval_text(r.model_interval),
            ms(r.measured),
            interval_text(r.measured_interval)
        );
    }
    let _ = writeln!(
        out,
        "  Kolmogorov–Smirnov D = {:.3}, p = {:.3} (model n = {}, measured n = {}, {} unanswered)",
        c.comparison.ks_statistic,
        c.comparison.ks_p_value,
        c.comparison.samples.0,
        c.comparison.samples.1,
        c.captured.unanswered
    );
    let _ = writeln!(out, "  verdict: {}", c.comparison.words);
    out
}

/// The check as one JSON document.
fn check_json(
    s: &Scenario,
    sha: &str,
    a: &CheckArgs,
    observe_ns: u64,
    checked: &[Checked],
) -> Value {
    let flows: Vec<Value> = checked
        .iter()
        .map(|c| {
            let f = &s.flows[c.flow];
            json!({
                "flow": f.id,
                "consumer": s.assets[f.consumer.ix()].id,
                "producer": s.assets[f.producer.ix()].id,
                "capture": c.file,
                "client": c.captured.client.to_string(),
                "server": c.captured.server.to_string(),
                "protocol": c.captured.protocol.scenario_name(),
                "requests": c.captured.requests,
                "unanswered": c.captured.unanswered,
                "verdict": c.comparison.verdict.name(),
                "comparison": c.comparison,
            })
        })
        .collect();
    json!({
        "scenario": s.name,
        "scenario_sha256": sha,
        "plan": s.plans[0].id,
        "runs": a.runs,
        "seed": a.seed,
        "observe_s": observe_ns as f64 / 1e9,
        "quantiles": "nearest rank; intervals are distribution-free 95% order-statistic intervals, seconds",
        "flows": flows,
    })
}

/// Runs `patchtwin check-capture`. `Ok(Err(message))` is bad input (exit code 2). Steps: load
/// the scenario, the mapping and the captures; pair each captured flow with the scenario's
/// flows it matches; run the model and compare; write the report set, then print.
pub fn check(a: CheckArgs) -> anyhow::Result<Result<(), String>> {
    let loaded = match patchtwin_scenario::load_file(&a.scenario) {
        Ok(l) => l,
        Err(d) => return Ok(Err(d.render())),
    };
    let s = std::sync::Arc::new(loaded.scenario);
    if a.runs == 0 {
        return Ok(Err("error: --runs must be at least 1".into()));
    }
    if s.plans.is_empty() {
        return Ok(Err(format!(
            "error: {}: the scenario has no plan to run",
            a.scenario.display()
        )));
    }
    let observe_ns = match crate::observe_ns(&a.observe, &s) {
        Ok(v) => v,
        Err(crate::BadInput(e)) => return Ok(Err(e)),
    };
    let mapping = match mapping(a.map.as_deref(), &s) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let reads = match read_captures(&a.files) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let (pairs, not_modelled) = pair_flows(&s, &reads, &mapping);
    if !a.json {
        print_unmatched(&reads, &mapping);
        for n in &not_modelled {
            say!("not in the model (no poll flow between these assets): {n}");
        }
    }
    if pairs.is_empty() {
        return Ok(Err(format!(
            "error: no flow of the capture maps to a poll flow of the scenario{}",
            if mapping.is_empty() {
                ": give the assets `addresses:` in the scenario, or --map FILE with `address: asset-id` lines"
            } else {
                ""
            }
        )));
    }
    let checked = run_and_compare(&s, pairs, &a, observe_ns)?;
    let doc = check_json(&s, &loaded.sha256, &a, observe_ns, &checked);
    let pretty = serde_json::to_string_pretty(&doc)?;
    // Everything is on disk before anything is printed.
    if let Some(out) = &a.out
        && let Err(e) = write_report_set(&s, &loaded.sha256, &a, out, &pretty, &checked)
    {
        return Ok(Err(e));
    }
    if a.json {
        say!("{pretty}");
    } else {
        print_tables(&s, &a, observe_ns, &checked);
    }
    Ok(Ok(()))
}

/// One captured flow (with its capture file's name) paired with a scenario flow it matches.
type Pair = (String, DiscoveredFlow, usize);

/// Every captured flow of `reads` whose ends map to assets, paired with each scenario flow it
/// matches (`model_flows`); and, in words, the mapped ones no scenario flow matches.
fn pair_flows(
    s: &Scenario,
    reads: &[Read],
    mapping: &BTreeMap<IpAddr, String>,
) -> (Vec<Pair>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut not_modelled = Vec::new();
    for r in reads {
        let m = patchtwin_capture::map_endpoints(&r.flows, mapping);
        for (f, ends) in r.flows.iter().zip(&m.assets) {
            if let (Some(consumer), Some(producer)) = ends {
                let found = model_flows(s, consumer, producer, f.protocol.scenario_name());
                if found.is_empty() {
                    not_modelled.push(format!(
                        "{consumer} → {producer} ({} → {})",
                        f.client, f.server
                    ));
                }
                pairs.extend(found.into_iter().map(|i| (name_of(&r.file), f.clone(), i)));
            }
        }
    }
    (pairs, not_modelled)
}

/// Runs the scenario's first plan (`a.runs` replications, `a.seed`) as the capture sees it and
/// compares each pair's captured response times with the model's.
fn run_and_compare(
    s: &Scenario,
    pairs: Vec<Pair>,
    a: &CheckArgs,
    observe_ns: u64,
) -> anyhow::Result<Vec<Checked>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A capture sees a request leave and its response arrive on the wire; the client's own
    // processing (preparing the request, taking in the answer) happens before and after and is
    // not in the measured response time, although the model's flow latency includes it. The
    // model is therefore run with the capturing clients' processing set to zero, so both sides
    // measure the same span: network, the server's wait and service, network back.
    let mut on_the_wire = s.clone();
    for (_, _, i) in &pairs {
        let client = s.flows[*i].consumer.ix();
        on_the_wire.assets[client].behaviour.service_time =
            patchtwin_model::DurationDist::constant(patchtwin_model::Duration::ZERO);
    }
    let model = patchtwin_sim::Compiled::new(std::sync::Arc::new(on_the_wire));
    let settings = patchtwin_mc::McSettings {
        runs: a.runs,
        seed: a.seed,
        threads,
        observe_ns,
    };
    let results = patchtwin_mc::run(&model, &[0], settings, &|_| {})?;
    let plan = &results.plans[0];
    Ok(pairs
        .into_iter()
        .map(|(file, captured, flow)| {
            let (samples, model_cdf) = model_samples(&plan.flows[flow]);
            let comparison = patchtwin_capture::compare(
                &samples,
                &captured.response_times_s,
                &patchtwin_capture::CompareOptions::default(),
            );
            Checked {
                file,
                captured,
                flow,
                model_cdf,
                comparison,
            }
        })
        .collect())
}

/// Writes the report set to `out` as one transaction: `check.json` (`pretty`) and a CDF chart
/// per checked flow. `Err` is the message of a set that could not be written (bad input).
fn write_report_set(
    s: &Scenario,
    sha256: &str,
    a: &CheckArgs,
    out: &Path,
    pretty: &str,
    checked: &[Checked],
) -> Result<(), String> {
    let mut files = vec![("check.json".to_string(), pretty.to_string() + "\n")];
    for (k, c) in checked.iter().enumerate() {
        let id = &s.flows[c.flow].id;
        files.push((
            format!(
                "charts/capture-cdf-{}.svg",
                patchtwin_report::charts::file_safe(id, k)
            ),
            cdf_chart(s, c),
        ));
    }
    let marker = patchtwin_report::output::RunMarker {
        tool: "patchtwin".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: s.name.clone(),
        scenario_sha256: sha256.to_string(),
        seed: a.seed,
        runs: a.runs,
        plans: vec![s.plans[0].id.clone()],
        files: Vec::new(),
    };
    match patchtwin_report::output::write_set(out, &files, marker, a.force) {
        Ok(_) => Ok(()),
        Err(e @ patchtwin_report::WriteError::Io { .. }) => Err(format!("error: {e}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Prints the model run's line, a table per checked flow and how many agree.
fn print_tables(s: &Scenario, a: &CheckArgs, observe_ns: u64, checked: &[Checked]) {
    say!(
        "model: plan {} of {}, {} replication(s), seed {}, {} s observed each\n",
        s.plans[0].id,
        s.name,
        a.runs,
        a.seed,
        observe_ns as f64 / 1e9
    );
    for c in checked {
        say!("{}", table(s, c));
    }
    let agree = checked
        .iter()
        .filter(|c| c.comparison.verdict == Verdict::Agree)
        .count();
    say!(
        "{agree} of {} flow(s) agree with the capture",
        checked.len()
    );
    if let Some(out) = &a.out {
        say!("wrote {}", out.join("check.json").display());
    }
}
