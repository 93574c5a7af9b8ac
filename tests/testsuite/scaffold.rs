//! `partnerbook init` and `partnerbook new partner`: what they write, what
//! they refuse, and that the result builds (init) or is rejected by `check`
//! at exactly the lines the author has to fill in (new partner).

use std::path::Path;

use partnerbook::config::Config;
use partnerbook::scaffold as templates;

use crate::support::{Scratch, TODAY_EPOCH, partnerbook, repo, stderr, stdout, tree};

/// `tests/ui/new-partner-template/`: the record `new partner "Cobalt Ridge
/// Distribution"` writes on the test date, and what `check` says about it.
fn case() -> std::path::PathBuf {
    repo().join("tests/ui/new-partner-template")
}

const NAME: &str = "Cobalt Ridge Distribution";
const RECORD: &str = "content/partners/cobalt-ridge-distribution.yaml";

/// A fresh `new partner` record with the lines `check` points at filled in,
/// the text written below each `>-` as the template's comments say.
pub fn fill_in(template: &str) -> String {
    let filled = template
        .replacen("\ntier:\n", "\ntier: casual\n", 1)
        .replacen(
            "\n  we_do: >-\n",
            "\n  we_do: >-\n    We tell a company which software licenses it owns.\n",
            1,
        )
        .replacen(
            "\n  they_do: >-\n",
            "\n  they_do: >-\n    Cobalt Ridge distributes software to 900 resellers.\n",
            1,
        )
        .replacen(
            "\n  together: >-\n",
            "\n  together: >-\n    A license check inside the reseller portal.\n",
            1,
        )
        .replacen(
            "\n  partner_benefit: >-\n",
            "\n  partner_benefit: >-\n    Its resellers keep renewals they now lose after audits.\n",
            1,
        );
    assert_eq!(
        filled.lines().count(),
        template.lines().count() + 4,
        "the template changed: update fill_in"
    );
    filled
}

/// A scratch site holding only `content/`, with `new partner NAME` run in it.
fn site_with_new_partner(name: &str) -> Scratch {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site().join("content")).unwrap();
    partnerbook()
        .args(["new", "partner", name, "--root"])
        .arg(s.site())
        .assert()
        .success();
    s
}

fn check(site: &Path) -> snapbox::cmd::OutputAssert {
    partnerbook().arg("check").arg("--root").arg(site).assert()
}

// ---------------------------------------------------------------- init

#[test]
fn init_writes_a_site_that_builds_with_zero_warnings() {
    let s = Scratch::empty();
    let out = partnerbook().arg("init").arg(s.site()).assert().success();
    let said = stdout(&out);
    for rel in [
        "partnerbook.yaml",
        templates::EXAMPLE_PARTNER_PATH,
        templates::EXAMPLE_PLAYBOOK_PATH,
        "schemas/partner.schema.json",
        "schemas/partnerbook.schema.json",
        ".vscode/settings.json",
        ".gitignore",
    ] {
        assert!(
            said.contains(&format!("  {rel}\n")),
            "{rel} not listed in:\n{said}"
        );
        assert!(s.site().join(rel).is_file(), "{rel} not written");
    }
    assert!(
        said.contains(&format!("  cd {}\n", s.site().display())),
        "{said}"
    );
    assert!(said.contains("  partnerbook serve"), "{said}");
    assert!(said.contains("  partnerbook docs record "), "{said}");
    assert_eq!(tree(&s.site()).len(), 7, "exactly the seven files");

    let built = s.build(&[]).success();
    assert!(
        stdout(&built).contains("(1 partner, 1 playbook) with 0 warnings"),
        "{}",
        stdout(&built)
    );
    assert_eq!(stderr(&built), "", "no diagnostics at all");
    // the playbook shows the way to the example partner
    assert!(
        s.out("playbooks/first-call/index.html")
            .contains("Ledgerline Accounting, the example partner in the\n<a href=\"../../index.html\">portfolio</a>")
    );
}

