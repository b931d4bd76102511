//! Fuzz target `epss`: see `patchtwin_fuzz::harness::epss`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchtwin_fuzz::harness::epss(data));
