//! What each trace line is, and which earlier lines caused it.
//!
//! [`classify`] names a line's class from its kind and, for the attacker's and windows'
//! lines, its wording. [`infer`] walks the lines in order keeping, per asset, flow, function
//! and unit, the latest line that took it down and brought it back, and links each effect to
//! the lines that explain it:
//! - an installation, rollback or deployment ← the plan step that started it;
//! - an asset back up ← what took it down; an overrun ← that, and the window's closing;
//! - a flow failing (timeout, comm-fail, stale, data lost, buffer saved) ← the outages on its
//!   route (a restart, rollback, fault or attacker stop of any asset it crosses) or the
//!   segmentation control that cut it; a flow back ← the asset back on its route;
//! - a function lost or a unit tripping ← every dependency lost at that moment (assets down,
//!   flows failed, functions lost, through k-of-n alternatives); restored or restarting ← the
//!   latest dependency back; producing again ← the restart;
//! - an attacker step ← the attacker's previous foothold or compromise, and, when the asset's
//!   patch was rolled back earlier, that rollback ("ied-t1 still vulnerable: its patch rolled
//!   back on day 0"); a stop or a target reached ← the compromise of that asset; detection ←
//!   the compromise detected; eviction ← the detection.
//!
//! Roots have no cause: plan steps, windows, spontaneous faults, the attacker's first
//! foothold. This is an explanation drawn from the scenario's structure and the order of
//! events, not a record the simulation keeps: where several outages overlap, every one that
//! holds is named.

use patchtwin_model::{Dependency, DependencyTarget, Scenario};
use patchtwin_sim::TraceLine;
use std::collections::BTreeMap;

/// What a trace line reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[expect(
    missing_docs,
    reason = "each variant is named after the trace line it classifies"
)]
pub enum Class {
    PlanStep,
    Deploy,
    Install,
    Rollback,
    Up,
    Fault,
    Overrun,
    ControlOn,
    WindowOpen,
    WindowClose,
    Timeout,
    FlowDown,
    FlowUp,
    DataLoss,
    BufferSaved,
    Saturated,
    FunctionLost,
    FunctionRestored,
    Trip,
    UnitRestart,
    UnitRunning,
    Foothold,
    Compromise,
    AttackStop,
    Cleaned,
    AttackFailed,
    Detect,
    Evict,
    Impact,
    Latency,
    Other,
}

impl Class {
    /// A short word for the kind column and the HTML legend.
    pub fn word(self) -> &'static str {
        match self {
            Class::PlanStep => "plan",
            Class::Deploy => "deploy",
            Class::Install => "restart",
            Class::Rollback => "rollback",
            Class::Up => "up",
            Class::Fault => "fault",
            Class::Overrun => "OVERRUN",
            Class::ControlOn => "control",
            Class::WindowOpen => "window",
            Class::WindowClose => "window",
            Class::Timeout => "timeout",
            Class::FlowDown => "comm-fail",
            Class::FlowUp => "comm-ok",
            Class::DataLoss => "data-lost",
            Class::BufferSaved => "buffer-saved",
            Class::Saturated => "saturated",
            Class::FunctionLost => "lost",
            Class::FunctionRestored => "restored",
            Class::Trip => "TRIP",
            Class::UnitRestart => "restarting",
            Class::UnitRunning => "running",
            Class::Foothold => "foothold",
            Class::Compromise => "COMPROMISE",
            Class::AttackStop => "stopped",
            Class::Cleaned => "cleaned",
            Class::AttackFailed => "attempt",
            Class::Detect => "detect",
            Class::Evict => "evict",
            Class::Impact => "IMPACT",
            Class::Latency => "latency",
            Class::Other => "event",
        }
    }

    /// The colour family of the HTML timeline: `plan`, `down`, `up`, `loss`, `attack`,
    /// `window`, `latency`.
    pub fn family(self) -> &'static str {
        match self {
            Class::PlanStep | Class::Deploy | Class::ControlOn => "plan",
            Class::Install | Class::Rollback | Class::Fault | Class::Overrun | Class::Saturated => {
                "down"
            }
            Class::Up
            | Class::FlowUp
            | Class::FunctionRestored
            | Class::UnitRestart
            | Class::UnitRunning
            | Class::BufferSaved
            | Class::Cleaned
            | Class::Evict
            | Class::Detect => "up",
            Class::Timeout
            | Class::FlowDown
            | Class::DataLoss
            | Class::FunctionLost
            | Class::Trip => "loss",
            Class::Foothold
            | Class::Compromise
            | Class::AttackStop
            | Class::AttackFailed
            | Class::Impact => "attack",
            Class::WindowOpen | Class::WindowClose => "window",
            Class::Latency | Class::Other => "latency",
        }
    }

    /// Whether the text trace explains this line with its cause chain.
    pub fn explained(self) -> bool {
        matches!(
            self,
            Class::Trip
                | Class::FunctionLost
                | Class::Compromise
                | Class::Impact
                | Class::Overrun
                | Class::DataLoss
                | Class::Rollback
        )
    }
}

