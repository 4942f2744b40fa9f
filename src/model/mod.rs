//! The validated, immutable problem: dense indices, integer time, a flat travel matrix and the
//! technician × visit eligibility table.

pub mod builder;
pub mod calendar;
mod eligibility;
mod travel;
pub mod units;

pub use calendar::Calendar;
pub use eligibility::Eligibility;
pub use travel::TravelMatrix;

use chrono::{DateTime, FixedOffset};

/// Most spare-part types a problem may have.
pub const MAX_PART_TYPES: usize = 16;
/// Most tool types a problem may have (tools are a bit set).
pub const MAX_TOOLS: usize = 64;

/// Time in ticks from the horizon start (seconds for the native format; scaled file units for
/// benchmark formats).
pub type Time = i64;
/// Cost in integer cost units (see [`Objective::cost_scale`]).
pub type Cost = i64;

macro_rules! index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            /// The index as a `usize`.
            pub fn get(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index!(
    /// Dense index of a technician.
    TechIdx
);
index!(
    /// Dense index of a visit.
    VisitIdx
);
index!(
    /// Dense index of a site.
    SiteIdx
);
index!(
    /// Dense index of a skill.
    SkillIdx
);
index!(
    /// Dense index of a location in the travel matrix.
    LocIdx
);
index!(
    /// Dense index of an SLA tier.
    TierIdx
);

/// How ticks, distances and costs are shown to people and written in plans.
#[derive(Debug, Clone, PartialEq)]
pub enum Clock {
    /// Ticks are seconds after `origin`; plans carry RFC 3339 timestamps, distances are metres.
    Calendar {
        /// The horizon start.
        origin: DateTime<FixedOffset>,
    },
    /// Ticks are `ticks_per_unit` per unit of the benchmark file; plans carry plain numbers.
    Numeric {
        /// Ticks per file unit (10 for one-decimal truncation, 10 000 for double precision).
        ticks_per_unit: i64,
    },
}

impl Clock {
    /// Ticks per displayed unit of time and distance (1 s and 1 m for calendars).
    pub fn ticks_per_unit(&self) -> i64 {
        match self {
            Clock::Calendar { .. } => 1,
            Clock::Numeric { ticks_per_unit } => *ticks_per_unit,
        }
    }
}

/// An amount of cost per amount of ticks (cost = ticks × `cost` / `per`, rounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    /// Cost units charged per `per` ticks.
    pub cost: Cost,
    /// Ticks the cost is charged for (> 0).
    pub per: i64,
}

impl Rate {
    /// A rate of `cost` per `per` ticks.
    pub const fn new(cost: Cost, per: i64) -> Self {
        Rate { cost, per }
    }

    /// The cost of one tick, unrounded (0 for a rate of nothing per nothing).
    pub fn per_tick(self) -> f64 {
        match self.per {
            0 => 0.0,
            per => self.cost as f64 / per as f64,
        }
    }

    /// The cost of `ticks` ticks, rounded half away from zero.
    pub fn apply(self, ticks: i64) -> Cost {
        if self.cost == 0 || ticks == 0 {
            return 0;
        }
        // In 64 bits when nothing overflows (a 128-bit division is several times slower).
        let narrow = (ticks.checked_mul(self.cost))
            .and_then(|num| num.checked_mul(2))
            .and_then(|twice| twice.checked_add(self.per.signum() * self.per))
            .zip(self.per.checked_mul(2));
        if let Some((num, per)) = narrow {
            return match per {
                2 if num >= 0 => num >> 1,
                per => num / per,
            };
        }
        let num = ticks as i128 * self.cost as i128;
        let per = self.per as i128;
        let q = (2 * num + per.signum() * per) / (2 * per);
        q as Cost
    }
}

/// Kinds of on-site work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitKind {
    /// A new installation.
    Installation,
    /// A periodic or regulatory inspection.
    Inspection,
    /// Planned maintenance.
    Maintenance,
    /// A repair of a fault.
    Repair,
}

