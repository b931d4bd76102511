//! Integration tests of the `patchtwin` binary, one test binary with a module per concern
//! (the layout of ripgrep's `tests/tests.rs`):
//!
//! - `invalid_corpus`: every file in the repository's `tests/invalid/` is rejected with exit
//!   code 2, and its diagnostics match the snapshot `tests/invalid/<stem>.expected`;
//! - `shipped`: every scenario in `scenarios/` validates, every model in `models/` loads,
//!   `patchtwin schema` prints a draft-07 JSON Schema;
//! - `schema_acceptance`: that schema accepts every shipped scenario;
//! - `golden`: the shipped scenarios' results and a few traces at a fixed seed equal the
//!   committed `tests/golden/` files (re-bless on purpose, with the reason in the commit);
//! - `decision_inputs`: the scenario's acceptance thresholds, the model-file digests in the
//!   provenance, and the wording of a `--plans` run;
//! - `hostile_input`: binary junk, alias bombs, deep nesting, huge numbers, huge files,
//!   directories and missing files end quickly with exit code 2 and a clean message;
//! - `outputs`: what patchtwin guarantees about files — atomic output sets under SIGKILL and
//!   racing runs, files it did not write never touched, closed pipes, option refusals;
//! - `parts`: `run --part K/N` + `merge` equal the single run, bad parts refused, a run
//!   killed with SIGKILL resumes from its checkpoint, progress lines in batch logs;
//! - `teach`: `trace --find/--pick/--html/--latency` and `patchtwin lesson` end to end;
//! - `independent`: tiny plants against closed forms computed in the test (a path's latency
//!   by hand, M/D/1 and M/M/1 in a switch, a hypoexponential attack chain, binomial rollbacks);
//! - `trial_findings`: findings of a hostile user's trial — `vex --out` never replaces its
//!   inputs, unusable plan ids refused before the replications, stale staging folders swept;
//! - `slurm`: the shipped Slurm job array on a real one-node cluster (skipped when Slurm is
//!   not installed, unless `PATCHTWIN_REQUIRE_SLURM=1`) and the Kubernetes manifests'
//!   structure and command line.
//!
//! Snapshots are plain files. To write or refresh them run
//! `PATCHTWIN_BLESS=1 cargo test -p patchtwin-cli --test cli`, then read every changed
//! `.expected` file before committing: a snapshot records what the validator says, not what
//! it should say.

#[path = "cli/util.rs"]
mod util;

#[path = "cli/invalid_corpus.rs"]
mod invalid_corpus;

#[path = "cli/shipped.rs"]
mod shipped;

#[path = "cli/schema_acceptance.rs"]
mod schema_acceptance;

#[path = "cli/hostile_input.rs"]
mod hostile_input;

#[path = "cli/commands.rs"]
mod commands;

#[path = "cli/golden.rs"]
mod golden;

#[path = "cli/decision_inputs.rs"]
mod decision_inputs;

#[path = "cli/sensitivity.rs"]
mod sensitivity;

#[path = "cli/outputs.rs"]
mod outputs;

#[path = "cli/mutation.rs"]
mod mutation;

#[path = "cli/tidy.rs"]
mod tidy;

#[path = "cli/liveness.rs"]
mod liveness;

#[path = "cli/readme.rs"]
mod readme;

#[path = "cli/capture.rs"]
mod capture;

#[path = "cli/starter.rs"]
mod starter;
#[path = "cli/vex.rs"]
mod vex;

#[path = "cli/parts.rs"]
mod parts;

#[path = "cli/slurm.rs"]
mod slurm;

#[path = "cli/teach.rs"]
mod teach;

#[path = "cli/independent/mod.rs"]
mod independent;

#[path = "cli/trial_findings.rs"]
mod trial_findings;
