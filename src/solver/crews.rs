//! Crew building for problems whose visits need several technicians together and whose
//! technicians are not yet grouped (the Kovacs STRSP `Team` files): crews are formed once,
//! when solving starts ([`with_crews`]), and stay together for the day. A plan names each
//! crew's members, so `check` rebuilds the crews of any plan from the problem's technicians.
//!
//! Visits that need a crew are taken from the largest crew they need (then the most
//! technician-levels they count), and each is sketched into a day route: the cheapest place,
//! by added travel time, in the route of a crew formed so far that can do it and still meets
//! every window and the end of its shift there; else a new crew is formed for it from the
//! technicians still alone. A new crew grows one technician at a time, each time the one who
//! leaves the least shortfall (technicians missing for a counted level, plus people missing
//! for the crew size), ties to the lower sum of levels, so experts stay free for the visits
//! that need them. A visit the technicians left cannot cover gets no crew; those still alone at
//! the end work alone. The sketched routes only size the crews: routing is the solver's.

use crate::model::{Eligibility, Problem, Technician, Time, Visit, VisitIdx};

/// `problem` with its technicians grouped into crews when it [needs them](Problem::needs_crews),
/// else as it is.
pub fn with_crews(mut problem: Problem) -> Problem {
    if problem.needs_crews() {
        problem.technicians = form(&problem);
        problem.eligibility = Eligibility::compute(&problem.technicians, &problem.visits);
    }
    problem
}

/// The technicians of `problem` grouped into crews ([`Problem::crew_of`]), in a fixed order:
/// the crews in the order formed (members in their order, the first one leading), then the
/// technicians left alone in their order. Crew `k` is named `crew{k+1}`. Every technician's
/// first shift is taken as the day.
pub fn form(problem: &Problem) -> Vec<Technician> {
    let mut order: Vec<VisitIdx> = problem
        .visit_indices()
        .filter(|&v| problem.visit(v).crew_size > 1)
        .collect();
    order.sort_by_key(|&v| {
        let visit = problem.visit(v);
        let counted: usize = visit.requires.iter().map(|r| usize::from(r.count)).sum();
        (std::cmp::Reverse((visit.crew_size, counted)), v)
    });
    let mut alone: Vec<Option<Technician>> =
        problem.technicians.iter().cloned().map(Some).collect();
    let mut crews: Vec<(Technician, Vec<VisitIdx>)> = Vec::new();
    for v in order {
        let visit = problem.visit(v);
        let place = crews
            .iter()
            .enumerate()
            .filter(|(_, (crew, _))| crew.holds_levels(visit))
            .filter_map(|(c, (crew, route))| {
                cheapest_place(problem, crew, route, v).map(|(added, at)| (added, c, at))
            })
            .min();
        if let Some((_, c, at)) = place {
            crews[c].1.insert(at, v);
            continue;
        }
        let Some(mut members) = cover(&alone, visit) else {
            continue;
        };
        members.sort_unstable();
        let people: Vec<Technician> = members.iter().filter_map(|&t| alone[t].take()).collect();
        let refs: Vec<&Technician> = people.iter().collect();
        let crew = problem.crew_of(format!("crew{}", crews.len() + 1), &refs);
        crews.push((crew, vec![v]));
    }
    crews
        .into_iter()
        .map(|(crew, _)| crew)
        .chain(alone.into_iter().flatten())
        .collect()
}

/// Where `v` goes in the sketched `route` of `crew` at the least added travel time, as (added
/// time, position), if some place keeps every window and the end of the first shift.
fn cheapest_place(
    problem: &Problem,
    crew: &Technician,
    route: &[VisitIdx],
    v: VisitIdx,
) -> Option<(Time, usize)> {
    let shift = crew.shifts.first()?;
    (0..=route.len())
        .filter_map(|at| {
            let visits = route[..at].iter().chain([&v]).chain(&route[at..]);
            let mut clock = shift.start;
            let mut here = crew.start;
            let mut driven = 0;
            for &w in visits {
                let visit = problem.visit(w);
                let drive = problem.travel.time(here, visit.loc);
                let window = visit.windows.iter().find(|win| win.end >= clock + drive)?;
                clock = (clock + drive).max(window.start) + visit.duration;
                driven += drive;
                here = visit.loc;
            }
            let home = problem.travel.time(here, crew.end);
            (clock + home <= shift.end).then_some((driven + home, at))
        })
        .min()
}

