//! Diagnostics: plain data describing one problem in the user's content, and
//! the three ways of printing them (rustc-like text, JSON lines, GitHub
//! workflow annotations).
//!
//! A diagnostic carries its own copy of the source lines it points at, so it
//! can be printed, serialised or shown in a browser without the file at hand.
//!
//! Text from the user's files (values, file names) reaches a terminal or a
//! CI log only through `hidden::visible`: a control or bidi character is
//! shown as `<U+202E>`, never sent raw (issue 18). JSON keeps the exact
//! text, as data, with those characters written as `\u` escapes.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use crate::hidden::visible;
use crate::lint::Lint;
use crate::source::{self, Lines, SourceFile};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Printed, but the build goes on.
    Warning,
    /// The build is rejected.
    Error,
}

/// Every diagnostic code partnerbook reports. The names are stable: users put
/// them in `lints:` and scripts match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// `proposition.partner_benefit` is absent, empty or a placeholder.
    MissingPartnerBenefit,
    /// Another required field is absent or blank.
    MissingField,
    /// The file is not valid YAML, or not UTF-8.
    InvalidYaml,
    /// A field that the format does not have.
    UnknownField,
    /// A value of the wrong type or outside its list.
    InvalidValue,
    /// Two files map to the same URL.
    DuplicateSlug,
    /// An `@/` link to nothing.
    BrokenLink,
    /// An influence-map relationship names nobody in the map.
    UnknownPerson,
    /// A template fails to parse or render.
    Template,
    /// A file or folder of the site could not be read.
    UnreadableFile,
    /// A text a partner's edition would show names another partner.
    NamesAnotherPartner,
    /// A lint; the table in [`lint`](crate::lint) lists them.
    Lint(Lint),
}

impl Code {
    /// The stable name, as printed in `error[name]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingPartnerBenefit => "missing-partner-benefit",
            Code::MissingField => "missing-field",
            Code::InvalidYaml => "invalid-yaml",
            Code::UnknownField => "unknown-field",
            Code::InvalidValue => "invalid-value",
            Code::DuplicateSlug => "duplicate-slug",
            Code::BrokenLink => "broken-link",
            Code::UnknownPerson => "unknown-person",
            Code::Template => "template",
            Code::UnreadableFile => "unreadable-file",
            Code::NamesAnotherPartner => "names-another-partner",
            Code::Lint(lint) => lint.name(),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem, located in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// What is wrong, in one line.
    pub message: String,
    /// The file, relative to the site root.
    pub file: String,
    /// Where the span starts: 1-based line.
    pub line: usize,
    /// Where the span starts: 1-based column, in characters.
    pub column: usize,
    /// Where the span ends (exclusive): line.
    pub end_line: usize,
    /// Where the span ends (exclusive): column.
    pub end_column: usize,
    /// The text under the marker.
    pub label: String,
    /// How to fix it.
    pub help: String,
    /// The source line the span starts on.
    #[serde(skip)]
    pub source_line: String,
    /// The span within `source_line`, in bytes (clamped to that line).
    #[serde(skip)]
    pub line_span: Range<usize>,
    /// How many characters of a long line were left out before
    /// `source_line`: 0 unless the line was too long to keep whole.
    #[serde(skip)]
    pub shown_from: usize,
}

/// Lines longer than this many bytes are kept only around the span: a
/// diagnostic copies its line, and a 4 MiB line with 100,000 problems must
/// not become 100,000 copies of it (issue "hostile input", part 2).
const MAX_KEPT_LINE: usize = 1024;

/// How many bytes of a long line are kept on each side of the span; more
/// than the renderer shows, so the shown text is the same.
const KEPT_AROUND: usize = 200;

impl Diagnostic {
    /// A diagnostic about the whole file at `rel`, with no text to quote.
    pub fn whole_file(code: Code, rel: &str, message: String, help: &str) -> Diagnostic {
        let file = SourceFile {
            path: rel.to_string(),
            text: String::new(),
        };
        Diagnostic::new(code, &file, 0..0, message, "this file", help)
    }

