//! A build killed at any moment (`kill -9`, issue "hostile input", part 4)
//! leaves every output file whole, and the next build finishes the job.
//!
//! Builds publish in place (SPEC section 7, version 2): each changed file is
//! staged and then renamed over its old one, so a killed build may leave a
//! mix of old and new files. What it may not leave is a file that is
//! neither: every file in `public/` holds its bytes in the old site or in
//! the new one; a file both sites have is there; a file only one of them
//! has may be there or not; nothing else is there but partnerbook's own
//! records of the build in progress (the manifest, still JSON, the staging
//! folder, the journal). The next build that runs to the end writes, byte
//! for byte, what a clean build into a new folder writes, manifest
//! included.
//!
//! The random test builds a site of 2,000 partners and kills builds at
//! times from a seeded generator: spread over a whole build, over its
//! writing (from the moment the staging folder or the journal appears) and
//! over its commit (from the first rename). The timings only choose when
//! to kill; nothing here asserts a duration.
//!
//! Where strace is at hand, a small site is built once under strace to
//! list every system call by which the build changes its output (each
//! staged file's `openat` and `write`, the journal's, the `mkdir` of each
//! new folder, each `rename`, each `unlink` and `rmdir` of what is stale,
//! the `syncfs` calls, the manifest's `write` and `rename`...), and then
//! killed on entering each of them in turn, which hits every step exactly.
//! Two faults in a row (a kill, then a kill or a failure of the build that
//! clears up after it) must converge too. A tmpfs too small for the new
//! site shows what a full disk leaves.

#![cfg(unix)]

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::support::{
    MANIFEST, Mount, STAGING, Scratch, TODAY_EPOCH, Tree, assert_converged, clean_build,
    minimal_version, minimal_versions, stderr, tree, tree_difference, whole, write_partners,
};

const PARTNERS: usize = 2_000;

/// The journal of the build in progress, where a build that stages each
/// file beside the one it replaces keeps it (one that stages in a staging
/// folder keeps its journal in there).
const JOURNAL: &str = ".partnerbook-journal";

/// Kills of each kind (over a whole build, its writing, its commit): each
/// costs a build up to the kill, and a debug build of 2,000 partners takes
/// seconds.
const KILLS: usize = 3;

/// A small seeded generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        bound.mul_f64((self.0 % 1_000_000) as f64 / 1_000_000.0)
    }
}

fn start_build(site: &Path) -> Child {
    std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
        .arg("build")
        .arg("--root")
        .arg(site)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("partnerbook starts")
}

/// The inode and time of `path`, if it exists.
fn identity(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some((meta.ino(), meta.modified().ok()?))
}

/// What shows that a build is writing: its staging folder, or its journal.
fn marker(public: &Path) -> Option<(u64, SystemTime)> {
    identity(&public.join(STAGING)).or_else(|| identity(&public.join(JOURNAL)))
}

/// Watches one build's progress through the files it makes. A killed
/// build's staging folder or journal stays until the next build clears or
/// appends to it, so the one there when the build starts does not count
/// until it changes.
struct Watch {
    public: PathBuf,
    leftover: Option<(u64, SystemTime)>,
    leftover_gone: bool,
    /// The first page renamed in a commit, as it was at the start.
    first_page: Option<(u64, SystemTime)>,
}

impl Watch {
    fn new(public: &Path) -> Watch {
        let leftover = marker(public);
        Watch {
            public: public.to_path_buf(),
            leftover_gone: leftover.is_none(),
            leftover,
            first_page: identity(&public.join("404.html")),
        }
    }

    /// Whether the build has started writing.
    fn writing(&mut self) -> bool {
        match marker(&self.public) {
            None => {
                self.leftover_gone = true;
                false
            }
            Some(id) => self.leftover_gone || Some(id) != self.leftover,
        }
    }

    /// Whether the build has started its commit: the first file in the
    /// order a commit renames them has been replaced.
    fn committing(&mut self) -> bool {
        self.writing() && identity(&self.public.join("404.html")) != self.first_page
    }
}

/// How long a whole build took, its writing (from the staging folder's or
/// the journal's creation to the end) and its commit (from its first
/// rename).
struct Timings {
    whole: Duration,
    writing: Duration,
    commit: Duration,
}

