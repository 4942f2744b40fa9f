//! Regret insertion: repeatedly insert the visit whose best placement would cost the most more
//! if it had to take its second best, over the routes of eligible technicians, respecting every
//! hard constraint through the reference schedule.

use std::time::Instant;

use rayon::prelude::*;

use crate::model::{Cost, Problem, TechIdx, Time, VisitIdx};
use crate::solution::cost::route_cost;
use crate::solution::schedule::{lateness, simulate};
use crate::solution::{Reason, Route, Stop, Unassigned};

use super::explain::explain;
use super::segment::{self, Segment};

/// Where a visit would go in one route, and what it would add to the cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placement {
    delta: Cost,
    position: usize,
    restock: bool,
}

fn needs_restock(problem: &Problem, v: VisitIdx) -> bool {
    let visit = problem.visit(v);
    problem.depot.is_some() && visit.needs_kit()
}

/// The cheapest feasible placement of `v` in `slot`.
fn best_placement(problem: &Problem, slot: &Slot, v: VisitIdx) -> Option<Placement> {
    if !problem.is_eligible(slot.tech, v) {
        return None;
    }
    if slot.segments.is_some() && segment::is_simple(problem, v) {
        return best_segment_placement(problem, slot, v);
    }
    let restock_options: &[bool] = if needs_restock(problem, v) {
        &[false, true]
    } else {
        &[false]
    };
    let mut best: Option<Placement> = None;
    for position in 0..=slot.stops.len() {
        for &restock in restock_options {
            let (before, after) = slot.stops.split_at(position);
            let middle: &[Stop] = if restock {
                &[Stop::Restock, Stop::Visit(v)]
            } else {
                &[Stop::Visit(v)]
            };
            let stops = before.iter().chain(middle).chain(after).copied();
            if let Some(cost) = slot.simulated_cost(problem, stops) {
                let delta = cost - slot.cost;
                if best.is_none_or(|b| delta < b.delta) {
                    best = Some(Placement {
                        delta,
                        position,
                        restock,
                    });
                }
            }
        }
    }
    best
}

/// [`best_placement`] by segments, for a simple visit in a simple route: O(1) per position;
/// when SLA due times are involved, the reference schedule prices the positions whose lower
/// bound could still beat the best cost found, cheapest bound first.
fn best_segment_placement(problem: &Problem, slot: &Slot, v: VisitIdx) -> Option<Placement> {
    let placement = |delta, position| Placement {
        delta,
        position,
        restock: false,
    };
    let better = |delta: Cost, position: usize, best: Option<Placement>| {
        best.is_none_or(|b| (delta, position) < (b.delta, b.position))
    };
    let mut best: Option<Placement> = None;
    let mut bounded: Vec<(Cost, usize)> = Vec::new();
    for position in 0..=slot.stops.len() {
        let Some(price) = price(problem, slot, position, std::iter::once(v), slot, position) else {
            continue;
        };
        let delta = price.cost - slot.cost;
        match price.exact {
            true if better(delta, position, best) => best = Some(placement(delta, position)),
            true => {}
            false => bounded.push((delta, position)),
        }
    }
    bounded.sort_unstable();
    for (bound, position) in bounded {
        if !better(bound, position, best) {
            break;
        }
        let (before, after) = slot.stops.split_at(position);
        let stops = before
            .iter()
            .copied()
            .chain([Stop::Visit(v)])
            .chain(after.iter().copied());
        if let Some(cost) = slot.simulated_cost(problem, stops) {
            let delta = cost - slot.cost;
            if better(delta, position, best) {
                best = Some(placement(delta, position));
            }
        }
    }
    best
}

/// What a route costs by its segments: the exact cost when none of its visits has an SLA due
/// time, else a lower bound (see [`price`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Price {
    pub(super) cost: Cost,
    pub(super) exact: bool,
    /// Least working time of the route (its working time when `exact`).
    pub(super) working: Time,
}

