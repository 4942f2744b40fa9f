//! The routes under search: one slot per technician shift with its visits, where its restock
//! and its break go, its cost, and the concatenation segments through which [`super::price`]
//! prices a change to it in O(1).
//!
//! The restock and the break are decisions of the slot, not stops the moves carry: whenever
//! the visits change, the slot puts them where the route costs least (the break left out when
//! it is not owed, the restock when the kit the technician sets out with suffices), by
//! segments in O(n) per place of the restock, or through the reference schedule where the
//! segment cost is a lower bound (routes with SLA due times or visits with several windows).

use std::ops::Range;

use crate::model::{Break, Cost, LocIdx, Problem, TechIdx, Time, VisitIdx};
use crate::solution::schedule::{lateness, simulate};
use crate::solution::{Route, Stop};

use super::kit::Kits;
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

/// Where a route restocks: right before these of its visits (a slot keeps one; a route priced
/// from pieces may carry two).
pub(super) type Restocks = [Option<usize>; 2];

/// The stops of a route of `visits` with a restock right before each visit `restocks` names
/// and the break after the first `lunch` visits (before a restock when both fall there).
pub(super) fn stops_of(
    visits: &[VisitIdx],
    restocks: Restocks,
    lunch: Option<usize>,
) -> impl Iterator<Item = Stop> + Clone + '_ {
    (0..=visits.len()).flat_map(move |k| {
        let pause = (lunch == Some(k)).then_some(Stop::Break);
        let refill = (k < visits.len() && restocks.contains(&Some(k))).then_some(Stop::Restock);
        let visit = visits.get(k).map(|&v| Stop::Visit(v));
        pause.into_iter().chain(refill).chain(visit)
    })
}

/// Prefix and suffix segments of a route: `prefix[k]` runs from the start location through
/// the first `k` visits, `suffix[k]` from visit `k` to the end location, and `tail[k]` over
/// visits `k..` alone (for pieces that end in another technician's route); all three with the
/// route's restock (as part of the visit it comes before) and without the break, and again
/// with it in [`Broken`] when the route takes one.
#[derive(Clone)]
pub(super) struct Family {
    pub(super) prefix: Vec<Segment>,
    pub(super) suffix: Vec<Segment>,
    pub(super) tail: Vec<Segment>,
    /// The same with the route's break, when it takes one.
    pub(super) broken: Option<Broken>,
}

/// The segments of a route that takes its break after its first `at` visits: `prefix[k - at]`
/// runs from the start through visit `k - 1` (for `k >= at`); `suffix[k]` and `tail[k]` start
/// at visit `k` (for `k < at`).
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

    /// The whole route with the break after its first `at` visits.
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

/// The segments of a route: with the windows as they are (several relaxed to their hull), and
/// for routes with SLA due times also with each due time as its visit's latest start (a route priced
/// in those without time warp is on time everywhere, and its price is the reference
/// schedule's). Routes with due times also keep the lateness of their break-free earliest
/// schedule and where the due visits are.
#[derive(Clone)]
pub(super) struct Segments {
    pub(super) loose: Family,
    on_time: Option<Family>,
    /// `late[k]`: lateness cost of the first `k` visits, each started as early as possible
    /// without a break (empty when no visit has a due time).
    late: Vec<Cost>,
    /// Where the visits with a due time are.
    pub(super) dues: Tally,
    /// Where the visits the segments relax are (several windows).
    pub(super) relaxed: Tally,
    /// What the visits need of the technician's tools and parts (`None`: nothing).
    pub(super) kits: Option<Kits>,
    /// The least a visit of the route costs when it starts late ([`Cost::MAX`] when none
    /// is due).
    pub(super) least_late: Cost,
    /// Whether a stop's duration or cost depends on the technician.
    pub(super) personal: bool,
    /// `reach[k]`: distance, travel and service time from the start through the first `k`
    /// visits, and where they end; compact, for bounds that read no segment.
    pub(super) reach: Vec<Reach>,
}

