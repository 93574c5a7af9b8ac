//! `partnerbook init` (not written yet).

/// Not written yet.
pub fn run(_args: &crate::cli::InitArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`partnerbook init` is not written yet")
}
