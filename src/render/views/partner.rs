//! A partner's page: the record whole, with the tier's rules merged in,
//! the influence map and the review; and the partner as a list entry.

use serde::Serialize;

use super::grid::{self, Grid};
use super::influence::{self, Diagram};
use super::tier::{RuleView, topic_title};
use super::worksheet::WorksheetView;
use super::{Link, Views, title_text};
use crate::attention::{self, StepState, next_review as review_due};
use crate::markdown;
use crate::record::{Attitude, Influence, Objective, Partner};
use crate::site::Site;

/// Every partner's benefit as plain text (for one-line excerpts and
/// search), worked out once per render and shared by the pages that list
/// the partner. Filled on first use, or all at once in parallel.
pub(crate) struct Benefits(Vec<std::sync::OnceLock<String>>);

impl Benefits {
    /// Room for the benefits of `site`'s partners.
    pub(crate) fn new(site: &Site) -> Benefits {
        Benefits(
            (0..site.partners.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        )
    }

    /// Works out every partner's benefit, in parallel.
    pub(crate) fn fill(&self, site: &Site) {
        use rayon::prelude::*;
        self.0.par_iter().zip(&site.partners).for_each(|(cell, p)| {
            cell.get_or_init(|| Benefits::plain(site, p));
        });
    }

    /// The benefit of `p` as plain text.
    pub(crate) fn of(&self, site: &Site, p: &Partner) -> &str {
        match site.by_slug.get(&p.slug).and_then(|&i| self.0.get(i)) {
            Some(cell) => cell.get_or_init(|| Benefits::plain(site, p)),
            None => "",
        }
    }

    fn plain(site: &Site, p: &Partner) -> String {
        markdown::plain_text(&p.proposition.partner_benefit, site.config.allow_html)
    }
}

/// What a partner's page and its worksheet share, worked out once for
/// both: the proposition's Markdown, parsed.
pub(crate) struct PartnerPrep<'p> {
    pub(super) we_do: markdown::Parsed<'p>,
    pub(super) they_do: markdown::Parsed<'p>,
    pub(super) together: markdown::Parsed<'p>,
    pub(super) partner_benefit: markdown::Parsed<'p>,
    our_benefit: Option<markdown::Parsed<'p>>,
    pub(super) customer_benefit: Option<markdown::Parsed<'p>>,
    pain_point: Option<markdown::Parsed<'p>>,
}

