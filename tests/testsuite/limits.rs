//! Resource limits (issue "hostile input", part 2): an alias bomb, deep
//! nesting in YAML and Markdown, a 50 MB record, a record of 100,000
//! influence-map people, random bytes and a flood of problems each end in a
//! clear diagnostic or a successful build.
//!
//! Every run here is capped by the kernel: 1 GiB of address space and a
//! few seconds of CPU time (`ulimit -v`, `ulimit -t`). A run that goes over
//! is killed, or its allocation fails, so a blow-up fails its test with a
//! wrong exit code instead of hanging the suite or the machine. The CPU caps
//! are 5 to 10 times what a debug build needs; the quadratic bugs these
//! tests guard took minutes. The inputs are generated here, at run time;
//! the expected diagnostics are in `tests/ui/<case>/stderr.txt`.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::Path;

use snapbox::cmd::{Command, OutputAssert};

use crate::support::{Scratch, TODAY_EPOCH, stderr, stderr_snapshot};

/// The address space a run may use, in KiB: 1 GiB, about three times what
/// the largest case below needs.
const MEMORY_KIB: u64 = 1024 * 1024;

/// A valid partner record.
pub const RECORD: &str = "\
name: Northwind
tier: casual
objectives: [market-access]
proposition:
  we_do: License compliance software.
  they_do: IT outsourcing for enterprises.
  together: A managed license-compliance service.
  partner_benefit: Meets its outsourcing SLAs without building its own tool.
";

/// `program` with `args` under the memory cap and `cpu_seconds` of CPU.
fn capped(cpu_seconds: u32, program: &OsStr, args: &[&OsStr]) -> Command {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB} && ulimit -t {cpu_seconds} && exec \"$0\" \"$@\""
        ))
        .arg(program)
        .args(args)
        // the cap must not depend on how many cores the machine has
        .env("RAYON_NUM_THREADS", "2")
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
}

/// `partnerbook <command> --root <site>` under the caps.
fn run(command: &str, site: &Path, cpu_seconds: u32) -> OutputAssert {
    capped(
        cpu_seconds,
        snapbox::cmd::cargo_bin!("partnerbook").as_os_str(),
        &[command.as_ref(), "--root".as_ref(), site.as_os_str()],
    )
    .assert()
}

/// A site holding only the partner record `name` with `text`.
fn site_with_record(name: &str, text: impl AsRef<[u8]>) -> Scratch {
    let s = Scratch::empty();
    s.write(&format!("content/partners/{name}"), text);
    s
}

#[test]
fn the_caps_are_real() {
    // guards every test below: a run that needs more memory than the cap
    // must fail, or the caps prove nothing
    let dd = |block: &str| {
        capped(
            10,
            "dd".as_ref(),
            &[
                "if=/dev/zero".as_ref(),
                "of=/dev/null".as_ref(),
                format!("bs={block}").as_ref(),
                "count=1".as_ref(),
            ],
        )
        .assert()
    };
    dd("1500M").failure();
    dd("100M").success();
    capped(
        1,
        "sh".as_ref(),
        &["-c".as_ref(), "while :; do :; done".as_ref()],
    )
    .assert()
    .failure();
}

#[test]
fn a_billion_laughs_stops_at_the_alias_that_goes_over() {
    // ten levels of nine aliases: a billion values once expanded
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10u8 {
        let (name, previous) = ((b'a' + level) as char, (b'a' + level - 1) as char);
        let aliases = vec![format!("*{previous}"); 9].join(", ");
        writeln!(text, "{name}: &{name} [{aliases}]").unwrap();
    }
    text.push_str(RECORD);
    let s = site_with_record("lol.yaml", text);
    stderr_snapshot(run("check", &s.site(), 10).code(1), "alias-bomb");
}

#[test]
fn many_aliases_to_one_long_list_are_stopped_too() {
    // serde_yaml's own limit lets this through: 20,000 aliases to a list
    // of 20,000 values are 400 million values from a 100 KB file
    let list = vec!["x"; 20_000].join(", ");
    let aliases = vec!["*list"; 20_000].join(", ");
    let text = format!("{RECORD}tags: &list [{list}]\nworksheet:\n  open_questions: [{aliases}]\n");
    let s = site_with_record("fan-out.yaml", text);
    stderr_snapshot(run("check", &s.site(), 10).code(1), "alias-fan-out");
}

