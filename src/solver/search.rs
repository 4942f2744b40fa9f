//! Ruin and recreate ([`super::ruin`]) under simulated annealing: remove visits near a seed
//! visit, reinsert every removed (and left-out) visit, accept by an annealing criterion, keep the
//! best plan seen, and polish each new best plan (and the start) by local search
//! ([`super::local`]). Local search runs on new best plans, and on large problems on every
//! trial's changed routes (see [`POLISH_TRIALS_ABOVE`]): on Solomon's 100 customers that costs
//! more iterations than it gains.
//!
//! A trial changes the current plan in place ([`super::slots::Slots`] journals the routes it
//! touches) and is undone when rejected, so an iteration costs what its routes cost, not what
//! the plan holds.
//!
//! In the fleet phase (objectives that charge for each technician used), the search empties its
//! shortest route and may not open new ones: the emptied route's visits are left out, and the
//! same ruin and recreate works them back into the other routes. Each visit carries a weight,
//! one more each time a recreate leaves it out; a plan is accepted first when the weights of
//! what it leaves out sum lower, so visits that are easy to place make room for the hard ones
//! (the idea of ejection-pool route minimisation). On Solomon at 30 s, the instances at the
//! BKS technician count went from 35 to 41 of 44 with it. Once none is left out, the plan has
//! one route fewer and the next shortest route goes.
//!
//! Islands (one per thread) search from the same start, in epochs: at fixed iteration counts
//! when the search is limited by iterations, so the result depends on the seed, thread count
//! and iteration limit only; at fixed times when it is limited by time, so that no island waits
//! at the end of an epoch for a slower one. On small problems each island searches the whole
//! plan and all adopt the best plan after each epoch. On large ones (see [`PARTS_ABOVE`]) each
//! island searches its own part of the routes ([`super::parts`], a new split each epoch) and
//! the parts join into one plan: threads then add iterations to one plan instead of racing to
//! the same best one (Gehring–Homberger 1000, 8 files, 60 s, 2 threads: 1.25 % mean gap in
//! parts, seed 1, and 1.36 % over seeds 1–3; 1.82 % as racing islands). The best plan is
//! reported a few times a second; a cancelled search stops like one out of time, with its best
//! plan.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::model::{Cost, Problem, VisitIdx};
use crate::rng::Rng;
use crate::solution::cost::leave_out_cost;
use crate::solution::schedule::simulate;

use super::Cancel;
use super::insert::Shifts;
use super::parts::{self, Part};
use super::route::{self, Slot, routing_cost};
use super::ruin::{Near, Recreate, empty_shortest_route, recreate, ruin};
use super::slots::Plan;
use super::{local, price};