impl<'p> PartnerPrep<'p> {
    /// Parses `p`'s proposition.
    pub(crate) fn new(p: &'p Partner, allow_html: bool) -> PartnerPrep<'p> {
        let prop = &p.proposition;
        let parse = |s: &'p str| markdown::Parsed::new(s, allow_html);
        PartnerPrep {
            we_do: parse(&prop.we_do),
            they_do: parse(&prop.they_do),
            together: parse(&prop.together),
            partner_benefit: parse(&prop.partner_benefit),
            our_benefit: prop.our_benefit.as_deref().map(parse),
            customer_benefit: prop.customer_benefit.as_deref().map(parse),
            pain_point: prop.pain_point.as_deref().map(parse),
        }
    }
}

/// A partner in a list.
#[derive(Serialize)]
pub(crate) struct PartnerSummary {
    /// The slug.
    pub(crate) slug: String,
    /// The name.
    pub(crate) name: String,
    /// The partner page.
    pub(crate) url: String,
    /// The worksheet page.
    pub(crate) worksheet_url: String,
    /// `strategic`, `tactical` or `casual`.
    pub(crate) tier: &'static str,
    /// `prospect`, `active`, `paused` or `ended`.
    pub(crate) status: &'static str,
    /// The `type` label.
    pub(crate) kind: Option<String>,
    /// The region.
    pub(crate) region: Option<String>,
    /// The owner.
    pub(crate) owner: Option<String>,
    /// Tags.
    pub(crate) tags: Vec<String>,
    /// The summary, inline HTML.
    pub(crate) summary_html: Option<String>,
    /// The partner benefit in full, as plain text: lists show the reader
    /// what the tool is for, so it is never cut (issue 20).
    pub(crate) benefit_line: String,
    /// Whether the last review is older than the review cadence.
    pub(crate) review_overdue: bool,
    /// How far the joint plan has come; `None` without a plan.
    pub(crate) progress: Option<ProgressView>,
}

/// How many steps of a joint plan are done.
#[derive(Serialize, Clone)]
pub(crate) struct ProgressView {
    /// Steps with a `done` date.
    pub(crate) done: usize,
    /// All steps.
    pub(crate) total: usize,
    /// "2 of 4 steps done".
    pub(crate) label: String,
}

/// The proposition, every part as HTML.
#[derive(Serialize)]
pub(crate) struct PropositionView {
    /// What we do.
    pub(crate) we_do: String,
    /// What they do.
    pub(crate) they_do: String,
    /// What we deliver together.
    pub(crate) together: String,
    /// What is in it for the partner.
    pub(crate) partner_benefit: String,
    /// What is in it for us.
    pub(crate) our_benefit: Option<String>,
    /// What is in it for our mutual customers.
    pub(crate) customer_benefit: Option<String>,
    /// The business problem it solves.
    pub(crate) pain_point: Option<String>,
}

/// A value with its machine name, label and explanation.
#[derive(Serialize, Clone)]
pub(crate) struct Named {
    /// The name as written in records.
    pub(crate) name: &'static str,
    /// The name for people.
    pub(crate) label: &'static str,
    /// What it means.
    pub(crate) description: &'static str,
}

/// Resources each side commits, as HTML.
#[derive(Serialize)]
pub(crate) struct CommitmentsView {
    /// Ours.
    pub(crate) ours: Vec<String>,
    /// Theirs.
    pub(crate) theirs: Vec<String>,
}

/// A person of the influence map.
#[derive(Serialize)]
pub(crate) struct PersonView {
    /// Their name.
    pub(crate) name: String,
    /// Their title.
    pub(crate) title: Option<String>,
    /// `high`, `medium`, `low`, or empty when not given.
    pub(crate) influence: &'static str,
    /// "High", "Medium", "Low", or "Unknown".
    pub(crate) influence_label: &'static str,
    /// `positive`, `neutral`, `negative`, or empty.
    pub(crate) attitude: &'static str,
    /// `attitude`, or `unknown`: for a class name.
    pub(crate) attitude_class: &'static str,
    /// "Positive", "Neutral", "Negative", or "Unknown".
    pub(crate) attitude_label: &'static str,
    /// A symbol for the attitude that does not rely on colour: + = −.
    pub(crate) attitude_symbol: &'static str,
    /// Their personal style, HTML.
    pub(crate) style_html: Option<String>,
    /// Names of related people.
    pub(crate) relationships: Vec<String>,
    /// The names of related people, joined with commas.
    pub(crate) relationships_text: String,
}

/// The influence map: the people, and a diagram of them.
#[derive(Serialize)]
pub(crate) struct InfluenceView {
    /// Everyone, in the order written.
    pub(crate) people: Vec<PersonView>,
    /// The diagram; `None` for an empty map.
    pub(crate) diagram: Option<Diagram>,
    /// The influence × attitude grid; `None` for an empty map.
    pub(crate) grid: Option<Grid>,
}

/// When the partnership was and will be reviewed.
#[derive(Serialize, Clone)]
pub(crate) struct ReviewView {
    /// The last review, `YYYY-MM-DD`.
    pub(crate) last: Option<String>,
    /// The cadence in days: the record's, or else its tier's; none for a
    /// casual partner whose record sets none.
    pub(crate) every_days: Option<u64>,
    /// When the next review is due.
    pub(crate) due: Option<String>,
    /// Whether it is past due.
    pub(crate) overdue: bool,
    /// A sentence for people: "Next review due on 2027-01-01".
    pub(crate) label: String,
}

/// A step of the joint plan.
#[derive(Serialize, Clone)]
pub(crate) struct StepView {
    /// Its place in the plan, from 1: its table row's id is `step-N`.
    pub(crate) number: usize,
    /// What is to be done, inline HTML.
    pub(crate) step_html: String,
    /// `ours`, `theirs` or `joint`.
    pub(crate) owner: &'static str,
    /// "Us", "Partner" or "Joint".
    pub(crate) owner_label: &'static str,
    /// The person doing it.
    pub(crate) who: Option<String>,
    /// When it is due, `YYYY-MM-DD`.
    pub(crate) due: String,
    /// When it was done, `YYYY-MM-DD`.
    pub(crate) done: Option<String>,
    /// `done`, `overdue`, `due-soon` or `open` on the build date (an
    /// ended partnership's steps are never overdue nor due soon).
    pub(crate) state: StepState,
    /// "Done", "Overdue", "Due soon" or "Open".
    pub(crate) state_label: &'static str,
    /// How both sides will know it is done, inline HTML.
    pub(crate) measure_html: Option<String>,
}

/// The joint plan.
#[derive(Serialize, Clone)]
pub(crate) struct PlanView {
    /// Every step, in the order written.
    pub(crate) steps: Vec<StepView>,
    /// The overdue steps.
    pub(crate) overdue: Vec<StepView>,
}

/// A partner, whole.
#[derive(Serialize)]
pub(crate) struct PartnerView {
    /// Name, links and labels, as in lists.
    #[serde(flatten)]
    pub(crate) summary: PartnerSummary,
    /// The name without bidi controls, for attributes such as the page's
    /// description, which cannot hold a `<bdi>`.
    pub(crate) name_text: String,
    /// "Strategic".
    pub(crate) tier_label: &'static str,
    /// The tier page.
    pub(crate) tier_url: String,
    /// The proposition.
    pub(crate) proposition: PropositionView,
    /// The scenario.
    pub(crate) scenario: Option<Named>,
    /// The objectives: ours.
    pub(crate) objectives: Vec<Named>,
    /// The partner's own objectives.
    pub(crate) partner_objectives: Vec<Named>,
    /// Target market, HTML.
    pub(crate) target_market: Option<String>,
    /// Revenue goal, HTML.
    pub(crate) revenue_goal: Option<String>,
    /// Commitments.
    pub(crate) commitments: CommitmentsView,
    /// The joint plan.
    pub(crate) plan: PlanView,
    /// Tier defaults merged with the partner's own rules.
    pub(crate) rules: Vec<RuleView>,
    /// The influence map.
    pub(crate) influence: InfluenceView,
    /// Playbooks that name this partner or its tier.
    pub(crate) playbooks: Vec<Link>,
    /// Review status.
    pub(crate) review: Option<ReviewView>,
    /// The worksheet.
    pub(crate) worksheet: WorksheetView,
}

impl<'a> Views<'a> {
    /// A partner as a list entry.
    pub(crate) fn partner_summary(&self, p: &Partner) -> PartnerSummary {
        PartnerSummary {
            slug: p.slug.clone(),
            name: p.name.clone(),
            url: self.url(&format!("partners/{}", p.slug)),
            worksheet_url: self.url(&format!("partners/{}/worksheet", p.slug)),
            tier: p.tier.as_str(),
            status: p.status.as_str(),
            kind: p.kind.clone(),
            region: p.region.clone(),
            owner: p.owner.clone(),
            tags: p.tags.clone(),
            summary_html: p
                .summary
                .as_deref()
                .map(|s| markdown::render_line(s, &self.md())),
            review_overdue: self.review_overdue(p),
            progress: progress(p),
            benefit_line: self.benefits.of(self.site, p).to_string(),
        }
    }