/// Builds to the end, timing it.
fn timed_build(site: &Path, public: &Path) -> Timings {
    let started = Instant::now();
    let mut child = start_build(site);
    let mut watch = Watch::new(public);
    let (mut writing_since, mut commit_since) = (None, None);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the build failed");
            let whole = started.elapsed();
            let since = |t: Option<Instant>| t.map_or(whole, |t| t.elapsed());
            return Timings {
                whole,
                writing: since(writing_since),
                commit: since(commit_since),
            };
        }
        if writing_since.is_none() && watch.writing() {
            writing_since = Some(Instant::now());
        }
        if commit_since.is_none() && watch.committing() {
            commit_since = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The two versions of the big site: every page changes (the title), and
/// each has a partner the other lacks, so a build from one to the other
/// creates folders and removes files and folders.
fn big_site(s: &Scratch, version: usize) {
    write_partners(s, PARTNERS, ["Old Site", "New Site"][version]);
    let (gone, added) = if version == 0 {
        (PARTNERS, 7)
    } else {
        (7, PARTNERS)
    };
    let _ = std::fs::remove_file(s.site().join(format!("content/partners/p{gone:04}.yaml")));
    if version == 1 {
        // the partner before the one that goes links past it
        let before = "content/partners/p0006.yaml";
        let text = std::fs::read_to_string(s.site().join(before)).unwrap();
        s.write(before, text.replace("@/partners/p0007", "@/partners/p0008"));
    }
    s.write(
        &format!("content/partners/p{added:04}.yaml"),
        format!(
            "name: Partner {added:04}\ntier: casual\nobjectives: [market-access]\nproposition:\n  we_do: A.\n  they_do: B.\n  together: C.\n  partner_benefit: D {version}.\n"
        ),
    );
}

#[test]
fn a_build_killed_at_any_moment_leaves_every_file_whole_and_the_next_converges() {
    let s = Scratch::empty();
    let site = s.site();
    let public = s.public();
    // what clean builds write: the new site into a new folder, the old
    // one into public/, where the new one is then built over it, timed
    big_site(&s, 1);
    let new = clean_build(&s);
    big_site(&s, 0);
    s.build(&[]).code(0);
    let sites = [tree(&public), new];
    big_site(&s, 1);
    let timings = timed_build(&site, &public);
    assert_converged(&public, &sites[1], "the new site");

    let mut rng = Rng(0x5eed_2000);
    let mut killed = [0; 3];
    for round in 0..3 * KILLS {
        // build the other site than the round before: the output is a mix
        // of both after the first kill
        let target = round % 2;
        big_site(&s, target);
        let mut child = start_build(&site);
        let mut watch = Watch::new(&public);
        let kind = round % 3;
        let delay = match kind {
            0 => rng.below(timings.whole),
            1 => {
                while !watch.writing() && child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                rng.below(timings.writing.mul_f64(1.2))
            }
            _ => {
                while !watch.committing() && child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                rng.below(timings.commit.mul_f64(1.2))
            }
        };
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            if watch.committing() {
                killed[2] += 1;
            } else if watch.writing() {
                killed[1] += 1;
            } else {
                killed[0] += 1;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        if let Err(problems) = whole(&public, &sites, &|_| false) {
            panic!(
                "round {round} (kind {kind}), killed {delay:?} in, building the {} site: {problems}",
                ["old", "new"][target]
            );
        }
    }
    eprintln!(
        "{} kills: {} before the writing, {} while staging, {} in the commit",
        3 * KILLS,
        killed[0],
        killed[1],
        killed[2]
    );

    assert!(
        killed.iter().sum::<usize>() > 0,
        "no kill landed while a build was running: the test tested nothing"
    );
    // a build that runs to the end finishes what the killed ones left
    big_site(&s, 1);
    s.build(&[]).code(0);
    assert_converged(&public, &sites[1], "the build after the kills");
}

/// Builds `version` of the small site to the end; it must then be what a
/// clean build writes.
fn converge(s: &Scratch, sites: &[Tree; 2], version: usize, when: &str) {
    minimal_version(s, version);
    s.build(&[]).code(0);
    assert_converged(
        &s.public(),
        &sites[version],
        &format!("{when}, then the {} site built", ["old", "new"][version]),
    );
}

const SITE_NAMES: [&str; 2] = ["old", "new"];

/// Starts afresh: the old site built into a new output folder, whatever an
/// earlier round left.
fn reset(s: &Scratch, sites: &[Tree; 2]) {
    if s.public().exists() {
        std::fs::remove_dir_all(s.public()).unwrap();
    }
    converge(s, sites, 0, "a fresh output folder");
}

/// Fails unless strace can trace here. The tests that need it are
/// `#[ignore]`d, so plain `cargo test` does not need strace; `.ci/run`
/// installs it and runs them with `--ignored`.
fn require_strace() {
    let works = std::process::Command::new("strace")
        .args(["-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        works,
        "strace is missing or may not trace here: install it (`apt-get install strace`)"
    );
}

/// One argument of a system call as `strace -y` prints it.
#[derive(Debug, PartialEq)]
enum Arg {
    /// A string: a path, or the bytes written.
    Text(String),
    /// A descriptor, with the path it stands for.
    Fd(String),
    /// Anything else (flags, numbers).
    Other(String),
}

/// One system call of a trace.
#[derive(Debug)]
struct Call {
    thread: String,
    name: String,
    args: Vec<Arg>,
}

/// Splits the arguments of a traced call, up to the closing parenthesis.
fn parse_args(text: &str) -> Vec<Arg> {
    let mut args = Vec::new();
    let mut chars = text.chars().peekable();
    let mut other = String::new();
    let flush = |other: &mut String, args: &mut Vec<Arg>| {
        let word = other.trim();
        if !word.is_empty() {
            args.push(Arg::Other(word.to_string()));
        }
        other.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some(c) => s.push(c),
                            None => break,
                        },
                        '"' => break,
                        c => s.push(c),
                    }
                }
                other.clear();
                args.push(Arg::Text(s));
            }
            '<' => {
                let mut path = String::new();
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                    path.push(c);
                }
                other.clear();
                args.push(Arg::Fd(path));
            }
            ',' => flush(&mut other, &mut args),
            ')' => break,
            c => other.push(c),
        }
    }
    flush(&mut other, &mut args);
    args
}

