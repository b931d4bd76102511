//! The teaching layer against hand-built expectations: cause links on a hand-written trace of
//! the shipped substation, `--find` semantics and `--pick` rules on hand-made run summaries,
//! lesson files with located diagnostics, and the text trace's alignment.

use patchtwin_sim::{ExposureOutcome, OpsOutcome, Outcome, TraceLine};
use patchtwin_teach::cause::{self, Class};
use patchtwin_teach::find::{self, Pick, RunFacts};
use patchtwin_teach::lesson::Lesson;
use std::path::Path;

const DAY: u64 = 86_400_000_000_000;

fn substation() -> patchtwin_model::Scenario {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/substation.yaml");
    patchtwin_scenario::load_file(&file)
        .unwrap_or_else(|d| panic!("{}", d.render()))
        .scenario
}

fn line(time: u64, entity: &str, kind: &'static str, text: &str) -> TraceLine {
    TraceLine {
        time,
        entity: entity.into(),
        kind,
        text: text.into(),
        duration_ns: None,
    }
}

/// The story: the relay's patch rolls back on day 0; weeks later the attacker, coming
/// through the gateway, compromises that relay, stops it, and its transformer trips.
fn story() -> Vec<TraceLine> {
    vec![
        line(
            0,
            "vpr500-fw-4.2.5-revA",
            "plan",
            "rollout of patch vpr500-fw-4.2.5-revA starts on ied-t1 (production running)",
        ),
        line(
            0,
            "ied-t1",
            "deploy",
            "installing patch vpr500-fw-4.2.5-revA (10m)",
        ),
        line(
            600,
            "ied-t1",
            "patch_failed",
            "patch vpr500-fw-4.2.5-revA failed after its reboot: rolling back (1h), ied-t1 down meanwhile; the vulnerability stays open",
        ),
        line(700, "ied-t1", "up", "ied-t1 is back up after 1h"),
        line(
            55 * DAY,
            "cc-scada",
            "attack",
            "attacker gets a foothold on cc-scada through control-centre-compromise",
        ),
        line(
            57 * DAY,
            "gw-1",
            "attack",
            "attacker compromises gw-1 exploiting KESTREL-SA-2025-11 across conduit cc-station",
        ),
        line(
            57 * DAY + 5,
            "ied-t1",
            "attack",
            "attacker compromises ied-t1 exploiting VOLTARIS-SA-2025-03 across conduit station-bay",
        ),
        line(
            57 * DAY + 5,
            "ied-t1",
            "attack",
            "attacker stops ied-t1; restoring it takes 22h",
        ),
        line(
            57 * DAY + 5,
            "transformer-t1",
            "trip",
            "transformer-t1 trips: asset ied-t1 is down",
        ),
        line(
            57 * DAY + 9,
            "gse-t1-bb",
            "comm_fail",
            "ied-bb marks ied-t1 failed: no data for its 16ms watchdog",
        ),
    ]
}

#[test]
fn causes_follow_the_story_back_to_its_roots() {
    let s = substation();
    let lines = story();
    let classes: Vec<Class> = lines.iter().map(cause::classify).collect();
    assert_eq!(
        classes,
        [
            Class::PlanStep,
            Class::Deploy,
            Class::Rollback,
            Class::Up,
            Class::Foothold,
            Class::Compromise,
            Class::Compromise,
            Class::AttackStop,
            Class::Trip,
            Class::FlowDown
        ]
    );
    let c = cause::infer(&s, &lines);
    let direct = |i: usize| c[i].iter().map(|x| x.line).collect::<Vec<_>>();
    assert_eq!(direct(0), Vec::<usize>::new(), "a plan step is a root");
    assert_eq!(direct(1), [0], "the deployment comes from the rollout");
    assert_eq!(direct(2), [1], "the rollback from the deployment");
    assert_eq!(direct(3), [2], "back up after the rollback");
    assert_eq!(
        direct(4),
        Vec::<usize>::new(),
        "the first foothold is a root"
    );
    assert_eq!(direct(5), [4], "the gateway from the foothold");
    assert_eq!(
        direct(6),
        [5, 2],
        "the relay from the gateway, and its rolled-back patch"
    );
    assert_eq!(
        c[6][1].why.as_deref(),
        Some("ied-t1 still vulnerable: its patch vpr500-fw-4.2.5-revA rolled back on day 0")
    );
    assert_eq!(direct(7), [6], "the stop from the compromise");
    assert_eq!(
        direct(8),
        [7],
        "the trip from the stopped relay it depends on"
    );
    assert_eq!(
        direct(9),
        [7],
        "the GOOSE flow fails with its producer down"
    );
    let mut all = cause::ancestors(&c, 8);
    all.sort_unstable();
    assert_eq!(
        all,
        [0, 1, 2, 4, 5, 6, 7],
        "the trip reaches back to the plan and the foothold"
    );
    assert_eq!(cause::chain(&c, 8), [8, 7, 6, 5, 4]);
}

