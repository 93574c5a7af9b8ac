//! Files for machines: `partners.json` for other tools, `search-index.js`
//! for the search box (a script, not JSON, so it loads from disk where
//! `fetch` is not allowed), and `sitemap.xml` when the site has a base URL.

use std::collections::BTreeSet;

use serde::Serialize;

use super::OutputFile;
use crate::markdown::plain_text;
use crate::record::Partner;
use crate::site::Site;

#[derive(Serialize)]
struct PartnersJson<'a> {
    generator: String,
    title: &'a str,
    partners: Vec<PartnerJson<'a>>,
}

#[derive(Serialize)]
struct PartnerJson<'a> {
    /// The partner page, relative to the site root.
    url: String,
    #[serde(flatten)]
    record: &'a Partner,
}

#[derive(Serialize)]
struct SearchIndex {
    partners: Vec<SearchEntry>,
    playbooks: Vec<SearchEntry>,
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

/// partners.json, search-index.js and, with a base URL, sitemap.xml.
pub fn files(site: &Site, html_pages: &[String]) -> Vec<OutputFile> {
    let page = |path: &str| site.targets.page_url(path);
    let json = PartnersJson {
        generator: format!("partnerbook {}", env!("CARGO_PKG_VERSION")),
        title: &site.config.title,
        partners: site
            .partners
            .iter()
            .map(|p| PartnerJson {
                url: page(&format!("partners/{}", p.slug)),
                record: p,
            })
            .collect(),
    };
    // `<`, `>` and `&` only occur inside JSON strings, so escaping them
    // keeps the JSON valid and makes it safe to inline anywhere
    let partners_json =
        escape_json_text(&serde_json::to_string_pretty(&json).expect("records always serialise"))
            .into_bytes();

    let index = SearchIndex {
        partners: site
            .partners
            .iter()
            .map(|p| {
                let prop = &p.proposition;
                let benefit = plain_text(&prop.partner_benefit);
                let mut texts: Vec<String> =
                    vec![p.name.clone(), benefit.clone(), plain_text(&prop.together)];
                texts.extend(p.tags.iter().cloned());
                texts.extend(prop.customer_benefit.as_deref().map(plain_text));
                texts.extend(p.summary.as_deref().map(plain_text));
                texts.extend(
                    [p.kind.clone(), p.region.clone(), p.owner.clone()]
                        .into_iter()
                        .flatten(),
                );
                SearchEntry {
                    t: p.name.clone(),
                    u: page(&format!("partners/{}", p.slug)),
                    d: crate::markdown::truncate(&benefit, 140),
                    k: p.tier.label().to_string(),
                    w: words(texts.iter().map(String::as_str)),
                }
            })
            .collect(),
        playbooks: site
            .playbooks
            .iter()
            .map(|pb| {
                let summary = pb.summary.as_deref().map(plain_text).unwrap_or_default();
                SearchEntry {
                    t: pb.title.clone(),
                    u: page(&format!("playbooks/{}", pb.path)),
                    d: crate::markdown::truncate(&summary, 140),
                    k: "Playbook".to_string(),
                    w: words([pb.title.as_str(), summary.as_str()]),
                }
            })
            .collect(),
    };
    let search = format!("window.PARTNERBOOK_SEARCH = {};\n", safe_json(&index));

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
