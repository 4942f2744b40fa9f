//! Regret insertion: repeatedly insert the visit whose best placement would cost the most more
//! if it had to take its second best, over the routes of eligible technicians, respecting every
//! hard constraint through the reference schedule.

use rayon::prelude::*;

use crate::model::{Cost, Problem, TechIdx, VisitIdx};
use crate::solution::cost::route_cost;
use crate::solution::schedule::simulate;
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
    problem.depot.is_some() && (visit.tools != 0 || visit.parts.iter().any(|&p| p > 0))
}

/// The cheapest feasible placement of `v` in `slot`.
fn best_placement(problem: &Problem, slot: &Slot, v: VisitIdx) -> Option<Placement> {
    if !problem.is_eligible(slot.tech, v) {
        return None;
    }
    if let Some(cache) = slot
        .segments
        .as_ref()
        .filter(|_| segment::is_simple(problem, v))
    {
        return best_segment_placement(problem, slot, cache, v);
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
            if let Some(cost) = simulated_cost(problem, slot.tech, slot.shift, stops) {
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

/// [`best_placement`] in O(1) per position, for a simple visit in a simple route.
fn best_segment_placement(
    problem: &Problem,
    slot: &Slot,
    cache: &Segments,
    v: VisitIdx,
) -> Option<Placement> {
    let alone = Segment::visit(problem, v);
    let mut best: Option<Placement> = None;
    for (position, (before, after)) in cache.prefix.iter().zip(&cache.suffix).enumerate() {
        let route = before.then(problem, &alone).then(problem, after);
        if let Some(cost) = segment::route_cost(problem, slot.tech, &route) {
            let delta = cost - slot.cost;
            if best.is_none_or(|b| delta < b.delta) {
                best = Some(Placement {
                    delta,
                    position,
                    restock: false,
                });
            }
        }
    }
    best
}

/// The cost of a route by the reference schedule, or `None` when infeasible.
fn simulated_cost(
    problem: &Problem,
    tech: TechIdx,
    shift: usize,
    stops: impl Iterator<Item = Stop> + Clone,
) -> Option<Cost> {
    let summary = simulate(problem, tech, shift, stops, None).ok()?;
    Some(route_cost(problem, tech, &summary, false).total())
}

/// Prefix and suffix segments of a route of simple visits: `prefix[k]` runs from the start
/// location through the first `k` stops, `suffix[k]` from stop `k` to the end location, and
/// `tail[k]` over stops `k..` alone (for pieces that end in another technician's route).
#[derive(Clone)]
pub(super) struct Segments {
    pub(super) prefix: Vec<Segment>,
    pub(super) suffix: Vec<Segment>,
    pub(super) tail: Vec<Segment>,
}

impl Segments {
    /// The end location of the shift: the suffix after the last stop.
    pub(super) fn end(&self) -> &Segment {
        &self.suffix[self.suffix.len() - 1]
    }
}

/// A technician shift being filled.
#[derive(Clone)]
pub struct Slot {
    pub(super) tech: TechIdx,
    shift: usize,
    stops: Vec<Stop>,
    pub(super) cost: Cost,
    /// Present when every stop is a simple visit.
    pub(super) segments: Option<Segments>,
}

impl Slot {
    fn new(problem: &Problem, tech: TechIdx, shift: usize) -> Self {
        let mut slot = Slot {
            tech,
            shift,
            stops: Vec::new(),
            cost: 0,
            segments: None,
        };
        slot.refresh(problem);
        slot
    }

    /// Recomputes the cost and the segments after the stops changed.
    fn refresh(&mut self, problem: &Problem) {
        let simple = self.stops.iter().all(|s| match s {
            Stop::Visit(v) => segment::is_simple(problem, *v),
            Stop::Restock => false,
        });
        let (start, end) = segment::ends(problem, self.tech, self.shift);
        self.segments = simple.then(|| {
            let alone: Vec<Segment> = self
                .stops
                .iter()
                .map(|s| match s {
                    Stop::Visit(v) => Segment::visit(problem, *v),
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
            Segments {
                prefix,
                suffix,
                tail,
            }
        });
        let cost = match &self.segments {
            _ if self.stops.is_empty() => Some(0),
            Some(cache) => {
                segment::route_cost(problem, self.tech, &start.then(problem, &cache.suffix[0]))
            }
            None => simulated_cost(problem, self.tech, self.shift, self.stops.iter().copied()),
        };
        self.cost = cost.unwrap_or(Cost::MAX / 4);
    }
}

/// One empty slot per technician shift.
pub fn empty_slots(problem: &Problem) -> Vec<Slot> {
    problem
        .tech_indices()
        .flat_map(|t| (0..problem.tech(t).shifts.len()).map(move |s| (t, s)))
        .map(|(tech, shift)| Slot::new(problem, tech, shift))
        .collect()
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

impl Slot {
    /// Takes `visits` out of the slot (each with a restock stop right before it) and refreshes
    /// the cost once.
    pub fn remove_visits(&mut self, problem: &Problem, visits: &[VisitIdx]) {
        let mut keep = vec![true; self.stops.len()];
        for (k, stop) in self.stops.iter().enumerate() {
            if matches!(stop, Stop::Visit(v) if visits.contains(v)) {
                keep[k] = false;
                if k > 0 && self.stops[k - 1] == Stop::Restock {
                    keep[k - 1] = false;
                }
            }
        }
        let mut flags = keep.into_iter();
        self.stops.retain(|_| flags.next().unwrap_or(true));
        self.refresh(problem);
    }

    /// Replaces the stops by `visits` (no restocks) and refreshes the cost.
    pub(super) fn set_visits(&mut self, problem: &Problem, visits: &[VisitIdx]) {
        self.stops.clear();
        self.stops.extend(visits.iter().map(|&v| Stop::Visit(v)));
        self.refresh(problem);
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

/// Inserts `v` at its cheapest feasible place over all slots (only the routes already in use
/// unless `open_routes`), unless leaving it out costs less; returns whether it was inserted.
pub fn insert_cheapest(
    problem: &Problem,
    slots: &mut [Slot],
    v: VisitIdx,
    open_routes: bool,
) -> bool {
    let best = slots
        .iter()
        .enumerate()
        .filter(|(_, slot)| open_routes || !slot.stops.is_empty())
        .filter_map(|(s, slot)| best_placement(problem, slot, v).map(|p| (p.delta, s, p)))
        .min_by_key(|&(delta, s, _)| (delta, s));
    let Some((delta, s, placement)) = best else {
        return false;
    };
    if problem.visit(v).penalty.is_some_and(|pen| delta >= pen) {
        return false;
    }
    slots[s].insert(problem, v, placement);
    true
}

impl Slot {
    /// Puts `v` where `placement` says and refreshes the cost.
    fn insert(&mut self, problem: &Problem, v: VisitIdx, placement: Placement) {
        let new: &[Stop] = if placement.restock {
            &[Stop::Restock, Stop::Visit(v)]
        } else {
            &[Stop::Visit(v)]
        };
        self.stops
            .splice(placement.position..placement.position, new.iter().copied());
        self.refresh(problem);
    }
}

/// Inserts `pending` visits into `slots` by regret-2 insertion, over the routes of eligible
/// technicians; returns the visits left out with their reasons.
pub fn regret_insertion(
    problem: &Problem,
    slots: &mut [Slot],
    pending: Vec<VisitIdx>,
) -> Vec<Unassigned> {
    let mut unassigned: Vec<Unassigned> = regret_insert(problem, slots, pending, true)
        .into_iter()
        .map(|(v, has_place)| leave_out(problem, v, has_place))
        .collect();
    unassigned.sort_by_key(|u| u.visit);
    unassigned
}

/// Inserts `pending` visits into `slots` by regret-2 insertion (into the routes already in use
/// only, unless `open_routes`); returns the visits left out, each with whether it had a place
/// that cost more than leaving it out.
pub fn regret_insert(
    problem: &Problem,
    slots: &mut [Slot],
    mut pending: Vec<VisitIdx>,
    open_routes: bool,
) -> Vec<(VisitIdx, bool)> {
    let place = |slot: &Slot, v: VisitIdx| {
        (open_routes || !slot.stops.is_empty())
            .then(|| best_placement(problem, slot, v))
            .flatten()
    };
    // table[i][s]: best placement of pending[i] in slot s.
    let mut table: Vec<Vec<Option<Placement>>> = pending
        .par_iter()
        .map(|&v| slots.iter().map(|slot| place(slot, v)).collect())
        .collect();
    let mut unassigned = Vec::new();
    loop {
        // Pick the visit of highest regret; set aside those that fit nowhere any more.
        let mut choice: Option<(usize, VisitIdx, Cost, Cost)> = None; // (index, visit, regret, best delta)
        let mut i = 0;
        while i < pending.len() {
            let v = pending[i];
            let (mut first, mut second) = (None::<Cost>, None::<Cost>);
            for p in table[i].iter().flatten() {
                if first.is_none_or(|f| p.delta < f) {
                    second = first;
                    first = Some(p.delta);
                } else if second.is_none_or(|s| p.delta < s) {
                    second = Some(p.delta);
                }
            }
            let Some(best) = first else {
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
            let alternative = [second, leave]
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
        let (s, placement) = table[i]
            .iter()
            .enumerate()
            .filter_map(|(s, p)| p.map(|p| (s, p)))
            .min_by_key(|&(s, p)| (p.delta, s))
            .unwrap_or_else(|| unreachable!("a chosen visit has a placement"));
        slots[s].insert(problem, v, placement);
        pending.swap_remove(i);
        table.swap_remove(i);
        let slot = &slots[s];
        let fresh: Vec<Option<Placement>> = pending.par_iter().map(|&w| place(slot, w)).collect();
        for (row, p) in table.iter_mut().zip(fresh) {
            row[s] = p;
        }
    }
    unassigned.extend(pending.into_iter().map(|v| (v, true)));
    unassigned
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
