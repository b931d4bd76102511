//! CISA BOD 26-04 remediation timelines for every vulnerability under every plan, and whether
//! each plan meets its deadline.
//!
//! # The table
//! [`timeline`] is CERT/CC's "CISA BOD 26-04" decision table v1.0.0 (16 rows: In KEV ×
//! Publicly Exposed × Automatable × Technical Impact → remediation timeline), typed and
//! encoded in code; the test suite checks it row by row against the CSV CERT/CC publishes
//! (`cisa_bod_26_04_1_0_0.csv` in `CERTCC/SSVC`, MIT licence, a copy in `shared/data/ssvc/`).
//!
//! # The inputs (a judgement — review it for your plant)
//! - **In KEV**: the scenario's `kev` flag (as imported from the catalog named in the
//!   provenance stamp).
//! - **Publicly Exposed**: *yes* when the simulated attacker, landing only through the
//!   scenario's internet-facing entry points (`internet_service` and `vendor_remote_access`
//!   — a vendor gateway is reachable from the Internet by whoever holds or steals its
//!   credentials), can reach an asset carrying the vulnerability, past controls or not (a
//!   control that still lets the service through leaves the asset accessible); the reach rule
//!   is the SSVC one ([`crate::ssvc::system_exposure`]). Two states are evaluated: *as found*
//!   (no control of any plan) and *under the plan*: the controls the plan enables at the
//!   start (`at: now`), none of its patches — the deadline a plan is held to is the one its
//!   immediate controls earn.
//! - **Automatable**: SSVC's ([`crate::ssvc::automatable`]).
//! - **Technical Impact**: *total* when the CVSS vector gives high confidentiality, integrity
//!   and availability impact (`C:H/I:H/A:H`, or `VC:H/VI:H/VA:H` in v4): the exploit gives
//!   total control; *partial* otherwise. Without a vector it is taken as *total*, the
//!   shorter deadline.
//!
//! # Meeting the deadline (what is measured)
//! The deadline runs from the start of the horizon (day 0 = the day of the finding). Each
//! asset carrying the vulnerability must be *patched* (a patch action of the plan that fixes
//! it on that asset is scheduled to start by day N: `now`, a fixed time, the first occurrence
//! of the named window, or for a staged rollout its stage's start) or *mitigated* (no entry
//! point at all reaches it once the plan's start-of-horizon controls are in force). When every
//! asset is covered, the share of rehearsals that meet it is, when a patch is relied on, the
//! simulated share of runs in which every asset the plan patches for the vulnerability was
//! patched (installed and restarted, retries included) by the end of day N
//! (`patchtwin_mc::rollout`, run by run), and 1 when only controls are. The share is exact
//! (`share_is_exact`) when the assets the plan patches are exactly those relied on and none of
//! them is also mitigated; otherwise it is a lower bound (a run can meet the deadline through
//! a mitigation where a patch failed). Not counted: the sampled failure of a control to take
//! effect. The status is decided by the work done, not the schedule: `met` needs the share's
//! lower end at 95% or more ([`MET_SHARE`]), a share whose upper end is under 5% is `missed`,
//! anything between is `at_risk`.
//! "Fix on system upgrade" has no deadline and is reported as such.
//!
//! # What this is not
//! Not legal advice on the directive's scope (which assets are federal information systems,
//! how CISA counts days): it applies CERT/CC's published table to the simulated plant.

use crate::ssvc::{self, Automatable, EndState, Input, SystemExposure};
use crate::ssvc_v2::{InternetOnly, Probe};
use crate::{Est, PlanSummary};
use patchtwin_model::{Action, Plan, Scenario, When};
use serde::Serialize;
use std::fmt;

/// SSVC Technical Impact v1.0.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TechnicalImpact {
    /// Limited control or information exposure.
    Partial,
    /// Total control of the software's behaviour, or total disclosure.
    Total,
}

/// CISA BOD 26-04 Remediation Timelines v1.0.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timeline {
    /// No deadline: fix when the system is next upgraded.
    FixOnSystemUpgrade,
    /// 60 days.
    Days60,
    /// 14 days.
    Days14,
    /// 3 days.
    Days3,
    /// 3 days, and a forensic investigation.
    Days3Forensic,
}

