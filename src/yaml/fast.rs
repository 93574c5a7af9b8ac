//! A fast parser for the plain YAML that partner records and front matter
//! are written in.
//!
//! `serde_yaml` reads partner records at about 38 MB/s, and on a large site
//! `check` spent most of its time there. [`parse`] reads the subset of YAML
//! that partnerbook files use, about nine times faster (measure with
//! `cargo run --release --example yaml_speed -- DIR`), and gives up
//! (returns `None`) on anything else; [`crate::yaml::parse`] then hands the
//! text to `serde_yaml`, which produces the value or the error exactly as
//! before.
//!
//! The contract: whenever [`parse`] returns `Some(v)`, `v` equals
//! `serde_yaml::from_str::<Value>(text).unwrap()`: the same values, types
//! and mapping order. It is kept by emulating libyaml (the scanner inside
//! `serde_yaml`) step by step where the subset needs it (block scalars,
//! scalar types), and by falling back wherever a construct is not fully
//! understood, rather than guessing. The differential tests below and in
//! `tests/testsuite/fastyaml.rs` compare the two parsers on every file of the
//! repository and on thousands of generated and garbled documents.
//!
//! The subset, line by line:
//!
//! - an optional `---` first line; blank lines; comment lines (`# ...`);
//!   ` # comments` after a scalar or a flow sequence;
//! - the root is a block mapping. A mapping line is `key: value` or `key:`
//!   where the key is a plain scalar or a one-line quoted string (at most
//!   1,000 bytes: libyaml refuses simple keys over 1,024 characters);
//! - after `key:` or a sequence's `- `, the value is on the same line (a
//!   plain scalar, a one-line quoted string, a one-line flow sequence of
//!   scalars, or a block scalar header) or on the following, more indented
//!   lines (a block mapping or sequence). A sequence may sit at its key's
//!   own indentation. `- key: value` opens a mapping inside a sequence;
//! - plain scalars are one line; their type (null, bool, integer, float or
//!   string) is resolved with a copy of `serde_yaml` 0.9's own rules;
//! - double-quoted strings may use every escape libyaml knows except a line
//!   break; single-quoted ones use `''`;
//! - block scalars `|`, `>` with `-`/`+` chomping, content emulated the way
//!   libyaml's `scan_block_scalar` builds it (indentation detection, more
//!   indented and blank lines, folding, chomping).
//!
//! It falls back on: tabs outside block scalar content; control characters,
//! lone carriage returns, Unicode line separators, byte order marks;
//! anchors, aliases, tags, flow mappings, nested flow collections, complex
//! keys (`?`), directives, more than one document, `...`; explicit block
//! indentation indicators; multi-line plain and quoted scalars; a root that
//! is not a mapping; duplicate keys; integers too large for `serde_yaml`'s
//! `Value`; nesting deeper than 64 levels; and anything else it does not
//! recognise. In every such case the answer is `None` and the cost is a
//! partial scan of the text.

use std::cmp::max;
use std::num::ParseIntError;

use serde_yaml::{Mapping, Value};

/// Parses `text` if it is in the subset described in the module docs:
/// `Some(value)` is then exactly what `serde_yaml` would return, and `None`
/// means "ask `serde_yaml`".
pub fn parse(text: &str) -> Option<Value> {
    let tabs = prescan(text).ok()?;
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tabs,
        depth: 0,
        pairs: Vec::new(),
        scratch: String::new(),
    };
    parser.document().ok()
}

/// Why the fast parser stopped: it met something outside its subset, or
/// something `serde_yaml` rejects. Either way `serde_yaml` takes over.
#[derive(Debug)]
struct Fallback;

type Parse<T> = Result<T, Fallback>;

/// Deeper nesting falls back (`serde_yaml`'s own limit is 128).
const MAX_DEPTH: usize = 64;

/// libyaml refuses a simple key longer than 1,024 characters; longer
/// keys fall back, with a margin.
const MAX_KEY_LEN: usize = 1000;

/// Checks the characters libyaml's reader and scanner treat specially
/// anywhere in a document, and says whether `text` contains a tab.
///
/// libyaml rejects control characters (other than tab and line breaks),
/// DEL, C1 controls and U+FFFE/U+FFFF; it also breaks lines at a lone
/// carriage return, NEL, U+2028 and U+2029, and skips a byte order mark at
/// the start of any line. Texts with any of these fall back.
fn prescan(text: &str) -> Parse<bool> {
    // almost every record is printable ASCII and line feeds: check that in
    // wide chunks the compiler can vectorise, before looking closer
    let simple = text.as_bytes().chunks(64).all(|chunk| {
        chunk.iter().fold(true, |ok, &b| {
            ok & ((b' '..=b'~').contains(&b) | (b == b'\n'))
        })
    });
    if simple {
        return Ok(false);
    }
    let mut tabs = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' => tabs = true,
            '\n' | ' '..='~' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => return Err(Fallback),
            _ => {}
        }
    }
    Ok(tabs)
}

