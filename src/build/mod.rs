//! The build: the loaded site in, every output file to one sink.
//!
//! In: a loaded [`Site`], a [`Sink`] and, for the preview, a [`BuildCache`].
//! Out: each file of the site handed to the sink as soon as it is made, and a
//! [`Built`] (the paths, warnings, findings, timings), or every problem found.
//!
//! The steps, each in its own module (`run` and `make` read them in order):
//! 1. `markdown_pass`: every Markdown text → HTML, links checked (with the
//!    full report or the preview's cache; otherwise each entry's Markdown is
//!    made in its page's job).
//! 2. templates and views ([`crate::render`]), the page stages (`stages`).
//! 3. `plan` lists the jobs; `jobs` makes them in parallel: every entry's page
//!    and the site's own pages (glossary, full report, 404), each through the
//!    page stages to the sink.
//! 4. the site-wide checks (`plugins::a11y::site_wide`), then the
//!    accessibility statement from the audit.
//! 5. redirect pages (through the page stages too), static files, generators.
//! 6. `verdict`: an error anywhere fails the build.
//!
//! `cache` keeps what the preview reuses between builds, with fingerprints.

mod advice_cap;
mod cache;
mod jobs;
mod markdown_pass;
mod plan;
mod stages;
mod verdict;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use advice_cap::LeftOut;
pub use cache::BuildCache;
use jobs::{Done, Jobs, Keys};
use markdown_pass::MarkdownEnv;
use plan::{Job, StaticSource};
use verdict::Verdict;

use crate::content_components::CallRenderer;
use crate::error::{Diagnostic, Result};
use crate::output::{Memory, OutputFile, Sink};
use crate::plugins::packed_facts::{KnownPaths, PackedFacts};
use crate::render::{Links, Renderer, ReportHtml, ReportView};
use crate::site::Site;

/// A page after its stages: the file, its accessibility findings, and the facts
/// the site-wide checks need.
pub(crate) type Rendered = (OutputFile, Vec<Diagnostic>, PackedFacts);

/// Time spent in each stage of a build.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading files, parsing front matter, building the model ([`Site::load`]).
    pub load: Duration,
    /// Markdown to HTML, before the pages (wall time): the report's own
    /// fields, or every entry's Markdown when it is needed before the pages
    /// (the preview's cache, the full report).
    pub markdown: Duration,
    /// Markdown to HTML made with each page, summed over threads.
    pub markdown_cpu: Duration,
    /// Templates, page stages and the sink for every entry's page and the
    /// site's own pages (wall time of the parallel pass).
    pub render: Duration,
    /// Time inside templates alone, summed over threads.
    pub templates_cpu: Duration,
    /// Time inside each page stage, summed over threads, in stage order.
    pub stages_cpu: Vec<(&'static str, Duration)>,
    /// The site-wide checks, the statement, redirects, static files, generators.
    pub assemble: Duration,
}

/// How much plain-English advice a build's caller lists
/// ([`Site::build_into_listing`]), and what the build counted instead.
#[derive(Debug, Default)]
pub struct AdviceListing {
    /// How many pieces are listed in full, the first by file, line and column.
    pub limit: usize,
    /// Pieces counted, not kept, by rule (filled in by the build, whether it
    /// succeeds or fails).
    pub left_out: LeftOut,
}

impl AdviceListing {
    /// A listing of the first `limit` pieces.
    pub fn new(limit: usize) -> AdviceListing {
        AdviceListing {
            limit,
            left_out: LeftOut::new(),
        }
    }

    /// How many pieces were counted, not kept.
    pub fn left_out_total(&self) -> usize {
        self.left_out.values().sum()
    }
}

/// The result of a successful build.
#[derive(Debug, Default)]
pub struct Built {
    /// Every file of the site, sorted by path, when built in memory
    /// ([`Site::build`], [`Site::build_cached`]); empty when a sink of the
    /// caller's took them ([`Site::build_into`]).
    pub files: Vec<OutputFile>,
    /// Warnings about the content that did not fail the build.
    pub warnings: Vec<Diagnostic>,
    /// Accessibility findings of the HTML stages (errors fail `--strict` builds).
    pub findings: Vec<Diagnostic>,
    /// How many HTML pages were rendered (redirect pages aside).
    pub pages: usize,
    /// The path of every file handed to the sink, sorted.
    pub written: Vec<String>,
    /// Time per stage.
    pub timings: Timings,
}

