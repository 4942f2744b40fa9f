//! Random Solomon-format problems for the solver's unit tests.

use crate::model::{ObjectiveKind, Problem, Rate, SlaTier, TierIdx};
use crate::rng::Rng;

/// A Solomon problem of `customers` random customers (windows 5–120 wide in a day of 400,
/// demands 1–20) served by five vehicles of capacity `capacity`, with the distance objective.
pub fn random_solomon(seed: u64, customers: usize, capacity: i64) -> Problem {
    let mut text = format!(
        "T\n\nVEHICLE\nNUMBER     CAPACITY\n  5         {capacity}\n\nCUSTOMER\n\
         CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\n\n\
         0 50 50 0 0 400 0\n",
    );
    let mut rng = Rng::new(seed);
    for c in 1..=customers {
        let open = rng.range(0, 250);
        let width = rng.range(5, 120);
        text.push_str(&format!(
            "{c} {} {} {} {open} {} {}\n",
            rng.range(0, 100),
            rng.range(0, 100),
            rng.range(1, 20),
            open + width,
            rng.range(0, 15)
        ));
    }
    crate::io::solomon::read(text.as_bytes(), "t.txt", ObjectiveKind::Distance)
        .expect("a valid Solomon text")
}

/// `problem` with an SLA tier (per-tick lateness and a breach penalty) on about half its
/// visits, each due 0–150 after its window opens, and working time charged.
pub fn with_sla(mut problem: Problem, seed: u64) -> Problem {
    problem.tiers.push(SlaTier {
        name: "gold".into(),
        response: 60,
        lateness: Rate::new(3, 1),
        breach: 50,
    });
    let mut rng = Rng::new(seed);
    for visit in &mut problem.visits {
        if rng.chance(0.5) {
            let open = visit.windows.first().map_or(0, |w| w.start);
            visit.due = Some(open + rng.range(0, 150));
            visit.tier = Some(TierIdx(0));
            visit.priority = rng.range(1, 3);
        }
    }
    for tech in &mut problem.technicians {
        tech.work_rate = Rate::new(1, 2);
    }
    problem
}
