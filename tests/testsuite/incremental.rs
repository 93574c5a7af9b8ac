//! Incremental `build`: the output folder a build publishes into in place,
//! after any sequence of edits, holds byte for byte what a clean build of
//! the same sources writes into a fresh folder, manifest included; the two
//! builds exit alike and print the same summary and diagnostics; a failed
//! build leaves the output exactly as it was; and files whose bytes did not
//! change are not rewritten.
//!
//! The property test keeps a model of a small site (3 to 6 partners, 1 to
//! 3 playbooks, the configuration, template overrides, static files, a
//! copy of the theme on disk), applies random edits to it (fields, links,
//! new, deleted and renamed records, drafts, broken records, templates and
//! configuration, and their repair), writes the differences to disk and
//! builds after every few edits, with `--drafts`, `-u`, `--deny-warnings`
//! or a later date now and then, and now and then after changing the
//! output by hand. The clean build is of a copy of the sources (no output,
//! no cache) with the same options.
//! `PROPTEST_CASES=100 cargo test --test testsuite incremental::` runs more
//! sequences than the default 24. The chosen sequences at the end are the
//! trickiest ones found while writing it, and regressions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;
use proptest::sample::Index;

use crate::support::{Scratch, partnerbook, repo};

// ---------------------------------------------------------------------------
// the site model

/// Slugs partners may have (few, so a new or renamed partner often takes
/// the slug of one deleted before).
const SLUGS: [&str; 8] = [
    "northwind",
    "contoso",
    "fabrikam",
    "tailspin",
    "zephyr",
    "aardvark",
    "litware",
    "wingtip",
];

/// Folders below content/partners/ a record may live in.
const DIRS: [&str; 3] = ["", "emea/", "apac/north/"];

/// Names: a rename re-sorts every list (by tier, then lowercase name).
const NAMES: [&str; 8] = [
    "Northwind",
    "Contoso",
    "Fabrikam Group",
    "Tailspin Toys",
    "Zephyr",
    "Aardvark & Sons",
    "Östra Data",
    "litware",
];

const TIERS: [&str; 3] = ["strategic", "tactical", "casual"];

const STATUSES: [Option<&str>; 5] = [
    None,
    Some("prospect"),
    Some("active"),
    Some("paused"),
    Some("ended"),
];

/// One-line summaries; the last holds raw HTML (escaped unless
/// `markdown.allow_html`).
const SUMMARIES: [&str; 3] = [
    "Managed license compliance.",
    "Resells *software* to mid-size firms.",
    "Resells <b>software</b> to [mid-size](https://example.com/) firms.",
];

const BENEFITS: [&str; 4] = [
    "Meets its outsourcing SLAs without building its own tool.",
    "A reason to call every customer before renewal.",
    "New services revenue from every **compliance** audit.",
    "Wins deals against larger suites, with a *joint* plan.",
];

const TAGS: [&[&str]; 4] = [
    &[],
    &["outsourcing"],
    &["compliance", "emea"],
    &["zz-last", "alpha"],
];

/// `review:` bodies: none, current on the test date, overdue, never reviewed.
const REVIEWS: [Option<&str>; 4] = [
    None,
    Some("  last: 2026-10-01\n  every_days: 90\n"),
    Some("  last: 2025-01-15\n  every_days: 90\n"),
    Some("  every_days: 30\n"),
];

/// `influence_map:` bodies: one person; two who know each other; one who
/// names somebody not in the map (unknown-person, an error).
const INFLUENCE: [&str; 3] = [
    "  - name: Marta Jensen\n    title: VP Alliances\n    influence: high\n    attitude: positive\n",
    "  - name: Marta Jensen\n    influence: high\n    attitude: neutral\n    relationships: [Tom Becker]\n  - name: Tom Becker\n    title: CTO\n    influence: medium\n    attitude: negative\n    style: Wants *numbers*.\n",
    "  - name: Marta Jensen\n    relationships: [Nobody Known]\n",
];

/// `plan:` bodies: none, a step due soon on the test date, a step done and
/// one overdue, a step that falls overdue by [`LATER_EPOCH`].
const PLANS: [Option<&str>; 4] = [
    None,
    Some("  - step: Send the *pilot* offer\n    owner: ours\n    due: 2026-12-01\n"),
    Some(
        "  - step: Sign the agreement\n    owner: joint\n    who: Marta Jensen\n    \
         due: 2026-11-01\n    done: 2026-10-30\n  - step: Train the sales team\n    \
         owner: theirs\n    due: 2026-11-10\n    measure: Twenty people certified\n",
    ),
    Some("  - step: First joint customer\n    owner: joint\n    due: 2027-02-01\n"),
];

/// A partner's own rule: one replaces the tier's `lead_sharing`, one adds a topic.
const RULES: [(&str, &str); 3] = [
    ("lead_sharing", "Leads go to the partner within a day."),
    ("lead_sharing", "Leads are shared at the monthly call."),
    ("joint_webinars", "One joint webinar a quarter."),
];

/// Playbook paths (below content/playbooks/, without `.md`).
const PLAYBOOK_PATHS: [&str; 5] = [
    "first-call",
    "kickoff",
    "guides/review",
    "guides/escalation",
    "zz/deep/last",
];

const PLAYBOOK_TITLES: [&str; 5] = [
    "Before the first call",
    "Kickoff",
    "Quarterly review",
    "Escalation",
    "Zz last things",
];

const PLAYBOOK_SUMMARIES: [&str; 2] = ["Three things to do first.", "What to *bring* along."];

const BODIES: [&str; 3] = [
    "## Know them\n\nRead the record first.\n",
    "## Know them\n\nRead the record first.\n\n### Then call\n\nCall them.\n\n## Follow up\n\nWrite it down.\n",
    "A table:\n\n| Step | Who |\n|---|---|\n| Call | Us |\n\n- [x] done\n- [ ] to do\n",
];

const SITE_TITLES: [&str; 3] = ["Acme Partner Playbook", "Zenith Partners", "Acme & Co"];

const BASE_URLS: [&str; 2] = ["https://intranet.example/partners/", "http://docs.example/"];

/// `-u` values: the last is refused (exit 2).
const FLAG_URLS: [&str; 3] = [
    "https://build.example/site/",
    "https://intranet.example/partners/",
    "not a url",
];

const TIER_RULES: [&str; 2] = [
    "No standing obligation to share leads.",
    "Leads are shared opportunity by opportunity.",
];

const LINTS: [&str; 4] = [
    "review-overdue",
    "no-commitments",
    "tier-over-capacity",
    "missing-target-market",
];

const LEVELS: [&str; 3] = ["allow", "warn", "deny"];

/// Templates a site may override.
const TEMPLATES: [&str; 8] = [
    "partner.html",
    "base.html",
    "playbook.html",
    "index.html",
    "404.html",
    "worksheet.html",
    "tier.html",
    "extra.html",
];

/// Static files a site may have: a dot-file, folders, one that replaces
/// the theme's stylesheet, one that a generated file shadows, one at the
/// path of a partner page (published only while that partner is not), and
/// `img`, a file where `img/logo.svg` needs a folder (the two take turns:
/// see [`Model::apply`]).
const STATICS: [&str; 8] = [
    "extra.css",
    ".htaccess",
    "img/logo.svg",
    ".well-known/security.txt",
    "style.css",
    "partners.json",
    "partners/zephyr/index.html",
    "img",
];

/// Indexes into [`STATICS`] of the file `img` and of `img/logo.svg`.
const IMG_FILE: usize = 7;
const IMG_FOLDER: usize = 2;

/// How a record is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Broken {
    /// Not valid YAML.
    Yaml,
    /// `partner_benefit: TBD`.
    Placeholder,
    /// No `partner_benefit` at all.
    NoBenefit,
}

#[derive(Clone, Debug, PartialEq)]
struct Partner {
    slug: String,
    dir: usize,
    yml: bool,
    name: usize,
    tier: usize,
    status: usize,
    summary: Option<usize>,
    benefit: usize,
    tags: usize,
    review: usize,
    plan: usize,
    rule: Option<usize>,
    /// A partner named with an `@/partners/` link in `together`.
    link: Option<String>,
    /// A playbook named with an `@/playbooks/` link in the worksheet.
    playbook_link: Option<String>,
    influence: Option<usize>,
    draft: bool,
    broken: Option<Broken>,
}

