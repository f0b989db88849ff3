//! The `a11y` stage: one streaming pass per page that repairs what can
//! safely be added and audits what only the author can fix.
//!
//! In: a rendered page, its [`PageContext`], and what the site knows (glossary,
//! document sizes, language, origin). Out: the rewritten HTML, findings with rule
//! id, WCAG success criterion, page, and the Markdown source line when the element
//! came from Markdown, and [`PageFacts`] (ids, internal links, unknown
//! abbreviations) for the site-wide checks.
//!
//! The modules, by what they do:
//! - `rules`: the [`Rule`] enum, every rule's id, criterion, ACT rule,
//!   severity and why ([`RULES`]);
//! - `repair` and `terms`: what the stage adds — `lang` on `<html>`; a skip link
//!   and its target when the template has none; with `[a11y] heading_anchors`,
//!   a labelled "#" link inside each `h2`/`h3` of the Markdown; `scope` on `th`;
//!   tables outside a scrolling region get one (not a `stack-table` or
//!   `data-no-scroll` one); in `<main>`, glossary terms explained at their
//!   first use on each page (not inside links, code, headings or an existing
//!   `abbr`): an abbreviation spelt out ("Somerset Safeguarding Children Board
//!   (SSCB)", unless the author did so nearby; `[a11y] spell_out_abbreviations
//!   = false` turns it off) and given `<abbr title>` at the next use, a defined
//!   term linked to the glossary page; document links get "(PDF, 2.4 MB)";
//!   `target=_blank` links get `rel="noopener noreferrer"` and say they open a
//!   new tab; images get `loading="lazy" decoding="async"`; navigation links to
//!   the page itself get `aria-current="page"`; footnote references and
//!   back-links get names that make sense alone; `![decorative](x.png)`
//!   becomes `alt="" role="presentation"`;
//! - `audit`: what it judges, each rule a function of plain values (tag,
//!   attribute, name, line, the ancestors' hidden facts), not of lol_html;
//! - `names` (accessible names, as ARIA computes them) and `naming` (names as
//!   the pass meets them); `lang` (known language tags); `urls`;
//! - `pass`, `read` and `state`: the one pass that feeds them, and what it
//!   keeps while it reads a page; `element`: what the pass may do at an
//!   element, text or comment, as traits; `plain_html`: the reader that drives
//!   the pass over plain HTML, leaving the rest to lol_html;
//! - [`statement`]: the accessibility statement, from the audit's findings.
//!
//! Under lol_html, text arrives in chunks, not whole text nodes (lol_html
//! issue 255): text is buffered until the last chunk of its node before
//! glossary terms are matched.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::{PageContext, PageFacts, PageStage, StageOutput};
use crate::error::{Diagnostic, Severity};

mod audit;
mod body;
mod element;
mod lang;
mod names;
mod naming;
mod pass;
mod plain_html;
mod read;
mod repair;
mod rules;
pub(crate) mod site_wide;
mod state;
pub mod statement;
mod terms;
mod urls;

use naming::judge_names;
pub use rules::{RULES, Rule};
use state::{Pending, Shared, State};
use terms::Term;

/// The stage's name, as `[plugins] page_stages` lists it and the pipeline
/// reports it; also the code of the error when it cannot read a page.
pub const NAME: &str = "a11y";

/// What the site knows that the stage needs.
#[derive(Debug, Clone, Default)]
pub struct SiteInfo {
    /// The glossary's entries.
    pub glossary: Vec<crate::frontmatter::GlossaryEntry>,
    /// Spell out each abbreviation at its first use on a page (`[a11y]
    /// spell_out_abbreviations`).
    pub spell_out: bool,
    /// Add a "#" link inside each `h2`/`h3` of the Markdown (`[a11y]
    /// heading_anchors`).
    pub heading_anchors: bool,
    /// The document language.
    pub lang: String,
    /// Scheme and host of the site (`https://example.org`), or empty.
    pub origin: String,
    /// The base path (`/` or `/reports/sscb/`).
    pub base_path: String,
    /// Sizes of files the site publishes, by URL path (`/files/report.pdf`).
    pub file_sizes: HashMap<String, u64>,
    /// Rules not to run.
    pub ignore: HashSet<String>,
    /// Rules downgraded to warnings.
    pub warn: HashSet<String>,
}

/// The accessibility stage.
pub struct A11y {
    info: SiteInfo,
    /// Glossary terms, longest first, so "SSCB" is tried before "SCB".
    terms: Vec<Term>,
    /// Whether the text before a term is kept, to see whether the author spelt
    /// it out already.
    keep_recent: bool,
    /// Whether the site's language is a known language tag.
    lang_known: bool,
    /// The language registry, for a page in a language other than the site's.
    languages: lang::Registry,
    /// Pages are read by lol_html only, never by [`plain_html`] (tests compare
    /// the two).
    lol_html_only: bool,
}