    /// The tier's defaults, then the partner's own rules: a partner rule on
    /// a tier topic replaces it in place; new topics follow in the order
    /// written.
    pub(crate) fn merged_rules(&self, p: &Partner) -> Vec<RuleView> {
        let tier = p.tier;
        let defaults = &self.site.config.tier(tier).rules_of_engagement;
        let own = |topic: &str| p.rules_of_engagement.iter().find(|(t, _)| t == topic);
        let mut rules: Vec<RuleView> = defaults
            .iter()
            .map(|(topic, rule)| match own(topic) {
                Some((_, mine)) => RuleView {
                    topic: topic.clone(),
                    title: topic_title(topic),
                    html: self.inline(mine),
                    source: "override",
                    source_label: format!(
                        "Set for {}, replacing the {} tier default",
                        p.name, tier
                    ),
                },
                None => RuleView {
                    topic: topic.clone(),
                    title: topic_title(topic),
                    html: self.config_inline(rule),
                    source: "tier",
                    source_label: format!("{} tier default", tier.label()),
                },
            })
            .collect();
        for (topic, rule) in &p.rules_of_engagement {
            if !defaults.iter().any(|(t, _)| t == topic) {
                rules.push(RuleView {
                    topic: topic.clone(),
                    title: topic_title(topic),
                    html: self.inline(rule),
                    source: "partner",
                    source_label: format!("Set for {}", p.name),
                });
            }
        }
        rules
    }

    /// Playbooks that name the partner or its tier.
    fn playbooks_for(&self, p: &Partner) -> Vec<Link> {
        self.site
            .playbooks_for(p)
            .map(|pb| self.playbook_link(pb))
            .collect()
    }

    /// Whether the partner's review is past due (never for ended partners).
    fn review_overdue(&self, p: &Partner) -> bool {
        crate::attention::is_live(p)
            && review_due(p, &self.site.config).is_some_and(|d| d < self.today)
    }

    /// The joint plan, each step's state on the build date.
    fn plan(&self, p: &Partner) -> PlanView {
        let steps: Vec<StepView> = p
            .plan
            .iter()
            .map(|s| {
                let state = attention::step_state(p, s, self.today);
                StepView {
                    // the attention page links the row by its place in the YAML list
                    number: s.entry + 1,
                    step_html: self.inline(&s.step),
                    owner: s.owner.as_str(),
                    owner_label: s.owner.label(),
                    who: s.who.clone(),
                    due: s.due.to_string(),
                    done: s.done.map(|d| d.to_string()),
                    state,
                    state_label: state.label(),
                    measure_html: s.measure.as_deref().map(|m| self.inline(m)),
                }
            })
            .collect();
        PlanView {
            overdue: steps
                .iter()
                .filter(|s| s.state == StepState::Overdue)
                .cloned()
                .collect(),
            steps,
        }
    }

