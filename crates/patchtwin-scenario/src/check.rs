//! Checks of single values with located diagnostics, shared by the scenario's validation and
//! the model library: the diagnostic collector [`Ctx`], id tables with did-you-mean
//! (`Ids`), distributions, probabilities, fractions, money, asset kinds and behaviour fields.
//! It knows no section of a scenario and resolves no reference between sections.

use crate::diag::{Diagnostic, did_you_mean};
use crate::raw::*;
use crate::source::{SourceMap, join_key};
use crate::units::{DurationText, Quantity};
use patchtwin_model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Collects diagnostics for one file.
pub struct Ctx<'a> {
    file: &'a str,
    map: &'a SourceMap,
    /// Errors so far.
    pub diags: Vec<Diagnostic>,
    /// Warnings so far.
    pub warnings: Vec<Diagnostic>,
    /// References to items that failed an earlier stage, so were not reported again; a check
    /// that would follow from such a reference compares this count before and after.
    pub(crate) unresolved: usize,
}

impl<'a> Ctx<'a> {
    /// A context for `file` with its source map.
    pub fn new(file: &'a str, map: &'a SourceMap) -> Self {
        Self::with_errors(file, map, Vec::new())
    }
    /// A context that starts with the errors of the earlier stages (syntax, structure). An
    /// item that failed its structure is missing from its section, so every index resolved
    /// after it may point past the end of a list: a check that walks the built lists (routing)
    /// runs only when no stage found an error, which [`Ctx::clean`] tells.
    pub fn with_errors(file: &'a str, map: &'a SourceMap, earlier: Vec<Diagnostic>) -> Self {
        Ctx {
            file,
            map,
            diags: earlier,
            warnings: Vec::new(),
            unresolved: 0,
        }
    }
    /// No error so far, in this stage or an earlier one: every item of the file was built.
    pub fn clean(&self) -> bool {
        self.diags.is_empty()
    }
    fn diag(&self, path: &str, message: String, help: Option<String>) -> Diagnostic {
        Diagnostic {
            severity: crate::diag::Severity::Error,
            file: self.file.into(),
            loc: self.map.value(path),
            path: path.into(),
            message,
            help,
        }
    }
    /// Records an error at `path`.
    pub fn err_at(&mut self, path: &str, message: String) {
        let d = self.diag(path, message, None);
        self.diags.push(d);
    }
    pub(crate) fn err_help(&mut self, path: &str, message: String, help: String) {
        let d = self.diag(path, message, Some(help));
        self.diags.push(d);
    }
    pub(crate) fn warn(&mut self, path: &str, message: String) {
        let mut d = self.diag(path, message, None);
        d.severity = crate::diag::Severity::Warning;
        self.warnings.push(d);
    }
}

/// Name → index for one section, plus every id written in the file (including items that
/// failed to parse, so that references to them are not reported twice).
pub(crate) struct Ids {
    pub(crate) section: &'static str,
    pub(crate) index: BTreeMap<String, u32>,
    pub(crate) written: BTreeSet<String>,
    /// Ids written in the file that name no single item, with what to write instead (a
    /// multicast flow's own id: references name one subscriber's copy).
    pub(crate) instead: BTreeMap<String, String>,
}

impl Ids {
    pub(crate) fn new(section: &'static str, written: BTreeSet<String>) -> Self {
        Ids {
            section,
            index: BTreeMap::new(),
            written,
            instead: BTreeMap::new(),
        }
    }
    /// Registers a definition; reports duplicates.
    pub(crate) fn define(
        &mut self,
        ctx: &mut Ctx,
        id: &str,
        path: &str,
        what: &str,
    ) -> Option<u32> {
        if id.trim().is_empty() {
            ctx.err_at(&join_key(path, "id"), format!("the {what} id is empty"));
            return None;
        }
        if self.index.contains_key(id) {
            ctx.err_at(
                &join_key(path, "id"),
                format!("duplicate {what} id `{id}`: every {what} needs its own id"),
            );
            return None;
        }
        let i = self.index.len() as u32;
        self.index.insert(id.to_string(), i);
        Some(i)
    }
    /// Resolves a reference, reporting an unknown id with a suggestion.
    pub(crate) fn resolve(&self, ctx: &mut Ctx, id: &str, path: &str, what: &str) -> Option<u32> {
        if let Some(i) = self.index.get(id) {
            return Some(*i);
        }
        if let Some(help) = self.instead.get(id) {
            ctx.err_help(path, format!("`{id}` names no single {what}"), help.clone());
            return None;
        }
        if self.written.contains(id) {
            ctx.unresolved += 1; // the item failed and was reported where it is written
        } else {
            let hint = did_you_mean(id, self.index.keys().map(String::as_str));
            let known = if self.index.is_empty() {
                format!("the scenario defines no {}", self.section)
            } else if hint.is_empty() {
                format!(
                    "expected the id of one of the {} {} defined under `{}`",
                    self.index.len(),
                    self.section,
                    self.section
                )
            } else {
                format!(
                    "expected the id of one of the entries under `{}`",
                    self.section
                )
            };
            ctx.err_help(path, format!("unknown {what} `{id}`{hint}"), known);
        }
        None
    }
}

