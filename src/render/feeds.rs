//! Files for machines: `partners.json` for other tools, `search-index.js`
//! for the search box (a script, not JSON, so it loads from disk where
//! `fetch` is not allowed), and `sitemap.xml` when the site has a base URL.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use serde::Serialize;

use super::OutputFile;
use crate::markdown::plain_text;
use crate::record::Partner;
use crate::site::Site;

#[derive(Serialize)]
struct PartnerJson<'a> {
    /// The partner page, relative to the site root.
    url: String,
    #[serde(flatten)]
    record: &'a Partner,
}

/// One search result, with the words it is found by.
#[derive(Serialize)]
struct SearchEntry {
    /// The title shown.
    t: String,
    /// The URL relative to the site root.
    u: String,
    /// A line shown under the title.
    d: String,
    /// Tier or kind label.
    k: String,
    /// Lowercase words to match, each once.
    w: String,
}

/// JSON that is also safe inside any HTML or JS context: `<`, `>` and `&`
/// escaped as `\u003c` and so on.
fn safe_json<T: Serialize>(value: &T) -> String {
    escape_json_text(&serde_json::to_string(value).expect("views always serialise"))
}

/// Escapes the characters of serialised JSON that could end a script or
/// start markup.
fn escape_json_text(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn words<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut set = BTreeSet::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '&') {
            let w = word.trim_matches('-').to_lowercase();
            if w.chars().count() > 1 {
                set.insert(w);
            }
        }
    }
    set.into_iter().collect::<Vec<_>>().join(" ")
}

/// What one partner contributes to partners.json and search-index.js,
/// serialised. Computed in parallel, and kept by `serve` between rebuilds
/// so that an edit re-serialises one partner, not all of them.
#[derive(Debug, Clone)]
pub struct PartnerFeed {
    /// The partner's object in partners.json, indented for its place.
    json: String,
    /// The partner's entry in the search index.
    search: String,
}

/// Partner feeds by slug.
#[derive(Debug, Default)]
pub struct FeedCache(HashMap<String, PartnerFeed>);

impl FeedCache {
    /// Drops what is kept for `slug`, after its record changed.
    pub fn forget(&mut self, slug: &str) {
        self.0.remove(slug);
    }

    /// Drops everything, after a change that can touch every partner.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

fn partner_feed(site: &Site, p: &Partner) -> PartnerFeed {
    let url = site.targets.page_url(&format!("partners/{}", p.slug));
    let json = serde_json::to_string_pretty(&PartnerJson {
        url: url.clone(),
        record: p,
    })
    .expect("records always serialise");
    let prop = &p.proposition;
    let benefit = plain_text(&prop.partner_benefit);
    let mut texts: Vec<String> = vec![p.name.clone(), benefit.clone(), plain_text(&prop.together)];
    texts.extend(p.tags.iter().cloned());
    texts.extend(prop.customer_benefit.as_deref().map(plain_text));
    texts.extend(p.summary.as_deref().map(plain_text));
    texts.extend(
        [p.kind.clone(), p.region.clone(), p.owner.clone()]
            .into_iter()
            .flatten(),
    );
    let entry = SearchEntry {
        t: p.name.clone(),
        u: url,
        d: crate::markdown::truncate(&benefit, 140),
        k: p.tier.label().to_string(),
        w: words(texts.iter().map(String::as_str)),
    };
    PartnerFeed {
        // one level into "partners": [ ... ], as a pretty printer would
        json: escape_json_text(&json.replace('\n', "\n    ")),
        search: safe_json(&entry),
    }
}

/// partners.json, search-index.js and, with a base URL, sitemap.xml.
/// Partners missing from `cache` are serialised (in parallel) and kept.
pub fn files(site: &Site, html_pages: &[String], cache: &mut FeedCache) -> Vec<OutputFile> {
    let missing: Vec<(String, PartnerFeed)> = site
        .partners
        .par_iter()
        .filter(|p| !cache.0.contains_key(&p.slug))
        .map(|p| (p.slug.clone(), partner_feed(site, p)))
        .collect();
    cache.0.extend(missing);
    let feeds: Vec<&PartnerFeed> = site.partners.iter().map(|p| &cache.0[&p.slug]).collect();
    let page = |path: &str| site.targets.page_url(path);

    let mut json =
        String::with_capacity(feeds.iter().map(|f| f.json.len() + 8).sum::<usize>() + 256);
    json.push_str("{\n  \"generator\": ");
    json.push_str(&safe_json(&format!(
        "partnerbook {}",
        env!("CARGO_PKG_VERSION")
    )));
    json.push_str(",\n  \"title\": ");
    json.push_str(&safe_json(&site.config.title));
    json.push_str(",\n  \"partners\": [");
    for (i, feed) in feeds.iter().enumerate() {
        json.push_str(if i == 0 { "\n    " } else { ",\n    " });
        json.push_str(&feed.json);
    }
    json.push_str(if feeds.is_empty() { "]\n}" } else { "\n  ]\n}" });
    let partners_json = json.into_bytes();

    let playbooks: Vec<String> = site
        .playbooks
        .iter()
        .map(|pb| {
            let summary = pb.summary.as_deref().map(plain_text).unwrap_or_default();
            safe_json(&SearchEntry {
                t: pb.title.clone(),
                u: page(&format!("playbooks/{}", pb.path)),
                d: crate::markdown::truncate(&summary, 140),
                k: "Playbook".to_string(),
                w: words([pb.title.as_str(), summary.as_str()]),
            })
        })
        .collect();
    let mut search = String::from("window.PARTNERBOOK_SEARCH = {\"partners\":[");
    for (i, feed) in feeds.iter().enumerate() {
        if i > 0 {
            search.push(',');
        }
        search.push_str(&feed.search);
    }
    search.push_str("],\"playbooks\":[");
    search.push_str(&playbooks.join(","));
    search.push_str("]};\n");

    let mut out = vec![
        OutputFile {
            path: "partners.json".into(),
            bytes: partners_json,
        },
        OutputFile {
            path: "search-index.js".into(),
            bytes: search.into_bytes(),
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
            path: "sitemap.xml".into(),
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
    fn search_words_are_unique_and_lowercase() {
        assert_eq!(
            words(["Cut audit costs", "audit AT&T co-sell"]),
            "at&t audit co-sell costs cut"
        );
    }
}
