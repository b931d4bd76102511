//! Part files: the exact accumulator state of a range of replications, written by one machine
//! (or one checkpoint) and merged elsewhere into the same results as one run of the union.
//!
//! A part file is two lines of JSON. The first, the header, says what the part is — format
//! name and version, the run's [`Identity`] (scenario SHA-256, seed, total replications, plans
//! with the baseline first, observation window, horizon, flow count, tool version), the
//! replication range it covers (and `K/N` when it is part K of N), the length and SHA-256 of
//! the second line. The second line, the payload, is every accumulator of
//! [`RunResult`] with nothing rounded: integer counts, the fixed-point
//! `Moments` (128-bit sums as decimal strings, so that tools that
//! read JSON numbers as doubles cannot round them) and every histogram as its recorded
//! `(value, count)` pairs. A value a histogram iterates over lies in the bucket it was counted
//! in, so recording it again with its count rebuilds the same counts: a read-back part merges
//! to the same bits as the original.
//!
//! [`assemble`] checks that parts belong together (same identity, no duplicate, no overlap,
//! no gap) and merges them. This module does no I/O and computes no digest itself: the caller
//! reads and writes the bytes and passes the SHA-256 function it already has.
//! Not here: choosing which part to run (see [`part_range`]) or where files go.

use crate::RunResult;
use payload::PayloadState;
use serde::{Deserialize, Serialize};

mod payload;

/// The `format` field of every part file's header.
pub const FORMAT: &str = "patchtwin-part";
/// The version of the part-file layout this build writes and reads. Bumped whenever a payload
/// written before could be misread: 2 keeps the rollout's times to a share in nanoseconds
/// (layout 1 kept whole hours, rounded up), so a layout-1 part is refused, not merged.
/// Fields only added (read as empty when absent) do not bump it.
pub const VERSION: u32 = 2;
/// The file name extension of part files.
pub const EXTENSION: &str = "ptpart";

/// A SHA-256 function returning lowercase hex (the caller's; this crate has none).
pub type Sha256 = fn(&[u8]) -> String;

/// A part file could not be read, or parts do not belong together. The message names what is
/// wrong; the caller adds the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartError(pub String);

impl std::fmt::Display for PartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for PartError {}

fn err<T>(msg: impl Into<String>) -> Result<T, PartError> {
    Err(PartError(msg.into()))
}

/// What makes two parts parts of the same run. Parts merge only when these are all equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Scenario name (for messages; the digest decides).
    pub scenario: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// The scenario file as the run was given it, made absolute: where `merge` looks for it
    /// unless told otherwise.
    pub scenario_path: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per plan of the whole run (every part together).
    pub runs: u64,
    /// Plan ids in run order; the first is the baseline of comparisons.
    pub plans: Vec<String>,
    /// Observation window, ns.
    pub observe_ns: u64,
    /// Horizon, ns.
    pub horizon_ns: u64,
    /// Flows of the compiled model (the length of every per-flow list).
    pub flows: usize,
    /// patchtwin version that wrote the part.
    pub version: String,
}

impl Identity {
    /// The first field in which `self` and `other` differ, with both values, if any.
    pub fn difference(&self, other: &Identity) -> Option<String> {
        let pairs: [(&str, String, String); 9] = [
            (
                "scenario SHA-256",
                self.scenario_sha256.clone(),
                other.scenario_sha256.clone(),
            ),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            ("runs", self.runs.to_string(), other.runs.to_string()),
            ("plans", self.plans.join(","), other.plans.join(",")),
            (
                "observe (ns)",
                self.observe_ns.to_string(),
                other.observe_ns.to_string(),
            ),
            (
                "horizon (ns)",
                self.horizon_ns.to_string(),
                other.horizon_ns.to_string(),
            ),
            ("flows", self.flows.to_string(), other.flows.to_string()),
            (
                "patchtwin version",
                self.version.clone(),
                other.version.clone(),
            ),
            ("scenario", self.scenario.clone(), other.scenario.clone()),
        ];
        pairs
            .into_iter()
            .find(|(_, a, b)| a != b)
            .map(|(name, a, b)| format!("{name} is {b}, not {a}"))
    }
}

/// Which replications a part holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First replication index.
    pub first: u64,
    /// One past the last replication index.
    pub end: u64,
    /// `(K, N)` when the part is part K of N (1-based); `None` for a checkpoint chunk.
    pub part: Option<(u64, u64)>,
}

impl Span {
    /// `K/N (replications a..b)` or `replications a..b`, for messages.
    pub fn describe(&self) -> String {
        match self.part {
            Some((k, n)) => format!("part {k}/{n} (replications {}..{})", self.first, self.end),
            None => format!("replications {}..{}", self.first, self.end),
        }
    }
}