/// The class of one trace line.
pub fn classify(l: &TraceLine) -> Class {
    match l.kind {
        "plan" => Class::PlanStep,
        "deploy" => Class::Deploy,
        "restart" => Class::Install,
        "patch_failed" => Class::Rollback,
        "up" => Class::Up,
        "fault" => Class::Fault,
        "overrun" => Class::Overrun,
        "control" => Class::ControlOn,
        "window" if l.text.contains("opens") => Class::WindowOpen,
        "window" => Class::WindowClose,
        "timeout" => Class::Timeout,
        "comm_fail" | "stale" => Class::FlowDown,
        "flow_restored" | "comm_restored" => Class::FlowUp,
        "historian_gap" => Class::DataLoss,
        "buffer_saved" => Class::BufferSaved,
        "saturated" => Class::Saturated,
        "function_lost" => Class::FunctionLost,
        "function_restored" => Class::FunctionRestored,
        "trip" => Class::Trip,
        "unit_restart" => Class::UnitRestart,
        "unit_running" => Class::UnitRunning,
        "attack" if l.text.starts_with("attacker gets a foothold") => Class::Foothold,
        // From outside the plant: in the zone it attacks from, holding no asset yet.
        "attack" if l.text.starts_with("attacker arrives") => Class::Foothold,
        "attack" if l.text.starts_with("attacker compromises") => Class::Compromise,
        "attack" if l.text.starts_with("attacker stops") => Class::AttackStop,
        "attack" if l.text.contains("restored from a known-good image") => Class::Cleaned,
        "attack" => Class::AttackFailed,
        "detect" => Class::Detect,
        "evict" => Class::Evict,
        "impact" => Class::Impact,
        "latency" => Class::Latency,
        _ => Class::Other,
    }
}

/// The flow a line is about: its entity when that is a flow, else the flow id a consumer's
/// comm-fail or stale line names in its closing parentheses.
pub fn flow_of(s: &Scenario, l: &TraceLine) -> Option<usize> {
    if let Some(i) = s.flows.iter().position(|f| f.id == l.entity) {
        return Some(i);
    }
    let inner = l.text.strip_suffix(')')?;
    let id = &inner[inner.rfind('(')? + 1..];
    s.flows.iter().position(|f| f.id == id)
}

/// One cause of a line: the earlier line, and a sentence when the link needs saying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// Index of the causing line.
    pub line: usize,
    /// Why, in words, when the link is not obvious from the two lines.
    pub why: Option<String>,
}

impl Cause {
    fn plain(line: usize) -> Self {
        Cause { line, why: None }
    }
}

/// The latest down and up line of one thing.
#[derive(Clone, Copy, Default)]
struct State {
    down: Option<usize>,
    up: Option<usize>,
}

