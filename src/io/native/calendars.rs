//! Business-hour calendars and service durations by level.

use std::collections::HashMap;

use chrono::FixedOffset;

use crate::error::Issue;
use crate::model::Calendar;
use crate::model::calendar::parse_time_of_day;

use super::MAX_LEVEL;
use super::build::{Builder, check_unique};

/// The calendars by name, each validated: known weekdays, `HH:MM` times, intervals that
/// open before they close and do not overlap, dates, an offset, some open time.
pub(super) fn calendars(b: &mut Builder<'_>) -> HashMap<String, Calendar> {
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
pub(super) fn level_durations(b: &mut Builder<'_>) -> Vec<i64> {
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
