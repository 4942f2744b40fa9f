//! The native JSON format: serde DTOs (string ids, RFC 3339 times, ISO 8601 durations), their
//! JSON Schema, and the conversion into a validated [`Problem`].

mod build;
mod calendars;
mod crews;
mod dto;
mod technicians;
mod travel;
mod visits;
mod warnings;

pub use dto::*;
pub use warnings::{LARGE_MATRIX, matrix_bytes, warnings};

use std::collections::{HashMap, HashSet};

use chrono::DateTime;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Issue, Result};
use crate::model::{
    Clock, Eligibility, Objective, ObjectiveKind, Problem, Rate, Skill, SkillIdx, SlaTier, TierIdx,
    TravelMatrix, Visit,
};

use crate::io::suggest;
use crate::io::time::parse_timestamp;

use build::{Builder, check_unique};
use calendars::{calendars, level_durations};
use crews::crews;
use travel::travel_matrix;

/// Cost units per currency unit in the native format.
pub const COST_SCALE: i64 = 1000;
/// Highest skill level.
pub const MAX_LEVEL: u8 = 5;
/// Most technicians a crew or a visit can have.
pub const MAX_CREW: u8 = 50;

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
    let mut read = Lenient::default();
    let issues = &mut read.issues;
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
    let name = optional(map, "name", issues).unwrap_or_default();
    let travel = optional(map, "travel", issues).unwrap_or_default();
    let objective = optional(map, "objective", issues).unwrap_or_default();
    let duration_factor_by_level =
        optional(map, "duration_factor_by_level", issues).unwrap_or_default();
    let dto = ProblemDto {
        name,
        skills: read.list(map, "skills", true),
        sla_tiers: read.list(map, "sla_tiers", false),
        calendars: read.list(map, "calendars", false),
        technicians: read.list(map, "technicians", true),
        crews: read.list(map, "crews", false),
        sites: read.list(map, "sites", true),
        visits: read.list(map, "visits", true),
        travel,
        objective,
        duration_factor_by_level,
    };
    if read.issues.is_empty() {
        return Ok(dto);
    }
    // The items that did read are checked too, so one pass reports every problem.
    if let Err(Error::Invalid { issues, .. }) = build(&dto, source, &read.broken) {
        for mut issue in issues {
            issue.location = read.original_path(&issue.location);
            read.issues.push(issue);
        }
    }
    Err(Error::invalid(source, read.issues))
}

/// A reading that drops the items of a list that fail to decode and goes on, remembering their
/// ids and where the others stood.
#[derive(Default)]
struct Lenient {
    issues: Vec<Issue>,
    /// Ids (or names) of the items dropped.
    broken: HashSet<String>,
    /// Per list, the index in the file of each item kept.
    kept: HashMap<&'static str, Vec<usize>>,
}

impl Lenient {
    fn list<T: DeserializeOwned>(
        &mut self,
        map: &serde_json::Map<String, Value>,
        key: &'static str,
        required: bool,
    ) -> Vec<T> {
        match map.get(key) {
            None if required => {
                self.issues.push(Issue::new(
                    "E107",
                    "$",
                    format!("missing field `{key}`"),
                    format!("add `{key}`: [ … ]"),
                ));
                Vec::new()
            }
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match decode(item, &format!("$.{key}[{i}]"), &mut self.issues) {
                        Some(v) => {
                            out.push(v);
                            self.kept.entry(key).or_default().push(i);
                        }
                        None => {
                            let id = ["id", "name"].iter().find_map(|k| item.get(k)?.as_str());
                            self.broken.extend(id.map(str::to_string));
                        }
                    }
                }
                out
            }
            Some(_) => {
                self.issues
                    .push(type_issue(format!("$.{key}"), "expected an array"));
                Vec::new()
            }
        }
    }

    /// `$.visits[3]…` of the items kept, as the path of that item in the file.
    fn original_path(&self, path: &str) -> String {
        let Some(rest) = path.strip_prefix("$.") else {
            return path.to_string();
        };
        let Some((key, rest)) = rest.split_once('[') else {
            return path.to_string();
        };
        let Some((index, rest)) = rest.split_once(']') else {
            return path.to_string();
        };
        let original = index
            .parse::<usize>()
            .ok()
            .and_then(|i| self.kept.get(key)?.get(i));
        match original {
            Some(i) => format!("$.{key}[{i}]{rest}"),
            None => path.to_string(),
        }
    }
}

fn type_issue(path: String, e: impl std::fmt::Display) -> Issue {
    let message = e.to_string();
    let hint = match suggest::unknown_variant(&message) {
        Some((found, expected)) => format!(
            "use one of {}{}",
            expected.join(", "),
            suggest::did_you_mean(found, expected.iter().copied())
        ),
        None => "see `fieldsched schema` for the expected shape".to_string(),
    };
    Issue::new(
        "E106",
        path,
        format!("wrong or missing value: {message}"),
        hint,
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

/// Converts a parsed DTO into a validated problem.
pub fn to_problem(dto: &ProblemDto, source: &str) -> Result<Problem> {
    build(dto, source, &HashSet::new())
}

/// [`to_problem`], not reporting references to the ids in `broken` (items already reported).
fn build(dto: &ProblemDto, source: &str, broken: &HashSet<String>) -> Result<Problem> {
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
        broken,
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
    let mut points = technicians::Points::default();
    let technicians = dto
        .technicians
        .iter()
        .enumerate()
        .map(|(i, t)| technicians::technician(&mut b, i, t, &skill_index, &mut points))
        .collect();
    let technicians = crews.units(&mut b, technicians);
    let (sites, previous) = visits::sites(&mut b, &tier_index, &tech_index, &mut points);
    let objective = &dto.objective;
    let context = visits::Context {
        preference_penalty: b.money(
            objective.preference_penalty,
            "$.objective.preference_penalty".into(),
        ),
        continuity_penalty: b.money(
            objective.continuity_penalty,
            "$.objective.continuity_penalty".into(),
        ),
        change_penalty: b.money(
            objective.change_penalty,
            "$.objective.change_penalty".into(),
        ),
        skills: &skill_index,
        tiers: &tier_index,
        technicians: &tech_index,
        sites: &site_index,
        site_list: &sites,
        previous: &previous,
        tier_list: &tiers,
        tier_calendars: &tier_calendars,
    };
    let visits: Vec<Visit> = dto
        .visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| visits::visit(&mut b, i, v, &context))
        .collect();
    let level_durations = level_durations(&mut b);
    let travel = travel_matrix(&mut b, &points.coords, &points.keys);
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
        distance_per_member: false,
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
        coords: points.coords,
        objective,
        eligibility,
        level_durations,
    })
}
