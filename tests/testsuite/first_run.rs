//! A newcomer's first run (issue 17): the README's "start a playbook"
//! commands walked end to end with the real binary, and the help for the
//! YAML mistakes people make while filling in their first record.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use snapbox::cmd::OutputAssert;

use crate::support::{Scratch, TODAY_EPOCH, partnerbook, repo, stderr, stdout};

// ------------------------------------------------------------ the README

/// The commands of the README's block after "To start a playbook of your
/// own", comments dropped and `&&` chains split, as words.
fn readme_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let from = readme
        .find("To start a playbook of your own")
        .expect("the README has a \"To start a playbook of your own\" section");
    let block = &readme[from..];
    let block = &block[block.find("```sh\n").expect("a ```sh block") + 6..];
    let block = &block[..block.find("```").unwrap()];
    let mut commands = Vec::new();
    for line in block.lines() {
        let line = line.find("  #").map_or(line, |i| &line[..i]);
        for command in line.split("&&") {
            let words = shell_words(command.trim());
            if !words.is_empty() {
                commands.push(words);
            }
        }
    }
    commands
}

/// `line` split into words as a shell would for the README's commands:
/// spaces separate words, double quotes group them.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            _ => {
                word.push(c);
                any = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quote in {line:?}");
    if any {
        words.push(word);
    }
    words
}

/// What the walk types into each field `check` points at: text with
/// quotes, colons, `#` and `@`, which a newcomer should not have to quote.
const WE_DO: &str = "We tell a company which \"shelfware\" licenses it pays for: the ones nobody opened in 90 days.";
const THEY_DO: &str = "Cobalt Ridge distributes software to 900 resellers. It's #1 in the Nordics.";
const TOGETHER: &str =
    "A license check inside the reseller portal: @-mention a license to see who uses it.";
const BENEFIT: &str = "Its resellers keep the renewals they lose after audits today.";

/// Follows each diagnostic of `check` in `site` the way its message and
/// help direct, editing the line it names; returns how many it followed.
fn follow(site: &Path, check_stderr: &str) -> usize {
    let mut edits: Vec<(String, usize, String)> = Vec::new();
    let mut lines = check_stderr.lines();
    while let Some(line) = lines.next() {
        let Some(head) = line
            .strip_prefix("error[")
            .or_else(|| line.strip_prefix("warning["))
        else {
            continue;
        };
        let code = head[..head.find(']').unwrap()].to_string();
        let at = lines.next().unwrap().trim_start();
        let at = at
            .strip_prefix("--> ")
            .expect("a --> line after the message");
        let mut parts = at.rsplitn(3, ':');
        let (_column, line_no, file) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
        let field = line[line.find('`').map_or(0, |i| i + 1)..]
            .split('`')
            .next()
            .unwrap()
            .to_string();
        edits.push((
            file.to_string(),
            line_no.parse().unwrap(),
            format!("{code} {field}"),
        ));
    }
    // from the bottom up, so the line numbers above stay right
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.1));
    for (file, line_no, what) in &edits {
        let path = site.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let line = &mut lines[line_no - 1];
        let text_for = |field: &str| match field {
            "missing-field proposition.we_do" => WE_DO,
            "missing-field proposition.they_do" => THEY_DO,
            "missing-field proposition.together" => TOGETHER,
            _ if field.starts_with("missing-partner-benefit ") => BENEFIT,
            other => panic!("the walk does not know what to write for {other}"),
        };
        match what.as_str() {
            // "say how much the partnership matters: `tier: strategic`,
            // `tactical` or `casual`"
            "missing-field tier" => {
                assert_eq!(line, "tier:");
                line.push_str(" casual");
            }
            // "name at least one: `objectives: [market-share]` (or
            // market-access, ...)"
            w if w.starts_with("no-objective ") => {
                assert_eq!(line, "objectives: []");
                *line = "objectives: [market-access]".to_string();
            }
            // the template's comments: the text goes on the lines below
            // `>-`, indented further than the key
            w => {
                assert!(line.ends_with(": >-"), "{w} points at {line:?}");
                let indent = line.len() - line.trim_start().len() + 4;
                line.push_str(&format!("\n{}{}", " ".repeat(indent), text_for(w)));
            }
        }
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
    edits.len()
}

