//! The flows: poll or publish exchanges between a consumer and a producer, their timing
//! (period, phase, timeout, deadline), retries and loss detection. Their routes are
//! `routing`'s; their run-time behaviour is the simulation's.

use super::Sections;
use super::multicast;
use crate::check::*;
use crate::raw::*;
use crate::source::{join_index, join_key};
use patchtwin_model::time::unit;
use patchtwin_model::*;

/// Checks `flows`. Returns their ids, the flows built and, beside each, its path in the file
/// (routing reports an unroutable flow there).
pub(super) fn flows(
    ctx: &mut Ctx,
    root: &serde_json::Value,
    s: &Sections,
    asset_ids: &Ids,
) -> (Ids, Vec<Flow>, Vec<String>) {
    let mut flow_ids = Ids::new("flows", written_ids(root, "flows"));
    let mut flows = Vec::new();
    let mut flow_paths = Vec::new();
    for (i, f) in &s.flows {
        let path = join_index("flows", *i);
        match &f.consumer {
            ConsumerRaw::One(consumer) => {
                flow_ids.define(ctx, &f.id, &path, "flow");
                let at = join_key(&path, "consumer");
                if let Some(flow) = flow(ctx, f, &path, asset_ids, (consumer, &at)) {
                    flows.push(flow);
                    flow_paths.push(path);
                }
            }
            ConsumerRaw::Many(subscribers) => {
                let (copies, ok) = multicast::copies(ctx, f, &path, subscribers);
                for (copy_id, _, _) in &copies {
                    flow_ids.define(ctx, copy_id, &path, "flow");
                }
                multicast::name_the_copies(&mut flow_ids, f, &copies);
                let Some(((_, first, first_at), rest)) = copies.split_first() else {
                    continue;
                };
                // The shared fields are checked once, with the first subscriber.
                let template = flow(ctx, f, &path, asset_ids, (first, first_at));
                let others: Vec<_> = rest
                    .iter()
                    .map(|(_, sub, at)| asset_ids.resolve(ctx, sub, at, "asset"))
                    .collect();
                // The publication's copies go in together or not at all (what failed is
                // reported): the first subscriber's copy carries the others' messages.
                let (Some(template), true) = (template, ok) else {
                    continue;
                };
                let consumers: Option<Vec<u32>> = std::iter::once(Some(template.consumer.0))
                    .chain(others)
                    .collect();
                let Some(consumers) = consumers else {
                    continue;
                };
                let lead = FlowIdx(flows.len() as u32);
                for ((copy_id, _, _), c) in copies.iter().zip(consumers) {
                    flows.push(Flow {
                        id: copy_id.clone(),
                        consumer: AssetIdx(c),
                        multicast: Some(lead),
                        ..template.clone()
                    });
                    flow_paths.push(path.clone());
                }
            }
        }
    }
    (flow_ids, flows, flow_paths)
}

