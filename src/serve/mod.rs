//! `partnerbook serve`: the site built in memory, served over HTTP, and
//! rebuilt and reloaded whenever a file changes.
//!
//! The rebuild loop runs on the caller's thread: it owns the
//! [`session::Session`] and takes file events from `notify`. The HTTP
//! server (axum) runs on a tokio runtime of its own, reading what the loop
//! publishes in `http::Shared`; an open page costs it a websocket, not a
//! thread.

pub(crate) mod http;
pub mod session;
pub(crate) mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context as _;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::pipeline::BuildOptions;
use crate::term;
use http::Shared;
use session::{Session, Update};
use watch::{Inbox, Message, Watch, collect};

/// The port `serve` tries first.
pub(crate) const DEFAULT_PORT: u16 = 4411;

/// Where and how to serve.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    /// What to build.
    pub build: BuildOptions,
    /// The address to listen on.
    pub interface: IpAddr,
    /// The port the user asked for, or `None` for the first free one from
    /// [`DEFAULT_PORT`].
    pub port: Option<u16>,
    /// Whether to open a browser.
    pub open: bool,
    /// Whether to poll for changes instead of asking the system.
    pub poll: bool,
    /// The slug of the partner whose edition to serve instead of the site.
    pub partner: Option<String>,
}

/// Binds the listener: exactly `port` when given, else the first free port
/// from 4411.
pub(crate) fn bind(interface: IpAddr, port: Option<u16>) -> anyhow::Result<TcpListener> {
    match port {
        Some(port) => TcpListener::bind(SocketAddr::new(interface, port)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                anyhow::anyhow!(
                    "port {port} on {interface} is already in use\n  help: stop the program using it, pick another port with `-p`, or leave `-p` out to use the next free port from {DEFAULT_PORT}"
                )
            } else {
                anyhow::anyhow!("cannot listen on {interface} port {port}: {e}")
            }
        }),
        None => {
            let mut last = None;
            for port in DEFAULT_PORT..DEFAULT_PORT.saturating_add(100) {
                match TcpListener::bind(SocketAddr::new(interface, port)) {
                    Ok(listener) => return Ok(listener),
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
                    Err(e) => return Err(e).with_context(|| format!("cannot listen on {interface} port {port}")),
                }
            }
            Err(anyhow::anyhow!(
                "ports {DEFAULT_PORT} to {} on {interface} are all in use ({})\n  help: pick a free port with `-p`",
                DEFAULT_PORT + 99,
                last.map_or_else(String::new, |e| e.to_string())
            ))
        }
    }
}

/// Serves the site until Ctrl-C.
pub(crate) fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let listener = bind(opts.interface, opts.port)?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("partnerbook-http")
        .build()
        .context("cannot start the HTTP server")?;
    listener
        .set_nonblocking(true)
        .context("cannot start the HTTP server")?;
    let listener = {
        let _runtime = runtime.enter();
        tokio::net::TcpListener::from_std(listener).context("cannot start the HTTP server")?
    };
    let (tx, rx) = mpsc::channel();
    let inbox = Inbox::new(rx);
    {
        let tx = tx.clone();
        ctrlc::set_handler(move || {
            let _ = tx.send(Message::Stop);
        })
        .context("cannot handle Ctrl-C")?;
    }
    let root = opts.build.root.clone();
    let mut watcher = Watch::new(&root, tx, opts.poll)?;

    let started = Instant::now();
    let (mut session, update) = match &opts.partner {
        Some(slug) => Session::open_edition(opts.build.clone(), slug),
        None => Session::open(opts.build.clone()),
    };
    // a slug that is wrong from the start is a typo on the command line,
    // as for `build --partner`; one that goes away later is shown on the
    // pages, like any error
    if let Some(message) = &update.no_edition {
        anyhow::bail!("{message}");
    }
    watcher.watch_theme(&session.site().config.theme);
    let shared = Arc::new(Shared::default());
    let mut rebuilds = Rebuilds {
        shared: Arc::clone(&shared),
        was_failed: false,
        inbox,
    };
    rebuilds.apply(&mut session, update, started, "");

    runtime.spawn(http::serve(listener, Arc::clone(&shared)));
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}{}", addr.port(), mount_of(&session));
    // the address is serve's output: a script may read it
    let _ = term::print(format!("serving {url} (press Ctrl-C to stop)\n"));
    if !opts.interface.is_loopback() {
        term::status(&format!(
            "warning: listening on {}, so other machines can read the site",
            opts.interface
        ));
    }
    if opts.open {
        open_browser(&url);
    }

    while let Some(changed) = collect(&mut rebuilds.inbox, &mut watcher) {
        if !session.relevant(&changed) && !session.has_pending() {
            continue;
        }
        let started = Instant::now();
        let theme = session.site().config.theme.clone();
        let what = describe(&root, &changed);
        let update = session.update(&changed);
        if session.site().config.theme != theme {
            watcher.watch_theme(&session.site().config.theme);
        }
        rebuilds.apply(&mut session, update, started, &what);
    }
    // open pages lose their socket, and reload when serve is back
    runtime.shutdown_background();
    term::status("stopped; nothing was written");
    Ok(())
}