impl Site {
    /// Builds every file in memory.
    pub fn build(&self) -> Result<Built> {
        self.build_with_progress(&|_, _| {})
    }

    /// Builds in memory, calling `progress(done, total)` as entries' pages are made.
    pub(crate) fn build_with_progress(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Built> {
        in_memory(|sink| self.build_into(sink, progress))
    }

    /// Builds, handing each file to `sink` as soon as it is made (the CLI's
    /// staging folder, [`crate::output::Staging`]), so a large site is never held
    /// in memory. The files handed over are listed in [`Built::written`]. A
    /// sink error stops the build.
    pub fn build_into(
        &self,
        sink: &dyn Sink,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Built> {
        // Deep stacks: rendering nested templates takes much of it (theme.rs).
        crate::theme::with_render_stack(|| run(self, sink, progress, None, None))
    }

    /// [`Site::build_into`] for a caller that lists only the first
    /// `listing.limit` pieces of plain-English advice (by file, line and
    /// column) and counts the rest by rule, as `reportsite build` does: advice
    /// that cannot be among those listed is counted into `listing.left_out`
    /// (by rule) as its page is made, instead of kept in [`Built::warnings`]
    /// or the error's list, and the pages' reading ages go with it. What is
    /// listed and every count are as with [`Site::build_into`]; a long
    /// report's thousands of pieces are not held until the build ends.
    pub fn build_into_listing(
        &self,
        sink: &dyn Sink,
        progress: &(dyn Fn(usize, usize) + Sync),
        listing: &mut AdviceListing,
    ) -> Result<Built> {
        crate::theme::with_render_stack(|| run(self, sink, progress, None, Some(listing)))
    }

    /// Builds in memory, taking from `cache` every page whose inputs (its source,
    /// its view of the site, the templates, the settings and the page stages)
    /// have the same fingerprint as in the build that filled it, and leaving this
    /// build's pages in it. The result is the same as [`Site::build`]'s, byte for
    /// byte; the preview uses it to rebuild only what an edit changed. Page
    /// stages added with [`Site::add_stage`] must give the same output for the
    /// same page.
    pub fn build_cached(&self, cache: &mut BuildCache) -> Result<Built> {
        in_memory(|sink| {
            crate::theme::with_render_stack(|| run(self, sink, &|_, _| {}, Some(cache), None))
        })
    }
}

/// A build into a [`Memory`] sink, its files in [`Built::files`].
fn in_memory(build: impl FnOnce(&Memory) -> Result<Built>) -> Result<Built> {
    let sink = Memory::default();
    let mut built = build(&sink)?;
    built.files = sink.into_files();
    Ok(built)
}

/// The build: steps 1 and 2, Markdown, then the templates, views and page
/// stages every job shares; then [`make`] does the rest.
fn run(
    site: &Site,
    sink: &dyn Sink,
    progress: &(dyn Fn(usize, usize) + Sync),
    mut cache: Option<&mut BuildCache>,
    listing: Option<&mut AdviceListing>,
) -> Result<Built> {
    let mut timings = Timings {
        load: site.load_time,
        ..Timings::default()
    };
    let t = Instant::now();
    let statics = plan::static_files(site);
    let env = MarkdownEnv::new(site, &statics);
    let links_md = env.links(site);
    let base_path = site.config.base_path();
    let origin = site.config.origin().to_string();
    let functions = function_context(site, &origin, &base_path);
    let (renderer, links) = templates(site, &functions, &base_path, &origin);
    let (lookups, fused) = markdown_with_pages(site, cache.is_some());
    let md_cache = cache.as_deref_mut().map(|c| &mut c.markdown);
    let calls = renderer.as_ref().ok().map(|r| r as &dyn CallRenderer);
    let md = markdown_pass::pass(site, &links_md, &statics, md_cache, !fused, calls);
    let (verdict, broken_files) = Verdict::new(site, md.problems);
    timings.markdown = t.elapsed();

    let t = Instant::now();
    let mut renderer = match renderer {
        Ok(r) => r,
        Err(template_problems) => return Err(verdict.without_templates(template_problems)),
    };
    if lookups {
        renderer.fill_index(&links, Some(&md.entries));
    }
    let report_view = report_view(site, &links, md.report);
    let ((), build_key) = rayon::join(
        || renderer.set_globals(&site.config, &report_view),
        || {
            let key = || cache::build_fingerprint(site, &report_view, &statics, &origin);
            // Pages may show any other page (`get_page`): every page then
            // depends on every entry's Markdown and link.
            let key = || match lookups {
                true => cache::with_index(key(), &md.keys, &links, site.report.entries.len()),
                false => key(),
            };
            cache.is_some().then(key)
        },
    );
    let previous = cache.as_deref_mut().map(|c| std::mem::take(&mut c.pages));
    let jobs = Jobs {
        site,
        renderer: &renderer,
        links: &links,
        links_md: &links_md,
        report_view: &report_view,
        pipeline: &pipeline(site, &statics, &report_view)?,
        htmls: &md.entries,
        fused,
        broken_files: &broken_files,
        origin: origin.clone(),
        base_path: base_path.clone(),
        keys: build_key
            .zip(previous.as_ref())
            .map(|(build, previous)| Keys {
                build,
                markdown: &md.keys,
                links: link_keys(&links, site.report.entries.len()),
                previous,
            }),
        sink,
        progress,
        counters: Default::default(),
        advice_cap: advice_cap::AdviceCap::of_build(site, fused, listing.as_ref().map(|l| l.limit)),
    };
    let mut built = make(&jobs, verdict, &statics, cache, (timings, t), listing)?;
    built
        .warnings
        .extend(clock_warning(site, &functions, build_key.is_some()));
    Ok(built)
}

/// What every page's template sees of the report.
fn report_view<'a>(site: &Site, links: &'a Links<'a>, report: ReportHtml) -> ReportView<'a> {
    let mut view = ReportView::new(links, report);
    view.has_full_report = site.has_full_report();
    view.contents_all = site.report.entries.len() <= crate::site::FULL_REPORT_AUTO_LIMIT;
    view
}

/// The page stages, with the entries' paths the pages' facts name by index.
fn pipeline<'s>(
    site: &'s Site,
    statics: &BTreeMap<String, StaticSource<'_>>,
    report_view: &ReportView<'_>,
) -> Result<crate::plugins::Pipeline<'s>> {
    let mut pipeline = stages::pipeline(site, statics, &report_view.documents)?;
    let paths = site.report.entries.iter().map(|e| e.path.url());
    pipeline.set_known_paths(KnownPaths::new(paths));
    Ok(pipeline)
}

