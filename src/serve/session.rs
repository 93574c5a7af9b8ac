//! A site kept in memory between rebuilds: `serve`'s half of the pipeline.
//!
//! It runs the same functions as `build` (`site::read`, `site::put_together`,
//! `validate::run`, `render::render_selected`), but keeps every file's read
//! and every page's output, so that a change to one record re-reads one
//! file, re-checks one file (plus the whole-site rules), and re-renders the
//! pages that show it. Anything that can move pages or links (a file added,
//! removed or renamed, a draft flag, the configuration) rebuilds the whole
//! site, still reusing every unchanged file's read.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use crate::config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::validate::{self, Scope, WHOLE_SITE};
use crate::pipeline::walk;
use crate::pipeline::{self, BuildOptions, Reads};
use crate::render::{self, FeedCache, OutputFile, Selection, Theme};
use crate::site::Site;

/// What a changed path is to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    /// partnerbook.yaml, or a folder in themes/ (the theme it names may
    /// have come or gone).
    Config,
    /// A partner record.
    Partner,
    /// A playbook.
    Playbook,
    /// content/ itself or something below it that is not a file the walk
    /// reads (a folder, say): the whole content is walked again, and every
    /// file below that folder read again, since a folder that was deleted
    /// and made again, or renamed away and back, may hold anything.
    Content,
    /// A template of the site or the theme.
    Template,
    /// A static file of the site or the theme.
    Static,
}

/// What `path` (relative to the root, `/`-separated) is to a site using
/// `theme`, or `None` when it does not matter (editor swap files, the
/// output, anything else).
pub(crate) fn classify(rel: &str, theme: &str, is_dir: bool) -> Option<Kind> {
    if rel == config::FILE_NAME {
        return Some(Kind::Config);
    }
    let parts = || rel.split('/');
    if parts().any(|part| part.ends_with('~') || part.ends_with(".swp")) {
        return None; // an editor's backup or swap file
    }
    // hidden files are published from static/ (.htaccess, .well-known/),
    // and ignored everywhere else
    let hidden = parts().any(|part| part.starts_with('.'));
    // a theme folder that came or went: whether the theme the
    // configuration names exists is part of reading it
    if !hidden
        && (rel == "themes"
            || rel
                .strip_prefix("themes/")
                .is_some_and(|t| !t.contains('/')))
    {
        return Some(Kind::Config);
    }
    if rel == "content" {
        return Some(Kind::Content);
    }
    let ext = || {
        rel.rsplit_once('.')
            .filter(|(_, e)| !e.contains('/'))
            .map(|(_, e)| e.to_ascii_lowercase())
    };
    if let Some(rest) = rel.strip_prefix("content/") {
        return match ext().as_deref() {
            _ if hidden => None,
            _ if is_dir => Some(Kind::Content),
            Some("yaml" | "yml") if rest.starts_with("partners/") => Some(Kind::Partner),
            Some("md") if rest.starts_with("playbooks/") => Some(Kind::Playbook),
            // a file a link may name (an image beside a playbook): whether
            // it exists decides the link check, and its bytes are published
            _ if rest.starts_with("playbooks/") || rest.starts_with("partners/") => {
                Some(Kind::Content)
            }
            // not a content file; a folder that is gone is `Kind::Content`
            // too, but only the session knows it was one
            _ => None,
        };
    }
    let in_theme = rel
        .strip_prefix("themes/")
        .and_then(|r| r.strip_prefix(theme))
        .and_then(|r| r.strip_prefix('/'));
    let below = in_theme.unwrap_or(rel);
    if below.starts_with("templates/") || below == "templates" {
        (!hidden).then_some(Kind::Template)
    } else if below.starts_with("static/") || below == "static" {
        Some(Kind::Static)
    } else {
        None
    }
}

