//! What the plant is made of, before it is written: controller types ([`Dev`]) with their
//! models, kinds and protocols, cell kinds, the generated cells ([`Cell`]) with the flows the
//! functions and process units later depend on, an area's names and supervisory devices
//! ([`Area`], what its cells connect to), and the fixed names and inventories.

pub(crate) const NORVIK: &str = "Norvik Automation";
pub(crate) const WIN2016: (&str, &str, &str) =
    ("Microsoft", "Windows Server 2016 Standard", "10.0.14393");
pub(crate) const WIN7: (&str, &str, &str) = ("Microsoft", "Windows 7 Professional SP1", "6.1.7601");
pub(crate) const NX_STUDIO: (&str, &str, &str) = (NORVIK, "NX Studio", "V15.1");
/// PLC firmware versions affected by the generated PLC advisory.
pub(crate) const NX1500_AFFECTED: [&str; 2] = ["V3.1.1", "V3.1.2"];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dev {
    FastPlc,
    LegacyPlc,
    Safety,
    Rtu,
    Ied,
}

impl Dev {
    pub(crate) fn model(self) -> &'static str {
        match self {
            Dev::FastPlc => "fast-plc",
            Dev::LegacyPlc => "legacy-plc",
            Dev::Safety => "safety-controller",
            Dev::Rtu => "rtu",
            Dev::Ied => "protection-ied",
        }
    }
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Dev::FastPlc | Dev::LegacyPlc => "plc",
            Dev::Safety => "safety_controller",
            Dev::Rtu => "rtu",
            Dev::Ied => "ied",
        }
    }
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Dev::FastPlc | Dev::LegacyPlc => "plc",
            Dev::Safety => "sis",
            Dev::Rtu => "rtu",
            Dev::Ied => "ied",
        }
    }
    pub(crate) fn is_plc(self) -> bool {
        matches!(self, Dev::FastPlc | Dev::LegacyPlc)
    }
    /// Protocol SCADA polls it with.
    pub(crate) fn scada_protocol(self) -> &'static str {
        match self {
            Dev::FastPlc | Dev::LegacyPlc | Dev::Safety => "modbus_tcp",
            Dev::Rtu => "dnp3",
            Dev::Ied => "iec61850_mms",
        }
    }
    /// Protocol the historian and HMI panels read it with.
    pub(crate) fn client_protocol(self, hmi: bool) -> &'static str {
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
pub(crate) enum CellKind {
    Process,
    Utilities,
    Substation,
}

pub(crate) struct Ctrl {
    /// Full asset id, e.g. `a1-c03-plc07`.
    pub(crate) id: String,
    /// Short name within the cell, e.g. `plc07`.
    pub(crate) short: String,
    pub(crate) dev: Dev,
    /// Runs a PLC firmware version the generated advisory affects.
    pub(crate) affected: bool,
}

pub(crate) struct Cell {
    pub(crate) site: usize,
    pub(crate) id: String,
    /// What the cell is, e.g. `polymerisation line`.
    pub(crate) name: String,
    pub(crate) kind: CellKind,
    pub(crate) ctrls: Vec<Ctrl>,
    /// Per controller: the SCADA-1 and SCADA-2 poll flows.
    pub(crate) scada_polls: Vec<(String, String)>,
    /// Per controller: the HMI-panel poll flow, if any.
    pub(crate) hmi_polls: Vec<Option<String>>,
    /// Interlock flows: (consumer index into `ctrls`, flow id).
    pub(crate) interlocks: Vec<(usize, String)>,
    /// SIS permissive flows.
    pub(crate) permissives: Vec<String>,
    /// GOOSE trip signals from the first three IEDs to the load-shedding PLC.
    pub(crate) trips: Vec<String>,
    pub(crate) sensor_flows: Vec<String>,
    pub(crate) telemetry: String,
}

impl Cell {
    pub(crate) fn nth_of(&self, pred: impl Fn(Dev) -> bool, n: usize) -> Vec<usize> {
        self.ctrls
            .iter()
            .enumerate()
            .filter(|(_, c)| pred(c.dev))
            .map(|(i, _)| i)
            .take(n)
            .collect()
    }
    /// The controllers the operators' view of the cell depends on.
    pub(crate) fn key_ctrls(&self) -> Vec<usize> {
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

pub(crate) const PROCESS_LINES: &[&str] = &[
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
pub(crate) const UTILITIES: &[&str] = &[
    "cooling water and chilled water",
    "steam and condensate",
    "compressed air and nitrogen",
    "wastewater treatment",
];

pub(crate) fn kind_of(cell: usize) -> CellKind {
    match cell % 5 {
        4 => CellKind::Utilities,
        0 => CellKind::Substation,
        _ => CellKind::Process,
    }
}

/// The area-level flows the area's functions depend on.
pub(crate) struct AreaFlows {
    /// Per control-room HMI: its polls of SCADA-1 and SCADA-2.
    pub(crate) view: Vec<Vec<String>>,
    /// The area historian's polls of SCADA-1 and SCADA-2.
    pub(crate) history: Vec<String>,
    /// The central historian's poll of the area historian.
    pub(crate) central: String,
}

/// An area's names and supervisory devices: what its cells connect to and are polled by.
pub(crate) struct Area {
    /// The area's number, from 1.
    pub(crate) site: usize,
    /// `a{site}`, the prefix of the area's ids.
    pub(crate) a: String,
    /// Zone ids: supervisory, safety (SIS) and wireless IIoT.
    pub(crate) sup: String,
    pub(crate) sis_zone: String,
    pub(crate) iiot: String,
    /// The area firewall, which every cell switch links to.
    pub(crate) fw: String,
    /// The redundant SCADA pair, the area historian and the engineering workstation.
    pub(crate) scada1: String,
    pub(crate) scada2: String,
    pub(crate) hist: String,
    pub(crate) ews: String,
    /// The control-room HMIs.
    pub(crate) room_hmis: Vec<String>,
}