    fn review(&self, p: &Partner) -> Option<ReviewView> {
        let r = p.review.as_ref()?;
        let due = review_due(p, &self.site.config);
        let overdue = self.review_overdue(p);
        let every_days = self.site.config.review_cadence(p);
        let label = match (r.last, due, every_days) {
            (Some(_), Some(due), _) if overdue => format!("Review overdue since {due}"),
            (Some(_), Some(due), _) => format!("Next review due on {due}"),
            (Some(last), None, _) => format!("Last reviewed on {last}; no cadence is set"),
            (None, _, Some(every)) => format!("Not reviewed yet; reviews every {every} days"),
            (None, _, None) => "Not reviewed yet; no cadence is set".to_string(),
        };
        Some(ReviewView {
            last: r.last.map(|d| d.to_string()),
            every_days,
            due: due.map(|d| d.to_string()),
            overdue,
            label,
        })
    }

    fn influence(&self, p: &Partner) -> InfluenceView {
        InfluenceView {
            people: p
                .influence_map
                .iter()
                .map(|person| PersonView {
                    name: person.name.clone(),
                    title: person.title.clone(),
                    influence: person.influence.map_or("", Influence::as_str),
                    influence_label: person.influence.map_or("Unknown", Influence::label),
                    attitude: person.attitude.map_or("", Attitude::as_str),
                    attitude_class: person.attitude.map_or("unknown", Attitude::as_str),
                    attitude_label: person.attitude.map_or("Unknown", Attitude::label),
                    attitude_symbol: influence::symbol(person.attitude),
                    style_html: person.style.as_deref().map(|s| self.inline(s)),
                    relationships: person.relationships.clone(),
                    relationships_text: person.relationships.join(", "),
                })
                .collect(),
            diagram: influence::layout(&p.name, &p.influence_map),
            grid: grid::grid(&p.name, &p.influence_map),
        }
    }

    /// A partner, whole, for its page and its worksheet.
    pub(crate) fn partner(&self, p: &Partner, prep: &PartnerPrep) -> PartnerView {
        let review = self.review(p);
        let worksheet = self.worksheet(p, prep, review.as_ref());
        let html = |parsed: &markdown::Parsed| parsed.render(&self.md()).html;
        PartnerView {
            summary: self.partner_summary(p),
            name_text: title_text(&p.name),
            tier_label: p.tier.label(),
            tier_url: self.url(&format!("tiers/{}", p.tier)),
            proposition: PropositionView {
                we_do: html(&prep.we_do),
                they_do: html(&prep.they_do),
                together: html(&prep.together),
                partner_benefit: html(&prep.partner_benefit),
                our_benefit: prep.our_benefit.as_ref().map(html),
                customer_benefit: prep.customer_benefit.as_ref().map(html),
                pain_point: prep.pain_point.as_ref().map(html),
            },
            scenario: p.scenario.map(|s| Named {
                name: s.as_str(),
                label: s.label(),
                description: s.description(),
            }),
            objectives: named(&p.objectives),
            partner_objectives: named(&p.partner_objectives),
            target_market: p.target_market.as_deref().map(|s| self.inline(s)),
            revenue_goal: p.revenue_goal.as_deref().map(|s| self.inline(s)),
            commitments: CommitmentsView {
                ours: p.commitments.ours.iter().map(|s| self.inline(s)).collect(),
                theirs: p
                    .commitments
                    .theirs
                    .iter()
                    .map(|s| self.inline(s))
                    .collect(),
            },
            plan: self.plan(p),
            rules: self.merged_rules(p),
            influence: self.influence(p),
            playbooks: self.playbooks_for(p),
            review,
            worksheet,
        }
    }
}

/// Objectives with their labels.
fn named(objectives: &[Objective]) -> Vec<Named> {
    objectives
        .iter()
        .map(|o| Named {
            name: o.as_str(),
            label: o.label(),
            description: "",
        })
        .collect()
}

/// How far `p`'s joint plan has come; `None` without a plan.
pub(super) fn progress(p: &Partner) -> Option<ProgressView> {
    let (done, total) = attention::progress(p);
    (total > 0).then(|| ProgressView {
        done,
        total,
        label: format!(
            "{done} of {total} step{} done",
            if total == 1 { "" } else { "s" }
        ),
    })
}
