//! Finding the site: its root folder, the partner records and playbooks
//! below `content/`, and the slugs their file names give; and the rules
//! for every file partnerbook reads from the site (docs/limits.md): links
//! are followed only inside the site root, text files are at most
//! [`MAX_FILE_SIZE`], and what cannot be read is a diagnostic, never a skip.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;

/// A content file found on disk, not yet read.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path relative to the site root, with `/` separators.
    pub rel: String,
    /// The path to open.
    pub abs: PathBuf,
    /// The slug (partners) or slash-separated path (playbooks) it maps to.
    pub key: String,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Found {
    /// `content/partners/**/*.yaml`.
    pub partners: Vec<Entry>,
    /// `content/playbooks/**/*.md`.
    pub playbooks: Vec<Entry>,
    /// Files that could not be walked or named.
    pub diagnostics: Vec<Diagnostic>,
}

/// The nearest folder, from `start` upwards, that holds `partnerbook.yaml`
/// or `content/`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(config::FILE_NAME).is_file() || dir.join("content").is_dir())
        .map(Path::to_path_buf)
}

/// Whether `s` is a valid slug: lowercase ASCII letters, digits and single
/// inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// The slug a file name stem normalises to: ASCII letters lowercased, runs of
/// spaces, underscores, dots and hyphens turned into one hyphen. Any other
/// character (accents, punctuation) cannot be normalised without guessing,
/// so it gives `None`.
pub fn normalize_slug(stem: &str) -> Option<String> {
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            ' ' | '_' | '.' | '-' => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
            _ => return None,
        }
    }
    let out = out.trim_end_matches('-').to_string();
    is_slug(&out).then_some(out)
}

/// Whether Windows reserves `slug` for a device: `con`, `prn`, `aux`,
/// `nul`, `com1` to `com9` and `lpt1` to `lpt9`. Windows, and so IIS and
/// a site unzipped on a laptop, cannot hold a folder of that name, in any
/// case and with any extension. A slug holds only ASCII, so the
/// superscript forms (`com¹`) never reach here: they are not slugs.
pub fn is_reserved(slug: &str) -> bool {
    match slug.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => (b'1'..=b'9').contains(d),
        _ => false,
    }
}

/// Whether a file or folder name is one to skip: hidden files and editor
/// leftovers (`.#x`, `x~`, `.x.swp`).
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// The largest text file partnerbook reads: a partner record, a playbook,
/// partnerbook.yaml or a template. A record is a few kilobytes; 4 MiB holds
/// a record with 100,000 influence-map people written one per line. The
/// cap bounds memory: deeply nested Markdown costs up to about 250 bytes of
/// memory per byte of text. Static files are copied, not parsed, and have
/// no cap.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Walks `content/` under `root`.
pub fn walk(root: &Path) -> Found {
    let mut found = Found::default();
    for (sub, exts) in [
        ("partners", &["yaml", "yml"][..]),
        ("playbooks", &["md"][..]),
    ] {
        let dir = root.join("content").join(sub);
        if !dir.is_dir() {
            continue;
        }
        for entry in files(root, &dir, is_ignored, &mut found.diagnostics) {
            let path = entry.path();
            let rel = relative(root, path);
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                found.diagnostics.push(file_diagnostic(
                    Code::InvalidValue,
                    &rel,
                    format!("the file name {rel} is not valid UTF-8"),
                    "rename the file using lowercase letters, digits and hyphens",
                ));
                continue;
            };
            let Some((stem, ext)) = name.rsplit_once('.') else {
                continue;
            };
            if !exts.contains(&ext.to_ascii_lowercase().as_str()) {
                continue;
            }
            let key = if sub == "partners" {
                normalize_slug(stem)
            } else {
                playbook_key(&dir, path)
            };
            let Some(key) = key else {
                found.diagnostics.push(file_diagnostic(
                    Code::InvalidValue,
                    &rel,
                    format!("the file name {rel} does not make a valid slug"),
                    "rename it using letters, digits, spaces, hyphens or underscores only; the URL is the lowercased name (e.g. northwind-integration.yaml)",
                ));
                continue;
            };
            let list = if sub == "partners" {
                &mut found.partners
            } else {
                &mut found.playbooks
            };
            list.push(Entry {
                rel,
                abs: path.to_path_buf(),
                key,
            });
        }
    }
    found
}

