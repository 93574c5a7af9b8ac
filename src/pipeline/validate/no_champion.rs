//! `no-champion`: an influence map in which nobody both carries weight and
//! supports us. Joint initiatives need support built inside the partner's
//! organisation, from someone who can move it.

use super::{Finding, Scope};
use crate::attention;
use crate::diagnostic::Code;
use crate::lint::Lint;
use crate::record::{Attitude, Influence, Partner};
use crate::site::Site;
use crate::yaml::{Issue, Seg, Target};

/// Fires for live partners whose influence map names people but no
/// champion: nobody with `influence: high` and `attitude: positive`. A
/// person whose influence or attitude is not written is not counted as
/// one. Ended partners' maps are history, like their reviews.
pub(crate) fn check(site: &Site, _today: jiff::civil::Date, scope: &Scope) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in scope.partners(site).filter(|p| {
        attention::is_live(p)
            && !p.influence_map.is_empty()
            && !p.influence_map.iter().any(|person| {
                person.influence == Some(Influence::High)
                    && person.attitude == Some(Attitude::Positive)
            })
    }) {
        let issue = Issue::new(
            Code::Lint(Lint::NoChampion),
            vec![Seg::Key("influence_map".into())],
            Target::Key,
            format!(
                "nobody in the influence map of {} has high influence and a positive attitude",
                p.name
            ),
            "no champion here",
            help(p),
        );
        out.push(Finding::record(site, p.source, issue));
    }
    out
}

/// Where to start building support: someone powerful to win over, else a
/// supporter to give more reach, else someone to find.
fn help(p: &Partner) -> String {
    let powerful = p.influence_map.iter().find(|person| {
        person.influence == Some(Influence::High) && person.attitude != Some(Attitude::Negative)
    });
    if let Some(person) = powerful {
        return format!(
            "win over {}, who has high influence; once they back joint work, set their `attitude: positive`",
            person.name
        );
    }
    if let Some(person) = p
        .influence_map
        .iter()
        .find(|person| person.attitude == Some(Attitude::Positive))
    {
        return format!(
            "{} supports you: ask them to introduce you to someone with the say to back joint work, and add that person with `influence: high`",
            person.name
        );
    }
    format!(
        "find someone at {} with the say to back joint work and win them over; add them with `influence: high` and `attitude: positive`",
        p.name
    )
}
