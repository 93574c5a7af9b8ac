//! Property tests for the span index (`yaml::SpanIndex`) and the
//! diagnostics placed with it: whatever the YAML, every span lies inside
//! the text on character boundaries, and a diagnostic's line and column are
//! those of its span's start, on the line it quotes.
//!
//! Well-formed documents come from a small grammar (block and flow
//! collections, plain, quoted and block scalars, comments, non-ASCII text,
//! `\r\n` line breaks) that also says where each node is, so spans are
//! checked exactly, not only for bounds. Mutated documents (bytes deleted,
//! inserted, lines repeated or re-indented) check that broken YAML still
//! gives sane spans.

use std::ops::Range;

use partnerbook::diagnostic::{Code, Diagnostic};
use partnerbook::source::{self, SourceFile};
use partnerbook::yaml::{self, Issue, Seg, SpanIndex, Target, Value, YamlPath};
use proptest::prelude::*;

/// A node of a generated document.
#[derive(Debug, Clone)]
enum Node {
    /// A scalar, and how it is written.
    Scalar(Style, String),
    /// A flow sequence of plain scalars: `[a, b]`.
    Flow(Vec<String>),
    /// A block mapping (unique keys).
    Map(Vec<(String, Node)>),
    /// A block sequence.
    Seq(Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

/// Words for plain scalars and keys: ASCII, accented, CJK, emoji.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Zé日😀][a-zA-Z0-9é日😀_]{0,8}"
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..4).prop_map(|w| w.join(" "))
}

fn scalar() -> impl Strategy<Value = Node> {
    (
        prop_oneof![
            4 => Just(Style::Plain),
            1 => Just(Style::Single),
            1 => Just(Style::Double),
            1 => Just(Style::Literal),
            1 => Just(Style::Folded),
        ],
        text(),
    )
        .prop_map(|(style, s)| Node::Scalar(style, s))
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        4 => scalar(),
        1 => prop::collection::vec(word(), 0..4).prop_map(Node::Flow),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec((word(), inner.clone()), 0..4).prop_map(|entries| {
                let mut seen = std::collections::HashSet::new();
                Node::Map(
                    entries
                        .into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
            prop::collection::vec(inner, 0..4).prop_map(Node::Seq),
        ]
    })
}

/// A document: a mapping at the root, as partner records are.
fn document() -> impl Strategy<Value = (Node, Layout)> {
    (prop::collection::vec((word(), node()), 1..5), layout()).prop_map(|(entries, layout)| {
        let mut seen = std::collections::HashSet::new();
        let entries = entries
            .into_iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .collect();
        (Node::Map(entries), layout)
    })
}

/// How a document is laid out around its nodes.
#[derive(Debug, Clone, Copy)]
struct Layout {
    crlf: bool,
    comments: bool,
    document_marker: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(crlf, comments, document_marker)| {
        Layout {
            crlf,
            comments,
            document_marker,
        }
    })
}

/// Where a node was written, for the exact checks.
#[derive(Debug, Clone)]
struct Written {
    path: YamlPath,
    /// The key's byte range, for a mapping entry.
    key: Option<Range<usize>>,
    /// For a one-line scalar: the byte range of its text, quotes included.
    scalar: Option<Range<usize>>,
}

/// Writes YAML text, recording where each node lands.
struct Writer {
    out: String,
    nl: &'static str,
    comments: bool,
    written: Vec<Written>,
    n: usize,
}

impl Writer {
    fn newline(&mut self) {
        self.out.push_str(self.nl);
    }

    /// A comment line now and then, when the layout has comments.
    fn comment(&mut self, indent: usize) {
        self.n += 1;
        if self.comments && self.n.is_multiple_of(3) {
            self.out.push_str(&" ".repeat(indent));
            self.out
                .push_str("# a comment: with [yaml] - looking, text é");
            self.newline();
        }
    }

    fn map(&mut self, entries: &[(String, Node)], indent: usize, path: &YamlPath) {
        for (key, value) in entries {
            self.comment(indent);
            self.out.push_str(&" ".repeat(indent));
            let start = self.out.len();
            self.out.push_str(key);
            let key_range = start..self.out.len();
            self.out.push(':');
            let mut p = path.clone();
            p.push(Seg::Key(key.clone()));
            self.value(value, indent, p, Some(key_range));
        }
    }

