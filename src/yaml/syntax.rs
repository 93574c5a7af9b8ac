//! Explains a YAML syntax error as the mistake an author made and how to
//! fix it.
//!
//! The parsers describe their own state ("did not find expected key, while
//! parsing a block mapping"); an author needs to hear that the `"` before
//! `best` ended the quoted text. serde_yaml and saphyr-parser (which reads
//! the texts checked for limits) report the same mistake with different
//! words and positions, so the message only picks the family of the error
//! and the text around the position tells which mistake it is. Anything
//! not recognised keeps a general help.

use std::ops::Range;

/// A syntax error, explained.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Explained {
    /// Where to point: a byte offset in the text.
    pub at: usize,
    /// The label under the marker.
    pub label: String,
    /// How to fix it.
    pub help: String,
}

/// The help for a syntax error that is none of the known mistakes.
pub(super) const GENERAL_HELP: &str = "fix the YAML syntax here: check the indentation (spaces, not tabs) and the colons; text that holds quotes, `: ` or ` #` is safest in a `>-` block, where nothing needs quoting";

/// Explains the error a parser reported as `message` at byte `at` of
/// `text`. `message` is the parser's own, positions included: serde_yaml
/// adds where the construct it was reading started ("while scanning a
/// quoted scalar at line 3 column 10"), which is where the mistake is.
pub(super) fn explain(text: &str, at: usize, message: &str) -> Explained {
    let at = crate::source::floor_char_boundary(text, at);
    let found = if message.contains("tab") {
        tab(text, at)
    } else if message.contains("block scalar") && message.contains("line break") {
        text_after_indicator(text, at)
    } else if message.contains("escape") || message.contains("hexadecimal") {
        bad_escape(text, at)
    } else if message.contains("quoted scalar") && !message.contains("trailing content") {
        let opening = started_at(text, message).unwrap_or(at);
        Some(unclosed_quote(text, opening))
    } else if message.contains("mapping values are not allowed") {
        Some(colon(text, at))
    } else if message.contains("cannot start any token")
        || message.contains("unexpected character")
        || message.contains("unknown anchor")
    {
        reserved_start(text, at)
    } else if message.contains("could not find expected ':'")
        || message.contains("simple key expect ':'")
    {
        let culprit = started_at(text, message).unwrap_or_else(|| {
            previous_line(text, line_at(text, at).start).map_or(at, |line| line.start)
        });
        Some(not_a_key(text, culprit))
    } else if message.contains("block sequence entries are not allowed") {
        list_on_key_line(text, at)
    } else if message.contains("did not find expected") || message.contains("trailing content") {
        Some(after_value(text, at))
    } else {
        None
    };
    found.unwrap_or_else(|| Explained {
        at,
        label: "the YAML parser stopped here".to_string(),
        help: GENERAL_HELP.to_string(),
    })
}

/// A tab in the indentation of the line at `at` or a later one (saphyr
/// reports the value before the tabbed line).
fn tab(text: &str, at: usize) -> Option<Explained> {
    let mut start = line_at(text, at).start;
    while start < text.len() {
        let line = line_at(text, start);
        let indent = &text[line.start..];
        let width = indent.len() - indent.trim_start_matches([' ', '\t']).len();
        if let Some(i) = indent[..width].find('\t') {
            return Some(Explained {
                at: line.start + i,
                label: "a tab".to_string(),
                help: "indent with spaces: YAML does not allow tabs in indentation (most editors can insert spaces for the Tab key in .yaml files)".to_string(),
            });
        }
        start = line.end + 1;
    }
    None
}

/// `key: >- text`: a block scalar's text on the indicator's line.
fn text_after_indicator(text: &str, at: usize) -> Option<Explained> {
    let line = line_at(text, at);
    let here = &text[line.clone()];
    let value = value_start(here)?;
    let indicator_len = here[value..]
        .find(char::is_whitespace)
        .unwrap_or(here.len() - value);
    let indicator = &here[value..value + indicator_len];
    let after = &here[value + indicator_len..];
    let first = value + indicator_len + (after.len() - after.trim_start().len());
    let key = key_of(here);
    Some(Explained {
        at: line.start + first,
        label: format!("text after `{indicator}` on the same line"),
        help: format!(
            "start the text on the next line, indented further than the key: `{key}: {indicator}` alone on its line, then `{}` below it",
            after.trim()
        ),
    })
}

