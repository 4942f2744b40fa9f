//! Building a [`Problem`] in code, for services that hold their dispatch data in their own
//! types (and for tests): add skills, tiers, locations, technicians, sites and visits, then
//! build with a travel matrix. The builder fills what follows from the rest (skill-level
//! tables sized to the skills, visit locations from their sites, crew sizes, eligibility) and
//! checks what the file readers check of ids and times.

use crate::error::{Error, Issue, Result};

use super::{
    Clock, Coord, Eligibility, Hours, LocIdx, Objective, Preferences, Problem, Rate, Shift, Site,
    SiteIdx, Skill, SkillIdx, SlaTier, TechIdx, Technician, TierIdx, Time, TravelMatrix, Visit,
    VisitIdx, VisitKind, crew_size,
};

/// A problem being put together; [`build`](ProblemBuilder::build) validates it.
pub struct ProblemBuilder {
    problem: Problem,
}

impl Technician {
    /// A technician at `home` with these shifts and nothing else: no skills, no costs, no cap.
    pub fn new(id: impl Into<String>, home: LocIdx, shifts: Vec<Shift>) -> Self {
        Technician {
            id: id.into(),
            start: home,
            end: home,
            levels: Vec::new(),
            shifts,
            work_rate: Rate::default(),
            fixed_cost: 0,
            capacity: None,
            tools: 0,
            parts: Vec::new(),
            hours: Hours::default(),
            crew: Vec::new(),
            distance_factor: 1,
        }
    }
}

impl Visit {
    /// A mandatory visit of `kind` at `site` taking `duration`, with no skill, window, SLA or
    /// preference.
    pub fn new(id: impl Into<String>, site: SiteIdx, kind: VisitKind, duration: Time) -> Self {
        Visit {
            id: id.into(),
            site,
            loc: LocIdx(0),
            kind,
            duration,
            requires: Vec::new(),
            crew_size: 1,
            windows: Vec::new(),
            release: None,
            due: None,
            tier: None,
            priority: 1,
            penalty: None,
            demand: 0,
            tools: 0,
            parts: Vec::new(),
            preferences: Preferences::default(),
        }
    }
}

impl ProblemBuilder {
    /// An empty problem named `name` whose ticks `clock` describes, costed by `objective`.
    pub fn new(name: impl Into<String>, clock: Clock, objective: Objective) -> Self {
        ProblemBuilder {
            problem: Problem {
                name: name.into(),
                clock,
                skills: Vec::new(),
                tiers: Vec::new(),
                technicians: Vec::new(),
                sites: Vec::new(),
                visits: Vec::new(),
                depot: None,
                travel: std::sync::Arc::new(TravelMatrix::from_fn(0, |_, _| (0, 0))),
                coords: Vec::new(),
                objective,
                eligibility: Eligibility::compute(&[], &[]),
                level_durations: Vec::new(),
            },
        }
    }

    /// Adds a skill domain.
    pub fn skill(&mut self, name: impl Into<String>) -> SkillIdx {
        self.problem.skills.push(Skill { name: name.into() });
        SkillIdx(self.problem.skills.len() as u32 - 1)
    }

    /// Adds an SLA tier.
    pub fn tier(&mut self, tier: SlaTier) -> TierIdx {
        self.problem.tiers.push(tier);
        TierIdx(self.problem.tiers.len() as u32 - 1)
    }

    /// Adds a location of the travel matrix (its coordinates, if known, for maps).
    pub fn location(&mut self, at: Option<Coord>) -> LocIdx {
        self.problem.coords.push(at);
        LocIdx(self.problem.coords.len() as u32 - 1)
    }

    /// Adds a technician (or a crew).
    pub fn technician(&mut self, technician: Technician) -> TechIdx {
        self.problem.technicians.push(technician);
        TechIdx(self.problem.technicians.len() as u32 - 1)
    }

    /// Adds a customer site at `loc`.
    pub fn site(&mut self, id: impl Into<String>, loc: LocIdx, tier: Option<TierIdx>) -> SiteIdx {
        let id = id.into();
        self.problem.sites.push(Site { id, loc, tier });
        SiteIdx(self.problem.sites.len() as u32 - 1)
    }

    /// Adds a visit; its location is its site's, and its crew size at least what its counted
    /// skills need.
    pub fn visit(&mut self, mut visit: Visit) -> VisitIdx {
        if let Some(site) = self.problem.sites.get(visit.site.get()) {
            visit.loc = site.loc;
        }
        visit.crew_size = visit.crew_size.max(crew_size(&visit.requires));
        self.problem.visits.push(visit);
        VisitIdx(self.problem.visits.len() as u32 - 1)
    }

    /// Service time per mille of the nominal duration by level (see [`Problem::level_durations`]).
    pub fn level_durations(&mut self, permille: Vec<i64>) -> &mut Self {
        self.problem.level_durations = permille;
        self
    }