/// One flow at `path` whose consumer is `consumer` (written at `consumer_path`), or `None`
/// when its consumer or producer is unknown (reported).
fn flow(
    ctx: &mut Ctx,
    f: &FlowRaw,
    path: &str,
    asset_ids: &Ids,
    (consumer_id, consumer_path): (&str, &str),
) -> Option<Flow> {
    let consumer = asset_ids.resolve(ctx, consumer_id, consumer_path, "asset");
    let producer = asset_ids.resolve(ctx, &f.producer, &join_key(path, "producer"), "asset");
    if consumer_id == f.producer {
        ctx.err_at(
            &join_key(path, "producer"),
            format!(
                "a flow needs two different assets, got `{consumer_id}` as both consumer and producer"
            ),
        );
    }
    let period = f.period.0;
    if period < Duration(100 * unit::US) {
        ctx.err_at(
            &join_key(path, "period"),
            format!("a flow period must be at least 100us, got {period}"),
        );
    } else if period > Duration(unit::D) {
        ctx.err_at(
            &join_key(path, "period"),
            format!("a flow period must be at most 1d, got {period}"),
        );
    }
    let phase = f.phase.map_or(Duration::ZERO, |d| d.0);
    if phase >= period && period > Duration::ZERO {
        ctx.err_at(
            &join_key(path, "phase"),
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
                    &join_key(path, name),
                    format!("`{name}` applies only to poll flows; a publish flow has no request"),
                );
            }
        }
    }
    let timeout = f.timeout.map_or(period, |d| d.0);
    // An unwritten timeout is the period, whose own check reports a zero.
    if poll && f.timeout.is_some() && timeout == Duration::ZERO {
        ctx.err_at(
            &join_key(path, "timeout"),
            "a poll timeout must be longer than 0".into(),
        );
    }
    let retries = f.retries.unwrap_or(0);
    if retries > 10 {
        ctx.err_at(
            &join_key(path, "retries"),
            format!("at most 10 retries are modelled, got {retries}"),
        );
    }
    let (fail_after, watchdog) = loss_detection(ctx, f, path, period, poll);
    let deadline = f
        .deadline
        .map_or(if poll { timeout } else { period }, |d| d.0);
    if f.deadline.is_some() && deadline == Duration::ZERO {
        ctx.err_at(
            &join_key(path, "deadline"),
            "a deadline must be longer than 0 (every message would miss it)".into(),
        );
    }
    if f.deadline.is_some() && deadline > period && period >= Duration(100 * unit::US) {
        ctx.warn(
            &join_key(path, "deadline"),
            format!(
                "the deadline ({deadline}) is longer than the period ({period}): a reply that \
                     late comes after the next exchange has started; is the unit right?"
            ),
        );
    }
    let storm = f.storm.as_ref().and_then(|st| storm(ctx, st, path));
    if let Some(p) = f.deadline_p_max
        && !(p > 0.0 && p < 1.0)
    {
        ctx.err_at(
            &join_key(path, "deadline_p_max"),
            format!(
                "`deadline_p_max` is a probability strictly between 0 and 1 (e.g. 1e-4), got {p}"
            ),
        );
    }
    let (Some(c), Some(p)) = (consumer, producer) else {
        return None;
    };
    Some(Flow {
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
        storm,
        deadline_p_max: f.deadline_p_max,
        multicast: None,
    })
}

/// A flow's storm at `path`: a positive duration, a period of at least 10us, and a repeat no
/// shorter than the storm.
fn storm(ctx: &mut Ctx, st: &StormRaw, path: &str) -> Option<Storm> {
    let at = join_key(path, "storm");
    let (start, duration, period) = (st.start.0, st.duration.0, st.period.0);
    let mut ok = true;
    if duration == Duration::ZERO {
        ctx.err_at(
            &join_key(&at, "duration"),
            "a storm must last longer than 0".into(),
        );
        ok = false;
    }
    if period < Duration(10 * unit::US) {
        ctx.err_at(
            &join_key(&at, "period"),
            format!(
                "a storm's message period must be at least 10us (100,000 messages/s), got {period}"
            ),
        );
        ok = false;
    }
    let every = st.every.map(|e| e.0);
    if let Some(e) = every
        && e < duration
    {
        ctx.err_at(
            &join_key(&at, "every"),
            format!("storms repeat start to start: `every` must be at least the storm's duration ({duration}), got {e}"),
        );
        ok = false;
    }
    ok.then_some(Storm {
        start,
        duration,
        period,
        every,
    })
}

/// How the consumer notices the flow is lost: after how many timeouts in a row, and by which
/// watchdog; a publish flow without a watchdog never notices, which is warned about.
fn loss_detection(
    ctx: &mut Ctx,
    f: &FlowRaw,
    path: &str,
    period: Duration,
    poll: bool,
) -> (u32, Option<Duration>) {
    let (fail_after, watchdog) = match &f.on_loss {
        Some(o) => (o.after_timeouts.unwrap_or(3), o.watchdog.map(|w| w.0)),
        None => (3, None),
    };
    if fail_after == 0 || fail_after > 1000 {
        ctx.err_at(
            &join_key(&join_key(path, "on_loss"), "after_timeouts"),
            format!("`after_timeouts` must be between 1 and 1000, got {fail_after}"),
        );
    }
    if let Some(w) = watchdog
        && w < period
    {
        ctx.err_at(
            &join_key(&join_key(path, "on_loss"), "watchdog"),
            format!("a watchdog shorter than the period ({period}) would always fire, got {w}"),
        );
    }
    if !poll && watchdog.is_none() {
        ctx.warn(
            path,
            format!(
                "publish flow `{}` has no `on_loss.watchdog`: its loss is never detected",
                f.id
            ),
        );
    }
    (fail_after, watchdog)
}
