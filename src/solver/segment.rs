//! Concatenation segments: the time, distance and load of a run of stops in O(1) per join.
//!
//! A segment summarises a sequence of stops driven back to back: the least time it takes
//! (travel, service, unavoidable waiting), its time warp (how far back in time the driver
//! would have to travel to respect every window; zero for a feasible sequence), and the
//! earliest and latest start at its first stop that achieve that duration. Joining two
//! segments is O(1), so a route's prefixes and suffixes answer "what does this route cost
//! with this visit inserted here?" without walking the route again.
//!
//! A break joins as a stop of its own where the segment before it ends (no travel), so a
//! route's prefixes and suffixes with and without its break price every place it could go.
//!
//! A restock joins as a zero-length stop at the depot with no window. Tools and spare parts
//! are summarised apart, in [`super::kit`]. A visit with several windows is described by
//! their hull (from the first opening to the last closing): a relaxation, so its segments give
//! a lower bound ([`is_exact`] says which visits they describe exactly), and the reference
//! schedule ([`crate::solution::schedule::simulate`]), the oracle these are tested against,
//! prices the routes that hold one. SLA due times are left out of segments: they never make a route infeasible, so for a route
//! with due visits the segment cost is a lower bound (lateness only adds, and due times only
//! shorten how long the technician may put off leaving), which moves are filtered by before
//! the reference schedule prices them.

use crate::model::{Break, Cost, Hours, LocIdx, Problem, TechIdx, Time, VisitIdx};
use crate::solution::schedule::Summary;

/// Far enough to stand for "unbounded" while sums of a few of them cannot overflow.
const FAR: Time = 1 << 52;

/// A run of stops, summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Least total time from the start of the first service to the end of the last.
    pub duration: Time,
    /// Time warp needed to respect every window (0 when feasible).
    pub warp: Time,
    /// Earliest start at the first stop that attains `duration`.
    pub earliest: Time,
    /// Latest start at the first stop that attains `duration`.
    pub latest: Time,
    /// Distance driven inside the segment.
    pub distance: i64,
    /// Travel time inside the segment.
    pub travel: Time,
    /// Load of the visits in the segment.
    pub load: i64,
    /// Preference costs of the visits for the technician the segment was made for.
    pub preference: Cost,
    /// Location of the first stop.
    pub first: LocIdx,
    /// Location of the last stop.
    pub last: LocIdx,
}

impl Segment {
    /// A zero-length stop at `loc` whose start lies in `[earliest, latest]`.
    pub fn point(loc: LocIdx, earliest: Time, latest: Time) -> Self {
        Segment {
            duration: 0,
            warp: 0,
            earliest,
            latest,
            distance: 0,
            travel: 0,
            load: 0,
            preference: 0,
            first: loc,
            last: loc,
        }
    }

    /// A restock at the problem's depot (`None` when it has none).
    pub fn restock(problem: &Problem) -> Option<Self> {
        (problem.depot.as_ref()).map(|d| Segment::point(d.loc, -FAR, FAR))
    }

    /// The segment of visit `v` alone, done by technician `tech`.
    pub fn visit(problem: &Problem, tech: TechIdx, v: VisitIdx) -> Self {
        Segment::visit_by(problem, tech, v, false)
    }

    /// The segment of visit `v` alone, done by technician `tech`; with `on_time`, its SLA due
    /// time (if any) closes its window, so a route of such segments without time warp has no
    /// visit late.
    pub fn visit_by(problem: &Problem, tech: TechIdx, v: VisitIdx, on_time: bool) -> Self {
        let visit = problem.visit(v);
        let (open, close) = match (visit.windows.first(), visit.windows.last()) {
            (Some(first), Some(last)) => (first.start, last.end),
            _ => (-FAR, FAR),
        };
        let close = match visit.due {
            Some(due) if on_time => close.min(due),
            _ => close,
        };
        let earliest = visit.release.map_or(open, |r| r.max(open));
        Segment {
            duration: problem.duration(tech, v),
            warp: (earliest - close).max(0),
            earliest: earliest.min(close),
            latest: close,
            distance: 0,
            travel: 0,
            load: visit.demand,
            preference: visit.preferences.cost(tech),
            first: visit.loc,
            last: visit.loc,
        }
    }

    /// The segment of visit `v` done by technician `tech` (see [`Segment::visit_by`]), right
    /// after a restock at the depot when `restocked` (and the problem has one).
    pub fn stop(
        problem: &Problem,
        tech: TechIdx,
        v: VisitIdx,
        on_time: bool,
        restocked: bool,
    ) -> Self {
        let visit = Segment::visit_by(problem, tech, v, on_time);
        match Segment::restock(problem).filter(|_| restocked) {
            Some(depot) => depot.then(problem, &visit),
            None => visit,
        }
    }

    /// This segment followed by `next`.
    #[inline]
    pub fn then(&self, problem: &Problem, next: &Segment) -> Segment {
        let (travel, distance) = problem.travel.arc(self.last, next.first);
        self.join(next, travel, distance)
    }

    /// This segment followed by the break `lunch`, taken where the segment ends.
    #[inline]
    pub fn then_break(&self, lunch: Break) -> Segment {
        let at = Segment {
            duration: lunch.duration,
            ..Segment::point(self.last, lunch.start, lunch.end)
        };
        self.join(&at, 0, 0)
    }

