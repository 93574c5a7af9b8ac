//! The site and the navigation, as every page sees them.

use serde::Serialize;

use super::{Link, Views, title_text};
use crate::record::Tier;

/// The site, as every page sees it.
#[derive(Serialize)]
pub(crate) struct SiteView<'a> {
    /// `title` from the configuration.
    pub(crate) title: &'a str,
    /// `title` without bidi controls, for `<title>`: it cannot hold the
    /// `<bdi>` that isolates the title in the page.
    pub(crate) title_text: String,
    /// `description` from the configuration.
    pub(crate) description: Option<&'a str>,
    /// `base_url`, when set.
    pub(crate) base_url: Option<&'a str>,
    /// "partnerbook 0.1.0".
    pub(crate) generator: String,
    /// Whether this is a partner's edition: no site navigation, no links
    /// to the lists and files an edition does not have.
    pub(crate) edition: bool,
    /// `our_name` from the configuration.
    pub(crate) our_name: Option<&'a str>,
}

/// Links every page's header and footer need.
#[derive(Serialize)]
pub(crate) struct Nav {
    /// The portfolio.
    pub(crate) home: String,
    /// The playbook list.
    pub(crate) playbooks: String,
    /// What needs attention.
    pub(crate) attention: String,
    /// The search box, on the portfolio.
    pub(crate) search: String,
    /// The three tier pages.
    pub(crate) tiers: Vec<Link>,
    /// The stylesheet.
    pub(crate) stylesheet: String,
    /// The search script and its index.
    pub(crate) search_script: String,
    /// The search index.
    pub(crate) search_index: String,
    /// The script that shows the worksheet's print button.
    pub(crate) print_script: String,
}

impl<'a> Views<'a> {
    /// The site view.
    pub(crate) fn site_view(&self) -> SiteView<'a> {
        let c = &self.site.config;
        SiteView {
            title: &c.title,
            title_text: title_text(&c.title),
            description: c.description.as_deref(),
            base_url: c.base_url.as_deref(),
            generator: format!("partnerbook {}", env!("CARGO_PKG_VERSION")),
            edition: self.site.edition.is_some(),
            our_name: c.our_name.as_deref(),
        }
    }

    /// The navigation links.
    pub(crate) fn nav(&self) -> Nav {
        Nav {
            home: self.url(""),
            playbooks: self.url("playbooks"),
            attention: self.url("attention"),
            search: format!("{}#search", self.url("")),
            tiers: Tier::ALL.map(|t| self.tier_link(t)).to_vec(),
            stylesheet: self.file("style.css"),
            search_script: self.file("search.js"),
            search_index: self.file("search-index.js"),
            print_script: self.file("print.js"),
        }
    }

    pub(super) fn tier_link(&self, tier: Tier) -> Link {
        Link {
            title: tier.label().to_string(),
            url: self.url(&format!("tiers/{tier}")),
            name: tier.as_str().to_string(),
        }
    }
}
