//! The plant: zones, conduits, assets and their behaviour, links, flows, functions and process
//! units. Everything refers to everything else by dense index (`AssetIdx`, …), resolved and
//! checked by the scenario crate; names are kept for reports and traces.

use crate::dist::{DurationDist, Probability};
use crate::time::Duration;
use serde::Serialize;

macro_rules! index_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
        impl $name {
            /// The index as `usize`, for slices.
            #[inline]
            pub const fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(/// Index of a zone in [`crate::Scenario::zones`].
    ZoneIdx);
index_type!(/// Index of a conduit in [`crate::Scenario::conduits`].
    ConduitIdx);
index_type!(/// Index of an asset in [`crate::Scenario::assets`].
    AssetIdx);
index_type!(/// Index of a link in [`crate::Scenario::links`].
    LinkIdx);
index_type!(/// Index of a flow in [`crate::Scenario::flows`].
    FlowIdx);
index_type!(/// Index of a function in [`crate::Scenario::functions`].
    FunctionIdx);
index_type!(/// Index of a process unit in [`crate::Scenario::process_units`].
    UnitIdx);

/// A Purdue level in tenths (35 is the DMZ at 3.5), so it orders and compares exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PurdueLevel(pub u8);

impl std::fmt::Display for PurdueLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

/// An ISA/IEC 62443 zone.
#[derive(Clone, Debug)]
pub struct Zone {
    /// Scenario id.
    pub id: String,
    /// Purdue level (0–5; 3.5 is the DMZ).
    pub purdue_level: PurdueLevel,
    /// Target security level SL-T 1–4, if set.
    pub security_level_target: Option<u8>,
}

/// Which way a conduit lets connections be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConduitDirection {
    /// Either zone may open connections to the other.
    Both,
    /// Only the first zone may open connections to the second.
    FirstToSecond,
    /// Only the second zone may open connections to the first.
    SecondToFirst,
}

/// A conduit between two zones: what the attacker (and policy) may cross.
#[derive(Clone, Debug)]
pub struct Conduit {
    /// Scenario id.
    pub id: String,
    /// The two zones it connects.
    pub zones: [ZoneIdx; 2],
    /// Protocols allowed through (lowercase names); empty means any.
    pub protocols: Vec<String>,
    /// Direction in which connections may be opened.
    pub direction: ConduitDirection,
}

/// What an asset is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[expect(
    missing_docs,
    reason = "the variant names are the asset kinds, documented in the schema"
)]
pub enum AssetKind {
    Plc,
    Rtu,
    Ied,
    Hmi,
    ScadaServer,
    Historian,
    EngineeringWorkstation,
    RemoteAccessGateway,
    IiotSensor,
    IiotGateway,
    CloudService,
    Switch,
    Router,
    Firewall,
    Ips,
    SafetyController,
    Server,
    Workstation,
}

impl AssetKind {
    /// Every kind, in declaration order.
    pub const ALL: [AssetKind; 18] = [
        AssetKind::Plc,
        AssetKind::Rtu,
        AssetKind::Ied,
        AssetKind::Hmi,
        AssetKind::ScadaServer,
        AssetKind::Historian,
        AssetKind::EngineeringWorkstation,
        AssetKind::RemoteAccessGateway,
        AssetKind::IiotSensor,
        AssetKind::IiotGateway,
        AssetKind::CloudService,
        AssetKind::Switch,
        AssetKind::Router,
        AssetKind::Firewall,
        AssetKind::Ips,
        AssetKind::SafetyController,
        AssetKind::Server,
        AssetKind::Workstation,
    ];
    /// The name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            AssetKind::Plc => "plc",
            AssetKind::Rtu => "rtu",
            AssetKind::Ied => "ied",
            AssetKind::Hmi => "hmi",
            AssetKind::ScadaServer => "scada_server",
            AssetKind::Historian => "historian",
            AssetKind::EngineeringWorkstation => "engineering_workstation",
            AssetKind::RemoteAccessGateway => "remote_access_gateway",
            AssetKind::IiotSensor => "iiot_sensor",
            AssetKind::IiotGateway => "iiot_gateway",
            AssetKind::CloudService => "cloud_service",
            AssetKind::Switch => "switch",
            AssetKind::Router => "router",
            AssetKind::Firewall => "firewall",
            AssetKind::Ips => "ips",
            AssetKind::SafetyController => "safety_controller",
            AssetKind::Server => "server",
            AssetKind::Workstation => "workstation",
        }
    }
    /// Controllers serve requests at scan-cycle boundaries.
    pub fn is_controller(self) -> bool {
        matches!(
            self,
            AssetKind::Plc | AssetKind::Rtu | AssetKind::Ied | AssetKind::SafetyController
        )
    }
    /// Network devices forward traffic (they add processing latency to messages crossing them).
    pub fn is_network_device(self) -> bool {
        matches!(
            self,
            AssetKind::Switch | AssetKind::Router | AssetKind::Firewall | AssetKind::Ips
        )
    }
}

