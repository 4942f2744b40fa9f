//! Local search over granular neighbourhoods: moves that bring a visit next to one of its
//! nearest neighbours, each priced by a few joins of the routes' concatenation segments.
//!
//! For a visit `u` and a visit `v` among the nearest of `u`, in routes `a` and `b`:
//! - relocate and or-opt: the string of one to three visits starting at `u` moves right after
//!   `v` or right before it;
//! - cross-exchange: that string trades places with the string of up to three visits right after
//!   `v`, so `u` lands after `v`;
//! - swap: `u` and `v` trade places;
//! - 2-opt*: `a` keeps its visits through `u` and goes on with `b`'s from `v`, `b` keeps those
//!   before `v` and goes on with `a`'s after `u` (or the mirror image, which makes `v` precede
//!   `u`); when one part is empty, two routes merge into one;
//! - within one route: relocate of a string, swap, and 2-opt (reversing the visits between).
//!
//! Visits are taken in random order and the first improving move is applied, until a whole
//! pass finds none; a later pass tries `u` with `v` again only when one of their routes
//! changed since `u` was last tried. Each move is first bounded by what its routes cost at
//! least (fixed cost, distance, travel and service, preference costs, a break owed for
//! certain; arc by arc), which rejects most moves before their segments are joined. Every route
//! takes part, whatever its break, restock, tools, parts and windows. A move is priced by segment joins in O(1); when a changed route holds a visit with
//! an SLA due time or several windows, that price is a lower bound (lateness of the unchanged
//! prefix, the moved visits and a tail that starts no earlier included), and only moves whose
//! bounds beat the current cost are priced exactly by the reference schedule (`bench` prints
//! how often: exact checks per 1 000 routes priced).

use rayon::prelude::*;

use crate::model::{Cost, Problem, VisitIdx};
use crate::rng::Rng;

use super::parts::Part;
use super::price::{Price, count_checked, least_cost, price_at_least};
use super::route::{Slot, stops_of};
use super::slots::{Slots, set_visits};

/// Nearest visits tried as new neighbours of a visit.
const GRANULAR: usize = 20;
/// Longest string a move carries.
const STRING: usize = 3;

/// The `k` nearest other visits of every visit (travel both ways), nearest first: the nearest
/// by travel both ways among the `2k` nearest by travel out (one matrix row, read in order).
pub fn neighbours(problem: &Problem, k: usize) -> Vec<Vec<VisitIdx>> {
    let visits: Vec<VisitIdx> = problem.visit_indices().collect();
    let nearest = |near: &mut Vec<(i64, VisitIdx)>, k: usize| {
        if k < near.len() {
            near.select_nth_unstable(k);
            near.truncate(k);
        }
    };
    visits
        .par_iter()
        .map(|&v| {
            let at = problem.visit(v).loc;
            let mut near: Vec<(i64, VisitIdx)> = visits
                .iter()
                .filter(|&&w| w != v)
                .map(|&w| (problem.travel.time(at, problem.visit(w).loc), w))
                .collect();
            nearest(&mut near, 2 * k);
            for (t, w) in &mut near {
                *t += problem.travel.time(problem.visit(*w).loc, at);
            }
            nearest(&mut near, k);
            near.sort_unstable();
            near.into_iter().map(|(_, w)| w).collect()
        })
        .collect()
}

/// A route rebuilt from pieces of the current plan: the first `keep` visits of `slot`, then
/// the slices of `mid` (the first one backwards when `reverse`), then the visits of route
/// `tail.0` from position `tail.1` on.
struct Piece<'r> {
    slot: usize,
    keep: usize,
    mid: [&'r [VisitIdx]; 3],
    reverse: bool,
    tail: (usize, usize),
}

impl<'r> Piece<'r> {
    fn new(slot: usize, keep: usize, mid: &'r [VisitIdx], tail: (usize, usize)) -> Self {
        Piece {
            slot,
            keep,
            mid: [mid, &[], &[]],
            reverse: false,
            tail,
        }
    }

