//! Which asset model files a scenario used, with their digests, so that a decision can be
//! traced to the defaults it rested on (a model file edited between two runs shows as a
//! changed digest in `summary.json`'s provenance).
//!
//! Not here: reading or hashing the files (`patchtwin-scenario`'s library does both).

/// One asset model file a scenario's assets use.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModelFile {
    /// Model id, as assets name it (`model: fast-plc`).
    pub model: String,
    /// The file's name under its models folder, e.g. `models/fast-plc.yaml` (without the
    /// folder's location, so a run gives the same digest set wherever it is checked out).
    pub file: String,
    /// `built-in` (compiled into patchtwin) or `models directory` (a `models/` folder beside
    /// the scenario or one level up, which extends or overrides the built-in library).
    pub origin: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}
