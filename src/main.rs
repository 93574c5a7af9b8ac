//! The `partnerbook` binary: parse the command line, run, exit.

use std::process::ExitCode;

use clap::Parser;

// A build allocates and frees millions of small strings and events, from
// both threads at once; mimalloc does that in about a third of the time the
// system allocator takes (see bench/build.py).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(partnerbook::run(partnerbook::cli::Cli::parse()))
}
