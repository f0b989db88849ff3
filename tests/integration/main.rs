//! Integration tests: one binary, a module per feature. Fixture sites live in
//! `tests/fixtures/`; see `tests/README.md`.

#![allow(clippy::result_large_err)]

mod common;
mod invalid;
mod output;
mod sample;
mod second_report;
