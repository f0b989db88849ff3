//! The whole build: a pure function of the site folder.
//!
//! In: a site folder (`config.toml`, `content/`, optional `templates/`, `static/`,
//! `themes/`). Out: [`Site::load`] gives the checked model; [`Site::build`] gives
//! every output file in memory ([`Built`]), or every problem found, located. Writing
//! to disk is the caller's last step ([`crate::output::write_site`]), or, with
//! [`Site::build_streaming`], each page goes to a sink (the CLI's staging folder,
//! [`crate::output::Staging`]) as soon as it is made, so memory stays flat.
//!
//! Stages run in this order: each page's Markdown, template and the HTML stages of
//! [`crate::plugins`], one page after another in each parallel worker (with the
//! preview's cache or the full report, which need every body at once, all the
//! Markdown is made first, in a parallel pass of its own) → site-level files
//! (glossary, full report, 404, accessibility statement, sitemap, robots.txt,
//! redirects) → static files.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Context;

use crate::config::{CONFIG_FILE, Config, ZOLA_CONFIG_FILE};
use crate::error::{Diagnostic, Error, Result, Severity, sort_diagnostics};
use crate::fingerprint::Fingerprint;
use crate::frontmatter::{self, Kind};
use crate::load::{self, Source};
use crate::markdown::{self, Place};
use crate::model::Report;
use crate::output::{self, OutputFile};
use crate::plugins::{
    Generator, PageContext, PageFacts, PageStage, Pipeline, SiteContext, StageRef, a11y,
    minify::Minify, sitemap::Sitemap,
};
use crate::render::{
    self, CaseReviewView, EntryHtml, FullEntryView, Links, PageView, PriorityView, Renderer,
    ReportHtml, ReportView,
};
use crate::theme::{self, Theme, ThemeFile};

/// Above this many chapters and pages, `/full-report/` is built only when
/// `build_full_report = true`.
pub const FULL_REPORT_AUTO_LIMIT: usize = 100;

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Replace `base_url` from `config.toml`.
    pub base_url: Option<String>,
}

/// A loaded, checked site, ready to build.
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
    /// The report model.
    pub report: Report,
    /// The theme's files.
    pub theme: Theme,
    /// The site's own `templates/`.
    pub site_templates: Vec<ThemeFile>,
    /// The site's own `static/`.
    pub site_static: Vec<ThemeFile>,
    /// How long [`Site::load`] took.
    pub load_time: Duration,
    /// Problems found while loading (errors in files and in the model, links
    /// not followed, files left out); every build reports them with its own, and
    /// fails when one is an error.
    pub load_problems: Vec<Diagnostic>,
    /// Page stages added with [`Site::add_stage`], run before the built-ins.
    stages: Vec<Box<dyn PageStage>>,
    /// Generators added with [`Site::add_generator`].
    generators: Vec<Box<dyn Generator>>,
}

/// A page after its stages: the file, its accessibility findings, and the facts
/// the site-wide checks need.
type Rendered = (OutputFile, Vec<Diagnostic>, PageFacts);

/// Where [`Site::build_streaming`] hands each finished content page.
pub type PageSink<'a> = dyn Fn(&OutputFile) -> Result<()> + Sync + 'a;

/// A content page of this build (shared with the cache) and the fingerprint it
/// was made from, or why its template failed.
type PageResult = std::result::Result<(Arc<Rendered>, Option<u128>), Diagnostic>;

/// What one build leaves for the next: each entry's Markdown and each page, with
/// the fingerprint of the inputs it was made from ([`Site::build_cached`]).
#[derive(Debug, Default)]
pub struct BuildCache {
    markdown: HashMap<String, CachedMarkdown>,
    pages: HashMap<String, CachedPage>,
    reused: usize,
}

impl BuildCache {
    /// How many content pages the last build took from the cache unchanged.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

/// What links in Markdown may point at, besides the report's entries: the
/// static files and site pages, the entries' paths, the base path.
struct MarkdownEnv {
    files: HashSet<String>,
    entry_paths: Vec<String>,
    base_path: String,
}

impl MarkdownEnv {
    /// The view of links that Markdown rendering checks against.
    fn links<'a>(&'a self, site: &'a Site) -> markdown::Links<'a> {
        let report = &site.report;
        markdown::Links {
            by_rel: &report.by_rel,
            pages: &report.by_path,
            files: &self.files,
            entry_paths: &self.entry_paths,
            base_path: &self.base_path,
            drafts: &report.drafts,
            unreadable: &report.unreadable,
            sourcepos: site.config.plugins.page_stages.iter().any(|s| s == "a11y"),
        }
    }
}

#[derive(Debug)]
struct CachedMarkdown {
    key: u128,
    html: Arc<EntryHtml>,
    problems: Vec<Diagnostic>,
}

#[derive(Debug)]
struct CachedPage {
    key: u128,
    rendered: Arc<Rendered>,
}

/// Time spent in each stage of a build.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading files, parsing front matter, building the model ([`Site::load`]).
    pub load: Duration,
    /// Markdown to HTML, before the render pass (wall time): the report's own
    /// fields, or every entry's Markdown when it is needed before the pages
    /// (the preview's cache, the full report).
    pub markdown: Duration,
    /// Markdown to HTML in the render pass, summed over threads: each entry's
    /// Markdown, when it is made just before its page.
    pub markdown_cpu: Duration,
    /// Templates and page stages (wall time of the parallel pass).
    pub render: Duration,
    /// Time inside templates alone, summed over threads.
    pub templates_cpu: Duration,
    /// Time inside each page stage, summed over threads, in stage order.
    pub stages_cpu: Vec<(&'static str, Duration)>,
    /// Site-level pages, generators and static files.
    pub assemble: Duration,
}

/// The result of a successful build.
#[derive(Debug, Default)]
pub struct Built {
    /// Every file of the site, sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings about the content that did not fail the build.
    pub warnings: Vec<Diagnostic>,
    /// Accessibility findings of the HTML stages (errors fail `--strict` builds).
    pub findings: Vec<Diagnostic>,
    /// How many HTML pages were rendered.
    pub pages: usize,
    /// The files already handed to the sink of [`Site::build_streaming`], sorted
    /// by path; their bytes are not in `files`.
    pub written: Vec<String>,
    /// Time per stage.
    pub timings: Timings,
}

impl Site {
    /// Reads and checks the site at `root`. On failure every problem found is
    /// reported: those of each file, of the model, and of links between pages.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
        Site::load_cached(root, options, None)
    }

