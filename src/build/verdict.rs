//! What a build made and found, as its jobs finish, and the verdict.
//!
//! In: each job's [`Done`], the load's problems, the site-wide checks'
//! findings, the generators' files. Out: [`Built`] (the paths handed to the
//! sink, warnings, findings, each reported once), or every problem of the build
//! in one [`Error::Content`] when one is an error (in the files, the
//! templates, or the audit).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::advice_cap::LeftOut;
use super::jobs::{Done, Jobs};
use super::plan::{self, Job, SitePage, StaticSource};
use super::{Built, Rendered, Timings};
use crate::config::CONFIG_FILE;
use crate::error::{Diagnostic, Error, Result, Severity, sort_diagnostics};
use crate::plugins::a11y::site_wide::{self, PageRef, Targets};
use crate::plugins::{Generator, SiteContext, sitemap::Sitemap};
use crate::site::Site;

/// The build's files and what it found, as its jobs finish.
pub(crate) struct Verdict<'s> {
    site: &'s Site,
    /// Every file handed to the sink, by output path.
    pub(crate) made: BTreeSet<String>,
    pub(crate) warnings: Vec<Diagnostic>,
    /// The page stages' findings.
    findings: Vec<Diagnostic>,
    /// Problems in the files, templates and settings.
    problems: Vec<Diagnostic>,
    /// Each HTML page with its content file, for the site-wide checks.
    pages_done: Vec<(Option<&'s str>, Arc<Rendered>)>,
    /// Output paths of pages not made (their file or template has an error):
    /// links to them are not broken links.
    unmade: HashSet<String>,
    /// Plain-English advice counted instead of kept, by rule.
    pub(crate) advice_left_out: LeftOut,
}

