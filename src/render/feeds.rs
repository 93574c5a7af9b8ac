//! Files for machines: `partners.json` for other tools, `search-index.js`
//! for the search box (a script, not JSON, so it loads from disk where
//! `fetch` is not allowed), and `sitemap.xml` when the site has a base URL.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use rayon::prelude::*;

use serde::Serialize;

use super::OutputFile;
use crate::markdown::plain_text;
use crate::record::{Partner, Tier};
use crate::site::Site;

#[derive(Serialize)]
struct PartnerJson<'a> {
    /// The partner page, relative to the site root.
    url: String,
    #[serde(flatten)]
    record: &'a Partner,
}

/// One partner in the search index: each text it is found by, once, as
/// plain text, under a short key (search.js names the field a query
/// matched by its key). Empty fields are left out.
#[derive(Serialize)]
struct PartnerEntry<'a> {
    /// The name, shown as the title.
    t: &'a str,
    /// The URL relative to the site root.
    u: String,
    /// The tier, as a key of [`KINDS`].
    k: &'static str,
    /// The status, as written in records.
    s: &'static str,
    /// The partner benefit; search.js shows its start under the title.
    #[serde(skip_serializing_if = "str::is_empty")]
    b: &'a str,
    /// The summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    m: Option<String>,
    /// The type.
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<&'a str>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    g: Option<&'a str>,
    /// The owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    o: Option<&'a str>,
    /// The tags.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    a: &'a [String],
    /// The people of the influence map: "name, title".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    p: Vec<String>,
    /// The rules of engagement as the partner page shows them, when they
    /// are not the tier's defaults unchanged: each a tier default by its
    /// place in the index's `rules`, or the partner's own topic and text.
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<Vec<RuleEntry>>,
}

/// One rule of a partner in the search index.
#[derive(Serialize)]
#[serde(untagged)]
enum RuleEntry {
    /// The tier's default rule at this place in its list.
    Default(usize),
    /// The topic, as the page titles it, and the rule as plain text.
    Own(String, String),
}

/// One playbook in the search index.
#[derive(Serialize)]
struct PlaybookEntry {
    t: String,
    u: String,
    k: &'static str,
    /// The summary, shown under the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    m: Option<String>,
    /// The body as plain text.
    #[serde(skip_serializing_if = "str::is_empty")]
    x: String,
}

/// The kinds of search entries: the code in `k` and the label shown.
const KINDS: [(&str, &str); 4] = [
    ("s", "Strategic"),
    ("t", "Tactical"),
    ("c", "Casual"),
    ("p", "Playbook"),
];

/// The code of a tier in `k`.
fn kind_code(tier: Tier) -> &'static str {
    match tier {
        Tier::Strategic => "s",
        Tier::Tactical => "t",
        Tier::Casual => "c",
    }
}

/// The tiers' default rules, by code, as `[topic title, plain text]`:
/// stored once in the index, and named by place from each partner.
fn default_rules(site: &Site) -> BTreeMap<&'static str, Vec<(String, String)>> {
    [Tier::Strategic, Tier::Tactical, Tier::Casual]
        .into_iter()
        .map(|tier| {
            let rules = site
                .config
                .tier(tier)
                .rules_of_engagement
                .iter()
                .map(|(topic, rule)| {
                    (
                        super::views::topic_title(topic),
                        plain_text(rule, site.config.allow_html),
                    )
                })
                .collect();
            (kind_code(tier), rules)
        })
        .collect()
}

/// A partner's rules as the partner page merges them (see
/// `Views::merged_rules`): the tier's defaults in order, each replaced in
/// place by the partner's own rule on its topic, then the partner's other
/// topics in the order written. `None` when that is the defaults unchanged.
fn partner_rules(site: &Site, p: &Partner) -> Option<Vec<RuleEntry>> {
    if p.rules_of_engagement.is_empty() {
        return None;
    }
    let defaults = &site.config.tier(p.tier).rules_of_engagement;
    let own = |topic: &str, rule: &str| {
        RuleEntry::Own(
            super::views::topic_title(topic),
            plain_text(rule, site.config.allow_html),
        )
    };
    let mut rules: Vec<RuleEntry> = defaults
        .iter()
        .enumerate()
        .map(
            |(i, (topic, _))| match p.rules_of_engagement.iter().find(|(t, _)| t == topic) {
                Some((_, mine)) => own(topic, mine),
                None => RuleEntry::Default(i),
            },
        )
        .collect();
    for (topic, rule) in &p.rules_of_engagement {
        if !defaults.iter().any(|(t, _)| t == topic) {
            rules.push(own(topic, rule));
        }
    }
    Some(rules)
}

