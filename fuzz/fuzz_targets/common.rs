#![allow(dead_code)] // each target calls one of these
//! What each fuzz target does with its input, shared with the replay of found inputs in
//! `tests/integration/fuzz.rs`. A reader that accepts a small problem also solves it briefly and
//! checks the plan, so inputs that are valid but odd reach the solver and the checker too.

use std::sync::OnceLock;

use fieldsched::model::ObjectiveKind;
use fieldsched::solver::SolverChoice;
use fieldsched::{Problem, Result, SolverConfig, check_solution, solve};

/// Problems larger than this are only read (solving them would slow the fuzzer down).
const SOLVE_UP_TO: usize = 30;

/// Solves a small accepted problem with a short heuristic run; any failure is a crash.
fn solve_if_small(problem: Result<Problem>) {
    let Ok(problem) = problem.map(fieldsched::solver::crews::with_crews) else {
        return;
    };
    if problem.visits.len() > SOLVE_UP_TO || problem.technicians.len() > SOLVE_UP_TO {
        return;
    }
    let config = SolverConfig {
        iterations: Some(20),
        solver: SolverChoice::Heuristic,
        ..SolverConfig::default()
    };
    let solution = solve(&problem, &config).expect("a valid problem solves");
    check_solution(&problem, &solution).expect("the plan passes the checker");
}

/// The native JSON reader.
pub fn native(data: &[u8]) {
    solve_if_small(fieldsched::io::native::read(data, "fuzz.json"));
}

/// The Solomon / Gehring–Homberger reader, under both objectives it supports.
pub fn solomon(data: &[u8]) {
    for objective in [ObjectiveKind::Hierarchical, ObjectiveKind::Distance] {
        solve_if_small(fieldsched::io::solomon::read(data, "fuzz.txt", objective));
    }
}

/// The Pillac TRSP reader, under both objectives it supports.
pub fn trsp(data: &[u8]) {
    for objective in [ObjectiveKind::Duration, ObjectiveKind::Distance] {
        solve_if_small(fieldsched::io::trsp::read(data, "fuzz.txt", objective));
    }
}

/// The Kovacs STRSP reader: the task file and the technician file joined by a NUL byte.
pub fn strsp(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (tasks, technicians) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    solve_if_small(fieldsched::io::strsp::read(
        tasks,
        "fuzz.txt",
        technicians,
        "fuzz.tech.txt",
    ));
}

/// The plan reader of `check`, then the checker on every plan it accepts, against
/// `instances/tiny.json`.
pub fn plan(data: &[u8]) {
    static PROBLEM: OnceLock<Problem> = OnceLock::new();
    let problem = PROBLEM.get_or_init(|| {
        fieldsched::io::native::read(include_bytes!("../../instances/tiny.json"), "tiny.json")
            .expect("the bundled instance reads")
    });
    if let Ok(stated) = fieldsched::io::plan::read(data, "fuzz.plan.json", problem) {
        let _ = fieldsched::check(problem, &stated).is_feasible();
    }
}

/// `instances/tiny.json` as read, and a plan of it.
fn tiny() -> &'static (
    fieldsched::io::native::ProblemDto,
    fieldsched::io::plan::PlanDto,
) {
    static TINY: OnceLock<(
        fieldsched::io::native::ProblemDto,
        fieldsched::io::plan::PlanDto,
    )> = OnceLock::new();
    TINY.get_or_init(|| {
        let bytes = include_bytes!("../../instances/tiny.json");
        let dto = fieldsched::io::native::parse(bytes, "tiny.json").expect("the bundled instance");
        let problem = fieldsched::io::native::to_problem(&dto, "tiny.json").expect("valid");
        let config = SolverConfig {
            iterations: Some(50),
            solver: SolverChoice::Heuristic,
            ..SolverConfig::default()
        };
        let solution = solve(&problem, &config).expect("solves");
        let (stated, report) = check_solution(&problem, &solution).expect("checks");
        let plan = fieldsched::io::plan::to_dto(&problem, &solution, &stated, &report);
        (dto, plan)
    })
}

/// The events reader of `replan`, then re-planning `instances/tiny.json` with every events
/// file it accepts (the new plan must pass the checker).
pub fn events(data: &[u8]) {
    let Ok(events) = fieldsched::replan::parse_events(data, "fuzz.events.json") else {
        return;
    };
    let (dto, plan) = tiny();
    let sources = fieldsched::replan::Sources {
        problem: "tiny.json",
        plan: "plan.json",
        events: "fuzz.events.json",
    };
    let config = SolverConfig {
        iterations: Some(20),
        solver: SolverChoice::Heuristic,
        ..SolverConfig::default()
    };
    let cancel = fieldsched::Cancel::new();
    let _ = fieldsched::replan::replan(dto, plan, &events, &sources, &config, &|_| {}, &cancel);
}

/// The road network reader, then `instances/tiny.json` travelling over every network it
/// accepts.
pub fn roads(data: &[u8]) {
    let Ok(network) = fieldsched::io::roads::parse(data, "fuzz.roads.json") else {
        return;
    };
    let mut dto = tiny().0.clone();
    dto.travel.mode = fieldsched::io::native::TravelMode::Road;
    dto.travel.network = Some(network);
    solve_if_small(fieldsched::io::native::to_problem(&dto, "tiny.json"));
}
