//! Business-hour calendars: weekly opening hours in a fixed UTC offset, with holidays. An SLA
//! tier on a calendar counts its response target in open hours only.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Timelike};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// How far ahead a due time is looked for (calendars open at least once a week, so this is
/// reached only when holidays close every open day for years).
const MAX_DAYS: i64 = 3 * 366;

/// Weekly opening hours and holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The offset the hours are given in.
    pub offset: FixedOffset,
    /// Open intervals per weekday (Monday first), in seconds after local midnight, sorted and
    /// disjoint.
    pub week: [Vec<(i64, i64)>; 7],
    /// Days closed all day.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Whether the calendar is open at some time of some weekday.
    pub fn opens(&self) -> bool {
        self.week.iter().any(|day| !day.is_empty())
    }

    /// The moment `response` seconds of open time after `from` have passed (`from` itself
    /// when the response is zero and the calendar is open then; else the next opening).
    /// `None` when no such moment lies within three years.
    pub fn add_open_time(
        &self,
        from: DateTime<FixedOffset>,
        response: i64,
    ) -> Option<DateTime<FixedOffset>> {
        let local = from.with_timezone(&self.offset);
        let mut date = local.date_naive();
        let mut at = i64::from(local.time().num_seconds_from_midnight());
        let mut left = response;
        for _ in 0..MAX_DAYS {
            if !self.holidays.contains(&date) {
                let weekday = date.weekday().num_days_from_monday() as usize;
                for &(open, close) in &self.week[weekday] {
                    let start = open.max(at);
                    if start >= close {
                        continue;
                    }
                    if left <= close - start {
                        let midnight = self
                            .offset
                            .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                            .single()?;
                        return Some(midnight + Duration::seconds(start + left));
                    }
                    left -= close - start;
                }
            }
            date = date.succ_opt()?;
            at = 0;
        }
        None
    }
}

/// Parses `HH:MM` (00:00–24:00) into seconds after midnight.
pub fn parse_time_of_day(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let seconds = h * 3600 + m * 60;
    ((0..24).contains(&h) && (0..60).contains(&m) || seconds == DAY).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Monday to Friday 08:00–12:00 and 13:00–17:00 at +01:00, closed on 2026-03-09 (a Monday).
    fn office() -> Calendar {
        let day = vec![(8 * 3600, 12 * 3600), (13 * 3600, 17 * 3600)];
        Calendar {
            offset: FixedOffset::east_opt(3600).expect("offset"),
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            holidays: [NaiveDate::from_ymd_opt(2026, 3, 9).expect("date")].into(),
        }
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("time")
    }

    #[test]
    fn open_time_skips_lunch_nights_weekends_and_holidays() {
        let c = office();
        let due = |from: &str, hours: i64| {
            c.add_open_time(at(from), hours * 3600)
                .map(|d| d.to_rfc3339())
        };
        // Within a morning.
        assert_eq!(
            due("2026-03-02T09:00:00+01:00", 2).as_deref(),
            Some("2026-03-02T11:00:00+01:00")
        );
        // Across lunch.
        assert_eq!(
            due("2026-03-02T11:00:00+01:00", 2).as_deref(),
            Some("2026-03-02T14:00:00+01:00")
        );
        // A request at night starts counting at the next opening.
        assert_eq!(
            due("2026-03-02T22:00:00+01:00", 4).as_deref(),
            Some("2026-03-03T12:00:00+01:00")
        );
        // Friday afternoon to Tuesday, over the weekend and the Monday holiday.
        assert_eq!(
            due("2026-03-06T16:00:00+01:00", 4).as_deref(),
            Some("2026-03-10T11:00:00+01:00")
        );
        // Another offset is converted first: 08:00Z is 09:00 at +01:00.
        assert_eq!(
            due("2026-03-02T08:00:00Z", 1).as_deref(),
            Some("2026-03-02T10:00:00+01:00")
        );
        // Zero response: the next open moment.
        assert_eq!(
            due("2026-03-07T10:00:00+01:00", 0).as_deref(),
            Some("2026-03-10T08:00:00+01:00")
        );
    }

    #[test]
    fn a_calendar_that_never_opens_has_no_due_time() {
        let mut c = office();
        c.week = Default::default();
        assert!(!c.opens());
        assert_eq!(c.add_open_time(at("2026-03-02T09:00:00+01:00"), 60), None);
    }

    #[test]
    fn times_of_day_parse_strictly() {
        assert_eq!(parse_time_of_day("08:30"), Some(30_600));
        assert_eq!(parse_time_of_day("24:00"), Some(DAY));
        for bad in ["8:30", "24:01", "12:60", "ab:cd", "0830", ""] {
            assert_eq!(parse_time_of_day(bad), None, "{bad}");
        }
    }
}