/// One line of the text. Its content starts at `start + indent` and ends
/// at `end`, before the line break (`\n` or `\r\n`); the next line starts
/// at `next`.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    end: usize,
    next: usize,
}

/// How a block scalar treats its final line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomping {
    /// `-`: none.
    Strip,
    /// The default: one.
    Clip,
    /// `+`: all.
    Keep,
}

/// A recursive-descent parser over lines. `pos` is the start of the first
/// line not yet consumed.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Whether the text has a tab anywhere; if so, every line outside
    /// block scalars is checked for one.
    tabs: bool,
    depth: usize,
    /// The key-value pairs of the mappings being read, innermost last: a
    /// mapping is built at its final size once all its pairs are known,
    /// which spares the hash table its regrowths.
    pairs: Vec<(Value, Value)>,
    /// Where block scalars are built, so that each result is allocated
    /// once, at its final size.
    scratch: String,
}

impl<'a> Parser<'a> {
    /// The whole document: an optional `---` line, then one block mapping.
    fn document(&mut self) -> Parse<Value> {
        self.document_start()?;
        let root = self.peek()?.ok_or(Fallback)?;
        if is_entry(self.content(root)) {
            return Err(Fallback);
        }
        let value = self.mapping(root)?;
        match self.peek()? {
            None => Ok(value),
            Some(_) => Err(Fallback),
        }
    }

    /// Consumes a leading `---` line (with an optional comment).
    fn document_start(&mut self) -> Parse<()> {
        let mut at = 0;
        while at < self.bytes.len() {
            let line = self.line_at(at)?;
            let content = self.content(line);
            if !(content.is_empty() || content.starts_with('#')) {
                if line.indent == 0
                    && let Some(rest) = content.strip_prefix("---")
                    && end_of_line(rest).is_ok()
                {
                    self.pos = line.next;
                }
                return Ok(());
            }
            at = line.next;
        }
        Ok(())
    }

    /// The line starting at `start`.
    fn line_at(&self, start: usize) -> Parse<Line> {
        let rest = &self.bytes[start..];
        let (mut end, next) = match find_byte(b'\n', rest) {
            Some(i) => (start + i, start + i + 1),
            None => (self.bytes.len(), self.bytes.len()),
        };
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        let indent = self.bytes[start..end]
            .iter()
            .position(|&b| b != b' ')
            .unwrap_or(end - start);
        if self.tabs && self.bytes[start..end].contains(&b'\t') {
            return Err(Fallback);
        }
        Ok(Line {
            start,
            indent,
            end,
            next,
        })
    }

