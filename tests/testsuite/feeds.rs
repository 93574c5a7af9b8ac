//! The files for machines. search-index.js stays under 1 MB for a site of
//! 1,000 partners and still finds each partner by its name, tags, type,
//! region, owner, summary and every word of its partner benefit.
//! partners.json holds every published record as its author wrote it.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value as Yaml;

use crate::support::{Scratch, fixture, stderr, stdout};

// ---------------------------------------------------------------------------
// The search index, and the rule search.js finds entries by

/// The object that search-index.js assigns to `window.PARTNERBOOK_SEARCH`.
fn search_index(s: &Scratch) -> serde_json::Value {
    let js = s.out("search-index.js");
    let json = js
        .trim()
        .strip_prefix("window.PARTNERBOOK_SEARCH = ")
        .and_then(|j| j.strip_suffix(';'))
        .expect("search-index.js assigns window.PARTNERBOOK_SEARCH");
    serde_json::from_str(json).expect("the index is JSON")
}

/// A text's words as `words()` in search.js split it before (kept for
/// the generated records' vocabulary): lowercased, split at every
/// character that is not a letter, a digit, `&` or `-`, hyphens trimmed.
fn js_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '&' && c != '-')
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A query's words as `queryWords()` in search.js splits them: lowercased
/// and split at anything that is not a letter or a digit. (search.js also
/// drops accents; the queries here have none to drop.)
fn query_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// One entry of the index as `fieldsOf()` in search.js reads it: its
/// fields, each with its key and text, one per tag, person and rule.
struct Entry {
    /// `u`.
    url: String,
    /// The label of `k`, from the index's `kinds`.
    kind: String,
    /// The fields, as (key, text).
    fields: Vec<(&'static str, String)>,
}

impl Entry {
    /// The texts of the fields with `key`.
    fn texts(&self, key: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, t)| t.as_str())
            .collect()
    }
}

/// The index's `partners` (or `playbooks`) as search.js reads them: the
/// rules are the partner's `r` (tier defaults by place, own rules as
/// topic and text), or the tier's defaults whole when `r` is missing.
fn entries(index: &serde_json::Value, list: &str) -> Vec<Entry> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    index[list]
        .as_array()
        .unwrap_or_else(|| panic!("the index has no `{list}` list"))
        .iter()
        .map(|e| {
            let k = text(&e["k"]);
            let kind = index["kinds"][&k].as_str().unwrap_or(&k).to_string();
            let mut fields = vec![("t", text(&e["t"]))];
            let each = |key: &str| e[key].as_array().cloned().unwrap_or_default();
            fields.extend(each("a").iter().map(|v| ("a", text(v))));
            fields.extend(each("p").iter().map(|v| ("p", text(v))));
            let defaults = index["rules"][&k].as_array().cloned().unwrap_or_default();
            let rules = match e["r"].as_array() {
                Some(r) => r.clone(),
                None if k == "p" => Vec::new(),
                None => (0..defaults.len()).map(serde_json::Value::from).collect(),
            };
            for rule in rules {
                let pair = match rule.as_u64() {
                    Some(i) => defaults[i as usize].clone(),
                    None => rule,
                };
                fields.push(("r", format!("{}: {}", text(&pair[0]), text(&pair[1]))));
            }
            if k != "p" {
                fields.push(("k", kind.clone()));
            }
            for key in ["s", "y", "g", "o", "m", "b", "x"] {
                let t = text(&e[key]);
                if !t.is_empty() {
                    fields.push((key, if key == "s" { capitalised(&t) } else { t }));
                }
            }
            fields.retain(|(_, t)| !t.is_empty());
            Entry {
                url: text(&e["u"]),
                kind,
                fields,
            }
        })
        .collect()
}

/// Whether `word` (lowercase) begins a word of `text`: occurs where no
/// letter or digit comes before it. This is `match()` in search.js, for
/// words of scripts written with spaces.
fn begins_word(text: &str, word: &str) -> bool {
    let lower = text.to_lowercase();
    lower.match_indices(word).any(|(at, _)| {
        !lower[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    })
}

/// For each word of `query`, the keys of the fields of `entry` it
/// matches; `None` when a word matches none, and search.js does not list
/// the entry.
fn matched(entry: &Entry, query: &str) -> Option<Vec<Vec<&'static str>>> {
    let words = query_words(query);
    assert!(!words.is_empty(), "{query:?} is no query");
    words
        .iter()
        .map(|q| {
            let keys: Vec<&'static str> = entry
                .fields
                .iter()
                .filter(|(_, t)| begins_word(t, q))
                .map(|(k, _)| *k)
                .collect();
            (!keys.is_empty()).then_some(keys)
        })
        .collect()
}

/// Whether search.js lists `entry` for `query` typed into the search box.
fn finds(entry: &Entry, query: &str) -> bool {
    matched(entry, query).is_some()
}

/// Whether every word of `query` matches a field of `entry` with `key`.
fn finds_in(entry: &Entry, query: &str, key: &str) -> bool {
    matched(entry, query).is_some_and(|m| m.iter().all(|keys| keys.contains(&key)))
}

