//! The routes under search: one slot per technician shift with its stops, where its break
//! goes, its cost, and the concatenation segments through which [`super::price`] prices a
//! change to it in O(1).
//!
//! The break is a timing decision of the slot, not a stop the moves carry: whenever the stops
//! change, the slot puts its break where the route costs least (or leaves it out when it is
//! not owed), by segments in O(n), or through the reference schedule for routes with SLA due
//! times, whose segment cost is a lower bound.

use std::ops::Range;

use crate::model::{Break, Cost, LocIdx, Problem, TechIdx, Time, VisitIdx};
use crate::solution::schedule::{lateness, simulate};
use crate::solution::{Route, Stop};

use super::segment::{self, Segment};

/// The cost and working time of a route by the reference schedule, or `None` when infeasible.
pub(super) fn simulated(
    problem: &Problem,
    tech: TechIdx,
    shift: usize,
    stops: impl Iterator<Item = Stop> + Clone,
) -> Option<(Cost, Time)> {
    let summary = simulate(problem, tech, shift, stops, None).ok()?;
    let cost = crate::solution::cost::route_cost(problem, tech, &summary, false).total();
    Some((cost, summary.working()))
}

/// `stops` with [`Stop::Break`] after the first `lunch` of them.
pub(super) fn with_lunch(
    stops: &[Stop],
    lunch: Option<usize>,
) -> impl Iterator<Item = Stop> + Clone + '_ {
    let (before, after) = stops.split_at(lunch.unwrap_or(stops.len()));
    let pause = lunch.map(|_| Stop::Break);
    before
        .iter()
        .copied()
        .chain(pause)
        .chain(after.iter().copied())
}

/// Prefix and suffix segments of a route of simple visits: `prefix[k]` runs from the start
/// location through the first `k` stops, `suffix[k]` from stop `k` to the end location, and
/// `tail[k]` over stops `k..` alone (for pieces that end in another technician's route); all
/// three without the break, and again with it in [`Broken`] when the route takes one.
#[derive(Clone)]
pub(super) struct Family {
    pub(super) prefix: Vec<Segment>,
    pub(super) suffix: Vec<Segment>,
    pub(super) tail: Vec<Segment>,
    /// The same with the route's break, when it takes one.
    pub(super) broken: Option<Broken>,
}

/// The segments of a route that takes its break after its first `at` stops: `prefix[k - at]`
/// runs from the start through stop `k - 1` (for `k >= at`); `suffix[k]` and `tail[k]` start
/// at stop `k` (for `k < at`).
#[derive(Clone)]
pub(super) struct Broken {
    pub(super) at: usize,
    pub(super) prefix: Vec<Segment>,
    pub(super) suffix: Vec<Segment>,
    pub(super) tail: Vec<Segment>,
}

impl Family {
    /// The break-free segments of `alone` (one per stop) between `start` and `end`.
    fn new(problem: &Problem, start: Segment, end: Segment, alone: &[Segment]) -> Self {
        let mut prefix = Vec::with_capacity(alone.len() + 1);
        prefix.push(start);
        for seg in alone {
            let last = prefix[prefix.len() - 1];
            prefix.push(last.then(problem, seg));
        }
        let mut suffix = vec![end; alone.len() + 1];
        let mut tail = alone.to_vec();
        for k in (0..alone.len()).rev() {
            suffix[k] = alone[k].then(problem, &suffix[k + 1]);
            if k + 1 < alone.len() {
                tail[k] = alone[k].then(problem, &tail[k + 1]);
            }
        }
        Family {
            prefix,
            suffix,
            tail,
            broken: None,
        }
    }

    /// The end location of the shift: the suffix after the last stop.
    pub(super) fn end(&self) -> &Segment {
        &self.suffix[self.suffix.len() - 1]
    }

    /// The whole route without a break.
    fn route(&self, problem: &Problem) -> Segment {
        self.prefix[0].then(problem, &self.suffix[0])
    }

    /// The whole route with the break after its first `at` stops.
    fn route_with_break(&self, problem: &Problem, lunch: Break, at: usize) -> Segment {
        self.prefix[at]
            .then_break(lunch)
            .then(problem, &self.suffix[at])
    }

