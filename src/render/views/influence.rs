//! The influence map's diagram: a card per person, in rows, with a circle
//! sized by influence and marked by attitude with a symbol and a line style
//! as well as a colour, the name and the title wrapped under it, and a line
//! between cards for each relationship. The geometry is computed here, and
//! drawn as inline SVG for the default theme; a theme can draw it its own
//! way from the geometry.
//!
//! The SVG is shown at its own size, never enlarged, so a unit of the view
//! box is a CSS pixel until the page is narrower than the diagram. Two
//! layouts are drawn when they differ: a wide one (up to four cards a row,
//! 666 units, narrower than the printed page) and a narrow one for phones
//! (two cards a row, 334 units, as wide as a 390 px screen's column). The
//! labels are 12 and 13 units, so they stay at or above 8 pt (10.67 CSS
//! px) on paper and on screen; a bigger map gets more rows, not smaller
//! text (issue 20).

use std::fmt::Write;

use serde::Serialize;

use crate::markdown::{escape, escape_into};

use crate::record::{Attitude, Influence, Person};

/// How many people the diagram draws; the table below it lists everyone.
pub(crate) const MAX_PEOPLE: usize = 24;

/// The name's font size, bold, in view-box units (the theme's CSS says the same).
const NAME_SIZE: f64 = 13.0;
/// The title's font size, in view-box units (the theme's CSS says the same).
const TITLE_SIZE: f64 = 12.0;
/// The distance between two baselines of the name.
const NAME_LEAD: f64 = 16.0;
/// The distance between two baselines of the title.
const TITLE_LEAD: f64 = 15.0;
/// The most lines a name takes; the rest is cut with an ellipsis.
const NAME_LINES: usize = 3;
/// The most lines a title takes; the table shows it in full.
const TITLE_LINES: usize = 3;
/// The width of a card's column, gap included.
const CELL: f64 = 166.0;
/// The space between two cards side by side.
const GAP: f64 = 14.0;
/// The space between two rows, room for the lines between them.
const ROW_GAP: f64 = 26.0;
/// The margin around everything.
const MARGIN: f64 = 8.0;
/// The padding inside a card.
const PAD: f64 = 6.0;
/// The largest circle's radius: every circle sits in a slot this tall.
const MAX_RADIUS: f64 = 26.0;
/// The widest text line a card holds.
const TEXT_WIDTH: f64 = CELL - GAP - 2.0 * PAD;

/// One person's card.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Node {
    /// The circle's centre.
    pub(crate) x: f64,
    /// The circle's centre.
    pub(crate) y: f64,
    /// The circle's radius: larger for more influence.
    pub(crate) r: f64,
    /// The card's left edge.
    pub(crate) box_x: f64,
    /// The card's top edge.
    pub(crate) box_y: f64,
    /// The card's width.
    pub(crate) box_width: f64,
    /// The card's height.
    pub(crate) box_height: f64,
    /// The name, wrapped: one entry per line, centred on `x`.
    pub(crate) name_lines: Vec<Line>,
    /// The title, wrapped: one entry per line, centred on `x`.
    pub(crate) title_lines: Vec<Line>,
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

/// A line of a label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Line {
    /// The words on the line; the last line of a cut label ends with `…`.
    pub(crate) text: String,
    /// The baseline.
    pub(crate) y: f64,
    /// Whether the line ended at a space rather than inside a word: the
    /// SVG keeps the space, so the label copies as the words it was.
    #[serde(skip)]
    space_after: bool,
}

/// A relationship line, from card border to card border.
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

/// The cards and lines of one layout.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Geometry {
    /// Width of the view box.
    pub(crate) width: f64,
    /// Height of the view box.
    pub(crate) height: f64,
    /// People, in the order of the record.
    pub(crate) nodes: Vec<Node>,
    /// Relationships, each drawn once.
    pub(crate) edges: Vec<Edge>,
}

/// The diagram's geometry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Diagram {
    /// The wide layout: for screens and paper.
    #[serde(flatten)]
    pub(crate) wide: Geometry,
    /// The narrow layout for phones, when it differs from the wide one.
    pub(crate) narrow: Option<Geometry>,
    /// How many people the map has.
    pub(crate) total: usize,
    /// Whether people were left out of the diagram.
    pub(crate) truncated: bool,
    /// The diagram drawn as inline `<svg>` elements (see [`Diagram::svg`]).
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

