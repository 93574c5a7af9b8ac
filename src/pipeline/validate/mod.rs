//! Checks that need the whole site: `@/` links, and the lints. One rule per
//! file; each returns findings, and this module places them in the text.
//!
//! The lint rules are not listed here: the table in [`crate::lint`] names
//! each rule's module, and `lint_rules!` below turns it into the `mod`
//! declarations and the list [`run`] goes through.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic};
use crate::lint::{self, Level, Lint};
use crate::playbook::Playbook;
use crate::record::Partner;
use crate::site::Site;
use crate::yaml::{self, Issue};

pub(crate) mod links;
mod plan_dates;

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

/// Whether `text`, a partner record, writes `key` at its top level in
/// block style (`key:` at the start of a line). Lints use it to point at an
/// empty field when it is written, and elsewhere when it is not, without
/// parsing the record again; a record in flow style gets the elsewhere.
pub(crate) fn written_at_top(text: &str, key: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'))
    })
}

/// Which files a run checks: all of them, or (for `serve`'s incremental
/// rebuilds) only some. Whole-site rules like `tier-over-capacity` run in
/// every scope.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every file.
    All,
    /// Only the files with these indexes in the site's sources.
    Sources(HashSet<usize>),
}

impl Scope {
    /// Whether the file `source` is checked.
    pub fn has(&self, source: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Sources(set) => set.contains(&source),
        }
    }

    /// The partners whose records are checked.
    pub fn partners<'s>(&'s self, site: &'s Site) -> impl Iterator<Item = &'s Partner> + 's {
        site.partners.iter().filter(|p| self.has(p.source))
    }

    /// The playbooks that are checked.
    pub fn playbooks<'s>(&'s self, site: &'s Site) -> impl Iterator<Item = &'s Playbook> + 's {
        site.playbooks.iter().filter(|p| self.has(p.source))
    }
}

/// The codes whose findings depend on the whole site, not one file: an
/// incremental run replaces all of them.
pub const WHOLE_SITE: [Code; 1] = [Code::Lint(Lint::TierOverCapacity)];

/// What a lint rule looks like.
type Rule = fn(&Site, jiff::civil::Date, &Scope) -> Vec<Finding>;

/// Declares the module of each lint of the table, and `LINTS`: each lint
/// with its module's `check`, so a lint set to `allow` costs nothing.
macro_rules! lint_rules {
    ($(($variant:ident, $name:literal, $level:ident, $module:ident, $doc:literal)),* $(,)?) => {
        $(mod $module;)*

        /// The lints, in the order of the table, each with its rule.
        const LINTS: [(Lint, Rule); Lint::ALL.len()] = [$((Lint::$variant, $module::check)),*];
    };
}
lint::for_each_lint!(lint_rules);

/// Runs every site-wide check and lint on the files of `scope`.
pub fn run(site: &Site, today: jiff::civil::Date, scope: &Scope) -> Vec<Diagnostic> {
    let mut findings = links::check(site, scope);
    findings.extend(plan_dates::check(site, today, scope));
    for (lint, rule) in LINTS {
        if site.config.lint_level(lint) != Level::Allow {
            findings.extend(rule(site, today, scope));
        }
    }
    place(site, findings)
}

/// Turns findings into diagnostics, building each file's span index once.
pub(crate) fn place(site: &Site, findings: Vec<Finding>) -> Vec<Diagnostic> {
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