#[test]
fn a_few_aliases_are_fine() {
    let text = format!(
        "{RECORD}tags: &tags [outsourcing, compliance]\nworksheet:\n  open_questions: &q [Who signs?]\n  next_steps: *q\nregion: &r EMEA\n"
    );
    let s = site_with_record("northwind.yaml", text);
    run("build", &s.site(), 10).code(0);
    let worksheet = s.out("partners/northwind/worksheet/index.html");
    // the question, and the next step that repeats it through `*q`
    assert_eq!(
        worksheet.matches("<li>Who signs?</li>").count(),
        2,
        "{worksheet}"
    );
}

#[test]
fn deep_flow_nesting_in_yaml_is_refused_at_once() {
    // libyaml's scanner is quadratic in this depth: 200,000 brackets took
    // minutes before the limit was checked first
    let depth = 200_000;
    let text = format!("{RECORD}tags: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let s = site_with_record("brackets.yaml", text);
    stderr_snapshot(run("check", &s.site(), 10).code(1), "deep-yaml-flow");
}

#[test]
fn deep_block_nesting_in_yaml_is_refused() {
    let mut text = format!("{RECORD}worksheet:\n");
    for level in 1..=200 {
        writeln!(text, "{}k{level}:", " ".repeat(level)).unwrap();
    }
    let s = site_with_record("indent.yaml", text);
    stderr_snapshot(run("check", &s.site(), 10).code(1), "deep-yaml-block");
}

#[test]
fn deep_nesting_in_front_matter_points_into_the_playbook() {
    let s = Scratch::empty();
    s.write(
        "content/playbooks/deep.md",
        format!(
            "---\ntitle: Deep\ntiers: {}{}\n---\n# Body\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        ),
    );
    stderr_snapshot(
        run("check", &s.site(), 10).code(1),
        "deep-yaml-front-matter",
    );
}

#[test]
fn deeply_nested_markdown_builds() {
    let depth = 100_000;
    let s = Scratch::empty();
    s.write("content/partners/northwind.yaml", RECORD);
    let bodies = [
        ("quotes", format!("{} deepest quote\n", ">".repeat(depth))),
        ("lists", format!("{}deepest item\n", "- ".repeat(depth))),
        (
            "brackets",
            format!("{}deepest link{}\n", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "emphasis",
            format!(
                "{}deepest word{}\n",
                "*a ".repeat(depth),
                " a*".repeat(depth)
            ),
        ),
        (
            "links",
            format!("{}deepest url{}\n", "[a](".repeat(depth), ")".repeat(depth)),
        ),
    ];
    for (name, body) in &bodies {
        s.write(
            &format!("content/playbooks/{name}.md"),
            format!("---\ntitle: {name}\n---\n{body}"),
        );
    }
    let out = run("build", &s.site(), 30).code(0);
    assert!(crate::support::stdout(&out).contains("5 playbooks"));
    for (name, _) in &bodies {
        let page = s.out(&format!("playbooks/{name}/index.html"));
        assert!(page.contains("deepest"), "{name}: the text is lost");
        assert!(page.ends_with("</html>\n"), "{name}: the page is cut short");
    }
    let quotes = s.out("playbooks/quotes/index.html");
    assert_eq!(quotes.matches("<blockquote>").count(), depth);
    assert_eq!(quotes.matches("</blockquote>").count(), depth);
}

#[test]
fn a_50_mb_record_is_refused_without_reading_it() {
    let mut text = String::from(RECORD);
    text.push_str("worksheet:\n  product_strategy: |\n");
    let line = "    Ten thousand words about the product strategy, again and again.\n";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(line);
    }
    text.truncate(50 * 1024 * 1024);
    let s = site_with_record("huge.yaml", &text);
    // the cap is 1 GiB of address space and a second of CPU: reading and
    // parsing 50 MB, let alone rendering it, would not fit in the second
    stderr_snapshot(run("check", &s.site(), 1).code(2), "file-too-large");
    s.write("content/partners/huge.yaml", RECORD);
    s.write(
        "content/playbooks/huge.md",
        format!("---\ntitle: Huge\n---\n{}", &text[..5 * 1024 * 1024]),
    );
    let out = run("build", &s.site(), 1).code(2);
    let size = std::fs::metadata(s.site().join("content/playbooks/huge.md"))
        .unwrap()
        .len();
    assert!(
        stderr(&out).contains(&format!("error[unreadable-file]: content/playbooks/huge.md is too large: {size} bytes, over the limit of 4194304 bytes (4 MiB) for one file")),
        "{}",
        stderr(&out)
    );
    assert!(!s.public().exists());
}

/// A xorshift generator: the same "random" bytes on every run.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[3]
        })
        .collect()
}

