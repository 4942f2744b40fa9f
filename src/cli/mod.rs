//! The command line: a thin clap layer over the library, one function per command.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::io::{self, Format, ObjectiveChoice, ReadOptions};
use crate::model::Problem;

mod bench;
mod generate;
mod inspect;
mod progress;
mod replan;
mod serve;
mod solve;
mod summary;

/// Dispatch technicians to field-service visits against response-time SLAs.
#[derive(Debug, Parser)]
#[command(name = "fieldsched", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Input formats on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// Detect from the content.
    Auto,
    /// The native JSON format.
    Json,
    /// Solomon / Gehring–Homberger VRPTW text.
    Solomon,
    /// Pillac TRSP text.
    Trsp,
    /// Kovacs STRSP text.
    Strsp,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Auto => Format::Auto,
            FormatArg::Json => Format::Json,
            FormatArg::Solomon => Format::Solomon,
            FormatArg::Trsp => Format::Trsp,
            FormatArg::Strsp => Format::Strsp,
        }
    }
}

/// Objective presets on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ObjectiveArg {
    /// The format's own objective.
    Native,
    /// Fewest technicians, then distance.
    Hierarchical,
    /// Distance only.
    Distance,
    /// Total working duration.
    Duration,
}

impl From<ObjectiveArg> for ObjectiveChoice {
    fn from(o: ObjectiveArg) -> Self {
        match o {
            ObjectiveArg::Native => ObjectiveChoice::Native,
            ObjectiveArg::Hierarchical => ObjectiveChoice::Hierarchical,
            ObjectiveArg::Distance => ObjectiveChoice::Distance,
            ObjectiveArg::Duration => ObjectiveChoice::Duration,
        }
    }
}

/// Engines on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SolverArg {
    /// The exact engine when it models the problem and the problem is small, else the heuristic.
    Auto,
    /// The exact engine (MILP, branch and price).
    Exact,
    /// The heuristic search.
    Heuristic,
}

impl From<SolverArg> for crate::solver::SolverChoice {
    fn from(s: SolverArg) -> Self {
        use crate::solver::SolverChoice;
        match s {
            SolverArg::Auto => SolverChoice::Auto,
            SolverArg::Exact => SolverChoice::Exact,
            SolverArg::Heuristic => SolverChoice::Heuristic,
        }
    }
}

/// How to read a problem file.
#[derive(Debug, clap::Args)]
struct Input {
    /// Problem file (native JSON or a benchmark format).
    input: PathBuf,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// Objective preset.
    #[arg(long, value_enum, default_value = "native")]
    objective: ObjectiveArg,
    /// STRSP technicians file (default: found by the data set's naming).
    #[arg(long)]
    technicians: Option<PathBuf>,
}

impl Input {
    fn options(&self) -> ReadOptions {
        ReadOptions {
            format: self.format.into(),
            objective: self.objective.into(),
            technicians: self.technicians.clone(),
        }
    }

    fn read(&self) -> Result<Problem> {
        io::read_problem(&self.input, &self.options())
    }
}

/// The warnings about a native problem (none for benchmark files), one line each.
fn warning_lines(problem: &Problem) -> Vec<String> {
    match problem.clock {
        crate::model::Clock::Calendar { .. } => io::native::warnings(problem)
            .iter()
            .map(|w| format!("warning: {w}"))
            .collect(),
        crate::model::Clock::Numeric { .. } => Vec::new(),
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve a problem: print the KPIs and write the plan.
    Solve(solve::Args),
    /// Serve the HTTP API (see openapi.json) until Ctrl-C.
    Serve(serve::Args),
    /// Write the HTML report of a plan: Gantt chart, map, key figures, visits left out.
    Report(inspect::ReportArgs),
    /// Check a plan against its problem: every violation, then the KPIs.
    Check(inspect::CheckArgs),
    /// Validate a problem and describe it: every error at once, then warnings and a summary.
    Validate(inspect::ValidateArgs),
    /// Re-plan during the day: apply events (new visit, cancellation, running late, technician
    /// off) to a native problem and its current plan, keep started work, change little else.
    Replan(replan::Args),
    /// Generate a realistic native instance around Lyon.
    Generate(generate::Args),
    /// Print the JSON Schema of the native format (or of `replan` events files).
    Schema(generate::SchemaArgs),
    /// Measure plan quality against best-known solutions: every instance × seed, checked.
    Bench(bench::Args),
}

/// Exit code of a plan that breaks constraints (`check`).
pub const EXIT_INFEASIBLE: i32 = 5;
/// Exit code of an internal error.
pub const EXIT_INTERNAL: i32 = 4;
/// Exit code of a solve stopped by Ctrl-C (after writing its best plan).
pub const EXIT_INTERRUPTED: i32 = 130;

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
        Command::Solve(args) => solve::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Report(args) => inspect::report(args),
        Command::Check(args) => inspect::check(args),
        Command::Validate(args) => inspect::validate(args),
        Command::Replan(args) => replan::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Schema(args) => generate::schema(args),
        Command::Bench(args) => bench::run(args),
    }
}

/// Fails with the first path of `paths` that cannot be written (its folder is missing or not
/// writable, or it names a folder), before any work is done; creates and removes a probe file
/// beside each, so nothing is left behind.
fn ensure_writable<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<()> {
    for path in paths {
        let refuse = |why: String| {
            Error::Usage(format!(
                "cannot write {}: {why}; choose another path",
                path.display()
            ))
        };
        if path.is_dir() {
            return Err(refuse("it is a folder".into()));
        }
        let probe = temporary_beside(path).map_err(refuse)?;
        std::fs::File::create(&probe).map_err(|e| refuse(e.to_string()))?;
        let _ = std::fs::remove_file(&probe);
    }
    Ok(())
}

/// The temporary file written before the rename onto `path`.
fn temporary_beside(path: &Path) -> std::result::Result<PathBuf, String> {
    let name = path
        .file_name()
        .ok_or_else(|| "it is not a file path".to_string())?;
    Ok(path.with_file_name(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Writes a file through a temporary file and a rename, so no half-written file is left.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io_err = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let tmp =
        temporary_beside(path).map_err(|why| Error::Usage(format!("{}: {why}", path.display())))?;
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

/// Serialises a document as pretty JSON (a failure is a bug).
fn pretty<T: serde::Serialize>(doc: &T) -> Result<String> {
    serde_json::to_string_pretty(doc).map_err(|e| Error::Internal(e.to_string()))
}
