//! Prices a route rebuilt from pieces of slots (a kept prefix, a few visits, another route's
//! tail) by their concatenation segments in O(1) per piece, with the break in the best of the
//! places a change leaves it: where it was in the kept prefix or the tail, or right before or
//! after the new visits.
//!
//! Without SLA due times the price is the reference schedule's cost of the route with its
//! break there; with them it is a lower bound, and callers price the moves whose bound is
//! promising through the reference schedule. [`counts`] tells how often that happens.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::{Cost, Problem, Time, VisitIdx};
use crate::solution::Stop;
use crate::solution::schedule::lateness;

use super::route::{Family, Slot, least_late, owed};
use super::segment::{self, Segment};

/// What a route costs by its segments: the exact cost when none of its visits has an SLA due
/// time, else a lower bound (see [`price`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Price {
    pub(super) cost: Cost,
    pub(super) exact: bool,
    /// Least working time of the route (its working time when `exact`).
    pub(super) working: Time,
    /// Where the break goes: after this many of the route's stops.
    pub(super) lunch: Option<usize>,
}

thread_local! {
    static TALLY: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}
static PRICED: AtomicU64 = AtomicU64::new(0);
static CHECKED: AtomicU64 = AtomicU64::new(0);

/// Counts one route priced by segments.
fn count_priced() {
    TALLY.with(|t| {
        let (p, c) = t.get();
        t.set((p + 1, c));
    });
}

/// Counts one route a caller priced through the reference schedule after its bound.
pub(super) fn count_checked() {
    TALLY.with(|t| {
        let (p, c) = t.get();
        t.set((p, c + 1));
    });
}

/// Adds the counts of every thread of the pool (and the calling one) to the totals.
pub(super) fn flush() {
    let move_up = || {
        let (p, c) = TALLY.with(|t| t.replace((0, 0)));
        PRICED.fetch_add(p, Ordering::Relaxed);
        CHECKED.fetch_add(c, Ordering::Relaxed);
    };
    rayon::broadcast(|_| move_up());
    move_up();
}

/// Routes priced by segments so far, and how many of them callers priced again through the
/// reference schedule because the segment price was a promising lower bound.
pub fn counts() -> (u64, u64) {
    (
        PRICED.load(Ordering::Relaxed),
        CHECKED.load(Ordering::Relaxed),
    )
}

fn join(problem: &Problem, a: Segment, b: Option<Segment>) -> Segment {
    b.map_or(a, |b| a.then(problem, &b))
}

/// A route rebuilt from pieces: the first `keep` stops of `own`, `count` new visits, then the
/// stops of `source` from `from` on.
struct Pieces<'a> {
    own: &'a Slot,
    source: &'a Slot,
    keep: usize,
    count: usize,
    from: usize,
    /// Whether the tail must be summarised again for `own`'s technician.
    refold: bool,
}

