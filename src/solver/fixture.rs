//! Random Solomon-like problems for the solver's unit tests, built in the model (no reader).

use crate::model::builder::ProblemBuilder;
use crate::model::{
    Clock, Coord, Eligibility, Hours, Objective, ObjectiveKind, Problem, Rate, Requirement, Shift,
    Skill, SkillIdx, SlaTier, TechIdx, Technician, TierIdx, TravelMatrix, Visit, VisitKind, Window,
};
use crate::rng::Rng;

/// A Solomon problem of `customers` random customers (windows 5–120 wide in a day of 400,
/// demands 1–20) served by five vehicles of capacity `capacity`, with the distance objective
/// (distances truncated to a tenth, as the Solomon reader does), built with the model's
/// builder.
pub fn random_solomon(seed: u64, customers: usize, capacity: i64) -> Problem {
    const SCALE: i64 = 10;
    let objective = Objective {
        kind: ObjectiveKind::Distance,
        distance: Rate::new(1, 1),
        unassigned: 1_000_000_000_000_000,
        cost_scale: SCALE,
        distance_per_member: false,
    };
    let clock = Clock::Numeric {
        ticks_per_unit: SCALE,
    };
    let mut b = ProblemBuilder::new("T", clock, objective);
    let mut points = vec![(50, 50)];
    let depot = b.location(Some(Coord::Plane { x: 50.0, y: 50.0 }));
    for k in 1..=5 {
        let mut tech = Technician::new(k.to_string(), depot, vec![Shift::new(0, 400 * SCALE)]);
        tech.capacity = Some(capacity);
        b.technician(tech);
    }
    let mut rng = Rng::new(seed);
    for c in 1..=customers {
        let open = rng.range(0, 250);
        let width = rng.range(5, 120);
        let (x, y) = (rng.range(0, 100), rng.range(0, 100));
        let demand = rng.range(1, 20);
        let service = rng.range(0, 15);
        points.push((x, y));
        let at = b.location(Some(Coord::Plane {
            x: x as f64,
            y: y as f64,
        }));
        let site = b.site(c.to_string(), at, None);
        let mut visit = Visit::new(c.to_string(), site, VisitKind::Repair, service * SCALE);
        visit.windows = vec![Window {
            start: open * SCALE,
            end: (open + width) * SCALE,
        }];
        visit.demand = demand;
        b.visit(visit);
    }
    // ⌊10 d⌋ exactly: the largest t with t² ≤ 100 (dx² + dy²).
    let tenths = |(xa, ya): (i64, i64), (xb, yb): (i64, i64)| {
        let square = 100 * ((xa - xb).pow(2) + (ya - yb).pow(2));
        let mut t = (square as f64).sqrt() as i64;
        while t * t > square {
            t -= 1;
        }
        while (t + 1) * (t + 1) <= square {
            t += 1;
        }
        t
    };
    let travel = TravelMatrix::from_fn(points.len(), |i, j| {
        let d = tenths(points[i], points[j]);
        (d, d)
    });
    b.build(travel).expect("a valid problem")
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

/// `problem` with a break in every technician's shift: 10–40 long, starting in a window of
/// width 0–100 that opens at 80–200 (times 10 ticks, as [`random_solomon`] scales them).
pub fn with_breaks(mut problem: Problem, seed: u64) -> Problem {
    let mut rng = Rng::new(seed ^ 0x1a2c);
    for tech in &mut problem.technicians {
        let start = rng.range(80, 200) * 10;
        tech.shifts[0].lunch = Some(crate::model::Break {
            start,
            end: start + rng.range(0, 100) * 10,
            duration: rng.range(10, 40) * 10,
        });
    }
    problem
}

/// `problem` with tools and spare parts: three tool types and three part types, each
/// technician setting out with one tool and 0–1 of each part, a third of the visits needing a
/// tool and a third using up a part, and a depot to restock at (at the first customer's
/// site).
pub fn with_kit(mut problem: Problem, seed: u64) -> Problem {
    let mut rng = Rng::new(seed ^ 0x7e57);
    for tech in &mut problem.technicians {
        tech.tools = 1 << rng.range(0, 2);
        tech.parts = (0..3).map(|_| rng.range(0, 1)).collect();
    }
    for visit in &mut problem.visits {
        if rng.chance(0.33) {
            visit.tools = 1 << rng.range(0, 2);
        }
        visit.parts = vec![0; 3];
        if rng.chance(0.33) {
            visit.parts[rng.range(0, 2) as usize] = 1;
        }
    }
    let loc = problem.visits[0].loc;
    problem.depot = Some(crate::model::Depot {
        id: "D".into(),
        loc,
    });
    problem
}

/// `problem` with a third of its visits' windows split in two by a gap of a third of the
/// window.
pub fn with_two_windows(mut problem: Problem, seed: u64) -> Problem {
    let mut rng = Rng::new(seed ^ 0x2a2a);
    for visit in &mut problem.visits {
        if let [w] = visit.windows[..] {
            if rng.chance(0.33) && w.end - w.start >= 3 {
                let third = (w.end - w.start) / 3;
                visit.windows = vec![
                    Window {
                        start: w.start,
                        end: w.start + third,
                    },
                    Window {
                        start: w.end - third,
                        end: w.end,
                    },
                ];
            }
        }
    }
    problem
}
