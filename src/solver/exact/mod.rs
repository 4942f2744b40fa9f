//! The exact engine: models solved by HiGHS that prove optimality or report the gap at the
//! time limit.
//!
//! Technicians alike (below) with at most 63 visits go to branch and price
//! (`exact/columns.rs`), whose set-partitioning relaxation is far tighter than any flow's; when
//! its pricing grows too large or its root relaxation too slow, and on more visits, the
//! two-index flow below takes over. Technicians that differ go to the per-shift model.
//!
//! # Formulation (two-index vehicle flow over interchangeable technicians)
//!
//! Node 0 is the technicians' common home; nodes 1..=n are the visits. With `K` technician
//! shifts, all alike (same home, shift, capacity, costs and skills — identical technicians are
//! aggregated into one flow, which removes their symmetry altogether):
//!
//! - `x_ij ∈ {0,1}` for every arc that can be driven at all: `e_i + s_i + t_ij ≤ l_j` and
//!   `q_i + q_j ≤ Q` (no variable for an arc the windows or the capacity rule out);
//! - `y_i ∈ {0,1}` serves optional visit `i` (mandatory visits have `y_i = 1`);
//! - `T_i ∈ [e_i, l_i]`, the service start, where `e_i` and `l_i` are the window tightened by
//!   the earliest arrival from home and the latest start that still gets home by the shift end;
//! - `u_i ∈ [q_i, Q]`, the load after visit `i`, when technicians have a capacity.
//!
//! ```text
//! min  Σ c_ij x_ij + Σ_optional p_i (1 − y_i)
//! s.t. Σ_j x_ij = y_i,  Σ_j x_ji = y_i                 every visit i
//!      Σ_j x_0j ≤ K                                    technicians available
//!      T_j ≥ T_i + s_i + t_ij − M_ij (1 − x_ij)        visit arcs, M_ij = l_i + s_i + t_ij − e_j
//!      u_j ≥ u_i + q_j − Q (1 − x_ij)                  visit arcs (with a capacity)
//! ```
//!
//! The big-M of each arc is the smallest that leaves the arc unconstrained when unused, computed
//! from the tightened windows. Costs are integers, so an absolute gap below one proves the
//! optimum. HiGHS starts from the heuristic's plan, so the answer is never worse than it.
//!
//! This aggregated model takes visits with at most one window, no SLA due time, no tools or
//! parts, no technician preferences; technicians alike (same levels when durations depend on
//! them), each able to do every visit, with no fixed or working-time cost, no overtime,
//! working-time cap or break, and an integer distance rate — the Solomon `distance` objective
//! and native problems of that shape.
//!
//! Technicians that differ (homes, shifts, skills, costs, preferences, SLA due times) go to the
//! per-shift model (`exact/shifts.rs`), a flow per technician shift, while it stays small (at most
//! 40 000 arcs) and has no overtime, working-time cap, break, tools, spare parts or second
//! window. Anything else is reported as unsupported and `auto` picks the heuristic.

use crate::error::{Error, Result};
use crate::model::Problem;
use crate::solution::Solution;

use super::{Cancel, SolverConfig};

/// Whether this build has the exact engine.
pub const AVAILABLE: bool = cfg!(feature = "highs");

/// Most arcs the per-shift model may have (technician shifts × visit pairs).
const MAX_ARCS: usize = 40_000;

/// Why the exact engine cannot model `problem`, or `None` when it can: technicians alike go to
/// the aggregated model, others to the per-shift model while it stays small.
pub fn unsupported(problem: &Problem) -> Option<&'static str> {
    if problem.technicians.iter().any(|t| t.distance_factor != 1) {
        return Some("distance charged once per crew member");
    }
    aggregated_unsupported(problem).and(per_shift_unsupported(problem))
}

