//! `partnerbook serve`: see [`crate::serve`].

use crate::cli::ServeArgs;
use crate::cmd::{exit, options};
use crate::serve::{self, ServeOptions};

/// Serves the site until Ctrl-C.
pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<u8> {
    serve::run(ServeOptions {
        build: options(&args.site, args.base_url.as_deref())?,
        interface: args.interface,
        port: args.port,
        open: args.open,
        poll: args.poll,
        partner: args.partner.clone(),
    })?;
    Ok(exit::OK)
}
