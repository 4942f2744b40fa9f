//! The exact engine for technicians that differ: one routing flow per technician shift.
//!
//! # Formulation (three-index vehicle flow over technician shifts)
//!
//! For each technician shift `k` (home `0_k`, end `e_k`, shift `[a_k, b_k]`) and the visits it
//! may do (eligible, skill levels and exclusions included), with `s_ki` the technician's
//! duration of visit `i`:
//!
//! - `x_kij ∈ {0,1}` for every arc that can be driven within the windows and the shift;
//! - `z_i ∈ {0,1}` serves visit `i` (leaving it out costs its leave-out cost, which for a
//!   mandatory visit is the unassigned penalty × priority, as in the plan's objective);
//! - `T_i ∈ [e_i, l_i]` the service start (window and request time), `D_k, R_k ∈ [a_k, b_k]` the
//!   departure and the return;
//! - `L_i ≥ 0` the lateness past the SLA due time `d_i`, `β_i ∈ {0,1}` the breach.
//!
//! ```text
//! min  Σ f_k u_k + Σ w_k (R_k − D_k) + Σ c_ij x_kij + Σ p_ki x_kij
//!      + Σ π_i (λ_i L_i + B_i β_i) + Σ o_i (1 − z_i)
//! s.t. Σ_k Σ_j x_kij = z_i                                  every visit
//!      Σ_j x_kji = Σ_j x_kij,  Σ_j x_k0j = Σ_i x_kie = u_k ≤ 1  every shift
//!      T_j ≥ D_k + t_0j − M (1 − x_k0j)
//!      T_j ≥ T_i + s_ki + t_ij − M (1 − x_kij)
//!      R_k ≥ T_i + s_ki + t_ie − M (1 − x_kie)
//!      L_i ≥ T_i − d_i − M (1 − z_i),  L_i ≤ (l_i − d_i) β_i
//!      R_k − D_k ≥ Σ_ij (s_ki + t_ij) x_kij                  a route lasts its drives and services
//!      Σ_i q_i Σ_j x_kij ≤ Q_k                              capacity, when limited
//! ```
//!
//! with `f` the fixed cost, `w` the working-time rate, `c` the distance cost, `p` the
//! preference cost of the technician for the visit, `π` the priority, `λ`/`B` the tier's rate
//! and breach, and each big-M the smallest that frees the arc from the bounds. Costs are not
//! rounded here while plans round each term to the nearest cost unit, so the reported bound is
//! lowered by half a unit per rounded term, and a plan is proven optimal when its cost is
//! within that rounding of the model's optimum.
//!
//! Supported: see [`super::unsupported`].

use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};

use super::milp::{Model, finish, run};
use super::{Cancel, Report};
use crate::error::{Error, Result};
use crate::model::{LocIdx, Problem, TechIdx, Time, VisitIdx};
use crate::solution::{Reason, Route, Solution, SolverInfo, Stop, Unassigned};
use crate::solver::{SolverConfig, explain};

/// Leave-out costs from which a visit must be served.
const MUST_SERVE: i64 = 1_000_000_000_000_000;

/// A technician shift as the model sees it.
struct Slot {
    tech: TechIdx,
    shift: usize,
    home: LocIdx,
    end: LocIdx,
    open: Time,
    close: Time,
}

