//! The page stages a build runs on every HTML page, in order.
//!
//! In: the site (its settings, its own stages added with
//! [`Site::add_stage`]), its static files and documents. Out: a [`Pipeline`]:
//! the site's own stages, then those of `[plugins] page_stages` (`a11y`),
//! with `minify` last (and only when `minify_html` is on); and
//! [`finish_page`], which runs it over one page.

use std::collections::BTreeMap;

use super::Rendered;
use super::plan::StaticSource;
use crate::config::CONFIG_FILE;
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;
use crate::plugins::packed_facts::PackedFacts;
use crate::plugins::{PageContext, PageFacts, Pipeline, StageRef, a11y, minify::Minify};
use crate::render;
use crate::site::Site;

/// The page stages of `site`, in order; an unknown stage name is an error.
pub(crate) fn pipeline<'s>(
    site: &'s Site,
    statics: &BTreeMap<String, StaticSource<'_>>,
    documents: &[render::DocumentView],
) -> Result<Pipeline<'s>> {
    let config = &site.config;
    let mut pipeline = Pipeline::default();
    for s in site.own_stages() {
        pipeline.push(StageRef::Borrowed(s.as_ref()));
    }
    let known = [crate::plugins::a11y::NAME, "minify"];
    for name in &config.plugins.page_stages {
        match name.as_str() {
            crate::plugins::a11y::NAME => {
                pipeline.push(StageRef::Owned(Box::new(a11y::A11y::new(a11y_info(
                    site, statics, documents,
                )))));
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

/// What the accessibility stage needs to know about the site.
pub(crate) fn a11y_info(
    site: &Site,
    statics: &BTreeMap<String, StaticSource<'_>>,
    documents: &[render::DocumentView],
) -> a11y::SiteInfo {
    let config = &site.config;
    let base_path = config.base_path();
    let mut file_sizes = std::collections::HashMap::new();
    for (path, source) in statics {
        if let Some(size) = source.size() {
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
        glossary: site.report.glossary.clone(),
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

/// Runs the page stages over a rendered page: its output file, findings and facts.
pub(crate) fn finish_page(
    pipeline: &Pipeline<'_>,
    html: String,
    page: &PageContext<'_>,
) -> Rendered {
    let mut findings = Vec::new();
    let mut facts = PageFacts::default();
    let html = pipeline.run(html, page, &mut findings, &mut facts);
    (
        OutputFile {
            path: page.output_path.to_string(),
            bytes: html.into(),
        },
        findings,
        PackedFacts::pack(facts, pipeline.known_paths()),
    )
}