    fn join(&self, next: &Segment, travel: Time, distance: i64) -> Segment {
        let delta = self.duration - self.warp + travel;
        let wait = (next.earliest - delta - self.latest).max(0);
        let warp = (self.earliest + delta - next.latest).max(0);
        Segment {
            duration: self.duration + next.duration + travel + wait,
            warp: self.warp + next.warp + warp,
            earliest: (next.earliest - delta).max(self.earliest) - wait,
            latest: (next.latest - delta).min(self.latest) + warp,
            distance: self.distance + next.distance + distance,
            travel: self.travel + next.travel + travel,
            load: self.load + next.load,
            preference: self.preference + next.preference,
            first: self.first,
            last: next.last,
        }
    }
}

/// Whether segments describe visit `v` exactly (else they relax its windows to their hull).
pub fn is_exact(problem: &Problem, v: VisitIdx) -> bool {
    problem.visit(v).windows.len() <= 1
}

/// The start and end segments of technician `tech`'s shift `shift` (the end open until the
/// overtime allowance runs out).
pub fn ends(problem: &Problem, tech: TechIdx, shift: usize) -> (Segment, Segment) {
    let t = problem.tech(tech);
    let s = t.shifts[shift];
    (
        Segment::point(t.start, s.start, s.end),
        Segment::point(t.end, s.start, s.end + t.hours.overtime),
    )
}

/// The cost of a whole route (start depot to end depot) of technician `tech` in shift `shift`
/// summarised by `route`, or `None` when it breaks a window, the shift, the working-time cap or
/// the capacity. Matches `route_cost` of the reference schedule when no visit has a due time,
/// and is a lower bound of it otherwise.
#[inline]
pub fn route_cost(problem: &Problem, tech: TechIdx, shift: usize, route: &Segment) -> Option<Cost> {
    let t = problem.tech(tech);
    if route.warp > 0
        || t.capacity.is_some_and(|c| route.load > c)
        || t.hours.max_working.is_some_and(|cap| route.duration > cap)
    {
        return None;
    }
    // Leaving at the earliest start that attains the least duration also returns earliest.
    let back = route.earliest + route.duration;
    let summary = Summary {
        departure: route.earliest,
        back,
        distance: route.distance,
        travel: route.travel,
        preference_cost: route.preference,
        overtime: Hours::overtime(t.shifts[shift], back),
        ..Summary::default()
    };
    Some(crate::solution::cost::route_cost(problem, tech, &summary, false).total())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::solution::Stop;
    use crate::solution::schedule::{Violation, simulate};

    fn problem() -> Problem {
        let mut problem = crate::solver::fixture::random_solomon(7, 12, 60);
        // Working time costs too, so the least duration (latest departure) is exercised.
        for tech in &mut problem.technicians {
            tech.work_rate = crate::model::Rate::new(3, 2);
        }
        problem
    }

    /// Random orders of random subsets: the segment cost equals the reference schedule's.
    #[test]
    fn segments_agree_with_the_reference_schedule() {
        agree(&problem(), TechIdx(0));
    }

    /// The same with durations by level, preferences, overtime and a working-time cap, for a
    /// slow and a fast technician.
    #[test]
    fn segments_agree_under_field_rules() {
        let mut problem = crate::solver::fixture::with_field_rules(problem(), 5);
        // Shorter shifts, so overtime and the cap bind.
        for tech in &mut problem.technicians {
            let shift = &mut tech.shifts[0];
            let span = shift.end - shift.start;
            shift.end = shift.start + span * 45 / 100;
            tech.hours.overtime = span * 6 / 10;
            tech.hours.max_working = Some(span * 4 / 10);
        }
        for tech in [TechIdx(0), TechIdx(4)] {
            let seen = agree(&problem, tech);
            assert!(seen.overtime > 20 && seen.capped > 20, "{tech:?}: {seen:?}");
        }
    }

    /// Segments leave eligibility to their callers, so routes are drawn from eligible visits.
    fn agree(problem: &Problem, tech: TechIdx) -> Seen {
        let mut rng = Rng::new(3);
        let (start, end) = ends(problem, tech, 0);
        let mut seen = Seen::default();
        for _ in 0..3000 {
            let len = rng.range(1, 6) as usize;
            let mut visits: Vec<VisitIdx> = problem
                .visit_indices()
                .filter(|&v| problem.is_eligible(tech, v))
                .collect();
            rng.shuffle(&mut visits);
            visits.truncate(len);
            let route = visits
                .iter()
                .fold(start, |s, &v| {
                    s.then(problem, &Segment::visit(problem, tech, v))
                })
                .then(problem, &end);
            let fast = route_cost(problem, tech, 0, &route);
            let simulated = simulate(
                problem,
                tech,
                0,
                visits.iter().map(|&v| Stop::Visit(v)),
                None,
            );
            seen.overtime += usize::from(simulated.is_ok_and(|s| s.overtime > 0));
            seen.capped += usize::from(matches!(simulated, Err(Violation::WorkingTime { .. })));
            let slow = simulated
                .ok()
                .map(|s| crate::solution::cost::route_cost(problem, tech, &s, false).total());
            assert_eq!(fast, slow, "route {visits:?}");
            seen.feasible += usize::from(slow.is_some());
        }
        assert!(
            seen.feasible > 100,
            "too few feasible routes drawn: {seen:?}"
        );
        seen
    }

    /// How many routes drawn were feasible, ran into overtime, or broke the working-time cap.
    #[derive(Debug, Default)]
    struct Seen {
        feasible: usize,
        overtime: usize,
        capped: usize,
    }
}
