//! Markdown to HTML: CommonMark with tables, footnotes, strikethrough, task
//! lists and heading anchors; `@/` internal links resolved to relative URLs;
//! raw HTML escaped unless allowed; unsafe URLs never made live.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

/// The options every Markdown text is parsed with.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Which pages exist, to resolve `@/` links.
#[derive(Debug, Default, Clone)]
pub struct Targets {
    /// Partner slugs.
    pub partners: HashSet<String>,
    /// Playbook paths (`engagement/quarterly-review`).
    pub playbooks: HashSet<String>,
    /// Whether links end in `/` rather than `/index.html`.
    pub pretty_links: bool,
}

impl Targets {
    /// The site-relative URL of the page at `path` (`partners/x`), in the
    /// site's link style; `""` is the portfolio.
    pub fn page_url(&self, path: &str) -> String {
        page_url(path, self.pretty_links)
    }

    /// Resolves an `@/` link (`@/partners/northwind#rules`) to a
    /// site-relative URL, or `None` if its target does not exist.
    pub fn resolve(&self, dest: &str) -> Option<String> {
        let rest = dest.strip_prefix("@/")?;
        let (path, fragment) = match rest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (rest, None),
        };
        let path = path.trim_end_matches('/');
        let page = if let Some(slug) = path.strip_prefix("partners/") {
            let slug = slug.trim_end_matches(".yaml").trim_end_matches(".yml");
            let (slug, worksheet) = match slug.strip_suffix("/worksheet") {
                Some(s) => (s, true),
                None => (slug, false),
            };
            if !self.partners.contains(slug) {
                return None;
            }
            if worksheet {
                format!("partners/{slug}/worksheet")
            } else {
                format!("partners/{slug}")
            }
        } else if let Some(p) = path.strip_prefix("playbooks/") {
            let p = p.trim_end_matches(".md");
            if !self.playbooks.contains(p) {
                return None;
            }
            format!("playbooks/{p}")
        } else if let Some(t) = path.strip_prefix("tiers/") {
            if !["strategic", "tactical", "casual"].contains(&t) {
                return None;
            }
            format!("tiers/{t}")
        } else if path == "playbooks" || path == "partners" || path.is_empty() {
            if path == "partners" {
                String::new()
            } else {
                path.to_string()
            }
        } else {
            return None;
        };
        let mut url = self.page_url(&page);
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            url.push('#');
            url.push_str(f);
        }
        Some(url)
    }
}

/// The site-relative URL of the page folder `path` (`""` for the root).
pub fn page_url(path: &str, pretty: bool) -> String {
    match (path.is_empty(), pretty) {
        (true, true) => "./".to_string(),
        (true, false) => "index.html".to_string(),
        (false, true) => format!("{path}/"),
        (false, false) => format!("{path}/index.html"),
    }
}

/// How to render one text.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The page's way back to the site root: `""`, `"../"`, `"../../"`.
    pub root: &'a str,
    /// The pages links may point at.
    pub targets: &'a Targets,
    /// Whether raw HTML passes through.
    pub allow_html: bool,
}

/// A heading of a playbook, for its table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The anchor.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// Rendered HTML and the headings found in it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Level-2 and level-3 headings, in order.
    pub toc: Vec<TocEntry>,
}

/// Every `@/` link destination in `md`, with the byte range of the
/// destination (or of the whole link when the destination is elsewhere, as
/// in a reference link).
pub fn internal_links(md: &str) -> Vec<(String, Range<usize>)> {
    if !md.contains("@/") {
        return Vec::new();
    }
    Parser::new_ext(md, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("@/") => {
                let span = md[range.clone()]
                    .find(dest_url.as_ref())
                    .map_or(range.clone(), |i| {
                        range.start + i..range.start + i + dest_url.len()
                    });
                Some((dest_url.to_string(), span))
            }
            _ => None,
        })
        .collect()
}

/// Whether a URL may become a live link or image source: relative URLs,
/// fragments, and the http, https, mailto and tel schemes. Browsers ignore
/// tabs and newlines inside a scheme, so they are ignored here too.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            matches!(&cleaned[..i], "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// An anchor for a heading: lowercase words joined by hyphens.
pub fn anchor(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !out.is_empty()
            && !out.ends_with('-')
        {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "section".to_string()
    } else {
        out.to_string()
    }
}

/// What a table is wrapped in.
const TABLE_OPEN: &str =
    "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table\" tabindex=\"0\"><table>";