impl State {
    /// The line that took it down, while it is down.
    fn lost(self) -> Option<usize> {
        match (self.down, self.up) {
            (Some(d), Some(u)) if u > d => None,
            (d, _) => d,
        }
    }
}

/// The direct causes of every line (same order as `lines`): one pass in order, each line's
/// causes read off what the earlier lines left (`Walk::causes`) before the line itself is
/// recorded (`Walk::record`), so a line is never its own cause.
pub fn infer(s: &Scenario, lines: &[TraceLine]) -> Vec<Vec<Cause>> {
    let mut walk = Walk::new(s);
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let class = classify(l);
        out.push(walk.causes(lines, l, class));
        // Then this line becomes the latest of its kind.
        walk.record(i, l, class);
    }
    out
}

/// What [`infer`]'s pass remembers of the lines so far: per asset, flow, function and unit the
/// latest line that took it down and brought it back, and the latest line of each kind a
/// later line may point to.
struct Walk<'s> {
    s: &'s Scenario,
    assets: Vec<State>,
    flows: Vec<State>,
    functions: Vec<State>,
    unit_restart: Vec<Option<usize>>,
    /// Per asset, its latest rollback (a compromise after it names it).
    rollback: Vec<Option<usize>>,
    /// Per asset, its latest deployment (an installation or rollback after it names it).
    deploying: Vec<Option<usize>>,
    /// Per asset, the attacker's latest foothold or compromise of it.
    held: Vec<Option<usize>>,
    /// Per flow, the segmentation control that cut it.
    cut: Vec<Option<usize>>,
    /// Per control, the first line about it (the plan step enabling it).
    enabling: BTreeMap<String, usize>,
    /// Per patch, the plan step that started its rollout.
    rollouts: BTreeMap<String, usize>,
    last_plan: Option<usize>,
    last_gain: Option<usize>,
    last_detect: Option<usize>,
    last_open: Option<usize>,
    last_close: Option<usize>,
}

impl<'s> Walk<'s> {
    fn new(s: &'s Scenario) -> Self {
        Walk {
            s,
            assets: vec![State::default(); s.assets.len()],
            flows: vec![State::default(); s.flows.len()],
            functions: vec![State::default(); s.functions.len()],
            unit_restart: vec![None; s.process_units.len()],
            rollback: vec![None; s.assets.len()],
            deploying: vec![None; s.assets.len()],
            held: vec![None; s.assets.len()],
            cut: vec![None; s.flows.len()],
            enabling: BTreeMap::new(),
            rollouts: BTreeMap::new(),
            last_plan: None,
            last_gain: None,
            last_detect: None,
            last_open: None,
            last_close: None,
        }
    }

    fn asset(&self, id: &str) -> Option<usize> {
        self.s.assets.iter().position(|a| a.id == id)
    }

    fn function(&self, id: &str) -> Option<usize> {
        self.s.functions.iter().position(|f| f.id == id)
    }

    fn unit(&self, id: &str) -> Option<usize> {
        self.s.process_units.iter().position(|u| u.id == id)
    }

    /// The direct causes of `l` (of class `class`), from the lines before it. One step per
    /// domain: operations, flows, dependencies, the attacker.
    fn causes(&self, lines: &[TraceLine], l: &TraceLine, class: Class) -> Vec<Cause> {
        let mut causes = Vec::new();
        match class {
            Class::PlanStep | Class::WindowOpen | Class::Fault | Class::Saturated => {}
            Class::Latency | Class::Other | Class::Foothold => {}
            Class::Deploy
            | Class::Install
            | Class::Rollback
            | Class::Up
            | Class::Cleaned
            | Class::Overrun
            | Class::ControlOn
            | Class::WindowClose => self.operations_causes(l, class, &mut causes),
            Class::Timeout
            | Class::FlowDown
            | Class::DataLoss
            | Class::BufferSaved
            | Class::FlowUp => self.flow_causes(l, class, &mut causes),
            Class::FunctionLost
            | Class::Trip
            | Class::FunctionRestored
            | Class::UnitRestart
            | Class::UnitRunning => self.dependency_causes(lines, l, class, &mut causes),
            Class::Compromise
            | Class::AttackFailed
            | Class::AttackStop
            | Class::Impact
            | Class::Detect
            | Class::Evict => self.attack_causes(lines, l, class, &mut causes),
        }
        causes
    }