#[test]
fn deleting_the_example_partner_as_its_note_says_leaves_a_site_that_builds() {
    let s = Scratch::empty();
    partnerbook().arg("init").arg(s.site()).assert().success();
    let record = s.site().join(templates::EXAMPLE_PARTNER_PATH);
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(
        text.contains("# Delete this file whenever you like. Nothing links to it"),
        "{text}"
    );
    std::fs::remove_file(&record).unwrap();
    let built = s.build(&[]).success();
    assert!(
        stdout(&built).contains("(0 partners, 1 playbook) with 0 warnings"),
        "{}",
        stdout(&built)
    );
    assert_eq!(stderr(&built), "", "no diagnostics at all");
}

#[test]
fn generated_files_point_at_docs_an_installed_partnerbook_shows() {
    let s = Scratch::empty();
    partnerbook().arg("init").arg(s.site()).assert().success();
    partnerbook()
        .args(["new", "partner", NAME, "--root"])
        .arg(s.site())
        .assert()
        .success();
    let mut pointers = 0;
    for (rel, bytes) in tree(&s.site()) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains("docs/") && !text.contains(".md#") && !text.contains("record.md"),
            "{rel} points at a file an installed partnerbook does not have:\n{text}"
        );
        // every `partnerbook docs TOPIC` named is one the binary knows
        for (i, _) in text.match_indices("partnerbook docs ") {
            let topic: String = text[i + "partnerbook docs ".len()..]
                .chars()
                .take_while(char::is_ascii_lowercase)
                .collect();
            partnerbook().args(["docs", &topic]).assert().success();
            pointers += 1;
        }
    }
    // the configuration, the example partner, the new record, both schemas
    assert!(pointers >= 5, "only {pointers} pointers to the docs");
}