impl Timeline {
    /// Every value, longest deadline first (CERT/CC's order).
    pub const ALL: [Timeline; 5] = [
        Timeline::FixOnSystemUpgrade,
        Timeline::Days60,
        Timeline::Days14,
        Timeline::Days3,
        Timeline::Days3Forensic,
    ];
    /// As CERT/CC's CSV spells it.
    pub const fn label(self) -> &'static str {
        match self {
            Timeline::FixOnSystemUpgrade => "fix on system upgrade",
            Timeline::Days60 => "60 days",
            Timeline::Days14 => "14 days",
            Timeline::Days3 => "3 days",
            Timeline::Days3Forensic => "3 days & forensic investigation",
        }
    }
    /// The value key of CERT/CC's decision point (`FSU`, `60D`, `14D`, `3D`, `3DF`).
    pub const fn key(self) -> &'static str {
        match self {
            Timeline::FixOnSystemUpgrade => "FSU",
            Timeline::Days60 => "60D",
            Timeline::Days14 => "14D",
            Timeline::Days3 => "3D",
            Timeline::Days3Forensic => "3DF",
        }
    }
    /// The deadline in days, if there is one.
    pub const fn days(self) -> Option<u32> {
        match self {
            Timeline::FixOnSystemUpgrade => None,
            Timeline::Days60 => Some(60),
            Timeline::Days14 => Some(14),
            Timeline::Days3 | Timeline::Days3Forensic => Some(3),
        }
    }
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// CERT/CC's "CISA BOD 26-04" table v1.0.0.
pub const fn timeline(
    in_kev: bool,
    publicly_exposed: bool,
    automatable: bool,
    technical_impact: TechnicalImpact,
) -> Timeline {
    use TechnicalImpact::{Partial as P, Total as T};
    use Timeline::{Days3 as D3, Days3Forensic as D3F, Days14 as D14, Days60 as D60};
    match (in_kev, publicly_exposed, automatable, technical_impact) {
        (false, false, false, _) => Timeline::FixOnSystemUpgrade,
        (true, false, false, _) => D14,
        (false, true, false, P) | (false, false, true, _) => D60,
        (true, true, false, P) | (true, false, true, P) | (false, true, true, P) => D14,
        (false, true, false, T) => D14,
        (true, true, true, P) | (false, true, true, T) => D3,
        (true, true, false, T) | (true, false, true, T) | (true, true, true, T) => D3F,
    }
}

/// Technical impact from the CVSS vector.
pub fn technical_impact(s: &Scenario, v: usize) -> Input<TechnicalImpact> {
    let Some(vector) = s.vulnerabilities[v].cvss_vector.as_deref() else {
        return Input {
            value: TechnicalImpact::Total,
            reason: "no CVSS vector given: taken as total (the shorter deadline)".into(),
        };
    };
    let metric = |name: &str| {
        vector.split('/').find_map(|part| {
            let (k, val) = part.split_once(':')?;
            (k.trim() == name).then(|| val.trim().to_string())
        })
    };
    let v4 = metric("VC").is_some();
    let names: [&str; 3] = if v4 {
        ["VC", "VI", "VA"]
    } else {
        ["C", "I", "A"]
    };
    let got: Vec<String> = names
        .iter()
        .map(|n| format!("{n}:{}", metric(n).unwrap_or_else(|| "?".into())))
        .collect();
    let total = names.iter().all(|n| metric(n).as_deref() == Some("H"));
    Input {
        value: if total {
            TechnicalImpact::Total
        } else {
            TechnicalImpact::Partial
        },
        reason: format!(
            "CVSS {}{}",
            got.join("/"),
            if total {
                ": high impact on all three, total control"
            } else {
                ": not high on all three"
            }
        ),
    }
}

/// Whether a plan meets the deadline.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Compliance {
    /// `met`: every asset is scheduled to be patched or mitigated by the deadline and at least
    /// 95% of rehearsals close them all by then (the share's lower end, [`MET_SHARE`]);
    /// `at_risk`: scheduled in time, but fewer rehearsals are shown to finish by then;
    /// `missed`: not scheduled in time, or (almost) no rehearsal finishes by then (the
    /// share's upper end below 5%); `no_deadline`.
    pub status: String,
    /// Share of rehearsals meeting it (see the module docs for what is measured); null when
    /// missed as scheduled or without a deadline.
    pub share_of_runs: Option<Est>,
    /// The share is exact (every asset relied on closed by the deadline, run by run), not a
    /// lower bound.
    pub share_is_exact: bool,
    /// Per asset carrying the vulnerability: how it is covered, or that it is not.
    pub assets: Vec<String>,
}

