//! Every lint: a fixture that fires it (a warning, exit 0), and the levels
//! `deny`, `allow` and `--deny-warnings`; and the lists of lints made from
//! their table.

use partnerbook::lint::{Level, Lint};

use crate::support::{
    Scratch, build_case, check_case, generated_part, partnerbook, repo, stderr, ui_site,
};

#[test]
fn tier_over_capacity_ignores_ended_partners() {
    check_case("tier-over-capacity", 0);
}

#[test]
fn goal_without_market() {
    check_case("goal-without-market", 0);
}

#[test]
fn missing_target_market() {
    check_case("missing-target-market", 0);
}

#[test]
fn vague_language_with_inflections() {
    check_case("vague-language", 0);
}

#[test]
fn no_commitments_absent_or_empty() {
    check_case("no-commitments", 0);
}

#[test]
fn no_objective() {
    check_case("no-objective", 0);
}

#[test]
fn review_overdue_uses_the_record_or_else_the_tier_cadence() {
    check_case("review-overdue", 0);
}

#[test]
fn missing_pain_point_absent_blank_or_placeholder_but_not_casual() {
    check_case("missing-pain-point", 0);
}

#[test]
fn no_partner_objective_points_at_the_list_or_at_ours_but_not_casual() {
    check_case("no-partner-objective", 0);
}

#[test]
fn one_sided_commitments_counts_placeholders_as_nothing_but_not_casual() {
    check_case("one-sided-commitments", 0);
}

#[test]
fn no_plan_only_for_active_strategic_and_tactical_partners() {
    check_case("no-plan", 0);
}

#[test]
fn step_overdue_skips_done_due_today_and_ended_partners() {
    check_case("step-overdue", 0);
}

#[test]
fn no_champion_needs_high_influence_and_a_positive_attitude() {
    check_case("no-champion", 0);
}

#[test]
fn a_version_1_record_still_builds_with_only_the_new_warnings() {
    build_case("version-1-record", 0);
}

#[test]
fn deny_warnings_turns_lints_into_errors() {
    let out = partnerbook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(ui_site("no-objective"))
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("error[no-objective]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn lint_levels_from_configuration() {
    let s = Scratch::copy_of(&ui_site("vague-language"));
    s.write("partnerbook.yaml", "lints:\n  vague-language: deny\n");
    let out = s.build(&[]).code(1);
    assert!(stderr(&out).contains("error[vague-language]"));
    assert!(!s.public().exists(), "a rejected build writes nothing");

    s.write("partnerbook.yaml", "lints:\n  vague-language: allow\n");
    let out = s.build(&[]).code(0);
    assert!(!stderr(&out).contains("vague-language"), "{}", stderr(&out));
}

#[test]
fn tier_capacity_comes_from_configuration() {
    let s = Scratch::copy_of(&ui_site("tier-over-capacity"));
    s.write(
        "partnerbook.yaml",
        "tiers:\n  strategic: { max_partners: 3 }\n",
    );
    let out = s.build(&[]).code(0);
    assert!(
        !stderr(&out).contains("tier-over-capacity"),
        "{}",
        stderr(&out)
    );
}

// the lists of lints in files users read are made from the table in
// src/lint.rs, so adding a lint there is enough (issue 19)

/// `doc` without Markdown's backticks, for text that is not Markdown.
fn plain(doc: &str) -> String {
    doc.replace('`', "")
}

#[test]
fn the_lint_index_of_the_docs_is_made_from_the_table() {
    let mut index = String::from("| Code | Default | Fires when |\n|---|---|---|\n");
    for lint in Lint::ALL {
        let name = lint.name();
        index.push_str(&format!(
            "| [`{name}`](#{name}) | {} | {} |\n",
            lint.default_level().name(),
            lint.doc()
        ));
    }
    generated_part(
        "docs/diagnostics.md",
        &[
            "<!-- lint index: made from src/lint.rs; `SNAPSHOTS=overwrite cargo test` rewrites it -->\n",
        ],
        "<!-- end of lint index -->",
        &index,
    );
    // each lint has its section there, which the index links to
    let docs = std::fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    for lint in Lint::ALL {
        assert!(
            docs.contains(&format!("\n### {}\n", lint.name())),
            "docs/diagnostics.md has no section `### {}`",
            lint.name()
        );
    }
}

#[test]
fn the_lints_block_init_writes_is_made_from_the_table() {
    let entries = Lint::ALL.map(|l| format!("{}: {}", l.name(), l.default_level().name()));
    let width = entries.iter().map(String::len).max().unwrap();
    let block: Vec<String> = Lint::ALL
        .iter()
        .zip(&entries)
        .map(|(lint, entry)| format!("  {entry:width$}   # {}", plain(lint.doc())))
        .collect();
    generated_part(
        "src/scaffold/config.yaml",
        &["\nlints:\n"],
        "\n\n",
        &block.join("\n"),
    );
}

/// The JSON of one lint's setting in the configuration schema.
fn lint_schema(lint: Lint) -> String {
    let levels: Vec<String> = Level::ALL
        .iter()
        .map(|&l| {
            if l == lint.default_level() {
                format!("{} (default)", l.name())
            } else {
                l.name().to_string()
            }
        })
        .collect();
    let (last, first) = levels.split_last().unwrap();
    let description = format!(
        "Fires when {}. {} or {last}.",
        plain(lint.doc()),
        first.join(", ")
    );
    let choices: Vec<String> = Level::ALL
        .iter()
        .map(|l| format!("\n                \"{}\"", l.name()))
        .collect();
    // an empty setting is allowed by a reference, not by `null` among the
    // levels, so that editors do not offer `null` as a completion
    format!(
        r##"        "{name}": {{
          "title": "{name}",
          "description": {description},
          "anyOf": [
            {{
              "enum": [{choices}
              ]
            }},
            {{
              "$ref": "#/definitions/empty"
            }}
          ],
          "default": "{default}"
        }}"##,
        name = lint.name(),
        description = serde_json::to_string(&description).unwrap(),
        choices = choices.join(","),
        default = lint.default_level().name(),
    )
}

/// The JSON list of the lints' names, for the keys `lints` may have.
fn lint_names() -> String {
    let names: Vec<String> = Lint::ALL
        .iter()
        .map(|l| format!("\n          \"{}\"", l.name()))
        .collect();
    let (last, first) = Lint::ALL.split_last().unwrap();
    let first: Vec<&str> = first.iter().map(|l| l.name()).collect();
    format!(
        r#""enum": [{}
        ],
        "errorMessage": "not a key of lints: write {} or {}""#,
        names.join(","),
        first.join(", "),
        last.name()
    )
}

#[test]
fn the_lint_settings_of_the_configuration_schema_are_made_from_the_table() {
    let properties = Lint::ALL.map(lint_schema).join(",\n");
    // the schema in the binary, and the copy in schemas/ that init writes
    for file in [
        "src/schema/partnerbook.schema.json",
        "schemas/partnerbook.schema.json",
    ] {
        generated_part(
            file,
            &["\n    \"lints\": {\n", "\n      \"properties\": {\n"],
            "\n      },\n",
            &properties,
        );
        generated_part(
            file,
            &[
                "\n    \"lints\": {\n",
                "\n      \"propertyNames\": {\n",
                "\"description\": \"The keys lints may have.\",\n        ",
            ],
            "\n      }\n",
            &lint_names(),
        );
    }
}
