//! The `partnerbook` binary: parse the command line, run, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ExitCode::from(partnerbook::run(partnerbook::cli::Cli::parse()))
}
