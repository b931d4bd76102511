//! The report's closing sections: the glossary (every measure in one sentence) and the run
//! details (settings, engine, provenance and the list of files written).
//!
//! This module is not where measures are defined; it explains the ones the summary carries.

use super::*;

/// The terms the report uses; those of a section only when the report has that section (the
/// SSVC terms with SSVC rows, the coordinator's note with a vulnerability that carries one).
pub(super) fn glossary(summary: &Summary, s: &Scenario) -> Block {
    let g = |a: &str, b: &str| (a.to_string(), b.to_string());
    let mut terms = vec![
        g(
            "run (replication)",
            "One simulated play-through of the whole horizon under one plan; every plan is played on the same runs, with the same attacks, failures and delays wherever the plans do not differ.",
        ),
        g(
            "95% interval",
            "The range that contains the true value with 95% confidence given the number of runs (Wilson score interval for shares, Student-t interval for averages, Tango score interval for paired differences of shares); more runs make it narrower.",
        ),
        g(
            "baseline",
            "The plan every other plan is compared with, the first in the scenario (usually to defer).",
        ),
        g(
            "P(dual success)",
            "Share of runs in which no target is compromised within the horizon, no process trips outside a planned shutdown, no work overruns its maintenance window and no reportable data loss breaks operations. Where flows have deadline targets, plans that miss one rank after those that meet every one.",
        ),
        g(
            "expected loss",
            "Average cost per run: unplanned downtime hours times the unit's cost per hour, plus the impact cost of every target the attacker reaches within the horizon (each target once per run, however often it is reached).",
        ),
        g(
            "paired difference (Δ)",
            "The plan's value minus the baseline's, taken run by run on the same simulated runs and then averaged, with its 95% interval.",
        ),
        g(
            "P(compromise)",
            "Share of runs in which the attacker reaches a target asset within the horizon.",
        ),
        g(
            "time to compromise",
            "Days from the start of the horizon until the first target is reached, among the runs where that happens (5th percentile, median, 95th percentile).",
        ),
        g(
            "exposure-days",
            "Sum over vulnerable assets of the days each vulnerability stays open and reachable from an attacker's entry point, averaged over runs.",
        ),
        g(
            "time to X% of exposure closed",
            "Median over runs of the first time the plant's exposure — the (vulnerability, asset) pairs an attacker could attempt at that moment, the rate at which exposure-days accrue — has fallen by X% of its value at t = 0, by patches or controls; a pair nobody can reach counts for nothing.",
        ),
        g(
            "P(detected before impact)",
            "Among runs where the attacker gets a foothold, the share in which monitoring detects it before it reaches a target.",
        ),
        g(
            "foothold share",
            "Share of runs in which the attacker gets into the plant's network at all: holds an asset of it, the one its entry point lands on or, for an attacker outside the plant (an entry point `from:` a zone such as the internet), the first asset it compromises from there.",
        ),
        g(
            "impact cost",
            "Average per run of the sum of the impact costs of the targets reached within the horizon, each target counted once per run (two targets reached: both costs; the same target reached again after an eviction: once).",
        ),
        g(
            "P(process trip)",
            "Share of runs with at least one unplanned stop of a process unit, whether caused by a change, a failed patch or an attack.",
        ),
        g(
            "unplanned downtime",
            "Hours per run that process units are down outside planned shutdowns, summed over units.",
        ),
        g(
            "downtime cost",
            "Unplanned downtime hours times each unit's cost per hour, per run.",
        ),
        g(
            "P(window overrun)",
            "Share of runs in which work is still unfinished when its maintenance window closes, so production restarts late or trips.",
        ),
        g(
            "window overrun",
            "Hours per run by which work ran past the end of its maintenance window.",
        ),
        g(
            "deployments per run",
            "Patch installations attempted per run, counting each asset once per attempt.",
        ),
        g(
            "P(patch rollback)",
            "Share of runs in which at least one patch deployment fails and is rolled back, leaving the asset down meanwhile and the vulnerability open.",
        ),
        g(
            "deployments failing",
            "Share of all deployments that fail and are rolled back.",
        ),
        g(
            "changes completed",
            "Share of runs in which every change of the plan is done within the horizon.",
        ),
        g(
            "loss of view",
            "Hours per run that operators lose sight of the process (a view function is lost) outside planned shutdowns.",
        ),
        g(
            "loss of control",
            "Hours per run that operators cannot act on the process (a control function is lost) outside planned shutdowns.",
        ),
        g(
            "historian gap",
            "Hours per run of data lost for good by the flows into historians and cloud services, summed over flows (one hour without three flows counts three). Lost from the moment a flow's route breaks until it is whole again, beyond the store-and-forward buffer that holds the data: the larger of the producer's and the historian's while the producer is up; while the producer itself is down, what it would pass on is held upstream by what holds each of its inputs (the smallest counts), and a producer with no inputs (a controller or sensor, where the data originates) loses the whole outage.",
        ),
        g(
            "latency p50 / p95 / p99 / max / mean",
            "Time for a poll's answer or a publication to arrive that half, 95%, 99% or all of the completed messages beat, and its average, in milliseconds. A poll is timed from its request to its answer taken in; a publication from the end of the publisher's scan, when the message is ready, to the subscriber having taken it in (its transfer time, as IEC 61850-5 defines it; the wait for the scan is the publisher's function, not the communication). Max and mean are exact; the percentiles come from a histogram of 2 significant digits and may read up to 0.8% high, never low.",
        ),
        g("TTC", "Time to compromise (see above), in days."),
        g(
            "default time to compromise",
            "The mean time one exploit step takes when a vulnerability gives no `ttc`: 2 days if exploited (KEV, active, or a CVSS 4.0 E:A), 7 functional, 20 proof of concept, 60 unproven (lowered to 7 days at EPSS ≥ 0.5, 2 at ≥ 0.9), times its CVSS hurdles — v3: AC:H ×2, PR:L ×1.5, PR:H ×3, UI:R ×2; 4.0: AC:H ×2, AT:P ×2, PR:L ×1.5, PR:H ×3, UI:P ×2, UI:A ×3.",
        ),
        g(
            "pt (percentage points)",
            "The difference between two percentages: 30% against 20% is +10 pt (not +50%).",
        ),
        g(
            "acceptance thresholds",
            "A plan is acceptable when its P(compromise) and its P(process trip) within the horizon are at most the scenario's acceptance thresholds (acceptance: max_p_compromise, max_p_trip; 10% each by default), on the point estimates. The recommendation states the thresholds used and whether they are the defaults; when no plan meets them, it says so: the recommended plan is then the least bad, not a good one.",
        ),
        g(
            "deadline",
            "The latency a flow must meet; above it the data arrives too late for its purpose.",
        ),
        g(
            "miss rate",
            "Share of messages that arrived after the deadline or never arrived.",
        ),
        g(
            "timeouts",
            "Poll attempts that got no answer within the flow's timeout, over all runs.",
        ),
        g(
            "before / after",
            "Timing in the observation window at the start of the horizon, and in the window after all of the plan's changes are done.",
        ),
    ];
    terms.extend(ssvc_terms(summary, s));
    Block::Glossary(terms)
}

