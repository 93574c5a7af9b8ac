//! What `serve` watches: the site's folders, as they come, go and come
//! back, and the burst of events one save or checkout makes, gathered into
//! one rebuild.
//!
//! A folder is watched by path. When it is deleted or renamed away, its
//! watch dies with it (inotify watches a folder, not a name), so every event
//! that names one of the watched folders renews its watch, and the folders
//! below it, whose fate nobody reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use notify::RecursiveMode;
use notify::event::{EventKind, ModifyKind};

use crate::term;

/// How long the file events of one save may take: editors that write a
/// temporary file and rename it over the original send several events
/// within a millisecond or two.
const QUIET: Duration = Duration::from_millis(10);

/// How long a burst of many events (a copy, a checkout, an export script)
/// may pause: a program writing hundreds of files can be held up longer
/// than a save takes. Polling uses it for every burst, since one look
/// reports its changes while it reads the files, one by one.
const SETTLE: Duration = Duration::from_millis(100);

/// More changed paths than this make a burst of many: one save touches
/// one to three (the file, its temporary copy, a backup).
const FEW: usize = 8;

/// The longest a burst is gathered, however long its events keep coming,
/// before rebuilding.
const BURST: Duration = Duration::from_secs(3);

/// How often `--poll` looks at the files.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How long `--poll` looks again at a file after it changed (see
/// [`Recent`]): a save can only share a whole second of modification time
/// with the one before while that second lasts (two on FAT), and the poll
/// watcher reports a change up to [`POLL_INTERVAL`] after it.
const RECENT: Duration = Duration::from_secs(3);

/// A git index lock younger than this belongs to a git command at work;
/// an older one was left behind by a git that crashed.
const LOCK_FRESH: Duration = Duration::from_secs(10);

/// The site's folders watched as they come and go, below the root: the
/// parent of each is in the list too (or is the root), so that its watch
/// sees the folder appear.
const FOLDERS: [(&str, RecursiveMode); 4] = [
    ("content", RecursiveMode::Recursive),
    ("templates", RecursiveMode::Recursive),
    ("static", RecursiveMode::Recursive),
    // only to see themes come and go: the configuration names one
    ("themes", RecursiveMode::NonRecursive),
];

/// What the rebuild loop is told.
#[derive(Debug)]
pub(crate) enum Message {
    /// These paths changed.
    Changed(Vec<PathBuf>),
    /// The watcher failed.
    WatchError(String),
    /// Ctrl-C: stop.
    Stop,
}

/// The rebuild loop's messages, with a look ahead: a rebuild asks whether
/// more changes are already waiting, to put off work they would redo.
pub(crate) struct Inbox {
    rx: Receiver<Message>,
    early: std::collections::VecDeque<Message>,
}

impl Inbox {
    /// An inbox reading `rx`.
    pub(crate) fn new(rx: Receiver<Message>) -> Inbox {
        Inbox {
            rx,
            early: std::collections::VecDeque::new(),
        }
    }

    fn recv(&mut self) -> Option<Message> {
        self.early.pop_front().or_else(|| self.rx.recv().ok())
    }

    fn recv_timeout(&mut self, wait: Duration) -> Result<Message, RecvTimeoutError> {
        match self.early.pop_front() {
            Some(m) => Ok(m),
            None => self.rx.recv_timeout(wait),
        }
    }

    /// Whether a change (or Ctrl-C) is waiting.
    pub(crate) fn waiting(&mut self) -> bool {
        self.early.extend(self.rx.try_iter());
        self.early
            .iter()
            .any(|m| matches!(m, Message::Changed(_) | Message::Stop))
    }
}