    fn seq(&mut self, items: &[Node], indent: usize, path: &YamlPath) {
        for (i, item) in items.iter().enumerate() {
            self.comment(indent);
            self.out.push_str(&" ".repeat(indent));
            self.out.push('-');
            let mut p = path.clone();
            p.push(Seg::Index(i));
            self.value(item, indent, p, None);
        }
    }

    /// A value after `key:` or `-`, on the same line when it fits there.
    fn value(&mut self, node: &Node, indent: usize, path: YamlPath, key: Option<Range<usize>>) {
        let mut scalar = None;
        match node {
            Node::Scalar(style, s) => {
                self.out.push(' ');
                let start = self.out.len();
                match style {
                    Style::Plain => self.out.push_str(s),
                    Style::Single => self.out.push_str(&format!("'{s}'")),
                    Style::Double => self.out.push_str(&format!("\"{s}\"")),
                    Style::Literal | Style::Folded => {
                        self.out
                            .push(if *style == Style::Literal { '|' } else { '>' });
                        for line in s.split(' ') {
                            self.newline();
                            self.out.push_str(&" ".repeat(indent + 2));
                            self.out.push_str(line);
                        }
                    }
                }
                if matches!(style, Style::Plain | Style::Single | Style::Double) {
                    scalar = Some(start..self.out.len());
                    if self.comments {
                        self.out.push_str(" # trailing: comment");
                    }
                }
                self.newline();
            }
            Node::Flow(items) => {
                self.out.push_str(" [");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    let start = self.out.len();
                    self.out.push_str(item);
                    let mut p = path.clone();
                    p.push(Seg::Index(i));
                    self.written.push(Written {
                        path: p,
                        key: None,
                        scalar: Some(start..self.out.len()),
                    });
                }
                self.out.push(']');
                self.newline();
            }
            Node::Map(entries) if entries.is_empty() => {
                self.out.push_str(" {}");
                self.newline();
            }
            Node::Seq(items) if items.is_empty() => {
                self.out.push_str(" []");
                self.newline();
            }
            Node::Map(entries) => {
                self.newline();
                self.map(entries, indent + 2, &path);
            }
            Node::Seq(items) => {
                self.newline();
                self.seq(items, indent + 2, &path);
            }
        }
        self.written.push(Written { path, key, scalar });
    }
}

/// The text of a document and where its nodes are.
fn write(root: &Node, layout: Layout) -> (String, Vec<Written>) {
    let mut w = Writer {
        out: String::new(),
        nl: if layout.crlf { "\r\n" } else { "\n" },
        comments: layout.comments,
        written: Vec::new(),
        n: 0,
    };
    if layout.comments {
        w.out.push_str("# a partner record");
        w.newline();
    }
    if layout.document_marker {
        w.out.push_str("---");
        w.newline();
    }
    let Node::Map(entries) = root else {
        unreachable!("documents are mappings")
    };
    w.map(entries, 0, &Vec::new());
    (w.out, w.written)
}

/// Every path in a parsed value (string keys only).
fn paths(value: &Value, path: &mut YamlPath, out: &mut Vec<YamlPath>) {
    out.push(path.clone());
    match value {
        Value::Mapping(m) => {
            for (k, v) in m {
                if let Some(k) = k.as_str() {
                    path.push(Seg::Key(k.to_string()));
                    paths(v, path, out);
                    path.pop();
                }
            }
        }
        Value::Sequence(s) => {
            for (i, v) in s.iter().enumerate() {
                path.push(Seg::Index(i));
                paths(v, path, out);
                path.pop();
            }
        }
        Value::Tagged(t) => paths(&t.value, path, out),
        _ => {}
    }
}

/// Paths near `path` that the document does not hold: below it, past the
/// end of a list, beside it under a new key.
fn missing(path: &YamlPath) -> Vec<YamlPath> {
    let mut below = path.clone();
    below.push(Seg::Key("not-in-the-document".into()));
    let mut past = path.clone();
    past.push(Seg::Index(9_999));
    let mut deeper = below.clone();
    deeper.push(Seg::Index(0));
    vec![below, past, deeper]
}

const TARGETS: [fn() -> Target; 5] = [
    || Target::Key,
    || Target::Value,
    || Target::Absent,
    || Target::Needle("a".into()),
    || Target::Needle("日".into()),
];

