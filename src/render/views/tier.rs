//! A tier's page: the tier, its partners and its default rules of
//! engagement.

use serde::Serialize;

use super::Views;
use super::partner::PartnerSummary;
use crate::record::{Partner, Status, Tier};

/// A tier with its partners.
#[derive(Serialize)]
pub(crate) struct TierView {
    /// `strategic`, `tactical` or `casual`.
    pub(crate) name: &'static str,
    /// "Strategic".
    pub(crate) label: &'static str,
    /// What the tier is for.
    pub(crate) description: &'static str,
    /// The tier page.
    pub(crate) url: String,
    /// Partners that take a place (all but ended ones).
    pub(crate) count: usize,
    /// `max_partners`, if any.
    pub(crate) capacity: Option<u64>,
    /// Whether `count` exceeds `capacity`.
    pub(crate) over_capacity: bool,
    /// Every partner of the tier, ended ones included.
    pub(crate) partners: Vec<PartnerSummary>,
    /// The tier's default rules of engagement.
    pub(crate) rules: Vec<RuleView>,
}

/// One rule of engagement.
#[derive(Serialize)]
pub(crate) struct RuleView {
    /// The topic key, `lead_sharing`.
    pub(crate) topic: String,
    /// The topic for people, "Lead sharing".
    pub(crate) title: String,
    /// The rule, HTML.
    pub(crate) html: String,
    /// `tier`, `partner` or `override`.
    pub(crate) source: &'static str,
    /// Where the rule comes from, for people.
    pub(crate) source_label: String,
}

/// "lead_sharing" → "Lead sharing".
pub(crate) fn topic_title(topic: &str) -> String {
    let spaced = topic.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl<'a> Views<'a> {
    /// A tier with its partners and rules.
    pub(crate) fn tier(&self, tier: Tier) -> TierView {
        let settings = self.site.config.tier(tier);
        let partners: Vec<&Partner> = self.site.partners_in(tier).collect();
        let count = partners
            .iter()
            .filter(|p| p.status != Status::Ended)
            .count();
        TierView {
            name: tier.as_str(),
            label: tier.label(),
            description: tier.description(),
            url: self.url(&format!("tiers/{tier}")),
            count,
            capacity: settings.max_partners,
            over_capacity: settings.max_partners.is_some_and(|m| count as u64 > m),
            partners: partners.iter().map(|p| self.partner_summary(p)).collect(),
            rules: settings
                .rules_of_engagement
                .iter()
                .map(|(topic, rule)| RuleView {
                    topic: topic.clone(),
                    title: topic_title(topic),
                    html: self.config_inline(rule),
                    source: "tier",
                    source_label: format!("{} tier default", tier.label()),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_titles() {
        assert_eq!(topic_title("lead_sharing"), "Lead sharing");
        assert_eq!(topic_title("deal-registration"), "Deal registration");
        assert_eq!(topic_title(""), "");
    }
}