    /// Fills [`Broken`] for a break after the first `at` of `alone`.
    fn break_after(&mut self, problem: &Problem, lunch: Break, at: usize, alone: &[Segment]) {
        let mut prefix = Vec::with_capacity(alone.len() + 1 - at);
        prefix.push(self.prefix[at].then_break(lunch));
        for seg in &alone[at..] {
            let last = prefix[prefix.len() - 1];
            prefix.push(last.then(problem, seg));
        }
        let mut suffix = vec![*self.end(); at];
        let mut tail = vec![*self.end(); at];
        for k in (0..at).rev() {
            if k + 1 == at {
                let paused = alone[k].then_break(lunch);
                suffix[k] = paused.then(problem, &self.suffix[at]);
                tail[k] = match alone.get(at) {
                    Some(_) => paused.then(problem, &self.tail[at]),
                    None => paused,
                };
            } else {
                suffix[k] = alone[k].then(problem, &suffix[k + 1]);
                tail[k] = alone[k].then(problem, &tail[k + 1]);
            }
        }
        self.broken = Some(Broken {
            at,
            prefix,
            suffix,
            tail,
        });
    }
}

/// The segments of a route of simple visits: with the windows as they are, and for routes
/// with SLA due times also with each due time as its visit's latest start (a route priced
/// in those without time warp is on time everywhere, and its price is the reference
/// schedule's). Routes with due times also keep the lateness of their break-free earliest
/// schedule and where the due visits are.
#[derive(Clone)]
pub(super) struct Segments {
    pub(super) loose: Family,
    on_time: Option<Family>,
    /// `late[k]`: lateness cost of the first `k` stops, each started as early as possible
    /// without a break (empty when no stop has a due time).
    late: Vec<Cost>,
    /// `dues[k]`: stops with a due time among the first `k` (empty when none has).
    dues: Vec<u32>,
    /// The least a visit of the route costs when it starts late ([`Cost::MAX`] when none
    /// is due).
    pub(super) least_late: Cost,
    /// Whether a stop's duration or cost depends on the technician.
    pub(super) personal: bool,
    /// `reach[k]`: distance and travel time from the start through the first `k` stops, and
    /// where they end; compact, for bounds that read no segment.
    pub(super) reach: Vec<Reach>,
}

/// Distance and travel time of a route's start through some of its stops, and where they end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reach {
    pub(super) distance: i64,
    pub(super) travel: Time,
    pub(super) at: LocIdx,
}

/// What visit `v` costs when it starts one tick after its due time ([`Cost::MAX`] when it has
/// none).
pub(super) fn least_late(problem: &Problem, v: VisitIdx) -> Cost {
    let visit = problem.visit(v);
    visit
        .due
        .map_or(Cost::MAX, |due| lateness(problem, visit, due + 1).1)
}

impl Segments {
    /// The segments with due times as latest starts (the loose ones when no stop is due).
    pub(super) fn on_time(&self) -> &Family {
        self.on_time.as_ref().unwrap_or(&self.loose)
    }

    /// When the first `k` stops are done, each started as early as possible without a break
    /// (the start of the shift for `k == 0`).
    pub(super) fn end_of_prefix(&self, k: usize) -> Time {
        self.loose.prefix[k].earliest + self.loose.prefix[k].duration
    }

    /// Arrival at stop `k` in the earliest schedule without a break.
    pub(super) fn arrival(&self, problem: &Problem, k: usize) -> Time {
        let f = &self.loose;
        self.end_of_prefix(k) + problem.travel.time(f.prefix[k].last, f.tail[k].first)
    }

    pub(super) fn late_before(&self, k: usize) -> Cost {
        self.late.get(k).copied().unwrap_or(0)
    }

    pub(super) fn late_from(&self, k: usize) -> Cost {
        self.late.last().map_or(0, |all| all - self.late[k])
    }

    pub(super) fn due_before(&self, k: usize) -> bool {
        self.dues.get(k).is_some_and(|&d| d > 0)
    }

    pub(super) fn due_from(&self, k: usize) -> bool {
        self.dues.last().is_some_and(|&all| all > self.dues[k])
    }

