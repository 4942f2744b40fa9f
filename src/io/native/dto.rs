//! The serde DTOs of the native format and their defaults.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::io::roads::RoadNetworkDto;

/// A dispatch problem in the native format.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemDto {
    /// Instance name.
    #[serde(default)]
    pub name: String,
    /// Skill domains, e.g. `["hvac", "electrical"]`.
    pub skills: Vec<String>,
    /// SLA tiers; sites and visits name them.
    #[serde(default)]
    pub sla_tiers: Vec<SlaTierDto>,
    /// Business-hour calendars; SLA tiers name them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendars: Vec<CalendarDto>,
    /// The technicians.
    pub technicians: Vec<TechnicianDto>,
    /// Crews: technicians who travel and work together in every shift, routed as one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crews: Vec<CrewDto>,
    /// Customer sites.
    pub sites: Vec<SiteDto>,
    /// Visits to plan.
    pub visits: Vec<VisitDto>,
    /// How travel is measured (haversine by default).
    #[serde(default)]
    pub travel: TravelDto,
    /// Objective weights not carried by technicians, tiers or visits.
    #[serde(default)]
    pub objective: ObjectiveDto,
    /// Service time factor by the technician's level in the visit's skills (the lowest of
    /// them), e.g. `{"4": 0.9, "5": 0.8}`; levels not listed take the nominal duration.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub duration_factor_by_level: BTreeMap<String, f64>,
}

/// A response-time promise.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTierDto {
    /// Name, e.g. `platinum`.
    pub name: String,
    /// Service must start within this ISO 8601 duration of `requested_at`, e.g. `PT4H`.
    pub response: String,
    /// Penalty per minute late.
    #[serde(default)]
    pub penalty_per_minute: f64,
    /// Penalty once per visit that starts late.
    #[serde(default)]
    pub breach_penalty: f64,
    /// Count `response` in the open hours of this calendar (default: calendar hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// Weekly business hours with holidays.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDto {
    /// Name the SLA tiers refer to.
    pub name: String,
    /// UTC offset the hours are in, e.g. `+01:00` (default: that of the earliest shift start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<String>,
    /// Open hours by weekday (`mon` … `sun`), each a list of `["HH:MM", "HH:MM"]`; days not
    /// listed are closed.
    pub hours: BTreeMap<String, Vec<[String; 2]>>,
    /// Dates closed all day, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
}

/// A point: `lat`/`lon` in degrees, or planar `x`/`y` in kilometres (benchmark data).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationDto {
    /// Latitude in degrees (−90 to 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude in degrees (−180 to 180).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Planar x in kilometres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    /// Planar y in kilometres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
}

/// A working period: RFC 3339 start and end.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftDto {
    /// Earliest departure from home.
    pub start: String,
    /// Latest return home.
    pub end: String,
    /// A break owed when working past its earliest start.
    #[serde(default, rename = "break", skip_serializing_if = "Option::is_none")]
    pub lunch: Option<BreakDto>,
}

/// A break placed by the solver wherever the technician is: it starts between `earliest` and
/// `latest` (RFC 3339) and lasts `duration` (ISO 8601).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakDto {
    /// Earliest start.
    pub earliest: String,
    /// Latest start.
    pub latest: String,
    /// How long it lasts, e.g. `PT30M`.
    pub duration: String,
}

/// A technician.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicianDto {
    /// Unique id.
    pub id: String,
    /// Where every shift starts (and ends, unless `end_location` is given).
    pub home: LocationDto,
    /// Where every shift ends, if not at home.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_location: Option<LocationDto>,
    /// Level (1–5) of each skill held.
    #[serde(default)]
    pub skills: BTreeMap<String, i64>,
    /// One or more shifts; several make a multi-day horizon.
    pub shifts: Vec<ShiftDto>,
    /// Cost per hour worked, from departure to return.
    #[serde(default)]
    pub cost_per_hour: f64,
    /// Fixed cost of using the technician in a shift.
    #[serde(default)]
    pub fixed_cost: f64,
    /// Load the technician can carry, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
    /// How far past its end a shift may run (ISO 8601; none by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_overtime: Option<String>,
    /// Cost per hour of overtime, on top of `cost_per_hour`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub overtime_cost_per_hour: f64,
    /// Most working time (departure to return) in one shift (ISO 8601), if capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_working_time: Option<String>,
    /// Most working time over the shifts that start in one calendar week, Monday to Sunday in
    /// the offset of the first timestamp (ISO 8601), if capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_weekly_working_time: Option<String>,
}

/// A customer site.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteDto {
    /// Unique id.
    pub id: String,
    /// Where it is.
    pub location: LocationDto,
    /// The customer's SLA tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// The technician who last served the site: sending someone else costs
    /// `objective.continuity_penalty` per visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_technician: Option<String>,
}

/// Kind of visit.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum VisitKindDto {
    /// A new installation.
    Installation,
    /// An inspection.
    Inspection,
    /// Planned maintenance.
    Maintenance,
    /// A repair.
    Repair,
}

/// Technicians who travel together from the first one's home and work every visit together.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrewDto {
    /// Unique id among technicians and crews; plans name the crew's routes by it.
    pub id: String,
    /// Two or more technicians with the same shifts; the first one's home, capacity and
    /// hours are the crew's.
    pub technicians: Vec<String>,
}

