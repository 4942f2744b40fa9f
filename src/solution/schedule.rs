//! The one reference simulation of a route: arrival, wait, start and end of every stop.
//!
//! The technician leaves home as late as possible without delaying the return, making any
//! visit late that was on time, or missing a window; what waiting remains is spent on site.

use crate::model::{Cost, Hours, LocIdx, MAX_PART_TYPES, Problem, TechIdx, Time, Visit};

use super::Stop;

/// Times of one stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopTime {
    /// Arrival at the location.
    pub arrival: Time,
    /// Start of service (after any wait).
    pub start: Time,
    /// End of service.
    pub end: Time,
}

/// Why a route cannot be driven as given; `stop` is the index in the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    /// The technician lacks a required skill level.
    Ineligible {
        /// Stop index.
        stop: usize,
    },
    /// Service cannot start within any window.
    Window {
        /// Stop index.
        stop: usize,
    },
    /// The technician is back after the shift ends (and its overtime allowance).
    ShiftEnd {
        /// Ticks too late.
        over: Time,
    },
    /// The shift works longer than the technician's working-time cap.
    WorkingTime {
        /// Ticks too long.
        over: Time,
    },
    /// The load exceeds the capacity.
    Capacity {
        /// Stop index.
        stop: usize,
    },
    /// A required tool is not carried.
    Tools {
        /// Stop index.
        stop: usize,
    },
    /// Not enough of a spare part is carried.
    Parts {
        /// Stop index.
        stop: usize,
    },
    /// The break cannot start within its window.
    Break,
    /// A restock stop in a problem without a depot.
    NoDepot {
        /// Stop index.
        stop: usize,
    },
}

/// The outcome of simulating a feasible route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Departure from the start location.
    pub departure: Time,
    /// Return to the end location.
    pub back: Time,
    /// Distance driven.
    pub distance: i64,
    /// Time spent driving.
    pub travel: Time,
    /// Sum of ticks late over the visits.
    pub late_ticks: Time,
    /// Visits that start after their due time.
    pub late_visits: u32,
    /// Lateness and breach penalties, priority-weighted.
    pub lateness_cost: Cost,
    /// Breach penalties included in `lateness_cost`.
    pub breach_cost: Cost,
    /// Preference and continuity penalties of the visits.
    pub preference_cost: Cost,
    /// Change penalties of visits moved off their planned technician (re-planning).
    pub change_cost: Cost,
    /// Ticks back after the end of the shift.
    pub overtime: Time,
    /// When the break starts, if one is taken.
    pub lunch: Option<Time>,
}

impl Summary {
    /// Working time: departure to return.
    pub fn working(&self) -> Time {
        self.back - self.departure
    }
}

/// Lateness of a visit starting at `start`: (ticks late, penalty, breach part of the penalty).
pub fn lateness(problem: &Problem, visit: &Visit, start: Time) -> (Time, Cost, Cost) {
    let Some(due) = visit.due else {
        return (0, 0, 0);
    };
    let late = (start - due).max(0);
    if late == 0 {
        return (0, 0, 0);
    }
    let Some(tier) = visit.tier.map(|t| &problem.tiers[t.get()]) else {
        return (late, 0, 0);
    };
    let breach = tier.breach.saturating_mul(visit.priority);
    let penalty = tier
        .lateness
        .apply(late)
        .saturating_mul(visit.priority)
        .saturating_add(breach);
    (late, penalty, breach)
}

/// Simulates the route of technician `tech` in shift `shift` over `stops`.
///
/// Returns the summary, and fills `times` (when given) with one entry per stop.
pub fn simulate<I>(
    problem: &Problem,
    tech: TechIdx,
    shift: usize,
    stops: I,
    times: Option<&mut Vec<StopTime>>,
) -> Result<Summary, Violation>
where
    I: IntoIterator<Item = Stop>,
    I::IntoIter: Clone,
{
    let stops = stops.into_iter();
    let earliest = problem.tech(tech).shifts[shift].start;
    let first = walk(problem, tech, shift, stops.clone(), earliest, None)?;
    let mut departure = earliest + first.delay;
    let mut summary = first.summary;
    if problem.tech(tech).shifts[shift].lunch.is_some() && first.delay > 0 {
        // The break may fall elsewhere when leaving later: keep the later departure only when
        // the return and the lateness stay as they were.
        match walk(problem, tech, shift, stops.clone(), departure, None) {
            Ok(later)
                if later.summary.back == summary.back
                    && later.summary.lateness_cost == summary.lateness_cost =>
            {
                summary = later.summary;
            }
            _ => departure = earliest,
        }
    }
    summary.departure = departure;
    if let Some(cap) = problem.tech(tech).hours.max_working {
        if summary.working() > cap {
            return Err(Violation::WorkingTime {
                over: summary.working() - cap,
            });
        }
    }
    if let Some(times) = times {
        times.clear();
        walk(problem, tech, shift, stops, departure, Some(times))?;
    }
    Ok(summary)
}

struct Walk {
    summary: Summary,
    /// How long the departure can be put off without changing the return or any lateness.
    delay: Time,
}

