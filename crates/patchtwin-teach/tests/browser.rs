//! The timeline and a lesson as a trainee sees them, in headless Chromium.
//!
//! A checking script is appended to a copy of each page; its findings are read back with
//! `--dump-dom`. Timeline: every lane and every event is drawn (the counts equal the data's),
//! a scripted click on a trip highlights exactly its ancestors as inferred in Rust (in the
//! chart and in the event list), the keyboard zooms, and no script error or `console.error`
//! happened. Lesson: choosing and revealing judges the choice, and revealing the runs draws
//! their timelines. Screenshots (after the click) stay under `target/browser/`.
//!
//! Without Chromium it prints why and passes, unless `PATCHTWIN_REQUIRE_BROWSER=1` (set by
//! `.ci/teach-browser`), when a missing browser fails.

use patchtwin_fixtures::browser::{chromium, out_dir, required, run_chromium};
use patchtwin_teach::{cause, find, html, lesson, names::Names, timeline};
use std::path::Path;
use std::sync::Arc;

/// First in `<head>`: records script errors and `console.error` calls.
const ERROR_TRAP: &str = r#"<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push("error: " + e.message); });
(function () { var ce = console.error; console.error = function () { window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " ")); ce.apply(console, arguments); }; })();
</script>"#;

/// Appended to the body of a timeline page: clicks event `__CLICK__`, then reports counts.
const TIMELINE_CHECK: &str = r#"<script>
(function () {
  var lines = [];
  var root = document.querySelector(".ptl");
  lines.push("LANES " + root.querySelectorAll(".lane-bg").length);
  lines.push("EVENTS " + root.querySelectorAll(".ev").length);
  lines.push("LIST " + root.querySelectorAll(".ptl-list li").length);
  lines.push("SPARKS " + root.querySelectorAll(".spark").length);
  var target = root.querySelector('.ev[data-i="__CLICK__"]');
  target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  lines.push("SELECTED " + root.querySelectorAll(".ev.sel").length);
  var causes = Array.prototype.map.call(root.querySelectorAll(".ev.cause"), function (e) { return e.getAttribute("data-i"); });
  causes.sort(function (a, b) { return a - b; });
  lines.push("CAUSES " + causes.join(","));
  var listed = Array.prototype.map.call(root.querySelectorAll(".ptl-list li.cause"), function (e) { return e.getAttribute("data-i"); });
  lines.push("LISTED " + listed.join(","));
  lines.push("DETAIL " + root.querySelector(".ptl-detail").textContent.length);
  var before = root.querySelector(".ptl-span").textContent;
  root.dispatchEvent(new KeyboardEvent("keydown", { key: "+", bubbles: true }));
  lines.push("ZOOMED " + (root.querySelector(".ptl-span").textContent !== before));
  root.dispatchEvent(new KeyboardEvent("keydown", { key: "0", bubbles: true }));
  lines.push("ERRORS " + window.__errors.length + " " + window.__errors.join(" | "));
  var pre = document.createElement("pre");
  pre.textContent = "CHECK" + "-BEGIN\n" + lines.join("\n") + "\nCHECK" + "-END";
  document.body.appendChild(pre);
  target = root.querySelector('.ev[data-i="__CLICK__"]');
  target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
})();
</script>"#;

/// Appended to a lesson page: answers question 1 with choice 0, reveals, reveals the runs.
const LESSON_CHECK: &str = r#"<script>
(function () {
  var lines = [];
  var q = document.querySelector(".question");
  lines.push("HIDDEN-BEFORE " + q.querySelector(".answer").hidden);
  q.querySelector('input[value="0"]').checked = true;
  q.querySelector(".reveal-btn").click();
  lines.push("HIDDEN-AFTER " + q.querySelector(".answer").hidden);
  lines.push("VERDICT " + q.querySelector(".verdict").className + " " + q.querySelector(".verdict").textContent);
  lines.push("RIGHT " + q.getAttribute("data-right"));
  document.getElementById("reveal-all").click();
  var shown = Array.prototype.filter.call(document.querySelectorAll(".reveal-all"), function (s) { return !s.hidden; }).length;
  lines.push("REVEALED " + shown + " of " + document.querySelectorAll(".reveal-all").length);
  lines.push("EVENTS " + document.querySelectorAll(".ptl .ev").length);
  lines.push("ERRORS " + window.__errors.length + " " + window.__errors.join(" | "));
  var pre = document.createElement("pre");
  pre.textContent = "CHECK" + "-BEGIN\n" + lines.join("\n") + "\nCHECK" + "-END";
  document.body.appendChild(pre);
})();
</script>"#;

fn checked(page: &str, check: &str) -> String {
    page.replacen("<head>", &format!("<head>{ERROR_TRAP}"), 1)
        .replacen("</body>", &format!("{check}\n</body>"), 1)
}

fn findings(dom: &str) -> Vec<(String, String)> {
    let begin = dom
        .find("CHECK-BEGIN")
        .expect("the checking script left no result")
        + 11;
    let end = dom.find("CHECK-END").expect("end marker");
    dom[begin..end]
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn get<'a>(f: &'a [(String, String)], key: &str) -> &'a str {
    &f.iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no {key} in {f:?}"))
        .1
}

