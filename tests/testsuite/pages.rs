//! Every page and file of the output, built from the repository's own
//! example site and from small fixtures: what each page shows, and that
//! every link in the site leads to a file that exists.

use std::path::Path;

use crate::support::{Scratch, fixture, repo, stderr, stdout, tree};

/// The example site (content/ and partnerbook.yaml of the repository),
/// built into a scratch folder.
fn example() -> Scratch {
    let s = Scratch::empty();
    std::fs::create_dir_all(s.site()).unwrap();
    crate::support::copy_dir(&repo().join("content"), &s.site().join("content"));
    std::fs::copy(
        repo().join("partnerbook.yaml"),
        s.site().join("partnerbook.yaml"),
    )
    .unwrap();
    let out = s.build(&[]).code(0);
    assert!(
        stderr(&out).is_empty(),
        "the example site builds without warnings:\n{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("with 0 warnings"), "{}", stdout(&out));
    s
}

/// The values of `attr="..."` in `html`.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let start = i + needle.len();
            &html[start..start + html[start..].find('"').unwrap()]
        })
        .collect()
}

/// Checks that every relative `href` and `src` of every page leads to a
/// file of the output, and that no asset comes from another host.
pub(crate) fn assert_links_resolve(public: &Path) {
    let mut checked = 0;
    for (path, bytes) in tree(public) {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let dir = Path::new(&path).parent().unwrap();
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            let url = url.replace("&amp;", "&");
            if url.starts_with('#') || url.starts_with("mailto:") || url.starts_with("tel:") {
                continue;
            }
            assert!(
                !url.starts_with("http:") && !url.starts_with("https:") && !url.starts_with("//"),
                "{path} links to another host: {url}"
            );
            assert!(
                !url.starts_with('/'),
                "{path} has a root-absolute link, which breaks under a sub-path: {url}"
            );
            let file = url.split(['#', '?']).next().unwrap();
            assert!(
                !file.is_empty() && !file.ends_with('/'),
                "{path}: `{url}` names a folder, which opens a listing from disk"
            );
            let target = public.join(dir).join(file);
            assert!(target.is_file(), "{path}: `{url}` leads to nothing");
            checked += 1;
        }
        for css in attr_values(&html, "href")
            .iter()
            .filter(|u| u.ends_with(".css"))
        {
            assert!(!css.contains("://"), "{path} loads CSS from another host");
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn example_site_has_every_page_and_file() {
    let s = example();
    let files: Vec<String> = tree(&s.public()).into_iter().map(|(p, _)| p).collect();
    for expected in [
        "index.html",
        "404.html",
        "partners.json",
        "search-index.js",
        "search.js",
        "style.css",
        "sitemap.xml",
        "playbooks/index.html",
        "playbooks/first-call/index.html",
        "playbooks/engagement/quarterly-review/index.html",
        "tiers/strategic/index.html",
        "tiers/tactical/index.html",
        "tiers/casual/index.html",
        "partners/kestrel-systems/index.html",
        "partners/kestrel-systems/worksheet/index.html",
        ".partnerbook-manifest.json",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} missing from {files:?}"
        );
    }
    // drafts are not published
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("partners/vantage-telecom"))
    );
    let partner_pages = files
        .iter()
        .filter(|f| f.starts_with("partners/") && f.ends_with("/worksheet/index.html"))
        .count();
    assert!(partner_pages >= 8, "{partner_pages} partners");
}

#[test]
fn every_link_of_the_example_site_resolves_and_stays_local() {
    let s = example();
    assert_links_resolve(&s.public());
}

#[test]
fn pretty_links_drop_index_html() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write("partnerbook.yaml", "pretty_links: true\n");
    s.build(&[]).code(0);
    let page = s.out("playbooks/first-call/index.html");
    assert!(
        page.contains("href=\"../../partners/northwind/\""),
        "{page}"
    );
    assert!(!page.contains("northwind/index.html"));
}

#[test]
fn portfolio_groups_partners_by_tier_with_their_benefit() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    let index = s.out("index.html");
    assert!(index.contains("href=\"partners/northwind/index.html\""));
    assert!(index.contains("Meets its outsourcing SLAs without building its own tool."));
    let casual = index
        .find("tiers/casual/index.html")
        .expect("a link to the casual tier");
    let strategic = index
        .find("tiers/strategic/index.html")
        .expect("a link to the strategic tier");
    assert!(strategic < casual);
    assert!(index.contains("search-index.js") && index.contains("id=\"search-input\""));
}

