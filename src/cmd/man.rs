//! `partnerbook man`: the manual page, made by clap_mangen from the same
//! definitions as `--help`, so the two never disagree.
//!
//! clap_mangen writes one page per command. partnerbook is small enough
//! for one page, which is also one file to install: the main command's
//! sections, then a COMMANDS section with a subsection per command (every
//! level, `new partner` included) holding its usage, options and examples.

use clap::CommandFactory as _;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::Cli;
use crate::cmd::exit;
use crate::term;

/// The manual page, in roff.
pub(crate) fn render() -> std::io::Result<Vec<u8>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let man = Man::new(command.clone()).title("PARTNERBOOK");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;

    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    roff.to_writer(&mut out)?;
    for sub in command.get_subcommands() {
        command_section(sub, &mut out)?;
    }

    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    examples(&command, &mut roff);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold("partnerbook docs"),
        roman(" prints the reference pages: "),
        bold("record"),
        roman(" (the files), "),
        bold("lints"),
        roman(" (every diagnostic), "),
        bold("cli"),
        roman(" (this page, with more detail), "),
        bold("templates"),
        roman(" and "),
        bold("limits"),
        roman("."),
    ]);
    roff.to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// One command's subsection, then those of its own commands.
fn command_section(command: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let name = command.get_bin_name().unwrap_or(command.get_name());
    let mut roff = Roff::new();
    roff.control("SS", [name]);
    if let Some(about) = command.get_long_about().or(command.get_about()) {
        for line in about.to_string().lines() {
            roff.text([roman(line)]);
        }
    }
    roff.control("PP", []);
    roff.to_writer(out)?;
    // clap_mangen's synopsis and options, under this subsection rather
    // than under headings of their own; the options every command takes
    // (--color, --help, --version) are listed once, under OPTIONS
    let own = command.clone().mut_args(|a| {
        if every_command_takes(&a) {
            a.hide(true)
        } else {
            a
        }
    });
    let man = Man::new(own.clone());
    let mut part = Vec::new();
    man.render_synopsis_section(&mut part)?;
    out.extend(without_headings(&part));
    if own.get_arguments().any(|a| !a.is_hide_set()) {
        part.clear();
        man.render_options_section(&mut part)?;
        out.extend(without_headings(&part));
    }
    let mut roff = Roff::new();
    examples(command, &mut roff);
    roff.to_writer(out)?;
    for sub in command.get_subcommands() {
        command_section(sub, out)?;
    }
    Ok(())
}

/// A command's examples (its help's text after "Examples:"), as lines set
/// as they are written.
fn examples(command: &clap::Command, roff: &mut Roff) {
    let Some(text) = command
        .get_after_long_help()
        .or(command.get_after_help())
        .map(|t| t.to_string())
    else {
        return;
    };
    let body = text.split_once("Examples:\n").map_or(&*text, |(_, b)| b);
    roff.control("PP", []);
    roff.text([bold("Examples:")]);
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in body.trim_end().lines() {
        roff.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
}

/// Whether every command takes `arg`: the global options, and clap's
/// `--help` and `--version`.
pub fn every_command_takes(arg: &clap::Arg) -> bool {
    arg.is_global_set() || matches!(arg.get_id().as_str(), "help" | "version")
}

/// A part of a page without its `.SH` section headings.
fn without_headings(part: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(part);
    let mut kept = String::new();
    for line in text.lines().filter(|l| !l.starts_with(".SH")) {
        kept.push_str(line);
        kept.push('\n');
    }
    kept.into_bytes()
}

/// Prints the manual page to standard output.
pub(crate) fn run() -> anyhow::Result<u8> {
    term::print(render()?)?;
    Ok(exit::OK)
}
