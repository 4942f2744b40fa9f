//! Every bundled instance and samples of every benchmark set are solved and checked.

use fieldsched::io::ObjectiveChoice;

use crate::helpers::{files, quick, read, root, shared, solve_and_check};

#[test]
fn bundled_instances_solve_and_check() {
    for name in ["tiny", "small", "city", "week", "rules", "roads"] {
        let problem = read(
            &root().join(format!("instances/{name}.json")),
            ObjectiveChoice::Native,
        );
        let (solution, report) = solve_and_check(&problem, &quick());
        assert_eq!(
            report.kpis.visits_assigned + solution.unassigned.len(),
            problem.visits.len()
        );
        assert!(
            report.kpis.visits_assigned > problem.visits.len() * 9 / 10,
            "{name}: too few visits served"
        );
    }
}

#[test]
fn every_solomon_instance_is_served_completely_under_both_objectives() {
    let Some(dir) = shared("solomon") else { return };
    let all = files(&dir);
    assert!(all.len() >= 40);
    for path in all {
        for objective in [ObjectiveChoice::Hierarchical, ObjectiveChoice::Distance] {
            let problem = read(&path, objective);
            let (solution, report) = solve_and_check(&problem, &quick());
            assert!(
                solution.unassigned.is_empty(),
                "{}: {:?}",
                path.display(),
                solution.unassigned
            );
            assert!(report.kpis.technicians_used <= 25);
        }
    }
}

#[test]
fn every_pillac_instance_is_served_completely() {
    let Some(dir) = shared("trsp_pillac") else {
        return;
    };
    for path in files(&dir) {
        let problem = read(&path, ObjectiveChoice::Native);
        let (solution, _) = solve_and_check(&problem, &quick());
        assert!(
            solution.unassigned.is_empty(),
            "{}: {:?}",
            path.display(),
            solution.unassigned
        );
    }
}

#[test]
fn homberger_sample_is_served_completely() {
    let Some(dir) = shared("homberger/200") else {
        return;
    };
    for class in ["c1", "c2", "r1", "r2", "rc1", "rc2"] {
        let path = dir.join(format!("{class}_2_1.txt"));
        if !path.exists() {
            continue;
        }
        let problem = read(&path, ObjectiveChoice::Hierarchical);
        let (solution, _) = solve_and_check(&problem, &quick());
        assert!(solution.unassigned.is_empty(), "{}", path.display());
    }
}

#[test]
fn kovacs_no_team_sample_solves_and_checks() {
    let Some(dir) = shared("strsp_kovacs/tasks_noTeam") else {
        return;
    };
    for path in files(&dir).into_iter().step_by(7) {
        let problem = read(&path, ObjectiveChoice::Native);
        let (solution, report) = solve_and_check(&problem, &quick());
        assert_eq!(report.kpis.visits_assigned + solution.unassigned.len(), 100);
    }
}

#[test]
fn distance_objective_matches_truncated_convention() {
    let Some(dir) = shared("solomon") else { return };
    let problem = read(&dir.join("C101.txt"), ObjectiveChoice::Distance);
    // Customers 1 (45,68) and 2 (45,70) are 2 apart; depot (40,50) to 1 is sqrt(349) = 18.68 → 18.6.
    let t = &problem.travel;
    let loc = |k: usize| problem.visits[k].loc;
    assert_eq!(t.distance(loc(0), loc(1)), 20);
    assert_eq!(t.distance(fieldsched::model::LocIdx(0), loc(0)), 186);
}
