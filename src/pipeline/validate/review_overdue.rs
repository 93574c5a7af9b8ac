//! `review-overdue`: the last review is older than the review cadence (the
//! record's, or else its tier's).

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::attention::next_review as due;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for partners (not ended ones) whose review is past due on `today`.
pub(crate) fn check(site: &Site, today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site).filter(|p| crate::attention::is_live(p)) {
        let (Some(last), Some(due)) = (p.review.as_ref().and_then(|r| r.last), due(p, &site.config))
        else {
            continue;
        };
        if due >= today {
            continue;
        }
        let days = (today - last).get_days();
        let every = site.config.review_cadence(p).unwrap_or_default();
        let whose = if p.review.as_ref().and_then(|r| r.every_days).is_some() {
            String::new()
        } else {
            format!(" (the {} tier's)", p.tier)
        };
        let issue = Issue::new(
            Code::Lint(Lint::ReviewOverdue),
            vec![Seg::Key("review".into()), Seg::Key("last".into())],
            Target::Value,
            format!(
                "{} was last reviewed {days} days ago, more than its {every}-day cadence{whose}",
                p.name
            ),
            format!("review was due on {due}"),
            "review the partnership with its owner, then set `review.last` to that day",
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}
