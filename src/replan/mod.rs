//! Re-planning during the day: events since the current plan (a new urgent visit, a
//! technician off, a visit running late, a cancellation) turn the problem into the problem as it
//! stands now, which is solved from the current plan with a cost on every change.
//!
//! The problem as it stands now is an ordinary native problem, so `check` can verify the new
//! plan against it:
//! - work started before `now` is pinned: its visit keeps its technician and start (a window of
//!   one instant, every other technician excluded) and stays mandatory;
//! - the visit a technician is driving to (the first not started, when the technician was free
//!   before `now`) is dispatched: it keeps its technician;
//! - nothing else starts before `now`: windows are cut at `now`, shifts without started work
//!   begin at `now`, and shifts that are over are dropped;
//! - a technician off from `from` (to `until`) keeps the shifts before, finishes started work
//!   and goes home, and loses the shifts within;
//! - every other visit of the current plan names its technician (`assigned_technician`); giving
//!   it to someone else costs `change_penalty`;
//! - a weekly working-time cap is lowered by the work of the current plan in the shifts of
//!   `now`'s week that are over (the format has one cap per technician, so later weeks of the
//!   horizon are held to the lowered cap too).

mod past;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Issue, Result};
use crate::io::native::{self, ProblemDto, ShiftDto, VisitDto, WindowDto};
use crate::io::plan::ChangeDto;
use crate::io::time::{
    format_duration, format_timestamp, parse_duration, parse_timestamp, week_of,
};
use crate::model::{Clock, Problem, Time};
use crate::solution::check::{self, StatedPlan};
use crate::solution::{Route, Stop};

/// What happened since the current plan was made.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventsDto {
    /// The moment of re-planning (RFC 3339): work started before it stays as it is.
    pub now: String,
    /// Cost of giving a visit of the current plan to another technician.
    #[serde(default = "default_change")]
    pub change_penalty: f64,
    /// The events, in any order.
    #[serde(default)]
    pub events: Vec<EventDto>,
}

fn default_change() -> f64 {
    30.0
}

/// One event.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventDto {
    /// A new visit, e.g. an urgent call.
    NewVisit {
        /// The visit, as in the problem.
        visit: Box<VisitDto>,
    },
    /// A visit called off.
    Cancelled {
        /// Its id.
        visit: String,
    },
    /// A visit that takes longer than planned.
    RunningLate {
        /// Its id.
        visit: String,
        /// How much longer (ISO 8601).
        extra: String,
    },
    /// A technician off work, e.g. sick.
    Absent {
        /// Their id.
        technician: String,
        /// From (RFC 3339).
        from: String,
        /// Until (RFC 3339); the end of the horizon when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<String>,
    },
}

/// Reads an events file (`source` names it in errors).
pub fn parse_events(bytes: &[u8], source: &str) -> Result<EventsDto> {
    crate::io::json_document(
        bytes,
        source,
        "see `fieldsched schema events` for the shape of an events file",
    )
}

/// The JSON Schema of events files.
pub fn events_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(EventsDto)).unwrap_or(serde_json::Value::Null)
}

/// Where a visit was in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placed {
    technician: String,
    start: DateTime<FixedOffset>,
}

/// The problem as it stands now, the current plan's routes that still hold, and what the
/// current plan did, to report changes against.
pub struct Replan {
    /// The problem as it stands now.
    pub problem: ProblemDto,
    /// The current plan's routes, in the indices of the problem as it stands now.
    pub start: Vec<Route>,
    before: HashMap<String, Placed>,
    /// The visits added by events, with the index of their event.
    added: HashMap<String, usize>,
    cancelled: Vec<String>,
    past: past::Past,
}

/// Converts between RFC 3339 times and ticks after the horizon start.
struct Horizon(DateTime<FixedOffset>);

impl Horizon {
    /// Ticks after the start of an RFC 3339 time, if it is one.
    fn ticks(&self, text: &str) -> Option<Time> {
        parse_timestamp(text)
            .ok()
            .map(|t| (t - self.0).num_seconds())
    }

    /// The RFC 3339 time `t` ticks after the start.
    fn at(&self, t: Time) -> String {
        format_timestamp(&self.0, t)
    }
}

/// Far enough ahead to stand for "no later bound" in a window: a year.
const YEAR: Time = 366 * 86_400;

/// The horizon start of a native problem.
fn origin(problem: &Problem) -> DateTime<FixedOffset> {
    match problem.clock {
        Clock::Calendar { origin } => origin,
        Clock::Numeric { .. } => DateTime::UNIX_EPOCH.fixed_offset(),
    }
}

