//! Replays inputs the fuzzers found (`tests/fuzz/<target>/`) through the same code the fuzz
//! targets run: none may panic, and every input a reader rejects gets a coded error.

use std::path::Path;

#[path = "../../fuzz/fuzz_targets/common.rs"]
mod common;

use crate::helpers::root;

/// Every file of `tests/fuzz/<target>`, with its name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = root().join("tests/fuzz").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
        .iter()
        .map(|p| (name(p), std::fs::read(p).expect("readable")))
        .collect()
}

fn name(path: &Path) -> String {
    path.file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned()
}

/// Runs `run` on every input of `target`, naming the input that panics.
fn replay(target: &str, run: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "tests/fuzz/{target}/{name} panics");
    }
}

#[test]
fn found_inputs_do_not_panic() {
    replay("native", common::native);
    replay("solomon", common::solomon);
    replay("trsp", common::trsp);
    replay("strsp", common::strsp);
    replay("plan", common::plan);
    replay("events", common::events);
    replay("roads", common::roads);
}

/// A reader of one format: its error, when it rejects the input.
type Reader = fn(&[u8]) -> Option<fieldsched::Error>;

#[test]
fn rejected_inputs_get_coded_errors() {
    use fieldsched::Error;
    use fieldsched::model::ObjectiveKind;
    let readers: [(&str, Reader); 5] = [
        ("native", |d| {
            fieldsched::io::native::read(d, "f.json").err()
        }),
        ("solomon", |d| {
            fieldsched::io::solomon::read(d, "f.txt", ObjectiveKind::Distance).err()
        }),
        ("trsp", |d| {
            fieldsched::io::trsp::read(d, "f.txt", ObjectiveKind::Duration).err()
        }),
        ("events", |d| {
            fieldsched::replan::parse_events(d, "f.json").err()
        }),
        ("roads", |d| fieldsched::io::roads::parse(d, "f.json").err()),
    ];
    let mut rejected = 0;
    for (target, read) in readers {
        for (name, data) in inputs(target) {
            if let Some(e) = read(&data) {
                rejected += 1;
                let Error::Invalid { issues, .. } = &e else {
                    panic!("tests/fuzz/{target}/{name}: not an input error: {e}");
                };
                assert!(
                    !issues.is_empty() && issues.iter().all(|i| i.code.starts_with('E')),
                    "tests/fuzz/{target}/{name}: {e}"
                );
            }
        }
    }
    assert!(rejected > 0, "the found inputs include rejected ones");
}
