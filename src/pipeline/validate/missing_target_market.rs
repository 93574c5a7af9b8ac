//! `missing-target-market`: a strategic or tactical partner that names no
//! market to go after together.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::Tier;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for strategic and tactical partners without `target_market`.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    scope.partners(site)
        .filter(|p| p.tier != Tier::Casual && p.target_market.is_none())
        .map(|p| {
            let issue = Issue::new(
                Code::Lint(Lint::MissingTargetMarket),
                vec![Seg::Key("target_market".into())],
                Target::Absent,
                format!("{} is a {} partner but names no target market", p.name, p.tier),
                "no `target_market` in this record",
                "name the specific market the partnership goes after, e.g. `target_market: Mid-size insurers in the Nordics`",
            );
            Finding::record(site, p.source, issue)
        })
        .collect()
}