/// JSON that is also safe inside any HTML or JS context: `<`, `>` and `&`
/// escaped as `\u003c` and so on.
fn safe_json<T: Serialize>(value: &T) -> String {
    escape_json_text(&serde_json::to_string(value).expect("views always serialise"))
}

/// Escapes the characters of serialised JSON that could end a script or
/// start markup.
fn escape_json_text(json: &str) -> String {
    indent_and_escape(json, "")
}

/// [`escape_json_text`], and every line after the first indented by
/// `indent`, in one pass over the lines (found with `memchr`): most lines
/// hold nothing to escape, and are copied whole.
fn indent_and_escape(json: &str, indent: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', json.as_bytes()) {
        escape_into(&mut out, &json[start..end]);
        out.push('\n');
        out.push_str(indent);
        start = end + 1;
    }
    escape_into(&mut out, &json[start..]);
    out
}

/// Appends `text` (JSON, without line breaks) with `<`, `>`, `&`, U+2028
/// and U+2029 escaped. The last two are the only characters in question
/// that are not ASCII; their UTF-8 starts with the byte 0xE2.
fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    if memchr::memchr3(b'<', b'>', b'&', bytes).is_none() && memchr::memchr(0xE2, bytes).is_none() {
        out.push_str(text);
        return;
    }
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
}

/// What one partner contributes to partners.json and search-index.js,
/// serialised. Computed in parallel, and kept by `serve` between rebuilds
/// so that an edit re-serialises one partner, not all of them.
#[derive(Debug, Clone)]
struct PartnerFeed {
    /// The partner's object in partners.json, indented for its place.
    json: String,
    /// The partner's entry in the search index.
    search: String,
}

/// Partner feeds by slug, each with the key (see [`super::plan`]) of the
/// record it was made from, once known; and where each partner's part
/// stands in the last partners.json and search index made.
#[derive(Debug)]
pub struct FeedCache {
    feeds: HashMap<String, (String, Feed)>,
    /// The partners.json and search index published by the last build,
    /// which the `Published` feeds point into: read a part at a time, never
    /// whole.
    published: Option<(std::fs::File, std::fs::File)>,
    /// Slug, then the byte ranges in partners.json and the search index.
    layout: Vec<(String, Range<usize>, Range<usize>)>,
    /// The digests of the two files the layout describes.
    made: Option<(String, String)>,
    /// Whether parts made here are kept for the next render (`serve`), or
    /// only where they stand in the files made (`build`, which renders
    /// the feeds once).
    keep_parts: bool,
}

impl Default for FeedCache {
    fn default() -> FeedCache {
        FeedCache {
            feeds: HashMap::new(),
            published: None,
            layout: Vec::new(),
            made: None,
            keep_parts: true,
        }
    }
}

/// How many partners' feeds are made at a time.
const FEED_CHUNK: usize = 512;

/// One partner's feed: made by this process, or where it stands in the
/// files the last build published (read back from there when needed).
#[derive(Debug, Clone)]
enum Feed {
    Made(PartnerFeed),
    Published(Range<usize>, Range<usize>),
}

/// The first line of a saved [`FeedCache`] index: its format and the
/// version of partnerbook that wrote it (another version's is not read).
fn cache_header() -> String {
    format!("partnerbook feed index 1 {}", env!("CARGO_PKG_VERSION"))
}

impl FeedCache {
    /// A cache for one render that keeps where each part stands, not the
    /// part itself.
    pub fn once() -> FeedCache {
        FeedCache {
            keep_parts: false,
            ..FeedCache::default()
        }
    }

    /// Drops what is kept for `slug`, after its record changed.
    pub fn forget(&mut self, slug: &str) {
        self.feeds.remove(slug);
    }

