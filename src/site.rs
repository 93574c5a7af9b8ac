//! The plain data model of a site, and the first half of the pipeline that
//! produces it: walk, read, parse, validate.
//!
//! `load` never stops at the first problem: every file is read and checked,
//! and every diagnostic is returned with the site, so that `check`, `build`
//! and `serve` can all report everything in one run.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::lint::Level;
use crate::markdown::Targets;
use crate::playbook::{self, Playbook};
use crate::record::{self, Partner, Tier};
use crate::source::SourceFile;
use crate::validate::{self, Scope};
use crate::walk::{self, Entry};
use crate::yaml;

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

/// A loaded site: everything the renderer needs, nothing it must compute again.
#[derive(Debug)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// The resolved configuration.
    pub config: Config,
    /// Every content file read, indexed by `Partner::source` and `Playbook::source`.
    pub sources: Vec<SourceFile>,
    /// Published partners, by tier, then name.
    pub partners: Vec<Partner>,
    /// Published playbooks, by weight, then title.
    pub playbooks: Vec<Playbook>,
    /// The pages `@/` links can reach.
    pub targets: Targets,
    /// Index into `partners` by slug.
    pub by_slug: HashMap<String, usize>,
    /// Index of partnerbook.yaml in `sources`, when the site has one.
    pub config_source: Option<usize>,
    /// For each partner slug, the playbooks (indexes into `playbooks`, in
    /// order) that name it or its tier: computed once, so a partner page
    /// does not scan every playbook.
    pub playbooks_by_partner: HashMap<String, Vec<usize>>,
}

impl Site {
    /// The partners of `tier`, in display order.
    pub fn partners_in(&self, tier: Tier) -> impl Iterator<Item = &Partner> {
        self.partners.iter().filter(move |p| p.tier == tier)
    }

    /// The published partner with `slug`.
    pub fn partner(&self, slug: &str) -> Option<&Partner> {
        self.by_slug.get(slug).map(|&i| &self.partners[i])
    }

    /// The playbooks that name `partner` or its tier, in playbook order.
    pub fn playbooks_for(&self, partner: &Partner) -> impl Iterator<Item = &Playbook> {
        self.playbooks_by_partner
            .get(&partner.slug)
            .into_iter()
            .flatten()
            .map(|&i| &self.playbooks[i])
    }

    /// The playbooks that name `tier`, in playbook order.
    pub fn playbooks_in(&self, tier: Tier) -> impl Iterator<Item = &Playbook> {
        self.playbooks
            .iter()
            .filter(move |pb| pb.tiers.contains(&tier))
    }