#[derive(Clone, Debug, PartialEq)]
struct Playbook {
    path: String,
    title: usize,
    weight: Option<i64>,
    /// Bits: strategic, tactical, casual.
    tiers: u8,
    partners: Vec<String>,
    body: usize,
    /// A partner named with an `@/partners/` link in the body.
    link: Option<String>,
    summary: Option<usize>,
    draft: bool,
    /// Without a title: an error.
    broken: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Config {
    /// Whether partnerbook.yaml exists.
    present: bool,
    title: usize,
    base_url: Option<usize>,
    pretty_links: Option<bool>,
    /// A rule of engagement of a tier: (tier, text).
    tier_rule: Option<(usize, usize)>,
    max_strategic: Option<u8>,
    /// A lint level: (lint, level).
    lint: Option<(usize, usize)>,
    allow_html: bool,
    /// 1: not valid YAML; 2: an unknown field (both exit 2).
    broken: u8,
}

/// A site template: a copy of the theme's with something added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Template {
    /// A visible marker.
    Marker(u8),
    /// A Tera comment: the output does not change.
    Comment(u8),
    /// Extends the theme's own template and adds a marker to its content.
    Extends(u8),
    /// Does not parse.
    SyntaxError,
    /// Parses, but fails to render.
    RenderError,
}

#[derive(Clone, Debug, PartialEq)]
struct Model {
    partners: Vec<Partner>,
    playbooks: Vec<Playbook>,
    config: Config,
    templates: BTreeMap<usize, Template>,
    statics: BTreeMap<usize, u8>,
    /// A copy of the default theme on disk, with its partner.html and
    /// style.css marked with a number: in themes/default/ (which replaces
    /// the embedded theme), or in themes/plain/ with `theme: plain`.
    theme: Option<(bool, u8)>,
}

fn partner(slug: &str, tier: usize) -> Partner {
    let name = SLUGS.iter().position(|s| *s == slug).unwrap_or(0);
    Partner {
        slug: slug.to_string(),
        dir: 0,
        yml: false,
        name,
        tier,
        status: 0,
        summary: None,
        benefit: name % BENEFITS.len(),
        tags: 0,
        review: 0,
        plan: 0,
        rule: None,
        link: None,
        playbook_link: None,
        influence: None,
        draft: false,
        broken: None,
    }
}

fn playbook(path: &str, title: usize) -> Playbook {
    Playbook {
        path: path.to_string(),
        title,
        weight: None,
        tiers: 0,
        partners: Vec::new(),
        body: 0,
        link: None,
        summary: None,
        draft: false,
        broken: false,
    }
}

impl Model {
    /// The starting site: the first `partners` (3 to 6) of six partners and
    /// the first `playbooks` (1 to 3) of three playbooks. Links and
    /// playbooks name only the first three partners.
    fn start(partners: usize, playbooks: usize) -> Model {
        let mut all = vec![
            partner("northwind", 2),
            Partner {
                dir: 1,
                review: 1,
                link: Some("northwind".into()),
                ..partner("contoso", 1)
            },
            Partner {
                review: 2,
                rule: Some(0),
                tags: 2,
                summary: Some(1),
                ..partner("fabrikam", 0)
            },
            Partner {
                draft: true,
                ..partner("tailspin", 2)
            },
            Partner {
                status: 3,
                summary: Some(0),
                review: 3,
                ..partner("zephyr", 1)
            },
            Partner {
                yml: true,
                status: 4,
                dir: 2,
                ..partner("aardvark", 0)
            },
        ];
        all.truncate(partners);
        let mut books = vec![
            Playbook {
                tiers: 0b001,
                partners: vec!["northwind".into()],
                link: Some("northwind".into()),
                ..playbook("first-call", 0)
            },
            Playbook {
                weight: Some(20),
                tiers: 0b110,
                summary: Some(0),
                body: 1,
                ..playbook("guides/review", 2)
            },
            Playbook {
                weight: Some(10),
                partners: vec!["contoso".into(), "fabrikam".into()],
                body: 2,
                ..playbook("kickoff", 1)
            },
        ];
        books.truncate(playbooks);
        Model {
            partners: all,
            playbooks: books,
            config: Config {
                present: true,
                title: 0,
                base_url: None,
                pretty_links: None,
                tier_rule: Some((2, 0)),
                max_strategic: None,
                lint: None,
                allow_html: false,
                broken: 0,
            },
            templates: BTreeMap::new(),
            statics: BTreeMap::from([(1, 0), (IMG_FOLDER, 0)]),
            theme: None,
        }
    }

