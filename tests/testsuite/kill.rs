//! A kill at any moment of a build (issue "hostile input", part 4) leaves
//! the output as the old site or as the new one, never a mix, and the next
//! build recovers whatever the killed one left behind.
//!
//! The site has 2,000 partners, generated here. Kill times come from a
//! seeded generator: half spread over a whole build, half over the writing
//! that starts when the staging folder appears, where the danger is. The
//! timings only choose when to kill; nothing here asserts a duration.
//!
//! Where strace is at hand, a small site is also killed on entering chosen
//! system calls of the writing (the third `mkdir`, the first `rename`...),
//! which hits each step exactly, including the one the random kills almost
//! never hit: between the two renames of the swap.

#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Scratch, TODAY_EPOCH, tree, write_partners};

const PARTNERS: usize = 2_000;

/// Every file of a built site, with its bytes.
type Tree = Vec<(String, Vec<u8>)>;

/// Kills spread over a whole build, and as many spread over its writing:
/// each costs a build up to the kill, and a debug build of 2,000 partners
/// takes seconds.
const KILLS: usize = 5;

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

/// The hidden folders next to `public/` that a build works in.
fn staging(site: &Path) -> Vec<String> {
    std::fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public.partnerbook-"))
        .collect()
}

/// Whether the build `child` has started writing: its staging folder
/// exists. (A killed build's may be there too, until the next one clears
/// it.)
fn writing(site: &Path, child: &Child) -> bool {
    site.join(format!(".public.partnerbook-new-{}", child.id()))
        .exists()
}

/// Builds to the end, and returns how long the whole build took and how
/// long its writing took (from the staging folder's creation to the end).
fn timed_build(site: &Path) -> (Duration, Duration) {
    let started = Instant::now();
    let mut child = start_build(site);
    let mut writing_since = None;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the build failed");
            let total = started.elapsed();
            return (total, writing_since.map_or(total, |t: Instant| t.elapsed()));
        }
        if writing_since.is_none() && writing(site, &child) {
            writing_since = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// What `public/` holds: `Some(0)` the old site, `Some(1)` the new one.
fn which(public: &Path, sites: &[Tree; 2]) -> Option<usize> {
    if !public.exists() {
        return None;
    }
    let now = tree(public);
    sites.iter().position(|site| *site == now)
}

/// How `public/` differs from `site`, for the failure message.
fn difference(public: &Path, site: &Tree) -> String {
    if !public.exists() {
        // see a_kill_between_the_two_renames_leaves_the_old_site_or_the_new_one
        return "public/ does not exist: killed between the two renames of the swap in src/write.rs?".into();
    }
    let now = tree(public);
    let missing: Vec<_> = site
        .iter()
        .filter(|(p, _)| !now.iter().any(|(q, _)| q == p))
        .map(|(p, _)| p)
        .take(5)
        .collect();
    let extra: Vec<_> = now
        .iter()
        .filter(|(p, _)| !site.iter().any(|(q, _)| q == p))
        .map(|(p, _)| p)
        .take(5)
        .collect();
    let changed: Vec<_> = now
        .iter()
        .filter(|(p, b)| site.iter().any(|(q, c)| q == p && c != b))
        .map(|(p, _)| p)
        .take(5)
        .collect();
    format!("missing {missing:?}, extra {extra:?}, different {changed:?}")
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    let s = Scratch::empty();
    let site = s.site();
    let public = s.public();
    let titles = ["Old Site", "New Site"];
    write_partners(&s, PARTNERS, titles[0]);
    let (whole, write) = timed_build(&site);
    let old = tree(&public);
    s.write("partnerbook.yaml", format!("title: {}\n", titles[1]));
    let reference = s.dir.path().join("reference");
    s.build(&["-o", reference.to_str().unwrap()]).code(0);
    let new = tree(&reference);
    std::fs::remove_dir_all(&reference).unwrap();
    assert_eq!(old.len(), new.len());
    assert_ne!(old, new);
    let sites = [old, new];

    let mut rng = Rng(0x5eed_2000);
    let mut current = 0;
    let mut killed_while_writing = 0;
    for round in 0..2 * KILLS {
        // build the other site over the one in public/
        let target = 1 - current;
        s.write("partnerbook.yaml", format!("title: {}\n", titles[target]));
        let mut child = start_build(&site);
        let delay = if round % 2 == 0 {
            rng.below(whole)
        } else {
            // wait for the writing to start, then a little longer; up to
            // twice the writing measured, since later builds also remove
            // the site they replace
            while !writing(&site, &child) && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(1));
            }
            rng.below(write * 2)
        };
        std::thread::sleep(delay);
        let running = child.try_wait().unwrap().is_none();
        if running && writing(&site, &child) {
            killed_while_writing += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let Some(now) = which(&public, &sites) else {
            panic!(
                "round {round}, killed after {delay:?}: public/ is neither site: {}; next to it: {:?}",
                difference(&public, &sites[target]),
                staging(&site)
            );
        };
        current = now;
    }
    eprintln!(
        "{} kills, {killed_while_writing} of them while the build was writing",
        2 * KILLS
    );

    // a build that runs to the end clears what the killed ones left
    s.write("partnerbook.yaml", format!("title: {}\n", titles[1]));
    s.build(&[]).code(0);
    assert!(
        which(&public, &sites) == Some(1),
        "{}",
        difference(&public, &sites[1])
    );
    assert_eq!(staging(&site), Vec::<String>::new());
}

