//! All terminal output goes through here: colour decisions, diagnostics,
//! summaries and environment errors.

use std::io::{IsTerminal, Write};

use crate::cli::Format;
use crate::diagnostic::Diagnostic;

/// Whether to colour standard error: `NO_COLOR` turns colour off,
/// `CLICOLOR_FORCE` on, `CLICOLOR=0` off, otherwise only on a terminal.
pub fn stderr_color() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    if std::env::var_os("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    std::io::stderr().is_terminal()
}

/// Prints diagnostics: human text to standard error, JSON and GitHub
/// annotations to standard output (they are the command's output).
pub fn diagnostics(diagnostics: &[Diagnostic], format: Format) {
    match format {
        Format::Human => {
            let color = stderr_color();
            let mut err = std::io::stderr().lock();
            for d in diagnostics {
                let _ = writeln!(err, "{}\n", d.to_human(color));
            }
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in diagnostics {
                let _ = writeln!(out, "{}", d.to_json());
            }
        }
        Format::Github => {
            let mut out = std::io::stdout().lock();
            for d in diagnostics {
                let _ = writeln!(out, "{}", d.to_github());
            }
        }
    }
}

/// A line of status on standard error.
pub fn status(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A failure of the environment, with its causes.
pub fn error(err: &anyhow::Error) {
    let color = stderr_color();
    let prefix = if color {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    let _ = writeln!(std::io::stderr().lock(), "{prefix}: {err:#}");
}
