//! The influence map's grid (SPEC 8.3): everyone placed by influence (rows,
//! high at the top) and attitude (columns, negative on the left, positive
//! on the right), with their names in the cells. Support grows to the
//! right as on a chart's axis, and influence upwards, so the champions the
//! `no-champion` lint asks for sit in the top right corner, the cell a
//! power and interest grid keeps for the people to manage closely. That
//! cell is drawn with a thick border and labelled "Champions", so it
//! stands out in print and without colour too.
//!
//! One SVG serves every screen: it is 300 units wide and shown at its own
//! size, never enlarged, so on a 360 px phone (a 302 px column inside the
//! diagram's box) a unit is still a CSS pixel: names are drawn at 14 px
//! and labels at 13 px (the champions' at 12), about the page's smallest
//! text (tags and badges, 0.8rem); on narrower screens it shrinks with the
//! column. A cell shows at most [`SHOWN`] names, each on at most two
//! lines, then "+N more"; the table below the map lists everyone and stays
//! the source of truth.

use std::fmt::Write;

use serde::Serialize;

use super::influence::{Num, wrap};
use super::title_text;
use crate::markdown::escape_into;
use crate::record::{Attitude, Influence, Person};

/// The rows, top to bottom.
const ROWS: [Influence; 3] = [Influence::High, Influence::Medium, Influence::Low];
/// The columns, left to right.
const COLUMNS: [Attitude; 3] = [Attitude::Negative, Attitude::Neutral, Attitude::Positive];
/// The most names a cell shows; with more, one fewer and "+N more".
const SHOWN: usize = 5;
/// The width of the view box.
const WIDTH: f64 = 300.0;
/// The space around the grid, room for the champion cell's thick border.
const MARGIN: f64 = 2.0;
/// The space between two cells side by side and between a row's label and
/// the row above.
const GAP: f64 = 4.0;
/// A cell's width.
const CELL: f64 = (WIDTH - 2.0 * MARGIN - 2.0 * GAP) / 3.0;
/// The padding inside a cell.
const PAD: f64 = 6.0;
/// The widest line a cell holds.
const TEXT_WIDTH: f64 = CELL - 2.0 * PAD;
/// A name's font size in view-box units (the theme's CSS says the same).
const NAME_SIZE: f64 = 14.0;
/// The font size of headings, labels and "+N more" (the CSS says the same).
const LABEL_SIZE: f64 = 13.0;
/// The champions' label's size, bold: 12 units, like the diagram's titles,
/// so that "Champions" fits a cell.
const CHAMPION_SIZE: f64 = 12.0;
/// The distance between two baselines.
const LEAD: f64 = 17.0;
/// The extra space between two names.
const NAME_GAP: f64 = 3.0;
/// The most lines a name takes in a cell; the rest ends with `…`.
const NAME_LINES: usize = 2;
/// The height of the column headings' band and of each row's label band.
const BAND: f64 = 21.0;

/// One cell of the grid.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cell {
    /// `high`, `medium` or `low`.
    pub(crate) influence: &'static str,
    /// `negative`, `neutral` or `positive`.
    pub(crate) attitude: &'static str,
    /// Whether this is the champions' cell: high influence, positive.
    pub(crate) champion: bool,
    /// The names of everyone in the cell, in the order of the record.
    pub(crate) names: Vec<String>,
}

/// Someone the grid cannot place.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Unplaced {
    /// Their name.
    pub(crate) name: String,
    /// What is missing: "no influence", "no attitude" or "no influence or
    /// attitude".
    pub(crate) missing: &'static str,
}

/// The influence × attitude grid of one partner's map.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Grid {
    /// The nine cells, row by row from high influence down, each row from
    /// negative to positive.
    pub(crate) cells: Vec<Cell>,
    /// The names of the champions: high influence, positive attitude.
    pub(crate) champions: Vec<String>,
    /// Everyone without an influence or an attitude, in record order.
    pub(crate) unplaced: Vec<Unplaced>,
    /// The grid in words, plain text: the SVG's description.
    pub(crate) summary: String,
    /// The grid drawn as an inline `<svg>`.
    pub(crate) svg: String,
}

