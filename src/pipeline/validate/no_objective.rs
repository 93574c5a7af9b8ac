//! `no-objective`: a partnership with no stated reason to invest in it.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for every partner without an objective.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    scope.partners(site)
        .filter(|p| p.objectives.is_empty())
        .map(|p| {
            let issue = Issue::new(
                Code::Lint(Lint::NoObjective),
                vec![Seg::Key("objectives".into())],
                // the key when written (empty), else the top of the record
                Target::Key,
                format!("{} names no objective: why invest in it?", p.name),
                "no objective",
                "name at least one: `objectives: [market-share]` (or market-access, faster-sales, value-chain-power)",
            );
            Finding::record(site, p.source, issue)
        })
        .collect()
}
