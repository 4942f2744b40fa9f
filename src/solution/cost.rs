//! The cost breakdown of routes and plans, from the reference schedule.

use crate::model::{Cost, Problem, TechIdx, VisitIdx};

use super::schedule::{self, Summary, Violation};
use super::{Route, Solution, Unassigned};

/// What a plan costs, term by term (integer cost units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CostBreakdown {
    /// Fixed costs of the technicians used.
    pub fixed: Cost,
    /// Working time, departure to return.
    pub working: Cost,
    /// Distance driven.
    pub distance: Cost,
    /// SLA lateness and breaches.
    pub lateness: Cost,
    /// Visits left out.
    pub unassigned: Cost,
    /// Overtime past the end of shifts.
    pub overtime: Cost,
    /// Visits done by other technicians than the preferred or previous ones.
    pub preference: Cost,
    /// Visits moved off the technician the current plan gives them (re-planning).
    pub change: Cost,
}

impl CostBreakdown {
    /// The objective value.
    pub fn total(&self) -> Cost {
        self.fixed
            .saturating_add(self.working)
            .saturating_add(self.distance)
            .saturating_add(self.lateness)
            .saturating_add(self.unassigned)
            .saturating_add(self.overtime)
            .saturating_add(self.preference)
            .saturating_add(self.change)
    }

    /// Adds another breakdown term by term.
    pub fn add(&mut self, other: &CostBreakdown) {
        self.fixed = self.fixed.saturating_add(other.fixed);
        self.working = self.working.saturating_add(other.working);
        self.distance = self.distance.saturating_add(other.distance);
        self.lateness = self.lateness.saturating_add(other.lateness);
        self.unassigned = self.unassigned.saturating_add(other.unassigned);
        self.overtime = self.overtime.saturating_add(other.overtime);
        self.preference = self.preference.saturating_add(other.preference);
        self.change = self.change.saturating_add(other.change);
    }
}

/// The cost of a feasible route of technician `tech` with this summary (zero when it has no stops).
pub fn route_cost(
    problem: &Problem,
    tech: TechIdx,
    summary: &Summary,
    empty: bool,
) -> CostBreakdown {
    if empty {
        return CostBreakdown::default();
    }
    let t = problem.tech(tech);
    CostBreakdown {
        fixed: t.fixed_cost,
        working: t.work_rate.apply(summary.working()),
        distance: problem
            .objective
            .distance
            .apply(summary.distance)
            .saturating_mul(t.distance_factor),
        lateness: summary.lateness_cost,
        unassigned: 0,
        overtime: t.hours.overtime_rate.apply(summary.overtime),
        preference: summary.preference_cost,
        change: summary.change_cost,
    }
}

/// The cost of a route, or why it is infeasible.
pub fn evaluate_route(problem: &Problem, route: &Route) -> Result<CostBreakdown, Violation> {
    let summary = schedule::simulate(
        problem,
        route.tech,
        route.shift,
        route.stops.iter().copied(),
        None,
    )?;
    Ok(route_cost(
        problem,
        route.tech,
        &summary,
        route.stops.is_empty(),
    ))
}

/// The cost of a plan, or the first infeasible route (its index) and why.
pub fn evaluate(
    problem: &Problem,
    solution: &Solution,
) -> Result<CostBreakdown, (usize, Violation)> {
    let mut total = CostBreakdown::default();
    for (k, route) in solution.routes.iter().enumerate() {
        total.add(&evaluate_route(problem, route).map_err(|v| (k, v))?);
    }
    total.unassigned = unassigned_cost(problem, &solution.unassigned);
    Ok(total)
}

/// What leaving out these visits costs.
pub fn unassigned_cost(problem: &Problem, unassigned: &[Unassigned]) -> Cost {
    leave_out_cost(problem, unassigned.iter().map(|u| u.visit))
}

/// What leaving out the visits `visits` costs.
pub fn leave_out_cost(problem: &Problem, visits: impl IntoIterator<Item = VisitIdx>) -> Cost {
    visits
        .into_iter()
        .fold(0, |c, v| c.saturating_add(problem.leave_out_cost(v)))
}
