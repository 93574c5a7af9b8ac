//! All YAML handling: parsing text into a `serde_yaml::Value`, and finding
//! where in the text a field or value sits.
//!
//! `serde_yaml` only reports positions for syntax errors. Everything else
//! (an unknown field, a placeholder benefit) is found on the parsed value and
//! described by a [`YamlPath`]; only when a file has such a problem is its
//! text parsed a second time, by `saphyr-parser`, which reports spans, to
//! build a [`SpanIndex`] from paths to byte ranges. Files without problems
//! never pay for it.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
pub use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{self, Lines, SourceFile};

pub(crate) mod decode;
pub mod fast;
mod syntax;

/// One step into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index, from 0.
    Index(usize),
}

/// Where a value sits in a document: the keys and indexes from the root.
pub type YamlPath = Vec<Seg>;

/// Formats a path the way users write it: `proposition.partner_benefit`,
/// `influence_map[2].name`.
pub(crate) struct PathDisplay<'a>(pub &'a [Seg]);

impl fmt::Display for PathDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What part of the node at a path a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The key (for an unknown field).
    Key,
    /// The value.
    Value,
    /// The field is absent: point at the mapping that should hold it.
    Absent,
    /// A piece of text inside the value (a phrase, a link), found
    /// case-insensitively; the whole value if it cannot be found.
    Needle(String),
}

/// A problem found on a parsed YAML value, not yet placed in the text.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The diagnostic code.
    pub code: Code,
    /// Where the problem is.
    pub path: YamlPath,
    /// Which part of that node.
    pub target: Target,
    /// The one-line message.
    pub message: String,
    /// The text under the marker.
    pub label: String,
    /// How to fix it.
    pub help: String,
}

