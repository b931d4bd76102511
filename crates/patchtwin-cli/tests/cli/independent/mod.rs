//! The binary against independent expectations, through `patchtwin run` and `summary.json`
//! only (no simulator code): tiny plants whose answers are computed here by hand or in
//! closed form.
//!
//! - one poll through one switch: latency = serialization + propagation + every device's
//!   service time, exactly; with a uniform service time, the mean and the quantiles of the
//!   shifted uniform;
//! - Poisson publications through a switch with constant (M/D/1) or exponential (M/M/1)
//!   forwarding time: mean latency against Pollaczek–Khinchine, quantiles against the exact
//!   waiting-time distributions (Erlang's M/D/1 formula; exponential sojourn for M/M/1);
//! - an attacker with exponential attempts and exponential TTC on a two-step chain:
//!   P(compromise by the horizon) against the hypoexponential CDF, for two capabilities;
//!   a patch of the first step cuts the chain at its install time (a one-dimensional
//!   integral), with exposure-days and the window overrun by hand;
//! - a three-step chain through four zones: P(compromise) and the quantiles of the time to
//!   compromise against the hypoexponential of four stages;
//! - monitoring that evicts the attacker a day after each foothold: against a renewal race
//!   simulated in the test itself (its own SplitMix64, no patchtwin code);
//! - a patch failing with probability p on n hosts: P(at least one rollback) = 1 − (1 − p)^n,
//!   rollbacks per run n·p, P(every host patched) = (1 − p)^n.
//! - retries after a rollback: independent attempts, a truncated geometric count per host;
//! - a pilot that halts the rollout, and a patch bad for the plant (one draw per run);
//! - spontaneous faults: a Poisson count per run, P(trip) = 1 − e^−λH, reboot plus restart per
//!   fault;
//! - a poll to a PLC: the residual of the stretched scan (uniform over runs) plus the stretched
//!   service time.
//! - historian gaps: a producer's whole outage, a broken route's outage beyond the buffer, and
//!   a reportable-gap consequence (events, cost, dual success);
//! - a switch fault cascading to a trip: detection delay, tolerance, reboot and restart by hand.
//! - taking an asset out of service: trip, downtime, cost and historian gap by hand; an entry
//!   point, gateway or conduit out for the first days: the chain's closed form from then on;
//! - a crew-limited rollout (shifts, technicians, a `max_down` rule): the hand schedule;
//! - the loss exceedance curve and the risk appetite: a Poisson tail of equal-cost faults;
//! - a multicast publication's copies: hand sums, the publisher's link crossed once; two
//!   Poisson flows sharing an M/M/1 switch: mean and deadline tail per flow;
//! - a unit needing two of three faulting controllers: P(trip) and downtime against a
//!   simulation of overlapping outages written in the test (its own SplitMix64);
//! - reportable data-loss events from exponential outages of a shared switch: a thinned
//!   Poisson count, two flows' common gap one event, cost by hand;
//! - `sensitivity`'s break-even fault rate between keeping and shutting a vendor gateway, and
//!   its EVPI, against the closed-form expected losses of the two plans.
//!
//! Each check is a z-score against the closed form at a fixed seed (so it is deterministic),
//! and a 95% interval the tool prints must contain the true value. Not here: the simulator's
//! own oracles (`patchtwin-sim/tests/`), which drive the library directly.

mod attack;
mod break_even;
mod chain;
mod data_loss;
mod exceedance;
mod operations;
mod redundancy;
mod rollout;
mod sharing;
mod take_out;
mod timing;

use crate::util;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Runs `patchtwin run FILE --runs R --seed S --out DIR` and returns `summary.json`.
fn run(file: &Path, runs: u32, seed: u64, out: &Path) -> Value {
    let args = [
        "run".to_string(),
        file.display().to_string(),
        "--runs".into(),
        runs.to_string(),
        "--seed".into(),
        seed.to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    let r = util::patchtwin(&args, Duration::from_secs(120));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut x = v;
    for key in path {
        x = match key.parse::<usize>() {
            Ok(i) => &x[i],
            Err(_) => &x[*key],
        };
    }
    x.as_f64()
        .unwrap_or_else(|| panic!("{} is not a number: {x}", path.join(".")))
}
