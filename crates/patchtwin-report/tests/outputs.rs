//! The human outputs under `--out`, from a small real simulation of a shipped scenario: the HTML
//! report is self-contained, every chart is a well-formed SVG document, the CSV tables have one
//! row per plan / comparison / (plan, phase, flow) / SSVC decision, the Markdown names every plan
//! and recommends the plan with the highest P(dual success) (the same as `summary.json`), and
//! lists the SSVC decisions.

use patchtwin_mc::{McSettings, RunResult};
use patchtwin_report::{EngineInfo, SettingsInfo, Summary, summary, write_all};
use patchtwin_sim::Compiled;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

struct Fixture {
    dir: PathBuf,
    summary: Summary,
    run: RunResult,
    written: Vec<PathBuf>,
}

const RUNS: u64 = 40;

/// One simulation and one set of outputs, shared by every test of this file.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/ews-actively-exploited.yaml");
        let loaded =
            patchtwin_scenario::load_file(&file).unwrap_or_else(|d| panic!("{}", d.render()));
        let s = Arc::new(loaded.scenario);
        let model = Compiled::new(s.clone());
        let plans: Vec<usize> = (0..s.plans.len()).collect();
        let settings = McSettings {
            runs: RUNS,
            seed: 7,
            threads: 2,
            observe_ns: 5_000_000_000,
        };
        let run = patchtwin_mc::run(&model, &plans, settings, &|_| {}).expect("run");
        let summary = summary(
            &s,
            &loaded.sha256,
            SettingsInfo {
                runs: RUNS,
                seed: 7,
                horizon_s: s.horizon.as_secs_f64(),
                observe_s: 5.0,
                stop: format!("fixed: {RUNS} replications per plan"),
            },
            EngineInfo {
                events: run.plans.iter().map(|p| p.events).sum(),
                wall_s: 0.0,
                threads: 2,
            },
            &run,
        );
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-outputs");
        let _ = std::fs::remove_dir_all(&dir);
        let written = write_all(&dir, &summary, &run, &s, false)
            .expect("outputs written")
            .files;
        Fixture {
            dir,
            summary,
            run,
            written,
        }
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of every `name="…"` or `name='…'` attribute in `text`.
fn attribute_values<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let mut values = Vec::new();
    let lower = text.to_ascii_lowercase();
    let pat = format!("{name}=");
    let mut from = 0;
    while let Some(k) = lower[from..].find(&pat) {
        let at = from + k + pat.len();
        from = at;
        let Some(q) = text[at..].chars().next() else {
            break;
        };
        if q == '"' || q == '\'' {
            if let Some(end) = text[at + 1..].find(q) {
                values.push(&text[at + 1..at + 1 + end]);
            }
        } else {
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(text.len() - at);
            values.push(&text[at..at + end]);
        }
    }
    values
}

/// Checks that the tags of an XML-ish document nest: every opening tag is closed in order,
/// `<…/>` closes itself, declarations and comments are skipped. Returns the root element.
fn check_balanced(doc: &str, what: &str) -> String {
    let mut stack: Vec<String> = Vec::new();
    let mut root = None;
    let mut rest = doc;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if rest.starts_with("<!--") {
            let end = rest
                .find("-->")
                .unwrap_or_else(|| panic!("{what}: open comment"));
            rest = &rest[end + 3..];
            continue;
        }
        let end = rest
            .find('>')
            .unwrap_or_else(|| panic!("{what}: unterminated tag"));
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("{what}: </{name}> closes nothing"));
            assert_eq!(open, name.trim(), "{what}: <{open}> closed by </{name}>");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        assert!(!name.is_empty(), "{what}: empty tag");
        if root.is_none() {
            root = Some(name.clone());
        } else {
            assert!(!stack.is_empty(), "{what}: a second root element <{name}>");
        }
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "{what}: unclosed {stack:?}");
    root.unwrap_or_else(|| panic!("{what}: no element"))
}

/// Splits one CSV record (RFC 4180 quoting, no embedded line breaks in these tables).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("field").push(c),
        }
    }
    fields
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = read(path);
    let rows: Vec<Vec<String>> = text.lines().map(csv_fields).collect();
    let width = rows[0].len();
    for (k, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), width, "{} line {}: {r:?}", path.display(), k + 1);
    }
    rows
}

