//! The one reference simulation of a route: arrival, wait, start and end of every stop.
//!
//! The technician leaves home as late as possible without delaying the return, making any
//! visit late that was on time, or missing a window; what waiting remains is spent on site.
//! The break is a stop of the route ([`Stop::Break`]): the planner decides where it goes.

use crate::model::{Cost, Hours, LocIdx, MAX_PART_TYPES, Problem, Shift, TechIdx, Time, Visit};

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
/// The break is taken where the route has its [`Stop::Break`]; a route of a shift with a
/// break must have one when the break is owed (see [`crate::model::Break::is_owed`]), and
/// [`with_break`] places one in a route that has none.
///
/// Returns the summary, and fills `times` (when given) with one entry per stop (the break's
/// included).
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
    let departure = earliest + first.delay;
    let mut summary = first.summary;
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

/// `stops` with the shift's break placed where the route costs least, when the shift has a
/// break and the stops none; else `stops` as they are (also when no place works, so that
/// [`simulate`] says why).
pub fn with_break(problem: &Problem, tech: TechIdx, shift: usize, stops: &[Stop]) -> Vec<Stop> {
    if problem.tech(tech).shifts[shift].lunch.is_none() || stops.contains(&Stop::Break) {
        return stops.to_vec();
    }
    let cost = |stops: &[Stop]| {
        simulate(problem, tech, shift, stops.iter().copied(), None)
            .ok()
            .map(|s| super::cost::route_cost(problem, tech, &s, stops.is_empty()).total())
    };
    let mut best = (cost(stops), stops.to_vec());
    for at in 0..=stops.len() {
        let mut broken = stops.to_vec();
        broken.insert(at, Stop::Break);
        let c = cost(&broken);
        if c.is_some() && best.0.is_none_or(|b| c < Some(b)) {
            best = (c, broken);
        }
    }
    best.1
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
            Stop::Break => match shift.lunch {
                Some(b) if summary.lunch.is_none() => (at, b.duration),
                _ => return Err(Violation::Break),
            },
        };
        // The break is taken where the technician is.
        let (drive, distance) = match stop {
            Stop::Break => (0, 0),
            _ => problem.travel.arc(at, loc),
        };
        let arrival = now + drive;
        let (start, latest) = opening(problem, shift, stop, arrival, k)?;
        waited += start - arrival;
        match stop {
            Stop::Visit(v) => {
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
            }
            Stop::Restock => {
                tools = u64::MAX;
                parts = [i64::MAX / 4; MAX_PART_TYPES];
            }
            Stop::Break => {
                delay = delay.min(waited.saturating_add(latest - start));
                summary.lunch = Some(start);
            }
        }
        summary.travel += drive;
        summary.distance += distance;
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
    if let Some(b) = shift.lunch {
        if summary.lunch.is_none() && served && b.is_owed(departure, now) {
            return Err(Violation::Break);
        }
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
/// first window still open; the break once its window opens), and the latest start of that
/// window.
fn opening(
    problem: &Problem,
    shift: Shift,
    stop: Stop,
    ready: Time,
    k: usize,
) -> Result<(Time, Time), Violation> {
    let v = match stop {
        Stop::Visit(v) => v,
        Stop::Restock => return Ok((ready, Time::MAX)),
        Stop::Break => {
            let b = shift.lunch.ok_or(Violation::Break)?;
            return match ready.max(b.start) {
                start if start <= b.end => Ok((start, b.end)),
                _ => Err(Violation::Break),
            };
        }
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
