//! The site configuration, `partnerbook.yaml`: read, checked, and resolved
//! into settings with every default filled in.

use std::path::Path;

use crate::yaml::Value;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::lint::{Level, Lint, LintLevels};
use crate::record::{self, Tier};
use crate::source::SourceFile;
use crate::yaml::decode::{self, Decoder};
use crate::yaml::{self, Issue, Seg, Target};

/// The configuration file's name, at the site root.
pub const FILE_NAME: &str = "partnerbook.yaml";

/// One tier's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TierConfig {
    /// How many partners the tier should hold at most; `None` is unlimited.
    pub max_partners: Option<u64>,
    /// The tier's default rules of engagement, topic to rule (Markdown), in order.
    pub rules_of_engagement: Vec<(String, String)>,
    /// The review cadence in days for partners of the tier whose record
    /// sets none; `None` is no cadence.
    pub review_every_days: Option<u64>,
}

/// The resolved site settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's title, shown on every page.
    pub title: String,
    /// A one-line description, for the portfolio and `<meta>`.
    pub description: Option<String>,
    /// Our organisation's name, as partners know it: a partner's edition
    /// is titled "Us and Them".
    pub our_name: Option<String>,
    /// The absolute URL the site is published at, ending in `/`; only the
    /// sitemap needs it.
    pub base_url: Option<String>,
    /// The theme's name: `default` (embedded) or a folder under `themes/`.
    pub theme: String,
    /// Settings of the strategic, tactical and casual tiers, in that order.
    pub tiers: [TierConfig; 3],
    /// The level of each lint.
    pub lints: LintLevels,
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
            our_name: None,
            base_url: None,
            theme: "default".to_string(),
            tiers: Tier::ALL.map(default_tier),
            lints: LintLevels::default(),
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

    /// The title of a partner's edition: "Tallyward and Meridian", or
    /// the partner's name alone when `our_name` is not set.
    pub fn edition_title(&self, partner: &str) -> String {
        match &self.our_name {
            Some(ours) => format!("{ours} and {partner}"),
            None => partner.to_string(),
        }
    }

    /// The settings of `tier`.
    pub fn tier(&self, tier: Tier) -> &TierConfig {
        &self.tiers[tier as usize]
    }

    /// How often `partner` is to be reviewed, in days: its record's
    /// `review.every_days`, or else its tier's cadence.
    pub fn review_cadence(&self, partner: &record::Partner) -> Option<u64> {
        partner
            .review
            .as_ref()
            .and_then(|r| r.every_days)
            .or(self.tier(partner.tier).review_every_days)
    }

    /// The level of `lint`.
    pub fn lint_level(&self, lint: Lint) -> Level {
        self.lints.get(lint)
    }
}

