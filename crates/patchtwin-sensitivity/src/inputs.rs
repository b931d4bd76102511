//! The scenario's uncertain inputs, named: every probability, duration and cost the decision
//! could hinge on, with a stable name (`patches[ID].failure_probability`), its value in the
//! scenario, a plausible range, and a way to build the scenario with another value.
//!
//! Default ranges (the scenario format has no field for them yet; `--range` overrides):
//! - a probability `p` varies over `[max(0, 0.5·p), min(1, 1.5·p)]` (±50%, clamped), swept on a
//!   linear scale;
//! - a duration, an attack rate (as the mean time between attempts) or a cost `v` varies over
//!   `[0.5·v, 2·v]`, swept on a logarithmic scale (×½ and ×2 are equally far from the value).
//!
//! A distribution is moved by scaling it: every parameter of a duration distribution is
//! multiplied by the same factor, which scales the whole distribution (its mean, its spread,
//! its tail) and keeps its shape; the input's value is its mean. An uncertain (Beta)
//! probability keeps its concentration `α + β` and moves its mean.
//!
//! Only inputs that can matter are listed: patches and controls some plan uses, the assets
//! those patches are deployed to, and every threat, unit and vulnerability parameter. This
//! module does not run anything.

use patchtwin_model::{
    Action, AttackTarget, ControlEffect, Dist, DistSpec, DurationDist, Probability, Scenario,
};

/// What kind of quantity an input is: decides its default range and its sweep scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A probability in [0, 1]: ±50%, clamped, linear scale.
    Probability,
    /// A duration (the mean of a distribution): ×0.5..×2, logarithmic scale.
    Duration,
    /// A cost: ×0.5..×2, logarithmic scale.
    Cost,
    /// A rate (faults per day): ×0.5..×2, logarithmic scale.
    Rate,
}

impl Kind {
    /// The default range around `v`, as stated in the module docs.
    pub fn default_range(self, v: f64) -> (f64, f64) {
        match self {
            Kind::Probability => ((0.5 * v).max(0.0), (1.5 * v).min(1.0)),
            Kind::Duration | Kind::Cost | Kind::Rate => (0.5 * v, 2.0 * v),
        }
    }
    /// The default range in words, for outputs.
    pub fn default_range_text(self) -> &'static str {
        match self {
            Kind::Probability => "±50% of the value, clamped to [0, 1]",
            Kind::Duration | Kind::Cost | Kind::Rate => "×0.5 to ×2 of the value",
        }
    }
}

/// Where an input lives in a [`Scenario`] (indices into its vectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Locator {
    PatchFailure(usize),
    PatchDeploy(usize),
    PatchRestart(usize),
    PatchRollback(usize),
    ControlFailure(usize),
    ControlDeploy(usize),
    Detection(usize),
    TimeToRespond(usize),
    AllowlistSuccess(usize),
    VirtualPatchMiss(usize),
    RemoteResidual(usize),
    Ttc(usize),
    AttemptGap(usize),
    Foothold(usize),
    Recovery,
    TargetImpact(usize),
    UnitRestart(usize),
    UnitDowntimeCost(usize),
    UnitAttackTrip(usize),
    AssetReboot(usize),
    AssetServiceRestart(usize),
    AssetFaultRate(usize),
}

/// Nanoseconds per hour and per day: durations are stated in hours, times to compromise and
/// times between attack attempts in days.
const NS_PER_HOUR: f64 = 3.6e12;
const NS_PER_DAY: f64 = 8.64e13;

/// One named uncertain input.
#[derive(Clone, Debug)]
pub struct Input {
    /// Stable name, e.g. `patches[kb-1].failure_probability`.
    pub name: String,
    /// Plain words, e.g. `P(patch kb-1 fails)`.
    pub label: String,
    /// Kind.
    pub kind: Kind,
    /// Unit of the value and the range (`probability`, `h`, `days`, the currency, `per day`).
    pub unit: String,
    /// The scenario's value.
    pub base: f64,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
    /// Whether the range came from `--range` (else the default of its kind).
    pub range_given: bool,
    locator: Locator,
}

