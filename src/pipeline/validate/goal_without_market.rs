//! `goal-without-market`: a revenue goal with no target market to earn it in.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for every partner with `revenue_goal` and no `target_market`.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    scope.partners(site)
        .filter(|p| p.revenue_goal.is_some() && p.target_market.is_none())
        .map(|p| {
            let issue = Issue::new(
                Code::Lint(Lint::GoalWithoutMarket),
                vec![Seg::Key("revenue_goal".into())],
                Target::Value,
                format!("{} has a revenue goal but no target market", p.name),
                "a goal with no market to reach it in",
                "add `target_market:` naming the customers you will sell to together, or drop the goal until you know them",
            );
            Finding::record(site, p.source, issue)
        })
        .collect()
}
