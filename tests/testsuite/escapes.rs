//! What authors wrote reaches a terminal, a CI log or a GitHub annotation
//! only as visible text, and paths lead to the file from where the command
//! was run (issue 18, items 4 and 5).

use std::path::{Path, PathBuf};

use snapbox::cmd::Command;

use crate::support::{self, partnerbook};

/// A partner record whose `tier` is `tier`, written as YAML source.
fn record(name: &str, tier: &str) -> String {
    format!(
        "name: {name}
tier: {tier}
objectives: [market-access]
target_market: Enterprises in EMEA.
commitments:
  ours: [Partner engineer at 50%]
  theirs: [Offering manager]
proposition:
  we_do: License compliance software.
  they_do: IT outsourcing for enterprises.
  together: A managed license-compliance service.
  partner_benefit: Meets its outsourcing SLAs.
"
    )
}

/// A repository in a temporary folder with a site at `docs/partners`
/// holding `records` (file name, YAML text).
fn monorepo(records: &[(&str, String)]) -> (tempfile::TempDir, PathBuf) {
    let repo = tempfile::tempdir().expect("temporary folder");
    let site = repo.path().join("docs/partners");
    let partners = site.join("content/partners");
    std::fs::create_dir_all(&partners).unwrap();
    for (name, text) in records {
        std::fs::write(partners.join(name), text).unwrap();
    }
    (repo, site)
}

/// `partnerbook check` run in `cwd`, outside any GitHub job.
fn check(cwd: &Path, args: &[&str]) -> Command {
    partnerbook()
        .env_remove("GITHUB_WORKSPACE")
        .current_dir(cwd)
        .arg("check")
        .args(args)
}

/// Fails when `text` holds a character a terminal would act on or hide.
fn assert_no_hidden(text: &str) {
    for c in text.chars() {
        let hidden = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{61c}' | '\u{feff}');
        assert!(!hidden, "raw {c:?} in:\n{text}");
    }
}

