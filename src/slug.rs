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
}