/// The built-in tier settings, drawn from how go-to-market portfolios are
/// usually shaped: one or two intimate partnerships, a handful of focused
/// programmes, and any number of relationships worked deal by deal.
fn default_tier(tier: Tier) -> TierConfig {
    let (max, every, rules): (Option<u64>, Option<u64>, &[(&str, &str)]) = match tier {
        Tier::Strategic => (
            Some(2),
            Some(90),
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
            Some(180),
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
            None,
            &[(
                "engagement",
                "Worked opportunity by opportunity by the field team; no standing commitments on either side.",
            )],
        ),
    };
    TierConfig {
        max_partners: max,
        review_every_days: every,
        rules_of_engagement: rules
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Decodes `partnerbook.yaml`, already read into `file`, for the site at
/// `root` (a theme is looked for below it). Returns the settings (defaults
/// where the file is wrong) and the problems found.
pub fn decode(file: &SourceFile, root: &Path) -> (Config, Vec<Diagnostic>) {
    let value = match yaml::parse(file, &file.text, 0) {
        Ok(v) => v,
        Err(d) => return (Config::default(), vec![*d]),
    };
    let mut decoder = Decoder::new(FILE_NAME, &file.text);
    let mut warnings = Vec::new();
    let config = decode_config(&mut decoder, &value, root, &mut warnings);
    let mut diagnostics = yaml::diagnostics(file, &file.text, 0, decoder.issues);
    diagnostics.extend(
        yaml::diagnostics(file, &file.text, 0, warnings)
            .into_iter()
            .map(|d| d.with_severity(Severity::Warning)),
    );
    (config, diagnostics)
}

const FIELDS: &[&str] = &[
    "title",
    "description",
    "our_name",
    "base_url",
    "theme",
    "tiers",
    "lints",
    "vague_phrases",
    "markdown",
    "pretty_links",
];

/// Decodes the settings; problems go to `d`, and warnings (changes made to
/// what was written) to `warnings`.
fn decode_config(
    d: &mut Decoder<'_>,
    value: &Value,
    root: &Path,
    warnings: &mut Vec<Issue>,
) -> Config {
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
    config.our_name = d.text(map, &[], "our_name").map(|n| n.trim().to_string());
    if let Some(url) = d.text(map, &[], "base_url") {
        let path = vec![Seg::Key("base_url".into())];
        match normalize_base_url(&url) {
            Ok(base) => {
                if base.collapsed {
                    warnings.push(collapsed_issue(path, &url, &base.url));
                }
                config.base_url = Some(base.url);
            }
            Err(bad) => d.push(Issue::new(
                Code::InvalidValue,
                path,
                Target::Value,
                bad.message,
                "not a base URL",
                bad.help,
            )),
        }
    }
    if let Some(theme) = d.text(map, &[], "theme") {
        let ok = theme == "default"
            || (crate::slug::is_slug(&theme) && root.join("themes").join(&theme).is_dir());
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
            &["max_partners", "rules_of_engagement", "review_every_days"],
            &[],
        );
        let settings = &mut config.tiers[tier as usize];
        if tier_map.contains_key("max_partners") {
            settings.max_partners = d.count(tier_map, &tier_path, "max_partners");
        }
        if let Some(value) = tier_map.get("review_every_days") {
            // `null` turns the tier's default cadence off
            settings.review_every_days = if value.is_null() {
                None
            } else {
                d.count(tier_map, &tier_path, "review_every_days")
            };
        }
        if let Some(rules) = tier_map.get("rules_of_engagement") {
            let rules_path = decode::child(&tier_path, "rules_of_engagement");
            settings.rules_of_engagement = record::rules_map(d, rules, &rules_path);
        }
    }
}

fn decode_lints(d: &mut Decoder<'_>, value: &Value, config: &mut Config) {
    let path = vec![Seg::Key("lints".into())];
    let levels = Level::ALL.map(|l| (l.name(), l));
    let help = format!(
        "set lints as `lint-name: {}`",
        levels.map(|(name, _)| name).join(" | ")
    );
    let Some(map) = d.as_mapping(value, &path, "`lints`", &help) else {
        return;
    };
    d.unknown_keys(map, &path, &Lint::ALL.map(Lint::name), &[]);
    for lint in Lint::ALL {
        if let Some(level) = d.choice(map, &path, lint.name(), &levels) {
            config.lints.set(lint, level);
        }
    }
}

/// A base URL as partnerbook keeps it, from [`normalize_base_url`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// The URL: http or https, a host, a path ending in `/`.
    pub url: String,
    /// Whether runs of `/` in the path were collapsed into one, which the
    /// caller reports as a warning.
    pub collapsed: bool,
}

/// Why a base URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBaseUrl {
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The address to show as an example in every help about base URLs.
const EXAMPLE_URL: &str = "https://intranet.example/partners/";

