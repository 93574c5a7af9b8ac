//! What a build's output is made from: a digest of all of it (`build`
//! skips writing when it is unchanged), a key for each file (the plan of
//! what to render again), and the files beside playbooks and records that
//! links publish.

use std::collections::HashMap;

use rayon::prelude::*;

use super::pages::{Page, Selection, page_path, pages, published_statics};
use super::{OutputFile, Theme, feeds};
use crate::record::Tier;
use crate::site::Site;
use crate::source::SourceFile;

/// A digest of everything a build's output is made from: the version of
/// partnerbook, the date, whether drafts are in, every content file, the
/// configuration (with any `--base-url`), and the theme's templates and
/// static files. Two builds with the same digest write the same bytes, so
/// `build` skips writing when the output already holds that digest.
pub fn fingerprint(
    site: &Site,
    theme: &Theme,
    attached: &[OutputFile],
    today: jiff::civil::Date,
    drafts: bool,
    digests: &[u128],
) -> String {
    use std::hash::Hash;
    use xxhash_rust::xxh3::Xxh3;
    fn digest(part: impl Hash) -> u128 {
        let mut h = Xxh3::new();
        part.hash(&mut h);
        h.digest128()
    }
    let sources: Vec<(&String, &u128)> =
        site.sources.iter().map(|f| &f.path).zip(digests).collect();
    let mut templates: Vec<(&String, &SourceFile)> = theme.sources.iter().collect();
    templates.sort_by(|a, b| a.0.cmp(b.0));
    let templates: Vec<(&String, &String, &String)> = templates
        .into_iter()
        .map(|(name, f)| (name, &f.path, &f.text))
        .collect();
    let statics: Vec<(&String, &Vec<u8>)> = theme
        .static_files
        .iter()
        .map(|f| (&f.path, &f.bytes))
        .collect();
    let attached: Vec<(&String, u128)> = attached
        .iter()
        .map(|f| (&f.path, xxhash_rust::xxh3::xxh3_128(&f.bytes)))
        .collect();
    let all = digest((
        attached,
        env!("CARGO_PKG_VERSION"),
        today.to_string(),
        drafts,
        &site.config.base_url,
        &site.config.theme,
        sources,
        templates,
        statics,
    ));
    format!("{all:032x}")
}

/// The digest (XXH3-128) of the text of each of `site.sources`, in order:
/// what [`fingerprint`] and [`plan`] know a content file by. (64-bit
/// SipHash twice cost 36–55 ms of a 10,000-partner build with nothing to
/// write.)
pub fn source_digests(site: &Site) -> Vec<u128> {
    site.sources
        .par_iter()
        .map(|f| xxhash_rust::xxh3::xxh3_128(f.text.as_bytes()))
        .collect()
}

/// The files beside playbooks and partner records that links in their
/// Markdown name, each published at its path below content/
/// (content/playbooks/engagement/deal-flow.png is
/// playbooks/engagement/deal-flow.png): beside the pages of the folder's
/// playbooks, at a URL that does not depend on which playbook links it,
/// so one file serves every playbook that names it. A file that cannot be
/// published is a `broken-link` the check reports; it is left out here.
pub fn attachments(site: &Site) -> Vec<OutputFile> {
    use crate::markdown::{
        PARTNER_BASE, Relative, folder_of, relative_links, yaml_may_link_relatively,
    };
    let files = |md: &str, base: &str| -> Vec<String> {
        relative_links(md, base)
            .into_iter()
            .filter_map(|(_, to, _)| match to {
                Relative::File(path, _) => Some(path),
                _ => None,
            })
            .collect()
    };
    let mut paths: std::collections::BTreeSet<String> = site
        .playbooks
        .par_iter()
        .flat_map_iter(|pb| {
            let folder = folder_of(&site.sources[pb.source].path);
            let mut out = files(site.body(pb), folder);
            out.extend(pb.summary.iter().flat_map(|s| files(s, folder)));
            out
        })
        .chain(site.partners.par_iter().flat_map_iter(|p| {
            let raw = &site.sources[p.source].text;
            let fields = match yaml_may_link_relatively(raw) {
                true => p.markdown_fields(),
                false => Vec::new(),
            };
            fields
                .into_iter()
                .flat_map(|(_, text)| files(text, PARTNER_BASE))
                .collect::<Vec<_>>()
        }))
        .collect();
    for tier in Tier::ALL {
        for (_, rule) in &site.config.tier(tier).rules_of_engagement {
            paths.extend(files(rule, ""));
        }
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let file = crate::pipeline::validate::links::publishable(site, &path).ok()?;
            let bytes = std::fs::read(file).ok()?;
            Some(OutputFile { path, bytes })
        })
        .collect()
}

/// How the key of a static file begins; the rest is the digest of its bytes.
pub const STATIC_KEY: &str = "static:";

/// What a build must render, given what the output already holds.
#[derive(Debug, Default)]
pub struct Plan {
    /// The pages and files to render.
    pub selection: Selection,
    /// Every file of the site (pages, feeds, static files), with the key
    /// it is made from (hex). The files not selected are unchanged.
    pub keys: HashMap<String, String>,
}

