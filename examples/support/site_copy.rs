//! Shared by the preview benchmarks (`watch_latency`, `rebuild_time`): a copy of
//! a site to edit, and the page to edit in it.
//!
//! In: a site folder. Out: a copy of its `config.toml`, `content/`,
//! `templates/`, `static/` and `themes/` (the original is never edited), and the
//! first Markdown page of `content/` that is not a chapter's `_index.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Copies the parts of the site at `from` that a build reads into `to`, then
/// waits until their time stamps are old enough for the preview to trust
/// (`reportsite::load::RACY_WINDOW`): freshly copied files would all be read
/// again at the first saves, which no real editing session sees.
pub fn copy_site(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    std::fs::copy(from.join("config.toml"), to.join("config.toml"))?;
    for dir in ["content", "templates", "static", "themes"] {
        let src = from.join(dir);
        if !src.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&src) {
            let e = e.map_err(std::io::Error::other)?;
            let rel = e.path().strip_prefix(from).map_err(std::io::Error::other)?;
            if e.file_type().is_dir() {
                std::fs::create_dir_all(to.join(rel))?;
            } else if e.file_type().is_file() {
                std::fs::copy(e.path(), to.join(rel))?;
            }
        }
    }
    std::thread::sleep(reportsite::load::RACY_WINDOW + Duration::from_millis(100));
    Ok(())
}

/// The first Markdown page under `site/content` (by path) that is not an `_index.md`.
pub fn first_page(site: &Path) -> Option<PathBuf> {
    walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
        })
        .min()
}
