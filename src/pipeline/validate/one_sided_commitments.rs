//! `one-sided-commitments`: a strategic or tactical partnership where only
//! one side puts resources in. The value equation is out of balance: one
//! side does the work while the other waits for results.

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::{Tier, is_placeholder};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Whether a side's list commits anything: blank items are dropped when
/// the record is read, and a placeholder (`TBD`) commits nothing.
fn commits(items: &[String]) -> bool {
    items.iter().any(|item| !is_placeholder(item))
}

/// Fires for strategic and tactical partners where exactly one side
/// commits resources. Neither side is `no-commitments`' case.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site).filter(|p| p.tier != Tier::Casual) {
        let c = &p.commitments;
        let (side, message, label, help) = match (commits(&c.ours), commits(&c.theirs)) {
            (true, false) => (
                "ours",
                format!(
                    "only we commit resources to {}: {} commits nothing in return",
                    p.name, p.name
                ),
                "only our side commits",
                format!(
                    "agree what {} dedicates too (people, time, budget) and list it: `theirs: [A presales engineer two days a week]`",
                    p.name
                ),
            ),
            (false, true) => (
                "theirs",
                format!(
                    "only {} commits resources to the partnership: we commit nothing in return",
                    p.name
                ),
                "only the partner's side commits",
                "say what we dedicate in return (people, time, budget) and list it: `ours: [A partner manager, co-marketing budget]`".to_string(),
            ),
            _ => continue,
        };
        let issue = Issue::new(
            Code::Lint(Lint::OneSidedCommitments),
            // the side that has items: the other one is beside it, or missing
            vec![Seg::Key("commitments".into()), Seg::Key(side.into())],
            Target::Key,
            message,
            label,
            help,
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}
