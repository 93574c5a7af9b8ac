//! A partner's own edition (`build --partner SLUG`, SPEC 8.4): the site cut
//! down to what may be sent to that one partner. The cut is made on the
//! data, before anything is rendered: the pages, the feeds and the search
//! cannot show what is no longer there, so nothing internal or of another
//! partner can leak through a template that forgets to hide it.

use crate::record::{Partner, Tier};
use crate::site::Site;

/// Cuts `site` (already validated whole) down to the edition of the partner
/// `slug`: that partner alone, without its influence map, worksheet,
/// revenue goal and review; the playbooks marked `share: true` that apply
/// to it; its own tier's default rules. `Err` holds the site back when no
/// published partner has that slug.
pub fn narrow(mut site: Site, slug: &str) -> Result<Site, Site> {
    let Some(&index) = site.by_slug.get(slug) else {
        return Err(site);
    };
    let partner = private_fields_removed(site.partners.swap_remove(index));
    let tier = partner.tier;
    site.playbooks.retain(|pb| {
        pb.share && (pb.tiers.contains(&tier) || pb.partners.iter().any(|s| s == slug))
    });
    // the other tiers' rules are never shown, and files they link must not
    // be copied into the edition
    for other in Tier::ALL.into_iter().filter(|&t| t != tier) {
        site.config.tiers[other as usize]
            .rules_of_engagement
            .clear();
    }
    // the edition is sent away: the intranet's address and the internal
    // site's title and description stay home
    site.config.base_url = None;
    site.config.title = site.config.edition_title(&partner.name);
    site.config.description = None;
    site.partners = vec![partner];
    site.targets.partners = site.partners.iter().map(|p| p.slug.clone()).collect();
    site.targets.playbooks = site.playbooks.iter().map(|pb| pb.path.clone()).collect();
    site.targets.edition = true;
    site.edition = Some(slug.to_string());
    site.reindex();
    Ok(site)
}

/// `partner` without what is only for us: the influence map (names,
/// titles, attitudes, styles), the worksheet, the revenue goal, the review
/// and the labels we file it under.
fn private_fields_removed(mut partner: Partner) -> Partner {
    partner.influence_map.clear();
    partner.worksheet = Default::default();
    partner.revenue_goal = None;
    partner.review = None;
    partner.tags.clear();
    partner.summary = None;
    partner
}
