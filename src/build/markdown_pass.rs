//! The Markdown pass: every Markdown text of the report → HTML, links checked.
//!
//! In: the report's sources and what links may point at ([`MarkdownEnv`]: the
//! entries, static files and the site's own pages). Out: each entry's
//! [`EntryHtml`] (its body and the Markdown lists of its front matter), the
//! report's own fields ([`ReportHtml`]), and the problems found, located in
//! their files. With the preview's cache, the Markdown of entries whose inputs
//! are unchanged is taken from it.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::cache::{self, CachedMarkdown};
use super::plan::{SitePage, StaticSource};
use crate::content_components::{self, CallRenderer};
use crate::error::Diagnostic;
use crate::frontmatter::{self, Kind};
use crate::load::Source;
use crate::markdown::{self, Place};
use crate::render::{self, CaseReviewView, EntryHtml, PriorityView, ReportHtml};
use crate::site::Site;

/// What links in Markdown may point at, besides the report's entries: the
/// static files and site pages, the entries' paths, the base path.
pub(crate) struct MarkdownEnv {
    files: HashSet<String>,
    entry_paths: Vec<String>,
    base_path: String,
    plain_english: Option<crate::plain_english::Checker>,
}

impl MarkdownEnv {
    /// The environment of `site`'s Markdown, with its static files.
    pub(crate) fn new(site: &Site, statics: &BTreeMap<String, StaticSource<'_>>) -> MarkdownEnv {
        let mut files: HashSet<String> = statics.keys().cloned().collect();
        files.extend(SitePage::ALL.iter().map(|p| p.output_path()));
        MarkdownEnv {
            files,
            entry_paths: site
                .report
                .entries
                .iter()
                .map(|e| e.path.url().to_string())
                .collect(),
            base_path: site.config.base_path(),
            plain_english: crate::plain_english::Checker::new(
                &site.config.plain_english,
                site.report
                    .glossary
                    .iter()
                    .flat_map(|g| std::iter::once(g.term.as_str()).chain(g.expansion.as_deref())),
            ),
        }
    }

    /// The view of links that Markdown rendering checks against.
    pub(crate) fn links<'a>(&'a self, site: &'a Site) -> markdown::Links<'a> {
        let report = &site.report;
        let sourcepos = site
            .config
            .plugins
            .page_stages
            .iter()
            .any(|s| s == crate::plugins::a11y::NAME);
        markdown::Links {
            by_rel: &report.by_rel,
            pages: &report.by_path,
            files: &self.files,
            entry_paths: &self.entry_paths,
            base_path: &self.base_path,
            drafts: &report.drafts,
            unreadable: &report.unreadable,
            sourcepos,
            // The stage finds the body as comrak wrote it only when no stage
            // of the site's own has had the page before it.
            lines_aside: sourcepos && site.own_stages().is_empty(),
            plain_english: self.plain_english.as_ref(),
            plain_english_counts: None,
        }
    }
}

/// What the Markdown pass made.
pub(crate) struct Markdown {
    /// Each entry's Markdown, in reading order (empty when made with its page).
    pub(crate) entries: Vec<Arc<EntryHtml>>,
    /// The report's own fields.
    pub(crate) report: ReportHtml,
    pub(crate) problems: Vec<Diagnostic>,
    /// The fingerprint of each entry's Markdown inputs (with a cache only).
    pub(crate) keys: Vec<u128>,
}

/// Renders every Markdown text (bodies and front-matter fields), checking links.
/// With a cache, bodies whose inputs are unchanged are taken from it, and the
/// fingerprint of each entry's inputs is returned. Unless `entries` is set,
/// only the report's own fields are rendered, and each entry's body is left
/// empty for its page job to make ([`entry_html`]).
pub(crate) fn pass(
    site: &Site,
    links: &markdown::Links<'_>,
    statics: &BTreeMap<String, StaticSource<'_>>,
    cache: Option<&mut HashMap<String, CachedMarkdown>>,
    entries: bool,
    calls: Option<&dyn CallRenderer>,
) -> Markdown {
    let report = &site.report;
    let raw = site.config.allow_raw_html;
    let keys = match &cache {
        Some(_) => cache::with_templates(cache::markdown_keys(links, report, raw), site),
        None => Vec::new(),
    };
    let size_of = |path: &str| statics.get(path).and_then(StaticSource::size);
    let (report_html, mut problems) = report_html(&report.root().source, links, raw, &size_of);
    if !entries {
        let empty = Arc::new(EntryHtml::default());
        return Markdown {
            entries: vec![empty; report.entries.len()],
            report: report_html,
            problems,
            keys,
        };
    }
    let results = entries_html(site, links, cache, &keys, calls);
    let mut htmls = Vec::with_capacity(results.len());
    for (h, p) in results {
        problems.extend(p);
        htmls.push(h);
    }
    Markdown {
        entries: htmls,
        report: report_html,
        problems,
        keys,
    }
}

