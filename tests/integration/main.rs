//! Integration tests: one binary, a module per feature. Fixture sites live in
//! `tests/fixtures/`; see `tests/README.md`.

#![allow(clippy::result_large_err)]

mod a11y;
mod act;
mod charts;
mod common;
mod csp;
mod faults;
#[cfg(feature = "serve")]
mod fuzz_regressions;
mod hostile;
mod incremental;
mod invalid;
mod output;
mod plain_english;
mod plain_english_advice;
mod publishing;
mod reader;
mod sample;
mod second_report;
#[cfg(feature = "serve")]
mod server;
mod severity;
#[cfg(feature = "serve")]
mod watch;
mod zola;
mod zola_content;
mod zola_templates;
