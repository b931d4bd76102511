//! The scenario with one input set to another value: a probability replaced (a Beta keeps its
//! concentration and moves its mean), a distribution scaled as a whole, a cost, a rate or the
//! time between attack attempts set directly.
//!
//! Not here: which inputs there are (`list`).

use super::{Input, Locator, NS_PER_DAY};
use crate::{ControlEffect, Dist, DistSpec, DurationDist, Probability, Scenario};

impl Input {
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
                    crate::Duration(((value * NS_PER_DAY).round().max(1.0)) as u64);
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
