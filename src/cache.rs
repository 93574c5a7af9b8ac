//! The build cache: what `build` keeps between runs so that a rebuild
//! after a small edit does not redo work for the records that did not
//! change. It lives in `.partnerbook-cache/` at the site root, ignores
//! itself for git, and is safe to delete at any time: a missing,
//! unreadable or outdated cache only makes the next build slower. Each
//! entry carries the key of what it was made from (see
//! [`crate::render::plan`]), which holds the version of partnerbook, the
//! configuration and the theme, so a cache that does not match them is
//! never used.

use std::path::{Path, PathBuf};

/// The cache folder's name at the site root.
pub(crate) const FOLDER: &str = ".partnerbook-cache";

/// The name of the index of each partner's part of partners.json and the
/// search index in the output folder `output` (one per output folder: the
/// parts are read back from the files published there).
pub(crate) fn feeds_index(output: &Path) -> String {
    let id = xxhash_rust::xxh3::xxh3_64(output.as_os_str().as_encoded_bytes());
    format!("feeds-{id:016x}.idx")
}

/// The path of the cache file `name` of the site at `root`.
pub(crate) fn file(root: &Path, name: &str) -> PathBuf {
    root.join(FOLDER).join(name)
}

/// Writes the cache file `file` with `write`, creating the folder (with a
/// `.gitignore` that ignores it) first. A cache that cannot be written is
/// left out: the build it would speed up has already succeeded.
pub(crate) fn save(file: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) {
    let Some(folder) = file.parent() else {
        return;
    };
    if !folder.is_dir() {
        if std::fs::create_dir(folder).is_err() {
            return;
        }
        let _ = std::fs::write(
            folder.join(".gitignore"),
            "# partnerbook's build cache: safe to delete, never committed\n*\n",
        );
    }
    let _ = write(file);
}
