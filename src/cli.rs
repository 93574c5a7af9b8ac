//! The command line, as clap reads it. No logic lives here; the lints in
//! `build --help` and `check --help` come from their table in [`crate::lint`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// partnerbook: a static-site generator for partnering playbooks.
#[derive(Debug, Parser)]
#[command(
    name = "partnerbook",
    version,
    about,
    long_about = LONG_ABOUT,
    after_help = examples(EXAMPLES),
    propagate_version = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output: auto, always or never [default: auto]
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto,
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub color: ColorWhen,
}

/// When to colour what partnerbook prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// As the environment says (see `partnerbook docs cli`, "Colour").
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// What `partnerbook --help` says before the commands.
const LONG_ABOUT: &str = "A static-site generator for partnering playbooks.

partnerbook reads partner records (YAML, in content/partners/) and \
playbooks (Markdown, in content/playbooks/), checks them, and writes a \
static website. `partnerbook docs record` explains the files; \
`partnerbook COMMAND --help` shows a command's options and examples.";

/// A help text's examples: a heading styled as clap styles its own
/// headings, then `text`. Each example is a `#` comment and the command
/// lines it explains; the test suite runs every one of them.
fn examples(text: &str) -> String {
    let header = clap::builder::Styles::default().get_header().to_owned();
    format!("{header}Examples:{header:#}\n{text}")
}

/// `build --help`'s and `check --help`'s text after the options: the lints,
/// from their table, then `text`, the examples.
fn lints_and_examples(text: &str) -> String {
    let header = clap::builder::Styles::default().get_header().to_owned();
    format!(
        "{header}Lints:{header:#}\n{}\n{}\n\n{}",
        crate::lint::help_list(),
        LINTS_AFTER,
        examples(text)
    )
}

/// What `build --help` and `check --help` say after the list of lints.
const LINTS_AFTER: &str = "A lint is reported at the level shown unless `lints:` in \
partnerbook.yaml sets another: deny (an error), warn (a warning) or allow (not checked), e.g. \
`lints: { vague-language: deny }`. `partnerbook docs lints` explains each lint and how to fix \
what it finds.";

/// The main help's examples: the common flows.
const EXAMPLES: &str = r#"  # Start a playbook and preview it in your browser
  partnerbook init partner-playbook
  cd partner-playbook
  partnerbook serve

  # Add a partner from a commented template
  partnerbook new partner "Cobalt Ridge Distribution"

  # Before a commit, and in CI: fail on any error or warning
  partnerbook check --deny-warnings

  # Publish for the address the site is served at
  partnerbook build -u https://intranet.example/partners/
"#;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the site and write it to the output folder.
    #[command(after_long_help = lints_and_examples(BUILD_EXAMPLES))]
    Build(BuildArgs),
    /// Validate the site and report every problem, writing nothing.
    #[command(after_long_help = lints_and_examples(CHECK_EXAMPLES))]
    Check(CheckArgs),
    /// Build the site in memory, serve it on this machine, and rebuild and
    /// reload open pages whenever a file changes.
    #[command(after_long_help = examples(SERVE_EXAMPLES))]
    Serve(ServeArgs),
    /// Create a new site: configuration, an example partner and playbook,
    /// the schemas, and editor settings.
    #[command(after_long_help = examples(INIT_EXAMPLES))]
    Init(InitArgs),
    /// Write a new file from a commented template.
    #[command(after_long_help = examples(NEW_EXAMPLES))]
    New(NewArgs),
    /// Print the JSON Schema (draft-07) of a partner record, or of
    /// partnerbook.yaml.
    #[command(after_long_help = examples(SCHEMA_EXAMPLES))]
    Schema(SchemaArgs),
    /// Print shell completions.
    #[command(after_long_help = examples(COMPLETION_EXAMPLES))]
    Completion(CompletionArgs),
    /// Print a reference page: the record format, the lints, the command
    /// line or the templates.
    #[command(after_long_help = examples(DOCS_EXAMPLES))]
    Docs(DocsArgs),
    /// Print the manual page (roff), for `man -l -` or a man folder.
    #[command(after_long_help = examples(MAN_EXAMPLES))]
    Man,
}

/// `partnerbook build --help`'s examples.
const BUILD_EXAMPLES: &str =
    "  # Build the site in this folder, or the nearest one above it, into public/
  partnerbook build

  # Build for the address it is published at, into another folder
  partnerbook build -u https://intranet.example/partners/ -o ../www

  # Preview the drafts too, in a folder of their own
  partnerbook build --drafts -o ../preview
";

/// `partnerbook check --help`'s examples.
const CHECK_EXAMPLES: &str = "  # Report every problem in the site, with the line to fix
  partnerbook check

  # Before a commit, and in CI: fail on warnings too
  partnerbook check --deny-warnings

  # One JSON object per problem, for scripts
  partnerbook check --format json

  # In a GitHub Actions step: annotations on the pull request's lines
  partnerbook check --format github
";

/// `partnerbook serve --help`'s examples.
const SERVE_EXAMPLES: &str = "  # Preview the site; open pages reload whenever a file is saved
  partnerbook serve

  # Serve it below the path it is published at, as on the intranet
  partnerbook serve -u https://intranet.example/partners/

  # In Docker, WSL or on a network share, where change events do not arrive
  partnerbook serve --poll

  # Preview the edition `build --partner` writes for one partner, the
  # brief that is sent to it
  partnerbook serve --partner northwind
