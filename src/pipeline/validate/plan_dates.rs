//! A plan step marked done on a day that has not come yet: `invalid-value`.
//! It needs the build date, so it runs with the site-wide checks rather
//! than when the record is decoded.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for every step of the partners in `scope` whose `done` is after
/// `today`.
pub(crate) fn check(site: &Site, today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site) {
        for step in &p.plan {
            let Some(done) = step.done.filter(|&d| d > today) else {
                continue;
            };
            let issue = Issue::new(
                Code::InvalidValue,
                vec![
                    Seg::Key("plan".into()),
                    Seg::Index(step.entry),
                    Seg::Key("done".into()),
                ],
                Target::Value,
                format!(
                    "a step of {} is marked done on {done}, after today ({today})",
                    p.name
                ),
                "this day has not come yet",
                "set `done` to the day the step was done, or remove it until then",
            );
            out.push(Finding::record(site, p.source, issue));
        }
    }
    out
}