// ---------------------------------------------------------------------------
// A generated site of realistic partner records

/// A small deterministic random number generator (a 64-bit LCG).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

#[rustfmt::skip]
const NAME_FIRST: &[&str] = &[
    "North", "Blue", "Silver", "Bright", "Iron", "Cedar", "Summit", "Harbor", "Quantum",
    "Vertex", "Atlas", "Nimbus", "Granite", "Kestrel", "Meridian", "Orchard", "Cobalt",
    "Fathom", "Quill", "Tessel", "Zürich", "Lumen", "Pioneer", "Redwood", "Sable",
];
#[rustfmt::skip]
const NAME_SECOND: &[&str] = &[
    "wind", "water", "ridge", "field", "stone", "bridge", "light", "gate", "point", "crest",
];
#[rustfmt::skip]
const NAME_KIND: &[&str] = &[
    "Systems", "Advisory", "Consulting", "Distribution", "Security", "Learning", "Telecom",
    "Labs", "Partners", "Solutions", "Group", "& Co", "Data Services",
];
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "cloud", "security", "data", "ai", "analytics", "retail", "fintech", "healthcare",
    "public-sector", "manufacturing", "telco", "energy", "co-sell", "resell", "referral",
    "marketplace", "oem", "services", "implementation", "managed-services", "training",
    "integration", "api", "mobile", "iot", "edge", "devops", "observability", "identity",
    "compliance", "payments", "logistics", "crm", "erp", "hr-tech", "ed-tech", "media", "m&a",
    "insurance", "saas",
];
#[rustfmt::skip]
const TYPES: &[&str] = &[
    "isv", "var", "systems-integrator", "consultancy", "msp", "distributor", "reseller",
    "agency", "hyperscaler", "oem",
];
#[rustfmt::skip]
const REGIONS: &[&str] = &[
    "EMEA", "North America", "LATAM", "APAC", "DACH", "Nordics", "UK&I", "ANZ", "São Paulo",
];
#[rustfmt::skip]
const OWNERS: &[&str] = &[
    "Ravi Chandrasekar", "Ingrid Okafor", "Marta Jensen", "Lena Vogt", "Tomás Álvarez",
    "Aisha Mensah", "Chen Wei", "Sophie Laurent", "Kwame Boateng", "Yuki Tanaka",
];
#[rustfmt::skip]
const SUBJECTS: &[&str] = &[
    "the partner", "its sales team", "its field engineering group", "its services arm",
    "its account management", "its reseller network", "its support desk", "its bid team",
];
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "gains", "wins", "closes", "cuts", "builds", "expands", "protects", "shortens", "reaches",
    "earns", "retires", "replaces", "bundles", "resells", "certifies", "automates",
    "simplifies", "accelerates", "doubles", "lowers", "raises", "unlocks", "secures", "keeps",
    "adds", "opens", "fills", "removes", "avoids", "reuses", "extends", "attaches", "upsells",
    "renews", "differentiates", "monetises", "stabilises", "modernises", "consolidates",
    "standardises",
];
#[rustfmt::skip]
const GERUNDS: &[&str] = &[
    "building", "hiring", "discounting", "writing", "maintaining", "training", "certifying",
    "negotiating", "chasing", "rebuilding", "outsourcing", "reselling",
];
#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "recurring", "predictable", "higher", "lower", "faster", "larger", "managed", "regulated",
    "mid-sized", "enterprise", "public-sector", "cloud-native", "on-premises", "multi-year",
    "cross-border", "billable", "defensible", "auditable", "certified", "contested", "thin",
    "new", "existing", "installed", "underused", "idle", "renewing", "regional", "national",
    "global", "vertical", "seasonal", "repeatable", "measurable", "self-service", "hybrid",
    "open-source", "white-label", "naïve", "ÜBERSEE",
];
#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "revenue", "margin", "pipeline", "renewals", "customers", "accounts", "deals", "licenses",
    "seats", "contracts", "audits", "compliance", "onboarding", "support", "tickets",
    "escalations", "integrations", "connectors", "marketplace", "listings", "certification",
    "training", "analysts", "engineers", "bids", "proposals", "tenders", "services",
    "subscriptions", "upgrades", "migrations", "workloads", "datacenters", "procurement",
    "spend", "invoices", "payments", "forecasts", "quotas", "territories", "segments",
    "verticals", "retailers", "hospitals", "insurers", "banks", "manufacturers",
    "municipalities", "universities", "carriers", "warehouses", "fleets", "sensors",
    "dashboards", "reports", "analytics", "identity", "incidents", "backups", "recovery",
    "uptime", "latency", "capacity", "headcount", "churn", "retention", "loyalty", "referrals",
    "leads", "opportunities", "demos", "pilots", "rollouts", "roadmap", "releases", "features",
    "APIs", "bundles", "pricing", "discounts", "rebates", "R&D", "co-marketing", "credits",
];
#[rustfmt::skip]
const AMOUNTS: &[&str] = &[
    "30%", "a third", "2,500", "twice", "EUR 1.2M", "24/7", "Q3", "half", "12 weeks", "90 days",
];