/// Solves `problem` with the per-shift model, warm-started by keeping `start` when HiGHS finds
/// nothing better.
pub fn solve(
    problem: &Problem,
    config: &SolverConfig,
    start: &Solution,
    report: Report<'_>,
    cancel: &Cancel,
) -> Result<Solution> {
    let n = problem.visits.len();
    let slots: Vec<Slot> = problem
        .tech_shifts()
        .map(|(t, s)| {
            let tech = problem.tech(t);
            Slot {
                tech: t,
                shift: s,
                home: tech.start,
                end: tech.end,
                open: tech.shifts[s].start,
                close: tech.shifts[s].end,
            }
        })
        .collect();
    let horizon = slots.iter().map(|s| s.close).max().unwrap_or(0);
    let origin = slots.iter().map(|s| s.open).min().unwrap_or(0);
    // Start windows: the visit's window and request time.
    let (early, late): (Vec<Time>, Vec<Time>) = problem
        .visits
        .iter()
        .map(|v| {
            let (open, close) = v
                .windows
                .first()
                .map_or((origin, horizon), |w| (w.start, w.end));
            (v.release.map_or(open, |r| r.max(open)), close)
        })
        .unzip();
    let travel = |a: LocIdx, b: LocIdx| problem.travel.time(a, b);
    let distance = |a: LocIdx, b: LocIdx| {
        let rate = problem.objective.distance;
        problem.travel.distance(a, b) as f64 * rate.per_tick()
    };
    let loc = |i: usize| problem.visits[i].loc;

    // Arcs per slot: (slot, from, to) with from/to `None` for home and end.
    let mut vars = ProblemVariables::new();
    let mut arcs: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
    for (k, slot) in slots.iter().enumerate() {
        let can = |i: usize| {
            problem.is_eligible(slot.tech, VisitIdx(i as u32))
                && early[i] <= late[i]
                && slot.open + travel(slot.home, loc(i)) <= late[i]
                && early[i].max(slot.open + travel(slot.home, loc(i)))
                    + problem.duration(slot.tech, VisitIdx(i as u32))
                    + travel(loc(i), slot.end)
                    <= slot.close
        };
        let visits: Vec<usize> = (0..n).filter(|&i| can(i)).collect();
        for &i in &visits {
            arcs.push((k, None, Some(i)));
            arcs.push((k, Some(i), None));
            let done = early[i] + problem.duration(slot.tech, VisitIdx(i as u32));
            for &j in visits.iter().filter(|&&j| j != i) {
                if done + travel(loc(i), loc(j)) <= late[j] {
                    arcs.push((k, Some(i), Some(j)));
                }
            }
        }
    }
    let x: Vec<Variable> = arcs.iter().map(|_| vars.add(variable().binary())).collect();
    // A leave-out cost beyond any plan's cost (the benchmark readers' "serve everything") is a
    // constraint, not a term: HiGHS keeps no precision across such a range.
    let must = |i: usize| problem.leave_out_cost(VisitIdx(i as u32)) >= MUST_SERVE;
    let serve: Vec<Variable> = (0..n)
        .map(|i| match must(i) {
            true => vars.add(variable().binary().min(1.0)),
            false => vars.add(variable().binary()),
        })
        .collect();
    let start_time: Vec<Variable> = (0..n)
        .map(|i| {
            vars.add(
                variable()
                    .min(early[i] as f64)
                    .max(late[i].max(early[i]) as f64),
            )
        })
        .collect();
    let depart: Vec<Variable> = slots
        .iter()
        .map(|s| vars.add(variable().min(s.open as f64).max(s.close as f64)))
        .collect();
    let back: Vec<Variable> = slots
        .iter()
        .map(|s| vars.add(variable().min(s.open as f64).max(s.close as f64)))
        .collect();
    let used: Vec<Variable> = slots
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    // Lateness and breach of visits with a due time and a tier.
    let tiers: Vec<Option<(Variable, Variable, Time)>> = problem
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let due = v.due?;
            v.tier?;
            let most = (late[i] - due).max(0);
            (most > 0).then(|| {
                (
                    vars.add(variable().min(0.0).max(most as f64)),
                    vars.add(variable().binary()),
                    due,
                )
            })
        })
        .collect();

    let mut objective = Expression::from(0.0);
    let mut rounded = 0.0;
    for (k, slot) in slots.iter().enumerate() {
        let tech = problem.tech(slot.tech);
        objective += tech.fixed_cost as f64 * used[k];
        let rate = tech.work_rate.per_tick();
        objective += rate * (back[k] - depart[k]);
        rounded += 2.0;
    }
    for (a, &(k, from, to)) in arcs.iter().enumerate() {
        let slot = &slots[k];
        let (p, q) = (from.map_or(slot.home, loc), to.map_or(slot.end, loc));
        let preference = from.map_or(0, |i| problem.visits[i].preferences.cost(slot.tech));
        objective += (distance(p, q) + preference as f64) * x[a];
    }
    let mut constant = 0.0;
    for (i, visit) in problem.visits.iter().enumerate() {
        if !must(i) {
            let out = problem.leave_out_cost(VisitIdx(i as u32)) as f64;
            objective -= out * serve[i];
            constant += out;
        }
        if let (Some((lateness, breach, _)), Some(t)) = (tiers[i], visit.tier) {
            let tier = &problem.tiers[t.get()];
            let rate = tier.lateness.per_tick();
            let weight = visit.priority as f64;
            objective += weight * rate * lateness + weight * tier.breach as f64 * breach;
            rounded += weight;
        }
    }
    // HiGHS does not keep a constant term: it is added back to what HiGHS reports.
    let mut model = vars.minimise(objective).using(good_lp::highs);

    let mut served = vec![Expression::from(0.0); n];
    let mut inflow = vec![vec![Expression::from(0.0); n]; slots.len()];
    let mut outflow = vec![vec![Expression::from(0.0); n]; slots.len()];
    // A route lasts at least its drives and services: this ties the working time to the arcs
    // in the relaxation too (the time constraints alone hardly bind there).
    let mut busy = vec![Expression::from(0.0); slots.len()];
    let mut leaves = vec![Expression::from(0.0); slots.len()];
    let mut returns = vec![Expression::from(0.0); slots.len()];
    for (a, &(k, from, to)) in arcs.iter().enumerate() {
        match from {
            Some(i) => {
                served[i] += x[a];
                outflow[k][i] += x[a];
            }
            None => leaves[k] += x[a],
        }
        match to {
            Some(j) => inflow[k][j] += x[a],
            None => returns[k] += x[a],
        }
        // Times along the arc, each big-M the least that frees it.
        let slot = &slots[k];
        let (p, q) = (from.map_or(slot.home, loc), to.map_or(slot.end, loc));
        let service = from.map_or(0, |i| problem.duration(slot.tech, VisitIdx(i as u32)));
        busy[k] += (travel(p, q) + service) as f64 * x[a];
        match (from, to) {
            (None, Some(j)) => {
                let t = travel(slot.home, loc(j));
                let m = (slot.close + t - early[j]).max(0) as f64;
                model.add_constraint((start_time[j] - depart[k] + m * (1.0 - x[a])).geq(t as f64));
            }
            (Some(i), Some(j)) => {
                let s = problem.duration(slot.tech, VisitIdx(i as u32)) + travel(loc(i), loc(j));
                let m = (late[i] + s - early[j]).max(0) as f64;
                model.add_constraint(
                    (start_time[j] - start_time[i] + m * (1.0 - x[a])).geq(s as f64),
                );
            }
            (Some(i), None) => {
                let s = problem.duration(slot.tech, VisitIdx(i as u32)) + travel(loc(i), slot.end);
                let m = (late[i] + s - slot.open).max(0) as f64;
                model.add_constraint((back[k] - start_time[i] + m * (1.0 - x[a])).geq(s as f64));
            }
            (None, None) => {}
        }
    }
    for i in 0..n {
        model.add_constraint(served[i].clone().eq(serve[i]));
        for k in 0..slots.len() {
            model.add_constraint(inflow[k][i].clone().eq(outflow[k][i].clone()));
        }
        if let Some((lateness, breach, due)) = tiers[i] {
            let most = (late[i] - due) as f64;
            let free = (late[i] - due).max(0) as f64;
            model.add_constraint(
                (lateness - start_time[i] + free * (1.0 - serve[i])).geq(-(due as f64)),
            );
            model.add_constraint((lateness - most * breach).leq(0.0));
        }
    }
    for (k, slot) in slots.iter().enumerate() {
        model.add_constraint(leaves[k].clone().eq(used[k]));
        model.add_constraint(returns[k].clone().eq(used[k]));
        model.add_constraint((back[k] - depart[k] - busy[k].clone()).geq(0.0));
        // Each route is its own: its load is the demand of the visits it leaves.
        if let Some(capacity) = problem.tech(slot.tech).capacity {
            let load = (0..n).fold(Expression::from(0.0), |sum, i| {
                sum + problem.visits[i].demand as f64 * outflow[k][i].clone()
            });
            model.add_constraint(load.leq(capacity as f64));
        }
    }

    // Identical technicians are interchangeable: the earlier one's shift is used first.
    for (k, a) in slots.iter().enumerate() {
        let twin = slots[..k]
            .iter()
            .rposition(|b| b.shift == a.shift && interchangeable(problem, b.tech, a.tech));
        if let Some(j) = twin {
            model.add_constraint((used[j] - used[k]).geq(0.0));
        }
    }
    let warm = warm_start(problem, &slots, &arcs, &early, &tiers, start);
    let highs = model.into_inner();
    let model = Model {
        warm: warm.as_deref(),
        offset: constant,
        decode: &|cols: &[f64]| decode(problem, &slots, &arcs, cols),
    };
    let (outcome, plan) = run(highs, model, config, report, cancel, problem)?;
    let slack = 0.5 * rounded;
    let lowered = super::milp::Outcome {
        bound: outcome.bound.map(|b| b - slack),
        ..outcome
    };
    let objective = lowered.objective;
    finish(problem, start, plan, &lowered, |value| {
        objective.is_some_and(|o| value <= o + slack + 1.0)
    })
}