impl Pieces<'_> {
    fn same(&self) -> bool {
        std::ptr::eq(self.own, self.source)
    }

    fn tail_len(&self) -> usize {
        self.source.stops.len() - self.from
    }

    /// The tail in `family` of the source, as `own`'s technician does it, without a break.
    fn tail(&self, problem: &Problem, family: &Family, on_time: bool) -> Option<Segment> {
        match self.tail_len() {
            0 => None,
            _ if self.refold => self.source.stops[self.from..]
                .iter()
                .filter_map(|s| match s {
                    Stop::Visit(v) => Some(Segment::visit_by(problem, self.own.tech, *v, on_time)),
                    _ => None,
                })
                .reduce(|r, seg| r.then(problem, &seg)),
            _ => Some(family.tail[self.from]),
        }
    }

    /// The cheapest of the places the break can take in the rebuilt route (none, when it is
    /// not owed), by the segments of `mine` (own's) and `theirs` (the source's), as (cost,
    /// working time, place); `None` also when the route without a break, which no break
    /// makes cheaper or feasible, costs `limit` or more.
    fn cheapest(
        &self,
        problem: &Problem,
        (mine, theirs): (&Family, &Family),
        middle: Option<Segment>,
        tail: Option<Segment>,
        limit: Cost,
    ) -> Option<(Cost, Time, Option<usize>)> {
        let (own, keep, count, from) = (self.own, self.keep, self.count, self.from);
        let head = mine.prefix[keep];
        let left = join(problem, head, middle);
        let body = join(problem, left, tail);
        let end = mine.end();
        let priced = |route: Segment, at: Option<usize>| {
            (route.duration <= own.budget)
                .then(|| segment::route_cost(problem, own.tech, own.shift, &route))
                .flatten()
                .map(|c| (c, route.duration, at))
        };
        let served = keep + count + self.tail_len() > 0;
        let free = priced(body.then(problem, end), None).filter(|&(c, _, _)| c < limit)?;
        let Some(lunch) = own.shift_break(problem).filter(|_| served) else {
            return Some(free);
        };
        let mut best = (!owed(&body, lunch)).then_some(free);
        let mut offer = |route: Segment, at: Option<usize>| {
            if let Some(found) = priced(route, at) {
                if best.is_none_or(|(b, _, _)| found.0 < b) {
                    best = Some(found);
                }
            }
        };
        // Right after the kept stops, and right before the tail.
        let after_head = join(problem, head.then_break(lunch), middle);
        offer(
            join(problem, after_head, tail).then(problem, end),
            Some(keep),
        );
        if count > 0 {
            let before_tail = join(problem, left.then_break(lunch), tail);
            offer(before_tail.then(problem, end), Some(keep + count));
        }
        // Where it was among the kept stops.
        if let Some(b) = mine.broken.as_ref().filter(|b| b.at < keep) {
            let kept = join(problem, b.prefix[keep - b.at], middle);
            offer(join(problem, kept, tail).then(problem, end), Some(b.at));
        }
        // Where it was in the tail, when that break is this one.
        let tail_break = theirs.broken.as_ref().filter(|b| {
            b.at > from && !self.refold && self.source.shift_break(problem) == Some(lunch)
        });
        if let Some(b) = tail_break {
            let rest = match self.same() {
                true => b.suffix[from],
                false => b.tail[from].then(problem, end),
            };
            offer(left.then(problem, &rest), Some(keep + count + b.at - from));
        }
        best.filter(|&(c, _, _)| c < limit)
    }
}

/// A lower bound of what [`price`] would say of the same route: its fixed cost, distance and
/// pay for travel, summed arc by arc (service, waiting, lateness and the rest only add).
pub(super) fn least_cost(
    problem: &Problem,
    own: &Slot,
    keep: usize,
    mids: impl Iterator<Item = VisitIdx>,
    source: &Slot,
    from: usize,
) -> Cost {
    let (Some(mine), Some(theirs)) = (own.segments.as_ref(), source.segments.as_ref()) else {
        return 0;
    };
    let tech = problem.tech(own.tech);
    // Travel times only matter when they are paid for.
    let paid = tech.work_rate.cost != 0;
    let head = mine.reach[keep];
    // Distance, travel time and place after the stops so far.
    let mut sum = (head.distance, head.travel, head.at);
    let arc = |(distance, travel, at): (i64, Time, _), to| {
        let time = if paid { problem.travel.time(at, to) } else { 0 };
        (
            distance + problem.travel.distance(at, to),
            travel + time,
            to,
        )
    };
    let mut served = keep > 0;
    for v in mids {
        sum = arc(sum, problem.visit(v).loc);
        served = true;
    }
    let reach = &theirs.reach;
    if let Some(first) = reach.get(from + 1) {
        // The tail: stops `from..` of the source.
        let last = reach[reach.len() - 1];
        let (distance, travel, _) = arc(sum, first.at);
        sum = (
            distance + last.distance - first.distance,
            travel + last.travel - first.travel,
            last.at,
        );
        served = true;
    }
    if !served {
        return 0;
    }
    let (distance, travel, _) = arc(sum, mine.loose.end().first);
    let distance = problem
        .objective
        .distance
        .apply(distance)
        .saturating_mul(tech.distance_factor);
    tech.fixed_cost
        .saturating_add(distance)
        .saturating_add(tech.work_rate.apply(travel))
}

