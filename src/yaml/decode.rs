//! Reading typed fields out of a parsed YAML mapping while collecting every
//! problem, instead of stopping at the first as `serde` derive would.
//!
//! Text fields show what the author wrote. YAML reads a plain (unquoted)
//! `TRUE` as a boolean and `5.10` as the number 5.1; for a text field the
//! decoder takes such a value's characters from the source instead. Those
//! values are rare, so the span index that knows the characters is built
//! only for a file that has one in a text field.

use serde_yaml::{Mapping, Value};

use crate::diagnostic::Code;
use crate::yaml::{Issue, PathDisplay, Seg, SpanIndex, Target, YamlPath};

/// Collects the issues found while decoding one file.
#[derive(Debug, Default)]
pub(crate) struct Decoder<'t> {
    /// Everything found so far.
    pub issues: Vec<Issue>,
    /// What the whole document is, for messages about its top level
    /// ("a partner record", "partnerbook.yaml").
    pub document: &'static str,
    /// The YAML text the value was parsed from: where text fields find
    /// their characters as written. Empty when it is not known; values are
    /// then shown as YAML read them.
    pub text: &'t str,
    /// The span index of `text`, built at its first use.
    spans: Option<SpanIndex>,
}

/// `map[key]`, found by comparing the keys: a record's mappings have a few
/// dozen keys at most, and comparing short strings is cheaper than hashing
/// a YAML value the way `Mapping::get` does (which was a tenth of `check`).
pub(crate) fn get<'m>(map: &'m Mapping, key: &str) -> Option<&'m Value> {
    if map.len() > 32 {
        return map.get(key);
    }
    map.iter().find_map(|(k, v)| match k {
        Value::String(s) if s == key => Some(v),
        _ => None,
    })
}

/// `path` with `key` appended.
pub(crate) fn child(path: &[Seg], key: &str) -> YamlPath {
    let mut p = path.to_vec();
    p.push(Seg::Key(key.to_string()));
    p
}

/// `path` with index `i` appended.
pub(crate) fn index(path: &[Seg], i: usize) -> YamlPath {
    let mut p = path.to_vec();
    p.push(Seg::Index(i));
    p
}

