//! # reportsite
//!
//! Publishes a public-sector report (board papers, annual reports) as an
//! accessible static microsite. Authors write Markdown with YAML front matter; the
//! library turns it into a typed report model, renders it through a Tera 2 theme,
//! post-processes every page, and returns the files of a static site.
//!
//! ```no_run
//! use reportsite::site::{LoadOptions, Site};
//! let site = Site::load(std::path::Path::new("."), &LoadOptions::default())?;
//! let built = site.build()?;
//! reportsite::output::write_site(&built.files, std::path::Path::new("public"))?;
//! // Or straight to disk, each file as it is made:
//! let staging = reportsite::output::Staging::new(std::path::Path::new("public"))?;
//! let built = site.build_into(&staging, &|_, _| {})?;
//! staging.finish(built.written.iter().map(String::as_str))?;
//! # Ok::<(), reportsite::error::Error>(())
//! ```
//!
//! The pipeline, one module per stage: [`config`] → [`load`] (with
//! [`frontmatter`]) → [`model`] → [`markdown`] → [`render`] (with [`theme`]) →
//! [`plugins`] → [`output`]; [`site`] holds the loaded site and [`build`] runs
//! the stages in order, handing every file to one [`output::Sink`]. With the default
//! `serve` feature, `serve` is the live-reloading preview behind `reportsite watch`.

#![warn(missing_docs, unreachable_pub)]
// Diagnostics travel by value on the (cold) error path; boxing them would only
// add noise to every signature.
#![allow(clippy::result_large_err)]

pub mod build;
pub(crate) mod charts;
pub mod config;
pub(crate) mod content_components;
pub mod data;
pub mod error;
pub mod fingerprint;
pub mod frontmatter;
pub mod html;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod plain_english;
pub mod plugins;
pub mod render;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod source;
pub mod suggest;
pub mod template_compact;
pub mod template_functions;
pub mod theme;
pub(crate) mod toml_tree;
pub mod yaml;

pub use build::{AdviceListing, BuildCache, Built, Timings};
pub use error::{Diagnostic, Error, Result};
pub use site::{LoadOptions, Site};
