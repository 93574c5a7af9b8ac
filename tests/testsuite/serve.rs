//! `partnerbook serve`: incremental rebuilds agree with fresh builds, and
//! the real binary over real HTTP on an ephemeral port.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use partnerbook::pipeline::{self, BuildOptions};
use partnerbook::render::{self, OutputFile};
use partnerbook::serve::session::Session;

use tungstenite::client::IntoClientRequest as _;

use crate::support::{Scratch, TODAY_EPOCH, fixture};

// ---------------------------------------------------------------------------
// incremental rebuilds

/// What a fresh `build` of the site would give: its diagnostics as the
/// terminal shows them, and its files when it has no errors.
fn fresh(opts: &BuildOptions) -> (Vec<String>, Option<BTreeMap<String, Vec<u8>>>) {
    let loaded = pipeline::load(opts);
    let text = loaded
        .diagnostics
        .iter()
        .map(|d| d.to_human(false))
        .collect();
    if loaded.has_errors() {
        return (text, None);
    }
    let theme = render::load_theme(&loaded.site).expect("the theme loads");
    let files = render::render(&loaded.site, &theme, opts.today).expect("the site renders");
    (
        text,
        Some(files.into_iter().map(|f| (f.path, f.bytes)).collect()),
    )
}

/// The files `serve` holds, updated the way the server updates them.
fn publish(served: &mut BTreeMap<String, Vec<u8>>, files: Vec<OutputFile>, gone: &[String]) {
    served.extend(files.into_iter().map(|f| (f.path, f.bytes)));
    for path in gone {
        served.remove(path);
    }
}

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.canonicalize().unwrap(),
        drafts: false,
        deny_warnings: false,
        base_url: None,
        today: jiff::civil::date(2026, 11, 22),
    }
}

/// Files to write (`None` deletes), by path below the root.
type Writes<'a> = Vec<(&'a str, Option<String>)>;

#[test]
fn every_incremental_rebuild_matches_a_fresh_build() {
    let s = Scratch::example();
    let opts = options(&s.site());
    let root = opts.root.clone();
    let root = &root;
    let (mut session, update) = Session::open(opts.clone());
    let mut served = BTreeMap::new();
    render_all(&mut session, update, &mut served);
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let fathom = "content/partners/fathom-security.yaml";
    let playbook = "content/playbooks/first-call.md";
    let original = read(fathom);
    // each step: a description, the files it writes (None deletes)
    let benefit = "  partner_benefit: >-\n    Fathom gets a new risk-review module";
    assert!(original.contains(benefit));
    let reworded = original.replace(
        benefit,
        "  partner_benefit: >-\n    Fathom gains a priced module",
    );
    let renamed = reworded.replace("name: Fathom Security Services", "name: Aardvark Fathom");
    let moved = renamed.replace("tier: tactical", "tier: casual");
    let broken = original.replace("  partner_benefit: >-", "  partner_benefits: >-");
    let fixed = original.replace(
        "name: Fathom Security Services",
        "name: Fathom Security Group",
    );
    let pb = read(playbook);
    let retitled = pb
        .replace("title: Before the first call", "title: Zz first call")
        .replace("tiers: [strategic, tactical, casual]", "tiers: [casual]");
    let unnamed = retitled.replace(
        "partners: [kestrel-systems, harbor-finch-advisory, fathom-security]",
        "partners: [kestrel-systems]",
    );
    let config = read("partnerbook.yaml");
    assert!(config.contains("title:"));
    // each step: a description, the files it writes (None deletes)
    let steps: Vec<(&str, Writes)> = vec![
        ("a benefit reworded", vec![(fathom, Some(reworded))]),
        ("the name changed (the lists re-sort)", vec![(fathom, Some(renamed))]),
        ("the tier changed", vec![(fathom, Some(moved))]),
        ("the benefit removed: an error", vec![(fathom, Some(broken))]),
        ("fixed, and renamed again", vec![(fathom, Some(fixed))]),
        ("a playbook retitled and moved to another tier", vec![(playbook, Some(retitled))]),
        ("two files at once", vec![(fathom, Some(original.clone())), (playbook, Some(unnamed))]),
        ("a partner added", vec![("content/partners/zephyr-labs.yaml", Some(original.replace("name: Fathom Security Services", "name: Zephyr Labs")))]),
        ("a partner removed", vec![("content/partners/zephyr-labs.yaml", None)]),
        ("a broken link", vec![(playbook, Some(format!("{pb}\nSee [nowhere](@/partners/nobody).\n")))]),
        ("the link mended", vec![(playbook, Some(pb.clone()))]),
        ("a template overridden", vec![("templates/404.html", Some("<!DOCTYPE html><html lang=\"en\"><title>Lost</title><p>Lost in {{ site.title }}</p></html>".to_string()))]),
        ("a static file added", vec![("static/extra.css", Some("p { color: red }".to_string()))]),
        ("the configuration changed", vec![("partnerbook.yaml", Some(config.replacen("title:", "title: Renamed site\nold_title:", 1).replace("old_title:", "#")))]),
        (
            "a third strategic partner: the tier is over capacity",
            vec![(fathom, Some(original.replace("tier: tactical", "tier: strategic")))],
        ),
        ("back under capacity", vec![(fathom, Some(original.clone()))]),
        ("a draft flag", vec![(fathom, Some(format!("draft: true\n{original}")))]),
        ("the draft published again", vec![(fathom, Some(original.clone()))]),
        ("an editor's swap file", vec![("content/partners/.fathom-security.yaml.swp", Some("junk".to_string()))]),
    ];
    for (what, writes) in steps {
        let update = session.update(&save(root, &writes));
        let diagnostics: Vec<String> = update
            .diagnostics
            .iter()
            .map(|d| d.to_human(false))
            .collect();
        let failed = update.failed();
        render_all(&mut session, update, &mut served);
        let (expected_diagnostics, expected_files) = fresh(&opts);
        assert_eq!(
            diagnostics, expected_diagnostics,
            "diagnostics after: {what}"
        );
        check_served(&served, expected_files.as_ref(), failed, what);
    }

    // another save arrives while the first is rendering: the lists are put
    // off, and rendered on the next update, even one with nothing new
    let path = root.join(fathom);
    std::fs::write(&path, original.replace("Services", "Worldwide")).unwrap();
    let update = session.update(std::slice::from_ref(&path));
    let mut phases = 0;
    session
        .render(
            update,
            |files, gone| {
                phases += 1;
                publish(&mut served, files, gone);
            },
            || true,
        )
        .unwrap();
    assert_eq!(phases, 1, "only the changed pages were rendered");
    assert!(session.has_pending());
    let portfolio = String::from_utf8_lossy(&served["index.html"]).into_owned();
    assert!(!portfolio.contains("Fathom Security Worldwide"));
    let update = session.update(&[]);
    render_all(&mut session, update, &mut served);
    assert!(!session.has_pending());
    let (_, expected_files) = fresh(&opts);
    check_served(&served, expected_files.as_ref(), false, "a put-off render");
    assert!(String::from_utf8_lossy(&served["index.html"]).contains("Fathom Security Worldwide"));
}

