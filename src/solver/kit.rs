//! Tools and spare parts along a route, summarised like its concatenation segments.
//!
//! A technician sets out with some tools and parts; a visit needs tools (kept) and uses up
//! parts; a restock at the depot refills everything for the rest of the shift. So what a run
//! of stops asks of the kit is what its visits before its first restock need, and one restock
//! is always enough. Joining two runs is O(number of part types).

use crate::model::{MAX_PART_TYPES, Problem, Technician, VisitIdx};

/// What a run of stops needs from the kit it starts with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Kit {
    /// Tools needed before the first restock (bit set).
    tools: u64,
    /// Spare parts used before the first restock, per part type.
    parts: [i64; MAX_PART_TYPES],
    /// Whether the run has a restock.
    restocked: bool,
}

impl Kit {
    /// A restock: nothing needed, everything refilled after it.
    pub(super) const RESTOCK: Kit = Kit {
        tools: 0,
        parts: [0; MAX_PART_TYPES],
        restocked: true,
    };

    /// What visit `v` needs.
    pub(super) fn visit(problem: &Problem, v: VisitIdx) -> Self {
        let visit = problem.visit(v);
        let mut parts = [0; MAX_PART_TYPES];
        parts[..visit.parts.len()].copy_from_slice(&visit.parts);
        Kit {
            tools: visit.tools,
            parts,
            restocked: false,
        }
    }

    /// This run followed by `next`.
    #[inline]
    pub(super) fn then(&self, next: &Kit) -> Kit {
        if self.restocked {
            return *self;
        }
        let mut parts = self.parts;
        for (p, n) in parts.iter_mut().zip(&next.parts) {
            *p += n;
        }
        Kit {
            tools: self.tools | next.tools,
            parts,
            restocked: next.restocked,
        }
    }

    /// Whether `tech` sets out with what the run needs.
    pub(super) fn fits(&self, tech: &Technician) -> bool {
        let has = |p: usize| tech.parts.get(p).copied().unwrap_or(0);
        self.tools & !tech.tools == 0 && self.parts.iter().enumerate().all(|(p, &n)| n <= has(p))
    }
}

/// The kit needs of a route's visits, with its restock (if any) before visit `restock`:
/// `prefix[k]` of the first `k` visits, `suffix[k]` of the visits from `k` on.
#[derive(Debug, Clone)]
pub(super) struct Kits {
    pub(super) prefix: Vec<Kit>,
    pub(super) suffix: Vec<Kit>,
}

impl Kits {
    /// The kit needs of `visits` with a restock before visit `restock`; `None` when no visit
    /// needs a tool or a part.
    pub(super) fn new(
        problem: &Problem,
        visits: &[VisitIdx],
        restock: Option<usize>,
    ) -> Option<Self> {
        if !visits.iter().any(|&v| problem.visit(v).needs_kit()) {
            return None;
        }
        let alone: Vec<Kit> = (visits.iter().enumerate())
            .map(|(k, &v)| match restock == Some(k) {
                true => Kit::RESTOCK.then(&Kit::visit(problem, v)),
                false => Kit::visit(problem, v),
            })
            .collect();
        let mut prefix = Vec::with_capacity(alone.len() + 1);
        prefix.push(Kit::default());
        for kit in &alone {
            let last = prefix[prefix.len() - 1];
            prefix.push(last.then(kit));
        }
        let mut suffix = vec![Kit::default(); alone.len() + 1];
        for k in (0..alone.len()).rev() {
            suffix[k] = alone[k].then(&suffix[k + 1]);
        }
        Some(Kits { prefix, suffix })
    }

    /// Where a restock must come at the latest for `tech` to do `visits`: before the first
    /// visit the kit it sets out with cannot serve (`None` when it serves them all).
    pub(super) fn first_short(
        problem: &Problem,
        tech: &Technician,
        visits: &[VisitIdx],
    ) -> Option<usize> {
        if !visits.iter().any(|&v| problem.visit(v).needs_kit()) {
            return None;
        }
        let mut kit = Kit::default();
        visits.iter().position(|&v| {
            kit = kit.then(&Kit::visit(problem, v));
            !kit.fits(tech)
        })
    }
}
