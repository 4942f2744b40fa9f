//! Every bundled instance and samples of every benchmark set are solved and checked.

use fieldsched::io::ObjectiveChoice;

use crate::helpers::{files, quick, read, root, shared, solve_and_check};

#[test]
fn bundled_instances_solve_and_check() {
    for name in ["tiny", "small", "city", "week", "rules", "roads", "crews"] {
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
    assert_eq!(all.len(), 44, "the 44 Solomon files of {}", dir.display());
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
    let all = files(&dir);
    assert_eq!(all.len(), 42, "the 42 Pillac files of {}", dir.display());
    for path in all {
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
        assert!(path.exists(), "{} is missing", path.display());
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
    let sample: Vec<_> = files(&dir).into_iter().step_by(7).collect();
    assert!(sample.len() >= 4, "{} files sampled", sample.len());
    for path in sample {
        let problem = read(&path, ObjectiveChoice::Native);
        let (solution, report) = solve_and_check(&problem, &quick());
        assert_eq!(report.kpis.visits_assigned + solution.unassigned.len(), 100);
    }
}

/// Kovacs `Team` files: crews formed for the day, every task served or outsourced, the plan
/// checked (crew sizes and counted levels included).
#[test]
fn kovacs_team_sample_solves_and_checks() {
    let Some(dir) = shared("strsp_kovacs/tasks_Team") else {
        return;
    };
    let sample: Vec<_> = files(&dir).into_iter().step_by(7).collect();
    assert!(sample.len() >= 4, "{} files sampled", sample.len());
    for path in sample {
        let problem = fieldsched::solver::crews::with_crews(read(&path, ObjectiveChoice::Native));
        assert!(
            problem.technicians.iter().any(|t| t.size() > 1),
            "{}",
            path.display()
        );
        let (solution, report) = solve_and_check(&problem, &quick());
        assert_eq!(report.kpis.visits_assigned + solution.unassigned.len(), 100);
        assert!(report.kpis.visits_assigned > 0, "{}", path.display());
        // The plan names each crew's members, so it checks against the file as read (every
        // technician alone), as a plan of another tool would.
        let (stated, _) = fieldsched::check_solution(&problem, &solution).expect("checked");
        let dto = fieldsched::io::plan::to_dto(&problem, &solution, &stated, &report);
        let alone = read(&path, ObjectiveChoice::Native);
        assert!(alone.needs_crews());
        let rebuilt = fieldsched::io::plan::with_plan_crews(&dto, "plan", &alone).expect("crews");
        let json = serde_json::to_vec(&dto).unwrap();
        let reread = fieldsched::io::plan::read(&json, "plan", &rebuilt).expect("readable");
        let again = fieldsched::check(&rebuilt, &reread);
        assert!(again.is_feasible(), "{:?}", again.violations);
        assert_eq!(again.kpis.cost, report.kpis.cost, "{}", path.display());
    }
    // On the command line: solve forms the crews, check rebuilds them from the plan.
    let dir = std::env::temp_dir().join(format!("fieldsched-team-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = files(&dir_of_team())
        .into_iter()
        .next()
        .expect("a Team file");
    let plan = dir.join("plan.json");
    let run = |args: &[&str]| crate::helpers::fieldsched(args);
    let solved = run(&[
        "solve",
        file.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--iterations",
        "50",
    ]);
    assert!(
        solved.status.success(),
        "{}",
        String::from_utf8_lossy(&solved.stderr)
    );
    let checked = run(&["check", file.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn dir_of_team() -> std::path::PathBuf {
    shared("strsp_kovacs/tasks_Team").expect("checked above")
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

/// The published best Pillac routes, driven by this model, cost exactly their published
/// duration and pass the checker (tools and spare parts included): the objective and the rules
/// agree with the original, so plans below a BKS are better plans, not a looser model.
#[test]
fn pillac_best_known_routes_cost_their_published_duration() {
    use fieldsched::model::{TechIdx, VisitIdx};
    use fieldsched::solution::{Route, Stop};
    let Some(dir) = shared("trsp_pillac") else {
        return;
    };
    let mut checked = 0;
    for path in files(&dir) {
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let Ok(sol) =
            std::fs::read_to_string(dir.join("bks_solutions").join(format!("{name}.sol")))
        else {
            continue;
        };
        let problem = read(&path, ObjectiveChoice::Duration);
        let value = |key: &str| {
            sol.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}{key}")))
                .expect("a line of the solution file")
        };
        let published: f64 = value("=").parse().expect("a number");
        let routes = value("-S=").trim_matches(['<', '>']);
        // `t,v1,…,e`: technician t, requests 26…125, 150+t a depot call, 125+t home.
        let routes = routes.split('|').filter(|r| !r.is_empty()).map(|r| {
            let ids: Vec<usize> = r.split(',').map(|x| x.parse().expect("a node")).collect();
            let tech = problem
                .technicians
                .iter()
                .position(|t| t.id == ids[0].to_string());
            let stops = ids[1..].iter().filter(|&&n| n <= 125 || n > 150).map(|&n| {
                if n > 150 {
                    Stop::Restock
                } else {
                    let v = problem.visits.iter().position(|v| v.id == n.to_string());
                    Stop::Visit(VisitIdx(v.expect("a request") as u32))
                }
            });
            Route {
                tech: TechIdx(tech.expect("a technician") as u32),
                shift: 0,
                stops: stops.collect(),
            }
        });
        let solution = fieldsched::Solution {
            routes: routes.collect(),
            ..fieldsched::Solution::default()
        };
        let report = crate::helpers::check_solution(&problem, &solution);
        let ours = problem.objective.display_cost(report.kpis.cost.total());
        assert!(
            (ours - published).abs() < 0.01,
            "{name}: {ours} vs {published}"
        );
        checked += 1;
    }
    assert_eq!(checked, 42, "every instance has its best known routes");
}
