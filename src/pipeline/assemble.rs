//! Assembling: the files read, put together into one [`Site`], with the
//! problems only the whole site shows (two files for one URL, names
//! Windows reserves), then the whole-site checks of `validate`,
//! and the lint levels applied.

use std::collections::HashMap;

use crate::config::Config;
use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::lint::Level;
use crate::markdown::Targets;
use crate::playbook::Playbook;
use crate::record::Partner;
use crate::site::Site;
use crate::source::SourceFile;
use crate::yaml;

use super::read::Reads;
use super::validate::{self, Scope};
use super::walk::Entry;
use super::{BuildOptions, Loaded};

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
pub(crate) struct Assembled {
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
pub(crate) fn put_together(opts: &BuildOptions, reads: Reads) -> Assembled {
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
        edition: false,
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
        edition: None,
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
pub(crate) fn finish(
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    let mut diagnostics = apply_levels(diagnostics, config, deny_warnings);
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Partners in display order: by tier, then name.
pub(crate) fn sort_partners(partners: &mut [Partner]) {
    partners.sort_by_cached_key(|p: &Partner| (p.tier, p.name.to_lowercase(), p.slug.clone()));
}

/// Playbooks in display order: by weight, then title.
pub(crate) fn sort_playbooks(playbooks: &mut [Playbook]) {
    playbooks.sort_by_cached_key(|p: &Playbook| (p.weight, p.title.to_lowercase(), p.path.clone()));
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
/// (`con`, `com1`, ...: [`crate::slug::is_reserved`]), pointing at the file's
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
        let Some(at) = segments.iter().position(|s| crate::slug::is_reserved(s)) else {
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
                .and_then(|p| crate::slug::from_name(&p.name))
                .filter(|s| s != slug && !crate::slug::is_reserved(s) && !s.contains('/'));
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
