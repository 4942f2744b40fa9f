//! The command line: a thin clap layer over the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::bench;
use crate::error::{Error, Result};
use crate::generate::{Spec, generate};
use crate::graph::SkillGraph;
use crate::io::plan::{self, Units};
use crate::io::{self, Format, ObjectiveChoice, ReadOptions};
use crate::io::{export, report};
use crate::model::Problem;
use crate::replan;
use crate::serve;
use crate::solution::check::{Report, check, check_solution};
use crate::solver::{self, Cancel, SolverChoice, SolverConfig};

mod progress;

use progress::ProgressLine;

/// Dispatch technicians to field-service visits against response-time SLAs.
#[derive(Debug, Parser)]
#[command(name = "fieldsched", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How to read a problem file.
#[derive(Debug, clap::Args)]
struct Input {
    /// Problem file (native JSON or a benchmark format).
    input: PathBuf,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// Objective preset.
    #[arg(long, value_enum, default_value = "native")]
    objective: ObjectiveChoice,
    /// STRSP technicians file (default: found by the data set's naming).
    #[arg(long)]
    technicians: Option<PathBuf>,
}

impl Input {
    fn read(&self) -> Result<Problem> {
        io::read_problem(
            &self.input,
            &ReadOptions {
                format: self.format,
                objective: self.objective,
                technicians: self.technicians.clone(),
            },
        )
    }
}

