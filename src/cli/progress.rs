//! The progress line of a solve on standard error: elapsed time (against the limit), best cost,
//! the gap while the exact engine runs, routes, late visits and visits left out, redrawn in
//! place; silent when turned off.

use std::io::Write;

use crate::solver::Progress;

/// Width of the bar that fills up towards the time limit.
const BAR: usize = 20;

/// Draws progress reports on one line of standard error.
pub struct ProgressLine {
    limit: Option<f64>,
    /// Whether anything is drawn at all.
    enabled: bool,
}

impl ProgressLine {
    /// A line for a solve with this time limit, drawn only when `enabled`.
    pub fn new(limit: Option<f64>, enabled: bool) -> Self {
        ProgressLine { limit, enabled }
    }

    /// Redraws the line.
    pub fn show(&self, progress: &Progress) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\x1b[K", render(progress, self.limit));
            let _ = err.flush();
        }
    }

    /// Erases the line.
    pub fn clear(&self) {
        if self.enabled {
            eprint!("\r\x1b[K");
        }
    }
}

/// The text of the line.
fn render(p: &Progress, limit: Option<f64>) -> String {
    let clock = match limit {
        Some(limit) => {
            let filled = ((p.elapsed / limit).clamp(0.0, 1.0) * BAR as f64) as usize;
            format!(
                "[{}{}] {:.1}/{limit:.1} s",
                "#".repeat(filled),
                ".".repeat(BAR - filled),
                p.elapsed
            )
        }
        None => format!("{:.1} s", p.elapsed),
    };
    let gap = p
        .gap
        .map(|g| format!("  gap {:.2} %", 100.0 * g))
        .unwrap_or_default();
    format!(
        "{clock}  best {:.2}{gap}  routes {}  late {}  unassigned {}",
        p.cost, p.routes, p.late, p.unassigned
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_the_clock_against_the_limit_and_the_best_plan() {
        let p = Progress {
            elapsed: 15.0,
            cost: 1234.5,
            unassigned: 2,
            routes: 7,
            late: 3,
            gap: None,
        };
        assert_eq!(
            render(&p, Some(60.0)),
            "[#####...............] 15.0/60.0 s  best 1234.50  routes 7  late 3  unassigned 2"
        );
        assert_eq!(
            render(&p, None),
            "15.0 s  best 1234.50  routes 7  late 3  unassigned 2"
        );
        // What is left of a limit after reading the problem shows as people write it.
        assert!(render(&p, Some(2.997687941)).contains(" 15.0/3.0 s "));
        let exact = Progress {
            gap: Some(0.0321),
            ..p
        };
        assert_eq!(
            render(&exact, None),
            "15.0 s  best 1234.50  gap 3.21 %  routes 7  late 3  unassigned 2"
        );
    }
}