impl VisitKind {
    /// All kinds, in a fixed order.
    pub const ALL: [VisitKind; 4] = [
        VisitKind::Installation,
        VisitKind::Inspection,
        VisitKind::Maintenance,
        VisitKind::Repair,
    ];

    /// The lower-case name used in files.
    pub fn name(self) -> &'static str {
        match self {
            VisitKind::Installation => "installation",
            VisitKind::Inspection => "inspection",
            VisitKind::Maintenance => "maintenance",
            VisitKind::Repair => "repair",
        }
    }
}

/// A skill domain (hvac, electrical, fiber …).
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    /// Name as in the input.
    pub name: String,
}

/// A named response-time promise.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaTier {
    /// Name, e.g. `platinum`.
    pub name: String,
    /// Service must start within this many ticks of the request.
    pub response: Time,
    /// Penalty for lateness past the due time.
    pub lateness: Rate,
    /// Penalty once per visit that starts after its due time.
    pub breach: Cost,
}

/// One working period of a technician: leave home at or after `start`, back by `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// Earliest departure.
    pub start: Time,
    /// Latest return.
    pub end: Time,
    /// The break to take, if the shift has one.
    pub lunch: Option<Break>,
    /// The calendar week the shift starts in (0: the week of the problem's first day), for
    /// weekly working-time caps.
    pub week: i32,
}

impl Shift {
    /// A shift from `start` to `end` without a break, in week 0.
    pub fn new(start: Time, end: Time) -> Self {
        Shift {
            start,
            end,
            lunch: None,
            week: 0,
        }
    }
}

/// A break of `duration` that starts between `start` and `end`, wherever the technician is.
/// It is owed when the technician works past `start`: when service ends after `start` and the
/// shift did not begin after `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// Earliest start.
    pub start: Time,
    /// Latest start.
    pub end: Time,
    /// How long it lasts.
    pub duration: Time,
}

impl Break {
    /// Whether a route that leaves at `departure` and ends its last service at `last_end` owes
    /// the break.
    pub fn is_owed(&self, departure: Time, last_end: Time) -> bool {
        departure <= self.end && last_end > self.start
    }
}

/// A technician with home, skill levels, shifts and costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Technician {
    /// Id as in the input.
    pub id: String,
    /// Where each shift starts.
    pub start: LocIdx,
    /// Where each shift ends.
    pub end: LocIdx,
    /// Level per skill (indexed by [`SkillIdx`]); 0 means not held.
    pub levels: Vec<u8>,
    /// Working periods, sorted by start.
    pub shifts: Vec<Shift>,
    /// Cost of working time, from departure to return.
    pub work_rate: Rate,
    /// Fixed cost of using this technician in a shift.
    pub fixed_cost: Cost,
    /// Load the technician can carry, if limited.
    pub capacity: Option<i64>,
    /// Tools carried at the start of each shift (bit set).
    pub tools: u64,
    /// Spare parts carried at the start of each shift, per part type.
    pub parts: Vec<i64>,
    /// Overtime allowance and working-time cap.
    pub hours: Hours,
    /// When this stands for a crew that travels and works together in every shift: its
    /// technicians (empty for a technician working alone).
    pub crew: Vec<Member>,
    /// How many times the route's distance is charged (1: one vehicle).
    pub distance_factor: i64,
}

/// One technician of a crew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Id as in the input.
    pub id: String,
    /// Level per skill (indexed by [`SkillIdx`]); 0 means not held.
    pub levels: Vec<u8>,
}

/// The level in `skill` of levels indexed by [`SkillIdx`] (0 when not held).
pub fn level_in(levels: &[u8], skill: SkillIdx) -> u8 {
    levels.get(skill.get()).copied().unwrap_or(0)
}

impl Technician {
    /// The technician's level in `skill` (0 when not held).
    pub fn level(&self, skill: SkillIdx) -> u8 {
        level_in(&self.levels, skill)
    }

    /// The people who work this route, with their levels: the crew's members, or the
    /// technician alone.
    pub fn people(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let alone = self
            .crew
            .is_empty()
            .then_some((self.id.as_str(), self.levels.as_slice()));
        let members = self
            .crew
            .iter()
            .map(|m| (m.id.as_str(), m.levels.as_slice()));
        alone.into_iter().chain(members)
    }