impl Issue {
    /// A new issue.
    pub fn new(
        code: Code,
        path: YamlPath,
        target: Target,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Issue {
        Issue {
            code,
            path,
            target,
            message: message.into(),
            label: label.into(),
            help: help.into(),
        }
    }
}

/// Parses YAML `text` that starts at byte `offset` of `file` (front matter
/// starts after its `---` line). A syntax error becomes an `invalid-yaml`
/// diagnostic at the position the parser reports.
///
/// [`fast`] reads most files, several times faster; whatever it does
/// not read (it returns `None`), `serde_yaml` does, including every error.
pub fn parse(file: &SourceFile, text: &str, offset: usize) -> Result<Value, Box<Diagnostic>> {
    // the fast path reads no anchors or aliases and nests at most 64
    // levels, so nothing it accepts can break the limits below
    if let Some(value) = fast::parse(text) {
        return Ok(value);
    }
    if let Err(breach) = check_limits(text) {
        let at = offset + breach.at;
        return Err(Box::new(Diagnostic::new(
            Code::InvalidYaml,
            file,
            at..at,
            format!("{} {}", file.path, breach.message),
            breach.label,
            breach.help,
        )));
    }
    match serde_yaml::from_str::<Value>(text) {
        Ok(value) => Ok(value),
        Err(err) => {
            let message = strip_positions(&err.to_string());
            // serde_yaml points a repeated key at its mapping, or nowhere
            let duplicate = message
                .contains("duplicate entry")
                .then(|| SpanIndex::build(text).duplicates.first().map(|r| r.start))
                .flatten();
            let at = match (duplicate, err.location()) {
                (Some(at), _) => at,
                (None, Some(loc)) => source::offset_of(text, loc.line(), loc.column()),
                (None, None) => 0,
            };
            // the limits are checked before, but only on texts that could
            // break them; serde_yaml's own have the same wording
            let (message, at, label, help) = if message.contains("recursion limit") {
                (
                    TOO_DEEP.to_string(),
                    at,
                    "too deep".to_string(),
                    TOO_DEEP_HELP.to_string(),
                )
            } else if message.contains("repetition limit") {
                (
                    TOO_MANY_ALIASES.to_string(),
                    at,
                    "too much".to_string(),
                    TOO_MANY_ALIASES_HELP.to_string(),
                )
            } else if message.contains("duplicate entry") {
                (
                    format!("is not valid YAML: {message}"),
                    at,
                    "the YAML parser stopped here".to_string(),
                    "each field may appear once: remove or merge the repeated one".to_string(),
                )
            } else {
                // the message with its positions says where the construct
                // that failed started, which is where the mistake often is
                let explained = syntax::explain(text, at, &err.to_string());
                (
                    format!("is not valid YAML: {message}"),
                    explained.at,
                    explained.label,
                    explained.help,
                )
            };
            Err(Box::new(Diagnostic::new(
                Code::InvalidYaml,
                file,
                offset + at..offset + at,
                format!("{} {message}", file.path),
                label,
                help,
            )))
        }
    }
}

/// The deepest nesting of lists and mappings a YAML text may have (the
/// limit serde_yaml applies too). A record needs four levels.
pub(crate) const MAX_DEPTH: usize = 128;

/// How much aliases (`*name`) may add to a YAML text, in bytes of values
/// (each value counts its text and one byte). Anchors and aliases are
/// allowed, but a "billion laughs" text expands ten aliases into a billion
/// values: this stops it after a megabyte.
pub(crate) const MAX_ALIAS_EXPANSION: u64 = 1_000_000;

const TOO_DEEP: &str = "nests lists and mappings more than 128 levels deep";
const TOO_DEEP_HELP: &str = "a partner record needs four levels at most: flatten the structure (partnerbook stops at 128 levels, so that no file can exhaust the parser)";
const TOO_MANY_ALIASES: &str =
    "repeats too much through aliases: expanding them would make more than 1 MB of values";
const TOO_MANY_ALIASES_HELP: &str = "write the values out, or use fewer aliases (`*name`); partnerbook expands at most 1 MB of repeated values per file, so that an alias bomb cannot exhaust memory";

/// A YAML text over one of the limits.
#[derive(Debug)]
struct Breach {
    /// Where, in bytes.
    at: usize,
    /// The message, after the file name.
    message: String,
    /// The label under the marker.
    label: String,
    /// How to fix it.
    help: String,
}

/// Checks [`MAX_DEPTH`] and [`MAX_ALIAS_EXPANSION`] with an event parser
/// that uses little memory and stops at the first breach, before
/// serde_yaml sees the text: serde_yaml expands every alias into a copy
/// (a 10 KB text can make 4 million values) and its scanner takes time
/// quadratic in the depth of `[` and `{` (200,000 of them take minutes).
///
/// Texts without an alias-like `*` or `&` and with at most [`MAX_DEPTH`]
/// brackets cannot break either limit, and are not parsed here. For the
/// others, a syntax error found here is the one reported, since serde_yaml
/// is not safe to run on them.
fn check_limits(text: &str) -> Result<(), Breach> {
    if !could_break_limits(text) {
        return Ok(());
    }
    let chars = CharOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    // the open collections: each one's anchor and expanded size so far
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut anchors: HashMap<usize, u64> = HashMap::new();
    let mut added: u64 = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(next) => next,
            Err(err) if err.info().contains("recursion limit") => {
                return Err(too_deep(chars.byte(err.marker().index())));
            }
            Err(err) => {
                let explained = syntax::explain(text, chars.byte(err.marker().index()), err.info());
                return Err(Breach {
                    at: explained.at,
                    message: format!("is not valid YAML: {}", err.info()),
                    label: explained.label,
                    help: explained.help,
                });
            }
        };
        let size = match event {
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return Err(too_deep(chars.byte(span.start.index())));
                }
                open.push((anchor, 1));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some((anchor, size)) = open.pop() else {
                    continue;
                };
                if anchor > 0 {
                    anchors.insert(anchor, size);
                }
                size
            }
            Event::Scalar(value, _, anchor, _) => {
                let size = value.len() as u64 + 1;
                if anchor > 0 {
                    anchors.insert(anchor, size);
                }
                size
            }
            Event::Alias(anchor) => {
                let size = anchors.get(&anchor).copied().unwrap_or(1);
                added += size;
                if added > MAX_ALIAS_EXPANSION {
                    return Err(Breach {
                        at: chars.byte(span.start.index()),
                        message: TOO_MANY_ALIASES.to_string(),
                        label: "this alias goes over the limit".to_string(),
                        help: TOO_MANY_ALIASES_HELP.to_string(),
                    });
                }
                size
            }
            _ => continue,
        };
        if let Some((_, parent)) = open.last_mut() {
            *parent += size;
        }
    }
    Ok(())
}

