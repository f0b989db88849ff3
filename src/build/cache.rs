//! What one build leaves for the next (the preview), and the fingerprints that
//! say whether an earlier result can be reused.
//!
//! In: the site, the views every page shares, and this build's Markdown and
//! pages. Out: [`BuildCache`] (each entry's Markdown and each content page, with
//! the fingerprint of the inputs it was made from), and the fingerprints
//! themselves: of the whole build ([`build_fingerprint`]), of the link
//! environment of Markdown ([`links_fingerprint`]), of each entry's Markdown
//! ([`markdown_keys`]) and of each page's view ([`page_view_key`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::Rendered;
use super::plan::StaticSource;
use crate::error::Diagnostic;
use crate::fingerprint::Fingerprint;
use crate::markdown;
use crate::model::Report;
use crate::render::{EntryHtml, ReportView};
use crate::site::Site;

/// What one build leaves for the next: each entry's Markdown and each page, with
/// the fingerprint of the inputs it was made from ([`Site::build_cached`]).
#[derive(Debug, Default)]
pub struct BuildCache {
    pub(super) markdown: HashMap<String, CachedMarkdown>,
    pub(super) pages: HashMap<String, CachedPage>,
    reused: usize,
}

impl BuildCache {
    /// How many content pages the last build took from the cache unchanged.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// Keeps this build's content pages for the next, with their fingerprints.
    pub(super) fn keep_pages<'a>(
        &mut self,
        pages: impl Iterator<Item = (&'a Arc<Rendered>, u128)>,
        reused: usize,
    ) {
        self.pages.clear();
        for (rendered, key) in pages {
            self.pages.insert(
                rendered.0.path.clone(),
                CachedPage {
                    key,
                    rendered: Arc::clone(rendered),
                },
            );
        }
        self.reused = reused;
    }
}

/// One entry's Markdown, made from inputs with fingerprint `key`.
#[derive(Debug)]
pub(super) struct CachedMarkdown {
    pub(super) key: u128,
    pub(super) html: Arc<EntryHtml>,
    pub(super) problems: Vec<Diagnostic>,
}

/// One content page, made from inputs with fingerprint `key`.
#[derive(Debug)]
pub(super) struct CachedPage {
    pub(super) key: u128,
    pub(super) rendered: Arc<Rendered>,
}

/// The fingerprint of each entry's Markdown inputs: its text, file, path and
/// kind, and what links may point at ([`links_fingerprint`]).
pub(super) fn markdown_keys(links: &markdown::Links<'_>, report: &Report, raw: bool) -> Vec<u128> {
    let env = links_fingerprint(links, report, raw);
    report
        .entries
        .par_iter()
        .map(|e| {
            Fingerprint::new()
                .num(env)
                .num(e.source.text_fingerprint())
                .str(&e.source.file)
                .str(e.path.url())
                .str(e.kind.as_str())
                .finish()
        })
        .collect()
}

/// Adds to `fp` what the view of entry `i` ([`crate::render::PageView::new`])
/// takes from outside its own source file: its number, and the links to its
/// ancestors, neighbours and children (by their fingerprints, `link_keys`).
/// Everything else in the view comes from the source's text, path and kind, or
/// from its Markdown, which the Markdown's fingerprint covers; the base path is
/// in the build's. A field added to `PageView` that reads other entries must be
/// added here (the `incremental` tests compare the preview's builds with whole
/// ones).
pub(super) fn page_view_key(fp: &mut Fingerprint, report: &Report, link_keys: &[u128], i: usize) {
    let e = &report.entries[i];
    match &e.number {
        Some(n) => fp.num(1).str(n),
        None => fp.num(0),
    };
    let ancestors = report.ancestors(i);
    fp.num(ancestors.len() as u128);
    for a in ancestors {
        fp.num(link_keys[a]);
    }
    fp.num(i.checked_sub(1).map_or(0, |p| link_keys[p]));
    fp.num(link_keys.get(i + 1).copied().unwrap_or(0));
    fp.num(e.children.len() as u128);
    for &c in &e.children {
        fp.num(link_keys[c]);
    }
    // Zola's `lower`/`higher`: the nearest sibling pages.
    if let Some(p) = e.parent {
        let siblings = &report.entries[p].children;
        let is_page = |c: &&usize| !report.entries[**c].is_section();
        if let Some(k) = siblings.iter().position(|&c| c == i) {
            let lower = siblings[..k].iter().rev().find(is_page);
            let higher = siblings[k + 1..].iter().find(is_page);
            fp.num(lower.map_or(0, |&c| link_keys[c]));
            fp.num(higher.map_or(0, |&c| link_keys[c]));
        }
    }
}

