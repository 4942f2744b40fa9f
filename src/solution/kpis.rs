//! Key figures of a plan, for people: cost, distance, time, SLA compliance per tier.

use std::collections::BTreeMap;

use crate::model::{Cost, Problem, Time};

use super::cost::CostBreakdown;

/// SLA figures of one tier.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TierKpis {
    /// Served visits that started by their due time.
    pub on_time: usize,
    /// Served visits that started after their due time.
    pub late: usize,
    /// Visits of the tier left out.
    pub unassigned: usize,
    /// Ticks late, summed.
    pub late_ticks: Time,
    /// Most ticks late of one visit.
    pub worst_late_ticks: Time,
}

impl TierKpis {
    /// Share of the tier's visits served on time (1 when it has none).
    pub fn compliance(&self) -> f64 {
        let all = self.on_time + self.late + self.unassigned;
        if all == 0 {
            1.0
        } else {
            self.on_time as f64 / all as f64
        }
    }
}

/// Key figures of a plan, in ticks and cost units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpis {
    /// Cost, term by term.
    pub cost: CostBreakdown,
    /// Distance driven.
    pub distance: i64,
    /// Time spent driving.
    pub travel_time: Time,
    /// Time from departures to returns.
    pub working_time: Time,
    /// Time past the ends of shifts.
    pub overtime: Time,
    /// Distinct technicians with at least one stop.
    pub technicians_used: usize,
    /// Routes (technician shifts) with at least one stop.
    pub routes: usize,
    /// Visits served.
    pub visits_assigned: usize,
    /// Visits left out.
    pub visits_unassigned: usize,
    /// SLA figures by tier name.
    pub sla: BTreeMap<String, TierKpis>,
}

impl Kpis {
    /// Empty figures with a row for every tier of the problem.
    pub fn new(problem: &Problem) -> Self {
        Kpis {
            sla: problem
                .tiers
                .iter()
                .map(|t| (t.name.clone(), TierKpis::default()))
                .collect(),
            ..Kpis::default()
        }
    }

    /// Records a served visit of tier `tier` that was `late` ticks late.
    pub fn record_visit(
        &mut self,
        problem: &Problem,
        tier: Option<crate::model::TierIdx>,
        late: Time,
    ) {
        self.visits_assigned += 1;
        if let Some(t) = tier {
            let k = self
                .sla
                .entry(problem.tiers[t.get()].name.clone())
                .or_default();
            if late > 0 {
                k.late += 1;
                k.late_ticks += late;
                k.worst_late_ticks = k.worst_late_ticks.max(late);
            } else {
                k.on_time += 1;
            }
        }
    }

    /// Records a visit left out, costing `penalty`.
    pub fn record_unassigned(
        &mut self,
        problem: &Problem,
        tier: Option<crate::model::TierIdx>,
        penalty: Cost,
    ) {
        self.visits_unassigned += 1;
        self.cost.unassigned = self.cost.unassigned.saturating_add(penalty);
        if let Some(t) = tier {
            self.sla
                .entry(problem.tiers[t.get()].name.clone())
                .or_default()
                .unassigned += 1;
        }
    }
}