#[test]
fn html_is_self_contained() {
    let f = fixture();
    let html = read(&f.dir.join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"), "no inline chart");
    for attr in ["src", "href", "xlink:href", "action", "srcset", "data"] {
        for v in attribute_values(&html, attr) {
            let v = v.trim().to_ascii_lowercase();
            assert!(
                !(v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")),
                "report.html fetches {attr}={v}"
            );
        }
    }
    let lower = html.to_ascii_lowercase();
    for banned in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!lower.contains(banned), "report.html contains {banned}");
    }
    assert_eq!(check_balanced(&html, "report.html"), "html");
}

#[test]
fn every_chart_is_a_well_formed_svg_and_the_reports_use_them() {
    let f = fixture();
    let charts: Vec<&PathBuf> = f
        .written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    // Exposure over time, exposure vs operations, downtime, and at least one latency CDF.
    assert!(charts.len() >= 4, "{charts:?}");
    let md = read(&f.dir.join("report.md"));
    for path in charts {
        let svg = read(path);
        let what = path.display().to_string();
        assert!(
            svg.starts_with("<svg") || svg.starts_with("<?xml"),
            "{what} does not start as SVG"
        );
        assert_eq!(check_balanced(&svg, &what), "svg");
        assert!(svg.contains("<text"), "{what} has no text");
        assert!(!svg.contains("could not be drawn"), "{what}: {svg}");
        let name = path.file_name().expect("name").to_string_lossy();
        assert!(
            md.contains(&format!("(charts/{name})")),
            "report.md lacks {name}"
        );
    }
}

/// Issue 16: chart text was 9.7–11.3 px. Every `font-size` any chart writes (axis ticks and
/// titles, legends, captions, class names, scatter labels) is at least 12 px, and every text
/// element has one.
#[test]
fn chart_text_is_at_least_12_px() {
    let f = fixture();
    let mut seen = 0;
    for path in f
        .written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
    {
        let svg = read(path);
        let texts = svg.matches("<text").count();
        let sizes = attribute_values(&svg, "font-size");
        assert_eq!(
            sizes.len(),
            texts,
            "{}: a text without a size",
            path.display()
        );
        for s in sizes {
            let px: f64 = s.trim_end_matches("px").parse().expect("numeric font-size");
            assert!(
                px >= patchtwin_report::charts::MIN_TEXT_PX,
                "{}: text at {px} px",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen > 50, "only {seen} chart texts checked");
}

/// Issue 16: maintenance windows were 1-px light-grey bands on gridlines. Every window start
/// of the plant within the horizon is a band at least 3 px wide, in a fill no plan line and no
/// gridline uses, and the legend names it.
#[test]
fn maintenance_windows_are_visible_bands() {
    use patchtwin_report::charts::{WINDOW_FILL, WINDOW_MIN_PX, plan_color};
    let f = fixture();
    let svg = read(&f.dir.join("charts/exposure-over-time.svg"));
    let hex = |c: plotters::style::RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    let fill = hex(WINDOW_FILL);
    for j in 0..8 {
        assert_ne!(hex(plan_color(j)), fill, "plan {j} has the window colour");
    }
    let bands: Vec<&str> = svg
        .split('<')
        .filter(|e| e.starts_with("rect") && e.to_ascii_uppercase().contains(&fill))
        .collect();
    let s = patchtwin_scenario::load_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/ews-actively-exploited.yaml"
    )))
    .unwrap_or_else(|d| panic!("{}", d.render()))
    .scenario;
    let starts = s
        .windows
        .iter()
        .flat_map(|w| w.starts.iter())
        .filter(|t| (t.0 as f64) < f.summary.settings.horizon_s * 1e9)
        .count();
    assert!(starts > 0, "the fixture plant has no window to show");
    // One band per start, plus the legend's swatch.
    assert_eq!(bands.len(), starts + 1, "{bands:?}");
    for b in &bands {
        let w: f64 = attribute_values(b, "width")[0].parse().expect("width");
        assert!(w > 3.0, "band {w} px wide: {b}");
    }
    const { assert!(WINDOW_MIN_PX > 3.0) };
    assert!(
        svg.contains("maintenance window"),
        "legend names the windows"
    );
    // The first band's label (bottom-aligned, 12.5 px) clears the title (15 px from y = 5).
    let texts = svg_texts(&svg);
    let y_of = |p: &dyn Fn(&str) -> bool| texts.iter().find(|t| p(&t.2)).expect("text").1;
    let (title, label) = (
        y_of(&|t| t.starts_with("Exposure over")),
        y_of(&|t| t == "window"),
    );
    assert!(label - 12.5 > title + 15.0, "label {label}, title {title}");
    // Gridlines and axes are grey or black, never the window's fill.
    for stroke in attribute_values(&svg, "stroke") {
        assert_ne!(stroke.to_ascii_uppercase(), fill);
    }
}