/// Nearest other visits kept per visit for string removal.
const NEIGHBOURS: usize = 40;
/// Start and end temperature, in multiples of the initial mean routing cost per visit (on
/// problems of many shifts, of the mean cost of travel per visit).
const TEMPERATURE: (f64, f64) = (1.0, 0.01);
/// Most share of greedy recreates that open a route for their first visit; an island gives
/// them less when they are accepted less often than the others (see [`Island::opening`]).
const OPEN_SHARE: f64 = 0.2;
/// Least such share.
const OPEN_SHARE_LEAST: f64 = 0.01;
/// Weight of one trial in the smoothed acceptance rates of [`Island::opening`].
const OPEN_SMOOTHING: f64 = 0.01;
/// Iterations between exchanges of the best plan among islands (searches by iterations).
const EPOCH: u64 = 500;
/// Exchanges of the best plan among islands over a search by time (about as often as every
/// 500 iterations on Solomon's 100 customers: 40 per phase measured 0.30 % on the 44 files at
/// 10 s with 2 threads, where exchanging every 500 iterations had measured 0.18 %).
const EXCHANGES: u32 = 400;
/// Least time between two progress reports.
const REPORT_EVERY: Duration = Duration::from_millis(250);
/// Problems with more technician shifts than this recreate each visit only in the routes of its
/// [`RECREATE_NEIGHBOURS`] nearest visits and the shifts of its [`RECREATE_TECHNICIANS`] nearest
/// technicians, not in every shift.
const GRANULAR_SLOTS: usize = 400;
/// Problems of more visits than this (or of many shifts) polish every trial by local search.
/// Measured, one run each: Solomon (100 customers), 5 s, 1 thread: 0.34 % mean gap without,
/// 0.48 % with (26 times fewer iterations); Gehring–Homberger r1_10_1, 60 s, 2 threads:
/// 3.36 % without, 2.56 % with; 1 000 generated field visits, 60 s, 1 thread: travel 123 h 49
/// without, 102 h 43 with; 10 000 generated visits, 60 s, 2 threads: travel 11.0 % below the
/// construction without, 13.2 % with.
const POLISH_TRIALS_ABOVE: usize = 500;
/// Problems of more visits than this, searched by several threads, are searched in parts: each
/// thread changes the routes of its own part of the technicians (see [`super::parts`]), and
/// the parts join into one plan at every exchange, so that threads add iterations to one
/// plan instead of racing each other to a best one.
const PARTS_ABOVE: usize = 500;
/// Least routes per thread for a search in parts.
const PARTS_LEAST_ROUTES: usize = 4;
/// Mixed into the seed for the random stream that splits plans into parts.
const PARTS_STREAM: u64 = 0xD1B5_4A32_D192_ED03;
/// Nearest technicians whose shifts a recreate considers on a problem of many shifts.
const RECREATE_TECHNICIANS: usize = 8;

/// When the search stops.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Iterations per island.
    pub iterations: u64,
    /// Wall-clock deadline.
    pub deadline: Option<Instant>,
}

/// How a running search is watched: a progress callback (given the first island's best plan)
/// and a cancellation token.
#[derive(Clone, Copy)]
pub struct Watch<'a> {
    /// Called with a best plan now and then.
    pub report: &'a (dyn Fn(&Plan) + Sync),
    /// Stops the search when cancelled.
    pub cancel: &'a Cancel,
}

/// What the search is after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Fewer routes: empty the shortest route and work its visits into the others.
    Fleet,
    /// A cheaper plan with any routes.
    Cost,
}

/// Read-only data of a search phase.
struct Context<'a> {
    problem: &'a Problem,
    /// `neighbours[v]`: the nearest other visits, nearest first.
    neighbours: &'a [Vec<VisitIdx>],
    /// On problems of many shifts, `near_shifts[v]`: the shifts of `v`'s nearest technicians.
    near_shifts: Option<&'a [Vec<usize>]>,
    limits: Limits,
    phase: Phase,
    /// Temperature at the start and the end.
    temperature: (f64, f64),
    /// Whether local search polishes the changed routes of every trial, not only of new best
    /// plans.
    polish_trials: bool,
    watch: Watch<'a>,
}

impl<'a> Context<'a> {
    fn new(
        problem: &'a Problem,
        (neighbours, near_shifts): (&'a [Vec<VisitIdx>], Option<&'a [Vec<usize>]>),
        start: &Plan,
        limits: Limits,
        phase: Phase,
        watch: Watch<'a>,
    ) -> Self {
        let served = problem.visits.len().saturating_sub(start.left.len()).max(1);
        let cost = match near_shifts {
            Some(_) => travel_cost(problem, &start.slots),
            None => routing_cost(problem, &start.slots),
        };
        let base = cost as f64 / served as f64;
        let base = if base.is_finite() && base > 0.0 {
            base
        } else {
            1.0
        };
        Context {
            problem,
            neighbours,
            near_shifts,
            limits,
            phase,
            temperature: (TEMPERATURE.0 * base, TEMPERATURE.1 * base),
            polish_trials: problem.visits.len() > POLISH_TRIALS_ABOVE || near_shifts.is_some(),
            watch,
        }
    }