    /// The Markdown body of a playbook.
    pub fn body(&self, playbook: &Playbook) -> &str {
        &self.sources[playbook.source].text[playbook.body.clone()]
    }
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

/// One content file, read and parsed on its own. This is the unit an
/// incremental rebuild (`serve`) reuses for every file that did not change.
#[derive(Debug, Clone)]
pub struct FileRead<T> {
    /// The file (empty text when it could not be read).
    pub file: SourceFile,
    /// What it holds: `None` for a skipped draft or a file too broken to use.
    pub item: Option<T>,
    /// What is wrong with the file on its own.
    pub diagnostics: Vec<Diagnostic>,
}

/// Every input of a site, read and parsed file by file, before the checks
/// that need the whole site.
#[derive(Debug, Clone)]
pub struct Reads {
    /// The configuration, with defaults where it was wrong.
    pub config: Config,
    /// partnerbook.yaml, when the site has one.
    pub config_file: Option<SourceFile>,
    /// What is wrong with partnerbook.yaml.
    pub config_diagnostics: Vec<Diagnostic>,
    /// Files the walk could not read or name.
    pub walk_diagnostics: Vec<Diagnostic>,
    /// The partner records, in walk order.
    pub partners: Vec<(Entry, FileRead<Partner>)>,
    /// The playbooks, in walk order.
    pub playbooks: Vec<(Entry, FileRead<Playbook>)>,
}

/// Walks, reads, parses and validates the site at `opts.root`.
pub fn load(opts: &BuildOptions) -> Loaded {
    assemble(opts, read(opts, None, &|_| true))
}

/// Walks the site and reads every file, in parallel. With `previous`, a
/// file that `changed` says is unchanged is taken from it instead of the
/// disk, and so is the configuration.
pub fn read(
    opts: &BuildOptions,
    previous: Option<&Reads>,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Reads {
    let (config, config_file, config_diagnostics) = match previous {
        Some(p) if !changed(config::FILE_NAME) => (
            p.config.clone(),
            p.config_file.clone(),
            p.config_diagnostics.clone(),
        ),
        _ => config::load(&opts.root),
    };
    let found = walk::walk(&opts.root);
    let old_partners = previous.map(|p| by_rel(&p.partners)).unwrap_or_default();
    let old_playbooks = previous.map(|p| by_rel(&p.playbooks)).unwrap_or_default();
    let partners = found
        .partners
        .into_par_iter()
        .map(|entry| {
            let read = match (previous, old_partners.get(&entry.rel)) {
                (Some(p), Some(&i)) if !changed(&entry.rel) && p.partners[i].0.key == entry.key => {
                    p.partners[i].1.clone()
                }
                _ => read_partner(&entry, opts.drafts),
            };
            (entry, read)
        })
        .collect();
    let playbooks = found
        .playbooks
        .into_par_iter()
        .map(|entry| {
            let read = match (previous, old_playbooks.get(&entry.rel)) {
                (Some(p), Some(&i))
                    if !changed(&entry.rel) && p.playbooks[i].0.key == entry.key =>
                {
                    p.playbooks[i].1.clone()
                }
                _ => read_playbook(&entry, opts.drafts),
            };
            (entry, read)
        })
        .collect();
    Reads {
        config,
        config_file,
        config_diagnostics,
        walk_diagnostics: found.diagnostics,
        partners,
        playbooks,
    }
}

/// Where each file (by path) is in `list`.
fn by_rel<T>(list: &[(Entry, FileRead<T>)]) -> HashMap<String, usize> {
    list.iter()
        .enumerate()
        .map(|(i, (e, _))| (e.rel.clone(), i))
        .collect()
}

impl Reads {
    /// What is wrong with the files on their own.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.config_diagnostics
            .iter()
            .chain(&self.walk_diagnostics)
            .chain(self.partners.iter().flat_map(|(_, r)| &r.diagnostics))
            .chain(self.playbooks.iter().flat_map(|(_, r)| &r.diagnostics))
    }
}

/// Puts the files together into a site and runs the whole-site checks.
pub fn assemble(opts: &BuildOptions, reads: Reads) -> Loaded {
    let mut diagnostics: Vec<Diagnostic> = reads.diagnostics().cloned().collect();
    let config_failed = reads
        .config_diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let assembled = put_together(opts, reads);
    diagnostics.extend(assembled.duplicates);
    diagnostics.extend(assembled.checks);
    let diagnostics = finish(diagnostics, &assembled.site.config, opts.deny_warnings);
    Loaded {
        site: assembled.site,
        diagnostics,
        config_failed,
    }
}

/// A site put together from its files, with what the whole-site checks
/// found (lint levels not yet applied).
#[derive(Debug)]
pub struct Assembled {
    /// The site.
    pub site: Site,
    /// Names that cannot be published: `duplicate-slug` (two files for
    /// one page) and slugs Windows reserves.
    pub duplicates: Vec<Diagnostic>,
    /// Links and lints.
    pub checks: Vec<Diagnostic>,
}

/// Puts the files together into a site and runs the whole-site checks. The
/// files' own diagnostics are left to the caller.
pub fn put_together(opts: &BuildOptions, reads: Reads) -> Assembled {
    let Reads {
        mut config,
        config_file,
        partners: read_partners,
        playbooks: read_playbooks,
        ..
    } = reads;
    if let Some(url) = &opts.base_url {
        config.base_url = Some(url.clone());
    }
    let partner_entries: Vec<Entry> = read_partners.iter().map(|(e, _)| e.clone()).collect();
    let playbook_entries: Vec<Entry> = read_playbooks.iter().map(|(e, _)| e.clone()).collect();
    let offset = read_partners.len();
    let mut sources = Vec::with_capacity(offset + read_playbooks.len() + 1);
    let mut partners = Vec::new();
    for (_, read) in read_partners {
        let source = sources.len();
        partners.extend(read.item.map(|mut p: Partner| {
            p.source = source;
            p
        }));
        sources.push(read.file);
    }
    let mut playbooks = Vec::new();
    for (_, read) in read_playbooks {
        let source = sources.len();
        playbooks.extend(read.item.map(|mut p: Playbook| {
            p.source = source;
            p
        }));
        sources.push(read.file);
    }
    let mut duplicates = duplicate_slugs(&partner_entries, 0, "partners", &sources);
    duplicates.extend(duplicate_slugs(
        &playbook_entries,
        offset,
        "playbooks",
        &sources,
    ));
    duplicates.extend(reserved_slugs(&partner_entries, 0, &sources, &partners));
    duplicates.extend(reserved_slugs(&playbook_entries, offset, &sources, &[]));
    sort_partners(&mut partners);
    sort_playbooks(&mut playbooks);

    let targets = Targets {
        partners: partners.iter().map(|p| p.slug.clone()).collect(),
        playbooks: playbooks.iter().map(|p| p.path.clone()).collect(),
        pretty_links: config.pretty_links,
    };
    // the configuration is a source too: its tier rules may hold links
    let config_source = config_file.map(|file| {
        sources.push(file);
        sources.len() - 1
    });
    let mut site = Site {
        playbooks_by_partner: HashMap::new(),
        by_slug: HashMap::new(),
        config_source,
        root: opts.root.clone(),
        config,
        sources,
        partners,
        playbooks,
        targets,
    };
    site.reindex();
    let checks = validate::run(&site, opts.today, &Scope::All);
    Assembled {
        site,
        duplicates,
        checks,
    }
}

/// Applies the lint levels and `--deny-warnings`, and sorts.
pub fn finish(
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    let mut diagnostics = apply_levels(diagnostics, config, deny_warnings);
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Partners in display order: by tier, then name.
pub fn sort_partners(partners: &mut [Partner]) {
    partners.sort_by_cached_key(|p: &Partner| (p.tier, p.name.to_lowercase(), p.slug.clone()));
}

/// Playbooks in display order: by weight, then title.
pub fn sort_playbooks(playbooks: &mut [Playbook]) {
    playbooks.sort_by_cached_key(|p: &Playbook| (p.weight, p.title.to_lowercase(), p.path.clone()));
}

impl Site {
    /// Rebuilds the indexes over `partners` and `playbooks` after they changed.
    pub fn reindex(&mut self) {
        self.by_slug = self
            .partners
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        self.playbooks_by_partner = index_playbooks(&self.partners, &self.playbooks);
    }
}

/// Which playbooks apply to each partner: those naming it, and those
/// naming its tier. Linear in partners plus playbooks (plus output).
fn index_playbooks(partners: &[Partner], playbooks: &[Playbook]) -> HashMap<String, Vec<usize>> {
    let mut by_tier: [Vec<usize>; 3] = Default::default();
    let mut named: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, pb) in playbooks.iter().enumerate() {
        for tier in &pb.tiers {
            by_tier[*tier as usize].push(i);
        }
        for slug in &pb.partners {
            named.entry(slug.as_str()).or_default().push(i);
        }
    }
    partners
        .iter()
        .filter_map(|p| {
            let mut list = by_tier[p.tier as usize].clone();
            list.extend(named.get(p.slug.as_str()).into_iter().flatten());
            list.sort_unstable();
            list.dedup();
            (!list.is_empty()).then(|| (p.slug.clone(), list))
        })
        .collect()
}

/// Reads and decodes one partner record.
pub fn read_partner(entry: &Entry, drafts: bool) -> FileRead<Partner> {
    read_entry(entry, drafts, read_partner_bytes)
}

/// Decodes one partner record from the bytes of the file at `rel`, whose
/// slug is `slug`: everything [`read_partner`] does once the file is read.
/// The fuzz target `record` feeds it arbitrary bytes.
pub fn read_partner_bytes(
    rel: &str,
    slug: &str,
    bytes: Vec<u8>,
    drafts: bool,
) -> FileRead<Partner> {
    let file = match walk::utf8_source(rel, bytes) {
        Ok(file) => file,
        Err(d) => return failed(rel, *d),
    };
    let value = match yaml::parse(&file, &file.text, 0) {
        Ok(value) => value,
        Err(d) => {
            return FileRead {
                file,
                item: None,
                diagnostics: vec![*d],
            };
        }
    };
    let (item, issues) = record::decode(&value, &file.text, slug, 0, drafts);
    let diagnostics = yaml::diagnostics(&file, &file.text, 0, issues);
    FileRead {
        file,
        item,
        diagnostics,
    }
}

/// Reads and decodes one playbook.
pub fn read_playbook(entry: &Entry, drafts: bool) -> FileRead<Playbook> {
    read_entry(entry, drafts, read_playbook_bytes)
}

/// Reads the file of `entry` and hands its bytes to `decode` (with its
/// path and key), or reports why it could not be read.
fn read_entry<T>(
    entry: &Entry,
    drafts: bool,
    decode: fn(&str, &str, Vec<u8>, bool) -> FileRead<T>,
) -> FileRead<T> {
    match walk::read_file(&entry.abs, &entry.rel, Some(walk::MAX_FILE_SIZE)) {
        Ok(bytes) => decode(&entry.rel, &entry.key, bytes, drafts),
        Err(d) => failed(&entry.rel, *d),
    }
}

/// Decodes one playbook from the bytes of the file at `rel`, whose URL path
/// is `path`: everything [`read_playbook`] does once the file is read. The
/// fuzz target `frontmatter` feeds it arbitrary bytes.
pub fn read_playbook_bytes(
    rel: &str,
    path: &str,
    bytes: Vec<u8>,
    drafts: bool,
) -> FileRead<Playbook> {
    let file = match walk::utf8_source(rel, bytes) {
        Ok(file) => file,
        Err(d) => return failed(rel, *d),
    };
    let (item, diagnostics) = playbook::decode(&file, 0, path, drafts);
    FileRead {
        file,
        item,
        diagnostics,
    }
}

/// A file that could not be read: it keeps its place among the sources,
/// with no text.
fn failed<T>(rel: &str, d: Diagnostic) -> FileRead<T> {
    FileRead {
        file: SourceFile {
            path: rel.to_string(),
            text: String::new(),
        },
        item: None,
        diagnostics: vec![d],
    }
}

/// `duplicate-slug` for every file whose slug an earlier file already has,
/// pointing at the later file's first line. `first` is the index of the
/// first entry's file in `sources`.
fn duplicate_slugs(
    entries: &[Entry],
    first: usize,
    kind: &str,
    sources: &[SourceFile],
) -> Vec<Diagnostic> {
    let mut seen: HashMap<&str, &Entry> = HashMap::new();
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(earlier) = seen.get(entry.key.as_str()) else {
            seen.insert(&entry.key, entry);
            continue;
        };
        let file = &sources[first + i];
        out.push(Diagnostic::new(
            Code::DuplicateSlug,
            file,
            yaml::first_line(&file.text),
            format!("{} and {} both map to {kind}/{}/", earlier.rel, entry.rel, entry.key),
            format!("a second file for {kind}/{}/", entry.key),
            "rename one of the two files; the URL comes from the file name, lowercased, with spaces and underscores as hyphens",
        ));
    }
    out
}

