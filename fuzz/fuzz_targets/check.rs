#![no_main]
//! See `smql::fuzzing::check`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::check(data));
