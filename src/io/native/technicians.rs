//! Technicians: homes, skill levels, shifts with their breaks, pay and working-time rules.

use std::collections::HashMap;

use crate::io::time::week_of;
use crate::model::{Break, Coord, Hours, LocIdx, Rate, Shift, SkillIdx, Technician};

use super::build::{Builder, point};
use super::dto::TechnicianDto;

/// The locations of a problem as they are read: coordinates and travel-matrix keys.
#[derive(Default)]
pub(super) struct Points {
    /// Coordinates, `None` where invalid.
    pub(super) coords: Vec<Option<Coord>>,
    /// The key of each location in a given matrix (`ID`, `ID:end`).
    pub(super) keys: Vec<String>,
}

impl Points {
    /// Adds a location; returns its index.
    pub(super) fn add(&mut self, coord: Option<Coord>, key: String) -> LocIdx {
        self.coords.push(coord);
        self.keys.push(key);
        LocIdx(self.coords.len() as u32 - 1)
    }
}

/// Technician `i` of the file, its home (and end location) added to `points`.
pub(super) fn technician(
    b: &mut Builder<'_>,
    i: usize,
    t: &TechnicianDto,
    skill_index: &HashMap<&str, SkillIdx>,
    points: &mut Points,
) -> Technician {
    let path = format!("$.technicians[{i}]");
    let home = point(&t.home, &format!("{path}.home"), &mut b.issues);
    let start = points.add(home, t.id.clone());
    let end = match &t.end_location {
        Some(loc) => {
            let end = point(loc, &format!("{path}.end_location"), &mut b.issues);
            points.add(end, format!("{}:end", t.id))
        }
        None => start,
    };
    let mut levels = vec![0u8; b.dto.skills.len()];
    for (s, l) in b.levels(&t.skills, skill_index, &format!("{path}.skills")) {
        levels[s.get()] = l;
    }
    if t.shifts.is_empty() {
        b.issue(
            "E306",
            format!("{path}.shifts"),
            format!("technician `{}` has no shift", t.id),
            "add at least one shift",
        );
    }
    let mut shifts = Vec::new();
    for (k, s) in t.shifts.iter().enumerate() {
        let sp = format!("{path}.shifts[{k}]");
        if let (Some(start), Some(end)) = (
            b.time(&s.start, format!("{sp}.start")),
            b.time(&s.end, format!("{sp}.end")),
        ) {
            if end <= start {
                b.issue(
                    "E303",
                    sp,
                    "the shift ends before it starts".into(),
                    "swap start and end, or fix the dates",
                );
            } else {
                let lunch = s.lunch.as_ref().and_then(|l| {
                    let bp = format!("{sp}.break");
                    let earliest = b.time(&l.earliest, format!("{bp}.earliest"));
                    let latest = b.time(&l.latest, format!("{bp}.latest"));
                    let duration = b.duration(&l.duration, format!("{bp}.duration"));
                    let (from, to, duration) = (earliest?, latest?, duration?);
                    if to < from || from < start || to > end {
                        b.issue(
                            "E303",
                            bp,
                            "the break window ends before it starts or lies outside its shift"
                                .into(),
                            "give earliest ≤ latest, both within the shift",
                        );
                        return None;
                    }
                    Some(Break {
                        start: from,
                        end: to,
                        duration,
                    })
                });
                shifts.push(Shift {
                    start,
                    end,
                    lunch,
                    week: week_of(&b.origin, start),
                });
            }
        }
    }
    shifts.sort_by_key(|s| s.start);
    if shifts.windows(2).any(|w| w[1].start < w[0].end) {
        b.issue(
            "E307",
            format!("{path}.shifts"),
            format!("shifts of `{}` overlap", t.id),
            "make the shifts disjoint",
        );
    }
    if t.capacity.is_some_and(|c| c < 0) {
        b.issue(
            "E304",
            format!("{path}.capacity"),
            "negative capacity".into(),
            "use a capacity ≥ 0",
        );
    }
    let hours = Hours {
        overtime: t
            .max_overtime
            .as_deref()
            .and_then(|d| b.duration(d, format!("{path}.max_overtime")))
            .unwrap_or(0),
        overtime_rate: Rate::new(
            b.money(
                t.overtime_cost_per_hour,
                format!("{path}.overtime_cost_per_hour"),
            ),
            3600,
        ),
        max_working: t
            .max_working_time
            .as_deref()
            .and_then(|d| b.duration(d, format!("{path}.max_working_time"))),
        max_weekly: t
            .max_weekly_working_time
            .as_deref()
            .and_then(|d| b.duration(d, format!("{path}.max_weekly_working_time"))),
    };
    Technician {
        id: t.id.clone(),
        start,
        end,
        levels,
        shifts,
        work_rate: Rate::new(
            b.money(t.cost_per_hour, format!("{path}.cost_per_hour")),
            3600,
        ),
        fixed_cost: b.money(t.fixed_cost, format!("{path}.fixed_cost")),
        capacity: t.capacity,
        tools: 0,
        parts: Vec::new(),
        hours,
        crew: Vec::new(),
        distance_factor: 1,
    }
}
