//! Splitting a Markdown file into its YAML front matter and its body.

use std::ops::Range;

/// A Markdown file cut in two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the `---` lines, as a byte range of the file; `None`
    /// when the file has no front matter.
    pub yaml: Option<Range<usize>>,
    /// The Markdown after the closing `---` line.
    pub body: Range<usize>,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// Where the opening `---` is.
    pub opening: Range<usize>,
}

/// Splits `text`. Front matter opens with a line that is exactly `---` on
/// the first line and closes with the next line that is `---` (or `...`);
/// trailing spaces and `\r\n` line breaks are accepted.
pub fn split(text: &str) -> Result<Split, Unclosed> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            body: 0..text.len(),
        });
    }
    let mut at = first_end;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                yaml: Some(first_end..at),
                body: end..text.len(),
            });
        }
        at = end;
    }
    Err(Unclosed { opening: 0..3 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Option<&str>, &str) {
        let s = split(text).unwrap();
        (s.yaml.map(|r| &text[r]), &text[s.body])
    }

    #[test]
    fn with_front_matter() {
        assert_eq!(
            parts("---\ntitle: A\n---\n# Body\n"),
            (Some("title: A\n"), "# Body\n")
        );
    }

    #[test]
    fn crlf_and_trailing_spaces() {
        assert_eq!(
            parts("--- \r\ntitle: A\r\n---\r\nBody"),
            (Some("title: A\r\n"), "Body")
        );
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        assert_eq!(parts("---\n---"), (Some(""), ""));
    }

    #[test]
    fn without_front_matter() {
        assert_eq!(parts("# Title\n---\n"), (None, "# Title\n---\n"));
        assert_eq!(parts(""), (None, ""));
    }

    #[test]
    fn a_thematic_break_in_the_body_is_not_a_delimiter() {
        assert_eq!(
            parts("---\na: 1\n---\nx\n---\ny"),
            (Some("a: 1\n"), "x\n---\ny")
        );
    }

    #[test]
    fn unclosed() {
        assert_eq!(split("---\ntitle: A\n"), Err(Unclosed { opening: 0..3 }));
    }
}