/// The BOD 26-04 timeline of one vulnerability under one plan.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BodRow {
    /// Vulnerability id.
    pub vulnerability: String,
    /// Plan id.
    pub plan: String,
    /// In KEV.
    pub in_kev: bool,
    /// Publicly exposed as found (no plan's controls).
    pub publicly_exposed_as_found: Input<bool>,
    /// Publicly exposed under the controls the plan enables at the start.
    pub publicly_exposed: Input<bool>,
    /// Automatable.
    pub automatable: Input<Automatable>,
    /// Technical impact.
    pub technical_impact: Input<TechnicalImpact>,
    /// Timeline as found.
    pub timeline_as_found: Timeline,
    /// Timeline under the plan's start-of-horizon controls: the one the plan is held to.
    pub timeline: Timeline,
    /// Its deadline in days from the start (null: fix on system upgrade).
    pub deadline_days: Option<u32>,
    /// Whether the plan meets it.
    pub compliance: Compliance,
}

/// Is any asset carrying `v` reachable from an internet-facing entry point at `st`?
fn publicly_exposed(net: &InternetOnly, st: &EndState, v: usize) -> Input<bool> {
    let e = net.exposure(st, v);
    let value = e.value != SystemExposure::Small;
    let reason = if value {
        format!("from internet-facing entry points: {}", e.reason)
    } else {
        format!("no internet-facing entry point reaches it: {}", e.reason)
    };
    Input { value, reason }
}

/// Start-of-horizon controls of `plan` only (no patches, no later controls).
fn immediate_controls(s: &Scenario, plan: &Plan) -> EndState {
    let mut st = EndState {
        controls: vec![false; s.controls.len()],
        patched: Default::default(),
    };
    for a in &plan.actions {
        if let Action::EnableControl {
            control,
            at: When::Now,
            ..
        } = a
        {
            st.controls[control.ix()] = true;
        }
    }
    st
}

/// When (days from the start) `plan` is scheduled to start patching `v` on `asset`.
pub fn patch_start_day(s: &Scenario, plan: &Plan, v: usize, asset: usize) -> Option<f64> {
    const DAY: f64 = 8.64e13;
    let window_start = |w: Option<usize>, after: u64| {
        s.windows
            .iter()
            .enumerate()
            .filter(|(i, _)| w.is_none_or(|w| w == *i))
            .flat_map(|(_, win)| win.starts.iter().map(|t| t.0))
            .filter(|t| *t >= after)
            .min()
    };
    let mut best: Option<f64> = None;
    for a in &plan.actions {
        let Action::ApplyPatch {
            patch,
            assets,
            at,
            staging,
            ..
        } = a
        else {
            continue;
        };
        if !s.patches[patch.ix()].fixes.iter().any(|f| f.ix() == v)
            || !assets.iter().any(|x| x.ix() == asset)
        {
            continue;
        }
        let start = match at {
            When::Now => Some(0),
            When::At(t) => Some(t.0),
            When::NextWindow(w) => window_start(*w, 0),
        };
        let start = match (start, staging) {
            (Some(t0), Some(st)) if !st.first.iter().any(|x| x.ix() == asset) => {
                let after = t0 + st.soak.as_nanos();
                if st.rest_at_next_window {
                    window_start(None, after)
                } else {
                    Some(after)
                }
            }
            (t, _) => t,
        };
        if let Some(t) = start {
            let d = t as f64 / DAY;
            best = Some(best.map_or(d, |b: f64| b.min(d)));
        }
    }
    best
}

