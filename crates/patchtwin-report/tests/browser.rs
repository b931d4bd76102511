//! The report as a reader sees it: `report.html` of two shipped plants rendered in headless
//! Chromium at 1400 px and 800 px, laid out as printed (the print rules at the A4 page
//! width), and printed to PDF.
//!
//! Checks, with the page's own DOM (a checking script is appended to a copy of the report and
//! its findings are read back with `--dump-dom`): no table is wider than its container,
//! every column header lies inside the viewport with a non-zero size, and no id in a table
//! (a plan, asset, flow or vulnerability id, a code span) is wrapped inside a word — its text
//! occupies one line box (`getClientRects().length == 1`); a second test shows that check
//! failing on a copy whose ids may break. With the PDF
//! (`pdftotext`): every word of every column header is in the printed text, so no column was
//! cut off the page. Screenshots and PDFs are kept under `target/browser/` for a person to look
//! at.
//!
//! Not a test of the numbers (outputs.rs does that). Without Chromium it prints why and passes,
//! unless `PATCHTWIN_REQUIRE_BROWSER=1` (set by `.ci/browser`), when a missing browser fails.

use patchtwin_fixtures::browser::{chromium, out_dir, required, run_chromium};
use patchtwin_mc::McSettings;
use patchtwin_report::{EngineInfo, SettingsInfo, summary, write_all};
use patchtwin_sim::Compiled;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const PLANTS: [&str; 2] = ["water-treatment", "ews-actively-exploited"];
const WIDTHS: [u32; 2] = [1400, 800];
const RUNS: u64 = 12;
/// The printed page's content width in CSS pixels: A4 (210 mm) less the report's `@page`
/// margins (12 mm each side), 186 mm at 96 px per inch, the narrower of A4 and US Letter.
const PRINT_W: u32 = 703;

/// A copy of `html` laid out on screen as it is printed: its `@media print` rules made
/// unconditional (they come last, so they win as they do in print), for a window
/// [`PRINT_W`] wide. Headless Chromium has no switch to emulate print media with `--dump-dom`.
fn as_printed(html: &str) -> String {
    assert!(
        html.contains("@media print{"),
        "the report has no print rules to emulate"
    );
    html.replacen("@media print{", "@media all{", 1)
}

/// Writes the outputs of `plant` under `dir` from a small real run; returns report.html.
fn report(plant: &str, dir: &Path) -> PathBuf {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../scenarios/{plant}.yaml"));
    let loaded = patchtwin_scenario::load_file(&file).unwrap_or_else(|d| panic!("{}", d.render()));
    let s = Arc::new(loaded.scenario);
    let model = Compiled::new(s.clone());
    let plans: Vec<usize> = (0..s.plans.len()).collect();
    let settings = McSettings {
        runs: RUNS,
        seed: 11,
        threads: 2,
        observe_ns: 5_000_000_000,
    };
    let run = patchtwin_mc::run(&model, &plans, settings, &|_| {}).expect("run");
    let sum = summary(
        &s,
        &loaded.sha256,
        SettingsInfo {
            runs: RUNS,
            seed: 11,
            horizon_s: s.horizon.as_secs_f64(),
            observe_s: 5.0,
            stop: format!("fixed: {RUNS} replications per plan"),
        },
        EngineInfo {
            events: 0,
            wall_s: 0.0,
            threads: 2,
        },
        &run,
    );
    write_all(dir, &sum, &run, &s, false).expect("outputs written");
    dir.join("report.html")
}

