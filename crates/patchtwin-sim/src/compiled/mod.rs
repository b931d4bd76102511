//! The scenario compiled for simulation: everything a replication reads but never writes,
//! precomputed once per scenario and shared by every replication (routes as positions,
//! serialization delays per hop, which hops forward, scan cycles with how long a scan clock
//! keeps its phase). Built from a validated
//! `patchtwin_model::Scenario`; it does no I/O and draws no random numbers.

pub mod deps;
pub mod multicast;
pub mod reach;

use patchtwin_model::dist::{Z_P95, gamma};
use patchtwin_model::{DistSpec, Duration, DurationDist, FlowKind, Scenario};
use std::sync::Arc;

/// One hop of a flow's route, in the consumer → producer direction: everything a message
/// crossing it reads, copied from the link so that the step loop touches one small record
/// per hop instead of the flow's asset list, the link and its jitter (see `net`).
#[derive(Clone, Copy, Debug)]
pub struct HopLink {
    /// Link index.
    pub link: u32,
    /// Travel from `ends[0]` to `ends[1]` when going consumer → producer.
    pub forward: bool,
    /// The link has jitter (drawn from the scenario link's distribution).
    pub jitter: bool,
    /// The asset at the consumer's end of this hop.
    pub consumer_side: u32,
    /// The asset at the producer's end of this hop.
    pub producer_side: u32,
    /// Propagation latency (ns).
    pub latency_ns: u64,
    /// Loss probability per message.
    pub loss: f64,
    /// Serialization delay of the request on this link (ns).
    pub request_ser_ns: u64,
    /// Serialization delay of the response or publication on this link (ns).
    pub response_ser_ns: u64,
}

/// A flow ready for simulation.
#[derive(Clone, Debug)]
pub struct CompiledFlow {
    /// Links between hops.
    pub links: Vec<HopLink>,
    /// The producer (the route's last asset).
    pub producer: u32,
    /// Poll or publish.
    pub kind: FlowKind,
    /// Period (ns).
    pub period_ns: u64,
    /// Phase (ns).
    pub phase_ns: u64,
    /// Timeout (ns).
    pub timeout_ns: u64,
    /// Retries after a timeout.
    pub retries: u32,
    /// Deadline (ns).
    pub deadline_ns: u64,
    /// Failed polls before comm-fail.
    pub fail_after: u32,
    /// Watchdog (ns), if any.
    pub watchdog_ns: Option<u64>,
    /// Poisson arrivals with mean gap `period_ns`.
    pub poisson: bool,
    /// Exponential message sizes with the given means.
    pub exponential_sizes: bool,
    /// Request size in bytes (mean when exponential).
    pub request_bytes: u32,
    /// Response or publication size in bytes (mean when exponential).
    pub response_bytes: u32,
    /// Conduits this flow's messages cross (zone changes along the route), sorted.
    pub conduits: Vec<u32>,
    /// A scheduled storm in every observation window: (start, duration, period, every) in ns,
    /// `every` 0 when it does not repeat.
    pub storm: Option<[u64; 4]>,
    /// Where along the route a control inspects this flow's messages (see [`inspections`]).
    pub inspections: Vec<Inspection>,
    /// For a subscriber's copy of a multicast publication: the publication (an index into
    /// `Compiled::multicast`) and the copy's place among its copies.
    pub multicast: Option<(u32, u16)>,
}

/// A control's inspection of one flow: the device on the route (by its position counted from
/// the consumer, `0..=links.len()`) that inspects every message of the flow, request and
/// response alike, while the control is in force. Inspection is service in that device's own
/// queue (see `net`), so traffic that does not cross the device is never delayed by it.
#[derive(Clone, Debug)]
pub struct Inspection {
    /// Route position of the inspecting device, counted from the consumer.
    pub at: u16,
    /// The control (a virtual patch on a conduit the flow crosses).
    pub control: u32,
    /// The control's inspection time per message, drawn per message.
    pub latency: DurationDist,
}

