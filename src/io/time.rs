//! RFC 3339 timestamps and ISO 8601 durations of the native format.

use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat};

use crate::model::Time;

/// Parses an RFC 3339 timestamp such as `2026-03-02T08:00:00+01:00`.
pub fn parse_timestamp(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text).map_err(|e| {
        let local = [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(text, f).is_ok());
        if local {
            format!("`{text}` has no UTC offset: add one, such as `{text}+01:00` (or `Z` for UTC)")
        } else {
            format!("`{text}` is not an RFC 3339 time: {e}")
        }
    })
}

/// Formats `ticks` seconds after `origin` as RFC 3339 in the origin's offset.
pub fn format_timestamp(origin: &DateTime<FixedOffset>, ticks: Time) -> String {
    (*origin + chrono::Duration::seconds(ticks)).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Largest duration accepted: 10 years in seconds.
const MAX_DURATION: i64 = 10 * 366 * 86_400;

/// Parses an ISO 8601 duration `P[nW][nD][T[nH][nM][nS]]` (whole numbers) into seconds.
pub fn parse_duration(text: &str) -> Result<Time, String> {
    let bad = |why: &str| format!("`{text}` is not an ISO 8601 duration: {why}");
    let rest = text
        .strip_prefix('P')
        .ok_or_else(|| bad("it must start with P (negative durations are not allowed)"))?;
    if rest.is_empty() || rest == "T" {
        return Err(bad("it has no amount"));
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut in_time = false;
    let mut last_unit = 0usize;
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c == 'T' {
            if in_time || !number.is_empty() {
                return Err(bad("misplaced T"));
            }
            in_time = true;
            continue;
        }
        let (rank, seconds) = match (in_time, c) {
            (false, 'W') => (1, 7 * 86_400),
            (false, 'D') => (2, 86_400),
            (true, 'H') => (3, 3_600),
            (true, 'M') => (4, 60),
            (true, 'S') => (5, 1),
            _ => return Err(bad(&format!("unexpected `{c}`"))),
        };
        if number.is_empty() || rank <= last_unit {
            return Err(bad(
                "each unit needs a whole number, in the order W D T H M S",
            ));
        }
        last_unit = rank;
        let n: i64 = number.parse().map_err(|_| bad("number too large"))?;
        number.clear();
        total = n
            .checked_mul(seconds)
            .and_then(|x| total.checked_add(x))
            .filter(|&t| t <= MAX_DURATION)
            .ok_or_else(|| bad("longer than 10 years"))?;
    }
    if !number.is_empty() {
        return Err(bad("a number lacks its unit"));
    }
    Ok(total)
}

/// The calendar week (Monday to Sunday, in the origin's offset) of `ticks` seconds after
/// `origin`, counted from the origin's week.
pub fn week_of(origin: &DateTime<FixedOffset>, ticks: Time) -> i32 {
    let first = origin.date_naive();
    let monday = first - chrono::Duration::days(first.weekday().num_days_from_monday().into());
    let date = (*origin + chrono::Duration::seconds(ticks)).date_naive();
    let weeks = (date - monday).num_days().div_euclid(7);
    i32::try_from(weeks).unwrap_or(i32::MAX)
}

/// Formats seconds as an ISO 8601 duration.
pub fn format_duration(seconds: Time) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("PT4H"), Ok(4 * 3600));
        assert_eq!(parse_duration("PT1H30M"), Ok(5400));
        assert_eq!(parse_duration("P1DT2H"), Ok(26 * 3600));
        assert_eq!(parse_duration("P1W"), Ok(7 * 86_400));
        assert_eq!(parse_duration("PT0S"), Ok(0));
        for bad in [
            "",
            "P",
            "PT",
            "4H",
            "-PT1H",
            "PT1H2",
            "PT1M1H",
            "P1H",
            "PT99999999999999999999H",
            "P9999D",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_round_trip() {
        for s in [0, 59, 60, 3599, 3600, 5400, 86_399] {
            assert_eq!(parse_duration(&format_duration(s)), Ok(s));
        }
    }

    #[test]
    fn timestamps_round_trip() {
        let origin = parse_timestamp("2026-03-02T08:00:00+01:00").unwrap();
        assert_eq!(format_timestamp(&origin, 3600), "2026-03-02T09:00:00+01:00");
        // Monday 08:00: the week runs to Sunday midnight local time, whatever the UTC date.
        let day = 86_400;
        assert_eq!(week_of(&origin, 0), 0);
        assert_eq!(week_of(&origin, 6 * day + 15 * 3600), 0);
        assert_eq!(week_of(&origin, 6 * day + 16 * 3600), 1);
        assert_eq!(week_of(&origin, -8 * 3600 - 1), -1);
        assert!(parse_timestamp("2026-13-02T08:00:00Z").is_err());
    }
}
