//! The write floor: how long this machine takes to write the files of a
//! folder with nothing else to do.
//!
//! ```text
//! cargo run --release --example write_floor -- DIR [--in-place]
//! ```
//!
//! Reads every regular file under DIR into memory first (not timed; dot
//! files and folders, such as `.partnerbook-manifest.json`, are skipped),
//! then, on rayon's threads (one per core unless `RAYON_NUM_THREADS` says
//! otherwise), writes each file's bytes to `.<name>.floor-tmp` in the same
//! folder and renames it over the original: what a generator that replaces
//! every file of its output atomically cannot do faster. `--in-place`
//! instead opens each file with truncation and writes it, with no
//! atomicity, for comparison. Every file ends up with the bytes it had, so a
//! built site stays valid. Prints one line:
//!
//! ```text
//! write_floor mode=atomic seconds=0.412 cpu=0.530 files=12004 bytes=71234567 threads=2
//! ```
//!
//! `cpu` is the user and system time of the timed part (Linux only, from
//! `/proc/self/stat`; `nan` elsewhere). Not a test: the figures depend on the
//! machine.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use rayon::prelude::*;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let in_place = args.iter().any(|a| a == "--in-place");
    let dirs: Vec<&String> = args.iter().filter(|a| *a != "--in-place").collect();
    let [dir] = dirs[..] else {
        eprintln!("usage: write_floor DIR [--in-place]");
        std::process::exit(2);
    };

    // Everything in memory before the clock starts; reading in parallel
    // also starts rayon's threads.
    let mut paths = Vec::new();
    let hidden =
        |e: &walkdir::DirEntry| e.depth() > 0 && e.file_name().as_encoded_bytes().starts_with(b".");
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !hidden(e))
    {
        let entry = entry.with_context(|| format!("reading {dir}"))?;
        if entry.file_type().is_file() {
            paths.push(entry.into_path());
        }
    }
    let files: Vec<(PathBuf, Vec<u8>)> = paths
        .into_par_iter()
        .map(|p| {
            let bytes = fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
            Ok((p, bytes))
        })
        .collect::<anyhow::Result<_>>()?;
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();

    let cpu = cpu_seconds();
    let start = Instant::now();
    files.par_iter().try_for_each(|(path, bytes)| {
        if in_place {
            overwrite(path, bytes)
        } else {
            replace(path, bytes)
        }
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;

    let mode = if in_place { "in-place" } else { "atomic" };
    let threads = rayon::current_num_threads();
    println!(
        "write_floor mode={mode} seconds={seconds:.3} cpu={cpu:.3} files={} bytes={bytes} threads={threads}",
        files.len()
    );
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`.
fn replace(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().context("a file has a name")?);
    name.push(".floor-tmp");
    let tmp = path.with_file_name(name);
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("renaming {}", tmp.display()))
}

/// Truncates `path` and writes `bytes` into it.
fn overwrite(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// User plus system CPU time of this process so far, all threads, in
/// seconds: fields 14 and 15 of `/proc/self/stat`, in clock ticks of 1/100 s
/// (USER_HZ on Linux). NaN where there is no such file.
fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // the command name, field 2, is in parentheses and may hold spaces;
    // after it come the fields from 3 on
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<u64>().ok());
    match (ticks(14), ticks(15)) {
        (Some(user), Some(system)) => (user + system) as f64 / 100.0,
        _ => f64::NAN,
    }
}