fn too_deep(at: usize) -> Breach {
    Breach {
        at,
        message: TOO_DEEP.to_string(),
        label: "too deep".to_string(),
        help: TOO_DEEP_HELP.to_string(),
    }
}

/// Whether `text` has a `*` or `&` where an alias or an anchor could start,
/// or more than [`MAX_DEPTH`] opening brackets.
fn could_break_limits(text: &str) -> bool {
    let mut brackets = 0;
    let mut before = b'\n';
    for &b in text.as_bytes() {
        match b {
            b'[' | b'{' => brackets += 1,
            b'*' | b'&'
                if matches!(
                    before,
                    b' ' | b'\t' | b'\r' | b'\n' | b'[' | b'{' | b',' | b':'
                ) =>
            {
                return true;
            }
            _ => {}
        }
        before = b;
    }
    brackets > MAX_DEPTH
}

/// `message` without the parser's " at line N column M" notes: the
/// diagnostic shows the position itself.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(after);
        match after[n..].strip_prefix(" column ") {
            Some(col) if n > 0 => rest = &col[digits(col)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where one node of a document sits.
#[derive(Debug, Clone)]
struct NodeSpan {
    key: Option<Range<usize>>,
    value: Range<usize>,
    /// For a plain (unquoted) scalar, or an alias of one: the characters
    /// as written.
    plain: Option<Range<usize>>,
}

/// A map from paths to byte ranges, built from a span-reporting parser.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<YamlPath, NodeSpan>,
    /// The keys of each mapping as written, in order (empty for a key that
    /// is not a scalar).
    keys: HashMap<YamlPath, Vec<String>>,
    /// Keys that repeat an earlier key of the same mapping, in order.
    duplicates: Vec<Range<usize>>,
}

enum Frame {
    Map {
        path: YamlPath,
        start: usize,
        key: Option<(String, Range<usize>)>,
    },
    Seq {
        path: YamlPath,
        start: usize,
        next: usize,
    },
}

impl SpanIndex {
    /// Indexes every node of the first document of `text`. A text the span
    /// parser cannot read gives an index that knows only what it read
    /// before failing; lookups then fall back to the nearest known parent.
    pub fn build(text: &str) -> SpanIndex {
        let chars = CharOffsets::new(text);
        let mut index = SpanIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        let mut root_done = false;
        // a key that is itself a mapping or a list (`? [a, b]`): its depth
        // and where it starts; its contents are not indexed
        let mut complex_key: Option<(usize, usize)> = None;
        // anchored plain scalars, for the aliases that repeat them
        let mut anchors: HashMap<usize, Range<usize>> = HashMap::new();
        while let Some(Ok((event, span))) = parser.next_event() {
            let range = chars.range(span);
            if let Some((depth, start)) = &mut complex_key {
                match event {
                    Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                    Event::MappingEnd | Event::SequenceEnd => {
                        *depth -= 1;
                        if *depth == 0 {
                            let key_range = *start..range.end;
                            if let Some(Frame::Map { key, path, .. }) = stack.last_mut() {
                                *key = Some((String::new(), key_range));
                                index
                                    .keys
                                    .entry(path.clone())
                                    .or_default()
                                    .push(String::new());
                            }
                            complex_key = None;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..)
                    if matches!(stack.last(), Some(Frame::Map { key: None, .. })) =>
                {
                    complex_key = Some((1, range.start));
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let Some((path, key)) = index.child(&mut stack, &range, root_done) else {
                        break;
                    };
                    let start = range.start;
                    index.nodes.insert(
                        path.clone(),
                        NodeSpan {
                            key,
                            value: range.clone(),
                            plain: None,
                        },
                    );
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            path,
                            start,
                            key: None,
                        }
                    } else {
                        Frame::Seq {
                            path,
                            start,
                            next: 0,
                        }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(Frame::Map { path, start, .. } | Frame::Seq { path, start, .. }) =
                        stack.pop()
                        && let Some(node) = index.nodes.get_mut(&path)
                    {
                        node.value = start..range.end.max(start);
                    }
                    if stack.is_empty() {
                        root_done = true;
                    }
                }
                Event::Scalar(ref value, style, anchor, _) => {
                    let range = match style {
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                            quoted(text, range)
                        }
                        ScalarStyle::Literal | ScalarStyle::Folded if value.trim().is_empty() => {
                            block_indicator(text, range.start).unwrap_or(range)
                        }
                        _ => range,
                    };
                    if let Some(Frame::Map {
                        key: key @ None,
                        path,
                        ..
                    }) = stack.last_mut()
                    {
                        *key = Some((value.to_string(), range));
                        index
                            .keys
                            .entry(path.clone())
                            .or_default()
                            .push(value.to_string());
                        continue;
                    }
                    let Some((path, _)) = index.child(&mut stack, &range, root_done) else {
                        break;
                    };
                    // the span starts at an anchor or a tag before the
                    // scalar; a one-line plain scalar is its own characters
                    if style == ScalarStyle::Plain
                        && text
                            .get(range.clone())
                            .is_some_and(|s| s.ends_with(&**value))
                    {
                        let plain = range.end - value.len()..range.end;
                        index.set_plain(&path, plain.clone());
                        if anchor > 0 {
                            anchors.insert(anchor, plain);
                        }
                    }
                    if stack.is_empty() {
                        root_done = true;
                    }
                }
                Event::Alias(anchor) => {
                    if let Some(Frame::Map {
                        key: key @ None,
                        path,
                        ..
                    }) = stack.last_mut()
                    {
                        *key = Some((String::new(), range));
                        index
                            .keys
                            .entry(path.clone())
                            .or_default()
                            .push(String::new());
                        continue;
                    }
                    let Some((path, _)) = index.child(&mut stack, &range, root_done) else {
                        break;
                    };
                    if let Some(plain) = anchors.get(&anchor) {
                        index.set_plain(&path, plain.clone());
                    }
                }
                Event::DocumentEnd if root_done => break,
                _ => {}
            }
        }
        index
    }

    /// Records a value node under the current frame and returns its path and
    /// key span; `None` once the first document is complete.
    fn child(
        &mut self,
        stack: &mut [Frame],
        range: &Range<usize>,
        root_done: bool,
    ) -> Option<(YamlPath, Option<Range<usize>>)> {
        let (path, key) = match stack.last_mut() {
            None if root_done => return None,
            None => (Vec::new(), None),
            Some(Frame::Map { path, key, .. }) => {
                let (name, key_range) = key.take().unwrap_or_default();
                let mut p = path.clone();
                p.push(Seg::Key(name));
                (p, Some(key_range))
            }
            Some(Frame::Seq { path, next, .. }) => {
                let mut p = path.clone();
                p.push(Seg::Index(*next));
                *next += 1;
                (p, None)
            }
        };
        let node = NodeSpan {
            key: key.clone(),
            value: range.clone(),
            plain: None,
        };
        if self.nodes.contains_key(&path) {
            // keep the first, as a YAML loader that allowed it would not
            self.duplicates.extend(key.clone());
        } else {
            self.nodes.insert(path.clone(), node);
        }
        Some((path, key))
    }

    /// Marks the node at `path` as the plain scalar written at `range`.
    fn set_plain(&mut self, path: &[Seg], range: Range<usize>) {
        if let Some(node) = self.nodes.get_mut(path) {
            node.plain = Some(range);
        }
    }

    /// The byte range of the plain (unquoted) scalar at exactly `path`, or
    /// of the plain scalar an alias there repeats: what the author wrote
    /// before YAML read it as a number, a boolean or a null.
    pub(crate) fn plain(&self, path: &[Seg]) -> Option<Range<usize>> {
        self.nodes.get(path)?.plain.clone()
    }

    /// The keys of the mapping at `path` as written, in order; an empty
    /// string for a key that is not a scalar.
    pub(crate) fn keys(&self, path: &[Seg]) -> &[String] {
        self.keys.get(path).map_or(&[], Vec::as_slice)
    }

    /// The nearest indexed node at or above `path`, and how many segments
    /// were dropped to find it.
    fn nearest(&self, path: &[Seg]) -> Option<(&NodeSpan, usize)> {
        (0..=path.len()).rev().find_map(|n| {
            self.nodes
                .get(&path[..n])
                .map(|node| (node, path.len() - n))
        })
    }

    /// The byte range (in `text`, the indexed text) that `target` of the node
    /// at `path` occupies.
    pub fn locate(&self, text: &str, path: &[Seg], target: &Target) -> Range<usize> {
        let mut unlimited = usize::MAX;
        self.locate_within(text, path, target, &mut unlimited)
    }

    /// [`SpanIndex::locate`], with a `budget` for finding needles, in bytes
    /// compared: a search costs the value's length times the needle's. Once
    /// it is spent, a needle points at its whole value, so that 100,000
    /// broken links in one long text do not take 100,000 searches of it.
    fn locate_within(
        &self,
        text: &str,
        path: &[Seg],
        target: &Target,
        budget: &mut usize,
    ) -> Range<usize> {
        let Some((node, dropped)) = self.nearest(path) else {
            return first_line(text);
        };
        let key_or_value = |node: &NodeSpan| node.key.clone().unwrap_or(node.value.clone());
        match target {
            Target::Absent => match self.nearest(&path[..path.len().saturating_sub(1)]) {
                Some((parent, _)) if parent.key.is_some() => key_or_value(parent),
                // an item of a list has no key: its first line is where a
                // missing field of it goes (`- step: ...` without `owner`)
                Some((parent, 0))
                    if path.len() >= 2 && matches!(path[path.len() - 2], Seg::Index(_)) =>
                {
                    let item = &text[parent.value.clone()];
                    let end = item.find('\n').map_or(item.len(), |n| n);
                    parent.value.start..parent.value.start + item[..end].trim_end().len()
                }
                _ => first_line(text),
            },
            // the node itself is missing: its nearest parent is where it goes
            _ if dropped > 0 => key_or_value(node),
            Target::Key => key_or_value(node),
            Target::Value => node.value.clone(),
            Target::Needle(needle) => {
                let value = node.value.clone();
                let cost = value.len().saturating_mul(needle.len());
                if cost > *budget {
                    return value;
                }
                *budget -= cost;
                find_ignore_case(&text[value.clone()], needle).map_or(value.clone(), |i| {
                    value.start + i..value.start + i + needle.len()
                })
            }
        }
    }
}

/// `range` of a quoted scalar cut after its closing quote: saphyr-parser
/// 0.3 ends the span of a quoted scalar after the spaces and the comment
/// that follow it on its line.
fn quoted(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let Some(&quote) = bytes.get(range.start).filter(|&&b| b == b'\'' || b == b'"') else {
        return range;
    };
    let mut i = range.start + 1;
    while i < range.end {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            // `''` is a quote inside a single-quoted scalar
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return range.start..i + 1,
            _ => i += 1,
        }
    }
    range
}