    /// What `line` holds after its indentation.
    fn content(&self, line: Line) -> &'a str {
        &self.text[line.start + line.indent..line.end]
    }

    /// The next line with content, skipping blank and comment lines, without
    /// consuming it; `None` at the end of the text.
    fn peek(&mut self) -> Parse<Option<Line>> {
        let mut at = self.pos;
        while at < self.bytes.len() {
            let line = self.line_at(at)?;
            let content = self.content(line);
            if !(content.is_empty() || content.starts_with('#')) {
                // `---` and `...` start and end documents; `%` a directive
                if line.indent == 0
                    && (content.starts_with("---")
                        || content.starts_with("...")
                        || content.starts_with('%'))
                {
                    return Err(Fallback);
                }
                return Ok(Some(line));
            }
            at = line.next;
        }
        Ok(None)
    }

    /// One level deeper into the document.
    fn enter(&mut self) -> Parse<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Fallback);
        }
        Ok(())
    }

    /// A block node starting on `line`, below a key or a `-`.
    fn node(&mut self, line: Line) -> Parse<Value> {
        if is_entry(self.content(line)) {
            self.sequence(line, false)
        } else {
            self.mapping(line)
        }
    }

    /// A block mapping whose first key is on `first`; its keys sit at
    /// `first.indent`.
    fn mapping(&mut self, first: Line) -> Parse<Value> {
        self.enter()?;
        let indent = first.indent;
        let base = self.pairs.len();
        let mut line = first;
        loop {
            let (key, rest) = split_key(self.content(line))?.ok_or(Fallback)?;
            self.pos = line.next;
            let value = self.value(rest, indent, true)?;
            self.pairs.push((key, value));
            match self.peek()? {
                Some(next) if next.indent == indent => line = next,
                // a more indented line would continue a multi-line scalar,
                // or be an error
                Some(next) if next.indent > indent => return Err(Fallback),
                _ => break,
            }
        }
        let mut mapping = Mapping::with_capacity(self.pairs.len() - base);
        for (key, value) in self.pairs.drain(base..) {
            // serde_yaml rejects a repeated key
            if mapping.insert(key, value).is_some() {
                return Err(Fallback);
            }
        }
        self.depth -= 1;
        Ok(Value::Mapping(mapping))
    }

    /// A block sequence whose first `-` is on `first`. An `indentless`
    /// sequence sits at its key's indentation and ends at the next key.
    fn sequence(&mut self, first: Line, indentless: bool) -> Parse<Value> {
        self.enter()?;
        let indent = first.indent;
        let mut sequence = Vec::new();
        let mut line = first;
        loop {
            let after = &self.content(line)[1..];
            let rest = after.trim_start_matches(' ');
            self.pos = line.next;
            let item = if rest.is_empty() || rest.starts_with('#') {
                self.value_below(indent, false)?
            } else if is_entry(rest) {
                // `- - a`
                return Err(Fallback);
            } else if split_key(rest)?.is_some() {
                // `- key: value` opens a mapping at the key's column
                let column = indent + 1 + (after.len() - rest.len());
                self.mapping(Line {
                    indent: column,
                    ..line
                })?
            } else {
                self.value(rest, indent, false)?
            };
            sequence.push(item);
            match self.peek()? {
                Some(next) if next.indent == indent && is_entry(self.content(next)) => line = next,
                Some(next) if next.indent == indent && indentless => break,
                Some(next) if next.indent >= indent => return Err(Fallback),
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(Value::Sequence(sequence))
    }

    /// The value after `key:` or `- `: `rest` is what follows on the same
    /// line, without leading spaces. `parent` is the indentation of the
    /// mapping or sequence the value belongs to; `in_mapping` says which.
    fn value(&mut self, rest: &'a str, parent: usize, in_mapping: bool) -> Parse<Value> {
        match rest.as_bytes().first() {
            None | Some(b'#') => self.value_below(parent, in_mapping),
            Some(b'|' | b'>') => self.block_scalar(rest, parent),
            Some(b'[') => {
                let (value, after) = flow_sequence(rest)?;
                end_of_line(after)?;
                Ok(value)
            }
            Some(b'"' | b'\'') => {
                let (string, after) = quoted(rest)?;
                end_of_line(after)?;
                Ok(Value::String(string))
            }
            Some(_) => plain_value(rest),
        }
    }

    /// A value that is not on its key's line: a more indented block, a
    /// sequence at a key's own indentation, or nothing (null).
    fn value_below(&mut self, parent: usize, in_mapping: bool) -> Parse<Value> {
        match self.peek()? {
            Some(line) if line.indent > parent => self.node(line),
            Some(line) if in_mapping && line.indent == parent && is_entry(self.content(line)) => {
                self.sequence(line, true)
            }
            _ => Ok(Value::Null),
        }
    }

    /// A block scalar: `header` is `|` or `>` and what follows it on the
    /// line; the content is on the lines from `self.pos`. `parent` is the
    /// indentation of the enclosing mapping or sequence (libyaml's
    /// `parser->indent`).
    ///
    /// This follows libyaml's `yaml_parser_scan_block_scalar` and
    /// `yaml_parser_scan_block_scalar_breaks` step by step, so that blank,
    /// more indented and trailing lines come out exactly as in `serde_yaml`.
    fn block_scalar(&mut self, header: &str, parent: usize) -> Parse<Value> {
        let literal = header.starts_with('|');
        let mut indicators = &header[1..];
        let chomping = match indicators.as_bytes().first() {
            Some(b'-') => Chomping::Strip,
            Some(b'+') => Chomping::Keep,
            _ => Chomping::Clip,
        };
        if chomping != Chomping::Clip {
            indicators = &indicators[1..];
        }
        // an explicit indentation indicator (`|2`) or anything else falls
        // back here
        end_of_line(indicators)?;

        let mut block = BlockScalar {
            indent: 0,
            trailing_breaks: 0,
        };
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let mut leading_break = false;
        let mut leading_blank = false;
        let mut pos = self.pos;
        let mut column = block.breaks(self.bytes, &mut pos, parent)?;
        while pos + column < self.bytes.len() && column == block.indent {
            let at = pos + column;
            let (end, next) = match find_byte(b'\n', &self.bytes[at..]) {
                Some(i) => (at + i, Some(at + i + 1)),
                None => (self.bytes.len(), None),
            };
            let end = if end > at && self.bytes[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            let trailing_blank = matches!(self.bytes[at], b' ' | b'\t');
            // folding: a line break between two lines that do not start
            // with a blank becomes a space, or disappears before blank lines
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if block.trailing_breaks == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            push_breaks(&mut out, block.trailing_breaks);
            block.trailing_breaks = 0;
            leading_blank = trailing_blank;
            out.push_str(&self.text[at..end]);
            match next {
                Some(next) => {
                    leading_break = true;
                    pos = next;
                }
                None => {
                    leading_break = false;
                    pos = self.bytes.len();
                    break;
                }
            }
            column = block.breaks(self.bytes, &mut pos, parent)?;
        }
        if chomping != Chomping::Strip && leading_break {
            out.push('\n');
        }
        if chomping == Chomping::Keep {
            push_breaks(&mut out, block.trailing_breaks);
        }
        self.pos = pos;
        let value = Value::String(out.as_str().to_owned());
        self.scratch = out;
        Ok(value)
    }
}

/// The state of a block scalar between content lines.
struct BlockScalar {
    /// The content's indentation; 0 until the first content line sets it.
    indent: usize,
    /// Blank lines seen since the last content line.
    trailing_breaks: usize,
}

impl BlockScalar {
    /// Eats blank lines and indentation from `*pos`, as libyaml's
    /// `yaml_parser_scan_block_scalar_breaks` does, and returns the column
    /// reached on the first line that is not blank (`*pos` is its start).
    /// The first call fixes the indentation: the widest of the leading
    /// blank lines and the first content line, and more than `parent`.
    fn breaks(&mut self, bytes: &[u8], pos: &mut usize, parent: usize) -> Parse<usize> {
        let mut max_column = 0;
        loop {
            let start = *pos;
            let mut at = start;
            while at < bytes.len()
                && bytes[at] == b' '
                && (self.indent == 0 || at - start < self.indent)
            {
                at += 1;
            }
            let column = at - start;
            max_column = max(max_column, column);
            let within_indentation = self.indent == 0 || column < self.indent;
            match bytes.get(at) {
                // libyaml: "found a tab character where an indentation
                // space is expected"
                Some(b'\t') if within_indentation => return Err(Fallback),
                Some(b'\n') => *pos = at + 1,
                // the prescan made sure every `\r` starts a `\r\n`
                Some(b'\r') => *pos = at + 2,
                _ => {
                    if self.indent == 0 {
                        self.indent = max(max(max_column, parent + 1), 1);
                    }
                    return Ok(column);
                }
            }
            self.trailing_breaks += 1;
        }
    }
}

/// Appends `n` line feeds.
fn push_breaks(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('\n');
    }
}

/// The first `needle` in `haystack`.
fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(needle, haystack)
}

