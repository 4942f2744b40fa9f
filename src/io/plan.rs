//! The plan JSON: written by `solve`, read by `check`. A contract other tools rely on.
//!
//! Times are RFC 3339 for the native format and plain numbers in the file's units for
//! benchmark formats. Distances are kilometres (native) or file units; durations are minutes
//! (native) or file units; costs are currency units (native) or file units.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Issue, Result};
use crate::model::{Clock, Cost, Problem, TechIdx, Time, VisitIdx};
use crate::solution::check::{Report, StatedPlan, StatedRoute, StatedStop};
use crate::solution::cost::CostBreakdown;
use crate::solution::schedule::StopTime;
use crate::solution::{Reason, Solution, SolverInfo, Stop};

use super::time::{format_timestamp, parse_timestamp};

/// A plan file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanDto {
    /// Routes with at least one stop.
    pub routes: Vec<RouteDto>,
    /// Visits left out.
    #[serde(default)]
    pub unassigned: Vec<UnassignedDto>,
    /// Key figures (ignored on reading but for `cost`).
    #[serde(default)]
    pub kpis: Option<KpisDto>,
    /// Solver facts.
    #[serde(default)]
    pub solver: Option<SolverDto>,
    /// What re-planning changed against the current plan (`replan` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeDto>,
}

/// One change of a re-planned plan against the plan it replaces (`replan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeDto {
    /// The visit.
    pub visit: String,
    /// `added`, `cancelled`, `moved` (another technician), `retimed` (same technician, another
    /// start), `dropped` (now left out) or `assigned` (left out before).
    pub change: String,
    /// Technician before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_technician: Option<String>,
    /// Technician now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_technician: Option<String>,
    /// Start before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_start: Option<String>,
    /// Start now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_start: Option<String>,
}

/// One route.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouteDto {
    /// Technician (or crew) id.
    pub technician: String,
    /// The technicians of the crew, when a crew drives the route.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crew: Vec<String>,
    /// Index of the technician's shift.
    pub shift: usize,
    /// The date the shift starts on (`YYYY-MM-DD`, calendar problems).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// Departure from the start location.
    pub start: Value,
    /// Return to the end location.
    pub end: Value,
    /// Stops in order (a restock stop carries the depot's id).
    pub visits: Vec<StopDto>,
    /// The break taken, if any.
    #[serde(default, rename = "break", skip_serializing_if = "Option::is_none")]
    pub lunch: Option<BreakTimeDto>,
}

/// When a break was taken.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BreakTimeDto {
    /// Start.
    pub start: Value,
    /// End.
    pub end: Value,
}

/// One stop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StopDto {
    /// Visit id, or the depot's id for a restock.
    pub id: String,
    /// Arrival.
    pub arrival: Value,
    /// Start of service.
    pub start: Value,
    /// End of service.
    pub end: Value,
}

/// A visit left out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnassignedDto {
    /// Visit id.
    pub id: String,
    /// Reason code.
    pub reason: String,
    /// A sentence for people.
    #[serde(default)]
    pub detail: String,
}

/// SLA figures of a tier: `on_time`, `late` and `unassigned` count only visits with a due
/// time; visits of the tier without one are counted apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TierDto {
    /// Visits with a due time served by it.
    pub on_time: usize,
    /// Visits with a due time served after it.
    pub late: usize,
    /// Visits with a due time left out.
    pub unassigned: usize,
    /// `on_time` / all visits with a due time, 0 to 1 (1 when there are none).
    pub compliance: f64,
    /// Mean lateness of the late visits (minutes or file units).
    pub mean_late: f64,
    /// 90th percentile of lateness over the served visits with a due time (on time counts 0).
    #[serde(default)]
    pub p90_late: f64,
    /// Worst lateness.
    pub worst_late: f64,
    /// Mean time to spare of the visits served on time.
    #[serde(default)]
    pub mean_slack: f64,
    /// Least time to spare of a visit served on time.
    #[serde(default)]
    pub least_slack: f64,
    /// Visits of the tier without a due time, served.
    #[serde(default)]
    pub no_due_time: usize,
    /// Visits of the tier without a due time, left out.
    #[serde(default)]
    pub no_due_time_unassigned: usize,
}

/// Key figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KpisDto {
    /// Objective value.
    pub cost: f64,
    /// The objective term by term.
    pub cost_breakdown: BTreeMap<String, f64>,
    /// Distance driven.
    pub distance: f64,
    /// Time driving.
    pub travel_time: f64,
    /// Time from departures to returns.
    pub working_time: f64,
    /// Distinct technicians with a route.
    pub technicians_used: usize,
    /// Routes (technician shifts) used.
    pub routes: usize,
    /// Visits served.
    pub visits_assigned: usize,
    /// Visits left out.
    pub visits_unassigned: usize,
    /// SLA figures by tier.
    pub sla: BTreeMap<String, TierDto>,
    /// Overtime worked.
    pub overtime: f64,
}