/// How much an asset matters to the business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "ordinary criticality grades")]
pub enum Criticality {
    Low,
    Medium,
    High,
    Critical,
}

/// One entry of an asset's software or firmware inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Software {
    /// Vendor name as written.
    pub vendor: String,
    /// Product name as written.
    pub product: String,
    /// Version as written.
    pub version: String,
}

/// Timing and availability behaviour of an asset: its model's defaults with the scenario's
/// overrides applied.
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Controller scan cycle; requests are served at the next scan boundary. `None` for
    /// assets that serve requests as they arrive.
    pub scan_cycle: Option<DurationDist>,
    /// Time to process one request (or, for network devices, to forward one message).
    pub service_time: DurationDist,
    /// Base CPU load in [0, 0.95]; a loaded CPU stretches every scan by `1 / (1 - load)`, from
    /// the start of the run.
    pub cpu_load: f64,
    /// Time to come back after a restart.
    pub reboot_time: DurationDist,
    /// Time for a service (not machine) restart.
    pub service_restart_time: DurationDist,
    /// Store-and-forward buffer, for historians and gateways: outages shorter than this lose
    /// no data.
    pub buffer: Option<Duration>,
    /// Probability of a spontaneous fault per day (hardware/software), for cascade baselines.
    pub fault_rate_per_day: f64,
}

/// A plant asset.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Scenario id.
    pub id: String,
    /// What it is.
    pub kind: AssetKind,
    /// Zone it sits in.
    pub zone: ZoneIdx,
    /// Business criticality.
    pub criticality: Criticality,
    /// Name of the asset model its defaults came from.
    pub model: String,
    /// Software and firmware inventory.
    pub software: Vec<Software>,
    /// Timing and availability behaviour.
    pub behaviour: Behaviour,
    /// Redundancy partner that takes over when this asset is down.
    pub redundancy_partner: Option<AssetIdx>,
    /// IP addresses of its interfaces (unique across assets): how captures name it.
    pub addresses: Vec<std::net::IpAddr>,
}

/// A network link between two assets (switches and firewalls are assets too).
#[derive(Clone, Debug)]
pub struct Link {
    /// Scenario id (generated as `a--b` when not given).
    pub id: String,
    /// Its two ends.
    pub ends: [AssetIdx; 2],
    /// Bandwidth in bits per second.
    pub bandwidth_bps: u64,
    /// One-way propagation latency.
    pub latency: Duration,
    /// Extra random delay per message.
    pub jitter: Option<DurationDist>,
    /// Probability that a message is lost on this link.
    pub loss: f64,
}

/// The shape of a flow's traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// The consumer sends a request; the producer answers (Modbus/TCP poll, OPC UA read).
    Poll,
    /// The producer publishes periodically; the consumer watches the data's age
    /// (produced/consumed tags, GOOSE-like, MQTT telemetry).
    Publish,
}