/// The minimal site built as the old site, with the new site's content in
/// place, and what each looks like built.
fn small_site() -> (Scratch, [Tree; 2]) {
    let s = Scratch::copy_of(&crate::support::fixture("minimal"));
    let reference = s.dir.path().join("reference");
    let mut sites = Vec::new();
    for title in ["Old Site", "New Site"] {
        s.write("partnerbook.yaml", format!("title: {title}\n"));
        s.build(&["-o", reference.to_str().unwrap()]).code(0);
        sites.push(tree(&reference));
    }
    std::fs::remove_dir_all(&reference).unwrap();
    (s, sites.try_into().unwrap())
}

/// Puts the old site in `public/` (recovering what a killed build left),
/// then the new site's content in place.
fn reset(s: &Scratch, sites: &[Tree; 2]) {
    s.write("partnerbook.yaml", "title: Old Site\n");
    s.build(&[]).code(0);
    assert!(
        which(&s.public(), sites) == Some(0),
        "the old site did not build"
    );
    assert_eq!(staging(&s.site()), Vec::<String>::new(), "leftovers");
    s.write("partnerbook.yaml", "title: New Site\n");
}

/// Fails unless strace can trace here. The tests that need it are
/// `#[ignore]`d, so plain `cargo test` does not need strace; `.ci/run`
/// installs it and runs them with `--ignored`.
fn strace_works() -> bool {
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
    works
}

/// Builds `s` under strace, killed on entering the `n`-th call (in one
/// thread) of the system calls `calls` names.
fn build_killed_at(s: &Scratch, calls: &str, n: usize) {
    let status = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null"])
        .arg(format!("--inject={calls}:signal=KILL:when={n}"))
        .arg(snapbox::cmd::cargo_bin!("partnerbook"))
        .args(["build", "--root"])
        .arg(s.site())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        // strace counts calls per thread: one worker writes every file
        .env("RAYON_NUM_THREADS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("strace runs");
    // strace dies of the signal that killed the build
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "the build was not killed at {calls} #{n}: {status}"
    );
}

#[test]
#[ignore = "needs strace: .ci/run installs it and runs `cargo test --test testsuite -- --ignored`"]
fn a_kill_at_chosen_steps_of_writing_leaves_the_old_site_or_the_new_one() {
    if !strace_works() {
        return;
    }
    let (s, sites) = small_site();
    // creating the staging folders, writing files, moving the old site
    // aside, removing it after the swap
    let steps = [
        ("/^mkdir", 2),
        ("/^mkdir", 6),
        ("write", 1),
        ("write", 8),
        ("/^rename", 1),
        ("/^unlink", 1),
        ("/^unlink", 10),
        ("/^unlink", 5),
    ];
    for (calls, n) in steps {
        reset(&s, &sites);
        build_killed_at(&s, calls, n);
        assert!(
            which(&s.public(), &sites).is_some(),
            "killed at {calls} #{n}: public/ is neither site: {}; next to it: {:?}",
            difference(&s.public(), &sites[1]),
            staging(&s.site())
        );
    }
    reset(&s, &sites);
}

#[test]
#[ignore = "needs strace: .ci/run installs it and runs `cargo test --test testsuite -- --ignored`"]
fn a_kill_at_the_swap_leaves_the_old_site_or_the_new_one() {
    if !strace_works() {
        return;
    }
    let (s, sites) = small_site();
    reset(&s, &sites);
    // the swap is one exchange of the two folders (renameat2), the only
    // rename of a build; were it two renames, public/ would be missing
    // between them
    let trace = s.dir.path().join("renames.txt");
    let status = std::process::Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=/^rename", "-o"])
        .arg(&trace)
        .arg(snapbox::cmd::cargo_bin!("partnerbook"))
        .args(["build", "--root"])
        .arg(s.site())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("strace runs");
    assert!(status.success());
    let renames = std::fs::read_to_string(&trace).unwrap();
    let calls: Vec<&str> = renames.lines().filter(|l| l.contains("rename")).collect();
    assert_eq!(calls.len(), 1, "{renames}");
    assert!(calls[0].contains("RENAME_EXCHANGE"), "{renames}");
    reset(&s, &sites);
    build_killed_at(&s, "/^rename", 1);
    assert!(
        which(&s.public(), &sites).is_some(),
        "public/ is neither site: {}; next to it: {:?}",
        difference(&s.public(), &sites[1]),
        staging(&s.site())
    );
}
