//! The KPI summary printed after `solve`, `check` and `replan`, in the problem's units.

use std::fmt::Write;

use crate::io::plan::PlanDto;
use crate::model::{Problem, Time};
use crate::solution::check::Report;

/// `1 thread`, `2 threads`.
pub(super) fn threads(n: usize) -> String {
    if n == 1 {
        "1 thread".into()
    } else {
        format!("{n} threads")
    }
}

/// The key figures of a checked plan, one per line.
pub(super) fn kpi_summary(problem: &Problem, report: &Report, dto: &PlanDto) -> String {
    let k = &report.kpis;
    let mut out = String::new();
    let cost = dto.kpis.as_ref().map_or(0.0, |k| k.cost);
    let mut line = |label: &str, text: String| {
        let _ = writeln!(out, "{label:<17} {text}");
    };
    line("instance", problem.name.clone());
    line(
        "objective",
        format!("{} = {cost:.4}", problem.objective.kind.name()),
    );
    line(
        "visits",
        format!(
            "{} assigned, {} unassigned",
            k.visits_assigned, k.visits_unassigned
        ),
    );
    line(
        "technicians used",
        format!(
            "{} ({} {})",
            k.technicians_used,
            k.routes,
            if k.routes == 1 { "route" } else { "routes" }
        ),
    );
    line("distance", problem.show_distance(k.distance));
    line("travel time", problem.show_duration(k.travel_time));
    line("working time", problem.show_duration(k.working_time));
    if k.overtime > 0 {
        line("overtime", problem.show_duration(k.overtime));
    }
    if k.cost.preference > 0 {
        line("preference cost", problem.show_cost(k.cost.preference));
    }
    if k.cost.change > 0 {
        line("change cost", problem.show_cost(k.cost.change));
    }
    for (name, t) in &k.sla {
        let show = |ticks: Time| problem.show_duration(ticks);
        let mut text = if t.clocked() == 0 {
            "no visit with a due time".to_string()
        } else {
            format!(
                "{} on time, {} late, {} unassigned of {} with a due time: compliance {:.1} %",
                t.on_time(),
                t.late(),
                t.unassigned,
                t.clocked(),
                100.0 * t.compliance()
            )
        };
        if t.late() > 0 {
            let _ = write!(
                text,
                "; late by {} on average, 90 % within {}, worst {}",
                show(t.mean_late().round() as Time),
                show(t.p90_late()),
                show(t.worst_late())
            );
        }
        if t.on_time() > 0 {
            let _ = write!(
                text,
                "; on-time slack {} on average, least {}",
                show(t.mean_slack().round() as Time),
                show(t.least_slack())
            );
        }
        if t.unclocked + t.unclocked_unassigned > 0 {
            let _ = write!(
                text,
                "; without a due time: {} served, {} unassigned",
                t.unclocked, t.unclocked_unassigned
            );
        }
        line(&format!("sla {name}"), text);
    }
    // A plan checked from a file has no solver facts of this run.
    if let Some(s) = dto.solver.as_ref().filter(|s| !s.name.is_empty()) {
        line(
            "solver",
            format!(
                "{} in {:.2} s (seed {}, {})",
                s.name,
                s.elapsed,
                s.seed,
                threads(s.threads)
            ),
        );
    }
    out
}
