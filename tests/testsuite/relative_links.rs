//! Links written as on GitHub (issue 18): `first-call.md` and
//! `deal-flow.png` beside a playbook lead to the playbook's page and to the
//! published file, from every page that shows them; links that lead nowhere
//! are `broken-link` errors; a heading never takes one of the theme's ids.
//! HTML is read with `scraper`, and every relative URL is resolved against
//! the page's own path, as a browser opening the output from disk does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use scraper::{Html, Selector};

use crate::serve::Server;
use crate::support::{Scratch, assert_converged, clean_build, partnerbook, stderr, tree};

/// The image beside the playbook, an SVG so it reads as text.
const FLOW: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>flow</title></svg>";

/// A playbook in content/playbooks/engagement/ with links to playbooks in
/// the same folder, the folder above and a sibling folder, to a partner
/// record, to an image and a PDF beside it, and to its own headings, one of
/// which asks for the theme's `main`.
const KICKOFF: &str = "---
title: Kickoff
summary: Before [the review](quarterly-review.md).
---

## Main {#main}

Read [the first call](../first-call.md), [the agenda](quarterly-review.md#the-agenda)
and [choosing a tier](../portfolio/choosing-a-tier.md). [Back up](#main).

![flow](deal-flow.svg) and [the terms](terms%20v2.pdf).

## Rules

See [Fathom](../../partners/fathom-security.yaml) and [us](https://example.org).
";

/// The example site with the kickoff playbook, its files, and a partner
/// whose summary links a playbook and a file relative to content/partners/.
fn linked_site() -> Scratch {
    let s = Scratch::example();
    s.write("content/playbooks/engagement/kickoff.md", KICKOFF);
    s.write("content/playbooks/engagement/deal-flow.svg", FLOW);
    s.write("content/playbooks/engagement/terms v2.pdf", "%PDF-1.4");
    s.write("content/partners/fathom-logo.svg", FLOW);
    // folder and file names that are not slugs: links name the files as
    // they are on disk, as on GitHub
    s.write(
        "content/playbooks/Field Guide/Kick Off.md",
        "---\ntitle: Field kickoff\n---\n\n[Same, by file name](<Kick Off.md>), \
         [back](../engagement/kickoff.md) ![flow](<Deal Flow.svg>)\n",
    );
    s.write("content/playbooks/Field Guide/Deal Flow.svg", FLOW);
    let record = s.site().join("content/partners/fathom-security.yaml");
    let text = std::fs::read_to_string(&record).unwrap();
    let summary =
        "summary: See [the kickoff](../playbooks/engagement/kickoff.md) ![logo](fathom-logo.svg)\n";
    let text: String = text
        .lines()
        .map(|l| match l.starts_with("summary:") {
            true => summary.to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(record, text).unwrap();
    s
}

/// Every HTML page of a built site, by path.
fn pages(public: &Path) -> BTreeMap<String, Html> {
    tree(public)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            (
                path,
                Html::parse_document(&String::from_utf8(bytes).unwrap()),
            )
        })
        .collect()
}

/// The output path a relative `url` on the page at `page` leads to, and its
/// fragment; `None` for URLs with a scheme, for `#fragment` alone, and for
/// the site-absolute URLs of the 404 page (served at any depth).
fn resolve(page: &str, url: &str) -> Option<(String, Option<String>)> {
    if url.starts_with('#') || url.contains(':') || url.starts_with('/') {
        return None;
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f.to_string())),
        None => (url, None),
    };
    let rest = rest.split('?').next().unwrap();
    let rest = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .unwrap();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().expect("a URL that stays inside the site");
            }
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if rest.ends_with('/') || rest.is_empty() {
        path = format!("{path}/index.html")
            .trim_start_matches('/')
            .to_string();
    }
    Some((path, fragment))
}

/// The ids of the page, each once.
fn ids(page: &Html) -> BTreeSet<String> {
    let any = Selector::parse("[id]").unwrap();
    page.select(&any)
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect()
}

