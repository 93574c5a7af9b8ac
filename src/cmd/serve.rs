//! `partnerbook serve` (not written yet).

/// Not written yet.
pub fn run(_args: &crate::cli::ServeArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`partnerbook serve` is not written yet")
}
