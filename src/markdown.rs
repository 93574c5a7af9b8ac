//! Markdown to HTML: CommonMark with tables, footnotes, strikethrough, task
//! lists and heading anchors; `@/` internal links and links relative to the
//! text's own file (`first-call.md`, `deal-flow.png`) resolved to relative
//! URLs; raw HTML escaped unless allowed; unsafe URLs never made live.

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
    /// Whether this is a partner's edition: it has one partner page, at
    /// the root, and its playbooks; the portfolio, the lists, the tier
    /// pages and the worksheet do not exist, so links to them are text.
    pub edition: bool,
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
        let (page, fragment) = self.target(dest)?;
        let page = match page {
            Page::Partner(_) if self.edition => String::new(),
            Page::Partner(slug) => format!("partners/{slug}"),
            Page::Worksheet(slug) => format!("partners/{slug}/worksheet"),
            Page::Playbook(p) => format!("playbooks/{p}"),
            Page::Tier(t) => format!("tiers/{t}"),
            Page::Named(name) => name.to_string(),
        };
        let mut url = self.page_url(&page);
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            url.push('#');
            url.push_str(f);
        }
        Some(url)
    }

    /// Whether an `@/` link leads to a page: [`Targets::resolve`] without
    /// making the URL, for the link check.
    pub fn exists(&self, dest: &str) -> bool {
        self.target(dest).is_some()
    }

    /// The page an `@/` link names, if it exists, and its fragment.
    fn target<'d>(&self, dest: &'d str) -> Option<(Page<'d>, Option<&'d str>)> {
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
                Page::Worksheet(slug)
            } else {
                Page::Partner(slug)
            }
        } else if let Some(p) = path.strip_prefix("playbooks/") {
            let p = p.trim_end_matches(".md");
            if !self.playbooks.contains(p) {
                return None;
            }
            Page::Playbook(p)
        } else if let Some(t) = path.strip_prefix("tiers/") {
            if !["strategic", "tactical", "casual"].contains(&t) {
                return None;
            }
            Page::Tier(t)
        } else if path == "playbooks" {
            Page::Named("playbooks")
        } else if path == "partners" || path.is_empty() {
            Page::Named("")
        } else {
            return None;
        };
        if self.edition && !matches!(page, Page::Partner(_) | Page::Playbook(_)) {
            return None;
        }
        Some((page, fragment))
    }
}