/// What a YAML value is, as a user would say it.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The closest of `candidates` to `name`, if it is close enough to be a
/// likely typo.
pub(crate) fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase().replace(['-', ' '], "_");
    let len = lower.chars().count();
    candidates
        .iter()
        // the length check first: a distance is costly and most names are far off
        .filter(|c| c.len().abs_diff(len) <= (c.len() / 3).max(1))
        .map(|c| {
            (
                strsim::osa_distance(&lower, &c.to_lowercase().replace(['-', ' '], "_")),
                *c,
            )
        })
        .filter(|(d, c)| *d <= (c.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The plain scalars YAML reads as null (serde_yaml's rule, as in YAML 1.2).
const NULLS: [&str; 4] = ["~", "null", "Null", "NULL"];

/// Text of a scalar as YAML read it (`5.10` is `5.1`); see
/// [`Decoder::written`] for the characters as written.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl<'t> Decoder<'t> {
    /// A decoder for `document` (see [`Decoder::document`]), parsed from
    /// `text`.
    pub(crate) fn new(document: &'static str, text: &'t str) -> Decoder<'t> {
        Decoder {
            document,
            text,
            ..Decoder::default()
        }
    }

    /// Records an issue.
    pub(crate) fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    /// The characters of the plain scalar at `path` as written, if `value`
    /// (the value YAML read there) is one. `None` when the text or its span
    /// index does not confirm it, so that a wrong span can never replace a
    /// value with other text.
    fn written(&mut self, path: &[Seg], value: &Value) -> Option<String> {
        let text = self.text;
        if text.is_empty() {
            return None;
        }
        let index = self.spans.get_or_insert_with(|| SpanIndex::build(text));
        let raw = text.get(index.plain(path)?)?;
        let confirmed = match value {
            Value::Null => NULLS.contains(&raw),
            Value::Bool(_) | Value::Number(_) => {
                serde_yaml::from_str::<Value>(raw).is_ok_and(|v| v == *value)
            }
            _ => false,
        };
        confirmed.then(|| raw.to_string())
    }

    /// The text of the `i`th key of the mapping at `path`, whose value YAML
    /// read as `key`: as written, even when YAML read a number or a boolean.
    pub(crate) fn key_text(&mut self, path: &[Seg], i: usize, key: &Value) -> String {
        if let Value::String(s) = key {
            return s.clone();
        }
        let text = self.text;
        if !text.is_empty() {
            let index = self.spans.get_or_insert_with(|| SpanIndex::build(text));
            if let Some(raw) = index.keys(path).get(i)
                && serde_yaml::from_str::<Value>(raw).is_ok_and(|v| v == *key)
            {
                return raw.clone();
            }
        }
        scalar_text(key).unwrap_or_else(|| kind_of(key).to_string())
    }

    /// The value at `path` must be a mapping; reports `invalid-value` otherwise.
    /// `what` names it in the message ("a partner record", "`proposition`").
    pub(crate) fn as_mapping<'v>(
        &mut self,
        value: &'v Value,
        path: &[Seg],
        what: &str,
        help: &str,
    ) -> Option<&'v Mapping> {
        match value {
            Value::Mapping(m) => Some(m),
            Value::Null => None,
            other => {
                self.push(Issue::new(
                    Code::InvalidValue,
                    path.to_vec(),
                    Target::Value,
                    format!("{what} must be a mapping of fields, not {}", kind_of(other)),
                    "expected `field: value` lines",
                    help,
                ));
                None
            }
        }
    }

    /// Reports every key of `map` that is not in `known`, with a suggestion
    /// when one is close, or when the key belongs one level down (`moved`
    /// lists such parents and their fields).
    pub(crate) fn unknown_keys(
        &mut self,
        map: &Mapping,
        path: &[Seg],
        known: &[&str],
        moved: &[(&str, &[&str])],
    ) {
        for (i, key) in map.keys().enumerate() {
            if let Value::String(s) = key
                && known.contains(&s.as_str())
            {
                continue;
            }
            let name = self.key_text(path, i, key);
            if known.contains(&name.as_str()) {
                continue;
            }
            let where_ = if path.is_empty() {
                self.document.to_string()
            } else {
                format!("`{}`", PathDisplay(path))
            };
            let (label, help) = if let Some((parent, _)) = moved
                .iter()
                .find(|(_, fields)| fields.contains(&name.as_str()))
            {
                (
                    format!("`{name}` belongs under `{parent}`"),
                    format!("indent it under `{parent}:` (as `{parent}.{name}`)"),
                )
            } else if let Some(s) = did_you_mean(&name, known) {
                (
                    format!("did you mean `{s}`?"),
                    format!(
                        "rename it to `{s}`; the fields here are: {}",
                        known.join(", ")
                    ),
                )
            } else {
                (
                    "unknown field".to_string(),
                    format!(
                        "remove it, or use one of the fields here: {}",
                        known.join(", ")
                    ),
                )
            };
            self.push(Issue::new(
                Code::UnknownField,
                child(path, &name),
                Target::Key,
                format!("unknown field `{name}` in {where_}"),
                label,
                help,
            ));
        }
    }

    /// Optional text at `map[key]`. Blank text counts as absent.
    pub(crate) fn text(&mut self, map: &Mapping, path: &[Seg], key: &str) -> Option<String> {
        let value = get(map, key)?;
        self.text_at(value, || child(path, key))
            .filter(|s| !s.trim().is_empty())
    }

    /// Text of `value` (at `path`), reporting anything that is not a scalar.
    pub(crate) fn text_value(&mut self, value: &Value, path: &[Seg]) -> Option<String> {
        self.text_at(value, || path.to_vec())
    }

    /// [`Decoder::text_value`], with the path made only for a report: most
    /// values are fine, and a path is an allocation per step.
    fn text_at(&mut self, value: &Value, path: impl FnOnce() -> YamlPath) -> Option<String> {
        match value {
            Value::String(s) => return Some(s.clone()),
            Value::Null => return None,
            Value::Bool(_) | Value::Number(_) => {
                let path = path();
                return self.written(&path, value).or_else(|| scalar_text(value));
            }
            _ => {}
        }
        let text = scalar_text(value);
        if text.is_none() {
            let path = path();
            self.push(Issue::new(
                Code::InvalidValue,
                path.clone(),
                Target::Value,
                format!(
                    "`{}` must be text, not {}",
                    PathDisplay(&path),
                    kind_of(value)
                ),
                "expected text",
                "write the value as text on the same line, or as a `|` block below the key",
            ));
        }
        text
    }

    /// Required text at `map[key]`: absent or blank is `missing-field`.
    pub(crate) fn required_text(
        &mut self,
        map: &Mapping,
        path: &[Seg],
        key: &str,
        help: &str,
    ) -> Option<String> {
        let before = self.issues.len();
        let text = self.text(map, path, key);
        // a value of the wrong type was reported already
        if text.is_none() && self.issues.len() == before {
            let p = child(path, key);
            if let Some(null) = get(map, key).filter(|v| v.is_null())
                && let Some(raw) = self.written(&p, null)
            {
                let field = PathDisplay(&p).to_string();
                self.push(Issue::new(
                    Code::MissingField,
                    p,
                    Target::Value,
                    format!("required field `{field}` is `{raw}`, which YAML reads as no value"),
                    "no value",
                    format!("{help}; to show `{raw}` itself, quote it: `{key}: '{raw}'`"),
                ));
                return None;
            }
            let present = get(map, key).is_some_and(|v| !v.is_null());
            let (target, label) = if present {
                (Target::Value, "this is blank")
            } else {
                (Target::Absent, "add it here")
            };
            let field = PathDisplay(&p).to_string();
            self.push(Issue::new(
                Code::MissingField,
                p,
                target,
                format!(
                    "required field `{field}` is {}",
                    if present { "blank" } else { "missing" }
                ),
                format!("{label}: `{key}`"),
                help,
            ));
        }
        text
    }

    /// A list of texts at `map[key]`; absent is empty. An item written
    /// `~` or `null` is that text: a single field so written has no value,
    /// but an item with no value means nothing, so the characters are kept
    /// rather than dropped. An empty `-` item (nothing written) is skipped.
    pub(crate) fn text_list(&mut self, map: &Mapping, path: &[Seg], key: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for (i, v) in self.list(map, path, key).iter().enumerate() {
            let text = if v.is_null() {
                self.written(&index(&child(path, key), i), v)
            } else {
                self.text_at(v, || index(&child(path, key), i))
            };
            texts.extend(text.filter(|s| !s.trim().is_empty()));
        }
        texts
    }

    /// The items of the list at `map[key]`; absent or null is empty, and
    /// anything else is reported.
    pub(crate) fn list<'v>(&mut self, map: &'v Mapping, path: &[Seg], key: &str) -> &'v [Value] {
        match get(map, key) {
            None | Some(Value::Null) => &[],
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                let p = child(path, key);
                self.push(Issue::new(
                    Code::InvalidValue,
                    p.clone(),
                    Target::Value,
                    format!(
                        "`{}` must be a list, not {}",
                        PathDisplay(&p),
                        kind_of(other)
                    ),
                    "expected a list",
                    format!(
                        "write it as a list: `{key}: [first, second]`, or one `- item` per line"
                    ),
                ));
                &[]
            }
        }
    }

    /// One of `choices` at `map[key]`; absent is `None`.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        map: &Mapping,
        path: &[Seg],
        key: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let value = get(map, key)?;
        self.choice_at(value, || child(path, key), choices)
    }

    /// One of `choices` for `value` at `path`.
    pub(crate) fn choice_value<T: Copy>(
        &mut self,
        value: &Value,
        path: &[Seg],
        choices: &[(&str, T)],
    ) -> Option<T> {
        self.choice_at(value, || path.to_vec(), choices)
    }

    /// [`Decoder::choice_value`], with the path made only for a report.
    fn choice_at<T: Copy>(
        &mut self,
        value: &Value,
        path: impl FnOnce() -> YamlPath,
        choices: &[(&str, T)],
    ) -> Option<T> {
        if value.is_null() {
            return None;
        }
        if let Value::String(s) = value
            && let Some((_, v)) = choices.iter().find(|(n, _)| n == s)
        {
            return Some(*v);
        }
        let path = path();
        // a choice is a word, so `tier: TRUE` is refused, and shown as written
        let text = match value {
            Value::String(s) => s.clone(),
            other => self
                .written(&path, other)
                .or_else(|| scalar_text(other))
                .unwrap_or_default(),
        };
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        let label = match did_you_mean(&text, &names) {
            Some(s) if !text.is_empty() => format!("did you mean `{s}`?"),
            _ => "not one of the allowed values".to_string(),
        };
        let shown = if text.is_empty() {
            kind_of(value).to_string()
        } else {
            format!("`{text}`")
        };
        self.push(Issue::new(
            Code::InvalidValue,
            path.clone(),
            Target::Value,
            format!("{shown} is not a valid `{}`", field_name(&path)),
            label,
            format!("use one of: {}", names.join(", ")),
        ));
        None
    }

    /// The value at `map[key]` read by `read`; absent or null is `None`, and
    /// a value `read` refuses is reported as not being `expected`.
    fn scalar<T>(
        &mut self,
        map: &Mapping,
        path: &[Seg],
        key: &str,
        read: impl Fn(&Value) -> Option<T>,
        expected: &str,
        help: String,
    ) -> Option<T> {
        let value = get(map, key).filter(|v| !v.is_null())?;
        let read = read(value);
        if read.is_none() {
            let p = child(path, key);
            let shown =
                scalar_text(value).map_or_else(|| kind_of(value).to_string(), |t| format!("`{t}`"));
            self.push(Issue::new(
                Code::InvalidValue,
                p.clone(),
                Target::Value,
                format!("`{}` must be {expected}, not {shown}", PathDisplay(&p)),
                format!("expected {expected}"),
                help,
            ));
        }
        read
    }

    /// A whole number of 0 or more at `map[key]`; absent is `None`.
    pub(crate) fn count(&mut self, map: &Mapping, path: &[Seg], key: &str) -> Option<u64> {
        let help = format!("write a number of 0 or more, for example `{key}: 90`");
        self.scalar(
            map,
            path,
            key,
            // "90" in quotes is as clear as 90
            |v: &Value| v.as_u64().or_else(|| v.as_str()?.trim().parse().ok()),
            "a whole number of 0 or more",
            help,
        )
    }

    /// A whole number, possibly negative (a playbook's `weight`).
    pub(crate) fn integer(&mut self, map: &Mapping, path: &[Seg], key: &str) -> Option<i64> {
        let help = format!("write a whole number, for example `{key}: 10`");
        let read = |v: &Value| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok());
        self.scalar(map, path, key, read, "a whole number", help)
    }

    /// `true` or `false` at `map[key]`; absent is `None`.
    pub(crate) fn flag(&mut self, map: &Mapping, path: &[Seg], key: &str) -> Option<bool> {
        let help = format!("write `{key}: true` or `{key}: false`");
        self.scalar(map, path, key, Value::as_bool, "true or false", help)
    }

    /// A calendar date `YYYY-MM-DD` at `map[key]`.
    pub(crate) fn date(
        &mut self,
        map: &Mapping,
        path: &[Seg],
        key: &str,
    ) -> Option<jiff::civil::Date> {
        let value = get(map, key)?;
        if value.is_null() {
            return None;
        }
        let text = scalar_text(value).unwrap_or_default();
        let parsed = (text.len() == 10)
            .then(|| text.parse::<jiff::civil::Date>().ok())
            .flatten();
        if parsed.is_none() {
            let p = child(path, key);
            self.push(Issue::new(
                Code::InvalidValue,
                p.clone(),
                Target::Value,
                format!("`{}` is not a valid date", PathDisplay(&p)),
                "expected a date like 2026-09-30",
                "write the date as YYYY-MM-DD, a real day of the calendar",
            ));
        }
        parsed
    }
}

