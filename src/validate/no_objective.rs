//! `no-objective`: a partnership with no stated reason to invest in it.

use super::Finding;
use crate::diagnostic::Code;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for every partner without an objective.
pub fn check(site: &Site, _today: jiff::civil::Date) -> Vec<Finding> {
    site.partners
        .iter()
        .filter(|p| p.objectives.is_empty())
        .map(|p| {
            let file = &site.sources[p.source].text;
            let target = if file.contains("objectives:") { Target::Key } else { Target::Absent };
            let issue = Issue::new(
                Code::NoObjective,
                vec![Seg::Key("objectives".into())],
                target,
                format!("{} names no objective: why invest in it?", p.name),
                "no objective",
                "name at least one: `objectives: [market-share]` (or market-access, faster-sales, value-chain-power)",
            );
            Finding::record(site, p.source, issue)
        })
        .collect()
}
