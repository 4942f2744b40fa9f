//! Plans: routes, unassigned visits with reasons, the reference schedule, costs and the checker.

pub mod check;
pub mod cost;
pub mod kpis;
pub mod precision;
pub mod schedule;

use crate::model::{TechIdx, VisitIdx};

/// One stop of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stop {
    /// Serve a visit.
    Visit(VisitIdx),
    /// Call at the depot to restock every tool and spare part.
    Restock,
    /// The shift's break, taken where the previous stop left the technician (at home before
    /// the first stop), once its window opens.
    Break,
}

impl Stop {
    /// The stop with its visit renamed by `rename`.
    pub fn map_visit(self, rename: impl Fn(&VisitIdx) -> VisitIdx) -> Stop {
        match self {
            Stop::Visit(v) => Stop::Visit(rename(&v)),
            other => other,
        }
    }
}

/// One technician's ordered stops in one shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The technician.
    pub tech: TechIdx,
    /// Index into the technician's shifts.
    pub shift: usize,
    /// Stops in order.
    pub stops: Vec<Stop>,
}

impl Route {
    /// The visits of the route, in order.
    pub fn visits(&self) -> impl Iterator<Item = VisitIdx> + '_ {
        self.stops.iter().filter_map(|s| match s {
            Stop::Visit(v) => Some(*v),
            Stop::Restock | Stop::Break => None,
        })
    }
}

/// Why a visit was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// No technician holds every required skill at the required level.
    NoEligibleTechnician,
    /// It needs several technicians together and no crew has them.
    NoCrew,
    /// No eligible technician can start it within any of its windows in any shift.
    NoReachableWindow,
    /// It fits no eligible technician's shift (travel and service exceed the shift).
    ShiftTooShort,
    /// Its demand exceeds every eligible technician's capacity.
    Capacity,
    /// No eligible technician can get the tools or spare parts it needs.
    MissingTools,
    /// It could be served alone, but not beside the other visits of the plan.
    NoRoom,
    /// Optional and left out because serving it costs more than its penalty.
    NotWorthIt,
}

impl Reason {
    /// Every reason, in a fixed order.
    pub const ALL: [Reason; 8] = [
        Reason::NoEligibleTechnician,
        Reason::NoCrew,
        Reason::NoReachableWindow,
        Reason::ShiftTooShort,
        Reason::Capacity,
        Reason::MissingTools,
        Reason::NoRoom,
        Reason::NotWorthIt,
    ];

    /// The stable code written in plans.
    pub fn code(self) -> &'static str {
        match self {
            Reason::NoEligibleTechnician => "no_eligible_technician",
            Reason::NoCrew => "no_crew",
            Reason::NoReachableWindow => "no_reachable_window",
            Reason::ShiftTooShort => "shift_too_short",
            Reason::Capacity => "capacity",
            Reason::MissingTools => "missing_tools",
            Reason::NoRoom => "no_room",
            Reason::NotWorthIt => "not_worth_it",
        }
    }

    /// The reason with this code.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A visit left out of the plan, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unassigned {
    /// The visit.
    pub visit: VisitIdx,
    /// Why.
    pub reason: Reason,
    /// A sentence for people.
    pub detail: String,
}

/// What the solver reports about itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SolverInfo {
    /// Engine name (`heuristic`, `exact`).
    pub name: String,
    /// Random seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Time limit in seconds, if any.
    pub time_limit: Option<f64>,
    /// Wall-clock seconds spent.
    pub elapsed: f64,
    /// Proven lower bound on the cost (displayed units), if known.
    pub bound: Option<f64>,
    /// Relative gap between the cost and the bound, if known.
    pub gap: Option<f64>,
    /// Whether the plan is proven optimal.
    pub optimal: bool,
    /// Heuristic search iterations run, over all threads.
    pub iterations: u64,
}

/// A plan: non-empty routes, unassigned visits, solver facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Solution {
    /// Routes with at least one stop.
    pub routes: Vec<Route>,
    /// Visits left out.
    pub unassigned: Vec<Unassigned>,
    /// Solver facts.
    pub solver: SolverInfo,
}
