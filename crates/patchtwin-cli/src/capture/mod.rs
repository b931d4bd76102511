//! `patchtwin import pcap` and `patchtwin check-capture`: a plant's own traffic into the
//! scenario, and the scenario checked against that traffic. Glue only, in modules:
//! `mapping` (addresses to assets: the scenario's `addresses:` and a mapping file),
//! `import_pcap` (the flows the capture shows written into a new scenario, or existing flows
//! calibrated), `check` (the baseline plan run with `patchtwin-mc` and each captured flow's
//! response times compared with `patchtwin_capture::compare`, printed and written as one
//! report set) and `chart` (the CDF chart of a check). This file holds what both commands
//! share: reading the captures, matching a captured flow to the scenario's flows, and the
//! list of unmatched endpoints.
//!
//! Not here: pcap parsing, flow discovery and the statistics (`patchtwin-capture`), the
//! simulation (`patchtwin-sim`), the overwrite rules (`patchtwin-report`'s output module).

mod chart;
mod check;
mod import_pcap;
mod mapping;

pub use check::{CheckArgs, check};
pub use import_pcap::{PcapArgs, import_pcap};

use patchtwin_capture::DiscoveredFlow;
use patchtwin_model::{FlowKind, Scenario};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

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

fn name_of(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
