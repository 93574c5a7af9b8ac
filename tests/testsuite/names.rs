//! Names other systems read (issue 18): the base URL the site is published
//! at, slugs Windows cannot hold as folders, and front matter written for
//! another generator.

use crate::support::*;

// ---------------------------------------------------------------------------
// base_url

#[test]
fn a_base_url_with_credentials_is_refused_in_partnerbook_yaml() {
    check_case("base-url-credentials", 2);
}

#[test]
fn a_base_url_with_double_slashes_is_collapsed_with_a_warning() {
    check_case("base-url-double-slash", 0);
}

/// The links of the 404 page and the addresses of the sitemap of the
/// example site built with `args`, which must exit 0.
fn links_and_sitemap(s: &Scratch, args: &[&str]) -> (Vec<String>, Vec<String>) {
    s.build(args).code(0);
    let html = scraper::Html::parse_document(&s.out("404.html"));
    let a = scraper::Selector::parse("a[href], link[href]").unwrap();
    let links = html
        .select(&a)
        .map(|e| e.value().attr("href").unwrap().to_string())
        .collect();
    let xml = s.out("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is XML");
    let locs = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    (links, locs)
}

/// Checks that no link leaves the site's host: none is protocol-relative
/// (`//partners/...` is the host `partners`), and every absolute one is
/// below `/partners/`.
fn assert_on_the_host(links: &[String], locs: &[String]) {
    assert!(!links.is_empty() && !locs.is_empty());
    for link in links {
        assert!(!link.starts_with("//"), "404.html links to {link}");
        if link.starts_with('/') {
            assert!(link.starts_with("/partners/"), "404.html links to {link}");
        }
    }
    for loc in locs {
        let rest = loc
            .strip_prefix("https://intranet.example/partners/")
            .unwrap_or_else(|| panic!("the sitemap lists {loc}"));
        assert!(!rest.contains("//"), "the sitemap lists {loc}");
    }
}

#[test]
fn a_base_url_with_double_slashes_on_the_command_line_links_to_its_host() {
    let s = Scratch::example();
    let url = "https://intranet.example//partners/";
    let out = s.build(&["-u", url]).code(0);
    assert_eq!(
        stderr(&out).lines().take(2).collect::<Vec<_>>(),
        [
            "warning: `-u https://intranet.example//partners/` has an empty folder (`//`) in its path: the site is built for `https://intranet.example/partners/`",
            "  help: pass `-u https://intranet.example/partners/`; left alone, `//` would make links to another host",
        ]
    );
    let (links, locs) = links_and_sitemap(&s, &["-u", url]);
    assert_on_the_host(&links, &locs);
}

#[test]
fn a_base_url_with_double_slashes_in_partnerbook_yaml_links_to_its_host() {
    let s = Scratch::example();
    let config = std::fs::read_to_string(s.site().join("partnerbook.yaml")).unwrap();
    let config = config
        .lines()
        .filter(|l| !l.starts_with("base_url:"))
        .collect::<Vec<_>>()
        .join("\n");
    s.write(
        "partnerbook.yaml",
        format!("{config}\nbase_url: https://intranet.example//partners//\n"),
    );
    let (links, locs) = links_and_sitemap(&s, &[]);
    assert_on_the_host(&links, &locs);
}

#[test]
fn a_base_url_flag_with_a_query_exits_with_2() {
    let s = Scratch::copy_of(&ui_site("base-url-double-slash"));
    let out = s
        .build(&["-u", "https://intranet.example/partners/?ref=ci"])
        .code(2);
    assert_eq!(
        stderr(&out),
        "error: `-u`: `https://intranet.example/partners/?ref=ci` has a `?` query\n  help: the base URL is put in front of every page's path, so it ends with the path: remove everything from the first `?`; pass the address the site is published at, e.g. `-u https://intranet.example/partners/`\n"
    );
}

#[test]
fn a_base_url_flag_with_a_password_is_refused_without_showing_it() {
    let s = Scratch::copy_of(&ui_site("base-url-double-slash"));
    let out = s
        .build(&["-u", "https://ci:s3cret@intranet.example/partners/"])
        .code(2);
    let err = stderr(&out);
    assert!(
        err.starts_with("error: `-u`: the base URL holds a user name or password"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}

// ---------------------------------------------------------------------------
// slugs Windows reserves

#[test]
fn a_partner_file_named_con_is_refused_with_a_name_from_the_record() {
    check_case("reserved-slug", 1);
}

#[test]
fn a_playbook_file_named_com1_is_refused() {
    check_case("reserved-slug-playbook", 1);
}

#[test]
fn a_playbook_folder_named_aux_is_refused() {
    check_case("reserved-slug-folder", 1);
}

#[test]
fn new_partner_con_writes_a_file_windows_can_hold() {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site().join("content")).unwrap();
    let out = partnerbook()
        .args(["new", "partner", "Con", "--root"])
        .arg(s.site())
        .assert()
        .code(0);
    assert!(
        stdout(&out).contains("content/partners/con-partner.yaml")
            || stderr(&out).contains("content/partners/con-partner.yaml"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = std::fs::read_to_string(s.site().join("content/partners/con-partner.yaml")).unwrap();
    assert!(text.contains("name: Con\n"), "{text}");
    assert!(!s.site().join("content/partners/con.yaml").exists());
}

// ---------------------------------------------------------------------------
// front matter written for another generator

#[test]
fn toml_front_matter_says_yaml_is_expected_and_how_to_convert() {
    check_case("toml-front-matter", 1);
}