    /// [`Site::load`], reusing the parsed Markdown files that have not changed on
    /// disk since the load that filled `cache` (the preview's rebuilds).
    pub fn load_cached(
        root: &Path,
        options: &LoadOptions,
        cache: Option<&mut load::SourceCache>,
    ) -> Result<Site> {
        let started = Instant::now();
        // `config.toml`, or Zola's newer name for it, `zola.toml`.
        let config_name =
            if !root.join(CONFIG_FILE).exists() && root.join(ZOLA_CONFIG_FILE).exists() {
                ZOLA_CONFIG_FILE
            } else {
                CONFIG_FILE
            };
        let config_path = root.join(config_name);
        let config_text = match std::fs::read_to_string(&config_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::content(vec![
                    Diagnostic::error("no-config", CONFIG_FILE, format!("no `{CONFIG_FILE}` in `{}`", root.display()))
                        .help("run reportsite in a site folder (with config.toml and content/), pass --root DIR, or create one with `reportsite new DIR`"),
                ]));
            }
            Err(e) => return Err(Error::io("cannot read", &config_path, e)),
        };
        let config_text = config_text
            .strip_prefix('\u{feff}')
            .unwrap_or(&config_text)
            .to_string();
        let mut config = Config::parse(&config_text, config_name)?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url)?;
        }
        let mut problems: Vec<Diagnostic> = config.ignored_keys_warning().into_iter().collect();
        let mut theme_found = true;
        let theme = match Theme::resolve(root, &config.theme, &config_text) {
            Ok(t) => t,
            Err(Error::Content(d)) => {
                problems.extend(d);
                theme_found = false;
                Theme::default()
            }
            Err(e) => return Err(e),
        };
        let mut cache = cache;
        let (loaded, load_problems) = load::load_lenient_cached(root, cache.as_deref_mut())?;
        problems.extend(load_problems);
        // The preview: when no file name or front matter changed, the model is
        // the last one with the new sources.
        let model_key = cache
            .as_ref()
            .map(|_| Report::fingerprint(&loaded, options.drafts));
        let previous = cache
            .as_deref()
            .and_then(|c| c.model.as_ref())
            .filter(|(key, _, _)| Some(*key) == model_key);
        let report = match previous {
            Some((_, report, p)) => {
                problems.extend(p.iter().cloned());
                Some(report.with_sources(loaded))
            }
            None => match Report::build_lenient(loaded, options.drafts) {
                Ok((report, p)) => {
                    if let (Some(c), Some(key)) = (cache, model_key) {
                        c.model = Some((key, report.clone(), p.clone()));
                    }
                    problems.extend(p);
                    Some(report)
                }
                Err(Error::Content(d)) => {
                    problems.extend(d);
                    None
                }
                Err(e) => return Err(e),
            },
        };
        let site_templates = theme::read_tree(&root.join("templates"), "templates")?;
        let site_static = theme::read_tree(&root.join("static"), "static")?;
        let Some(report) = report else {
            return Err(Error::content(problems));
        };
        if !theme_found {
            // No templates: no page can be made, so the build can go no further.
            return Err(Error::content(problems));
        }
        let site = Site {
            root: root.to_path_buf(),
            config,
            report,
            theme,
            site_templates,
            site_static,
            stages: Vec::new(),
            generators: Vec::new(),
            load_time: started.elapsed(),
            load_problems: Vec::new(),
        };
        // Errors found so far do not stop here: the build goes on as far as it
        // can without the broken files, so the author sees every problem at once.
        let mut site = site;
        site.load_problems = problems;
        Ok(site)
    }

    /// What links in Markdown may point at: see [`MarkdownEnv::links`].
    fn markdown_env(&self, statics: &BTreeMap<String, StaticSource<'_>>) -> MarkdownEnv {
        let mut files: HashSet<String> = statics.keys().cloned().collect();
        for special in [
            "glossary/index.html",
            "full-report/index.html",
            "accessibility/index.html",
            "404.html",
        ] {
            files.insert(special.to_string());
        }
        MarkdownEnv {
            files,
            entry_paths: self.report.entries.iter().map(|e| e.path.clone()).collect(),
            base_path: self.config.base_path(),
        }
    }

    /// Renders every Markdown text (bodies and front-matter fields), checking links.
    /// With a cache, bodies whose inputs are unchanged are taken from it, and the
    /// fingerprint of each entry's inputs is returned. Unless `entries` is set,
    /// only the report's own fields are rendered, and each entry's body is left
    /// empty for the render pass to make ([`entry_html`]).
    fn markdown_pass(
        &self,
        links_md: &markdown::Links<'_>,
        cache: Option<&mut HashMap<String, CachedMarkdown>>,
        entries: bool,
    ) -> (Vec<Arc<EntryHtml>>, ReportHtml, Vec<Diagnostic>, Vec<u128>) {
        let report = &self.report;
        let raw = self.config.allow_raw_html;
        let keys: Vec<u128> = match &cache {
            Some(_) => {
                let env = links_fingerprint(links_md, report, raw);
                report
                    .entries
                    .par_iter()
                    .map(|e| {
                        Fingerprint::new()
                            .num(env)
                            .num(e.source.text_fingerprint())
                            .str(&e.source.file)
                            .str(&e.path)
                            .str(e.kind.as_str())
                            .finish()
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let previous = cache.as_deref();
        if !entries {
            let (report_html, problems) = report_html(
                &report.root().source,
                links_md,
                raw,
                &self.file_size_lookup(),
            );
            let empty = Arc::new(EntryHtml::default());
            return (
                vec![empty; report.entries.len()],
                report_html,
                problems,
                keys,
            );
        }
        let results: Vec<(Arc<EntryHtml>, Vec<Diagnostic>)> = report
            .entries
            .par_iter()
            .enumerate()
            .map(|(i, e)| {
                if let Some(c) = previous.and_then(|p| p.get(&e.path))
                    && keys.get(i) == Some(&c.key)
                {
                    return (c.html.clone(), c.problems.clone());
                }
                let (html, problems) = entry_html(&e.source, e.kind, &e.path, links_md, raw);
                (Arc::new(html), problems)
            })
            .collect();
        if let Some(c) = cache {
            c.clear();
            for ((e, (html, problems)), key) in report.entries.iter().zip(&results).zip(&keys) {
                c.insert(
                    e.path.clone(),
                    CachedMarkdown {
                        key: *key,
                        html: html.clone(),
                        problems: problems.clone(),
                    },
                );
            }
        }
        let (report_html, mut problems) = report_html(
            &report.root().source,
            links_md,
            raw,
            &self.file_size_lookup(),
        );
        let mut htmls = Vec::with_capacity(results.len());
        for (h, p) in results {
            problems.extend(p);
            htmls.push(h);
        }
        (htmls, report_html, problems, keys)
    }

    /// Adds a page stage of your own; it runs on every page before the built-in
    /// stages (`a11y`, then `minify`), so the audit sees what it produced.
    pub fn add_stage(&mut self, stage: Box<dyn PageStage>) {
        self.stages.push(stage);
    }

    /// Adds a generator of your own; it runs after every page is built.
    pub fn add_generator(&mut self, generator: Box<dyn Generator>) {
        self.generators.push(generator);
    }

    /// Whether the build writes `/full-report/` (`build_full_report`, or for up to
    /// [`FULL_REPORT_AUTO_LIMIT`] chapters and pages when it is unset).
    pub fn has_full_report(&self) -> bool {
        self.config
            .build_full_report
            .unwrap_or(self.report.entries.len() <= FULL_REPORT_AUTO_LIMIT)
    }

    /// The names of the page stages a build runs, in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.stages.iter().map(|s| s.name()).collect();
        for n in &self.config.plugins.page_stages {
            match n.as_str() {
                "a11y" => names.push("a11y"),
                "minify" if self.config.minify_html => {}
                _ => {}
            }
        }
        if self.config.minify_html
            && self
                .config
                .plugins
                .page_stages
                .iter()
                .any(|n| n == "minify")
        {
            names.push("minify");
        }
        names
    }

    /// Builds every page in memory.
    pub fn build(&self) -> Result<Built> {
        self.build_with_progress(&|_, _| {})
    }

    /// Builds, calling `progress(done, total)` as pages are rendered.
    pub fn build_with_progress(&self, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Built> {
        // Deep stacks: rendering nested templates takes much of it (theme.rs).
        crate::theme::with_render_stack(|| self.build_inner(progress, None, None))
    }

    /// Builds, handing each content page to `sink` as soon as it is finished
    /// instead of keeping it in memory (the CLI writes it to its staging folder:
    /// [`crate::output::Staging`]). The pages handed over are listed in
    /// [`Built::written`]; the other files (site pages, static files, generators'
    /// files) are in [`Built::files`] as usual. A sink error stops the build.
    pub fn build_streaming(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
        sink: &PageSink<'_>,
    ) -> Result<Built> {
        crate::theme::with_render_stack(|| self.build_inner(progress, None, Some(sink)))
    }

    /// Builds, taking from `cache` every page whose inputs (its source, its view
    /// of the site, the templates, the settings and the page stages) have the same
    /// fingerprint as in the build that filled it, and leaving this build's pages
    /// in it. The result is the same as [`Site::build`]'s, byte for byte; the
    /// preview uses it to rebuild only what an edit changed. Page stages added
    /// with [`Site::add_stage`] must give the same output for the same page.
    pub fn build_cached(&self, cache: &mut BuildCache) -> Result<Built> {
        crate::theme::with_render_stack(|| self.build_inner(&|_, _| {}, Some(cache), None))
    }

    /// The build, one stage a step: Markdown, then every entry's page (in
    /// parallel, each to `sink` when given), then the site's own pages, the
    /// site-wide checks and the statement, redirects, static files and
    /// generators, and last the verdict (an error anywhere fails the build).
    fn build_inner(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
        mut cache: Option<&mut BuildCache>,
        sink: Option<&PageSink<'_>>,
    ) -> Result<Built> {
        let config = &self.config;
        let report = &self.report;
        let base_path = config.base_path();
        let origin = config.origin().to_string();
        let mut timings = Timings::default();

        // Markdown.
        let t = Instant::now();
        let statics = self.static_files();
        let md_env = self.markdown_env(&statics);
        let links_md = md_env.links(self);
        // Without a cache or the full report (which needs every body at once), each
        // entry's Markdown is rendered in the same worker as its page, just before
        // it: no body of the site waits in memory for the others.
        let fused = cache.is_none() && !self.has_full_report();
        let (mut htmls, report_html, mut problems, md_keys) = self.markdown_pass(
            &links_md,
            cache.as_deref_mut().map(|c| &mut c.markdown),
            !fused,
        );
        timings.markdown = t.elapsed();
        // Errors do not stop the build here: every page that can be made is made,
        // so template and audit errors are reported in the same run.
        problems.extend(self.load_problems.iter().cloned());
        // Files with an error (in their front matter, the model's checks, or
        // their Markdown): their pages are not made, so their mistakes are not
        // reported a second time by the audit.
        let broken_files: HashSet<String> = problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.file.clone())
            .collect();

        // Templates and the views every page shares.
        let t = Instant::now();
        // Independent set-up work side by side: it is most of a preview rebuild.
        let (renderer, links) = rayon::join(
            || {
                Renderer::new(
                    &self.theme,
                    &self.site_templates,
                    &base_path,
                    &crate::config::Contact::of(config),
                )
            },
            || Links::new(report, &base_path),
        );
        let mut renderer = match renderer {
            Ok(r) => r,
            Err(template_problems) => {
                // Without templates no page can be made.
                problems.extend(template_problems);
                return Err(Error::content(problems));
            }
        };
        let mut report_view = ReportView::new(&links, report_html);
        report_view.has_full_report = self.has_full_report();
        let keyed = cache.is_some();
        let ((), build_key) = rayon::join(
            || renderer.set_globals(config, &report_view),
            || keyed.then(|| self.build_fingerprint(config, &report_view, &statics, &origin)),
        );
        let pipeline = self.pipeline(&statics, &report_view.documents)?;
        // The fingerprint of every entry's link view, for the pages' fingerprints.
        let link_keys: Vec<u128> = if keyed {
            (0..report.entries.len())
                .into_par_iter()
                .map(|j| Fingerprint::new().value(links.get(j)).finish())
                .collect()
        } else {
            Vec::new()
        };

        // Every entry's page.
        let jobs = EntryJobs {
            site: self,
            renderer: &renderer,
            links: &links,
            links_md: &links_md,
            pipeline: &pipeline,
            origin: &origin,
            build_key,
            md_keys: &md_keys,
            link_keys: &link_keys,
            previous: cache.as_deref().map(|c| &c.pages),
            broken_files: &broken_files,
            fused,
            keep_markdown: self.has_full_report(),
            sink,
            progress,
            counters: Counters::default(),
            sink_error: std::sync::Mutex::new(None),
        };
        let rendered: Vec<(Vec<Diagnostic>, Option<PageResult>)> = htmls
            .par_iter_mut()
            .enumerate()
            .map(|(i, slot)| jobs.run(i, slot))
            .collect();
        let EntryJobs {
            counters,
            sink_error,
            ..
        } = jobs;
        if let Some(c) = cache {
            c.fill(&rendered, counters.reused());
        }
        if let Some(e) = sink_error.into_inner().ok().flatten() {
            return Err(e);
        }
        let mut asm = Assembly {
            problems,
            ..Assembly::default()
        };
        asm.take_entry_pages(report, rendered, &broken_files, sink.is_some());
        timings.markdown_cpu = counters.markdown();
        timings.render = t.elapsed();
        timings.templates_cpu = counters.templates();

        // The site's own pages, the site-wide checks and the statement.
        let t = Instant::now();
        let special = SpecialPages {
            links: &links,
            renderer: &renderer,
            pipeline: &pipeline,
            origin: &origin,
            root_file: &report.root().source.file,
        };
        let audit_on = pipeline.names().contains(&"a11y");
        asm.site_pages(
            self,
            &special,
            &report_view,
            &htmls,
            &broken_files,
            &statics,
            audit_on,
        );
        let pages = asm.out.keys().filter(|p| p.ends_with(".html")).count();

        // Redirects, static files, generators.
        asm.redirects(report, &base_path, &config.default_language);
        asm.copy_statics(&statics)?;
        asm.run_generators(self, &statics);
        timings.assemble = t.elapsed();
        timings.stages_cpu = pipeline.timings();
        timings.load = self.load_time;
        asm.finish(pages, timings)
    }

    /// The size of each static file, by output path (`files/a.pdf`).
    fn file_size_lookup(&self) -> impl Fn(&str) -> Option<u64> + '_ {
        let statics = self.static_files();
        move |path: &str| match statics.get(path)? {
            StaticSource::Memory(f) => Some(f.bytes.len() as u64),
            StaticSource::Disk { path, .. } => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }

    /// Static files by output path: theme, then site `static/` (wins), then
    /// content assets (win).
    fn static_files(&self) -> BTreeMap<String, StaticSource<'_>> {
        let mut m = BTreeMap::new();
        for f in self.theme.statics.iter().chain(self.site_static.iter()) {
            m.insert(f.name.clone(), StaticSource::Memory(f));
        }
        for a in &self.report.assets {
            m.insert(
                a.rel.clone(),
                StaticSource::Disk {
                    path: &a.path,
                    display: format!("{}/{}", load::CONTENT_DIR, a.rel),
                },
            );
        }
        m
    }
}

/// Time counters the parallel page jobs add to.
#[derive(Default)]
struct Counters {
    reused: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
    template_nanos: std::sync::atomic::AtomicU64,
    markdown_nanos: std::sync::atomic::AtomicU64,
}

impl Counters {
    fn add(counter: &std::sync::atomic::AtomicU64, since: Instant) {
        counter.fetch_add(
            since.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// One more page done; returns how many are.
    fn one_done(&self) -> usize {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    }

    fn reused(&self) -> usize {
        self.reused.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn markdown(&self) -> Duration {
        Duration::from_nanos(
            self.markdown_nanos
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    fn templates(&self) -> Duration {
        Duration::from_nanos(
            self.template_nanos
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }
}

/// What every entry's page job shares: the templates, the views, the page
/// stages, the fingerprints of the previous build (the preview), and where
/// finished pages go.
struct EntryJobs<'a> {
    site: &'a Site,
    renderer: &'a Renderer,
    links: &'a Links<'a>,
    links_md: &'a markdown::Links<'a>,
    pipeline: &'a Pipeline<'a>,
    origin: &'a str,
    build_key: Option<u128>,
    md_keys: &'a [u128],
    link_keys: &'a [u128],
    previous: Option<&'a HashMap<String, CachedPage>>,
    broken_files: &'a HashSet<String>,
    /// Each entry's Markdown is made here, just before its page.
    fused: bool,
    /// Keep each entry's Markdown after its page (the full report needs it).
    keep_markdown: bool,
    sink: Option<&'a PageSink<'a>>,
    progress: &'a (dyn Fn(usize, usize) + Sync),
    counters: Counters,
    /// The first error of the sink; it stops the build.
    sink_error: std::sync::Mutex<Option<Error>>,
}

impl EntryJobs<'_> {
    /// Entry `i`: its Markdown (when `fused`) and its page, with the problems
    /// of its Markdown. No page when its file or its Markdown has an error.
    fn run(&self, i: usize, slot: &mut Arc<EntryHtml>) -> (Vec<Diagnostic>, Option<PageResult>) {
        let e = &self.site.report.entries[i];
        if self.broken_files.contains(e.source.file.as_str()) {
            return (Vec::new(), None);
        }
        let mut md_problems = Vec::new();
        if self.fused {
            let t_md = Instant::now();
            let raw = self.site.config.allow_raw_html;
            let (html, p) = entry_html(&e.source, e.kind, &e.path, self.links_md, raw);
            Counters::add(&self.counters.markdown_nanos, t_md);
            // A page whose Markdown has errors is not made; the other pages
            // are, so their template and audit errors show too.
            if p.iter().any(|d| d.severity == Severity::Error) {
                return (p, None);
            }
            md_problems = p;
            *slot = Arc::new(html);
        }
        (md_problems, Some(self.page(i, slot)))
    }

    /// Entry `i`'s page: from the previous build when its fingerprint is the
    /// same, else its template and the page stages; then to the sink.
    fn page(&self, i: usize, entry_html: &mut Arc<EntryHtml>) -> PageResult {
        let report = &self.site.report;
        let e = &report.entries[i];
        let (template, key) = render::template_for(e, i == 0);
        if !self.renderer.has_template(&template) {
            return Err(unknown_template(self.renderer, e, &template));
        }
        // The page's fingerprint: the build's, its Markdown's, and what its
        // view takes from other entries (see `page_view_key`).
        let page_key = self.build_key.map(|b| {
            let mut fp = Fingerprint::new();
            fp.num(b).num(self.md_keys[i]).str(&template).str(key);
            page_view_key(&mut fp, report, self.link_keys, i);
            fp.finish()
        });
        let total = report.entries.len();
        let out_path = format!("{}index.html", e.path);
        if let (Some(k), Some(prev)) = (page_key, self.previous)
            && let Some(c) = prev.get(&out_path)
            && c.key == k
        {
            self.counters
                .reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (self.progress)(self.counters.one_done(), total);
            return Ok((Arc::clone(&c.rendered), page_key));
        }
        let view = PageView::new(self.links, i, entry_html);
        let mut ctx = Context::new();
        ctx.insert(key, &view);
        ctx.insert("current_path", &view.path);
        ctx.insert("current_url", &format!("{}{}", self.origin, view.path));
        let t_tpl = Instant::now();
        let html = self.renderer.render(&template, &ctx, &e.source.file)?;
        Counters::add(&self.counters.template_nanos, t_tpl);
        let page = PageContext::new(&out_path, Some(&e.source.file))
            .at_url(&view.path)
            .with_source(e.source.body_line - 1, &e.source.text);
        let mut finished = finish_page(self.pipeline, html, &page);
        if !self.keep_markdown {
            *entry_html = Arc::default();
        }
        if let Some(sink) = self.sink {
            match sink(&finished.0) {
                // Written: only its path stays.
                Ok(()) => finished.0.bytes = bytes::Bytes::new(),
                Err(e) => {
                    if let Ok(mut first) = self.sink_error.lock() {
                        first.get_or_insert(e);
                    }
                }
            }
        }
        (self.progress)(self.counters.one_done(), total);
        Ok((Arc::new(finished), page_key))
    }
}

/// "There is no template `x`", at the entry's `template:` key.
fn unknown_template(renderer: &Renderer, e: &crate::model::Entry, template: &str) -> Diagnostic {
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

impl BuildCache {
    /// Keeps this build's pages for the next, with their fingerprints.
    fn fill(&mut self, rendered: &[(Vec<Diagnostic>, Option<PageResult>)], reused: usize) {
        self.pages.clear();
        for r in rendered.iter().filter_map(|(_, r)| r.as_ref()).flatten() {
            if let (rendered, Some(key)) = r {
                self.pages.insert(
                    rendered.0.path.clone(),
                    CachedPage {
                        key: *key,
                        rendered: Arc::clone(rendered),
                    },
                );
            }
        }
        self.reused = reused;
    }
}

/// The site's own pages (glossary, full report, 404, statement): a template
/// with the page's view, then the page stages.
struct SpecialPages<'a> {
    links: &'a Links<'a>,
    renderer: &'a Renderer,
    pipeline: &'a Pipeline<'a>,
    origin: &'a str,
    /// Template errors of these pages are reported against the home page's file.
    root_file: &'a str,
}

impl SpecialPages<'_> {
    fn render(
        &self,
        template: &str,
        title: &'static str,
        path: &str,
        extra: &dyn Fn(&mut Context),
    ) -> std::result::Result<Rendered, Diagnostic> {
        let view = PageView::special(self.links, title, path);
        let mut ctx = Context::new();
        ctx.insert("page", &view);
        ctx.insert("current_path", &view.path);
        ctx.insert("current_url", &format!("{}{}", self.origin, view.path));
        extra(&mut ctx);
        let html = self.renderer.render(template, &ctx, self.root_file)?;
        let out_path = if path.ends_with('/') || path.is_empty() {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        let page = PageContext::new(&out_path, None).at_url(&view.path);
        Ok(finish_page(self.pipeline, html, &page))
    }
}

/// Every entry in reading order for the full report (the home page first: its
/// body is the report's summary), leaving out those whose file has an error.
fn full_report_entries<'a>(
    report: &'a Report,
    htmls: &'a [Arc<EntryHtml>],
    broken_files: &HashSet<String>,
    base_path: &str,
) -> Vec<FullEntryView<'a>> {
    report
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !broken_files.contains(&e.source.file))
        .map(|(i, e)| {
            let anchor = match e.path.trim_end_matches('/') {
                "" => "s-home".to_string(),
                p => format!("s-{}", p.replace('/', "--")),
            };
            FullEntryView {
                title: e.title(),
                number: e.number.as_deref(),
                url: format!("{base_path}{}", e.path),
                kind: e.kind.as_str(),
                description: e.source.front.description.as_deref(),
                depth: e.depth,
                content: render::reframe(&htmls[i].content, e.depth as u8, &anchor, e.title()),
                anchor,
                priority: htmls[i].priority.as_ref(),
                case_review: htmls[i].case_review.as_ref(),
            }
        })
        .collect()
}

/// The build's files and what it found, as its stages add to them.
#[derive(Default)]
struct Assembly<'s> {
    /// Every file by output path (pages handed to the sink with empty bytes).
    out: BTreeMap<String, bytes::Bytes>,
    /// The pages handed to the sink.
    written: Vec<String>,
    warnings: Vec<Diagnostic>,
    /// The page stages' findings.
    findings: Vec<Diagnostic>,
    /// Problems in the files, templates and settings.
    problems: Vec<Diagnostic>,
    /// Each HTML page with its content file, for the site-wide checks.
    pages_done: Vec<(Option<&'s str>, Arc<Rendered>)>,
    /// Output paths of pages not made (their file or template has an error):
    /// links to them are not broken links.
    unmade: HashSet<String>,
}

impl<'s> Assembly<'s> {
    /// Takes the entries' pages and their problems.
    fn take_entry_pages(
        &mut self,
        report: &'s Report,
        rendered: Vec<(Vec<Diagnostic>, Option<PageResult>)>,
        broken_files: &HashSet<String>,
        streamed: bool,
    ) {
        self.unmade.extend(
            report
                .entries
                .iter()
                .filter(|e| broken_files.contains(&e.source.file))
                .map(|e| format!("{}index.html", e.path)),
        );
        let mut results = Vec::with_capacity(rendered.len());
        for (md_problems, r) in rendered {
            self.problems.extend(md_problems);
            results.push(r);
        }
        for (i, r) in results.into_iter().enumerate() {
            let e = &report.entries[i];
            match r {
                Some(Ok((page, _))) => {
                    let (f, page_findings, _) = &*page;
                    self.findings.extend(page_findings.iter().cloned());
                    self.out.insert(f.path.clone(), f.bytes.clone());
                    if streamed {
                        self.written.push(f.path.clone());
                    }
                    self.pages_done.push((Some(e.source.file.as_str()), page));
                }
                // Not made: its file, Markdown or template has an error.
                Some(Err(d)) => {
                    self.unmade.insert(format!("{}index.html", e.path));
                    self.problems.push(d);
                }
                None => {
                    self.unmade.insert(format!("{}index.html", e.path));
                }
            }
        }
    }

    /// The site's own pages (glossary, full report, 404), the checks across
    /// pages, and the accessibility statement made from this build's audit.
    #[allow(clippy::too_many_arguments)]
    fn site_pages(
        &mut self,
        site: &Site,
        special: &SpecialPages<'_>,
        report_view: &ReportView<'_>,
        htmls: &[Arc<EntryHtml>],
        broken_files: &HashSet<String>,
        statics: &BTreeMap<String, StaticSource<'_>>,
        audit_on: bool,
    ) {
        let report = &site.report;
        let base_path = site.config.base_path();
        if !report.glossary.is_empty() {
            let page = special.render("glossary.html", "Glossary", "glossary/", &|c| {
                c.insert("glossary", &report_view.glossary)
            });
            self.take_site_page(page);
        }
        if site.has_full_report() {
            // The full report holds the home page's parts: not made when its
            // file has an error.
            if broken_files.contains(&report.root().source.file) {
                self.unmade.insert("full-report/index.html".to_string());
            } else {
                let entries = full_report_entries(report, htmls, broken_files, &base_path);
                let page =
                    special.render("full-report.html", "Full report", "full-report/", &|c| {
                        c.insert("entries", &entries)
                    });
                self.take_site_page(page);
            }
        }
        let page = special.render("404.html", "Page not found", "404.html", &|_| {});
        self.take_site_page(page);
        if audit_on {
            self.site_wide_checks(site, statics, &base_path);
        }
        let statement = crate::plugins::a11y::statement::Statement::new(
            &site.config,
            report,
            &self.findings,
            self.out.keys().filter(|p| p.ends_with(".html")).count() + 1,
            audit_on,
        );
        self.findings.extend(statement.problems.clone());
        let page = special.render(
            "accessibility.html",
            "Accessibility statement",
            "accessibility/",
            &|c| c.insert("statement", &statement),
        );
        match page {
            Ok((f, page_findings, _)) => {
                self.findings.extend(page_findings);
                self.out.insert(f.path, f.bytes);
            }
            Err(d) => self.problems.push(d),
        }
    }

    /// Takes one of the site's own pages, or its template's error.
    fn take_site_page(&mut self, page: std::result::Result<Rendered, Diagnostic>) {
        match page {
            Ok(page) => {
                let (f, page_findings, _) = &page;
                self.findings.extend(page_findings.iter().cloned());
                self.out.insert(f.path.clone(), f.bytes.clone());
                self.pages_done.push((None, Arc::new(page)));
            }
            Err(d) => self.problems.push(d),
        }
    }

    /// The checks across pages: links between them, and abbreviations.
    fn site_wide_checks(
        &mut self,
        site: &Site,
        statics: &BTreeMap<String, StaticSource<'_>>,
        base_path: &str,
    ) {
        let page_facts: Vec<PageRef<'_>> = self
            .pages_done
            .iter()
            .map(|(file, page)| PageRef {
                path: &page.0.path,
                file: *file,
                facts: &page.2,
            })
            .collect();
        let static_paths: HashSet<&str> = statics.keys().map(String::as_str).collect();
        let mut found = check_links_between_pages(
            &page_facts,
            &self.out,
            &static_paths,
            "accessibility/index.html",
            base_path,
            &site.config.a11y,
            &self.unmade,
        );
        let by_file: HashMap<&str, &str> = site
            .report
            .entries
            .iter()
            .map(|e| (e.source.file.as_str(), &*e.source.text))
            .collect();
        found.extend(abbreviation_warnings(
            &page_facts,
            base_path,
            &site.config.a11y,
            &|f| by_file.get(f).copied(),
        ));
        self.findings.extend(found);
    }

    /// A redirect page for each alias, unless it would replace a page or leave
    /// the site.
    fn redirects(&mut self, report: &Report, base_path: &str, lang: &str) {
        for e in &report.entries {
            for alias in e.source.front.aliases.iter().flatten() {
                let a = alias.trim().trim_start_matches('/');
                let a = a
                    .strip_prefix(base_path.trim_start_matches('/'))
                    .unwrap_or(a);
                let path = if a.ends_with(".html") {
                    a.to_string()
                } else {
                    format!("{}/index.html", a.trim_end_matches('/'))
                };
                if a.is_empty() || a.split('/').any(|s| s == "..") || self.out.contains_key(&path) {
                    let (line, col) =
                        frontmatter::value_position(&e.source.split(), "aliases", alias.trim())
                            .unwrap_or((1, 1));
                    self.problems.push(
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
                let target = format!("{base_path}{}", e.path);
                self.out
                    .insert(path, output::redirect_page(&target, lang).into());
            }
        }
    }

    /// Static files and content assets; they never replace pages. A build that
    /// fails writes nothing: they are not read then.
    fn copy_statics(&mut self, statics: &BTreeMap<String, StaticSource<'_>>) -> Result<()> {
        if self.problems.iter().any(|d| d.severity == Severity::Error) {
            return Ok(());
        }
        for (path, source) in statics {
            if self.out.contains_key(path) {
                self.warnings.push(Diagnostic::warning(
                    "shadowed-file",
                    source.display(),
                    format!("`{path}` is also a generated page; the generated page is kept"),
                ));
                continue;
            }
            let bytes = match source {
                StaticSource::Memory(f) => bytes::Bytes::copy_from_slice(&f.bytes),
                StaticSource::Disk { path: p, .. } => std::fs::read(p)
                    .map_err(|e| Error::io("cannot read", p, e))?
                    .into(),
            };
            self.out.insert(path.clone(), bytes);
        }
        Ok(())
    }

    /// Generators: built-in first, then the site's, in the order added. A
    /// generator may only add files (a site's own static robots.txt or
    /// sitemap.xml wins over the built-in one).
    fn run_generators(&mut self, site: &Site, statics: &BTreeMap<String, StaticSource<'_>>) {
        let generators: Vec<&dyn Generator> = std::iter::once(&Sitemap as &dyn Generator)
            .chain(site.generators.iter().map(|g| g.as_ref()))
            .collect();
        for g in generators {
            let produced = g.generate(&SiteContext {
                config: &site.config,
                report: &site.report,
                paths: self.out.keys().map(String::as_str).collect(),
                version: env!("CARGO_PKG_VERSION"),
            });
            let files = match produced {
                Ok(files) => files,
                Err(mut d) => {
                    d.message = format!("the `{}` plugin failed: {}", g.name(), d.message);
                    self.problems.push(d);
                    continue;
                }
            };
            for f in files {
                let site_own = g.name() == "sitemap" && statics.contains_key(&f.path);
                if site_own {
                    continue;
                }
                if self.out.contains_key(&f.path) {
                    self.problems.push(
                        Diagnostic::error(
                            "generator",
                            CONFIG_FILE,
                            format!("the `{}` plugin would overwrite `{}`", g.name(), f.path),
                        )
                        .help("a generator may only add new files; give the file another name"),
                    );
                    continue;
                }
                self.out.insert(f.path, f.bytes);
            }
        }
    }

    /// The verdict: every problem of the build in one report, failing it when
    /// one is an error (in the files, the templates, or the audit); else the
    /// built site with its warnings and findings, each reported once.
    fn finish(self, pages: usize, timings: Timings) -> Result<Built> {
        let Assembly {
            mut out,
            mut written,
            mut warnings,
            findings,
            problems,
            ..
        } = self;
        let mut findings = merge_repeated_findings(findings);
        let (problem_warnings, problem_errors): (Vec<Diagnostic>, Vec<Diagnostic>) = problems
            .into_iter()
            .partition(|d| d.severity == Severity::Warning);
        if !problem_errors.is_empty() || findings.iter().any(|d| d.severity == Severity::Error) {
            let mut all = merge_template_errors(problem_errors);
            all.extend(problem_warnings);
            all.extend(warnings);
            all.extend(findings);
            return Err(Error::content(all));
        }
        warnings.extend(problem_warnings);
        sort_diagnostics(&mut warnings);
        sort_diagnostics(&mut findings);
        for path in &written {
            out.remove(path);
        }
        written.sort();
        Ok(Built {
            written,
            files: out
                .into_iter()
                .map(|(path, bytes)| OutputFile { path, bytes })
                .collect(),
            warnings,
            findings,
            pages,
            timings,
        })
    }
}

enum StaticSource<'a> {
    Memory(&'a ThemeFile),
    Disk { path: &'a Path, display: String },
}

impl StaticSource<'_> {
    fn display(&self) -> String {
        match self {
            StaticSource::Memory(f) => f.display.clone(),
            StaticSource::Disk { display, .. } => display.clone(),
        }
    }
}

/// Adds to `fp` what the view of entry `i` ([`PageView::new`]) takes from
/// outside its own source file: its number, and the links to its ancestors,
/// neighbours and children (by their fingerprints, `link_keys`). Everything else
/// in the view comes from the source's text, path and kind, or from its Markdown,
/// which the Markdown's fingerprint covers; the base path is in the build's. A
/// field added to `PageView` that reads other entries must be added here (the
/// `incremental` tests compare the preview's builds with whole ones).
fn page_view_key(fp: &mut Fingerprint, report: &Report, link_keys: &[u128], i: usize) {
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
}

/// The fingerprint of everything Markdown link resolution reads besides the text.
/// The two maps are made from the report's entries, one pair per entry: hashing
/// the entries' files and paths in reading order covers both (and
/// `entry_paths`), without sorting the maps.
fn links_fingerprint(links: &markdown::Links<'_>, report: &Report, raw: bool) -> u128 {
    let mut fp = Fingerprint::new();
    fp.num(report.entries.len() as u128);
    for e in &report.entries {
        fp.str(&e.source.rel).str(&e.path);
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
        .num(u128::from(links.sourcepos) << 1 | u128::from(raw));
    fp.finish()
}

/// Renders one list of Markdown items from front matter.
fn items(
    list: &Option<Vec<String>>,
    key: &str,
    source: &Source,
    page_path: &str,
    links: &markdown::Links<'_>,
    raw: bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let line = frontmatter::key_position(&source.split(), key)
        .map(|p| p.0)
        .unwrap_or(1);
    list.iter()
        .flatten()
        .map(|md| {
            let place = Place {
                file: &source.file,
                text: &source.text,
                first_line: line,
                first_column: 1,
                page_path,
                source_rel: &source.rel,
            };
            let r = markdown::render_inline(md, &place, links, raw);
            for mut d in r.problems {
                // The Markdown of a list item is folded by YAML, so its lines are
                // not the file's: find the link's target in the file instead.
                let target = d.message.split('`').nth(1).unwrap_or("");
                let found = source
                    .text
                    .lines()
                    .enumerate()
                    .skip(line.saturating_sub(1))
                    .find_map(|(i, l)| {
                        l.find(&format!("]({target}"))
                            .map(|c| (i + 1, l[..c].chars().count() + 3))
                    });
                if let Some((l, c)) = found {
                    d = d.at_in(&source.text, l, c);
                }
                problems.push(d);
            }
            r.html
        })
        .collect()
}

fn entry_html(
    source: &Source,
    kind: Kind,
    page_path: &str,
    links: &markdown::Links<'_>,
    raw: bool,
) -> (EntryHtml, Vec<Diagnostic>) {
    let place = Place {
        file: &source.file,
        text: &source.text,
        first_line: source.body_line,
        first_column: 1,
        page_path,
        source_rel: &source.rel,
    };
    let body = markdown::render(source.body(), &place, links, raw);
    let mut problems = body.problems;
    let f = &source.front;
    let mut it = |list: &Option<Vec<String>>, key: &str| {
        items(list, key, source, page_path, links, raw, &mut problems)
    };
    let priority = (kind == Kind::Priority).then(|| PriorityView {
        what_was_done: it(&f.what_was_done, "what_was_done"),
        impact: it(&f.impact, "impact"),
        next_steps: it(&f.next_steps, "next_steps"),
    });
    let case_review = (kind == Kind::CaseReview).then(|| CaseReviewView {
        subject: f.subject.clone(),
        review_type: f.review_type.clone(),
        status: f.status.map(|s| match s {
            frontmatter::ReviewStatus::Published => "published",
            frontmatter::ReviewStatus::InProgress => "in-progress",
        }),
        status_label: f.status.map(|s| match s {
            frontmatter::ReviewStatus::Published => "Published",
            frontmatter::ReviewStatus::InProgress => "In progress",
        }),
        harm: f.harm.clone(),
        learning: it(&f.learning, "learning"),
    });
    (
        EntryHtml {
            content: body.html,
            toc: body.toc,
            priority,
            case_review,
            words: render::count_words(source.body()),
        },
        problems,
    )
}

/// The size of a file of the built site by its output path (`files/a.pdf`), for
/// documents that do not give `size_bytes`.
type SizeLookup<'a> = dyn Fn(&str) -> Option<u64> + 'a;

/// Resolves each document's `href` with the site's one link resolver
/// ([`markdown::resolve`]): located errors for a file that is not there or a
/// scheme that is not allowed; the size from the file when not given.
fn document_links(
    source: &Source,
    links: &markdown::Links<'_>,
    size_of: &SizeLookup<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<render::DocumentLink> {
    let place = Place {
        file: &source.file,
        text: &source.text,
        first_line: 1,
        first_column: 1,
        page_path: "",
        source_rel: &source.rel,
    };
    let split = source.split();
    source
        .front
        .documents
        .iter()
        .flatten()
        .map(|d| {
            let Some(href) = d.href.as_deref() else {
                return render::DocumentLink {
                    href: None,
                    size_bytes: d.size_bytes,
                };
            };
            let href = href.trim();
            match markdown::resolve(href, &place, links, false) {
                Ok(resolved) => {
                    let url = resolved.unwrap_or_else(|| href.to_string());
                    let size_bytes = d.size_bytes.or_else(|| {
                        url.strip_prefix(links.base_path)
                            .map(|p| p.split(['#', '?']).next().unwrap_or(p))
                            .and_then(size_of)
                    });
                    render::DocumentLink {
                        href: Some(url),
                        size_bytes,
                    }
                }
                Err(e) => {
                    let mut diag = Diagnostic::error(e.code, &source.file, e.message).help(e.help);
                    if let Some((line, column)) =
                        frontmatter::value_position(&split, "documents", href)
                            .or_else(|| frontmatter::key_position(&split, "documents"))
                    {
                        diag = diag.at_in(&source.text, line, column);
                    }
                    problems.push(diag);
                    render::DocumentLink {
                        href: None,
                        size_bytes: d.size_bytes,
                    }
                }
            }
        })
        .collect()
}

fn report_html(
    source: &Source,
    links: &markdown::Links<'_>,
    raw: bool,
    size_of: &SizeLookup<'_>,
) -> (ReportHtml, Vec<Diagnostic>) {
    let f = &source.front;
    let mut problems = Vec::new();
    let recs: Option<Vec<String>> = f
        .recommendations
        .as_ref()
        .map(|r| r.iter().map(|r| r.text.clone()).collect());
    let imps: Option<Vec<String>> = f
        .implications
        .as_ref()
        .map(|r| r.iter().map(|r| r.text.clone()).collect());
    let reasons: Option<Vec<String>> = f.reasons.as_ref().map(|r| vec![r.clone()]);
    let html = ReportHtml {
        recommendations: items(
            &recs,
            "recommendations",
            source,
            "",
            links,
            raw,
            &mut problems,
        ),
        reasons: items(&reasons, "reasons", source, "", links, raw, &mut problems)
            .into_iter()
            .next(),
        implications: items(&imps, "implications", source, "", links, raw, &mut problems),
        documents: document_links(source, links, size_of, &mut problems),
    };
    (html, problems)
}

impl Site {
    /// The HTML stages in the configured order: `[plugins] page_stages`, with
    /// `minify` last (and only when `minify_html` is on).
    /// What the accessibility stage needs to know about the site.
    fn a11y_info(
        &self,
        statics: &BTreeMap<String, StaticSource<'_>>,
        documents: &[render::DocumentView],
    ) -> a11y::SiteInfo {
        let config = &self.config;
        let base_path = config.base_path();
        let mut file_sizes = std::collections::HashMap::new();
        for (path, source) in statics {
            let size = match source {
                StaticSource::Memory(f) => Some(f.bytes.len() as u64),
                StaticSource::Disk { path, .. } => std::fs::metadata(path).ok().map(|m| m.len()),
            };
            if let Some(size) = size {
                file_sizes.insert(format!("{base_path}{path}"), size);
            }
        }
        // Documents' sizes (given, or read from their file), by the address the
        // page links to: the report's view has them resolved already.
        for d in documents {
            if let (Some(href), Some(size)) = (&d.href, d.size_bytes) {
                file_sizes.insert(href.clone(), size);
            }
        }
        a11y::SiteInfo {
            glossary: self.report.glossary.clone(),
            spell_out: config.a11y.spell_out_abbreviations,
            heading_anchors: config.a11y.heading_anchors,
            lang: config.default_language.clone(),
            origin: config.origin().to_string(),
            base_path,
            file_sizes,
            ignore: config.a11y.ignore.iter().cloned().collect(),
            warn: config.a11y.warn.iter().cloned().collect(),
        }
    }

    /// The fingerprint of what every page of a build shares: the templates, the
    /// template globals (settings and the report's view), the page stages and what
    /// they know of the site, and the version of reportsite.
    fn build_fingerprint(
        &self,
        config: &Config,
        report_view: &ReportView<'_>,
        statics: &BTreeMap<String, StaticSource<'_>>,
        origin: &str,
    ) -> u128 {
        let mut fp = Fingerprint::new();
        fp.str(env!("CARGO_PKG_VERSION")).str(&self.theme.name);
        for (prefix, files) in [
            ("theme", &self.theme.templates),
            ("site", &self.site_templates),
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
        for name in self.stage_names() {
            fp.str(name);
        }
        if self.stage_names().contains(&"a11y") {
            let info = self.a11y_info(statics, &report_view.documents);
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

    fn pipeline(
        &self,
        statics: &BTreeMap<String, StaticSource<'_>>,
        documents: &[render::DocumentView],
    ) -> Result<Pipeline<'_>> {
        let config = &self.config;
        let mut pipeline = Pipeline::default();
        for s in &self.stages {
            pipeline.push(StageRef::Borrowed(s.as_ref()));
        }
        let known = ["a11y", "minify"];
        for name in &config.plugins.page_stages {
            match name.as_str() {
                "a11y" => {
                    pipeline.push(StageRef::Owned(Box::new(a11y::A11y::new(
                        self.a11y_info(statics, documents),
                    ))));
                }
                "minify" => {}
                other => {
                    let help = match crate::suggest::did_you_mean(other, &known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the built-in stages are: {}", known.join(", ")),
                    };
                    return Err(Error::content(vec![
                        Diagnostic::error(
                            "config",
                            CONFIG_FILE,
                            format!("unknown page stage `{other}` in `[plugins] page_stages`"),
                        )
                        .help(help),
                    ]));
                }
            }
        }
        if config.minify_html && config.plugins.page_stages.iter().any(|n| n == "minify") {
            pipeline.push(StageRef::Owned(Box::new(Minify::default())));
        }
        Ok(pipeline)
    }
}

/// Runs the page stages over a rendered page: its output file, findings and facts.
fn finish_page(
    pipeline: &Pipeline<'_>,
    html: String,
    page: &PageContext<'_>,
) -> (OutputFile, Vec<Diagnostic>, PageFacts) {
    let mut findings = Vec::new();
    let mut facts = PageFacts::default();
    let html = pipeline.run(html, page, &mut findings, &mut facts);
    (
        OutputFile {
            path: page.output_path.to_string(),
            bytes: html.into(),
        },
        findings,
        facts,
    )
}

/// A built page as the site-wide checks see it.
struct PageRef<'a> {
    /// Output path (`chapter/page/index.html`).
    path: &'a str,
    /// The content file it was made from, if any.
    file: Option<&'a str>,
    /// What its stages found out.
    facts: &'a PageFacts,
}

/// Checks every link between pages (and its `#fragment`) against the built files.
/// Pages share most of their links (navigation), so each distinct target is
/// looked up once.
fn check_links_between_pages(
    pages: &[PageRef<'_>],
    out: &BTreeMap<String, bytes::Bytes>,
    statics: &HashSet<&str>,
    statement_path: &str,
    base_path: &str,
    cfg: &crate::config::A11yConfig,
    unmade: &HashSet<String>,
) -> Vec<Diagnostic> {
    let rule = "broken-internal-link";
    if cfg.ignore.iter().any(|r| r == rule) {
        return Vec::new();
    }
    let files: HashSet<&str> = out.keys().map(String::as_str).collect();
    // Each page's ids are sorted (the a11y stage sorts them): looked up by
    // binary search, without building a set per page.
    let ids: HashMap<&str, &[String]> = pages
        .iter()
        .map(|p| (p.path, p.facts.ids.as_slice()))
        .collect();
    // A page not made because its file has an error is not a broken link.
    let exists = |path: &str| {
        files.contains(path)
            || path == statement_path
            || statics.contains(path)
            || unmade.contains(path)
    };
    let warn = cfg.warn.iter().any(|r| r == rule);
    // In chunks of pages, one per worker at a time, each with its own memo of
    // verdicts; the chunks' findings are joined in page order.
    let chunks: Vec<Vec<Diagnostic>> = pages
        .par_chunks(512)
        .map(|chunk| {
            let mut verdicts: HashMap<(&str, &str), Option<String>> = HashMap::default();
            let mut buf = String::new();
            let mut found = Vec::new();
            for page in chunk {
                for ((target, fragment), line) in &page.facts.links {
                    // A content link (`@/…`) left as written: its file could not
                    // be read, which is reported already.
                    if target.contains("@/") {
                        continue;
                    }
                    let problem = verdicts
                        .entry((target.as_str(), fragment.as_str()))
                        .or_insert_with(|| {
                            // The file a link to `target` opens: `target` itself, or its `index.html`.
                            let html_target = if target.is_empty() || target.ends_with('/') {
                                buf.clear();
                                buf.push_str(target);
                                buf.push_str("index.html");
                                buf.as_str()
                            } else if exists(target) {
                                target.as_str()
                            } else {
                                buf.clear();
                                buf.push_str(target);
                                buf.push_str("/index.html");
                                buf.as_str()
                            };
                            if !exists(html_target) && !exists(target) {
                                return Some(format!(
                                    "link to `{base_path}{target}`, but the site has no such page or file"
                                ));
                            }
                            if fragment.is_empty() || fragment == "top" {
                                return None;
                            }
                            match ids.get(html_target) {
                                Some(set)
                                    if set
                                        .binary_search_by(|id| id.as_str().cmp(fragment.as_str()))
                                        .is_err() =>
                                {
                                    Some(format!(
                                        "link to `{base_path}{target}#{fragment}`, but that page has no element with id `{fragment}`"
                                    ))
                                }
                                _ => None,
                            }
                        });
                    if let Some(message) = problem {
                        let file = page.file.unwrap_or(page.path).to_string();
                        let mut d = if warn {
                            Diagnostic::warning(rule, file, message.clone())
                        } else {
                            Diagnostic::error(rule, file, message.clone())
                        };
                        if let Some(l) = line {
                            d = d.at(*l, 1);
                        }
                        d.page = Some(format!(
                            "{base_path}{}",
                            page.path.trim_end_matches("index.html")
                        ));
                        d.wcag = Some("2.4.4");
                        found.push(d.help(
                            "correct the link, or link to a content file with `@/chapter/page.md`",
                        ));
                    }
                }
            }
            found
        })
        .collect();
    chunks.into_iter().flatten().collect()
}

/// One warning per abbreviation used without a glossary entry, at its first
/// use (the file and line of the first page, in reading order, that has it).
fn abbreviation_warnings<'a>(
    pages: &[PageRef<'_>],
    base_path: &str,
    cfg: &crate::config::A11yConfig,
    source_text: &dyn for<'f> Fn(&'f str) -> Option<&'a str>,
) -> Vec<Diagnostic> {
    if cfg.ignore.iter().any(|r| r == "abbreviation") {
        return Vec::new();
    }
    type FirstUse<'p> = (usize, &'p str, Option<&'p str>, Option<usize>);
    let mut seen: BTreeMap<&str, FirstUse<'_>> = BTreeMap::new();
    for page in pages {
        for (a, line) in &page.facts.abbreviations {
            let e = seen
                .entry(a.as_str())
                .or_insert((0, page.path, page.file, *line));
            e.0 += 1;
        }
    }
    seen.into_iter()
        .map(|(term, (n, page, file, line))| {
            let mut d = Diagnostic::warning(
                "abbreviation",
                file.unwrap_or(crate::load::CONTENT_DIR),
                format!(
                    "`{term}` looks like an abbreviation but is not in content/glossary.yaml (used on {n} page{})",
                    if n == 1 { "" } else { "s" }
                ),
            )
            .help(format!("add a line `{term}: what it stands for` to content/glossary.yaml, so it is explained where it is first used"));
            if let (Some(file), Some(line)) = (file, line) {
                d = match source_text(file) {
                    Some(text) => {
                        let column = text
                            .lines()
                            .nth(line.saturating_sub(1))
                            .and_then(|l| word_column(l, term))
                            .unwrap_or(1);
                        d.at_in(text, line, column)
                    }
                    None => d.at(line, 1),
                };
            }
            d.page = Some(format!("{base_path}{}", page.trim_end_matches("index.html")));
            d.wcag = Some("3.1.4");
            d
        })
        .collect()
}

/// The 1-based character column of `word` as a whole word in `line`.
fn word_column(line: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find(word) {
        let at = from + i;
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(line[..at].chars().next_back())
            && boundary(line[at + word.len()..].chars().next())
        {
            return Some(line[..at].chars().count() + 1);
        }
        from = at + word.len();
    }
    None
}

/// Reports each finding once: the same finding (rule, file, line, message) on
/// several pages becomes one that lists the other pages in `also_on`; a finding
/// on the full report that repeats one of a chapter's page (the full report
/// holds every chapter's text, but has no source lines of its own) is folded
/// into it.
fn merge_repeated_findings(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    const FULL_REPORT: &str = "full-report/index.html";
    let (whole, mut rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
        findings.into_iter().partition(|d| d.file == FULL_REPORT);
    sort_diagnostics(&mut rest);
    let mut out: Vec<Diagnostic> = Vec::with_capacity(rest.len());
    for d in rest {
        if let Some(last) = out.last_mut()
            && (last.code, &last.file, last.line, last.column, &last.message)
                == (d.code, &d.file, d.line, d.column, &d.message)
        {
            if let Some(p) = d.page
                && last.page.as_ref() != Some(&p)
                && !last.also_on.contains(&p)
            {
                last.also_on.push(p);
            }
            continue;
        }
        out.push(d);
    }
    for d in whole {
        match out
            .iter_mut()
            .find(|o| o.code == d.code && o.message == d.message)
        {
            Some(o) => {
                if let Some(p) = d.page
                    && !o.also_on.contains(&p)
                {
                    o.also_on.push(p);
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// One template mistake fails every page that uses the template: report it once,
/// naming the first page and how many others.
fn merge_template_errors(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    for d in problems {
        if d.code == "template"
            && let Some((_, n)) = out.iter_mut().find(|(o, _)| {
                o.code == "template"
                    && o.file == d.file
                    && o.line == d.line
                    && o.column == d.column
                    && o.message == d.message
            })
        {
            *n += 1;
            continue;
        }
        out.push((d, 0));
    }
    out.into_iter()
        .map(|(mut d, n)| {
            if n > 0
                && let Some(h) = &d.help
            {
                d.help = Some(format!(
                    "{h} (and {n} other page{} the same way)",
                    if n == 1 { " fails" } else { "s fail" }
                ));
            }
            d
        })
        .collect()
}

/// The folder a build writes to by default.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
