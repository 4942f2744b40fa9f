//! Solving: configuration, the engines, and the choice between them.

mod components;
pub mod crews;
pub mod exact;
mod explain;
#[cfg(test)]
mod fixture;
mod insert;
mod kit;
mod local;
mod parts;
mod price;
mod route;
mod ruin;
mod search;
pub mod segment;
mod slots;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Problem;
use crate::solution::schedule::simulate;
use crate::solution::{Solution, SolverInfo};

pub use explain::{explain, unmeetable_due_times};
pub use price::counts as pricing_counts;

/// Which engine solves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SolverChoice {
    /// The exact engine for problems of at most `exact_max_visits` visits, else the heuristic.
    #[default]
    Auto,
    /// The exact MILP engine.
    Exact,
    /// The heuristic engine.
    Heuristic,
}

/// How to solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SolverConfig {
    /// Wall-clock limit in seconds.
    pub time_limit: Option<f64>,
    /// Iteration limit of the heuristic's search.
    pub iterations: Option<u64>,
    /// Random seed.
    pub seed: u64,
    /// Worker threads (≥ 1).
    pub threads: usize,
    /// Engine choice.
    pub solver: SolverChoice,
    /// Largest problem `auto` hands to the exact engine.
    pub exact_max_visits: usize,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            time_limit: None,
            iterations: None,
            seed: 1,
            threads: 1,
            solver: SolverChoice::Auto,
            exact_max_visits: 12,
        }
    }
}

impl SolverConfig {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if self.threads == 0 || self.threads > 256 {
            return Err(Error::Usage("threads must be from 1 to 256".into()));
        }
        if self.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
            return Err(Error::Usage(
                "the time limit must be a positive number of seconds".into(),
            ));
        }
        Ok(())
    }
}

/// Search iterations when neither an iteration nor a time limit is given.
const DEFAULT_ITERATIONS: u64 = 2000;

/// Share of the time limit the heuristic may use to warm-start the exact engine.
const WARM_START_SHARE: f64 = 0.1;

/// Share of the time limit left to the exact engine on independent components, when `auto`
/// finds some it can take.
const COMPONENTS_SHARE: f64 = 0.2;

/// Share of the search budget spent on using fewer technicians when technicians cost to use
/// (Solomon hierarchical, 30 s: 41 of 44 at the BKS count with 0.25 and with 0.4, mean distance
/// gap 0.96 % against 1.11 %).
const FLEET_SHARE: f64 = 0.25;

/// The search phases and their limits: a fleet phase first when using a technician has a
/// fixed cost (the hierarchical objective), then the cost phase.
fn phases(
    problem: &Problem,
    started: Instant,
    iterations: u64,
    deadline: Option<Instant>,
) -> Vec<(search::Phase, search::Limits)> {
    let all = search::Limits {
        iterations,
        deadline,
    };
    if problem.technicians.iter().all(|t| t.fixed_cost == 0) {
        return vec![(search::Phase::Cost, all)];
    }
    let fleet = search::Limits {
        iterations: match iterations {
            u64::MAX => u64::MAX,
            n => (n as f64 * FLEET_SHARE) as u64,
        },
        deadline: deadline.map(|d| started + d.duration_since(started).mul_f64(FLEET_SHARE)),
    };
    let rest = search::Limits {
        iterations: match iterations {
            u64::MAX => u64::MAX,
            n => n - fleet.iterations,
        },
        deadline,
    };
    vec![(search::Phase::Fleet, fleet), (search::Phase::Cost, rest)]
}

/// Stops a running solve, which then returns the best plan found so far. Clones share the
/// same flag, so one can be handed to another thread (a signal handler, a service's job table).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Asks the solve to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the solve was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How a running solve is doing, reported a few times a second by the heuristic's search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    /// Seconds since the solve started.
    pub elapsed: f64,
    /// Cost of the best plan so far, in displayed units (visits left out included).
    pub cost: f64,
    /// Visits the best plan leaves out.
    pub unassigned: usize,
    /// Routes of the best plan.
    pub routes: usize,
    /// Visits of the best plan that start after their SLA due time.
    pub late: u32,
    /// Relative gap between the best plan and the proven bound, while the exact engine runs
    /// (routes, late and unassigned are then the warm start's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
}

/// Solves `problem` as `config` says.
pub fn solve(problem: &Problem, config: &SolverConfig) -> Result<Solution> {
    solve_with(problem, config, &|_| {}, &Cancel::new())
}

/// Solves `problem` as `config` says, calling `progress` now and then during the search, and
/// returning the best plan so far once `cancel` is cancelled (the exact engine included: HiGHS
/// is interrupted from its MIP callback, which also reports the gap).
pub fn solve_with(
    problem: &Problem,
    config: &SolverConfig,
    progress: &(dyn Fn(&Progress) + Sync),
    cancel: &Cancel,
) -> Result<Solution> {
    run(problem, config, None, progress, cancel)
}

