//! The exact engine against published optima: Solomon instances cut to their first 25
//! customers, distance objective (one-decimal truncation).

use fieldsched::io::ObjectiveChoice;
use fieldsched::solver::{SolverChoice, SolverConfig};

use crate::helpers::{read, shared, solve_and_check};

/// A Solomon file cut after its first `customers` customer rows (the depot row stays).
fn truncated(text: &str, customers: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.trim_start().starts_with("CUST NO"))
        .expect("a customer header");
    let mut rows = 0;
    let mut out = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        if k > header && !line.trim().is_empty() {
            rows += 1;
            if rows > customers + 1 {
                break;
            }
        }
        out.push(*line);
    }
    out.join("\n") + "\n"
}

/// Published optimal distances of the 25-customer Solomon problems.
const OPTIMA: [(&str, f64); 3] = [("C101", 191.3), ("C201", 214.7), ("RC101", 461.1)];

#[cfg(feature = "highs")]
#[test]
fn exact_engine_proves_published_optima_of_25_customer_solomon_problems() {
    let Some(dir) = shared("solomon") else { return };
    let scratch = std::env::temp_dir().join(format!("fieldsched-exact-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    for (name, optimum) in OPTIMA {
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        let path = scratch.join(format!("{name}.25.txt"));
        std::fs::write(&path, truncated(&text, 25)).unwrap();
        let problem = read(&path, ObjectiveChoice::Distance);
        assert_eq!(problem.visits.len(), 25);
        let config = SolverConfig {
            solver: SolverChoice::Exact,
            time_limit: Some(60.0),
            iterations: Some(500),
            ..SolverConfig::default()
        };
        let (solution, report) = solve_and_check(&problem, &config);
        assert!(solution.solver.optimal, "{name}: not proved optimal");
        assert_eq!(solution.solver.gap, Some(0.0), "{name}");
        let distance = report.kpis.distance as f64 / 10.0;
        assert!(
            (distance - optimum).abs() < 1e-6,
            "{name}: {distance} where the published optimum is {optimum}"
        );
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}

#[test]
fn exact_engine_declines_what_it_does_not_model() {
    let problem = read(
        &crate::helpers::root().join("instances/rules.json"),
        ObjectiveChoice::Native,
    );
    let config = SolverConfig {
        solver: SolverChoice::Exact,
        ..SolverConfig::default()
    };
    let err = fieldsched::solve(&problem, &config).expect_err("breaks are not modelled");
    assert_eq!(err.exit_code(), 3);
    assert!(err.to_string().contains("--solver heuristic"), "{err}");
}

/// On a cut the engine cannot prove quickly (C103, 25 customers: open after 60 s), HiGHS
/// reports its gap while it runs and stops when cancelled, returning the best plan so far.
#[cfg(feature = "highs")]
#[test]
fn exact_engine_reports_its_gap_and_stops_when_cancelled() {
    use std::sync::Mutex;
    let Some(dir) = shared("solomon") else { return };
    let scratch = std::env::temp_dir().join(format!("fieldsched-cancel-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let text = std::fs::read_to_string(dir.join("C103.txt")).unwrap();
    let path = scratch.join("C103.25.txt");
    std::fs::write(&path, truncated(&text, 25)).unwrap();
    let problem = read(&path, ObjectiveChoice::Distance);
    let config = SolverConfig {
        solver: SolverChoice::Exact,
        time_limit: Some(300.0),
        iterations: Some(300),
        ..SolverConfig::default()
    };
    let cancel = fieldsched::Cancel::new();
    let gaps = Mutex::new(Vec::new());
    let report = |p: &fieldsched::Progress| {
        if let Some(gap) = p.gap {
            gaps.lock().unwrap().push(gap);
            // Once HiGHS has reported twice, stop it.
            if gaps.lock().unwrap().len() >= 2 {
                cancel.cancel();
            }
        }
    };
    let begun = std::time::Instant::now();
    let solution = fieldsched::solve_with(&problem, &config, &report, &cancel).unwrap();
    // Far below the 300 s limit: the interrupt took (HiGHS reports every 0.25 s).
    assert!(
        begun.elapsed().as_secs_f64() < 60.0,
        "{:?}",
        begun.elapsed()
    );
    let gaps = gaps.into_inner().unwrap();
    assert!(gaps.iter().all(|g| (0.0..=1.0).contains(g)), "{gaps:?}");
    assert!(!solution.solver.optimal);
    assert!(solution.solver.gap.is_some_and(|g| g > 0.0));
    crate::helpers::check_solution(&problem, &solution);
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Durations by level are modelled when every technician holds the same levels: experts at half
/// the service time give C101's 25-customer cut a proven optimum no longer than the published
/// one, whose plan the checker holds to the halved durations. Technicians with differing levels
/// would need the per-shift model, which declines capacities; shifts with a break are declined.
#[cfg(feature = "highs")]
#[test]
fn exact_engine_models_durations_by_level_and_declines_breaks() {
    use fieldsched::model::{Break, Eligibility, Requirement, Skill, SkillIdx};
    let Some(dir) = shared("solomon") else { return };
    let scratch = std::env::temp_dir().join(format!("fieldsched-levels-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let text = std::fs::read_to_string(dir.join("C101.txt")).unwrap();
    let path = scratch.join("C101.25.txt");
    std::fs::write(&path, truncated(&text, 25)).unwrap();
    let mut problem = read(&path, ObjectiveChoice::Distance);
    problem.skills = vec![Skill {
        name: "hvac".into(),
    }];
    problem.level_durations = vec![1000, 1000, 1000, 1000, 1000, 500];
    for tech in &mut problem.technicians {
        tech.levels = vec![5];
    }
    for visit in &mut problem.visits {
        visit.requires = vec![Requirement {
            skill: SkillIdx(0),
            level: 1,
            count: 1,
        }];
    }
    problem.eligibility = Eligibility::compute(&problem.technicians, &problem.visits);
    let config = SolverConfig {
        solver: SolverChoice::Exact,
        time_limit: Some(60.0),
        iterations: Some(300),
        ..SolverConfig::default()
    };
    let (solution, report) = solve_and_check(&problem, &config);
    assert!(solution.solver.optimal);
    assert!(report.kpis.distance <= 1913, "{}", report.kpis.distance);
    // Technicians at different levels need the per-shift model, which leaves capacities out.
    let mut uneven = problem.clone();
    uneven.technicians[0].levels = vec![4];
    let err = fieldsched::solve(&uneven, &config).expect_err("capacities beside differing levels");
    assert!(err.to_string().contains("capacities"), "{err}");
    let mut breaks = problem.clone();
    for tech in &mut breaks.technicians {
        let s = tech.shifts[0];
        tech.shifts[0].lunch = Some(Break {
            start: s.start,
            end: s.end,
            duration: 10,
        });
    }
    let err = fieldsched::solve(&breaks, &config).expect_err("breaks are not modelled");
    assert!(err.to_string().contains("breaks"), "{err}");
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Random small field problems (2–10 visits, 1–3 technicians over 1–2 days, skill levels, SLA
/// tiers with due times, optional visits, priorities): the exact engine's plan costs no more
/// than the heuristic's, both pass the checker, and the exact engine proves its optimum. The
/// share the heuristic finds too is printed (quoted in the README, "Exact engine").
#[cfg(feature = "highs")]
#[test]
fn exact_and_heuristic_agree_on_small_field_problems() {
    use fieldsched::generate::{Spec, generate};
    let (mut cases, mut proved, mut matched) = (0, 0, 0);
    for seed in 1..=30u64 {
        let spec = Spec {
            visits: 2 + (seed as usize * 7) % 9,
            technicians: 1 + (seed as usize) % 3,
            days: 1 + (seed as usize / 3) % 2,
            seed,
            field_rules: false,
            roads: false,
            crews: false,
        };
        let problem = fieldsched::io::native::to_problem(&generate(spec), "generated").unwrap();
        let heuristic = SolverConfig {
            solver: SolverChoice::Heuristic,
            iterations: Some(500),
            ..SolverConfig::default()
        };
        let exact = SolverConfig {
            solver: SolverChoice::Exact,
            time_limit: Some(30.0),
            iterations: Some(200),
            ..SolverConfig::default()
        };
        let (_, h) = solve_and_check(&problem, &heuristic);
        let (solution, e) = solve_and_check(&problem, &exact);
        let (h, e) = (h.kpis.cost.total(), e.kpis.cost.total());
        assert!(e <= h, "seed {seed}: exact {e} > heuristic {h}");
        cases += 1;
        proved += usize::from(solution.solver.optimal);
        matched += usize::from(solution.solver.optimal && h == e);
    }
    println!(
        "exact vs heuristic: {cases} problems, {proved} proved optimal, heuristic optimal on {matched}"
    );
    assert_eq!(proved, cases, "every small problem is proved within 30 s");
    assert!(
        matched * 10 >= cases * 7,
        "the heuristic finds the optimum on most: {matched}/{cases}"
    );
}
