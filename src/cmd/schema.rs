//! `partnerbook schema [partner|config]`: prints the JSON Schema (draft-07)
//! of a partner record or of `partnerbook.yaml`, exactly as `init` writes it
//! into `schemas/`.

use crate::cli::{SchemaArgs, SchemaKind};
use crate::cmd::exit;
use crate::scaffold;
use crate::term;

/// Prints the chosen schema to standard output.
pub(crate) fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    term::print(match args.kind {
        SchemaKind::Partner => scaffold::PARTNER_SCHEMA,
        SchemaKind::Config => scaffold::CONFIG_SCHEMA,
    })?;
    Ok(exit::OK)
}