";

/// `partnerbook init --help`'s examples.
const INIT_EXAMPLES: &str = "  # Create a site in a new folder
  partnerbook init partner-playbook

  # Create it in the current folder, which must be empty
  mkdir my-partners
  cd my-partners
  partnerbook init
";

/// `partnerbook new --help`'s and `partnerbook new partner --help`'s
/// examples.
const NEW_EXAMPLES: &str = r#"  # Start content/partners/cobalt-ridge-distribution.yaml from a template
  partnerbook new partner "Cobalt Ridge Distribution"

  # The name is kept as written; the file name is made from it
  partnerbook new partner "Müller & Söhne: Café Nord"
"#;

/// `partnerbook schema --help`'s examples.
const SCHEMA_EXAMPLES: &str = "  # The schema of a partner record, as init writes it into schemas/
  partnerbook schema

  # Refresh the copies init wrote, after upgrading partnerbook
  partnerbook schema > schemas/partner.schema.json
  partnerbook schema config > schemas/partnerbook.schema.json
";

/// `partnerbook completion --help`'s examples.
const COMPLETION_EXAMPLES: &str = "  # bash, with the bash-completion package
  mkdir -p ~/.local/share/bash-completion/completions
  partnerbook completion bash > ~/.local/share/bash-completion/completions/partnerbook

  # zsh: then put `fpath=(~/.zfunc $fpath)` before compinit in ~/.zshrc
  mkdir -p ~/.zfunc
  partnerbook completion zsh > ~/.zfunc/_partnerbook

  # fish
  mkdir -p ~/.config/fish/completions
  partnerbook completion fish > ~/.config/fish/completions/partnerbook.fish
";

/// `partnerbook docs --help`'s examples.
const DOCS_EXAMPLES: &str = "  # Every field of a partner record, and how to write it
  partnerbook docs record

  # Every diagnostic: what it means and how to fix it
  partnerbook docs lints
";

/// `partnerbook man --help`'s examples.
const MAN_EXAMPLES: &str = "  # Read the manual now
  partnerbook man | man -l -

  # Install it where man looks for a partnerbook put in ~/.cargo/bin by
  # cargo install; `man partnerbook` then shows it
  mkdir -p ~/.cargo/share/man/man1
  partnerbook man > ~/.cargo/share/man/man1/partnerbook.1
";

/// The reference pages `partnerbook docs` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Topic {
    /// Partner records, playbooks and partnerbook.yaml.
    Record,
    /// Every diagnostic: what it means and how to fix it.
    Lints,
    /// The commands and their options.
    Cli,
    /// The theme's templates and the variables they get.
    Templates,
    /// What partnerbook refuses, and the sizes it is measured at.
    Limits,
}

/// `partnerbook docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The page to print.
    #[arg(value_enum)]
    pub topic: Topic,
}

/// `partnerbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub site: SiteArgs,
    /// The address to listen on.
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "ADDR",
        default_value = "127.0.0.1"
    )]
    pub interface: std::net::IpAddr,
    /// The port to listen on [default: 4411, or the next free one]. A port
    /// given here must be free; 0 picks any free port.
    #[arg(short = 'p', long = "port", value_name = "PORT")]
    pub port: Option<u16>,
    /// Open the site in the default browser once it is served.
    #[arg(short = 'O', long = "open")]
    pub open: bool,
    /// The URL the site is published at (overrides base_url in
    /// partnerbook.yaml); serve mounts the site at its path.
    #[arg(short = 'u', long = "base-url", value_name = "URL")]
    pub base_url: Option<String>,
    /// Look for changes by reading the files every second instead of
    /// asking the system: for Docker bind mounts, WSL and network shares,
    /// where change events do not arrive.
    #[arg(long)]
    pub poll: bool,
    /// Preview the edition of one partner (as `build --partner` writes
    /// it) instead of the site, at /.
    #[arg(long, value_name = "SLUG")]
    pub partner: Option<String>,
}

/// `partnerbook init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in; it must be empty or absent.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// `partnerbook new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[command(subcommand)]
    pub what: NewCommand,
}

/// What `partnerbook new` can create.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write content/partners/<slug>.yaml from a commented template.
    #[command(after_long_help = examples(NEW_EXAMPLES))]
    Partner(NewPartnerArgs),
}

/// `partnerbook new partner`.
#[derive(Debug, Args)]
pub struct NewPartnerArgs {
    /// The site's root folder [default: the nearest folder, from here
    /// upwards, holding partnerbook.yaml or content/].
    #[arg(short = 'r', long = "root", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The partner's name, as people write it ("Cobalt Ridge Distribution").
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// Which schema `partnerbook schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A partner record, content/partners/*.yaml.
    Partner,
    /// The site configuration, partnerbook.yaml.
    Config,
}

/// `partnerbook schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The file whose schema to print.
    #[arg(value_enum, default_value_t = SchemaKind::Partner)]
    pub kind: SchemaKind,
}

/// `partnerbook completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to print completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// Publish into a non-empty output folder that partnerbook did not write
    /// (its files at the paths partnerbook writes are replaced; nothing else is
    /// touched).
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Build the edition of one partner, meant to be sent to it: its
    /// proposition, give and get, rules of engagement, joint plan and
    /// shared playbooks, nothing internal and nothing of other partners
    /// [default output: public-SLUG/ in the site root].
    #[arg(long, value_name = "SLUG")]
    pub partner: Option<String>,
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
