//! Prices a route rebuilt from pieces of slots (a kept prefix, a few visits, another route's
//! tail) by their concatenation segments in O(1) per piece, with the break in the best of the
//! places a change leaves it (where it was in the kept prefix or the tail, or right before or
//! after the new visits) and the restock where a piece carries it, or right before the new
//! visits or the tail when the kit falls short.
//!
//! Without SLA due times or visits with several windows the price is the reference schedule's
//! cost of the route with its restock and break there; with them it is a lower bound, and
//! callers price the moves whose bound is promising through the reference schedule.
//! [`counts`] tells how often that happens.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::{Cost, Problem, Time, VisitIdx};
use crate::solution::schedule::lateness;

use super::kit::Kit;
use super::route::{Family, Restocks, Slot, least_late, owed};
use super::segment::{self, Segment};

/// What a route costs by its segments: the exact cost when none of its visits has an SLA due
/// time, else a lower bound (see [`price`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Price {
    pub(super) cost: Cost,
    pub(super) exact: bool,
    /// Least working time of the route (its working time when `exact`).
    pub(super) working: Time,
    /// Where the break goes: after this many of the route's visits.
    pub(super) lunch: Option<usize>,
    /// Where the route restocks.
    pub(super) restocks: Restocks,
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

/// A route rebuilt from pieces: the first `keep` visits of `own`, `count` new visits, then the
/// visits of `source` from `from` on.
struct Pieces<'a> {
    own: &'a Slot,
    source: &'a Slot,
    keep: usize,
    count: usize,
    from: usize,
    /// Whether the tail must be summarised again for `own`'s technician.
    refold: bool,
}

/// Where the rebuilt route restocks besides where the pieces carry their restocks: nowhere
/// else, or, when the kit falls short without, right before the new visits or right before
/// the tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refill {
    Carried,
    BeforeMids,
    BeforeTail,
}