/// The technicians still alone (indices into `alone`) that together can do `visit`, chosen
/// greedily; `None` when all of them together cannot.
fn cover(alone: &[Option<Technician>], visit: &Visit) -> Option<Vec<usize>> {
    let shortfall = |members: &[usize]| -> usize {
        let size = usize::from(visit.crew_size).saturating_sub(members.len());
        let missing: usize = visit
            .requires
            .iter()
            .map(|r| {
                let held = members
                    .iter()
                    .filter_map(|&t| alone[t].as_ref())
                    .filter(|t| t.level(r.skill) >= r.level)
                    .count();
                usize::from(r.count).saturating_sub(held)
            })
            .sum();
        size + missing
    };
    let mut members = Vec::new();
    let mut left = shortfall(&members);
    while left > 0 {
        let (best, after) = alone
            .iter()
            .enumerate()
            .filter(|(t, tech)| tech.is_some() && !members.contains(t))
            .map(|(t, tech)| {
                let mut with = members.clone();
                with.push(t);
                let levels: u32 = tech
                    .as_ref()
                    .map_or(0, |tech| tech.levels.iter().map(|&l| u32::from(l)).sum());
                (t, shortfall(&with), levels)
            })
            .min_by_key(|&(t, after, levels)| (after, levels, t))
            .map(|(t, after, _)| (t, after))?;
        if after >= left {
            return None;
        }
        members.push(best);
        left = after;
    }
    Some(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Eligibility, Requirement, SkillIdx, Window};

    /// Four technicians (an expert, two middling, one beginner) and three 10-tick visits at one
    /// place: a pair job in skill 0 with a level-3 in skill 1 at some instant, a pair job in
    /// skill 0 `gap` later, and a job for two level-4s in skill 1.
    fn problem(gap: Time) -> Problem {
        let mut problem = crate::solver::fixture::random_solomon(1, 3, 10);
        let proto = problem.technicians[0].clone();
        problem.technicians = [
            ("expert", [4, 4]),
            ("a", [2, 0]),
            ("b", [2, 3]),
            ("c", [1, 0]),
        ]
        .into_iter()
        .map(|(id, levels)| Technician {
            id: id.into(),
            levels: levels.to_vec(),
            ..proto.clone()
        })
        .collect();
        let needs: [&[(u32, u8, u8)]; 3] = [&[(0, 2, 2), (1, 3, 1)], &[(0, 1, 2)], &[(1, 4, 2)]];
        let loc = problem.visits[0].loc;
        let at = proto.shifts[0].start + problem.travel.time(proto.start, loc) + 100;
        for (k, need) in needs.iter().enumerate() {
            let visit = &mut problem.visits[k];
            let start = if k == 1 { at + gap } else { at };
            visit.loc = loc;
            visit.windows = vec![Window { start, end: start }];
            visit.duration = 10;
            visit.requires = need
                .iter()
                .map(|&(s, level, count)| Requirement {
                    skill: SkillIdx(s),
                    level,
                    count,
                })
                .collect();
            visit.crew_size = crate::model::crew_size(&visit.requires);
        }
        problem.eligibility = Eligibility::compute(&problem.technicians, &problem.visits);
        problem
    }

    /// The first visit takes the least-skilled technicians that cover it; the second joins
    /// that crew's day when their times allow and gets a crew of its own when they clash; the
    /// third, which nobody can cover, gets none.
    #[test]
    fn crews_cover_the_visits_with_the_least_skill_spent() {
        let mut p = problem(100);
        p.objective.distance_per_member = true;
        let units = form(&p);
        let ids: Vec<&str> = units.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["crew1", "expert", "c"]);
        let members: Vec<&str> = units[0].crew.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(members, ["a", "b"]);
        assert_eq!(units[0].distance_factor, 2);
        assert!(units.iter().all(|u| !u.holds_levels(&p.visits[2])));

        // At the same instant the crew cannot do both: the expert and the beginner form another.
        let units = form(&problem(0));
        let ids: Vec<&str> = units.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["crew1", "crew2"]);
        assert_eq!(units[1].distance_factor, 1);
    }
}