#[test]
fn tier_counts_against_capacity() {
    let s = Scratch::copy_of(&crate::support::ui_site("tier-over-capacity"));
    let out = s.build(&[]).code(0);
    assert!(stderr(&out).contains("warning[tier-over-capacity]"));
    let tier = s.out("tiers/strategic/index.html");
    assert!(
        tier.contains("3 of 2"),
        "the tier page shows 3 of 2 places used"
    );
    assert!(tier.to_lowercase().contains("over capacity"));
    assert!(s.out("index.html").contains("3 of 2"));
}

#[test]
fn partner_page_shows_the_proposition_rules_and_influence_map() {
    let s = example();
    let page = s.out("partners/kestrel-systems/index.html");
    for heading in [
        "What we do",
        "What they do",
        "partner",
        "customers",
        "Rules of engagement",
        "Influence map",
    ] {
        assert!(page.contains(heading), "no `{heading}` on the partner page");
    }
    // tier defaults merged with the partner's own, each with its source
    assert!(
        page.contains("Strategic tier default"),
        "tier rules are shown with their source"
    );
    assert!(
        page.contains("Set for "),
        "the partner's own rules are shown with their source"
    );
    // the influence map is an inline SVG plus a table
    assert!(page.contains("<svg") && page.contains("role=\"img\""));
    assert!(page.contains("<table"));
    assert!(page.contains("worksheet/index.html"));
}

/// The influence-map diagram, drawn as inline SVG: names and titles escaped
/// once, long titles wrapped rather than cut, people without an attitude or
/// an influence classed `unknown`, a line per relationship, and a
/// description in words for screen readers; a crowded map gets more rows
/// (four cards a row, two on phones), never smaller text (issue 20).
#[test]
fn influence_map_diagram_is_drawn_as_inline_svg() {
    let s = Scratch::copy_of(&fixture("minimal"));
    let mut map = String::from("influence_map:\n");
    for i in 0..13 {
        map.push_str(&format!("  - name: \"Ann {i} O'Neil & <b>\"\n"));
        if i == 0 {
            map.push_str(
                "    title: Head of Partner Programmes, EMEA and APAC\n    \
                 influence: high\n    attitude: positive\n",
            );
        }
        if i > 0 {
            map.push_str(&format!(
                "    relationships: [\"Ann {} O'Neil & <b>\"]\n",
                i - 1
            ));
        }
    }
    s.write(
        "content/partners/northwind.yaml",
        format!(
            "name: North & <wind>\ntier: casual\nobjectives: [market-access]\n\
             proposition:\n  we_do: a\n  they_do: b\n  together: c\n  partner_benefit: d\n{map}"
        ),
    );
    s.build(&[]).code(0);
    for rel in [
        "partners/northwind/index.html",
        "partners/northwind/worksheet/index.html",
    ] {
        let html = s.out(rel);
        let svg = &html[html.find("<svg").expect("an svg")..html.find("</svg>").expect("its end")];
        assert!(
            svg.starts_with("<svg class=\"influence-svg is-wide\" viewBox=\"0 0 666.0 539.0\" width=\"666.0\" height=\"539.0\""),
            "{svg}"
        );
        assert!(
            svg.contains(
                "<title id=\"influence-title\">Influence map of North &amp; &lt;wind&gt;</title>"
            ),
            "{svg}"
        );
        assert!(svg.contains("<desc id=\"influence-desc\">13 people at North &amp; &lt;wind&gt;, drawn as circles"), "{svg}");
        assert!(svg.contains(" Ann 0 O&#39;Neil &amp; &lt;b&gt;, Head of Partner Programmes, EMEA and APAC: high influence, positive."), "{svg}");
        assert!(
            svg.contains(" Ann 1 O&#39;Neil &amp; &lt;b&gt;: influence unknown, attitude unknown."),
            "{svg}"
        );
        assert!(
            svg.contains(
                "<circle class=\"att-positive inf-high\" cx=\"84.0\" cy=\"292.0\" r=\"26.0\"/>"
            ),
            "{svg}"
        );
        assert!(
            svg.contains("<circle class=\"att-unknown inf-unknown\""),
            "{svg}"
        );
        assert!(svg.contains(">Head of Partner </tspan><tspan x=\"84.0\" y=\"381.0\">Programmes, EMEA </tspan><tspan x=\"84.0\" y=\"396.0\">and APAC</tspan></text>"), "{svg}");
        assert_eq!(svg.matches("<line ").count(), 12, "{svg}");
        assert_eq!(svg.matches("<g class=\"node\">").count(), 13, "{svg}");
        // the phones' layout follows, with its own ids (the grid comes after)
        let narrow = &html[html
            .find("<svg class=\"influence-svg is-narrow\"")
            .expect("a second svg")..];
        assert!(
            narrow.starts_with("<svg class=\"influence-svg is-narrow\" viewBox=\"0 0 334.0 "),
            "{narrow}"
        );
        assert!(
            narrow.contains("<title id=\"influence-title-narrow\">"),
            "{narrow}"
        );
    }
}

