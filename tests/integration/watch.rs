//! Watching a solve: progress reports while it runs, and cancellation that returns the best
//! plan so far (from the library, and Ctrl-C on the command line).

use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use fieldsched::io::ObjectiveChoice;
use fieldsched::solver::{Cancel, Progress, SolverChoice, SolverConfig, solve_with};

use crate::helpers::{check_solution, read, root};

#[test]
fn progress_reports_an_improving_best_plan_and_cancel_returns_it() {
    let problem = read(&root().join("instances/city.json"), ObjectiveChoice::Native);
    let config = SolverConfig {
        time_limit: Some(120.0),
        solver: SolverChoice::Heuristic,
        ..SolverConfig::default()
    };
    let cancel = Cancel::new();
    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let solution = solve_with(
        &problem,
        &config,
        &|p| {
            let mut seen = seen.lock().unwrap();
            seen.push(*p);
            if seen.len() == 3 {
                cancel.cancel();
            }
        },
        &cancel,
    )
    .expect("solves");
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 3, "only {} reports", seen.len());
    for pair in seen.windows(2) {
        assert!(pair[1].elapsed > pair[0].elapsed, "{pair:?}");
        assert!(
            pair[1].cost <= pair[0].cost,
            "the best plan got worse: {pair:?}"
        );
    }
    assert!(
        seen.iter()
            .all(|p| p.routes > 0 && p.unassigned <= problem.visits.len())
    );
    assert!(
        solution.solver.elapsed < 60.0,
        "cancelled, yet ran {} s",
        solution.solver.elapsed
    );
    let report = check_solution(&problem, &solution);
    let cost = problem.objective.display_cost(report.kpis.cost.total());
    let last = seen.last().unwrap();
    assert!(
        cost <= last.cost + 1e-6,
        "returned {cost} after reporting {}",
        last.cost
    );
}

#[test]
fn ctrl_c_writes_the_best_plan_so_far_and_exits_130() {
    let dir = std::env::temp_dir().join(format!("fieldsched-ctrl-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.json");
    let city = root().join("instances/city.json");
    let child = Command::new(env!("CARGO_BIN_EXE_fieldsched"))
        .args(["solve", city.to_str().unwrap(), "--time-limit", "120", "-o"])
        .arg(&plan)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(Duration::from_secs(2));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let checked = Command::new(env!("CARGO_BIN_EXE_fieldsched"))
        .args(["check", city.to_str().unwrap()])
        .arg(&plan)
        .output()
        .expect("runs");
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