/// The `>-` or `|` of an empty block scalar whose (empty) span starts at
/// `end`. saphyr-parser places that span where the next token starts, often
/// on a comment further down; the indicator is on the key's line, which is
/// where the text goes (`new partner` writes `we_do: >-` and nothing below).
fn block_indicator(text: &str, end: usize) -> Option<Range<usize>> {
    let mut end = end.min(text.len());
    // at the end of the text the span is the indicator itself
    if text[end..].starts_with(['>', '|']) {
        end = text[end..]
            .find(char::is_whitespace)
            .map_or(text.len(), |n| end + n);
    }
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let code = line.find(" #").map_or(line, |i| &line[..i]);
            let at = code.rfind(['>', '|'])?;
            let len = code[at..]
                .find(char::is_whitespace)
                .unwrap_or(code.len() - at);
            return Some(start + at..start + at + len);
        }
        if start == 0 {
            return None;
        }
        end = start - 1;
    }
}

/// The first line of `text` that holds something other than a comment or
/// a document marker.
pub(crate) fn first_line(text: &str) -> Range<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && trimmed != "---" {
            let indent = line.len() - line.trim_start().len();
            return start + indent..start + line.trim_end().len();
        }
        start += line.len();
    }
    0..0
}

/// The byte offset of `needle` in `haystack`, ignoring ASCII case.
pub(crate) fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (0..=h.len().checked_sub(n.len())?)
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n) && haystack.is_char_boundary(i))
}

