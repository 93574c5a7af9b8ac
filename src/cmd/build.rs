//! `partnerbook build`: walk, parse, validate, stop on any error, render,
//! write.

use crate::cli::{BuildArgs, Format};
use crate::cmd::{exit, exit_code, options};
use crate::config;
use crate::diagnostic::{self, Severity};
use crate::render;
use crate::site;
use crate::term;
use crate::write;

/// Builds the site and returns the exit code.
pub fn run(args: &BuildArgs) -> anyhow::Result<u8> {
    let started = std::time::Instant::now();
    let base_url = match &args.base_url {
        Some(url) => Some(config::normalize_base_url(url).ok_or_else(|| {
            anyhow::anyhow!("`{url}` is not an absolute http(s) URL\n  help: pass the address the site is published at, e.g. `-u https://intranet.example/partners/`")
        })?),
        None => None,
    };
    let opts = options(&args.site, base_url)?;
    let output = write::resolve(
        &args
            .output_dir
            .clone()
            .unwrap_or_else(|| opts.root.join("public")),
    );
    write::check_output(&opts.root, &output, args.force)?;

    let loaded = site::load(&opts);
    term::diagnostics(&loaded.diagnostics, Format::Human);
    if loaded.has_errors() {
        term::status(&format!(
            "build failed: {}; {} was not touched",
            diagnostic::count_summary(&loaded.diagnostics),
            output.display()
        ));
        return Ok(exit_code(&loaded.diagnostics, loaded.config_failed));
    }
    let site = &loaded.site;
    let timings = std::env::var_os("PARTNERBOOK_TIMINGS").is_some();
    let lap = |what: &str| {
        if timings {
            eprintln!("{:>8.3} s  {what}", started.elapsed().as_secs_f64());
        }
    };
    lap("loaded and checked");
    let theme = match render::load_theme(site) {
        Ok(theme) => theme,
        Err(diagnostics) => return Ok(failed(&diagnostics, &output)),
    };
    let inputs = render::fingerprint(site, &theme, opts.today, opts.drafts);
    lap("theme loaded, inputs digested");
    let locked = write::lock(&output)?;
    let unchanged = write::up_to_date(&output, &inputs);
    lap("output compared");
    let (pages, note) = match unchanged {
        Some(manifest) => (manifest.pages, " (unchanged: nothing to write)"),
        None => {
            let staging = write::Staging::begin(locked)?;
            let rendered = render::render_into(
                site,
                &theme,
                opts.today,
                &render::Selection::everything(),
                &mut render::FeedCache::default(),
                &|file| staging.put(&file.path, &file.bytes),
            );
            lap("rendered and written");
            match rendered {
                Ok(()) => {}
                Err(render::Failure::Templates(diagnostics)) => {
                    return Ok(failed(&diagnostics, &output));
                }
                Err(render::Failure::Output(err)) => return Err(err),
            }
            let manifest = staging.commit(inputs)?;
            lap("swapped in");
            (manifest.pages, "")
        }
    };
    let warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    println!(
        "built {} ({}, {}) with {} in {:.2} s into {}{note}",
        diagnostic::plural(pages, "page"),
        diagnostic::plural(site.partners.len(), "partner"),
        diagnostic::plural(site.playbooks.len(), "playbook"),
        diagnostic::plural(warnings, "warning"),
        started.elapsed().as_secs_f64(),
        output.display()
    );
    // the process ends here: freeing the site string by string would only
    // add to the wait
    std::mem::forget(theme);
    std::mem::forget(loaded);
    Ok(exit::OK)
}

/// Reports template errors; the output is left as it was.
fn failed(diagnostics: &[crate::diagnostic::Diagnostic], output: &std::path::Path) -> u8 {
    term::diagnostics(diagnostics, Format::Human);
    term::status(&format!(
        "build failed: {}; {} was not touched",
        diagnostic::count_summary(diagnostics),
        output.display()
    ));
    exit_code(diagnostics, false)
}
