//! Ruin and recreate, the trial move of the search ([`super::search`]).
//!
//! Ruin is mostly string removal (strings of nearby visits from a few neighbouring routes, which
//! frees the slack a tight-window plan needs to rearrange itself), sometimes the seed's nearest
//! visits whatever their route, or the seed's whole route when it is short. Recreate is mostly
//! greedy cheapest insertion in a random, largest-demand, farthest or tightest-window order,
//! priced through the concatenation segments so an iteration stays cheap; now and then regret
//! insertion (on Solomon R2 and RC2 at 5 s, two seeds: 0.58 % mean gap with it, 0.87 %
//! without). Up to one greedy recreate in five first opens a route for its first visit, so the
//! search can reach plans of more, shorter routes (Gehring–Homberger R2 wants them); each
//! island gives these less of its recreates as they are accepted less often than the others
//! (on field days, where a route costs a drive from home, they rarely are).

use crate::model::{Problem, VisitIdx};
use crate::rng::Rng;

use super::insert::{insert_cheapest, regret_insert};
use super::parts::Part;
use super::slots::{Plan, Slots, remove_visits};

/// Random visits a ruin tries for a seed in its part.
const SEED_TRIES: usize = 64;
/// Mean number of visits a ruin removes.
const MEAN_REMOVED: f64 = 10.0;
/// Longest string removed from one route.
const MAX_STRING: usize = 10;
/// Recreates that use regret insertion: one in `REGRET_ODDS + 1`.
const REGRET_ODDS: i64 = 9;
/// Nearest visits whose routes a recreate considers on a problem of many shifts.
const RECREATE_NEIGHBOURS: usize = 20;

/// What ruin and recreate look at: the problem and who is near whom.
#[derive(Clone, Copy)]
pub(super) struct Near<'a> {
    pub(super) problem: &'a Problem,
    /// `neighbours[v]`: the nearest other visits, nearest first.
    pub(super) neighbours: &'a [Vec<VisitIdx>],
    /// On problems of many shifts, `shifts[v]`: the shifts of `v`'s nearest technicians,
    /// where a recreate puts `v` (with the routes of its nearest visits).
    pub(super) shifts: Option<&'a [Vec<usize>]>,
}

/// Removes visits around a seed visit, by one of three kinds of ruin: strings of visits from
/// a few neighbouring routes (mostly), the seed's nearest visits whatever their route, or the
/// seed's whole route when it is short; only from the routes of `part` when given. Returns what
/// it removed.
pub(super) fn ruin(
    near: Near<'_>,
    part: Option<&Part>,
    plan: &mut Plan,
    rng: &mut Rng,
) -> Vec<VisitIdx> {
    let problem = near.problem;
    let slots = &plan.slots;
    let served = problem.visits.len() - plan.left.len();
    if served == 0 {
        return Vec::new();
    }
    let route_of = |v: VisitIdx| {
        slots
            .route_of(v)
            .filter(|&s| part.is_none_or(|p| p.holds(s)))
    };
    // Start next to a left-out visit when there is one, so it gets room (a part holds a
    // share of the visits: a few tries find one of its own).
    let seed = match plan.left.is_empty() || rng.chance(0.5) {
        true => (0..SEED_TRIES)
            .map(|_| VisitIdx(rng.range(0, problem.visits.len() as i64 - 1) as u32))
            .find(|&v| route_of(v).is_some()),
        false => Some(*rng.pick(&plan.left)),
    };
    let Some(seed) = seed else {
        return Vec::new();
    };
    let around = std::iter::once(seed)
        .chain(near.neighbours[seed.get()].iter().copied())
        .filter_map(|v| route_of(v).map(|s| (v, s)));
    let mut removed: Vec<(usize, VisitIdx)> = match rng.range(0, 9) {
        0 => {
            let count = rng.range(MEAN_REMOVED as i64 / 2, MEAN_REMOVED as i64 * 3 / 2);
            around
                .clone()
                .take(count as usize)
                .map(|(v, s)| (s, v))
                .collect()
        }
        1 => around
            .clone()
            .next()
            .map(|(_, s)| {
                slots[s]
                    .visits()
                    .iter()
                    .map(|&v| (s, v))
                    .collect::<Vec<_>>()
            })
            .filter(|route| route.len() as f64 <= 2.0 * MEAN_REMOVED)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    if removed.is_empty() {
        let mean_len = served as f64 / slots.in_use().max(1) as f64;
        removed = strings(slots, around, mean_len, rng);
    }
    // Take the visits out route by route.
    removed.sort_unstable();
    let removed_visits = removed.iter().map(|&(_, v)| v).collect();
    for group in removed.chunk_by(|a, b| a.0 == b.0) {
        let visits: Vec<VisitIdx> = group.iter().map(|&(_, v)| v).collect();
        remove_visits(problem, &mut plan.slots, group[0].0, &visits);
    }
    removed_visits
}

/// Picks strings of visits from a few routes, one per route, each containing the first visit
/// of `near` in that route.
fn strings(
    slots: &Slots,
    near: impl Iterator<Item = (VisitIdx, usize)>,
    mean_len: f64,
    rng: &mut Rng,
) -> Vec<(usize, VisitIdx)> {
    let longest = (MAX_STRING as f64).min(mean_len).max(1.0);
    let most_routes = (4.0 * MEAN_REMOVED / (1.0 + longest) - 1.0).max(1.0);
    let route_count = rng.range(1, most_routes as i64) as usize;
    let mut picked = Vec::new();
    let mut ruined = Vec::new();
    for (v, s) in near {
        if ruined.len() >= route_count {
            break;
        }
        if ruined.contains(&s) {
            continue;
        }
        ruined.push(s);
        let visits = slots[s].visits();
        let at = slots.place_of(v).map_or(0, |(_, k)| k);
        let most = (longest as usize).min(visits.len());
        let len = rng.range(1, most as i64) as usize;
        // A string of `len` visits that contains `v`, placed at random around it.
        let first_lo = at.saturating_sub(len - 1);
        let first_hi = at.min(visits.len() - len);
        let first = rng.range(first_lo as i64, first_hi as i64) as usize;
        picked.extend(visits[first..first + len].iter().map(|&w| (s, w)));
    }
    picked
}

/// Leaves out every visit of the route with the fewest visits (ties broken at random).
pub(super) fn empty_shortest_route(problem: &Problem, plan: &mut Plan, rng: &mut Rng) {
    let mut routes: Vec<(usize, u64, usize)> = plan
        .slots
        .iter()
        .enumerate()
        .map(|(s, slot)| (slot.visits().len(), rng.next_u64(), s))
        .filter(|&(len, _, _)| len > 0)
        .collect();
    routes.sort_unstable();
    // Keep at least one route: a plan needs somewhere to put its visits.
    if routes.len() < 2 {
        return;
    }
    let s = routes[0].2;
    let visits = plan.slots[s].visits().to_vec();
    remove_visits(problem, &mut plan.slots, s, &visits);
    plan.left.extend(visits);
    plan.left.sort_unstable();
    plan.cost = plan.total(problem);
}

/// The slots a recreate on a problem of many shifts considers for `v`: the routes of its
/// nearest visits and the shifts of its nearest technicians, sorted.
fn nearby_slots(near: Near<'_>, slots: &Slots, v: VisitIdx, shifts: &[Vec<usize>]) -> Vec<usize> {
    let routes = near.neighbours[v.get()]
        .iter()
        .take(RECREATE_NEIGHBOURS)
        .filter_map(|&w| slots.route_of(w));
    let mut within: Vec<usize> = routes.chain(shifts[v.get()].iter().copied()).collect();
    within.sort_unstable();
    within.dedup();
    within
}

/// How a recreate put the visits back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Recreate {
    Regret,
    /// Each at its cheapest place; `opened` when the first one opened a route of its own.
    Greedy {
        opened: bool,
    },
}

