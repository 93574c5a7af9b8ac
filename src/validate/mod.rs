//! Checks that need the whole site: `@/` links, and the lints. One rule per
//! file; each returns findings, and this module places them in the text.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::config::Level;
use crate::diagnostic::{Code, Diagnostic};
use crate::site::Site;
use crate::yaml::{self, Issue};

mod goal_without_market;
mod links;
mod missing_target_market;
mod no_commitments;
mod no_objective;
mod review_overdue;

pub use review_overdue::due as review_due;
mod tier_over_capacity;
mod vague_language;

/// A problem found by a rule.
#[derive(Debug)]
pub enum Finding {
    /// About a YAML node: in the record `source`, or in the front matter at
    /// `yaml` of a playbook.
    Yaml {
        /// Index of the file in the site's sources.
        source: usize,
        /// The YAML's byte range in that file.
        yaml: Range<usize>,
        /// What and where.
        issue: Issue,
    },
    /// Already placed (Markdown bodies).
    Placed(Diagnostic),
}

impl Finding {
    /// A finding about a partner record (the whole file is YAML).
    pub fn record(site: &Site, source: usize, issue: Issue) -> Finding {
        Finding::Yaml {
            source,
            yaml: 0..site.sources[source].text.len(),
            issue,
        }
    }
}

/// What a lint rule looks like.
type Rule = fn(&Site, jiff::civil::Date) -> Vec<Finding>;

/// The lints, each with its code, so a lint set to `allow` costs nothing.
const LINTS: [(Code, Rule); 7] = [
    (Code::TierOverCapacity, tier_over_capacity::check),
    (Code::GoalWithoutMarket, goal_without_market::check),
    (Code::MissingTargetMarket, missing_target_market::check),
    (Code::VagueLanguage, vague_language::check),
    (Code::NoCommitments, no_commitments::check),
    (Code::NoObjective, no_objective::check),
    (Code::ReviewOverdue, review_overdue::check),
];

/// Runs every site-wide check and lint on `site`.
pub fn run(site: &Site, today: jiff::civil::Date) -> Vec<Diagnostic> {
    let mut findings = links::check(site);
    for (code, rule) in LINTS {
        if site.config.lint_level(code) != Level::Allow {
            findings.extend(rule(site, today));
        }
    }
    place(site, findings)
}

/// Turns findings into diagnostics, building each file's span index once.
fn place(site: &Site, findings: Vec<Finding>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut by_file: BTreeMap<(usize, usize, usize), Vec<Issue>> = BTreeMap::new();
    for finding in findings {
        match finding {
            Finding::Placed(d) => out.push(d),
            Finding::Yaml {
                source,
                yaml,
                issue,
            } => by_file
                .entry((source, yaml.start, yaml.end))
                .or_default()
                .push(issue),
        }
    }
    for ((source, start, end), issues) in by_file {
        let file = &site.sources[source];
        out.extend(yaml::diagnostics(
            file,
            &file.text[start..end],
            start,
            issues,
        ));
    }
    out
}