/// The inspections of the flow whose route is `hops`: for every virtual patch on a conduit the
/// route crosses, the device that inspects — the first IPS on the route inside the conduit's
/// two zones, else the first firewall there, else the asset just past the zone crossing (in
/// the consumer → producer direction), which then inspects in its own processing.
pub fn inspections(s: &Scenario, hops: &[patchtwin_model::AssetIdx]) -> Vec<Inspection> {
    use patchtwin_model::{AssetKind, ControlEffect};
    let mut out = Vec::new();
    for (ci, c) in s.controls.iter().enumerate() {
        let ControlEffect::VirtualPatch {
            conduit,
            inspection_latency,
            ..
        } = &c.effect
        else {
            continue;
        };
        let zones = s.conduits[conduit.ix()].zones;
        let crossing = hops.windows(2).position(|p| {
            let (za, zb) = (s.assets[p[0].ix()].zone, s.assets[p[1].ix()].zone);
            za != zb && zones.contains(&za) && zones.contains(&zb)
        });
        let Some(crossing) = crossing else {
            continue;
        };
        let inside = |kind: AssetKind| {
            hops.iter().position(|a| {
                let a = &s.assets[a.ix()];
                a.kind == kind && zones.contains(&a.zone)
            })
        };
        let at = inside(AssetKind::Ips)
            .or_else(|| inside(AssetKind::Firewall))
            .unwrap_or(crossing + 1);
        out.push(Inspection {
            at: at as u16,
            control: ci as u32,
            latency: inspection_latency.clone(),
        });
    }
    out
}

/// Serialization delay of `bytes` on a link of `bps` bits per second, rounded up.
pub fn serialization_ns(bytes: u32, bps: u64) -> u64 {
    let bits = u128::from(bytes) * 8 * 1_000_000_000;
    bits.div_ceil(u128::from(bps.max(1)))
        .min(u128::from(u64::MAX)) as u64
}

/// The most scans a controller's clock keeps its phase over (see [`ScanCycle::memory_ns`]):
/// bounds the scans one request may draw.
pub const SCAN_CLOCK_MAX_SCANS: f64 = 1024.0;

/// A scan-cycle distribution ready for the scan clock: length-biased sampling for a clock
/// (re)started at a random moment, and how long the clock remembers its phase.
#[derive(Clone, Debug)]
pub struct ScanCycle {
    /// The scan cycle.
    pub dist: DurationDist,
    /// Longest possible scan (ns), for length-biased sampling; `None` when unbounded.
    pub max_ns: Option<f64>,
    /// How long (ns, on an idle CPU; the clock scales it by the load's stretch) after its last
    /// known boundary the clock keeps its phase: `n` mean scans, `n = (E[S] / sd(S))²` capped
    /// at [`SCAN_CLOCK_MAX_SCANS`] (and the cap for a constant scan).
    ///
    /// After `n` scans the next boundary's position has a spread of `sd(S)·√n`; at
    /// `n = (E[S] / sd(S))²` that is one mean scan, and the residual wait's distribution differs
    /// from the stationary (length-biased) one by a relative `2·e^(−2π²)` ≈ 5·10⁻⁹ (the first
    /// Fourier mode of the phase, for near-normal sums). A request arriving later than this
    /// restarts the clock in its stationary state, which is then exact to that, and costs one
    /// draw instead of a scan-by-scan walk. The cap bounds the walk for nearly constant scans
    /// (coefficient of variation below 1/32): such a clock would keep its phase longer, and
    /// letting it go after 1024 scans is the one approximation.
    pub memory_ns: f64,
}

impl ScanCycle {
    /// Prepares `dist` (in ns).
    pub fn new(dist: &DurationDist) -> Self {
        let mean = dist.0.mean();
        let variance = variance(dist.0.spec());
        let scans = if variance > 0.0 {
            (mean * mean / variance).clamp(1.0, SCAN_CLOCK_MAX_SCANS)
        } else {
            SCAN_CLOCK_MAX_SCANS
        };
        ScanCycle {
            dist: dist.clone(),
            max_ns: dist.0.upper_bound(),
            memory_ns: scans * mean.max(0.0),
        }
    }
}

