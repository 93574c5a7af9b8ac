//! A playbook's page, and a playbook as a list entry.

use serde::Serialize;

use super::{Link, Views, title_text};
use crate::markdown::{self, TocEntry};
use crate::playbook::Playbook;

/// A playbook in a list.
#[derive(Serialize)]
pub(crate) struct PlaybookSummary {
    /// The title.
    pub(crate) title: String,
    /// The page.
    pub(crate) url: String,
    /// The summary, inline HTML.
    pub(crate) summary_html: Option<String>,
    /// Tiers it applies to.
    pub(crate) tiers: Vec<Link>,
    /// Partners it applies to.
    pub(crate) partners: Vec<Link>,
}

/// A playbook, whole.
#[derive(Serialize)]
pub(crate) struct PlaybookView {
    /// Title, summary, links.
    #[serde(flatten)]
    pub(crate) summary: PlaybookSummary,
    /// The title without bidi controls, for attributes.
    pub(crate) title_text: String,
    /// The body, HTML.
    pub(crate) content_html: String,
    /// The table of contents.
    pub(crate) toc: Vec<TocEntry>,
}

impl<'a> Views<'a> {
    pub(super) fn playbook_link(&self, pb: &Playbook) -> Link {
        Link {
            title: pb.title.clone(),
            url: self.url(&format!("playbooks/{}", pb.path)),
            name: pb.path.clone(),
        }
    }

    /// Playbooks as list entries, in the order given.
    pub(crate) fn playbook_summaries<'p>(
        &self,
        list: impl Iterator<Item = &'p Playbook>,
    ) -> Vec<PlaybookSummary> {
        list.map(|pb| self.playbook_summary(pb)).collect()
    }

    /// A playbook as a list entry.
    pub(crate) fn playbook_summary(&self, pb: &Playbook) -> PlaybookSummary {
        let partner_links = pb
            .partners
            .iter()
            .filter_map(|slug| self.site.partner(slug))
            .map(|p| Link {
                title: p.name.clone(),
                url: self.url(&format!("partners/{}", p.slug)),
                name: p.slug.clone(),
            })
            .collect();
        PlaybookSummary {
            title: pb.title.clone(),
            url: self.url(&format!("playbooks/{}", pb.path)),
            summary_html: pb
                .summary
                .as_deref()
                .map(|s| markdown::render_line(s, &self.md_in(self.folder(pb)))),
            tiers: pb.tiers.iter().map(|t| self.tier_link(*t)).collect(),
            partners: partner_links,
        }
    }

    /// A playbook, whole.
    pub(crate) fn playbook(&self, pb: &Playbook) -> PlaybookView {
        let rendered = markdown::render(self.site.body(pb), &self.md_in(self.folder(pb)));
        PlaybookView {
            summary: self.playbook_summary(pb),
            title_text: title_text(&pb.title),
            content_html: rendered.html,
            toc: rendered.toc,
        }
    }
}
