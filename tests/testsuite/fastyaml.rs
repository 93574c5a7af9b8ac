//! The YAML fast path against serde_yaml (issue "speed"): on every YAML
//! file and front matter in the repository, and on thousands of generated
//! documents, `fastyaml::parse` either declines (`None`) or returns exactly
//! serde_yaml's value. Well-formed documents of the subset must take the
//! fast path, or the speed-up would silently vanish.

use std::path::{Path, PathBuf};

use partnerbook::frontmatter;
use partnerbook::yaml::fast as fastyaml;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_yaml::Value;

use crate::support::repo;

/// The fast parser declined `text`, or agreed with serde_yaml on it.
fn agrees(text: &str) -> Result<(), TestCaseError> {
    if let Some(fast) = fastyaml::parse(text) {
        let slow = serde_yaml::from_str::<Value>(text);
        prop_assert!(
            slow.as_ref().ok() == Some(&fast),
            "fast path differs from serde_yaml on {text:?}:\nfast: {fast:?}\nserde_yaml: {slow:?}"
        );
    }
    Ok(())
}

/// Every `.yaml` file under `dir`, and the front matter of every `.md`
/// file, with its path.
fn yaml_texts(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("readable folder");
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str());
        if !entry.file_type().is_file() || !matches!(ext, Some("yaml" | "md")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
        let yaml = if ext == Some("md") {
            match frontmatter::split(&text) {
                Ok(split) => split.yaml.map(|range| text[range].to_owned()),
                Err(_) => None,
            }
        } else {
            Some(text)
        };
        texts.extend(yaml.map(|yaml| (path.to_owned(), yaml)));
    }
    texts
}

/// The repository's own content and configuration, which are in the subset.
fn site_texts() -> Vec<(PathBuf, String)> {
    let mut texts = yaml_texts(&repo().join("content"));
    texts.extend(yaml_texts(&repo().join("partnerbook.yaml")));
    texts
}

/// Every YAML text of the repository's test sites.
fn test_texts() -> Vec<(PathBuf, String)> {
    let mut texts = yaml_texts(&repo().join("tests/fixtures"));
    texts.extend(yaml_texts(&repo().join("tests/ui")));
    texts
}

#[test]
fn the_sites_own_content_takes_the_fast_path() {
    let texts = site_texts();
    assert!(texts.len() >= 15, "found only {} files", texts.len());
    for (path, text) in texts {
        let expected: Value = serde_yaml::from_str(&text).expect("valid YAML");
        let fast = fastyaml::parse(&text);
        assert!(fast.is_some(), "{} fell back", path.display());
        assert_eq!(fast, Some(expected), "{}", path.display());
    }
}

#[test]
fn every_test_site_file_agrees_with_serde_yaml() {
    let texts = test_texts();
    assert!(texts.len() >= 40, "found only {} files", texts.len());
    let mut fast = 0;
    for (path, text) in &texts {
        let slow = serde_yaml::from_str::<Value>(text);
        match fastyaml::parse(text) {
            Some(value) => {
                fast += 1;
                assert_eq!(slow.ok(), Some(value), "{}", path.display());
            }
            // the fallback is what keeps every diagnostic as it was
            None => assert!(
                slow.is_err() || !text.is_ascii() || text.contains(['\t', '&', '{', '!']),
                "{} fell back for no visible reason",
                path.display()
            ),
        }
    }
    // the broken files (invalid-yaml, bad-config, ...) fall back, the rest not
    assert!(fast * 10 >= texts.len() * 9, "{fast} of {}", texts.len());
}

// ---------------------------------------------------------------------------
// Generated documents of the subset

