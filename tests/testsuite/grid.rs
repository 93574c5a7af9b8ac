//! The influence × attitude grid of a partner page (SPEC 8.3, issue 21),
//! read back with an XML parser from tests/fixtures/influence-grid: twelve
//! champions, a name that is markup, a right-to-left name, a word longer
//! than a cell, and people without an influence or an attitude.

use crate::support::{Scratch, fixture, stderr};

/// The built fixture.
fn built() -> Scratch {
    let s = Scratch::copy_of(&fixture("influence-grid"));
    let out = s.build(&[]).code(0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    s
}

/// The grid's `<svg>` element of `html`, whole.
fn grid_svg(html: &str) -> &str {
    let start = html.find("<svg class=\"grid-svg\"").expect("a grid");
    let end = start + html[start..].find("</svg>").expect("the grid's end") + "</svg>".len();
    &html[start..end]
}

/// The lines of text of the cell at `influence` and `attitude`.
fn cell(svg: &roxmltree::Document, influence: &str, attitude: &str) -> Vec<String> {
    let class = format!("grid-cell inf-{influence} att-{attitude}");
    let g = svg
        .descendants()
        .find(|n| {
            n.attribute("class")
                .is_some_and(|c| c.starts_with(class.as_str()))
        })
        .unwrap_or_else(|| panic!("no cell {class}"));
    g.children()
        .filter(|n| n.has_tag_name("text"))
        .map(|t| t.text().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn names_sit_in_their_cells_and_a_full_cell_ends_with_more() {
    let s = built();
    let html = s.out("partners/grid-works/index.html");
    let svg = grid_svg(&html);
    let doc = roxmltree::Document::parse(svg).expect("the grid is well-formed XML");
    // high influence, positive: the champions, labelled, four names of
    // twelve (each wrapped at its space) and the rest counted
    assert_eq!(
        cell(&doc, "high", "positive"),
        [
            "Champions",
            "Ada",
            "Brightwell",
            "Bo Chen",
            "Cai Duarte",
            "Dee",
            "Ekwueme",
            "+8 more"
        ]
    );
    assert!(svg.contains("<g class=\"grid-cell inf-high att-positive is-champion\">"));
    assert_eq!(svg.matches("is-champion").count(), 1, "one champion cell");
    // a name that is markup stays text, cut where the cell ends
    let hostile = cell(&doc, "medium", "negative");
    assert_eq!(hostile.len(), 2, "{hostile:?}");
    assert!(hostile.concat().starts_with("<script>al"), "{hostile:?}");
    assert!(hostile[1].ends_with('…'), "{hostile:?}");
    assert_eq!(cell(&doc, "low", "neutral"), ["نور", "الهدى"]);
    // a word longer than a cell is broken, and cut after two lines
    let long = cell(&doc, "low", "positive");
    assert_eq!(long.len(), 2, "{long:?}");
    assert!(
        long[0].starts_with("Wolfe") && long[1].ends_with('…'),
        "{long:?}"
    );
    for (inf, att) in [
        ("high", "negative"),
        ("high", "neutral"),
        ("medium", "neutral"),
        ("medium", "positive"),
        ("low", "negative"),
    ] {
        assert!(cell(&doc, inf, att).is_empty(), "{inf} {att}");
    }
    // the column headings say the attitude in words and symbols
    let headings: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("grid-heading"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(headings, ["− Negative", "= Neutral", "+ Positive"]);
}

#[test]
fn the_grid_is_an_image_summarised_in_words_with_no_script() {
    let s = built();
    let html = s.out("partners/grid-works/index.html");
    let svg = grid_svg(&html);
    let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(
        root.attribute("aria-labelledby"),
        Some("grid-title grid-desc")
    );
    let text_of = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        text_of("grid-title"),
        "Influence and attitude of the people at Grid Works"
    );
    let desc = text_of("grid-desc");
    assert!(
        desc.starts_with(
            "12 high-influence supporters: Ada Brightwell, Bo Chen, Cai Duarte, Dee Ekwueme, \
             Eli Fontaine, Fay Gunnarsdottir, Gus Haddad, Hana Ito, Ivo Jansen, Jo Kowalczyk, \
             Kit Lindahl, Lu Moreau. Medium influence, negative: <script>alert('x')</script> \
             & \"Q\" Ltd. Low influence, neutral: نور الهدى. Low influence, positive: \
             Wolfeschlegel"
        ),
        "{desc}"
    );
    assert!(
        desc.ends_with(
            " Not placed: Pat Unsure (no attitude), Sam Quiet (no influence), Robin Nobody \
             (no influence or attitude). The table below lists everyone."
        ),
        "{desc}"
    );
    // escaped in the page as written: no element, no script, no attribute
    // broken by a quote
    assert!(!svg.contains("<script"), "{svg}");
    assert!(
        svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Q&quot; Ltd")
    );
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=").count()
    );
    // who is not placed is said under the grid too
    assert!(
        html.contains(
            "<p class=\"note grid-unplaced\">Not placed: <bdi>Pat Unsure</bdi> (no attitude), \
             <bdi>Sam Quiet</bdi> (no influence), <bdi>Robin Nobody</bdi> (no influence or attitude).</p>"
        ),
        "{html}"
    );
}

#[test]
fn nobody_is_a_champion_yet_says_so() {
    let s = built();
    // only the champions' cell changes: the twelve become neutral
    let path = s.site().join("content/partners/grid-works.yaml");
    let record = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        record.replace(
            "influence: high\n    attitude: positive",
            "influence: high\n    attitude: neutral",
        ),
    )
    .unwrap();
    s.build(&[]).code(0);
    let html = s.out("partners/grid-works/index.html");
    let doc = roxmltree::Document::parse(grid_svg(&html)).unwrap();
    assert_eq!(cell(&doc, "high", "positive"), ["Champions", "nobody yet"]);
    assert_eq!(cell(&doc, "high", "neutral").last().unwrap(), "+8 more");
    assert!(html.contains("<desc id=\"grid-desc\">No high-influence supporter yet."));
}

#[test]
fn the_grid_is_on_the_partner_page_only_and_only_with_a_map() {
    let s = built();
    // the worksheet keeps to two printed pages: no grid there
    assert!(
        !s.out("partners/grid-works/worksheet/index.html")
            .contains("grid-svg")
    );
    let bare = s.out("partners/contoso/index.html");
    assert!(!bare.contains("grid-svg") && !bare.contains("Not placed"));
    assert!(bare.contains("Nobody at <bdi>Contoso</bdi> is mapped yet."));
}
