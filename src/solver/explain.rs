//! Why a visit cannot be served: the precise reason, found by trying it alone in every shift of
//! every eligible technician.

use crate::io::plan::Units;
use crate::model::{Clock, Problem, Time, VisitIdx};
use crate::solution::schedule::{Violation, simulate};
use crate::solution::{Reason, Stop};

/// The reason visit `v` cannot be placed, and a sentence for people.
pub fn explain(problem: &Problem, v: VisitIdx) -> (Reason, String) {
    let visit = problem.visit(v);
    let eligible: Vec<_> = problem
        .tech_indices()
        .filter(|&t| problem.is_eligible(t, v))
        .collect();
    let excluded = &visit.preferences.excluded;
    if eligible.is_empty() && !excluded.is_empty() {
        let qualified: Vec<&str> = excluded
            .iter()
            .filter(|&&t| {
                let levels = &problem.tech(t).levels;
                visit
                    .requires
                    .iter()
                    .all(|r| levels.get(r.skill.get()).is_some_and(|&l| l >= r.level))
            })
            .map(|&t| problem.tech(t).id.as_str())
            .collect();
        if !qualified.is_empty() {
            return (
                Reason::NoEligibleTechnician,
                format!(
                    "the only technicians with the skill levels ({}) are excluded from it",
                    qualified.join(", ")
                ),
            );
        }
    }
    if eligible.is_empty() {
        let missing = visit
            .requires
            .iter()
            .filter(|r| {
                !problem
                    .technicians
                    .iter()
                    .any(|t| t.levels.get(r.skill.get()).is_some_and(|&l| l >= r.level))
            })
            .map(|r| {
                format!(
                    "{} at level {}",
                    problem.skills[r.skill.get()].name,
                    r.level
                )
            })
            .collect::<Vec<_>>();
        let detail = if missing.is_empty() {
            "no technician holds all the required skill levels together".to_string()
        } else {
            format!("no technician has {}", missing.join(", "))
        };
        return (Reason::NoEligibleTechnician, detail);
    }
    let mut seen = Vec::new();
    for &t in &eligible {
        for shift in 0..problem.tech(t).shifts.len() {
            for stops in [&[Stop::Visit(v)][..], &[Stop::Restock, Stop::Visit(v)]] {
                if stops.len() == 2 && problem.depot.is_none() {
                    continue;
                }
                match simulate(problem, t, shift, stops.iter().copied(), None) {
                    Ok(_) => {
                        return (
                            Reason::NoRoom,
                            format!(
                                "technician {} could serve it in shift {shift} alone, but not beside the other visits",
                                problem.tech(t).id
                            ),
                        );
                    }
                    Err(violation) => seen.push((violation, t, shift)),
                }
            }
        }
    }
    let any = |f: fn(&Violation) -> bool| seen.iter().any(|(x, _, _)| f(x));
    // The smallest amount by which a technician shift misses, and which one.
    let closest = |f: fn(&Violation) -> Option<Time>| {
        seen.iter()
            .filter_map(|&(x, t, shift)| f(&x).map(|over| (over, t, shift)))
            .min()
    };
    let n = eligible.len();
    if any(|x| matches!(x, Violation::Window { .. })) {
        (
            Reason::NoReachableWindow,
            format!(
                "none of the {n} eligible technicians can start it within its windows in any shift"
            ),
        )
    } else if let Some((over, t, shift)) = closest(|x| match x {
        Violation::ShiftEnd { over } => Some(*over),
        _ => None,
    }) {
        (
            Reason::ShiftTooShort,
            format!(
                "travel and service do not fit in any shift of the {n} eligible technicians; \
                 the closest, {} in shift {shift}, needs {} more (overtime or a later end)",
                problem.tech(t).id,
                amount(problem, over)
            ),
        )
    } else if let Some((over, t, shift)) = closest(|x| match x {
        Violation::WorkingTime { over } => Some(*over),
        _ => None,
    }) {
        (
            Reason::ShiftTooShort,
            format!(
                "travel and service exceed the working-time cap of the {n} eligible \
                 technicians; the closest, {} in shift {shift}, needs a cap {} higher",
                problem.tech(t).id,
                amount(problem, over)
            ),
        )
    } else if any(|x| matches!(x, Violation::Break)) {
        (
            Reason::ShiftTooShort,
            format!(
                "with the break, travel and service do not fit in any shift of the {n} eligible technicians"
            ),
        )
    } else if any(|x| matches!(x, Violation::Capacity { .. })) {
        (
            Reason::Capacity,
            format!(
                "its demand {} exceeds the capacity of the {n} eligible technicians",
                visit.demand
            ),
        )
    } else {
        (
            Reason::MissingTools,
            format!(
                "none of the {n} eligible technicians can get the tools or spare parts it needs"
            ),
        )
    }
}

/// An amount of time for people: minutes for calendar problems, file units otherwise.
fn amount(problem: &Problem, ticks: Time) -> String {
    let units = Units::new(problem);
    match problem.clock {
        Clock::Calendar { .. } => format!("{:.0} min", units.duration(ticks).ceil()),
        Clock::Numeric { .. } => format!("{} time units", units.duration(ticks)),
    }
}