    /// Every file of the site, by path below the site root.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for p in &self.partners {
            files.insert(p.file(), p.yaml().into_bytes());
        }
        for pb in &self.playbooks {
            files.insert(
                format!("content/playbooks/{}.md", pb.path),
                pb.markdown().into_bytes(),
            );
        }
        if self.config.present {
            let mut config = self.config.yaml();
            if let Some((true, _)) = self.theme {
                config.push_str("theme: plain\n");
            }
            files.insert("partnerbook.yaml".into(), config.into_bytes());
        }
        if let Some((plain, n)) = self.theme {
            let name = if plain { "plain" } else { "default" };
            let theme = repo().join("themes/default");
            for entry in walkdir::WalkDir::new(&theme) {
                let entry = entry.unwrap();
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&theme).unwrap().to_string_lossy();
                let mut bytes = std::fs::read(entry.path()).unwrap();
                if rel == "templates/partner.html" {
                    bytes = template_text("partner.html", Template::Marker(n)).into_bytes();
                } else if rel == "static/style.css" {
                    bytes.extend_from_slice(format!("/* theme copy {n} */\n").as_bytes());
                }
                files.insert(format!("themes/{name}/{rel}"), bytes);
            }
        }
        for (&t, &variant) in &self.templates {
            files.insert(
                format!("templates/{}", TEMPLATES[t]),
                template_text(TEMPLATES[t], variant).into_bytes(),
            );
        }
        for (&s, &version) in &self.statics {
            files.insert(
                format!("static/{}", STATICS[s]),
                format!("{} version {version}\n", STATICS[s]).into_bytes(),
            );
        }
        files
    }

    fn slugs(&self) -> BTreeSet<String> {
        self.partners.iter().map(|p| p.slug.clone()).collect()
    }

    /// Slugs no partner has, in [`SLUGS`] order.
    fn unused_slugs(&self) -> Vec<&'static str> {
        let used = self.slugs();
        SLUGS
            .iter()
            .copied()
            .filter(|s| !used.contains(*s))
            .collect()
    }

    /// Playbook paths no playbook has, in [`PLAYBOOK_PATHS`] order.
    fn unused_playbook_paths(&self) -> Vec<&'static str> {
        PLAYBOOK_PATHS
            .iter()
            .copied()
            .filter(|p| self.playbooks.iter().all(|pb| pb.path != *p))
            .collect()
    }

    /// Replaces every reference to the partner `from` (links, playbooks'
    /// `partners:`) with `to`, or removes it.
    fn relink(&mut self, from: &str, to: Option<&str>) {
        for p in &mut self.partners {
            if p.link.as_deref() == Some(from) {
                p.link = to.map(str::to_string);
            }
        }
        for pb in &mut self.playbooks {
            if pb.link.as_deref() == Some(from) {
                pb.link = to.map(str::to_string);
            }
            match to {
                Some(to) => {
                    for s in &mut pb.partners {
                        if s == from {
                            *s = to.to_string();
                        }
                    }
                    let mut seen = BTreeSet::new();
                    pb.partners.retain(|s| seen.insert(s.clone()));
                }
                None => pb.partners.retain(|s| s != from),
            }
        }
    }

    /// What a [`Edit::Repair`] can fix, in a fixed order.
    fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (i, p) in self.partners.iter().enumerate() {
            if p.broken.is_some() {
                out.push(Problem::Partner(i));
            }
        }
        for (i, pb) in self.playbooks.iter().enumerate() {
            if pb.broken {
                out.push(Problem::Playbook(i));
            }
        }
        if self.config.broken != 0 {
            out.push(Problem::Config);
        }
        for (&t, &v) in &self.templates {
            if matches!(v, Template::SyntaxError | Template::RenderError) {
                out.push(Problem::Template(t));
            }
        }
        let published: BTreeSet<&str> = self
            .partners
            .iter()
            .filter(|p| !p.draft)
            .map(|p| p.slug.as_str())
            .collect();
        let dangling = |s: &Option<String>| s.as_deref().is_some_and(|s| !published.contains(s));
        let playbooks: BTreeSet<&str> = self
            .playbooks
            .iter()
            .filter(|pb| !pb.draft)
            .map(|pb| pb.path.as_str())
            .collect();
        for (i, p) in self.partners.iter().enumerate() {
            let dangling_playbook = p
                .playbook_link
                .as_deref()
                .is_some_and(|pb| !playbooks.contains(pb));
            if dangling(&p.link) || dangling_playbook || p.influence == Some(2) {
                out.push(Problem::PartnerLink(i));
            }
        }
        for (i, pb) in self.playbooks.iter().enumerate() {
            if dangling(&pb.link) || pb.partners.iter().any(|s| !published.contains(s.as_str())) {
                out.push(Problem::PlaybookLinks(i));
            }
        }
        let mut seen = BTreeSet::new();
        for (i, p) in self.partners.iter().enumerate() {
            if !seen.insert(&p.slug) {
                out.push(Problem::Duplicate(i));
            }
        }
        out
    }

    fn repair(&mut self, problem: Problem) {
        let published: BTreeSet<String> = self
            .partners
            .iter()
            .filter(|p| !p.draft)
            .map(|p| p.slug.clone())
            .collect();
        match problem {
            Problem::Partner(i) => self.partners[i].broken = None,
            Problem::Playbook(i) => self.playbooks[i].broken = false,
            Problem::Config => self.config.broken = 0,
            Problem::Template(t) => {
                self.templates.remove(&t);
            }
            Problem::PartnerLink(i) => {
                let p = &mut self.partners[i];
                p.link = None;
                p.playbook_link = None;
                if p.influence == Some(2) {
                    p.influence = Some(1);
                }
            }
            Problem::PlaybookLinks(i) => {
                let pb = &mut self.playbooks[i];
                if pb.link.as_ref().is_some_and(|s| !published.contains(s)) {
                    pb.link = None;
                }
                pb.partners.retain(|s| published.contains(s));
            }
            Problem::Duplicate(i) => {
                self.partners.remove(i);
            }
        }
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Partner(which, field) => {
                if self.partners.is_empty() {
                    return;
                }
                let i = which.index(self.partners.len());
                let others: Vec<String> = self
                    .partners
                    .iter()
                    .map(|p| p.slug.clone())
                    .filter(|s| *s != self.partners[i].slug)
                    .collect();
                let playbooks: Vec<String> =
                    self.playbooks.iter().map(|pb| pb.path.clone()).collect();
                let p = &mut self.partners[i];
                match *field {
                    Field::Name(n) => p.name = n,
                    Field::Tier(t) => p.tier = t,
                    Field::Status(s) => p.status = s,
                    Field::Summary(s) => p.summary = s,
                    Field::Benefit(b) => p.benefit = b,
                    Field::Tags(t) => p.tags = t,
                    Field::Review(r) => p.review = r,
                    Field::Plan(i) => p.plan = i,
                    Field::Rule(r) => p.rule = r,
                    Field::Link(other) => {
                        p.link = other
                            .filter(|_| !others.is_empty())
                            .map(|o| o.get(&others).clone());
                    }
                    Field::PlaybookLink(pb) => {
                        p.playbook_link = pb
                            .filter(|_| !playbooks.is_empty())
                            .map(|pb| pb.get(&playbooks).clone());
                    }
                    Field::Influence(i) => p.influence = i,
                    Field::Draft(d) => p.draft = d,
                }
            }
            Edit::AddPartner(new) => {
                let unused = self.unused_slugs();
                if unused.is_empty() {
                    return;
                }
                let slug = *new.slug.get(&unused);
                self.partners.push(Partner {
                    dir: new.dir,
                    yml: new.yml,
                    name: new.name,
                    review: new.review,
                    ..partner(slug, new.tier)
                });
            }
            Edit::DeletePartner { which, unlink } => {
                if self.partners.is_empty() {
                    return;
                }
                let gone = self.partners.remove(which.index(self.partners.len()));
                if *unlink && !self.slugs().contains(&gone.slug) {
                    self.relink(&gone.slug, None);
                }
            }
            Edit::RenamePartner {
                which,
                to,
                dir,
                yml,
                relink,
            } => {
                if self.partners.is_empty() {
                    return;
                }
                let i = which.index(self.partners.len());
                let unused = self.unused_slugs();
                let old = self.partners[i].slug.clone();
                let new = match to {
                    Some(to) if !unused.is_empty() => to.get(&unused).to_string(),
                    _ => old.clone(),
                };
                let p = &mut self.partners[i];
                p.slug = new.clone();
                p.dir = *dir;
                p.yml = *yml;
                if *relink && new != old && !self.slugs().contains(&old) {
                    self.relink(&old, Some(&new));
                }
            }
            Edit::DuplicatePartner { which, dir } => {
                if self.partners.is_empty() {
                    return;
                }
                let mut copy = which.get(&self.partners).clone();
                copy.dir = if copy.dir == *dir {
                    (dir + 1) % DIRS.len()
                } else {
                    *dir
                };
                self.partners.push(copy);
            }
            Edit::Break(which, how) => {
                if self.partners.is_empty() {
                    return;
                }
                which.get_mut(&mut self.partners).broken = Some(*how);
            }
            Edit::Playbook(which, field) => {
                if self.playbooks.is_empty() {
                    return;
                }
                let slugs: Vec<String> = self.partners.iter().map(|p| p.slug.clone()).collect();
                let pb = which.get_mut(&mut self.playbooks);
                match *field {
                    PbField::Title(t) => pb.title = t,
                    PbField::Weight(w) => pb.weight = w,
                    PbField::Tiers(t) => pb.tiers = t,
                    PbField::TogglePartner(p) => {
                        if slugs.is_empty() {
                            return;
                        }
                        let slug = p.get(&slugs);
                        if pb.partners.contains(slug) {
                            pb.partners.retain(|s| s != slug);
                        } else {
                            pb.partners.push(slug.clone());
                        }
                    }
                    PbField::Body(b) => pb.body = b,
                    PbField::Link(p) => {
                        pb.link = p
                            .filter(|_| !slugs.is_empty())
                            .map(|p| p.get(&slugs).clone());
                    }
                    PbField::Summary(s) => pb.summary = s,
                    PbField::Draft(d) => pb.draft = d,
                    PbField::Break => pb.broken = true,
                }
            }
            Edit::AddPlaybook {
                path,
                title,
                tiers,
                partner,
            } => {
                let unused = self.unused_playbook_paths();
                if unused.is_empty() {
                    return;
                }
                let slugs: Vec<String> = self.partners.iter().map(|p| p.slug.clone()).collect();
                let mut pb = playbook(unused[path.index(unused.len())], *title);
                pb.tiers = *tiers;
                if let Some(p) = partner.filter(|_| !slugs.is_empty()) {
                    pb.partners.push(p.get(&slugs).clone());
                }
                self.playbooks.push(pb);
            }
            Edit::DeletePlaybook(which) => {
                if !self.playbooks.is_empty() {
                    self.playbooks.remove(which.index(self.playbooks.len()));
                }
            }
            Edit::MovePlaybook(which, to) => {
                let unused = self.unused_playbook_paths();
                if !self.playbooks.is_empty() && !unused.is_empty() {
                    let pb = which.get_mut(&mut self.playbooks);
                    let old = std::mem::replace(&mut pb.path, to.get(&unused).to_string());
                    let new = pb.path.clone();
                    for p in &mut self.partners {
                        if p.playbook_link.as_deref() == Some(&old) {
                            p.playbook_link = Some(new.clone());
                        }
                    }
                }
            }
            Edit::Config(edit) => {
                let c = &mut self.config;
                match *edit {
                    ConfigEdit::Title(t) => c.title = t,
                    ConfigEdit::PrettyLinks(p) => c.pretty_links = p,
                    ConfigEdit::BaseUrl(u) => c.base_url = u,
                    ConfigEdit::TierRule(r) => c.tier_rule = r,
                    ConfigEdit::MaxStrategic(m) => c.max_strategic = m,
                    ConfigEdit::Lint(l) => c.lint = l,
                    ConfigEdit::AllowHtml(a) => c.allow_html = a,
                    ConfigEdit::Present(p) => c.present = p,
                    ConfigEdit::Break(b) => c.broken = b,
                }
            }
            Edit::Template(t, variant) => match variant {
                Some(v) => {
                    self.templates.insert(*t, *v);
                }
                None => {
                    self.templates.remove(t);
                }
            },
            Edit::Static(s, version) => match version {
                Some(v) => {
                    // a file and a folder of one name cannot both be there
                    match *s {
                        IMG_FILE => self.statics.remove(&IMG_FOLDER),
                        IMG_FOLDER => self.statics.remove(&IMG_FILE),
                        _ => None,
                    };
                    self.statics.insert(*s, *v);
                }
                None => {
                    self.statics.remove(s);
                }
            },
            Edit::Theme(theme) => self.theme = *theme,
            Edit::Repair(which) => {
                let problems = self.problems();
                if !problems.is_empty() {
                    self.repair(*which.get(&problems));
                }
            }
            Edit::Nothing => {}
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Problem {
    Partner(usize),
    Playbook(usize),
    Config,
    Template(usize),
    PartnerLink(usize),
    PlaybookLinks(usize),
    Duplicate(usize),
}

impl Partner {
    fn file(&self) -> String {
        format!(
            "content/partners/{}{}.{}",
            DIRS[self.dir],
            self.slug,
            if self.yml { "yml" } else { "yaml" }
        )
    }

    fn yaml(&self) -> String {
        let mut y = String::new();
        if self.broken == Some(Broken::Yaml) {
            y.push_str("owner: [unclosed\n");
        }
        y.push_str(&format!(
            "name: {}\ntier: {}\n",
            NAMES[self.name], TIERS[self.tier]
        ));
        if let Some(status) = STATUSES[self.status] {
            y.push_str(&format!("status: {status}\n"));
        }
        if let Some(s) = self.summary {
            y.push_str(&format!("summary: {}\n", SUMMARIES[s]));
        }
        if !TAGS[self.tags].is_empty() {
            y.push_str(&format!("tags: [{}]\n", TAGS[self.tags].join(", ")));
        }
        if self.draft {
            y.push_str("draft: true\n");
        }
        let link = self
            .link
            .as_ref()
            .map(|s| format!(" with [a partner](@/partners/{s})"))
            .unwrap_or_default();
        y.push_str(&format!(
            "objectives: [market-access]\n\
             target_market: Mid-size firms in Europe.\n\
             proposition:\n  \
               we_do: License compliance software.\n  \
               they_do: IT services for mid-size firms.\n  \
               together: A managed compliance service{link}.\n"
        ));
        match self.broken {
            Some(Broken::Placeholder) => y.push_str("  partner_benefit: TBD\n"),
            Some(Broken::NoBenefit) => {}
            _ => y.push_str(&format!("  partner_benefit: {}\n", BENEFITS[self.benefit])),
        }
        if let Some(r) = self.rule {
            let (topic, text) = RULES[r];
            y.push_str(&format!("rules_of_engagement:\n  {topic}: {text}\n"));
        }
        if let Some(review) = REVIEWS[self.review] {
            y.push_str("review:\n");
            y.push_str(review);
        }
        if let Some(plan) = PLANS[self.plan] {
            y.push_str("plan:\n");
            y.push_str(plan);
        }
        if let Some(path) = &self.playbook_link {
            y.push_str(&format!(
                "worksheet:\n  product_strategy: Follow [the playbook](@/playbooks/{path}).\n"
            ));
        }
        if let Some(i) = self.influence {
            y.push_str("influence_map:\n");
            y.push_str(INFLUENCE[i]);
        }
        y
    }
}

impl Playbook {
    fn markdown(&self) -> String {
        let mut md = String::from("---\n");
        if !self.broken {
            md.push_str(&format!("title: {}\n", PLAYBOOK_TITLES[self.title]));
        }
        if let Some(s) = self.summary {
            md.push_str(&format!("summary: {}\n", PLAYBOOK_SUMMARIES[s]));
        }
        if let Some(w) = self.weight {
            md.push_str(&format!("weight: {w}\n"));
        }
        let tiers: Vec<&str> = (0..3)
            .filter(|i| self.tiers & (1 << i) != 0)
            .map(|i| TIERS[i])
            .collect();
        if !tiers.is_empty() {
            md.push_str(&format!("tiers: [{}]\n", tiers.join(", ")));
        }
        if !self.partners.is_empty() {
            md.push_str(&format!("partners: [{}]\n", self.partners.join(", ")));
        }
        if self.draft {
            md.push_str("draft: true\n");
        }
        md.push_str("---\n");
        md.push_str(BODIES[self.body]);
        if let Some(s) = &self.link {
            md.push_str(&format!("\nAsk [the partner](@/partners/{s}) first.\n"));
        }
        md
    }
}

impl Config {
    fn yaml(&self) -> String {
        let mut y = String::new();
        if self.broken == 1 {
            y.push_str("description: [unclosed\n");
        }
        y.push_str(&format!("title: {}\n", SITE_TITLES[self.title]));
        if let Some(u) = self.base_url {
            y.push_str(&format!("base_url: {}\n", BASE_URLS[u]));
        }
        if let Some(p) = self.pretty_links {
            y.push_str(&format!("pretty_links: {p}\n"));
        }
        if self.tier_rule.is_some() || self.max_strategic.is_some() {
            y.push_str("tiers:\n");
            let mut tiers: BTreeMap<usize, String> = BTreeMap::new();
            if let Some(m) = self.max_strategic {
                tiers
                    .entry(0)
                    .or_default()
                    .push_str(&format!("    max_partners: {m}\n"));
            }
            if let Some((tier, text)) = self.tier_rule {
                tiers.entry(tier).or_default().push_str(&format!(
                    "    rules_of_engagement:\n      lead_sharing: {}\n",
                    TIER_RULES[text]
                ));
            }
            for (tier, body) in tiers {
                y.push_str(&format!("  {}:\n{body}", TIERS[tier]));
            }
        }
        if let Some((lint, level)) = self.lint {
            y.push_str(&format!("lints:\n  {}: {}\n", LINTS[lint], LEVELS[level]));
        }
        if self.allow_html {
            y.push_str("markdown:\n  allow_html: true\n");
        }
        if self.broken == 2 {
            y.push_str("titel: A typo\n");
        }
        y
    }
}

/// The text of the site template `name` in `variant`, from the default
/// theme's template of that name.
fn template_text(name: &str, variant: Template) -> String {
    let theme = std::fs::read_to_string(repo().join("themes/default/templates").join(name))
        .unwrap_or_else(|_| "<p>{{ site.title }}</p>\n".to_string());
    let extends = theme.contains("{% block content %}") && name != "base.html";
    let added = match variant {
        Template::Marker(n) => format!("<p class=\"marker\">marker {n}</p>"),
        Template::Comment(n) => format!("{{# comment {n} #}}"),
        Template::Extends(n) if extends => {
            return format!(
                "{{% extends \"theme/{name}\" %}}\n{{% block content %}}<p class=\"marker\">extended {n}</p>{{{{ super() }}}}{{% endblock content %}}\n"
            );
        }
        Template::Extends(n) => format!("<p class=\"marker\">not extended {n}</p>"),
        Template::SyntaxError => "{% if %}".to_string(),
        Template::RenderError => "{{ no_such_value.field }}".to_string(),
    };
    // somewhere every page of the template shows
    if let Some(at) = theme.find("</footer>") {
        format!("{}{added}{}", &theme[..at], &theme[at..])
    } else if let Some(at) = theme.find("{% block content %}") {
        let at = at + "{% block content %}".len();
        format!("{}{added}{}", &theme[..at], &theme[at..])
    } else if let Some(at) = theme.find("</main>") {
        format!("{}{added}{}", &theme[..at], &theme[at..])
    } else {
        format!("{theme}{added}\n")
    }
}

// ---------------------------------------------------------------------------
// edits

#[derive(Clone, Copy, Debug)]
enum Field {
    Name(usize),
    Tier(usize),
    Status(usize),
    Summary(Option<usize>),
    Benefit(usize),
    Tags(usize),
    Review(usize),
    Plan(usize),
    Rule(Option<usize>),
    Link(Option<Index>),
    PlaybookLink(Option<Index>),
    Influence(Option<usize>),
    Draft(bool),
}

#[derive(Clone, Copy, Debug)]
enum PbField {
    Title(usize),
    Weight(Option<i64>),
    Tiers(u8),
    TogglePartner(Index),
    Body(usize),
    Link(Option<Index>),
    Summary(Option<usize>),
    Draft(bool),
    Break,
}

#[derive(Clone, Copy, Debug)]
enum ConfigEdit {
    Title(usize),
    PrettyLinks(Option<bool>),
    BaseUrl(Option<usize>),
    TierRule(Option<(usize, usize)>),
    MaxStrategic(Option<u8>),
    Lint(Option<(usize, usize)>),
    AllowHtml(bool),
    Present(bool),
    Break(u8),
}

#[derive(Clone, Copy, Debug)]
struct NewPartner {
    slug: Index,
    dir: usize,
    yml: bool,
    name: usize,
    tier: usize,
    review: usize,
}

/// One edit of the site. Which partner or playbook it touches is an
/// [`Index`] into the ones the site has when the edit is applied.
#[derive(Clone, Copy, Debug)]
enum Edit {
    Partner(Index, Field),
    AddPartner(NewPartner),
    DeletePartner {
        which: Index,
        /// Also drop the links and playbook entries that name it.
        unlink: bool,
    },
    /// A new file name: another slug (`to`), or the same slug in another
    /// folder or with another extension.
    RenamePartner {
        which: Index,
        to: Option<Index>,
        dir: usize,
        yml: bool,
        /// Also point the links and playbook entries at the new slug.
        relink: bool,
    },
    /// A second file with the same slug in another folder: duplicate-slug.
    DuplicatePartner {
        which: Index,
        dir: usize,
    },
    Break(Index, Broken),
    Playbook(Index, PbField),
    AddPlaybook {
        path: Index,
        title: usize,
        tiers: u8,
        partner: Option<Index>,
    },
    DeletePlaybook(Index),
    /// Another path: the playbook's URL changes.
    MovePlaybook(Index, Index),
    Config(ConfigEdit),
    Template(usize, Option<Template>),
    Static(usize, Option<u8>),
    /// A copy of the default theme on disk (see [`Model::theme`]).
    Theme(Option<(bool, u8)>),
    /// Fixes one of the site's problems (see [`Model::problems`]).
    Repair(Index),
    Nothing,
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        3 => (0..NAMES.len()).prop_map(Field::Name),
        2 => (0..TIERS.len()).prop_map(Field::Tier),
        1 => (0..STATUSES.len()).prop_map(Field::Status),
        1 => proptest::option::of(0..SUMMARIES.len()).prop_map(Field::Summary),
        2 => (0..BENEFITS.len()).prop_map(Field::Benefit),
        1 => (0..TAGS.len()).prop_map(Field::Tags),
        2 => (0..REVIEWS.len()).prop_map(Field::Review),
        2 => (0..PLANS.len()).prop_map(Field::Plan),
        1 => proptest::option::of(0..RULES.len()).prop_map(Field::Rule),
        2 => proptest::option::of(any::<Index>()).prop_map(Field::Link),
        1 => proptest::option::of(any::<Index>()).prop_map(Field::PlaybookLink),
        1 => proptest::option::of(0..INFLUENCE.len()).prop_map(Field::Influence),
        2 => any::<bool>().prop_map(Field::Draft),
    ]
}