/// Prices the route of `own` made of its first `keep` stops, then `mids`, then the stops of
/// `source` from `from` on, then `own`'s end; `None` when it breaks a window, the shift, the
/// capacity or `own`'s working-time budget, or a route has no segments.
///
/// Due times change neither feasibility nor distance; they add lateness and may keep the
/// technician from leaving later (which would make a visit late). So the segment cost is a
/// lower bound, raised by the lateness known without walking the route: that of the first
/// `keep` stops (unchanged), that of `mids` started as early as possible after them, and that
/// of the tail as it was when the tail now starts no earlier than it did (lateness only grows
/// with the start).
pub(super) fn price(
    problem: &Problem,
    own: &Slot,
    keep: usize,
    mids: impl Iterator<Item = VisitIdx> + Clone,
    source: &Slot,
    from: usize,
) -> Option<Price> {
    let cache = own.segments.as_ref()?;
    let other = source.segments.as_ref()?;
    let tail_len = source.stops.len() - from;
    // A tail from another technician's route takes this technician's durations and costs.
    let foreign = !std::ptr::eq(own, source) && own.tech != source.tech;
    let retime = foreign && !problem.level_durations.is_empty();
    let mut due = cache.due_before(keep) || (tail_len > 0 && other.due_from(from));
    let mut route = cache.prefix[keep];
    for v in mids.clone() {
        route = route.then(problem, &Segment::visit(problem, own.tech, v));
        due |= problem.visit(v).due.is_some();
    }
    let late = due.then(|| {
        // Lateness of the prefix and of the mids, started as early as possible.
        let (mut clock, mut at) = (cache.end_of_prefix(keep), cache.prefix[keep].last);
        let mut late = cache.late_before(keep);
        for v in mids {
            let visit = problem.visit(v);
            let ready = Segment::visit(problem, own.tech, v).earliest;
            let start = (clock + problem.travel.time(at, visit.loc)).max(ready);
            late = late.saturating_add(lateness(problem, visit, start).1);
            (clock, at) = (start + problem.duration(own.tech, v), visit.loc);
        }
        // The tail's lateness as it was, when it starts no earlier than it did and takes as
        // long.
        if tail_len > 0
            && !retime
            && clock + problem.travel.time(at, other.tail[from].first)
                >= other.arrival(problem, from)
        {
            late = late.saturating_add(other.late_from(from));
        }
        late
    });
    route = match (tail_len, std::ptr::eq(own, source)) {
        (0, _) => route.then(problem, cache.end()),
        (_, true) => route.then(problem, &cache.suffix[from]),
        (_, false) if foreign && other.personal => source.stops[from..]
            .iter()
            .filter_map(|s| match s {
                Stop::Visit(v) => Some(Segment::visit(problem, own.tech, *v)),
                Stop::Restock => None,
            })
            .fold(route, |r, seg| r.then(problem, &seg))
            .then(problem, cache.end()),
        (_, false) => route
            .then(problem, &other.tail[from])
            .then(problem, cache.end()),
    };
    if route.duration > own.budget {
        return None;
    }
    let cost = segment::route_cost(problem, own.tech, own.shift, &route)?;
    let working = route.duration;
    Some(match late {
        None => Price {
            cost,
            exact: true,
            working,
        },
        Some(late) => Price {
            cost: cost.saturating_add(late),
            exact: false,
            working,
        },
    })
}

/// The cost and working time of a route by the reference schedule, or `None` when infeasible.
fn simulated(
    problem: &Problem,
    tech: TechIdx,
    shift: usize,
    stops: impl Iterator<Item = Stop> + Clone,
) -> Option<(Cost, Time)> {
    let summary = simulate(problem, tech, shift, stops, None).ok()?;
    let cost = route_cost(problem, tech, &summary, false).total();
    Some((cost, summary.working()))
}

/// Prefix and suffix segments of a route of simple visits: `prefix[k]` runs from the start
/// location through the first `k` stops, `suffix[k]` from stop `k` to the end location, and
/// `tail[k]` over stops `k..` alone (for pieces that end in another technician's route).
/// Routes with SLA due times also keep their lateness and where the due visits are.
#[derive(Clone)]
pub(super) struct Segments {
    pub(super) prefix: Vec<Segment>,
    pub(super) suffix: Vec<Segment>,
    pub(super) tail: Vec<Segment>,
    /// `late[k]`: lateness cost of the first `k` stops (empty when no stop has a due time).
    late: Vec<Cost>,
    /// `dues[k]`: stops with a due time among the first `k` (empty when none has).
    dues: Vec<u32>,
    /// Whether a stop's duration or cost depends on the technician.
    personal: bool,
}

impl Segments {
    /// The end location of the shift: the suffix after the last stop.
    pub(super) fn end(&self) -> &Segment {
        &self.suffix[self.suffix.len() - 1]
    }

    /// When the first `k` stops are done, each started as early as possible (the start of
    /// the shift for `k == 0`).
    fn end_of_prefix(&self, k: usize) -> Time {
        self.prefix[k].earliest + self.prefix[k].duration
    }

