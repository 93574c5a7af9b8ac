//! `no-partner-objective`: a strategic or tactical partnership that says
//! why we invest in it but not why the partner would. Both sides have to
//! answer "why bother?", or one of them stops bothering.

use super::{Finding, Scope, written_at_top};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::Tier;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for strategic and tactical partners with no `partner_objectives`.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope
        .partners(site)
        .filter(|p| p.tier != Tier::Casual && p.partner_objectives.is_empty())
    {
        let text = &site.sources[p.source].text;
        // the most useful line: the empty list when written, else our own
        // objectives (theirs go beside them), else the tier that asks for it
        let (key, target, label) = if written_at_top(text, "partner_objectives") {
            ("partner_objectives", Target::Key, "no objective of the partner")
        } else if !p.objectives.is_empty() {
            ("objectives", Target::Key, "our reasons; the partner's are missing")
        } else {
            ("tier", Target::Value, "this tier asks for the partner's reasons")
        };
        let issue = Issue::new(
            Code::Lint(Lint::NoPartnerObjective),
            vec![Seg::Key(key.into())],
            target,
            format!(
                "{} is a {} partner but the record does not say why {} invests in it",
                p.name, p.tier, p.name
            ),
            label,
            "ask the partner what it wants from the partnership and write it down: `partner_objectives: [faster-sales]` (or market-share, market-access, value-chain-power)",
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}
