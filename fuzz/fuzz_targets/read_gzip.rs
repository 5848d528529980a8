#![no_main]
//! See `smql::fuzzing::read_gzip`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| smql::fuzzing::read_gzip(data));