/// Asserts that `span` is a valid range of `text`.
fn assert_inside(text: &str, span: &Range<usize>, what: &dyn std::fmt::Debug) {
    assert!(
        span.start <= span.end && text.get(span.clone()).is_some(),
        "{span:?} is not a range of the text ({} bytes) for {what:?}:\n{text}",
        text.len()
    );
}

/// Asserts that a diagnostic's position is its span's start, on the line
/// it quotes, and that the span's line of `file` is that line.
fn assert_placed(d: &Diagnostic, file: &str, span_start: usize) {
    let expected = source::line_col(file, span_start);
    let line = source::line_range(file, span_start);
    assert_eq!(
        (d.line, d.column),
        (expected.line, expected.column),
        "{d:?}\n{file}"
    );
    assert_eq!(d.source_line, &file[line.clone()], "{d:?}");
    // the quoted line is line `d.line` of the file
    let nth = file.split('\n').nth(d.line - 1).expect("the line exists");
    assert_eq!(nth.strip_suffix('\r').unwrap_or(nth), d.source_line);
    // the marker starts at the reported column
    assert_eq!(
        d.source_line[..d.line_span.start].chars().count() + 1,
        d.column,
        "{d:?}"
    );
    assert!(d.line_span.end <= d.source_line.len() + 1, "{d:?}");
    let rendered = d.to_human(false);
    let at = format!("--> {}:{}:{}", d.file, d.line, d.column);
    assert!(rendered.contains(&at), "{at} not in\n{rendered}");
}

/// Locates `path` with every target in `text`, and places an issue for
/// each, as front matter at `offset` of a file, checking both.
fn check_paths(text: &str, index: &SpanIndex, paths: &[YamlPath]) {
    let prefix = "---\n";
    let file = SourceFile {
        path: "content/playbooks/x.md".into(),
        text: format!("{prefix}{text}---\nbody\n"),
    };
    let mut issues = Vec::new();
    let mut starts = Vec::new();
    for path in paths {
        for target in TARGETS.map(|t| t()) {
            let span = index.locate(text, path, &target);
            assert_inside(text, &span, &(path, &target));
            if let Target::Needle(needle) = &target {
                // the needle inside the value, or the whole value
                let value = index.locate(text, path, &Target::Value);
                assert!(
                    span == value
                        || (value.start <= span.start
                            && span.end <= value.end
                            && text[span.clone()].eq_ignore_ascii_case(needle)),
                    "{needle:?} at {span:?} in {value:?} of {path:?}:\n{text}"
                );
            }
            starts.push(prefix.len() + span.start);
            issues.push(Issue::new(
                Code::InvalidValue,
                path.clone(),
                target,
                "message",
                "label",
                "help",
            ));
        }
    }
    let diagnostics = yaml::diagnostics(&file, text, prefix.len(), issues);
    assert_eq!(diagnostics.len(), starts.len());
    for (d, start) in diagnostics.iter().zip(starts) {
        assert_placed(d, &file.text, start);
    }
}

/// A mutation of a document: at a fraction of its length, delete, insert
/// or re-indent.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(f64, usize),
    Insert(f64, String),
    RepeatLine(f64),
    Indent(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..6usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (
            at.clone(),
            prop::collection::vec(
                prop::sample::select(vec![
                    ":", " ", "- ", "\n", "\r", "\t", "[", "]", "{", "}", "'", "\"", "#", "&a ",
                    "*a", "!t ", "|", ">", "? ", ",", "é", "😀", "\u{feff}", "\\", "%",
                ]),
                1..4
            )
            .prop_map(|v| v.concat())
        )
            .prop_map(|(a, s)| Mutation::Insert(a, s)),
        at.clone().prop_map(Mutation::RepeatLine),
        (at, 1..4usize).prop_map(|(a, n)| Mutation::Indent(a, n)),
    ]
}

/// The char boundary nearest a fraction of `text`.
fn boundary(text: &str, at: f64) -> usize {
    let i = (text.len() as f64 * at) as usize;
    source::floor_char_boundary(text, i)
}

fn mutate(text: &mut String, m: &Mutation) {
    match m {
        Mutation::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = text[start..]
                .char_indices()
                .nth(*n)
                .map_or(text.len(), |(i, _)| start + i);
            text.replace_range(start..end, "");
        }
        Mutation::Insert(at, s) => {
            let i = boundary(text, *at);
            text.insert_str(i, s);
        }
        Mutation::RepeatLine(at) => {
            let line = source::line_range(text, boundary(text, *at));
            let copy = format!("{}\n", &text[line.clone()]);
            text.insert_str(line.start, &copy);
        }
        Mutation::Indent(at, n) => {
            let line = source::line_range(text, boundary(text, *at));
            text.insert_str(line.start, &" ".repeat(*n));
        }
    }
}