/// Solver facts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SolverDto {
    /// Engine.
    pub name: String,
    /// Objective preset.
    pub objective: String,
    /// Seed.
    pub seed: u64,
    /// Threads.
    pub threads: usize,
    /// Time limit in seconds.
    pub time_limit: Option<f64>,
    /// Seconds spent.
    pub elapsed: f64,
    /// Lower bound on the cost.
    pub bound: Option<f64>,
    /// Relative gap to the bound.
    pub gap: Option<f64>,
    /// Proven optimal.
    pub optimal: bool,
    /// Heuristic search iterations run, over all threads.
    #[serde(default)]
    pub iterations: u64,
}

/// Converts ticks to displayed numbers and back.
pub struct Units<'a> {
    problem: &'a Problem,
}

impl<'a> Units<'a> {
    /// Units of a problem.
    pub fn new(problem: &'a Problem) -> Self {
        Units { problem }
    }

    /// A time as written in plans.
    pub fn time(&self, t: Time) -> Value {
        match &self.problem.clock {
            Clock::Calendar { origin } => Value::String(format_timestamp(origin, t)),
            Clock::Numeric { ticks_per_unit } => Value::from(t as f64 / *ticks_per_unit as f64),
        }
    }

    /// A time read from a plan.
    pub fn parse_time(&self, v: &Value) -> Option<Time> {
        match (&self.problem.clock, v) {
            (Clock::Calendar { origin }, Value::String(s)) => {
                parse_timestamp(s).ok().map(|t| (t - *origin).num_seconds())
            }
            (Clock::Numeric { ticks_per_unit }, Value::Number(n)) => {
                let x = n.as_f64()? * *ticks_per_unit as f64;
                (x.is_finite() && x.abs() < 1e15).then(|| x.round() as Time)
            }
            _ => None,
        }
    }

    /// A distance in km (calendar) or file units.
    pub fn distance(&self, d: i64) -> f64 {
        match self.problem.clock {
            Clock::Calendar { .. } => d as f64 / 1000.0,
            Clock::Numeric { ticks_per_unit } => d as f64 / ticks_per_unit as f64,
        }
    }

    /// A duration in minutes (calendar) or file units.
    pub fn duration(&self, d: Time) -> f64 {
        match self.problem.clock {
            Clock::Calendar { .. } => d as f64 / 60.0,
            Clock::Numeric { ticks_per_unit } => d as f64 / ticks_per_unit as f64,
        }
    }

    /// A cost in displayed units.
    pub fn cost(&self, c: Cost) -> f64 {
        self.problem.objective.display_cost(c)
    }
}

fn breakdown(units: &Units<'_>, c: &CostBreakdown) -> BTreeMap<String, f64> {
    [
        ("fixed", c.fixed),
        ("working", c.working),
        ("distance", c.distance),
        ("lateness", c.lateness),
        ("unassigned", c.unassigned),
        ("overtime", c.overtime),
        ("preference", c.preference),
        ("change", c.change),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), units.cost(v)))
    .collect()
}

