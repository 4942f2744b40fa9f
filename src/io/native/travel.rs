//! The travel matrix of a native problem: haversine, a given matrix, or a road network.

use std::collections::HashMap;

use crate::model::{Coord, TravelMatrix};

use crate::io::roads::{self};
use crate::io::straight::Straight;

use super::build::Builder;
use super::dto::*;

/// The travel matrix over the road network of `travel`.
pub(super) fn road_matrix(
    b: &mut Builder<'_>,
    points: &[Coord],
    keys: &[String],
) -> Option<TravelMatrix> {
    let t = &b.dto.travel;
    let Some(network) = &t.network else {
        let (message, hint) = match &t.network_file {
            Some(file) => (
                format!("the road network file `{file}` can only be read beside a problem file"),
                "inline the network as `travel.network`",
            ),
            None => (
                "road travel without a network".to_string(),
                "give `travel.network`, or `travel.network_file` beside the problem file",
            ),
        };
        b.issue("E404", "$.travel".into(), message, hint);
        return None;
    };
    let access = roads::Access {
        speed: t.speed_kmh / 3.6,
        detour: t.detour_factor,
    };
    match roads::matrix(network, "$.travel.network", points, keys, access) {
        Ok(matrix) => Some(matrix),
        Err(issues) => {
            b.issues.extend(issues);
            None
        }
    }
}

/// Largest travel duration (s) or distance (m) one leg may have.
pub(super) const MAX_LEG: f64 = 1e9;

pub(super) fn travel_matrix(
    b: &mut Builder<'_>,
    points: &[Option<Coord>],
    keys: &[String],
) -> Option<TravelMatrix> {
    let t = &b.dto.travel;
    match t.mode {
        TravelMode::Haversine | TravelMode::Road => {
            if !(t.speed_kmh.is_finite() && t.speed_kmh >= 1.0 && t.speed_kmh <= 1000.0) {
                b.issue(
                    "E304",
                    "$.travel.speed_kmh".into(),
                    format!("speed {} km/h is not from 1 to 1000", t.speed_kmh),
                    "use an average road speed such as 40",
                );
                return None;
            }
            if !(t.detour_factor.is_finite() && (1.0..=10.0).contains(&t.detour_factor)) {
                b.issue(
                    "E304",
                    "$.travel.detour_factor".into(),
                    format!("detour factor {} is not from 1 to 10", t.detour_factor),
                    "use 1.2 to 1.5 for road networks",
                );
                return None;
            }
            let pts: Vec<Coord> = points.iter().copied().collect::<Option<_>>()?;
            let Some(straight) = Straight::new(&pts) else {
                b.issue(
                    "E308",
                    "$".into(),
                    "locations mix lat/lon and planar x/y".into(),
                    "use one kind of coordinates in a file",
                );
                return None;
            };
            let speed = t.speed_kmh / 3.6;
            let detour = t.detour_factor;
            if t.mode == TravelMode::Road {
                return road_matrix(b, &pts, keys);
            }
            Some(TravelMatrix::from_fn(pts.len(), |i, j| {
                let d = straight.metres(i, j) * detour;
                ((d / speed).round() as i64, d.round() as i64)
            }))
        }
        TravelMode::Matrix => {
            let n = t.locations.len();
            let index: HashMap<&str, usize> = t
                .locations
                .iter()
                .enumerate()
                .map(|(i, k)| (k.as_str(), i))
                .collect();
            let mut ok = true;
            if t.durations.len() != n || t.durations.iter().any(|r| r.len() != n) {
                b.issue(
                    "E401",
                    "$.travel.durations".into(),
                    format!("durations must be {n} rows of {n} numbers"),
                    "one row and one column per entry of `locations`",
                );
                ok = false;
            }
            if !t.distances.is_empty()
                && (t.distances.len() != n || t.distances.iter().any(|r| r.len() != n))
            {
                b.issue(
                    "E401",
                    "$.travel.distances".into(),
                    format!("distances must be {n} rows of {n} numbers"),
                    "one row and one column per entry of `locations`",
                );
                ok = false;
            }
            let mut map = Vec::with_capacity(keys.len());
            for key in keys {
                match index.get(key.as_str()) {
                    Some(&i) => map.push(i),
                    None => {
                        b.issue("E402", "$.travel.locations".into(), format!("`{key}` is not in the matrix locations"), "list every site id and technician id (and `ID:end` for an end location)");
                        ok = false;
                    }
                }
            }
            for (name, rows) in [("durations", &t.durations), ("distances", &t.distances)] {
                for (i, row) in rows.iter().enumerate() {
                    for (j, &x) in row.iter().enumerate() {
                        if !(x.is_finite() && (0.0..=MAX_LEG).contains(&x)) {
                            b.issue(
                                "E304",
                                format!("$.travel.{name}[{i}][{j}]"),
                                format!("{x} is not from 0 to 10^9"),
                                "use non-negative seconds and metres",
                            );
                            ok = false;
                        }
                    }
                }
            }
            if !ok {
                return None;
            }
            let cell = |rows: &Vec<Vec<f64>>, i: usize, j: usize| {
                rows.get(i)
                    .and_then(|r| r.get(j))
                    .copied()
                    .unwrap_or(0.0)
                    .round() as i64
            };
            Some(TravelMatrix::from_fn(keys.len(), |i, j| {
                (
                    cell(&t.durations, map[i], map[j]),
                    cell(&t.distances, map[i], map[j]),
                )
            }))
        }
    }
}
