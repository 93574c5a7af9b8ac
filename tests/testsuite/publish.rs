//! Publishing in place (SPEC section 7, version 2), as the owner of a web
//! root sees it: a rebuild replaces only the files whose bytes changed,
//! never the output folder itself; files partnerbook did not write (a
//! gh-pages checkout's `.git/`, a `CNAME`, notes placed by hand) stay as
//! they are; a failed build changes nothing; an obstacle fails the build
//! with one clear error and the next build, once it is gone, finishes the
//! job.
//!
//! The `#[ignore]`d tests need root: the output folder as a tmpfs mount
//! point, bind-mounted elsewhere (as `docker -v` does), the merged folder
//! of an overlay file system, and a web root owned by another account.

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::support::{
    MANIFEST, Mount, STAGING, Scratch, TODAY_EPOCH, assert_converged, bookkeeping, clean_build,
    fixture, is_root, minimal_version, minimal_versions, stderr, tree, whole,
};

fn minimal() -> Scratch {
    Scratch::copy_of(&fixture("minimal"))
}

/// The inode and modification time of `path`.
fn identity(path: &Path) -> (u64, SystemTime) {
    let meta =
        std::fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (meta.ino(), meta.modified().unwrap())
}

/// The inode and modification time of every file below `dir`, and the
/// inode of every folder (a folder's time changes with its entries), the
/// folder itself as "".
fn identities(dir: &Path) -> BTreeMap<String, (u64, Option<SystemTime>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let (ino, time) = identity(e.path());
            let time = (!e.file_type().is_dir()).then_some(time);
            (rel.to_string_lossy().into_owned(), (ino, time))
        })
        .collect()
}

/// The names in the folder `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The parent of an output folder as a reader of it sees it: its inode,
/// time and entries.
fn parent_state(dir: &Path) -> ((u64, SystemTime), Vec<String>) {
    (identity(dir), entries(dir))
}

/// Everything below `dir` that `keep` selects: each path with its kind,
/// permissions and bytes (for files someone else put in an output folder).
fn snapshot(dir: &Path, keep: &dyn Fn(&str) -> bool) -> Vec<(String, String, u32, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if !keep(&rel) {
                return None;
            }
            let meta = e.metadata().unwrap();
            let mode = meta.permissions().mode();
            Some(if e.file_type().is_dir() {
                (rel, "folder".into(), mode, Vec::new())
            } else {
                (rel, "file".into(), mode, std::fs::read(e.path()).unwrap())
            })
        })
        .collect()
}

/// Asserts that a failed build took back what it staged: none of
/// partnerbook's records of a build in progress is left in `output` but the
/// manifest.
fn no_leftovers(output: &Path, what: &str) {
    let left: Vec<String> = tree(output)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| bookkeeping(p) && p != MANIFEST)
        .collect();
    assert!(left.is_empty(), "{what} left {left:?}");
    assert!(!output.join(STAGING).exists(), "{what} left {STAGING}");
}

/// Asserts two trees are equal, saying briefly how they differ.
fn assert_same(now: &[(String, Vec<u8>)], expected: &[(String, Vec<u8>)], what: &str) {
    assert!(
        now == expected,
        "{what}: {}",
        crate::support::tree_difference(now, expected)
    );
}

/// Waits long enough that a file written now has a later time than one
/// written before (file times advance with the kernel's clock tick).
fn tick() {
    std::thread::sleep(Duration::from_millis(30));
}