/// Writes `writes` below `root`; returns the paths written.
fn save(root: &Path, writes: &Writes) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for (rel, text) in writes {
        let path = root.join(rel);
        match text {
            Some(text) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, text).unwrap();
            }
            None => std::fs::remove_file(&path).unwrap(),
        }
        paths.push(path);
    }
    paths
}

/// Renders every phase of `update` into `served`.
fn render_all(
    session: &mut Session,
    update: partnerbook::serve::session::Update,
    served: &mut BTreeMap<String, Vec<u8>>,
) {
    session
        .render(update, |files, gone| publish(served, files, gone), || false)
        .unwrap();
}

/// Asserts that `served` is exactly `expected`, a fresh build's files
/// (`None` when the fresh build has errors).
fn check_served(
    served: &BTreeMap<String, Vec<u8>>,
    expected: Option<&BTreeMap<String, Vec<u8>>>,
    failed: bool,
    what: &str,
) {
    assert_eq!(failed, expected.is_none(), "errors after: {what}");
    let Some(expected) = expected else { return };
    let got: Vec<&String> = served.keys().collect();
    let want: Vec<&String> = expected.keys().collect();
    assert_eq!(got, want, "the files served after: {what}");
    for (path, bytes) in expected {
        assert!(
            served[path] == *bytes,
            "{path} differs from a fresh build after: {what}"
        );
    }
}

#[cfg(unix)]
#[test]
fn changes_reported_under_the_real_path_of_a_linked_root_count() {
    let s = minimal_site();
    let link = s.dir.path().join("link");
    std::os::unix::fs::symlink(s.site(), &link).unwrap();
    let mut opts = options(&link);
    opts.root = link.clone(); // as given, not resolved
    let (mut session, update) = Session::open(opts);
    let mut served = BTreeMap::new();
    render_all(&mut session, update, &mut served);
    let real = s
        .site()
        .canonicalize()
        .unwrap()
        .join("content/partners/contoso.yaml");
    let text = std::fs::read_to_string(&real).unwrap();
    std::fs::write(&real, text.replace("name: Contoso", "name: Contoso Real")).unwrap();
    let update = session.update(std::slice::from_ref(&real));
    render_all(&mut session, update, &mut served);
    let page = String::from_utf8_lossy(&served["partners/contoso/index.html"]).into_owned();
    assert!(page.contains("Contoso Real"));
}

// ---------------------------------------------------------------------------
// the binary over HTTP

/// The live-reload socket a served page opens.
const LIVE: &str = "/__partnerbook/live";

/// A running `partnerbook serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`
    origin: String,
    /// Where the site is mounted, `/` or base_url's path.
    pub(crate) url: String,
    stderr: mpsc::Receiver<String>,
}

/// `partnerbook serve --root <root> <args>`, without colour.
fn serve_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_partnerbook"));
    command.arg("serve").arg("--root").arg(root).args(args);
    command
}

impl Server {
    pub(crate) fn start(root: &Path, args: &[&str]) -> Server {
        Server::spawn(serve_command(root, args))
    }

    /// Runs `command`, a `partnerbook serve`, and waits for its address.
    fn spawn(mut command: Command) -> Server {
        let mut child = command
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("partnerbook runs");
        let (tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .strip_prefix("serving ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no `serving URL` line, got {first:?}"))
            .to_string();
        let after_scheme = url.strip_prefix("http://").unwrap();
        let slash = after_scheme.find('/').unwrap();
        Server {
            child,
            origin: format!("http://{}", &after_scheme[..slash]),
            url: after_scheme[slash..].to_string(),
            stderr,
        }
    }