/// A `partnerbook serve` started by the walk, stopped when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GETs `url` (`http://host:port/path`) and returns the status and body.
fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

#[test]
fn the_readmes_start_a_playbook_commands_work_end_to_end() {
    let commands = readme_commands();
    let expected: Vec<Vec<String>> = [
        &["partnerbook", "init", "my-partners"][..],
        &["cd", "my-partners"],
        &["partnerbook", "new", "partner", "Cobalt Ridge Distribution"],
        &["partnerbook", "check"],
        &["partnerbook", "serve"],
        &["partnerbook", "build"],
    ]
    .iter()
    .map(|c| c.iter().map(|w| w.to_string()).collect())
    .collect();
    assert_eq!(
        commands, expected,
        "the README's commands changed: walk the new ones here"
    );
    let home = tempfile::tempdir().unwrap();
    let mut cwd: PathBuf = home.path().to_path_buf();
    let run = |cwd: &Path, args: &[String]| partnerbook().args(args).current_dir(cwd).assert();

    // partnerbook init my-partners && cd my-partners
    let out = run(&cwd, &commands[0][1..]).success();
    assert!(
        stdout(&out).contains("  cd my-partners\n"),
        "{}",
        stdout(&out)
    );
    cwd = cwd.join(&commands[1][1]);

    // partnerbook new partner "Cobalt Ridge Distribution"
    let out = run(&cwd, &commands[2][1..]).success();
    let record = cwd.join("content/partners/cobalt-ridge-distribution.yaml");
    assert!(
        stdout(&out).starts_with(&format!("wrote {}", record.display())),
        "{}",
        stdout(&out)
    );

    // partnerbook check: one error on each line left to fill in
    let out = run(&cwd, &commands[3][1..]).code(1);
    let said = stderr(&out);
    assert!(said.contains(": 5 errors, 1 warning in "), "{said}");
    assert_eq!(follow(&cwd, &said), 6, "{said}");
    // ... and once they are filled in, nothing
    let out = run(&cwd, &commands[3][1..]).success();
    assert!(
        stderr(&out).starts_with("checked 2 partners and 1 playbook: 0 errors, 0 warnings in "),
        "{}",
        stderr(&out)
    );

    // partnerbook serve: the new partner's page, as the browser gets it
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnerbook"))
        .args(&commands[4][1..])
        .current_dir(&cwd)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = BufReader::new(child.stdout.take().unwrap());
    let _serve = Serve(child);
    // read on a thread, so a serve that never prints fails the test
    // instead of hanging it
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let url = served.lines().map_while(Result::ok).find_map(|line| {
            let at = line.find("http://")?;
            Some(line[at..].split_whitespace().next()?.to_string())
        });
        let _ = tx.send(url);
    });
    let url = rx
        .recv_timeout(Duration::from_secs(30))
        .ok()
        .flatten()
        .expect("serve prints the address it serves");
    // the site is served at `url`, which ends in `/`
    let page = format!("{url}partners/cobalt-ridge-distribution/");
    let start = Instant::now();
    loop {
        let (status, body) = get(&page);
        if status == 200 && body.contains(WE_DO) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{page} answered {status} for 10 s:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // partnerbook build: the page, with the text exactly as typed
    let out = run(&cwd, &commands[5][1..]).success();
    assert!(
        stdout(&out).contains("(2 partners, 1 playbook) with 0 warnings"),
        "{}",
        stdout(&out)
    );
    let built =
        std::fs::read_to_string(cwd.join("public/partners/cobalt-ridge-distribution/index.html"))
            .unwrap();
    for text in [WE_DO, THEY_DO, TOGETHER, BENEFIT] {
        assert!(built.contains(text), "{text:?} not on the page:\n{built}");
    }
}

// ------------------------------------------------------------ YAML mistakes

