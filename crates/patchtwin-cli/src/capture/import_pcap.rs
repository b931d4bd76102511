//! `patchtwin import pcap`: the flows a capture shows, written into a copy of a scenario
//! (with the evidence as comments), or the scenario's existing flows calibrated to it
//! (`--calibrate`: period, arrivals and sizes).
//!
//! Not here: the overwrite rules and validation of the result (`crate::import`), pcap parsing
//! and fitting (`patchtwin-capture`).

use super::mapping::mapping;
use super::{model_flows, name_of, print_unmatched, read_captures};
use crate::import_io::{Target, finish, load_into};
use patchtwin_capture::DiscoveredFlow;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
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

/// Runs `patchtwin import pcap`. `Ok(Err(message))` is bad input (exit code 2).
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
    let mut notes = patchtwin_import::yaml::Notes::new();
    let mut report = String::new();
    let (mut done, mut skipped) = (0usize, 0usize);
    {
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
    // The mapping file's addresses become the assets' own `addresses:`, so that the new
    // scenario is checked against the capture without the file.
    if let Some(assets) = root.get_mut("assets").and_then(Value::as_array_mut) {
        for (ip, id) in &mapping {
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
    let into_name = name_of(&a.target.into);
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
