//! `fieldsched replan`: apply the day's events to a problem and its plan, and re-solve.

use std::path::PathBuf;

use super::summary::kpi_summary;
use super::{ensure_writable, pretty, write_atomic};
use crate::error::Result;
use crate::io::{self, plan};
use crate::replan;
use crate::solver::{Cancel, SolverChoice, SolverConfig};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The native problem.
    input: PathBuf,
    /// The current plan.
    plan: PathBuf,
    /// The events file (see README).
    events: PathBuf,
    /// Where to write the new plan.
    #[arg(short, long)]
    output: PathBuf,
    /// Where to write the problem as it stands now (to `check` the new plan against).
    #[arg(long)]
    problem_out: Option<PathBuf>,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 5.0)]
    time_limit: f64,
    /// Search iterations.
    #[arg(long)]
    iterations: Option<u64>,
    /// Worker threads.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub(super) fn run(args: Args) -> Result<i32> {
    let config = SolverConfig {
        time_limit: Some(args.time_limit),
        iterations: args.iterations,
        threads: args.threads,
        seed: args.seed,
        solver: SolverChoice::Heuristic,
        ..SolverConfig::default()
    };
    config.validate()?;
    ensure_writable(std::iter::once(args.output.as_path()).chain(args.problem_out.as_deref()))?;
    let dto = io::read_native(&args.input)?;
    let plan_source = args.plan.display().to_string();
    let current = plan::parse(&io::read_bytes(&args.plan)?, &plan_source)?;
    let events_source = args.events.display().to_string();
    let events = replan::parse_events(&io::read_bytes(&args.events)?, &events_source)?;
    let sources = replan::Sources {
        problem: &args.input.display().to_string(),
        plan: &plan_source,
        events: &events_source,
    };
    let out = replan::replan(
        &dto,
        &current,
        &events,
        &sources,
        &config,
        &|_| {},
        &Cancel::new(),
    )?;
    if let Some(path) = &args.problem_out {
        write_atomic(path, pretty(&out.problem)?.as_bytes())?;
    }
    write_atomic(&args.output, pretty(&out.plan)?.as_bytes())?;
    for c in &out.plan.changes {
        let who = |t: &Option<String>| t.clone().unwrap_or_else(|| "-".into());
        println!(
            "{:<10} {:<9} {} → {}  {} → {}",
            c.visit,
            c.change,
            who(&c.from_technician),
            who(&c.to_technician),
            who(&c.from_start),
            who(&c.to_start)
        );
    }
    print!("{}", kpi_summary(&out.model, &out.report, &out.plan));
    let n = out.plan.changes.len();
    println!(
        "{n} {}; plan written to {}",
        if n == 1 { "change" } else { "changes" },
        args.output.display()
    );
    Ok(0)
}
