//! Branch and price for technicians alike (the aggregated case, at most [`MAX_VISITS`] visits).
//!
//! # Formulation
//!
//! Each column is a route: an elementary path from home through visits and back that keeps
//! every window, the shift and the capacity, at the cost of its arcs. With `a_ir = 1` when
//! route `r` serves visit `i`:
//!
//! ```text
//! min  Σ c_r λ_r + Σ_optional p_i ω_i
//! s.t. Σ_r a_ir λ_r + ω_i = 1      every visit i   (ω_i only for optional visits)
//!      Σ_r λ_r ≤ K                 technicians available
//!      λ_r ∈ {0, 1}
//! ```
//!
//! The linear relaxation is solved by column generation: HiGHS solves the restricted master
//! over the routes found so far, and an elementary shortest path with resource constraints
//! (labels of cost, time, load and the visits already made or out of reach, pruned by
//! dominance) prices the routes of negative reduced cost `c_r − Σ π_i − μ` under its duals
//! `π`, `μ`. Its bound is far tighter than the two-index flow's: on Solomon problems cut to 25
//! customers the root is often integral. Fractional nodes branch on the arc whose flow is
//! closest to ½: one side forbids the arc, the other forces it (every other arc out of its
//! tail and into its head is forbidden), and routes that use a forbidden arc leave the master.
//! Nodes are explored best bound first; costs are integers, so a node whose bound is within
//! one unit of the best plan is closed. The heuristic's routes seed the master and its plan is
//! the first incumbent; a restricted master solved as a MIP over the routes found at the root
//! offers another.

use std::collections::{BinaryHeap, HashSet};
use std::time::Instant;

use highs::{Col, ColProblem, HighsModelStatus, Row, Sense};

use super::milp::{Graph, Outcome, finish, graph};
use super::{Cancel, Report, SolverConfig};
use crate::error::{Error, Result};
use crate::model::{Problem, TechIdx, Time, VisitIdx};
use crate::solution::{Reason, Route, Solution, SolverInfo, Stop, Unassigned};

/// Most visits the pricing's bit sets hold.
pub const MAX_VISITS: usize = 63;
/// Most routes one pricing round adds.
const ROUTES_PER_ROUND: usize = 40;
/// Labels kept per visit by the quick pricing tried before the exact one.
const QUICK_LABELS: usize = 6;
/// Reduced costs below this are negative.
const EPS: f64 = 1e-6;
/// Cost of an artificial column: keeps every restricted master feasible.
const ARTIFICIAL: f64 = 1e9;
/// Seconds between progress reports.
const REPORT_EVERY: f64 = 0.25;
/// Seconds the MIP over the root's routes may take.
const ROOT_MIP_SECONDS: f64 = 5.0;
/// Most labels one exact pricing may create before the engine gives up on columns (wide
/// windows on a few dozen visits) and takes the two-index flow instead.
const MAX_LABELS: usize = 1_000_000;
/// Share of the time limit the root relaxation may take before the two-index flow takes over.
const ROOT_SHARE: f64 = 0.4;
/// Labels between two looks at the clock and the cancel token.
const CHECK_EVERY: usize = 4096;

/// Why a pricing stopped short.
enum Halt {
    /// The deadline passed or the solve was cancelled.
    Stopped,
    /// More than [`MAX_LABELS`] labels.
    TooMany,
}

/// A route column: its visits in order (graph nodes, 1-based), cost, and HiGHS column.
struct Column {
    nodes: Vec<usize>,
    cost: f64,
    col: HighsCol,
}

/// A HiGHS column and its index (HiGHS numbers columns in the order they are added).
#[derive(Clone, Copy)]
struct HighsCol {
    col: Col,
    index: usize,
}

impl Column {
    /// The arcs driven, home to home.
    fn arcs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        arcs_of(&self.nodes)
    }
}

/// The arcs of the route through `nodes`, home to home.
fn arcs_of(nodes: &[usize]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let path = std::iter::once(0).chain(nodes.iter().copied()).chain([0]);
    path.clone().zip(path.skip(1))
}

