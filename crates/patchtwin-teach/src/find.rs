//! Finding the run worth showing: replays replications of one plan with the trace on, sums
//! each up ([`RunFacts`]), and selects runs by an expression over what happened
//! (`trace --find "trip and rollback"`) or by a rule (`--pick worst|typical|first-compromise`).
//!
//! Expressions: terms are event names (see [`TERMS`]), optionally about one entity
//! (`trip@line-l1`); `A before B` holds when A happened and B did not happen earlier (B may
//! never happen); `and`, `or`, `not` and parentheses combine them (precedence: `before`, then
//! `not`, `and`, `or`). Runs are replayed in index order on the streams of
//! `patchtwin_mc::stream(seed, i)`, so a run index given here is the replication `trace --run`
//! and `run` use: the answer is deterministic.

use crate::cause::{self, Class};
use patchtwin_model::{FunctionKind, Scenario};
use patchtwin_sim::{Compiled, Outcome, Replication, RunSettings, TraceLine};

/// Replays replication `run` of plan `plan` with the trace on; `latency` marks the flows
/// (by index) whose every latency in the observation windows is traced too.
pub fn replay(
    model: &Compiled,
    plan: usize,
    seed: u64,
    run: u64,
    observe_ns: u64,
    latency: Vec<bool>,
) -> (Outcome, Vec<TraceLine>) {
    let s = &model.scenario;
    let settings = RunSettings::new(observe_ns, s.horizon.as_nanos());
    Replication::new(model, plan, settings, patchtwin_mc::stream(seed, run))
        .with_trace()
        .with_latency_trace(latency)
        .run()
}

/// The event names an expression can use, with what each means.
pub const TERMS: [(&str, &str); 22] = [
    ("trip", "a process unit trips"),
    ("rollback", "a patch fails and is rolled back"),
    ("deploy", "a patch is installed or starts installing"),
    ("restart", "a patched asset restarts"),
    ("overrun", "work runs past its maintenance window"),
    ("fault", "an asset fails spontaneously"),
    ("lost", "a function is lost"),
    ("safety-lost", "a safety or interlock function is lost"),
    (
        "comm-fail",
        "a consumer marks a producer failed or its data stale",
    ),
    ("data-loss", "a historian or cloud service loses data"),
    (
        "buffer-saved",
        "a store-and-forward buffer kept all the data of an outage",
    ),
    ("saturated", "a queue reaches its bound"),
    ("foothold", "the attacker gets a foothold"),
    (
        "compromise",
        "the attacker compromises an asset (any; `impact`: a target)",
    ),
    ("stop", "the attacker stops a controller"),
    ("impact", "a target is in the attacker's hands"),
    ("detect", "monitoring detects the attacker"),
    ("evict", "the attacker is evicted"),
    ("window", "a maintenance window opens"),
    ("control", "a compensating control is enabled"),
    ("plan", "a plan step starts"),
    ("outage", "an asset goes down for any reason"),
];

/// Whether trace line `l` (of class `c`) is an instance of `term`.
fn is(s: &Scenario, term: &str, l: &TraceLine, c: Class) -> bool {
    match term {
        "trip" => c == Class::Trip,
        "rollback" => c == Class::Rollback,
        "deploy" => c == Class::Deploy,
        "restart" => c == Class::Install,
        "overrun" => c == Class::Overrun,
        "fault" => c == Class::Fault,
        "lost" => c == Class::FunctionLost,
        "safety-lost" => {
            c == Class::FunctionLost
                && s.functions.iter().any(|f| {
                    f.id == l.entity
                        && matches!(f.kind, FunctionKind::Safety | FunctionKind::Interlock)
                })
        }
        "comm-fail" => c == Class::FlowDown,
        "data-loss" => c == Class::DataLoss,
        "buffer-saved" => c == Class::BufferSaved,
        "saturated" => c == Class::Saturated,
        "foothold" => c == Class::Foothold,
        "compromise" => c == Class::Compromise,
        "stop" => c == Class::AttackStop,
        "impact" => c == Class::Impact,
        "detect" => c == Class::Detect,
        "evict" => c == Class::Evict,
        "window" => c == Class::WindowOpen,
        "control" => c == Class::ControlOn,
        "plan" => c == Class::PlanStep,
        "outage" => matches!(
            c,
            Class::Install | Class::Rollback | Class::Fault | Class::AttackStop
        ),
        _ => false,
    }
}

/// A parsed `--find` expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// An event, optionally about one entity.
    Term(String, Option<String>),
    /// Both.
    And(Box<Expr>, Box<Expr>),
    /// Either.
    Or(Box<Expr>, Box<Expr>),
    /// Not.
    Not(Box<Expr>),
    /// The first happened, and the second did not happen earlier.
    Before(Box<Expr>, Box<Expr>),
}

