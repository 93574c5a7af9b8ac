//! Rendering: the theme's Tera templates over the views of each page, plus
//! the machine-readable files (partners.json, search-index.js, sitemap.xml)
//! and the files for other tools (calendar.ics, partners.csv, plan.csv).
//! The result is a list of files in memory, or files handed on one by one;
//! nothing here touches the disk but reading templates, static files and
//! the files links publish, so `serve` can reuse it.
//!
//! - `theme`: loading the templates and static files; template errors.
//! - `views`: what templates see, one module per kind of page, each view
//!   built for the page it is rendered into.
//! - `pages`: the pages of a site and rendering them.
//! - `feeds`: partners.json, the search index and the sitemap.
//! - `export`: the calendar and the CSV files.
//! - `plan`: what the output is made from, so a build renders only what
//!   changed.

mod export;
mod feeds;
mod pages;
mod plan;
mod theme;
mod views;

pub use feeds::FeedCache;
pub use pages::{
    Failure, Selection, partner_path, playbook_path, render, render_into, render_selected,
};
pub use plan::{Plan, STATIC_KEY, attachments, fingerprint, plan, source_digests};
pub use theme::{Theme, load_theme};

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path below the output folder, with `/` separators.
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}