/// The result of a rebuild.
#[derive(Debug)]
pub struct Update {
    /// Every diagnostic of the site now, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The changed pages themselves, rendered first: what a patch
    /// changed. Empty when the site has errors (the last good output
    /// stays).
    pub phases: Vec<Selection>,
    /// Whether, after `phases`, the rest is planned (with
    /// [`render::plan`]) and rendered: the lists and every other page whose
    /// key changed.
    pub rest: bool,
    /// For a partner's edition, why there is none although the site has
    /// no error: no published partner has its slug (any more). The
    /// message of `build --partner` (see [`crate::edition::unknown_slug`]).
    pub no_edition: Option<String>,
}

impl Update {
    /// Whether the site has errors.
    pub fn failed(&self) -> bool {
        self.no_edition.is_some()
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
}

/// A site in memory.
pub struct Session {
    opts: BuildOptions,
    /// The root with every link resolved.
    real_root: std::path::PathBuf,
    reads: Reads,
    /// Where each content file is: partner or playbook, and its position
    /// in `reads` (which is also its index in `site.sources`, playbooks
    /// after partners).
    index: HashMap<String, (Kind, usize)>,
    site: Site,
    duplicates: Vec<Diagnostic>,
    checks: Vec<Diagnostic>,
    theme: Result<Theme, Vec<Diagnostic>>,
    diagnostics: Vec<Diagnostic>,
    /// The key (see [`render::plan`]) of every file served now: a file
    /// whose key the site no longer gives is rendered again, and one the
    /// site no longer makes is taken down.
    rendered: HashMap<String, String>,
    /// The keys of the last plan, recorded for each file once rendered.
    planned: HashMap<String, String>,
    /// The files served now that the last plan no longer makes.
    gone: Vec<String>,
    /// A change came in that no plan has seen yet.
    stale: bool,
    /// Each partner's part of partners.json and the search index.
    feeds: FeedCache,
    /// For `serve --partner`, what of that partner's edition is served.
    edition: Option<Edition>,
}

/// The edition of one partner, served instead of the site (`serve
/// --partner`). The site is still kept, checked and patched whole, as for
/// the site; the edition, a page and a few playbooks, is cut from it and
/// rendered whole after every change, the way `build --partner` does.
struct Edition {
    /// The partner's slug.
    slug: String,
    /// The paths served now.
    served: HashSet<String>,
    /// The partners and playbooks of the edition served now.
    counts: (usize, usize),
}

impl Session {
    /// Reads, checks and plans the rendering of the whole site.
    pub fn open(opts: BuildOptions) -> (Session, Update) {
        Session::start(opts, None)
    }

    /// Reads and checks the whole site, and plans the rendering of the
    /// edition of the partner `slug` (`serve --partner`) instead of the
    /// site.
    pub fn open_edition(opts: BuildOptions, slug: &str) -> (Session, Update) {
        Session::start(opts, Some(slug))
    }

    fn start(opts: BuildOptions, edition: Option<&str>) -> (Session, Update) {
        let reads = pipeline::read(&opts, None, &|_| true);
        let assembled = pipeline::put_together(&opts, reads.clone());
        let theme = render::load_theme(&assembled.site);
        let mut session = Session {
            index: index(&reads),
            reads,
            site: assembled.site,
            duplicates: assembled.duplicates,
            checks: assembled.checks,
            theme,
            diagnostics: Vec::new(),
            rendered: HashMap::new(),
            planned: HashMap::new(),
            gone: Vec::new(),
            stale: true,
            feeds: FeedCache::default(),
            edition: edition.map(|slug| Edition {
                slug: slug.to_string(),
                served: HashSet::new(),
                counts: (0, 0),
            }),
            real_root: opts
                .root
                .canonicalize()
                .unwrap_or_else(|_| opts.root.clone()),
            opts,
        };
        let update = session.plan(&Selection::default());
        (session, update)
    }

    /// The site as it is now.
    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// The partners and playbooks served now: the site's, or its edition's.
    pub(crate) fn counts(&self) -> (usize, usize) {
        match &self.edition {
            Some(edition) => edition.counts,
            None => (self.site.partners.len(), self.site.playbooks.len()),
        }
    }

    /// Whether a partner's edition is served instead of the site.
    pub(crate) fn is_edition(&self) -> bool {
        self.edition.is_some()
    }

