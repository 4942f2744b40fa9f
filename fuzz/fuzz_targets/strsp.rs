#![no_main]
//! The Kovacs STRSP reader: the input is the task file and the technician file joined by a NUL byte.

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (tasks, technicians) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    if let Ok(problem) = fieldsched::io::strsp::read(tasks, "fuzz.txt", technicians, "fuzz.tech.txt") {
        common::solve_if_small(&problem);
    }
});