/// Waits for the next burst of changes: returns when no event came for a
/// while ([`QUIET`], or [`SETTLE`] for many events) and git is not in the
/// middle of a checkout, or after [`BURST`]; `None` on Ctrl-C.
pub(crate) fn collect(inbox: &mut Inbox, watcher: &mut Watch) -> Option<Vec<PathBuf>> {
    let mut changed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut first: Option<Instant> = None;
    // whether git was seen at work during this burst
    let mut git = false;
    loop {
        let message = match first {
            None => inbox.recv()?,
            Some(at) if at.elapsed() >= BURST => return Some(changed),
            Some(at) => {
                let quiet = watcher.quiet(changed.len(), git);
                match inbox.recv_timeout(BURST.saturating_sub(at.elapsed()).min(quiet)) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => {
                        // a checkout rewrites files for as long as it holds
                        // the lock: its pauses are not the end of it
                        if watcher.git_busy() {
                            git = true;
                            continue;
                        }
                        return Some(changed);
                    }
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
        };
        match message {
            Message::Stop => return None,
            Message::WatchError(e) => term::status(&format!("warning: watching files: {e}")),
            Message::Changed(paths) => {
                for path in paths {
                    watcher.noticed(&path);
                    if seen.insert(path.clone()) {
                        changed.push(path);
                    }
                }
                first.get_or_insert_with(Instant::now);
                // polling may look while git is halfway through
                git = git || watcher.git_busy();
            }
        }
    }
}

/// A folder watched as it comes and goes.
struct Spot {
    path: PathBuf,
    mode: RecursiveMode,
    /// Whether a watch was set up for it (it may have died since).
    watched: bool,
}

/// The file watcher: the site's folders, followed as they come and go.
pub(crate) struct Watch {
    watcher: Box<dyn notify::Watcher>,
    root: PathBuf,
    /// The site's folders, then the theme's.
    spots: Vec<Spot>,
    /// The theme whose folders are watched.
    theme: Option<String>,
    /// Where to report the folders of a theme watched too late.
    tx: mpsc::Sender<Message>,
    /// The index lock of the git repository holding the site, if any.
    git_lock: Option<PathBuf>,
    /// Whether the files are polled.
    poll: bool,
    /// With `--poll`, the files changed in the last seconds, looked at
    /// again by a thread of their own while this lives.
    _recent: Option<Arc<Recent>>,
}

impl Watch {
    /// Watches the site at `root`, sending what changes to `tx`; `poll`
    /// reads the files every [`POLL_INTERVAL`] instead of asking the
    /// system.
    pub(crate) fn new(root: &Path, tx: mpsc::Sender<Message>, poll: bool) -> anyhow::Result<Watch> {
        let events = tx.clone();
        let all = [root.join(crate::config::FILE_NAME), root.join("themes")]
            .into_iter()
            .chain(FOLDERS.iter().map(|(dir, _)| root.join(dir)))
            .collect::<Vec<_>>();
        let recent = poll.then(|| Recent::start(tx.clone()));
        let tracked = recent.clone();
        let handler = move |event: notify::Result<notify::Event>| {
            if let (Some(recent), Ok(event)) = (&tracked, &event) {
                event.paths.iter().for_each(|p| recent.track(p));
            }
            if let Some(message) = message(event, &all) {
                let _ = events.send(message);
            }
        };
        let watcher: Box<dyn notify::Watcher> = match &recent {
            Some(recent) => {
                // comparing contents too would read every file at every
                // look: [`Recent`] covers what times alone miss, for much
                // less
                let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
                let recent = Arc::clone(recent);
                let scanned = move |path: notify::Result<PathBuf>| {
                    if let Ok(path) = path {
                        recent.track(&path);
                    }
                };
                Box::new(
                    notify::PollWatcher::with_initial_scan(handler, config, scanned)
                        .context("cannot poll the site's files")?,
                )
            }
            None => Box::new(
                notify::recommended_watcher(handler).context("cannot watch the site's files")?,
            ),
        };
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            spots: FOLDERS
                .iter()
                .map(|&(dir, mode)| Spot {
                    path: root.join(dir),
                    mode,
                    watched: false,
                })
                .collect(),
            theme: None,
            tx,
            git_lock: git_lock(root),
            poll,
            _recent: recent,
        };
        // the root itself, not recursively: partnerbook.yaml, and the
        // folders as they come and go
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        watch.renew(root);
        Ok(watch)
    }

    /// Watches the folders of the theme the site uses: themes/<theme>/,
    /// and its templates/ and static/.
    pub(crate) fn watch_theme(&mut self, theme: &str) {
        if self.theme.as_deref() == Some(theme) {
            return;
        }
        let themes = self.root.join("themes");
        for spot in &self.spots {
            if spot.watched && spot.path.starts_with(&themes) && spot.path != themes {
                let _ = self.watcher.unwatch(&spot.path);
            }
        }
        self.spots
            .retain(|s| !s.path.starts_with(&themes) || s.path == themes);
        let dir = themes.join(theme);
        let new = [
            (dir.clone(), RecursiveMode::NonRecursive),
            (dir.join("templates"), RecursiveMode::Recursive),
            (dir.join("static"), RecursiveMode::Recursive),
        ];
        self.spots.extend(new.iter().map(|(path, mode)| Spot {
            path: path.clone(),
            mode: *mode,
            watched: false,
        }));
        self.renew(&dir);
        // the rebuild that switched themes read the new one before it was
        // watched: what changed in between (a theme still being copied in)
        // is read on the next
        if self.theme.replace(theme.to_string()).is_some() {
            let read = new.into_iter().skip(1).map(|(p, _)| p).collect();
            let _ = self.tx.send(Message::Changed(read));
        }
    }

    /// Follows a change to `path`: when it is one of the watched folders,
    /// that folder (created, deleted, renamed away or back) is watched
    /// again, with every folder below it.
    fn noticed(&mut self, path: &Path) {
        if self.spots.iter().any(|s| s.path == path) {
            self.renew(path);
        }
    }

    /// Watches again each folder at or below `top` that exists now, and
    /// drops the watch of each that is gone.
    fn renew(&mut self, top: &Path) {
        let watcher = &mut self.watcher;
        for spot in self.spots.iter_mut().filter(|s| s.path.starts_with(top)) {
            if std::mem::take(&mut spot.watched) {
                // it may be dead already: then there is nothing to drop
                let _ = watcher.unwatch(&spot.path);
            }
            if !spot.path.is_dir() {
                continue;
            }
            match watcher.watch(&spot.path, spot.mode) {
                Ok(()) => spot.watched = true,
                Err(e) => {
                    term::status(&format!(
                        "warning: cannot watch {}: {e}",
                        spot.path.display()
                    ));
                }
            }
        }
    }

    /// How long a burst of `paths` changed paths may pause before it is
    /// over; `git` when git was at work during it.
    fn quiet(&self, paths: usize, git: bool) -> Duration {
        match (self.poll, git) {
            // the files git wrote last show up at the next look
            (true, true) => POLL_INTERVAL + SETTLE,
            (true, false) => SETTLE,
            (false, _) if paths > FEW => SETTLE,
            (false, _) => QUIET,
        }
    }

    /// Whether git is rewriting the site's files now (a checkout, a
    /// merge, a reset): it holds the index lock while it does.
    fn git_busy(&self) -> bool {
        let Some(lock) = &self.git_lock else {
            return false;
        };
        let Ok(modified) = lock.metadata().and_then(|m| m.modified()) else {
            return false;
        };
        // a time in the future is a clock that moved: count it as fresh
        modified.elapsed().map_or(true, |age| age < LOCK_FRESH)
    }
}

