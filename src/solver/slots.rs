//! The slots of a plan under search: one per technician shift, the route and position of
//! every visit and the total cost kept as routes change, and an undo journal, so that an
//! iteration touches only the routes it changes.

use std::ops::{Deref, Range};

use std::collections::HashMap;

use crate::model::{Cost, LocIdx, Problem, Time, VisitIdx};
use crate::solution::Route;
use crate::solution::cost::leave_out_cost;

use super::route::{INFEASIBLE, Slot, rebudget, week_of};

/// No route.
const NOWHERE: (u32, u32) = (u32::MAX, u32::MAX);

/// The slots of a plan, with the route and position of each visit and an undo journal of the
/// slots changed since the last [`Slots::commit`].
#[derive(Clone)]
pub struct Slots {
    all: Vec<Slot>,
    /// `at[v]`: the slot and position of visit `v`, or [`NOWHERE`].
    at: Vec<(u32, u32)>,
    /// Sum of the slots' costs (wide: infeasible slots cost a quarter of the range each).
    total: i128,
    /// Slots with at least one stop.
    in_use: usize,
    /// Slots as they were before their first change since the last commit.
    journal: Vec<(usize, Slot)>,
    /// Whether a slot is in the journal.
    saved: Vec<bool>,
}

impl Deref for Slots {
    type Target = [Slot];

    fn deref(&self) -> &[Slot] {
        &self.all
    }
}

impl Slots {
    fn new(problem: &Problem, all: Vec<Slot>) -> Self {
        let mut slots = Slots {
            at: vec![NOWHERE; problem.visits.len()],
            total: 0,
            in_use: 0,
            saved: vec![false; all.len()],
            journal: Vec::new(),
            all,
        };
        for s in 0..slots.all.len() {
            slots.index(s);
        }
        slots
    }

    /// The slot serving `v`, if any.
    pub fn route_of(&self, v: VisitIdx) -> Option<usize> {
        self.place_of(v).map(|(s, _)| s)
    }

    /// The slot serving `v` and its position among the slot's visits, if any.
    pub fn place_of(&self, v: VisitIdx) -> Option<(usize, usize)> {
        let (s, k) = self.at[v.get()];
        (s != u32::MAX).then_some((s as usize, k as usize))
    }

    /// Total cost of the slots.
    pub fn total(&self) -> Cost {
        self.total
            .clamp(i128::from(Cost::MIN), i128::from(Cost::MAX)) as Cost
    }

    /// How many slots have a route.
    pub fn in_use(&self) -> usize {
        self.in_use
    }

    /// Changes the visits of slot `s` by `change`, refreshes its cost and the budgets of its
    /// week; returns the slots whose budget may have changed (`s` alone when uncapped).
    pub(super) fn change(
        &mut self,
        problem: &Problem,
        s: usize,
        change: impl FnOnce(&mut Vec<VisitIdx>),
    ) -> Range<usize> {
        let week = week_of(problem, &self.all, s);
        for k in week.clone() {
            if !self.saved[k] {
                self.saved[k] = true;
                self.journal.push((k, self.all[k].clone()));
            }
        }
        self.unindex(s);
        change(&mut self.all[s].visits);
        self.all[s].refresh(problem);
        self.index(s);
        rebudget(problem, &mut self.all, s);
        week
    }

    /// The slots changed since the last commit, sorted.
    pub fn changed(&self) -> Vec<usize> {
        let mut changed: Vec<usize> = self.journal.iter().map(|&(s, _)| s).collect();
        changed.sort_unstable();
        changed
    }

    /// Keeps the changes since the last commit; returns the slots they touched, sorted.
    pub fn commit(&mut self) -> Vec<usize> {
        let mut changed: Vec<usize> = self.journal.drain(..).map(|(s, _)| s).collect();
        for &s in &changed {
            self.saved[s] = false;
        }
        changed.sort_unstable();
        changed
    }

    /// Puts back the slots as they were at the last commit.
    pub fn undo(&mut self) {
        let journal = std::mem::take(&mut self.journal);
        for &(s, _) in &journal {
            self.unindex(s);
        }
        for (s, slot) in journal {
            self.saved[s] = false;
            self.all[s] = slot;
            self.index(s);
        }
    }

    /// Makes the slots `among` (each named once) copies of `other`'s, copying only those that
    /// differ: a slot is what its visits and budget make it.
    pub fn copy_from(&mut self, other: &Slots, among: impl IntoIterator<Item = usize>) {
        let differ: Vec<usize> = among
            .into_iter()
            .filter(|&s| {
                let (mine, theirs) = (&self.all[s], &other.all[s]);
                mine.visits != theirs.visits || mine.budget != theirs.budget
            })
            .collect();
        for &s in &differ {
            self.unindex(s);
        }
        for &s in &differ {
            self.all[s].clone_from(&other.all[s]);
            self.index(s);
        }
    }

    /// Takes slot `s` out of the index, the total and the count of routes.
    fn unindex(&mut self, s: usize) {
        self.total -= i128::from(self.all[s].cost);
        self.in_use -= usize::from(!self.all[s].visits.is_empty());
        for v in self.all[s].visits() {
            self.at[v.get()] = NOWHERE;
        }
    }

    /// Puts slot `s` in the index, the total and the count of routes.
    fn index(&mut self, s: usize) {
        self.total += i128::from(self.all[s].cost);
        self.in_use += usize::from(!self.all[s].visits.is_empty());
        for (k, v) in self.all[s].visits().iter().enumerate() {
            self.at[v.get()] = (s as u32, k as u32);
        }
    }
}

