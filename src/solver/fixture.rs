//! Random Solomon-format problems for the solver's unit tests.

use crate::model::{
    Eligibility, Hours, ObjectiveKind, Problem, Rate, Requirement, Skill, SkillIdx, SlaTier,
    TechIdx, TierIdx,
};
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

/// `problem` with the field-service rules that depend on who does a visit: one skill held at
/// levels 1–5 and required at level 1–2, durations by level (70–130 %), overtime past the
/// shift end at a cost, a working-time cap, and preferred, previous and excluded technicians.
pub fn with_field_rules(mut problem: Problem, seed: u64) -> Problem {
    let mut rng = Rng::new(seed);
    problem.skills = vec![Skill {
        name: "hvac".into(),
    }];
    problem.level_durations = vec![1000, 1300, 1100, 1000, 850, 700];
    let techs = problem.technicians.len() as i64;
    for (t, tech) in problem.technicians.iter_mut().enumerate() {
        tech.levels = vec![1 + (t % 5) as u8];
        let shift = tech.shifts[0];
        tech.hours = Hours {
            overtime: (shift.end - shift.start) / 10,
            overtime_rate: Rate::new(2, 1),
            max_working: Some((shift.end - shift.start) * 9 / 10),
            max_weekly: None,
        };
        tech.work_rate = Rate::new(1, 4);
    }
    let pick = |rng: &mut Rng| TechIdx(rng.range(0, techs - 1) as u32);
    for visit in &mut problem.visits {
        visit.requires = vec![Requirement {
            skill: SkillIdx(0),
            level: rng.range(1, 2) as u8,
            count: 1,
        }];
        let p = &mut visit.preferences;
        if rng.chance(0.4) {
            p.preferred = vec![pick(&mut rng)];
            p.preferred_penalty = rng.range(10, 200);
        }
        if rng.chance(0.3) {
            p.previous = Some(pick(&mut rng));
            p.continuity_penalty = rng.range(10, 100);
        }
        if rng.chance(0.1) {
            p.excluded = vec![pick(&mut rng)];
        }
    }
    problem.eligibility = Eligibility::compute(&problem.technicians, &problem.visits);
    problem
}
