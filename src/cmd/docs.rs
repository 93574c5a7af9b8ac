//! `partnerbook docs TOPIC`: the reference pages, built into the binary so
//! that an installed partnerbook can show them without the repository.

use crate::cli::{DocsArgs, Topic};
use crate::cmd::exit;
use crate::term;

/// The Markdown of a reference page.
pub(crate) fn page(topic: Topic) -> &'static str {
    match topic {
        Topic::Record => include_str!("../../docs/record.md"),
        Topic::Lints => include_str!("../../docs/diagnostics.md"),
        Topic::Cli => include_str!("../../docs/cli.md"),
        Topic::Templates => include_str!("../../docs/templates.md"),
        Topic::Limits => include_str!("../../docs/limits.md"),
    }
}

/// Prints the page to standard output.
pub(crate) fn run(args: &DocsArgs) -> anyhow::Result<u8> {
    term::print(page(args.topic))?;
    Ok(exit::OK)
}