#[test]
fn init_reviews_the_example_partner_today_so_it_stays_current() {
    let s = Scratch::empty();
    partnerbook().arg("init").arg(s.site()).assert().success();
    let record = std::fs::read_to_string(s.site().join(templates::EXAMPLE_PARTNER_PATH)).unwrap();
    // TODAY_EPOCH is 2026-11-22
    assert!(record.contains("\n  last: 2026-11-22\n"), "{record}");
    // 89 days later the 90-day review is still not overdue
    let later = TODAY_EPOCH.parse::<i64>().unwrap() + 89 * 86_400;
    let out = partnerbook()
        .env("SOURCE_DATE_EPOCH", later.to_string())
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .assert()
        .success();
    assert!(
        stderr(&out).contains(": 0 errors, 0 warnings in "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_writes_the_schemas_as_partnerbook_schema_prints_them() {
    let s = Scratch::empty();
    partnerbook().arg("init").arg(s.site()).assert().success();
    let partner = partnerbook().arg("schema").assert().success();
    let config = partnerbook().args(["schema", "config"]).assert().success();
    let read = |rel: &str| std::fs::read_to_string(s.site().join(rel)).unwrap();
    assert_eq!(read("schemas/partner.schema.json"), stdout(&partner));
    assert_eq!(read("schemas/partnerbook.schema.json"), stdout(&config));
    assert_eq!(read(".vscode/settings.json"), templates::VSCODE_SETTINGS);
    assert_eq!(read(".gitignore"), "public/\n");
    // the records name their schema relative to themselves, for offline use
    assert!(
        read(templates::EXAMPLE_PARTNER_PATH)
            .starts_with("# yaml-language-server: $schema=../../schemas/partner.schema.json\n")
    );
}

#[test]
fn init_configuration_spells_out_the_built_in_defaults() {
    let s = Scratch::empty();
    partnerbook().arg("init").arg(s.site()).assert().success();
    let (loaded, _, diagnostics) = partnerbook::pipeline::read::config(&s.site());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let defaults = Config::default();
    assert_eq!(
        loaded.tiers, defaults.tiers,
        "tiers differ from the built-in ones"
    );
    assert_eq!(loaded.lints, defaults.lints);
    assert_eq!(loaded.vague_phrases, defaults.vague_phrases);
    assert_eq!(loaded.base_url, None, "base_url stays commented out");
    assert_eq!(loaded.theme, "default");
    assert!(!loaded.allow_html && !loaded.pretty_links);
}

#[test]
fn init_refuses_a_folder_that_holds_only_hidden_files() {
    let s = Scratch::empty();
    s.write(".git/HEAD", "ref: refs/heads/main\n");
    let before = tree(&s.site());
    partnerbook()
        .arg("init")
        .arg(s.site())
        .assert()
        .code(2)
        .stdout_eq("")
        .stderr_eq(snapbox::str![[r#"
error: refusing to create a site in [..]/site: the folder is not empty (it holds .git)
  help: give the name of a new or empty folder, e.g. `partnerbook init partner-playbook`

"#]]);
    assert_eq!(tree(&s.site()), before, "nothing written");
}

#[test]
fn init_refuses_a_non_empty_folder_and_names_what_is_in_it() {
    let s = Scratch::empty();
    for rel in ["notes.txt", "a.md", "b.md", "c.md"] {
        s.write(rel, "x");
    }
    let out = partnerbook().arg("init").arg(s.site()).assert().code(2);
    assert!(
        stderr(&out).contains("not empty (it holds a.md, b.md, c.md and 1 more)"),
        "{}",
        stderr(&out)
    );
    assert!(!s.site().join("partnerbook.yaml").exists());
}

#[test]
fn init_with_no_folder_uses_the_current_one_if_it_is_empty() {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site()).unwrap();
    let out = partnerbook()
        .arg("init")
        .current_dir(s.site())
        .assert()
        .success();
    assert!(s.site().join("partnerbook.yaml").is_file());
    assert!(
        !stdout(&out).contains("  cd "),
        "no `cd` into the current folder:\n{}",
        stdout(&out)
    );
    s.build(&[]).success();
}

#[test]
fn init_reports_a_folder_it_cannot_create() {
    let s = Scratch::empty();
    s.write("file", "not a folder");
    let target = s.site().join("file/site");
    let out = partnerbook().arg("init").arg(&target).assert().code(2);
    let err = stderr(&out);
    assert!(err.starts_with("error: cannot create the folder "), "{err}");
    assert!(err.contains("\n  help: "), "{err}");
    let out = partnerbook()
        .arg("init")
        .arg(s.site().join("file"))
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("it is a file, not a folder"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------- new partner

#[test]
fn new_partner_writes_the_commented_template() {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site().join("content")).unwrap();
    let out = partnerbook()
        .args(["new", "partner", NAME, "--root"])
        .arg(s.site())
        .assert()
        .success()
        .stderr_eq("");
    let said = stdout(&out);
    assert_eq!(said.lines().count(), 1, "one line: {said}");
    assert!(
        said.starts_with(&format!("wrote {}", s.site().join(RECORD).display())),
        "{said}"
    );
    assert!(
        said.contains("(and schemas/partner.schema.json, "),
        "{said}"
    );

    let written = std::fs::read_to_string(s.site().join(RECORD)).unwrap();
    snapbox::assert_data_eq!(
        written.as_str(),
        snapbox::Data::read_from(&case().join("in").join(RECORD), None).raw()
    );
    assert!(
        written.starts_with("# yaml-language-server: $schema=../../schemas/partner.schema.json\n")
    );
    assert_eq!(
        std::fs::read_to_string(s.site().join("schemas/partner.schema.json")).unwrap(),
        templates::PARTNER_SCHEMA
    );
}

#[test]
fn new_partner_explains_every_field_in_a_comment_above_it() {
    let text = templates::partner_template(NAME, jiff::civil::date(2026, 11, 22));
    let lines: Vec<&str> = text.lines().collect();
    let mut keys = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let key = trimmed.split(':').next().unwrap().trim_start_matches("- ");
        keys.push(key.to_string());
        // review.last and every_days share the comment above `review:`
        let explained = lines[..i]
            .last()
            .is_some_and(|l| l.trim_start().starts_with('#'))
            || matches!(key, "last" | "every_days");
        assert!(
            explained,
            "line {}: `{line}` has no comment above it",
            i + 1
        );
    }
    for field in partnerbook::record::FIELDS
        .iter()
        .chain(partnerbook::record::PROPOSITION_FIELDS)
        .chain(partnerbook::record::COMMITMENT_FIELDS)
        .chain(partnerbook::record::WORKSHEET_FIELDS)
        .chain(partnerbook::record::REVIEW_FIELDS)
    {
        assert!(
            keys.iter().any(|k| k == field),
            "`{field}` is not in the template"
        );
    }
    // the people of the influence map are an example to uncomment
    for field in partnerbook::record::PERSON_FIELDS {
        assert!(
            text.contains(&format!("  #   {field}: "))
                || text.contains(&format!("  # - {field}: ")),
            "`{field}` not shown"
        );
    }
}

#[test]
fn check_points_at_every_line_to_fill_in_a_new_partner() {
    let s = site_with_new_partner(NAME);
    let out = check(&s.site())
        .code(1)
        .stderr_eq(snapbox::Data::read_from(&case().join("stderr.txt"), None));
    // independently of the snapshot: one error on the line of each field
    let text = std::fs::read_to_string(s.site().join(RECORD)).unwrap();
    let err = stderr(&out);
    for (field, code) in [
        ("tier:", "missing-field"),
        ("  we_do:", "missing-field"),
        ("  they_do:", "missing-field"),
        ("  together:", "missing-field"),
        ("  partner_benefit:", "missing-partner-benefit"),
    ] {
        let line = text.lines().position(|l| l.starts_with(field)).unwrap() + 1;
        assert!(
            err.contains(&format!("error[{code}]")) && err.contains(&format!("{RECORD}:{line}:")),
            "no {code} at line {line} ({field}) in:\n{err}"
        );
    }
    assert!(err.contains(": 5 errors, "), "{err}");
}

#[test]
fn a_filled_in_new_partner_passes_check() {
    let s = site_with_new_partner(NAME);
    let path = s.site().join(RECORD);
    let filled = fill_in(&std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, filled).unwrap();
    let out = check(&s.site()).success();
    assert!(
        stderr(&out).contains("checked 1 partner and 0 playbooks: 0 errors, "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_partner_refuses_to_overwrite_a_record() {
    let s = site_with_new_partner(NAME);
    let path = s.site().join(RECORD);
    std::fs::write(&path, "name: Mine\n").unwrap();
    partnerbook()
        .args(["new", "partner", "cobalt ridge  DISTRIBUTION", "--root"])
        .arg(s.site())
        .assert()
        .code(2)
        .stdout_eq("")
        .stderr_eq(snapbox::str![[r#"
error: content/partners/cobalt-ridge-distribution.yaml already exists; partnerbook does not overwrite it
  help: edit that file, or give the new partner a different name

"#]]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "name: Mine\n");
}

#[test]
fn new_partner_refuses_a_slug_another_file_already_has() {
    let s = Scratch::empty();
    s.write(
        "content/partners/emea/Cobalt_Ridge.yml",
        "name: Cobalt Ridge\n",
    );
    let before = tree(&s.site());
    partnerbook()
        .args(["new", "partner", "Cobalt Ridge", "--root"])
        .arg(s.site())
        .assert()
        .code(2)
        .stderr_eq(snapbox::str![[r#"
error: content/partners/emea/Cobalt_Ridge.yml is already the record of `cobalt-ridge`, so content/partners/cobalt-ridge.yaml would be a second file for the same page
  help: edit content/partners/emea/Cobalt_Ridge.yml, or give a name that differs in more than case, spaces or punctuation

"#]]);
    assert_eq!(
        tree(&s.site()),
        before,
        "nothing written, not even the schema"
    );
}

#[test]
fn new_partner_folds_accents_into_the_file_name_and_keeps_the_name() {
    let s = site_with_new_partner("Müller & Söhne: Café Nord");
    let text = std::fs::read_to_string(
        s.site()
            .join("content/partners/muller-sohne-cafe-nord.yaml"),
    )
    .unwrap();
    assert!(
        text.contains("\nname: 'Müller & Söhne: Café Nord'\n"),
        "{text}"
    );
    let out = check(&s.site()).code(1);
    assert!(
        stderr(&out)
            .contains("Müller & Söhne: Café Nord does not say what is in it for the partner"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_partner_refuses_a_name_that_gives_no_file_name() {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site().join("content")).unwrap();
    for name in ["🚀", "🚀🎉 ✨", "  ", "&"] {
        let out = partnerbook()
            .args(["new", "partner", name, "--root"])
            .arg(s.site())
            .assert()
            .code(2);
        let err = stderr(&out);
        assert!(
            err.starts_with("error: ") && err.contains("\n  help: "),
            "{name:?}: {err}"
        );
    }
    partnerbook()
        .args(["new", "partner", "🚀", "--root"])
        .arg(s.site())
        .assert()
        .code(2)
        .stdout_eq("")
        .stderr_eq(snapbox::str![[r#"
error: `🚀` gives no file name: it has no letter or digit to spell one with
  help: give a name with a word in it, e.g. `partnerbook new partner "Rocket Labs"`; the file name stays when you change `name:` in the file afterwards, to `🚀` alone if you like

"#]]);
    assert!(tree(&s.site()).is_empty(), "nothing written");
}

#[test]
fn new_partner_spells_names_in_any_script_with_a_slug_the_build_accepts() {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: Test\n");
    let names = [
        ("Nguyễn Trading", "nguyen-trading"),
        ("東京 Systems", "dong-jing-systems"),
        ("Αθήνα Partners", "athena-partners"),
        // deunicode folds ü to u (not ue) and ß to ss
        ("Müller Straße", "muller-strasse"),
        ("Rocket 🚀 Labs", "rocket-labs"),
    ];
    for (name, slug) in names {
        let out = partnerbook()
            .args(["new", "partner", name, "--root"])
            .arg(s.site())
            .assert()
            .success();
        let rel = format!("content/partners/{slug}.yaml");
        assert!(stdout(&out).contains(&rel), "{name}: {}", stdout(&out));
        let path = s.site().join(&rel);
        let filled = fill_in(&std::fs::read_to_string(&path).unwrap());
        std::fs::write(&path, filled).unwrap();
    }
    s.build(&[]).success();
    for (name, slug) in names {
        let page = s.out(&format!("partners/{slug}/index.html"));
        assert!(page.contains(&format!("<h1>{name}</h1>")), "{slug}: {page}");
    }
}

#[test]
fn new_partner_keeps_an_existing_schema() {
    let s = Scratch::empty();
    // a site: `--root` must name one
    s.write("partnerbook.yaml", "title: Test\n");
    s.write("schemas/partner.schema.json", "{}\n");
    let out = partnerbook()
        .args(["new", "partner", NAME, "--root"])
        .arg(s.site())
        .assert()
        .success();
    assert!(!stdout(&out).contains("schema"), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(s.site().join("schemas/partner.schema.json")).unwrap(),
        "{}\n"
    );
    assert!(s.site().join(RECORD).is_file());
}

#[test]
fn new_partner_finds_the_site_from_a_folder_inside_it() {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: Test\n");
    std::fs::create_dir_all(s.site().join("content/playbooks")).unwrap();
    partnerbook()
        .args(["new", "partner", NAME])
        .current_dir(s.site().join("content/playbooks"))
        .assert()
        .success();
    assert!(s.site().join(RECORD).is_file());
}

#[test]
fn new_partner_outside_a_site_says_how_to_start_one() {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site()).unwrap();
    let out = partnerbook()
        .args(["new", "partner", NAME])
        .current_dir(s.site())
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("no partnerbook site in "),
        "{}",
        stderr(&out)
    );
    assert!(tree(&s.site()).is_empty());
}

#[test]
fn new_partner_reports_a_folder_it_cannot_create_and_writes_nothing() {
    let s = Scratch::empty();
    s.write("content/partners", "a file where the folder should be");
    let before = tree(&s.site());
    let out = partnerbook()
        .args(["new", "partner", NAME, "--root"])
        .arg(s.site())
        .assert()
        .code(2);
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot create the folder ") && err.contains("\n  help: "),
        "{err}"
    );
    assert_eq!(tree(&s.site()), before, "not even the schema");
}