/// Why the per-shift model cannot take `problem`, or `None` when it can.
fn per_shift_unsupported(problem: &Problem) -> Option<&'static str> {
    let simple = problem
        .visits
        .iter()
        .all(|v| v.windows.len() <= 1 && !v.needs_kit());
    if !simple {
        return Some("visits with several windows, tools or spare parts");
    }
    if problem.technicians.iter().any(|t| t.has_shift_rules()) {
        return Some("overtime, working-time caps or breaks");
    }
    let n = problem.visits.len();
    let shifts: usize = problem.technicians.iter().map(|t| t.shifts.len()).sum();
    if shifts * (n + 2) * (n + 2) > MAX_ARCS {
        return Some("this many technician shifts and visits");
    }
    None
}

/// Why the aggregated model (technicians alike) cannot take `problem`, or `None` when it can.
fn aggregated_unsupported(problem: &Problem) -> Option<&'static str> {
    let first = problem.technicians.first()?;
    let alike = problem.tech_indices().all(|t| {
        let tech = problem.tech(t);
        tech.start == first.start
            && tech.end == first.start
            && tech.shifts == first.shifts
            && tech.capacity == first.capacity
            && tech.fixed_cost == 0
            && tech.work_rate.cost == 0
            && problem.visit_indices().all(|v| problem.is_eligible(t, v))
    });
    if !alike {
        return Some(
            "technicians that differ (home, shifts, capacity, skills) or cost per use or hour",
        );
    }
    if first.shifts.len() != 1 {
        // Its routes are all timed in one shift.
        return Some("technicians with several shifts");
    }
    if problem.objective.distance.per != 1 {
        return Some("a distance rate that is not a whole cost per distance unit");
    }
    if problem.technicians.iter().any(|t| t.has_shift_rules()) {
        return Some("overtime, working-time caps or breaks");
    }
    let simple = problem
        .visits
        .iter()
        .all(|v| v.windows.len() <= 1 && v.due.is_none() && !v.needs_kit());
    if !simple {
        return Some("visits with several windows, SLA due times, tools or spare parts");
    }
    if problem
        .visits
        .iter()
        .any(|v| v.preferences.is_soft() || !v.preferences.excluded.is_empty())
    {
        return Some("technician preferences");
    }
    // Durations by level are the same for every technician when all hold the same levels.
    if !problem.level_durations.is_empty()
        && problem.technicians.iter().any(|t| t.levels != first.levels)
    {
        return Some("durations that differ between technicians by skill level");
    }
    None
}

/// Whether the exact engine models every constraint of `problem`.
pub fn supports(problem: &Problem) -> bool {
    unsupported(problem).is_none()
}

/// Reports the relative gap (once HiGHS has a bound) and the best cost (displayed units)
/// while HiGHS runs.
pub type Report<'a> = &'a (dyn Fn(Option<f64>, f64) + Sync);

/// Solves `problem` to optimality (or the time limit, or until `cancel`), warm-started from
/// `start`, reporting progress a few times a second.
pub fn solve(
    problem: &Problem,
    config: &SolverConfig,
    start: &Solution,
    report: Report<'_>,
    cancel: &Cancel,
) -> Result<Solution> {
    // Without HiGHS in the build, say that first: nothing else matters then.
    if let Some(what) = unsupported(problem).filter(|_| AVAILABLE) {
        return Err(Error::Solver(format!(
            "the exact engine does not model {what}; use --solver heuristic or auto"
        )));
    }
    #[cfg(feature = "highs")]
    if aggregated_unsupported(problem).is_some() {
        return shifts::solve(problem, config, start, report, cancel);
    }
    #[cfg(feature = "highs")]
    if problem.visits.len() <= columns::MAX_VISITS {
        return columns::solve(problem, config, start, report, cancel);
    }
    milp::solve(problem, config, start, report, cancel)
}

#[cfg(feature = "highs")]
mod columns;

