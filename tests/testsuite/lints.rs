//! Every lint: a fixture that fires it (a warning, exit 0), and the levels
//! `deny`, `allow` and `--deny-warnings`.

use crate::support::{Scratch, check_case, partnerbook, stderr, ui_site};

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
fn review_overdue_with_default_cadence() {
    check_case("review-overdue", 0);
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
