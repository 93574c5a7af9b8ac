//! A partner's worksheet: the worksheet's own fields, the pitch and the
//! readiness checklist.

use serde::Serialize;

use super::Views;
use super::partner::{PartnerPrep, ReviewView};
use crate::markdown;
use crate::record::{Attitude, Influence, Partner};

/// One item of the readiness checklist.
#[derive(Serialize, Clone)]
pub(crate) struct CheckItem {
    /// What should be true.
    pub(crate) label: &'static str,
    /// Whether the record shows it is.
    pub(crate) done: bool,
    /// What to do when it is not.
    pub(crate) hint: &'static str,
    /// `hint` as HTML, with the names of fields in `<code>`.
    pub(crate) hint_html: String,
}

/// The worksheet's own fields, as HTML.
#[derive(Serialize)]
pub(crate) struct WorksheetView {
    /// How the partnership fits our product strategy.
    pub(crate) product_strategy: Option<String>,
    /// Their market pressures and aspirations.
    pub(crate) their_business: Option<String>,
    /// Open questions.
    pub(crate) open_questions: Vec<String>,
    /// Next steps.
    pub(crate) next_steps: Vec<String>,
    /// The one-paragraph pitch, plain text composed from the proposition.
    pub(crate) pitch: String,
    /// The readiness checklist, computed from the record.
    pub(crate) checklist: Vec<CheckItem>,
    /// How many checklist items are done.
    pub(crate) ready: usize,
}

impl<'a> Views<'a> {
    pub(super) fn worksheet(
        &self,
        p: &Partner,
        prep: &PartnerPrep,
        review: Option<&ReviewView>,
    ) -> WorksheetView {
        let w = &p.worksheet;
        let prop = &p.proposition;
        let champion = p.influence_map.iter().any(|x| {
            x.influence == Some(Influence::High) && x.attitude == Some(Attitude::Positive)
        });
        let checklist = vec![
            CheckItem::new(
                "We know what is in it for them",
                !prop.partner_benefit.is_empty(),
                "write `proposition.partner_benefit`",
            ),
            CheckItem::new(
                "We know what is in it for our mutual customers",
                prop.customer_benefit.is_some(),
                "write `proposition.customer_benefit`",
            ),
            CheckItem::new(
                "It solves a named business problem",
                prop.pain_point.is_some(),
                "write `proposition.pain_point`",
            ),
            CheckItem::new(
                "It fits our product strategy",
                w.product_strategy.is_some(),
                "write `worksheet.product_strategy`",
            ),
            CheckItem::new(
                "We understand their business",
                w.their_business.is_some(),
                "write `worksheet.their_business`",
            ),
            CheckItem::new(
                "It follows a proven scenario",
                p.scenario.is_some(),
                "choose a `scenario`",
            ),
            CheckItem::new(
                "It serves a named objective",
                !p.objectives.is_empty(),
                "name `objectives`",
            ),
            CheckItem::new(
                "It targets a specific market",
                p.target_market.is_some(),
                "write `target_market`",
            ),
            CheckItem::new(
                "We commit resources",
                !p.commitments.ours.is_empty(),
                "list `commitments.ours`",
            ),
            CheckItem::new(
                "They commit resources",
                !p.commitments.theirs.is_empty(),
                "list `commitments.theirs`",
            ),
            CheckItem::new(
                "A senior champion supports us",
                champion,
                "find someone of high influence and positive attitude for the `influence_map`",
            ),
            CheckItem::new(
                "Next steps are agreed",
                !w.next_steps.is_empty(),
                "list `worksheet.next_steps`",
            ),
            CheckItem::new(
                "The last review is current",
                review.is_some_and(|r| r.last.is_some() && !r.overdue),
                "review the partnership and set `review.last`",
            ),
        ];
        WorksheetView {
            product_strategy: w.product_strategy.as_deref().map(|s| self.html(s)),
            their_business: w.their_business.as_deref().map(|s| self.html(s)),
            open_questions: w.open_questions.iter().map(|s| self.inline(s)).collect(),
            next_steps: w.next_steps.iter().map(|s| self.inline(s)).collect(),
            pitch: prep.pitch.clone(),
            ready: checklist.iter().filter(|c| c.done).count(),
            checklist,
        }
    }
}

impl CheckItem {
    /// The item `label`, done or not, with what to do when it is not.
    fn new(label: &'static str, done: bool, hint: &'static str) -> CheckItem {
        CheckItem {
            label,
            done,
            hint,
            hint_html: code_spans(hint),
        }
    }
}

/// `text` as HTML, with what is between backticks in `<code>`.
fn code_spans(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        let code = i % 2 == 1;
        if code {
            html.push_str("<code>");
        }
        markdown::escape_into(&mut html, part);
        if code {
            html.push_str("</code>");
        }
    }
    html
}
