//! The plain data model of a site, as [`crate::pipeline`] produces it and
//! [`crate::render`] reads it: the configuration, every content file, and
//! the partners and playbooks decoded from them.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::markdown::Targets;
use crate::playbook::Playbook;
use crate::record::{Partner, Tier};
use crate::source::SourceFile;

/// A loaded site: everything the renderer needs, nothing it must compute again.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// The resolved configuration.
    pub config: Config,
    /// Every content file read, indexed by `Partner::source` and `Playbook::source`.
    pub sources: Vec<SourceFile>,
    /// Published partners, by tier, then name.
    pub partners: Vec<Partner>,
    /// Published playbooks, by weight, then title.
    pub playbooks: Vec<Playbook>,
    /// The pages `@/` links can reach.
    pub targets: Targets,
    /// Index into `partners` by slug.
    pub by_slug: HashMap<String, usize>,
    /// Index of partnerbook.yaml in `sources`, when the site has one.
    pub config_source: Option<usize>,
    /// For each partner slug, the playbooks (indexes into `playbooks`, in
    /// order) that name it or its tier: computed once, so a partner page
    /// does not scan every playbook.
    pub playbooks_by_partner: HashMap<String, Vec<usize>>,
    /// For a partner's own edition (`build --partner`), the partner's
    /// slug: the site then holds that partner alone, without what is
    /// internal, and only the playbooks it may see (see [`crate::edition`]).
    pub edition: Option<String>,
}

impl Site {
    /// The partners of `tier`, in display order.
    pub fn partners_in(&self, tier: Tier) -> impl Iterator<Item = &Partner> {
        self.partners.iter().filter(move |p| p.tier == tier)
    }

    /// The published partner with `slug`.
    pub fn partner(&self, slug: &str) -> Option<&Partner> {
        self.by_slug.get(slug).map(|&i| &self.partners[i])
    }

    /// The playbooks that name `partner` or its tier, in playbook order.
    pub fn playbooks_for(&self, partner: &Partner) -> impl Iterator<Item = &Playbook> {
        self.playbooks_by_partner
            .get(&partner.slug)
            .into_iter()
            .flatten()
            .map(|&i| &self.playbooks[i])
    }

    /// The playbooks that name `tier`, in playbook order.
    pub fn playbooks_in(&self, tier: Tier) -> impl Iterator<Item = &Playbook> {
        self.playbooks
            .iter()
            .filter(move |pb| pb.tiers.contains(&tier))
    }

    /// The Markdown body of a playbook.
    pub fn body(&self, playbook: &Playbook) -> &str {
        &self.sources[playbook.source].text[playbook.body.clone()]
    }
}

impl Site {
    /// Rebuilds the indexes over `partners` and `playbooks` after they changed.
    pub fn reindex(&mut self) {
        self.by_slug = self
            .partners
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        self.playbooks_by_partner = index_playbooks(&self.partners, &self.playbooks);
    }
}

/// Which playbooks apply to each partner: those naming it, and those
/// naming its tier. Linear in partners plus playbooks (plus output).
fn index_playbooks(partners: &[Partner], playbooks: &[Playbook]) -> HashMap<String, Vec<usize>> {
    let mut by_tier: [Vec<usize>; 3] = Default::default();
    let mut named: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, pb) in playbooks.iter().enumerate() {
        for tier in &pb.tiers {
            by_tier[*tier as usize].push(i);
        }
        for slug in &pb.partners {
            named.entry(slug.as_str()).or_default().push(i);
        }
    }
    partners
        .iter()
        .filter_map(|p| {
            let mut list = by_tier[p.tier as usize].clone();
            list.extend(named.get(p.slug.as_str()).into_iter().flatten());
            list.sort_unstable();
            list.dedup();
            (!list.is_empty()).then(|| (p.slug.clone(), list))
        })
        .collect()
}
