//! A partner's page and its worksheet, at different depths, share one
//! view: it is built once with [`ROOT_MARK`] for the root, then placed for
//! each page. Every view type is taken apart field by field below, with no
//! `..`, so a field added to a view does not compile until it is decided
//! here how it is placed. (A view built for each page ran 10% more
//! instructions for a cold build of 1,000 partners than this, measured
//! with callgrind for issue 19.)

use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::Link;
use super::partner::{
    CommitmentsView, InfluenceView, PartnerSummary, PartnerView, PersonView, PlanView,
    PropositionView, StepView,
};
use super::tier::RuleView;
use super::worksheet::WorksheetView;

/// The way back to the root that a shared partner view is built with:
/// every link it makes starts `@/` until [`PartnerView::placed`] puts in
/// the page's own root. Without raw HTML nothing else in rendered Markdown
/// can read `href="@/` or `src="@/`: a written `@/` link is always
/// resolved or dropped, an `@/` image dropped, and quotes in text and
/// attributes are escaped. So views are shared only without raw HTML.
pub(crate) const ROOT_MARK: &str = "@/";

/// A URL made with [`ROOT_MARK`], made with `root`.
fn url(value: &str, root: &str) -> String {
    match value.strip_prefix(ROOT_MARK) {
        Some(rest) => format!("{root}{rest}"),
        None => value.to_string(),
    }
}

/// HTML with every `href="@/` and `src="@/` (an image beside the records)
/// made `href="<root>`.
fn html(value: &str, root: &str) -> String {
    let links = rooted_at(value, &HREF, "href=\"", root);
    let images = rooted_at(links.as_deref().unwrap_or(value), &SRC, "src=\"", root);
    images.or(links).unwrap_or_else(|| value.to_string())
}

fn htmls(values: &[String], root: &str) -> Vec<String> {
    values.iter().map(|v| html(v, root)).collect()
}

fn html_opt(value: &Option<String>, root: &str) -> Option<String> {
    value.as_deref().map(|v| html(v, root))
}

/// The searchers for `href="@/` and `src="@/`, built once: building one
/// for each piece of HTML was 2% of a build's instructions.
static HREF: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"href=\"@/"));
static SRC: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"src=\"@/"));

/// `html` with every `<attr>@/`, as `marked` finds it, made
/// `<attr><root>`, or `None` when it has none.
fn rooted_at(html: &str, marked: &Finder, attr: &str, root: &str) -> Option<String> {
    let mut found = marked.find_iter(html.as_bytes()).peekable();
    found.peek()?;
    let mut out = String::with_capacity(html.len() + 64);
    let mut start = 0;
    for i in found {
        out.push_str(&html[start..i]);
        out.push_str(attr);
        out.push_str(root);
        start = i + marked.needle().len();
    }
    out.push_str(&html[start..]);
    Some(out)
}

impl PartnerView {
    /// This view, built with [`ROOT_MARK`], for a page whose way back to
    /// the root is `root`, without the influence diagram and grid: they
    /// hold no links, so a partner's two pages take them from one
    /// serialization.
    pub(crate) fn placed(&self, root: &str) -> PartnerView {
        let PartnerView {
            summary,
            name_text,
            tier_label,
            tier_url,
            proposition,
            scenario,
            objectives,
            partner_objectives,
            target_market,
            revenue_goal,
            commitments,
            plan,
            rules,
            influence,
            playbooks,
            review,
            worksheet,
        } = self;
        let PropositionView {
            we_do,
            they_do,
            together,
            partner_benefit,
            our_benefit,
            customer_benefit,
            pain_point,
        } = proposition;
        let CommitmentsView { ours, theirs } = commitments;
        // the diagram and the grid: names and shapes, no links; the pages
        // share them as values made once (see `render::pages::Figures`)
        let InfluenceView {
            people,
            diagram: _,
            grid: _,
        } = influence;
        PartnerView {
            summary: summary.placed(root),
            name_text: name_text.clone(),
            tier_label,
            tier_url: url(tier_url, root),
            proposition: PropositionView {
                we_do: html(we_do, root),
                they_do: html(they_do, root),
                together: html(together, root),
                partner_benefit: html(partner_benefit, root),
                our_benefit: html_opt(our_benefit, root),
                customer_benefit: html_opt(customer_benefit, root),
                pain_point: html_opt(pain_point, root),
            },
            scenario: scenario.clone(),
            objectives: objectives.clone(),
            partner_objectives: partner_objectives.clone(),
            target_market: html_opt(target_market, root),
            revenue_goal: html_opt(revenue_goal, root),
            commitments: CommitmentsView {
                ours: htmls(ours, root),
                theirs: htmls(theirs, root),
            },
            plan: plan.placed(root),
            rules: rules.iter().map(|r| r.placed(root)).collect(),
            influence: InfluenceView {
                people: people.iter().map(|p| p.placed(root)).collect(),
                diagram: None,
                grid: None,
            },
            playbooks: playbooks.iter().map(|l| l.placed(root)).collect(),
            // dates and words, no links
            review: review.clone(),
            worksheet: worksheet.placed(root),
        }
    }
}