/// A number in an SVG attribute, written as Tera writes an `f64` (`{:?}`:
/// `318.0`, `12.5`), so the drawing reads the same as the geometry a theme
/// gets. The layouts round to tenths, and a tenth is written here with
/// integer arithmetic: `{:?}` finds the shortest decimal for any `f64`,
/// which took 4% of a build's instructions (callgrind, 1,000 partners).
pub(crate) struct Num(pub(crate) f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        let tenths = (v * 10.0).round();
        // `tenths / 10.0 == v`: `v` is the `f64` nearest to a number of
        // tenths, so that number is its shortest decimal
        if v != 0.0 && tenths.abs() < 1e15 && tenths / 10.0 == v {
            // the digits from the right, into one buffer: one write, no
            // formatting machinery
            let mut buf = [0u8; 20];
            let mut at = buf.len();
            let mut t = tenths.abs() as u64;
            let mut put = |b: u8| {
                at -= 1;
                buf[at] = b;
            };
            put(b'0' + (t % 10) as u8);
            put(b'.');
            t /= 10;
            loop {
                put(b'0' + (t % 10) as u8);
                t /= 10;
                if t == 0 {
                    break;
                }
            }
            if v < 0.0 {
                put(b'-');
            }
            f.write_str(std::str::from_utf8(&buf[at..]).unwrap_or_default())
        } else {
            write!(f, "{v:?}")
        }
    }
}

/// A width for `c` at a font size of 1, never less than the glyph's in
/// DejaVu Sans (the widest common sans-serif, and the fallback on Linux)
/// or the system fonts the theme names: the diagram sizes its cards with
/// it, and no font is fetched from anywhere.
fn char_width(c: char) -> f64 {
    match c {
        ' ' | 'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'I' | 'J' => 0.33,
        'f' | 't' | 'r' | '(' | ')' | '-' | '/' | '[' | ']' => 0.42,
        'm' | 'M' | 'W' | '@' | '%' => 1.0,
        'w' => 0.86,
        'A'..='Z' | '&' => 0.79,
        'a'..='z' | '0'..='9' => 0.64,
        c if c.is_ascii() => 0.8,
        // CJK, Hangul, kana and full-width forms take a whole em
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}' => 1.05,
        _ => 0.8,
    }
}

/// The estimated width of `text` at `size`, bold or not, with room for the
/// halo drawn around the letters.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text.chars().map(char_width).sum();
    em * size * if bold { 1.12 } else { 1.0 } + 3.0
}

/// Wraps `text` into at most `max_lines` lines no wider than `width` (a
/// card's [`TEXT_WIDTH`] here, a cell's in the grid): at spaces where it
/// can, inside a word too long for a line, and with `…` ending the last
/// line when the text does not fit.
pub(crate) fn wrap(text: &str, size: f64, bold: bool, width: f64, max_lines: usize) -> Vec<String> {
    let fits = |s: &str| text_width(s.trim_end(), size, bold) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&joined) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            // a space ends the line: the words stay apart when copied
            line.push(' ');
            lines.push(std::mem::take(&mut line));
        }
        // a word longer than a line is broken where the line is full
        for c in word.chars() {
            line.push(c);
            if !fits(&line) {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        let whole = last.len();
        while !last.is_empty() && !fits(&format!("{last}…")) {
            last.pop();
        }
        // cut at a word where the line has more than one
        if last.len() < whole
            && !last.ends_with(' ')
            && let Some(space) = last.trim_end().rfind(' ')
        {
            last.truncate(space);
        }
        let kept = last.trim_end_matches([',', ';', ':', '.', ' ']).to_string();
        *last = format!("{kept}…");
    }
    lines
}

/// A person's labels and circle, before the card is placed.
struct Card {
    r: f64,
    /// How much higher up the person is wanted: more for more influence.
    lift: f64,
    name: Vec<String>,
    title: Vec<String>,
    height: f64,
}

impl Card {
    fn of(p: &Person) -> Card {
        let (r, lift) = match p.influence {
            Some(Influence::High) => (MAX_RADIUS, 3.0),
            Some(Influence::Medium) => (20.0, 2.0),
            Some(Influence::Low) => (14.0, 0.0),
            None => (17.0, 1.0),
        };
        let name = wrap(&p.name, NAME_SIZE, true, TEXT_WIDTH, NAME_LINES);
        let title = p.title.as_deref().map_or_else(Vec::new, |t| {
            wrap(t, TITLE_SIZE, false, TEXT_WIDTH, TITLE_LINES)
        });
        let text = name.len() as f64 * NAME_LEAD + title.len() as f64 * TITLE_LEAD;
        Card {
            r,
            lift,
            name,
            title,
            height: PAD + 2.0 * MAX_RADIUS + 4.0 + text + PAD,
        }
    }
}

