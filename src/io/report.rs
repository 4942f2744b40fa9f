//! The plan as one self-contained HTML page for dispatchers: a Gantt chart of every route, a
//! map of the routes, the key figures, the figures per technician and the visits left out. The
//! page needs no network: styles are inline and both charts are SVG drawn here.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::Timelike;

use crate::model::{Clock, Coord, LocIdx, Problem, Time};
use crate::solution::Stop;
use crate::solution::check::{Report, StatedPlan, StatedRoute};

use super::export::route_locations;
use super::plan::{PlanDto, Units};

/// Width of the charts' drawing area, in pixels.
const WIDTH: f64 = 960.0;
/// Width of the Gantt chart's label column.
const LABEL: f64 = 170.0;
/// Height of one Gantt row.
const ROW: f64 = 22.0;
/// Height of the map.
const MAP_HEIGHT: f64 = 620.0;
/// Outline colours of late visits, by SLA tier in the order the input lists the tiers.
const TIER_COLOURS: [&str; 5] = ["#b00000", "#e67e00", "#7b2cbf", "#00838f", "#5d4037"];
/// Route colours, in turn.
const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// The page for `plan` of `problem`, with `report` from the checker and `dto` the plan file
/// (for its key figures, solver facts and the details of visits left out).
pub fn html(problem: &Problem, plan: &StatedPlan, report: &Report, dto: &PlanDto) -> String {
    let mut page = String::new();
    let title = format!("{} — dispatch plan", escape(&problem.name));
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n"
    );
    summary(&mut page, problem, report, dto);
    page.push_str("<h2>Schedule</h2>\n");
    gantt(&mut page, problem, plan);
    page.push_str("<h2>Map</h2>\n");
    map(&mut page, problem, plan);
    technicians(&mut page, problem, plan);
    unassigned(&mut page, problem, plan, dto);
    page.push_str("</body></html>\n");
    page
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#222}\
h1{font-size:22px}h2{font-size:18px;margin-top:28px}\
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;\
text-align:right}th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}\
.bad{color:#b00}.kpis{display:flex;gap:32px;flex-wrap:wrap}\
svg text{font-size:11px;font-family:system-ui,sans-serif}\
.travel{fill:#9aa}.wait{fill:#e4e4e4}.restock{fill:#555}.break{fill:#b07aa1}\
.installation{fill:#4c78a8}.inspection{fill:#59a14f}.maintenance{fill:#f28e2b}.repair{fill:#e15759}\
.late{stroke:#b00;stroke-width:2.5}.legend span{display:inline-block;width:12px;height:12px;\
margin:0 4px 0 14px;vertical-align:middle}";

/// Key figures, SLA by tier, solver facts and any violations.
fn summary(page: &mut String, problem: &Problem, report: &Report, dto: &PlanDto) {
    let units = Units::new(problem);
    let k = &report.kpis;
    let cost = units.cost(k.cost.total());
    let (distance, time) = match problem.clock {
        Clock::Calendar { .. } => ("km", "min"),
        Clock::Numeric { .. } => ("", ""),
    };
    page.push_str("<div class=\"kpis\"><table><tr><th>Key figure</th><th>Value</th></tr>");
    let mut row = |name: &str, value: String| {
        let _ = write!(page, "<tr><td>{name}</td><td>{value}</td></tr>");
    };
    row(
        &format!("Cost ({})", problem.objective.kind.name()),
        format!("{cost:.2}"),
    );
    for (term, value) in [
        ("fixed", k.cost.fixed),
        ("working time", k.cost.working),
        ("distance", k.cost.distance),
        ("SLA lateness", k.cost.lateness),
        ("left out", k.cost.unassigned),
        ("overtime", k.cost.overtime),
        ("preferences", k.cost.preference),
        ("changes to the plan", k.cost.change),
    ] {
        row(
            &format!("&nbsp;&nbsp;of which {term}"),
            format!("{:.2}", units.cost(value)),
        );
    }
    row(
        "Visits served / left out",
        format!("{} / {}", k.visits_assigned, k.visits_unassigned),
    );
    row(
        "Technicians used (routes)",
        format!("{} ({})", k.technicians_used, k.routes),
    );
    row(
        &format!("Distance {distance}"),
        format!("{:.1}", units.distance(k.distance)),
    );
    row(
        &format!("Travel time {time}"),
        format!("{:.0}", units.duration(k.travel_time)),
    );
    row(
        &format!("Working time {time}"),
        format!("{:.0}", units.duration(k.working_time)),
    );
    let overtime = dto.kpis.as_ref().map_or(0.0, |k| k.overtime);
    row(&format!("Overtime {time}"), format!("{overtime:.0}"));
    if let Some(s) = &dto.solver {
        let proof = match (s.optimal, s.gap) {
            (true, _) => ", proven optimal".to_string(),
            (false, Some(gap)) => format!(", gap {:.2} %", 100.0 * gap),
            _ => String::new(),
        };
        row(
            "Solver",
            format!("{} in {:.1} s (seed {}){proof}", s.name, s.elapsed, s.seed),
        );
    }
    page.push_str("</table>");
    if !k.sla.is_empty() {
        page.push_str(
            "<table><tr><th>SLA tier</th><th>On time</th><th>Late</th><th>Left out</th>\
             <th>Compliance</th><th>Mean late</th><th>90 % late</th><th>Worst late</th>\
             <th>Mean slack</th><th>No due time</th></tr>",
        );
        for (name, t) in &k.sla {
            let compliance = if t.clocked() > 0 {
                format!("{:.1} %", 100.0 * t.compliance())
            } else {
                "–".into()
            };
            let class = if t.late() + t.unassigned > 0 {
                " class=\"bad\""
            } else {
                ""
            };
            let show = |ticks: Time| problem.show_duration(ticks);
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td{class}>{}</td><td{class}>{}</td>\
                 <td>{compliance}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{} served, {} left out</td></tr>",
                escape(name),
                t.on_time(),
                t.late(),
                t.unassigned,
                show(t.mean_late().round() as Time),
                show(t.p90_late()),
                show(t.worst_late()),
                show(t.mean_slack().round() as Time),
                t.unclocked,
                t.unclocked_unassigned,
            );
        }
        page.push_str(
            "</table><p class=\"note\">Compliance counts only visits with a due time \
             (requested time plus the tier's response target).</p>",
        );
    }
    page.push_str("</div>\n");
    if !report.violations.is_empty() {
        let _ = write!(
            page,
            "<h2 class=\"bad\">{} violation(s)</h2><ul>",
            report.violations.len()
        );
        for f in &report.violations {
            let _ = write!(page, "<li>[{}] {}</li>", f.code, escape(&f.message));
        }
        page.push_str("</ul>\n");
    }
}

/// Start of the day that holds `t`, in the problem's clock (0 for benchmark clocks).
fn day_start(problem: &Problem, t: Time) -> Time {
    match &problem.clock {
        Clock::Calendar { origin } => {
            let of_day = (origin.time().num_seconds_from_midnight() as Time + t).rem_euclid(86_400);
            t - of_day
        }
        Clock::Numeric { .. } => 0,
    }
}

/// A time of day (seconds since midnight for calendar clocks) as an axis label.
fn clock_label(problem: &Problem, of_day: Time) -> String {
    match problem.clock {
        Clock::Calendar { .. } => format!("{:02}:{:02}", of_day / 3600, of_day % 3600 / 60),
        Clock::Numeric { ticks_per_unit } => format!("{}", of_day / ticks_per_unit.max(1)),
    }
}

/// The label of a route's row: technician and day.
fn row_label(problem: &Problem, route: &StatedRoute) -> String {
    let tech = &problem.tech(route.tech).id;
    match &problem.clock {
        Clock::Calendar { origin } => {
            let day = *origin + chrono::Duration::seconds(route.start);
            format!("{tech} · {}", day.format("%a %d %b"))
        }
        Clock::Numeric { .. } if problem.tech(route.tech).shifts.len() > 1 => {
            format!("{tech} · shift {}", route.shift + 1)
        }
        Clock::Numeric { .. } => tech.clone(),
    }
}

/// A round step between axis ticks: at most 14 over `span` ticks.
fn tick_step(problem: &Problem, span: Time) -> Time {
    let (unit, steps): (Time, &[Time]) = match problem.clock {
        Clock::Calendar { .. } => (3600, &[1, 2, 3, 6, 12, 24, 48, 168]),
        Clock::Numeric { ticks_per_unit } => (
            ticks_per_unit.max(1),
            &[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000],
        ),
    };
    steps
        .iter()
        .map(|s| s * unit)
        .find(|&step| span / step <= 14)
        .unwrap_or(span.max(1))
}

/// One row per route over the time of day: travel, waiting and service by visit kind, late
/// visits outlined.
fn gantt(page: &mut String, problem: &Problem, plan: &StatedPlan) {
    if plan.routes.is_empty() {
        page.push_str("<p>No routes.</p>\n");
        return;
    }
    let units = Units::new(problem);
    let shift_of = |r: &StatedRoute| problem.tech(r.tech).shifts[r.shift];
    let offset = |r: &StatedRoute| day_start(problem, shift_of(r).start);
    let lo = plan
        .routes
        .iter()
        .map(|r| shift_of(r).start.min(r.start) - offset(r))
        .min()
        .unwrap_or(0);
    let hi = plan
        .routes
        .iter()
        .map(|r| shift_of(r).end.max(r.end) - offset(r))
        .max()
        .unwrap_or(1)
        .max(lo + 1);
    let scale = (WIDTH - LABEL) / (hi - lo) as f64;
    let height = ROW * (plan.routes.len() as f64 + 1.5);
    let _ = write!(
        page,
        "<p class=\"legend\">\
         <span class=\"installation\" style=\"background:#4c78a8\"></span>installation\
         <span style=\"background:#59a14f\"></span>inspection\
         <span style=\"background:#f28e2b\"></span>maintenance\
         <span style=\"background:#e15759\"></span>repair\
         <span style=\"background:#9aa\"></span>travel\
         <span style=\"background:#e4e4e4\"></span>waiting\
         <span style=\"background:#b07aa1\"></span>break\
         &nbsp;&nbsp;late, by SLA tier:"
    );
    for (k, tier) in problem.tiers.iter().enumerate() {
        let colour = TIER_COLOURS[k % TIER_COLOURS.len()];
        let _ = write!(
            page,
            "<span style=\"border:2.5px solid {colour};width:8px;height:8px\"></span>{}",
            escape(&tier.name)
        );
    }
    let _ = write!(
        page,
        "</p>\n<style>{}</style>\n\
         <svg id=\"gantt\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">",
        (0..TIER_COLOURS.len())
            .map(|k| format!(".late-t{k}{{stroke:{}}}", TIER_COLOURS[k]))
            .collect::<String>()
    );
    let step = tick_step(problem, hi - lo);
    let mut tick = lo.div_euclid(step) * step;
    while tick <= hi {
        if tick >= lo {
            let x = LABEL + (tick - lo) as f64 * scale;
            let _ = write!(
                page,
                "<line x1=\"{x:.1}\" y1=\"{ROW}\" x2=\"{x:.1}\" y2=\"{height}\" stroke=\"#eee\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                ROW - 6.0,
                clock_label(problem, tick)
            );
        }
        tick += step;
    }
    for (k, route) in plan.routes.iter().enumerate() {
        let y = ROW * (k as f64 + 1.0);
        let base = offset(route);
        let x = |t: Time| LABEL + (t - base - lo) as f64 * scale;
        let shift = shift_of(route);
        let _ = write!(
            page,
            "<text x=\"4\" y=\"{:.1}\">{}</text>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#ccc\"/>",
            y + ROW * 0.7,
            escape(&row_label(problem, route)),
            x(shift.start),
            y + 2.0,
            (x(shift.end) - x(shift.start)).max(0.0),
            ROW - 4.0
        );
        let mut bar = |from: Time, to: Time, class: &str, tip: &str| {
            if to > from {
                let _ = write!(
                    page,
                    "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\">\
                     <title>{tip}</title></rect>",
                    x(from),
                    y + 4.0,
                    x(to) - x(from),
                    ROW - 8.0
                );
            }
        };
        let mut previous = route.start;
        for stop in &route.stops {
            let t = stop.time;
            bar(previous, t.arrival, "travel", "travel");
            bar(t.arrival, t.start, "wait", "waiting");
            match stop.stop {
                Stop::Visit(v) => {
                    let visit = problem.visit(v);
                    let late = visit.due.map_or(0, |d| (t.start - d).max(0));
                    let tier = visit
                        .tier
                        .map(|i| format!(" · {}", problem.tiers[i.get()].name))
                        .unwrap_or_default();
                    let lateness = match late {
                        0 => String::new(),
                        _ => format!(" · late by {:.0}", units.duration(late)),
                    };
                    let tip = format!(
                        "{} {} · {}–{}{tier}{lateness}",
                        visit.id,
                        visit.kind.name(),
                        clock_label(problem, t.start - base),
                        clock_label(problem, t.end - base),
                    );
                    let class = match late {
                        0 => visit.kind.name().to_string(),
                        _ => format!(
                            "{} late late-t{}",
                            visit.kind.name(),
                            visit.tier.map_or(0, |t| t.get() % TIER_COLOURS.len())
                        ),
                    };
                    // A zero-length service still shows as a sliver.
                    bar(t.start, t.end.max(t.start + 1), &class, &escape(&tip));
                }
                Stop::Restock => bar(t.start, t.end.max(t.start + 1), "restock", "restock"),
                Stop::Break => {}
            }
            previous = t.end;
        }
        bar(previous, route.end, "travel", "travel home");
        if let Some((from, to)) = route.lunch {
            let tip = format!(
                "break {}–{}",
                clock_label(problem, from - base),
                clock_label(problem, to - base)
            );
            bar(from, to, "break", &tip);
        }
    }
    page.push_str("</svg>\n");
}

/// Routes drawn over the visits' coordinates: one colour per route, homes as squares, visits
/// left out as red rings.
fn map(page: &mut String, problem: &Problem, plan: &StatedPlan) {
    let flat = |loc: LocIdx| match problem.coords.get(loc.get()).copied().flatten()? {
        Coord::Sphere { lat, lon } => Some((lon * lat.to_radians().cos(), -lat)),
        Coord::Plane { x, y } => Some((x, -y)),
    };
    let homes: Vec<LocIdx> = problem.technicians.iter().map(|t| t.start).collect();
    let visits: Vec<LocIdx> = problem.visits.iter().map(|v| v.loc).collect();
    let points: Option<Vec<(f64, f64)>> = homes.iter().chain(&visits).map(|&l| flat(l)).collect();
    let Some(points) = points.filter(|p| !p.is_empty()) else {
        page.push_str("<p>No coordinates in the input: no map.</p>\n");
        return;
    };
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in &points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let margin = 12.0;
    let scale = ((WIDTH - 2.0 * margin) / (x1 - x0).max(1e-9))
        .min((MAP_HEIGHT - 2.0 * margin) / (y1 - y0).max(1e-9));
    let at = |loc: LocIdx| {
        flat(loc).map(|(x, y)| (margin + (x - x0) * scale, margin + (y - y0) * scale))
    };
    let _ = write!(
        page,
        "<svg id=\"map\" width=\"{WIDTH}\" height=\"{MAP_HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {MAP_HEIGHT}\" style=\"border:1px solid #ccc\">"
    );
    for (k, route) in plan.routes.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let line: Vec<String> = route_locations(problem, route)
            .filter_map(at)
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            page,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.6\" \
             opacity=\"0.85\"><title>{}</title></polyline>",
            line.join(" "),
            escape(&row_label(problem, route))
        );
        for stop in &route.stops {
            let Stop::Visit(v) = stop.stop else { continue };
            if let Some((x, y)) = at(problem.visit(v).loc) {
                let _ = write!(
                    page,
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{colour}\">\
                     <title>{}</title></circle>",
                    escape(&problem.visit(v).id)
                );
            }
        }
    }
    for &(v, _) in &plan.unassigned {
        if let Some((x, y)) = at(problem.visit(v).loc) {
            let _ = write!(
                page,
                "<circle class=\"left-out\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"none\" \
                 stroke=\"#b00\" stroke-width=\"2\"><title>{} (left out)</title></circle>",
                escape(&problem.visit(v).id)
            );
        }
    }
    for tech in &problem.technicians {
        if let Some((x, y)) = at(tech.start) {
            let _ = write!(
                page,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"#222\">\
                 <title>{} (home)</title></rect>",
                x - 3.5,
                y - 3.5,
                escape(&tech.id)
            );
        }
    }
    page.push_str("</svg>\n");
}