/// A page an `@/` link can name.
enum Page<'d> {
    Partner(&'d str),
    Worksheet(&'d str),
    Playbook(&'d str),
    Tier(&'d str),
    /// The portfolio (`""`) or the playbook list.
    Named(&'static str),
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
    /// The folder of the text's file below content/, which relative links
    /// start from: `playbooks/engagement`, `partners`, or `""` for the
    /// configuration.
    pub base: &'a str,
}

/// Where the relative links of a partner record's Markdown start: the
/// folder of the records below content/, whatever subfolder a record is in
/// (a record's slug does not depend on its subfolder, and neither do its
/// links).
pub const PARTNER_BASE: &str = "partners";

/// Where the relative links of a playbook start: the folder of its file
/// below content/, as written on disk (`playbooks/Engagement` for
/// `content/playbooks/Engagement/First Call.md`), as on GitHub.
pub fn folder_of(source: &str) -> &str {
    let below = source.strip_prefix("content/").unwrap_or(source);
    below.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Ids the default theme gives its own elements, which a heading must not
/// take: `{#main}` would leave two elements with `id="main"` and break the
/// skip link. Kept in step with themes/default/templates by a unit test.
pub const THEME_IDS: &[&str] = &[
    "checklist-heading",
    "commitments",
    "gg-they-get",
    "gg-they-give",
    "gg-we-get",
    "gg-we-give",
    "give-and-get",
    "give-get-heading",
    "influence",
    "influence-heading",
    "joint-plan",
    "joint-plan-heading",
    "main",
    "market",
    "market-heading",
    "notice-heading",
    "overdue",
    "overdue-heading",
    "partners-heading",
    "people-caption",
    "pitch-heading",
    "plan",
    "plan-heading",
    "plan-progress-label",
    "playbooks",
    "playbooks-heading",
    "print-button",
    "proposition",
    "proposition-heading",
    "questions-heading",
    "review",
    "review-heading",
    "rules",
    "rules-heading",
    "search",
    "search-form",
    "search-heading",
    "search-help",
    "search-input",
    "search-results",
    "search-status",
    "soon",
    "soon-heading",
    "steps-heading",
    "strategy-heading",
    "them-heading",
    "tier-casual-heading",
    "tier-playbooks-heading",
    "tier-strategic-heading",
    "tier-tactical-heading",
    "together",
    "together-heading",
    "ws-benefit",
    "ws-prop-heading",
];

/// Whether `id` is one the default theme gives a row of a partner's joint
/// plan, `step-1`, `step-2`, ... (the attention page links to them), which a
/// heading must not take either.
fn is_step_id(id: &str) -> bool {
    id.strip_prefix("step-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Where a link relative to its text's file leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relative {
    /// A page, as the `@/` link that names it (`@/playbooks/x#agenda`).
    Page(String),
    /// A file to publish, by its path below content/
    /// (`playbooks/engagement/deal-flow.png`), and the `?query#fragment`
    /// the link adds.
    File(String, String),
    /// A place outside content/playbooks/ and content/partners/, from
    /// which nothing is published.
    Outside,
}

/// What a URL's path holds percent-encoded when it names a file.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Resolves `dest` relative to the folder `base` below content/, as GitHub
/// does for a Markdown file there; `None` when `dest` is not such a link
/// (it has a scheme, or starts with `/`, `#`, `?` or `@/`).
pub fn relative(base: &str, dest: &str) -> Option<Relative> {
    if dest.is_empty() || dest.starts_with(['/', '#', '?', '\\']) || dest.starts_with("@/") {
        return None;
    }
    if let Some(i) = dest.find([':', '/', '?', '#'])
        && dest.as_bytes()[i] == b':'
    {
        return None; // a scheme: mailto:, https:, and the unsafe ones
    }
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, rest) = dest.split_at(end);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Relative::Outside);
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    let fragment = rest.find('#').map_or("", |i| &rest[i..]);
    // a page: its path is made from the file's as the walk makes it
    let slug = |part: &str| crate::slug::normalize_slug(part).unwrap_or_else(|| part.to_string());
    if let Some(page) = joined.strip_suffix(".md") {
        let page = match page.strip_prefix("playbooks/") {
            Some(p) => {
                let p: Vec<String> = p.split('/').map(slug).collect();
                format!("playbooks/{}", p.join("/"))
            }
            None => page.to_string(),
        };
        return Some(Relative::Page(format!("@/{page}{fragment}")));
    }
    let last = parts.last().copied().unwrap_or("");
    if parts.first() == Some(&"partners")
        && let Some(stem) = last.strip_suffix(".yaml").or(last.strip_suffix(".yml"))
    {
        return Some(Relative::Page(format!(
            "@/partners/{}{fragment}",
            slug(stem)
        )));
    }
    let publishable = parts.len() >= 2
        && matches!(parts[0], "playbooks" | "partners")
        && !parts.iter().any(|p| p.starts_with('.'));
    Some(if publishable {
        Relative::File(joined, rest.to_string())
    } else {
        Relative::Outside
    })
}

/// The URL of the published file at `path` below content/, relative to the
/// site root.
pub fn file_url(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_SEGMENT).to_string()
}

/// Every link and image destination in `md` that [`relative`] resolves
/// from `base`, with the byte range of the destination (or of the whole
/// link when the destination is elsewhere, as in a reference link).
pub fn relative_links(md: &str, base: &str) -> Vec<(String, Relative, Range<usize>)> {
    if !may_link_relatively(md) {
        return Vec::new();
    }
    parsed_relative_links(md, base)
}

/// Whether `md` may hold a relative link, without parsing it: most texts
/// have no link, or only `@/` and absolute ones. An inline link or image
/// has its destination right after `](` (perhaps after `<` or spaces, which
/// send the text to the parser), and a reference link needs a definition,
/// which has `]:`. Checked against the parser by the property test below.
fn may_link_relatively(md: &str) -> bool {
    const NOT_RELATIVE: [&str; 6] = ["@/", "#", "http://", "https://", "mailto:", "tel:"];
    let bytes = md.as_bytes();
    memchr::memchr_iter(b']', bytes).any(|i| match bytes.get(i + 1) {
        Some(b':') => true,
        // `](` is ASCII, so `i + 2` is a character boundary
        Some(b'(') => !NOT_RELATIVE.iter().any(|p| md[i + 2..].starts_with(p)),
        _ => false,
    })
}

/// Whether any Markdown field of the YAML file `raw` may hold a relative
/// link, from the file's text, so a record without one is not taken apart
/// field by field. A value reads as written but for escapes in double
/// quotes (`\x5d(`), which send the file on, and line folding, which turns
/// `]` and `(` on two lines into `] (`, no link.
pub fn yaml_may_link_relatively(raw: &str) -> bool {
    raw.contains('\\') || may_link_relatively(raw)
}

/// [`relative_links`] by a full parse.
fn parsed_relative_links(md: &str, base: &str) -> Vec<(String, Relative, Range<usize>)> {
    Parser::new_ext(md, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let to = relative(base, &dest_url)?;
                let span = md[range.clone()]
                    .find(dest_url.as_ref())
                    .map_or(range.clone(), |i| {
                        range.start + i..range.start + i + dest_url.len()
                    });
                Some((dest_url.to_string(), to, span))
            }
            _ => None,
        })
        .collect()
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

/// Every `@/` link destination in `md` that `resolves` rejects, as
/// [`internal_links`] gives them. Most texts link only to pages that exist,
/// and those are recognised without parsing: each `@/` in the raw text is
/// read up to the first `)`, ASCII whitespace or control character (where a
/// destination outside `<...>` must end), and if every such candidate
/// resolves, no destination the parser could find fails: a parsed
/// destination longer than its candidate holds one of those characters
/// (or a `(` before the `)`) in its path, where no target's path has one.
/// A candidate inside `<...>`, where a destination may hold spaces, sends
/// the text to the parser. Found by the property test below and checked by
/// the `markdown` fuzz target.
pub fn broken_internal_links(
    md: &str,
    resolves: impl Fn(&str) -> bool,
) -> Vec<(String, Range<usize>)> {
    let mut all_resolve = true;
    let bytes = md.as_bytes();
    // `@` is rare: finding it and looking at the next byte is cheaper than
    // setting up a two-byte search for each of the many short texts
    let candidates = memchr::memchr_iter(b'@', bytes).filter(|&i| bytes.get(i + 1) == Some(&b'/'));
    for at in candidates {
        // where a destination without `<...>` must end: at `)`, ASCII
        // whitespace or a control character (`<`, `>` and Unicode spaces
        // may sit inside one); all ASCII, so bytes will do
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b')' || b.is_ascii_whitespace() || b.is_ascii_control())
            .map_or(md.len(), |n| at + n);
        if md[..at].ends_with('<') || !resolves(&md[at..end]) {
            all_resolve = false;
            break;
        }
    }
    if all_resolve {
        return Vec::new();
    }
    internal_links(md)
        .into_iter()
        .filter(|(dest, _)| !resolves(dest))
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

/// A Markdown text parsed once, to be rendered for several pages (a
/// partner's page and its worksheet sit at different depths, so their links
/// differ) and read as plain text.
pub struct Parsed<'a> {
    events: Vec<Event<'a>>,
    toc: Vec<TocEntry>,
    /// Ids asked for that the theme uses, and what their heading got
    /// instead, so `[x](#main)` still leads to the heading.
    renamed: HashMap<String, String>,
    len: usize,
    /// When the text has footnotes, what their ids start with.
    notes: Option<u32>,
}

impl<'a> Parsed<'a> {
    /// Parses `md`, naming its headings. Raw HTML becomes text before
    /// headings are named, unless `allow_html`, so a heading's entry in the
    /// table of contents shows the same text as the heading.
    pub fn new(md: &'a str, allow_html: bool) -> Parsed<'a> {
        let mut events: Vec<Event> =
            html_as_text(Parser::new_ext(md, options()), allow_html).collect();
        let (toc, renamed) = name_headings(&mut events);
        let notes = events.iter().any(|e| {
            matches!(
                e,
                Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
            )
        });
        Parsed {
            events,
            toc,
            renamed,
            len: md.len(),
            // a digest of the text for the ids of its notes
            notes: notes.then(|| xxhash_rust::xxh3::xxh3_64(md.as_bytes()) as u32),
        }
    }

    /// The text without markup, as [`plain_text`] gives it with the same
    /// `allow_html`.
    pub fn plain_text(&self) -> String {
        plain_of(self.events.iter().cloned(), self.len)
    }

    /// The text's opening, for a pitch that quotes each text: its first
    /// paragraph, or the list it opens with; a first paragraph that ends
    /// with a colon keeps the list right after it, so "our method:" keeps
    /// its steps. Headings and tables are not openings; a text with no
    /// paragraph and no list gives all of its plain text.
    pub fn opening(&self) -> Opening<'a> {
        let first = self
            .events
            .iter()
            .position(|e| matches!(e, Event::Start(Tag::Paragraph | Tag::List(_))));
        let Some(start) = first else {
            return self.plain_opening();
        };
        if matches!(self.events[start], Event::Start(Tag::List(_))) {
            return Opening {
                lead: self.part(Vec::new()),
                list: Some(self.part(self.list_at(start).to_vec())),
            };
        }
        let rest = &self.events[start + 1..];
        let end = rest
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            .unwrap_or(rest.len());
        let lead = self.part(rest[..end].to_vec());
        let text = lead.plain_text();
        if text.is_empty() {
            return self.plain_opening();
        }
        let next = start + 1 + end + 1;
        let list = (text.ends_with(':')
            && matches!(self.events.get(next), Some(Event::Start(Tag::List(_)))))
        .then(|| self.part(self.list_at(next).to_vec()));
        Opening { lead, list }
    }

    /// The list that starts at event `start`, its sublists included.
    fn list_at(&self, start: usize) -> &[Event<'a>] {
        let mut depth = 0usize;
        for (i, e) in self.events[start..].iter().enumerate() {
            match e {
                Event::Start(Tag::List(_)) => depth += 1,
                Event::End(TagEnd::List(_)) => {
                    depth -= 1;
                    if depth == 0 {
                        return &self.events[start..=start + i];
                    }
                }
                _ => {}
            }
        }
        &self.events[start..]
    }

    /// All of the text as the plain lead of an opening.
    fn plain_opening(&self) -> Opening<'a> {
        Opening {
            lead: self.part(vec![Event::Text(CowStr::from(self.plain_text()))]),
            list: None,
        }
    }

    /// `events`, a part of this text, as a text of its own, its line
    /// breaks spaces as in [`Parsed::plain_text`]. A note reference is
    /// left out: the note is not part of it.
    fn part(&self, events: Vec<Event<'a>>) -> Parsed<'a> {
        Parsed {
            events: events
                .into_iter()
                .filter(|e| !matches!(e, Event::FootnoteReference(_)))
                .map(|e| match e {
                    Event::SoftBreak => Event::Text(CowStr::Borrowed(" ")),
                    other => other,
                })
                .collect(),
            toc: Vec::new(),
            renamed: self.renamed.clone(),
            len: 0,
            notes: None,
        }
    }

    /// Renders the text to HTML for a page.
    pub fn render(&self, cx: &Context) -> Rendered {
        let renamed = &self.renamed;
        let mut dropped: Vec<bool> = Vec::new();
        let events = self.events.iter().cloned().filter_map(|event| match event {
            // `## Title {onclick=x style=y}` would write any attribute, event
            // handlers included: attributes other than the id and classes are
            // raw HTML, kept only where raw HTML is allowed
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
                } else if let Some(to) = relative(cx.base, &dest_url) {
                    resolve_relative(cx, &to)
                } else if let Some(d) = renamed.get(dest_url.strip_prefix('#').unwrap_or("")) {
                    Some(format!("#{d}"))
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
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = match relative(cx.base, &dest_url) {
                    Some(to) => resolve_relative(cx, &to),
                    None if is_safe_url(&dest_url) && !dest_url.starts_with("@/") => {
                        Some(dest_url.to_string())
                    }
                    None => None,
                };
                dropped.push(dest.is_none());
                dest.map(|d| {
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(d),
                        title,
                        id,
                    })
                })
            }
            Event::End(TagEnd::Image) => (!dropped.pop().unwrap_or(false)).then_some(event),
            other => Some(other),
        });
        let mut out = String::with_capacity(self.len * 3 / 2);
        match self.notes {
            Some(text_id) => html::push_html(
                &mut out,
                gather_notes(events.collect(), text_id).into_iter(),
            ),
            None => html::push_html(&mut out, events),
        }
        if out.contains("<table>") {
            // a wide table scrolls in its own box, which keyboards can reach
            out = out
                .replace("<table>", TABLE_OPEN)
                .replace("</table>", "</table></div>");
        }
        Rendered {
            html: out,
            toc: self.toc.clone(),
        }
    }
}

