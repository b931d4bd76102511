//! The scenario compiled for simulation: everything a replication reads but never writes,
//! precomputed once per scenario and shared by every replication (routes as positions,
//! serialization delays per hop, which hops forward). Built from a validated
//! `patchtwin_model::Scenario`; it does no I/O and draws no random numbers.

use patchtwin_model::{Duration, FlowKind, Scenario};
use std::sync::Arc;

/// One hop of a flow's route, in the consumer → producer direction.
#[derive(Clone, Copy, Debug)]
pub struct HopLink {
    /// Link index.
    pub link: u32,
    /// Travel from `ends[0]` to `ends[1]` when going consumer → producer.
    pub forward: bool,
    /// Serialization delay of the request on this link (ns).
    pub request_ser_ns: u64,
    /// Serialization delay of the response or publication on this link (ns).
    pub response_ser_ns: u64,
}

/// A flow ready for simulation.
#[derive(Clone, Debug)]
pub struct CompiledFlow {
    /// Assets along the route, consumer first.
    pub hops: Vec<u32>,
    /// Links between hops.
    pub links: Vec<HopLink>,
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
}

/// Serialization delay of `bytes` on a link of `bps` bits per second, rounded up.
pub fn serialization_ns(bytes: u32, bps: u64) -> u64 {
    let bits = u128::from(bytes) * 8 * 1_000_000_000;
    bits.div_ceil(u128::from(bps.max(1)))
        .min(u128::from(u64::MAX)) as u64
}

/// A scenario compiled for simulation.
#[derive(Debug)]
pub struct Compiled {
    /// The validated scenario.
    pub scenario: Arc<Scenario>,
    /// Flows in scenario order.
    pub flows: Vec<CompiledFlow>,
}

impl Compiled {
    /// Compiles a validated scenario.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let flows = scenario
            .flows
            .iter()
            .zip(&scenario.routes)
            .map(|(f, r)| CompiledFlow {
                hops: r.hops.iter().map(|a| a.0).collect(),
                links: r
                    .links
                    .iter()
                    .map(|(l, fwd)| {
                        let bps = scenario.links[l.ix()].bandwidth_bps;
                        HopLink {
                            link: l.0,
                            forward: *fwd,
                            request_ser_ns: serialization_ns(f.request_bytes, bps),
                            response_ser_ns: serialization_ns(f.response_bytes, bps),
                        }
                    })
                    .collect(),
                kind: f.kind,
                period_ns: f.period.as_nanos(),
                phase_ns: f.phase.as_nanos(),
                timeout_ns: f.timeout.as_nanos(),
                retries: f.retries,
                deadline_ns: f.deadline.as_nanos(),
                fail_after: f.fail_after,
                watchdog_ns: f.watchdog.map(Duration::as_nanos),
            })
            .collect();
        Compiled { scenario, flows }
    }
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
