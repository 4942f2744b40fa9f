//! Parts of a plan that threads search at once: the technicians split into groups of nearby
//! routes, so that each thread changes only its own routes and visits and the changes of all
//! join into one plan (the idea of route-based decomposition in large-scale vehicle routing
//! heuristics).
//!
//! A split orders the technicians by how much nearer their visits are to one random visit than
//! to another (by travel time, so road matrices without coordinates split as well; in the plane
//! that is a cut across the line between the two) and cuts that order into parts of about equal
//! numbers of visits. A new split every few hundred iterations moves the cut, so no two routes
//! stay apart for long. A technician's
//! shifts stay together, so weekly caps bind within one part; technicians without visits are
//! dealt to the parts in turn, so every part can open a route.

use crate::model::{LocIdx, Problem, VisitIdx};
use crate::rng::Rng;

use super::slots::Slots;

/// Visits of a route that set its key at most.
const KEY_SAMPLE: usize = 8;

/// One part: the slots a thread may change.
pub struct Part {
    /// The slots, sorted.
    pub slots: Vec<usize>,
    /// `mask[s]`: whether slot `s` is in the part.
    mask: Vec<bool>,
}

impl Part {
    /// Whether slot `s` is in the part.
    pub fn holds(&self, s: usize) -> bool {
        self.mask[s]
    }
}

/// Splits the technicians of `slots` into `count` parts along a random line (see the module
/// doc); returns the parts and, for each visit, the part of its slot or, for a visit left
/// out, of the route of its nearest served neighbour (`neighbours`, nearest first).
pub fn split(
    problem: &Problem,
    slots: &Slots,
    neighbours: &[Vec<VisitIdx>],
    count: usize,
    rng: &mut Rng,
) -> (Vec<Part>, Vec<usize>) {
    let count = count.max(1);
    let served: Vec<VisitIdx> = problem
        .visit_indices()
        .filter(|&v| slots.route_of(v).is_some())
        .collect();
    let mut owner_of_slot = vec![0usize; slots.len()];
    if !served.is_empty() {
        let a = problem.visit(*rng.pick(&served)).loc;
        let b = problem.visit(*rng.pick(&served)).loc;
        let key = |at: LocIdx| problem.travel.time(a, at) - problem.travel.time(b, at);
        // Each technician's slots, with the mean key of (a sample of) their visits.
        let mut technicians: Vec<(f64, usize, std::ops::Range<usize>)> = Vec::new();
        let mut idle: Vec<std::ops::Range<usize>> = Vec::new();
        let mut first = 0;
        while first < slots.len() {
            let tech = slots[first].tech;
            let end = (first..slots.len())
                .find(|&s| slots[s].tech != tech)
                .unwrap_or(slots.len());
            let visits: Vec<VisitIdx> = slots[first..end]
                .iter()
                .flat_map(|slot| slot.visits().iter().copied())
                .collect();
            if visits.is_empty() {
                idle.push(first..end);
            } else {
                let step = visits.len().div_ceil(KEY_SAMPLE);
                let sample: Vec<i64> = visits
                    .iter()
                    .step_by(step)
                    .map(|&v| key(problem.visit(v).loc))
                    .collect();
                let mean = sample.iter().sum::<i64>() as f64 / sample.len() as f64;
                technicians.push((mean, visits.len(), first..end));
            }
            first = end;
        }
        technicians.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.2.start.cmp(&y.2.start)));
        let total: usize = technicians.iter().map(|t| t.1).sum();
        let mut before = 0;
        for (_, visits, range) in technicians {
            // The part of the technician's middle visit, in order of key.
            let part = ((2 * before + visits) * count / (2 * total)).min(count - 1);
            before += visits;
            owner_of_slot[range].fill(part);
        }
        let offset = rng.range(0, count as i64 - 1) as usize;
        for (k, range) in idle.into_iter().enumerate() {
            owner_of_slot[range].fill((offset + k) % count);
        }
    }
    let parts = (0..count)
        .map(|k| Part {
            slots: (0..slots.len())
                .filter(|&s| owner_of_slot[s] == k)
                .collect(),
            mask: owner_of_slot.iter().map(|&o| o == k).collect(),
        })
        .collect();
    let owner = problem
        .visit_indices()
        .map(|v| {
            std::iter::once(v)
                .chain(neighbours[v.get()].iter().copied())
                .find_map(|w| slots.route_of(w))
                .map_or(v.get() % count, |s| owner_of_slot[s])
        })
        .collect();
    (parts, owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::fixture::random_solomon;
    use crate::solver::insert::regret_insertion;
    use crate::solver::local::neighbours;
    use crate::solver::slots::empty_slots;

    /// Every slot is in exactly one part, a technician's slots in the same one, every visit's
    /// part is its slot's, and the parts serve about equal numbers of visits.
    #[test]
    fn parts_cover_the_plan_once_and_about_evenly() {
        for seed in 1..=10 {
            let problem = random_solomon(seed, 80, 60);
            let mut slots = empty_slots(&problem);
            regret_insertion(
                &problem,
                &mut slots,
                problem.visit_indices().collect(),
                None,
            );
            let near = neighbours(&problem, 10);
            for count in 1..=3 {
                let (parts, owner) = split(&problem, &slots, &near, count, &mut Rng::new(seed));
                assert_eq!(parts.len(), count);
                for s in 0..slots.len() {
                    let holding: Vec<usize> = (0..count).filter(|&k| parts[k].holds(s)).collect();
                    assert_eq!(holding.len(), 1, "seed {seed}, slot {s}");
                    assert!(parts[holding[0]].slots.contains(&s));
                }
                for v in problem.visit_indices() {
                    if let Some(s) = slots.route_of(v) {
                        assert!(parts[owner[v.get()]].holds(s));
                    }
                }
                let served: Vec<usize> = parts
                    .iter()
                    .map(|p| p.slots.iter().map(|&s| slots[s].visits().len()).sum())
                    .collect();
                let longest = slots.iter().map(|s| s.visits().len()).max().unwrap_or(0);
                let (lo, hi) = (served.iter().min(), served.iter().max());
                assert!(
                    hi.zip(lo).is_some_and(|(h, l)| h - l <= 2 * longest),
                    "seed {seed}, {count} parts: {served:?}"
                );
            }
        }
    }
}