/// A plan under search: the routes and the visits left out.
#[derive(Clone)]
pub struct Plan {
    /// One slot per technician shift.
    pub slots: Slots,
    /// Visits left out.
    pub left: Vec<VisitIdx>,
    /// Total cost, with the penalties of the visits left out.
    pub cost: Cost,
}

impl Plan {
    /// A plan from slots and the visits left out.
    pub fn new(problem: &Problem, mut slots: Slots, left: Vec<VisitIdx>) -> Self {
        slots.commit();
        let mut plan = Plan {
            slots,
            left,
            cost: 0,
        };
        plan.cost = plan.total(problem);
        plan
    }

    /// The cost of the routes and of the visits left out.
    pub(super) fn total(&self, problem: &Problem) -> Cost {
        (self.slots.total()).saturating_add(leave_out_cost(problem, self.left.iter().copied()))
    }

    /// Makes this plan (committed) a copy of `other`, copying only the routes that differ.
    pub(super) fn copy_from(&mut self, other: &Plan) {
        self.slots.copy_from(&other.slots, 0..self.slots.len());
        self.left.clone_from(&other.left);
        self.cost = other.cost;
    }
}

/// One empty slot per technician shift, each knowing its first twin.
pub fn empty_slots(problem: &Problem) -> Slots {
    let mut all: Vec<Slot> = problem
        .tech_shifts()
        .map(|(tech, shift)| Slot::new(problem, tech, shift))
        .collect();
    // Twins share their homes and shift times: compare within those groups only.
    let mut firsts: HashMap<(LocIdx, LocIdx, Time, Time), Vec<usize>> = HashMap::new();
    for s in 0..all.len() {
        let (tech, shift) = (problem.tech(all[s].tech), all[s].shift);
        let key = (
            tech.start,
            tech.end,
            tech.shifts[shift].start,
            tech.shifts[shift].end,
        );
        let group = firsts.entry(key).or_default();
        let twin = group.iter().copied().find(|&f| {
            let other = problem.tech(all[f].tech);
            other.shifts[all[f].shift] == tech.shifts[shift] && other.is_like(tech)
        });
        all[s].twin = Some(twin.unwrap_or_else(|| {
            group.push(s);
            s
        }));
    }
    let mut count = vec![0u32; all.len()];
    for slot in &all {
        count[slot.twin.unwrap_or(0)] += 1;
    }
    for slot in &mut all {
        slot.twin = slot.twin.filter(|&t| count[t] > 1);
    }
    Slots::new(problem, all)
}

/// Slots holding `routes` (a route the schedule rejects is left out; each keeps its visits and
/// gets its restock and break where they cost least), and the visits in none of the kept
/// routes.
pub fn slots_from(problem: &Problem, routes: &[Route]) -> (Slots, Vec<VisitIdx>) {
    let mut slots = empty_slots(problem);
    for route in routes {
        let Some(s) = slots
            .iter()
            .position(|s| s.tech == route.tech && s.shift == route.shift)
        else {
            continue;
        };
        // Segments leave eligibility to their callers: a route from outside is checked here.
        if !route.visits().all(|v| problem.is_eligible(route.tech, v)) {
            continue;
        }
        slots.change(problem, s, |all| all.extend(route.visits()));
        if slots[s].cost == INFEASIBLE {
            slots.change(problem, s, Vec::clear);
        }
    }
    slots.commit();
    let rest = problem
        .visit_indices()
        .filter(|&v| slots.route_of(v).is_none())
        .collect();
    (slots, rest)
}

/// Takes `visits` out of slot `s`.
pub fn remove_visits(problem: &Problem, slots: &mut Slots, s: usize, visits: &[VisitIdx]) {
    slots.change(problem, s, |all| all.retain(|v| !visits.contains(v)));
}

/// Replaces the visits of slot `s` by `visits`.
pub(super) fn set_visits(problem: &Problem, slots: &mut Slots, s: usize, visits: &[VisitIdx]) {
    slots.change(problem, s, |all| {
        all.clear();
        all.extend_from_slice(visits);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::solver::fixture::{random_solomon, with_field_rules};

    /// After random changes, undos and commits, the index, the total and the slots are what
    /// they would be built afresh, and an undo restores the last commit.
    #[test]
    fn the_index_and_the_journal_follow_every_change() {
        let problem = with_field_rules(random_solomon(4, 30, 80), 4);
        let mut rng = Rng::new(8);
        let mut slots = empty_slots(&problem);
        let mut committed: Vec<Vec<VisitIdx>> = slots.iter().map(|s| s.visits().to_vec()).collect();
        for round in 0..300 {
            for _ in 0..rng.range(1, 4) {
                let s = rng.range(0, slots.len() as i64 - 1) as usize;
                let mut visits: Vec<VisitIdx> = problem
                    .visit_indices()
                    .filter(|&v| problem.is_eligible(slots[s].tech, v))
                    .filter(|&v| slots.route_of(v).is_none_or(|r| r == s))
                    .collect();
                rng.shuffle(&mut visits);
                visits.truncate(rng.range(0, 5) as usize);
                set_visits(&problem, &mut slots, s, &visits);
            }
            if round % 3 == 0 {
                slots.undo();
                let now: Vec<Vec<VisitIdx>> = slots.iter().map(|s| s.visits().to_vec()).collect();
                assert_eq!(now, committed, "round {round}");
            } else {
                slots.commit();
                committed = slots.iter().map(|s| s.visits().to_vec()).collect();
            }
            let fresh = Slots::new(&problem, slots.all.clone());
            assert_eq!(slots.at, fresh.at, "round {round}");
            assert_eq!(slots.total, fresh.total, "round {round}");
            assert_eq!(slots.in_use, fresh.in_use, "round {round}");
        }
    }
}