/// The replication range of part `k` of `n` (1-based) of a run of `runs` replications:
/// `[(k−1)·runs/n, k·runs/n)`, so the parts are contiguous, differ in size by at most one and
/// together are exactly `0..runs`. `None` unless `1 ≤ k ≤ n`.
pub fn part_range(k: u64, n: u64, runs: u64) -> Option<std::ops::Range<u64>> {
    if k == 0 || n == 0 || k > n {
        return None;
    }
    let at = |i: u64| (u128::from(i) * u128::from(runs) / u128::from(n)) as u64;
    Some(at(k - 1)..at(k))
}

/// One part: who it belongs to, what it covers, and its exact results.
#[derive(Debug, Clone)]
pub struct Part {
    /// The run it is a part of.
    pub identity: Identity,
    /// The replications it holds.
    pub span: Span,
    /// Worker threads it ran on.
    pub threads: usize,
    /// Wall-clock seconds it took (informational; never merged into results).
    pub wall_s: f64,
    /// The accumulators.
    pub result: RunResult,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    identity: Identity,
    span: Span,
    threads: usize,
    wall_s: f64,
    payload_bytes: usize,
    payload_sha256: String,
}

/// Encodes `part` as the bytes of a part file.
pub fn encode(part: &Part, sha256: Sha256) -> Vec<u8> {
    let payload =
        serde_json::to_vec(&PayloadState::of(&part.result)).expect("plain data serialises");
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        identity: part.identity.clone(),
        span: part.span,
        threads: part.threads,
        wall_s: part.wall_s,
        payload_bytes: payload.len(),
        payload_sha256: sha256(&payload),
    };
    let mut out = serde_json::to_vec(&header).expect("plain data serialises");
    out.push(b'\n');
    out.extend_from_slice(&payload);
    out.push(b'\n');
    out
}

/// Whether `bytes` start like a part file (its header names the format). Used to decide that
/// a file may be replaced: only a part file is.
pub fn looks_like_part(bytes: &[u8]) -> bool {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    serde_json::from_slice::<serde_json::Value>(line)
        .ok()
        .and_then(|v| {
            v.get("format")
                .and_then(|f| f.as_str())
                .map(|f| f == FORMAT)
        })
        .unwrap_or(false)
}

/// Decodes and checks a part file: format, version, payload length and checksum, and that
/// the payload fits the header (plans, pairs, flows, replication counts).
pub fn decode(bytes: &[u8], sha256: Sha256) -> Result<Part, PartError> {
    let Some(split) = bytes.iter().position(|&b| b == b'\n') else {
        return err("not a patchtwin part file (no header line)");
    };
    let header: Header = serde_json::from_slice(&bytes[..split]).map_err(|e| {
        if looks_like_part(bytes) {
            PartError(format!("damaged part header: {e}"))
        } else {
            PartError("not a patchtwin part file".into())
        }
    })?;
    if header.format != FORMAT {
        return err("not a patchtwin part file");
    }
    if header.version != VERSION {
        return err(format!(
            "part file version {} is not the version this patchtwin reads ({VERSION}); merge with the patchtwin that wrote it",
            header.version
        ));
    }
    let rest = &bytes[split + 1..];
    let payload = rest.strip_suffix(b"\n").unwrap_or(rest);
    if payload.len() != header.payload_bytes {
        return err(format!(
            "truncated or damaged: the payload is {} bytes, the header says {}",
            payload.len(),
            header.payload_bytes
        ));
    }
    if sha256(payload) != header.payload_sha256 {
        return err("damaged: the payload's SHA-256 does not match the header's checksum");
    }
    let state: PayloadState =
        serde_json::from_slice(payload).map_err(|e| PartError(format!("damaged payload: {e}")))?;
    let id = &header.identity;
    let span = header.span;
    if span.first >= span.end || span.end > id.runs {
        return err(format!(
            "{} is not a range inside 0..{}",
            span.describe(),
            id.runs
        ));
    }
    if let Some((k, n)) = span.part
        && part_range(k, n, id.runs) != Some(span.first..span.end)
    {
        return err(format!(
            "{} is not the range of part {k} of {n} of {} replications",
            span.describe(),
            id.runs
        ));
    }
    let result = state.into_result(id, span.end - span.first)?;
    Ok(Part {
        identity: header.identity,
        span,
        threads: header.threads,
        wall_s: header.wall_s,
        result,
    })
}

/// What [`assemble`] made of a set of parts.
#[derive(Debug, Clone)]
pub struct Assembled {
    /// The run they belong to.
    pub identity: Identity,
    /// The merged results: equal, bit for bit, to one run of all the replications.
    pub result: RunResult,
    /// The most worker threads any part ran on.
    pub threads: usize,
    /// Sum of the parts' wall-clock seconds.
    pub wall_s: f64,
}

/// Merges parts one at a time, so that only the running total and one part are in memory,
/// checking each against the run's identity; [`Assembler::finish`] checks that together
/// they hold every replication exactly once. Merging is exact, so the order parts arrive in
/// does not change a bit of the result.
#[derive(Debug)]
pub struct Assembler {
    identity: Option<(String, Identity)>,
    spans: Vec<(String, Span)>,
    total: Option<RunResult>,
    threads: usize,
    wall_s: f64,
}

