//! Fuzz target `csaf`: see `patchtwin_fuzz::harness::csaf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchtwin_fuzz::harness::csaf(data));
