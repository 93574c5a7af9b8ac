//! What the fuzz targets assert, shared between them: the promises every
//! diagnostic keeps (it points inside its file, at the line it quotes, and
//! renders), and the promises the Markdown renderer keeps about its HTML.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use partnerbook::config::Config;
use partnerbook::diagnostic::{Diagnostic, PathBase};
use partnerbook::playbook::Playbook;
use partnerbook::record::Partner;
use partnerbook::pipeline::{self, BuildOptions, FileRead, Reads};
use partnerbook::pipeline::walk::Entry;

/// The text a diagnostic about `bytes` was computed on: the file's text
/// when it is UTF-8 (without a byte-order mark), else its lossy decoding,
/// which is what the `not UTF-8` diagnostic quotes.
pub fn seen_text(bytes: &[u8], file_text: &str) -> String {
    match std::str::from_utf8(bytes) {
        Ok(_) => file_text.to_string(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The lines of a text, split once for all the diagnostics about it.
pub struct Lines<'a>(Vec<&'a str>);

impl<'a> Lines<'a> {
    /// The lines of `text`, as `source::line_range` cuts them.
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines(text.split('\n').collect())
    }
}

/// Asserts what a diagnostic about a text promises: its line and column are
/// where its span starts, the source line it quotes is that line of the
/// text, its marker lies on that line, and every renderer accepts it.
pub fn check_diagnostic(d: &Diagnostic, lines: &Lines) {
    assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    let lines = &lines.0;
    assert!(d.line <= lines.len(), "line past the end: {d:?}");
    let line = lines[d.line - 1];
    let line = line.strip_suffix('\r').unwrap_or(line);
    assert_eq!(d.source_line, line, "quotes another line: {d:?}");
    assert!(
        d.column <= line.chars().count() + 1,
        "column past the end of its line: {d:?}"
    );
    assert!(
        (d.end_line, d.end_column) >= (d.line, d.column),
        "ends before it starts: {d:?}"
    );
    assert!(d.end_line <= lines.len(), "{d:?}");
    let span = &d.line_span;
    assert!(
        span.start < span.end && span.end <= line.len() + 1,
        "marker off its line: {d:?}"
    );
    assert!(line.is_char_boundary(span.start), "{d:?}");
    assert!(
        span.end > line.len() || line.is_char_boundary(span.end),
        "{d:?}"
    );
    // the marker's column is the reported column
    assert_eq!(line[..span.start].chars().count() + 1, d.column, "{d:?}");

    let human = d.to_human(false);
    let at = format!("--> {}:{}:{}", d.file, d.line, d.column);
    assert!(human.contains(&at), "{at} not in\n{human}");
    assert!(human.contains("help: "), "{human}");
    let _ = d.to_human(true);
    let json: serde_json::Value = serde_json::from_str(&d.to_json(&PathBase::default())).expect("JSON diagnostic");
    assert_eq!(json["line"], d.line);
    assert_eq!(json["column"], d.column);
    let github = d.to_github(&PathBase::default());
    assert!(!github.contains('\n'), "{github}");
}

/// The date lints compare against (the test suite's `SOURCE_DATE_EPOCH`).
fn options() -> BuildOptions {
    BuildOptions {
        root: PathBuf::from("."),
        drafts: true,
        deny_warnings: false,
        base_url: None,
        today: jiff::civil::date(2026, 11, 22),
    }
}

fn entry(rel: &str, key: &str) -> Entry {
    Entry {
        rel: rel.to_string(),
        abs: PathBuf::from(rel),
        key: key.to_string(),
    }
}

/// A partner the fuzzed playbooks can link to and name.
pub const NORTHWIND: &str = "\
name: Northwind
tier: casual
proposition:
  we_do: Licenses
  they_do: Integration
  together: A faster rollout for shared customers
  partner_benefit: Services revenue on every licence we sell
";

/// Puts the files together into a site, runs the whole-site checks (links
/// and lints) and asserts every diagnostic against the text of its file.
pub fn check_site(
    partners: Vec<(&str, &str, FileRead<Partner>)>,
    playbooks: Vec<(&str, &str, FileRead<Playbook>)>,
    texts: &HashMap<String, String>,
) {
    let reads = Reads {
        config: Config::default(),
        config_file: None,
        config_diagnostics: Vec::new(),
        walk_diagnostics: Vec::new(),
        partners: partners
            .into_iter()
            .map(|(rel, key, read)| (entry(rel, key), read))
            .collect(),
        playbooks: playbooks
            .into_iter()
            .map(|(rel, key, read)| (entry(rel, key), read))
            .collect(),
    };
    let loaded = pipeline::assemble(&options(), reads);
    let lines: HashMap<&String, Lines> = texts.iter().map(|(f, t)| (f, Lines::new(t))).collect();
    for d in &loaded.diagnostics {
        let lines = lines
            .get(&d.file)
            .unwrap_or_else(|| panic!("a diagnostic about an unknown file: {d:?}"));
        check_diagnostic(d, lines);
    }
}

/// The tags the renderer may emit, with raw HTML off.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// The attributes it may give them.
const ATTRIBUTES: &[&str] = &[
    "alt",
    "aria-label",
    "checked",
    "class",
    "disabled",
    "href",
    "id",
    "role",
    "src",
    "start",
    "style",
    "tabindex",
    "title",
    "type",
];

/// Tags that start a block: none may appear in a one-line text.
pub const BLOCKS: &[&str] = &[
    "blockquote",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// One tag of rendered HTML.
#[derive(Debug)]
pub struct Tag {
    /// Its name, lowercased; without the `/` of a closing tag.
    pub name: String,
    /// Whether it is a closing tag.
    pub closing: bool,
    /// Its attributes, values with entities decoded.
    pub attributes: Vec<(String, String)>,
}

/// Every tag of `html`. Panics on a `<` that starts neither a tag nor a
/// closing tag: text is escaped, so a bare `<` is a renderer bug.
pub fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let (closing, after) = match after.strip_prefix('/') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let name_len = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        assert!(
            name_len > 0 && after.starts_with(|c: char| c.is_ascii_alphabetic()),
            "a bare `<` in the output: {html}"
        );
        let name = after[..name_len].to_ascii_lowercase();
        let (attributes, tail) = attributes(&after[name_len..], html);
        out.push(Tag {
            name,
            closing,
            attributes,
        });
        rest = tail;
    }
    out
}

