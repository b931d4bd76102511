//! Random streams: the SplitMix64 mixer and the streams keyed by (replication, purpose, a, b).
//!
//! The one definition of how streams are derived, below everything else in the crate:
//! `patchtwin-mc` derives replication `i`'s stream with [`splitmix64`], and the handlers draw
//! deployments, controls, restarts and attack steps from [`keyed_stream`]s so that every plan
//! making the same change, or facing the same attack, sees the same draws (common random
//! numbers). The purposes are listed here, so that two kinds of draw can never share a stream.
//! This module holds no state and never reads a global generator.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// SplitMix64 finalizer: a bijective mix of 64-bit values (Steele, Lea & Flood 2014). The one
/// definition behind every derived stream (replications in `patchtwin-mc`, keyed draws here).
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stream keyed by (replication, purpose, a, b): the same under every plan, so the same
/// deployment draws the same times and the same success under every plan that makes it.
pub fn keyed_stream(key: u64, purpose: u64, a: u64, b: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(splitmix64(
        key ^ splitmix64(purpose ^ splitmix64(a ^ splitmix64(b))),
    ))
}

/// A deployment's time and success, per (patch, asset, attempt): `b` is the asset for the
/// first attempt and `asset | attempt << 32` for a retry.
pub(crate) const PURPOSE_DEPLOY: u64 = 1;
/// A patch's failure probability, drawn once per (replication, patch).
pub(crate) const PURPOSE_PATCH_QUALITY: u64 = 2;
/// A control's deployment time and failure, per control.
pub(crate) const PURPOSE_CONTROL: u64 = 3;
/// A tripped unit's restart time, per (unit, trip).
pub(crate) const PURPOSE_UNIT_RESTART: u64 = 4;
/// Spontaneous faults of an asset, per (asset, fault number): the gap since the previous
/// fault (or the start) and the repair time.
pub(crate) const PURPOSE_FAULT: u64 = 5;
/// Whether a patch is bad for this plant, drawn once per (replication, patch): shared by every
/// host that installs it.
pub(crate) const PURPOSE_PATCH_BAD: u64 = 6;
/// Attack arrivals, per (entry point, attempt).
pub(crate) const PURPOSE_ARRIVAL: u64 = 10;
/// An exploit step's time and success, per (asset and vulnerability, draw).
pub(crate) const PURPOSE_STEP: u64 = 11;
/// Detection of a compromise by monitoring, per (asset, draw).
pub(crate) const PURPOSE_DETECT: u64 = 12;
/// Whether a compromised controller stops its process, per (asset, unit).
pub(crate) const PURPOSE_TRIP: u64 = 13;
/// Whether the run's attacker is among the sources a source allowlist admits (spoofed or
/// insider), once per (control) per run.
pub(crate) const PURPOSE_SOURCE: u64 = 19;
