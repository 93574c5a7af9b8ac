//! `partnerbook new partner NAME`: writes `content/partners/<slug>.yaml`
//! from the commented template, never over an existing record.

use std::io::Write as _;
use std::path::Path;

use anyhow::{anyhow, bail};

use crate::cli::{NewArgs, NewCommand, NewPartnerArgs, SiteArgs};
use crate::cmd::{exit, root, today};
use crate::pipeline::walk;
use crate::scaffold;

/// Writes the requested file and returns the exit code.
pub(crate) fn run(args: &NewArgs) -> anyhow::Result<u8> {
    match &args.what {
        NewCommand::Partner(args) => partner(args),
    }
}

fn partner(args: &NewPartnerArgs) -> anyhow::Result<u8> {
    let name = args.name.trim();
    if name.is_empty() {
        bail!(
            "the partner's name is empty\n  help: give the name people know the partner by: `partnerbook new partner \"Cobalt Ridge Distribution\"`"
        );
    }
    if name.chars().any(char::is_control) {
        bail!(
            "the partner's name holds a line break or another control character\n  help: give the name on one line, as it should appear on the site"
        );
    }
    let Some(slug) = crate::slug::from_name(name) else {
        bail!(
            "`{name}` gives no file name: it has no letter or digit to spell one with\n  help: give a name with a word in it, e.g. `partnerbook new partner \"Rocket Labs\"`; the file name stays when you change `name:` in the file afterwards, to `{name}` alone if you like"
        );
    };
    let root = root(&SiteArgs {
        root: args.root.clone(),
        drafts: false,
        deny_warnings: false,
    })?;
    let rel = format!("content/partners/{slug}.yaml");

    // the same slug from another file (`Northwind.yml`, `emea/northwind.yaml`)
    // would be a duplicate-slug error: refuse it now instead
    let found = walk::walk(&root);
    if let Some(other) = found.partners.iter().find(|e| e.key == slug) {
        if other.rel == rel {
            bail!(
                "{rel} already exists; partnerbook does not overwrite it\n  help: edit that file, or give the new partner a different name"
            );
        }
        bail!(
            "{} is already the record of `{slug}`, so {rel} would be a second file for the same page\n  help: edit {}, or give a name that differs in more than case, spaces or punctuation",
            other.rel,
            other.rel
        );
    }
    let text = scaffold::partner_template(name, today()?);
    // the record's folder first, since it is what fails when the site is
    // not writable; then the schema the record names; then the record
    let folder = root.join("content/partners");
    std::fs::create_dir_all(&folder).map_err(|e| {
        anyhow!(
            "cannot create the folder {}: {e}\n  help: check that you may write there, and that no file is in the way",
            folder.display()
        )
    })?;
    let wrote_schema = !root.join(scaffold::PARTNER_SCHEMA_PATH).exists();
    if wrote_schema {
        create(
            &root,
            scaffold::PARTNER_SCHEMA_PATH,
            scaffold::PARTNER_SCHEMA,
        )?;
    }
    create(&root, &rel, &text)?;
    let also = if wrote_schema {
        format!(
            " (and {}, the schema it names, for completion in your editor)",
            scaffold::PARTNER_SCHEMA_PATH
        )
    } else {
        String::new()
    };
    crate::term::print(format!(
        "wrote {}{also}; `partnerbook check` points at each line to fill in\n",
        root.join(&rel).display()
    ))?;
    Ok(exit::OK)
}

/// Writes `text` to `rel` below `root`, creating folders. It never
/// replaces a file, even one that appeared since the caller looked.
pub(crate) fn create(root: &Path, rel: &str, text: &str) -> anyhow::Result<()> {
    let path = root.join(rel);
    let failed = |what: &str, at: &Path, e: std::io::Error| {
        anyhow!(
            "cannot {what} {}: {e}\n  help: check that you may write there, and that no file is in the way",
            at.display()
        )
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| failed("create the folder", parent, e))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; partnerbook does not overwrite files\n  help: move it away first, or choose another name",
            path.display()
        ),
        Err(e) => return Err(failed("write", &path, e)),
    };
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| failed("write", &path, e))
}
