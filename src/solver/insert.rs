//! Regret insertion: repeatedly insert the visit whose best placement would cost the most more
//! if it had to take its second best, over the routes of eligible technicians, respecting every
//! hard constraint through the reference schedule; and cheapest insertion for recreates.

use std::time::Instant;

use rayon::prelude::*;

use crate::model::{Cost, Problem, TechIdx, Time, VisitIdx};
use crate::solution::{Reason, Unassigned};

use super::explain::explain;
use super::price::{count_checked, flush, price};
use super::route::{Restocks, Slot, stops_of};
use super::slots::Slots;

/// Where a visit would go in one route, and what it would add to the cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placement {
    delta: Cost,
    position: usize,
    /// Whether `delta` is exact (else a lower bound, see [`bound_placement`]).
    settled: bool,
}

/// The cheapest feasible placement of `v` in `slot`: by segments in O(1) per position; where
/// they give only a lower bound (SLA due times, several windows), the reference schedule
/// prices the positions whose bound could still beat the best cost found, cheapest first.
fn best_placement(problem: &Problem, slot: &Slot, v: VisitIdx) -> Option<Placement> {
    if !problem.is_eligible(slot.tech, v) {
        return None;
    }
    let priced = segment_placements(problem, slot, v, Cost::MAX);
    let mut best = priced.exact;
    for bounded in priced.bounded {
        if best.is_some_and(|b| (bounded.bound, bounded.position) >= (b.delta, b.position)) {
            break;
        }
        let found = checked(problem, slot, v, &bounded);
        if found.is_some_and(|f| {
            best.is_none_or(|b| (f.delta, bounded.position) < (b.delta, b.position))
        }) {
            best = found;
        }
    }
    best
}

/// [`best_placement`], or a lower bound of it (not `settled`) when only the reference schedule
/// could tell it.
fn bound_placement(problem: &Problem, slot: &Slot, v: VisitIdx) -> Option<Placement> {
    if !problem.is_eligible(slot.tech, v) {
        return None;
    }
    let priced = segment_placements(problem, slot, v, Cost::MAX);
    match (priced.exact, priced.bounded.first()) {
        (exact, None) => exact,
        (Some(exact), Some(b)) if exact.delta <= b.bound => Some(exact),
        (_, Some(b)) => Some(Placement {
            delta: b.bound,
            position: b.position,
            settled: false,
        }),
    }
}

/// A placement segments price only by a lower bound: the bound of its delta, and where the
/// visit, the break and the restock go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Bounded {
    bound: Cost,
    position: usize,
    lunch: Option<usize>,
    restocks: Restocks,
}

/// The placements of a visit in one slot as segments price them: the cheapest of those they
/// price exactly, and those only the reference schedule prices, cheapest bound first.
struct Priced {
    exact: Option<Placement>,
    bounded: Vec<Bounded>,
}

/// [`Priced`] placements of visit `v` in `slot` that add less than `limit`.
fn segment_placements(problem: &Problem, slot: &Slot, v: VisitIdx, limit: Cost) -> Priced {
    let mut priced = Priced {
        exact: None,
        bounded: Vec::new(),
    };
    for position in 0..=slot.visits().len() {
        let least = priced.exact.map_or(limit, |b| b.delta.min(limit));
        let one = std::iter::once(v);
        let limit = slot.cost.saturating_add(least);
        let Some(price) = price(problem, slot, position, one, slot, position, limit) else {
            continue;
        };
        let delta = price.cost - slot.cost;
        match price.exact {
            true => {
                priced.exact = Some(Placement {
                    delta,
                    position,
                    settled: true,
                })
            }
            false => priced.bounded.push(Bounded {
                bound: delta,
                position,
                lunch: price.lunch,
                restocks: price.restocks,
            }),
        }
    }
    priced.bounded.sort_unstable();
    priced
}

/// Placement of `v` in `slot` where `bounded` puts it, priced by the reference schedule.
fn checked(problem: &Problem, slot: &Slot, v: VisitIdx, bounded: &Bounded) -> Option<Placement> {
    count_checked();
    let mut visits = slot.visits().to_vec();
    visits.insert(bounded.position, v);
    let stops = stops_of(&visits, bounded.restocks, bounded.lunch);
    let cost = slot.simulated_cost(problem, stops)?;
    Some(Placement {
        delta: cost - slot.cost,
        position: bounded.position,
        settled: true,
    })
}

