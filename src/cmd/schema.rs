//! `partnerbook schema [partner|config]`: prints the JSON Schema (draft-07)
//! of a partner record or of `partnerbook.yaml`, exactly as `init` writes it
//! into `schemas/`.

use std::io::Write as _;

use anyhow::Context as _;

use crate::cli::{SchemaArgs, SchemaKind};
use crate::cmd::exit;
use crate::scaffold;

/// Prints the chosen schema to standard output.
pub fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    let text = match args.kind {
        SchemaKind::Partner => scaffold::PARTNER_SCHEMA,
        SchemaKind::Config => scaffold::CONFIG_SCHEMA,
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // `partnerbook schema | head` closes the pipe early: not a failure
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        result => {
            result.context("cannot write the schema to standard output")?;
            Ok(exit::OK)
        }
    }
}