/// Checks `url` as the address a site is published at: an absolute http or
/// https URL with a host, and no user name, password, query or fragment
/// (the sitemap and the 404 page put it in front of every link). An
/// explicit port and an IPv6 host are fine. A `/` is added at the end.
///
/// Runs of `/` in the path are collapsed into one: they come from CI
/// scripts joining `$HOST/` and `/partners/`, and left alone they make the
/// 404 page link to `//partners/`, a link to another host (issue 18).
/// The path means the same either way, so collapsing is safer than
/// refusing a deploy for it; `collapsed` says it happened, so that the
/// change is reported and never silent.
pub fn normalize_base_url(url: &str) -> Result<BaseUrl, BadBaseUrl> {
    let bad = |message: String, help: &str| BadBaseUrl {
        message,
        help: help.to_string(),
    };
    // spaces around the URL are not part of it, as in the schema
    let url = url.trim();
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(bad(
            format!("`{url}` is not an absolute http(s) URL"),
            &format!("start it with `https://` or `http://`, e.g. `{EXAMPLE_URL}`"),
        ));
    };
    // lowercase only, as the schema says and every example is written
    if scheme != "http" && scheme != "https" {
        return Err(bad(
            format!("`{url}` is not an http(s) URL"),
            &format!("a site is published over http or https: write e.g. `{EXAMPLE_URL}`"),
        ));
    }
    // bidi controls and other invisible characters are valid in an IRI,
    // but would show one address and publish another
    if let Some(c) = url.chars().find(|&c| is_invisible(c)) {
        return Err(bad(
            format!(
                "the base URL holds the invisible character U+{:04X}",
                c as u32
            ),
            "retype the address; percent-encode the character if it is really meant",
        ));
    }
    let iri = match fluent_uri::Iri::parse(url) {
        Ok(iri) => iri,
        Err(e) => {
            let at = e.index();
            let c = url[at..].chars().next().unwrap_or(' ');
            let message = match e.kind() {
                fluent_uri::ParseErrorKind::InvalidIpv6Addr => {
                    format!("`{url}` has an invalid IPv6 address")
                }
                fluent_uri::ParseErrorKind::InvalidPctEncodedOctet => {
                    format!("`{url}` has a `%` that is not followed by two hex digits")
                }
                fluent_uri::ParseErrorKind::UnexpectedChar => {
                    format!("`{url}` cannot hold `{}` where it does", c.escape_debug())
                }
            };
            return Err(bad(
                message,
                "percent-encode special characters (a space is `%20`), and write an IPv6 host in brackets: `https://[2001:db8::1]/`",
            ));
        }
    };
    let authority = iri.authority();
    let Some(authority) = authority.filter(|a| !a.host().is_empty()) else {
        return Err(bad(
            format!("`{url}` has no host"),
            &format!("write the host after `//`, e.g. `{EXAMPLE_URL}`"),
        ));
    };
    if authority.has_userinfo() {
        // the message leaves the URL out: it holds a password
        return Err(bad(
            "the base URL holds a user name or password (`user:pass@`)".to_string(),
            "remove `user:password@`: the base URL is published in the sitemap; give credentials to the server, not to the site",
        ));
    }
    if authority.has_port() && !matches!(authority.port_to_u16(), Ok(Some(_))) {
        return Err(bad(
            format!("`{url}` has an invalid port"),
            "write the port as a number from 1 to 65535 after the host, e.g. `https://intranet.example:8443/`, or leave `:` out",
        ));
    }
    if iri.has_query() || iri.has_fragment() {
        let part = if iri.has_query() {
            "`?` query"
        } else {
            "`#` fragment"
        };
        return Err(bad(
            format!("`{url}` has a {part}"),
            &format!(
                "the base URL is put in front of every page's path, so it ends with the path: remove everything from the first `{}`",
                if iri.has_query() { '?' } else { '#' }
            ),
        ));
    }
    let path = iri.path().as_str();
    if path.split('/').any(|s| s == "." || s == "..") {
        return Err(bad(
            format!("`{url}` has a `.` or `..` in its path"),
            &format!("write the folder the site is published in as it is, e.g. `{EXAMPLE_URL}`"),
        ));
    }
    let mut clean = String::with_capacity(path.len() + 1);
    for c in path.chars() {
        if !(c == '/' && clean.ends_with('/')) {
            clean.push(c);
        }
    }
    let collapsed = clean.len() != path.len();
    if !clean.ends_with('/') {
        clean.push('/');
    }
    Ok(BaseUrl {
        url: format!("{}://{}{clean}", iri.scheme().as_str(), authority.as_str()),
        collapsed,
    })
}

/// The warning for a `base_url` whose `//` were collapsed: `written` is
/// what the file says, `used` what the site is built with.
fn collapsed_issue(path: Vec<Seg>, written: &str, used: &str) -> Issue {
    Issue::new(
        Code::InvalidValue,
        path,
        Target::Value,
        format!(
            "`{written}` has an empty folder (`//`) in its path: the site is built for `{used}`"
        ),
        "`//` in the path",
        format!("write `base_url: {used}`; left alone, `//` would make links to another host"),
    )
}