/// Renders `md` to HTML.
pub fn render(md: &str, cx: &Context) -> Rendered {
    let mut events: Vec<Event> = Parser::new_ext(md, options()).collect();
    let toc = name_headings(&mut events);
    let mut dropped: Vec<bool> = Vec::new();
    let events = events.into_iter().filter_map(|event| match event {
        Event::Html(s) | Event::InlineHtml(s) if !cx.allow_html => Some(Event::Text(s)),
        // `{key=value}` after a heading is raw HTML by another name
        // (`{onclick=...}`): only the id and classes stay
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: if cx.allow_html { attrs } else { Vec::new() },
        })),
        // a checkbox needs a name for screen readers
        Event::TaskListMarker(done) => Some(Event::InlineHtml(CowStr::from(if done {
            "<input type=\"checkbox\" disabled checked aria-label=\"done\"> "
        } else {
            "<input type=\"checkbox\" disabled aria-label=\"to do\"> "
        }))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = if dest_url.starts_with("@/") {
                cx.targets
                    .resolve(&dest_url)
                    .map(|u| format!("{}{u}", cx.root))
            } else if is_safe_url(&dest_url) || link_type == LinkType::Email {
                Some(dest_url.to_string())
            } else {
                None
            };
            dropped.push(dest.is_none());
            dest.map(|d| {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(d),
                    title,
                    id,
                })
            })
        }
        Event::End(TagEnd::Link) => (!dropped.pop().unwrap_or(false)).then_some(event),
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let safe = is_safe_url(dest_url) && !dest_url.starts_with("@/");
            dropped.push(!safe);
            safe.then_some(event)
        }
        Event::End(TagEnd::Image) => (!dropped.pop().unwrap_or(false)).then_some(event),
        other => Some(other),
    });
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events);
    if out.contains("<table>") {
        // a wide table scrolls in its own box, which keyboards can reach
        out = out
            .replace("<table>", TABLE_OPEN)
            .replace("</table>", "</table></div>");
    }
    Rendered { html: out, toc }
}

/// Gives every heading an `id` (its own `{#id}`, or one made from its text,
/// made unique) and returns the level-2 and level-3 headings.
fn name_headings(events: &mut [Event]) -> Vec<TocEntry> {
    let mut used: HashSet<String> = HashSet::new();
    let mut suffixes: HashMap<String, usize> = HashMap::new();
    let mut toc = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let given = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = given.unwrap_or_else(|| anchor(&text));
            // `-1` may be taken already, by a heading that reads "A 1" or
            // says `{#a-1}`: count on until a free one
            let mut unique = base.clone();
            let n = suffixes.entry(base.clone()).or_insert(0);
            while used.contains(&unique) {
                *n += 1;
                unique = format!("{base}-{n}");
            }
            used.insert(unique.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push(TocEntry {
                    level: if level == HeadingLevel::H2 { 2 } else { 3 },
                    id: unique,
                    title: text.trim().to_string(),
                });
            }
            i = j;
        }
        i += 1;
    }
    toc
}

/// Renders a short text: a single paragraph loses its `<p>` wrapper so the
/// text can sit inside a sentence, a list item or a table cell.
pub fn render_inline(md: &str, cx: &Context) -> String {
    let html = render(md, cx).html;
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_string();
    }
    html
}

/// Renders a one-line text (a summary) as phrasing content only, so it can
/// sit inside a `<p>`: paragraphs are joined, and a text with lists,
/// tables or other blocks falls back to its plain text.
pub fn render_line(md: &str, cx: &Context) -> String {
    let html = render_inline(md, cx);
    let joined = html.trim_end().replace("</p>\n<p>", " ");
    let joined = joined
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .unwrap_or(&joined);
    // tags that start a block: paragraphs, lists, headings, rules, tables...
    const BLOCKS: [&str; 9] = [
        "<p",
        "<ul",
        "<ol",
        "<h",
        "<table",
        "<div",
        "<blockquote",
        "<pre",
        "<dl",
    ];
    if BLOCKS.iter().any(|b| joined.contains(b)) {
        escape(&plain_text(md))
    } else {
        joined.to_string()
    }
}

