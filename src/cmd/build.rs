//! `partnerbook build`: walk, parse, validate, stop on any error, render,
//! write.

use crate::cache;
use crate::cli::{BuildArgs, Format};
use crate::cmd::{exit, exit_code, options};
use crate::diagnostic::{self, Severity};
use crate::pipeline;
use crate::render;
use crate::term;
use crate::write;

/// Builds the site and returns the exit code.
pub(crate) fn run(args: &BuildArgs) -> anyhow::Result<u8> {
    let started = std::time::Instant::now();
    let opts = options(&args.site, args.base_url.as_deref())?;
    let default_dir = match &args.partner {
        Some(slug) => format!("public-{slug}"),
        None => "public".to_string(),
    };
    let output = write::resolve(
        &args
            .output_dir
            .clone()
            .unwrap_or_else(|| opts.root.join(default_dir)),
    );
    write::check_output(&opts.root, &output, args.force)?;

    // the output's manifest is read and its files checked while the site
    // loads; a build that fails drops the publisher, which leaves the
    // output as it was
    let (loaded, publisher) =
        rayon::join(|| pipeline::load(&opts), || write::Publisher::open(&output));
    let base = diagnostic::PathBase::here(&opts.root);
    term::diagnostics_from(&loaded.diagnostics, Format::Human, &base);
    if loaded.has_errors() {
        term::status(&format!(
            "build failed: {}; {} was not touched",
            diagnostic::count_summary(&loaded.diagnostics),
            output.display()
        ));
        return Ok(exit_code(&loaded.diagnostics, loaded.config_failed));
    }
    let loaded = match &args.partner {
        Some(slug) => {
            let leaks = crate::edition::names_of_others(&loaded.site, slug);
            if !leaks.is_empty() {
                return Ok(failed(&leaks, &output, &base));
            }
            edition(loaded, slug)?
        }
        None => loaded,
    };
    let site = &loaded.site;
    let timings = std::env::var_os("PARTNERBOOK_TIMINGS").is_some();
    let lap = |what: &str| {
        if timings {
            term::status(&format!(
                "{:>8.3} s  {what}",
                started.elapsed().as_secs_f64()
            ));
        }
    };
    lap("loaded and checked, output compared");
    let theme = match render::load_theme(site) {
        Ok(theme) => theme,
        Err(diagnostics) => return Ok(failed(&diagnostics, &output, &base)),
    };
    let digests = render::source_digests(site);
    // the files that links name, read once for the digest, the plan and
    // the render
    let attached = render::attachments(site);
    let inputs = render::fingerprint(site, &theme, &attached, opts.today, opts.drafts, &digests);
    lap("theme loaded, inputs digested");
    let publisher = publisher?;
    let (pages, note) = if publisher.up_to_date(&inputs) {
        (
            publisher.pages(),
            " (unchanged: nothing to write)".to_string(),
        )
    } else {
        let plan = render::plan(
            site,
            &theme,
            &attached,
            opts.today,
            opts.drafts,
            &digests,
            &|path| publisher.key(path).map(str::to_string),
        );
        let cache_file = cache::file(&opts.root, &cache::feeds_index(&output));
        let mut feeds = if plan.selection.lists {
            render::FeedCache::load(
                &cache_file,
                &|name, digest| publisher.open_file(name, digest),
                &plan.keys,
            )
        } else {
            render::FeedCache::once()
        };
        lap("planned");
        let rendered = render::render_into(
            site,
            &theme,
            &attached,
            opts.today,
            &plan.selection,
            &mut feeds,
            &|file| {
                let key = plan.keys.get(&file.path).map_or("", String::as_str);
                publisher.put(&file.path, &file.bytes, key)
            },
        );
        lap("rendered and staged");
        match rendered {
            Ok(()) => {}
            Err(render::Failure::Templates(diagnostics)) => {
                return Ok(failed(&diagnostics, &output, &base));
            }
            Err(render::Failure::Output(err)) => return Err(err),
        }
        let manifest = publisher.commit(inputs, plan.keys.keys())?;
        lap("published");
        if plan.selection.lists {
            feeds.retain_current(&plan.keys);
            // a cache: a site folder the builder may not write goes without
            cache::save(&cache_file, |path| feeds.save(path));
            lap("cache saved");
        }
        (manifest.pages, String::new())
    };
    let warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    term::print(format!(
        "built {} ({}, {}) with {} in {:.2} s into {}{note}\n",
        diagnostic::plural(pages, "page"),
        diagnostic::plural(site.partners.len(), "partner"),
        diagnostic::plural(site.playbooks.len(), "playbook"),
        diagnostic::plural(warnings, "warning"),
        started.elapsed().as_secs_f64(),
        output.display()
    ))?;
    // the process ends here: freeing the site string by string only adds
    // to the wait (issue 19, 10,000 partners, a build with nothing to
    // write: 5% of the wall time, 10% of the CPU time)
    std::mem::forget(theme);
    std::mem::forget(loaded);
    Ok(exit::OK)
}

/// The loaded site cut down to the edition of the partner `slug`; an
/// unknown slug is an error (exit 2) with the nearest one.
fn edition(loaded: pipeline::Loaded, slug: &str) -> anyhow::Result<pipeline::Loaded> {
    let pipeline::Loaded {
        site,
        diagnostics,
        config_failed,
    } = loaded;
    match crate::edition::narrow(site, slug) {
        Ok(site) => Ok(pipeline::Loaded {
            site,
            diagnostics,
            config_failed,
        }),
        Err(site) => anyhow::bail!("{}", crate::edition::unknown_slug(&site, slug)),
    }
}

/// Reports template errors; the output is left as it was.
fn failed(
    diagnostics: &[crate::diagnostic::Diagnostic],
    output: &std::path::Path,
    base: &diagnostic::PathBase,
) -> u8 {
    term::diagnostics_from(diagnostics, Format::Human, base);
    term::status(&format!(
        "build failed: {}; {} was not touched",
        diagnostic::count_summary(diagnostics),
        output.display()
    ));
    exit_code(diagnostics, false)
}
