//! One module per command, each a small `run` over the library.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completion;
pub(crate) mod docs;
pub(crate) mod init;
pub mod man;
pub(crate) mod new;
pub(crate) mod schema;
pub(crate) mod serve;

use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::SiteArgs;
use crate::pipeline::BuildOptions;
use crate::pipeline::walk;

/// Exit codes: success, content rejected, environment or usage failure.
pub(crate) mod exit {
    /// Everything went well (warnings allowed).
    pub(crate) const OK: u8 = 0;
    /// The content was rejected.
    pub(crate) const REJECTED: u8 = 1;
    /// Bad command line, bad configuration, or an I/O failure.
    pub(crate) const FAILURE: u8 = 2;
}

/// The exit code for a run that reported `diagnostics`: 2 when the
/// configuration was broken or a file could not be read, 1 for any other
/// error, 0 otherwise.
pub(crate) fn exit_code(diagnostics: &[crate::diagnostic::Diagnostic], config_failed: bool) -> u8 {
    use crate::diagnostic::{Code, Severity};
    if config_failed || diagnostics.iter().any(|d| d.code == Code::UnreadableFile) {
        exit::FAILURE
    } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        exit::REJECTED
    } else {
        exit::OK
    }
}

/// The date lints compare against: `SOURCE_DATE_EPOCH` (seconds since
/// 1970, UTC) when set, as for reproducible builds, otherwise today.
pub(crate) fn today() -> anyhow::Result<jiff::civil::Date> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => {
            let secs: i64 = s
                .trim()
                .parse()
                .context("SOURCE_DATE_EPOCH must be a number of seconds")?;
            let ts =
                jiff::Timestamp::from_second(secs).context("SOURCE_DATE_EPOCH is out of range")?;
            Ok(ts.to_zoned(jiff::tz::TimeZone::UTC).date())
        }
        _ => Ok(jiff::Zoned::now().date()),
    }
}

/// The site root: `--root`, or the nearest folder upwards that looks like a site.
pub(crate) fn root(args: &SiteArgs) -> anyhow::Result<PathBuf> {
    match &args.root {
        Some(root) => {
            let shown = crate::scaffold::shell_path(root);
            if !root.is_dir() {
                anyhow::bail!(
                    "the site root {} is not a folder\n  help: pass the folder that holds partnerbook.yaml, or start a site there with `partnerbook init {shown}`",
                    root.display()
                );
            }
            // an empty folder would check as a site with nothing in it
            if walk::find_root(root).as_deref() != Some(root.as_path()) {
                anyhow::bail!(
                    "no partnerbook site in {} (looked for partnerbook.yaml or content/)\n  help: pass the folder that holds partnerbook.yaml to `-r/--root`, or start a site there with `partnerbook init {shown}`",
                    root.display()
                );
            }
            Ok(crate::write::resolve(root))
        }
        None => {
            let cwd = std::env::current_dir().context("cannot read the current folder")?;
            walk::find_root(&cwd).map(|r| crate::write::resolve(&r)).with_context(|| {
                format!(
                    "no partnerbook site in {} or any folder above it (looked for partnerbook.yaml or content/)\n  help: start a site here with `partnerbook init`, or in a new folder with `partnerbook init my-partners`; for a site elsewhere, run this inside it or pass `-r/--root DIR`",
                    cwd.display()
                )
            })
        }
    }
}

/// Build options from the shared arguments and `--base-url`.
pub(crate) fn options(args: &SiteArgs, base_url: Option<&str>) -> anyhow::Result<BuildOptions> {
    let base_url = match base_url {
        Some(url) => {
            let base = crate::config::normalize_base_url(url).map_err(|bad| {
                anyhow::anyhow!(
                    "`-u`: {}\n  help: {}; pass the address the site is published at, e.g. `-u https://intranet.example/partners/`",
                    bad.message,
                    bad.help
                )
            })?;
            if base.collapsed {
                crate::term::status(&format!(
                    "warning: `-u {url}` has an empty folder (`//`) in its path: the site is built for `{}`\n  help: pass `-u {}`; left alone, `//` would make links to another host",
                    base.url, base.url
                ));
            }
            Some(base.url)
        }
        None => None,
    };
    Ok(BuildOptions {
        root: root(args)?,
        drafts: args.drafts,
        deny_warnings: args.deny_warnings,
        base_url,
        today: today()?,
    })
}