/// Applies `events` to `dto` with its current `plan` (`source` names the events in errors).
pub fn prepare(
    dto: &ProblemDto,
    current: &Problem,
    plan: &StatedPlan,
    events: &EventsDto,
    source: &str,
) -> Result<Replan> {
    let origin = origin(current);
    let horizon = Horizon(origin);
    let at = |t: Time| horizon.at(t);
    let mut issues = Vec::new();
    let time = |text: &str, path: String, issues: &mut Vec<Issue>| match parse_timestamp(text) {
        Ok(t) => Some((t - origin).num_seconds()),
        Err(e) => {
            issues.push(Issue::new("E301", path, e, "write an RFC 3339 time"));
            None
        }
    };
    let now = time(&events.now, "$.now".into(), &mut issues).unwrap_or(0);
    if !dto.crews.is_empty() {
        issues.push(Issue::new(
            "E314",
            "$.crews",
            "re-planning does not take crews yet",
            "solve the problem as it stands again with `solve`",
        ));
    }
    // Below the cost of leaving a visit out, so started work is never given up for fewer changes.
    let most = dto.objective.unassigned_penalty;
    if !(events.change_penalty.is_finite() && (0.0..most).contains(&events.change_penalty)) {
        issues.push(Issue::new(
            "E304",
            "$.change_penalty",
            format!(
                "{} is not from 0 to the unassigned penalty ({most})",
                events.change_penalty
            ),
            "a change must cost less than leaving a visit out",
        ));
    }
    let mut problem = dto.clone();
    problem.objective.change_penalty = events.change_penalty;
    let mut added = HashMap::new();
    let mut cancelled = Vec::new();
    let mut longer: HashMap<String, Time> = HashMap::new();
    let mut absent: HashMap<String, (Time, Time)> = HashMap::new();
    for (k, event) in events.events.iter().enumerate() {
        let path = format!("$.events[{k}]");
        let find = |visits: &[VisitDto], id: &str, issues: &mut Vec<Issue>| {
            let found = visits.iter().position(|v| v.id == id);
            if found.is_none() {
                issues.push(Issue::new(
                    "E202",
                    format!("{path}.visit"),
                    format!("unknown visit `{id}`"),
                    "name a visit of the problem",
                ));
            }
            found
        };
        match event {
            EventDto::NewVisit { visit } => {
                added.insert(visit.id.clone(), k);
                problem.visits.push(visit.as_ref().clone());
            }
            EventDto::Cancelled { visit } => {
                if let Some(i) = find(&problem.visits, visit, &mut issues) {
                    cancelled.push(problem.visits.remove(i).id);
                }
            }
            EventDto::RunningLate { visit, extra } => {
                let Some(i) = find(&problem.visits, visit, &mut issues) else {
                    continue;
                };
                match (
                    parse_duration(&problem.visits[i].duration),
                    parse_duration(extra),
                ) {
                    (Ok(d), Ok(e)) => {
                        problem.visits[i].duration = format_duration(d + e);
                        *longer.entry(visit.clone()).or_default() += e;
                    }
                    (_, Err(e)) => issues.push(Issue::new(
                        "E302",
                        format!("{path}.extra"),
                        e,
                        "write an ISO 8601 duration such as PT30M",
                    )),
                    // The problem's own error is reported when it is read.
                    (Err(_), Ok(_)) => {}
                }
            }
            EventDto::Absent {
                technician,
                from,
                until,
            } => {
                if !problem.technicians.iter().any(|t| &t.id == technician) {
                    issues.push(Issue::new(
                        "E202",
                        format!("{path}.technician"),
                        format!("unknown technician `{technician}`"),
                        "name a technician of the problem",
                    ));
                }
                let from = time(from, format!("{path}.from"), &mut issues).unwrap_or(0);
                let until = match until {
                    Some(u) => time(u, format!("{path}.until"), &mut issues).unwrap_or(0),
                    None => Time::MAX / 4,
                };
                absent.insert(technician.clone(), (from, until));
            }
        }
    }
    if !issues.is_empty() {
        return Err(Error::invalid(source, issues));
    }

    // What the current plan does, what has started and what is under way.
    let mut before = HashMap::new();
    let mut started: HashMap<String, (String, Time)> = HashMap::new();
    let mut dispatched: HashMap<String, String> = HashMap::new();
    // Per technician and shift: when started work is over and the technician is home.
    let mut busy_until: HashMap<(String, usize), Time> = HashMap::new();
    for route in &plan.routes {
        let tech = current.tech(route.tech);
        let mut free = route.start;
        let mut at_loc = tech.start;
        let mut next_open = true;
        for stop in &route.stops {
            let loc = match stop.stop {
                Stop::Visit(v) => current.visit(v).loc,
                Stop::Restock => current.depot.as_ref().map_or(at_loc, |d| d.loc),
                Stop::Break => at_loc,
            };
            if let Stop::Visit(v) = stop.stop {
                let id = current.visit(v).id.clone();
                before.insert(
                    id.clone(),
                    Placed {
                        technician: tech.id.clone(),
                        start: origin + chrono::Duration::seconds(stop.time.start),
                    },
                );
                if longer.contains_key(&id) && stop.time.end <= now {
                    issues.push(Issue::new(
                        "E313",
                        "$.events",
                        format!("visit `{id}` runs late but was done by `now` in the current plan"),
                        "only work not finished at `now` can run late",
                    ));
                }
                if stop.time.start < now {
                    let end = stop.time.end + longer.get(&id).copied().unwrap_or(0);
                    started.insert(id, (tech.id.clone(), stop.time.start));
                    let home = end + current.travel.time(loc, tech.end);
                    busy_until.insert((tech.id.clone(), route.shift), home);
                } else if next_open && free <= now {
                    dispatched.insert(id, tech.id.clone());
                    next_open = false;
                } else {
                    next_open = false;
                }
            }
            free = stop.time.end;
            at_loc = loc;
        }
    }

    if !issues.is_empty() {
        return Err(Error::invalid(source, issues));
    }

    // Shifts: cut by absences, closed before `now`, dropped when nothing is left of them.
    let mut remap: HashMap<String, Vec<Option<usize>>> = HashMap::new();
    for tech in &mut problem.technicians {
        let mut kept = Vec::new();
        let mut map = Vec::new();
        for (k, shift) in tech.shifts.iter().enumerate() {
            let (Some(start), Some(end)) = (horizon.ticks(&shift.start), horizon.ticks(&shift.end))
            else {
                // Left as it is: reading the problem reports it.
                map.push(Some(kept.len()));
                kept.push(shift.clone());
                continue;
            };
            let busy = busy_until.get(&(tech.id.clone(), k)).copied();
            let mut span = (start, end);
            if let Some(&(from, until)) = absent.get(&tech.id) {
                if start < until && end > from {
                    span.1 = from.max(busy.unwrap_or(Time::MIN)).min(end);
                }
            }
            if busy.is_none() {
                span.0 = span.0.max(now);
            }
            if span.1 <= span.0 {
                map.push(None);
                continue;
            }
            map.push(Some(kept.len()));
            kept.push(cut_shift(shift, span, &horizon));
        }
        tech.shifts = kept;
        remap.insert(tech.id.clone(), map);
    }
    lower_weekly_caps(&mut problem, current, plan, now, &horizon);

    // Technicians off from now on for all their remaining shifts take no new work at all
    // (what is left of their shifts is the started work).
    let gone: Vec<String> = problem
        .technicians
        .iter()
        .filter(|t| {
            absent.get(&t.id).is_some_and(|&(from, until)| {
                from <= now
                    && t.shifts
                        .iter()
                        .all(|s| horizon.ticks(&s.end).is_some_and(|e| e <= until))
            })
        })
        .map(|t| t.id.clone())
        .collect();

    // Visits: started ones pinned, dispatched ones kept with their technician, the rest after
    // `now` and preferably where they were.
    let technicians: Vec<String> = problem.technicians.iter().map(|t| t.id.clone()).collect();
    let others = |keep: &str| -> Vec<String> {
        technicians.iter().filter(|t| *t != keep).cloned().collect()
    };
    for visit in &mut problem.visits {
        if let Some((tech, start)) = started.get(&visit.id) {
            visit.windows = vec![WindowDto {
                start: at(*start),
                end: at(*start),
            }];
            visit.excluded_technicians = others(tech);
            visit.optional = false;
            visit.penalty = None;
            continue;
        }
        if let Some(tech) = dispatched.get(&visit.id) {
            let off = absent.get(tech).is_some_and(|&(from, _)| from <= now);
            if !off {
                visit.excluded_technicians = others(tech);
            }
        }
        after_now(visit, now, &horizon);
        // Work of an absent technician has to move: no cost for that.
        visit.assigned_technician = before
            .get(&visit.id)
            .map(|p| p.technician.clone())
            .filter(|t| !absent.contains_key(t));
        for tech in &gone {
            if !visit.excluded_technicians.contains(tech) {
                visit.excluded_technicians.push(tech.clone());
            }
        }
    }

    // The current routes, as far as they still hold.
    let ids: HashMap<&str, u32> = problem
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i as u32))
        .collect();
    let start = plan
        .routes
        .iter()
        .filter_map(|route| {
            let tech = &current.tech(route.tech).id;
            let shift = remap.get(tech)?.get(route.shift).copied().flatten()?;
            let off = absent.contains_key(tech);
            let stops = route
                .stops
                .iter()
                .filter_map(|s| match s.stop {
                    Stop::Visit(v) => {
                        let id = current.visit(v).id.as_str();
                        let keep = !off || started.contains_key(id);
                        let v = ids.get(id).filter(|_| keep)?;
                        Some(Stop::Visit(crate::model::VisitIdx(*v)))
                    }
                    other => Some(other),
                })
                .collect();
            Some(Route {
                tech: route.tech,
                shift,
                stops,
            })
        })
        .collect();
    let past = past::Past::record(current, plan, now, |tech, shift| {
        remap.get(tech)?.get(shift).copied().flatten()
    });
    Ok(Replan {
        problem,
        start,
        before,
        added,
        cancelled,
        past,
    })
}

