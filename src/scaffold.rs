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
    // the plan's dates follow the day of `init`: one step done last week,
    // the others due no sooner than the 90-day review, so the example warns
    // about nothing (no `step-overdue` either) until its review is due
    let day = |days: i64| {
        today
            .saturating_add(jiff::Span::new().days(days))
            .to_string()
    };
    fill(
        EXAMPLE_PARTNER,
        &[
            ("TODAY", &today.to_string()),
            ("DONE_1", &day(-7)),
            ("DUE_1", &day(-3)),
            ("DUE_2", &day(90)),
            ("DUE_3", &day(150)),
        ],
    )
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
