//! Rendering: the theme's Tera templates over the views of `context`, plus
//! the machine-readable files (partners.json, search-index.js, sitemap.xml).
//! The result is a list of files in memory; nothing here touches the disk
//! but reading templates and static files, so `serve` can reuse it.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::walk;
use crate::record::Tier;
use crate::site::Site;
use crate::source::SourceFile;

mod context;
mod feeds;
mod influence;

pub use context::Views;
pub use feeds::FeedCache;

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path below the output folder, with `/` separators.
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// The default theme, embedded so `partnerbook` works in an empty folder.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "partner.html",
        include_str!("../../themes/default/templates/partner.html"),
    ),
    (
        "worksheet.html",
        include_str!("../../themes/default/templates/worksheet.html"),
    ),
    (
        "influence_map.html",
        include_str!("../../themes/default/templates/influence_map.html"),
    ),
    (
        "partner_list.html",
        include_str!("../../themes/default/templates/partner_list.html"),
    ),
    (
        "playbook_list.html",
        include_str!("../../themes/default/templates/playbook_list.html"),
    ),
    (
        "playbooks.html",
        include_str!("../../themes/default/templates/playbooks.html"),
    ),
    (
        "playbook.html",
        include_str!("../../themes/default/templates/playbook.html"),
    ),
    (
        "tier.html",
        include_str!("../../themes/default/templates/tier.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
];

/// The default theme's static files.
const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
];

/// The templates, ready to render, with their sources for error messages.
pub struct Theme {
    tera: Tera,
    sources: HashMap<String, SourceFile>,
    static_files: Vec<OutputFile>,
}

/// A template file found on disk or embedded.
struct TemplateFile {
    name: String,
    file: SourceFile,
}