    /// A crew of `members` working as one: the first one's home, shifts, capacity, kit and
    /// pay units, every member's pay, the shortest overtime allowance and caps, and the highest
    /// level of each skill (for durations by level). Its distance is charged once.
    pub fn crew_of(id: String, members: &[&Technician]) -> Technician {
        let lead = members[0];
        let mut levels = lead.levels.clone();
        for m in members {
            for (l, &level) in levels.iter_mut().zip(&m.levels) {
                *l = (*l).max(level);
            }
        }
        let sum = |rate: fn(&Technician) -> Rate| {
            let first = rate(lead);
            Rate::new(members.iter().map(|&m| rate(m).cost).sum(), first.per)
        };
        let least =
            |f: fn(&Hours) -> Option<Time>| members.iter().filter_map(|m| f(&m.hours)).min();
        Technician {
            id,
            levels,
            work_rate: sum(|t| t.work_rate),
            fixed_cost: members.iter().map(|m| m.fixed_cost).sum(),
            hours: Hours {
                overtime: members.iter().map(|m| m.hours.overtime).min().unwrap_or(0),
                overtime_rate: sum(|t| t.hours.overtime_rate),
                max_working: least(|h| h.max_working),
                max_weekly: least(|h| h.max_weekly),
            },
            crew: members
                .iter()
                .map(|m| Member {
                    id: m.id.clone(),
                    levels: m.levels.clone(),
                })
                .collect(),
            distance_factor: 1,
            ..lead.clone()
        }
    }

    /// What it is, for people: `"crew"` or `"technician"`.
    pub fn noun(&self) -> &'static str {
        if self.crew.is_empty() {
            "technician"
        } else {
            "crew"
        }
    }

    /// How many technicians work in this route: the crew's size, or 1.
    pub fn size(&self) -> usize {
        self.crew.len().max(1)
    }

    /// How many of the route's technicians hold `skill` at `level` or above.
    pub fn holding(&self, skill: SkillIdx, level: u8) -> usize {
        self.people()
            .filter(|&(_, levels)| level_in(levels, skill) >= level)
            .count()
    }

    /// Whether the technician (or crew) is large enough for `visit` and holds every level it
    /// requires as many times as it requires it.
    pub fn holds_levels(&self, visit: &Visit) -> bool {
        self.size() >= usize::from(visit.crew_size)
            && visit
                .requires
                .iter()
                .all(|r| self.holding(r.skill, r.level) >= usize::from(r.count))
    }

    /// Whether `other` is this technician in all but the name and the shifts: same homes,
    /// levels, costs, capacity, tools, parts, hours, crew and distance factor.
    pub fn is_like(&self, other: &Technician) -> bool {
        self.start == other.start
            && self.end == other.end
            && self.levels == other.levels
            && self.work_rate == other.work_rate
            && self.fixed_cost == other.fixed_cost
            && self.capacity == other.capacity
            && self.tools == other.tools
            && self.parts == other.parts
            && self.hours == other.hours
            && self.crew == other.crew
            && self.distance_factor == other.distance_factor
    }

    /// Whether a shift may run over, the working time is capped, or a shift has a break.
    pub fn has_shift_rules(&self) -> bool {
        !self.hours.is_plain() || self.shifts.iter().any(|s| s.lunch.is_some())
    }
}

/// How long a technician may work: overtime past the end of a shift, and caps per shift and
/// per week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hours {
    /// How far past its end a shift may run (0: not at all).
    pub overtime: Time,
    /// Cost of each tick past the end of the shift, on top of the working-time cost.
    pub overtime_rate: Rate,
    /// Most working time (departure to return) in one shift, if capped.
    pub max_working: Option<Time>,
    /// Most working time over the shifts of one calendar week, if capped.
    pub max_weekly: Option<Time>,
}

