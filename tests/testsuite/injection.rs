//! Script injection (issue "hostile input", part 1): `<script>`, event
//! handlers, `javascript:`, `vbscript:` and `data:` URLs, template syntax
//! and entities in every field of `tests/fixtures/injection` (the
//! configuration, both partner records, both playbooks' front matter and
//! bodies) never become live markup or live URLs in any output file, stay
//! visible to readers as the text that was written, and are escaped exactly
//! once. HTML is read with a real HTML5 parser (`scraper`, html5ever) and
//! sitemap.xml with an XML parser (`roxmltree`), so the assertions are about
//! what a browser would build, not about substrings of the source.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use crate::serve::Server;
use crate::support::{Scratch, fixture, stderr, tree};

/// The injection fixture, built: the payloads are content, not errors.
fn injected() -> Scratch {
    let s = Scratch::copy_of(&fixture("injection"));
    s.build(&[]).code(0);
    s
}

/// Every HTML page of the output, parsed.
fn pages(s: &Scratch) -> Vec<(String, Html)> {
    tree(&s.public())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            let text = String::from_utf8(b).expect("UTF-8 output");
            (p, Html::parse_document(&text))
        })
        .collect()
}

/// One page of the output, parsed.
fn page(s: &Scratch, rel: &str) -> Html {
    Html::parse_document(&s.out(rel))
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"))
}

/// The text of every element `css` selects, as a reader sees it.
fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// The text of the one element `css` selects.
fn text(doc: &Html, css: &str) -> String {
    let all = texts(doc, css);
    assert_eq!(all.len(), 1, "`{css}` selects {} elements", all.len());
    all.into_iter().next().unwrap()
}

/// The value of `attr` on the one element `css` selects.
fn attr(doc: &Html, css: &str, attr: &str) -> String {
    let all: Vec<ElementRef> = doc.select(&sel(css)).collect();
    assert_eq!(all.len(), 1, "`{css}` selects {} elements", all.len());
    all[0]
        .value()
        .attr(attr)
        .unwrap_or_else(|| panic!("`{css}` has no `{attr}`"))
        .to_string()
}

/// A partner record of the fixture, as YAML.
fn record(slug: &str) -> Yaml {
    let path = fixture("injection").join(format!("content/partners/{slug}.yaml"));
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixture's configuration, as YAML.
fn config() -> Yaml {
    let path = fixture("injection").join("partnerbook.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn str_at<'a>(yaml: &'a Yaml, path: &[&str]) -> &'a str {
    path.iter()
        .fold(yaml, |v, k| &v[*k])
        .as_str()
        .unwrap_or_else(|| panic!("no text at {path:?}"))
}

// ---------------------------------------------------------------------------
// what a page may hold

/// What the theme itself puts in pages, from a build of the example site
/// (no payloads anywhere): element names, and the exact elements of the
/// kinds content must never add.
struct Theme {
    /// Every element name the clean pages use.
    names: BTreeSet<String>,
    /// `signature` of every guarded element of the clean pages.
    guarded: BTreeSet<String>,
    /// The `name` of every `<meta>` of the clean pages.
    meta_names: BTreeSet<String>,
}

/// Elements that run script, load or submit something, or change how the
/// page is read: content may add none; the theme's own must be exactly the
/// ones a clean build has.
const GUARDED: &[&str] = &[
    "script", "style", "link", "base", "form", "iframe", "frame", "frameset", "object", "embed",
    "applet", "template", "noscript", "portal",
];

/// Elements the Markdown renderer writes (CommonMark, tables, footnotes,
/// strikethrough, task lists): content may add these and nothing else.
const MARKDOWN: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "hr",
    "br",
    "sup",
    "div",
    "input",
];

/// Attributes whose value is a URL a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "background",
    "cite",
    "data",
    "codebase",
    "longdesc",
    "lowsrc",
    "ping",
    "usemap",
    "manifest",
    "icon",
];

/// Attributes holding text for people, which may say `javascript:` as text.
const TEXT_ATTRIBUTES: &[&str] = &["title", "alt", "content", "aria-label", "placeholder"];

/// An element as `name attr="value" ...` (attributes sorted), with the text
/// of scripts and styles.
fn signature(e: ElementRef) -> String {
    let mut s = e.value().name().to_string();
    let mut attrs: Vec<(&str, &str)> = e.value().attrs().collect();
    attrs.sort();
    for (k, v) in attrs {
        s.push_str(&format!(" {k}={v:?}"));
    }
    if matches!(e.value().name(), "script" | "style") {
        s.push_str(&format!(" {{{}}}", e.text().collect::<String>()));
    }
    s
}