/// Arc decisions of a branch-and-bound node.
#[derive(Clone, Default)]
struct Branch {
    /// Arcs that may not be driven.
    forbidden: HashSet<(usize, usize)>,
}

impl Branch {
    /// This node with arc `(i, j)` forbidden.
    fn without(&self, arc: (usize, usize)) -> Branch {
        let mut next = self.clone();
        next.forbidden.insert(arc);
        next
    }

    /// This node with arc `(i, j)` forced: no other arc leaves `i` (a visit) or enters `j`.
    fn with(&self, g: &Graph, (i, j): (usize, usize)) -> Branch {
        let mut next = self.clone();
        for &(a, b, _) in &g.arcs {
            let reverse = (a, b) == (j, i) && i != 0 && j != 0;
            if (a == i && b != j && i != 0) || (b == j && a != i && j != 0) || reverse {
                next.forbidden.insert((a, b));
            }
        }
        next
    }
}

/// An open node: its bound and decisions.
struct Node {
    bound: f64,
    branch: Branch,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.bound == other.bound
    }
}
impl Eq for Node {}
impl PartialOrd for Node {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Node {
    /// Lowest bound first out of a max-heap.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.bound.total_cmp(&self.bound)
    }
}

/// The arcs that can be driven: cost per arc and the arcs out of each node.
struct Arcs {
    cost: Vec<Vec<f64>>,
    out: Vec<Vec<(usize, f64)>>,
}

impl Arcs {
    fn new(g: &Graph) -> Self {
        let nodes = g.early.len();
        let mut cost = vec![vec![f64::INFINITY; nodes]; nodes];
        let mut out = vec![Vec::new(); nodes];
        for &(i, j, c) in &g.arcs {
            cost[i][j] = c;
            out[i].push((j, c));
        }
        Arcs { cost, out }
    }
}

/// The restricted master and the routes found so far.
struct Master {
    highs: Option<highs::Model>,
    /// Columns added so far.
    count: usize,
    visit_rows: Vec<Row>,
    fleet_row: Row,
    columns: Vec<Column>,
    seen: HashSet<Vec<usize>>,
    /// Leave-out columns of optional visits.
    leave_out: Vec<HighsCol>,
    artificial: Vec<HighsCol>,
}

/// What the relaxation at a node came to.
enum Relaxation {
    /// Infeasible under the node's decisions (an artificial column stays in).
    Infeasible,
    /// Stopped by the deadline or a cancel before it converged.
    Stopped,
    /// The pricing grew past [`MAX_LABELS`].
    TooHard,
    /// The LP optimum: its value and the column values.
    Solved(f64, Vec<f64>),
}

impl Master {
    fn new(problem: &Problem, fleet: usize) -> Self {
        let n = problem.visits.len();
        let mut pb = ColProblem::default();
        let visit_rows: Vec<Row> = (0..n).map(|_| pb.add_row(1.0..=1.0)).collect();
        let fleet_row = pb.add_row(..=fleet as f64);
        let mut highs = pb.optimise(Sense::Minimise);
        highs.make_quiet();
        highs.set_option("threads", 1);
        let mut master = Master {
            highs: Some(highs),
            count: 0,
            visit_rows,
            fleet_row,
            columns: Vec::new(),
            seen: HashSet::new(),
            leave_out: Vec::new(),
            artificial: Vec::new(),
        };
        for i in 0..n {
            let row = master.visit_rows[i];
            let artificial = master.add_col(ARTIFICIAL, vec![(row, 1.0)]);
            master.artificial.push(artificial);
            if problem.visits[i].penalty.is_some() {
                let p = problem.leave_out_cost(VisitIdx(i as u32)) as f64;
                let leave = master.add_col(p, vec![(row, 1.0)]);
                master.leave_out.push(leave);
            }
        }
        master
    }