impl Input {
    /// Whether the range is swept on a logarithmic scale (multiplicative kinds with a positive
    /// low end).
    pub fn log_scale(&self) -> bool {
        self.kind != Kind::Probability && self.low > 0.0
    }
    /// The point a fraction `t` ∈ [0, 1] of the way from low to high on the sweep scale.
    pub fn at(&self, t: f64) -> f64 {
        if self.log_scale() {
            (self.low.ln() + t * (self.high.ln() - self.low.ln())).exp()
        } else {
            self.low + t * (self.high - self.low)
        }
    }
    /// Whether the range is a single value (nothing to sweep).
    pub fn degenerate(&self) -> bool {
        self.high <= self.low
    }
    /// The scenario with this input set to `value` (in the input's unit); everything else as
    /// in `base`.
    pub fn apply(&self, base: &Scenario, value: f64) -> Scenario {
        let mut s = base.clone();
        let factor = if self.base > 0.0 {
            value / self.base
        } else {
            0.0
        };
        match self.locator {
            Locator::PatchFailure(i) => {
                s.patches[i].failure_probability =
                    with_mean(&s.patches[i].failure_probability, value)
            }
            Locator::PatchDeploy(i) => scale(&mut s.patches[i].deploy_time, factor),
            Locator::PatchRestart(i) => {
                if let Some(d) = &mut s.patches[i].restart_time {
                    scale(d, factor)
                }
            }
            Locator::PatchRollback(i) => scale(&mut s.patches[i].rollback_time, factor),
            Locator::ControlFailure(i) => {
                s.controls[i].failure_probability =
                    with_mean(&s.controls[i].failure_probability, value)
            }
            Locator::ControlDeploy(i) => scale(&mut s.controls[i].deploy_time, factor),
            Locator::Detection(i)
            | Locator::TimeToRespond(i)
            | Locator::AllowlistSuccess(i)
            | Locator::VirtualPatchMiss(i)
            | Locator::RemoteResidual(i) => set_effect(&mut s.controls[i].effect, self, value),
            Locator::Ttc(i) => scale(&mut s.vulnerabilities[i].ttc, factor),
            Locator::AttemptGap(i) => {
                let e = &mut s.threat.entry_points[i];
                e.mean_time_between_attempts =
                    patchtwin_model::Duration(((value * NS_PER_DAY).round().max(1.0)) as u64);
            }
            Locator::Foothold(i) => {
                let e = &mut s.threat.entry_points[i];
                e.foothold_probability = with_mean(&e.foothold_probability, value);
            }
            Locator::Recovery => scale(&mut s.threat.recovery_time, factor),
            Locator::TargetImpact(i) => s.threat.targets[i].impact_cost = value,
            Locator::UnitRestart(i) => scale(&mut s.process_units[i].restart_time, factor),
            Locator::UnitDowntimeCost(i) => s.process_units[i].downtime_cost_per_hour = value,
            Locator::UnitAttackTrip(i) => {
                let u = &mut s.process_units[i];
                u.attack_trip_probability = with_mean(&u.attack_trip_probability, value);
            }
            Locator::AssetReboot(i) => scale(&mut s.assets[i].behaviour.reboot_time, factor),
            Locator::AssetServiceRestart(i) => {
                scale(&mut s.assets[i].behaviour.service_restart_time, factor)
            }
            Locator::AssetFaultRate(i) => s.assets[i].behaviour.fault_rate_per_day = value,
        }
        s
    }
}

fn set_effect(effect: &mut ControlEffect, input: &Input, value: f64) {
    let factor = if input.base > 0.0 {
        value / input.base
    } else {
        0.0
    };
    match (effect, input.locator) {
        (
            ControlEffect::Monitoring {
                detection_probability,
                ..
            },
            Locator::Detection(_),
        ) => *detection_probability = with_mean(detection_probability, value),
        (
            ControlEffect::Monitoring {
                time_to_respond, ..
            },
            Locator::TimeToRespond(_),
        ) => scale(time_to_respond, factor),
        (
            ControlEffect::Allowlisting {
                exploit_success, ..
            },
            Locator::AllowlistSuccess(_),
        ) => *exploit_success = value,
        (
            ControlEffect::VirtualPatch {
                miss_probability, ..
            },
            Locator::VirtualPatchMiss(_),
        ) => *miss_probability = value,
        (
            ControlEffect::RemoteAccessRestriction { residual, .. }
            | ControlEffect::SourceAllowlist { residual, .. },
            Locator::RemoteResidual(_),
        ) => *residual = value,
        // The locator was made from this very effect in `enumerate`.
        _ => {}
    }
}

