//! The recommendation on hand-made summaries.

use patchtwin_report::recommend::{Recommendation, recommend};
use patchtwin_report::ssvc::derive;
use patchtwin_report::{Summary, table};

use crate::derivation::{PATCH, Plant, UNITS};
use crate::summaries::{comparison, est, fast_and_cheap, pair, plan_summary, summary, three_plans};

#[test]
fn recommends_the_highest_dual_success_and_says_why_with_numbers() {
    let s = three_plans();
    let r: Recommendation = recommend(&s, "EUR").expect("plans were rehearsed");
    assert_eq!(r.plan, "controls-then-window");
    assert_eq!(r.runner_up.as_deref(), Some("patch-now"));
    let all = r.reasons.join("\n");
    eprintln!("{all}");
    // The headline quotes its P(dual success) with its interval, and the baseline's.
    assert!(r.reasons[0].starts_with("controls-then-window gives the best chance of dual success"));
    assert!(
        r.reasons[0].contains("95.9% [94.5–97.0%]"),
        "{}",
        r.reasons[0]
    );
    assert!(
        r.reasons[0].contains("27.0% [24.0–30.0%] for defer"),
        "{}",
        r.reasons[0]
    );
    // The paired differences against the baseline.
    assert!(
        all.contains("cuts P(compromise) by 69.2 points (95% [−72.1, −66.3])"),
        "{all}"
    );
    assert!(
        all.contains("makes no clear difference to P(process trip)"),
        "{all}"
    );
    assert!(
        all.contains("changes expected loss by −5,190,000 [−5,500,000, −4,900,000] EUR"),
        "{all}"
    );
    // The operational price, rollbacks included.
    assert!(all.contains("rolled back in 20.0% [18.0–22.0%]"), "{all}");
    assert!(!all.contains("cannot be told apart"), "no tie here: {all}");
    // The lead over the runner-up, paired (the `pairwise` entry turned round).
    assert!(
        all.contains(
            "Against the runner-up, patch-now, paired over the same rehearsals: \
             controls-then-window's P(dual success) minus patch-now's is +11.9 pt \
             [+10.1, +13.7], a clear difference."
        ),
        "{all}"
    );
    // It prints at the end of the stdout table.
    let mut s = s;
    s.recommendation = Some(r);
    let t = table(&s, 3);
    assert!(
        t.contains("recommendation: controls-then-window  (runner-up: patch-now)"),
        "{t}"
    );
}

#[test]
fn without_paired_differences_near_ties_fall_back_to_overlapping_intervals() {
    // A hand-made summary with no `pairwise` entries and no comparisons for the two plans:
    // `fast` leads on dual success by a hair, the separate intervals overlap; `cheap` loses less.
    let s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("fast", 0.96, 0.945, 0.972, 900_000.0),
            plan_summary("cheap", 0.95, 0.934, 0.963, 300_000.0),
        ],
        vec![],
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "cheap");
    assert_eq!(r.runner_up.as_deref(), Some("fast"));
    let tie = r
        .reasons
        .iter()
        .find(|x| x.contains("cannot be told apart"))
        .unwrap_or_else(|| panic!("a tie-break reason: {:?}", r.reasons));
    assert!(tie.contains("the intervals overlap"), "{tie}");
    assert!(
        tie.contains("300,000 EUR for cheap against 900,000 EUR for fast"),
        "{tie}"
    );
    assert!(
        r.reasons[0].contains("one of the best chances"),
        "{}",
        r.reasons[0]
    );

    // Without overlap the higher dual success wins even at a higher loss.
    let s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("fast", 0.96, 0.95, 0.97, 900_000.0),
            plan_summary("cheap", 0.90, 0.88, 0.92, 100_000.0),
        ],
        vec![],
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "fast");
    assert_eq!(r.runner_up.as_deref(), Some("cheap"));
}

