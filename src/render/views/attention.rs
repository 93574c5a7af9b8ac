//! The attention page: what needs doing soonest across every partner,
//! and the count the portfolio links it with. Dates and states come from
//! [`crate::attention`], as the partner pages' do.

use serde::Serialize;

use super::Views;
use crate::attention::{self, SOON_DAYS, What};

/// One thing that needs attention.
#[derive(Serialize)]
pub(crate) struct AttentionItemView {
    /// The partner's name.
    pub(crate) partner: String,
    /// The partner's page.
    pub(crate) partner_url: String,
    /// The part of the partner's page it is about: its review or the
    /// step's row of the joint plan.
    pub(crate) url: String,
    /// `review` or `step`.
    pub(crate) kind: &'static str,
    /// What is due, inline HTML: the step's text, or words for a review.
    pub(crate) what_html: String,
    /// The step's place in the plan, from 1; `None` for a review.
    pub(crate) step: Option<usize>,
    /// The person doing a step.
    pub(crate) who: Option<String>,
    /// When it is (or was) due, `YYYY-MM-DD`.
    pub(crate) due: String,
    /// Whether `due` is before the build date.
    pub(crate) overdue: bool,
    /// `ours`, `theirs` or `joint`.
    pub(crate) owner: &'static str,
    /// "Us", "Partner" or "Joint".
    pub(crate) owner_label: &'static str,
}

/// What needs attention, in two groups, each soonest first.
#[derive(Serialize)]
pub(crate) struct AttentionView {
    /// Past their date.
    pub(crate) overdue: Vec<AttentionItemView>,
    /// Due within `soon_days` days.
    pub(crate) soon: Vec<AttentionItemView>,
    /// How far ahead "soon" looks, in days.
    pub(crate) soon_days: i64,
    /// The build date, `YYYY-MM-DD`.
    pub(crate) today: String,
}

/// The portfolio's link to the attention page.
#[derive(Serialize)]
pub(crate) struct AttentionLink {
    /// The attention page.
    pub(crate) url: String,
    /// How many things need attention.
    pub(crate) count: usize,
    /// How many of them are overdue.
    pub(crate) overdue: usize,
    /// "3 things need attention", or "Nothing needs attention".
    pub(crate) label: String,
}

impl Views<'_> {
    /// The attention page's view.
    pub(crate) fn attention(&self) -> AttentionView {
        let (overdue, soon) = attention::items(self.site, self.today)
            .into_iter()
            .map(|item| {
                let partner_url = self.url(&format!("partners/{}", item.partner.slug));
                let (kind, what_html, who, step, anchor) = match item.what {
                    What::Review => (
                        "review",
                        "Review the partnership".to_string(),
                        None,
                        None,
                        "review".to_string(),
                    ),
                    // the partner page's plan rows are `step-N`, N from 1
                    What::Step(step) => (
                        "step",
                        self.inline(&step.step),
                        step.who.clone(),
                        Some(step.entry + 1),
                        format!("step-{}", step.entry + 1),
                    ),
                };
                AttentionItemView {
                    partner: item.partner.name.clone(),
                    url: format!("{partner_url}#{anchor}"),
                    partner_url,
                    kind,
                    what_html,
                    step,
                    who,
                    due: item.due.to_string(),
                    overdue: item.overdue,
                    owner: item.owner.as_str(),
                    owner_label: item.owner.label(),
                }
            })
            .partition(|item| item.overdue);
        AttentionView {
            overdue,
            soon,
            soon_days: SOON_DAYS,
            today: self.today.to_string(),
        }
    }

    /// The link to the attention page, with its count.
    pub(crate) fn attention_link(&self) -> AttentionLink {
        let items = attention::items(self.site, self.today);
        let count = items.len();
        AttentionLink {
            url: self.url("attention"),
            count,
            overdue: items.iter().filter(|i| i.overdue).count(),
            label: match count {
                0 => "Nothing needs attention".to_string(),
                1 => "1 thing needs attention".to_string(),
                n => format!("{n} things need attention"),
            },
        }
    }
}