impl Assembler {
    /// An assembler that takes the identity of the first part added.
    pub fn new() -> Self {
        Assembler {
            identity: None,
            spans: Vec::new(),
            total: None,
            threads: 1,
            wall_s: 0.0,
        }
    }

    /// An assembler for parts of the run `identity` (`what` names it in messages, e.g. "this
    /// run").
    pub fn expecting(what: &str, identity: Identity) -> Self {
        Assembler {
            identity: Some((what.into(), identity)),
            ..Assembler::new()
        }
    }

    /// The spans added so far, in the order added.
    pub fn spans(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter().map(|(_, s)| s)
    }

    /// Adds part `part`, read from `name`: refused when it is of another run, or holds a
    /// replication an earlier part holds.
    pub fn add(&mut self, name: &str, part: Part) -> Result<(), PartError> {
        match &self.identity {
            None => self.identity = Some((name.into(), part.identity.clone())),
            Some((first, id)) => {
                if let Some(d) = id.difference(&part.identity) {
                    return err(format!(
                        "{name} is not a part of the same run as {first}: its {d}"
                    ));
                }
            }
        }
        let s = part.span;
        for (other, o) in &self.spans {
            if (o.first, o.end) == (s.first, s.end) {
                return err(format!(
                    "{name} duplicates {other}: both hold {}",
                    s.describe()
                ));
            }
            if s.first < o.end && o.first < s.end {
                return err(format!(
                    "{name} ({}) overlaps {other} ({})",
                    s.describe(),
                    o.describe()
                ));
            }
        }
        self.spans.push((name.into(), s));
        self.threads = self.threads.max(part.threads);
        self.wall_s += part.wall_s;
        match &mut self.total {
            None => self.total = Some(part.result),
            Some(t) => t.merge(&part.result),
        }
        Ok(())
    }

    /// The replication ranges of `0..runs` no part added holds, in order.
    pub fn gaps(&self, runs: u64) -> Vec<std::ops::Range<u64>> {
        let mut spans: Vec<&Span> = self.spans().collect();
        spans.sort_by_key(|s| s.first);
        let mut gaps = Vec::new();
        let mut covered = 0;
        for s in spans {
            if s.first > covered {
                gaps.push(covered..s.first);
            }
            covered = covered.max(s.end);
        }
        if covered < runs {
            gaps.push(covered..runs);
        }
        gaps
    }

    /// The merged result, if the parts added hold every replication of the run.
    pub fn finish(self) -> Result<Assembled, PartError> {
        let (Some((_, identity)), Some(result)) = (self.identity, self.total) else {
            return err("no part files given");
        };
        let mut sorted: Vec<&(String, Span)> = self.spans.iter().collect();
        sorted.sort_by_key(|(_, s)| s.first);
        let mut covered = 0;
        for (name, s) in sorted {
            if s.first > covered {
                return err(format!(
                    "replications {covered}..{} are missing: no part holds them (the next part is {name}, {})",
                    s.first,
                    s.describe()
                ));
            }
            covered = s.end;
        }
        if covered < identity.runs {
            return err(format!(
                "replications {covered}..{} are missing: no part holds them (the run has {} replications)",
                identity.runs, identity.runs
            ));
        }
        Ok(Assembled {
            identity,
            result,
            threads: self.threads,
            wall_s: self.wall_s,
        })
    }
}

impl Default for Assembler {
    fn default() -> Self {
        Assembler::new()
    }
}

/// Checks that `parts` (each with the name of its file) belong together and cover
/// `0..runs` exactly once, then merges them. The order given does not matter.
pub fn assemble(parts: Vec<(String, Part)>) -> Result<Assembled, PartError> {
    let mut a = Assembler::new();
    for (name, p) in parts {
        a.add(&name, p)?;
    }
    a.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_ranges_tile_the_run() {
        for runs in [0u64, 1, 2, 7, 10, 64, 1000] {
            for n in 1..=9u64 {
                let mut next = 0;
                for k in 1..=n {
                    let r = part_range(k, n, runs).expect("valid part");
                    assert_eq!(r.start, next, "runs {runs}, part {k}/{n}");
                    assert!(r.end - r.start <= runs.div_ceil(n));
                    next = r.end;
                }
                assert_eq!(next, runs);
            }
        }
        assert_eq!(part_range(0, 3, 10), None);
        assert_eq!(part_range(4, 3, 10), None);
        assert_eq!(part_range(1, 0, 10), None);
        // Hand calculation: 10 runs in 3 parts are 0..3, 3..6, 6..10.
        assert_eq!(part_range(1, 3, 10), Some(0..3));
        assert_eq!(part_range(2, 3, 10), Some(3..6));
        assert_eq!(part_range(3, 3, 10), Some(6..10));
    }
}
