//! Publishing into the output folder in place (SPEC section 7).
//!
//! The output folder is never renamed, swapped or recreated: it is often
//! not partnerbook's to rename (a mount point, a bind mount another process
//! serves, an overlay file system's lower layer, a web root under a parent
//! the builder may not write). A build compares each file it renders with
//! the digest the manifest recorded for that path, and writes only the
//! files whose bytes changed, each into a temporary file beside it
//! (`.index.html.partnerbook-tmp`). Once every page has rendered,
//! [`Publisher::commit`] renames each over its old file (a reader sees the
//! old file or the new one, never a mix), removes the files the manifest
//! lists that the new build no longer makes and the folders it created
//! that are left empty, and writes the new manifest last. Nothing the
//! manifest does not list is ever touched.
//!
//! While it publishes, a build keeps a journal in the output folder that
//! names each file before its temporary file is written and each folder
//! before it is created. A build that fails before the commit removes what
//! it staged and created; one that is killed leaves the journal, from which
//! the next build removes the temporary files and learns which files may
//! have changed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use anyhow::{Context as _, bail};
use rayon::prelude::*;

/// The manifest's name inside every output folder.
pub(crate) const MANIFEST: &str = ".partnerbook-manifest.json";

/// The journal inside the output folder: while a build publishes, it names
/// every file the build stages or may have put in place and every folder it
/// created, so that the next build can finish or undo the job.
pub(crate) const JOURNAL: &str = ".partnerbook-journal";

/// From what size a staged file is flushed at once, in the background,
/// rather than at the commit: at 10,000 partners partners.json is 93 MB.
const EARLY_FLUSH: usize = 4 << 20;

/// Up to how many changed files a build flushes one by one; past that it
/// flushes the whole file system once (one call, however many files, but
/// it also waits for whatever else is waiting to be written).
const FEW_TO_FLUSH: usize = 256;

/// How a temporary file staged at the top of the output begins.
const SPARE: &str = ".partnerbook-spare-";

/// How the temporary file a build stages beside each file it replaces
/// ends: `.index.html.partnerbook-tmp`.
pub(crate) const TEMPORARY: &str = ".partnerbook-tmp";

/// Makes `path` absolute and resolves `.`, `..` and links in the part of it
/// that exists.
pub(crate) fn resolve(path: &Path) -> PathBuf {
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
pub(crate) fn check_output(root: &Path, output: &Path, force: bool) -> anyhow::Result<()> {
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
                "refusing to publish into {}: it is not empty and partnerbook did not write it (no {MANIFEST} inside)\n  help: choose another folder with `-o`, or pass `--force` to publish into it (files partnerbook writes replace those at the same paths; nothing else in the folder is touched)",
                output.display()
            );
        }
    }
    Ok(())
}

/// One file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Written {
    /// The path below the output folder, with `/` separators.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// XXH3-128 of its bytes, in hex (empty: not known, so never equal).
    #[serde(default)]
    pub digest: String,
    /// The digest of everything the file was made from (see
    /// [`crate::render::plan`]); empty for files without one.
    #[serde(default)]
    pub key: String,
}

/// What `.partnerbook-manifest.json` holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Manifest {
    /// Always `partnerbook`.
    pub generator: String,
    /// The version that wrote the folder.
    pub version: String,
    /// A digest of everything the output was made from (see
    /// [`crate::render::fingerprint`]); equal digests mean equal output.
    /// Empty after a publish that did not finish.
    #[serde(default)]
    pub inputs: String,
    /// How many HTML pages the folder holds, for the summary line.
    #[serde(default)]
    pub pages: usize,
    /// Every file partnerbook put here, sorted by path.
    pub files: Vec<Written>,
    /// The folders partnerbook created (removed again once they are empty
    /// and no file of a build is in them), sorted. Absent in a manifest of
    /// version 1, which made the whole folder: every folder of its files
    /// was partnerbook's.
    #[serde(default)]
    pub folders: Option<Vec<String>>,
}

