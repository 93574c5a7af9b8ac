//! Source files as the diagnostics see them: a path relative to the site
//! root, the text, and the one place ([`Lines::line_col`]) that turns a byte
//! offset into a 1-based line and column.

use std::ops::Range;

/// A file that was read from the site, kept so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path relative to the site root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// A position in a text: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
}

/// The line and column of byte `offset` in `text`.
///
/// An offset past the end, or inside a multi-byte character, is clamped to
/// the nearest character boundary before it, so a span computed on a
/// slightly different text never panics.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    Lines::new(text).line_col(offset)
}

/// The byte range of the whole line (without its line break) that holds `offset`.
pub fn line_range(text: &str, offset: usize) -> Range<usize> {
    let offset = floor_char_boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    without_cr(text, start, end)
}

/// `start..end`, less a carriage return that ends it.
fn without_cr(text: &str, start: usize, end: usize) -> Range<usize> {
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        start..end - 1
    } else {
        start..end
    }
}

/// A text indexed for many line and column look-ups: one pass over the
/// text, then each look-up costs a binary search and a bounded count. A
/// file with 100,000 problems (issue "hostile input", part 2) must not be
/// scanned from its start 100,000 times.
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    /// Where each line starts.
    starts: Vec<usize>,
    /// How many characters come before byte `i * CHUNK`, for each `i`.
    chars_before: Vec<usize>,
}

/// The stride of [`Lines::chars_before`]: a look-up counts at most this
/// many bytes.
const CHUNK: usize = 1024;

impl<'a> Lines<'a> {
    /// Indexes `text`.
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_before = Vec::with_capacity(text.len() / CHUNK + 1);
        let mut count = 0;
        for chunk in text.as_bytes().chunks(CHUNK) {
            chars_before.push(count);
            count += chars_in(chunk);
        }
        chars_before.push(count);
        Lines {
            text,
            starts,
            chars_before,
        }
    }

    /// The line and column of byte `offset`, clamped as [`line_col`] says.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(self.text, offset);
        // the first start is 0, so at least one start is at or before `offset`
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        LineCol {
            line,
            column: self.chars_to(offset) - self.chars_to(start) + 1,
        }
    }

    /// The byte range of the whole line (without its line break) that
    /// holds `offset`.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        without_cr(self.text, start, end)
    }

    /// How many characters come before byte `offset` (a char boundary).
    fn chars_to(&self, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        self.chars_before[chunk] + chars_in(&self.text.as_bytes()[chunk * CHUNK..offset])
    }
}

/// The number of characters that start in `bytes` (UTF-8 continuation
/// bytes do not start one).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// The byte offset where 1-based `line` starts, and `column` (1-based,
/// characters) within it; clamped to the text.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..line_range(text, start).end];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// The largest character boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name: A\ntier: strategic\nproposition:\n  partner_benefit: TBD";

    #[test]
    fn first_line_first_column() {
        assert_eq!(line_col(TEXT, 0), LineCol { line: 1, column: 1 });
        assert_eq!(line_col(TEXT, 6), LineCol { line: 1, column: 7 });
    }

    #[test]
    fn last_line_without_trailing_newline() {
        let at = TEXT.find("TBD").unwrap();
        assert_eq!(
            line_col(TEXT, at),
            LineCol {
                line: 4,
                column: 20
            }
        );
        assert_eq!(
            line_col(TEXT, TEXT.len()),
            LineCol {
                line: 4,
                column: 23
            }
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "name: Café Crème\ntier: x";
        let at = text.find("Crème").unwrap();
        assert_eq!(
            line_col(text, at),
            LineCol {
                line: 1,
                column: 12
            }
        );
        // inside the two-byte 'é': clamped back to its start
        let inside = text.find('é').unwrap() + 1;
        assert_eq!(line_col(text, inside).column, 10);
    }

    #[test]
    fn offset_past_the_end_is_clamped() {
        assert_eq!(line_col("ab", 99), LineCol { line: 1, column: 3 });
    }

    #[test]
    fn line_range_strips_crlf() {
        let text = "a: 1\r\nb: 2\r\n";
        assert_eq!(&text[line_range(text, 7)], "b: 2");
        assert_eq!(&text[line_range(text, 0)], "a: 1");
    }

    #[test]
    fn lines_agree_with_a_plain_count_on_long_mixed_text() {
        // long enough to cross many chunks, with multi-byte characters
        // before and after chunk boundaries
        let text: String = (0..3000)
            .map(|i| match i % 7 {
                0 => "é\n".to_string(),
                1 => "€€€".to_string(),
                2 => "\r\n".to_string(),
                _ => "ab".to_string(),
            })
            .collect();
        let lines = Lines::new(&text);
        for offset in (0..=text.len() + 2).step_by(37) {
            let at = floor_char_boundary(&text, offset);
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let expected = LineCol {
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
            };
            assert_eq!(lines.line_col(offset), expected, "at {offset}");
        }
    }

    #[test]
    fn offset_of_inverts_line_col() {
        for offset in [0, 5, 8, 30, TEXT.len()] {
            let LineCol { line, column } = line_col(TEXT, offset);
            assert_eq!(offset_of(TEXT, line, column), offset);
        }
    }
}
