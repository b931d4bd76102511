//! Flows from transactions: conversations grouped by (client address, server address and
//! port, protocol) — a client that reconnects on a new port is the same flow — with the poll
//! period overall and per item, request and response sizes, response times and unanswered
//! requests. Also maps endpoints to scenario assets by address.
//!
//! Periods are robust to captures spliced from recordings far apart: a gap longer than both
//! [`BREAK_FACTOR`] times the median gap and [`MIN_BREAK_S`] is a break in the recording, not a
//! poll period, and is left out (and counted). The floor keeps a burst-then-wait cycle (several
//! reads back to back once a second) from being read as breaks.
//!
//! Not here: writing YAML ([`crate::yaml`]), comparing with a model ([`mod@crate::compare`]).

use crate::proto::Protocol;
use crate::track::Capture;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};

/// A gap this many times the median gap (and at least [`MIN_BREAK_S`]) is a recording break.
pub const BREAK_FACTOR: f64 = 10.0;
/// No gap shorter than this is a recording break, seconds.
pub const MIN_BREAK_S: f64 = 60.0;

/// Mean and spread of the gaps between successive requests.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Period {
    /// Mean gap, seconds.
    pub mean_s: f64,
    /// Standard deviation of the gaps, seconds.
    pub sd_s: f64,
    /// Median gap, seconds.
    pub median_s: f64,
    /// Gaps used.
    pub gaps: usize,
    /// Gaps left out as breaks in the recording.
    pub breaks: usize,
}

/// One item (function, address, object) a client polls.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemStats {
    /// The item's label.
    pub label: String,
    /// Requests for it.
    pub requests: usize,
    /// Its own poll period, if it was requested at least three times.
    pub period: Option<Period>,
}

/// One client polling one server with one protocol.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiscoveredFlow {
    /// The client's address.
    pub client: IpAddr,
    /// Client ports seen (one per connection).
    pub client_ports: Vec<u16>,
    /// The server's address and port.
    pub server: SocketAddr,
    /// The protocol.
    pub protocol: Protocol,
    /// Requests seen.
    pub requests: usize,
    /// Requests never answered.
    pub unanswered: usize,
    /// Responses with no request in the capture.
    pub orphan_responses: u64,
    /// Gap between successive requests of any item.
    pub period: Option<Period>,
    /// Per item, in order of first request.
    pub items: Vec<ItemStats>,
    /// Mean request size, bytes.
    pub request_size_mean: f64,
    /// Mean response size of answered requests, bytes.
    pub response_size_mean: f64,
    /// Response times of answered requests, seconds, sorted ascending.
    pub response_times_s: Vec<f64>,
}

impl DiscoveredFlow {
    /// The `q` quantile (0..=1) of the response times, by the nearest-rank rule; `None` if no
    /// request was answered.
    pub fn response_quantile(&self, q: f64) -> Option<f64> {
        quantile(&self.response_times_s, q)
    }
}

/// Nearest-rank quantile of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Period statistics of sorted request times (ns); `None` with fewer than two gaps.
pub fn period(times_ns: &[i64]) -> Option<Period> {
    let mut gaps: Vec<f64> = times_ns
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64 * 1e-9)
        .collect();
    if gaps.len() < 2 {
        return None;
    }
    let mut sorted = gaps.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let before = gaps.len();
    gaps.retain(|&g| g <= (BREAK_FACTOR * median).max(MIN_BREAK_S));
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    Some(Period {
        mean_s: mean,
        sd_s: var.sqrt(),
        median_s: median,
        gaps: gaps.len(),
        breaks: before - gaps.len(),
    })
}