/// Loads the theme the configuration names, then the site's own
/// `templates/` over it (a site template replaces the theme's template of
/// the same name; the theme's stays reachable as `theme/<name>` for
/// `{% extends %}`), and the static files (the site's `static/` over the
/// theme's).
pub fn load_theme(site: &Site) -> Result<Theme, Vec<Diagnostic>> {
    let root = &site.root;
    let theme_dir = root.join("themes").join(&site.config.theme);
    let mut files: Vec<TemplateFile> = Vec::new();
    let mut static_files: Vec<OutputFile> = Vec::new();
    let mut diagnostics = Vec::new();
    if theme_dir.join("templates").is_dir() {
        read_dir_files(
            root,
            &theme_dir.join("templates"),
            &mut diagnostics,
            |name, file| {
                if name.ends_with(".html") || name.ends_with(".xml") {
                    files.push(TemplateFile { name, file });
                }
            },
        );
    } else {
        for (name, text) in DEFAULT_TEMPLATES {
            files.push(TemplateFile {
                name: name.to_string(),
                file: SourceFile {
                    path: format!("themes/default/templates/{name}"),
                    text: text.to_string(),
                },
            });
        }
    }
    if theme_dir.join("static").is_dir() {
        read_dir_bytes(
            root,
            &theme_dir.join("static"),
            None,
            true,
            &mut diagnostics,
            &mut static_files,
        );
    } else {
        static_files.extend(DEFAULT_STATIC.iter().map(|(p, b)| OutputFile {
            path: p.to_string(),
            bytes: b.to_vec(),
        }));
    }
    // the theme's own templates under theme/, then the site's over the plain names
    let mut all: Vec<(String, SourceFile)> = files
        .iter()
        .map(|t| (format!("theme/{}", t.name), t.file.clone()))
        .collect();
    all.extend(files.into_iter().map(|t| (t.name, t.file)));
    let site_templates = root.join("templates");
    if site_templates.is_dir() {
        read_dir_files(root, &site_templates, &mut diagnostics, |name, file| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                all.retain(|(n, _)| *n != name);
                all.push((name, file));
            }
        });
    }
    let site_static = root.join("static");
    if site_static.is_dir() {
        let mut own = Vec::new();
        read_dir_bytes(root, &site_static, None, true, &mut diagnostics, &mut own);
        for file in own {
            static_files.retain(|f| f.path != file.path);
            static_files.push(file);
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    let sources: HashMap<String, SourceFile> = all.iter().cloned().collect();
    if let Err(err) = tera.add_raw_templates(all.iter().map(|(n, f)| (n.clone(), f.text.clone()))) {
        return Err(template_diagnostics(&err, &sources, None));
    }
    for required in [
        "index.html",
        "partner.html",
        "worksheet.html",
        "playbooks.html",
        "playbook.html",
        "tier.html",
        "404.html",
    ] {
        if !tera.contains_template(required) {
            let file = SourceFile {
                path: format!("themes/{}/templates", site.config.theme),
                text: String::new(),
            };
            diagnostics.push(Diagnostic::new(
                Code::Template,
                &file,
                0..0,
                format!("the theme has no template `{required}`"),
                "this folder",
                format!("add templates/{required} to the site or the theme"),
            ));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Theme {
        tera,
        sources,
        static_files,
    })
}

/// Calls `each` with every readable UTF-8 file below `dir` (name relative to
/// `dir`), reporting the rest. These are templates: text, held to
/// [`crate::pipeline::read::MAX_FILE_SIZE`].
fn read_dir_files(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    mut each: impl FnMut(String, SourceFile),
) {
    let mut bytes = Vec::new();
    read_dir_bytes(
        root,
        dir,
        Some(crate::pipeline::read::MAX_FILE_SIZE),
        false,
        diagnostics,
        &mut bytes,
    );
    for f in bytes {
        let rel = walk::relative(root, &dir.join(&f.path));
        match crate::pipeline::read::utf8_source(&rel, f.bytes) {
            Ok(file) => each(f.path, file),
            Err(d) => diagnostics.push(*d),
        }
    }
}

/// Reads every file below `dir` (links followed only inside the site,
/// files over `limit` refused) as output files named relative to `dir`.
/// Hidden files are read too when `hidden` is true: a static file such as
/// `.htaccess` or `.well-known/security.txt` is published like any other.
fn read_dir_bytes(
    root: &Path,
    dir: &Path,
    limit: Option<u64>,
    hidden: bool,
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<OutputFile>,
) {
    let ignored: fn(&str) -> bool = if hidden {
        |_| false
    } else {
        |name| name.starts_with('.')
    };
    for entry in walk::files(root, dir, ignored, diagnostics) {
        let rel = walk::relative(root, entry.path());
        match crate::pipeline::read::read_file(entry.path(), &rel, limit) {
            Ok(bytes) => out.push(OutputFile {
                path: walk::relative(dir, entry.path()),
                bytes,
            }),
            Err(d) => diagnostics.push(*d),
        }
    }
}

/// `template` diagnostics from a Tera error, at the template and line Tera
/// reports. `page` names the page being rendered, if any.
fn template_diagnostics(
    err: &tera::Error,
    sources: &HashMap<String, SourceFile>,
    page: Option<&str>,
) -> Vec<Diagnostic> {
    let found: Vec<(String, Range<usize>, String)> = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            vec![(
                report.filename().to_string(),
                report.span().range.clone(),
                report.message().to_string(),
            )]
        }
        ErrorKind::MissingParent { current, parent } => {
            vec![(
                current.clone(),
                0..0,
                format!("`{current}` extends `{parent}`, which does not exist"),
            )]
        }
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            vec![(
                tpl.clone(),
                0..0,
                format!(
                    "`{tpl}` extends itself through {}",
                    inheritance_chain.join(" → ")
                ),
            )]
        }
        // checks across templates come as one message of several reports
        ErrorKind::Msg(text) => parse_reports(text, sources),
        _ => Vec::new(),
    };
    let found = if found.is_empty() {
        vec![(String::new(), 0..0, error_chain(err))]
    } else {
        found
    };
    let during = page.map_or(String::new(), |p| format!(" while rendering {p}"));
    let unknown = SourceFile {
        path: "templates".to_string(),
        text: String::new(),
    };
    found
        .into_iter()
        .map(|(name, span, message)| {
            let file = sources.get(&name).unwrap_or(&unknown);
            let help =
                if file.path.starts_with("themes/default/") && !Path::new(&file.path).exists() {
                    "this is a bug in partnerbook's built-in theme: please report it".to_string()
                } else {
                    format!(
                        "fix the template {}; Tera's syntax is described at keats.github.io/tera",
                        file.path
                    )
                };
            Diagnostic::new(
                Code::Template,
                file,
                span,
                format!("template error in {}{during}: {message}", file.path),
                "here",
                help,
            )
        })
        .collect()
}

