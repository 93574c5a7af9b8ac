//! A partner's own edition (`build --partner SLUG`, SPEC 8.4): the site cut
//! down to what may be sent to that one partner. The cut is made on the
//! data, before anything is rendered: the pages, the feeds and the search
//! cannot show what is no longer there, so nothing internal or of another
//! partner can leak through a template that forgets to hide it.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::validate::{self, Finding};
use crate::playbook::Playbook;
use crate::record::{Partner, Tier};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Cuts `site` (already validated whole) down to the edition of the partner
/// `slug`: that partner alone, without its influence map, worksheet,
/// revenue goal and review; the playbooks marked `share: true` that apply
/// to it; its own tier's default rules. `Err` holds the site back when no
/// published partner has that slug.
pub fn narrow(mut site: Site, slug: &str) -> Result<Site, Box<Site>> {
    let Some(&index) = site.by_slug.get(slug) else {
        return Err(Box::new(site));
    };
    let shared: std::collections::HashSet<String> = shared_playbooks(&site, &site.partners[index])
        .map(|pb| pb.path.clone())
        .collect();
    site.playbooks.retain(|pb| shared.contains(&pb.path));
    let partner = private_fields_removed(site.partners.swap_remove(index));
    let tier = partner.tier;
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

/// Why there is no edition of `slug` in `site`, with the nearest slug:
/// `build --partner` stops with it (exit 2), and `serve --partner` shows
/// it when the partner's record goes away while it runs.
pub fn unknown_slug(site: &Site, slug: &str) -> String {
    let slugs: Vec<&str> = site.partners.iter().map(|p| p.slug.as_str()).collect();
    let help = match crate::yaml::decode::did_you_mean(slug, &slugs) {
        Some(s) => format!("did you mean `--partner {s}`?"),
        None if slugs.is_empty() => "the site has no published partner yet".to_string(),
        None => format!(
            "a partner's slug is its record's file name without `.yaml`: {}",
            slugs
                .iter()
                .take(10)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
                + if slugs.len() > 10 { ", ..." } else { "" }
        ),
    };
    format!("no published partner has the slug `{slug}`\n  help: {help}")
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

/// Every place where the edition of the partner `slug` would show the name
/// of another published partner: its own shared fields, its tier's rules
/// and the playbooks it would get. The edition is not built while there
/// is one: a text is not reworded behind its author's back, and a
/// playbook meant for the partner is not silently left out.
pub fn names_of_others(site: &Site, slug: &str) -> Vec<Diagnostic> {
    let Some(partner) = site.partner(slug) else {
        return Vec::new();
    };
    let others: Vec<&str> = site
        .partners
        .iter()
        .filter(|p| p.slug != slug)
        .map(|p| p.name.trim())
        .filter(|name| name.chars().any(char::is_alphanumeric))
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    let Ok(finder) = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&others)
    else {
        return Vec::new();
    };
    let found = |text: &str| -> Vec<(usize, usize, &str)> {
        finder
            .find_iter(text)
            .filter(|m| whole_words(text, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), others[m.pattern().as_usize()]))
            .collect()
    };
    let message = |other: &str| {
        format!(
            "the edition of {} would name another partner, {other}",
            partner.name
        )
    };
    let label = "another partner's name";
    let mut findings = Vec::new();
    // the partner's own fields that its edition shows
    let mut fields = partner.markdown_fields();
    fields.retain(|(path, _)| {
        matches!(path.first(), Some(Seg::Key(k)) if SHARED_FIELDS.contains(&k.as_str()))
    });
    for step in &partner.plan {
        if let Some(who) = &step.who {
            let path = vec![
                Seg::Key("plan".into()),
                Seg::Index(step.entry),
                Seg::Key("who".into()),
            ];
            fields.push((path, who));
        }
    }
    for (path, text) in fields {
        for (start, end, other) in found(text) {
            let issue = Issue::new(
                Code::NamesAnotherPartner,
                path.clone(),
                Target::Needle(text[start..end].to_string()),
                message(other),
                label,
                format!(
                    "an edition says nothing of other partners: reword this without naming {other}"
                ),
            );
            findings.push(Finding::record(site, partner.source, issue));
        }
    }
    // its tier's rules, where the partner does not replace them
    if let Some(source) = site.config_source {
        let own: Vec<&str> = partner
            .rules_of_engagement
            .iter()
            .map(|(topic, _)| topic.as_str())
            .collect();
        let tier = partner.tier.as_str();
        for (topic, rule) in &site.config.tier(partner.tier).rules_of_engagement {
            if own.contains(&topic.as_str()) {
                continue;
            }
            for (start, end, other) in found(rule) {
                let path = vec![
                    Seg::Key("tiers".into()),
                    Seg::Key(tier.into()),
                    Seg::Key("rules_of_engagement".into()),
                    Seg::Key(topic.clone()),
                ];
                let issue = Issue::new(
                    Code::NamesAnotherPartner,
                    path,
                    Target::Needle(rule[start..end].to_string()),
                    message(other),
                    label,
                    format!(
                        "every {tier} partner's edition shows this rule: reword it without naming {other}"
                    ),
                );
                findings.push(Finding::Yaml {
                    source,
                    yaml: 0..site.sources[source].text.len(),
                    issue,
                });
            }
        }
    }
    // the playbooks it gets
    let unshare = "an edition says nothing of other partners: reword this without naming it, or set `share: false` to keep the playbook out of editions";
    for pb in shared_playbooks(site, partner) {
        let front: Vec<(&str, &str)> = std::iter::once(("title", pb.title.as_str()))
            .chain(pb.summary.as_deref().map(|s| ("summary", s)))
            .collect();
        for (key, text) in front {
            for (start, end, other) in found(text) {
                let issue = Issue::new(
                    Code::NamesAnotherPartner,
                    vec![Seg::Key(key.into())],
                    Target::Needle(text[start..end].to_string()),
                    message(other),
                    label,
                    unshare,
                );
                findings.push(Finding::Yaml {
                    source: pb.source,
                    yaml: pb.yaml.clone(),
                    issue,
                });
            }
        }
        let file = &site.sources[pb.source];
        for (start, end, other) in found(site.body(pb)) {
            let at = pb.body.start;
            findings.push(Finding::Placed(Diagnostic::new(
                Code::NamesAnotherPartner,
                file,
                at + start..at + end,
                message(other),
                label,
                unshare,
            )));
        }
    }
    let mut out = validate::place(site, findings);
    crate::diagnostic::sort(&mut out);
    out
}

/// The fields of a record that its edition shows, by their first key.
const SHARED_FIELDS: &[&str] = &[
    "proposition",
    "target_market",
    "commitments",
    "rules_of_engagement",
    "plan",
];

/// The playbooks the edition of `partner` holds: marked `share: true`, and
/// naming the partner or its tier.
fn shared_playbooks<'s>(
    site: &'s Site,
    partner: &'s Partner,
) -> impl Iterator<Item = &'s Playbook> {
    site.playbooks_for(partner).filter(|pb| pb.share)
}

/// Whether `text[start..end]` is whole words: no letter or digit just
/// before or after it.
fn whole_words(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric();
    text[..start].chars().next_back().is_none_or(|c| !word(c))
        && text[end..].chars().next().is_none_or(|c| !word(c))
}
