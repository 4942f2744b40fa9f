//! fieldsched dispatches technicians to on-site installation, inspection, maintenance and repair
//! visits against response-time SLAs.
//!
//! Data flows one way: [`io`] reads a file into a validated [`model::Problem`]; [`solver`] turns it
//! into a [`solution::Solution`]; [`solution::check`] verifies any plan independently; [`io::plan`]
//! writes it. [`graph`] answers structural questions about skills and eligibility.
//!
//! ```no_run
//! use fieldsched::{io, solver};
//! let problem = io::read_problem("instances/tiny.json".as_ref(), &io::ReadOptions::default())?;
//! let plan = solver::solve(&problem, &solver::SolverConfig::default())?;
//! println!("{} routes", plan.routes.len());
//! # Ok::<(), fieldsched::Error>(())
//! ```
//!
//! A problem can also be built in code ([`model::builder::ProblemBuilder`]) rather than read.
//! A service solves with [`solve_with`] (progress callback, [`Cancel`] token) on a worker thread
//! and checks every plan with [`check_solution`] before answering; `examples/service.rs` does
//! exactly that. During the day, [`replan::replan`] applies events to a problem and its current
//! plan and re-solves from that plan ([`solve_from`]).
//!
//! Features: `highs` (the exact engine, on by default), `serve` (the HTTP service: axum,
//! tokio) and `cli` (the command line, with `serve`; on by default for the binary). A service
//! that embeds the library takes `default-features = false, features = ["highs"]` and compiles
//! neither the server nor the command line.

pub mod bench;
#[cfg(feature = "cli")]
pub mod cli;
pub mod error;
pub mod generate;
pub mod graph;
pub mod io;
pub mod model;
pub mod replan;
pub mod rng;
#[cfg(feature = "serve")]
pub mod serve;
pub mod solution;
pub mod solver;

pub use error::{Error, Issue, Result};
pub use model::Problem;
pub use solution::Solution;
pub use solution::check::{check, check_solution};
pub use solver::{Cancel, Progress, SolverConfig, solve, solve_from, solve_with};
