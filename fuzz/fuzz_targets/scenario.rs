//! Fuzz target `scenario`: see `patchtwin_fuzz::harness::scenario`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchtwin_fuzz::harness::scenario(data));
