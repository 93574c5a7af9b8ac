//! `partnerbook schema` (not written yet).

/// Not written yet.
pub fn run(_args: &crate::cli::SchemaArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`partnerbook schema` is not written yet")
}
