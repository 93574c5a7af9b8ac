//! `build --partner SLUG` (SPEC 8.4, issue 22): a partner's own edition
//! holds what may be sent to that partner and nothing else. The proof is
//! byte by byte: every field of every record carries a unique marker, and
//! no file of an edition may hold a marker of an internal field of its
//! partner, nor anything of another partner.

use std::collections::BTreeMap;

use crate::support::{Scratch, partnerbook, stderr, stdout as stdout_of, tree};

/// The partners of the marker site: slug, name, tier.
const PARTNERS: [(&str, &str, &str); 3] = [
    ("zqalfa", "Alfazq Holdings", "strategic"),
    ("zqbravo", "Bravozq Limited", "tactical"),
    ("zqcharlie", "Charliezq Works", "casual"),
];

/// Markers of a partner's fields, by whether its edition shows them.
struct Markers {
    shared: Vec<String>,
    internal: Vec<String>,
}

/// A record whose every text is a marker `Mk<slug><Field>`, with links to
/// another partner's page, the portfolio, a tier page and a worksheet.
fn record(slug: &str, name: &str, tier: &str, other: &str) -> (String, Markers) {
    let m = |field: &str| format!("Mk{slug}{field}");
    let yaml = format!(
        r#"name: {name}
tier: {tier}
type: isv
status: paused
owner: {owner}
region: {region}
tags: [{tag}]
summary: {summary}
proposition:
  we_do: "{we_do} with [a peer](@/partners/{other}), [the list](@/), [a tier](@/tiers/casual) and [its sheet](@/partners/{other}/worksheet)"
  they_do: {they_do}
  together: {together}
  partner_benefit: {partner_benefit}
  our_benefit: {our_benefit}
  customer_benefit: {customer_benefit}
  pain_point: {pain_point}
scenario: channel-reach
objectives: [market-access]
partner_objectives: [faster-sales]
target_market: {target_market}
revenue_goal: {revenue_goal}
commitments:
  ours: [{ours}]
  theirs: [{theirs}]
rules_of_engagement:
  lead_sharing: {rule}
worksheet:
  product_strategy: {product_strategy}
  their_business: {their_business}
  open_questions: [{open_question}]
  next_steps: [{next_step}]
influence_map:
  - name: {person}
    title: {title}
    influence: high
    attitude: positive
    style: {style}
review:
  last: 2026-10-13
  every_days: 97
plan:
  - step: {step}
    owner: joint
    who: {who}
    due: 2027-03-01
    measure: {measure}
"#,
        owner = m("Owner"),
        region = m("Region"),
        tag = m("tag"),
        summary = m("Summary"),
        we_do = m("WeDo"),
        they_do = m("TheyDo"),
        together = m("Together"),
        partner_benefit = m("PartnerBenefit"),
        our_benefit = m("OurBenefit"),
        customer_benefit = m("CustomerBenefit"),
        pain_point = m("PainPoint"),
        target_market = m("TargetMarket"),
        revenue_goal = m("RevenueGoal"),
        ours = m("Ours"),
        theirs = m("Theirs"),
        rule = m("Rule"),
        product_strategy = m("ProductStrategy"),
        their_business = m("TheirBusiness"),
        open_question = m("OpenQuestion"),
        next_step = m("NextStep"),
        person = m("Person"),
        title = m("Title"),
        style = m("Style"),
        step = m("Step"),
        who = m("Who"),
        measure = m("Measure"),
    );
    let shared = [
        "WeDo",
        "TheyDo",
        "Together",
        "PartnerBenefit",
        "OurBenefit",
        "CustomerBenefit",
        "PainPoint",
        "TargetMarket",
        "Ours",
        "Theirs",
        "Rule",
        "Step",
        "Who",
        "Measure",
    ];
    let internal = [
        "RevenueGoal",
        "ProductStrategy",
        "TheirBusiness",
        "OpenQuestion",
        "NextStep",
        "Person",
        "Title",
        "Style",
        "tag",
        "Summary",
    ];
    let markers = Markers {
        shared: shared.iter().map(|f| m(f)).collect(),
        internal: internal.iter().map(|f| m(f)).collect(),
    };
    (yaml, markers)
}

/// The marker site: three partners, one per tier, and playbooks shared or
/// not, for one partner or a tier, linking to other partners.
fn marker_site() -> (Scratch, BTreeMap<&'static str, Markers>) {
    let s = Scratch::empty();
    s.write("partnerbook.yaml", "title: MkSiteTitle\nour_name: Tallyward\ndescription: MkSiteDescription\nbase_url: https://mkintranet.example/partners/\n");
    let mut markers = BTreeMap::new();
    for (i, (slug, name, tier)) in PARTNERS.iter().enumerate() {
        let other = PARTNERS[(i + 1) % PARTNERS.len()].0;
        let (yaml, m) = record(slug, name, tier, other);
        s.write(&format!("content/partners/{slug}.yaml"), yaml);
        markers.insert(*slug, m);
        s.write(
            &format!("content/playbooks/shared-{slug}.md"),
            format!(
                "---\ntitle: MkpbShared{slug}\nshare: true\npartners: [{slug}]\n---\n\n\
                 MkpbSharedBody{slug}, see [the other](@/partners/{other}) and [ours](@/partners/{slug}).\n"
            ),
        );
        s.write(
            &format!("content/playbooks/internal-{slug}.md"),
            format!(
                "---\ntitle: MkpbInternal{slug}\npartners: [{slug}]\n---\n\nMkpbInternalBody{slug}\n"
            ),
        );
        s.write(
            &format!("content/playbooks/tier-{tier}.md"),
            format!("---\ntitle: MkpbTier{tier}\nshare: true\ntiers: [{tier}]\n---\n\nMkpbTierBody{tier}\n"),
        );
    }
    (s, markers)
}

