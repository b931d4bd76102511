//! The security part of the plant: the fixed advisories and patches ([`SECURITY`], matched to
//! the plant by software inventory), the compensating controls, the maintenance windows, the
//! threat (entry points and the costliest targets) and the plans compared.

use crate::CELLS_PER_SITE;
use crate::plant::Cell;
use std::fmt::Write as _;

/// The `controls` section.
pub(crate) fn controls(sites: usize) -> String {
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
        "  - id: no-rdp-from-dmz\n    kind: segmentation\n    description: Only historian replication (https) and the cells' gateway telemetry (mqtt) cross between the DMZ and site operations; vendor RDP is cut off.\n    conduit: dmz--plant-ops\n    allow_protocols: [https, mqtt]\n    deploy_time: 2h\n    failure_probability: 0.01"
    );
    controls
}

/// The `maintenance_windows` section: a plant turnaround, and a monthly window per area.
pub(crate) fn windows(sites: usize) -> String {
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
    windows
}

/// The `threat` section: four entry points; the five costliest process units (and always
/// `a1-c05-unit`) and the central historian as targets.
pub(crate) fn threat(mut unit_costs: Vec<(u64, String)>) -> String {
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
    threat
}

/// The `plans` section, and how many PLCs run affected firmware.
pub(crate) fn plans(sites: usize, cells: &[Cell]) -> (String, usize) {
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
    let n_affected: usize = affected.iter().map(Vec::len).sum();
    (plans, n_affected)
}

/// Vulnerabilities and patches: fixed text, matched to the plant by software inventory.
pub(crate) const SECURITY: &str = r#"vulnerabilities:
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
    cvss: CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N   # AT:P: only with remote web access enabled
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
