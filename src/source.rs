//! Source files as the diagnostics see them: a path relative to the site
//! root, the text, and the one function that turns a byte offset into a
//! 1-based line and column.

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
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line: before.bytes().filter(|&b| b == b'\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// The byte range of the whole line (without its line break) that holds `offset`.
pub fn line_range(text: &str, offset: usize) -> Range<usize> {
    let offset = floor_char_boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end
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
    fn offset_of_inverts_line_col() {
        for offset in [0, 5, 8, 30, TEXT.len()] {
            let LineCol { line, column } = line_col(TEXT, offset);
            assert_eq!(offset_of(TEXT, line, column), offset);
        }
    }
}
