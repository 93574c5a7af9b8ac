//! The theme: its Tera templates (the site's own over the theme's, or the
//! built-in default theme) and static files, and the `template`
//! diagnostics for a template that fails to load or to render.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use tera::{ErrorKind, Tera};

use super::OutputFile;
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{read, walk};
use crate::site::Site;
use crate::source::SourceFile;

/// The default theme, embedded so `partnerbook` works in an empty folder.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "partner.html",
        include_str!("../../themes/default/templates/partner.html"),
    ),
    (
        "worksheet.html",
        include_str!("../../themes/default/templates/worksheet.html"),
    ),
    (
        "plan_table.html",
        include_str!("../../themes/default/templates/plan_table.html"),
    ),
    (
        "rules_table.html",
        include_str!("../../themes/default/templates/rules_table.html"),
    ),
    (
        "edition.html",
        include_str!("../../themes/default/templates/edition.html"),
    ),
    (
        "attention.html",
        include_str!("../../themes/default/templates/attention.html"),
    ),
    (
        "influence_map.html",
        include_str!("../../themes/default/templates/influence_map.html"),
    ),
    (
        "partner_list.html",
        include_str!("../../themes/default/templates/partner_list.html"),
    ),
    (
        "playbook_list.html",
        include_str!("../../themes/default/templates/playbook_list.html"),
    ),
    (
        "playbooks.html",
        include_str!("../../themes/default/templates/playbooks.html"),
    ),
    (
        "playbook.html",
        include_str!("../../themes/default/templates/playbook.html"),
    ),
    (
        "tier.html",
        include_str!("../../themes/default/templates/tier.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
];

/// The default theme's static files.
const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "print.js",
        include_bytes!("../../themes/default/static/print.js"),
    ),
];

/// The templates, ready to render, with their sources for error messages.
pub struct Theme {
    /// The templates, compiled.
    pub(super) tera: Tera,
    /// Each template's source, by template name.
    pub(super) sources: HashMap<String, SourceFile>,
    /// The theme's static files, the site's over them.
    pub(super) static_files: Vec<OutputFile>,
}

/// A template file found on disk or embedded.
struct TemplateFile {
    name: String,
    file: SourceFile,
}

