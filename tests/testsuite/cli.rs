//! The command line: exit codes, output formats, finding the site root.

use partnerbook::lint::Lint;

use crate::support::{Scratch, TODAY_EPOCH, fixture, partnerbook, stderr, stdout, ui_site};

#[test]
fn json_format_prints_one_object_per_diagnostic() {
    let out = partnerbook()
        .args(["check", "--format", "json", "--root"])
        .arg(ui_site("unknown-field"))
        .assert()
        .code(1);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["code"], "unknown-field");
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["file"], "content/partners/northwind.yaml");
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["column"].as_u64()),
        (Some(4), Some(1))
    );
    assert!(lines[0]["help"].as_str().unwrap().contains("owner"));
}

#[test]
fn github_format_prints_workflow_annotations() {
    partnerbook()
        .args(["check", "--format", "github", "--root"])
        .arg(ui_site("missing-partner-benefit-placeholder"))
        .assert()
        .code(1)
        .stdout_eq(snapbox::str![[r#"
::error file=tests/ui/missing-partner-benefit-placeholder/in/content/partners/northwind.yaml,line=8,col=20,endLine=8,endColumn=23,title=missing-partner-benefit::Northwind does not say what is in it for the partner (help: say how this partnership helps Northwind in its own business)

"#]]);
}

#[test]
fn all_problems_of_all_files_in_one_run() {
    let s = Scratch::copy_of(&ui_site("unknown-field"));
    s.write("content/partners/b.yaml", "name: B\ntier: nope\n");
    s.write("content/partners/c.yaml", "name: [\n");
    s.write(
        "content/playbooks/p.md",
        "---\nsummary: no title\n---\n[x](@/partners/zzz)\n",
    );
    let out = partnerbook()
        .args(["check", "--format", "json", "--root"])
        .arg(s.site())
        .assert()
        .code(1);
    let mut found: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            (
                v["file"].as_str().unwrap().to_string(),
                v["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found.dedup();
    for expected in [
        ("content/partners/b.yaml", "invalid-value"),
        ("content/partners/b.yaml", "missing-partner-benefit"),
        ("content/partners/c.yaml", "invalid-yaml"),
        ("content/partners/northwind.yaml", "unknown-field"),
        ("content/playbooks/p.md", "missing-field"),
        ("content/playbooks/p.md", "broken-link"),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} not in {found:?}"
        );
    }
}

#[test]
fn unknown_option_exits_with_2() {
    partnerbook()
        .args(["build", "--no-such-flag"])
        .assert()
        .code(2);
}

#[test]
fn no_site_found_exits_with_2() {
    let s = Scratch::empty();
    let out = partnerbook()
        .arg("check")
        .current_dir(s.dir.path())
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("no partnerbook site"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn root_is_found_from_a_subfolder() {
    let s = Scratch::copy_of(&ui_site("no-objective"));
    let out = partnerbook()
        .arg("check")
        .current_dir(s.site().join("content/partners"))
        .assert()
        .code(0);
    assert!(stderr(&out).contains("warning[no-objective]"));
}

#[test]
fn invalid_base_url_flag_exits_with_2() {
    let s = Scratch::copy_of(&ui_site("no-objective"));
    let out = s.build(&["-u", "intranet/partners"]).code(2);
    assert!(stderr(&out).contains("not an absolute http(s) URL"));
}

// ---------------------------------------------------------------------------
// colour (issue 17): partnerbook and clap's own help decide the same way,
// through anstream

/// Whether `text` holds an ANSI escape sequence.
fn colored(text: &[u8]) -> bool {
    text.contains(&0x1b)
}

/// Environment variables to set.
type Env<'a> = &'a [(&'a str, &'a str)];

/// Runs `partnerbook ARGS` with exactly the colour variables in `env` set,
/// standard output and error being pipes, and returns both.
fn piped(args: &[&str], env: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
    let mut command = std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"));
    command.args(args).env("SOURCE_DATE_EPOCH", TODAY_EPOCH);
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "CI"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("partnerbook runs");
    (out.stdout, out.stderr)
}

#[test]
fn colour_in_a_pipe_follows_the_environment_as_clap_help_does() {
    let site = ui_site("no-objective");
    let site = site.to_str().unwrap();
    // (variables, extra arguments, whether colour is expected)
    let cases: &[(Env, &[&str], bool)] = &[
        (&[], &[], false),
        (&[("TERM", "xterm-256color")], &[], false),
        (&[("CLICOLOR", "1")], &[], false),
        (&[("CLICOLOR_FORCE", "1")], &[], true),
        (&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], &[], true),
        (&[("CLICOLOR_FORCE", "1"), ("CLICOLOR", "0")], &[], true),
        (&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[], false),
        // an empty NO_COLOR is not set, as no-color.org says
        (&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")], &[], true),
        (&[], &["--color", "always"], true),
        (&[("NO_COLOR", "1")], &["--color=always"], true),
        (&[("CLICOLOR_FORCE", "1")], &["--color", "never"], false),
    ];
    for (env, extra, expected) in cases {
        let (help, _) = piped(&[&["--help"], *extra].concat(), env);
        let (_, diagnostics) = piped(&[&["check", "--root", site], *extra].concat(), env);
        // an environment error: no site here
        let (_, error) = piped(
            &[&["check", "--root", "/nonexistent/partnerbook"], *extra].concat(),
            env,
        );
        assert!(
            String::from_utf8_lossy(&diagnostics).contains("no-objective"),
            "{}",
            String::from_utf8_lossy(&diagnostics)
        );
        let seen = [colored(&help), colored(&diagnostics), colored(&error)];
        assert_eq!(
            seen, [*expected; 3],
            "with {env:?} {extra:?}: colour in --help, diagnostics, errors"
        );
    }
    // after the command, as a global option, --color applies to its help too
    let (help, _) = piped(&["check", "--help", "--color", "always"], &[]);
    assert!(colored(&help));
    // JSON is data, never coloured
    let (json, _) = piped(
        &["check", "--format", "json", "--root", site],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!json.is_empty() && !colored(&json));
}

/// Runs `partnerbook ARGS` in a terminal (a pseudo-terminal made by
/// util-linux's `script`), with the colour variables in `env` and no
/// others, and returns what the terminal showed.
fn in_terminal(args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let line: Vec<String> =
        std::iter::once(snapbox::cmd::cargo_bin!("partnerbook").to_str().unwrap())
            .chain(args.iter().copied())
            .map(quote)
            .collect();
    let mut command = std::process::Command::new("script");
    command
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .stdin(std::process::Stdio::null());
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "CI"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().unwrap_or_else(|e| {
        panic!("cannot run `script`, which this test needs to give partnerbook a terminal: {e}; install util-linux (Debian: bsdutils)")
    });
    assert!(
        out.status.success(),
        "script failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs script (util-linux or bsdutils); .ci/run installs it"]
fn colour_in_a_terminal_follows_term_and_the_environment_as_clap_help_does() {
    let site = ui_site("no-objective");
    let site = site.to_str().unwrap();
    let xterm = ("TERM", "xterm-256color");
    let cases: &[(Env, bool)] = &[
        (&[xterm], true),
        (&[("TERM", "dumb")], false),
        // no TERM at all: an odd terminal, assumed to have no colour
        (&[], false),
        (&[xterm, ("NO_COLOR", "1")], false),
        (&[xterm, ("CLICOLOR", "0")], false),
        (&[("TERM", "dumb"), ("CLICOLOR_FORCE", "1")], true),
        (&[("TERM", "dumb"), ("CLICOLOR", "1")], true),
    ];
    for (env, expected) in cases {
        let help = in_terminal(&["--help"], env);
        let diagnostics = in_terminal(&["check", "--root", site], env);
        assert!(
            String::from_utf8_lossy(&diagnostics).contains("no-objective"),
            "{}",
            String::from_utf8_lossy(&diagnostics)
        );
        assert_eq!(
            [colored(&help), colored(&diagnostics)],
            [*expected; 2],
            "in a terminal with {env:?}: colour in --help, diagnostics"
        );
    }
    // the explicit option wins in a terminal too
    let never = in_terminal(&["--color", "never", "check", "--root", site], &[xterm]);
    assert!(!colored(&never));
}

// ---------------------------------------------------------------------------
// a reader that goes away (issue 17: `completion bash | head -3` panicked
// with exit code 101 about half the time)

/// Every command line that writes to standard output, run in a copy of
/// the minimal fixture, with the exit code it ends with.
fn printing_commands() -> Vec<(Vec<String>, i32)> {
    let mut lines: Vec<(Vec<&str>, i32)> = vec![
        (vec!["--help"], 0),
        (vec!["--version"], 0),
        (vec!["check", "--help"], 0),
        (vec!["schema"], 0),
        (vec!["schema", "config"], 0),
        (vec!["man"], 0),
        (vec!["check", "--format", "json", "--root", "../bad"], 1),
        (vec!["check", "--format", "github", "--root", "../bad"], 1),
        (vec!["build"], 0),
        (vec!["init", "new-site"], 0),
        (vec!["new", "partner", "Cobalt Ridge"], 0),
    ];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        lines.push((vec!["completion", shell], 0));
    }
    for topic in ["record", "lints", "cli", "templates", "limits"] {
        lines.push((vec!["docs", topic], 0));
    }
    lines
        .into_iter()
        .map(|(args, code)| (args.into_iter().map(String::from).collect(), code))
        .collect()
}

/// A copy of the minimal fixture as `site`, beside a site with errors,
/// `bad`.
fn printing_site() -> Scratch {
    let s = Scratch::copy_of(&fixture("minimal"));
    crate::support::copy_dir(&ui_site("unknown-field"), &s.dir.path().join("bad"));
    s
}

/// Checks that a run neither panicked nor ended otherwise than `code`.
fn assert_ended(args: &[String], output: &std::process::Output, code: i32, how: &str) {
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        !err.contains("panicked"),
        "`partnerbook {}` panicked {how}: {err}",
        args.join(" ")
    );
    assert_eq!(
        output.status.code(),
        Some(code),
        "`partnerbook {}` {how}: {err}",
        args.join(" ")
    );
}

#[test]
fn no_command_fails_when_its_output_pipe_is_already_closed() {
    for (args, code) in printing_commands() {
        let s = printing_site();
        // the reading end is gone before partnerbook starts: its first
        // write to standard output fails with EPIPE, every time
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
            .args(&args)
            .current_dir(s.site())
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdout(writer)
            .output()
            .unwrap();
        assert_ended(&args, &output, code, "into a closed pipe");
    }
}

#[test]
fn no_command_fails_when_its_reader_stops_after_the_first_line() {
    use std::io::BufRead as _;
    // `| head -1`: the reader closes the pipe at a moment that varies from
    // run to run, so each command runs several times
    for (args, code) in printing_commands() {
        for _ in 0..8 {
            let s = printing_site();
            let mut child = std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
                .args(&args)
                .current_dir(s.site())
                .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut first)
                .unwrap();
            let output = child.wait_with_output().unwrap();
            assert_ended(&args, &output, code, "when its reader left after one line");
        }
    }
}

// ---------------------------------------------------------------------------
// examples in --help (issue 17): each command's help ends with examples,
// and every one of them runs

/// Every command below the main one, as its words (`["new", "partner"]`),
/// with its clap definition; clap's `help` command left out.
fn commands() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(path: &[String], command: &clap::Command, out: &mut Vec<(Vec<String>, clap::Command)>) {
        for sub in command.get_subcommands().filter(|c| c.get_name() != "help") {
            let mut words = path.to_vec();
            words.push(sub.get_name().to_string());
            out.push((words.clone(), sub.clone()));
            walk(&words, sub, out);
        }
    }
    use clap::CommandFactory as _;
    let mut main = partnerbook::cli::Cli::command();
    main.build();
    let mut out = Vec::new();
    walk(&[], &main, &mut out);
    out
}

/// Runs a tool the test needs, failing with what to install when it is
/// missing.
fn tool(program: &str, package: &str) -> std::process::Command {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "this test needs `{program}`: install it (Debian: apt-get install {package})"
    );
    std::process::Command::new(program)
}

/// One example of a help text: its comment, and the command lines it runs.
#[derive(Debug)]
struct Example {
    comment: String,
    commands: Vec<String>,
}

/// The examples `partnerbook WORDS --help` shows.
fn help_examples(words: &[String]) -> Vec<Example> {
    let help = stdout(&partnerbook().args(words).arg("--help").assert().code(0));
    let (_, rest) = help.split_once("\nExamples:\n").unwrap_or_else(|| {
        panic!(
            "`partnerbook {} --help` has no examples:\n{help}",
            words.join(" ")
        )
    });
    let mut examples: Vec<Example> = Vec::new();
    for line in rest.lines() {
        if line.is_empty() {
            continue;
        }
        let Some(line) = line.strip_prefix("  ") else {
            break; // the text after the examples
        };
        match line.strip_prefix("# ") {
            Some(comment) if examples.last().is_none_or(|e| !e.commands.is_empty()) => examples
                .push(Example {
                    comment: comment.to_string(),
                    commands: Vec::new(),
                }),
            Some(more) => {
                let last = examples.last_mut().unwrap();
                last.comment = format!("{} {more}", last.comment);
            }
            None => examples
                .last_mut()
                .expect("an example starts with a `#` comment")
                .commands
                .push(line.to_string()),
        }
    }
    examples
}

#[test]
fn every_command_has_two_to_four_examples_and_the_main_help_the_common_flows() {
    for (words, _) in commands() {
        let examples = help_examples(&words);
        assert!(
            (2..=4).contains(&examples.len()),
            "`partnerbook {} --help` has {} examples",
            words.join(" "),
            examples.len()
        );
        assert!(examples.iter().all(|e| !e.commands.is_empty()));
    }
    let flows = help_examples(&[]);
    assert!(flows.len() >= 3, "{flows:?}");
    // the short help shows them too
    let short = stdout(&partnerbook().arg("-h").assert().code(0));
    assert!(short.contains(&flows[0].commands[0]), "{short}");
}

/// Runs one example, as a user would paste it into bash, in a copy of the
/// minimal fixture (with the `schemas/` folder `init` makes), and checks
/// that it succeeds. `partnerbook serve`, which runs until stopped, must
/// come last: it is stopped with Ctrl-C once it says where it serves,
/// and must then exit with 0.
fn run_example(words: &[String], example: &Example) {
    use std::io::BufRead as _;
    let s = Scratch::copy_of(&fixture("minimal"));
    std::fs::create_dir_all(s.site().join("schemas")).unwrap();
    let home = s.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let bin = std::path::Path::new(snapbox::cmd::cargo_bin!("partnerbook"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let serves = example
        .commands
        .iter()
        .position(|c| c.starts_with("partnerbook serve"));
    if let Some(at) = serves {
        assert_eq!(
            at,
            example.commands.len() - 1,
            "{example:?}: serve must come last"
        );
    }
    // a tool an example pipes into must be there: say what to install
    for line in &example.commands {
        for program in line
            .split('|')
            .filter_map(|part| part.split_whitespace().next())
        {
            if !matches!(program, "partnerbook" | "mkdir" | "cd") {
                let package = if program == "man" { "man-db" } else { program };
                tool(program, package);
            }
        }
    }
    let mut script = String::from("set -euo pipefail\n");
    for (i, line) in example.commands.iter().enumerate() {
        if Some(i) == serves {
            script.push_str("exec ");
        }
        script.push_str(line);
        script.push('\n');
    }
    let help = ["partnerbook"]
        .into_iter()
        .chain(words.iter().map(String::as_str))
        .chain(["--help"])
        .collect::<Vec<_>>()
        .join(" ");
    let context = format!("the example `{}` of `{help}`", example.comment);
    let mut child = tool("bash", "bash")
        .args(["-c", &script])
        .current_dir(s.site())
        .env("HOME", &home)
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if serves.is_some() {
        // what the commands before it print, then serve's address (or
        // the end of the output, if serve failed)
        let serving = std::io::BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map(Result::unwrap)
            .find(|line| line.starts_with("serving "));
        assert!(
            serving.is_some_and(|l| l.starts_with("serving http://")),
            "{context}: serve did not start"
        );
        let pid = child.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{context} failed:\n{}\n{}",
        script,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn every_example_in_the_help_runs_as_shown() {
    let mut helps = vec![Vec::new()];
    helps.extend(commands().into_iter().map(|(words, _)| words));
    let mut ran = 0;
    for words in helps {
        for example in help_examples(&words) {
            run_example(&words, &example);
            ran += 1;
        }
    }
    assert!(ran > 20, "only {ran} examples ran");
}

// ---------------------------------------------------------------------------
// the manual page (issue 17)

/// The long options and positional value names of `command` that are
/// its own (not the ones every command takes).
fn own_options(command: &clap::Command) -> Vec<String> {
    command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !partnerbook::cmd::man::every_command_takes(a))
        .map(|a| match a.get_long() {
            Some(long) => format!(r"\-\-{}", long.replace('-', r"\-")),
            None => a.get_value_names().unwrap()[0].to_string(),
        })
        .collect()
}

fn man_page() -> String {
    stdout(&partnerbook().arg("man").assert().code(0))
}

#[test]
fn man_page_has_every_command_with_its_options_and_examples() {
    let page = man_page();
    // the sections of the page, by their heading line
    let section = |heading: &str| -> String {
        let start = page
            .find(&format!("{heading}\n"))
            .unwrap_or_else(|| panic!("no `{heading}` in the page:\n{page}"));
        let rest = &page[start + heading.len() + 1..];
        let end = [rest.find("\n.SH "), rest.find("\n.SS ")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        rest[..end].to_string()
    };
    for global in [r"\-\-color", r"\-\-help", r"\-\-version"] {
        assert!(section(".SH OPTIONS").contains(global), "{global}");
    }
    for (words, command) in commands() {
        let text = section(&format!(".SS \"partnerbook {}\"", words.join(" ")));
        for option in own_options(&command) {
            assert!(
                text.contains(&option),
                "`{option}` of `partnerbook {}` is not in its part of the page:\n{text}",
                words.join(" ")
            );
        }
        let examples = help_examples(&words);
        assert!(!examples.is_empty());
        for line in examples.iter().flat_map(|e| &e.commands) {
            let roff = line.replace('-', r"\-");
            assert!(
                text.contains(&roff),
                "the example `{line}` is not in:\n{text}"
            );
        }
    }
    for line in help_examples(&[]).iter().flat_map(|e| &e.commands) {
        assert!(section(".SH EXAMPLES").contains(&line.replace('-', r"\-")));
    }
}

#[test]
#[ignore = "needs groff and man (groff-base, man-db); .ci/run installs them"]
fn man_page_renders_without_a_warning() {
    use std::io::Write as _;
    let page = man_page();
    // -ww: every warning groff has; -z: format, print nothing
    let mut groff = tool("groff", "groff-base")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = groff.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warns");
    // and as man shows it: the commands' headings and their options
    let shown = tool("man", "man-db")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut shown = shown;
    shown
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = shown.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    for expected in [
        "COMMANDS",
        "partnerbook new partner",
        "-f, --force",
        "--poll",
    ] {
        assert!(text.contains(expected), "`{expected}` is not in:\n{text}");
    }
}

#[test]
#[ignore = "needs man (man-db); .ci/run installs it"]
fn man_finds_the_page_installed_as_the_docs_say() {
    // `partnerbook man --help` and docs/cli.md say: a partnerbook in
    // ~/.cargo/bin (or ~/.local/bin) finds its page in
    // ~/.cargo/share/man/man1 (or ~/.local/...), as man looks beside each
    // folder on PATH
    let page = man_page();
    for prefix in [".cargo", ".local"] {
        let s = Scratch::empty();
        let home = s.dir.path();
        std::fs::create_dir_all(home.join(prefix).join("bin")).unwrap();
        let installed = home.join(prefix).join("share/man/man1/partnerbook.1");
        std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
        std::fs::write(&installed, &page).unwrap();
        let out = tool("man", "man-db")
            .args(["-w", "partnerbook"])
            .env("HOME", home)
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", home.join(prefix).join("bin").display()),
            )
            .env_remove("MANPATH")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            installed.to_str().unwrap(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// the lints in `build --help` and `check --help` come from their table
// (issue 19): every lint, its default level and its doc, in the long help

#[test]
fn build_and_check_help_list_every_lint_with_its_default_level() {
    for command in ["build", "check"] {
        let help = stdout(&partnerbook().args([command, "--help"]).assert().code(0));
        let (_, rest) = help
            .split_once("\nLints:\n")
            .unwrap_or_else(|| panic!("`{command} --help` lists no lints:\n{help}"));
        let lines: Vec<&str> = rest.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), Lint::ALL.len(), "{help}");
        for (line, lint) in lines.iter().zip(Lint::ALL) {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(words[..2], [lint.name(), lint.default_level().name()]);
            assert!(line.ends_with(&format!("  {}", lint.doc())), "{line}");
        }
        let short = stdout(&partnerbook().args([command, "-h"]).assert().code(0));
        assert!(!short.contains("\nLints:"), "{short}");
    }
}