/// How many of a route's first `k` visits have some mark, for every `k` (empty when none has).
#[derive(Debug, Clone, Default)]
pub(super) struct Tally(Vec<u32>);

impl Tally {
    fn new(visits: &[VisitIdx], marked: impl Fn(VisitIdx) -> bool) -> Self {
        if !visits.iter().any(|&v| marked(v)) {
            return Tally::default();
        }
        let mut counts = Vec::with_capacity(visits.len() + 1);
        counts.push(0);
        for &v in visits {
            counts.push(counts[counts.len() - 1] + u32::from(marked(v)));
        }
        Tally(counts)
    }

    /// Whether one of the first `k` visits is marked.
    pub(super) fn before(&self, k: usize) -> bool {
        self.0.get(k).is_some_and(|&d| d > 0)
    }

    /// Whether one of the visits from `k` on is marked.
    pub(super) fn from(&self, k: usize) -> bool {
        self.0.last().is_some_and(|&all| all > self.0[k])
    }

    /// Whether any visit is marked.
    pub(super) fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Distance, travel time and service time of a route's start through some of its visits, and
/// where they end.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reach {
    pub(super) distance: i64,
    pub(super) travel: Time,
    pub(super) service: Time,
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

    /// When the first `k` visits are done, each started as early as possible without a break
    /// (the start of the shift for `k == 0`).
    pub(super) fn end_of_prefix(&self, k: usize) -> Time {
        self.loose.prefix[k].earliest + self.loose.prefix[k].duration
    }

    /// Arrival at visit `k` (at the restock, when it comes first) in the earliest schedule
    /// without a break.
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

