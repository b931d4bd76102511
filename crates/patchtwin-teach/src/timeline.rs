//! The trace of one replication arranged for display: lanes (the plan and windows, the
//! attacker, every asset, flow group — a producer's flows —, function and process unit that
//! has something to show), events on them with their class and causes, bands (maintenance
//! windows, observation windows, assets down, flows failed, functions lost, units tripped)
//! and latency samples of the flows asked for.
//!
//! Not a renderer: [`crate::text`] and [`crate::html`] draw it.

use crate::cause::{self, Cause, Class};
use crate::names::Names;
use patchtwin_model::Scenario;
use patchtwin_sim::TraceLine;
use std::collections::BTreeMap;

/// What a lane stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LaneKind {
    /// Plan steps, controls and maintenance windows.
    Plan,
    /// The attacker's steps.
    Attacker,
    /// One asset.
    Asset,
    /// The flows one asset produces.
    Flows,
    /// One function.
    Function,
    /// One process unit.
    Unit,
}

impl LaneKind {
    /// A word for the lane's heading.
    pub fn word(self) -> &'static str {
        match self {
            LaneKind::Plan => "plan",
            LaneKind::Attacker => "attacker",
            LaneKind::Asset => "asset",
            LaneKind::Flows => "flows",
            LaneKind::Function => "function",
            LaneKind::Unit => "unit",
        }
    }
}

/// One swimlane.
#[derive(Clone, Debug)]
pub struct Lane {
    /// Lane id (an asset, function or unit id; `flows:<producer>`; `plan`; `attacker`).
    pub id: String,
    /// What it stands for.
    pub kind: LaneKind,
    /// Heading text.
    pub label: String,
}

/// One trace line placed on a lane.
#[derive(Clone, Debug)]
pub struct Event {
    /// When (ns).
    pub time: u64,
    /// The trace line's entity.
    pub entity: String,
    /// The trace line's kind.
    pub kind: &'static str,
    /// What it is.
    pub class: Class,
    /// The trace line's text.
    pub text: String,
    /// Its lane.
    pub lane: usize,
    /// Its direct causes.
    pub causes: Vec<Cause>,
}

/// A stretch of time shaded on a lane, or on every lane (`lane: None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// The lane, or `None` for the whole chart.
    pub lane: Option<usize>,
    /// Start (ns).
    pub start: u64,
    /// End (ns).
    pub end: u64,
    /// `window`, `observe`, `down`, `failed`, `lost`, `tripped`.
    pub kind: &'static str,
    /// A tooltip.
    pub label: String,
}

/// One latency of a flow in an observation window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// When it arrived (ns).
    pub time: u64,
    /// The latency (ns).
    pub latency_ns: u64,
}

/// Latency samples of one flow, drawn in its producer's flow lane.
#[derive(Clone, Debug)]
pub struct Sparkline {
    /// The flow id.
    pub flow: String,
    /// The lane it is drawn in.
    pub lane: usize,
    /// Its deadline (ns).
    pub deadline_ns: u64,
    /// The samples, in time order.
    pub samples: Vec<Sample>,
}

/// One replication, arranged.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// Scenario name.
    pub scenario: String,
    /// Plan id.
    pub plan: String,
    /// Replication index.
    pub run: u64,
    /// Master seed.
    pub seed: u64,
    /// The horizon (ns).
    pub horizon_ns: u64,
    /// Lanes, top to bottom.
    pub lanes: Vec<Lane>,
    /// Events in trace order (latency samples are not events).
    pub events: Vec<Event>,
    /// Bands.
    pub bands: Vec<Band>,
    /// Latency sparklines.
    pub sparklines: Vec<Sparkline>,
}

/// What a timeline is built from besides the trace.
pub struct Meta<'a> {
    /// Plan id.
    pub plan: &'a str,
    /// Replication index.
    pub run: u64,
    /// Master seed.
    pub seed: u64,
    /// Observation window length (ns).
    pub observe_ns: u64,
    /// When the plan's changes completed, if they did (the "after" window starts then).
    pub after_start_ns: Option<u64>,
}

