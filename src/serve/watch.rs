//! What `serve` watches: the site's folders, added as they appear, and the
//! burst of events one save or checkout makes, gathered into one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::{RecursiveMode, Watcher as _};

use crate::term;

/// How long the file events of one save may take: editors that write a
/// temporary file and rename it over the original send several events
/// within a millisecond or two.
const QUIET: Duration = Duration::from_millis(10);

/// The longest a burst of events (a `git checkout`, say) is collected
/// before rebuilding.
const BURST: Duration = Duration::from_millis(250);

/// What the rebuild loop is told.
#[derive(Debug)]
pub enum Message {
    /// These paths changed.
    Changed(Vec<PathBuf>),
    /// The watcher failed.
    WatchError(String),
    /// Ctrl-C: stop.
    Stop,
}

/// The rebuild loop's messages, with a look ahead: a rebuild asks whether
/// more changes are already waiting, to put off work they would redo.
pub struct Inbox {
    rx: Receiver<Message>,
    early: std::collections::VecDeque<Message>,
}

impl Inbox {
    /// An inbox reading `rx`.
    pub fn new(rx: Receiver<Message>) -> Inbox {
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
    pub fn waiting(&mut self) -> bool {
        self.early.extend(self.rx.try_iter());
        self.early
            .iter()
            .any(|m| matches!(m, Message::Changed(_) | Message::Stop))
    }
}

/// Waits for the next burst of changes: returns when no event came for
/// [`QUIET`] (or after [`BURST`]); `None` on Ctrl-C.
pub fn collect(inbox: &mut Inbox, watcher: &mut Watch) -> Option<Vec<PathBuf>> {
    let mut changed = Vec::new();
    let mut first: Option<Instant> = None;
    loop {
        let message = match first {
            None => inbox.recv()?,
            Some(at) => {
                let left = BURST.saturating_sub(at.elapsed()).min(QUIET);
                match inbox.recv_timeout(left) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => return Some(changed),
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
                    if !changed.contains(&path) {
                        changed.push(path);
                    }
                }
                first.get_or_insert_with(Instant::now);
            }
        }
    }
}

/// The file watcher: the site's folders, added as they appear.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watch {
    /// Watches the site at `root`, sending what changes to `tx`; `poll`
    /// reads the files every second instead of asking the system.
    pub fn new(root: &Path, tx: mpsc::Sender<Message>, poll: bool) -> anyhow::Result<Watch> {
        let _ = poll;
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let message = match event {
                Ok(event) if event.kind.is_access() => return,
                Ok(event) => Message::Changed(event.paths),
                Err(e) => Message::WatchError(e.to_string()),
            };
            let _ = tx.send(message);
        })
        .context("cannot watch the site's files")?;
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        // the root itself, not recursively: partnerbook.yaml, and folders
        // that appear later
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        for dir in ["content", "templates", "static"] {
            watch.add(&root.join(dir));
        }
        Ok(watch)
    }

    /// Watches the theme's folder too.
    pub fn watch_theme(&mut self, theme: &str) {
        self.add(&self.root.join("themes").join(theme));
    }

    /// Starts watching a folder of the site that was just created.
    fn noticed(&mut self, path: &Path) {
        let top = ["content", "templates", "static"]
            .iter()
            .any(|d| path == self.root.join(d));
        let themes = path.starts_with(self.root.join("themes"));
        if (top || themes) && path.is_dir() {
            self.add(path);
        }
    }

    fn add(&mut self, dir: &Path) {
        if !dir.is_dir() || self.watched.iter().any(|w| dir.starts_with(w)) {
            return;
        }
        match self.watcher.watch(dir, RecursiveMode::Recursive) {
            Ok(()) => self.watched.push(dir.to_path_buf()),
            Err(e) => term::status(&format!("warning: cannot watch {}: {e}", dir.display())),
        }
    }
}