    fn add_col(&mut self, cost: f64, rows: Vec<(Row, f64)>) -> HighsCol {
        let highs = self.highs.as_mut().expect("the master is between solves");
        let col = highs.add_col(cost, 0.0.., rows);
        self.count += 1;
        HighsCol {
            col,
            index: self.count - 1,
        }
    }

    /// Adds the route through `nodes` unless it is known; returns whether it was new.
    fn add(&mut self, arcs: &Arcs, nodes: Vec<usize>) -> bool {
        if nodes.is_empty() || !self.seen.insert(nodes.clone()) {
            return false;
        }
        let cost: f64 = arcs_of(&nodes).map(|(i, j)| arcs.cost[i][j]).sum();
        if !cost.is_finite() {
            return false;
        }
        let rows: Vec<(Row, f64)> = nodes
            .iter()
            .map(|&i| (self.visit_rows[i - 1], 1.0))
            .chain([(self.fleet_row, 1.0)])
            .collect();
        let col = self.add_col(cost, rows);
        self.columns.push(Column { nodes, cost, col });
        true
    }

    /// Lets only the routes `branch` allows into the master.
    fn restrict(&mut self, branch: &Branch) {
        let highs = self.highs.as_mut().expect("the master is between solves");
        for column in &self.columns {
            let allowed = column.arcs().all(|arc| !branch.forbidden.contains(&arc));
            match allowed {
                true => highs.change_column_bounds(column.col.col, 0.0..),
                false => highs.change_column_bounds(column.col.col, 0.0..=0.0),
            }
        }
    }

    /// Solves the restricted master: its value, column values and row duals, or `None` when
    /// HiGHS finds no optimum.
    fn solve(&mut self) -> Option<(f64, Vec<f64>, Vec<f64>)> {
        let highs = self.highs.take().expect("the master is between solves");
        let solved = highs.try_solve().ok()?;
        let result = (solved.status() == HighsModelStatus::Optimal).then(|| {
            let solution = solved.get_solution();
            (
                solved.objective_value(),
                solution.columns().to_vec(),
                solution.dual_rows().to_vec(),
            )
        });
        self.highs = Some(highs::Model::from(solved));
        result
    }

    /// Column generation under `branch` until no route prices out, the deadline or a cancel.
    fn relax(
        &mut self,
        g: &Graph,
        arcs: &Arcs,
        problem: &Problem,
        branch: &Branch,
        stop: &dyn Fn() -> bool,
    ) -> Relaxation {
        self.restrict(branch);
        loop {
            let Some((value, cols, duals)) = self.solve() else {
                return Relaxation::Infeasible;
            };
            if stop() {
                return Relaxation::Stopped;
            }
            let fleet_dual = duals[self.fleet_row_index()];
            let pi = &duals[..self.visit_rows.len()];
            let duals = Duals { pi, mu: fleet_dual };
            let pricing = Pricing {
                g,
                arcs,
                problem,
                branch,
                duals: &duals,
                stop,
            };
            let found =
                match pricing
                    .run(Some(QUICK_LABELS))
                    .and_then(|quick| match quick.is_empty() {
                        true => pricing.run(None),
                        false => Ok(quick),
                    }) {
                    Ok(found) => found,
                    Err(Halt::Stopped) => return Relaxation::Stopped,
                    Err(Halt::TooMany) => return Relaxation::TooHard,
                };
            let mut added = false;
            for nodes in found {
                added |= self.add(arcs, nodes);
            }
            if !added {
                let artificial = self.artificial.iter().any(|c| cols[c.index] > EPS);
                return match artificial {
                    true => Relaxation::Infeasible,
                    false => Relaxation::Solved(value, cols),
                };
            }
        }
    }

    fn fleet_row_index(&self) -> usize {
        self.visit_rows.len()
    }

    /// The routes at value one, if the column values are whole.
    fn whole(&self, cols: &[f64]) -> Option<Vec<usize>> {
        let fractional = |x: f64| (x - x.round()).abs() > EPS;
        let routes: Vec<usize> = (0..self.columns.len())
            .filter(|&k| cols[self.columns[k].col.index] > 0.5)
            .collect();
        let mut all = self
            .columns
            .iter()
            .map(|c| c.col)
            .chain(self.leave_out.iter().copied());
        (!all.any(|c| fractional(cols[c.index]))).then_some(routes)
    }

