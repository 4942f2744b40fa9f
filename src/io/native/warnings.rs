//! Warnings about a valid problem: things that break no rule of the format but that a planner
//! almost surely did not mean (a window no shift reaches, a site no one can drive to and back
//! in a shift, a preferred technician who may not do the visit …). They never stop a solve.

use crate::error::Issue;
use crate::model::{Problem, TechIdx, Time, VisitIdx};

use super::dto::ProblemDto;

/// A travel matrix beyond which a problem is not built unasked (2 GiB): the server's default cap,
/// and the largest `generate` builds to count the due times no one can meet.
pub const LARGE_MATRIX: usize = 2 << 30;

/// Bytes the travel matrix of `dto` needs at most (durations and distances, 4 bytes each, for
/// every technician start and end and every site), before it is built.
pub fn matrix_bytes(dto: &ProblemDto) -> usize {
    let ends = dto
        .technicians
        .iter()
        .filter(|t| t.end_location.is_some())
        .count();
    let n = dto.sites.len() + dto.technicians.len() + ends;
    n.saturating_mul(n).saturating_mul(8)
}

/// Every warning about a native problem, in input order (paths into its file).
pub fn warnings(problem: &Problem) -> Vec<Issue> {
    let longest: Vec<Time> = problem
        .tech_indices()
        .map(|t| longest_shift(problem, t))
        .collect();
    let mut out = Vec::new();
    for v in problem.visit_indices() {
        let path = format!("$.visits[{}]", v.get());
        visit_warnings(problem, v, &longest, &path, &mut out);
    }
    for (i, site) in problem.sites.iter().enumerate() {
        let reachable = problem
            .technicians
            .iter()
            .zip(&longest)
            .any(|(tech, &longest)| {
                let there = problem.travel.time(tech.start, site.loc);
                let back = problem.travel.time(site.loc, tech.end);
                longest >= there + back
            });
        if !reachable && !problem.technicians.is_empty() {
            let nearest = problem
                .technicians
                .iter()
                .map(|t| problem.travel.distance(t.start, site.loc))
                .min()
                .unwrap_or(0);
            out.push(Issue::new(
                "W104",
                format!("$.sites[{i}].location"),
                format!(
                    "site {} is {} from the nearest technician home: no technician can drive \
                     there and back within a shift",
                    site.id,
                    problem.show_distance(nearest)
                ),
                "check the location (latitude and longitude swapped?)",
            ));
        }
    }
    out
}

/// The longest time technician `t` may be out in one shift, overtime included.
fn longest_shift(problem: &Problem, t: TechIdx) -> Time {
    let tech = problem.tech(t);
    let longest = tech
        .shifts
        .iter()
        .map(|s| s.end - s.start)
        .max()
        .unwrap_or(0);
    longest + tech.hours.overtime
}

/// The warnings about visit `v`; `longest` is each technician's [`longest_shift`].
fn visit_warnings(
    problem: &Problem,
    v: VisitIdx,
    longest: &[Time],
    path: &str,
    out: &mut Vec<Issue>,
) {
    let visit = problem.visit(v);
    let eligible: Vec<TechIdx> = problem
        .tech_indices()
        .filter(|&t| problem.is_eligible(t, v))
        .collect();
    if !visit.windows.is_empty() && !eligible.is_empty() {
        let reached = visit.windows.iter().any(|w| {
            eligible.iter().any(|&t| {
                let tech = problem.tech(t);
                tech.shifts
                    .iter()
                    .any(|s| w.start <= s.end + tech.hours.overtime && s.start <= w.end)
            })
        });
        if !reached {
            let w = visit.windows[0];
            out.push(Issue::new(
                "W101",
                format!("{path}.windows"),
                format!(
                    "visit {}: no shift of the {} technicians who could do it is open during its \
                     windows (the first: {} to {})",
                    visit.id,
                    eligible.len(),
                    problem.show_time(w.start),
                    problem.show_time(w.end)
                ),
                "check the windows' dates, or add a shift then",
            ));
        }
    }
    let shortest = eligible.iter().map(|&t| problem.duration(t, v)).min();
    let longest = eligible
        .iter()
        .map(|&t| longest[t.get()])
        .max()
        .unwrap_or(0);
    if let Some(duration) = shortest.filter(|&d| d > longest) {
        out.push(Issue::new(
            "W102",
            format!("{path}.duration"),
            format!(
                "visit {} takes {}, longer than every shift of the technicians who could do it \
                 (at most {})",
                visit.id,
                problem.show_duration(duration),
                problem.show_duration(longest)
            ),
            "check the duration, or split the work into several visits",
        ));
    }
    let last_close = visit.windows.iter().map(|w| w.end).max();
    if let (Some(release), Some(close)) = (visit.release, last_close)
        && release > close
    {
        out.push(Issue::new(
            "W103",
            format!("{path}.requested_at"),
            format!(
                "visit {} is requested at {}, after its last window closes at {}",
                visit.id,
                problem.show_time(release),
                problem.show_time(close)
            ),
            "check requested_at and the windows",
        ));
    }
    for (k, &t) in visit.preferences.preferred.iter().enumerate() {
        if !problem.is_eligible(t, v) {
            out.push(Issue::new(
                "W105",
                format!("{path}.preferred_technicians[{k}]"),
                format!(
                    "visit {} prefers {}, who may not do it (skill levels, crew size or an \
                     exclusion)",
                    visit.id,
                    problem.tech(t).id
                ),
                "prefer a technician who holds the skill levels, or drop the preference",
            ));
        }
    }
}