    fn mid_visits(&self) -> impl Iterator<Item = VisitIdx> + Clone + '_ {
        let [first, second, third] = self.mid;
        let n = first.len();
        (0..n)
            .map(move |k| first[if self.reverse { n - 1 - k } else { k }])
            .chain(second.iter().copied())
            .chain(third.iter().copied())
    }

    /// The cost of the rebuilt route (or a lower bound, see [`price_at_least`]), known to be
    /// at least `least` (its [`Piece::least_cost`]), or `None` when it is infeasible, not
    /// allowed, or costs `limit` or more.
    fn price(&self, problem: &Problem, slots: &[Slot], least: Cost, limit: Cost) -> Option<Price> {
        let own = &slots[self.slot];
        let (source, from) = self.tail;
        let tail_len = slots[source].visits().len() - from;
        if self.keep == 0 && self.mid.iter().all(|m| m.is_empty()) && tail_len == 0 {
            return Some(Price {
                cost: 0,
                exact: true,
                working: 0,
                lunch: None,
                restocks: [None; 2],
            });
        }
        let foreign_tail = match source == self.slot {
            true => &[][..],
            false => &slots[source].visits()[from..],
        };
        let allowed = self
            .mid
            .iter()
            .flat_map(|m| m.iter())
            .chain(foreign_tail)
            .all(|&v| problem.is_eligible(own.tech, v));
        if !allowed {
            return None;
        }
        price_at_least(
            problem,
            own,
            self.keep,
            self.mid_visits(),
            &slots[source],
            from,
            (least, limit),
        )
    }

    /// A lower bound of [`Piece::price`] (see [`least_cost`]).
    fn least_cost(&self, problem: &Problem, slots: &[Slot]) -> Cost {
        let (source, from) = self.tail;
        least_cost(
            problem,
            &slots[self.slot],
            self.keep,
            self.mid_visits(),
            &slots[source],
            from,
        )
    }

    fn build(&self, slots: &[Slot]) -> Vec<VisitIdx> {
        let (source, from) = self.tail;
        slots[self.slot].visits()[..self.keep]
            .iter()
            .copied()
            .chain(self.mid_visits())
            .chain(slots[source].visits()[from..].iter().copied())
            .collect()
    }
}

/// New visit lists of the routes a move changes.
type Change = Vec<(usize, Vec<VisitIdx>)>;