impl<'s> Verdict<'s> {
    /// Starts with the problems found so far (the load's and the Markdown's).
    /// Errors do not stop the build here: every page that can be made is made,
    /// so template and audit errors are reported in the same run. Also gives
    /// the files with an error (in their front matter, the model's checks, or
    /// their Markdown): their pages are not made, so their mistakes are not
    /// reported a second time by the audit.
    pub(crate) fn new(
        site: &'s Site,
        mut problems: Vec<Diagnostic>,
    ) -> (Verdict<'s>, HashSet<String>) {
        problems.extend(site.load_problems.iter().cloned());
        let broken_files: HashSet<String> = problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.file.clone())
            .collect();
        let report = &site.report;
        let mut unmade: HashSet<String> = report
            .entries
            .iter()
            .filter(|e| broken_files.contains(&e.source.file))
            .map(|e| e.path.output().to_string())
            .collect();
        // The full report holds the home page's parts: not made when its file
        // has an error.
        if site.has_full_report() && broken_files.contains(&report.root().source.file) {
            unmade.insert(SitePage::FullReport.output_path());
        }
        let verdict = Verdict {
            site,
            made: BTreeSet::new(),
            warnings: Vec::new(),
            findings: Vec::new(),
            problems,
            pages_done: Vec::new(),
            unmade,
            advice_left_out: LeftOut::new(),
        };
        (verdict, broken_files)
    }

    /// The build cannot go on without templates: every problem so far.
    pub(crate) fn without_templates(self, template_problems: Vec<Diagnostic>) -> Error {
        let mut problems = self.problems;
        problems.extend(template_problems);
        Error::content(problems)
    }

    /// Takes what jobs made.
    pub(crate) fn take(&mut self, done: Vec<Done<'s>>) {
        for d in done {
            match d {
                Done::Page {
                    rendered,
                    file,
                    problems,
                    left_out,
                    ..
                } => {
                    for (rule, n) in left_out {
                        *self.advice_left_out.entry(rule).or_default() += n;
                    }
                    self.problems.extend(problems);
                    self.findings.extend(rendered.1.iter().cloned());
                    self.made.insert(rendered.0.path.clone());
                    self.pages_done.push((file, rendered));
                }
                Done::File { path, findings } => {
                    self.findings.extend(findings);
                    self.made.insert(path);
                }
                Done::NotMade {
                    path,
                    problems,
                    left_out,
                } => {
                    for (rule, n) in left_out {
                        *self.advice_left_out.entry(rule).or_default() += n;
                    }
                    self.problems.extend(problems);
                    self.unmade.extend(path);
                }
            }
        }
    }

    /// Whether an error in the files, templates or settings fails the build
    /// already (static files are then not read).
    pub(crate) fn failed(&self) -> bool {
        self.problems.iter().any(|d| d.severity == Severity::Error)
    }

    /// The redirect pages of the aliases that take no other file's place
    /// (those that would are errors).
    pub(crate) fn plan_redirects(&mut self) -> Vec<Job<'static>> {
        let base_path = self.site.config.base_path();
        plan::redirects(
            &self.site.report,
            &base_path,
            &self.made,
            &mut self.problems,
        )
    }

    /// How many HTML files were made.
    pub(crate) fn html_pages(&self) -> usize {
        self.made.iter().filter(|p| p.ends_with(".html")).count()
    }

    /// The checks across pages: links between them, and abbreviations.
    pub(crate) fn site_wide_checks(&mut self, statics: &BTreeMap<String, StaticSource<'_>>) {
        let config = &self.site.config;
        let base_path = config.base_path();
        let pages: Vec<PageRef<'_>> = self
            .pages_done
            .iter()
            .map(|(file, page)| PageRef {
                path: &page.0.path,
                file: *file,
                facts: &page.2,
            })
            .collect();
        let statement_path = SitePage::Statement.output_path();
        let targets = Targets {
            made: &self.made,
            statement_path: &statement_path,
            statics: statics.keys().map(String::as_str).collect(),
            unmade: &self.unmade,
        };
        let mut found =
            site_wide::check_links_between_pages(&pages, &targets, &base_path, &config.a11y);
        let by_file: HashMap<&str, &crate::source::Source> = self
            .site
            .report
            .entries
            .iter()
            .map(|e| (e.source.file.as_str(), &*e.source))
            .collect();
        // The whole text (read again when the body was released) of the few
        // files with a first use.
        let root = &self.site.root;
        found.extend(site_wide::abbreviation_warnings(
            &pages,
            &base_path,
            &config.a11y,
            &|f| by_file.get(f).and_then(|s| s.whole_text(root).ok()),
        ));
        self.findings.extend(found);
    }

    /// The accessibility statement, made from this build's audit (its own
    /// problems are findings).
    pub(crate) fn statement(
        &mut self,
        audited: bool,
    ) -> crate::plugins::a11y::statement::Statement {
        let statement = crate::plugins::a11y::statement::Statement::new(
            &self.site.config,
            &self.site.report,
            &self.findings,
            self.html_pages() + 1,
            audited,
        );
        self.findings.extend(statement.problems.clone());
        statement
    }

    /// Generators: built-in first, then the site's, in the order added, one
    /// after another (each sees the files made before it). A generator may only
    /// add files (a site's own static robots.txt or sitemap.xml wins over the
    /// built-in one).
    pub(crate) fn run_generators(
        &mut self,
        jobs: &Jobs<'s>,
        statics: &BTreeMap<String, StaticSource<'_>>,
    ) -> Result<()> {
        let site = self.site;
        let generators = std::iter::once(&Sitemap as &dyn Generator)
            .chain(site.own_generators().iter().map(|g| g.as_ref()));
        for g in generators {
            let produced = g.generate(&SiteContext {
                config: &site.config,
                report: &site.report,
                paths: self.made.iter().map(String::as_str).collect(),
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
                if g.name() == "sitemap" && statics.contains_key(&f.path) {
                    continue;
                }
                if self.made.contains(&f.path) {
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
                let done = jobs.put(&f.path, f.bytes)?;
                self.take(vec![done]);
            }
        }
        Ok(())
    }

    /// The verdict: every problem of the build in one report, failing it when
    /// one is an error; else the built site with its warnings and findings,
    /// each reported once.
    pub(crate) fn finish(self, pages: usize, timings: Timings) -> Result<Built> {
        let Verdict {
            made,
            mut warnings,
            findings,
            problems,
            ..
        } = self;
        let mut findings = site_wide::merge_repeated_findings(findings);
        let is_error = |d: &Diagnostic| d.severity == Severity::Error;
        let (problem_warnings, problem_errors): (Vec<Diagnostic>, Vec<Diagnostic>) =
            if problems.iter().any(is_error) {
                problems.into_iter().partition(|d| !is_error(d))
            } else {
                // The usual build: no error. The list as it is, not moved a
                // diagnostic at a time into a new one (a long report's
                // thousands of pieces of plain-English advice).
                (problems, Vec::new())
            };
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
        Ok(Built {
            written: made.into_iter().collect(),
            files: Vec::new(),
            warnings,
            findings,
            pages,
            timings,
        })
    }
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