/// The grid of `partner`'s map; `None` when the map is empty.
pub(crate) fn grid(partner: &str, people: &[Person]) -> Option<Grid> {
    if people.is_empty() {
        return None;
    }
    let mut cells: Vec<Cell> = ROWS
        .iter()
        .flat_map(|&inf| {
            COLUMNS.iter().map(move |&att| Cell {
                influence: inf.as_str(),
                attitude: att.as_str(),
                champion: inf == Influence::High && att == Attitude::Positive,
                names: Vec::new(),
            })
        })
        .collect();
    let mut unplaced = Vec::new();
    for p in people {
        match (p.influence, p.attitude) {
            (Some(inf), Some(att)) => {
                let row = ROWS.iter().position(|&r| r == inf).unwrap_or(0);
                let column = COLUMNS.iter().position(|&c| c == att).unwrap_or(0);
                cells[row * 3 + column].names.push(p.name.clone());
            }
            (inf, att) => unplaced.push(Unplaced {
                name: p.name.clone(),
                missing: match (inf, att) {
                    (None, None) => "no influence or attitude",
                    (None, _) => "no influence",
                    _ => "no attitude",
                },
            }),
        }
    }
    let champions = cells
        .iter()
        .find(|c| c.champion)
        .map(|c| c.names.clone())
        .unwrap_or_default();
    let summary = summary(&cells, &champions, &unplaced);
    let svg = svg(partner, &cells, &summary);
    Some(Grid {
        cells,
        champions,
        unplaced,
        summary,
        svg,
    })
}

