//! `fieldsched check`, `report` and `validate`: look at a problem or a plan without solving.

use std::path::{Path, PathBuf};

use super::summary::kpi_summary;
use super::{EXIT_INFEASIBLE, Input, ensure_writable, write_atomic};
use crate::error::Result;
use crate::graph::SkillGraph;
use crate::io::{self, plan, report as html};
use crate::model::Problem;
use crate::solution::check::{Report, StatedPlan, check as check_plan};

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    #[command(flatten)]
    input: Input,
    /// The plan file.
    plan: PathBuf,
    /// Where to write the page.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    input: Input,
    /// The plan file.
    plan: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(super) struct ValidateArgs {
    #[command(flatten)]
    input: Input,
}

/// A plan file checked against its problem (with the crews the plan lists): the problem,
/// the plan as written, as stated, and the checker's report.
struct Checked {
    problem: Problem,
    written: plan::PlanDto,
    stated: StatedPlan,
    report: Report,
}

fn checked(input: &Input, path: &Path) -> Result<Checked> {
    let problem = input.read()?;
    let source = path.display().to_string();
    let written = plan::parse(&io::read_bytes(path)?, &source)?;
    let problem = plan::with_plan_crews(&written, &source, &problem)?;
    let stated = plan::resolve(&written, &source, &problem)?;
    let report = check_plan(&problem, &stated);
    Ok(Checked {
        problem,
        written,
        stated,
        report,
    })
}

/// Every violation and warning of a plan, then its KPIs; exit 0 when feasible.
pub(super) fn check(args: CheckArgs) -> Result<i32> {
    let Checked {
        problem,
        stated,
        report,
        ..
    } = checked(&args.input, &args.plan)?;
    let kinds = [
        ("violation", &report.violations),
        ("warning", &report.warnings),
    ];
    for (kind, findings) in kinds {
        for f in findings {
            let place = match (f.route, f.stop) {
                (Some(r), Some(s)) => format!(" route {r} stop {s}"),
                (Some(r), None) => format!(" route {r}"),
                _ => String::new(),
            };
            println!("{kind} [{}]{place}: {}", f.code, f.message);
        }
    }
    let dto = plan::to_dto(&problem, &Default::default(), &stated, &report);
    print!("{}", kpi_summary(&problem, &report, &dto));
    if report.is_feasible() {
        println!("feasible");
        Ok(0)
    } else {
        let n = report.violations.len();
        println!(
            "infeasible: {n} {}",
            if n == 1 { "violation" } else { "violations" }
        );
        Ok(EXIT_INFEASIBLE)
    }
}

/// The HTML report of a plan file, violations listed first.
pub(super) fn report(args: ReportArgs) -> Result<i32> {
    ensure_writable([args.output.as_path()])?;
    let Checked {
        problem,
        written,
        stated,
        report: checked,
    } = checked(&args.input, &args.plan)?;
    let mut dto = plan::to_dto(&problem, &Default::default(), &stated, &checked);
    dto.solver = written.solver;
    dto.unassigned = written.unassigned;
    write_atomic(
        &args.output,
        html::html(&problem, &stated, &checked, &dto).as_bytes(),
    )?;
    println!("report written to {}", args.output.display());
    if !checked.is_feasible() {
        println!(
            "the plan breaks {} constraint(s); the report lists them",
            checked.violations.len()
        );
    }
    Ok(0)
}

/// Every problem of the input at once (exit 2), else its warnings and a summary.
pub(super) fn validate(args: ValidateArgs) -> Result<i32> {
    let problem = args.input.read()?;
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
    let due = problem.visits.iter().filter(|v| v.due.is_some()).count();
    if due > 0 {
        let unmeetable = crate::solver::unmeetable_due_times(&problem);
        let ids: Vec<&str> = unmeetable
            .iter()
            .take(10)
            .map(|&v| problem.visit(v).id.as_str())
            .collect();
        let more = if unmeetable.len() > 10 { ", …" } else { "" };
        println!(
            "due times no technician can meet: {} of {due}{}{}{more}",
            unmeetable.len(),
            if ids.is_empty() { "" } else { ": " },
            ids.join(", ")
        );
    }
    for warning in super::warning_lines(&problem) {
        println!("{warning}");
    }
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
