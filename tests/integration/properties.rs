//! Property tests: random valid problems give plans the checker accepts, and the checker
//! catches a broken plan.

use fieldsched::generate::{Spec, generate};
use fieldsched::io::{native, plan};
use fieldsched::solution::Stop;
use fieldsched::solution::check::{StatedPlan, check};
use proptest::prelude::*;

use crate::helpers::{quick, solve_and_check};

fn problem(visits: usize, technicians: usize, days: usize, seed: u64) -> fieldsched::Problem {
    let dto = generate(Spec {
        visits,
        technicians,
        days,
        seed,
        // Odd seeds add the field rules.
        field_rules: seed % 2 == 1,
        roads: false,
        // Every third seed pairs technicians into crews.
        crews: seed % 3 == 0,
    });
    native::to_problem(&dto, "generated").expect("generated problems are valid")
}

/// The plan file of a solved problem.
fn plan_file(problem: &fieldsched::Problem, solution: &fieldsched::Solution) -> plan::PlanDto {
    let (stated, report) = fieldsched::check_solution(problem, solution).expect("feasible");
    plan::to_dto(problem, solution, &stated, &report)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_problems_get_plans_the_checker_accepts(
        visits in 0usize..25, technicians in 1usize..5, days in 1usize..3, seed in any::<u64>()
    ) {
        let p = problem(visits, technicians, days, seed);
        let (solution, report) = solve_and_check(&p, &quick());
        prop_assert_eq!(report.kpis.visits_assigned + solution.unassigned.len(), visits);
    }

    #[test]
    fn dropping_a_served_visit_silently_breaks_coverage(seed in any::<u64>()) {
        let p = problem(12, 3, 1, seed);
        let (solution, _) = solve_and_check(&p, &quick());
        let mut stated = StatedPlan::from_solution(&p, &solution).expect("feasible");
        prop_assume!(stated.routes.iter().any(|r| !r.stops.is_empty()));
        let route = stated.routes.iter_mut().find(|r| !r.stops.is_empty()).expect("a route");
        let dropped = route.stops.remove(0);
        prop_assert!(matches!(dropped.stop, Stop::Visit(_)));
        let report = check(&p, &stated);
        prop_assert!(report.violations.iter().any(|f| f.code == "coverage"));
    }

    #[test]
    fn moving_a_start_before_its_window_is_caught(seed in any::<u64>()) {
        let p = problem(15, 3, 1, seed);
        let (solution, _) = solve_and_check(&p, &quick());
        let mut stated = StatedPlan::from_solution(&p, &solution).expect("feasible");
        let found = stated.routes.iter_mut().flat_map(|r| r.stops.iter_mut()).find_map(|s| match s.stop {
            Stop::Visit(v) if !p.visit(v).windows.is_empty() => Some((s, p.visit(v).windows[0].start)),
            _ => None,
        });
        prop_assume!(found.is_some());
        let (stop, open) = found.expect("a windowed visit");
        stop.time.arrival = open - 7200;
        stop.time.start = open - 3600;
        let report = check(&p, &stated);
        prop_assert!(report.violations.iter().any(|f| f.code == "window"));
    }

    #[test]
    fn removing_a_visit_keeps_the_plan_feasible(
        visits in 1usize..25, technicians in 1usize..4, days in 1usize..3, seed in any::<u64>(),
        pick in any::<prop::sample::Index>()
    ) {
        let spec = Spec { visits, technicians, days, seed, field_rules: seed % 2 == 1, roads: false, crews: seed % 3 == 0 };
        let p = native::to_problem(&generate(spec), "generated").expect("valid");
        let (solution, _) = solve_and_check(&p, &quick());
        let mut file = plan_file(&p, &solution);
        // Take one visit, served or left out, out of the problem and out of its plan.
        let mut dto = generate(spec);
        let gone = dto.visits.remove(pick.index(visits)).id;
        for route in &mut file.routes {
            route.visits.retain(|stop| stop.id != gone);
        }
        file.routes.retain(|route| !route.visits.is_empty());
        file.unassigned.retain(|u| u.id != gone);
        file.kpis = None;
        let smaller = native::to_problem(&dto, "generated").expect("still valid");
        let json = serde_json::to_vec(&file).expect("serialises");
        let stated = plan::read(&json, "plan", &smaller).expect("the plan still reads");
        let report = check(&smaller, &stated);
        prop_assert!(report.is_feasible(), "without {}: {:?}", gone, report.violations);
        prop_assert_eq!(report.kpis.visits_assigned + report.kpis.visits_unassigned, visits - 1);
    }
}