/// A probability with mean `p`: a fixed one is replaced; a Beta keeps its concentration.
fn with_mean(old: &Probability, p: f64) -> Probability {
    let p = p.clamp(0.0, 1.0);
    let fixed = Probability::Fixed(p);
    match old {
        Probability::Beta { alpha, beta, .. } if p > 0.0 && p < 1.0 => {
            let c = alpha + beta;
            Probability::beta(p * c, (1.0 - p) * c).unwrap_or(fixed)
        }
        _ => fixed,
    }
}

/// Scales every parameter of `d` by `factor` (≥ 0): the whole distribution scales.
fn scale(d: &mut DurationDist, factor: f64) {
    let f = factor.max(0.0);
    let spec = scaled_spec(d.0.spec().clone(), f);
    // A factor of 0 (a range given down to 0) makes some families invalid (a lognormal with
    // median 0): the duration is then always 0, which is what the family tends to.
    *d = DurationDist(Dist::new(spec).unwrap_or_else(|_| Dist::constant(0.0)));
}

/// Every parameter of `spec` in the base unit scaled by `f` (a mixture scales its parts).
fn scaled_spec(spec: DistSpec, f: f64) -> DistSpec {
    match spec {
        DistSpec::Constant(v) => DistSpec::Constant(v * f),
        DistSpec::Uniform { min, max } => DistSpec::Uniform {
            min: min * f,
            max: max * f,
        },
        DistSpec::Triangular { min, mode, max } => DistSpec::Triangular {
            min: min * f,
            mode: mode * f,
            max: max * f,
        },
        DistSpec::Pert { min, mode, max } => DistSpec::Pert {
            min: min * f,
            mode: mode * f,
            max: max * f,
        },
        DistSpec::Normal { mean, sd } => DistSpec::Normal {
            mean: mean * f,
            sd: sd * f,
        },
        DistSpec::LogNormal { median, p95 } => DistSpec::LogNormal {
            median: median * f,
            p95: p95 * f,
        },
        DistSpec::Exponential { mean } => DistSpec::Exponential { mean: mean * f },
        DistSpec::Weibull { shape, scale } => DistSpec::Weibull {
            shape,
            scale: scale * f,
        },
        DistSpec::Empirical(v) => DistSpec::Empirical(v.iter().map(|x| x * f).collect()),
        DistSpec::Mixture(parts) => DistSpec::Mixture(
            parts
                .into_iter()
                .map(|(w, p)| (w, scaled_spec(p, f)))
                .collect(),
        ),
    }
}

fn hours(d: &DurationDist) -> f64 {
    d.0.mean() / NS_PER_HOUR
}

