//! The file system (issue "hostile input", part 3): symbolic links out of
//! the site are refused and never followed, links inside it are followed,
//! loops end, unreadable and special files and names that are not UTF-8
//! are diagnostics rather than skips, dangerous output folders are refused
//! with nothing deleted, and builds started together on one output leave
//! one whole site.
//!
//! Runs that could hang on a bug (a build that opens a pipe waits forever)
//! have a one-minute timeout: a watchdog, never a measurement.

#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::{Path, PathBuf};
use std::time::Duration;

use snapbox::cmd::OutputAssert;

use crate::support::{Scratch, fixture, partnerbook, stderr, stderr_snapshot, tree};

/// How long a run may take before the test calls it hung.
const HANG: Duration = Duration::from_secs(60);

fn minimal() -> Scratch {
    Scratch::copy_of(&fixture("minimal"))
}

/// `partnerbook <command> --root <site> [args]`, with the hang watchdog.
fn run(s: &Scratch, command: &str, args: &[&str]) -> OutputAssert {
    partnerbook()
        .arg(command)
        .arg("--root")
        .arg(s.site())
        .args(args)
        .timeout(HANG)
        .assert()
}

/// Makes a named pipe: opening it to read waits until someone writes.
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn links_out_of_the_site_are_refused_and_never_followed() {
    let s = minimal();
    let outside = s.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    // a pipe: a build that opened it, to read or to look inside, would
    // wait forever, so the watchdog would fail the test
    mkfifo(&outside.join("pipe.yaml"));
    std::fs::write(
        outside.join("secret.yaml"),
        "name: Secret Co\ntier: casual\nproposition: {we_do: a, they_do: b, together: c, partner_benefit: the secret}\n",
    )
    .unwrap();
    let partners = s.site().join("content/partners");
    symlink(outside.join("pipe.yaml"), partners.join("pipe.yaml")).unwrap();
    symlink(outside.join("secret.yaml"), partners.join("secret.yaml")).unwrap();
    symlink(&outside, partners.join("folder")).unwrap();
    symlink(&outside, s.site().join("content/playbooks/guides")).unwrap();
    // a link to the whole file system costs nothing either
    symlink("/", partners.join("everything")).unwrap();
    let out = run(&s, "build", &[]).code(2);
    assert!(!stderr(&out).contains("the secret"));
    assert!(!s.public().exists());
    stderr_snapshot(out, "fs-links-outside");
}

#[test]
fn links_out_of_templates_and_static_files_are_refused() {
    let s = minimal();
    let outside = s.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    mkfifo(&outside.join("pipe.css"));
    std::fs::write(outside.join("partner.html"), "{{ secret }}").unwrap();
    std::fs::create_dir_all(s.site().join("static")).unwrap();
    std::fs::create_dir_all(s.site().join("templates")).unwrap();
    symlink("/", s.site().join("static/everything")).unwrap();
    symlink(outside.join("pipe.css"), s.site().join("static/pipe.css")).unwrap();
    symlink(
        outside.join("partner.html"),
        s.site().join("templates/partner.html"),
    )
    .unwrap();
    let out = run(&s, "build", &[]).code(2);
    assert!(!s.public().exists());
    stderr_snapshot(out, "fs-links-outside-theme");
}

#[test]
fn links_inside_the_site_are_followed() {
    let s = minimal();
    // shared/ is in the site but outside content/: linking to it is how a
    // site reuses a file, and nothing leaves the site root
    let shared = s.site().join("shared");
    std::fs::create_dir_all(shared.join("guides")).unwrap();
    std::fs::write(
        shared.join("partner.yaml"),
        std::fs::read_to_string(s.site().join("content/partners/contoso.yaml"))
            .unwrap()
            .replace("Contoso", "Fabrikam"),
    )
    .unwrap();
    std::fs::write(
        shared.join("guides/renewals.md"),
        "---\ntitle: Renewals\n---\nCall [Fabrikam](@/partners/fabrikam) first.\n",
    )
    .unwrap();
    symlink(
        "../../shared/partner.yaml",
        s.site().join("content/partners/fabrikam.yaml"),
    )
    .unwrap();
    symlink(
        "../../shared/guides",
        s.site().join("content/playbooks/guides"),
    )
    .unwrap();
    run(&s, "build", &[]).code(0);
    assert!(s.out("partners/fabrikam/index.html").contains("Fabrikam"));
    assert!(
        s.out("playbooks/guides/renewals/index.html")
            .contains("../../../partners/fabrikam/index.html")
    );
}