    /// A diagnostic at byte range `span` of `file`.
    ///
    /// The span is clamped to the file and to the line it starts on; an empty
    /// span is widened to one character so the marker is visible.
    pub fn new(
        code: Code,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new_in(
            &Lines::new(&file.text),
            code,
            file,
            span,
            message,
            label,
            help,
        )
    }

    /// [`Diagnostic::new`] with `file`'s text already indexed by `lines`,
    /// for placing many diagnostics in one file.
    pub fn new_in(
        lines: &Lines,
        code: Code,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let text = &file.text;
        let start = source::floor_char_boundary(text, span.start);
        let mut line = lines.line_range(start);
        // a span that starts on the `\n` of a `\r\n` starts where its line
        // ends, like one on the `\r`: past it, there is no character to mark
        let start = start.min(line.end);
        let end = source::floor_char_boundary(text, span.end.max(start));
        let from = lines.line_col(start);
        let to = lines.line_col(end.max(start));
        let mut shown_from = 0;
        if line.len() > MAX_KEPT_LINE {
            let keep_from = source::floor_char_boundary(text, start.saturating_sub(KEPT_AROUND))
                .max(line.start);
            let keep_to = source::floor_char_boundary(text, start + KEPT_AROUND).min(line.end);
            shown_from = from.column - 1 - text[keep_from..start].chars().count();
            line = keep_from..keep_to.max(start);
        }
        let mut line_span = (start - line.start)..(end.min(line.end) - line.start);
        let source_line = &text[line.clone()];
        if line_span.is_empty() {
            // widen to the character at the start, or a space past the end
            let next = source_line[line_span.start..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            line_span.end = line_span.start + next;
        }
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.path.clone(),
            line: from.line,
            column: from.column,
            end_line: to.line,
            end_column: to.column,
            label: label.into(),
            help: help.into(),
            source_line: source_line.to_string(),
            line_span,
            shown_from,
        }
    }

    /// The same diagnostic with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// The diagnostic as rustc-like text, coloured when `color` is true,
    /// with paths relative to the site root.
    pub fn to_human(&self, color: bool) -> String {
        self.to_human_from(color, &PathBase::default())
    }

    /// [`Diagnostic::to_human`] with paths printed from `base`.
    pub fn to_human_from(&self, color: bool, base: &PathBase) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // Hidden characters are escaped piece by piece, so the marker stays
        // under the escaped text. A span past the end of the line (an empty
        // line, say) is shown as a marker after its last character.
        let line = &self.source_line;
        let start = self.line_span.start.min(line.len());
        let end = self.line_span.end.min(line.len()).max(start);
        let before = visible(&line[..start]);
        let marked = visible(&line[start..end]);
        let mut source_line = format!("{before}{marked}{}", visible(&line[end..]));
        let mut line_span = before.len()..before.len() + marked.len();
        if self.line_span.end > line.len() {
            source_line.push(' ');
            line_span.end += 1;
        }
        let path = visible(&base.human(&self.file)).into_owned();
        let message = visible(&self.message);
        let label = visible(&self.label);
        let help = visible(&self.help);
        let report = &[level
            .primary_title(message.as_ref())
            .id(self.code.as_str())
            .element(
                Snippet::source(&source_line)
                    .line_start(self.line)
                    .path(&path)
                    .annotation(
                        AnnotationKind::Primary
                            .span(line_span)
                            .label(label.as_ref()),
                    ),
            )
            .element(Level::HELP.message(help.as_ref()))];
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let text = renderer.render(report);
        // the renderer counts the column in the text it shows: from the
        // start of the part kept, with escapes as several characters
        let shown = before.chars().count() + 1;
        if shown == self.column {
            return text;
        }
        let location = |column: usize| format!("{path}:{}:{column}", self.line);
        text.replacen(&location(shown), &location(self.column), 1)
    }

    /// The diagnostic as one line of JSON, with `file` relative to the site
    /// root and `path` as [`PathBase::resolved`] gives it.
    pub fn to_json(&self, base: &PathBase) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            diagnostic: &'a Diagnostic,
            path: Cow<'a, str>,
        }
        let json = Json {
            diagnostic: self,
            path: base.resolved(&self.file),
        };
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, HiddenAsEscapes);
        json.serialize(&mut serializer)
            .expect("a diagnostic always serialises");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// The diagnostic as a GitHub Actions workflow command, with the file
    /// as [`PathBase::github`] gives it.
    pub fn to_github(&self, base: &PathBase) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_property(&base.github(&self.file)),
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            github_property(self.code.as_str()),
            github_data(&format!("{} (help: {})", self.message, self.help)),
        )
    }
}