/// Everything below `dir`, a folder of the site at `root`, that is not a
/// folder (files, and special files for the reader to refuse), sorted by
/// path. Names for which `ignored` is true are skipped, with what is below
/// them.
///
/// Symbolic links are followed while they stay inside the site. A link
/// that leads outside it is reported and neither read nor walked into, so
/// a link to `/` costs nothing. Folders that cannot be read, links that
/// loop and links that lead nowhere are reported too, never skipped.
pub fn files(
    root: &Path,
    dir: &Path,
    ignored: fn(&str) -> bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<walkdir::DirEntry> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let inside = |path: &Path| {
        path.canonicalize()
            .is_ok_and(|target| target.starts_with(&canonical_root))
    };
    if !inside(dir) {
        diagnostics.push(outside(&relative(root, dir), true));
        return Vec::new();
    }
    let mut refused = Vec::new();
    // sorted once at the end: walkdir's own sort takes each name apart from
    // its path at every comparison, a tenth of `check` at 10,000 partners
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_str().is_some_and(ignored) {
                return false;
            }
            if !e.path_is_symlink() {
                return true;
            }
            // only a link can lead out: below a followed link that stays
            // inside, every path does too, up to the next link
            if !inside(e.path()) {
                refused.push(outside(&relative(root, e.path()), e.file_type().is_dir()));
                return false;
            }
            // a link to the folder that holds it, or to one above, would
            // walk that folder again (walkdir notices only some of these)
            if e.file_type().is_dir() && holds_itself(e.path()) {
                refused.push(file_diagnostic(
                    Code::UnreadableFile,
                    &relative(root, e.path()),
                    format!(
                        "cannot read {}: a symbolic link loops back to a folder above it",
                        relative(root, e.path())
                    ),
                    LOOP_HELP,
                ));
                return false;
            }
            true
        });
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for item in walker {
        match item {
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) => out.push(entry),
            Err(err) => errors.push(walk_error(root, dir, &err)),
        }
    }
    // by path, a component at a time: the order of a walk that visits
    // each folder's entries by name
    out.sort_by_cached_key(|entry| component_order(entry.path()));
    crate::diagnostic::sort(&mut refused);
    crate::diagnostic::sort(&mut errors);
    diagnostics.append(&mut refused);
    diagnostics.append(&mut errors);
    out
}

/// A key that sorts paths a component at a time (`a/b` before `a-b`, as
/// `Path`'s own order does) by comparing bytes: the separator, which sorts
/// below every byte a name can hold, becomes 0. Comparing `Path`s takes
/// them apart at every comparison.
#[cfg(unix)]
fn component_order(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str()
        .as_bytes()
        .iter()
        .map(|&b| if b == b'/' { 0 } else { b })
        .collect()
}

#[cfg(not(unix))]
fn component_order(path: &Path) -> std::path::PathBuf {
    path.to_path_buf()
}

const LOOP_HELP: &str = "remove the link, or point it at a folder that does not hold it";

/// Whether the folder the link at `path` leads to holds the link itself.
fn holds_itself(path: &Path) -> bool {
    let target = path.canonicalize();
    let parent = path.parent().map(Path::canonicalize);
    matches!((target, parent), (Ok(target), Some(Ok(parent))) if parent.starts_with(&target))
}

/// The diagnostic for a link that leads outside the site, to a folder or
/// a file.
fn outside(rel: &str, folder: bool) -> Diagnostic {
    let (what, help) = if folder {
        (
            "folder",
            "copy the folder into the site instead of linking to it; partnerbook never reads outside the site root",
        )
    } else {
        (
            "file",
            "copy the file into the site instead of linking to it; partnerbook never reads outside the site root",
        )
    };
    file_diagnostic(
        Code::UnreadableFile,
        rel,
        format!("{rel} is a symbolic link to a {what} outside the site"),
        help,
    )
}

