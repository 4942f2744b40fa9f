#![no_main]
//! The Kovacs STRSP reader (task and technician files joined by a NUL byte).

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::strsp(data));