/// The templates (with Zola's functions) and the entries' links, made side
/// by side: independent set-up work, most of a preview rebuild. They come
/// before the Markdown: content components in Markdown use the templates.
fn templates<'a>(
    site: &'a Site,
    functions: &std::result::Result<crate::template_functions::FunctionContext, Diagnostic>,
    base_path: &'a str,
    origin: &'a str,
) -> (std::result::Result<Renderer, Vec<Diagnostic>>, Links<'a>) {
    let (renderer, links) = rayon::join(
        || {
            let functions = functions.as_ref().map_err(|d| vec![d.clone()])?;
            let mut r = Renderer::new(
                &site.theme,
                &site.site_templates,
                base_path,
                &crate::config::Contact::of(&site.config),
                site.config.minify_html,
                functions,
            )?;
            r.set_call_context(&site.config);
            Ok::<_, Vec<Diagnostic>>(r)
        },
        || {
            Links::at(
                &site.report,
                base_path,
                origin,
                &site.config.default_language,
            )
        },
    );
    if let Ok(r) = &renderer {
        r.fill_index(&links, None);
    }
    (renderer, links)
}

/// The warning that the output depends on the build time: when a template read
/// the clock (or, in the preview, may have in a page taken from the cache)
/// without `SOURCE_DATE_EPOCH`.
fn clock_warning(
    site: &Site,
    functions: &std::result::Result<crate::template_functions::FunctionContext, Diagnostic>,
    cached: bool,
) -> Option<Diagnostic> {
    let f = functions.as_ref().ok()?;
    if !(f.clock.was_read() || (cached && f.clock.is_system())) {
        return None;
    }
    crate::render::clock_warning(&site.theme, &site.site_templates)
}

