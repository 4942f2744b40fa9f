#![no_main]
//! The plan reader of `check` and the checker.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::plan(data));
