//! What the current plan did before `now`, kept as it was: departures of routes with started
//! work, arrivals and starts of started visits, and breaks begun before `now`. The search of
//! the problem as it stands may time these differently (a break placed on an earlier arrival,
//! an earlier departure), which would rewrite what already happened.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use super::origin;
use crate::model::{Problem, Time};
use crate::solution::Stop;
use crate::solution::check::StatedPlan;

/// One route's past, in absolute times.
struct Route {
    departure: DateTime<FixedOffset>,
    lunch: Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    /// Arrival and start of each visit started before `now`, by visit id.
    started: HashMap<String, (DateTime<FixedOffset>, DateTime<FixedOffset>)>,
}

/// The past of the current plan, by technician id and shift of the problem as it stands.
#[derive(Default)]
pub struct Past {
    routes: HashMap<(String, usize), Route>,
}

impl Past {
    /// What `plan` of `current` did before `now` (ticks of `current`), in the routes that have
    /// started work; `shift_now` maps a technician's shift to its index in the problem as it
    /// stands (none when it is gone).
    pub fn record(
        current: &Problem,
        plan: &StatedPlan,
        now: Time,
        shift_now: impl Fn(&str, usize) -> Option<usize>,
    ) -> Past {
        let origin = origin(current);
        let at = |t: Time| origin + chrono::Duration::seconds(t);
        let mut routes = HashMap::new();
        for route in &plan.routes {
            let tech = &current.tech(route.tech).id;
            let started: HashMap<String, _> = route
                .stops
                .iter()
                .filter(|s| s.time.start < now)
                .filter_map(|s| match s.stop {
                    Stop::Visit(v) => Some((
                        current.visit(v).id.clone(),
                        (at(s.time.arrival), at(s.time.start)),
                    )),
                    Stop::Restock | Stop::Break => None,
                })
                .collect();
            let Some(shift) = shift_now(tech, route.shift).filter(|_| !started.is_empty()) else {
                continue;
            };
            let lunch = route
                .lunch
                .filter(|&(from, _)| from < now)
                .map(|(from, to)| (at(from), at(to)));
            routes.insert(
                (tech.clone(), shift),
                Route {
                    departure: at(route.start),
                    lunch,
                    started,
                },
            );
        }
        Past { routes }
    }

    /// Puts the past back into `plan` of the problem as it stands (`problem`).
    pub fn restore(&self, problem: &Problem, plan: &mut StatedPlan) {
        let origin = origin(problem);
        let ticks = |t: DateTime<FixedOffset>| (t - origin).num_seconds();
        for route in &mut plan.routes {
            let tech = &problem.tech(route.tech).id;
            let Some(past) = self.routes.get(&(tech.clone(), route.shift)) else {
                continue;
            };
            route.start = ticks(past.departure);
            if let Some((from, to)) = past.lunch {
                route.lunch = Some((ticks(from), ticks(to)));
            }
            for stop in &mut route.stops {
                let Stop::Visit(v) = stop.stop else {
                    continue;
                };
                if let Some(&(arrival, start)) = past.started.get(&problem.visit(v).id) {
                    stop.time.arrival = ticks(arrival);
                    stop.time.start = ticks(start);
                }
            }
        }
    }
}