/// The opening of a text: see [`Parsed::opening`].
pub struct Opening<'a> {
    /// The first paragraph's content, phrasing only (it renders without a
    /// `<p>`); empty when the text opens with a list.
    pub lead: Parsed<'a>,
    /// The list the text opens with, or the one after a lead that ends
    /// with a colon.
    pub list: Option<Parsed<'a>>,
}

/// Renders `md` to HTML.
pub fn render(md: &str, cx: &Context) -> Rendered {
    Parsed::new(md, cx.allow_html).render(cx)
}

/// The URL a relative link leads to from the page `cx` renders, or `None`
/// when it leads nowhere (the link check reports it).
fn resolve_relative(cx: &Context, to: &Relative) -> Option<String> {
    match to {
        Relative::Page(at) => cx.targets.resolve(at).map(|u| format!("{}{u}", cx.root)),
        Relative::File(path, rest) => Some(format!("{}{}{rest}", cx.root, file_url(path))),
        Relative::Outside => None,
    }
}

/// Gives every heading an `id` (its own `{#id}`, or one made from its text,
/// made unique, and never one of [`THEME_IDS`]) and returns the level-2 and
/// level-3 headings, and the ids asked for that the theme took, with what
/// their first heading got instead.
fn name_headings(events: &mut [Event]) -> (Vec<TocEntry>, HashMap<String, String>) {
    let mut renamed = HashMap::new();
    let mut used: HashSet<String> = HashSet::new();
    // the theme's ids are taken; most texts have no heading, so they are
    // looked up, not copied into `used` for every text
    let taken = |id: &str, used: &HashSet<String>| {
        used.contains(id) || THEME_IDS.contains(&id) || is_step_id(id)
    };
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
            while taken(&unique, &used) {
                *n += 1;
                unique = format!("{base}-{n}");
            }
            used.insert(unique.clone());
            if THEME_IDS.contains(&base.as_str()) {
                renamed.entry(base).or_insert_with(|| unique.clone());
            }
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
    (toc, renamed)
}

