//! The editor schemas in the JSON Schema tools people use (issue 20):
//! Python's `jsonschema`, ajv (patterns with and without the `u` flag, and
//! with ajv-errors, which reads `errorMessage` as the YAML language server
//! does) and check-jsonschema (ECMA-262 with and without `u`, and Python
//! regexes). Every tool must compile both schemas and give the decoder's
//! verdict on every record in the repository, on the placeholder benefits
//! and on the variants `schema.rs` compares with the jsonschema crate.
//!
//! The tools are not Rust crates, so the test is ignored in `cargo test`;
//! `.ci/run` installs them with tests/schema-tools/install.sh into
//! target/schema-tools and runs it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use partnerbook::scaffold;
use serde_json::Value as Json;
use serde_yaml::Value;

use crate::schema::{
    FULL, I, K, benefit_texts, config_variants, decode_partner, files, is_record, load_config,
    parse, partner_variants, to_json, today, with, y,
};
use crate::support::repo;

const INSTALL: &str = "needs Python's jsonschema and check-jsonschema and node's ajv and \
    ajv-errors in target/schema-tools: run `bash tests/schema-tools/install.sh` (.ci/run does)";

/// One document for the tools, with the decoder's verdict.
struct Case {
    label: String,
    kind: &'static str,
    file: PathBuf,
    valid: bool,
}

/// Writes the documents as JSON files and an index the scripts read.
struct Corpus {
    dir: tempfile::TempDir,
    cases: Vec<Case>,
}

impl Corpus {
    fn add(&mut self, label: String, kind: &'static str, value: &Value, valid: bool) {
        let file = self
            .dir
            .path()
            .join(format!("{}{}.json", &kind[..1], self.cases.len()));
        std::fs::write(&file, serde_json::to_string(&to_json(value)).unwrap()).unwrap();
        self.cases.push(Case {
            label,
            kind,
            file,
            valid,
        });
    }

    fn index(&self) -> PathBuf {
        let index: Vec<Json> = self
            .cases
            .iter()
            .map(|c| serde_json::json!({"file": c.file, "kind": c.kind}))
            .collect();
        let path = self.dir.path().join("index.json");
        std::fs::write(&path, serde_json::to_string(&index).unwrap()).unwrap();
        path
    }

    fn files_of(&self, kind: &str) -> Vec<&Path> {
        self.cases
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.file.as_path())
            .collect()
    }

    fn case(&self, label: &str) -> &Case {
        self.cases
            .iter()
            .find(|c| c.label == label)
            .unwrap_or_else(|| panic!("no document labelled {label}"))
    }
}

/// Every partner record and configuration in the repository, what `init`
/// and `new partner` write, the placeholder benefits and the variants.
fn corpus() -> Corpus {
    let mut corpus = Corpus {
        dir: tempfile::tempdir().unwrap(),
        cases: Vec::new(),
    };
    let root = repo();
    let mut records = files(&root.join("content"), is_record);
    records.extend(files(&root.join("tests"), is_record));
    for path in &records {
        let label = path.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        // the one UI case of invalid YAML has no JSON to check
        let Some(value) = parse(&label, &text) else {
            continue;
        };
        let valid = decode_partner(&value).accepted();
        corpus.add(label, "partner", &value, valid);
    }
    for (label, text) in [
        ("init's example partner", scaffold::example_partner(today())),
        (
            "a new partner record",
            scaffold::partner_template("Cobalt Ridge", today()),
        ),
        (
            "a filled-in new partner record",
            crate::scaffold::fill_in(&scaffold::partner_template("Cobalt Ridge", today())),
        ),
    ] {
        let value = parse(label, &text).unwrap();
        let valid = decode_partner(&value).accepted();
        corpus.add(label.to_string(), "partner", &value, valid);
    }
    let full = y(FULL);
    for text in benefit_texts() {
        let doc = with(
            &full,
            &[K("proposition"), K("partner_benefit")],
            Some(Value::from(text.as_str())),
        );
        let valid = decode_partner(&doc).accepted();
        corpus.add(format!("partner_benefit {text:?}"), "partner", &doc, valid);
    }
    for (label, doc) in partner_variants(&full) {
        let valid = decode_partner(&doc).accepted();
        corpus.add(label, "partner", &doc, valid);
    }
    // a blank name deep in the influence map, for its message
    let doc = with(
        &full,
        &[K("influence_map"), I(1), K("name")],
        Some(Value::from(" ")),
    );
    let valid = decode_partner(&doc).accepted();
    corpus.add("a blank person's name".into(), "partner", &doc, valid);

    let mut configs = vec![root.join("partnerbook.yaml")];
    configs.extend(files(&root.join("tests"), |p| {
        p.ends_with("/partnerbook.yaml")
    }));
    for path in &configs {
        let label = path.strip_prefix(&root).unwrap().display().to_string();
        let value = parse("partnerbook.yaml", &std::fs::read_to_string(path).unwrap()).unwrap();
        let valid = load_config(path.parent().unwrap(), &value)
            .unwrap()
            .accepted();
        corpus.add(label, "config", &value, valid);
    }
    let scratch = tempfile::tempdir().unwrap();
    let init = parse("partnerbook.yaml", scaffold::CONFIG).unwrap();
    let mut docs = vec![("init's partnerbook.yaml".to_string(), init.clone())];
    docs.extend(config_variants(&init));
    for (label, doc) in docs {
        std::fs::write(
            scratch.path().join("partnerbook.yaml"),
            serde_yaml::to_string(&doc).unwrap(),
        )
        .unwrap();
        let valid = load_config(scratch.path(), &doc).unwrap().accepted();
        corpus.add(label, "config", &doc, valid);
    }
    corpus
}

