//! The skill graph: technicians, skills and visits as nodes of a petgraph graph, with edges for
//! held levels, required levels and eligibility. It answers who can do a visit, which visits no
//! one can do, and which groups of technicians and visits are independent sub-problems.

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;

use crate::model::{Problem, SkillIdx, TechIdx, VisitIdx};

/// A node of the skill graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A technician.
    Technician(TechIdx),
    /// A skill domain.
    Skill(SkillIdx),
    /// A visit.
    Visit(VisitIdx),
}

/// An edge of the skill graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// A technician holds a skill at this level.
    Holds(u8),
    /// A visit requires a skill at this level.
    Requires(u8),
    /// A technician may do a visit.
    Eligible,
}

/// Technicians and visits that share no eligibility edge with the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Technicians of the component.
    pub technicians: Vec<TechIdx>,
    /// Visits of the component.
    pub visits: Vec<VisitIdx>,
}

/// The skill graph of a problem.
pub struct SkillGraph {
    graph: UnGraph<Node, Edge>,
    techs: Vec<NodeIndex>,
    visits: Vec<NodeIndex>,
}

impl SkillGraph {
    /// Builds the graph from the problem's levels and eligibility table.
    pub fn build(problem: &Problem) -> Self {
        let mut graph = UnGraph::new_undirected();
        let skills: Vec<NodeIndex> = (0..problem.skills.len() as u32)
            .map(|s| graph.add_node(Node::Skill(SkillIdx(s))))
            .collect();
        let techs: Vec<NodeIndex> = problem
            .tech_indices()
            .map(|t| graph.add_node(Node::Technician(t)))
            .collect();
        let visits: Vec<NodeIndex> = problem
            .visit_indices()
            .map(|v| graph.add_node(Node::Visit(v)))
            .collect();
        for t in problem.tech_indices() {
            for (s, &level) in problem.tech(t).levels.iter().enumerate() {
                if level > 0 {
                    graph.add_edge(techs[t.get()], skills[s], Edge::Holds(level));
                }
            }
        }
        for v in problem.visit_indices() {
            for r in &problem.visit(v).requires {
                graph.add_edge(
                    visits[v.get()],
                    skills[r.skill.get()],
                    Edge::Requires(r.level),
                );
            }
            for t in problem
                .tech_indices()
                .filter(|&t| problem.is_eligible(t, v))
            {
                graph.add_edge(techs[t.get()], visits[v.get()], Edge::Eligible);
            }
        }
        SkillGraph {
            graph,
            techs,
            visits,
        }
    }

    fn eligible_neighbours(&self, node: NodeIndex) -> impl Iterator<Item = Node> + '_ {
        self.graph
            .edges(node)
            .filter(|e| *e.weight() == Edge::Eligible)
            .map(move |e| {
                use petgraph::visit::EdgeRef;
                let other = if e.source() == node {
                    e.target()
                } else {
                    e.source()
                };
                self.graph[other]
            })
    }

    /// The technicians who may do visit `v`, in index order.
    pub fn eligible_technicians(&self, v: VisitIdx) -> Vec<TechIdx> {
        let mut out: Vec<TechIdx> = self
            .eligible_neighbours(self.visits[v.get()])
            .filter_map(|n| match n {
                Node::Technician(t) => Some(t),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    /// Visits no technician may do.
    pub fn orphan_visits(&self) -> Vec<VisitIdx> {
        (0..self.visits.len() as u32)
            .map(VisitIdx)
            .filter(|&v| {
                self.eligible_neighbours(self.visits[v.get()])
                    .next()
                    .is_none()
            })
            .collect()
    }

    /// Independent sub-problems: groups joined by eligibility edges, each with at least one
    /// technician, ordered by their smallest technician. Orphan visits belong to none.
    pub fn components(&self) -> Vec<Component> {
        let mut uf = UnionFind::<usize>::new(self.graph.node_count());
        for e in self.graph.edge_indices() {
            if self.graph[e] == Edge::Eligible {
                if let Some((a, b)) = self.graph.edge_endpoints(e) {
                    uf.union(a.index(), b.index());
                }
            }
        }
        let mut groups: Vec<(usize, Component)> = Vec::new();
        for (t, &n) in self.techs.iter().enumerate() {
            let root = uf.find(n.index());
            match groups.iter_mut().find(|(r, _)| *r == root) {
                Some((_, c)) => c.technicians.push(TechIdx(t as u32)),
                None => groups.push((
                    root,
                    Component {
                        technicians: vec![TechIdx(t as u32)],
                        visits: Vec::new(),
                    },
                )),
            }
        }
        for (v, &n) in self.visits.iter().enumerate() {
            let root = uf.find(n.index());
            if let Some((_, c)) = groups.iter_mut().find(|(r, _)| *r == root) {
                c.visits.push(VisitIdx(v as u32));
            }
        }
        groups.into_iter().map(|(_, c)| c).collect()
    }
}
