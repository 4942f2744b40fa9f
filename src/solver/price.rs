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
use crate::solution::schedule::lateness;

use super::route::{Slot, owed};
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

/// Prices the route of `own` made of its first `keep` stops, then `mids`, then the stops of
/// `source` from `from` on, then `own`'s end; `None` when it breaks a window, the shift, the
/// capacity or `own`'s working-time budget, or a route has no segments.
///
/// Due times change neither feasibility nor distance; they add lateness and may keep the
/// technician from leaving later (which would make a visit late). So the segment cost is a
/// lower bound, raised by the lateness of the route's earliest schedule without a break known
/// without walking it: that of the first `keep` stops (unchanged), that of `mids` started as
/// early as possible after them, and that of the tail as it was when the tail now starts no
/// earlier than it did (lateness only grows with the start, and a break only delays).
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
    count_priced();
    let same = std::ptr::eq(own, source);
    let tail_len = source.stops.len() - from;
    // A tail from another technician's route takes this technician's durations and costs.
    let foreign = !same && own.tech != source.tech;
    let retime = foreign && !problem.level_durations.is_empty();
    let refold = foreign && other.personal;
    let mut due = cache.due_before(keep) || (tail_len > 0 && other.due_from(from));
    let mut middle: Option<Segment> = None;
    let mut count = 0;
    for v in mids.clone() {
        let seg = Segment::visit(problem, own.tech, v);
        middle = Some(middle.map_or(seg, |m| m.then(problem, &seg)));
        due |= problem.visit(v).due.is_some();
        count += 1;
    }
    let tail = match tail_len {
        0 => None,
        _ if refold => source.stops[from..]
            .iter()
            .filter_map(|s| match s {
                crate::solution::Stop::Visit(v) => Some(Segment::visit(problem, own.tech, *v)),
                _ => None,
            })
            .reduce(|r, seg| r.then(problem, &seg)),
        _ => Some(other.tail[from]),
    };
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
    let head = cache.prefix[keep];
    let left = join(problem, head, middle);
    let body = join(problem, left, tail);
    let end = cache.end();
    let mut best: Option<(Cost, Time, Option<usize>)> = None;
    let mut offer = |route: Segment, at: Option<usize>| {
        if route.duration > own.budget {
            return;
        }
        if let Some(c) = segment::route_cost(problem, own.tech, own.shift, &route) {
            if best.is_none_or(|(b, _, _)| c < b) {
                best = Some((c, route.duration, at));
            }
        }
    };
    let served = keep + count + tail_len > 0;
    match own.shift_break(problem).filter(|_| served) {
        None => offer(body.then(problem, end), None),
        Some(lunch) => {
            if !owed(&body, lunch) {
                offer(body.then(problem, end), None);
            }
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
            if let Some(b) = cache.broken.as_ref().filter(|b| b.at < keep) {
                let kept = join(problem, b.prefix[keep - b.at], middle);
                offer(join(problem, kept, tail).then(problem, end), Some(b.at));
            }
            // Where it was in the tail, when that break is this one.
            let tail_break = other
                .broken
                .as_ref()
                .filter(|b| b.at > from && !refold && source.shift_break(problem) == Some(lunch));
            if let Some(b) = tail_break {
                let rest = match same {
                    true => b.suffix[from],
                    false => b.tail[from].then(problem, end),
                };
                offer(left.then(problem, &rest), Some(keep + count + b.at - from));
            }
        }
    }
    let (cost, working, lunch) = best?;
    Some(Price {
        cost: cost.saturating_add(late.unwrap_or(0)),
        exact: late.is_none(),
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
    use crate::solver::route::{empty_slots, set_visits, with_lunch as place_lunch};

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
    /// give its cost when no visit is due, and never more than it otherwise; and no place of
    /// the break beats a price known to be exact by more than the places it tries.
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
                let source = slots[b].stops_visits();
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
                );
                // Feasible somewhere: the best place of the break (or none) by the schedule.
                let best = std::iter::once(None)
                    .chain((0..=visits.len()).map(Some))
                    .filter_map(|at| slots[a].simulated_cost(&problem, place_lunch(&visits, at)))
                    .min();
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
                .chain((0..=slot.stops().len()).map(Some))
                .filter_map(|at| slot.simulated_cost(&problem, place_lunch(slot.stops(), at)))
                .min();
            match best {
                Some(best) => assert_eq!(slot.cost, best, "{:?}", slot.stops()),
                None => assert_eq!(slot.cost, crate::solver::route::INFEASIBLE),
            }
            placed += usize::from(slot.lunch.is_some());
        }
        assert!(placed > 100, "too few routes took a break: {placed}");
    }
}