/// Reads Tera's rendered reports (`error: message` then `--> name:line:col`).
fn parse_reports(
    text: &str,
    sources: &HashMap<String, SourceFile>,
) -> Vec<(String, Range<usize>, String)> {
    text.split("\n\n")
        .filter_map(|report| {
            let message = report
                .lines()
                .next()?
                .trim()
                .trim_start_matches("error:")
                .trim()
                .to_string();
            let location = report.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
            let mut parts = location.rsplitn(3, ':');
            let col: usize = parts.next()?.parse().ok()?;
            let line: usize = parts.next()?.parse().ok()?;
            let name = parts.next()?.to_string();
            let at = sources
                .get(&name)
                .map_or(0, |f| crate::source::offset_of(&f.text, line, col));
            Some((name, at..at, message))
        })
        .collect()
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        s.push_str(": ");
        s.push_str(&e.to_string());
        source = e.source();
    }
    s
}

/// One page to render.
enum Page<'a> {
    Portfolio,
    Partner(&'a crate::record::Partner),
    Worksheet(&'a crate::record::Partner),
    Playbooks,
    Playbook(&'a crate::playbook::Playbook),
    Tier(Tier),
    NotFound,
}

/// What every page's template sees about the page itself.
#[derive(Serialize)]
struct PageInfo {
    /// portfolio, partner, worksheet, playbooks, playbook, tier, 404.
    kind: &'static str,
    /// The `<title>` text.
    title: String,
    /// The output path, `partners/x/index.html`.
    path: String,
}

/// Which pages and files to render: everything, or what a change affects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Every page and file.
    pub all: bool,
    /// Partners (by slug) whose page and worksheet to render.
    pub partners: BTreeSet<String>,
    /// Playbooks (by path) whose page to render.
    pub playbooks: BTreeSet<String>,
    /// The pages that list partners or playbooks (the portfolio, the
    /// playbook list, the tier pages) and the machine-readable files.
    pub lists: bool,
    /// The theme's and the site's static files.
    pub statics: bool,
}

impl Selection {
    /// Everything.
    pub fn everything() -> Selection {
        Selection {
            all: true,
            ..Selection::default()
        }
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        *self == Selection::default()
    }
}

/// Renders every page and file of the site, in parallel.
pub fn render(
    site: &Site,
    theme: &Theme,
    today: jiff::civil::Date,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render_selected(
        site,
        theme,
        today,
        &Selection::everything(),
        &mut FeedCache::default(),
    )
}

/// Every page of the site.
fn pages(site: &Site) -> Vec<Page<'_>> {
    let mut pages = vec![Page::Portfolio, Page::Playbooks];
    pages.extend(Tier::ALL.map(Page::Tier));
    for p in &site.partners {
        pages.push(Page::Partner(p));
        pages.push(Page::Worksheet(p));
    }
    pages.extend(site.playbooks.iter().map(Page::Playbook));
    // last, so the pages before it are the sitemap's
    pages.push(Page::NotFound);
    pages
}

