//! `partnerbook completion SHELL`: clap's completions for the command line.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionArgs};
use crate::cmd::exit;
use crate::term;

/// Prints the completion script for the chosen shell to stdout.
pub(crate) fn run(args: &CompletionArgs) -> anyhow::Result<u8> {
    // clap_complete panics when its writer fails, as it does on a pipe
    // closed early (`| head`): it writes into memory, and term prints
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "partnerbook", &mut script);
    term::print(script)?;
    Ok(exit::OK)
}
