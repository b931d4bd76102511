//! A deterministic generator of a large, realistic-looking plant: `scenarios/large-plant.yaml`.
//!
//! The shipped scenarios are small enough to read; this one exists for scale: validation and
//! routing speed (the `validate` benchmark in `benches/`), and simulation performance on a plant
//! of the size of a real site. It is written as YAML text directly, from a fixed-seed
//! splitmix64 stream, so the same `sites` always gives byte-identical output; the test
//! `tests/large_plant.rs` checks that the committed file still equals
//! `large_plant(DEFAULT_SITES)`. After changing anything here, regenerate and commit the file:
//!
//! ```text
//! cargo run -q -p patchtwin-scenario --example generate_large_plant > scenarios/large-plant.yaml
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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Production areas of the committed `scenarios/large-plant.yaml` (2,000+ assets, 6,000+ flows).
pub const DEFAULT_SITES: usize = 4;
/// Process cells per production area: six process lines, two utilities, two substations.
pub const CELLS_PER_SITE: usize = 10;
/// Seed of the splitmix64 stream: changing it changes every generated plant.
const SEED: u64 = 0x7061_7463_6874_7769;

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for picking plant details.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) / ((1u64 << 53) as f64) < p
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A duration in milliseconds, written with the largest unit that keeps it whole.
fn dur(ms: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1000, "s"),
    ];
    for (scale, unit) in UNITS {
        if ms >= scale && ms.is_multiple_of(scale) {
            return format!("{}{unit}", ms / scale);
        }
    }
    format!("{ms}ms")
}

/// `, software: [...]` for an inventory, or nothing.
fn software(items: &[(&str, &str, &str)]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let list: Vec<String> = items
        .iter()
        .map(|(v, p, ver)| format!("{{vendor: {v}, product: {p}, version: \"{ver}\"}}"))
        .collect();
    format!(", software: [{}]", list.join(", "))
}

const NORVIK: &str = "Norvik Automation";
const WIN2016: (&str, &str, &str) = ("Microsoft", "Windows Server 2016 Standard", "10.0.14393");
const WIN7: (&str, &str, &str) = ("Microsoft", "Windows 7 Professional SP1", "6.1.7601");
const NX_STUDIO: (&str, &str, &str) = (NORVIK, "NX Studio", "V15.1");
/// PLC firmware versions affected by the generated PLC advisory.
const NX1500_AFFECTED: [&str; 2] = ["V3.1.1", "V3.1.2"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dev {
    FastPlc,
    LegacyPlc,
    Safety,
    Rtu,
    Ied,
}

impl Dev {
    fn model(self) -> &'static str {
        match self {
            Dev::FastPlc => "fast-plc",
            Dev::LegacyPlc => "legacy-plc",
            Dev::Safety => "safety-controller",
            Dev::Rtu => "rtu",
            Dev::Ied => "protection-ied",
        }
    }
    fn kind(self) -> &'static str {
        match self {
            Dev::FastPlc | Dev::LegacyPlc => "plc",
            Dev::Safety => "safety_controller",
            Dev::Rtu => "rtu",
            Dev::Ied => "ied",
        }
    }
    fn prefix(self) -> &'static str {
        match self {
            Dev::FastPlc | Dev::LegacyPlc => "plc",
            Dev::Safety => "sis",
            Dev::Rtu => "rtu",
            Dev::Ied => "ied",
        }
    }
    fn is_plc(self) -> bool {
        matches!(self, Dev::FastPlc | Dev::LegacyPlc)
    }
    /// Protocol SCADA polls it with.
    fn scada_protocol(self) -> &'static str {
        match self {
            Dev::FastPlc | Dev::LegacyPlc | Dev::Safety => "modbus_tcp",
            Dev::Rtu => "dnp3",
            Dev::Ied => "iec61850_mms",
        }
    }
    /// Protocol the historian and HMI panels read it with.
    fn client_protocol(self, hmi: bool) -> &'static str {
        match self {
            Dev::FastPlc if hmi => "ethernet_ip",
            Dev::FastPlc => "opc_ua",
            Dev::LegacyPlc | Dev::Safety => "modbus_tcp",
            Dev::Rtu => "dnp3",
            Dev::Ied => "iec61850_mms",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Process,
    Utilities,
    Substation,
}

struct Ctrl {
    /// Full asset id, e.g. `a1-c03-plc07`.
    id: String,
    /// Short name within the cell, e.g. `plc07`.
    short: String,
    dev: Dev,
    /// Runs a PLC firmware version the generated advisory affects.
    affected: bool,
}

struct Cell {
    site: usize,
    id: String,
    kind: CellKind,
    ctrls: Vec<Ctrl>,
    /// Per controller: the SCADA-1 and SCADA-2 poll flows.
    scada_polls: Vec<(String, String)>,
    /// Per controller: the HMI-panel poll flow, if any.
    hmi_polls: Vec<Option<String>>,
    /// Interlock flows: (consumer index into `ctrls`, flow id).
    interlocks: Vec<(usize, String)>,
    /// SIS permissive flows.
    permissives: Vec<String>,
    /// GOOSE trip signals from the first three IEDs to the load-shedding PLC.
    trips: Vec<String>,
    sensor_flows: Vec<String>,
    telemetry: String,
}

impl Cell {
    fn nth_of(&self, pred: impl Fn(Dev) -> bool, n: usize) -> Vec<usize> {
        self.ctrls
            .iter()
            .enumerate()
            .filter(|(_, c)| pred(c.dev))
            .map(|(i, _)| i)
            .take(n)
            .collect()
    }
    /// The controllers the operators' view of the cell depends on.
    fn key_ctrls(&self) -> Vec<usize> {
        match self.kind {
            CellKind::Process => self.nth_of(Dev::is_plc, 3),
            CellKind::Utilities => {
                let mut v = self.nth_of(Dev::is_plc, 1);
                v.extend(self.nth_of(|d| d == Dev::Rtu, 2));
                v
            }
            CellKind::Substation => {
                let mut v = self.nth_of(Dev::is_plc, 1);
                v.extend(self.nth_of(|d| d == Dev::Ied, 2));
                v
            }
        }
    }
}

struct Poll<'a> {
    id: &'a str,
    protocol: &'a str,
    consumer: &'a str,
    producer: &'a str,
    period_ms: u64,
    phase_ms: u64,
    response: &'a str,
    timeout_ms: Option<u64>,
    retries: u32,
    deadline_ms: Option<u64>,
    after_timeouts: u32,
}

struct Publish<'a> {
    id: &'a str,
    protocol: &'a str,
    consumer: &'a str,
    producer: &'a str,
    period_ms: u64,
    phase_ms: u64,
    response: &'a str,
    deadline_ms: Option<u64>,
    watchdog_ms: u64,
}

/// Section buffers and counts.
#[derive(Default)]
struct Out {
    zones: String,
    conduits: String,
    assets: String,
    links: String,
    flows: String,
    n_zones: usize,
    n_conduits: usize,
    n_links: usize,
    n_poll: usize,
    n_publish: usize,
    kinds: BTreeMap<&'static str, usize>,
}

