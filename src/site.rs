//! The plain data model of a site, and the first half of the pipeline that
//! produces it: walk, read, parse, validate.
//!
//! `load` never stops at the first problem: every file is read and checked,
//! and every diagnostic is returned with the site, so that `check`, `build`
//! and `serve` can all report everything in one run.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{self, Config, Level};
use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::markdown::Targets;
use crate::playbook::{self, Playbook};
use crate::record::{self, Partner, Tier};
use crate::source::SourceFile;
use crate::validate;
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

/// What reading one content file gave.
enum Read<T> {
    Ok(SourceFile, Option<T>, Vec<Diagnostic>),
    Failed(Option<SourceFile>, Diagnostic),
}

/// Walks, reads, parses and validates the site at `opts.root`.
pub fn load(opts: &BuildOptions) -> Loaded {
    let (mut config, config_file, config_diagnostics) = config::load(&opts.root);
    let config_failed = !config_diagnostics.is_empty();
    if let Some(url) = &opts.base_url {
        config.base_url = Some(url.clone());
    }
    let found = walk::walk(&opts.root);
    let mut diagnostics = config_diagnostics;
    diagnostics.extend(found.diagnostics);

    let read_partners: Vec<Read<Partner>> = found
        .partners
        .par_iter()
        .enumerate()
        .map(|(i, entry)| read_partner(entry, i, opts.drafts))
        .collect();
    let offset = read_partners.len();
    let read_playbooks: Vec<Read<Playbook>> = found
        .playbooks
        .par_iter()
        .enumerate()
        .map(|(i, entry)| read_playbook(entry, offset + i, opts.drafts))
        .collect();

    let mut sources = Vec::with_capacity(offset + read_playbooks.len());
    let mut partners = Vec::new();
    for read in read_partners {
        collect(read, &mut sources, &mut partners, &mut diagnostics);
    }
    let mut playbooks = Vec::new();
    for read in read_playbooks {
        collect(read, &mut sources, &mut playbooks, &mut diagnostics);
    }
    diagnostics.extend(duplicates(&found.partners, 0, "partners", &sources));
    diagnostics.extend(duplicates(&found.playbooks, offset, "playbooks", &sources));
    partners.sort_by_cached_key(|p: &Partner| (p.tier, p.name.to_lowercase(), p.slug.clone()));
    playbooks.sort_by_cached_key(|p: &Playbook| (p.weight, p.title.to_lowercase(), p.path.clone()));

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
    let by_slug = partners
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    let playbooks_by_partner = index_playbooks(&partners, &playbooks);
    let site = Site {
        playbooks_by_partner,
        by_slug,
        config_source,
        root: opts.root.clone(),
        config,
        sources,
        partners,
        playbooks,
        targets,
    };
    diagnostics.extend(validate::run(&site, opts.today));
    let mut diagnostics = apply_levels(diagnostics, &site.config, opts.deny_warnings);
    diagnostic::sort(&mut diagnostics);
    Loaded {
        site,
        diagnostics,
        config_failed,
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

fn collect<T>(
    read: Read<T>,
    sources: &mut Vec<SourceFile>,
    items: &mut Vec<T>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match read {
        Read::Ok(file, item, ds) => {
            sources.push(file);
            items.extend(item);
            diagnostics.extend(ds);
        }
        Read::Failed(file, d) => {
            // keep the index of every later file right
            sources.push(file.unwrap_or(SourceFile {
                path: d.file.clone(),
                text: String::new(),
            }));
            diagnostics.push(d);
        }
    }
}

fn read_partner(entry: &Entry, source: usize, drafts: bool) -> Read<Partner> {
    let file = match walk::read(entry) {
        Ok(file) => file,
        Err(d) => return Read::Failed(None, *d),
    };
    let value = match yaml::parse(&file, &file.text, 0) {
        Ok(value) => value,
        Err(d) => return Read::Failed(Some(file), *d),
    };
    let (partner, issues) = record::decode(&value, &entry.key, source, drafts);
    let diagnostics = yaml::diagnostics(&file, &file.text, 0, issues);
    Read::Ok(file, partner, diagnostics)
}

fn read_playbook(entry: &Entry, source: usize, drafts: bool) -> Read<Playbook> {
    let file = match walk::read(entry) {
        Ok(file) => file,
        Err(d) => return Read::Failed(None, *d),
    };
    let (playbook, diagnostics) = playbook::decode(&file, source, &entry.key, drafts);
    Read::Ok(file, playbook, diagnostics)
}

/// `duplicate-slug` for every file whose slug an earlier file already has,
/// pointing at the later file's first line. `first` is the index of the
/// first entry's file in `sources`.
fn duplicates(
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

/// Applies the configured lint levels and `--deny-warnings`.
fn apply_levels(
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|d| {
            let severity = if d.code.is_lint() {
                match config.lint_level(d.code) {
                    Level::Allow => return None,
                    Level::Warn => Severity::Warning,
                    Level::Deny => Severity::Error,
                }
            } else {
                d.severity
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