/// The example site, built: the clean build to compare with.
fn clean() -> Scratch {
    let s = Scratch::example();
    s.build(&[]).code(0);
    s
}

fn theme(clean: &Scratch) -> Theme {
    let mut theme = Theme {
        names: BTreeSet::new(),
        guarded: BTreeSet::new(),
        meta_names: BTreeSet::new(),
    };
    // the example and, for the joint plan's and the attention page's
    // elements (`time`, `progress`), the fixture of both sides
    let both = Scratch::copy_of(&crate::support::fixture("both-sides"));
    both.build(&[]).code(0);
    for (_, doc) in pages(clean).into_iter().chain(pages(&both)) {
        for e in doc.root_element().descendent_elements() {
            let name = e.value().name();
            theme.names.insert(name.to_string());
            if GUARDED.contains(&name) {
                theme.guarded.insert(signature(e));
            }
            if name == "meta"
                && let Some(n) = e.value().attr("name")
            {
                theme.meta_names.insert(n.to_string());
            }
        }
    }
    assert!(
        theme
            .guarded
            .iter()
            .any(|s| s.starts_with("script ") && s.contains(" src=")),
        "the clean build has the search scripts: {:?}",
        theme.guarded
    );
    theme
}

/// The scheme of a URL as a browser reads it (ASCII tabs and newlines
/// removed anywhere, leading and trailing controls and spaces trimmed,
/// lowercased), or `None` for a relative URL.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c <= ' ');
    let end = cleaned.find([':', '/', '?', '#'])?;
    (cleaned.as_bytes()[end] == b':').then(|| cleaned[..end].to_ascii_lowercase())
}

/// Everything live in `doc` that the theme does not put there: a
/// description of each problem found.
fn live_markup(doc: &Html, theme: &Theme) -> Vec<String> {
    let mut problems = Vec::new();
    for e in doc.root_element().descendent_elements() {
        let name = e.value().name();
        let tag = signature(e);
        if !theme.names.contains(name) && !MARKDOWN.contains(&name) {
            problems.push(format!(
                "an element neither theme nor Markdown writes: {tag}"
            ));
        }
        if GUARDED.contains(&name) && !theme.guarded.contains(&tag) {
            problems.push(format!("an element the theme does not have: {tag}"));
        }
        if name == "meta"
            && (e.value().attr("http-equiv").is_some()
                || e.value()
                    .attr("name")
                    .is_some_and(|n| !theme.meta_names.contains(n)))
        {
            problems.push(format!("a meta element the theme does not have: {tag}"));
        }
        for (attr, value) in e.value().attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                problems.push(format!("an event handler: {tag}"));
            }
            if attr == "style"
                && ![
                    "text-align: left",
                    "text-align: center",
                    "text-align: right",
                ]
                .contains(&value)
            {
                problems.push(format!("a style attribute: {tag}"));
            }
            let scheme = scheme(value);
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                if scheme
                    .as_deref()
                    .is_some_and(|s| !["http", "https", "mailto", "tel"].contains(&s))
                {
                    problems.push(format!("a live URL of scheme {scheme:?}: {tag}"));
                }
            } else if !TEXT_ATTRIBUTES.contains(&attr.as_str())
                && scheme
                    .as_deref()
                    .is_some_and(|s| ["javascript", "vbscript", "data"].contains(&s))
            {
                problems.push(format!("a {scheme:?} URL in `{attr}`: {tag}"));
            }
        }
    }
    problems
}

