//! `partnerbook schema`, and the promise behind it: an editor that checks a
//! record against the JSON Schema agrees with `partnerbook check`.
//!
//! Every partner record in the repository (the example site, the test
//! fixtures and the UI cases), the records `init` and `new partner` write,
//! and several hundred variants made from the valid ones go through both
//! the library's decoder and a draft-07 validator; so do the
//! `partnerbook.yaml` files. Any difference in verdict fails the test.
//!
//! What counts: the decoder rejects a record when it reports a record-local
//! error about the record's shape (`missing-field`, `missing-partner-benefit`,
//! `unknown-field`, `invalid-value`). Out of scope, because JSON Schema cannot
//! say them or because they need more than one file:
//! - `unknown-person` (a relationship must name someone in the same map) and
//!   a name repeated in the influence map (`uniqueItems` compares whole
//!   entries, not names): cross-references inside the record;
//! - `invalid-yaml`: there is no JSON to validate, and editors report
//!   syntax errors themselves; likewise YAML tags (`!custom value`), which
//!   editors report as unresolved and partner files have no use for;
//! - a theme of `partnerbook.yaml` that has no folder: the file system;
//! - lints, `broken-link` and `duplicate-slug`: the whole site.
//!
//! Known gaps, not generated here: JSON Schema cannot tell `90` from `90.0`
//! (`review.every_days` refuses the latter); integers beyond 2^64; and a
//! theme named by a number or `true`, which the schema refuses although the
//! site would accept it with a folder of that name.

use std::path::{Path, PathBuf};

use partnerbook::diagnostic::Code;
use partnerbook::record;
use partnerbook::scaffold;
use partnerbook::source::SourceFile;
use partnerbook::yaml::{self, Issue};
use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};

use crate::support::{TODAY_EPOCH, partnerbook, repo, stdout};

// ---------------------------------------------------------------- the command

#[test]
fn schema_prints_the_partner_schema_and_the_committed_copy_matches() {
    let out = partnerbook().arg("schema").assert().success();
    assert_eq!(stdout(&out), scaffold::PARTNER_SCHEMA);
    let committed = std::fs::read_to_string(repo().join("schemas/partner.schema.json")).unwrap();
    assert_eq!(
        committed,
        stdout(&out),
        "schemas/partner.schema.json is stale: run `cargo run -- schema > schemas/partner.schema.json`"
    );
}

#[test]
fn schema_config_prints_the_configuration_schema_and_the_committed_copy_matches() {
    let out = partnerbook().args(["schema", "config"]).assert().success();
    assert_eq!(stdout(&out), scaffold::CONFIG_SCHEMA);
    let committed =
        std::fs::read_to_string(repo().join("schemas/partnerbook.schema.json")).unwrap();
    assert_eq!(
        committed,
        stdout(&out),
        "schemas/partnerbook.schema.json is stale: run `cargo run -- schema config > schemas/partnerbook.schema.json`"
    );
}