#[test]
fn overlapping_separate_intervals_do_not_make_a_tie_when_the_paired_difference_is_clear() {
    // Paired over the same 1000 rehearsals, `cheap` fails in 10 more of them than `fast` and
    // never succeeds where `fast` fails: +1.0 point, 95% [+0.5, +1.8] (Tango's score interval
    // for 10 discordant runs, all one way, in 1000; hand-made here). Not a tie, so `fast` wins despite its higher loss. (Comparing the separate
    // intervals, which overlap, `cheap` would win on loss.)
    let d_dual = est(0.010, 0.0038, 0.0162);
    let d_loss = est(600_000.0, 550_000.0, 650_000.0);
    for order in [
        ["defer", "fast", "cheap"],
        ["defer", "cheap", "fast"],
        ["cheap", "fast", "defer"],
    ] {
        let s = fast_and_cheap(order, d_dual, d_loss);
        let r = recommend(&s, "EUR").unwrap();
        assert_eq!(r.plan, "fast", "plans in order {order:?}: {:?}", r.reasons);
        assert_eq!(r.runner_up.as_deref(), Some("cheap"));
        let all = r.reasons.join("\n");
        assert!(!all.contains("cannot be told apart"), "{all}");
        assert!(
            r.reasons[0].starts_with("fast gives the best chance of dual success"),
            "{}",
            r.reasons[0]
        );
        if order[0] == "defer" {
            assert!(
                all.contains(
                    "Against the runner-up, cheap, paired over the same rehearsals: fast's \
                     P(dual success) minus cheap's is +1.0 pt [+0.4, +1.6], a clear \
                     difference, although the two plans' separate intervals overlap."
                ),
                "{all}"
            );
        }
    }
}

#[test]
fn a_paired_near_tie_goes_to_the_lower_expected_loss_and_the_reasons_quote_both_differences() {
    // `fast − cheap`: +1.0 point, 95% [−0.3, +2.3] — could be 0. `cheap` loses 600,000 EUR less,
    // clearly.
    let s = fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, -0.003, 0.023),
        est(600_000.0, 550_000.0, 650_000.0),
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "cheap");
    assert_eq!(r.runner_up.as_deref(), Some("fast"));
    assert!(
        r.reasons[0].starts_with("cheap gives one of the best chances of dual success"),
        "{}",
        r.reasons[0]
    );
    assert_eq!(
        r.reasons[1],
        "cheap and fast cannot be told apart on dual success: paired over the same rehearsals, \
         cheap's P(dual success) minus fast's is −1.0 pt [−2.3, +0.3], an interval \
         that includes 0. So the lower expected loss decides: 300,000 EUR for cheap against \
         900,000 EUR for fast, a clear difference of −600,000 [−650,000, −550,000] EUR \
         paired over the same rehearsals."
    );

    // The same with a loss difference that could be zero: the means still decide, and the
    // reason says the saving is not certain.
    let s = fast_and_cheap(
        ["defer", "cheap", "fast"],
        est(0.010, -0.003, 0.023),
        est(600_000.0, -50_000.0, 1_250_000.0),
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "cheap");
    assert!(
        r.reasons[1].ends_with(
            "300,000 EUR for cheap against 900,000 EUR for fast, paired over the same \
             rehearsals the difference, −600,000 [−1,250,000, +50,000] EUR, could still be \
             zero."
        ),
        "{}",
        r.reasons[1]
    );

    // A leader in a near-tie that also loses less keeps the lead, and says both.
    let s = fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, -0.003, 0.023),
        est(-100_000.0, -150_000.0, -50_000.0),
    );
    let mut s = s;
    s.plans[1].expected_loss = est(200_000.0, 180_000.0, 220_000.0);
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "fast");
    assert!(
        r.reasons[1].starts_with(
            "fast and the runner-up, cheap, cannot be told apart on dual success: paired over \
             the same rehearsals, fast's P(dual success) minus cheap's is +1.0 pt [−0.3, +2.3]"
        ),
        "{}",
        r.reasons[1]
    );
    assert!(
        r.reasons[1].contains("fast also has the lower expected loss: 200,000 EUR against 300,000 EUR, a clear difference of −100,000 [−150,000, −50,000] EUR"),
        "{}",
        r.reasons[1]
    );
}

#[test]
fn the_report_says_what_the_paired_difference_says() {
    // report.md is built from the same summary: its near-tie words follow the paired rule too.
    let s = Plant::default().build();
    let render = |mut sum: Summary| {
        sum.recommendation = recommend(&sum, "EUR");
        let doc = patchtwin_report::document::build(&sum, &s, &[], &[]);
        patchtwin_report::markdown::render(&doc)
    };
    // Clear: `fast` wins, and the runner-up line gives the paired difference.
    let md = render(fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, 0.0038, 0.0162),
        est(600_000.0, 550_000.0, 650_000.0),
    ));
    assert!(md.contains("**Recommended:** `fast`"), "{md}");
    assert!(
        md.contains(
            "measured on the same simulated runs the recommended plan's chance minus the \
             runner-up's is +1.0 percentage points, 95% interval +0.4 to +1.6: a clear difference."
        ),
        "{md}"
    );
    // A near-tie: `cheap` wins on loss, and the headline says why with the paired numbers.
    let md = render(fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, -0.003, 0.023),
        est(600_000.0, 550_000.0, 650_000.0),
    ));
    assert!(md.contains("**Recommended:** `cheap`"), "{md}");
    assert!(
        md.contains(
            "(measured on the same simulated runs, the difference is −1.0 percentage points, 95% \
             interval −2.3 to +0.3, which includes 0), and it costs less on average"
        ),
        "{md}"
    );
    assert!(
        md.contains("the two cannot be told apart on this measure"),
        "{md}"
    );
}