#[test]
fn no_page_holds_live_markup_or_a_live_url_from_content() {
    let clean = clean();
    let theme = theme(&clean);
    let s = injected();
    let pages = pages(&s);
    assert_eq!(pages.len(), 13, "every page, the 404 page included");
    for (path, doc) in &pages {
        let problems = live_markup(doc, &theme);
        assert!(problems.is_empty(), "{path}:\n{}", problems.join("\n"));
    }
    // every other file is one the tests below read, or the theme's own
    for (path, bytes) in tree(&s.public()) {
        match path.as_str() {
            p if p.ends_with(".html") => {}
            "partners.json" | "search-index.js" | "sitemap.xml" => {}
            // read back with an iCalendar parser and a CSV reader in exports.rs
            "calendar.ics" | "partners.csv" | "plan.csv" => {}
            // the image a record names, as it is (issue 18)
            "partners/logo.png" => assert_eq!(
                bytes,
                std::fs::read(fixture("injection").join("content/partners/logo.png")).unwrap()
            ),
            "style.css" | "search.js" | "print.js" => assert_eq!(
                bytes,
                std::fs::read(clean.public().join(&path)).unwrap(),
                "{path} is the theme's"
            ),
            ".partnerbook-manifest.json" => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(!text.contains('<'), "{text}");
                serde_json::from_str::<Json>(&text).expect("the manifest is JSON");
            }
            other => panic!("an output file no test reads: {other}"),
        }
    }
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    // guards the test above: each of these must be reported
    let theme = theme(&clean());
    let clean = page(&injected(), "playbooks/att/index.html");
    assert_eq!(live_markup(&clean, &theme), Vec::<String>::new());
    for bad in [
        "<script>alert(1)</script>",
        "<script src=\"evil.js\"></script>",
        "<p onclick=\"x\">a</p>",
        "<svg><circle onload=\"x\"/></svg>",
        "<a href=\"  JaVa&#x09;ScRiPt:alert(1)\">a</a>",
        "<a href=\"&#1;javascript:alert(1)\">a</a>",
        "<img src=\"data:image/svg+xml,x\">",
        "<a href=\"vbscript:x\">a</a>",
        "<svg><a xlink:href=\"javascript:x\">a</a></svg>",
        "<svg><set attributeName=\"href\" to=\"javascript:x\"/></svg>",
        "<form><button formaction=\"javascript:x\">a</button></form>",
        "<iframe></iframe>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">",
        "<base href=\"https://evil.example/\">",
        "<p style=\"background:url(javascript:x)\">a</p>",
        "<object data=\"x\"></object>",
    ] {
        let doc = Html::parse_document(&format!("<!doctype html><body>{bad}</body>"));
        assert!(!live_markup(&doc, &theme).is_empty(), "not noticed: {bad}");
    }
}

// ---------------------------------------------------------------------------
// what readers see

/// The text of the `dd` after the `dt` reading `label` in `dl.facts`.
fn fact(doc: &Html, label: &str) -> String {
    doc.select(&sel("dl.facts > div"))
        .find(|d| {
            d.select(&sel("dt"))
                .any(|t| t.text().collect::<String>() == label)
        })
        .map(|d| d.select(&sel("dd")).next().unwrap().text().collect())
        .unwrap_or_else(|| panic!("no fact {label}"))
}

