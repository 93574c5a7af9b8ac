//! partnerbook: a static-site generator for partnering playbooks.
//!
//! The pipeline is a chain of plain functions over plain data:
//! [`pipeline::load`] walks, reads, parses and validates the files into a
//! [`site::Site`] and its diagnostics, [`render`] turns the site into files
//! in memory (only those [`render::plan`] finds changed), and `write`
//! publishes them into the output folder in place. docs/architecture.md
//! draws the whole map.

pub mod attention;
pub(crate) mod cache;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diagnostic;
pub mod edition;
pub mod frontmatter;
pub(crate) mod hidden;
pub mod lint;
pub mod markdown;
pub mod pipeline;
pub mod playbook;
pub mod record;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod term;

pub(crate) mod write;
pub mod yaml;

/// The reference for users, as `partnerbook docs TOPIC` prints it: the same
/// pages as the repository's `docs/` folder.
// the pages' code blocks are YAML, shell and HTML, not Rust
#[allow(rustdoc::invalid_rust_codeblocks, rustdoc::invalid_html_tags)]
pub mod reference {
    #[doc = include_str!("../docs/record.md")]
    pub mod record {}
    #[doc = include_str!("../docs/diagnostics.md")]
    pub mod lints {}
    #[doc = include_str!("../docs/cli.md")]
    pub mod cli {}
    #[doc = include_str!("../docs/templates.md")]
    pub mod templates {}
    #[doc = include_str!("../docs/limits.md")]
    pub mod limits {}
}

use cli::{Cli, Command};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    term::set_color(cli.color);
    let result = match &cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Completion(args) => cmd::completion::run(args),
        Command::Docs(args) => cmd::docs::run(args),
        Command::Man => cmd::man::run(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            term::error(&err);
            cmd::exit::FAILURE
        }
    }
}