#[test]
fn an_asset_back_up_no_longer_explains_a_later_trip() {
    let s = substation();
    let mut lines = story();
    // ied-t1 was stopped and came back before the trip: the trip has no cause among them.
    lines.insert(
        8,
        line(57 * DAY + 6, "ied-t1", "up", "ied-t1 is back up after 1ns"),
    );
    let c = cause::infer(&s, &lines);
    assert!(c[9].is_empty(), "{:?}", c[9]);
}

fn outcome(trips: u32, downtime_h: u64, cost: f64, compromised_day: Option<u64>) -> Outcome {
    Outcome {
        flows: Vec::new(),
        flows_after: Vec::new(),
        link_messages: Vec::new(),
        ops: OpsOutcome {
            trips,
            downtime_ns: downtime_h * 3_600_000_000_000,
            downtime_cost: cost,
            ..OpsOutcome::default()
        },
        exposure: ExposureOutcome {
            compromised_at: compromised_day.map(|d| d * DAY),
            ..ExposureOutcome::default()
        },
        saturated: Vec::new(),
        events: 0,
        mean_pending: 0.0,
    }
}

#[test]
fn find_expressions_mean_what_they_say() {
    let s = substation();
    let r = RunFacts::new(0, &outcome(1, 2, 10.0, Some(57)), story());
    let holds = |e: &str| r.eval(&s, &find::parse(e, &s).expect(e)).is_some();
    assert!(holds("trip and rollback"));
    assert!(holds("rollback before compromise"));
    assert!(!holds("compromise before rollback"));
    assert!(
        holds("compromise before window"),
        "no window in this trace: B never came"
    );
    assert!(!holds("fault"));
    assert!(holds("fault or trip"));
    assert!(holds("not fault and trip@transformer-t1"));
    assert!(!holds("trip@line-l1"));
    assert!(
        holds("comm-fail@gse-t1-bb"),
        "a flow's comm-fail is about the flow"
    );
    assert!(holds("(rollback or fault) before foothold"));
    assert!(!holds("not (trip or fault)"));
    // Errors say what and where.
    let e = find::parse("trip and rolback", &s).unwrap_err();
    assert!(
        e.contains("unknown term `rolback`") && e.contains("rollback"),
        "{e}"
    );
    assert!(
        find::parse("trip and (rollback", &s)
            .unwrap_err()
            .contains("not closed")
    );
    assert!(
        find::parse("trip rollback", &s)
            .unwrap_err()
            .contains("unexpected `rollback`")
    );
    assert!(
        find::parse("trip@ied-x9", &s)
            .unwrap_err()
            .contains("not an id")
    );
}

#[test]
fn pick_rules_by_hand() {
    // Losses 5, 30, 10, 30, 20: worst is run 1 (tie with 3, lower index, same downtime);
    // lower median of [5,10,20,30,30] is 20 → run 4; earliest compromise day 9 → run 2.
    let runs = [
        (5.0, None),
        (30.0, Some(40)),
        (10.0, Some(9)),
        (30.0, Some(12)),
        (20.0, None),
    ]
    .iter()
    .enumerate()
    .map(|(i, (loss, day))| RunFacts::new(i as u64, &outcome(0, 1, *loss, *day), Vec::new()))
    .collect::<Vec<_>>();
    assert_eq!(find::pick(&runs, Pick::Worst).map(|r| r.run), Some(1));
    assert_eq!(find::pick(&runs, Pick::Typical).map(|r| r.run), Some(4));
    assert_eq!(
        find::pick(&runs, Pick::FirstCompromise).map(|r| r.run),
        Some(2)
    );
    assert_eq!(find::pick(&runs[..1], Pick::FirstCompromise), None);
    assert!(Pick::parse("median").is_err());
}

