//! Running one job: an output file made, through the page stages when it is
//! HTML, and handed to the sink.
//!
//! In: a [`Job`] and what every job shares ([`Jobs`]: the templates, the views,
//! the page stages, the previous build's pages, the sink). Out: a [`Done`]: the
//! page with its findings and facts, or the file's path, or why it was not made.
//! Every HTML page (entries, the site's own pages, redirects) goes through
//! [`finish_page`] and then [`Jobs::deliver`]; every other file through
//! [`Jobs::deliver`] alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use tera::Context;

use super::Rendered;
use super::advice_cap::{AdviceCap, LeftOut};
use super::cache::{CachedPage, page_view_key};
use super::markdown_pass::entry_html;
use super::plan::{Job, SitePage, StaticSource};
use super::stages::finish_page;
use crate::error::{Diagnostic, Error, Result, Severity};
use crate::fingerprint::Fingerprint;
use crate::markdown;
use crate::model::Entry;
use crate::output::{self, OutputFile, Sink};
use crate::plugins::{PageContext, Pipeline, a11y};
use crate::render::{self, EntryHtml, FullEntryView, Links, PageView, Renderer, ReportView};
use crate::site::Site;
use crate::source;

/// What a job made.
pub(crate) enum Done<'s> {
    /// An HTML page after its stages (its bytes only when the cache keeps
    /// them), the content file it was made from, the problems of its Markdown
    /// and, in a cached build, its fingerprint.
    Page {
        rendered: Arc<Rendered>,
        file: Option<&'s str>,
        problems: Vec<Diagnostic>,
        /// Its plain-English advice counted instead of kept ([`AdviceCap`]).
        left_out: LeftOut,
        key: Option<u128>,
    },
    /// A file that is not one of the site's pages (a redirect, a static file):
    /// its path and its findings.
    File {
        path: String,
        findings: Vec<Diagnostic>,
    },
    /// Not made: its file, Markdown or template has an error. An entry's page
    /// names its path: links to it are not broken links.
    NotMade {
        path: Option<String>,
        problems: Vec<Diagnostic>,
        /// Its plain-English advice counted instead of made ([`AdviceCap`]).
        left_out: LeftOut,
    },
}

/// What a cached build compares with the previous build's pages.
pub(crate) struct Keys<'a> {
    /// What every page shares ([`super::cache::build_fingerprint`]).
    pub(crate) build: u128,
    /// Each entry's Markdown inputs.
    pub(crate) markdown: &'a [u128],
    /// Each entry's link view.
    pub(crate) links: Vec<u128>,
    pub(crate) previous: &'a HashMap<String, CachedPage>,
}

/// What every job shares.
pub(crate) struct Jobs<'a> {
    pub(crate) site: &'a Site,
    pub(crate) renderer: &'a Renderer,
    pub(crate) links: &'a Links<'a>,
    pub(crate) links_md: &'a markdown::Links<'a>,
    pub(crate) report_view: &'a ReportView<'a>,
    pub(crate) pipeline: &'a Pipeline<'a>,
    /// Each entry's Markdown, when made before the pages.
    pub(crate) htmls: &'a [Arc<EntryHtml>],
    /// Each entry's Markdown is made in its page's job, just before the page.
    pub(crate) fused: bool,
    pub(crate) broken_files: &'a HashSet<String>,
    pub(crate) origin: String,
    pub(crate) base_path: String,
    pub(crate) keys: Option<Keys<'a>>,
    pub(crate) sink: &'a dyn Sink,
    pub(crate) progress: &'a (dyn Fn(usize, usize) + Sync),
    pub(crate) counters: Counters,
    /// With a limit on the advice listed: what of a page's advice is kept.
    pub(crate) advice_cap: Option<AdviceCap<'a>>,
}

