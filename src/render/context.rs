//! What templates see: plain, serialisable views of the site, built for one
//! page at a time. Every URL in a view is already relative to the page it is
//! rendered into, so a template writes `href="{{ partner.url }}"` and the
//! link works at a domain root, under a sub-path and from disk.
//!
//! Every text that came from Markdown is HTML, safe to print with `| safe`:
//! the fields ending in `_html`, and those documented as HTML (the
//! proposition, rules, commitments, worksheet answers, target market and
//! revenue goal). Every other string is plain text that Tera escapes.

use serde::Serialize;
use tera::value::{Key, Value};

use crate::markdown::{self, Context as MdContext, TocEntry};
use crate::pipeline::validate::review_due;
use crate::playbook::Playbook;
use crate::record::{self, Attitude, Influence, Partner, Status, Tier};
use crate::site::Site;

use super::influence::{self, Diagram};

/// Builds views for pages at one depth of the site.
pub struct Views<'a> {
    /// The site.
    pub site: &'a Site,
    /// `""`, `"../"`, ...: the way from the page back to the site root.
    pub root: String,
    /// The date review status is computed for.
    pub today: jiff::civil::Date,
    /// Each partner's benefit as plain text, shared by every page.
    pub benefits: &'a Benefits,
}

/// The path to the root that a partner's view is built with, so that
/// its page and its worksheet, at different depths, share one view: every
/// link the view makes starts `@/` until [`place`] puts in each page's
/// own root. Without raw HTML nothing else in rendered Markdown can read
/// `href="@/` or `src="@/`: a written `@/` link is always resolved or
/// dropped, an `@/` image dropped, and quotes in text and attributes are
/// escaped.
pub const ROOT_MARK: &str = "@/";

/// `html` with every `href="@/` and `src="@/` (an image beside the
/// records) made `href="<root>`, or `None` when it has none (and so reads
/// the same at every depth).
fn rooted(html: &str, root: &str) -> Option<String> {
    let links = rooted_at(html, "href=\"", root);
    let images = rooted_at(links.as_deref().unwrap_or(html), "src=\"", root);
    images.or(links)
}

/// `html` with every `<attr>@/` made `<attr><root>`, or `None` when it has
/// none.
fn rooted_at(html: &str, attr: &str, root: &str) -> Option<String> {
    let marked = format!("{attr}{ROOT_MARK}");
    let mut found = memchr::memmem::find_iter(html.as_bytes(), marked.as_bytes()).peekable();
    found.peek()?;
    let mut out = String::with_capacity(html.len() + 64);
    let mut start = 0;
    for i in found {
        out.push_str(&html[start..i]);
        out.push_str(attr);
        out.push_str(root);
        start = i + marked.len();
    }
    out.push_str(&html[start..]);
    Some(out)
}

/// Whether a partner's page and worksheet share one view, built with
/// [`ROOT_MARK`]. Not with raw HTML allowed: a text could then read
/// `href="@/` itself, and [`place`] would change it.
pub fn shares_views(site: &Site) -> bool {
    !site.config.allow_html
}

/// How one field of a partner's view is placed at a page's depth:
/// `None` when it does not change.
type Place = fn(&Value, &str) -> Option<Value>;

/// `view`, a partner's view built with [`ROOT_MARK`] for the root, for a
/// page whose way back to the root is `root`. Only the fields that hold
/// URLs, or HTML that may hold links, are looked at, so a name or a tag
/// that reads `@/` is left as written; what does not change is shared,
/// not copied.
pub fn place(view: &Value, root: &str) -> Value {
    const PARTS: [(&str, Place); 12] = [
        ("url", url_placed),
        ("worksheet_url", url_placed),
        ("tier_url", url_placed),
        ("summary_html", html_placed),
        ("target_market", html_placed),
        ("revenue_goal", html_placed),
        // the record's Markdown fields of these, every one rendered as HTML
        ("proposition", |v, root| {
            html_fields(v, root, record::PROPOSITION_FIELDS)
        }),
        ("commitments", |v, root| {
            html_fields(v, root, record::COMMITMENT_FIELDS)
        }),
        ("worksheet", |v, root| {
            html_fields(v, root, record::WORKSHEET_FIELDS)
        }),
        ("rules", |v, root| {
            items(v, root, |rule, root| html_fields(rule, root, &["html"]))
        }),
        ("playbooks", |v, root| {
            items(v, root, |link, root| {
                let url: Place = url_placed;
                fields(link, root, [("url", url)])
            })
        }),
        ("influence", |v, root| {
            let people: Place = |people, root| {
                items(people, root, |person, root| {
                    html_fields(person, root, &["style_html"])
                })
            };
            fields(v, root, [("people", people)])
        }),
    ];
    fields(view, root, PARTS).unwrap_or_else(|| view.clone())
}