    /// Fills `late` when a visit has a due time.
    fn note_lateness(&mut self, problem: &Problem, tech: TechIdx, visits: &[VisitIdx]) {
        if !self.dues.any() {
            return;
        }
        self.late.push(0);
        for (k, &v) in visits.iter().enumerate() {
            let start = self.end_of_prefix(k + 1) - problem.duration(tech, v);
            let late = lateness(problem, problem.visit(v), start).1;
            self.late.push(self.late[k].saturating_add(late));
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
    /// The visits, in order; the restock and the break are kept apart.
    pub(super) visits: Vec<VisitIdx>,
    /// Where the restock goes, when the kit needs one: right before visit `restock`.
    pub(super) restock: Option<usize>,
    /// Where the break goes: after the first `lunch` visits (`None`: no break).
    pub(super) lunch: Option<usize>,
    pub(super) cost: Cost,
    /// Working time of the route (departure to return).
    pub(super) working: Time,
    /// Most working time the route may take: what the technician's weekly cap leaves after
    /// the other routes of the week ([`Time::MAX`] when uncapped).
    pub(super) budget: Time,
    pub(super) segments: Segments,
    /// The first slot whose technician and shift are this one's in all but the name, when
    /// there are several such: while empty, they place a visit that names no technician alike.
    pub(super) twin: Option<usize>,
}

/// A route's segments with its restock and break where it costs least, and that cost.
struct Planned {
    segments: Segments,
    restock: Option<usize>,
    lunch: Option<usize>,
    /// Cost and working time; `None` when infeasible.
    priced: Option<(Cost, Time)>,
}

impl Slot {
    /// The cost of this technician shift driving `stops`, by the reference schedule, or
    /// `None` when infeasible or over the budget.
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
        let budget = problem.tech(tech).hours.max_weekly.unwrap_or(Time::MAX);
        let planned = plan(problem, tech, shift, budget, &[]);
        Slot {
            tech,
            shift,
            visits: Vec::new(),
            restock: None,
            lunch: None,
            cost: 0,
            working: 0,
            budget,
            segments: planned.segments,
            twin: None,
        }
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

    /// The stops of the slot's route: its visits with the restock and the break.
    pub(super) fn stops(&self) -> impl Iterator<Item = Stop> + Clone + '_ {
        stops_of(&self.visits, [self.restock, None], self.lunch)
    }

    /// Recomputes the segments, the places of the restock and the break, and the cost after
    /// the visits changed.
    pub(super) fn refresh(&mut self, problem: &Problem) {
        let planned = plan(problem, self.tech, self.shift, self.budget, &self.visits);
        self.segments = planned.segments;
        (self.restock, self.lunch) = (planned.restock, planned.lunch);
        (self.cost, self.working) = match planned.priced {
            Some((cost, working)) if working <= self.budget => (cost, working),
            _ => (INFEASIBLE, 0),
        };
    }
}

/// Plans `visits` for technician `tech` in shift `shift` within `budget`: the restock (when the
/// kit needs one: before any visit up to the first the kit it sets out with cannot serve) and
/// the break where the route costs least, with its segments.
fn plan(
    problem: &Problem,
    tech: TechIdx,
    shift: usize,
    budget: Time,
    visits: &[VisitIdx],
) -> Planned {
    let short = Kits::first_short(problem, problem.tech(tech), visits);
    let (first, rest) = match short {
        Some(last) if problem.depot.is_some() => (Some(0), 1..last + 1),
        _ => (None, 0..0),
    };
    let mut best: Option<Planned> = None;
    for restock in std::iter::once(first).chain(rest.map(Some)) {
        let planned = plan_with(problem, tech, shift, budget, visits, restock);
        let better = best
            .as_ref()
            .is_none_or(|b| match (planned.priced, b.priced) {
                (Some((c, _)), Some((d, _))) => c < d,
                (found, _) => found.is_some(),
            });
        if better {
            best = Some(planned);
        }
    }
    best.expect("one place of the restock at least")
}

/// [`plan`] with the restock right before visit `restock` (or none).
fn plan_with(
    problem: &Problem,
    tech: TechIdx,
    shift: usize,
    budget: Time,
    visits: &[VisitIdx],
    restock: Option<usize>,
) -> Planned {
    let (start, end) = segment::ends(problem, tech, shift);
    let alone = |on_time| -> Vec<Segment> {
        (visits.iter().enumerate())
            .map(|(k, &v)| Segment::stop(problem, tech, v, on_time, restock == Some(k)))
            .collect()
    };
    let loose = alone(false);
    let dues = Tally::new(visits, |v| problem.visit(v).due.is_some());
    let strict = dues.any().then(|| alone(true));
    let mut cache = Segments {
        loose: Family::new(problem, start, end, &loose),
        on_time: strict
            .as_deref()
            .map(|a| Family::new(problem, start, end, a)),
        late: Vec::new(),
        dues,
        relaxed: Tally::new(visits, |v| !segment::is_exact(problem, v)),
        kits: Kits::new(problem, visits, restock),
        least_late: visits
            .iter()
            .map(|&v| least_late(problem, v))
            .min()
            .unwrap_or(Cost::MAX),
        personal: visits.iter().any(|&v| problem.is_personal(v)),
        reach: Vec::new(),
    };
    let mut service = 0;
    cache.reach = (cache.loose.prefix.iter().enumerate())
        .map(|(k, p)| {
            if k > 0 {
                service += problem.duration(tech, visits[k - 1]);
            }
            Reach {
                distance: p.distance,
                travel: p.travel,
                service,
                at: p.last,
            }
        })
        .collect();
    cache.note_lateness(problem, tech, visits);
    let stocked =
        (cache.kits.as_ref()).is_none_or(|k| k.prefix[visits.len()].fits(problem.tech(tech)));
    let lunch = problem.tech(tech).shifts[shift]
        .lunch
        .filter(|_| !visits.is_empty());
    let by_schedule = |at: Option<usize>| {
        simulated(problem, tech, shift, stops_of(visits, [restock, None], at))
            .filter(|&(_, w)| w <= budget)
    };
    let chosen = if !stocked {
        None
    } else if cache.relaxed.any() {
        // Segments relax some windows: every place of the break by the reference schedule.
        let places =
            std::iter::once(None).chain(lunch.iter().flat_map(|_| (0..=visits.len()).map(Some)));
        places
            .filter_map(|at| by_schedule(at).map(|(c, w)| (c, w, at)))
            .min_by_key(|&(c, _, at)| (c, at.is_some()))
    } else {
        cheapest_break(
            problem,
            (tech, shift, budget),
            &cache,
            visits.len(),
            lunch,
            by_schedule,
        )
    };
    let at = chosen.and_then(|(_, _, at)| at);
    if let (Some(b), Some(at)) = (lunch, at) {
        cache.loose.break_after(problem, b, at, &loose);
        if let (Some(f), Some(a)) = (cache.on_time.as_mut(), strict.as_deref()) {
            f.break_after(problem, b, at, a);
        }
    }
    Planned {
        segments: cache,
        restock,
        lunch: at,
        priced: match chosen {
            _ if visits.is_empty() => Some((0, 0)),
            chosen => chosen.map(|(c, w, _)| (c, w)),
        },
    }
}

/// The cheapest place of the break (`None`: no break, when none is owed) in a route of `n`
/// visits whose segments are exact, as (cost, working time, place): by segments, and for a
/// route with due times on time where it can be, else by the reference schedule
/// (`by_schedule`).
fn cheapest_break(
    problem: &Problem,
    (tech, shift, budget): (TechIdx, usize, Time),
    cache: &Segments,
    n: usize,
    lunch: Option<Break>,
    by_schedule: impl Fn(Option<usize>) -> Option<(Cost, Time)>,
) -> Option<(Cost, Time, Option<usize>)> {
    let cost_of = |route: Segment| {
        (route.duration <= budget)
            .then(|| segment::route_cost(problem, tech, shift, &route))
            .flatten()
            .map(|c| (c, route.duration))
    };
    let price = |f: &Family, at: Option<usize>| match (lunch, at) {
        (Some(b), Some(at)) => cost_of(f.route_with_break(problem, b, at)),
        _ => cost_of(f.route(problem)),
    };
    let mut places: Vec<Option<usize>> = Vec::new();
    if lunch.is_none_or(|b| !owed(&cache.loose.prefix[n], b)) {
        places.push(None);
    }
    if lunch.is_some() {
        places.extend((0..=n).map(Some));
    }
    let mut options: Vec<(Cost, Time, Option<usize>)> = places
        .into_iter()
        .filter_map(|at| price(&cache.loose, at).map(|(c, w)| (c, w, at)))
        .collect();
    options.sort_unstable();
    let Some(strict) = &cache.on_time else {
        return options.first().copied();
    };
    // Loose segments leave lateness out: a place is priced on time when it can be, else by
    // the reference schedule, in order of its loose cost until no later one can beat the best.
    let floor = cache.late_before(n);
    let mut best: Option<(Cost, Time, Option<usize>)> = None;
    for &(bound, _, at) in &options {
        if best.is_some_and(|(c, _, _)| bound.saturating_add(floor) >= c) {
            break;
        }
        if let Some((c, w)) = price(strict, at).or_else(|| by_schedule(at)) {
            if best.is_none_or(|(b, _, _)| c < b) {
                best = Some((c, w, at));
            }
        }
    }
    best
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
        .filter(|s| !s.visits.is_empty())
        .map(|s| Route {
            tech: s.tech,
            shift: s.shift,
            stops: s.stops().collect(),
        })
        .collect()
}

/// Cost of the slots without the technicians' fixed costs: what routing decides.
pub fn routing_cost(problem: &Problem, slots: &[Slot]) -> Cost {
    slots
        .iter()
        .filter(|s| !s.visits.is_empty())
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
                let summary = simulate(&problem, slot.tech, 0, slot.stops(), None);
                let Ok(summary) = summary else {
                    continue;
                };
                let tracked = slot.segments.late_before(slot.visits.len());
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
