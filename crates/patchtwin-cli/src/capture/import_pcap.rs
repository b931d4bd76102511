//! `patchtwin import pcap`: the flows a capture shows, written into a copy of a scenario
//! (with the evidence as comments), or the scenario's existing flows calibrated to it
//! (`--calibrate`: period, arrivals and sizes).
//!
//! Not here: the overwrite rules and validation of the result (`crate::import`), pcap parsing
//! and fitting (`patchtwin-capture`).

use super::mapping::mapping;
use super::{Read, model_flows, name_of, print_unmatched, read_captures};
use crate::import_io::{Target, finish, load_into};
use patchtwin_capture::DiscoveredFlow;
use patchtwin_model::Scenario;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Arguments of `patchtwin import pcap`.
#[derive(clap::Args)]
pub struct PcapArgs {
    /// Capture files (pcap or pcapng). Each is read on its own; recordings are never merged.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    target: Target,
    /// Address-to-asset mapping: one `address: asset-id` line per endpoint (`#` comments), on
    /// top of the scenario's own `addresses:` of its assets.
    #[arg(long, value_name = "MAPFILE")]
    map: Option<PathBuf>,
    /// Update the period, arrivals and sizes of the scenario's existing flows that the capture
    /// shows (same consumer and producer), instead of appending the discovered flows.
    #[arg(long)]
    calibrate: bool,
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

/// What `import pcap` did so far: the evidence comments per flow entry, the report printed at
/// the end, and the counts of flows written and left out.
struct Edits {
    notes: patchtwin_import::yaml::Notes,
    report: String,
    done: usize,
    skipped: usize,
}

/// One captured flow whose two ends are assets of the scenario.
struct Mapped<'a> {
    flow: &'a DiscoveredFlow,
    consumer: &'a str,
    producer: &'a str,
    /// `client → server (protocol)`, for the report.
    what: String,
    /// The comment lines above the flow's entry: the capture file and the evidence.
    evidence: Vec<String>,
}

/// Runs `patchtwin import pcap`. `Ok(Err(message))` is bad input (exit code 2). Steps: load
/// the scenario, the mapping and the captures; edit the scenario's value tree (flows added or
/// calibrated, the mapping's addresses given to the assets); write it with a header saying
/// where it came from, once it validates.
pub fn import_pcap(a: PcapArgs) -> anyhow::Result<Result<(), String>> {
    let mut inputs: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    inputs.extend(a.map.as_deref());
    let (text, lib, scenario) = match load_into(&a.target.into, &a.target.path, &inputs) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let mapping = match mapping(a.map.as_deref(), &scenario) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let reads = match read_captures(&a.files) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let mut root = match patchtwin_scenario::source::read(&text) {
        Ok((v, _)) => v,
        Err(_) => anyhow::bail!(
            "{} validated but cannot be re-read",
            a.target.into.display()
        ),
    };
    let mut edits = Edits {
        notes: patchtwin_import::yaml::Notes::new(),
        report: String::new(),
        done: 0,
        skipped: 0,
    };
    edit_flows(&mut root, &a, &scenario, &reads, &mapping, &mut edits)?;
    print_unmatched(&reads, &mapping);
    give_mapped_addresses(&mut root, &scenario, &mapping, &mut edits.report);
    let header = header(&a, &scenario.name, &text);
    let yaml = patchtwin_import::yaml::to_yaml(&root, &header, &edits.notes);
    let Edits {
        mut report,
        done,
        skipped,
        ..
    } = edits;
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
                " (give the assets `addresses:` in the scenario, or --map FILE with `address: asset-id` lines)"
            } else {
                ""
            }
        )));
    }
    if let Err(d) = patchtwin_scenario::load_str(&yaml, &a.target.path.display().to_string(), &lib)
    {
        return Ok(Err(format!(
            "{report}error: the scenario with the captured flows does not validate (is there a network path between each flow's assets?); nothing was written:\n{}",
            d.render()
        )));
    }
    finish(&yaml, &report, &a.target, &lib)
}

/// Every captured flow of `reads` whose ends `mapping` maps to assets, added to the `flows`
/// list of `root` or (`--calibrate`) calibrating the scenario's flow it matches; a flow with an
/// unmapped end is left out (counted).
fn edit_flows(
    root: &mut Value,
    a: &PcapArgs,
    scenario: &Scenario,
    reads: &[Read],
    mapping: &BTreeMap<IpAddr, String>,
    edits: &mut Edits,
) -> anyhow::Result<()> {
    let Some(obj) = root.as_object_mut() else {
        anyhow::bail!("{} is not a mapping", a.target.into.display());
    };
    let flows = obj
        .entry("flows")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(flows) = flows.as_array_mut() else {
        anyhow::bail!("`flows` of {} is not a list", a.target.into.display());
    };
    let mut ids: Vec<String> = flows
        .iter()
        .filter_map(|f| f.get("id")?.as_str().map(str::to_string))
        .collect();
    // Per scenario flow, the capture file it was calibrated from: a second capture of the
    // same flow is reported, not applied over the first.
    let mut calibrated: BTreeMap<usize, String> = BTreeMap::new();
    for r in reads {
        let file = name_of(&r.file);
        let m = patchtwin_capture::map_endpoints(&r.flows, mapping);
        for (f, ends) in r.flows.iter().zip(&m.assets) {
            let (Some(consumer), Some(producer)) = ends else {
                edits.skipped += 1;
                continue;
            };
            let mut evidence = vec![format!("From {file}:")];
            evidence.extend(patchtwin_capture::evidence_lines(f, true, true));
            let flow = Mapped {
                flow: f,
                consumer,
                producer,
                what: format!(
                    "{} → {} ({})",
                    f.client,
                    f.server,
                    f.protocol.scenario_name()
                ),
                evidence,
            };
            if a.calibrate {
                calibrate_flow(flows, scenario, flow, &file, &mut calibrated, edits)?;
            } else {
                add_flow(flows, &mut ids, flow, edits);
            }
        }
    }
    Ok(())
}