/// Where each card goes when `order` is laid out `columns` to a row:
/// `(left, top)` per person, the rows centred, and the view box's size.
fn place(cards: &[Card], order: &[usize], columns: usize) -> (Vec<(f64, f64)>, f64, f64) {
    let width = columns as f64 * CELL - GAP + 2.0 * MARGIN;
    let mut at = vec![(0.0, 0.0); cards.len()];
    let mut top = MARGIN;
    for row in order.chunks(columns) {
        let used = row.len() as f64 * CELL - GAP;
        let left = (width - used) / 2.0;
        let mut tallest: f64 = 0.0;
        for (k, &i) in row.iter().enumerate() {
            at[i] = (left + k as f64 * CELL, top);
            tallest = tallest.max(cards[i].height);
        }
        top += tallest + ROW_GAP;
    }
    (at, width, top - ROW_GAP + MARGIN)
}

/// A rectangle: left, top, right, bottom.
type Rect = (f64, f64, f64, f64);

fn card_rect(cards: &[Card], at: &[(f64, f64)], i: usize) -> Rect {
    let (x, y) = at[i];
    (x, y, x + CELL - GAP, y + cards[i].height)
}

fn centre(r: Rect) -> (f64, f64) {
    ((r.0 + r.2) / 2.0, (r.1 + r.3) / 2.0)
}

/// The segment between the borders of two cards, on the line between
/// their centres.
fn segment(a: Rect, b: Rect) -> ((f64, f64), (f64, f64)) {
    let (pa, pb) = (centre(a), centre(b));
    let (dx, dy) = (pb.0 - pa.0, pb.1 - pa.1);
    // the fraction of the way from a centre to where the line leaves its card
    let exit = |r: Rect| {
        let (hw, hh) = ((r.2 - r.0) / 2.0, (r.3 - r.1) / 2.0);
        let tx = if dx == 0.0 {
            f64::INFINITY
        } else {
            hw / dx.abs()
        };
        let ty = if dy == 0.0 {
            f64::INFINITY
        } else {
            hh / dy.abs()
        };
        tx.min(ty).min(0.5)
    };
    let (ta, tb) = (exit(a), exit(b));
    (
        (pa.0 + dx * ta, pa.1 + dy * ta),
        (pb.0 - dx * tb, pb.1 - dy * tb),
    )
}

type Point = (f64, f64);