/// Whether technicians `a` and `b` can trade places in any plan: alike in every respect, and
/// named by no visit's preferences.
fn interchangeable(problem: &Problem, a: TechIdx, b: TechIdx) -> bool {
    let (ta, tb) = (problem.tech(a), problem.tech(b));
    let named = |t: TechIdx| {
        problem.visits.iter().any(|v| {
            let p = &v.preferences;
            p.excluded.contains(&t)
                || p.preferred.contains(&t)
                || p.previous == Some(t)
                || p.planned.is_some_and(|(q, _)| q == t)
        })
    };
    ta.is_like(tb) && ta.shifts == tb.shifts && !named(a) && !named(b)
}

/// The columns of `start` (in the order the variables were created: arcs, serve flags, start
/// times, departures, returns, used flags, then lateness and breach per due visit), or `None`
/// when one of its routes uses an arc the model left out.
fn warm_start(
    problem: &Problem,
    slots: &[Slot],
    arcs: &[(usize, Option<usize>, Option<usize>)],
    early: &[Time],
    tiers: &[Option<(Variable, Variable, Time)>],
    start: &Solution,
) -> Option<Vec<f64>> {
    let n = problem.visits.len();
    let s = slots.len();
    let index: std::collections::HashMap<_, _> =
        arcs.iter().enumerate().map(|(a, &arc)| (arc, a)).collect();
    let mut x = vec![0.0; arcs.len()];
    let mut serve = vec![0.0; n];
    let mut begin: Vec<f64> = early.iter().map(|&e| e as f64).collect();
    let mut depart: Vec<f64> = slots.iter().map(|s| s.open as f64).collect();
    let mut back = depart.clone();
    let mut used = vec![0.0; s];
    let mut times = Vec::new();
    for route in &start.routes {
        let k = slots
            .iter()
            .position(|s| s.tech == route.tech && s.shift == route.shift)?;
        let summary = crate::solution::schedule::simulate(
            problem,
            route.tech,
            route.shift,
            route.stops.iter().copied(),
            Some(&mut times),
        )
        .ok()?;
        let visits: Vec<usize> = route.visits().map(|v| v.get()).collect();
        let mut from = None;
        for (&i, t) in visits.iter().zip(&times) {
            x[*index.get(&(k, from, Some(i)))?] = 1.0;
            serve[i] = 1.0;
            begin[i] = t.start as f64;
            from = Some(i);
        }
        x[*index.get(&(k, from, None))?] = 1.0;
        depart[k] = summary.departure as f64;
        back[k] = summary.back as f64;
        used[k] = 1.0;
    }
    let mut cols = [x, serve, begin.clone(), depart, back, used].concat();
    for (i, tier) in tiers.iter().enumerate() {
        if let Some((_, _, due)) = tier {
            let late = if cols[arcs.len() + i] > 0.5 {
                (begin[i] - *due as f64).max(0.0)
            } else {
                0.0
            };
            cols.push(late);
            cols.push(if late > 0.0 { 1.0 } else { 0.0 });
        }
    }
    Some(cols)
}