/// The rebuild loop's state.
struct Rebuilds {
    shared: Arc<Shared>,
    /// Whether the pages show diagnostics.
    was_failed: bool,
    inbox: Inbox,
}

impl Rebuilds {
    /// Prints the update's diagnostics, renders it phase by phase, publishes
    /// each phase and tells open pages to reload.
    fn apply(&mut self, session: &mut Session, mut update: Update, started: Instant, what: &str) {
        let shared = &*self.shared;
        let was_failed = &mut self.was_failed;
        let inbox = &mut self.inbox;
        shared.set_mount(mount_of(session));
        if update.failed() {
            term::diagnostics(&update.diagnostics, crate::cli::Format::Human);
            fail(
                shared,
                &update.diagnostics,
                update.no_edition.as_deref(),
                was_failed,
            );
            return;
        }
        let mut pages = 0;
        // after a failed build every page reloads once, at the end
        let recovering = *was_failed;
        // the warnings are written once the pages are out: thousands of
        // them (a version-1 site of 10,000 partners has 8,000) took longer
        // to write than the edited page took to render and reload
        let warnings = std::mem::take(&mut update.diagnostics);
        let result = session.render(
            update,
            |files, gone| {
                pages += files.iter().filter(|f| f.path.ends_with(".html")).count();
                publish(shared, files, gone, !recovering);
            },
            // the next save is already here: its rebuild renders the rest
            || inbox.waiting(),
        );
        term::diagnostics(&warnings, crate::cli::Format::Human);
        if let Err(errors) = result {
            term::diagnostics(&errors, crate::cli::Format::Human);
            fail(shared, session.diagnostics(), None, was_failed);
            return;
        }
        shared.recover();
        if std::mem::take(was_failed) {
            shared.reload(&[], true);
        }
        let warnings = session
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        let (partners, playbooks) = session.counts();
        term::status(&format!(
            "{}{} ({}, {}) with {} in {} ms",
            if what.is_empty() {
                String::new()
            } else {
                format!("{what}: ")
            },
            if what.is_empty() {
                format!("built {}", diagnostic::plural(pages, "page"))
            } else {
                format!("rendered {}", diagnostic::plural(pages, "page"))
            },
            diagnostic::plural(partners, "partner"),
            diagnostic::plural(playbooks, "playbook"),
            diagnostic::plural(warnings, "warning"),
            started.elapsed().as_millis()
        ));
    }
}

/// Shows `diagnostics` on every page, over the last good build if there
/// is one, and `no_edition`, the error of an edition whose partner is
/// gone, after them.
fn fail(
    shared: &Shared,
    diagnostics: &[Diagnostic],
    no_edition: Option<&str>,
    was_failed: &mut bool,
) {
    let mut text: String = diagnostics
        .iter()
        .map(|d| format!("{}\n\n", d.to_human(false)))
        .collect();
    let mut summary = diagnostic::count_summary(diagnostics);
    let mut count = diagnostics.len();
    if let Some(message) = no_edition {
        let error = anyhow::anyhow!("{message}");
        term::error(&error);
        text.push_str(&format!("error: {message}\n\n"));
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        summary = format!(
            "{}, {}",
            diagnostic::plural(errors + 1, "error"),
            diagnostic::plural(diagnostics.len() - errors, "warning")
        );
        count += 1;
    }
    if shared.has_good_build() {
        term::status(&format!(
            "build failed: {summary}; still serving the last good build"
        ));
    } else {
        term::status(&format!(
            "build failed: {summary}; the site is served once they are fixed"
        ));
    }
    shared.fail(&http::Report {
        text,
        summary,
        count,
    });
    *was_failed = true;
    shared.reload(&[], true);
}

/// Puts rendered files in place, takes down the files in `gone`, and then
/// tells the pages that changed to reload, if `tell`.
fn publish(shared: &Shared, files: Vec<crate::render::OutputFile>, gone: &[String], tell: bool) {
    let changed = shared.publish(files, gone);
    if tell && !changed.is_empty() {
        shared.reload(&changed, false);
    }
}

/// base_url's path, where the site is mounted; a partner's edition, which
/// has no base_url (it is sent away, and links relatively), at `/`.
fn mount_of(session: &Session) -> String {
    if session.is_edition() {
        return "/".to_string();
    }
    session.site().config.base_path().unwrap_or("/").to_string()
}

/// "content/partners/x.yaml" or "3 files".
fn describe(root: &Path, changed: &[PathBuf]) -> String {
    match changed {
        [one] => one
            .strip_prefix(root)
            .map_or_else(|_| one.display().to_string(), |p| p.display().to_string()),
        many => format!("{} changes", many.len()),
    }
}

fn open_browser(url: &str) {
    if let Err(e) = open::that_detached(url) {
        term::status(&format!(
            "warning: cannot open a browser ({e}); open {url} yourself"
        ));
    }
}
