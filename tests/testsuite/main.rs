//! The integration test suite: one binary, a module per feature. Each test
//! runs the real `partnerbook` binary on a small fixture site; see
//! tests/README.md for how to add a case.

mod support;

mod architecture;
mod both_sides;
mod cli;
mod diagnostics;
mod edition;
mod escapes;
mod exports;
mod fastyaml;
mod feeds;
mod filesystem;
mod first_run;
mod grid;
mod incremental;
mod injection;
mod kill;
mod limits;
mod lints;
mod names;
mod output;
mod pages;
mod publish;
mod relative_links;
mod safety;
mod scaffold;
mod scalars;
mod schema;
mod schema_tools;
mod serve;
mod spans;
mod views;
mod watch;
