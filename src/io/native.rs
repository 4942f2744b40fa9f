//! The native JSON format: serde DTOs (string ids, RFC 3339 times, ISO 8601 durations), their
//! JSON Schema, and the conversion into a validated [`Problem`].

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Issue, Result};
use crate::model::calendar::parse_time_of_day;
use crate::model::{
    Break, Calendar, Clock, Coord, Cost, Eligibility, Hours, LocIdx, Objective, ObjectiveKind,
    Preferences, Problem, Rate, Requirement, Shift, Site, SiteIdx, Skill, SkillIdx, SlaTier,
    TechIdx, Technician, TierIdx, Time, TravelMatrix, Visit, VisitKind, Window, crew_size,
};

use super::roads::{self, RoadNetworkDto};
use super::straight::Straight;
use super::time::{parse_duration, parse_timestamp, week_of};

/// Cost units per currency unit in the native format.
pub const COST_SCALE: i64 = 1000;
/// Highest skill level.
pub const MAX_LEVEL: u8 = 5;
/// Most technicians a crew or a visit can have.
pub const MAX_CREW: u8 = 50;

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

/// The JSON Schema of the native format.
pub fn schema() -> Value {
    serde_json::to_value(schemars::schema_for!(ProblemDto)).unwrap_or(Value::Null)
}

/// Reads a native problem from bytes; `source` names it in errors.
pub fn read(bytes: &[u8], source: &str) -> Result<Problem> {
    let dto = parse(bytes, source)?;
    to_problem(&dto, source)
}

/// Parses bytes into the DTO, reporting every structural problem at once.
pub fn parse(bytes: &[u8], source: &str) -> Result<ProblemDto> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let code = if e.to_string().contains("recursion limit") {
            "E103"
        } else if e.is_eof() {
            "E102"
        } else {
            "E101"
        };
        Error::invalid(
            source,
            vec![Issue::new(
                code,
                format!("{source}:{}:{}", e.line(), e.column()),
                format!("not valid JSON: {e}"),
                "fix the JSON syntax (the file must be UTF-8 JSON, nested less than 128 levels)",
            )],
        )
    })?;
    let mut issues = Vec::new();
    let Value::Object(map) = &value else {
        return Err(Error::invalid(
            source,
            vec![Issue::new(
                "E104",
                "$",
                "the document is not a JSON object",
                "wrap the problem in { … }",
            )],
        ));
    };
    const KNOWN: [&str; 11] = [
        "name",
        "skills",
        "sla_tiers",
        "calendars",
        "technicians",
        "crews",
        "sites",
        "visits",
        "travel",
        "objective",
        "duration_factor_by_level",
    ];
    for key in map.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
        issues.push(Issue::new(
            "E105",
            format!("$.{key}"),
            format!("unknown field `{key}`"),
            format!("remove it; known fields are {}", KNOWN.join(", ")),
        ));
    }
    let name = optional(map, "name", &mut issues).unwrap_or_default();
    let skills = list(map, "skills", true, &mut issues);
    let sla_tiers = list(map, "sla_tiers", false, &mut issues);
    let calendars = list(map, "calendars", false, &mut issues);
    let technicians = list(map, "technicians", true, &mut issues);
    let crews = list(map, "crews", false, &mut issues);
    let sites = list(map, "sites", true, &mut issues);
    let visits = list(map, "visits", true, &mut issues);
    let travel = optional(map, "travel", &mut issues).unwrap_or_default();
    let objective = optional(map, "objective", &mut issues).unwrap_or_default();
    let duration_factor_by_level =
        optional(map, "duration_factor_by_level", &mut issues).unwrap_or_default();
    if !issues.is_empty() {
        return Err(Error::invalid(source, issues));
    }
    Ok(ProblemDto {
        name,
        skills,
        sla_tiers,
        calendars,
        technicians,
        crews,
        sites,
        visits,
        travel,
        objective,
        duration_factor_by_level,
    })
}

fn type_issue(path: String, e: impl std::fmt::Display) -> Issue {
    Issue::new(
        "E106",
        path,
        format!("wrong or missing value: {e}"),
        "see `fieldsched schema` for the expected shape",
    )
}