/// The values of the terminal escape cases: an OSC 8 hyperlink, an OSC 52
/// clipboard write, the one-byte CSI U+009B, and a bidi override U+202E.
fn escape_records() -> Vec<(&'static str, String)> {
    vec![
        (
            "osc8.yaml",
            record("Osc", r#""\e]8;;http://x\e\\strategic\e]8;;\e\\""#),
        ),
        ("osc52.yaml", record("Clip", r#""\e]52;c;cm0gLXJmIH4=\a""#)),
        ("csi.yaml", record("Csi", r#""\u009b31mred""#)),
        ("rlo.yaml", record("Rlo", "strat\u{202e}egic")),
    ]
}

#[test]
fn terminal_escapes_in_values_are_shown_as_code_points() {
    let (repo, _) = monorepo(&escape_records());
    let out = check(repo.path(), &["-r", "docs/partners"])
        .assert()
        .code(1);
    // compared here, not with snapbox, which takes `\` in the output for `/`
    let stderr = support::stderr(&out);
    let (diagnostics, summary) = stderr.split_at(stderr.find("checked ").unwrap());
    assert_eq!(
        diagnostics,
        r#"error[invalid-value]: `<U+009B>31mred` is not a valid `tier`
 --> docs/partners/content/partners/csi.yaml:2:7
  |
2 | tier: "\u009b31mred"
  |       ^^^^^^^^^^^^^^ not one of the allowed values
  |
  = help: use one of: strategic, tactical, casual

error[invalid-value]: `<U+001B>]52;c;cm0gLXJmIH4=<U+0007>` is not a valid `tier`
 --> docs/partners/content/partners/osc52.yaml:2:7
  |
2 | tier: "\e]52;c;cm0gLXJmIH4=\a"
  |       ^^^^^^^^^^^^^^^^^^^^^^^^ not one of the allowed values
  |
  = help: use one of: strategic, tactical, casual

error[invalid-value]: `<U+001B>]8;;http://x<U+001B>\strategic<U+001B>]8;;<U+001B>\` is not a valid `tier`
 --> docs/partners/content/partners/osc8.yaml:2:7
  |
2 | tier: "\e]8;;http://x\e\\strategic\e]8;;\e\\"
  |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ not one of the allowed values
  |
  = help: use one of: strategic, tactical, casual

error[invalid-value]: `strat<U+202E>egic` is not a valid `tier`
 --> docs/partners/content/partners/rlo.yaml:2:7
  |
2 | tier: strat<U+202E>egic
  |       ^^^^^^^^^^^^^^^^^ did you mean `strategic`?
  |
  = help: use one of: strategic, tactical, casual

"#
    );
    assert!(
        summary.starts_with("checked 4 partners and 0 playbooks: 4 errors, 0 warnings in "),
        "{summary}"
    );
    assert_no_hidden(&stderr);
}

#[test]
fn terminal_escapes_in_values_are_shown_as_code_points_in_annotations() {
    let (repo, _) = monorepo(&escape_records());
    let out = check(repo.path(), &["-r", "docs/partners", "--format", "github"])
        .assert()
        .code(1);
    let stdout = support::stdout(&out);
    assert_eq!(
        stdout,
        r#"::error file=docs/partners/content/partners/csi.yaml,line=2,col=7,endLine=2,endColumn=21,title=invalid-value::`<U+009B>31mred` is not a valid `tier` (help: use one of: strategic, tactical, casual)
::error file=docs/partners/content/partners/osc52.yaml,line=2,col=7,endLine=2,endColumn=31,title=invalid-value::`<U+001B>]52;c;cm0gLXJmIH4=<U+0007>` is not a valid `tier` (help: use one of: strategic, tactical, casual)
::error file=docs/partners/content/partners/osc8.yaml,line=2,col=7,endLine=2,endColumn=46,title=invalid-value::`<U+001B>]8;;http://x<U+001B>\strategic<U+001B>]8;;<U+001B>\` is not a valid `tier` (help: use one of: strategic, tactical, casual)
::error file=docs/partners/content/partners/rlo.yaml,line=2,col=7,endLine=2,endColumn=17,title=invalid-value::`strat<U+202E>egic` is not a valid `tier` (help: use one of: strategic, tactical, casual)
"#
    );
    assert_no_hidden(&stdout);
}

#[test]
fn json_keeps_the_exact_text_as_escapes() {
    let (repo, site) = monorepo(&escape_records());
    let out = check(repo.path(), &["-r", "docs/partners", "--format", "json"])
        .assert()
        .code(1);
    let stdout = support::stdout(&out);
    assert_no_hidden(&stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages: Vec<&str> = lines
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`\u{9b}31mred` is not a valid `tier`",
            "`\x1b]52;c;cm0gLXJmIH4=\x07` is not a valid `tier`",
            "`\x1b]8;;http://x\x1b\\strategic\x1b]8;;\x1b\\` is not a valid `tier`",
            "`strat\u{202e}egic` is not a valid `tier`",
        ]
    );
    // `file` stays relative to the site root, as before; `path` leads there
    // from the working directory
    assert_eq!(lines[0]["file"], "content/partners/csi.yaml");
    assert_eq!(lines[0]["path"], "docs/partners/content/partners/csi.yaml");
    assert!(site.join("content/partners/csi.yaml").is_file());
}

#[test]
fn a_bidi_control_in_a_file_name_is_escaped_in_the_arrow_line() {
    let (repo, _) = monorepo(&[("raw\u{202e}lmay.yaml", record("File", "tactcal"))]);
    let out = check(repo.path(), &["-r", "docs/partners"])
        .assert()
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-value]: the file name content/partners/raw<U+202E>lmay.yaml does not make a valid slug
 --> docs/partners/content/partners/raw<U+202E>lmay.yaml:1:1
...
"#]]);
    assert_no_hidden(&support::stderr(&out));
    let out = check(repo.path(), &["-r", "docs/partners", "--format", "github"])
        .assert()
        .code(1)
        .stdout_eq(snapbox::str![[r#"
::error file=docs/partners/content/partners/raw<U+202E>lmay.yaml,line=1,col=1,endLine=1,endColumn=1,title=invalid-value::the file name content/partners/raw<U+202E>lmay.yaml does not make a valid slug (help: rename it using letters, digits, spaces, hyphens or underscores only; the URL is the lowercased name (e.g. northwind-integration.yaml))
...
"#]]);
    assert_no_hidden(&support::stdout(&out));
}

#[test]
fn a_raw_control_character_in_the_source_line_is_escaped() {
    // YAML refuses a raw ESC: the invalid-yaml diagnostic shows the line
    let (repo, _) = monorepo(&[("raw.yaml", record("Raw\x1b]8;;http://x\x1b\\", "tactical"))]);
    let out = check(repo.path(), &["-r", "docs/partners"])
        .assert()
        .code(1);
    let stderr = support::stderr(&out);
    assert_no_hidden(&stderr);
    assert!(
        stderr.contains("1 | name: Raw<U+001B>]8;;http://x<U+001B>\\\n"),
        "{stderr}"
    );
}

#[test]
fn paths_are_relative_to_the_site_root_when_run_inside_it() {
    let (_repo, site) = monorepo(&[("x.yaml", record("X", "tactcal"))]);
    let inside = site.join("content");
    check(&inside, &[])
        .assert()
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-value]: `tactcal` is not a valid `tier`
 --> content/partners/x.yaml:2:7
...
"#]]);
    // GitHub needs a path it can find: absolute, which the runner makes
    // relative to the repository
    let out = check(&inside, &["--format", "github"]).assert().code(1);
    let real = site.canonicalize().unwrap();
    let expected = format!(
        "::error file={},line=2,col=7,",
        real.join("content/partners/x.yaml")
            .display()
            .to_string()
            .replace(':', "%3A")
            .replace(',', "%2C")
    );
    let stdout = support::stdout(&out);
    assert!(stdout.starts_with(&expected), "{stdout}\n{expected}");
}

#[test]
fn github_paths_follow_the_workspace_in_a_job() {
    // `working-directory: docs/partners` in a job checked out at the repo
    let (repo, site) = monorepo(&[("x.yaml", record("X", "tactcal"))]);
    partnerbook()
        .env("GITHUB_WORKSPACE", repo.path())
        .current_dir(&site)
        .args(["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout_eq(snapbox::str![[r#"
::error file=docs/partners/content/partners/x.yaml,line=2,col=7,endLine=2,endColumn=14,title=invalid-value::`tactcal` is not a valid `tier` (help: use one of: strategic, tactical, casual)

"#]]);
}

/// Whether `c` is a bidi control (the Unicode property Bidi_Control).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A site whose title, a partner's name and a playbook's title hold a
/// U+202E, with a partner named in Arabic, built.
fn bidi_site() -> support::Scratch {
    let s = support::Scratch::empty();
    s.write("partnerbook.yaml", "title: Acme \u{202e}Partners\n");
    s.write(
        "content/partners/evil.yaml",
        record("Evil \u{202e}Corp", "tactical"),
    );
    s.write(
        "content/partners/al-noor.yaml",
        record("شركة النور", "tactical"),
    );
    s.write(
        "content/playbooks/first-call.md",
        "---\ntitle: First \u{202e}call\nsummary: Before the call.\npartners: [evil, al-noor]\n---\n\nAsk why they need us.\n",
    );
    s.build(&[]).code(0);
    s
}

#[test]
fn bidi_controls_in_names_are_isolated_in_pages_and_removed_from_titles() {
    let s = bidi_site();
    let pages: Vec<_> = support::tree(&s.public())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() >= 5, "{pages:?}");
    let title = scraper::Selector::parse("title").unwrap();
    let any = scraper::Selector::parse("*").unwrap();
    let mut isolated = 0;
    for (path, bytes) in &pages {
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for t in doc.select(&title) {
            let text: String = t.text().collect();
            assert!(
                !text.chars().any(is_bidi_control),
                "{path}: <title>{text:?}"
            );
        }
        // nor can an attribute (the page's description)
        for e in doc.select(&any) {
            for (name, value) in e.value().attrs() {
                assert!(
                    !value.chars().any(is_bidi_control),
                    "{path}: {name}={value:?}"
                );
            }
        }
        // every text with a bidi control sits in a <bdi>, or alone in its
        // block (a heading, a list item, a cell), where the bidi algorithm
        // ends at the block's end: it cannot reorder the theme's words
        for node in doc.tree.nodes() {
            let Some(text) = node.value().as_text() else {
                continue;
            };
            if !text.chars().any(is_bidi_control) {
                continue;
            }
            let element = |n: &scraper::Node, names: &[&str]| {
                n.as_element().is_some_and(|e| names.contains(&e.name()))
            };
            let in_bdi = node.ancestors().any(|a| element(a.value(), &["bdi"]));
            let blocks = ["h1", "h2", "h3", "p", "li", "td", "th", "dd", "caption"];
            let block = node
                .ancestors()
                .find(|a| element(a.value(), &blocks))
                .and_then(scraper::ElementRef::wrap);
            let alone = block.is_some_and(|b| b.text().collect::<String>().trim() == text.trim());
            assert!(in_bdi || alone, "{path}: {:?} is not isolated", &**text);
            isolated += usize::from(in_bdi);
        }
    }
    assert!(isolated > 10, "{isolated}");

    let doc = scraper::Html::parse_document(&s.out("partners/evil/index.html"));
    let text = |css: &str| -> String {
        let sel = scraper::Selector::parse(css).unwrap();
        doc.select(&sel).next().unwrap().text().collect()
    };
    assert_eq!(text("title"), "Evil Corp · Acme Partners");
    assert_eq!(text("h1"), "Evil \u{202e}Corp");
    assert_eq!(text("p.section-intro > bdi"), "Evil \u{202e}Corp");
    assert_eq!(text("footer p > bdi"), "Acme \u{202e}Partners");
}

#[test]
fn a_right_to_left_name_renders_intact() {
    let s = bidi_site();
    let doc = scraper::Html::parse_document(&s.out("partners/al-noor/index.html"));
    let text = |css: &str| -> String {
        let sel = scraper::Selector::parse(css).unwrap();
        doc.select(&sel).next().unwrap().text().collect()
    };
    assert_eq!(text("h1"), "شركة النور");
    assert_eq!(text("p.section-intro > bdi"), "شركة النور");
    assert_eq!(text("title"), "شركة النور · Acme Partners");
}

#[test]
fn an_environment_error_naming_a_path_is_escaped_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &["-r", "gone\u{202e}lmay\x1b[31m"])
        .assert()
        .code(2);
    let stderr = support::stderr(&out);
    assert_eq!(
        stderr,
        "error: the site root gone<U+202E>lmay<U+001B>[31m is not a folder\n  help: pass the folder that holds partnerbook.yaml, or start a site there with `partnerbook init 'gone<U+202E>lmay<U+001B>[31m'`\n"
    );
}
