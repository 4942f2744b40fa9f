//! Benchmark plans judged in their file's own arithmetic: every route driven again with
//! Euclidean distances in double precision (not the integer ticks the search uses), each
//! service starting as early as it may, every window and shift end held within 1e-6.

use crate::model::{Clock, Coord, LocIdx, ObjectiveKind, Problem};

use super::Stop;
use super::check::{Finding, StatedRoute};

/// How far past a window or shift end a time may fall, in file units (rounding of the file's
/// own arithmetic).
pub const TOLERANCE: f64 = 1e-6;

/// The findings of recomputing `routes` in double precision, or none when the problem's own
/// arithmetic is the ticks' (native problems, DIMACS-truncated Solomon distances).
pub fn check(problem: &Problem, routes: &[StatedRoute]) -> Vec<Finding> {
    let Clock::Numeric { ticks_per_unit } = problem.clock else {
        return Vec::new();
    };
    if problem.objective.kind == ObjectiveKind::Distance {
        return Vec::new();
    }
    let Some(points) = problem
        .coords
        .iter()
        .map(|c| match c {
            Some(Coord::Plane { x, y }) => Some((*x, *y)),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
    else {
        return Vec::new();
    };
    let unit = |ticks: i64| ticks as f64 / ticks_per_unit as f64;
    let leg = |a: LocIdx, b: LocIdx| {
        let ((xa, ya), (xb, yb)) = (points[a.get()], points[b.get()]);
        (xa - xb).hypot(ya - yb)
    };
    let mut out = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        let Some(tech) = problem.technicians.get(route.tech.get()) else {
            continue;
        };
        let Some(shift) = tech.shifts.get(route.shift) else {
            continue;
        };
        if route.stops.is_empty() {
            continue;
        }
        let mut at = tech.start;
        let mut now = unit(route.start);
        for (k, s) in route.stops.iter().enumerate() {
            let here = match s.stop {
                Stop::Visit(v) => problem.visit(v).loc,
                Stop::Restock => match &problem.depot {
                    Some(d) => d.loc,
                    None => continue,
                },
                Stop::Break => at,
            };
            now += leg(at, here);
            at = here;
            let Stop::Visit(v) = s.stop else {
                continue;
            };
            let visit = problem.visit(v);
            let window = visit
                .windows
                .iter()
                .find(|w| now <= unit(w.end) + TOLERANCE);
            match window {
                Some(w) => now = now.max(unit(w.start)),
                None if !visit.windows.is_empty() => {
                    let close = visit
                        .windows
                        .iter()
                        .map(|w| unit(w.end))
                        .fold(f64::MIN, f64::max);
                    out.push(Finding {
                        code: "precision",
                        route: Some(r),
                        stop: Some(k),
                        message: format!(
                            "in double precision, visit {} can start at {now:.6} at the \
                             earliest, after its window closes at {close}",
                            visit.id
                        ),
                    });
                }
                None => {}
            }
            now += unit(problem.duration(route.tech, v));
        }
        now += leg(at, tech.end);
        let end = unit(shift.end + tech.hours.overtime);
        if now > end + TOLERANCE {
            out.push(Finding {
                code: "precision",
                route: Some(r),
                stop: None,
                message: format!(
                    "in double precision, {} is back at {now:.6} at the earliest, after the \
                     shift ends at {end}",
                    tech.id
                ),
            });
        }
    }
    out
}