impl A11y {
    /// A stage for a site.
    pub fn new(info: SiteInfo) -> A11y {
        let terms = terms::terms(&info.glossary, &info.base_path);
        let keep_recent = info.spell_out && terms.iter().any(|t| t.expansion.is_some());
        let lang_known = lang::known(&info.lang);
        A11y {
            info,
            terms,
            keep_recent,
            lang_known,
            languages: lang::Registry::default(),
            lol_html_only: false,
        }
    }
}

impl PageStage for A11y {
    fn name(&self) -> &'static str {
        NAME
    }

    fn run(&self, html: String, page: &PageContext<'_>) -> StageOutput {
        if let Some(out) = self.run_spliced(&html, page) {
            return out;
        }
        // The whole page is read: its body gets its lines written back.
        let html = match (page.body, page.body_lines) {
            (Some(body), Some(lines)) if !body.is_empty() => {
                html.replace(body, &lines.marked(body))
            }
            _ => html,
        };
        if let Some(out) = self.run_plain(&html, page) {
            return out;
        }
        let whole = html.len().max(1);
        self.run_in_pieces(html, page, whole)
    }
}

/// The body of a page read apart from its shell ([`body`]).
pub(super) struct Splice<'b> {
    /// The body as comrak wrote it.
    body: &'b str,
    /// Ids some `aria-labelledby` of the shell points at.
    labelled_shell: rustc_hash::FxHashSet<String>,
    /// Whether the whole page has a skip link.
    skip_link: bool,
    /// The body has been spliced in (once).
    done: std::cell::Cell<bool>,
}

impl A11y {
    /// Runs the stage, feeding the HTML to the rewriter `piece` bytes at a time
    /// (tests use small pieces to prove text split across chunks is handled).
    fn run_in_pieces(&self, html: String, page: &PageContext<'_>, piece: usize) -> StageOutput {
        let state = self.new_state(names::labelledby_targets(&html));
        let out = match self.rewrite(&html, page, &state, piece, None) {
            Ok(out) => out,
            Err(e) => return unreadable(html, page, &e),
        };
        self.finish(&state, out, page)
    }

    /// Reads the page as its shell, with the plain HTML reader (or lol_html),
    /// and its Markdown body where it stands, with [`body`]'s pass: the same
    /// output as the full pass, for a fraction of the work. `None` when the
    /// page has no plain body, the body is not in the page once as comrak
    /// wrote it, or it needs the full pass.
    fn run_spliced(&self, html: &str, page: &PageContext<'_>) -> Option<StageOutput> {
        let body = page.body.filter(|b| !b.is_empty())?;
        let (at, end) = only_place(html, body)?;
        let shell = [&html[..at], "<!--", body::BODY_MARK, "-->", &html[end..]].concat();
        // What the whole page's `aria-labelledby` point at, as the full pass
        // sees it, and what the shell's do (the body may not hold those).
        let labelled_shell = names::labelledby_targets(&shell);
        let mut labelled = labelled_shell.clone();
        names::add_labelledby_targets(body, &mut labelled);
        let splice = Splice {
            body,
            labelled_shell,
            skip_link: repair::has_skip_link(html),
            done: std::cell::Cell::new(false),
        };
        if !self.lol_html_only {
            let state = self.new_state(labelled);
            let pass = self.pass(&shell, page, &state, Some(&splice));
            if let Some(out) = plain_html::read(&pass, &shell) {
                return splice.done.get().then(|| self.finish(&state, out, page));
            }
            // lol_html reads it again from a fresh state (the pass only reads
            // the targets, so they are taken back as they were).
            splice.done.set(false);
            labelled = std::mem::take(&mut state.borrow_mut().labelled);
        }
        let state = self.new_state(labelled);
        let whole = shell.len().max(1);
        let out = self
            .rewrite(&shell, page, &state, whole, Some(&splice))
            .ok()?;
        splice.done.get().then(|| self.finish(&state, out, page))
    }

    /// Reads the whole page with [`plain_html`]'s reader; `None` when lol_html
    /// must read it.
    fn run_plain(&self, html: &str, page: &PageContext<'_>) -> Option<StageOutput> {
        if self.lol_html_only {
            return None;
        }
        let state = self.new_state(names::labelledby_targets(html));
        let pass = self.pass(html, page, &state, None);
        let out = plain_html::read(&pass, html)?;
        Some(self.finish(&state, out, page))
    }