#[test]
fn worksheet_has_a_computed_readiness_checklist() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    let sheet = s.out("partners/northwind/worksheet/index.html");
    assert!(sheet.contains("We know what is in it for them"));
    // the minimal record names no target market, so that item is not done
    let item = sheet.find("It targets a specific market").unwrap();
    let li_start = sheet[..item].rfind("<li").unwrap();
    let li = &sheet[li_start..item + 200.min(sheet.len() - item)];
    assert!(li.contains("to do"), "{li}");
    assert!(sheet.contains("Here is what we do: License compliance software."));
}

#[test]
fn playbook_page_has_a_table_of_contents_and_resolved_links() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    let page = s.out("playbooks/first-call/index.html");
    assert!(
        page.contains("href=\"#know-what-is-in-it-for-them\""),
        "a TOC entry"
    );
    assert!(page.contains("<h2 id=\"know-what-is-in-it-for-them\">"));
    assert!(page.contains("href=\"../../partners/northwind/index.html\""));
    assert!(
        s.out("playbooks/index.html")
            .contains("href=\"../playbooks/first-call/index.html\"")
    );
}

#[test]
fn partners_json_holds_every_published_record() {
    let s = example();
    let json: serde_json::Value = serde_json::from_str(&s.out("partners.json")).unwrap();
    let partners = json["partners"].as_array().unwrap();
    let records = walkdir::WalkDir::new(s.site().join("content/partners"))
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    assert_eq!(partners.len(), records - 1, "every record but the draft");
    let kestrel = partners
        .iter()
        .find(|p| p["slug"] == "kestrel-systems")
        .unwrap();
    assert!(
        kestrel["proposition"]["partner_benefit"]
            .as_str()
            .unwrap()
            .len()
            > 20
    );
    assert_eq!(kestrel["url"], "partners/kestrel-systems/index.html");
}

#[test]
fn search_index_is_a_script_with_every_partner() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    let js = s.out("search-index.js");
    let json = js
        .trim()
        .strip_prefix("window.PARTNERBOOK_SEARCH = ")
        .unwrap()
        .strip_suffix(';')
        .unwrap();
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    let names: Vec<&str> = index["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["t"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Contoso", "Northwind"]);
    let northwind = &index["partners"][1];
    assert!(
        northwind["b"].as_str().unwrap().contains("outsourcing"),
        "benefit words are searchable"
    );
}

#[test]
fn sitemap_only_with_a_base_url() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    assert!(!s.public().join("sitemap.xml").exists());
    s.build(&["-u", "https://intranet.example/partners"])
        .code(0);
    let sitemap = s.out("sitemap.xml");
    assert!(
        sitemap
            .contains("<loc>https://intranet.example/partners/partners/northwind/index.html</loc>")
    );
    assert!(sitemap.contains("<loc>https://intranet.example/partners/index.html</loc>"));
    assert!(!sitemap.contains("404.html"));
}

#[test]
fn not_found_page_uses_the_base_path() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&["-u", "https://intranet.example/partners/"])
        .code(0);
    let page = s.out("404.html");
    assert!(page.contains("href=\"/partners/index.html\""), "{page}");
    assert!(
        !page.contains("style.css"),
        "the 404 page carries its own styles"
    );
}

