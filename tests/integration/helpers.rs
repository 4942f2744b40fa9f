//! Shared helpers: solve and check, locate the shared benchmark instances.

use std::path::{Path, PathBuf};

use fieldsched::io::{self, ObjectiveChoice, ReadOptions, plan};
use fieldsched::solution::check::{Report, check};
use fieldsched::{Problem, Solution, SolverConfig, solve};

/// The project root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/instances/<set>`, or `None` with a printed notice when it is absent. With
/// `FIELDSCHED_REQUIRE_SHARED=1` (CI sets it) an absent set fails the test instead.
pub fn shared(set: &str) -> Option<PathBuf> {
    let dir = root().join("../shared/instances").join(set);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !shared_required(),
        "{} not found, and FIELDSCHED_REQUIRE_SHARED is set",
        dir.display()
    );
    eprintln!(
        "notice: {} not found; skipping the test that needs it",
        dir.display()
    );
    None
}

/// Whether a missing shared instance must fail the test (`FIELDSCHED_REQUIRE_SHARED=1`).
pub fn shared_required() -> bool {
    std::env::var("FIELDSCHED_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}

/// Text files of a folder, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && !p.ends_with("readme.txt"))
        .collect();
    out.sort();
    out
}

/// Reads a problem with an objective preset.
pub fn read(path: &Path, objective: ObjectiveChoice) -> Problem {
    io::read_problem(
        path,
        &ReadOptions {
            objective,
            ..ReadOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Solves, writes the plan as JSON, reads it back and checks it; panics on any violation.
pub fn solve_and_check(problem: &Problem, config: &SolverConfig) -> (Solution, Report) {
    let solution = solve(problem, config).unwrap_or_else(|e| panic!("{}: {e}", problem.name));
    let report = check_solution(problem, &solution);
    (solution, report)
}

/// Writes the plan as JSON, reads it back and checks it; panics on any violation.
pub fn check_solution(problem: &Problem, solution: &Solution) -> Report {
    let (stated, report) = fieldsched::check_solution(problem, solution)
        .unwrap_or_else(|e| panic!("{}: {e}", problem.name));
    let json = serde_json::to_vec(&plan::to_dto(problem, solution, &stated, &report))
        .expect("plan serialises");
    let reread =
        plan::read(&json, "plan", problem).unwrap_or_else(|e| panic!("{}: {e}", problem.name));
    assert_eq!(
        reread, stated,
        "{}: the plan file does not read back as written",
        problem.name
    );
    let recheck = check(problem, &reread);
    assert!(
        recheck.is_feasible(),
        "{}: {:?}",
        problem.name,
        recheck.violations
    );
    assert_eq!(recheck.kpis, report.kpis);
    assert_feasible_in_double_precision(problem, &reread);
    report
}

/// Benchmark plans (other than DIMACS-truncated distances) drive every route again with
/// Euclidean distances in double precision, serving as early as allowed: every start within
/// its window and every return within the shift, to 1e-6 file units.
pub fn assert_feasible_in_double_precision(
    problem: &Problem,
    plan: &fieldsched::solution::check::StatedPlan,
) {
    use fieldsched::model::{Clock, Coord, ObjectiveKind};
    use fieldsched::solution::Stop;
    let Clock::Numeric { ticks_per_unit } = problem.clock else {
        return;
    };
    if problem.objective.kind == ObjectiveKind::Distance {
        return;
    }
    let unit = |t: i64| t as f64 / ticks_per_unit as f64;
    let xy = |loc: fieldsched::model::LocIdx| match problem.coords[loc.get()] {
        Some(Coord::Plane { x, y }) => (x, y),
        other => panic!(
            "{}: planar coordinates expected, got {other:?}",
            problem.name
        ),
    };
    let dist = |a, b| {
        let ((xa, ya), (xb, yb)) = (xy(a), xy(b));
        ((xa - xb) * (xa - xb) + (ya - yb) * (ya - yb)).sqrt()
    };
    for route in &plan.routes {
        let tech = &problem.technicians[route.tech.get()];
        let (mut at, mut now) = (tech.start, unit(route.start));
        for s in &route.stops {
            let here = match s.stop {
                Stop::Visit(v) => problem.visits[v.get()].loc,
                Stop::Restock => problem.depot.as_ref().expect("a depot").loc,
                Stop::Break => at,
            };
            now += dist(at, here);
            at = here;
            if let Stop::Visit(v) = s.stop {
                let visit = &problem.visits[v.get()];
                let w = visit
                    .windows
                    .iter()
                    .find(|w| now <= unit(w.end) + 1e-6)
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: visit {} starts at {now} in double precision, after its windows",
                            problem.name, visit.id
                        )
                    });
                now = now.max(unit(w.start)) + unit(problem.duration(route.tech, v));
            }
        }
        now += dist(at, tech.end);
        let shift = tech.shifts[route.shift];
        assert!(
            now <= unit(shift.end + tech.hours.overtime) + 1e-6,
            "{}: {} is back at {now} in double precision, after the shift",
            problem.name,
            tech.id
        );
    }
}

/// A quick configuration for tests.
pub fn quick() -> SolverConfig {
    SolverConfig {
        iterations: Some(200),
        solver: fieldsched::solver::SolverChoice::Heuristic,
        ..SolverConfig::default()
    }
}

/// Runs the `fieldsched` binary with `args`.
pub fn fieldsched(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fieldsched"))
        .args(args)
        .output()
        .expect("runs")
}
