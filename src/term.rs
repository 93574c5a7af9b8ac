//! All terminal output goes through here: colour decisions, diagnostics,
//! summaries, environment errors and what commands print on standard
//! output.
//!
//! Colour is decided by anstream, as for clap's own `--help`: text is
//! always written with its ANSI styles, and anstream's stream strips them
//! when colour is off (`--color never`, `NO_COLOR`, `CLICOLOR=0`,
//! `TERM=dumb`, not a terminal). One rule for both means `partnerbook
//! --help` and partnerbook's diagnostics are coloured, or not, together.

use std::ffi::OsString;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use anyhow::Context as _;

use crate::cli::{ColorWhen, Format};
use crate::diagnostic::{Diagnostic, PathBase};
use crate::hidden::visible;

/// The style of the word `error` in environment errors, as in diagnostics.
const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));

/// Applies `--color` to everything printed from now on, clap's help and
/// errors included. `auto` leaves the decision to the environment.
pub fn set_color(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// The value of `--color` on a raw command line, before clap reads it, so
/// that the help and the usage errors clap prints follow it too. clap
/// checks the value again when it parses; a value it refuses is ignored
/// here.
pub fn color_from_args(args: impl IntoIterator<Item = OsString>) -> Option<ColorWhen> {
    use clap::ValueEnum as _;
    let mut found = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.to_str() {
            Some("--") => break,
            Some("--color") => args.next(),
            Some(a) => a.strip_prefix("--color=").map(OsString::from),
            None => None,
        };
        if let Some(when) = value
            .as_deref()
            .and_then(|v| v.to_str())
            .and_then(|v| ColorWhen::from_str(v, false).ok())
        {
            found = Some(when);
        }
    }
    found
}

/// Standard error, with colour stripped unless it is wanted.
fn stderr() -> anstream::AutoStream<io::StderrLock<'static>> {
    anstream::AutoStream::auto(io::stderr().lock())
}

/// Writes to standard output with `write`. A reader that closed the pipe
/// early (`| head`) has what it wanted: that ends the writing, quietly and
/// successfully. Rust ignores SIGPIPE, so without this a `println!` would
/// panic there instead.
pub(crate) fn stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> anyhow::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("cannot write to standard output"),
    }
}

/// Prints `text` to standard output, as [`stdout`] does.
pub(crate) fn print(text: impl AsRef<[u8]>) -> anyhow::Result<()> {
    stdout(|out| out.write_all(text.as_ref()))
}

/// Prints diagnostics: human text to standard error, JSON and GitHub
/// annotations to standard output (they are the command's output), with
/// paths printed from `base`. Fails only when standard output cannot be
/// written.
pub(crate) fn report(
    diagnostics: &[Diagnostic],
    format: Format,
    base: &PathBase,
) -> anyhow::Result<()> {
    match format {
        Format::Human => {
            let mut err = stderr();
            for d in diagnostics {
                if writeln!(err, "{}\n", d.to_human_from(true, base)).is_err() {
                    break;
                }
            }
            Ok(())
        }
        Format::Json => stdout(|out| {
            diagnostics
                .iter()
                .try_for_each(|d| writeln!(out, "{}", d.to_json(base)))
        }),
        Format::Github => stdout(|out| {
            diagnostics
                .iter()
                .try_for_each(|d| writeln!(out, "{}", d.to_github(base)))
        }),
    }
}

/// [`report`] for callers that go on whatever happens to the output: a
/// failure to write is printed as an error. Paths are relative to the site
/// root.
pub(crate) fn diagnostics(diagnostics: &[Diagnostic], format: Format) {
    diagnostics_from(diagnostics, format, &PathBase::default());
}

/// [`diagnostics`] with paths printed from `base`.
pub(crate) fn diagnostics_from(diagnostics: &[Diagnostic], format: Format, base: &PathBase) {
    if let Err(e) = report(diagnostics, format, base) {
        error(&e);
    }
}

/// A line of status on standard error.
pub(crate) fn status(line: &str) {
    let _ = writeln!(stderr(), "{}", visible(line));
}

/// A failure of the environment, with its causes. The text may name a
/// file of the site, so hidden characters are escaped.
pub(crate) fn error(err: &anyhow::Error) {
    let text = format!("{err:#}");
    let _ = writeln!(stderr(), "{ERROR}error{ERROR:#}: {}", visible(&text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color(args: &[&str]) -> Option<ColorWhen> {
        color_from_args(args.iter().map(OsString::from))
    }

    #[test]
    fn color_is_read_in_both_spellings_anywhere_before_a_double_dash() {
        assert_eq!(color(&["pb", "--help"]), None);
        assert_eq!(
            color(&["pb", "--color", "never", "--help"]),
            Some(ColorWhen::Never)
        );
        assert_eq!(
            color(&["pb", "check", "--color=always"]),
            Some(ColorWhen::Always)
        );
        assert_eq!(
            color(&["pb", "--color=never", "--color", "auto"]),
            Some(ColorWhen::Auto)
        );
        assert_eq!(
            color(&["pb", "new", "partner", "--", "--color=never"]),
            None
        );
        // clap reports the bad value; until then, the environment decides
        assert_eq!(color(&["pb", "--color", "sometimes"]), None);
        assert_eq!(color(&["pb", "--color"]), None);
    }
}