fn decode<T: DeserializeOwned>(value: &Value, path: &str, issues: &mut Vec<Issue>) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let inner = e.path().to_string();
            let full = if inner == "." {
                path.to_string()
            } else if inner.starts_with('[') {
                format!("{path}{inner}")
            } else {
                format!("{path}.{inner}")
            };
            issues.push(type_issue(full, e.into_inner()));
            None
        }
    }
}

fn optional<T: DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    key: &str,
    issues: &mut Vec<Issue>,
) -> Option<T> {
    decode(map.get(key)?, &format!("$.{key}"), issues)
}

fn list<T: DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    key: &str,
    required: bool,
    issues: &mut Vec<Issue>,
) -> Vec<T> {
    match map.get(key) {
        None if required => {
            issues.push(Issue::new(
                "E107",
                "$",
                format!("missing field `{key}`"),
                format!("add `{key}`: [ … ]"),
            ));
            Vec::new()
        }
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| decode(item, &format!("$.{key}[{i}]"), issues))
            .collect(),
        Some(_) => {
            issues.push(type_issue(format!("$.{key}"), "expected an array"));
            Vec::new()
        }
    }
}

/// Semantic validation and conversion of the DTO, gathering every issue.
struct Builder<'a> {
    issues: Vec<Issue>,
    origin: DateTime<FixedOffset>,
    dto: &'a ProblemDto,
}

impl Builder<'_> {
    fn issue(&mut self, code: &'static str, path: String, message: String, hint: &str) {
        self.issues.push(Issue::new(code, path, message, hint));
    }

    fn time(&mut self, text: &str, path: String) -> Option<Time> {
        match parse_timestamp(text) {
            Ok(t) => Some((t - self.origin).num_seconds()),
            Err(e) => {
                self.issue(
                    "E301",
                    path,
                    e,
                    "write an RFC 3339 time such as 2026-03-02T08:00:00+01:00",
                );
                None
            }
        }
    }

    fn duration(&mut self, text: &str, path: String) -> Option<Time> {
        match parse_duration(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.issue(
                    "E302",
                    path,
                    e,
                    "write an ISO 8601 duration such as PT45M or PT1H30M",
                );
                None
            }
        }
    }

    fn money(&mut self, value: f64, path: String) -> Cost {
        if !value.is_finite() || !(0.0..=1e12).contains(&value) {
            self.issue(
                "E304",
                path,
                format!("{value} is not an amount from 0 to 10^12"),
                "use a non-negative amount",
            );
            return 0;
        }
        (value * COST_SCALE as f64).round() as Cost
    }

    /// The `what` named `name` in `index` (the items of `section`), or an issue at `path`.
    fn known<'m, K, V>(
        &mut self,
        index: &'m HashMap<K, V>,
        name: &str,
        (what, section): (&str, &str),
        path: String,
    ) -> Option<&'m V>
    where
        K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
    {
        let found = index.get(name);
        if found.is_none() {
            self.issue(
                "E202",
                path,
                format!("unknown {what} `{name}`"),
                &format!("list it in `{section}` or fix the reference"),
            );
        }
        found
    }

    /// The technician with id `id`, or an issue at `path`.
    fn technician(
        &mut self,
        id: &str,
        index: &HashMap<&str, u32>,
        path: String,
    ) -> Option<TechIdx> {
        let found = self.known(index, id, ("technician", "technicians"), path);
        found.map(|&t| TechIdx(t))
    }

    /// The tier named `name`, or an issue at `path`.
    fn tier(
        &mut self,
        name: &str,
        index: &HashMap<&str, TierIdx>,
        path: String,
    ) -> Option<TierIdx> {
        self.known(index, name, ("SLA tier", "sla_tiers"), path)
            .copied()
    }

    /// The requirements of a visit's `skills`.
    fn needs(
        &mut self,
        skills: &BTreeMap<String, SkillNeedDto>,
        index: &HashMap<&str, SkillIdx>,
        path: &str,
    ) -> Vec<Requirement> {
        let mut levels = BTreeMap::new();
        let mut counted = Vec::new();
        for (name, need) in skills {
            match need {
                SkillNeedDto::Level(level) => {
                    levels.insert(name.clone(), *level);
                }
                SkillNeedDto::Crew(list) => {
                    for (k, entry) in list.iter().enumerate() {
                        let at = format!("{path}.{name}[{k}]");
                        if !(1..=i64::from(MAX_CREW)).contains(&entry.count) {
                            self.issue(
                                "E304",
                                format!("{at}.count"),
                                format!("count {} is not from 1 to {MAX_CREW}", entry.count),
                                "give how many technicians need the level",
                            );
                            continue;
                        }
                        let one = BTreeMap::from([(name.clone(), entry.level)]);
                        for (skill, level) in self.levels(&one, index, &at) {
                            counted.push(Requirement {
                                skill,
                                level,
                                count: entry.count as u8,
                            });
                        }
                    }
                }
            }
        }
        let mut requires: Vec<Requirement> = self
            .levels(&levels, index, path)
            .into_iter()
            .map(|(skill, level)| Requirement {
                skill,
                level,
                count: 1,
            })
            .collect();
        requires.extend(counted);
        requires
    }

    fn levels(
        &mut self,
        skills: &BTreeMap<String, i64>,
        index: &HashMap<&str, SkillIdx>,
        path: &str,
    ) -> Vec<(SkillIdx, u8)> {
        let mut out = Vec::new();
        for (name, &level) in skills {
            let Some(&s) = index.get(name.as_str()) else {
                self.issue(
                    "E202",
                    format!("{path}.{name}"),
                    format!("unknown skill `{name}`"),
                    "list it in `skills` or fix the name",
                );
                continue;
            };
            if !(1..=MAX_LEVEL as i64).contains(&level) {
                self.issue(
                    "E305",
                    format!("{path}.{name}"),
                    format!("level {level} is not from 1 to {MAX_LEVEL}"),
                    "use 1 (trainee) to 5 (expert)",
                );
                continue;
            }
            out.push((s, level as u8));
        }
        out
    }
}

fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    section: &str,
    issues: &mut Vec<Issue>,
) -> HashMap<&'a str, u32> {
    let mut seen = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            issues.push(Issue::new(
                "E203",
                format!("$.{section}[{i}]"),
                "empty id",
                "give every item a non-empty id",
            ));
        } else if seen.insert(id, i as u32).is_some() {
            issues.push(Issue::new(
                "E201",
                format!("$.{section}[{i}]"),
                format!("duplicate id `{id}`"),
                "ids must be unique within a section",
            ));
        }
    }
    seen
}

fn point(loc: &LocationDto, path: &str, issues: &mut Vec<Issue>) -> Option<Coord> {
    let bad = |m: &str| {
        Issue::new(
            "E308",
            path.to_string(),
            m.to_string(),
            "give either lat and lon in degrees, or x and y in kilometres",
        )
    };
    match (loc.lat, loc.lon, loc.x, loc.y) {
        (Some(lat), Some(lon), None, None) => {
            if lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0 {
                Some(Coord::Sphere { lat, lon })
            } else {
                issues.push(bad("latitude must be within ±90 and longitude within ±180"));
                None
            }
        }
        (None, None, Some(x), Some(y)) => {
            if x.is_finite() && y.is_finite() && x.abs() <= 1e5 && y.abs() <= 1e5 {
                Some(Coord::Plane { x, y })
            } else {
                issues.push(bad("planar coordinates must be finite and within ±10^5 km"));
                None
            }
        }
        _ => {
            issues.push(bad("a location needs lat and lon, or x and y"));
            None
        }
    }
}

