//! One preview build: an incremental rebuild whose result is that of a whole one.
//!
//! In: the site folder, the server's origin, and the [`Change`]s since the last
//! call. Out: a [`Rebuilt`] — the build (or why it failed), the base URL it was
//! built with, how long it took and how many content pages it rendered.
//!
//! A rebuild is `Site::load_cached` + `build_cached`: it re-reads only the files
//! that changed and re-renders only the pages whose inputs changed (their
//! fingerprints, see [`BuildCache`]). The site is built with its base URL pointed
//! at the server (the path part of `config.toml`'s `base_url` is kept), so every
//! link works in the preview. A panic inside the library becomes an error
//! diagnostic, and the caches are dropped, so the preview keeps running.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{BuildCache, Built};
use crate::config::{CONFIG_FILE, Config};
use crate::error::{Diagnostic, Error, Result};
use crate::load::SourceCache;
use crate::site::{LoadOptions, Site};

use super::watch::{Change, ChangeKind};

/// Builds the site in memory for the preview. One call is one rebuild, which
/// re-reads only the Markdown files that changed on disk and re-renders only the
/// pages whose inputs changed: the result is always that of a whole build.
#[derive(Debug)]
pub struct Builder {
    root: PathBuf,
    origin: String,
    drafts: bool,
    sources: SourceCache,
    models: crate::model::ModelCache,
    cache: BuildCache,
}

/// The result of one rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// The build, or why it failed.
    pub result: Result<Built>,
    /// The base URL it was built with.
    pub base_url: String,
    /// Its path part.
    pub base_path: String,
    /// How long it took.
    pub elapsed: Duration,
    /// Content pages rendered (the others were unchanged and reused).
    pub rendered: usize,
}

impl Builder {
    /// A builder for the site at `root`, served at `origin` (`http://127.0.0.1:1111`).
    pub fn new(root: &Path, origin: &str, drafts: bool) -> Builder {
        Builder {
            root: root.to_path_buf(),
            origin: origin.trim_end_matches('/').to_string(),
            drafts,
            sources: SourceCache::default(),
            models: crate::model::ModelCache::default(),
            cache: BuildCache::default(),
        }
    }

    /// The base URL a preview build uses: the server's origin with the path part
    /// of the site's own `base_url` (so a site published under `/reports/x/` is
    /// previewed there too). When `config.toml` cannot be read the build reports
    /// why; the root path is used meanwhile.
    pub fn base_url(&self) -> (String, String) {
        let path = std::fs::read_to_string(self.root.join(CONFIG_FILE))
            .or_else(|_| std::fs::read_to_string(self.root.join(crate::config::ZOLA_CONFIG_FILE)))
            .ok()
            .and_then(|t| {
                let t = t.strip_prefix('\u{feff}').unwrap_or(&t).to_string();
                Config::parse(&t, CONFIG_FILE).ok()
            })
            .map(|c| c.base_path())
            .unwrap_or_else(|| "/".to_string());
        (
            format!("{}{}", self.origin, path.trim_end_matches('/')),
            path,
        )
    }

    /// Whether the files of `content/` are no longer those the last build read,
    /// though no event said so (see [`crate::load::listing_changed`]).
    pub(crate) fn listing_changed(&self) -> bool {
        crate::load::listing_changed(&self.root, &self.sources)
    }

    /// Rebuilds the site. `changes` says what changed since the last call: the
    /// Markdown files named there are read again whatever their time stamps; the
    /// others are read again when their length, time or inode changed.
    pub fn rebuild(&mut self, changes: &[Change]) -> Rebuilt {
        let start = Instant::now();
        self.forget(changes);
        let (base_url, base_path) = self.base_url();
        let options = LoadOptions {
            drafts: self.drafts,
            base_url: Some(base_url.clone()),
            stream_bodies: false,
        };
        let root = self.root.clone();
        let sources = &mut self.sources;
        let models = &mut self.models;
        let cache = &mut self.cache;
        // The library does not panic on any input it knows of; if it ever does,
        // the preview says so and keeps running (and forgets what it kept).
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let site = Site::load_cached(&root, &options, Some(sources), Some(models))?;
            let built = site.build_cached(cache)?;
            Ok((built, site.report.entries.len() - cache.reused()))
        }));
        let (result, rendered) = match outcome {
            Ok(Ok((built, rendered))) => (Ok(built), rendered),
            Ok(Err(e)) => (Err(e), 0),
            Err(panic) => {
                self.sources = SourceCache::default();
                self.models = crate::model::ModelCache::default();
                self.cache = BuildCache::default();
                (Err(internal_error(panic.as_ref())), 0)
            }
        };
        Rebuilt {
            result,
            base_url,
            base_path,
            elapsed: start.elapsed(),
            rendered,
        }
    }

    /// Makes the next load read again every Markdown file `changes` name (all of
    /// them after lost events), and list `content/` again.
    fn forget(&mut self, changes: &[Change]) {
        for c in changes {
            if matches!(c.kind, ChangeKind::Rescan) {
                self.sources.clear();
                self.models.clear();
            }
            for p in c.paths() {
                if let Some(rel) = p.strip_prefix("content/") {
                    self.sources.forget(rel);
                }
            }
        }
        self.sources.forget_listing();
    }
}

/// The diagnostic for a panic inside the library.
fn internal_error(panic: &(dyn std::any::Any + Send)) -> Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    Error::content(vec![
        Diagnostic::error(
            "internal",
            "(reportsite)",
            format!("the build stopped on an internal error: {what}"),
        )
        .help("this is a bug in reportsite, not in your site: please report it with the file you last changed"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_the_sites_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config.toml"),
            "base_url = \"https://example.org/reports/x/\"\n",
        )
        .expect("write");
        let b = Builder::new(dir.path(), "http://127.0.0.1:5/", false);
        assert_eq!(
            b.base_url(),
            (
                "http://127.0.0.1:5/reports/x".to_string(),
                "/reports/x/".to_string()
            )
        );
        std::fs::write(dir.path().join("config.toml"), "base_url = ").expect("write");
        assert_eq!(b.base_url().1, "/");
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let e = internal_error(&"boom");
        let Error::Content(d) = e else {
            panic!("not a content error")
        };
        assert_eq!(d[0].code, "internal");
        assert!(d[0].message.ends_with("internal error: boom"));
    }
}
