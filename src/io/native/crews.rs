//! Crews: technicians who travel and work together, routed as one.

use std::collections::HashMap;

use crate::model::Technician;

use super::build::{Builder, check_unique};
use super::dto::*;

/// The crews of a problem: which technicians each one has, by their index in `technicians`.
pub(super) struct Crews {
    /// Members of each crew of `crews`, in the order given (none for a crew rejected).
    pub(super) members: Vec<Vec<usize>>,
    /// The crew each technician is in, if any.
    pub(super) crew_of: Vec<Option<usize>>,
}

/// Reads `crews`: known technicians, at least two per crew, none in two crews, ids unique
/// among technicians and crews.
pub(super) fn crews(b: &mut Builder<'_>, people: &HashMap<&str, u32>) -> Crews {
    let dto = b.dto;
    let mut crews = Crews {
        members: Vec::new(),
        crew_of: vec![None; dto.technicians.len()],
    };
    let ids = check_unique(
        dto.crews.iter().map(|c| c.id.as_str()),
        "crews",
        &mut b.issues,
    );
    for (c, crew) in dto.crews.iter().enumerate() {
        let path = format!("$.crews[{c}]");
        // Crews keep their place in `members`, a rejected one with none.
        crews.members.push(Vec::new());
        if people.contains_key(crew.id.as_str()) {
            b.issue(
                "E201",
                format!("{path}.id"),
                format!("crew id `{}` is also a technician's", crew.id),
                "give the crew an id of its own",
            );
            continue;
        }
        // An empty or repeated id: `check_unique` reported it.
        if ids.get(crew.id.as_str()) != Some(&(c as u32)) {
            continue;
        }
        let mut members = Vec::new();
        for (k, id) in crew.technicians.iter().enumerate() {
            let at = format!("{path}.technicians[{k}]");
            let Some(&t) = b.known(people, id, ("technician", "technicians"), at.clone()) else {
                continue;
            };
            let t = t as usize;
            match crews.crew_of[t] {
                Some(other) => b.issue(
                    "E314",
                    at,
                    format!("`{id}` is already in crew `{}`", dto.crews[other].id),
                    "put each technician in one crew at most",
                ),
                None => {
                    crews.crew_of[t] = Some(c);
                    members.push(t);
                }
            }
        }
        if crew.technicians.len() < 2 {
            b.issue(
                "E314",
                format!("{path}.technicians"),
                format!("crew `{}` has fewer than two technicians", crew.id),
                "list two or more technicians, or drop the crew",
            );
        }
        crews.members[c] = members;
    }
    crews
}

impl Crews {
    /// The technician (or crew, for its members and its own id) each id stands for, as an
    /// index of the routed technicians: each crew takes the place of its first member.
    pub(super) fn index<'d>(&self, dto: &'d ProblemDto) -> HashMap<&'d str, u32> {
        let mut index = HashMap::new();
        let mut unit_of_crew = vec![None; self.members.len()];
        let mut next = 0u32;
        for (t, tech) in dto.technicians.iter().enumerate() {
            let unit = match self.crew_of[t] {
                None => {
                    next += 1;
                    next - 1
                }
                Some(c) => *unit_of_crew[c].get_or_insert_with(|| {
                    next += 1;
                    next - 1
                }),
            };
            index.entry(tech.id.as_str()).or_insert(unit);
        }
        for (c, crew) in dto.crews.iter().enumerate() {
            if let Some(unit) = unit_of_crew.get(c).copied().flatten() {
                index.entry(crew.id.as_str()).or_insert(unit);
            }
        }
        index
    }

    /// The routed technicians: each one alone, and each crew as one (in the place of its
    /// first member) with the first member's home, shifts, capacity and hours, every
    /// member's pay, and the highest level of each skill for durations by level.
    pub(super) fn units(&self, b: &mut Builder<'_>, people: Vec<Technician>) -> Vec<Technician> {
        if self.members.is_empty() {
            return people;
        }
        let mut units = Vec::with_capacity(people.len());
        let mut placed = vec![false; self.members.len()];
        for (t, person) in people.iter().enumerate() {
            match self.crew_of.get(t).copied().flatten() {
                None => units.push(person.clone()),
                Some(c) if !placed[c] => {
                    placed[c] = true;
                    let members: Vec<&Technician> =
                        self.members[c].iter().map(|&m| &people[m]).collect();
                    units.push(crew(b, c, &members));
                }
                Some(_) => {}
            }
        }
        units
    }
}

/// The technician that stands for crew `c` of `members` (one or more).
pub(super) fn crew(b: &mut Builder<'_>, c: usize, members: &[&Technician]) -> Technician {
    let lead = members[0];
    let id = b.dto.crews[c].id.clone();
    let same_shifts = |t: &&Technician| {
        t.shifts.len() == lead.shifts.len()
            && t.shifts
                .iter()
                .zip(&lead.shifts)
                .all(|(a, b)| (a.start, a.end) == (b.start, b.end))
    };
    if !members.iter().all(same_shifts) {
        b.issue(
            "E314",
            format!("$.crews[{c}].technicians"),
            format!("the technicians of crew `{id}` have different shifts"),
            "give every technician of a crew the same shifts",
        );
    }
    Technician::crew_of(id, members)
}