impl Timeline {
    /// Arranges `lines` (a replication's trace, latency lines included) of scenario `s`, in
    /// steps: the causes of the event lines, the lanes that have something to show, the events
    /// placed on them, the bands (windows, then outages) and the latency sparklines.
    pub fn build(s: &Scenario, names: &Names, meta: &Meta<'_>, lines: &[TraceLine]) -> Self {
        let (events_src, latency): (Vec<&TraceLine>, Vec<&TraceLine>) =
            lines.iter().partition(|l| l.kind != "latency");
        let owned: Vec<TraceLine> = events_src.into_iter().cloned().collect();
        let causes = cause::infer(s, &owned);
        let candidates = candidate_lanes(s, names, meta);
        let wanted: Vec<String> = owned
            .iter()
            .map(|l| lane_of(s, &candidates, l, cause::classify(l)))
            .collect();
        let spark_flows = sparkline_flows(s, &latency);
        let lanes = used_lanes(s, candidates, &wanted, &spark_flows);
        let lane_ix = |id: &str| lanes.iter().position(|l| l.id == id).unwrap_or(0);
        let events: Vec<Event> = owned
            .iter()
            .zip(causes)
            .zip(&wanted)
            .map(|((l, causes), w)| Event {
                time: l.time,
                entity: l.entity.clone(),
                kind: l.kind,
                class: cause::classify(l),
                text: l.text.clone(),
                lane: lane_ix(w),
                causes,
            })
            .collect();
        let horizon_ns = s.horizon.as_nanos();
        let mut bands = window_bands(s, meta, horizon_ns);
        bands.extend(outage_bands(&events, &lanes, horizon_ns));
        let sparklines = spark_flows
            .iter()
            .map(|&f| {
                let flow = &s.flows[f];
                Sparkline {
                    flow: flow.id.clone(),
                    lane: lane_ix(&flow_lane(s, f)),
                    deadline_ns: flow.deadline.as_nanos(),
                    samples: latency
                        .iter()
                        .filter(|l| l.entity == flow.id)
                        .map(|l| Sample {
                            time: l.time,
                            latency_ns: l.duration_ns.unwrap_or(0),
                        })
                        .collect(),
                }
            })
            .collect();
        Timeline {
            scenario: s.name.clone(),
            plan: meta.plan.to_string(),
            run: meta.run,
            seed: meta.seed,
            horizon_ns,
            lanes,
            events,
            bands,
            sparklines,
        }
    }
}

/// Every lane a timeline of `s` could have, in display order: the plan, the attacker, the
/// assets, the assets' flow groups, the functions, the units. [`used_lanes`] keeps those used.
fn candidate_lanes(s: &Scenario, names: &Names, meta: &Meta<'_>) -> Vec<Lane> {
    let mut candidates: Vec<Lane> = vec![
        Lane {
            id: "plan".into(),
            kind: LaneKind::Plan,
            label: format!("plan {}", meta.plan),
        },
        Lane {
            id: "attacker".into(),
            kind: LaneKind::Attacker,
            label: "attacker".into(),
        },
    ];
    for a in &s.assets {
        candidates.push(Lane {
            id: a.id.clone(),
            kind: LaneKind::Asset,
            label: names.with_id(&a.id),
        });
    }
    for a in &s.assets {
        candidates.push(Lane {
            id: format!("flows:{}", a.id),
            kind: LaneKind::Flows,
            label: format!("data from {}", a.id),
        });
    }
    for f in &s.functions {
        candidates.push(Lane {
            id: f.id.clone(),
            kind: LaneKind::Function,
            label: names.with_id(&f.id),
        });
    }
    for u in &s.process_units {
        candidates.push(Lane {
            id: u.id.clone(),
            kind: LaneKind::Unit,
            label: names.with_id(&u.id),
        });
    }
    candidates
}

/// The id of the lane of flow `f`: its producer's flow group.
fn flow_lane(s: &Scenario, f: usize) -> String {
    format!("flows:{}", s.assets[s.flows[f].producer.0 as usize].id)
}

/// The id of the lane line `l` (of class `class`) goes on: the attacker's steps on the
/// attacker's lane, plan steps, controls and windows on the plan's, a flow's line on its
/// producer's flow group, anything else on its entity's lane (the plan's when it has none).
fn lane_of(s: &Scenario, candidates: &[Lane], l: &TraceLine, class: Class) -> String {
    match class {
        Class::Foothold
        | Class::Compromise
        | Class::AttackFailed
        | Class::Detect
        | Class::Evict
        | Class::Impact
        | Class::AttackStop => "attacker".into(),
        Class::PlanStep | Class::ControlOn | Class::WindowOpen | Class::WindowClose => {
            "plan".into()
        }
        _ => {
            if let Some(f) = cause::flow_of(s, l) {
                flow_lane(s, f)
            } else if candidates.iter().any(|c| c.id == l.entity) {
                l.entity.clone()
            } else {
                "plan".into()
            }
        }
    }
}

