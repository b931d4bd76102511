//! The plant-wide part of the network: enterprise, vendor cloud, IT/OT DMZ and site
//! operations (zones, conduits, assets, the backbone links), and the plant-wide flows
//! (historian replication, MES, cloud analytics). Areas and cells are `area`'s and `cell`'s.

use crate::plant::{NORVIK, NX_STUDIO, WIN7, WIN2016};
use crate::yaml::{Out, Poll, Publish, software};
use std::fmt::Write as _;

/// Writes the plant-wide zones, conduits, assets and backbone links.
pub(crate) fn plant_wide(o: &mut Out) {
    zones_and_conduits(o);
    devices(o);
    backbone(o);
}

/// The cloud, enterprise, DMZ and site-operations zones and the conduits between them.
fn zones_and_conduits(o: &mut Out) {
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
        // mqtt: the broker's cloud ingest leaves through the enterprise router.
        &["https", "rdp", "mqtt"],
        "first_to_second",
    );
    o.conduit(
        "dmz--plant-ops",
        ["dmz", "plant-ops"],
        // mqtt: the cells' gateway telemetry reaching the DMZ broker.
        &["https", "rdp", "mqtt"],
        "both",
    );
}

/// The plant-wide devices: router and MES, cloud analytics, DMZ and site operations.
fn devices(o: &mut Out) {
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
}

/// The backbone links, from the enterprise router to the core switches.
fn backbone(o: &mut Out) {
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
}

/// Writes the plant-wide flows, after every area's.
pub(crate) fn plant_flows(o: &mut Out) {
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
}