impl Hours {
    /// Whether the shift ends where it says and the working time is not capped.
    pub fn is_plain(&self) -> bool {
        self.overtime == 0 && self.max_working.is_none() && self.max_weekly.is_none()
    }

    /// Ticks of `back` past the end of `shift`.
    pub fn overtime(shift: Shift, back: Time) -> Time {
        (back - shift.end).max(0)
    }
}

/// Who should or must not do a visit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preferences {
    /// Technicians that must not do it.
    pub excluded: Vec<TechIdx>,
    /// Technicians the customer prefers (none: no preference).
    pub preferred: Vec<TechIdx>,
    /// Cost when a technician outside `preferred` does it.
    pub preferred_penalty: Cost,
    /// The technician who last served the site.
    pub previous: Option<TechIdx>,
    /// Cost when someone other than `previous` does it.
    pub continuity_penalty: Cost,
    /// When re-planning: the technician the current plan gives it, and the cost of a change.
    pub planned: Option<(TechIdx, Cost)>,
}

impl Preferences {
    /// Whether the preferences name no technician: every technician is the same to the visit.
    pub fn are_none(&self) -> bool {
        self.excluded.is_empty() && !self.is_soft()
    }

    /// Whether any preference costs something.
    pub fn is_soft(&self) -> bool {
        !self.preferred.is_empty() || self.previous.is_some() || self.planned.is_some()
    }

    /// What it costs when technician `t` does the visit: preference, continuity and change.
    #[inline]
    pub fn cost(&self, t: TechIdx) -> Cost {
        self.preference_cost(t) + self.change_cost(t)
    }

    /// The preference and continuity penalties when technician `t` does the visit.
    #[inline]
    pub fn preference_cost(&self, t: TechIdx) -> Cost {
        let mut cost = 0;
        if !self.preferred.is_empty() && !self.preferred.contains(&t) {
            cost += self.preferred_penalty;
        }
        if self.previous.is_some_and(|p| p != t) {
            cost += self.continuity_penalty;
        }
        cost
    }

    /// The change penalty when re-planning gives the visit to `t` instead of its planned
    /// technician.
    #[inline]
    pub fn change_cost(&self, t: TechIdx) -> Cost {
        self.planned
            .filter(|&(p, _)| p != t)
            .map_or(0, |(_, change)| change)
    }
}

/// A customer location.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Id as in the input.
    pub id: String,
    /// Location in the travel matrix.
    pub loc: LocIdx,
    /// The customer's SLA tier.
    pub tier: Option<TierIdx>,
}

/// A time window for the start of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Earliest start.
    pub start: Time,
    /// Latest start.
    pub end: Time,
}

/// A required skill at a minimum level, held by `count` technicians of the crew that does the
/// visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// The skill.
    pub skill: SkillIdx,
    /// The minimum level.
    pub level: u8,
    /// How many technicians need it at that level (1 unless the visit needs a crew).
    pub count: u8,
}

/// One on-site job.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// Id as in the input.
    pub id: String,
    /// Where it happens.
    pub site: SiteIdx,
    /// The site's location (copied for the hot path).
    pub loc: LocIdx,
    /// What kind of work.
    pub kind: VisitKind,
    /// Service duration in ticks.
    pub duration: Time,
    /// Skills required, each at a minimum level by a number of technicians.
    pub requires: Vec<Requirement>,
    /// Technicians needed on site together (1 for work done alone).
    pub crew_size: u8,
    /// Windows for the start of service, sorted; empty means any time in a shift.
    pub windows: Vec<Window>,
    /// When the request came in; service cannot start before it.
    pub release: Option<Time>,
    /// Due time of the SLA response (release + tier target).
    pub due: Option<Time>,
    /// The SLA tier that applies.
    pub tier: Option<TierIdx>,
    /// Multiplier of the visit's lateness, breach and leave-out penalties.
    pub priority: i64,
    /// Cost of leaving the visit out; `None` for a mandatory visit.
    pub penalty: Option<Cost>,
    /// Load taken from the technician's capacity.
    pub demand: i64,
    /// Tools needed (bit set); not consumed.
    pub tools: u64,
    /// Spare parts used up, per part type.
    pub parts: Vec<i64>,
    /// Preferred, excluded and previous technicians.
    pub preferences: Preferences,
}

