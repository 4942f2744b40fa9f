#![no_main]
//! The Solomon / Gehring–Homberger reader.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::solomon(data));