fn pb_field() -> impl Strategy<Value = PbField> {
    prop_oneof![
        2 => (0..PLAYBOOK_TITLES.len()).prop_map(PbField::Title),
        1 => proptest::option::of(prop_oneof![Just(5i64), Just(10), Just(20), Just(30)])
            .prop_map(PbField::Weight),
        2 => (0u8..8).prop_map(PbField::Tiers),
        3 => any::<Index>().prop_map(PbField::TogglePartner),
        1 => (0..BODIES.len()).prop_map(PbField::Body),
        1 => proptest::option::of(any::<Index>()).prop_map(PbField::Link),
        1 => proptest::option::of(0..PLAYBOOK_SUMMARIES.len()).prop_map(PbField::Summary),
        1 => any::<bool>().prop_map(PbField::Draft),
        1 => Just(PbField::Break),
    ]
}

fn config_edit() -> impl Strategy<Value = ConfigEdit> {
    prop_oneof![
        1 => (0..SITE_TITLES.len()).prop_map(ConfigEdit::Title),
        2 => proptest::option::of(any::<bool>()).prop_map(ConfigEdit::PrettyLinks),
        2 => proptest::option::of(0..BASE_URLS.len()).prop_map(ConfigEdit::BaseUrl),
        1 => proptest::option::of((0..TIERS.len(), 0..TIER_RULES.len())).prop_map(ConfigEdit::TierRule),
        1 => proptest::option::of(0u8..3).prop_map(ConfigEdit::MaxStrategic),
        2 => proptest::option::of((0..LINTS.len(), 0..LEVELS.len())).prop_map(ConfigEdit::Lint),
        1 => any::<bool>().prop_map(ConfigEdit::AllowHtml),
        1 => prop::bool::weighted(0.7).prop_map(ConfigEdit::Present),
        1 => (1u8..=2).prop_map(ConfigEdit::Break),
    ]
}