/// Periodic traffic that operations depend on.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Scenario id.
    pub id: String,
    /// Poll or publish.
    pub kind: FlowKind,
    /// Protocol name (lowercase), for conduit rules and reports.
    pub protocol: String,
    /// The asset that consumes the data (the poller for `Poll`, the subscriber for `Publish`).
    pub consumer: AssetIdx,
    /// The asset that produces the data (the polled server, the publisher).
    pub producer: AssetIdx,
    /// Period between polls or publications.
    pub period: Duration,
    /// Offset of the first poll or publication from the start of a period.
    pub phase: Duration,
    /// Request size in bytes (poll only).
    pub request_bytes: u32,
    /// Response or publication size in bytes.
    pub response_bytes: u32,
    /// How long the consumer waits for an answer before counting a timeout (poll only).
    pub timeout: Duration,
    /// Retries after a timeout before the poll counts as failed.
    pub retries: u32,
    /// Latency target: a poll round trip or publication latency above it is a deadline miss.
    pub deadline: Duration,
    /// Consecutive failed polls after which the consumer marks the producer failed.
    pub fail_after: u32,
    /// Data older than this marks the producer failed (stale), if set.
    pub watchdog: Option<Duration>,
    /// Poisson arrivals (exponential gaps with mean `period`) instead of strictly periodic.
    pub poisson: bool,
    /// Exponentially distributed message sizes (means as given) instead of fixed sizes.
    pub exponential_sizes: bool,
    /// A scheduled storm (burst) in every observation window, if any.
    pub storm: Option<Storm>,
    /// Target: the probability of a message later than `deadline` is at most this (checked
    /// with an exact interval per plan, before and after), if set.
    pub deadline_p_max: Option<f64>,
    /// For one subscriber's copy of a multicast publication (`consumer: [a, b, …]`): the copy
    /// of the first subscriber, which carries the messages of all (one message leaves the
    /// publisher and is copied where the routes part). `None` for a flow with one consumer.
    pub multicast: Option<FlowIdx>,
}

/// A scheduled storm of a flow: from `start` after the beginning of each observation window,
/// for `duration`, messages come every `period` (or Poisson with that mean gap, for a Poisson
/// flow) instead of the flow's own period; repeated every `every` if set (on/off traffic).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Storm {
    /// Offset of the first storm from the start of an observation window.
    pub start: Duration,
    /// How long each storm lasts.
    pub duration: Duration,
    /// Gap between messages during a storm.
    pub period: Duration,
    /// Storms repeat with this period (start to start), if set.
    pub every: Option<Duration>,
}

/// What a dependency asks to be healthy.
#[derive(Clone, Debug)]
pub enum DependencyTarget {
    /// The asset is up (not restarting, not failed).
    Asset(AssetIdx),
    /// The flow's consumer has fresh data (no comm-fail, not stale).
    Flow(FlowIdx),
    /// Another function is available.
    Function(FunctionIdx),
    /// At least `k` of the listed dependencies hold (redundancy).
    KOfN {
        /// How many must hold.
        k: u32,
        /// The alternatives.
        of: Vec<Dependency>,
    },
}

/// One dependency with how long its loss is tolerated before it counts.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// What must hold.
    pub target: DependencyTarget,
    /// A loss shorter than this is ridden through (operators running blind for a while, a
    /// controller holding last values).
    pub tolerate: Duration,
}

/// What an operational function provides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the function kinds, documented in the schema")]
pub enum FunctionKind {
    View,
    Control,
    History,
    Interlock,
    Safety,
    Telemetry,
}

/// An operational function (view, control, history, …) and what it depends on (all must hold).
#[derive(Clone, Debug)]
pub struct Function {
    /// Scenario id.
    pub id: String,
    /// What it provides.
    pub kind: FunctionKind,
    /// Dependencies; all must hold.
    pub depends_on: Vec<Dependency>,
}

/// A physical process unit that trips when its dependencies fail.
#[derive(Clone, Debug)]
pub struct ProcessUnit {
    /// Scenario id.
    pub id: String,
    /// Dependencies; the unit trips when any fails for longer than its tolerance.
    pub depends_on: Vec<Dependency>,
    /// Time to restart after a trip.
    pub restart_time: DurationDist,
    /// Cost of one hour of unplanned downtime.
    pub downtime_cost_per_hour: f64,
    /// Cost when an attacker compromises it (or its controller).
    pub compromise_impact_cost: f64,
    /// Probability that a compromised controller of this unit is used to trip it.
    pub attack_trip_probability: Probability,
}