/// What the test knows about one generated partner.
struct Generated {
    slug: String,
    /// The tier's label: `Strategic`, ...
    tier: &'static str,
    name: String,
    tags: Vec<String>,
    kind: &'static str,
    region: &'static str,
    owner: &'static str,
    /// The summary as a reader sees it (no Markdown).
    summary: String,
    /// The partner benefit as a reader sees it.
    benefit: String,
    /// Every word of the record's file, keys and Markdown included.
    record_words: HashSet<String>,
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Markdown and the text a reader sees, written side by side.
#[derive(Default)]
struct Text {
    md: String,
    visible: String,
    words: usize,
}

impl Text {
    /// Appends `visible`, written in Markdown as `md`.
    fn push(&mut self, md: &str, visible: &str) {
        self.md.push_str(md);
        self.visible.push_str(visible);
        self.words += visible.split_whitespace().count();
    }

    /// Appends plain text.
    fn plain(&mut self, text: &str) {
        self.push(text, text);
    }

    /// Appends one sentence (and a space).
    fn sentence(&mut self, rng: &mut Rng, short: &str, others: &[(String, String)]) {
        let subject = if rng.chance(30) {
            short.to_string()
        } else {
            rng.pick(SUBJECTS).to_string()
        };
        let subject_cap = capitalised(&subject);
        let (adj, noun, noun2) = (rng.pick(ADJECTIVES), rng.pick(NOUNS), rng.pick(NOUNS));
        match rng.below(6) {
            0 => {
                self.plain(&format!("{subject_cap} {} ", rng.pick(VERBS)));
                let phrase = format!("{adj} {noun}");
                self.push(&format!("**{phrase}**"), &phrase);
                self.plain(&format!(" in {}. ", rng.pick(REGIONS)));
            }
            1 => self.plain(&format!(
                "Today {subject} {} {noun} and {noun2} without {} {adj} {}. ",
                rng.pick(VERBS),
                rng.pick(GERUNDS),
                rng.pick(NOUNS)
            )),
            2 => {
                self.plain(&format!(
                    "It {} {} of its ",
                    rng.pick(VERBS),
                    rng.pick(AMOUNTS)
                ));
                self.push(&format!("*{noun}*"), noun);
                self.plain(&format!(" and {} {adj} {noun2}. ", rng.pick(VERBS)));
            }
            3 if !others.is_empty() => {
                let (slug, name) = &others[rng.below(others.len())];
                self.plain("The same model already works for ");
                self.push(&format!("[{name}](@/partners/{slug})"), name);
                self.plain(&format!(
                    ", which {} {adj} {noun} within {}. ",
                    rng.pick(VERBS),
                    rng.pick(AMOUNTS)
                ));
            }
            4 => {
                self.plain(&format!(
                    "Because {short} {} {adj} {noun}, {subject} {} {noun2} for the {} {}.",
                    rng.pick(VERBS),
                    rng.pick(VERBS),
                    rng.pick(ADJECTIVES),
                    rng.pick(NOUNS)
                ));
                self.push("\n\n", " ");
            }
            _ => {
                self.push("\n\n", " ");
                for _ in 0..2 + rng.below(2) {
                    let (a, n) = (rng.pick(ADJECTIVES), rng.pick(NOUNS));
                    let item = format!("{a} {n} for {}", rng.pick(NOUNS));
                    self.push(&format!("- {item};\n"), &format!("{item}; "));
                }
                self.push("\n", "");
            }
        }
    }

    /// Sentences until the text has at least `words` words.
    fn sentences(rng: &mut Rng, words: usize, short: &str, others: &[(String, String)]) -> Text {
        let mut t = Text::default();
        while t.words < words {
            t.sentence(rng, short, others);
        }
        t.md = t.md.trim().to_string();
        t
    }
}

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `key: |` and `text` indented below it, at `indent` spaces.
fn block(key: &str, text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}{key}: |\n");
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}  {line}");
        }
    }
    out
}