/// The plan of HiGHS's columns: each used shift's arcs followed from home; visits not served
/// get their reason.
fn decode(
    problem: &Problem,
    slots: &[Slot],
    arcs: &[(usize, Option<usize>, Option<usize>)],
    cols: &[f64],
) -> Result<Solution> {
    let n = problem.visits.len();
    let broken = || Error::Solver("internal error: the MILP plan does not form routes".into());
    let mut next: Vec<std::collections::HashMap<Option<usize>, Option<usize>>> =
        vec![Default::default(); slots.len()];
    for (a, &(k, from, to)) in arcs.iter().enumerate() {
        if cols[a] > 0.5 {
            next[k].insert(from, to);
        }
    }
    let mut seen = vec![false; n];
    let mut routes = Vec::new();
    for (k, slot) in slots.iter().enumerate() {
        let mut at = match next[k].get(&None) {
            Some(&first) => first,
            None => continue,
        };
        let mut stops = Vec::new();
        while let Some(i) = at {
            if seen[i] || stops.len() > n {
                return Err(broken());
            }
            seen[i] = true;
            stops.push(Stop::Visit(VisitIdx(i as u32)));
            at = *next[k].get(&Some(i)).ok_or_else(broken)?;
        }
        routes.push(Route {
            tech: slot.tech,
            shift: slot.shift,
            stops,
        });
    }
    let unassigned = (0..n)
        .filter(|&i| !seen[i])
        .map(|i| {
            let v = VisitIdx(i as u32);
            let (reason, detail) = match explain(problem, v) {
                (Reason::NoRoom, _) if !problem.visit(v).is_mandatory() => (
                    Reason::NotWorthIt,
                    "serving it costs more than the penalty for leaving it out".into(),
                ),
                other => other,
            };
            Unassigned {
                visit: v,
                reason,
                detail,
            }
        })
        .collect();
    Ok(Solution {
        routes,
        unassigned,
        solver: SolverInfo::default(),
    })
}
