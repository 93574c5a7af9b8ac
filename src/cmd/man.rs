//! `partnerbook man`: the manual page, made by clap_mangen from the same
//! definitions as `--help`, so the two never disagree.

use std::io::Write as _;

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::cmd::exit;

/// The manual page, in roff: the main page, then one section per command.
pub fn render() -> std::io::Result<Vec<u8>> {
    let command = Cli::command();
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render(&mut out)?;
    Ok(out)
}

/// Prints the manual page to standard output.
pub fn run() -> anyhow::Result<u8> {
    let page = render()?;
    let mut out = std::io::stdout().lock();
    match out.write_all(&page).and_then(|()| out.flush()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to standard output")),
    }
}
