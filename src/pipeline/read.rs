//! Reading: every file partnerbook takes from the site, and the rules for
//! all of them (docs/limits.md): text files are at most `MAX_FILE_SIZE`,
//! and what cannot be read is a diagnostic, never a skip. Each content
//! file is read and decoded on its own, so that `serve` can keep what did
//! not change.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::diagnostic::{Code, Diagnostic};
use crate::playbook::{self, Playbook};
use crate::record::{self, Partner};
use crate::source::SourceFile;
use crate::yaml;

use super::BuildOptions;
use super::walk::{self, Entry};

/// The largest text file partnerbook reads: a partner record, a playbook,
/// partnerbook.yaml or a template. A record is a few kilobytes; 4 MiB holds
/// a record with 100,000 influence-map people written one per line. The
/// cap bounds memory: deeply nested Markdown costs up to about 250 bytes of
/// memory per byte of text. Static files are copied, not parsed, and have
/// no cap.
pub(crate) const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

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
        _ => config(&opts.root),
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

/// Reads `partnerbook.yaml` from `root`. A missing file gives the defaults.
/// Returns the settings (defaults where the file is wrong), the file as read
/// (for diagnostics), and the problems found.
pub fn config(root: &Path) -> (Config, Option<SourceFile>, Vec<Diagnostic>) {
    let path = root.join(config::FILE_NAME);
    if matches!(std::fs::symlink_metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    {
        return (Config::default(), None, Vec::new());
    }
    let bytes = match read_file(&path, config::FILE_NAME, Some(MAX_FILE_SIZE)) {
        Ok(bytes) => bytes,
        Err(d) => {
            let file = SourceFile {
                path: config::FILE_NAME.to_string(),
                text: String::new(),
            };
            return (Config::default(), Some(file), vec![*d]);
        }
    };
    let file = match utf8_source(config::FILE_NAME, bytes) {
        Ok(file) => file,
        Err(d) => return (Config::default(), None, vec![*d]),
    };
    let (config, diagnostics) = config::decode(&file, root);
    (config, Some(file), diagnostics)
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
    pub(crate) fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.config_diagnostics
            .iter()
            .chain(&self.walk_diagnostics)
            .chain(self.partners.iter().flat_map(|(_, r)| &r.diagnostics))
            .chain(self.playbooks.iter().flat_map(|(_, r)| &r.diagnostics))
    }
}

/// Reads and decodes one partner record.
pub(crate) fn read_partner(entry: &Entry, drafts: bool) -> FileRead<Partner> {
    read_entry(entry, drafts, read_partner_bytes)
}

/// Decodes one partner record from the bytes of the file at `rel`, whose
/// slug is `slug`: everything `read_partner` does once the file is read.
/// The fuzz target `record` feeds it arbitrary bytes.
pub fn read_partner_bytes(
    rel: &str,
    slug: &str,
    bytes: Vec<u8>,
    drafts: bool,
) -> FileRead<Partner> {
    let file = match utf8_source(rel, bytes) {
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
pub(crate) fn read_playbook(entry: &Entry, drafts: bool) -> FileRead<Playbook> {
    read_entry(entry, drafts, read_playbook_bytes)
}

/// Reads the file of `entry` and hands its bytes to `decode` (with its
/// path and key), or reports why it could not be read.
fn read_entry<T>(
    entry: &Entry,
    drafts: bool,
    decode: fn(&str, &str, Vec<u8>, bool) -> FileRead<T>,
) -> FileRead<T> {
    match read_file(&entry.abs, &entry.rel, Some(MAX_FILE_SIZE)) {
        Ok(bytes) => decode(&entry.rel, &entry.key, bytes, drafts),
        Err(d) => failed(&entry.rel, *d),
    }
}

/// Decodes one playbook from the bytes of the file at `rel`, whose URL path
/// is `path`: everything `read_playbook` does once the file is read. The
/// fuzz target `frontmatter` feeds it arbitrary bytes.
pub fn read_playbook_bytes(
    rel: &str,
    path: &str,
    bytes: Vec<u8>,
    drafts: bool,
) -> FileRead<Playbook> {
    let file = match utf8_source(rel, bytes) {
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

/// Reads the file at `path` (`rel` names it in messages): a regular file,
/// of at most `limit` bytes when there is a limit. Anything else is an
/// `unreadable-file` diagnostic: a folder, a pipe or a device (which could
/// stall the build forever), a file too large, or one that cannot be read.
pub(crate) fn read_file(
    path: &Path,
    rel: &str,
    limit: Option<u64>,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    let unreadable = |e: std::io::Error| {
        Box::new(Diagnostic::whole_file(
            Code::UnreadableFile,
            rel,
            format!("cannot read {rel}: {e}"),
            "check that the file exists and that you may read it",
        ))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Box::new(Diagnostic::whole_file(
            Code::UnreadableFile,
            rel,
            format!("{rel} is not a regular file"),
            "partnerbook reads only plain files: remove it, or replace it with a file",
        )));
    }
    let limit = limit.unwrap_or(u64::MAX);
    if meta.len() > limit {
        return Err(too_large(rel, meta.len(), limit));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // the file may have grown since: read one byte past the limit at most
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(rel, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// The diagnostic for a file over the size limit.
fn too_large(rel: &str, size: u64, limit: u64) -> Box<Diagnostic> {
    Box::new(Diagnostic::whole_file(
        Code::UnreadableFile,
        rel,
        format!(
            "{rel} is too large: {size} bytes, over the limit of {limit} bytes ({} MiB) for one file",
            limit / (1024 * 1024)
        ),
        "a record or a playbook is text for people: split it into several files, or keep bulk data out of the site",
    ))
}

/// A source file from raw bytes; text that is not UTF-8 is an
/// `invalid-yaml` diagnostic at the first bad byte. A byte-order mark is
/// dropped.
pub(crate) fn utf8_source(rel: &str, bytes: Vec<u8>) -> Result<SourceFile, Box<Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(SourceFile {
                path: rel.to_string(),
                text,
            })
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let file = SourceFile {
                path: rel.to_string(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            };
            // the lossy text has the same bytes up to the first bad one
            Err(Box::new(Diagnostic::new(
                Code::InvalidYaml,
                &file,
                valid..valid,
                format!("{rel} is not UTF-8 text"),
                "this byte is not UTF-8",
                "save the file as UTF-8 (most editors offer it under 'encoding')",
            )))
        }
    }
}
