//! A controller's scan clock: when it next ends a scan after a request or publication
//! ([`next_scan_end`]), and the stationary wait of a clock that (re)starts at a random moment
//! ([`scan_wait_ns`]). Part of `net`; it schedules nothing and knows no flows.

use crate::compiled::ScanCycle;
use crate::state::Node;
use crate::step::round_u64;
use rand::RngExt;
use rand_pcg::Pcg64Mcg;

/// When the controller `node` next ends a scan after `now` (a request's arrival): the time it
/// serves the request.
///
/// Each controller runs one scan clock: its scan boundaries are a renewal process whose gaps
/// are scan lengths drawn from `cycle` and stretched by the CPU load (`Node::scan_stretch`).
/// Consecutive requests therefore see consecutive scans, and a poll whose period is close to
/// the scan lands at nearly the same point of successive scans — its timeouts come in runs
/// (aliasing), as on a real PLC. The clock is advanced lazily, never by an event: a request
/// draws the scans between the last boundary the clock knows and its own arrival, so the step
/// loop pays per request, not per idle scan (a constant scan advances by arithmetic).
///
/// The clock (re)starts in its stationary state — the wait is the residual of a length-biased
/// scan ([`scan_wait_ns`]) — on the controller's first request, when the controller went down
/// since its last request (a restarted PLC scans afresh), and when a request arrives more than
/// `cycle.memory_ns` (stretched) after the last boundary: by then the clock has forgotten its
/// phase (see `ScanCycle::memory_ns` for the bound), so the restart is exact to within 5·10⁻⁹
/// and the scans a request draws stay bounded (at most about 1024). The gap between the
/// baseline and the after window always restarts it.
///
/// A patch that changes the load or installs a new scan cycle acts on every scan drawn after
/// it takes effect; the scan running when it takes effect keeps its drawn end.
#[inline]
pub(crate) fn next_scan_end(
    node: &mut Node,
    cycle: &ScanCycle,
    now: u64,
    rng: &mut Pcg64Mcg,
) -> u64 {
    let stretch = node.scan_stretch;
    let clock = &mut node.scan_clock;
    let forgotten =
        now > clock.scan_end && (now - clock.scan_end) as f64 > cycle.memory_ns * stretch;
    if !clock.running || clock.down_seen != node.down_since || forgotten {
        clock.running = true;
        clock.down_seen = node.down_since;
        clock.scan_end = now + round_u64(scan_wait_ns(cycle, rng) as f64 * stretch);
    } else if clock.scan_end <= now {
        if cycle.dist.0.is_constant() {
            let length = round_u64(cycle.dist.0.sample(rng) * stretch).max(1);
            clock.scan_end += ((now - clock.scan_end) / length + 1) * length;
        } else {
            // At most about `memory_ns / E[S]` ≤ 1024 draws (`forgotten` above).
            while clock.scan_end <= now {
                clock.scan_end += round_u64(cycle.dist.0.sample(rng) * stretch).max(1);
            }
        }
    }
    clock.scan_end
}

/// Time from a request's arrival to the next scan boundary of a controller whose scan clock
/// (re)starts at a random moment: the stationary residual of its scan.
///
/// Scan boundaries form a renewal process whose gaps are the scan cycle `S`. A request arriving
/// at a random moment lands in a gap drawn with probability proportional to its length (the
/// inspection paradox), at a uniform point inside it; the wait is the rest of that gap. We
/// draw the length-biased gap by rejection (accept `S` with probability `S / max`, at most
/// `max / mean` tries on average) when the scan is bounded; for an unbounded distribution we
/// fall back to an unbiased draw, which underestimates the mean wait by `Var(S) / (2 E[S])`.
/// For a constant scan `s` this is exactly U[0, s).
#[inline]
pub(crate) fn scan_wait_ns(cycle: &ScanCycle, rng: &mut Pcg64Mcg) -> u64 {
    let (scan, max_ns) = (&cycle.dist, cycle.max_ns);
    let gap = if scan.0.is_constant() {
        scan.0.sample(rng)
    } else {
        match max_ns {
            Some(max) if max > 0.0 => {
                let mut g = scan.0.sample(rng);
                for _ in 0..64 {
                    if rng.random::<f64>() * max < g {
                        break;
                    }
                    g = scan.0.sample(rng);
                }
                g
            }
            _ => scan.0.sample(rng),
        }
    };
    round_u64(gap * (1.0 - rng.random::<f64>()))
}