/// Footnotes as a section at the end of the text (issue 20): a rule, then
/// the notes in the order they are first referenced, each with a link back
/// to every reference, and last any note nobody references. Ids start with `fn:` or `fnref:`, which no heading
/// anchor and no theme id has, and hold a digest of the text, because a
/// partner page shows several texts that may each have a note `[^1]`.
fn gather_notes(events: Vec<Event<'_>>, text_id: u32) -> Vec<Event<'_>> {
    let text_id = format!("{text_id:08x}");
    // the definitions in the order written (a second one with the same
    // label is a note nobody references), and the rest of the text
    let mut notes: Vec<(CowStr, Vec<Event>)> = Vec::new();
    let mut body = Vec::with_capacity(events.len());
    // a definition inside another one becomes a note of its own
    let mut open: Vec<(CowStr, Vec<Event>)> = Vec::new();
    for event in events {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => open.push((label, Vec::new())),
            Event::End(TagEnd::FootnoteDefinition) => notes.extend(open.pop()),
            other => match open.last_mut() {
                Some((_, content)) => content.push(other),
                None => body.push(other),
            },
        }
    }
    // each note's number, in the order of first reference, and how many
    // references point at it
    let mut order: Vec<usize> = Vec::new();
    let mut uses: Vec<usize> = vec![0; notes.len()];
    let mut out: Vec<Event> = Vec::with_capacity(body.len() + notes.len() * 8);
    for event in body {
        let Event::FootnoteReference(l) = &event else {
            out.push(event);
            continue;
        };
        let Some(note) = notes.iter().position(|(label, _)| label == l) else {
            // a reference without a note reads as written
            out.push(Event::Text(CowStr::from(format!("[^{l}]"))));
            continue;
        };
        let n = match order.iter().position(|&i| i == note) {
            Some(at) => at + 1,
            None => {
                order.push(note);
                order.len()
            }
        };
        uses[note] += 1;
        let k = uses[note];
        let ref_id = if k == 1 {
            format!("fnref:{text_id}:{n}")
        } else {
            format!("fnref:{text_id}:{n}:{k}")
        };
        out.push(Event::InlineHtml(CowStr::from(format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn:{text_id}:{n}\" id=\"{ref_id}\" aria-label=\"Note {n}\">{n}</a></sup>"
        ))));
    }
    // a note nobody points at comes last, without a way back: it is still
    // the author's text
    order.extend((0..notes.len()).filter(|i| uses[*i] == 0));
    if order.is_empty() {
        return out;
    }
    out.push(Event::Html(CowStr::from(
        "<div class=\"footnotes\">\n<hr>\n<ol>\n",
    )));
    for (at, &note) in order.iter().enumerate() {
        let n = at + 1;
        let mut back = String::new();
        for k in 1..=uses[note] {
            let (ref_id, label, mark) = if k == 1 {
                (
                    format!("fnref:{text_id}:{n}"),
                    format!("Back to reference {n}"),
                    String::new(),
                )
            } else {
                (
                    format!("fnref:{text_id}:{n}:{k}"),
                    format!("Back to reference {n}-{k}"),
                    format!("<sup>{k}</sup>"),
                )
            };
            // U+FE0E: the arrow as text, not as an emoji
            back.push_str(&format!(
                " <a class=\"footnote-back\" href=\"#{ref_id}\" aria-label=\"{label}\">\u{21a9}\u{fe0e}{mark}</a>"
            ));
        }
        out.push(Event::Html(CowStr::from(format!(
            "<li id=\"fn:{text_id}:{n}\">"
        ))));
        let mut content = std::mem::take(&mut notes[note].1);
        // the way back ends the note's last paragraph, or follows the note
        if matches!(content.last(), Some(Event::End(TagEnd::Paragraph))) {
            content.insert(content.len() - 1, Event::InlineHtml(CowStr::from(back)));
        } else {
            content.push(Event::Html(CowStr::from(back)));
        }
        out.extend(content);
        out.push(Event::Html(CowStr::from("</li>\n")));
    }
    out.push(Event::Html(CowStr::from("</ol>\n</div>\n")));
    out
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
        escape(&plain_text(md, cx.allow_html))
    } else {
        joined.to_string()
    }
}

