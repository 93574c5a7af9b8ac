//! The site configuration, `partnerbook.yaml`: read, checked, and resolved
//! into settings with every default filled in.

use std::path::Path;

use serde_yaml::Value;

use crate::decode::{self, Decoder};
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Tier;
use crate::source::SourceFile;
use crate::yaml::{self, Issue, Seg, Target};

/// The configuration file's name, at the site root.
pub const FILE_NAME: &str = "partnerbook.yaml";

/// What a lint does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// An error: the build is rejected.
    Deny,
    /// A warning: printed, the build goes on.
    Warn,
    /// Not reported.
    Allow,
}

/// One tier's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TierConfig {
    /// How many partners the tier should hold at most; `None` is unlimited.
    pub max_partners: Option<u64>,
    /// The tier's default rules of engagement, topic to rule (Markdown), in order.
    pub rules_of_engagement: Vec<(String, String)>,
}

/// The resolved site settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's title, shown on every page.
    pub title: String,
    /// A one-line description, for the portfolio and `<meta>`.
    pub description: Option<String>,
    /// The absolute URL the site is published at, ending in `/`; only the
    /// sitemap needs it.
    pub base_url: Option<String>,
    /// The theme's name: `default` (embedded) or a folder under `themes/`.
    pub theme: String,
    /// Settings of the strategic, tactical and casual tiers, in that order.
    pub tiers: [TierConfig; 3],
    /// The level of each lint, in the order of [`Code::LINTS`].
    pub lints: [Level; 7],
    /// Phrases that make a benefit vague, matched case-insensitively.
    pub vague_phrases: Vec<String>,
    /// Whether raw HTML in Markdown passes through unescaped.
    pub allow_html: bool,
    /// Whether links end in `/` instead of `/index.html`.
    pub pretty_links: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: "Partner playbook".to_string(),
            description: None,
            base_url: None,
            theme: "default".to_string(),
            tiers: Tier::ALL.map(default_tier),
            lints: [Level::Warn; 7],
            vague_phrases: [
                "synergy",
                "win-win",
                "leverage",
                "strategic alliance",
                "better serve the market",
            ]
            .map(String::from)
            .to_vec(),
            allow_html: false,
            pretty_links: false,
        }
    }
}

impl Config {
    /// The path of `base_url` (`/partners/` for
    /// `https://intranet.example/partners/`): where the site lives on its
    /// server. `None` without a base URL.
    pub fn base_path(&self) -> Option<&str> {
        let rest = self.base_url.as_deref()?.split_once("://")?.1;
        rest.find('/').map(|i| &rest[i..])
    }

    /// The settings of `tier`.
    pub fn tier(&self, tier: Tier) -> &TierConfig {
        &self.tiers[tier as usize]
    }

    /// The level of lint `code`.
    pub fn lint_level(&self, code: Code) -> Level {
        Code::LINTS
            .iter()
            .position(|&c| c == code)
            .map_or(Level::Warn, |i| self.lints[i])
    }
}

