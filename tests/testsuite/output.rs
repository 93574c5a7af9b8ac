//! The output folder: failed builds touch nothing, foreign folders are
//! refused, stale files go, and the site never writes outside its folder.

use crate::support::{Scratch, fixture, partnerbook, stderr, tree};

fn minimal() -> Scratch {
    Scratch::copy_of(&fixture("minimal"))
}

#[test]
fn a_failed_build_leaves_the_previous_site_exactly_as_it_was() {
    let s = minimal();
    s.build(&[]).code(0);
    let before = tree(&s.public());
    assert!(!before.is_empty());
    s.write(
        "content/partners/northwind.yaml",
        "name: Northwind\ntier: casual\nproposition:\n  partner_benefit: TBD\n",
    );
    let out = s.build(&[]).code(1);
    assert!(stderr(&out).contains("was not touched"));
    assert_eq!(tree(&s.public()), before);
}

#[test]
fn a_template_error_leaves_the_previous_site_as_it_was() {
    let s = minimal();
    s.build(&[]).code(0);
    let before = tree(&s.public());
    s.write("templates/tier.html", "{% if %}");
    s.build(&[]).code(1);
    assert_eq!(tree(&s.public()), before);
}

#[test]
fn files_the_new_build_no_longer_produces_are_removed() {
    let s = minimal();
    s.build(&[]).code(0);
    assert!(s.public().join("partners/contoso/index.html").is_file());
    std::fs::remove_file(s.site().join("content/partners/contoso.yaml")).unwrap();
    s.build(&[]).code(0);
    assert!(!s.public().join("partners/contoso").exists());
    assert!(s.public().join("partners/northwind/index.html").is_file());
}

#[test]
fn a_foreign_non_empty_folder_is_refused_unless_forced() {
    let s = minimal();
    s.write("public/notes.txt", "mine");
    let out = s.build(&[]).code(2);
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(s.public().join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(!s.public().join("index.html").exists());

    s.build(&["--force"]).code(0);
    assert!(s.public().join("index.html").is_file());
    assert!(s.public().join(".partnerbook-manifest.json").is_file());
}

#[test]
fn an_empty_folder_is_used() {
    let s = minimal();
    std::fs::create_dir_all(s.public()).unwrap();
    s.build(&[]).code(0);
    assert!(s.public().join("index.html").is_file());
}

#[test]
fn output_over_the_site_or_its_sources_is_refused() {
    let s = minimal();
    let site = s.site();
    for target in [
        site.clone(),
        site.join("content"),
        site.join("content/out"),
        s.dir.path().to_path_buf(),
    ] {
        let out = s.build(&["-o", target.to_str().unwrap()]).code(2);
        assert!(
            stderr(&out).contains("refusing"),
            "{}: {}",
            target.display(),
            stderr(&out)
        );
    }
    assert!(site.join("content/partners/northwind.yaml").is_file());
}

#[test]
fn output_that_is_a_file_is_refused() {
    let s = minimal();
    s.write("out.txt", "x");
    let out = s
        .build(&["-o", s.site().join("out.txt").to_str().unwrap()])
        .code(2);
    assert!(stderr(&out).contains("is a file"));
}

#[test]
fn output_dir_flag_writes_elsewhere() {
    let s = minimal();
    let elsewhere = s.dir.path().join("www/partners");
    let out = s
        .build(&["--output-dir", elsewhere.to_str().unwrap()])
        .code(0);
    assert!(elsewhere.join("index.html").is_file());
    assert!(!s.public().exists());
    assert!(crate::support::stdout(&out).contains("built "));
}

#[test]
fn no_staging_folders_are_left_behind() {
    let s = minimal();
    s.build(&[]).code(0);
    s.build(&[]).code(0);
    let names: Vec<String> = std::fs::read_dir(s.site())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("partnerbook-")),
        "{names:?}"
    );
}

#[test]
fn the_summary_line_counts_pages_partners_playbooks_and_warnings() {
    let s = minimal();
    let out = partnerbook()
        .arg("build")
        .arg("--root")
        .arg(s.site())
        .assert()
        .code(0);
    let line = crate::support::stdout(&out);
    // 6 fixed pages (portfolio, playbook list, 404, 3 tiers) + 2 per partner + 1 per playbook
    assert!(
        line.starts_with("built 11 pages (2 partners, 1 playbook) with 0 warnings in "),
        "{line}"
    );
}

#[cfg(unix)]
#[test]
fn a_build_waits_while_another_holds_the_output() {
    let s = minimal();
    s.build(&[]).code(0);
    // hold the lock a build takes on the folder above its output
    let held = std::fs::File::open(s.site()).unwrap();
    held.lock().unwrap();
    let mut waiting = std::process::Command::new(snapbox::cmd::cargo_bin!("partnerbook"))
        .args(["build", "--root"])
        .arg(s.site())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the build went ahead while the output was locked"
    );
    drop(held);
    assert!(waiting.wait().unwrap().success());
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(s.public().join(".partnerbook-manifest.json")).unwrap(),
    )
    .unwrap();
    for file in manifest["files"].as_array().unwrap() {
        assert!(
            s.public().join(file["path"].as_str().unwrap()).is_file(),
            "{file} is missing"
        );
    }
}