/// Variance of a distribution, in closed form (the normal's ignores its truncation at zero:
/// only the scan clock's memory uses it, which needs its order of magnitude).
fn variance(spec: &DistSpec) -> f64 {
    match spec {
        DistSpec::Constant(_) => 0.0,
        DistSpec::Uniform { min, max } => (max - min).powi(2) / 12.0,
        DistSpec::Triangular { min, mode, max } => {
            let (a, b, c) = (*min, *max, *mode);
            (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
        }
        DistSpec::Pert { min, mode, max } => {
            let mean = (min + 4.0 * mode + max) / 6.0;
            (mean - min) * (max - mean) / 7.0
        }
        DistSpec::Normal { sd, .. } => sd * sd,
        DistSpec::LogNormal { median, p95 } => {
            let sigma = (p95 / median).ln() / Z_P95;
            let s2 = sigma * sigma;
            (s2.exp() - 1.0) * median * median * s2.exp()
        }
        DistSpec::Exponential { mean } => mean * mean,
        DistSpec::Weibull { shape, scale } => {
            scale * scale * (gamma(1.0 + 2.0 / shape) - gamma(1.0 + 1.0 / shape).powi(2))
        }
        DistSpec::Empirical(v) => {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n
        }
        DistSpec::Mixture(parts) => {
            // Law of total variance over the normalised weights.
            let total: f64 = parts.iter().map(|(w, _)| w).sum();
            let moments: Vec<(f64, f64, f64)> = parts
                .iter()
                .map(|(w, d)| {
                    let mean = patchtwin_model::Dist::new(d.clone()).map_or(0.0, |d| d.mean());
                    (w / total, mean, variance(d))
                })
                .collect();
            let mean: f64 = moments.iter().map(|(w, m, _)| w * m).sum();
            moments.iter().map(|(w, m, v)| w * (v + m * m)).sum::<f64>() - mean * mean
        }
    }
}

/// A scenario compiled for simulation.
#[derive(Debug)]
pub struct Compiled {
    /// The validated scenario.
    pub scenario: Arc<Scenario>,
    /// Flows in scenario order.
    pub flows: Vec<CompiledFlow>,
    /// Multicast publications, in the order of their first copies.
    pub multicast: Vec<multicast::Multicast>,
    /// For every asset, the flows whose route includes it (sorted).
    pub asset_flows: Vec<Vec<u32>>,
    /// Functions in dependency order (a function after every function it depends on).
    pub function_order: Vec<u32>,
    /// For every zone, its assets.
    pub zone_assets: Vec<Vec<u32>>,
    /// For every zone, the conduits touching it, in conduit order.
    pub zone_conduits: Vec<Vec<u32>>,
    /// For every asset, its time to serve a request or forward a message. Static data stays
    /// here rather than in the `Node` component, which keeps only what changes at run time.
    pub service: Vec<DurationDist>,
    /// For every asset, whether it is a network device (switch, router, firewall, IPS): its
    /// forwarding is in hardware, so its CPU load does not stretch it (see `net`).
    pub forwards: Vec<bool>,
    /// Scan cycles: the assets' own, then those patches install. Nodes refer to them by index.
    pub scans: Vec<ScanCycle>,
    /// For every asset, its scan cycle at the start (an index into `scans`).
    pub asset_scan: Vec<Option<u32>>,
    /// For every patch, the scan cycle it installs (an index into `scans`), if any.
    pub patch_scan: Vec<Option<u32>>,
    /// Dependencies of functions and process units, compiled, and who depends on what.
    pub dependents: deps::DependentIndex,
    /// The attacker's precomputed view of the scenario.
    pub attack: reach::AttackIndex,
}

impl Compiled {
    /// Settings of a replication of this scenario to its horizon, with observation windows of
    /// `observe_ns`.
    pub fn run_settings(&self, observe_ns: u64) -> crate::settings::RunSettings {
        crate::settings::RunSettings::new(observe_ns, self.scenario.horizon.as_nanos())
    }

    /// Compiles a validated scenario.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let flows = scenario
            .flows
            .iter()
            .zip(&scenario.routes)
            .map(|(f, r)| CompiledFlow {
                links: r
                    .links
                    .iter()
                    .zip(r.hops.windows(2))
                    .map(|((l, fwd), ends)| {
                        let link = &scenario.links[l.ix()];
                        let bps = link.bandwidth_bps;
                        HopLink {
                            link: l.0,
                            forward: *fwd,
                            jitter: link.jitter.is_some(),
                            consumer_side: ends[0].0,
                            producer_side: ends[1].0,
                            latency_ns: link.latency.as_nanos(),
                            loss: link.loss,
                            request_ser_ns: serialization_ns(f.request_bytes, bps),
                            response_ser_ns: serialization_ns(f.response_bytes, bps),
                        }
                    })
                    .collect(),
                producer: r.hops[r.hops.len() - 1].0,
                kind: f.kind,
                period_ns: f.period.as_nanos(),
                phase_ns: f.phase.as_nanos(),
                timeout_ns: f.timeout.as_nanos(),
                retries: f.retries,
                deadline_ns: f.deadline.as_nanos(),
                fail_after: f.fail_after,
                watchdog_ns: f.watchdog.map(Duration::as_nanos),
                poisson: f.poisson,
                exponential_sizes: f.exponential_sizes,
                request_bytes: f.request_bytes,
                response_bytes: f.response_bytes,
                conduits: crossed_conduits(&scenario, &r.hops),
                inspections: inspections(&scenario, &r.hops),
                storm: f.storm.map(|st| {
                    [
                        st.start.as_nanos(),
                        st.duration.as_nanos(),
                        st.period.as_nanos(),
                        st.every.map_or(0, Duration::as_nanos),
                    ]
                }),
                multicast: None,
            })
            .collect();
        let (flows, multicast) = multicast::compile(&scenario, flows);
        let mut asset_flows = vec![Vec::new(); scenario.assets.len()];
        for (fi, r) in scenario.routes.iter().enumerate() {
            for a in &r.hops {
                let list: &mut Vec<u32> = &mut asset_flows[a.ix()];
                if list.last() != Some(&(fi as u32)) {
                    list.push(fi as u32);
                }
            }
        }
        let mut zone_assets = vec![Vec::new(); scenario.zones.len()];
        for (ai, a) in scenario.assets.iter().enumerate() {
            zone_assets[a.zone.ix()].push(ai as u32);
        }
        let function_order = function_order(&scenario);
        let mut zone_conduits = vec![Vec::new(); scenario.zones.len()];
        for (ci, c) in scenario.conduits.iter().enumerate() {
            for z in c.zones {
                zone_conduits[z.ix()].push(ci as u32);
            }
        }
        let mut scans = Vec::new();
        let mut scan_index = |d: &Option<DurationDist>| {
            d.as_ref().map(|d| {
                scans.push(ScanCycle::new(d));
                (scans.len() - 1) as u32
            })
        };
        let asset_scan = scenario
            .assets
            .iter()
            .map(|a| scan_index(&a.behaviour.scan_cycle))
            .collect();
        let patch_scan = scenario
            .patches
            .iter()
            .map(|p| scan_index(&p.side_effects.scan_cycle))
            .collect();
        let service = scenario
            .assets
            .iter()
            .map(|a| a.behaviour.service_time.clone())
            .collect();
        let forwards = scenario
            .assets
            .iter()
            .map(|a| a.kind.is_network_device())
            .collect();
        let dependents = deps::DependentIndex::new(&scenario);
        let attack = reach::AttackIndex::new(&scenario);
        Compiled {
            scenario,
            flows,
            multicast,
            asset_flows,
            function_order,
            zone_assets,
            zone_conduits,
            service,
            forwards,
            scans,
            asset_scan,
            patch_scan,
            dependents,
            attack,
        }
    }
}