    /// An installation, rollback or deployment ← the plan step that started it; an asset back
    /// up ← what took it down; an overrun ← that and the window's closing; a control ← the
    /// plan step enabling it; a window closing ← its opening.
    fn operations_causes(&self, l: &TraceLine, class: Class, causes: &mut Vec<Cause>) {
        let a = self.asset(&l.entity);
        match class {
            Class::Deploy | Class::Install | Class::Rollback => {
                let from = a
                    .and_then(|a| self.deploying[a])
                    .filter(|_| class != Class::Deploy);
                // The rollout of this patch that names this asset.
                let rollout = l
                    .text
                    .split("patch ")
                    .nth(1)
                    .and_then(|t| t.split([' ', ',', ';']).next())
                    .and_then(|pid| self.rollouts.get(pid).copied());
                if let Some(c) = from.or(rollout).or(self.last_plan) {
                    causes.push(Cause::plain(c));
                }
            }
            Class::Up | Class::Cleaned => {
                if let Some(d) = a.and_then(|a| self.assets[a].down) {
                    causes.push(Cause::plain(d));
                }
            }
            Class::Overrun => {
                if let Some(d) = a.and_then(|a| self.assets[a].down) {
                    causes.push(Cause::plain(d));
                }
                if let Some(w) = self.last_close {
                    causes.push(Cause::plain(w));
                }
            }
            Class::ControlOn => {
                let own = self.enabling.get(&l.entity).copied();
                if let Some(c) = own
                    .filter(|_| l.text.starts_with("in effect"))
                    .or(self.last_plan)
                {
                    causes.push(Cause::plain(c));
                }
            }
            Class::WindowClose => {
                if let Some(w) = self.last_open {
                    causes.push(Cause::plain(w));
                }
            }
            _ => {}
        }
    }

    /// The latest line that cut flow `f` or took down an asset on its route, while it holds.
    fn route_down(&self, f: usize) -> Option<usize> {
        let mut best: Option<usize> = self.cut[f];
        for h in &self.s.routes[f].hops {
            if let Some(d) = self.assets[h.0 as usize].lost() {
                best = Some(best.map_or(d, |b: usize| b.max(d)));
            }
        }
        best
    }

    /// A flow failing ← the outage on its route or the control that cut it (else the flow's
    /// own latest failure); a flow back ← the latest asset back on its route.
    fn flow_causes(&self, l: &TraceLine, class: Class, causes: &mut Vec<Cause>) {
        let s = self.s;
        match class {
            Class::Timeout | Class::FlowDown | Class::DataLoss | Class::BufferSaved => {
                if let Some(c) = flow_of(s, l).and_then(|f| self.route_down(f)) {
                    causes.push(Cause::plain(c));
                } else if let Some(f) = flow_of(s, l)
                    && let Some(d) = self.flows[f].down
                {
                    causes.push(Cause::plain(d));
                }
            }
            Class::FlowUp => {
                if let Some(f) = flow_of(s, l) {
                    let back = s.routes[f]
                        .hops
                        .iter()
                        .filter_map(|h| self.assets[h.0 as usize].up)
                        .max();
                    if let Some(b) = back {
                        causes.push(Cause::plain(b));
                    }
                }
            }
            _ => {}
        }
    }

