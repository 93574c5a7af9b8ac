//! Rendering the pages: which pages a site has, at which paths, and each
//! one through its template with its view, in parallel, handing every file
//! on as soon as it is made.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde::Serialize;
use tera::value::Key;
use tera::{Context, Value};

use super::views::{self, Benefits, PartnerPrep, PartnerView, Views};
use super::{FeedCache, OutputFile, Theme, attachments, export, feeds, theme};
use crate::diagnostic::Diagnostic;
use crate::record::Tier;
use crate::site::Site;

/// One page to render.
pub(super) enum Page<'a> {
    Portfolio,
    Partner(&'a crate::record::Partner),
    Worksheet(&'a crate::record::Partner),
    Playbooks,
    Playbook(&'a crate::playbook::Playbook),
    Tier(Tier),
    Attention,
    NotFound,
    /// A partner's own edition: its one page, at the root.
    Edition(&'a crate::record::Partner),
}

/// What every page's template sees about the page itself.
#[derive(Serialize)]
struct PageInfo {
    /// portfolio, partner, worksheet, playbooks, playbook, tier,
    /// attention, 404.
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
    /// playbook list, the tier pages, the attention page) and the
    /// machine-readable files.
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

/// Every page of the site with `theme`.
pub(super) fn pages<'s>(site: &'s Site, theme: &Theme) -> Vec<Page<'s>> {
    if site.edition.is_some() {
        // the partner's page and the playbooks it may see: no lists, no
        // 404 page (the edition is sent as files, not served by us)
        let mut pages: Vec<Page> = site.partners.iter().map(Page::Edition).collect();
        pages.extend(site.playbooks.iter().map(Page::Playbook));
        return pages;
    }
    let mut pages = vec![Page::Portfolio, Page::Playbooks];
    pages.extend(Tier::ALL.map(Page::Tier));
    // a theme written before the attention page (issue 21) has no template
    // for it and no link to it: its site builds as it did
    if theme.tera.contains_template("attention.html") {
        pages.push(Page::Attention);
    }
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
    let all = pages(site, theme);
    let paths: Vec<String> = all.iter().map(|page| page_path(page).0).collect();
    let lists = selection.all || selection.lists;
    // a partner's page and worksheet are rendered by one task, which
    // parses the partner's Markdown once for both
    let chosen: Vec<&Page> = all
        .iter()
        .filter(|page| match page {
            Page::Worksheet(_) => false,
            _ if selection.all => true,
            Page::Portfolio | Page::Playbooks | Page::Tier(_) | Page::Attention => selection.lists,
            Page::Partner(p) | Page::Edition(p) => selection.partners.contains(&p.slug),
            Page::Playbook(pb) => selection.playbooks.contains(&pb.path),
            // the 404 page shows only the site's name and links
            Page::NotFound => selection.lists,
        })
        .collect();
    let benefits = Benefits::new(site);
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
            // an edition has no file made from every partner
            if !lists || feeds::file_names(site).is_empty() {
                return Ok(());
            }
            // every page but the 404 page, which `pages` puts last
            let html_pages = &paths[..paths.len() - 1];
            for file in feeds::files(site, html_pages, feeds, &benefits) {
                stop(give(file))?;
            }
            for file in export::files(site, today, &benefits) {
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

/// The theme's and the site's static files that are published: all but
/// those at the path of a page (`pages`) or a feed.
pub(super) fn published_statics<'t>(
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
/// recorded under for both of its pages (see [`super::plan`]).
pub fn partner_path(slug: &str) -> String {
    format!("partners/{slug}/index.html")
}

/// The output path of the page of the playbook at `path`.
pub fn playbook_path(path: &str) -> String {
    format!("playbooks/{path}/index.html")
}

/// A page's output path, template, and kind.
pub(super) fn page_path(page: &Page) -> (String, &'static str, &'static str) {
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
        Page::Attention => (
            "attention/index.html".to_string(),
            "attention.html",
            "attention",
        ),
        Page::NotFound => ("404.html".to_string(), "404.html", "404"),
        Page::Edition(_) => ("index.html".to_string(), "edition.html", "edition"),
    }
}

/// What every page of a render shares.
struct Common<'a> {
    /// The date review status is computed for.
    today: jiff::civil::Date,
    /// Each partner's benefit as plain text.
    benefits: &'a Benefits,
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

/// Renders `page` and hands it to `emit`; a partner's page comes with its
/// worksheet.
fn render_page(
    site: &Site,
    theme: &Theme,
    page: &Page,
    common: &Common,
    emit: &(dyn Fn(OutputFile) -> Result<(), Failure> + Sync),
) -> Result<(), Failure> {
    if let Page::Edition(p) = page {
        let prep = PartnerPrep::new(p, site.config.allow_html);
        let partner = PartnerInput {
            prep: &prep,
            shared: None,
        };
        return match render_one(site, theme, page, common, Some(&partner)) {
            Ok(file) => emit(file),
            Err(ds) => Err(Failure::Templates(ds)),
        };
    }
    if let Page::Partner(p) = page {
        // the page and its worksheet from one parse of the Markdown and,
        // without raw HTML, one view placed for each (see views::place)
        let prep = PartnerPrep::new(p, site.config.allow_html);
        let shared = (!site.config.allow_html).then(|| {
            let views = Views {
                site,
                root: views::ROOT_MARK.to_string(),
                today: common.today,
                benefits: common.benefits,
            };
            views.partner(p, &prep)
        });
        let figures = shared.as_ref().map(Figures::of);
        let partner = PartnerInput {
            prep: &prep,
            shared: shared.as_ref().zip(figures.as_ref()),
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
    prep: &'a PartnerPrep<'a>,
    /// The partner's view, built with [`views::ROOT_MARK`] for the root,
    /// and its figures, when raw HTML is not allowed.
    shared: Option<(&'a PartnerView, &'a Figures)>,
}

/// A partner's influence diagram and grid as Tera values, made once for
/// its page and its worksheet: they hold no links, and serializing them
/// for each page was 3.5% of a build's instructions (callgrind, 1,000
/// partners). Cloning a value shares its arrays and maps.
struct Figures {
    diagram: Value,
    grid: Value,
}

impl Figures {
    fn of(view: &PartnerView) -> Figures {
        Figures {
            diagram: Value::from_serializable(&view.influence.diagram),
            grid: Value::from_serializable(&view.influence.grid),
        }
    }

    /// The partner's view placed for a page at `root`, with the figures.
    fn with(&self, view: &PartnerView, root: &str) -> Value {
        let placed = Value::from_serializable(&view.placed(root));
        let Some(mut partner) = placed.into_map() else {
            unreachable!("a partner view serializes to a map")
        };
        let influence = partner
            .get_mut(&Key::from("influence"))
            .expect("a partner view has an influence map");
        let Some(mut map) = std::mem::replace(influence, Value::from(())).into_map() else {
            unreachable!("an influence view serializes to a map")
        };
        map.insert(Key::from("diagram"), self.diagram.clone());
        map.insert(Key::from("grid"), self.grid.clone());
        *influence = Value::from(map);
        Value::from(partner)
    }
}

/// Renders one page through its template. `partner` is what a partner's
/// page and worksheet share.
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
        Page::Portfolio => {
            let tiers: Vec<_> = Tier::ALL.iter().map(|t| views.tier(*t)).collect();
            cx.insert("tiers", &tiers);
            cx.insert(
                "playbooks",
                &views.playbook_summaries(site.playbooks.iter()),
            );
            cx.insert("partner_count", &site.partners.len());
            cx.insert("attention", &views.attention_link());
            "Partner portfolio".to_string()
        }
        Page::Partner(p) | Page::Worksheet(p) => {
            let input = partner.expect("render_page renders partner pages with their input");
            match input.shared {
                Some((view, figures)) => cx.insert_value("partner", figures.with(view, &root)),
                None => cx.insert("partner", &views.partner(p, input.prep)),
            }
            if let Page::Worksheet(_) = page {
                format!("{}: partnering proposition worksheet", p.name)
            } else {
                p.name.clone()
            }
        }
        Page::Playbooks => {
            cx.insert(
                "playbooks",
                &views.playbook_summaries(site.playbooks.iter()),
            );
            "Playbooks".to_string()
        }
        Page::Playbook(pb) => {
            cx.insert("playbook", &views.playbook(pb));
            pb.title.clone()
        }
        Page::Tier(t) => {
            cx.insert("tier", &views.tier(*t));
            cx.insert(
                "playbooks",
                &views.playbook_summaries(site.playbooks_in(*t)),
            );
            format!("{} partners", t.label())
        }
        Page::Attention => {
            cx.insert("attention", &views.attention());
            "What needs attention".to_string()
        }
        Page::NotFound => "Page not found".to_string(),
        Page::Edition(p) => {
            let input = partner.expect("render_page renders an edition with its input");
            cx.insert("partner", &views.partner(p, input.prep));
            cx.insert(
                "edition",
                &serde_json::json!({ "today": common.today.to_string() }),
            );
            site.config.edition_title(&p.name)
        }
    };
    cx.insert(
        "page",
        &PageInfo {
            kind,
            title: views::title_text(&title),
            path: path.clone(),
        },
    );
    match theme.tera.render(template, &cx) {
        Ok(text) => Ok(OutputFile {
            path,
            bytes: text.into_bytes(),
        }),
        Err(err) => Err(theme::template_diagnostics(
            &err,
            &theme.sources,
            Some(&path),
        )),
    }
}
