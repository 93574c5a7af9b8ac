//! The `partnerbook` binary: parse the command line, run, exit.

use std::process::ExitCode;

use clap::Parser;

// A build allocates and frees millions of small strings and events, from
// both threads at once. With mimalloc, `check` and `build` of the
// 10,000-partner benchmark site spend about 20% less user CPU than with the
// system allocator, for about 40 MB more peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `--color` must be known before clap prints any help or usage error
    if let Some(when) = partnerbook::term::color_from_args(std::env::args_os()) {
        partnerbook::term::set_color(when);
    }
    ExitCode::from(partnerbook::run(partnerbook::cli::Cli::parse()))
}
