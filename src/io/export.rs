//! Other views of a checked plan: the schedule as CSV for spreadsheets, and the routes and
//! visits as GeoJSON for maps.

use serde_json::{Value, json};

use crate::model::{Coord, LocIdx, Problem, VisitIdx};
use crate::solution::Stop;
use crate::solution::check::{StatedPlan, StatedRoute};

use super::plan::Units;

/// Columns of the schedule CSV.
const COLUMNS: &str =
    "technician,shift,position,visit,kind,site,tier,arrival,start,end,due,late,slack,reason";

/// The schedule: one row per stop of every route (restock stops included), in route order,
/// and a `break` row after a route's stops when it takes one; then one row per visit left out
/// with its reason. Times are written as in plans; `late` (past the due time) and `slack`
/// (before it) are in minutes (calendar problems) or file units, and empty for a visit without
/// a due time, so counting rows gives the plan's SLA figures.
pub fn schedule_csv(problem: &Problem, plan: &StatedPlan) -> String {
    let units = Units::new(problem);
    let time = |t| plain(&units.time(t));
    let mut out = String::from(COLUMNS);
    out.push('\n');
    let mut row = |cells: [String; 14]| {
        let cells: Vec<String> = cells.iter().map(|c| quoted(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    for route in &plan.routes {
        let tech = &problem.tech(route.tech).id;
        for (k, stop) in route.stops.iter().enumerate() {
            let times = [stop.time.arrival, stop.time.start, stop.time.end].map(time);
            let [arrival, start, end] = times;
            let (visit, kind, site, tier, due, late, slack) = match stop.stop {
                Stop::Visit(v) => {
                    let visit = problem.visit(v);
                    let amount = |d: i64| units.duration(d.max(0)).to_string();
                    let from_due = |f: fn(i64) -> i64| {
                        visit
                            .due
                            .map(|d| amount(f(stop.time.start - d)))
                            .unwrap_or_default()
                    };
                    (
                        visit.id.clone(),
                        visit.kind.name().to_string(),
                        problem.sites[visit.site.get()].id.clone(),
                        tier_name(problem, v),
                        visit.due.map(time).unwrap_or_default(),
                        from_due(|late| late),
                        from_due(|late| -late),
                    )
                }
                Stop::Restock => {
                    let depot = problem.depot.as_ref().map(|d| d.id.clone());
                    let depot = depot.unwrap_or_default();
                    (
                        depot.clone(),
                        "restock".into(),
                        depot,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    )
                }
                // Stated plans carry the break as the route's lunch, not as a stop.
                Stop::Break => continue,
            };
            row([
                tech.clone(),
                route.shift.to_string(),
                (k + 1).to_string(),
                visit,
                kind,
                site,
                tier,
                arrival,
                start,
                end,
                due,
                late,
                slack,
                String::new(),
            ]);
        }
        if let Some((from, to)) = route.lunch {
            let [from, to] = [from, to].map(time);
            row([
                tech.clone(),
                route.shift.to_string(),
                String::new(),
                String::new(),
                "break".into(),
                String::new(),
                String::new(),
                from.clone(),
                from,
                to,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    for &(v, reason) in &plan.unassigned {
        let visit = problem.visit(v);
        row([
            String::new(),
            String::new(),
            String::new(),
            visit.id.clone(),
            visit.kind.name().to_string(),
            problem.sites[visit.site.get()].id.clone(),
            tier_name(problem, v),
            String::new(),
            String::new(),
            String::new(),
            visit.due.map(time).unwrap_or_default(),
            String::new(),
            String::new(),
            reason.code().to_string(),
        ]);
    }
    out
}

/// Whether every location has latitude and longitude, which GeoJSON needs.
pub fn has_geography(problem: &Problem) -> bool {
    !problem.coords.is_empty()
        && problem
            .coords
            .iter()
            .all(|c| matches!(c, Some(Coord::Sphere { .. })))
}

/// The plan as a GeoJSON feature collection: one line per route (home, stops, end), one point
/// per visit (served or left out) and per technician home; `None` when a location lacks
/// latitude and longitude (see [`has_geography`]).
pub fn geojson(problem: &Problem, plan: &StatedPlan) -> Option<Value> {
    if !has_geography(problem) {
        return None;
    }
    let units = Units::new(problem);
    let at = |loc: LocIdx| match problem.coords[loc.get()] {
        Some(Coord::Sphere { lat, lon }) => json!([lon, lat]),
        _ => unreachable!("checked by has_geography"),
    };
    let mut features = Vec::new();
    for route in &plan.routes {
        let tech = problem.tech(route.tech);
        let line: Vec<Value> = route_locations(problem, route).map(at).collect();
        features.push(feature(
            json!({"type": "LineString", "coordinates": line}),
            json!({
                "kind": "route",
                "technician": tech.id,
                "shift": route.shift,
                "start": units.time(route.start),
                "end": units.time(route.end),
                "stops": route.stops.len(),
            }),
        ));
        for (k, stop) in route.stops.iter().enumerate() {
            let Stop::Visit(v) = stop.stop else { continue };
            let visit = problem.visit(v);
            features.push(feature(
                json!({"type": "Point", "coordinates": at(visit.loc)}),
                json!({
                    "kind": "visit",
                    "id": visit.id,
                    "visit_kind": visit.kind.name(),
                    "tier": tier_name(problem, v),
                    "technician": tech.id,
                    "shift": route.shift,
                    "position": k + 1,
                    "start": units.time(stop.time.start),
                    "late": visit.due.is_some_and(|d| stop.time.start > d),
                }),
            ));
        }
    }
    for &(v, reason) in &plan.unassigned {
        let visit = problem.visit(v);
        features.push(feature(
            json!({"type": "Point", "coordinates": at(visit.loc)}),
            json!({
                "kind": "unassigned",
                "id": visit.id,
                "visit_kind": visit.kind.name(),
                "tier": tier_name(problem, v),
                "reason": reason.code(),
            }),
        ));
    }
    for tech in &problem.technicians {
        features.push(feature(
            json!({"type": "Point", "coordinates": at(tech.start)}),
            json!({"kind": "home", "technician": tech.id}),
        ));
    }
    Some(json!({"type": "FeatureCollection", "features": features}))
}

/// The locations a route passes: the technician's start, each stop, the technician's end.
pub fn route_locations<'a>(
    problem: &'a Problem,
    route: &'a StatedRoute,
) -> impl Iterator<Item = LocIdx> + 'a {
    let tech = problem.tech(route.tech);
    let depot = problem.depot.as_ref().map(|d| d.loc);
    let stops = route.stops.iter().filter_map(move |s| match s.stop {
        Stop::Visit(v) => Some(problem.visit(v).loc),
        Stop::Restock => depot,
        Stop::Break => None,
    });
    std::iter::once(tech.start)
        .chain(stops)
        .chain(std::iter::once(tech.end))
}

fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

fn tier_name(problem: &Problem, v: VisitIdx) -> String {
    problem
        .visit(v)
        .tier
        .map(|t| problem.tiers[t.get()].name.clone())
        .unwrap_or_default()
}

/// A JSON scalar as CSV text (strings without their quotes).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_breaks_are_quoted() {
        assert_eq!(quoted("V0001"), "V0001");
        assert_eq!(quoted("Smith, J."), "\"Smith, J.\"");
        assert_eq!(quoted("the \"big\" one"), "\"the \"\"big\"\" one\"");
        assert_eq!(quoted("two\nlines"), "\"two\nlines\"");
        assert_eq!(
            plain(&json!("2026-03-02T08:00:00+01:00")),
            "2026-03-02T08:00:00+01:00"
        );
        assert_eq!(plain(&json!(12.5)), "12.5");
    }
}
