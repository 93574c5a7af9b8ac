//! The first half of every run: from a folder on disk to a [`Site`] and
//! everything wrong with it. Data flows through four stages, each a
//! module:
//!
//! 1. [`walk`](mod@walk) finds the content files and the slugs their names give;
//! 2. [`read`](mod@read) reads and decodes each file on its own, in parallel
//!    (a [`Reads`]; `serve` keeps it and re-reads only what changed);
//! 3. [`assemble`](mod@assemble) puts the files together into a [`Site`]: sources in
//!    one list, partners and playbooks in display order, names that
//!    clash;
//! 4. `validate` runs the checks that need the whole site: links and
//!    the lints.
//!
//! [`load`] runs all four. It never stops at the first problem: every file
//! is read and checked, and every diagnostic is returned with the site, so
//! that `check`, `build` and `serve` can all report everything in one run.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Severity};
use crate::site::Site;

pub mod assemble;
pub mod read;
pub(crate) mod validate;
pub mod walk;

pub use assemble::assemble;
pub(crate) use assemble::{finish, put_together};
pub use read::{FileRead, Reads, read};

/// What a build or check is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// Whether drafts are included.
    pub drafts: bool,
    /// Whether every warning is an error.
    pub deny_warnings: bool,
    /// Overrides the configuration's `base_url`.
    pub base_url: Option<String>,
    /// The date lints like `review-overdue` compare against.
    pub today: jiff::civil::Date,
}

/// The result of loading: the site, and what is wrong with it.
#[derive(Debug)]
pub struct Loaded {
    /// The site, with defaults wherever the content was wrong.
    pub site: Site,
    /// Every problem, sorted, with lint levels applied.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether `partnerbook.yaml` itself had errors (exit code 2).
    pub config_failed: bool,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Walks, reads, parses and validates the site at `opts.root`.
pub fn load(opts: &BuildOptions) -> Loaded {
    assemble(opts, read(opts, None, &|_| true))
}
