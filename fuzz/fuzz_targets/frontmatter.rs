//! A playbook: any bytes through the front-matter splitter, then through
//! the loader `pipeline::read::read_playbook` uses (UTF-8 check, split, YAML parse,
//! decode), then the whole-site checks (its `@/` links, its `partners`)
//! over a site of that playbook and one partner. Every diagnostic must
//! point inside the file, at the line it quotes, and render.

#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use partnerbook::{frontmatter, pipeline};
use partnerbook_fuzz::{Lines, NORTHWIND, check_diagnostic, check_site, seen_text};

const REL: &str = "content/playbooks/fuzzed.md";
const PARTNER: &str = "content/partners/northwind.yaml";

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes) {
        match frontmatter::split(text) {
            Ok(split) => {
                assert_eq!(split.body.end, text.len());
                assert!(text.get(split.body.clone()).is_some(), "{split:?}");
                if let Some(yaml) = split.yaml {
                    assert!(yaml.end <= split.body.start, "{yaml:?}");
                    assert!(text.get(yaml.clone()).is_some(), "{yaml:?}");
                    assert_eq!(text[..yaml.start].trim_end(), "---");
                }
            }
            Err(unclosed) => {
                assert!(text.get(unclosed.opening.clone()).is_some());
                assert!(text.starts_with("---"));
            }
        }
    }

    let read = pipeline::read::read_playbook_bytes(REL, "fuzzed", bytes.to_vec(), true);
    let text = seen_text(bytes, &read.file.text);
    let lines = Lines::new(&text);
    for d in &read.diagnostics {
        assert_eq!(d.file, REL);
        check_diagnostic(d, &lines);
    }
    if let Some(playbook) = &read.item {
        assert!(text.get(playbook.yaml.clone()).is_some());
        assert!(text.get(playbook.body.clone()).is_some());
    }
    if std::str::from_utf8(bytes).is_err() {
        assert!(read.item.is_none() && read.diagnostics.len() == 1);
        return;
    }
    let partner = pipeline::read::read_partner_bytes(PARTNER, "northwind", NORTHWIND.into(), false);
    assert!(partner.diagnostics.is_empty(), "{:?}", partner.diagnostics);
    let texts = HashMap::from([
        (REL.to_string(), text),
        (PARTNER.to_string(), NORTHWIND.to_string()),
    ]);
    check_site(
        vec![(PARTNER, "northwind", partner)],
        vec![(REL, "fuzzed", read)],
        &texts,
    );
});