impl<'a> Jobs<'a> {
    /// Makes `job`'s file and hands it to the sink; the sink's error stops the build.
    pub(crate) fn run(&self, job: &Job<'_>) -> Result<Done<'a>> {
        match job {
            Job::Entry(i) => self.entry(*i),
            Job::Site(page) => self.site_page(*page, &|_| {}),
            Job::Statement(statement) => {
                self.site_page(SitePage::Statement, &|c| c.insert("statement", statement))
            }
            Job::Redirect { path, target } => {
                let html = output::redirect_page(target, &self.site.config.default_language);
                let url = format!("{}{}", self.base_path, source::url_of_output(path));
                let page = PageContext::new(path, None).at_url(&url);
                let (file, findings, _) = finish_page(self.pipeline, html, &page);
                let path = file.path.clone();
                self.sink.put(file)?;
                Ok(Done::File { path, findings })
            }
            Job::Static { path, source } => {
                let bytes = match source {
                    StaticSource::Memory(f) => bytes::Bytes::copy_from_slice(&f.bytes),
                    StaticSource::Disk { path: p, .. } => std::fs::read(p)
                        .map_err(|e| Error::io("cannot read", p, e))?
                        .into(),
                };
                self.put(path, bytes)
            }
        }
    }

    /// Hands a file that is not a page (a static file, a generator's) to the sink.
    pub(crate) fn put(&self, path: &str, bytes: bytes::Bytes) -> Result<Done<'a>> {
        self.sink.put(OutputFile {
            path: path.to_string(),
            bytes,
        })?;
        Ok(Done::File {
            path: path.to_string(),
            findings: Vec::new(),
        })
    }

    /// Hands a finished page to the sink; its bytes are kept only for the cache.
    fn deliver(&self, mut rendered: Rendered) -> Result<Arc<Rendered>> {
        self.sink.put(rendered.0.clone())?;
        if self.keys.is_none() {
            rendered.0.bytes = bytes::Bytes::new();
        }
        Ok(Arc::new(rendered))
    }