/// Lowers each weekly working-time cap by the work the current `plan` did in the shifts of
/// `now`'s week that ended by `now`.
fn lower_weekly_caps(
    problem: &mut ProblemDto,
    current: &Problem,
    plan: &StatedPlan,
    now: Time,
    horizon: &Horizon,
) {
    let week = week_of(&horizon.0, now);
    let mut worked: HashMap<&str, Time> = HashMap::new();
    for route in plan.routes.iter().filter(|r| !r.stops.is_empty()) {
        let tech = current.tech(route.tech);
        let shift = tech.shifts[route.shift];
        if shift.week == week && shift.end <= now && tech.hours.max_weekly.is_some() {
            *worked.entry(tech.id.as_str()).or_default() += route.end - route.start;
        }
    }
    for tech in &mut problem.technicians {
        let Some(done) = worked.get(tech.id.as_str()) else {
            continue;
        };
        let cap = tech.max_weekly_working_time.as_deref().map(parse_duration);
        if let Some(Ok(cap)) = cap {
            tech.max_weekly_working_time = Some(format_duration((cap - done).max(0)));
        }
    }
}

/// `shift` cut to `span`, its break cut to match (or dropped when none of it is left).
fn cut_shift(shift: &ShiftDto, (start, end): (Time, Time), horizon: &Horizon) -> ShiftDto {
    let lunch = shift.lunch.as_ref().and_then(|b| {
        let (Some(from), Some(to)) = (horizon.ticks(&b.earliest), horizon.ticks(&b.latest)) else {
            return Some(b.clone());
        };
        let (from, to) = (from.max(start), to.min(end));
        (from <= to).then(|| native::BreakDto {
            earliest: horizon.at(from),
            latest: horizon.at(to),
            duration: b.duration.clone(),
        })
    });
    ShiftDto {
        start: horizon.at(start),
        end: horizon.at(end),
        lunch,
    }
}