/// Appended to a copy of the report: records, into a `<pre>` the dump shows, every table that
/// is wider than its container and every column header outside the viewport or of no size.
const CHECK_SCRIPT: &str = r#"<script>
(function () {
  var lines = [];
  var vw = document.documentElement.clientWidth;
  var tables = document.querySelectorAll('table');
  tables.forEach(function (t, i) {
    var box = t.parentElement;
    if (t.scrollWidth > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1) {
      lines.push('OVERFLOW table ' + i + ': ' + t.scrollWidth + ' in ' + box.clientWidth);
    }
    var r = t.getBoundingClientRect();
    if (r.right > vw + 1) lines.push('OVERFLOW table ' + i + ' ends at ' + r.right + ' of ' + vw);
  });
  var heads = document.querySelectorAll('th');
  heads.forEach(function (h) {
    var r = h.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.left < -1 || r.right > vw + 1) {
      lines.push('HIDDEN header "' + h.textContent + '" at ' + r.left + '..' + r.right + ' of ' + vw);
    }
  });
  // An id (plan, asset, flow, vulnerability: a code span in a cell) on more than one line
  // was wrapped inside a word.
  var ids = document.querySelectorAll('td code, th code');
  ids.forEach(function (c) {
    var n = c.getClientRects().length;
    if (n > 1) lines.push('WRAPPED id "' + c.textContent + '" on ' + n + ' lines');
  });
  lines.push('IDS ' + ids.length);
  if (document.documentElement.scrollWidth > vw + 1) {
    lines.push('OVERFLOW page ' + document.documentElement.scrollWidth + ' of ' + vw);
  }
  lines.push('CHECKED ' + tables.length + ' tables, ' + heads.length + ' headers at ' + vw + ' px');
  var pre = document.createElement('pre');
  pre.id = 'layout-check';
  // Markers built from parts, so that the script's own text in the dump does not match.
  pre.textContent = 'LAYOUT' + '-BEGIN\n' + lines.join('\n') + '\nLAYOUT' + '-END';
  document.body.appendChild(pre);
})();
</script>"#;

/// The page at `checked` (a copy with [`CHECK_SCRIPT`]) rendered `w` pixels wide: its DOM.
fn layout_check(bin: &Path, out: &Path, checked: &Path, w: u32) -> String {
    run_chromium(
        bin,
        out,
        "profile",
        &[format!("--window-size={w},1000"), "--dump-dom".into()],
        &format!("file://{}", checked.display()),
    )
}

/// What the checking script found, between its markers.
fn findings<'a>(dom: &'a str, plant: &str, w: u32) -> &'a str {
    let begin = dom
        .find("LAYOUT-BEGIN")
        .unwrap_or_else(|| panic!("{plant} at {w}px: the checking script left no result"));
    let end = dom.find("LAYOUT-END").expect("end marker");
    &dom[begin + "LAYOUT-BEGIN".len()..end]
}