/// Whether templates look pages up, and whether each entry's Markdown is made
/// in its page's job. Without a cache or the full report (which needs every
/// body at once) it is, just before its page: no body of the site waits in
/// memory for the others. Templates that look pages up (`get_page`) need
/// every body first too.
fn markdown_with_pages(site: &Site, cached: bool) -> (bool, bool) {
    let lookups = crate::render::uses_lookups(&site.theme, &site.site_templates);
    (lookups, !cached && !site.has_full_report() && !lookups)
}

/// What Zola's template functions need: the site's address, where data files
/// are, the clock (`SOURCE_DATE_EPOCH` when set) and an empty page index.
fn function_context(
    site: &Site,
    origin: &str,
    base_path: &str,
) -> std::result::Result<crate::template_functions::FunctionContext, Diagnostic> {
    use crate::template_functions::{Clock, FunctionContext};
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let clock = Clock::from_source_date_epoch(epoch.as_deref()).map_err(|m| {
        Diagnostic::error("source-date-epoch", "SOURCE_DATE_EPOCH", m)
            .help("set it to a whole number of seconds (`date +%s`), or unset it")
    })?;
    let theme_static = site
        .root
        .join("themes")
        .join(&site.theme.name)
        .join("static");
    Ok(FunctionContext {
        base_url: format!("{origin}{base_path}"),
        roots: crate::data::DataRoots {
            site: site.root.clone(),
            theme_static: theme_static.is_dir().then_some(theme_static),
        },
        clock,
        index: Default::default(),
    })
}

/// Steps 3 to 6: the pages in parallel, the site-wide checks and the
/// statement, redirects, static files and generators (each job's file to the
/// sink), then the verdict. `timings.1` is when the render step began.
fn make<'s>(
    jobs: &Jobs<'s>,
    mut verdict: Verdict<'s>,
    statics: &BTreeMap<String, StaticSource<'_>>,
    cache: Option<&mut BuildCache>,
    (mut timings, render_start): (Timings, Instant),
    listing: Option<&mut AdviceListing>,
) -> Result<Built> {
    let done = run_all(jobs, plan::pages(jobs.site, jobs.broken_files))?;
    if let Some(c) = cache {
        c.keep_pages(cached_pages(&done), jobs.counters.reused());
    }
    verdict.take(done);
    // Counted once the pages are made: whatever fails after, it is known.
    if let Some(l) = listing {
        l.left_out = std::mem::take(&mut verdict.advice_left_out);
    }
    timings.render = render_start.elapsed();
    timings.markdown_cpu = jobs.counters.markdown();
    timings.templates_cpu = jobs.counters.templates();

    let t = Instant::now();
    let audited = jobs.pipeline.names().contains(&crate::plugins::a11y::NAME);
    if audited {
        verdict.site_wide_checks(statics);
    }
    let statement = Box::new(verdict.statement(audited));
    verdict.take(run_all(jobs, vec![Job::Statement(statement)])?);
    let pages = verdict.html_pages();
    let redirects = verdict.plan_redirects();
    verdict.take(run_all(jobs, redirects)?);
    if !verdict.failed() {
        let copies = plan::statics(statics, &verdict.made, &mut verdict.warnings);
        verdict.take(run_all(jobs, copies)?);
    }
    verdict.run_generators(jobs, statics)?;
    timings.assemble = t.elapsed();
    timings.stages_cpu = jobs.pipeline.timings();
    verdict.finish(pages, timings)
}

/// Makes `jobs` in parallel; the first sink error stops the build.
fn run_all<'a>(jobs: &Jobs<'a>, list: Vec<Job<'_>>) -> Result<Vec<Done<'a>>> {
    list.par_iter().map(|job| jobs.run(job)).collect()
}

/// The fingerprint of every entry's link view, for the pages' fingerprints.
fn link_keys(links: &Links<'_>, entries: usize) -> Vec<u128> {
    (0..entries)
        .into_par_iter()
        .map(|j| {
            crate::fingerprint::Fingerprint::new()
                .value(links.get(j))
                .finish()
        })
        .collect()
}

/// The entries' pages that a cached build keeps for the next, with their fingerprints.
fn cached_pages<'d>(done: &'d [Done<'_>]) -> impl Iterator<Item = (&'d Arc<Rendered>, u128)> {
    done.iter().filter_map(|d| match d {
        Done::Page {
            rendered,
            key: Some(key),
            ..
        } => Some((rendered, *key)),
        _ => None,
    })
}
