//! What `init` and `new partner` write, and what `schema` prints: the
//! templates of a new site and a new partner record, the JSON Schemas, and
//! the partner's file name (slug) made from its name.
//!
//! The texts live next to this file (`src/scaffold/`, `src/schema/`) and are
//! compiled in, so a new site needs nothing but the binary.

use std::path::Path;

/// The JSON Schema (draft-07) of a partner record.
pub const PARTNER_SCHEMA: &str = include_str!("schema/partner.schema.json");
/// The JSON Schema (draft-07) of `partnerbook.yaml`.
pub const CONFIG_SCHEMA: &str = include_str!("schema/partnerbook.schema.json");
/// Where a site keeps the partner schema, relative to its root.
pub const PARTNER_SCHEMA_PATH: &str = "schemas/partner.schema.json";
/// Where a site keeps the configuration schema, relative to its root.
pub const CONFIG_SCHEMA_PATH: &str = "schemas/partnerbook.schema.json";

/// `partnerbook.yaml` of a new site: every key, with comments.
pub const CONFIG: &str = include_str!("scaffold/config.yaml");
/// The example playbook of a new site.
pub const EXAMPLE_PLAYBOOK: &str = include_str!("scaffold/example-playbook.md");
/// Where the example playbook goes.
pub const EXAMPLE_PLAYBOOK_PATH: &str = "content/playbooks/first-call.md";
/// Where the example partner goes; the playbook links to this slug.
pub const EXAMPLE_PARTNER_PATH: &str = "content/partners/ledgerline-accounting.yaml";
/// `.vscode/settings.json`: maps the schemas to the files they describe,
/// for the YAML extension of Visual Studio Code.
pub const VSCODE_SETTINGS: &str = include_str!("scaffold/settings.json");
/// `.gitignore` of a new site: the output is built, not written.
pub const GITIGNORE: &str = "public/\n";

const PARTNER_TEMPLATE: &str = include_str!("scaffold/partner.yaml");
const EXAMPLE_PARTNER: &str = include_str!("scaffold/example-partner.yaml");

/// The example partner of a new site, reviewed on `today` so that it is not
/// overdue for months.
pub fn example_partner(today: jiff::civil::Date) -> String {
    fill(EXAMPLE_PARTNER, &[("TODAY", &today.to_string())])
}

/// The commented record `new partner` writes for `name` (one line, not
/// blank): every field, explained, with the required ones left for the
/// author, so that `check` points at each of them.
pub fn partner_template(name: &str, today: jiff::civil::Date) -> String {
    fill(
        PARTNER_TEMPLATE,
        &[
            ("NAME", &crate::yaml::scalar(name)),
            ("COMMENT_NAME", name),
            ("TODAY", &today.to_string()),
        ],
    )
}

/// `template` with each `{{KEY}}` replaced by its value, in one pass, so a
/// value that itself contains `{{...}}` is left as it is.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after
            .find("}}")
            .and_then(|end| Some((end, values.iter().find(|(k, _)| *k == &after[..end])?)))
        {
            Some((end, (_, value))) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
/// ([`crate::slug::is_reserved`]); the record's `name` stays `Con`.
///
/// The result is always a slug that [`crate::slug::normalize_slug`] keeps
/// as it is, so the file is found under the name it was written with.
pub fn slugify(name: &str) -> Option<String> {
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
    if crate::slug::is_reserved(&out) {
        out.push_str("-partner");
    }
    crate::slug::is_slug(&out).then_some(out)
}

/// `path` for a message: relative paths as given, shell-quoted when they
/// hold anything but letters, digits and `/._-`, so they can be pasted
/// after `cd`.
pub fn shell_path(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
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
            assert_eq!(slugify(name).as_deref(), Some(slug), "{name:?}");
            assert_eq!(
                crate::slug::normalize_slug(slug).as_deref(),
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
            assert_eq!(slugify(name), None, "{name:?}");
        }
    }

    #[test]
    fn every_character_gives_a_slug_walk_keeps() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let name = format!("a{c}b");
            let slug = slugify(&name).unwrap_or_else(|| panic!("{name:?} gave no slug"));
            assert_eq!(
                crate::slug::normalize_slug(&slug).as_deref(),
                Some(slug.as_str()),
                "{name:?}"
            );
        }
    }

    #[test]
    fn names_read_back_exactly() {
        for name in [
            "Cobalt Ridge",
            "yes",
            "3M",
            "42",
            "Acme: East",
            "#1 Partners",
            "O'Brien & Sons",
            "\"Quoted\"",
            "- dash",
            "null",
            "~",
            "@home",
            "a\\b",
        ] {
            let text = partner_template(name, jiff::civil::date(2026, 1, 2));
            let file = crate::source::SourceFile {
                path: "x.yaml".to_string(),
                text: text.clone(),
            };
            let value = crate::yaml::parse(&file, &text, 0).unwrap();
            let read = match &value["name"] {
                crate::yaml::Value::String(s) => s.clone(),
                other => panic!("{name:?} read back as {other:?}"),
            };
            assert_eq!(read, name);
        }
    }

    #[test]
    fn shell_paths() {
        assert_eq!(shell_path(Path::new("my-site")), "my-site");
        assert_eq!(shell_path(Path::new("my site")), "'my site'");
        assert_eq!(shell_path(Path::new("it's")), r"'it'\''s'");
    }
}
