//! The technician × visit eligibility table, computed once from skill levels.

use super::{TechIdx, Technician, Visit, VisitIdx};

/// Row-major table: `eligible[t * visits + v]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Eligibility {
    visits: usize,
    eligible: Vec<bool>,
}

impl Eligibility {
    /// Computes who meets every required level of every visit and is not excluded from it.
    pub fn compute(technicians: &[Technician], visits: &[Visit]) -> Self {
        let mut eligible = Vec::with_capacity(technicians.len() * visits.len());
        for (t, tech) in technicians.iter().enumerate() {
            for visit in visits {
                eligible.push(
                    tech.holds_levels(visit)
                        && !visit.preferences.excluded.contains(&TechIdx(t as u32)),
                );
            }
        }
        Eligibility {
            visits: visits.len(),
            eligible,
        }
    }

    /// Whether technician `t` may do visit `v`.
    pub fn get(&self, t: TechIdx, v: VisitIdx) -> bool {
        self.eligible[t.get() * self.visits + v.get()]
    }
}