fn walk(
    problem: &Problem,
    t: TechIdx,
    shift: usize,
    stops: impl Iterator<Item = Stop>,
    departure: Time,
    mut times: Option<&mut Vec<StopTime>>,
) -> Result<Walk, Violation> {
    let tech = problem.tech(t);
    let shift = tech.shifts[shift];
    let mut parts = [0i64; MAX_PART_TYPES];
    parts[..tech.parts.len()].copy_from_slice(&tech.parts);
    let mut tools = tech.tools;
    let mut load = 0i64;
    let mut now = departure;
    let mut at: LocIdx = tech.start;
    let mut summary = Summary::default();
    let mut waited = 0;
    let mut delay = Time::MAX;
    // A break not owed when the shift starts after its window.
    let mut pending = shift.lunch.filter(|b| departure <= b.end);
    let mut served = false;
    for (k, stop) in stops.enumerate() {
        let (loc, duration) = match stop {
            Stop::Visit(v) => {
                if !problem.is_eligible(t, v) {
                    return Err(Violation::Ineligible { stop: k });
                }
                (problem.visit(v).loc, problem.duration(t, v))
            }
            Stop::Restock => {
                let depot = problem
                    .depot
                    .as_ref()
                    .ok_or(Violation::NoDepot { stop: k })?;
                (depot.loc, 0)
            }
        };
        let drive = problem.travel.time(at, loc);
        let mut arrival = now + drive;
        let (mut start, mut latest) = opening(problem, stop, arrival, k)?;
        // The break, if owed and not taken: in the wait before this service when it fits
        // there; else now when its window is open or this service would end after it; else
        // later.
        let mut on_site = 0;
        if let Some(b) = pending {
            let in_wait = arrival.max(b.start);
            let taken = if in_wait <= b.end && in_wait + b.duration <= start {
                on_site = b.duration;
                Some(in_wait)
            } else if now >= b.start {
                // Before driving, where the technician is.
                arrival = now + b.duration + drive;
                (start, latest) = opening(problem, stop, arrival, k)?;
                Some(now)
            } else if start + duration > b.end {
                // On arrival, waiting for the window to open if need be.
                on_site = b.duration;
                (start, latest) = opening(problem, stop, in_wait + b.duration, k)?;
                Some(in_wait)
            } else {
                None
            };
            if let Some(from) = taken {
                if from > b.end {
                    return Err(Violation::Break);
                }
                summary.lunch = Some(from);
                pending = None;
            }
        }
        waited += start - arrival - on_site;
        if let Stop::Visit(v) = stop {
            let visit = problem.visit(v);
            let (late, penalty, breach) = lateness(problem, visit, start);
            let slack = match visit.due {
                _ if late > 0 => 0,
                Some(due) => latest.min(due) - start,
                None => latest - start,
            };
            delay = delay.min(waited.saturating_add(slack));
            summary.late_ticks += late;
            summary.late_visits += u32::from(late > 0);
            summary.lateness_cost = summary.lateness_cost.saturating_add(penalty);
            summary.breach_cost = summary.breach_cost.saturating_add(breach);
            summary.preference_cost += visit.preferences.preference_cost(t);
            summary.change_cost += visit.preferences.change_cost(t);
            load += visit.demand;
            if tech.capacity.is_some_and(|c| load > c) {
                return Err(Violation::Capacity { stop: k });
            }
            if visit.tools & !tools != 0 {
                return Err(Violation::Tools { stop: k });
            }
            for (have, need) in parts.iter_mut().zip(&visit.parts) {
                *have -= need;
                if *have < 0 {
                    return Err(Violation::Parts { stop: k });
                }
            }
            served = true;
        } else {
            tools = u64::MAX;
            parts = [i64::MAX / 4; MAX_PART_TYPES];
        }
        summary.travel += drive;
        summary.distance += problem.travel.distance(at, loc);
        if let Some(times) = times.as_deref_mut() {
            times.push(StopTime {
                arrival,
                start,
                end: start + duration,
            });
        }
        now = start + duration;
        at = loc;
    }
    // Still owed when service ran past the window's opening: taken after the last stop.
    if let Some(b) = pending.filter(|b| served && b.is_owed(departure, now)) {
        if now > b.end {
            return Err(Violation::Break);
        }
        summary.lunch = Some(now);
        now += b.duration;
    }
    let home = problem.travel.time(at, tech.end);
    summary.travel += home;
    summary.distance += problem.travel.distance(at, tech.end);
    summary.back = now + home;
    let over = summary.back - (shift.end + tech.hours.overtime);
    if over > 0 {
        return Err(Violation::ShiftEnd { over });
    }
    summary.overtime = Hours::overtime(shift, summary.back);
    summary.departure = departure;
    Ok(Walk {
        summary,
        delay: delay.min(waited),
    })
}

/// The start of service at `stop` for a technician ready at `ready` (after its release, in the
/// first window still open), and the latest start of that window.
fn opening(
    problem: &Problem,
    stop: Stop,
    ready: Time,
    k: usize,
) -> Result<(Time, Time), Violation> {
    let Stop::Visit(v) = stop else {
        return Ok((ready, Time::MAX));
    };
    let visit = problem.visit(v);
    let ready = visit.release.map_or(ready, |r| r.max(ready));
    if visit.windows.is_empty() {
        return Ok((ready, Time::MAX));
    }
    let w = visit
        .windows
        .iter()
        .find(|w| w.end >= ready)
        .ok_or(Violation::Window { stop: k })?;
    Ok((ready.max(w.start), w.end))
}