/// The SSVC terms, when the report has SSVC rows; the coordinator's note only when a
/// vulnerability carries one.
fn ssvc_terms(summary: &Summary, s: &Scenario) -> Vec<(String, String)> {
    let g = |a: &str, b: &str| (a.to_string(), b.to_string());
    let mut terms = Vec::new();
    if !summary.ssvc.is_empty() {
        terms.extend([
            g("SSVC priority", "CERT/CC's deployer decision for a vulnerability: defer, scheduled (next planned maintenance), out-of-cycle (sooner, with extra effort) or immediate (as fast as possible, even at a cost)."),
            g("exploitation", "Whether the vulnerability is exploited in the wild (active), has public exploit code (public poc), or neither (none)."),
            g("system exposure", "How reachable the vulnerable asset is for an attacker under the plan: open, controlled (only past a control), or small."),
            g("automatable", "Whether an attacker can script the attack end to end, judged from the CVSS vector (network, low complexity, no privileges, no user interaction, and for CVSS 4.0 no attack requirements: AT:P needs a condition of the target's deployment)."),
            g("human impact", "How bad a compromise would be for safety and for the plant's mission, from what an attacker holding the asset could go on to reach."),
        ]);
    }
    if !crate::ssvc::note::compare(s, &summary.ssvc).is_empty() {
        terms.push(g("coordinator's SSVC note", "The SSVC decision points an advisory's coordinator published (CISA's note: E exploitation, A automatable, T technical impact); shown with the deployer priority they give under each plan's simulated exposure and human impact."));
    }
    terms
}

pub(super) fn run_details(summary: &Summary, s: &Scenario, files: &[String]) -> Vec<Block> {
    let mut blocks = vec![heading(2, "Run details and files", "details")];
    let st = &summary.settings;
    let en = &summary.engine;
    blocks.push(Block::Bullets(vec![
        vec![
            t("scenario "),
            code(&summary.scenario.name),
            t(", SHA-256 "),
            code(&summary.scenario.sha256),
        ],
        vec![
            t("written by "),
            code(format!("{} {}", summary.tool.name, summary.tool.version)),
        ],
        vec![t(format!(
            "{} runs per plan, seed {}, horizon {:.0} days, observation window {}s",
            st.runs,
            st.seed,
            st.horizon_s / 86_400.0,
            st.observe_s
        ))],
        vec![t(format!(
            "{} simulation events in {:.2}s on {} thread(s); the same seed and runs give the same \
             numbers on any number of threads",
            en.events, en.wall_s, en.threads
        ))],
        vec![t(format!("costs in {}", s.currency))],
        vec![t(format!("number of runs: {}", st.stop))],
    ]));
    blocks.push(Block::Bullets(crate::provenance::bullets(
        &summary.provenance,
    )));
    if !files.is_empty() {
        let mut line = vec![t("Files beside this report: ")];
        for (k, f) in files.iter().enumerate() {
            if k > 0 {
                line.push(t(", "));
            }
            line.push(code(f));
        }
        line.push(t("."));
        blocks.push(Block::Para(line));
    }
    blocks.extend(crate::exchange_files::section(summary, files));
    blocks
}
