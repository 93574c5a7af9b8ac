//! A partner record: any bytes through the loader `pipeline::read::read_partner`
//! uses (UTF-8 check, YAML parse, decode, span index), then the whole-site
//! checks over a site of that one record. Every diagnostic must point
//! inside the file, at the line it quotes, and render.

#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use partnerbook::pipeline;
use partnerbook_fuzz::{Lines, check_diagnostic, check_site, seen_text};

const REL: &str = "content/partners/fuzzed.yaml";

fuzz_target!(|bytes: &[u8]| {
    let read = pipeline::read::read_partner_bytes(REL, "fuzzed", bytes.to_vec(), true);
    let text = seen_text(bytes, &read.file.text);
    let lines = Lines::new(&text);
    for d in &read.diagnostics {
        assert_eq!(d.file, REL);
        check_diagnostic(d, &lines);
    }
    if std::str::from_utf8(bytes).is_err() {
        assert!(read.item.is_none() && read.diagnostics.len() == 1);
        return;
    }
    let texts = HashMap::from([(REL.to_string(), text)]);
    check_site(vec![(REL, "fuzzed", read)], Vec::new(), &texts);
});
