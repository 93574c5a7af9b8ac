//! Escaping and URL safety: script placed in every YAML field and in
//! playbook Markdown never reaches the output as live markup or a live URL,
//! and nothing is escaped twice.

use crate::support::{Scratch, fixture, stderr, tree};

fn hostile_site() -> Scratch {
    let s = Scratch::copy_of(&fixture("hostile"));
    s.build(&[]).code(0);
    s
}

/// Every output file as text, with its path.
fn outputs(s: &Scratch) -> Vec<(String, String)> {
    tree(&s.public())
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8(b).expect("UTF-8 output")))
        .collect()
}

/// Every real tag in `html` (a `<` followed by a letter: escaped text has
/// `&lt;` instead), lowercased, from `<` to `>`.
fn tags(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    lower
        .match_indices('<')
        .filter(|(i, _)| lower[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(|(i, _)| lower[i..lower[i..].find('>').map_or(lower.len(), |j| i + j + 1)].to_string())
        .collect()
}

#[test]
fn no_injected_markup_survives_in_any_file() {
    let s = hostile_site();
    for (path, text) in outputs(&s) {
        if !path.ends_with(".html") {
            continue;
        }
        for tag in tags(&text) {
            let name: String = tag[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                !["iframe", "object", "embed", "img", "base", "frame"].contains(&name.as_str()),
                "{path}: live `{tag}`"
            );
            if name == "script" {
                assert!(
                    tag.starts_with("<script src=\""),
                    "{path}: inline script `{tag}`"
                );
            }
            for (attr, value) in attributes(&tag) {
                assert!(!attr.starts_with("on"), "{path}: event handler in `{tag}`");
                let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(
                        !value.starts_with(scheme),
                        "{path}: live `{scheme}` URL in `{tag}`"
                    );
                }
            }
        }
    }
}

/// The attributes of a tag as (name, value), values unquoted.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let body = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut rest = body.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start();
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        if end == 0 {
            return out;
        }
        let name = rest[..end].to_string();
        rest = rest[end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let e = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..e], &after[e..])
                }
            };
            value = v.to_string();
            rest = r;
        }
        out.push((name, value));
    }
}

#[test]
fn the_tag_scanner_sees_live_markup() {
    // guards the test above: it must notice what it looks for
    assert_eq!(
        tags("a &lt;b&gt; <img src=x onerror=y> <P>"),
        ["<img src=x onerror=y>", "<p>"]
    );
    assert_eq!(
        attributes("<a href=\"java script:x\" title='one two' onclick=y hidden>"),
        [
            ("href", "java script:x"),
            ("title", "one two"),
            ("onclick", "y"),
            ("hidden", "")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn escaped_text_is_still_shown_to_readers() {
    let s = hostile_site();
    let page = s.out("partners/att/index.html");
    assert!(
        page.contains("&lt;script&gt;alert("),
        "the name is shown as text"
    );
    assert!(
        page.contains("&lt;iframe"),
        "raw HTML in Markdown is shown as text"
    );
}

#[test]
fn ampersands_are_escaped_exactly_once() {
    let s = hostile_site();
    for (path, text) in outputs(&s) {
        assert!(!text.contains("&amp;amp;"), "{path} escapes twice");
        assert!(!text.contains("&amp;lt;"), "{path} escapes twice");
    }
    let page = s.out("partners/att/index.html");
    assert!(page.contains("AT&amp;T"), "AT&T is escaped once in HTML");
    let json: serde_json::Value = serde_json::from_str(&s.out("partners.json")).unwrap();
    assert!(
        json["partners"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("AT&T <script>"),
        "JSON keeps the text as written"
    );
}

#[test]
fn json_and_search_index_cannot_break_out_of_a_script() {
    let s = hostile_site();
    for file in ["partners.json", "search-index.js"] {
        let text = s.out(file);
        assert!(!text.contains('<'), "{file} contains a raw `<`");
    }
    let index = s.out("search-index.js");
    let json = index
        .trim()
        .strip_prefix("window.PARTNERBOOK_SEARCH = ")
        .unwrap()
        .strip_suffix(';')
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        value["partners"][0]["t"],
        "AT&T <script>alert(\"name\")</script>"
    );
}

#[test]
fn raw_html_passes_only_when_allowed() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/playbooks/first-call.md",
        "---\ntitle: T\n---\n<aside class=\"note\">Kept</aside>\n",
    );
    s.build(&[]).code(0);
    assert!(
        s.out("playbooks/first-call/index.html")
            .contains("&lt;aside class=\"note\"&gt;Kept&lt;/aside&gt;")
    );
    s.write("partnerbook.yaml", "markdown:\n  allow_html: true\n");
    s.build(&[]).code(0);
    assert!(
        s.out("playbooks/first-call/index.html")
            .contains("<aside class=\"note\">Kept</aside>")
    );
}

#[test]
fn file_names_that_are_not_slugs_are_rejected() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write("content/partners/Über Partner.yaml", "name: Über\n");
    let out = s.build(&[]).code(1);
    assert!(stderr(&out).contains("error[invalid-value]: the file name content/partners/Über Partner.yaml does not make a valid slug"), "{}", stderr(&out));
}

#[test]
fn file_names_normalise_to_slugs() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/partners/Blue Harbor_Group.yaml",
        std::fs::read_to_string(s.site().join("content/partners/contoso.yaml"))
            .unwrap()
            .replace("Contoso", "Blue Harbor"),
    );
    s.build(&[]).code(0);
    assert!(
        s.public()
            .join("partners/blue-harbor-group/index.html")
            .is_file()
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_file_outside_the_site_is_refused_and_never_read() {
    let s = Scratch::copy_of(&fixture("minimal"));
    let secret = s.dir.path().join("secret.yaml");
    std::fs::write(&secret, "name: Secret Co\ntier: casual\nobjectives: [market-access]\nproposition: {we_do: a, they_do: b, together: c, partner_benefit: the secret}\n").unwrap();
    std::os::unix::fs::symlink(&secret, s.site().join("content/partners/secret.yaml")).unwrap();
    let out = s.build(&[]).code(2);
    assert!(stderr(&out).contains("error[unreadable-file]: content/partners/secret.yaml is a symbolic link to a file outside the site"), "{}", stderr(&out));
    assert!(!s.public().exists());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_ends_with_a_diagnostic() {
    let s = Scratch::copy_of(&fixture("minimal"));
    std::os::unix::fs::symlink(
        s.site().join("content/partners"),
        s.site().join("content/partners/loop"),
    )
    .unwrap();
    let out = crate::support::partnerbook()
        .arg("check")
        .arg("--root")
        .arg(s.site())
        .assert()
        .code(2);
    assert!(stderr(&out).contains("loops back"), "{}", stderr(&out));
}
