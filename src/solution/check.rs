//! The independent checker: recomputes every route of a plan from the problem alone and lists
//! every violation. It shares no code with the solver's schedule but the lateness formula.

use crate::error::Error;
use crate::model::{
    Cost, Hours, LocIdx, MAX_PART_TYPES, Problem, Shift, TechIdx, Technician, Time,
};

use super::kpis::Kpis;
use super::schedule::{self, StopTime};
use super::{Reason, Solution, Stop};

/// A stop of a plan with the times the plan states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatedStop {
    /// The stop.
    pub stop: Stop,
    /// Stated arrival, start and end.
    pub time: StopTime,
}

/// A route as a plan states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedRoute {
    /// The technician.
    pub tech: TechIdx,
    /// Index into the technician's shifts.
    pub shift: usize,
    /// Departure from the start location.
    pub start: Time,
    /// Return to the end location.
    pub end: Time,
    /// Stops with their times.
    pub stops: Vec<StatedStop>,
    /// Start and end of the break taken, if any.
    pub lunch: Option<(Time, Time)>,
}

/// A plan as written in a file: routes with times, unassigned visits, the stated cost.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatedPlan {
    /// Routes.
    pub routes: Vec<StatedRoute>,
    /// Visits left out, with the stated reason.
    pub unassigned: Vec<(crate::model::VisitIdx, Reason)>,
    /// The stated objective value, if any.
    pub cost: Option<Cost>,
}

impl StatedPlan {
    /// The plan of a solution, with times from the reference schedule.
    ///
    /// Fails with the index of a route the schedule rejects.
    pub fn from_solution(
        problem: &Problem,
        solution: &Solution,
    ) -> Result<Self, (usize, schedule::Violation)> {
        let mut routes = Vec::with_capacity(solution.routes.len());
        let mut times = Vec::new();
        let mut cost = super::cost::CostBreakdown::default();
        for (k, route) in solution.routes.iter().enumerate() {
            let summary = schedule::simulate(
                problem,
                route.tech,
                route.shift,
                route.stops.iter().copied(),
                Some(&mut times),
            )
            .map_err(|v| (k, v))?;
            cost.add(&super::cost::route_cost(
                problem,
                route.tech,
                &summary,
                route.stops.is_empty(),
            ));
            let timed = route.stops.iter().zip(&times);
            routes.push(StatedRoute {
                tech: route.tech,
                shift: route.shift,
                start: summary.departure,
                end: summary.back,
                stops: timed
                    .clone()
                    .filter(|(stop, _)| **stop != Stop::Break)
                    .map(|(&stop, &time)| StatedStop { stop, time })
                    .collect(),
                lunch: timed
                    .filter(|(stop, _)| **stop == Stop::Break)
                    .map(|(_, time)| (time.start, time.end))
                    .next(),
            });
        }
        cost.unassigned = super::cost::unassigned_cost(problem, &solution.unassigned);
        Ok(StatedPlan {
            routes,
            unassigned: solution
                .unassigned
                .iter()
                .map(|u| (u.visit, u.reason))
                .collect(),
            cost: Some(cost.total()),
        })
    }
}

/// One thing wrong with a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable code: `coverage`, `duplicate`, `eligibility`, `window`, `release`, `travel`,
    /// `duration`, `shift`, `working_time`, `weekly_working_time`, `break`, `excluded`,
    /// `capacity`, `tools`, `parts`, `depot`, `shift_reused`, `cost`, `precision` (a benchmark
    /// plan infeasible in its file's double-precision arithmetic), `unassigned_mandatory` (a
    /// warning).
    pub code: &'static str,
    /// Route index, when the finding is about a route.
    pub route: Option<usize>,
    /// Stop index in the route.
    pub stop: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The checker's verdict: violations, warnings and figures recomputed from the plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Broken constraints; the plan is feasible when there are none.
    pub violations: Vec<Finding>,
    /// Things a planner should know that break no constraint (mandatory visits left out).
    pub warnings: Vec<Finding>,
    /// Figures recomputed from the stated times.
    pub kpis: Kpis,
}