/// 64 documents per test, a few seconds in a debug build; more with
/// `PROPTEST_CASES=10000 cargo test --release --test testsuite spans`.
fn documents() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(documents())]

    /// In a well-formed document every node is found exactly where it was
    /// written, and every diagnostic about it is placed on its line.
    #[test]
    fn well_formed_documents_are_indexed_exactly((root, layout) in document()) {
        let (text, written) = write(&root, layout);
        let file = SourceFile { path: "x.yaml".into(), text: text.clone() };
        let value = yaml::parse(&file, &text, 0)
            .unwrap_or_else(|d| panic!("the grammar wrote invalid YAML:\n{}", d.to_human(false)));
        let index = SpanIndex::build(&text);
        for w in &written {
            if let Some(key) = &w.key {
                let span = index.locate(&text, &w.path, &Target::Key);
                prop_assert_eq!(&text[span], &text[key.clone()], "key of {:?}", w.path);
            }
            if let Some(scalar) = &w.scalar {
                let span = index.locate(&text, &w.path, &Target::Value);
                prop_assert_eq!(&text[span], &text[scalar.clone()], "value of {:?}", w.path);
            }
        }
        let mut all = Vec::new();
        paths(&value, &mut Vec::new(), &mut all);
        prop_assert_eq!(all.len(), written.len() + 1, "{:?}", all);
        let absent: Vec<YamlPath> = all.iter().flat_map(missing).collect();
        check_paths(&text, &index, &all);
        check_paths(&text, &index, &absent);
        // a path the document does not hold falls back to its nearest
        // ancestor that it does: the ancestor's key, or its value
        for path in &all {
            let fallback = index.locate(&text, path, &Target::Key);
            for m in missing(path) {
                prop_assert_eq!(index.locate(&text, &m, &Target::Value), fallback.clone());
            }
        }
    }

    /// Broken YAML: spans stay inside the text and diagnostics on the
    /// line they quote, whether the text parses or not.
    #[test]
    fn mutated_documents_give_sane_spans(
        (root, layout) in document(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let (mut text, written) = write(&root, layout);
        for m in &mutations {
            mutate(&mut text, m);
        }
        let index = SpanIndex::build(&text);
        let mut all: Vec<YamlPath> = written.into_iter().map(|w| w.path).collect();
        let file = SourceFile { path: "x.yaml".into(), text: text.clone() };
        match yaml::parse(&file, &text, 0) {
            Ok(value) => paths(&value, &mut Vec::new(), &mut all),
            Err(d) => {
                let start = source::offset_of(&text, d.line, d.column);
                assert_placed(&d, &text, start);
            }
        }
        let absent: Vec<YamlPath> = all.iter().flat_map(missing).collect();
        check_paths(&text, &index, &all);
        check_paths(&text, &index, &absent);
    }

}

proptest! {
    /// Any text at all, YAML or not.
    #[test]
    fn arbitrary_text_gives_sane_spans(text in "(?s).{0,200}") {
        let index = SpanIndex::build(&text);
        let paths = vec![
            vec![],
            vec![Seg::Key("name".into())],
            vec![Seg::Index(0)],
            vec![Seg::Key(String::new()), Seg::Index(1)],
        ];
        check_paths(&text, &index, &paths);
    }

    /// `Diagnostic::new` on any span of any text: the reported position is
    /// the span's start, on the line it quotes.
    #[test]
    fn any_span_of_any_text_is_placed_on_its_line(
        text in "(?s)(a|é|日|😀|\n|\r\n|\r| |\t){0,40}",
        start in 0..200usize,
        len in 0..20usize,
    ) {
        let file = SourceFile { path: "x.yaml".into(), text: text.clone() };
        let d = Diagnostic::new(Code::InvalidValue, &file, start..start + len, "m", "l", "h");
        let start = source::floor_char_boundary(&text, start);
        // a span that starts on the `\n` of a `\r\n` is placed at the end
        // of its line, like one on the `\r`
        let line = source::line_range(&text, start);
        assert_placed(&d, &text, start.min(line.end));
    }
}
