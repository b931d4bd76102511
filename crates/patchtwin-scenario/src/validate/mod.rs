//! From the typed input structs of `raw` to the domain types of `patchtwin_model`: resolve
//! every reference, check every number and distribution, route every flow, expand windows —
//! recording every problem with its field path rather than stopping at the first.
//!
//! Rules that are not obvious from the types:
//! - ids are unique per section; a reference to an unknown id suggests the nearest one;
//! - messages are routed only *through* network devices (switch, router, firewall, ips):
//!   PLCs and servers are endpoints, they do not forward traffic;
//! - a window that never occurs within the horizon is a warning, and an error when a plan
//!   waits for it;
//! - a dependency names exactly one of asset, flow, function, or `k` of `of`;
//!   function-to-function dependencies must not form a cycle.

mod conduit_flows;
mod controls;
mod dependencies;
mod routing;
mod ttc;
mod when;

pub use crate::check::{Ctx, behaviour, dist, duration_dist, parse_kind};
use crate::check::{Ids, fraction, merge, money, probability, written_ids, written_ids_nested};
use controls::control;
use dependencies::{Refs, check_function_cycles, dependencies};
use routing::route_flows;
use ttc::cvss_ttc_factor;
pub use ttc::default_ttc;
use when::when;

use crate::diag::did_you_mean;
use crate::library::ModelLibrary;
use crate::raw::*;
use crate::source::{join_index, join_key};
use crate::units::DurationText;
use patchtwin_model::time::unit;
use patchtwin_model::*;
use std::collections::BTreeSet;

/// Bandwidths outside this range (bits per second) are legal but warned about: slower than the
/// slowest serial modems, faster than the fastest Ethernet.
const PLAUSIBLE_BPS: (u64, u64) = (300, 400_000_000_000);

/// Everything validation produced.
pub struct Validated {
    /// The scenario, when there were no errors.
    pub scenario: Option<Scenario>,
}

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
    /// `plans`.
    pub plans: Vec<(usize, PlanRaw)>,
}