impl Report {
    /// Whether the plan breaks no constraint.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

struct Checker<'a> {
    problem: &'a Problem,
    report: Report,
}

impl Checker<'_> {
    fn flag(
        &mut self,
        code: &'static str,
        route: Option<usize>,
        stop: Option<usize>,
        message: String,
    ) {
        self.report.violations.push(Finding {
            code,
            route,
            stop,
            message,
        });
    }
}

/// Checks a stated plan against the problem.
pub fn check(problem: &Problem, plan: &StatedPlan) -> Report {
    let mut c = Checker {
        problem,
        report: Report {
            kpis: Kpis::new(problem),
            ..Report::default()
        },
    };
    let mut seen = vec![0u32; problem.visits.len()];
    let mut used_shift = std::collections::HashSet::new();
    let mut used_tech = std::collections::HashSet::new();
    for (r, route) in plan.routes.iter().enumerate() {
        if !used_shift.insert((route.tech, route.shift)) {
            c.flag(
                "shift_reused",
                Some(r),
                None,
                format!(
                    "technician {} shift {} has more than one route",
                    problem.tech(route.tech).id,
                    route.shift
                ),
            );
        }
        if !route.stops.is_empty() {
            used_tech.insert(route.tech);
            c.report.kpis.routes += 1;
        }
        check_route(&mut c, r, route, &mut seen);
    }
    c.report.kpis.technicians_used = used_tech
        .iter()
        .filter_map(|t: &TechIdx| problem.technicians.get(t.get()))
        .map(Technician::size)
        .sum();
    check_weeks(&mut c, plan);
    let real = super::precision::check(problem, &plan.routes);
    c.report.violations.extend(real);
    for &(v, _) in &plan.unassigned {
        seen[v.get()] += 1;
        let visit = problem.visit(v);
        c.report
            .kpis
            .record_unassigned(problem, visit, problem.leave_out_cost(v));
        if visit.is_mandatory() {
            c.report.warnings.push(Finding {
                code: "unassigned_mandatory",
                route: None,
                stop: None,
                message: format!("mandatory visit {} is left out", visit.id),
            });
        }
    }
    for (v, &n) in seen.iter().enumerate() {
        let id = &problem.visits[v].id;
        match n {
            0 => c.flag(
                "coverage",
                None,
                None,
                format!("visit {id} is neither in a route nor unassigned"),
            ),
            1 => {}
            n => c.flag(
                "duplicate",
                None,
                None,
                format!("visit {id} appears {n} times"),
            ),
        }
    }
    if let Some(stated) = plan.cost {
        let found = c.report.kpis.cost.total();
        if stated.abs_diff(found) > 1.max(found.unsigned_abs() / 1_000_000_000_000) {
            c.flag(
                "cost",
                None,
                None,
                format!(
                    "the plan states cost {} but its routes cost {}",
                    problem.show_cost(stated),
                    problem.show_cost(found)
                ),
            );
        }
    }
    c.report
}

/// Weekly working-time caps: the working time of each technician's routes in one calendar week.
fn check_weeks(c: &mut Checker<'_>, plan: &StatedPlan) {
    let mut worked: std::collections::BTreeMap<(usize, i32), Time> = Default::default();
    for route in plan.routes.iter().filter(|r| !r.stops.is_empty()) {
        let Some(tech) = c.problem.technicians.get(route.tech.get()) else {
            continue;
        };
        if let (Some(_), Some(shift)) = (tech.hours.max_weekly, tech.shifts.get(route.shift)) {
            *worked.entry((route.tech.get(), shift.week)).or_default() += route.end - route.start;
        }
    }
    for ((t, week), time) in worked {
        let tech = &c.problem.technicians[t];
        if let Some(cap) = tech.hours.max_weekly.filter(|&cap| time > cap) {
            c.flag(
                "weekly_working_time",
                None,
                None,
                format!(
                    "{} works {} in week {week}, more than the weekly cap of {}",
                    tech.id,
                    c.problem.show_duration(time),
                    c.problem.show_duration(cap)
                ),
            );
        }
    }
}

