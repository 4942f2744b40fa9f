//! Travel over a road network: nodes with lat/lon, directed edges with a length and a speed.
//! Each location joins the network at its nearest node (the leg off the network is straight
//! line × detour factor at the average speed); between nodes, the fastest path (petgraph's
//! Dijkstra, ties broken by length) gives the duration and the distance.

use std::collections::HashMap;
use std::ops::Add;

use petgraph::algo::dijkstra;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Issue, Result};
use crate::model::{Coord, TravelMatrix};

use super::straight::Straight;

/// A road network.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadNetworkDto {
    /// Junctions.
    pub nodes: Vec<RoadNodeDto>,
    /// Road links between junctions.
    pub edges: Vec<RoadEdgeDto>,
}

/// A junction.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadNodeDto {
    /// Unique id.
    pub id: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

/// A road link, driven from `from` to `to` (and back when `two_way`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadEdgeDto {
    /// Node id it leaves.
    pub from: String,
    /// Node id it reaches.
    pub to: String,
    /// Length in metres.
    pub length_m: f64,
    /// Speed in km/h.
    pub speed_kmh: f64,
    /// Whether it may also be driven from `to` to `from`.
    #[serde(default)]
    pub two_way: bool,
}

/// Reads a road network file (`source` names it in errors).
pub fn parse(bytes: &[u8], source: &str) -> Result<RoadNetworkDto> {
    super::json_document(
        bytes,
        source,
        "a road network is {\"nodes\": [{id, lat, lon}], \"edges\": [{from, to, length_m, speed_kmh, two_way}]}",
    )
}

/// Seconds and metres along a path, ordered by time, then length.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
struct Leg {
    seconds: f64,
    metres: f64,
}

impl Add for Leg {
    type Output = Leg;
    fn add(self, other: Leg) -> Leg {
        Leg {
            seconds: self.seconds + other.seconds,
            metres: self.metres + other.metres,
        }
    }
}

/// How the network is reached off its roads.
pub struct Access {
    /// Average speed in metres per second.
    pub speed: f64,
    /// Road distance over straight-line distance.
    pub detour: f64,
}