#[test]
fn link_loops_and_dangling_links_end_with_diagnostics() {
    let s = minimal();
    let partners = s.site().join("content/partners");
    // a folder that holds a link to itself, a link to itself, two links
    // to each other, and a link to nothing
    symlink("..", partners.join("up")).unwrap();
    symlink(".", partners.join("here")).unwrap();
    symlink("self.yaml", partners.join("self.yaml")).unwrap();
    symlink("b.yaml", partners.join("a.yaml")).unwrap();
    symlink("a.yaml", partners.join("b.yaml")).unwrap();
    symlink("nowhere.yaml", partners.join("gone.yaml")).unwrap();
    let out = run(&s, "check", &[]).code(2);
    stderr_snapshot(out, "fs-link-loops");
}

#[test]
fn unreadable_files_and_folders_are_reported() {
    let s = minimal();
    let record = s.site().join("content/partners/contoso.yaml");
    let folder = s.site().join("content/playbooks/private");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("secret.md"), "---\ntitle: Secret\n---\n").unwrap();
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut command = partnerbook();
    if std::fs::read(&record).is_ok() {
        // permissions do not bind this user (root, or CAP_DAC_OVERRIDE):
        // run partnerbook as nobody, who can walk to the site but not read
        // the two entries
        if std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!(
                "SKIPPED the unreadable-file assertion: permissions do not bind this user and setpriv is missing"
            );
            return;
        }
        // the temporary folder is private to its owner
        std::fs::set_permissions(s.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        command = snapbox::cmd::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(snapbox::cmd::cargo_bin!("partnerbook"))
            .env("SOURCE_DATE_EPOCH", crate::support::TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE");
    }
    let out = command
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .timeout(HANG)
        .assert()
        .code(2);
    // let the temporary folder be removed
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    stderr_snapshot(out, "fs-unreadable");
}

#[test]
fn file_names_that_are_not_utf8_are_reported() {
    let s = minimal();
    let partner = s
        .site()
        .join("content/partners")
        .join(OsStr::from_bytes(b"caf\xe9.yaml"));
    let playbook = s
        .site()
        .join("content/playbooks")
        .join(OsStr::from_bytes(b"\xff\xfe.md"));
    if let Err(e) = std::fs::write(&partner, "name: Café\n") {
        // some file systems (ZFS with utf8only, most macOS volumes) refuse them
        eprintln!("SKIPPED: this file system refuses names that are not UTF-8: {e}");
        return;
    }
    std::fs::write(&playbook, "---\ntitle: X\n---\n").unwrap();
    let out = run(&s, "check", &[]).code(1);
    stderr_snapshot(out, "fs-non-utf8-names");
}

#[test]
fn pipes_and_sockets_are_reported_not_read() {
    let s = minimal();
    mkfifo(&s.site().join("content/partners/pipe.yaml"));
    let _socket =
        std::os::unix::net::UnixListener::bind(s.site().join("content/playbooks/socket.md"))
            .unwrap();
    let out = run(&s, "check", &[]).code(2);
    stderr_snapshot(out, "fs-special-files");
}

/// Every entry below `dir`: its path, its kind, and a file's bytes or a
/// link's target, so that a removed empty folder or link shows too.
fn everything(dir: &Path) -> Vec<(PathBuf, String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let path = e.path().to_path_buf();
            let kind = e.file_type();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                (path, "link".into(), target.as_os_str().as_bytes().to_vec())
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                (path, "file".into(), bytes)
            } else {
                (path, "folder".into(), Vec::new())
            }
        })
        .collect()
}