impl PartnerSummary {
    fn placed(&self, root: &str) -> PartnerSummary {
        let PartnerSummary {
            slug,
            name,
            url: page,
            worksheet_url,
            tier,
            status,
            kind,
            region,
            owner,
            tags,
            summary_html,
            benefit_line,
            review_overdue,
            progress,
        } = self;
        PartnerSummary {
            slug: slug.clone(),
            name: name.clone(),
            url: url(page, root),
            worksheet_url: url(worksheet_url, root),
            tier,
            status,
            kind: kind.clone(),
            region: region.clone(),
            owner: owner.clone(),
            tags: tags.clone(),
            summary_html: html_opt(summary_html, root),
            benefit_line: benefit_line.clone(),
            review_overdue: *review_overdue,
            // numbers and words, no links
            progress: progress.clone(),
        }
    }
}

impl PlanView {
    fn placed(&self, root: &str) -> PlanView {
        let PlanView { steps, overdue } = self;
        PlanView {
            steps: steps.iter().map(|s| s.placed(root)).collect(),
            overdue: overdue.iter().map(|s| s.placed(root)).collect(),
        }
    }
}

impl StepView {
    fn placed(&self, root: &str) -> StepView {
        let StepView {
            number,
            step_html,
            owner,
            owner_label,
            who,
            due,
            done,
            state,
            state_label,
            measure_html,
        } = self;
        StepView {
            number: *number,
            step_html: html(step_html, root),
            owner,
            owner_label,
            who: who.clone(),
            due: due.clone(),
            done: done.clone(),
            state: *state,
            state_label,
            measure_html: html_opt(measure_html, root),
        }
    }
}

impl RuleView {
    fn placed(&self, root: &str) -> RuleView {
        let RuleView {
            topic,
            title,
            html: rule,
            source,
            source_label,
        } = self;
        RuleView {
            topic: topic.clone(),
            title: title.clone(),
            html: html(rule, root),
            source,
            source_label: source_label.clone(),
        }
    }
}

impl PersonView {
    fn placed(&self, root: &str) -> PersonView {
        let PersonView {
            name,
            title,
            influence,
            influence_label,
            attitude,
            attitude_class,
            attitude_label,
            attitude_symbol,
            style_html,
            relationships,
            relationships_text,
        } = self;
        PersonView {
            name: name.clone(),
            title: title.clone(),
            influence,
            influence_label,
            attitude,
            attitude_class,
            attitude_label,
            attitude_symbol,
            style_html: html_opt(style_html, root),
            relationships: relationships.clone(),
            relationships_text: relationships_text.clone(),
        }
    }
}

impl Link {
    fn placed(&self, root: &str) -> Link {
        let Link {
            title,
            url: to,
            name,
        } = self;
        Link {
            title: title.clone(),
            url: url(to, root),
            name: name.clone(),
        }
    }
}

impl WorksheetView {
    fn placed(&self, root: &str) -> WorksheetView {
        let WorksheetView {
            product_strategy,
            their_business,
            open_questions,
            next_steps,
            pitch,
            checklist,
            ready,
        } = self;
        WorksheetView {
            product_strategy: html_opt(product_strategy, root),
            their_business: html_opt(their_business, root),
            open_questions: htmls(open_questions, root),
            next_steps: htmls(next_steps, root),
            // HTML: the opening of each part, links and lists kept
            pitch: html(pitch, root),
            checklist: checklist.clone(),
            ready: *ready,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_links_and_images_take_the_root() {
        assert_eq!(HREF.needle(), format!("href=\"{ROOT_MARK}").as_bytes());
        assert_eq!(SRC.needle(), format!("src=\"{ROOT_MARK}").as_bytes());
        let marked =
            r#"<a href="@/a/">a</a> <img src="@/b.png" alt=""> <a href="https://x/@/">x</a> @/c"#;
        assert_eq!(
            html(marked, "../../"),
            r#"<a href="../../a/">a</a> <img src="../../b.png" alt=""> <a href="https://x/@/">x</a> @/c"#
        );
        assert_eq!(html("no links", "../"), "no links");
    }
}