#[test]
fn plain_fields_show_exactly_what_was_written() {
    let s = injected();
    let yaml = record("payloads");
    let name = str_at(&yaml, &["name"]);
    let partner = page(&s, "partners/payloads/index.html");
    let worksheet = page(&s, "partners/payloads/worksheet/index.html");
    assert_eq!(text(&partner, "h1"), name);
    assert_eq!(text(&worksheet, ".ws-name"), name);
    assert_eq!(fact(&partner, "Owner"), str_at(&yaml, &["owner"]));
    assert_eq!(fact(&partner, "Region"), str_at(&yaml, &["region"]));
    assert_eq!(fact(&partner, "Type"), str_at(&yaml, &["type"]));
    let tags: Vec<&str> = yaml["tags"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(texts(&partner, "ul.tags li"), tags);
    assert!(
        texts(&partner, "#rules tbody tr td .source-inline").contains(&format!("Set for {name}")),
        "the rule's source names the partner"
    );
    for doc in [&partner, &worksheet] {
        assert_eq!(text(doc, "#people-caption"), format!("People at {name}"));
        assert_eq!(
            text(doc, "#influence-title"),
            format!("Influence map of {name}")
        );
    }
    // the influence map: the table and the diagram show every person as written
    let people: Vec<&Yaml> = yaml["influence_map"]
        .as_sequence()
        .unwrap()
        .iter()
        .collect();
    let names: Vec<&str> = people.iter().map(|p| str_at(p, &["name"])).collect();
    assert_eq!(texts(&partner, ".people-table tbody th"), names);
    assert_eq!(
        texts(&partner, "svg.influence-svg:not(.is-narrow) text.node-name"),
        names
    );
    let titles: Vec<String> = texts(&partner, ".people-table tbody tr td:nth-of-type(1)");
    assert_eq!(titles.len(), people.len());
    for (p, title) in people.iter().zip(&titles) {
        assert_eq!(title, str_at(p, &["title"]));
    }
    let desc = text(&partner, "#influence-desc");
    for n in &names {
        assert!(desc.contains(n), "the diagram's description names {n}");
    }
    assert_eq!(
        texts(&partner, ".people-table tbody tr td:nth-of-type(5)")[0],
        yaml["influence_map"][0]["relationships"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(", ")
    );
    // the diagram draws text only: no element a name could have added
    let drawn: BTreeSet<String> = partner
        .select(&sel("svg.influence-svg"))
        .flat_map(|svg| svg.descendent_elements())
        .map(|e| e.value().name().to_string())
        .collect();
    assert_eq!(
        drawn,
        [
            "circle", "desc", "g", "line", "rect", "svg", "text", "title", "tspan"
        ]
        .map(String::from)
        .into()
    );
    // lists and titles
    let index = page(&s, "index.html");
    assert!(texts(&index, ".partner-row-name a").contains(&name.to_string()));
    assert_eq!(
        text(&partner, "head > title"),
        format!("{name} · {}", str_at(&config(), &["title"]))
    );
    assert!(
        attr(&partner, "meta[name=description]", "content").starts_with(&format!("{name}: ")),
        "the partner's description starts with its name"
    );
    let playbook = page(&s, "playbooks/payloads/index.html");
    assert!(texts(&playbook, ".applies .inline-list a").contains(&name.to_string()));
}

#[test]
fn the_site_title_and_description_show_exactly_what_was_written() {
    let s = injected();
    let config = config();
    let title = str_at(&config, &["title"]);
    let description = str_at(&config, &["description"]);
    for (path, doc) in pages(&s) {
        let head_title = text(&doc, "head > title");
        assert!(
            head_title.ends_with(&format!(" · {title}")),
            "{path}: <title> is {head_title:?}"
        );
        let site = if path == "404.html" {
            text(&doc, ".site")
        } else {
            text(&doc, ".site-title")
        };
        assert_eq!(site, title, "{path}");
        let meta = attr(&doc, "meta[name=description]", "content");
        match path.as_str() {
            "index.html" => assert_eq!(meta, description),
            "404.html" => assert_eq!(meta, format!("This page of {title} does not exist.")),
            _ => {
                let subject = texts(&doc, "h1 .ws-name, h1:not(:has(.ws-name))").concat();
                assert!(
                    meta.contains(title) || meta.contains(&subject),
                    "{path}: the description is {meta:?}"
                )
            }
        }
    }
    let index = page(&s, "index.html");
    assert_eq!(text(&index, ".lead"), description);
    // the 404 page links into base_url's path, `&` and `'` included
    let not_found = page(&s, "404.html");
    let links: Vec<&str> = not_found
        .select(&sel("main a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "/partners&co/o'brien/index.html",
            "/partners&co/o'brien/playbooks/index.html"
        ]
    );
}

/// (page, what to select, texts it must show): payloads in Markdown fields,
/// shown as text; unsafe links and images shown as their plain text.
const SHOWN: &[(&str, &str, &[&str])] = &[
    (
        "partners/payloads/index.html",
        ".prop-we .prose",
        &[
            "<script>alert('we_do')</script>",
            "We do <img src=x onerror=alert('we_do')> and \" onmouseover=\"alert('we_do')",
            "'><svg onload=alert('we_do')> and ]]> and {{ tera }} {% raw %}.",
        ],
    ),
    (
        "partners/payloads/index.html",
        ".prop-they .prose",
        &[
            "they-js they-case",
            "they-entity they-hex",
            "they-tab they-newline",
            "they-control they-space",
            "they-data",
            "they-vb",
        ],
    ),
    (
        "partners/payloads/index.html",
        ".prop-together .prose",
        &["Together together-data", "together-js", "together-title"],
    ),
    (
        "partners/payloads/index.html",
        ".prop-benefit .prose",
        &[
            "benefit-ref-js, benefit-ref-data, benefit-ref-vb",
            "and javascript:alert('benefit') and JAVASCRIPT:alert('benefit')",
            "and vbscript:msgbox('benefit') and https://example.org/?a=1&b=\"2\".",
        ],
    ),
    (
        "partners/payloads/index.html",
        ".prop-customers .prose",
        &["Footnote <script>alert('fn')</script> fn-link."],
    ),
    (
        "partners/payloads/index.html",
        ".prop-pain .prose",
        &[
            "Pain <img src=x onerror=alert('pain')>",
            "<div onclick=\"alert('pain')\"><iframe src=\"javascript:alert('pain')\"></iframe></div>",
            "<!-- <script>alert('pain-comment')</script> -->",
        ],
    ),
    (
        "partners/payloads/index.html",
        "#plan",
        &[
            "<form action=javascript:alert('market')><button formaction=javascript:alert('market')>go</button></form> <base href=javascript:alert('market')//>",
            "<meta http-equiv=refresh content=\"0;url=javascript:alert('goal')\"> <object data=javascript:alert('goal')></object> <embed src=javascript:alert('goal')>",
        ],
    ),
    (
        "partners/payloads/index.html",
        "#commitments",
        &[
            "<script>alert('ours')</script>",
            "ours-link <a href=\"javascript:alert('ours')\">raw-ours</a>",
            "<svg><a xlink:href=\"javascript:alert('theirs')\">x</a></svg>",
            "<math><mi xlink:href=\"javascript:alert('theirs')\">y</mi></math> <style>*{background:url(javascript:alert('theirs'))}</style>",
        ],
    ),
    (
        "partners/payloads/index.html",
        ".gg-get.gg-ours",
        &[
            "Ours <script>alert('our-benefit')</script> our-js <img src=x onerror=alert('our-benefit')>",
        ],
    ),
    (
        "partners/payloads/index.html",
        "#joint-plan",
        &[
            "Step <script>alert('step')</script> step-js <img src=x onerror=alert('step')>",
            "<svg onload=alert('who')>",
            // an HTML block (escaped) to the end of the line: no link in it
            "<iframe src=javascript:alert('measure')></iframe> [measure-js](javascript:alert('measure'))",
        ],
    ),
    (
        "attention/index.html",
        ".attention-list",
        &[
            "Step <script>alert('step')</script> step-js <img src=x onerror=alert('step')>",
            "<svg onload=alert('who')>",
        ],
    ),
    (
        "partners/payloads/index.html",
        "#rules",
        &[
            "<script>alert('tier topic')</script>",
            "Rule <script>alert('tier rule')</script> tier-rule-link",
            "AT&T <b> & ]]> {{ tera }}",
            "<script>alert('partner lead')</script> AT&T",
            "<img src=x onerror=alert('partner topic')>",
            "rule-link \" onmouseover=\"alert('rule')",
        ],
    ),
    (
        "partners/payloads/index.html",
        "#influence",
        &["<img src=x onerror=alert('style')> style-link"],
    ),
    (
        "partners/payloads/worksheet/index.html",
        ".worksheet",
        &[
            "Strategy <script>alert('strategy')</script> strategy-img",
            "<iframe src=\"data:text/html,<script>alert('business')</script>\"></iframe>",
            "<script>alert('question')</script>",
            "question-link",
            "<img src=x onerror=alert('step')>",
            "</script><script>alert('step')</script>",
            // the pitch takes each part's first paragraph: we_do's opening
            // HTML block is text on the page, but not a paragraph
            "Here is what we do: We do <img src=x onerror=alert('we_do')> and \" onmouseover=\"alert('we_do') and '><svg onload=alert('we_do')>",
        ],
    ),
    (
        "tiers/strategic/index.html",
        ".rules-list",
        &[
            "<script>alert('tier topic')</script>",
            "Rule <script>alert('tier rule')</script> tier-rule-link",
            "\" onmouseover=\"alert('lead') '><svg onload=alert('lead')>",
        ],
    ),
    (
        "tiers/tactical/index.html",
        ".rules-list",
        &["<img src=x onerror=alert('tactical')> javascript:alert('tactical')"],
    ),
    (
        "tiers/casual/index.html",
        ".rules-list",
        &[
            "\" onmouseover=\"alert('casual topic')",
            "</script><script>alert('casual')</script>",
        ],
    ),
    (
        "index.html",
        ".partner-list",
        &["For them: More pipeline, see benefit-ref-js"],
    ),
    (
        "partners/payloads/index.html",
        ".page-head .lead",
        &["<img src=x onerror=alert('summary')> summary-link javascript:alert('summary') AT&T"],
    ),
    (
        "playbooks/index.html",
        ".playbook-list",
        &[
            "<script>alert('pb-title')</script> \" onmouseover=\"alert('pb-title') AT&T &lt;b&gt;",
            "<img src=x onerror=alert('pb-summary')> pb-summary-link",
        ],
    ),
    (
        "playbooks/payloads/index.html",
        "article",
        &[
            "<script>alert('pb-title')</script> \" onmouseover=\"alert('pb-title') AT&T &lt;b&gt;",
            "<img src=x onerror=alert('pb-summary')> pb-summary-link",
            "<script>alert('raw-block')</script>",
            "<div onclick=\"alert('div')\"><iframe src=\"javascript:alert('iframe')\"></iframe></div>",
            "<!-- <script>alert('comment')</script> -->",
            "Heading <img src=x onerror=alert('h2')>",
            "Inline <span onmouseover=\"alert('span')\">span</span> and <a href=\"javascript:alert('a')\">raw-a</a>.",
            "pb-js",
            "pb-case",
            "pb-entity",
            "pb-tab",
            "pb-data",
            "pb-vb",
            "pb-img-data",
            "pb-img-js",
            "pb-ref-js, pb-ref-data, pb-ref-vb",
            "javascript:alert('auto'), data:text/html,alert('auto'), vbscript:msgbox('auto')",
            "Footnote <script>alert('fn')</script> pb-fn-link.",
            "<script>alert('code')</script>",
            "code </script><script>alert('code')</script>",
            "th <script>alert('th')</script>",
            "pb-cell",
            "<img src=x onerror=alert('td')>",
            "]]> <!-- {{ tera }} {% raw %}",
            "task <script>alert('task')</script>",
            "Text: AT&T <b> & ]]> {{ tera }} {% raw %} {% endraw %} line\u{2028}separator",
        ],
    ),
];

#[test]
fn markdown_payloads_show_as_text() {
    let s = injected();
    for (path, css, shown) in SHOWN {
        let doc = page(&s, path);
        let all = texts(&doc, css).concat();
        assert!(!all.is_empty(), "{path}: nothing matches `{css}`");
        for want in *shown {
            assert!(
                all.contains(want),
                "{path}: `{css}` does not show {want:?}; it shows:\n{all}"
            );
        }
    }
    // the table of contents names the heading as the heading shows it
    let playbook = page(&s, "playbooks/payloads/index.html");
    assert_eq!(
        texts(&playbook, "nav.toc a"),
        ["Heading <img src=x onerror=alert('h2')>"]
    );
}

#[test]
fn safe_links_and_images_keep_working_with_their_titles_as_text() {
    let s = injected();
    let partner = page(&s, "partners/payloads/index.html");
    // every link in the proposition is the one safe one
    let links: Vec<(String, String)> = partner
        .select(&sel("#proposition a:not(.footnote-ref a, .footnote-back)"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("together-title", "https://example.org/ok"),
            (
                "https://example.org/?a=1&b=\"2\"",
                "https://example.org/?a=1&b=%222%22"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // the footnote's label does not reach its ids (issue 20): the
    // reference and the way back use ids of their own
    let notes: Vec<(String, String)> = partner
        .select(&sel(
            "#proposition .footnote-ref a, #proposition .footnote-back",
        ))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, "1");
    assert!(notes[0].1.starts_with("#fn:"), "{notes:?}");
    assert!(notes[1].1.starts_with("#fnref:"), "{notes:?}");
    for (_, href) in &notes {
        assert!(!href.contains('<') && !href.contains('"'), "{notes:?}");
    }
    assert_eq!(
        attr(&partner, ".prop-together a", "title"),
        "a \" onmouseover=\"alert('together') <script>"
    );
    // an image beside the record is published beside it (issue 18)
    assert_eq!(
        attr(&partner, ".prop-together img", "src"),
        "../../partners/logo.png"
    );
    assert_eq!(attr(&partner, ".prop-together img", "alt"), "together-ok");
    assert_eq!(
        attr(&partner, ".prop-together img", "title"),
        "logo \" onerror=\"alert('together')"
    );
    // heading attributes other than the id and classes are raw HTML
    let pain = partner
        .select(&sel(".prop-pain h2"))
        .next()
        .expect("the heading");
    let attrs: Vec<(&str, &str)> = pain.value().attrs().collect();
    assert_eq!(attrs, [("class", "pain"), ("id", "pain-id")]);
    let playbook = page(&s, "playbooks/payloads/index.html");
    let internal = playbook
        .select(&sel(".playbook-content a"))
        .find(|a| a.text().collect::<String>() == "pb-internal")
        .unwrap();
    assert_eq!(
        internal.value().attr("href"),
        Some("../../partners/payloads/index.html#%22%3E%3Cscript%3Ealert('fragment')%3C/script%3E")
    );
}

// ---------------------------------------------------------------------------
// escaped exactly once

#[test]
fn ampersands_and_tags_written_as_text_are_escaped_exactly_once() {
    let s = injected();
    let name = "AT&T <b>Q&A</b>";
    let benefit = "AT&T gets Q&A sessions with <b> as text.";
    let config = config();
    let site = str_at(&config, &["title"]);
    let partner = page(&s, "partners/att/index.html");
    assert_eq!(text(&partner, "h1"), name);
    assert_eq!(text(&partner, "head > title"), format!("{name} · {site}"));
    assert_eq!(
        attr(&partner, "meta[name=description]", "content"),
        format!("{name}: {benefit}")
    );
    assert_eq!(texts(&partner, "ul.tags li"), ["AT&T", "Q&A", "<b>"]);
    assert_eq!(fact(&partner, "Owner"), "Q&A <b>team</b>");
    assert_eq!(fact(&partner, "Region"), "AT&T <b>land</b>");
    assert_eq!(fact(&partner, "Type"), "telco & <b>carrier</b>");
    assert_eq!(text(&partner, ".lead"), "AT&T runs Q&A with <b> as text.");
    assert_eq!(text(&partner, ".prop-benefit .prose").trim(), benefit);
    assert_eq!(
        text(&partner, ".prop-together .prose").trim(),
        "AT&T and Q&A together, <b> as text."
    );
    assert_eq!(
        texts(&partner, ".people-table tbody th"),
        ["AT&T <b>Q&A</b> person"]
    );
    assert_eq!(
        texts(&partner, "svg.influence-svg:not(.is-narrow) text.node-name"),
        ["AT&T <b>Q&A</b> person"]
    );
    assert_eq!(
        texts(
            &partner,
            "svg.influence-svg:not(.is-narrow) text.node-title"
        ),
        ["Q&A <b>lead</b>"]
    );
    let worksheet = page(&s, "partners/att/worksheet/index.html");
    assert_eq!(
        text(&worksheet, "head > title"),
        format!("{name}: partnering proposition worksheet · {site}")
    );
    assert!(text(&worksheet, ".pitch").contains(&format!("What is in it for you: {benefit}")));
    let index = page(&s, "index.html");
    let row = index
        .select(&sel(".partner-row"))
        .find(|r| r.text().collect::<String>().contains(name))
        .expect("AT&T is listed");
    assert_eq!(
        row.select(&sel(".benefit-line"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        format!("For them: {benefit}")
    );
    let playbook = page(&s, "playbooks/att/index.html");
    assert_eq!(text(&playbook, "h1"), "AT&T Q&A <b>");
    assert_eq!(
        text(&playbook, "head > title"),
        format!("AT&T Q&A <b> · {site}")
    );
    assert_eq!(
        text(&playbook, ".playbook-content p"),
        "AT&T and Q&A with <b> as text."
    );
    assert_eq!(text(&playbook, ".lead"), "AT&T and Q&A, <b> as text.");
    assert_eq!(
        attr(&playbook, "meta[name=description]", "content"),
        format!("AT&T Q&A <b>: a playbook of {site}")
    );
    // nowhere does a reader see an entity the fixture did not write
    for (path, doc) in pages(&s) {
        for e in doc.root_element().descendent_elements() {
            let own: String = e
                .children()
                .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                .collect();
            let values = e.value().attrs().map(|(_, v)| v.to_string());
            for t in std::iter::once(own).chain(values) {
                for twice in [
                    "AT&amp;T",
                    "Q&amp;A",
                    "&amp;amp;",
                    "&amp;lt;",
                    "&#39;",
                    "&quot;",
                ] {
                    assert!(!t.contains(twice), "{path}: {twice} shows in {t:?}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// the files for machines

/// Compares every text of `yaml` with the value at the same place in
/// `json`, reporting differences.
fn same_text(yaml: &Yaml, json: &Json, at: &str, errors: &mut Vec<String>) {
    match yaml {
        Yaml::String(s) if json.as_str() != Some(s.as_str()) => {
            errors.push(format!("{at}: {s:?} became {json}"));
        }
        Yaml::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                same_text(item, &json[i], &format!("{at}[{i}]"), errors);
            }
        }
        Yaml::Mapping(map) => {
            for (k, v) in map {
                let k = k.as_str().unwrap();
                same_text(v, &json[k], &format!("{at}.{k}"), errors);
            }
        }
        _ => {}
    }
}

#[test]
fn partners_json_holds_every_text_as_written_and_is_safe_to_embed() {
    let s = injected();
    let text = s.out("partners.json");
    for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!text.contains(c), "partners.json has a raw {c:?}");
    }
    let json: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(json["title"], str_at(&config(), &["title"]));
    let partners = json["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 2);
    for slug in ["att", "payloads"] {
        let entry = partners.iter().find(|p| p["slug"] == slug).unwrap();
        let mut errors = Vec::new();
        same_text(&record(slug), entry, slug, &mut errors);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}

#[test]
fn the_search_index_is_a_script_nothing_can_break_out_of() {
    let s = injected();
    let script = s.out("search-index.js");
    // inside <script src>, `</script` ends the script and `<!--` changes how
    // it is parsed; U+2028 and U+2029 end a line in older engines
    for c in ['<', '>', '\u{2028}', '\u{2029}'] {
        assert!(!script.contains(c), "search-index.js has a raw {c:?}");
    }
    let json = script
        .strip_prefix("window.PARTNERBOOK_SEARCH = ")
        .and_then(|r| r.strip_suffix(";\n"))
        .expect("one assignment");
    // a JSON text is a JavaScript expression with the same value
    let index: Json = serde_json::from_str(json).unwrap();
    let titles: Vec<&str> = index["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["t"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"AT&T <b>Q&A</b>"), "{titles:?}");
    assert!(titles.contains(&str_at(&record("payloads"), &["name"])));
    let att = index["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["t"] == "AT&T <b>Q&A</b>")
        .unwrap();
    assert_eq!(att["b"], "AT&T gets Q&A sessions with <b> as text.");
    let playbooks = index["playbooks"].as_array().unwrap();
    let pb = playbooks
        .iter()
        .find(|e| e["t"] == "AT&T Q&A <b>")
        .expect("the playbook, titled as written");
    assert_eq!(pb["m"], "AT&T and Q&A, <b> as text.");
    assert!(playbooks.iter().any(|e| e["t"]
        == "<script>alert('pb-title')</script> \" onmouseover=\"alert('pb-title') AT&T &lt;b&gt;"));
}

#[test]
fn the_sitemap_is_well_formed_xml_with_escaped_urls() {
    let s = injected();
    let xml = s.out("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap())
        .collect();
    let base = "https://intranet.example/partners&co/o'brien/";
    assert_eq!(locs.len(), 12, "every page but the 404 page");
    for loc in &locs {
        assert!(loc.starts_with(base), "{loc}");
    }
    assert!(locs.contains(&&*format!("{base}partners/payloads/index.html")));
    assert!(xml.contains("partners&amp;co/o&#39;brien/"), "{xml}");
}

// ---------------------------------------------------------------------------
// what the validator rejects, and serve's error panel

/// The fixture with payloads in values the validator rightly rejects: an
/// enum, a date, an unknown field, a playbook's tiers and partner slugs, a
/// file name.
fn rejected() -> Scratch {
    let s = Scratch::copy_of(&fixture("injection"));
    let path = s.site().join("content/partners/payloads.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "tier: strategic",
            "tier: \"<script>alert('tier')</script>\"\n\"<svg onload=alert('field')>\": x",
        )
        .replace(
            "last: 2026-09-30",
            "last: \"<img src=x onerror=alert('last')>\"",
        );
    std::fs::write(&path, text).unwrap();
    let pb = s.site().join("content/playbooks/att.md");
    let text = std::fs::read_to_string(&pb).unwrap();
    std::fs::write(
        &pb,
        text.replace(
            "partners: [att]",
            "partners: [att, \"</pre><script>alert('slug')</script>\"]",
        ),
    )
    .unwrap();
    let pb = s.site().join("content/playbooks/payloads.md");
    let text = std::fs::read_to_string(&pb).unwrap();
    std::fs::write(
        &pb,
        text.replace(
            "tiers: [strategic, casual]",
            "tiers: [strategic, \"javascript:alert('tiers')\"]",
        ),
    )
    .unwrap();
    s.write("content/partners/<script>.yaml", "name: x\n");
    s
}

/// What each rejected payload's diagnostic must show.
const REJECTED: [&str; 6] = [
    "tier: \"<script>alert('tier')</script>\"",
    "tiers: [strategic, \"javascript:alert('tiers')\"]",
    "\"<svg onload=alert('field')>\": x",
    "last: \"<img src=x onerror=alert('last')>\"",
    "</pre><script>alert('slug')</script>",
    "content/partners/<script>.yaml",
];

#[test]
fn rejected_payloads_are_reported_as_written_and_nothing_is_built() {
    let s = rejected();
    let out = s.build(&[]).code(1);
    let err = stderr(&out);
    for shown in REJECTED {
        assert!(err.contains(shown), "not shown: {shown}\n{err}");
    }
    assert!(!s.public().exists());
}

#[test]
fn serve_shows_diagnostics_with_payloads_as_text() {
    let s = rejected();
    let server = Server::start(&s.site(), &["-p", "0"]);
    let r = server.get("/");
    assert_eq!(r.status, 500);
    let doc = Html::parse_document(&r.body);
    let panel = text(&doc, "#partnerbook-diagnostics pre");
    for shown in REJECTED {
        assert!(panel.contains(shown), "not shown: {shown}\n{panel}");
    }
    // the one script is serve's own live reload; nothing else is live
    let scripts = texts(&doc, "script");
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    assert!(scripts[0].starts_with("/* partnerbook serve: live reload */"));
    for e in doc.root_element().descendent_elements() {
        assert!(
            !["img", "svg", "iframe"].contains(&e.value().name()),
            "{}",
            signature(e)
        );
        for (a, _) in e.value().attrs() {
            assert!(!a.starts_with("on"), "{}", signature(e));
        }
    }
}