fn template() -> impl Strategy<Value = Template> {
    prop_oneof![
        3 => (0u8..3).prop_map(Template::Marker),
        1 => (0u8..3).prop_map(Template::Comment),
        2 => (0u8..3).prop_map(Template::Extends),
        1 => Just(Template::SyntaxError),
        1 => Just(Template::RenderError),
    ]
}

fn broken() -> impl Strategy<Value = Broken> {
    prop_oneof![
        Just(Broken::Yaml),
        Just(Broken::Placeholder),
        Just(Broken::NoBenefit)
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let new_partner = (
        any::<Index>(),
        0..DIRS.len(),
        prop::bool::weighted(0.2),
        0..NAMES.len(),
        0..TIERS.len(),
        0..REVIEWS.len(),
    )
        .prop_map(|(slug, dir, yml, name, tier, review)| NewPartner {
            slug,
            dir,
            yml,
            name,
            tier,
            review,
        });
    prop_oneof![
        14 => (any::<Index>(), field()).prop_map(|(i, f)| Edit::Partner(i, f)),
        3 => new_partner.prop_map(Edit::AddPartner),
        3 => (any::<Index>(), prop::bool::weighted(0.75))
            .prop_map(|(which, unlink)| Edit::DeletePartner { which, unlink }),
        4 => (
            any::<Index>(),
            proptest::option::weighted(0.6, any::<Index>()),
            0..DIRS.len(),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.75),
        )
            .prop_map(|(which, to, dir, yml, relink)| Edit::RenamePartner {
                which,
                to,
                dir,
                yml,
                relink
            }),
        1 => (any::<Index>(), 0..DIRS.len())
            .prop_map(|(which, dir)| Edit::DuplicatePartner { which, dir }),
        2 => (any::<Index>(), broken()).prop_map(|(i, b)| Edit::Break(i, b)),
        10 => (any::<Index>(), pb_field()).prop_map(|(i, f)| Edit::Playbook(i, f)),
        2 => (
            any::<Index>(),
            0..PLAYBOOK_TITLES.len(),
            0u8..8,
            proptest::option::of(any::<Index>()),
        )
            .prop_map(|(path, title, tiers, partner)| Edit::AddPlaybook {
                path,
                title,
                tiers,
                partner
            }),
        2 => any::<Index>().prop_map(Edit::DeletePlaybook),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, to)| Edit::MovePlaybook(i, to)),
        6 => config_edit().prop_map(Edit::Config),
        4 => (0..TEMPLATES.len(), proptest::option::weighted(0.6, template()))
            .prop_map(|(t, v)| Edit::Template(t, v)),
        6 => (0..STATICS.len(), proptest::option::weighted(0.6, 0u8..3))
            .prop_map(|(s, v)| Edit::Static(s, v)),
        2 => proptest::option::of((any::<bool>(), 0u8..2)).prop_map(Edit::Theme),
        6 => any::<Index>().prop_map(Edit::Repair),
        1 => Just(Edit::Nothing),
    ]
}

/// The options of one build; the clean build gets the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Flags {
    drafts: bool,
    /// `-u`, an index into [`FLAG_URLS`].
    base_url: Option<usize>,
    deny_warnings: bool,
    /// Built on [`LATER_EPOCH`] instead of the suite's date.
    later: bool,
}

/// 2027-03-01, 99 days after the suite's date: a review that was current
/// is overdue.
const LATER_EPOCH: &str = "1803859200";

fn flags() -> impl Strategy<Value = Flags> {
    (
        prop::bool::weighted(0.2),
        proptest::option::weighted(0.15, 0..FLAG_URLS.len()),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(drafts, base_url, deny_warnings, later)| Flags {
            drafts,
            base_url,
            deny_warnings,
            later,
        })
}

/// A change someone makes by hand to the output folder between builds,
/// which the next build must notice (a file changed so that neither its
/// size nor its time says so is not noticed, by design).
#[derive(Clone, Copy, Debug)]
enum Tamper {
    /// One of partnerbook's files deleted.
    Delete(Target),
    /// One of partnerbook's files given other bytes.
    Overwrite(Target),
    /// One of partnerbook's files emptied.
    Truncate(Target),
    /// One of partnerbook's files touched: the same bytes, a newer time.
    Touch(Target),
    /// A file of someone else's, which no build may touch.
    AddOwnFile,
    /// The build cache deleted (it is safe to delete at any time).
    DeleteCache,
    /// The manifest says another version of partnerbook wrote the output.
    OtherVersion,
}

/// Which of partnerbook's files in the output [`Tamper`] changes.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// Any but the manifest.
    Any(Index),
    /// This one.
    Path(&'static str),
}

fn tamper() -> impl Strategy<Value = Tamper> {
    let target = || any::<Index>().prop_map(Target::Any);
    prop_oneof![
        target().prop_map(Tamper::Delete),
        target().prop_map(Tamper::Overwrite),
        target().prop_map(Tamper::Truncate),
        target().prop_map(Tamper::Touch),
        Just(Tamper::AddOwnFile),
        Just(Tamper::DeleteCache),
        Just(Tamper::OtherVersion),
    ]
}

/// The file of someone else's that [`Tamper::AddOwnFile`] puts in the output.
const OWN_FILE: &str = "notes-of-someone-else.txt";

// ---------------------------------------------------------------------------
// building and comparing

/// A file or folder of an output tree.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Folder,
    File(Vec<u8>),
}

/// Every file and folder below `dir` (nothing when it does not exist).
fn snapshot(dir: &Path) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.unwrap();
        let rel = crate::support::relative(dir, entry.path());
        let node = if entry.file_type().is_dir() {
            Node::Folder
        } else {
            Node::File(std::fs::read(entry.path()).unwrap())
        };
        out.insert(rel, node);
    }
    out
}