    /// The arc whose flow is closest to ½, if any flow is fractional.
    fn branching_arc(&self, cols: &[f64]) -> Option<(usize, usize)> {
        let mut flow: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
        for column in &self.columns {
            let x = cols[column.col.index];
            if x > EPS {
                for arc in column.arcs() {
                    *flow.entry(arc).or_default() += x;
                }
            }
        }
        flow.into_iter()
            .filter(|&(_, x)| (x - x.round()).abs() > EPS)
            .min_by(|a, b| (a.1 - 0.5).abs().total_cmp(&(b.1 - 0.5).abs()))
            .map(|(arc, _)| arc)
    }
}

/// The duals of the master's rows: per visit, and of the fleet row.
struct Duals<'a> {
    pi: &'a [f64],
    mu: f64,
}

/// A partial path of the pricing.
#[derive(Clone, Copy)]
struct Label {
    node: usize,
    cost: f64,
    time: Time,
    load: i64,
    /// Visits made or out of reach (bit `i − 1` for node `i`).
    closed: u64,
    /// The label it extends (`usize::MAX` at home).
    parent: usize,
    alive: bool,
}

/// A pricing problem: the graph, the node's decisions and the master's duals.
struct Pricing<'a> {
    g: &'a Graph,
    arcs: &'a Arcs,
    problem: &'a Problem,
    branch: &'a Branch,
    duals: &'a Duals<'a>,
    stop: &'a dyn Fn() -> bool,
}

impl Pricing<'_> {
    /// Routes of negative reduced cost, most negative first, at most [`ROUTES_PER_ROUND`];
    /// with `cap`, only the `cap` cheapest labels per visit are extended (a quick, incomplete
    /// search), else every label no other dominates.
    fn run(&self, cap: Option<usize>) -> std::result::Result<Vec<Vec<usize>>, Halt> {
        let Pricing {
            g,
            arcs,
            problem,
            branch,
            duals,
            stop,
        } = *self;
        let (pi, mu) = (duals.pi, duals.mu);
        let n = pi.len();
        let capacity = problem.tech(TechIdx(0)).capacity.unwrap_or(i64::MAX);
        let mut arena: Vec<Label> = vec![Label {
            node: 0,
            cost: -mu,
            time: g.early[0],
            load: 0,
            closed: 0,
            parent: usize::MAX,
            alive: true,
        }];
        let mut at: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
        // Labels by time, earliest first.
        let mut queue: BinaryHeap<std::cmp::Reverse<(Time, usize)>> = BinaryHeap::new();
        queue.push(std::cmp::Reverse((g.early[0], 0)));
        let mut done: Vec<(f64, usize)> = Vec::new();
        let out = &arcs.out;
        let mut popped = 0usize;
        while let Some(std::cmp::Reverse((_, l))) = queue.pop() {
            if arena.len() > MAX_LABELS {
                return Err(Halt::TooMany);
            }
            popped += 1;
            if popped % CHECK_EVERY == 0 && stop() {
                return Err(Halt::Stopped);
            }
            let label = arena[l];
            if !label.alive {
                continue;
            }
            let i = label.node;
            let ready = label.time + g.service[i];
            for &(j, cost) in &out[i] {
                if branch.forbidden.contains(&(i, j)) {
                    continue;
                }
                if j == 0 {
                    if i != 0 && ready + g.travel(problem, i, 0) <= g.late[0] {
                        let total = label.cost + cost;
                        if total < -EPS {
                            done.push((total, l));
                        }
                    }
                    continue;
                }
                let bit = 1u64 << (j - 1);
                if label.closed & bit != 0 || label.load + g.demand[j] > capacity {
                    continue;
                }
                let time = (ready + g.travel(problem, i, j)).max(g.early[j]);
                if time > g.late[j] {
                    continue;
                }
                let load = label.load + g.demand[j];
                let mut closed = label.closed | bit;
                let leave = time + g.service[j];
                for k in 1..=n {
                    let kb = 1u64 << (k - 1);
                    if closed & kb == 0
                        && (leave + g.travel(problem, j, k) > g.late[k]
                            || load + g.demand[k] > capacity)
                    {
                        closed |= kb;
                    }
                }
                let next = Label {
                    node: j,
                    cost: label.cost + cost - pi[j - 1],
                    time,
                    load,
                    closed,
                    parent: l,
                    alive: true,
                };
                if !keep(&mut arena, &mut at[j], next, cap) {
                    continue;
                }
                arena.push(next);
                let index = arena.len() - 1;
                at[j].push(index);
                queue.push(std::cmp::Reverse((time, index)));
            }
        }
        done.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(done
            .into_iter()
            .take(ROUTES_PER_ROUND)
            .map(|(_, mut l)| {
                let mut nodes = Vec::new();
                while arena[l].node != 0 {
                    nodes.push(arena[l].node);
                    l = arena[l].parent;
                }
                nodes.reverse();
                nodes
            })
            .collect())
    }
}

