//! Test and benchmark fixtures of patchtwin (dev-only, not published): a deterministic
//! generator of a large, realistic-looking plant, `scenarios/large-plant.yaml`.
//!
//! The shipped scenarios are small enough to read; this one exists for scale: validation and
//! routing speed (the `validate` benchmark in `benches/`), and simulation performance on a plant
//! of the size of a real site. It is written as YAML text directly, from a fixed-seed
//! splitmix64 stream, so the same `sites` always gives byte-identical output; the test
//! `tests/large_plant.rs` checks that the committed file still equals
//! `large_plant(DEFAULT_SITES)`. After changing anything here, regenerate and commit the file:
//!
//! ```text
//! cargo run -q -p patchtwin-fixtures --example generate_large_plant > scenarios/large-plant.yaml
//! ```
//!
//! The plant: a chemicals complex of `sites` production areas with [`CELLS_PER_SITE`] process
//! cells each, on the Purdue model —
//! - plant-wide: an enterprise zone (MES, router), an internet-side vendor cloud for condition
//!   monitoring, an IT/OT DMZ (firewalls, vendor remote-access gateway, historian mirror, MQTT
//!   broker) and a site-operations zone (core switches behind an IPS, central historian, EWS);
//! - per area: a supervisory zone (area firewall and switch, a redundant pair of SCADA servers,
//!   an area historian, an EWS, four control-room HMIs), a safety (SIS) zone and a wireless
//!   IIoT zone;
//! - per cell: its own zone and cell switch, 22–32 controllers (PLCs and safety controllers in
//!   process cells, PLCs and RTUs in utility cells, protection IEDs in substations), two or
//!   three HMI panels, an IIoT gateway and 14–24 wireless sensors.
//!
//! Both SCADA servers poll every controller of their area, the area historian collects from
//! them, PLCs publish interlocks to their neighbours (IEDs: GOOSE), safety controllers publish
//! permissives, HMI panels poll their cell, and sensor telemetry goes gateway → DMZ broker →
//! cloud. Every flow crosses zones only along a conduit that allows its protocol. One process
//! unit per cell depends on its controllers, interlocks, safety and control functions (with
//! k-of-n redundancy of SCADA servers, RTUs and protection relays) and on the utilities and
//! substation cells of its half of the area. Vendors, products and advisories are fictional,
//! except CVE-2019-0708 on the Windows 7 engineering workstations.
//!
//! Modules, in the order [`large_plant`] uses them: `rng` (the seeded stream), `yaml` (section
//! buffers and line writers), `plant` (device and cell types, fixed names and inventories),
//! `network` (plant-wide zones, devices and flows), `area` (an area's supervisory level and
//! flows), `cell` (a cell's devices), `cell_flows` (a cell's flows), `functions` (functions
//! and process units), `security` (advisories, patches, controls, windows, threat, plans) and
//! `document` (the header and the file).
//!
//! Also test support: [`browser`] finds and runs headless Chromium for the browser tests of
//! the report and of the trainer's pages.

/// `writeln!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

mod area;
pub mod browser;
mod cell;
mod cell_flows;
mod document;
mod functions;
mod network;
mod plant;
mod rng;
mod security;
mod yaml;

/// Production areas of the committed `scenarios/large-plant.yaml` (2,000+ assets, 6,000+ flows).
pub const DEFAULT_SITES: usize = 4;
/// Process cells per production area: six process lines, two utilities, two substations.
pub const CELLS_PER_SITE: usize = 10;
/// Seed of the splitmix64 stream: changing it changes every generated plant.
const SEED: u64 = 0x7061_7463_6874_7769;

/// The generated plant as scenario YAML, with `sites` production areas (at least 1) of
/// [`CELLS_PER_SITE`] cells each. Deterministic: equal `sites` give equal text.
pub fn large_plant(sites: usize) -> String {
    let sites = sites.max(1);
    let mut rng = rng::Rng(SEED);
    let mut o = yaml::Out::default();
    network::plant_wide(&mut o);
    let mut cells = Vec::new();
    let mut names = cell::names();
    let area_flows: Vec<_> = (1..=sites)
        .map(|s| area::area(&mut o, &mut rng, s, &mut names, &mut cells))
        .collect();
    network::plant_flows(&mut o);
    let (functions, n_functions) = functions::functions(&area_flows, &cells);
    let (units, unit_costs) = functions::process_units(&mut rng, &cells);
    let controls = security::controls(sites);
    let windows = security::windows(sites);
    let threat = security::threat(unit_costs);
    let (plans, n_affected) = security::plans(sites, &cells);
    document::document(
        sites,
        &o,
        document::Sections {
            functions,
            n_functions,
            units,
            n_units: cells.len(),
            controls,
            windows,
            threat,
            plans,
            n_affected,
        },
    )
}