/// A backslash that starts no escape, in a double-quoted value.
fn bad_escape(text: &str, at: usize) -> Option<Explained> {
    let line = line_at(text, at);
    let here = &text[line.clone()];
    let value = value_start(here)?;
    let mut chars = here[value..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let valid = match chars.next() {
            Some((_, next @ ('x' | 'u' | 'U'))) => {
                let digits = match next {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                (0..digits).all(|_| chars.next().is_some_and(|(_, c)| c.is_ascii_hexdigit()))
            }
            Some((_, next)) => "0abtnvfre \"/\\N_LP\t".contains(next),
            None => false,
        };
        if valid {
            continue;
        }
        let fix = match quoted_inner(here, value) {
            Some(inner) => format!(
                "single quotes (`{}{}`)",
                prefix(here, value),
                single_quoted(&inner.replace("\\\\", "\\"))
            ),
            None => "single quotes".to_string(),
        };
        return Some(Explained {
            at: line.start + value + i,
            label: "`\\` starts an escape in double quotes".to_string(),
            help: format!(
                "write a backslash in double quotes as `\\\\`, or put the value in {fix}, where a backslash is plain text"
            ),
        });
    }
    None
}

/// A quoted value that never closes on its line, opening at `opening`.
fn unclosed_quote(text: &str, opening: usize) -> Explained {
    let here = &text[line_at(text, opening)];
    let quote = text[opening..].chars().next().unwrap_or('"');
    Explained {
        at: opening,
        label: "this quote is never closed".to_string(),
        help: format!(
            "close the text with a matching `{quote}` on the same line, or write it as a block without quotes: `{}: >-`, then the text on the next line, indented",
            key_of(here)
        ),
    }
}

/// `mapping values are not allowed`: a `: ` inside a plain value, or a key
/// indented more than the one above it, which YAML reads as more of its
/// value.
fn colon(text: &str, at: usize) -> Explained {
    let line = line_at(text, at);
    let here = &text[line.clone()];
    let column = at - line.start;
    if let Some(value) = value_start(&here[..column]) {
        let fix = format!(
            "{}{}",
            prefix(here, value),
            single_quoted(here[value..].trim_end())
        );
        return Explained {
            at,
            label: "`: ` inside a value".to_string(),
            help: format!(
                "a colon and a space inside a value read as a new key: put the value in single quotes (`{fix}`), or write it as a `>-` block, where nothing needs quoting"
            ),
        };
    }
    let key = key_of(here);
    match previous_line(text, line.start) {
        Some(above) if indent(here) > indent(&text[above.clone()]) => Explained {
            at: line.start + indent(here),
            label: "indented more than the line above".to_string(),
            help: format!(
                "`{key}:` is indented more than `{}:`, so YAML reads it as more of that value: give it the same indentation as the other keys at its level (YAML counts the spaces)",
                key_of(&text[above])
            ),
        },
        _ => Explained {
            at,
            label: "a key where a value goes on".to_string(),
            help: format!(
                "YAML reads `{key}:` as part of the value above: check the indentation of this line and the one above, and quote a value that holds `: `"
            ),
        },
    }
}

/// A value starting with a character YAML reserves: `@`, a backtick, `%`,
/// or `*` (an alias).
fn reserved_start(text: &str, at: usize) -> Option<Explained> {
    let c = text[at..].chars().next()?;
    if !"@`%*".contains(c) {
        return None;
    }
    let line = line_at(text, at);
    let here = &text[line.clone()];
    let value = at - line.start;
    let fix = format!(
        "{}{}",
        prefix(here, value),
        single_quoted(here[value..].trim_end())
    );
    let name = if c == '`' {
        "a backtick".to_string()
    } else {
        format!("`{c}`")
    };
    let why = if c == '*' {
        "at the start of a value refers to an anchor (`*name`)"
    } else {
        "is reserved in YAML and cannot start a value"
    };
    Some(Explained {
        at,
        label: format!("{name} cannot start a value"),
        help: format!(
            "{name} {why}: put the value in single quotes (`{fix}`), or write it as a `>-` block, where nothing needs quoting"
        ),
    })
}

/// A line that should be a `key: value` and is not: a missing space after
/// the colon, the text of a block not indented under its key, or a line of
/// text that continues nothing.
fn not_a_key(text: &str, culprit: usize) -> Explained {
    let line = line_at(text, culprit);
    let here = &text[line.clone()];
    let start = line.start + indent(here);
    let body = here.trim_start().trim_start_matches("- ");
    if let Some(colon) = body.find(':')
        && !body[..colon].is_empty()
        && body[..colon]
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && body[colon + 1..].starts_with(|c: char| !c.is_whitespace())
    {
        let at = line.start + (here.len() - body.len()) + colon;
        return Explained {
            at,
            label: "no space after the colon".to_string(),
            help: format!(
                "put a space after the colon: `{}: {}`",
                &body[..colon],
                &body[colon + 1..]
            ),
        };
    }
    if let Some(above) = previous_line(text, line.start) {
        let above_text = &text[above];
        let last = above_text.trim_end().rsplit(' ').next().unwrap_or("");
        if is_block_indicator(last) && indent(here) <= indent(above_text) {
            let key = key_of(above_text);
            return Explained {
                at: start,
                label: format!("not indented under `{key}: {last}`"),
                help: format!(
                    "the text of a `{last}` block goes on the lines below its key, indented further than `{key}`: add spaces at the start of this line"
                ),
            };
        }
    }
    Explained {
        at: start,
        label: "a line without `key:`".to_string(),
        help: "this line is neither `key: value` nor indented under a key: if it goes on with the text above, indent it further than that text's key (or write the text as a `>-` block); if it is a new field, start it with its `key: `".to_string(),
    }
}

/// `key: - item`: a block list started on its key's line.
fn list_on_key_line(text: &str, at: usize) -> Option<Explained> {
    let line = line_at(text, at);
    let here = &text[line.clone()];
    let value = value_start(here)?;
    let items = here[value..].trim_start_matches('-').trim();
    let key = key_of(here);
    Some(Explained {
        at,
        label: "a list cannot start on its key's line".to_string(),
        help: format!(
            "write the items on the lines below `{key}:`, one `- item` each and indented, or in brackets on this line: `{key}: [{items}]`"
        ),
    })
}

/// `did not find expected key` and the like, reported after a value: a
/// quote inside a quoted value, text after a `[...]` list, or a line
/// indented differently from the keys around it.
fn after_value(text: &str, at: usize) -> Explained {
    let line = line_at(text, at);
    let here = &text[line.clone()];
    let column = at - line.start;
    let value = value_start(here).filter(|&v| v < column);
    let first = value.and_then(|v| here[v..].chars().next());
    match (value, first) {
        (Some(value), Some(quote @ ('"' | '\''))) => {
            let before = here[..column].trim_end();
            let closing = before.len().saturating_sub(1);
            if !before.ends_with(quote) {
                return indented_differently(line.start, here);
            }
            if closing == value {
                // this line's opening quote closed an earlier, unclosed one
                if let Some(opening) = unclosed_before(text, line.start, quote) {
                    return unclosed_quote(text, opening);
                }
                return indented_differently(line.start, here);
            }
            inner_quote(here, line.start, value, closing, quote)
        }
        (Some(value), Some(bracket @ ('[' | '{'))) => {
            let fix = format!(
                "{}{}",
                prefix(here, value),
                single_quoted(here[value..].trim_end())
            );
            let what = if bracket == '[' { "list" } else { "mapping" };
            Explained {
                at: line.start + value,
                label: format!("`{bracket}` starts a {what}"),
                help: format!(
                    "a value that starts with `{bracket}` is read as a {what}, and text after it is an error: put the whole value in single quotes (`{fix}`), or write it as a `>-` block"
                ),
            }
        }
        _ => indented_differently(line.start, here),
    }
}

/// A quote inside a value quoted with the same quote: the one at
/// `closing` ends the value early.
fn inner_quote(here: &str, start: usize, value: usize, closing: usize, quote: char) -> Explained {
    let fix = quoted_inner(here, value).map(|inner| {
        let inner = if quote == '\'' {
            inner.replace("''", "'")
        } else {
            inner.to_string()
        };
        format!("{}{}", prefix(here, value), single_quoted(&inner))
    });
    let (inside, twice) = match quote {
        '"' => ("put the value in single quotes instead", "`'`"),
        _ => ("write the apostrophe twice", "`''`"),
    };
    let how = match fix {
        Some(fix) if quote == '"' && fix.contains("''") => {
            format!("{inside}, where an apostrophe is written twice: `{fix}`")
        }
        Some(fix) => format!("{inside}: `{fix}`"),
        None => format!("{inside} ({twice})"),
    };
    Explained {
        at: start + closing,
        label: "this quote ends the text".to_string(),
        help: format!(
            "a `{quote}` inside `{quote}...{quote}` ends the text: {how}; or write the value as a `>-` block, where nothing needs quoting"
        ),
    }
}

/// A line whose indentation fits neither the keys above nor the value
/// before it.
fn indented_differently(start: usize, here: &str) -> Explained {
    Explained {
        at: start + indent(here),
        label: "indented differently from the lines above".to_string(),
        help: "give this line the same indentation as the others at its level (YAML counts the spaces), or indent it further if it belongs to the text above".to_string(),
    }
}

/// The opening quote of an unclosed `quote`-quoted value on a line before
/// the one starting at `start`.
fn unclosed_before(text: &str, start: usize, quote: char) -> Option<usize> {
    let mut line = previous_line(text, start)?;
    loop {
        let here = &text[line.clone()];
        if let Some(value) = value_start(here)
            && here[value..].starts_with(quote)
            && quoted_inner(here, value).is_none()
        {
            return Some(line.start + value);
        }
        line = previous_line(text, line.start)?;
    }
}

/// Where serde_yaml says the construct it was reading started (", while
/// scanning a simple key at line 4 column 3"), as a byte offset.
fn started_at(text: &str, message: &str) -> Option<usize> {
    let context = &message[message.rfind(", while ")?..];
    let position = &context[context.find(" at line ")? + " at line ".len()..];
    let (line, rest) = position.split_once(" column ")?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let offset = crate::source::offset_of(text, line.parse().ok()?, rest[..digits].parse().ok()?);
    Some(offset)
}

/// The line holding byte `at`, without its line break.
fn line_at(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    start..end.max(start)
}

/// The nearest line before the one starting at `start` that is neither
/// blank nor a comment.
fn previous_line(text: &str, start: usize) -> Option<Range<usize>> {
    let mut end = start.checked_sub(1)?;
    loop {
        let line = line_at(text, end);
        let trimmed = text[line.clone()].trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return Some(line);
        }
        end = line.start.checked_sub(1)?;
    }
}