/// Every file of an edition as text.
fn edition_text(dir: &std::path::Path) -> Vec<(String, String)> {
    tree(dir)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// The first file of `files` that holds `needle`, if any.
fn holding<'f>(files: &'f [(String, String)], needle: &str) -> Option<&'f str> {
    files
        .iter()
        .find(|(_, text)| text.contains(needle))
        .map(|(path, _)| path.as_str())
}

#[test]
fn no_edition_holds_an_internal_field_or_anything_of_another_partner() {
    let (s, markers) = marker_site();
    let tiers: BTreeMap<&str, &str> = PARTNERS.iter().map(|(s, _, t)| (*s, *t)).collect();
    for (slug, name, tier) in PARTNERS {
        let built = partnerbook()
            .args(["build", "--partner", slug, "--root"])
            .arg(s.site())
            .arg("-o")
            .arg(s.dir.path().join(format!("edition-{slug}")))
            .assert()
            .code(0);
        let files = edition_text(&s.dir.path().join(format!("edition-{slug}")));
        assert!(!files.is_empty(), "{}", stderr(&built));
        let mine = &markers[slug];
        for shared in &mine.shared {
            assert!(
                holding(&files, shared).is_some(),
                "the edition of {slug} does not show {shared}"
            );
        }
        for shown in [
            format!("MkpbSharedBody{slug}"),
            format!("MkpbTierBody{tier}"),
        ] {
            assert!(
                holding(&files, &shown).is_some(),
                "the edition of {slug} lacks {shown}"
            );
        }
        let mut forbidden: Vec<String> = mine.internal.clone();
        forbidden.extend([
            format!("MkpbInternal{slug}"),
            "MkSiteTitle".to_string(),
            "MkSiteDescription".to_string(),
            "mkintranet".to_string(),
            "2026-10-13".to_string(),
        ]);
        for (other, other_name, other_tier) in PARTNERS.iter().filter(|p| p.0 != slug) {
            forbidden.push(other.to_string());
            forbidden.push(other_name.to_string());
            let theirs = &markers[other];
            forbidden.extend(theirs.shared.iter().cloned());
            forbidden.extend(theirs.internal.iter().cloned());
            forbidden.push(format!("MkpbShared{other}"));
            if tiers[slug] != *other_tier {
                forbidden.push(format!("MkpbTier{other_tier}"));
            }
        }
        for needle in &forbidden {
            if let Some(path) = holding(&files, needle) {
                panic!("the edition of {slug} ({name}) leaks `{needle}` in {path}");
            }
        }
        // the pages say nothing of the status, the review or the pages
        // an edition does not have (the stylesheet names them all)
        let pages: Vec<(String, String)> = files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .cloned()
            .collect();
        assert!(
            pages.iter().any(|(p, _)| p == "index.html"),
            "no index.html"
        );
        for needle in [
            "aused",
            "97 days",
            "Review",
            "worksheet",
            "Influence",
            "partners.json",
            "tiers/",
            "attention",
            "search",
            "sitemap",
        ] {
            if let Some(path) = holding(&pages, needle) {
                panic!("the edition of {slug} ({name}) shows `{needle}` in {path}");
            }
        }
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        for absent in [
            "partners.json",
            "partners.csv",
            "plan.csv",
            "calendar.ics",
            "search-index.js",
            "sitemap.xml",
            "404.html",
        ] {
            assert!(
                !names.contains(&absent),
                "the edition of {slug} has {absent}: {names:?}"
            );
        }
    }
}

#[test]
fn an_unknown_slug_is_exit_2_with_the_nearest_one() {
    let (s, _) = marker_site();
    let out = s.build(&["--partner", "zqalfs"]).code(2);
    let err = stderr(&out);
    assert!(
        err.contains("error: no published partner has the slug `zqalfs`")
            && err.contains("did you mean `--partner zqalfa`?"),
        "{err}"
    );
    assert!(!s.site().join("public-zqalfs").exists());
}

