//! Text fields show the characters written (issue 18): YAML reads a plain
//! `TRUE` as a boolean, `5.10` as 5.1 and `0x1F` as 31, and a text field
//! must not. Each test builds a site with the real binary and reads the
//! values back from the HTML and from partners.json.

use scraper::{Html, Selector};
use serde_json::Value;

use crate::support::{Scratch, check_case};

/// Plain scalars that YAML 1.1 (or serde_yaml) reads as something other
/// than the text written, or that an author may fear it does.
const CASES: &[&str] = &[
    "TRUE",
    "True",
    "no",
    "on",
    "off",
    "yes",
    "5.10",
    "1e3",
    "0x1F",
    "0o17",
    "012",
    ".inf",
    "-.inf",
    ".nan",
    "2026-01-05",
    "12:30",
];

/// A partner record with `v`, unquoted, in every text field, list and rule.
fn record(v: &str) -> String {
    format!(
        "name: {v}\n\
         tier: casual\n\
         type: {v}\n\
         owner: {v}\n\
         region: {v}\n\
         summary: {v}\n\
         tags: [{v}, {v}]\n\
         objectives: [market-access]\n\
         proposition:\n  \
           we_do: {v}\n  \
           they_do: {v}\n  \
           together: {v}\n  \
           partner_benefit: {v}\n  \
           customer_benefit: {v}\n  \
           pain_point: {v}\n\
         target_market: {v}\n\
         revenue_goal: {v}\n\
         commitments:\n  \
           ours:\n    - {v}\n  \
           theirs: [{v}]\n\
         rules_of_engagement:\n  \
           {v}: {v}\n\
         worksheet:\n  \
           product_strategy: {v}\n  \
           their_business: {v}\n  \
           open_questions: [{v}]\n  \
           next_steps:\n    - {v}\n\
         influence_map:\n  \
           - name: {v}\n    \
             title: {v}\n    \
             style: {v}\n  \
           - name: Second\n    \
             relationships: [{v}]\n"
    )
}

