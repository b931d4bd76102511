//! `patchtwin import pcap` and `patchtwin check-capture`: a plant's own traffic into the
//! scenario, and the scenario checked against that traffic. Glue only: read the captures with
//! `patchtwin-capture`, map their addresses to assets with a mapping file, edit the scenario's
//! value tree (written back with `patchtwin-import`'s YAML emitter), run the baseline plan with
//! `patchtwin-mc`, compare response times with `patchtwin_capture::compare`, print, and write
//! the check's report set as one transaction.
//!
//! Not here: pcap parsing, flow discovery and the statistics (`patchtwin-capture`), the
//! simulation (`patchtwin-sim`), the overwrite rules (`patchtwin-report`'s output module).

use crate::import::{Target, finish, load_into};
use patchtwin_capture::{Comparison, DiscoveredFlow, Verdict};
use patchtwin_model::{FlowKind, Scenario};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Largest mapping file read, bytes.
const MAX_MAP_BYTES: u64 = 1 << 20;
/// Most model samples handed to the comparison per flow; beyond, counts are scaled down.
const MAX_MODEL_SAMPLES: u64 = 2_000_000;

/// Arguments of `patchtwin import pcap`.
#[derive(clap::Args)]
pub struct PcapArgs {
    /// Capture files (pcap or pcapng). Each is read on its own; recordings are never merged.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The scenario to import into (read only).
    #[arg(long, value_name = "SCENARIO")]
    into: PathBuf,
    /// The new scenario file to write (YAML). It must not exist yet (see `--force`).
    #[arg(long, value_name = "NEW")]
    out: PathBuf,
    /// Replace `--out` if it is an existing regular file (never a folder, device or link).
    #[arg(long)]
    force: bool,
    /// Address-to-asset mapping: one `address: asset-id` line per endpoint (`#` comments).
    #[arg(long, value_name = "MAPFILE")]
    map: Option<PathBuf>,
    /// Update the period, arrivals and sizes of the scenario's existing flows that the capture
    /// shows (same consumer and producer), instead of appending the discovered flows.
    #[arg(long)]
    calibrate: bool,
}

/// Arguments of `patchtwin check-capture`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Scenario file (YAML or JSON).
    scenario: PathBuf,
    /// Capture files (pcap or pcapng), each compared on its own.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Address-to-asset mapping: one `address: asset-id` line per endpoint (`#` comments).
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

/// Reads a mapping file: `address: asset-id` lines, every asset checked against the scenario.
fn read_mapping(path: &Path, s: &Scenario) -> Result<BTreeMap<IpAddr, String>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("error: {shown}: cannot read: {e}"))?;
    if !meta.is_file() || meta.len() > MAX_MAP_BYTES {
        return Err(format!(
            "error: {shown}: expected a mapping file (a text file of at most {MAX_MAP_BYTES} bytes)"
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("error: {shown}: cannot read as UTF-8 text: {e}"))?;
    let mut map = BTreeMap::new();
    let mut first_line: BTreeMap<IpAddr, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The last `: ` separates the address from the asset (IPv6 addresses hold colons).
        let Some((addr, asset)) = line
            .rsplit_once(": ")
            .or_else(|| line.strip_suffix(':').map(|a| (a, "")))
        else {
            errors.push(format!(
                "error: {shown}:{line_no}: expected `address: asset-id`, found `{line}`"
            ));
            continue;
        };
        let addr = addr.trim().trim_matches(|c| c == '"' || c == '\'');
        let asset = asset.trim().trim_matches(|c| c == '"' || c == '\'');
        let Ok(ip) = addr.parse::<IpAddr>() else {
            errors.push(format!(
                "error: {shown}:{line_no}: `{addr}` is not an IP address (expected e.g. `192.168.0.20: plc-1`)"
            ));
            continue;
        };
        if s.asset_by_id(asset).is_none() {
            let hint = patchtwin_scenario::diag::did_you_mean(
                asset,
                s.assets.iter().map(|a| a.id.as_str()),
            );
            errors.push(format!(
                "error: {shown}:{line_no}: address {ip}: unknown asset `{asset}`{hint}; the mapping names assets of the scenario"
            ));
            continue;
        }
        if let Some(first) = first_line.get(&ip) {
            errors.push(format!(
                "error: {shown}:{line_no}: address {ip} is already mapped on line {first}"
            ));
            continue;
        }
        first_line.insert(ip, line_no);
        map.insert(ip, asset.to_string());
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors.join("\n"))
    }
}

