//! The flat travel matrix: durations and distances between locations.

use rayon::prelude::*;

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
    /// Builds the matrix from a function giving (duration, distance) for each pair, rows in
    /// parallel.
    ///
    /// Values are clamped to `i32::MAX`; readers reject inputs that would reach it.
    pub fn from_fn(n: usize, f: impl Fn(usize, usize) -> (i64, i64) + Sync) -> Self {
        let clamp = |x: i64| x.clamp(0, i32::MAX as i64) as i32;
        let mut durations = vec![0; n * n];
        let mut distances = vec![0; n * n];
        durations
            .par_chunks_mut(n.max(1))
            .zip(distances.par_chunks_mut(n.max(1)))
            .enumerate()
            .for_each(|(i, (times, lengths))| {
                for j in (0..n).filter(|&j| j != i) {
                    let (t, d) = f(i, j);
                    times[j] = clamp(t);
                    lengths[j] = clamp(d);
                }
            });
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
