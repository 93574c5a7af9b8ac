//! Every link a page's view makes works on that page. The partner records
//! are generated from the record's JSON Schema (`partnerbook schema
//! partner`): every field it documents as Markdown holds `@/` links to each
//! kind of page and relative links to files, so a field added to the record
//! is covered without being named here. A partner's page and its worksheet
//! sit at different depths, so a link placed for the wrong one leads
//! nowhere.

use std::path::Path;

use serde_json::{Map, Value};

use crate::support::{Scratch, partnerbook, stderr, stdout, tree};

/// Links to every kind of page, a file and an image, from a partner record
/// (relative links start from content/partners/). `{field}` is the field's
/// path, so each field's links can be told apart on the page.
const PARTNER_LINKS: &str = "[peer {field}](@/partners/peer) \
    [worksheet {field}](@/partners/peer/worksheet#checklist) \
    [guide {field}](@/playbooks/guide) [tier {field}](@/tiers/tactical) \
    [playbooks {field}](@/playbooks) [home {field}](@/) \
    [brief {field}](brief.txt) ![logo {field}](logo.png) \
    [page by file {field}](peer.yaml)";

/// The same from a tier rule of partnerbook.yaml (relative to content/).
const RULE_LINKS: &str = "[peer rule](@/partners/peer) [guide rule](@/playbooks/guide) \
    [brief rule](partners/brief.txt) [guide by file rule](playbooks/guide.md)";

/// The same from a playbook in content/playbooks/.
const PLAYBOOK_LINKS: &str = "[peer pb](@/partners/peer) \
    [worksheet pb](@/partners/subject/worksheet) [tier pb](@/tiers/strategic) \
    [notes pb](notes.txt) ![chart pb](chart.png) [subject by file pb](../partners/subject.yaml)";

/// Whether a schema node is documented as Markdown.
fn is_markdown(node: &Value) -> bool {
    node["description"]
        .as_str()
        .is_some_and(|d| d.contains("Markdown"))
}

/// A value for the schema node `node` at `path` (`proposition.we_do`):
/// links in every Markdown text, the first choice of every list of
/// choices, an example or a word elsewhere. `markdown` collects the paths
/// of the Markdown texts.
fn value_for(node: &Value, path: &str, markdown: &mut Vec<String>) -> Value {
    if let Some(choices) = node["enum"].as_array() {
        return choices.iter().find(|c| !c.is_null()).cloned().unwrap();
    }
    if let Some(first) = node["anyOf"].as_array().and_then(|a| a.first()) {
        return value_for(first, path, markdown);
    }
    let types: Vec<&str> = match &node["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"object") {
        let mut map = Map::new();
        if let Some(props) = node["properties"].as_object() {
            for (key, child) in props {
                let child_path = format!("{path}.{key}");
                map.insert(key.clone(), value_for(child, &child_path, markdown));
            }
        }
        if node["additionalProperties"].is_object() {
            // a key the tier has a default for, and one of the record's own
            for key in ["lead_sharing", "own_topic"] {
                let child_path = format!("{path}.{key}");
                let child = &node["additionalProperties"];
                map.insert(key.to_string(), value_for(child, &child_path, markdown));
            }
        }
        return Value::Object(map);
    }
    if types.contains(&"array") {
        // lists of plain words (tags, names of related people) hold no links
        if !node["items"]["properties"].is_object() && !is_markdown(&node["items"]) {
            return Value::Array(Vec::new());
        }
        return Value::Array(vec![value_for(
            &node["items"],
            &format!("{path}.0"),
            markdown,
        )]);
    }
    if types.contains(&"string") {
        let path = path.trim_start_matches('.').to_string();
        if is_markdown(node) {
            let text = PARTNER_LINKS.replace("{field}", &path);
            markdown.push(path);
            return Value::from(text);
        }
        if node["format"] == "date" {
            return Value::from("2026-11-01");
        }
        return match node["examples"].get(0) {
            Some(Value::String(example)) => Value::from(example.clone()),
            _ => Value::from("plain words"),
        };
    }
    if types.contains(&"integer") {
        return Value::from(node["minimum"].as_u64().unwrap_or(0).max(30));
    }
    if types.contains(&"boolean") {
        return Value::from(false);
    }
    Value::Null
}