#[test]
fn a_rebuild_replaces_only_the_files_whose_bytes_changed() {
    let s = minimal();
    s.build(&[]).code(0);
    let public = s.public();
    let bytes_before: BTreeMap<String, Vec<u8>> = tree(&public).into_iter().collect();
    let before = identities(&public);
    let parent = parent_state(&s.site());
    tick();

    // one record's partner benefit edited
    let record = "content/partners/northwind.yaml";
    let text = std::fs::read_to_string(s.site().join(record)).unwrap();
    let edited = text.replace(
        "Meets its outsourcing SLAs without building its own tool.",
        "A steady stream of renewals to quote.",
    );
    assert_ne!(edited, text);
    s.write(record, edited);
    s.build(&[]).code(0);
    let bytes_after: BTreeMap<String, Vec<u8>> = tree(&public).into_iter().collect();
    let after = identities(&public);

    assert_eq!(
        bytes_before.keys().collect::<Vec<_>>(),
        bytes_after.keys().collect::<Vec<_>>(),
        "the rebuild added or removed files"
    );
    let changed: BTreeSet<&str> = bytes_before
        .iter()
        .filter(|(path, bytes)| bytes_after[*path] != **bytes)
        .map(|(path, _)| path.as_str())
        .collect();
    let replaced: BTreeSet<&str> = bytes_before
        .keys()
        .filter(|path| before[*path] != after[*path])
        .map(String::as_str)
        .collect();
    assert_eq!(
        replaced, changed,
        "the files given a new inode or time are not exactly those whose bytes changed"
    );
    // the partner's pages, the lists that show its benefit, the feeds
    for path in [
        "partners/northwind/index.html",
        "partners/northwind/worksheet/index.html",
        "index.html",
        "tiers/casual/index.html",
        "partners.json",
        "search-index.js",
        MANIFEST,
    ] {
        assert!(changed.contains(path), "{path} did not change: {changed:?}");
    }
    for path in [
        "partners/contoso/index.html",
        "partners/contoso/worksheet/index.html",
        "playbooks/first-call/index.html",
        "style.css",
        "search.js",
        "404.html",
    ] {
        assert!(!changed.contains(path), "{path} changed");
    }
    // every folder, the output folder itself included, is the same folder
    for (path, id) in before.iter().filter(|(_, (_, time))| time.is_none()) {
        assert_eq!(
            after.get(path),
            Some(id),
            "the folder `{path}` was replaced"
        );
    }
    assert_eq!(
        parent_state(&s.site()),
        parent,
        "the folder holding public/ changed"
    );
    assert_converged(&public, &clean_build(&s), "the rebuild");
}