/// `text` escaped for HTML and XML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text of `md` without markup, whitespace folded, for search, JSON
/// summaries and one-line excerpts.
pub fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut at a word boundary to at most `max` characters, with an
/// ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        Targets {
            partners: ["northwind".to_string()].into(),
            playbooks: ["engagement/quarterly-review".to_string()].into(),
            pretty_links: false,
        }
    }

    /// A rendering context at the site root.
    fn at_root() -> Context<'static> {
        static TARGETS: std::sync::LazyLock<Targets> = std::sync::LazyLock::new(targets);
        Context {
            root: "",
            targets: &TARGETS,
            allow_html: false,
        }
    }

    /// `md` rendered for a page two folders down (`partners/x/`).
    fn html(md: &str) -> String {
        render(
            md,
            &Context {
                root: "../../",
                ..at_root()
            },
        )
        .html
    }

    #[test]
    fn internal_links_resolve_relative_to_the_page() {
        assert_eq!(
            html("[N](@/partners/northwind)"),
            "<p><a href=\"../../partners/northwind/index.html\">N</a></p>\n"
        );
        assert!(
            html("[Q](@/playbooks/engagement/quarterly-review.md#agenda)")
                .contains("href=\"../../playbooks/engagement/quarterly-review/index.html#agenda\"")
        );
        assert!(
            html("[W](@/partners/northwind/worksheet)")
                .contains("href=\"../../partners/northwind/worksheet/index.html\"")
        );
    }

    #[test]
    fn unresolved_links_render_as_text() {
        assert_eq!(html("[X](@/partners/nobody)"), "<p>X</p>\n");
    }

    #[test]
    fn raw_html_is_escaped() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            html("a <b onclick=x>b</b>"),
            "<p>a &lt;b onclick=x&gt;b&lt;/b&gt;</p>\n"
        );
    }

    #[test]
    fn heading_attributes_cannot_add_event_handlers() {
        // found by the `markdown` fuzz target
        assert_eq!(
            html("## Agenda {#agenda .wide onclick=alert(1) style=x}"),
            "<h2 id=\"agenda\" class=\"wide\">Agenda</h2>\n"
        );
        let allowed = render(
            "## A {onclick=x}",
            &Context {
                allow_html: true,
                ..at_root()
            },
        );
        assert!(allowed.html.contains("onclick=\"x\""), "{}", allowed.html);
    }

    #[test]
    fn unsafe_urls_are_not_live() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](data:text/html,hi)",
            "[x][r]\n\n[r]: vbscript:x",
        ] {
            let out = html(md);
            assert!(!out.contains("href"), "{md} gave {out}");
        }
        assert!(!html("![a](javascript:x)").contains("<img"));
        assert!(html("[x](https://example.org)").contains("href=\"https://example.org\""));
        assert!(html("[x](mailto:a@example.org)").contains("href=\"mailto:a@example.org\""));
        assert!(html("[x](../y.html)").contains("href=\"../y.html\""));
    }

    #[test]
    fn headings_get_unique_anchors_and_a_toc() {
        let r = render(
            "## Before the call\n### Know `them`\n## Before the call\n## Custom {#mine}",
            &at_root(),
        );
        let ids: Vec<_> = r.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            ["before-the-call", "know-them", "before-the-call-1", "mine"]
        );
        assert!(r.html.contains("<h2 id=\"before-the-call\">"));
    }

    #[test]
    fn heading_ids_stay_unique_when_a_suffix_is_taken() {
        // found by the `markdown` fuzz target: "A 1" made `a-1` twice
        let r = render("# A\n# A\n# A 1\n## B {#a-2}\n# A", &at_root());
        let ids: Vec<_> = r.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a-2"]);
        for id in ["a", "a-1", "a-1-1", "a-2", "a-3"] {
            assert_eq!(
                r.html.matches(&format!(" id=\"{id}\"")).count(),
                1,
                "{id}: {}",
                r.html
            );
        }
    }

    #[test]
    fn tables_scroll_in_a_focusable_box() {
        let out = html("| a |\n|---|\n| 1 |");
        assert!(out.starts_with("<div class=\"table-wrap\" role=\"region\" aria-label=\"Table\" tabindex=\"0\"><table>"), "{out}");
        assert!(out.trim_end().ends_with("</table></div>"), "{out}");
    }

    #[test]
    fn task_list_checkboxes_have_names() {
        let out = html("- [x] agreed\n- [ ] open");
        assert!(
            out.contains("<input type=\"checkbox\" disabled checked aria-label=\"done\"> agreed"),
            "{out}"
        );
        assert!(out.contains("aria-label=\"to do\"> open"), "{out}");
    }

    #[test]
    fn inline_drops_the_paragraph() {
        let cx = at_root();
        assert_eq!(
            render_inline("AT&T **wins**", &cx),
            "AT&amp;T <strong>wins</strong>"
        );
        assert!(render_inline("a\n\nb", &cx).contains("<p>a</p>"));
    }

    #[test]
    fn one_line_texts_never_hold_blocks() {
        let cx = at_root();
        assert_eq!(
            render_line("**One** line", &cx),
            "<strong>One</strong> line"
        );
        assert_eq!(render_line("first\n\nsecond", &cx), "first second");
        assert_eq!(render_line("- a & b\n- c", &cx), "a &amp; b c");
        assert_eq!(render_line("# Title", &cx), "Title");
    }

    #[test]
    fn link_spans_point_at_the_destination() {
        let md = "See [N](@/partners/nobody) now";
        let links = internal_links(md);
        assert_eq!(links.len(), 1);
        assert_eq!(&md[links[0].1.clone()], "@/partners/nobody");
    }

    #[test]
    fn plain_text_and_truncate() {
        assert_eq!(
            plain_text("**Cut** audit\ncosts by [a third](x)."),
            "Cut audit costs by a third."
        );
        assert_eq!(truncate("one two three", 9), "one two…");
        assert_eq!(truncate("short", 9), "short");
    }
}