fn orientation(a: Point, b: Point, c: Point) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Whether two segments cross (touching at an end does not count).
pub(crate) fn crosses(p: (Point, Point), q: (Point, Point)) -> bool {
    let apart = |a: f64, b: f64, c: f64, d: f64| a.max(b) < c.min(d) || c.max(d) < a.min(b);
    if apart(p.0.0, p.1.0, q.0.0, q.1.0) || apart(p.0.1, p.1.1, q.0.1, q.1.1) {
        return false;
    }
    let d1 = orientation(q.0, q.1, p.0);
    let d2 = orientation(q.0, q.1, p.1);
    let d3 = orientation(p.0, p.1, q.0);
    let d4 = orientation(p.0, p.1, q.1);
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Whether a segment passes through a rectangle, shrunk a little so that
/// a line along a card's border does not count.
fn through(s: (Point, Point), r: Rect) -> bool {
    let r = (r.0 + 2.0, r.1 + 2.0, r.2 - 2.0, r.3 - 2.0);
    let (lo, hi) = (
        (s.0.0.min(s.1.0), s.0.1.min(s.1.1)),
        (s.0.0.max(s.1.0), s.0.1.max(s.1.1)),
    );
    if hi.0 <= r.0 || lo.0 >= r.2 || hi.1 <= r.1 || lo.1 >= r.3 {
        return false;
    }
    let inside = |p: Point| p.0 > r.0 && p.0 < r.2 && p.1 > r.1 && p.1 < r.3;
    if inside(s.0) || inside(s.1) {
        return true;
    }
    let corners = [(r.0, r.1), (r.2, r.1), (r.2, r.3), (r.0, r.3)];
    (0..4).any(|k| crosses(s, (corners[k], corners[(k + 1) % 4])))
}

/// The pairs of people who work together, each once, `(i, j)` with `i < j`.
fn pairs(people: &[Person]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, p) in people.iter().enumerate() {
        for other in &p.relationships {
            let Some(j) = people.iter().position(|q| &q.name == other) else {
                continue;
            };
            let pair = (i.min(j), i.max(j));
            if i != j && !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
    }
    pairs
}

/// How many pairs of relationship lines cross each other.
pub(crate) fn crossings(lines: &[(Point, Point)]) -> usize {
    let mut n = 0;
    for (k, a) in lines.iter().enumerate() {
        for b in &lines[k + 1..] {
            n += usize::from(crosses(*a, *b));
        }
    }
    n
}

/// How bad a placement is: lines through other people's cards first, then
/// crossings, then the length of the lines (so related people sit close)
/// and how far down the influential people are (so they head the map).
fn cost(cards: &[Card], pairs: &[(usize, usize)], at: &[(f64, f64)]) -> (usize, usize, f64) {
    let rects: Vec<Rect> = (0..cards.len()).map(|i| card_rect(cards, at, i)).collect();
    let lines: Vec<(Point, Point)> = pairs
        .iter()
        .map(|&(i, j)| segment(rects[i], rects[j]))
        .collect();
    let mut blocked = 0;
    let mut length: f64 = cards
        .iter()
        .zip(at)
        .map(|(c, &(_, top))| c.lift * top / 4.0)
        .sum();
    for (&(i, j), line) in pairs.iter().zip(&lines) {
        let (a, b) = (centre(rects[i]), centre(rects[j]));
        length += ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        blocked += rects
            .iter()
            .enumerate()
            .filter(|&(k, r)| k != i && k != j && through(*line, *r))
            .count();
    }
    (blocked, crossings(&lines), length)
}

/// The order of the cards: first by a walk from the most influential
/// person through whom they work with, then improved by swapping two cards
/// wherever that lowers the cost. Deterministic: ties keep the earlier order.
fn arrange(
    cards: &[Card],
    people: &[Person],
    pairs: &[(usize, usize)],
    columns: usize,
) -> Vec<usize> {
    let n = cards.len();
    let rank = |i: usize| match people[i].influence {
        Some(Influence::High) => 0,
        Some(Influence::Medium) => 1,
        None => 2,
        Some(Influence::Low) => 3,
    };
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    while order.len() < n {
        let start = (0..n)
            .filter(|&i| !seen[i])
            .min_by_key(|&i| (rank(i), i))
            .unwrap_or(0);
        seen[start] = true;
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            order.push(i);
            let mut next: Vec<usize> = pairs
                .iter()
                .filter_map(|&(a, b)| match (a == i, b == i) {
                    (true, _) => Some(b),
                    (_, true) => Some(a),
                    _ => None,
                })
                .filter(|&j| !seen[j])
                .collect();
            next.sort_by_key(|&j| (rank(j), j));
            for j in next {
                if !seen[j] {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
    }
    if pairs.is_empty() {
        return order;
    }
    let better = |a: (usize, usize, f64), b: (usize, usize, f64)| {
        (a.0, a.1) < (b.0, b.1) || ((a.0, a.1) == (b.0, b.1) && a.2 < b.2 - 0.5)
    };
    let linked: Vec<bool> = (0..n)
        .map(|i| pairs.iter().any(|&(a, b)| a == i || b == i))
        .collect();
    let mut best = cost(cards, pairs, &place(cards, &order, columns).0);
    // keep any swap that helps, round after round until none does; a few
    // rounds settle a map of 24 (swapping two people without relationships
    // changes nothing, so it is not tried)
    for _ in 0..12 {
        let mut improved = false;
        for a in 0..n {
            for b in a + 1..n {
                if !linked[order[a]] && !linked[order[b]] {
                    continue;
                }
                order.swap(a, b);
                let c = cost(cards, pairs, &place(cards, &order, columns).0);
                if better(c, best) {
                    best = c;
                    improved = true;
                } else {
                    order.swap(a, b);
                }
            }
        }
        if !improved {
            break;
        }
    }
    order
}

/// A label's lines, the first baseline at `first`.
fn lines(text: &[String], first: f64, lead: f64) -> Vec<Line> {
    text.iter()
        .enumerate()
        .map(|(k, t)| Line {
            text: t.trim_end().to_string(),
            y: round(first + k as f64 * lead),
            space_after: t.ends_with(' '),
        })
        .collect()
}

/// Lays the cards out `columns` to a row.
fn geometry(
    people: &[Person],
    cards: &[Card],
    pairs: &[(usize, usize)],
    columns: usize,
) -> Geometry {
    let order = arrange(cards, people, pairs, columns);
    let (at, width, height) = place(cards, &order, columns);
    let nodes = people
        .iter()
        .zip(cards)
        .enumerate()
        .map(|(i, (p, card))| {
            let (left, top) = at[i];
            let x = left + (CELL - GAP) / 2.0;
            let y = top + PAD + MAX_RADIUS;
            let first = top + PAD + 2.0 * MAX_RADIUS + 4.0 + NAME_SIZE;
            let name_lines = lines(&card.name, first, NAME_LEAD);
            // the title's first baseline: a title line below the last name line
            let first = first + card.name.len() as f64 * NAME_LEAD - NAME_LEAD + TITLE_LEAD;
            let title_lines = lines(&card.title, first, TITLE_LEAD);
            Node {
                x: round(x),
                y: round(y),
                r: card.r,
                box_x: round(left),
                box_y: round(top),
                box_width: CELL - GAP,
                box_height: round(card.height),
                name_lines,
                title_lines,
                name: p.name.clone(),
                title: p.title.clone(),
                influence: p.influence.map_or("", Influence::as_str),
                attitude: p.attitude.map_or("", Attitude::as_str),
                symbol: symbol(p.attitude),
            }
        })
        .collect();
    let edges = pairs
        .iter()
        .map(|&(i, j)| {
            let (a, b) = segment(card_rect(cards, &at, i), card_rect(cards, &at, j));
            Edge {
                x1: round(a.0),
                y1: round(a.1),
                x2: round(b.0),
                y2: round(b.1),
            }
        })
        .collect();
    Geometry {
        width: round(width),
        height: round(height),
        nodes,
        edges,
    }
}

/// Lays out the people of `partner`'s map; `None` when there is nobody.
pub(crate) fn layout(partner: &str, people: &[Person]) -> Option<Diagram> {
    if people.is_empty() {
        return None;
    }
    let shown = &people[..people.len().min(MAX_PEOPLE)];
    let n = shown.len();
    let cards: Vec<Card> = shown.iter().map(Card::of).collect();
    let pairs = pairs(shown);
    // rows as even as they can be: five people are three and two
    let rows = n.div_ceil(4);
    let columns = n.div_ceil(rows);
    let wide = geometry(shown, &cards, &pairs, columns);
    let narrow = (columns > 2).then(|| geometry(shown, &cards, &pairs, 2));
    let mut diagram = Diagram {
        wide,
        narrow,
        total: people.len(),
        truncated: people.len() > n,
        svg: String::new(),
    };
    diagram.svg = diagram.svg(partner);
    Some(diagram)
}

impl Diagram {
    /// The diagram as inline `<svg>` elements, indented to sit in the
    /// default theme's `influence_map.html`: the wide layout, and the
    /// narrow one after it when there is one (classed `is-wide` and
    /// `is-narrow`; the theme's CSS shows one of them). Drawn here rather
    /// than by the template: in Tera it took 14.6% of the instructions of a
    /// 1,000-partner build (callgrind).
    pub(crate) fn svg(&self, partner: &str) -> String {
        let mut svg = String::with_capacity(2048 + 1200 * self.wide.nodes.len());
        match &self.narrow {
            None => self.wide.svg(&mut svg, partner, "", ""),
            Some(narrow) => {
                self.wide.svg(&mut svg, partner, " is-wide", "");
                svg.push_str("\n      ");
                narrow.svg(&mut svg, partner, " is-narrow", "-narrow");
            }
        }
        svg
    }
}

impl Geometry {
    /// Draws one layout: a card per person with a circle classed `att-*`
    /// and `inf-*` by attitude and influence, the attitude's symbol, the
    /// name and the title; a line per relationship; a title and a
    /// description that name `partner` and say in words what is drawn.
    fn svg(&self, svg: &mut String, partner: &str, class: &str, id: &str) {
        // numbers as Tera writes them, so `318.0`, not `318` (see `Num`)
        let partner = escape(partner);
        let count = self.nodes.len();
        let _ = write!(
            svg,
            "<svg class=\"influence-svg{class}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
             height=\"{h}\" role=\"img\" aria-labelledby=\"influence-title{id} influence-desc{id}\" \
             focusable=\"false\">\n        \
             <title id=\"influence-title{id}\">Influence map of {partner}</title>\n        \
             <desc id=\"influence-desc{id}\">{count} {people} at {partner}, drawn as circles sized by \
             influence and marked by attitude, with lines between people who work together.",
            w = Num(self.width),
            h = Num(self.height),
            people = if count == 1 { "person" } else { "people" },
        );
        for n in &self.nodes {
            svg.push(' ');
            escape_into(svg, &n.name);
            if let Some(title) = n.title.as_deref().filter(|t| !t.is_empty()) {
                svg.push_str(", ");
                escape_into(svg, title);
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
                "\n          <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                Num(e.x1),
                Num(e.y1),
                Num(e.x2),
                Num(e.y2)
            );
        }
        svg.push_str("\n        </g>\n        <g class=\"nodes\">");
        for n in &self.nodes {
            let or_unknown = |s: &'static str| if s.is_empty() { "unknown" } else { s };
            let (att, inf) = (or_unknown(n.attitude), or_unknown(n.influence));
            let _ = write!(
                svg,
                "\n          <g class=\"node\">\n            \
                 <rect class=\"node-card\" x=\"{bx}\" y=\"{by}\" width=\"{bw}\" height=\"{bh}\" rx=\"6.0\"/>\n            \
                 <circle class=\"att-{att} inf-{inf}\" cx=\"{x}\" cy=\"{y}\" r=\"{r}\"/>\n            \
                 <text class=\"node-symbol att-{att}\" x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" \
                 dominant-baseline=\"central\">{symbol}</text>",
                bx = Num(n.box_x),
                by = Num(n.box_y),
                bw = Num(n.box_width),
                bh = Num(n.box_height),
                x = Num(n.x),
                y = Num(n.y),
                r = Num(n.r),
                symbol = n.symbol,
            );
            for (class, lines) in [("node-name", &n.name_lines), ("node-title", &n.title_lines)] {
                if lines.is_empty() {
                    continue;
                }
                let _ = write!(
                    svg,
                    "\n            <text class=\"{class}\" text-anchor=\"middle\">"
                );
                for (k, line) in lines.iter().enumerate() {
                    let _ = write!(svg, "<tspan x=\"{}\" y=\"{}\">", Num(n.x), Num(line.y));
                    escape_into(svg, &line.text);
                    if line.space_after && k + 1 < lines.len() {
                        svg.push(' ');
                    }
                    svg.push_str("</tspan>");
                }
                svg.push_str("</text>");
            }
            svg.push_str("\n          </g>");
        }
        svg.push_str("\n        </g>\n      </svg>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_tera_writes_them() {
        // every tenth the layouts make, and values they never make
        let tenths = (-20_000..20_000).map(|k| round(f64::from(k) / 10.0));
        let others = [
            0.0,
            -0.0,
            0.05,
            1.0 / 3.0,
            -2.25,
            123.456,
            1e15,
            1e16,
            1e300,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for v in tenths.chain(others) {
            assert_eq!(Num(v).to_string(), format!("{v:?}"), "{v}");
        }
    }

    fn person(
        name: &str,
        title: Option<&str>,
        influence: Option<Influence>,
        rel: &[&str],
    ) -> Person {
        Person {
            name: name.to_string(),
            title: title.map(str::to_string),
            influence,
            attitude: None,
            style: None,
            relationships: rel.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// The influence maps of the example site in this repository.
    fn example_maps() -> Vec<(String, Vec<Person>)> {
        let loaded = crate::pipeline::load(&crate::pipeline::BuildOptions {
            root: env!("CARGO_MANIFEST_DIR").into(),
            drafts: false,
            deny_warnings: false,
            base_url: None,
            today: jiff::civil::date(2026, 11, 22),
        });
        loaded
            .site
            .partners
            .iter()
            .filter(|p| !p.influence_map.is_empty())
            .map(|p| (p.name.clone(), p.influence_map.clone()))
            .collect()
    }

    /// Random maps of 1 to 24 people, the same every run.
    fn generated_maps() -> Vec<Vec<Person>> {
        let mut seed: u64 = 20;
        let mut next = move |below: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % below
        };
        let titles = [
            "Head of Outsourcing Delivery",
            "CEO",
            "Managing Director, Managed Services and Cloud Operations",
            "Procurement Director",
            "Principal Engineer, Integrations",
        ];
        (0..120)
            .map(|_| {
                let n = 1 + next(24) as usize;
                let density = 1 + next(3);
                (0..n)
                    .map(|i| {
                        let rel: Vec<String> = (0..n)
                            .filter(|&j| j != i && next(n as u64) < density)
                            .map(|j| format!("Person {j}"))
                            .collect();
                        let rel: Vec<&str> = rel.iter().map(String::as_str).collect();
                        let influence = [
                            Some(Influence::High),
                            Some(Influence::Medium),
                            Some(Influence::Low),
                            None,
                        ][next(4) as usize];
                        let title = (next(5) > 0).then(|| titles[next(5) as usize]);
                        person(&format!("Person {i}"), title, influence, &rel)
                    })
                    .collect()
            })
            .collect()
    }

    /// The crossings of the diagram before issue 20: people on a circle in
    /// the record's order, so two lines cross when their ends interleave.
    fn ring_crossings(people: &[Person]) -> usize {
        let shown = &people[..people.len().min(MAX_PEOPLE)];
        let pairs = pairs(shown);
        let mut n = 0;
        for (k, &(a, b)) in pairs.iter().enumerate() {
            for &(c, d) in &pairs[k + 1..] {
                if a == c || a == d || b == c || b == d {
                    continue;
                }
                let between = |x: usize| a < x && x < b;
                n += usize::from(between(c) != between(d));
            }
        }
        n
    }

    fn drawn_crossings(g: &Geometry) -> usize {
        let lines: Vec<(Point, Point)> = g
            .edges
            .iter()
            .map(|e| ((e.x1, e.y1), (e.x2, e.y2)))
            .collect();
        crossings(&lines)
    }

    fn layouts(d: &Diagram) -> Vec<&Geometry> {
        std::iter::once(&d.wide).chain(d.narrow.as_ref()).collect()
    }

    /// Every card, circle and label line is inside the view box, and no
    /// two cards overlap.
    fn assert_legible(what: &str, g: &Geometry) {
        for n in &g.nodes {
            let (l, t, r, b) = (
                n.box_x,
                n.box_y,
                n.box_x + n.box_width,
                n.box_y + n.box_height,
            );
            assert!(
                l >= 0.0 && t >= 0.0 && r <= g.width && b <= g.height,
                "{what}: {} outside the view box",
                n.name
            );
            assert!(
                n.x - n.r > l && n.x + n.r < r && n.y - n.r > t && n.y + n.r < b,
                "{what}: {}'s circle",
                n.name
            );
            let lines = n
                .name_lines
                .iter()
                .map(|l| (&l.text, NAME_SIZE, true))
                .chain(n.title_lines.iter().map(|l| (&l.text, TITLE_SIZE, false)));
            for (text, size, bold) in lines {
                assert!(
                    text_width(text, size, bold) <= n.box_width - 2.0 * PAD + 0.01,
                    "{what}: \"{text}\" is wider than its card"
                );
            }
            for line in n.name_lines.iter().chain(&n.title_lines) {
                assert!(
                    line.y - NAME_SIZE > n.y + n.r && line.y + 4.0 < b,
                    "{what}: \"{}\" outside {}'s card",
                    line.text,
                    n.name
                );
            }
        }
        for (i, a) in g.nodes.iter().enumerate() {
            for b in &g.nodes[i + 1..] {
                let apart = a.box_x + a.box_width <= b.box_x
                    || b.box_x + b.box_width <= a.box_x
                    || a.box_y + a.box_height <= b.box_y
                    || b.box_y + b.box_height <= a.box_y;
                assert!(apart, "{what}: {} and {} overlap", a.name, b.name);
            }
        }
    }

    #[test]
    fn example_maps_are_legible_with_fewer_crossings_than_the_ring() {
        let maps = example_maps();
        assert!(maps.len() >= 7, "the example's partners with a map");
        let (mut before, mut after) = (0, 0);
        for (name, people) in &maps {
            let d = layout(name, people).expect("a diagram");
            for g in layouts(&d) {
                assert_legible(name, g);
                assert!(drawn_crossings(g) <= ring_crossings(people), "{name}");
                // no line runs through someone else's card
                let cards: Vec<Card> = people.iter().map(Card::of).collect();
                let at: Vec<(f64, f64)> = g.nodes.iter().map(|n| (n.box_x, n.box_y)).collect();
                assert_eq!(
                    cost(&cards, &pairs(people), &at).0,
                    0,
                    "{name}: a line through a card"
                );
            }
            before += ring_crossings(people);
            after += drawn_crossings(&d.wide);
        }
        // the ring crossed lines on Kestrel's and Meridian's maps; the rows
        // cross none
        assert!(
            before > 0 && after == 0,
            "crossings: ring {before}, rows {after}"
        );
    }

    #[test]
    fn generated_maps_are_legible_with_no_more_crossings_than_the_ring() {
        let (mut before, mut after) = (0, 0);
        for (k, people) in generated_maps().iter().enumerate() {
            let d = layout("generated", people).expect("a diagram");
            before += ring_crossings(people);
            after += drawn_crossings(&d.wide);
            for g in layouts(&d) {
                assert_legible(&format!("map {k}"), g);
                let (ring, drawn) = (ring_crossings(people), drawn_crossings(g));
                assert!(
                    drawn <= ring,
                    "map {k} of {}: {drawn} crossings, the ring had {ring}",
                    people.len()
                );
            }
        }
        println!("crossings on generated maps: {before} on the ring, {after} in rows");
        assert!(
            after * 2 < before,
            "{after} crossings, the ring had {before}"
        );
    }

    #[test]
    fn long_titles_wrap_instead_of_being_cut() {
        let people = [person(
            "Ann",
            Some("Head of Outsourcing Delivery"),
            None,
            &[],
        )];
        let d = layout("p", &people).expect("a diagram");
        let title: Vec<&str> = d.wide.nodes[0]
            .title_lines
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(title, ["Head of Outsourcing", "Delivery"]);
        assert!(d.svg.contains("<tspan x=\"84.0\" y=\"98.0\">Head of Outsourcing </tspan><tspan x=\"84.0\" y=\"113.0\">Delivery</tspan>"), "{}", d.svg);
    }

    #[test]
    fn a_word_longer_than_a_line_breaks_and_a_very_long_title_ends_with_an_ellipsis() {
        let long = "Supercalifragilisticexpialidocious";
        let lines = wrap(long, TITLE_SIZE, false, TEXT_WIDTH, 3);
        assert_eq!((lines.len(), lines.concat()), (2, long.to_string()));
        let title = "word ".repeat(40);
        let lines = wrap(&title, TITLE_SIZE, false, TEXT_WIDTH, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with("word…"), "{lines:?}");
        for line in &lines {
            assert!(text_width(line.trim_end(), TITLE_SIZE, false) <= TEXT_WIDTH);
        }
    }

    #[test]
    fn wide_maps_get_more_rows_not_a_wider_view_box() {
        let people: Vec<Person> = (0..MAX_PEOPLE)
            .map(|i| person(&format!("P{i}"), None, None, &[]))
            .collect();
        let d = layout("p", &people).expect("a diagram");
        assert_eq!(d.wide.width, 666.0, "four cards a row");
        let narrow = d.narrow.as_ref().expect("a narrow layout");
        assert_eq!(narrow.width, 334.0, "two cards a row");
        assert_eq!(
            narrow
                .nodes
                .iter()
                .filter(|n| n.box_y == narrow.nodes[0].box_y)
                .count(),
            2
        );
        // at these widths the labels are drawn at their own size: 12 units
        // is 12 CSS px (9 pt) on a 390 px phone and on A4 or Letter paper
        assert!(TITLE_SIZE * (688.0 / d.wide.width).min(1.0) >= 32.0 / 3.0);
        assert!(TITLE_SIZE * (340.0 / narrow.width).min(1.0) >= 32.0 / 3.0);
    }

    #[test]
    fn two_people_or_fewer_need_no_narrow_layout() {
        let people = [
            person("A", None, None, &["B"]),
            person("B", None, None, &[]),
        ];
        let d = layout("p", &people).expect("a diagram");
        assert!(d.narrow.is_none());
        assert_eq!(d.svg.matches("<svg").count(), 1);
        assert!(
            d.svg
                .starts_with("<svg class=\"influence-svg\" viewBox=\"0 0 334.0 "),
            "{}",
            d.svg
        );
    }
}
