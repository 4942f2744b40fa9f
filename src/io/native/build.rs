//! The builder that validates the DTO section by section, gathering every issue.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};

use crate::error::Issue;
use crate::model::{Coord, Cost, Requirement, SkillIdx, TechIdx, TierIdx, Time};

use crate::io::suggest::did_you_mean;
use crate::io::time::{parse_duration, parse_timestamp};

use super::dto::*;
use super::{COST_SCALE, MAX_CREW, MAX_LEVEL};

/// Semantic validation and conversion of the DTO, gathering every issue.
pub(super) struct Builder<'a> {
    pub(super) issues: Vec<Issue>,
    pub(super) origin: DateTime<FixedOffset>,
    pub(super) dto: &'a ProblemDto,
    /// Ids of the items dropped for a type error: references to them are not reported again.
    pub(super) broken: &'a std::collections::HashSet<String>,
}

impl Builder<'_> {
    pub(super) fn issue(&mut self, code: &'static str, path: String, message: String, hint: &str) {
        self.issues.push(Issue::new(code, path, message, hint));
    }

    pub(super) fn time(&mut self, text: &str, path: String) -> Option<Time> {
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

    pub(super) fn duration(&mut self, text: &str, path: String) -> Option<Time> {
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

    pub(super) fn money(&mut self, value: f64, path: String) -> Cost {
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
    pub(super) fn known<'m, K, V>(
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
        if found.is_none() && !self.broken.contains(name) {
            let guess = did_you_mean(name, index.keys().map(|k| k.borrow()));
            self.issue(
                "E202",
                path,
                format!("unknown {what} `{name}`"),
                &format!("list it in `{section}` or fix the reference{guess}"),
            );
        }
        found
    }

    /// The technician with id `id`, or an issue at `path`.
    pub(super) fn technician(
        &mut self,
        id: &str,
        index: &HashMap<&str, u32>,
        path: String,
    ) -> Option<TechIdx> {
        let found = self.known(index, id, ("technician", "technicians"), path);
        found.map(|&t| TechIdx(t))
    }

    /// The tier named `name`, or an issue at `path`.
    pub(super) fn tier(
        &mut self,
        name: &str,
        index: &HashMap<&str, TierIdx>,
        path: String,
    ) -> Option<TierIdx> {
        self.known(index, name, ("SLA tier", "sla_tiers"), path)
            .copied()
    }

    /// The requirements of a visit's `skills`.
    pub(super) fn needs(
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

    pub(super) fn levels(
        &mut self,
        skills: &BTreeMap<String, i64>,
        index: &HashMap<&str, SkillIdx>,
        path: &str,
    ) -> Vec<(SkillIdx, u8)> {
        let mut out = Vec::new();
        for (name, &level) in skills {
            let Some(&s) = index.get(name.as_str()) else {
                let guess = did_you_mean(name, index.keys().copied());
                self.issue(
                    "E202",
                    format!("{path}.{name}"),
                    format!("unknown skill `{name}`"),
                    &format!("list it in `skills` or fix the name{guess}"),
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

pub(super) fn check_unique<'a>(
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

pub(super) fn point(loc: &LocationDto, path: &str, issues: &mut Vec<Issue>) -> Option<Coord> {
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
