//! What a build makes: the list of jobs, each one output file.
//!
//! In: the loaded [`Site`] (and, for the later jobs, the paths already made).
//! Out: [`Job`]s: every entry's page and the site's own pages (made in one
//! parallel pass), the accessibility statement (after the site-wide checks),
//! a redirect page per alias, every static file, and each generator's output.
//! The site's own pages' paths are named once, here ([`SitePage`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rustc_hash::FxHashSet;

use crate::error::Diagnostic;
use crate::load;
use crate::model::Report;
use crate::site::Site;
use crate::source;
use crate::theme::ThemeFile;

/// One output file to make.
pub(crate) enum Job<'s> {
    /// Entry `i`'s page (its Markdown, template and page stages).
    Entry(usize),
    /// One of the site's own pages, from its template.
    Site(SitePage),
    /// The accessibility statement, made from the audit of every other page.
    Statement(Box<crate::plugins::a11y::statement::Statement>),
    /// A page that sends readers from an old address (`path`) to `target`.
    Redirect { path: String, target: String },
    /// A static file or content asset, copied.
    Static {
        path: &'s str,
        source: &'s StaticSource<'s>,
    },
}

/// The site's own pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SitePage {
    Glossary,
    FullReport,
    NotFound,
    Statement,
}

impl SitePage {
    /// Every one of them, in the order they are made.
    pub(crate) const ALL: [SitePage; 4] = [
        SitePage::Glossary,
        SitePage::FullReport,
        SitePage::NotFound,
        SitePage::Statement,
    ];

    /// Its template, title, and path below the base path.
    pub(crate) fn template_title_path(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SitePage::Glossary => ("glossary.html", "Glossary", "glossary/"),
            SitePage::FullReport => ("full-report.html", "Full report", "full-report/"),
            SitePage::NotFound => ("404.html", "Page not found", "404.html"),
            SitePage::Statement => (
                "accessibility.html",
                "Accessibility statement",
                "accessibility/",
            ),
        }
    }

    /// Its output file (`glossary/index.html`).
    pub(crate) fn output_path(self) -> String {
        let (_, _, path) = self.template_title_path();
        if path.ends_with('/') {
            source::output_of_url(path)
        } else {
            path.to_string()
        }
    }
}

/// The pages of the first, parallel pass: every entry's page (except those
/// whose file has an error), then the glossary (when there is one), the full
/// report (when the site has it and its home page's file has no error) and
/// the 404 page.
pub(crate) fn pages<'s>(site: &Site, broken_files: &FxHashSet<String>) -> Vec<Job<'s>> {
    let report = &site.report;
    let mut jobs: Vec<Job<'s>> = (0..report.entries.len())
        .filter(|&i| !broken_files.contains(report.entries[i].source.file.as_str()))
        .map(Job::Entry)
        .collect();
    if !report.glossary.is_empty() {
        jobs.push(Job::Site(SitePage::Glossary));
    }
    if site.has_full_report() && !broken_files.contains(report.root().source.file.as_str()) {
        jobs.push(Job::Site(SitePage::FullReport));
    }
    jobs.push(Job::Site(SitePage::NotFound));
    jobs
}

/// A redirect page for each alias, unless it would replace a file already made
/// (in `made`, or an earlier alias) or leave the site: that is an error.
pub(crate) fn redirects<'s>(
    report: &Report,
    base_path: &str,
    made: &BTreeSet<String>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Job<'s>> {
    let mut planned: BTreeSet<String> = BTreeSet::new();
    let mut jobs = Vec::new();
    for e in &report.entries {
        for alias in e.source.front.aliases.iter().flatten() {
            let (a, path) = crate::source::alias_output(alias, base_path);
            let taken = made.contains(&path) || planned.contains(&path);
            if a.is_empty() || a.split('/').any(|s| s == "..") || taken {
                let (line, col) = e
                    .source
                    .value_position("aliases", alias.trim())
                    .unwrap_or((1, 1));
                problems.push(
                    Diagnostic::error(
                        "bad-alias",
                        &e.source.file,
                        format!("alias `{alias}` would overwrite another page or leave the site"),
                    )
                    .at_in(&e.source.text, line, col)
                    .help("an alias is an old URL path of this page, such as `old-name/`; remove it or change it"),
                );
                continue;
            }
            planned.insert(path.clone());
            let target = e.path.url_under(base_path);
            jobs.push(Job::Redirect { path, target });
        }
    }
    jobs
}

/// Where a static file comes from.
pub(crate) enum StaticSource<'a> {
    /// A theme's or the site's `static/` file, read at load.
    Memory(&'a ThemeFile),
    /// A content asset, read when copied.
    Disk { path: &'a Path, display: String },
}

impl StaticSource<'_> {
    /// The file as messages name it.
    pub(crate) fn display(&self) -> String {
        match self {
            StaticSource::Memory(f) => f.display.clone(),
            StaticSource::Disk { display, .. } => display.clone(),
        }
    }

    /// Its size in bytes (`None` when it cannot be read).
    pub(crate) fn size(&self) -> Option<u64> {
        match self {
            StaticSource::Memory(f) => Some(f.bytes.len() as u64),
            StaticSource::Disk { path, .. } => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }
}

/// Static files by output path: theme, then site `static/` (wins), then
/// content assets (win).
pub(crate) fn static_files(site: &Site) -> BTreeMap<String, StaticSource<'_>> {
    let mut m = BTreeMap::new();
    for f in site.theme.statics.iter().chain(site.site_static.iter()) {
        m.insert(f.name.clone(), StaticSource::Memory(f));
    }
    for a in &site.report.assets {
        m.insert(
            a.output.clone(),
            StaticSource::Disk {
                path: &a.path,
                display: format!("{}/{}", load::CONTENT_DIR, a.rel),
            },
        );
    }
    m
}

/// The static files to copy: those no page or redirect took (each that one
/// did is a warning: the generated page is kept).
pub(crate) fn statics<'s>(
    statics: &'s BTreeMap<String, StaticSource<'s>>,
    made: &BTreeSet<String>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Job<'s>> {
    let mut jobs = Vec::new();
    for (path, source) in statics {
        if made.contains(path) {
            warnings.push(Diagnostic::warning(
                "shadowed-file",
                source.display(),
                format!("`{path}` is also a generated page; the generated page is kept"),
            ));
            continue;
        }
        jobs.push(Job::Static { path, source });
    }
    jobs
}
