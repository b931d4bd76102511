//! Writing the scenario as YAML text: the section buffers with their counts ([`Out`]), one
//! flow-style line per zone, conduit, asset, link and flow, durations in their largest whole
//! unit, software inventories and `#` comment paragraphs. It decides nothing about the plant.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A duration in milliseconds, written with the largest unit that keeps it whole.
pub(crate) fn dur(ms: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1000, "s"),
    ];
    for (scale, unit) in UNITS {
        if ms >= scale && ms.is_multiple_of(scale) {
            return format!("{}{unit}", ms / scale);
        }
    }
    format!("{ms}ms")
}

/// `, software: [...]` for an inventory, or nothing.
pub(crate) fn software(items: &[(&str, &str, &str)]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let list: Vec<String> = items
        .iter()
        .map(|(v, p, ver)| format!("{{vendor: {v}, product: {p}, version: \"{ver}\"}}"))
        .collect();
    format!(", software: [{}]", list.join(", "))
}

pub(crate) struct Poll<'a> {
    pub(crate) id: &'a str,
    pub(crate) protocol: &'a str,
    pub(crate) consumer: &'a str,
    pub(crate) producer: &'a str,
    pub(crate) period_ms: u64,
    pub(crate) phase_ms: u64,
    pub(crate) response: &'a str,
    pub(crate) timeout_ms: Option<u64>,
    pub(crate) retries: u32,
    pub(crate) deadline_ms: Option<u64>,
    pub(crate) after_timeouts: u32,
}

pub(crate) struct Publish<'a> {
    pub(crate) id: &'a str,
    pub(crate) protocol: &'a str,
    pub(crate) consumer: &'a str,
    pub(crate) producer: &'a str,
    pub(crate) period_ms: u64,
    pub(crate) phase_ms: u64,
    pub(crate) response: &'a str,
    pub(crate) deadline_ms: Option<u64>,
    pub(crate) watchdog_ms: u64,
}

/// Section buffers and counts.
#[derive(Default)]
pub(crate) struct Out {
    pub(crate) zones: String,
    pub(crate) conduits: String,
    pub(crate) assets: String,
    pub(crate) links: String,
    pub(crate) flows: String,
    pub(crate) n_zones: usize,
    pub(crate) n_conduits: usize,
    pub(crate) n_links: usize,
    pub(crate) n_poll: usize,
    pub(crate) n_publish: usize,
    pub(crate) kinds: BTreeMap<&'static str, usize>,
}

impl Out {
    pub(crate) fn zone(&mut self, id: &str, name: &str, level: &str, sl: Option<u8>) {
        let sl = sl.map_or(String::new(), |s| format!(", security_level_target: {s}"));
        w!(
            self.zones,
            "  - {{id: {id}, name: \"{name}\", purdue_level: {level}{sl}}}"
        );
        self.n_zones += 1;
    }
    pub(crate) fn conduit(
        &mut self,
        id: &str,
        zones: [&str; 2],
        protocols: &[&str],
        direction: &str,
    ) {
        w!(
            self.conduits,
            "  - {{id: {id}, zones: [{}, {}], protocols: [{}], direction: {direction}}}",
            zones[0],
            zones[1],
            protocols.join(", ")
        );
        self.n_conduits += 1;
    }
    /// `extra` is appended inside the mapping: `, software: [...]`, `, overrides: {...}`, ….
    pub(crate) fn asset(
        &mut self,
        id: &str,
        kind: &'static str,
        zone: &str,
        model: &str,
        criticality: &str,
        extra: &str,
    ) {
        w!(
            self.assets,
            "  - {{id: {id}, kind: {kind}, zone: {zone}, model: {model}, criticality: {criticality}{extra}}}"
        );
        *self.kinds.entry(kind).or_default() += 1;
    }
    pub(crate) fn link(&mut self, a: &str, b: &str, bandwidth: &str, extra: &str) {
        w!(
            self.links,
            "  - {{between: [{a}, {b}], bandwidth: {bandwidth}{extra}}}"
        );
        self.n_links += 1;
    }
    pub(crate) fn poll(&mut self, p: &Poll) {
        let mut s = format!(
            "  - {{id: {}, kind: poll, protocol: {}, consumer: {}, producer: {}, period: {}",
            p.id,
            p.protocol,
            p.consumer,
            p.producer,
            dur(p.period_ms)
        );
        if p.phase_ms > 0 {
            let _ = write!(s, ", phase: {}", dur(p.phase_ms));
        }
        let _ = write!(s, ", response_size: {}", p.response);
        if let Some(t) = p.timeout_ms {
            let _ = write!(s, ", timeout: {}", dur(t));
        }
        if p.retries > 0 {
            let _ = write!(s, ", retries: {}", p.retries);
        }
        if let Some(d) = p.deadline_ms {
            let _ = write!(s, ", deadline: {}", dur(d));
        }
        w!(
            self.flows,
            "{s}, on_loss: {{after_timeouts: {}}}}}",
            p.after_timeouts
        );
        self.n_poll += 1;
    }
    pub(crate) fn publish(&mut self, p: &Publish) {
        let mut s = format!(
            "  - {{id: {}, kind: publish, protocol: {}, consumer: {}, producer: {}, period: {}",
            p.id,
            p.protocol,
            p.consumer,
            p.producer,
            dur(p.period_ms)
        );
        if p.phase_ms > 0 {
            let _ = write!(s, ", phase: {}", dur(p.phase_ms));
        }
        let _ = write!(s, ", response_size: {}", p.response);
        if let Some(d) = p.deadline_ms {
            let _ = write!(s, ", deadline: {}", dur(d));
        }
        w!(
            self.flows,
            "{s}, on_loss: {{watchdog: {}}}}}",
            dur(p.watchdog_ms)
        );
        self.n_publish += 1;
    }
}

/// Writes `text` as `# ` comment lines of at most 100 columns; a line of `text` that starts with
/// two spaces is preformatted and kept whole.
pub(crate) fn comment(out: &mut String, text: &str) {
    for part in text.split('\n') {
        if part.starts_with("  ") {
            w!(out, "# {part}");
            continue;
        }
        let mut line = String::from("#");
        for word in part.split(' ') {
            if line.len() + 1 + word.len() > 100 {
                w!(out, "{line}");
                line = String::from("#");
            }
            line.push(' ');
            line.push_str(word);
        }
        w!(out, "{line}");
    }
}
