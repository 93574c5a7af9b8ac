//! The pages of issue 21 (SPEC 8.3) on the `both-sides` fixture, built on
//! the suite's date, 2026-11-22: give and get with its empty cells, the
//! joint plan with its progress and overdue marks, the notice at the top
//! of a partner page, the attention page, the portfolio's progress and
//! count, and the worksheet's new checklist items.

use scraper::{Html, Selector};

use crate::support::{Scratch, fixture};

/// The fixture, built (it has warnings by design: one partner writes
/// nothing it need not).
fn built() -> Scratch {
    let s = Scratch::copy_of(&fixture("both-sides"));
    s.build(&[]).code(0);
    s
}

/// The page at `path` of `s`'s output, parsed.
fn page(s: &Scratch, path: &str) -> Html {
    Html::parse_document(&s.out(path))
}

/// The text of each element `selector` matches, whitespace collapsed.
fn texts(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The `attr` of each element `selector` matches.
fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

#[test]
fn give_and_get_shows_what_each_side_gives_and_gets() {
    let s = built();
    let harbor = page(&s, "partners/harbor-analytics/index.html");
    assert_eq!(
        texts(&harbor, "#give-and-get .gg h3"),
        [
            "What we give",
            "What they give",
            "What we get",
            "What they get"
        ]
    );
    assert_eq!(
        texts(&harbor, ".gg-give.gg-ours li"),
        ["An integration engineer two days a week"]
    );
    assert_eq!(
        texts(&harbor, ".gg-give.gg-theirs li"),
        [
            "A test fleet of twelve trucks",
            "Sales time in the kickoff playbook"
        ]
    );
    assert_eq!(
        attrs(&harbor, ".gg-give.gg-theirs a", "href"),
        ["../../playbooks/kickoff/index.html"]
    );
    let we_get = texts(&harbor, ".gg-get.gg-ours").join("");
    assert!(
        we_get.contains(
            "Live positions we could not collect ourselves, and their installer network."
        ) && we_get.contains("Reach customers we could not reach alone"),
        "{we_get}"
    );
    let they_get = texts(&harbor, ".gg-get.gg-theirs").join("");
    assert!(
        they_get.contains("A reason for fleets to renew their telematics contract.")
            && they_get.contains("Shorten sales cycles")
            && they_get.contains("Win share in a target market"),
        "{they_get}"
    );
    assert!(texts(&harbor, "#give-and-get .missing").is_empty());
    // the table of contents leads to the new sections
    for id in ["#give-and-get", "#joint-plan"] {
        assert!(attrs(&harbor, ".on-this-page a", "href").contains(&id.to_string()));
    }
}

#[test]
fn an_empty_cell_of_give_and_get_says_what_to_write() {
    let s = built();
    let quill = page(&s, "partners/quill-books/index.html");
    assert_eq!(
        texts(&quill, "#give-and-get .missing"),
        [
            "We have not written what we give: list commitments.ours.",
            "We have not written what they give: list commitments.theirs.",
            "We have not written what we get: add proposition.our_benefit and name our objectives.",
            "Their own objectives are not named: add partner_objectives.",
        ]
    );
    // what the partner gets is required, so it is always there
    assert!(texts(&quill, ".gg-get.gg-theirs .prose")[0].contains("Fewer hours"));
}

#[test]
fn the_joint_plan_shows_progress_and_marks_overdue_steps_in_words() {
    let s = built();
    let harbor = page(&s, "partners/harbor-analytics/index.html");
    assert_eq!(
        texts(&harbor, ".plan-progress > span"),
        ["2 of 4 steps done, 1 overdue"]
    );
    assert_eq!(attrs(&harbor, ".plan-progress progress", "value"), ["2"]);
    assert_eq!(attrs(&harbor, ".plan-progress progress", "max"), ["4"]);
    assert_eq!(
        texts(&harbor, ".plan-table thead th"),
        ["Step", "Owner", "Who", "Due", "Done", "Measure"]
    );
    let rows: Vec<Vec<String>> = (1..=4)
        .map(|n| texts(&harbor, &format!("#step-{n} > td")))
        .collect();
    assert_eq!(
        rows,
        [
            [
                "Joint",
                "Ines Duarte",
                "2026-09-15",
                "Done on 2026-09-10",
                "Not set"
            ],
            [
                "Partner",
                "Kai Lindqvist",
                "2026-10-01",
                "Done on 2026-10-20",
                "Positions arrive every minute"
            ],
            [
                "Us",
                "Not named",
                "2026-11-01",
                "Overdue",
                "On both websites"
            ],
            ["Partner", "Not named", "2026-12-10", "Due soon", "Not set"],
        ]
    );
    // the step is inline Markdown
    assert!(
        s.out("partners/harbor-analytics/index.html")
            .contains("Publish the <em>joint</em> case study")
    );
    assert_eq!(attrs(&harbor, "tr.step-overdue", "id"), ["step-3"]);

    let quill = page(&s, "partners/quill-books/index.html");
    assert!(texts(&quill, ".plan-table").is_empty());
    let empty = texts(&quill, "#joint-plan .empty").join("");
    assert!(
        empty.starts_with("No joint plan yet.") && empty.contains("due date"),
        "{empty}"
    );
}

#[test]
fn a_notice_at_the_top_says_what_is_overdue_and_links_to_it() {
    let s = built();
    let harbor = page(&s, "partners/harbor-analytics/index.html");
    assert_eq!(texts(&harbor, ".notice h2"), ["Needs attention"]);
    assert_eq!(
        texts(&harbor, ".notice li"),
        [
            "The review is overdue: it was due on 2026-08-30.",
            "Step 3 of the joint plan is overdue: it was due on 2026-11-01. Publish the joint case study",
        ]
    );
    assert_eq!(attrs(&harbor, ".notice a", "href"), ["#review", "#step-3"]);
    // before the page's sections
    let html = s.out("partners/harbor-analytics/index.html");
    assert!(html.find("class=\"notice\"").unwrap() < html.find("id=\"proposition\"").unwrap());

    // nothing overdue, or an ended partnership: no notice, no overdue mark
    for slug in ["lantern-labs", "quill-books", "old-mill"] {
        let html = page(&s, &format!("partners/{slug}/index.html"));
        assert!(texts(&html, ".notice").is_empty(), "{slug} has a notice");
        assert!(
            texts(&html, ".step-overdue").is_empty(),
            "{slug} has an overdue step"
        );
    }
    let old = page(&s, "partners/old-mill/index.html");
    assert_eq!(texts(&old, "#step-1 .step-state"), ["Not yet"]);
}

#[test]
fn the_attention_page_lists_overdue_then_soon_soonest_first() {
    let s = built();
    let attention = page(&s, "attention/index.html");
    assert_eq!(texts(&attention, "h1"), ["What needs attention"]);
    let due = |group: &str| texts(&attention, &format!("#{group} .attention-due time"));
    assert_eq!(due("overdue"), ["2026-08-30", "2026-11-01"]);
    assert_eq!(due("soon"), ["2026-12-01", "2026-12-10"]);
    assert_eq!(
        texts(&attention, ".attention-what"),
        [
            "Review the partnership",
            "Plan step: Publish the joint case study",
            "Plan step: Demo at the logistics fair",
            "Plan step: Train the dispatch team",
        ]
    );
    let meta = texts(&attention, ".attention-meta");
    assert_eq!(
        meta,
        [
            "Harbor Analytics · Owner: Us · Review status",
            "Harbor Analytics · Owner: Us · Step 3 of the plan",
            "Lantern Labs · Owner: Joint · Step 1 of the plan",
            "Harbor Analytics · Owner: Partner · Step 4 of the plan",
        ]
    );
    assert_eq!(texts(&attention, "#overdue .badge"), ["Overdue", "Overdue"]);
    // an ended partnership is history
    assert!(!s.out("attention/index.html").contains("Old Mill"));
    // each item links to its partner and to the row or section it is about
    let links = attrs(&attention, ".attention-meta a", "href");
    assert_eq!(
        links[..2],
        [
            "../partners/harbor-analytics/index.html",
            "../partners/harbor-analytics/index.html#review",
        ]
    );
    for link in &links {
        let (file, id) = link.split_once('#').unwrap_or((link, ""));
        let target = s.out(&format!("attention/{file}").replace("attention/../", ""));
        assert!(
            id.is_empty() || target.contains(&format!("id=\"{id}\"")),
            "{link}"
        );
    }
}

#[test]
fn every_page_links_the_attention_page_from_the_navigation() {
    let s = built();
    for (path, href) in [
        ("index.html", "attention/index.html"),
        (
            "partners/quill-books/index.html",
            "../../attention/index.html",
        ),
        ("attention/index.html", "../attention/index.html"),
    ] {
        let html = page(&s, path);
        assert_eq!(
            attrs(&html, ".site-nav a", "href")
                .iter()
                .filter(|h| *h == href)
                .count(),
            1,
            "{path}"
        );
    }
    let attention = page(&s, "attention/index.html");
    assert_eq!(
        texts(&attention, ".site-nav a[aria-current=page]"),
        ["Attention"]
    );
}

#[test]
fn the_portfolio_shows_plan_progress_and_the_attention_count() {
    let s = built();
    let index = page(&s, "index.html");
    assert_eq!(
        texts(&index, ".attention-link a"),
        ["4 things need attention"]
    );
    assert_eq!(texts(&index, ".attention-link .badge"), ["2 overdue"]);
    let meta = texts(&index, ".partner-row-meta");
    let row = |name: &str| {
        let names = texts(&index, ".partner-row-name");
        meta[names.iter().position(|n| n == name).unwrap()].clone()
    };
    assert!(row("Harbor Analytics").contains("2 of 4 steps done"));
    assert!(row("Lantern Labs").contains("0 of 2 steps done"));
    // no plan, no progress
    assert!(
        !row("Quill Books").contains("steps done"),
        "{}",
        row("Quill Books")
    );
    // the tier pages list partners the same way
    let tier = s.out("tiers/strategic/index.html");
    assert!(tier.contains("2 of 4 steps done"));
}

#[test]
fn nothing_needs_attention_says_so() {
    let s = Scratch::copy_of(&fixture("minimal"));
    s.build(&[]).code(0);
    let index = page(&s, "index.html");
    assert_eq!(
        texts(&index, ".attention-link"),
        ["Nothing needs attention"]
    );
    let attention = page(&s, "attention/index.html");
    let empty = texts(&attention, ".empty").join("");
    assert!(empty.starts_with("Nothing needs attention"), "{empty}");
    assert!(texts(&attention, ".attention-list").is_empty());
}

#[test]
fn the_checklist_asks_for_the_partners_objectives_and_a_first_plan_step() {
    let s = built();
    let items = |slug: &str| {
        texts(
            &page(&s, &format!("partners/{slug}/worksheet/index.html")),
            ".checklist .check-text",
        )
    };
    let harbor = items("harbor-analytics");
    for label in [
        "done: It solves a named business problem",
        "done: We know what they want from it",
        "done: The joint plan has a first step",
    ] {
        assert!(harbor.iter().any(|i| i == label), "{label}: {harbor:#?}");
    }
    let quill = items("quill-books");
    for label in [
        "to do: It solves a named business problem (write proposition.pain_point)",
        "to do: We know what they want from it (name partner_objectives)",
        "to do: The joint plan has a first step (add a first step to plan, with its owner and due date)",
    ] {
        assert!(quill.iter().any(|i| i == label), "{label}: {quill:#?}");
    }
}

/// A theme made before the attention page has no template for it: its
/// site builds as before, without the page (SPEC 8: additive).
#[test]
fn a_theme_without_an_attention_template_builds_without_the_page() {
    let s = Scratch::copy_of(&fixture("both-sides"));
    s.write("partnerbook.yaml", "title: Both sides\ntheme: plain\n");
    for name in [
        "index.html",
        "partner.html",
        "worksheet.html",
        "playbooks.html",
        "playbook.html",
        "tier.html",
        "404.html",
    ] {
        s.write(
            &format!("themes/plain/templates/{name}"),
            "<title>{{ page.title }}</title>",
        );
    }
    s.build(&[]).code(0);
    assert!(!s.public().join("attention/index.html").exists());
    assert!(s.out("index.html").contains("Partner portfolio"));
}
