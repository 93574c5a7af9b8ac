//! `tier-over-capacity`: a tier holds more partners than it can serve
//! ("everyone's strategic").

use super::{Finding, Scope};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::{Status, Tier};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Whole-site: it runs in every scope, since any partner's change can
/// move a tier over or under its capacity.
///
/// Fires once per over-full tier, at the first partner past capacity.
/// Ended partnerships do not take up a place.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, _scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for tier in Tier::ALL {
        let Some(max) = site.config.tier(tier).max_partners else {
            continue;
        };
        let members: Vec<_> = site
            .partners_in(tier)
            .filter(|p| p.status != Status::Ended)
            .collect();
        if members.len() as u64 <= max {
            continue;
        }
        let Some(first_over) = usize::try_from(max).ok().and_then(|m| members.get(m)) else {
            continue;
        };
        let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
        let issue = Issue::new(
            Code::Lint(Lint::TierOverCapacity),
            vec![Seg::Key("tier".into())],
            Target::Value,
            format!(
                "the {tier} tier holds {} partners, more than its capacity of {max}",
                members.len()
            ),
            format!("{} is partner {} of {max}", first_over.name, max + 1),
            format!(
                "move the partners you will not invest in to a lower tier, or raise `tiers.{tier}.max_partners` in partnerbook.yaml; the tier holds: {}",
                names.join(", ")
            ),
        );
        out.push(Finding::record(site, first_over.source, issue));
    }
    out
}
