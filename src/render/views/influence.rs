//! The influence map's diagram: people on a circle, sized by influence,
//! marked by attitude with a symbol and a line style as well as a colour,
//! joined by their relationships. The geometry is computed here, and drawn
//! as inline SVG for the default theme; a theme can draw it its own way
//! from the geometry.

use std::fmt::Write;

use serde::Serialize;

use crate::markdown::{escape, escape_into, truncate};

use crate::record::{Attitude, Influence, Person};

/// How many characters of a title the diagram shows, cut at a word.
const TITLE_CHARS: usize = 30;

/// How many people the diagram draws; the table below it lists everyone.
pub(crate) const MAX_PEOPLE: usize = 24;

/// One person's circle.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Node {
    /// Centre.
    pub(crate) x: f64,
    /// Centre.
    pub(crate) y: f64,
    /// Radius: larger for more influence.
    pub(crate) r: f64,
    /// Where the name goes: outside the ring, away from the centre, so
    /// labels do not sit on the relationship lines.
    pub(crate) label_x: f64,
    /// The name's baseline.
    pub(crate) label_y: f64,
    /// The title's baseline.
    pub(crate) title_y: f64,
    /// `start`, `middle` or `end`: the labels' `text-anchor`.
    pub(crate) anchor: &'static str,
    /// The name.
    pub(crate) name: String,
    /// The title, if any.
    pub(crate) title: Option<String>,
    /// `high`, `medium`, `low` or empty.
    pub(crate) influence: &'static str,
    /// `positive`, `neutral`, `negative` or empty.
    pub(crate) attitude: &'static str,
    /// + = − or ?.
    pub(crate) symbol: &'static str,
}

/// A relationship line.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Edge {
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
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Diagram {
    /// Width of the view box.
    pub(crate) width: f64,
    /// Height of the view box.
    pub(crate) height: f64,
    /// People.
    pub(crate) nodes: Vec<Node>,
    /// Relationships, each drawn once.
    pub(crate) edges: Vec<Edge>,
    /// How many people the map has.
    pub(crate) total: usize,
    /// Whether people were left out of the diagram.
    pub(crate) truncated: bool,
    /// The diagram drawn as an inline `<svg>` element (see [`Diagram::svg`]).
    pub(crate) svg: String,
}

/// The symbol for an attitude, readable without colour.
pub(crate) fn symbol(attitude: Option<Attitude>) -> &'static str {
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

/// Lays out the people of `partner`'s map; `None` when there is nobody.
pub(crate) fn layout(partner: &str, people: &[Person]) -> Option<Diagram> {
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
    let mut diagram = Diagram {
        width: round(width),
        height: round(height),
        nodes,
        edges,
        total: people.len(),
        truncated: people.len() > n,
        svg: String::new(),
    };
    diagram.svg = diagram.svg(partner);
    Some(diagram)
}

impl Diagram {
    /// The diagram as an inline `<svg>` element, indented to sit in the
    /// default theme's `influence_map.html`: a circle per person, classed
    /// `att-*` and `inf-*` by attitude and influence, with the attitude's
    /// symbol, the name and the title (cut at a word, at most 30 characters) beside it, and
    /// a line per relationship. Its title and description name `partner`
    /// and say, in words, what the circles show. Drawn here rather than by
    /// the template: in Tera it took 14.6% of the instructions of a
    /// 1,000-partner build (callgrind).
    pub(crate) fn svg(&self, partner: &str) -> String {
        // numbers as Tera writes them (`{:?}`), so `318.0`, not `318`
        let mut svg = String::with_capacity(1024 + 600 * self.nodes.len());
        let partner = escape(partner);
        let count = self.nodes.len();
        let _ = write!(
            svg,
            "<svg class=\"influence-svg{dense}\" viewBox=\"0 0 {w:?} {h:?}\" role=\"img\" \
             aria-labelledby=\"influence-title influence-desc\" focusable=\"false\">\n        \
             <title id=\"influence-title\">Influence map of {partner}</title>\n        \
             <desc id=\"influence-desc\">{count} {people} at {partner}, drawn as circles sized by \
             influence and marked by attitude, with lines between people who work together.",
            dense = if count > 12 { " is-dense" } else { "" },
            w = self.width,
            h = self.height,
            people = if count == 1 { "person" } else { "people" },
        );
        for n in &self.nodes {
            svg.push(' ');
            escape_into(&mut svg, &n.name);
            if let Some(title) = n.title.as_deref().filter(|t| !t.is_empty()) {
                svg.push_str(", ");
                escape_into(&mut svg, title);
            }
            svg.push_str(": ");
            if n.influence.is_empty() {
                svg.push_str("influence unknown, ");
            } else {
                let _ = write!(svg, "{} influence, ", n.influence);
            }
            svg.push_str(if n.attitude.is_empty() {
                "attitude unknown"
            } else {
                n.attitude
            });
            svg.push('.');
        }
        svg.push_str(" The table below lists everyone.</desc>\n        <g class=\"edges\">");
        for e in &self.edges {
            let _ = write!(
                svg,
                "\n          <line x1=\"{:?}\" y1=\"{:?}\" x2=\"{:?}\" y2=\"{:?}\"/>",
                e.x1, e.y1, e.x2, e.y2
            );
        }
        svg.push_str("\n        </g>\n        <g class=\"nodes\">");
        for n in &self.nodes {
            let or_unknown = |s: &'static str| if s.is_empty() { "unknown" } else { s };
            let (att, inf) = (or_unknown(n.attitude), or_unknown(n.influence));
            let _ = write!(
                svg,
                "\n          <g class=\"node\">\n            \
                 <circle class=\"att-{att} inf-{inf}\" cx=\"{x:?}\" cy=\"{y:?}\" r=\"{r:?}\"/>\n            \
                 <text class=\"node-symbol att-{att}\" x=\"{x:?}\" y=\"{y:?}\" text-anchor=\"middle\" \
                 dominant-baseline=\"central\">{symbol}</text>\n            \
                 <text class=\"node-name\" x=\"{lx:?}\" y=\"{ly:?}\" text-anchor=\"{anchor}\">",
                x = n.x,
                y = n.y,
                r = n.r,
                symbol = n.symbol,
                lx = n.label_x,
                ly = n.label_y,
                anchor = n.anchor,
            );
            escape_into(&mut svg, &n.name);
            svg.push_str("</text>");
            if let Some(title) = n.title.as_deref().filter(|t| !t.is_empty()) {
                let _ = write!(
                    svg,
                    "\n            <text class=\"node-title\" x=\"{lx:?}\" y=\"{ty:?}\" \
                     text-anchor=\"{anchor}\">",
                    lx = n.label_x,
                    ty = n.title_y,
                    anchor = n.anchor,
                );
                escape_into(&mut svg, &truncate(title, TITLE_CHARS));
                svg.push_str("</text>");
            }
            svg.push_str("\n          </g>");
        }
        svg.push_str("\n        </g>\n      </svg>");
        svg
    }
}
