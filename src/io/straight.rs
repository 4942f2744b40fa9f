//! Straight-line distances between points: great circles for lat/lon, planar for x/y.

use crate::model::Coord;

/// Mean Earth radius in metres (IUGG), as great-circle distances use it.
const EARTH_RADIUS: f64 = 6_371_008.8;

/// Straight-line metres between points of one kind: great circles by the haversine formula, with
/// each point's half-angle sines and cosines computed once (a matrix needs n² distances but only
/// n points' trigonometry), or planar distances of kilometre coordinates.
pub(crate) enum Straight {
    /// Per point: sin φ/2, cos φ/2, cos φ, sin λ/2, cos λ/2.
    Sphere(Vec<[f64; 5]>),
    /// Per point: x, y in kilometres.
    Plane(Vec<(f64, f64)>),
}

impl Straight {
    /// The points' distances, or `None` when they mix lat/lon and x/y.
    pub(crate) fn new(points: &[Coord]) -> Option<Self> {
        match points.first() {
            Some(Coord::Plane { .. }) => points
                .iter()
                .map(|p| match *p {
                    Coord::Plane { x, y } => Some((x, y)),
                    Coord::Sphere { .. } => None,
                })
                .collect::<Option<_>>()
                .map(Straight::Plane),
            _ => points
                .iter()
                .map(|p| match *p {
                    Coord::Sphere { lat, lon } => {
                        let (phi, lambda) = (lat.to_radians(), lon.to_radians());
                        let (sp, cp) = (phi / 2.0).sin_cos();
                        let (sl, cl) = (lambda / 2.0).sin_cos();
                        Some([sp, cp, phi.cos(), sl, cl])
                    }
                    Coord::Plane { .. } => None,
                })
                .collect::<Option<_>>()
                .map(Straight::Sphere),
        }
    }

    /// Metres from point `i` to point `j`.
    pub(crate) fn metres(&self, i: usize, j: usize) -> f64 {
        match self {
            Straight::Sphere(pts) => {
                let ([sa, ca, cos_a, la, ka], [sb, cb, cos_b, lb, kb]) = (pts[i], pts[j]);
                // sin((φb − φa)/2) and sin((λb − λa)/2) from the half-angle terms.
                let d_phi = sb * ca - cb * sa;
                let d_lambda = lb * ka - kb * la;
                let h = d_phi * d_phi + cos_a * cos_b * d_lambda * d_lambda;
                2.0 * EARTH_RADIUS * h.clamp(0.0, 1.0).sqrt().asin()
            }
            Straight::Plane(pts) => {
                let ((xa, ya), (xb, yb)) = (pts[i], pts[j]);
                (xa - xb).hypot(ya - yb) * 1000.0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The precomputed haversine agrees with geo's on random pairs over the whole globe.
    #[test]
    fn great_circles_agree_with_geo() {
        use geo::{Distance, Haversine};
        let mut rng = Rng::new(3);
        let pts: Vec<Coord> = (0..400)
            .map(|_| Coord::Sphere {
                lat: rng.unit() * 180.0 - 90.0,
                lon: rng.unit() * 360.0 - 180.0,
            })
            .collect();
        let straight = Straight::new(&pts).expect("one kind");
        for i in 0..pts.len() {
            for j in 0..pts.len() {
                let (Coord::Sphere { lat: la, lon: oa }, Coord::Sphere { lat: lb, lon: ob }) =
                    (pts[i], pts[j])
                else {
                    unreachable!()
                };
                let reference =
                    Haversine.distance(geo::Point::new(oa, la), geo::Point::new(ob, lb));
                let ours = straight.metres(i, j);
                assert!(
                    (ours - reference).abs() < 1e-3,
                    "{:?} {:?}: {ours} vs {reference}",
                    pts[i],
                    pts[j]
                );
            }
        }
        let mixed = [pts[0], Coord::Plane { x: 1.0, y: 2.0 }];
        assert!(Straight::new(&mixed).is_none());
    }
}