    /// Whether rendering was put off (see [`Session::render`]): some file
    /// served is not what the site makes now.
    pub fn has_pending(&self) -> bool {
        self.stale
            || !self.gone.is_empty()
            || self.planned.len() != self.rendered.len()
            || self
                .planned
                .iter()
                .any(|(path, key)| self.rendered.get(path) != Some(key))
    }

    /// Whether any of `paths` matters to the site.
    pub(crate) fn relevant(&self, paths: &[std::path::PathBuf]) -> bool {
        paths.iter().any(|path| self.kind_of(path).is_some())
    }

    /// What `path` (absolute, or relative to the root) is to the site, and
    /// its path relative to the root.
    fn kind_of(&self, path: &Path) -> Option<(Kind, String)> {
        // watchers may report the real path of a root reached through a
        // link (macOS: /var is /private/var)
        let rel = match path
            .strip_prefix(&self.opts.root)
            .or_else(|_| path.strip_prefix(&self.real_root))
        {
            Ok(rel) => rel,
            Err(_) if path.is_relative() => path,
            Err(_) => return None,
        };
        let rel = walk::relative(Path::new(""), rel);
        let kind = classify(&rel, &self.site.config.theme, path.is_dir()).or_else(|| {
            // a folder that held content files and is gone now
            let folder = format!("{rel}/");
            (rel.starts_with("content/")
                && self.index.keys().any(|known| known.starts_with(&folder)))
            .then_some(Kind::Content)
        })?;
        // the theme's folders are checked when the configuration is read
        let rel = match kind {
            Kind::Config => config::FILE_NAME.to_string(),
            _ => rel,
        };
        Some((kind, rel))
    }

    /// Takes in changes to the files at `paths` (absolute, or relative to
    /// the root) and says what to render.
    pub fn update(&mut self, paths: &[std::path::PathBuf]) -> Update {
        let mut changed: BTreeSet<(Kind, String)> = BTreeSet::new();
        for path in paths {
            changed.extend(self.kind_of(path));
        }
        if changed.is_empty() {
            // nothing new, but work put off earlier may be waiting
            return self.plan(&Selection::default());
        }
        let kinds: HashSet<Kind> = changed.iter().map(|(k, _)| *k).collect();
        let content: Vec<&(Kind, String)> = changed
            .iter()
            .filter(|(k, _)| matches!(k, Kind::Partner | Kind::Playbook))
            .collect();
        let mut direct = Selection::default();
        let structural = kinds.contains(&Kind::Config)
            || kinds.contains(&Kind::Content)
            || !self.duplicates.is_empty()
            || !content.is_empty() && !self.patch(&content, &mut direct);
        if structural {
            let rels: HashSet<String> = changed.iter().map(|(_, r)| r.clone()).collect();
            let folders: Vec<String> = changed
                .iter()
                .filter(|(k, _)| *k == Kind::Content)
                .map(|(_, r)| format!("{r}/"))
                .collect();
            self.reload(&|rel| {
                rels.contains(rel) || folders.iter().any(|f| rel.starts_with(f.as_str()))
            });
        }
        // the configuration names the theme; content changes leave it be
        if [Kind::Template, Kind::Static, Kind::Config]
            .iter()
            .any(|k| kinds.contains(k))
        {
            self.theme = render::load_theme(&self.site);
        }
        self.plan(&direct)
    }

