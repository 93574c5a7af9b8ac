//! Helpers shared by the test modules: running the real binary on a
//! fixture site, with a fixed date and no colour, and reading what it wrote.

use std::path::{Path, PathBuf};

use snapbox::cmd::{Command, OutputAssert};

/// 2026-11-22 00:00 UTC: the day every test is run "on", so lints that
/// read the date (review-overdue) give the same answer on any day.
pub const TODAY_EPOCH: &str = "1795305600";

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/ui/<case>/in`: the site of a diagnostics case.
pub fn ui_site(case: &str) -> PathBuf {
    repo().join("tests/ui").join(case).join("in")
}

/// `tests/fixtures/<name>`: a site for output tests.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// The `partnerbook` binary with a fixed date and no colour.
pub fn partnerbook() -> Command {
    Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
}

/// Runs `partnerbook check` on a diagnostics case and compares its
/// standard error with `tests/ui/<case>/stderr.txt` (`SNAPSHOTS=overwrite`
/// rewrites it), expecting exit code `code`.
pub fn check_case(case: &str, code: i32) -> OutputAssert {
    let expected = repo().join("tests/ui").join(case).join("stderr.txt");
    partnerbook()
        .arg("check")
        .arg("--root")
        .arg(ui_site(case))
        .assert()
        .code(code)
        .stderr_eq(snapbox::Data::read_from(&expected, None))
}

/// Runs `partnerbook build` on a diagnostics case, writing to a temporary
/// folder, and compares standard error with `tests/ui/<case>/stderr.txt`.
pub fn build_case(case: &str, code: i32) -> OutputAssert {
    let expected = repo().join("tests/ui").join(case).join("stderr.txt");
    let out = tempfile::tempdir().expect("temporary folder");
    partnerbook()
        .arg("build")
        .arg("--root")
        .arg(ui_site(case))
        .arg("--output-dir")
        .arg(out.path().join("public"))
        .assert()
        .code(code)
        .stderr_eq(snapbox::Data::read_from(&expected, None))
}

/// Compares the standard error of a finished command with
/// `tests/ui/<case>/stderr.txt` (`SNAPSHOTS=overwrite` rewrites it): for
/// cases whose site the test generates at run time (too large to commit, or
/// holding links, pipes and file names git cannot store), which have no
/// `in/` folder.
pub fn stderr_snapshot(out: OutputAssert, case: &str) -> OutputAssert {
    let expected = repo().join("tests/ui").join(case).join("stderr.txt");
    out.stderr_eq(snapbox::Data::read_from(&expected, None))
}

/// A site copied into a temporary folder, so a test can change it and
/// build it.
pub struct Scratch {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Scratch {
    /// An empty scratch folder.
    pub fn empty() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// A copy of `site` in `<tmp>/site`.
    pub fn copy_of(site: &Path) -> Scratch {
        let s = Scratch::empty();
        copy_dir(site, &s.site());
        s
    }

    /// A copy of the repository's example site (content/ and
    /// partnerbook.yaml, not the rest of the repository).
    pub fn example() -> Scratch {
        let s = Scratch::empty();
        copy_dir(&repo().join("content"), &s.site().join("content"));
        std::fs::copy(
            repo().join("partnerbook.yaml"),
            s.site().join("partnerbook.yaml"),
        )
        .unwrap();
        s
    }

    /// Where the site is.
    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Where builds write to by default: `<site>/public`.
    pub fn public(&self) -> PathBuf {
        self.site().join("public")
    }

    /// Writes `text` to `rel` inside the site, creating folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.site().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs `partnerbook build` on the site with extra `args`.
    pub fn build(&self, args: &[&str]) -> OutputAssert {
        partnerbook()
            .arg("build")
            .arg("--root")
            .arg(self.site())
            .args(args)
            .assert()
    }

    /// Reads a file of the default output.
    pub fn out(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}

/// Writes a site of `count` valid partner records, each with a paragraph
/// and a list of Markdown, and a partnerbook.yaml titled `title`: a site
/// large enough for a build to take a while.
pub fn write_partners(s: &Scratch, count: usize, title: &str) {
    s.write("partnerbook.yaml", format!("title: {title}\n"));
    let words = [
        "joint",
        "pipeline",
        "renewal",
        "account",
        "review",
        "quarterly",
        "market",
        "customer",
        "enablement",
        "registration",
        "**shared revenue**",
        "*time to value*",
    ];
    for i in 0..count {
        // a different text for each partner, from a simple sequence
        let paragraph: Vec<&str> = (0..24)
            .map(|k| words[(i * 7 + k * 5) % words.len()])
            .collect();
        let next = (i + 1) % count;
        s.write(
            &format!("content/partners/p{i:04}.yaml"),
            format!(
                "name: Partner {i:04}\n\
                 tier: casual\n\
                 objectives: [market-access]\n\
                 proposition:\n  \
                   we_do: License compliance software.\n  \
                   they_do: Resells software to mid-size firms.\n  \
                   together: A compliance check with every renewal.\n  \
                   partner_benefit: A reason to call customers before renewal.\n\
                 worksheet:\n  \
                   product_strategy: |\n    \
                     Resells software. {}\n\n    \
                     - Review the [next partner](@/partners/p{next:04}).\n",
                paragraph.join(" ")
            ),
        );
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// `path` below `dir`, `/`-separated.
pub fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every file below `dir`, as sorted `/`-separated relative paths, with contents.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (relative(dir, e.path()), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// The standard output of a finished command, as text.
pub fn stdout(assert: &OutputAssert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// The standard error of a finished command, as text.
pub fn stderr(assert: &OutputAssert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Every file of a built site, with its bytes, as [`tree`] reads it.
pub type Tree = Vec<(String, Vec<u8>)>;

/// What a clean build of the site as it is now writes: the tree of a build
/// into a new folder, which is removed again.
pub fn clean_build(s: &Scratch) -> Tree {
    let fresh = s.dir.path().join("clean-build");
    assert!(!fresh.exists(), "{} is in use", fresh.display());
    s.build(&["-o", fresh.to_str().unwrap()]).code(0);
    let built = tree(&fresh);
    std::fs::remove_dir_all(&fresh).unwrap();
    built
}

/// How two trees differ, briefly: for failure messages.
pub fn tree_difference(now: &[(String, Vec<u8>)], expected: &[(String, Vec<u8>)]) -> String {
    let paths =
        |t: &[(String, Vec<u8>)]| -> Vec<String> { t.iter().map(|(p, _)| p.clone()).collect() };
    let (now_paths, expected_paths) = (paths(now), paths(expected));
    let missing: Vec<_> = expected_paths
        .iter()
        .filter(|p| !now_paths.contains(p))
        .take(8)
        .collect();
    let extra: Vec<_> = now_paths
        .iter()
        .filter(|p| !expected_paths.contains(p))
        .take(8)
        .collect();
    let different: Vec<_> = now
        .iter()
        .filter(|(p, b)| expected.iter().any(|(q, c)| q == p && c != b))
        .map(|(p, _)| p)
        .take(8)
        .collect();
    format!("missing {missing:?}, extra {extra:?}, different bytes {different:?}")
}

/// Whether this process runs as root (the owner of `/proc/self`).
#[cfg(unix)]
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A file system a test mounted, unmounted again when dropped (also when
/// the test fails).
#[cfg(unix)]
pub struct Mount {
    /// The mount point.
    pub path: PathBuf,
}

#[cfg(unix)]
impl Mount {
    /// Runs `mount ARGS PATH`. Panics, saying what to do, when mounting is
    /// not permitted here: a test that needs a mount never passes without
    /// one.
    pub fn new(args: &[&str], path: &Path) -> Mount {
        assert!(
            is_root(),
            "this test mounts file systems and must run as root (.ci/run runs the ignored tests as root)"
        );
        let out = std::process::Command::new("mount")
            .args(args)
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("cannot run mount (install util-linux): {e}"));
        assert!(
            out.status.success(),
            "mount {} {} failed, so this test cannot run: it needs root and a kernel that lets this process mount ({})",
            args.join(" "),
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Mount {
            path: path.to_path_buf(),
        }
    }

    /// A tmpfs of `bytes` bytes at `path`.
    pub fn tmpfs(path: &Path, bytes: u64) -> Mount {
        std::fs::create_dir_all(path).unwrap();
        Mount::new(
            &["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"],
            path,
        )
    }

    /// Changes the mount's options (`mount -o remount,OPTIONS`).
    pub fn remount(&self, options: &str) {
        let status = std::process::Command::new("mount")
            .arg("-o")
            .arg(format!("remount,{options}"))
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(status.success(), "remount,{options} failed");
    }

    /// Whether the mount is still in place: `/proc/self/mountinfo` lists
    /// its path as a mount point.
    pub fn mounted(&self) -> bool {
        let real = self.path.canonicalize().unwrap();
        let real = real.to_str().unwrap();
        std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap()
            .lines()
            .any(|line| line.split(' ').nth(4) == Some(real))
    }
}

#[cfg(unix)]
impl Drop for Mount {
    fn drop(&mut self) {
        let done = std::process::Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !done {
            // busy: detach it, so the temporary folder can go
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.path)
                .status();
        }
    }
}

/// The manifest a build writes into every output folder.
pub const MANIFEST: &str = ".partnerbook-manifest.json";

/// The folder inside the output where a build stages its files.
pub const STAGING: &str = ".partnerbook-staging";

/// Whether the file at `path` (below an output folder) is one of
/// partnerbook's own records of a build in progress, which an interrupted
/// build may leave: the manifest and the manifest being written, the
/// staging folder's files, the journal, and a temporary file staged beside
/// the file it replaces (`.index.html.partnerbook-tmp`).
pub fn bookkeeping(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path == MANIFEST
        || path == format!("{MANIFEST}.tmp")
        || path.starts_with(&format!("{STAGING}/"))
        || path == ".partnerbook-journal"
        || (name.starts_with('.') && name.ends_with(".partnerbook-tmp"))
}

/// The minimal fixture as version 0 (the old site) or 1 (the new one): the
/// title changes every page; the old has Contoso, the new has Fabrikam
/// instead and a second playbook, so a build from old to new creates three
/// folders and removes two files and two folders, and back the other way.
pub fn minimal_version(s: &Scratch, version: usize) {
    let partners = s.site().join("content/partners");
    s.write(
        "partnerbook.yaml",
        format!("title: {}\n", ["Old Site", "New Site"][version]),
    );
    let contoso =
        std::fs::read_to_string(fixture("minimal").join("content/partners/contoso.yaml")).unwrap();
    let second = "content/playbooks/second-call.md";
    if version == 0 {
        s.write("content/partners/contoso.yaml", &contoso);
        let _ = std::fs::remove_file(partners.join("fabrikam.yaml"));
        let _ = std::fs::remove_file(s.site().join(second));
    } else {
        s.write(
            "content/partners/fabrikam.yaml",
            contoso.replace("Contoso", "Fabrikam"),
        );
        let _ = std::fs::remove_file(partners.join("contoso.yaml"));
        s.write(
            second,
            "---\ntitle: The second call\n---\nBring [Fabrikam](@/partners/fabrikam)'s numbers.\n",
        );
    }
}

/// A copy of the minimal fixture, and what a clean build of each of its
/// [`minimal_version`]s writes; the site is left as the old one.
pub fn minimal_versions() -> (Scratch, [Tree; 2]) {
    let s = Scratch::copy_of(&fixture("minimal"));
    let sites = [1, 0].map(|version| {
        minimal_version(&s, version);
        clean_build(&s)
    });
    let [new, old] = sites;
    assert_ne!(old, new);
    (s, [old, new])
}

/// Checks what an interrupted or failed build promises: every file of
/// `output` is whole, holding its bytes in the old site or in the new one
/// (`sites`, as clean builds write them); every file both sites have is
/// there; there is nothing else but partnerbook's [`bookkeeping`] (the
/// manifest being JSON) and the paths `foreign` accepts (files someone
/// else put there).
pub fn whole(
    output: &Path,
    sites: &[Tree; 2],
    foreign: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    use std::collections::HashMap;
    let [old, new] = sites.each_ref().map(|site| {
        site.iter()
            .filter(|(p, _)| p != MANIFEST)
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect::<HashMap<&str, &[u8]>>()
    });
    let now = tree(output);
    let mut problems = Vec::new();
    for (path, bytes) in &now {
        if bookkeeping(path) || foreign(path) {
            continue;
        }
        let bytes = bytes.as_slice();
        match (old.get(path.as_str()), new.get(path.as_str())) {
            (None, None) => problems.push(format!("{path} is in neither site")),
            (a, b) if a != Some(&bytes) && b != Some(&bytes) => problems.push(format!(
                "{path} holds {} bytes that are neither its old nor its new ones",
                bytes.len()
            )),
            _ => {}
        }
    }
    for path in old.keys().filter(|p| new.contains_key(*p) && !foreign(p)) {
        if !now.iter().any(|(p, _)| p == path) {
            problems.push(format!("{path}, in both sites, is missing"));
        }
    }
    match std::fs::read(output.join(MANIFEST)) {
        Ok(bytes) => {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                problems.push(format!("the manifest is not JSON: {e}"));
            }
        }
        Err(e) => problems.push(format!("the manifest cannot be read: {e}")),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.truncate(10);
        Err(problems.join("; "))
    }
}

/// Asserts that `output` holds exactly `expected` (a clean build's tree,
/// manifest included) and no staging folder; `when` says after what.
pub fn assert_converged(output: &Path, expected: &[(String, Vec<u8>)], when: &str) {
    let now = tree(output);
    assert!(
        now == expected,
        "{when}: the output is not what a clean build writes: {}",
        tree_difference(&now, expected)
    );
    assert!(
        !output.join(STAGING).exists(),
        "{when}: {STAGING} is left behind"
    );
}

/// Checks a part of the repository file `rel` that is made from a table in
/// the code: the text after `anchors` (found one after the other) and up to
/// the next `end` must be `expected`. With `SNAPSHOTS=overwrite` in the
/// environment, as for the ui snapshots, the part is rewritten instead.
pub fn generated_part(rel: &str, anchors: &[&str], end: &str, expected: &str) {
    let path = repo().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut start = 0;
    for anchor in anchors {
        start += text[start..]
            .find(anchor)
            .unwrap_or_else(|| panic!("{rel}: no `{anchor}` where the generated part starts"))
            + anchor.len();
    }
    let stop = start
        + text[start..]
            .find(end)
            .unwrap_or_else(|| panic!("{rel}: no `{end}` where the generated part ends"));
    if text[start..stop] == *expected {
        return;
    }
    if std::env::var_os("SNAPSHOTS").is_some_and(|v| v == "overwrite") {
        let new = format!("{}{expected}{}", &text[..start], &text[stop..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    eprintln!("{rel} is not what the table makes: `SNAPSHOTS=overwrite cargo test` rewrites it");
    snapbox::assert_data_eq!(&text[start..stop], expected.to_string());
}
