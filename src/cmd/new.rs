//! `partnerbook new` (not written yet).

/// Not written yet.
pub fn run(_args: &crate::cli::NewArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`partnerbook new` is not written yet")
}