    /// Fills `late` and `dues` when a stop has a due time.
    fn note_dues(&mut self, problem: &Problem, tech: TechIdx, visits: &[VisitIdx]) {
        if visits.iter().all(|&v| problem.visit(v).due.is_none()) {
            return;
        }
        self.late.push(0);
        self.dues.push(0);
        for (k, &v) in visits.iter().enumerate() {
            let visit = problem.visit(v);
            let start = self.end_of_prefix(k + 1) - problem.duration(tech, v);
            let late = lateness(problem, visit, start).1;
            self.late.push(self.late[k].saturating_add(late));
            self.dues
                .push(self.dues[k] + u32::from(visit.due.is_some()));
        }
    }
}

/// A technician's calendar week under a weekly working-time cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CappedWeek {
    tech: TechIdx,
    week: i32,
    cap: Time,
}

/// The cost a slot whose stops cannot be driven carries.
pub(super) const INFEASIBLE: Cost = Cost::MAX / 4;

/// A technician shift being filled.
#[derive(Clone)]
pub struct Slot {
    pub(super) tech: TechIdx,
    pub(super) shift: usize,
    /// Visits and restock stops, in order; the break is kept apart, in `lunch`.
    pub(super) stops: Vec<Stop>,
    /// The visits among `stops`, in order.
    visits: Vec<VisitIdx>,
    /// Where the break goes: after the first `lunch` stops (`None`: no break).
    pub(super) lunch: Option<usize>,
    pub(super) cost: Cost,
    /// Working time of the route (departure to return).
    pub(super) working: Time,
    /// Most working time the route may take: what the technician's weekly cap leaves after
    /// the other routes of the week ([`Time::MAX`] when uncapped).
    pub(super) budget: Time,
    /// Present when every stop is a simple visit.
    pub(super) segments: Option<Segments>,
    /// The first slot whose technician and shift are this one's in all but the name, when
    /// there are several such: while empty, they place a visit that names no technician alike.
    pub(super) twin: Option<usize>,
}

impl Slot {
    /// The cost of this technician shift driving `stops` (with its break where they have one),
    /// by the reference schedule, or `None` when infeasible or over the budget.
    pub(super) fn simulated_cost(
        &self,
        problem: &Problem,
        stops: impl Iterator<Item = Stop> + Clone,
    ) -> Option<Cost> {
        simulated(problem, self.tech, self.shift, stops)
            .filter(|&(_, working)| working <= self.budget)
            .map(|(cost, _)| cost)
    }

    pub(super) fn new(problem: &Problem, tech: TechIdx, shift: usize) -> Self {
        let mut slot = Slot {
            tech,
            shift,
            stops: Vec::new(),
            visits: Vec::new(),
            lunch: None,
            cost: 0,
            working: 0,
            budget: problem.tech(tech).hours.max_weekly.unwrap_or(Time::MAX),
            segments: None,
            twin: None,
        };
        slot.refresh(problem);
        slot
    }

    /// The break of the slot's shift, if it has one.
    pub(super) fn shift_break(&self, problem: &Problem) -> Option<Break> {
        problem.tech(self.tech).shifts[self.shift].lunch
    }

    /// The capped week the slot's route counts in, if its technician's week is capped.
    pub(super) fn capped_week(&self, problem: &Problem) -> Option<CappedWeek> {
        let tech = problem.tech(self.tech);
        tech.hours.max_weekly.map(|cap| CappedWeek {
            tech: self.tech,
            week: tech.shifts[self.shift].week,
            cap,
        })
    }

    /// The visits of the slot, in order.
    pub fn visits(&self) -> &[VisitIdx] {
        &self.visits
    }

    /// Recomputes the segments, the place of the break and the cost after the stops changed.
    pub(super) fn refresh(&mut self, problem: &Problem) {
        self.visits.clear();
        self.visits
            .extend(self.stops.iter().filter_map(|s| match s {
                Stop::Visit(v) => Some(*v),
                Stop::Restock | Stop::Break => None,
            }));
        let simple = self.stops.len() == self.visits.len()
            && self.visits.iter().all(|&v| segment::is_simple(problem, v));
        let priced = if simple {
            let visits = std::mem::take(&mut self.visits);
            let priced = self.refresh_segments(problem, &visits);
            self.visits = visits;
            priced
        } else {
            self.segments = None;
            self.place_break_by_schedule(problem)
        };
        (self.cost, self.working) = match priced {
            Some((cost, working)) if working <= self.budget => (cost, working),
            _ => (INFEASIBLE, 0),
        };
    }