/// A site of `n` partner records of realistic size: a one-sentence
/// summary, a partner benefit of 60 to 120 words in several sentences
/// with emphasis, links and lists, and every other field filled as an
/// author would.
fn generated_site(n: usize) -> (Scratch, Vec<Generated>) {
    let s = Scratch::empty();
    s.write(
        "partnerbook.yaml",
        "title: Generated partners\ntiers:\n  strategic:\n    max_partners: null\n  tactical:\n    max_partners: null\n",
    );
    let mut rng = Rng(2026);
    let names: Vec<(String, String)> = (0..n)
        .map(|i| {
            let name = format!(
                "{}{} {}",
                NAME_FIRST[i % NAME_FIRST.len()],
                NAME_SECOND[(i / NAME_FIRST.len()) % NAME_SECOND.len()],
                NAME_KIND[(i * 7 + i / 250) % NAME_KIND.len()]
            );
            let ascii: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let slug = format!(
                "{}-{i:04}",
                ascii
                    .split('-')
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join("-")
            );
            (slug, name)
        })
        .collect();
    let mut generated = Vec::with_capacity(n);
    for (i, (slug, name)) in names.iter().enumerate() {
        let short = name.split(' ').next().unwrap();
        let others = [names[(i + 1) % n].clone(), names[(i * 31 + 7) % n].clone()];
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..2 + rng.below(4) {
            let tag = rng.pick(TAGS).to_string();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let (kind, region, owner) = (rng.pick(TYPES), rng.pick(REGIONS), rng.pick(OWNERS));
        let (tier, label) = [
            ("strategic", "Strategic"),
            ("tactical", "Tactical"),
            ("casual", "Casual"),
            ("casual", "Casual"),
            ("casual", "Casual"),
        ][rng.below(5)];
        let summary = {
            let (adj, noun) = (rng.pick(ADJECTIVES), rng.pick(NOUNS));
            let mut t = Text::default();
            t.plain(&format!("{} ", capitalised(adj)));
            t.push(&format!("*{noun}*"), noun);
            t.plain(&format!(
                " for {} {} in {region}, sold by {short} to {} {}.",
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS),
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS)
            ));
            t
        };
        let length = 60 + rng.below(61);
        let benefit = Text::sentences(&mut rng, length, short, &others);
        let mut yaml = String::new();
        let _ = writeln!(yaml, "name: {}", quoted(name));
        let _ = writeln!(yaml, "tier: {tier}\ntype: {kind}\nstatus: active");
        let _ = writeln!(yaml, "owner: {owner}\nregion: {}", quoted(region));
        let _ = writeln!(
            yaml,
            "tags: [{}]",
            tags.iter()
                .map(|t| quoted(t))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(yaml, "summary: {}", quoted(&summary.md));
        yaml.push_str("proposition:\n");
        for (field, words) in [
            ("we_do", 30),
            ("they_do", 30),
            ("together", 40),
            ("partner_benefit", 0),
            ("customer_benefit", 30),
            ("pain_point", 25),
        ] {
            let text = if words == 0 {
                benefit.md.clone()
            } else {
                Text::sentences(&mut rng, words, short, &others).md
            };
            yaml.push_str(&block(field, &text, 2));
        }
        let market = format!("{} {} in {region}", rng.pick(ADJECTIVES), rng.pick(NOUNS));
        let _ = writeln!(
            yaml,
            "scenario: channel-reach\nobjectives: [market-access, faster-sales]\ntarget_market: {}",
            quoted(&market)
        );
        yaml.push_str("revenue_goal: EUR 1.2M ARR within 18 months\n");
        yaml.push_str("commitments:\n  ours: [Partner engineer at 50%, Quarterly pipeline review]\n  theirs: [Offering manager, Sales training for 40 account executives]\n");
        yaml.push_str("rules_of_engagement:\n  lead_sharing: Leads go to the partner within two business days.\n");
        yaml.push_str("worksheet:\n");
        let business = Text::sentences(&mut rng, 40, short, &others);
        yaml.push_str(&block("their_business", &business.md, 2));
        yaml.push_str("  next_steps: [Joint account mapping]\n");
        yaml.push_str("influence_map:\n  - name: Lena Vogt\n    title: Managing Director\n    influence: high\n    attitude: positive\n    relationships: [Rolf Brenner]\n  - name: Rolf Brenner\n    title: Procurement Director\n    influence: medium\n    attitude: negative\n");
        yaml.push_str("review:\n  last: 2026-10-01\n  every_days: 180\n");
        s.write(&format!("content/partners/{slug}.yaml"), &yaml);
        generated.push(Generated {
            slug: slug.clone(),
            tier: label,
            name: name.clone(),
            tags,
            kind,
            region,
            owner,
            summary: summary.visible,
            benefit: benefit.visible,
            record_words: js_words(&yaml).into_iter().collect(),
        });
    }
    (s, generated)
}

/// The most search-index.js may weigh for the 1,000 generated partners.
/// The index holds every searchable text once, as plain text, so that a
/// result can show where it matched; the browser suite checks that 10,000
/// partners' index loads and answers in under a second.
const INDEX_BYTES_FOR_1000: u64 = 2_500_000;

