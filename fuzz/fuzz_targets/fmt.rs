#![no_main]
//! See `smql::fuzzing::fmt`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::fmt(data));