/// The inode and modification time of every file below `dir`: a file
/// rewritten, even with the same bytes, gets a new one.
#[cfg(unix)]
fn identities(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt as _;
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let meta = entry.metadata().unwrap();
            let rel = entry.path().strip_prefix(dir).unwrap();
            out.insert(
                rel.to_string_lossy().into_owned(),
                (meta.ino(), meta.mtime(), meta.mtime_nsec()),
            );
        }
    }
    out
}

#[cfg(not(unix))]
fn identities(_dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    BTreeMap::new()
}

/// What tells two trees apart, for a failure message: the paths only one
/// has, and for each path whose content differs, the first difference.
fn difference(
    left_name: &str,
    left: &BTreeMap<String, Node>,
    right_name: &str,
    right: &BTreeMap<String, Node>,
) -> String {
    let mut out = String::new();
    let paths: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    for path in paths {
        match (left.get(path), right.get(path)) {
            (Some(_), None) => out.push_str(&format!("  only in {left_name}: {path}\n")),
            (None, Some(_)) => out.push_str(&format!("  only in {right_name}: {path}\n")),
            (Some(a), Some(b)) if a != b => match (a, b) {
                (Node::File(a), Node::File(b)) => {
                    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                    let from = at.saturating_sub(120);
                    let excerpt = |bytes: &[u8]| {
                        String::from_utf8_lossy(
                            &bytes[from.min(bytes.len())..(at + 200).min(bytes.len())],
                        )
                        .into_owned()
                    };
                    out.push_str(&format!(
                        "  {path} differs at byte {at} (sizes {} and {}):\n    {left_name}: …{}…\n    {right_name}: …{}…\n",
                        a.len(),
                        b.len(),
                        excerpt(a),
                        excerpt(b)
                    ));
                }
                _ => out.push_str(&format!("  {path}: a file in one, a folder in the other\n")),
            },
            _ => {}
        }
    }
    out
}

/// Where two texts part: the lines of each from the first that differs.
fn text_difference(left_name: &str, left: &str, right_name: &str, right: &str) -> String {
    let same = left
        .lines()
        .zip(right.lines())
        .take_while(|(a, b)| a == b)
        .count();
    let rest = |text: &str| {
        text.lines()
            .skip(same)
            .take(12)
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    format!(
        "  from line {}:\n  {left_name}:\n{}  {right_name}:\n{}",
        same + 1,
        rest(left),
        rest(right)
    )
}

/// What one build printed, and how it exited.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `partnerbook build` on the site at `site` with `flags`, and
/// returns its output with the site's path written `[SITE]` and the time
/// the summary gives cut out.
fn build(site: &Path, flags: &Flags) -> Run {
    let mut cmd = partnerbook()
        .env_remove("PARTNERBOOK_TIMINGS")
        .arg("build")
        .arg("--root")
        .arg(site);
    if flags.drafts {
        cmd = cmd.arg("--drafts");
    }
    if let Some(u) = flags.base_url {
        cmd = cmd.args(["-u", FLAG_URLS[u]]);
    }
    if flags.deny_warnings {
        cmd = cmd.arg("--deny-warnings");
    }
    if flags.later {
        cmd = cmd.env("SOURCE_DATE_EPOCH", LATER_EPOCH);
    }
    let out = cmd.output().expect("partnerbook runs");
    let clean = |bytes: &[u8]| {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        for path in [site.canonicalize().unwrap(), site.to_path_buf()] {
            text = text.replace(&*path.to_string_lossy(), "[SITE]");
        }
        text.lines()
            .map(|line| match (line.find(" in "), line.find(" s into ")) {
                (Some(a), Some(b)) if line.starts_with("built ") && a < b => {
                    format!("{} in [..]{}", &line[..a], &line[b..])
                }
                _ => line.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
    }
}

/// The note a build adds to its summary when the output is up to date.
const UNCHANGED: &str = " (unchanged: nothing to write)";

/// A site that is built incrementally, in place, after every edit, and
/// compared with a clean build each time.
struct Harness {
    scratch: Scratch,
    /// The site's files as last written.
    written: BTreeMap<String, Vec<u8>>,
    /// The sources and options of the last build that succeeded.
    last_good: Option<(BTreeMap<String, Vec<u8>>, Flags)>,
    /// What was done so far, for failure messages.
    log: Vec<String>,
    /// Whether someone else's file is in the output.
    own_file: bool,
    /// The files of partnerbook's changed by hand since the last build
    /// that succeeded.
    tampered: BTreeSet<String>,
}

impl Harness {
    fn new() -> Harness {
        Harness {
            scratch: Scratch::empty(),
            written: BTreeMap::new(),
            last_good: None,
            log: Vec::new(),
            own_file: false,
            tampered: BTreeSet::new(),
        }
    }

    /// Writes the model's files that changed and removes those it no
    /// longer has.
    fn write(&mut self, model: &Model) {
        let files = model.files();
        let site = self.scratch.site();
        for path in self.written.keys() {
            if !files.contains_key(path) {
                let path = site.join(path);
                std::fs::remove_file(&path).unwrap();
                // and the folders it leaves empty, so a file can take
                // the place of one
                for folder in path.ancestors().skip(1) {
                    if folder == site || std::fs::remove_dir(folder).is_err() {
                        break;
                    }
                }
            }
        }
        for (path, bytes) in &files {
            if self.written.get(path) != Some(bytes) {
                self.scratch.write(path, bytes);
            }
        }
        self.written = files;
    }

    /// A copy of the site's sources (not its output or its cache) in a
    /// fresh folder.
    fn clean_copy(&self) -> Scratch {
        let copy = Scratch::empty();
        let from = self.scratch.site();
        let to = copy.site();
        std::fs::create_dir_all(&to).unwrap();
        let walk = walkdir::WalkDir::new(&from)
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| {
                e.depth() > 1
                    || (e.file_name() != "public" && e.file_name() != ".partnerbook-cache")
            });
        for entry in walk {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
        copy
    }

    /// Builds the site in place with `flags`, builds a copy of its sources
    /// into a fresh folder with the same flags, and compares the two.
    /// Changes the output by hand; returns the path changed.
    fn tamper(&mut self, tamper: Tamper) -> Option<String> {
        let public = self.scratch.public();
        if !public.is_dir() {
            return None;
        }
        let files: Vec<String> = snapshot(&public)
            .into_iter()
            .filter(|(path, node)| {
                *node != Node::Folder && path != ".partnerbook-manifest.json" && path != OWN_FILE
            })
            .map(|(path, _)| path)
            .collect();
        let pick = |target: Target| match target {
            Target::Any(i) => (!files.is_empty()).then(|| i.get(&files).clone()),
            Target::Path(path) => files.iter().find(|f| *f == path).cloned(),
        };
        let path = match tamper {
            Tamper::Delete(i) => {
                let path = pick(i)?;
                std::fs::remove_file(public.join(&path)).unwrap();
                path
            }
            Tamper::Overwrite(i) => {
                let path = pick(i)?;
                let mut bytes = std::fs::read(public.join(&path)).unwrap();
                bytes.extend_from_slice(b"<!-- changed by hand -->");
                std::fs::write(public.join(&path), bytes).unwrap();
                path
            }
            Tamper::Truncate(i) => {
                let path = pick(i)?;
                std::fs::write(public.join(&path), b"").unwrap();
                path
            }
            Tamper::Touch(i) => {
                let path = pick(i)?;
                let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
                std::fs::File::options()
                    .write(true)
                    .open(public.join(&path))
                    .unwrap()
                    .set_modified(later)
                    .unwrap();
                path
            }
            Tamper::DeleteCache => {
                let cache = self.scratch.site().join(".partnerbook-cache");
                if cache.exists() {
                    std::fs::remove_dir_all(&cache).unwrap();
                }
                return None;
            }
            Tamper::OtherVersion => {
                let path = public.join(".partnerbook-manifest.json");
                let mut manifest: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&path).ok()?).unwrap();
                manifest["version"] = "0.0.1".into();
                std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
                ".partnerbook-manifest.json".to_string()
            }
            Tamper::AddOwnFile => {
                std::fs::write(public.join(OWN_FILE), b"not partnerbook's\n").unwrap();
                self.own_file = true;
                OWN_FILE.to_string()
            }
        };
        Some(path)
    }

    fn build_and_compare(
        &mut self,
        what: &str,
        flags: Flags,
        tamper: Option<Tamper>,
    ) -> Result<(), String> {
        self.log.push(format!("{what} (build with {flags:?})"));
        if let Some(path) = tamper.and_then(|t| self.tamper(t))
            && path != OWN_FILE
        {
            self.tampered.insert(path);
        }
        let public = self.scratch.public();
        let before = snapshot(&public);
        let before_ids = identities(&public);
        let run = build(&self.scratch.site(), &flags);
        let mut after = snapshot(&public);
        let after_ids = identities(&public);

        let clean = self.clean_copy();
        let fresh = build(&clean.site(), &flags);
        let fresh_tree = snapshot(&clean.public());

        let history = || format!("after:\n  {}", self.log.join("\n  "));
        let mut problems = Vec::new();
        if run.code != fresh.code {
            problems.push(format!(
                "exit code {} in place, {} clean",
                run.code, fresh.code
            ));
        }
        let unchanged = run.stdout.contains(UNCHANGED);
        if run.stdout.replace(UNCHANGED, "") != fresh.stdout {
            problems.push(format!(
                "standard output differs:\n  in place: {}\n  clean:    {}",
                run.stdout, fresh.stdout
            ));
        }
        if run.stderr != fresh.stderr {
            problems.push(format!(
                "standard error differs:\n{}",
                text_difference("in place", &run.stderr, "clean", &fresh.stderr)
            ));
        }
        // someone else's file stays as it is, and is all a clean build lacks
        if self.own_file {
            match after.remove(OWN_FILE) {
                Some(Node::File(bytes)) if bytes == b"not partnerbook's\n" => {}
                other => problems.push(format!("someone else's file was changed: {other:?}")),
            }
        }
        if run.code == 0 && fresh.code == 0 && after != fresh_tree {
            problems.push(format!(
                "the output differs from a clean build's:\n{}",
                difference("in place", &after, "clean", &fresh_tree)
            ));
        }
        // a build that fails (as a clean build of the same sources fails)
        // leaves the output as it was; when only one of the two fails, the
        // exit codes already differ
        if run.code != 0 && run.code == fresh.code {
            let mut before = before.clone();
            if self.own_file {
                before.remove(OWN_FILE);
            }
            if after != before {
                problems.push(format!(
                    "a failed build changed the output:\n{}",
                    difference("before", &before, "after", &after)
                ));
            }
        }
        if fresh.code != 0 && clean.public().exists() {
            problems.push(format!(
                "a failed clean build left an output folder: {:?}",
                fresh_tree.keys().collect::<Vec<_>>()
            ));
        }
        // bytes that did not change are not written again (the manifest
        // is, whenever a file changed: its time vouches for theirs)
        for (path, id) in &before_ids {
            if self.tampered.contains(path) || path == ".partnerbook-manifest.json" {
                continue;
            }
            let same = before.contains_key(path) && before.get(path) == after.get(path);
            if same && after_ids.get(path) != Some(id) {
                problems.push(format!("{path} was rewritten with the same bytes"));
            }
        }
        if unchanged && (snapshot(&public) != before || after_ids != before_ids) {
            problems.push("the build said it had nothing to write, but wrote".to_string());
        }
        let same_as_last_good = self
            .last_good
            .as_ref()
            .is_some_and(|(files, f)| *files == self.written && *f == flags);
        if run.code == 0 && same_as_last_good && self.tampered.is_empty() && !unchanged {
            problems.push(format!(
                "the sources and options are those of the last build, but the build did not say it had nothing to write: {}",
                run.stdout
            ));
        }
        if run.code == 0 {
            self.last_good = Some((self.written.clone(), flags));
            self.tampered.clear();
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{}\n{}", problems.join("\n"), history()))
        }
    }
}

/// Builds `model`, then applies each step and builds again, comparing
/// every build with a clean one.
fn run_steps(
    model: &mut Model,
    first: Flags,
    steps: impl IntoIterator<Item = Step>,
) -> Result<Harness, String> {
    let mut h = Harness::new();
    h.write(model);
    h.build_and_compare("the first build", first, None)?;
    for step in steps {
        (step.change)(model);
        h.write(model);
        h.build_and_compare(&step.what, step.flags, step.tamper)?;
        if let Some(check) = step.check {
            check(&h.scratch.public());
        }
    }
    Ok(h)
}

/// One step of a sequence: edits of the sources, perhaps a change someone
/// makes to the output by hand, then a build.
struct Step {
    what: String,
    change: Box<dyn FnOnce(&mut Model)>,
    tamper: Option<Tamper>,
    flags: Flags,
    /// What else to check in the output after the build.
    check: Option<Check>,
}

impl Step {
    /// Checks the output folder with `check` after the step's build.
    fn then(self, check: impl Fn(&Path) + 'static) -> Step {
        Step {
            check: Some(Box::new(check)),
            ..self
        }
    }
}

/// A check of the output folder.
type Check = Box<dyn Fn(&Path)>;

/// A step that makes `change` and builds with `flags`.
fn step(what: &str, flags: Flags, change: impl FnOnce(&mut Model) + 'static) -> Step {
    Step {
        what: what.to_string(),
        change: Box::new(change),
        tamper: None,
        flags,
        check: None,
    }
}

// ---------------------------------------------------------------------------
// the property

/// 24 sequences by default, about 10 s in a debug build; more with
/// `PROPTEST_CASES=100 cargo test --test testsuite incremental::`.
fn sequences() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    ProptestConfig {
        // each case runs up to 18 builds: shrinking stays within minutes
        max_shrink_iters: 256,
        ..ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(sequences())]

    /// After every edit of a random sequence, the output built in place
    /// is the output of a clean build, and a failed build leaves it as it
    /// was.
    #[test]
    fn every_build_in_place_matches_a_clean_build(
        partners in 3usize..=6,
        playbooks in 1usize..=3,
        first in flags(),
        steps in prop::collection::vec(
            (
                prop::collection::vec(edit(), 1..=3),
                proptest::option::weighted(0.1, tamper()),
                flags(),
            ),
            1..=8,
        ),
    ) {
        let mut model = Model::start(partners, playbooks);
        let steps = steps.into_iter().map(|(edits, tamper, flags)| Step {
            what: format!("{edits:?}, output tampered with: {tamper:?}"),
            change: Box::new(move |m: &mut Model| {
                for edit in &edits {
                    m.apply(edit);
                }
            }),
            tamper,
            flags,
            check: None,
        });
        let result = run_steps(&mut model, first, steps);
        result.map(drop).map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------------------------
// chosen sequences

/// A build with no options.
const PLAIN: Flags = Flags {
    drafts: false,
    base_url: None,
    deny_warnings: false,
    later: false,
};

/// Panics with the message of a sequence that failed.
fn passes(result: Result<Harness, String>) {
    if let Err(message) = result {
        panic!("{message}");
    }
}

/// The partner with `slug`.
fn find<'m>(m: &'m mut Model, slug: &str) -> &'m mut Partner {
    m.partners
        .iter_mut()
        .find(|p| p.slug == slug)
        .unwrap_or_else(|| panic!("no partner {slug}"))
}