/// The calls of a trace written by `strace -f -y`.
fn parse_trace(text: &str) -> Vec<Call> {
    text.lines()
        .filter_map(|line| {
            let (thread, rest) = line.split_once(' ')?;
            let rest = rest.trim_start();
            if rest.starts_with('<') || rest.starts_with('+') || rest.starts_with('-') {
                return None;
            }
            // a call another thread interrupted: its arguments are all here
            let rest = rest.strip_suffix("<unfinished ...>").unwrap_or(rest);
            let (name, args) = rest.split_once('(')?;
            Some(Call {
                thread: thread.to_string(),
                name: name.to_string(),
                args: parse_args(args),
            })
        })
        .collect()
}

const CREATING: [&str; 25] = [
    "mkdir",
    "mkdirat",
    "rmdir",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "truncate",
    "chmod",
    "fchmodat",
    "chown",
    "lchown",
    "fchownat",
    "utimensat",
    "mknod",
    "mknodat",
    "setxattr",
    "lsetxattr",
    "removexattr",
    "creat",
];

/// Calls that change a file through a descriptor, or flush it.
const THROUGH_FD: [&str; 11] = [
    "write",
    "writev",
    "pwrite64",
    "pwritev",
    "ftruncate",
    "fallocate",
    "fsync",
    "fdatasync",
    "syncfs",
    "fchmod",
    "fchown",
];

impl Call {
    /// Whether the call creates, removes, renames or changes a file or
    /// folder, or flushes one.
    fn changes(&self) -> bool {
        let flagged = |flag: &str| {
            self.args
                .iter()
                .any(|a| matches!(a, Arg::Other(o) if o.contains(flag)))
        };
        match self.name.as_str() {
            "open" | "openat" | "openat2" => ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                .iter()
                .any(|f| flagged(f)),
            name => CREATING.contains(&name) || THROUGH_FD.contains(&name),
        }
    }