/// A node of a generated document, with its layout.
#[derive(Debug, Clone)]
enum Node {
    /// A scalar written on its key's or dash's line (plain, quoted, flow
    /// sequence; empty for null).
    Inline(String),
    /// A block scalar: its header (`|`, `>-`, ...) and its lines, each
    /// with extra indentation and text (empty text: a blank line with that
    /// many spaces, capped at the block's indentation).
    Block(String, Vec<(usize, String)>),
    /// A block mapping: `step` is its indentation below its parent,
    /// `inline` puts its first key on a sequence dash's line.
    Map {
        entries: Vec<(String, Node)>,
        step: usize,
        inline: bool,
    },
    /// A block sequence; `indentless` puts it at its key's indentation.
    Seq {
        items: Vec<Node>,
        step: usize,
        indentless: bool,
    },
}

/// A plain scalar in block context: words, numbers, keywords, dates.
fn plain() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9 ._/()@%,'\"!&*?|>=+-]{0,24}[a-zA-Z0-9.)]",
        "[a-zA-Z][a-z]{0,6}",
        "[a-z]+[:#][a-z0-9/]+",
        "(Café|naïve|日本語|Zürich|Ωmega) [a-z]{1,5}",
        number(),
        keyword(),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
        "(USD|EUR) [0-9]{1,3}[MK]( ARR)?",
    ]
}

/// Spellings that may or may not be numbers.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => flow_number(),
        1 => "[0-9]{1,2}:[0-9]{2}",
    ]
}

/// Number-like spellings without a `:`, for flow sequences.
fn flow_number() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?[0-9]{1,18}",
        "[+-]?0[0-9]{1,4}",
        "[+-]?0x[0-9a-fA-F]{0,8}",
        "[+-]?0o[0-9]{0,6}",
        "[+-]?0b[0-2]{0,8}",
        "[+-]?[0-9]{0,4}\\.[0-9]{0,4}([eE][+-]?[0-9]{1,3})?",
        "[+-]?\\.(inf|Inf|INF|nan|NaN|NAN|iNf)",
        "[0-9]{1,3}(_[0-9]{3}){1,2}",
    ]
}

/// The null and bool spellings, and near misses.
fn keyword() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "null", "Null", "NULL", "nuLL", "~", "true", "True", "TRUE", "trUe", "false", "False",
        "FALSE", "yes", "No", "on", "OFF", "y", "n", "inf", "nan", "Infinity",
    ])
    .prop_map(str::to_owned)
}

/// A plain scalar inside a flow sequence: no `,:#[]{}`.
fn flow_plain() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9 ._/()@%'\"!&*?|>=+-]{0,12}[a-zA-Z0-9.)]",
        flow_number(),
        keyword(),
    ]
}

/// Text for a one-line quoted string, before escaping.
fn quotable() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 #:,'\"\\\\\\[\\]{}&*!|>%@`é日-]{0,20}"
}

/// A double-quoted string using every escape libyaml knows.
fn double_quoted() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        quotable().prop_map(|s| s.replace('\\', "\\\\").replace('"', "\\\"")),
        prop::sample::select(vec![
            "\\0",
            "\\a",
            "\\b",
            "\\t",
            "\\n",
            "\\v",
            "\\f",
            "\\r",
            "\\e",
            "\\ ",
            "\\\"",
            "\\/",
            "\\\\",
            "\\N",
            "\\_",
            "\\L",
            "\\P",
            "\\x41",
            "\\xe9",
            "\\u00e9",
            "\\u263A",
            "\\U0001F600",
            "\\u0000",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|pieces| format!("\"{}\"", pieces.concat()))
}

/// A value on its key's or dash's line.
fn inline() -> impl Strategy<Value = String> {
    let comment = prop::option::of("[ ]{1,2}#[ a-z:#]{0,8}").prop_map(Option::unwrap_or_default);
    let item = prop_oneof![
        flow_plain(),
        quotable().prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        double_quoted(),
    ];
    let value = prop_oneof![
        4 => plain(),
        1 => Just(String::new()),
        2 => quotable().prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        2 => double_quoted(),
        2 => (prop::collection::vec(item, 0..4), "[ ]{0,1}", "[ ]{0,1}").prop_map(
            |(items, before, after)| format!("[{before}{}{after}]", items.join(&format!("{after},{before} ")))
        ),
    ];
    (value, comment).prop_map(|(value, comment)| {
        if value.is_empty() && comment.is_empty() {
            value
        } else {
            format!("{value}{comment}")
        }
    })
}