/// Loads the theme the configuration names, then the site's own
/// `templates/` over it (a site template replaces the theme's template of
/// the same name; the theme's stays reachable as `theme/<name>` for
/// `{% extends %}`), and the static files (the site's `static/` over the
/// theme's).
pub fn load_theme(site: &Site) -> Result<Theme, Vec<Diagnostic>> {
    let root = &site.root;
    let theme_dir = root.join("themes").join(&site.config.theme);
    let mut files: Vec<TemplateFile> = Vec::new();
    let mut static_files: Vec<OutputFile> = Vec::new();
    let mut diagnostics = Vec::new();
    if theme_dir.join("templates").is_dir() {
        read_dir_files(
            root,
            &theme_dir.join("templates"),
            &mut diagnostics,
            |name, file| {
                if name.ends_with(".html") || name.ends_with(".xml") {
                    files.push(TemplateFile { name, file });
                }
            },
        );
    } else {
        for (name, text) in DEFAULT_TEMPLATES {
            files.push(TemplateFile {
                name: name.to_string(),
                file: SourceFile {
                    path: format!("themes/default/templates/{name}"),
                    text: text.to_string(),
                },
            });
        }
    }
    if theme_dir.join("static").is_dir() {
        read_dir_bytes(
            root,
            &theme_dir.join("static"),
            None,
            true,
            &mut diagnostics,
            &mut static_files,
        );
    } else {
        static_files.extend(DEFAULT_STATIC.iter().map(|(p, b)| OutputFile {
            path: p.to_string(),
            bytes: b.to_vec(),
        }));
    }
    // the theme's own templates under theme/, then the site's over the plain names
    let mut all: Vec<(String, SourceFile)> = files
        .iter()
        .map(|t| (format!("theme/{}", t.name), t.file.clone()))
        .collect();
    all.extend(files.into_iter().map(|t| (t.name, t.file)));
    let site_templates = root.join("templates");
    if site_templates.is_dir() {
        read_dir_files(root, &site_templates, &mut diagnostics, |name, file| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                all.retain(|(n, _)| *n != name);
                all.push((name, file));
            }
        });
    }
    let site_static = root.join("static");
    if site_static.is_dir() {
        let mut own = Vec::new();
        read_dir_bytes(root, &site_static, None, true, &mut diagnostics, &mut own);
        for file in own {
            static_files.retain(|f| f.path != file.path);
            static_files.push(file);
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    let sources: HashMap<String, SourceFile> = all.iter().cloned().collect();
    if let Err(err) = tera.add_raw_templates(all.iter().map(|(n, f)| (n.clone(), f.text.clone()))) {
        return Err(template_diagnostics(&err, &sources, None));
    }
    for required in [
        "index.html",
        "partner.html",
        "worksheet.html",
        "playbooks.html",
        "playbook.html",
        "tier.html",
        "404.html",
    ] {
        if !tera.contains_template(required) {
            let file = SourceFile {
                path: format!("themes/{}/templates", site.config.theme),
                text: String::new(),
            };
            diagnostics.push(Diagnostic::new(
                Code::Template,
                &file,
                0..0,
                format!("the theme has no template `{required}`"),
                "this folder",
                format!("add templates/{required} to the site or the theme"),
            ));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Theme {
        tera,
        sources,
        static_files,
    })
}

/// Calls `each` with every readable UTF-8 file below `dir` (name relative to
/// `dir`), reporting the rest. These are templates: text, held to
/// [`read::MAX_FILE_SIZE`].
fn read_dir_files(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    mut each: impl FnMut(String, SourceFile),
) {
    let mut bytes = Vec::new();
    read_dir_bytes(
        root,
        dir,
        Some(read::MAX_FILE_SIZE),
        false,
        diagnostics,
        &mut bytes,
    );
    for f in bytes {
        let rel = walk::relative(root, &dir.join(&f.path));
        match read::utf8_source(&rel, f.bytes) {
            Ok(file) => each(f.path, file),
            Err(d) => diagnostics.push(*d),
        }
    }
}

/// Reads every file below `dir` (links followed only inside the site,
/// files over `limit` refused) as output files named relative to `dir`.
/// Hidden files are read too when `hidden` is true: a static file such as
/// `.htaccess` or `.well-known/security.txt` is published like any other.
fn read_dir_bytes(
    root: &Path,
    dir: &Path,
    limit: Option<u64>,
    hidden: bool,
    diagnostics: &mut Vec<Diagnostic>,
    out: &mut Vec<OutputFile>,
) {
    let ignored: fn(&str) -> bool = if hidden {
        |_| false
    } else {
        |name| name.starts_with('.')
    };
    for entry in walk::files(root, dir, ignored, diagnostics) {
        let rel = walk::relative(root, entry.path());
        match read::read_file(entry.path(), &rel, limit) {
            Ok(bytes) => out.push(OutputFile {
                path: walk::relative(dir, entry.path()),
                bytes,
            }),
            Err(d) => diagnostics.push(*d),
        }
    }
}

/// `template` diagnostics from a Tera error, at the template and line Tera
/// reports. `page` names the page being rendered, if any.
pub(super) fn template_diagnostics(
    err: &tera::Error,
    sources: &HashMap<String, SourceFile>,
    page: Option<&str>,
) -> Vec<Diagnostic> {
    let found: Vec<(String, Range<usize>, String)> = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            vec![(
                report.filename().to_string(),
                report.span().range.clone(),
                report.message().to_string(),
            )]
        }
        ErrorKind::MissingParent { current, parent } => {
            vec![(
                current.clone(),
                0..0,
                format!("`{current}` extends `{parent}`, which does not exist"),
            )]
        }
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            vec![(
                tpl.clone(),
                0..0,
                format!(
                    "`{tpl}` extends itself through {}",
                    inheritance_chain.join(" → ")
                ),
            )]
        }
        // checks across templates come as one message of several reports
        ErrorKind::Msg(text) => parse_reports(text, sources),
        _ => Vec::new(),
    };
    let found = if found.is_empty() {
        vec![(String::new(), 0..0, error_chain(err))]
    } else {
        found
    };
    let during = page.map_or(String::new(), |p| format!(" while rendering {p}"));
    let unknown = SourceFile {
        path: "templates".to_string(),
        text: String::new(),
    };
    found
        .into_iter()
        .map(|(name, span, message)| {
            let file = sources.get(&name).unwrap_or(&unknown);
            let help =
                if file.path.starts_with("themes/default/") && !Path::new(&file.path).exists() {
                    "this is a bug in partnerbook's built-in theme: please report it".to_string()
                } else {
                    format!(
                        "fix the template {}; Tera's syntax is described at keats.github.io/tera",
                        file.path
                    )
                };
            Diagnostic::new(
                Code::Template,
                file,
                span,
                format!("template error in {}{during}: {message}", file.path),
                "here",
                help,
            )
        })
        .collect()
}

/// Reads Tera's rendered reports (`error: message` then `--> name:line:col`).
fn parse_reports(
    text: &str,
    sources: &HashMap<String, SourceFile>,
) -> Vec<(String, Range<usize>, String)> {
    text.split("\n\n")
        .filter_map(|report| {
            let message = report
                .lines()
                .next()?
                .trim()
                .trim_start_matches("error:")
                .trim()
                .to_string();
            let location = report.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
            let mut parts = location.rsplitn(3, ':');
            let col: usize = parts.next()?.parse().ok()?;
            let line: usize = parts.next()?.parse().ok()?;
            let name = parts.next()?.to_string();
            let at = sources
                .get(&name)
                .map_or(0, |f| crate::source::offset_of(&f.text, line, col));
            Some((name, at..at, message))
        })
        .collect()
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        s.push_str(": ");
        s.push_str(&e.to_string());
        source = e.source();
    }
    s
}