/// Issue 16: publish flows were drawn consumer → producer. A publication starts at its
/// producer, a poll at the consumer that asks; every flow of the plant, of both kinds.
#[test]
fn flows_are_drawn_in_the_direction_their_messages_start() {
    use patchtwin_model::FlowKind;
    let s = patchtwin_scenario::load_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/ews-actively-exploited.yaml"
    )))
    .unwrap_or_else(|d| panic!("{}", d.render()))
    .scenario;
    let mut kinds = [0, 0];
    for (i, f) in s.flows.iter().enumerate() {
        let producer = &s.assets[f.producer.ix()].id;
        let consumer = &s.assets[f.consumer.ix()].id;
        let (from, to) = patchtwin_report::charts::flow_direction(&s, i);
        match f.kind {
            FlowKind::Publish => {
                kinds[0] += 1;
                assert_eq!(
                    (from, to),
                    (producer.as_str(), consumer.as_str()),
                    "{}",
                    f.id
                );
            }
            FlowKind::Poll => {
                kinds[1] += 1;
                assert_eq!(
                    (from, to),
                    (consumer.as_str(), producer.as_str()),
                    "{}",
                    f.id
                );
            }
        }
    }
    assert!(
        kinds[0] > 0 && kinds[1] > 0,
        "both kinds checked: {kinds:?}"
    );
}

#[test]
fn csv_tables_have_one_row_per_item() {
    let f = fixture();
    let plans = csv_rows(&f.dir.join("plans.csv"));
    assert_eq!(plans.len(), 1 + f.summary.plans.len());
    for (row, p) in plans[1..].iter().zip(&f.summary.plans) {
        assert_eq!(row[0], p.id);
        assert_eq!(
            row[1], p.description,
            "descriptions with commas survive quoting"
        );
    }
    let comparisons = csv_rows(&f.dir.join("comparisons.csv"));
    assert_eq!(comparisons.len(), 1 + f.summary.plans.len() - 1);
    // Every pair of plans once, earlier first, with the summary's numbers.
    let pairwise = csv_rows(&f.dir.join("pairwise.csv"));
    let k = f.summary.plans.len();
    assert_eq!(pairwise.len(), 1 + k * (k - 1) / 2);
    for (row, w) in pairwise[1..].iter().zip(&f.summary.pairwise) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (w.plan_a.as_str(), w.plan_b.as_str())
        );
        let a = f.summary.plans.iter().position(|p| p.id == row[0]).unwrap();
        let b = f.summary.plans.iter().position(|p| p.id == row[1]).unwrap();
        assert!(a < b, "{row:?}");
        assert_eq!(row[2].parse::<f64>().unwrap(), w.delta_dual_success.mean);
    }
    let flows = csv_rows(&f.dir.join("flows.csv"));
    let expected: usize = f
        .summary
        .plans
        .iter()
        .map(|p| p.timing.flows.len() + p.timing.after.as_ref().map_or(0, Vec::len))
        .sum();
    assert_eq!(flows.len(), 1 + expected);
    assert!(flows[1..].iter().any(|r| r[1] == "after"), "no after rows");
}

#[test]
fn markdown_names_every_plan_and_recommends_the_best_dual_success() {
    let f = fixture();
    let md = read(&f.dir.join("report.md"));
    let html = read(&f.dir.join("report.html"));
    for p in &f.summary.plans {
        assert!(
            md.contains(&format!("`{}`", p.id)),
            "report.md lacks {}",
            p.id
        );
        assert!(html.contains(&p.id), "report.html lacks {}", p.id);
    }
    let best = f
        .summary
        .plans
        .iter()
        .map(|p| p.dual_success.mean)
        .fold(f64::NEG_INFINITY, f64::max);
    // "Least bad:" when no plan meets the acceptance thresholds (the report then opens with
    // "No plan is acceptable", review finding 21), "Recommended:" otherwise.
    let rec = f.summary.recommendation.as_ref().expect("a recommendation");
    let label = if rec.acceptance.plans_meeting.is_empty() {
        assert!(md.contains("**No plan is acceptable.**"), "{md}");
        "Least bad:"
    } else {
        "Recommended:"
    };
    let other = ["Recommended:", "Least bad:"].map(|o| format!("**{o}**"));
    assert!(!md.contains(&other[usize::from(label == "Recommended:")]));
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("**{label}**")))
        .expect("a recommendation sentence");
    let named = f
        .summary
        .plans
        .iter()
        .find(|p| line.starts_with(&format!("**{label}** `{}`", p.id)))
        .unwrap_or_else(|| panic!("the recommendation names no plan: {line}"));
    assert_eq!(
        named.dual_success.mean, best,
        "recommends {} but another plan has higher dual success",
        named.id
    );
    // The report and summary.json name the same plan.
    assert_eq!(named.id, rec.plan);
    assert!(html.contains(&format!(
        "<strong>{label}</strong> <code>{}</code>",
        rec.plan
    )));
    // Dual success is defined with every condition that breaks it, on stdout too.
    let conditions = "no target compromised, no unplanned process trip, no window overrun and \
                      no reportable data loss that breaks operations";
    assert!(md.contains(conditions), "{md}");
    assert!(rec.reasons[0].contains(conditions), "{}", rec.reasons[0]);
    assert!(md.contains("## Glossary") && md.contains("**P(dual success)**"));
}