/// Cuts the windows of `visit` at `now` (a visit without windows gets one from `now`); a
/// visit whose windows are all over keeps them, so it is reported as unreachable.
fn after_now(visit: &mut VisitDto, now: Time, horizon: &Horizon) {
    if visit.windows.is_empty() {
        visit.windows = vec![WindowDto {
            start: horizon.at(now),
            end: horizon.at(now + YEAR),
        }];
        return;
    }
    let open: Vec<WindowDto> = visit
        .windows
        .iter()
        .filter_map(|w| match (horizon.ticks(&w.start), horizon.ticks(&w.end)) {
            (Some(from), Some(to)) if to >= now => Some(WindowDto {
                start: horizon.at(from.max(now)),
                end: w.end.clone(),
            }),
            (Some(_), Some(_)) => None,
            _ => Some(w.clone()),
        })
        .collect();
    if !open.is_empty() {
        visit.windows = open;
    }
}

/// The outcome of re-planning.
pub struct Replanned {
    /// The problem as it stands now (what `check` verifies the plan against).
    pub problem: ProblemDto,
    /// The new plan file, with its changes.
    pub plan: crate::io::plan::PlanDto,
    /// The checker's report on the new plan.
    pub report: crate::solution::check::Report,
    /// The problem as it stands now, validated.
    pub model: Problem,
}

/// Where the inputs of a re-planning come from, for error messages.
pub struct Sources<'a> {
    /// The problem file.
    pub problem: &'a str,
    /// The current plan file.
    pub plan: &'a str,
    /// The events file.
    pub events: &'a str,
}