/// Each entry's Markdown key, with the templates' fingerprint for an entry
/// that may call content components (its text has `{{` or `{%`): their
/// output comes from the templates.
pub(super) fn with_templates(keys: Vec<u128>, site: &Site) -> Vec<u128> {
    let mut t = Fingerprint::new();
    for f in site.theme.templates.iter().chain(&site.site_templates) {
        t.str(&f.name).bytes(&f.bytes);
    }
    let templates = t.finish();
    keys.into_iter()
        .zip(&site.report.entries)
        .map(|(k, e)| {
            let text = e.source.body();
            match text.contains("{{") || text.contains("{%") {
                true => Fingerprint::new().num(k).num(templates).finish(),
                false => k,
            }
        })
        .collect()
}

/// The build's fingerprint `key` with every entry's Markdown and link: for
/// templates that look other pages up (`get_page`, `get_section`).
pub(super) fn with_index(
    key: u128,
    markdown: &[u128],
    links: &crate::render::Links<'_>,
    entries: usize,
) -> u128 {
    let mut fp = Fingerprint::new();
    fp.num(key);
    for &k in markdown {
        fp.num(k);
    }
    for i in 0..entries {
        fp.value(links.get(i));
    }
    fp.finish()
}

/// The fingerprint of everything Markdown link resolution reads besides the text.
/// The two maps are made from the report's entries, one pair per entry: hashing
/// the entries' files and paths in reading order covers both (and
/// `entry_paths`), without sorting the maps.
fn links_fingerprint(links: &markdown::Links<'_>, report: &Report, raw: bool) -> u128 {
    let mut fp = Fingerprint::new();
    fp.num(report.entries.len() as u128);
    for e in &report.entries {
        fp.str(&e.source.rel).str(e.path.url());
    }
    debug_assert_eq!(links.by_rel.len(), report.entries.len());
    debug_assert_eq!(links.pages.len(), report.entries.len());
    debug_assert_eq!(links.entry_paths.len(), report.entries.len());
    let mut files: Vec<&String> = links.files.iter().collect();
    files.sort_unstable();
    fp.value(&files)
        .str(links.base_path)
        .value(links.drafts)
        .value(links.unreadable)
        .num(
            u128::from(links.lines_aside) << 2 | u128::from(links.sourcepos) << 1 | u128::from(raw),
        )
        .num(links.plain_english.map_or(0, |c| c.fingerprint()));
    fp.finish()
}

/// The fingerprint of what every page of a build shares: the templates, the
/// template globals (settings and the report's view), the page stages and what
/// they know of the site, and the version of reportsite.
pub(super) fn build_fingerprint(
    site: &Site,
    report_view: &ReportView<'_>,
    statics: &BTreeMap<String, StaticSource<'_>>,
    origin: &str,
) -> u128 {
    let config = &site.config;
    let mut fp = Fingerprint::new();
    fp.str(env!("CARGO_PKG_VERSION")).str(&site.theme.name);
    for (prefix, files) in [
        ("theme", &site.theme.templates),
        ("site", &site.site_templates),
    ] {
        fp.str(prefix).num(files.len() as u128);
        for f in files.iter() {
            fp.str(&f.name).bytes(&f.bytes);
        }
    }
    fp.value(config)
        .value(report_view)
        .str(origin)
        .str(&config.base_path());
    let names = site.stage_names();
    for name in &names {
        fp.str(name);
    }
    if names.contains(&crate::plugins::a11y::NAME) {
        let info = super::stages::a11y_info(site, statics, &report_view.documents);
        fp.value(&info.glossary)
            .str(&info.lang)
            .str(&info.origin)
            .str(&info.base_path);
        let mut sizes: Vec<(&String, &u64)> = info.file_sizes.iter().collect();
        sizes.sort();
        fp.value(&sizes);
        let mut ignore: Vec<&String> = info.ignore.iter().collect();
        ignore.sort();
        let mut warn: Vec<&String> = info.warn.iter().collect();
        warn.sort();
        fp.value(&ignore).value(&warn);
    }
    fp.finish()
}