fn compliance(
    s: &Scenario,
    plan: &Plan,
    ps: &PlanSummary,
    v: usize,
    probe: &mut Probe,
    deadline: Option<u32>,
) -> Compliance {
    let Some(days) = deadline else {
        return Compliance {
            status: "no_deadline".into(),
            share_of_runs: None,
            share_is_exact: false,
            assets: Vec::new(),
        };
    };
    let controls = immediate_controls(s, plan);
    let mut all_covered = true;
    let mut relied: Vec<u32> = Vec::new();
    let mut relied_mitigated = false;
    let mut notes = Vec::new();
    for a in s.vulnerabilities[v].assets.iter().map(|a| a.ix()) {
        let id = &s.assets[a].id;
        let patched = patch_start_day(s, plan, v, a);
        match patched {
            Some(d) if d <= f64::from(days) => {
                relied.push(a as u32);
                relied_mitigated |=
                    probe.exposure(s, &controls, v, a).value == SystemExposure::Small;
                notes.push(format!("{id}: patch scheduled day {d:.1}"));
            }
            _ => {
                let reach = probe.exposure(s, &controls, v, a);
                if reach.value == SystemExposure::Small {
                    notes.push(format!(
                        "{id}: mitigated from day 0 (no entry point reaches it under the plan's controls)"
                    ));
                } else {
                    all_covered = false;
                    notes.push(match patched {
                        Some(d) => format!("{id}: patch scheduled day {d:.1}, after day {days}"),
                        None => format!("{id}: not patched in the horizon, still reachable"),
                    });
                }
            }
        }
    }
    relied.sort_unstable();
    // Per run: every asset the plan patches for `v` closed by the end of day N. That is the
    // exact share when those are exactly the assets relied on and none of them is also
    // mitigated; otherwise it is a lower bound (a run may meet the deadline through the
    // mitigation of an asset whose patch failed or came later).
    let acc = &ps.rollout.acc;
    let counted = acc.closed_by_day(v, u64::from(days));
    let exact =
        counted.is_some() && acc.targets.get(v).is_some_and(|t| *t == relied) && !relied_mitigated;
    let share = all_covered.then(|| match (relied.is_empty(), counted) {
        (true, _) => Est {
            mean: 1.0,
            lo: 1.0,
            hi: 1.0,
        },
        (false, Some((k, n))) => patchtwin_mc::estimate::wilson(k, n).into(),
        (false, None) => {
            let p = ps.operations.p_patch_failure;
            Est {
                mean: 1.0 - p.mean,
                lo: (1.0 - p.hi).max(0.0),
                hi: (1.0 - p.lo).min(1.0),
            }
        }
    });
    Compliance {
        status: compliance_status(all_covered, share.as_ref()).into(),
        share_is_exact: share.is_some() && (relied.is_empty() || exact),
        share_of_runs: share,
        assets: notes,
    }
}

/// The share of rehearsals that must close every asset by the deadline for a plan to be said
/// to meet it (shown by the interval's lower end, not only the estimate).
pub const MET_SHARE: f64 = 0.95;

/// `met`, `at_risk` or `missed` (see [`Compliance::status`]). A deadline is met by the work
/// being done, not by its being scheduled: a patch scheduled on the deadline day that never
/// finishes by then (review: "met (0.0% of runs)") is missed.
fn compliance_status(scheduled_in_time: bool, share: Option<&Est>) -> &'static str {
    match share {
        _ if !scheduled_in_time => "missed",
        Some(e) if e.lo >= MET_SHARE => "met",
        Some(e) if e.hi < 1.0 - MET_SHARE => "missed",
        _ => "at_risk",
    }
}

/// The BOD 26-04 rows of every vulnerability (scenario order) under every plan of `plans`
/// (summary order). Plans not in the scenario are skipped.
pub fn derive(s: &Scenario, plans: &[PlanSummary]) -> Vec<BodRow> {
    let mut rows = Vec::new();
    let mut probe = Probe::new(s);
    let net = InternetOnly::new(s);
    let found = EndState {
        controls: vec![false; s.controls.len()],
        patched: Default::default(),
    };
    for v in 0..s.vulnerabilities.len() {
        let in_kev = s.vulnerabilities[v].kev;
        let auto = ssvc::automatable(s, v);
        let ti = technical_impact(s, v);
        let pe_found = publicly_exposed(&net, &found, v);
        let t_found = timeline(
            in_kev,
            pe_found.value,
            auto.value == Automatable::Yes,
            ti.value,
        );
        for ps in plans {
            let Some(plan) = s.plans.iter().find(|p| p.id == ps.id) else {
                continue;
            };
            let pe = publicly_exposed(&net, &immediate_controls(s, plan), v);
            let t = timeline(in_kev, pe.value, auto.value == Automatable::Yes, ti.value);
            let compliance = compliance(s, plan, ps, v, &mut probe, t.days());
            rows.push(BodRow {
                vulnerability: s.vulnerabilities[v].id.clone(),
                plan: ps.id.clone(),
                in_kev,
                publicly_exposed_as_found: pe_found.clone(),
                publicly_exposed: pe,
                automatable: auto.clone(),
                technical_impact: ti.clone(),
                timeline_as_found: t_found,
                timeline: t,
                deadline_days: t.days(),
                compliance,
            });
        }
    }
    rows
}

