//! The partner record (`content/partners/<slug>.yaml`): its types, and
//! decoding one from parsed YAML with every problem collected.

use std::fmt;

use crate::yaml::{Mapping, Value};
use serde::Serialize;

use crate::diagnostic::Code;
use crate::yaml::decode::{self, Decoder, child};
use crate::yaml::{Issue, Seg, Target, YamlPath};

/// Defines an enum whose values are written as keywords in records, with
/// its list of keywords, `as_str`, `Display` and `Serialize` as the keyword.
macro_rules! keywords {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value with its keyword, in the order documented.
            pub const CHOICES: &'static [(&'static str, $name)] = &[$(($text, $name::$variant),)+];

            /// The keyword, as written in records.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

keywords! {
    /// How much a partnership matters, and so what each side invests in it.
    /// The order (and so `as usize`) is most important first.
    Tier {
        /// One or two intimate partnerships carrying a market initiative.
        Strategic = "strategic",
        /// A handful of focused programmes.
        Tactical = "tactical",
        /// Worked opportunity by opportunity.
        Casual = "casual",
    }
}

impl Tier {
    /// Every tier, most important first.
    pub const ALL: [Tier; 3] = [Tier::Strategic, Tier::Tactical, Tier::Casual];

    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Strategic => "Strategic",
            Tier::Tactical => "Tactical",
            Tier::Casual => "Casual",
        }
    }

    /// What the tier means, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Tier::Strategic => {
                "The one or two partnerships a market initiative depends on: executive sponsors, a joint plan and real people on both sides."
            }
            Tier::Tactical => {
                "Focused programmes with a few product or service partners, each with an owner, a target market and an end date."
            }
            Tier::Casual => {
                "Relationships the field team works deal by deal, with no standing commitments."
            }
        }
    }
}

keywords! {
    /// Where the relationship stands.
    Status {
        /// Being explored (the default).
        Prospect = "prospect",
        /// Running.
        Active = "active",
        /// On hold.
        Paused = "paused",
        /// Over; kept for the record.
        Ended = "ended",
    }
}

keywords! {
    /// The three shapes of go-to-market partnership that make money for both sides.
    Scenario {
        /// The two offerings sell better together.
        CombinedOffering = "combined-offering",
        /// Each side is strong in a segment the other is not.
        ChannelReach = "channel-reach",
        /// The partner's customers trust it and need what we sell.
        TrustedRelationship = "trusted-relationship",
    }
}

impl Scenario {
    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Scenario::CombinedOffering => "Combined offering",
            Scenario::ChannelReach => "Channel reach",
            Scenario::TrustedRelationship => "Trusted relationship",
        }
    }

    /// What the scenario means.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::CombinedOffering => {
                "Our offerings win more customers sold together than apart."
            }
            Scenario::ChannelReach => {
                "Each side already owns a segment the other cannot reach, and introduces the other to it."
            }
            Scenario::TrustedRelationship => {
                "Their customers already trust them, and need what we sell."
            }
        }
    }
}

keywords! {
    /// Why invest in a partnership at all.
    Objective {
        /// Win share in a named market.
        MarketShare = "market-share",
        /// Reach customers we cannot reach alone.
        MarketAccess = "market-access",
        /// Shorten sales cycles.
        FasterSales = "faster-sales",
        /// Gain power in the value chain.
        ValueChainPower = "value-chain-power",
    }
}

impl Objective {
    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Objective::MarketShare => "Win share in a target market",
            Objective::MarketAccess => "Reach customers we could not reach alone",
            Objective::FasterSales => "Shorten sales cycles",
            Objective::ValueChainPower => "Build power in our value chain",
        }
    }
}

keywords! {
    /// High, medium or low (a person's influence).
    Influence {
        /// Decides or sways decisions.
        High = "high",
        /// Heard when decisions are made.
        Medium = "medium",
        /// Rarely part of decisions.
        Low = "low",
    }
}

keywords! {
    /// A person's attitude towards us.
    Attitude {
        /// Supports us.
        Positive = "positive",
        /// Undecided.
        Neutral = "neutral",
        /// Opposes us.
        Negative = "negative",
    }
}

keywords! {
    /// Whose step of the joint plan it is.
    Side {
        /// Ours to do.
        Ours = "ours",
        /// The partner's to do.
        Theirs = "theirs",
        /// Both sides together.
        Joint = "joint",
    }
}

