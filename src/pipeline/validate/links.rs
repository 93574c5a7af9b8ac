//! `broken-link`: an `@/` link, a link relative to its file
//! (`first-call.md`, `deal-flow.png`), or a playbook's `partners` entry,
//! that names no published page or file.

use super::{Finding, Scope};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::decode::did_you_mean;
use std::ops::Range;
use std::path::PathBuf;

use crate::markdown::{self, Relative};
use crate::playbook;
use crate::site::Site;
use crate::source::Lines;
use crate::yaml::{Issue, Target};

const HELP: &str = "link to an existing page: `@/partners/<slug>` (a file in content/partners/ without .yaml) or `@/playbooks/<path>` (a file in content/playbooks/ without .md)";

fn message(dest: &str) -> String {
    format!("the link `{dest}` leads nowhere")
}

/// A link that leads nowhere: its destination, its span in the text, and
/// what to say.
struct Problem {
    dest: String,
    span: Range<usize>,
    message: String,
    label: String,
    help: String,
}

impl Problem {
    /// The issue for a link in the YAML field at `path`.
    fn issue(self, path: Vec<crate::yaml::Seg>) -> Issue {
        Issue::new(
            Code::BrokenLink,
            path,
            Target::Needle(self.dest),
            self.message,
            self.label,
            self.help,
        )
    }
}

/// The links of `md`, a text whose file is in the folder `base` below
/// content/, that lead nowhere: `@/` links, then (when `relative`) links
/// relative to the file.
fn problems(site: &Site, md: &str, base: &str, relative: bool) -> Vec<Problem> {
    let mut out: Vec<Problem> =
        markdown::broken_internal_links(md, |dest| site.targets.exists(dest))
            .into_iter()
            .map(|(dest, span)| Problem {
                message: message(&dest),
                dest,
                span,
                label: "no such page".to_string(),
                help: HELP.to_string(),
            })
            .collect();
    if !relative {
        return out;
    }
    for (dest, to, span) in markdown::relative_links(md, base) {
        let (label, help) = match &to {
            Relative::Page(at) if site.targets.exists(at) => continue,
            Relative::Page(at) => page_problem(site, at, base),
            Relative::File(path, _) => match publishable(site, path) {
                Ok(_) => continue,
                Err(problem) => problem,
            },
            Relative::Outside => {
                out.push(Problem {
                    message: format!(
                        "the link `{dest}` leads out of content/playbooks/ and content/partners/"
                    ),
                    dest,
                    span,
                    label: "nothing is published from there".to_string(),
                    help: "only files in content/playbooks/ and content/partners/ are published: move the file there and link it relative to this file".to_string(),
                });
                continue;
            }
        };
        out.push(Problem {
            message: message(&dest),
            dest,
            span,
            label,
            help,
        });
    }
    out
}

/// The label and help for a relative link to a `.md` or `.yaml` file that
/// is no page of the site.
fn page_problem(site: &Site, at: &str, base: &str) -> (String, String) {
    let path = at.trim_start_matches("@/");
    let path = path.split_once('#').map_or(path, |(p, _)| p);
    if let Some(name) = path.strip_prefix("playbooks/") {
        let name = name.trim_end_matches(".md");
        let paths: Vec<&str> = site.playbooks.iter().map(|p| p.path.as_str()).collect();
        if let Some(near) = did_you_mean(name, &paths) {
            // written as the author would: relative to the file
            let shown = relative_to(base, &format!("playbooks/{near}.md"));
            return (
                format!("did you mean `{shown}`?"),
                format!("link to an existing playbook: `{shown}`"),
            );
        }
        return (
            "no such playbook".to_string(),
            "link to a playbook of the site: a .md file in content/playbooks/, named relative to this file (`first-call.md`, `../engagement/first-call.md`)".to_string(),
        );
    }
    (
        "no such page".to_string(),
        "a link to a .md file leads to a playbook: a file in content/playbooks/, named relative to this file; a .yaml file in content/partners/ leads to that partner's page".to_string(),
    )
}