/// A document with a JSON Schema.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Document {
    /// A native problem.
    Problem,
    /// A `replan` events file.
    Events,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve a problem: print the KPIs and write the plan.
    Solve {
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
        solver: Option<SolverChoice>,
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
    },
    /// Serve the HTTP API (see openapi.json) until Ctrl-C.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// File holding the bearer token (default: the FIELDSCHED_TOKEN environment variable).
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Jobs solved at once.
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// Jobs that may wait for a worker (more get 503).
        #[arg(long, default_value_t = 16)]
        queue: usize,
        /// Largest request body in MiB.
        #[arg(long, default_value_t = 16)]
        max_body_mib: usize,
        /// Longest time limit of a job in seconds.
        #[arg(long, default_value_t = 60.0)]
        max_time_limit: f64,
    },
    /// Write the HTML report of a plan: Gantt chart, map, key figures, visits left out.
    Report {
        #[command(flatten)]
        input: Input,
        /// The plan file.
        plan: PathBuf,
        /// Where to write the page.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Check a plan against its problem: every violation, then the KPIs.
    Check {
        #[command(flatten)]
        input: Input,
        /// The plan file.
        plan: PathBuf,
    },
    /// Validate a problem and describe it.
    Validate {
        #[command(flatten)]
        input: Input,
    },
    /// Re-plan during the day: apply events (new visit, cancellation, running late, technician
    /// off) to a native problem and its current plan, keep started work, change little else.
    Replan {
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
    },
    /// Generate a realistic native instance around Lyon.
    Generate {
        /// Number of visits.
        #[arg(long)]
        visits: usize,
        /// Number of technicians.
        #[arg(long)]
        technicians: usize,
        /// Working days.
        #[arg(long, default_value_t = 1)]
        days: usize,
        /// Random seed.
        #[arg(long)]
        seed: u64,
        /// Add field-service rules: overtime, working-time caps, preferred, excluded and
        /// previous technicians, durations by skill level.
        #[arg(long)]
        field_rules: bool,
        /// Travel over a generated road grid (with one-way streets and a river).
        #[arg(long)]
        roads: bool,
        /// Pair technicians into crews; some installations need two technicians together.
        #[arg(long)]
        crews: bool,
        /// Where to write the instance.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the JSON Schema of the native format (or of `replan` events files).
    Schema {
        /// Which document.
        #[arg(value_enum, default_value = "problem")]
        document: Document,
    },
    /// Measure plan quality against best-known solutions: every instance × seed, checked.
    Bench {
        /// Instance files or directories (their .txt and .json files).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Input format.
        #[arg(long, value_enum, default_value = "auto")]
        format: Format,
        /// Objective preset.
        #[arg(long, value_enum, default_value = "native")]
        objective: ObjectiveChoice,
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
        solver: SolverChoice,
        /// Best-known solutions (CSV with `instance`, `vehicles` and the compared value column).
        #[arg(long)]
        bks: Option<PathBuf>,
        /// Where to write one CSV row per solve.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Exit code of a plan that breaks constraints (`check`).
pub const EXIT_INFEASIBLE: i32 = 5;
/// Exit code of an internal error.
pub const EXIT_INTERNAL: i32 = 4;
/// Exit code of a solve stopped by Ctrl-C (after writing its best plan).
pub const EXIT_INTERRUPTED: i32 = 130;

/// The least search time `solve` leaves itself when reading used up the time limit.
const MIN_SEARCH_TIME: f64 = 0.05;

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 1 } else { 0 };
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
        Err(_) => {
            eprintln!("error: internal error (a bug); please report it with the input");
            EXIT_INTERNAL
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Solve {
            input,
            output,
            time_limit,
            iterations,
            threads,
            seed,
            solver,
            exact_max_visits,
            config,
            quiet,
            csv,
            geojson,
            report: html,
        } => {
            let mut cfg = match &config {
                Some(path) => {
                    let bytes = io::read_bytes(path)?;
                    let cfg: SolverConfig = serde_json::from_slice(&bytes)
                        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
                    cfg
                }
                None => SolverConfig::default(),
            };
            cfg.time_limit = time_limit.or(cfg.time_limit);
            cfg.iterations = iterations.or(cfg.iterations);
            cfg.threads = threads.unwrap_or(cfg.threads);
            cfg.seed = seed.unwrap_or(cfg.seed);
            cfg.solver = solver.unwrap_or(cfg.solver);
            cfg.exact_max_visits = exact_max_visits.unwrap_or(cfg.exact_max_visits);
            cfg.validate()?;
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
            let problem = input.read()?;
            let asked = cfg.time_limit;
            cfg.time_limit =
                asked.map(|t| (t - begun.elapsed().as_secs_f64()).max(MIN_SEARCH_TIME));
            if geojson.is_some() && !export::has_geography(&problem) {
                return Err(Error::Usage(format!(
                    "--geojson needs latitude and longitude for every location; {} has other coordinates",
                    input.input.display()
                )));
            }
            let line = ProgressLine::new(cfg.time_limit, !quiet && std::io::stderr().is_terminal());
            let mut solution = solver::solve_with(&problem, &cfg, &|p| line.show(p), &cancel)?;
            solution.solver.time_limit = asked;
            line.clear();
            let (stated, report) = check_solution(&problem, &solution)?;
            let dto = plan::to_dto(&problem, &solution, &stated, &report);
            let json =
                serde_json::to_string_pretty(&dto).map_err(|e| Error::Solver(e.to_string()))?;
            let summary = kpi_summary(&problem, &report, &dto);
            if let Some(path) = &csv {
                write_atomic(path, export::schedule_csv(&problem, &stated).as_bytes())?;
            }
            if let Some(path) = &html {
                write_atomic(
                    path,
                    report::html(&problem, &stated, &report, &dto).as_bytes(),
                )?;
            }
            if let Some(path) = &geojson {
                let doc = export::geojson(&problem, &stated)
                    .ok_or_else(|| Error::Solver("locations without lat/lon".into()))?;
                let text = serde_json::to_string(&doc).map_err(|e| Error::Solver(e.to_string()))?;
                write_atomic(path, text.as_bytes())?;
            }
            match output {
                Some(path) => {
                    write_atomic(&path, json.as_bytes())?;
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
        Command::Replan {
            input,
            plan: plan_path,
            events,
            output,
            problem_out,
            time_limit,
            iterations,
            threads,
            seed,
        } => {
            let dto = io::read_native(&input)?;
            let plan_source = plan_path.display().to_string();
            let current = plan::parse(&io::read_bytes(&plan_path)?, &plan_source)?;
            let events_source = events.display().to_string();
            let events = replan::parse_events(&io::read_bytes(&events)?, &events_source)?;
            let config = SolverConfig {
                time_limit: Some(time_limit),
                iterations,
                threads,
                seed,
                solver: SolverChoice::Heuristic,
                ..SolverConfig::default()
            };
            let sources = replan::Sources {
                problem: &input.display().to_string(),
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
            let failed = |e: serde_json::Error| Error::Solver(e.to_string());
            if let Some(path) = &problem_out {
                let json = serde_json::to_string_pretty(&out.problem).map_err(failed)?;
                write_atomic(path, json.as_bytes())?;
            }
            let json = serde_json::to_string_pretty(&out.plan).map_err(failed)?;
            write_atomic(&output, json.as_bytes())?;
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
            println!(
                "{} change(s); plan written to {}",
                out.plan.changes.len(),
                output.display()
            );
            Ok(0)
        }
        Command::Check {
            input,
            plan: plan_path,
        } => {
            let problem = input.read()?;
            let bytes = io::read_bytes(&plan_path)?;
            let stated = plan::read(&bytes, &plan_path.display().to_string(), &problem)?;
            let report = check(&problem, &stated);
            for f in report.violations.iter().chain(&report.warnings) {
                let kind = if report.violations.contains(f) {
                    "violation"
                } else {
                    "warning"
                };
                let place = match (f.route, f.stop) {
                    (Some(r), Some(s)) => format!(" route {r} stop {s}"),
                    (Some(r), None) => format!(" route {r}"),
                    _ => String::new(),
                };
                println!("{kind} [{}]{place}: {}", f.code, f.message);
            }
            let dto = plan::to_dto(&problem, &Default::default(), &stated, &report);
            print!("{}", kpi_summary(&problem, &report, &dto));
            if report.is_feasible() {
                println!("feasible");
                Ok(0)
            } else {
                println!("infeasible: {} violation(s)", report.violations.len());
                Ok(EXIT_INFEASIBLE)
            }
        }
        Command::Report {
            input,
            plan: plan_path,
            output,
        } => {
            let problem = input.read()?;
            let bytes = io::read_bytes(&plan_path)?;
            let source = plan_path.display().to_string();
            let written = plan::parse(&bytes, &source)?;
            let stated = plan::resolve(&written, &source, &problem)?;
            let checked = check(&problem, &stated);
            let mut dto = plan::to_dto(&problem, &Default::default(), &stated, &checked);
            dto.solver = written.solver;
            dto.unassigned = written.unassigned;
            write_atomic(
                &output,
                report::html(&problem, &stated, &checked, &dto).as_bytes(),
            )?;
            println!("report written to {}", output.display());
            if !checked.is_feasible() {
                println!(
                    "the plan breaks {} constraint(s); the report lists them",
                    checked.violations.len()
                );
            }
            Ok(0)
        }
        Command::Serve {
            addr,
            token_file,
            workers,
            queue,
            max_body_mib,
            max_time_limit,
        } => {
            let token = match &token_file {
                Some(path) => {
                    let text = String::from_utf8(io::read_bytes(path)?).map_err(|_| {
                        Error::Usage(format!("{}: the token is not UTF-8", path.display()))
                    })?;
                    Some(text.trim().to_string())
                }
                None => std::env::var("FIELDSCHED_TOKEN").ok(),
            }
            .filter(|t| !t.is_empty());
            if workers == 0 || !(max_time_limit.is_finite() && max_time_limit > 0.0) {
                return Err(Error::Usage(
                    "workers and the time limit must be positive".into(),
                ));
            }
            let config = serve::ServeConfig {
                token,
                workers,
                queue,
                max_body: max_body_mib.saturating_mul(1 << 20),
                max_time_limit,
                ..serve::ServeConfig::default()
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Usage(format!("cannot start the server runtime: {e}")))?;
            runtime.block_on(serve::serve(addr, config, |at| {
                println!("listening on http://{at}");
                let _ = std::io::stdout().flush();
            }))?;
            Ok(0)
        }
        Command::Validate { input } => {
            let problem = input.read()?;
            let graph = SkillGraph::build(&problem);
            let orphans = graph.orphan_visits();
            println!(
                "valid: {} technicians, {} shifts, {} sites, {} visits, {} skills, {} SLA tiers",
                problem.technicians.len(),
                problem
                    .technicians
                    .iter()
                    .map(|t| t.shifts.len())
                    .sum::<usize>(),
                problem.sites.len(),
                problem.visits.len(),
                problem.skills.len(),
                problem.tiers.len()
            );
            println!("independent sub-problems: {}", graph.components().len());
            if !orphans.is_empty() {
                let ids: Vec<&str> = orphans
                    .iter()
                    .map(|&v| problem.visit(v).id.as_str())
                    .collect();
                println!(
                    "visits no technician can do ({}): {}",
                    ids.len(),
                    ids.join(", ")
                );
            }
            Ok(0)
        }
        Command::Generate {
            visits,
            technicians,
            days,
            seed,
            field_rules,
            roads,
            crews,
            output,
        } => {
            if visits == 0
                || technicians == 0
                || days == 0
                || visits > 100_000
                || technicians > 10_000
                || days > 31
            {
                return Err(Error::Usage(
                    "use 1–100 000 visits, 1–10 000 technicians and 1–31 days".into(),
                ));
            }
            let dto = generate(Spec {
                visits,
                technicians,
                days,
                seed,
                field_rules,
                roads,
                crews,
            });
            let json =
                serde_json::to_string_pretty(&dto).map_err(|e| Error::Solver(e.to_string()))?;
            write_atomic(&output, json.as_bytes())?;
            println!(
                "wrote {} ({} visits, {} technicians, {} days)",
                output.display(),
                visits,
                technicians,
                days
            );
            Ok(0)
        }
        Command::Bench {
            paths,
            format,
            objective,
            time_limit,
            iterations,
            threads,
            seeds,
            solver,
            bks,
            out,
        } => {
            let config = SolverConfig {
                time_limit,
                iterations,
                threads,
                solver,
                ..SolverConfig::default()
            };
            config.validate()?;
            if seeds == 0 {
                return Err(Error::Usage("--seeds must be at least 1".into()));
            }
            let files = bench::instance_files(&paths)?;
            let read = ReadOptions {
                format,
                objective,
                technicians: None,
            };
            let first = io::read_problem(&files[0], &read)?;
            let kind = first.objective.kind;
            let table = match &bks {
                Some(path) => bench::read_bks(path, bench::value_column(kind))?,
                None => Default::default(),
            };
            let rows = bench::run(&files, &read, &config, seeds, &table, |r| {
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
            if let Some(path) = &out {
                write_atomic(path, bench::csv(&rows, &config, kind).as_bytes())?;
            }
            println!(
                "objective {}, time limit {}, iterations {}, {} thread(s), seeds 1..={seeds}\n",
                kind.name(),
                time_limit.map_or("none".into(), |t| format!("{t} s")),
                iterations.map_or("default".into(), |i| i.to_string()),
                threads
            );
            print!("{}", bench::summary(&rows));
            Ok(if rows.iter().all(|r| r.feasible) {
                0
            } else {
                EXIT_INFEASIBLE
            })
        }
        Command::Schema { document } => {
            let schema = match document {
                Document::Problem => io::native::schema(),
                Document::Events => replan::events_schema(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Ok(0)
        }
    }
}

fn kpi_summary(problem: &Problem, report: &Report, dto: &plan::PlanDto) -> String {
    let u = Units::new(problem);
    let k = &report.kpis;
    let mut out = String::new();
    let cost = dto.kpis.as_ref().map_or(0.0, |k| k.cost);
    out.push_str(&format!("instance          {}\n", problem.name));
    out.push_str(&format!(
        "objective         {} = {:.4}\n",
        problem.objective.kind.name(),
        cost
    ));
    out.push_str(&format!(
        "visits            {} assigned, {} unassigned\n",
        k.visits_assigned, k.visits_unassigned
    ));
    out.push_str(&format!(
        "technicians used  {} ({} routes)\n",
        k.technicians_used, k.routes
    ));
    out.push_str(&format!(
        "distance          {:.4}\n",
        u.distance(k.distance)
    ));
    out.push_str(&format!(
        "travel time       {:.4}\n",
        u.duration(k.travel_time)
    ));
    out.push_str(&format!(
        "working time      {:.4}\n",
        u.duration(k.working_time)
    ));
    if k.overtime > 0 {
        out.push_str(&format!(
            "overtime          {:.4}\n",
            u.duration(k.overtime)
        ));
    }
    if k.cost.preference > 0 {
        out.push_str(&format!(
            "preference cost   {:.4}\n",
            u.cost(k.cost.preference)
        ));
    }
    for (name, t) in &k.sla {
        out.push_str(&format!(
            "sla {name:<13} {} on time, {} late, {} unassigned, compliance {:.1} %\n",
            t.on_time,
            t.late,
            t.unassigned,
            100.0 * t.compliance()
        ));
    }
    // A plan checked from a file has no solver facts of this run.
    if let Some(s) = dto.solver.as_ref().filter(|s| !s.name.is_empty()) {
        out.push_str(&format!(
            "solver            {} in {:.2} s (seed {}, {} threads)\n",
            s.name, s.elapsed, s.seed, s.threads
        ));
    }
    out
}

/// Writes a file through a temporary file and a rename, so no half-written file is left.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io_err = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{} is not a file path", path.display())))?;
    let tmp = path.with_file_name(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = result.and_then(|_| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    Ok(())
}