    /// Keeps only the partners whose key in `keys` (a plan's, see
    /// [`super::plan`]) is still the one their part was made from, and gives
    /// the parts made since the last call their key.
    pub fn retain_current(&mut self, keys: &HashMap<String, String>) {
        self.feeds.retain(
            |slug, (kept, _)| match keys.get(&super::partner_path(slug)) {
                Some(now) if kept.is_empty() => {
                    kept.clone_from(now);
                    true
                }
                Some(now) => kept == now,
                None => false,
            },
        );
    }

    /// Takes each partner's part back out of a partners.json and a search
    /// index that a build wrote, given the index [`Self::save`] wrote for
    /// them. `published(name, digest)` opens an output file, but only when
    /// it is as the output's manifest says, with that digest. Anything that
    /// does not fit gives an empty cache.
    /// Only the partners whose key in `keys` is still the one recorded are
    /// kept, and the published files are not read at all when none is (a
    /// change of the configuration or the theme).
    pub fn load(
        index: &std::path::Path,
        published: &dyn Fn(&str, &str) -> Option<std::fs::File>,
        keys: &HashMap<String, String>,
    ) -> FeedCache {
        (|| {
            let text = std::fs::read_to_string(index).ok()?;
            let mut lines = text.lines();
            if lines.next()? != cache_header() {
                return None;
            }
            let (json_digest, search_digest) = (lines.next()?, lines.next()?);
            let current: Vec<&str> = lines
                .filter(|line| {
                    let mut fields = line.split(' ');
                    let (Some(slug), Some(kept)) = (fields.next(), fields.next()) else {
                        return false;
                    };
                    keys.get(&super::partner_path(slug))
                        .is_some_and(|now| now == kept)
                })
                .collect();
            if current.is_empty() {
                return None;
            }
            let json = published(PARTNERS_JSON, json_digest)?;
            let search = published(SEARCH_INDEX, search_digest)?;
            let size = |file: &std::fs::File| file.metadata().ok().map(|m| m.len());
            let (json_size, search_size) = (size(&json)?, size(&search)?);
            // a part must lie inside its file
            let part = |size: u64, at: &str| -> Option<Range<usize>> {
                let (start, len) = at.split_once('+')?;
                let start: usize = start.parse().ok()?;
                let end = start.checked_add(len.parse().ok()?)?;
                (end as u64 <= size).then_some(start..end)
            };
            let mut feeds = HashMap::new();
            for line in current {
                let mut fields = line.split(' ');
                let (slug, key, j, s) = (
                    fields.next()?,
                    fields.next()?,
                    fields.next()?,
                    fields.next()?,
                );
                let feed = Feed::Published(part(json_size, j)?, part(search_size, s)?);
                feeds.insert(slug.to_string(), (key.to_string(), feed));
            }
            Some(FeedCache {
                feeds,
                published: Some((json, search)),
                ..FeedCache::once()
            })
        })()
        .unwrap_or_else(FeedCache::once)
    }

