//! `no-commitments`: a strategic or tactical partnership that nobody puts
//! resources into.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::Tier;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for strategic and tactical partners with no commitment on either side.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    scope.partners(site)
        .filter(|p| p.tier != Tier::Casual && p.commitments.ours.is_empty() && p.commitments.theirs.is_empty())
        .map(|p| {
            let issue = Issue::new(
                Code::Lint(Lint::NoCommitments),
                vec![Seg::Key("commitments".into())],
                // the key when written (empty), else the top of the record
                Target::Key,
                format!("{} is a {} partner but neither side commits any resources", p.name, p.tier),
                "no resources committed",
                "list the people, time or budget each side dedicates: `commitments: { ours: [Partner engineer at 50%], theirs: [Offering manager] }`",
            );
            Finding::record(site, p.source, issue)
        })
        .collect()
}