/// Solves `problem` starting from the plan of `routes` (routes the schedule rejects are
/// dropped; visits in no route are inserted first), as [`solve_with`] does otherwise.
pub fn solve_from(
    problem: &Problem,
    config: &SolverConfig,
    routes: &[crate::solution::Route],
    progress: &(dyn Fn(&Progress) + Sync),
    cancel: &Cancel,
) -> Result<Solution> {
    run(problem, config, Some(routes), progress, cancel)
}

fn run(
    problem: &Problem,
    config: &SolverConfig,
    start: Option<&[crate::solution::Route]>,
    progress: &(dyn Fn(&Progress) + Sync),
    cancel: &Cancel,
) -> Result<Solution> {
    config.validate()?;
    let started = Instant::now();
    let use_exact = match config.solver {
        SolverChoice::Exact => true,
        SolverChoice::Heuristic => false,
        SolverChoice::Auto => {
            exact::AVAILABLE
                && exact::supports(problem)
                && problem.visits.len() <= config.exact_max_visits
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| Error::Solver(format!("cannot start {} threads: {e}", config.threads)))?;
    let mut solution = pool.install(|| {
        let deadline = config
            .time_limit
            .map(|t| started + Duration::from_secs_f64(t));
        let iterations = match (config.iterations, deadline) {
            (Some(n), _) => n,
            (None, Some(_)) if !use_exact => u64::MAX,
            _ => DEFAULT_ITERATIONS,
        };
        // Independent components small enough for the exact engine, when the whole is not.
        let parts = match config.solver {
            SolverChoice::Auto if exact::AVAILABLE && !use_exact => {
                components::exact_components(problem, config.exact_max_visits)
            }
            _ => Vec::new(),
        };
        let finish_by = deadline;
        // The exact engine gets what the warm-start search leaves of the time limit, and the
        // exact components a share of it.
        let share = match (use_exact, parts.is_empty()) {
            (true, _) => WARM_START_SHARE,
            (false, false) => 1.0 - COMPONENTS_SHARE,
            (false, true) => 1.0,
        };
        let deadline = config
            .time_limit
            .map(|t| started + Duration::from_secs_f64(t * share))
            .or(deadline);
        let (mut slots, pending) = match start {
            Some(routes) => slots::slots_from(problem, routes),
            None => (
                slots::empty_slots(problem),
                problem.visit_indices().collect(),
            ),
        };
        let left = insert::regret_insertion(problem, &mut slots, pending, deadline);
        let plan = slots::Plan::new(problem, slots, left.iter().map(|u| u.visit).collect());
        let phases = phases(problem, started, iterations, deadline);
        let report = |plan: &slots::Plan| progress(&describe(problem, plan, started));
        let watch = search::Watch {
            report: &report,
            cancel,
        };
        let (best, iterations) =
            search::search(problem, plan, config.seed, config.threads, &phases, watch);
        let mut slots = best.slots;
        // What is still left out gets its reason (and one more chance to fit).
        let unassigned = insert::regret_insertion(problem, &mut slots, best.left, deadline);
        let mut start = Solution {
            routes: route::routes(&slots),
            unassigned,
            solver: SolverInfo {
                iterations,
                ..SolverInfo::default()
            },
        };
        if !parts.is_empty() {
            start = components::refine(&parts, config, start, finish_by, cancel)?;
        }
        if use_exact && !cancel.is_cancelled() {
            let remaining = config
                .time_limit
                .map(|t| (t - started.elapsed().as_secs_f64()).max(0.1));
            let config = SolverConfig {
                time_limit: remaining,
                ..config.clone()
            };
            // While HiGHS runs: its gap and incumbent, beside the warm start's other figures.
            let (slots, _) = slots::slots_from(problem, &start.routes);
            let left = start.unassigned.iter().map(|u| u.visit).collect();
            let base = describe(problem, &slots::Plan::new(problem, slots, left), started);
            let report = |gap: Option<f64>, cost: f64| {
                progress(&Progress {
                    elapsed: started.elapsed().as_secs_f64(),
                    cost: cost.min(base.cost),
                    gap,
                    ..base
                })
            };
            exact::solve(problem, &config, &start, &report, cancel)
        } else {
            Ok(Solution {
                solver: SolverInfo {
                    name: "heuristic".into(),
                    ..start.solver
                },
                ..start
            })
        }
    })?;
    solution.solver.seed = config.seed;
    solution.solver.threads = config.threads;
    solution.solver.time_limit = config.time_limit;
    solution.solver.elapsed = started.elapsed().as_secs_f64();
    Ok(solution)
}

/// The progress a plan under search stands for.
fn describe(problem: &Problem, plan: &slots::Plan, started: Instant) -> Progress {
    let routes = route::routes(&plan.slots);
    let late = routes
        .iter()
        .filter_map(|r| simulate(problem, r.tech, r.shift, r.stops.iter().copied(), None).ok())
        .map(|summary| summary.late_visits)
        .sum();
    Progress {
        elapsed: started.elapsed().as_secs_f64(),
        cost: problem.objective.display_cost(plan.cost),
        unassigned: plan.left.len(),
        routes: routes.len(),
        late,
        gap: None,
    }
}
