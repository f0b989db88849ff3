//! The accessibility checks across pages, once every page is made.
//!
//! In: each built page's facts (its ids, links and abbreviations, gathered by
//! the page stages), the paths of every file of the site, and the `[a11y]`
//! settings. Out: findings: links to pages, files or `#fragment`s the site does
//! not have (`broken-internal-link`, WCAG 2.4.4), abbreviations used without a
//! glossary entry (`abbreviation`, 3.1.4), and the same finding on several pages
//! reported once ([`merge_repeated_findings`]).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::Rule;
use crate::config::A11yConfig;
use crate::error::{Diagnostic, sort_diagnostics};
use crate::plugins::packed_facts::PackedFacts;
use crate::source::{output_of_url, url_of_output};

/// A built page as the site-wide checks see it.
pub(crate) struct PageRef<'a> {
    /// Output path (`chapter/page/index.html`).
    pub(crate) path: &'a str,
    /// The content file it was made from, if any.
    pub(crate) file: Option<&'a str>,
    /// What its stages found out.
    pub(crate) facts: &'a PackedFacts,
}

/// The rule of links between pages.
const BROKEN_LINK: Rule = Rule::BrokenInternalLink;

/// What a link may point at: the files of the site (`made`, the statement, the
/// static files) and the pages not made because their file has an error
/// (`unmade`: a link to one is not broken), with each page's ids.
pub(crate) struct Targets<'a> {
    pub(crate) made: &'a BTreeSet<String>,
    pub(crate) statement_path: &'a str,
    pub(crate) statics: HashSet<&'a str>,
    pub(crate) unmade: &'a HashSet<String>,
}

/// Checks every link between pages (and its `#fragment`) against the built files.
/// Pages share most of their links (navigation), so each distinct target is
/// looked up once.
pub(crate) fn check_links_between_pages(
    pages: &[PageRef<'_>],
    targets: &Targets<'_>,
    base_path: &str,
    cfg: &A11yConfig,
) -> Vec<Diagnostic> {
    if cfg.ignore.iter().any(|r| r == BROKEN_LINK.id()) {
        return Vec::new();
    }
    let check = LinkCheck {
        targets,
        // Each page's ids are sorted (the a11y stage sorts them): looked up by
        // binary search, without building a set per page.
        ids: pages.iter().map(|p| (p.path, p.facts)).collect(),
        base_path,
        warn: cfg.warn.iter().any(|r| r == BROKEN_LINK.id()),
    };
    // In chunks of pages, one per worker at a time, each with its own memo of
    // verdicts; the chunks' findings are joined in page order.
    let chunks: Vec<Vec<Diagnostic>> = pages
        .par_chunks(512)
        .map(|chunk| check.chunk(chunk))
        .collect();
    chunks.into_iter().flatten().collect()
}

/// The links check, shared by the workers.
struct LinkCheck<'a> {
    targets: &'a Targets<'a>,
    ids: HashMap<&'a str, &'a PackedFacts>,
    base_path: &'a str,
    /// Broken links are warnings (`[a11y] warn`), not errors.
    warn: bool,
}

impl LinkCheck<'_> {
    /// Whether the site has a file at `path`.
    fn exists(&self, path: &str) -> bool {
        let t = self.targets;
        t.made.contains(path)
            || path == t.statement_path
            || t.statics.contains(path)
            || t.unmade.contains(path)
    }

    /// The findings of the links of `pages`.
    fn chunk(&self, pages: &[PageRef<'_>]) -> Vec<Diagnostic> {
        let mut verdicts: HashMap<(&str, &str), Option<String>> = HashMap::default();
        let mut found = Vec::new();
        for page in pages {
            for (target, fragment, line) in page.facts.links() {
                // A content link (`@/…`) left as written: its file could not
                // be read, which is reported already.
                if target.contains("@/") {
                    continue;
                }
                let problem = verdicts
                    .entry((target, fragment))
                    .or_insert_with(|| self.verdict(target, fragment));
                if let Some(message) = problem {
                    found.push(self.finding(page, message.clone(), line));
                }
            }
        }
        found
    }

    /// What is wrong with a link to `target#fragment`, if anything.
    fn verdict(&self, target: &str, fragment: &str) -> Option<String> {
        let base_path = self.base_path;
        // The file a link to `target` opens: `target` itself, or its `index.html`.
        let html_target = if target.is_empty() || target.ends_with('/') {
            output_of_url(target)
        } else if self.exists(target) {
            target.to_string()
        } else {
            format!("{target}/index.html")
        };
        if !self.exists(&html_target) && !self.exists(target) {
            return Some(format!(
                "link to `{base_path}{target}`, but the site has no such page or file"
            ));
        }
        if fragment.is_empty() || fragment == "top" {
            return None;
        }
        match self.ids.get(html_target.as_str()) {
            Some(facts) if !facts.has_id(fragment) => Some(format!(
                "link to `{base_path}{target}#{fragment}`, but that page has no element with id `{fragment}`"
            )),
            _ => None,
        }
    }

    /// The finding of a broken link on `page`, at `line` of its file.
    fn finding(&self, page: &PageRef<'_>, message: String, line: Option<usize>) -> Diagnostic {
        let file = page.file.unwrap_or(page.path).to_string();
        let mut d = if self.warn {
            Diagnostic::warning(BROKEN_LINK.id(), file, message)
        } else {
            Diagnostic::error(BROKEN_LINK.id(), file, message)
        };
        if let Some(l) = line {
            d = d.at(l, 1);
        }
        d.page = Some(format!("{}{}", self.base_path, url_of_output(page.path)));
        d.wcag = BROKEN_LINK.criterion();
        d.help("correct the link, or link to a content file with `@/chapter/page.md`")
    }
}

/// One warning per abbreviation used without a glossary entry, at its first
/// use (the file and line of the first page, in reading order, that has it).
pub(crate) fn abbreviation_warnings(
    pages: &[PageRef<'_>],
    base_path: &str,
    cfg: &A11yConfig,
    source_text: &dyn Fn(&str) -> Option<std::sync::Arc<str>>,
) -> Vec<Diagnostic> {
    if cfg.ignore.iter().any(|r| r == Rule::Abbreviation.id()) {
        return Vec::new();
    }
    type FirstUse<'p> = (usize, &'p str, Option<&'p str>, Option<usize>);
    let mut seen: BTreeMap<&str, FirstUse<'_>> = BTreeMap::new();
    for page in pages {
        for (a, line) in page.facts.abbreviations() {
            let e = seen.entry(a).or_insert((0, page.path, page.file, line));
            e.0 += 1;
        }
    }
    seen.into_iter()
        .map(|(term, (n, page, file, line))| {
            let mut d = Diagnostic::warning(
                Rule::Abbreviation.id(),
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
                        d.at_in(&text, line, column)
                    }
                    None => d.at(line, 1),
                };
            }
            d.page = Some(format!("{base_path}{}", url_of_output(page)));
            d.wcag = Rule::Abbreviation.criterion();
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
pub(crate) fn merge_repeated_findings(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