/// Whether `next` joins the labels `here` (no live one dominates it), killing those it
/// dominates; with `cap`, also whether it is among the `cap` cheapest.
fn keep(arena: &mut [Label], here: &mut Vec<usize>, next: Label, cap: Option<usize>) -> bool {
    here.retain(|&k| arena[k].alive);
    let dominates = |a: &Label, b: &Label| {
        a.cost <= b.cost + EPS && a.time <= b.time && a.load <= b.load && a.closed & !b.closed == 0
    };
    if here.iter().any(|&k| dominates(&arena[k], &next)) {
        return false;
    }
    for &k in here.iter() {
        if dominates(&next, &arena[k]) {
            arena[k].alive = false;
        }
    }
    here.retain(|&k| arena[k].alive);
    if cap.is_some_and(|c| here.len() >= c) {
        let worst = here
            .iter()
            .copied()
            .max_by(|&a, &b| arena[a].cost.total_cmp(&arena[b].cost))
            .expect("a full list");
        if arena[worst].cost <= next.cost {
            return false;
        }
        arena[worst].alive = false;
        here.retain(|&k| k != worst);
    }
    true
}

/// Solves `problem` (technicians alike, at most [`MAX_VISITS`] visits) by branch and price,
/// warm-started from `start`.
pub fn solve(
    problem: &Problem,
    config: &SolverConfig,
    start: &Solution,
    report: Report<'_>,
    cancel: &Cancel,
) -> Result<Solution> {
    let began = Instant::now();
    let deadline = config
        .time_limit
        .map(|s| began + std::time::Duration::from_secs_f64(s));
    let stop = || cancel.is_cancelled() || deadline.is_some_and(|d| Instant::now() >= d);
    // The root relaxation may take this share of the time limit before the flow takes over.
    let root_deadline = config
        .time_limit
        .map(|s| began + std::time::Duration::from_secs_f64(s * ROOT_SHARE));
    let root_slow = || root_deadline.is_some_and(|d| Instant::now() >= d) && !stop();
    let g = graph(problem);
    let arcs = Arcs::new(&g);
    let fleet: usize = problem.technicians.iter().map(|t| t.shifts.len()).sum();
    let mut master = Master::new(problem, fleet);
    for i in 1..=problem.visits.len() {
        master.add(&arcs, vec![i]);
    }
    for route in &start.routes {
        let nodes = route
            .stops
            .iter()
            .filter_map(|s| match s {
                Stop::Visit(v) => Some(v.get() + 1),
                Stop::Restock | Stop::Break => None,
            })
            .collect();
        master.add(&arcs, nodes);
    }
    let value = |s: &Solution| {
        crate::solution::cost::evaluate(problem, s)
            .ok()
            .map(|c| c.total() as f64)
    };
    let mut best: Option<(f64, Vec<Vec<usize>>)> = None;
    // A start that accounts for every visit bounds the optimum.
    let listed = start
        .routes
        .iter()
        .map(|r| r.visits().count())
        .sum::<usize>()
        + start.unassigned.len();
    let start_cost = value(start).filter(|_| listed == problem.visits.len());
    let mut upper = start_cost.unwrap_or(f64::INFINITY);
    let scale = problem.objective.cost_scale as f64;
    let mut open = BinaryHeap::new();
    open.push(Node {
        bound: f64::NEG_INFINITY,
        branch: Branch::default(),
    });
    let mut last_report = began;
    let mut root = true;
    let mut lower = f64::NEG_INFINITY;
    let closed = |bound: f64, upper: f64| bound > upper - 1.0 + EPS;
    while let Some(node) = open.pop() {
        lower = node.bound;
        if closed(node.bound, upper) {
            lower = upper;
            open.clear();
            break;
        }
        if stop() {
            open.push(node);
            break;
        }
        if last_report.elapsed().as_secs_f64() >= REPORT_EVERY && upper.is_finite() {
            last_report = Instant::now();
            let gap =
                (lower.is_finite() && upper > 0.0).then(|| ((upper - lower) / upper).max(0.0));
            report(gap, upper / scale);
        }
        let stop_root = || stop() || (root && root_slow());
        let (bound, cols) = match master.relax(&g, &arcs, problem, &node.branch, &stop_root) {
            // Without every mandatory visit served the model says nothing of the objective.
            Relaxation::Infeasible if root => {
                return finish(problem, start, None, &Outcome::none(), |_| false);
            }
            Relaxation::Infeasible => continue,
            Relaxation::Stopped if !(root && root_slow()) => {
                open.push(node);
                break;
            }
            // Columns are out of reach (pricing too large, or the root relaxation too slow):
            // the two-index flow takes the time left, from the best plan so far.
            Relaxation::Stopped | Relaxation::TooHard => {
                let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                let config = SolverConfig {
                    time_limit: left.map(|l| l.as_secs_f64()),
                    ..config.clone()
                };
                let found = best.map(|(_, routes)| plan(problem, &routes)).transpose()?;
                let start = match found {
                    Some(found) if super::improves(problem, &found, start, false) => found,
                    _ => start.clone(),
                };
                return super::milp::solve(problem, &config, &start, report, cancel);
            }
            Relaxation::Solved(bound, cols) => (bound, cols),
        };
        if root {
            root = false;
            lower = bound;
            if let Some((cost, routes)) = root_mip(&master, problem.visits.len(), fleet) {
                if cost < upper - EPS {
                    upper = cost;
                    best = Some((cost, routes));
                }
            }
        }
        if closed(bound, upper) {
            continue;
        }
        if let Some(routes) = master.whole(&cols) {
            upper = bound;
            best = Some((
                bound,
                routes
                    .iter()
                    .map(|&k| master.columns[k].nodes.clone())
                    .collect(),
            ));
            continue;
        }
        let Some(arc) = master.branching_arc(&cols) else {
            continue;
        };
        open.push(Node {
            bound,
            branch: node.branch.with(&g, arc),
        });
        open.push(Node {
            bound,
            branch: node.branch.without(arc),
        });
    }
    let proved = open.is_empty();
    let bound = if proved { upper } else { lower.min(upper) };
    let plan = best.map(|(_, routes)| plan(problem, &routes)).transpose()?;
    let outcome = Outcome {
        optimal: proved && upper.is_finite(),
        objective: upper.is_finite().then_some(upper),
        bound: bound.is_finite().then_some(bound.max(0.0)),
    };
    finish(problem, start, plan, &outcome, |_| true)
}

