//! Every error code: a fixture site under tests/ui/<case>/in with one kind
//! of problem, its exact diagnostics in tests/ui/<case>/stderr.txt, and the
//! exit code. `SNAPSHOTS=overwrite cargo test` rewrites the expected text
//! after an intended change; review the diff.

use crate::support::{build_case, check_case};

#[test]
fn missing_partner_benefit_placeholder() {
    check_case("missing-partner-benefit-placeholder", 1);
}

#[test]
fn missing_partner_benefit_absent_points_at_proposition() {
    check_case("missing-partner-benefit-absent", 1);
}

#[test]
fn missing_partner_benefit_empty() {
    check_case("missing-partner-benefit-empty", 1);
}

#[test]
fn missing_field_absent_and_blank() {
    check_case("missing-field", 1);
}

#[test]
fn invalid_yaml_points_at_the_parser_position() {
    check_case("invalid-yaml", 1);
}

#[test]
fn unknown_field_suggests_the_closest() {
    check_case("unknown-field", 1);
}

#[test]
fn invalid_value_for_enums_types_and_dates() {
    check_case("invalid-value", 1);
}

#[test]
fn duplicate_slug_from_names_that_normalise_alike() {
    check_case("duplicate-slug", 1);
}

#[test]
fn broken_links_in_records_front_matter_and_bodies() {
    check_case("broken-link", 1);
}

#[test]
fn unknown_person_in_relationships() {
    check_case("unknown-person", 1);
}

#[test]
fn template_syntax_error_names_template_and_line() {
    check_case("template", 1);
}

#[test]
fn template_render_error_names_template_and_line() {
    // only a build renders, so only a build finds errors that happen while rendering
    build_case("template-render", 1);
}

#[test]
fn bad_configuration_exits_with_2() {
    check_case("bad-config", 2);
}

#[test]
fn broken_link_in_a_tier_rule_of_the_configuration() {
    let s = crate::support::Scratch::copy_of(&crate::support::fixture("minimal"));
    s.write("partnerbook.yaml", "tiers:\n  casual:\n    rules_of_engagement:\n      engagement: Follow [the playbook](@/playbooks/nope).\n");
    let out = s.build(&[]).code(1);
    assert!(
        crate::support::stderr(&out).contains("error[broken-link]: the link `@/playbooks/nope` leads nowhere\n --> partnerbook.yaml:4:41"),
        "{}",
        crate::support::stderr(&out)
    );
}

#[test]
fn unknown_front_matter_field_names_the_front_matter() {
    let s = crate::support::Scratch::copy_of(&crate::support::fixture("minimal"));
    s.write(
        "content/playbooks/first-call.md",
        "---\ntitle: T\nauthor: me\n---\nBody\n",
    );
    let out = s.build(&[]).code(1);
    assert!(crate::support::stderr(&out).contains("unknown field `author` in the front matter"));
}

#[test]
fn plan_steps_need_their_text_owner_and_a_real_due_date_and_are_not_done_in_the_future() {
    check_case("plan-step", 1);
}
