//! Playbooks (`content/playbooks/**/*.md`): front matter and body.

use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic};
use crate::frontmatter;
use crate::record::Tier;
use crate::source::SourceFile;
use crate::yaml::decode::{self, Decoder};
use crate::yaml::{self, Issue, Seg, Target};

/// One playbook.
#[derive(Debug, Clone)]
pub struct Playbook {
    /// The URL path below `playbooks/`, e.g. `engagement/quarterly-review`.
    pub path: String,
    /// Index of its file in the site's sources.
    pub source: usize,
    /// The title.
    pub title: String,
    /// A one-line summary (Markdown).
    pub summary: Option<String>,
    /// Sort order, lowest first; then by title.
    pub weight: i64,
    /// The tiers it applies to.
    pub tiers: Vec<Tier>,
    /// The partner slugs it applies to.
    pub partners: Vec<String>,
    /// Whether it is a draft.
    pub draft: bool,
    /// Whether it may go into a partner's own edition.
    pub share: bool,
    /// Byte range of the front matter's YAML in the file.
    pub yaml: Range<usize>,
    /// Byte range of the Markdown body in the file.
    pub body: Range<usize>,
}

/// The front-matter fields.
pub const FIELDS: &[&str] = &[
    "title", "summary", "weight", "tiers", "partners", "draft", "share",
];

/// Reads a playbook. Returns `None` for a draft when drafts are not wanted,
/// or when the file cannot be read at all; diagnostics for every problem.
pub fn decode(
    file: &SourceFile,
    source: usize,
    path: &str,
    drafts: bool,
) -> (Option<Playbook>, Vec<Diagnostic>) {
    let split = match frontmatter::split(&file.text) {
        Ok(split) => split,
        Err(unclosed) => {
            let d = Diagnostic::new(
                Code::InvalidYaml,
                file,
                unclosed.opening,
                format!("the front matter of {} is never closed", file.path),
                "front matter opens here",
                "end the front matter with a line holding only `---`",
            );
            return (None, vec![d]);
        }
    };
    let Some(yaml_range) = split.yaml else {
        if let Some(toml) = frontmatter::toml(&file.text) {
            return (None, vec![toml_diagnostic(file, toml)]);
        }
        let d = Diagnostic::new(
            Code::MissingField,
            file,
            0..0,
            format!("{} has no front matter with a `title`", file.path),
            "add front matter here",
            "start the file with three lines: `---`, `title: Your playbook's title`, `---`",
        );
        return (None, vec![d]);
    };
    let yaml_text = &file.text[yaml_range.clone()];
    let value = match yaml::parse(file, yaml_text, yaml_range.start) {
        Ok(v) => v,
        Err(d) => return (None, vec![*d]),
    };
    let mut d = Decoder::new("the front matter", yaml_text);
    let help = "front matter is a YAML mapping: `title: ...`, `summary: ...`";
    let empty = yaml::Mapping::new();
    let map = match d.as_mapping(&value, &[], "the front matter", help) {
        Some(m) => m,
        None if value.is_null() => &empty,
        None => {
            return (
                None,
                yaml::diagnostics(file, yaml_text, yaml_range.start, d.issues),
            );
        }
    };
    let draft = d.flag(map, &[], "draft").unwrap_or(false);
    if draft && !drafts {
        return (None, Vec::new());
    }
    d.unknown_keys(map, &[], FIELDS, &[]);
    let title = d.required_text(
        map,
        &[],
        "title",
        "give the playbook a title: `title: Before the first call`",
    );
    let tiers = decode_tiers(&mut d, map);
    let playbook = Playbook {
        path: path.to_string(),
        source,
        title: title.unwrap_or_else(|| path.to_string()),
        summary: d.text(map, &[], "summary"),
        weight: d.integer(map, &[], "weight").unwrap_or(0),
        tiers,
        partners: d.text_list(map, &[], "partners"),
        draft,
        share: d.flag(map, &[], "share").unwrap_or(false),
        yaml: yaml_range.clone(),
        body: split.body,
    };
    let diagnostics = yaml::diagnostics(file, yaml_text, yaml_range.start, d.issues);
    (Some(playbook), diagnostics)
}

fn decode_tiers(d: &mut Decoder<'_>, map: &yaml::Mapping) -> Vec<Tier> {
    let path = vec![Seg::Key("tiers".into())];

    let mut tiers = Vec::new();
    for (i, item) in d.list(map, &[], "tiers").iter().enumerate() {
        if let Some(t) = d.choice_value(item, &decode::index(&path, i), Tier::CHOICES)
            && !tiers.contains(&t)
        {
            tiers.push(t);
        }
    }
    tiers
}

/// An issue about the `partners` list of a playbook's front matter: a slug
/// that names no published partner.
pub fn unknown_partner(index: usize, slug: &str, suggestion: Option<&str>) -> Issue {
    let (label, help) = match suggestion {
        Some(s) => (
            format!("did you mean `{s}`?"),
            format!("use the partner's slug, the file name without .yaml: `{s}`"),
        ),
        None => (
            "no partner has this slug".to_string(),
            "use a partner's slug: its file name in content/partners/ without .yaml".to_string(),
        ),
    };
    Issue::new(
        Code::BrokenLink,
        vec![Seg::Key("partners".into()), Seg::Index(index)],
        Target::Value,
        format!("this playbook applies to partner `{slug}`, which does not exist"),
        label,
        help,
    )
}

/// The diagnostic for TOML front matter: what partnerbook reads instead,
/// and how to convert, with the file's own first line as the example.
fn toml_diagnostic(file: &SourceFile, toml: frontmatter::Toml) -> Diagnostic {
    let example = match &toml.example {
        Some((toml, yaml)) => format!("`{toml}` becomes `{yaml}`"),
        None => "`title = \"The first call\"` becomes `title: The first call`".to_string(),
    };
    Diagnostic::new(
        Code::InvalidYaml,
        file,
        toml.opening,
        format!(
            "{} has TOML front matter (`+++`); partnerbook reads YAML front matter between `---` lines",
            file.path
        ),
        "TOML front matter opens here",
        format!(
            "replace both `+++` lines with `---`, and write each `key = value` line as `key: value`: {example}"
        ),
    )
}