    fn addr(&self) -> String {
        self.origin.strip_prefix("http://").unwrap().to_string()
    }

    /// Sends `GET path`, the path as it is, byte for byte.
    pub(crate) fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    /// Sends `method path` with `headers` on a new connection, and returns
    /// the status, the headers (lowercased names) and the body.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut stream = TcpStream::connect(self.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Response::parse(&raw)
    }

    /// Polls `path` until `done` holds for it, for up to 2 s.
    fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if done(&r) {
                return r;
            }
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "{path} did not show {what} within 2 s; it is:\n{}",
                r.body
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Opens the live-reload websocket, as a served page does.
    fn live(&self) -> Live {
        let stream = TcpStream::connect(self.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let url = format!("ws://{}{LIVE}", self.addr());
        let (socket, response) = tungstenite::client(url.as_str(), stream).unwrap();
        assert_eq!(response.status(), 101);
        socket
    }

    /// Everything printed on stderr since the last call.
    fn stderr(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// Waits up to 5 s for stderr to print `line`; returns what it printed.
    fn await_stderr(&self, line: &str) -> String {
        let start = Instant::now();
        let mut terminal = String::new();
        while !terminal.contains(line) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "no {line:?} on stderr:\n{terminal}"
            );
            match self.stderr.recv_timeout(Duration::from_millis(100)) {
                Ok(more) => {
                    terminal.push_str(&more);
                    terminal.push('\n');
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(e) => panic!("serve stopped ({e}):\n{terminal}"),
            }
        }
        terminal
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct Response {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    /// The body, as text.
    pub(crate) body: String,
    /// The body, byte for byte.
    bytes: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(raw.len(), |at| at + 4);
        let head = String::from_utf8_lossy(&raw[..split]);
        let bytes = raw[split..].to_vec();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The live-reload websocket, as a page holds it.
type Live = tungstenite::WebSocket<TcpStream>;

/// A reload message: every page, or the pages named.
#[derive(Debug)]
struct Reload {
    all: bool,
    paths: Vec<String>,
}

impl Reload {
    fn reloads(&self, page: &str) -> bool {
        self.all || self.paths.iter().any(|p| p == page)
    }
}

/// Reads reload messages until one reloads `page`; returns how long that
/// took and every message read.
fn await_reload(live: &mut Live, page: &str) -> (Duration, Vec<Reload>) {
    let start = Instant::now();
    let mut seen = Vec::new();
    loop {
        let message = live
            .read()
            .unwrap_or_else(|e| panic!("no reload of {page} within 5 s ({e}); read {seen:?}"));
        let Ok(text) = message.to_text() else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let reload = Reload {
            all: v["all"] == true,
            paths: v["paths"]
                .as_array()
                .expect("a list of paths")
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect(),
        };
        let done = reload.reloads(page);
        seen.push(reload);
        if done {
            return (start.elapsed(), seen);
        }
    }
}

/// Saves `text` to `path` the way many editors do: a temporary file in
/// the same folder, renamed over the original.
fn atomic_save(path: &Path, text: &str) {
    let tmp: PathBuf = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn minimal_site() -> Scratch {
    Scratch::copy_of(&fixture("minimal"))
}

/// Contoso's record, and its benefit as the fixture states it.
fn contoso(s: &Scratch) -> (PathBuf, String, String) {
    let record = s.site().join("content/partners/contoso.yaml");
    let text = std::fs::read_to_string(&record).unwrap();
    let benefit = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("partner_benefit:"))
        .expect("the fixture states a benefit")
        .trim()
        .to_string();
    (record, text, benefit)
}

#[test]
fn an_edit_shows_up_and_reloads_only_the_pages_it_changed() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0"]);
    assert_eq!(server.url, "/");
    let page = "/partners/contoso/";
    let before = server.get(page);
    assert_eq!(before.status, 200);
    assert_eq!(
        before.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(before.body.contains(LIVE), "no live-reload script");
    let mut live = server.live();

    let (record, text, benefit) = contoso(&s);
    assert!(before.body.contains(&benefit));
    atomic_save(
        &record,
        &text.replace(&benefit, "Contoso wins forty new audit customers a year."),
    );
    let (took, first) = await_reload(&mut live, "/partners/contoso/index.html");
    assert!(took < Duration::from_secs(2), "reload took {took:?}");
    // the reload comes after the page is in place
    let after = server.get(page);
    assert!(
        after
            .body
            .contains("Contoso wins forty new audit customers a year.")
    );
    assert!(!after.body.contains(&benefit));
    // the portfolio, which shows the benefit, follows; the other
    // partner's page did not change, and no message reloads it
    let (_, then) = await_reload(&mut live, "/index.html");
    let messages: Vec<Reload> = first.into_iter().chain(then).collect();
    assert!(
        messages
            .iter()
            .all(|m| !m.reloads("/partners/northwind/index.html")),
        "{messages:?}"
    );
    assert!(
        server
            .get("/")
            .body
            .contains("Contoso wins forty new audit customers a year.")
    );
    assert!(!s.public().exists(), "serve wrote public/");
}

#[test]
fn a_save_that_changes_no_page_reloads_none() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0"]);
    let mut live = server.live();
    // a comment: the partner's pages and the lists are rendered again,
    // the same as before
    let (record, text, _) = contoso(&s);
    atomic_save(&record, &format!("{text}# met at the fair\n"));
    server.await_stderr(": rendered");
    // a second edit, whose messages come after any of the first's
    let northwind = s.site().join("content/partners/northwind.yaml");
    let text = std::fs::read_to_string(&northwind).unwrap();
    atomic_save(
        &northwind,
        &text.replace("name: Northwind", "name: Northwind Two"),
    );
    let (_, messages) = await_reload(&mut live, "/partners/northwind/index.html");
    assert_eq!(
        messages.len(),
        1,
        "the comment reloaded pages: {messages:?}"
    );
    assert!(
        messages[0].paths.iter().all(|p| !p.contains("contoso")),
        "{messages:?}"
    );
}

#[test]
fn thirty_open_pages_all_load_and_all_get_the_reload() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0"]);
    let mut pages: Vec<Live> = (0..30).map(|_| server.live()).collect();
    // each open page holds a socket, not the server: pages still load
    let loads: Vec<_> = (0..10)
        .map(|_| {
            let addr = server.addr();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                write!(
                    stream,
                    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut raw = Vec::new();
                stream.read_to_end(&mut raw).unwrap();
                Response::parse(&raw).status
            })
        })
        .collect();
    for load in loads {
        assert_eq!(load.join().unwrap(), 200);
    }
    let (record, text, benefit) = contoso(&s);
    atomic_save(&record, &text.replace(&benefit, "Thirty tabs agree."));
    for (i, page) in pages.iter_mut().enumerate() {
        let (took, _) = await_reload(page, "/partners/contoso/index.html");
        assert!(took < Duration::from_secs(5), "page {i} waited {took:?}");
    }
}

