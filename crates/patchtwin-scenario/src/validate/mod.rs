//! From the typed input structs of `raw` to the domain types of `patchtwin_model`: resolve
//! every reference, check every number and distribution, route every flow, expand windows —
//! recording every problem with its field path rather than stopping at the first.
//!
//! [`validate`] runs one step per section, in the order references need: `zones` (zones and
//! conduits), `assets`, `links`, `flows` (with `multicast`: a publication's subscribers; then
//! `routing`), `functions` (functions and process
//! units, with `dependencies`), `vulnerabilities` (with the default time to compromise of
//! `ttc` and a coordinator's SSVC vector read by `ssvc_note`), `patches`, `threat` (before
//! controls: remote-access restrictions name entry points), `controls`, `windows` (maintenance
//! windows), `plans` (with `when`, `crews`: a plan's crews, k-of-n rules, and its actions'
//! crew and retry, and `take_out`: the things a plan takes out of service, which become
//! controls after the scenario's own), `data_loss` (data-loss consequences on flows),
//! `appetite` (the risk appetite) and `acceptance` (when a plan is acceptable); last, on the
//! built scenario, `sensitivity` (the plausible ranges of named inputs). Each step
//! returns what it built and the id table later steps resolve references against.
//!
//! Rules that are not obvious from the types:
//! - ids are unique per section; a reference to an unknown id suggests the nearest one;
//! - messages are routed only *through* network devices (switch, router, firewall, ips):
//!   PLCs and servers are endpoints, they do not forward traffic;
//! - a window that never occurs within the horizon is a warning, and an error when a plan
//!   waits for it;
//! - a dependency names exactly one of asset, flow, function, or `k` of `of`;
//!   function-to-function dependencies must not form a cycle.

mod acceptance;
mod appetite;
mod assets;
mod conduit_flows;
mod controls;
mod crews;
mod data_loss;
mod dependencies;
mod flows;
mod functions;
mod links;
mod multicast;
mod patches;
mod plans;
mod routing;
mod sensitivity;
mod ssvc_note;
mod take_out;
mod threat;
mod ttc;
mod vulnerabilities;
mod when;
mod windows;
mod zones;

pub use crate::check::{Ctx, behaviour, dist, duration_dist, parse_kind};
use controls::ControlRefs;
use dependencies::Refs;
use plans::PlanRefs;
use routing::route_flows;
pub use ssvc_note::parse as parse_ssvc_vector;
pub use ttc::default_ttc;

use crate::library::ModelLibrary;
use crate::raw::*;
use crate::units::DurationText;
use patchtwin_model::time::unit;
use patchtwin_model::*;

/// Sections of the file, typed. Items keep their index in the file for paths.
pub struct Sections {
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: String,
    /// `horizon`.
    pub horizon: Option<DurationText>,
    /// `currency`.
    pub currency: Option<String>,
    /// `zones`.
    pub zones: Vec<(usize, ZoneRaw)>,
    /// `conduits`.
    pub conduits: Vec<(usize, ConduitRaw)>,
    /// `assets`.
    pub assets: Vec<(usize, AssetRaw)>,
    /// `links`.
    pub links: Vec<(usize, LinkRaw)>,
    /// `flows`.
    pub flows: Vec<(usize, FlowRaw)>,
    /// `functions`.
    pub functions: Vec<(usize, FunctionRaw)>,
    /// `process_units`.
    pub process_units: Vec<(usize, ProcessUnitRaw)>,
    /// `vulnerabilities`.
    pub vulnerabilities: Vec<(usize, VulnerabilityRaw)>,
    /// `patches`.
    pub patches: Vec<(usize, PatchRaw)>,
    /// `controls`.
    pub controls: Vec<(usize, ControlRaw)>,
    /// `maintenance_windows`.
    pub windows: Vec<(usize, WindowRaw)>,
    /// `threat`.
    pub threat: Option<ThreatRaw>,
    /// `risk_appetite`.
    pub risk_appetite: Option<RiskAppetiteRaw>,
    /// `acceptance`.
    pub acceptance: Option<AcceptanceRaw>,
    /// `plans`.
    pub plans: Vec<(usize, PlanRaw)>,
    /// `data_loss`.
    pub data_loss: Vec<(usize, DataLossRaw)>,
    /// `sensitivity`.
    pub sensitivity: Option<SensitivityRaw>,
}