/// A block scalar's header and lines.
fn block() -> impl Strategy<Value = Node> {
    let header = (
        prop::sample::select(vec!["|", ">"]),
        prop::sample::select(vec!["", "-", "+"]),
        prop::sample::select(vec!["", " # header comment", "  "]),
    )
        .prop_map(|(style, chomp, tail)| format!("{style}{chomp}{tail}"));
    let line = prop_oneof![
        5 => (Just(0usize), "[a-zA-Z*#:>|-][a-zA-Z0-9 .,:#'\"*\\[\\]-]{0,30}"),
        2 => (1usize..4, "[a-zA-Z0-9.,:#-][a-zA-Z0-9 .,:#-]{0,19}"),
        1 => (0usize..2, "\t[a-z ]{0,5}"),
        2 => (0usize..6, Just(String::new())),
    ];
    (header, prop::collection::vec(line, 0..8))
        .prop_map(|(header, lines)| Node::Block(header, lines))
}

/// A key: plain or quoted, numeric or a keyword now and then; `i` keeps
/// the keys of one mapping apart.
fn key(i: usize, form: u8) -> String {
    match form % 8 {
        0 => format!("'key {i}'"),
        1 => format!("\"k\\t{i}\""),
        2 => format!("{}", 100 + i),
        3 => format!("k{i}  "),
        4 => format!("key_{i}.x/y"),
        5 if i == 0 => "~".to_owned(),
        6 if i == 0 => "true".to_owned(),
        _ => format!("field_{i}"),
    }
}

/// A document tree: mappings and sequences of inline and block scalars.
fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![3 => inline().prop_map(Node::Inline), 1 => block()];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            (
                prop::collection::vec((any::<u8>(), inner.clone()), 1..5),
                1usize..5,
                any::<bool>()
            )
                .prop_map(|(entries, step, inline)| Node::Map {
                    entries: entries
                        .into_iter()
                        .enumerate()
                        .map(|(i, (form, node))| (key(i, form), node))
                        .collect(),
                    step,
                    inline,
                }),
            (prop::collection::vec(inner, 1..5), 1usize..4, any::<bool>()).prop_map(
                |(items, step, indentless)| Node::Seq {
                    items,
                    step,
                    indentless,
                }
            ),
        ]
    })
}

/// A whole document: a root mapping, and how to dress it.
fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((any::<u8>(), node()), 1..6),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(entries, start, comments, crlf)| {
            let entries = entries
                .into_iter()
                .enumerate()
                .map(|(i, (form, node))| (key(i, form), node))
                .collect::<Vec<_>>();
            let mut out = String::new();
            if start {
                out.push_str("# a record\n---\n");
            }
            write_map(&mut out, &entries, 0, None, comments);
            if crlf {
                out = out.replace('\n', "\r\n");
            }
            out
        })
}

/// Writes `entries` at column `indent`; `first_line` is the text already
/// on the first key's line (a sequence dash), if any.
fn write_map(
    out: &mut String,
    entries: &[(String, Node)],
    indent: usize,
    mut first_line: Option<&str>,
    comments: bool,
) {
    for (key, node) in entries {
        match first_line.take() {
            Some(dash) => out.push_str(dash),
            None => out.push_str(&" ".repeat(indent)),
        }
        out.push_str(key);
        out.push(':');
        write_value(out, node, indent, true, comments);
        if comments && key.len() % 3 == 0 {
            out.push_str("# between entries\n\n");
        }
    }
}

