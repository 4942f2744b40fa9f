//! Ruin and recreate aimed at visits left out for want of room: remove visits near one of them
//! (and sometimes a short route), reinsert everything by regret, keep the result if the plan
//! costs less. Seeded, so the same seed and attempt limit give the same plan.

use std::time::Instant;

use crate::model::{Cost, Problem, VisitIdx};
use crate::rng::Rng;
use crate::solution::cost::unassigned_cost;
use crate::solution::{Reason, Stop, Unassigned};

use super::construct::{Slot, regret_insertion, remove, slots_cost};

fn total(problem: &Problem, slots: &[Slot], unassigned: &[Unassigned]) -> Cost {
    slots_cost(slots).saturating_add(unassigned_cost(problem, unassigned))
}

/// Improves `slots` and `unassigned` while visits are left out for want of room, for at most
/// `attempts` attempts and until `deadline`.
pub fn repair(
    problem: &Problem,
    slots: &mut Vec<Slot>,
    unassigned: &mut Vec<Unassigned>,
    rng: &mut Rng,
    attempts: u64,
    deadline: Option<Instant>,
) {
    let mut best = total(problem, slots, unassigned);
    for _ in 0..attempts {
        let crowded: Vec<VisitIdx> = unassigned
            .iter()
            .filter(|u| u.reason == Reason::NoRoom)
            .map(|u| u.visit)
            .collect();
        if crowded.is_empty() || deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        let target = problem.visit(*rng.pick(&crowded)).loc;
        let mut assigned: Vec<(i64, VisitIdx)> = slots
            .iter()
            .flat_map(|s| s.stops_visits())
            .map(|v| (problem.travel.time(target, problem.visit(v).loc), v))
            .collect();
        assigned.sort();
        let near = assigned.len().min(30);
        let take = rng.range(5, 20) as usize;
        let mut removed: Vec<VisitIdx> = Vec::new();
        for &(_, v) in &assigned[..near] {
            if removed.len() < take && rng.chance(0.7) {
                removed.push(v);
            }
        }
        if rng.chance(0.3) {
            if let Some(short) = slots
                .iter()
                .filter(|s| !s.stops_visits().is_empty())
                .min_by_key(|s| s.stops_visits().len())
            {
                for v in short.stops_visits() {
                    if !removed.contains(&v) {
                        removed.push(v);
                    }
                }
            }
        }
        let mut trial = slots.clone();
        for &v in &removed {
            remove(problem, &mut trial, v);
        }
        let mut pending = removed;
        pending.extend(unassigned.iter().map(|u| u.visit));
        pending.sort();
        let left = regret_insertion(problem, &mut trial, pending);
        let cost = total(problem, &trial, &left);
        if cost < best {
            best = cost;
            *slots = trial;
            *unassigned = left;
        }
    }
}

impl Slot {
    /// The visits of the slot, in order.
    pub fn stops_visits(&self) -> Vec<VisitIdx> {
        self.stops()
            .iter()
            .filter_map(|s| match s {
                Stop::Visit(v) => Some(*v),
                Stop::Restock => None,
            })
            .collect()
    }
}
