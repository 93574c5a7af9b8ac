//! `review-overdue`: the last review is older than the review cadence.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::{DEFAULT_REVIEW_DAYS, Status};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// The day the next review is due, if the record says when the last one was.
pub fn due(review: &crate::record::Review) -> Option<jiff::civil::Date> {
    let last = review.last?;
    let every = i64::try_from(review.every_days.unwrap_or(DEFAULT_REVIEW_DAYS)).ok()?;
    last.checked_add(jiff::Span::new().try_days(every).ok()?)
        .ok()
}

/// Fires for partners (not ended ones) whose review is past due on `today`.
pub(crate) fn check(site: &Site, today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site).filter(|p| p.status != Status::Ended) {
        let Some(review) = &p.review else { continue };
        let (Some(last), Some(due)) = (review.last, due(review)) else {
            continue;
        };
        if due >= today {
            continue;
        }
        let days = (today - last).get_days();
        let every = review.every_days.unwrap_or(DEFAULT_REVIEW_DAYS);
        let issue = Issue::new(
            Code::Lint(Lint::ReviewOverdue),
            vec![Seg::Key("review".into()), Seg::Key("last".into())],
            Target::Value,
            format!(
                "{} was last reviewed {days} days ago, more than its {every}-day cadence",
                p.name
            ),
            format!("review was due on {due}"),
            "review the partnership with its owner, then set `review.last` to that day",
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}
