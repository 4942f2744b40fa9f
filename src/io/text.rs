//! Shared pieces of the whitespace-separated benchmark readers: tokenised lines that remember
//! their line numbers, and number parsing with `file:line` errors.

use std::str::FromStr;

use crate::error::{Error, Issue};

/// A non-blank line split on whitespace.
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The tokens.
    pub tokens: Vec<&'a str>,
}

/// The non-blank lines of a text file.
pub struct TextFile<'a> {
    /// The file name for messages.
    pub source: &'a str,
    /// Non-blank lines in order.
    pub lines: Vec<Line<'a>>,
}

impl<'a> TextFile<'a> {
    /// Decodes UTF-8 text and splits it into tokenised lines.
    pub fn new(text: &'a str, source: &'a str) -> Self {
        let lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| Line {
                number: i + 1,
                tokens: l.split_whitespace().collect(),
            })
            .filter(|l| !l.tokens.is_empty())
            .collect();
        TextFile { source, lines }
    }

    /// `file:line` of a line.
    pub fn at(&self, line: &Line<'_>) -> String {
        format!("{}:{}", self.source, line.number)
    }

    /// `file:line` of the end of the file.
    pub fn at_end(&self) -> String {
        format!(
            "{}:{}",
            self.source,
            self.lines.last().map_or(1, |l| l.number)
        )
    }

    /// An issue at a line.
    pub fn issue(
        &self,
        code: &'static str,
        line: &Line<'_>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Issue {
        Issue::new(code, self.at(line), message, hint)
    }

    /// Index of the first line at or after `from` whose first token is `word` (case-insensitive).
    pub fn find(&self, from: usize, word: &str) -> Result<usize, Issue> {
        (from..self.lines.len())
            .find(|&i| self.lines[i].tokens[0].eq_ignore_ascii_case(word))
            .ok_or_else(|| {
                Issue::new(
                    "E111",
                    self.at_end(),
                    format!("no `{word}` section"),
                    "the file is truncated or not of this format; try --format",
                )
            })
    }

    /// Parses token `k` of `line` as a `T`.
    pub fn number<T: FromStr>(&self, line: &Line<'_>, k: usize, what: &str) -> Result<T, Issue> {
        let Some(tok) = line.tokens.get(k) else {
            return Err(self.issue(
                "E112",
                line,
                format!("missing {what} (column {})", k + 1),
                "the row has too few columns",
            ));
        };
        tok.parse::<T>().map_err(|_| {
            self.issue(
                "E113",
                line,
                format!("{what} `{tok}` is not a valid number"),
                "write a plain number",
            )
        })
    }

    /// Parses token `k` as a finite float within ±10^7.
    pub fn real(&self, line: &Line<'_>, k: usize, what: &str) -> Result<f64, Issue> {
        let x: f64 = self.number(line, k, what)?;
        if x.is_finite() && x.abs() <= 1e7 {
            Ok(x)
        } else {
            Err(self.issue(
                "E113",
                line,
                format!("{what} {x} is out of range"),
                "use a finite number within ±10^7",
            ))
        }
    }
}

/// Decodes bytes as UTF-8 or reports where they are not.
pub fn decode<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::invalid(
            source,
            vec![Issue::new(
                "E110",
                format!("{source}:{line}"),
                "the file is not UTF-8 text",
                "save the file as plain text",
            )],
        )
    })
}

/// Euclidean distance between two planar points, in ticks: `floor(d × scale)` when `truncate`
/// (exact for integer coordinates, the DIMACS convention), else rounded up, so that a route
/// feasible in ticks is feasible in the file's double-precision arithmetic.
pub fn euclid_ticks(a: (f64, f64), b: (f64, f64), scale: i64, truncate: bool) -> i64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    let integral = [a.0, a.1, b.0, b.1].iter().all(|c| c.fract() == 0.0);
    if truncate && integral {
        let sq = ((dx * dx + dy * dy) as i128) * (scale as i128) * (scale as i128);
        return isqrt(sq) as i64;
    }
    let d = dx.hypot(dy) * scale as f64;
    if truncate {
        d.floor() as i64
    } else {
        ticks_up(dx.hypot(dy), scale)
    }
}

fn isqrt(n: i128) -> i128 {
    if n <= 0 {
        return 0;
    }
    let mut x = (n as f64).sqrt() as i128;
    while x * x > n {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= n {
        x += 1;
    }
    x
}

/// How far from a whole tick a scaled value may be and still count as that tick (the error of
/// the scaling itself, as in 0.1 × 10 000).
const WHOLE: f64 = 1e-6;

/// Converts a file amount (a cost) to ticks, rounded.
pub fn ticks(x: f64, scale: i64) -> i64 {
    (x * scale as f64).round() as i64
}

/// Converts a file time or duration to ticks, rounded up (window starts, service and travel
/// times: never earlier or shorter than in the file).
pub fn ticks_up(x: f64, scale: i64) -> i64 {
    scaled(x, scale, f64::ceil)
}

/// Converts a file time to ticks, rounded down (window ends: never later than in the file).
pub fn ticks_down(x: f64, scale: i64) -> i64 {
    scaled(x, scale, f64::floor)
}

/// `x × scale` as a whole tick: the nearest when within [`WHOLE`] of it, else by `round`.
fn scaled(x: f64, scale: i64, round: fn(f64) -> f64) -> i64 {
    let y = x * scale as f64;
    if (y - y.round()).abs() < WHOLE {
        y.round() as i64
    } else {
        round(y) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_is_exact_for_integers() {
        assert_eq!(euclid_ticks((0.0, 0.0), (3.0, 4.0), 10, true), 50);
        assert_eq!(euclid_ticks((0.0, 0.0), (1.0, 1.0), 10, true), 14);
        assert_eq!(euclid_ticks((0.0, 0.0), (1.0, 1.0), 10_000, false), 14_143);
        assert_eq!(euclid_ticks((0.0, 0.0), (3.0, 4.0), 10_000, false), 50_000);
        assert_eq!(ticks_up(0.1, 10_000), 1_000);
        assert_eq!(ticks_up(0.123_45, 10_000), 1_235);
        assert_eq!(ticks_down(0.123_45, 10_000), 1_234);
    }
}
