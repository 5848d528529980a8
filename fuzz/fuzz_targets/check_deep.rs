#![no_main]
//! See `smql::fuzzing::check_deep`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::check_deep(data));
