#![no_main]
//! See `smql::fuzzing::read_ndjson`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::read_ndjson(data));
