//! What `serve` watches: folders deleted, renamed and made again, a theme
//! folder that appears after the configuration named it, a git checkout of
//! 500 files, and `--poll`.
//!
//! Each test runs the real binary. Rebuilds are told from its status lines
//! on standard error, and pages are read over plain HTTP/1.1, so the tests
//! hold whatever the server and its live reload are built on.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use partnerbook::pipeline::{self, BuildOptions};
use partnerbook::render;
use partnerbook::serve::session::{Session, Update};

use crate::support::{Scratch, TODAY_EPOCH, copy_dir, fixture, repo};

/// How long a change may take to show: generous, since tests share a
/// loaded machine and run a debug build.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `partnerbook serve`, killed when dropped.
struct Serve {
    child: Child,
    /// `127.0.0.1:<port>`
    addr: String,
    /// Every line written to standard error so far.
    lines: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    fn start(root: &Path, args: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnerbook"))
            .args(["serve", "-p", "0", "--root"])
            .arg(root)
            .args(args)
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("partnerbook runs");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let err = child.stderr.take().unwrap();
        {
            let lines = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    lines
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(line);
                }
            });
        }
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .strip_prefix("serving http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no `serving URL` line, got {first:?}"))
            .to_string();
        Serve { child, addr, lines }
    }

    /// GETs `path` with `Connection: close`: the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, body.to_string())
    }

    /// Polls `path` until `done` holds for its status and body.
    fn wait_for(&self, path: &str, what: &str, done: impl Fn(u16, &str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if done(status, &body) {
                return body;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{path} did not show {what} within {PATIENCE:?}; it answers {status}:\n{}\n\nserve said:\n{}",
                clip(&body),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything written to standard error so far.
    fn stderr(&self) -> String {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .join("\n")
    }

    /// The status lines of the rebuilds so far (not of the first build).
    fn rebuilds(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|l| l.contains(": rendered ") || l.starts_with("build failed:"))
            .cloned()
            .collect()
    }

    /// Waits until a rebuild's status line says `what` changed, and
    /// returns the rebuild lines up to and including it.
    fn wait_for_rebuild_of(&self, what: &str) -> Vec<String> {
        let start = Instant::now();
        let prefix = format!("{what}: rendered ");
        loop {
            let lines = self.rebuilds();
            if let Some(at) = lines.iter().position(|l| l.starts_with(&prefix)) {
                return lines[..=at].to_vec();
            }
            assert!(
                start.elapsed() < PATIENCE,
                "no rebuild of {what} within {PATIENCE:?}; serve said:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The start of a long page, for failure messages.
fn clip(body: &str) -> &str {
    let mut end = body.len().min(600);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

fn minimal_site() -> Scratch {
    Scratch::copy_of(&fixture("minimal"))
}

/// Replaces `from` with `to` in the file at `path`, which must hold it.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Runs both watchers through the same steps: the system's, and `--poll`.
fn each_watcher(steps: impl Fn(&[&str])) {
    steps(&[]);
    steps(&["--poll"]);
}

// ---------------------------------------------------------------------------
// folders that go away and come back

/// Each folder of the site deleted and made again, or renamed away,
/// changed and renamed back: serve ends with the site as it is on disk, and
/// still sees the next edit.
#[test]
fn folders_deleted_or_renamed_away_and_back_are_read_again_and_still_watched() {
    each_watcher(|args| {
        let s = minimal_site();
        let site = s.site();
        s.write("static/extra.css", "p { color: red }");
        s.write("templates/404.html", "<p>Lost, first version</p>");
        let serve = Serve::start(&site, args);
        let contoso = "/partners/contoso/";
        let record = site.join("content/partners/contoso.yaml");
        assert!(serve.get(contoso).1.contains("Contoso"));
        let mode = if args.is_empty() { "system" } else { "poll" };

        // rm -rf content && cp -r backup content
        let backup = s.dir.path().join("backup");
        copy_dir(&site.join("content"), &backup);
        edit(
            &backup.join("partners/contoso.yaml"),
            "name: Contoso",
            "name: Contoso Restored",
        );
        std::fs::remove_dir_all(site.join("content")).unwrap();
        copy_dir(&backup, &site.join("content"));
        serve.wait_for(contoso, "the copied-back record", |_, b| {
            b.contains("Contoso Restored")
        });
        assert_eq!(serve.get("/partners/northwind/").0, 200, "{mode}");
        edit(&record, "Contoso Restored", "Contoso Edited After The Copy");
        serve.wait_for(contoso, "an edit after the copy", |_, b| {
            b.contains("Contoso Edited After The Copy")
        });

        // mv content x, a change there, mv x content
        let away = site.join("x");
        std::fs::rename(site.join("content"), &away).unwrap();
        edit(
            &away.join("partners/contoso.yaml"),
            "Contoso Edited After The Copy",
            "Contoso Changed While Away",
        );
        std::fs::rename(&away, site.join("content")).unwrap();
        serve.wait_for(contoso, "the change made while away", |_, b| {
            b.contains("Contoso Changed While Away")
        });
        edit(
            &record,
            "Contoso Changed While Away",
            "Contoso Edited After The Return",
        );
        serve.wait_for(contoso, "an edit after the return", |_, b| {
            b.contains("Contoso Edited After The Return")
        });

        // mv static s2, a change there, mv s2 static
        std::fs::rename(site.join("static"), site.join("s2")).unwrap();
        std::fs::write(site.join("s2/extra.css"), "p { color: green }").unwrap();
        std::fs::rename(site.join("s2"), site.join("static")).unwrap();
        serve.wait_for("/extra.css", "the change made while away", |_, b| {
            b.contains("green")
        });
        std::fs::write(site.join("static/extra.css"), "p { color: blue }").unwrap();
        serve.wait_for("/extra.css", "an edit after the return", |_, b| {
            b.contains("blue")
        });

        // rm -rf templates && mkdir templates, and a template written again
        std::fs::remove_dir_all(site.join("templates")).unwrap();
        s.write("templates/404.html", "<p>Lost, second version</p>");
        serve.wait_for("/nowhere", "the template made again", |_, b| {
            b.contains("Lost, second version")
        });
        s.write("templates/404.html", "<p>Lost, third version</p>");
        serve.wait_for("/nowhere", "an edit after it", |_, b| {
            b.contains("Lost, third version")
        });
    });
}

/// The session behind serve, told only that content/ changed (the events
/// for the files in a folder made again are lost while it is not yet
/// watched): every file below it is read again, and what it serves is
/// what a fresh build gives.
#[test]
fn a_content_folder_replaced_is_read_again_in_full() {
    let s = Scratch::example();
    let root = s.site().canonicalize().unwrap();
    let opts = BuildOptions {
        root: root.clone(),
        drafts: false,
        deny_warnings: false,
        base_url: None,
        today: jiff::civil::date(2026, 11, 22),
    };
    let (mut session, update) = Session::open(opts.clone());
    let mut served = BTreeMap::new();
    render_into(&mut session, update, &mut served);

    let backup = s.dir.path().join("backup");
    copy_dir(&root.join("content"), &backup);
    edit(
        &backup.join("partners/fathom-security.yaml"),
        "name: Fathom Security Services",
        "name: Fathom Restored",
    );
    std::fs::remove_dir_all(root.join("content")).unwrap();
    copy_dir(&backup, &root.join("content"));
    let update = session.update(&[root.join("content")]);
    assert!(!update.failed());
    render_into(&mut session, update, &mut served);

    let loaded = pipeline::load(&opts);
    assert!(!loaded.has_errors());
    let theme = render::load_theme(&loaded.site).unwrap();
    let fresh: BTreeMap<String, Vec<u8>> = render::render(&loaded.site, &theme, opts.today)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &fresh {
        assert!(served[path] == *bytes, "{path} differs from a fresh build");
    }
    assert!(String::from_utf8_lossy(&served["index.html"]).contains("Fathom Restored"));
}

/// Renders every phase of `update` into `served`, as serve publishes it.
fn render_into(session: &mut Session, update: Update, served: &mut BTreeMap<String, Vec<u8>>) {
    session
        .render(
            update,
            |files, gone| {
                served.extend(files.into_iter().map(|f| (f.path, f.bytes)));
                for path in gone {
                    served.remove(path);
                }
            },
            || false,
        )
        .unwrap();
}

// ---------------------------------------------------------------------------
// a theme that appears

/// `theme: mini` is set while themes/mini does not exist (with and without
/// a themes/ folder); the folder is made, then filled a file at a time:
/// the error goes away and the theme is used, without partnerbook.yaml
/// being saved again.
#[test]
fn a_theme_folder_made_after_the_configuration_named_it_is_used() {
    for themes_folder in [false, true] {
        let s = minimal_site();
        let site = s.site();
        s.write("partnerbook.yaml", "title: Partners\ntheme: mini\n");
        if themes_folder {
            s.write("themes/other/templates/base.html", "unused");
        }
        let serve = Serve::start(&site, &[]);
        let (_, before) = serve.get("/");
        assert!(
            before.contains("theme `mini` does not exist"),
            "themes/ made first: {themes_folder}\n{}",
            clip(&before)
        );

        std::fs::create_dir_all(site.join("themes/mini/templates")).unwrap();
        for entry in std::fs::read_dir(repo().join("themes/default/templates")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_str().unwrap();
            s.write(
                &format!("themes/mini/templates/{name}"),
                text.replace("<body ", "<body data-theme=\"mini\" "),
            );
        }
        let page = serve.wait_for("/partners/contoso/", "the mini theme", |status, b| {
            status == 200 && b.contains("data-theme=\"mini\"")
        });
        assert!(!page.contains("does not exist"), "{}", clip(&page));
        edit(
            &site.join("themes/mini/templates/base.html"),
            "data-theme=\"mini\"",
            "data-theme=\"mini, edited\"",
        );
        serve.wait_for("/partners/contoso/", "an edit to the theme", |_, b| {
            b.contains("data-theme=\"mini, edited\"")
        });
    }
}

// ---------------------------------------------------------------------------
// a git checkout

/// Runs git in `dir`; fails the test (never skips it) when git is missing.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run git ({e}): this test needs git; install git and run it again")
        });
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A valid partner record named `name`.
fn record(name: &str) -> String {
    format!(
        "name: {name}\n\
         tier: casual\n\
         objectives: [market-access]\n\
         proposition:\n  \
           we_do: License compliance software.\n  \
           they_do: Resells software to mid-size firms.\n  \
           together: A compliance check with every renewal.\n  \
           partner_benefit: A reason to call customers before renewal.\n"
    )
}

/// `git checkout other`, where `other` differs from `main` in 500 files
/// (498 records changed, one removed, one added): one rebuild, after
/// which the site is `other`'s.
#[test]
#[ignore = "needs git; .ci/run installs it"]
fn a_git_checkout_of_500_files_is_one_rebuild_with_the_new_branchs_site() {
    each_watcher(checkout_of_500_files);
}

fn checkout_of_500_files(args: &[&str]) {
    let s = Scratch::empty();
    let site = s.site();
    s.write("partnerbook.yaml", "title: Partners\n");
    for i in 0..500 {
        s.write(
            &format!("content/partners/p{i:03}.yaml"),
            record(&format!("Main {i:03}")),
        );
    }
    git(&site, &["init", "-q", "-b", "main"]);
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-q", "-m", "main"]);
    git(&site, &["checkout", "-q", "-b", "other"]);
    for i in 0..498 {
        s.write(
            &format!("content/partners/p{i:03}.yaml"),
            record(&format!("Other {i:03}")),
        );
    }
    std::fs::remove_file(site.join("content/partners/p499.yaml")).unwrap();
    s.write("content/partners/only-other.yaml", record("Only On Other"));
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-q", "-m", "other"]);
    git(&site, &["checkout", "-q", "main"]);

    let serve = Serve::start(&site, args);
    assert!(serve.get("/partners/p000/").1.contains("Main 000"));
    assert_eq!(serve.get("/partners/p499/").0, 200);
    assert!(serve.rebuilds().is_empty(), "{}", serve.stderr());

    git(&site, &["checkout", "-q", "other"]);
    serve.wait_for(
        "/partners/only-other/",
        "the partner only on `other`",
        |status, _| status == 200,
    );
    // then a save: its rebuild comes next, so any rebuild between is the
    // checkout's
    edit(
        &site.join("content/partners/p000.yaml"),
        "name: Other 000",
        "name: Other 000 Saved",
    );
    let rebuilds = serve.wait_for_rebuild_of("content/partners/p000.yaml");
    assert_eq!(
        rebuilds.len(),
        2,
        "{args:?}: not one rebuild for the checkout and one for the save:\n{}",
        rebuilds.join("\n")
    );
    assert!(
        rebuilds[0].contains("(500 partners, 0 playbooks)"),
        "{}",
        rebuilds[0]
    );
    assert_eq!(serve.get("/partners/p499/").0, 404);
    for (path, name) in [
        ("/partners/p000/", "Other 000 Saved"),
        ("/partners/p001/", "Other 001"),
        ("/partners/p497/", "Other 497"),
        ("/partners/p498/", "Main 498"),
    ] {
        let (status, body) = serve.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(name), "{path} does not show {name}");
    }
    let (_, home) = serve.get("/");
    assert!(home.contains("Only On Other") && home.contains("Other 497"));
    assert!(!home.contains("Main 497") && !home.contains("Main 499"));
}

/// A checkout on a slow disk, where git stops for a while halfway
/// through: as long as git holds its index lock, the files it writes are
/// one change. (The lock and the pause are made by hand, so git is not
/// needed.)
#[test]
fn a_checkout_that_stops_halfway_is_still_one_rebuild() {
    each_watcher(|args| {
        let s = Scratch::empty();
        let site = s.site();
        s.write("partnerbook.yaml", "title: Partners\n");
        for i in 0..40 {
            s.write(
                &format!("content/partners/p{i:02}.yaml"),
                record(&format!("Main {i:02}")),
            );
        }
        std::fs::create_dir_all(site.join(".git")).unwrap();
        let serve = Serve::start(&site, args);
        let lock = site.join(".git/index.lock");
        std::fs::write(&lock, "").unwrap();
        for i in 0..40 {
            if i == 20 {
                // the disk is slow: longer than a look of `--poll`
                std::thread::sleep(Duration::from_millis(1200));
            }
            s.write(
                &format!("content/partners/p{i:02}.yaml"),
                record(&format!("Other {i:02}")),
            );
        }
        std::fs::remove_file(&lock).unwrap();
        serve.wait_for("/", "the second half", |_, b| b.contains("Other 39"));
        edit(
            &site.join("content/partners/p00.yaml"),
            "Other 00",
            "Other 00 Saved",
        );
        let rebuilds = serve.wait_for_rebuild_of("content/partners/p00.yaml");
        assert_eq!(
            rebuilds.len(),
            2,
            "{args:?}: not one rebuild for the checkout and one for the save:\n{}",
            rebuilds.join("\n")
        );
        let (_, home) = serve.get("/");
        assert!(home.contains("Other 00 Saved") && !home.contains("Main "));
    });
}

// ---------------------------------------------------------------------------
// --poll, and what it is for

/// Writes `to` over `from` in the file at `path` in place, through a hard
/// link in a folder outside the site: the system reports a change to the
/// folder the file was opened in, so a watcher of the site's folders is
/// not told (as with a Docker bind mount or a network share, where the
/// change is made by another machine).
fn edit_through_a_hard_link(s: &Scratch, path: &Path, from: &str, to: &str) {
    let outside = s.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let link = outside.join(path.file_name().unwrap());
    let _ = std::fs::remove_file(&link);
    std::fs::hard_link(path, &link).unwrap();
    edit(&link, from, to);
}

/// With `--poll`, serve sees an edit the system does not report, a second
/// save that keeps the file's modification time, a new file and a removed
/// one.
#[test]
fn poll_sees_edits_the_system_does_not_report_and_files_added_and_removed() {
    let s = minimal_site();
    let site = s.site();
    let serve = Serve::start(&site, &["--poll"]);
    let file = site.join("content/partners/contoso.yaml");
    let contoso = "/partners/contoso/";

    edit_through_a_hard_link(&s, &file, "name: Contoso", "name: Contoso Linked");
    serve.wait_for(contoso, "the edit", |_, b| b.contains("Contoso Linked"));

    // the poll watcher compares modification times to the whole second:
    // a second save within the second of the first, of the same length,
    // must show too (saved as a copy renamed over the file, so that no
    // look sees it with another time)
    let first = std::fs::metadata(&file).unwrap().modified().unwrap();
    let since = first.duration_since(UNIX_EPOCH).unwrap();
    let below = if since.subsec_millis() < 500 {
        900
    } else {
        100
    };
    let again = UNIX_EPOCH + Duration::from_secs(since.as_secs()) + Duration::from_millis(below);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!("Contoso Linked".len(), "Contoso Second".len());
    let copy = site.join("content/partners/.contoso.yaml.tmp");
    std::fs::write(&copy, text.replace("Contoso Linked", "Contoso Second")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&copy)
        .unwrap()
        .set_modified(again)
        .unwrap();
    std::fs::rename(&copy, &file).unwrap();
    serve.wait_for(contoso, "the second save", |_, b| {
        b.contains("Contoso Second")
    });

    let added = site.join("content/partners/fabrikam.yaml");
    std::fs::write(&added, record("Fabrikam")).unwrap();
    serve.wait_for("/partners/fabrikam/", "the new partner", |status, b| {
        status == 200 && b.contains("Fabrikam")
    });
    std::fs::remove_file(&added).unwrap();
    serve.wait_for("/partners/fabrikam/", "the partner removed", |status, _| {
        status == 404
    });
}

/// The reason for `--poll`, and the proof that the test above polls: the
/// system's watcher misses the edit made through a hard link. A later
/// save of another file is rebuilt, and the edit is still not served.
#[cfg(target_os = "linux")]
#[test]
fn the_system_watcher_misses_an_edit_through_a_hard_link() {
    let s = minimal_site();
    let site = s.site();
    let serve = Serve::start(&site, &[]);
    let record = site.join("content/partners/contoso.yaml");
    edit_through_a_hard_link(&s, &record, "name: Contoso", "name: Contoso Linked");
    edit(
        &site.join("content/partners/northwind.yaml"),
        "name: Northwind",
        "name: Northwind Saved",
    );
    let rebuilds = serve.wait_for_rebuild_of("content/partners/northwind.yaml");
    assert_eq!(rebuilds.len(), 1, "{}", rebuilds.join("\n"));
    let (_, page) = serve.get("/partners/contoso/");
    assert!(!page.contains("Contoso Linked"));
}

// ---------------------------------------------------------------------------
// what stays as it was

/// Editor swap and backup files cause no rebuild, and a save that writes
/// a temporary file and renames it over the original causes one.
#[test]
fn swap_files_are_ignored_and_an_atomic_save_is_one_rebuild() {
    let s = minimal_site();
    let site = s.site();
    let serve = Serve::start(&site, &[]);
    let partners = site.join("content/partners");
    std::fs::write(partners.join(".contoso.yaml.swp"), "junk").unwrap();
    std::fs::write(partners.join("contoso.yaml~"), "junk").unwrap();
    let text = std::fs::read_to_string(partners.join("contoso.yaml")).unwrap();
    let tmp = partners.join(".contoso.yaml.tmp");
    std::fs::write(&tmp, text.replace("name: Contoso", "name: Contoso Saved")).unwrap();
    std::fs::rename(&tmp, partners.join("contoso.yaml")).unwrap();
    serve.wait_for("/partners/contoso/", "the save", |_, b| {
        b.contains("Contoso Saved")
    });
    // then a save of another file: its rebuild comes next
    edit(
        &partners.join("northwind.yaml"),
        "name: Northwind",
        "name: Northwind Saved",
    );
    let rebuilds = serve.wait_for_rebuild_of("content/partners/northwind.yaml");
    assert_eq!(rebuilds.len(), 2, "{}", rebuilds.join("\n"));
}