/// `text` escaped for HTML and XML text and attribute values, quoted with
/// either quote (`'` too, as the sitemap protocol asks of URLs).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`: the runs between the five characters are
/// copied whole.
pub fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// The text of `md` without markup, whitespace folded, for search, JSON
/// summaries and one-line excerpts.
/// Raw HTML is text here, as on the page, unless `allow_html`.
pub fn plain_text(md: &str, allow_html: bool) -> String {
    if let Some(words) = plain_already(md) {
        return words;
    }
    plain_of(
        html_as_text(Parser::new_ext(md, options()), allow_html),
        md.len(),
    )
}

/// The words of `md`, whitespace folded, when `md` is one line that
/// Markdown leaves as it is: no character that can start markup anywhere,
/// and no list, heading or quote at its start. Most short fields are such
/// a line (a plan step, a market, a goal), and parsing them for
/// calendar.ics and the CSV files took a tenth of an edit's time at 10,000
/// partners.
fn plain_already(md: &str) -> Option<String> {
    let first = md.trim_start().chars().next()?;
    let markup = |b: u8| {
        matches!(
            b,
            b'\\'
                | b'`'
                | b'*'
                | b'_'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'&'
                | b'!'
                | b'#'
                | b'~'
                | b'|'
                | b'{'
                | b'}'
                | b'\n'
                | b'\r'
        )
    };
    (first.is_alphabetic() && !md.bytes().any(markup))
        .then(|| md.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Turns raw HTML into text, unless `allow_html`.
fn html_as_text<'e>(
    events: impl Iterator<Item = Event<'e>>,
    allow_html: bool,
) -> impl Iterator<Item = Event<'e>> {
    events.map(move |event| match event {
        Event::Html(s) | Event::InlineHtml(s) if !allow_html => Event::Text(s),
        other => other,
    })
}

/// Whether plain text puts a space where `event` is: at a line break and
/// at the end of a block, so words of two blocks do not run together.
fn separates_words(event: &Event) -> bool {
    matches!(
        event,
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
            )
    )
}

