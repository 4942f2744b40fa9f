//! What every reader target does with a problem it accepted: solve it briefly and check the plan,
//! so inputs that are valid but odd reach the solver and the checker too.

use fieldsched::solver::SolverChoice;
use fieldsched::{Problem, SolverConfig, check_solution, solve};

/// Problems larger than this are only read (solving them would slow the fuzzer down).
const SOLVE_UP_TO: usize = 30;

/// Solves a small accepted problem with a short heuristic run; any failure is a crash.
pub fn solve_if_small(problem: &Problem) {
    if problem.visits.len() > SOLVE_UP_TO || problem.technicians.len() > SOLVE_UP_TO {
        return;
    }
    let config = SolverConfig {
        iterations: Some(20),
        solver: SolverChoice::Heuristic,
        ..SolverConfig::default()
    };
    let solution = solve(problem, &config).expect("a valid problem solves");
    check_solution(problem, &solution).expect("the plan passes the checker");
}