/// Validates the typed sections into a scenario.
pub fn validate(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    lib: &ModelLibrary,
) -> Option<Scenario> {
    // `None` when the horizon is missing or failed its own check: checks against it are
    // skipped, so that one bad horizon is one error, not one per window and plan action.
    let horizon = s.horizon.map(|h| h.0).filter(|&h| {
        let ok = h >= Duration(unit::H);
        if !ok {
            ctx.err_at(
                "horizon",
                format!("the horizon must be at least 1h, got {h}"),
            );
        }
        ok
    });

    // Zones.
    let mut zone_ids = Ids::new("zones", written_ids(root, "zones"));
    let mut zones = Vec::new();
    for (i, z) in &s.zones {
        let path = join_index("zones", *i);
        zone_ids.define(ctx, &z.id, &path, "zone");
        let tenths = (z.purdue_level * 10.0).round();
        let ok = z.purdue_level.is_finite()
            && (tenths - z.purdue_level * 10.0).abs() < 1e-9
            && ((0.0..=50.0).contains(&tenths) && (tenths % 10.0 == 0.0 || tenths == 35.0));
        if !ok {
            ctx.err_at(
                &join_key(&path, "purdue_level"),
                format!(
                    "a Purdue level is 0, 1, 2, 3, 3.5 (DMZ), 4 or 5, got {}",
                    z.purdue_level
                ),
            );
        }
        if let Some(sl) = z.security_level_target
            && !(1..=4).contains(&sl)
        {
            ctx.err_at(
                &join_key(&path, "security_level_target"),
                format!("a target security level (SL-T) is 1 to 4, got {sl}"),
            );
        }
        zones.push(Zone {
            id: z.id.clone(),
            purdue_level: PurdueLevel(tenths.clamp(0.0, 50.0) as u8),
            security_level_target: z.security_level_target,
        });
    }

    // Conduits.
    let mut conduit_ids = Ids::new("conduits", written_ids(root, "conduits"));
    let mut conduits = Vec::new();
    for (i, c) in &s.conduits {
        let path = join_index("conduits", *i);
        conduit_ids.define(ctx, &c.id, &path, "conduit");
        if c.zones.len() != 2 {
            ctx.err_at(
                &join_key(&path, "zones"),
                format!("a conduit connects exactly 2 zones, got {}", c.zones.len()),
            );
            continue;
        }
        let a = zone_ids.resolve(
            ctx,
            &c.zones[0],
            &join_index(&join_key(&path, "zones"), 0),
            "zone",
        );
        let b = zone_ids.resolve(
            ctx,
            &c.zones[1],
            &join_index(&join_key(&path, "zones"), 1),
            "zone",
        );
        if c.zones[0] == c.zones[1] {
            ctx.err_at(
                &join_key(&path, "zones"),
                format!(
                    "a conduit connects two different zones, got `{}` twice",
                    c.zones[0]
                ),
            );
        }
        let direction = match c.direction.unwrap_or(DirectionRaw::Both) {
            DirectionRaw::Both => ConduitDirection::Both,
            DirectionRaw::FirstToSecond => ConduitDirection::FirstToSecond,
            DirectionRaw::SecondToFirst => ConduitDirection::SecondToFirst,
        };
        if let (Some(a), Some(b)) = (a, b) {
            conduits.push(Conduit {
                id: c.id.clone(),
                zones: [ZoneIdx(a), ZoneIdx(b)],
                protocols: c.protocols.iter().map(|p| p.to_lowercase()).collect(),
                direction,
            });
        }
    }

    // Assets (two passes: ids first, so redundancy partners may point forward).
    let mut asset_ids = Ids::new("assets", written_ids(root, "assets"));
    for (i, a) in &s.assets {
        asset_ids.define(ctx, &a.id, &join_index("assets", *i), "asset");
    }
    let mut assets = Vec::new();
    for (i, a) in &s.assets {
        let path = join_index("assets", *i);
        let zone = zone_ids.resolve(ctx, &a.zone, &join_key(&path, "zone"), "zone");
        let model = lib.get(&a.model);
        if model.is_none() {
            let hint = did_you_mean(&a.model, lib.ids());
            let list = lib.ids().collect::<Vec<_>>().join(", ");
            ctx.err_help(
                &join_key(&path, "model"),
                format!("unknown asset model `{}`{hint}", a.model),
                format!("the model library has: {list}"),
            );
        }
        let model_kind =
            model.and_then(|m| AssetKind::ALL.iter().copied().find(|k| k.name() == m.kind));
        let kind = match &a.kind {
            Some(k) => {
                let kind = parse_kind(ctx, k, &join_key(&path, "kind"));
                if let (Some(kind), Some(mk)) = (kind, model_kind)
                    && kind != mk
                {
                    ctx.err_at(
                        &join_key(&path, "kind"),
                        format!(
                            "asset kind `{}` does not match model `{}`, which is a `{}`",
                            kind.name(),
                            a.model,
                            mk.name()
                        ),
                    );
                }
                kind
            }
            None => model_kind,
        };
        let controller = kind.is_some_and(AssetKind::is_controller);
        let overrides_ok = a
            .overrides
            .as_ref()
            .is_none_or(|o| behaviour(ctx, o, &join_key(&path, "overrides"), controller));
        let partner = a.redundancy_partner.as_ref().and_then(|p| {
            let r = asset_ids.resolve(ctx, p, &join_key(&path, "redundancy_partner"), "asset");
            if p == &a.id {
                ctx.err_at(
                    &join_key(&path, "redundancy_partner"),
                    "an asset cannot be its own redundancy partner".into(),
                );
            }
            r
        });
        let (Some(zone), Some(model), Some(kind)) = (zone, model, kind) else {
            continue;
        };
        if !overrides_ok {
            continue; // already reported against the override; the merge would repeat it
        }
        let merged = merge(&model.behaviour, a.overrides.as_ref());
        let b = build_behaviour(ctx, &merged, &path, controller);
        let Some(behaviour) = b else { continue };
        let criticality = match a.criticality.unwrap_or(CriticalityRaw::Medium) {
            CriticalityRaw::Low => Criticality::Low,
            CriticalityRaw::Medium => Criticality::Medium,
            CriticalityRaw::High => Criticality::High,
            CriticalityRaw::Critical => Criticality::Critical,
        };
        assets.push(Asset {
            id: a.id.clone(),
            kind,
            zone: ZoneIdx(zone),
            criticality,
            model: a.model.clone(),
            software: a
                .software
                .iter()
                .map(|s| Software {
                    vendor: s.vendor.clone(),
                    product: s.product.clone(),
                    version: s.version.0.clone(),
                })
                .collect(),
            behaviour,
            redundancy_partner: partner.map(AssetIdx),
        });
    }

    // Links.
    let mut links = Vec::new();
    let mut link_ids = Ids::new("links", BTreeSet::new());
    for (i, l) in &s.links {
        let path = join_index("links", *i);
        if l.between.len() != 2 {
            ctx.err_at(
                &join_key(&path, "between"),
                format!("a link connects exactly 2 assets, got {}", l.between.len()),
            );
            continue;
        }
        let a = asset_ids.resolve(
            ctx,
            &l.between[0],
            &join_index(&join_key(&path, "between"), 0),
            "asset",
        );
        let b = asset_ids.resolve(
            ctx,
            &l.between[1],
            &join_index(&join_key(&path, "between"), 1),
            "asset",
        );
        if l.between[0] == l.between[1] {
            ctx.err_at(
                &join_key(&path, "between"),
                format!(
                    "a link connects two different assets, got `{}` twice",
                    l.between[0]
                ),
            );
            continue;
        }
        let id =
            l.id.clone()
                .unwrap_or_else(|| format!("{}--{}", l.between[0], l.between[1]));
        link_ids.define(ctx, &id, &path, "link");
        let jitter = l
            .jitter
            .as_ref()
            .and_then(|j| duration_dist(ctx, j, &join_key(&path, "jitter")));
        let loss = l.loss.map_or(0.0, |v| {
            fraction(ctx, v, &join_key(&path, "loss"), "`loss`", 0.99)
        });
        if !(PLAUSIBLE_BPS.0..=PLAUSIBLE_BPS.1).contains(&l.bandwidth.0) {
            ctx.warn(
                &join_key(&path, "bandwidth"),
                format!(
                    "a bandwidth of {} bps is outside what industrial links carry (300bps to \
                     400Gbps); is the unit right?",
                    l.bandwidth.0
                ),
            );
        }
        if let (Some(a), Some(b)) = (a, b) {
            links.push(Link {
                id,
                ends: [AssetIdx(a), AssetIdx(b)],
                bandwidth_bps: l.bandwidth.0,
                latency: l.latency.map_or(Duration(5 * unit::US), |d| d.0),
                jitter,
                loss,
            });
        }
    }

    // Flows.
    let mut flow_ids = Ids::new("flows", written_ids(root, "flows"));
    let mut flows = Vec::new();
    let mut flow_paths = Vec::new();
    for (i, f) in &s.flows {
        let path = join_index("flows", *i);
        flow_ids.define(ctx, &f.id, &path, "flow");
        let consumer = asset_ids.resolve(ctx, &f.consumer, &join_key(&path, "consumer"), "asset");
        let producer = asset_ids.resolve(ctx, &f.producer, &join_key(&path, "producer"), "asset");
        if f.consumer == f.producer {
            ctx.err_at(
                &join_key(&path, "producer"),
                format!(
                    "a flow needs two different assets, got `{}` as both consumer and producer",
                    f.consumer
                ),
            );
        }
        let period = f.period.0;
        if period < Duration(100 * unit::US) {
            ctx.err_at(
                &join_key(&path, "period"),
                format!("a flow period must be at least 100us, got {period}"),
            );
        } else if period > Duration(unit::D) {
            ctx.err_at(
                &join_key(&path, "period"),
                format!("a flow period must be at most 1d, got {period}"),
            );
        }
        let phase = f.phase.map_or(Duration::ZERO, |d| d.0);
        if phase >= period && period > Duration::ZERO {
            ctx.err_at(
                &join_key(&path, "phase"),
                format!("the phase must be shorter than the period ({period}), got {phase}"),
            );
        }
        let poll = matches!(f.kind, FlowKindRaw::Poll);
        if !poll {
            for (name, given) in [
                ("request_size", f.request_size.is_some()),
                ("timeout", f.timeout.is_some()),
                ("retries", f.retries.is_some()),
            ] {
                if given {
                    ctx.err_at(
                        &join_key(&path, name),
                        format!(
                            "`{name}` applies only to poll flows; a publish flow has no request"
                        ),
                    );
                }
            }
        }
        let timeout = f.timeout.map_or(period, |d| d.0);
        if poll && timeout == Duration::ZERO {
            ctx.err_at(
                &join_key(&path, "timeout"),
                "a poll timeout must be longer than 0".into(),
            );
        }
        let retries = f.retries.unwrap_or(0);
        if retries > 10 {
            ctx.err_at(
                &join_key(&path, "retries"),
                format!("at most 10 retries are modelled, got {retries}"),
            );
        }
        let (fail_after, watchdog) = match &f.on_loss {
            Some(o) => (o.after_timeouts.unwrap_or(3), o.watchdog.map(|w| w.0)),
            None => (3, None),
        };
        if fail_after == 0 || fail_after > 1000 {
            ctx.err_at(
                &join_key(&join_key(&path, "on_loss"), "after_timeouts"),
                format!("`after_timeouts` must be between 1 and 1000, got {fail_after}"),
            );
        }
        if let Some(w) = watchdog
            && w < period
        {
            ctx.err_at(
                &join_key(&join_key(&path, "on_loss"), "watchdog"),
                format!("a watchdog shorter than the period ({period}) would always fire, got {w}"),
            );
        }
        if !poll && watchdog.is_none() {
            ctx.warn(
                &path,
                format!(
                    "publish flow `{}` has no `on_loss.watchdog`: its loss is never detected",
                    f.id
                ),
            );
        }
        let deadline = f
            .deadline
            .map_or(if poll { timeout } else { period }, |d| d.0);
        if f.deadline.is_some() && deadline > period && period >= Duration(100 * unit::US) {
            ctx.warn(
                &join_key(&path, "deadline"),
                format!(
                    "the deadline ({deadline}) is longer than the period ({period}): a reply that \
                     late comes after the next exchange has started; is the unit right?"
                ),
            );
        }
        if let (Some(c), Some(p)) = (consumer, producer) {
            flows.push(Flow {
                id: f.id.clone(),
                kind: if poll {
                    FlowKind::Poll
                } else {
                    FlowKind::Publish
                },
                protocol: f.protocol.to_lowercase(),
                consumer: AssetIdx(c),
                producer: AssetIdx(p),
                period,
                phase,
                request_bytes: if poll {
                    f.request_size.map_or(64, |s| s.0)
                } else {
                    0
                },
                response_bytes: f.response_size.map_or(256, |s| s.0),
                timeout,
                retries,
                deadline,
                fail_after,
                watchdog,
                poisson: f.arrivals == Some(ArrivalsRaw::Poisson),
                exponential_sizes: f.sizes == Some(SizesRaw::Exponential),
            });
            flow_paths.push(path);
        }
    }

    // Routes: one Dijkstra per distinct consumer, through network devices only.
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

    // Functions.
    let mut function_ids = Ids::new("functions", written_ids(root, "functions"));
    for (i, f) in &s.functions {
        function_ids.define(ctx, &f.id, &join_index("functions", *i), "function");
    }
    let mut functions = Vec::new();
    let refs = Refs {
        assets: &asset_ids,
        flows: &flow_ids,
        functions: &function_ids,
    };
    for (i, f) in &s.functions {
        let path = join_index("functions", *i);
        let deps = dependencies(ctx, &refs, &f.depends_on, &join_key(&path, "depends_on"));
        let kind = match f.kind {
            FunctionKindRaw::View => FunctionKind::View,
            FunctionKindRaw::Control => FunctionKind::Control,
            FunctionKindRaw::History => FunctionKind::History,
            FunctionKindRaw::Interlock => FunctionKind::Interlock,
            FunctionKindRaw::Safety => FunctionKind::Safety,
            FunctionKindRaw::Telemetry => FunctionKind::Telemetry,
        };
        if f.depends_on.is_empty() {
            ctx.err_at(
                &join_key(&path, "depends_on"),
                "a function must depend on at least one asset, flow or function".into(),
            );
        }
        functions.push(Function {
            id: f.id.clone(),
            kind,
            depends_on: deps,
        });
    }
    check_function_cycles(ctx, &functions, s);

    // Process units.
    let mut unit_ids = Ids::new("process_units", written_ids(root, "process_units"));
    let mut process_units = Vec::new();
    for (i, u) in &s.process_units {
        let path = join_index("process_units", *i);
        unit_ids.define(ctx, &u.id, &path, "process unit");
        let deps = dependencies(ctx, &refs, &u.depends_on, &join_key(&path, "depends_on"));
        if u.depends_on.is_empty() {
            ctx.err_at(
                &join_key(&path, "depends_on"),
                "a process unit must depend on at least one asset, flow or function".into(),
            );
        }
        let restart = duration_dist(ctx, &u.restart_time, &join_key(&path, "restart_time"));
        let cost = money(
            ctx,
            u.downtime_cost_per_hour,
            &join_key(&path, "downtime_cost_per_hour"),
        );
        let impact = money(
            ctx,
            u.compromise_impact_cost.unwrap_or(0.0),
            &join_key(&path, "compromise_impact_cost"),
        );
        let trip = match &u.attack_trip_probability {
            Some(p) => probability(ctx, p, &join_key(&path, "attack_trip_probability")),
            None => Some(Probability::Fixed(0.5)),
        };
        if let (Some(restart_time), Some(attack_trip_probability)) = (restart, trip) {
            process_units.push(ProcessUnit {
                id: u.id.clone(),
                depends_on: deps,
                restart_time,
                downtime_cost_per_hour: cost,
                compromise_impact_cost: impact,
                attack_trip_probability,
            });
        }
    }

    // Vulnerabilities.
    let mut vuln_ids = Ids::new("vulnerabilities", written_ids(root, "vulnerabilities"));
    let mut vulnerabilities = Vec::new();
    for (i, v) in &s.vulnerabilities {
        let path = join_index("vulnerabilities", *i);
        vuln_ids.define(ctx, &v.id, &path, "vulnerability");
        let affected = affects(
            ctx,
            &asset_ids,
            &assets,
            &v.affects,
            &join_key(&path, "affects"),
        );
        if affected.is_empty() && ctx.clean() {
            ctx.warn(
                &join_key(&path, "affects"),
                format!("vulnerability `{}` affects no asset of this plant", v.id),
            );
        }
        let mut ttc_factor = 1.0;
        let (score, local_only) = match &v.cvss {
            Some(vector) => match vector.parse::<cvss::v3::Vector>() {
                Ok(parsed)
                    if [
                        parsed.av.is_none(),
                        parsed.ac.is_none(),
                        parsed.pr.is_none(),
                        parsed.ui.is_none(),
                        parsed.s.is_none(),
                        parsed.c.is_none(),
                        parsed.i.is_none(),
                        parsed.a.is_none(),
                    ]
                    .contains(&true) =>
                {
                    ctx.err_help(
                        &join_key(&path, "cvss"),
                        format!("incomplete CVSS v3 vector `{vector}`: a base vector needs all of AV, AC, PR, UI, S, C, I and A"),
                        "expected e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`".into(),
                    );
                    (None, false)
                }
                Ok(parsed) => {
                    ttc_factor = cvss_ttc_factor(&parsed);
                    use cvss::v3::metric::base::AttackVector;
                    let local = matches!(
                        parsed.av,
                        Some(AttackVector::Local | AttackVector::Physical | AttackVector::Adjacent)
                    );
                    (Some(parsed.base_score().value()), local)
                }
                Err(e) => {
                    ctx.err_help(
                        &join_key(&path, "cvss"),
                        format!("invalid CVSS v3 vector `{vector}`: {e}"),
                        "expected e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`".into(),
                    );
                    (None, false)
                }
            },
            None => (None, false),
        };
        let epss = v
            .epss
            .map(|e| fraction(ctx, e, &join_key(&path, "epss"), "`epss`", 1.0));
        let ttc = v
            .ttc
            .as_ref()
            .and_then(|t| duration_dist(ctx, t, &join_key(&path, "ttc")));
        if let Some(t) = &ttc
            && t.0.mean() <= 0.0
        {
            ctx.err_at(
                &join_key(&path, "ttc"),
                "a time to compromise must be longer than 0".into(),
            );
        }
        let maturity = match v.exploit_maturity {
            Some(MaturityRaw::Unproven) => ExploitMaturity::Unproven,
            Some(MaturityRaw::ProofOfConcept) => ExploitMaturity::ProofOfConcept,
            Some(MaturityRaw::Functional) => ExploitMaturity::Functional,
            Some(MaturityRaw::Active) => ExploitMaturity::Active,
            None if v.kev => ExploitMaturity::Active,
            None => ExploitMaturity::Unproven,
        };
        if v.kev && matches!(v.exploit_maturity, Some(m) if !matches!(m, MaturityRaw::Active)) {
            ctx.warn(&join_key(&path, "exploit_maturity"), format!("`{}` is listed in KEV (exploited in the wild) but its maturity is not `active`", v.id));
        }
        let ttc_defaulted = ttc.is_none();
        let ttc = ttc.unwrap_or_else(|| default_ttc(maturity, v.kev, epss, ttc_factor));
        vulnerabilities.push(Vulnerability {
            id: v.id.clone(),
            title: v.title.clone().unwrap_or_default(),
            assets: affected,
            cvss_vector: v.cvss.clone(),
            cvss_base_score: score,
            exploit_maturity: maturity,
            kev: v.kev,
            epss,
            service: v.service.as_ref().map(|s| s.to_lowercase()),
            local_only,
            ttc,
            ttc_defaulted,
        });
    }

    // Patches.
    let mut patch_ids = Ids::new("patches", written_ids(root, "patches"));
    let mut patches = Vec::new();
    // Patches whose target assets are not all known (a reference that failed, or the patch
    // itself failed): a plan action on one is not also reported as patching nothing.
    let mut incomplete_patches = BTreeSet::new();
    for (i, p) in &s.patches {
        let path = join_index("patches", *i);
        let patch_index = patch_ids.define(ctx, &p.id, &path, "patch");
        let errors_before = ctx.diags.len();
        let unresolved_before = ctx.unresolved;
        let fixes: Vec<VulnIdx> = p
            .fixes
            .iter()
            .enumerate()
            .filter_map(|(j, v)| {
                vuln_ids
                    .resolve(
                        ctx,
                        v,
                        &join_index(&join_key(&path, "fixes"), j),
                        "vulnerability",
                    )
                    .map(VulnIdx)
            })
            .collect();
        if p.fixes.is_empty() {
            ctx.err_at(
                &join_key(&path, "fixes"),
                "a patch must fix at least one vulnerability".into(),
            );
        }
        let applies_to = match &p.applies_to {
            Some(a) => affects(ctx, &asset_ids, &assets, a, &join_key(&path, "applies_to")),
            None => {
                let set: BTreeSet<AssetIdx> = fixes
                    .iter()
                    .filter_map(|v| vulnerabilities.get(v.0 as usize))
                    .flat_map(|v| v.assets.iter().copied())
                    .collect();
                set.into_iter().collect()
            }
        };
        let deploy = duration_dist(ctx, &p.deploy_time, &join_key(&path, "deploy_time"));
        let restart_time = p
            .restart_time
            .as_ref()
            .and_then(|d| duration_dist(ctx, d, &join_key(&path, "restart_time")));
        let fpath = join_key(&path, "failure");
        let failure = probability(
            ctx,
            &p.failure.probability,
            &join_key(&fpath, "probability"),
        );
        let extra_u = fraction(
            ctx,
            p.failure.extra_if_uncertified.unwrap_or(0.0),
            &join_key(&fpath, "extra_if_uncertified"),
            "`extra_if_uncertified`",
            1.0,
        );
        let extra_v = fraction(
            ctx,
            p.failure.extra_if_unvalidated.unwrap_or(0.0),
            &join_key(&fpath, "extra_if_unvalidated"),
            "`extra_if_unvalidated`",
            1.0,
        );
        let rollback = duration_dist(
            ctx,
            &p.failure.rollback_time,
            &join_key(&fpath, "rollback_time"),
        );
        let side = p.side_effects.as_ref().map(|s| {
            let sp = join_key(&path, "side_effects");
            SideEffects {
                added_service_time: s.added_service_time.map_or(Duration::ZERO, |d| d.0),
                added_cpu_load: s.added_cpu_load.map_or(0.0, |l| {
                    fraction(
                        ctx,
                        l,
                        &join_key(&sp, "added_cpu_load"),
                        "`added_cpu_load`",
                        0.9,
                    )
                }),
                scan_cycle: s
                    .scan_cycle
                    .as_ref()
                    .and_then(|d| duration_dist(ctx, d, &join_key(&sp, "scan_cycle"))),
            }
        });
        if ctx.diags.len() > errors_before || ctx.unresolved > unresolved_before {
            incomplete_patches.extend(patch_index);
        }
        if let (Some(deploy_time), Some(failure_probability), Some(rollback_time)) =
            (deploy, failure, rollback)
        {
            let restart = match p.restart {
                RestartRaw::None => RestartScope::None,
                RestartRaw::Service => RestartScope::Service,
                RestartRaw::Machine => RestartScope::Machine,
                RestartRaw::Zone => RestartScope::Zone,
                RestartRaw::System => RestartScope::System,
            };
            patches.push(Patch {
                id: p.id.clone(),
                fixes,
                applies_to,
                deploy_time,
                restart,
                restart_time,
                failure_probability,
                vendor_certified: p.vendor_certified,
                validated_in_test: p.validated_in_test,
                extra_failure_if_uncertified: extra_u,
                extra_failure_if_unvalidated: extra_v,
                rollback_time,
                side_effects: side.unwrap_or_default(),
            });
        }
    }

    // Threat (before controls: remote-access restrictions name entry points).
    let mut entry_ids = Ids::new(
        "threat.entry_points",
        written_ids_nested(root, "threat", "entry_points"),
    );
    let threat = match &s.threat {
        None => Threat {
            entry_points: Vec::new(),
            capability: Capability::Medium,
            targets: Vec::new(),
            recovery_time: default_recovery(),
        },
        Some(t) => {
            let mut entry_points = Vec::new();
            for (j, e) in t.entry_points.iter().enumerate() {
                let path = join_index("threat.entry_points", j);
                entry_ids.define(ctx, &e.id, &path, "entry point");
                let asset = asset_ids.resolve(ctx, &e.asset, &join_key(&path, "asset"), "asset");
                if e.mean_time_between_attempts.0 < Duration(unit::MIN) {
                    ctx.err_at(
                        &join_key(&path, "mean_time_between_attempts"),
                        format!(
                            "attempts at most every minute are modelled, got {}",
                            e.mean_time_between_attempts.0
                        ),
                    );
                }
                let foothold = match &e.foothold_probability {
                    Some(p) => probability(ctx, p, &join_key(&path, "foothold_probability")),
                    None => Some(Probability::Fixed(1.0)),
                };
                let kind = match e.kind {
                    EntryKindRaw::EnterpriseIt => EntryKind::EnterpriseIt,
                    EntryKindRaw::VendorRemoteAccess => EntryKind::VendorRemoteAccess,
                    EntryKindRaw::InternetService => EntryKind::InternetService,
                    EntryKindRaw::RemovableMedia => EntryKind::RemovableMedia,
                };
                if let (Some(a), Some(foothold_probability)) = (asset, foothold) {
                    entry_points.push(EntryPoint {
                        id: e.id.clone(),
                        kind,
                        asset: AssetIdx(a),
                        mean_time_between_attempts: e.mean_time_between_attempts.0,
                        foothold_probability,
                    });
                }
            }
            let mut targets = Vec::new();
            for (j, tr) in t.targets.iter().enumerate() {
                let path = join_index("threat.targets", j);
                let what = match (&tr.asset, &tr.process_unit) {
                    (Some(a), None) => asset_ids
                        .resolve(ctx, a, &join_key(&path, "asset"), "asset")
                        .map(|a| AttackTarget::Asset(AssetIdx(a))),
                    (None, Some(u)) => unit_ids
                        .resolve(ctx, u, &join_key(&path, "process_unit"), "process unit")
                        .map(|u| AttackTarget::Unit(UnitIdx(u))),
                    _ => {
                        ctx.err_at(
                            &path,
                            "a target names exactly one of `asset` or `process_unit`".into(),
                        );
                        None
                    }
                };
                let impact = tr
                    .impact_cost
                    .map(|c| money(ctx, c, &join_key(&path, "impact_cost")));
                if let Some(what) = what {
                    let impact_cost = impact.unwrap_or(match what {
                        AttackTarget::Unit(u) => process_units
                            .get(u.ix())
                            .map_or(0.0, |p| p.compromise_impact_cost),
                        AttackTarget::Asset(_) => 0.0,
                    });
                    targets.push(Target { what, impact_cost });
                }
            }
            if t.entry_points.is_empty() {
                ctx.warn(
                    "threat.entry_points",
                    "the threat has no entry points: no attack will be simulated".into(),
                );
            }
            let capability = match t.capability.unwrap_or(CapabilityRaw::Medium) {
                CapabilityRaw::Low => Capability::Low,
                CapabilityRaw::Medium => Capability::Medium,
                CapabilityRaw::High => Capability::High,
                CapabilityRaw::NationState => Capability::NationState,
            };
            let recovery_time = match &t.recovery_time {
                Some(d) => {
                    duration_dist(ctx, d, "threat.recovery_time").unwrap_or_else(default_recovery)
                }
                None => default_recovery(),
            };
            Threat {
                entry_points,
                capability,
                targets,
                recovery_time,
            }
        }
    };

    // Controls.
    let mut control_ids = Ids::new("controls", written_ids(root, "controls"));
    let mut controls = Vec::new();
    for (i, c) in &s.controls {
        let path = join_index("controls", *i);
        control_ids.define(ctx, &c.id, &path, "control");
        if let Some(control) = control(
            ctx,
            c,
            &path,
            &conduit_ids,
            &entry_ids,
            &asset_ids,
            &zone_ids,
            &vuln_ids,
        ) {
            controls.push(control);
        }
    }

    // Maintenance windows.
    let mut window_ids = Ids::new(
        "maintenance_windows",
        written_ids(root, "maintenance_windows"),
    );
    let mut windows = Vec::new();
    for (i, w) in &s.windows {
        let path = join_index("maintenance_windows", *i);
        window_ids.define(ctx, &w.id, &path, "maintenance window");
        let mut starts = Vec::new();
        match (&w.first, &w.every, &w.at) {
            (Some(first), every, None) => {
                if let Some(e) = every
                    && e.0 < Duration(unit::H)
                {
                    ctx.err_at(
                        &join_key(&path, "every"),
                        format!("windows recur at most every hour, got {}", e.0),
                    );
                } else {
                    let mut t = first.0;
                    while t < horizon.unwrap_or(Duration::ZERO) {
                        starts.push(SimTime(t.0));
                        match every {
                            Some(e) => t = t.saturating_add(e.0),
                            None => break,
                        }
                    }
                }
            }
            (None, None, Some(at)) => {
                for (j, a) in at.iter().enumerate() {
                    let Some(horizon) = horizon else { continue };
                    if a.0 < horizon {
                        starts.push(SimTime(a.0.0));
                    } else {
                        ctx.warn(
                            &join_index(&join_key(&path, "at"), j),
                            format!("this occurrence ({}) is after the horizon ({horizon})", a.0),
                        );
                    }
                }
                starts.sort();
                for pair in starts.windows(2) {
                    if pair[1].since(pair[0]) < w.duration.0 {
                        ctx.err_at(&join_key(&path, "at"), "window occurrences overlap".into());
                        break;
                    }
                }
            }
            _ => ctx.err_help(
                &path,
                "a maintenance window needs either `first` (with optional `every`) or `at`".into(),
                "e.g. `first: 45d` and `every: 90d`, or `at: [45d, 135d]`".into(),
            ),
        }
        if w.duration.0 == Duration::ZERO {
            ctx.err_at(
                &join_key(&path, "duration"),
                "a window must last longer than 0".into(),
            );
        }
        if let Some(e) = &w.every
            && e.0 <= w.duration.0
        {
            ctx.err_at(
                &join_key(&path, "every"),
                format!(
                    "a window of {} repeating every {} would never end",
                    w.duration.0, e.0
                ),
            );
        }
        if let Some(horizon) = horizon
            && starts.is_empty()
            && w.duration.0 > Duration::ZERO
            && (w.first.is_some() || w.at.is_some())
        {
            ctx.warn(
                &path,
                format!(
                    "maintenance window `{}` never occurs within the horizon ({horizon})",
                    w.id
                ),
            );
        }
        let zones_in = w
            .zones
            .as_ref()
            .map(|zs| {
                zs.iter()
                    .enumerate()
                    .filter_map(|(j, z)| {
                        zone_ids
                            .resolve(ctx, z, &join_index(&join_key(&path, "zones"), j), "zone")
                            .map(ZoneIdx)
                    })
                    .collect()
            })
            .unwrap_or_default();
        windows.push(MaintenanceWindow {
            id: w.id.clone(),
            starts,
            duration: w.duration.0,
            zones: zones_in,
        });
    }

    // Plans.
    let mut plan_ids = Ids::new("plans", written_ids(root, "plans"));
    let mut plans = Vec::new();
    if s.plans.is_empty()
        && root
            .get("plans")
            .and_then(|p| p.as_array())
            .is_some_and(|a| a.is_empty())
    {
        ctx.err_at(
            "plans",
            "at least one plan is needed (usually `defer` first, as the baseline)".into(),
        );
    }
    for (i, p) in &s.plans {
        let path = join_index("plans", *i);
        plan_ids.define(ctx, &p.id, &path, "plan");
        let mut actions = Vec::new();
        for (j, a) in p.actions.iter().enumerate() {
            let apath = join_index(&join_key(&path, "actions"), j);
            let at = when(
                ctx,
                &a.at,
                &join_key(&apath, "at"),
                horizon,
                &window_ids,
                &windows,
            );
            match (&a.patch, &a.control) {
                (Some(pid), None) => {
                    let patch = patch_ids.resolve(ctx, pid, &join_key(&apath, "patch"), "patch");
                    let applicable: Option<&[AssetIdx]> = patch
                        .and_then(|x| patches.get(x as usize))
                        .map(|p| p.applies_to.as_slice());
                    let targets = match &a.assets {
                        Some(list) => list
                            .iter()
                            .enumerate()
                            .filter_map(|(k, id)| {
                                let ap = join_index(&join_key(&apath, "assets"), k);
                                let r = asset_ids.resolve(ctx, id, &ap, "asset").map(AssetIdx);
                                if let (Some(r), Some(ok)) = (r, applicable)
                                    && !ok.contains(&r)
                                {
                                    ctx.err_at(
                                        &ap,
                                        format!("patch `{pid}` does not apply to asset `{id}`"),
                                    );
                                }
                                r
                            })
                            .collect(),
                        None => applicable.map(<[AssetIdx]>::to_vec).unwrap_or_default(),
                    };
                    let staging = a.staged.as_ref().map(|st| {
                        let sp = join_key(&apath, "staged");
                        let first: Vec<AssetIdx> = st
                            .first
                            .iter()
                            .enumerate()
                            .filter_map(|(k, id)| {
                                asset_ids
                                    .resolve(
                                        ctx,
                                        id,
                                        &join_index(&join_key(&sp, "first"), k),
                                        "asset",
                                    )
                                    .map(AssetIdx)
                            })
                            .collect();
                        for (k, f) in first.iter().enumerate() {
                            if !targets.contains(f) {
                                ctx.err_at(
                                    &join_index(&join_key(&sp, "first"), k),
                                    format!(
                                        "`{}` is not among the assets this action patches",
                                        st.first[k]
                                    ),
                                );
                            }
                        }
                        if st.first.is_empty() {
                            ctx.err_at(
                                &join_key(&sp, "first"),
                                "a staged rollout names at least one asset to patch first".into(),
                            );
                        }
                        Staging {
                            first,
                            soak: st.soak.0,
                            rest_at_next_window: st.rest_at_next_window,
                        }
                    });
                    if targets.is_empty() && patch.is_some_and(|x| !incomplete_patches.contains(&x))
                    {
                        ctx.err_at(&apath, format!("patch `{pid}` applies to no asset here"));
                    }
                    if let (Some(patch), Some(at)) = (patch, at) {
                        actions.push(Action::ApplyPatch {
                            patch: PatchIdx(patch),
                            assets: targets,
                            at,
                            staging,
                        });
                    }
                }
                (None, Some(cid)) => {
                    if a.assets.is_some() || a.staged.is_some() {
                        ctx.err_at(
                            &apath,
                            "`assets` and `staged` apply only to patch actions".into(),
                        );
                    }
                    let control =
                        control_ids.resolve(ctx, cid, &join_key(&apath, "control"), "control");
                    if let (Some(c), Some(at)) = (control, at) {
                        actions.push(Action::EnableControl {
                            control: ControlIdx(c),
                            at,
                        });
                    }
                }
                _ => ctx.err_help(
                    &apath,
                    "a plan action names exactly one of `patch` or `control`".into(),
                    "e.g. `- patch: kb5034441` with `at: next_window`".into(),
                ),
            }
        }
        plans.push(Plan {
            id: p.id.clone(),
            description: p.description.clone().unwrap_or_default(),
            actions,
        });
    }

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
    Some(Scenario {
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
        patches,
        controls,
        windows,
        threat,
        plans,
        routes,
    })
}