#[test]
fn dangerous_output_folders_are_refused_with_nothing_deleted() {
    let s = minimal();
    let site = s.site();
    let scratch = s.dir.path().to_path_buf();
    s.build(&[]).code(0);
    s.write("out.txt", "a file");
    std::fs::create_dir_all(scratch.join("www")).unwrap();
    std::fs::write(scratch.join("www/notes.txt"), "someone else's").unwrap();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::create_dir_all(site.join("static/css")).unwrap();
    symlink(&site, scratch.join("site-link")).unwrap();
    symlink("content", site.join("content-link")).unwrap();
    symlink(scratch.join("www"), scratch.join("www-link")).unwrap();
    let before = everything(&scratch);
    let cases: Vec<(PathBuf, &str)> = vec![
        (site.clone(), "it holds the site itself"),
        (site.join("."), "it holds the site itself"),
        (site.join("public/.."), "it holds the site itself"),
        (site.join("content/.."), "it holds the site itself"),
        (scratch.clone(), "it holds the site itself"),
        (PathBuf::from("/"), "it holds the site itself"),
        (scratch.join("site-link"), "it holds the site itself"),
        (
            scratch.join("site-link/public/.."),
            "it holds the site itself",
        ),
        (
            site.join("content"),
            "it is inside the site's content/ folder",
        ),
        (
            site.join("content/partners"),
            "it is inside the site's content/ folder",
        ),
        (
            site.join("public/../content/new"),
            "it is inside the site's content/ folder",
        ),
        (
            site.join("content-link"),
            "it is inside the site's content/ folder",
        ),
        (
            site.join("content-link/new"),
            "it is inside the site's content/ folder",
        ),
        (
            site.join("templates"),
            "it is inside the site's templates/ folder",
        ),
        (
            site.join("static/css"),
            "it is inside the site's static/ folder",
        ),
        (site.join("out.txt"), "it is a file, not a folder"),
        (
            scratch.join("www"),
            "it is not empty and partnerbook did not write it",
        ),
        (
            scratch.join("www-link"),
            "it is not empty and partnerbook did not write it",
        ),
    ];
    for (output, why) in &cases {
        let out = s.build(&["-o", output.to_str().unwrap()]).code(2);
        let err = stderr(&out);
        assert!(
            err.starts_with("error: refusing") && err.contains(why),
            "{}: {err}",
            output.display()
        );
        assert_eq!(
            everything(&scratch),
            before,
            "{} changed files",
            output.display()
        );
    }
    // relative paths, from inside the site
    for output in [".", "..", "content/..", "./content", "public/../content"] {
        let out = partnerbook()
            .current_dir(&site)
            .args(["build", "-o", output])
            .assert()
            .code(2);
        assert!(
            stderr(&out).starts_with("error: refusing"),
            "{output}: {}",
            stderr(&out)
        );
        assert_eq!(everything(&scratch), before, "{output} changed files");
    }
}

#[test]
fn builds_started_together_on_one_output_leave_one_whole_site() {
    let scratch = Scratch::empty();
    let sites: Vec<Scratch> = ["First", "Second"]
        .iter()
        .map(|title| {
            let s = Scratch::empty();
            crate::support::write_partners(&s, 40, title);
            s
        })
        .collect();
    // what each site looks like built alone
    let references: Vec<_> = sites
        .iter()
        .map(|s| {
            s.build(&[]).code(0);
            tree(&s.public())
        })
        .collect();
    assert_ne!(references[0], references[1]);
    let output = scratch.dir.path().join("www");
    for round in 0..3 {
        let children: Vec<_> = sites
            .iter()
            .map(|s| {
                std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
                    .args(["build", "--root"])
                    .arg(s.site())
                    .arg("-o")
                    .arg(&output)
                    .env("SOURCE_DATE_EPOCH", crate::support::TODAY_EPOCH)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(
                child.wait().unwrap().success(),
                "round {round}: a build failed"
            );
        }
        let built = tree(&output);
        assert!(
            references.contains(&built),
            "round {round}: the output is neither site alone"
        );
        let leftovers: Vec<_> = std::fs::read_dir(scratch.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "www")
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
}