/// The best plan over the routes of the root, by HiGHS's MIP, within a few seconds: its cost
/// and routes (column indices are not kept: the routes are copied out).
fn root_mip(master: &Master, n: usize, fleet: usize) -> Option<(f64, Vec<Vec<usize>>)> {
    let mut pb = ColProblem::default();
    let rows: Vec<Row> = (0..n).map(|_| pb.add_row(1.0..=1.0)).collect();
    let fleet_row = pb.add_row(..=fleet as f64);
    for column in &master.columns {
        let factors: Vec<(Row, f64)> = column
            .nodes
            .iter()
            .map(|&i| (rows[i - 1], 1.0))
            .chain([(fleet_row, 1.0)])
            .collect();
        pb.add_integer_column(column.cost, 0.0..=1.0, factors);
    }
    let mut highs = pb.optimise(Sense::Minimise);
    highs.make_quiet();
    highs.set_option("threads", 1);
    highs.set_option("time_limit", ROOT_MIP_SECONDS);
    let solved = highs.try_solve().ok()?;
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return None;
    }
    let cols = solved.get_solution().columns().to_vec();
    let chosen: Vec<&Column> = master
        .columns
        .iter()
        .zip(&cols)
        .filter(|&(_, &x)| x > 0.5)
        .map(|(c, _)| c)
        .collect();
    let cost = chosen.iter().map(|c| c.cost).sum();
    Some((cost, chosen.into_iter().map(|c| c.nodes.clone()).collect()))
}

