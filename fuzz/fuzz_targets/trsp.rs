#![no_main]
//! The Pillac TRSP reader.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::trsp(data));
