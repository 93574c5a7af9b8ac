//! The command line, as clap reads it. No logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// partnerbook: a static-site generator for partnering playbooks.
#[derive(Debug, Parser)]
#[command(name = "partnerbook", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the site and write it to the output folder.
    Build(BuildArgs),
    /// Validate the site and report every problem, writing nothing.
    Check(CheckArgs),
}

/// Options shared by every command that reads a site.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's root folder [default: the nearest folder, from here
    /// upwards, holding partnerbook.yaml or content/].
    #[arg(short = 'r', long = "root", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Include records and playbooks marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Treat every warning as an error.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `partnerbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub site: SiteArgs,
    /// Where to write the site [default: public/ in the site root].
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// The URL the site is published at (overrides base_url in partnerbook.yaml).
    #[arg(short = 'u', long = "base-url", value_name = "URL")]
    pub base_url: Option<String>,
    /// Replace a non-empty output folder that partnerbook did not write.
    #[arg(long)]
    pub force: bool,
}

/// How `check` prints diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like text with the source line and a marker.
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// `partnerbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub site: SiteArgs,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}
