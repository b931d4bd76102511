//! The readable text trace: time to the millisecond (to the nanosecond when asked), the
//! entity with its label, the kind of event, what happened, in columns aligned to the widest
//! entry shown; under each trip, lost function, compromise, target reached, rollback, overrun
//! and data loss, its cause chain back to the root, across days ("ied-t1 still vulnerable:
//! its patch rolled back on day 0").
//!
//! Not the filtering rules of the command line (the caller passes the predicate).

use crate::cause::{self, Cause};
use crate::names::Names;
use patchtwin_model::Scenario;
use patchtwin_sim::TraceLine;

/// How to print.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Nanoseconds instead of milliseconds.
    pub exact: bool,
    /// Leave out the cause lines.
    pub no_causes: bool,
}

/// The text trace of `lines` (a replication's trace, latency lines included), keeping the
/// lines `keep` accepts. Causes are inferred over every line, shown or not.
pub fn render(
    s: &Scenario,
    names: &Names,
    lines: &[TraceLine],
    keep: &dyn Fn(&TraceLine) -> bool,
    opt: Options,
) -> Vec<String> {
    // Causes are inferred on the event lines only; latency lines are not events.
    let events: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].kind != "latency")
        .collect();
    let owned: Vec<TraceLine> = events.iter().map(|&i| lines[i].clone()).collect();
    let causes = cause::infer(s, &owned);
    let mut event_of = vec![None; lines.len()];
    for (k, &i) in events.iter().enumerate() {
        event_of[i] = Some(k);
    }
    let shown: Vec<usize> = (0..lines.len()).filter(|&i| keep(&lines[i])).collect();
    let entity = |l: &TraceLine| names.with_id(&l.entity);
    let word = |l: &TraceLine| cause::classify(l).word();
    let ew = shown
        .iter()
        .map(|&i| entity(&lines[i]).chars().count())
        .max()
        .unwrap_or(0);
    let kw = shown
        .iter()
        .map(|&i| word(&lines[i]).len())
        .max()
        .unwrap_or(0);
    let tw = shown
        .iter()
        .map(|&i| crate::fmt_time(lines[i].time, opt.exact).len())
        .max()
        .unwrap_or(0);
    let mut out = Vec::with_capacity(shown.len());
    for &i in &shown {
        let l = &lines[i];
        out.push(format!(
            "{:<tw$}  {:<ew$}  {:<kw$}  {}",
            crate::fmt_time(l.time, opt.exact),
            entity(l),
            word(l),
            l.text
        ));
        let Some(k) = event_of[i] else { continue };
        if opt.no_causes || !cause::classify(l).explained() || causes[k].is_empty() {
            continue;
        }
        let pad = " ".repeat(tw + 2);
        for Cause { why, .. } in &causes[k] {
            if let Some(w) = why {
                out.push(format!("{pad}↳ why: {w}"));
            }
        }
        let chain = cause::chain(&causes, k);
        let steps: Vec<String> = chain
            .iter()
            .skip(1)
            .take(6)
            .map(|&c| {
                let e = &owned[c];
                format!(
                    "{} {} {}",
                    e.entity,
                    cause::classify(e).word(),
                    crate::fmt_time(e.time, opt.exact)
                )
            })
            .collect();
        let more = if chain.len() > 7 { " ← …" } else { "" };
        let root = if chain.len() <= 7 { " (root)" } else { "" };
        out.push(format!("{pad}↳ because: {}{root}{more}", steps.join(" ← ")));
    }
    out
}