/// One capture file's discovered flows.
struct Read {
    file: PathBuf,
    flows: Vec<DiscoveredFlow>,
}

/// Reads every capture; a file that cannot be read is bad input naming it.
fn read_captures(files: &[PathBuf]) -> Result<Vec<Read>, String> {
    let mut out = Vec::new();
    for f in files {
        if f.is_dir() {
            return Err(format!(
                "error: {}: is a directory; expected a pcap or pcapng file",
                f.display()
            ));
        }
        let c = patchtwin_capture::read_capture(f).map_err(|e| format!("error: {e}"))?;
        if !c.warnings.is_empty() {
            complain!(
                "note: {}: {} problem(s) inside the capture were skipped, the first: packet {}: {}",
                f.display(),
                c.warnings.len() as u64 + c.warnings_dropped,
                c.warnings[0].packet,
                c.warnings[0].message
            );
        }
        out.push(Read {
            file: f.clone(),
            flows: patchtwin_capture::discover_flows(&c),
        });
    }
    Ok(out)
}

/// Protocol names that denote the same wire protocol (the capture's name, the scenario's).
fn same_protocol(captured: &str, modelled: &str) -> bool {
    fn canon(p: &str) -> &str {
        match p {
            "cip" | "enip" | "ethernet_ip" => "ethernet_ip",
            "modbus" | "modbus_tcp" => "modbus_tcp",
            "s7" | "s7comm" => "s7comm",
            "bacnet" | "bacnet_ip" => "bacnet_ip",
            other => other,
        }
    }
    canon(captured) == canon(&modelled.to_ascii_lowercase())
}

/// The scenario's poll flows from `consumer` to `producer`, narrowed to the captured protocol
/// when that leaves any.
fn model_flows(s: &Scenario, consumer: &str, producer: &str, protocol: &str) -> Vec<usize> {
    let ends: Vec<usize> = (0..s.flows.len())
        .filter(|&i| {
            let f = &s.flows[i];
            f.kind == FlowKind::Poll
                && s.assets[f.consumer.ix()].id == consumer
                && s.assets[f.producer.ix()].id == producer
        })
        .collect();
    let same: Vec<usize> = ends
        .iter()
        .copied()
        .filter(|&i| same_protocol(protocol, &s.flows[i].protocol))
        .collect();
    if same.is_empty() { ends } else { same }
}

/// Prints the addresses no asset has, with what they did.
fn print_unmatched(reads: &[Read], mapping: &BTreeMap<IpAddr, String>) {
    let mut roles: BTreeMap<IpAddr, Vec<String>> = BTreeMap::new();
    for r in reads {
        for f in &r.flows {
            for (ip, role) in [(f.client, "client"), (f.server.ip(), "server")] {
                if !mapping.contains_key(&ip) {
                    roles.entry(ip).or_default().push(format!(
                        "{role} of {} → {} ({})",
                        f.client,
                        f.server,
                        f.protocol.scenario_name()
                    ));
                }
            }
        }
    }
    if roles.is_empty() {
        return;
    }
    say!("unmatched endpoints (no asset in the mapping; their flows are left out):");
    for (ip, what) in roles {
        say!("  {ip}: {}", what.join("; "));
    }
}

/// The leading comment lines of a YAML text, without their `#`.
fn leading_comments(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with('#'))
        .map(|l| {
            let c = &l[1..];
            c.strip_prefix(' ').unwrap_or(c).trim_end().to_string()
        })
        .collect()
}

