//! Domain types of patchtwin: the validated, fully resolved description of a plant, its
//! vulnerabilities, candidate patches and controls, the threat and the plans to compare.
//!
//! This crate is what the simulation consumes. It does **not** read files, parse text or know
//! about YAML; `patchtwin-scenario` builds a [`Scenario`] from files and guarantees its
//! invariants: every index is in range, every distribution is well formed, every flow is
//! routable, every window occurrence lies within the horizon.
//!
//! Modules: `time` (integer-nanosecond `Duration` and `SimTime`), `dist` (checked
//! distributions and probabilities, sampled with any `rand::Rng`), `plant` (zones, conduits,
//! assets, links, flows, functions, process units, dependencies), `security` (vulnerabilities,
//! patches, controls, the threat), `consequence` (data-loss consequences and recovery
//! effects of controls), `plan` (plans, actions, maintenance windows), `walk` (the one
//! dependency walk: which assets and controllers a function or unit depends on) and `reach`
//! (the one reach rule: where an attacker can attempt what, under the controls in force),
//! `out_of_service` (assets, conduits and entry points a plan takes out of service);
//! `appetite` (the organisation's loss tolerance and materiality threshold); `ssvc_note` (a
//! coordinator's published SSVC decision points, CISA's CSAF note); `acceptance` (the largest
//! P(compromise) and P(trip) at which a plan is acceptable); `model_files` (the asset model
//! files a scenario used, with their digests); `inputs` (the scenario's uncertain inputs, named,
//! with their plausible ranges, and the scenario with one of them set to another value).

pub mod acceptance;
pub mod appetite;
pub mod consequence;
pub mod dist;
pub mod inputs;
pub mod model_files;
pub mod out_of_service;
pub mod plan;
pub mod plant;
pub mod reach;
pub mod security;
pub mod ssvc_note;
pub mod time;
pub mod walk;

pub use acceptance::Acceptance;
pub use appetite::RiskAppetite;
pub use consequence::{DataLossGroup, RecoveryEffect, RecoveryKind};
pub use dist::{Dist, DistError, DistSpec, DurationDist, Probability};
pub use model_files::ModelFile;
pub use out_of_service::ServiceItem;
pub use plan::{
    Action, Crew, MaintenanceWindow, MaxDown, Plan, Retry, RetryAfter, Staging, When, Work,
};
pub use plant::*;
pub use security::*;
pub use ssvc_note::{CoordinatorSsvc, NoteExploitation};
pub use time::{Duration, SimTime};
pub use walk::{DependencyLeaf, direct_functions};

/// A validated scenario. Vectors are indexed by the matching `*Idx` types.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// What the scenario is about, for reports.
    pub description: String,
    /// Horizon over which every plan is judged.
    pub horizon: Duration,
    /// Currency of every cost.
    pub currency: String,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Conduits.
    pub conduits: Vec<Conduit>,
    /// Assets.
    pub assets: Vec<Asset>,
    /// Links.
    pub links: Vec<Link>,
    /// Flows.
    pub flows: Vec<Flow>,
    /// Functions.
    pub functions: Vec<Function>,
    /// Process units.
    pub process_units: Vec<ProcessUnit>,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Patches.
    pub patches: Vec<Patch>,
    /// Compensating controls.
    pub controls: Vec<Control>,
    /// Maintenance windows.
    pub windows: Vec<MaintenanceWindow>,
    /// The threat.
    pub threat: Threat,
    /// Plans, the baseline first.
    pub plans: Vec<Plan>,
    /// Data-loss consequences (gap thresholds and their costs on groups of flows).
    pub data_loss: Vec<DataLossGroup>,
    /// The organisation's risk appetite, when the scenario states one.
    pub risk_appetite: Option<RiskAppetite>,
    /// When a plan is acceptable (the defaults when the scenario says nothing).
    pub acceptance: Acceptance,
    /// The asset model files the assets use, by model id, with their digests.
    pub model_files: Vec<ModelFile>,
    /// For every flow, the assets a message crosses from consumer to producer, both ends
    /// included, and the links between them (`links.len() == hops.len() - 1`).
    pub routes: Vec<Route>,
    /// Plausible ranges of named inputs for the sensitivity analysis (`sensitivity.ranges`).
    pub input_ranges: Vec<inputs::InputRange>,
}

/// A precomputed path through the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Assets along the path, consumer first.
    pub hops: Vec<AssetIdx>,
    /// Links between consecutive hops, with the direction of travel (`true`: from `ends[0]`
    /// to `ends[1]`).
    pub links: Vec<(LinkIdx, bool)>,
}

impl Scenario {
    /// Looks up an asset by id.
    pub fn asset_by_id(&self, id: &str) -> Option<AssetIdx> {
        self.assets
            .iter()
            .position(|a| a.id == id)
            .map(|i| AssetIdx(i as u32))
    }
    /// Looks up a plan by id.
    pub fn plan_by_id(&self, id: &str) -> Option<usize> {
        self.plans.iter().position(|p| p.id == id)
    }
}
