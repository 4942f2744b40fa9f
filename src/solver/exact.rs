//! The exact engine (MILP through good_lp and HiGHS).

use crate::error::{Error, Result};
use crate::model::Problem;
use crate::solution::Solution;

use super::SolverConfig;

/// Whether this build has the exact engine.
pub const AVAILABLE: bool = cfg!(feature = "highs");

/// Whether the exact engine models every constraint of `problem`.
pub fn supports(_problem: &Problem) -> bool {
    false
}

/// Solves `problem` to optimality (or the time limit), warm-started from `start`.
pub fn solve(_problem: &Problem, _config: &SolverConfig, _start: &Solution) -> Result<Solution> {
    Err(Error::Solver(if AVAILABLE {
        "the exact engine is not implemented yet; use --solver heuristic".into()
    } else {
        "this build has no exact engine (built without the `highs` feature); use --solver heuristic"
            .into()
    }))
}