/// A serde_json formatter that writes [hidden](crate::hidden::is_hidden) characters
/// as `\u` escapes: the JSON means the exact text, but the bytes written
/// hold no raw U+009B or U+202E for a terminal that shows them. serde_json
/// escapes C0 controls itself.
struct HiddenAsEscapes;

impl serde_json::ser::Formatter for HiddenAsEscapes {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| crate::hidden::is_hidden(c))
        {
            writer.write_all(&rest.as_bytes()[..at])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// Where diagnostics' paths are printed from. A diagnostic holds its path
/// relative to the site root; a reader wants it relative to where they are,
/// and GitHub wants it relative to the repository (issue 18).
#[derive(Debug, Clone, Default)]
pub struct PathBase {
    /// The site root as given, for absolute paths; `None` prints every path
    /// relative to the site root.
    root: Option<PathBuf>,
    /// The folders from the working directory down to the site root, each
    /// followed by `/`; `None` when the site is not at or below it.
    from_cwd: Option<String>,
    /// The same from `GITHUB_WORKSPACE`, the repository checked out in a
    /// GitHub Actions job.
    from_workspace: Option<String>,
}

impl PathBase {
    /// Paths for a site at `root`, seen from the working directory, and from
    /// `GITHUB_WORKSPACE` when it is set.
    pub fn here(root: &Path) -> PathBase {
        let cwd = std::env::current_dir().ok();
        let workspace = std::env::var_os("GITHUB_WORKSPACE")
            .filter(|w| !w.is_empty())
            .map(PathBuf::from);
        PathBase::new(root, cwd.as_deref(), workspace.as_deref())
    }

    /// Paths for a site at `root`, seen from `cwd` and `workspace`.
    pub fn new(root: &Path, cwd: Option<&Path>, workspace: Option<&Path>) -> PathBase {
        // compare the real folders: a link in either path must not hide
        // that one is inside the other
        let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let real_root = real(root);
        let below = |dir: Option<&Path>| {
            let rest = real_root.strip_prefix(real(dir?)).ok()?;
            Some(
                rest.components()
                    .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
                    .collect(),
            )
        };
        PathBase {
            root: Some(root.to_path_buf()),
            from_cwd: below(cwd),
            from_workspace: below(workspace),
        }
    }

    /// The path shown in the human format's `-->` line: relative to the
    /// working directory when the site is at or below it, otherwise
    /// relative to the site root, as cargo shows a workspace's paths.
    pub fn human<'a>(&self, file: &'a str) -> Cow<'a, str> {
        match &self.from_cwd {
            Some(prefix) if !prefix.is_empty() => Cow::Owned(format!("{prefix}{file}")),
            _ => Cow::Borrowed(file),
        }
    }

    /// A path a program can open from the working directory: relative to it
    /// when the site is at or below it, otherwise absolute.
    pub fn resolved<'a>(&self, file: &'a str) -> Cow<'a, str> {
        match (&self.from_cwd, &self.root) {
            (Some(prefix), _) if prefix.is_empty() => Cow::Borrowed(file),
            (Some(prefix), _) => Cow::Owned(format!("{prefix}{file}")),
            (None, Some(root)) => Cow::Owned(root.join(file).display().to_string()),
            (None, None) => Cow::Borrowed(file),
        }
    }

    /// The path for a GitHub annotation: relative to `GITHUB_WORKSPACE`
    /// when the site is in it (so `working-directory:` does not matter),
    /// otherwise [`PathBase::resolved`]; the runner makes an absolute path
    /// inside the repository relative to it.
    pub fn github<'a>(&self, file: &'a str) -> Cow<'a, str> {
        match &self.from_workspace {
            Some(prefix) => Cow::Owned(format!("{prefix}{file}")),
            None => self.resolved(file),
        }
    }
}