/// Routes, visits, travel, service, working time and utilisation (busy time over the time of
/// all the technician's shifts) per technician.
fn technicians(page: &mut String, problem: &Problem, plan: &StatedPlan) {
    let units = Units::new(problem);
    #[derive(Default)]
    struct Row {
        routes: usize,
        visits: usize,
        travel: Time,
        service: Time,
        working: Time,
    }
    let mut rows: HashMap<usize, Row> = HashMap::new();
    for route in &plan.routes {
        let row = rows.entry(route.tech.get()).or_default();
        row.routes += 1;
        row.working += route.end - route.start;
        let mut previous = route.start;
        // A break taken before driving on sits between a stop and the next arrival.
        let resting = |from: Time, to: Time| {
            route
                .lunch
                .map_or(0, |(b, e)| (e.min(to) - b.max(from)).max(0))
        };
        for stop in &route.stops {
            row.visits += usize::from(matches!(stop.stop, Stop::Visit(_)));
            row.travel += stop.time.arrival - previous - resting(previous, stop.time.arrival);
            row.service += stop.time.end - stop.time.start;
            previous = stop.time.end;
        }
        row.travel += route.end - previous - resting(previous, route.end);
    }
    page.push_str(
        "<h2>Technicians</h2><table><tr><th>Technician</th><th>Routes</th><th>Visits</th>\
         <th>Travel</th><th>Service</th><th>Working</th><th>Utilisation</th></tr>",
    );
    for (t, tech) in problem.technicians.iter().enumerate() {
        let row = rows.remove(&t).unwrap_or_default();
        let available: Time = tech.shifts.iter().map(|s| s.end - s.start).sum();
        let busy = row.travel + row.service;
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}</td><td>{:.0}</td><td>{:.0}</td>\
             <td>{:.0} %</td></tr>",
            escape(&tech.id),
            row.routes,
            row.visits,
            units.duration(row.travel),
            units.duration(row.service),
            units.duration(row.working),
            100.0 * busy as f64 / available.max(1) as f64
        );
    }
    page.push_str("</table>\n");
}

/// The visits left out, with their reasons.
fn unassigned(page: &mut String, problem: &Problem, plan: &StatedPlan, dto: &PlanDto) {
    let _ = write!(page, "<h2>Left out ({})</h2>", plan.unassigned.len());
    if plan.unassigned.is_empty() {
        page.push_str("<p>Every visit is served.</p>\n");
        return;
    }
    let details: HashMap<&str, &str> = dto
        .unassigned
        .iter()
        .map(|u| (u.id.as_str(), u.detail.as_str()))
        .collect();
    page.push_str(
        "<table id=\"unassigned\"><tr><th>Visit</th><th>Kind</th><th>Tier</th><th>Reason</th>\
         <th>Detail</th></tr>",
    );
    for &(v, reason) in &plan.unassigned {
        let visit = problem.visit(v);
        let tier = visit
            .tier
            .map(|t| problem.tiers[t.get()].name.as_str())
            .unwrap_or("");
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&visit.id),
            visit.kind.name(),
            escape(tier),
            reason.code(),
            escape(details.get(visit.id.as_str()).copied().unwrap_or(""))
        );
    }
    page.push_str("</table>\n");
}

/// Text made safe for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