/// The text of parsed events, words separated by single spaces.
fn plain_of<'e>(events: impl Iterator<Item = Event<'e>>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    // a space is owed before the next word
    let mut owed = false;
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => {
                for (i, word) in t.split_whitespace().enumerate() {
                    if (owed || i > 0 || t.starts_with(char::is_whitespace)) && !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(word);
                    owed = false;
                }
                owed |= t.ends_with(char::is_whitespace);
            }
            ref event if separates_words(event) => owed = true,
            _ => {}
        }
    }
    out
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
            edition: false,
        }
    }

    /// A rendering context at the site root.
    fn at_root() -> Context<'static> {
        static TARGETS: std::sync::LazyLock<Targets> = std::sync::LazyLock::new(targets);
        Context {
            root: "",
            targets: &TARGETS,
            allow_html: false,
            base: "playbooks/engagement",
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
    fn footnotes_are_a_section_with_a_way_back_to_each_reference() {
        let md = "A[^x] b[^x] c[^y].\n\n[^y]: Why.\n[^x]: See [N](@/partners/northwind).\n[^z]: Alone.\n";
        let out = html(md);
        let id = format!("{:08x}", xxhash_rust::xxh3::xxh3_64(md.as_bytes()) as u32);
        let expected = format!(
            concat!(
                "<p>A<sup class=\"footnote-ref\"><a href=\"#fn:{id}:1\" id=\"fnref:{id}:1\" aria-label=\"Note 1\">1</a></sup>",
                " b<sup class=\"footnote-ref\"><a href=\"#fn:{id}:1\" id=\"fnref:{id}:1:2\" aria-label=\"Note 1\">1</a></sup>",
                " c<sup class=\"footnote-ref\"><a href=\"#fn:{id}:2\" id=\"fnref:{id}:2\" aria-label=\"Note 2\">2</a></sup>.</p>\n",
                "<div class=\"footnotes\">\n<hr>\n<ol>\n",
                "<li id=\"fn:{id}:1\">\n<p>See <a href=\"../../partners/northwind/index.html\">N</a>.",
                " <a class=\"footnote-back\" href=\"#fnref:{id}:1\" aria-label=\"Back to reference 1\">\u{21a9}\u{fe0e}</a>",
                " <a class=\"footnote-back\" href=\"#fnref:{id}:1:2\" aria-label=\"Back to reference 1-2\">\u{21a9}\u{fe0e}<sup>2</sup></a></p>\n</li>\n",
                "<li id=\"fn:{id}:2\">\n<p>Why.",
                " <a class=\"footnote-back\" href=\"#fnref:{id}:2\" aria-label=\"Back to reference 2\">\u{21a9}\u{fe0e}</a></p>\n</li>\n",
                "<li id=\"fn:{id}:3\">\n<p>Alone.</p>\n</li>\n",
                "</ol>\n</div>\n"
            ),
            id = id
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn footnote_ids_differ_between_texts_and_never_take_a_theme_id() {
        let one = html("A[^1].\n\n[^1]: One.\n");
        let two = html("B[^1].\n\n[^1]: Two.\n");
        let ids = |h: &str| -> Vec<String> {
            h.split(" id=\"")
                .skip(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_string())
                .collect()
        };
        let (one, two) = (ids(&one), ids(&two));
        assert_eq!(one.len(), 2, "{one:?}");
        assert!(one.iter().all(|id| !two.contains(id)), "{one:?} {two:?}");
        // a note labelled like a theme element does not take its id
        let main = html("A[^main].\n\n[^main]: M.\n");
        assert!(
            ids(&main)
                .iter()
                .all(|id| !THEME_IDS.contains(&id.as_str())),
            "{main}"
        );
        assert!(!main.contains("id=\"main\""), "{main}");
        // a note nobody references is kept, without a way back
        let alone = html("Text.\n\n[^main]: Alone.\n");
        assert!(alone.contains("<p>Alone.</p>"), "{alone}");
        assert!(!alone.contains("id=\"main\""), "{alone}");
        assert!(!alone.contains("footnote-back"), "{alone}");
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
        // relative links start from the text's file (see below)
        assert!(html("[x](../y.html)").contains("href=\"../../playbooks/y.html\""));
    }

    #[test]
    fn relative_links_start_from_the_texts_folder() {
        let base = "playbooks/engagement";
        let page = |s: &str| Some(Relative::Page(s.to_string()));
        let file = |s: &str, rest: &str| Some(Relative::File(s.to_string(), rest.to_string()));
        for (dest, to) in [
            ("first-call.md", page("@/playbooks/engagement/first-call")),
            (
                "first-call.md#agenda",
                page("@/playbooks/engagement/first-call#agenda"),
            ),
            (
                "./first-call.md?x=1#a",
                page("@/playbooks/engagement/first-call#a"),
            ),
            ("../portfolio/tiers.md", page("@/playbooks/portfolio/tiers")),
            (
                "../../partners/northwind.yaml",
                page("@/partners/northwind"),
            ),
            (
                "../../partners/emea/North_Wind.yml",
                page("@/partners/north-wind"),
            ),
            (
                "../Portfolio/Choosing%20a%20Tier.md",
                page("@/playbooks/portfolio/choosing-a-tier"),
            ),
            ("../../readme.md", page("@/readme")),
            (
                "deal-flow.png",
                file("playbooks/engagement/deal-flow.png", ""),
            ),
            (
                "deal%20flow.png#p2",
                file("playbooks/engagement/deal flow.png", "#p2"),
            ),
            ("../../../secret", Some(Relative::Outside)),
            ("../../../../etc/passwd", Some(Relative::Outside)),
            ("../../logo.png", Some(Relative::Outside)),
            (".env", Some(Relative::Outside)),
            ("https://example.org/x.md", None),
            ("mailto:a@example.org", None),
            ("#agenda", None),
            ("/absolute.png", None),
            ("@/partners/northwind", None),
            ("javascript:alert(1)", None),
        ] {
            assert_eq!(relative(base, dest), to, "{dest}");
        }
    }

    #[test]
    fn relative_links_render_to_pages_and_files() {
        assert_eq!(
            html("[Q](quarterly-review.md#agenda) ![F](deal%20flow.png)"),
            "<p><a href=\"../../playbooks/engagement/quarterly-review/index.html#agenda\">Q</a> \
             <img src=\"../../playbooks/engagement/deal%20flow.png\" alt=\"F\" /></p>\n"
        );
        // a page that does not exist, or a file out of reach: no live link
        assert_eq!(html("[X](nobody.md) [S](../../../s)"), "<p>X S</p>\n");
    }

    #[test]
    fn headings_never_take_the_themes_ids() {
        let r = render(
            "## Main {#main}\n\n## Rules\n\n[top](#main) [r](#rules)",
            &at_root(),
        );
        assert_eq!(
            r.html,
            "<h2 id=\"main-1\">Main</h2>\n<h2 id=\"rules-1\">Rules</h2>\n\
             <p><a href=\"#main-1\">top</a> <a href=\"#rules-1\">r</a></p>\n"
        );
    }

    #[test]
    fn headings_never_take_the_ids_of_plan_rows() {
        let r = render("## Step 1\n\n## Step one", &at_root());
        assert_eq!(
            r.html,
            "<h2 id=\"step-1-1\">Step 1</h2>\n<h2 id=\"step-one\">Step one</h2>\n"
        );
    }

    #[test]
    fn theme_ids_are_those_of_the_default_theme() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates");
        let mut ids = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("the theme's templates") {
            let text = std::fs::read_to_string(entry.expect("an entry").path()).expect("text");
            for part in text.split(" id=\"").skip(1) {
                let id = &part[..part.find('"').expect("a closing quote")];
                if let Some(rest) = id.strip_prefix("tier-{{ tier.name }}") {
                    for tier in ["strategic", "tactical", "casual"] {
                        ids.insert(format!("tier-{tier}{rest}"));
                    }
                } else if let Some(rest) = id.strip_prefix("{{ group }}") {
                    // the attention page's two groups
                    for group in ["overdue", "soon"] {
                        ids.insert(format!("{group}{rest}"));
                    }
                } else if id == "step-{{ s.number }}" {
                    assert!(is_step_id("step-1") && is_step_id("step-12"));
                    assert!(!is_step_id("step-") && !is_step_id("step-one"));
                } else {
                    ids.insert(id.to_string());
                }
            }
        }
        let known: std::collections::BTreeSet<String> =
            THEME_IDS.iter().map(|s| s.to_string()).collect();
        assert_eq!(ids, known);
    }

    #[test]
    fn heading_attributes_other_than_the_id_and_classes_are_raw_html() {
        let md = "## T {#t .c onclick=alert(1) style=color:red}";
        assert_eq!(html(md), "<h2 id=\"t\" class=\"c\">T</h2>\n");
        let allowed = Context {
            allow_html: true,
            ..at_root()
        };
        assert!(render(md, &allowed).html.contains(" onclick=\"alert(1)\""));
    }

    #[test]
    fn raw_html_is_text_in_the_toc_and_in_plain_text_too() {
        let r = render("## A <b>b</b>", &at_root());
        assert_eq!(r.toc[0].title, "A <b>b</b>");
        assert!(
            r.html.contains(">A &lt;b&gt;b&lt;/b&gt;</h2>"),
            "{}",
            r.html
        );
        assert_eq!(plain_text("x <b>y</b> &amp;", false), "x <b>y</b> &");
        assert_eq!(plain_text("x <b>y</b> &amp;", true), "x y &");
    }

    #[test]
    fn escape_covers_text_and_both_quotes() {
        assert_eq!(
            escape("AT&T <b>\"q\" 'a'</b>"),
            "AT&amp;T &lt;b&gt;&quot;q&quot; &#39;a&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("é<日>ü&"), "é&lt;日&gt;ü&amp;");
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
            plain_text("**Cut** audit\ncosts by [a third](x).", false),
            "Cut audit costs by a third."
        );
        assert_eq!(truncate("one two three", 9), "one two…");
        assert_eq!(truncate("short", 9), "short");
    }

    /// The plain text as first written: every text joined, a space after
    /// each block, then whitespace folded. The one-pass version must agree.
    fn plain_text_reference(md: &str, allow_html: bool) -> String {
        let mut out = String::new();
        for event in Parser::new_ext(md, options()) {
            match event {
                Event::Text(t) | Event::Code(t) => out.push_str(&t),
                Event::Html(t) | Event::InlineHtml(t) if !allow_html => out.push_str(&t),
                ref event if separates_words(event) => out.push(' '),
                _ => {}
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #[test]
        fn plain_text_folds_whitespace_as_before(
            md in proptest::string::string_regex(
                "([a-z]{1,5}|[ \\t\\n]{1,3}|\\*\\*|`|- |# |> |\\| a \\||\u{a0}|\u{2003}|x\\[\\^1\\]|\\[\\^1\\]: n|```\\n|&amp;|<b>){0,40}"
            ).unwrap(),
            allow_html in proptest::bool::ANY,
        ) {
            let parsed = Parsed::new(&md, allow_html);
            let expected = plain_text_reference(&md, allow_html);
            proptest::prop_assert_eq!(plain_text(&md, allow_html), expected.clone());
            proptest::prop_assert_eq!(parsed.plain_text(), expected);
        }

        /// One plain line is taken as it is, and it reads as the parser
        /// reads it: lines that start with a number, a dash or a quote
        /// mark, hyphens and stops inside, other scripts, odd spaces.
        #[test]
        fn a_plain_line_reads_as_parsed(
            md in proptest::string::string_regex(
                "([A-Za-z]{1,6}|[0-9]{1,3}|[ \\t]{1,3}|[-+.,;:'\"()=?%/]|1\\. |- |\u{a0}|\u{2003}|é|日本|Ω){0,24}"
            ).unwrap(),
            allow_html in proptest::bool::ANY,
        ) {
            proptest::prop_assert_eq!(plain_text(&md, allow_html), plain_text_reference(&md, allow_html));
        }
    }

    #[test]
    fn plain_lines_skip_the_parser_and_markup_does_not() {
        assert_eq!(
            plain_already("  Co-sell   to 40 banks (EMEA), by Q3.  "),
            Some("Co-sell to 40 banks (EMEA), by Q3.".to_string())
        );
        for md in [
            "2024. A year",
            "- a list",
            "# A heading",
            "a *b*",
            "a\nb",
            "AT&amp;T",
            "a <b>",
            "",
        ] {
            assert_eq!(plain_already(md), None, "{md:?}");
        }
    }

    proptest::proptest! {
        /// The shortcut of `broken_internal_links` finds what a full parse
        /// finds, on texts full of near-miss destinations.
        #[test]
        fn broken_links_without_parsing_match_the_parser(
            md in proptest::string::string_regex(
                "(\\[x\\]\\(|\\]: |@/partners/northwind|@/partners/north|@/playbooks/engagement/quarterly-review|@/partners|#f|\\(|\\)|<|>| |\\n|\u{a0}|\t|`|\\\\|&#64;|x|/|\\.yaml|\"t\"){0,30}"
            ).unwrap()
        ) {
            let targets = targets();
            let resolves = |d: &str| targets.resolve(d).is_some();
            let full: Vec<_> = internal_links(&md)
                .into_iter()
                .filter(|(d, _)| !resolves(d))
                .collect();
            proptest::prop_assert_eq!(broken_internal_links(&md, resolves), full);
        }
    }

    #[test]
    fn records_without_a_relative_link_are_told_from_their_text() {
        assert!(!yaml_may_link_relatively(
            "summary: See [N](@/partners/n) and [W](https://w.example).\n"
        ));
        assert!(yaml_may_link_relatively("summary: ![logo](logo.png)\n"));
        assert!(yaml_may_link_relatively("summary: \"[x]\\x28a.md)\"\n"));
        assert!(yaml_may_link_relatively("summary: |\n  [x]: a.md\n"));
    }

    proptest::proptest! {
        /// The shortcut of `relative_links` finds what a full parse finds.
        #[test]
        fn relative_links_without_parsing_match_the_parser(
            md in proptest::string::string_regex(
                "(\\[x\\]|\\(|\\)|\\]: |\\n\\[x\\]: |!|@/|#f|https://|mailto:|a\\.md|\\.\\./|x\\.png|<|>| |\\n|\t|`|\\\\|x|/){0,30}"
            ).unwrap()
        ) {
            let base = "playbooks/engagement";
            proptest::prop_assert_eq!(relative_links(&md, base), parsed_relative_links(&md, base));
        }
    }

    #[test]
    fn plain_text_of_the_example_site_is_unchanged() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                for allow_html in [false, true] {
                    assert_eq!(
                        plain_text(&text, allow_html),
                        plain_text_reference(&text, allow_html)
                    );
                }
            }
        }
    }

    /// The opening as (lead, list) plain texts.
    fn opening_of(md: &str) -> (String, Option<String>) {
        let parsed = Parsed::new(md, false);
        let o = parsed.opening();
        (o.lead.plain_text(), o.list.map(|l| l.plain_text()))
    }

    #[test]
    fn an_opening_keeps_the_list_its_paragraph_introduces() {
        let steps = Some("one two".to_string());
        assert_eq!(
            opening_of("Our method:\n\n- one\n- two\n\nMore."),
            ("Our method:".to_string(), steps.clone())
        );
        // a paragraph that does not end with a colon stands alone
        assert_eq!(
            opening_of("Our method.\n\n- one\n- two\n"),
            ("Our method.".to_string(), None)
        );
        // a colon with no list after it is only a colon
        assert_eq!(
            opening_of("Our method:\n\nMore.\n"),
            ("Our method:".to_string(), None)
        );
        // a text that opens with a list gives the whole list
        assert_eq!(
            opening_of("## Head\n\n- one\n- two\n\nMore."),
            (String::new(), steps)
        );
        // a text with neither gives its plain text
        assert_eq!(
            opening_of("| a |\n|---|\n| b |\n"),
            ("a b".to_string(), None)
        );
    }
}