/// The flows with latency samples (indices into the scenario's flows, ascending, each once).
fn sparkline_flows(s: &Scenario, latency: &[&TraceLine]) -> Vec<usize> {
    let mut v: Vec<usize> = latency
        .iter()
        .filter_map(|l| cause::flow_of(s, l))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The `candidates` a timeline shows, in their order: the plan, the attacker and every process
/// unit always (what the plant produces is the point of the picture, even on a quiet run), and
/// every other lane only when an event (`wanted`) or a sparkline of `spark_flows` goes on it.
fn used_lanes(
    s: &Scenario,
    candidates: Vec<Lane>,
    wanted: &[String],
    spark_flows: &[usize],
) -> Vec<Lane> {
    let mut used = vec![false; candidates.len()];
    used[0] = true; // plan
    used[1] = true; // attacker
    for u in &s.process_units {
        used[candidates
            .iter()
            .position(|c| c.id == u.id)
            .expect("unit lane")] = true;
    }
    for w in wanted
        .iter()
        .cloned()
        .chain(spark_flows.iter().map(|&f| flow_lane(s, f)))
    {
        if let Some(p) = candidates.iter().position(|c| c.id == w) {
            used[p] = true;
        }
    }
    candidates
        .into_iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(l, _)| l)
        .collect()
}

/// The bands across every lane: the observation windows (before, and after the changes when
/// they completed within the horizon), then every maintenance window that opens within it.
fn window_bands(s: &Scenario, meta: &Meta<'_>, horizon_ns: u64) -> Vec<Band> {
    let mut bands = vec![Band {
        lane: None,
        start: 0,
        end: meta.observe_ns.min(horizon_ns),
        kind: "observe",
        label: format!(
            "observation window (before), {}",
            crate::fmt_dur(meta.observe_ns)
        ),
    }];
    if let Some(a) = meta.after_start_ns
        && a < horizon_ns
    {
        bands.push(Band {
            lane: None,
            start: a,
            end: (a + meta.observe_ns).min(horizon_ns),
            kind: "observe",
            label: format!(
                "observation window (after the changes), {}",
                crate::fmt_dur(meta.observe_ns)
            ),
        });
    }
    for w in &s.windows {
        for st in &w.starts {
            let start = st.0;
            if start >= horizon_ns {
                continue;
            }
            bands.push(Band {
                lane: None,
                start,
                end: (start + w.duration.as_nanos()).min(horizon_ns),
                kind: "window",
                label: format!("maintenance window {} ({})", w.id, w.duration),
            });
        }
    }
    bands
}

/// The outages, per lane: from the event that opens one (an asset down, a flow failed, a
/// function lost, a unit tripped) to the event that closes it, in the order they close; those
/// still open at the end run to the horizon.
fn outage_bands(events: &[Event], lanes: &[Lane], horizon_ns: u64) -> Vec<Band> {
    let mut bands = Vec::new();
    let mut open: BTreeMap<(usize, &'static str), (u64, String)> = BTreeMap::new();
    for e in events {
        let (kind, opens) = match e.class {
            Class::Install | Class::Rollback | Class::Fault | Class::AttackStop => ("down", true),
            Class::Up => ("down", false),
            Class::FlowDown => ("failed", true),
            Class::FlowUp => ("failed", false),
            Class::FunctionLost => ("lost", true),
            Class::FunctionRestored => ("lost", false),
            Class::Trip => ("tripped", true),
            Class::UnitRunning => ("tripped", false),
            _ => continue,
        };
        // An attacker stop is drawn on the asset's lane, not the attacker's.
        let lane = if e.class == Class::AttackStop {
            match lanes.iter().position(|l| l.id == e.entity) {
                Some(l) => l,
                None => continue,
            }
        } else {
            e.lane
        };
        if opens {
            open.entry((lane, kind)).or_insert((
                e.time,
                format!(
                    "{} {kind} from {}",
                    e.entity,
                    crate::fmt_time(e.time, false)
                ),
            ));
        } else if let Some((start, label)) = open.remove(&(lane, kind)) {
            bands.push(Band {
                lane: Some(lane),
                start,
                end: e.time.max(start),
                kind,
                label: format!("{label} to {}", crate::fmt_time(e.time, false)),
            });
        }
    }
    for ((lane, kind), (start, label)) in open {
        bands.push(Band {
            lane: Some(lane),
            start,
            end: horizon_ns.max(start),
            kind,
            label: format!("{label} to the horizon"),
        });
    }
    bands
}