impl Side {
    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Side::Ours => "Us",
            Side::Theirs => "Partner",
            Side::Joint => "Joint",
        }
    }
}

impl Influence {
    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Influence::High => "High",
            Influence::Medium => "Medium",
            Influence::Low => "Low",
        }
    }
}

impl Attitude {
    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            Attitude::Positive => "Positive",
            Attitude::Neutral => "Neutral",
            Attitude::Negative => "Negative",
        }
    }
}

/// The partnering proposition.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Proposition {
    /// What we do.
    pub we_do: String,
    /// What they do.
    pub they_do: String,
    /// What we deliver together.
    pub together: String,
    /// What is in it for the partner.
    pub partner_benefit: String,
    /// What is in it for us.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub our_benefit: Option<String>,
    /// What is in it for our mutual customers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_benefit: Option<String>,
    /// The business problem it solves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pain_point: Option<String>,
}

/// Resources each side dedicates.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Commitments {
    /// Ours.
    pub ours: Vec<String>,
    /// Theirs.
    pub theirs: Vec<String>,
}

/// The partnering proposition worksheet's own fields.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Worksheet {
    /// How the partnership fits our product strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_strategy: Option<String>,
    /// Their market pressures and aspirations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub their_business: Option<String>,
    /// What we still need to find out.
    pub open_questions: Vec<String>,
    /// What happens next.
    pub next_steps: Vec<String>,
}

/// A key person at the partner.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    /// Their name, unique within the record.
    pub name: String,
    /// Their job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Their authority and influence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub influence: Option<Influence>,
    /// Their attitude towards us.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attitude: Option<Attitude>,
    /// Their personal style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Other people in the map they have a relationship with.
    pub relationships: Vec<String>,
}

/// When the relationship was last reviewed, and how often it should be.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    /// The date of the last review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<jiff::civil::Date>,
    /// The review cadence in days, if the record sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_days: Option<u64>,
}

/// One step of the joint plan: what happens after the handshake.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Its position in the record's `plan` list, from 0: where diagnostics
    /// about it point.
    #[serde(skip)]
    pub entry: usize,
    /// What is to be done (inline Markdown).
    pub step: String,
    /// Whose step it is.
    pub owner: Side,
    /// The person doing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    /// When it is due.
    pub due: jiff::civil::Date,
    /// When it was done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<jiff::civil::Date>,
    /// How both sides will know it is done (inline Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

/// One partner, as read from its record.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    /// The file name without extension: the URL segment.
    pub slug: String,
    /// Index of the record's file in the site's sources.
    #[serde(skip)]
    pub source: usize,
    /// The partner's name.
    pub name: String,
    /// The tier.
    pub tier: Tier,
    /// A free label: isv, var, consultancy...
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Where the relationship stands.
    pub status: Status,
    /// Who manages the relationship.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// A one-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Whether the record is a draft.
    pub draft: bool,
    /// The partnering proposition.
    pub proposition: Proposition,
    /// Which of the three scenarios this is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
    /// Why we invest in it.
    pub objectives: Vec<Objective>,
    /// Why the partner invests in it: the same four reasons, theirs.
    pub partner_objectives: Vec<Objective>,
    /// Who we sell to together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_market: Option<String>,
    /// What it should bring in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue_goal: Option<String>,
    /// Resources each side dedicates.
    pub commitments: Commitments,
    /// The partner's own rules, topic to rule, in the order written.
    #[serde(serialize_with = "serialize_pairs")]
    pub rules_of_engagement: Vec<(String, String)>,
    /// The worksheet fields.
    pub worksheet: Worksheet,
    /// Key people at the partner.
    pub influence_map: Vec<Person>,
    /// Review dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    /// The joint plan, in the order written.
    pub plan: Vec<Step>,
}

