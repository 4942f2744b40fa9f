//! Solomon and Gehring–Homberger VRPTW text files.
//!
//! Vehicles become identical technicians starting and ending at the depot, with the depot's
//! window as their shift and the file's capacity; customers become visits whose window bounds
//! the start of service. Distances are Euclidean; travel time equals distance.

use crate::error::{Error, Issue, Result};
use crate::model::{Objective, ObjectiveKind, Problem, Rate, Shift, Window};

use super::bench::{self, Node};
use super::text::{TextFile, decode, ticks_down, ticks_up};

/// Ticks per unit under the hierarchical objective (double precision, kept to 10^-4).
pub const PRECISE_SCALE: i64 = 10_000;
/// Ticks per unit under the distance objective (one-decimal truncation).
pub const TRUNCATED_SCALE: i64 = 10;
/// Fixed cost of a technician under the hierarchical objective, in ticks: above any total distance.
pub const VEHICLE_COST: i64 = 1_000_000_000_000;

/// Reads a Solomon/Homberger file under `objective` (hierarchical or distance).
pub fn read(bytes: &[u8], source: &str, objective: ObjectiveKind) -> Result<Problem> {
    let text = decode(bytes, source)?;
    let file = TextFile::new(text, source);
    parse(&file, objective).map_err(|issue| Error::invalid(source, vec![issue]))
}

fn parse(file: &TextFile<'_>, objective: ObjectiveKind) -> std::result::Result<Problem, Issue> {
    let (scale, truncate) = match objective {
        ObjectiveKind::Distance => (TRUNCATED_SCALE, true),
        _ => (PRECISE_SCALE, false),
    };
    let name = file
        .lines
        .first()
        .map(|l| l.tokens.join(" "))
        .unwrap_or_default();
    let vehicle = file.find(0, "VEHICLE")?;
    let fleet = file.lines.get(vehicle + 2).ok_or_else(|| {
        Issue::new(
            "E111",
            file.at_end(),
            "no vehicle count and capacity",
            "the file is truncated",
        )
    })?;
    let count: u32 = file.number(fleet, 0, "vehicle count")?;
    let capacity: i64 = file.number(fleet, 1, "capacity")?;
    if !(1..=10_000).contains(&count) || capacity < 0 {
        return Err(file.issue(
            "E304",
            fleet,
            "vehicle count must be 1 to 10 000 and capacity ≥ 0",
            "fix the VEHICLE section",
        ));
    }
    let customer = file.find(vehicle, "CUSTOMER")?;
    let mut nodes = Vec::new();
    for line in file.lines.iter().skip(customer + 2) {
        if line.tokens.len() != 7 {
            return Err(file.issue(
                "E112",
                line,
                format!("{} columns where a customer row has 7", line.tokens.len()),
                "id x y demand ready due service",
            ));
        }
        let id: u32 = file.number(line, 0, "customer number")?;
        let (ready, due) = (
            file.real(line, 4, "ready time")?,
            file.real(line, 5, "due date")?,
        );
        let service = file.real(line, 6, "service time")?;
        let demand: i64 = file.number(line, 3, "demand")?;
        if due < ready {
            return Err(file.issue(
                "E303",
                line,
                "the due date is before the ready time",
                "swap them",
            ));
        }
        if service < 0.0 || demand < 0 {
            return Err(file.issue(
                "E304",
                line,
                "negative service time or demand",
                "use values ≥ 0",
            ));
        }
        nodes.push(Node {
            id: id.to_string(),
            at: (file.real(line, 1, "x")?, file.real(line, 2, "y")?),
            line: file.at(line),
            window: Window {
                start: ticks_up(ready, scale),
                end: ticks_down(due, scale),
            },
            duration: ticks_up(service, scale),
            demand,
        });
    }
    let (depot, customers) = bench::split_depot(&nodes, file.at_end())?;
    if depot.id != "0" {
        return Err(Issue::new(
            "E114",
            depot.line.clone(),
            "the first row must be the depot, number 0",
            "put the depot first",
        ));
    }
    let shift = Shift::new(depot.window.start, depot.window.end);
    let (fixed, kind) = match objective {
        ObjectiveKind::Distance => (0, ObjectiveKind::Distance),
        _ => (VEHICLE_COST, ObjectiveKind::Hierarchical),
    };
    let technicians = (1..=count)
        .map(|k| bench::technician(k.to_string(), shift, Some(capacity), fixed))
        .collect();
    let objective = Objective {
        kind,
        distance: Rate::new(1, 1),
        unassigned: bench::UNASSIGNED_COST,
        cost_scale: scale,
        distance_per_member: false,
    };
    bench::assemble(
        name,
        depot,
        customers,
        technicians,
        bench::BenchExtra::default(),
        objective,
        scale,
        truncate,
    )
}
