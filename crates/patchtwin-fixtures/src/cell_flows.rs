//! The flows of one cell: SCADA and historian polls of every controller, PLC interlocks,
//! safety permissives, GOOSE and trip signals in substations, HMI-panel polls, and sensor
//! telemetry through the gateway to the DMZ broker. Each is recorded in the [`Cell`] for the
//! functions that depend on it.

use crate::plant::{Area, Cell, CellKind, Dev};
use crate::rng::Rng;
use crate::yaml::{Out, Poll, Publish};
use std::collections::BTreeSet;

/// Writes the cell's flows.
pub(crate) fn cell_flows(
    o: &mut Out,
    rng: &mut Rng,
    area: &Area,
    cell: &mut Cell,
    hmis: &[String],
    gw: &str,
    sensors: &[String],
) {
    scada_and_historian_polls(o, rng, area, cell);
    let plcs: Vec<usize> = (0..cell.ctrls.len())
        .filter(|&i| cell.ctrls[i].dev.is_plc())
        .collect();
    interlocks(o, rng, cell, &plcs);
    permissives(o, rng, cell, &plcs);
    substation_signals(o, rng, cell, &plcs);
    hmi_polls(o, rng, cell, hmis);
    sensor_flows(o, rng, cell, gw, sensors);
}

/// Both SCADA servers poll every controller; the area historian reads every controller but the safety controllers.
fn scada_and_historian_polls(o: &mut Out, rng: &mut Rng, area: &Area, cell: &mut Cell) {
    let cid = cell.id.clone();
    let (scada1, scada2, hist) = (&area.scada1, &area.scada2, &area.hist);
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
            consumer: hist,
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
}

/// PLC interlocks (produced/consumed tags, connection timeout 4 x RPI): each PLC consumes its predecessor's data, and some one more PLC's.
fn interlocks(o: &mut Out, rng: &mut Rng, cell: &mut Cell, plcs: &[usize]) {
    let cid = cell.id.clone();
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
}

/// Safety permissives: each safety controller to the main PLC and one more.
fn permissives(o: &mut Out, rng: &mut Rng, cell: &mut Cell, plcs: &[usize]) {
    let cid = cell.id.clone();
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
}

/// Substations: GOOSE between neighbouring relays, and trip signals from the first three relays to the load-shedding PLC.
fn substation_signals(o: &mut Out, rng: &mut Rng, cell: &mut Cell, plcs: &[usize]) {
    let cid = cell.id.clone();
    let kind = cell.kind;
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
}

/// HMI panels: each polls its share of the cell's controllers (not the SIS).
fn hmi_polls(o: &mut Out, rng: &mut Rng, cell: &mut Cell, hmis: &[String]) {
    let cid = cell.id.clone();
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
}

/// Wireless sensors publish to the gateway; the gateway forwards to the DMZ broker.
fn sensor_flows(o: &mut Out, rng: &mut Rng, cell: &mut Cell, gw: &str, sensors: &[String]) {
    let cid = cell.id.clone();
    for (k, snr) in sensors.iter().enumerate() {
        let period = rng.pick(&[5000, 10_000, 30_000, 60_000]);
        let id = format!("{cid}-snr{:02}-data", k + 1);
        o.publish(&Publish {
            id: &id,
            protocol: "wirelesshart",
            consumer: gw,
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
        producer: gw,
        period_ms: 10_000,
        phase_ms: rng.below(10) * 1000,
        response: "4KiB",
        deadline_ms: None,
        watchdog_ms: 120_000,
    });
}