/// Writes the value of a key or dash at column `parent`, starting on the
/// key's line.
fn write_value(out: &mut String, node: &Node, parent: usize, in_map: bool, comments: bool) {
    match node {
        Node::Inline(text) if text.is_empty() => out.push('\n'),
        Node::Inline(text) => {
            out.push(' ');
            out.push_str(text);
            out.push('\n');
        }
        Node::Block(header, lines) => {
            out.push(' ');
            out.push_str(header);
            out.push('\n');
            write_block(out, lines, parent + 1 + parent % 2);
        }
        Node::Map {
            entries,
            step,
            inline,
        } => {
            if *inline && !in_map {
                // `-` then `step` spaces, then the first key
                out.push_str(&" ".repeat(*step));
                write_map(out, entries, parent + 1 + step, Some(""), comments);
            } else {
                out.push('\n');
                if comments {
                    out.push_str(&" ".repeat(parent + step));
                    out.push_str("# nested\n");
                }
                write_map(out, entries, parent + step, None, comments);
            }
        }
        Node::Seq {
            items,
            step,
            indentless,
        } => {
            out.push('\n');
            let indent = if *indentless && in_map {
                parent
            } else {
                parent + step
            };
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                write_value(out, item, indent, false, comments);
            }
        }
    }
}

/// Writes a block scalar's lines at column `indent`: the first content
/// line sets the indentation, so it gets no extra, and blank lines before
/// it are no wider than it.
fn write_block(out: &mut String, lines: &[(usize, String)], indent: usize) {
    let mut seen_content = false;
    for (extra, text) in lines {
        if text.is_empty() {
            let width = if seen_content {
                indent + extra
            } else {
                indent.min(*extra)
            };
            out.push_str(&" ".repeat(width));
        } else {
            let extra = if seen_content { *extra } else { 0 };
            out.push_str(&" ".repeat(indent + extra));
            if !seen_content && text.starts_with('\t') {
                // a tab where the indentation is being detected is an error
                out.push('x');
            }
            out.push_str(text);
            seen_content = true;
        }
        out.push('\n');
    }
}

/// Edits that break a document in the ways people do.
fn garble(text: &str, edits: &[(u16, u8, String)]) -> String {
    let mut text = text.to_owned();
    for (at, kind, token) in edits {
        if text.is_empty() {
            break;
        }
        let mut i = usize::from(*at) * text.len() / usize::from(u16::MAX);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
        match kind % 7 {
            0 | 1 => text.insert_str(i, token),
            2 => {
                let mut end = (i + token.len()).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(i..end, "");
            }
            3 => text.insert_str(line_start, &" ".repeat(token.len() % 4 + 1)),
            4 => {
                if text[line_start..].starts_with(' ') {
                    text.remove(line_start);
                }
            }
            5 => {
                let line = text[line_start..line_end].to_owned();
                text.insert_str(line_end, &line);
            }
            _ => text.replace_range(line_start..line_end, &token.replace('\n', "")),
        }
    }
    text
}

/// Bits of YAML syntax and content to garble with.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            " ",
            "  ",
            ":",
            ": ",
            "- ",
            "-",
            "#",
            " #",
            "'",
            "\"",
            "''",
            "|",
            ">",
            "|-",
            ">+",
            "|2",
            "[",
            "]",
            ", ",
            "{",
            "}",
            "&a ",
            "*a",
            "!t ",
            "? ",
            "%",
            "@",
            "`",
            "\\",
            "\\n",
            "\\x",
            "null",
            "~",
            "true",
            "False",
            "0x1F",
            "0o7",
            "1e3",
            ".inf",
            "-.5",
            "007",
            "99999999999999999999",
            "2026-01-15",
            "é",
            "日",
            "\t",
            "\r",
            "\r\n",
            "\n",
            "\n\n",
            "\u{85}",
            "\u{a0}",
            "\u{2028}",
            "\u{feff}",
            "\u{7}",
            "---",
            "...",
            "---\n",
            "key: value\n",
            "- item\n",
            "  nested: 1\n",
            "dup: 1\ndup: 2\n",
            "a: b: c",
        ])
        .prop_map(str::to_owned),
        "[ -~]{1,6}",
    ]
}

