#![no_main]
//! See `smql::fuzzing::read_json`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::read_json(data));
