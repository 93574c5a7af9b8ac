//! Writing the output folder without ever showing a reader a half-built
//! site or deleting a folder partnerbook did not make.
//!
//! The new site is written into a hidden sibling folder, then swapped in
//! with two renames; the old site is removed only after the swap. A folder
//! is recognised as partnerbook's by the manifest written into it.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};
use rayon::prelude::*;

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
fn lock_folder(folder: &Path) -> anyhow::Result<Lock> {
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
fn lock_folder(_folder: &Path) -> anyhow::Result<Lock> {
    Ok(())
}

/// One file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    /// The path below the output folder, with `/` separators.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What `.partnerbook-manifest.json` holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Always `partnerbook`.
    pub generator: String,
    /// The version that wrote the folder.
    pub version: String,
    /// A digest of everything the output was made from (see
    /// [`crate::render::fingerprint`]); equal digests mean equal output.
    #[serde(default)]
    pub inputs: String,
    /// How many HTML pages the folder holds, for the summary line.
    #[serde(default)]
    pub pages: usize,
    /// Every file written, sorted by path.
    pub files: Vec<Written>,
}

/// A new site being written into a hidden sibling of the output folder.
/// Files are put in as they are rendered, from any thread; [`commit`]
/// swaps the finished site in. Dropped without a commit, the staging
/// folder is removed and the output is left as it was.
///
/// [`commit`]: Staging::commit
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    written: std::sync::Mutex<Vec<Written>>,
    committed: bool,
    // held until the staging is committed or dropped: one build at a time
    // per output folder
    _lock: Lock,
}

#[cfg(unix)]
type Lock = std::fs::File;
#[cfg(not(unix))]
type Lock = ();

/// The right to write one output folder, held by one build at a time.
pub struct Locked {
    output: PathBuf,
    lock: Lock,
}

/// Locks the output folder's parent (a second build waits here, so it
/// neither clears away this one's staging folder nor races its swap), and
/// recovers from a killed build: a site it had moved aside is put back,
/// unfinished staging folders are removed. [`check_output`] must have
/// accepted `output`.
pub fn lock(output: &Path) -> anyhow::Result<Locked> {
    let (parent, _) = siblings(output)?;
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let lock = lock_folder(&parent)?;
    recover(output)?;
    Ok(Locked {
        output: output.to_path_buf(),
        lock,
    })
}

/// This build's hidden sibling of `output` for `role` (`new`, `old`):
/// `.public.partnerbook-new-<pid>`, the names [`recover`] looks for.
fn sibling(output: &Path, role: &str) -> anyhow::Result<PathBuf> {
    let (parent, name) = siblings(output)?;
    Ok(parent.join(format!(".{name}.partnerbook-{role}-{}", std::process::id())))
}