#[test]
fn random_bytes_are_not_utf8_text() {
    let s = site_with_record("random.yaml", noise(1, 64 * 1024));
    s.write("content/playbooks/random.md", noise(2, 64 * 1024));
    stderr_snapshot(run("check", &s.site(), 10).code(1), "random-bytes");
}

#[test]
fn random_yaml_like_text_never_panics() {
    // text made of YAML's punctuation, in every file: each file must get a
    // diagnostic (or pass), and nothing may panic
    let alphabet = b"ab: -?[]{},#&*!|>'\"%@`\n\n  \t\\x0.~";
    let s = Scratch::empty();
    let files = 60;
    for i in 0..files {
        let text: Vec<u8> = noise(100 + i, 2000)
            .into_iter()
            .map(|b| alphabet[usize::from(b) % alphabet.len()])
            .collect();
        let (dir, ext, text) = if i % 2 == 0 {
            ("partners", "yaml", text)
        } else {
            ("playbooks", "md", [b"---\n".as_slice(), &text].concat())
        };
        s.write(&format!("content/{dir}/noise-{i}.{ext}"), text);
    }
    let out = run("check", &s.site(), 20).code(1);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    for i in 0..files {
        assert!(
            err.contains(&format!("/noise-{i}.")),
            "no diagnostic for noise-{i}"
        );
    }
}

#[test]
fn a_record_of_100_000_people_builds() {
    // one person a line, relationships in a ring: the relationship check
    // scanned every name for every relationship (10 billion comparisons)
    let people = 100_000;
    let mut text = format!("{RECORD}influence_map:\n");
    for i in 0..people {
        let next = (i + 1) % people;
        writeln!(text, "- {{name: p{i:x}, relationships: [p{next:x}]}}").unwrap();
    }
    assert!(text.len() < 4 * 1024 * 1024, "{} bytes", text.len());
    let s = site_with_record("northwind.yaml", &text);
    run("build", &s.site(), 90).code(0);
    let page = s.out("partners/northwind/index.html");
    // everyone in the table, 24 in the diagram
    assert!(
        page.contains(&format!(">p{:x}<", people - 1)),
        "the last person is missing"
    );
    // 24 in each of the diagram's two layouts, wide and narrow
    assert_eq!(page.matches("<circle").count(), 48, "the diagram is capped");
}

#[test]
fn thousands_of_problems_in_one_file_are_each_reported() {
    // every diagnostic counted lines from the file's start and copied its
    // whole source line: 4,000 problems on one 600 KB line were 2.4 GB
    let problems = 4_000;
    let title = "Vice President of Alliances and Channels and Strategic Partnerships ".repeat(2);
    let people: Vec<String> = (0..problems)
        .map(|i| format!("{{name: p{i}, title: {title}, influence: huge, relationships: [q{i}]}}"))
        .collect();
    let s = site_with_record(
        "northwind.yaml",
        format!("{RECORD}influence_map: [{}]\n", people.join(", ")),
    );
    let links: String = (0..problems)
        .map(|i| format!("See [p{i}](@/partners/nobody-{i}).\n"))
        .collect();
    s.write(
        "content/playbooks/links.md",
        format!("---\ntitle: Links\n---\n{links}"),
    );
    let out = run("check", &s.site(), 40).code(1);
    let err = stderr(&out);
    assert_eq!(err.matches("error[invalid-value]").count(), problems);
    assert_eq!(err.matches("error[unknown-person]").count(), problems);
    assert_eq!(err.matches("error[broken-link]").count(), problems);
    // nobody's influence is valid, so nobody is a champion: one warning
    assert_eq!(err.matches("warning[no-champion]").count(), 1);
    let summary = format!(
        "checked 1 partner and 1 playbook: {} errors, 1 warning",
        3 * problems
    );
    assert!(err.contains(&summary), "{}", &err[err.len() - 200..]);
    // the last problem on the long line, at its true column
    let line = format!("influence_map: [{}]", people.join(", "));
    let column = line
        .find(&format!("huge, relationships: [q{}]", problems - 1))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("--> content/partners/northwind.yaml:9:{column}\n")),
        "no diagnostic at 9:{column}"
    );
    // help lines name a few people, not all of them
    assert!(err.contains(&format!(
        "or name one of: p0, p1, p2, p3, p4, p5, p6, p7, p8, p9 and {} more",
        problems - 10
    )));
}