/// The last key of a path, for messages about a value.
fn field_name(path: &[Seg]) -> String {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_for_typos_only() {
        let known = ["partner_benefit", "customer_benefit", "we_do", "they_do"];
        assert_eq!(
            did_you_mean("partner_benefti", &known),
            Some("partner_benefit")
        );
        assert_eq!(
            did_you_mean("partner-benefit", &known),
            Some("partner_benefit")
        );
        assert_eq!(did_you_mean("we-do", &known), Some("we_do"));
        assert_eq!(did_you_mean("colour", &known), None);
    }

    /// Decodes `text` and returns the decoder, with the mapping.
    fn decoded(text: &str) -> (Value, Decoder<'_>) {
        (
            serde_yaml::from_str(text).unwrap(),
            Decoder::new("a test", text),
        )
    }

    #[test]
    fn text_fields_keep_plain_scalars_as_written() {
        let text = "a: TRUE   # a comment\nb: 5.10\nc: &x 0x1F\nd: *x\n\
                    e: [1e3, ~, null, .inf]\nf: '5.10'\ng: !!str 012\nh: ~\n\
                    i:\n  - -.inf\n  -\n  - 12:30\n";
        let (value, mut d) = decoded(text);
        let map = value.as_mapping().unwrap();
        let one = |d: &mut Decoder<'_>, key| d.text(map, &[], key);
        assert_eq!(one(&mut d, "a").as_deref(), Some("TRUE"));
        assert_eq!(one(&mut d, "b").as_deref(), Some("5.10"));
        assert_eq!(one(&mut d, "c").as_deref(), Some("0x1F"));
        assert_eq!(one(&mut d, "d").as_deref(), Some("0x1F"));
        assert_eq!(one(&mut d, "f").as_deref(), Some("5.10"));
        assert_eq!(one(&mut d, "g").as_deref(), Some("012"));
        assert_eq!(one(&mut d, "h"), None);
        assert_eq!(d.text_list(map, &[], "e"), ["1e3", "~", "null", ".inf"]);
        assert_eq!(d.text_list(map, &[], "i"), ["-.inf", "12:30"]);
        assert!(d.issues.is_empty(), "{:?}", d.issues);
    }

    #[test]
    fn typed_fields_stay_typed() {
        let (value, mut d) = decoded("draft: TRUE\ndays: 0x1F\nlast: 2026-01-05\n");
        let map = value.as_mapping().unwrap();
        assert_eq!(d.flag(map, &[], "draft"), Some(true));
        assert_eq!(d.count(map, &[], "days"), Some(31));
        assert_eq!(
            d.date(map, &[], "last"),
            Some(jiff::civil::date(2026, 1, 5))
        );
    }

    #[test]
    fn keys_and_choices_are_named_as_written() {
        let (value, mut d) = decoded("TRUE: x\n5.10: y\ntier: 1.50\n");
        let map = value.as_mapping().unwrap();
        d.unknown_keys(map, &[], &["tier"], &[]);
        assert_eq!(d.choice(map, &[], "tier", &[("casual", 0)]), None);
        let messages: Vec<_> = d.issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown field `TRUE` in a test",
                "unknown field `5.10` in a test",
                "`1.50` is not a valid `tier`",
            ]
        );
    }

    #[test]
    fn without_the_text_values_are_shown_as_yaml_read_them() {
        let value: Value = serde_yaml::from_str("a: 5.10\n").unwrap();
        let mut d = Decoder::default();
        assert_eq!(
            d.text(value.as_mapping().unwrap(), &[], "a").as_deref(),
            Some("5.1")
        );
    }

    #[test]
    fn collects_every_problem() {
        let value: Value = serde_yaml::from_str("a: [1]\nb: maybe\nc: 2026-02-30\nd: x\n").unwrap();
        let map = value.as_mapping().unwrap();
        let mut d = Decoder::default();
        assert_eq!(d.text(map, &[], "a"), None);
        assert_eq!(d.flag(map, &[], "b"), None);
        assert_eq!(d.date(map, &[], "c"), None);
        assert_eq!(d.required_text(map, &[], "e", "h"), None);
        d.unknown_keys(map, &[], &["a", "b", "c", "e"], &[]);
        let codes: Vec<_> = d.issues.iter().map(|i| i.code).collect();
        assert_eq!(
            codes,
            [
                Code::InvalidValue,
                Code::InvalidValue,
                Code::InvalidValue,
                Code::MissingField,
                Code::UnknownField
            ]
        );
    }
}