impl Staging {
    /// Creates the staging folder beside the locked output folder.
    pub fn begin(locked: Locked) -> anyhow::Result<Staging> {
        let Locked { output, lock } = locked;
        let dir = sibling(&output, "new")?;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            output,
            dir,
            written: std::sync::Mutex::new(Vec::new()),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes one file into the staging folder, creating its folders.
    pub fn put(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        // slugs are validated long before, but the output folder is too
        // important to trust that: no file may land outside it
        if !stays_inside(path) || path == MANIFEST {
            bail!("refusing to write {path}: the path leaves the output folder");
        }
        let target = self.dir.join(path);
        let result = match std::fs::write(&target, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let folder = target.parent().unwrap_or(&self.dir);
                std::fs::create_dir_all(folder)
                    .with_context(|| format!("cannot create {}", folder.display()))?;
                std::fs::write(&target, bytes)
            }
            other => other,
        };
        result.with_context(|| format!("cannot write {}", target.display()))?;
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Written {
                path: path.to_string(),
                size: bytes.len() as u64,
            });
        Ok(())
    }

    /// Writes the manifest, swaps the new site in with two renames, and
    /// removes the old one. Returns the manifest.
    pub fn commit(mut self, inputs: String) -> anyhow::Result<Manifest> {
        let mut files = std::mem::take(
            &mut *self
                .written
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let manifest = Manifest {
            generator: "partnerbook".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            inputs,
            pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
            files,
        };
        let path = self.dir.join(MANIFEST);
        std::fs::write(&path, serde_json::to_vec(&manifest)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let output = &self.output;
        if output.exists() && exchange(&self.dir, output) {
            // the old site is now in the staging folder: a kill from here on
            // leaves the new site, and the next build removes the old one
            self.committed = true;
            std::fs::remove_dir_all(&self.dir).with_context(|| {
                format!("cannot remove the previous site at {}", self.dir.display())
            })?;
        } else if output.exists() {
            // no atomic exchange here: two renames, with a moment between
            // them in which the output folder is missing (a build killed
            // then puts the old site back next time)
            let old = sibling(output, "old")?;
            std::fs::rename(output, &old)
                .with_context(|| format!("cannot move {} aside", output.display()))?;
            if let Err(err) = std::fs::rename(&self.dir, output) {
                let _ = std::fs::rename(&old, output);
                return Err(err).with_context(|| {
                    format!("cannot move the new site into {}", output.display())
                });
            }
            self.committed = true;
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove the previous site at {}", old.display()))?;
        } else {
            std::fs::rename(&self.dir, output)
                .with_context(|| format!("cannot move the new site into {}", output.display()))?;
            self.committed = true;
        }
        Ok(manifest)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Swaps two folders in one atomic step, where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Whether `output` already holds the site a build would write: its
/// manifest records the same `inputs` digest, and every file it lists is
/// there, unchanged in size and not modified after the manifest, with
/// nothing else beside them. Reads only metadata.
pub fn up_to_date(output: &Path, inputs: &str) -> Option<Manifest> {
    let path = output.join(MANIFEST);
    let written = std::fs::metadata(&path).ok()?.modified().ok()?;
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    if manifest.inputs != inputs
        || manifest.version != env!("CARGO_PKG_VERSION")
        || manifest.inputs.is_empty()
    {
        return None;
    }
    // the expected entries of every folder
    type Entries<'a> = HashMap<&'a str, Option<u64>>;
    let mut folders: HashMap<&str, Entries> = HashMap::new();
    folders.entry("").or_default().insert(MANIFEST, None);
    for file in &manifest.files {
        let (folder, name) = file.path.rsplit_once('/').unwrap_or(("", &file.path));
        folders
            .entry(folder)
            .or_default()
            .insert(name, Some(file.size));
        // and the folders leading to it
        let mut sub = folder;
        while !sub.is_empty() {
            let (up, name) = sub.rsplit_once('/').unwrap_or(("", sub));
            if folders.entry(up).or_default().insert(name, None).is_some() {
                break;
            }
            sub = up;
        }
    }
    let folders: Vec<_> = folders.into_iter().collect();
    let intact = folders.par_iter().all(|(folder, expected)| {
        let Ok(entries) = std::fs::read_dir(output.join(folder)) else {
            return false;
        };
        let mut seen = 0;
        for entry in entries {
            let Ok(entry) = entry else { return false };
            let name = entry.file_name();
            let Some(&size) = name.to_str().and_then(|n| expected.get(n)) else {
                return false;
            };
            seen += 1;
            let Ok(meta) = entry.metadata() else {
                return false;
            };
            let fine = match size {
                Some(size) => {
                    meta.is_file()
                        && meta.len() == size
                        && meta.modified().is_ok_and(|m| m <= written)
                }
                None => meta.is_dir() || name == MANIFEST,
            };
            if !fine {
                return false;
            }
        }
        seen == expected.len()
    });
    intact.then_some(manifest)
}

/// Whether `path` stays inside the folder it is joined to: relative, with
/// no `..`, no root and no drive.
fn stays_inside(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
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
