//! The handler context: [`Step`] borrows the compiled scenario, the component columns, the
//! random stream, the ledger and the trace for one run, and gives handlers their accessors.
//! It handles no event itself.

use crate::compiled::Compiled;
use crate::outcome::TraceLine;
use crate::settings::RunSettings;
use crate::state::ledger::Ledger;
use crate::state::{Components, FlowState, Node};
use rand_pcg::Pcg64Mcg;

/// Borrowed state for the handlers of one run.
pub(crate) struct Step<'a, 'm> {
    pub(crate) model: &'m Compiled,
    pub(crate) plan: usize,
    /// The world's components, borrowed as columns for the run.
    pub(crate) c: Components<'a>,
    pub(crate) rng: &'a mut Pcg64Mcg,
    pub(crate) settings: RunSettings,
    pub(crate) trace: Option<&'a mut Vec<TraceLine>>,
    /// Flows whose every latency in the observation windows becomes a `latency` trace line
    /// (by flow index; empty: none). Only read while tracing.
    pub(crate) latency_flows: &'a [bool],
    pub(crate) ops: &'a mut Ledger,
    /// The observation phase running, if any.
    pub(crate) observing: Option<u8>,
    /// End of the running observation window.
    pub(crate) observe_until: u64,
    /// Start of the running (or last) observation window (storms are timed from it).
    pub(crate) observe_from: u64,
}

impl Step<'_, '_> {
    /// A drawn recovery time `d` (ns) of `kind`, for `asset` or `unit`, changed by the
    /// recovery effects of every control in force, in scenario order (see `ops`, "Recovery
    /// effects"); the time they added is counted in `recovery_extra_ns`.
    pub(crate) fn recovery_ns(
        &mut self,
        kind: patchtwin_model::RecoveryKind,
        asset: Option<u32>,
        unit: Option<u32>,
        d: u64,
    ) -> u64 {
        let s = &self.model.scenario;
        let mut out = d;
        for (ci, c) in s.controls.iter().enumerate() {
            if c.recovery.is_empty() || !self.ops.controls_active[ci] {
                continue;
            }
            for e in &c.recovery {
                if e.applies(
                    kind,
                    asset.map(patchtwin_model::AssetIdx),
                    unit.map(patchtwin_model::UnitIdx),
                ) {
                    out = e.apply(out);
                }
            }
        }
        self.ops.outcome.recovery_extra_ns += out.saturating_sub(d);
        out
    }

    /// Records a trace line (only when tracing; the text is built lazily).
    pub(crate) fn note(
        &mut self,
        now: u64,
        entity: &str,
        kind: &'static str,
        text: impl FnOnce() -> String,
    ) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(TraceLine {
                time: now,
                entity: entity.to_string(),
                kind,
                text: text(),
                duration_ns: None,
            });
        }
    }

    /// Records a trace line that reports a duration (a fault's repair, a historian gap), with
    /// the duration as a number too.
    pub(crate) fn note_duration(
        &mut self,
        now: u64,
        entity: &str,
        duration_ns: u64,
        kind: &'static str,
        text: impl FnOnce() -> String,
    ) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(TraceLine {
                time: now,
                entity: entity.to_string(),
                kind,
                text: text(),
                duration_ns: Some(duration_ns),
            });
        }
    }

    /// Records one message's latency of `flow` as a `latency` trace line, if tracing and the
    /// flow was asked for (`Replication::with_latency_trace`).
    pub(crate) fn note_latency(&mut self, now: u64, flow: u32, latency_ns: u64) {
        if !self
            .latency_flows
            .get(flow as usize)
            .copied()
            .unwrap_or(false)
        {
            return;
        }
        let f = &self.model.scenario.flows[flow as usize];
        if let Some(t) = self.trace.as_deref_mut() {
            let what = match f.kind {
                patchtwin_model::FlowKind::Poll => "poll round trip",
                patchtwin_model::FlowKind::Publish => "publication latency",
            };
            let over = if latency_ns > f.deadline.as_nanos() {
                format!(", over its {} deadline", f.deadline)
            } else {
                String::new()
            };
            t.push(TraceLine {
                time: now,
                entity: f.id.clone(),
                kind: "latency",
                text: format!(
                    "{what} {}{over}",
                    patchtwin_model::Duration::from_nanos(latency_ns)
                ),
                duration_ns: Some(latency_ns),
            });
        }
    }

    #[inline(always)]
    pub(crate) fn flow_state(&mut self, flow: u32) -> &mut FlowState {
        self.c.flows[flow as usize]
    }

    #[inline(always)]
    pub(crate) fn node(&mut self, asset: u32) -> &mut Node {
        self.c.nodes[asset as usize]
    }

    #[inline(always)]
    pub(crate) fn node_ref(&self, asset: u32) -> &Node {
        self.c.nodes[asset as usize]
    }
}

/// Formats nanoseconds for trace lines.
pub fn fmt_ns(ns: u64) -> String {
    patchtwin_model::Duration(ns).to_string()
}

/// `x.round() as u64`, exactly, without the library call `f64::round` compiles to on the
/// x86_64 baseline (no SSE4.1): truncate, then add one if the dropped fraction is at least
/// one half. Exact because `x - trunc(x)` is computed without rounding error; negative and
/// NaN give 0 and huge values saturate, as the cast does.
#[inline(always)]
pub(crate) fn round_u64(x: f64) -> u64 {
    let t = x as u64;
    if x - t as f64 >= 0.5 {
        t.saturating_add(1)
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `round_u64` is exactly `f64::round` followed by the saturating cast, on edge cases and
    /// on a sweep of values across magnitudes.
    #[test]
    fn round_u64_matches_round_then_cast() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            -0.3,
            -1.7,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            1.8446744073709552e19,
            1e30,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            cases.push(mantissa * 10f64.powi((x % 22) as i32));
        }
        for v in cases {
            assert_eq!(round_u64(v), v.round() as u64, "{v:e}");
        }
    }
}