#[test]
fn search_index_for_1000_partners_finds_each_by_every_searchable_field() {
    let (s, partners) = generated_site(1000);
    let out = s.build(&[]).code(0);
    assert!(stdout(&out).contains("1000 partners"), "{}", stdout(&out));
    let bytes = std::fs::metadata(s.public().join("search-index.js"))
        .unwrap()
        .len();
    let words: usize = partners
        .iter()
        .map(|p| p.benefit.split_whitespace().count())
        .sum();
    assert!(
        (60_000..=120_000).contains(&words),
        "benefits of 60 to 120 words, {words} in all"
    );
    assert!(
        bytes < INDEX_BYTES_FOR_1000,
        "search-index.js is {bytes} bytes for 1,000 partners"
    );

    let index = search_index(&s);
    let entries = entries(&index, "partners");
    assert_eq!(entries.len(), partners.len());
    let vocabulary: BTreeSet<&String> = partners.iter().flat_map(|p| &p.record_words).collect();
    for p in &partners {
        let url = format!("partners/{}/index.html", p.slug);
        let entry = entries
            .iter()
            .find(|e| e.url == url)
            .unwrap_or_else(|| panic!("no search entry for {url}"));
        assert!(s.public().join(&entry.url).is_file(), "{url} is no page");
        assert_eq!(entry.kind, p.tier, "the label shown for {url}");
        // the benefit and summary whole, as plain text (spaces aside)
        let squeezed = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let texts = |key| {
            entry
                .texts(key)
                .into_iter()
                .map(squeezed)
                .collect::<Vec<_>>()
        };
        assert_eq!(texts("b"), [squeezed(&p.benefit)], "{url}");
        assert_eq!(texts("m"), [squeezed(&p.summary)], "{url}");
        let tags: Vec<&str> = p.tags.iter().map(String::as_str).collect();
        assert_eq!(entry.texts("a"), tags, "{url}");
        let mut queries: Vec<(String, &str)> = vec![
            (p.name.clone(), "t"),
            (p.kind.to_string(), "y"),
            (p.region.to_string(), "g"),
            (p.owner.to_string(), "o"),
            (p.tier.to_string(), "k"),
            ("active".to_string(), "s"),
            ("lena vogt".to_string(), "p"),
            ("procurement dir".to_string(), "p"),
            ("lead sharing".to_string(), "r"),
            ("two business days".to_string(), "r"),
            (p.summary.clone(), "m"),
            (p.benefit.clone(), "b"),
        ];
        for tag in &p.tags {
            queries.push((tag.clone(), "a"));
            // each part of a hyphenated tag
            queries.extend(tag.split('-').map(|part| (part.to_string(), "a")));
        }
        queries.extend(js_words(&p.benefit).into_iter().map(|w| (w, "b")));
        queries.retain(|(q, _)| !query_words(q).is_empty());
        for (q, key) in &queries {
            assert!(
                finds_in(entry, q, key),
                "searching {q:?} does not list {} by its field {key:?}",
                p.name
            );
        }
        // and neither the index nor the rule is so loose that a word
        // nowhere in the record, nor in its tier's rules, finds the partner
        let tier_rules: Vec<String> = index["rules"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|rules| query_words(&rules.to_string()))
            .collect();
        let absent = vocabulary
            .iter()
            .flat_map(|v| query_words(v))
            .find(|v| {
                !p.record_words
                    .iter()
                    .chain(&tier_rules)
                    .flat_map(|w| query_words(w))
                    .any(|w| w.starts_with(v.as_str()))
            })
            .expect("a word the record lacks");
        assert!(
            !finds(entry, &absent),
            "searching {absent:?} lists {}, whose record does not have it",
            p.name
        );
    }
    assert!(
        !entries.iter().any(|e| finds(e, "zyxwvut")),
        "a word nobody wrote finds nothing"
    );
}

/// The entry of `url` among `entries`.
fn entry<'a>(entries: &'a [Entry], url: &str) -> &'a Entry {
    entries
        .iter()
        .find(|e| e.url == url)
        .unwrap_or_else(|| panic!("no search entry for {url}"))
}

/// The urls of the entries a query lists.
fn found<'a>(entries: &'a [Entry], query: &str) -> Vec<&'a str> {
    entries
        .iter()
        .filter(|e| finds(e, query))
        .map(|e| e.url.as_str())
        .collect()
}