#[test]
fn drafts_are_built_only_when_asked() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/partners/draft.yaml",
        "name: Draft Co\ndraft: true\ntier: casual\nproposition:\n  partner_benefit: TBD\n",
    );
    s.build(&[]).code(0);
    assert!(!s.public().join("partners/draft").exists());
    let out = s.build(&["--drafts"]).code(1);
    assert!(stderr(&out).contains("error[missing-partner-benefit]"));
}

#[test]
fn site_templates_override_the_theme() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write("templates/tier.html", "{% extends \"theme/tier.html\" %}{% block content %}<p>Custom tier {{ tier.label }}</p>{{ super() }}{% endblock %}");
    s.write("static/logo.txt", "logo");
    s.build(&[]).code(0);
    let tier = s.out("tiers/casual/index.html");
    assert!(tier.contains("<p>Custom tier Casual</p>"), "{tier}");
    assert!(tier.contains("Contoso"), "the theme's block still renders");
    assert_eq!(s.out("logo.txt"), "logo");
}

#[test]
fn partner_pages_list_the_playbooks_naming_the_partner_or_its_tier() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/playbooks/casual.md",
        "---\ntitle: For every casual partner\ntiers: [casual]\nweight: 2\n---\nx\n",
    );
    s.write(
        "content/playbooks/named.md",
        "---\ntitle: Only for Northwind\npartners: [northwind]\nweight: 1\n---\nx\n",
    );
    s.write("content/playbooks/both.md", "---\ntitle: Northwind and casual\npartners: [northwind]\ntiers: [casual]\nweight: 3\n---\nx\n");
    s.write(
        "content/playbooks/general.md",
        "---\ntitle: A general playbook\n---\nx\n",
    );
    s.build(&[]).code(0);
    let northwind = s.out("partners/northwind/index.html");
    let contoso = s.out("partners/contoso/index.html");
    // in playbook order, each once, though `named` names both the partner and its tier
    let first = northwind
        .find("Only for Northwind")
        .expect("named playbook");
    let second = northwind
        .find("For every casual partner")
        .expect("tier playbook");
    assert!(first < second);
    assert_eq!(northwind.matches("Northwind and casual").count(), 1);
    assert!(contoso.contains("Northwind and casual"));
    assert!(contoso.contains("For every casual partner"));
    assert!(!contoso.contains("Only for Northwind"));
    assert!(!northwind.contains("A general playbook") && !contoso.contains("A general playbook"));
    assert!(
        s.out("tiers/casual/index.html")
            .contains("For every casual partner")
    );
    assert!(
        !s.out("tiers/strategic/index.html")
            .contains("For every casual partner")
    );
}

/// A partner's page and its worksheet sit at different depths, and share
/// the HTML of their texts: a text's `@/` links must still lead to the same
/// page from both, for every kind of text (parsed once for both pages,
/// block, inline and one-line).
#[test]
fn links_in_shared_texts_fit_the_depth_of_each_page() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/partners/northwind.yaml",
        "name: Northwind\ntier: casual\nobjectives: [market-access]\n\
         summary: Like [Contoso](@/partners/contoso).\n\
         proposition:\n  \
           we_do: Software, as for [Contoso](@/partners/contoso#proposition).\n  \
           they_do: IT outsourcing.\n  \
           together: A managed service.\n  \
           partner_benefit: Meets its SLAs, see [the first call](@/playbooks/first-call).\n\
         target_market: Buyers [Contoso](@/partners/contoso) knows.\n\
         commitments:\n  ours: [\"A desk like [Contoso's](@/partners/contoso)\"]\n\
         worksheet:\n  product_strategy: \"Fits [the first call](@/playbooks/first-call).\"\n",
    );
    s.build(&[]).code(0);
    let page = s.out("partners/northwind/index.html");
    let sheet = s.out("partners/northwind/worksheet/index.html");
    for (html, root) in [(&page, "../../"), (&sheet, "../../../")] {
        let first_call = format!("href=\"{root}playbooks/first-call/index.html\"");
        assert!(
            html.contains(&format!(
                "href=\"{root}partners/contoso/index.html#proposition\""
            )),
            "we_do's link from {root}"
        );
        assert!(html.contains(&first_call), "the benefit's link from {root}");
        assert!(!html.contains("\"@/"), "an unresolved link from {root}");
    }
    // the summary, the target market and the commitments on the page
    assert_eq!(
        page.matches("href=\"../../partners/contoso/index.html\"")
            .count(),
        3,
        "{page}"
    );
    // the product strategy on the worksheet
    assert!(sheet.contains(
        "<div class=\"prose\"><p>Fits <a href=\"../../../playbooks/first-call/index.html\">the first call</a>.</p>"
    ));
}

