//! `fieldsched bench`: every instance × seed solved, checked and compared with the BKS.

use std::path::PathBuf;

use super::{EXIT_INFEASIBLE, FormatArg, ObjectiveArg, SolverArg, ensure_writable, write_atomic};
use crate::bench;
use crate::error::{Error, Result};
use crate::io::{self, ReadOptions};
use crate::solver::SolverConfig;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Instance files or directories (their .txt and .json files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// Objective preset.
    #[arg(long, value_enum, default_value = "native")]
    objective: ObjectiveArg,
    /// Wall-clock limit per solve, in seconds.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Iteration limit per solve.
    #[arg(long)]
    iterations: Option<u64>,
    /// Worker threads per solve.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Seeds 1..=K per instance.
    #[arg(long, default_value_t = 1)]
    seeds: u64,
    /// Engine.
    #[arg(long, value_enum, default_value = "heuristic")]
    solver: SolverArg,
    /// Best-known solutions (CSV with `instance`, `vehicles` and the compared value column).
    #[arg(long)]
    bks: Option<PathBuf>,
    /// Where to write one CSV row per solve.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub(super) fn run(args: Args) -> Result<i32> {
    let config = SolverConfig {
        time_limit: args.time_limit,
        iterations: args.iterations,
        threads: args.threads,
        solver: args.solver.into(),
        ..SolverConfig::default()
    };
    config.validate()?;
    if args.seeds == 0 {
        return Err(Error::Usage("--seeds must be at least 1".into()));
    }
    ensure_writable(args.out.as_deref())?;
    let files = bench::instance_files(&args.paths)?;
    let read = ReadOptions {
        format: args.format.into(),
        objective: args.objective.into(),
        technicians: None,
    };
    let first = io::read_problem(&files[0], &read)?;
    let kind = first.objective.kind;
    let table = match &args.bks {
        Some(path) => bench::read_bks(path, bench::value_column(kind))?,
        None => Default::default(),
    };
    let rows = bench::run(&files, &read, &config, args.seeds, &table, |r| {
        eprintln!(
            "{} seed {}: {} {:.4}, {} technicians, gap {}, {:.2} s, {}",
            r.instance,
            r.seed,
            bench::value_column(kind),
            r.value,
            r.technicians,
            r.gap.map_or("–".into(), |g| format!("{g:.2} %")),
            r.elapsed,
            if r.feasible { "feasible" } else { "INFEASIBLE" }
        );
    })?;
    if let Some(path) = &args.out {
        write_atomic(path, bench::csv(&rows, &config, kind).as_bytes())?;
    }
    println!(
        "objective {}, time limit {}, iterations {}, {}, seeds 1..={}\n",
        kind.name(),
        args.time_limit.map_or("none".into(), |t| format!("{t} s")),
        args.iterations.map_or("default".into(), |i| i.to_string()),
        super::summary::threads(args.threads),
        args.seeds
    );
    print!("{}", bench::summary(&rows));
    Ok(if rows.iter().all(|r| r.feasible) {
        0
    } else {
        EXIT_INFEASIBLE
    })
}