/// Renders the pages and files `selection` names, in parallel. Every file
/// rendered is returned, sorted by path; files not selected are not.
/// `feeds` holds what partners.json and the search index need of each
/// partner, from earlier renders.
pub fn render_selected(
    site: &Site,
    theme: &Theme,
    today: jiff::civil::Date,
    selection: &Selection,
    feeds: &mut FeedCache,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(Vec::new());
    let attached = match selection.all || selection.statics {
        true => attachments(site),
        false => Vec::new(),
    };
    let result = render_into(site, theme, &attached, today, selection, feeds, &|file| {
        files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(file);
        Ok(())
    });
    match result {
        Ok(()) => {}
        Err(Failure::Templates(ds)) => return Err(ds),
        Err(Failure::Output(err)) => unreachable!("collecting in memory cannot fail: {err}"),
    }
    let mut files = files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum Failure {
    /// Templates failed: every page's errors, sorted.
    Templates(Vec<Diagnostic>),
    /// A file could not be handed on (written).
    Output(anyhow::Error),
}

/// Renders the pages and files `selection` names, in parallel, handing
/// each file to `emit` as soon as it is ready, from any thread, so a build
/// writes while it renders and never holds the whole site in memory.
/// Every page is rendered even after a template error, so that all errors
/// are reported; no file is emitted after the first one.
pub fn render_into(
    site: &Site,
    theme: &Theme,
    attached: &[OutputFile],
    today: jiff::civil::Date,
    selection: &Selection,
    feeds: &mut FeedCache,
    emit: &(dyn Fn(OutputFile) -> anyhow::Result<()> + Sync),
) -> Result<(), Failure> {
    let all = pages(site);
    let paths: Vec<String> = all.iter().map(|page| page_path(page).0).collect();
    let lists = selection.all || selection.lists;
    // a partner's page and worksheet are rendered by one task, which
    // parses the partner's Markdown once for both
    let chosen: Vec<&Page> = all
        .iter()
        .filter(|page| match page {
            Page::Worksheet(_) => false,
            _ if selection.all => true,
            Page::Portfolio | Page::Playbooks | Page::Tier(_) => selection.lists,
            Page::Partner(p) => selection.partners.contains(&p.slug),
            Page::Playbook(pb) => selection.playbooks.contains(&pb.path),
            // the 404 page shows only the site's name and links
            Page::NotFound => selection.lists,
        })
        .collect();
    let benefits = context::Benefits::new(site);
    let chrome = Chrome::new(&paths);
    let common = Common {
        today,
        benefits: &benefits,
        chrome: &chrome,
    };
    if lists {
        benefits.fill(site);
    }
    // after the first failure nothing more is written (the staging folder
    // is thrown away), but every page is still rendered for its errors
    let failed = std::sync::atomic::AtomicBool::new(false);
    let give = |file: OutputFile| -> Result<(), Failure> {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        emit(file).map_err(Failure::Output)
    };
    let stop = |r: Result<(), Failure>| {
        if r.is_err() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        r
    };
    // the pages and the feeds at the same time: serialising partners.json
    // while the pages render keeps both cores busy to the end
    let (pages_done, feeds_done) = rayon::join(
        || {
            chosen
                .par_iter()
                .map(|page| stop(render_page(site, theme, page, &common, &give)))
                .filter_map(Result::err)
                .collect::<Vec<Failure>>()
        },
        || -> Result<(), Failure> {
            if !lists {
                return Ok(());
            }
            // every page but the 404 page, which `pages` puts last
            let html_pages = &paths[..paths.len() - 1];
            for file in feeds::files(site, html_pages, feeds, &benefits) {
                stop(give(file))?;
            }
            Ok(())
        },
    );
    let mut failures = pages_done;
    failures.extend(feeds_done.err());
    if selection.all || selection.statics {
        for f in published_statics(site, theme, &paths) {
            failures.extend(stop(give(f.clone())).err());
        }
        for f in attached {
            failures.extend(stop(give(f.clone())).err());
        }
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut output_error = None;
    for failure in failures {
        match failure {
            Failure::Templates(ds) => errors.extend(ds),
            Failure::Output(err) => {
                output_error.get_or_insert(err);
            }
        }
    }
    if !errors.is_empty() {
        crate::diagnostic::sort(&mut errors);
        return Err(Failure::Templates(errors));
    }
    match output_error {
        Some(err) => Err(Failure::Output(err)),
        None => Ok(()),
    }
}

/// A digest of everything a build's output is made from: the version of
/// partnerbook, the date, whether drafts are in, every content file, the
/// configuration (with any `--base-url`), and the theme's templates and
/// static files. Two builds with the same digest write the same bytes, so
/// `build` skips writing when the output already holds that digest.
pub fn fingerprint(
    site: &Site,
    theme: &Theme,
    attached: &[OutputFile],
    today: jiff::civil::Date,
    drafts: bool,
    digests: &[u128],
) -> String {
    use std::hash::Hash;
    use xxhash_rust::xxh3::Xxh3;
    fn digest(part: impl Hash) -> u128 {
        let mut h = Xxh3::new();
        part.hash(&mut h);
        h.digest128()
    }
    let sources: Vec<(&String, &u128)> =
        site.sources.iter().map(|f| &f.path).zip(digests).collect();
    let mut templates: Vec<(&String, &SourceFile)> = theme.sources.iter().collect();
    templates.sort_by(|a, b| a.0.cmp(b.0));
    let templates: Vec<(&String, &String, &String)> = templates
        .into_iter()
        .map(|(name, f)| (name, &f.path, &f.text))
        .collect();
    let statics: Vec<(&String, &Vec<u8>)> = theme
        .static_files
        .iter()
        .map(|f| (&f.path, &f.bytes))
        .collect();
    let attached: Vec<(&String, u128)> = attached
        .iter()
        .map(|f| (&f.path, xxhash_rust::xxh3::xxh3_128(&f.bytes)))
        .collect();
    let all = digest((
        attached,
        env!("CARGO_PKG_VERSION"),
        today.to_string(),
        drafts,
        &site.config.base_url,
        &site.config.theme,
        sources,
        templates,
        statics,
    ));
    format!("{all:032x}")
}

/// The digest (XXH3-128) of the text of each of `site.sources`, in order:
/// what [`fingerprint`] and [`plan`] know a content file by. (64-bit
/// SipHash twice cost 36–55 ms of a 10,000-partner build with nothing to
/// write.)
pub fn source_digests(site: &Site) -> Vec<u128> {
    site.sources
        .par_iter()
        .map(|f| xxhash_rust::xxh3::xxh3_128(f.text.as_bytes()))
        .collect()
}

/// The files beside playbooks and partner records that links in their
/// Markdown name, each published at its path below content/
/// (content/playbooks/engagement/deal-flow.png is
/// playbooks/engagement/deal-flow.png): beside the pages of the folder's
/// playbooks, at a URL that does not depend on which playbook links it,
/// so one file serves every playbook that names it. A file that cannot be
/// published is a `broken-link` the check reports; it is left out here.
pub fn attachments(site: &Site) -> Vec<OutputFile> {
    use crate::markdown::{
        PARTNER_BASE, Relative, folder_of, relative_links, yaml_may_link_relatively,
    };
    let files = |md: &str, base: &str| -> Vec<String> {
        relative_links(md, base)
            .into_iter()
            .filter_map(|(_, to, _)| match to {
                Relative::File(path, _) => Some(path),
                _ => None,
            })
            .collect()
    };
    let mut paths: std::collections::BTreeSet<String> = site
        .playbooks
        .par_iter()
        .flat_map_iter(|pb| {
            let folder = folder_of(&site.sources[pb.source].path);
            let mut out = files(site.body(pb), folder);
            out.extend(pb.summary.iter().flat_map(|s| files(s, folder)));
            out
        })
        .chain(site.partners.par_iter().flat_map_iter(|p| {
            let raw = &site.sources[p.source].text;
            let fields = match yaml_may_link_relatively(raw) {
                true => p.markdown_fields(),
                false => Vec::new(),
            };
            fields
                .into_iter()
                .flat_map(|(_, text)| files(text, PARTNER_BASE))
                .collect::<Vec<_>>()
        }))
        .collect();
    for tier in Tier::ALL {
        for (_, rule) in &site.config.tier(tier).rules_of_engagement {
            paths.extend(files(rule, ""));
        }
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let file = crate::pipeline::validate::links::publishable(site, &path).ok()?;
            let bytes = std::fs::read(file).ok()?;
            Some(OutputFile { path, bytes })
        })
        .collect()
}

/// The theme's and the site's static files that are published: all but
/// those at the path of a page (`pages`) or a feed.
fn published_statics<'t>(
    site: &Site,
    theme: &'t Theme,
    pages: &[String],
) -> impl Iterator<Item = &'t OutputFile> {
    let made: std::collections::HashSet<String> = pages
        .iter()
        .cloned()
        .chain(feeds::file_names(site).into_iter().map(String::from))
        .collect();
    theme
        .static_files
        .iter()
        .filter(move |f| !made.contains(&f.path))
}

