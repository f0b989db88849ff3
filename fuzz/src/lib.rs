//! The fuzz targets' shared code.
//!
//! In: fuzz inputs, from the targets in `fuzz_targets/`. Out: panics when
//! reportsite breaks a promise. [`checks`] (content) and [`paths`] (the preview
//! server's path cleaning) are plain library calls, also replayed by
//! `tests/integration/fuzz_regressions.rs`; [`live`] drives the preview server
//! over a loopback connection.

pub mod checks;
pub mod live;
pub mod paths;