fn name_of(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Sets the capture's period, arrivals and sizes on one flow entry of the value tree; returns
/// what changed, as `key old → new` texts.
fn apply_fitted(entry: &mut serde_json::Map<String, Value>, f: &DiscoveredFlow) -> Vec<String> {
    let fit = patchtwin_capture::fitted(f);
    let mut changes = Vec::new();
    let mut set = |key: &str, new: Option<String>| {
        let Some(new) = new else { return };
        let old = entry.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        if old.as_deref() != Some(new.as_str()) {
            changes.push(format!(
                "{key} {} → {new}",
                old.as_deref().unwrap_or("(default)")
            ));
            entry.insert(key.to_string(), Value::String(new));
        }
    };
    set("period", fit.period.clone());
    set(
        "arrivals",
        fit.period
            .is_some()
            .then(|| if fit.poisson { "poisson" } else { "periodic" }.to_string()),
    );
    set("request_size", Some(fit.request_size));
    set("response_size", fit.response_size);
    changes
}

/// Runs `patchtwin import pcap`. `Ok(Err(message))` is bad input (exit code 2).
pub fn import_pcap(a: PcapArgs) -> anyhow::Result<Result<(), String>> {
    let mut inputs: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    inputs.extend(a.map.as_deref());
    let (text, lib, scenario) = match load_into(&a.into, &a.out, &inputs) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let mapping = match a.map.as_deref().map(|m| read_mapping(m, &scenario)) {
        None => BTreeMap::new(),
        Some(Ok(m)) => m,
        Some(Err(e)) => return Ok(Err(e)),
    };
    let reads = match read_captures(&a.files) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let mut root = match patchtwin_scenario::source::read(&text) {
        Ok((v, _)) => v,
        Err(_) => anyhow::bail!("{} validated but cannot be re-read", a.into.display()),
    };
    let mut notes = patchtwin_import::yaml::Notes::new();
    let mut report = String::new();
    let (mut done, mut skipped) = (0usize, 0usize);
    {
        let Some(obj) = root.as_object_mut() else {
            anyhow::bail!("{} is not a mapping", a.into.display());
        };
        let flows = obj
            .entry("flows")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(flows) = flows.as_array_mut() else {
            anyhow::bail!("`flows` of {} is not a list", a.into.display());
        };
        let mut ids: Vec<String> = flows
            .iter()
            .filter_map(|f| f.get("id")?.as_str().map(str::to_string))
            .collect();
        let mut calibrated: BTreeMap<usize, String> = BTreeMap::new();
        for r in &reads {
            let file = name_of(&r.file);
            let m = patchtwin_capture::map_endpoints(&r.flows, &mapping);
            for (f, ends) in r.flows.iter().zip(&m.assets) {
                let what = format!(
                    "{} → {} ({})",
                    f.client,
                    f.server,
                    f.protocol.scenario_name()
                );
                let (Some(consumer), Some(producer)) = ends else {
                    skipped += 1;
                    continue;
                };
                let mut evidence = vec![format!("From {file}:")];
                evidence.extend(patchtwin_capture::evidence_lines(f, true, true));
                if a.calibrate {
                    let proto = f.protocol.scenario_name();
                    let found = model_flows(&scenario, consumer, producer, proto);
                    let [i] = found[..] else {
                        let why = if found.is_empty() {
                            format!(
                                "the scenario has no poll flow {consumer} → {producer}; import without --calibrate to add it"
                            )
                        } else {
                            let ids: Vec<&str> = found
                                .iter()
                                .map(|&i| scenario.flows[i].id.as_str())
                                .collect();
                            format!(
                                "several flows match ({}); which one it is is ambiguous",
                                ids.join(", ")
                            )
                        };
                        let _ = writeln!(report, "not calibrated: {what}: {why}");
                        skipped += 1;
                        continue;
                    };
                    let id = &scenario.flows[i].id;
                    if let Some(earlier) = calibrated.get(&i) {
                        let _ = writeln!(
                            report,
                            "not calibrated: {what}: flow {id} was already calibrated from {earlier}"
                        );
                        skipped += 1;
                        continue;
                    }
                    let Some(pos) = flows
                        .iter()
                        .position(|v| v.get("id").and_then(Value::as_str) == Some(id))
                    else {
                        anyhow::bail!("flow {id} is in the scenario but not in its file");
                    };
                    let Some(entry) = flows[pos].as_object_mut() else {
                        anyhow::bail!("flow {id} is not a mapping");
                    };
                    let changes = apply_fitted(entry, f);
                    let change_text = if changes.is_empty() {
                        "nothing to change".to_string()
                    } else {
                        changes.join(", ")
                    };
                    let _ = writeln!(report, "calibrated {id} from {what}: {change_text}");
                    evidence.insert(
                        0,
                        format!(
                            "Calibrated by `patchtwin import pcap --calibrate`: {change_text}."
                        ),
                    );
                    notes.insert(("flows".into(), pos), evidence);
                    calibrated.insert(i, file.clone());
                    done += 1;
                } else {
                    if f.period.is_none() {
                        let _ = writeln!(
                            report,
                            "not added: {what}: {} request(s), too few to measure a period",
                            f.requests
                        );
                        skipped += 1;
                        continue;
                    }
                    let base = format!(
                        "{consumer}-{producer}-{}",
                        f.protocol.scenario_name().replace('_', "-")
                    );
                    let mut id = base.clone();
                    let mut n = 2;
                    while ids.contains(&id) {
                        id = format!("{base}-{n}");
                        n += 1;
                    }
                    ids.push(id.clone());
                    let mut entry = serde_json::Map::new();
                    entry.insert("id".into(), Value::String(id.clone()));
                    entry.insert("kind".into(), Value::String("poll".into()));
                    entry.insert(
                        "protocol".into(),
                        Value::String(f.protocol.scenario_name().into()),
                    );
                    entry.insert("consumer".into(), Value::String(consumer.clone()));
                    entry.insert("producer".into(), Value::String(producer.clone()));
                    apply_fitted(&mut entry, f);
                    notes.insert(("flows".into(), flows.len()), evidence);
                    flows.push(Value::Object(entry));
                    let _ = writeln!(report, "added {id} from {what}");
                    done += 1;
                }
            }
        }
    }
    print_unmatched(&reads, &mapping);
    let into_name = name_of(&a.into);
    let files: Vec<String> = a.files.iter().map(|f| name_of(f)).collect();
    let mut header = vec![
        format!(
            "{} — `{into_name}` with flows {} by `patchtwin import pcap` from {}.",
            scenario.name,
            if a.calibrate { "calibrated" } else { "added" },
            files.join(", ")
        ),
        "Each flow it touched carries the capture's evidence in a comment above it. Timeouts, retries,"
            .into(),
        "deadlines and service times are not in a capture: review them.".into(),
        format!("The comments of `{into_name}` are not carried over, except its header, which follows."),
    ];
    let original = leading_comments(&text);
    if !original.is_empty() {
        header.push(String::new());
        header.push(format!("--- header of {into_name} ---"));
        header.extend(original);
    }
    let yaml = patchtwin_import::yaml::to_yaml(&root, &header, &notes);
    let _ = writeln!(
        report,
        "{done} flow(s) {}, {skipped} left out",
        if a.calibrate { "calibrated" } else { "added" }
    );
    if done == 0 {
        return Ok(Err(format!(
            "{report}error: no flow of the capture could be {}; nothing was written{}",
            if a.calibrate { "calibrated" } else { "added" },
            if mapping.is_empty() {
                " (give --map FILE with `address: asset-id` lines)"
            } else {
                ""
            }
        )));
    }
    if let Err(d) = patchtwin_scenario::load_str(&yaml, &a.out.display().to_string(), &lib) {
        return Ok(Err(format!(
            "{report}error: the scenario with the captured flows does not validate (is there a network path between each flow's assets?); nothing was written:\n{}",
            d.render()
        )));
    }
    finish(
        &yaml,
        &report,
        &Target {
            path: a.out,
            force: a.force,
        },
        &lib,
    )
}

/// One capture flow checked against one model flow.
struct Checked {
    file: String,
    captured: DiscoveredFlow,
    flow: usize,
    model_cdf: Vec<(f64, f64)>,
    comparison: Comparison,
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

fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        Verdict::Agree => "agree",
        Verdict::ModelSlower(_) => "model_slower",
        Verdict::ModelFaster(_) => "model_faster",
        Verdict::NotEnoughData => "not_enough_data",
    }
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
                "verdict": verdict_name(&c.comparison.verdict),
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

/// Runs `patchtwin check-capture`. `Ok(Err(message))` is bad input (exit code 2).
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
    let observe_ns = match crate::observe_ns(&a.observe, s.horizon) {
        Ok(v) => v,
        Err(crate::BadInput(e)) => return Ok(Err(e)),
    };
    let mapping = match a.map.as_deref().map(|m| read_mapping(m, &s)) {
        None => BTreeMap::new(),
        Some(Ok(m)) => m,
        Some(Err(e)) => return Ok(Err(e)),
    };
    let reads = match read_captures(&a.files) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let mut pairs = Vec::new();
    let mut not_modelled = Vec::new();
    for r in &reads {
        let m = patchtwin_capture::map_endpoints(&r.flows, &mapping);
        for (f, ends) in r.flows.iter().zip(&m.assets) {
            if let (Some(consumer), Some(producer)) = ends {
                let found = model_flows(&s, consumer, producer, f.protocol.scenario_name());
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
                ": give --map FILE with `address: asset-id` lines"
            } else {
                ""
            }
        )));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = patchtwin_sim::Compiled::new(s.clone());
    let settings = patchtwin_mc::McSettings {
        runs: a.runs,
        seed: a.seed,
        threads,
        observe_ns,
    };
    let results = patchtwin_mc::run(&model, &[0], settings, &|_| {})?;
    let plan = &results.plans[0];
    let checked: Vec<Checked> = pairs
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
        .collect();
    let doc = check_json(&s, &loaded.sha256, &a, observe_ns, &checked);
    let pretty = serde_json::to_string_pretty(&doc)?;
    // Everything is on disk before anything is printed.
    if let Some(out) = &a.out {
        let mut files = vec![("check.json".to_string(), pretty.clone() + "\n")];
        for (k, c) in checked.iter().enumerate() {
            let id = &s.flows[c.flow].id;
            files.push((
                format!(
                    "charts/capture-cdf-{}.svg",
                    patchtwin_report::charts::file_safe(id, k)
                ),
                cdf_chart(&s, c),
            ));
        }
        let marker = patchtwin_report::output::RunMarker {
            tool: "patchtwin".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scenario: s.name.clone(),
            scenario_sha256: loaded.sha256.clone(),
            seed: a.seed,
            runs: a.runs,
            plans: vec![s.plans[0].id.clone()],
            files: Vec::new(),
        };
        match patchtwin_report::output::write_set(out, &files, marker, a.force) {
            Ok(_) => {}
            Err(e @ patchtwin_report::WriteError::Io { .. }) => {
                return Ok(Err(format!("error: {e}")));
            }
            Err(e) => return Ok(Err(e.to_string())),
        }
    }
    if a.json {
        say!("{pretty}");
    } else {
        say!(
            "model: plan {} of {}, {} replication(s), seed {}, {} s observed each\n",
            s.plans[0].id,
            s.name,
            a.runs,
            a.seed,
            observe_ns as f64 / 1e9
        );
        for c in &checked {
            say!("{}", table(&s, c));
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
    Ok(Ok(()))
}

/// The model's and the capture's response-time CDFs of one flow, in the report's chart style.
fn cdf_chart(s: &Scenario, c: &Checked) -> String {
    use plotters::prelude::*;
    let f = &s.flows[c.flow];
    let title = format!("Response time of {}: model and capture", f.id);
    let measured: Vec<(f64, f64)> = {
        let n = c.captured.response_times_s.len() as f64;
        c.captured
            .response_times_s
            .iter()
            .enumerate()
            .map(|(k, x)| (x * 1e3, (k + 1) as f64 / n))
            .collect()
    };
    let all = c.model_cdf.iter().chain(&measured).map(|p| p.0);
    let lo = all.clone().fold(f64::INFINITY, f64::min).max(1e-3) / 1.5;
    let hi = all.fold(0.0, f64::max).max(lo * 10.0) * 1.5;
    let mut buf = String::new();
    let drawn: Result<(), Box<dyn std::error::Error>> = (|| {
        let root = SVGBackend::with_string(&mut buf, (760, 440)).into_drawing_area();
        root.fill(&WHITE)?;
        let axis = ("sans-serif", 14).into_font().color(&RGBColor(40, 40, 40));
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, ("sans-serif", 18).into_font())
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..1.0)?;
        chart
            .configure_mesh()
            .label_style(axis.clone())
            .axis_desc_style(axis)
            .x_desc("response time, ms (log scale)")
            .y_desc("share answered within")
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .light_line_style(RGBAColor(255, 255, 255, 0.0))
            .draw()?;
        let curves = [
            (
                format!("model ({} replies)", c.comparison.samples.0),
                RGBColor(0, 114, 178),
                &c.model_cdf,
            ),
            (
                format!("capture ({} replies)", c.comparison.samples.1),
                RGBColor(213, 94, 0),
                &measured,
            ),
        ];
        for (label, color, points) in curves {
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    color.stroke_width(2),
                ))?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160))
            .label_font(("sans-serif", 13))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    match drawn {
        Ok(()) => buf,
        Err(e) => format!(
            "<svg width=\"760\" height=\"440\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"20\" y=\"40\" font-family=\"sans-serif\" font-size=\"14\">the chart could not be drawn: {}</text></svg>\n",
            e.to_string().replace(['<', '>', '&'], " ")
        ),
    }
}