#[test]
fn ssvc_decisions_are_listed_per_vulnerability_and_plan() {
    let f = fixture();
    assert!(
        !f.summary.ssvc.is_empty(),
        "the scenario has a vulnerability"
    );
    let md = read(&f.dir.join("report.md"));
    assert!(md.contains("(SSVC)"), "no SSVC section");
    for r in &f.summary.ssvc {
        let row = format!("| `{}` | `{}` |", r.vulnerability, r.plan);
        assert!(md.contains(&row), "report.md lacks the SSVC row {row}");
    }
    let rows = csv_rows(&f.dir.join("ssvc.csv"));
    assert_eq!(rows.len(), 1 + f.summary.ssvc.len());
}

#[test]
fn downtime_histogram_counts_every_run_exactly() {
    let f = fixture();
    for r in &f.run.plans {
        let h = &r.ops.downtime_minutes;
        assert_eq!(h.len(), RUNS, "{}: one record per replication", r.plan);
        let classes = patchtwin_report::charts::downtime_classes(h);
        assert_eq!(classes.iter().sum::<u64>(), RUNS, "{}", r.plan);
        // Minutes rounded up: the histogram's mean is within a minute (and its 0.1% bucket
        // resolution) of the exact mean in hours.
        let exact_min = 60.0 * r.ops.downtime_h.estimate().mean;
        assert!(
            h.mean() >= exact_min - 1e-6 && h.mean() <= exact_min * 1.001 + 1.0,
            "{}: histogram mean {} min vs exact {exact_min} min",
            r.plan,
            h.mean()
        );
    }
}

#[test]
fn writes_are_atomic_and_leave_no_temporary_files() {
    let f = fixture();
    for dir in [f.dir.clone(), f.dir.join("charts")] {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(!name.ends_with(".tmp"), "left behind: {name}");
        }
    }
    for p in &f.written {
        assert!(p.exists(), "{} was reported but not written", p.display());
    }
}

/// The stdout table shows, for a plan with an "after" window, the flows' timing after the
/// changes with the baseline p99 beside each (both read back against summary.json), worst
/// p99-to-deadline first; a plan without one shows the baseline window and says why.
#[test]
fn stdout_table_shows_timing_after_the_changes_beside_the_baseline() {
    let f = fixture();
    let table = patchtwin_report::table(&f.summary, 1000);
    let fmt = |l: Option<&patchtwin_report::LatencyMs>| {
        l.map_or("—".to_string(), |l| format!("{:.3}", l.p99))
    };
    let mut with_after = 0;
    for p in &f.summary.plans {
        let section = table
            .split("\nplan ")
            .find(|s| s.starts_with(&format!("{} ", p.id)) || s.starts_with(&format!("{}\n", p.id)))
            .unwrap_or_else(|| panic!("a section for {}:\n{table}", p.id));
        let rows: Vec<Vec<&str>> = section
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("flow ("))
            .skip(1)
            .take_while(|l| l.starts_with("  ") && !l.trim_start().starts_with('…'))
            .map(|l| l.split_whitespace().collect())
            .collect();
        let shown = match &p.timing.after {
            Some(after) => {
                with_after += 1;
                assert!(
                    section.contains("timing after the plan's changes"),
                    "{section}"
                );
                after
            }
            None => {
                assert!(section.contains("no after window"), "{section}");
                assert!(!section.contains("p99 before"), "{section}");
                &p.timing.flows
            }
        };
        assert_eq!(rows.len(), shown.len(), "{}: one row per flow", p.id);
        let mut last_ratio = f64::INFINITY;
        for row in &rows {
            let i = shown
                .iter()
                .position(|x| x.id == row[0])
                .unwrap_or_else(|| panic!("{}: unknown flow {}", p.id, row[0]));
            let flow = &shown[i];
            assert_eq!(
                row[3],
                fmt(flow.latency_ms.as_ref()),
                "{}: p99 of {}",
                p.id,
                flow.id
            );
            if p.timing.after.is_some() {
                let before = &p.timing.flows[i];
                assert_eq!(before.id, flow.id);
                assert_eq!(
                    *row.last().unwrap(),
                    fmt(before.latency_ms.as_ref()),
                    "{}: baseline p99 of {}",
                    p.id,
                    flow.id
                );
            }
            let ratio = flow
                .latency_ms
                .as_ref()
                .map_or(f64::INFINITY, |l| l.p99 / flow.deadline_ms);
            assert!(ratio <= last_ratio, "{}: rows worst first", p.id);
            last_ratio = ratio;
        }
    }
    assert!(with_after >= 2, "plans with an after window: {with_after}");
}

