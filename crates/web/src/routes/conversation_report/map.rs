//! The report's two maps as drawing instructions: the opinion map (participants as points,
//! or as circles sized by count when dense, with each group's hull and label) and the comment
//! map (statements where the analysis projects them, numbered).

use super::geometry::{Frame, bin, padded_hull, svg_points};
use inspraak_consensus::Analysis;

/// Picture width.
pub const WIDTH: f64 = 400.0;
/// Picture height.
pub const HEIGHT: f64 = 300.0;
/// Above this many participants, points are binned on a grid.
pub const DENSE: usize = 300;
/// The grid cell for binned points, in pixels.
const CELL: f64 = 10.0;

/// A circle on the opinion map: one participant, or the participants in one grid cell.
pub struct Dot {
    /// Centre, x.
    pub x: f64,
    /// Centre, y.
    pub y: f64,
    /// Radius.
    pub r: f64,
    /// The CSS class of its group (`none` when not in a group).
    pub class: String,
    /// How many participants it stands for.
    pub count: usize,
}

/// A group's region on the map.
pub struct Hull {
    /// The group's number as the report shows it.
    pub number: usize,
    /// The CSS class of its colour.
    pub class: String,
    /// The polygon's SVG `points`.
    pub points: String,
    /// Where its label goes, x.
    pub label_x: f64,
    /// Where its label goes, y.
    pub label_y: f64,
}

/// The opinion map.
pub struct OpinionMap {
    /// The circles.
    pub dots: Vec<Dot>,
    /// The group regions.
    pub hulls: Vec<Hull>,
    /// Whether the circles are binned (sized by count).
    pub binned: bool,
}

/// A statement on the comment map.
pub struct CommentDot {
    /// The statement's number.
    pub number: u64,
    /// Its text.
    pub text: String,
    /// Picture x.
    pub x: f64,
    /// Picture y.
    pub y: f64,
    /// Where its number goes.
    pub label: (f64, f64),
    /// The projected position, for the table.
    pub position: (String, String),
    /// Distance from the centre, for the table.
    pub extremity: String,
}

/// The CSS class of a group's colour.
pub fn group_class(id: usize) -> String {
    format!("g{}", id % 5)
}

/// Draws the opinion map.
pub fn opinion_map(analysis: &Analysis) -> OpinionMap {
    let frame = Frame::fit(
        analysis.participants.iter().map(|p| &p.position),
        WIDTH,
        HEIGHT,
        24.0,
    );
    let placed: Vec<([f64; 2], Option<usize>)> = analysis
        .participants
        .iter()
        .map(|p| (frame.place(p.position), p.group))
        .collect();
    let class = |g: Option<usize>| g.map_or("none".to_owned(), group_class);
    let binned = placed.len() > DENSE;
    let dots = if binned {
        let bins = bin(&placed, CELL);
        let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
        bins.into_iter()
            .map(|b| Dot {
                x: b.at[0],
                y: b.at[1],
                r: ((1.5 + 5.5 * (b.count as f64 / most).sqrt()) * 10.0).round() / 10.0,
                class: class(b.group),
                count: b.count,
            })
            .collect()
    } else {
        placed
            .iter()
            .map(|(p, g)| Dot {
                x: p[0],
                y: p[1],
                r: 4.0,
                class: class(*g),
                count: 1,
            })
            .collect()
    };
    let hulls = analysis
        .groups
        .iter()
        .map(|g| {
            let members: std::collections::HashSet<u64> = g.members.iter().copied().collect();
            let points: Vec<[f64; 2]> = analysis
                .participants
                .iter()
                .zip(&placed)
                .filter(|(p, _)| members.contains(&p.pid))
                .map(|(_, (at, _))| *at)
                .collect();
            let polygon = padded_hull(&points, 8.0);
            let (min_y, sum_x) = polygon
                .iter()
                .fold((f64::MAX, 0.0), |(m, s), p| (m.min(p[1]), s + p[0]));
            let mid_x = if polygon.is_empty() {
                WIDTH / 2.0
            } else {
                sum_x / polygon.len() as f64
            };
            Hull {
                number: g.id + 1,
                class: group_class(g.id),
                points: svg_points(&polygon),
                label_x: (mid_x.clamp(30.0, WIDTH - 30.0) * 10.0).round() / 10.0,
                label_y: (((min_y - 4.0).max(14.0)) * 10.0).round() / 10.0,
            }
        })
        .collect();
    OpinionMap {
        dots,
        hulls,
        binned,
    }
}

/// The comment map: the statements, and where the centre (0, 0) is, for the axes.
pub struct CommentMap {
    /// The statements shown.
    pub dots: Vec<CommentDot>,
    /// The centre in picture coordinates.
    pub origin: [f64; 2],
}

/// Draws the comment map for the statements shown (`text` gives a shown statement's text).
/// The centre is always in the picture, so the axes show which side a statement is on.
pub fn comment_map(analysis: &Analysis, text: impl Fn(u64) -> Option<String>) -> CommentMap {
    let shown: Vec<(&inspraak_consensus::CommentResult, String)> = analysis
        .comments
        .iter()
        .filter_map(|c| text(c.tid).map(|t| (c, t)))
        .collect();
    let centre = [0.0, 0.0];
    let frame = Frame::fit(
        shown
            .iter()
            .map(|(c, _)| &c.position)
            .chain(std::iter::once(&centre)),
        WIDTH,
        HEIGHT,
        24.0,
    );
    let mut dots: Vec<CommentDot> = shown
        .into_iter()
        .map(|(c, text)| {
            let at = frame.place(c.position);
            CommentDot {
                number: c.tid,
                text,
                x: at[0],
                y: at[1],
                label: (
                    ((at[0] + 5.0) * 10.0).round() / 10.0,
                    ((at[1] - 4.0) * 10.0).round() / 10.0,
                ),
                position: (
                    format!("{:.2}", c.position[0]),
                    format!("{:.2}", c.position[1]),
                ),
                extremity: format!("{:.2}", c.extremity),
            }
        })
        .collect();
    dots.sort_by_key(|d| d.number);
    CommentMap {
        dots,
        origin: frame.place(centre),
    }
}
