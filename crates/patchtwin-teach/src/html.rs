//! The self-contained HTML swimlane timeline of one replication (`trace --html`): one file,
//! no external assets, works offline. Lanes for the plan and windows, the attacker, assets,
//! flow groups, functions and process units; events coloured by family; maintenance and
//! observation windows and outages as bands; latency sparklines in flow lanes; zoom from the
//! whole horizon to the milliseconds of an observation window (buttons, wheel, keyboard);
//! selecting an event highlights its causes back to the root and lists the chain. Every event
//! is also in an ordered list under the chart, which is what a printout and a screen reader
//! get. Page chrome and script are static text in this module; the data is one JSON block.
//!
//! Not the layout of lessons ([`crate::lesson`] embeds [`fragment`]).

use crate::timeline::Timeline;
use serde_json::json;

/// At most this many points per sparkline (the largest latency of each bucket is kept, so a
/// spike survives downsampling).
const SPARK_POINTS: usize = 1500;

/// The timeline's data as JSON (what the script draws).
pub fn data(t: &Timeline) -> serde_json::Value {
    let events: Vec<_> = t
        .events
        .iter()
        .map(|e| {
            json!({
                "t": e.time,
                "lane": e.lane,
                "fam": e.class.family(),
                "word": e.class.word(),
                "kind": e.kind,
                "entity": e.entity,
                "text": e.text,
                "time": crate::fmt_time(e.time, false),
                "causes": e.causes.iter().map(|c| c.line).collect::<Vec<_>>(),
                "why": e.causes.iter().filter_map(|c| c.why.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let bands: Vec<_> = t
        .bands
        .iter()
        .map(|b| {
            json!({"lane": b.lane.map_or(-1, |l| l as i64), "s": b.start, "e": b.end, "kind": b.kind, "label": b.label})
        })
        .collect();
    let sparks: Vec<_> = t
        .sparklines
        .iter()
        .map(|sp| {
            let n = sp.samples.len();
            let per = n.div_ceil(SPARK_POINTS).max(1);
            let pts: Vec<[u64; 2]> = sp
                .samples
                .chunks(per)
                .map(|c| {
                    let m = c
                        .iter()
                        .max_by_key(|s| s.latency_ns)
                        .expect("a non-empty chunk");
                    [m.time, m.latency_ns]
                })
                .collect();
            let max = sp.samples.iter().map(|s| s.latency_ns).max().unwrap_or(0);
            let mean = if n == 0 {
                0.0
            } else {
                sp.samples.iter().map(|s| s.latency_ns as f64).sum::<f64>() / n as f64
            };
            json!({"flow": sp.flow, "lane": sp.lane, "deadline": sp.deadline_ns, "pts": pts,
                   "n": n, "max": crate::fmt_dur(max), "mean": crate::fmt_dur(mean.round() as u64)})
        })
        .collect();
    let lanes: Vec<_> = t
        .lanes
        .iter()
        .map(|l| json!({"id": l.id, "kind": l.kind.word(), "label": l.label}))
        .collect();
    json!({
        "scenario": t.scenario, "plan": t.plan, "run": t.run, "seed": t.seed,
        "horizon": t.horizon_ns, "lanes": lanes, "events": events, "bands": bands, "sparks": sparks,
    })
}

/// JSON safe inside a `<script>` element.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// HTML-escapes text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The styles of the timeline (also used by lessons).
pub const STYLE: &str = include_str!("timeline.css");

/// The script of the timeline (also used by lessons): draws every `.ptl` element from the
/// JSON block whose id its `data-src` names.
pub const SCRIPT: &str = include_str!("timeline.js");

/// The timeline as an HTML fragment (a `.ptl` block and its data); `key` makes ids unique
/// when a page holds several.
pub fn fragment(t: &Timeline, key: &str) -> String {
    format!(
        r#"<section class="ptl" data-src="ptl-data-{key}" aria-label="timeline of plan {plan}, run {run}">
<div class="ptl-bar" role="toolbar" aria-label="zoom">
<button type="button" data-act="fit" title="whole horizon (0)">Whole horizon</button>
<button type="button" data-act="in" title="zoom in (+)">Zoom in</button>
<button type="button" data-act="out" title="zoom out (−)">Zoom out</button>
<button type="button" data-act="left" title="earlier (←)">◀ Earlier</button>
<button type="button" data-act="right" title="later (→)">Later ▶</button>
<button type="button" data-act="observe" title="the first observation window (o)">Observation window</button>
<span class="ptl-span" aria-live="polite"></span>
</div>
<div class="ptl-chart"></div>
<div class="ptl-detail" aria-live="polite"><p>Select an event (click, or Tab to it and press Enter) to see what caused it, back to the root. Esc clears.</p></div>
<details class="ptl-list-wrap" open><summary>Every event, in order</summary><ol class="ptl-list"></ol></details>
<script type="application/json" id="ptl-data-{key}">{data}</script>
</section>"#,
        plan = esc(&t.plan),
        run = t.run,
        data = script_json(&data(t)),
    )
}

/// The complete page: one self-contained HTML file.
pub fn page(t: &Timeline) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style></head>
<body>
<header><h1>{title}</h1>
<p class="ptl-meta">Scenario <b>{scenario}</b>, plan <b>{plan}</b>, replication {run} of seed {seed} (re-run it: <code>patchtwin trace … --plan {plan} --run {run} --seed {seed}</code>). Times are day and clock from the start of the horizon.</p>
<ul class="ptl-legend" aria-label="legend">
<li><span class="sw fam-plan"></span>plan, deployment, control</li><li><span class="sw fam-down"></span>asset down (restart, rollback, fault), overrun</li>
<li><span class="sw fam-loss"></span>comm-fail, function lost, trip</li><li><span class="sw fam-up"></span>back, restored, detected</li>
<li><span class="sw fam-attack"></span>attacker</li><li><span class="sw band-window"></span>maintenance window</li><li><span class="sw band-observe"></span>observation window</li>
</ul></header>
<main>{fragment}</main>
<script>{SCRIPT}</script>
</body></html>
"#,
        title = esc(&format!(
            "Timeline — {} / {} / run {}",
            t.scenario, t.plan, t.run
        )),
        scenario = esc(&t.scenario),
        plan = esc(&t.plan),
        run = t.run,
        seed = t.seed,
        fragment = fragment(t, "main"),
    )
}