#[test]
fn timeline_and_lesson_in_a_browser() {
    let Some(bin) = chromium() else {
        assert!(
            !required(),
            "PATCHTWIN_REQUIRE_BROWSER=1 but no Chromium found"
        );
        eprintln!("skipped: no Chromium (set PATCHTWIN_CHROMIUM or install chromium)");
        return;
    };
    let out = out_dir(env!("CARGO_TARGET_TMPDIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // The timeline of a run with a rollback and a compromise (substation, patch-ieds-in-window, run 0).
    let file = root.join("scenarios/substation.yaml");
    let loaded = patchtwin_scenario::load_file(&file).unwrap_or_else(|d| panic!("{}", d.render()));
    let text = std::fs::read_to_string(&file).expect("scenario text");
    let s = Arc::new(loaded.scenario);
    let model = patchtwin_sim::Compiled::new(s.clone());
    let plan = s.plan_by_id("patch-ieds-in-window").expect("plan");
    let observe = 5_000_000_000;
    let mut lat = vec![false; s.flows.len()];
    lat[s
        .flows
        .iter()
        .position(|f| f.id == "gw-mms-l1")
        .expect("flow")] = true;
    let (o, lines) = find::replay(&model, plan, 1, 0, observe, lat);
    let meta = timeline::Meta {
        plan: "patch-ieds-in-window",
        run: 0,
        seed: 1,
        observe_ns: observe,
        after_start_ns: o.ops.changes_done_at.map(|t| t.max(observe)),
    };
    let t = timeline::Timeline::build(&s, &Names::new(&s, Some(&text)), &meta, &lines);
    // The last trip, whose causes reach back across days.
    let trip = t
        .events
        .iter()
        .rposition(|e| e.class == cause::Class::Trip)
        .expect("a trip in this run");
    let causes: Vec<Vec<cause::Cause>> = t.events.iter().map(|e| e.causes.clone()).collect();
    let mut expected = cause::ancestors(&causes, trip);
    assert!(
        expected.len() >= 3,
        "the trip's chain is short: {expected:?}"
    );
    expected.sort_unstable();
    let expected = expected
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let page = checked(
        &html::page(&t),
        &TIMELINE_CHECK.replace("__CLICK__", &trip.to_string()),
    );
    let path = out.join("timeline-checked.html");
    std::fs::write(&path, &page).expect("page");
    let url = format!("file://{}", path.display());
    let dom = run_chromium(
        &bin,
        &out,
        "profile-teach",
        &["--window-size=1400,1000".into(), "--dump-dom".into()],
        &url,
    );
    let f = findings(&dom);
    eprintln!("timeline: {f:?}");
    assert_eq!(get(&f, "LANES"), t.lanes.len().to_string());
    assert_eq!(get(&f, "EVENTS"), t.events.len().to_string());
    assert_eq!(get(&f, "LIST"), t.events.len().to_string());
    assert!(get(&f, "SPARKS").parse::<usize>().expect("count") >= 1);
    assert_eq!(get(&f, "SELECTED"), "1");
    assert_eq!(
        get(&f, "CAUSES"),
        expected,
        "the chart highlights the trip's ancestors"
    );
    assert_eq!(
        get(&f, "LISTED"),
        expected,
        "the list highlights the trip's ancestors"
    );
    assert_ne!(get(&f, "DETAIL"), "0");
    assert_eq!(get(&f, "ZOOMED"), "true");
    assert!(
        get(&f, "ERRORS").starts_with('0'),
        "script errors: {}",
        get(&f, "ERRORS")
    );
    run_chromium(
        &bin,
        &out,
        "profile-teach",
        &[
            "--window-size=1400,1100".into(),
            format!(
                "--screenshot={}",
                out.join("timeline-selected.png").display()
            ),
        ],
        &url,
    );
    // A lesson.
    let l = lesson::Lesson::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small-lesson.yaml"),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let page = checked(&lesson::render(&l), LESSON_CHECK);
    let path = out.join("lesson-checked.html");
    std::fs::write(&path, &page).expect("page");
    let url = format!("file://{}", path.display());
    let dom = run_chromium(
        &bin,
        &out,
        "profile-teach",
        &["--window-size=1200,1000".into(), "--dump-dom".into()],
        &url,
    );
    let f = findings(&dom);
    eprintln!("lesson: {f:?}");
    assert_eq!(get(&f, "HIDDEN-BEFORE"), "true");
    assert_eq!(get(&f, "HIDDEN-AFTER"), "false");
    let right = get(&f, "RIGHT");
    let verdict = get(&f, "VERDICT");
    match right {
        "0" => assert!(verdict.starts_with("verdict right"), "{verdict}"),
        "-1" => assert!(verdict.starts_with("verdict "), "{verdict}"),
        _ => assert!(verdict.starts_with("verdict wrong"), "{verdict}"),
    }
    let revealed = get(&f, "REVEALED");
    let (a, b) = revealed.split_once(" of ").expect("n of m");
    assert_eq!(a, b, "every revealed section is shown");
    assert!(get(&f, "EVENTS").parse::<usize>().expect("count") > 0);
    assert!(
        get(&f, "ERRORS").starts_with('0'),
        "script errors: {}",
        get(&f, "ERRORS")
    );
    run_chromium(
        &bin,
        &out,
        "profile-teach",
        &[
            "--window-size=1200,1400".into(),
            format!("--screenshot={}", out.join("lesson.png").display()),
        ],
        &format!("file://{}", out.join("lesson-plain.html").display()).replace(
            "lesson-plain.html",
            {
                std::fs::write(out.join("lesson-plain.html"), lesson::render(&l)).expect("page");
                "lesson-plain.html"
            },
        ),
    );
}