#[test]
fn schema_rejects_an_unknown_kind() {
    partnerbook()
        .args(["schema", "playbook"])
        .assert()
        .code(2)
        .stderr_eq(snapbox::str![[r#"
error: invalid value 'playbook' for '[KIND]'
  [possible values: partner, config]

For more information, try '--help'.

"#]]);
}

#[test]
fn the_example_site_maps_the_schemas_like_a_new_site() {
    let committed = std::fs::read_to_string(repo().join(".vscode/settings.json")).unwrap();
    assert_eq!(committed, scaffold::VSCODE_SETTINGS);
    let settings: Json = serde_json::from_str(&committed).unwrap();
    let map = &settings["yaml.schemas"];
    assert_eq!(
        map["./schemas/partner.schema.json"],
        serde_json::json!(["content/partners/**/*.yaml", "content/partners/**/*.yml"])
    );
    assert_eq!(
        map["./schemas/partnerbook.schema.json"],
        serde_json::json!(["partnerbook.yaml"])
    );
}

#[test]
fn both_schemas_are_valid_draft_07_with_a_description_on_every_property() {
    for (name, text) in [
        ("partner", scaffold::PARTNER_SCHEMA),
        ("config", scaffold::CONFIG_SCHEMA),
    ] {
        let schema: Json = serde_json::from_str(text).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
            panic!("the {name} schema is not valid draft-07: {e}");
        }
        let mut missing = Vec::new();
        undescribed(&schema, name, &mut missing);
        assert!(
            missing.is_empty(),
            "properties without title or description: {missing:?}"
        );
    }
}

/// Editors offer every enum value as a completion, `null` included; and
/// `\p{..}` or an escape of a character that needs none breaks Python's
/// `re` or ECMA-262's `u` flag (issue 20; schema_tools.rs runs the tools).
#[test]
fn schemas_have_no_null_enum_value_and_no_pattern_escape_other_engines_refuse() {
    fn walk(node: &Json, at: &str, found: &mut Vec<String>) {
        match node {
            Json::Object(map) => {
                let values = map.get("enum").and_then(Json::as_array);
                if values.is_some_and(|v| v.contains(&Json::Null)) {
                    found.push(format!("{at}: null among the enum values"));
                }
                if let Some(pattern) = map.get("pattern").and_then(Json::as_str) {
                    let mut chars = pattern.chars();
                    while let Some(c) = chars.next() {
                        if c != '\\' {
                            continue;
                        }
                        let escaped = chars.next().unwrap_or(' ');
                        if !(escaped.is_ascii_alphanumeric() && !"pPkcxX".contains(escaped)
                            || r"^$\.*+?()[]{}|/-".contains(escaped))
                            || escaped == 'u' && chars.clone().next() == Some('{')
                        {
                            found.push(format!("{at}: `\\{escaped}` in {pattern}"));
                        }
                    }
                }
                for (key, sub) in map {
                    walk(sub, &format!("{at}.{key}"), found);
                }
            }
            Json::Array(items) => items.iter().for_each(|i| walk(i, at, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (name, text) in [
        ("partner", scaffold::PARTNER_SCHEMA),
        ("config", scaffold::CONFIG_SCHEMA),
    ] {
        walk(&serde_json::from_str(text).unwrap(), name, &mut found);
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// Every property (and every schema of list items or free keys) must carry
/// the title and description that editors show while completing.
fn undescribed(schema: &Json, at: &str, missing: &mut Vec<String>) {
    if let Some(props) = schema.get("properties").and_then(Json::as_object) {
        for (key, sub) in props {
            let path = format!("{at}.{key}");
            if sub.get("title").is_none() || sub.get("description").is_none() {
                missing.push(path.clone());
            }
            undescribed(sub, &path, missing);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = schema.get(key).filter(|s| s.is_object()) {
            if sub.get("description").is_none() {
                missing.push(format!("{at}.{key}"));
            }
            undescribed(sub, &format!("{at}[{key}]"), missing);
        }
    }
}

// ---------------------------------------------------------------- agreement

/// What a validator said about one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accepted,
    Rejected(Vec<String>),
}

impl Verdict {
    fn from_errors(errors: Vec<String>) -> Verdict {
        if errors.is_empty() {
            Verdict::Accepted
        } else {
            Verdict::Rejected(errors)
        }
    }

    pub(crate) fn accepted(&self) -> bool {
        *self == Verdict::Accepted
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Accepted => f.write_str("accepted"),
            Verdict::Rejected(errors) => write!(f, "rejected: {}", errors.join("; ")),
        }
    }
}

/// Compares the two verdicts on a stream of documents and remembers every
/// disagreement.
struct Agreement {
    validator: jsonschema::Validator,
    compared: usize,
    accepted: usize,
    disagreements: Vec<String>,
}

impl Agreement {
    fn new(schema: &str) -> Agreement {
        let schema: Json = serde_json::from_str(schema).unwrap();
        Agreement {
            validator: jsonschema::draft7::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("the schema compiles"),
            compared: 0,
            accepted: 0,
            disagreements: Vec::new(),
        }
    }

    fn compare(&mut self, label: &str, value: &Value, decoder: Verdict) {
        let instance = to_json(value);
        let schema = Verdict::from_errors(
            self.validator
                .iter_errors(&instance)
                .map(|e| format!("{} at `{}`", e, e.instance_path()))
                .collect(),
        );
        self.compared += 1;
        if decoder.accepted() {
            self.accepted += 1;
        }
        if decoder.accepted() != schema.accepted() {
            self.disagreements.push(format!(
                "{label}\n    decoder: {decoder}\n    schema:  {schema}\n    document: {}",
                serde_json::to_string(&instance).unwrap()
            ));
        }
    }

    fn finish(self, what: &str, at_least: usize) {
        assert!(
            self.disagreements.is_empty(),
            "the {what} schema and the validator disagree on {} of {} documents:\n{}",
            self.disagreements.len(),
            self.compared,
            self.disagreements.join("\n")
        );
        // guard against a test that passes by comparing nothing
        assert!(
            self.compared >= at_least,
            "only {} {what} documents compared",
            self.compared
        );
        assert!(
            self.accepted > 0 && self.accepted < self.compared,
            "every {what} document got the same verdict: the comparison proves nothing"
        );
    }
}

/// A YAML value as JSON, the way an editor's YAML support sees it: keys
/// become text. Tags are out of scope; a tagged value becomes a one-key
/// mapping, so it is at least not mistaken for its untagged value.
pub(crate) fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Json::from(u)
            } else if let Some(i) = n.as_i64() {
                Json::from(i)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map_or_else(|| Json::String(n.to_string()), Json::Number)
            }
        }
        Value::String(s) => Json::String(s.clone()),
        Value::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => {
            Json::Object(map.iter().map(|(k, v)| (key_text(k), to_json(v))).collect())
        }
        Value::Tagged(t) => {
            let mut object = serde_json::Map::new();
            object.insert(t.tag.to_string(), to_json(&t.value));
            Json::Object(object)
        }
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        other => serde_json::to_string(&to_json(other)).unwrap(),
    }
}

/// Whether a decoder finding is about the record's shape, which the schema
/// must express (see the module comment).
fn in_scope(issue: &Issue) -> bool {
    match issue.code {
        Code::UnknownPerson => false,
        Code::InvalidValue => !issue.message.contains("appears twice in the influence map"),
        Code::MissingField
        | Code::MissingPartnerBenefit
        | Code::UnknownField
        | Code::InvalidYaml => true,
        other => panic!("the record decoder reported `{other}`, which this test does not know"),
    }
}

/// The decoder's verdict on a record, validated as with `--drafts` (a draft
/// is otherwise skipped unread, and the schema checks every record).
pub(crate) fn decode_partner(value: &Value) -> Verdict {
    let (_, issues) = record::decode(value, "", "partner", 0, true);
    Verdict::from_errors(
        issues
            .iter()
            .filter(|i| in_scope(i))
            .map(|i| format!("{}: {}", i.code, i.message))
            .collect(),
    )
}

/// Parses a file as the site loader does; `None` when it is not YAML.
pub(crate) fn parse(path: &str, text: &str) -> Option<Value> {
    let file = SourceFile {
        path: path.to_string(),
        text: text.to_string(),
    };
    yaml::parse(&file, text, 0).ok()
}

/// Every file below `dir` whose path matches `wanted`.
pub(crate) fn files(dir: &Path, wanted: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| wanted(&p.to_string_lossy().replace('\\', "/")))
        .collect();
    out.sort();
    out
}

pub(crate) fn is_record(path: &str) -> bool {
    path.contains("/content/partners/") && (path.ends_with(".yaml") || path.ends_with(".yml"))
}

pub(crate) fn today() -> jiff::civil::Date {
    let secs: i64 = TODAY_EPOCH.parse().unwrap();
    jiff::Timestamp::from_second(secs)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A record that both validators accept, with every field filled: the base
/// of most variants.
pub(crate) const FULL: &str = r#"
name: Northwind Integration Services
tier: strategic
type: systems-integrator
status: active
owner: Priya Raman
region: EMEA
tags: [outsourcing, compliance]
summary: Managed license compliance for outsourced IT.
draft: false
proposition:
  we_do: We tell a company which software licenses it owns and uses.
  they_do: Northwind runs IT operations for 300 enterprises in EMEA.
  together: A managed license-compliance service.
  partner_benefit: Northwind sells compliance as a new line item.
  customer_benefit: No more audit surprises.
  pain_point: Outsourcers carry the audit risk.
scenario: trusted-relationship
objectives: [market-access]
target_market: Enterprises in EMEA that outsource IT operations.
revenue_goal: USD 2M ARR by end of 2027
commitments:
  ours: [Partner engineer at 50%]
  theirs: [Offering manager]
rules_of_engagement:
  lead_sharing: Leads go to Northwind within one business day.
worksheet:
  product_strategy: Managed-service delivery is on our roadmap.
  their_business: Clients push Northwind to cut license costs.
  open_questions: [Who owns the customer contract?]
  next_steps: [Workshop in March]
influence_map:
  - name: Marta Jensen
    title: VP Alliances
    influence: high
    attitude: positive
    style: Wants a business case first.
    relationships: [Tom Becker]
  - name: Tom Becker
    influence: medium
    attitude: neutral
    relationships: [Marta Jensen]
review:
  last: 2026-09-30
  every_days: 90
"#;

/// One step of a path into a document.
#[derive(Clone, Copy)]
pub(crate) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}
pub(crate) use Step::{Index as I, Key as K};

/// `doc` with the node at `path` replaced by `new`, or removed when `new`
/// is `None`. Missing mappings on the way are created; `None` when the path
/// goes through a list entry that is not there.
fn try_with(doc: &Value, path: &[Step], new: Option<Value>) -> Option<Value> {
    let mut doc = doc.clone();
    let mut node = &mut doc;
    for (i, step) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match *step {
            K(key) => {
                if !node.is_mapping() {
                    *node = Value::Mapping(Mapping::new());
                }
                let map = node.as_mapping_mut()?;
                if last {
                    match new {
                        Some(v) => {
                            map.insert(Value::from(key), v);
                        }
                        None => {
                            map.remove(key);
                        }
                    }
                    return Some(doc);
                }
                node = map
                    .entry(Value::from(key))
                    .or_insert(Value::Mapping(Mapping::new()));
            }
            I(index) => {
                let items = node.as_sequence_mut().filter(|items| index < items.len())?;
                if last {
                    match new {
                        Some(v) => items[index] = v,
                        None => {
                            items.remove(index);
                        }
                    }
                    return Some(doc);
                }
                node = &mut items[index];
            }
        }
    }
    new
}

/// [`try_with`] on a path that exists.
pub(crate) fn with(doc: &Value, path: &[Step], new: Option<Value>) -> Value {
    try_with(doc, path, new).expect("the path exists")
}

pub(crate) fn y(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

/// Variants of a valid record, each labelled, covering every way the
/// decoder can reject a shape and the values it must still accept.
pub(crate) fn partner_variants(base: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut add = |label: String, doc: Option<Value>| out.extend(doc.map(|doc| (label, doc)));

    // every field of every mapping: absent, null, and of each wrong kind
    let fields: &[&[Step]] = &[
        &[K("name")],
        &[K("tier")],
        &[K("type")],
        &[K("status")],
        &[K("owner")],
        &[K("region")],
        &[K("tags")],
        &[K("summary")],
        &[K("draft")],
        &[K("proposition")],
        &[K("proposition"), K("we_do")],
        &[K("proposition"), K("they_do")],
        &[K("proposition"), K("together")],
        &[K("proposition"), K("partner_benefit")],
        &[K("proposition"), K("customer_benefit")],
        &[K("proposition"), K("pain_point")],
        &[K("scenario")],
        &[K("objectives")],
        &[K("target_market")],
        &[K("revenue_goal")],
        &[K("commitments")],
        &[K("commitments"), K("ours")],
        &[K("commitments"), K("theirs")],
        &[K("rules_of_engagement")],
        &[K("rules_of_engagement"), K("lead_sharing")],
        &[K("worksheet")],
        &[K("worksheet"), K("product_strategy")],
        &[K("worksheet"), K("their_business")],
        &[K("worksheet"), K("open_questions")],
        &[K("worksheet"), K("next_steps")],
        &[K("influence_map")],
        &[K("influence_map"), I(0)],
        &[K("influence_map"), I(0), K("name")],
        &[K("influence_map"), I(0), K("title")],
        &[K("influence_map"), I(0), K("influence")],
        &[K("influence_map"), I(0), K("attitude")],
        &[K("influence_map"), I(0), K("style")],
        &[K("influence_map"), I(0), K("relationships")],
        &[K("review")],
        &[K("review"), K("last")],
        &[K("review"), K("every_days")],
    ];
    let kinds = [
        ("null", Value::Null),
        ("empty text", y("''")),
        ("blank text", y("'   '")),
        ("text", y("some text")),
        ("a number", y("42")),
        ("a negative number", y("-3")),
        ("a fraction", y("1.5")),
        ("true", y("true")),
        ("a list of text", y("[a, b]")),
        ("a list with a list", y("[[a]]")),
        ("a list with a mapping", y("[{a: b}]")),
        ("a list with null", y("[a, null]")),
        ("an empty list", y("[]")),
        ("a mapping", y("{a: b}")),
        ("an empty mapping", y("{}")),
    ];
    for path in fields {
        let at = path_text(path);
        add(format!("without `{at}`"), try_with(base, path, None));
        for (kind, value) in &kinds {
            add(
                format!("`{at}` set to {kind}"),
                try_with(base, path, Some(value.clone())),
            );
        }
    }

    // keyword fields: every allowed word, near misses, and other cases
    let keywords: &[(&[Step], &[&str])] = &[
        (&[K("tier")], &["strategic", "tactical", "casual"]),
        (&[K("status")], &["prospect", "active", "paused", "ended"]),
        (
            &[K("scenario")],
            &["combined-offering", "channel-reach", "trusted-relationship"],
        ),
        (
            &[K("influence_map"), I(0), K("influence")],
            &["high", "medium", "low"],
        ),
        (
            &[K("influence_map"), I(0), K("attitude")],
            &["positive", "neutral", "negative"],
        ),
    ];
    for (path, words) in keywords {
        let at = path_text(path);
        for word in *words {
            add(
                format!("`{at}: {word}`"),
                try_with(base, path, Some(Value::from(*word))),
            );
            let upper = word.to_uppercase();
            add(
                format!("`{at}: {upper}`"),
                try_with(base, path, Some(Value::from(upper.as_str()))),
            );
            let spaced = format!(" {word}");
            add(
                format!("`{at}: '{spaced}'`"),
                try_with(base, path, Some(Value::from(spaced.as_str()))),
            );
        }
        add(
            format!("`{at}` unknown word"),
            try_with(base, path, Some(y("gold"))),
        );
    }
    for objective in [
        "market-share",
        "market-access",
        "faster-sales",
        "value-chain-power",
    ] {
        add(
            format!("objectives [{objective}]"),
            try_with(
                base,
                &[K("objectives")],
                Some(y(&format!("[{objective}, {objective}]"))),
            ),
        );
    }
    add(
        "objectives with an unknown value".into(),
        try_with(
            base,
            &[K("objectives")],
            Some(y("[market-access, world-domination]")),
        ),
    );
    add(
        "objectives written as one word".into(),
        try_with(base, &[K("objectives")], Some(y("market-access"))),
    );

    // an unknown key at every level, including a field one level off
    for (parent, key) in [
        (&[][..], "partner_benefit"),
        (&[][..], "partner_benfit"),
        (&[][..], "notes"),
        (&[][..], "1"),
        (&[K("proposition")][..], "name"),
        (&[K("proposition")][..], "benefit"),
        (&[K("commitments")][..], "both"),
        (&[K("worksheet")][..], "notes"),
        (&[K("review")][..], "next"),
        (&[K("influence_map"), I(0)][..], "email"),
    ] {
        let mut path = parent.to_vec();
        path.push(K(key));
        add(
            format!("unknown key `{}`", path_text(&path)),
            try_with(base, &path, Some(y("x"))),
        );
    }
    add(
        "a rule on a numeric topic".into(),
        try_with(
            base,
            &[K("rules_of_engagement"), K("2")],
            Some(y("Rule two.")),
        ),
    );

    // dates and cadences
    for last in [
        "2026-09-30",
        "2024-02-29",
        "2026-02-29",
        "2026-02-30",
        "2026-13-01",
        "2026-9-30",
        "30/09/2026",
        "2026-09-30T10:00:00",
        " 2026-09-30",
        "20260930",
        "2026/09/30",
    ] {
        add(
            format!("review.last `{last}`"),
            try_with(base, &[K("review"), K("last")], Some(Value::from(last))),
        );
    }
    add(
        "review.last as a number".into(),
        try_with(base, &[K("review"), K("last")], Some(y("20260930"))),
    );
    for every in [
        "90", " 90 ", "+90", "0", "0090", "-1", "often", "9 0", "1e3", "",
    ] {
        add(
            format!("review.every_days `{every:?}` in quotes"),
            try_with(
                base,
                &[K("review"), K("every_days")],
                Some(Value::from(every)),
            ),
        );
    }
    for every in ["0", "365", "18446744073709551615"] {
        add(
            format!("review.every_days {every}"),
            try_with(base, &[K("review"), K("every_days")], Some(y(every))),
        );
    }

    // the document itself of the wrong kind
    for (kind, doc) in [
        ("null", Value::Null),
        ("a list", y("[a]")),
        ("text", y("a partner")),
        ("an empty mapping", y("{}")),
    ] {
        add(format!("the whole record is {kind}"), Some(doc));
    }
    // a draft is validated like any record
    add(
        "a draft without a proposition".into(),
        try_with(
            &with(base, &[K("draft")], Some(y("true"))),
            &[K("proposition")],
            None,
        ),
    );
    out
}

fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            K(k) if out.is_empty() => out.push_str(k),
            K(k) => {
                out.push('.');
                out.push_str(k);
            }
            I(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Texts for `partner_benefit`: the placeholders the decoder refuses, in
/// every wrapping it strips, and real benefits that merely look like them.
pub(crate) fn benefit_texts() -> Vec<String> {
    let cores = [
        "TBD",
        "tbd",
        "Tbc",
        "TODO",
        "to do",
        "to  do",
        "To be confirmed",
        "to be decided",
        "FIXME",
        "xxx",
        "n/a",
        "N/A",
        "na",
        "none",
        "None of their rivals offers managed compliance",
        "nothing",
        "null",
        "nil",
        "unknown",
        "later",
        "Later this year Northwind gains 300 customers",
        "pending",
        "placeholder",
        "lorem ipsum",
        "Lorem ipsum dolor",
        "?",
        "-",
        "...",
        "…",
        "—",
        "",
        "TBD: ask Marta",
        "todo - check margins",
        "TBD2",
        "tbd/2",
        "tbdx",
        "TBDé",
        "xxx-large accounts",
        "Cuts their audit costs by a third",
        "東京の顧客に届く",
        "42",
        "n/a/b",
        "na na",
    ];
    let before = [
        "", " ", "*", "**", "(", "\"", "* ", " * ", "- ", "_", ". ", "* *",
    ];
    let after = [
        "", ".", "!", " ", ":", " :", "?", "...", " *", "**", ")", " -",
    ];
    let mut out = Vec::new();
    for core in cores {
        for b in before {
            for a in after {
                out.push(format!("{b}{core}{a}"));
            }
        }
    }
    out.push("\n\nTBD\n".to_string());
    out.push("TBD\nWe will know after the workshop.".to_string());
    out
}

#[test]
fn partner_schema_agrees_with_the_validator_on_every_fixture_record() {
    let mut agreement = Agreement::new(scaffold::PARTNER_SCHEMA);
    let root = repo();
    let mut records = files(&root.join("content"), is_record);
    records.extend(files(&root.join("tests"), is_record));
    let mut skipped = Vec::new();
    for path in &records {
        let label = path.strip_prefix(&root).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(path) else {
            skipped.push(label);
            continue;
        };
        let Some(value) = parse(&label, &text) else {
            skipped.push(label);
            continue;
        };
        agreement.compare(&label, &value, decode_partner(&value));
    }
    // what `init` and `new partner` write, fresh and filled in
    for (label, text) in [
        (
            "init's example partner".to_string(),
            scaffold::example_partner(today()),
        ),
        (
            "a fresh `new partner` record".to_string(),
            scaffold::partner_template("Cobalt Ridge", today()),
        ),
        (
            "a filled-in `new partner` record".to_string(),
            crate::scaffold::fill_in(&scaffold::partner_template("Cobalt Ridge", today())),
        ),
    ] {
        let value = parse(&label, &text).expect("the templates are YAML");
        agreement.compare(&label, &value, decode_partner(&value));
    }
    // the UI case of invalid YAML is the only file that cannot be compared
    assert_eq!(
        skipped,
        ["tests/ui/invalid-yaml/in/content/partners/northwind.yaml"],
        "files that could not be compared"
    );
    agreement.finish("partner", 30);
}

#[test]
fn partner_schema_agrees_with_the_validator_on_generated_variants() {
    let mut agreement = Agreement::new(scaffold::PARTNER_SCHEMA);
    let mut bases = vec![("the full record".to_string(), y(FULL))];
    // the valid records of the example site are bases too (a draft there
    // still says TBD on purpose)
    for path in files(&repo().join("content"), is_record) {
        let value = parse("", &std::fs::read_to_string(&path).unwrap()).unwrap();
        if decode_partner(&value).accepted() {
            bases.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                value,
            ));
        }
    }
    assert!(bases.len() >= 5, "too few valid records to vary");
    for (base_label, base) in &bases {
        assert!(decode_partner(base).accepted(), "{base_label} is valid");
        for (label, doc) in partner_variants(base) {
            agreement.compare(
                &format!("{base_label}, {label}"),
                &doc,
                decode_partner(&doc),
            );
        }
    }
    agreement.finish("partner", 1000);
}

/// A tagged name (`name: !x Marta`) is no name: the decoder reports it,
/// and checks the other people's relationships against their own entries.
/// (It once paired people with entries by a second, different test of
/// "has a name", and panicked here.)
#[test]
fn decoder_survives_a_tagged_name_in_the_influence_map() {
    let doc = with(
        &y(FULL),
        &[K("influence_map"), I(0), K("name")],
        Some(y("!custom Marta Jensen")),
    );
    let verdict = decode_partner(&doc);
    assert!(!verdict.accepted());
    let mut agreement = Agreement::new(scaffold::PARTNER_SCHEMA);
    agreement.compare("tagged name", &doc, verdict);
    assert!(
        agreement.disagreements.is_empty(),
        "{:?}",
        agreement.disagreements
    );
}

#[test]
fn partner_schema_refuses_exactly_the_placeholder_benefits() {
    let mut agreement = Agreement::new(scaffold::PARTNER_SCHEMA);
    let base = y(FULL);
    let mut refused = 0;
    for text in benefit_texts() {
        let doc = with(
            &base,
            &[K("proposition"), K("partner_benefit")],
            Some(Value::from(text.as_str())),
        );
        let verdict = decode_partner(&doc);
        refused += usize::from(!verdict.accepted());
        agreement.compare(&format!("partner_benefit {text:?}"), &doc, verdict);
    }
    assert!(refused > 1000, "only {refused} placeholders tried");
    agreement.finish("partner", 5000);
}

// ---------------------------------------------------------------- partnerbook.yaml

/// The decoder's verdict on `partnerbook.yaml` in `root`; `None` when the
/// file is not YAML. A well-formed theme name without a folder is out of
/// scope: the schema checks the name, not the file system.
pub(crate) fn load_config(root: &Path, doc: &Value) -> Option<Verdict> {
    let (_, _, diagnostics) = partnerbook::pipeline::read::config(root);
    let theme_is_a_name = doc
        .get("theme")
        .and_then(Value::as_str)
        .is_some_and(partnerbook::slug::is_slug);
    if diagnostics
        .iter()
        .any(|d| matches!(d.code, Code::InvalidYaml | Code::UnreadableFile))
    {
        return None;
    }
    Some(Verdict::from_errors(
        diagnostics
            .iter()
            // a warning (a base_url with `//`, collapsed) is no refusal
            .filter(|d| d.severity == partnerbook::diagnostic::Severity::Error)
            .filter(|d| {
                !(theme_is_a_name
                    && d.code == Code::InvalidValue
                    && d.message.starts_with("theme `"))
            })
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect(),
    ))
}

pub(crate) fn config_variants(base: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut add = |label: String, doc: Option<Value>| out.extend(doc.map(|doc| (label, doc)));
    let fields: &[&[Step]] = &[
        &[K("title")],
        &[K("description")],
        &[K("base_url")],
        &[K("theme")],
        &[K("tiers")],
        &[K("tiers"), K("strategic")],
        &[K("tiers"), K("strategic"), K("max_partners")],
        &[K("tiers"), K("strategic"), K("rules_of_engagement")],
        &[
            K("tiers"),
            K("casual"),
            K("rules_of_engagement"),
            K("engagement"),
        ],
        &[K("lints")],
        &[K("lints"), K("vague-language")],
        &[K("vague_phrases")],
        &[K("markdown")],
        &[K("markdown"), K("allow_html")],
        &[K("pretty_links")],
    ];
    let kinds = [
        ("null", Value::Null),
        ("empty text", y("''")),
        ("text", y("some text")),
        ("a number", y("7")),
        ("a negative number", y("-3")),
        ("true", y("true")),
        ("a list of text", y("[a, b]")),
        ("a list with a list", y("[[a]]")),
        ("an empty mapping", y("{}")),
        ("a mapping", y("{a: b}")),
    ];
    for path in fields {
        let at = path_text(path);
        add(format!("without `{at}`"), try_with(base, path, None));
        for (kind, value) in &kinds {
            // a theme named by a number or true/false: see the module comment
            if at == "theme" && (value.is_number() || value.is_bool()) {
                continue;
            }
            add(
                format!("`{at}` set to {kind}"),
                try_with(base, path, Some(value.clone())),
            );
        }
    }
    for url in [
        "https://intranet.example/partners/",
        "http://intranet.example",
        " https://x.example/a ",
        "intranet.example",
        "ftp://x.example/",
        "https:///nohost",
        "https://x.example/a b",
        "https://x.example/\"",
        "HTTPS://x.example/",
        "   ",
        "https://intranet.example//partners/",
        "https://ci:s3cret@intranet.example/",
        "https://x.example/?a=1",
        "https://x.example/#top",
    ] {
        add(
            format!("base_url {url:?}"),
            try_with(base, &[K("base_url")], Some(Value::from(url))),
        );
    }
    for theme in [
        "default",
        "Default",
        "my theme",
        "-dark",
        "dark--mode",
        "dark_mode",
        " default",
    ] {
        add(
            format!("theme {theme:?}"),
            try_with(base, &[K("theme")], Some(Value::from(theme))),
        );
    }
    for level in ["deny", "warn", "allow", "error", "Deny"] {
        for lint in ["tier-over-capacity", "review-overdue", "no-such-lint"] {
            add(
                format!("lints.{lint}: {level}"),
                try_with(base, &[K("lints"), K(lint)], Some(Value::from(level))),
            );
        }
    }
    for tier in ["strategic", "tactical", "casual", "gold"] {
        add(
            format!("tiers.{tier} with a capacity"),
            try_with(
                base,
                &[K("tiers"), K(tier), K("max_partners")],
                Some(y("3")),
            ),
        );
        add(
            format!("tiers.{tier} with an unknown key"),
            try_with(base, &[K("tiers"), K(tier), K("capacity")], Some(y("3"))),
        );
    }
    for max in ["'5'", "' 5 '", "five", "2.5", "-1", "null"] {
        add(
            format!("max_partners {max}"),
            try_with(
                base,
                &[K("tiers"), K("tactical"), K("max_partners")],
                Some(y(max)),
            ),
        );
    }
    for (parent, key) in [
        (&[][..], "titel"),
        (&[][..], "output_dir"),
        (&[K("markdown")][..], "html"),
        (&[K("tiers"), K("strategic")][..], "rules"),
    ] {
        let mut path = parent.to_vec();
        path.push(K(key));
        add(
            format!("unknown key `{}`", path_text(&path)),
            try_with(base, &path, Some(y("x"))),
        );
    }
    for (kind, doc) in [
        ("null", Value::Null),
        ("a list", y("[a]")),
        ("text", y("a site")),
        ("an empty mapping", y("{}")),
    ] {
        add(format!("the whole file is {kind}"), Some(doc));
    }
    out
}

#[test]
fn config_schema_agrees_with_the_validator() {
    let mut agreement = Agreement::new(scaffold::CONFIG_SCHEMA);
    let root = repo();
    // the configurations in the repository, each loaded from its own site
    let mut sites = vec![root.clone()];
    sites.extend(
        files(&root.join("tests"), |p| p.ends_with("/partnerbook.yaml"))
            .into_iter()
            .map(|p| p.parent().unwrap().to_path_buf()),
    );
    let mut bases = Vec::new();
    for site in &sites {
        let text = std::fs::read_to_string(site.join("partnerbook.yaml")).unwrap();
        let label = site.strip_prefix(&root).unwrap().join("partnerbook.yaml");
        let Some(value) = parse("partnerbook.yaml", &text) else {
            continue;
        };
        let verdict = load_config(site, &value).expect("the file parsed");
        if verdict.accepted() {
            bases.push((label.display().to_string(), value.clone()));
        }
        agreement.compare(&label.display().to_string(), &value, verdict);
    }
    assert!(sites.len() >= 3, "configuration fixtures: {sites:?}");

    // init's configuration, and variants of every valid one
    let scratch = tempfile::tempdir().unwrap();
    let judge = |label: &str, doc: &Value, agreement: &mut Agreement| {
        let text = serde_yaml::to_string(doc).unwrap();
        std::fs::write(scratch.path().join("partnerbook.yaml"), text).unwrap();
        let verdict = load_config(scratch.path(), doc).expect("a serialised value is YAML");
        agreement.compare(label, doc, verdict);
    };
    let init = parse("partnerbook.yaml", scaffold::CONFIG).unwrap();
    judge("init's partnerbook.yaml", &init, &mut agreement);
    bases.push(("init's partnerbook.yaml".to_string(), init));
    for (base_label, base) in &bases {
        for (label, doc) in config_variants(base) {
            judge(&format!("{base_label}, {label}"), &doc, &mut agreement);
        }
    }
    agreement.finish("configuration", 300);
}
