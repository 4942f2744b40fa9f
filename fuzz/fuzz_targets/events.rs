#![no_main]
//! The events reader of `replan`, and re-planning with what it accepts.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::events(data));