/// The diagnostic for a file or folder the walk could not get past.
fn walk_error(root: &Path, dir: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err.path().unwrap_or(dir);
    let rel = relative(root, path);
    let io = err
        .io_error()
        .map_or_else(|| err.to_string(), ToString::to_string);
    let is_link = path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink());
    let (message, help) = if err.loop_ancestor().is_some() {
        (
            format!("cannot read {rel}: a symbolic link loops back to a folder above it"),
            LOOP_HELP,
        )
    } else if is_link {
        (
            format!("{rel} is a symbolic link that leads nowhere: {io}"),
            "remove the link, or point it at a file inside the site",
        )
    } else {
        (
            format!("cannot read {rel}: {io}"),
            "fix the permissions so that you may read it",
        )
    };
    file_diagnostic(Code::UnreadableFile, &rel, message, help)
}

/// A playbook's URL path: each folder and the file stem normalised to a slug.
fn playbook_key(dir: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(dir).ok()?.with_extension("");
    let parts: Option<Vec<String>> = rest
        .components()
        .map(|c| c.as_os_str().to_str().and_then(normalize_slug))
        .collect();
    Some(parts?.join("/"))
}

/// `path` relative to `root`, with `/` separators, for messages.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A diagnostic about a whole file, with no text to quote.
pub fn file_diagnostic(code: Code, rel: &str, message: String, help: &str) -> Diagnostic {
    let file = SourceFile {
        path: rel.to_string(),
        text: String::new(),
    };
    Diagnostic::new(code, &file, 0..0, message, "this file", help)
}

/// Reads a content file: a regular file of at most [`MAX_FILE_SIZE`]
/// bytes, in UTF-8.
pub fn read(entry: &Entry) -> Result<SourceFile, Box<Diagnostic>> {
    let bytes = read_file(&entry.abs, &entry.rel, Some(MAX_FILE_SIZE))?;
    utf8_source(&entry.rel, bytes)
}

/// Reads the file at `path` (`rel` names it in messages): a regular file,
/// of at most `limit` bytes when there is a limit. Anything else is an
/// `unreadable-file` diagnostic: a folder, a pipe or a device (which could
/// stall the build forever), a file too large, or one that cannot be read.
pub fn read_file(path: &Path, rel: &str, limit: Option<u64>) -> Result<Vec<u8>, Box<Diagnostic>> {
    let unreadable = |e: std::io::Error| {
        Box::new(file_diagnostic(
            Code::UnreadableFile,
            rel,
            format!("cannot read {rel}: {e}"),
            "check that the file exists and that you may read it",
        ))
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Box::new(file_diagnostic(
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
    Box::new(file_diagnostic(
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
pub fn utf8_source(rel: &str, bytes: Vec<u8>) -> Result<SourceFile, Box<Diagnostic>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn paths_sort_a_component_at_a_time() {
        let mut paths = ["a-b", "a/c", "a.yaml", "a/b/c", "ab", "a/b-c", "b"].map(Path::new);
        let mut by_key = paths;
        paths.sort();
        by_key.sort_by_cached_key(|p| component_order(p));
        assert_eq!(by_key, paths);
        assert_eq!(paths[0], Path::new("a/b/c"));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("northwind-2"));
        assert!(!is_slug("North"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
    }

    #[test]
    fn windows_reserved_slugs() {
        for slug in ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"] {
            assert!(is_reserved(slug), "{slug}");
        }
        for slug in [
            "com0",
            "lpt0",
            "com10",
            "cons",
            "con-partners",
            "icon",
            "nul1",
            "com",
        ] {
            assert!(!is_reserved(slug), "{slug}");
        }
        // `Con.yaml` and `CON .yaml` make the slug `con`; `con.backup`
        // makes `con-backup`, a folder Windows can hold
        assert!(is_reserved(&normalize_slug("CON ").unwrap()));
        assert!(!is_reserved(&normalize_slug("con.backup").unwrap()));
        assert_eq!(normalize_slug("com¹"), None);
    }

    #[test]
    fn normalising_file_names() {
        assert_eq!(
            normalize_slug("Northwind Integration").as_deref(),
            Some("northwind-integration")
        );
        assert_eq!(normalize_slug("acme_corp").as_deref(), Some("acme-corp"));
        assert_eq!(normalize_slug("a -- b").as_deref(), Some("a-b"));
        assert_eq!(normalize_slug("café"), None);
        assert_eq!(normalize_slug("../etc"), None);
        assert_eq!(normalize_slug("---"), None);
        assert_eq!(normalize_slug(""), None);
    }
}