/// A partner's page and worksheet share one view, built with links that
/// start `@/` and then given each page's own root: every text that can hold
/// a link gets it right on both pages, and plain text that reads `@/` (a
/// tag, an owner, a person) stays as written.
#[test]
fn every_link_of_a_shared_view_fits_its_page() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "partnerbook.yaml",
        "title: Links\ntiers:\n  casual:\n    rules_of_engagement:\n      \
           lead_sharing: As for [Contoso](@/partners/contoso).\n",
    );
    let link = "[c](@/partners/contoso)";
    s.write(
        "content/partners/northwind.yaml",
        format!(
            "name: Northwind @/name\ntier: casual\nobjectives: [market-access]\n\
             owner: 'Team href=\"@/owner'\nregion: '@/region'\ntags: ['@/tag']\n\
             summary: Summary {link}.\n\
             proposition:\n  \
               we_do: We do {link}.\n  \
               they_do: They do {link}.\n  \
               together: Together {link}.\n  \
               partner_benefit: Benefit {link}.\n  \
               customer_benefit: Customers {link}.\n  \
               pain_point: Pain {link}.\n\
             target_market: Market {link}.\n\
             revenue_goal: Goal {link}.\n\
             commitments:\n  ours: [\"Ours {link}\"]\n  theirs: [\"Theirs {link}\"]\n\
             rules_of_engagement:\n  pricing: Pricing {link}.\n\
             influence_map:\n  - name: Ann @/person\n    title: '@/title'\n    \
                 style: Style {link}.\n\
             worksheet:\n  product_strategy: Strategy {link}.\n  \
               their_business: Business {link}.\n  \
               open_questions: [\"Question {link}\"]\n  next_steps: [\"Step {link}\"]\n"
        ),
    );
    s.build(&[]).code(0);
    let page = s.out("partners/northwind/index.html");
    let sheet = s.out("partners/northwind/worksheet/index.html");
    let linked = |html: &str, root: &str| {
        html.matches(&format!("href=\"{root}partners/contoso/index.html\""))
            .count()
    };
    // summary, 6 parts, the partner benefit again in give and get, market,
    // goal, 2 commitments, 2 rules, style
    assert_eq!(linked(&page, "../../"), 15, "{page}");
    // 5 parts in the pitch and 5 in the table, pain point, 2 business
    // texts, question, step, style
    assert_eq!(linked(&sheet, "../../../"), 16, "{sheet}");
    for (html, root) in [(&page, "../../"), (&sheet, "../../../")] {
        assert!(!html.contains("href=\"@/"), "a link left unplaced: {html}");
        assert!(
            html.contains(&format!("href=\"{root}tiers/casual/index.html\"")),
            "the tier link from {root}"
        );
        assert!(html.contains("Northwind @/name"), "{html}");
        assert!(html.contains("Ann @/person"), "{html}");
    }
    assert!(page.contains("<li>@/tag</li>"), "{page}");
    assert!(page.contains("@/region"), "{page}");
    assert!(page.contains("@/title"), "{page}");
    assert!(sheet.contains("Owner: Team href=&quot;@/owner"), "{sheet}");
    assert!(
        sheet.contains("href=\"../../../partners/northwind/index.html\""),
        "the way back to the partner page"
    );
}