/// The grid in words: the champions first, since the `no-champion` lint
/// asks for them, then every other cell with someone in it, then whoever
/// is not placed.
fn summary(cells: &[Cell], champions: &[String], unplaced: &[Unplaced]) -> String {
    let mut s = match champions.len() {
        0 => "No high-influence supporter yet.".to_string(),
        1 => format!("1 high-influence supporter: {}.", champions[0]),
        n => format!("{n} high-influence supporters: {}.", champions.join(", ")),
    };
    for c in cells.iter().filter(|c| !c.champion && !c.names.is_empty()) {
        let _ = write!(
            s,
            " {} influence, {}: {}.",
            capitalised(c.influence),
            c.attitude,
            c.names.join(", ")
        );
    }
    if !unplaced.is_empty() {
        let who: Vec<String> = unplaced
            .iter()
            .map(|u| format!("{} ({})", u.name, u.missing))
            .collect();
        let _ = write!(s, " Not placed: {}.", who.join(", "));
    }
    s.push_str(" The table below lists everyone.");
    s
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A line of text in a cell.
struct Line {
    text: String,
    /// `grid-name`, `grid-more` or `grid-label`.
    class: &'static str,
    /// The baseline, from the cell's top.
    y: f64,
}

/// What a cell shows, top to bottom, and the height it needs.
fn contents(cell: &Cell) -> (Vec<Line>, f64) {
    let mut lines = Vec::new();
    let mut y = PAD;
    let push = |lines: &mut Vec<Line>, y: &mut f64, text: String, class, size: f64| {
        lines.push(Line {
            text,
            class,
            y: *y + size,
        });
        *y += LEAD;
    };
    if cell.champion {
        push(
            &mut lines,
            &mut y,
            "Champions".into(),
            "grid-label",
            CHAMPION_SIZE,
        );
    }
    let n = cell.names.len();
    let shown = if n > SHOWN { SHOWN - 1 } else { n };
    for (k, name) in cell.names[..shown].iter().enumerate() {
        if k > 0 {
            y += NAME_GAP;
        }
        // bidi controls would reorder the rest of the line; the letters of
        // a right-to-left name are kept and ordered by the browser
        for text in wrap(&title_text(name), NAME_SIZE, false, TEXT_WIDTH, NAME_LINES) {
            push(
                &mut lines,
                &mut y,
                text.trim_end().to_string(),
                "grid-name",
                NAME_SIZE,
            );
        }
    }
    if n > shown {
        y += NAME_GAP;
        push(
            &mut lines,
            &mut y,
            format!("+{} more", n - shown),
            "grid-more",
            LABEL_SIZE,
        );
    }
    if cell.champion && n == 0 {
        push(
            &mut lines,
            &mut y,
            "nobody yet".into(),
            "grid-more",
            LABEL_SIZE,
        );
    }
    // an empty cell keeps the height of one line
    let height = (y + PAD).max(2.0 * PAD + LEAD);
    (lines, height)
}

/// The grid as an inline `<svg>`, indented to sit in the default theme's
/// `influence_map.html`.
fn svg(partner: &str, cells: &[Cell], summary: &str) -> String {
    let mut svg = String::with_capacity(4096);
    let mut body = String::with_capacity(2048);
    let column_x = |c: usize| MARGIN + c as f64 * (CELL + GAP);
    // the column headings: the attitude's symbol and word, not colour alone
    for (c, att) in COLUMNS.iter().enumerate() {
        let _ = write!(
            body,
            "\n        <text class=\"grid-heading\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} {}</text>",
            Num(round(column_x(c) + CELL / 2.0)),
            Num(MARGIN + 14.0),
            super::influence::symbol(Some(*att)),
            att.label()
        );
    }
    let mut y = MARGIN + BAND;
    for (r, inf) in ROWS.iter().enumerate() {
        let _ = write!(
            body,
            "\n        <text class=\"grid-row\" x=\"{}\" y=\"{}\">{} influence</text>",
            Num(MARGIN),
            Num(round(y + 15.0)),
            inf.label()
        );
        y += BAND;
        let row = &cells[r * 3..r * 3 + 3];
        let laid: Vec<(Vec<Line>, f64)> = row.iter().map(contents).collect();
        let height = laid.iter().map(|(_, h)| *h).fold(0.0, f64::max);
        for (c, (cell, (lines, _))) in row.iter().zip(&laid).enumerate() {
            let x = column_x(c);
            let class = if cell.champion { " is-champion" } else { "" };
            let _ = write!(
                body,
                "\n        <g class=\"grid-cell inf-{} att-{}{class}\">\n          \
                 <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4.0\"/>",
                cell.influence,
                cell.attitude,
                Num(round(x)),
                Num(round(y)),
                Num(round(CELL)),
                Num(round(height)),
            );
            for line in lines {
                let _ = write!(
                    body,
                    "\n          <text class=\"{}\" x=\"{}\" y=\"{}\">",
                    line.class,
                    Num(round(x + PAD)),
                    Num(round(y + line.y))
                );
                escape_into(&mut body, &line.text);
                body.push_str("</text>");
            }
            body.push_str("\n        </g>");
        }
        y += height + GAP;
    }
    let height = round(y - GAP + MARGIN);
    let _ = write!(
        svg,
        "<svg class=\"grid-svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\" role=\"img\" aria-labelledby=\"grid-title grid-desc\" \
         focusable=\"false\">\n        <title id=\"grid-title\">Influence and attitude of the people at ",
        w = Num(WIDTH),
        h = Num(height),
    );
    escape_into(&mut svg, &title_text(partner));
    svg.push_str("</title>\n        <desc id=\"grid-desc\">");
    escape_into(&mut svg, &title_text(summary));
    svg.push_str("</desc>");
    svg.push_str(&body);
    svg.push_str("\n      </svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::super::influence::text_width;
    use super::*;

    #[test]
    fn every_line_fits_its_cell() {
        let names = [
            "Mina Takahashi",
            "Supercalifragilisticexpialidocious-Smith",
            "María-José Fernández de la Concepción y Rodríguez",
            "王小明",
            "شركة النور للتقنية",
        ];
        let cell = Cell {
            influence: "high",
            attitude: "positive",
            champion: true,
            names: names.iter().map(|n| n.to_string()).collect(),
        };
        let (lines, height) = contents(&cell);
        for line in &lines {
            let size = match line.class {
                "grid-name" => NAME_SIZE,
                "grid-label" => CHAMPION_SIZE,
                _ => LABEL_SIZE,
            };
            assert!(
                text_width(&line.text, size, line.class == "grid-label") <= TEXT_WIDTH,
                "{}",
                line.text
            );
            assert!(line.y + 4.0 <= height, "{} below the cell", line.text);
        }
    }

    #[test]
    fn the_headings_fit_their_columns() {
        for att in COLUMNS {
            let heading = format!(
                "{} {}",
                super::super::influence::symbol(Some(att)),
                att.label()
            );
            assert!(text_width(&heading, LABEL_SIZE, true) <= CELL);
        }
        assert!(text_width("Medium influence", LABEL_SIZE, true) <= WIDTH);
    }
}
