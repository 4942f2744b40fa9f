//! The flat travel matrix: durations and distances between locations.

use rayon::prelude::*;

use super::LocIdx;

/// Row-major `n × n` travel durations and distances in ticks, each pair's two side by side
/// (a lookup of both touches one cache line; `i32` storage keeps 10 000 locations under a
/// gigabyte).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TravelMatrix {
    n: usize,
    /// `(duration, distance)` per pair.
    arcs: Vec<(i32, i32)>,
}

impl TravelMatrix {
    /// Builds the matrix from a function giving (duration, distance) for each pair, rows in
    /// parallel.
    ///
    /// Values are clamped to `i32::MAX`; readers reject inputs that would reach it.
    pub fn from_fn(n: usize, f: impl Fn(usize, usize) -> (i64, i64) + Sync) -> Self {
        let clamp = |x: i64| x.clamp(0, i32::MAX as i64) as i32;
        let mut arcs = vec![(0, 0); n * n];
        arcs.par_chunks_mut(n.max(1))
            .enumerate()
            .for_each(|(i, row)| {
                for j in (0..n).filter(|&j| j != i) {
                    let (t, d) = f(i, j);
                    row[j] = (clamp(t), clamp(d));
                }
            });
        TravelMatrix { n, arcs }
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Travel duration and distance from `a` to `b`.
    #[inline]
    pub fn arc(&self, a: LocIdx, b: LocIdx) -> (i64, i64) {
        let (t, d) = self.arcs[a.get() * self.n + b.get()];
        (t as i64, d as i64)
    }

    /// Travel duration from `a` to `b`.
    #[inline]
    pub fn time(&self, a: LocIdx, b: LocIdx) -> i64 {
        self.arc(a, b).0
    }

    /// Travel distance from `a` to `b`.
    #[inline]
    pub fn distance(&self, a: LocIdx, b: LocIdx) -> i64 {
        self.arc(a, b).1
    }
}
