//! `broken-link`: an `@/` link, or a playbook's `partners` entry, that
//! names no published page.

use super::{Finding, Scope};
use crate::decode::did_you_mean;
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown;
use crate::playbook;
use crate::site::Site;
use crate::source::Lines;
use crate::yaml::{Issue, Target};

const HELP: &str = "link to an existing page: `@/partners/<slug>` (a file in content/partners/ without .yaml) or `@/playbooks/<path>` (a file in content/playbooks/ without .md)";

fn message(dest: &str) -> String {
    format!("the link `{dest}` leads nowhere")
}

/// Checks every Markdown field of every partner and every playbook.
pub fn check(site: &Site, scope: &Scope) -> Vec<Finding> {
    use rayon::prelude::*;
    let resolves = |dest: &str| site.targets.exists(dest);
    let partners: Vec<_> = scope.partners(site).collect();
    let mut out: Vec<Finding> = partners
        .par_iter()
        .flat_map_iter(|partner| {
            let mut out = Vec::new();
            for (path, text) in partner.markdown_fields() {
                for (dest, _) in markdown::broken_internal_links(text, resolves) {
                    let issue = Issue::new(
                        Code::BrokenLink,
                        path.clone(),
                        Target::Needle(dest.clone()),
                        message(&dest),
                        "no such page",
                        HELP,
                    );
                    out.push(Finding::record(site, partner.source, issue));
                }
            }
            out
        })
        .collect();
    if let Some(source) = site.config_source.filter(|&s| scope.has(s)) {
        for tier in crate::record::Tier::ALL {
            for (topic, rule) in &site.config.tier(tier).rules_of_engagement {
                for (dest, _) in markdown::broken_internal_links(rule, resolves) {
                    let path = [
                        "tiers",
                        tier.as_str(),
                        "rules_of_engagement",
                        topic.as_str(),
                    ]
                    .map(|k| crate::yaml::Seg::Key(k.to_string()))
                    .to_vec();
                    let issue = Issue::new(
                        Code::BrokenLink,
                        path,
                        Target::Needle(dest.clone()),
                        message(&dest),
                        "no such page",
                        HELP,
                    );
                    out.push(Finding::record(site, source, issue));
                }
            }
        }
    }
    let slugs: Vec<&str> = site.partners.iter().map(|p| p.slug.as_str()).collect();
    let playbooks: Vec<_> = scope.playbooks(site).collect();
    out.par_extend(playbooks.par_iter().flat_map_iter(|pb| {
        let mut out = Vec::new();
        let file = &site.sources[pb.source];
        for (i, slug) in pb.partners.iter().enumerate() {
            if !site.targets.partners.contains(slug) {
                let issue = playbook::unknown_partner(i, slug, did_you_mean(slug, &slugs));
                out.push(Finding::Yaml {
                    source: pb.source,
                    yaml: pb.yaml.clone(),
                    issue,
                });
            }
        }
        if let Some(summary) = &pb.summary {
            for (dest, _) in markdown::broken_internal_links(summary, resolves) {
                let issue = Issue::new(
                    Code::BrokenLink,
                    vec![crate::yaml::Seg::Key("summary".into())],
                    Target::Needle(dest.clone()),
                    message(&dest),
                    "no such page",
                    HELP,
                );
                out.push(Finding::Yaml {
                    source: pb.source,
                    yaml: pb.yaml.clone(),
                    issue,
                });
            }
        }
        // indexed once per file, and only when a link is broken
        let mut lines = None;
        for (dest, span) in markdown::broken_internal_links(site.body(pb), resolves) {
            let at = pb.body.start + span.start..pb.body.start + span.end;
            let lines = lines.get_or_insert_with(|| Lines::new(&file.text));
            out.push(Finding::Placed(Diagnostic::new_in(
                lines,
                Code::BrokenLink,
                file,
                at,
                message(&dest),
                "no such page",
                HELP,
            )));
        }
        out
    }));
    out
}