/// Prices the route of `own` made of its first `keep` stops, then `mids`, then the stops of
/// `source` from `from` on, then `own`'s end; `None` when it breaks a window, the shift, the
/// capacity or `own`'s working-time budget, when a route has no segments, or when it costs
/// `limit` or more.
///
/// Due times change neither feasibility nor distance; they add lateness and may keep the
/// technician from leaving later (which would make a visit late). A route that can be driven
/// with every due time as its visit's latest start is on time everywhere, and its segments
/// with those latest starts give the reference schedule's cost. Otherwise the segment cost is
/// a lower bound, raised by the lateness of the route's earliest schedule without a break
/// known without walking it: that of the first `keep` stops (unchanged), that of `mids`
/// started as early as possible after them, and that of the tail as it was when the tail now
/// starts no earlier than it did (lateness only grows with the start, and a break only
/// delays); and at least by what the cheapest of the due visits the pieces come from costs
/// when it is one tick late.
pub(super) fn price(
    problem: &Problem,
    own: &Slot,
    keep: usize,
    mids: impl Iterator<Item = VisitIdx> + Clone,
    source: &Slot,
    from: usize,
    limit: Cost,
) -> Option<Price> {
    let least = least_cost(problem, own, keep, mids.clone(), source, from);
    price_at_least(problem, own, keep, mids, source, from, (least, limit))
}

