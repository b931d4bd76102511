//! Fuzz target `cyclonedx`: see `patchtwin_fuzz::harness::cyclonedx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| patchtwin_fuzz::harness::cyclonedx(data));