    /// The paths the call names: its strings that are paths (relative ones
    /// joined to the descriptor before them) and its descriptors' paths.
    fn paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        let mut folder: Option<&str> = None;
        let data = THROUGH_FD.contains(&self.name.as_str());
        for (i, arg) in self.args.iter().enumerate() {
            match arg {
                // a folder's descriptor that a path string follows is only
                // where that path starts (AT_FDCWD, the current folder)
                Arg::Fd(path) if !data && matches!(self.args.get(i + 1), Some(Arg::Text(_))) => {
                    folder = Some(path);
                }
                Arg::Fd(path) => {
                    paths.push(path.clone());
                    folder = Some(path);
                }
                Arg::Text(_) if data => {}
                Arg::Text(text) if text.starts_with('/') => paths.push(text.clone()),
                Arg::Text(text) => {
                    if let Some(dir) = folder {
                        paths.push(format!("{dir}/{text}"));
                    }
                }
                Arg::Other(_) => {}
            }
        }
        paths
    }

    /// The path strace's `-P` picks the call out by: a descriptor's path
    /// for calls through one, the first path string as it is written
    /// otherwise (or the folder's descriptor, when the string is relative
    /// to one).
    fn key(&self) -> Option<String> {
        let fd = self.args.iter().find_map(|a| match a {
            Arg::Fd(p) => Some(p.clone()),
            _ => None,
        });
        if THROUGH_FD.contains(&self.name.as_str()) {
            return fd;
        }
        let texts: Vec<&String> = self
            .args
            .iter()
            .filter_map(|a| match a {
                Arg::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        // strace's -P matches the first path of a rename, not its target
        match texts.first() {
            Some(t) if t.starts_with('/') => Some(t.to_string()),
            _ => fd,
        }
    }

    /// Whether strace's `-P key` selects this call.
    fn selected_by(&self, key: &str) -> bool {
        self.args.iter().any(|a| match a {
            Arg::Fd(p) => p == key,
            Arg::Text(t) => t == key && !THROUGH_FD.contains(&self.name.as_str()),
            Arg::Other(_) => false,
        })
    }
}

/// A point at which to kill a build: on entering the `n`-th call `name`
/// that `-P path` selects, in one thread.
#[derive(Debug, Clone)]
struct Step {
    name: String,
    path: String,
    n: usize,
    /// Every path the call names, below the output folder.
    shows: String,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} #{} on {}", self.name, self.n, self.shows)
    }
}

/// Runs a build of `s` under strace, with one worker thread (strace counts
/// calls per thread), and `extra` arguments for strace.
fn strace_build(s: &Scratch, extra: &[String]) -> std::process::ExitStatus {
    std::process::Command::new("strace")
        .args(["-f", "-qq"])
        .args(extra)
        .arg(snapbox::cmd::cargo_bin!("partnerbook"))
        .args(["build", "--root"])
        .arg(s.site())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("RAYON_NUM_THREADS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("strace runs")
}

/// Builds `s` to the end under strace and returns, in order, every call by
/// which the build changed its output folder, as steps to kill at.
fn steps_of_build(s: &Scratch) -> Vec<Step> {
    let trace = s.dir.path().join("trace.txt");
    let status = strace_build(
        s,
        &[
            "-y".into(),
            "-s".into(),
            "512".into(),
            "-e".into(),
            "trace=%file,%desc".into(),
            "-o".into(),
            trace.to_string_lossy().into_owned(),
        ],
    );
    assert!(status.success(), "the traced build failed: {status}");
    let calls = parse_trace(&std::fs::read_to_string(&trace).unwrap());
    std::fs::remove_file(&trace).unwrap();
    let output = s.public().canonicalize().unwrap();
    let output = output.to_str().unwrap();
    let inside = format!("{output}/");
    let mut steps = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        if !call.changes() {
            continue;
        }
        let Some(key) = call.key() else { continue };
        if !(key.starts_with(&inside)
            || (key == output && matches!(call.name.as_str(), "syncfs" | "fsync")))
        {
            continue;
        }
        // the how-manieth call of its kind on that path, in its thread
        let n = calls[..i]
            .iter()
            .filter(|c| c.thread == call.thread && c.name == call.name && c.selected_by(&key))
            .count()
            + 1;
        let shows = call
            .paths()
            .iter()
            .map(|p| p.strip_prefix(output).unwrap_or(p).to_string())
            .collect::<Vec<_>>()
            .join(" -> ");
        steps.push(Step {
            name: call.name.clone(),
            path: key,
            n,
            shows,
        });
    }
    steps
}

/// Builds `s` under strace, killed on entering the system call `step`.
fn build_killed_at(s: &Scratch, step: &Step) {
    let status = strace_build(
        s,
        &[
            "-o".into(),
            "/dev/null".into(),
            "-P".into(),
            step.path.clone(),
            format!("--inject={}:signal=KILL:when={}", step.name, step.n),
        ],
    );
    // strace dies of the signal that killed the build
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "the build was not killed at {step}: {status}"
    );
}