    /// A function lost or a unit tripping ← every dependency lost now (and, for a trip at the
    /// moment a window closes, the closing); restored or restarting ← the latest dependency
    /// back; running again ← the restart.
    fn dependency_causes(
        &self,
        lines: &[TraceLine],
        l: &TraceLine,
        class: Class,
        causes: &mut Vec<Cause>,
    ) {
        let s = self.s;
        let deps = match class {
            Class::Trip | Class::UnitRestart => {
                self.unit(&l.entity).map(|u| &s.process_units[u].depends_on)
            }
            _ => self.function(&l.entity).map(|f| &s.functions[f].depends_on),
        };
        let (assets, flows, functions) = (&self.assets, &self.flows, &self.functions);
        match class {
            Class::FunctionLost | Class::Trip => {
                let mut found = Vec::new();
                for d in deps.into_iter().flatten() {
                    lost_deps(d, assets, flows, functions, &mut found);
                }
                found.sort_unstable();
                found.dedup();
                causes.extend(found.into_iter().map(Cause::plain));
                if class == Class::Trip
                    && let Some(w) = self.last_close
                    && lines[w].time == l.time
                {
                    causes.push(Cause {
                        line: w,
                        why: Some(format!(
                            "{} could not restart before the window closed",
                            l.entity
                        )),
                    });
                }
            }
            Class::FunctionRestored | Class::UnitRestart => {
                let mut latest = None;
                for d in deps.into_iter().flatten() {
                    latest = latest.max(back_deps(d, assets, flows, functions));
                }
                if let Some(b) = latest {
                    causes.push(Cause::plain(b));
                }
            }
            Class::UnitRunning => {
                if let Some(r) = self.unit(&l.entity).and_then(|u| self.unit_restart[u]) {
                    causes.push(Cause::plain(r));
                }
            }
            _ => {}
        }
    }

    /// An attacker step ← the previous foothold or compromise (and a compromise ← the asset's
    /// earlier rollback, when there was one); a stop or an impact ← the compromise of that
    /// asset; detection ← the compromise detected; eviction ← the detection.
    fn attack_causes(
        &self,
        lines: &[TraceLine],
        l: &TraceLine,
        class: Class,
        causes: &mut Vec<Cause>,
    ) {
        let a = self.asset(&l.entity);
        match class {
            Class::Compromise | Class::AttackFailed => {
                if let Some(g) = self.last_gain {
                    causes.push(Cause::plain(g));
                }
                if class == Class::Compromise
                    && let Some(r) = a.and_then(|a| self.rollback[a])
                {
                    let patch = lines[r]
                        .text
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("its patch");
                    causes.push(Cause {
                        line: r,
                        why: Some(format!(
                            "{} still vulnerable: its patch {patch} rolled back on day {}",
                            l.entity,
                            lines[r].time / 86_400_000_000_000
                        )),
                    });
                }
            }
            Class::AttackStop | Class::Impact => {
                if let Some(c) = a.and_then(|a| self.held[a]) {
                    causes.push(Cause::plain(c));
                }
            }
            Class::Detect => {
                let on = l
                    .text
                    .split("attacker on ")
                    .nth(1)
                    .and_then(|t| t.split(';').next())
                    .and_then(|id| self.asset(id));
                if let Some(c) = on.and_then(|a| self.held[a]) {
                    causes.push(Cause::plain(c));
                }
            }
            Class::Evict => {
                if let Some(d) = self.last_detect {
                    causes.push(Cause::plain(d));
                }
            }
            _ => {}
        }
    }