/// With raw HTML allowed, an `href="@/` written as HTML stays as written on
/// both pages: only links partnerbook resolves are given the path to the root.
#[test]
fn raw_html_links_are_left_as_written_on_both_pages() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "partnerbook.yaml",
        "title: Raw\nmarkdown:\n  allow_html: true\n",
    );
    s.write(
        "content/partners/northwind.yaml",
        "name: Northwind\ntier: casual\nobjectives: [market-access]\n\
         proposition:\n  \
           we_do: 'Software, <a href=\"@/raw\">raw</a> and [Contoso](@/partners/contoso).'\n  \
           they_do: IT outsourcing.\n  \
           together: A managed service.\n  \
           partner_benefit: Meets its SLAs.\n",
    );
    s.build(&[]).code(0);
    for (rel, root) in [
        ("partners/northwind/index.html", "../../"),
        ("partners/northwind/worksheet/index.html", "../../../"),
    ] {
        let html = s.out(rel);
        assert!(html.contains("<a href=\"@/raw\">raw</a>"), "{rel}");
        assert!(
            html.contains(&format!("href=\"{root}partners/contoso/index.html\"")),
            "{rel}"
        );
    }
}

/// The pitch stays short however long the proposition is: each part gives
/// its first paragraph, or the list it opens with (sublists included); and
/// the worksheet prints the partner benefit once.
#[test]
fn the_pitch_takes_the_opening_of_each_part() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/partners/northwind.yaml",
        "name: Northwind\ntier: casual\nobjectives: [market-access]\n\
         proposition:\n  \
           we_do: |\n    ## Our side\n\n    License **compliance** software.\n\n    A second paragraph.\n  \
           they_do: |\n    - IT outsourcing\n      - nested detail\n    - hosting\n\n    After the list.\n  \
           together: |\n    | a | b |\n    |---|---|\n    | 1 | 2 |\n\n    A managed service.\n  \
           partner_benefit: |\n    Meets its SLAs.\n\n    Without building a tool.\n",
    );
    s.build(&[]).code(0);
    let sheet = s.out("partners/northwind/worksheet/index.html");
    assert!(
        sheet.contains(
            "<div class=\"pitch\"><p>Here is what we do: License <strong>compliance</strong> software. \
             Here is what you do:</p>\n<ul>\n<li>IT outsourcing\n<ul>\n<li>nested detail</li>\n</ul>\n</li>\n\
             <li>hosting</li>\n</ul>\n\
             <p>Together we would like to deliver this: A managed service. \
             What is in it for you: Meets its SLAs.</p></div>"
        ),
        "{sheet}"
    );
    let body = &sheet[sheet.find("<main").unwrap()..];
    assert_eq!(body.matches("Without building a tool.").count(), 1);
    assert!(sheet.contains("<tr class=\"row-benefit\" id=\"ws-benefit\">"));
    assert!(sheet.contains("href=\"#ws-benefit\""));
}

/// The partner benefit is what the tool exists to show: the portfolio and
/// the tier page print it in full, never cut in the HTML, and the theme
/// never hides its end behind an ellipsis (issue 20).
#[test]
fn the_benefit_is_shown_in_full_on_the_portfolio_and_tier_pages() {
    let s = Scratch::copy_of(&fixture("minimal"));
    let sentence = "Northwind stops paying service credits after vendor audits, \
                    because every managed seat carries a current compliance position";
    let benefit = format!("{sentence}, and **the tool pays** for itself.\n\n{sentence} again.");
    s.write(
        "content/partners/northwind.yaml",
        format!(
            "name: Northwind\ntier: casual\nobjectives: [market-access]\nproposition:\n  \
             we_do: a\n  they_do: b\n  together: c\n  partner_benefit: |\n    {}\n",
            benefit.replace('\n', "\n    ")
        ),
    );
    s.build(&[]).code(0);
    let whole = format!("{sentence}, and the tool pays for itself. {sentence} again.");
    // well past the 160 characters it was cut at
    assert!(whole.chars().count() > 250);
    for rel in ["index.html", "tiers/casual/index.html"] {
        let html = s.out(rel);
        assert!(
            html.contains(&format!(
                "<p class=\"benefit-line\"><span class=\"benefit-label\">For them:</span> {whole}</p>"
            )),
            "{rel}:\n{html}"
        );
    }
    let css = s.out("style.css");
    assert!(
        !css.contains("text-overflow: ellipsis"),
        "the theme cuts a text with an ellipsis"
    );
}

