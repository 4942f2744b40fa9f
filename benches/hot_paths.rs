//! Hot paths at fixed work: the reference schedule of a route, and regret insertion of a whole
//! bundled instance.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use fieldsched::io::{ReadOptions, read_problem};
use fieldsched::solution::schedule::simulate;
use fieldsched::solver::{SolverChoice, SolverConfig, solve};

fn benches(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/small.json");
    let problem = read_problem(&path, &ReadOptions::default()).expect("bundled instance");
    let config = SolverConfig {
        solver: SolverChoice::Heuristic,
        iterations: Some(0),
        ..SolverConfig::default()
    };
    let plan = solve(&problem, &config).expect("solves");
    let longest = plan
        .routes
        .iter()
        .max_by_key(|r| r.stops.len())
        .expect("a route")
        .clone();
    c.bench_function("simulate longest route of small.json", |b| {
        b.iter(|| {
            simulate(
                &problem,
                longest.tech,
                longest.shift,
                longest.stops.iter().copied(),
                None,
            )
        })
    });
    c.bench_function("regret insertion of small.json", |b| {
        b.iter(|| solve(&problem, &config))
    });
}

criterion_group!(hot_paths, benches);
criterion_main!(hot_paths);