fn build_behaviour(
    ctx: &mut Ctx,
    b: &BehaviourRaw,
    path: &str,
    controller: bool,
) -> Option<Behaviour> {
    let mut ok = true;
    let mut req = |ctx: &mut Ctx, d: &Option<DistRaw<DurationText>>, name: &str| match d {
        Some(d) => duration_dist(ctx, d, &join_key(&join_key(path, "overrides"), name)),
        None => {
            ok = false;
            ctx.err_at(
                path,
                format!("no `{name}`: neither the asset model nor `overrides` gives it"),
            );
            None
        }
    };
    let service_time = req(ctx, &b.service_time, "service_time");
    let reboot_time = req(ctx, &b.reboot_time, "reboot_time");
    let scan_cycle = if controller {
        match &b.scan_cycle {
            Some(d) => duration_dist(
                ctx,
                d,
                &join_key(&join_key(path, "overrides"), "scan_cycle"),
            ),
            None => {
                ctx.err_at(
                    path,
                    "a controller needs a `scan_cycle` from its model or `overrides`".into(),
                );
                None
            }
        }
    } else {
        None
    };
    let service_restart_time = match &b.service_restart_time {
        Some(d) => duration_dist(
            ctx,
            d,
            &join_key(&join_key(path, "overrides"), "service_restart_time"),
        ),
        None => Some(DurationDist::constant(Duration::from_secs(30))),
    };
    if !ok || (controller && scan_cycle.is_none()) {
        return None;
    }
    Some(Behaviour {
        scan_cycle,
        service_time: service_time?,
        cpu_load: b.cpu_load.unwrap_or(0.0).clamp(0.0, 0.95),
        reboot_time: reboot_time?,
        service_restart_time: service_restart_time?,
        buffer: b.buffer.map(|d| d.0),
        fault_rate_per_day: b.fault_rate_per_day.unwrap_or(0.0),
    })
}

