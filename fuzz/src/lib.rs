//! The fuzz targets' shared harnesses ([`harness`]); the targets themselves are one line each
//! under `fuzz_targets/`. Not part of the main workspace.

pub mod harness;