#[test]
fn the_edition_goes_to_public_slug_beside_public_with_its_own_manifest() {
    let (s, _) = marker_site();
    s.build(&[]).code(0);
    let before = tree(&s.public());
    let out = s.build(&["--partner", "zqbravo"]).code(0);
    assert!(
        stdout_of(&out).contains("built 3 pages (1 partner, 2 playbooks)"),
        "{}",
        stdout_of(&out)
    );
    let edition = s.site().join("public-zqbravo");
    assert!(edition.join("index.html").is_file());
    assert!(edition.join(".partnerbook-manifest.json").is_file());
    assert_eq!(tree(&s.public()), before, "the site's own output changed");
    // a second build has nothing to write
    let again = s.build(&["--partner", "zqbravo"]).code(0);
    assert!(
        stdout_of(&again).contains("nothing to write"),
        "{}",
        stdout_of(&again)
    );
}

#[test]
fn shared_text_that_names_another_partner_stops_the_edition_and_says_where() {
    let (s, _) = marker_site();
    s.build(&["--partner", "zqalfa"]).code(0);
    let before = tree(&s.site().join("public-zqalfa"));
    s.write(
        "content/playbooks/shared-zqalfa.md",
        "---\ntitle: Working with Charliezq Works\nshare: true\npartners: [zqalfa]\n---\n\n\
         Ask how bravozq limited did it.\n",
    );
    let out = s.build(&["--partner", "zqalfa"]).code(1);
    crate::support::stderr_snapshot(out, "names-another-partner");
    assert_eq!(
        tree(&s.site().join("public-zqalfa")),
        before,
        "a failed edition changed the last one"
    );
    // the whole site still builds: only an edition would leak
    s.build(&[]).code(0);
}

#[test]
fn a_draft_partner_has_an_edition_only_with_drafts() {
    let (s, _) = marker_site();
    let (yaml, _) = record("zqdelta", "Deltazq Group", "tactical", "zqalfa");
    s.write(
        "content/partners/zqdelta.yaml",
        format!("draft: true\n{yaml}"),
    );
    let out = s.build(&["--partner", "zqdelta"]).code(2);
    assert!(stderr(&out).contains("no published partner has the slug `zqdelta`"));
    s.build(&["--partner", "zqdelta", "--drafts"]).code(0);
    assert!(s.site().join("public-zqdelta/index.html").is_file());
}

/// The text a reader sees on a page: tags dropped, entities read,
/// whitespace collapsed.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_example_site_editions_leak_nothing_and_show_the_proposition() {
    let s = Scratch::example();
    s.build(&[]).code(0);
    let json: serde_json::Value = serde_json::from_str(&s.out("partners.json")).unwrap();
    let partners = json["partners"].as_array().unwrap();
    assert!(partners.len() >= 5);
    let text = |v: &serde_json::Value| -> Option<String> {
        v.as_str().map(|t| {
            t.replace(['*', '`'], "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    for p in partners {
        let slug = p["slug"].as_str().unwrap();
        let out = s.dir.path().join(format!("edition-{slug}"));
        partnerbook()
            .args(["build", "--partner", slug, "--root"])
            .arg(s.site())
            .arg("-o")
            .arg(&out)
            .assert()
            .code(0);
        let files = edition_text(&out);
        let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
        let page = visible_text(&files.iter().find(|(p, _)| p == "index.html").unwrap().1);
        // shown: the proposition, as the reader sees it
        // letters and digits only: Markdown and typographic quotes aside
        let words = |t: &str| -> String {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let page_words = words(&page);
        for field in ["together", "partner_benefit", "our_benefit", "pain_point"] {
            let Some(shown) = text(&p["proposition"][field]) else {
                continue;
            };
            let start: String = words(&shown)
                .split(' ')
                .take(8)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                page_words.contains(&start),
                "the edition of {slug} lacks its {field}: {start}"
            );
        }
        // never: another partner's name or slug
        for other in partners.iter().filter(|o| o["slug"] != p["slug"]) {
            for needle in [
                other["slug"].as_str().unwrap(),
                other["name"].as_str().unwrap(),
            ] {
                if let Some(path) = holding(&files, needle) {
                    panic!("the edition of {slug} names `{needle}` in {path}");
                }
            }
        }
        // never: the internal fields, except a person the joint plan
        // names (as `who`, or in a step or its measure): the plan is shared
        let plan_text: String = p["plan"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| {
                ["step", "who", "measure"].map(|k| s[k].as_str().unwrap_or("").to_string())
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mut internal: Vec<String> = Vec::new();
        for person in p["influence_map"].as_array().into_iter().flatten() {
            let name = person["name"].as_str().unwrap().to_string();
            if !plan_text.contains(&name) {
                internal.push(name);
            }
            internal.extend(text(&person["title"]));
            internal.extend(text(&person["style"]));
        }
        internal.extend(text(&p["revenue_goal"]));
        let w = &p["worksheet"];
        internal.extend(text(&w["product_strategy"]));
        internal.extend(text(&w["their_business"]));
        for list in ["open_questions", "next_steps"] {
            internal.extend(w[list].as_array().into_iter().flatten().filter_map(&text));
        }
        if let Some(last) = p["review"]["last"].as_str() {
            internal.push(last.to_string());
        }
        for needle in internal.iter().filter(|n| n.len() > 3) {
            assert!(
                !page.contains(needle.as_str()) && !all.contains(needle.as_str()),
                "the edition of {slug} shows the internal `{needle}`"
            );
        }
    }
}