/// The output file `rel` of the output folder `public`, as text.
fn page(public: &Path, rel: &str) -> String {
    std::fs::read_to_string(public.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

#[test]
fn a_partner_takes_the_slug_of_one_deleted_in_the_same_edit() {
    let mut model = Model::start(4, 3);
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            step(
                "contoso deleted and northwind renamed to contoso, links following",
                PLAIN,
                |m| {
                    m.partners.retain(|p| p.slug != "contoso");
                    find(m, "northwind").slug = "contoso".into();
                    m.relink("northwind", Some("contoso"));
                },
            )
            .then(|public| {
                assert!(page(public, "partners/contoso/index.html").contains("<h1>Northwind</h1>"));
                assert!(!public.join("partners/northwind").exists());
            }),
            step(
                "renamed back, and a new contoso in a subfolder, as .yml",
                PLAIN,
                |m| {
                    find(m, "contoso").slug = "northwind".into();
                    m.relink("contoso", Some("northwind"));
                    m.partners.push(Partner {
                        dir: 2,
                        yml: true,
                        name: 6,
                        ..partner("contoso", 0)
                    });
                },
            ),
            step(
                "fabrikam moved into a subfolder with the same slug",
                PLAIN,
                |m| find(m, "fabrikam").dir = 1,
            ),
            step(
                "fabrikam deleted, and tailspin (a draft) takes its slug, built with drafts",
                Flags {
                    drafts: true,
                    ..PLAIN
                },
                |m| {
                    m.partners.retain(|p| p.slug != "fabrikam");
                    find(m, "tailspin").slug = "fabrikam".into();
                },
            )
            .then(|public| {
                assert!(
                    page(public, "partners/fabrikam/index.html").contains("<h1>Tailspin Toys</h1>")
                );
            }),
            step(
                "without drafts, and no playbook names the draft: its pages go",
                PLAIN,
                |m| m.relink("fabrikam", None),
            )
            .then(|public| assert!(!public.join("partners/fabrikam").exists())),
        ],
    ));
}