/// Calibrates the one scenario flow (`flows` is its file's list) that `m` matches: same
/// consumer, producer and protocol. No match, several, or one already calibrated from another
/// capture: reported and left out.
fn calibrate_flow(
    flows: &mut [Value],
    scenario: &Scenario,
    m: Mapped<'_>,
    file: &str,
    calibrated: &mut BTreeMap<usize, String>,
    edits: &mut Edits,
) -> anyhow::Result<()> {
    let Mapped {
        flow: f,
        consumer,
        producer,
        what,
        mut evidence,
    } = m;
    let proto = f.protocol.scenario_name();
    let found = model_flows(scenario, consumer, producer, proto);
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
        let _ = writeln!(edits.report, "not calibrated: {what}: {why}");
        edits.skipped += 1;
        return Ok(());
    };
    let id = &scenario.flows[i].id;
    if let Some(earlier) = calibrated.get(&i) {
        let _ = writeln!(
            edits.report,
            "not calibrated: {what}: flow {id} was already calibrated from {earlier}"
        );
        edits.skipped += 1;
        return Ok(());
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
    let _ = writeln!(edits.report, "calibrated {id} from {what}: {change_text}");
    evidence.insert(
        0,
        format!("Calibrated by `patchtwin import pcap --calibrate`: {change_text}."),
    );
    edits.notes.insert(("flows".into(), pos), evidence);
    calibrated.insert(i, file.to_string());
    edits.done += 1;
    Ok(())
}

/// Appends `m` to `flows` as a new poll flow with a fresh id (`consumer-producer-protocol`,
/// numbered when taken; `ids` are those taken) and the capture's fitted parameters. A flow
/// with too few requests to measure a period is reported and left out.
fn add_flow(flows: &mut Vec<Value>, ids: &mut Vec<String>, m: Mapped<'_>, edits: &mut Edits) {
    let Mapped {
        flow: f,
        consumer,
        producer,
        what,
        evidence,
    } = m;
    if f.period.is_none() {
        let _ = writeln!(
            edits.report,
            "not added: {what}: {} request(s), too few to measure a period",
            f.requests
        );
        edits.skipped += 1;
        return;
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
    entry.insert("consumer".into(), Value::String(consumer.to_string()));
    entry.insert("producer".into(), Value::String(producer.to_string()));
    apply_fitted(&mut entry, f);
    edits.notes.insert(("flows".into(), flows.len()), evidence);
    flows.push(Value::Object(entry));
    let _ = writeln!(edits.report, "added {id} from {what}");
    edits.done += 1;
}

/// The mapping file's addresses become the assets' own `addresses:` in `root`, so that the
/// new scenario is checked against the capture without the file. Each address given is a
/// line of `report`.
fn give_mapped_addresses(
    root: &mut Value,
    scenario: &Scenario,
    mapping: &BTreeMap<IpAddr, String>,
    report: &mut String,
) {
    let Some(assets) = root.get_mut("assets").and_then(Value::as_array_mut) else {
        return;
    };
    for (ip, id) in mapping {
        let known = scenario
            .asset_by_id(id)
            .is_some_and(|a| scenario.assets[a.ix()].addresses.contains(ip));
        let entry = assets
            .iter_mut()
            .find(|v| v.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .and_then(Value::as_object_mut);
        if let (false, Some(entry)) = (known, entry) {
            let list = entry
                .entry("addresses")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut() {
                list.push(Value::String(ip.to_string()));
                let _ = writeln!(report, "gave asset {id} the address {ip}");
            }
        }
    }
}

/// The written file's header comment: what made it from what, what a capture cannot say, and
/// the original file's own header (`text`'s leading comments), since its other comments are
/// not carried over.
fn header(a: &PcapArgs, scenario_name: &str, text: &str) -> Vec<String> {
    let into_name = name_of(&a.target.into);
    let files: Vec<String> = a.files.iter().map(|f| name_of(f)).collect();
    let mut header = vec![
        format!(
            "{} — `{into_name}` with flows {} by `patchtwin import pcap` from {}.",
            scenario_name,
            if a.calibrate { "calibrated" } else { "added" },
            files.join(", ")
        ),
        "Each flow it touched carries the capture's evidence in a comment above it. Timeouts, retries,"
            .into(),
        "deadlines and service times are not in a capture: review them.".into(),
        format!("The comments of `{into_name}` are not carried over, except its header, which follows."),
    ];
    let original = leading_comments(text);
    if !original.is_empty() {
        header.push(String::new());
        header.push(format!("--- header of {into_name} ---"));
        header.extend(original);
    }
    header
}
