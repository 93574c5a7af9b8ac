//! Writing the output folder without ever showing a reader a half-built
//! site or deleting a folder partnerbook did not make.
//!
//! The new site is written into a hidden sibling folder, then swapped in
//! with two renames; the old site is removed only after the swap. A folder
//! is recognised as partnerbook's by the manifest written into it.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};
use rayon::prelude::*;

use crate::render::OutputFile;

/// The manifest's name inside every output folder.
pub const MANIFEST: &str = ".partnerbook-manifest.json";

/// Makes `path` absolute and resolves `.`, `..` and links in the part of it
/// that exists.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // `..` applies to the real folder, so resolve links before each one
    let mut lexical = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                if let Ok(real) = lexical.canonicalize() {
                    lexical = real;
                }
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    out.extend(rest.into_iter().rev());
    out
}

/// Refuses an output folder that would overwrite the site itself or
/// someone else's files. `root` and `output` must be [`resolve`]d.
pub fn check_output(root: &Path, output: &Path, force: bool) -> anyhow::Result<()> {
    if root.starts_with(output) {
        bail!(
            "refusing to write the site to {}: it holds the site itself\n  help: choose an output folder inside the site, e.g. `-o public`",
            output.display()
        );
    }
    for source in ["content", "templates", "static", "themes"] {
        if output.starts_with(root.join(source)) {
            bail!(
                "refusing to write the site to {}: it is inside the site's {source}/ folder\n  help: choose a folder of its own, e.g. `-o public`",
                output.display()
            );
        }
    }
    if output.exists() && !output.is_dir() {
        bail!(
            "refusing to write the site to {}: it is a file, not a folder",
            output.display()
        );
    }
    if output.is_dir() && !force && !output.join(MANIFEST).is_file() {
        let empty = std::fs::read_dir(output)
            .with_context(|| format!("cannot read {}", output.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "refusing to replace {}: it is not empty and partnerbook did not write it (no {MANIFEST} inside)\n  help: choose another folder with `-o`, or pass `--force` to replace everything in it",
                output.display()
            );
        }
    }
    Ok(())
}

/// The hidden sibling folders used while swapping.
fn siblings(output: &Path) -> anyhow::Result<(PathBuf, String)> {
    let parent = output
        .parent()
        .context("the output folder has no parent folder")?;
    let name = output
        .file_name()
        .context("the output folder has no name")?
        .to_string_lossy()
        .into_owned();
    Ok((parent.to_path_buf(), name))
}

/// Puts back an old site a killed build had moved aside, and clears away
/// unfinished new ones.
fn recover(output: &Path) -> anyhow::Result<()> {
    let (parent, name) = siblings(output)?;
    let new_prefix = format!(".{name}.partnerbook-new-");
    let old_prefix = format!(".{name}.partnerbook-old-");
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if file_name.starts_with(&old_prefix) && !output.exists() && path.join(MANIFEST).is_file() {
            std::fs::rename(&path, output).with_context(|| {
                format!(
                    "cannot restore {} from {}",
                    output.display(),
                    path.display()
                )
            })?;
        } else if path.is_dir()
            && (file_name.starts_with(&new_prefix) || file_name.starts_with(&old_prefix))
        {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Takes an exclusive lock on `folder`, released when the handle drops.
#[cfg(unix)]
fn lock_folder(folder: &Path) -> anyhow::Result<std::fs::File> {
    let handle =
        std::fs::File::open(folder).with_context(|| format!("cannot open {}", folder.display()))?;
    handle
        .lock()
        .with_context(|| format!("cannot lock {}", folder.display()))?;
    Ok(handle)
}

/// Folders cannot be opened as files everywhere; there builds are not
/// serialised.
#[cfg(not(unix))]
fn lock_folder(_folder: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Writes `files` as the new content of `output`, atomically replacing
/// what was there. [`check_output`] must have accepted `output`.
pub fn write(output: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    let (parent, name) = siblings(output)?;
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    // one build at a time per output folder: a second one waits here, so
    // it neither clears away the first one's staging folder nor races its
    // swap. The lock is on the parent folder, so no lock file is left behind.
    let _lock = lock_folder(&parent)?;
    recover(output)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.partnerbook-new-{pid}"));
    let result = write_tree(&staging, files);
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    if output.exists() {
        let old = parent.join(format!(".{name}.partnerbook-old-{pid}"));
        std::fs::rename(output, &old)
            .with_context(|| format!("cannot move {} aside", output.display()))?;
        if let Err(err) = std::fs::rename(&staging, output) {
            let _ = std::fs::rename(&old, output);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(err)
                .with_context(|| format!("cannot move the new site into {}", output.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the previous site at {}", old.display()))?;
    } else {
        std::fs::rename(&staging, output)
            .with_context(|| format!("cannot move the new site into {}", output.display()))?;
    }
    Ok(())
}

/// Whether `path` stays inside the folder it is joined to: relative, with
/// no `..`, no root and no drive.
fn stays_inside(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn write_tree(staging: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    // slugs are validated long before, but the output folder is too
    // important to trust that: no file may land outside it
    if let Some(bad) = files.iter().find(|f| !stays_inside(&f.path)) {
        bail!(
            "refusing to write {}: the path leaves the output folder",
            bad.path
        );
    }
    std::fs::create_dir_all(staging)
        .with_context(|| format!("cannot create {}", staging.display()))?;
    let mut dirs: Vec<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    for dir in dirs {
        let path = staging.join(dir);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = staging.join(&f.path);
        std::fs::write(&path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))
    })?;
    let manifest = serde_json::json!({
        "generator": "partnerbook",
        "version": env!("CARGO_PKG_VERSION"),
        "files": files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
    });
    let path = staging.join(MANIFEST);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest)?)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside() {
        assert!(stays_inside("partners/x/index.html"));
        for bad in ["", "../x", "a/../../x", "/etc/passwd", "./a/../.."] {
            assert!(!stays_inside(bad), "{bad}");
        }
    }

    #[test]
    fn resolve_handles_missing_parts() {
        let dir = std::env::temp_dir();
        let resolved = resolve(&dir.join("no-such-folder/../x"));
        assert_eq!(resolved, dir.canonicalize().unwrap().join("x"));
    }
}