/// Whether `content` is a block sequence entry: `-` then a space or the
/// end of the line.
fn is_entry(content: &str) -> bool {
    let bytes = content.as_bytes();
    bytes.first() == Some(&b'-') && matches!(bytes.get(1), None | Some(b' '))
}

/// What may follow a complete value on its line: nothing, or a comment
/// after at least one space. (libyaml also takes `"a"#b` as a comment; the
/// subset does not need to.)
fn end_of_line(after: &str) -> Parse<()> {
    let trimmed = after.trim_start_matches(' ');
    if trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < after.len()) {
        Ok(())
    } else {
        Err(Fallback)
    }
}

/// Splits `key: rest` into the key and what follows the `:` (without
/// leading spaces). `Ok(None)` when `content` is not a key (a scalar, a
/// flow sequence, a block scalar header).
fn split_key(content: &str) -> Parse<Option<(Value, &str)>> {
    let bytes = content.as_bytes();
    match bytes.first() {
        Some(b'"' | b'\'') => {
            let (key, after) = quoted(content)?;
            let spaced = after.trim_start_matches(' ');
            match spaced.strip_prefix(':') {
                Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                    if content.len() - spaced.len() > MAX_KEY_LEN {
                        return Err(Fallback);
                    }
                    Ok(Some((Value::String(key), rest.trim_start_matches(' '))))
                }
                _ => Ok(None),
            }
        }
        _ if plain_start(content) => {
            for (i, &b) in bytes.iter().enumerate() {
                match b {
                    b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => {
                        if i > MAX_KEY_LEN {
                            return Err(Fallback);
                        }
                        let key = resolve(content[..i].trim_end_matches(' '))?;
                        let rest = content[i + 1..].trim_start_matches(' ');
                        return Ok(Some((key, rest)));
                    }
                    b'#' if bytes[i - 1] == b' ' => return Ok(None),
                    _ => {}
                }
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// Whether a plain scalar may start `s` (libyaml's
/// `yaml_parser_fetch_next_token`). `?` and `:` followed by a non-blank
/// may start one in block context too, but not in the subset.
fn plain_start(s: &str) -> bool {
    match s.as_bytes() {
        [] => false,
        [b'-', next, ..] => *next != b' ',
        [first, ..] => !matches!(
            first,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
                | b' '
        ),
    }
}

/// A one-line plain scalar after `key: ` or `- `, up to a ` #` comment.
fn plain_value(rest: &str) -> Parse<Value> {
    if !plain_start(rest) {
        return Err(Fallback);
    }
    let bytes = rest.as_bytes();
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // `a: b: c` and `a: b:` are errors in libyaml
            b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => return Err(Fallback),
            b'#' if bytes[i - 1] == b' ' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    resolve(rest[..end].trim_end_matches(' '))
}

/// A one-line flow sequence of scalars, `[a, 'b c', "d"]`; `s` starts with
/// `[`. Returns it and the rest of the line after `]`.
fn flow_sequence(s: &str) -> Parse<(Value, &str)> {
    let mut items = Vec::new();
    let mut rest = s[1..].trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix(']') {
        return Ok((Value::Sequence(items), after));
    }
    loop {
        let (item, after) = match rest.as_bytes().first() {
            Some(b'"' | b'\'') => {
                let (string, after) = quoted(rest)?;
                (Value::String(string), after)
            }
            _ => {
                let end = rest.find([',', ']']).ok_or(Fallback)?;
                let text = rest[..end].trim_end_matches(' ');
                // `:` may make a single-pair mapping, `#` a comment, and
                // brackets or braces a nested collection
                if !plain_start(text) || text.contains([':', '#', '[', '{', '}']) {
                    return Err(Fallback);
                }
                (resolve(text)?, &rest[end..])
            }
        };
        items.push(item);
        let after = after.trim_start_matches(' ');
        match after.as_bytes().first() {
            Some(b',') => {
                rest = after[1..].trim_start_matches(' ');
                // `[a, ]` and `[a,,b]`
                if rest.starts_with([']', ',']) {
                    return Err(Fallback);
                }
            }
            Some(b']') => return Ok((Value::Sequence(items), &after[1..])),
            _ => return Err(Fallback),
        }
    }
}

/// A quoted string that closes on its line; `s` starts with the quote.
/// Returns the string and the rest of the line after the closing quote.
fn quoted(s: &str) -> Parse<(String, &str)> {
    match s.strip_prefix('\'') {
        Some(body) => single_quoted(body),
        None => double_quoted(&s[1..]),
    }
}

/// The body of a single-quoted string, where `''` is a quote.
fn single_quoted(mut rest: &str) -> Parse<(String, &str)> {
    let mut out = String::new();
    loop {
        // no closing quote on this line: a multi-line string
        let i = rest.find('\'').ok_or(Fallback)?;
        out.push_str(&rest[..i]);
        if rest[i + 1..].starts_with('\'') {
            out.push('\'');
            rest = &rest[i + 2..];
        } else {
            return Ok((out, &rest[i + 1..]));
        }
    }
}

/// The body of a double-quoted string, with libyaml's escapes
/// (`yaml_parser_scan_flow_scalar`).
fn double_quoted(mut rest: &str) -> Parse<(String, &str)> {
    let mut out = String::new();
    loop {
        let i = rest.find(['"', '\\']).ok_or(Fallback)?;
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'"' {
            return Ok((out, &rest[i + 1..]));
        }
        // a backslash at the end of the line continues the string on the
        // next one
        let escape = *rest.as_bytes().get(i + 1).ok_or(Fallback)?;
        let digits = match escape {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        let c = if digits > 0 {
            let hex = rest.get(i + 2..i + 2 + digits).ok_or(Fallback)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Fallback);
            }
            let code = u32::from_str_radix(hex, 16).map_err(|_| Fallback)?;
            char::from_u32(code).ok_or(Fallback)?
        } else {
            match escape {
                b'0' => '\0',
                b'a' => '\x07',
                b'b' => '\x08',
                b't' => '\t',
                b'n' => '\n',
                b'v' => '\x0b',
                b'f' => '\x0c',
                b'r' => '\r',
                b'e' => '\x1b',
                b' ' => ' ',
                b'"' => '"',
                b'/' => '/',
                b'\\' => '\\',
                b'N' => '\u{85}',
                b'_' => '\u{a0}',
                b'L' => '\u{2028}',
                b'P' => '\u{2029}',
                _ => return Err(Fallback),
            }
        };
        out.push(c);
        rest = &rest[i + 2 + digits..];
    }
}

/// The value of a plain scalar, typed as `serde_yaml` 0.9 types it
/// (`visit_untagged_scalar`): null, bool, integer, float, else string.
///
/// A scalar that starts with a letter and is not one of the null and bool
/// spellings is a string: no number Rust's parsers accept starts with a
/// letter, except `inf`, `infinity` and `nan`, which serde_yaml turns back
/// into strings. Only the rest takes the slow road.
fn resolve(scalar: &str) -> Parse<Value> {
    match scalar {
        "null" | "Null" | "NULL" | "~" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    if !matches!(
        scalar.as_bytes().first(),
        Some(b'0'..=b'9' | b'+' | b'-' | b'.')
    ) {
        return Ok(Value::String(scalar.to_owned()));
    }
    if let Some(int) = parse_unsigned_int(scalar, u64::from_str_radix) {
        return Ok(Value::Number(int.into()));
    }
    if let Some(int) = parse_negative_int(scalar, i64::from_str_radix) {
        return Ok(Value::Number(int.into()));
    }
    // serde_yaml hands these to `visit_u128`/`visit_i128`, which `Value`
    // does not implement: an error
    if parse_unsigned_int(scalar, u128::from_str_radix).is_some()
        || parse_negative_int(scalar, i128::from_str_radix).is_some()
    {
        return Err(Fallback);
    }
    if !digits_but_not_number(scalar)
        && let Some(float) = parse_f64(scalar)
    {
        return Ok(Value::Number(float.into()));
    }
    Ok(Value::String(scalar.to_owned()))
}

// The four functions below are serde_yaml 0.9.34's (src/de.rs, MIT OR
// Apache-2.0), copied so that scalars are typed exactly as it types them.

fn parse_unsigned_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, radix: u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) {
        return None;
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, radix: u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            let negative = format!("-{rest}");
            if let Ok(int) = from_str_radix(&negative, radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    if let Ok(float) = unpositive.parse::<f64>()
        && float.is_finite()
    {
        return Some(float);
    }
    None
}

fn digits_but_not_number(scalar: &str) -> bool {
    // Leading zero(s) followed by numeric characters is a string according
    // to the YAML 1.2 spec.
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` takes the fast path and gives serde_yaml's value.
    #[track_caller]
    fn same(text: &str) {
        let expected: Value = serde_yaml::from_str(text).expect("valid YAML");
        assert_eq!(parse(text), Some(expected), "{text:?}");
    }

    /// `text` takes the fast path exactly when serde_yaml accepts it, and
    /// then gives the same value.
    #[track_caller]
    fn same_or_error(text: &str) {
        match serde_yaml::from_str::<Value>(text) {
            Ok(expected) => assert_eq!(parse(text), Some(expected), "{text:?}"),
            Err(_) => falls_back(text),
        }
    }

    /// `text` falls back, or gives serde_yaml's value.
    #[track_caller]
    fn agrees(text: &str) {
        if let Some(value) = parse(text) {
            assert_eq!(
                serde_yaml::from_str::<Value>(text).ok(),
                Some(value),
                "{text:?}"
            );
        }
    }

    /// `text` falls back to serde_yaml.
    #[track_caller]
    fn falls_back(text: &str) {
        assert_eq!(parse(text), None, "{text:?}");
    }

    #[test]
    fn a_partner_record() {
        same(concat!(
            "# a partner\n",
            "---\n",
            "name: Fathom Security\n",
            "tier: tactical\n",
            "tags: [security, \"regulated industries\", 'x']\n",
            "summary: A provider; its clients trust it. # why\n",
            "\n",
            "proposition:\n",
            "  we_do: >-\n",
            "    Tallyward finds every piece of software,\n",
            "    including products nobody bought.\n",
            "  together: |\n",
            "    Line one\n",
            "\n",
            "      indented\n",
            "    last\n",
            "commitments:\n",
            "  ours:\n",
            "    - A pilot\n",
            "    - An engineer\n",
            "  theirs: []\n",
            "influence_map:\n",
            "- name: Gabriel Stroud\n",
            "  influence: high\n",
            "  relationships: [Mina Takahashi]\n",
            "-   name: Mina\n",
            "    every_days: 180\n",
            "review:\n",
            "  last: 2026-11-18\n",
            "  every_days: 180\n",
        ));
    }

    #[test]
    fn plain_scalars_are_typed_as_serde_yaml_types_them() {
        let scalars = [
            "null",
            "Null",
            "NULL",
            "nULL",
            "~",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "FALSE",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "0",
            "-0",
            "+0",
            "00",
            "007",
            "-007",
            "+12",
            "-12",
            "12345678901234567890",
            "18446744073709551615",
            "-9223372036854775808",
            "0x1F",
            "0X1F",
            "-0x1F",
            "+0x1F",
            "0x-1",
            "0x",
            "0o17",
            "-0o17",
            "0o8",
            "0b101",
            "-0b1",
            "0b2",
            "1.5",
            "-1.5",
            "+1.5",
            ".5",
            "5.",
            "1e3",
            "1E-3",
            "-1e+3",
            "1e400",
            "1_000",
            ".inf",
            ".Inf",
            ".INF",
            "-.inf",
            "+.inf",
            ".nan",
            ".NaN",
            "-.nan",
            "inf",
            "nan",
            "Infinity",
            "-",
            "+",
            ".",
            "..",
            "-.",
            "+-1",
            "++1",
            "--1",
            "1-2",
            "2026-01-15",
            "2026-01-15T10:00:00Z",
            "12:30",
            "USD 1M",
            "1 000",
            "3 apples",
            "0.0.1",
            "v1.2",
            "-foo",
            "--x",
            "a#b",
            "a:b",
            "http://example.com/a?b=c#d",
            "a, b",
            "a [b] {c}",
            "don't",
            "say \"hi\"",
            "é",
            "日本語",
            "a  b",
        ];
        for scalar in scalars {
            same_or_error(&format!("k: {scalar}\n"));
            same_or_error(&format!("{scalar}: v\n"));
            agrees(&format!("k: [{scalar}, 'x']\n"));
        }
        same("k: [1, 0x1F, -.inf, ~, TRUE, 2026-01-15, 007, USD 1M]\n");
    }

    #[test]
    fn integers_serde_yaml_cannot_hold_fall_back() {
        // u128 and i128 go to visitors `Value` lacks: serde_yaml errs
        falls_back("k: 18446744073709551616\n");
        falls_back("k: -9223372036854775809\n");
        falls_back("k: 0xFFFFFFFFFFFFFFFFFF\n");
        same("k: 340282366920938463463374607431768211456\n");
    }

    #[test]
    fn quoted_strings() {
        same("a: ''\nb: \"\"\nc: 'it''s'\nd: '  # not a comment: no  '\n");
        same(r#"e: "tab\t nl\n q\" bs\\ sl\/ nul\0 bell\a bs\b esc\e ff\f cr\r vt\v sp\ ""#);
        same(r#"f: "\x41\u00e9\U0001F600 \N\_\L\P" # c"#);
        same("'quoted key': 1\n\"other key\" : 2\n'': empty\n");
        falls_back("a: \"\\q\"\n");
        falls_back("a: \"\\ud800\"\n");
        falls_back("a: \"\\x4\"\n");
        // multi-line quoted strings
        falls_back("a: \"one\n  two\"\n");
        falls_back("a: 'one\n  two'\n");
        falls_back("a: \"one \\\n  two\"\n");
        // something after the closing quote
        falls_back("a: \"x\" y\n");
        falls_back("a: \"x\"# y\n");
    }

    #[test]
    fn block_scalars_match_libyaml() {
        let bodies = [
            "  one\n  two\n",
            "  one\n  two",
            "  one\n\n  two\n\n\n",
            "  one\n    more\n  two\n",
            "  one\n    more\n\n    more\n  two\n",
            "  one\n  \n   \n  two\n  \n",
            "\n\n  after blanks\n",
            "  \n  after a blank with spaces\n",
            "    deeper first\n    same\n",
            "  one\n two is less indented: 1\n",
            "  # not a comment\n  a: b\n  - c\n",
            "  trailing spaces   \n  x\n",
            "  \tleading tab\n  x\n",
            "  a\tb\n",
            "",
            "\n\n",
            "  \n",
            "   \n  x\n",
        ];
        for indicator in ["|", "|-", "|+", ">", ">-", ">+", "| # c", ">- # c"] {
            for body in bodies {
                for after in ["", "next: 1\n", "# comment\nnext: 1\n"] {
                    let text = format!("key: {indicator}\n{body}{after}");
                    if serde_yaml::from_str::<Value>(&text).is_ok() {
                        let crlf = text.replace('\n', "\r\n");
                        match parse(&text) {
                            Some(_) => {
                                same(&text);
                                same(&crlf);
                            }
                            None => falls_back(&crlf),
                        }
                    } else {
                        falls_back(&text);
                    }
                }
            }
        }
        same("a:\n  b: |\n   x\n  c: >\n    y\n     z\n");
        same("s:\n- |\n x\n-  >-\n  y\n  z\n");
        same("k: |\n  ends without a line break");
        same("k: >+\n  a\n\n");
        falls_back("k: |2\n   x\n");
        falls_back("k: |x\n");
        falls_back("k: |\n\tx\n");
        falls_back("k: |\n  x\n \ty\n");
    }

    #[test]
    fn block_scalar_indentation_comes_from_its_first_lines() {
        // a leading blank line wider than the first content line makes an
        // empty scalar, and the content then breaks the mapping
        falls_back("k: |\n    \n  x\n");
        // a content line no deeper than its key ends an empty scalar
        same("k: |\nnext: 1\n");
        same("k: |+\n\nnext: 1\n");
        same("s:\n  - k: |\n    x: 1\n");
    }

    #[test]
    fn sequences() {
        same("a:\n- 1\n- two\nb: 3\n");
        same(
            "a:\n  - 1\n  -\n  - - x\n"
                .replace("  - - x\n", "  - x\n")
                .as_str(),
        );
        same("a:\n  -\n    b: 1\n  -\n    - x\n    - y\n  - # comment\n  - ~\n");
        same("a:\n  - b: 1\n    c:\n      - d\n    e:\n    - f\n  - g: [1, 2]\n");
        falls_back("a:\n  - - x\n");
        falls_back("a: - x\n");
        falls_back("a:\n  - x\n  b: 1\n");
        falls_back("a:\n  - x\n   y\n");
        falls_back("- x\n- y\n");
    }

    #[test]
    fn flow_sequences() {
        same("a: []\nb: [ ]\nc: [ x , 'y z' ,\"w\"] # c\nd: [1, 2.5, ~, true, 0x10]\n");
        falls_back("a: [x, ]\n");
        falls_back("a: [x,,y]\n");
        falls_back("a: [[x]]\n");
        falls_back("a: [x: y]\n");
        falls_back("a: [{x: y}]\n");
        falls_back("a: [x\n  , y]\n");
        falls_back("a: [x] y\n");
        falls_back("a: [x, #y]\n");
    }

    #[test]
    fn keys() {
        same("1: one\n0x10: hex\ntrue: yes\n~: null key\n2026-01-15: date\na b: c\na:b: c\n");
        same("k  : spaced\nk#: hash\n");
        falls_back("a: 1\na: 2\n");
        falls_back("a: 1\n'a': 2\n");
        falls_back("1: x\n0x1: y\n");
        falls_back("null: x\n~: y\n");
        falls_back("? a\n: b\n");
        falls_back(": x\n");
        falls_back("[a]: b\n");
        falls_back(&format!("{}: long\n", "k".repeat(1500)));
        same(&format!("{}: long\n", "k".repeat(900)));
    }

    #[test]
    fn plain_scalars_on_one_line_only() {
        same("a: one # comment\nb: two#three\nc: four   \n");
        falls_back("a: one\n  two\n");
        falls_back("a: one\n\n  two\n");
        falls_back("a: one\n# comment\n  two\n");
        falls_back("a:\n  one\n");
        falls_back("a: b: c\n");
        falls_back("a: b:\n");
        falls_back("a:\tb\n");
    }

    #[test]
    fn everything_outside_the_subset_falls_back() {
        for text in [
            "",
            "# only a comment\n",
            "just a scalar\n",
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: {b: 1}\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\n",
            "--- a\n",
            "a: 1\n\tb: 2\n",
            "a:\n\t- 1\n",
            "a: @x\n",
            "a: `x`\n",
            "a: ?x\n",
            "a: ,x\n",
            "a: %x\n",
            "a: x\rb: y\n",
            "a: x\u{85}b: y\n",
            "a: x\u{2028}\n",
            "a: x\u{7}\n",
            "a: x\u{7f}\n",
            "\u{feff}a: x\n",
            "a: 1\n  b: 2\n",
            "  a: 1\nb: 2\n",
        ] {
            falls_back(text);
            let _ = serde_yaml::from_str::<Value>(text);
        }
    }

    #[test]
    fn deep_nesting_falls_back() {
        let mut text = String::new();
        for depth in 0..100 {
            text.push_str(&" ".repeat(depth));
            text.push_str("k:\n");
        }
        falls_back(&text);
        let shallow: String = (0..20).map(|d| format!("{}k:\n", " ".repeat(d))).collect();
        same(&shallow);
    }

    #[test]
    fn unicode_and_crlf() {
        same("name: Café Ünïcode 日本\nnote: |\r\n  é\r\n  ü\r\n");
        same("a: x\r\nb:\r\n  - y\r\n");
        same("a: \u{a0}x\n");
    }
}
