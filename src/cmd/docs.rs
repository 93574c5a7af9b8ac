//! `partnerbook docs TOPIC`: the reference pages, built into the binary so
//! that an installed partnerbook can show them without the repository.

use std::io::Write as _;

use crate::cli::{DocsArgs, Topic};
use crate::cmd::exit;

/// The Markdown of a reference page.
pub fn page(topic: Topic) -> &'static str {
    match topic {
        Topic::Record => include_str!("../../docs/record.md"),
        Topic::Lints => include_str!("../../docs/diagnostics.md"),
        Topic::Cli => include_str!("../../docs/cli.md"),
        Topic::Templates => include_str!("../../docs/templates.md"),
        Topic::Limits => include_str!("../../docs/limits.md"),
    }
}

/// Prints the page to standard output.
pub fn run(args: &DocsArgs) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    // a reader that closed the pipe (`| head`) has what it wanted
    match out
        .write_all(page(args.topic).as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to standard output")),
    }
}
