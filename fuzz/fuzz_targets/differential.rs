#![no_main]
//! See `smql::fuzzing::differential`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::differential(data));