/// Parses an expression; the error says what was expected where.
pub fn parse(text: &str, s: &Scenario) -> Result<Expr, String> {
    let spaced = text.replace('(', " ( ").replace(')', " ) ");
    let toks: Vec<&str> = spaced.split_whitespace().collect();
    if toks.is_empty() {
        return Err("--find: the expression is empty; e.g. `trip and rollback`".into());
    }
    let mut p = Parser { toks, at: 0, s };
    let e = p.or()?;
    if p.at < p.toks.len() {
        return Err(format!(
            "--find: unexpected `{}` after a complete expression (word {}); join terms with and, or, before",
            p.toks[p.at],
            p.at + 1
        ));
    }
    Ok(e)
}

struct Parser<'a> {
    toks: Vec<&'a str>,
    at: usize,
    s: &'a Scenario,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.at).copied()
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.peek() == Some("or") {
            self.at += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.not()?;
        while self.peek() == Some("and") {
            self.at += 1;
            e = Expr::And(Box::new(e), Box::new(self.not()?));
        }
        Ok(e)
    }
    fn not(&mut self) -> Result<Expr, String> {
        if self.peek() == Some("not") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.before()
    }
    fn before(&mut self) -> Result<Expr, String> {
        let e = self.primary()?;
        if self.peek() == Some("before") {
            self.at += 1;
            return Ok(Expr::Before(Box::new(e), Box::new(self.primary()?)));
        }
        Ok(e)
    }
    fn primary(&mut self) -> Result<Expr, String> {
        let Some(t) = self.peek() else {
            return Err("--find: the expression ends where a term was expected".into());
        };
        self.at += 1;
        if t == "(" {
            let e = self.or()?;
            if self.peek() != Some(")") {
                return Err("--find: a `(` is not closed".into());
            }
            self.at += 1;
            return Ok(e);
        }
        let (name, entity) = match t.split_once('@') {
            Some((n, e)) => (n, Some(e.to_string())),
            None => (t, None),
        };
        if !TERMS.iter().any(|(n, _)| *n == name) {
            let hint = patchtwin_scenario::diag::did_you_mean(name, TERMS.iter().map(|(n, _)| *n));
            return Err(format!(
                "--find: unknown term `{name}` (word {}){hint}; the terms are: {}",
                self.at,
                TERMS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some(e) = &entity {
            let known = crate::names_of(self.s);
            if !known.iter().any(|k| k == e) {
                let hint =
                    patchtwin_scenario::diag::did_you_mean(e, known.iter().map(String::as_str));
                return Err(format!(
                    "--find: `{e}` in `{t}` is not an id of this scenario{hint}"
                ));
            }
        }
        Ok(Expr::Term(name.to_string(), entity))
    }
}

/// What one replication came to.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFacts {
    /// Replication index.
    pub run: u64,
    /// Unplanned trips.
    pub trips: u32,
    /// Unplanned downtime (ns).
    pub downtime_ns: u64,
    /// Failed deployments (rolled back).
    pub rollbacks: u32,
    /// Work past windows (ns).
    pub overrun_ns: u64,
    /// When a target was first compromised.
    pub compromised_at: Option<u64>,
    /// Downtime cost plus impact cost.
    pub loss: f64,
    /// Data lost beyond buffers (flow-ns).
    pub data_lost_ns: u64,
    /// The trace lines with their classes (for expressions).
    lines: Vec<(TraceLine, Class)>,
}

impl RunFacts {
    /// Sums up a replication.
    pub fn new(run: u64, o: &Outcome, lines: Vec<TraceLine>) -> Self {
        RunFacts {
            run,
            trips: o.ops.trips,
            downtime_ns: o.ops.downtime_ns,
            rollbacks: o.ops.failed_deployments,
            overrun_ns: o.ops.window_overrun_ns,
            compromised_at: o.exposure.compromised_at,
            loss: o.ops.downtime_cost + o.exposure.impact_cost,
            data_lost_ns: o.ops.historian_gap_ns,
            lines: lines
                .into_iter()
                .filter(|l| l.kind != "latency")
                .map(|l| {
                    let c = cause::classify(&l);
                    (l, c)
                })
                .collect(),
        }
    }

    /// When the term first happened in this run.
    fn first(&self, s: &Scenario, term: &str, entity: Option<&str>) -> Option<u64> {
        self.lines
            .iter()
            .find(|(l, c)| {
                is(s, term, l, *c)
                    && entity.is_none_or(|e| {
                        l.entity == e || cause::flow_of(s, l).is_some_and(|f| s.flows[f].id == e)
                    })
            })
            .map(|(l, _)| l.time)
    }

    /// Evaluates `e`: `Some(time)` when it holds (the time it came true), `None` otherwise.
    pub fn eval(&self, s: &Scenario, e: &Expr) -> Option<u64> {
        match e {
            Expr::Term(t, ent) => self.first(s, t, ent.as_deref()),
            Expr::And(a, b) => Some(self.eval(s, a)?.max(self.eval(s, b)?)),
            Expr::Or(a, b) => match (self.eval(s, a), self.eval(s, b)) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
            Expr::Not(a) => match self.eval(s, a) {
                Some(_) => None,
                None => Some(0),
            },
            Expr::Before(a, b) => {
                let ta = self.eval(s, a)?;
                match self.eval(s, b) {
                    Some(tb) if tb <= ta => None,
                    _ => Some(ta),
                }
            }
        }
    }

    /// One line: the run and what happened in it.
    pub fn summary(&self, currency: &str) -> String {
        let mut parts = vec![format!(
            "{} trip{}",
            self.trips,
            if self.trips == 1 { "" } else { "s" }
        )];
        parts.push(format!("{:.1} h down", self.downtime_ns as f64 / 3.6e12));
        if self.rollbacks > 0 {
            parts.push(format!(
                "{} rollback{}",
                self.rollbacks,
                if self.rollbacks == 1 { "" } else { "s" }
            ));
        }
        if self.overrun_ns > 0 {
            parts.push(format!(
                "overran its window by {}",
                crate::fmt_dur(self.overrun_ns)
            ));
        }
        if self.data_lost_ns > 0 {
            parts.push(format!(
                "{} of data lost",
                crate::fmt_dur(self.data_lost_ns)
            ));
        }
        parts.push(match self.compromised_at {
            // A target, as P(compromise) counts it; `--find compromise` matches any asset.
            Some(t) => format!("target compromised {}", crate::fmt_time(t, false)),
            None => "no target compromised".into(),
        });
        parts.push(format!("loss {currency} {:.0}", self.loss));
        format!("run {:>4}: {}", self.run, parts.join(", "))
    }
}

/// How `--pick` chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The largest loss (downtime cost plus impact), then the most downtime.
    Worst,
    /// The run whose loss is closest to the median loss (the lower median), then the most
    /// common number of trips.
    Typical,
    /// The earliest compromise of a target.
    FirstCompromise,
}