/// The path of `to` seen from the folder `base` (both below content/):
/// `relative_to("partners", "playbooks/x.md")` is `../playbooks/x.md`.
fn relative_to(base: &str, to: &str) -> String {
    let from: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to[..to.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// The file at `path` below content/, which a link names, when it can be
/// published; otherwise why not (a label and a help).
pub(crate) fn publishable(site: &Site, path: &str) -> Result<PathBuf, (String, String)> {
    let Some(file) = published_file(site, path) else {
        return Err((
            "no such file".to_string(),
            format!("put the file at content/{path}, or correct the name in the link"),
        ));
    };
    let taken = match path.split_once('/') {
        _ if path.ends_with("/index.html") => true,
        Some(("playbooks", rest)) => site
            .playbooks
            .iter()
            .any(|p| p.path == rest || p.path.starts_with(&format!("{rest}/"))),
        Some(("partners", rest)) => {
            let (slug, after) = rest.split_once('/').unwrap_or((rest, ""));
            site.targets.partners.contains(slug) && matches!(after, "" | "worksheet")
        }
        _ => false,
    };
    match taken {
        true => Err((
            "a page is published at this path".to_string(),
            "rename the file: it would take the place of a page (or its folder)".to_string(),
        )),
        false => Ok(file),
    }
}

/// The file at `path` below content/, if it is a file that stays inside
/// content/ when links are followed. Files a link names are published
/// beside their pages under the same path (see docs/record.md).
fn published_file(site: &Site, path: &str) -> Option<PathBuf> {
    let content = site.root.join("content");
    let file = content.join(path);
    let real = file.canonicalize().ok()?;
    let inside = content
        .canonicalize()
        .ok()
        .is_some_and(|c| real.starts_with(c));
    (inside && real.is_file()).then_some(file)
}

/// Checks every Markdown field of every partner and every playbook.
pub(crate) fn check(site: &Site, scope: &Scope) -> Vec<Finding> {
    use crate::yaml::Seg;
    use rayon::prelude::*;
    let partners: Vec<_> = scope.partners(site).collect();
    let mut out: Vec<Finding> = partners
        .par_iter()
        .flat_map_iter(|partner| {
            let relative = markdown::yaml_may_link_relatively(&site.sources[partner.source].text);
            let mut out = Vec::new();
            for (path, text) in partner.markdown_fields() {
                for problem in problems(site, text, markdown::PARTNER_BASE, relative) {
                    out.push(Finding::record(
                        site,
                        partner.source,
                        problem.issue(path.clone()),
                    ));
                }
            }
            out
        })
        .collect();
    if let Some(source) = site.config_source.filter(|&s| scope.has(s)) {
        for tier in crate::record::Tier::ALL {
            for (topic, rule) in &site.config.tier(tier).rules_of_engagement {
                for problem in problems(site, rule, "", true) {
                    let path = [
                        "tiers",
                        tier.as_str(),
                        "rules_of_engagement",
                        topic.as_str(),
                    ]
                    .map(|k| Seg::Key(k.to_string()))
                    .to_vec();
                    out.push(Finding::record(site, source, problem.issue(path)));
                }
            }
        }
    }
    let slugs: Vec<&str> = site.partners.iter().map(|p| p.slug.as_str()).collect();
    let playbooks: Vec<_> = scope.playbooks(site).collect();
    out.par_extend(playbooks.par_iter().flat_map_iter(|pb| {
        let mut out = Vec::new();
        let file = &site.sources[pb.source];
        let in_front_matter = |issue| Finding::Yaml {
            source: pb.source,
            yaml: pb.yaml.clone(),
            issue,
        };
        for (i, slug) in pb.partners.iter().enumerate() {
            if !site.targets.partners.contains(slug) {
                let issue = playbook::unknown_partner(i, slug, did_you_mean(slug, &slugs));
                out.push(in_front_matter(issue));
            }
        }
        let folder = markdown::folder_of(&file.path);
        if let Some(summary) = &pb.summary {
            for problem in problems(site, summary, folder, true) {
                out.push(in_front_matter(
                    problem.issue(vec![Seg::Key("summary".into())]),
                ));
            }
        }
        let body = problems(site, site.body(pb), folder, true);
        if !body.is_empty() {
            // indexed once per file, and only when a link is broken
            let lines = Lines::new(&file.text);
            out.extend(body.into_iter().map(|p| {
                Finding::Placed(Diagnostic::new_in(
                    &lines,
                    Code::BrokenLink,
                    file,
                    pb.body.start + p.span.start..pb.body.start + p.span.end,
                    p.message,
                    p.label,
                    p.help,
                ))
            }));
        }
        out
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::relative_to;

    #[test]
    fn suggestions_are_relative_to_the_file() {
        for (base, to, shown) in [
            ("playbooks/engagement", "playbooks/engagement/x.md", "x.md"),
            ("playbooks/engagement", "playbooks/x.md", "../x.md"),
            ("playbooks", "playbooks/portfolio/x.md", "portfolio/x.md"),
            (
                "partners",
                "playbooks/engagement/x.md",
                "../playbooks/engagement/x.md",
            ),
            ("", "playbooks/x.md", "playbooks/x.md"),
        ] {
            assert_eq!(relative_to(base, to), shown, "{base} {to}");
        }
    }
}