/// The trimmed text of every element of `html` that `selector` matches.
fn texts(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Builds `s`, expecting success.
fn build(s: &Scratch) {
    s.build(&[]).success();
}

#[test]
fn partner_text_fields_show_plain_scalars_as_written() {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: Scalars\n");
    for (i, v) in CASES.iter().enumerate() {
        s.write(&format!("content/partners/p{i:02}.yaml"), record(v));
    }
    build(&s);

    let json: Value = serde_json::from_str(&s.out("partners.json")).unwrap();
    for (i, v) in CASES.iter().enumerate() {
        let p = json["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == format!("p{i:02}"))
            .unwrap();
        let text = Value::from(*v);
        let pair = Value::from(vec![*v, *v]);
        let one = Value::from(vec![*v]);
        for field in [
            "/name",
            "/type",
            "/owner",
            "/region",
            "/summary",
            "/target_market",
            "/revenue_goal",
            "/proposition/we_do",
            "/proposition/they_do",
            "/proposition/together",
            "/proposition/partner_benefit",
            "/proposition/customer_benefit",
            "/proposition/pain_point",
            "/worksheet/product_strategy",
            "/worksheet/their_business",
            "/influence_map/0/name",
            "/influence_map/0/title",
            "/influence_map/0/style",
        ] {
            assert_eq!(p.pointer(field), Some(&text), "{v}: {field}");
        }
        assert_eq!(p["tags"], pair, "{v}: tags");
        for list in [
            "/commitments/ours",
            "/commitments/theirs",
            "/worksheet/open_questions",
            "/worksheet/next_steps",
            "/influence_map/1/relationships",
        ] {
            assert_eq!(p.pointer(list), Some(&one), "{v}: {list}");
        }
        let rules = p["rules_of_engagement"].as_object().unwrap();
        assert_eq!(rules.get(*v), Some(&text), "{v}: rules {rules:?}");

        let html = Html::parse_document(&s.out(&format!("partners/p{i:02}/index.html")));
        assert_eq!(texts(&html, "h1"), [*v], "{v}: h1");
        assert!(
            texts(&html, "title")[0].starts_with(&format!("{v} ·")),
            "{v}"
        );
        assert_eq!(texts(&html, ".lead"), [*v], "{v}: summary");
        let facts = texts(&html, ".facts dd");
        // the theme shows a type's dashes as spaces (`systems-integrator`)
        assert_eq!(facts[2], v.replace('-', " ").trim(), "{v}: type");
        assert_eq!(facts[3..5], [*v, *v], "{v}: owner, region");
        assert_eq!(texts(&html, ".tags li"), [*v, *v], "{v}: tags");
        assert_eq!(texts(&html, ".prop .prose"), [*v; 6], "{v}: proposition");
        assert_eq!(texts(&html, ".commit li"), [*v, *v], "{v}: commitments");
        let rule = texts(&html, ".rule-from-partner td:first-of-type");
        assert_eq!(rule, [format!("{v}Set for {v}")], "{v}: rule");
        assert_eq!(texts(&html, ".people-table tbody th"), [*v, "Second"]);
        let row = texts(&html, ".people-table tbody tr:first-child td");
        assert_eq!((row[0].as_str(), row[3].as_str()), (*v, *v), "{v}: person");
        let row = texts(&html, ".people-table tbody tr:nth-child(2) td");
        assert_eq!(row[4], *v, "{v}: relationships");
    }
}

#[test]
fn playbook_front_matter_shows_plain_scalars_as_written() {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: Scalars\n");
    for (i, v) in CASES.iter().enumerate() {
        s.write(
            &format!("content/playbooks/b{i:02}.md"),
            format!("---\ntitle: {v}\nsummary: {v}\n---\nBody.\n"),
        );
    }
    build(&s);
    for (i, v) in CASES.iter().enumerate() {
        let html = Html::parse_document(&s.out(&format!("playbooks/b{i:02}/index.html")));
        assert_eq!(texts(&html, "h1"), [*v], "{v}: title");
        assert_eq!(texts(&html, ".lead"), [*v], "{v}: summary");
    }
}

#[test]
fn site_settings_show_plain_scalars_as_written() {
    for v in CASES {
        let s = Scratch::empty();
        s.write(
            "partnerbook.yaml",
            format!(
                "title: {v}\ndescription: {v}\ntiers:\n  casual:\n    rules_of_engagement:\n      {v}: {v}\n"
            ),
        );
        s.write("content/partners/p.yaml", record("Partner"));
        build(&s);
        let json: Value = serde_json::from_str(&s.out("partners.json")).unwrap();
        assert_eq!(json["title"], *v, "{v}: site title");
        let html = Html::parse_document(&s.out("index.html"));
        assert!(texts(&html, "title")[0].contains(*v), "{v}: <title>");
        // the tier's rule is shown on its partners' pages
        let html = Html::parse_document(&s.out("partners/p/index.html"));
        let rules = texts(&html, ".rules-table td:first-of-type");
        assert!(rules.iter().any(|r| r.starts_with(*v)), "{v}: {rules:?}");
    }
}

#[test]
fn null_in_an_optional_field_is_no_value() {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: Scalars\n");
    s.write(
        "content/partners/p.yaml",
        record("Partner")
            .replace("summary: Partner", "summary: ~")
            .replace("owner: Partner", "owner: null")
            .replace("region: Partner", "region:"),
    );
    build(&s);
    let json: Value = serde_json::from_str(&s.out("partners.json")).unwrap();
    let p = &json["partners"][0];
    for field in ["summary", "owner", "region"] {
        assert_eq!(p.get(field), None, "{field}");
    }
}

/// A list item written `~` or `null` used to disappear: it is the text
/// written, since an item with no value would mean nothing. An empty `-`
/// item has no characters, and is skipped.
#[test]
fn null_items_in_a_list_are_shown_as_written() {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: Scalars\n");
    s.write(
        "content/partners/p.yaml",
        record("Partner")
            .replace("tags: [Partner, Partner]", "tags: [x, ~, null, NULL, Null]")
            .replace("ours:\n    - Partner", "ours:\n    - ~\n    -\n    - null"),
    );
    build(&s);
    let json: Value = serde_json::from_str(&s.out("partners.json")).unwrap();
    let p = &json["partners"][0];
    assert_eq!(
        p["tags"],
        serde_json::json!(["x", "~", "null", "NULL", "Null"])
    );
    assert_eq!(p["commitments"]["ours"], serde_json::json!(["~", "null"]));
    let html = Html::parse_document(&s.out("partners/p/index.html"));
    assert_eq!(texts(&html, ".tags li"), ["x", "~", "null", "NULL", "Null"]);
}

/// `~` or `null` in a required field is still a missing field, and the
/// message says how to quote it if those characters were meant.
#[test]
fn null_in_a_required_field_is_reported_with_how_to_quote_it() {
    check_case("null-text", 1);
}