/// The attributes at the start of `s` up to the tag's `>`, and the text
/// after it.
fn attributes<'a>(mut s: &'a str, html: &str) -> (Vec<(String, String)>, &'a str) {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if let Some(tail) = s.strip_prefix('>') {
            return (out, tail);
        }
        if let Some(tail) = s.strip_prefix("/>") {
            return (out, tail);
        }
        let end = s
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
            .unwrap_or_else(|| panic!("an unclosed tag: {html}"));
        assert!(end > 0, "a malformed tag: {html}");
        let name = s[..end].to_string();
        s = &s[end..];
        let mut value = String::new();
        if let Some(after) = s.strip_prefix('=') {
            let after = after
                .strip_prefix('"')
                .unwrap_or_else(|| panic!("an unquoted attribute value: {html}"));
            let close = after
                .find('"')
                .unwrap_or_else(|| panic!("an unclosed attribute value: {html}"));
            value = decode_entities(&after[..close]);
            s = &after[close + 1..];
        }
        out.push((name, value));
    }
}

/// `s` with the character references a browser would decode.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a browser would run or load something other than an http,
/// https, mailto or tel URL, or a relative one, from `url`. Written apart
/// from `markdown::is_safe_url` so the two check each other.
fn live_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = cleaned.find(':')?;
    if cleaned[..colon].contains(['/', '?', '#']) {
        return None;
    }
    let scheme = &cleaned[..colon];
    (!["http", "https", "mailto", "tel"].contains(&scheme)).then(|| scheme.to_string())
}

/// Asserts what the renderer promises with raw HTML off: only the tags and
/// attributes Markdown itself produces, no event handler, no URL with an
/// unsafe scheme, and headings with unique ids.
pub fn check_html(html: &str) -> Vec<Tag> {
    let tags = tags(html);
    let mut ids = HashSet::new();
    for tag in &tags {
        assert!(
            TAGS.contains(&tag.name.as_str()),
            "tag <{}> in the output: {html}",
            tag.name
        );
        for (name, value) in &tag.attributes {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "event handler `{name}` in the output: {html}"
            );
            assert!(
                ATTRIBUTES.contains(&name.as_str()),
                "attribute `{name}` in the output: {html}"
            );
            if (name == "href" || name == "src")
                && let Some(scheme) = live_scheme(value)
            {
                panic!("a live `{scheme}:` URL in the output: {html}");
            }
            if name == "style" {
                assert!(
                    ["left", "center", "right"]
                        .iter()
                        .any(|a| *value == format!("text-align: {a}")),
                    "style `{value}` in the output: {html}"
                );
            }
            if name == "id" && tag.name.starts_with('h') {
                assert!(
                    ids.insert(value.clone()),
                    "heading id `{value}` twice: {html}"
                );
            }
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_see_what_they_look_for() {
        assert!(std::panic::catch_unwind(|| check_html("<p>a &lt;b</p>")).is_ok());
        for bad in [
            "<p>a < b</p>",
            "<script>x</script>",
            "<h2 id=\"a\" onclick=\"x\">a</h2>",
            "<a href=\"java&#x09;script:x\">a</a>",
            "<a href=\" JAVASCRIPT:x\">a</a>",
            "<h2 id=\"a\">a</h2><h3 id=\"a\">b</h3>",
        ] {
            assert!(
                std::panic::catch_unwind(|| check_html(bad)).is_err(),
                "{bad}"
            );
        }
    }
}