pub(crate) fn written_ids(root: &serde_json::Value, key: &str) -> BTreeSet<String> {
    root.get(key)
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get("id").and_then(|s| s.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn written_ids_nested(
    root: &serde_json::Value,
    outer: &str,
    key: &str,
) -> BTreeSet<String> {
    root.get(outer)
        .map(|o| written_ids(o, key))
        .unwrap_or_default()
}

/// Checks a duration distribution.
pub fn duration_dist(
    ctx: &mut Ctx,
    raw: &DistRaw<DurationText>,
    path: &str,
) -> Option<DurationDist> {
    dist(ctx, raw, path).map(DurationDist)
}

/// Checks a distribution of any quantity, converting parameters to the base unit.
pub fn dist<Q: Quantity>(ctx: &mut Ctx, raw: &DistRaw<Q>, path: &str) -> Option<Dist> {
    let b = |q: &Q| q.base();
    // Order checks here, where the values can be shown as written (`2ms`, not nanoseconds).
    let order = match raw {
        DistRaw::Uniform { min, max } if b(min) > b(max) => Some(format!(
            "uniform needs min <= max, got min {} > max {}",
            Q::show(b(min)),
            Q::show(b(max))
        )),
        DistRaw::Triangular { min, mode, max } | DistRaw::Pert { min, mode, max }
            if !(b(min) <= b(mode) && b(mode) <= b(max)) =>
        {
            let family = if matches!(raw, DistRaw::Pert { .. }) {
                "pert"
            } else {
                "triangular"
            };
            Some(format!(
                "{family} needs min <= mode <= max, got min {}, mode {}, max {}",
                Q::show(b(min)),
                Q::show(b(mode)),
                Q::show(b(max))
            ))
        }
        DistRaw::LogNormal {
            median: Some(m),
            p95,
            ..
        } if b(p95) < b(m) => Some(format!(
            "lognormal needs p95 >= median, got p95 {} < median {}",
            Q::show(b(p95)),
            Q::show(b(m))
        )),
        DistRaw::LogNormal {
            p5: Some(p5), p95, ..
        } if b(p95) < b(p5) => Some(format!(
            "lognormal needs p5 <= p95, got p5 {} > p95 {}",
            Q::show(b(p5)),
            Q::show(b(p95))
        )),
        _ => None,
    };
    if let Some(msg) = order {
        ctx.err_at(path, format!("invalid distribution: {msg}"));
        return None;
    }
    let result = match raw {
        DistRaw::Constant(q) => Dist::new(DistSpec::Constant(b(q))),
        DistRaw::Uniform { min, max } => Dist::new(DistSpec::Uniform {
            min: b(min),
            max: b(max),
        }),
        DistRaw::Triangular { min, mode, max } => Dist::new(DistSpec::Triangular {
            min: b(min),
            mode: b(mode),
            max: b(max),
        }),
        DistRaw::Pert { min, mode, max } => Dist::new(DistSpec::Pert {
            min: b(min),
            mode: b(mode),
            max: b(max),
        }),
        DistRaw::Normal { mean, sd } => Dist::new(DistSpec::Normal {
            mean: b(mean),
            sd: b(sd),
        }),
        DistRaw::LogNormal {
            median: Some(m),
            p95,
            ..
        } => Dist::new(DistSpec::LogNormal {
            median: b(m),
            p95: b(p95),
        }),
        DistRaw::LogNormal {
            p5: Some(p5), p95, ..
        } => Dist::lognormal_interval(b(p5), b(p95)),
        DistRaw::LogNormal { .. } => Err(DistError("lognormal needs `median` or `p5`".into())),
        DistRaw::Exponential { mean } => Dist::new(DistSpec::Exponential { mean: b(mean) }),
        DistRaw::Weibull { shape, scale } => Dist::new(DistSpec::Weibull {
            shape: *shape,
            scale: b(scale),
        }),
        DistRaw::Empirical(v) => Dist::new(DistSpec::Empirical(v.iter().map(b).collect())),
        DistRaw::Mixture(parts) => {
            let mut specs = Vec::with_capacity(parts.len());
            for (i, (w, part)) in parts.iter().enumerate() {
                // Each part is checked where it is written; one bad part is reported once.
                let d = dist(ctx, part, &format!("{path}.mixture[{i}].value"))?;
                specs.push((*w, d.spec().clone()));
            }
            Dist::new(DistSpec::Mixture(specs))
        }
    };
    match result {
        Ok(d) => Some(d),
        Err(e) => {
            ctx.err_at(path, format!("invalid distribution: {e}"));
            None
        }
    }
}

pub(crate) fn probability(ctx: &mut Ctx, raw: &ProbabilityRaw, path: &str) -> Option<Probability> {
    let r = match raw {
        ProbabilityRaw::Fixed(p) => Probability::fixed(*p),
        ProbabilityRaw::Beta { alpha, beta } => Probability::beta(*alpha, *beta),
    };
    r.map_err(|e| ctx.err_at(path, e.0)).ok()
}

pub(crate) fn fraction(ctx: &mut Ctx, v: f64, path: &str, what: &str, max: f64) -> f64 {
    if !(0.0..=max).contains(&v) || v.is_nan() {
        ctx.err_at(path, format!("{what} must be between 0 and {max}, got {v}"));
        0.0
    } else {
        v
    }
}

/// The largest cost a scenario may state: 10¹⁸ in its currency (above any plant's loss in any
/// currency, and small enough that the exact sums behind expected losses cannot overflow).
pub const MAX_COST: f64 = 1e18;

pub(crate) fn money(ctx: &mut Ctx, v: f64, path: &str) -> f64 {
    if !(v.is_finite() && v >= 0.0) {
        ctx.err_at(path, format!("a cost must be zero or positive, got {v}"));
        0.0
    } else if v > MAX_COST {
        ctx.err_at(
            path,
            format!("a cost must be at most 10^18 in the scenario's currency, got {v:e}"),
        );
        0.0
    } else {
        v
    }
}

/// Parses an asset kind name.
pub fn parse_kind(ctx: &mut Ctx, name: &str, path: &str) -> Option<AssetKind> {
    let found = AssetKind::ALL.iter().copied().find(|k| k.name() == name);
    if found.is_none() {
        let hint = did_you_mean(name, AssetKind::ALL.iter().map(|k| k.name()));
        let all = AssetKind::ALL
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ");
        ctx.err_help(
            path,
            format!("unknown asset kind `{name}`{hint}"),
            format!("expected one of: {all}"),
        );
    }
    found
}

/// Checks behaviour fields (a model's defaults or a scenario's overrides).
pub fn behaviour(ctx: &mut Ctx, raw: &BehaviourRaw, path: &str, controller: bool) -> bool {
    let before = ctx.diags.len();
    if let Some(d) = &raw.scan_cycle {
        let p = join_key(path, "scan_cycle");
        if !controller {
            ctx.err_at(
                &p,
                "`scan_cycle` applies only to controllers (plc, rtu, ied, safety_controller)"
                    .into(),
            );
        } else if let Some(dd) = duration_dist(ctx, d, &p)
            && dd.0.mean() < 1000.0
        {
            ctx.err_at(&p, "a scan cycle must be at least 1us".into());
        }
    }
    for (name, d) in [
        ("service_time", &raw.service_time),
        ("reboot_time", &raw.reboot_time),
        ("service_restart_time", &raw.service_restart_time),
    ] {
        if let Some(d) = d {
            duration_dist(ctx, d, &join_key(path, name));
        }
    }
    if let Some(l) = raw.cpu_load {
        fraction(ctx, l, &join_key(path, "cpu_load"), "`cpu_load`", 0.95);
    }
    if let Some(f) = raw.fault_rate_per_day
        && !(f.is_finite() && (0.0..=100.0).contains(&f))
    {
        ctx.err_at(
            &join_key(path, "fault_rate_per_day"),
            format!("`fault_rate_per_day` must be between 0 and 100, got {f}"),
        );
    }
    ctx.diags.len() == before
}

pub(crate) fn merge(model: &BehaviourRaw, over: Option<&BehaviourRaw>) -> BehaviourRaw {
    let Some(o) = over else { return model.clone() };
    BehaviourRaw {
        scan_cycle: o.scan_cycle.clone().or_else(|| model.scan_cycle.clone()),
        service_time: o
            .service_time
            .clone()
            .or_else(|| model.service_time.clone()),
        cpu_load: o.cpu_load.or(model.cpu_load),
        reboot_time: o.reboot_time.clone().or_else(|| model.reboot_time.clone()),
        service_restart_time: o
            .service_restart_time
            .clone()
            .or_else(|| model.service_restart_time.clone()),
        buffer: o.buffer.or(model.buffer),
        fault_rate_per_day: o.fault_rate_per_day.or(model.fault_rate_per_day),
    }
}