/// The cheapest feasible placement of `v` in the slots `candidates` (only the routes already in
/// use unless `open_routes`) as (delta, slot, placement), ties to the lower slot.
///
/// Placements only the reference schedule prices are priced last, over all slots at once,
/// and only while their bound beats the cheapest placement found.
fn cheapest(
    problem: &Problem,
    slots: &[Slot],
    v: VisitIdx,
    open_routes: bool,
    candidates: impl IntoIterator<Item = usize>,
) -> Option<(Cost, usize, Placement)> {
    let mut best: Option<(Cost, usize, Placement)> = None;
    let offer = |best: &mut Option<(Cost, usize, Placement)>, s: usize, p: Placement| {
        if best.is_none_or(|(d, b, q)| (p.delta, s, p.position) < (d, b, q.position)) {
            *best = Some((p.delta, s, p));
        }
    };
    let mut bounded: Vec<(Bounded, usize)> = Vec::new();
    // An empty slot whose earlier twin was priced empty with the same budget places a visit
    // that names no technician alike, and loses the tie.
    let anyone = problem.visit(v).preferences.are_none();
    let mut priced_empty: Vec<(usize, Time)> = Vec::new();
    for s in candidates {
        let slot = &slots[s];
        if (!open_routes && slot.visits().is_empty()) || !problem.is_eligible(slot.tech, v) {
            continue;
        }
        if let Some(twin) = slot.twin.filter(|_| anyone && slot.visits().is_empty()) {
            let key = (twin, slot.budget);
            if priced_empty.contains(&key) {
                continue;
            }
            priced_empty.push(key);
        }
        let limit = best.map_or(Cost::MAX, |(d, _, _)| d);
        let priced = segment_placements(problem, slot, v, limit);
        if let Some(p) = priced.exact {
            offer(&mut best, s, p);
        }
        bounded.extend(priced.bounded.into_iter().map(|b| (b, s)));
    }
    bounded.sort_unstable_by_key(|&(b, s)| (b.bound, s, b.position));
    for (b, s) in bounded {
        if best.is_some_and(|(d, t, q)| (b.bound, s, b.position) >= (d, t, q.position)) {
            break;
        }
        if let Some(p) = checked(problem, &slots[s], v, &b) {
            offer(&mut best, s, p);
        }
    }
    best
}

/// Inserts `v` at its cheapest feasible place over all slots, or the slots `within` if given
/// (only the routes already in use unless `open_routes`), unless leaving it out costs less;
/// returns whether it was inserted.
pub fn insert_cheapest(
    problem: &Problem,
    slots: &mut Slots,
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

/// Puts `v` in slot `s` where `placement` says and refreshes the cost (the slot places its
/// restock and break anew); returns the slots whose placements may have changed (see
/// [`rebudget`]).
fn insert(
    problem: &Problem,
    slots: &mut Slots,
    s: usize,
    v: VisitIdx,
    placement: Placement,
) -> std::ops::Range<usize> {
    slots.change(problem, s, |visits| visits.insert(placement.position, v))
}

/// Inserts `pending` visits into `slots` by regret-2 insertion, over the routes of eligible
/// technicians; returns the visits left out with their reasons.
///
/// Past `deadline`, the rest is placed greedily.
pub fn regret_insertion(
    problem: &Problem,
    slots: &mut Slots,
    pending: Vec<VisitIdx>,
    deadline: Option<Instant>,
) -> Vec<Unassigned> {
    let mut unassigned: Vec<Unassigned> =
        regret_insert(problem, slots, pending, true, deadline, None)
            .into_iter()
            .map(|(v, has_place)| leave_out(problem, v, has_place))
            .collect();
    flush();
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

    /// Prices through `settle` the placements among the two cheapest that only have a lower
    /// bound, until both are exact.
    fn settle(&mut self, settle: impl Fn(usize) -> Option<Placement>) {
        while let Some(s) = self
            .best
            .iter()
            .flatten()
            .map(|&(_, s)| s)
            .find(|&s| self.get(s).is_some_and(|p| !p.settled))
        {
            self.update(s, || settle(s));
        }
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

/// The candidate slots of each of `pending`: its slots in `within` if given; else every slot
/// (`None`) unless the table would be large, then the shifts of the visit's nearest eligible
/// technicians by home.
fn candidates(
    problem: &Problem,
    slots: &[Slot],
    pending: &[VisitIdx],
    within: Option<&[Vec<usize>]>,
) -> Vec<Option<Vec<usize>>> {
    if let Some(within) = within {
        return within.iter().map(|w| Some(w.clone())).collect();
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
/// Only the slots `within[i]` (sorted) are considered for `pending[i]`, if given. Past
/// `deadline`, the visits still
/// pending go greedily to their cheapest place instead.
pub fn regret_insert(
    problem: &Problem,
    slots: &mut Slots,
    mut pending: Vec<VisitIdx>,
    open_routes: bool,
    deadline: Option<Instant>,
    within: Option<&[Vec<usize>]>,
) -> Vec<(VisitIdx, bool)> {
    let open = |slot: &Slot| open_routes || !slot.visits().is_empty();
    let place = |slot: &Slot, v| {
        open(slot)
            .then(|| bound_placement(problem, slot, v))
            .flatten()
    };
    let settled = |slot: &Slot, v| {
        open(slot)
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
            table[i].settle(|s| settled(&slots[s], v));
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
    slots: &mut Slots,
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