/// Lines shaped like YAML (indentation, a dash, a key, a separator, a
/// value, a comment), each part drawn from plausible and broken spellings.
fn soup() -> impl Strategy<Value = String> {
    let pick = |options: &[&'static str]| prop::sample::select(options.to_vec());
    let line = (
        pick(&["", "", "", "  ", "  ", "    ", " ", "   "]),
        pick(&["", "", "", "", "- ", "- ", "-  ", "-", "- - ", "? ", "-\t"]),
        pick(&[
            "a", "b", "key", "a b", "'q'", "\"d\"", "1", "~", "x#y", "", "&a a", "[k]",
        ]),
        pick(&[": ", ": ", ": ", ":", ":", " ", " : ", ":\t"]),
        prop_oneof![
            2 => token(),
            3 => plain(),
            3 => inline(),
        ],
        pick(&["", "", "", " # c", "#c", "  #"]),
    )
        .prop_map(|(indent, dash, key, sep, value, comment)| {
            format!("{indent}{dash}{key}{sep}{value}{comment}\n")
        });
    prop::collection::vec(line, 1..5).prop_map(|lines| lines.concat())
}

// The case counts keep this module to about ten seconds of a debug build.
// At these counts, bugs planted in the parser by hand (in folding,
// chomping, indentation detection, scalar types, escapes, comments,
// duplicate keys, line breaks) were caught by these properties.
proptest! {
    #![proptest_config(Config::with_cases(1000))]

    /// Well-formed documents of the subset take the fast path and give
    /// serde_yaml's value.
    #[test]
    fn generated_documents_take_the_fast_path(text in document()) {
        let expected = serde_yaml::from_str::<Value>(&text);
        prop_assert!(expected.is_ok(), "generated invalid YAML {text:?}: {expected:?}");
        let fast = fastyaml::parse(&text);
        prop_assert!(fast.is_some(), "fell back on {text:?}");
        prop_assert_eq!(fast, expected.ok(), "{:?}", text);
    }

    /// Garbled documents fall back or agree.
    #[test]
    fn garbled_documents_agree(
        text in document(),
        edits in prop::collection::vec((any::<u16>(), any::<u8>(), token()), 1..4),
    ) {
        agrees(&garble(&text, &edits))?;
    }

    /// Lines of random tokens fall back or agree.
    #[test]
    fn token_soup_agrees(text in soup()) {
        agrees(&text)?;
    }

    /// Scalar spellings are typed as serde_yaml types them, as values, keys
    /// and flow items.
    #[test]
    fn scalars_are_typed_alike(
        scalar in prop_oneof![
            number(),
            keyword(),
            "[-+.~0-9a-fA-FxXoObBeEnNiI_:]{1,10}",
            "[1-9][0-9]{17,40}",
            "-[1-9][0-9]{17,40}",
        ],
    ) {
        agrees(&format!("k: {scalar}\n"))?;
        agrees(&format!("{scalar}: v\n"))?;
        agrees(&format!("k: [{scalar}]\n"))?;
        // anything serde_yaml reads on its own line the fast path reads too
        let text = format!("k: {scalar}\n");
        // (but `?` and `:` starting a plain scalar are left to serde_yaml)
        if serde_yaml::from_str::<Value>(&text).is_ok() && !scalar.starts_with([':', '?']) {
            prop_assert!(fastyaml::parse(&text).is_some(), "fell back on {text:?}");
        }
    }
}

proptest! {
    #![proptest_config(Config::with_cases(1000))]

    /// The repository's files, garbled, fall back or agree.
    #[test]
    fn garbled_repository_files_agree(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<u16>(), any::<u8>(), token()), 1..4),
    ) {
        thread_local! {
            static TEXTS: Vec<(PathBuf, String)> = {
                let mut texts = site_texts();
                texts.extend(test_texts());
                texts
            };
        }
        let text = TEXTS.with(|texts| pick.get(texts).1.clone());
        agrees(&garble(&text, &edits))?;
    }
}