/// Writes ordered pairs as a JSON object, keeping their order.
fn serialize_pairs<S: serde::Serializer>(
    pairs: &[(String, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl Partner {
    /// Every Markdown field with its path in the record, for checks that
    /// read text (links, vague language).
    pub fn markdown_fields(&self) -> Vec<(YamlPath, &str)> {
        let mut out: Vec<(YamlPath, &str)> = Vec::new();
        let key = |k: &str| Seg::Key(k.to_string());
        let p = &self.proposition;
        for (name, text) in [
            ("we_do", Some(&p.we_do)),
            ("they_do", Some(&p.they_do)),
            ("together", Some(&p.together)),
            ("partner_benefit", Some(&p.partner_benefit)),
            ("our_benefit", p.our_benefit.as_ref()),
            ("customer_benefit", p.customer_benefit.as_ref()),
            ("pain_point", p.pain_point.as_ref()),
        ] {
            if let Some(text) = text {
                out.push((vec![key("proposition"), key(name)], text));
            }
        }
        for (name, text) in [
            ("summary", &self.summary),
            ("target_market", &self.target_market),
            ("revenue_goal", &self.revenue_goal),
        ] {
            if let Some(text) = text {
                out.push((vec![key(name)], text));
            }
        }
        for (side, items) in [
            ("ours", &self.commitments.ours),
            ("theirs", &self.commitments.theirs),
        ] {
            for (i, text) in items.iter().enumerate() {
                out.push((vec![key("commitments"), key(side), Seg::Index(i)], text));
            }
        }
        for (topic, rule) in &self.rules_of_engagement {
            out.push((vec![key("rules_of_engagement"), key(topic)], rule));
        }
        let w = &self.worksheet;
        for (name, text) in [
            ("product_strategy", &w.product_strategy),
            ("their_business", &w.their_business),
        ] {
            if let Some(text) = text {
                out.push((vec![key("worksheet"), key(name)], text));
            }
        }
        for (name, items) in [
            ("open_questions", &w.open_questions),
            ("next_steps", &w.next_steps),
        ] {
            for (i, text) in items.iter().enumerate() {
                out.push((vec![key("worksheet"), key(name), Seg::Index(i)], text));
            }
        }
        for step in &self.plan {
            let at = |k| vec![key("plan"), Seg::Index(step.entry), key(k)];
            out.push((at("step"), &step.step));
            if let Some(measure) = &step.measure {
                out.push((at("measure"), measure));
            }
        }
        for (i, person) in self.influence_map.iter().enumerate() {
            if let Some(style) = &person.style {
                out.push((
                    vec![key("influence_map"), Seg::Index(i), key("style")],
                    style,
                ));
            }
        }
        out
    }
}

/// The fields of a record, at each level.
pub const FIELDS: &[&str] = &[
    "name",
    "tier",
    "type",
    "status",
    "owner",
    "region",
    "tags",
    "summary",
    "draft",
    "proposition",
    "scenario",
    "objectives",
    "partner_objectives",
    "target_market",
    "revenue_goal",
    "commitments",
    "rules_of_engagement",
    "worksheet",
    "influence_map",
    "review",
    "plan",
];
/// The fields of `proposition`.
pub const PROPOSITION_FIELDS: &[&str] = &[
    "we_do",
    "they_do",
    "together",
    "partner_benefit",
    "our_benefit",
    "customer_benefit",
    "pain_point",
];
/// The fields of `commitments`.
pub const COMMITMENT_FIELDS: &[&str] = &["ours", "theirs"];
/// The fields of `worksheet`.
pub const WORKSHEET_FIELDS: &[&str] = &[
    "product_strategy",
    "their_business",
    "open_questions",
    "next_steps",
];
/// The fields of one influence-map person.
pub const PERSON_FIELDS: &[&str] = &[
    "name",
    "title",
    "influence",
    "attitude",
    "style",
    "relationships",
];
/// The fields of one step of `plan`.
pub const STEP_FIELDS: &[&str] = &["step", "owner", "who", "due", "done", "measure"];
/// The fields of `review`.
pub const REVIEW_FIELDS: &[&str] = &["last", "every_days"];

/// Words that stand in for a benefit nobody has written yet.
const PLACEHOLDERS: &[&str] = &[
    "tbd",
    "tbc",
    "todo",
    "to do",
    "to be defined",
    "to be determined",
    "to be decided",
    "to be confirmed",
    "fixme",
    "xxx",
    "n/a",
    "na",
    "none",
    "nothing",
    "null",
    "nil",
    "unknown",
    "later",
    "pending",
    "?",
    "-",
    "...",
    "…",
    "placeholder",
    "lorem ipsum",
];

/// Whether `text` is only a placeholder (TBD, TODO, n/a, none, -, ?, ...) or
/// starts with a to-do marker, once Markdown emphasis and punctuation around
/// it are stripped.
pub fn is_placeholder(text: &str) -> bool {
    let stripped: String = text
        .trim()
        .trim_matches(|c: char| {
            matches!(
                c,
                '*' | '_' | '`' | '~' | '"' | '\'' | '(' | ')' | '[' | ']' | '.' | '!' | ':'
            )
        })
        .trim()
        .to_lowercase();
    if stripped.is_empty() || PLACEHOLDERS.contains(&stripped.as_str()) {
        return true;
    }
    if stripped.chars().all(|c| !c.is_alphanumeric()) {
        return true; // "-", "??", "---", "…"
    }
    // "TBD: ask Marta", "TODO - check margins"
    let first = stripped
        .split(|c: char| !c.is_alphanumeric() && c != '/')
        .next()
        .unwrap_or("");
    matches!(first, "tbd" | "tbc" | "todo" | "fixme" | "xxx")
}

/// Decodes a partner record parsed from `text`. Returns `None` (and no
/// issues) for a draft when drafts are not wanted; otherwise the partner,
/// with defaults where fields were wrong, and every issue found.
pub fn decode(
    value: &Value,
    text: &str,
    slug: &str,
    source: usize,
    drafts: bool,
) -> (Option<Partner>, Vec<Issue>) {
    let mut d = Decoder::new("a partner record", text);
    let help = "a partner record is a YAML mapping: `name: ...`, `tier: ...`, `proposition: ...`";
    let empty = Mapping::new();
    let map = match d.as_mapping(value, &[], "a partner record", help) {
        Some(map) => map,
        None if value.is_null() => &empty,
        None => return (None, d.issues),
    };
    let draft = d.flag(map, &[], "draft").unwrap_or(false);
    if draft && !drafts {
        return (None, Vec::new());
    }
    d.unknown_keys(
        map,
        &[],
        FIELDS,
        &[
            ("proposition", PROPOSITION_FIELDS),
            ("commitments", COMMITMENT_FIELDS),
            ("worksheet", WORKSHEET_FIELDS),
            ("review", REVIEW_FIELDS),
        ],
    );
    let name = d
        .required_text(
            map,
            &[],
            "name",
            "give the partner's name, e.g. `name: Northwind Integration Services`",
        )
        .map(|n| n.trim().to_string());
    let tier = if decode::get(map, "tier").is_none_or(Value::is_null) {
        d.push(Issue::new(
            Code::MissingField,
            vec![Seg::Key("tier".into())],
            if map.contains_key("tier") {
                Target::Value
            } else {
                Target::Absent
            },
            "required field `tier` is missing",
            "add it here: `tier`",
            "say how much the partnership matters: `tier: strategic`, `tactical` or `casual`",
        ));
        None
    } else {
        d.choice(map, &[], "tier", Tier::CHOICES)
    };
    let display_name = name.clone().unwrap_or_else(|| slug.to_string());
    let proposition = decode_proposition(&mut d, map, &display_name);
    let mut partner = Partner {
        slug: slug.to_string(),
        source,
        name: display_name,
        tier: tier.unwrap_or(Tier::Casual),
        kind: d.text(map, &[], "type"),
        status: d
            .choice(map, &[], "status", Status::CHOICES)
            .unwrap_or(Status::Prospect),
        owner: d.text(map, &[], "owner"),
        region: d.text(map, &[], "region"),
        tags: d.text_list(map, &[], "tags"),
        summary: d.text(map, &[], "summary"),
        draft,
        proposition,
        scenario: d.choice(map, &[], "scenario", Scenario::CHOICES),
        objectives: Vec::new(),
        partner_objectives: Vec::new(),
        target_market: d.text(map, &[], "target_market"),
        revenue_goal: d.text(map, &[], "revenue_goal"),
        commitments: Commitments::default(),
        rules_of_engagement: Vec::new(),
        worksheet: Worksheet::default(),
        influence_map: Vec::new(),
        review: None,
        plan: Vec::new(),
    };
    partner.objectives = decode_objectives(&mut d, map, "objectives");
    partner.partner_objectives = decode_objectives(&mut d, map, "partner_objectives");
    if let Some(value) = decode::get(map, "commitments") {
        let path = vec![Seg::Key("commitments".into())];
        let help = "list what each side dedicates: `commitments: { ours: [...], theirs: [...] }`";
        if let Some(c) = d.as_mapping(value, &path, "`commitments`", help) {
            d.unknown_keys(c, &path, COMMITMENT_FIELDS, &[]);
            partner.commitments.ours = d.text_list(c, &path, "ours");
            partner.commitments.theirs = d.text_list(c, &path, "theirs");
        }
    }
    if let Some(value) = decode::get(map, "rules_of_engagement") {
        partner.rules_of_engagement =
            rules_map(&mut d, value, &[Seg::Key("rules_of_engagement".into())]);
    }
    if let Some(value) = decode::get(map, "worksheet") {
        let path = vec![Seg::Key("worksheet".into())];
        let help = "the worksheet is a mapping: `product_strategy`, `their_business`, `open_questions`, `next_steps`";
        if let Some(w) = d.as_mapping(value, &path, "`worksheet`", help) {
            d.unknown_keys(w, &path, WORKSHEET_FIELDS, &[]);
            partner.worksheet = Worksheet {
                product_strategy: d.text(w, &path, "product_strategy"),
                their_business: d.text(w, &path, "their_business"),
                open_questions: d.text_list(w, &path, "open_questions"),
                next_steps: d.text_list(w, &path, "next_steps"),
            };
        }
    }
    partner.influence_map = decode_influence_map(&mut d, map);
    if let Some(value) = decode::get(map, "review") {
        let path = vec![Seg::Key("review".into())];
        let help = "write `review: { last: 2026-09-30, every_days: 90 }`";
        if let Some(r) = d.as_mapping(value, &path, "`review`", help) {
            d.unknown_keys(r, &path, REVIEW_FIELDS, &[]);
            partner.review = Some(Review {
                last: d.date(r, &path, "last"),
                every_days: d.count(r, &path, "every_days"),
            });
        }
    }
    partner.plan = decode_plan(&mut d, map);
    (Some(partner), d.issues)
}

/// A list of objectives at `map[key]`, each once, in the order written.
fn decode_objectives(d: &mut Decoder<'_>, map: &Mapping, key: &str) -> Vec<Objective> {
    let path = vec![Seg::Key(key.into())];
    let mut out = Vec::new();
    for (i, item) in d.list(map, &[], key).iter().enumerate() {
        let p = decode::index(&path, i);
        if let Some(o) = d.choice_value(item, &p, Objective::CHOICES)
            && !out.contains(&o)
        {
            out.push(o);
        }
    }
    out
}

/// The joint plan. A step missing its text, owner or due date is reported
/// and left out; the others keep their position in the list as `entry`.
fn decode_plan(d: &mut Decoder<'_>, map: &Mapping) -> Vec<Step> {
    let path = vec![Seg::Key("plan".into())];
    let items = d.list(map, &[], "plan");
    let help = "write each step as a mapping: `- step: ...`, `owner: ours | theirs | joint`, `due: 2027-02-15`, and optionally `who`, `done`, `measure`";
    let mut steps = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = decode::index(&path, i);
        let Some(m) = d.as_mapping(item, &p, "a plan step", help) else {
            continue;
        };
        d.unknown_keys(m, &p, STEP_FIELDS, &[]);
        let step = d.required_text(
            m,
            &p,
            "step",
            "say what is to be done: `- step: Certify the connector`",
        );
        let owner = if decode::get(m, "owner").is_none_or(Value::is_null) {
            d.push(Issue::new(
                Code::MissingField,
                child(&p, "owner"),
                if m.contains_key("owner") {
                    Target::Value
                } else {
                    Target::Absent
                },
                format!("required field `plan[{i}].owner` is missing"),
                "add it here: `owner`",
                "say whose step it is: `owner: ours`, `theirs` or `joint`",
            ));
            None
        } else {
            d.choice(m, &p, "owner", Side::CHOICES)
        };
        let before = d.issues.len();
        let due = d.date(m, &p, "due");
        if due.is_none() && d.issues.len() == before {
            d.push(Issue::new(
                Code::MissingField,
                child(&p, "due"),
                if m.contains_key("due") {
                    Target::Value
                } else {
                    Target::Absent
                },
                format!("required field `plan[{i}].due` is missing"),
                "add it here: `due`",
                "say when the step is due: `due: 2027-02-15`",
            ));
        }
        let who = d.text(m, &p, "who");
        let done = d.date(m, &p, "done");
        let measure = d.text(m, &p, "measure");
        if let (Some(step), Some(owner), Some(due)) = (step, owner, due) {
            steps.push(Step {
                entry: i,
                step,
                owner,
                who,
                due,
                done,
                measure,
            });
        }
    }
    steps
}

fn decode_proposition(d: &mut Decoder<'_>, map: &Mapping, name: &str) -> Proposition {
    let path = vec![Seg::Key("proposition".into())];
    let benefit_help = format!("say how this partnership helps {name} in its own business");
    let benefit_path = child(&path, "partner_benefit");
    let value = decode::get(map, "proposition").filter(|v| !v.is_null());
    let help = "the proposition is a mapping: `we_do`, `they_do`, `together`, `partner_benefit`, `our_benefit`, `customer_benefit`, `pain_point`";
    let Some(p) = value.and_then(|v| d.as_mapping(v, &path, "`proposition`", help)) else {
        if value.is_none() {
            d.push(Issue::new(
                Code::MissingField,
                path.clone(),
                Target::Absent,
                format!("required field `proposition` is missing from {name}"),
                "add `proposition:` with its fields",
                "write the partnering proposition: `we_do`, `they_do`, `together` and `partner_benefit`",
            ));
        }
        d.push(Issue::new(
            Code::MissingPartnerBenefit,
            benefit_path,
            Target::Absent,
            format!("{name} does not say what is in it for the partner"),
            "no `proposition.partner_benefit` here",
            benefit_help,
        ));
        return Proposition::default();
    };
    d.unknown_keys(p, &path, PROPOSITION_FIELDS, &[]);
    let we_do = d.required_text(
        p,
        &path,
        "we_do",
        "say what we do, on indented lines below `we_do: >-`",
    );
    let they_do = d.required_text(
        p,
        &path,
        "they_do",
        "say what the partner does, on indented lines below `they_do: >-`",
    );
    let together = d.required_text(
        p,
        &path,
        "together",
        "say what we deliver together, on indented lines below `together: >-`",
    );
    let before = d.issues.len();
    let benefit = d.text(p, &path, "partner_benefit");
    if d.issues.len() == before {
        let (target, label) = match (&benefit, decode::get(p, "partner_benefit")) {
            (Some(text), _) if is_placeholder(text) => {
                (Target::Value, Some("a placeholder is not a benefit"))
            }
            (Some(_), _) => (Target::Value, None),
            (None, Some(v)) if !v.is_null() => (Target::Value, Some("this is empty")),
            (None, Some(_)) => (Target::Key, Some("this is empty")),
            (None, None) => (Target::Absent, Some("no `partner_benefit` here")),
        };
        if let Some(label) = label {
            d.push(Issue::new(
                Code::MissingPartnerBenefit,
                benefit_path,
                target,
                format!("{name} does not say what is in it for the partner"),
                label,
                benefit_help,
            ));
        }
    }
    Proposition {
        we_do: we_do.unwrap_or_default(),
        they_do: they_do.unwrap_or_default(),
        together: together.unwrap_or_default(),
        partner_benefit: benefit.filter(|b| !is_placeholder(b)).unwrap_or_default(),
        our_benefit: d.text(p, &path, "our_benefit"),
        customer_benefit: d.text(p, &path, "customer_benefit"),
        pain_point: d.text(p, &path, "pain_point"),
    }
}

/// How many unknown people in one record get a "did you mean" suggestion.
const MAX_SUGGESTIONS: usize = 100;

/// How many names a help line lists before it says how many more there are.
const MAX_LISTED_NAMES: usize = 10;

/// `names` joined with commas, cut after [`MAX_LISTED_NAMES`].
fn some_names(names: &[&str]) -> String {
    if names.len() <= MAX_LISTED_NAMES {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..MAX_LISTED_NAMES].join(", "),
        names.len() - MAX_LISTED_NAMES
    )
}

fn decode_influence_map(d: &mut Decoder<'_>, map: &Mapping) -> Vec<Person> {
    let path = vec![Seg::Key("influence_map".into())];
    let items = d.list(map, &[], "influence_map");
    let mut people: Vec<Person> = Vec::with_capacity(items.len());
    // the entry each person came from, for relationship diagnostics
    let mut entries: Vec<usize> = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashMap::new();
    let help = "describe each person as a mapping: `- name: ...`, `title`, `influence`, `attitude`, `style`, `relationships`";
    for (i, item) in items.iter().enumerate() {
        let p = decode::index(&path, i);
        let Some(m) = d.as_mapping(item, &p, "an influence-map entry", help) else {
            continue;
        };
        d.unknown_keys(m, &p, PERSON_FIELDS, &[]);
        let Some(name) = d.required_text(
            m,
            &p,
            "name",
            "give the person's name: `- name: Marta Jensen`",
        ) else {
            continue;
        };
        let name = name.trim().to_string();
        if let Some(first) = seen.insert(name.clone(), i) {
            d.push(Issue::new(
                Code::InvalidValue,
                child(&p, "name"),
                Target::Value,
                format!("`{name}` appears twice in the influence map"),
                format!("already the name of entry {}", first + 1),
                "names must be unique within a record: merge the two entries, or tell the people apart (add an initial)",
            ));
        }
        entries.push(i);
        people.push(Person {
            name,
            title: d.text(m, &p, "title"),
            influence: d.choice(m, &p, "influence", Influence::CHOICES),
            attitude: d.choice(m, &p, "attitude", Attitude::CHOICES),
            style: d.text(m, &p, "style"),
            relationships: d.text_list(m, &p, "relationships"),
        });
    }
    // relationships must name people of this map; a set, because a map of
    // 100,000 people must not cost 100,000 scans of the list (issue
    // "hostile input", part 2)
    let mut names: Vec<&str> = Vec::with_capacity(people.len());
    let mut known = std::collections::HashSet::with_capacity(people.len());
    for person in &people {
        if known.insert(person.name.as_str()) {
            names.push(person.name.as_str());
        }
    }
    let mut suggested = 0;
    for (person, &i) in people.iter().zip(&entries) {
        for (k, other) in person.relationships.iter().enumerate() {
            if known.contains(other.trim()) {
                continue;
            }
            let rel_path = decode::index(&child(&decode::index(&path, i), "relationships"), k);
            // a suggestion compares the name with everyone in the map: only
            // the first few unknown names get one, so the work stays linear
            suggested += 1;
            let hint = (suggested <= MAX_SUGGESTIONS)
                .then(|| {
                    decode::did_you_mean(other, &names).or_else(|| {
                        names
                            .iter()
                            .find(|n| n.eq_ignore_ascii_case(other.trim()))
                            .copied()
                    })
                })
                .flatten();
            let (label, help) = match hint {
                Some(s) => (
                    format!("did you mean `{s}`?"),
                    format!("use the exact name from the map: `{s}`"),
                ),
                None => (
                    "nobody by this name in the map".to_string(),
                    format!(
                        "add `{other}` to `influence_map`, or name one of: {}",
                        some_names(&names)
                    ),
                ),
            };
            d.push(Issue::new(
                Code::UnknownPerson,
                rel_path,
                Target::Value,
                format!(
                    "`{}` is related to `{other}`, who is not in the influence map",
                    person.name
                ),
                label,
                help,
            ));
        }
    }
    people
}

/// Rules of engagement: a mapping from topic to rule, in the order written.
pub(crate) fn rules_map(d: &mut Decoder<'_>, value: &Value, path: &[Seg]) -> Vec<(String, String)> {
    let help = "write one `topic: rule` line per rule, e.g. `lead_sharing: Leads go to the partner within two days`";
    let Some(map) = d.as_mapping(value, path, "`rules_of_engagement`", help) else {
        return Vec::new();
    };
    map.iter()
        .enumerate()
        .filter_map(|(i, (key, rule))| {
            // a topic is text too: `5.10:` stays `5.10`
            let topic = d.key_text(path, i, key);
            let text = d.text_value(rule, &decode::child(path, &topic))?;
            (!text.trim().is_empty()).then_some((topic, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "TBD",
            "tbd.",
            "**TODO**",
            "n/a",
            "N/A",
            "none",
            "-",
            "?",
            "...",
            "",
            "  ",
            "TBD: ask Marta",
            "todo - later",
            "???",
            "—",
        ] {
            assert!(is_placeholder(p), "{p:?} should be a placeholder");
        }
        for b in [
            "Cuts their license audit costs by a third",
            "None of their competitors can offer managed compliance",
            "Nonetheless useful",
        ] {
            assert!(!is_placeholder(b), "{b:?} is a real benefit");
        }
    }
}