/// The plan file of a solution: stated times, the checker's figures and the solver's cost.
pub fn to_dto(
    problem: &Problem,
    solution: &Solution,
    stated: &StatedPlan,
    report: &Report,
) -> PlanDto {
    let u = Units::new(problem);
    let depot_id = problem
        .depot
        .as_ref()
        .map(|d| d.id.clone())
        .unwrap_or_default();
    let routes = stated
        .routes
        .iter()
        .map(|r| RouteDto {
            technician: problem.tech(r.tech).id.clone(),
            crew: problem
                .tech(r.tech)
                .crew
                .iter()
                .map(|m| m.id.clone())
                .collect(),
            shift: r.shift,
            day: match &problem.clock {
                Clock::Calendar { origin } => {
                    let start = problem.tech(r.tech).shifts[r.shift].start;
                    let day = *origin + chrono::Duration::seconds(start);
                    Some(day.format("%Y-%m-%d").to_string())
                }
                Clock::Numeric { .. } => None,
            },
            start: u.time(r.start),
            end: u.time(r.end),
            visits: r
                .stops
                .iter()
                .map(|s| StopDto {
                    id: match s.stop {
                        Stop::Visit(v) => problem.visit(v).id.clone(),
                        Stop::Restock | Stop::Break => depot_id.clone(),
                    },
                    arrival: u.time(s.time.arrival),
                    start: u.time(s.time.start),
                    end: u.time(s.time.end),
                })
                .collect(),
            lunch: r.lunch.map(|(start, end)| BreakTimeDto {
                start: u.time(start),
                end: u.time(end),
            }),
        })
        .collect();
    let k = &report.kpis;
    let kpis = KpisDto {
        cost: u.cost(stated.cost.unwrap_or(k.cost.total())),
        cost_breakdown: breakdown(&u, &k.cost),
        distance: u.distance(k.distance),
        travel_time: u.duration(k.travel_time),
        working_time: u.duration(k.working_time),
        technicians_used: k.technicians_used,
        routes: k.routes,
        visits_assigned: k.visits_assigned,
        visits_unassigned: k.visits_unassigned,
        sla: k
            .sla
            .iter()
            .map(|(name, t)| {
                let minutes = |ticks: f64| u.duration(ticks.round() as Time);
                (
                    name.clone(),
                    TierDto {
                        on_time: t.on_time(),
                        late: t.late(),
                        unassigned: t.unassigned,
                        compliance: t.compliance(),
                        mean_late: minutes(t.mean_late()),
                        p90_late: u.duration(t.p90_late()),
                        worst_late: u.duration(t.worst_late()),
                        mean_slack: minutes(t.mean_slack()),
                        least_slack: u.duration(t.least_slack()),
                        no_due_time: t.unclocked,
                        no_due_time_unassigned: t.unclocked_unassigned,
                    },
                )
            })
            .collect(),
        overtime: u.duration(k.overtime),
    };
    PlanDto {
        routes,
        unassigned: solution
            .unassigned
            .iter()
            .map(|x| UnassignedDto {
                id: problem.visit(x.visit).id.clone(),
                reason: x.reason.code().to_string(),
                detail: x.detail.clone(),
            })
            .collect(),
        kpis: Some(kpis),
        solver: Some(solver_dto(problem, &solution.solver)),
        changes: Vec::new(),
    }
}

fn solver_dto(problem: &Problem, s: &SolverInfo) -> SolverDto {
    SolverDto {
        name: s.name.clone(),
        objective: problem.objective.kind.name().to_string(),
        seed: s.seed,
        threads: s.threads,
        time_limit: s.time_limit,
        elapsed: s.elapsed,
        bound: s.bound,
        gap: s.gap,
        optimal: s.optimal,
        iterations: s.iterations,
    }
}

/// Reads a plan file against its problem, resolving ids; every unknown id or bad time is reported.
pub fn read(bytes: &[u8], source: &str, problem: &Problem) -> Result<StatedPlan> {
    resolve(&parse(bytes, source)?, source, problem)
}

/// The problem a plan's routes refer to: `problem` itself, or, when the plan names crews the
/// problem does not have (a Kovacs `Team` plan, whose crews are formed when solving), the
/// problem with those crews built from the members each route lists, the technicians in no
/// crew staying alone. So a plan of any tool that lists its crews' members can be checked.
pub fn with_plan_crews(dto: &PlanDto, source: &str, problem: &Problem) -> Result<Problem> {
    let known: HashMap<&str, usize> = problem
        .technicians
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let new = |r: &&RouteDto| !r.crew.is_empty() && !known.contains_key(r.technician.as_str());
    if !dto.routes.iter().any(|r| new(&r)) {
        return Ok(problem.clone());
    }
    let mut issues = Vec::new();
    let mut crewed = vec![false; problem.technicians.len()];
    let mut crews: Vec<crate::model::Technician> = Vec::new();
    let mut named = std::collections::HashSet::new();
    for (r, route) in dto.routes.iter().enumerate().filter(|(_, r)| new(r)) {
        if !named.insert(route.technician.as_str()) {
            continue;
        }
        let mut members = Vec::new();
        for (k, id) in route.crew.iter().enumerate() {
            let place = format!("$.routes[{r}].crew[{k}]");
            match known.get(id.as_str()) {
                None => issues.push(Issue::new(
                    "E202",
                    place,
                    format!("unknown technician `{id}` in crew `{}`", route.technician),
                    "list technicians of the problem as the crew's members",
                )),
                Some(&t) if crewed[t] => issues.push(Issue::new(
                    "E314",
                    place,
                    format!("`{id}` is in two crews"),
                    "put every technician in one crew at most",
                )),
                Some(&t) => {
                    crewed[t] = true;
                    members.push(&problem.technicians[t]);
                }
            }
        }
        if members.len() < 2 {
            issues.push(Issue::new(
                "E314",
                format!("$.routes[{r}].crew"),
                format!(
                    "crew `{}` needs two or more known technicians",
                    route.technician
                ),
                "list the crew's members",
            ));
            continue;
        }
        crews.push(problem.crew_of(route.technician.clone(), &members));
    }
    if !issues.is_empty() {
        return Err(Error::invalid(source, issues));
    }
    let mut out = problem.clone();
    out.technicians = crews
        .into_iter()
        .chain(
            problem
                .technicians
                .iter()
                .zip(&crewed)
                .filter(|&(_, &c)| !c)
                .map(|(t, _)| t.clone()),
        )
        .collect();
    out.eligibility = crate::model::Eligibility::compute(&out.technicians, &out.visits);
    Ok(out)
}