    /// Re-reads the content files in `content` and patches them into the
    /// site in place, selecting their own pages in `direct` (which pages
    /// they show on is for [`render::plan`] to work out). Returns false,
    /// with nothing changed, when the change moves pages or links (a file
    /// added or removed, a draft flag flipped): then the whole site is
    /// reloaded.
    fn patch(&mut self, content: &[&(Kind, String)], direct: &mut Selection) -> bool {
        let mut partners = Vec::new();
        let mut playbooks = Vec::new();
        for (kind, rel) in content {
            let Some(&(known, at)) = self.index.get(rel.as_str()) else {
                return false; // a new file
            };
            if known != *kind || !Path::new(&self.opts.root).join(rel).is_file() {
                return false; // removed, or replaced by a folder
            }
            match kind {
                Kind::Partner => {
                    let (entry, old) = &self.reads.partners[at];
                    let new = pipeline::read::read_partner(entry, self.opts.drafts);
                    if new.item.is_some() != old.item.is_some() {
                        return false;
                    }
                    partners.push((at, new));
                }
                _ => {
                    let (entry, old) = &self.reads.playbooks[at];
                    let new = pipeline::read::read_playbook(entry, self.opts.drafts);
                    if new.item.is_some() != old.item.is_some() {
                        return false;
                    }
                    playbooks.push((at, new));
                }
            }
        }
        let offset = self.reads.partners.len();
        let mut sources = HashSet::new();
        let mut resort_partners = false;
        let mut resort_playbooks = false;
        for (at, new) in partners {
            sources.insert(at);
            self.site.sources[at] = new.file.clone();
            if let Some(mut partner) = new.item.clone() {
                partner.source = at;
                let slug = partner.slug.clone();
                self.feeds.forget(&slug);
                let i = self.site.by_slug[&slug];
                let old = std::mem::replace(&mut self.site.partners[i], partner);
                let new = &self.site.partners[i];
                resort_partners |= old.tier != new.tier || old.name != new.name;
                direct.partners.insert(slug);
            }
            self.reads.partners[at].1 = new;
        }
        for (at, new) in playbooks {
            let source = offset + at;
            sources.insert(source);
            self.site.sources[source] = new.file.clone();
            if let Some(mut playbook) = new.item.clone() {
                playbook.source = source;
                let i = self
                    .site
                    .playbooks
                    .iter()
                    .position(|p| p.source == source)
                    .expect("an unchanged playbook keeps its place");
                let old = std::mem::replace(&mut self.site.playbooks[i], playbook);
                let new = &self.site.playbooks[i];
                resort_playbooks |= old.weight != new.weight || old.title != new.title;
                direct.playbooks.insert(new.path.clone());
                resort_playbooks |= old.tiers != new.tiers || old.partners != new.partners;
            }
            self.reads.playbooks[at].1 = new;
        }
        if resort_partners {
            pipeline::assemble::sort_partners(&mut self.site.partners);
        }
        if resort_playbooks {
            pipeline::assemble::sort_playbooks(&mut self.site.playbooks);
        }
        if resort_partners || resort_playbooks {
            self.site.reindex();
        }
        // the checks: the changed files again, and the whole-site rules
        let files: HashSet<&str> = sources
            .iter()
            .map(|&s| self.site.sources[s].path.as_str())
            .collect();
        self.checks
            .retain(|d| !files.contains(d.file.as_str()) && !WHOLE_SITE.contains(&d.code));
        self.checks.extend(validate::run(
            &self.site,
            self.opts.today,
            &Scope::Sources(sources),
        ));
        true
    }

    /// Reloads the whole site, re-reading only the files `changed` says
    /// yes to (by path relative to the root).
    fn reload(&mut self, changed: &(dyn Fn(&str) -> bool + Sync)) {
        let reads = pipeline::read(&self.opts, Some(&self.reads), changed);
        let assembled = pipeline::put_together(&self.opts, reads.clone());
        self.index = index(&reads);
        self.reads = reads;
        self.site = assembled.site;
        self.duplicates = assembled.duplicates;
        self.checks = assembled.checks;
        // each partner's feed is kept while its key stays (see `plan`)
    }