/// Works out which files of the output each input affects, as a key per
/// file: a digest of everything the file is made from. A partner's page and
/// worksheet are made from the partner's record, the playbooks that apply
/// to it (their titles and paths) and, when the record has a review or a
/// plan (overdue marks), the date; a playbook's page from its file and the
/// names of the partners it names; the lists (portfolio, tier pages,
/// playbook list, attention page, 404 page, partners.json, search index,
/// sitemap, calendar, CSV files) from every content file and the date.
/// Every key also holds the version of partnerbook, whether drafts
/// are in, the configuration (with any `--base-url`) and the theme's
/// templates. `previous` gives the key a file of the output was made from;
/// the plan selects every file whose key differs. A static file's key is
/// its digest: when one changed, all are handed over again.
pub fn plan(
    site: &Site,
    theme: &Theme,
    attached: &[OutputFile],
    today: jiff::civil::Date,
    drafts: bool,
    sources: &[u128],
    previous: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Plan {
    use std::hash::Hash;
    use xxhash_rust::xxh3::Xxh3;
    let hex = |h: &Xxh3| format!("{:032x}", h.digest128());
    let mut global = Xxh3::new();
    (env!("CARGO_PKG_VERSION"), drafts, &site.config.base_url).hash(&mut global);
    site.config_source
        .map(|i| &site.sources[i].text)
        .hash(&mut global);
    let mut templates: Vec<(&String, &SourceFile)> = theme.sources.iter().collect();
    templates.sort_by(|a, b| a.0.cmp(b.0));
    for (name, file) in templates {
        (name, &file.path, &file.text).hash(&mut global);
    }
    let mut lists = global.clone();
    "lists".hash(&mut lists);
    today.to_string().hash(&mut lists);
    for (file, digest) in site.sources.iter().zip(sources) {
        (&file.path, digest).hash(&mut lists);
    }
    let lists = hex(&lists);
    let today = today.to_string();
    let partner_keys: Vec<String> = site
        .partners
        .par_iter()
        .map(|p| {
            let mut h = global.clone();
            ("partner", &p.slug, sources[p.source]).hash(&mut h);
            if p.review.is_some() || !p.plan.is_empty() {
                today.hash(&mut h);
            }
            for pb in site.playbooks_for(p) {
                (&pb.title, &pb.path).hash(&mut h);
            }
            hex(&h)
        })
        .collect();
    let playbook_keys: Vec<String> = site
        .playbooks
        .par_iter()
        .map(|pb| {
            let mut h = global.clone();
            ("playbook", &pb.path, sources[pb.source]).hash(&mut h);
            for slug in &pb.partners {
                site.partner(slug).map(|p| &p.name).hash(&mut h);
            }
            hex(&h)
        })
        .collect();
    /// What renders a file: a partner's task, a playbook's, the lists', or
    /// the copying of static files.
    #[derive(Clone, Copy)]
    enum Unit {
        Partner(usize),
        Playbook(usize),
        Lists,
        Static,
    }
    let playbook_at: HashMap<&str, usize> = site
        .playbooks
        .iter()
        .enumerate()
        .map(|(i, pb)| (pb.path.as_str(), i))
        .collect();
    let mut keyed: Vec<(String, String, Unit)> = Vec::new();
    for page in pages(site, theme) {
        let (key, unit) = match &page {
            Page::Partner(p) | Page::Worksheet(p) | Page::Edition(p) => {
                let i = site.by_slug[&p.slug];
                (&partner_keys[i], Unit::Partner(i))
            }
            Page::Playbook(pb) => {
                let i = playbook_at[pb.path.as_str()];
                (&playbook_keys[i], Unit::Playbook(i))
            }
            _ => (&lists, Unit::Lists),
        };
        keyed.push((page_path(&page).0, key.clone(), unit));
    }
    // the calendar and the CSV files read the date (states, overdue
    // steps) and, through `global`, the base URL (the calendar's URLs)
    for name in feeds::file_names(site) {
        keyed.push((name.to_string(), lists.clone(), Unit::Lists));
    }
    let pages: Vec<String> = keyed.iter().map(|(path, _, _)| path.clone()).collect();
    let statics: Vec<&OutputFile> = published_statics(site, theme, &pages).collect();
    keyed.par_extend(statics.par_iter().map(|f| {
        let key = format!("{STATIC_KEY}{}", crate::write::digest(&f.bytes));
        (f.path.clone(), key, Unit::Static)
    }));
    // files beside playbooks are handed over with the static files
    keyed.extend(attached.iter().map(|f| {
        let key = format!("{STATIC_KEY}{}", crate::write::digest(&f.bytes));
        (f.path.clone(), key, Unit::Static)
    }));
    let changed: Vec<bool> = keyed
        .par_iter()
        .map(|(path, key, _)| previous(path).as_deref() != Some(key.as_str()))
        .collect();
    let mut selection = Selection::default();
    for ((_, _, unit), _) in keyed.iter().zip(&changed).filter(|(_, c)| **c) {
        match *unit {
            Unit::Partner(i) => {
                selection.partners.insert(site.partners[i].slug.clone());
            }
            Unit::Playbook(i) => {
                selection.playbooks.insert(site.playbooks[i].path.clone());
            }
            Unit::Lists => selection.lists = true,
            Unit::Static => selection.statics = true,
        }
    }
    Plan {
        keys: keyed
            .into_iter()
            .map(|(path, key, _)| (path, key))
            .collect(),
        selection,
    }
}