/// The casual tier asks for no resources (the lints no-commitments and
/// one-sided-commitments skip it), so the readiness checklist of a casual
/// partner has no commitments items; a tactical partner's has both.
#[test]
fn the_checklist_asks_for_commitments_only_where_the_tier_does() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/partners/contoso.yaml",
        "name: Contoso\ntier: tactical\nobjectives: [faster-sales]\ntarget_market: Retail\n\
         commitments:\n  ours: [A sandbox]\n  theirs: [A sales play]\n\
         proposition:\n  we_do: a\n  they_do: b\n  together: c\n  partner_benefit: d\n",
    );
    s.build(&[]).code(0);
    let items = |slug: &str| -> Vec<String> {
        let html = s.out(&format!("partners/{slug}/worksheet/index.html"));
        let list = &html[html.find("<ul class=\"checklist\">").unwrap()..];
        let list = &list[..list.find("</ul>").unwrap()];
        list.split("<li ").skip(1).map(str::to_string).collect()
    };
    let casual = items("northwind");
    assert!(
        !casual.iter().any(|i| i.contains("commit")),
        "a casual partner is asked for commitments: {casual:#?}"
    );
    assert_eq!(casual.len(), 11);
    let tactical = items("contoso");
    // with the partner's objectives and a first plan step (issue 21)
    assert_eq!(tactical.len(), 15);
    for label in ["We commit resources", "They commit resources"] {
        assert!(
            tactical
                .iter()
                .any(|i| i.starts_with("class=\"is-done\"") && i.contains(label)),
            "{label}: {tactical:#?}"
        );
    }
    let html = s.out("partners/northwind/worksheet/index.html");
    assert!(html.contains(" of 11 done</span>"), "{html}");
}

/// A part of the proposition that introduces a list keeps it in the pitch:
/// "...method:" is followed by its three steps, not by a full stop
/// (issue 20).
#[test]
fn the_pitch_keeps_the_list_a_part_introduces() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.write(
        "content/partners/northwind.yaml",
        "name: Northwind\ntier: casual\nobjectives: [market-access]\nproposition:\n  \
         we_do: License compliance software.\n  they_do: IT outsourcing.\n  \
         together: |\n    Tallyward in their **audit-defense method**:\n\n    \
         1. deployed in the first week;\n    2. reports build the position;\n    \
         3. a retainer at the end.\n\n    A closing paragraph.\n  \
         partner_benefit: Shorter engagements.\n",
    );
    s.build(&[]).code(0);
    let sheet = s.out("partners/northwind/worksheet/index.html");
    assert!(
        sheet.contains(
            "Together we would like to deliver this: Tallyward in their \
             <strong>audit-defense method</strong>:</p>\n<ol>\n\
             <li>deployed in the first week;</li>\n<li>reports build the position;</li>\n\
             <li>a retainer at the end.</li>\n</ol>\n\
             <p>What is in it for you: Shorter engagements.</p></div>"
        ),
        "{sheet}"
    );
    assert!(!sheet.contains("method</strong>:."), "{sheet}");
}

/// The worksheet's print button: a real button, hidden until the theme's
/// script shows it (without JavaScript there is nothing to click), and
/// never printed.
#[test]
fn the_worksheet_print_button_is_hidden_without_javascript_and_on_paper() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    let sheet = s.out("partners/northwind/worksheet/index.html");
    assert!(
        sheet.contains(
            "<p class=\"print-action\"><button type=\"button\" id=\"print-button\" \
             class=\"print-button\" hidden>Print this worksheet</button></p>"
        ),
        "{sheet}"
    );
    assert!(
        sheet.contains("<script src=\"../../../print.js\" defer></script>"),
        "{sheet}"
    );
    let script = s.out("print.js");
    assert!(
        script.contains("getElementById(\"print-button\")"),
        "{script}"
    );
    assert!(script.contains("window.print()"), "{script}");
    assert!(script.contains("button.hidden = false"), "{script}");
    let css = s.out("style.css");
    let print = &css[css.find("@media print {").expect("print rules")..];
    assert!(
        print.contains(".print-action { display: none !important; }"),
        "the print button is printed"
    );
    // only worksheets load the script
    assert!(!s.out("partners/northwind/index.html").contains("print.js"));
}