/// [`price`] of a route the caller has bounded already: it costs at least `least`, its
/// [`least_cost`].
pub(super) fn price_at_least(
    problem: &Problem,
    own: &Slot,
    keep: usize,
    mids: impl Iterator<Item = VisitIdx> + Clone,
    source: &Slot,
    from: usize,
    (least, limit): (Cost, Cost),
) -> Option<Price> {
    let cache = own.segments.as_ref()?;
    let other = source.segments.as_ref()?;
    count_priced();
    if least >= limit {
        return None;
    }
    let same = std::ptr::eq(own, source);
    let pieces = Pieces {
        own,
        source,
        keep,
        count: mids.clone().count(),
        from,
        // A tail from another technician's route takes this technician's durations and costs.
        refold: !same && own.tech != source.tech && other.personal,
    };
    let tail_len = pieces.tail_len();
    let retime = !same && own.tech != source.tech && !problem.level_durations.is_empty();
    let due = cache.due_before(keep)
        || (tail_len > 0 && other.due_from(from))
        || mids.clone().any(|v| problem.visit(v).due.is_some());
    let middle = |on_time| {
        mids.clone()
            .map(|v| Segment::visit_by(problem, own.tech, v, on_time))
            .reduce(|m, seg| m.then(problem, &seg))
    };
    let families = (&cache.loose, &other.loose);
    let tail = pieces.tail(problem, &other.loose, false);
    let (cost, working, lunch) = pieces.cheapest(problem, families, middle(false), tail, limit)?;
    if !due {
        return Some(Price {
            cost,
            exact: true,
            working,
            lunch,
        });
    }
    let strict = (cache.on_time(), other.on_time());
    let tail = pieces.tail(problem, strict.1, true);
    if let Some((cost, working, lunch)) =
        pieces.cheapest(problem, strict, middle(true), tail, limit)
    {
        return Some(Price {
            cost,
            exact: true,
            working,
            lunch,
        });
    }
    // Some visit is late where the break goes: it costs at least the least of the visits the
    // pieces come from.
    let least = mids
        .clone()
        .map(|v| least_late(problem, v))
        .fold(cache.least_late.min(other.least_late), Cost::min);
    // Lateness of the prefix and of the mids, started as early as possible.
    let (mut clock, mut at) = (cache.end_of_prefix(keep), cache.loose.prefix[keep].last);
    let mut late = cache.late_before(keep);
    for v in mids {
        let visit = problem.visit(v);
        let ready = Segment::visit(problem, own.tech, v).earliest;
        let start = (clock + problem.travel.time(at, visit.loc)).max(ready);
        late = late.saturating_add(lateness(problem, visit, start).1);
        (clock, at) = (start + problem.duration(own.tech, v), visit.loc);
    }
    // The tail's lateness as it was, when it starts no earlier than it did and takes as long.
    if tail_len > 0
        && !retime
        && clock + problem.travel.time(at, other.loose.tail[from].first)
            >= other.arrival(problem, from)
    {
        late = late.saturating_add(other.late_from(from));
    }
    let cost = cost.saturating_add(late.max(least));
    (cost < limit).then_some(Price {
        cost,
        exact: false,
        working,
        lunch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::solution::Stop;
    use crate::solver::fixture::{random_solomon, with_breaks, with_field_rules, with_sla};
    use crate::solver::route::with_lunch as place_lunch;
    use crate::solver::slots::{empty_slots, set_visits};

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

    /// Routes rebuilt from random pieces, with and without breaks: segments agree with the
    /// reference schedule (the route with its break where the price puts it) on feasibility,
    /// give its cost when no visit is due, and never more than it otherwise; no place of
    /// the break beats a price known to be exact by more than the places it tries; and
    /// [`least_cost`] is never above the schedule's cost.
    #[test]
    fn prices_are_exact_without_due_times_and_lower_bounds_with_them() {
        let mut rng = Rng::new(5);
        let (mut exact, mut bounded, mut strict, mut broken) = (0, 0, 0, 0);
        for seed in 1..=12 {
            let problem = with_sla(random_solomon(seed, 14, 80), seed);
            let problem = if seed % 2 == 0 {
                everyone_eligible(with_field_rules(problem, seed))
            } else {
                problem
            };
            let problem = if seed % 3 != 0 {
                with_breaks(problem, seed)
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
                let source = slots[b].visits().to_vec();
                let keep = rng.range(0, own.len() as i64) as usize;
                let from = rng.range(0, source.len() as i64) as usize;
                let mids = random_visits(&problem, &mut rng, 3);
                let visits: Vec<Stop> = own[..keep]
                    .iter()
                    .chain(&mids)
                    .chain(&source[from..])
                    .map(|&v| Stop::Visit(v))
                    .collect();
                let price = price(
                    &problem,
                    &slots[a],
                    keep,
                    mids.iter().copied(),
                    &slots[b],
                    from,
                    Cost::MAX,
                );
                // Feasible somewhere: the best place of the break (or none) by the schedule.
                let best = std::iter::once(None)
                    .chain((0..=visits.len()).map(Some))
                    .filter_map(|at| slots[a].simulated_cost(&problem, place_lunch(&visits, at)))
                    .min();
                let least = least_cost(
                    &problem,
                    &slots[a],
                    keep,
                    mids.iter().copied(),
                    &slots[b],
                    from,
                );
                assert!(
                    best.is_none_or(|b| least <= b),
                    "route {visits:?}: {least} > {best:?}"
                );
                let Some(price) = price else {
                    assert!(
                        best.is_none() || slots[a].shift_break(&problem).is_some(),
                        "route {visits:?} priced infeasible but costs {best:?}"
                    );
                    continue;
                };
                let truth = slots[a]
                    .simulated_cost(&problem, place_lunch(&visits, price.lunch))
                    .unwrap_or_else(|| panic!("route {visits:?} at {:?} infeasible", price.lunch));
                broken += usize::from(price.lunch.is_some());
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
            exact > 50 && bounded > 50 && broken > 50,
            "too few feasible routes: {exact} exact, {bounded} bounded, {broken} with a break"
        );
        assert!(
            strict > 0,
            "no bound below its cost: due times never mattered"
        );
    }

    /// A slot's break goes where the reference schedule says the route costs least.
    #[test]
    fn slots_put_the_break_where_it_costs_least() {
        let mut rng = Rng::new(4);
        let problem = with_breaks(random_solomon(6, 14, 80), 6);
        let mut slots = empty_slots(&problem);
        let mut placed = 0;
        for _ in 0..2000 {
            set_visits(
                &problem,
                &mut slots,
                0,
                &random_visits(&problem, &mut rng, 7),
            );
            let slot = &slots[0];
            let best = std::iter::once(None)
                .chain((0..=slot.stops.len()).map(Some))
                .filter_map(|at| slot.simulated_cost(&problem, place_lunch(&slot.stops, at)))
                .min();
            match best {
                Some(best) => assert_eq!(slot.cost, best, "{:?}", slot.stops),
                None => assert_eq!(slot.cost, crate::solver::route::INFEASIBLE),
            }
            placed += usize::from(slot.lunch.is_some());
        }
        assert!(placed > 100, "too few routes took a break: {placed}");
    }
}
