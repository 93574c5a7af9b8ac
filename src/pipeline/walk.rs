//! Finding the site: its root folder, the partner records and playbooks
//! below `content/`, and the slugs their file names give. Links are
//! followed only inside the site root (docs/limits.md), and what cannot be
//! walked is a diagnostic, never a skip.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config;
use crate::diagnostic::{Code, Diagnostic};
use crate::slug::normalize_slug;

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
pub(crate) struct Found {
    /// `content/partners/**/*.yaml`.
    pub partners: Vec<Entry>,
    /// `content/playbooks/**/*.md`.
    pub playbooks: Vec<Entry>,
    /// Files that could not be walked or named.
    pub diagnostics: Vec<Diagnostic>,
}

/// The nearest folder, from `start` upwards, that holds `partnerbook.yaml`
/// or `content/`.
pub(crate) fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(config::FILE_NAME).is_file() || dir.join("content").is_dir())
        .map(Path::to_path_buf)
}

/// Whether a file or folder name is one to skip: hidden files and editor
/// leftovers (`.#x`, `x~`, `.x.swp`).
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// Walks `content/` under `root`.
pub(crate) fn walk(root: &Path) -> Found {
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
                found.diagnostics.push(Diagnostic::whole_file(
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
                found.diagnostics.push(Diagnostic::whole_file(
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
pub(crate) fn files(
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
                refused.push(Diagnostic::whole_file(
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
    Diagnostic::whole_file(
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
    Diagnostic::whole_file(Code::UnreadableFile, &rel, message, help)
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
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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
}
