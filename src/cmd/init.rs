//! `partnerbook init [DIR]`: a new site in an empty or new folder, with a
//! commented configuration, an example partner and playbook that build
//! without a warning, the schemas, and editor settings that use them.

use anyhow::bail;

use crate::cli::InitArgs;
use crate::cmd::new::create;
use crate::cmd::{exit, today};
use crate::scaffold;

/// Creates the site and returns the exit code.
pub(crate) fn run(args: &InitArgs) -> anyhow::Result<u8> {
    let dir = &args.dir;
    let shown = scaffold::shell_path(dir);
    if dir.exists() {
        if !dir.is_dir() {
            bail!(
                "cannot create a site in {shown}: it is a file, not a folder\n  help: give the name of a new folder, e.g. `partnerbook init partner-playbook`"
            );
        }
        let mut names = std::fs::read_dir(dir)
            .and_then(|entries| {
                entries
                    .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot read the folder {shown}: {e}\n  help: check that you may read it"
                )
            })?;
        if !names.is_empty() {
            // hidden files count too: a site must not mix with a checkout's .git
            names.sort();
            let more = names.len().saturating_sub(3);
            names.truncate(3);
            let mut held = names.join(", ");
            if more > 0 {
                held.push_str(&format!(" and {more} more"));
            }
            bail!(
                "refusing to create a site in {shown}: the folder is not empty (it holds {held})\n  help: give the name of a new or empty folder, e.g. `partnerbook init partner-playbook`"
            );
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the folder {shown}: {e}\n  help: check that you may write to the folder above it"
        )
    })?;

    let partner = scaffold::example_partner(today()?);
    let files: [(&str, &str); 7] = [
        ("partnerbook.yaml", scaffold::CONFIG),
        (scaffold::EXAMPLE_PARTNER_PATH, &partner),
        (scaffold::EXAMPLE_PLAYBOOK_PATH, scaffold::EXAMPLE_PLAYBOOK),
        (scaffold::PARTNER_SCHEMA_PATH, scaffold::PARTNER_SCHEMA),
        (scaffold::CONFIG_SCHEMA_PATH, scaffold::CONFIG_SCHEMA),
        (".vscode/settings.json", scaffold::VSCODE_SETTINGS),
        (".gitignore", scaffold::GITIGNORE),
    ];
    for (rel, text) in files {
        create(dir, rel, text)?;
    }

    // "in ." says little: name the folder
    let place = if dir.as_os_str() == "." {
        std::env::current_dir().map_or(shown.clone(), |d| d.display().to_string())
    } else {
        shown.clone()
    };
    let mut out = format!("created a partnerbook site in {place}:\n");
    for (rel, _) in files {
        out.push_str(&format!("  {rel}\n"));
    }
    out.push_str("next:\n");
    if dir.as_os_str() != "." {
        out.push_str(&format!("  cd {shown}\n"));
    }
    out.push_str("  partnerbook serve                       # preview the site in your browser\n");
    out.push_str("  partnerbook new partner \"Their Name\"    # start a record of your own\n");
    out.push_str("  partnerbook docs record                 # what each field of a record means\n");
    crate::term::print(out)?;
    Ok(exit::OK)
}
