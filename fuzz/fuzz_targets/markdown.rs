//! Markdown: any text through the renderer with `@/` links resolved
//! against a few known pages, and through the helpers that share its
//! parser. With raw HTML off, the output must hold only the markup
//! Markdown makes: no other tag, no event handler, no live URL with a
//! scheme other than http, https, mailto or tel, no heading id twice.

#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerbook::markdown::{self, Context, Targets};
use partnerbook_fuzz::{BLOCKS, check_html};

fuzz_target!(|md: &str| {
    let targets = Targets {
        partners: ["northwind".to_string(), "contoso".to_string()].into(),
        playbooks: [
            "first-call".to_string(),
            "engagement/quarterly-review".to_string(),
        ]
        .into(),
        pretty_links: md.len().is_multiple_of(2),
        // a partner's edition turns links to pages it lacks into text
        edition: md.len().is_multiple_of(3),
    };
    let cx = Context {
        root: "../../",
        targets: &targets,
        allow_html: false,
        base: "playbooks/engagement",
    };

    let rendered = markdown::render(md, &cx);
    let tags = check_html(&rendered.html);
    // the table of contents lists the h2 and h3 ids, in order
    let headings: Vec<&str> = tags
        .iter()
        .filter(|t| !t.closing && (t.name == "h2" || t.name == "h3"))
        .filter_map(|t| t.attributes.iter().find(|(a, _)| a == "id"))
        .map(|(_, id)| id.as_str())
        .collect();
    let toc: Vec<&str> = rendered.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(toc, headings, "{}", rendered.html);
    check_html(&markdown::render_inline(md, &cx));
    let line = markdown::render_line(md, &cx);
    for tag in check_html(&line) {
        assert!(
            !BLOCKS.contains(&tag.name.as_str()),
            "<{}> in a line: {line}",
            tag.name
        );
    }

    for (dest, span) in markdown::internal_links(md) {
        assert!(dest.starts_with("@/"));
        let at = md
            .get(span.clone())
            .unwrap_or_else(|| panic!("{span:?} off the text"));
        assert!(!at.is_empty());
        if let Some(url) = targets.resolve(&dest) {
            let first = url.split(['/', '?', '#']).next().unwrap_or("");
            assert!(!first.contains(':'), "{dest} resolved to {url}");
        }
    }

    for allow_html in [false, true] {
        let plain = markdown::plain_text(md, allow_html);
        assert!(!plain.contains("  ") && plain.trim() == plain, "{plain:?}");
        // the text parsed once gives the same plain text
        let parsed = markdown::Parsed::new(md, allow_html);
        assert_eq!(parsed.plain_text(), plain);
    }
    // the broken-link check without parsing finds what the parser finds
    let resolves = |d: &str| targets.resolve(d).is_some();
    let parsed_broken: Vec<_> = markdown::internal_links(md)
        .into_iter()
        .filter(|(d, _)| !resolves(d))
        .collect();
    assert_eq!(markdown::broken_internal_links(md, resolves), parsed_broken);

    let plain = markdown::plain_text(md, false);
    let short = markdown::truncate(&plain, 40);
    assert!(short.chars().count() <= 41, "{short:?}");
    let anchor = markdown::anchor(md);
    assert!(!anchor.is_empty() && !anchor.contains(char::is_whitespace));

    // with raw HTML allowed nothing is promised about the markup, only
    // that it renders
    let _ = markdown::render(
        md,
        &Context {
            allow_html: true,
            ..cx
        },
    );
});