fn check_route(c: &mut Checker<'_>, r: usize, route: &StatedRoute, seen: &mut [u32]) {
    let p = c.problem;
    let Some(tech) = p.technicians.get(route.tech.get()) else {
        c.flag("shift", Some(r), None, "unknown technician".into());
        return;
    };
    let Some(shift) = tech.shifts.get(route.shift) else {
        c.flag(
            "shift",
            Some(r),
            None,
            format!("technician {} has no shift {}", tech.id, route.shift),
        );
        return;
    };
    if route.stops.is_empty() {
        return;
    }
    if route.start < shift.start {
        c.flag(
            "shift",
            Some(r),
            None,
            format!(
                "{} leaves at {}, before the shift starts at {}",
                tech.id,
                p.show_time(route.start),
                p.show_time(shift.start)
            ),
        );
    }
    let mut at: LocIdx = tech.start;
    let mut now = route.start;
    let mut load = 0i64;
    let mut tools = tech.tools;
    let mut parts = [0i64; MAX_PART_TYPES];
    parts[..tech.parts.len()].copy_from_slice(&tech.parts);
    let mut distance = 0i64;
    let mut travel = 0i64;
    let mut lateness: Cost = 0;
    let mut preference: Cost = 0;
    let mut change: Cost = 0;
    for (k, s) in route.stops.iter().enumerate() {
        let here = match s.stop {
            Stop::Visit(v) => p.visit(v).loc,
            Stop::Restock => match &p.depot {
                Some(d) => d.loc,
                None => {
                    c.flag(
                        "depot",
                        Some(r),
                        Some(k),
                        "restock stop but the problem has no depot".into(),
                    );
                    continue;
                }
            },
            Stop::Break => at,
        };
        let drive = p.travel.time(at, here);
        if s.time.arrival < now + drive {
            c.flag(
                "travel",
                Some(r),
                Some(k),
                format!(
                    "{} arrives at {} but cannot be there before {}",
                    tech.id,
                    p.show_time(s.time.arrival),
                    p.show_time(now + drive)
                ),
            );
        }
        if s.time.start < s.time.arrival {
            c.flag("travel", Some(r), Some(k), "starts before arriving".into());
        }
        distance += p.travel.distance(at, here);
        travel += drive;
        match s.stop {
            Stop::Visit(v) => {
                seen[v.get()] += 1;
                let visit = p.visit(v);
                let id = &visit.id;
                if !tech.holds_levels(visit) {
                    c.flag("eligibility", Some(r), Some(k), lacking(p, tech, visit));
                }
                if visit.preferences.excluded.contains(&route.tech) {
                    c.flag(
                        "excluded",
                        Some(r),
                        Some(k),
                        format!("{} is excluded from visit {id}", tech.id),
                    );
                }
                preference =
                    preference.saturating_add(visit.preferences.preference_cost(route.tech));
                change = change.saturating_add(visit.preferences.change_cost(route.tech));
                let start = s.time.start;
                if !visit.windows.is_empty()
                    && !visit
                        .windows
                        .iter()
                        .any(|w| w.start <= start && start <= w.end)
                {
                    c.flag(
                        "window",
                        Some(r),
                        Some(k),
                        format!(
                            "visit {id} starts at {}, outside its windows ({})",
                            p.show_time(start),
                            visit
                                .windows
                                .iter()
                                .map(|w| format!(
                                    "{} to {}",
                                    p.show_time(w.start),
                                    p.show_time(w.end)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                if visit.release.is_some_and(|rel| start < rel) {
                    c.flag(
                        "release",
                        Some(r),
                        Some(k),
                        format!(
                            "visit {id} starts at {}, before it was requested at {}",
                            p.show_time(start),
                            visit.release.map_or(String::new(), |t| p.show_time(t))
                        ),
                    );
                }
                let needs = p.duration(route.tech, v);
                if s.time.end - start < needs {
                    c.flag(
                        "duration",
                        Some(r),
                        Some(k),
                        format!(
                            "visit {id} lasts {} but {} needs {}",
                            p.show_duration(s.time.end - start),
                            tech.id,
                            p.show_duration(needs)
                        ),
                    );
                }
                load += visit.demand;
                if tech.capacity.is_some_and(|cap| load > cap) {
                    c.flag(
                        "capacity",
                        Some(r),
                        Some(k),
                        format!("load {load} exceeds the capacity at visit {id}"),
                    );
                }
                if visit.tools & !tools != 0 {
                    c.flag(
                        "tools",
                        Some(r),
                        Some(k),
                        format!("{} lacks a tool visit {id} needs", tech.id),
                    );
                }
                for (t, (have, need)) in parts.iter_mut().zip(&visit.parts).enumerate() {
                    *have -= need;
                    if *have < 0 {
                        c.flag(
                            "parts",
                            Some(r),
                            Some(k),
                            format!("{} runs out of spare part {t} at visit {id}", tech.id),
                        );
                    }
                }
                let (_, penalty, _) = schedule::lateness(p, visit, start);
                lateness = lateness.saturating_add(penalty);
                c.report.kpis.record_visit(p, visit, start);
            }
            Stop::Restock => {
                tools = u64::MAX;
                parts = [i64::MAX / 4; MAX_PART_TYPES];
            }
            Stop::Break => {}
        }
        now = s.time.end;
        at = here;
    }
    let home = p.travel.time(at, tech.end);
    distance += p.travel.distance(at, tech.end);
    travel += home;
    if route.end < now + home {
        c.flag(
            "travel",
            Some(r),
            None,
            format!(
                "{} cannot be home by {}: the drive from the last stop ends at {}",
                tech.id,
                p.show_time(route.end),
                p.show_time(now + home)
            ),
        );
    }
    if route.end > shift.end + tech.hours.overtime {
        c.flag(
            "shift",
            Some(r),
            None,
            format!(
                "{} is back at {}, after the shift ends at {} (overtime allowed: {})",
                tech.id,
                p.show_time(route.end),
                p.show_time(shift.end),
                p.show_duration(tech.hours.overtime)
            ),
        );
    }
    if let Some(cap) = tech
        .hours
        .max_working
        .filter(|&cap| route.end - route.start > cap)
    {
        c.flag(
            "working_time",
            Some(r),
            None,
            format!(
                "{} works {} in one shift, more than the cap of {}",
                tech.id,
                p.show_duration(route.end - route.start),
                p.show_duration(cap)
            ),
        );
    }
    let overtime = Hours::overtime(*shift, route.end);
    check_break(c, r, route, tech, *shift);
    let k = &mut c.report.kpis;
    k.distance += distance;
    k.travel_time += travel;
    k.working_time += route.end - route.start;
    k.cost.fixed = k.cost.fixed.saturating_add(tech.fixed_cost);
    k.cost.working = k
        .cost
        .working
        .saturating_add(tech.work_rate.apply(route.end - route.start));
    k.cost.distance = k.cost.distance.saturating_add(
        p.objective
            .distance
            .apply(distance)
            .saturating_mul(tech.distance_factor),
    );
    k.cost.lateness = k.cost.lateness.saturating_add(lateness);
    k.cost.overtime = k
        .cost
        .overtime
        .saturating_add(tech.hours.overtime_rate.apply(overtime));
    k.cost.preference = k.cost.preference.saturating_add(preference);
    k.cost.change = k.cost.change.saturating_add(change);
    k.overtime += overtime;
}

/// The break of a route: taken when owed, within its window, long enough, and in a gap of
/// the route that leaves time for the drive.
fn check_break(
    c: &mut Checker<'_>,
    r: usize,
    route: &StatedRoute,
    tech: &Technician,
    shift: Shift,
) {
    let Some(b) = shift.lunch else {
        return;
    };
    let p = c.problem;
    let last_end = route.stops.last().map_or(route.start, |s| s.time.end);
    let Some((from, to)) = route.lunch else {
        if b.is_owed(route.start, last_end) {
            c.flag(
                "break",
                Some(r),
                None,
                format!(
                    "{} works past {} but takes no break",
                    tech.id,
                    p.show_time(b.start)
                ),
            );
        }
        return;
    };
    if from < b.start || from > b.end {
        c.flag(
            "break",
            Some(r),
            None,
            format!(
                "the break starts at {}, outside {} to {}",
                p.show_time(from),
                p.show_time(b.start),
                p.show_time(b.end)
            ),
        );
    }
    if to - from < b.duration {
        c.flag(
            "break",
            Some(r),
            None,
            format!(
                "the break lasts {} but must last {}",
                p.show_duration(to - from),
                p.show_duration(b.duration)
            ),
        );
    }
    let places = route
        .stops
        .iter()
        .filter(|s| s.stop != Stop::Break)
        .map(|s| {
            let loc = match s.stop {
                Stop::Visit(v) => p.visit(v).loc,
                _ => p.depot.as_ref().map_or(tech.end, |d| d.loc),
            };
            (loc, s.time.start, s.time.end)
        });
    let mut gap_from = (tech.start, route.start);
    let fits = places
        .chain(std::iter::once((tech.end, route.end, route.end)))
        .any(|(loc, start, end)| {
            let (at, free) = gap_from;
            gap_from = (loc, end);
            free <= from && to <= start && start - free >= p.travel.time(at, loc) + (to - from)
        });
    if !fits {
        c.flag(
            "break",
            Some(r),
            None,
            format!(
                "the break {} to {} overlaps service or the drive between stops",
                p.show_time(from),
                p.show_time(to)
            ),
        );
    }
}

/// Why `tech` may not do `visit`, naming the skill and levels: `david holds hvac 2,
/// R-1001 needs hvac 3`, or the crew size or count that falls short.
fn lacking(problem: &Problem, tech: &Technician, visit: &crate::model::Visit) -> String {
    let id = &visit.id;
    if tech.size() < usize::from(visit.crew_size) {
        return format!(
            "{} has {} technicians, visit {id} needs {} together",
            tech.id,
            tech.size(),
            visit.crew_size
        );
    }
    let short = visit
        .requires
        .iter()
        .find(|r| tech.holding(r.skill, r.level) < usize::from(r.count));
    let Some(r) = short else {
        return format!("{} may not do visit {id}", tech.id);
    };
    let skill = problem
        .skills
        .get(r.skill.get())
        .map_or("a skill", |s| s.name.as_str());
    if r.count > 1 {
        return format!(
            "{} has {} members holding {skill} {}, visit {id} needs {}",
            tech.id,
            tech.holding(r.skill, r.level),
            r.level,
            r.count
        );
    }
    let held = tech.level(r.skill);
    let holds = if held == 0 {
        format!("does not hold {skill}")
    } else {
        format!("holds {skill} {held}")
    };
    format!("{} {holds}, visit {id} needs {skill} {}", tech.id, r.level)
}

/// The stated plan of a solution (times from the reference schedule) and the checker's report
/// on it; a plan the checker rejects is a solver bug, reported as an error.
pub fn check_solution(
    problem: &Problem,
    solution: &Solution,
) -> Result<(StatedPlan, Report), Error> {
    let stated = stated_plan(problem, solution)?;
    let report = check_own(problem, &stated)?;
    Ok((stated, report))
}

/// [`StatedPlan::from_solution`], a route the reference schedule rejects reported as a bug.
pub fn stated_plan(problem: &Problem, solution: &Solution) -> Result<StatedPlan, Error> {
    StatedPlan::from_solution(problem, solution)
        .map_err(|(r, v)| Error::Internal(format!("route {r} is infeasible ({v:?})")))
}

/// The checker's report on a plan the library made; one that breaks a constraint is a bug,
/// reported as an error.
pub fn check_own(problem: &Problem, plan: &StatedPlan) -> Result<Report, Error> {
    let report = check(problem, plan);
    if !report.is_feasible() {
        let list: Vec<String> = report
            .violations
            .iter()
            .map(|f| format!("[{}] {}", f.code, f.message))
            .collect();
        return Err(Error::Internal(format!(
            "the plan fails the checker: {}",
            list.join("; ")
        )));
    }
    Ok(report)
}