/// Regression (issue 14, item 10): `latency_ms.max` and `mean` are the engine's exact
/// nanosecond figures, not histogram bucket tops. By hand: four completed messages of 10, 20,
/// 30 and 80.000001 ms sum to 140.000001 ms, mean 35.00000025 ms, max 80.000001 ms — the old
/// code read the max off the histogram (80.383 ms for a flow with an 80 ms timeout; here, with
/// nothing in the histogram, 0).
#[test]
fn flow_latency_max_and_mean_are_exact() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ews-actively-exploited.yaml");
    let s = patchtwin_scenario::load_file(&file)
        .unwrap_or_else(|d| panic!("{}", d.render()))
        .scenario;
    let mut st = patchtwin_sim::FlowStats::new();
    let latencies_ns = [10_000_000u64, 20_000_000, 30_000_000, 80_000_001];
    st.sent = 4;
    st.completed = 4;
    st.latency_sum_ns = latencies_ns.iter().map(|&x| u128::from(x)).sum();
    st.latency_min_ns = 10_000_000;
    st.latency_max_ns = 80_000_001;
    let f = patchtwin_report::flow_timing(&s, 0, &st);
    let l = f
        .latency_ms
        .expect("completed messages give a latency block");
    assert_eq!(l.max, 80.000_001);
    assert_eq!(l.mean, 35.000_000_25);
    assert_eq!(l.quantile_significant_digits, 2);
}

/// On a real run: every flow's exact max is at least its exact mean, and the p99 (a bucket
/// top, at most 1/128 above the latency at that rank, plus 1 µs of rounding up) is not more
/// than that above the max; the CSV carries the same mean and max as summary.json.
#[test]
fn reported_max_and_mean_agree_with_the_quantiles_and_the_csv() {
    let f = fixture();
    let csv = csv_rows(&f.dir.join("flows.csv"));
    let head = &csv[0];
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let (max_c, mean_c) = (col("max_ms"), col("mean_ms"));
    let mut checked = 0;
    for p in &f.summary.plans {
        for fl in &p.timing.flows {
            let Some(l) = &fl.latency_ms else { continue };
            assert!(l.mean <= l.max, "{}: {l:?}", fl.id);
            assert!(
                l.p99 <= l.max * (1.0 + 1.0 / 128.0) + 0.002,
                "{}: {l:?}",
                fl.id
            );
            let row = csv
                .iter()
                .find(|r| r[0] == p.id && r[1] == "before" && r[2] == fl.id)
                .expect("row");
            assert_eq!(row[max_c].parse::<f64>().unwrap(), l.max);
            assert_eq!(row[mean_c].parse::<f64>().unwrap(), l.mean);
            checked += 1;
        }
    }
    assert!(checked > 0);
}

/// `(x, y, text)` of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<(f64, f64, String)> {
    svg.split("<text")
        .skip(1)
        .map(|e| {
            let head = &e[..e.find('>').expect("tag end")];
            let num = |name: &str| -> f64 {
                attribute_values(head, name)
                    .first()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN)
            };
            let body = &e[e.find('>').unwrap() + 1..e.find("</text>").expect("closed")];
            (num("x"), num("y"), body.trim().replace("&amp;", "&"))
        })
        .collect()
}