/// With `--poll`, the files changed in the last [`RECENT`], looked at
/// again at every [`POLL_INTERVAL`]. notify's poll watcher compares
/// modification times to the whole second, so it misses a second save made
/// within the same second as the one it saw (an editor that formats after
/// saving, a script). Reading every file's contents at every look would
/// catch that, but costs about five times the CPU on a large site (and the
/// reads are slow on the network shares `--poll` is for); only a file
/// changed in the last seconds can be hit, so only those are looked at
/// again, in full precision.
struct Recent {
    /// Each file, as it was last seen, and when.
    files: Mutex<HashMap<PathBuf, (Stamp, Instant)>>,
}

/// What a look at a file compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: SystemTime,
    len: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        meta.is_file().then_some(Stamp {
            modified: meta.modified().ok()?,
            len: meta.len(),
        })
    }

    /// Whether the file changed recently enough for another save to share
    /// its second.
    fn is_recent(&self) -> bool {
        // a time in the future is a clock that moved: count it as recent
        self.modified.elapsed().map_or(true, |age| age < RECENT)
    }

    /// The whole seconds notify's poll watcher compares.
    fn seconds(&self) -> u64 {
        self.modified
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

impl Recent {
    /// Starts looking again at recent files, sending what changed to
    /// `tx`, until the returned value is dropped.
    fn start(tx: mpsc::Sender<Message>) -> Arc<Recent> {
        let recent = Arc::new(Recent {
            files: Mutex::new(HashMap::new()),
        });
        let weak: Weak<Recent> = Arc::downgrade(&recent);
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(POLL_INTERVAL);
                let Some(recent) = weak.upgrade() else {
                    return;
                };
                let changed = recent.check();
                if !changed.is_empty() && tx.send(Message::Changed(changed)).is_err() {
                    return;
                }
            }
        });
        recent
    }

    /// Notes `path` as it is now, if it is a file changed recently.
    fn track(&self, path: &Path) {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        match Stamp::of(path) {
            Some(stamp) if stamp.is_recent() => {
                files.insert(path.to_path_buf(), (stamp, Instant::now()));
            }
            _ => {
                files.remove(path);
            }
        }
    }

    /// The recent files changed since they were noted in a way the poll
    /// watcher cannot see (within the same second, or back in time); the
    /// others it reports itself. Forgets the files no longer recent.
    fn check(&self) -> Vec<PathBuf> {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        let mut changed = Vec::new();
        files.retain(|path, (old, seen)| {
            let Some(now) = Stamp::of(path) else {
                return false; // gone: the poll watcher reports that
            };
            if now != *old && now.seconds() <= old.seconds() {
                changed.push(path.clone());
                *seen = Instant::now();
            }
            *old = now;
            seen.elapsed() < RECENT
        });
        changed
    }
}