    /// Builds the segments of a route of simple `visits`, puts the break where it costs least
    /// and returns the cost and working time.
    fn refresh_segments(&mut self, problem: &Problem, visits: &[VisitIdx]) -> Option<(Cost, Time)> {
        let (tech, shift, budget) = (self.tech, self.shift, self.budget);
        let (start, end) = segment::ends(problem, tech, shift);
        let alone = |on_time| -> Vec<Segment> {
            visits
                .iter()
                .map(|&v| Segment::visit_by(problem, tech, v, on_time))
                .collect()
        };
        let loose = alone(false);
        let due = visits.iter().any(|&v| problem.visit(v).due.is_some());
        let strict = due.then(|| alone(true));
        let mut cache = Segments {
            loose: Family::new(problem, start, end, &loose),
            on_time: strict
                .as_deref()
                .map(|a| Family::new(problem, start, end, a)),
            late: Vec::new(),
            dues: Vec::new(),
            least_late: visits
                .iter()
                .map(|&v| least_late(problem, v))
                .min()
                .unwrap_or(Cost::MAX),
            personal: visits.iter().any(|&v| problem.is_personal(v)),
            reach: Vec::new(),
        };
        cache.reach = (cache.loose.prefix.iter())
            .map(|p| Reach {
                distance: p.distance,
                travel: p.travel,
                at: p.last,
            })
            .collect();
        cache.note_dues(problem, tech, visits);
        let cost_of = |route: Segment| {
            (route.duration <= budget)
                .then(|| segment::route_cost(problem, tech, shift, &route))
                .flatten()
                .map(|c| (c, route.duration))
        };
        let lunch = self.shift_break(problem).filter(|_| !visits.is_empty());
        // Each place of the break (`None`: no break, when none is owed), priced by segments.
        let price = |f: &Family, at: Option<usize>| match (lunch, at) {
            (Some(b), Some(at)) => cost_of(f.route_with_break(problem, b, at)),
            _ => cost_of(f.route(problem)),
        };
        let mut places: Vec<Option<usize>> = Vec::new();
        if lunch.is_none_or(|b| !owed(&cache.loose.prefix[visits.len()], b)) {
            places.push(None);
        }
        if lunch.is_some() {
            places.extend((0..=visits.len()).map(Some));
        }
        let mut options: Vec<(Cost, Time, Option<usize>)> = places
            .into_iter()
            .filter_map(|at| price(&cache.loose, at).map(|(c, w)| (c, w, at)))
            .collect();
        options.sort_unstable();
        let chosen = match &cache.on_time {
            None => options.first().copied(),
            Some(strict) => {
                // Loose segments leave lateness out: a place is priced on time when it can
                // be, else by the reference schedule, in order of its loose cost until no
                // later one can beat the best.
                let floor = cache.late_before(visits.len());
                let mut best: Option<(Cost, Time, Option<usize>)> = None;
                for &(bound, _, at) in &options {
                    if best.is_some_and(|(c, _, _)| bound.saturating_add(floor) >= c) {
                        break;
                    }
                    let found = price(strict, at).or_else(|| {
                        simulated(problem, tech, shift, with_lunch(&self.stops, at))
                            .filter(|&(_, w)| w <= budget)
                    });
                    if let Some((c, w)) = found {
                        if best.is_none_or(|(b, _, _)| c < b) {
                            best = Some((c, w, at));
                        }
                    }
                }
                best
            }
        };
        self.lunch = chosen.and_then(|(_, _, at)| at);
        if let (Some(b), Some(at)) = (lunch, self.lunch) {
            cache.loose.break_after(problem, b, at, &loose);
            if let (Some(f), Some(a)) = (cache.on_time.as_mut(), strict.as_deref()) {
                f.break_after(problem, b, at, a);
            }
        }
        self.segments = Some(cache);
        match chosen {
            _ if visits.is_empty() => Some((0, 0)),
            chosen => chosen.map(|(c, w, _)| (c, w)),
        }
    }

