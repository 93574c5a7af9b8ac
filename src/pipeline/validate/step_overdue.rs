//! `step-overdue`: a step of the joint plan whose due date has passed and
//! that nobody has marked done. Whether a step is overdue is
//! [`attention::step_state`]'s answer, so the lint, the partner page, the
//! attention page and the calendar agree on it.

use super::{Finding, Scope};
use crate::attention::{self, StepState};
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::markdown;
use crate::record::Side;
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// How much of a step's text the message quotes.
const QUOTED_CHARS: usize = 60;

/// Fires for each overdue step of a live partner: an ended partnership's
/// open steps are history, not work (as for `review-overdue`).
pub(crate) fn check(site: &Site, today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site) {
        for step in &p.plan {
            if attention::step_state(p, step, today) != StepState::Overdue {
                continue;
            }
            let ago = match (today - step.due).get_days() {
                1 => "yesterday".to_string(),
                days => format!("{days} days ago"),
            };
            let what = markdown::truncate(
                &markdown::plain_text(&step.step, site.config.allow_html),
                QUOTED_CHARS,
            );
            let whose = match step.owner {
                Side::Ours => "our step".to_string(),
                Side::Theirs => "the partner's step".to_string(),
                Side::Joint => "a joint step".to_string(),
            };
            let issue = Issue::new(
                Code::Lint(Lint::StepOverdue),
                vec![
                    Seg::Key("plan".into()),
                    Seg::Index(step.entry),
                    Seg::Key("due".into()),
                ],
                Target::Value,
                format!(
                    "\"{what}\" in the plan with {} was due {ago} and is not done",
                    p.name
                ),
                format!("{whose}, due on {}", step.due),
                format!(
                    "when the step is done, add `done:` with its date; if the plan changed, agree a new `due` with {}",
                    p.name
                ),
            );
            out.push(Finding::record(site, p.source, issue));
        }
    }
    out
}
