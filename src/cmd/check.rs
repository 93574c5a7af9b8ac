//! `partnerbook check`: the pipeline without render and write.

use crate::cli::CheckArgs;
use crate::cmd::{exit, options};
use crate::diagnostic;
use crate::site;
use crate::term;

/// Loads and validates the site, prints every diagnostic, and returns the exit code.
pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let started = std::time::Instant::now();
    let opts = options(&args.site, None)?;
    let loaded = site::load(&opts);
    let mut diagnostics = loaded.diagnostics.clone();
    // template errors are content errors too: check parses the templates
    if !loaded.has_errors()
        && let Err(ds) = crate::render::load_theme(&loaded.site)
    {
        diagnostics.extend(ds);
    }
    term::diagnostics(&diagnostics, args.format);
    let errors = diagnostics
        .iter()
        .any(|d| d.severity == diagnostic::Severity::Error);
    if args.format == crate::cli::Format::Human {
        term::status(&format!(
            "checked {} and {}: {} in {:.2} s",
            diagnostic::plural(loaded.site.partners.len(), "partner"),
            diagnostic::plural(loaded.site.playbooks.len(), "playbook"),
            diagnostic::count_summary(&diagnostics),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(if loaded.environment_failed() {
        exit::FAILURE
    } else if errors {
        exit::REJECTED
    } else {
        exit::OK
    })
}