/// The output path of the page of the partner `slug`: the path its key is
/// recorded under for both of its pages (see [`plan`]).
pub fn partner_path(slug: &str) -> String {
    format!("partners/{slug}/index.html")
}

/// The output path of the page of the playbook at `path`.
pub fn playbook_path(path: &str) -> String {
    format!("playbooks/{path}/index.html")
}

/// How the key of a static file begins; the rest is the digest of its bytes.
pub const STATIC_KEY: &str = "static:";

/// What a build must render, given what the output already holds.
#[derive(Debug, Default)]
pub struct Plan {
    /// The pages and files to render.
    pub selection: Selection,
    /// Every file of the site (pages, feeds, static files), with the key
    /// it is made from (hex). The files not selected are unchanged.
    pub keys: HashMap<String, String>,
}

/// Works out which files of the output each input affects, as a key per
/// file: a digest of everything the file is made from. A partner's page and
/// worksheet are made from the partner's record, the playbooks that apply
/// to it (their titles and paths) and, when the record has a review, the
/// date; a playbook's page from its file and the names of the partners it
/// names; the lists (portfolio, tier pages, playbook list, 404 page,
/// partners.json, search index, sitemap) from every content file and the
/// date. Every key also holds the version of partnerbook, whether drafts
/// are in, the configuration (with any `--base-url`) and the theme's
/// templates. `previous` gives the key a file of the output was made from;
/// the plan selects every file whose key differs. A static file's key is
/// its digest: when one changed, all are handed over again.
pub fn plan(
    site: &Site,
    theme: &Theme,
    attached: &[OutputFile],
    today: jiff::civil::Date,
    drafts: bool,
    sources: &[u128],
    previous: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Plan {
    use std::hash::Hash;
    use xxhash_rust::xxh3::Xxh3;
    let hex = |h: &Xxh3| format!("{:032x}", h.digest128());
    let mut global = Xxh3::new();
    (env!("CARGO_PKG_VERSION"), drafts, &site.config.base_url).hash(&mut global);
    site.config_source
        .map(|i| &site.sources[i].text)
        .hash(&mut global);
    let mut templates: Vec<(&String, &SourceFile)> = theme.sources.iter().collect();
    templates.sort_by(|a, b| a.0.cmp(b.0));
    for (name, file) in templates {
        (name, &file.path, &file.text).hash(&mut global);
    }
    let mut lists = global.clone();
    "lists".hash(&mut lists);
    today.to_string().hash(&mut lists);
    for (file, digest) in site.sources.iter().zip(sources) {
        (&file.path, digest).hash(&mut lists);
    }
    let lists = hex(&lists);
    let today = today.to_string();
    let partner_keys: Vec<String> = site
        .partners
        .par_iter()
        .map(|p| {
            let mut h = global.clone();
            ("partner", &p.slug, sources[p.source]).hash(&mut h);
            if p.review.is_some() {
                today.hash(&mut h);
            }
            for pb in site.playbooks_for(p) {
                (&pb.title, &pb.path).hash(&mut h);
            }
            hex(&h)
        })
        .collect();
    let playbook_keys: Vec<String> = site
        .playbooks
        .par_iter()
        .map(|pb| {
            let mut h = global.clone();
            ("playbook", &pb.path, sources[pb.source]).hash(&mut h);
            for slug in &pb.partners {
                site.partner(slug).map(|p| &p.name).hash(&mut h);
            }
            hex(&h)
        })
        .collect();
    /// What renders a file: a partner's task, a playbook's, the lists', or
    /// the copying of static files.
    #[derive(Clone, Copy)]
    enum Unit {
        Partner(usize),
        Playbook(usize),
        Lists,
        Static,
    }
    let playbook_at: HashMap<&str, usize> = site
        .playbooks
        .iter()
        .enumerate()
        .map(|(i, pb)| (pb.path.as_str(), i))
        .collect();
    let mut keyed: Vec<(String, String, Unit)> = Vec::new();
    for page in pages(site) {
        let (key, unit) = match &page {
            Page::Partner(p) | Page::Worksheet(p) => {
                let i = site.by_slug[&p.slug];
                (&partner_keys[i], Unit::Partner(i))
            }
            Page::Playbook(pb) => {
                let i = playbook_at[pb.path.as_str()];
                (&playbook_keys[i], Unit::Playbook(i))
            }
            _ => (&lists, Unit::Lists),
        };
        keyed.push((page_path(&page).0, key.clone(), unit));
    }
    for name in feeds::file_names(site) {
        keyed.push((name.to_string(), lists.clone(), Unit::Lists));
    }
    let pages: Vec<String> = keyed.iter().map(|(path, _, _)| path.clone()).collect();
    let statics: Vec<&OutputFile> = published_statics(site, theme, &pages).collect();
    keyed.par_extend(statics.par_iter().map(|f| {
        let key = format!("{STATIC_KEY}{}", crate::write::digest(&f.bytes));
        (f.path.clone(), key, Unit::Static)
    }));
    // files beside playbooks are handed over with the static files
    keyed.extend(attached.iter().map(|f| {
        let key = format!("{STATIC_KEY}{}", crate::write::digest(&f.bytes));
        (f.path.clone(), key, Unit::Static)
    }));
    let changed: Vec<bool> = keyed
        .par_iter()
        .map(|(path, key, _)| previous(path).as_deref() != Some(key.as_str()))
        .collect();
    let mut selection = Selection::default();
    for ((_, _, unit), _) in keyed.iter().zip(&changed).filter(|(_, c)| **c) {
        match *unit {
            Unit::Partner(i) => {
                selection.partners.insert(site.partners[i].slug.clone());
            }
            Unit::Playbook(i) => {
                selection.playbooks.insert(site.playbooks[i].path.clone());
            }
            Unit::Lists => selection.lists = true,
            Unit::Static => selection.statics = true,
        }
    }
    Plan {
        keys: keyed
            .into_iter()
            .map(|(path, key, _)| (path, key))
            .collect(),
        selection,
    }
}

/// A page's output path, template, and kind.
fn page_path(page: &Page) -> (String, &'static str, &'static str) {
    match page {
        Page::Portfolio => ("index.html".to_string(), "index.html", "portfolio"),
        Page::Partner(p) => (partner_path(&p.slug), "partner.html", "partner"),
        Page::Worksheet(p) => (
            format!("partners/{}/worksheet/index.html", p.slug),
            "worksheet.html",
            "worksheet",
        ),
        Page::Playbooks => (
            "playbooks/index.html".to_string(),
            "playbooks.html",
            "playbooks",
        ),
        Page::Playbook(pb) => (playbook_path(&pb.path), "playbook.html", "playbook"),
        Page::Tier(t) => (format!("tiers/{t}/index.html"), "tier.html", "tier"),
        Page::NotFound => ("404.html".to_string(), "404.html", "404"),
    }
}

/// What every page of a render shares.
struct Common<'a> {
    /// The date review status is computed for.
    today: jiff::civil::Date,
    /// Each partner's benefit as plain text.
    benefits: &'a context::Benefits,
    /// The site and navigation values at each depth.
    chrome: &'a Chrome,
}

