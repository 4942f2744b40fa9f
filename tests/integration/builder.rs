//! Problems built in code (`model::builder`), as a scheduling service holding its own data
//! would build them, solve and pass the checker.

use fieldsched::model::builder::ProblemBuilder;
use fieldsched::model::{
    Clock, LocIdx, Objective, ObjectiveKind, Rate, Requirement, Shift, Technician, TravelMatrix,
    Visit, VisitIdx, VisitKind,
};

use crate::helpers::{quick, solve_and_check};

/// A day built in code solves and its plan passes the checker (through the plan file); the
/// visit that needs a level nobody holds is left out for that reason.
#[test]
fn a_day_built_in_code_solves_and_checks() {
    let objective = Objective {
        kind: ObjectiveKind::Native,
        distance: Rate::new(1, 1000),
        unassigned: 10_000_000,
        cost_scale: 1000,
        distance_per_member: false,
    };
    let origin = chrono::DateTime::parse_from_rfc3339("2026-03-02T08:00:00+01:00").unwrap();
    let mut b = ProblemBuilder::new("built", Clock::Calendar { origin }, objective);
    let hvac = b.skill("hvac");
    let home = b.location(None);
    let there = b.location(None);
    let mut tech = Technician::new("T1", home, vec![Shift::new(0, 8 * 3600)]);
    tech.levels = vec![3];
    b.technician(tech);
    let site = b.site("S1", there, None);
    for (id, level) in [("V1", 2), ("V2", 4)] {
        let mut visit = Visit::new(id, site, VisitKind::Repair, 3600);
        visit.requires = vec![Requirement {
            skill: hvac,
            level,
            count: 1,
        }];
        b.visit(visit);
    }
    let problem = b
        .build(TravelMatrix::from_fn(2, |_, _| (900, 10_000)))
        .expect("valid");
    assert_eq!(problem.visits[0].loc, there);
    assert_ne!(problem.visits[0].loc, LocIdx(0));
    let (plan, report) = solve_and_check(&problem, &quick());
    assert_eq!(report.kpis.visits_assigned, 1);
    assert_eq!(plan.unassigned[0].visit, VisitIdx(1));
    assert_eq!(plan.unassigned[0].reason.code(), "no_eligible_technician");
}
