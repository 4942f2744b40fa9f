//! What the benchmark readers share: a depot, planar nodes, identical-shape technicians.

use crate::error::Issue;
use crate::model::{
    Clock, Coord, Depot, Eligibility, LocIdx, Objective, Preferences, Problem, Shift, Site,
    SiteIdx, Technician, TravelMatrix, Visit, VisitKind, Window, crew_size,
};

use super::text::euclid_ticks;

/// Cost of leaving out a mandatory benchmark visit: above any plan's routing cost.
pub const UNASSIGNED_COST: i64 = 1_000_000_000_000_000;

/// A row of a benchmark file: a depot or a customer.
pub struct Node {
    /// Id as written in the file.
    pub id: String,
    /// Planar coordinates.
    pub at: (f64, f64),
    /// `file:line` of the row.
    pub line: String,
    /// Window for the start of service (ticks).
    pub window: Window,
    /// Service duration (ticks).
    pub duration: i64,
    /// Load.
    pub demand: i64,
}

/// Splits the rows into the depot (the first) and the customers.
pub fn split_depot(nodes: &[Node], at_end: String) -> Result<(&Node, &[Node]), Issue> {
    nodes
        .split_first()
        .ok_or_else(|| Issue::new("E111", at_end, "no depot row", "the file is truncated"))
}

/// A technician at location 0 (the depot) with one shift and no skills yet.
pub fn technician(id: String, shift: Shift, capacity: Option<i64>, fixed_cost: i64) -> Technician {
    Technician {
        fixed_cost,
        capacity,
        ..Technician::new(id, LocIdx(0), vec![shift])
    }
}

/// Builds the problem: location 0 is the depot, then one per customer, then `extra.homes`.
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    name: String,
    depot: &Node,
    customers: &[Node],
    technicians: Vec<Technician>,
    extra: BenchExtra,
    objective: Objective,
    scale: i64,
    truncate: bool,
) -> Result<Problem, Issue> {
    let mut seen = std::collections::HashSet::new();
    for c in customers {
        if !seen.insert(c.id.as_str()) || c.id == depot.id {
            return Err(Issue::new(
                "E201",
                c.line.clone(),
                format!("duplicate customer number {}", c.id),
                "number every row once",
            ));
        }
    }
    let mut points: Vec<(f64, f64)> = vec![depot.at];
    points.extend(customers.iter().map(|c| c.at));
    points.extend(extra.homes.iter().copied());
    let travel = TravelMatrix::from_fn(points.len(), |i, j| {
        let d = euclid_ticks(points[i], points[j], scale, truncate);
        (d, d)
    });
    let sites: Vec<Site> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| Site {
            id: c.id.clone(),
            loc: LocIdx(i as u32 + 1),
            tier: None,
        })
        .collect();
    let visits: Vec<Visit> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| Visit {
            id: c.id.clone(),
            site: SiteIdx(i as u32),
            loc: LocIdx(i as u32 + 1),
            kind: VisitKind::Repair,
            duration: c.duration,
            requires: extra.requires.get(i).cloned().unwrap_or_default(),
            crew_size: extra.requires.get(i).map_or(1, |r| crew_size(r)),
            windows: vec![c.window],
            release: None,
            due: None,
            tier: None,
            priority: 1,
            penalty: extra.penalties.get(i).copied().flatten(),
            demand: c.demand,
            tools: extra.tools.get(i).copied().unwrap_or(0),
            parts: extra.parts.get(i).cloned().unwrap_or_default(),
            preferences: Preferences::default(),
        })
        .collect();
    let eligibility = Eligibility::compute(&technicians, &visits);
    Ok(Problem {
        name,
        clock: Clock::Numeric {
            ticks_per_unit: scale,
        },
        skills: extra.skills,
        tiers: Vec::new(),
        technicians,
        sites,
        visits,
        depot: extra.restock.then(|| Depot {
            id: depot.id.clone(),
            loc: LocIdx(0),
        }),
        travel: std::sync::Arc::new(travel),
        coords: points
            .iter()
            .map(|&(x, y)| Some(Coord::Plane { x, y }))
            .collect(),
        objective,
        eligibility,
        level_durations: Vec::new(),
    })
}

/// Per-format additions to the plain VRPTW: skills, tools, parts, homes, optional visits.
#[derive(Default)]
pub struct BenchExtra {
    /// Skill domains.
    pub skills: Vec<crate::model::Skill>,
    /// Requirements per customer.
    pub requires: Vec<Vec<crate::model::Requirement>>,
    /// Tools per customer.
    pub tools: Vec<u64>,
    /// Spare parts per customer.
    pub parts: Vec<Vec<i64>>,
    /// Leave-out penalty per customer (`None` = mandatory).
    pub penalties: Vec<Option<i64>>,
    /// Technician homes, at locations `1 + customers.len() + k`.
    pub homes: Vec<(f64, f64)>,
    /// Whether the depot restocks tools and parts.
    pub restock: bool,
}