/// How many spaces a line starts with.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Where the value of `key: value` (or of a `- value` item) starts in
/// `line`, if there is one.
fn value_start(line: &str) -> Option<usize> {
    let body = line.trim_start();
    let mut at = line.len() - body.len();
    let mut rest = body;
    while let Some(item) = rest.strip_prefix("- ") {
        at += 2;
        rest = item;
    }
    let separator = rest.find(": ").or_else(|| rest.find(":\t"));
    let after = match separator {
        Some(i) => i + 1,
        None if at > line.len() - body.len() => 0,
        None => return None,
    };
    let value = &rest[after..];
    let value_at = at + after + (value.len() - value.trim_start().len());
    (value_at < line.len()).then_some(value_at)
}

/// The key of a `key: value` line, or `-` for a list item.
fn key_of(line: &str) -> &str {
    let body = line.trim_start();
    match body.find(':') {
        Some(i) if !body.starts_with("- ") => body[..i].trim(),
        _ => "-",
    }
}

/// What comes before the value at `value` in `line`, from its first
/// non-space: `key: ` or `- `.
fn prefix(line: &str, value: usize) -> String {
    format!("{} ", line[..value].trim())
}

/// The text between the quote at `value` and the same quote ending the
/// line, if the line ends with it.
fn quoted_inner(line: &str, value: usize) -> Option<&str> {
    let quoted = line[value..].trim_end();
    let quote = quoted.chars().next()?;
    (quoted.len() >= 2 && quoted.ends_with(quote)).then(|| &quoted[1..quoted.len() - 1])
}