#[test]
fn pretty_links_toggled_twice() {
    let mut model = Model::start(4, 3);
    model.config.base_url = Some(0);
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            step("pretty links on", PLAIN, |m| {
                m.config.pretty_links = Some(true)
            })
            .then(|public| {
                let index = page(public, "index.html");
                assert!(index.contains("href=\"partners/northwind/\""), "{index}");
                assert!(page(public, "sitemap.xml").contains("/partners/northwind/<"));
            }),
            step(
                "the same, with drafts",
                Flags {
                    drafts: true,
                    ..PLAIN
                },
                |_| {},
            ),
            step("pretty links off", PLAIN, |m| {
                m.config.pretty_links = Some(false)
            })
            .then(|public| {
                assert!(
                    page(public, "index.html").contains("href=\"partners/northwind/index.html\"")
                );
            }),
            step(
                "pretty links on again, with another base URL on the command line",
                Flags {
                    base_url: Some(0),
                    ..PLAIN
                },
                |m| m.config.pretty_links = Some(true),
            ),
            step("no base URL: no sitemap", PLAIN, |m| {
                m.config.base_url = None
            })
            .then(|public| assert!(!public.join("sitemap.xml").exists())),
            step("pretty links off by default", PLAIN, |m| {
                m.config.pretty_links = None;
            }),
        ],
    ));
}

#[test]
fn a_playbook_that_starts_naming_a_partner_changes_its_page() {
    let mut model = Model::start(4, 3);
    let kickoff =
        |public: &Path| page(public, "partners/northwind/index.html").contains(">Kickoff<");
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            step("kickoff starts naming northwind", PLAIN, |m| {
                m.playbooks[2].partners.push("northwind".into());
            })
            .then(move |public| assert!(kickoff(public))),
            step(
                "northwind renamed: kickoff's page names it anew",
                PLAIN,
                |m| {
                    find(m, "northwind").name = 5;
                },
            )
            .then(|public| {
                assert!(
                    page(public, "playbooks/kickoff/index.html").contains("Aardvark &amp; Sons")
                );
            }),
            step("kickoff retitled", PLAIN, |m| m.playbooks[2].title = 4).then(|public| {
                assert!(page(public, "partners/northwind/index.html").contains(">Zz last things<"));
            }),
            step("kickoff stops naming northwind", PLAIN, |m| {
                m.playbooks[2].partners.retain(|s| s != "northwind");
            })
            .then(move |public| assert!(!kickoff(public))),
            step(
                "first-call, which names northwind's tier, moves to another path",
                PLAIN,
                |m| {
                    m.playbooks[0].path = "zz/deep/last".into();
                },
            ),
        ],
    ));
}

#[test]
fn the_date_moves_on_and_a_review_falls_due() {
    let mut model = Model::start(4, 3);
    let later = Flags {
        later: true,
        ..PLAIN
    };
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            step("built 99 days later", later, |_| {}).then(|public| {
                assert!(page(public, "partners/contoso/index.html").contains("Overdue"));
            }),
            step("contoso reviewed again", later, |m| {
                find(m, "contoso").review = 3;
            }),
            step("back on the suite's date", PLAIN, |_| {}),
        ],
    ));
}

/// A plan step edited, done, and falling due: the partner page, its
/// worksheet, the lists and the attention page follow (issue 21).
#[test]
fn a_plan_step_edited_changes_the_partner_and_attention_pages() {
    let mut model = Model::start(4, 3);
    let later = Flags {
        later: true,
        ..PLAIN
    };
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            // no review: the date reaches the page through the plan alone
            step("contoso gets a plan", PLAIN, |m| {
                find(m, "contoso").review = 0;
                find(m, "contoso").plan = 1;
            })
            .then(|public| {
                assert!(page(public, "partners/contoso/index.html").contains("0 of 1 step done"));
                assert!(
                    page(public, "attention/index.html").contains("Send the <em>pilot</em> offer")
                );
            }),
            step("a step done and one overdue", PLAIN, |m| {
                find(m, "contoso").plan = 2;
            })
            .then(|public| {
                let partner = page(public, "partners/contoso/index.html");
                assert!(
                    partner.contains("1 of 2 steps done, 1 overdue"),
                    "{partner}"
                );
                assert!(partner.contains("class=\"notice\""));
                let attention = page(public, "attention/index.html");
                assert!(attention.contains("Train the sales team"));
                assert!(!attention.contains("pilot"));
            }),
            step("a step far ahead", PLAIN, |m| {
                find(m, "contoso").plan = 3;
            })
            .then(|public| {
                assert!(!page(public, "attention/index.html").contains("First joint customer"));
            }),
            step("built later: the step falls overdue", later, |_| {}).then(|public| {
                assert!(page(public, "attention/index.html").contains("First joint customer"));
                assert!(
                    page(public, "partners/contoso/index.html")
                        .contains("Step 1 of the joint plan")
                );
            }),
            step("the plan dropped", later, |m| {
                find(m, "contoso").plan = 0;
            }),
        ],
    ));
}

#[test]
fn failed_builds_leave_the_output_and_the_sources_put_back_write_nothing() {
    let mut model = Model::start(4, 3);
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            step("a record that is not YAML", PLAIN, |m| {
                find(m, "contoso").broken = Some(Broken::Yaml);
            }),
            step("mended, and a template that fails to render", PLAIN, |m| {
                find(m, "contoso").broken = None;
                m.templates.insert(0, Template::RenderError);
            }),
            step("a template that does not parse", PLAIN, |m| {
                m.templates.insert(0, Template::SyntaxError);
            }),
            step(
                "a benefit that is a placeholder, and the template gone",
                PLAIN,
                |m| {
                    m.templates.clear();
                    find(m, "northwind").broken = Some(Broken::Placeholder);
                },
            ),
            step("a configuration that is not YAML", PLAIN, |m| {
                m.config.broken = 1;
            }),
            // the sources of the first build again: the harness expects
            // "unchanged: nothing to write"
            step("all put back", PLAIN, |m| {
                m.config.broken = 0;
                find(m, "northwind").broken = None;
            }),
        ],
    ));
}

#[test]
fn changes_made_by_hand_to_the_output_are_undone() {
    let mut model = Model::start(4, 3);
    let tampered = |what: &str, tamper: Tamper| Step {
        tamper: Some(tamper),
        ..step(what, PLAIN, |_| {})
    };
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            tampered("someone else's file added", Tamper::AddOwnFile),
            tampered(
                "a page deleted",
                Tamper::Delete(Target::Path("partners/northwind/index.html")),
            ),
            tampered(
                "partners.json emptied",
                Tamper::Truncate(Target::Path("partners.json")),
            ),
            tampered("a page touched", Tamper::Touch(Target::Path("index.html"))),
            tampered(
                "a page changed",
                Tamper::Overwrite(Target::Path("style.css")),
            ),
            step("a partner deleted", PLAIN, |m| m.partners.truncate(3)),
        ],
    ));
}

#[test]
fn a_static_file_where_a_partner_page_is_made_later() {
    let mut model = Model::start(4, 3);
    model.statics.insert(6, 0);
    passes(run_steps(
        &mut model,
        PLAIN,
        [
            step(
                "zephyr added: its page takes the static file's place",
                PLAIN,
                |m| {
                    m.partners.push(partner("zephyr", 2));
                },
            )
            .then(|public| {
                assert!(page(public, "partners/zephyr/index.html").contains("<h1>Zephyr</h1>"));
            }),
            step("zephyr deleted: the static file is back", PLAIN, |m| {
                m.partners.retain(|p| p.slug != "zephyr");
            })
            .then(|public| {
                assert_eq!(
                    page(public, "partners/zephyr/index.html"),
                    "partners/zephyr/index.html version 0\n"
                );
            }),
        ],
    ));
}

/// Regression: a static file `img` published where the build before
/// published a folder `img` (of static files it no longer has), or the
/// other way round. A clean build writes the new site; the build in place
/// fails with exit 2 ("cannot replace …/public/img … a folder stands where
/// the site has a file", or "cannot create the folder …/public/img: a file
/// or a link is in the way"), although what is in the way is partnerbook's
/// own, listed in its manifest, and due for removal; and every later build
/// fails the same way.
#[test]
fn a_static_file_takes_the_place_of_a_static_folder() {
    let mut model = Model::start(3, 1);
    model.statics.insert(IMG_FOLDER, 0);
    passes(run_steps(
        &mut model,
        PLAIN,
        [step(
            "static/img/logo.svg replaced by a file static/img",
            PLAIN,
            |m| {
                m.apply(&Edit::Static(IMG_FILE, Some(0)));
            },
        )],
    ));
}

/// Regression: the other way round (see above).
#[test]
fn a_static_folder_takes_the_place_of_a_static_file() {
    let mut model = Model::start(3, 1);
    model.apply(&Edit::Static(IMG_FILE, Some(0)));
    passes(run_steps(
        &mut model,
        PLAIN,
        [step(
            "static/img replaced by a folder with static/img/logo.svg",
            PLAIN,
            |m| {
                m.apply(&Edit::Static(IMG_FOLDER, Some(0)));
            },
        )],
    ));
}
