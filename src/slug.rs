//! Slugs: the URL names that partner records, playbooks and their folders
//! get from their file names.

/// Whether `s` is a valid slug: lowercase ASCII letters, digits and single
/// inner hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// The slug a file name stem normalises to: ASCII letters lowercased, runs of
/// spaces, underscores, dots and hyphens turned into one hyphen. Any other
/// character (accents, punctuation) cannot be normalised without guessing,
/// so it gives `None`.
pub(crate) fn normalize_slug(stem: &str) -> Option<String> {
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            ' ' | '_' | '.' | '-' => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
            _ => return None,
        }
    }
    let out = out.trim_end_matches('-').to_string();
    is_slug(&out).then_some(out)
}

/// Whether Windows reserves `slug` for a device: `con`, `prn`, `aux`,
/// `nul`, `com1` to `com9` and `lpt1` to `lpt9`. Windows, and so IIS and
/// a site unzipped on a laptop, cannot hold a folder of that name, in any
/// case and with any extension. A slug holds only ASCII, so the
/// superscript forms (`com¹`) never reach here: they are not slugs.
pub(crate) fn is_reserved(slug: &str) -> bool {
    match slug.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => (b'1'..=b'9').contains(d),
        _ => false,
    }
}

/// The slug (file name without `.yaml`) for a partner called `name`: its
/// letters and digits spelled in lowercase ASCII, and every other run of
/// characters (spaces, punctuation, symbols, emoji) turned into one hyphen.
/// Letters of any script are transliterated by `deunicode`: `Nguyễn` gives
/// `nguyen`, `東京` `dong-jing`, `Αθήνα` `athena`, `Straße` `strasse`.
/// `None` when nothing is left (`"🚀"`, `"&"`).
///
/// A slug Windows reserves gets `-partner` after it: `Con` gives
/// `con-partner`, since every build refuses `con.yaml`
/// ([`is_reserved`]); the record's `name` stays `Con`.
///
/// The result is always a slug that [`normalize_slug`] keeps
/// as it is, so the file is found under the name it was written with.
pub fn from_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    // a hyphen is written only once a letter or digit follows it
    let mut gap = false;
    let mut push = |ascii: &str, out: &mut String| {
        for c in ascii.chars() {
            if c.is_ascii_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push('-');
                }
                gap = false;
                out.push(c.to_ascii_lowercase());
            } else {
                gap = true;
            }
        }
    };
    for c in name.chars() {
        if c.is_ascii() {
            push(c.encode_utf8(&mut [0; 4]), &mut out);
            continue;
        }
        match deunicode::deunicode_char(c) {
            // a letter or digit of any script: `東` is "Dong ", a word of
            // its own; `ノ` is "no", joined to the kana around it
            Some(ascii) if c.is_alphanumeric() => push(ascii, &mut out),
            // an accent written apart (e + U+0301), a joiner, a soft
            // hyphen: part of the word it sits in
            Some("") => {}
            // a letter without an ASCII spelling is left out, like an accent
            None if c.is_alphanumeric() => {}
            // a space, a dash, a symbol or an emoji: a word break, not a
            // word (deunicode would spell 🚀 as "rocket")
            _ => push(" ", &mut out),
        }
    }
    if is_reserved(&out) {
        out.push_str("-partner");
    }
    is_slug(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("northwind-2"));
        assert!(!is_slug("North"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
    }

    #[test]
    fn windows_reserved_slugs() {
        for slug in ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"] {
            assert!(is_reserved(slug), "{slug}");
        }
        for slug in [
            "com0",
            "lpt0",
            "com10",
            "cons",
            "con-partners",
            "icon",
            "nul1",
            "com",
        ] {
            assert!(!is_reserved(slug), "{slug}");
        }
        // `Con.yaml` and `CON .yaml` make the slug `con`; `con.backup`
        // makes `con-backup`, a folder Windows can hold
        assert!(is_reserved(&normalize_slug("CON ").unwrap()));
        assert!(!is_reserved(&normalize_slug("con.backup").unwrap()));
        assert_eq!(normalize_slug("com¹"), None);
    }

    #[test]
    fn normalising_file_names() {
        assert_eq!(
            normalize_slug("Northwind Integration").as_deref(),
            Some("northwind-integration")
        );
        assert_eq!(normalize_slug("acme_corp").as_deref(), Some("acme-corp"));
        assert_eq!(normalize_slug("a -- b").as_deref(), Some("a-b"));
        assert_eq!(normalize_slug("café"), None);
        assert_eq!(normalize_slug("../etc"), None);
        assert_eq!(normalize_slug("---"), None);
        assert_eq!(normalize_slug(""), None);
    }

    #[test]
    fn names_give_slugs_walk_keeps() {
        for (name, slug) in [
            ("Cobalt Ridge Distribution", "cobalt-ridge-distribution"),
            ("  Northwind  ", "northwind"),
            ("AT&T", "at-t"),
            ("3M", "3m"),
            ("--acme--corp--", "acme-corp"),
            ("Bjørn's Tools", "bjorn-s-tools"),
            ("Ærø Å/S", "aero-a-s"),
            ("ÉCOLE", "ecole"),
            // accents, precomposed or written apart (e + U+0301)
            ("Café Nord", "cafe-nord"),
            ("Cafe\u{301} Nord", "cafe-nord"),
            // Vietnamese, precomposed and decomposed
            ("Nguyễn Trading", "nguyen-trading"),
            ("Nguye\u{302}\u{303}n Trading", "nguyen-trading"),
            ("Đà Nẵng Logistics", "da-nang-logistics"),
            // Japanese: each kanji is a word, kana join into words
            ("東京 Systems", "dong-jing-systems"),
            ("Tōkyō 東京 Partners", "tokyo-dong-jing-partners"),
            ("ノーザン・ウィンド", "nozan-uindo"),
            // Greek, Cyrillic
            ("Αθήνα Partners", "athena-partners"),
            ("Москва Трейд", "moskva-treid"),
            // German: deunicode folds ü to u, not ue
            ("Müller Straße", "muller-strasse"),
            ("Müller & Söhne GmbH", "muller-sohne-gmbh"),
            // emoji and symbols are word breaks, not words
            ("Rocket 🚀 Labs", "rocket-labs"),
            ("🚀Labs", "labs"),
            ("Acme™ ©2026", "acme-2026"),
            // a zero-width joiner or a soft hyphen is inside a word
            ("Nord\u{ad}wind", "nordwind"),
            // names Windows reserves for devices get a suffix
            ("Con", "con-partner"),
            ("AUX", "aux-partner"),
            ("COM1", "com1-partner"),
            ("Con Edison", "con-edison"),
        ] {
            assert_eq!(from_name(name).as_deref(), Some(slug), "{name:?}");
            assert_eq!(
                normalize_slug(slug).as_deref(),
                Some(slug),
                "walk must keep {slug:?}"
            );
        }
        for name in [
            "",
            "   ",
            "&",
            "---",
            "\u{301}",
            "🚀",
            "🚀🎉 ✨",
            "\u{10FFFD}",
        ] {
            assert_eq!(from_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn every_character_gives_a_slug_walk_keeps() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let name = format!("a{c}b");
            let slug = from_name(&name).unwrap_or_else(|| panic!("{name:?} gave no slug"));
            assert_eq!(
                normalize_slug(&slug).as_deref(),
                Some(slug.as_str()),
                "{name:?}"
            );
        }
    }
}