    /// Gathers the diagnostics and, if there are no errors, says what to
    /// render: the pages in `direct` first, then everything else pending.
    fn plan(&mut self, direct: &Selection) -> Update {
        let mut all: Vec<Diagnostic> = self.reads.diagnostics().cloned().collect();
        all.extend(self.duplicates.iter().cloned());
        all.extend(self.checks.iter().cloned());
        if let Err(theme) = &self.theme {
            all.extend(theme.iter().cloned());
        }
        self.diagnostics = pipeline::finish(all, &self.site.config, self.opts.deny_warnings);
        let mut update = Update {
            diagnostics: self.diagnostics.clone(),
            phases: Vec::new(),
            rest: false,
            no_edition: None,
        };
        self.stale = true;
        if update.failed() || self.theme.is_err() {
            return update; // the files served keep their old keys
        }
        if let Some(edition) = &self.edition {
            // as `build --partner`: the edition is cut from a site without
            // errors, and not while its text names another partner
            if self.site.by_slug.contains_key(&edition.slug) {
                let leaks = crate::edition::names_of_others(&self.site, &edition.slug);
                self.diagnostics.extend(leaks);
                crate::diagnostic::sort(&mut self.diagnostics);
                update.diagnostics.clone_from(&self.diagnostics);
            } else {
                update.no_edition = Some(crate::edition::unknown_slug(&self.site, &edition.slug));
            }
            update.rest = !update.failed();
            return update;
        }
        // the changed pages themselves first, before the plan of the rest
        // (working out every page's key takes longer than rendering them)
        let first = Selection {
            partners: direct.partners.clone(),
            playbooks: direct.playbooks.clone(),
            ..Selection::default()
        };
        if !first.is_empty() {
            update.phases.push(first);
        }
        update.rest = true;
        update
    }

    /// Works out the key of every file the site makes now, what is gone,
    /// and what to render (see [`render::plan`]). `fresh` are files just
    /// rendered from the site as it is: they get their keys and are not
    /// selected again.
    fn plan_rest(&mut self, fresh: &[String]) -> Option<Selection> {
        let Ok(theme) = &self.theme else {
            return None;
        };
        let rendered = &self.rendered;
        let digests = render::source_digests(&self.site);
        let plan = render::plan(
            &self.site,
            theme,
            &render::attachments(&self.site),
            self.opts.today,
            self.opts.drafts,
            &digests,
            &|path| rendered.get(path).cloned(),
        );
        self.gone = rendered
            .keys()
            .filter(|path| !plan.keys.contains_key(*path))
            .cloned()
            .collect();
        self.planned = plan.keys;
        self.stale = false;
        for path in fresh {
            if let Some(key) = self.planned.get(path) {
                self.rendered.insert(path.clone(), key.clone());
            }
        }
        self.feeds.retain_current(&self.planned);
        let (rendered, planned) = (&self.rendered, &self.planned);
        let current = |path: String| rendered.get(&path) == planned.get(&path);
        let mut selection = plan.selection;
        selection
            .partners
            .retain(|slug| !current(render::partner_path(slug)));
        selection
            .playbooks
            .retain(|path| !current(render::playbook_path(path)));
        Some(selection)
    }

    /// Renders the phases of `update` in order, handing each phase's files
    /// to `publish` as soon as they are rendered. Before each phase after
    /// the first it asks `interrupted`; if that says yes, the remaining
    /// phases stay pending for the next update. On a template error it
    /// stops too, and the errors join the site's diagnostics.
    pub fn render(
        &mut self,
        update: Update,
        mut publish: impl FnMut(Vec<OutputFile>, &[String]),
        mut interrupted: impl FnMut() -> bool,
    ) -> Result<(), Vec<Diagnostic>> {
        if self.edition.is_some() {
            return self.render_edition(update, publish);
        }
        let mut fresh = Vec::new();
        for phase in &update.phases {
            let files = self.render_phase(phase)?;
            fresh.extend(files.iter().map(|f| f.path.clone()));
            publish(files, &[]);
        }
        if !update.rest {
            return Ok(());
        }
        // what is not rendered keeps its old key, so the next plan selects
        // it again
        if !update.phases.is_empty() && interrupted() {
            return Ok(());
        }
        let Some(rest) = self.plan_rest(&fresh) else {
            return Ok(());
        };
        if rest.is_empty() && self.gone.is_empty() {
            return Ok(());
        }
        let files = self.render_phase(&rest)?;
        for file in &files {
            if let Some(key) = self.planned.get(&file.path) {
                self.rendered.insert(file.path.clone(), key.clone());
            }
        }
        self.feeds.retain_current(&self.planned);
        // the pages that are gone go last, once the lists no longer link
        // to them
        let gone = std::mem::take(&mut self.gone);
        for path in &gone {
            self.rendered.remove(path);
        }
        publish(files, &gone);
        Ok(())
    }

