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

/// The exact engine with `seconds` of time, started from 300 iterations of the heuristic.
#[cfg(feature = "highs")]
fn exact(seconds: f64) -> SolverConfig {
    SolverConfig {
        solver: SolverChoice::Exact,
        time_limit: Some(seconds),
        iterations: Some(300),
        ..SolverConfig::default()
    }
}

/// Published optimal distances of some 25-customer Solomon problems: one per class, and the
/// three the two-index flow could not prove within 60 s with the widest gaps (R110, RC204, C104).
const OPTIMA: [(&str, f64); 9] = [
    ("C101", 191.3),
    ("C104", 186.9),
    ("C201", 214.7),
    ("R102", 547.1),
    ("R110", 444.1),
    ("R205", 393.0),
    ("RC101", 461.1),
    ("RC105", 411.3),
    ("RC204", 299.7),
];

/// The Solomon file `name` cut to its first `customers` customers, written to `scratch`.
fn cut(
    dir: &std::path::Path,
    scratch: &std::path::Path,
    name: &str,
    customers: usize,
) -> std::path::PathBuf {
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let path = scratch.join(format!("{name}.{customers}.txt"));
    std::fs::write(&path, truncated(&text, customers)).unwrap();
    path
}

#[cfg(feature = "highs")]
#[test]
fn exact_engine_proves_published_optima_of_25_customer_solomon_problems() {
    let Some(dir) = shared("solomon") else { return };
    let scratch = std::env::temp_dir().join(format!("fieldsched-exact-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    for (name, optimum) in OPTIMA {
        let problem = read(&cut(&dir, &scratch, name, 25), ObjectiveChoice::Distance);
        assert_eq!(problem.visits.len(), 25);
        let config = exact(60.0);
        let (solution, report) = solve_and_check(&problem, &config);
        assert!(solution.solver.optimal, "{name}: not proved optimal");
        assert_eq!(solution.solver.gap, Some(0.0), "{name}");
        let distance = report.kpis.distance as f64 / 10.0;
        assert!(
            (distance - optimum).abs() < 1e-6,
            "{name}: {distance} where the published optimum is {optimum}"
        );
    }
    // The hierarchical objective (fewest technicians, then distance in double precision) takes
    // the per-shift model: C101's cut needs 3 technicians and 191.8136.
    let problem = read(
        &cut(&dir, &scratch, "C101", 25),
        ObjectiveChoice::Hierarchical,
    );
    let config = exact(60.0);
    let (solution, report) = solve_and_check(&problem, &config);
    assert!(solution.solver.optimal, "C101 hierarchical not proved");
    assert_eq!(report.kpis.technicians_used, 3);
    // Distances in ten-thousandths of a unit, each leg rounded up (so the plan holds in double
    // precision): the 28 legs' sum lies within 28 × 10^-4 above the published 191.8136.
    assert!(
        (1_918_136..=1_918_136 + 28).contains(&report.kpis.distance),
        "{}",
        report.kpis.distance
    );
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

/// The exact engine on `problem` with a 300 s limit, cancelled through `cancel` (or by `when`,
/// given the gaps reported so far): it stops long before the limit, reports gaps within
/// [0, 1], and answers with a checked plan not proved optimal. Returns the gaps reported.
#[cfg(feature = "highs")]
fn cancelled(
    problem: &fieldsched::Problem,
    cancel: &fieldsched::Cancel,
    when: &(dyn Fn(&[f64]) -> bool + Sync),
) -> Vec<f64> {
    use std::sync::Mutex;
    let config = exact(300.0);
    let gaps = Mutex::new(Vec::new());
    let report = |p: &fieldsched::Progress| {
        let mut gaps = gaps.lock().unwrap();
        gaps.extend(p.gap);
        if when(&gaps) {
            cancel.cancel();
        }
    };
    let begun = std::time::Instant::now();
    let solution = fieldsched::solve_with(problem, &config, &report, cancel).unwrap();
    assert!(
        begun.elapsed().as_secs_f64() < 60.0,
        "{:?}",
        begun.elapsed()
    );
    let gaps = gaps.into_inner().unwrap();
    assert!(gaps.iter().all(|g| (0.0..=1.0).contains(g)), "{gaps:?}");
    assert!(!solution.solver.optimal);
    crate::helpers::check_solution(problem, &solution);
    gaps
}

/// On R211 whole (100 customers: the two-index flow), HiGHS reports its gap while it runs and
/// stops when cancelled after two reports; on R211 cut to 50 customers (branch and price, whose
/// root takes long on such wide windows), a cancel two seconds in stops the pricing too.
#[cfg(feature = "highs")]
#[test]
fn exact_engine_reports_its_gap_and_stops_when_cancelled() {
    let Some(dir) = shared("solomon") else { return };
    let scratch = std::env::temp_dir().join(format!("fieldsched-cancel-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let whole = read(&dir.join("R211.txt"), ObjectiveChoice::Distance);
    let gaps = cancelled(&whole, &fieldsched::Cancel::new(), &|gaps| gaps.len() >= 2);
    assert!(gaps.len() >= 2);
    let half = read(&cut(&dir, &scratch, "R211", 50), ObjectiveChoice::Distance);
    let cancel = fieldsched::Cancel::new();
    let later = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        later.cancel();
    });
    cancelled(&half, &cancel, &|_| false);
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// Durations by level are modelled when every technician holds the same levels: experts at half
/// the service time give C101's 25-customer cut a proven optimum no longer than the published
/// one, whose plan the checker holds to the halved durations. Technicians with differing levels
/// take the per-shift model, capacities included; shifts with a break are declined.
#[cfg(feature = "highs")]
#[test]
fn exact_engine_models_durations_by_level_and_declines_breaks() {
    use fieldsched::model::{Break, Eligibility, Requirement, Skill, SkillIdx};
    let Some(dir) = shared("solomon") else { return };
    let scratch = std::env::temp_dir().join(format!("fieldsched-levels-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut problem = read(&cut(&dir, &scratch, "C101", 25), ObjectiveChoice::Distance);
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
    let config = exact(60.0);
    let (solution, report) = solve_and_check(&problem, &config);
    assert!(solution.solver.optimal);
    assert!(report.kpis.distance <= 1913, "{}", report.kpis.distance);
    // Technicians at different levels need the per-shift model, capacities included: within a
    // few seconds it answers with a checked plan no longer than the heuristic's.
    let mut uneven = problem.clone();
    uneven.technicians[0].levels = vec![4];
    let quick = SolverConfig {
        time_limit: Some(5.0),
        ..config.clone()
    };
    let (solution, _) = solve_and_check(&uneven, &quick);
    assert_eq!(solution.solver.name, "exact");
    assert!(solution.unassigned.is_empty());
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