/// Converts a parsed DTO into a validated problem.
pub fn to_problem(dto: &ProblemDto, source: &str) -> Result<Problem> {
    let mut issues = Vec::new();
    if dto.technicians.is_empty() {
        issues.push(Issue::new(
            "E309",
            "$.technicians",
            "no technicians",
            "add at least one technician",
        ));
    }
    // The horizon starts at the earliest valid shift start.
    let origin = dto
        .technicians
        .iter()
        .flat_map(|t| &t.shifts)
        .filter_map(|s| parse_timestamp(&s.start).ok())
        .min()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset());
    let mut b = Builder {
        issues,
        origin,
        dto,
    };
    let skill_index: HashMap<&str, SkillIdx> = check_unique(
        dto.skills.iter().map(String::as_str),
        "skills",
        &mut b.issues,
    )
    .into_iter()
    .map(|(k, v)| (k, SkillIdx(v)))
    .collect();
    let tier_index: HashMap<&str, TierIdx> = check_unique(
        dto.sla_tiers.iter().map(|t| t.name.as_str()),
        "sla_tiers",
        &mut b.issues,
    )
    .into_iter()
    .map(|(k, v)| (k, TierIdx(v)))
    .collect();
    let people = check_unique(
        dto.technicians.iter().map(|t| t.id.as_str()),
        "technicians",
        &mut b.issues,
    );
    let crews = crews(&mut b, &people);
    let tech_index = crews.index(dto);
    let site_index = check_unique(
        dto.sites.iter().map(|s| s.id.as_str()),
        "sites",
        &mut b.issues,
    );
    check_unique(
        dto.visits.iter().map(|v| v.id.as_str()),
        "visits",
        &mut b.issues,
    );

    let calendars = calendars(&mut b);
    let mut tier_calendars = Vec::with_capacity(dto.sla_tiers.len());
    let tiers: Vec<SlaTier> = dto
        .sla_tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let path = format!("$.sla_tiers[{i}]");
            tier_calendars.push(t.calendar.as_deref().and_then(|name| {
                b.known(
                    &calendars,
                    name,
                    ("calendar", "calendars"),
                    format!("{path}.calendar"),
                )
            }));
            let response = b
                .duration(&t.response, format!("{path}.response"))
                .unwrap_or(0);
            SlaTier {
                name: t.name.clone(),
                response,
                lateness: Rate::new(
                    b.money(t.penalty_per_minute, format!("{path}.penalty_per_minute")),
                    60,
                ),
                breach: b.money(t.breach_penalty, format!("{path}.breach_penalty")),
            }
        })
        .collect();

    // Locations: technician starts and ends, then sites.
    let mut points: Vec<Option<Coord>> = Vec::new();
    let mut matrix_keys: Vec<String> = Vec::new();
    let mut technicians = Vec::with_capacity(dto.technicians.len());
    for (i, t) in dto.technicians.iter().enumerate() {
        let path = format!("$.technicians[{i}]");
        let start = LocIdx(points.len() as u32);
        points.push(point(&t.home, &format!("{path}.home"), &mut b.issues));
        matrix_keys.push(t.id.clone());
        let end = match &t.end_location {
            Some(loc) => {
                points.push(point(loc, &format!("{path}.end_location"), &mut b.issues));
                matrix_keys.push(format!("{}:end", t.id));
                LocIdx(points.len() as u32 - 1)
            }
            None => start,
        };
        let mut levels = vec![0u8; dto.skills.len()];
        for (s, l) in b.levels(&t.skills, &skill_index, &format!("{path}.skills")) {
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
        technicians.push(Technician {
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
        });
    }
    let technicians = crews.units(&mut b, technicians);
    let preference_penalty = b.money(
        dto.objective.preference_penalty,
        "$.objective.preference_penalty".into(),
    );
    let continuity_penalty = b.money(
        dto.objective.continuity_penalty,
        "$.objective.continuity_penalty".into(),
    );
    let change_penalty = b.money(
        dto.objective.change_penalty,
        "$.objective.change_penalty".into(),
    );
    let mut previous = Vec::with_capacity(dto.sites.len());
    let mut sites = Vec::with_capacity(dto.sites.len());
    for (i, s) in dto.sites.iter().enumerate() {
        let path = format!("$.sites[{i}]");
        let loc = LocIdx(points.len() as u32);
        points.push(point(
            &s.location,
            &format!("{path}.location"),
            &mut b.issues,
        ));
        matrix_keys.push(s.id.clone());
        let tier = s
            .sla
            .as_deref()
            .and_then(|name| b.tier(name, &tier_index, format!("{path}.sla")));
        previous.push(
            s.last_technician
                .as_deref()
                .and_then(|id| b.technician(id, &tech_index, format!("{path}.last_technician"))),
        );
        sites.push(Site {
            id: s.id.clone(),
            loc,
            tier,
        });
    }
    let mut visits = Vec::with_capacity(dto.visits.len());
    for (i, v) in dto.visits.iter().enumerate() {
        let path = format!("$.visits[{i}]");
        let Some(&site) = b.known(
            &site_index,
            &v.site,
            ("site", "sites"),
            format!("{path}.site"),
        ) else {
            continue;
        };
        let previous = previous[site as usize];
        let site = &sites[site as usize];
        let duration = b
            .duration(&v.duration, format!("{path}.duration"))
            .unwrap_or(0);
        let requires = b.needs(&v.skills, &skill_index, &format!("{path}.skills"));
        let least = crew_size(&requires);
        let size = match v.crew_size {
            None => least,
            Some(n) if (i64::from(least)..=i64::from(MAX_CREW)).contains(&n) => n as u8,
            Some(n) => {
                b.issue(
                    "E304",
                    format!("{path}.crew_size"),
                    format!("crew size {n} is not from {least} (the largest count) to {MAX_CREW}"),
                    "give the number of technicians needed together",
                );
                least
            }
        };
        let mut windows = Vec::new();
        for (k, w) in v.windows.iter().enumerate() {
            let wp = format!("{path}.windows[{k}]");
            if let (Some(start), Some(end)) = (
                b.time(&w.start, format!("{wp}.start")),
                b.time(&w.end, format!("{wp}.end")),
            ) {
                if end < start {
                    b.issue(
                        "E303",
                        wp,
                        "the window ends before it starts".into(),
                        "swap start and end, or fix the dates",
                    );
                } else {
                    windows.push(Window { start, end });
                }
            }
        }
        windows.sort_by_key(|w| w.start);
        let release = v
            .requested_at
            .as_deref()
            .and_then(|t| b.time(t, format!("{path}.requested_at")));
        let tier = match v.sla.as_deref() {
            Some(name) => b.tier(name, &tier_index, format!("{path}.sla")),
            None => site.tier,
        };
        let due = match (release, tier) {
            (Some(r), Some(t)) => {
                let response = tiers[t.get()].response;
                match tier_calendars[t.get()] {
                    None => Some(r.saturating_add(response)),
                    Some(calendar) => {
                        let from = origin + chrono::Duration::seconds(r);
                        let due = calendar.add_open_time(from, response);
                        if due.is_none() {
                            b.issue(
                                "E312",
                                format!("{path}.requested_at"),
                                "the tier's calendar has no open time left within three years"
                                    .into(),
                                "open the calendar on some days, or drop holidays",
                            );
                        }
                        due.map(|d| (d - origin).num_seconds())
                    }
                }
            }
            _ => None,
        };
        if !(1..=1000).contains(&v.priority) {
            b.issue(
                "E304",
                format!("{path}.priority"),
                format!("priority {} is not from 1 to 1000", v.priority),
                "use 1 for normal work, higher for more important",
            );
        }
        let penalty = match (v.optional, v.penalty) {
            (false, None) => None,
            (false, Some(_)) => {
                b.issue(
                    "E310",
                    format!("{path}.penalty"),
                    "a penalty on a mandatory visit".into(),
                    "set `optional: true`, or drop the penalty",
                );
                None
            }
            (true, None) => {
                b.issue(
                    "E310",
                    format!("{path}.penalty"),
                    "an optional visit needs a penalty".into(),
                    "give the cost of leaving the visit out",
                );
                None
            }
            (true, Some(p)) => Some(b.money(p, format!("{path}.penalty"))),
        };
        if v.demand < 0 {
            b.issue(
                "E304",
                format!("{path}.demand"),
                "negative demand".into(),
                "use a demand ≥ 0",
            );
        }
        let mut named = |ids: &[String], field: &str| -> Vec<TechIdx> {
            ids.iter()
                .enumerate()
                .filter_map(|(k, id)| b.technician(id, &tech_index, format!("{path}.{field}[{k}]")))
                .collect()
        };
        let preferences = Preferences {
            excluded: named(&v.excluded_technicians, "excluded_technicians"),
            preferred: named(&v.preferred_technicians, "preferred_technicians"),
            preferred_penalty: match v.preference_penalty {
                Some(p) => b.money(p, format!("{path}.preference_penalty")),
                None => preference_penalty,
            },
            previous,
            continuity_penalty,
            planned: v
                .assigned_technician
                .as_deref()
                .and_then(|id| b.technician(id, &tech_index, format!("{path}.assigned_technician")))
                .map(|t| (t, change_penalty)),
        };
        visits.push(Visit {
            id: v.id.clone(),
            site: SiteIdx(site_index[v.site.as_str()]),
            loc: site.loc,
            kind: match v.kind {
                VisitKindDto::Installation => VisitKind::Installation,
                VisitKindDto::Inspection => VisitKind::Inspection,
                VisitKindDto::Maintenance => VisitKind::Maintenance,
                VisitKindDto::Repair => VisitKind::Repair,
            },
            duration,
            requires,
            crew_size: size,
            windows,
            release,
            due,
            tier,
            priority: v.priority.clamp(1, 1000),
            penalty,
            demand: v.demand,
            tools: 0,
            parts: Vec::new(),
            preferences,
        });
    }
    let level_durations = level_durations(&mut b);
    let travel = travel_matrix(&mut b, &points, &matrix_keys);
    let objective = Objective {
        kind: ObjectiveKind::Native,
        distance: Rate::new(
            b.money(dto.objective.cost_per_km, "$.objective.cost_per_km".into()),
            1000,
        ),
        unassigned: b.money(
            dto.objective.unassigned_penalty,
            "$.objective.unassigned_penalty".into(),
        ),
        cost_scale: COST_SCALE,
    };
    if !b.issues.is_empty() {
        return Err(Error::invalid(source, b.issues));
    }
    let eligibility = Eligibility::compute(&technicians, &visits);
    Ok(Problem {
        name: dto.name.clone(),
        clock: Clock::Calendar { origin },
        skills: dto
            .skills
            .iter()
            .map(|s| Skill { name: s.clone() })
            .collect(),
        tiers,
        technicians,
        sites,
        visits,
        depot: None,
        travel: std::sync::Arc::new(
            travel.unwrap_or_else(|| TravelMatrix::from_fn(0, |_, _| (0, 0))),
        ),
        coords: points,
        objective,
        eligibility,
        level_durations,
    })
}

