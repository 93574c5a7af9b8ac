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

/// Every file below `dir`, as sorted `/`-separated relative paths, with contents.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
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
