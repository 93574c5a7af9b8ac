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
            ("NAME", &yaml_scalar(name)),
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

/// `text` as a YAML scalar that reads back as exactly `text`: plain when
/// that is safe, quoted otherwise (`"yes"`, `"Acme: East"`, `"#1 Partners"`).
fn yaml_scalar(text: &str) -> String {
    let plain = serde_yaml::to_string(text).unwrap_or_default();
    let plain = plain.trim_end_matches('\n');
    let reads_back =
        serde_yaml::from_str::<serde_yaml::Value>(plain).is_ok_and(|v| v.as_str() == Some(text));
    if !plain.contains('\n') && reads_back {
        plain.to_string()
    } else {
        // a JSON string is a YAML double-quoted scalar
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// Letters with accents (and a few others) that have an obvious ASCII
/// spelling in a URL.
const FOLDED: &[(char, &str)] = &[
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('ä', "a"),
    ('å', "a"),
    ('ā', "a"),
    ('ą', "a"),
    ('æ', "ae"),
    ('ç', "c"),
    ('ć', "c"),
    ('č', "c"),
    ('ď', "d"),
    ('đ', "d"),
    ('ð', "d"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('ē', "e"),
    ('ę', "e"),
    ('ě', "e"),
    ('ğ', "g"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('ī', "i"),
    ('ı', "i"),
    ('ł', "l"),
    ('ñ', "n"),
    ('ń', "n"),
    ('ň', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('ö', "o"),
    ('ø', "o"),
    ('ō', "o"),
    ('ő', "o"),
    ('œ', "oe"),
    ('ř', "r"),
    ('ś', "s"),
    ('š', "s"),
    ('ş', "s"),
    ('ß', "ss"),
    ('ť', "t"),
    ('þ', "th"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('ū', "u"),
    ('ů', "u"),
    ('ű', "u"),
    ('ý', "y"),
    ('ÿ', "y"),
    ('ź', "z"),
    ('ż', "z"),
    ('ž', "z"),
];

/// The slug (file name without `.yaml`) for a partner called `name`:
/// lowercase ASCII letters and digits, accents folded (`é` to `e`, `ß` to
/// `ss`), other letters dropped, and every other run of characters turned
/// into one hyphen. `None` when nothing is left (`"東京"`, `"&"`).
///
/// The result is always a slug that [`crate::walk::normalize_slug`] keeps
/// as it is, so the file is found under the name it was written with.
pub fn slugify(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    // a hyphen is written only once a letter or digit follows it
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let ascii = if c.is_ascii_alphanumeric() {
            Some(c.encode_utf8(&mut [0; 4]).to_string())
        } else {
            FOLDED
                .iter()
                .find(|(k, _)| *k == c)
                .map(|(_, s)| s.to_string())
        };
        if let Some(ascii) = ascii {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push_str(&ascii);
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            // a letter without an obvious ASCII spelling, or the accent of a
            // decomposed letter (e + U+0301): dropped, not a word break
        } else {
            gap = true;
        }
    }
    crate::walk::is_slug(&out).then_some(out)
}

/// Whether `c` is a combining diacritical mark (an accent written as a
/// separate character after its letter).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
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
            ("Café Nord", "cafe-nord"),
            ("Cafe\u{301} Nord", "cafe-nord"),
            ("Müller & Söhne GmbH", "muller-sohne-gmbh"),
            ("Straße 42", "strasse-42"),
            ("Ærø Å/S", "aero-a-s"),
            ("Bjørn's Tools", "bjorn-s-tools"),
            ("3M", "3m"),
            ("--acme--corp--", "acme-corp"),
            ("Tōkyō 東京 Partners", "tokyo-partners"),
            ("ÉCOLE", "ecole"),
        ] {
            assert_eq!(slugify(name).as_deref(), Some(slug), "{name:?}");
            assert_eq!(
                crate::walk::normalize_slug(slug).as_deref(),
                Some(slug),
                "walk must keep {slug:?}"
            );
        }
        for name in ["", "   ", "&", "東京", "---", "\u{301}"] {
            assert_eq!(slugify(name), None, "{name:?}");
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
            let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            let read = match &value["name"] {
                serde_yaml::Value::String(s) => s.clone(),
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