/// Every uncertain input of `s` that can matter, in a fixed order (patches, controls,
/// vulnerabilities, threat, units, assets; scenario order within each), with default ranges.
pub fn enumerate(s: &Scenario) -> Vec<Input> {
    let mut out = Vec::new();
    let mut push = |name: String, label: String, kind: Kind, unit: &str, base: f64, at| {
        let (low, high) = kind.default_range(base);
        out.push(Input {
            name,
            label,
            kind,
            unit: unit.to_string(),
            base,
            low,
            high,
            range_given: false,
            locator: at,
        });
    };
    let mut used_patches = vec![false; s.patches.len()];
    let mut used_controls = vec![false; s.controls.len()];
    let mut patched_assets = vec![false; s.assets.len()];
    for a in s.plans.iter().flat_map(|p| &p.actions) {
        match a {
            Action::ApplyPatch { patch, assets, .. } => {
                used_patches[patch.0 as usize] = true;
                for x in assets {
                    patched_assets[x.0 as usize] = true;
                }
            }
            Action::EnableControl { control, .. } => used_controls[control.0 as usize] = true,
        }
    }
    for (i, p) in s
        .patches
        .iter()
        .enumerate()
        .filter(|(i, _)| used_patches[*i])
    {
        let id = &p.id;
        push(
            format!("patches[{id}].failure_probability"),
            format!("P(patch {id} fails)"),
            Kind::Probability,
            "probability",
            p.failure_probability.mean(),
            Locator::PatchFailure(i),
        );
        push(
            format!("patches[{id}].deploy_time"),
            format!("deploy time of {id}"),
            Kind::Duration,
            "h",
            hours(&p.deploy_time),
            Locator::PatchDeploy(i),
        );
        if let Some(r) = &p.restart_time {
            push(
                format!("patches[{id}].restart_time"),
                format!("restart time after {id}"),
                Kind::Duration,
                "h",
                hours(r),
                Locator::PatchRestart(i),
            );
        }
        push(
            format!("patches[{id}].rollback_time"),
            format!("rollback time of {id}"),
            Kind::Duration,
            "h",
            hours(&p.rollback_time),
            Locator::PatchRollback(i),
        );
    }
    for (i, c) in s
        .controls
        .iter()
        .enumerate()
        .filter(|(i, _)| used_controls[*i])
    {
        // A plan's take-out: nothing uncertain to vary (in effect at once, never failing).
        if matches!(c.effect, ControlEffect::OutOfService { .. }) {
            continue;
        }
        let id = &c.id;
        push(
            format!("controls[{id}].failure_probability"),
            format!("P(control {id} fails)"),
            Kind::Probability,
            "probability",
            c.failure_probability.mean(),
            Locator::ControlFailure(i),
        );
        push(
            format!("controls[{id}].deploy_time"),
            format!("time to enable {id}"),
            Kind::Duration,
            "h",
            hours(&c.deploy_time),
            Locator::ControlDeploy(i),
        );
        let (field, label, kind, unit, base, at) = match &c.effect {
            ControlEffect::Monitoring {
                detection_probability,
                time_to_respond,
                ..
            } => {
                push(
                    format!("controls[{id}].time_to_respond"),
                    format!("response time of {id}"),
                    Kind::Duration,
                    "h",
                    hours(time_to_respond),
                    Locator::TimeToRespond(i),
                );
                (
                    "detection_probability",
                    format!("P({id} detects a step)"),
                    Kind::Probability,
                    "probability",
                    detection_probability.mean(),
                    Locator::Detection(i),
                )
            }
            ControlEffect::Allowlisting {
                exploit_success, ..
            } => (
                "exploit_success",
                format!("P(exploit succeeds despite {id})"),
                Kind::Probability,
                "probability",
                *exploit_success,
                Locator::AllowlistSuccess(i),
            ),
            ControlEffect::VirtualPatch {
                miss_probability, ..
            } => (
                "miss_probability",
                format!("P({id} misses an exploit)"),
                Kind::Probability,
                "probability",
                *miss_probability,
                Locator::VirtualPatchMiss(i),
            ),
            ControlEffect::RemoteAccessRestriction { residual, .. } => (
                "residual",
                format!("share of attempts still through {id}"),
                Kind::Probability,
                "probability",
                *residual,
                Locator::RemoteResidual(i),
            ),
            ControlEffect::SourceAllowlist { residual, .. } => (
                "residual",
                format!("share of attackers {id} admits (spoofed or insider)"),
                Kind::Probability,
                "probability",
                *residual,
                Locator::RemoteResidual(i),
            ),
            ControlEffect::Segmentation { .. } | ControlEffect::OutOfService { .. } => continue,
        };
        push(
            format!("controls[{id}].{field}"),
            label,
            kind,
            unit,
            base,
            at,
        );
    }
    for (i, v) in s.vulnerabilities.iter().enumerate() {
        push(
            format!("vulnerabilities[{}].ttc", v.id),
            format!("time to compromise {}", v.id),
            Kind::Duration,
            "days",
            v.ttc.0.mean() / NS_PER_DAY,
            Locator::Ttc(i),
        );
    }
    for (i, e) in s.threat.entry_points.iter().enumerate() {
        push(
            format!("threat.entry_points[{}].mean_time_between_attempts", e.id),
            format!("days between attack attempts via {}", e.id),
            Kind::Duration,
            "days",
            e.mean_time_between_attempts.as_nanos() as f64 / NS_PER_DAY,
            Locator::AttemptGap(i),
        );
        push(
            format!("threat.entry_points[{}].foothold_probability", e.id),
            format!("P(foothold via {})", e.id),
            Kind::Probability,
            "probability",
            e.foothold_probability.mean(),
            Locator::Foothold(i),
        );
    }
    push(
        "threat.recovery_time".into(),
        "recovery time of a stopped controller".into(),
        Kind::Duration,
        "h",
        hours(&s.threat.recovery_time),
        Locator::Recovery,
    );
    for (i, t) in s.threat.targets.iter().enumerate() {
        let id = match t.what {
            AttackTarget::Asset(a) => &s.assets[a.0 as usize].id,
            AttackTarget::Unit(u) => &s.process_units[u.0 as usize].id,
        };
        push(
            format!("threat.targets[{id}].impact_cost"),
            format!("impact cost of {id} compromised"),
            Kind::Cost,
            &s.currency,
            t.impact_cost,
            Locator::TargetImpact(i),
        );
    }
    for (i, u) in s.process_units.iter().enumerate() {
        let id = &u.id;
        push(
            format!("process_units[{id}].restart_time"),
            format!("restart time of {id}"),
            Kind::Duration,
            "h",
            hours(&u.restart_time),
            Locator::UnitRestart(i),
        );
        push(
            format!("process_units[{id}].downtime_cost_per_hour"),
            format!("downtime cost per hour of {id}"),
            Kind::Cost,
            &s.currency,
            u.downtime_cost_per_hour,
            Locator::UnitDowntimeCost(i),
        );
        push(
            format!("process_units[{id}].attack_trip_probability"),
            format!("P(attacker trips {id})"),
            Kind::Probability,
            "probability",
            u.attack_trip_probability.mean(),
            Locator::UnitAttackTrip(i),
        );
    }
    for (i, a) in s.assets.iter().enumerate() {
        let id = &a.id;
        if patched_assets[i] {
            push(
                format!("assets[{id}].reboot_time"),
                format!("reboot time of {id}"),
                Kind::Duration,
                "h",
                hours(&a.behaviour.reboot_time),
                Locator::AssetReboot(i),
            );
            push(
                format!("assets[{id}].service_restart_time"),
                format!("service restart time of {id}"),
                Kind::Duration,
                "h",
                hours(&a.behaviour.service_restart_time),
                Locator::AssetServiceRestart(i),
            );
        }
        if a.behaviour.fault_rate_per_day > 0.0 {
            push(
                format!("assets[{id}].fault_rate_per_day"),
                format!("fault rate of {id}"),
                Kind::Rate,
                "per day",
                a.behaviour.fault_rate_per_day,
                Locator::AssetFaultRate(i),
            );
        }
    }
    out
}