    /// Arrival at stop `k` as the reference schedule has it.
    fn arrival(&self, problem: &Problem, k: usize) -> Time {
        self.end_of_prefix(k) + problem.travel.time(self.prefix[k].last, self.tail[k].first)
    }

    fn late_before(&self, k: usize) -> Cost {
        self.late.get(k).copied().unwrap_or(0)
    }

    fn late_from(&self, k: usize) -> Cost {
        self.late.last().map_or(0, |all| all - self.late[k])
    }

    fn due_before(&self, k: usize) -> bool {
        self.dues.get(k).is_some_and(|&d| d > 0)
    }

    fn due_from(&self, k: usize) -> bool {
        self.dues.last().is_some_and(|&all| all > self.dues[k])
    }

    /// Fills `late` and `dues` when a stop has a due time.
    fn note_dues(&mut self, problem: &Problem, tech: TechIdx, stops: &[Stop]) {
        let visits = stops.iter().filter_map(|s| match s {
            Stop::Visit(v) => Some(*v),
            Stop::Restock => None,
        });
        if visits.clone().all(|v| problem.visit(v).due.is_none()) {
            return;
        }
        self.late.push(0);
        self.dues.push(0);
        for (k, v) in visits.enumerate() {
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
const INFEASIBLE: Cost = Cost::MAX / 4;

/// A technician shift being filled.
#[derive(Clone)]
pub struct Slot {
    pub(super) tech: TechIdx,
    shift: usize,
    stops: Vec<Stop>,
    pub(super) cost: Cost,
    /// Working time of the route (departure to return).
    pub(super) working: Time,
    /// Most working time the route may take: what the technician's weekly cap leaves after
    /// the other routes of the week ([`Time::MAX`] when uncapped).
    pub(super) budget: Time,
    /// Present when every stop is a simple visit.
    pub(super) segments: Option<Segments>,
}

impl Slot {
    /// The cost of this technician shift driving `stops`, by the reference schedule, or `None`
    /// when infeasible or over the budget.
    pub(super) fn simulated_cost(
        &self,
        problem: &Problem,
        stops: impl Iterator<Item = Stop> + Clone,
    ) -> Option<Cost> {
        simulated(problem, self.tech, self.shift, stops)
            .filter(|&(_, working)| working <= self.budget)
            .map(|(cost, _)| cost)
    }

    fn new(problem: &Problem, tech: TechIdx, shift: usize) -> Self {
        let mut slot = Slot {
            tech,
            shift,
            stops: Vec::new(),
            cost: 0,
            working: 0,
            budget: problem.tech(tech).hours.max_weekly.unwrap_or(Time::MAX),
            segments: None,
        };
        slot.refresh(problem);
        slot
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

    /// Recomputes the cost and the segments after the stops changed.
    fn refresh(&mut self, problem: &Problem) {
        // Segments know no breaks: routes of shifts with one take the reference schedule.
        let simple = problem.tech(self.tech).shifts[self.shift].lunch.is_none()
            && self.stops.iter().all(|s| match s {
                Stop::Visit(v) => segment::is_simple(problem, *v),
                Stop::Restock => false,
            });
        let (start, end) = segment::ends(problem, self.tech, self.shift);
        self.segments = simple.then(|| {
            let alone: Vec<Segment> = self
                .stops
                .iter()
                .map(|s| match s {
                    Stop::Visit(v) => Segment::visit(problem, self.tech, *v),
                    Stop::Restock => unreachable!("simple routes have no restock"),
                })
                .collect();
            let mut prefix = Vec::with_capacity(alone.len() + 1);
            prefix.push(start);
            for seg in &alone {
                let last = prefix[prefix.len() - 1];
                prefix.push(last.then(problem, seg));
            }
            let mut suffix = vec![end; alone.len() + 1];
            let mut tail = alone.clone();
            for k in (0..alone.len()).rev() {
                suffix[k] = alone[k].then(problem, &suffix[k + 1]);
                if k + 1 < alone.len() {
                    tail[k] = alone[k].then(problem, &tail[k + 1]);
                }
            }
            let mut segments = Segments {
                prefix,
                suffix,
                tail,
                late: Vec::new(),
                dues: Vec::new(),
                personal: self.stops.iter().any(|s| match s {
                    Stop::Visit(v) => problem.is_personal(*v),
                    Stop::Restock => false,
                }),
            };
            segments.note_dues(problem, self.tech, &self.stops);
            segments
        });
        let priced = match &self.segments {
            _ if self.stops.is_empty() => Some((0, 0)),
            Some(cache) if cache.dues.is_empty() => {
                let route = start.then(problem, &cache.suffix[0]);
                segment::route_cost(problem, self.tech, self.shift, &route)
                    .map(|cost| (cost, route.duration))
            }
            _ => simulated(problem, self.tech, self.shift, self.stops.iter().copied()),
        };
        (self.cost, self.working) = match priced {
            Some((cost, working)) if working <= self.budget => (cost, working),
            _ => (INFEASIBLE, 0),
        };
    }
}

/// Sets the working-time budgets of the slots in the capped week of slot `s` (if any) after
/// its route changed; returns the slots whose budget it set (`s` alone when uncapped).
///
/// The slots of a technician's week are contiguous: [`empty_slots`] makes a technician's slots
/// in the order of its shifts, which are sorted by start.
fn rebudget(problem: &Problem, slots: &mut [Slot], s: usize) -> std::ops::Range<usize> {
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
    let total: Time = slots[lo..hi].iter().map(|x| x.working).sum();
    for x in &mut slots[lo..hi] {
        x.budget = week.cap - (total - x.working);
    }
    lo..hi
}

/// One empty slot per technician shift.
pub fn empty_slots(problem: &Problem) -> Vec<Slot> {
    problem
        .tech_shifts()
        .map(|(tech, shift)| Slot::new(problem, tech, shift))
        .collect()
}

/// Slots holding `routes` (a route the schedule rejects is left out), and the visits in none
/// of the kept routes.
pub fn slots_from(problem: &Problem, routes: &[Route]) -> (Vec<Slot>, Vec<VisitIdx>) {
    let mut slots = empty_slots(problem);
    let mut placed = vec![false; problem.visits.len()];
    for route in routes {
        let Some(s) = slots
            .iter()
            .position(|s| s.tech == route.tech && s.shift == route.shift)
        else {
            continue;
        };
        // Segments leave eligibility to their callers: a route from outside is checked here.
        if !route.visits().all(|v| problem.is_eligible(route.tech, v)) {
            continue;
        }
        let slot = &mut slots[s];
        slot.stops = route.stops.clone();
        slot.refresh(problem);
        if slot.cost == INFEASIBLE {
            slot.stops.clear();
            slot.refresh(problem);
            continue;
        }
        rebudget(problem, &mut slots, s);
        for v in route.visits() {
            placed[v.get()] = true;
        }
    }
    let rest = problem
        .visit_indices()
        .filter(|v| !placed[v.get()])
        .collect();
    (slots, rest)
}

/// The non-empty routes of the slots.
pub fn routes(slots: &[Slot]) -> Vec<Route> {
    slots
        .iter()
        .filter(|s| !s.stops.is_empty())
        .map(|s| Route {
            tech: s.tech,
            shift: s.shift,
            stops: s.stops.clone(),
        })
        .collect()
}

/// Takes `visits` out of slot `s` (each with a restock stop right before it) and refreshes the
/// cost once.
pub fn remove_visits(problem: &Problem, slots: &mut [Slot], s: usize, visits: &[VisitIdx]) {
    let slot = &mut slots[s];
    let mut keep = vec![true; slot.stops.len()];
    for (k, stop) in slot.stops.iter().enumerate() {
        if matches!(stop, Stop::Visit(v) if visits.contains(v)) {
            keep[k] = false;
            if k > 0 && slot.stops[k - 1] == Stop::Restock {
                keep[k - 1] = false;
            }
        }
    }
    let mut flags = keep.into_iter();
    slot.stops.retain(|_| flags.next().unwrap_or(true));
    slot.refresh(problem);
    rebudget(problem, slots, s);
}

/// Replaces the stops of slot `s` by `visits` (no restocks) and refreshes the cost.
pub(super) fn set_visits(problem: &Problem, slots: &mut [Slot], s: usize, visits: &[VisitIdx]) {
    let slot = &mut slots[s];
    slot.stops.clear();
    slot.stops.extend(visits.iter().map(|&v| Stop::Visit(v)));
    slot.refresh(problem);
    rebudget(problem, slots, s);
}

impl Slot {
    /// The stops of the slot, in order.
    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    /// The visits of the slot, in order.
    pub fn stops_visits(&self) -> Vec<VisitIdx> {
        self.stops
            .iter()
            .filter_map(|s| match s {
                Stop::Visit(v) => Some(*v),
                Stop::Restock => None,
            })
            .collect()
    }
}

/// Total cost of the slots.
pub fn slots_cost(slots: &[Slot]) -> Cost {
    slots.iter().map(|s| s.cost).sum()
}

/// Cost of the slots without the technicians' fixed costs: what routing decides.
pub fn routing_cost(problem: &Problem, slots: &[Slot]) -> Cost {
    slots
        .iter()
        .filter(|s| !s.stops.is_empty())
        .map(|s| s.cost - problem.tech(s.tech).fixed_cost)
        .sum()
}

/// The cheapest feasible placement of `v` in the slots `candidates` (only the routes already in
/// use unless `open_routes`) as (delta, slot, placement), ties to the lower slot.
fn cheapest(
    problem: &Problem,
    slots: &[Slot],
    v: VisitIdx,
    open_routes: bool,
    candidates: impl IntoIterator<Item = usize>,
) -> Option<(Cost, usize, Placement)> {
    candidates
        .into_iter()
        .filter(|&s| open_routes || !slots[s].stops.is_empty())
        .filter_map(|s| best_placement(problem, &slots[s], v).map(|p| (p.delta, s, p)))
        .min_by_key(|&(delta, s, _)| (delta, s))
}

/// Inserts `v` at its cheapest feasible place over all slots, or the slots `within` if given
/// (only the routes already in use unless `open_routes`), unless leaving it out costs less;
/// returns whether it was inserted.
pub fn insert_cheapest(
    problem: &Problem,
    slots: &mut [Slot],
    v: VisitIdx,
    open_routes: bool,
    within: Option<&[usize]>,
) -> bool {
    let best = match within {
        Some(within) => cheapest(problem, slots, v, open_routes, within.iter().copied()),
        None => cheapest(problem, slots, v, open_routes, 0..slots.len()),
    };
    let Some((delta, s, placement)) = best else {
        return false;
    };
    if problem.visit(v).penalty.is_some_and(|pen| delta >= pen) {
        return false;
    }
    insert(problem, slots, s, v, placement);
    true
}

/// Puts `v` in slot `s` where `placement` says and refreshes the cost; returns the slots whose
/// placements may have changed (see [`rebudget`]).
fn insert(
    problem: &Problem,
    slots: &mut [Slot],
    s: usize,
    v: VisitIdx,
    placement: Placement,
) -> std::ops::Range<usize> {
    let new: &[Stop] = if placement.restock {
        &[Stop::Restock, Stop::Visit(v)]
    } else {
        &[Stop::Visit(v)]
    };
    let slot = &mut slots[s];
    slot.stops
        .splice(placement.position..placement.position, new.iter().copied());
    slot.refresh(problem);
    rebudget(problem, slots, s)
}

/// Inserts `pending` visits into `slots` by regret-2 insertion, over the routes of eligible
/// technicians; returns the visits left out with their reasons.
///
/// Past `deadline`, the rest is placed greedily.
pub fn regret_insertion(
    problem: &Problem,
    slots: &mut [Slot],
    pending: Vec<VisitIdx>,
    deadline: Option<Instant>,
) -> Vec<Unassigned> {
    let mut unassigned: Vec<Unassigned> =
        regret_insert(problem, slots, pending, true, deadline, None)
            .into_iter()
            .map(|(v, has_place)| leave_out(problem, v, has_place))
            .collect();
    unassigned.sort_by_key(|u| u.visit);
    unassigned
}

/// Tables of more placements than this restrict each visit to the shifts of its
/// [`NEAREST_TECHNICIANS`] nearest technicians.
const DENSE_TABLE: usize = 1 << 22;

/// How many technicians, nearest by home, a visit considers first in a large table.
const NEAREST_TECHNICIANS: usize = 50;

/// The placements of one pending visit in its candidate slots, with its two cheapest kept up to
/// date.
struct Row {
    /// Candidate slots, sorted; `None` for every slot.
    slots: Option<Vec<usize>>,
    /// Placement per candidate slot.
    places: Vec<Option<Placement>>,
    /// Cheapest and second cheapest placement as (delta, slot), ties to the lower slot.
    best: [Option<(Cost, usize)>; 2],
}

impl Row {
    /// The row over the candidate `slots` that take the visit now (a slot that does not take
    /// it will not later, when it holds more visits).
    fn restricted(slots: &[usize], place: impl Fn(usize) -> Option<Placement>) -> Self {
        let (slots, places) = slots
            .iter()
            .filter_map(|&s| place(s).map(|p| (s, Some(p))))
            .unzip();
        Row::ranked(Some(slots), places)
    }

    /// The row over every slot.
    fn full(count: usize, place: impl Fn(usize) -> Option<Placement>) -> Self {
        Row::ranked(None, (0..count).map(place).collect())
    }

    fn ranked(slots: Option<Vec<usize>>, places: Vec<Option<Placement>>) -> Self {
        let mut row = Row {
            slots,
            places,
            best: [None; 2],
        };
        row.rank();
        row
    }

    /// Where slot `s` sits in `places`, if it is a candidate.
    fn column(&self, s: usize) -> Option<usize> {
        match &self.slots {
            Some(slots) => slots.binary_search(&s).ok(),
            None => Some(s),
        }
    }

    /// The slot of column `k`.
    fn slot(&self, k: usize) -> usize {
        self.slots.as_ref().map_or(k, |slots| slots[k])
    }

    /// Finds the two cheapest placements from scratch.
    fn rank(&mut self) {
        self.best = [None; 2];
        for k in 0..self.places.len() {
            if let Some(p) = self.places[k] {
                let entry = (p.delta, self.slot(k));
                offer(&mut self.best, entry);
            }
        }
    }

    /// The placement in slot `s`, if it is a candidate and takes the visit.
    fn get(&self, s: usize) -> Option<Placement> {
        self.column(s).and_then(|k| self.places[k])
    }

    /// Replaces the placement in candidate slot `s`; ranks again only when a kept one changed.
    fn update(&mut self, s: usize, place: impl FnOnce() -> Option<Placement>) {
        let Some(k) = self.column(s) else { return };
        let place = place();
        self.places[k] = place;
        if self.best.iter().flatten().any(|&(_, b)| b == s) {
            self.rank();
        } else if let Some(p) = place {
            offer(&mut self.best, (p.delta, s));
        }
    }
}

/// The candidate slots of each of `pending`: the slots `within` if given; else every slot
/// (`None`) unless the table would be large, then the shifts of the visit's nearest eligible
/// technicians by home.
fn candidates(
    problem: &Problem,
    slots: &[Slot],
    pending: &[VisitIdx],
    within: Option<&[usize]>,
) -> Vec<Option<Vec<usize>>> {
    if let Some(within) = within {
        return vec![Some(within.to_vec()); pending.len()];
    }
    if pending.len().saturating_mul(slots.len()) <= DENSE_TABLE
        || problem.technicians.len() <= NEAREST_TECHNICIANS
    {
        return vec![None; pending.len()];
    }
    let shifts = Shifts::new(problem, slots);
    pending
        .par_iter()
        .map(|&v| Some(shifts.nearest(problem, v, NEAREST_TECHNICIANS)))
        .collect()
}

/// The slots of each technician's shifts.
pub struct Shifts(Vec<Vec<usize>>);

impl Shifts {
    /// Indexes `slots` by technician.
    pub fn new(problem: &Problem, slots: &[Slot]) -> Self {
        let mut of_tech = vec![Vec::new(); problem.technicians.len()];
        for (s, slot) in slots.iter().enumerate() {
            of_tech[slot.tech.get()].push(s);
        }
        Shifts(of_tech)
    }

    /// The slots, sorted, of the `k` eligible technicians nearest to `v` by their trip from
    /// home to `v` and back.
    pub fn nearest(&self, problem: &Problem, v: VisitIdx, k: usize) -> Vec<usize> {
        let at = problem.visit(v).loc;
        let mut near: Vec<(Time, TechIdx)> = problem
            .tech_indices()
            .filter(|&t| problem.is_eligible(t, v))
            .map(|t| {
                let tech = problem.tech(t);
                let trip = problem.travel.time(tech.start, at) + problem.travel.time(at, tech.end);
                (trip, t)
            })
            .collect();
        if near.len() > k {
            near.select_nth_unstable(k);
            near.truncate(k);
        }
        let mut mine: Vec<usize> = near
            .iter()
            .flat_map(|&(_, t)| self.0[t.get()].iter().copied())
            .collect();
        mine.sort_unstable();
        mine
    }
}

/// Takes `entry` among the two cheapest of `best` if it beats one of them.
fn offer(best: &mut [Option<(Cost, usize)>; 2], entry: (Cost, usize)) {
    if best[0].is_none_or(|b| entry < b) {
        *best = [Some(entry), best[0]];
    } else if best[1].is_none_or(|b| entry < b) {
        best[1] = Some(entry);
    }
}

/// Inserts `pending` visits into `slots` by regret-2 insertion (into the routes already in use
/// only, unless `open_routes`); returns the visits left out, each with whether it had a place
/// that cost more than leaving it out.
///
/// Only the slots `within` (sorted) are considered, if given. Past `deadline`, the visits still
/// pending go greedily to their cheapest place instead.
pub fn regret_insert(
    problem: &Problem,
    slots: &mut [Slot],
    mut pending: Vec<VisitIdx>,
    open_routes: bool,
    deadline: Option<Instant>,
    within: Option<&[usize]>,
) -> Vec<(VisitIdx, bool)> {
    let place = |slot: &Slot, v: VisitIdx| {
        (open_routes || !slot.stops.is_empty())
            .then(|| best_placement(problem, slot, v))
            .flatten()
    };
    // table[i]: placements of pending[i] in its candidate slots.
    let mut table: Vec<Row> = candidates(problem, slots, &pending, within)
        .into_par_iter()
        .zip(pending.par_iter())
        .map(|(mine, &v)| match mine {
            Some(mine) => Row::restricted(&mine, |s| place(&slots[s], v)),
            None => Row::full(slots.len(), |s| place(&slots[s], v)),
        })
        .collect();
    let mut unassigned = Vec::new();
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            unassigned.extend(finish_greedy(problem, slots, pending, table, open_routes));
            return unassigned;
        }
        // Pick the visit of highest regret; set aside those that fit nowhere any more.
        let mut choice: Option<(usize, VisitIdx, Cost, Cost)> = None; // (index, visit, regret, best delta)
        let mut i = 0;
        while i < pending.len() {
            let v = pending[i];
            if table[i].best[0].is_none() && table[i].slots.is_some() && within.is_none() {
                // None of its nearest technicians takes it any more: look at every slot.
                table[i] = Row::full(slots.len(), |s| place(&slots[s], v));
            }
            let [first, second] = table[i].best;
            let Some((best, _)) = first else {
                pending.swap_remove(i);
                table.swap_remove(i);
                unassigned.push((v, false));
                continue;
            };
            i += 1;
            let leave = problem.visit(v).penalty;
            if leave.is_some_and(|pen| best >= pen) {
                continue;
            }
            let alternative = [second.map(|(d, _)| d), leave]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(Cost::MAX);
            let regret = alternative.saturating_sub(best);
            let better = choice.is_none_or(|(_, c, r, b)| {
                (regret, std::cmp::Reverse(best), std::cmp::Reverse(v))
                    > (r, std::cmp::Reverse(b), std::cmp::Reverse(c))
            });
            if better {
                choice = Some((i - 1, v, regret, best));
            }
        }
        // Removals during the scan only touch positions not yet scanned, so `i` still holds `v`.
        let Some((i, v, _, _)) = choice else { break };
        let row = table.swap_remove(i);
        pending.swap_remove(i);
        let s = row.best[0]
            .unwrap_or_else(|| unreachable!("a chosen visit has a placement"))
            .1;
        let placement = row
            .get(s)
            .unwrap_or_else(|| unreachable!("ranked placements exist"));
        let changed = insert(problem, slots, s, v, placement);
        let slots = &*slots;
        pending
            .par_iter()
            .zip(table.par_iter_mut())
            .for_each(|(&w, row)| {
                for c in changed.clone() {
                    row.update(c, || place(&slots[c], w));
                }
            });
    }
    unassigned.extend(pending.into_iter().map(|v| (v, true)));
    unassigned
}

/// Places each pending visit at the cheaper of its two best slots as they are now (else over
/// its candidate slots, else over all slots), in order, without regrets; returns those left out
/// as [`regret_insert`] does.
fn finish_greedy(
    problem: &Problem,
    slots: &mut [Slot],
    pending: Vec<VisitIdx>,
    table: Vec<Row>,
    open_routes: bool,
) -> Vec<(VisitIdx, bool)> {
    let mut left = Vec::new();
    for (v, row) in pending.into_iter().zip(table) {
        if row.best[0].is_none() {
            left.push((v, false));
            continue;
        }
        let kept = row.best.iter().flatten().map(|&(_, s)| s);
        let best = cheapest(problem, slots, v, open_routes, kept)
            .or_else(|| {
                let candidates = row.slots.as_deref()?;
                cheapest(problem, slots, v, open_routes, candidates.iter().copied())
            })
            .or_else(|| cheapest(problem, slots, v, open_routes, 0..slots.len()));
        match best {
            None => left.push((v, false)),
            Some((delta, _, _)) if problem.visit(v).penalty.is_some_and(|pen| delta >= pen) => {
                left.push((v, true))
            }
            Some((_, s, placement)) => {
                insert(problem, slots, s, v, placement);
            }
        }
    }
    left
}

/// A visit left out: `has_place` when it could still be placed but costs more than its penalty.
fn leave_out(problem: &Problem, v: VisitIdx, has_place: bool) -> Unassigned {
    if has_place {
        return Unassigned {
            visit: v,
            reason: Reason::NotWorthIt,
            detail: "serving it costs more than the penalty for leaving it out".into(),
        };
    }
    let (reason, detail) = explain(problem, v);
    Unassigned {
        visit: v,
        reason,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::solver::fixture::{random_solomon, with_field_rules, with_sla};

    fn random_visits(problem: &Problem, rng: &mut Rng, most: i64) -> Vec<VisitIdx> {
        let mut visits: Vec<VisitIdx> = problem.visit_indices().collect();
        rng.shuffle(&mut visits);
        visits.truncate(rng.range(0, most) as usize);
        visits
    }

    /// `problem` (with field rules) where every technician may do every visit, at the level
    /// each has (so pieces moved between technicians change their durations and costs).
    fn everyone_eligible(mut problem: Problem) -> Problem {
        for tech in &mut problem.technicians {
            tech.levels[0] = tech.levels[0].max(2);
        }
        for visit in &mut problem.visits {
            visit.preferences.excluded.clear();
        }
        problem.eligibility =
            crate::model::Eligibility::compute(&problem.technicians, &problem.visits);
        problem
    }

    /// Routes rebuilt from random pieces: segments agree with the reference schedule on
    /// feasibility, give its cost when no visit is due, and never more than it otherwise.
    #[test]
    fn prices_are_exact_without_due_times_and_lower_bounds_with_them() {
        let mut rng = Rng::new(5);
        let (mut exact, mut bounded, mut strict) = (0, 0, 0);
        for seed in 1..=8 {
            let problem = with_sla(random_solomon(seed, 14, 80), seed);
            let problem = if seed % 2 == 0 {
                everyone_eligible(with_field_rules(problem, seed))
            } else {
                problem
            };
            let mut slots = empty_slots(&problem);
            for _ in 0..400 {
                let (a, b) = (rng.range(0, 1) as usize, rng.range(0, 2) as usize);
                let (own, source) = (
                    random_visits(&problem, &mut rng, 5),
                    random_visits(&problem, &mut rng, 5),
                );
                set_visits(&problem, &mut slots, a, &own);
                if b != a {
                    set_visits(&problem, &mut slots, b, &source);
                }
                let source = slots[b].stops_visits();
                let keep = rng.range(0, own.len() as i64) as usize;
                let from = rng.range(0, source.len() as i64) as usize;
                let mids = random_visits(&problem, &mut rng, 3);
                let visits: Vec<VisitIdx> = own[..keep]
                    .iter()
                    .chain(&mids)
                    .chain(&source[from..])
                    .copied()
                    .collect();
                let truth =
                    slots[a].simulated_cost(&problem, visits.iter().map(|&v| Stop::Visit(v)));
                let price = price(
                    &problem,
                    &slots[a],
                    keep,
                    mids.iter().copied(),
                    &slots[b],
                    from,
                );
                assert_eq!(price.is_some(), truth.is_some(), "route {visits:?}");
                let (Some(price), Some(truth)) = (price, truth) else {
                    continue;
                };
                if price.exact {
                    assert_eq!(price.cost, truth, "route {visits:?}");
                    exact += 1;
                } else {
                    assert!(price.cost <= truth, "route {visits:?}: {price:?} > {truth}");
                    bounded += 1;
                    strict += usize::from(price.cost < truth);
                }
            }
        }
        assert!(
            exact > 50 && bounded > 50,
            "too few feasible routes: {exact} exact, {bounded} bounded"
        );
        assert!(
            strict > 0,
            "no bound below its cost: due times never mattered"
        );
    }

    /// A slot's tracked lateness is the reference schedule's.
    #[test]
    fn slots_track_the_reference_lateness() {
        let mut rng = Rng::new(9);
        let problem = with_sla(random_solomon(3, 14, 80), 3);
        let mut slots = [Slot::new(&problem, TechIdx(0), 0)];
        let mut late = 0;
        for _ in 0..3000 {
            set_visits(
                &problem,
                &mut slots,
                0,
                &random_visits(&problem, &mut rng, 6),
            );
            let slot = &slots[0];
            let summary = simulate(&problem, slot.tech, 0, slot.stops.iter().copied(), None);
            let (Ok(summary), Some(cache)) = (summary, &slot.segments) else {
                continue;
            };
            assert_eq!(cache.late_before(slot.stops.len()), summary.lateness_cost);
            late += usize::from(summary.lateness_cost > 0);
        }
        assert!(late > 50, "too few late routes drawn: {late}");
    }
}