impl Pieces<'_> {
    fn same(&self) -> bool {
        std::ptr::eq(self.own, self.source)
    }

    fn tail_len(&self) -> usize {
        self.source.visits.len() - self.from
    }

    /// The tail in `family` of the source, as `own`'s technician does it, without a break;
    /// after a restock with `refill` [`Refill::BeforeTail`].
    fn tail(
        &self,
        problem: &Problem,
        family: &Family,
        on_time: bool,
        refill: Refill,
    ) -> Option<Segment> {
        let depot = Segment::restock(problem);
        let tail = match self.tail_len() {
            0 => None,
            _ if self.refold => (self.source.visits.iter().enumerate().skip(self.from))
                .map(|(k, &v)| {
                    let restocked = self.source.restock == Some(k);
                    Segment::stop(problem, self.own.tech, v, on_time, restocked)
                })
                .reduce(|r, seg| r.then(problem, &seg)),
            _ => Some(family.tail[self.from]),
        };
        match (refill, depot) {
            (Refill::BeforeTail, Some(depot)) => tail.map(|t| depot.then(problem, &t)),
            _ => tail,
        }
    }

    /// Where the rebuilt route may restock (one or two places to try); `None` when its kit
    /// cannot do: it falls short before the kept visits' restock, or there is no depot.
    fn refills(
        &self,
        problem: &Problem,
        mids: impl Iterator<Item = VisitIdx> + Clone,
    ) -> Option<[Option<Refill>; 2]> {
        let (keep, count, from) = (self.keep, self.count, self.from);
        let (mine, theirs) = (&self.own.segments.kits, &self.source.segments.kits);
        if mine.is_none() && theirs.is_none() && !mids.clone().any(|v| problem.visit(v).needs_kit())
        {
            return Some([Some(Refill::Carried), None]);
        }
        let [ahead, _] = self.carried();
        let tech = problem.tech(self.own.tech);
        let head = mine.as_ref().map_or(Kit::default(), |k| k.prefix[keep]);
        let left = mids.fold(head, |kit, v| kit.then(&Kit::visit(problem, v)));
        let tail = match self.tail_len() {
            0 => Kit::default(),
            _ => theirs.as_ref().map_or(Kit::default(), |k| k.suffix[from]),
        };
        if left.then(&tail).fits(tech) {
            return Some([Some(Refill::Carried), None]);
        }
        if ahead.is_some() || problem.depot.is_none() {
            return None;
        }
        // A restock the tail carries stays where it is: the slot keeps only the first.
        let before_mids = (count > 0 && head.fits(tech)).then_some(Refill::BeforeMids);
        let before_tail = (self.tail_len() > 0 && left.fits(tech)).then_some(Refill::BeforeTail);
        (before_mids.is_some() || before_tail.is_some()).then_some([before_mids, before_tail])
    }

    /// Where the rebuilt route restocks as the kept visits and the tail carry it.
    fn carried(&self) -> Restocks {
        let (keep, count, from) = (self.keep, self.count, self.from);
        let ahead = self.own.restock.filter(|&r| r < keep);
        let behind = (self.source.restock)
            .filter(|&r| r >= from && self.tail_len() > 0)
            .map(|r| keep + count + r - from);
        [ahead, behind]
    }

    /// Where the rebuilt route restocks with `refill`.
    fn restocks(&self, refill: Refill) -> Restocks {
        let [ahead, behind] = self.carried();
        match refill {
            Refill::Carried => [ahead, behind],
            Refill::BeforeMids => [Some(self.keep), behind],
            Refill::BeforeTail => [Some(self.keep + self.count), behind],
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
        (middle, tail): (Option<Segment>, Option<Segment>),
        refill: Refill,
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
        // Right after the kept visits, and right before the tail.
        let after_head = join(problem, head.then_break(lunch), middle);
        offer(
            join(problem, after_head, tail).then(problem, end),
            Some(keep),
        );
        if count > 0 {
            let before_tail = join(problem, left.then_break(lunch), tail);
            offer(before_tail.then(problem, end), Some(keep + count));
        }
        // Where it was among the kept visits.
        if let Some(b) = mine.broken.as_ref().filter(|b| b.at < keep) {
            let kept = join(problem, b.prefix[keep - b.at], middle);
            offer(join(problem, kept, tail).then(problem, end), Some(b.at));
        }
        // Where it was in the tail, when that break is this one (and the tail as it was).
        let tail_break = theirs.broken.as_ref().filter(|b| {
            b.at > from
                && !self.refold
                && refill != Refill::BeforeTail
                && self.source.shift_break(problem) == Some(lunch)
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

/// A lower bound of what [`price`] would say of the same route: its fixed cost, distance,
/// preference costs and, when working time is paid, its travel and service time, summed arc by
/// arc and visit by visit, and its break when the route owes it for certain (some piece cannot
/// end its service before the break's window opens). Waiting, lateness and the rest only add;
/// so does a restock no piece carries, where travel obeys the triangle inequality; a tail
/// another technician did adds its preference costs for this one, left out here.
pub(super) fn least_cost(
    problem: &Problem,
    own: &Slot,
    keep: usize,
    mids: impl Iterator<Item = VisitIdx>,
    source: &Slot,
    from: usize,
) -> Cost {
    let (mine, theirs) = (&own.segments, &source.segments);
    let tech = problem.tech(own.tech);
    // Travel and service times only matter when working time is paid for.
    let paid = tech.work_rate.cost != 0;
    let head = mine.reach[keep];
    // Distance, working time and place after the visits so far.
    let mut sum = (head.distance, head.travel + head.service, head.at);
    let arc = |(distance, working, at): (i64, Time, _), to| {
        let (time, length) = problem.travel.arc(at, to);
        let time = if paid { time } else { 0 };
        (distance + length, working + time, to)
    };
    // A paid break is owed for certain when some piece cannot end its service before the
    // break's window opens. (Segments are read only when they tell something: they are apart
    // from `reach`.)
    let lunch = paid.then(|| own.shift_break(problem)).flatten();
    let owes = |piece: &Segment| lunch.is_some_and(|l| owed(piece, l));
    let mut owing = owes(&mine.loose.prefix[keep]);
    let mut preference = match mine.personal {
        true => mine.loose.prefix[keep].preference,
        false => 0,
    };
    let mut served = keep > 0;
    for v in mids {
        let visit = problem.visit(v);
        sum = arc(sum, visit.loc);
        if paid {
            sum.1 += problem.duration(own.tech, v);
        }
        if lunch.is_some() && !owing {
            owing = owes(&Segment::visit(problem, own.tech, v));
        }
        if visit.preferences.is_soft() {
            preference += visit.preferences.cost(own.tech);
        }
        served = true;
    }
    let reach = &theirs.reach;
    if let Some(first) = reach.get(from + 1) {
        // The tail: visits `from..` of the source, after its restock when that comes first.
        if let Some(depot) = problem
            .depot
            .as_ref()
            .filter(|_| source.restock == Some(from))
        {
            sum = arc(sum, depot.loc);
        }
        let last = reach[reach.len() - 1];
        // Another technician's service times and preferences are not this one's.
        let alike = own.tech == source.tech || !theirs.personal;
        let service = match alike {
            true => last.service - reach[from].service,
            false => 0,
        };
        if alike && !owing {
            owing = owes(&theirs.loose.tail[from]);
        }
        if own.tech == source.tech && theirs.personal {
            preference += theirs.loose.tail[from].preference;
        }
        let (distance, working, _) = arc(sum, first.at);
        sum = (
            distance + last.distance - first.distance,
            working + last.travel - first.travel + service,
            last.at,
        );
        served = true;
    }
    if !served {
        return 0;
    }
    let (distance, working, _) = arc(sum, mine.loose.end().first);
    let distance = problem
        .objective
        .distance
        .apply(distance)
        .saturating_mul(tech.distance_factor);
    let working = match (paid, lunch) {
        (true, Some(l)) if owing => working + l.duration,
        (true, _) => working,
        (false, _) => 0,
    };
    tech.fixed_cost
        .saturating_add(distance)
        .saturating_add(preference)
        .saturating_add(tech.work_rate.apply(working))
}

/// Prices the route of `own` made of its first `keep` visits, then `mids`, then the visits of
/// `source` from `from` on, then `own`'s end, with a restock where a piece carries it or, when
/// the kit falls short, where it costs least of right before `mids` and right before the tail;
/// `None` when it breaks a window, the shift, the capacity, the kit or `own`'s working-time
/// budget, or when it costs `limit` or more.
///
/// The price is a lower bound when a visit of the route has several windows (segments relax
/// them to their hull). Due times change neither feasibility nor distance; they add lateness
/// and may keep the technician from leaving later (which would make a visit late). A route
/// that can be driven with every due time as its visit's latest start is on time everywhere,
/// and its segments with those latest starts give the reference schedule's cost. Otherwise
/// the segment cost is a lower bound, raised by the lateness of the route's earliest schedule
/// without a break known without walking it: that of the first `keep` visits (unchanged),
/// that of `mids` started as early as possible after them, and that of the tail as it was
/// when the tail now starts no earlier than it did (lateness only grows with the start, and a
/// break only delays); and at least by what the cheapest of the due visits the pieces come
/// from costs when it is one tick late.
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
        refold: !same && own.tech != source.tech && source.segments.personal,
    };
    let mut best: Option<Price> = None;
    for refill in pieces.refills(problem, mids.clone())?.into_iter().flatten() {
        let limit = best.map_or(limit, |b| b.cost);
        if let Some(found) = pieces.price(problem, mids.clone(), refill, limit) {
            best = Some(found);
        }
    }
    best
}

impl Pieces<'_> {
    /// [`price_at_least`] with the restock where `refill` says.
    fn price(
        &self,
        problem: &Problem,
        mids: impl Iterator<Item = VisitIdx> + Clone,
        refill: Refill,
        limit: Cost,
    ) -> Option<Price> {
        let (own, keep, from) = (self.own, self.keep, self.from);
        let (cache, other) = (&own.segments, &self.source.segments);
        let same = self.same();
        let tail_len = self.tail_len();
        let retime = !same && own.tech != self.source.tech && !problem.level_durations.is_empty();
        let restocks = self.restocks(refill);
        let depot = Segment::restock(problem);
        let middle = |on_time| {
            let visits = mids
                .clone()
                .map(|v| Segment::visit_by(problem, own.tech, v, on_time));
            match (refill, depot) {
                (Refill::BeforeMids, Some(depot)) => std::iter::once(depot)
                    .chain(visits)
                    .reduce(|m, seg| m.then(problem, &seg)),
                _ => visits.reduce(|m, seg| m.then(problem, &seg)),
            }
        };
        let families = (&cache.loose, &other.loose);
        let tail = self.tail(problem, &other.loose, false, refill);
        let (cost, working, lunch) =
            self.cheapest(problem, families, (middle(false), tail), refill, limit)?;
        let found = |cost, exact, working, lunch| Price {
            cost,
            exact,
            working,
            lunch,
            restocks,
        };
        let relaxed = cache.relaxed.before(keep)
            || (tail_len > 0 && other.relaxed.from(from))
            || mids.clone().any(|v| !segment::is_exact(problem, v));
        if relaxed {
            return Some(found(cost, false, working, lunch));
        }
        let due = cache.dues.before(keep)
            || (tail_len > 0 && other.dues.from(from))
            || mids.clone().any(|v| problem.visit(v).due.is_some());
        if !due {
            return Some(found(cost, true, working, lunch));
        }
        let strict = (cache.on_time(), other.on_time());
        let tail = self.tail(problem, strict.1, true, refill);
        if let Some((cost, working, lunch)) =
            self.cheapest(problem, strict, (middle(true), tail), refill, limit)
        {
            return Some(found(cost, true, working, lunch));
        }
        // Some visit is late where the break goes: it costs at least the least of the visits
        // the pieces come from.
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
        // The tail's lateness as it was, when it starts no earlier than it did, takes as long
        // and keeps its restock.
        if tail_len > 0
            && !retime
            && refill != Refill::BeforeTail
            && clock + problem.travel.time(at, other.loose.tail[from].first)
                >= other.arrival(problem, from)
        {
            late = late.saturating_add(other.late_from(from));
        }
        let cost = cost.saturating_add(late.max(least));
        (cost < limit).then_some(found(cost, false, working, lunch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::solution::Stop;
    use crate::solver::fixture::{
        random_solomon, with_breaks, with_field_rules, with_kit, with_sla, with_two_windows,
    };
    use crate::solver::route::stops_of;
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

    /// The least cost of `visits` in `slot` by the reference schedule over every place of the
    /// break, with the restock anywhere (`restock`) or nowhere.
    fn best_schedule(
        problem: &Problem,
        slot: &Slot,
        visits: &[VisitIdx],
        restock: bool,
    ) -> Option<Cost> {
        let restocks = std::iter::once(None).chain((0..visits.len()).map(Some).filter(|_| restock));
        restocks
            .flat_map(|r| {
                std::iter::once(None)
                    .chain((0..=visits.len()).map(Some))
                    .map(move |l| ([r, None], l))
            })
            .filter_map(|(r, l)| slot.simulated_cost(problem, stops_of(visits, r, l)))
            .min()
    }

    /// Routes rebuilt from random pieces, with and without breaks, tools, parts and visits with
    /// two windows: segments agree with the reference schedule (the route with its restock and
    /// break where the price puts them) on feasibility, give its cost when no visit is due or
    /// has two windows, and never more than it otherwise; and [`least_cost`] is never above the
    /// price.
    #[test]
    fn prices_are_exact_without_due_times_and_lower_bounds_with_them() {
        let mut rng = Rng::new(5);
        let (mut exact, mut bounded, mut strict, mut broken, mut restocked) = (0, 0, 0, 0, 0);
        for seed in 1..=16 {
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
            let problem = match seed % 4 {
                0 => with_kit(problem, seed),
                1 => with_two_windows(with_kit(problem, seed), seed),
                _ => problem,
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
                let own = slots[a].visits().to_vec();
                let source = slots[b].visits().to_vec();
                let keep = rng.range(0, own.len() as i64) as usize;
                let from = rng.range(0, source.len() as i64) as usize;
                let mids = random_visits(&problem, &mut rng, 3);
                let visits: Vec<VisitIdx> = own[..keep]
                    .iter()
                    .chain(&mids)
                    .chain(&source[from..])
                    .copied()
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
                let least = least_cost(
                    &problem,
                    &slots[a],
                    keep,
                    mids.iter().copied(),
                    &slots[b],
                    from,
                );
                let Some(price) = price else {
                    let plain = best_schedule(&problem, &slots[a], &visits, false);
                    // Prices try a few places of the break and the restock only, and keep the
                    // restocks the pieces carry.
                    let carried = slots[a].restock.is_some_and(|r| r < keep)
                        || slots[b].restock.is_some_and(|r| r >= from);
                    let restock = problem.depot.is_some() && plain.is_none();
                    assert!(
                        best_schedule(&problem, &slots[a], &visits, true).is_none()
                            || slots[a].shift_break(&problem).is_some()
                            || restock
                            || carried,
                        "route {visits:?} priced infeasible but costs {plain:?}"
                    );
                    continue;
                };
                let stops = stops_of(&visits, price.restocks, price.lunch);
                let truth = slots[a]
                    .simulated_cost(&problem, stops.clone())
                    .unwrap_or_else(|| {
                        panic!("route {:?} infeasible", stops.collect::<Vec<Stop>>())
                    });
                assert!(least <= price.cost, "route {visits:?}: {least} > {price:?}");
                broken += usize::from(price.lunch.is_some());
                restocked += usize::from(price.restocks[0].is_some());
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
            exact > 50 && bounded > 50 && broken > 50 && restocked > 50,
            "too few feasible routes: {exact} exact, {bounded} bounded, {broken} with a break, \
             {restocked} with a restock"
        );
        assert!(
            strict > 0,
            "no bound below its cost: due times and windows never mattered"
        );
    }

    /// A slot's restock and break go where the reference schedule says the route costs least.
    #[test]
    fn slots_put_the_restock_and_the_break_where_they_cost_least() {
        let mut rng = Rng::new(4);
        for problem in [
            with_breaks(random_solomon(6, 14, 80), 6),
            with_kit(with_breaks(random_solomon(7, 14, 80), 7), 7),
            with_two_windows(with_kit(with_breaks(random_solomon(8, 14, 80), 8), 8), 8),
        ] {
            let mut slots = empty_slots(&problem);
            let (mut placed, mut restocked) = (0, 0);
            for _ in 0..2000 {
                let visits = random_visits(&problem, &mut rng, 7);
                set_visits(&problem, &mut slots, 0, &visits);
                let slot = &slots[0];
                let best = best_schedule(&problem, slot, slot.visits(), problem.depot.is_some());
                match best {
                    Some(best) => assert_eq!(slot.cost, best, "{:?}", slot.visits()),
                    None => assert_eq!(slot.cost, crate::solver::route::INFEASIBLE),
                }
                placed += usize::from(slot.lunch.is_some());
                restocked += usize::from(slot.restock.is_some() && best.is_some());
            }
            assert!(placed > 100, "too few routes took a break: {placed}");
            assert!(
                problem.depot.is_none() || restocked > 100,
                "too few routes restocked: {restocked}"
            );
        }
    }
}