#[test]
fn live_reload_is_only_for_pages_of_this_server() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0"]);
    let handshake = |origin: &str| {
        let stream = TcpStream::connect(server.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut request = format!("ws://{}{LIVE}", server.addr())
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
        match tungstenite::client(request, stream) {
            Ok((_, response)) => response.status().as_u16(),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                response.status().as_u16()
            }
            Err(e) => panic!("{origin}: {e}"),
        }
    };
    // a page elsewhere would learn which partner pages change
    for other in [
        "http://evil.example",
        &format!(
            "http://evil.example:{}",
            server.addr().rsplit(':').next().unwrap()
        ),
        "null",
    ] {
        assert_eq!(handshake(other), 403, "{other}");
    }
    assert_eq!(handshake(&server.origin), 101);
}

#[test]
fn errors_show_on_every_page_over_the_last_good_build_until_fixed() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0"]);
    let record = s.site().join("content/partners/contoso.yaml");
    let good = std::fs::read_to_string(&record).unwrap();
    let name_line = good.lines().find(|l| l.starts_with("name:")).unwrap();
    let name = name_line.trim_start_matches("name:").trim().to_string();
    assert!(server.get("/partners/contoso/").body.contains(&name));
    let mut live = server.live();

    let broken = good
        .lines()
        .filter(|l| !l.trim_start().starts_with("partner_benefit:"))
        .collect::<Vec<_>>()
        .join("\n");
    atomic_save(&record, &broken);
    // a failed build reloads every page, to show the panel
    let (_, messages) = await_reload(&mut live, "/playbooks/index.html");
    assert!(messages.last().unwrap().all, "{messages:?}");
    assert_eq!(messages.len(), 1, "{messages:?}");
    let page = server.get("/partners/contoso/");
    shows_one_error_in_contoso(&page, "error[missing-partner-benefit]");
    // the old content is still served under the diagnostics
    assert!(page.body.contains(&name));
    assert_eq!(page.status, 200);
    for other in [
        "/",
        "/playbooks/",
        "/partners/northwind/worksheet/",
        "/no-such-page",
    ] {
        assert!(
            server
                .get(other)
                .body
                .contains("error[missing-partner-benefit]"),
            "{other} does not show the diagnostics"
        );
    }
    // the terminal shows the same text
    let terminal = server.await_stderr("still serving the last good build");
    assert!(terminal.contains("error[missing-partner-benefit]"));

    atomic_save(&record, &good.replace(&name, "Contoso Fixed"));
    // the fix reloads every page too, to take the panel away, and only once
    let (_, messages) = await_reload(&mut live, "/playbooks/index.html");
    assert!(messages.last().unwrap().all, "{messages:?}");
    assert_eq!(messages.len(), 1, "{messages:?}");
    let fixed = server.get("/partners/contoso/");
    assert!(fixed.body.contains("Contoso Fixed"));
    assert!(!fixed.body.contains("partnerbook-diagnostics"));
    assert!(!server.get("/").body.contains("partnerbook-diagnostics"));
}

/// Asserts that `page` shows one error, `error`, in contoso.yaml, with
/// its help, over the last good build.
fn shows_one_error_in_contoso(page: &Response, error: &str) {
    for text in [
        error,
        "--&gt; content/partners/contoso.yaml:",
        "= help:",
        "partnerbook: 1 error, 0 warnings; this page is from the last good build</summary>",
    ] {
        assert!(page.body.contains(text), "no {text:?} in:\n{}", page.body);
    }
}