/// What the rebuild loop is told about `event`, if anything. `all` are the
/// paths that stand for the whole site.
fn message(event: notify::Result<notify::Event>, all: &[PathBuf]) -> Option<Message> {
    match event {
        // the system dropped events (too many at once): read everything
        Ok(event) if event.need_rescan() => Some(Message::Changed(all.to_vec())),
        Ok(event) if event.kind.is_access() => None,
        // a folder's times change whenever an entry comes or goes, and
        // the entry is reported itself; but for the site's own folders it
        // is also all that polling sees of one deleted and copied back
        // between two looks
        Ok(event)
            if matches!(
                event.kind,
                EventKind::Modify(ModifyKind::Metadata(_) | ModifyKind::Data(_))
            ) && event.paths.iter().all(|p| p.is_dir() && !all.contains(p)) =>
        {
            None
        }
        Ok(event) => Some(Message::Changed(event.paths)),
        // polling found a folder gone: a change like any other
        Err(e) if is_gone(&e) && !e.paths.is_empty() => Some(Message::Changed(e.paths)),
        Err(e) => Some(Message::WatchError(e.to_string())),
    }
}

/// Whether `e` says that a path does not exist (any more).
fn is_gone(e: &notify::Error) -> bool {
    match &e.kind {
        notify::ErrorKind::PathNotFound => true,
        notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

/// The index lock of the git repository that holds `root`, if it is in
/// one: `.git/index.lock`, or for a linked worktree, the lock in the
/// folder its `.git` file names.
fn git_lock(root: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    for dir in root.ancestors() {
        let dot_git = dir.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git.join("index.lock"));
        }
        if dot_git.is_file() {
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let git_dir = text.trim().strip_prefix("gitdir:")?.trim();
            return Some(dir.join(git_dir).join("index.lock"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_git_lock_is_found_from_a_folder_below_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("docs/site")).unwrap();
        assert_eq!(
            git_lock(&repo.join("docs/site")),
            Some(repo.join(".git/index.lock"))
        );
    }

    #[test]
    fn a_linked_worktree_has_its_lock_where_its_git_file_points() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("wt")).unwrap();
        std::fs::write(base.join("wt/.git"), "gitdir: ../main/.git/worktrees/wt\n").unwrap();
        assert_eq!(
            git_lock(&base.join("wt")),
            Some(base.join("wt/../main/.git/worktrees/wt/index.lock"))
        );
    }

    #[test]
    fn a_second_save_within_the_same_second_is_found_and_later_ones_left_to_notify() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.yaml");
        let now = SystemTime::now();
        let below = now.duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let second = now - Duration::from_nanos(below.into());
        let save = |text: &str, at: SystemTime| {
            std::fs::write(&path, text).unwrap();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(at)
                .unwrap();
        };
        save("one", second + Duration::from_millis(100));
        let recent = Recent {
            files: Mutex::new(HashMap::new()),
        };
        recent.track(&path);
        assert!(recent.check().is_empty(), "nothing changed yet");
        // the same length and second: only the time below the second differs
        save("two", second + Duration::from_millis(600));
        assert_eq!(recent.check(), vec![path.clone()]);
        assert!(recent.check().is_empty(), "reported once");
        // a later second: notify's poll watcher sees that itself
        save("three", second + Duration::from_millis(1200));
        assert!(recent.check().is_empty());
        // a file not changed for an hour is not noted
        save("old", now - Duration::from_secs(3600));
        recent.track(&path);
        assert!(recent.files.lock().unwrap().is_empty());
    }
}
