//! How fast `fastyaml` parses the YAML of a folder, next to `serde_yaml`.
//!
//! ```text
//! cargo run --release --example yaml_speed -- DIR [ROUNDS] [--fast-only]
//! ```
//!
//! Reads every `.yaml` file and the front matter of every `.md` file under
//! DIR into memory, then parses all of them ROUNDS times (default 5) with
//! each parser on one thread and prints the throughput, how many files took
//! the fast path, and whether every fast result equals serde_yaml's
//! (`--fast-only` skips serde_yaml). Not a test: timings belong on a quiet
//! machine, not in CI.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use partnerbook::frontmatter;
use partnerbook::yaml::fast as fastyaml;
use serde_yaml::Value;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fast_only = args.iter().any(|a| a == "--fast-only");
    let mut args = args.into_iter().filter(|a| a != "--fast-only");
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: yaml_speed DIR [ROUNDS] [--fast-only]");
        return ExitCode::FAILURE;
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);

    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.expect("readable folder");
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str());
        if !matches!(ext, Some("yaml" | "md")) || !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("UTF-8 file");
        let yaml = if ext == Some("md") {
            match frontmatter::split(&text) {
                Ok(split) => split.yaml.map(|r| text[r].to_owned()),
                Err(_) => None,
            }
        } else {
            Some(text)
        };
        texts.extend(yaml.map(|t| (path.display().to_string(), t)));
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    println!(
        "{} files, {:.1} MB of YAML in {}",
        texts.len(),
        bytes as f64 / 1e6,
        dir.display()
    );

    let mut fast_files = 0;
    let mut mismatches = 0;
    for (path, text) in &texts {
        if let Some(fast) = fastyaml::parse(text) {
            fast_files += 1;
            if !fast_only && serde_yaml::from_str::<Value>(text).ok().as_ref() != Some(&fast) {
                mismatches += 1;
                eprintln!("MISMATCH: {path}");
            }
        }
    }

    let mb_s = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    let report = |name: &str, (round, per_file): (Duration, Duration)| {
        println!(
            "{name:<11} {:7.1} MB/s  (sum of each file's best: {:.0} ms; best whole round: {:.0} ms, {:.1} MB/s)",
            mb_s(per_file),
            per_file.as_secs_f64() * 1e3,
            round.as_secs_f64() * 1e3,
            mb_s(round),
        );
    };
    report(
        "fastyaml:",
        time(&texts, rounds, |t| fastyaml::parse(t).is_some()),
    );
    if !fast_only {
        report(
            "serde_yaml:",
            time(&texts, rounds, |t| serde_yaml::from_str::<Value>(t).is_ok()),
        );
    }
    let checked = if fast_only {
        "not compared with serde_yaml".to_owned()
    } else {
        format!("{mismatches} differ from serde_yaml")
    };
    println!(
        "fast path:  {fast_files} of {} files ({:.1}%), {checked}",
        texts.len(),
        100.0 * fast_files as f64 / texts.len().max(1) as f64
    );
    if mismatches == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs `parse` on every text, `rounds` times, on this thread. Returns the
/// best whole round, and the sum over texts of each one's best time: on a
/// busy machine the second is the steadier figure, since a round that was
/// interrupted only spoils the few files it was parsing.
fn time(
    texts: &[(String, String)],
    rounds: usize,
    parse: impl Fn(&str) -> bool,
) -> (Duration, Duration) {
    let mut best = vec![Duration::MAX; texts.len()];
    let mut best_round = Duration::MAX;
    for _ in 0..rounds.max(1) {
        let round = Instant::now();
        for ((_, text), best) in texts.iter().zip(&mut best) {
            let start = Instant::now();
            std::hint::black_box(parse(std::hint::black_box(text)));
            *best = (*best).min(start.elapsed());
        }
        best_round = best_round.min(round.elapsed());
    }
    (best_round, best.iter().sum())
}