/// The record every mistake is made in: valid up to its last line, which
/// is `line` (line 8).
fn record(line: &str) -> String {
    format!(
        "name: Northwind\ntier: casual\nobjectives: [market-access]\nproposition:\n  we_do: License compliance software.\n  they_do: IT outsourcing for enterprises.\n  together: A managed license-compliance service.\n{line}\n"
    )
}

/// `check` on a site whose one record is `text`.
fn check(text: &str) -> OutputAssert {
    let s = Scratch::empty();
    s.write("content/partners/northwind.yaml", text);
    partnerbook()
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .assert()
}

#[test]
fn a_double_quote_inside_double_quotes_is_explained_with_the_value_rewritten() {
    check(&record(r#"  partner_benefit: "the "best" partner""#))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: did not find expected key, while parsing a block mapping
 --> content/partners/northwind.yaml:8:25
  |
8 |   partner_benefit: "the "best" partner"
  |                         ^ this quote ends the text
  |
  = help: a `"` inside `"..."` ends the text: put the value in single quotes instead: `partner_benefit: 'the "best" partner'`; or write the value as a `>-` block, where nothing needs quoting

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn the_rewritten_value_is_valid_and_keeps_the_text() {
    let s = Scratch::empty();
    s.write(
        "content/partners/northwind.yaml",
        record(r#"  partner_benefit: 'the "best" partner''s pick'"#),
    );
    s.build(&[]).success();
    assert!(
        s.out("partners/northwind/index.html")
            .contains(r#"the "best" partner's pick"#)
    );
}

#[test]
fn an_apostrophe_inside_single_quotes_is_explained_with_the_value_rewritten() {
    check(&record("  partner_benefit: 'it's good'"))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: did not find expected key, while parsing a block mapping
 --> content/partners/northwind.yaml:8:23
  |
8 |   partner_benefit: 'it's good'
  |                       ^ this quote ends the text
  |
  = help: a `'` inside `'...'` ends the text: write the apostrophe twice: `partner_benefit: 'it''s good'`; or write the value as a `>-` block, where nothing needs quoting

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn a_colon_and_space_inside_a_plain_value_is_explained() {
    check(&record("  partner_benefit: Cost: lower by 10%"))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: mapping values are not allowed in this context
 --> content/partners/northwind.yaml:8:24
  |
8 |   partner_benefit: Cost: lower by 10%
  |                        ^ `: ` inside a value
  |
  = help: a colon and a space inside a value read as a new key: put the value in single quotes (`partner_benefit: 'Cost: lower by 10%'`), or write it as a `>-` block, where nothing needs quoting

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn a_tab_in_the_indentation_is_pointed_at() {
    check(&record("\tpartner_benefit: Lower cost."))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: found a tab character that violates indentation, while scanning a plain scalar
 --> content/partners/northwind.yaml:8:1
  |
8 |     partner_benefit: Lower cost.
  | ^^^^ a tab
  |
  = help: indent with spaces: YAML does not allow tabs in indentation (most editors can insert spaces for the Tab key in .yaml files)

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn a_value_starting_with_at_is_explained() {
    check(&record("  partner_benefit: @Northwind gets our leads"))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: found character that cannot start any token, while scanning for the next token
 --> content/partners/northwind.yaml:8:20
  |
8 |   partner_benefit: @Northwind gets our leads
  |                    ^ `@` cannot start a value
  |
  = help: `@` is reserved in YAML and cannot start a value: put the value in single quotes (`partner_benefit: '@Northwind gets our leads'`), or write it as a `>-` block, where nothing needs quoting

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn a_value_starting_with_a_backtick_is_explained() {
    check(&record("  partner_benefit: `sync` saves them a week"))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: found character that cannot start any token, while scanning for the next token
 --> content/partners/northwind.yaml:8:20
  |
8 |   partner_benefit: `sync` saves them a week
  |                    ^ a backtick cannot start a value
  |
  = help: a backtick is reserved in YAML and cannot start a value: put the value in single quotes (`partner_benefit: '`sync` saves them a week'`), or write it as a `>-` block, where nothing needs quoting

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn a_hash_after_a_space_starts_a_comment_so_the_value_ends_before_it() {
    // not a YAML error: the rest of the line is a comment, and here the
    // benefit is left empty, which the tool refuses
    check(&record("  partner_benefit: #1 reseller in the Nordics"))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[missing-partner-benefit]: Northwind does not say what is in it for the partner
 --> content/partners/northwind.yaml:8:3
  |
8 |   partner_benefit: #1 reseller in the Nordics
  |   ^^^^^^^^^^^^^^^ this is empty
  |
  = help: say how this partnership helps Northwind in its own business

checked 1 partner and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn text_on_the_line_of_a_block_indicator_is_explained() {
    check(&record("  partner_benefit: >- Lower cost."))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: did not find expected comment or line break, while scanning a block scalar
 --> content/partners/northwind.yaml:8:23
  |
8 |   partner_benefit: >- Lower cost.
  |                       ^ text after `>-` on the same line
  |
  = help: start the text on the next line, indented further than the key: `partner_benefit: >-` alone on its line, then `Lower cost.` below it

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn block_text_not_indented_under_its_key_is_explained() {
    check(&record("  partner_benefit: >-\n  Lower cost."))
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/partners/northwind.yaml is not valid YAML: could not find expected ':', while scanning a simple key
 --> content/partners/northwind.yaml:9:3
  |
9 |   Lower cost.
  |   ^ not indented under `partner_benefit: >-`
  |
  = help: the text of a `>-` block goes on the lines below its key, indented further than `partner_benefit`: add spaces at the start of this line

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

#[test]
fn both_yaml_parsers_explain_a_mistake_the_same_way() {
    // a ` *` or ` &` sends a text through the parser that checks the
    // limits (saphyr-parser) before serde_yaml: its messages differ, the
    // explanation must not
    let plain = record(r#"  partner_benefit: "the "best" partner""#);
    let markdown = plain.replace("License compliance", "License **compliance**");
    let (plain, markdown) = (
        stderr(&check(&plain).code(1)),
        stderr(&check(&markdown).code(1)),
    );
    let message = |err: &str| err.lines().next().unwrap_or_default().to_string();
    assert_ne!(message(&plain), message(&markdown), "one parser read both");
    let explained = |err: &str| {
        err.lines()
            .filter(|l| !l.starts_with("error[") && !l.starts_with("checked "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(explained(&plain), explained(&markdown));
}

#[test]
fn a_quoting_mistake_in_a_playbooks_front_matter_is_explained_at_its_line() {
    let s = Scratch::empty();
    s.write(
        "content/playbooks/kickoff.md",
        "---\ntitle: The \"kickoff\" call\nsummary: 'Who's in the room'\n---\nBody.\n",
    );
    partnerbook()
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .assert()
        .code(1)
        .stderr_eq(snapbox::str![[r#"
error[invalid-yaml]: content/playbooks/kickoff.md is not valid YAML: did not find expected key, while parsing a block mapping
 --> content/playbooks/kickoff.md:3:14
  |
3 | summary: 'Who's in the room'
  |              ^ this quote ends the text
  |
  = help: a `'` inside `'...'` ends the text: write the apostrophe twice: `summary: 'Who''s in the room'`; or write the value as a `>-` block, where nothing needs quoting

checked 0 partners and 0 playbooks: 1 error, 0 warnings in [..] s

"#]]);
}

// ------------------------------------------------------------ issue 20

#[test]
fn every_command_outside_a_site_names_the_folder_and_suggests_init() {
    let s = Scratch::empty();
    let here = s.dir.path();
    let said = format!(
        "error: no partnerbook site in {} or any folder above it (looked for partnerbook.yaml or content/)\n  help: start a site here with `partnerbook init`, or in a new folder with `partnerbook init my-partners`; for a site elsewhere, run this inside it or pass `-r/--root DIR`\n",
        here.display()
    );
    for args in [
        &["check"][..],
        &["build"],
        &["serve", "-p", "0"],
        &["new", "partner", "Northwind"],
    ] {
        let out = partnerbook().args(args).current_dir(here).assert().code(2);
        assert_eq!(stderr(&out), said, "{args:?}");
    }
    // and nothing was created
    assert_eq!(std::fs::read_dir(here).unwrap().count(), 0);
}

#[test]
fn a_root_that_is_not_a_site_is_refused_with_the_init_command() {
    let s = Scratch::empty();
    let empty = s.dir.path().join("my partners");
    std::fs::create_dir(&empty).unwrap();
    let out = partnerbook()
        .args(["check", "-r"])
        .arg(&empty)
        .assert()
        .code(2);
    assert_eq!(
        stderr(&out),
        format!(
            "error: no partnerbook site in {} (looked for partnerbook.yaml or content/)\n  help: pass the folder that holds partnerbook.yaml to `-r/--root`, or start a site there with `partnerbook init '{}'`\n",
            empty.display(),
            empty.display()
        )
    );
    let missing = s.dir.path().join("nowhere");
    let out = partnerbook()
        .args(["build", "--root"])
        .arg(&missing)
        .assert()
        .code(2);
    assert_eq!(
        stderr(&out),
        format!(
            "error: the site root {} is not a folder\n  help: pass the folder that holds partnerbook.yaml, or start a site there with `partnerbook init {}`\n",
            missing.display(),
            missing.display()
        )
    );
    // the command it suggests starts a site the same command then accepts
    partnerbook().arg("init").arg(&empty).assert().success();
    partnerbook()
        .args(["check", "-r"])
        .arg(&empty)
        .assert()
        .success();
}

/// A casual partner named `name` with one rule of its own, which replaces
/// a tier default.
fn partner_named(name: &str) -> String {
    format!(
        "name: {name}\ntier: casual\nobjectives: [market-access]\nproposition:\n  we_do: License compliance software.\n  they_do: IT outsourcing for enterprises.\n  together: A managed license-compliance service.\nrules_of_engagement:\n  deal_registration: Register deals in the portal.\n"
    )
}

#[test]
fn a_name_ending_in_s_gets_no_possessive() {
    for (name, slug) in [
        ("Acme Services", "acme-services"),
        ("Northwind", "northwind"),
    ] {
        let s = Scratch::empty();
        s.write(
            &format!("content/partners/{slug}.yaml"),
            partner_named(name),
        );
        // the help for the missing benefit
        let out = partnerbook()
            .arg("check")
            .arg("--root")
            .arg(s.site())
            .assert()
            .code(1);
        assert!(
            stderr(&out).contains(&format!(
                "= help: say how this partnership helps {name} in its own business\n"
            )),
            "{}",
            stderr(&out)
        );
        // the partner page's rules
        let mut text = partner_named(name);
        text = text.replace(
            "  together: A managed license-compliance service.\n",
            "  together: A managed license-compliance service.\n  partner_benefit: Fewer audits.\n",
        );
        s.write(&format!("content/partners/{slug}.yaml"), text);
        s.build(&[]).success();
        let page = s.out(&format!("partners/{slug}/index.html"));
        assert!(
            page.contains(&format!(
                "with the rules set for <bdi>{name}</bdi> merged over them"
            )),
            "{page}"
        );
        assert!(page.contains(&format!("Set for {name}")), "{page}");
        assert!(!page.contains(&format!("{name}'s")), "{name}: {page}");
        assert!(!page.contains(&format!("{name}&#39;s")), "{name}: {page}");
    }
}

#[test]
fn a_playbook_says_whom_it_applies_to_only_when_it_names_someone() {
    let s = Scratch::empty();
    s.write(
        "content/partners/northwind.yaml",
        partner_named("Northwind").replace(
            "rules_of_engagement:",
            "  partner_benefit: Fewer audits.\nrules_of_engagement:",
        ),
    );
    s.write(
        "content/playbooks/everyone.md",
        "---\ntitle: For everyone\n---\nBody.\n",
    );
    s.write(
        "content/playbooks/some.md",
        "---\ntitle: For some\npartners: [northwind]\n---\nBody.\n",
    );
    s.write(
        "content/playbooks/tiers.md",
        "---\ntitle: For tiers\ntiers: [casual]\n---\nBody.\n",
    );
    s.build(&[]).success();
    let everyone = s.out("playbooks/everyone/index.html");
    assert!(!everyone.contains("Applies to"), "{everyone}");
    assert!(!everyone.contains("None named"), "{everyone}");
    assert!(!everyone.contains("class=\"applies\""), "{everyone}");
    let some = s.out("playbooks/some/index.html");
    assert!(some.contains("<dt>Applies to partners</dt>"), "{some}");
    assert!(some.contains("<bdi>Northwind</bdi>"), "{some}");
    assert!(!some.contains("Applies to tiers"), "{some}");
    assert!(!some.contains("None named"), "{some}");
    let tiers = s.out("playbooks/tiers/index.html");
    assert!(tiers.contains("<dt>Applies to tiers</dt>"), "{tiers}");
    assert!(!tiers.contains("Applies to partners"), "{tiers}");
}

/// Every `id` on `page`, in order.
fn ids(page: &str) -> Vec<String> {
    page.split(" id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// Asserts that `page`'s ids are unique and that every `href="#x"` on it
/// leads to one of them.
fn assert_fragments_resolve(page: &str) {
    let ids = ids(page);
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        assert!(seen.insert(id), "id {id:?} twice on the page:\n{page}");
    }
    for rest in page.split("href=\"#").skip(1) {
        let target = &rest[..rest.find('"').unwrap()];
        assert!(
            seen.contains(&target.to_string()),
            "#{target} leads nowhere:\n{page}"
        );
    }
}

#[test]
fn footnotes_are_a_section_with_a_way_back_and_ids_unique_on_the_page() {
    let s = Scratch::empty();
    s.write(
        "content/playbooks/notes.md",
        "---\ntitle: Notes\n---\n## Main {#main}\n\nFirst[^1] and again[^1], then[^why].\n\n[^1]: The first note.\n[^why]: Because.\n",
    );
    let note = |text: &str| format!("|-\n    {text}[^1]\n\n    [^1]: About {text}.");
    s.write(
        "content/partners/northwind.yaml",
        format!(
            "name: Northwind\ntier: casual\nobjectives: [market-access]\nproposition:\n  we_do: {}\n  they_do: {}\n  together: A managed service.\n  partner_benefit: Fewer audits.\n",
            note("We"),
            note("They")
        ),
    );
    s.build(&[]).success();

    let page = s.out("playbooks/notes/index.html");
    let notes = &page[page
        .find("<div class=\"footnotes\">")
        .expect("a notes section")..];
    let notes = &notes[..notes.find("</div>").unwrap()];
    // a rule, then an ordered list, in the order of first reference
    assert!(
        notes.starts_with("<div class=\"footnotes\">\n<hr>\n<ol>\n"),
        "{notes}"
    );
    let first = notes.find("The first note.").unwrap();
    assert!(first < notes.find("Because.").unwrap(), "{notes}");
    // a way back to each reference, with a name for screen readers
    assert_eq!(
        notes.matches("class=\"footnote-back\"").count(),
        3,
        "{notes}"
    );
    assert!(
        notes.contains("aria-label=\"Back to reference 1\">↩"),
        "{notes}"
    );
    assert!(
        notes.contains("aria-label=\"Back to reference 1-2\">↩"),
        "{notes}"
    );
    assert!(
        notes.contains("aria-label=\"Back to reference 2\">↩"),
        "{notes}"
    );
    assert_eq!(page.matches("class=\"footnote-ref\"").count(), 3, "{page}");
    assert_fragments_resolve(&page);

    // two texts on one page, each with a note `[^1]`
    let page = s.out("partners/northwind/index.html");
    assert_eq!(
        page.matches("<div class=\"footnotes\">").count(),
        2,
        "{page}"
    );
    assert!(page.contains("About We."), "{page}");
    assert!(page.contains("About They."), "{page}");
    assert_fragments_resolve(&page);
    assert_fragments_resolve(&s.out("partners/northwind/worksheet/index.html"));
}
