//! SSVC and the recommendation.
//!
//! The deployer table is checked row by row against CERT/CC's published CSV
//! (`CERTCC/SSVC`, `data/csv/ssvc/deployer_patch_application_priority_1_0_0.csv`, MIT License,
//! Copyright (c) 2020 CERT Coordination Center), shipped unmodified in
//! `shared/data/ssvc/` beside the repository. The derivation of the four inputs is checked on
//! small hand-made plants, and the recommendation on hand-made summaries.
//!
//! One module per concern: `tables` (the published tables), `reach` (SSVC's exposure is the
//! simulated attacker's), `derivation` (the inputs on hand-made plants), `recommend` (the
//! recommendation), `note` (a coordinator's SSVC note beside the derived decision), with
//! `summaries` (the hand-made summaries the last three read).

mod derivation;
mod note;
mod reach;
mod recommend;
mod summaries;
mod tables;