/// The report section: per vulnerability with a deadline, the timeline and which plans meet
/// it. Nothing when the summary has no rows.
pub(crate) fn section(summary: &crate::Summary) -> Vec<crate::blocks::Block> {
    use crate::blocks::{Block, Span};
    let rows = &summary.bod_26_04;
    if rows.is_empty() {
        return Vec::new();
    }
    let txt = |s: String| vec![Span::Text(s)];
    let mut blocks = vec![
        Block::Heading {
            level: 2,
            text: "Remediation deadlines (CISA BOD 26-04)".into(),
            id: "bod".into(),
        },
        Block::Para(txt(
            "CERT/CC's BOD 26-04 table gives a remediation timeline from four inputs: in KEV, \
             publicly exposed (reachable from an internet-facing entry point, here under the \
             controls the plan switches on at the start), automatable and technical impact. A \
             plan meets the deadline when it is scheduled to patch every asset carrying the \
             vulnerability by then (or leaves it unreachable) and at least 95% of rehearsals \
             finish by then (the interval's lower end); it is at risk when the work is \
             scheduled in time but fewer rehearsals are shown to finish, and it misses when \
             the work is scheduled too late or (almost) no rehearsal finishes in time. The \
             share of runs is the share of rehearsals in which every asset it patches for the \
             vulnerability was patched by the deadline (marked ≥ where it is only a lower \
             bound)."
                .into(),
        )),
    ];
    let yes = |b: bool| if b { "yes" } else { "no" };
    blocks.push(Block::Table {
        head: [
            "vulnerability",
            "plan",
            "KEV / exposed / automatable / impact",
            "deadline",
            "meets it",
            "share of runs",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, false, false, false, false, true],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    vec![Span::Code(r.vulnerability.clone())],
                    vec![Span::Code(r.plan.clone())],
                    txt(format!(
                        "{} / {} / {} / {}",
                        yes(r.in_kev),
                        yes(r.publicly_exposed.value),
                        r.automatable.value,
                        match r.technical_impact.value {
                            TechnicalImpact::Partial => "partial",
                            TechnicalImpact::Total => "total",
                        }
                    )),
                    vec![Span::Strong(r.timeline.to_string())],
                    vec![Span::Strong(r.compliance.status.replace('_', " "))],
                    txt(r.compliance.share_of_runs.as_ref().map_or("—".into(), |e| {
                        let bound = if r.compliance.share_is_exact {
                            ""
                        } else {
                            "≥ "
                        };
                        format!("{bound}{}", crate::format::pct_ci(e))
                    })),
                ]
            })
            .collect(),
    });
    blocks
}

/// Lines for stdout: per vulnerability with a deadline, which plans meet it.
pub fn text(summary: &crate::Summary) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let rows: Vec<&BodRow> = summary
        .bod_26_04
        .iter()
        .filter(|r| r.deadline_days.is_some())
        .collect();
    if rows.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nCISA BOD 26-04 remediation deadlines (days from the start; share of runs with every asset patched by then)"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "  {} under {}: {} → {} ({})",
            r.vulnerability,
            r.plan,
            r.timeline,
            r.compliance.status.replace('_', " "),
            r.compliance.share_of_runs.as_ref().map_or(
                "as scheduled it does not".into(),
                |e| format!("{} of runs", crate::format::pct_ci(e))
            )
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(k: u64, n: u64) -> Est {
        patchtwin_mc::estimate::wilson(k, n).into()
    }

    #[test]
    fn a_deadline_is_met_by_work_done_not_by_a_schedule() {
        // Review finding: scheduled on the deadline day, finished by then in 0 of 200 runs.
        assert_eq!(compliance_status(true, Some(&share(0, 200))), "missed");
        // Not scheduled in time: missed whatever the share.
        assert_eq!(compliance_status(false, None), "missed");
        // 200 of 200: Wilson's lower end is 0.981 ≥ 0.95.
        assert_eq!(compliance_status(true, Some(&share(200, 200))), "met");
        // 163 of 200 (81.5%): [0.755, 0.863], neither shown met nor shown missed.
        assert_eq!(compliance_status(true, Some(&share(163, 200))), "at_risk");
        // 8 of 8: Wilson [0.676, 1]: too few runs to show 95%.
        assert_eq!(compliance_status(true, Some(&share(8, 8))), "at_risk");
        // Only controls relied on: the share is exactly 1.
        let one = Est {
            mean: 1.0,
            lo: 1.0,
            hi: 1.0,
        };
        assert_eq!(compliance_status(true, Some(&one)), "met");
    }
}