#[test]
fn a_gh_pages_checkout_keeps_its_git_folder_and_hand_placed_files() {
    let s = minimal();
    let public = s.public();
    // a checkout of a gh-pages branch, written as git writes it, with a
    // commit not pushed yet, and an old deploy's index page
    s.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    s.write(
        "public/.git/config",
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote \"origin\"]\n\turl = git@example.com:acme/partners.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    );
    let (pushed, unpushed) = (
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "9fceb02d0ae598e95dc970b74767f19372d61af8",
    );
    s.write("public/.git/refs/heads/gh-pages", format!("{unpushed}\n"));
    s.write(
        "public/.git/refs/remotes/origin/gh-pages",
        format!("{pushed}\n"),
    );
    s.write(
        "public/.git/logs/HEAD",
        format!(
            "{pushed} {unpushed} Ada <ada@example.com> 1795305600 +0000\tcommit: fix the CNAME\n"
        ),
    );
    s.write(
        "public/.git/index",
        b"DIRC\0\0\0\x02\0\0\0\x03\xff\xfe\0\x01",
    );
    let object = format!("public/.git/objects/{}/{}", &unpushed[..2], &unpushed[2..]);
    s.write(&object, b"x\x01\x95\x8dA\n\xc20\x10\0\xef}\xc5\xde\x05");
    std::fs::set_permissions(
        s.site().join(&object),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    std::fs::create_dir_all(public.join(".git/objects/pack")).unwrap();
    s.write("public/CNAME", "partners.example.com\n");
    s.write(
        "public/notes.txt",
        "Deploy with `git push origin gh-pages`.\n",
    );
    s.write("public/index.html", "<p>the old deploy</p>");
    let theirs =
        |p: &str| p == ".git" || p.starts_with(".git/") || p == "CNAME" || p == "notes.txt";
    let kept = snapshot(&public, &theirs);
    assert!(kept.len() > 10);

    // not partnerbook's folder: refused, untouched
    let refused = s.build(&[]).code(2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(snapshot(&public, &theirs), kept);
    assert_eq!(
        std::fs::read_to_string(public.join("index.html")).unwrap(),
        "<p>the old deploy</p>"
    );

    // --force once, then ordinary builds: a partner added, a record
    // edited, a partner removed, nothing changed
    s.build(&["--force"]).code(0);
    type Change<'a> = Box<dyn Fn() + 'a>;
    let steps: Vec<(&str, Change)> = vec![
        ("the forced build", Box::new(|| {})),
        (
            "a partner added",
            Box::new(|| {
                s.write(
                    "content/partners/fabrikam.yaml",
                    "name: Fabrikam\ntier: casual\nobjectives: [market-access]\nproposition:\n  we_do: A.\n  they_do: B.\n  together: C.\n  partner_benefit: D.\n",
                );
            }),
        ),
        (
            "the title changed",
            Box::new(|| s.write("partnerbook.yaml", "title: Partners\n")),
        ),
        (
            "a partner removed",
            Box::new(|| {
                std::fs::remove_file(s.site().join("content/partners/contoso.yaml")).unwrap();
            }),
        ),
        ("nothing changed", Box::new(|| {})),
    ];
    for (i, (what, change)) in steps.into_iter().enumerate() {
        if i > 0 {
            change();
            s.build(&[]).code(0);
        }
        assert_eq!(
            snapshot(&public, &theirs),
            kept,
            "after {what}: the checkout's own files changed"
        );
        // partnerbook's files are what a clean build writes
        let ours: Vec<_> = tree(&public)
            .into_iter()
            .filter(|(p, _)| !theirs(p))
            .collect();
        assert_same(&ours, &clean_build(&s), &format!("after {what}"));
        assert!(!public.join(STAGING).exists());
    }
    assert!(!public.join("partners/contoso").exists());
}

#[test]
fn a_deleted_partners_folder_goes_unless_someone_elses_file_is_in_it() {
    let s = minimal();
    let public = s.public();
    let contoso = std::fs::read(s.site().join("content/partners/contoso.yaml")).unwrap();
    s.build(&[]).code(0);
    std::fs::remove_file(s.site().join("content/partners/contoso.yaml")).unwrap();
    s.build(&[]).code(0);
    assert!(!public.join("partners/contoso").exists());
    assert_converged(&public, &clean_build(&s), "Contoso removed");

    // back, with a file placed by hand in its folder, then removed again
    s.write("content/partners/contoso.yaml", &contoso);
    s.build(&[]).code(0);
    s.write("public/partners/contoso/notes.txt", "call back in May");
    std::fs::remove_file(s.site().join("content/partners/contoso.yaml")).unwrap();
    s.build(&[]).code(0);
    assert_eq!(
        std::fs::read_to_string(public.join("partners/contoso/notes.txt")).unwrap(),
        "call back in May"
    );
    assert_eq!(entries(&public.join("partners/contoso")), ["notes.txt"]);
    // the rest is what a clean build writes; the manifest still lists the
    // folder as partnerbook's, to remove once it is empty
    let ours: Vec<_> = tree(&public)
        .into_iter()
        .filter(|(p, _)| p != "partners/contoso/notes.txt" && p != MANIFEST)
        .collect();
    let clean: Vec<_> = clean_build(&s)
        .into_iter()
        .filter(|(p, _)| p != MANIFEST)
        .collect();
    assert_same(
        &ours,
        &clean,
        "Contoso removed again, with a note in its folder",
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join(MANIFEST)).unwrap()).unwrap();
    assert!(
        manifest["folders"]
            .as_array()
            .unwrap()
            .contains(&"partners/contoso".into()),
        "{manifest}"
    );

    // the note gone, the folder is partnerbook's to remove at the next
    // build that writes
    std::fs::remove_file(public.join("partners/contoso/notes.txt")).unwrap();
    s.write("partnerbook.yaml", "title: Partners\n");
    s.build(&[]).code(0);
    assert!(!public.join("partners/contoso").exists());
    assert_converged(&public, &clean_build(&s), "the note removed");
}

#[test]
fn hidden_static_files_are_published_and_removed_with_their_source() {
    let s = minimal();
    let htaccess = "ErrorDocument 404 /404.html\nOptions -Indexes\n";
    let security = "Contact: mailto:security@example.com\nExpires: 2027-11-22T00:00:00.000Z\n";
    s.write("static/.htaccess", htaccess);
    s.write("static/.well-known/security.txt", security);
    s.build(&[]).code(0);
    assert_eq!(s.out(".htaccess"), htaccess);
    assert_eq!(s.out(".well-known/security.txt"), security);
    let manifest = std::fs::read_to_string(s.public().join(MANIFEST)).unwrap();
    assert!(
        manifest.contains("\".well-known/security.txt\""),
        "{manifest}"
    );
    assert!(manifest.contains("\".htaccess\""), "{manifest}");
    s.build(&[]).code(0);
    assert_eq!(s.out(".htaccess"), htaccess);

    std::fs::remove_file(s.site().join("static/.htaccess")).unwrap();
    std::fs::remove_dir_all(s.site().join("static/.well-known")).unwrap();
    s.build(&[]).code(0);
    assert!(!s.public().join(".htaccess").exists());
    assert!(!s.public().join(".well-known").exists());
    assert_converged(&s.public(), &clean_build(&s), "the hidden files removed");
}

#[test]
fn a_folder_where_a_file_goes_fails_with_one_clear_error_and_then_converges() {
    let (s, sites) = minimal_versions();
    let public = s.public();
    s.build(&[]).code(0);
    // someone's folder, with a file in it, where Northwind's page goes
    let page = public.join("partners/northwind/index.html");
    std::fs::remove_file(&page).unwrap();
    s.write("public/partners/northwind/index.html/draft.txt", "mine");
    let in_the_way = |p: &str| p.starts_with("partners/northwind/index.html");

    minimal_version(&s, 1);
    let out = s.build(&[]).code(2);
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "not one error:\n{err}");
    assert!(
        errors[0].contains(&*page.to_string_lossy()),
        "the error does not name {}:\n{err}",
        page.display()
    );
    assert!(
        err.contains("folder"),
        "the error does not say a folder is in the way:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    no_leftovers(&public, "the failed build");
    if let Err(problems) = whole(&public, &sites, &in_the_way) {
        panic!("after the failed build: {problems}");
    }
    assert_eq!(
        std::fs::read_to_string(page.join("draft.txt")).unwrap(),
        "mine",
        "the folder in the way was touched"
    );

    std::fs::remove_dir_all(&page).unwrap();
    s.build(&[]).code(0);
    assert_converged(&public, &sites[1], "the folder moved away");
}

/// A commit that fails after it has renamed files into place (a disk that
/// fills or fails as the manifest is written): the next build, once the
/// trouble is gone, must still finish the job, whichever site it builds.
/// Here a folder stands where the manifest is written before its rename:
/// at each name a staging layout writes it under
/// (`.partnerbook-manifest.json.tmp`, or `..partnerbook-manifest.json.partnerbook-tmp`
/// beside it).
#[test]
fn a_commit_that_fails_after_its_renames_is_finished_by_the_next_build() {
    let mut failures = Vec::new();
    for after in [0, 1] {
        let (s, sites) = minimal_versions();
        let public = s.public();
        s.build(&[]).code(0);
        let obstacles = [
            public.join(format!("{MANIFEST}.tmp")),
            public.join(format!(".{MANIFEST}.partnerbook-tmp")),
        ];
        for obstacle in &obstacles {
            std::fs::create_dir(obstacle).unwrap();
        }
        minimal_version(&s, 1);
        let out = s.build(&[]).code(2);
        let err = stderr(&out);
        assert!(
            err.contains(MANIFEST),
            "the error names no manifest:\n{err}"
        );
        // the journal may stay, for the next build to finish the job
        assert!(!err.contains("panicked"), "{err}");
        if let Err(problems) = whole(&public, &sites, &|_| false) {
            panic!("after the failed commit: {problems}");
        }
        for obstacle in &obstacles {
            std::fs::remove_dir(obstacle).unwrap();
        }
        minimal_version(&s, after);
        s.build(&[]).code(0);
        let now = tree(&public);
        if now != sites[after] {
            failures.push(format!(
                "the {} site built after the failed commit: {}",
                ["old", "new"][after],
                crate::support::tree_difference(&now, &sites[after])
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_failed_build_leaves_every_file_inode_and_the_manifest_as_they_were() {
    let s = minimal();
    let public = s.public();
    // the folder the template overrides go in, there from the start
    std::fs::create_dir(s.site().join("templates")).unwrap();
    s.build(&[]).code(0);
    let bytes = tree(&public);
    let before = identities(&public);
    let parent = parent_state(&s.site());
    tick();
    let record = "content/partners/northwind.yaml";
    let text = std::fs::read_to_string(s.site().join(record)).unwrap();
    let failures = [
        // a record rejected
        (
            record,
            "name: Northwind\ntier: casual\nproposition:\n  partner_benefit: TBD\n",
        ),
        // a template that does not parse
        ("templates/tier.html", "{% if %}"),
        // a template that fails as a page renders, after writing began
        ("templates/partner.html", "{{ no_such_variable.field }}"),
    ];
    for (file, bad) in failures {
        let original = std::fs::read(s.site().join(file)).ok();
        s.write(file, bad);
        let out = s.build(&[]).code(1);
        assert!(
            stderr(&out).contains("was not touched"),
            "{file}: {}",
            stderr(&out)
        );
        assert_same(
            &tree(&public),
            &bytes,
            &format!("{file}: the bytes changed"),
        );
        let now = identities(&public);
        assert_eq!(now, before, "{file}: files were replaced");
        assert_eq!(parent_state(&s.site()), parent, "{file}: beside public/");
        match original {
            Some(original) => s.write(file, original),
            None => std::fs::remove_file(s.site().join(file)).unwrap(),
        }
    }
    assert_eq!(
        std::fs::read_to_string(s.site().join(record)).unwrap(),
        text
    );
    assert!(
        s.build(&[])
            .code(0)
            .get_output()
            .stdout
            .ends_with(b"(unchanged: nothing to write)\n")
    );
}

// ---------------------------------------------------------------------------
// Needing root: mounts and other accounts

const ROOT: &str = "needs root (mounts, other accounts): .ci/run runs the ignored tests as root";

#[test]
#[ignore = "needs root (mounts, other accounts): .ci/run runs the ignored tests as root"]
fn an_output_folder_that_is_a_mount_point_stays_one() {
    let (s, sites) = minimal_versions();
    let public = s.public();
    let mount = Mount::tmpfs(&public, 16 << 20);
    let device = std::fs::metadata(&public).unwrap().dev();
    for (round, version) in [0, 1, 0, 1].into_iter().enumerate() {
        minimal_version(&s, version);
        s.build(&[]).code(0);
        assert_converged(&public, &sites[version], &format!("build {round}"));
        assert!(
            mount.mounted(),
            "build {round}: public/ is no longer the mount point"
        );
        assert_eq!(std::fs::metadata(&public).unwrap().dev(), device);
    }
}

#[test]
#[ignore = "needs root (mounts, other accounts): .ci/run runs the ignored tests as root"]
fn a_bind_mount_of_the_output_shows_each_rebuild() {
    let (s, sites) = minimal_versions();
    let public = s.public();
    s.build(&[]).code(0);
    // what `docker run -v $PWD/public:/usr/share/nginx/html` does
    let html = s.dir.path().join("nginx-html");
    std::fs::create_dir(&html).unwrap();
    let public_path = public.to_str().unwrap().to_string();
    let _mount = Mount::new(&["--bind", &public_path], &html);
    assert_converged(&html, &sites[0], "the old site through the bind mount");
    for version in [1, 0, 1] {
        minimal_version(&s, version);
        s.build(&[]).code(0);
        assert_converged(
            &html,
            &sites[version],
            &format!(
                "the {} site through the bind mount",
                ["old", "new"][version]
            ),
        );
    }
}

#[test]
#[ignore = "needs root (mounts, other accounts): .ci/run runs the ignored tests as root"]
fn an_overlay_file_system_output_shows_each_rebuild() {
    let (s, sites) = minimal_versions();
    let base = s.dir.path();
    let [lower, upper, work, merged] =
        ["lower", "upper", "work", "merged"].map(|name| base.join(name));
    // the old site, built into what becomes the read-only lower layer
    s.build(&["-o", lower.to_str().unwrap()]).code(0);
    let lower_before = tree(&lower);
    for dir in [&upper, &work, &merged] {
        std::fs::create_dir(dir).unwrap();
    }
    let options = format!(
        "lowerdir={},upperdir={},workdir={}",
        lower.display(),
        upper.display(),
        work.display()
    );
    let _mount = Mount::new(&["-t", "overlay", "overlay", "-o", &options], &merged);
    assert_converged(&merged, &sites[0], "the lower layer through the overlay");
    for version in [1, 0, 1] {
        minimal_version(&s, version);
        s.build(&["-o", merged.to_str().unwrap()]).code(0);
        assert_converged(
            &merged,
            &sites[version],
            &format!(
                "the {} site built into the overlay",
                ["old", "new"][version]
            ),
        );
    }
    assert_same(&tree(&lower), &lower_before, "the lower layer changed");
}

/// The account that builds in the tests below: nobody.
const OTHER: u32 = 65_534;

/// A scratch folder any account may read, with the minimal site in it.
fn readable_site() -> Scratch {
    assert!(is_root(), "this test {ROOT}");
    let s = minimal();
    std::fs::set_permissions(s.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    s
}

/// Builds `s` into `output` as the account [`OTHER`].
fn build_as_other(s: &Scratch, output: &Path) -> std::process::Output {
    std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
        .args(["build", "--root"])
        .arg(s.site())
        .arg("-o")
        .arg(output)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .uid(OTHER)
        .gid(OTHER)
        .output()
        .expect("partnerbook starts as another account")
}

/// Gives every folder below `dir`, `dir` included, to `uid`; files keep
/// their owner.
fn give_folders(dir: &Path, uid: u32) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            std::os::unix::fs::chown(entry.path(), Some(uid), Some(uid)).unwrap();
        }
    }
}

#[test]
#[ignore = "needs root (mounts, other accounts): .ci/run runs the ignored tests as root"]
fn a_web_root_owned_by_another_account_under_a_parent_it_may_not_write() {
    let s = readable_site();
    // /srv/www/site-out: the parent root's, mode 755; the web root the
    // builder's
    let parent = s.dir.path().join("parent");
    std::fs::create_dir(&parent).unwrap();
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = parent.join("site-out");
    std::fs::create_dir(&output).unwrap();
    std::os::unix::fs::chown(&output, Some(OTHER), Some(OTHER)).unwrap();
    let before = parent_state(&parent);
    tick();
    for (round, title) in ["Partners", "Our partners"].into_iter().enumerate() {
        s.write("partnerbook.yaml", format!("title: {title}\n"));
        let out = build_as_other(&s, &output);
        assert!(
            out.status.success(),
            "build {round} as uid {OTHER} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_same(&tree(&output), &clean_build(&s), &format!("build {round}"));
        assert_eq!(
            parent_state(&parent),
            before,
            "build {round} changed the parent"
        );
        assert_eq!(std::fs::metadata(&output).unwrap().uid(), OTHER);
    }
}

#[test]
#[ignore = "needs root (mounts, other accounts): .ci/run runs the ignored tests as root"]
fn files_of_another_account_in_folders_the_builder_may_write_are_replaced() {
    let s = readable_site();
    let output = s.dir.path().join("site-out");
    // built by root: root's files, in folders then given to the builder
    s.build(&["-o", output.to_str().unwrap()]).code(0);
    give_folders(&output, OTHER);
    let page = output.join("partners/contoso/index.html");
    assert_eq!(std::fs::metadata(&page).unwrap().uid(), 0);
    s.write("partnerbook.yaml", "title: Partners\n");
    let out = build_as_other(&s, &output);
    assert!(
        out.status.success(),
        "the build as uid {OTHER} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = clean_build(&s);
    assert_same(&tree(&output), &expected, "the build as another account");
    assert_eq!(std::fs::metadata(&page).unwrap().uid(), OTHER);

    // a folder the builder may not write: one clear error, every file
    // whole, and the next build, once the folder is the builder's again,
    // finishes the job
    let old = expected;
    let folder = output.join("partners/contoso");
    std::os::unix::fs::chown(&folder, Some(0), Some(0)).unwrap();
    let record = "content/partners/contoso.yaml";
    let text = std::fs::read_to_string(s.site().join(record)).unwrap();
    s.write(record, text.replace("name: Contoso", "name: Contoso Ltd"));
    let new = clean_build(&s);
    let out = build_as_other(&s, &output);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "not one error:\n{err}");
    assert!(
        errors[0].contains(&*folder.to_string_lossy()) && err.contains("Permission denied"),
        "the error does not name a file in {} and the permission it lacks:\n{err}",
        folder.display()
    );
    no_leftovers(&output, "the refused build");
    if let Err(problems) = whole(&output, &[old, new.clone()], &|_| false) {
        panic!("after the refused rename: {problems}");
    }
    give_folders(&output, OTHER);
    let out = build_as_other(&s, &output);
    assert!(
        out.status.success(),
        "the build as uid {OTHER} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same(
        &tree(&output),
        &new,
        "the build once the folder is writable",
    );
}

/// An output written by version 1 (which swapped in whole folders) has a
/// manifest of paths and sizes only: the first build in place rewrites
/// every file once, and every folder of the old files counts as
/// partnerbook's, so a partner deleted later leaves no empty folder.
#[test]
fn an_output_of_version_1_is_taken_over() {
    let s = minimal();
    let public = s.public();
    s.build(&[]).code(0);
    // the manifest as version 1 wrote it
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join(MANIFEST)).unwrap()).unwrap();
    let files: Vec<serde_json::Value> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::json!({"path": f["path"], "size": f["size"]}))
        .collect();
    let old = serde_json::json!({
        "generator": "partnerbook",
        "version": "0.0.9",
        "inputs": "0123456789abcdef0123456789abcdef",
        "pages": manifest["pages"],
        "files": files,
    });
    std::fs::write(public.join(MANIFEST), old.to_string()).unwrap();
    let out = s.build(&[]).code(0);
    assert!(
        !crate::support::stdout(&out).contains("unchanged"),
        "a version 1 output was taken as up to date"
    );
    assert_converged(&public, &clean_build(&s), "taken over from version 1");
    std::fs::remove_file(s.site().join("content/partners/contoso.yaml")).unwrap();
    s.build(&[]).code(0);
    assert!(!public.join("partners/contoso").exists());
    assert_converged(&public, &clean_build(&s), "Contoso removed after");
}
