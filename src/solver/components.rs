//! `auto` on problems the exact engine cannot take whole: the independent components of the
//! skill graph (technicians and the visits only they can do) that are small enough and that the
//! exact engine models are solved exactly, starting from the heuristic's plan of them, and their
//! routes replace the heuristic's.

use std::collections::HashMap;
use std::time::Instant;

use crate::error::Result;
use crate::graph::{Component, SkillGraph};
use crate::model::{Eligibility, Problem, TechIdx, VisitIdx};
use crate::solution::{Route, Solution, Unassigned};

use super::{Cancel, SolverConfig, exact};

/// The components of `problem` the exact engine can take at `max_visits` visits at most, each
/// with its sub-problem; none when the problem is a single component.
pub fn exact_components(problem: &Problem, max_visits: usize) -> Vec<(Component, Problem)> {
    let components = SkillGraph::build(problem).components();
    if components.len() < 2 {
        return Vec::new();
    }
    components
        .into_iter()
        .filter(|c| !c.visits.is_empty() && c.visits.len() <= max_visits)
        .map(|c| {
            let sub = subproblem(problem, &c);
            (c, sub)
        })
        .filter(|(_, sub)| exact::supports(sub))
        .collect()
}

/// `solution` with the plan of each of `components` replaced by the exact engine's, which is
/// never worse; each gets an equal share of the time left before `deadline`.
pub fn refine(
    components: &[(Component, Problem)],
    config: &SolverConfig,
    mut solution: Solution,
    deadline: Option<Instant>,
    cancel: &Cancel,
) -> Result<Solution> {
    for (k, (component, sub)) in components.iter().enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        let left = (components.len() - k) as f64;
        let time_limit = deadline
            .map(|d| (d.saturating_duration_since(Instant::now()).as_secs_f64() / left).max(0.05));
        let config = SolverConfig {
            time_limit,
            ..config.clone()
        };
        let start = restrict(&solution, component);
        let exact = exact::solve(sub, &config, &start, &|_, _| {}, cancel)?;
        replace(&mut solution, component, exact);
    }
    Ok(solution)
}

/// The problem of `component` alone: its technicians and visits, renumbered, sharing the
/// travel matrix; preferences for technicians outside it are dropped (none can serve it).
fn subproblem(problem: &Problem, component: &Component) -> Problem {
    let techs: HashMap<TechIdx, TechIdx> = component
        .technicians
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, TechIdx(new as u32)))
        .collect();
    let keep = |list: &[TechIdx]| -> Vec<TechIdx> {
        list.iter().filter_map(|t| techs.get(t).copied()).collect()
    };
    let technicians: Vec<_> = component
        .technicians
        .iter()
        .map(|&t| problem.tech(t).clone())
        .collect();
    let visits: Vec<_> = component
        .visits
        .iter()
        .map(|&v| {
            let mut visit = problem.visit(v).clone();
            let p = &mut visit.preferences;
            p.excluded = keep(&p.excluded);
            // A preference for technicians outside the component costs every one inside alike.
            if !p.preferred.is_empty() {
                p.preferred = keep(&p.preferred);
                if p.preferred.is_empty() {
                    p.preferred = vec![TechIdx(u32::MAX)];
                }
            }
            p.previous = p
                .previous
                .map(|t| techs.get(&t).copied().unwrap_or(TechIdx(u32::MAX)));
            p.planned = p
                .planned
                .map(|(t, c)| (techs.get(&t).copied().unwrap_or(TechIdx(u32::MAX)), c));
            visit
        })
        .collect();
    let eligibility = Eligibility::compute(&technicians, &visits);
    Problem {
        technicians,
        visits,
        eligibility,
        ..problem.clone()
    }
}

/// The routes and left-out visits of `component` in `solution`, in the sub-problem's indices.
fn restrict(solution: &Solution, component: &Component) -> Solution {
    let techs: HashMap<TechIdx, u32> = index(&component.technicians);
    let visits: HashMap<VisitIdx, u32> = index(&component.visits);
    let visit = |v: &VisitIdx| VisitIdx(visits[v]);
    Solution {
        routes: solution
            .routes
            .iter()
            .filter_map(|r| {
                Some(Route {
                    tech: TechIdx(*techs.get(&r.tech)?),
                    shift: r.shift,
                    stops: r.stops.iter().map(|s| s.map_visit(visit)).collect(),
                })
            })
            .collect(),
        unassigned: solution
            .unassigned
            .iter()
            .filter(|u| visits.contains_key(&u.visit))
            .map(|u| Unassigned {
                visit: visit(&u.visit),
                ..u.clone()
            })
            .collect(),
        solver: solution.solver.clone(),
    }
}