/// The steps of the small site's build from the old version to the new
/// one; the site is left as the old one, built.
fn steps_from_old_to_new(s: &Scratch, sites: &[Tree; 2]) -> Vec<Step> {
    converge(s, sites, 0, "the old site");
    minimal_version(s, 1);
    let steps = steps_of_build(s);
    assert_converged(&s.public(), &sites[1], "the traced build");
    converge(s, sites, 0, "back to the old site");
    steps
}

#[test]
#[ignore = "needs strace: .ci/run installs it and runs `cargo test --test testsuite -- --ignored`"]
fn a_kill_at_each_step_of_writing_leaves_every_file_whole_and_the_next_converges() {
    require_strace();
    let (s, sites) = minimal_versions();
    let steps = steps_from_old_to_new(&s, &sites);
    // every kind of step the writing has
    let has = |name: &str, path: &str| {
        steps
            .iter()
            .any(|st| st.name.starts_with(name) && st.shows.ends_with(path))
    };
    for (name, path, what) in [
        ("write", "", "a staged file's bytes"),
        ("mkdir", "/partners/fabrikam", "a new partner's folder"),
        ("mkdir", "/playbooks/second-call", "a new playbook's folder"),
        ("rename", "/index.html", "a page put in place"),
        ("unlink", "/partners/contoso/index.html", "a stale page"),
        ("rmdir", "/partners/contoso", "a stale folder"),
        ("rename", MANIFEST, "the manifest put in place"),
        // a small change flushes each new file, and the folders of the
        // renames (a large one flushes the file system: syncfs)
        ("fdatasync", "", "a flush of a staged file"),
        ("fsync", "", "a flush of a folder"),
    ] {
        assert!(
            has(name, path),
            "no {name} of {what} traced; the steps: {:#?}",
            steps.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
    }
    let mut failures = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        // the next build both ways: finishing the killed one's job, and
        // going back to the site it replaced
        for after in [i % 2, 1 - i % 2] {
            reset(&s, &sites);
            minimal_version(&s, 1);
            build_killed_at(&s, step);
            let what = format!("killed at {step}");
            if let Err(problems) = whole(&s.public(), &sites, &|_| false) {
                panic!("{what}: {problems}");
            }
            minimal_version(&s, after);
            s.build(&[]).code(0);
            let now = tree(&s.public());
            if now != sites[after] || s.public().join(STAGING).exists() {
                failures.push(format!(
                    "{what}, then the {} site built: {}",
                    SITE_NAMES[after],
                    tree_difference(&now, &sites[after])
                ));
            }
        }
    }
    eprintln!("killed at {} steps, each then built both ways", steps.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The middle one of the renames that put the new site's files in place:
/// some new files and folders are in place then, others not yet.
fn middle_rename(steps: &[Step]) -> Step {
    let renames: Vec<&Step> = steps
        .iter()
        .filter(|st| st.name.starts_with("rename") && !st.shows.contains(".partnerbook-manifest"))
        .collect();
    assert!(renames.len() > 4, "too few renames: {renames:?}");
    renames[renames.len() / 2].clone()
}

/// Two kills in a row: one in the middle of the renames (it has put some
/// new files and folders in place, and its journal says so), then one of
/// the next build, at each of its steps up to its own first rename (while
/// it clears away what the first left and stages its own files). The build
/// after both must still finish the job, whichever site it builds.
#[test]
#[ignore = "needs strace: .ci/run installs it and runs `cargo test --test testsuite -- --ignored`"]
fn a_kill_of_the_build_that_clears_up_after_a_killed_one_still_converges() {
    require_strace();
    let (s, sites) = minimal_versions();
    let first = middle_rename(&steps_from_old_to_new(&s, &sites));
    let kill_first = |s: &Scratch| {
        reset(s, &sites);
        minimal_version(s, 1);
        build_killed_at(s, &first);
        assert!(
            s.public().join("partners/fabrikam/index.html").is_file(),
            "the first kill, at {first}, came before the new partner's page was in place"
        );
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for again in [0, 1] {
        // what the second build does after the first kill
        kill_first(&s);
        minimal_version(&s, again);
        let steps = steps_of_build(&s);
        let until = steps
            .iter()
            .position(|st| st.name.starts_with("rename"))
            .unwrap_or(steps.len());
        let early = &steps[..until];
        // at most a dozen of them, spread out
        let stride = early.len().div_ceil(12).max(1);
        for (j, second) in early.iter().step_by(stride).enumerate() {
            let after = (j + again) % 2;
            kill_first(&s);
            minimal_version(&s, again);
            build_killed_at(&s, second);
            count += 1;
            let what = format!(
                "killed building the new site at {first}, then building the {} site at {second}",
                SITE_NAMES[again],
            );
            if let Err(problems) = whole(&s.public(), &sites, &|_| false) {
                panic!("{what}: {problems}");
            }
            minimal_version(&s, after);
            s.build(&[]).code(0);
            let now = tree(&s.public());
            if now != sites[after] {
                failures.push(format!(
                    "{what}, then the {} site built: {}",
                    SITE_NAMES[after],
                    tree_difference(&now, &sites[after])
                ));
            }
        }
    }
    eprintln!("{count} double kills");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A kill in the middle of the renames, then a build that fails on a
/// template error while it renders (after it has begun staging), then a
/// build that runs to the end: it must finish the job.
#[test]
#[ignore = "needs strace: .ci/run installs it and runs `cargo test --test testsuite -- --ignored`"]
fn a_failed_build_after_a_killed_one_leaves_the_next_to_converge() {
    require_strace();
    let (s, sites) = minimal_versions();
    let first = middle_rename(&steps_from_old_to_new(&s, &sites));
    let mut failures = Vec::new();
    for (again, after) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        reset(&s, &sites);
        minimal_version(&s, 1);
        build_killed_at(&s, &first);
        // every page changes, and the partner pages fail to render
        minimal_version(&s, again);
        s.write("partnerbook.yaml", "title: Third Site\n");
        s.write("templates/partner.html", "{{ no_such_variable.field }}");
        let out = s.build(&[]).code(1);
        assert!(
            stderr(&out).contains("no_such_variable"),
            "{}",
            stderr(&out)
        );
        std::fs::remove_dir_all(s.site().join("templates")).unwrap();
        if let Err(problems) = whole(&s.public(), &sites, &|_| false) {
            panic!("killed at {first}, then a failed build: {problems}");
        }
        minimal_version(&s, after);
        s.build(&[]).code(0);
        let now = tree(&s.public());
        if now != sites[after] {
            failures.push(format!(
                "killed building the new site at {first}, then a build of the {} site failed on a template, then the {} site built: {}",
                SITE_NAMES[again],
                SITE_NAMES[after],
                tree_difference(&now, &sites[after])
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A build never renames, removes or recreates its output folder, and
/// changes nothing beside it: every system call that creates, removes,
/// renames or writes a file names a path inside the output folder (or the
/// site's build cache).
#[test]
#[ignore = "needs strace: .ci/run installs it and runs `cargo test --test testsuite -- --ignored`"]
fn a_build_changes_nothing_outside_its_output_folder() {
    require_strace();
    let (s, _) = minimal_versions();
    let www = s.dir.path().join("www");
    let output = www.join("public");
    let cache = s.site().join(".partnerbook-cache");
    let build = |trace: &Path| {
        std::process::Command::new("strace")
            .args([
                "-f",
                "-qq",
                "-y",
                "-s",
                "512",
                "-e",
                "trace=%file,%desc",
                "-o",
            ])
            .arg(trace)
            .arg(snapbox::cmd::cargo_bin!("partnerbook"))
            .args(["build", "--root"])
            .arg(s.site())
            .arg("-o")
            .arg(&output)
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("strace runs")
    };
    minimal_version(&s, 0);
    assert!(build(&s.dir.path().join("first.txt")).success());
    // the output folder's time changes with its entries; its inode may not
    let folder = identity(&output).unwrap().0;
    let beside = (
        identity(&www).unwrap(),
        std::fs::read_dir(&www).unwrap().count(),
    );
    let real = output.canonicalize().unwrap();
    let inside = format!("{}/", real.display());
    let cache_inside = format!("{}/", cache.canonicalize().unwrap().display());
    std::thread::sleep(Duration::from_millis(20));
    // new over old (folders created, files and folders removed), old over
    // new, nothing changed, new again
    for (round, version) in [1, 0, 0, 1].into_iter().enumerate() {
        minimal_version(&s, version);
        let trace = s.dir.path().join(format!("trace-{round}.txt"));
        assert!(build(&trace).success(), "round {round}: the build failed");
        let calls = parse_trace(&std::fs::read_to_string(&trace).unwrap());
        let mut changes = 0;
        for call in calls.iter().filter(|c| c.changes()) {
            changes += 1;
            for path in call.paths() {
                // flushing the output's file system names the output
                // folder; standard output and error are devices or pipes
                if (matches!(call.name.as_str(), "syncfs" | "fsync")
                    && path == real.to_str().unwrap())
                    || path.starts_with("/dev/")
                    || !path.starts_with('/')
                {
                    continue;
                }
                assert!(
                    path.starts_with(&inside) || path.starts_with(&cache_inside),
                    "round {round}: `{}` changes {path}, outside {}: {call:?}",
                    call.name,
                    real.display()
                );
            }
        }
        assert!(changes > 0 || round == 2, "round {round}: no change traced");
        assert_eq!(
            identity(&output).unwrap().0,
            folder,
            "round {round}: the output folder was replaced"
        );
        assert_eq!(
            (
                identity(&www).unwrap(),
                std::fs::read_dir(&www).unwrap().count()
            ),
            beside,
            "round {round}: the folder holding the output changed"
        );
    }
}

/// The bytes a clean build's files take on a tmpfs (whole pages).
fn tmpfs_bytes(site: &Tree) -> u64 {
    site.iter()
        .map(|(_, b)| (b.len() as u64).div_ceil(4096) * 4096)
        .sum()
}

#[test]
#[ignore = "needs root to mount a tmpfs: .ci/run runs the ignored tests as root"]
fn a_full_disk_fails_the_build_with_every_file_whole_and_the_next_converges() {
    let s = Scratch::empty();
    write_partners(&s, 40, "Old Site");
    let old = clean_build(&s);
    write_partners(&s, 120, "New Site");
    let new = clean_build(&s);
    write_partners(&s, 40, "Old Site");
    for p in 40..120 {
        std::fs::remove_file(s.site().join(format!("content/partners/p{p:04}.yaml"))).unwrap();
    }
    assert!(
        clean_build(&s) == old,
        "the old site is not rebuilt as it was"
    );

    // room for the old site and a quarter more
    let public = s.public();
    let room = tmpfs_bytes(&old) * 5 / 4;
    let mount = Mount::tmpfs(&public, room);
    s.build(&[]).code(0);
    assert_converged(&public, &old, "the old site built on the small disk");

    write_partners(&s, 120, "New Site");
    let out = s.build(&[]).code(2);
    let err = stderr(&out);
    assert!(
        err.contains("No space left on device") && err.contains(&*public.to_string_lossy()),
        "the error does not say the disk is full, or names no file:\n{err}"
    );
    assert!(
        !err.contains("panicked"),
        "partnerbook panicked on a full disk:\n{err}"
    );
    // every file is as it was
    let sites = [old.clone(), new.clone()];
    if let Err(problems) = whole(&public, &sites, &|_| false) {
        panic!("after the build that filled the disk: {problems}");
    }
    let mut failures = Vec::new();
    let now = tree(&public);
    if now != old || public.join(STAGING).exists() {
        // what the failed build staged should be gone
        failures.push(format!(
            "the build that filled the disk left: {}",
            tree_difference(&now, &old)
        ));
    }

    // the site put back as it was: the output is the old site's, whole
    write_partners(&s, 40, "Old Site");
    for p in 40..120 {
        std::fs::remove_file(s.site().join(format!("content/partners/p{p:04}.yaml"))).unwrap();
    }
    s.build(&[]).code(0);
    let now = tree(&public);
    if now != old || public.join(STAGING).exists() {
        failures.push(format!(
            "the old site built again after the full disk is not what a clean build writes: {}",
            tree_difference(&now, &old)
        ));
    }

    // room for both sites while the new one is staged
    write_partners(&s, 120, "New Site");
    mount.remount(&format!("size={}", room + tmpfs_bytes(&new) * 5 / 4));
    s.build(&[]).code(0);
    let now = tree(&public);
    if now != new || public.join(STAGING).exists() {
        failures.push(format!(
            "the build after the disk grew is not what a clean build writes: {}",
            tree_difference(&now, &new)
        ));
    }
    assert!(mount.mounted(), "the output folder is no longer the mount");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
