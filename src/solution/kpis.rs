//! Key figures of a plan, for people: cost, distance, time, SLA compliance per tier.

use std::collections::BTreeMap;

use crate::model::{Cost, Problem, Time, Visit};

use super::cost::CostBreakdown;

/// SLA figures of one tier. Only visits with an SLA clock (a due time) count towards
/// compliance; the tier's visits without one are counted apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TierKpis {
    /// Visits with a due time left out.
    pub unassigned: usize,
    /// Served visits without a due time (no SLA clock).
    pub unclocked: usize,
    /// Visits without a due time left out.
    pub unclocked_unassigned: usize,
    /// Ticks late of every served visit with a due time (0 when on time), sorted.
    pub lateness: Vec<Time>,
    /// Ticks between start and due time of every visit served on time, sorted.
    pub slack: Vec<Time>,
}

impl TierKpis {
    /// Served visits with a due time that started by it.
    pub fn on_time(&self) -> usize {
        self.slack.len()
    }

    /// Served visits with a due time that started after it.
    pub fn late(&self) -> usize {
        self.lateness.len() - self.slack.len()
    }

    /// Visits with a due time, served or not.
    pub fn clocked(&self) -> usize {
        self.lateness.len() + self.unassigned
    }

    /// Share of the visits with a due time served on time (1 when the tier has none).
    pub fn compliance(&self) -> f64 {
        match self.clocked() {
            0 => 1.0,
            all => self.on_time() as f64 / all as f64,
        }
    }

    /// Mean ticks late of the late visits (0 when none is late).
    pub fn mean_late(&self) -> f64 {
        let late: Time = self.lateness.iter().sum();
        late as f64 / self.late().max(1) as f64
    }

    /// The 90th percentile of lateness over the served visits with a due time (nearest rank).
    pub fn p90_late(&self) -> Time {
        percentile(&self.lateness, 90)
    }

    /// Most ticks late of one visit.
    pub fn worst_late(&self) -> Time {
        self.lateness.last().copied().unwrap_or(0)
    }

    /// Mean ticks to spare of the visits served on time.
    pub fn mean_slack(&self) -> f64 {
        let slack: Time = self.slack.iter().sum();
        slack as f64 / self.slack.len().max(1) as f64
    }

    /// Least ticks to spare of a visit served on time (the nearest miss).
    pub fn least_slack(&self) -> Time {
        self.slack.first().copied().unwrap_or(0)
    }
}

/// The `p`-th percentile of sorted values by nearest rank (0 for none).
fn percentile(sorted: &[Time], p: usize) -> Time {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
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

    /// Records a served visit that started at `start`.
    pub fn record_visit(&mut self, problem: &Problem, visit: &Visit, start: Time) {
        self.visits_assigned += 1;
        let Some(k) = self.tier_mut(problem, visit) else {
            return;
        };
        match visit.due {
            None => k.unclocked += 1,
            Some(due) if start > due => insert_sorted(&mut k.lateness, start - due),
            Some(due) => {
                insert_sorted(&mut k.lateness, 0);
                insert_sorted(&mut k.slack, due - start);
            }
        }
    }

    /// Records a visit left out, costing `penalty`.
    pub fn record_unassigned(&mut self, problem: &Problem, visit: &Visit, penalty: Cost) {
        self.visits_unassigned += 1;
        self.cost.unassigned = self.cost.unassigned.saturating_add(penalty);
        if let Some(k) = self.tier_mut(problem, visit) {
            match visit.due {
                Some(_) => k.unassigned += 1,
                None => k.unclocked_unassigned += 1,
            }
        }
    }

    fn tier_mut(&mut self, problem: &Problem, visit: &Visit) -> Option<&mut TierKpis> {
        let tier = &problem.tiers[visit.tier?.get()];
        Some(self.sla.entry(tier.name.clone()).or_default())
    }
}

fn insert_sorted(values: &mut Vec<Time>, x: Time) {
    let at = values.partition_point(|&v| v <= x);
    values.insert(at, x);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten platinum visits with a due time (seven on time with 10–70 min to spare, two late by
    /// 30 and 90 min, one left out) and five without one (four served, one left out).
    #[test]
    fn tier_figures_count_only_visits_with_a_clock() {
        let mut t = TierKpis::default();
        for slack in [10, 20, 30, 40, 50, 60, 70] {
            insert_sorted(&mut t.lateness, 0);
            insert_sorted(&mut t.slack, slack * 60);
        }
        for late in [90, 30] {
            insert_sorted(&mut t.lateness, late * 60);
        }
        t.unassigned = 1;
        t.unclocked = 4;
        t.unclocked_unassigned = 1;
        assert_eq!((t.on_time(), t.late(), t.clocked()), (7, 2, 10));
        assert!((t.compliance() - 0.7).abs() < 1e-12);
        assert_eq!(t.mean_late(), 60.0 * 60.0);
        // Nine served with a clock: the 90th percentile by nearest rank is the 9th, 90 min.
        assert_eq!(t.p90_late(), 90 * 60);
        assert_eq!(t.worst_late(), 90 * 60);
        assert_eq!(t.mean_slack(), 40.0 * 60.0);
        assert_eq!(t.least_slack(), 10 * 60);
        assert_eq!(percentile(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 5], 90), 0);
        assert_eq!(TierKpis::default().compliance(), 1.0);
    }
}