/// A partner record with every field the schema knows, and the paths of
/// its Markdown fields.
fn generated_record() -> (String, Vec<String>) {
    let out = partnerbook().args(["schema", "partner"]).assert().code(0);
    let schema: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut markdown = Vec::new();
    let record = value_for(&schema, "", &mut markdown);
    // JSON is YAML
    (serde_json::to_string_pretty(&record).unwrap(), markdown)
}

/// The site: two generated partners that link to each other, a playbook
/// and tier rules with links, and the files they name.
fn linked_site(config: &str) -> (Scratch, Vec<String>) {
    let s = Scratch::empty();
    let (record, markdown) = generated_record();
    s.write("content/partners/subject.yaml", &record);
    s.write("content/partners/peer.yaml", &record);
    s.write("content/partners/brief.txt", "a brief");
    s.write("content/partners/logo.png", b"\x89PNG\r\n\x1a\n");
    s.write(
        "content/playbooks/guide.md",
        format!(
            "---\ntitle: Guide\nsummary: \"{PLAYBOOK_LINKS}\"\ntiers: [strategic]\n\
             partners: [subject]\n---\n\n## Links\n\n{PLAYBOOK_LINKS}\n"
        ),
    );
    s.write("content/playbooks/notes.txt", "notes");
    s.write("content/playbooks/chart.png", b"\x89PNG\r\n\x1a\n");
    let mut yaml = format!("title: Links\n{config}tiers:\n");
    for tier in ["strategic", "tactical", "casual"] {
        yaml.push_str(&format!(
            "  {tier}:\n    rules_of_engagement:\n      lead_sharing: \"{RULE_LINKS}\"\n"
        ));
    }
    s.write("partnerbook.yaml", yaml);
    (s, markdown)
}

/// Builds the linked site with `config` and checks every link of every
/// page: it leads to a file of the output, and no `@/` is left anywhere.
fn assert_every_link_resolves(config: &str) {
    let (s, markdown) = linked_site(config);
    assert!(
        markdown.len() >= 15,
        "the schema documents only {} Markdown fields: {markdown:?}",
        markdown.len()
    );
    let out = s.build(&[]);
    let out = out.code(0);
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
    let public = s.public();
    crate::pages::assert_links_resolve(&public);
    let pages: Vec<(String, String)> = tree(&public)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    for (path, html) in &pages {
        assert!(!html.contains("@/"), "{path} still holds an `@/`");
    }
    // every Markdown field shows its links on the partner's pages
    let partner_pages: String = pages
        .iter()
        .filter(|(path, _)| path.starts_with("partners/subject/"))
        .map(|(_, html)| html.as_str())
        .collect();
    for field in &markdown {
        for link in ["peer", "worksheet", "brief"] {
            let text = format!(">{link} {field}</a>");
            assert!(
                partner_pages.contains(&text),
                "the subject's pages show no link `{link}` of the field {field}"
            );
        }
    }
    assert_files_published(&public);
}

/// The files the links name are published.
fn assert_files_published(public: &Path) {
    for file in [
        "partners/brief.txt",
        "partners/logo.png",
        "playbooks/notes.txt",
        "playbooks/chart.png",
    ] {
        assert!(public.join(file).is_file(), "{file} is not published");
    }
}

#[test]
fn every_link_of_every_markdown_field_resolves_on_every_page() {
    assert_every_link_resolves("");
}

#[test]
fn every_link_resolves_with_raw_html_allowed() {
    assert_every_link_resolves("markdown:\n  allow_html: true\n");
}

#[test]
fn every_link_resolves_under_a_base_url_with_a_path() {
    assert_every_link_resolves("base_url: https://intranet.example/partners/\n");
}