#[test]
fn every_link_and_image_leads_to_a_published_file_and_id() {
    let s = linked_site();
    s.build(&[]).code(0);
    let files: BTreeMap<String, Vec<u8>> = tree(&s.public()).into_iter().collect();
    let pages = pages(&s.public());
    let urls = Selector::parse("a[href], img[src], link[href], script[src]").unwrap();
    let mut checked = 0;
    for (path, page) in &pages {
        for element in page.select(&urls) {
            let v = element.value();
            let url = v.attr("href").or(v.attr("src")).unwrap();
            let Some((target, fragment)) = resolve(path, url) else {
                if let Some(id) = url.strip_prefix('#') {
                    assert!(ids(page).contains(id), "{path}: `{url}` names no id");
                }
                continue;
            };
            assert!(
                files.contains_key(&target),
                "{path}: `{url}` leads to {target}, which was not published"
            );
            if let Some(id) = fragment {
                assert!(
                    ids(&pages[&target]).contains(&id),
                    "{path}: `{url}` names no id of {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");

    // the links of the kickoff playbook, exactly
    let page = &pages["playbooks/engagement/kickoff/index.html"];
    let main = Selector::parse("main a[href], main img[src]").unwrap();
    let found: Vec<&str> = page
        .select(&main)
        .map(|e| e.value().attr("href").or(e.value().attr("src")).unwrap())
        .collect();
    for url in [
        "../../../playbooks/first-call/index.html",
        "../../../playbooks/engagement/quarterly-review/index.html#the-agenda",
        "../../../playbooks/portfolio/choosing-a-tier/index.html",
        "#main-1",
        "../../../playbooks/engagement/deal-flow.svg",
        "../../../playbooks/engagement/terms%20v2.pdf",
        "../../../partners/fathom-security/index.html",
        "https://example.org",
    ] {
        assert!(found.contains(&url), "{url} is not among {found:?}");
    }
    // published byte for byte, beside the playbooks of their folder
    assert_eq!(files["playbooks/engagement/deal-flow.svg"], FLOW.as_bytes());
    assert_eq!(files["playbooks/engagement/terms v2.pdf"], b"%PDF-1.4");
    assert_eq!(files["partners/fathom-logo.svg"], FLOW.as_bytes());
    assert_eq!(
        files["playbooks/Field Guide/Deal Flow.svg"],
        FLOW.as_bytes()
    );
    let field = s.out("playbooks/field-guide/kick-off/index.html");
    assert!(field.contains("<a href=\"../../../playbooks/field-guide/kick-off/index.html\">"));
    assert!(field.contains("src=\"../../../playbooks/Field%20Guide/Deal%20Flow.svg\""));
    // the partner's summary, on its page and on the portfolio
    let partner = &pages["partners/fathom-security/index.html"];
    let html = partner.root_element().html();
    assert!(html.contains("href=\"../../playbooks/engagement/kickoff/index.html\""));
    assert!(html.contains("src=\"../../partners/fathom-logo.svg\""));
    // a file no link names stays unpublished
    s.write("content/playbooks/engagement/draft-notes.txt", "private");
    s.build(&[]).code(0);
    assert!(
        !s.public()
            .join("playbooks/engagement/draft-notes.txt")
            .exists()
    );
}

#[test]
fn no_page_has_an_id_twice() {
    let s = linked_site();
    s.build(&[]).code(0);
    let any = Selector::parse("[id]").unwrap();
    for (path, page) in pages(&s.public()) {
        let mut seen = BTreeSet::new();
        for e in page.select(&any) {
            let id = e.value().attr("id").unwrap();
            assert!(seen.insert(id.to_string()), "{path}: id `{id}` twice");
        }
    }
    let kickoff = s.out("playbooks/engagement/kickoff/index.html");
    assert!(kickoff.contains("<h2 id=\"main-1\">Main</h2>"));
    assert!(kickoff.contains("<h2 id=\"rules-1\">Rules</h2>"));
}

#[test]
fn relative_links_that_lead_nowhere_are_broken_links() {
    let s = Scratch::example();
    s.write(
        "content/playbooks/engagement/broken.md",
        "---\ntitle: Broken\n---\n\nSee [the review](quarterly-reveiw.md), ![flow](missing.svg),\n\
         [a secret](../../../partnerbook.yaml) and [notes](../../notes.txt).\n",
    );
    s.write("content/notes.txt", "not published");
    s.write("partnerbook.yaml.bak", "not published");
    let out = partnerbook()
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .assert()
        .code(1);
    let err = stderr(&out);
    // all but the time the check took
    let (shown, _) = err.rsplit_once(" in ").unwrap();
    assert_eq!(
        format!("{shown} in "),
        "\
error[broken-link]: the link `quarterly-reveiw.md` leads nowhere
 --> content/playbooks/engagement/broken.md:5:18
  |
5 | See [the review](quarterly-reveiw.md), ![flow](missing.svg),
  |                  ^^^^^^^^^^^^^^^^^^^ did you mean `quarterly-review.md`?
  |
  = help: link to an existing playbook: `quarterly-review.md`

error[broken-link]: the link `missing.svg` leads nowhere
 --> content/playbooks/engagement/broken.md:5:48
  |
5 | See [the review](quarterly-reveiw.md), ![flow](missing.svg),
  |                                                ^^^^^^^^^^^ no such file
  |
  = help: put the file at content/playbooks/engagement/missing.svg, or correct the name in the link

error[broken-link]: the link `../../../partnerbook.yaml` leads out of content/playbooks/ and content/partners/
 --> content/playbooks/engagement/broken.md:6:12
  |
6 | [a secret](../../../partnerbook.yaml) and [notes](../../notes.txt).
  |            ^^^^^^^^^^^^^^^^^^^^^^^^^ nothing is published from there
  |
  = help: only files in content/playbooks/ and content/partners/ are published: move the file there and link it relative to this file

error[broken-link]: the link `../../notes.txt` leads out of content/playbooks/ and content/partners/
 --> content/playbooks/engagement/broken.md:6:51
  |
6 | [a secret](../../../partnerbook.yaml) and [notes](../../notes.txt).
  |                                                   ^^^^^^^^^^^^^^^ nothing is published from there
  |
  = help: only files in content/playbooks/ and content/partners/ are published: move the file there and link it relative to this file

checked 9 partners and 8 playbooks: 4 errors, 0 warnings in "
    );
}

#[test]
fn a_partner_links_relative_to_content_partners() {
    let s = Scratch::example();
    let record = s.site().join("content/partners/fathom-security.yaml");
    let text = std::fs::read_to_string(&record).unwrap();
    let text = text.replacen(
        "summary: A security",
        "summary: See [the review](../playbooks/engagement/quarterly-reveiw.md). A security",
        1,
    );
    std::fs::write(record, text).unwrap();
    let out = partnerbook()
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error[broken-link]: the link `../playbooks/engagement/quarterly-reveiw.md` leads nowhere\n \
             --> content/partners/fathom-security.yaml:8:"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "= help: link to an existing playbook: `../playbooks/engagement/quarterly-review.md`\n"
        ),
        "{err}"
    );
}

#[test]
fn a_file_added_or_changed_is_published_as_a_clean_build_would() {
    let s = linked_site();
    std::fs::remove_file(s.site().join("content/playbooks/engagement/deal-flow.svg")).unwrap();
    // the image is missing: a broken link, and nothing is written
    s.build(&[]).code(1);
    s.write("content/playbooks/engagement/deal-flow.svg", FLOW);
    s.build(&[]).code(0);
    let expected = clean_build(&s);
    assert_converged(&s.public(), &expected, "after adding the image");
    // the same image, new bytes: only a static file changes
    s.write("content/playbooks/engagement/deal-flow.svg", "<svg/>");
    s.build(&[]).code(0);
    let expected = clean_build(&s);
    assert_converged(&s.public(), &expected, "after changing the image");
    assert_eq!(s.out("playbooks/engagement/deal-flow.svg"), "<svg/>");
    // no link names it any more: it is removed
    let kickoff = KICKOFF.replace("![flow](deal-flow.svg) and ", "");
    s.write("content/playbooks/engagement/kickoff.md", kickoff);
    s.build(&[]).code(0);
    let expected = clean_build(&s);
    assert_converged(&s.public(), &expected, "after removing the link");
    assert!(
        !s.public()
            .join("playbooks/engagement/deal-flow.svg")
            .exists()
    );
}

/// Polls `url` on `server` until its body is `body`, for up to 20 seconds.
fn wait_for(server: &Server, url: &str, body: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = server.get(url);
        if r.status == 200 && r.body == body {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url} still gives {} {:?}",
            r.status,
            r.body
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_publishes_a_file_added_or_changed_beside_a_playbook() {
    let s = linked_site();
    std::fs::remove_file(s.site().join("content/playbooks/engagement/deal-flow.svg")).unwrap();
    let server = Server::start(&s.site(), &["-p", "0"]);
    let url = format!("{}playbooks/engagement/deal-flow.svg", server.url);
    // the link is broken until the image comes
    s.write("content/playbooks/engagement/deal-flow.svg", FLOW);
    wait_for(&server, &url, FLOW);
    s.write("content/playbooks/engagement/deal-flow.svg", "<svg/>");
    wait_for(&server, &url, "<svg/>");
}
