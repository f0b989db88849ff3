//! Plugins: stages that post-process every rendered page, in a fixed order.
//!
//! In: the HTML of one rendered page and a [`PageContext`] saying which page it is.
//! Out: the new HTML and any findings. Built-in stages implement the same
//! [`PageStage`] trait a user's own stage would; the pipeline runs them in the
//! order of [`Pipeline::stages`], `minify` always last.

pub mod minify;

use crate::error::Diagnostic;

/// What a stage knows about the page it is processing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PageContext<'a> {
    /// Output path relative to the output folder (`background/index.html`).
    pub output_path: &'a str,
    /// The content file the page came from (site-relative), if any.
    pub source_file: Option<&'a str>,
    /// The version of reportsite running the stage.
    pub version: &'static str,
}

impl<'a> PageContext<'a> {
    /// A context for `output_path`, rendered from `source_file`.
    pub fn new(output_path: &'a str, source_file: Option<&'a str>) -> Self {
        PageContext {
            output_path,
            source_file,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// What a stage returns.
#[derive(Debug, Default)]
pub struct StageOutput {
    /// The page's new HTML.
    pub html: String,
    /// Findings (errors fail the build).
    pub findings: Vec<Diagnostic>,
}

/// A post-processing stage run over every HTML page.
pub trait PageStage: Send + Sync {
    /// A short, stable name (`minify`).
    fn name(&self) -> &'static str;
    /// Processes one page.
    fn run(&self, html: String, page: &PageContext<'_>) -> StageOutput;
}

/// The ordered list of stages a build runs.
#[derive(Default)]
pub struct Pipeline {
    /// The stages, in order.
    pub stages: Vec<Box<dyn PageStage>>,
}

impl Pipeline {
    /// Runs every stage over one page.
    pub fn run(
        &self,
        mut html: String,
        page: &PageContext<'_>,
        findings: &mut Vec<Diagnostic>,
    ) -> String {
        for stage in &self.stages {
            let out = stage.run(html, page);
            findings.extend(out.findings);
            html = out.html;
        }
        html
    }

    /// Names of the stages, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }
}
