#![no_main]
//! The road network reader, and solving over what it accepts.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::roads(data));