    /// Line `i` (`l`, of class `class`) becomes the latest of its kind.
    fn record(&mut self, i: usize, l: &TraceLine, class: Class) {
        let a = self.asset(&l.entity);
        match class {
            Class::PlanStep => {
                self.last_plan = Some(i);
                if l.text.contains(" starts on ") {
                    self.rollouts.insert(l.entity.clone(), i);
                }
            }
            Class::Deploy => {
                if let Some(a) = a {
                    self.deploying[a] = Some(i);
                }
            }
            Class::Install | Class::Rollback | Class::Fault | Class::AttackStop => {
                if let Some(a) = a {
                    self.assets[a].down = Some(i);
                    if class == Class::Rollback {
                        self.rollback[a] = Some(i);
                    }
                }
            }
            Class::Up => {
                if let Some(a) = a {
                    self.assets[a].up = Some(i);
                }
            }
            Class::ControlOn => {
                self.enabling.entry(l.entity.clone()).or_insert(i);
                for (f, flow) in self.s.flows.iter().enumerate() {
                    if l.text
                        .starts_with("in effect: the conduit no longer carries")
                        && l.text.split([' ', ',']).any(|w| w == flow.id)
                    {
                        self.cut[f] = Some(i);
                    }
                }
            }
            Class::WindowOpen => self.last_open = Some(i),
            Class::WindowClose => self.last_close = Some(i),
            Class::FlowDown => {
                if let Some(f) = flow_of(self.s, l) {
                    self.flows[f].down = Some(i);
                }
            }
            Class::FlowUp => {
                if let Some(f) = flow_of(self.s, l) {
                    self.flows[f].up = Some(i);
                }
            }
            Class::FunctionLost => {
                if let Some(f) = self.function(&l.entity) {
                    self.functions[f].down = Some(i);
                }
            }
            Class::FunctionRestored => {
                if let Some(f) = self.function(&l.entity) {
                    self.functions[f].up = Some(i);
                }
            }
            Class::UnitRestart => {
                if let Some(u) = self.unit(&l.entity) {
                    self.unit_restart[u] = Some(i);
                }
            }
            Class::Foothold | Class::Compromise => {
                self.last_gain = Some(i);
                if let Some(a) = a {
                    self.held[a] = Some(i);
                }
            }
            Class::Detect => self.last_detect = Some(i),
            _ => {}
        }
    }
}

/// The lines that took down the dependencies of `d` that are lost now.
fn lost_deps(
    d: &Dependency,
    assets: &[State],
    flows: &[State],
    functions: &[State],
    found: &mut Vec<usize>,
) {
    match &d.target {
        DependencyTarget::Asset(a) => found.extend(assets[a.0 as usize].lost()),
        DependencyTarget::Flow(f) => found.extend(flows[f.0 as usize].lost()),
        DependencyTarget::Function(f) => found.extend(functions[f.0 as usize].lost()),
        DependencyTarget::KOfN { of, .. } => {
            for o in of {
                lost_deps(o, assets, flows, functions, found);
            }
        }
    }
}

/// The latest line that brought back a dependency of `d`.
fn back_deps(
    d: &Dependency,
    assets: &[State],
    flows: &[State],
    functions: &[State],
) -> Option<usize> {
    match &d.target {
        DependencyTarget::Asset(a) => assets[a.0 as usize].up,
        DependencyTarget::Flow(f) => flows[f.0 as usize].up,
        DependencyTarget::Function(f) => functions[f.0 as usize].up,
        DependencyTarget::KOfN { of, .. } => of
            .iter()
            .filter_map(|o| back_deps(o, assets, flows, functions))
            .max(),
    }
}

/// Every line that `line` descends from (its causes, their causes, … to the roots), nearest
/// first, each once.
pub fn ancestors(causes: &[Vec<Cause>], line: usize) -> Vec<usize> {
    let mut seen = vec![false; causes.len()];
    let mut out = Vec::new();
    let mut queue = std::collections::VecDeque::from([line]);
    while let Some(l) = queue.pop_front() {
        for c in &causes[l] {
            if !seen[c.line] {
                seen[c.line] = true;
                out.push(c.line);
                queue.push_back(c.line);
            }
        }
    }
    out
}

/// The chain of first causes from `line` back to its root (`line` first).
pub fn chain(causes: &[Vec<Cause>], line: usize) -> Vec<usize> {
    let mut out = vec![line];
    let mut at = line;
    while let Some(c) = causes[at].first() {
        if out.contains(&c.line) {
            break;
        }
        out.push(c.line);
        at = c.line;
    }
    out
}
