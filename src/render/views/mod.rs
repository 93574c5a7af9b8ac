//! What templates see: plain, serialisable views of the site, one module
//! per kind of page. Every view is built for the page it is rendered into,
//! so every URL in it, and every link in its rendered Markdown, is already
//! relative to that page: a template writes `href="{{ partner.url }}"` and
//! the link works at a domain root, under a sub-path and from disk. A
//! partner's page and its worksheet, at different depths, share one parse
//! of the Markdown ([`PartnerPrep`]) and, without raw HTML, one view built
//! with [`ROOT_MARK`] for the root and placed for each page by `place`,
//! which names every field of every view type, so that a field added to a
//! view does not compile until someone decides how it is placed.
//!
//! Every text that came from Markdown is HTML, safe to print with `| safe`:
//! the fields ending in `_html`, and those documented as HTML (the
//! proposition, rules, commitments, worksheet answers, target market and
//! revenue goal). Every other string is plain text that Tera escapes.

use serde::Serialize;

use crate::markdown::{self, Context as MdContext};
use crate::playbook::Playbook;
use crate::site::Site;

mod attention;
mod grid;
mod influence;
mod partner;
mod place;
mod playbook;
mod site;
mod tier;
mod worksheet;

pub(crate) use partner::{Benefits, PartnerPrep, PartnerView};
pub(crate) use place::ROOT_MARK;
pub(crate) use tier::topic_title;

/// Builds views for pages at one depth of the site.
pub(crate) struct Views<'a> {
    /// The site.
    pub(crate) site: &'a Site,
    /// `""`, `"../"`, ...: the way from the page back to the site root.
    pub(crate) root: String,
    /// The date review status is computed for.
    pub(crate) today: jiff::civil::Date,
    /// Each partner's benefit as plain text, shared by every page.
    pub(crate) benefits: &'a Benefits,
}

/// `text` without bidi controls (the Unicode property Bidi_Control: U+061C,
/// U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), for a `<title>` or
/// an attribute, which cannot hold markup to isolate a name: a U+202E in a partner's name
/// would reverse the rest of the tab's text (issue 18). Right-to-left
/// letters are kept; the browser orders them by themselves.
pub(crate) fn title_text(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
        })
        .collect()
}

/// A link: text and URL.
#[derive(Serialize, Clone)]
pub(crate) struct Link {
    /// The text to show.
    pub(crate) title: String,
    /// The URL, relative to the page.
    pub(crate) url: String,
    /// A machine name (a tier's `strategic`), where there is one.
    pub(crate) name: String,
}

impl<'a> Views<'a> {
    /// How to render a partner record's Markdown: its relative links start
    /// from content/partners/.
    fn md(&self) -> MdContext<'_> {
        self.md_in(markdown::PARTNER_BASE)
    }

    /// How to render Markdown whose relative links start from `base`, a
    /// folder below content/.
    fn md_in<'b>(&'b self, base: &'b str) -> MdContext<'b> {
        MdContext {
            root: &self.root,
            targets: &self.site.targets,
            allow_html: self.site.config.allow_html,
            base,
        }
    }

    /// The folder of a playbook's file below content/.
    fn folder(&self, pb: &Playbook) -> &str {
        markdown::folder_of(&self.site.sources[pb.source].path)
    }

    /// Markdown of a partner record to HTML, block level.
    pub(crate) fn html(&self, md: &str) -> String {
        markdown::render(md, &self.md()).html
    }

    /// Markdown of a partner record to HTML, a single paragraph unwrapped.
    pub(crate) fn inline(&self, md: &str) -> String {
        markdown::render_inline(md, &self.md())
    }

    /// Markdown of the configuration to HTML, a single paragraph
    /// unwrapped: its relative links start from content/.
    pub(crate) fn config_inline(&self, md: &str) -> String {
        markdown::render_inline(md, &self.md_in(""))
    }

    /// The URL of page folder `path` (`partners/x`), relative to this page.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.root, self.site.targets.page_url(path))
    }

    /// The URL of a file at `path` below the root, relative to this page.
    pub(crate) fn file(&self, path: &str) -> String {
        format!("{}{path}", self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_text_drops_bidi_controls_and_keeps_right_to_left_letters() {
        assert_eq!(title_text("Contoso \u{202e}evil\u{202c}"), "Contoso evil");
        assert_eq!(
            title_text(
                "\u{2067}a\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}\u{202b}\u{202d}\u{2066}\u{2068}"
            ),
            "a"
        );
        assert_eq!(title_text("شركة النور · שותף"), "شركة النور · שותף");
    }
}