/// The digest of a file's bytes, as the manifest records it.
pub(crate) fn digest(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
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

#[cfg(unix)]
type Lock = std::fs::File;
#[cfg(not(unix))]
type Lock = ();

/// A file the build hands over: unchanged, or staged to replace the old one.
struct Planned {
    entry: Written,
    /// The temporary file that holds its new bytes: beside it, or at the
    /// top of the output when its folder cannot be made before the commit.
    staged: Option<PathBuf>,
}

/// `mutex` locked; a thread that panicked holding it left nothing half
/// done that matters here.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One build's right to publish into an output folder, and what it has
/// staged so far. Files are handed over from any thread; dropped without
/// a [`commit`], the staged files and the folders made for them are
/// removed and the output is as it was.
///
/// [`commit`]: Publisher::commit
pub(crate) struct Publisher {
    output: PathBuf,
    /// What the manifest lists (plus what a killed build's journal names).
    old: HashMap<String, Written>,
    old_folders: BTreeSet<String>,
    old_inputs: String,
    old_version: String,
    /// Listed files that are not on disk as the manifest says (changed by
    /// hand, missing, replaced by a folder).
    dirty: HashSet<String>,
    planned: Mutex<Vec<Planned>>,
    /// The journal, opened for appending by the first file staged.
    journal: Mutex<Option<std::fs::File>>,
    /// Folders known to exist, and the ones this build created.
    folders: Mutex<(HashSet<String>, Vec<String>)>,
    /// The output folder did not exist: remove it again if nothing lands.
    created_output: bool,
    /// An interrupted build left its journal: it stays until a commit.
    journal_found: bool,
    /// Flushes of large staged files, started as soon as they were written
    /// so that the disk works while the rest renders.
    early: Mutex<Vec<(PathBuf, std::thread::JoinHandle<std::io::Result<()>>)>>,
    sync: bool,
    finished: bool,
    // one build at a time per output folder
    _lock: Lock,
}

/// How many threads rename and remove files when many are to be: more than
/// the cores, because these calls mostly wait. Replacing or removing a file
/// frees the old one's blocks, and where the file system is mounted with
/// `discard` each free waits for the device: with one thread per core the
/// cores sat idle through those waits (a title change at 10,000 partners
/// published in 2.8 s on two threads, 1.7 s on eight).
const IO_THREADS: usize = 8;

/// Runs `work`, which renames or removes `count` files in parallel, on
/// [`IO_THREADS`] threads when there are enough files to pay for starting
/// them, else on the build's own.
fn on_io_threads<R: Send>(count: usize, work: impl FnOnce() -> R + Send) -> R {
    if count < 256 {
        return work();
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(IO_THREADS)
        .thread_name(|i| format!("partnerbook-io-{i}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// The temporary file beside `path` that a build stages its new bytes in.
fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}{TEMPORARY}"))
}

impl Publisher {
    /// Creates the output folder if it is missing, locks it (a second
    /// build waits here), clears away what a killed build staged and reads
    /// the manifest. [`check_output`] must have accepted `output`.
    pub(crate) fn open(output: &Path) -> anyhow::Result<Publisher> {
        let created_output = !output.exists();
        if created_output {
            std::fs::create_dir_all(output)
                .with_context(|| format!("cannot create {}", output.display()))?;
        }
        let lock = lock_folder(output)?;
        let manifest_path = output.join(MANIFEST);
        let written_at = std::fs::metadata(&manifest_path)
            .ok()
            .and_then(|m| m.modified().ok());
        let manifest: Option<Manifest> = std::fs::read(&manifest_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let (mut old, mut old_folders, old_inputs, old_version) = match manifest {
            Some(m) => {
                let folders: BTreeSet<String> = match m.folders {
                    Some(folders) => folders.into_iter().collect(),
                    None => m
                        .files
                        .iter()
                        .flat_map(|f| ancestors(&f.path))
                        .map(str::to_string)
                        .collect(),
                };
                (
                    m.files
                        .into_iter()
                        .map(|f| (f.path.clone(), f))
                        .collect::<HashMap<_, _>>(),
                    folders,
                    m.inputs,
                    m.version,
                )
            }
            None => Default::default(),
        };
        // an interrupted build: its journal names every file it staged or
        // may have put in place, and every folder it created
        let mut dirty = HashSet::new();
        let journal = output.join(JOURNAL);
        let journal_found = journal.exists();
        if let Ok(text) = std::fs::read_to_string(&journal) {
            for line in text.lines() {
                if let Some(spare) = line.strip_prefix("spare ") {
                    if spare.starts_with(SPARE) && !spare.contains('/') {
                        remove_file(&output.join(spare))?;
                    }
                } else if let Some(folder) = line.strip_prefix("folder ") {
                    if stays_inside(folder) {
                        old_folders.insert(folder.to_string());
                    }
                } else if let Some(path) = line.strip_prefix("file ") {
                    if !stays_inside(path) {
                        continue;
                    }
                    let staged = temporary(&output.join(path));
                    remove_file(&staged).with_context(|| {
                        format!(
                            "cannot remove {}, left by an interrupted build",
                            staged.display()
                        )
                    })?;
                    dirty.insert(path.to_string());
                    old.entry(path.to_string()).or_insert_with(|| Written {
                        path: path.to_string(),
                        size: 0,
                        digest: String::new(),
                        key: String::new(),
                    });
                }
            }
        }
        // listed files that are not as the manifest says are rewritten
        let listed: Vec<&Written> = old.values().collect();
        dirty.extend(
            listed
                .par_iter()
                .filter(|f| !intact(output, f, written_at))
                .map(|f| f.path.clone())
                .collect::<Vec<_>>(),
        );
        Ok(Publisher {
            output: output.to_path_buf(),
            old,
            old_folders,
            old_inputs,
            old_version,
            dirty,
            planned: Mutex::new(Vec::new()),
            journal: Mutex::new(None),
            folders: Mutex::new((HashSet::new(), Vec::new())),
            created_output,
            journal_found,
            early: Mutex::new(Vec::new()),
            sync: std::env::var_os("PARTNERBOOK_NO_SYNC").is_none(),
            finished: false,
            _lock: lock,
        })
    }

    /// Whether the output holds, intact, the build of `inputs` (see
    /// [`crate::render::fingerprint`]): then there is nothing to write.
    pub(crate) fn up_to_date(&self, inputs: &str) -> bool {
        !inputs.is_empty()
            && !self.journal_found
            && self.old_inputs == inputs
            && self.old_version == env!("CARGO_PKG_VERSION")
            && self.dirty.is_empty()
    }

    /// The manifest's summary of the output when [`Self::up_to_date`].
    pub(crate) fn pages(&self) -> usize {
        self.old.keys().filter(|p| p.ends_with(".html")).count()
    }

    /// The key the file at `path` was made from, when the output holds it
    /// intact.
    pub(crate) fn key(&self, path: &str) -> Option<&str> {
        if self.dirty.contains(path) || self.old_version != env!("CARGO_PKG_VERSION") {
            return None;
        }
        self.old
            .get(path)
            .map(|f| f.key.as_str())
            .filter(|k| !k.is_empty())
    }

    /// The file at `path`, opened for reading, when the output holds it
    /// intact and the manifest records `digest` for it.
    pub(crate) fn open_file(&self, path: &str, digest: &str) -> Option<std::fs::File> {
        let listed = self.old.get(path)?;
        if self.dirty.contains(path) || listed.digest != digest {
            return None;
        }
        std::fs::File::open(self.output.join(path))
            .ok()
            .filter(|file| file.metadata().is_ok_and(|m| m.len() == listed.size))
    }

    /// Appends `line` to the journal, creating it first.
    fn note(&self, line: &str) -> anyhow::Result<()> {
        let mut journal = locked(&self.journal);
        let path = self.output.join(JOURNAL);
        if journal.is_none() {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            *journal = Some(file);
        }
        if let Some(file) = journal.as_mut() {
            file.write_all(format!("{line}\n").as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// Makes sure the folder `folder` (below the output) exists, creating
    /// it and the folders above it, each noted in the journal first.
    /// Returns false when a file the manifest lists stands where a folder
    /// must go (a static file that became a folder): that file can only go
    /// at the commit, and the folder is made then.
    fn folder(&self, folder: &str) -> anyhow::Result<bool> {
        if folder.is_empty() {
            return Ok(true);
        }
        let mut known = locked(&self.folders);
        if known.0.contains(folder) {
            return Ok(true);
        }
        let mut chain: Vec<&str> = std::iter::once(folder).chain(ancestors(folder)).collect();
        chain.reverse();
        for f in chain {
            if known.0.contains(f) {
                continue;
            }
            let path = self.output.join(f);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) if self.old.contains_key(f) => return Ok(false),
                Ok(_) => bail!(
                    "cannot create the folder {}: a file or a link is in the way\n  help: move it away and build again",
                    path.display()
                ),
                Err(_) => {
                    self.note(&format!("folder {f}"))?;
                    std::fs::create_dir(&path)
                        .with_context(|| format!("cannot create the folder {}", path.display()))?;
                    known.1.push(f.to_string());
                }
            }
            known.0.insert(f.to_string());
        }
        Ok(true)
    }

    /// Hands over one file of the new build, made from `key`: its new
    /// bytes are staged in a temporary file beside it when they differ
    /// from what the output holds at `path`.
    pub(crate) fn put(&self, path: &str, bytes: &[u8], key: &str) -> anyhow::Result<()> {
        // slugs are validated long before, but the output folder is too
        // important to trust that: no file may land outside it
        if !stays_inside(path) {
            bail!("refusing to write {path}: the path leaves the output folder");
        }
        if path == MANIFEST || path == JOURNAL || path.ends_with(TEMPORARY) {
            bail!("refusing to write {path}: partnerbook keeps its own records under that name");
        }
        let entry = Written {
            path: path.to_string(),
            size: bytes.len() as u64,
            digest: digest(bytes),
            key: key.to_string(),
        };
        let same = !self.dirty.contains(path)
            && self
                .old
                .get(path)
                .is_some_and(|old| old.digest == entry.digest && old.size == entry.size);
        let staged = if same {
            None
        } else {
            let folder = path.rsplit_once('/').map_or("", |(f, _)| f);
            let staged = if self.folder(folder)? {
                self.note(&format!("file {path}"))?;
                temporary(&self.output.join(path))
            } else {
                // staged at the top until the file in the way is gone
                let spare = spare_name(path);
                self.note(&format!("spare {spare}"))?;
                self.note(&format!("file {path}"))?;
                self.output.join(spare)
            };
            let written = std::fs::File::create(&staged).and_then(|mut file| {
                file.write_all(bytes)?;
                // where the file system cannot be flushed as a whole, each
                // file is flushed before it is put in place
                if self.sync && cfg!(not(target_os = "linux")) {
                    file.sync_data()?;
                }
                Ok(())
            });
            if let Err(e) = written {
                // a full disk: what was written of it goes
                let _ = std::fs::remove_file(&staged);
                bail!("cannot write {}: {e}", staged.display());
            }
            if self.sync && bytes.len() >= EARLY_FLUSH {
                let at = staged.clone();
                let flush = std::thread::spawn(move || std::fs::File::open(&at)?.sync_data());
                locked(&self.early).push((staged.clone(), flush));
            }
            Some(staged)
        };
        locked(&self.planned).push(Planned { entry, staged });
        Ok(())
    }

    /// Puts every staged file in place, removes what the new build no
    /// longer makes, and writes the manifest. Returns the manifest. On an
    /// error the manifest records what was done, so the next build
    /// finishes the job.
    /// `makes` names every file of the new build: those not handed over
    /// with [`Self::put`] are kept as the output holds them.
    pub(crate) fn commit<'a>(
        mut self,
        inputs: String,
        makes: impl IntoIterator<Item = &'a String>,
    ) -> anyhow::Result<Manifest> {
        // the new files' bytes reach the disk before any rename does, so a
        // power loss leaves each file old or new, never empty (on an error
        // here, dropping `self` takes back what was staged)
        let staged_files: Vec<PathBuf> = locked(&self.planned)
            .iter()
            .filter_map(|p| p.staged.clone())
            .collect();
        if !staged_files.is_empty() {
            self.flush_files(&staged_files)?;
        }
        // from here on the journal stays until the manifest is written
        self.finished = true;
        let mut planned = std::mem::take(&mut *locked(&self.planned));
        let handed: HashSet<&str> = planned.iter().map(|p| p.entry.path.as_str()).collect();
        let kept: Vec<Planned> = makes
            .into_iter()
            .filter(|path| !handed.contains(path.as_str()))
            .filter_map(|path| self.old.get(path))
            .map(|entry| Planned {
                entry: entry.clone(),
                staged: None,
            })
            .collect();
        planned.extend(kept);
        let staged: Vec<(&Written, &Path)> = planned
            .iter()
            .filter_map(|p| Some((&p.entry, p.staged.as_deref()?)))
            .collect();
        let mut folders = self.old_folders.clone();
        folders.extend(std::mem::take(&mut locked(&self.folders).1));
        // a static file and a static folder that swapped places: the old
        // one goes first (rare; both are checked only where the manifest
        // says one of them stood)
        let mut failure = None;
        let listed_folders: HashSet<&str> = self.old.keys().flat_map(|p| ancestors(p)).collect();
        let produced: HashSet<&str> = planned.iter().map(|p| p.entry.path.as_str()).collect();
        let mut cleared = HashSet::new();
        for (entry, _) in &staged {
            let swapped = listed_folders.contains(entry.path.as_str())
                || ancestors(&entry.path).any(|f| self.old.contains_key(f));
            if swapped
                && let Err(err) = self.clear_way(&entry.path, &produced, &mut folders, &mut cleared)
            {
                failure.get_or_insert(err);
            }
        }
        // each staged file over its old one
        let placed: Vec<anyhow::Result<()>> = if failure.is_none() {
            on_io_threads(staged.len(), || {
                staged
                    .par_iter()
                    .map(|(entry, from)| self.place(entry, from))
                    .collect()
            })
        } else {
            Vec::new()
        };
        let mut now: HashMap<&str, &Written> = HashMap::new();
        for ((entry, _), result) in staged.iter().zip(placed) {
            match result {
                Ok(()) => {
                    now.insert(&entry.path, entry);
                }
                Err(err) => {
                    failure.get_or_insert(err);
                }
            }
        }
        // the files handed over unchanged stay as they are
        for p in planned.iter().filter(|p| p.staged.is_none()) {
            now.insert(&p.entry.path, &p.entry);
        }
        let mut files: Vec<Written> = Vec::new();
        if failure.is_none() {
            // what the new build no longer makes
            let gone: Vec<&Written> = self
                .old
                .values()
                .filter(|f| !now.contains_key(f.path.as_str()) && !cleared.contains(&f.path))
                .collect();
            let removed: Vec<(&Written, std::io::Result<()>)> = on_io_threads(gone.len(), || {
                gone.par_iter()
                    .map(|f| (*f, remove_file(&self.output.join(&f.path))))
                    .collect()
            });
            for (f, result) in removed {
                if let Err(e) = result {
                    failure.get_or_insert_with(|| {
                        anyhow::anyhow!(
                            "cannot remove {}, which the new build no longer makes: {e}",
                            self.output.join(&f.path).display()
                        )
                    });
                    files.push(f.clone());
                }
            }
            // folders it created that are left empty, deepest first
            let used: HashSet<&str> = now
                .keys()
                .flat_map(|p| ancestors(p))
                .chain(files.iter().flat_map(|f| ancestors(&f.path)))
                .collect();
            let unused: Vec<String> = folders
                .iter()
                .rev()
                .filter(|f| !used.contains(f.as_str()))
                .cloned()
                .collect();
            for folder in unused {
                match std::fs::remove_dir(self.output.join(&folder)) {
                    Ok(()) => {
                        folders.remove(&folder);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        folders.remove(&folder);
                    }
                    // something of someone else's is in it: it stays, and
                    // stays partnerbook's to remove once it is empty
                    Err(_) => {}
                }
            }
        } else {
            // a failed commit forgets nothing it had listed; what it did
            // not put in place is removed below
            for (path, f) in &self.old {
                if !now.contains_key(path.as_str()) {
                    files.push(f.clone());
                }
            }
            for (entry, from) in &staged {
                if !now.contains_key(entry.path.as_str()) {
                    let _ = remove_file(from);
                }
            }
        }
        files.extend(now.into_values().cloned());
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let manifest = Manifest {
            generator: "partnerbook".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            inputs: if failure.is_none() {
                inputs
            } else {
                String::new()
            },
            pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
            files,
            folders: Some(folders.into_iter().collect()),
        };
        // the renames reach the disk before the manifest that records them
        if !staged.is_empty() {
            let paths: Vec<&str> = staged.iter().map(|(e, _)| e.path.as_str()).collect();
            self.flush_folders(&paths)?;
        }
        self.write_manifest(&manifest)?;
        // the journal goes last: until the manifest is in place, it tells
        // the next build what this one may have changed
        drop(locked(&self.journal).take());
        remove_file(&self.output.join(JOURNAL))
            .with_context(|| format!("cannot remove {}", self.output.join(JOURNAL).display()))?;
        match failure {
            Some(err) => Err(err),
            None => Ok(manifest),
        }
    }

    /// Clears the way for `path` at the commit: files the manifest lists
    /// that stand where its folders must go, and, where a folder stands at
    /// `path` itself, the listed files the new build no longer makes in it
    /// and the folders partnerbook made that are then empty. Only what the
    /// new build no longer makes is removed; anything else stays in the way
    /// and the rename reports it.
    fn clear_way(
        &self,
        path: &str,
        now: &HashSet<&str>,
        folders: &mut BTreeSet<String>,
        cleared: &mut HashSet<String>,
    ) -> anyhow::Result<()> {
        let mut chain: Vec<&str> = ancestors(path).collect();
        chain.reverse();
        for f in chain {
            let at = self.output.join(f);
            if std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            if self.old.contains_key(f) && !now.contains(f) {
                remove_file(&at).with_context(|| format!("cannot remove {}", at.display()))?;
                cleared.insert(f.to_string());
            }
            self.note(&format!("folder {f}"))?;
            std::fs::create_dir(&at)
                .with_context(|| format!("cannot create the folder {}", at.display()))?;
            folders.insert(f.to_string());
        }
        let at = self.output.join(path);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
            let inside = format!("{path}/");
            for old in self.old.keys().filter(|p| p.starts_with(&inside)) {
                if !now.contains(old.as_str()) {
                    remove_file(&self.output.join(old))?;
                    cleared.insert(old.clone());
                }
            }
            let mine: Vec<String> = folders
                .iter()
                .filter(|f| *f == path || f.starts_with(&inside))
                .cloned()
                .collect();
            for folder in mine.iter().rev() {
                if std::fs::remove_dir(self.output.join(folder)).is_ok() {
                    folders.remove(folder);
                }
            }
        }
        Ok(())
    }

    /// Renames the file staged at `from` over `entry`.
    fn place(&self, entry: &Written, from: &Path) -> anyhow::Result<()> {
        let to = self.output.join(&entry.path);
        std::fs::rename(from, &to).map_err(|e| {
            anyhow::anyhow!("cannot replace {}: {e}{}", to.display(), replace_help(&to))
        })
    }

    fn write_manifest(&self, manifest: &Manifest) -> anyhow::Result<()> {
        let bytes = serde_json::to_vec(manifest)?;
        let path = self.output.join(MANIFEST);
        let temp = temporary(&path);
        let result = std::fs::File::create(&temp)
            .and_then(|mut f| {
                f.write_all(&bytes)?;
                if self.sync {
                    f.sync_all()?;
                }
                Ok(())
            })
            .and_then(|()| std::fs::rename(&temp, &path));
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result.with_context(|| format!("cannot write {}", path.display()))
    }

    /// Flushes the staged new bytes of `paths` to disk, unless
    /// `PARTNERBOOK_NO_SYNC` is set: file by file when they are few (so
    /// that the build does not wait for what other programs wrote), else
    /// the whole file system at once.
    fn flush_files(&self, staged: &[PathBuf]) -> anyhow::Result<()> {
        if !self.sync {
            return Ok(());
        }
        let early = std::mem::take(&mut *locked(&self.early));
        let mut flushed = HashSet::new();
        for (file, flush) in early {
            let result = flush
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the flush did not finish")));
            result.with_context(|| format!("cannot flush {}", file.display()))?;
            flushed.insert(file);
        }
        if staged.len() > FEW_TO_FLUSH {
            return self.flush_everything();
        }
        staged
            .par_iter()
            .filter(|file| !flushed.contains(*file))
            .try_for_each(|file| {
                std::fs::File::open(file)
                    .and_then(|f| f.sync_data())
                    .with_context(|| format!("cannot flush {}", file.display()))
            })
    }

    /// Flushes the renames of `paths` to disk: their folders one by one
    /// when they are few, else the whole file system at once.
    fn flush_folders(&self, paths: &[&str]) -> anyhow::Result<()> {
        if !self.sync {
            return Ok(());
        }
        if paths.len() > FEW_TO_FLUSH {
            return self.flush_everything();
        }
        // their folders, and the folders above, which may be new too
        let mut folders: BTreeSet<&str> = paths.iter().flat_map(|p| ancestors(p)).collect();
        folders.insert("");
        for folder in folders {
            let at = self.output.join(folder);
            // where a folder cannot be opened as a file, its renames are
            // flushed with the file system
            if let Ok(dir) = std::fs::File::open(&at) {
                dir.sync_all()
                    .with_context(|| format!("cannot flush {}", at.display()))?;
            }
        }
        Ok(())
    }

    fn flush_everything(&self) -> anyhow::Result<()> {
        sync_fs(&self.output).with_context(|| format!("cannot flush {}", self.output.display()))
    }
}

impl Drop for Publisher {
    /// A build that did not commit takes back everything it staged.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        for staged in locked(&self.planned)
            .iter()
            .filter_map(|p| p.staged.as_ref())
        {
            let _ = std::fs::remove_file(staged);
        }
        let folders = std::mem::take(&mut locked(&self.folders).1);
        for folder in folders.iter().rev() {
            let _ = std::fs::remove_dir(self.output.join(folder));
        }
        // an interrupted build's journal stays for the build that commits
        let opened = locked(&self.journal).take().is_some();
        if opened && !self.journal_found {
            let _ = std::fs::remove_file(self.output.join(JOURNAL));
        }
        if self.created_output {
            let _ = std::fs::remove_dir(&self.output);
        }
    }
}

/// How a file staged at the top of the output (its folder cannot be made
/// before the commit) is named: [`SPARE`] and a digest of its path.
fn spare_name(path: &str) -> String {
    format!(
        "{SPARE}{:016x}{TEMPORARY}",
        xxhash_rust::xxh3::xxh3_64(path.as_bytes())
    )
}

/// Flushes the file system holding `folder`.
#[cfg(target_os = "linux")]
fn sync_fs(folder: &Path) -> std::io::Result<()> {
    let dir = std::fs::File::open(folder)?;
    rustix::fs::syncfs(&dir).map_err(std::io::Error::from)
}

/// Elsewhere each file was flushed as it was written; the folder is
/// flushed where folders can be opened.
#[cfg(not(target_os = "linux"))]
fn sync_fs(folder: &Path) -> std::io::Result<()> {
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Why a file may not be replaceable, as a help line.
fn replace_help(path: &Path) -> String {
    if path.is_dir() {
        "\n  help: a folder stands where the site has a file; move it away and build again"
            .to_string()
    } else {
        "\n  help: the folder must be writable by the account that builds; ownership of the old file does not matter".to_string()
    }
}

fn remove_file(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// The folders leading to `path`, innermost first (not the root).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = path;
    std::iter::from_fn(move || {
        let (up, _) = rest.rsplit_once('/')?;
        rest = up;
        Some(up)
    })
}

/// Whether the file the manifest lists as `f` is on disk as listed: a file
/// of that size, not modified after the manifest was written.
fn intact(output: &Path, f: &Written, written_at: Option<std::time::SystemTime>) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(output.join(&f.path)) else {
        return false;
    };
    meta.is_file()
        && meta.len() == f.size
        && !f.digest.is_empty()
        && written_at.is_some_and(|w| meta.modified().is_ok_and(|m| m <= w))
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

    #[test]
    fn ancestors_are_innermost_first() {
        assert_eq!(
            ancestors("a/b/c.html").collect::<Vec<_>>(),
            vec!["a/b", "a"]
        );
        assert_eq!(ancestors("c.html").count(), 0);
    }
}