/// Runs a tool; its stdout, or a panic saying what to install.
fn run(command: &mut Command, what: &str) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} did not start ({e}): {INSTALL}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() || what.starts_with("check-jsonschema"),
        "{what} failed ({}):\n{stderr}\n{INSTALL}",
        out.status
    );
    stdout
}

fn tools() -> PathBuf {
    let dir = repo().join("target/schema-tools");
    for needed in [
        "venv/bin/python",
        "venv/bin/check-jsonschema",
        "node_modules/ajv/package.json",
        "node_modules/ajv-errors/package.json",
    ] {
        assert!(dir.join(needed).exists(), "no {needed}: {INSTALL}");
    }
    dir
}

/// Compares one tool's errors per file with the decoder's verdicts; returns
/// the disagreements.
fn compare(corpus: &Corpus, tool: &str, errors: &BTreeMap<PathBuf, Vec<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for case in &corpus.cases {
        let Some(found) = errors.get(&case.file) else {
            wrong.push(format!("{tool}: no verdict on {}", case.label));
            continue;
        };
        if case.valid != found.is_empty() {
            wrong.push(format!(
                "{tool}: {} is {} by partnerbook but {} by the schema: {found:?}",
                case.label,
                if case.valid { "accepted" } else { "rejected" },
                if found.is_empty() {
                    "accepted"
                } else {
                    "rejected"
                },
            ));
        }
    }
    wrong
}

/// `{file: [messages]}` as a map.
fn errors_of(json: &Json) -> BTreeMap<PathBuf, Vec<String>> {
    json.as_object()
        .unwrap()
        .iter()
        .map(|(file, messages)| {
            let messages = messages
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (PathBuf::from(file), messages)
        })
        .collect()
}

/// check-jsonschema on every file of one kind, with one regex dialect.
fn check_jsonschema(
    tools: &Path,
    corpus: &Corpus,
    kind: &str,
    variant: &str,
) -> BTreeMap<PathBuf, Vec<String>> {
    let schema = match kind {
        "partner" => "schemas/partner.schema.json",
        _ => "schemas/partnerbook.schema.json",
    };
    let files = corpus.files_of(kind);
    let stdout = run(
        Command::new(tools.join("venv/bin/check-jsonschema"))
            .arg("--schemafile")
            .arg(repo().join(schema))
            .args(["--disable-formats", "*", "--regex-variant", variant])
            .args(["--output-format", "json"])
            .args(&files),
        &format!("check-jsonschema --regex-variant {variant}"),
    );
    let report: Json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("check-jsonschema said ({e}):\n{stdout}"));
    assert_eq!(
        report
            .get("parse_errors")
            .and_then(Json::as_array)
            .map(Vec::len),
        Some(0),
        "check-jsonschema could not read the schema or a file:\n{stdout}"
    );
    let mut errors: BTreeMap<PathBuf, Vec<String>> = files
        .iter()
        .map(|f| (f.to_path_buf(), Vec::new()))
        .collect();
    for error in report["errors"].as_array().unwrap() {
        let file = PathBuf::from(error["filename"].as_str().unwrap());
        let message = error["message"].as_str().unwrap().to_string();
        errors
            .get_mut(&file)
            .expect("a file we passed")
            .push(message);
    }
    errors
}