    /// The problem with `travel` between its locations, or every issue found: ids empty or
    /// repeated, references to what was not added, shifts that end before they start or
    /// overlap, a travel matrix of another size.
    pub fn build(mut self, travel: TravelMatrix) -> Result<Problem> {
        let p = &mut self.problem;
        let mut issues = Vec::new();
        let locations = p.coords.len();
        if travel.len() != locations {
            issues.push(Issue::new(
                "E401",
                "travel",
                format!("a matrix of {} locations for {locations}", travel.len()),
                "give one row and column per location added",
            ));
        }
        unique(
            p.technicians.iter().map(|t| t.id.as_str()),
            "technicians",
            &mut issues,
        );
        unique(p.sites.iter().map(|s| s.id.as_str()), "sites", &mut issues);
        unique(
            p.visits.iter().map(|v| v.id.as_str()),
            "visits",
            &mut issues,
        );
        let skills = p.skills.len();
        for (i, t) in p.technicians.iter_mut().enumerate() {
            t.levels.resize(skills, 0);
            let place = format!("technicians[{i}]");
            if [t.start, t.end].iter().any(|l| l.get() >= locations) {
                issues.push(unknown(&place, "location"));
            }
            t.shifts.sort_by_key(|s| s.start);
            if t.shifts.is_empty() || t.shifts.iter().any(|s| s.end <= s.start) {
                issues.push(Issue::new(
                    "E303",
                    place.clone(),
                    format!("technician {} needs shifts that end after they start", t.id),
                    "give every shift a start before its end",
                ));
            }
            if t.shifts.windows(2).any(|w| w[1].start < w[0].end) {
                issues.push(Issue::new(
                    "E307",
                    place,
                    format!("shifts of {} overlap", t.id),
                    "make the shifts disjoint",
                ));
            }
        }
        for (i, s) in p.sites.iter().enumerate() {
            if s.loc.get() >= locations || s.tier.is_some_and(|t| t.get() >= p.tiers.len()) {
                issues.push(unknown(&format!("sites[{i}]"), "location or tier"));
            }
        }
        let techs = p.technicians.len();
        for (i, v) in p.visits.iter_mut().enumerate() {
            let place = format!("visits[{i}]");
            let known_tech = |t: &TechIdx| t.get() < techs;
            let prefs = &v.preferences;
            if v.site.get() >= p.sites.len()
                || v.tier.is_some_and(|t| t.get() >= p.tiers.len())
                || v.requires.iter().any(|r| r.skill.get() >= skills)
                || !prefs
                    .excluded
                    .iter()
                    .chain(&prefs.preferred)
                    .all(known_tech)
            {
                issues.push(unknown(&place, "site, tier, skill or technician"));
            }
            v.windows.sort_by_key(|w| w.start);
            if v.windows.iter().any(|w| w.end < w.start) || v.duration < 0 {
                issues.push(Issue::new(
                    "E303",
                    place,
                    format!("visit {} has a window that ends before it starts", v.id),
                    "give every window a start no later than its end",
                ));
            }
        }
        if !issues.is_empty() {
            return Err(Error::invalid("problem builder", issues));
        }
        p.travel = std::sync::Arc::new(travel);
        p.eligibility = Eligibility::compute(&p.technicians, &p.visits);
        Ok(self.problem)
    }
}

fn unknown(place: &str, what: &str) -> Issue {
    Issue::new(
        "E202",
        place.to_string(),
        format!("it refers to a {what} that was not added"),
        "add it to the builder first",
    )
}

fn unique<'a>(ids: impl Iterator<Item = &'a str>, section: &str, issues: &mut Vec<Issue>) {
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() || !seen.insert(id) {
            issues.push(Issue::new(
                "E201",
                format!("{section}[{i}]"),
                format!("empty or repeated id `{id}`"),
                "give every item its own id",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectiveKind;

    fn empty() -> ProblemBuilder {
        let objective = Objective {
            kind: ObjectiveKind::Native,
            distance: Rate::new(1, 1000),
            unassigned: 10_000_000,
            cost_scale: 1000,
            distance_per_member: false,
        };
        let origin = chrono::DateTime::parse_from_rfc3339("2026-03-02T08:00:00+01:00").unwrap();
        ProblemBuilder::new("built", Clock::Calendar { origin }, objective)
    }

    #[test]
    fn what_a_reader_rejects_the_builder_rejects() {
        let mut b = empty();
        let home = b.location(None);
        b.technician(Technician::new("T1", home, vec![Shift::new(100, 50)]));
        b.technician(Technician::new("T1", LocIdx(7), vec![Shift::new(0, 50)]));
        b.visit(Visit::new("V1", SiteIdx(3), VisitKind::Repair, 60));
        let Err(Error::Invalid { issues, .. }) = b.build(TravelMatrix::from_fn(2, |_, _| (0, 0)))
        else {
            panic!("invalid");
        };
        let codes: Vec<&str> = issues.iter().map(|i| i.code).collect();
        assert_eq!(codes, ["E401", "E201", "E303", "E202", "E202"]);
    }
}