#[test]
fn a_site_broken_from_the_start_says_it_has_no_build_and_what_to_do() {
    let s = minimal_site();
    let record = s.site().join("content/partners/contoso.yaml");
    let good = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, good.replace("tier: casual", "tier: casul")).unwrap();
    let server = Server::start(&s.site(), &["-p", "0"]);
    for path in ["/", "/partners/contoso/", "/anything"] {
        let r = server.get(path);
        assert_eq!(r.status, 500, "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        for said in [
            "error[invalid-value]",
            "did you mean `casual`?",
            "<summary style=\"cursor:pointer;padding:.5rem 1rem;font-weight:bold\">partnerbook: 1 error, 0 warnings; the site has not been built yet</summary>",
            "<h1>Fix the errors to see the site</h1>",
            "Fix the errors listed above in your editor and save.",
            "<code>partnerbook check</code> lists the same errors",
        ] {
            assert!(
                r.body.contains(said),
                "{path} does not say {said:?}:\n{}",
                r.body
            );
        }
        // one message says what state the site is in (issue 20)
        assert!(!r.body.contains("last good build"), "{}", r.body);
        assert_eq!(r.body.matches("not been built").count(), 1, "{}", r.body);
    }
    server
        .await_stderr("build failed: 1 error, 0 warnings; the site is served once they are fixed");
    let mut live = server.live();
    atomic_save(&record, &good);
    await_reload(&mut live, "/partners/contoso/index.html");
    let fixed = server.get("/partners/contoso/");
    assert_eq!(fixed.status, 200);
    assert!(!fixed.body.contains("partnerbook-diagnostics"));

    // broken again: now there is a last good build, and the panel says so
    std::fs::write(&record, good.replace("tier: casual", "tier: casul")).unwrap();
    let page = server.wait_for("/partners/contoso/", "the diagnostics", |r| {
        r.body.contains("partnerbook-diagnostics")
    });
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("; this page is from the last good build</summary>")
    );
    assert!(!page.body.contains("not been built"));
    assert!(!page.body.contains("Fix the errors to see the site"));
}

#[test]
fn many_errors_fold_to_one_line_over_the_page_and_a_few_show_at_once() {
    // issue 20: seven errors covered 70% of the page, with no way to fold them
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0"]);
    assert_eq!(server.get("/partners/contoso/").status, 200);
    let broken = |i: usize| s.site().join(format!("content/partners/broken-{i}.yaml"));
    let good = std::fs::read_to_string(s.site().join("content/partners/contoso.yaml")).unwrap();
    for i in 1..=7 {
        // one error each: the tier
        let text = good
            .replace("name: Contoso", &format!("name: Broken {i}"))
            .replace("tier: casual", "tier: casul");
        std::fs::write(broken(i), text).unwrap();
    }
    let page = server.wait_for("/partners/contoso/", "seven errors", |r| {
        r.body.contains("partnerbook: 7 errors")
    });
    let panel = |body: &str| {
        let from = body
            .find("<div id=\"partnerbook-diagnostics\"")
            .expect("the panel");
        let to = from
            + body[from..]
                .find("</details></div>")
                .expect("the panel's end");
        body[from..to].to_string()
    };
    let many = panel(&page.body);
    // folded: one summary line, the list under it, no `open`
    assert!(many.contains("<details style="), "{many}");
    assert_eq!(many.matches("<summary").count(), 1, "{many}");
    assert!(
        many.contains("; this page is from the last good build</summary>"),
        "{many}"
    );
    assert_eq!(many.matches("error[invalid-value]").count(), 7, "{many}");
    // open, it scrolls on its own and leaves most of the window to the page
    assert!(many.contains("max-height:40vh;overflow:auto"), "{many}");
    // the last good build of the page is still there, under it
    assert!(
        page.body
            .contains("Compliance checks bundled with every renewal.")
    );
    assert_eq!(page.status, 200);

    for i in 2..=7 {
        std::fs::remove_file(broken(i)).unwrap();
    }
    let page = server.wait_for("/partners/contoso/", "one error", |r| {
        r.body.contains("partnerbook: 1 error, 0 warnings")
    });
    let few = panel(&page.body);
    assert!(few.contains("<details open style="), "{few}");
    assert!(few.contains("error[invalid-value]"), "{few}");
}

