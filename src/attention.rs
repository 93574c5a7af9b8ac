//! What needs attention on a given day: reviews and plan steps that are
//! overdue or due soon. The attention page, the partner pages, the
//! calendar and the CSV files all read their dates and states from here,
//! so they never disagree.

use serde::Serialize;

use crate::config::Config;
use crate::record::{Partner, Side, Status, Step};
use crate::site::Site;

/// How many days ahead "due soon" looks.
pub const SOON_DAYS: i64 = 30;

/// Where a plan step stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    /// It has a `done` date.
    Done,
    /// Past its due date and not done.
    Overdue,
    /// Due within [`SOON_DAYS`] days.
    DueSoon,
    /// Due later.
    Open,
}

impl StepState {
    /// The keyword, for CSV files and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Overdue => "overdue",
            StepState::DueSoon => "due-soon",
            StepState::Open => "open",
        }
    }

    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            StepState::Done => "Done",
            StepState::Overdue => "Overdue",
            StepState::DueSoon => "Due soon",
            StepState::Open => "Open",
        }
    }
}

impl Serialize for StepState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The last day counted as "soon" from `today`.
fn horizon(today: jiff::civil::Date) -> jiff::civil::Date {
    today.saturating_add(jiff::Span::new().days(SOON_DAYS))
}

/// Where `step` of `partner`'s plan stands on `today`. An ended
/// partnership's open steps are history, not work: never overdue nor due
/// soon.
pub fn step_state(partner: &Partner, step: &Step, today: jiff::civil::Date) -> StepState {
    if step.done.is_some() {
        StepState::Done
    } else if !is_live(partner) {
        StepState::Open
    } else if step.due < today {
        StepState::Overdue
    } else if step.due <= horizon(today) {
        StepState::DueSoon
    } else {
        StepState::Open
    }
}

/// Whether the partner's plan and reviews still call for work: an ended
/// partnership's open steps and reviews are history.
pub fn is_live(partner: &Partner) -> bool {
    partner.status != Status::Ended
}

/// The day the partner's next review is due: its last review plus its
/// cadence (the record's, or else its tier's). `None` when it was never
/// reviewed or has no cadence.
pub fn next_review(partner: &Partner, config: &Config) -> Option<jiff::civil::Date> {
    let last = partner.review.as_ref()?.last?;
    let every = i64::try_from(config.review_cadence(partner)?).ok()?;
    last.checked_add(jiff::Span::new().try_days(every).ok()?)
        .ok()
}

/// How many of the partner's plan steps are done, and how many there are.
pub fn progress(partner: &Partner) -> (usize, usize) {
    let done = partner.plan.iter().filter(|s| s.done.is_some()).count();
    (done, partner.plan.len())
}

/// What an item of attention is about.
#[derive(Debug, Clone, Copy)]
pub enum What<'s> {
    /// The partner's next review.
    Review,
    /// A step of its plan.
    Step(&'s Step),
}

/// One thing that needs attention.
#[derive(Debug, Clone, Copy)]
pub struct Item<'s> {
    /// Whose.
    pub partner: &'s Partner,
    /// The review or the step.
    pub what: What<'s>,
    /// When it is (or was) due.
    pub due: jiff::civil::Date,
    /// Whose move it is: a review is ours (the partner's owner runs it).
    pub owner: Side,
    /// Whether `due` is before today.
    pub overdue: bool,
}

/// Everything overdue on `today`, then everything due in the next
/// [`SOON_DAYS`] days, each group soonest first (then in the site's
/// partner order, then the plan's order). Ended partners have none.
pub fn items(site: &Site, today: jiff::civil::Date) -> Vec<Item<'_>> {
    let last = horizon(today);
    let mut out = Vec::new();
    for partner in site.partners.iter().filter(|p| is_live(p)) {
        if let Some(due) = next_review(partner, &site.config).filter(|&d| d <= last) {
            out.push(Item {
                partner,
                what: What::Review,
                due,
                owner: Side::Ours,
                overdue: due < today,
            });
        }
        for step in &partner.plan {
            let state = step_state(partner, step, today);
            if matches!(state, StepState::Overdue | StepState::DueSoon) {
                out.push(Item {
                    partner,
                    what: What::Step(step),
                    due: step.due,
                    owner: step.owner,
                    overdue: state == StepState::Overdue,
                });
            }
        }
    }
    // stable: partners and steps keep the site's order within a day
    out.sort_by_key(|item| (!item.overdue, item.due));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn step(due: jiff::civil::Date, done: Option<jiff::civil::Date>) -> Step {
        Step {
            entry: 0,
            step: "A step".into(),
            owner: Side::Joint,
            who: None,
            due,
            done,
            measure: None,
        }
    }

    /// A partner read from a record with `status`.
    fn partner(status: &str) -> Partner {
        let text = format!(
            "name: Acme\ntier: tactical\nstatus: {status}\nproposition:\n  we_do: a\n  they_do: b\n  together: c\n  partner_benefit: d\n"
        );
        let file = crate::source::SourceFile {
            path: "content/partners/acme.yaml".into(),
            text: text.clone(),
        };
        let value = crate::yaml::parse(&file, &text, 0).expect("the record is YAML");
        let (partner, issues) = crate::record::decode(&value, &text, "acme", 0, false);
        assert!(issues.is_empty(), "{issues:?}");
        partner.expect("the record is a partner")
    }

    #[test]
    fn a_step_is_done_overdue_due_soon_or_open() {
        let today = date(2026, 11, 22);
        let active = partner("active");
        let state = |due, done| step_state(&active, &step(due, done), today);
        assert_eq!(
            state(date(2026, 1, 1), Some(date(2026, 1, 2))),
            StepState::Done
        );
        assert_eq!(state(date(2026, 11, 21), None), StepState::Overdue);
        assert_eq!(state(today, None), StepState::DueSoon);
        assert_eq!(state(date(2026, 12, 22), None), StepState::DueSoon);
        assert_eq!(state(date(2026, 12, 23), None), StepState::Open);
    }

    #[test]
    fn an_ended_partnerships_open_steps_are_neither_overdue_nor_due_soon() {
        let today = date(2026, 11, 22);
        let ended = partner("ended");
        let state = |due, done| step_state(&ended, &step(due, done), today);
        assert_eq!(state(date(2026, 11, 21), None), StepState::Open);
        assert_eq!(state(today, None), StepState::Open);
        assert_eq!(
            state(date(2026, 1, 1), Some(date(2026, 1, 2))),
            StepState::Done
        );
    }
}