/// Every entry's Markdown, in parallel: from the cache when its fingerprint
/// (`keys`) is unchanged; the cache then holds this build's.
fn entries_html(
    site: &Site,
    links: &markdown::Links<'_>,
    cache: Option<&mut HashMap<String, CachedMarkdown>>,
    keys: &[u128],
    calls: Option<&dyn CallRenderer>,
) -> Vec<(Arc<EntryHtml>, Vec<Diagnostic>)> {
    let report = &site.report;
    let raw = site.config.allow_raw_html;
    let previous = cache.as_deref();
    let results: Vec<(Arc<EntryHtml>, Vec<Diagnostic>)> = report
        .entries
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            if let Some(c) = previous.and_then(|p| p.get(e.path.url()))
                && keys.get(i) == Some(&c.key)
            {
                return (c.html.clone(), c.problems.clone());
            }
            let (html, problems) = entry_html(
                &e.source,
                &site.root,
                e.kind,
                e.path.url(),
                links,
                raw,
                calls,
            );
            (Arc::new(html), problems)
        })
        .collect();
    if let Some(c) = cache {
        c.clear();
        for ((e, (html, problems)), key) in report.entries.iter().zip(&results).zip(keys) {
            c.insert(
                e.path.url().to_string(),
                CachedMarkdown {
                    key: *key,
                    html: html.clone(),
                    problems: problems.clone(),
                },
            );
        }
    }
    results
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
    let line = source.key_position(key).map(|p| p.0).unwrap_or(1);
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
            for p in r.problems {
                // The Markdown of a list item is folded by YAML, so its lines are
                // not the file's: find the link, by its URL, in the file instead.
                let mut d = p.diagnostic;
                let found = p.url.and_then(|url| {
                    source
                        .text
                        .lines()
                        .enumerate()
                        .skip(line.saturating_sub(1))
                        .find_map(|(i, l)| {
                            l.find(&format!("]({url}"))
                                .map(|c| (i + 1, l[..c].chars().count() + 3))
                        })
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

/// One entry's Markdown: its body and the Markdown lists of its front matter
/// (a priority's or a case review's), with the problems found.
pub(crate) fn entry_html(
    source: &Source,
    root: &std::path::Path,
    kind: Kind,
    page_path: &str,
    links: &markdown::Links<'_>,
    raw: bool,
    calls: Option<&dyn CallRenderer>,
) -> (EntryHtml, Vec<Diagnostic>) {
    // A body released after the load is read again here, just before its page.
    let source = match source.with_whole_text(root) {
        Ok(s) => s,
        Err(d) => return (EntryHtml::default(), vec![d]),
    };
    let released = matches!(source, std::borrow::Cow::Owned(_));
    let source = &*source;
    let (body, summary) = match body_html(source, page_path, links, raw, calls) {
        Ok(made) => made,
        Err(problems) => return (EntryHtml::default(), problems),
    };
    let mut problems: Vec<Diagnostic> = body.problems.into_iter().map(|p| p.diagnostic).collect();
    let f = &source.front;
    let mut it = |list: &Option<Vec<String>>, key: &str| {
        items(list, key, source, page_path, links, raw, &mut problems)
    };
    let priority = (kind == Kind::Priority).then(|| PriorityView {
        what_was_done: it(&f.priority.what_was_done, "what_was_done"),
        impact: it(&f.priority.impact, "impact"),
        next_steps: it(&f.priority.next_steps, "next_steps"),
    });
    let case_review = (kind == Kind::CaseReview).then(|| CaseReviewView {
        subject: f.case_review.subject.clone(),
        review_type: f.case_review.review_type.clone(),
        status: f.case_review.status.map(|s| match s {
            frontmatter::ReviewStatus::Published => "published",
            frontmatter::ReviewStatus::InProgress => "in-progress",
        }),
        status_label: f.case_review.status.map(|s| match s {
            frontmatter::ReviewStatus::Published => "Published",
            frontmatter::ReviewStatus::InProgress => "In progress",
        }),
        harm: f.case_review.harm.clone(),
        learning: it(&f.case_review.learning, "learning"),
    });
    (
        EntryHtml {
            content: body.html,
            splice: body.plain,
            lines: body.lines,
            toc: body.toc,
            priority,
            case_review,
            words: render::count_words(source.body()),
            text: released.then(|| source.text.clone()),
            summary,
        },
        problems,
    )
}

/// The HTML of `source`'s body and of its summary (before `<!-- more -->`):
/// content components expanded first, as Zola 0.23 does, then the Markdown.
/// Errors: the components that could not be rendered.
fn body_html(
    source: &Source,
    page_path: &str,
    links: &markdown::Links<'_>,
    raw: bool,
    calls: Option<&dyn CallRenderer>,
) -> Result<(markdown::Rendered, Option<String>), Vec<Diagnostic>> {
    let place = Place {
        file: &source.file,
        text: &source.text,
        first_line: source.body_line,
        first_column: 1,
        page_path,
        source_rel: &source.rel,
    };
    // `plain_english: false` in the front matter: no advice on this page.
    let mut body_links = *links;
    if source.front.plain_english == Some(false) {
        body_links.plain_english = None;
    }
    let components = match calls.map(|c| content_components::expand_source(source, c)) {
        Some(Err(problems)) => return Err(problems),
        Some(Ok(e)) => e,
        None => None,
    };
    let md = components
        .as_ref()
        .map_or(source.body(), |c| c.text.as_str());
    let mut body = markdown::render_body(md, &place, &body_links, raw);
    // The summary is part of the body: its advice is the body's.
    let mut summary_links = *links;
    summary_links.plain_english = None;
    let summary = render::summary_source(md)
        .map(|s| markdown::render(s, &place, &summary_links, raw).html)
        .map(|s| components.as_ref().map_or(s.clone(), |c| c.fill(s)));
    if let Some(c) = &components {
        // A component's HTML comes from a template: the stage reads it whole.
        body.unspliced();
        body.html = c.fill(std::mem::take(&mut body.html));
    }
    Ok((body, summary))
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
    source
        .front
        .report
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
                    if let Some((line, column)) = source
                        .value_position("documents", href)
                        .or_else(|| source.key_position("documents"))
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
        .report
        .recommendations
        .as_ref()
        .map(|r| r.iter().map(|r| r.text.clone()).collect());
    let imps: Option<Vec<String>> = f
        .report
        .implications
        .as_ref()
        .map(|r| r.iter().map(|r| r.text.clone()).collect());
    let reasons: Option<Vec<String>> = f.report.reasons.as_ref().map(|r| vec![r.clone()]);
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
