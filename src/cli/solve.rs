//! `fieldsched solve`: read, solve, check, then write the plan and its companions.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::progress::ProgressLine;
use super::summary::kpi_summary;
use super::{EXIT_INTERRUPTED, Input, SolverArg, ensure_writable, pretty, write_atomic};
use crate::error::{Error, Result};
use crate::io::{self, export, plan, report};
use crate::solution::check::check_solution;
use crate::solver::{self, Cancel, SolverConfig};

/// The least search time `solve` leaves itself when reading used up the time limit.
const MIN_SEARCH_TIME: f64 = 0.05;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    #[command(flatten)]
    input: Input,
    /// Where to write the plan (default: standard output, KPIs then go to standard error).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Wall-clock limit in seconds for the whole command, reading the problem included.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Iteration limit of the search.
    #[arg(long)]
    iterations: Option<u64>,
    /// Worker threads.
    #[arg(long)]
    threads: Option<usize>,
    /// Random seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Engine.
    #[arg(long, value_enum)]
    solver: Option<SolverArg>,
    /// Largest problem (visits) `--solver auto` hands to the exact engine.
    #[arg(long)]
    exact_max_visits: Option<usize>,
    /// Solver settings file (JSON); flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// No progress line on standard error (it only shows on a terminal anyway).
    #[arg(short, long)]
    quiet: bool,
    /// Also write the schedule as CSV (one row per stop, then the visits left out).
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Also write routes and visits as GeoJSON (needs lat/lon locations).
    #[arg(long)]
    geojson: Option<PathBuf>,
    /// Also write a self-contained HTML report (Gantt chart, map, key figures).
    #[arg(long)]
    report: Option<PathBuf>,
}

impl Args {
    /// The settings file's configuration with the flags on top.
    fn config(&self) -> Result<SolverConfig> {
        let mut cfg = match &self.config {
            Some(path) => {
                let bytes = io::read_bytes(path)?;
                serde_json::from_slice(&bytes)
                    .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
            }
            None => SolverConfig::default(),
        };
        cfg.time_limit = self.time_limit.or(cfg.time_limit);
        cfg.iterations = self.iterations.or(cfg.iterations);
        cfg.threads = self.threads.unwrap_or(cfg.threads);
        cfg.seed = self.seed.unwrap_or(cfg.seed);
        cfg.solver = self.solver.map_or(cfg.solver, Into::into);
        cfg.exact_max_visits = self.exact_max_visits.unwrap_or(cfg.exact_max_visits);
        cfg.validate()?;
        Ok(cfg)
    }

    /// Every file the command will write.
    fn outputs(&self) -> impl Iterator<Item = &Path> {
        [&self.output, &self.csv, &self.geojson, &self.report]
            .into_iter()
            .flatten()
            .map(PathBuf::as_path)
    }
}

pub(super) fn run(args: Args) -> Result<i32> {
    let mut cfg = args.config()?;
    ensure_writable(args.outputs())?;
    let cancel = Cancel::new();
    let handler = cancel.clone();
    // A second Ctrl-C leaves at once; if a handler is already set, Ctrl-C just kills.
    let _ = ctrlc::set_handler(move || {
        if handler.is_cancelled() {
            std::process::exit(EXIT_INTERRUPTED);
        }
        handler.cancel();
    });
    // The time limit bounds the whole command: reading comes off the search's share.
    let begun = std::time::Instant::now();
    let problem = crate::solver::crews::with_crews(args.input.read()?);
    let asked = cfg.time_limit;
    cfg.time_limit = asked.map(|t| (t - begun.elapsed().as_secs_f64()).max(MIN_SEARCH_TIME));
    if args.geojson.is_some() && !export::has_geography(&problem) {
        return Err(Error::Usage(format!(
            "--geojson needs latitude and longitude for every location; {} has other coordinates",
            args.input.input.display()
        )));
    }
    for warning in super::warning_lines(&problem) {
        eprintln!("{warning}");
    }
    let line = ProgressLine::new(
        cfg.time_limit,
        !args.quiet && std::io::stderr().is_terminal(),
    );
    let mut solution = solver::solve_with(&problem, &cfg, &|p| line.show(p), &cancel)?;
    solution.solver.time_limit = asked;
    line.clear();
    let (stated, report) = check_solution(&problem, &solution)?;
    let dto = plan::to_dto(&problem, &solution, &stated, &report);
    let json = pretty(&dto)?;
    let summary = kpi_summary(&problem, &report, &dto);
    if let Some(path) = &args.csv {
        write_atomic(path, export::schedule_csv(&problem, &stated).as_bytes())?;
    }
    if let Some(path) = &args.report {
        write_atomic(
            path,
            report::html(&problem, &stated, &report, &dto).as_bytes(),
        )?;
    }
    if let Some(path) = &args.geojson {
        let doc = export::geojson(&problem, &stated)
            .ok_or_else(|| Error::Internal("locations without lat/lon".into()))?;
        let text = serde_json::to_string(&doc).map_err(|e| Error::Internal(e.to_string()))?;
        write_atomic(path, text.as_bytes())?;
    }
    match &args.output {
        Some(path) => {
            write_atomic(path, json.as_bytes())?;
            print!("{summary}");
            println!("plan written to {}", path.display());
        }
        None => {
            eprint!("{summary}");
            println!("{json}");
        }
    }
    if cancel.is_cancelled() {
        eprintln!("interrupted: this is the best plan found before Ctrl-C");
        return Ok(EXIT_INTERRUPTED);
    }
    Ok(0)
}
