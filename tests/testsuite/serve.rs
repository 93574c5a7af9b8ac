//! `partnerbook serve`: incremental rebuilds agree with fresh builds, and
//! the real binary over real HTTP on an ephemeral port.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use partnerbook::render::{self, OutputFile};
use partnerbook::serve::session::Session;
use partnerbook::site::{self, BuildOptions};

use crate::support::{Scratch, TODAY_EPOCH, fixture};

// ---------------------------------------------------------------------------
// incremental rebuilds

/// What a fresh `build` of the site would give: its diagnostics as the
/// terminal shows them, and its files when it has no errors.
fn fresh(opts: &BuildOptions) -> (Vec<String>, Option<BTreeMap<String, Vec<u8>>>) {
    let loaded = site::load(opts);
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
        let mut paths = Vec::new();
        for (rel, text) in &writes {
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
        let update = session.update(&paths);
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

/// A running `partnerbook serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`
    origin: String,
    /// Where the site is mounted, `/` or base_url's path.
    pub(crate) url: String,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    pub(crate) fn start(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnerbook"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(args)
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

    /// Sends `path` as it is, byte for byte, and returns the status, the
    /// headers (lowercased names) and the body.
    pub(crate) fn get(&self, path: &str) -> Response {
        let mut stream = TcpStream::connect(self.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr()
        )
        .unwrap();
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

    /// Opens the live-reload event stream.
    fn events(&self) -> BufReader<TcpStream> {
        let mut stream = TcpStream::connect(self.addr()).unwrap();
        write!(
            stream,
            "GET /__partnerbook/live HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.addr()
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(3)))
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        // the headers, then the `retry:` line: the stream is open
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line.starts_with("retry:") {
                break;
            }
        }
        reader
    }

    /// Everything printed on stderr so far.
    fn stderr(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
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
    pub(crate) body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
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
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
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

/// Reads server-sent events until one names `page` (or reloads all).
fn await_reload(events: &mut BufReader<TcpStream>, page: &str) -> Duration {
    let start = Instant::now();
    let mut line = String::new();
    loop {
        line.clear();
        events
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("no reload event for {page} within 3 s: {e}"));
        if let Some(data) = line.strip_prefix("data: ") {
            let v: serde_json::Value = serde_json::from_str(data).unwrap();
            let named = v["paths"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p.as_str() == Some(page));
            if named || v["all"] == true {
                return start.elapsed();
            }
        }
    }
}

fn minimal_site() -> Scratch {
    Scratch::copy_of(&fixture("minimal"))
}

#[test]
fn an_edit_shows_up_and_reloads_the_page() {
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
    assert!(
        before.body.contains("/__partnerbook/live"),
        "no live-reload script"
    );
    let mut events = server.events();

    let record = s.site().join("content/partners/contoso.yaml");
    let text = std::fs::read_to_string(&record).unwrap();
    let benefit = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("partner_benefit:"))
        .expect("the fixture states a benefit")
        .trim()
        .to_string();
    assert!(before.body.contains(&benefit));
    atomic_save(
        &record,
        &text.replace(&benefit, "Contoso wins forty new audit customers a year."),
    );
    let took = await_reload(&mut events, "/partners/contoso/index.html");
    assert!(took < Duration::from_secs(2), "reload took {took:?}");
    // the reload comes after the page is in place
    let after = server.get(page);
    assert!(
        after
            .body
            .contains("Contoso wins forty new audit customers a year.")
    );
    assert!(!after.body.contains(&benefit));
    // the lists that show the benefit follow
    server.wait_for("/", "the new benefit", |r| {
        r.body
            .contains("Contoso wins forty new audit customers a year.")
    });
    assert!(!s.public().exists(), "serve wrote public/");
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

    let broken = good
        .lines()
        .filter(|l| !l.trim_start().starts_with("partner_benefit:"))
        .collect::<Vec<_>>()
        .join("\n");
    atomic_save(&record, &broken);
    let page = server.wait_for("/partners/contoso/", "the diagnostics", |r| {
        r.body.contains("partnerbook-diagnostics")
    });
    assert!(
        page.body.contains("error[missing-partner-benefit]"),
        "{}",
        page.body
    );
    assert!(page.body.contains("--&gt; content/partners/contoso.yaml:"));
    assert!(page.body.contains("= help:"));
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
    let start = Instant::now();
    let mut terminal = String::new();
    while !terminal.contains("still serving the last good build") {
        assert!(start.elapsed() < Duration::from_secs(2), "{terminal}");
        std::thread::sleep(Duration::from_millis(20));
        terminal.push_str(&server.stderr());
        terminal.push('\n');
    }
    assert!(terminal.contains("error[missing-partner-benefit]"));

    atomic_save(&record, &good.replace(&name, "Contoso Fixed"));
    let fixed = server.wait_for("/partners/contoso/", "the fix", |r| {
        r.body.contains("Contoso Fixed")
    });
    assert!(!fixed.body.contains("partnerbook-diagnostics"));
    assert!(!server.get("/").body.contains("partnerbook-diagnostics"));
}

#[test]
fn a_site_broken_from_the_start_shows_its_diagnostics_until_fixed() {
    let s = minimal_site();
    let record = s.site().join("content/partners/contoso.yaml");
    let good = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, good.replace("tier: casual", "tier: casul")).unwrap();
    let server = Server::start(&s.site(), &["-p", "0"]);
    for path in ["/", "/partners/contoso/", "/anything"] {
        let r = server.get(path);
        assert_eq!(r.status, 500, "{path}");
        assert!(
            r.body.contains("error[invalid-value]"),
            "{path}: {}",
            r.body
        );
        assert!(r.body.contains("did you mean `casual`?"), "{}", r.body);
    }
    atomic_save(&record, &good);
    let fixed = server.wait_for("/partners/contoso/", "the site", |r| r.status == 200);
    assert!(!fixed.body.contains("partnerbook-diagnostics"));
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
fn a_busy_port_given_with_p_is_an_error() {
    let s = minimal_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_partnerbook"))
        .args(["serve", "-p", &port, "--root"])
        .arg(s.site())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
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
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let code = server.child.wait().unwrap();
    assert_eq!(code.code(), Some(0));
    assert!(server.stderr().contains("stopped"));
    assert_eq!(crate::support::tree(&s.site()), before);
}