#[test]
fn a_paired_difference_in_expected_loss_that_is_clear_decides_the_tie() {
    // The rule's order: a clear paired difference comes before the means. (On a summary that
    // patchtwin wrote the two agree in sign but for rounding, since the paired mean is the
    // difference of the means; this hand-made one makes them disagree to show which decides.)
    // Both plans are in a near-tie; on the means `b` is cheaper by 1 EUR, the paired
    // difference `a − b` is clearly negative.
    let mut s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("a", 0.95, 0.93, 0.97, 300_001.0),
            plan_summary("b", 0.95, 0.93, 0.97, 300_000.0),
        ],
        vec![],
    );
    s.pairwise = vec![pair("a", "b", est(0.0, -0.01, 0.01), est(-0.4, -0.6, -0.2))];
    assert_eq!(recommend(&s, "EUR").unwrap().plan, "a");
    // Without that clear result, the means decide.
    s.pairwise[0].delta_expected_loss = est(-0.4, -2.0, 1.2);
    assert_eq!(recommend(&s, "EUR").unwrap().plan, "b");
}

#[test]
fn the_baseline_can_win_and_a_lone_plan_is_named_as_such() {
    let s = summary(
        vec![
            plan_summary("defer", 0.97, 0.96, 0.98, 50_000.0),
            plan_summary("patch-now", 0.80, 0.77, 0.83, 400_000.0),
        ],
        vec![comparison(
            "patch-now",
            est(0.01, -0.01, 0.03),
            est(0.15, 0.12, 0.18),
            est(350_000.0, 300_000.0, 400_000.0),
            est(-0.17, -0.20, -0.14),
        )],
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "defer");
    let all = r.reasons.join("\n");
    assert!(all.contains("defer is the baseline"), "{all}");
    assert!(all.contains("−17.0 pt [−20.0, −14.0]"), "{all}");

    let s = summary(vec![plan_summary("defer", 0.5, 0.45, 0.55, 1.0)], vec![]);
    let r = recommend(&s, "").unwrap();
    assert_eq!(r.plan, "defer");
    assert_eq!(r.runner_up, None);
    assert!(r.reasons[0].contains("the only plan rehearsed"));

    assert!(recommend(&summary(vec![], vec![]), "EUR").is_none());
}

#[test]
fn the_recommendation_quotes_ssvc_under_the_plan() {
    let s = Plant {
        extra: format!(
            "{UNITS}{PATCH}\nplans:\n  - {{id: defer}}\n  - {{id: patch, actions: [{{patch: P, at: now}}]}}"
        ),
        ..Default::default()
    }
    .build();
    // The patch plan's rehearsals rule out compromise and trips (upper bounds below 1%).
    let mut patch = plan_summary("patch", 0.999, 0.99, 1.0, 1e3);
    patch.exposure.p_compromise = est(0.0, 0.0, 0.004);
    patch.operations.p_trip = est(0.0, 0.0, 0.004);
    let mut sum = summary(
        vec![plan_summary("defer", 0.3, 0.25, 0.35, 1e6), patch],
        vec![],
    );
    sum.ssvc = derive(&s, &sum.plans);
    let r = recommend(&sum, "EUR").unwrap();
    assert_eq!(r.plan, "patch");
    let ssvc = r
        .reasons
        .iter()
        .find(|x| x.starts_with("SSVC deployer decisions"))
        .expect("an SSVC reason");
    // V: active, open, automatable, medium human impact under defer → out-of-cycle; patched
    // (small) with the consequence ruled out (low) → scheduled.
    assert!(ssvc.contains("V scheduled"), "{ssvc}");
    assert!(ssvc.contains("out-of-cycle under defer"), "{ssvc}");
    assert!(ssvc.contains("judgement"), "{ssvc}");
}