#[test]
fn only_built_files_are_served_whatever_the_url() {
    let s = minimal_site();
    std::fs::write(s.site().join("secret.txt"), "TOP SECRET").unwrap();
    let server = Server::start(&s.site(), &["-p", "0"]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/partners/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/partners\\..\\..\\secret.txt",
        "/./secret.txt",
        "/secret.txt%00.html",
        "/%ff%fe",
        "/%zz/secret.txt",
        "/secret.txt",
        "/partnerbook.yaml",
        "/content/partners/contoso.yaml",
        "//etc/passwd",
    ] {
        let r = server.get(path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path} answered {}",
            r.status
        );
        assert!(
            !r.body.contains("TOP SECRET") && !r.body.contains("root:"),
            "{path} leaked"
        );
    }
    let missing = server.get("/partners/nobody/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "not the site's 404 page"
    );
    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/search.js", "text/javascript; charset=utf-8"),
        ("/search-index.js", "text/javascript; charset=utf-8"),
        ("/partners.json", "application/json"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(kind), "{path}");
    }
    // a folder without its slash is redirected, like a static server does
    let r = server.get("/partners/contoso");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/partners/contoso/"));
    // and nothing but reading
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = server.request(method, "/", &[("Content-Length", "0")]);
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn head_range_and_etag_work_as_http_says() {
    let s = minimal_site();
    // a "video" of 300,000 bytes that are not all the same
    let video: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    s.write("static/media/talk.mp4", &video);
    s.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let server = Server::start(&s.site(), &["-p", "0"]);

    let full = server.get("/media/talk.mp4");
    assert_eq!(full.status, 200);
    assert_eq!(full.bytes, video);
    assert_eq!(full.header("content-type"), Some("video/mp4"));
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    assert_eq!(full.header("content-length"), Some("300000"));
    assert_eq!(full.header("cache-control"), Some("no-cache"));
    let etag = full.header("etag").expect("an ETag").to_string();
    assert_eq!(
        server.get("/logo.svg").header("content-type"),
        Some("image/svg+xml")
    );

    // HEAD: the headers of GET, without the body
    for path in ["/media/talk.mp4", "/", "/partners/contoso/"] {
        let get = server.get(path);
        let head = server.request("HEAD", path, &[]);
        assert_eq!(head.status, 200, "{path}");
        assert!(head.bytes.is_empty(), "{path}: HEAD sent a body");
        assert_eq!(
            head.header("content-length"),
            Some(get.bytes.len().to_string().as_str()),
            "{path}"
        );
        assert_eq!(head.header("content-type"), get.header("content-type"));
        assert_eq!(head.header("etag"), get.header("etag"));
    }

    // Range: one part, a suffix, one past the end
    let part = server.request("GET", "/media/talk.mp4", &[("Range", "bytes=1000-1999")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some("bytes 1000-1999/300000"));
    assert_eq!(part.bytes, video[1000..2000]);
    let tail = server.request("GET", "/media/talk.mp4", &[("Range", "bytes=-10")]);
    assert_eq!(tail.status, 206);
    assert_eq!(tail.bytes, video[299_990..]);
    let past = server.request("GET", "/media/talk.mp4", &[("Range", "bytes=300000-")]);
    assert_eq!(past.status, 416);
    assert_eq!(past.header("content-range"), Some("bytes */300000"));
    assert!(past.bytes.is_empty());
    // If-Range with another ETag: the file changed, so all of it
    let changed = server.request(
        "GET",
        "/media/talk.mp4",
        &[("Range", "bytes=0-9"), ("If-Range", "\"older\"")],
    );
    assert_eq!(changed.status, 200);
    assert_eq!(changed.bytes.len(), video.len());
    let same = server.request(
        "GET",
        "/media/talk.mp4",
        &[("Range", "bytes=0-9"), ("If-Range", &etag)],
    );
    assert_eq!(same.status, 206);

    // If-None-Match: 304 while the file is the same, 200 once it changed
    let unchanged = server.request("GET", "/media/talk.mp4", &[("If-None-Match", &etag)]);
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.bytes.is_empty());
    assert_eq!(unchanged.header("etag"), Some(etag.as_str()));
    let mut edited = video.clone();
    edited[0] ^= 1;
    s.write("static/media/talk.mp4", &edited);
    let after = server.wait_for("/media/talk.mp4", "the new file", |r| r.bytes == edited);
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    let stale = server.request("GET", "/media/talk.mp4", &[("If-None-Match", &etag)]);
    assert_eq!(stale.status, 200);

    // a page's ETag follows what is served, the diagnostics panel included
    let page = server.get("/partners/contoso/");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let page_tag = page.header("etag").unwrap().to_string();
    let (record, text, _) = contoso(&s);
    atomic_save(&record, &text.replace("tier: casual", "tier: casul"));
    let failed = server.wait_for("/partners/contoso/", "the diagnostics", |r| {
        r.body.contains("partnerbook-diagnostics")
    });
    assert_ne!(failed.header("etag"), Some(page_tag.as_str()));
    let r = server.request("GET", "/partners/contoso/", &[("If-None-Match", &page_tag)]);
    assert_eq!(r.status, 200);
}

#[test]
fn the_site_is_mounted_at_base_urls_path() {
    let s = minimal_site();
    s.write(
        "partnerbook.yaml",
        "title: Partners\nbase_url: https://intranet.example/intranet/partners/\n",
    );
    let server = Server::start(&s.site(), &["-p", "0"]);
    assert_eq!(server.url, "/intranet/partners/");
    assert_eq!(server.get("/intranet/partners/").status, 200);
    assert_eq!(
        server.get("/intranet/partners/partners/contoso/").status,
        200
    );
    let root = server.get("/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("location"), Some("/intranet/partners/"));
    assert_eq!(server.get("/partners/contoso/").status, 404);
    let missing = server.get("/intranet/partners/nope");
    assert_eq!(missing.status, 404);
    // the 404 page's links are absolute below the mount point
    assert!(
        missing.body.contains("href=\"/intranet/partners/"),
        "{}",
        missing.body
    );
}

#[test]
fn serve_u_mounts_the_site_at_the_urls_path() {
    let s = minimal_site();
    s.write(
        "partnerbook.yaml",
        "title: Partners\nbase_url: https://intranet.example/intranet/partners/\n",
    );
    // -u wins over base_url in partnerbook.yaml
    let server = Server::start(
        &s.site(),
        &["-p", "0", "-u", "https://docs.example/team/book"],
    );
    assert_eq!(server.url, "/team/book/");
    assert_eq!(server.get("/team/book/").status, 200);
    assert_eq!(server.get("/team/book/partners/contoso/").status, 200);
    for (path, to) in [("/", "/team/book/"), ("/team/book", "/team/book/")] {
        let r = server.get(path);
        assert_eq!(r.status, 302, "{path}");
        assert_eq!(r.header("location"), Some(to), "{path}");
    }
    assert_eq!(server.get("/intranet/partners/").status, 404);
    let missing = server.get("/team/book/nope");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("href=\"/team/book/"),
        "{}",
        missing.body
    );
    // an edit reloads the page under its mounted path
    let mut live = server.live();
    let (record, text, benefit) = contoso(&s);
    atomic_save(&record, &text.replace(&benefit, "Mounted elsewhere."));
    await_reload(&mut live, "/team/book/partners/contoso/index.html");
}