    /// The temperature after `done` of the iterations (or of the time, without an iteration limit).
    fn temperature(&self, done: u64, started: Instant) -> f64 {
        let fraction = match self.limits.deadline {
            Some(deadline) if self.limits.iterations == u64::MAX => {
                let total = deadline.saturating_duration_since(started).as_secs_f64();
                if total > 0.0 {
                    started.elapsed().as_secs_f64() / total
                } else {
                    1.0
                }
            }
            _ => done as f64 / self.limits.iterations.max(1) as f64,
        };
        let (hot, cold) = self.temperature;
        hot * (cold / hot).powf(fraction.clamp(0.0, 1.0))
    }

    /// The problem and its neighbourhoods, for ruin and recreate.
    fn near(&self) -> Near<'a> {
        Near {
            problem: self.problem,
            neighbours: self.neighbours,
            shifts: self.near_shifts,
        }
    }

    fn out_of_time(&self) -> bool {
        self.watch.cancel.is_cancelled()
            || self.limits.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// One island: its current plan, its best plan and its random stream.
struct Island {
    current: Plan,
    best: Plan,
    rng: Rng,
    /// Fleet phase: how often each visit has been left out, so far.
    weights: Vec<u64>,
    /// When the island last reported progress; `None` for islands that do not report.
    reported: Option<Instant>,
    /// Iterations run.
    iterations: u64,
    /// Slots whose routes in `current` may differ from those in `best`.
    unsaved: Vec<usize>,
    /// Smoothed acceptance rates of greedy recreates that opened a route and of those that
    /// did not.
    opening: (f64, f64),
}

impl Island {
    /// Keeps the changes made to the current plan since the last commit.
    fn commit(&mut self) -> Vec<usize> {
        let changed = self.current.slots.commit();
        self.unsaved.extend_from_slice(&changed);
        changed
    }

    /// Makes the current plan the best one, copying only the routes that differ.
    fn save_best(&mut self) {
        self.unsaved.sort_unstable();
        self.unsaved.dedup();
        self.best
            .slots
            .copy_from(&self.current.slots, self.unsaved.iter().copied());
        self.unsaved.clear();
        self.best.left.clone_from(&self.current.left);
        self.best.cost = self.current.cost;
    }

    /// The share of greedy recreates that open a route: [`OPEN_SHARE`] while they are accepted
    /// as often as the others, less as they are accepted less.
    fn open_share(&self) -> f64 {
        let (opened, other) = self.opening;
        (OPEN_SHARE * opened / other.max(f64::MIN_POSITIVE)).clamp(OPEN_SHARE_LEAST, OPEN_SHARE)
    }

    /// Notes whether a greedy trial (one that `opened` a route or not) was accepted.
    fn note_opening(&mut self, opened: bool, accepted: bool) {
        let rate = match opened {
            true => &mut self.opening.0,
            false => &mut self.opening.1,
        };
        *rate += OPEN_SMOOTHING * (f64::from(u8::from(accepted)) - *rate);
    }

    /// Takes `plan` as both the current and the best plan.
    fn adopt(&mut self, plan: &Plan) {
        self.current.copy_from(plan);
        self.best.copy_from(plan);
        self.unsaved.clear();
    }
}

/// Improves `start` through `phases` in turn, each until its limits, over `islands` independent
/// searches seeded from `seed`, watched by `watch`; returns the best plan and the iterations
/// run over all islands.
pub fn search(
    problem: &Problem,
    start: Plan,
    seed: u64,
    islands: usize,
    phases: &[(Phase, Limits)],
    watch: Watch<'_>,
) -> (Plan, u64) {
    let spent = |limits: &Limits| {
        limits.iterations == 0 || limits.deadline.is_some_and(|d| Instant::now() >= d)
    };
    if problem.visits.is_empty() || phases.iter().all(|(_, limits)| spent(limits)) {
        return (start, 0);
    }
    let neighbours = local::neighbours(problem, NEIGHBOURS);
    let near_shifts: Option<Vec<Vec<usize>>> = (start.slots.len() > GRANULAR_SLOTS).then(|| {
        let shifts = Shifts::new(problem, &start.slots);
        let visits: Vec<VisitIdx> = problem.visit_indices().collect();
        visits
            .par_iter()
            .map(|&v| shifts.nearest(problem, v, RECREATE_TECHNICIANS))
            .collect()
    });
    let near = (neighbours.as_slice(), near_shifts.as_deref());
    let searched = phases
        .iter()
        .fold((start, 0), |(plan, iterations), &(phase, limits)| {
            let context = Context::new(problem, near, &plan, limits, phase, watch);
            let (plan, more) = search_phase(&context, plan, seed, islands);
            (plan, iterations + more)
        });
    price::flush();
    searched
}

/// One phase of [`search`].
fn search_phase(context: &Context<'_>, mut start: Plan, seed: u64, islands: usize) -> (Plan, u64) {
    let (problem, limits) = (context.problem, context.limits);
    if limits.iterations == 0 {
        return (start, 0);
    }
    if local::improve(
        problem,
        context.neighbours,
        &mut start.slots,
        &mut Rng::new(seed),
        &|| context.out_of_time(),
        (None, None),
    ) {
        start.cost = start.total(problem);
    }
    start.slots.commit();
    let started = Instant::now();
    let mut islands: Vec<Island> = (0..islands.max(1) as u64)
        .map(|k| Island {
            current: start.clone(),
            best: start.clone(),
            rng: Rng::new(seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            weights: vec![1; problem.visits.len()],
            reported: (k == 0).then_some(started),
            iterations: 0,
            unsaved: Vec::new(),
            opening: (1.0, 1.0),
        })
        .collect();
    // Searches by time exchange at fixed times, so that no island waits for a slower one;
    // searches by iterations at fixed iteration counts, so that the plan depends on the seed,
    // threads and iteration limit only.
    let by_time = limits.deadline.filter(|_| limits.iterations == u64::MAX);
    let exchange_every = by_time.map(|deadline| {
        let span = deadline.saturating_duration_since(started) / EXCHANGES;
        span.clamp(Duration::from_millis(10), Duration::from_secs(1))
    });
    let mut joint = (context.phase == Phase::Cost
        && islands.len() > 1
        && problem.visits.len() > PARTS_ABOVE
        && start.slots.in_use() >= PARTS_LEAST_ROUTES * islands.len())
    .then(|| Joint::new(&start, seed, started));
    if joint.is_some() {
        islands[0].reported = None;
    }
    let mut done = 0;
    while done < limits.iterations && !context.out_of_time() {
        let (epoch, until) = match exchange_every {
            Some(every) => (0, Some(Instant::now() + every)),
            None => (EPOCH.min(limits.iterations - done), None),
        };
        if let Some(joint) = &mut joint {
            joint.hand_out(context, &mut islands);
            islands
                .par_iter_mut()
                .zip(&joint.parts)
                .for_each(|(island, part)| {
                    island.run(context, Some(part), done, (epoch, until), started)
                });
            done += epoch;
            joint.join(context, &islands);
            continue;
        }
        islands
            .par_iter_mut()
            .for_each(|island| island.run(context, None, done, (epoch, until), started));
        done += epoch;
        // Everyone adopts the best plan so far (ties go to the lowest island).
        let leader = islands
            .iter()
            .enumerate()
            .min_by_key(|(k, i)| (i.best.cost, *k))
            .map(|(k, _)| k)
            .unwrap_or(0);
        let (before, rest) = islands.split_at_mut(leader);
        let (lead, after) = rest.split_first_mut().expect("the leader is an island");
        for island in before.iter_mut().chain(after) {
            if island.best.cost > lead.best.cost {
                island.adopt(&lead.best);
            }
        }
    }
    let iterations = islands.iter().map(|i| i.iterations).sum();
    if let Some(joint) = joint {
        return (joint.best, iterations);
    }
    let best = islands
        .into_iter()
        .map(|i| i.best)
        .min_by_key(|p| p.cost)
        .unwrap_or(start);
    (best, iterations)
}

/// The plan islands search in parts (see [`super::parts`]), one part each per epoch: the
/// routes every epoch starts from, and the best plan joined so far.
struct Joint {
    current: Plan,
    best: Plan,
    rng: Rng,
    /// This epoch's parts, one per island.
    parts: Vec<Part>,
    /// The islands' costs when this epoch began.
    began: Vec<Cost>,
    /// When the best plan was last reported.
    reported: Instant,
}

impl Joint {
    fn new(start: &Plan, seed: u64, started: Instant) -> Self {
        Joint {
            current: start.clone(),
            best: start.clone(),
            rng: Rng::new(seed ^ PARTS_STREAM),
            parts: Vec::new(),
            began: Vec::new(),
            reported: started,
        }
    }

    /// Splits the current plan anew and starts each island from it, with its part of the
    /// visits left out.
    fn hand_out(&mut self, context: &Context<'_>, islands: &mut [Island]) {
        let problem = context.problem;
        let (parts, owner) = parts::split(
            problem,
            &self.current.slots,
            context.neighbours,
            islands.len(),
            &mut self.rng,
        );
        self.began.clear();
        for (k, island) in islands.iter_mut().enumerate() {
            island.current.copy_from(&self.current);
            island.current.left.retain(|v| owner[v.get()] == k);
            island.current.cost = island.current.total(problem);
            island.best.copy_from(&island.current);
            island.unsaved.clear();
            self.began.push(island.current.cost);
        }
        self.parts = parts;
    }

    /// Joins the islands' parts: their current routes make the next start, their best ones
    /// the best plan when cheaper than it.
    fn join(&mut self, context: &Context<'_>, islands: &[Island]) {
        let problem = context.problem;
        let gain: Cost = islands
            .iter()
            .zip(&self.began)
            .map(|(island, began)| began - island.best.cost)
            .sum();
        let joined = |plan: &mut Plan, of: &dyn Fn(&Island) -> &Plan| {
            for (island, part) in islands.iter().zip(&self.parts) {
                plan.slots
                    .copy_from(&of(island).slots, part.slots.iter().copied());
            }
            plan.left = islands
                .iter()
                .flat_map(|i| of(i).left.iter().copied())
                .collect();
            plan.left.sort_unstable();
            plan.cost = plan.total(problem);
        };
        if self.current.cost - gain < self.best.cost {
            self.best.copy_from(&self.current);
            joined(&mut self.best, &|island| &island.best);
            debug_assert_eq!(self.best.cost, self.current.cost - gain);
        }
        joined(&mut self.current, &|island| &island.current);
        if self.reported.elapsed() >= REPORT_EVERY {
            (context.watch.report)(&self.best);
            self.reported = Instant::now();
        }
    }
}

impl Island {
    /// Runs `iterations` (after `done` of the phase), or until `until` when given, changing
    /// only the routes of `part` when given.
    fn run(
        &mut self,
        context: &Context<'_>,
        part: Option<&Part>,
        done: u64,
        (iterations, until): (u64, Option<Instant>),
        started: Instant,
    ) {
        let iterations = match until {
            Some(_) => u64::MAX,
            None => iterations,
        };
        for k in 0..iterations {
            if context.out_of_time() || until.is_some_and(|u| Instant::now() >= u) {
                return;
            }
            if self.reported.is_some_and(|at| at.elapsed() >= REPORT_EVERY) {
                (context.watch.report)(&self.best);
                self.reported = Some(Instant::now());
            }
            self.iterations += 1;
            let temperature = context.temperature(done + k, started);
            let fleet = context.phase == Phase::Fleet;
            let problem = context.problem;
            if fleet && self.current.left.is_empty() {
                if self.current.cost < self.best.cost {
                    self.save_best();
                }
                empty_shortest_route(problem, &mut self.current, &mut self.rng);
                self.commit();
            }
            // The trial changes the current plan in place; a rejected one is undone.
            let (left, cost) = (self.current.left.clone(), self.current.cost);
            let removed = ruin(context.near(), part, &mut self.current, &mut self.rng);
            let open = (!fleet).then(|| self.open_share());
            let kind = recreate(
                context.near(),
                part,
                &mut self.current,
                removed,
                &mut self.rng,
                open,
            );
            if context.polish_trials {
                let focus = self.current.slots.changed();
                local::improve(
                    problem,
                    context.neighbours,
                    &mut self.current.slots,
                    &mut self.rng,
                    &|| context.out_of_time(),
                    (Some(&focus), part),
                );
            }
            self.current.cost = self.current.total(problem);
            // Accept when cheaper than the current plan plus a random threshold; in the fleet
            // phase, first when it leaves out visits that have been easier to place.
            let threshold = -temperature * self.rng.unit().max(f64::MIN_POSITIVE).ln();
            let routing = |plan: &Plan| plan.slots.total();
            let (trial_key, current_key) = match fleet {
                true => {
                    for v in &self.current.left {
                        self.weights[v.get()] += 1;
                    }
                    let weight = |left: &[VisitIdx]| -> u64 {
                        left.iter().map(|v| self.weights[v.get()]).sum()
                    };
                    let before = cost - leave_out_cost(problem, left.iter().copied());
                    (
                        (weight(&self.current.left), routing(&self.current)),
                        (weight(&left), before),
                    )
                }
                false => ((0, self.current.cost), (0, cost)),
            };
            let accept = match trial_key.0.cmp(&current_key.0) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Greater => false,
                std::cmp::Ordering::Equal => {
                    (trial_key.1 as f64) < current_key.1 as f64 + threshold
                }
            };
            if let Recreate::Greedy { opened } = kind {
                self.note_opening(opened, accept);
            }
            if !accept {
                self.current.slots.undo();
                self.current.left = left;
                self.current.cost = cost;
                continue;
            }
            let changed = self.commit();
            if self.current.cost < self.best.cost && self.current.left.len() <= self.best.left.len()
            {
                // On problems of many shifts, only the routes the trial changed.
                let focus = context.near_shifts.map(|_| changed);
                if local::improve(
                    problem,
                    context.neighbours,
                    &mut self.current.slots,
                    &mut self.rng,
                    &|| context.out_of_time(),
                    (focus.as_deref(), part),
                ) {
                    self.current.cost = self.current.total(problem);
                }
                self.commit();
                self.save_best();
            }
        }
    }
}

/// The cost of travel of the slots: distance and the pay for driving, without the service
/// times, waiting and penalties that make up the rest of the routing cost.
///
/// A search over many shifts visits each visit only a few times in its time, so it cannot
/// anneal from a temperature set by the whole routing cost: long services and unavoidable SLA
/// penalties would keep it accepting worse plans to the end. (Smaller problems keep the routing
/// cost, which measured better on the bundled instances.)
fn travel_cost(problem: &Problem, slots: &[Slot]) -> Cost {
    route::routes(slots)
        .iter()
        .filter_map(|r| {
            let summary = simulate(problem, r.tech, r.shift, r.stops.iter().copied(), None).ok()?;
            Some(
                problem.objective.distance.apply(summary.distance)
                    + problem.tech(r.tech).work_rate.apply(summary.travel),
            )
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::generate::{Spec, generate};
    use crate::solution::check::{StatedPlan, check};
    use crate::solver::fixture::{random_solomon, with_field_rules, with_sla};

    /// Both phases, fleet first.
    const BOTH: [Phase; 2] = [Phase::Fleet, Phase::Cost];

    /// Searches `problem` briefly and returns the tracked plan with the checker's total cost of it.
    fn searched(problem: &Problem, seed: u64, islands: usize, phases: &[Phase]) -> (Plan, Cost) {
        let mut slots = crate::solver::slots::empty_slots(problem);
        let left = crate::solver::insert::regret_insertion(
            problem,
            &mut slots,
            problem.visit_indices().collect(),
            None,
        );
        let start = Plan::new(problem, slots, left.iter().map(|u| u.visit).collect());
        let limits = |phase: Phase| {
            let iterations = match phase {
                // Past the first exchange among islands.
                Phase::Cost if problem.visits.len() > PARTS_ABOVE => EPOCH + 50,
                _ => 60,
            };
            let limits = Limits {
                iterations,
                deadline: None,
            };
            (phase, limits)
        };
        let watch = Watch {
            report: &|_| {},
            cancel: &Cancel::new(),
        };
        let phases: Vec<(Phase, Limits)> = phases.iter().map(|&p| limits(p)).collect();
        let (best, _) = search(problem, start, seed, islands, &phases, watch);
        let mut stated = StatedPlan::from_solution(
            problem,
            &crate::Solution {
                routes: route::routes(&best.slots),
                ..crate::Solution::default()
            },
        )
        .expect("every route of the search is feasible");
        stated.unassigned = best
            .left
            .iter()
            .map(|&v| (v, crate::solution::Reason::NoRoom))
            .collect();
        stated.cost = None;
        let report = check(problem, &stated);
        assert!(report.is_feasible(), "{:?}", report.violations);
        (best, report.kpis.cost.total())
    }

    /// On a problem of more shifts than [`GRANULAR_SLOTS`] the search recreates near each visit
    /// and polishes only changed routes; its tracked cost is still the checker's.
    #[test]
    fn tracked_cost_is_the_checked_cost_over_many_shifts() {
        let spec = Spec {
            visits: 150,
            technicians: 210,
            days: 2,
            seed: 11,
            field_rules: true,
            roads: false,
            crews: false,
        };
        let problem = crate::io::native::to_problem(&generate(spec), "generated").expect("valid");
        assert!(problem.technicians.len() * 2 > GRANULAR_SLOTS);
        let (plan, checked) = searched(&problem, 3, 2, &BOTH);
        assert_eq!(plan.cost, checked);
        assert!(plan.left.is_empty());
    }

    /// A problem of more than [`PARTS_ABOVE`] visits is searched in parts by two threads, over
    /// two epochs (so the parts join, split anew and join again): the tracked cost of the
    /// joined plan is still the checker's, and a second search gives the same plan.
    #[test]
    fn searches_in_parts_track_the_checked_cost_and_repeat() {
        let spec = Spec {
            visits: PARTS_ABOVE + 20,
            technicians: 40,
            days: 2,
            seed: 5,
            field_rules: true,
            roads: false,
            crews: false,
        };
        let problem = crate::io::native::to_problem(&generate(spec), "generated").expect("valid");
        let (plan, checked) = searched(&problem, 3, 2, &[Phase::Cost]);
        assert_eq!(plan.cost, checked);
        let (again, _) = searched(&problem, 3, 2, &[Phase::Cost]);
        let routes = |p: &Plan| -> Vec<Vec<VisitIdx>> {
            p.slots.iter().map(|s| s.visits().to_vec()).collect()
        };
        assert_eq!((routes(&plan), plan.cost), (routes(&again), again.cost));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// The cost the search tracks move by move is the checker's cost of the plan it returns.
        #[test]
        fn tracked_cost_is_the_checked_cost(
            seed in any::<u64>(), customers in 1usize..40, sla in any::<bool>(),
            rules in any::<bool>(), islands in 1usize..3
        ) {
            let problem = random_solomon(seed, customers, 60);
            let problem = if sla { with_sla(problem, seed) } else { problem };
            let problem = if rules { with_field_rules(problem, seed) } else { problem };
            let (plan, checked) = searched(&problem, seed, islands, &BOTH);
            prop_assert_eq!(plan.cost, checked);
        }

        /// The same on field-service problems: levels, tiers, several days, working costs, and
        /// the field rules (overtime, caps, preferences, durations by level).
        #[test]
        fn tracked_cost_is_the_checked_cost_in_the_field(
            seed in any::<u64>(), visits in 1usize..40, technicians in 1usize..5, days in 1usize..3,
            field_rules in any::<bool>()
        ) {
            let dto = generate(Spec { visits, technicians, days, seed, field_rules, roads: false, crews: false });
            let problem = crate::io::native::to_problem(&dto, "generated").expect("valid");
            let (plan, checked) = searched(&problem, seed, 1, &BOTH);
            prop_assert_eq!(plan.cost, checked);
        }
    }
}