impl Out {
    fn zone(&mut self, id: &str, name: &str, level: &str, sl: Option<u8>) {
        let sl = sl.map_or(String::new(), |s| format!(", security_level_target: {s}"));
        w!(
            self.zones,
            "  - {{id: {id}, name: \"{name}\", purdue_level: {level}{sl}}}"
        );
        self.n_zones += 1;
    }
    fn conduit(&mut self, id: &str, zones: [&str; 2], protocols: &[&str], direction: &str) {
        w!(
            self.conduits,
            "  - {{id: {id}, zones: [{}, {}], protocols: [{}], direction: {direction}}}",
            zones[0],
            zones[1],
            protocols.join(", ")
        );
        self.n_conduits += 1;
    }
    /// `extra` is appended inside the mapping: `, software: [...]`, `, overrides: {...}`, ….
    fn asset(
        &mut self,
        id: &str,
        kind: &'static str,
        zone: &str,
        model: &str,
        criticality: &str,
        extra: &str,
    ) {
        w!(
            self.assets,
            "  - {{id: {id}, kind: {kind}, zone: {zone}, model: {model}, criticality: {criticality}{extra}}}"
        );
        *self.kinds.entry(kind).or_default() += 1;
    }
    fn link(&mut self, a: &str, b: &str, bandwidth: &str, extra: &str) {
        w!(
            self.links,
            "  - {{between: [{a}, {b}], bandwidth: {bandwidth}{extra}}}"
        );
        self.n_links += 1;
    }
    fn poll(&mut self, p: &Poll) {
        let mut s = format!(
            "  - {{id: {}, kind: poll, protocol: {}, consumer: {}, producer: {}, period: {}",
            p.id,
            p.protocol,
            p.consumer,
            p.producer,
            dur(p.period_ms)
        );
        if p.phase_ms > 0 {
            let _ = write!(s, ", phase: {}", dur(p.phase_ms));
        }
        let _ = write!(s, ", response_size: {}", p.response);
        if let Some(t) = p.timeout_ms {
            let _ = write!(s, ", timeout: {}", dur(t));
        }
        if p.retries > 0 {
            let _ = write!(s, ", retries: {}", p.retries);
        }
        if let Some(d) = p.deadline_ms {
            let _ = write!(s, ", deadline: {}", dur(d));
        }
        w!(
            self.flows,
            "{s}, on_loss: {{after_timeouts: {}}}}}",
            p.after_timeouts
        );
        self.n_poll += 1;
    }
    fn publish(&mut self, p: &Publish) {
        let mut s = format!(
            "  - {{id: {}, kind: publish, protocol: {}, consumer: {}, producer: {}, period: {}",
            p.id,
            p.protocol,
            p.consumer,
            p.producer,
            dur(p.period_ms)
        );
        if p.phase_ms > 0 {
            let _ = write!(s, ", phase: {}", dur(p.phase_ms));
        }
        let _ = write!(s, ", response_size: {}", p.response);
        if let Some(d) = p.deadline_ms {
            let _ = write!(s, ", deadline: {}", dur(d));
        }
        w!(
            self.flows,
            "{s}, on_loss: {{watchdog: {}}}}}",
            dur(p.watchdog_ms)
        );
        self.n_publish += 1;
    }
}

const PROCESS_LINES: &[&str] = &[
    "polymerisation",
    "distillation",
    "evaporation",
    "spray drying",
    "granulation",
    "blending",
    "drum filling",
    "extrusion",
    "crystallisation",
    "fermentation",
    "filtration",
    "solvent recovery",
    "hydrogenation",
    "compounding",
    "coating",
    "esterification",
];
const UTILITIES: &[&str] = &[
    "cooling water and chilled water",
    "steam and condensate",
    "compressed air and nitrogen",
    "wastewater treatment",
];

fn kind_of(cell: usize) -> CellKind {
    match cell % 5 {
        4 => CellKind::Utilities,
        0 => CellKind::Substation,
        _ => CellKind::Process,
    }
}