/// How many id cells the script checked (its `IDS n` line).
fn ids_checked(found: &str) -> usize {
    found
        .lines()
        .find_map(|l| l.strip_prefix("IDS "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// The text of every `<th>` of the page, unescaped enough for comparison.
fn headers(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(k) = rest.find("<th>") {
        let after = &rest[k + 4..];
        let end = after.find("</th>").expect("closed th");
        out.push(
            after[..end]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#39;", "'")
                .replace("&quot;", "\""),
        );
        rest = &after[end..];
    }
    out
}

#[test]
fn report_fits_the_screen_and_the_page() {
    let Some(bin) = chromium() else {
        assert!(
            !required(),
            "PATCHTWIN_REQUIRE_BROWSER=1 but no Chromium found (set PATCHTWIN_CHROMIUM or install chromium)"
        );
        eprintln!(
            "skipped: no Chromium on this machine (install the `chromium` package, or run .ci/browser)"
        );
        return;
    };
    let pdftotext_ok = Command::new("pdftotext").arg("-v").output().is_ok();
    assert!(
        pdftotext_ok || !required(),
        "PATCHTWIN_REQUIRE_BROWSER=1 but pdftotext (poppler-utils) is missing"
    );
    let out = out_dir(env!("CARGO_TARGET_TMPDIR"));
    let mut problems = Vec::new();
    for plant in PLANTS {
        let dir = out.join(plant);
        let _ = std::fs::remove_dir_all(&dir);
        let html_path = report(plant, &dir);
        let html = std::fs::read_to_string(&html_path).expect("report.html");
        let heads = headers(&html);
        assert!(
            !heads.is_empty(),
            "{plant}: the report has no table headers"
        );
        let checked = dir.join("report-checked.html");
        std::fs::write(
            &checked,
            html.replacen("</body>", &format!("{CHECK_SCRIPT}\n</body>"), 1),
        )
        .expect("checked copy");
        let url = |p: &Path| format!("file://{}", p.display());
        for w in WIDTHS {
            let dom = layout_check(&bin, &out, &checked, w);
            let found = findings(&dom, plant, w);
            eprintln!("{plant} at {w} px:{found}");
            assert!(
                found.contains(&format!("{} headers", heads.len())),
                "{plant} at {w}px: {found}"
            );
            assert!(
                ids_checked(found) > 0,
                "{plant} at {w}px: no id cell checked: {found}"
            );
            problems.extend(
                found
                    .lines()
                    .filter(|l| {
                        l.starts_with("OVERFLOW")
                            || l.starts_with("HIDDEN")
                            || l.starts_with("WRAPPED")
                    })
                    .map(|l| format!("{plant} at {w}px: {l}")),
            );
            let shot = out.join(format!("{plant}-{w}.png"));
            run_chromium(
                &bin,
                &out,
                "profile",
                &[
                    format!("--window-size={w},2400"),
                    format!("--screenshot={}", shot.display()),
                ],
                &url(&html_path),
            );
            assert!(shot.is_file(), "{plant}: no screenshot at {w}px");
        }
        // The print layout (review): the same checks, ids not wrapped inside a word included,
        // with the print rules in force at the printed page's width.
        let printed = dir.join("report-print-checked.html");
        std::fs::write(
            &printed,
            as_printed(&html).replacen("</body>", &format!("{CHECK_SCRIPT}\n</body>"), 1),
        )
        .expect("print copy");
        let dom = layout_check(&bin, &out, &printed, PRINT_W);
        let found = findings(&dom, plant, PRINT_W);
        eprintln!("{plant} as printed ({PRINT_W} px):{found}");
        assert!(
            ids_checked(found) > 0,
            "{plant} as printed: no id cell checked: {found}"
        );
        problems.extend(
            found
                .lines()
                .filter(|l| {
                    l.starts_with("OVERFLOW") || l.starts_with("HIDDEN") || l.starts_with("WRAPPED")
                })
                .map(|l| format!("{plant} as printed ({PRINT_W}px): {l}")),
        );
        let pdf = out.join(format!("{plant}.pdf"));
        let _ = std::fs::remove_file(&pdf);
        run_chromium(
            &bin,
            &out,
            "profile",
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".into(),
            ],
            &url(&html_path),
        );
        assert!(pdf.is_file(), "{plant}: no PDF printed");
        if !pdftotext_ok {
            eprintln!("{plant}: PDF text not checked (no pdftotext)");
            continue;
        }
        let text_path = out.join(format!("{plant}.txt"));
        let status = Command::new("pdftotext")
            .arg(&pdf)
            .arg(&text_path)
            .status()
            .expect("pdftotext");
        assert!(status.success(), "pdftotext failed on {}", pdf.display());
        let text = std::fs::read_to_string(&text_path).expect("pdf text");
        let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
        for h in &heads {
            for word in h.split_whitespace() {
                if !words.contains(word) && !text.contains(word) {
                    problems.push(format!(
                        "{plant} PDF: header \"{h}\" — \"{word}\" is not on any page"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layout problems (screenshots and PDFs in {}):\n{}",
        out.display(),
        problems.join("\n")
    );
}

/// The id check can fail: the same report with the ids' no-wrap rule overridden to break
/// anywhere, at 420 px, is reported as wrapping ids (so a pass above means something).
#[test]
fn the_id_check_catches_an_id_wrapped_mid_word() {
    let Some(bin) = chromium() else {
        assert!(
            !required(),
            "PATCHTWIN_REQUIRE_BROWSER=1 but no Chromium found"
        );
        eprintln!("skipped: no Chromium on this machine");
        return;
    };
    let out = out_dir(env!("CARGO_TARGET_TMPDIR"));
    let dir = out.join("wrapped-ids");
    let _ = std::fs::remove_dir_all(&dir);
    let html = std::fs::read_to_string(report("substation", &dir)).expect("report.html");
    let broken = html
        .replacen(
            "</style>",
            "td code,th code{white-space:normal!important;word-break:break-all!important}</style>",
            1,
        )
        .replacen("</body>", &format!("{CHECK_SCRIPT}\n</body>"), 1);
    let checked = dir.join("report-broken.html");
    std::fs::write(&checked, broken).expect("broken copy");
    let dom = layout_check(&bin, &out, &checked, 420);
    let found = findings(&dom, "substation (ids allowed to break)", 420);
    assert!(ids_checked(found) > 0, "{found}");
    assert!(
        found.lines().any(|l| l.starts_with("WRAPPED id")),
        "an id broken inside a word went unnoticed: {found}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