/// The change the pieces make, when it lowers the cost of their routes: bounds first, then
/// the reference schedule for routes whose bound is not their cost.
fn improving(problem: &Problem, slots: &[Slot], pieces: &[Piece<'_>]) -> Option<Change> {
    let old: Cost = pieces.iter().map(|p| slots[p.slot].cost).sum();
    // Cheap bounds first: most moves fail on distance alone.
    let mut least = [0; 2];
    for (piece, least) in pieces.iter().zip(&mut least) {
        *least = piece.least_cost(problem, slots);
    }
    let mut rest: Cost = least.iter().sum();
    if rest >= old {
        return None;
    }
    let mut prices = [None; 2];
    let mut new: Cost = 0;
    for ((piece, price), least) in pieces.iter().zip(&mut prices).zip(least) {
        rest -= least;
        let p = piece.price(problem, slots, least, old - new - rest)?;
        new += p.cost;
        if new >= old {
            return None;
        }
        *price = Some(p);
    }
    if let [a, b] = pieces {
        let (sa, sb) = (&slots[a.slot], &slots[b.slot]);
        let week = sa.capped_week(problem);
        if week.is_some() && week == sb.capped_week(problem) {
            // Both routes draw on one weekly budget: known working times must fit it together.
            let [Some(pa), Some(pb)] = prices else {
                unreachable!("both pieces are priced")
            };
            if !(pa.exact && pb.exact) || pa.working + pb.working - sb.working > sa.budget {
                return None;
            }
        }
    }
    let change: Change = pieces.iter().map(|p| (p.slot, p.build(slots))).collect();
    for ((s, visits), price) in change.iter().zip(prices.iter().flatten()) {
        if !price.exact {
            count_checked();
            let stops = stops_of(visits, price.restocks, price.lunch);
            new += slots[*s].simulated_cost(problem, stops)? - price.cost;
            if new >= old {
                return None;
            }
        }
    }
    Some(change)
}

/// The first improving move that brings `u` (route `a`, position `i`) next to `v` (route `b`,
/// position `j`).
fn improving_move(
    problem: &Problem,
    slots: &[Slot],
    (a, i): (usize, usize),
    (b, j): (usize, usize),
) -> Option<Change> {
    let try_ = |pieces: &[Piece<'_>]| improving(problem, slots, pieces);
    let ra = slots[a].visits();
    let rb = slots[b].visits();
    if a != b {
        for k in 1..=STRING.min(ra.len() - i) {
            let string = &ra[i..i + k];
            for l in 0..=STRING.min(rb.len() - j - 1) {
                let other = &rb[j + 1..j + 1 + l];
                let change = try_(&[
                    Piece::new(a, i, other, (a, i + k)),
                    Piece::new(b, j + 1, string, (b, j + 1 + l)),
                ]);
                if change.is_some() {
                    return change;
                }
            }
            let change = try_(&[
                Piece::new(a, i, &[], (a, i + k)),
                Piece::new(b, j, string, (b, j)),
            ]);
            if change.is_some() {
                return change;
            }
        }
        [
            [
                Piece::new(a, i, &rb[j..=j], (a, i + 1)),
                Piece::new(b, j, &ra[i..=i], (b, j + 1)),
            ],
            [
                Piece::new(a, i + 1, &[], (b, j)),
                Piece::new(b, j, &[], (a, i + 1)),
            ],
            [
                Piece::new(a, i, &[], (b, j + 1)),
                Piece::new(b, j + 1, &[], (a, i)),
            ],
        ]
        .iter()
        .find_map(|pieces| try_(pieces))
    } else {
        for k in 1..=STRING.min(ra.len() - i) {
            let string = &ra[i..i + k];
            for at in [j + 1, j] {
                let piece = if at > i + k {
                    Piece {
                        mid: [&ra[i + k..at], string, &[]],
                        ..Piece::new(a, i, &[], (a, at))
                    }
                } else if at < i {
                    Piece {
                        mid: [string, &ra[at..i], &[]],
                        ..Piece::new(a, at, &[], (a, i + k))
                    }
                } else {
                    continue;
                };
                let change = try_(&[piece]);
                if change.is_some() {
                    return change;
                }
            }
        }
        let (p, q) = (i.min(j), i.max(j));
        let swap = Piece {
            mid: [&ra[q..=q], &ra[p + 1..q], &ra[p..=p]],
            ..Piece::new(a, p, &[], (a, q + 1))
        };
        if let Some(change) = try_(&[swap]) {
            return Some(change);
        }
        // 2-opt: reversing the visits after the earlier one through the later one puts `u`
        // right before `v` (when `u` comes first) or `v` right before `u`.
        if q - p < 2 {
            return None;
        }
        try_(&[Piece {
            reverse: true,
            ..Piece::new(a, p + 1, &ra[p + 1..=q], (a, q + 1))
        }])
    }
}

/// Applies improving moves to the routes in `slots` until none is left or `stop` says so;
/// returns whether the cost went down. `neighbours[v]` lists the visits nearest
/// to `v`. With `focus`, only moves of the visits in those slots are tried (with any neighbour);
/// with `part`, only moves within the part's slots (`focus` lies in it).
pub fn improve(
    problem: &Problem,
    neighbours: &[Vec<VisitIdx>],
    slots: &mut Slots,
    rng: &mut Rng,
    stop: &dyn Fn() -> bool,
    (focus, part): (Option<&[usize]>, Option<&Part>),
) -> bool {
    let mut order: Vec<VisitIdx> = match focus {
        Some(focus) => focus
            .iter()
            .flat_map(|&s| slots[s].visits().iter().copied())
            .collect(),
        None => problem
            .visit_indices()
            .filter(|&v| {
                slots
                    .route_of(v)
                    .is_some_and(|s| part.is_none_or(|p| p.holds(s)))
            })
            .collect(),
    };
    rng.shuffle(&mut order);
    // Moves of `u` are tried again only with a neighbour when one of their two routes changed
    // since `u` was last tried: `tested[k]` is when `order[k]` was, `changed[s]` when slot `s`
    // last changed, on a clock that ticks with every move.
    let mut tested = vec![0u64; order.len()];
    let mut changed = vec![0u64; slots.len()];
    let mut clock = 1u64;
    let mut improved = false;
    loop {
        let mut moved = false;
        for (k, &u) in order.iter().enumerate() {
            if stop() {
                return improved || moved;
            }
            let since = std::mem::replace(&mut tested[k], clock);
            for &v in neighbours[u.get()].iter().take(GRANULAR) {
                let (Some(pu), Some(pv)) = (slots.place_of(u), slots.place_of(v)) else {
                    continue;
                };
                if part.is_some_and(|p| !p.holds(pv.0)) {
                    continue;
                }
                if changed[pu.0] < since && changed[pv.0] < since {
                    continue;
                }
                let Some(change) = improving_move(problem, slots, pu, pv) else {
                    continue;
                };
                // A slot may place its restock and break anew once its visits are in; a move
                // whose routes then cost no less (a restock priced where it is no longer
                // needed, on travel times that break the triangle inequality) is taken back.
                let before = slots.total();
                let old: Change = change
                    .iter()
                    .map(|(s, _)| (*s, slots[*s].visits().to_vec()))
                    .collect();
                for (s, visits) in &change {
                    set_visits(problem, slots, *s, visits);
                }
                if slots.total() >= before {
                    for (s, visits) in &old {
                        set_visits(problem, slots, *s, visits);
                    }
                    continue;
                }
                clock += 1;
                for (s, _) in change {
                    changed[s] = clock;
                }
                moved = true;
            }
        }
        if !moved {
            return improved;
        }
        improved = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solution::check::{StatedPlan, check};
    use crate::solution::{Solution, cost};
    use crate::solver::fixture::{
        random_solomon, with_breaks, with_kit, with_sla, with_two_windows,
    };
    use crate::solver::insert::regret_insertion;
    use crate::solver::route::routes;
    use crate::solver::slots::empty_slots;

    fn served(slots: &[Slot]) -> Vec<VisitIdx> {
        let mut visits: Vec<VisitIdx> = slots.iter().flat_map(|s| s.visits().to_vec()).collect();
        visits.sort_unstable();
        visits
    }

    /// On regret-insertion plans of random problems (half of them with SLA due times, a third
    /// with a break in every shift, a quarter with tools, parts and a depot, a quarter with
    /// visits of two windows): the same visits stay served, the plan passes the checker, the
    /// tracked cost is the reference schedule's, and it goes down.
    #[test]
    fn moves_keep_the_visits_and_lower_the_checked_cost() {
        let mut lowered = 0;
        for seed in 1..=20 {
            let problem = match seed % 2 {
                0 => with_sla(random_solomon(seed, 40, 100), seed),
                _ => random_solomon(seed, 40, 100),
            };
            let problem = match seed % 3 {
                0 => with_breaks(problem, seed),
                _ => problem,
            };
            let problem = match seed % 4 {
                1 => with_kit(problem, seed),
                2 => with_two_windows(problem, seed),
                _ => problem,
            };
            let mut slots = empty_slots(&problem);
            let left = regret_insertion(
                &problem,
                &mut slots,
                problem.visit_indices().collect(),
                None,
            );
            let (visits, before) = (served(&slots), slots.total());
            let near = neighbours(&problem, GRANULAR);
            let improved = improve(
                &problem,
                &near,
                &mut slots,
                &mut Rng::new(seed),
                &|| false,
                (None, None),
            );
            assert_eq!(served(&slots), visits, "seed {seed}");
            let solution = Solution {
                routes: routes(&slots),
                unassigned: left,
                ..Solution::default()
            };
            let plan = StatedPlan::from_solution(&problem, &solution).expect("feasible routes");
            let report = check(&problem, &plan);
            assert!(report.is_feasible(), "seed {seed}: {report:?}");
            let truth = cost::evaluate(&problem, &solution).expect("feasible routes");
            assert_eq!(truth.total() - truth.unassigned, slots.total());
            assert_eq!(improved, slots.total() < before, "seed {seed}");
            lowered += usize::from(improved);
        }
        assert!(
            lowered >= 15,
            "local search improved only {lowered} of 20 plans"
        );
    }
}