impl Visit {
    /// Whether the visit needs tools or uses up spare parts.
    pub fn needs_kit(&self) -> bool {
        self.tools != 0 || self.parts.iter().any(|&p| p > 0)
    }

    /// Whether the visit must be served.
    pub fn is_mandatory(&self) -> bool {
        self.penalty.is_none()
    }
}

/// A depot where technicians restock every tool and spare part.
#[derive(Debug, Clone, PartialEq)]
pub struct Depot {
    /// Id as in the input (written for restock stops in plans).
    pub id: String,
    /// Location in the travel matrix.
    pub loc: LocIdx,
}

/// Which objective the costs implement (for reports and the exact engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectiveKind {
    /// Field-service costs: leave-outs, SLA breaches, lateness, working time, technicians.
    Native,
    /// Fewest technicians, then distance (double precision).
    Hierarchical,
    /// Distance only, each edge truncated to one decimal.
    Distance,
    /// Total working duration of the technicians (Pillac TRSP).
    Duration,
    /// Distance plus outsourcing cost of left-out visits (Kovacs STRSP).
    Outsourcing,
}

impl ObjectiveKind {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            ObjectiveKind::Native => "native",
            ObjectiveKind::Hierarchical => "hierarchical",
            ObjectiveKind::Distance => "distance",
            ObjectiveKind::Duration => "duration",
            ObjectiveKind::Outsourcing => "outsourcing",
        }
    }
}

/// The weights of the objective that are not carried by technicians, tiers or visits.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// Which objective this is.
    pub kind: ObjectiveKind,
    /// Cost per distance tick.
    pub distance: Rate,
    /// Cost of leaving out one mandatory visit (times its priority).
    pub unassigned: Cost,
    /// Cost units per displayed cost unit.
    pub cost_scale: i64,
    /// Whether every member of a crew drives (Kovacs STRSP: a crew's distance is charged once
    /// per member), rather than the crew sharing one vehicle.
    pub distance_per_member: bool,
}

impl Objective {
    /// A cost in displayed units.
    pub fn display_cost(&self, c: Cost) -> f64 {
        c as f64 / self.cost_scale as f64
    }
}

/// Where a location sits: on the globe (degrees) or in the plane of a benchmark file. Travel
/// comes from the matrix; coordinates are for maps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coord {
    /// Latitude and longitude in degrees.
    Sphere {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
    },
    /// Planar coordinates.
    Plane {
        /// Abscissa.
        x: f64,
        /// Ordinate.
        y: f64,
    },
}

/// A complete, validated dispatch problem.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Instance name.
    pub name: String,
    /// How ticks map to displayed times.
    pub clock: Clock,
    /// Skill domains.
    pub skills: Vec<Skill>,
    /// SLA tiers.
    pub tiers: Vec<SlaTier>,
    /// Technicians.
    pub technicians: Vec<Technician>,
    /// Customer sites.
    pub sites: Vec<Site>,
    /// Visits to plan.
    pub visits: Vec<Visit>,
    /// The restock depot, if the format has one.
    pub depot: Option<Depot>,
    /// Travel durations and distances between locations (shared with the sub-problems cut
    /// from the problem).
    pub travel: std::sync::Arc<TravelMatrix>,
    /// Coordinates of each location, where the input gives them.
    pub coords: Vec<Option<Coord>>,
    /// Objective weights.
    pub objective: Objective,
    /// Which technician may do which visit.
    pub eligibility: Eligibility,
    /// Service time per mille of a visit's nominal duration, indexed by the technician's level
    /// in the visit's skills (the lowest of them); empty when durations do not depend on levels.
    pub level_durations: Vec<i64>,
}

impl Problem {
    /// Technician by index.
    pub fn tech(&self, t: TechIdx) -> &Technician {
        &self.technicians[t.get()]
    }