/// The crews of a problem: which technicians each one has, by their index in `technicians`.
struct Crews {
    /// Members of each crew of `crews`, in the order given (none for a crew rejected).
    members: Vec<Vec<usize>>,
    /// The crew each technician is in, if any.
    crew_of: Vec<Option<usize>>,
}

/// Reads `crews`: known technicians, at least two per crew, none in two crews, ids unique
/// among technicians and crews.
fn crews(b: &mut Builder<'_>, people: &HashMap<&str, u32>) -> Crews {
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
    fn index<'d>(&self, dto: &'d ProblemDto) -> HashMap<&'d str, u32> {
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
    fn units(&self, b: &mut Builder<'_>, people: Vec<Technician>) -> Vec<Technician> {
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
fn crew(b: &mut Builder<'_>, c: usize, members: &[&Technician]) -> Technician {
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

/// The calendars by name, each validated: known weekdays, `HH:MM` times, intervals that
/// open before they close and do not overlap, dates, an offset, some open time.
fn calendars(b: &mut Builder<'_>) -> HashMap<String, Calendar> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut out = HashMap::new();
    check_unique(
        b.dto.calendars.iter().map(|c| c.name.as_str()),
        "calendars",
        &mut b.issues,
    );
    for (i, c) in b.dto.calendars.iter().enumerate() {
        let path = format!("$.calendars[{i}]");
        let mut bad = |at: String, message: String, hint: &str| {
            b.issues.push(Issue::new("E312", at, message, hint));
        };
        let offset = match &c.utc_offset {
            None => *b.origin.offset(),
            Some(text) => text.parse::<FixedOffset>().unwrap_or_else(|_| {
                bad(
                    format!("{path}.utc_offset"),
                    format!("`{text}` is not a UTC offset"),
                    "write e.g. +01:00 or -05:00",
                );
                *b.origin.offset()
            }),
        };
        let mut week: [Vec<(i64, i64)>; 7] = Default::default();
        for (day, intervals) in &c.hours {
            let Some(d) = DAYS.iter().position(|name| name == day) else {
                bad(
                    format!("{path}.hours.{day}"),
                    format!("`{day}` is not a weekday"),
                    "use mon, tue, wed, thu, fri, sat or sun",
                );
                continue;
            };
            for (k, [open, close]) in intervals.iter().enumerate() {
                let at = format!("{path}.hours.{day}[{k}]");
                match (parse_time_of_day(open), parse_time_of_day(close)) {
                    (Some(o), Some(c)) if o < c => week[d].push((o, c)),
                    (Some(_), Some(_)) => bad(
                        at,
                        format!("{open}–{close} closes before it opens"),
                        "give the opening time first",
                    ),
                    _ => bad(
                        at,
                        format!("`{open}`–`{close}` are not times of day"),
                        "write HH:MM from 00:00 to 24:00",
                    ),
                }
            }
            week[d].sort_unstable();
            if week[d].windows(2).any(|w| w[1].0 < w[0].1) {
                bad(
                    format!("{path}.hours.{day}"),
                    format!("the hours of {day} overlap"),
                    "make the intervals of a day disjoint",
                );
            }
        }
        let mut holidays = std::collections::BTreeSet::new();
        for (k, h) in c.holidays.iter().enumerate() {
            match chrono::NaiveDate::parse_from_str(h, "%Y-%m-%d") {
                Ok(date) => {
                    holidays.insert(date);
                }
                Err(_) => bad(
                    format!("{path}.holidays[{k}]"),
                    format!("`{h}` is not a date"),
                    "write YYYY-MM-DD",
                ),
            }
        }
        let calendar = Calendar {
            offset,
            week,
            holidays,
        };
        if !calendar.opens() {
            bad(
                format!("{path}.hours"),
                format!("calendar `{}` is never open", c.name),
                "give opening hours for at least one weekday",
            );
        }
        out.insert(c.name.clone(), calendar);
    }
    out
}

/// Service time per mille by level (index 0 unused), or empty when no factor is given.
fn level_durations(b: &mut Builder<'_>) -> Vec<i64> {
    let factors = &b.dto.duration_factor_by_level;
    if factors.is_empty() {
        return Vec::new();
    }
    let mut permille = vec![1000; MAX_LEVEL as usize + 1];
    for (level, &factor) in factors {
        let path = format!("$.duration_factor_by_level.{level}");
        match level.parse::<u8>() {
            Ok(l) if (1..=MAX_LEVEL).contains(&l) => {
                if factor.is_finite() && (0.1..=10.0).contains(&factor) {
                    permille[l as usize] = (factor * 1000.0).round() as i64;
                } else {
                    b.issues.push(Issue::new(
                        "E304",
                        path,
                        format!("factor {factor} is not from 0.1 to 10"),
                        "use e.g. 0.8 for a level that works 20 % faster",
                    ));
                }
            }
            _ => b.issues.push(Issue::new(
                "E305",
                path,
                format!("`{level}` is not a level from 1 to {MAX_LEVEL}"),
                "key the factors by level, e.g. {\"5\": 0.8}",
            )),
        }
    }
    permille
}

/// The travel matrix over the road network of `travel`.
fn road_matrix(b: &mut Builder<'_>, points: &[Coord], keys: &[String]) -> Option<TravelMatrix> {
    let t = &b.dto.travel;
    let Some(network) = &t.network else {
        let (message, hint) = match &t.network_file {
            Some(file) => (
                format!("the road network file `{file}` can only be read beside a problem file"),
                "inline the network as `travel.network`",
            ),
            None => (
                "road travel without a network".to_string(),
                "give `travel.network`, or `travel.network_file` beside the problem file",
            ),
        };
        b.issue("E404", "$.travel".into(), message, hint);
        return None;
    };
    let access = roads::Access {
        speed: t.speed_kmh / 3.6,
        detour: t.detour_factor,
    };
    match roads::matrix(network, "$.travel.network", points, keys, access) {
        Ok(matrix) => Some(matrix),
        Err(issues) => {
            b.issues.extend(issues);
            None
        }
    }
}

/// Largest travel duration (s) or distance (m) one leg may have.
const MAX_LEG: f64 = 1e9;

fn travel_matrix(
    b: &mut Builder<'_>,
    points: &[Option<Coord>],
    keys: &[String],
) -> Option<TravelMatrix> {
    let t = &b.dto.travel;
    match t.mode {
        TravelMode::Haversine | TravelMode::Road => {
            if !(t.speed_kmh.is_finite() && t.speed_kmh >= 1.0 && t.speed_kmh <= 1000.0) {
                b.issue(
                    "E304",
                    "$.travel.speed_kmh".into(),
                    format!("speed {} km/h is not from 1 to 1000", t.speed_kmh),
                    "use an average road speed such as 40",
                );
                return None;
            }
            if !(t.detour_factor.is_finite() && (1.0..=10.0).contains(&t.detour_factor)) {
                b.issue(
                    "E304",
                    "$.travel.detour_factor".into(),
                    format!("detour factor {} is not from 1 to 10", t.detour_factor),
                    "use 1.2 to 1.5 for road networks",
                );
                return None;
            }
            let pts: Vec<Coord> = points.iter().copied().collect::<Option<_>>()?;
            let Some(straight) = Straight::new(&pts) else {
                b.issue(
                    "E308",
                    "$".into(),
                    "locations mix lat/lon and planar x/y".into(),
                    "use one kind of coordinates in a file",
                );
                return None;
            };
            let speed = t.speed_kmh / 3.6;
            let detour = t.detour_factor;
            if t.mode == TravelMode::Road {
                return road_matrix(b, &pts, keys);
            }
            Some(TravelMatrix::from_fn(pts.len(), |i, j| {
                let d = straight.metres(i, j) * detour;
                ((d / speed).round() as i64, d.round() as i64)
            }))
        }
        TravelMode::Matrix => {
            let n = t.locations.len();
            let index: HashMap<&str, usize> = t
                .locations
                .iter()
                .enumerate()
                .map(|(i, k)| (k.as_str(), i))
                .collect();
            let mut ok = true;
            if t.durations.len() != n || t.durations.iter().any(|r| r.len() != n) {
                b.issue(
                    "E401",
                    "$.travel.durations".into(),
                    format!("durations must be {n} rows of {n} numbers"),
                    "one row and one column per entry of `locations`",
                );
                ok = false;
            }
            if !t.distances.is_empty()
                && (t.distances.len() != n || t.distances.iter().any(|r| r.len() != n))
            {
                b.issue(
                    "E401",
                    "$.travel.distances".into(),
                    format!("distances must be {n} rows of {n} numbers"),
                    "one row and one column per entry of `locations`",
                );
                ok = false;
            }
            let mut map = Vec::with_capacity(keys.len());
            for key in keys {
                match index.get(key.as_str()) {
                    Some(&i) => map.push(i),
                    None => {
                        b.issue("E402", "$.travel.locations".into(), format!("`{key}` is not in the matrix locations"), "list every site id and technician id (and `ID:end` for an end location)");
                        ok = false;
                    }
                }
            }
            for (name, rows) in [("durations", &t.durations), ("distances", &t.distances)] {
                for (i, row) in rows.iter().enumerate() {
                    for (j, &x) in row.iter().enumerate() {
                        if !(x.is_finite() && (0.0..=MAX_LEG).contains(&x)) {
                            b.issue(
                                "E304",
                                format!("$.travel.{name}[{i}][{j}]"),
                                format!("{x} is not from 0 to 10^9"),
                                "use non-negative seconds and metres",
                            );
                            ok = false;
                        }
                    }
                }
            }
            if !ok {
                return None;
            }
            let cell = |rows: &Vec<Vec<f64>>, i: usize, j: usize| {
                rows.get(i)
                    .and_then(|r| r.get(j))
                    .copied()
                    .unwrap_or(0.0)
                    .round() as i64
            };
            Some(TravelMatrix::from_fn(keys.len(), |i, j| {
                (
                    cell(&t.durations, map[i], map[j]),
                    cell(&t.distances, map[i], map[j]),
                )
            }))
        }
    }
}