/// Conduits whose two zones are adjacent along a route.
fn crossed_conduits(s: &Scenario, hops: &[patchtwin_model::AssetIdx]) -> Vec<u32> {
    let mut out = Vec::new();
    for pair in hops.windows(2) {
        let (za, zb) = (s.assets[pair[0].ix()].zone, s.assets[pair[1].ix()].zone);
        if za == zb {
            continue;
        }
        for (ci, c) in s.conduits.iter().enumerate() {
            if (c.zones[0] == za && c.zones[1] == zb) || (c.zones[0] == zb && c.zones[1] == za) {
                out.push(ci as u32);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Depth-first topological order of functions (validation guarantees there is no cycle).
fn function_order(s: &Scenario) -> Vec<u32> {
    fn visit(s: &Scenario, f: u32, state: &mut [u8], order: &mut Vec<u32>) {
        if state[f as usize] != 0 {
            return;
        }
        state[f as usize] = 1;
        let mut children = Vec::new();
        patchtwin_model::direct_functions(&s.functions[f as usize].depends_on, &mut children);
        for c in children {
            visit(s, c.0, state, order);
        }
        state[f as usize] = 2;
        order.push(f);
    }
    let mut state = vec![0u8; s.functions.len()];
    let mut order = Vec::with_capacity(s.functions.len());
    for f in 0..s.functions.len() as u32 {
        visit(s, f, &mut state, &mut order);
    }
    order
}

#[cfg(test)]
mod tests {
    #[test]
    fn serialization_rounds_up() {
        // 1500 bytes at 100 Mbps: 120 us exactly; 1 byte at 3 bps: 2.67 s, rounded up.
        assert_eq!(super::serialization_ns(1500, 100_000_000), 120_000);
        assert_eq!(super::serialization_ns(1, 3), 2_666_666_667);
    }
}