/// Groups a capture's conversations into flows, in order of client, server, protocol.
pub fn discover_flows(capture: &Capture) -> Vec<DiscoveredFlow> {
    let mut groups: BTreeMap<(IpAddr, SocketAddr, Protocol), Vec<usize>> = BTreeMap::new();
    for (i, c) in capture.conversations.iter().enumerate() {
        groups
            .entry((c.client.ip(), c.server, c.protocol))
            .or_default()
            .push(i);
    }
    groups
        .into_iter()
        .map(|((client, server, protocol), convs)| {
            let mut all = Vec::new();
            let mut by_item: BTreeMap<String, (usize, Vec<i64>)> = BTreeMap::new();
            let mut first_seen: Vec<String> = Vec::new();
            let (mut unanswered, mut orphans, mut req_bytes, mut resp_bytes) = (0, 0, 0u64, 0u64);
            let mut response_times_s = Vec::new();
            let mut client_ports = BTreeSet::new();
            for &i in &convs {
                let c = &capture.conversations[i];
                client_ports.insert(c.client.port());
                orphans += c.orphan_responses;
                for t in &c.transactions {
                    all.push(t.request_ns);
                    let label = &c.items[t.item as usize];
                    let entry = by_item.entry(label.clone()).or_insert_with(|| {
                        first_seen.push(label.clone());
                        (0, Vec::new())
                    });
                    entry.0 += 1;
                    entry.1.push(t.request_ns);
                    req_bytes += u64::from(t.request_size);
                    match t.response_time_ns {
                        Some(rt) => {
                            response_times_s.push(rt as f64 * 1e-9);
                            resp_bytes += u64::from(t.response_size);
                        }
                        None => unanswered += 1,
                    }
                }
            }
            all.sort_unstable();
            response_times_s.sort_by(f64::total_cmp);
            let items = first_seen
                .into_iter()
                .map(|label| {
                    let (requests, mut times) = by_item.remove(&label).unwrap_or_default();
                    times.sort_unstable();
                    ItemStats {
                        label,
                        requests,
                        period: if times.len() >= 3 {
                            period(&times)
                        } else {
                            None
                        },
                    }
                })
                .collect();
            let answered = response_times_s.len();
            DiscoveredFlow {
                client,
                client_ports: client_ports.into_iter().collect(),
                server,
                protocol,
                requests: all.len(),
                unanswered,
                orphan_responses: orphans,
                period: period(&all),
                items,
                request_size_mean: req_bytes as f64 / all.len().max(1) as f64,
                response_size_mean: resp_bytes as f64 / answered.max(1) as f64,
                response_times_s,
            }
        })
        .collect()
}

/// Which scenario asset each flow's ends are, by address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointMapping {
    /// Per flow (same order): the consumer (client) asset and the producer (server) asset.
    pub assets: Vec<(Option<String>, Option<String>)>,
    /// Addresses seen that no asset has.
    pub unmatched: BTreeSet<IpAddr>,
}

/// Maps every flow's client and server address to an asset id with `addresses` (from a mapping
/// file or the scenario's assets); addresses with no asset are listed in `unmatched`.
pub fn map_endpoints(
    flows: &[DiscoveredFlow],
    addresses: &BTreeMap<IpAddr, String>,
) -> EndpointMapping {
    let mut unmatched = BTreeSet::new();
    let mut look = |ip: IpAddr| {
        let found = addresses.get(&ip).cloned();
        if found.is_none() {
            unmatched.insert(ip);
        }
        found
    };
    let assets = flows
        .iter()
        .map(|f| (look(f.client), look(f.server.ip())))
        .collect();
    EndpointMapping { assets, unmatched }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_leaves_out_breaks_in_the_recording() {
        // Polls every second, then a splice 10 years later, then polls every second again.
        let s = 1_000_000_000i64;
        let mut t: Vec<i64> = (0..5).map(|i| i * s).collect();
        t.extend((0..5).map(|i| 315_360_000 * s + i * s));
        let p = period(&t).unwrap();
        assert_eq!((p.gaps, p.breaks), (8, 1));
        assert!((p.mean_s - 1.0).abs() < 1e-12 && p.sd_s < 1e-12);
    }

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), Some(50.0));
        assert_eq!(quantile(&v, 0.95), Some(95.0));
        assert_eq!(quantile(&v, 0.0), Some(1.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