/// The built-in tier settings, drawn from how go-to-market portfolios are
/// usually shaped: one or two intimate partnerships, a handful of focused
/// programmes, and any number of relationships worked deal by deal.
fn default_tier(tier: Tier) -> TierConfig {
    let (max, rules): (Option<u64>, &[(&str, &str)]) = match tier {
        Tier::Strategic => (
            Some(2),
            &[
                (
                    "executive_sponsorship",
                    "Each side names an executive sponsor who meets the other every quarter.",
                ),
                (
                    "joint_planning",
                    "A joint business plan with a named target market and revenue goal, reviewed every quarter.",
                ),
                (
                    "lead_sharing",
                    "Qualified leads in the target market go to the partner within two business days.",
                ),
                (
                    "deal_registration",
                    "The first side to register an opportunity owns it; the other supports it.",
                ),
            ],
        ),
        Tier::Tactical => (
            Some(10),
            &[
                (
                    "joint_planning",
                    "One focused programme at a time, with an owner on each side and an end date.",
                ),
                (
                    "lead_sharing",
                    "Leads are shared when the programme's target market matches, reviewed monthly.",
                ),
                (
                    "deal_registration",
                    "Register opportunities before the first joint customer meeting.",
                ),
            ],
        ),
        Tier::Casual => (
            None,
            &[(
                "engagement",
                "Worked opportunity by opportunity by the field team; no standing commitments on either side.",
            )],
        ),
    };
    TierConfig {
        max_partners: max,
        rules_of_engagement: rules
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Reads `partnerbook.yaml` from `root`. A missing file gives the defaults.
/// Returns the settings (defaults where the file is wrong), the file as read
/// (for diagnostics), and the problems found.
pub fn load(root: &Path) -> (Config, Option<SourceFile>, Vec<Diagnostic>) {
    let path = root.join(FILE_NAME);
    if matches!(std::fs::symlink_metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    {
        return (Config::default(), None, Vec::new());
    }
    let text = match crate::walk::read_file(&path, FILE_NAME, Some(crate::walk::MAX_FILE_SIZE)) {
        Ok(bytes) => bytes,
        Err(d) => {
            let file = SourceFile {
                path: FILE_NAME.to_string(),
                text: String::new(),
            };
            return (Config::default(), Some(file), vec![*d]);
        }
    };
    let file = match crate::walk::utf8_source(FILE_NAME, text) {
        Ok(file) => file,
        Err(d) => return (Config::default(), None, vec![*d]),
    };
    let value = match yaml::parse(&file, &file.text, 0) {
        Ok(v) => v,
        Err(d) => return (Config::default(), Some(file), vec![*d]),
    };
    let mut decoder = Decoder::new(FILE_NAME, &file.text);
    let config = decode_config(&mut decoder, &value, root);
    let diagnostics = yaml::diagnostics(&file, &file.text, 0, decoder.issues);
    (config, Some(file), diagnostics)
}

const FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "tiers",
    "lints",
    "vague_phrases",
    "markdown",
    "pretty_links",
];

fn decode_config(d: &mut Decoder<'_>, value: &Value, root: &Path) -> Config {
    let mut config = Config::default();
    let help = "write settings as `key: value` lines, e.g. `title: Acme Partner Playbook`";
    let Some(map) = d.as_mapping(value, &[], "partnerbook.yaml", help) else {
        return config;
    };
    d.unknown_keys(map, &[], FIELDS, &[]);
    if let Some(title) = d.text(map, &[], "title") {
        config.title = title;
    }
    config.description = d.text(map, &[], "description");
    if let Some(url) = d.text(map, &[], "base_url") {
        match normalize_base_url(&url) {
            Some(url) => config.base_url = Some(url),
            None => d.push(Issue::new(
                Code::InvalidValue,
                vec![Seg::Key("base_url".into())],
                Target::Value,
                format!("`{url}` is not an absolute http(s) URL"),
                "expected an absolute URL",
                "write the address the site is published at, e.g. `https://intranet.example/partners/`",
            )),
        }
    }
    if let Some(theme) = d.text(map, &[], "theme") {
        let ok = theme == "default"
            || (crate::walk::is_slug(&theme) && root.join("themes").join(&theme).is_dir());
        if ok {
            config.theme = theme;
        } else {
            d.push(Issue::new(
                Code::InvalidValue,
                vec![Seg::Key("theme".into())],
                Target::Value,
                format!("theme `{theme}` does not exist"),
                "no such theme",
                format!(
                    "use `default`, or create the folder themes/{theme}/ with templates/ inside"
                ),
            ));
        }
    }
    if let Some(tiers) = map.get("tiers") {
        decode_tiers(d, tiers, &mut config);
    }
    if let Some(lints) = map.get("lints") {
        decode_lints(d, lints, &mut config);
    }
    if map.contains_key("vague_phrases") {
        config.vague_phrases = d.text_list(map, &[], "vague_phrases");
    }
    if let Some(md) = map.get("markdown") {
        let path = [Seg::Key("markdown".into())];
        if let Some(md) = d.as_mapping(
            md,
            &path,
            "`markdown`",
            "write `markdown: { allow_html: false }`",
        ) {
            d.unknown_keys(md, &path, &["allow_html"], &[]);
            config.allow_html = d.flag(md, &path, "allow_html").unwrap_or(false);
        }
    }
    config.pretty_links = d.flag(map, &[], "pretty_links").unwrap_or(false);
    config
}

fn decode_tiers(d: &mut Decoder<'_>, value: &Value, config: &mut Config) {
    let path = vec![Seg::Key("tiers".into())];
    let help = "give settings per tier: `strategic: { max_partners: 2 }`";
    let Some(map) = d.as_mapping(value, &path, "`tiers`", help) else {
        return;
    };
    let names = Tier::ALL.map(Tier::as_str);
    d.unknown_keys(map, &path, &names, &[]);
    for tier in Tier::ALL {
        let Some(value) = map.get(tier.as_str()) else {
            continue;
        };
        let tier_path = decode::child(&path, tier.as_str());
        let Some(tier_map) = d.as_mapping(value, &tier_path, &format!("`tiers.{tier}`"), help)
        else {
            continue;
        };
        d.unknown_keys(
            tier_map,
            &tier_path,
            &["max_partners", "rules_of_engagement"],
            &[],
        );
        let settings = &mut config.tiers[tier as usize];
        if tier_map.contains_key("max_partners") {
            settings.max_partners = d.count(tier_map, &tier_path, "max_partners");
        }
        if let Some(rules) = tier_map.get("rules_of_engagement") {
            let rules_path = decode::child(&tier_path, "rules_of_engagement");
            settings.rules_of_engagement = rules_map(d, rules, &rules_path);
        }
    }
}

/// Rules of engagement: a mapping from topic to rule, in the order written.
pub fn rules_map(d: &mut Decoder<'_>, value: &Value, path: &[Seg]) -> Vec<(String, String)> {
    let help = "write one `topic: rule` line per rule, e.g. `lead_sharing: Leads go to the partner within two days`";
    let Some(map) = d.as_mapping(value, path, "`rules_of_engagement`", help) else {
        return Vec::new();
    };
    map.iter()
        .enumerate()
        .filter_map(|(i, (key, rule))| {
            // a topic is text too: `5.10:` stays `5.10`
            let topic = d.key_text(path, i, key);
            let text = d.text_value(rule, &decode::child(path, &topic))?;
            (!text.trim().is_empty()).then_some((topic, text))
        })
        .collect()
}

fn decode_lints(d: &mut Decoder<'_>, value: &Value, config: &mut Config) {
    let path = vec![Seg::Key("lints".into())];
    let help = "set lints as `lint-name: deny | warn | allow`";
    let Some(map) = d.as_mapping(value, &path, "`lints`", help) else {
        return;
    };
    let names = Code::LINTS.map(Code::as_str);
    d.unknown_keys(map, &path, &names, &[]);
    let levels = [
        ("deny", Level::Deny),
        ("warn", Level::Warn),
        ("allow", Level::Allow),
    ];
    for (i, code) in Code::LINTS.iter().enumerate() {
        if let Some(level) = d.choice(map, &path, code.as_str(), &levels) {
            config.lints[i] = level;
        }
    }
}

/// An absolute http(s) URL with a trailing `/`, or `None`.
pub fn normalize_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        return None;
    }
    Some(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base_url("https://x.example/partners").as_deref(),
            Some("https://x.example/partners/")
        );
        assert_eq!(normalize_base_url("x.example"), None);
        assert_eq!(normalize_base_url("javascript:alert(1)"), None);
        assert_eq!(normalize_base_url("https:///nohost"), None);
    }

    #[test]
    fn base_paths() {
        let mut config = Config::default();
        assert_eq!(config.base_path(), None);
        config.base_url = normalize_base_url("https://x.example");
        assert_eq!(config.base_path(), Some("/"));
        config.base_url = normalize_base_url("http://x.example:8080/intranet/partners");
        assert_eq!(config.base_path(), Some("/intranet/partners/"));
    }
}