/// Whether `c` changes how text around it is shown without being seen:
/// bidi controls, zero-width characters and the byte order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
        || c.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL kept for `url`, or the message it is refused with.
    fn base(url: &str) -> Result<(String, bool), String> {
        normalize_base_url(url)
            .map(|b| (b.url, b.collapsed))
            .map_err(|b| b.message)
    }

    #[test]
    fn base_urls_that_are_kept() {
        for (url, kept) in [
            ("https://x.example/partners", "https://x.example/partners/"),
            ("https://x.example", "https://x.example/"),
            ("http://x.example:8080/p/", "http://x.example:8080/p/"),
            (
                "https://[2001:db8::1]:8443/p",
                "https://[2001:db8::1]:8443/p/",
            ),
            ("http://192.0.2.7/", "http://192.0.2.7/"),
            ("https://X.example/a%20b/", "https://X.example/a%20b/"),
            (" https://x.example/a ", "https://x.example/a/"),
            (
                "https://bücher.example/büro/",
                "https://bücher.example/büro/",
            ),
            (
                "https://x.example/partners&co/o'brien",
                "https://x.example/partners&co/o'brien/",
            ),
        ] {
            assert_eq!(base(url), Ok((kept.to_string(), false)), "{url}");
        }
    }

    #[test]
    fn runs_of_slashes_in_the_path_are_collapsed_and_said() {
        for (url, kept) in [
            (
                "https://intranet.example//partners/",
                "https://intranet.example/partners/",
            ),
            ("https://x.example/a//b///", "https://x.example/a/b/"),
            ("https://x.example//", "https://x.example/"),
        ] {
            assert_eq!(base(url), Ok((kept.to_string(), true)), "{url}");
        }
    }

    #[test]
    fn base_urls_that_are_refused() {
        for (url, message) in [
            ("x.example", "is not an absolute http(s) URL"),
            ("/partners/", "is not an absolute http(s) URL"),
            ("javascript:alert(1)", "is not an absolute http(s) URL"),
            ("ftp://x.example/", "is not an http(s) URL"),
            ("HTTPS://x.example/", "is not an http(s) URL"),
            ("https:///nohost", "has no host"),
            ("https://", "has no host"),
            ("https://user:secret@x.example/", "user name or password"),
            ("https://user@x.example/", "user name or password"),
            ("https://x.example/?a=1", "has a `?` query"),
            ("https://x.example/?", "has a `?` query"),
            ("https://x.example/p#top", "has a `#` fragment"),
            ("https://x.example:99999/", "has an invalid port"),
            ("https://x.example:/", "has an invalid port"),
            ("https://[1::2::3]/", "invalid IPv6 address"),
            ("https://x.example/a b/", "cannot hold ` `"),
            ("https://x.example/\"<script>", "cannot hold `\\\"`"),
            ("https://x.example/%zz/", "`%`"),
            ("https://x.example/p/../q/", "`..`"),
            ("https://x.example/\u{202E}p/", "U+202E"),
            ("https://x.example/\u{9B}p/", "U+009B"),
        ] {
            match base(url) {
                Err(m) => assert!(m.contains(message), "{url}: {m}"),
                Ok(kept) => panic!("{url} was kept as {kept:?}"),
            }
        }
    }

    #[test]
    fn a_refused_url_with_a_password_is_not_repeated() {
        let bad = normalize_base_url("https://me:hunter2@x.example/").unwrap_err();
        assert!(!format!("{bad:?}").contains("hunter2"));
    }

    #[test]
    fn base_paths() {
        let mut config = Config::default();
        assert_eq!(config.base_path(), None);
        config.base_url = normalize_base_url("https://x.example").ok().map(|b| b.url);
        assert_eq!(config.base_path(), Some("/"));
        config.base_url = normalize_base_url("http://x.example:8080/intranet/partners")
            .ok()
            .map(|b| b.url);
        assert_eq!(config.base_path(), Some("/intranet/partners/"));
    }
}
