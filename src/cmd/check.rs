//! `partnerbook check`: the pipeline without render and write.

use crate::cli::CheckArgs;
use crate::cmd::{exit_code, options};
use crate::diagnostic;
use crate::pipeline;
use crate::term;

/// Loads and validates the site, prints every diagnostic, and returns the exit code.
pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let started = std::time::Instant::now();
    let opts = options(&args.site, None)?;
    let loaded = pipeline::load(&opts);
    let mut diagnostics = loaded.diagnostics.clone();
    // template errors are content errors too: check parses the templates
    if !loaded.has_errors()
        && let Err(ds) = crate::render::load_theme(&loaded.site)
    {
        diagnostics.extend(ds);
    }
    let base = diagnostic::PathBase::here(&opts.root);
    term::report(&diagnostics, args.format, &base)?;
    if args.format == crate::cli::Format::Human {
        term::status(&format!(
            "checked {} and {}: {} in {:.2} s",
            diagnostic::plural(loaded.site.partners.len(), "partner"),
            diagnostic::plural(loaded.site.playbooks.len(), "playbook"),
            diagnostic::count_summary(&diagnostics),
            started.elapsed().as_secs_f64()
        ));
    }
    let code = exit_code(&diagnostics, loaded.config_failed);
    // the process ends here: freeing the site string by string only adds
    // to the wait (issue 19, 10,000 partners: 16% of the wall time)
    std::mem::forget(loaded);
    Ok(code)
}
