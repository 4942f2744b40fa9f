//! `fieldsched generate` and `schema`: write instances and the formats' JSON Schemas.

use std::path::PathBuf;

use super::{ensure_writable, pretty, write_atomic};
use crate::error::{Error, Result};
use crate::generate::{Spec, generate};
use crate::io;
use crate::replan;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
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
}

/// A document with a JSON Schema.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Document {
    /// A native problem.
    Problem,
    /// A `replan` events file.
    Events,
}

#[derive(Debug, clap::Args)]
pub(super) struct SchemaArgs {
    /// Which document.
    #[arg(value_enum, default_value = "problem")]
    document: Document,
}

pub(super) fn run(args: Args) -> Result<i32> {
    if args.visits == 0
        || args.technicians == 0
        || args.days == 0
        || args.visits > 100_000
        || args.technicians > 10_000
        || args.days > 31
    {
        return Err(Error::Usage(
            "use 1–100 000 visits, 1–10 000 technicians and 1–31 days".into(),
        ));
    }
    ensure_writable([args.output.as_path()])?;
    let dto = generate(Spec {
        visits: args.visits,
        technicians: args.technicians,
        days: args.days,
        seed: args.seed,
        field_rules: args.field_rules,
        roads: args.roads,
        crews: args.crews,
    });
    write_atomic(&args.output, pretty(&dto)?.as_bytes())?;
    println!(
        "wrote {} ({} visits, {} technicians, {} days)",
        args.output.display(),
        args.visits,
        args.technicians,
        args.days
    );
    // Counting needs the travel matrix; a very large instance is written without it.
    let needed = io::native::matrix_bytes(&dto);
    if needed > io::native::LARGE_MATRIX {
        println!(
            "due times no technician can meet: not counted (the travel matrix would need {} MiB)",
            needed >> 20
        );
        return Ok(0);
    }
    let problem = io::native::to_problem(&dto, "generated")?;
    let due = problem.visits.iter().filter(|v| v.due.is_some()).count();
    let unmeetable = crate::solver::unmeetable_due_times(&problem).len();
    println!(
        "{unmeetable} of {due} due times no technician can meet, even driving straight there \
         at the start of a shift"
    );
    Ok(0)
}

pub(super) fn schema(args: SchemaArgs) -> Result<i32> {
    let schema = match args.document {
        Document::Problem => io::native::schema(),
        Document::Events => replan::events_schema(),
    };
    println!("{}", pretty(&schema)?);
    Ok(0)
}
