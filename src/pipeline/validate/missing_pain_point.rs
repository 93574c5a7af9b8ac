//! `missing-pain-point`: a strategic or tactical partnership that names no
//! business problem it solves. The seeds' warning: a partnership that
//! solves no pain point for its customers does not last.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::{Tier, is_placeholder};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for strategic and tactical partners whose `proposition.pain_point`
/// is absent, blank or a placeholder (`TBD`, `n/a`).
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site).filter(|p| p.tier != Tier::Casual) {
        let (target, label) = match &p.proposition.pain_point {
            None => (
                // the key when written (blank), else `proposition:`, where
                // the field goes
                Target::Key,
                "no pain point in this proposition",
            ),
            Some(text) if is_placeholder(text) => {
                (Target::Value, "a placeholder is not a pain point")
            }
            Some(_) => continue,
        };
        let issue = Issue::new(
            Code::Lint(Lint::MissingPainPoint),
            vec![Seg::Key("proposition".into()), Seg::Key("pain_point".into())],
            target,
            format!(
                "{} is a {} partner but names no pain point the partnership solves",
                p.name, p.tier
            ),
            label,
            "say which problem of your mutual customers the partnership takes away, e.g. `pain_point: Claims wait weeks because adjusters re-type every form`",
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}