/// Reinserts `removed` and the visits left out (opening routes only when `open` gives the share
/// of greedy recreates whose first visit opens one; only in the routes of `part` when given):
/// now and then by regret insertion, mostly each at its cheapest place in a random order of a
/// randomly chosen kind.
pub(super) fn recreate(
    near: Near<'_>,
    part: Option<&Part>,
    plan: &mut Plan,
    mut pending: Vec<VisitIdx>,
    rng: &mut Rng,
    open: Option<f64>,
) -> Recreate {
    let open_routes = open.is_some();
    let problem = near.problem;
    pending.append(&mut plan.left);
    rng.shuffle(&mut pending);
    let home = problem.technicians.first().map(|t| t.start);
    let regret = rng.range(0, REGRET_ODDS) == 0;
    match rng.range(0, 10) {
        0..=3 => {}
        4..=7 => pending.sort_by_key(|&v| std::cmp::Reverse(problem.visit(v).demand)),
        8..=9 => pending.sort_by_key(|&v| {
            std::cmp::Reverse(home.map_or(0, |h| problem.travel.time(h, problem.visit(v).loc)))
        }),
        _ => pending.sort_by_key(|&v| {
            let w = &problem.visit(v).windows;
            w.first()
                .zip(w.last())
                .map_or(i64::MAX, |(a, b)| b.end - a.start)
        }),
    }
    // On problems of many shifts, each visit only near itself, as the routes are now.
    let nearby = |slots: &Slots, v| {
        near.shifts.map(|n| {
            let mut within = nearby_slots(near, slots, v, n);
            within.retain(|&s| part.is_none_or(|p| p.holds(s)));
            within
        })
    };
    let mine = part.map(|p| p.slots.as_slice());
    if regret {
        let within: Option<Vec<Vec<usize>>> =
            (near.shifts.is_some() || part.is_some()).then(|| {
                pending
                    .iter()
                    .map(|&v| {
                        nearby(&plan.slots, v).unwrap_or_else(|| mine.unwrap_or(&[]).to_vec())
                    })
                    .collect()
            });
        let slots = &mut plan.slots;
        let left = regret_insert(
            problem,
            slots,
            pending,
            open_routes,
            None,
            within.as_deref(),
        );
        plan.left.extend(left.into_iter().map(|(v, _)| v));
        plan.left.sort_unstable();
        return Recreate::Regret;
    }
    // Now and then the first visit opens a route of its own, which the others may join:
    // more, shorter routes can be cheaper where windows are wide, and single moves do not
    // find them (splitting a route alone never shortens it).
    let mut opened = false;
    if open.is_some_and(|share| rng.unit() < share) {
        let empty: Vec<usize> = (0..plan.slots.len())
            .filter(|&s| plan.slots[s].visits().is_empty() && part.is_none_or(|p| p.holds(s)))
            .collect();
        if let Some(&v) = pending.first().filter(|_| !empty.is_empty()) {
            opened = insert_cheapest(problem, &mut plan.slots, v, true, Some(&empty));
            if opened {
                pending.remove(0);
            }
        }
    }
    for v in pending {
        let close = nearby(&plan.slots, v);
        let within = close.as_deref().or(mine);
        if !insert_cheapest(problem, &mut plan.slots, v, open_routes, within) {
            plan.left.push(v);
        }
    }
    plan.left.sort_unstable();
    Recreate::Greedy { opened }
}