    /// Entry `i`'s page: its Markdown (when `fused`), then its page; not made
    /// when its Markdown or its template has an error.
    fn entry(&self, i: usize) -> Result<Done<'a>> {
        let e = &self.site.report.entries[i];
        // Advice no listing can show is only counted, not made (none of it
        // then reaches `problems`).
        let counts = std::sync::Mutex::new(LeftOut::new());
        let counted = |counts: std::sync::Mutex<LeftOut>| {
            counts.into_inner().unwrap_or_else(|e| e.into_inner())
        };
        let not_made = |problems, left_out| Done::NotMade {
            path: Some(e.path.output().to_string()),
            problems,
            left_out,
        };
        let mut problems = Vec::new();
        let mut html = Arc::clone(&self.htmls[i]);
        if self.fused {
            let mut links = *self.links_md;
            let counts_only = self.advice_cap.as_ref().is_some_and(|cap| {
                links.plain_english.is_some_and(|c| c.can_count())
                    && cap.counts_only(&e.source.file)
            });
            if counts_only {
                links.plain_english_counts = Some(&counts);
            }
            let t_md = Instant::now();
            let raw = self.site.config.allow_raw_html;
            let calls: &dyn crate::content_components::CallRenderer = self.renderer;
            let (made, p) = entry_html(
                &e.source,
                &self.site.root,
                e.kind,
                e.path.url(),
                &links,
                raw,
                Some(calls),
            );
            Counters::add(&self.counters.markdown_nanos, t_md);
            // A page whose Markdown has errors is not made; the other pages
            // are, so their template and audit errors show too.
            if p.iter().any(|d| d.severity == Severity::Error) {
                return Ok(not_made(p, counted(counts)));
            }
            problems = p;
            html = Arc::new(made);
        }
        match self.entry_page(i, &html)? {
            Ok((rendered, key)) => {
                let mut left_out = counted(counts);
                if let Some(cap) = &self.advice_cap {
                    cap.take(&e.source.file, &mut problems, &mut left_out);
                }
                Ok(Done::Page {
                    rendered,
                    file: Some(e.source.file.as_str()),
                    problems,
                    left_out,
                    key,
                })
            }
            Err(d) => {
                problems.push(d);
                Ok(not_made(problems, counted(counts)))
            }
        }
    }

    /// Entry `i`'s page: from the previous build when its fingerprint is the
    /// same, else its template and the page stages; then to the sink.
    #[allow(clippy::type_complexity)]
    fn entry_page(
        &self,
        i: usize,
        entry_html: &EntryHtml,
    ) -> Result<std::result::Result<(Arc<Rendered>, Option<u128>), Diagnostic>> {
        let report = &self.site.report;
        let e = &report.entries[i];
        let (template, key) = render::template_for(e, i == 0);
        if !self.renderer.has_template(&template) {
            return Ok(Err(unknown_template(self.renderer, e, &template)));
        }
        let out_path = e.path.output();
        let page_key = self.keys.as_ref().map(|k| {
            // The page's fingerprint: the build's, its Markdown's, and what its
            // view takes from other entries (see `page_view_key`).
            let mut fp = Fingerprint::new();
            fp.num(k.build).num(k.markdown[i]).str(&template).str(key);
            page_view_key(&mut fp, report, &k.links, i);
            fp.finish()
        });
        if let (Some(k), Some(keys)) = (page_key, &self.keys)
            && let Some(c) = keys.previous.get(out_path)
            && c.key == k
        {
            self.sink.put(c.rendered.0.clone())?;
            self.counters.reused.fetch_add(1, Ordering::Relaxed);
            self.one_done();
            return Ok(Ok((Arc::clone(&c.rendered), page_key)));
        }
        let t_tpl = Instant::now();
        let html = match self.entry_template(i, (&template, key), entry_html) {
            Ok(html) => html,
            Err(d) => return Ok(Err(d)),
        };
        // A template that shows the body changed leaves the audit no body to
        // give the lines kept aside: it shows the body with them written back.
        let marked;
        let (html, entry_html) = match &entry_html.lines {
            Some(lines) if !a11y::shows_body(&html, &entry_html.content) => {
                marked = EntryHtml {
                    content: lines.marked(&entry_html.content),
                    lines: None,
                    splice: false,
                    ..entry_html.clone()
                };
                match self.entry_template(i, (&template, key), &marked) {
                    Ok(html) => (html, &marked),
                    Err(d) => return Ok(Err(d)),
                }
            }
            _ => (html, entry_html),
        };
        Counters::add(&self.counters.template_nanos, t_tpl);
        let url = e.path.url_under(self.links.base_path);
        let mut page = PageContext::new(out_path, Some(&e.source.file))
            .at_url(&url)
            .with_source(
                e.source.body_line - 1,
                entry_html.text.as_deref().unwrap_or(&e.source.text),
            );
        if entry_html.splice {
            page = page.with_body(&entry_html.content, entry_html.lines.as_ref());
        }
        let rendered = self.deliver(finish_page(self.pipeline, html, &page))?;
        self.one_done();
        Ok(Ok((rendered, page_key)))
    }

    /// Entry `i`'s template (`template`, its view under `key`) with a view of
    /// `entry_html`.
    fn entry_template(
        &self,
        i: usize,
        (template, key): (&str, &'static str),
        entry_html: &EntryHtml,
    ) -> std::result::Result<String, Diagnostic> {
        let view = PageView::new(self.links, i, entry_html);
        let mut ctx = Context::new();
        ctx.insert(key, &view);
        ctx.insert("current_path", &view.path);
        ctx.insert("current_url", &format!("{}{}", self.origin, view.path));
        let file = &self.site.report.entries[i].source.file;
        self.renderer.render(template, &ctx, file)
    }

    /// One more entry's page done.
    fn one_done(&self) {
        let done = self.counters.done.fetch_add(1, Ordering::Relaxed) + 1;
        (self.progress)(done, self.site.report.entries.len());
    }

    /// One of the site's own pages: its template with the page's view (and what
    /// `extra` adds), then the page stages. Template errors of these pages are
    /// reported against the home page's file.
    fn site_page(&self, which: SitePage, extra: &dyn Fn(&mut Context)) -> Result<Done<'a>> {
        let (template, title, path) = which.template_title_path();
        let view = PageView::special(self.links, title, path);
        let mut ctx = Context::new();
        ctx.insert("page", &view);
        ctx.insert("current_path", &view.path);
        ctx.insert("current_url", &format!("{}{}", self.origin, view.path));
        extra(&mut ctx);
        match which {
            SitePage::Glossary => ctx.insert("glossary", &self.report_view.glossary),
            SitePage::FullReport => ctx.insert("entries", &self.full_report_entries()),
            SitePage::NotFound | SitePage::Statement => {}
        }
        let root_file = &self.site.report.root().source.file;
        let out_path = which.output_path();
        let html = match self.renderer.render(template, &ctx, root_file) {
            Ok(html) => html,
            Err(d) => {
                return Ok(Done::NotMade {
                    path: None,
                    problems: vec![d],
                    left_out: LeftOut::new(),
                });
            }
        };
        let page = PageContext::new(&out_path, None).at_url(&view.path);
        Ok(Done::Page {
            rendered: self.deliver(finish_page(self.pipeline, html, &page))?,
            file: None,
            problems: Vec::new(),
            left_out: LeftOut::new(),
            key: None,
        })
    }

    /// Every entry in reading order for the full report (the home page first: its
    /// body is the report's summary), leaving out those whose file has an error.
    fn full_report_entries(&self) -> Vec<FullEntryView<'_>> {
        let report = &self.site.report;
        let htmls = self.htmls;
        report
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !self.broken_files.contains(&e.source.file))
            .map(|(i, e)| {
                let anchor = match e.path.url().trim_end_matches('/') {
                    "" => "s-home".to_string(),
                    p => format!("s-{}", p.replace('/', "--")),
                };
                FullEntryView {
                    title: e.title(),
                    number: e.number.as_deref(),
                    url: e.path.url_under(&self.base_path),
                    kind: e.kind.as_str(),
                    description: e.source.front.description.as_deref(),
                    depth: e.depth,
                    content: full_report_body(&htmls[i], e.depth as u8, &anchor, e.title()),
                    anchor,
                    priority: htmls[i].priority.as_ref(),
                    case_review: htmls[i].case_review.as_ref(),
                }
            })
            .collect()
    }
}