/// Turns the parser's character positions into byte offsets.
struct CharOffsets {
    /// Byte offset of every character; empty when the text is ASCII, where
    /// the two are the same.
    bytes: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        CharOffsets {
            bytes,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).copied().unwrap_or(self.len)
        }
    }

    fn range(&self, span: Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        start..self.byte(span.end.index()).max(start)
    }
}

/// How many bytes [`diagnostics`] may compare while looking for needles in
/// one file: thousands of ordinary searches, and a fraction of a second.
const NEEDLE_BUDGET: usize = 256 * 1024 * 1024;

/// Turns the issues found in one YAML text into diagnostics. `text` starts at
/// byte `offset` of `file`. The span index is built here, once, and only
/// for files that have issues.
pub fn diagnostics(
    file: &SourceFile,
    text: &str,
    offset: usize,
    issues: Vec<Issue>,
) -> Vec<Diagnostic> {
    if issues.is_empty() {
        return Vec::new();
    }
    let index = SpanIndex::build(text);
    let lines = Lines::new(&file.text);
    let mut budget = NEEDLE_BUDGET;
    issues
        .into_iter()
        .map(|issue| {
            let span = index.locate_within(text, &issue.path, &issue.target, &mut budget);
            Diagnostic::new_in(
                &lines,
                issue.code,
                file,
                offset + span.start..offset + span.end,
                issue.message,
                issue.label,
                issue.help,
            )
        })
        .collect()
}

