//! Why a visit cannot be served: the precise reason, found by trying it alone in every shift of
//! every eligible technician.

use crate::model::{
    Problem, Requirement, Shift, TechIdx, Technician, Time, Visit, VisitIdx, level_in,
};
use crate::solution::schedule::{Violation, simulate, with_break};
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
            .filter(|&&t| problem.tech(t).holds_levels(visit))
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
        if let Some(detail) = crew_detail(problem, visit) {
            return (Reason::NoCrew, detail);
        }
        let missing = visit
            .requires
            .iter()
            .filter(|r| {
                !problem
                    .technicians
                    .iter()
                    .any(|t| t.level(r.skill) >= r.level)
            })
            .map(|r| {
                // The most skilled technician, to say how far off the best one is.
                let best = problem
                    .technicians
                    .iter()
                    .map(|t| (t.level(r.skill), &t.id))
                    .filter(|&(l, _)| l > 0)
                    .max_by_key(|&(l, id)| (l, std::cmp::Reverse(id)));
                let name = &problem.skills[r.skill.get()].name;
                match best {
                    Some((l, id)) => format!("{name} at level {} (the best: {id} at {l})", r.level),
                    None => format!("{name} at level {} (nobody has {name})", r.level),
                }
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
                let tech = problem.tech(t);
                let stops = with_break(problem, t, shift, stops);
                match simulate(problem, t, shift, stops.iter().copied(), None) {
                    Ok(route) => match tech.hours.max_weekly {
                        Some(cap) if route.working() > cap => {
                            let over = route.working() - cap;
                            seen.push((Violation::WorkingTime { over }, t, shift));
                        }
                        Some(cap) => {
                            return (
                                Reason::NoRoom,
                                format!(
                                    "{} {} could serve it in the shift {} alone, but not beside \
                                     the other visits or within the weekly working-time cap of {} \
                                     over the shifts of that week",
                                    tech.noun(),
                                    tech.id,
                                    shift_name(problem, t, shift),
                                    problem.show_duration(cap)
                                ),
                            );
                        }
                        None => {
                            return (
                                Reason::NoRoom,
                                format!(
                                    "{} {} could serve it in the shift {} alone, but not beside \
                                     the other visits",
                                    tech.noun(),
                                    tech.id,
                                    shift_name(problem, t, shift)
                                ),
                            );
                        }
                    },
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
    if off_shift(problem, v, &eligible) {
        (
            Reason::NoReachableWindow,
            format!("none of the {n} eligible technicians works while one of its windows is open"),
        )
    } else if any(|x| matches!(x, Violation::Window { .. })) {
        (
            Reason::NoReachableWindow,
            window_detail(problem, v, &eligible),
        )
    } else if let Some((over, t, shift)) = closest(|x| match x {
        Violation::ShiftEnd { over } => Some(*over),
        _ => None,
    }) {
        (
            Reason::ShiftTooShort,
            format!(
                "travel and service do not fit in any shift of the {n} eligible technicians; \
                 the closest, {} in the shift {}, needs {} more (overtime or a later end)",
                problem.tech(t).id,
                shift_name(problem, t, shift),
                problem.show_duration(over)
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
                 technicians; the closest, {} in the shift {}, needs a cap {} higher",
                problem.tech(t).id,
                shift_name(problem, t, shift),
                problem.show_duration(over)
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
        let largest = eligible
            .iter()
            .filter_map(|&t| Some((problem.tech(t).capacity?, &problem.tech(t).id)))
            .max_by_key(|&(c, id)| (c, std::cmp::Reverse(id)));
        let detail = match largest {
            Some((c, id)) => format!(
                "its demand {} exceeds the capacity of the {n} eligible technicians \
                 (the largest: {id} with {c})",
                visit.demand
            ),
            None => format!("its demand {} exceeds every capacity", visit.demand),
        };
        (Reason::Capacity, detail)
    } else {
        (
            Reason::MissingTools,
            format!(
                "none of the {n} eligible technicians can get the tools or spare parts it needs"
            ),
        )
    }
}

/// Why no crew can do `visit`, when it needs several technicians and every level is held by
/// someone: the crew size or the skill count no crew reaches, the best crew, and the
/// technicians who hold the skill (who could make up such a crew).
fn crew_detail(problem: &Problem, visit: &Visit) -> Option<String> {
    let held = |r: &Requirement| {
        problem
            .technicians
            .iter()
            .any(|t| t.level(r.skill) >= r.level)
    };
    if visit.crew_size <= 1 || !visit.requires.iter().all(held) {
        return None;
    }
    // Who holds a skill counted more than once, alone or in a crew.
    let holders = |r: &Requirement| {
        let ids: Vec<&str> = problem
            .technicians
            .iter()
            .flat_map(Technician::people)
            .filter(|&(_, levels)| level_in(levels, r.skill) >= r.level)
            .map(|(id, _)| id)
            .collect();
        let name = &problem.skills[r.skill.get()].name;
        format!(
            "{} technicians hold {name} at level {} ({})",
            ids.len(),
            r.level,
            ids.join(", ")
        )
    };
    let largest = problem.technicians.iter().map(Technician::size).max()?;
    let need = usize::from(visit.crew_size);
    if largest < need {
        let counted = visit.requires.iter().find(|r| r.count > 1);
        let who = counted
            .map(|r| format!("; {}", holders(r)))
            .unwrap_or_default();
        return Some(format!(
            "it needs {need} technicians together and the largest crew has {largest}{who}"
        ));
    }
    visit.requires.iter().find_map(|r| {
        let count = usize::from(r.count);
        let (best, crew) = problem
            .technicians
            .iter()
            .map(|t| (t.holding(r.skill, r.level), &t.id))
            .max_by_key(|&(n, id)| (n, std::cmp::Reverse(id)))?;
        (best < count).then(|| {
            format!(
                "it needs {count} technicians with {} at level {} together; the best crew, \
                 {crew}, has {best}, and {}",
                problem.skills[r.skill.get()].name,
                r.level,
                holders(r)
            )
        })
    })
}

/// Whether `v` has windows and none is open during a shift of an eligible technician.
fn off_shift(problem: &Problem, v: VisitIdx, eligible: &[TechIdx]) -> bool {
    let visit = problem.visit(v);
    let during = |s: &Shift| {
        visit
            .windows
            .iter()
            .any(|w| w.start <= s.end && w.end >= s.start)
    };
    !visit.windows.is_empty()
        && !eligible
            .iter()
            .any(|&t| problem.tech(t).shifts.iter().any(during))
}

/// Why no eligible technician reaches a window of `v` open during its shifts: the closest
/// arrives this long after the last window closes.
fn window_detail(problem: &Problem, v: VisitIdx, eligible: &[TechIdx]) -> String {
    let visit = problem.visit(v);
    let n = eligible.len();
    // The earliest start each shift allows, against the last window that opens by then.
    let closest = eligible
        .iter()
        .flat_map(|&t| {
            let tech = problem.tech(t);
            tech.shifts.iter().enumerate().map(move |(k, s)| {
                let arrive = s.start + problem.travel.time(tech.start, visit.loc);
                let ready = visit.release.map_or(arrive, |r| r.max(arrive));
                let last = visit
                    .windows
                    .iter()
                    .map(|w| w.end)
                    .max()
                    .unwrap_or(Time::MAX);
                ((ready - last).max(0), t, k)
            })
        })
        .filter(|&(over, _, _)| over > 0)
        .min();
    match closest {
        Some((over, t, k)) => format!(
            "none of the {n} eligible technicians can start it within its windows; the closest, \
             {} in the shift {}, arrives {} after the last window closes",
            problem.tech(t).id,
            shift_name(problem, t, k),
            problem.show_duration(over)
        ),
        None => format!(
            "none of the {n} eligible technicians can start it within its windows and be back by \
             the end of the shift"
        ),
    }
}

/// A technician's shift for people: `from Mon 2026-03-02 08:00`.
fn shift_name(problem: &Problem, t: TechIdx, k: usize) -> String {
    let shift = problem.tech(t).shifts[k];
    format!("from {}", problem.show_time(shift.start))
}

/// The visits whose SLA due time no eligible technician can meet even driving straight there
/// at the start of a shift (and still be home within the shift and its overtime): lateness no
/// plan can avoid.
pub fn unmeetable_due_times(problem: &Problem) -> Vec<VisitIdx> {
    problem
        .visit_indices()
        .filter(|&v| {
            let visit = problem.visit(v);
            let Some(due) = visit.due else {
                return false;
            };
            !problem.tech_indices().any(|t| {
                let tech = problem.tech(t);
                problem.is_eligible(t, v)
                    && tech.shifts.iter().any(|s| {
                        let arrive = s.start + problem.travel.time(tech.start, visit.loc);
                        let ready = arrive.max(visit.release.unwrap_or(Time::MIN));
                        let start = match visit.windows.iter().find(|w| w.end >= ready) {
                            Some(w) => ready.max(w.start),
                            None if visit.windows.is_empty() => ready,
                            None => return false,
                        };
                        let home = start
                            + problem.duration(t, v)
                            + problem.travel.time(visit.loc, tech.end);
                        start <= due && home <= s.end + tech.hours.overtime
                    })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A due time before anyone can get there is counted; one a technician can meet is not.
    #[test]
    fn due_times_no_one_can_meet_are_counted() {
        let mut problem = crate::solver::fixture::random_solomon(2, 5, 100);
        let shift = problem.technicians[0].shifts[0];
        problem.visits[0].due = Some(shift.start);
        problem.visits[1].due = Some(shift.end);
        problem.visits[1].windows.clear();
        assert_eq!(unmeetable_due_times(&problem), [VisitIdx(0)]);
    }
}
