//! One production area: its supervisory, safety and wireless zones with their conduits, the
//! supervisory devices (area firewall and switch, redundant SCADA pair, historian, EWS,
//! control-room HMIs), its cells (`cell`), and the area-level flows between them.

use crate::plant::{Area, AreaFlows, Cell, NORVIK, NX_STUDIO, WIN7, WIN2016};
use crate::rng::Rng;
use crate::yaml::{Out, Poll, software};
use crate::{CELLS_PER_SITE, cell};
use std::fmt::Write as _;

/// Writes area `s` with its cells (appended to `cells`); returns the area-level flows the
/// functions depend on. `names` hands out the process lines' names across areas.
pub(crate) fn area(
    o: &mut Out,
    rng: &mut Rng,
    s: usize,
    names: &mut cell::Names,
    cells: &mut Vec<Cell>,
) -> AreaFlows {
    let area = supervisory(o, rng, s);
    for c in 1..=CELLS_PER_SITE {
        cells.push(cell::cell(o, rng, &area, c, names));
    }
    area_flows(o, rng, &area, cells)
}

/// Writes the area's zones, conduits, supervisory assets and their links.
fn supervisory(o: &mut Out, rng: &mut Rng, s: usize) -> Area {
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
        // mqtt: the cells' gateway telemetry on its way to the DMZ broker.
        &["opc_ua", "rdp", "ethernet_ip", "mqtt"],
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
    Area {
        site: s,
        a,
        sup,
        sis_zone,
        iiot,
        fw,
        scada1,
        scada2,
        hist,
        ews,
        room_hmis,
    }
}

/// Writes the control room's, the historian's and the engineering workstation's flows of the
/// area, after those of its cells.
fn area_flows(o: &mut Out, rng: &mut Rng, area: &Area, cells: &[Cell]) -> AreaFlows {
    let s = area.site;
    let a = &area.a;
    let (scada1, scada2, hist, ews) = (&area.scada1, &area.scada2, &area.hist, &area.ews);
    let room_hmis = &area.room_hmis;
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
            consumer: hist,
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
            consumer: ews,
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
        producer: hist,
        period_ms: 5000,
        phase_ms: rng.below(5) * 1000,
        response: "32KiB",
        timeout_ms: Some(5000),
        retries: 1,
        deadline_ms: None,
        after_timeouts: 10,
    });
    AreaFlows {
        view,
        history,
        central,
    }
}