#[test]
#[ignore = "needs Python's jsonschema, check-jsonschema, node's ajv: .ci/run installs them"]
fn schemas_agree_with_partnerbook_in_python_ajv_and_check_jsonschema() {
    let tools = tools();
    let corpus = corpus();
    let index = corpus.index();
    let schemas = repo().join("schemas");
    let valid = corpus.cases.iter().filter(|c| c.valid).count();
    // guard against a comparison of nothing, or of one verdict only
    assert!(
        corpus.cases.len() > 5000,
        "{} documents",
        corpus.cases.len()
    );
    assert!(
        valid > 100 && valid < corpus.cases.len() - 1000,
        "{valid} valid"
    );

    let mut verdicts: Vec<(String, BTreeMap<PathBuf, Vec<String>>)> = Vec::new();
    let python = run(
        Command::new(tools.join("venv/bin/python"))
            .arg(repo().join("tests/schema-tools/validate.py"))
            .arg(&index)
            .arg(&schemas),
        "python3 -m jsonschema",
    );
    verdicts.push((
        "python jsonschema".into(),
        errors_of(&serde_json::from_str(&python).unwrap()),
    ));
    let node = run(
        Command::new("node")
            .arg(repo().join("tests/schema-tools/validate.mjs"))
            .arg(&tools)
            .arg(&index)
            .arg(&schemas),
        "node (ajv)",
    );
    let node: Json = serde_json::from_str(&node).unwrap();
    for setup in ["ajv", "ajv-u", "ajv-errors"] {
        verdicts.push((setup.to_string(), errors_of(&node[setup])));
    }
    for variant in ["default", "nonunicode", "python"] {
        let mut errors = check_jsonschema(&tools, &corpus, "partner", variant);
        errors.extend(check_jsonschema(&tools, &corpus, "config", variant));
        verdicts.push((
            format!("check-jsonschema --regex-variant {variant}"),
            errors,
        ));
    }

    let mut wrong = Vec::new();
    for (tool, errors) in &verdicts {
        let found = compare(&corpus, tool, errors);
        eprintln!(
            "{tool}: {} documents, {} accepted, {} disagreements",
            corpus.cases.len(),
            errors.values().filter(|e| e.is_empty()).count(),
            found.len()
        );
        wrong.extend(found);
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // the messages an editor shows (ajv-errors reads errorMessage as the
    // YAML language server does)
    let messages = errors_of(&node["ajv-errors"]);
    for (label, expected) in [
        (
            "partner_benefit \"  \"",
            "/proposition/partner_benefit write what the partner gains; a blank value is not allowed",
        ),
        (
            "partner_benefit \"TBD\"",
            "/proposition/partner_benefit TBD, TODO, n/a and the like are placeholders: write the real benefit, what the partner gains",
        ),
        (
            "`name` set to blank text",
            "/name write the partner's name; a blank value is not allowed",
        ),
        (
            "a blank person's name",
            "/influence_map/1/name write the person's full name; a blank value is not allowed",
        ),
        (
            "unknown key `notes`",
            "/ not a key of a partner record: write name, tier, type, status, owner, region, tags, summary, draft, proposition, scenario, objectives, partner_objectives, target_market, revenue_goal, commitments, rules_of_engagement, worksheet, influence_map, review or plan",
        ),
        (
            "unknown key `proposition.benefit`",
            "/proposition not a key of proposition: write we_do, they_do, together, partner_benefit, our_benefit, customer_benefit or pain_point",
        ),
    ] {
        let case = corpus.case(label);
        assert!(!case.valid, "{label} is refused by partnerbook");
        let shown = &messages[&case.file];
        assert!(
            shown.iter().any(|m| m == expected),
            "{label}: ajv-errors says {shown:?}, not {expected:?}"
        );
    }
}