fn affects(
    ctx: &mut Ctx,
    ids: &Ids,
    assets: &[Asset],
    a: &AffectsRaw,
    path: &str,
) -> Vec<AssetIdx> {
    let mut set = BTreeSet::new();
    for (i, id) in a.assets.iter().enumerate() {
        if let Some(x) = ids.resolve(ctx, id, &join_index(&join_key(path, "assets"), i), "asset") {
            set.insert(AssetIdx(x));
        }
    }
    for m in &a.software {
        let norm = |s: &str| s.trim().to_lowercase();
        for (i, asset) in assets.iter().enumerate() {
            let hit = asset.software.iter().any(|sw| {
                norm(&sw.vendor) == norm(&m.vendor)
                    && norm(&sw.product) == norm(&m.product)
                    && m.versions
                        .as_ref()
                        .is_none_or(|vs| vs.iter().any(|v| norm(&v.0) == norm(&sw.version)))
            });
            if hit {
                set.insert(AssetIdx(i as u32));
            }
        }
    }
    if a.assets.is_empty() && a.software.is_empty() {
        ctx.err_at(
            path,
            "name the affected `assets`, or a `software` match, or both".into(),
        );
    }
    set.into_iter().collect()
}

fn default_recovery() -> DurationDist {
    DurationDist(
        Dist::new(DistSpec::LogNormal {
            median: (8 * unit::H) as f64,
            p95: (24 * unit::H) as f64,
        })
        .expect("valid default"),
    )
}
