//! The flat travel matrix: durations and distances between locations.

use super::LocIdx;

/// Row-major `n × n` travel durations and distances in ticks (`i32` storage keeps 10 000
/// locations under a gigabyte).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TravelMatrix {
    n: usize,
    durations: Vec<i32>,
    distances: Vec<i32>,
}

impl TravelMatrix {
    /// Builds the matrix from a function giving (duration, distance) for each pair.
    ///
    /// Values are clamped to `i32::MAX`; readers reject inputs that would reach it.
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> (i64, i64)) -> Self {
        let mut durations = Vec::with_capacity(n * n);
        let mut distances = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                let (t, d) = if i == j { (0, 0) } else { f(i, j) };
                durations.push(t.clamp(0, i32::MAX as i64) as i32);
                distances.push(d.clamp(0, i32::MAX as i64) as i32);
            }
        }
        TravelMatrix {
            n,
            durations,
            distances,
        }
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Travel duration from `a` to `b`.
    #[inline]
    pub fn time(&self, a: LocIdx, b: LocIdx) -> i64 {
        self.durations[a.get() * self.n + b.get()] as i64
    }

    /// Travel distance from `a` to `b`.
    #[inline]
    pub fn distance(&self, a: LocIdx, b: LocIdx) -> i64 {
        self.distances[a.get() * self.n + b.get()] as i64
    }
}