    /// Puts the break of a route of stops segments do not describe where the reference
    /// schedule says it costs least; returns the cost and working time.
    fn place_break_by_schedule(&mut self, problem: &Problem) -> Option<(Cost, Time)> {
        let (tech, shift, budget) = (self.tech, self.shift, self.budget);
        let price = |at| {
            simulated(problem, tech, shift, with_lunch(&self.stops, at))
                .filter(|&(_, w)| w <= budget)
        };
        let mut best = price(None).map(|(c, w)| (c, w, None));
        if self.shift_break(problem).is_some() {
            for at in 0..=self.stops.len() {
                if let Some((c, w)) = price(Some(at)) {
                    if best.is_none_or(|(b, _, _)| c < b) {
                        best = Some((c, w, Some(at)));
                    }
                }
            }
        }
        self.lunch = best.and_then(|(_, _, at)| at);
        best.map(|(c, w, _)| (c, w))
    }
}

/// Whether a route whose visits end with `served` (from its start) owes its break: service
/// ends after the break's window opens, each started as early as possible.
pub(super) fn owed(served: &Segment, lunch: Break) -> bool {
    served.earliest + served.duration > lunch.start
}

/// The slots of slot `s`'s capped week (`s` alone when its technician's week is uncapped).
///
/// The slots of a technician's week are contiguous: [`super::slots::empty_slots`] makes a
/// technician's slots in the order of its shifts, which are sorted by start.
pub(super) fn week_of(problem: &Problem, slots: &[Slot], s: usize) -> Range<usize> {
    let Some(week) = slots[s].capped_week(problem) else {
        return s..s + 1;
    };
    let same = |x: &Slot| x.capped_week(problem) == Some(week);
    let lo = slots[..s]
        .iter()
        .rposition(|x| !same(x))
        .map_or(0, |k| k + 1);
    let hi = slots[s..]
        .iter()
        .position(|x| !same(x))
        .map_or(slots.len(), |k| s + k);
    lo..hi
}

/// Sets the working-time budgets of the slots in the capped week of slot `s` (if any) after
/// its route changed.
pub(super) fn rebudget(problem: &Problem, slots: &mut [Slot], s: usize) {
    let Some(week) = slots[s].capped_week(problem) else {
        return;
    };
    let range = week_of(problem, slots, s);
    let total: Time = slots[range.clone()].iter().map(|x| x.working).sum();
    for x in &mut slots[range] {
        x.budget = week.cap - (total - x.working);
    }
}

/// The non-empty routes of the slots, each with its break.
pub fn routes(slots: &[Slot]) -> Vec<Route> {
    slots
        .iter()
        .filter(|s| !s.stops.is_empty())
        .map(|s| Route {
            tech: s.tech,
            shift: s.shift,
            stops: with_lunch(&s.stops, s.lunch).collect(),
        })
        .collect()
}

/// Cost of the slots without the technicians' fixed costs: what routing decides.
pub fn routing_cost(problem: &Problem, slots: &[Slot]) -> Cost {
    slots
        .iter()
        .filter(|s| !s.stops.is_empty())
        .map(|s| s.cost - problem.tech(s.tech).fixed_cost)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::solver::fixture::{random_solomon, with_breaks, with_sla};

    /// A slot's tracked lateness is the reference schedule's (routes without a break), and
    /// never more than it with one.
    #[test]
    fn slots_track_the_reference_lateness() {
        let mut rng = Rng::new(9);
        for (problem, broken) in [
            (with_sla(random_solomon(3, 14, 80), 3), false),
            (with_breaks(with_sla(random_solomon(3, 14, 80), 3), 3), true),
        ] {
            let mut slots = crate::solver::slots::empty_slots(&problem);
            let mut late = 0;
            for _ in 0..3000 {
                let mut visits: Vec<VisitIdx> = problem.visit_indices().collect();
                rng.shuffle(&mut visits);
                visits.truncate(rng.range(0, 6) as usize);
                crate::solver::slots::set_visits(&problem, &mut slots, 0, &visits);
                let slot = &slots[0];
                let stops = with_lunch(&slot.stops, slot.lunch);
                let summary = simulate(&problem, slot.tech, 0, stops, None);
                let (Ok(summary), Some(cache)) = (summary, &slot.segments) else {
                    continue;
                };
                let tracked = cache.late_before(slot.stops.len());
                match broken {
                    false => assert_eq!(tracked, summary.lateness_cost),
                    true => assert!(tracked <= summary.lateness_cost),
                }
                late += usize::from(summary.lateness_cost > 0);
            }
            assert!(late > 50, "too few late routes drawn: {late}");
        }
    }
}