/// An entry's body as the full report shows it ([`render::reframe`]), with
/// the `data-sourcepos` it was written without written back: in the full
/// report the audit reads it whole, and its elements are the author's text.
fn full_report_body(html: &EntryHtml, shift: u8, anchor: &str, title: &str) -> String {
    match &html.lines {
        Some(lines) => render::reframe(&lines.marked(&html.content), shift, anchor, title),
        None => render::reframe(&html.content, shift, anchor, title),
    }
}

/// "There is no template `x`", at the entry's `template:` key.
fn unknown_template(renderer: &Renderer, e: &Entry, template: &str) -> Diagnostic {
    let names = renderer.template_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let help = match crate::suggest::did_you_mean(template, &refs) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("available templates: {}", names.join(", ")),
    };
    e.source
        .at_key(
            Diagnostic::error(
                "unknown-template",
                &e.source.file,
                format!("there is no template `{template}`"),
            ),
            "template",
        )
        .help(help)
}

/// Counters the parallel jobs add to.
#[derive(Default)]
pub(crate) struct Counters {
    reused: AtomicUsize,
    done: AtomicUsize,
    template_nanos: AtomicU64,
    markdown_nanos: AtomicU64,
}

impl Counters {
    fn add(counter: &AtomicU64, since: Instant) {
        counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    /// How many entries' pages were taken from the previous build.
    pub(crate) fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Time in Markdown made with the pages, summed over threads.
    pub(crate) fn markdown(&self) -> Duration {
        Duration::from_nanos(self.markdown_nanos.load(Ordering::Relaxed))
    }

    /// Time in templates, summed over threads.
    pub(crate) fn templates(&self) -> Duration {
        Duration::from_nanos(self.template_nanos.load(Ordering::Relaxed))
    }
}
