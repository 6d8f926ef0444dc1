//! The report's pictures as plain geometry: fitting positions into a picture, convex hulls
//! around the groups, and binning points on a grid when there are too many to draw one by one.

use std::collections::BTreeMap;

/// A picture's size and margin, and the box of positions it shows.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    width: f64,
    height: f64,
    margin: f64,
    min: [f64; 2],
    max: [f64; 2],
}

impl Frame {
    /// A frame that fits every position into `width` × `height` with `margin` on each side.
    pub fn fit<'a>(
        positions: impl IntoIterator<Item = &'a [f64; 2]>,
        width: f64,
        height: f64,
        margin: f64,
    ) -> Frame {
        let mut min = [f64::MAX; 2];
        let mut max = [f64::MIN; 2];
        for p in positions {
            for axis in 0..2 {
                if p[axis].is_finite() {
                    min[axis] = min[axis].min(p[axis]);
                    max[axis] = max[axis].max(p[axis]);
                }
            }
        }
        Frame {
            width,
            height,
            margin,
            min,
            max,
        }
    }

    /// A position in picture coordinates, to a tenth of a pixel.
    pub fn place(&self, p: [f64; 2]) -> [f64; 2] {
        let size = [self.width, self.height];
        let mut out = [0.0; 2];
        for axis in 0..2 {
            let (lo, hi) = (self.min[axis], self.max[axis]);
            let v = if hi - lo < 1e-12 || !p[axis].is_finite() {
                size[axis] / 2.0
            } else {
                self.margin + (p[axis] - lo) / (hi - lo) * (size[axis] - 2.0 * self.margin)
            };
            out[axis] = (v * 10.0).round() / 10.0;
        }
        out
    }
}

/// The convex hull of `points`, counter-clockwise (in a y-up frame) from the lowest-leftmost
/// point, without repeated or collinear points (Andrew's monotone chain).
pub fn convex_hull(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut p: Vec<[f64; 2]> = points
        .iter()
        .copied()
        .filter(|q| q[0].is_finite() && q[1].is_finite())
        .collect();
    p.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let cross = |o: [f64; 2], a: [f64; 2], b: [f64; 2]| {
        (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    };
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(2 * p.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> = if pass == 0 {
            Box::new(p.iter())
        } else {
            Box::new(p.iter().rev())
        };
        for &q in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], q) <= 0.0
            {
                hull.pop();
            }
            hull.push(q);
        }
        hull.pop(); // the last point starts the other chain
    }
    if hull.len() < 3 {
        // Every point on one line: its two ends.
        hull.dedup();
    }
    hull
}

/// The hull of `points` grown by `pad` (each corner replaced by eight around it), so that a
/// group whose members sit on one spot or one line still gets a visible region.
pub fn padded_hull(points: &[[f64; 2]], pad: f64) -> Vec<[f64; 2]> {
    let corners = convex_hull(points);
    let grown: Vec<[f64; 2]> = corners
        .iter()
        .flat_map(|c| {
            (0..8).map(move |k| {
                let angle =
                    std::f64::consts::FRAC_PI_4 * f64::from(k) + std::f64::consts::FRAC_PI_8;
                [c[0] + pad * angle.cos(), c[1] + pad * angle.sin()]
            })
        })
        .collect();
    convex_hull(&grown)
}