/// `text` as a YAML scalar that reads back as exactly `text`: plain when
/// that is safe, quoted otherwise (`"yes"`, `"Acme: East"`, `"#1 Partners"`).
pub(crate) fn scalar(text: &str) -> String {
    let plain = serde_yaml::to_string(text).unwrap_or_default();
    let plain = plain.trim_end_matches('\n');
    let reads_back =
        serde_yaml::from_str::<serde_yaml::Value>(plain).is_ok_and(|v| v.as_str() == Some(text));
    if !plain.contains('\n') && reads_back {
        plain.to_string()
    } else {
        // a JSON string is a YAML double-quoted scalar
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.into())
    }

    const DOC: &str = "\
# a partner
name: Northwind
tier: strategic
proposition:
  we_do: Licenses
  partner_benefit: TBD
tags: [a, b]
influence_map:
  - name: Marta
    relationships: [Tom]
  - name: Tom
summary: |
  Multi
  line
";

    fn text_at(path: &[Seg], target: Target) -> &'static str {
        let index = SpanIndex::build(DOC);
        &DOC[index.locate(DOC, path, &target)]
    }

    #[test]
    fn scalar_values_and_keys() {
        assert_eq!(text_at(&[key("name")], Target::Value), "Northwind");
        assert_eq!(text_at(&[key("name")], Target::Key), "name");
        assert_eq!(
            text_at(&[key("proposition"), key("partner_benefit")], Target::Value),
            "TBD"
        );
    }

    #[test]
    fn sequences_by_index() {
        assert_eq!(text_at(&[key("tags"), Seg::Index(1)], Target::Value), "b");
        assert_eq!(
            text_at(
                &[
                    key("influence_map"),
                    Seg::Index(0),
                    key("relationships"),
                    Seg::Index(0)
                ],
                Target::Value
            ),
            "Tom"
        );
        assert_eq!(
            text_at(
                &[key("influence_map"), Seg::Index(1), key("name")],
                Target::Value
            ),
            "Tom"
        );
    }

    #[test]
    fn absent_field_points_at_parent_key() {
        assert_eq!(
            text_at(&[key("proposition"), key("they_do")], Target::Absent),
            "proposition"
        );
        // absent at the root: the first line with content
        assert_eq!(text_at(&[key("owner")], Target::Absent), "name: Northwind");
    }

    #[test]
    fn needle_inside_value() {
        assert_eq!(
            text_at(&[key("summary")], Target::Needle("LINE".into())),
            "line"
        );
    }

    #[test]
    fn unknown_path_falls_back_to_nearest_parent() {
        assert_eq!(
            text_at(
                &[key("proposition"), key("nope"), key("deeper")],
                Target::Value
            ),
            "proposition"
        );
    }

    #[test]
    fn non_ascii_text_maps_to_bytes() {
        let doc = "name: Café Crème\nowner: Zoë\n";
        let index = SpanIndex::build(doc);
        assert_eq!(
            &doc[index.locate(doc, &[key("owner")], &Target::Value)],
            "Zoë"
        );
    }

    #[test]
    fn quoted_values_end_at_their_closing_quote() {
        // found by the span property tests: the span of a quoted scalar
        // ran on over the comment after it
        let doc = "a: \"TBD\" # fill in\nb: 'it''s' # c\nc: \"x\\\" y\"  # c\n'd': \"é\"\n";
        let index = SpanIndex::build(doc);
        let at = |k: &str| &doc[index.locate(doc, &[key(k)], &Target::Value)];
        assert_eq!(at("a"), "\"TBD\"");
        assert_eq!(at("b"), "'it''s'");
        assert_eq!(at("c"), "\"x\\\" y\"");
        assert_eq!(at("d"), "\"é\"");
        assert_eq!(&doc[index.locate(doc, &[key("d")], &Target::Key)], "'d'");
    }

    #[test]
    fn empty_blocks_point_at_their_indicator() {
        let doc = "a: >-\n\n# c\nb:\n  c: |  # note\n  # d\n  e: >-\n    text\nf: >-\n";
        let index = SpanIndex::build(doc);
        let at = |path: &[Seg]| &doc[index.locate(doc, path, &Target::Value)];
        assert_eq!(at(&[key("a")]), ">-");
        assert_eq!(at(&[key("b"), key("c")]), "|");
        assert_eq!(at(&[key("b"), key("e")]).trim_end(), "text");
        assert_eq!(at(&[key("f")]), ">-");
    }

    #[test]
    fn positions_are_stripped_from_messages() {
        assert_eq!(
            strip_positions(
                "did not find expected ',' at line 2 column 1, while parsing a flow sequence at line 1 column 7"
            ),
            "did not find expected ',', while parsing a flow sequence"
        );
        assert_eq!(strip_positions("plain"), "plain");
    }

    #[test]
    fn duplicate_keys_are_found() {
        let file = SourceFile {
            path: "x.yaml".into(),
            text: "name: a\nproposition:\n  we_do: x\n  we_do: y\n".into(),
        };
        let d = parse(&file, &file.text, 0).unwrap_err();
        assert_eq!((d.line, d.column), (4, 3), "{d:?}");
    }

    #[test]
    fn complex_keys_do_not_confuse_the_index() {
        let doc = "? [a, b]\n: c\nname: N\ntags: [x]\n";
        let index = SpanIndex::build(doc);
        assert_eq!(&doc[index.locate(doc, &[key("name")], &Target::Value)], "N");
        assert_eq!(
            &doc[index.locate(doc, &[key("tags"), Seg::Index(0)], &Target::Value)],
            "x"
        );
    }

    #[test]
    fn deep_nesting_is_refused_where_serde_yaml_refuses_it() {
        // libyaml takes quadratic time on deep flow nesting: the check
        // must refuse exactly what serde_yaml would, only sooner
        let file = SourceFile {
            path: "x.yaml".into(),
            text: String::new(),
        };
        for depth in [1, 126, 127, 128, 129, 130, 300] {
            for (open, close) in [("[", "]"), ("{a: ", "}"), ("[[1], ", "]")] {
                let text = format!("x: {}1{}\n", open.repeat(depth), close.repeat(depth));
                let serde = serde_yaml::from_str::<Value>(&text).is_err();
                if check_limits(&text).is_err() {
                    assert!(serde, "{open} nested {depth} deep");
                }
                assert_eq!(parse(&file, &text, 0).is_err(), serde, "{open} {depth}");
            }
        }
        assert!(check_limits(&format!("x: {}", "[".repeat(300))).is_err());
        // brackets that do not nest, or sit in a string, are no depth
        let siblings = format!("x: [{}]\n", "[1], ".repeat(300));
        assert!(check_limits(&siblings).is_ok());
        assert!(check_limits(&format!("x: '{}'\n", "[".repeat(500))).is_ok());
    }

    #[test]
    fn deep_unclosed_flow_nesting_is_refused_at_once() {
        let text = format!("name: a\nx: {}\n", "[".repeat(100_000));
        let file = SourceFile {
            path: "x.yaml".into(),
            text: text.clone(),
        };
        let d = parse(&file, &text, 0).unwrap_err();
        assert!(d.message.contains("more than 128 levels deep"), "{d:?}");
        assert!(d.help.contains("flatten the structure"), "{d:?}");
        assert_eq!(d.line, 2, "{d:?}");
    }

    #[test]
    fn syntax_error_position() {
        let file = SourceFile {
            path: "x.yaml".into(),
            text: "name: a\ntier: [unclosed\n".into(),
        };
        let d = parse(&file, &file.text, 0).unwrap_err();
        assert_eq!(d.code, Code::InvalidYaml);
        assert!(d.line >= 2, "{d:?}");
    }

    fn nested(depth: usize) -> String {
        format!("tags: {}x{}\n", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn nesting_is_limited_at_128_levels() {
        // the mapping of the document is the first level; the anchor makes
        // the text one that is checked
        let anchored = |depth| format!("{}a: &x 1\n", nested(depth));
        assert!(check_limits(&anchored(MAX_DEPTH - 1)).is_ok());
        let breach = check_limits(&anchored(MAX_DEPTH)).unwrap_err();
        assert_eq!(breach.message, TOO_DEEP);
        assert_eq!(breach.at, "tags: ".len() + MAX_DEPTH - 1);
        assert!(check_limits(&nested(MAX_DEPTH + 1)).is_err());
        // indentation alone is left to serde_yaml's limit, in the same words
        let file = SourceFile {
            path: "x.yaml".into(),
            text: (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
        };
        assert!(check_limits(&file.text).is_ok());
        let d = parse(&file, &file.text, 0).unwrap_err();
        assert_eq!(d.message, format!("x.yaml {TOO_DEEP}"));
    }

    #[test]
    fn aliases_are_limited_by_what_they_add() {
        let list = vec!["abcdefghi"; 1000].join(", ");
        // each alias adds 10,001 bytes: the list, 1,000 values of 10 bytes
        let text =
            |aliases: usize| format!("a: &a [{list}]\nb: [{}]\n", vec!["*a"; aliases].join(", "));
        assert!(check_limits(&text(99)).is_ok());
        let over = text(100);
        let breach = check_limits(&over).unwrap_err();
        assert_eq!(breach.message, TOO_MANY_ALIASES);
        assert_eq!(breach.at, over.rfind("*a").unwrap());
        // an alias inside an anchored value counts each time that value is
        // repeated
        let nested = format!(
            "a: &a [{list}]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [{}]\n",
            ["*b"; 9].join(", ")
        );
        assert!(check_limits(&nested).is_err());
    }

    #[test]
    fn texts_that_cannot_break_a_limit_are_not_parsed_twice() {
        assert!(!could_break_limits("summary: AT&T and 5*3\n"));
        assert!(could_break_limits("a: &x 1\nb: *x\n"));
        assert!(could_break_limits("tags: [*x]\n"));
        assert!(could_break_limits(&nested(MAX_DEPTH + 1)));
        assert!(!could_break_limits(&nested(MAX_DEPTH / 2)));
    }

    #[test]
    fn a_syntax_error_found_while_checking_limits_is_reported() {
        let file = SourceFile {
            path: "x.yaml".into(),
            text: "name: a\nsummary: *nobody\n".into(),
        };
        let d = parse(&file, &file.text, 0).unwrap_err();
        assert_eq!(d.code, Code::InvalidYaml);
        assert_eq!((d.line, d.column), (2, 10));
        assert!(d.message.starts_with("x.yaml is not valid YAML: "), "{d:?}");
    }
}