/// `text` as a single-quoted YAML scalar.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Whether `token` is a block scalar header: `|` or `>`, then an optional
/// chomping indicator and indentation digit.
fn is_block_indicator(token: &str) -> bool {
    let mut chars = token.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'))
        && token.len() <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_start_after_the_key_or_the_dash() {
        assert_eq!(value_start("  a: b"), Some(5));
        assert_eq!(value_start("  - b"), Some(4));
        assert_eq!(value_start("  - a:  b"), Some(8));
        assert_eq!(value_start("  a:"), None);
        assert_eq!(value_start("  a: "), None);
        assert_eq!(value_start("plain text"), None);
    }

    #[test]
    fn any_position_and_message_gives_an_explanation_inside_the_text() {
        let texts = [
            "",
            "a",
            "é: \"x\n",
            "a: 'b\n  - c:d\n\t\"",
            "k: >- x\n  y\n",
            "- \"a\" b\n- 'c' d",
            "a:\n  b: [x] y\n   c: d: e\n\"\\q\"",
            "ünï: `x`\n@y: \"\\u12\"\n",
        ];
        let messages = [
            "found a tab",
            "did not find expected comment or line break, while scanning a block scalar",
            "found unknown escape character",
            "found unexpected end of stream, while scanning a quoted scalar at line 9 column 99",
            "mapping values are not allowed in this context",
            "found character that cannot start any token",
            "could not find expected ':', while scanning a simple key at line 2 column 3",
            "simple key expect ':'",
            "block sequence entries are not allowed in this context",
            "did not find expected key",
            "invalid trailing content after double-quoted scalar",
            "something else",
        ];
        for text in texts {
            for at in 0..=text.len() {
                for message in messages {
                    let explained = explain(text, at, message);
                    assert!(explained.at <= text.len(), "{text:?} {at} {message}");
                    assert!(!explained.help.is_empty());
                }
            }
        }
    }

    #[test]
    fn block_indicators() {
        for token in ["|", ">", ">-", "|+", ">2", "|2-"] {
            assert!(is_block_indicator(token), "{token}");
        }
        for token in ["", "-", ">>", "|x", "text"] {
            assert!(!is_block_indicator(token), "{token}");
        }
    }
}