/// Re-plans `problem` (native) with its `current` plan after `events`: the problem as it
/// stands now, solved from the current plan as `config` says, checked, with its changes.
pub fn replan(
    problem: &ProblemDto,
    current: &crate::io::plan::PlanDto,
    events: &EventsDto,
    sources: &Sources<'_>,
    config: &crate::SolverConfig,
    progress: &(dyn Fn(&crate::Progress) + Sync),
    cancel: &crate::Cancel,
) -> Result<Replanned> {
    let before = native::to_problem(problem, sources.problem)?;
    let stated = crate::io::plan::resolve(current, sources.plan, &before)?;
    let prepared = prepare(problem, &before, &stated, events, sources.events)?;
    let now = native::to_problem(&prepared.problem, "the problem as it stands now")
        .map_err(|e| prepared.in_events(e, sources.events))?;
    let solution = crate::solver::solve_from(&now, config, &prepared.start, progress, cancel)?;
    let mut stated = check::stated_plan(&now, &solution)?;
    // The search may time the past anew; what happened before `now` is put back as it was,
    // and the plan checked as it then stands (its cost with the past's times).
    prepared.past.restore(&now, &mut stated);
    stated.cost = None;
    let report = check::check_own(&now, &stated)?;
    stated.cost = Some(report.kpis.cost.total());
    let mut plan = crate::io::plan::to_dto(&now, &solution, &stated, &report);
    plan.changes = changes(&prepared, &now, &stated);
    Ok(Replanned {
        problem: prepared.problem,
        plan,
        report,
        model: now,
    })
}

impl Replan {
    /// An error of the problem as it stands, with the issues of added visits placed in their
    /// events (`$.events[2].visit.site`, not `$.visits[26].site`) and named by the events file.
    fn in_events(&self, error: Error, events: &str) -> Error {
        let Error::Invalid {
            issues,
            source_name,
        } = error
        else {
            return error;
        };
        let mut moved = false;
        let issues = issues
            .into_iter()
            .map(|mut issue| {
                let place = issue
                    .location
                    .strip_prefix("$.visits[")
                    .and_then(|rest| rest.split_once(']'))
                    .and_then(|(i, rest)| {
                        let visit = self.problem.visits.get(i.parse::<usize>().ok()?)?;
                        Some((*self.added.get(&visit.id)?, rest.to_string()))
                    });
                if let Some((k, rest)) = place {
                    issue.location = format!("$.events[{k}].visit{rest}");
                    moved = true;
                }
                issue
            })
            .collect();
        let source_name = if moved {
            events.to_string()
        } else {
            source_name
        };
        Error::Invalid {
            source_name,
            issues,
        }
    }
}

/// What changed from the current plan to `plan` of `problem` (the problem as it stands now).
pub fn changes(replan: &Replan, problem: &Problem, plan: &StatedPlan) -> Vec<ChangeDto> {
    let origin = origin(problem);
    let show = |t: &DateTime<FixedOffset>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let mut after: HashMap<&str, Placed> = HashMap::new();
    for route in &plan.routes {
        for stop in &route.stops {
            if let Stop::Visit(v) = stop.stop {
                after.insert(
                    &problem.visit(v).id,
                    Placed {
                        technician: problem.tech(route.tech).id.clone(),
                        start: origin + chrono::Duration::seconds(stop.time.start),
                    },
                );
            }
        }
    }
    let mut out: Vec<ChangeDto> = replan
        .cancelled
        .iter()
        .map(|id| ChangeDto {
            visit: id.clone(),
            change: "cancelled".into(),
            from_technician: replan.before.get(id).map(|p| p.technician.clone()),
            to_technician: None,
            from_start: replan.before.get(id).map(|p| show(&p.start)),
            to_start: None,
        })
        .collect();
    for visit in &problem.visits {
        let (old, new) = (replan.before.get(&visit.id), after.get(visit.id.as_str()));
        let change = match (old, new) {
            _ if replan.added.contains_key(&visit.id) => "added",
            (Some(o), Some(n)) if o.technician != n.technician => "moved",
            (Some(o), Some(n)) if (o.start - n.start).num_seconds().abs() >= 60 => "retimed",
            (Some(_), None) => "dropped",
            (None, Some(_)) => "assigned",
            _ => continue,
        };
        out.push(ChangeDto {
            visit: visit.id.clone(),
            change: change.into(),
            from_technician: old.map(|p| p.technician.clone()),
            to_technician: new.map(|p| p.technician.clone()),
            from_start: old.map(|p| show(&p.start)),
            to_start: new.map(|p| show(&p.start)),
        });
    }
    out
}