/// A polygon as SVG `points`.
pub fn svg_points(polygon: &[[f64; 2]]) -> String {
    polygon
        .iter()
        .map(|p| format!("{:.1},{:.1}", p[0], p[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Points that fall in one grid cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// The cell's centre.
    pub at: [f64; 2],
    /// How many points.
    pub count: usize,
    /// The group most of them are in (`None`: mostly not in a group); ties go to the lower.
    pub group: Option<usize>,
}

/// Points (in picture coordinates, with their group) counted per `cell` × `cell` square.
pub fn bin(points: &[([f64; 2], Option<usize>)], cell: f64) -> Vec<Bin> {
    let mut cells: BTreeMap<(i64, i64), BTreeMap<Option<usize>, usize>> = BTreeMap::new();
    for (p, group) in points {
        let key = ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
        *cells.entry(key).or_default().entry(*group).or_default() += 1;
    }
    cells
        .into_iter()
        .map(|((cx, cy), groups)| {
            let count = groups.values().sum();
            // Highest count; on a tie the first in order (None, then group 0, 1, ...).
            let group = groups
                .iter()
                .fold(None::<(Option<usize>, usize)>, |best, (g, n)| match best {
                    Some((_, m)) if m >= *n => best,
                    _ => Some((*g, *n)),
                })
                .and_then(|(g, _)| g);
            Bin {
                at: [(cx as f64 + 0.5) * cell, (cy as f64 + 0.5) * cell],
                count,
                group,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hull_of_a_square_leaves_out_the_inside_and_the_edges() {
        let points = [
            [0.0, 0.0],
            [2.0, 0.0],
            [2.0, 2.0],
            [0.0, 2.0],
            [1.0, 1.0],
            [1.0, 0.0],
            [2.0, 2.0],
        ];
        assert_eq!(
            convex_hull(&points),
            vec![[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]]
        );
    }

    #[test]
    fn small_and_straight_inputs_give_their_ends() {
        assert!(convex_hull(&[]).is_empty());
        assert_eq!(convex_hull(&[[1.0, 1.0], [1.0, 1.0]]), vec![[1.0, 1.0]]);
        assert_eq!(
            convex_hull(&[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]),
            vec![[0.0, 0.0], [3.0, 3.0]]
        );
        assert_eq!(
            convex_hull(&[[f64::NAN, 0.0], [1.0, 2.0]]),
            vec![[1.0, 2.0]]
        );
    }

    #[test]
    fn a_padded_hull_surrounds_a_single_point_and_contains_every_point() {
        let one = padded_hull(&[[10.0, 10.0]], 5.0);
        assert_eq!(one.len(), 8);
        for p in &one {
            let d = ((p[0] - 10.0).powi(2) + (p[1] - 10.0).powi(2)).sqrt();
            assert!((d - 5.0).abs() < 1e-9);
        }
        let points = [[0.0, 0.0], [4.0, 1.0], [2.0, 5.0], [2.0, 2.0]];
        let hull = padded_hull(&points, 1.0);
        // Every point lies inside: left of (or on) each counter-clockwise edge.
        for q in &points {
            for i in 0..hull.len() {
                let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
                let cross = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
                assert!(cross > 0.0, "{q:?} outside the edge {a:?}–{b:?}");
            }
        }
    }

    #[test]
    fn frames_fit_the_margin_and_centre_a_single_position() {
        let positions = [[-1.0, 10.0], [1.0, 20.0]];
        let frame = Frame::fit(&positions, 400.0, 300.0, 20.0);
        assert_eq!(frame.place([-1.0, 10.0]), [20.0, 20.0]);
        assert_eq!(frame.place([1.0, 20.0]), [380.0, 280.0]);
        assert_eq!(frame.place([0.0, 15.0]), [200.0, 150.0]);
        let single = Frame::fit(&[[3.0, 3.0]], 400.0, 300.0, 20.0);
        assert_eq!(single.place([3.0, 3.0]), [200.0, 150.0]);
        assert_eq!(svg_points(&[[1.0, 2.26], [3.0, 4.0]]), "1.0,2.3 3.0,4.0");
    }

    #[test]
    fn bins_count_points_per_cell_with_the_most_common_group() {
        let points = [
            ([1.0, 1.0], Some(1)),
            ([2.0, 3.0], Some(0)),
            ([3.0, 2.0], Some(1)),
            ([15.0, 1.0], None),
            ([16.0, 2.0], Some(2)),
        ];
        let bins = bin(&points, 10.0);
        assert_eq!(
            bins,
            vec![
                Bin {
                    at: [5.0, 5.0],
                    count: 3,
                    group: Some(1)
                },
                Bin {
                    at: [15.0, 5.0],
                    count: 2,
                    group: None
                },
            ]
        );
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), points.len());
    }
}