    /// Writes where each partner's part stands in the partners.json and
    /// search index last made (through a temporary file and a rename).
    /// Nothing is written unless both were made and every partner in them
    /// has a key.
    pub fn save(&self, index: &std::path::Path) -> std::io::Result<()> {
        let Some((json, search)) = &self.made else {
            return Ok(());
        };
        let mut out = cache_header();
        out.push('\n');
        out.push_str(json);
        out.push('\n');
        out.push_str(search);
        out.push('\n');
        for (slug, j, s) in &self.layout {
            let Some((key, _)) = self.feeds.get(slug).filter(|(k, _)| !k.is_empty()) else {
                return Ok(());
            };
            use std::fmt::Write as _;
            let _ = writeln!(
                out,
                "{slug} {key} {}+{} {}+{}",
                j.start,
                j.len(),
                s.start,
                s.len()
            );
        }
        let temp = index.with_extension(format!("tmp{}", std::process::id()));
        let result = std::fs::write(&temp, out).and_then(|()| std::fs::rename(&temp, index));
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

fn partner_feed(site: &Site, p: &Partner, benefit: &str) -> PartnerFeed {
    let url = site.targets.page_url(&format!("partners/{}", p.slug));
    let json = serde_json::to_string_pretty(&PartnerJson {
        url: url.clone(),
        record: p,
    })
    .expect("records always serialise");
    let people = p
        .influence_map
        .iter()
        .map(|person| match &person.title {
            Some(title) => format!("{}, {}", person.name, title),
            None => person.name.clone(),
        })
        .collect();
    let entry = PartnerEntry {
        t: &p.name,
        u: url,
        k: kind_code(p.tier),
        s: p.status.as_str(),
        b: benefit,
        m: p.summary
            .as_deref()
            .map(|s| plain_text(s, site.config.allow_html)),
        y: p.kind.as_deref(),
        g: p.region.as_deref(),
        o: p.owner.as_deref(),
        a: &p.tags,
        p: people,
        r: partner_rules(site, p),
    };
    PartnerFeed {
        // one level into "partners": [ ... ], as a pretty printer would
        json: indent_and_escape(&json, "    "),
        search: safe_json(&entry),
    }
}

const PARTNERS_JSON: &str = "partners.json";
const SEARCH_INDEX: &str = "search-index.js";
const SITEMAP: &str = "sitemap.xml";

/// The names of the files made from every partner for `site`: those of
/// [`files`] and of [`super::export::files`]. A partner's edition has none.
pub(crate) fn file_names(site: &Site) -> Vec<&'static str> {
    if site.edition.is_some() {
        return Vec::new();
    }
    let mut names = vec![PARTNERS_JSON, SEARCH_INDEX];
    if site.config.base_url.is_some() {
        names.push(SITEMAP);
    }
    names.extend(super::export::FILE_NAMES);
    names
}

/// Appends the bytes `range` of `file` to `out`; false, with `out` as it
/// was, when they cannot be read.
fn read_part(file: &std::fs::File, range: &Range<usize>, out: &mut Vec<u8>) -> bool {
    use std::io::{Read as _, Seek as _};
    let before = out.len();
    out.resize(before + range.len(), 0);
    let mut file = file;
    let read = file
        .seek(std::io::SeekFrom::Start(range.start as u64))
        .and_then(|_| file.read_exact(&mut out[before..]));
    if read.is_err() {
        out.truncate(before);
    }
    read.is_ok()
}

/// partners.json, search-index.js and, with a base URL, sitemap.xml.
/// Partners missing from `cache` are serialised (in parallel) and kept.
pub(crate) fn files(
    site: &Site,
    html_pages: &[String],
    cache: &mut FeedCache,
    benefits: &super::views::Benefits,
) -> Vec<OutputFile> {
    let page = |path: &str| site.targets.page_url(path);
    let mut json: Vec<u8> = Vec::new();
    json.extend_from_slice(b"{\n  \"generator\": ");
    json.extend_from_slice(
        safe_json(&format!("partnerbook {}", env!("CARGO_PKG_VERSION"))).as_bytes(),
    );
    json.extend_from_slice(b",\n  \"title\": ");
    json.extend_from_slice(safe_json(&site.config.title).as_bytes());
    json.extend_from_slice(b",\n  \"partners\": [");
    let mut search: Vec<u8> = b"window.PARTNERBOOK_SEARCH = {\"kinds\":".to_vec();
    search.extend_from_slice(safe_json(&BTreeMap::from(KINDS)).as_bytes());
    search.extend_from_slice(b",\"rules\":");
    search.extend_from_slice(safe_json(&default_rules(site)).as_bytes());
    search.extend_from_slice(b",\"partners\":[");
    let mut layout: Vec<(String, Range<usize>, Range<usize>)> =
        Vec::with_capacity(site.partners.len());
    let published = cache.published.take();
    // room for the whole files, so they are not copied as they grow: as
    // large as the last ones, or estimated from the first chunk
    if let Some((old_json, old_search)) = &published {
        let room = |file: &std::fs::File| {
            let len = file.metadata().map_or(0, |m| m.len() as usize);
            len + len / 16
        };
        json.reserve(room(old_json));
        search.reserve(room(old_search));
    }
    // a chunk of partners at a time: the parts missing from the cache are
    // made in parallel, and, unless the cache keeps them, dropped once
    // copied, so a build never holds every part twice
    for (n, chunk) in site.partners.chunks(FEED_CHUNK).enumerate() {
        if n == 1 && published.is_none() {
            let per = |len: usize| len / FEED_CHUNK * site.partners.len() * 9 / 8;
            json.reserve(per(json.len()));
            search.reserve(per(search.len()));
        }
        let mut made: Vec<Option<PartnerFeed>> = chunk
            .par_iter()
            .map(|p| {
                (!cache.feeds.contains_key(&p.slug))
                    .then(|| partner_feed(site, p, benefits.of(site, p)))
            })
            .collect();
        let base = layout.len();
        for (p, made) in chunk.iter().zip(&mut made) {
            json.extend_from_slice(if layout.is_empty() {
                b"\n    "
            } else {
                b",\n    "
            });
            if !layout.is_empty() {
                search.push(b',');
            }
            let (j, s) = (json.len(), search.len());
            let copied = match (&*made, cache.feeds.get(&p.slug), &published) {
                (None, Some((_, Feed::Published(old_j, old_s))), Some((old_json, old_search))) => {
                    read_part(old_json, old_j, &mut json)
                        && read_part(old_search, old_s, &mut search)
                }
                _ => false,
            };
            if !copied {
                json.truncate(j);
                search.truncate(s);
                if made.is_none() && !matches!(cache.feeds.get(&p.slug), Some((_, Feed::Made(_)))) {
                    // a published part that could not be read: made now
                    *made = Some(partner_feed(site, p, benefits.of(site, p)));
                }
                let feed = match (&*made, cache.feeds.get(&p.slug)) {
                    (Some(f), _) | (None, Some((_, Feed::Made(f)))) => f,
                    _ => unreachable!("a partner's feed is made when not kept"),
                };
                json.extend_from_slice(feed.json.as_bytes());
                search.extend_from_slice(feed.search.as_bytes());
            }
            layout.push((p.slug.clone(), j..json.len(), s..search.len()));
        }
        for (i, (p, made)) in chunk.iter().zip(made).enumerate() {
            if let Some(feed) = made {
                let kept = if cache.keep_parts {
                    Feed::Made(feed)
                } else {
                    let (_, j, s) = &layout[base + i];
                    Feed::Published(j.clone(), s.clone())
                };
                cache.feeds.insert(p.slug.clone(), (String::new(), kept));
            }
        }
    }
    json.extend_from_slice(if layout.is_empty() {
        b"]\n}"
    } else {
        b"\n  ]\n}"
    });
    let partners_json = json;

    let playbooks: Vec<String> = site
        .playbooks
        .par_iter()
        .map(|pb| {
            let body = &site.sources[pb.source].text[pb.body.clone()];
            safe_json(&PlaybookEntry {
                t: pb.title.clone(),
                u: page(&format!("playbooks/{}", pb.path)),
                k: "p",
                m: pb
                    .summary
                    .as_deref()
                    .map(|s| plain_text(s, site.config.allow_html)),
                x: plain_text(body, site.config.allow_html),
            })
        })
        .collect();
    search.extend_from_slice(b"],\"playbooks\":[");
    search.extend_from_slice(playbooks.join(",").as_bytes());
    search.extend_from_slice(b"]};\n");

    cache.made = Some((
        crate::write::digest(&partners_json),
        crate::write::digest(&search),
    ));
    cache.layout = layout;
    let mut out = vec![
        OutputFile {
            path: PARTNERS_JSON.into(),
            bytes: partners_json,
        },
        OutputFile {
            path: SEARCH_INDEX.into(),
            bytes: search,
        },
    ];
    if let Some(base) = &site.config.base_url {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in html_pages {
            let loc = if site.config.pretty_links {
                path.strip_suffix("index.html").unwrap_or(path)
            } else {
                path.as_str()
            };
            xml.push_str("  <url><loc>");
            xml.push_str(&crate::markdown::escape(&format!("{base}{loc}")));
            xml.push_str("</loc></url>\n");
        }
        xml.push_str("</urlset>\n");
        out.push(OutputFile {
            path: SITEMAP.into(),
            bytes: xml.into_bytes(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_safe_in_scripts() {
        assert_eq!(
            safe_json(&"</script><b>&"),
            "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\""
        );
    }

    #[test]
    fn lines_are_indented_and_escaped_in_one_pass() {
        assert_eq!(
            indent_and_escape("{\n  \"a\": \"x\u{2028}y\u{2029}<é&>\"\n}", "    "),
            "{\n      \"a\": \"x\\u2028y\\u2029\\u003cé\\u0026\\u003e\"\n    }"
        );
        assert_eq!(indent_and_escape("€ — ‘x’", "  "), "€ — ‘x’");
    }
}