    /// A page's state before its pass.
    fn new_state(&self, labelled: rustc_hash::FxHashSet<String>) -> Shared {
        Rc::new(RefCell::new(State {
            term_flags: vec![0; self.terms.len()],
            labelled,
            inline_styles: true,
            ..State::default()
        }))
    }

    /// The page's findings and facts once its pass is over, with its HTML.
    fn finish(&self, state: &Shared, out: String, page: &PageContext<'_>) -> StageOutput {
        let mut st = state.borrow_mut();
        let st = &mut *st;
        judge_names(st);
        page_findings(st);
        let mut unknown: Vec<(String, Option<usize>)> = st.unknown_abbr.drain().collect();
        unknown.sort();
        st.facts.abbreviations = unknown;
        st.facts.ids = st.ids.keys().cloned().collect();
        st.facts.ids.sort();
        let mut pending = std::mem::take(&mut st.pending);
        pending.sort_by_key(|p| p.seq);
        let findings = pending
            .into_iter()
            .filter_map(|p| finding(&self.info, page, p))
            .collect();
        StageOutput {
            html: out,
            findings,
            facts: std::mem::take(&mut st.facts),
        }
    }
}

/// Where `body` stands whole in `html`, each place in order. Every place is
/// found by the body's first bytes (a short SIMD search) and compared whole:
/// a search for the whole body would cost more than the pass.
fn places<'a>(html: &'a str, body: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (page, whole) = (html.as_bytes(), body.as_bytes());
    let head = &whole[..whole.len().min(32)];
    memchr::memmem::find_iter(page, head)
        .filter(move |&at| page.get(at..at + whole.len()) == Some(whole))
}

/// Whether a page's `html` shows its Markdown `body` as comrak wrote it: where
/// it does not (a template changed it), the stage cannot give the body its
/// lines kept aside ([`crate::markdown::BodyLines`]).
pub(crate) fn shows_body(html: &str, body: &str) -> bool {
    body.is_empty() || places(html, body).next().is_some()
}

/// Where `body` stands in `html` (start and end), when it stands there once.
fn only_place(html: &str, body: &str) -> Option<(usize, usize)> {
    let mut found = None;
    for at in places(html, body) {
        if found.is_some() {
            return None;
        }
        found = Some((at, at + body.len()));
    }
    // Where the body's bytes start and end are where its text does (it is
    // UTF-8 and starts and ends whole characters).
    found.filter(|&(a, e)| html.is_char_boundary(a) && html.is_char_boundary(e))
}

/// The page as it came, and one error: lol_html could not read it.
fn unreadable(
    html: String,
    page: &PageContext<'_>,
    e: &lol_html::errors::RewritingError,
) -> StageOutput {
    let mut d = Diagnostic::error(
        NAME,
        page.source_file.unwrap_or(page.output_path),
        format!("the accessibility stage could not read the page: {e}"),
    )
    .help("check the template for malformed HTML");
    d.page = Some(page.url_path.to_string());
    StageOutput {
        html,
        findings: vec![d],
        facts: PageFacts::default(),
    }
}

/// The rules judged on the whole page once it is read: its title, its `h1`,
/// links to its own parts, repeated ids.
fn page_findings(st: &mut State) {
    let title = audit::page_title(st.saw_html, st.title_seen, st.page_title.as_deref());
    let h1 = audit::page_h1(st.h1);
    for f in title.into_iter().chain(h1) {
        st.note(f);
    }
    for (frag, line) in std::mem::take(&mut st.anchors) {
        if let Some(f) = audit::broken_anchor(&frag, line, &st.ids) {
            st.note(f);
        }
    }
    for f in audit::duplicate_ids(&st.ids) {
        st.note(f);
    }
}

/// Turns a noted finding into a diagnostic, applying `[a11y] ignore` and `warn`.
fn finding(info: &SiteInfo, page: &PageContext<'_>, p: Pending) -> Option<Diagnostic> {
    let Pending { finding: f, .. } = p;
    let id = f.rule.id();
    if info.ignore.contains(id) {
        return None;
    }
    let file = page.source_file.unwrap_or(page.output_path);
    let mut d = f.rule.diagnostic(file, f.message).help(f.help);
    if info.warn.contains(id) {
        d.severity = Severity::Warning;
    }
    if let (Some(l), Some(text)) = (f.line, page.source_text) {
        d = d.at_in(text, l, 1);
    }
    d.page = Some(page.url_path.to_string());
    Some(d)
}

#[cfg(test)]
mod tests;