    /// Renders the whole edition, if `update` says to, publishes it, and
    /// takes down the files it no longer has. On a template error the
    /// errors join the site's diagnostics, and nothing is published.
    fn render_edition(
        &mut self,
        update: Update,
        mut publish: impl FnMut(Vec<OutputFile>, &[String]),
    ) -> Result<(), Vec<Diagnostic>> {
        let Some(edition) = &self.edition else {
            return Ok(());
        };
        if !update.rest {
            return Ok(());
        }
        // `plan` saw the partner; the cut is made on a copy, since the
        // site stays whole for the next patch
        let Ok(site) = crate::edition::narrow(self.site.clone(), &edition.slug) else {
            return Ok(());
        };
        let rendered = match &self.theme {
            Ok(theme) => render::render_selected(
                &site,
                theme,
                self.opts.today,
                &Selection::everything(),
                &mut FeedCache::default(),
            ),
            Err(errors) => Err(errors.clone()),
        };
        let files = rendered.inspect_err(|errors| {
            self.diagnostics.extend(errors.iter().cloned());
        })?;
        let Some(edition) = &mut self.edition else {
            return Ok(());
        };
        let now: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let mut gone: Vec<String> = edition.served.difference(&now).cloned().collect();
        gone.sort();
        edition.served = now;
        edition.counts = (site.partners.len(), site.playbooks.len());
        self.stale = false;
        publish(files, &gone);
        Ok(())
    }

    /// Renders one phase; on a template error the errors join the site's
    /// diagnostics.
    fn render_phase(&mut self, phase: &Selection) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let rendered = match &self.theme {
            Ok(theme) => {
                render::render_selected(&self.site, theme, self.opts.today, phase, &mut self.feeds)
            }
            Err(errors) => Err(errors.clone()),
        };
        rendered.inspect_err(|errors| {
            self.diagnostics.extend(errors.iter().cloned());
        })
    }

    /// Every diagnostic of the site now (with render errors, if the last
    /// render failed).
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// Where each content file is in `reads`.
fn index(reads: &Reads) -> HashMap<String, (Kind, usize)> {
    let partners = reads
        .partners
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (e.rel.clone(), (Kind::Partner, i)));
    let playbooks = reads
        .playbooks
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (e.rel.clone(), (Kind::Playbook, i)));
    partners.chain(playbooks).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_folders_themselves_are_changes_to_the_site() {
        for (rel, theme, is_dir, kind) in [
            // deleted, renamed away or back: read all that is below again
            ("content", "default", true, Some(Kind::Content)),
            ("content", "default", false, Some(Kind::Content)),
            (
                "content/partners/emea",
                "default",
                true,
                Some(Kind::Content),
            ),
            ("templates", "default", true, Some(Kind::Template)),
            ("static", "default", false, Some(Kind::Static)),
            // a theme folder came or went: the configuration names one
            ("themes", "default", true, Some(Kind::Config)),
            ("themes/mini", "default", true, Some(Kind::Config)),
            ("themes/mini", "mini", false, Some(Kind::Config)),
            ("themes/.DS_Store", "default", false, None),
            (
                "themes/mini/templates/base.html",
                "mini",
                false,
                Some(Kind::Template),
            ),
            ("themes/mini/templates/base.html", "default", false, None),
            (
                "themes/mini/static/app.css",
                "mini",
                false,
                Some(Kind::Static),
            ),
            ("public", "default", true, None),
            // a file a link beside a playbook may name: its existence
            // decides the link check (issue 18)
            (
                "content/playbooks/engagement/deal-flow.png",
                "default",
                false,
                Some(Kind::Content),
            ),
            (
                "content/partners/logo.svg",
                "default",
                false,
                Some(Kind::Content),
            ),
            ("content/playbooks/.notes.png", "default", false, None),
            ("content/notes.txt", "default", false, None),
        ] {
            assert_eq!(
                classify(rel, theme, is_dir),
                kind,
                "{rel} with theme {theme}"
            );
        }
    }
}