#[test]
fn search_finds_the_example_by_people_rules_status_tier_tags_and_text() {
    let s = Scratch::example();
    s.build(&[]).code(0);
    let index = search_index(&s);
    let partners = entries(&index, "partners");
    let playbooks = entries(&index, "playbooks");
    let meridian = entry(&partners, "partners/meridian-service-desk/index.html");
    let kestrel = entry(&partners, "partners/kestrel-systems/index.html");
    let harbor = entry(&partners, "partners/harbor-finch-advisory/index.html");

    // people of the influence map, by name and title, as written
    assert!(meridian.texts("p").contains(&"Marit Olsen, CFO"));
    assert!(
        meridian
            .texts("p")
            .contains(&"Jørgen Müller, Partner Success Manager, Nordics")
    );
    for q in ["marit", "Marit Olsen", "jør", "JØRGEN", "müller", "cfo"] {
        assert!(finds_in(meridian, q, "p"), "{q:?}");
        assert_eq!(found(&partners, q), [meridian.url.as_str()], "{q:?}");
    }
    assert!(finds_in(kestrel, "head of service", "p"));

    // rules: the tier's defaults, each replaced in place by the partner's
    // own, then the partner's own topics, as the partner page shows them
    let rules = harbor.texts("r");
    assert_eq!(
        rules[1],
        "Deal registration: Harbor & Finch registers an engagement, not a deal. The client is protected for the life of the engagement plus 90 days."
    );
    assert!(rules[0].starts_with("Lead sharing: Every lead in the joint target market"));
    assert!(rules.iter().any(|r| r.starts_with("Independence: ")));
    let kestrel_rules = kestrel.texts("r");
    assert!(kestrel_rules[1].starts_with("Deal registration: Joint deals are registered"));
    assert!(kestrel_rules.last().unwrap().starts_with("Support: "));
    // every published partner has a rule on deal registration, from its
    // tier if not its own
    for p in &partners {
        assert!(finds_in(p, "deal registration", "r"), "{}", p.url);
        assert!(finds_in(p, "deal reg", "r"), "prefixes: {}", p.url);
    }
    assert!(finds_in(harbor, "life of the engagement", "r"));
    assert!(!finds(kestrel, "life of the engagement"));

    // tags, whole and each part of a hyphenated one
    for q in ["audit-defense", "defense", "audit"] {
        assert!(finds_in(harbor, q, "a"), "{q:?}");
    }
    let defense = found(&partners, "defense");
    assert!(defense.contains(&"partners/tessellate-consulting/index.html"));
    assert!(defense.contains(&harbor.url.as_str()));

    // status, tier and type
    assert_eq!(
        found(&partners, "paused"),
        ["partners/brightwater-procurement/index.html"]
    );
    assert_eq!(harbor.texts("s"), ["Active"]);
    assert_eq!(harbor.texts("k"), ["Strategic"]);
    let casual: Vec<&str> = partners
        .iter()
        .filter(|p| finds_in(p, "casual", "k"))
        .map(|p| p.url.as_str())
        .collect();
    assert_eq!(casual.len(), 3, "{casual:?}");
    assert!(finds_in(kestrel, "integrator", "y"));

    // playbooks by their body, as plain text
    let first_call = entry(&playbooks, "playbooks/first-call/index.html");
    let body = first_call.texts("x").concat();
    assert!(
        body.contains("The honest reply is a question: why do they need us?"),
        "{body}"
    );
    assert!(
        !body.contains("**") && !body.contains("](") && !body.contains("## "),
        "{body}"
    );
    assert_eq!(
        found(&playbooks, "honest reply"),
        ["playbooks/first-call/index.html"]
    );
    assert_eq!(first_call.kind, "Playbook");

    // and nothing a record lacks
    assert!(found(&partners, "zyxwvut").is_empty());
}