/// Validates the typed sections into a scenario: `None` when any error was recorded (in this
/// stage or an earlier one).
pub fn validate(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    lib: &ModelLibrary,
) -> Option<Scenario> {
    let horizon = horizon(ctx, s);
    let (zone_ids, zones) = zones::zones(ctx, root, s);
    let (conduit_ids, mut conduits) = zones::conduits(ctx, root, s, &zone_ids);
    let (asset_ids, assets) = assets::assets(ctx, root, s, &zone_ids, lib);
    let links = links::links(ctx, s, &asset_ids);
    let (flow_ids, flows, flow_paths) = flows::flows(ctx, root, s, &asset_ids);
    // Routes: one Dijkstra per distinct consumer, through network devices only, and only on a
    // plant where every item was built.
    let routes = if ctx.clean() {
        let routes = route_flows(ctx, &assets, &links, &flows, &flow_paths);
        conduit_flows::widen_conduits_for_flows(
            ctx,
            &mut conduits,
            &assets,
            &flows,
            &routes,
            &flow_paths,
        );
        routes
    } else {
        Vec::new()
    };
    let function_ids = functions::function_ids(ctx, root, s);
    let refs = Refs {
        assets: &asset_ids,
        flows: &flow_ids,
        functions: &function_ids,
    };
    let functions = functions::functions(ctx, s, &refs);
    let (unit_ids, process_units) = functions::process_units(ctx, root, s, &refs);
    let (vuln_ids, vulnerabilities) =
        vulnerabilities::vulnerabilities(ctx, root, s, &asset_ids, &assets);
    let patches = patches::patches(
        ctx,
        root,
        s,
        &vuln_ids,
        &asset_ids,
        &assets,
        &vulnerabilities,
    );
    // The threat before controls: remote-access restrictions name entry points.
    let threat_refs = threat::ThreatRefs {
        asset_ids: &asset_ids,
        zone_ids: &zone_ids,
        unit_ids: &unit_ids,
        process_units: &process_units,
        assets: &assets,
        conduits: &conduits,
    };
    let (entry_ids, threat) = threat::threat(ctx, root, s, &threat_refs);
    let control_refs = ControlRefs {
        conduits: &conduit_ids,
        entries: &entry_ids,
        assets: &asset_ids,
        zones: &zone_ids,
        vulns: &vuln_ids,
        units: &unit_ids,
    };
    let (control_ids, mut controls) = controls::controls(ctx, root, s, &control_refs);
    let (window_ids, windows) = windows::windows(ctx, root, s, horizon, &zone_ids);
    let (plans, taken_out) = plans::plans(
        ctx,
        root,
        s,
        &PlanRefs {
            horizon,
            asset_ids: &asset_ids,
            patch_ids: &patches.ids,
            patches: &patches.items,
            incomplete_patches: &patches.incomplete,
            control_ids: &control_ids,
            take_out: take_out::TakeOutRefs {
                assets: &asset_ids,
                conduits: &conduit_ids,
                entries: &entry_ids,
                first_control: controls.len() as u32,
            },
            window_ids: &window_ids,
            windows: &windows,
        },
    );
    controls.extend(taken_out);

    let data_loss = data_loss::data_loss(ctx, root, s, &flow_ids);
    let risk_appetite = appetite::risk_appetite(ctx, s.risk_appetite.as_ref());
    let acceptance = acceptance::acceptance(ctx, s.acceptance.as_ref());
    let model_files = lib.files_used(assets.iter().map(|a| a.model.as_str()));

    let name = s.name.clone().unwrap_or_default();
    if s.name.is_some() && name.trim().is_empty() {
        ctx.err_at("name", "the scenario name is empty".into());
    }
    let (Some(horizon), Some(_)) = (horizon, &s.name) else {
        return None;
    };
    if !ctx.clean() {
        return None;
    }
    let mut scenario = Scenario {
        name,
        description: s.description.clone(),
        horizon,
        currency: s.currency.clone().unwrap_or_else(|| "EUR".into()),
        zones,
        conduits,
        assets,
        links,
        flows,
        functions,
        process_units,
        vulnerabilities,
        patches: patches.items,
        controls,
        windows,
        threat,
        plans,
        risk_appetite,
        acceptance,
        model_files,
        routes,
        data_loss,
        input_ranges: Vec::new(),
    };
    // Last: a range names an input of the built scenario.
    scenario.input_ranges = sensitivity::ranges(ctx, s.sensitivity.as_ref(), &scenario);
    ctx.clean().then_some(scenario)
}

/// The horizon, or `None` when it is missing or failed its own check: checks against it are
/// then skipped, so that one bad horizon is one error, not one per window and plan action.
fn horizon(ctx: &mut Ctx, s: &Sections) -> Option<Duration> {
    s.horizon.map(|h| h.0).filter(|&h| {
        let ok = h >= Duration(unit::H);
        if !ok {
            ctx.err_at(
                "horizon",
                format!("the horizon must be at least 1h, got {h}"),
            );
        }
        ok
    })
}
