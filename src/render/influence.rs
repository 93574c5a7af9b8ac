//! The influence map's diagram: people on a circle, sized by influence,
//! marked by attitude with a symbol and a line style as well as a colour,
//! joined by their relationships. Only the geometry is computed here; the
//! theme draws it as inline SVG.

use serde::Serialize;

use crate::record::{Attitude, Influence, Person};

/// How many people the diagram draws; the table below it lists everyone.
pub const MAX_PEOPLE: usize = 24;

/// One person's circle.
#[derive(Debug, Serialize)]
pub struct Node {
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Radius: larger for more influence.
    pub r: f64,
    /// Where the name goes: outside the ring, away from the centre, so
    /// labels do not sit on the relationship lines.
    pub label_x: f64,
    /// The name's baseline.
    pub label_y: f64,
    /// The title's baseline.
    pub title_y: f64,
    /// `start`, `middle` or `end`: the labels' `text-anchor`.
    pub anchor: &'static str,
    /// The name.
    pub name: String,
    /// The title, if any.
    pub title: Option<String>,
    /// `high`, `medium`, `low` or empty.
    pub influence: &'static str,
    /// `positive`, `neutral`, `negative` or empty.
    pub attitude: &'static str,
    /// + = − or ?.
    pub symbol: &'static str,
}

/// A relationship line.
#[derive(Debug, Serialize)]
pub struct Edge {
    /// Start.
    pub x1: f64,
    /// Start.
    pub y1: f64,
    /// End.
    pub x2: f64,
    /// End.
    pub y2: f64,
}

/// The diagram's geometry.
#[derive(Debug, Serialize)]
pub struct Diagram {
    /// Width of the view box.
    pub width: f64,
    /// Height of the view box.
    pub height: f64,
    /// People.
    pub nodes: Vec<Node>,
    /// Relationships, each drawn once.
    pub edges: Vec<Edge>,
    /// How many people the map has.
    pub total: usize,
    /// Whether people were left out of the diagram.
    pub truncated: bool,
}

/// The symbol for an attitude, readable without colour.
pub fn symbol(attitude: Option<Attitude>) -> &'static str {
    match attitude {
        Some(Attitude::Positive) => "+",
        Some(Attitude::Neutral) => "=",
        Some(Attitude::Negative) => "\u{2212}",
        None => "?",
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Lays out `people`; `None` when there is nobody.
pub fn layout(people: &[Person]) -> Option<Diagram> {
    if people.is_empty() {
        return None;
    }
    let shown = &people[..people.len().min(MAX_PEOPLE)];
    let n = shown.len();
    let ring = if n == 1 {
        0.0
    } else {
        (60.0 + 22.0 * n as f64).min(300.0)
    };
    // room for labels: beside the ring for names, above and below for two lines
    let width = 2.0 * ring + 340.0;
    let height = 2.0 * ring + 150.0;
    let (cx, cy) = (width / 2.0, height / 2.0);
    let nodes: Vec<Node> = shown
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
            let r = match p.influence {
                Some(Influence::High) => 26.0,
                Some(Influence::Medium) => 20.0,
                Some(Influence::Low) => 14.0,
                None => 17.0,
            };
            let (cos, sin) = if n == 1 {
                (0.0, 1.0)
            } else {
                (angle.cos(), angle.sin())
            };
            let (x, y) = (round(cx + ring * cos), round(cy + ring * sin));
            let (anchor, label_x, label_y) = if sin < -0.6 {
                ("middle", x, y - r - 22.0)
            } else if sin > 0.6 {
                ("middle", x, y + r + 16.0)
            } else if cos > 0.0 {
                ("start", x + r + 8.0, y - 2.0)
            } else {
                ("end", x - r - 8.0, y - 2.0)
            };
            Node {
                x,
                y,
                r,
                label_x: round(label_x),
                label_y: round(label_y),
                title_y: round(label_y + 14.0),
                anchor,
                name: p.name.clone(),
                title: p.title.clone(),
                influence: p.influence.map_or("", Influence::as_str),
                attitude: p.attitude.map_or("", Attitude::as_str),
                symbol: symbol(p.attitude),
            }
        })
        .collect();
    let mut edges = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, p) in shown.iter().enumerate() {
        for other in &p.relationships {
            let Some(j) = shown.iter().position(|q| &q.name == other) else {
                continue;
            };
            if i == j || !seen.insert((i.min(j), i.max(j))) {
                continue;
            }
            // from border to border, so lines do not cross the symbols
            let (a, b) = (&nodes[i], &nodes[j]);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            edges.push(Edge {
                x1: round(a.x + dx * a.r / len),
                y1: round(a.y + dy * a.r / len),
                x2: round(b.x - dx * b.r / len),
                y2: round(b.y - dy * b.r / len),
            });
        }
    }
    Some(Diagram {
        width: round(width),
        height: round(height),
        nodes,
        edges,
        total: people.len(),
        truncated: people.len() > n,
    })
}