fn write_lesson(name: &str, text: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("teach-lessons");
    std::fs::create_dir_all(&dir).expect("dir");
    let scen = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/substation.yaml")
        .canonicalize()
        .expect("scenario");
    let path = dir.join(name);
    std::fs::write(&path, text.replace("SCENARIO", &scen.display().to_string())).expect("lesson");
    path
}

#[test]
fn bad_lessons_are_reported_with_their_place() {
    let path = write_lesson(
        "bad.yaml",
        "title: Bad\nscenario: SCENARIO\nbrief: b\nplans: [defer, patch-ieds-now]\nquestions:\n  - ask: q\n    answer: {metric: tripz, best: lowest}\n  - ask: q2\n    answer: {metric: trips, plan: defr, bins: [3, 1]}\nshow:\n  - plan: patch-ieds-nwo\n    pick: worst\n  - plan: defer\n    run: 1\n    pick: worst\ndebrief: d\ncolour: red\n",
    );
    let d = Lesson::load(&path).expect_err("a bad lesson");
    let text = d.render();
    let at = |line: u32, what: &str| {
        assert!(
            d.items
                .iter()
                .any(|i| i.loc.map(|l| l.line) == Some(line) && i.message.contains(what)),
            "no `{what}` at line {line}:\n{text}"
        );
    };
    at(7, "`metric` must be one of");
    at(9, "unknown plan `defr`");
    at(11, "unknown plan `patch-ieds-nwo`");
    at(13, "exactly one of `run`, `pick` or `find`");
    at(17, "unknown field `colour`");
    assert!(text.contains("did you mean `trips`?"), "{text}");
    assert!(text.contains("did you mean `patch-ieds-now`?"), "{text}");
}

#[test]
fn the_shipped_lessons_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("lessons/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            Lesson::load(&p).unwrap_or_else(|d| panic!("{}: {}", p.display(), d.render()));
            n += 1;
        }
    }
    assert!(n >= 4, "at least four lessons ship, found {n}");
}

#[test]
fn text_trace_columns_align_and_times_are_milliseconds() {
    let s = substation();
    let names = patchtwin_teach::names::Names::new(&s, None);
    let out = patchtwin_teach::text::render(&s, &names, &story(), &|_| true, Default::default());
    let main: Vec<&String> = out
        .iter()
        .filter(|l| !l.trim_start().starts_with('↳'))
        .collect();
    assert_eq!(main.len(), story().len());
    // The text column starts at the same character for every line.
    let col = |l: &str, text: &str| l.chars().count() - text.chars().count();
    let starts: Vec<usize> = main
        .iter()
        .zip(story())
        .map(|(l, t)| col(l, &t.text))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{out:#?}");
    assert!(main[4].starts_with("d55 00:00:00.000 "), "{}", main[4]);
    assert!(
        out.iter()
            .any(|l| l.contains("↳ why: ied-t1 still vulnerable")),
        "{out:#?}"
    );
}

/// An attacker outside the plant (an entry point `from: internet`, water-treatment's
/// `iiot-internet`) holds no asset when it arrives: the arrival is its root, classed with
/// footholds, and the gateway it then compromises is explained by it.
#[test]
fn an_arrival_from_outside_the_plant_explains_the_first_compromise() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/water-treatment.yaml");
    let s = patchtwin_scenario::load_file(&file)
        .unwrap_or_else(|d| panic!("{}", d.render()))
        .scenario;
    let lines = vec![
        line(
            3 * DAY,
            "iiot-internet",
            "attack",
            "attacker arrives through iiot-internet from outside the plant, in zone internet; it holds no asset yet",
        ),
        line(
            3 * DAY + 5,
            "iiot-gw",
            "attack",
            "attacker compromises iiot-gw exploiting CVE-2023-20198 across conduit c-iiot-internet from outside the plant",
        ),
    ];
    let classes: Vec<Class> = lines.iter().map(cause::classify).collect();
    assert_eq!(classes, [Class::Foothold, Class::Compromise]);
    let c = cause::infer(&s, &lines);
    assert!(c[0].is_empty(), "the arrival is a root");
    assert_eq!(c[1].iter().map(|x| x.line).collect::<Vec<_>>(), [0]);
}