/// The plan of `routes` (graph nodes): one route per technician shift, in order; visits in
/// none are left out (optional ones only, by the master's rows).
fn plan(problem: &Problem, routes: &[Vec<usize>]) -> Result<Solution> {
    let slots: Vec<(TechIdx, usize)> = problem.tech_shifts().collect();
    if routes.len() > slots.len() {
        return Err(Error::Solver(
            "internal error: more routes than technician shifts".into(),
        ));
    }
    let mut served = vec![false; problem.visits.len()];
    let routes = routes
        .iter()
        .zip(&slots)
        .map(|(nodes, &(tech, shift))| Route {
            tech,
            shift,
            stops: nodes
                .iter()
                .map(|&i| {
                    served[i - 1] = true;
                    Stop::Visit(VisitIdx(i as u32 - 1))
                })
                .collect(),
        })
        .collect();
    let unassigned = (0..problem.visits.len())
        .filter(|&i| !served[i])
        .map(|i| Unassigned {
            visit: VisitIdx(i as u32),
            reason: Reason::NotWorthIt,
            detail: "serving it costs more than the penalty for leaving it out".into(),
        })
        .collect();
    Ok(Solution {
        routes,
        unassigned,
        solver: SolverInfo::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::fixture::random_solomon;

    /// On random problems of nine customers (capacity binding on some) that can all be served,
    /// branch and price and the two-index MILP prove the same optimum, and both plans pass the
    /// checker.
    #[test]
    fn branch_and_price_agrees_with_the_two_index_milp() {
        let config = SolverConfig {
            time_limit: Some(60.0),
            ..SolverConfig::default()
        };
        let quiet = |_: Option<f64>, _: f64| {};
        let mut compared = 0;
        for seed in 1..=16 {
            let problem = random_solomon(seed, 9, if seed % 2 == 0 { 30 } else { 200 });
            let heuristic = SolverConfig {
                solver: crate::solver::SolverChoice::Heuristic,
                iterations: Some(50),
                ..SolverConfig::default()
            };
            let start = crate::solve(&problem, &heuristic).expect("a start");
            if !start.unassigned.is_empty() {
                continue;
            }
            compared += 1;
            let cancel = Cancel::new();
            let priced = solve(&problem, &config, &start, &quiet, &cancel).expect("solved");
            let flow = super::super::milp::solve(&problem, &config, &start, &quiet, &cancel)
                .expect("solved");
            let cost = |s: &Solution| {
                let (_, report) = crate::check_solution(&problem, s).expect("feasible");
                assert!(report.is_feasible(), "seed {seed}: {:?}", report.violations);
                report.kpis.cost.total()
            };
            assert!(priced.solver.optimal && flow.solver.optimal, "seed {seed}");
            assert_eq!(cost(&priced), cost(&flow), "seed {seed}");
        }
        assert!(compared >= 8, "only {compared} problems compared");
    }
}
