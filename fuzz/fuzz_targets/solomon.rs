#![no_main]
//! The Solomon / Gehring–Homberger reader, under both objectives it supports.

#[path = "common.rs"]
mod common;

use fieldsched::model::ObjectiveKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for objective in [ObjectiveKind::Hierarchical, ObjectiveKind::Distance] {
        if let Ok(problem) = fieldsched::io::solomon::read(data, "fuzz.txt", objective) {
            common::solve_if_small(&problem);
        }
    }
});
