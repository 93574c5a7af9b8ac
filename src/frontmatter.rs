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

/// Front matter written in TOML between `+++` lines, as Hugo and Zola
/// read it, which partnerbook does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Toml {
    /// Where the opening `+++` is.
    pub opening: Range<usize>,
    /// The first `key = value` line, and how it is written in YAML, for
    /// the help: (`title = "First call"`, `title: First call`).
    pub example: Option<(String, String)>,
}

/// The TOML front matter `text` opens with, if it does: a first line that
/// is exactly `+++`.
pub(crate) fn toml(text: &str) -> Option<Toml> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "+++" {
        return None;
    }
    let example = text[first_end..]
        .lines()
        .take_while(|l| l.trim_end() != "+++")
        .find_map(|line| {
            let (key, value) = line.split_once(" = ")?;
            let key = key.trim();
            let value = value.trim();
            let inner = value.strip_prefix('"')?.strip_suffix('"')?;
            // a plain YAML scalar when nothing in it means more in YAML
            let plain = inner.chars().next().is_some_and(char::is_alphanumeric)
                && inner
                    .chars()
                    .all(|c| c.is_alphanumeric() || " .,'()!?-".contains(c));
            let yaml = if plain {
                format!("{key}: {inner}")
            } else {
                format!("{key}: {value}")
            };
            Some((format!("{key} = {value}"), yaml))
        });
    Some(Toml {
        opening: 0..3,
        example,
    })
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
    fn toml_front_matter_is_recognised_with_an_example() {
        let toml = toml("+++\r\ndate = 2026-01-01\ntitle = \"The first call\"\n+++\nBody").unwrap();
        assert_eq!(toml.opening, 0..3);
        assert_eq!(
            toml.example,
            Some((
                "title = \"The first call\"".to_string(),
                "title: The first call".to_string()
            ))
        );
        let quoted = super::toml("+++\ntitle = \"Yes: or no\"\n+++\n").unwrap();
        assert_eq!(quoted.example.unwrap().1, "title: \"Yes: or no\"");
        assert_eq!(super::toml("+++\n+++\n").unwrap().example, None);
        assert_eq!(super::toml("---\ntitle: A\n---\n"), None);
        assert_eq!(super::toml("a\n+++\n"), None);
    }

    #[test]
    fn unclosed() {
        assert_eq!(split("---\ntitle: A\n"), Err(Unclosed { opening: 0..3 }));
    }
}
