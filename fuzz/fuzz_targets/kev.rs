//! Fuzz target `kev`: see `patchtwin_fuzz::harness::kev`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchtwin_fuzz::harness::kev(data));