/// The travel matrix between `points` (lat/lon) over `net`, or the issues found (at `path`).
/// `names` name the points in messages.
pub fn matrix(
    net: &RoadNetworkDto,
    path: &str,
    points: &[Coord],
    names: &[String],
    access: Access,
) -> std::result::Result<TravelMatrix, Vec<Issue>> {
    let (graph, coords) = build(net, path)?;
    let all: Vec<Coord> = points.iter().chain(&coords).copied().collect();
    let straight = Straight::new(&all).ok_or_else(|| {
        vec![Issue::new(
            "E308",
            path,
            "a road network needs locations in lat/lon",
            "give sites and homes lat and lon",
        )]
    })?;
    let n = points.len();
    // The nearest node of each point, and the leg to it.
    let joins: Vec<(NodeIndex, Leg)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (node, metres) = (0..coords.len())
                .map(|k| (k, straight.metres(i, n + k)))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .unwrap_or((0, 0.0));
            let metres = metres * access.detour;
            (
                NodeIndex::new(node),
                Leg {
                    seconds: metres / access.speed,
                    metres,
                },
            )
        })
        .collect();
    let mut sources: Vec<NodeIndex> = joins.iter().map(|j| j.0).collect();
    sources.sort_unstable();
    sources.dedup();
    let fastest: HashMap<NodeIndex, HashMap<NodeIndex, Leg>> = sources
        .par_iter()
        .map(|&s| {
            let edge = |e: petgraph::graph::EdgeReference<'_, Leg>| *e.weight();
            (s, dijkstra(&graph, s, None, edge).into_iter().collect())
        })
        .collect();
    let mut issues = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let (a, b) = (joins[i].0, joins[j].0);
            if a != b && !fastest[&a].contains_key(&b) {
                issues.push(Issue::new(
                    "E403",
                    path,
                    format!(
                        "`{}` cannot reach `{}` over the roads (from node `{}` to node `{}`)",
                        names[i],
                        names[j],
                        net.nodes[a.index()].id,
                        net.nodes[b.index()].id
                    ),
                    "connect the network, or make the one-way roads meet",
                ));
                if issues.len() >= 10 {
                    return Err(issues);
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(TravelMatrix::from_fn(n, |i, j| {
        let ((a, to_a), (b, from_b)) = (joins[i], joins[j]);
        let leg = if a == b {
            // Both join at one node: straight across.
            let metres = straight.metres(i, j) * access.detour;
            Leg {
                seconds: metres / access.speed,
                metres,
            }
        } else {
            to_a + fastest[&a][&b] + from_b
        };
        (leg.seconds.round() as i64, leg.metres.round() as i64)
    }))
}

/// A road graph whose edge weights are legs.
type Roads = DiGraph<(), Leg>;

/// The validated graph and the node coordinates.
fn build(net: &RoadNetworkDto, path: &str) -> std::result::Result<(Roads, Vec<Coord>), Vec<Issue>> {
    let mut issues = Vec::new();
    let mut index = HashMap::new();
    let mut graph = DiGraph::new();
    let mut coords = Vec::with_capacity(net.nodes.len());
    if net.nodes.is_empty() {
        issues.push(Issue::new(
            "E107",
            format!("{path}.nodes"),
            "the road network has no nodes",
            "list the junctions",
        ));
    }
    for (k, node) in net.nodes.iter().enumerate() {
        let at = format!("{path}.nodes[{k}]");
        if index.insert(node.id.as_str(), graph.add_node(())).is_some() {
            issues.push(Issue::new(
                "E201",
                at.clone(),
                format!("duplicate node id `{}`", node.id),
                "node ids must be unique",
            ));
        }
        let valid = node.lat.is_finite()
            && node.lon.is_finite()
            && node.lat.abs() <= 90.0
            && node.lon.abs() <= 180.0;
        if !valid {
            issues.push(Issue::new(
                "E308",
                at,
                "latitude must be within ±90 and longitude within ±180",
                "give the node's lat and lon in degrees",
            ));
        }
        coords.push(Coord::Sphere {
            lat: node.lat,
            lon: node.lon,
        });
    }
    for (k, edge) in net.edges.iter().enumerate() {
        let at = format!("{path}.edges[{k}]");
        let mut end = |id: &str, field: &str| {
            let found = index.get(id).copied();
            if found.is_none() {
                issues.push(Issue::new(
                    "E202",
                    format!("{at}.{field}"),
                    format!("unknown node `{id}`"),
                    "list the node in `nodes` or fix the id",
                ));
            }
            found
        };
        let (from, to) = (end(&edge.from, "from"), end(&edge.to, "to"));
        if !(edge.length_m.is_finite() && (0.0..=1e7).contains(&edge.length_m)) {
            issues.push(Issue::new(
                "E304",
                format!("{at}.length_m"),
                format!("length {} m is not from 0 to 10^7", edge.length_m),
                "give the road's length in metres",
            ));
            continue;
        }
        if !(edge.speed_kmh.is_finite() && (1.0..=300.0).contains(&edge.speed_kmh)) {
            issues.push(Issue::new(
                "E304",
                format!("{at}.speed_kmh"),
                format!("speed {} km/h is not from 1 to 300", edge.speed_kmh),
                "give the road's speed in km/h",
            ));
            continue;
        }
        let leg = Leg {
            seconds: edge.length_m / (edge.speed_kmh / 3.6),
            metres: edge.length_m,
        };
        if let (Some(from), Some(to)) = (from, to) {
            graph.add_edge(from, to, leg);
            if edge.two_way {
                graph.add_edge(to, from, leg);
            }
        }
    }
    if issues.is_empty() {
        Ok((graph, coords))
    } else {
        Err(issues)
    }
}
