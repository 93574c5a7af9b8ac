//! `partnerbook completion SHELL`: clap's completions for the command line.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionArgs};
use crate::cmd::exit;

/// Prints the completion script for the chosen shell to stdout.
pub fn run(args: &CompletionArgs) -> anyhow::Result<u8> {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "partnerbook",
        &mut std::io::stdout().lock(),
    );
    Ok(exit::OK)
}
