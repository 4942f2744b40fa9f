//! Times, durations, distances and costs as people read them: clock times with the day for
//! calendar problems, the file's own units for benchmark files.

use super::{Clock, Cost, Problem, Time};

impl Problem {
    /// A point in time: `Mon 2026-03-02 14:05` (seconds shown only when not whole minutes), or
    /// the file's time for benchmark files.
    pub fn show_time(&self, t: Time) -> String {
        match &self.clock {
            Clock::Calendar { origin } => {
                let at = *origin + chrono::Duration::seconds(t);
                let format = if t % 60 == 0 {
                    "%a %Y-%m-%d %H:%M"
                } else {
                    "%a %Y-%m-%d %H:%M:%S"
                };
                at.format(format).to_string()
            }
            Clock::Numeric { ticks_per_unit } => number(t, *ticks_per_unit),
        }
    }

    /// An amount of time: `1 h 05 min`, `45 min`, `30 s`, or the file's units.
    pub fn show_duration(&self, d: Time) -> String {
        match &self.clock {
            Clock::Calendar { .. } => hours_minutes(d),
            Clock::Numeric { ticks_per_unit } => {
                format!("{} time units", number(d, *ticks_per_unit))
            }
        }
    }

    /// A distance: `12.3 km`, or the file's units.
    pub fn show_distance(&self, d: i64) -> String {
        match &self.clock {
            Clock::Calendar { .. } => format!("{:.1} km", d as f64 / 1000.0),
            Clock::Numeric { ticks_per_unit } => number(d, *ticks_per_unit),
        }
    }

    /// A cost in the units plans state it in.
    pub fn show_cost(&self, c: Cost) -> String {
        let scale = self.objective.cost_scale.max(1);
        number(c, scale)
    }
}

/// `ticks / per` with as many decimals as `per` has digits after the first, trailing zeros cut.
fn number(ticks: i64, per: i64) -> String {
    let decimals = (per.max(1) as f64).log10().round() as usize;
    let text = format!("{:.*}", decimals, ticks as f64 / per.max(1) as f64);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Seconds as `2 h 05 min`, `45 min` or `30 s` (minutes rounded up once past a minute).
pub fn hours_minutes(seconds: Time) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    if s < 60 {
        return format!("{sign}{s} s");
    }
    let minutes = s.div_ceil(60);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{sign}{m} min"),
        (h, m) => format!("{sign}{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_people_write_them() {
        assert_eq!(hours_minutes(30), "30 s");
        assert_eq!(hours_minutes(45 * 60), "45 min");
        assert_eq!(hours_minutes(3900), "1 h 05 min");
        assert_eq!(hours_minutes(3601), "1 h 01 min");
        assert_eq!(number(197_355_470, 10_000), "19735.547");
        assert_eq!(number(1_000, 10), "100");
        assert_eq!(number(5, 1), "5");
    }
}
