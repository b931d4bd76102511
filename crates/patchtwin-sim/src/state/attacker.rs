//! The attacker's run-time state: what it holds, what it is attempting, what is fixed, and
//! the scratch its planning pass reuses. Data only; the rules are in `attack`, the reach
//! index in [`crate::compiled::reach`].

use crate::rng::{PURPOSE_SOURCE, keyed_stream};
use patchtwin_model::{ControlEffect, Scenario};
use rand::RngExt;

/// A set of `(first, second)` index pairs, as a bitset over `first * stride + second`.
///
/// Membership is the same as a `BTreeSet<(u32, u32)>` for pairs with `second < stride` (the
/// only ones the attacker stores: assets and vulnerabilities by index), at a fraction of the
/// cost in the planning loop.
#[derive(Debug, Clone, Default)]
pub struct PairSet {
    stride: usize,
    bits: Vec<u64>,
}

impl PairSet {
    /// An empty set for pairs `(0..first, 0..second)`.
    pub fn new(first: usize, second: usize) -> Self {
        PairSet {
            stride: second,
            bits: vec![0; (first * second).div_ceil(64)],
        }
    }

    #[inline]
    fn bit(&self, (a, b): (u32, u32)) -> (usize, u64) {
        assert!((b as usize) < self.stride, "pair out of range");
        let i = a as usize * self.stride + b as usize;
        (i / 64, 1 << (i % 64))
    }

    /// Whether the pair is in the set.
    #[inline]
    pub fn contains(&self, pair: &(u32, u32)) -> bool {
        let (w, m) = self.bit(*pair);
        self.bits[w] & m != 0
    }

    /// Adds the pair; whether it was absent.
    #[inline]
    pub fn insert(&mut self, pair: (u32, u32)) -> bool {
        let (w, m) = self.bit(pair);
        let absent = self.bits[w] & m == 0;
        self.bits[w] |= m;
        absent
    }

    /// Removes the pair; whether it was present.
    #[inline]
    pub fn remove(&mut self, pair: &(u32, u32)) -> bool {
        let (w, m) = self.bit(*pair);
        let present = self.bits[w] & m != 0;
        self.bits[w] &= !m;
        present
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.bits.iter_mut().for_each(|w| *w = 0);
    }
}

/// What the attacker holds and is doing (part of the operations ledger).
#[derive(Debug, Clone, Default)]
pub struct AttackState {
    /// Held assets.
    pub held: Vec<bool>,
    /// Held assets per zone, plus one per entry point from outside the plant where the
    /// attacker stands (so reach is answered without scanning every asset).
    pub held_in_zone: Vec<u32>,
    /// Per entry point from outside the plant: the attacker stands in its zone now (it came
    /// through and was not evicted since); always false for an entry point with an asset.
    pub present: Vec<bool>,
    /// Bumped on eviction; older steps and evictions are stale.
    pub generation: u32,
    /// (asset, vulnerability) attempts in progress.
    pub pending: PairSet,
    /// (vulnerability, asset) pairs fixed by a successful patch.
    pub fixed: PairSet,
    /// Attempts so far per entry point (keys its arrival stream).
    pub arrivals: Vec<u64>,
    /// Draw counter (keys step and detection streams).
    pub draws: u64,
    /// Assets the attacker has stopped and that are not restored yet.
    pub stopped: Vec<bool>,
    /// Per asset: times it was restored after the attacker stopped it (keys the next stop's
    /// draws).
    pub restores: Vec<u32>,
    /// Threat targets reached so far (each is charged once per run).
    pub targets_reached: Vec<bool>,
    /// Per control: whether this run's attacker is among the sources it admits — drawn once
    /// per run for a source allowlist (true with its `residual`), true for every other control.
    pub source_admitted: Vec<bool>,
    /// Exposed (vulnerability, asset) pairs now, and since when.
    pub exposed_now: u64,
    /// Time of the last exposure integration.
    pub exposure_since: u64,
    /// Scratch per (service class, zone), reused so planning does not allocate: memoised
    /// cross-zone reach in `attack_plan` (0 unknown, 1 yes, 2 no).
    pub(crate) zone_scratch: Vec<u8>,
    /// Scratch: per zone, held in the exposure reckoning (`exposed_pairs`).
    pub(crate) reach_held: Vec<u32>,
    /// Scratch: zones still to visit (`exposed_pairs`).
    pub(crate) stack: Vec<u32>,
}

impl AttackState {
    /// A fresh attacker for `s`; `key` keys its once-per-run draws (source allowlists).
    pub fn new(s: &Scenario, key: u64) -> Self {
        let source_admitted = s
            .controls
            .iter()
            .enumerate()
            .map(|(k, c)| match &c.effect {
                ControlEffect::SourceAllowlist { residual, .. } => {
                    let mut r = keyed_stream(key, PURPOSE_SOURCE, k as u64, 0);
                    r.random::<f64>() < *residual
                }
                _ => true,
            })
            .collect();
        AttackState {
            source_admitted,
            held: vec![false; s.assets.len()],
            held_in_zone: vec![0; s.zones.len()],
            pending: PairSet::new(s.assets.len(), s.vulnerabilities.len()),
            fixed: PairSet::new(s.vulnerabilities.len(), s.assets.len()),
            arrivals: vec![0; s.threat.entry_points.len()],
            present: vec![false; s.threat.entry_points.len()],
            stopped: vec![false; s.assets.len()],
            restores: vec![0; s.assets.len()],
            targets_reached: vec![false; s.threat.targets.len()],
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PairSet;

    #[test]
    fn pair_set_behaves_like_a_set() {
        let mut set = PairSet::new(3, 70);
        assert!(!set.contains(&(2, 69)));
        assert!(set.insert((2, 69)));
        assert!(!set.insert((2, 69)));
        assert!(set.contains(&(2, 69)));
        assert!(!set.contains(&(1, 69)) && !set.contains(&(2, 68)));
        assert!(set.insert((0, 0)));
        assert!(set.remove(&(2, 69)));
        assert!(!set.remove(&(2, 69)));
        assert!(set.contains(&(0, 0)));
        set.clear();
        assert!(!set.contains(&(0, 0)));
    }
}
