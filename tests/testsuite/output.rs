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
    // nothing beside the output, and no staging folder inside it
    let names = |dir: std::path::PathBuf| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let beside = names(s.site());
    assert!(
        beside
            .iter()
            .all(|n| !n.contains("partnerbook-") || n == ".partnerbook-cache"),
        "{beside:?}"
    );
    let inside = names(s.public());
    assert!(
        inside
            .iter()
            .all(|n| !n.contains("partnerbook-") || n == ".partnerbook-manifest.json"),
        "{inside:?}"
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
    // 7 fixed pages (portfolio, playbook list, attention, 404, 3 tiers)
    // + 2 per partner + 1 per playbook
    assert!(
        line.starts_with("built 12 pages (2 partners, 1 playbook) with 0 warnings in "),
        "{line}"
    );
}

#[cfg(unix)]
#[test]
fn a_build_waits_while_another_holds_the_output() {
    let s = minimal();
    s.build(&[]).code(0);
    // hold the lock a build takes on its output folder
    let held = std::fs::File::open(s.public()).unwrap();
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

/// A build whose inputs and output are unchanged writes nothing.
fn unchanged(out: &snapbox::cmd::OutputAssert) -> bool {
    crate::support::stdout(out).contains("(unchanged: nothing to write)")
}

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_build_with_nothing_changed_writes_nothing_but_still_reports() {
    let s = Scratch::example();
    let first = s.build(&[]).code(0);
    assert!(!unchanged(&first), "{}", crate::support::stdout(&first));
    let before = tree(&s.public());
    let index = s.public().join("index.html");
    let written = modified(&index);
    std::thread::sleep(std::time::Duration::from_millis(20));

    let again = s.build(&[]).code(0);
    let line = crate::support::stdout(&again);
    assert!(unchanged(&again), "{line}");
    // the same summary, page count included
    let summary = |l: &str| l.split(" in ").next().unwrap().to_string();
    assert_eq!(summary(&line), summary(&crate::support::stdout(&first)));
    assert_eq!(tree(&s.public()), before);
    assert_eq!(modified(&index), written, "index.html was rewritten");

    // every diagnostic is still printed when nothing is written
    let record = "content/partners/emea/kestrel-systems.yaml";
    let text = std::fs::read_to_string(s.site().join(record)).unwrap();
    s.write(
        record,
        text.replacen(
            "  together: |\n",
            "  together: |\n    A win-win synergy.\n",
            1,
        ),
    );
    let first = s.build(&[]).code(0);
    assert!(!unchanged(&first));
    assert!(
        stderr(&first).contains("vague-language"),
        "{}",
        stderr(&first)
    );
    let again = s.build(&[]).code(0);
    assert!(unchanged(&again));
    assert_eq!(stderr(&again), stderr(&first));
    // and an error still stops the build
    s.write(record, text.replacen("name:", "nmae:", 1));
    let failed = s.build(&[]).code(1);
    assert!(stderr(&failed).contains("was not touched"));
}

#[test]
fn any_change_to_the_inputs_gives_a_full_build() {
    let s = Scratch::example();
    s.build(&[]).code(0);
    // a content file
    let record = "content/partners/emea/kestrel-systems.yaml";
    let text = std::fs::read_to_string(s.site().join(record)).unwrap();
    s.write(
        record,
        text.replace("Kestrel Systems Integration", "Kestrel Systemz"),
    );
    let out = s.build(&[]).code(0);
    assert!(!unchanged(&out));
    assert!(s.out("index.html").contains("Kestrel Systemz"));
    assert!(unchanged(&s.build(&[]).code(0)));
    // the date, which decides `review-overdue`
    let later = partnerbook()
        .env("SOURCE_DATE_EPOCH", "2000000000")
        .args(["build", "--root"])
        .arg(s.site())
        .assert();
    assert!(!unchanged(&later));
    // --base-url
    assert!(!unchanged(
        &s.build(&["-u", "https://intranet.example/p/"]).code(0)
    ));
    assert!(s.out("sitemap.xml").contains("https://intranet.example/p/"));
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert!(!s.out("sitemap.xml").contains("https://intranet.example/p/"));
    // a template and a static file of the site
    s.write("static/extra.txt", "x");
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert_eq!(s.out("extra.txt"), "x");
    s.write("static/extra.txt", "y");
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert_eq!(s.out("extra.txt"), "y");
    s.write("templates/404.html", "<p>gone</p>");
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert_eq!(s.out("404.html"), "<p>gone</p>");

    // --drafts
    let s = minimal();
    s.write(
        "content/partners/fabrikam.yaml",
        "name: Fabrikam\ndraft: true\ntier: casual\nobjectives: [market-access]\nproposition:\n  we_do: A.\n  they_do: B.\n  together: C.\n  partner_benefit: D.\n",
    );
    s.build(&[]).code(0);
    assert!(unchanged(&s.build(&[]).code(0)));
    assert!(!unchanged(&s.build(&["--drafts"]).code(0)));
    assert!(s.public().join("partners/fabrikam/index.html").is_file());
    assert!(unchanged(&s.build(&["--drafts"]).code(0)));
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert!(!s.public().join("partners/fabrikam").exists());
}

#[test]
fn an_output_changed_by_hand_is_rebuilt_whole() {
    let s = Scratch::example();
    s.build(&[]).code(0);
    let before = tree(&s.public());
    let page = s.public().join("partners/kestrel-systems/index.html");
    let original = std::fs::read(&page).unwrap();

    // a page edited (same size, later time)
    let mut edited = original.clone();
    edited[0] = b'X';
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&page, &edited).unwrap();
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert_eq!(tree(&s.public()), before);

    // a page deleted
    std::fs::remove_file(&page).unwrap();
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert_eq!(tree(&s.public()), before);

    // a file or a folder added by hand is not partnerbook's: it stays
    std::fs::write(s.public().join("partners/notes.txt"), "mine").unwrap();
    std::fs::create_dir(s.public().join("tiers/empty")).unwrap();
    assert!(unchanged(&s.build(&[]).code(0)));
    assert_eq!(
        std::fs::read_to_string(s.public().join("partners/notes.txt")).unwrap(),
        "mine"
    );
    assert!(s.public().join("tiers/empty").is_dir());
    std::fs::remove_file(s.public().join("partners/notes.txt")).unwrap();
    std::fs::remove_dir(s.public().join("tiers/empty")).unwrap();
    assert_eq!(tree(&s.public()), before);

    // the manifest damaged
    std::fs::write(s.public().join(".partnerbook-manifest.json"), "{").unwrap();
    assert!(!unchanged(&s.build(&[]).code(0)));
    assert_eq!(tree(&s.public()).len(), before.len());
    assert!(unchanged(&s.build(&[]).code(0)));
}

#[test]
fn a_single_threaded_build_writes_the_same_bytes() {
    for s in [minimal(), Scratch::example()] {
        s.build(&["-u", "https://intranet.example/partners/"])
            .code(0);
        let parallel = tree(&s.public());
        let other = s.site().join("single");
        partnerbook()
            .env("RAYON_NUM_THREADS", "1")
            .args([
                "build",
                "-u",
                "https://intranet.example/partners/",
                "--root",
            ])
            .arg(s.site())
            .arg("-o")
            .arg(&other)
            .assert()
            .code(0);
        assert_eq!(tree(&other), parallel);
    }
}
