//! The command line: exit codes, output formats, finding the site root.

use crate::support::{Scratch, partnerbook, stderr, stdout, ui_site};

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
::error file=content/partners/northwind.yaml,line=8,col=20,endLine=8,endColumn=23,title=missing-partner-benefit::Northwind does not say what is in it for the partner (help: say how this partnership helps Northwind's own business)

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