/// The `site` and `nav` values of the pages at each depth below the root,
/// made once for all of them (a 404 page, whose root may be a path, makes
/// its own).
struct Chrome(Vec<std::sync::OnceLock<(tera::Value, tera::Value)>>);

impl Chrome {
    /// Room for pages as deep as the deepest of `paths`.
    fn new(paths: &[String]) -> Chrome {
        let deepest = paths.iter().map(|p| p.matches('/').count()).max();
        Chrome(
            (0..=deepest.unwrap_or(0))
                .map(|_| Default::default())
                .collect(),
        )
    }

    /// The `site` and `nav` values of a page whose way back to the root is
    /// `views.root`, `depth` folders deep.
    fn of(&self, views: &Views, depth: Option<usize>) -> (tera::Value, tera::Value) {
        let make = || {
            (
                tera::Value::from_serializable(&views.site_view()),
                tera::Value::from_serializable(&views.nav()),
            )
        };
        match depth.and_then(|d| self.0.get(d)) {
            Some(cell) => cell.get_or_init(make).clone(),
            None => make(),
        }
    }
}

fn render_page(
    site: &Site,
    theme: &Theme,
    page: &Page,
    common: &Common,
    emit: &(dyn Fn(OutputFile) -> Result<(), Failure> + Sync),
) -> Result<(), Failure> {
    let Common {
        today, benefits, ..
    } = *common;
    if let Page::Partner(p) = page {
        // the page and its worksheet, from one parse of the Markdown, and
        // where they can, from one view (3.8% fewer instructions for the
        // 1,000-partner build than a view for each, measured with callgrind)
        let prep = context::PartnerPrep::new(p, site.config.allow_html);
        let shared = context::shares_views(site).then(|| {
            let views = Views {
                site,
                root: context::ROOT_MARK.to_string(),
                today,
                benefits,
            };
            tera::Value::from_serializable(&views.partner(p, &prep))
        });
        let partner = PartnerInput {
            prep: &prep,
            shared: shared.as_ref(),
        };
        let mut errors = Vec::new();
        for page in [Page::Partner(p), Page::Worksheet(p)] {
            match render_one(site, theme, &page, common, Some(&partner)) {
                Ok(file) => emit(file)?,
                Err(ds) => errors.extend(ds),
            }
        }
        return if errors.is_empty() {
            Ok(())
        } else {
            Err(Failure::Templates(errors))
        };
    }
    match render_one(site, theme, page, common, None) {
        Ok(file) => emit(file),
        Err(ds) => Err(Failure::Templates(ds)),
    }
}

