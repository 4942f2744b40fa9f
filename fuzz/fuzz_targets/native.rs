#![no_main]
//! The native JSON reader.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::native(data));
