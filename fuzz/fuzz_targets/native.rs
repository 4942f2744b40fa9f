#![no_main]
//! The native JSON reader.

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(problem) = fieldsched::io::native::read(data, "fuzz.json") {
        common::solve_if_small(&problem);
    }
});