/// The generated plant as scenario YAML, with `sites` production areas (at least 1) of
/// [`CELLS_PER_SITE`] cells each. Deterministic: equal `sites` give equal text.
pub fn large_plant(sites: usize) -> String {
    let sites = sites.max(1);
    let mut rng = Rng(SEED);
    let mut o = Out::default();

    // ---- Plant-wide zones, conduits, assets and links.
    o.zone(
        "cloud",
        "Vendor cloud: condition-monitoring analytics (internet)",
        "5",
        None,
    );
    o.zone(
        "enterprise",
        "Enterprise IT: MES and office network",
        "4",
        None,
    );
    o.zone(
        "dmz",
        "IT/OT DMZ: remote access, historian mirror, MQTT broker",
        "3.5",
        Some(2),
    );
    o.zone(
        "plant-ops",
        "Site operations: core network, IPS, central historian, EWS",
        "3",
        Some(2),
    );
    o.conduit(
        "dmz--cloud",
        ["dmz", "cloud"],
        &["mqtt", "https"],
        "first_to_second",
    );
    o.conduit(
        "enterprise--dmz",
        ["enterprise", "dmz"],
        &["https", "rdp"],
        "first_to_second",
    );
    o.conduit(
        "dmz--plant-ops",
        ["dmz", "plant-ops"],
        &["https", "rdp"],
        "both",
    );

    w!(
        o.assets,
        "  # Plant-wide: enterprise, cloud, DMZ, site operations."
    );
    o.asset("ent-rtr", "router", "enterprise", "router", "medium", "");
    o.asset(
        "mes-1",
        "server",
        "enterprise",
        "mes-server",
        "medium",
        &software(&[("Microsoft", "Windows Server 2019 Standard", "10.0.17763")]),
    );
    o.asset(
        "cloud-analytics",
        "cloud_service",
        "cloud",
        "cloud-analytics",
        "low",
        "",
    );
    o.asset("fw-ent", "firewall", "dmz", "firewall", "high", "");
    o.asset("sw-dmz", "switch", "dmz", "managed-switch", "medium", "");
    o.asset(
        "rag-1",
        "remote_access_gateway",
        "dmz",
        "remote-access-gateway",
        "high",
        &software(&[(NORVIK, "NX Remote Service Gateway", "4.3.1")]),
    );
    o.asset(
        "hist-dmz",
        "historian",
        "dmz",
        "historian",
        "low",
        &software(&[WIN2016]),
    );
    o.asset(
        "mqtt-broker",
        "iiot_gateway",
        "dmz",
        "iiot-gateway",
        "medium",
        &software(&[("Brisa IoT", "EdgeLink Broker", "2.4.0")]),
    );
    o.asset("fw-ot", "firewall", "plant-ops", "firewall", "critical", "");
    o.asset("ips-ot", "ips", "plant-ops", "ips", "high", "");
    o.asset(
        "core-sw-1",
        "switch",
        "plant-ops",
        "managed-switch",
        "critical",
        "",
    );
    o.asset(
        "core-sw-2",
        "switch",
        "plant-ops",
        "managed-switch",
        "critical",
        "",
    );
    o.asset(
        "hist-central",
        "historian",
        "plant-ops",
        "historian",
        "high",
        &software(&[("Microsoft", "Windows Server 2019 Standard", "10.0.17763")]),
    );
    o.asset(
        "ews-1",
        "engineering_workstation",
        "plant-ops",
        "windows-ews",
        "high",
        &software(&[
            ("Microsoft", "Windows 10 Enterprise LTSC 2019", "10.0.17763"),
            NX_STUDIO,
        ]),
    );
    o.asset(
        "ews-2",
        "engineering_workstation",
        "plant-ops",
        "windows-ews",
        "medium",
        &software(&[WIN7, NX_STUDIO]),
    );

    w!(o.links, "  # Plant-wide backbone.");
    o.link("mes-1", "ent-rtr", "1Gbps", "");
    o.link(
        "ent-rtr",
        "cloud-analytics",
        "100Mbps",
        ", latency: 15ms, jitter: {uniform: {min: 0us, max: 3ms}}, loss: 0.0005",
    );
    o.link("ent-rtr", "fw-ent", "1Gbps", ", latency: 20us");
    o.link("fw-ent", "sw-dmz", "1Gbps", "");
    for a in ["rag-1", "hist-dmz", "mqtt-broker"] {
        o.link("sw-dmz", a, "1Gbps", "");
    }
    o.link("sw-dmz", "fw-ot", "1Gbps", "");
    o.link("fw-ot", "ips-ot", "10Gbps", "");
    o.link("ips-ot", "core-sw-1", "10Gbps", "");
    o.link("ips-ot", "core-sw-2", "10Gbps", "");
    o.link("core-sw-1", "core-sw-2", "10Gbps", "");
    o.link("core-sw-1", "hist-central", "1Gbps", "");
    o.link("core-sw-1", "ews-1", "1Gbps", "");
    o.link("core-sw-2", "ews-2", "1Gbps", "");

    // ---- Areas and cells.
    let mut cells: Vec<Cell> = Vec::new();
    let mut cell_names: BTreeMap<String, String> = BTreeMap::new();
    let mut area_flows: Vec<AreaFlows> = Vec::new();
    let mut names = PROCESS_LINES.iter().cycle();
    for s in 1..=sites {
        let a = format!("a{s}");
        let sup = format!("{a}-supervisory");
        let sis_zone = format!("{a}-sis");
        let iiot = format!("{a}-iiot");
        o.zone(
            &sup,
            &format!("Area {s} supervisory: SCADA, control-room HMIs, historian, EWS"),
            "2",
            Some(2),
        );
        o.zone(
            &sis_zone,
            &format!("Area {s} safety instrumented systems"),
            "1",
            Some(3),
        );
        o.zone(
            &iiot,
            &format!("Area {s} wireless IIoT: sensors and edge gateways"),
            "1",
            Some(1),
        );
        o.conduit(
            &format!("plant-ops--{a}"),
            ["plant-ops", &sup],
            &["opc_ua", "rdp", "ethernet_ip"],
            "first_to_second",
        );
        o.conduit(
            &format!("{a}--sis"),
            [&sup, &sis_zone],
            &["modbus_tcp"],
            "first_to_second",
        );
        o.conduit(
            &format!("{a}-iiot--dmz"),
            [&iiot, "dmz"],
            &["mqtt"],
            "first_to_second",
        );

        let (fw, sw, scada1, scada2, hist, ews) = (
            format!("fw-{a}"),
            format!("sw-{a}"),
            format!("scada-{a}-1"),
            format!("scada-{a}-2"),
            format!("hist-{a}"),
            format!("ews-{a}"),
        );
        w!(o.assets, "  # Area {s}: supervisory.");
        o.asset(&fw, "firewall", &sup, "firewall", "critical", "");
        o.asset(&sw, "switch", &sup, "managed-switch", "critical", "");
        let scada_sw = software(&[WIN2016, (NORVIK, "NX SCADA Server", "8.2")]);
        o.asset(
            &scada1,
            "scada_server",
            &sup,
            "scada-server",
            "critical",
            &format!("{scada_sw}, redundancy_partner: {scada2}"),
        );
        o.asset(
            &scada2,
            "scada_server",
            &sup,
            "scada-server",
            "high",
            &format!("{scada_sw}, redundancy_partner: {scada1}"),
        );
        o.asset(
            &hist,
            "historian",
            &sup,
            "historian",
            "high",
            &software(&[WIN2016]),
        );
        o.asset(
            &ews,
            "engineering_workstation",
            &sup,
            "windows-ews",
            "high",
            &software(&[WIN7, NX_STUDIO]),
        );
        let mut room_hmis = Vec::new();
        for k in 1..=4 {
            let id = format!("hmi-{a}-{k}");
            let ver = if rng.chance(0.7) { "16.0.2" } else { "16.1.0" };
            o.asset(
                &id,
                "hmi",
                &sup,
                "hmi-panel",
                "high",
                &software(&[(NORVIK, "NX Panel Runtime", ver)]),
            );
            room_hmis.push(id);
        }
        w!(o.links, "  # Area {s}: supervisory.");
        o.link(&fw, "core-sw-1", "10Gbps", "");
        o.link(&fw, "core-sw-2", "10Gbps", "");
        o.link(&fw, &sw, "1Gbps", "");
        for x in [&scada1, &scada2, &hist, &ews] {
            o.link(&sw, x, "1Gbps", "");
        }
        for x in &room_hmis {
            o.link(&sw, x, "100Mbps", "");
        }

        for c in 1..=CELLS_PER_SITE {
            let kind = kind_of(c);
            let cid = format!("{a}-c{c:02}");
            let name = match kind {
                CellKind::Process => format!("{} line", names.next().expect("cycle")),
                CellKind::Utilities => UTILITIES[(s * 2 + c / 5) % UTILITIES.len()].to_string(),
                CellKind::Substation => format!(
                    "6.6 kV substation {}",
                    if c <= 5 { "north" } else { "south" }
                ),
            };
            cell_names.insert(cid.clone(), name.clone());
            let kind_word = match kind {
                CellKind::Process => "process",
                CellKind::Utilities => "utilities",
                CellKind::Substation => "substation",
            };
            let sl = if kind == CellKind::Process { 3 } else { 2 };
            o.zone(
                &cid,
                &format!("Area {s} cell {c:02}: {name}"),
                "1",
                Some(sl),
            );
            let protocols: &[&str] = match kind {
                CellKind::Process => &["modbus_tcp", "opc_ua", "ethernet_ip"],
                CellKind::Utilities => &["modbus_tcp", "opc_ua", "ethernet_ip", "dnp3"],
                CellKind::Substation => &["modbus_tcp", "opc_ua", "dnp3", "iec61850_mms"],
            };
            o.conduit(
                &format!("{a}--c{c:02}"),
                [&sup, &cid],
                protocols,
                "first_to_second",
            );

            // Controllers.
            let n = rng.range(22, 32) as usize;
            let mut devs: Vec<Dev> = Vec::new();
            match kind {
                CellKind::Process => {
                    let n_sis = rng.range(1, 2) as usize;
                    for i in 0..n - n_sis {
                        devs.push(if i > 0 && rng.chance(0.2) {
                            Dev::LegacyPlc
                        } else {
                            Dev::FastPlc
                        });
                    }
                    devs.extend(std::iter::repeat_n(Dev::Safety, n_sis));
                }
                CellKind::Utilities => {
                    let n_rtu = rng.range(4, 7) as usize;
                    for i in 0..n - n_rtu {
                        devs.push(if i > 0 && rng.chance(0.3) {
                            Dev::LegacyPlc
                        } else {
                            Dev::FastPlc
                        });
                    }
                    devs.extend(std::iter::repeat_n(Dev::Rtu, n_rtu));
                }
                CellKind::Substation => {
                    devs.extend([Dev::FastPlc, Dev::Rtu, Dev::Rtu]);
                    devs.extend(std::iter::repeat_n(Dev::Ied, n - 3));
                }
            }
            if kind == CellKind::Process {
                o.conduit(
                    &format!("{a}-sis--c{c:02}"),
                    [&sis_zone, &cid],
                    &["ethernet_ip"],
                    "first_to_second",
                );
            }
            let csw = format!("sw-{cid}");
            w!(o.assets, "  # Area {s} cell {c:02} ({kind_word}): {name}.");
            w!(o.links, "  # Area {s} cell {c:02}.");
            o.asset(&csw, "switch", &cid, "managed-switch", "high", "");
            o.link(&fw, &csw, "1Gbps", "");
            let mut counters: BTreeMap<&str, usize> = BTreeMap::new();
            let mut ctrls = Vec::new();
            for (i, dev) in devs.iter().copied().enumerate() {
                let k = counters.entry(dev.prefix()).or_default();
                *k += 1;
                let short = format!("{}{:02}", dev.prefix(), k);
                let id = format!("{cid}-{short}");
                let (zone, crit) = match dev {
                    Dev::Safety => (sis_zone.as_str(), "critical"),
                    _ if i == 0 => (cid.as_str(), "critical"),
                    Dev::Ied => (cid.as_str(), "high"),
                    _ => (
                        cid.as_str(),
                        if rng.chance(0.4) { "high" } else { "medium" },
                    ),
                };
                let mut affected = false;
                let inventory = match dev {
                    Dev::FastPlc => {
                        let r = rng.below(10);
                        let ver = if r < 5 {
                            "V3.1.2"
                        } else if r < 7 {
                            "V3.1.1"
                        } else {
                            "V3.2.0"
                        };
                        affected = NX1500_AFFECTED.contains(&ver);
                        (NORVIK, "NX-1500 CPU", ver)
                    }
                    Dev::LegacyPlc => (
                        NORVIK,
                        "NX-300 CPU",
                        if rng.chance(0.6) { "V1.8" } else { "V1.9" },
                    ),
                    Dev::Safety => (NORVIK, "NS-200 SIL3 Logic Solver", "2.4.0"),
                    Dev::Rtu => (
                        "Kestrel Telemetry",
                        "KT-50 RTU",
                        if rng.chance(0.5) { "5.2.1" } else { "5.3.0" },
                    ),
                    Dev::Ied => (
                        "Voltec Grid",
                        "VX-400 Protection Relay",
                        if rng.chance(0.7) { "R7.3" } else { "R7.4" },
                    ),
                };
                let mut extra = software(&[inventory]);
                if dev == Dev::FastPlc && rng.chance(0.1) {
                    extra.push_str(", overrides: {scan_cycle: {triangular: {min: 15ms, mode: 20ms, max: 30ms}}, cpu_load: 0.45}");
                } else if dev == Dev::LegacyPlc && rng.chance(0.15) {
                    extra.push_str(", overrides: {cpu_load: 0.65}");
                }
                o.asset(&id, dev.kind(), zone, dev.model(), crit, &extra);
                let link_extra = if dev == Dev::FastPlc && rng.chance(0.3) {
                    ", jitter: {uniform: {min: 0us, max: 20us}}"
                } else {
                    ""
                };
                o.link(
                    &csw,
                    &id,
                    if dev == Dev::LegacyPlc {
                        "10Mbps"
                    } else {
                        "100Mbps"
                    },
                    link_extra,
                );
                ctrls.push(Ctrl {
                    id,
                    short,
                    dev,
                    affected,
                });
            }
            let n_hmi = rng.range(2, 3) as usize;
            let mut hmis = Vec::new();
            for k in 1..=n_hmi {
                let id = format!("{cid}-hmi{k}");
                let ver = if rng.chance(0.7) { "16.0.2" } else { "16.1.0" };
                o.asset(
                    &id,
                    "hmi",
                    &cid,
                    "hmi-panel",
                    "medium",
                    &software(&[(NORVIK, "NX Panel Runtime", ver)]),
                );
                o.link(&csw, &id, "100Mbps", "");
                hmis.push(id);
            }
            let gw = format!("{cid}-gw");
            let gw_ver = if rng.chance(0.8) { "3.2.7" } else { "3.3.0" };
            o.asset(
                &gw,
                "iiot_gateway",
                &iiot,
                "iiot-gateway",
                "low",
                &software(&[("Brisa IoT", "EdgeLink Gateway", gw_ver)]),
            );
            o.link(&csw, &gw, "100Mbps", "");
            let n_sensors = rng.range(14, 24) as usize;
            let mut sensors = Vec::new();
            for k in 1..=n_sensors {
                let id = format!("{cid}-snr{k:02}");
                o.asset(&id, "iiot_sensor", &iiot, "iiot-sensor", "low", "");
                o.link(
                    &gw,
                    &id,
                    "250kbps",
                    ", latency: 4ms, jitter: {uniform: {min: 0us, max: 10ms}}, loss: 0.002",
                );
                sensors.push(id);
            }

            // Flows of the cell.
            w!(o.flows, "  # Area {s} cell {c:02} ({kind_word}): {name}.");
            let mut cell = Cell {
                site: s,
                id: cid.clone(),
                kind,
                ctrls,
                scada_polls: Vec::new(),
                hmi_polls: Vec::new(),
                interlocks: Vec::new(),
                permissives: Vec::new(),
                trips: Vec::new(),
                sensor_flows: Vec::new(),
                telemetry: format!("{cid}-telemetry"),
            };
            for ctrl in &cell.ctrls {
                let (period, response) = match ctrl.dev {
                    Dev::FastPlc => (
                        rng.pick(&[250, 500, 500, 1000]),
                        rng.pick(&["256B", "512B", "1KiB"]),
                    ),
                    Dev::LegacyPlc => (rng.pick(&[500, 1000]), "256B"),
                    Dev::Safety => (1000, "256B"),
                    Dev::Rtu => (rng.pick(&[1000, 2000]), "512B"),
                    Dev::Ied => (rng.pick(&[500, 1000]), "1KiB"),
                };
                let mut ids = Vec::new();
                for (k, scada) in [(1, &scada1), (2, &scada2)] {
                    let id = format!("{cid}-poll{k}-{}", ctrl.short);
                    let phase = rng.below(period);
                    o.poll(&Poll {
                        id: &id,
                        protocol: ctrl.dev.scada_protocol(),
                        consumer: scada,
                        producer: &ctrl.id,
                        period_ms: period,
                        phase_ms: phase,
                        response,
                        timeout_ms: None,
                        retries: 1,
                        deadline_ms: Some(period / 2),
                        after_timeouts: 3,
                    });
                    ids.push(id);
                }
                let poll2 = ids.pop().expect("two polls");
                let poll1 = ids.pop().expect("two polls");
                cell.scada_polls.push((poll1, poll2));
            }
            for ctrl in cell.ctrls.iter().filter(|c| c.dev != Dev::Safety) {
                let period = match ctrl.dev {
                    Dev::FastPlc => rng.pick(&[1000, 2000, 5000]),
                    Dev::Ied => 2000,
                    _ => 5000,
                };
                let phase = rng.below(period);
                o.poll(&Poll {
                    id: &format!("{cid}-hist-{}", ctrl.short),
                    protocol: ctrl.dev.client_protocol(false),
                    consumer: &hist,
                    producer: &ctrl.id,
                    period_ms: period,
                    phase_ms: phase,
                    response: "2KiB",
                    timeout_ms: None,
                    retries: 0,
                    deadline_ms: None,
                    after_timeouts: 10,
                });
            }
            // PLC interlocks (produced/consumed tags, connection timeout 4 x RPI): each PLC
            // consumes its predecessor's data, and some one more PLC's.
            let plcs: Vec<usize> = (0..cell.ctrls.len())
                .filter(|&i| cell.ctrls[i].dev.is_plc())
                .collect();
            let mut pairs = BTreeSet::new();
            for j in 1..plcs.len() {
                let mut producers = vec![plcs[j - 1]];
                if rng.chance(0.4) {
                    let k = plcs[rng.below(plcs.len() as u64) as usize];
                    if k != plcs[j] && k != plcs[j - 1] {
                        producers.push(k);
                    }
                }
                for p in producers {
                    if !pairs.insert((plcs[j], p)) {
                        continue;
                    }
                    let (cons, prod) = (&cell.ctrls[plcs[j]], &cell.ctrls[p]);
                    let legacy = cons.dev == Dev::LegacyPlc || prod.dev == Dev::LegacyPlc;
                    let period = if legacy {
                        200
                    } else {
                        rng.pick(&[20, 50, 100])
                    };
                    let id = format!("{cid}-il-{}-{}", cons.short, prod.short);
                    o.publish(&Publish {
                        id: &id,
                        protocol: "ethernet_ip",
                        consumer: &cons.id,
                        producer: &prod.id,
                        period_ms: period,
                        phase_ms: rng.below(period / 2),
                        response: "128B",
                        deadline_ms: Some(period),
                        watchdog_ms: 4 * period,
                    });
                    cell.interlocks.push((plcs[j], id));
                }
            }
            // Safety permissives: each safety controller to the main PLC and one more.
            let sis: Vec<usize> = (0..cell.ctrls.len())
                .filter(|&i| cell.ctrls[i].dev == Dev::Safety)
                .collect();
            for &si in &sis {
                let other = plcs[1 + rng.below(plcs.len() as u64 - 1) as usize];
                for target in [plcs[0], other] {
                    let (cons, prod) = (&cell.ctrls[target], &cell.ctrls[si]);
                    let id = format!("{cid}-perm-{}-{}", prod.short, cons.short);
                    o.publish(&Publish {
                        id: &id,
                        protocol: "ethernet_ip",
                        consumer: &cons.id,
                        producer: &prod.id,
                        period_ms: 100,
                        phase_ms: rng.below(50),
                        response: "64B",
                        deadline_ms: Some(100),
                        watchdog_ms: 400,
                    });
                    cell.permissives.push(id);
                }
            }
            // Substations: GOOSE between neighbouring relays, and trip signals from the first
            // three relays to the load-shedding PLC.
            let ieds: Vec<usize> = (0..cell.ctrls.len())
                .filter(|&i| cell.ctrls[i].dev == Dev::Ied)
                .collect();
            for j in 1..ieds.len() {
                let mut pairs = vec![(ieds[j], ieds[j - 1])];
                if rng.chance(0.5) {
                    pairs.push((ieds[j - 1], ieds[j]));
                }
                for (ci, pi) in pairs {
                    let (cons, prod) = (&cell.ctrls[ci], &cell.ctrls[pi]);
                    o.publish(&Publish {
                        id: &format!("{cid}-goose-{}-{}", cons.short, prod.short),
                        protocol: "goose",
                        consumer: &cons.id,
                        producer: &prod.id,
                        period_ms: 50,
                        phase_ms: rng.below(25),
                        response: "160B",
                        deadline_ms: Some(10),
                        watchdog_ms: 200,
                    });
                }
            }
            if kind == CellKind::Substation {
                for &ii in ieds.iter().take(3) {
                    let (cons, prod) = (&cell.ctrls[plcs[0]], &cell.ctrls[ii]);
                    let id = format!("{cid}-trip-{}", prod.short);
                    o.publish(&Publish {
                        id: &id,
                        protocol: "goose",
                        consumer: &cons.id,
                        producer: &prod.id,
                        period_ms: 50,
                        phase_ms: rng.below(25),
                        response: "160B",
                        deadline_ms: Some(10),
                        watchdog_ms: 200,
                    });
                    cell.trips.push(id);
                }
            }
            // HMI panels: each polls its share of the cell's controllers (not the SIS).
            let mut panel = 0;
            for ctrl in &cell.ctrls {
                if ctrl.dev == Dev::Safety {
                    cell.hmi_polls.push(None);
                    continue;
                }
                let which = panel % hmis.len();
                panel += 1;
                let hmi = &hmis[which];
                let period = rng.pick(&[500, 1000]);
                let id = format!("{cid}-hmi{}-{}", which + 1, ctrl.short);
                o.poll(&Poll {
                    id: &id,
                    protocol: ctrl.dev.client_protocol(true),
                    consumer: hmi,
                    producer: &ctrl.id,
                    period_ms: period,
                    phase_ms: rng.below(period),
                    response: "1KiB",
                    timeout_ms: None,
                    retries: 0,
                    deadline_ms: Some(period / 2),
                    after_timeouts: 5,
                });
                cell.hmi_polls.push(Some(id));
            }
            // Wireless sensors publish to the gateway; the gateway forwards to the DMZ broker.
            for (k, snr) in sensors.iter().enumerate() {
                let period = rng.pick(&[5000, 10_000, 30_000, 60_000]);
                let id = format!("{cid}-snr{:02}-data", k + 1);
                o.publish(&Publish {
                    id: &id,
                    protocol: "wirelesshart",
                    consumer: &gw,
                    producer: snr,
                    period_ms: period,
                    phase_ms: rng.below(period / 1000) * 1000,
                    response: "64B",
                    deadline_ms: None,
                    watchdog_ms: 3 * period,
                });
                cell.sensor_flows.push(id);
            }
            o.publish(&Publish {
                id: &cell.telemetry,
                protocol: "mqtt",
                consumer: "mqtt-broker",
                producer: &gw,
                period_ms: 10_000,
                phase_ms: rng.below(10) * 1000,
                response: "4KiB",
                deadline_ms: None,
                watchdog_ms: 120_000,
            });
            cells.push(cell);
        }

        // Area-level flows.
        w!(
            o.flows,
            "  # Area {s}: control room, historian, engineering."
        );
        let mut view = Vec::new();
        for (k, hmi) in room_hmis.iter().enumerate() {
            let mut pair = Vec::new();
            for (j, scada) in [(1, &scada1), (2, &scada2)] {
                let id = format!("{a}-room{}-scada{j}", k + 1);
                o.poll(&Poll {
                    id: &id,
                    protocol: "opc_ua",
                    consumer: hmi,
                    producer: scada,
                    period_ms: 500,
                    phase_ms: rng.below(500),
                    response: "4KiB",
                    timeout_ms: None,
                    retries: 0,
                    deadline_ms: Some(250),
                    after_timeouts: 5,
                });
                pair.push(id);
            }
            view.push(pair);
        }
        let mut history = Vec::new();
        for (j, scada) in [(1, &scada1), (2, &scada2)] {
            let id = format!("{a}-hist-scada{j}");
            o.poll(&Poll {
                id: &id,
                protocol: "opc_ua",
                consumer: &hist,
                producer: scada,
                period_ms: 1000,
                phase_ms: rng.below(1000),
                response: "8KiB",
                timeout_ms: None,
                retries: 0,
                deadline_ms: Some(500),
                after_timeouts: 10,
            });
            history.push(id);
        }
        // The area EWS watches the main PLC of the first three cells online.
        for cell in cells.iter().filter(|c| c.site == s).take(3) {
            let plc = &cell.ctrls[0];
            o.poll(&Poll {
                id: &format!("{a}-ews-{}-{}", &cell.id[a.len() + 1..], plc.short),
                protocol: "ethernet_ip",
                consumer: &ews,
                producer: &plc.id,
                period_ms: 10_000,
                phase_ms: rng.below(10) * 1000,
                response: "1KiB",
                timeout_ms: Some(5000),
                retries: 0,
                deadline_ms: None,
                after_timeouts: 3,
            });
        }
        let central = format!("central-collect-{a}");
        o.poll(&Poll {
            id: &central,
            protocol: "opc_ua",
            consumer: "hist-central",
            producer: &hist,
            period_ms: 5000,
            phase_ms: rng.below(5) * 1000,
            response: "32KiB",
            timeout_ms: Some(5000),
            retries: 1,
            deadline_ms: None,
            after_timeouts: 10,
        });
        area_flows.push(AreaFlows {
            view,
            history,
            central,
        });
    }

    // Plant-wide flows.
    w!(
        o.flows,
        "  # Plant-wide: historian replication, MES, cloud analytics."
    );
    o.publish(&Publish {
        id: "hist-replicate-dmz",
        protocol: "https",
        consumer: "hist-dmz",
        producer: "hist-central",
        period_ms: 5000,
        phase_ms: 0,
        response: "16KiB",
        deadline_ms: None,
        watchdog_ms: 120_000,
    });
    o.poll(&Poll {
        id: "mes-read-historian",
        protocol: "https",
        consumer: "mes-1",
        producer: "hist-dmz",
        period_ms: 60_000,
        phase_ms: 0,
        response: "32KiB",
        timeout_ms: Some(10_000),
        retries: 0,
        deadline_ms: None,
        after_timeouts: 5,
    });
    o.publish(&Publish {
        id: "cloud-ingest",
        protocol: "mqtt",
        consumer: "cloud-analytics",
        producer: "mqtt-broker",
        period_ms: 10_000,
        phase_ms: 0,
        response: "64KiB",
        deadline_ms: None,
        watchdog_ms: 300_000,
    });

    // ---- Functions.
    let mut functions = String::new();
    let mut n_functions = 0;
    let mut func = |out: &mut String, id: &str, kind: &str, deps: &[String]| {
        w!(out, "  - id: {id}\n    kind: {kind}\n    depends_on:");
        for d in deps {
            w!(out, "      - {d}");
        }
        n_functions += 1;
    };
    let flow = |id: &str| format!("{{flow: {id}}}");
    let k_of = |k: usize, alts: Vec<String>| format!("{{k: {k}, of: [{}]}}", alts.join(", "));
    for (i, af) in area_flows.iter().enumerate() {
        let a = format!("a{}", i + 1);
        w!(functions, "  # Area {}.", i + 1);
        let hmis: Vec<String> = af
            .view
            .iter()
            .map(|pair| k_of(1, pair.iter().map(|f| flow(f)).collect()))
            .collect();
        // Operators see the area when at least two control-room HMIs reach a SCADA server.
        func(
            &mut functions,
            &format!("{a}-operator-view"),
            "view",
            &[k_of(2, hmis)],
        );
        func(
            &mut functions,
            &format!("{a}-history"),
            "history",
            &[
                format!("asset: hist-{a}"),
                k_of(1, af.history.iter().map(|f| flow(f)).collect()),
            ],
        );
        for cell in cells.iter().filter(|c| c.site == i + 1) {
            let cid = &cell.id;
            let mut view = vec![format!("function: {a}-operator-view")];
            for k in cell.key_ctrls() {
                let (p1, p2) = &cell.scada_polls[k];
                view.push(k_of(1, vec![flow(p1), flow(p2)]));
            }
            func(&mut functions, &format!("{cid}-view"), "view", &view);
            // Control from the control room, or from the cell's own panel when the room is blind.
            let main_panel = cell.hmi_polls[0]
                .as_deref()
                .expect("the main PLC has a panel");
            func(
                &mut functions,
                &format!("{cid}-control"),
                "control",
                &[k_of(
                    1,
                    vec![format!("{{function: {cid}-view}}"), flow(main_panel)],
                )],
            );
            match cell.kind {
                CellKind::Process | CellKind::Utilities => {
                    let key: Vec<usize> = cell.nth_of(Dev::is_plc, 4);
                    let deps: Vec<String> = cell
                        .interlocks
                        .iter()
                        .filter(|(c, _)| key.contains(c))
                        .map(|(_, f)| format!("flow: {f}"))
                        .collect();
                    if !deps.is_empty() {
                        func(
                            &mut functions,
                            &format!("{cid}-interlock"),
                            "interlock",
                            &deps,
                        );
                    }
                    if !cell.permissives.is_empty() {
                        let deps: Vec<String> = cell
                            .permissives
                            .iter()
                            .map(|f| format!("flow: {f}"))
                            .collect();
                        func(&mut functions, &format!("{cid}-safety"), "safety", &deps);
                    }
                }
                CellKind::Substation => {
                    // 2-out-of-3 protection: two healthy relays whose trips reach the PLC.
                    let ieds: Vec<String> = cell
                        .nth_of(|d| d == Dev::Ied, 3)
                        .iter()
                        .map(|&i| format!("{{asset: {}}}", cell.ctrls[i].id))
                        .collect();
                    let trips: Vec<String> = cell.trips.iter().map(|f| flow(f)).collect();
                    func(
                        &mut functions,
                        &format!("{cid}-protection"),
                        "safety",
                        &[k_of(2, ieds), k_of(2, trips)],
                    );
                }
            }
            let sensors: Vec<String> = cell.sensor_flows.iter().map(|f| flow(f)).collect();
            let k = (sensors.len() * 3).div_ceil(4);
            func(
                &mut functions,
                &format!("{cid}-telemetry"),
                "telemetry",
                &[format!("flow: {}", cell.telemetry), k_of(k, sensors)],
            );
        }
    }
    w!(functions, "  # Plant-wide.");
    let mut plant_history: Vec<String> = area_flows
        .iter()
        .map(|af| format!("flow: {}", af.central))
        .collect();
    plant_history.push("flow: hist-replicate-dmz".into());
    func(&mut functions, "plant-history", "history", &plant_history);
    let cell_telemetry: Vec<String> = cells
        .iter()
        .map(|c| format!("{{function: {}-telemetry}}", c.id))
        .collect();
    let k = (cell_telemetry.len() * 9).div_ceil(10);
    func(
        &mut functions,
        "condition-monitoring",
        "telemetry",
        &["flow: cloud-ingest".into(), k_of(k, cell_telemetry)],
    );

    // ---- Process units: one per cell.
    let mut units = String::new();
    let mut unit_costs: Vec<(u64, String)> = Vec::new();
    for cell in &cells {
        let cid = &cell.id;
        let s = cell.site;
        let c: usize = cid[cid.len() - 2..].parse().expect("two-digit cell number");
        // Process lines 1–3 draw on utilities 4 and substation 5; lines 6–8 on 9 and 10.
        let (util, sub) = if c <= 5 { (4, 5) } else { (9, 10) };
        let main = &cell.ctrls[0].id;
        let mut deps: Vec<String> = Vec::new();
        let (restart, cost, impact, trip);
        match cell.kind {
            CellKind::Process => {
                deps.push(format!("asset: {main}"));
                if cell
                    .interlocks
                    .iter()
                    .any(|(ci, _)| cell.nth_of(Dev::is_plc, 4).contains(ci))
                {
                    deps.push(format!("function: {cid}-interlock"));
                }
                deps.push(format!("function: {cid}-safety"));
                deps.push(format!("{{function: {cid}-control, tolerate: 30m}}"));
                deps.push(format!(
                    "{{function: a{s}-c{util:02}-control, tolerate: 20m}}"
                ));
                deps.push(format!("function: a{s}-c{sub:02}-protection"));
                let median = rng.range(2, 8);
                restart = format!("{{lognormal: {{median: {median}h, p95: {}h}}}}", median * 3);
                cost = rng.range(16, 90) * 500;
                impact = rng.range(5, 60) * 100_000;
                trip = rng.range(30, 70);
            }
            CellKind::Utilities => {
                deps.push(format!("{{asset: {main}, tolerate: 10m}}"));
                let rtus: Vec<String> = cell
                    .nth_of(|d| d == Dev::Rtu, 2)
                    .iter()
                    .map(|&i| format!("{{asset: {}}}", cell.ctrls[i].id))
                    .collect();
                deps.push(k_of(1, rtus));
                deps.push(format!("{{function: {cid}-control, tolerate: 1h}}"));
                deps.push(format!("function: a{s}-c{sub:02}-protection"));
                restart = "{triangular: {min: 30m, mode: 1h, max: 4h}}".to_string();
                cost = rng.range(6, 20) * 500;
                impact = rng.range(5, 20) * 100_000;
                trip = rng.range(30, 60);
            }
            CellKind::Substation => {
                deps.push(format!("function: {cid}-protection"));
                deps.push(format!("{{asset: {main}, tolerate: 5m}}"));
                deps.push(format!("{{function: {cid}-control, tolerate: 2h}}"));
                restart = "{pert: {min: 1h, mode: 2h, max: 6h}}".to_string();
                cost = rng.range(4, 12) * 500;
                impact = rng.range(10, 40) * 100_000;
                trip = rng.range(40, 80);
            }
        }
        w!(
            units,
            "  - id: {cid}-unit\n    name: \"Area {s} cell {c:02}: {}\"\n    depends_on:",
            cell_names[cid]
        );
        for d in &deps {
            w!(units, "      - {d}");
        }
        w!(
            units,
            "    restart_time: {restart}\n    downtime_cost_per_hour: {cost}\n    compromise_impact_cost: {impact}\n    attack_trip_probability: 0.{trip:02}"
        );
        unit_costs.push((impact, format!("{cid}-unit")));
    }

    // ---- Security: vulnerabilities, patches, controls, windows, threat, plans.
    let ews_all: Vec<String> = ["ews-1".to_string(), "ews-2".to_string()]
        .into_iter()
        .chain((1..=sites).map(|s| format!("ews-a{s}")))
        .collect();
    let mut controls = String::new();
    w!(
        controls,
        "  - id: restrict-vendor-access\n    kind: remote_access_restriction\n    description: Vendor VPN accounts disabled by default; sessions on request only, with MFA and a site engineer watching.\n    entry_point: vendor-vpn\n    residual: 0.05\n    deploy_time: {{triangular: {{min: 2h, mode: 4h, max: 1d}}}}\n    failure_probability: 0.02"
    );
    w!(
        controls,
        "  - id: allowlist-ews\n    kind: allowlisting\n    description: Application allowlisting on every engineering workstation.\n    assets: [{}]\n    exploit_success: 0.35\n    deploy_time: {{pert: {{min: 3d, mode: 7d, max: 21d}}}}\n    failure_probability: {{beta: {{alpha: 2, beta: 30}}}}",
        ews_all.join(", ")
    );
    let mut watched = vec!["plant-ops".to_string()];
    for s in 1..=sites {
        watched.push(format!("a{s}-supervisory"));
        watched.extend((1..=CELLS_PER_SITE).map(|c| format!("a{s}-c{c:02}")));
    }
    w!(
        controls,
        "  - id: ot-monitoring\n    kind: monitoring\n    description: Passive OT network monitoring on site operations, supervisory and cell networks, alerts to the SOC.\n    zones: [{}]\n    detection_probability: {{beta: {{alpha: 3, beta: 5}}}}\n    time_to_respond: {{lognormal: {{median: 12h, p95: 4d}}}}\n    deploy_time: {{pert: {{min: 2d, mode: 5d, max: 14d}}}}\n    failure_probability: 0.05",
        watched.join(", ")
    );
    w!(
        controls,
        "  - id: ips-virtual-patch\n    kind: virtual_patch\n    description: IPS signatures on the DMZ-to-operations conduit for the RDP and HMI-runtime exploits.\n    conduit: dmz--plant-ops\n    blocks: [CVE-2019-0708, NVK-SA-2025-021]\n    miss_probability: 0.1\n    inspection_latency: 300us\n    deploy_time: {{triangular: {{min: 4h, mode: 1d, max: 3d}}}}\n    failure_probability: 0.03"
    );
    w!(
        controls,
        "  - id: no-rdp-from-dmz\n    kind: segmentation\n    description: Only historian replication (https) crosses from the DMZ to site operations; vendor RDP is cut off.\n    conduit: dmz--plant-ops\n    allow_protocols: [https]\n    deploy_time: 2h\n    failure_probability: 0.01"
    );

    let mut windows = String::new();
    w!(
        windows,
        "  - id: turnaround\n    first: 120d\n    every: 365d\n    duration: 2d"
    );
    for s in 1..=sites {
        let mut zones = vec![
            format!("a{s}-supervisory"),
            format!("a{s}-sis"),
            format!("a{s}-iiot"),
        ];
        zones.extend((1..=CELLS_PER_SITE).map(|c| format!("a{s}-c{c:02}")));
        w!(
            windows,
            "  - id: a{s}-monthly\n    first: {}d\n    every: 28d\n    duration: 8h\n    zones: [{}]",
            5 + 7 * ((s - 1) % 4),
            zones.join(", ")
        );
    }

    unit_costs.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
    let mut threat = String::new();
    w!(threat, "  capability: high\n  entry_points:");
    w!(
        threat,
        "    - {{id: vendor-vpn, kind: vendor_remote_access, asset: rag-1, mean_time_between_attempts: 30d, foothold_probability: {{beta: {{alpha: 3, beta: 7}}}}}}"
    );
    w!(
        threat,
        "    - {{id: corporate-it, kind: enterprise_it, asset: mes-1, mean_time_between_attempts: 20d, foothold_probability: 0.4}}"
    );
    w!(
        threat,
        "    - {{id: usb-a1-ews, kind: removable_media, asset: ews-a1, mean_time_between_attempts: 90d, foothold_probability: 0.3}}"
    );
    w!(
        threat,
        "    - {{id: exposed-broker, kind: internet_service, asset: mqtt-broker, mean_time_between_attempts: 45d, foothold_probability: 0.2}}"
    );
    w!(threat, "  targets:");
    let mut targets: Vec<&str> = unit_costs.iter().take(5).map(|(_, u)| u.as_str()).collect();
    if !targets.contains(&"a1-c05-unit") {
        targets.push("a1-c05-unit");
    }
    for u in targets {
        w!(threat, "    - {{process_unit: {u}}}");
    }
    w!(threat, "    - {{asset: hist-central, impact_cost: 250000}}");

    // PLCs on affected firmware, per area; the staged rollout starts with two in area 1.
    let affected: Vec<Vec<&str>> = (1..=sites)
        .map(|s| {
            cells
                .iter()
                .filter(|c| c.site == s)
                .flat_map(|c| c.ctrls.iter().filter(|x| x.affected).map(|x| x.id.as_str()))
                .collect()
        })
        .collect();
    // Pilots: two affected PLCs of area 1 that are not the main controller of their cell.
    let pilots: Vec<&str> = cells
        .iter()
        .filter(|c| c.site == 1)
        .flat_map(|c| {
            c.ctrls[1..]
                .iter()
                .filter(|x| x.affected)
                .map(|x| x.id.as_str())
        })
        .take(2)
        .collect();
    let mut plans = String::new();
    w!(
        plans,
        "  - id: defer\n    description: Change nothing within the horizon; patch at the turnaround a year after this one.\n    actions: []"
    );
    w!(
        plans,
        "  - id: area-windows\n    description: PLC firmware area by area in each area's monthly window; the rest at the next window.\n    actions:"
    );
    for (i, list) in affected.iter().enumerate() {
        if !list.is_empty() {
            w!(
                plans,
                "      - patch: nx1500-fw-v3.1.3\n        at: next_window:a{}-monthly\n        assets: [{}]",
                i + 1,
                list.join(", ")
            );
        }
    }
    for p in [
        "nx-panel-16.1.0",
        "vx400-r7.4",
        "edgelink-3.3.0",
        "KB4499175",
        "nx-rsg-4.3.2",
    ] {
        w!(plans, "      - {{patch: {p}, at: next_window}}");
    }
    w!(
        plans,
        "  - id: staged-firmware\n    description: Pilot the PLC firmware on two area-1 PLCs now, watch them for 14 days, then roll out at the next window; patch the remote-access gateway now.\n    actions:"
    );
    w!(
        plans,
        "      - patch: nx1500-fw-v3.1.3\n        at: now\n        staged: {{first: [{}], soak: 14d, rest_at_next_window: true}}",
        pilots.join(", ")
    );
    w!(plans, "      - {{patch: nx-rsg-4.3.2, at: now}}");
    w!(
        plans,
        "  - id: controls-then-turnaround\n    description: Compensating controls today; every patch at the turnaround on day 120.\n    actions:"
    );
    for c in [
        "restrict-vendor-access",
        "allowlist-ews",
        "ot-monitoring",
        "ips-virtual-patch",
    ] {
        w!(plans, "      - {{control: {c}, at: now}}");
    }
    for p in [
        "nx1500-fw-v3.1.3",
        "nx-panel-16.1.0",
        "vx400-r7.4",
        "edgelink-3.3.0",
        "KB4499175",
        "nx-rsg-4.3.2",
    ] {
        w!(
            plans,
            "      - {{patch: {p}, at: \"next_window:turnaround\"}}"
        );
    }

    // ---- The file.
    let n_assets: usize = o.kinds.values().sum();
    let n_flows = o.n_poll + o.n_publish;
    let kinds = o
        .kinds
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let n_affected: usize = affected.iter().map(Vec::len).sum();
    let command = if sites == DEFAULT_SITES {
        String::new()
    } else {
        format!(" -- --sites {sites}")
    };
    let size = format!(
        "Size: {n_assets} assets ({kinds}); {} zones, {} conduits, {} links, {n_flows} flows ({} poll, {} publish), {n_functions} functions, {} process units.",
        o.n_zones,
        o.n_conduits,
        o.n_links,
        o.n_poll,
        o.n_publish,
        cells.len()
    );
    let paragraphs = [
        "large-plant — GENERATED: do not edit by hand.".to_string(),
        format!("Written by\n  cargo run -q -p patchtwin-scenario --example generate_large_plant{command} > scenarios/large-plant.yaml"),
        "(patchtwin_scenario::generate::large_plant, with a fixed seed: the same command always writes the same bytes, and a test fails when this file and the generator disagree; `--sites N` sets the number of production areas.)".to_string(),
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
        cells.len()
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

/// Writes `text` as `# ` comment lines of at most 100 columns; a line of `text` that starts with
/// two spaces is preformatted and kept whole.
fn comment(out: &mut String, text: &str) {
    for part in text.split('\n') {
        if part.starts_with("  ") {
            w!(out, "# {part}");
            continue;
        }
        let mut line = String::from("#");
        for word in part.split(' ') {
            if line.len() + 1 + word.len() > 100 {
                w!(out, "{line}");
                line = String::from("#");
            }
            line.push(' ');
            line.push_str(word);
        }
        w!(out, "{line}");
    }
}

struct AreaFlows {
    /// Per control-room HMI: its polls of SCADA-1 and SCADA-2.
    view: Vec<Vec<String>>,
    /// The area historian's polls of SCADA-1 and SCADA-2.
    history: Vec<String>,
    /// The central historian's poll of the area historian.
    central: String,
}

/// Vulnerabilities and patches: fixed text, matched to the plant by software inventory.
const SECURITY: &str = r#"vulnerabilities:
  - id: NVK-SA-2025-014
    title: "NX-1500 CPU: crafted EtherNet/IP requests stop the CPU (fictional advisory)"
    affects:
      software:
        - {vendor: Norvik Automation, product: NX-1500 CPU, versions: ["V3.1.1", "V3.1.2"]}
    cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H
    exploit_maturity: proof_of_concept
    epss: 0.04
    service: ethernet_ip
    ttc: {lognormal: {median: 1d, p95: 7d}}
  - id: NVK-SA-2025-021
    title: "NX Panel Runtime: authentication bypass in the embedded web server (fictional advisory)"
    affects:
      software:
        - {vendor: Norvik Automation, product: NX Panel Runtime, versions: ["16.0.2"]}
    cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    exploit_maturity: functional
    epss: 0.18
    service: https
  - id: VOLTEC-2025-003
    title: "VX-400 relay: a malformed MMS request reboots the relay (fictional advisory)"
    affects:
      software:
        - {vendor: Voltec Grid, product: VX-400 Protection Relay, versions: ["R7.3"]}
    cvss: CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H
    exploit_maturity: unproven
    epss: 0.01
    service: iec61850_mms
  - id: BRISA-2025-0142
    title: "EdgeLink gateway and broker: command injection in the management API (fictional advisory)"
    affects:
      software:
        - {vendor: Brisa IoT, product: EdgeLink Gateway, versions: ["3.2.7"]}
        - {vendor: Brisa IoT, product: EdgeLink Broker}
    cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    exploit_maturity: functional
    epss: 0.35
    service: mqtt
  - id: CVE-2019-0708
    title: "BlueKeep: Remote Desktop Services pre-authentication remote code execution (real CVE; illustrative plant)"
    affects:
      software:
        - {vendor: Microsoft, product: Windows 7 Professional SP1, versions: ["6.1.7601"]}
    cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    exploit_maturity: active
    kev: true
    epss: 0.97
    service: rdp
    ttc: {lognormal: {median: 6h, p95: 3d}}
  - id: NVK-SA-2025-030
    title: "NX Remote Service Gateway: pre-authentication path traversal (fictional advisory)"
    affects:
      software:
        - {vendor: Norvik Automation, product: NX Remote Service Gateway, versions: ["4.3.1"]}
    cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    exploit_maturity: active
    epss: 0.62
    service: https

patches:
  - id: nx1500-fw-v3.1.3
    fixes: [NVK-SA-2025-014]
    deploy_time: {triangular: {min: 10m, mode: 20m, max: 45m}}
    restart: machine
    failure:
      probability: {beta: {alpha: 2, beta: 80}}
      rollback_time: {pert: {min: 30m, mode: 1h, max: 4h}}
    vendor_certified: true
    validated_in_test: true
    side_effects:
      added_cpu_load: 0.02
      added_service_time: 50us
  - id: nx-panel-16.1.0
    fixes: [NVK-SA-2025-021]
    deploy_time: {triangular: {min: 5m, mode: 10m, max: 30m}}
    restart: service
    failure:
      probability: 0.02
      rollback_time: {triangular: {min: 10m, mode: 20m, max: 1h}}
    vendor_certified: true
    validated_in_test: true
  - id: vx400-r7.4
    fixes: [VOLTEC-2025-003]
    deploy_time: {triangular: {min: 15m, mode: 30m, max: 1h}}
    restart: machine
    restart_time: {lognormal: {median: 2m, p95: 5m}}
    failure:
      probability: {beta: {alpha: 2, beta: 40}}
      extra_if_unvalidated: 0.02
      rollback_time: {pert: {min: 30m, mode: 1h, max: 3h}}
    vendor_certified: true
    validated_in_test: false
  - id: edgelink-3.3.0
    fixes: [BRISA-2025-0142]
    deploy_time: {triangular: {min: 5m, mode: 15m, max: 40m}}
    restart: machine
    failure:
      probability: 0.03
      rollback_time: {triangular: {min: 15m, mode: 30m, max: 2h}}
    vendor_certified: true
  - id: KB4499175
    fixes: [CVE-2019-0708]
    deploy_time: {triangular: {min: 15m, mode: 25m, max: 1h}}
    restart: machine
    failure:
      probability: {beta: {alpha: 2, beta: 60}}
      extra_if_uncertified: 0.05
      extra_if_unvalidated: 0.03
      rollback_time: {pert: {min: 45m, mode: 2h, max: 8h}}
    vendor_certified: false
    validated_in_test: false
    side_effects:
      added_cpu_load: 0.02
      added_service_time: 1ms
  - id: nx-rsg-4.3.2
    fixes: [NVK-SA-2025-030]
    deploy_time: {triangular: {min: 10m, mode: 20m, max: 1h}}
    restart: service
    failure:
      probability: 0.02
      rollback_time: {triangular: {min: 15m, mode: 30m, max: 2h}}
    vendor_certified: true
    validated_in_test: true
"#;