/// What a partner's two pages share.
struct PartnerInput<'a> {
    /// The partner's Markdown, parsed.
    prep: &'a context::PartnerPrep<'a>,
    /// The partner's view, built with [`context::ROOT_MARK`] for the root,
    /// when [`context::shares_views`].
    shared: Option<&'a tera::Value>,
}

fn render_one(
    site: &Site,
    theme: &Theme,
    page: &Page,
    common: &Common,
    partner: Option<&PartnerInput>,
) -> Result<OutputFile, Vec<Diagnostic>> {
    let (path, template, kind) = page_path(page);
    let depth = match page {
        // a 404 page is served at any depth: with a base URL its links can
        // be absolute paths; without one they work at the top level
        Page::NotFound => None,
        _ => Some(path.matches('/').count()),
    };
    let root = match depth {
        None => site.config.base_path().unwrap_or_default().to_string(),
        Some(depth) => "../".repeat(depth),
    };
    let views = Views {
        site,
        root: root.clone(),
        today: common.today,
        benefits: common.benefits,
    };
    let mut cx = Context::new();
    let (site_value, nav) = common.chrome.of(&views, depth);
    cx.insert_value("site", site_value);
    cx.insert_value("nav", nav);
    cx.insert("root", &root);
    let title = match page {
        Page::Portfolio => "Partner portfolio".to_string(),
        Page::Partner(p) | Page::Worksheet(p) => {
            let input = partner.expect("render_page renders partner pages with their input");
            let view = match input.shared {
                Some(view) => context::place(view, &root),
                None => tera::Value::from_serializable(&views.partner(p, input.prep)),
            };
            cx.insert_value("partner", view);
            if let Page::Worksheet(_) = page {
                format!("{}: partnering proposition worksheet", p.name)
            } else {
                p.name.clone()
            }
        }
        Page::Playbooks => {
            let list: Vec<_> = site
                .playbooks
                .iter()
                .map(|pb| views.playbook_summary(pb))
                .collect();
            cx.insert("playbooks", &list);
            "Playbooks".to_string()
        }
        Page::Playbook(pb) => {
            cx.insert("playbook", &views.playbook(pb));
            pb.title.clone()
        }
        Page::Tier(t) => {
            cx.insert("tier", &views.tier(*t));
            let list: Vec<_> = site
                .playbooks_in(*t)
                .map(|pb| views.playbook_summary(pb))
                .collect();
            cx.insert("playbooks", &list);
            format!("{} partners", t.label())
        }
        Page::NotFound => "Page not found".to_string(),
    };
    if let Page::Portfolio = page {
        let tiers: Vec<_> = Tier::ALL.iter().map(|t| views.tier(*t)).collect();
        cx.insert("tiers", &tiers);
        let list: Vec<_> = site
            .playbooks
            .iter()
            .map(|pb| views.playbook_summary(pb))
            .collect();
        cx.insert("playbooks", &list);
        cx.insert("partner_count", &site.partners.len());
    }
    cx.insert(
        "page",
        &PageInfo {
            kind,
            title: context::title_text(&title),
            path: path.clone(),
        },
    );
    // into a buffer as large as the largest page of its kind so far, so the
    // page is not copied as it grows (1.4% fewer instructions for the
    // 1,000-partner build than Tera's own `render`, measured with callgrind)
    let hint = &SIZE_HINTS[size_slot(page)];
    let mut bytes = Vec::with_capacity(hint.load(Ordering::Relaxed));
    match theme.tera.render_to(template, &cx, &mut bytes) {
        Ok(()) => {
            hint.fetch_max(bytes.len() + bytes.len() / 8, Ordering::Relaxed);
            Ok(OutputFile { path, bytes })
        }
        Err(err) => Err(template_diagnostics(&err, &theme.sources, Some(&path))),
    }
}

/// The size of the largest page of each kind rendered so far (plus an
/// eighth), in the slots [`size_slot`] gives the kinds. Kept for the
/// process, so `serve`'s rebuilds start from the sizes of the last one.
static SIZE_HINTS: [AtomicUsize; 7] = [const { AtomicUsize::new(0) }; 7];

fn size_slot(page: &Page) -> usize {
    match page {
        Page::Portfolio => 0,
        Page::Partner(_) => 1,
        Page::Worksheet(_) => 2,
        Page::Playbooks => 3,
        Page::Playbook(_) => 4,
        Page::Tier(_) => 5,
        Page::NotFound => 6,
    }
}