/// Parses a plan file without resolving its ids.
pub fn parse(bytes: &[u8], source: &str) -> Result<PlanDto> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)).map_err(
        |e| {
            let path = e.path().to_string();
            Error::invalid(
                source,
                vec![Issue::new(
                    "E106",
                    format!("$.{path}"),
                    format!("not a plan: {}", e.into_inner()),
                    "a plan is what `fieldsched solve` writes",
                )],
            )
        },
    )
}

/// Resolves a parsed plan (`dto`, read from `source`) against its problem; every unknown id or
/// bad time is reported.
pub fn resolve(dto: &PlanDto, source: &str, problem: &Problem) -> Result<StatedPlan> {
    let u = Units::new(problem);
    let techs: HashMap<&str, TechIdx> = problem
        .technicians
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), TechIdx(i as u32)))
        .collect();
    let visits: HashMap<&str, VisitIdx> = problem
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), VisitIdx(i as u32)))
        .collect();
    let depot = problem.depot.as_ref().map(|d| d.id.as_str());
    let mut issues = Vec::new();
    let time = |v: &Value, path: String, issues: &mut Vec<Issue>| {
        u.parse_time(v).unwrap_or_else(|| {
            issues.push(Issue::new(
                "E301",
                path,
                format!("{v} is not a time of this problem"),
                "RFC 3339 for native problems, a number for benchmark files",
            ));
            0
        })
    };
    let mut routes = Vec::new();
    for (r, route) in dto.routes.iter().enumerate() {
        let path = format!("$.routes[{r}]");
        let Some(&tech) = techs.get(route.technician.as_str()) else {
            issues.push(Issue::new(
                "E202",
                format!("{path}.technician"),
                format!("unknown technician `{}`", route.technician),
                "use a technician id of the problem",
            ));
            continue;
        };
        let mut stops = Vec::new();
        for (k, s) in route.visits.iter().enumerate() {
            let sp = format!("{path}.visits[{k}]");
            let stop = match visits.get(s.id.as_str()) {
                Some(&v) => Stop::Visit(v),
                None if Some(s.id.as_str()) == depot => Stop::Restock,
                None => {
                    issues.push(Issue::new(
                        "E202",
                        format!("{sp}.id"),
                        format!("unknown visit `{}`", s.id),
                        "use a visit id of the problem",
                    ));
                    continue;
                }
            };
            let times = StopTime {
                arrival: time(&s.arrival, format!("{sp}.arrival"), &mut issues),
                start: time(&s.start, format!("{sp}.start"), &mut issues),
                end: time(&s.end, format!("{sp}.end"), &mut issues),
            };
            stops.push(StatedStop { stop, time: times });
        }
        routes.push(StatedRoute {
            tech,
            shift: route.shift,
            start: time(&route.start, format!("{path}.start"), &mut issues),
            end: time(&route.end, format!("{path}.end"), &mut issues),
            stops,
            lunch: route.lunch.as_ref().map(|b| {
                (
                    time(&b.start, format!("{path}.break.start"), &mut issues),
                    time(&b.end, format!("{path}.break.end"), &mut issues),
                )
            }),
        });
    }
    let mut unassigned = Vec::new();
    for (i, x) in dto.unassigned.iter().enumerate() {
        let path = format!("$.unassigned[{i}]");
        match (visits.get(x.id.as_str()), Reason::from_code(&x.reason)) {
            (Some(&v), Some(reason)) => unassigned.push((v, reason)),
            (None, _) => issues.push(Issue::new(
                "E202",
                format!("{path}.id"),
                format!("unknown visit `{}`", x.id),
                "use a visit id of the problem",
            )),
            (_, None) => issues.push(Issue::new(
                "E311",
                format!("{path}.reason"),
                format!("unknown reason `{}`", x.reason),
                "see the README's reason codes",
            )),
        }
    }
    if !issues.is_empty() {
        return Err(Error::invalid(source, issues));
    }
    let scale = problem.objective.cost_scale as f64;
    Ok(StatedPlan {
        routes,
        unassigned,
        cost: dto
            .kpis
            .as_ref()
            .map(|k| k.cost * scale)
            .filter(|c| c.is_finite() && c.abs() < 9e18)
            .map(|c| c.round() as Cost),
    })
}