/// `value`, a map, with each of `parts` placed; `None` when none changes.
fn fields(
    value: &Value,
    root: &str,
    parts: impl IntoIterator<Item = (&'static str, Place)>,
) -> Option<Value> {
    let map = value.as_map()?;
    let changed: Vec<(Key<'static>, Value)> = parts
        .into_iter()
        .filter_map(|(key, place)| {
            let key = Key::Str(key);
            let new = place(map.get(&key)?, root)?;
            Some((key, new))
        })
        .collect();
    if changed.is_empty() {
        return None;
    }
    let mut map = map.clone();
    map.extend(changed);
    Some(Value::from(map))
}

/// `value`, a map, with the HTML under each of `keys` placed.
fn html_fields(value: &Value, root: &str, keys: &[&'static str]) -> Option<Value> {
    let html: Place = html_placed;
    fields(value, root, keys.iter().map(|&key| (key, html)))
}

/// `value`, a list, with `place` applied to each item; `None` when no item
/// changes.
fn items(value: &Value, root: &str, place: Place) -> Option<Value> {
    let list = value.as_array()?;
    let placed: Vec<Option<Value>> = list.iter().map(|v| place(v, root)).collect();
    placed.iter().any(Option::is_some).then(|| {
        let list: Vec<Value> = placed
            .into_iter()
            .zip(list)
            .map(|(new, old)| new.unwrap_or_else(|| old.clone()))
            .collect();
        Value::from(list)
    })
}

/// A URL made with [`ROOT_MARK`], made with `root`.
fn url_placed(value: &Value, root: &str) -> Option<Value> {
    let rest = value.as_str()?.strip_prefix(ROOT_MARK)?;
    Some(Value::from(format!("{root}{rest}")))
}

/// HTML, or a list of HTML strings, with `root` put in its links.
fn html_placed(value: &Value, root: &str) -> Option<Value> {
    match value.as_str() {
        Some(html) => rooted(html, root).map(Value::from),
        None => items(value, root, |html, root| {
            rooted(html.as_str()?, root).map(Value::from)
        }),
    }
}

/// Every partner's benefit as plain text (for one-line excerpts and
/// search), worked out once per render and shared by the pages that list
/// the partner. Filled on first use, or all at once in parallel.
pub struct Benefits(Vec<std::sync::OnceLock<String>>);

impl Benefits {
    /// Room for the benefits of `site`'s partners.
    pub fn new(site: &Site) -> Benefits {
        Benefits(
            (0..site.partners.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        )
    }

    /// Works out every partner's benefit, in parallel.
    pub fn fill(&self, site: &Site) {
        use rayon::prelude::*;
        self.0.par_iter().zip(&site.partners).for_each(|(cell, p)| {
            cell.get_or_init(|| Benefits::plain(site, p));
        });
    }

    /// The benefit of `p` as plain text.
    pub fn of(&self, site: &Site, p: &Partner) -> &str {
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
/// both: the proposition's Markdown, parsed, and the plain-text pitch.
pub struct PartnerPrep<'p> {
    we_do: markdown::Parsed<'p>,
    they_do: markdown::Parsed<'p>,
    together: markdown::Parsed<'p>,
    partner_benefit: markdown::Parsed<'p>,
    customer_benefit: Option<markdown::Parsed<'p>>,
    pain_point: Option<markdown::Parsed<'p>>,
    pitch: String,
}

impl<'p> PartnerPrep<'p> {
    /// Parses `p`'s proposition and composes its pitch from the opening
    /// paragraph of each part, so the pitch stays one paragraph however
    /// long the parts are.
    pub fn new(p: &'p Partner, allow_html: bool) -> PartnerPrep<'p> {
        let prop = &p.proposition;
        let parse = |s: &'p str| markdown::Parsed::new(s, allow_html);
        let we_do = parse(&prop.we_do);
        let they_do = parse(&prop.they_do);
        let together = parse(&prop.together);
        let partner_benefit = parse(&prop.partner_benefit);
        let customer_benefit = prop.customer_benefit.as_deref().map(parse);
        let mut pitch = format!(
            "Here is what we do: {} Here is what you do: {} Together we would like to deliver this: {} What is in it for you: {}",
            sentence(&we_do.lead()),
            sentence(&they_do.lead()),
            sentence(&together.lead()),
            sentence(&partner_benefit.lead()),
        );
        if let Some(c) = &customer_benefit {
            pitch.push_str(&format!(
                " And for our mutual customers: {}",
                sentence(&c.lead())
            ));
        }
        PartnerPrep {
            we_do,
            they_do,
            together,
            partner_benefit,
            customer_benefit,
            pain_point: prop.pain_point.as_deref().map(parse),
            pitch,
        }
    }
}

/// `text` without bidi controls (the Unicode property Bidi_Control: U+061C,
/// U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), for a `<title>` or
/// an attribute, which cannot hold markup to isolate a name: a U+202E in a partner's name
/// would reverse the rest of the tab's text (issue 18). Right-to-left
/// letters are kept; the browser orders them by themselves.
pub fn title_text(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
        })
        .collect()
}

/// The site, as every page sees it.
#[derive(Serialize)]
pub struct SiteView<'a> {
    /// `title` from the configuration.
    pub title: &'a str,
    /// `title` without bidi controls, for `<title>`: it cannot hold the
    /// `<bdi>` that isolates the title in the page.
    pub title_text: String,
    /// `description` from the configuration.
    pub description: Option<&'a str>,
    /// `base_url`, when set.
    pub base_url: Option<&'a str>,
    /// "partnerbook 0.1.0".
    pub generator: String,
}

/// A link: text and URL.
#[derive(Serialize, Clone)]
pub struct Link {
    /// The text to show.
    pub title: String,
    /// The URL, relative to the page.
    pub url: String,
    /// A machine name (a tier's `strategic`), where there is one.
    pub name: String,
}

/// Links every page's header and footer need.
#[derive(Serialize)]
pub struct Nav {
    /// The portfolio.
    pub home: String,
    /// The playbook list.
    pub playbooks: String,
    /// The search box, on the portfolio.
    pub search: String,
    /// The three tier pages.
    pub tiers: Vec<Link>,
    /// The stylesheet.
    pub stylesheet: String,
    /// The search script and its index.
    pub search_script: String,
    /// The search index.
    pub search_index: String,
}

/// A partner in a list.
#[derive(Serialize)]
pub struct PartnerSummary {
    /// The slug.
    pub slug: String,
    /// The name.
    pub name: String,
    /// The partner page.
    pub url: String,
    /// The worksheet page.
    pub worksheet_url: String,
    /// `strategic`, `tactical` or `casual`.
    pub tier: &'static str,
    /// `prospect`, `active`, `paused` or `ended`.
    pub status: &'static str,
    /// The `type` label.
    pub kind: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// The owner.
    pub owner: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The summary, inline HTML.
    pub summary_html: Option<String>,
    /// The partner benefit as one line of plain text.
    pub benefit_line: String,
    /// Whether the last review is older than the review cadence.
    pub review_overdue: bool,
}

/// A tier with its partners.
#[derive(Serialize)]
pub struct TierView {
    /// `strategic`, `tactical` or `casual`.
    pub name: &'static str,
    /// "Strategic".
    pub label: &'static str,
    /// What the tier is for.
    pub description: &'static str,
    /// The tier page.
    pub url: String,
    /// Partners that take a place (all but ended ones).
    pub count: usize,
    /// `max_partners`, if any.
    pub capacity: Option<u64>,
    /// Whether `count` exceeds `capacity`.
    pub over_capacity: bool,
    /// Every partner of the tier, ended ones included.
    pub partners: Vec<PartnerSummary>,
    /// The tier's default rules of engagement.
    pub rules: Vec<RuleView>,
}

/// One rule of engagement.
#[derive(Serialize)]
pub struct RuleView {
    /// The topic key, `lead_sharing`.
    pub topic: String,
    /// The topic for people, "Lead sharing".
    pub title: String,
    /// The rule, HTML.
    pub html: String,
    /// `tier`, `partner` or `override`.
    pub source: &'static str,
    /// Where the rule comes from, for people.
    pub source_label: String,
}

/// The proposition, every part as HTML.
#[derive(Serialize)]
pub struct PropositionView {
    /// What we do.
    pub we_do: String,
    /// What they do.
    pub they_do: String,
    /// What we deliver together.
    pub together: String,
    /// What is in it for the partner.
    pub partner_benefit: String,
    /// What is in it for our mutual customers.
    pub customer_benefit: Option<String>,
    /// The business problem it solves.
    pub pain_point: Option<String>,
}

/// A value with its machine name, label and explanation.
#[derive(Serialize)]
pub struct Named {
    /// The name as written in records.
    pub name: &'static str,
    /// The name for people.
    pub label: &'static str,
    /// What it means.
    pub description: &'static str,
}

/// Resources each side commits, as HTML.
#[derive(Serialize)]
pub struct CommitmentsView {
    /// Ours.
    pub ours: Vec<String>,
    /// Theirs.
    pub theirs: Vec<String>,
}

/// A person of the influence map.
#[derive(Serialize)]
pub struct PersonView {
    /// Their name.
    pub name: String,
    /// Their title.
    pub title: Option<String>,
    /// `high`, `medium`, `low`, or empty when not given.
    pub influence: &'static str,
    /// "High", "Medium", "Low", or "Unknown".
    pub influence_label: &'static str,
    /// `positive`, `neutral`, `negative`, or empty.
    pub attitude: &'static str,
    /// `attitude`, or `unknown`: for a class name.
    pub attitude_class: &'static str,
    /// "Positive", "Neutral", "Negative", or "Unknown".
    pub attitude_label: &'static str,
    /// A symbol for the attitude that does not rely on colour: + = −.
    pub attitude_symbol: &'static str,
    /// Their personal style, HTML.
    pub style_html: Option<String>,
    /// Names of related people.
    pub relationships: Vec<String>,
    /// The names of related people, joined with commas.
    pub relationships_text: String,
}

/// The influence map: the people, and a diagram of them.
#[derive(Serialize)]
pub struct InfluenceView {
    /// Everyone, in the order written.
    pub people: Vec<PersonView>,
    /// The diagram; `None` for an empty map.
    pub diagram: Option<Diagram>,
}

/// When the partnership was and will be reviewed.
#[derive(Serialize)]
pub struct ReviewView {
    /// The last review, `YYYY-MM-DD`.
    pub last: Option<String>,
    /// The cadence in days.
    pub every_days: u64,
    /// When the next review is due.
    pub due: Option<String>,
    /// Whether it is past due.
    pub overdue: bool,
    /// A sentence for people: "Next review due on 2027-01-01".
    pub label: String,
}

/// One item of the readiness checklist.
#[derive(Serialize)]
pub struct CheckItem {
    /// What should be true.
    pub label: &'static str,
    /// Whether the record shows it is.
    pub done: bool,
    /// What to do when it is not.
    pub hint: &'static str,
    /// `hint` as HTML, with the names of fields in `<code>`.
    pub hint_html: String,
}

/// The worksheet's own fields, as HTML.
#[derive(Serialize)]
pub struct WorksheetView {
    /// How the partnership fits our product strategy.
    pub product_strategy: Option<String>,
    /// Their market pressures and aspirations.
    pub their_business: Option<String>,
    /// Open questions.
    pub open_questions: Vec<String>,
    /// Next steps.
    pub next_steps: Vec<String>,
    /// The one-paragraph pitch, plain text composed from the proposition.
    pub pitch: String,
    /// The readiness checklist, computed from the record.
    pub checklist: Vec<CheckItem>,
    /// How many checklist items are done.
    pub ready: usize,
}

/// A partner, whole.
#[derive(Serialize)]
pub struct PartnerView {
    /// Name, links and labels, as in lists.
    #[serde(flatten)]
    pub summary: PartnerSummary,
    /// The name without bidi controls, for attributes such as the page's
    /// description, which cannot hold a `<bdi>`.
    pub name_text: String,
    /// "Strategic".
    pub tier_label: &'static str,
    /// The tier page.
    pub tier_url: String,
    /// The proposition.
    pub proposition: PropositionView,
    /// The scenario.
    pub scenario: Option<Named>,
    /// The objectives.
    pub objectives: Vec<Named>,
    /// Target market, HTML.
    pub target_market: Option<String>,
    /// Revenue goal, HTML.
    pub revenue_goal: Option<String>,
    /// Commitments.
    pub commitments: CommitmentsView,
    /// Tier defaults merged with the partner's own rules.
    pub rules: Vec<RuleView>,
    /// The influence map.
    pub influence: InfluenceView,
    /// Playbooks that name this partner or its tier.
    pub playbooks: Vec<Link>,
    /// Review status.
    pub review: Option<ReviewView>,
    /// The worksheet.
    pub worksheet: WorksheetView,
}

/// A playbook in a list.
#[derive(Serialize)]
pub struct PlaybookSummary {
    /// The title.
    pub title: String,
    /// The page.
    pub url: String,
    /// The summary, inline HTML.
    pub summary_html: Option<String>,
    /// Tiers it applies to.
    pub tiers: Vec<Link>,
    /// Partners it applies to.
    pub partners: Vec<Link>,
}

/// A playbook, whole.
#[derive(Serialize)]
pub struct PlaybookView {
    /// Title, summary, links.
    #[serde(flatten)]
    pub summary: PlaybookSummary,
    /// The title without bidi controls, for attributes.
    pub title_text: String,
    /// The body, HTML.
    pub content_html: String,
    /// The table of contents.
    pub toc: Vec<TocEntry>,
}

/// "lead_sharing" → "Lead sharing".
pub fn topic_title(topic: &str) -> String {
    let spaced = topic.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
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
    pub fn html(&self, md: &str) -> String {
        markdown::render(md, &self.md()).html
    }

    /// Markdown of a partner record to HTML, a single paragraph unwrapped.
    pub fn inline(&self, md: &str) -> String {
        markdown::render_inline(md, &self.md())
    }

    /// Markdown of the configuration to HTML, a single paragraph
    /// unwrapped: its relative links start from content/.
    pub fn config_inline(&self, md: &str) -> String {
        markdown::render_inline(md, &self.md_in(""))
    }

    /// The URL of page folder `path` (`partners/x`), relative to this page.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.root, self.site.targets.page_url(path))
    }

    /// The URL of a file at `path` below the root, relative to this page.
    pub fn file(&self, path: &str) -> String {
        format!("{}{path}", self.root)
    }

    /// The site view.
    pub fn site_view(&self) -> SiteView<'a> {
        let c = &self.site.config;
        SiteView {
            title: &c.title,
            title_text: title_text(&c.title),
            description: c.description.as_deref(),
            base_url: c.base_url.as_deref(),
            generator: format!("partnerbook {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The navigation links.
    pub fn nav(&self) -> Nav {
        Nav {
            home: self.url(""),
            playbooks: self.url("playbooks"),
            search: format!("{}#search", self.url("")),
            tiers: Tier::ALL.map(|t| self.tier_link(t)).to_vec(),
            stylesheet: self.file("style.css"),
            search_script: self.file("search.js"),
            search_index: self.file("search-index.js"),
        }
    }

    fn tier_link(&self, tier: Tier) -> Link {
        Link {
            title: tier.label().to_string(),
            url: self.url(&format!("tiers/{tier}")),
            name: tier.as_str().to_string(),
        }
    }

    /// A partner as a list entry.
    pub fn partner_summary(&self, p: &Partner) -> PartnerSummary {
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
            benefit_line: markdown::truncate(self.benefits.of(self.site, p), 160),
        }
    }

    /// A tier with its partners and rules.
    pub fn tier(&self, tier: Tier) -> TierView {
        let settings = self.site.config.tier(tier);
        let partners: Vec<&Partner> = self.site.partners_in(tier).collect();
        let count = partners
            .iter()
            .filter(|p| p.status != Status::Ended)
            .count();
        TierView {
            name: tier.as_str(),
            label: tier.label(),
            description: tier.description(),
            url: self.url(&format!("tiers/{tier}")),
            count,
            capacity: settings.max_partners,
            over_capacity: settings.max_partners.is_some_and(|m| count as u64 > m),
            partners: partners.iter().map(|p| self.partner_summary(p)).collect(),
            rules: settings
                .rules_of_engagement
                .iter()
                .map(|(topic, rule)| RuleView {
                    topic: topic.clone(),
                    title: topic_title(topic),
                    html: self.config_inline(rule),
                    source: "tier",
                    source_label: format!("{} tier default", tier.label()),
                })
                .collect(),
        }
    }

    /// The tier's defaults, then the partner's own rules: a partner rule on
    /// a tier topic replaces it in place; new topics follow in the order
    /// written.
    pub fn merged_rules(&self, p: &Partner) -> Vec<RuleView> {
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

    fn playbook_link(&self, pb: &Playbook) -> Link {
        Link {
            title: pb.title.clone(),
            url: self.url(&format!("playbooks/{}", pb.path)),
            name: pb.path.clone(),
        }
    }

    /// Whether the partner's review is past due (never for ended partners).
    fn review_overdue(&self, p: &Partner) -> bool {
        p.status != Status::Ended
            && p.review
                .as_ref()
                .and_then(review_due)
                .is_some_and(|d| d < self.today)
    }

    fn review(&self, p: &Partner) -> Option<ReviewView> {
        let r = p.review.as_ref()?;
        let due = review_due(r);
        let overdue = self.review_overdue(p);
        let every_days = r.every_days.unwrap_or(crate::record::DEFAULT_REVIEW_DAYS);
        let label = match (r.last, due) {
            (Some(_), Some(due)) if overdue => format!("Review overdue since {due}"),
            (Some(_), Some(due)) => format!("Next review due on {due}"),
            _ => format!("Not reviewed yet; reviews every {every_days} days"),
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
        }
    }

    /// A partner, whole, for its page and its worksheet.
    pub fn partner(&self, p: &Partner, prep: &PartnerPrep) -> PartnerView {
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
                customer_benefit: prep.customer_benefit.as_ref().map(html),
                pain_point: prep.pain_point.as_ref().map(html),
            },
            scenario: p.scenario.map(|s| Named {
                name: s.as_str(),
                label: s.label(),
                description: s.description(),
            }),
            objectives: p
                .objectives
                .iter()
                .map(|o| Named {
                    name: o.as_str(),
                    label: o.label(),
                    description: "",
                })
                .collect(),
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
            rules: self.merged_rules(p),
            influence: self.influence(p),
            playbooks: self.playbooks_for(p),
            review,
            worksheet,
        }
    }

    fn worksheet(
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

    /// A playbook as a list entry.
    pub fn playbook_summary(&self, pb: &Playbook) -> PlaybookSummary {
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
    pub fn playbook(&self, pb: &Playbook) -> PlaybookView {
        let rendered = markdown::render(self.site.body(pb), &self.md_in(self.folder(pb)));
        PlaybookView {
            summary: self.playbook_summary(pb),
            title_text: title_text(&pb.title),
            content_html: rendered.html,
            toc: rendered.toc,
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

/// `text` ending in a full stop, so composed sentences read as sentences.
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?', '…']) || t.is_empty() {
        t.to_string()
    } else {
        format!("{t}.")
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

    #[test]
    fn topic_titles() {
        assert_eq!(topic_title("lead_sharing"), "Lead sharing");
        assert_eq!(topic_title("deal-registration"), "Deal registration");
        assert_eq!(topic_title(""), "");
    }
}