/// `invalid-value` for every file whose URL has a folder Windows reserves
/// (`con`, `com1`, ...: [`walk::is_reserved`]), pointing at the file's
/// first line, with another file name to use: from the partner's `name`
/// when that gives a slug of its own. `partners` holds the records read,
/// which know their file by index into `sources`.
fn reserved_slugs(
    entries: &[Entry],
    first: usize,
    sources: &[SourceFile],
    partners: &[Partner],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let segments: Vec<&str> = entry.key.split('/').collect();
        let Some(at) = segments.iter().position(|s| walk::is_reserved(s)) else {
            continue;
        };
        let slug = segments[at];
        let file = &sources[first + i];
        let is_file = at + 1 == segments.len();
        // the folder or file as written on disk, `Con.yaml` or `AUX/`
        let rel_parts: Vec<&str> = entry.rel.split('/').collect();
        let written_at = rel_parts.len() - (segments.len() - at);
        let written = rel_parts[written_at];
        let (what, rename) = if is_file {
            let (stem, ext) = written.rsplit_once('.').unwrap_or((written, ""));
            let from_name = partners
                .iter()
                .find(|p| p.source == first + i)
                .and_then(|p| crate::scaffold::slugify(&p.name))
                .filter(|s| s != slug && !walk::is_reserved(s) && !s.contains('/'));
            let kind = if ext.eq_ignore_ascii_case("md") {
                "playbook"
            } else {
                "partner"
            };
            let to = from_name.unwrap_or_else(|| format!("{}-{kind}", stem.to_ascii_lowercase()));
            (
                format!("the file name {}", entry.rel),
                format!("rename it to {to}.{ext}"),
            )
        } else {
            (
                format!("the folder {}/", rel_parts[..=written_at].join("/")),
                format!(
                    "rename the folder to {}-guides",
                    written.to_ascii_lowercase()
                ),
            )
        };
        out.push(Diagnostic::new(
            Code::InvalidValue,
            file,
            yaml::first_line(&file.text),
            format!("{what} makes the URL folder `{slug}`, a name Windows reserves"),
            format!("published as a folder named `{slug}`"),
            format!("{rename}; Windows, and so IIS and a site unzipped on a laptop, cannot hold a folder named `{slug}`, whatever its case or extension"),
        ));
    }
    out
}

/// Applies the configured lint levels and `--deny-warnings`.
fn apply_levels(
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|d| {
            let severity = match d.code {
                Code::Lint(lint) => match config.lint_level(lint) {
                    Level::Allow => return None,
                    Level::Warn => Severity::Warning,
                    Level::Deny => Severity::Error,
                },
                _ => d.severity,
            };
            let severity = if deny_warnings {
                Severity::Error
            } else {
                severity
            };
            Some(d.with_severity(severity))
        })
        .collect()
}