/// Escapes a workflow command's message, as the runner's toolkit does,
/// after showing hidden characters as `<U+202E>`: GitHub prints the text in
/// the log and in the pull request.
fn github_data(s: &str) -> String {
    visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `n` and `noun`, with an `s` unless `n` is 1.
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The count line printed after the diagnostics, e.g. `2 errors, 1 warning`.
pub fn count_summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Sorts diagnostics the way they are printed: by file, then position, then code.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
    // the same problem found twice (say, through two paths) is reported once
    diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> SourceFile {
        SourceFile {
            path: "content/partners/northwind.yaml".into(),
            text: "name: Northwind\nproposition:\n  partner_benefit: TBD\n".into(),
        }
    }

    #[test]
    fn human_output_points_at_the_span() {
        let f = file();
        let at = f.text.find("TBD").unwrap();
        let d = Diagnostic::new(
            Code::MissingPartnerBenefit,
            &f,
            at..at + 3,
            "Northwind does not say what is in it for the partner",
            "a placeholder is not a benefit",
            "say how this partnership helps Northwind in its own business",
        );
        assert_eq!((d.line, d.column), (3, 20));
        let text = d.to_human(false);
        assert!(
            text.contains("error[missing-partner-benefit]: Northwind does not say"),
            "{text}"
        );
        assert!(
            text.contains("--> content/partners/northwind.yaml:3:20"),
            "{text}"
        );
        assert!(text.contains("3 |   partner_benefit: TBD"), "{text}");
        assert!(
            text.contains("^^^ a placeholder is not a benefit"),
            "{text}"
        );
        assert!(text.contains("= help: say how"), "{text}");
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let f = SourceFile {
            path: "a,b:c.yaml".into(),
            text: "x: 1\n".into(),
        };
        let d = Diagnostic::new(Code::InvalidValue, &f, 0..1, "50% off\nnow", "l", "h");
        assert_eq!(
            d.to_github(&PathBase::default()),
            "::error file=a%2Cb%3Ac.yaml,line=1,col=1,endLine=1,endColumn=2,title=invalid-value::50%25 off%0Anow (help: h)"
        );
    }

    #[test]
    fn a_long_line_is_kept_only_around_the_span() {
        let line: String = (0..500)
            .map(|i| format!("{{name: p{i}, x: é}}, "))
            .collect();
        let f = SourceFile {
            path: "a.yaml".into(),
            text: format!("first: line\nmap: [{line}]\n"),
        };
        let at = f.text.find("p400,").unwrap();
        let d = Diagnostic::new(Code::InvalidValue, &f, at..at + 4, "bad", "here", "fix");
        let column = f.text[f.text.find("map").unwrap()..at].chars().count() + 1;
        assert_eq!((d.line, d.column), (2, column));
        // a character cut in two at either end is kept whole
        assert!(
            d.source_line.len() <= 2 * KEPT_AROUND + 2,
            "{}",
            d.source_line.len()
        );
        assert!(d.shown_from > 0);
        assert_eq!(&d.source_line[d.line_span.clone()], "p400");
        let text = d.to_human(false);
        assert!(text.contains(&format!("--> a.yaml:2:{column}\n")), "{text}");
        assert!(text.contains("{name: p400, x: é}"), "{text}");
        // the same as what the renderer shows of the whole line
        let whole = Diagnostic {
            source_line: f.text.lines().nth(1).unwrap().to_string(),
            line_span: at - f.text.find("map").unwrap()..at - f.text.find("map").unwrap() + 4,
            shown_from: 0,
            ..d.clone()
        };
        assert_eq!(whole.to_human(false), text);
        // in colour, the column is corrected too: the terminal shows what
        // `NO_COLOR` shows, plus styles
        let colored = d.to_human(true);
        assert_ne!(colored, text);
        assert_eq!(anstream::adapter::strip_str(&colored).to_string(), text);
    }

    #[test]
    fn span_on_a_crlf_line_break_is_placed_at_the_end_of_its_line() {
        // found by the span property tests: a span starting on the `\n` of
        // `\r\n` sliced past the end of its line and panicked
        let f = SourceFile {
            path: "x.yaml".into(),
            text: "ab\r\ncd\r\n".into(),
        };
        for start in [2, 3] {
            let d = Diagnostic::new(Code::InvalidValue, &f, start..start + 2, "m", "l", "h");
            assert_eq!((d.line, d.column), (1, 3), "{d:?}");
            assert_eq!((d.source_line.as_str(), d.line_span.clone()), ("ab", 2..3));
            assert!(d.to_human(false).contains("--> x.yaml:1:3"));
        }
    }

    #[test]
    fn hidden_characters_are_escaped_and_the_marker_stays_under_them() {
        let f = SourceFile {
            path: "content/partners/\u{202e}lmay.yaml".into(),
            text: "name: \u{9b}31mX\u{202e}bad\n".into(),
        };
        let at = f.text.find("bad").unwrap();
        let d = Diagnostic::new(
            Code::InvalidValue,
            &f,
            at..at + 3,
            "value `\u{1b}]52;c;aGk=\u{7}`",
            "here\u{200b}",
            "use \u{feff}plain text",
        );
        assert_eq!(d.column, 13);
        assert_eq!(
            d.to_human(false),
            "\
error[invalid-value]: value `<U+001B>]52;c;aGk=<U+0007>`
 --> content/partners/<U+202E>lmay.yaml:1:13
  |
1 | name: <U+009B>31mX<U+202E>bad
  |                           ^^^ here<U+200B>
  |
  = help: use <U+FEFF>plain text"
        );
        assert_eq!(
            d.to_github(&PathBase::default()),
            "::error file=content/partners/<U+202E>lmay.yaml,line=1,col=13,endLine=1,endColumn=16,title=invalid-value::value `<U+001B>]52;c;aGk=<U+0007>` (help: use <U+FEFF>plain text)"
        );
    }

    #[test]
    fn json_keeps_the_exact_text_without_raw_hidden_characters() {
        let f = SourceFile {
            path: "a\u{202e}.yaml".into(),
            text: "x: 1\n".into(),
        };
        let d = Diagnostic::new(
            Code::InvalidValue,
            &f,
            0..1,
            "\u{1b}[2J\u{9b}\u{7f}",
            "🏴\u{e0067}",
            "é",
        );
        let json = d.to_json(&PathBase::default());
        assert!(
            json.is_ascii() || !json.chars().any(crate::hidden::is_hidden),
            "{json}"
        );
        assert!(
            json.contains(r#""message":"\u001b[2J\u009b\u007f""#),
            "{json}"
        );
        assert!(json.contains(r#""label":"🏴\udb40\udc67""#), "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["message"], d.message);
        assert_eq!(value["label"], d.label);
        assert_eq!(value["help"], "é");
        assert_eq!(value["file"], "a\u{202e}.yaml");
        assert_eq!(value["path"], "a\u{202e}.yaml");
    }

    #[test]
    fn paths_are_shown_from_the_working_directory_when_the_site_is_below_it() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("docs/partners");
        std::fs::create_dir_all(site.join("content")).unwrap();
        let file = "content/partners/x.yaml";

        let above = PathBase::new(&site, Some(dir.path()), None);
        assert_eq!(above.human(file), "docs/partners/content/partners/x.yaml");
        assert_eq!(above.github(file), "docs/partners/content/partners/x.yaml");
        assert_eq!(
            above.resolved(file),
            "docs/partners/content/partners/x.yaml"
        );

        let at = PathBase::new(&site, Some(&site), None);
        assert_eq!(at.human(file), file);
        assert_eq!(at.github(file), file);

        // inside the site, or beside it: the site root for people, an
        // absolute path for programs
        let inside = PathBase::new(&site, Some(&site.join("content")), None);
        assert_eq!(inside.human(file), file);
        assert_eq!(inside.github(file), site.join(file).display().to_string());

        // in a GitHub job, the repository decides, not `working-directory:`
        let job = PathBase::new(&site, Some(&site.join("content")), Some(dir.path()));
        assert_eq!(job.human(file), file);
        assert_eq!(job.github(file), "docs/partners/content/partners/x.yaml");
    }

    #[test]
    fn empty_span_is_widened() {
        let f = file();
        let d = Diagnostic::new(Code::MissingField, &f, 0..0, "m", "l", "h");
        assert_eq!(d.line_span, 0..1);
    }
}
