//! Finding the site: its root folder, the partner records and playbooks
//! below `content/`, and the slugs their file names give.

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

/// Whether a file or folder name is one to skip: hidden files and editor
/// leftovers (`.#x`, `x~`, `.x.swp`).
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~')
}

/// Walks `content/` under `root`.
pub fn walk(root: &Path) -> Found {
    let mut found = Found::default();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for (sub, exts) in [
        ("partners", &["yaml", "yml"][..]),
        ("playbooks", &["md"][..]),
    ] {
        let dir = root.join("content").join(sub);
        if !dir.is_dir() {
            continue;
        }
        let walker = WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(is_ignored));
        for item in walker {
            let entry = match item {
                Ok(entry) => entry,
                Err(err) => {
                    let rel = err
                        .path()
                        .map_or_else(|| format!("content/{sub}"), |p| relative(root, p));
                    let why = if err.loop_ancestor().is_some() {
                        "a symbolic link loops back to a folder above it".to_string()
                    } else {
                        err.io_error()
                            .map_or_else(|| err.to_string(), ToString::to_string)
                    };
                    found.diagnostics.push(file_diagnostic(
                        Code::UnreadableFile,
                        &rel,
                        format!("cannot read {rel}: {why}"),
                        "remove the link or fix the folder's permissions",
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
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
            if entry.path_is_symlink() || path_has_link(&dir, path) {
                let inside = path
                    .canonicalize()
                    .is_ok_and(|target| target.starts_with(&canonical_root));
                if !inside {
                    found.diagnostics.push(file_diagnostic(
                        Code::UnreadableFile,
                        &rel,
                        format!("{rel} is a symbolic link to a file outside the site"),
                        "copy the file into the site instead of linking to it; partnerbook never reads outside the site root",
                    ));
                    continue;
                }
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

/// Whether any folder between `base` and `path` is a symbolic link.
fn path_has_link(base: &Path, path: &Path) -> bool {
    path.strip_prefix(base).is_ok_and(|rest| {
        let mut p = base.to_path_buf();
        rest.parent().is_some_and(|parent| {
            parent.components().any(|c| {
                p.push(c);
                p.symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
            })
        })
    })
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

/// `unreadable-file` for a content file that could not be read.
pub fn unreadable(rel: &str, err: &std::io::Error) -> Diagnostic {
    file_diagnostic(
        Code::UnreadableFile,
        rel,
        format!("cannot read {rel}: {err}"),
        "check that the file exists and that you may read it",
    )
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

    #[test]
    fn slugs() {
        assert!(is_slug("northwind-2"));
        assert!(!is_slug("North"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
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
