//! The whole file: the header comment (what it is, how it was written, what is in it), the
//! description, and the sections in the order of a scenario file.

use crate::security::SECURITY;
use crate::yaml::{Out, comment};
use crate::{CELLS_PER_SITE, DEFAULT_SITES};
use std::fmt::Write as _;

/// The sections written apart from the network's buffers, and what the header reports of them.
pub(crate) struct Sections {
    pub(crate) functions: String,
    pub(crate) n_functions: usize,
    pub(crate) units: String,
    pub(crate) n_units: usize,
    pub(crate) controls: String,
    pub(crate) windows: String,
    pub(crate) threat: String,
    pub(crate) plans: String,
    /// PLCs on affected firmware.
    pub(crate) n_affected: usize,
}

/// The scenario file for `sites` areas from the network `o` and the other `sections`.
pub(crate) fn document(sites: usize, o: &Out, sections: Sections) -> String {
    let Sections {
        functions,
        n_functions,
        units,
        n_units,
        controls,
        windows,
        threat,
        plans,
        n_affected,
    } = sections;
    let n_assets: usize = o.kinds.values().sum();
    let n_flows = o.n_poll + o.n_publish;
    let kinds = o
        .kinds
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let command = if sites == DEFAULT_SITES {
        String::new()
    } else {
        format!(" -- --sites {sites}")
    };
    let size = format!(
        "Size: {n_assets} assets ({kinds}); {} zones, {} conduits, {} links, {n_flows} flows ({} poll, {} publish), {n_functions} functions, {} process units.",
        o.n_zones, o.n_conduits, o.n_links, o.n_poll, o.n_publish, n_units
    );
    let paragraphs = [
        "large-plant — GENERATED: do not edit by hand.".to_string(),
        format!("Written by\n  cargo run -q -p patchtwin-fixtures --example generate_large_plant{command} > scenarios/large-plant.yaml"),
        "(patchtwin_fixtures::large_plant, with a fixed seed: the same command always writes the same bytes, and a test fails when this file and the generator disagree; `--sites N` sets the number of production areas.)".to_string(),
        "What it is for: scale. Validation, routing and simulation on a plant of the size of a real chemicals site; the smaller scenarios beside it are the ones to read.".to_string(),
        format!(
            "The plant: {sites} production areas of {CELLS_PER_SITE} cells each (per area: 6 process lines, 2 utilities cells, 2 substations). \
             Plant-wide: enterprise (MES), vendor cloud, IT/OT DMZ (remote-access gateway, historian mirror, MQTT broker), \
             site operations behind a firewall and an IPS (core switches, central historian, EWS). \
             Per area: a supervisory zone (area firewall, redundant SCADA pair, historian, EWS, 4 control-room HMIs), a SIS zone and a wireless IIoT zone. \
             Per cell: its own zone and switch, 22-32 controllers, 2-3 HMI panels, an IIoT gateway with 14-24 sensors."
        ),
        "Flows: both SCADA servers poll every controller, the area historian collects, PLCs publish interlocks (relays: GOOSE), \
         safety controllers publish permissives, HMI panels poll their cell, sensors -> gateway -> DMZ broker -> cloud. \
         One process unit per cell, depending on its controllers, interlocks, safety and control (k-of-n SCADA, RTU and relay redundancy) \
         and on its area's utilities and substation cells."
            .to_string(),
        size,
        format!(
            "Security: six advisories (fictional vendors and ids, except CVE-2019-0708 on the Windows 7 EWS), \
             matched by software inventory ({n_affected} PLCs run affected NX-1500 firmware); a patch for each; \
             five compensating controls; a plant turnaround on day 120 and a monthly window per area; four entry points. \
             Plans: defer (baseline), area-windows, staged-firmware, controls-then-turnaround."
        ),
    ];
    let mut f = String::with_capacity(2 << 20);
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            w!(f, "#");
        }
        comment(&mut f, p);
    }
    w!(f, "name: large-plant");
    w!(
        f,
        "description: >-\n  A generated chemicals complex of {sites} production areas and {} cells ({n_assets} assets, {n_flows} flows), for\n  validation, routing and simulation at scale. Compares deferring, patching area by area in monthly\n  windows, a staged PLC firmware rollout, and compensating controls with patching at the turnaround.",
        n_units
    );
    w!(f, "horizon: 180d\ncurrency: EUR\n");
    w!(f, "zones:\n{}", o.zones);
    w!(f, "conduits:\n{}", o.conduits);
    w!(f, "assets:\n{}", o.assets);
    w!(f, "links:\n{}", o.links);
    w!(f, "flows:\n{}", o.flows);
    w!(f, "functions:\n{functions}");
    w!(f, "process_units:\n{units}");
    f.push_str(SECURITY);
    w!(f, "\ncontrols:\n{controls}");
    w!(f, "maintenance_windows:\n{windows}");
    w!(f, "threat:\n{threat}");
    f.push_str("plans:\n");
    f.push_str(&plans);
    f
}