/// Sets the range of the input called `name` (from `--range NAME=LOW..HIGH`), checking it
/// against the input's kind. Returns a message saying what is wrong otherwise.
pub fn set_range(inputs: &mut [Input], name: &str, low: f64, high: f64) -> Result<(), String> {
    let Some(input) = inputs.iter_mut().find(|i| i.name == name) else {
        return Err(format!("unknown input `{name}`"));
    };
    if !(low.is_finite() && high.is_finite() && low >= 0.0 && low < high) {
        return Err(format!(
            "the range of `{name}` must be LOW..HIGH with 0 ≤ LOW < HIGH, got {low}..{high}"
        ));
    }
    if input.kind == Kind::Probability && high > 1.0 {
        return Err(format!(
            "`{name}` is a probability: its range must lie within 0..1, got {low}..{high}"
        ));
    }
    // A distribution is varied by scaling it: one with mean 0 cannot be moved. Costs, rates,
    // probabilities and the time between attempts are set directly.
    let scaled = input.kind == Kind::Duration && !matches!(input.locator, Locator::AttemptGap(_));
    if scaled && input.base == 0.0 {
        return Err(format!(
            "`{name}` is 0 in the scenario; a distribution is varied by scaling it, so it cannot be moved away from 0 — give it a non-zero value in the scenario first"
        ));
    }
    input.low = low;
    input.high = high;
    input.range_given = true;
    Ok(())
}

/// Parses `NAME=LOW..HIGH`.
pub fn parse_range(text: &str) -> Result<(String, f64, f64), String> {
    let bad = || {
        format!(
            "--range `{text}`: expected NAME=LOW..HIGH, e.g. `patches[kb1].failure_probability=0.05..0.4`"
        )
    };
    let (name, range) = text.rsplit_once('=').ok_or_else(bad)?;
    let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
    let num = |s: &str| s.trim().parse::<f64>().map_err(|_| bad());
    Ok((name.trim().to_string(), num(lo)?, num(hi)?))
}