#[test]
fn search_index_holds_rules_and_people_as_plain_text_as_written() {
    let s = Scratch::empty();
    s.write(
        "partnerbook.yaml",
        "title: Plain\ntiers:\n  casual:\n    rules_of_engagement:\n      lead_sharing: Leads go **both** ways, see [the board](https://example.com/board).\n      deal_registration: Logged in the CRM.\n",
    );
    s.write(
        "content/partners/kaze.yaml",
        "name: Kaze Müller KK\ntier: casual\nstatus: paused\ntype: reseller\ntags: [東京, co-sell]\nproposition:\n  we_do: x\n  they_do: y\n  together: z\n  partner_benefit: A *new* line of business in 東京.\ninfluence_map:\n  - name: 佐藤 健\n    title: 東京支店長\n  - name: Zoë Ørsted\nrules_of_engagement:\n  deal_registration: Registered in `Kaze Portal` within **two** days.\n  pricing: Net 30.\n",
    );
    s.write(
        "content/partners/plain.yaml",
        "name: Plain Partner\ntier: casual\nproposition:\n  we_do: x\n  they_do: y\n  together: z\n  partner_benefit: More deals.\n",
    );
    s.build(&[]).code(0);
    let index = search_index(&s);
    assert_eq!(
        index["rules"]["c"],
        serde_json::json!([
            ["Lead sharing", "Leads go both ways, see the board."],
            ["Deal registration", "Logged in the CRM."]
        ])
    );
    let partners = entries(&index, "partners");
    let kaze = entry(&partners, "partners/kaze/index.html");
    assert_eq!(kaze.texts("p"), ["佐藤 健, 東京支店長", "Zoë Ørsted"]);
    assert_eq!(kaze.texts("a"), ["東京", "co-sell"]);
    assert_eq!(kaze.texts("b"), ["A new line of business in 東京."]);
    assert_eq!(kaze.texts("s"), ["Paused"]);
    assert_eq!(
        kaze.texts("r"),
        [
            "Lead sharing: Leads go both ways, see the board.",
            "Deal registration: Registered in Kaze Portal within two days.",
            "Pricing: Net 30."
        ]
    );
    // a partner without rules of its own names none: it has its tier's
    assert_eq!(
        index["partners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["t"] == "Plain Partner")
            .unwrap()
            .get("r"),
        None
    );
    let plain = entry(&partners, "partners/plain/index.html");
    assert_eq!(
        plain.texts("r"),
        [
            "Lead sharing: Leads go both ways, see the board.",
            "Deal registration: Logged in the CRM."
        ]
    );
    for q in ["müller", "zoë", "co-sell", "sell"] {
        assert_eq!(found(&partners, q), [kaze.url.as_str()], "{q:?}");
    }
}

// ---------------------------------------------------------------------------
// partners.json

/// A JSON value that keeps the order of object keys (serde_json's `Value`
/// sorts them), to check that `rules_of_engagement` keeps the order
/// written.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    /// A number, as text.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text, the way partnerbook reads a YAML scalar.
    fn text(&self) -> Option<String> {
        match self {
            Json::Bool(b) => Some(b.to_string()),
            Json::Number(n) => Some(n.clone()),
            Json::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Whether this is what partnerbook writes for a field the author left
    /// out: `false`, an empty list, or an object of such values.
    fn is_empty_default(&self) -> bool {
        match self {
            Json::Bool(false) => true,
            Json::Array(items) => items.is_empty(),
            Json::Object(fields) => fields.iter().all(|(_, v)| v.is_empty_default()),
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Number(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Number(n.to_string()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
                Ok(Json::Number(n.to_string()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::String(s.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry()? {
                    fields.push(field);
                }
                Ok(Json::Object(fields))
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// A YAML scalar as text, the way partnerbook reads one: text fields take
/// numbers and booleans as written, and counts take quoted numbers.
fn yaml_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether the author left a value empty. partnerbook reads null and
/// blank text as absent, and drops blank items from lists.
fn unwritten(value: &Yaml) -> bool {
    match value {
        Yaml::Null => true,
        Yaml::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Compares what the author wrote (`yaml`, at `path`, the last key of
/// which is `key`) with what partners.json holds, and adds every
/// difference to `errors`. What "round trip" means:
///
/// - every value the author wrote is in partners.json under the same key,
///   with the same value: Markdown stays the Markdown source, byte for
///   byte (a `|` block keeps its final newline);
/// - scalars compare as text, since that is how partnerbook reads them: a
///   text field written as a number (`region: 2`) is the string `"2"`, a
///   count written in quotes (`every_days: "90"`) is the number 90, and a
///   date is the string `YYYY-MM-DD`;
/// - names (of the partner and of people) are trimmed;
/// - null or blank values, and blank list items, count as not written, and
///   a repeated objective counts once;
/// - key order does not matter, except in `rules_of_engagement`, which
///   keeps the order written;
/// - partners.json may add `url` and `slug` to the record, and what
///   partnerbook writes for an absent field: `status: "prospect"`,
///   `draft: false`, and empty lists and objects. Nothing else.
fn compare(yaml: &Yaml, json: &Json, path: &str, key: &str, errors: &mut Vec<String>) {
    match yaml {
        Yaml::Mapping(map) => {
            let Json::Object(fields) = json else {
                errors.push(format!("{path}: a mapping in YAML, {json:?} in JSON"));
                return;
            };
            let mut written = Vec::new();
            for (k, v) in map {
                let k = yaml_text(k).unwrap_or_else(|| panic!("{path}: key {k:?}"));
                if unwritten(v) {
                    continue;
                }
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match json.get(&k) {
                    Some(j) => compare(v, j, &child, &k, errors),
                    None => errors.push(format!("{child}: missing from partners.json")),
                }
                written.push(k);
            }
            if key == "rules_of_engagement" {
                let order: Vec<&String> = fields.iter().map(|(k, _)| k).collect();
                if order != written.iter().collect::<Vec<_>>() {
                    errors.push(format!(
                        "{path}: topics in the order {order:?}, written {written:?}"
                    ));
                }
            }
            for (k, v) in fields {
                let added = match (path, k.as_str()) {
                    ("", "url" | "slug") => true,
                    ("", "status") => v.as_str() == Some("prospect"),
                    _ => v.is_empty_default(),
                };
                if !written.contains(k) && !added {
                    errors.push(format!(
                        "{path}: partners.json has `{k}`: {v:?}, which the record does not"
                    ));
                }
            }
        }
        Yaml::Sequence(items) => {
            let Json::Array(values) = json else {
                errors.push(format!("{path}: a list in YAML, {json:?} in JSON"));
                return;
            };
            let mut kept: Vec<&Yaml> = items.iter().filter(|v| !unwritten(v)).collect();
            if key == "objectives" {
                let mut seen = HashSet::new();
                kept.retain(|v| seen.insert(yaml_text(v)));
            }
            if kept.len() != values.len() {
                errors.push(format!(
                    "{path}: {} items written, {} in partners.json",
                    kept.len(),
                    values.len()
                ));
                return;
            }
            for (i, (v, j)) in kept.iter().zip(values).enumerate() {
                compare(v, j, &format!("{path}[{i}]"), key, errors);
            }
        }
        Yaml::Tagged(_) => errors.push(format!("{path}: a tagged YAML value")),
        scalar => {
            let mut written = yaml_text(scalar).unwrap();
            if key == "name" {
                written = written.trim().to_string();
            }
            if json.text().as_deref() != Some(written.as_str()) {
                errors.push(format!(
                    "{path}: written {written:?}, partners.json has {json:?}"
                ));
            }
        }
    }
}

/// The site's partner records, parsed, with their slugs (their file
/// names, in these sites), sorted by slug.
fn records(site: &Path) -> Vec<(String, Yaml)> {
    let mut out: Vec<(String, Yaml)> = walkdir::WalkDir::new(site.join("content/partners"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "yml")
        })
        .map(|e| {
            let slug = e.path().file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).unwrap();
            let yaml = serde_yaml::from_str(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            (slug, yaml)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// `site` copied and built; the build must succeed.
fn built(site: &Path) -> Scratch {
    let s = Scratch::copy_of(site);
    let out = s.build(&[]).code(0);
    assert!(
        !stderr(&out).contains("error"),
        "{} builds:\n{}",
        site.display(),
        stderr(&out)
    );
    s
}

/// The repository's example site: content/ and partnerbook.yaml.
fn example() -> Scratch {
    let s = Scratch::example();
    s.build(&[]).code(0);
    s
}

/// The minimal fixture with pretty links and two more records: one
/// written the way people do when nobody stops them (spaces around names,
/// numbers for text, quoted numbers, blank values, a repeated objective,
/// rules not in alphabetical order, a `.yml` file), and a draft.
fn edge_cases() -> Scratch {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write("partnerbook.yaml", "pretty_links: true\n");
    s.write(
        "content/partners/edge-cases.yml",
        r#"name: "  Edge & Cases  "
tier: tactical
type: 42
status: paused
owner: true
region: 2.5
tags: [zeta, "", alpha, 7]
summary:
draft: false
proposition:
  we_do: |
    Markdown **stays** [source](@/partners/northwind), <b>raw</b>.
  they_do: "Line one\n\nLine two"
  together: >-
    Folded
    text.
  partner_benefit: Meets its targets without extra staff & cost.
  customer_benefit: "   "
objectives: [market-access, faster-sales, market-access]
target_market: Retailers
commitments:
  ours: [One engineer]
rules_of_engagement:
  zebra_topic: Last alphabetically, first written.
  alpha_topic: "First alphabetically."
  10: A numeric topic.
worksheet:
  open_questions: []
influence_map:
  - name: " Ann Lee "
    influence: high
    relationships: []
  - name: Bob Ray
    relationships: [Ann Lee]
review:
  every_days: "90"
  last: 2026-10-01
"#,
    );
    s.write(
        "content/partners/hidden.yaml",
        "name: Hidden\ndraft: true\ntier: casual\n",
    );
    s.build(&[]).code(0);
    s
}

#[test]
fn partners_json_round_trips_every_published_record() {
    let sites = [
        ("the example site", example()),
        ("minimal", built(&fixture("minimal"))),
        ("hostile", built(&fixture("hostile"))),
        ("edge cases", edge_cases()),
    ];
    for (label, s) in &sites {
        let text = s.out("partners.json");
        assert!(!text.contains('<'), "{label}: partners.json has a raw `<`");
        let json: Json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{label}: partners.json is not JSON: {e}"));
        let config: Yaml = std::fs::read_to_string(s.site().join("partnerbook.yaml"))
            .map(|t| serde_yaml::from_str(&t).unwrap())
            .unwrap_or(Yaml::Null);
        let title = config
            .get("title")
            .and_then(Yaml::as_str)
            .unwrap_or("Partner playbook");
        assert_eq!(
            json.get("title").and_then(Json::as_str),
            Some(title),
            "{label}"
        );
        let Some(Json::Array(partners)) = json.get("partners") else {
            panic!("{label}: no `partners` list");
        };
        let all = records(&s.site());
        let (drafts, published): (Vec<_>, Vec<_>) = all
            .iter()
            .partition(|(_, y)| y.get("draft").and_then(Yaml::as_bool) == Some(true));
        assert_eq!(
            partners.len(),
            published.len(),
            "{label}: every published record, and nothing else"
        );
        for (slug, yaml) in &published {
            let entry = partners
                .iter()
                .find(|p| p.get("slug").and_then(Json::as_str) == Some(slug))
                .unwrap_or_else(|| panic!("{label}: {slug} is not in partners.json"));
            let url = entry.get("url").and_then(Json::as_str).unwrap();
            let page = s.public().join(url);
            let page = if url.ends_with('/') {
                page.join("index.html")
            } else {
                page
            };
            assert!(
                page.is_file(),
                "{label}: {slug}'s url {url} leads to nothing"
            );
            let mut errors = Vec::new();
            compare(yaml, entry, "", "", &mut errors);
            assert!(
                errors.is_empty(),
                "{label}: partners.json does not hold {slug} as written:\n{}",
                errors.join("\n")
            );
        }
        for (slug, _) in &drafts {
            assert!(
                !partners
                    .iter()
                    .any(|p| p.get("slug").and_then(Json::as_str) == Some(slug)),
                "{label}: the draft {slug} is in partners.json"
            );
            assert!(
                !s.public().join("partners").join(slug).exists(),
                "{label}: the draft {slug} has a page"
            );
        }
        if ["the example site", "edge cases"].contains(label) {
            assert!(!drafts.is_empty(), "{label} has a draft");
        }
    }
}