/// `solution` with the component's routes and left-out visits replaced by `exact`'s.
fn replace(solution: &mut Solution, component: &Component, exact: Solution) {
    let ours = |t: &TechIdx| component.technicians.contains(t);
    solution.routes.retain(|r| !ours(&r.tech));
    solution
        .unassigned
        .retain(|u| !component.visits.contains(&u.visit));
    let visit = |v: &VisitIdx| component.visits[v.get()];
    solution
        .routes
        .extend(exact.routes.into_iter().map(|r| Route {
            tech: component.technicians[r.tech.get()],
            shift: r.shift,
            stops: r.stops.iter().map(|s| s.map_visit(visit)).collect(),
        }));
    solution
        .unassigned
        .extend(exact.unassigned.into_iter().map(|u| Unassigned {
            visit: visit(&u.visit),
            ..u
        }));
}

/// Position of each item in `items`, keyed by the item.
fn index<T: Copy + Eq + std::hash::Hash>(items: &[T]) -> HashMap<T, u32> {
    items
        .iter()
        .enumerate()
        .map(|(k, &item)| (item, k as u32))
        .collect()
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use crate::generate::{Spec, generate};
    use crate::io::native::{SkillNeedDto, to_problem};

    /// A generated day of 30 visits with one more technician, the only one with `lift`,
    /// and three visits needing it: that technician and those visits form a component apart.
    fn problem() -> Problem {
        let spec = Spec {
            visits: 30,
            technicians: 4,
            days: 1,
            seed: 3,
            field_rules: false,
            roads: false,
            crews: false,
        };
        let mut dto = generate(spec);
        dto.skills.push("lift".into());
        let mut tech = dto.technicians[0].clone();
        tech.id = "LIFT".into();
        tech.skills = [("lift".to_string(), 3)].into();
        dto.technicians.push(tech);
        for k in 0..3 {
            let mut visit = dto.visits[k].clone();
            visit.id = format!("LIFT{k}");
            visit.skills = [("lift".to_string(), SkillNeedDto::Level(2))].into();
            dto.visits.push(visit);
        }
        to_problem(&dto, "generated").expect("valid")
    }

    #[test]
    fn a_small_component_is_solved_exactly_from_the_heuristics_plan() {
        let problem = problem();
        let parts = exact_components(&problem, 12);
        let lift = problem
            .technicians
            .iter()
            .position(|t| t.id == "LIFT")
            .unwrap();
        let lift = TechIdx(lift as u32);
        let (component, sub) = parts
            .iter()
            .find(|(c, _)| c.technicians.contains(&lift))
            .expect("the lift component is small enough");
        assert_eq!(component.technicians, [lift]);
        assert_eq!(component.visits.len(), 3);
        assert_eq!(sub.visits.len(), 3);
        // A plan that leaves the component's visits out gets them served, and keeps the rest.
        let left: Vec<Unassigned> = component
            .visits
            .iter()
            .map(|&v| Unassigned {
                visit: v,
                reason: crate::solution::Reason::NoRoom,
                detail: String::new(),
            })
            .collect();
        let before = Solution {
            unassigned: left,
            ..Solution::default()
        };
        let config = SolverConfig::default();
        let lift_only = [(component.clone(), sub.clone())];
        let after = refine(&lift_only, &config, before, None, &Cancel::new()).unwrap();
        assert!(after.unassigned.is_empty(), "{:?}", after.unassigned);
        let served: Vec<VisitIdx> = after.routes.iter().flat_map(|r| r.visits()).collect();
        assert_eq!(served.len(), 3);
        assert!(after.routes.iter().all(|r| r.tech == lift));
        for route in &after.routes {
            crate::solution::cost::evaluate_route(&problem, route).expect("feasible");
        }
    }
}