/// The leader by dual success that also loses less wins without a tie-break, but when the runs
/// cannot tell it from the runner-up (paired interval containing 0) the headline must not call
/// it "the best chance" while the next reason says the two cannot be told apart.
#[test]
fn a_leader_level_with_the_runner_up_is_not_called_the_best() {
    let mut s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("lead", 0.96, 0.945, 0.972, 300_000.0),
            plan_summary("close", 0.955, 0.94, 0.968, 900_000.0),
        ],
        vec![],
    );
    s.pairwise.push(pair(
        "lead",
        "close",
        est(0.005, -0.002, 0.012),
        est(-600_000.0, -650_000.0, -550_000.0),
    ));
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "lead");
    assert!(
        r.reasons[0].contains("one of the best chances"),
        "{}",
        r.reasons[0]
    );
    // With a clear paired lead, it is the best.
    s.pairwise[0] = pair(
        "lead",
        "close",
        est(0.02, 0.01, 0.03),
        est(-600_000.0, -650_000.0, -550_000.0),
    );
    let r = recommend(&s, "EUR").unwrap();
    assert!(r.reasons[0].contains("the best chance"), "{}", r.reasons[0]);
    assert!(
        !r.reasons[0].contains("one of the best"),
        "{}",
        r.reasons[0]
    );
}

#[test]
fn tied_losses_go_to_the_plan_that_leaves_less_exposure_and_the_reasons_say_so() {
    // Issue 22: with no attack path every plan scores 0 compromise and the same loss; defer
    // leaves 2,400 exposure-days, the patch plan 117. The losses tie (paired interval [0, 0]),
    // so exposure decides, and no sentence calls an equal loss "lower".
    let mut defer = plan_summary("defer", 0.9, 0.88, 0.92, 127_983.0);
    let mut patch = plan_summary("patch", 0.9, 0.88, 0.92, 127_983.0);
    defer.exposure.exposure_days = est(2400.0, 2390.0, 2410.0);
    patch.exposure.exposure_days = est(117.0, 110.0, 124.0);
    let mut s = summary(
        vec![defer, patch],
        vec![comparison(
            "patch",
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
        )],
    );
    s.pairwise = vec![pair(
        "defer",
        "patch",
        est(0.0, -0.01, 0.01),
        est(0.0, 0.0, 0.0),
    )];
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "patch", "{:?}", r.reasons);
    let all = r.reasons.join("\n");
    assert!(
        all.contains("so the next tie-break decides: the lower exposure, 117 (vulnerability, asset)-days per run for patch against 2,400 for defer"),
        "{all}"
    );
    assert!(!all.contains("lower expected loss"), "{all}");
    // The other way round (the patch plan listed first) gives the same pick.
    let mut s2 = summary(
        vec![s.plans.remove(1), s.plans.remove(0)],
        vec![comparison(
            "defer",
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
        )],
    );
    s2.comparisons[0].baseline = "patch".into();
    s2.pairwise = vec![pair(
        "patch",
        "defer",
        est(0.0, -0.01, 0.01),
        est(0.0, 0.0, 0.0),
    )];
    let r = recommend(&s2, "EUR").unwrap();
    assert_eq!(r.plan, "patch", "{:?}", r.reasons);
}

/// Review finding 18: stdout writes amounts one way, with thousands separators, as the
/// recommendation does (`−7,682,090`): every number written before the currency is at most
/// three digits or grouped by commas. By hand: expected loss 9,724,799 and its downtime cost
/// (a fifth in this fixture) 1,944,960; 1,234 and 247; 999 and 200.
#[test]
fn stdout_amounts_have_thousands_separators_everywhere() {
    let s = summary(
        vec![
            plan_summary("big", 0.5, 0.45, 0.55, 9_724_799.0),
            plan_summary("mid", 0.6, 0.55, 0.65, 1_234.0),
            plan_summary("small", 0.7, 0.65, 0.75, 999.0),
        ],
        vec![],
    );
    let t = table(&s, 3);
    for amount in [
        "9,724,799 EUR",
        "1,944,960 EUR",
        "1,234 EUR",
        "247 EUR",
        "999 EUR",
        "200 EUR",
    ] {
        assert!(t.contains(amount), "{amount} missing:\n{t}");
    }
    let grouped = |x: &str| {
        let x = x.trim_start_matches(['−', '-', '+']);
        let groups: Vec<&str> = x.split(',').collect();
        !x.is_empty()
            && groups[0].len() <= 3
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
            && groups[1..].iter().all(|g| g.len() == 3)
    };
    let words: Vec<&str> = t.split_whitespace().collect();
    let amounts: Vec<&str> = words
        .windows(2)
        .filter(|w| w[1] == "EUR" && w[0].starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| w[0])
        .collect();
    assert_eq!(amounts.len(), 6, "{amounts:?}\n{t}");
    assert!(amounts.iter().all(|a| grouped(a)), "{amounts:?}");
}