#[cfg(unix)]
#[test]
fn running_out_of_file_descriptors_slows_serve_down_but_never_stops_it() {
    let s = minimal_site();
    // serve may open 64 files and sockets; the burst is twice that (and
    // fits in the queue of connections the system keeps for serve)
    let mut command = Command::new("sh");
    command
        .args(["-c", "ulimit -n 64 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_partnerbook"))
        .args(serve_command(&s.site(), &["-p", "0"]).get_args());
    let server = Server::spawn(command);
    assert_eq!(server.get("/").status, 200);
    let burst: Vec<TcpStream> = (0..128)
        .map(|_| {
            let mut c = TcpStream::connect(server.addr()).unwrap();
            write!(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            c
        })
        .collect();
    let terminal = server.await_stderr("raise it (say `ulimit -n 4096`)");
    assert!(
        terminal.contains("warning: cannot take new connections for now"),
        "{terminal}"
    );
    drop(burst);
    // the connections are gone, so serve answers again, and rebuilds
    let start = Instant::now();
    while server.get("/").status != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "serve did not recover"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let (record, text, benefit) = contoso(&s);
    atomic_save(&record, &text.replace(&benefit, "Still serving."));
    server.wait_for("/partners/contoso/", "the edit", |r| {
        r.body.contains("Still serving.")
    });
}

/// Runs `partnerbook serve --root <root> <args>`, which must stop at once
/// with exit code 2 and serve nothing; returns what it printed on stderr.
fn refused(root: &Path, args: &[&str]) -> String {
    let out = serve_command(root, args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "it served: {:?}", out.stdout);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_busy_port_given_with_p_is_an_error() {
    let s = minimal_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let stderr = refused(&s.site(), &["-p", &port]);
    assert!(
        stderr.contains(&format!(
            "error: port {port} on 127.0.0.1 is already in use"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn without_p_a_busy_default_port_moves_to_the_next() {
    let s = minimal_site();
    // hold 4411 if it is free; if something else holds it, so much the better
    let _held = std::net::TcpListener::bind("127.0.0.1:4411");
    let server = Server::start(&s.site(), &[]);
    let port: u16 = server.addr().rsplit(':').next().unwrap().parse().unwrap();
    assert!(port > 4411 && port < 4511, "served on {port}");
    assert_eq!(server.get("/").status, 200);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_writes_nothing() {
    let s = minimal_site();
    let mut server = Server::start(&s.site(), &["-p", "0"]);
    let before = crate::support::tree(&s.site());
    let _open_page = server.live();
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let code = server.child.wait().unwrap();
    assert_eq!(code.code(), Some(0));
    assert!(server.stderr().contains("stopped"));
    assert_eq!(crate::support::tree(&s.site()), before);
}

// ---------------------------------------------------------------------------
// a partner's edition (`serve --partner`)

/// What `build --partner slug` renders: the loaded site cut down by the
/// same function, or `None` when the site or the edition has errors.
fn fresh_edition(opts: &BuildOptions, slug: &str) -> Option<BTreeMap<String, Vec<u8>>> {
    let loaded = pipeline::load(opts);
    if loaded.has_errors() || !partnerbook::edition::names_of_others(&loaded.site, slug).is_empty()
    {
        return None;
    }
    let site = partnerbook::edition::narrow(loaded.site, slug).ok()?;
    let theme = render::load_theme(&site).expect("the theme loads");
    let files = render::render(&site, &theme, opts.today).expect("the edition renders");
    Some(files.into_iter().map(|f| (f.path, f.bytes)).collect())
}

#[test]
fn the_served_edition_is_what_build_partner_makes_after_every_edit() {
    let s = minimal_site();
    let opts = options(&s.site());
    let root = opts.root.clone();
    let (mut session, update) = Session::open_edition(opts.clone(), "contoso");
    let mut served = BTreeMap::new();
    render_all(&mut session, update, &mut served);
    check_served(
        &served,
        fresh_edition(&opts, "contoso").as_ref(),
        false,
        "start",
    );
    assert!(served.contains_key("index.html"));
    assert!(
        !served.keys().any(|p| p.contains("partners")),
        "{:?}",
        served.keys()
    );
    let (_, record, benefit) = contoso(&s);
    let playbook = "---\ntitle: Renewal calls\nshare: true\npartners: [contoso]\n---\n\nCall a month before.\n";
    let northwind = std::fs::read_to_string(root.join("content/partners/northwind.yaml")).unwrap();
    let contoso_as = |text: String| vec![("content/partners/contoso.yaml", Some(text))];
    let playbook_as = |text: String| vec![("content/playbooks/renewals.md", Some(text))];
    let steps: Vec<(&str, Writes)> = vec![
        (
            "the record edited",
            contoso_as(record.replace(&benefit, "Every renewal is a reason to call.")),
        ),
        ("a shared playbook added", playbook_as(playbook.to_string())),
        (
            "the playbook no longer shared",
            playbook_as(playbook.replace("share: true", "share: false")),
        ),
        (
            "another partner edited",
            vec![(
                "content/partners/northwind.yaml",
                Some(northwind.replace("name: Northwind", "name: Northwind Traders")),
            )],
        ),
        (
            "shared text names another partner",
            contoso_as(record.replace(&benefit, "More than Northwind Traders offers.")),
        ),
        ("fixed", contoso_as(record.clone())),
    ];
    for (what, writes) in steps {
        let update = session.update(&save(&root, &writes));
        let failed = update.failed();
        if what == "shared text names another partner" {
            let codes: Vec<&str> = update.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(codes, ["names-another-partner"], "after: {what}");
        }
        render_all(&mut session, update, &mut served);
        check_served(
            &served,
            fresh_edition(&opts, "contoso").as_ref(),
            failed,
            what,
        );
        if what == "a shared playbook added" {
            assert!(served.contains_key("playbooks/renewals/index.html"));
        }
        if what == "the playbook no longer shared" {
            assert!(!served.contains_key("playbooks/renewals/index.html"));
        }
        assert!(
            !served.keys().any(|p| p.contains("northwind")),
            "another partner's page is served after: {what}"
        );
    }
    assert!(!session.has_pending());
}

#[test]
fn serve_partner_shows_the_partners_brief_at_the_root_and_nothing_else() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0", "--partner", "contoso"]);
    assert_eq!(server.url, "/");
    let (_, _, benefit) = contoso(&s);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("page-edition"), "{}", page.body);
    assert!(page.body.contains(&benefit), "{}", page.body);
    // not the portfolio, and nothing of Northwind
    assert!(!page.body.contains("Northwind"), "{}", page.body);
    for path in [
        "/partners/northwind/",
        "/partners/contoso/",
        "/partners/contoso/worksheet/",
        "/playbooks/",
        "/playbooks/first-call/",
        "/partners.json",
        "/search.json",
        "/404.html",
    ] {
        assert_eq!(server.get(path).status, 404, "{path} is served");
    }
    let terminal = server.await_stderr("built 1 page (1 partner, 0 playbooks)");
    assert!(!terminal.contains("error"), "{terminal}");
}

#[test]
fn an_edit_to_the_partners_record_reloads_its_edition() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0", "--partner", "contoso"]);
    let (path, record, benefit) = contoso(&s);
    assert!(server.get("/").body.contains(&benefit));
    let mut live = server.live();
    atomic_save(
        &path,
        &record.replace(&benefit, "Renewals become our best call."),
    );
    await_reload(&mut live, "/index.html");
    let page = server.get("/");
    assert!(page.body.contains("Renewals become our best call."));
    assert!(!page.body.contains(&benefit));
}

#[test]
fn shared_text_naming_another_partner_is_an_error_over_the_last_good_edition() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0", "--partner", "contoso"]);
    let (path, record, benefit) = contoso(&s);
    let mut live = server.live();
    atomic_save(
        &path,
        &record.replace(&benefit, "More than Northwind gives them."),
    );
    let (_, messages) = await_reload(&mut live, "/index.html");
    assert!(messages.last().unwrap().all, "{messages:?}");
    shows_one_error_in_contoso(
        &server.get("/"),
        "error[names-another-partner]: the edition of Contoso would name another partner, Northwind",
    );
    let page = server.get("/");
    // the last good edition stays under the panel
    assert!(page.body.contains(&benefit), "{}", page.body);
    let terminal = server.await_stderr("still serving the last good build");
    assert!(
        terminal.contains("error[names-another-partner]"),
        "{terminal}"
    );

    atomic_save(&path, &record);
    server.wait_for("/", "the panel gone", |r| {
        !r.body.contains("partnerbook-diagnostics") && r.body.contains(&benefit)
    });
}

#[test]
fn a_partner_whose_record_goes_away_is_an_error_on_the_page_until_it_is_back() {
    let s = minimal_site();
    let server = Server::start(&s.site(), &["-p", "0", "--partner", "contoso"]);
    let (path, _, benefit) = contoso(&s);
    let renamed = path.with_file_name("contosso.yaml");
    std::fs::rename(&path, &renamed).unwrap();
    let page = server.wait_for("/", "the error", |r| {
        r.body.contains("partnerbook-diagnostics")
    });
    assert!(
        page.body
            .contains("error: no published partner has the slug `contoso`"),
        "{}",
        page.body
    );
    assert!(page.body.contains("did you mean `--partner contosso`?"));
    assert!(page.body.contains("partnerbook: 1 error, 0 warnings;"));
    assert!(page.body.contains(&benefit), "the last good edition went");
    let terminal = server.await_stderr("still serving the last good build");
    assert!(
        terminal.contains("error: no published partner has the slug `contoso`"),
        "{terminal}"
    );
    std::fs::rename(&renamed, &path).unwrap();
    server.wait_for("/", "the panel gone", |r| {
        !r.body.contains("partnerbook-diagnostics")
    });
}

#[test]
fn serve_partner_with_an_unknown_slug_is_exit_2_with_the_nearest_one() {
    let s = minimal_site();
    let stderr = refused(&s.site(), &["-p", "0", "--partner", "contso"]);
    assert!(
        stderr.contains(
            "error: no published partner has the slug `contso`\n  help: did you mean `--partner contoso`?"
        ),
        "{stderr}"
    );
}
