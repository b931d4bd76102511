//! One cell of an area: its zone and conduits, its switch, its controllers (the device mix of
//! its kind, firmware and overrides), HMI panels, IIoT gateway and wireless sensors. Its
//! flows are `cell_flows`'.

use crate::cell_flows::cell_flows;
use crate::plant::{
    Area, Cell, CellKind, Ctrl, Dev, NORVIK, NX1500_AFFECTED, PROCESS_LINES, UTILITIES, kind_of,
};
use crate::rng::Rng;
use crate::yaml::{Out, software};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The names of process lines, handed out in turn across the whole plant.
pub(crate) type Names = std::iter::Cycle<std::slice::Iter<'static, &'static str>>;

/// The names of process lines, from the first.
pub(crate) fn names() -> Names {
    PROCESS_LINES.iter().cycle()
}

/// Writes cell `c` of `area` with its devices and flows.
pub(crate) fn cell(o: &mut Out, rng: &mut Rng, area: &Area, c: usize, names: &mut Names) -> Cell {
    let s = area.site;
    let a = &area.a;
    let (sup, sis_zone, iiot, fw) = (&area.sup, &area.sis_zone, &area.iiot, &area.fw);
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
    // The cell's IIoT gateway hangs off the cell switch: its telemetry to the DMZ broker
    // (mqtt) crosses this conduit too.
    let protocols: &[&str] = match kind {
        CellKind::Process => &["modbus_tcp", "opc_ua", "ethernet_ip", "mqtt"],
        CellKind::Utilities => &["modbus_tcp", "opc_ua", "ethernet_ip", "dnp3", "mqtt"],
        CellKind::Substation => &["modbus_tcp", "opc_ua", "dnp3", "iec61850_mms", "mqtt"],
    };
    o.conduit(
        &format!("{a}--c{c:02}"),
        [sup, &cid],
        protocols,
        "first_to_second",
    );

    let devs = device_mix(rng, kind);
    if kind == CellKind::Process {
        o.conduit(
            &format!("{a}-sis--c{c:02}"),
            [sis_zone, &cid],
            // Permissives (ethernet_ip), and the main PLC polling the safety controllers.
            &["ethernet_ip", "modbus_tcp"],
            "first_to_second",
        );
    }
    let csw = format!("sw-{cid}");
    w!(o.assets, "  # Area {s} cell {c:02} ({kind_word}): {name}.");
    w!(o.links, "  # Area {s} cell {c:02}.");
    o.asset(&csw, "switch", &cid, "managed-switch", "high", "");
    o.link(fw, &csw, "1Gbps", "");
    let ctrls = controllers(o, rng, &cid, sis_zone, &csw, &devs);
    let (hmis, gw, sensors) = field_devices(o, rng, &cid, iiot, &csw);
    // Flows of the cell.
    w!(o.flows, "  # Area {s} cell {c:02} ({kind_word}): {name}.");
    let mut cell = Cell {
        site: s,
        id: cid.clone(),
        name,
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
    cell_flows(o, rng, area, &mut cell, &hmis, &gw, &sensors);
    cell
}

/// The cell's controllers, 22 to 32: PLCs (some legacy) and one or two safety controllers in
/// a process cell, PLCs and 4 to 7 RTUs in a utilities cell, a PLC, two RTUs and protection
/// relays in a substation. The main PLC comes first.
fn device_mix(rng: &mut Rng, kind: CellKind) -> Vec<Dev> {
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
    devs
}

/// Writes the controllers (safety controllers in the area's SIS zone) with their firmware and
/// links to the cell switch.
fn controllers(
    o: &mut Out,
    rng: &mut Rng,
    cid: &str,
    sis_zone: &str,
    csw: &str,
    devs: &[Dev],
) -> Vec<Ctrl> {
    let mut counters: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ctrls = Vec::new();
    for (i, dev) in devs.iter().copied().enumerate() {
        let k = counters.entry(dev.prefix()).or_default();
        *k += 1;
        let short = format!("{}{:02}", dev.prefix(), k);
        let id = format!("{cid}-{short}");
        let (zone, crit) = match dev {
            Dev::Safety => (sis_zone, "critical"),
            _ if i == 0 => (cid, "critical"),
            Dev::Ied => (cid, "high"),
            _ => (cid, if rng.chance(0.4) { "high" } else { "medium" }),
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
            csw,
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
    ctrls
}

/// Writes the cell's HMI panels, its IIoT gateway (in the area's wireless zone) and its
/// wireless sensors; returns their ids.
fn field_devices(
    o: &mut Out,
    rng: &mut Rng,
    cid: &str,
    iiot: &str,
    csw: &str,
) -> (Vec<String>, String, Vec<String>) {
    let n_hmi = rng.range(2, 3) as usize;
    let mut hmis = Vec::new();
    for k in 1..=n_hmi {
        let id = format!("{cid}-hmi{k}");
        let ver = if rng.chance(0.7) { "16.0.2" } else { "16.1.0" };
        o.asset(
            &id,
            "hmi",
            cid,
            "hmi-panel",
            "medium",
            &software(&[(NORVIK, "NX Panel Runtime", ver)]),
        );
        o.link(csw, &id, "100Mbps", "");
        hmis.push(id);
    }
    let gw = format!("{cid}-gw");
    let gw_ver = if rng.chance(0.8) { "3.2.7" } else { "3.3.0" };
    o.asset(
        &gw,
        "iiot_gateway",
        iiot,
        "iiot-gateway",
        "low",
        &software(&[("Brisa IoT", "EdgeLink Gateway", gw_ver)]),
    );
    o.link(csw, &gw, "100Mbps", "");
    let n_sensors = rng.range(14, 24) as usize;
    let mut sensors = Vec::new();
    for k in 1..=n_sensors {
        let id = format!("{cid}-snr{k:02}");
        o.asset(&id, "iiot_sensor", iiot, "iiot-sensor", "low", "");
        o.link(
            &gw,
            &id,
            "250kbps",
            ", latency: 4ms, jitter: {uniform: {min: 0us, max: 10ms}}, loss: 0.002",
        );
        sensors.push(id);
    }
    (hmis, gw, sensors)
}
