//! Plugins: stages that post-process every rendered page, and generators that
//! add site-level files.
//!
//! A [`PageStage`] takes the HTML of one rendered page and a [`PageContext`]
//! saying which page it is, and returns the new HTML and any findings. A
//! [`Generator`] sees the whole built site ([`SiteContext`]) and adds files.
//! Built-ins implement the same traits a user's own plugin would (see
//! `examples/custom_plugin.rs`): stages run in a fixed order — the user's own
//! (in the order added), then `a11y`, then `minify` — which the CLI prints;
//! generators run after every page is built, in the order added, built-ins
//! (`sitemap`) first.

pub mod a11y;
pub mod minify;
pub(crate) mod packed_facts;
pub mod sitemap;

use crate::error::Diagnostic;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/` separators (`background/index.html`).
    pub path: String,
    /// The bytes (shared: cloning a file does not copy them).
    pub bytes: bytes::Bytes,
}

/// What a stage knows about the page it is processing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PageContext<'a> {
    /// Output path relative to the output folder (`background/index.html`).
    pub output_path: &'a str,
    /// The content file the page came from (site-relative), if any.
    pub source_file: Option<&'a str>,
    /// The page's URL path, with the base path (`/background/`).
    pub url_path: &'a str,
    /// Add this to a Markdown body line to get the line in the content file
    /// (the front matter's length); none when the page has no Markdown body.
    pub line_offset: Option<usize>,
    /// The content file's text, for the line shown under a finding.
    pub source_text: Option<&'a str>,
    /// The page's Markdown body as comrak wrote it, when it holds only what
    /// the accessibility stage can check without reading it as HTML: the stage
    /// then reads the template's HTML around it and splices it in.
    pub body: Option<&'a str>,
    /// The Markdown line of each element of [`PageContext::body`], when comrak
    /// wrote it without `data-sourcepos` ([`crate::markdown::render_body`]).
    pub body_lines: Option<&'a crate::markdown::BodyLines>,
    /// The version of reportsite running the stage.
    pub version: &'static str,
}

impl<'a> PageContext<'a> {
    /// A context for `output_path`, rendered from `source_file`.
    pub fn new(output_path: &'a str, source_file: Option<&'a str>) -> Self {
        PageContext {
            output_path,
            source_file,
            url_path: "/",
            line_offset: None,
            source_text: None,
            body: None,
            body_lines: None,
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// Sets the page's URL path.
    pub fn at_url(mut self, url_path: &'a str) -> Self {
        self.url_path = url_path;
        self
    }

    /// Sets the page's Markdown body, as [`PageContext::body`] says, and its
    /// lines when they are not in its HTML.
    pub fn with_body(
        mut self,
        body: &'a str,
        lines: Option<&'a crate::markdown::BodyLines>,
    ) -> Self {
        self.body = Some(body);
        self.body_lines = lines;
        self
    }

    /// Sets where the Markdown body starts in the content file, and its text.
    pub fn with_source(mut self, line_offset: usize, text: &'a str) -> Self {
        self.line_offset = Some(line_offset);
        self.source_text = Some(text);
        self
    }
}

/// What a stage learnt about a page that site-wide checks need.
#[derive(Debug, Clone, Default)]
pub struct PageFacts {
    /// Every id on the page (sorted, without repeats, after the pipeline).
    pub ids: Vec<String>,
    /// Links to other pages of the site: (path below the base path, fragment), and
    /// the content file line of the link when known.
    pub links: Vec<((String, String), Option<usize>)>,
    /// Words that look like abbreviations but are not in the glossary, each
    /// with the content file line of its first use on the page, when known.
    pub abbreviations: Vec<(String, Option<usize>)>,
}

/// What a stage returns.
#[derive(Debug, Default)]
pub struct StageOutput {
    /// The page's new HTML.
    pub html: String,
    /// Findings.
    pub findings: Vec<Diagnostic>,
    /// Facts for site-wide checks.
    pub facts: PageFacts,
}

/// A post-processing stage run over every HTML page.
pub trait PageStage: Send + Sync {
    /// A short, stable name (`minify`).
    fn name(&self) -> &'static str;
    /// Processes one page.
    fn run(&self, html: String, page: &PageContext<'_>) -> StageOutput;
}

/// A stage the pipeline owns (built-ins) or borrows (added by the user).
pub(crate) enum StageRef<'a> {
    /// A built-in stage made for this build.
    Owned(Box<dyn PageStage>),
    /// A stage the site holds.
    Borrowed(&'a dyn PageStage),
}

impl StageRef<'_> {
    fn get(&self) -> &dyn PageStage {
        match self {
            StageRef::Owned(b) => b.as_ref(),
            StageRef::Borrowed(r) => *r,
        }
    }
}

/// The ordered list of stages a build runs.
#[derive(Default)]
pub(crate) struct Pipeline<'a> {
    /// The stages, in order (add with [`Pipeline::push`]).
    stages: Vec<StageRef<'a>>,
    /// Nanoseconds spent in each stage, summed over threads.
    spent: Vec<std::sync::atomic::AtomicU64>,
    /// The paths most links of the pages go to (every entry's), by which the
    /// pages' facts name them ([`packed_facts::PackedFacts::pack`]).
    known_paths: std::sync::Arc<packed_facts::KnownPaths>,
}

impl<'a> Pipeline<'a> {
    /// Runs every stage over one page.
    pub(crate) fn run(
        &self,
        mut html: String,
        page: &PageContext<'_>,
        findings: &mut Vec<Diagnostic>,
        facts: &mut PageFacts,
    ) -> String {
        for (i, stage) in self.stages.iter().enumerate() {
            let started = std::time::Instant::now();
            let out = stage.get().run(html, page);
            if let Some(counter) = self.spent.get(i) {
                counter.fetch_add(
                    started.elapsed().as_nanos() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
            findings.extend(out.findings);
            facts.ids.extend(out.facts.ids);
            facts.links.extend(out.facts.links);
            facts.abbreviations.extend(out.facts.abbreviations);
            html = out.html;
        }
        // Sorted and unique, whatever the stages gave: the site-wide link check
        // looks ids up by binary search.
        facts.ids.sort_unstable();
        facts.ids.dedup();
        html
    }

    /// Sets the paths the pages' facts name by index (see `known_paths`).
    pub(crate) fn set_known_paths(&mut self, known: packed_facts::KnownPaths) {
        self.known_paths = std::sync::Arc::new(known);
    }

    /// The paths the pages' facts name by index.
    pub(crate) fn known_paths(&self) -> &std::sync::Arc<packed_facts::KnownPaths> {
        &self.known_paths
    }

    /// Adds a stage at the end.
    pub(crate) fn push(&mut self, stage: StageRef<'a>) {
        self.stages.push(stage);
        self.spent.push(std::sync::atomic::AtomicU64::new(0));
    }

    /// Time spent in each stage so far, summed over threads.
    pub(crate) fn timings(&self) -> Vec<(&'static str, std::time::Duration)> {
        self.stages
            .iter()
            .zip(&self.spent)
            .map(|(s, n)| {
                (
                    s.get().name(),
                    std::time::Duration::from_nanos(n.load(std::sync::atomic::Ordering::Relaxed)),
                )
            })
            .collect()
    }

    /// Names of the stages, in order.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.get().name()).collect()
    }
}

/// What a generator sees: the finished pages and the site's settings.
#[non_exhaustive]
pub struct SiteContext<'a> {
    /// The site's settings.
    pub config: &'a crate::config::Config,
    /// The report model.
    pub report: &'a crate::model::Report,
    /// Paths of every file built so far (relative to the output folder), sorted.
    pub paths: Vec<&'a str>,
    /// The version of reportsite running the generator.
    pub version: &'static str,
}

/// A plugin that adds files to the built site (a sitemap, a search index, …).
pub trait Generator: Send + Sync {
    /// A short, stable name (`sitemap`).
    fn name(&self) -> &'static str;
    /// The files to add. A file whose path is already built is an error.
    fn generate(&self, site: &SiteContext<'_>) -> Result<Vec<OutputFile>, Diagnostic>;
}