    /// Visit by index.
    pub fn visit(&self, v: VisitIdx) -> &Visit {
        &self.visits[v.get()]
    }

    /// Whether technician `t` has every level visit `v` requires.
    pub fn is_eligible(&self, t: TechIdx, v: VisitIdx) -> bool {
        self.eligibility.get(t, v)
    }

    /// How long technician `t` takes for visit `v`.
    #[inline]
    pub fn duration(&self, t: TechIdx, v: VisitIdx) -> Time {
        let visit = self.visit(v);
        if self.level_durations.is_empty() || visit.requires.is_empty() {
            return visit.duration;
        }
        let tech = self.tech(t);
        let level = visit
            .requires
            .iter()
            .map(|r| tech.level(r.skill))
            .min()
            .unwrap_or(0);
        let permille = self
            .level_durations
            .get(level as usize)
            .copied()
            .unwrap_or(1000);
        (visit.duration * permille + 500) / 1000
    }

    /// Whether a visit's duration or cost depends on who does it.
    pub fn is_personal(&self, v: VisitIdx) -> bool {
        !self.level_durations.is_empty() || self.visit(v).preferences.is_soft()
    }

    /// Technician indices.
    pub fn tech_indices(&self) -> impl Iterator<Item = TechIdx> + '_ {
        (0..self.technicians.len() as u32).map(TechIdx)
    }

    /// Every technician shift as (technician, shift index), technician by technician.
    pub fn tech_shifts(&self) -> impl Iterator<Item = (TechIdx, usize)> + '_ {
        self.tech_indices()
            .flat_map(move |t| (0..self.tech(t).shifts.len()).map(move |s| (t, s)))
    }

    /// Visit indices.
    pub fn visit_indices(&self) -> impl Iterator<Item = VisitIdx> + '_ {
        (0..self.visits.len() as u32).map(VisitIdx)
    }

    /// A crew `id` of `members` working as one ([`Technician::crew_of`]), its distance
    /// charged once per member when the objective says every member drives.
    pub fn crew_of(&self, id: String, members: &[&Technician]) -> Technician {
        let mut crew = Technician::crew_of(id, members);
        if self.objective.distance_per_member {
            crew.distance_factor = members.len() as i64;
        }
        crew
    }

    /// Whether some visit needs several technicians together while every technician works
    /// alone: crews have to be formed before routing ([`crate::solver::crews`]).
    pub fn needs_crews(&self) -> bool {
        self.visits.iter().any(|v| v.crew_size > 1)
            && self.technicians.iter().all(|t| t.crew.is_empty())
    }

    /// The penalty for leaving out `v`.
    pub fn leave_out_cost(&self, v: VisitIdx) -> Cost {
        let visit = self.visit(v);
        visit
            .penalty
            .unwrap_or(self.objective.unassigned)
            .saturating_mul(visit.priority)
    }
}

/// The least crew that can meet `requires`: as many technicians as the largest count (one
/// technician may hold several of the skills).
pub fn crew_size(requires: &[Requirement]) -> u8 {
    requires.iter().map(|r| r.count).max().unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::Rate;

    /// The 64-bit shortcut rounds as the 128-bit formula does, negative ticks and costs too.
    #[test]
    fn rates_round_alike_in_64_and_128_bits() {
        let wide = |r: Rate, ticks: i64| {
            let num = ticks as i128 * r.cost as i128;
            let per = r.per as i128;
            ((2 * num + per.signum() * per) / (2 * per)) as i64
        };
        for cost in [-7, -1, 1, 2, 3, 10, 997, i64::MAX / 3] {
            for per in [1, 2, 3, 7, 60, 3600, 1 << 40] {
                for ticks in [
                    -1001,
                    -61,
                    -3,
                    -1,
                    1,
                    2,
                    3,
                    59,
                    60,
                    61,
                    1_000_003,
                    i64::MAX / 5,
                ] {
                    let r = Rate::new(cost, per);
                    assert_eq!(r.apply(ticks), wide(r, ticks), "{cost}/{per} × {ticks}");
                }
            }
        }
    }
}
