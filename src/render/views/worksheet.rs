//! A partner's worksheet: the worksheet's own fields, the pitch and the
//! readiness checklist.

use serde::Serialize;

use super::Views;
use super::partner::{PartnerPrep, ReviewView};
use crate::markdown;
use crate::record::{Attitude, Influence, Partner, Tier};

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
    /// The pitch, HTML: the opening of each part of the proposition, one
    /// paragraph unless an opening is a list.
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
        // the casual tier asks for no resources (the lints no-commitments
        // and one-sided-commitments skip it): its partners are not marked
        // down for committing none (issue 20)
        let asks_commitments = p.tier != Tier::Casual;
        // the same holds for the partner's objectives and the joint plan
        // (no-partner-objective and no-plan skip the casual tier too)
        let asks_plan = asks_commitments;
        let checklist: Vec<CheckItem> = [
            Some(CheckItem::new(
                "We know what is in it for them",
                !prop.partner_benefit.is_empty(),
                "write `proposition.partner_benefit`",
            )),
            Some(CheckItem::new(
                "We know what is in it for our mutual customers",
                prop.customer_benefit.is_some(),
                "write `proposition.customer_benefit`",
            )),
            Some(CheckItem::new(
                "It solves a named business problem",
                prop.pain_point.is_some(),
                "write `proposition.pain_point`",
            )),
            Some(CheckItem::new(
                "It fits our product strategy",
                w.product_strategy.is_some(),
                "write `worksheet.product_strategy`",
            )),
            Some(CheckItem::new(
                "We understand their business",
                w.their_business.is_some(),
                "write `worksheet.their_business`",
            )),
            Some(CheckItem::new(
                "It follows a proven scenario",
                p.scenario.is_some(),
                "choose a `scenario`",
            )),
            Some(CheckItem::new(
                "It serves a named objective",
                !p.objectives.is_empty(),
                "name `objectives`",
            )),
            asks_plan.then(|| {
                CheckItem::new(
                    "We know what they want from it",
                    !p.partner_objectives.is_empty(),
                    "name `partner_objectives`",
                )
            }),
            Some(CheckItem::new(
                "It targets a specific market",
                p.target_market.is_some(),
                "write `target_market`",
            )),
            asks_commitments.then(|| {
                CheckItem::new(
                    "We commit resources",
                    !p.commitments.ours.is_empty(),
                    "list `commitments.ours`",
                )
            }),
            asks_commitments.then(|| {
                CheckItem::new(
                    "They commit resources",
                    !p.commitments.theirs.is_empty(),
                    "list `commitments.theirs`",
                )
            }),
            Some(CheckItem::new(
                "A senior champion supports us",
                champion,
                "find someone of high influence and positive attitude for the `influence_map`",
            )),
            Some(CheckItem::new(
                "Next steps are agreed",
                !w.next_steps.is_empty(),
                "list `worksheet.next_steps`",
            )),
            asks_plan.then(|| {
                CheckItem::new(
                    "The joint plan has a first step",
                    !p.plan.is_empty(),
                    "add a first step to `plan`, with its `owner` and `due` date",
                )
            }),
            Some(CheckItem::new(
                "The last review is current",
                review.is_some_and(|r| r.last.is_some() && !r.overdue),
                "review the partnership and set `review.last`",
            )),
        ]
        .into_iter()
        .flatten()
        .collect();
        WorksheetView {
            product_strategy: w.product_strategy.as_deref().map(|s| self.html(s)),
            their_business: w.their_business.as_deref().map(|s| self.html(s)),
            open_questions: w.open_questions.iter().map(|s| self.inline(s)).collect(),
            next_steps: w.next_steps.iter().map(|s| self.inline(s)).collect(),
            pitch: self.pitch(prep),
            ready: checklist.iter().filter(|c| c.done).count(),
            checklist,
        }
    }
}

impl Views<'_> {
    /// The pitch as HTML: each part of the proposition introduced by a
    /// phrase and given by its opening, so the pitch stays short however
    /// long the parts are; an opening that is a list stays a list.
    fn pitch(&self, prep: &PartnerPrep) -> String {
        let mut parts = vec![
            ("Here is what we do:", &prep.we_do),
            ("Here is what you do:", &prep.they_do),
            ("Together we would like to deliver this:", &prep.together),
            ("What is in it for you:", &prep.partner_benefit),
        ];
        if let Some(c) = &prep.customer_benefit {
            parts.push(("And for our mutual customers:", c));
        }
        let cx = self.md();
        let mut html = String::from("<p>");
        for (intro, part) in parts {
            let opening = part.opening();
            if !html.ends_with("<p>") {
                html.push(' ');
            }
            html.push_str(intro);
            let text = opening.lead.plain_text();
            if !text.is_empty() {
                html.push(' ');
                html.push_str(opening.lead.render(&cx).html.trim());
            }
            match opening.list {
                Some(list) => {
                    html.push_str("</p>\n");
                    html.push_str(&list.render(&cx).html);
                    html.push_str("<p>");
                }
                // composed sentences read as sentences
                None if !text.is_empty() && !text.ends_with(['.', '!', '?', '…']) => {
                    html.push('.');
                }
                None => {}
            }
        }
        match html.strip_suffix("<p>") {
            Some(done) => done.to_string(),
            None => html + "</p>",
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