/// What a visit needs of a skill: a minimum level held by one technician, or levels held by
/// several technicians of a crew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SkillNeedDto {
    /// Minimum level (1–5), held by one technician.
    Level(i64),
    /// `count` technicians at `level` or above, for each entry.
    Crew(Vec<LevelCountDto>),
}

/// `count` technicians holding a skill at `level` or above.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelCountDto {
    /// Minimum level (1–5).
    pub level: i64,
    /// How many technicians of the crew hold it.
    pub count: i64,
}

/// A window for the start of service: RFC 3339 start and end.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowDto {
    /// Earliest start of service.
    pub start: String,
    /// Latest start of service.
    pub end: String,
}

/// A visit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitDto {
    /// Unique id.
    pub id: String,
    /// The site id.
    pub site: String,
    /// Kind of work.
    pub kind: VisitKindDto,
    /// Service duration, ISO 8601 (e.g. `PT1H30M`).
    pub duration: String,
    /// Each skill required: a minimum level (1–5), or for work done by a crew, a list of
    /// `{level, count}` (e.g. `[{"level": 2, "count": 2}]`: two technicians at level 2 or above).
    #[serde(default)]
    pub skills: BTreeMap<String, SkillNeedDto>,
    /// Technicians needed on site together (default: the largest `count`, else 1); more
    /// than one needs a crew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crew_size: Option<i64>,
    /// Windows for the start of service; none means any time within a shift.
    #[serde(default)]
    pub windows: Vec<WindowDto>,
    /// When the request came in (RFC 3339): service starts no earlier, and the SLA due time
    /// counts from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    /// SLA tier, overriding the site's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// Multiplier (≥ 1) of the visit's lateness, breach and leave-out penalties.
    #[serde(default = "one")]
    pub priority: i64,
    /// Whether the visit may be left out (then `penalty` is charged).
    #[serde(default)]
    pub optional: bool,
    /// Cost of leaving an optional visit out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<f64>,
    /// Load taken from the technician's capacity.
    #[serde(default)]
    pub demand: i64,
    /// Technicians who must not do the visit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_technicians: Vec<String>,
    /// Technicians the customer prefers: anyone else costs the preference penalty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_technicians: Vec<String>,
    /// Cost when a technician outside `preferred_technicians` does the visit (default:
    /// `objective.preference_penalty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference_penalty: Option<f64>,
    /// When re-planning: the technician the current plan gives the visit; another costs
    /// `objective.change_penalty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_technician: Option<String>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn one() -> i64 {
    1
}

/// Travel model.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TravelDto {
    /// `haversine` (great-circle or planar distance × detour factor at an average speed),
    /// `matrix` (supplied durations and distances) or `road` (fastest paths over `network`).
    #[serde(default)]
    pub mode: TravelMode,
    /// Average speed in km/h (haversine).
    #[serde(default = "default_speed")]
    pub speed_kmh: f64,
    /// Road distance over straight-line distance (haversine), ≥ 1.
    #[serde(default = "default_detour")]
    pub detour_factor: f64,
    /// Matrix rows and columns: site ids and technician ids (for their homes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// Travel durations in seconds, one row per location.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub durations: Vec<Vec<f64>>,
    /// Travel distances in metres, one row per location (zero if omitted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distances: Vec<Vec<f64>>,
    /// The road network (`road`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<RoadNetworkDto>,
    /// A file holding the road network, relative to the problem file (`road`, read from files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_file: Option<String>,
}

impl Default for TravelDto {
    fn default() -> Self {
        TravelDto {
            mode: TravelMode::Haversine,
            speed_kmh: default_speed(),
            detour_factor: default_detour(),
            locations: Vec::new(),
            durations: Vec::new(),
            distances: Vec::new(),
            network: None,
            network_file: None,
        }
    }
}

fn default_speed() -> f64 {
    40.0
}

fn default_detour() -> f64 {
    1.3
}

/// How travel is measured.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TravelMode {
    /// Straight-line distance × detour factor, at an average speed.
    #[default]
    Haversine,
    /// A supplied matrix.
    Matrix,
    /// Fastest paths over a road network; off-network legs as `haversine`.
    Road,
}

/// Objective weights.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveDto {
    /// Cost of leaving out a mandatory visit (times its priority).
    #[serde(default = "default_unassigned")]
    pub unassigned_penalty: f64,
    /// Cost per kilometre driven.
    #[serde(default)]
    pub cost_per_km: f64,
    /// Cost when a visit with preferred technicians gets another one.
    #[serde(default = "default_preference")]
    pub preference_penalty: f64,
    /// Cost when a visit goes to someone other than its site's `last_technician`.
    #[serde(default = "default_continuity")]
    pub continuity_penalty: f64,
    /// Cost when a visit goes to someone other than its `assigned_technician`.
    #[serde(default = "default_change")]
    pub change_penalty: f64,
}

impl Default for ObjectiveDto {
    fn default() -> Self {
        ObjectiveDto {
            unassigned_penalty: default_unassigned(),
            cost_per_km: 0.0,
            preference_penalty: default_preference(),
            continuity_penalty: default_continuity(),
            change_penalty: default_change(),
        }
    }
}

fn default_unassigned() -> f64 {
    10_000.0
}

fn default_preference() -> f64 {
    50.0
}

fn default_continuity() -> f64 {
    20.0
}

fn default_change() -> f64 {
    30.0
}
