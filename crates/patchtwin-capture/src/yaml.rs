//! Discovered flows as scenario `flows:` entries (the format of `FlowRaw` in
//! patchtwin-scenario), each preceded by comments holding the evidence: connections, requests,
//! unanswered, period spread and breaks, items with their own periods, sizes and measured
//! response-time quantiles.
//!
//! What is written: `kind: poll`, the protocol, consumer and producer (the mapped asset, or
//! `host-<address>` flagged in a comment), `period` (mean gap between requests), `arrivals:
//! poisson` when the gaps vary more than [`POISSON_CV`] of their mean, and the mean request and
//! response sizes. Timeouts, retries and deadlines are not in a capture and are left to the
//! scenario's defaults.

use crate::discover::{DiscoveredFlow, EndpointMapping};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Coefficient of variation of the gaps above which arrivals are written as Poisson.
pub const POISSON_CV: f64 = 0.5;

/// A duration in the scenario's unit syntax, rounded to the microsecond.
pub fn duration_text(seconds: f64) -> String {
    let us = (seconds * 1e6).round().max(1.0) as u64;
    if us.is_multiple_of(1000) {
        format!("{}ms", us / 1000)
    } else {
        format!("{us}us")
    }
}

/// The flows as a `flows:` YAML list; `mapping` from [`crate::map_endpoints`] for the same
/// flows, `source` names the capture in the header comment.
pub fn flows_yaml(flows: &[DiscoveredFlow], mapping: &EndpointMapping, source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Flows discovered by patchtwin from {source}.");
    let _ = writeln!(
        out,
        "# Sizes are application PDUs as carried by TCP/UDP; response times are measured at the capture point."
    );
    out.push_str("flows:\n");
    let mut ids = BTreeSet::new();
    for (i, f) in flows.iter().enumerate() {
        let (consumer, producer) = mapping.assets.get(i).cloned().unwrap_or((None, None));
        let consumer_known = consumer.is_some();
        let producer_known = producer.is_some();
        let consumer = consumer.unwrap_or_else(|| host_id(&f.client.to_string()));
        let producer = producer.unwrap_or_else(|| host_id(&f.server.ip().to_string()));
        let base = format!(
            "{consumer}-{}-{producer}",
            f.protocol.scenario_name().replace('_', "-")
        );
        let mut id = base.clone();
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        evidence(&mut out, f, consumer_known, producer_known);
        let _ = writeln!(out, "  - id: {id}");
        out.push_str("    kind: poll\n");
        let _ = writeln!(out, "    protocol: {}", f.protocol.scenario_name());
        let _ = writeln!(out, "    consumer: {consumer}");
        let _ = writeln!(out, "    producer: {producer}");
        let fitted = fitted(f);
        match &fitted.period {
            Some(period) => {
                let _ = writeln!(out, "    period: {period}");
                if fitted.poisson {
                    out.push_str("    arrivals: poisson\n");
                }
            }
            None => out.push_str("    period: 1s  # too few requests to measure; review\n"),
        }
        let _ = writeln!(out, "    request_size: {}", fitted.request_size);
        match &fitted.response_size {
            Some(size) => {
                let _ = writeln!(out, "    response_size: {size}");
            }
            None => out.push_str("    # no response seen: response_size left at its default\n"),
        }
    }
    out
}

/// A flow's parameters as fitted to the capture, in the scenario's unit syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fitted {
    /// Mean gap between requests (`None` with fewer than two gaps).
    pub period: Option<String>,
    /// Whether the gaps vary more than [`POISSON_CV`] of their mean (`arrivals: poisson`).
    pub poisson: bool,
    /// Mean request size, e.g. `12B`.
    pub request_size: String,
    /// Mean response size (`None` if nothing was answered).
    pub response_size: Option<String>,
}

/// The scenario parameters a capture gives for one flow: period, arrivals and sizes.
pub fn fitted(f: &DiscoveredFlow) -> Fitted {
    Fitted {
        period: f.period.map(|p| duration_text(p.mean_s)),
        poisson: f.period.is_some_and(|p| p.sd_s > POISSON_CV * p.mean_s),
        request_size: format!("{}B", f.request_size_mean.round().max(1.0)),
        response_size: (!f.response_times_s.is_empty())
            .then(|| format!("{}B", f.response_size_mean.round().max(1.0))),
    }
}

/// The evidence comment block of one flow, written above its entry.
fn evidence(out: &mut String, f: &DiscoveredFlow, consumer_known: bool, producer_known: bool) {
    for line in evidence_lines(f, consumer_known, producer_known) {
        let _ = writeln!(out, "  # {line}");
    }
}

/// The evidence for one flow as comment lines (without `#`): connections, requests,
/// unanswered, unmatched ends, period spread and breaks, items, measured response times.
pub fn evidence_lines(
    f: &DiscoveredFlow,
    consumer_known: bool,
    producer_known: bool,
) -> Vec<String> {
    let mut out = String::new();
    let ports: Vec<String> = f.client_ports.iter().map(u16::to_string).collect();
    let _ = writeln!(
        out,
        "  # {} (ports {}) -> {}: {} requests over {} connection(s), {} unanswered, {} responses without request",
        f.client,
        ports.join(", "),
        f.server,
        f.requests,
        f.client_ports.len(),
        f.unanswered,
        f.orphan_responses
    );
    for (known, what, addr) in [
        (consumer_known, "consumer", f.client.to_string()),
        (producer_known, "producer", f.server.ip().to_string()),
    ] {
        if !known {
            let _ = writeln!(
                out,
                "  # {what} {addr} matches no asset: rename to the asset's id"
            );
        }
    }
    if let Some(p) = &f.period {
        let _ = writeln!(
            out,
            "  # period: mean {}, sd {}, median {} over {} gaps ({} breaks in the recording left out)",
            duration_text(p.mean_s),
            duration_text(p.sd_s),
            duration_text(p.median_s),
            p.gaps,
            p.breaks
        );
    }
    if f.items.len() > 1 {
        for item in &f.items {
            let period = item.period.map_or("period n/a".into(), |p| {
                format!(
                    "every {} ± {}",
                    duration_text(p.mean_s),
                    duration_text(p.sd_s)
                )
            });
            let _ = writeln!(
                out,
                "  #   item {}: {} requests, {period}",
                item.label.replace('#', "No."),
                item.requests
            );
        }
    }
    let q = |x: f64| f.response_quantile(x).map_or("n/a".into(), duration_text);
    let _ = writeln!(
        out,
        "  # response time: p50 {}, p95 {}, p99 {}, max {} (n = {})",
        q(0.5),
        q(0.95),
        q(0.99),
        q(1.0),
        f.response_times_s.len()
    );
    out.lines()
        .map(|l| l.strip_prefix("  # ").unwrap_or(l).to_string())
        .collect()
}

/// `host-10-0-0-1` for an address with no asset (an id the scenario format accepts).
fn host_id(address: &str) -> String {
    let cleaned: String = address
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("host-{}", cleaned.trim_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_scenario_units() {
        assert_eq!(duration_text(1.0), "1000ms");
        assert_eq!(duration_text(0.0012345), "1235us");
        assert_eq!(duration_text(0.0), "1us");
    }
}