/// Whether `candidate` is feasible and costs less than `incumbent`, or `incumbent` is
/// infeasible: a plan that fails the reference schedule never wins (`None < Some` would).
fn improves(problem: &Problem, candidate: &Solution, incumbent: &Solution, ties: bool) -> bool {
    let total = |s: &Solution| {
        crate::solution::cost::evaluate(problem, s)
            .ok()
            .map(|c| c.total())
    };
    match (total(candidate), total(incumbent)) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(c), Some(i)) => c < i || (ties && c == i),
    }
}
#[cfg(feature = "highs")]
mod shifts;

#[cfg(not(feature = "highs"))]
mod milp {
    use super::*;

    pub fn solve(
        _: &Problem,
        _: &SolverConfig,
        _: &Solution,
        _: Report<'_>,
        _: &Cancel,
    ) -> Result<Solution> {
        Err(Error::Solver(
            "this build has no exact engine (built without the `highs` feature); use --solver heuristic"
                .into(),
        ))
    }
}

#[cfg(feature = "highs")]
mod milp {
    use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};
    use std::sync::atomic::Ordering;

    use highs::HighsModelStatus;

    use super::*;
    use crate::model::{LocIdx, TechIdx, Time, VisitIdx};
    use crate::solution::{Route, SolverInfo, Stop, Unassigned, cost};

    /// The problem as nodes: 0 is home, `k + 1` is visit `k`.
    pub(super) struct Graph {
        /// Location per node.
        loc: Vec<LocIdx>,
        /// Earliest and latest service start per node (home: the shift).
        pub(super) early: Vec<Time>,
        pub(super) late: Vec<Time>,
        pub(super) service: Vec<Time>,
        pub(super) demand: Vec<i64>,
        /// Arcs that can be driven, with their cost.
        pub(super) arcs: Vec<(usize, usize, f64)>,
    }

    /// Where each kind of variable sits among HiGHS's columns (good_lp numbers columns in the
    /// order variables are created): arcs first, then the optional visits' serve flags, then
    /// start times, then loads.
    struct Columns {
        /// Column of visit `i`'s serve flag, for optional visits.
        serve: Vec<Option<usize>>,
        /// Column of visit 0's start time.
        start: usize,
        /// Column of visit 0's load, when technicians have a capacity.
        load: Option<usize>,
        /// Number of columns.
        count: usize,
    }

    impl Columns {
        fn new(problem: &Problem, g: &Graph, with_load: bool) -> Self {
            let n = problem.visits.len();
            let mut next = g.arcs.len();
            let serve = problem
                .visits
                .iter()
                .map(|v| {
                    v.penalty.map(|_| {
                        next += 1;
                        next - 1
                    })
                })
                .collect();
            let start = next;
            let load = with_load.then_some(start + n);
            Columns {
                serve,
                start,
                load,
                count: start + n + if with_load { n } else { 0 },
            }
        }
    }

    impl Graph {
        /// Travel time from node `i` to node `j`.
        pub(super) fn travel(&self, problem: &Problem, i: usize, j: usize) -> Time {
            problem.travel.time(self.loc[i], self.loc[j])
        }
    }

    pub(super) fn graph(problem: &Problem) -> Graph {
        let tech = problem.tech(TechIdx(0));
        let shift = tech.shifts[0];
        let home = tech.start;
        let n = problem.visits.len();
        let loc: Vec<LocIdx> = std::iter::once(home)
            .chain(problem.visits.iter().map(|v| v.loc))
            .collect();
        let (mut early, mut late) = (vec![shift.start], vec![shift.end]);
        let (mut service, mut demand) = (vec![0], vec![0]);
        for (k, visit) in problem.visits.iter().enumerate() {
            let (open, close) = visit
                .windows
                .first()
                .map_or((shift.start, shift.end), |w| (w.start, w.end));
            let e = open
                .max(visit.release.unwrap_or(open))
                .max(shift.start + problem.travel.time(home, visit.loc));
            // Every technician takes as long (see `unsupported`): the first one's duration.
            let duration = problem.duration(TechIdx(0), VisitIdx(k as u32));
            let l = close.min(shift.end - duration - problem.travel.time(visit.loc, home));
            early.push(e);
            late.push(l);
            service.push(duration);
            demand.push(visit.demand);
        }
        let capacity = tech.capacity.unwrap_or(i64::MAX);
        let rate = problem.objective.distance;
        let mut arcs = Vec::new();
        for i in 0..=n {
            for j in 0..=n {
                let reachable = i != j
                    && early[i] <= late[i]
                    && early[j] <= late[j]
                    && (i == 0 || j == 0 || {
                        early[i] + service[i] + problem.travel.time(loc[i], loc[j]) <= late[j]
                            && demand[i] + demand[j] <= capacity
                    });
                if reachable {
                    let cost = rate.apply(problem.travel.distance(loc[i], loc[j])) as f64;
                    arcs.push((i, j, cost));
                }
            }
        }
        Graph {
            loc,
            early,
            late,
            service,
            demand,
            arcs,
        }
    }

    pub fn solve(
        problem: &Problem,
        config: &SolverConfig,
        start: &Solution,
        report: Report<'_>,
        cancel: &Cancel,
    ) -> Result<Solution> {
        let n = problem.visits.len();
        let g = graph(problem);
        let tech = problem.tech(TechIdx(0));
        let fleet: usize = problem.technicians.iter().map(|t| t.shifts.len()).sum();
        // Created in the order `Columns` describes, which is how HiGHS numbers them.
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = g
            .arcs
            .iter()
            .map(|_| vars.add(variable().binary()))
            .collect();
        let serve: Vec<Option<Variable>> = problem
            .visits
            .iter()
            .map(|v| v.penalty.map(|_| vars.add(variable().binary())))
            .collect();
        let start_time: Vec<Variable> = (1..=n)
            .map(|i| vars.add(variable().min(g.early[i] as f64).max(g.late[i] as f64)))
            .collect();
        let capacity = tech.capacity;
        let load: Vec<Variable> = match capacity {
            Some(q) => (1..=n)
                .map(|i| vars.add(variable().min(g.demand[i] as f64).max(q as f64)))
                .collect(),
            None => Vec::new(),
        };
        let mut objective = Expression::from(0.0);
        for (k, &(_, _, c)) in g.arcs.iter().enumerate() {
            objective += c * x[k];
        }
        let mut constant = 0.0;
        for (i, s) in serve.iter().enumerate() {
            if let Some(y) = s {
                let p = problem.leave_out_cost(VisitIdx(i as u32)) as f64;
                objective -= p * *y;
                constant += p;
            }
        }
        // HiGHS does not keep a constant term: it is added back to what HiGHS reports.
        let mut model = vars.minimise(objective.clone()).using(good_lp::highs);
        let mut out = vec![Expression::from(0.0); n + 1];
        let mut inn = vec![Expression::from(0.0); n + 1];
        for (k, &(i, j, _)) in g.arcs.iter().enumerate() {
            out[i] += x[k];
            inn[j] += x[k];
        }
        for i in 1..=n {
            let served: Expression = serve[i - 1].map_or(Expression::from(1.0), Expression::from);
            model.add_constraint(out[i].clone().eq(served.clone()));
            model.add_constraint(inn[i].clone().eq(served));
        }
        model.add_constraint(out[0].clone().leq(fleet as f64));
        // Valid inequalities the time constraints imply only for whole solutions: no two-visit
        // cycle, and (all visits mandatory) at least as many routes as the load needs.
        let arc_of: std::collections::HashMap<(usize, usize), usize> = g
            .arcs
            .iter()
            .enumerate()
            .map(|(k, &(i, j, _))| ((i, j), k))
            .collect();
        for (&(i, j), &k) in &arc_of {
            if i != 0 && j != 0 && i < j {
                if let Some(&back) = arc_of.get(&(j, i)) {
                    model.add_constraint((x[k] + x[back]).leq(1.0));
                }
            }
        }
        if let Some(q) = capacity.filter(|&q| q > 0 && serve.iter().all(Option::is_none)) {
            let load: i64 = g.demand.iter().sum();
            let routes = (load + q - 1) / q;
            model.add_constraint(out[0].clone().geq(routes as f64));
        }
        for (k, &(i, j, _)) in g.arcs.iter().enumerate() {
            if i == 0 || j == 0 {
                continue;
            }
            let reach = g.service[i] + g.travel(problem, i, j);
            let big_m = (g.late[i] + reach - g.early[j]).max(0) as f64;
            if big_m > 0.0 {
                model.add_constraint(
                    (start_time[j - 1] - start_time[i - 1] + big_m * (1.0 - x[k]))
                        .geq(reach as f64),
                );
            }
            if let Some(q) = capacity {
                model.add_constraint(
                    (load[j - 1] - load[i - 1] + q as f64 * (1.0 - x[k])).geq(g.demand[j] as f64),
                );
            }
        }
        let columns = Columns::new(problem, &g, capacity.is_some());
        let warm = warm_start(problem, &g, &columns, start);
        let highs = model.into_inner();
        let model = Model {
            warm: warm.as_deref(),
            offset: constant,
            decode: &|cols: &[f64]| decode(problem, &g, &columns, cols),
        };
        let (outcome, plan) = run(highs, model, config, report, cancel, problem)?;
        // The model's cost of a plan is the reference schedule's: proven means optimal.
        finish(problem, start, plan, &outcome, |_| true)
    }

    /// What a model adds to HiGHS's columns: a warm start, the objective's constant term (which
    /// HiGHS leaves out of what it reports) and how columns make a plan.
    pub(super) struct Model<'a> {
        pub(super) warm: Option<&'a [f64]>,
        pub(super) offset: f64,
        pub(super) decode: &'a dyn Fn(&[f64]) -> Result<Solution>,
    }

    /// What HiGHS found.
    pub(super) struct Outcome {
        /// Whether HiGHS proved its plan optimal.
        pub(super) optimal: bool,
        /// Its objective value and the proven lower bound (cost units).
        pub(super) objective: Option<f64>,
        pub(super) bound: Option<f64>,
    }

    impl Outcome {
        /// Nothing found, nothing proved.
        pub(super) fn none() -> Self {
            Outcome {
                optimal: false,
                objective: None,
                bound: None,
            }
        }
    }

    /// Solves `highs` as `model` says within the configured time and threads, reporting
    /// progress and listening for `cancel`; returns what HiGHS found and its plan, if any.
    pub(super) fn run(
        mut highs: highs::Model,
        model: Model<'_>,
        config: &SolverConfig,
        report: Report<'_>,
        cancel: &Cancel,
        problem: &Problem,
    ) -> Result<(Outcome, Option<Solution>)> {
        highs.make_quiet();
        highs.set_option("mip_rel_gap", 0.0);
        highs.set_option("mip_abs_gap", 0.999);
        highs.set_option("threads", config.threads as i32);
        if let Some(limit) = config.time_limit {
            highs.set_option("time_limit", limit);
        }
        let offset = model.offset;
        if let Some(cols) = model.warm {
            // A warm start HiGHS rejects only costs time, not correctness.
            let _ = highs.try_set_solution(Some(cols), None, None, None);
        }
        let watch = Watch {
            report,
            cancel,
            offset,
            scale: problem.objective.cost_scale as f64,
            last: std::sync::atomic::AtomicU64::new(f64::NEG_INFINITY.to_bits()),
        };
        watch.attach(&mut highs);
        let solved = highs
            .try_solve()
            .map_err(|e| Error::Solver(format!("HiGHS failed: {e:?}")))?;
        let has_plan = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
        let info = |name: &std::ffi::CStr| {
            solved
                .double_info_value(name)
                .ok()
                .filter(|b| b.is_finite())
                .map(|b| b + offset)
        };
        let plan = match has_plan {
            true => Some((model.decode)(solved.get_solution().columns())?),
            false => None,
        };
        let optimal = solved.status() == HighsModelStatus::Optimal;
        // A model presolve solves outright leaves no MIP info: its optimum is its own bound.
        let objective =
            Some(solved.objective_value() + offset).filter(|o| o.is_finite() && has_plan);
        let outcome = Outcome {
            optimal,
            objective,
            bound: info(c"mip_dual_bound").or(objective.filter(|_| optimal)),
        };
        Ok((outcome, plan))
    }

    /// The better of `start` and HiGHS's `plan`, with the bound and gap; `exact` says whether
    /// the model's objective of a plan is its reference cost (`value`), so that HiGHS's proof is
    /// a proof for the plan.
    pub(super) fn finish(
        problem: &Problem,
        start: &Solution,
        plan: Option<Solution>,
        outcome: &Outcome,
        exact: impl Fn(f64) -> bool,
    ) -> Result<Solution> {
        let total = |s: &Solution| cost::evaluate(problem, s).ok().map(|c| c.total());
        let mut solution = match plan {
            // Keep the heuristic's plan if HiGHS found nothing better (or nothing feasible).
            Some(plan) if super::improves(problem, &plan, start, true) => plan,
            _ => start.clone(),
        };
        let value = total(&solution)
            .ok_or_else(|| Error::Internal("the exact plan is infeasible".into()))?
            as f64;
        let optimal = outcome.optimal && exact(value);
        let scale = problem.objective.cost_scale as f64;
        let bound = if optimal { Some(value) } else { outcome.bound };
        solution.solver = SolverInfo {
            name: "exact".into(),
            bound: bound.map(|b| b / scale),
            gap: bound.map(|b| {
                if value.abs() < f64::EPSILON {
                    0.0
                } else {
                    ((value - b) / value.abs()).max(0.0)
                }
            }),
            optimal,
            ..SolverInfo::default()
        };
        Ok(solution)
    }

    /// What HiGHS's MIP callback reports to and listens for.
    struct Watch<'a> {
        report: Report<'a>,
        cancel: &'a Cancel,
        /// The objective's constant term, left out by HiGHS.
        offset: f64,
        /// Cost units per displayed unit.
        scale: f64,
        /// HiGHS's running time at the last report (the bits of an `f64`).
        last: std::sync::atomic::AtomicU64,
    }

    /// Seconds between progress reports.
    const REPORT_EVERY: f64 = 0.25;

    impl Watch<'_> {
        /// Installs the callback on `highs`; it lives as long as `self`, which outlives the solve.
        fn attach(&self, highs: &mut highs::Model) {
            let data = self as *const Watch<'_> as *mut std::ffi::c_void;
            // SAFETY: the pointer is HiGHS's own instance; `data` points to `self`, borrowed
            // for the whole solve, and the callback only reads it.
            unsafe {
                highs_sys::Highs_setCallback(highs.as_mut_ptr(), Some(interrupt), data);
                highs_sys::Highs_startCallback(
                    highs.as_mut_ptr(),
                    highs_sys::kHighsCallbackMipInterrupt,
                );
            }
        }
    }

    /// HiGHS's MIP interrupt callback: reports the gap and the incumbent now and then, and
    /// interrupts the solve once cancelled.
    unsafe extern "C" fn interrupt(
        kind: std::ffi::c_int,
        _message: *const std::ffi::c_char,
        out: *const highs_sys::HighsCallbackDataOut,
        input: *mut highs_sys::HighsCallbackDataIn,
        data: *mut std::ffi::c_void,
    ) {
        if kind != highs_sys::kHighsCallbackMipInterrupt || data.is_null() || out.is_null() {
            return;
        }
        // SAFETY: `data` is the `Watch` given in `attach`, alive during the solve; `out` and
        // `input` are HiGHS's, valid during the call.
        let (watch, out) = unsafe { (&*(data as *const Watch<'_>), &*out) };
        if watch.cancel.is_cancelled() && !input.is_null() {
            unsafe { (*input).user_interrupt = 1 };
        }
        let last = f64::from_bits(watch.last.load(Ordering::Relaxed));
        if out.running_time - last >= REPORT_EVERY && out.mip_primal_bound.is_finite() {
            watch
                .last
                .store(out.running_time.to_bits(), Ordering::Relaxed);
            let gap = Some(out.mip_gap)
                .filter(|g| g.is_finite())
                .map(|g| g.max(0.0));
            (watch.report)(gap, (out.mip_primal_bound + watch.offset) / watch.scale);
        }
    }

    /// The columns of the heuristic's plan, when it fits the model (every route one of the
    /// arcs kept).
    fn warm_start(
        problem: &Problem,
        g: &Graph,
        columns: &Columns,
        start: &Solution,
    ) -> Option<Vec<f64>> {
        let n = problem.visits.len();
        let mut cols = vec![0.0; columns.count];
        let arc_index: std::collections::HashMap<(usize, usize), usize> = g
            .arcs
            .iter()
            .enumerate()
            .map(|(k, &(i, j, _))| ((i, j), k))
            .collect();
        // Unserved visits still need a start time and a load within their bounds.
        for i in 1..=n {
            cols[columns.start + i - 1] = g.early[i] as f64;
            if let Some(load) = columns.load {
                cols[load + i - 1] = g.demand[i] as f64;
            }
        }
        let mut served = vec![false; n + 1];
        for route in &start.routes {
            let mut stamps = Vec::new();
            crate::solution::schedule::simulate(
                problem,
                route.tech,
                route.shift,
                route.stops.iter().copied(),
                Some(&mut stamps),
            )
            .ok()?;
            let mut prev = 0;
            let mut load = 0;
            for (stop, at) in route.stops.iter().zip(&stamps) {
                let Stop::Visit(v) = stop else { return None };
                let node = v.get() + 1;
                cols[*arc_index.get(&(prev, node))?] = 1.0;
                served[node] = true;
                load += g.demand[node];
                cols[columns.start + node - 1] = at.start as f64;
                if let Some(first) = columns.load {
                    cols[first + node - 1] = load as f64;
                }
                prev = node;
            }
            cols[*arc_index.get(&(prev, 0))?] = 1.0;
        }
        for (i, column) in columns.serve.iter().enumerate() {
            match column {
                Some(k) => cols[*k] = if served[i + 1] { 1.0 } else { 0.0 },
                None if !served[i + 1] => return None,
                None => {}
            }
        }
        Some(cols)
    }

    /// Routes from the arc values: follow each arc out of home until it returns.
    fn decode(problem: &Problem, g: &Graph, columns: &Columns, cols: &[f64]) -> Result<Solution> {
        let n = problem.visits.len();
        let mut next = vec![Vec::new(); n + 1];
        for (k, &(i, j, _)) in g.arcs.iter().enumerate() {
            if cols[k] > 0.5 {
                next[i].push(j);
            }
        }
        let broken = || Error::Solver("internal error: the MILP plan does not form routes".into());
        let slots: Vec<(TechIdx, usize)> = problem.tech_shifts().collect();
        let mut routes = Vec::new();
        let mut seen = vec![false; n + 1];
        for (r, &first) in next[0].iter().enumerate() {
            let &(tech, shift) = slots.get(r).ok_or_else(broken)?;
            let mut stops = Vec::new();
            let mut at = first;
            while at != 0 {
                if seen[at] || stops.len() > n {
                    return Err(broken());
                }
                seen[at] = true;
                stops.push(Stop::Visit(VisitIdx(at as u32 - 1)));
                at = *next[at].first().ok_or_else(broken)?;
            }
            routes.push(Route { tech, shift, stops });
        }
        let mut unassigned = Vec::new();
        for (i, column) in columns.serve.iter().enumerate() {
            if column.is_some_and(|k| cols[k] < 0.5) {
                unassigned.push(Unassigned {
                    visit: VisitIdx(i as u32),
                    reason: crate::solution::Reason::NotWorthIt,
                    detail: "serving it costs more than the penalty for leaving it out".into(),
                });
            }
        }
        if (1..=n).any(|i| !seen[i] && columns.serve[i - 1].is_none()) {
            return Err(broken());
        }
        Ok(Solution {
            routes,
            unassigned,
            solver: SolverInfo::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TechIdx, VisitIdx};
    use crate::solution::{Reason, Route, Stop, Unassigned};

    /// An infeasible plan compared as cheaper than a feasible one (`None < Some`), so the exact
    /// engine kept it and failed with an internal error instead of keeping the heuristic's.
    #[test]
    fn an_infeasible_exact_plan_never_replaces_the_heuristic_plan() {
        let problem = crate::solver::fixture::random_solomon(3, 6, 100);
        let feasible = Solution {
            unassigned: problem
                .visit_indices()
                .map(|visit| Unassigned {
                    visit,
                    reason: Reason::NoRoom,
                    detail: String::new(),
                })
                .collect(),
            ..Solution::default()
        };
        // Every visit in one route, in reverse: windows and the day make it infeasible.
        let mut stops: Vec<Stop> = problem.visit_indices().map(Stop::Visit).collect();
        stops.reverse();
        let mut infeasible = Solution {
            routes: vec![Route {
                tech: TechIdx(0),
                shift: 0,
                stops,
            }],
            ..Solution::default()
        };
        infeasible.routes[0].stops.push(Stop::Visit(VisitIdx(0)));
        assert!(crate::solution::cost::evaluate(&problem, &infeasible).is_err());
        assert!(!improves(&problem, &infeasible, &feasible, true));
        assert!(improves(&problem, &feasible, &infeasible, false));
        assert!(improves(&problem, &feasible, &feasible, true));
        assert!(!improves(&problem, &feasible, &feasible, false));
    }

    /// The aggregated model took technicians alike with several shifts but timed every route
    /// in the first; such problems go to the per-shift model, which serves the second day.
    #[cfg(feature = "highs")]
    #[test]
    fn the_aggregated_model_declines_several_shifts() {
        use crate::model::{Shift, Window};
        let mut problem = crate::solver::fixture::random_solomon(5, 6, 100);
        let day = problem.technicians[0].shifts[0];
        let later = |t| t + 2 * day.end;
        for tech in &mut problem.technicians {
            tech.shifts = vec![day, Shift::new(later(day.start), later(day.end))];
        }
        for visit in problem.visits.iter_mut().skip(3) {
            let w = visit.windows[0];
            visit.windows = vec![Window {
                start: later(w.start),
                end: later(w.end),
            }];
        }
        assert!(aggregated_unsupported(&problem).is_some());
        assert!(supports(&problem));
        let config = SolverConfig {
            time_limit: Some(20.0),
            ..SolverConfig::default()
        };
        let start = crate::solver::solve(
            &problem,
            &SolverConfig {
                iterations: Some(200),
                solver: crate::solver::SolverChoice::Heuristic,
                ..SolverConfig::default()
            },
        )
        .expect("a start");
        let plan = solve(&problem, &config, &start, &|_, _| {}, &Cancel::new()).expect("solved");
        let (_, report) = crate::solution::check::check_solution(&problem, &plan).expect("checked");
        assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
        assert!(
            plan.routes
                .iter()
                .any(|r| r.shift == 1 && !r.stops.is_empty())
        );
        assert_eq!(report.kpis.visits_assigned, 6);
    }
}
