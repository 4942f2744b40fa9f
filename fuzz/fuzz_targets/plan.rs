#![no_main]
//! The plan reader of `check`, and the checker on every plan it accepts, against a bundled instance.

use std::sync::OnceLock;

use fieldsched::Problem;
use libfuzzer_sys::fuzz_target;

fn problem() -> &'static Problem {
    static PROBLEM: OnceLock<Problem> = OnceLock::new();
    PROBLEM.get_or_init(|| {
        fieldsched::io::native::read(include_bytes!("../../instances/tiny.json"), "tiny.json")
            .expect("the bundled instance reads")
    })
}

fuzz_target!(|data: &[u8]| {
    let problem = problem();
    if let Ok(stated) = fieldsched::io::plan::read(data, "fuzz.plan.json", problem) {
        let report = fieldsched::check(problem, &stated);
        let _ = report.is_feasible();
    }
});