impl Pick {
    /// Parses `worst`, `typical`, `first-compromise`.
    pub fn parse(text: &str) -> Result<Pick, String> {
        match text {
            "worst" => Ok(Pick::Worst),
            "typical" => Ok(Pick::Typical),
            "first-compromise" => Ok(Pick::FirstCompromise),
            other => Err(format!(
                "--pick: unknown rule `{other}`; the rules are worst, typical, first-compromise"
            )),
        }
    }
}

/// The run `rule` picks among `runs` (ties go to the lowest index); `None` when no run
/// qualifies (no compromise for `first-compromise`).
pub fn pick(runs: &[RunFacts], rule: Pick) -> Option<&RunFacts> {
    let by_index = |a: &&RunFacts, b: &&RunFacts| a.run.cmp(&b.run);
    match rule {
        Pick::Worst => runs.iter().min_by(|a, b| {
            b.loss
                .total_cmp(&a.loss)
                .then(b.downtime_ns.cmp(&a.downtime_ns))
                .then(by_index(a, b))
        }),
        Pick::FirstCompromise => runs
            .iter()
            .filter(|r| r.compromised_at.is_some())
            .min_by(|a, b| a.compromised_at.cmp(&b.compromised_at).then(by_index(a, b))),
        Pick::Typical => {
            let mut losses: Vec<f64> = runs.iter().map(|r| r.loss).collect();
            losses.sort_by(f64::total_cmp);
            let median = *losses.get(losses.len().saturating_sub(1) / 2)?;
            runs.iter().min_by(|a, b| {
                (a.loss - median)
                    .abs()
                    .total_cmp(&(b.loss - median).abs())
                    .then(by_index(a, b))
            })
        }
    }
}

/// Replays runs `0..runs` of `plan` and sums each up, in index order.
pub fn scan(model: &Compiled, plan: usize, seed: u64, runs: u64, observe_ns: u64) -> Vec<RunFacts> {
    (0..runs)
        .map(|i| {
            let (o, lines) = replay(model, plan, seed, i, observe_ns, Vec::new());
            RunFacts::new(i, &o, lines)
        })
        .collect()
}
