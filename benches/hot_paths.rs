//! Hot paths at fixed work: the reference schedule of a route against the segment join that
//! replaces it in the search, regret insertion of a bundled instance, and a fixed-iteration
//! solve of a Solomon instance (when ../shared is present).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use fieldsched::io::{ObjectiveChoice, ReadOptions, read_problem};
use fieldsched::solution::Stop;
use fieldsched::solution::schedule::simulate;
use fieldsched::solver::segment::{self, Segment};
use fieldsched::solver::{SolverChoice, SolverConfig, solve};

fn config(iterations: u64) -> SolverConfig {
    SolverConfig {
        solver: SolverChoice::Heuristic,
        iterations: Some(iterations),
        ..SolverConfig::default()
    }
}

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let small = read_problem(&root.join("instances/small.json"), &ReadOptions::default())
        .expect("bundled instance");
    c.bench_function("regret insertion of small.json", |b| {
        b.iter(|| solve(&small, &config(0)))
    });

    let path = root.join("../shared/instances/solomon/R102.txt");
    if !path.exists() {
        eprintln!(
            "notice: {} not found; skipping the Solomon benches",
            path.display()
        );
        return;
    }
    let options = ReadOptions {
        objective: ObjectiveChoice::Distance,
        ..ReadOptions::default()
    };
    let r102 = read_problem(&path, &options).expect("Solomon instance");
    let plan = solve(&r102, &config(0)).expect("solves");
    let longest = plan
        .routes
        .iter()
        .max_by_key(|r| r.stops.len())
        .expect("a route")
        .clone();
    c.bench_function("simulate the longest R102 route", |b| {
        b.iter(|| {
            simulate(
                &r102,
                longest.tech,
                longest.shift,
                longest.stops.iter().copied(),
                None,
            )
        })
    });
    let (start, end) = segment::ends(&r102, longest.tech, longest.shift);
    let visits: Vec<Segment> = longest
        .stops
        .iter()
        .filter_map(|s| match s {
            Stop::Visit(v) => Some(Segment::visit(&r102, longest.tech, *v)),
            Stop::Restock | Stop::Break => None,
        })
        .collect();
    let half = visits.len() / 2;
    let prefix = visits[..half].iter().fold(start, |s, v| s.then(&r102, v));
    let suffix = visits[half..]
        .iter()
        .rev()
        .fold(end, |s, v| v.then(&r102, &s));
    let alone = visits[0];
    c.bench_function("price one insertion by segments (two joins)", |b| {
        b.iter(|| {
            let route = prefix.then(&r102, &alone).then(&r102, &suffix);
            segment::route_cost(&r102, longest.tech, longest.shift, &route)
        })
    });
    c.bench_function("solve R102 with 1000 search iterations", |b| {
        b.iter(|| solve(&r102, &config(1000)))
    });
}

criterion_group!(hot_paths, benches);
criterion_main!(hot_paths);