/// The y of every point of every `<polyline>` wider than a legend swatch (26 px), and of
/// every `<circle>`: the data marks of a chart.
fn data_mark_ys(svg: &str) -> Vec<f64> {
    let mut ys = Vec::new();
    for e in svg.split("<polyline").skip(1) {
        let head = &e[..e.find('>').expect("tag end")];
        let pts: Vec<(f64, f64)> = attribute_values(head, "points")
            .first()
            .map(|p| {
                p.split_whitespace()
                    .filter_map(|xy| {
                        let (x, y) = xy.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (lo, hi) = pts
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        if hi - lo > 26.0 {
            ys.extend(pts.iter().map(|p| p.1));
        }
    }
    for e in svg.split("<circle").skip(1) {
        let head = &e[..e.find('>').expect("tag end")];
        ys.extend(
            attribute_values(head, "cy")
                .first()
                .and_then(|v| v.parse::<f64>().ok()),
        );
    }
    ys
}

/// Issue 16: legends sat on the data. Every legend entry of the exposure, downtime and
/// latency charts (each names a plan, a phase or the deadline) is drawn in the band below
/// the plot — lower than every data mark (curve, bar outline, point) — and the deadline's own
/// label sits above the plot, higher than every curve point.
#[test]
fn legends_are_outside_the_plot_area() {
    let f = fixture();
    let plans: Vec<&str> = f.summary.plans.iter().map(|p| p.id.as_str()).collect();
    let mut checked = 0;
    for path in f
        .written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
    {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("exposure-vs-operations") || name.starts_with("tornado") {
            continue; // labels at points, no legend
        }
        let svg = read(path);
        let lowest_data = data_mark_ys(&svg).into_iter().fold(f64::MIN, f64::max);
        assert!(lowest_data > 0.0, "{name}: no data marks found");
        let entries: Vec<(f64, f64, String)> = svg_texts(&svg)
            .into_iter()
            .filter(|(_, _, t)| {
                plans
                    .iter()
                    .any(|p| t.strip_prefix(p).is_some_and(|r| r.starts_with([' ', ','])))
                    || t.starts_with("before changes")
                    || t == "maintenance window"
                    || (t.starts_with("deadline ") && name.starts_with("latency"))
            })
            .collect();
        assert!(!entries.is_empty(), "{name}: no legend entries found");
        let deadline_labels = entries
            .iter()
            .filter(|e| e.2.starts_with("deadline "))
            .count();
        for (_, y, t) in &entries {
            if t.starts_with("deadline ") && *y < lowest_data {
                // The label over the deadline line: above every curve point.
                let highest = data_mark_ys(&svg).into_iter().fold(f64::MAX, f64::min);
                assert!(
                    *y <= highest,
                    "{name}: deadline label at y={y} on the data ({highest})"
                );
                continue;
            }
            assert!(
                *y > lowest_data,
                "{name}: legend entry \"{t}\" at y={y} is on the plot (data down to y={lowest_data})"
            );
            checked += 1;
        }
        if name.starts_with("latency") {
            assert_eq!(
                deadline_labels, 2,
                "{name}: the deadline in the legend and at its line"
            );
        }
    }
    assert!(checked > 10, "only {checked} legend entries checked");
}

/// Issue 16: a log latency axis had two tick labels. Every latency chart labels at least three
/// ticks on its x axis, in increasing order.
#[test]
fn log_latency_axes_have_at_least_three_ticks() {
    let f = fixture();
    let mut charts = 0;
    for path in f.written.iter().filter(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("latency-cdf-"))
    }) {
        let svg = read(path);
        let texts = svg_texts(&svg);
        // The x axis's tick labels: numbers on the row just under the plot (the row of the
        // most numeric labels that are not percentages).
        let mut rows: std::collections::BTreeMap<i64, Vec<(f64, f64)>> = Default::default();
        for (x, y, t) in &texts {
            if let Ok(v) = t.parse::<f64>() {
                rows.entry(y.round() as i64).or_default().push((*x, v));
            }
        }
        let mut ticks = rows
            .into_values()
            .max_by_key(|r| r.len())
            .unwrap_or_default();
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(ticks.len() >= 3, "{}: x ticks {ticks:?}", path.display());
        assert!(
            ticks.windows(2).all(|w| w[0].1 < w[1].1),
            "{}: ticks not increasing left to right: {ticks:?}",
            path.display()
        );
        charts += 1;
    }
    assert!(charts > 0, "no latency chart");
}
