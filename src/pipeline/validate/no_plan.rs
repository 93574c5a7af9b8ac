//! `no-plan`: an active strategic or tactical partnership with no joint
//! plan. The agreement is where the work begins, not where it ends.

use super::{Finding, Scope, written_at_top};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::{Status, Tier};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for active strategic and tactical partners without a plan step.
/// Prospects are still deciding whether to partner at all, and paused or
/// ended partners have no work under way: none of them needs a plan yet
/// (or any more).
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site).filter(|p| {
        p.status == Status::Active && p.tier != Tier::Casual && p.plan.is_empty()
    }) {
        let text = &site.sources[p.source].text;
        // the empty list when written, else the tier that asks for a plan
        let (key, target, label) = if written_at_top(text, "plan") {
            ("plan", Target::Key, "no step in this plan")
        } else {
            ("tier", Target::Value, "an active partner of this tier needs a plan")
        };
        let issue = Issue::new(
            Code::Lint(Lint::NoPlan),
            vec![Seg::Key(key.into())],
            target,
            format!(
                "{} is an active {} partner but has no joint plan",
                p.name, p.tier
            ),
            label,
            "write the first steps after the handshake, each with its side and date: `plan: [{ step: Train two sales engineers, owner: ours, due: 2027-03-01 }]`",
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}
