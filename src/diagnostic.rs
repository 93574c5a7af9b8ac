//! Diagnostics: plain data describing one problem in the user's content, and
//! the three ways of printing them (rustc-like text, JSON lines, GitHub
//! workflow annotations).
//!
//! A diagnostic carries its own copy of the source lines it points at, so it
//! can be printed, serialised or shown in a browser without the file at hand.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

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
    /// Lint: a tier holds more partners than its capacity.
    TierOverCapacity,
    /// Lint: a revenue goal without a target market.
    GoalWithoutMarket,
    /// Lint: a strategic or tactical partner without a target market.
    MissingTargetMarket,
    /// Lint: a benefit or `together` leans on a vague phrase.
    VagueLanguage,
    /// Lint: no resources committed by either side.
    NoCommitments,
    /// Lint: no objective named.
    NoObjective,
    /// Lint: the last review is older than the cadence.
    ReviewOverdue,
}

impl Code {
    /// All lint codes, in the order the documentation lists them.
    pub const LINTS: [Code; 7] = [
        Code::TierOverCapacity,
        Code::GoalWithoutMarket,
        Code::MissingTargetMarket,
        Code::VagueLanguage,
        Code::NoCommitments,
        Code::NoObjective,
        Code::ReviewOverdue,
    ];

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
            Code::TierOverCapacity => "tier-over-capacity",
            Code::GoalWithoutMarket => "goal-without-market",
            Code::MissingTargetMarket => "missing-target-market",
            Code::VagueLanguage => "vague-language",
            Code::NoCommitments => "no-commitments",
            Code::NoObjective => "no-objective",
            Code::ReviewOverdue => "review-overdue",
        }
    }

    /// Whether this code is a lint (a warning by default, configurable).
    pub fn is_lint(self) -> bool {
        Self::LINTS.contains(&self)
    }

    /// The lint with this name, if there is one.
    pub fn lint_from_str(name: &str) -> Option<Code> {
        Self::LINTS.into_iter().find(|c| c.as_str() == name)
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

    /// The diagnostic as rustc-like text, coloured when `color` is true.
    pub fn to_human(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // A span past the end of the line (an empty line, say) is shown as a
        // marker after its last character.
        let mut source_line = self.source_line.clone();
        if self.line_span.end > source_line.len() {
            source_line.push(' ');
        }
        let report = &[level
            .primary_title(&self.message)
            .id(self.code.as_str())
            .element(
                Snippet::source(&source_line)
                    .line_start(self.line)
                    .path(&self.file)
                    .annotation(
                        AnnotationKind::Primary
                            .span(self.line_span.clone())
                            .label(&self.label),
                    ),
            )
            .element(Level::HELP.message(&self.help))];
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let text = renderer.render(report);
        if self.shown_from == 0 {
            return text;
        }
        // the renderer counts the column from the start of the part kept
        let location = |column: usize| format!("{}:{}:{column}", self.file, self.line);
        text.replacen(
            &location(self.column - self.shown_from),
            &location(self.column),
            1,
        )
    }

    /// The diagnostic as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a diagnostic always serialises")
    }

    /// The diagnostic as a GitHub Actions workflow command.
    pub fn to_github(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_property(&self.file),
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            github_property(self.code.as_str()),
            github_data(&format!("{} (help: {})", self.message, self.help)),
        )
    }
}

/// Escapes a workflow command's message, as the runner's toolkit does.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
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
            "say how this partnership helps Northwind's own business",
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
            d.to_github(),
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
    fn empty_span_is_widened() {
        let f = file();
        let d = Diagnostic::new(Code::MissingField, &f, 0..0, "m", "l", "h");
        assert_eq!(d.line_span, 0..1);
    }
}
