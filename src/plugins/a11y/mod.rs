//! The `a11y` stage: one streaming lol_html pass per page that both rewrites
//! (adds what can safely be added) and audits (reports what only the author can
//! fix).
//!
//! In: a rendered page, its [`PageContext`], and what the site knows (glossary,
//! document sizes, language, origin). Out: the rewritten HTML, findings with rule
//! id, WCAG success criterion, page, and the Markdown source line when the element
//! came from Markdown, and [`PageFacts`] (ids and internal links) for the
//! site-wide check of links between pages.
//!
//! Rewrites: `lang` on `<html>`; a skip link and its target when the template
//! has none; with `[a11y] heading_anchors`, a labelled "#" link inside each
//! `h2`/`h3` of the Markdown, after its text; `scope` on `th`; tables outside a
//! scrolling region get one (not a `stack-table` or `data-no-scroll` one); in
//! `<main>`, glossary terms explained at their first use on each page (not
//! inside links, code, headings or an existing `abbr`): an abbreviation spelt
//! out ("Somerset Safeguarding Children Board (SSCB)", unless the author did so
//! nearby; `[a11y] spell_out_abbreviations = false` turns it off) and given
//! `<abbr title>` at the next use, a defined term linked to the glossary page;
//! document links get "(PDF, 2.4 MB)"; `target=_blank` links get
//! `rel="noopener noreferrer"` and say they open a new tab; images get
//! `loading="lazy" decoding="async"`; navigation links to the page itself get
//! `aria-current="page"`; footnote references and back-links get names that make
//! sense alone; `![decorative](x.png)` becomes `alt="" role="presentation"`.
//!
//! Audits: the rules of [`RULES`], among them `empty-section` (a heading
//! followed by one of the same or a higher rank with nothing visible between),
//! each with the Markdown line of the element when it came from Markdown.
//!
//! Text arrives in chunks, not whole text nodes (lol_html issue 255): text is
//! buffered until the last chunk of its node before glossary terms are matched.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element, EndTag};
use lol_html::{HtmlRewriter, Settings, doc_text, element};

use super::{PageContext, PageFacts, PageStage, StageOutput};
use crate::error::{Diagnostic, Severity};

mod lang;
mod names;
pub(crate) mod site_wide;

use names::{NameAttrs, Role};

/// One audit rule: its id, the WCAG 2.2 success criterion it tests, its
/// severity and why (the README's severity table lists the same).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, used in `[a11y] ignore`/`warn`/`allow` and `--allow`.
    pub id: &'static str,
    /// WCAG 2.2 success criterion, or "—" for a rule of this project.
    pub wcag: &'static str,
    /// The criterion's level (`A`, `AA`, `AAA`), or `project` for a rule of this
    /// project.
    pub level: &'static str,
    /// What the rule checks, for the accessibility statement.
    pub checks: &'static str,
    /// Severity unless configured otherwise: an error where a WCAG 2.2 A/AA
    /// criterion fails or a guarantee of this project breaks, else a warning.
    pub severity: Severity,
    /// Why it has that severity.
    pub why: &'static str,
    /// The W3C ACT rule(s) it implements (ids, comma-separated), when there
    /// is one: `docs/act-implementation.md` says how far.
    pub act: Option<&'static str>,
}

/// Every rule of the audit.
pub const RULES: &[Rule] = &[
    Rule {
        id: "page-title",
        wcag: "2.4.2",
        level: "A",
        checks: "each page has a title",
        severity: Severity::Error,
        why: "a page whose first `title` is missing or empty has no title: 2.4.2 fails",
        act: Some("2779a5"),
    },
    Rule {
        id: "html-lang",
        wcag: "3.1.1",
        level: "A",
        checks: "each page says its language, as a known language tag (a missing one is added)",
        severity: Severity::Error,
        why: "a language tag no screen reader knows (`eng`, `english`) leaves it guessing: 3.1.1 fails",
        act: Some("b5c3f8, bf051a"),
    },
    Rule {
        id: "image-alt",
        wcag: "1.1.1",
        level: "A",
        checks: "images have a text alternative, unless marked decorative",
        severity: Severity::Error,
        why: "an image with no name (no alt, only spaces, or `role=\"img\"` unnamed) has no text alternative at all: 1.1.1 fails",
        act: Some("23a2a8"),
    },
    Rule {
        id: "image-alt-empty",
        wcag: "1.1.1",
        level: "A",
        checks: "empty alt text in Markdown is used only for images marked decorative",
        severity: Severity::Warning,
        why: "`alt=\"\"` is right for a decorative image (and passes in HTML); from Markdown's `![](x.png)`, forgetting and intent look the same, so it is a question, not a failure",
        act: None,
    },
    Rule {
        id: "link-name",
        wcag: "2.4.4",
        level: "A",
        checks: "links have a name",
        severity: Severity::Error,
        why: "a link with no name cannot be understood in any context: 2.4.4 and 4.1.2 fail",
        act: Some("c487ae"),
    },
    Rule {
        id: "button-name",
        wcag: "4.1.2",
        level: "A",
        checks: "buttons have a name",
        severity: Severity::Error,
        why: "a button with no name says nothing of what it does: 4.1.2 fails",
        act: Some("97a4e1"),
    },
    Rule {
        id: "link-text",
        wcag: "2.4.4",
        level: "A",
        checks: "link text makes sense on its own",
        severity: Severity::Warning,
        why: "2.4.4 lets the sentence around a link give its purpose, which a machine cannot judge (text that makes sense alone is 2.4.9, level AAA); \"click here\" is poor practice, not proof of failure",
        act: Some("aizyf1"),
    },
    Rule {
        id: "heading-name",
        wcag: "1.3.1",
        level: "A",
        checks: "headings have text",
        severity: Severity::Warning,
        why: "ACT ties an empty heading to ARIA's name computation, not to a WCAG criterion; it is noise in the outline, not proof that 1.3.1 fails (advice, as in axe)",
        act: Some("ffd0e9"),
    },
    Rule {
        id: "heading-order",
        wcag: "1.3.1",
        level: "A",
        checks: "heading levels are not skipped",
        severity: Severity::Warning,
        why: "a skipped level still conveys structure; WCAG does not require levels in sequence (advice, as in axe)",
        act: None,
    },
    Rule {
        id: "page-h1",
        wcag: "1.3.1",
        level: "A",
        checks: "each page has exactly one h1",
        severity: Severity::Warning,
        why: "WCAG does not require an h1; one per page is the theme's design, and a custom template may differ",
        act: None,
    },
    Rule {
        id: "duplicate-id",
        wcag: "4.1.2",
        level: "A",
        checks: "ids are unique on the page",
        severity: Severity::Warning,
        why: "4.1.1 (parsing) left WCAG 2.2; a repeated id breaks only what refers to it, which `broken-anchor` and the name rules catch",
        act: Some("3ea0c8"),
    },
    Rule {
        id: "empty-section",
        wcag: "1.3.1",
        level: "A",
        checks: "each heading has something under it before the next heading of its rank or higher",
        severity: Severity::Warning,
        why: "an empty section misleads whoever moves by headings, but WCAG does not forbid one (advice)",
        act: None,
    },
    Rule {
        id: "table-headers",
        wcag: "1.3.1",
        level: "A",
        checks: "data tables have header cells",
        severity: Severity::Error,
        why: "without header cells a screen reader cannot say which column a value is in: 1.3.1 fails",
        act: None,
    },
    Rule {
        id: "table-caption",
        wcag: "1.3.1",
        level: "A",
        checks: "data tables have a caption",
        severity: Severity::Warning,
        why: "a caption helps, but a table introduced by the text before it meets 1.3.1 (advice)",
        act: None,
    },
    Rule {
        id: "frame-title",
        wcag: "4.1.2",
        level: "A",
        checks: "iframes have a name (a title), unless hidden or out of the tab order",
        severity: Severity::Error,
        why: "an iframe without a name says nothing of what it holds: 4.1.2 fails",
        act: Some("cae760"),
    },
    Rule {
        id: "broken-anchor",
        wcag: "2.4.4",
        level: "project",
        checks: "links to a part of a page point at an id that exists",
        severity: Severity::Error,
        why: "this project guarantees every link works; a link to a missing part of a page leads nowhere",
        act: None,
    },
    Rule {
        id: "broken-internal-link",
        wcag: "2.4.4",
        level: "project",
        checks: "links within the site point at pages that exist",
        severity: Severity::Error,
        why: "this project guarantees every link works",
        act: None,
    },
    Rule {
        id: "third-party",
        wcag: "—",
        level: "project",
        checks: "nothing is loaded from another site",
        severity: Severity::Error,
        why: "this project guarantees a site loads nothing from elsewhere (privacy; it works offline and under its CSP)",
        act: None,
    },
    Rule {
        id: "abbreviation",
        wcag: "3.1.4",
        level: "AAA",
        checks: "abbreviations used are explained in the glossary",
        severity: Severity::Warning,
        why: "3.1.4 is a level AAA criterion, beyond the AA the site must meet",
        act: None,
    },
];

/// Link texts that do not make sense out of context.
const VAGUE_LINK_TEXT: &[&str] = &[
    "click here",
    "here",
    "click",
    "read more",
    "more",
    "more info",
    "more information",
    "link",
    "this link",
    "this page",
    "learn more",
    "find out more",
    "details",
    "continue",
    "go",
];

/// Elements inside which no `<abbr>` is added.
const NO_ABBR: &[&str] = &[
    "a", "code", "pre", "kbd", "samp", "h1", "h2", "h3", "h4", "h5", "h6", "abbr", "script",
    "style", "title", "button", "textarea", "svg", "dt", "summary", "label", "option",
];

/// Elements that are content of a section even without text (as
/// `tests/browser`'s check of empty sections counts them).
const MEDIA: &[&str] = &[
    "img", "svg", "video", "audio", "canvas", "iframe", "object", "embed", "input", "select",
    "textarea", "button", "meter", "progress",
];

/// `<link rel>` values that make the browser fetch the target.
const LOADING_RELS: &[&str] = &[
    "stylesheet",
    "preload",
    "icon",
    "modulepreload",
    "manifest",
    "prefetch",
];

/// Document formats a link may point at, by file extension.
const DOCUMENT_FORMATS: &[(&str, &str)] = &[
    ("pdf", "PDF"),
    ("doc", "Word"),
    ("docx", "Word"),
    ("xls", "Excel"),
    ("xlsx", "Excel"),
    ("ppt", "PowerPoint"),
    ("pptx", "PowerPoint"),
    ("odt", "ODT"),
    ("ods", "ODS"),
    ("odp", "ODP"),
    ("csv", "CSV"),
    ("rtf", "RTF"),
];

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
}

/// A glossary term as the stage looks for it.
struct Term {
    /// As it is looked for: as written, or in ASCII lower case when
    /// [`Term::caseless`].
    needle: String,
    /// A word or phrase with no capital after its first letter ("early help",
    /// "Escalation") is found in any case, and in the plural (with an `s`);
    /// others ("SSCB", "DfE") only as written.
    caseless: bool,
    /// What an abbreviation stands for.
    expansion: Option<String>,
    /// The link to its definition on the glossary page, when it has one.
    href: Option<String>,
    /// The term whose definition the expansion names ("SCR" stands for
    /// "Serious Case Review", which the glossary defines): the spelt-out text
    /// links to it.
    expansion_term: Option<usize>,
}

/// Per page and term: spelt out in the text.
const SPELLED: u8 = 1;
/// Per page and term: given `<abbr title>`.
const ABBR: u8 = 2;
/// Per page and term: linked to its definition.
const LINKED: u8 = 4;

impl A11y {
    /// A stage for a site.
    pub fn new(info: SiteInfo) -> A11y {
        let mut glossary = info.glossary.clone();
        glossary.sort_by(|a, b| {
            b.term
                .len()
                .cmp(&a.term.len())
                .then_with(|| a.term.cmp(&b.term))
        });
        let mut terms: Vec<Term> = glossary
            .iter()
            .map(|g| {
                let caseless = !g.term.chars().skip(1).any(char::is_uppercase);
                Term {
                    needle: if caseless {
                        g.term.to_ascii_lowercase()
                    } else {
                        g.term.clone()
                    },
                    caseless,
                    expansion: g.expansion.clone(),
                    href: g
                        .definition
                        .as_ref()
                        .map(|_| format!("{}glossary/#{}", info.base_path, g.id())),
                    expansion_term: None,
                }
            })
            .collect();
        for i in 0..terms.len() {
            let Some(exp) = terms[i].expansion.as_deref().map(str::to_ascii_lowercase) else {
                continue;
            };
            terms[i].expansion_term = terms
                .iter()
                .position(|t| t.caseless && t.href.is_some() && t.needle == exp);
        }
        let keep_recent = info.spell_out && terms.iter().any(|t| t.expansion.is_some());
        let lang_known = lang::known(&info.lang);
        A11y {
            info,
            terms,
            keep_recent,
            lang_known,
        }
    }

    /// Whether a term needs nothing more on a page with `flags`.
    fn finished(&self, t: &Term, flags: u8) -> bool {
        let explained = t.expansion.is_none()
            || (flags & ABBR != 0 && (!self.info.spell_out || flags & SPELLED != 0));
        explained && (t.href.is_none() || flags & LINKED != 0)
    }

    /// Sets a term's flags on the page, counting the terms finished.
    fn set_flags(&self, st: &mut State, i: usize, flags: u8) {
        let Some(old) = st.term_flags.get(i).copied() else {
            return;
        };
        let t = &self.terms[i];
        let (was, is) = (self.finished(t, old), self.finished(t, old | flags));
        st.term_flags[i] = old | flags;
        if is && !was {
            st.finished_terms += 1;
        }
    }
}

#[derive(Default)]
struct LinkState {
    document: Option<(String, Option<u64>)>,
    new_tab: bool,
}

/// An element open in the pass whose text some name needs: a candidate of a
/// name rule, an element `aria-labelledby` points at, the page's `title`, a
/// heading or link (whose text the stage reads), or anything inside one.
struct Frame {
    /// Tells the frame's end-tag handler it is closing its own frame (inner
    /// elements whose end tags never come are closed with it).
    serial: u32,
    /// The name its content gives so far.
    content: Vec<names::Piece>,
    /// Hidden from assistive technology (itself or an ancestor).
    hidden: bool,
    /// Block-level: its name is set apart by spaces in its parent's.
    block: bool,
    /// Where its own name comes from besides its content (None: its content
    /// only, as for most links and headings).
    sources: Option<Box<names::Sources>>,
    /// Its own name takes its content (links, buttons, headings).
    own_content: bool,
    /// The name rule that judges its name, if any.
    candidate: Option<Candidate>,
    /// Its text is wanted when it ends ([`State::closed_text`]): a link, a
    /// heading, the title.
    keep_text: bool,
    /// The id by which `aria-labelledby` refers to it.
    target: Option<String>,
    /// The page's first `title`.
    title: bool,
}

/// An element a name rule judges: as soon as its name is known, or at the end
/// of the page when it waits for an `aria-labelledby` target.
struct Candidate {
    /// Where its finding goes among the others ([`Pending::seq`]).
    seq: usize,
    line: Option<usize>,
    kind: NameRule,
    name: Vec<names::Piece>,
}

/// Which rule judges a candidate's name.
enum NameRule {
    /// An image (`img`, `role="img"`): `image-alt`.
    Image {
        /// Its `src`, for the message.
        src: String,
        /// Its `alt` as written (None: no alt attribute).
        alt: Option<String>,
        /// An element given `role="img"` (not an `img`).
        explicit: bool,
    },
    /// A link: `link-name`, then `link-text`.
    Link,
    /// A button: `button-name`.
    Button,
    /// A heading: `heading-name`.
    Heading,
    /// An iframe: `frame-title`.
    Iframe,
}

struct TableState {
    has_th: bool,
    has_caption: bool,
    line: Option<usize>,
}

/// A finding noted during the pass; made into a [`Diagnostic`] afterwards (end-tag
/// handlers must own what they use, so they cannot reach the page context).
struct Pending {
    /// Its place in the page: findings are reported in the order of the
    /// elements they are about, page-wide ones last.
    seq: usize,
    rule: &'static str,
    line: Option<usize>,
    message: String,
    help: String,
}

fn note(st: &mut State, rule: &'static str, line: Option<usize>, message: String, help: &str) {
    let seq = st.next_seq();
    note_at(st, seq, rule, line, message, help);
}

/// Notes a finding at a place in the page taken earlier ([`State::next_seq`]).
fn note_at(
    st: &mut State,
    seq: usize,
    rule: &'static str,
    line: Option<usize>,
    message: String,
    help: &str,
) {
    st.pending.push(Pending {
        seq,
        rule,
        line,
        message,
        help: help.to_string(),
    });
}

#[derive(Default)]
struct State {
    pending: Vec<Pending>,
    facts: PageFacts,
    /// Markdown lines of the open elements that carried `data-sourcepos`.
    lines: Vec<usize>,
    in_main: u32,
    /// Depth inside elements that came from Markdown (author's text).
    in_markdown: u32,
    no_abbr: u32,
    in_thead: u32,
    in_table_wrap: u32,
    in_nav: u32,
    /// Depth inside `nav`, `header`, `footer` and `aside`: there a term gets
    /// `<abbr>` only (no spelling out, no link).
    in_chrome: u32,
    /// Depth inside headings.
    in_heading: u32,
    /// Depth inside elements hidden on screen (`hidden`, `.visually-hidden`).
    in_hidden: u32,
    /// The last visible heading, while nothing visible has followed it.
    open_heading: Option<OpenHeading>,
    /// Per glossary term (as [`A11y::terms`]): what the page has done with it.
    term_flags: Vec<u8>,
    /// How many terms need nothing more on the page.
    finished_terms: usize,
    /// The end of the text of `main` so far (raw HTML text), to see whether the
    /// author spelt out an abbreviation just before it.
    recent: String,
    /// Unknown abbreviations, with the content file line of the first use.
    unknown_abbr: HashMap<String, Option<usize>>,
    text: String,
    links: Vec<LinkState>,
    /// Open elements whose text a name needs, innermost last.
    frames: Vec<Frame>,
    /// The next [`Frame::serial`].
    frame_serial: u32,
    /// The visible text of the frame closed last, for the end-tag handlers of
    /// links and headings that run after it.
    closed_text: String,
    /// Elements whose names wait for the end of the page.
    candidates: Vec<Candidate>,
    /// The ids some `aria-labelledby` of the page points at.
    labelled: HashSet<String>,
    /// The names of the elements `aria-labelledby` points at, by id (the first
    /// element with the id).
    targets: HashMap<String, Vec<names::Piece>>,
    /// Depth inside elements hidden from assistive technology.
    in_ax_hidden: u32,
    /// Depth inside `svg` and `math` (whose `title` is not the page's).
    in_foreign: u32,
    /// Whether the page lets `style` attributes apply (its
    /// Content-Security-Policy may not).
    inline_styles: bool,
    /// The page has an `<html>` tag (a fragment, as the fuzz targets feed the
    /// stage, is not judged as a page).
    saw_html: bool,
    /// The page's first `title` was seen, and its text once it ended.
    title_seen: bool,
    page_title: Option<String>,
    /// A counter giving each finding its place ([`Pending::seq`]).
    seq: usize,
    tables: Vec<TableState>,
    last_heading: u8,
    h1: usize,
    ids: HashMap<String, usize>,
    anchors: Vec<(String, Option<usize>)>,
    table_count: usize,
}

impl State {
    fn line(&self) -> Option<usize> {
        self.lines.last().copied()
    }

    /// The next place in the page's order of findings.
    fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    /// Keeps `text` at the end of [`State::recent`] (the last few hundred bytes).
    fn remember(&mut self, text: &str) {
        self.recent.push_str(text);
        if self.recent.len() > 4 * NEARBY {
            let mut cut = self.recent.len() - NEARBY;
            while !self.recent.is_char_boundary(cut) {
                cut += 1;
            }
            self.recent.drain(..cut);
        }
    }
}

/// How far before or after an abbreviation (in bytes of the page's text) its
/// expansion counts as already written by the author.
const NEARBY: usize = 200;

/// A heading whose section has had nothing visible in it yet.
struct OpenHeading {
    level: u8,
    line: Option<usize>,
    /// Its text, once its end tag has been seen.
    name: String,
}

type Shared = Rc<RefCell<State>>;
type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

impl PageStage for A11y {
    fn name(&self) -> &'static str {
        "a11y"
    }

    fn run(&self, html: String, page: &PageContext<'_>) -> StageOutput {
        let whole = html.len().max(1);
        self.run_in_pieces(html, page, whole)
    }
}

impl A11y {
    /// Runs the stage, feeding the HTML to the rewriter `piece` bytes at a time
    /// (tests use small pieces to prove text split across chunks is handled).
    fn run_in_pieces(&self, html: String, page: &PageContext<'_>, piece: usize) -> StageOutput {
        let labelled = names::labelledby_targets(&html);
        let state: Shared = Rc::new(RefCell::new(State {
            term_flags: vec![0; self.terms.len()],
            labelled,
            inline_styles: true,
            ..State::default()
        }));
        let out = match self.rewrite(&html, page, &state, piece) {
            Ok(out) => out,
            Err(e) => {
                let mut d = Diagnostic::error(
                    "a11y",
                    page.source_file.unwrap_or(page.output_path),
                    format!("the accessibility stage could not read the page: {e}"),
                )
                .help("check the template for malformed HTML");
                d.page = Some(page.url_path.to_string());
                return StageOutput {
                    html,
                    findings: vec![d],
                    facts: PageFacts::default(),
                };
            }
        };
        let mut st = state.borrow_mut();
        let st = &mut *st;
        judge_names(st);
        // Whole-page checks.
        match st.page_title.as_deref() {
            _ if !st.saw_html => {}
            _ if !st.title_seen => note(
                st,
                "page-title",
                None,
                "the page has no title element".into(),
                "give the template a `<title>` in its `<head>`: the page's title, then the report's",
            ),
            Some(t) if !names::blank(t) => {}
            _ => note(
                st,
                "page-title",
                None,
                "the page's title is empty".into(),
                "write the page's title in the template's `<title>`: the page's title, then the report's",
            ),
        }
        if st.h1 != 1 {
            let message = if st.h1 == 0 {
                "the page has no h1 heading".to_string()
            } else {
                format!(
                    "the page has {} h1 headings; it should have exactly one",
                    st.h1
                )
            };
            note(
                st,
                "page-h1",
                None,
                message,
                "give the page one `h1`: its title (Markdown headings start at `##`)",
            );
        }
        let anchors = std::mem::take(&mut st.anchors);
        for (frag, line) in anchors {
            if !frag.is_empty() && frag != "top" && !st.ids.contains_key(&frag) {
                note(
                    st,
                    "broken-anchor",
                    line,
                    format!("link to `#{frag}`, but this page has no element with id `{frag}`"),
                    "link to a heading's id as shown in the page's address when you follow its section link",
                );
            }
        }
        let mut dups: Vec<(String, usize)> = st
            .ids
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(k, n)| (k.clone(), *n))
            .collect();
        dups.sort();
        for (id, n) in dups {
            note(
                st,
                "duplicate-id",
                None,
                format!("the id `{id}` is used {n} times on this page"),
                "rename one of the headings or elements so each id is unique",
            );
        }
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

impl A11y {
    fn rewrite(
        &self,
        html: &str,
        page: &PageContext<'_>,
        state: &Shared,
        piece: usize,
    ) -> Result<String, lol_html::errors::RewritingError> {
        let info = &self.info;
        let mut output = Vec::with_capacity(html.len() + html.len() / 8);
        let has_skip_link = html.contains("href=\"#main\"") || html.contains("href=#main");
        let skip_glossary = page.output_path == "glossary/index.html";
        let line_offset = page.line_offset;
        let base = info.base_path.clone();
        let src = html.as_bytes();
        {
            // One handler for every element, dispatching on the tag name in Rust:
            // compiling ~20 CSS selectors per page and running lol_html's selector
            // VM on every tag cost a third of this stage.
            let handler = element!("*", {
                let state = state.clone();
                let base = base.clone();
                move |el: &mut Element| {
                    self.element(el, src, page, &state, &base, has_skip_link, line_offset)
                }
            });
            // Text is only needed inside `main` (glossary terms, abbreviations) and
            // inside links, buttons and headings (their names, captured). The
            // element handler tracks both, so one document-level handler skips the
            // rest: a selector scope (`main, a, …`) made lol_html match every tag
            // against it, which cost more than the little text it spared.
            let text_handler = doc_text!({
                let state = state.clone();
                move |chunk| {
                    let mut st = state.borrow_mut();
                    let st = &mut *st;
                    let piece = chunk.as_str();
                    // Visible text after a heading is its section's content.
                    if st.open_heading.is_some()
                        && st.in_heading == 0
                        && st.in_hidden == 0
                        && piece.bytes().any(|b| !b.is_ascii_whitespace())
                    {
                        st.open_heading = None;
                    }
                    if st.in_main == 0 && st.frames.is_empty() {
                        return Ok(());
                    }
                    if let Some(f) = st.frames.last_mut() {
                        names::push_text(&mut f.content, piece);
                    }
                    if st.in_main == 0 || skip_glossary {
                        return Ok(());
                    }
                    if st.no_abbr > 0 {
                        if self.keep_recent {
                            st.remember(piece);
                        }
                        return Ok(());
                    }
                    let terms_left = st.finished_terms < self.terms.len();
                    if !terms_left {
                        // Nothing to expand: leave the text alone and only look
                        // for abbreviations in the author's text.
                        if st.in_markdown > 0 {
                            st.text.push_str(piece);
                            if chunk.last_in_text_node() {
                                let text = std::mem::take(&mut st.text);
                                self.scan_abbreviations(&text, st);
                            }
                        }
                        return Ok(());
                    }
                    if !chunk.last_in_text_node() {
                        st.text.push_str(piece);
                        chunk.remove();
                        return Ok(());
                    }
                    if st.text.is_empty() {
                        // A text node in one chunk (the usual case) is looked at
                        // where it stands, and left alone when no term is expanded.
                        let replaced = self.expand_terms(piece, st);
                        if st.in_markdown > 0 {
                            self.scan_abbreviations(piece, st);
                        }
                        if self.keep_recent {
                            st.remember(piece);
                        }
                        if let Some(html) = replaced {
                            chunk.replace(&html, ContentType::Html);
                        }
                        return Ok(());
                    }
                    st.text.push_str(piece);
                    let text = std::mem::take(&mut st.text);
                    let replaced = self.expand_terms(&text, st);
                    if st.in_markdown > 0 {
                        self.scan_abbreviations(&text, st);
                    }
                    if self.keep_recent {
                        st.remember(&text);
                    }
                    chunk.replace(replaced.as_deref().unwrap_or(&text), ContentType::Html);
                    Ok(())
                }
            });
            let settings = Settings::new()
                .append_element_content_handler(handler)
                .append_document_content_handler(text_handler);
            let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| output.extend_from_slice(c));
            for part in html.as_bytes().chunks(piece.max(1)) {
                rewriter.write(part)?;
            }
            rewriter.end()?;
        }
        Ok(String::from_utf8(output)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Everything the stage does at an element's start tag, in a fixed order.
    #[allow(clippy::too_many_arguments)]
    fn element(
        &self,
        el: &mut Element,
        src: &[u8],
        page: &PageContext<'_>,
        state: &Shared,
        base: &str,
        has_skip_link: bool,
        line_offset: Option<usize>,
    ) -> HandlerResult {
        let mut name_buf = [0u8; TAG_BUF];
        let owned_tag;
        let tag: &str = match tag_name_in_source(el, src, &mut name_buf) {
            Some(t) => t,
            None => {
                owned_tag = el.tag_name();
                &owned_tag
            }
        };
        let open = el.can_have_content() && !el.is_self_closing();
        // One pass over the attributes (each lookup by name re-scans them all).
        // Names are compared where they stand in the page: lol_html would
        // allocate a lowercased copy of every one.
        // Values too are read where they stand, when they do (no copy).
        let (mut sourcepos, mut id, mut class) = (None, None, None);
        let mut no_scroll = false;
        let mut na = NameAttrs::default();
        for a in el.attributes() {
            let name = attribute_name(a, src);
            let name: &[u8] = &name;
            if name.eq_ignore_ascii_case(b"data-sourcepos") {
                sourcepos = Some(attribute_value(a, src));
            } else if name.eq_ignore_ascii_case(b"id") {
                id = Some(a.value());
            } else if name.eq_ignore_ascii_case(b"class") {
                class = Some(attribute_value(a, src));
            } else if name.eq_ignore_ascii_case(b"data-no-scroll") {
                no_scroll = true;
            } else {
                NameAttrs::read(&mut na, name, || attribute_value(a, src));
            }
        }
        let has_class = |name: &str| {
            class.as_deref().is_some_and(|c| {
                c.split(u8::is_ascii_whitespace)
                    .any(|x| x == name.as_bytes())
            })
        };
        // Source lines from Markdown (comrak's data-sourcepos), removed from the output.
        if let Some(pos) = sourcepos {
            el.remove_attribute("data-sourcepos");
            if open {
                // `LINE:COL-LINE:COL`: the first line.
                let first = pos.split(|&b| b == b':').next().unwrap_or_default();
                let line: Option<usize> =
                    std::str::from_utf8(first).ok().and_then(|l| l.parse().ok());
                let line = line
                    .zip(line_offset)
                    .and_then(|(l, off)| l.checked_add(off));
                {
                    let mut st = state.borrow_mut();
                    st.in_markdown += 1;
                    if let Some(l) = line {
                        st.lines.push(l);
                    }
                }
                let state = state.clone();
                el.on_end_tag(Box::new(move |_: &mut EndTag| {
                    let mut st = state.borrow_mut();
                    st.in_markdown = st.in_markdown.saturating_sub(1);
                    if line.is_some() {
                        st.lines.pop();
                    }
                    Ok(())
                }))?;
            }
        }
        match tag {
            "html" => self.html_lang(el, state)?,
            "meta"
                if el
                    .get_attribute("http-equiv")
                    .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-security-policy"))
                    && el
                        .get_attribute("content")
                        .is_some_and(|c| names::csp_blocks_inline_styles(&c)) =>
            {
                state.borrow_mut().inline_styles = false;
            }
            "body" if !has_skip_link => {
                el.prepend(
                    "<a class=\"skip-link\" href=\"#main\">Skip to main content</a>",
                    ContentType::Html,
                );
            }
            "main" => {
                if !has_skip_link && id.is_none() {
                    el.set_attribute("id", "main")?;
                    id = Some("main".to_string());
                }
                inside(el, state, |st| &mut st.in_main)?;
            }
            _ => {}
        }
        if let Some(id) = id.as_ref().filter(|i| !i.is_empty()) {
            *state.borrow_mut().ids.entry(id.clone()).or_insert(0) += 1;
        }
        if open && (na.hidden || (class.is_some() && has_class("visually-hidden"))) {
            inside(el, state, |st| &mut st.in_hidden)?;
        }
        // Elements inside which no <abbr> is added.
        if open && NO_ABBR.contains(&tag) {
            inside(el, state, |st| &mut st.no_abbr)?;
        }
        if MEDIA.contains(&tag) {
            self.media(state);
        }
        if open && matches!(tag, "svg" | "math" | "template") {
            inside(el, state, |st| &mut st.in_foreign)?;
        }
        // Hidden from assistive technology: itself, or inside something hidden.
        let (parent_hidden, inline_styles) = {
            let st = state.borrow();
            (st.in_ax_hidden > 0, st.inline_styles)
        };
        let self_hidden = na.hidden(tag, inline_styles);
        if open && self_hidden {
            inside(el, state, |st| &mut st.in_ax_hidden)?;
        }
        let named_already = tag == "img" && self.image(el, &na, src, state)?;
        // Before the handlers of links and headings, so that their end-tag
        // handlers run after the frame's and find its text.
        self.naming(
            el,
            tag,
            &na,
            id.as_deref(),
            parent_hidden || self_hidden,
            open,
            named_already,
            state,
        )?;
        let is_link = tag == "a" && na.href;
        let link_attrs = is_link.then(|| LinkAttrs::read(el, src));
        match tag {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.heading(el, tag[1..].parse().unwrap_or(2), state)?
            }
            "nav" => {
                inside(el, state, |st| &mut st.in_nav)?;
                inside(el, state, |st| &mut st.in_chrome)?;
            }
            "header" | "footer" | "aside" => inside(el, state, |st| &mut st.in_chrome)?,
            "a" if is_link => {
                let attrs = link_attrs.unwrap_or_default();
                self.link(el, &attrs, page, state, base)?;
                self.link_extras(el, &attrs, page, state)?;
            }
            "section" if has_class("footnotes") => {
                el.prepend(
                    "<h2 class=\"visually-hidden\">Footnotes</h2>",
                    ContentType::Html,
                );
            }
            "div" if has_class("table-wrap") => inside(el, state, |st| &mut st.in_table_wrap)?,
            "table" => self.table(el, state, no_scroll || has_class("stack-table"))?,
            "caption" => {
                if let Some(t) = state.borrow_mut().tables.last_mut() {
                    t.has_caption = true;
                }
            }
            "thead" => inside(el, state, |st| &mut st.in_thead)?,
            "th" => {
                let mut st = state.borrow_mut();
                if let Some(t) = st.tables.last_mut() {
                    t.has_th = true;
                }
                if !el.has_attribute("scope") {
                    el.set_attribute("scope", if st.in_thead > 0 { "col" } else { "row" })?;
                }
            }
            _ => {}
        }
        self.third_party(el, tag, state);
        Ok(())
    }

    /// `<html lang>`: added from the site's language when missing or blank
    /// (ACT b5c3f8, repaired), then checked to be a known language (ACT
    /// bf051a).
    fn html_lang(&self, el: &mut Element, state: &Shared) -> HandlerResult {
        state.borrow_mut().saw_html = true;
        let lang = match el.get_attribute("lang") {
            Some(l) if !l.trim().is_empty() => l,
            _ => {
                el.set_attribute("lang", &self.info.lang)?;
                self.info.lang.clone()
            }
        };
        let known = if lang == self.info.lang {
            self.lang_known
        } else {
            lang::known(&lang)
        };
        if !known {
            let mut st = state.borrow_mut();
            note(
                &mut st,
                "html-lang",
                None,
                format!(
                    "the page's language `{}` is not a language tag a screen reader knows",
                    lang.trim()
                ),
                "give a language tag of the IANA registry, such as `en-GB` or `cy` (not `eng` or `english`): `default_language` in config.toml, or `lang` in the template",
            );
        }
        Ok(())
    }

    /// The accessible name of an element, as far as a rule or another name
    /// needs it: a candidate of a name rule is noted, and an element whose
    /// text a name needs gets a [`Frame`] that collects it until its end tag.
    #[allow(clippy::too_many_arguments)]
    fn naming(
        &self,
        el: &mut Element,
        tag: &str,
        na: &NameAttrs<'_>,
        id: Option<&str>,
        hidden: bool,
        open: bool,
        named_already: bool,
        state: &Shared,
    ) -> HandlerResult {
        let mut st = state.borrow_mut();
        let in_frame = !st.frames.is_empty();
        let target = id
            .filter(|i| {
                !st.labelled.is_empty() && st.labelled.contains(*i) && st.ids.get(*i) == Some(&1)
            })
            .map(str::to_string);
        let title = tag == "title" && !st.title_seen && st.in_foreign == 0;
        let interesting = na.role.is_some()
            || title
            || matches!(
                tag,
                "a" | "area"
                    | "button"
                    | "input"
                    | "img"
                    | "iframe"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "br"
            );
        if !interesting && !in_frame && target.is_none() {
            return Ok(());
        }
        if tag == "br" {
            if let Some(f) = st.frames.last_mut() {
                names::push_text(&mut f.content, " ");
            }
            return Ok(());
        }
        if title {
            st.title_seen = true;
        }
        let role = na.role(tag);
        let kind = if hidden || named_already {
            None
        } else {
            match role {
                Role::Link => Some(NameRule::Link),
                Role::Button => Some(NameRule::Button),
                Role::Heading => Some(NameRule::Heading),
                Role::Img => Some(NameRule::Image {
                    src: na
                        .alt
                        .is_none()
                        .then(|| el.get_attribute("src"))
                        .flatten()
                        .unwrap_or_default(),
                    alt: na
                        .alt
                        .as_deref()
                        .map(|a| String::from_utf8_lossy(a).into_owned()),
                    explicit: tag != "img",
                }),
                // An iframe out of the tab order or marked decorative is not
                // asked for a name (ACT cae760).
                _ if tag == "iframe"
                    && !na.explicitly_presentational()
                    && !na.negative_tabindex() =>
                {
                    Some(NameRule::Iframe)
                }
                _ => None,
            }
        };
        let sources = na.sources(tag, role);
        let own_content = matches!(role, Role::Link | Role::Button | Role::Heading);
        // Embedded content: what is inside is not part of any name.
        let embedded = matches!(
            tag,
            "iframe"
                | "textarea"
                | "select"
                | "video"
                | "audio"
                | "object"
                | "canvas"
                | "script"
                | "style"
        );
        let needs_frame = open
            && !embedded
            && (in_frame
                || target.is_some()
                || title
                || (kind.is_some() && own_content)
                || matches!(tag, "a" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"));
        let line = st.line();
        let candidate = kind.map(|kind| Candidate {
            seq: st.next_seq(),
            line,
            kind,
            name: Vec::new(),
        });
        if !needs_frame {
            let name = names::compose(&sources, None);
            let parent_takes = st.frames.last().is_some_and(|p| !hidden || p.hidden);
            if let Some(c) = candidate {
                if target.is_some() || parent_takes {
                    settle(&mut st, c, name.clone());
                } else {
                    settle(&mut st, c, name);
                    return Ok(());
                }
            }
            if let Some(id) = target {
                st.targets.entry(id).or_insert_with(|| name.clone());
            }
            let parent_hidden = st.frames.last().is_some_and(|p| p.hidden);
            if let Some(p) = st.frames.last_mut()
                && (!hidden || parent_hidden)
            {
                names::append(&mut p.content, name);
            }
            return Ok(());
        }
        st.frame_serial = st.frame_serial.wrapping_add(1);
        let serial = st.frame_serial;
        st.frames.push(Frame {
            serial,
            content: Vec::new(),
            hidden,
            block: BLOCK.contains(&tag),
            sources: (!sources.is_plain()).then(|| Box::new(sources)),
            own_content,
            candidate,
            target,
            title,
            keep_text: title || matches!(tag, "a" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"),
        });
        drop(st);
        let state = state.clone();
        el.on_end_tag(Box::new(move |_: &mut EndTag| {
            let mut st = state.borrow_mut();
            if st.frames.iter().any(|f| f.serial == serial) {
                // Close inner frames whose end tags never came, then this one.
                while let Some(f) = st.frames.last() {
                    let done = f.serial == serial;
                    close_frame(&mut st);
                    if done {
                        break;
                    }
                }
            }
            Ok(())
        }))?;
        Ok(())
    }

    /// Links only: `aria-current` in navigation, footnote names.
    fn link_extras(
        &self,
        el: &mut Element,
        attrs: &LinkAttrs,
        page: &PageContext<'_>,
        state: &Shared,
    ) -> HandlerResult {
        if state.borrow().in_nav > 0
            && attrs.href.as_deref() == Some(page.url_path)
            && !attrs.aria_current
        {
            el.set_attribute("aria-current", "page")?;
        }
        if attrs.footnote_ref {
            el.prepend(
                "<span class=\"visually-hidden\">Footnote </span>",
                ContentType::Html,
            );
        }
        if attrs.footnote_backref {
            let label = attrs.aria_label.as_deref().unwrap_or("Back to the text");
            el.remove_attribute("aria-label");
            el.set_inner_content(
                &format!(
                    "<span aria-hidden=\"true\">↩</span><span class=\"visually-hidden\">{}</span>",
                    crate::output::escape(label)
                ),
                ContentType::Html,
            );
        }
        Ok(())
    }

    /// Notes a file the page would load from another site.
    fn third_party(&self, el: &Element, tag: &str, state: &Shared) {
        let attrs: &[&str] = match tag {
            "script" | "img" | "iframe" | "video" | "audio" | "embed" => &["src"],
            "source" => &["src", "srcset"],
            "object" => &["data"],
            "link" => {
                let rel = el.get_attribute("rel").unwrap_or_default().to_lowercase();
                if !LOADING_RELS
                    .iter()
                    .any(|r| rel.split_whitespace().any(|x| x == *r))
                {
                    return;
                }
                &["href"]
            }
            _ => return,
        };
        for attr in attrs {
            if let Some(url) = el.get_attribute(attr)
                && let Some(host) = third_party(&url, &self.info.origin)
            {
                let line = state.borrow().line();
                note(
                    &mut state.borrow_mut(),
                    "third-party",
                    line,
                    format!("`<{tag}>` loads `{url}` from another site ({host})"),
                    "copy the file into the site's static/ folder and link to it there; third-party requests track readers and fail offline",
                );
            }
        }
    }

    /// Explains the first uses of glossary terms in `text` (raw HTML text,
    /// entities not decoded): see [`A11y::term_html`]. `None` when nothing in
    /// `text` changes.
    fn expand_terms(&self, text: &str, st: &mut State) -> Option<String> {
        let chrome = st.in_chrome > 0;
        let lower = self
            .terms
            .iter()
            .zip(&st.term_flags)
            .any(|(t, f)| t.caseless && !self.finished(t, *f))
            .then(|| text.to_ascii_lowercase());
        // The next use at or after `from` of term `i`: start and length.
        let find = |i: usize, from: usize| -> Option<(usize, usize)> {
            let t = &self.terms[i];
            let found = if t.caseless {
                find_word_or_plural(&lower.as_deref()?[from..], &t.needle)
            } else {
                find_word(&text[from..], &t.needle).map(|p| (p, t.needle.len()))
            };
            found.map(|(p, len)| (from + p, len))
        };
        // Each term's next use, found once and again only once passed (a term
        // used over and over where nothing is to be done, as in a `nav`, does
        // not make every other term be looked for again each time).
        let mut next: Vec<Option<(usize, usize)>> = (0..self.terms.len())
            .map(|i| {
                if self.finished(&self.terms[i], st.term_flags[i]) {
                    None
                } else {
                    find(i, 0)
                }
            })
            .collect();
        let mut out = String::new();
        let mut at = 0;
        let mut changed = false;
        loop {
            // The earliest use of any term that needs something more, longest
            // first.
            let first = next
                .iter()
                .enumerate()
                .filter_map(|(i, n)| n.map(|(p, len)| (p, len, i)))
                .filter(|(_, _, i)| !self.finished(&self.terms[*i], st.term_flags[*i]))
                .min_by_key(|(p, len, _)| (*p, std::cmp::Reverse(*len)));
            let Some((start, len, i)) = first else {
                break;
            };
            let end = start + len;
            out.push_str(&text[at..start]);
            match self.term_html(text, start, end, i, chrome, st) {
                Some(html) => {
                    out.push_str(&html);
                    changed = true;
                }
                None => out.push_str(&text[start..end]),
            }
            at = end;
            for (j, n) in next.iter_mut().enumerate() {
                if n.is_some_and(|(p, _)| p < at) {
                    *n = if self.finished(&self.terms[j], st.term_flags[j]) {
                        None
                    } else {
                        find(j, at)
                    };
                }
            }
        }
        if !changed {
            return None;
        }
        out.push_str(&text[at..]);
        Some(out)
    }

    /// What the use of term `i` at `text[start..end]` becomes, or `None` to
    /// leave it as it is. An abbreviation is spelt out at its first use on the
    /// page ("Somerset Safeguarding Children Board (SSCB)"), unless the author
    /// wrote its expansion within [`NEARBY`] bytes of it, and gets `<abbr
    /// title>` at the next; in brackets or before `'s`, and in `nav`, `header`,
    /// `footer` and `aside`, it gets `<abbr>` only. The first use of a term the
    /// glossary defines links to its definition (not in those four).
    fn term_html(
        &self,
        text: &str,
        start: usize,
        end: usize,
        i: usize,
        chrome: bool,
        st: &mut State,
    ) -> Option<String> {
        let t = &self.terms[i];
        let flags = st.term_flags[i];
        let used = &text[start..end];
        let mut html = None;
        let mut add = 0;
        if let Some(expansion) = &t.expansion {
            let (before, after) = (&text[..start], &text[end..]);
            let bracketed = before.ends_with('(') && after.starts_with(')');
            let possessive = ["'s", "\u{2019}s", "&#39;s", "&#x27;s"]
                .iter()
                .any(|p| after.starts_with(p));
            let spell = self.info.spell_out && !chrome && flags & SPELLED == 0;
            if spell && expansion_nearby(&st.recent, before, after, expansion) {
                // The author spelt it out: leave it as written.
                add |= SPELLED;
            } else if spell && !bracketed && !possessive {
                add |= SPELLED;
                let mut spelt = crate::output::escape(expansion);
                if let Some(j) = t.expansion_term
                    && t.href.is_none()
                    && !chrome
                    && st.term_flags[j] & LINKED == 0
                    && let Some(href) = &self.terms[j].href
                {
                    spelt = glossary_link(href, &spelt);
                    self.set_flags(st, j, LINKED);
                }
                html = Some(format!("{spelt} ({used})"));
            } else if flags & ABBR == 0 {
                add |= ABBR;
                html = Some(format!(
                    "<abbr title=\"{}\">{used}</abbr>",
                    crate::output::escape(expansion)
                ));
            }
        }
        if let Some(href) = &t.href
            && !chrome
            && flags & LINKED == 0
        {
            add |= LINKED;
            html = Some(glossary_link(href, html.as_deref().unwrap_or(used)));
        }
        if add != 0 {
            self.set_flags(st, i, add);
        }
        html
    }

    /// Notes capitalised words of the author's text that look like
    /// abbreviations but are not in the glossary.
    fn scan_abbreviations(&self, text: &str, st: &mut State) {
        let bytes = text.as_bytes();
        let mut i = 0;
        // Only words with an ASCII capital can be one: find a capital first,
        // then look at the whole word around it.
        while i < bytes.len() {
            if !bytes[i].is_ascii_uppercase() {
                i += 1;
                continue;
            }
            // A capital followed by a small letter ("The", "Board") is in a word
            // with a small letter, which is never one: look no further.
            if bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase) {
                i += 2;
                continue;
            }
            let start = text[..i]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphanumeric())
                .last()
                .map_or(i, |(j, _)| j);
            let end = text[i..]
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(j, _)| i + j);
            let word = &text[start..end];
            if (2..=6).contains(&word.len())
                && word.bytes().filter(u8::is_ascii_uppercase).count() >= 2
                && word
                    .bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && !self.terms.iter().any(|t| t.needle == word)
            {
                let line = st.line();
                st.unknown_abbr.entry(word.to_string()).or_insert(line);
            }
            i = end.max(i + 1);
        }
    }

    fn heading(&self, el: &mut Element, level: u8, state: &Shared) -> HandlerResult {
        let mut st = state.borrow_mut();
        let line = st.line();
        if level == 1 {
            st.h1 += 1;
        }
        if st.last_heading > 0 && level > st.last_heading + 1 {
            let prev = st.last_heading;
            note(
                &mut st,
                "heading-order",
                line,
                format!(
                    "an h{level} follows an h{prev}: heading level {} is skipped",
                    prev + 1
                ),
                "use the next level down (in Markdown: one more `#` than the heading above, starting at `##`)",
            );
        }
        st.last_heading = level;
        let visible = st.in_hidden == 0;
        if visible {
            if let Some(open) = st.open_heading.take()
                && level <= open.level
            {
                // No levels in the message: the full report shifts them, and
                // its finding is folded into the page's when the two are equal.
                let what = if open.name.is_empty() {
                    "a heading with no text".to_string()
                } else {
                    format!("the heading “{}”", open.name)
                };
                note(
                    &mut st,
                    "empty-section",
                    open.line,
                    format!(
                        "{what} has nothing under it: the next heading, of the same or a higher rank, follows it directly, so its section is empty"
                    ),
                    "write the section's text under the heading, or remove the heading; if the headings after it belong to it, make them one level deeper (one more `#`)",
                );
            }
            st.open_heading = Some(OpenHeading {
                level,
                line,
                name: String::new(),
            });
        }
        st.in_heading += 1;
        // A link to the section, inside the heading after its text (so it
        // neither shifts the layout nor comes before the text), only on
        // headings written in Markdown.
        let anchor = self.info.heading_anchors
            && (level == 2 || level == 3)
            && visible
            && st.in_main > 0
            && st.in_markdown > 0
            && st.in_chrome == 0;
        let id = if anchor { el.get_attribute("id") } else { None };
        drop(st);
        let state = state.clone();
        el.on_end_tag(Box::new(move |end: &mut EndTag| {
            let mut st = state.borrow_mut();
            // The heading's text, from its frame (closed just before this).
            let text = std::mem::take(&mut st.closed_text);
            st.in_heading = st.in_heading.saturating_sub(1);
            if visible
                && let Some(open) = st.open_heading.as_mut()
                && open.name.is_empty()
            {
                open.name = collapse(&decode_basic(&text));
            }
            if let Some(id) = &id {
                end.before(
                    &format!(
                        " <a class=\"heading-anchor\" href=\"#{}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section</span></a>",
                        crate::output::escape(id),
                    ),
                    ContentType::Html,
                );
            }
            Ok(())
        }))?;
        Ok(())
    }

    /// Something to see or use (an image, a control) after a heading: its
    /// section is not empty.
    fn media(&self, state: &Shared) {
        let mut st = state.borrow_mut();
        if st.in_heading == 0 && st.in_hidden == 0 {
            st.open_heading = None;
        }
    }

    /// A link (`a href`): its target noted for the site-wide link check, a
    /// document's format and size and a new tab said in its text, `rel` made
    /// safe. Its name is judged with the other names at the end of the page.
    fn link(
        &self,
        el: &mut Element,
        attrs: &LinkAttrs,
        page: &PageContext<'_>,
        state: &Shared,
        base: &str,
    ) -> HandlerResult {
        if !el.can_have_content() {
            return Ok(());
        }
        let href = attrs.href.as_deref().unwrap_or_default();
        let mut st = state.borrow_mut();
        let line = st.line();
        let mut link = LinkState::default();
        if let Some(frag) = href.strip_prefix('#') {
            st.anchors.push((frag.to_string(), line));
        } else if let Some(target) = internal_target(href, page.url_path, base, &self.info.origin) {
            st.facts.links.push((target, line));
        }
        if let Some(format) = document_format(href) {
            let path = href.split(['?', '#']).next().unwrap_or("");
            let size = self.info.file_sizes.get(path).copied();
            link.document = Some((format.to_string(), size));
        }
        if attrs.target.as_deref() == Some("_blank") {
            let rel = attrs.rel.as_deref().unwrap_or_default();
            let mut parts: Vec<&str> = rel.split_whitespace().collect();
            for need in ["noopener", "noreferrer"] {
                if !parts.contains(&need) {
                    parts.push(need);
                }
            }
            el.set_attribute("rel", &parts.join(" "))?;
            link.new_tab = true;
        }
        if link.document.is_none() && !link.new_tab {
            return Ok(());
        }
        st.links.push(link);
        drop(st);
        let state = state.clone();
        el.on_end_tag(Box::new(move |end: &mut EndTag| {
            let mut st = state.borrow_mut();
            let Some(link) = st.links.pop() else {
                return Ok(());
            };
            // The link's text, from its frame (closed just before this).
            let text = std::mem::take(&mut st.closed_text);
            let lower = collapse(&decode_basic(&text)).to_lowercase();
            if let Some((format, size)) = &link.document
                && !lower.contains(&format!("({}", format.to_lowercase()))
            {
                let meta = match size {
                    Some(s) => format!("{format}, {}", crate::render::human_size(*s)),
                    None => format.clone(),
                };
                end.before(
                    &format!(" <span class=\"document-meta\">({meta})</span>"),
                    ContentType::Html,
                );
            }
            if link.new_tab && !lower.contains("new tab") && !lower.contains("new window") {
                end.before(
                    "<span class=\"visually-hidden\"> (opens in a new tab)</span>",
                    ContentType::Html,
                );
            }
            Ok(())
        }))?;
        Ok(())
    }

    /// An image's rewrites: lazy loading, and `![decorative](x.png)` made
    /// `alt="" role="presentation"`. True when nothing more is to be said of
    /// its name: it is decorative, or it is Markdown's `![](x.png)`, which gets
    /// `image-alt-empty` here (in HTML, `alt=""` marks an image decorative and
    /// passes; in Markdown, forgetting and intent look the same).
    fn image(
        &self,
        el: &mut Element,
        na: &NameAttrs<'_>,
        src: &[u8],
        state: &Shared,
    ) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
        if !el.has_attribute("loading") {
            el.set_attribute("loading", "lazy")?;
        }
        if !el.has_attribute("decoding") {
            el.set_attribute("decoding", "async")?;
        }
        let alt = na.alt.as_deref().map(<[u8]>::trim_ascii);
        if alt.is_some_and(|a| a.eq_ignore_ascii_case(b"decorative")) {
            el.set_attribute("alt", "")?;
            el.set_attribute("role", "presentation")?;
            return Ok(true);
        }
        let mut st = state.borrow_mut();
        // comrak writes an image of the Markdown as `<img … />` inside an
        // element that has its source position (raw HTML there, written the
        // same way, counts as Markdown).
        let from_markdown = st.in_markdown > 0 && {
            let raw = src.get(el.source_location().bytes()).unwrap_or_default();
            raw.starts_with(b"<img ") && raw.ends_with(b" />")
        };
        if from_markdown && alt == Some(&b""[..]) && !na.global_aria && na.role.is_none() {
            let line = st.line();
            note(
                &mut st,
                "image-alt-empty",
                line,
                "an image has empty alt text but is not marked decorative".into(),
                "describe the image in its alt text (`![what it shows](chart.png)`), or write `![decorative](chart.png)` if it adds nothing",
            );
            return Ok(true);
        }
        Ok(false)
    }

    /// A table: checked for header cells and a caption, and put in a
    /// scrolling region unless it is in one or says it needs none (the class
    /// `stack-table` of a table the theme stacks on narrow screens, or the
    /// attribute `data-no-scroll`).
    fn table(&self, el: &mut Element, state: &Shared, no_scroll: bool) -> HandlerResult {
        let mut st = state.borrow_mut();
        let line = st.line();
        st.tables.push(TableState {
            has_th: false,
            has_caption: false,
            line,
        });
        st.table_count += 1;
        if st.in_table_wrap == 0 && !no_scroll {
            let n = st.table_count;
            el.before(
                &format!("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table {n}\">"),
                ContentType::Html,
            );
            el.after("</div>", ContentType::Html);
        }
        drop(st);
        let state = state.clone();
        el.on_end_tag(Box::new(move |_: &mut EndTag| {
            let mut st = state.borrow_mut();
            let Some(t) = st.tables.pop() else {
                return Ok(());
            };
            if !t.has_th {
                note(
                    &mut st,
                    "table-headers",
                    t.line,
                    "a table has no header cells".into(),
                    "give the table a header row (in Markdown, the first row above `| --- |`)",
                );
            }
            if !t.has_caption {
                note(
                    &mut st,
                    "table-caption",
                    t.line,
                    "a table has no caption".into(),
                    "write a paragraph `*Table: what the table shows*` just before the table",
                );
            }
            Ok(())
        }))?;
        Ok(())
    }
}

/// The attributes a link or button is judged by, read in one pass over them
/// (each `get_attribute` scans them all again). Of a repeated name the first
/// counts, as with `get_attribute`.
#[derive(Default)]
struct LinkAttrs {
    href: Option<String>,
    aria_label: Option<String>,
    target: Option<String>,
    rel: Option<String>,
    aria_current: bool,
    footnote_ref: bool,
    footnote_backref: bool,
}

/// An attribute's name as it stands in the page (`src`), without the lowercased
/// copy lol_html would make; a copy only when the page does not hold it.
fn attribute_name<'a>(
    a: &lol_html::html_content::Attribute<'_>,
    src: &'a [u8],
) -> std::borrow::Cow<'a, [u8]> {
    in_source(a.name_source_location(), src, || a.name())
}

/// An attribute's value as it stands in the page (`src`), entities and all, as
/// lol_html's own `value()` gives it; a copy only when the page does not hold it.
fn attribute_value<'a>(
    a: &lol_html::html_content::Attribute<'_>,
    src: &'a [u8],
) -> std::borrow::Cow<'a, [u8]> {
    in_source(a.value_source_location(), src, || a.value())
}

/// The bytes at `at` in `src`, or `copy()` when the page does not hold them
/// there (an attribute added or changed by a stage).
fn in_source<'a>(
    at: Option<lol_html::html_content::SourceLocation>,
    src: &'a [u8],
    copy: impl FnOnce() -> String,
) -> std::borrow::Cow<'a, [u8]> {
    match at.and_then(|l| src.get(l.bytes())) {
        Some(bytes) => std::borrow::Cow::Borrowed(bytes),
        None => std::borrow::Cow::Owned(copy().into_bytes()),
    }
}

impl LinkAttrs {
    fn read(el: &Element, src: &[u8]) -> LinkAttrs {
        let mut l = LinkAttrs::default();
        for a in el.attributes() {
            let name = attribute_name(a, src);
            let name: &[u8] = &name;
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
            let slot = if is("href") {
                &mut l.href
            } else if is("aria-label") {
                &mut l.aria_label
            } else if is("target") {
                &mut l.target
            } else if is("rel") {
                &mut l.rel
            } else {
                l.aria_current |= is("aria-current");
                l.footnote_ref |= is("data-footnote-ref");
                l.footnote_backref |= is("data-footnote-backref");
                continue;
            };
            if slot.is_none() {
                *slot = Some(a.value());
            }
        }
        l
    }
}

/// Room for the longest tag name read from the page itself (`blockquote`,
/// `figcaption`); longer or unusual names are asked of lol_html.
const TAG_BUF: usize = 16;

/// The element's tag name, ASCII-lowercased, read from its start tag in the page
/// (`<h2 id=…>` gives `h2`) into `buf`, without the allocation `tag_name` makes.
/// None when the tag is not in `src` as written or its name is not plain ASCII
/// letters and digits.
fn tag_name_in_source<'b>(el: &Element, src: &[u8], buf: &'b mut [u8; TAG_BUF]) -> Option<&'b str> {
    let raw = src.get(el.source_location().bytes())?;
    let rest = raw.strip_prefix(b"<")?;
    let end = rest
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() || name.len() > TAG_BUF || !name.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let out = &mut buf[..name.len()];
    out.copy_from_slice(name);
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

/// Elements whose text is set apart from the text around it (CSS's block
/// display, as the theme and browsers give it): "a<p>b</p>" reads "a b".
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Closes the innermost frame: its name goes to its candidate, to the id
/// `aria-labelledby` knows it by, and into its parent's name (unless it is
/// hidden and its parent is not); its text to [`State::closed_text`] (and to
/// [`State::page_title`] for the page's title). Most frames are a link or
/// heading with plain text: judged here, without a copy.
fn close_frame(st: &mut State) {
    let Some(f) = st.frames.pop() else {
        return;
    };
    let Frame {
        content,
        hidden,
        block,
        sources,
        own_content,
        candidate,
        target,
        title,
        keep_text,
        ..
    } = f;
    let plain = sources.is_none();
    let sources: &names::Sources = sources.as_deref().unwrap_or(&names::PLAIN);
    let to_parent = st.frames.last().is_some_and(|p| !hidden || p.hidden);
    if let Some(c) = candidate {
        match names::single_text(&content) {
            Some(text) if own_content && plain => judge_one(st, c.seq, c.line, c.kind, text),
            _ => {
                let name = names::compose(sources, own_content.then(|| content.clone()));
                settle(st, c, name);
            }
        }
    }
    if target.is_none() && !to_parent {
        if keep_text {
            st.closed_text = names::into_text(content);
            if title {
                st.page_title = Some(st.closed_text.clone());
            }
        }
        return;
    }
    if keep_text {
        st.closed_text = names::known_text(&content);
        if title {
            st.page_title = Some(st.closed_text.clone());
        }
    }
    let name = names::compose(sources, Some(content));
    if let Some(id) = target {
        st.targets.entry(id).or_insert_with(|| name.clone());
    }
    if to_parent && let Some(p) = st.frames.last_mut() {
        if block {
            names::push_text(&mut p.content, " ");
        }
        names::append(&mut p.content, name);
        if block {
            names::push_text(&mut p.content, " ");
        }
    }
}

/// Judges a candidate now when its name is plain text, or keeps it for the end
/// of the page when it waits for an `aria-labelledby` target.
fn settle(st: &mut State, c: Candidate, name: Vec<names::Piece>) {
    match names::single_text(&name) {
        Some(text) => judge_one(st, c.seq, c.line, c.kind, text),
        None => st.candidates.push(Candidate { name, ..c }),
    }
}

/// Judges the names that waited for the end of the page, now that every
/// element `aria-labelledby` may point at is known.
fn judge_names(st: &mut State) {
    while !st.frames.is_empty() {
        close_frame(st);
    }
    let candidates = std::mem::take(&mut st.candidates);
    let targets = std::mem::take(&mut st.targets);
    for c in candidates {
        let mut raw = String::new();
        names::resolve(&c.name, &targets, false, &mut raw);
        judge_one(st, c.seq, c.line, c.kind, &raw);
    }
}

/// The longest text of [`VAGUE_LINK_TEXT`] without its spaces, in bytes: a
/// name with more visible bytes is none of them.
const VAGUE_MAX: usize = 16;

/// Judges one name (`raw`: as the page has it, entities not decoded) by its
/// rule, noting the finding at the element's place.
fn judge_one(st: &mut State, seq: usize, line: Option<usize>, kind: NameRule, raw: &str) {
    let trimmed = raw.trim();
    let plain = !trimmed.contains('&');
    let empty = if plain {
        trimmed.is_empty()
    } else {
        names::blank(raw)
    };
    if !empty && !matches!(kind, NameRule::Link) {
        return;
    }
    match kind {
        NameRule::Image { src, alt, explicit } => {
            let message = if explicit {
                "an element with `role=\"img\"` has no name".to_string()
            } else {
                match alt {
                    None => format!("an image ({src}) has no alt text"),
                    Some(a) if a.is_empty() => "an image that can take focus (or has ARIA attributes) has empty alt text, so it is not decorative, and it has no name".to_string(),
                    Some(_) => "an image has alt text of only spaces, which names nothing".to_string(),
                }
            };
            note_at(
                st,
                seq,
                "image-alt",
                line,
                message,
                "describe the image: `![what it shows](chart.png)`, `alt` in HTML, or `aria-label` on an element with `role=\"img\"`; mark it decorative (`![decorative](chart.png)`, or `alt=\"\"` in HTML) if it adds nothing",
            );
        }
        NameRule::Link if empty => note_at(
            st,
            seq,
            "link-name",
            line,
            "a link has no text, so a screen reader cannot say where it goes".into(),
            "give it text that says where it goes (an image in it needs alt text)",
        ),
        NameRule::Link => {
            let starts = |p: &str| {
                trimmed
                    .get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p))
            };
            let address = starts("http://") || starts("https://") || starts("www.");
            let visible = trimmed
                .trim_end_matches(|c: char| matches!(c, '.' | '!' | ':' | '…') || c.is_whitespace())
                .bytes()
                .filter(|b| !b.is_ascii_whitespace())
                .take(VAGUE_MAX + 1)
                .count();
            if plain && !address && visible > VAGUE_MAX {
                return;
            }
            let name = collapse(&decode_basic(raw));
            let lower = name.to_lowercase();
            let bare = lower.trim_end_matches(|c: char| {
                matches!(c, '.' | '!' | ':' | '…') || c.is_whitespace()
            });
            if VAGUE_LINK_TEXT.contains(&bare) {
                note_at(
                    st,
                    seq,
                    "link-text",
                    line,
                    format!("the link text “{name}” does not say where the link goes"),
                    "write link text that makes sense on its own, e.g. “the 2016-17 annual report (PDF)”",
                );
            } else if address {
                note_at(
                    st,
                    seq,
                    "link-text",
                    line,
                    format!("the link text is a bare address ({name})"),
                    "write what the page is instead of its address: `[the Children Act 2004](https://...)`",
                );
            }
        }
        NameRule::Button => note_at(
            st,
            seq,
            "button-name",
            line,
            "a button has no text, so a screen reader cannot say what it does".into(),
            "give it text (or `aria-label`) that says what it does",
        ),
        NameRule::Heading => note_at(
            st,
            seq,
            "heading-name",
            line,
            "a heading has no text".into(),
            "write the heading's text, or remove the empty heading",
        ),
        NameRule::Iframe => note_at(
            st,
            seq,
            "frame-title",
            line,
            "an iframe has no name".into(),
            "add a `title` saying what the frame shows",
        ),
    }
}

/// Counts `el` in one of the state's depth counters until its end tag.
fn inside(el: &mut Element, state: &Shared, counter: fn(&mut State) -> &mut u32) -> HandlerResult {
    if !el.can_have_content() || el.is_self_closing() {
        return Ok(());
    }
    *counter(&mut state.borrow_mut()) += 1;
    let state = state.clone();
    el.on_end_tag(Box::new(move |_: &mut EndTag| {
        let mut st = state.borrow_mut();
        let c = counter(&mut st);
        *c = c.saturating_sub(1);
        Ok(())
    }))?;
    Ok(())
}

/// Turns a noted finding into a diagnostic, applying `[a11y] ignore` and `warn`.
fn finding(info: &SiteInfo, page: &PageContext<'_>, p: Pending) -> Option<Diagnostic> {
    if info.ignore.contains(p.rule) {
        return None;
    }
    let rule = RULES.iter().find(|r| r.id == p.rule);
    let severity = if info.warn.contains(p.rule) {
        Severity::Warning
    } else {
        rule.map(|r| r.severity).unwrap_or(Severity::Error)
    };
    let file = page.source_file.unwrap_or(page.output_path);
    let mut d = match severity {
        Severity::Error => Diagnostic::error(p.rule, file, p.message),
        Severity::Warning => Diagnostic::warning(p.rule, file, p.message),
    }
    .help(p.help);
    if let (Some(l), Some(text)) = (p.line, page.source_text) {
        d = d.at_in(text, l, 1);
    }
    d.page = Some(page.url_path.to_string());
    d.wcag = rule.map(|r| r.wcag).filter(|w| *w != "—");
    Some(d)
}

/// Finds `word` in `text` as a whole word (not inside a longer word).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// Finds `word` in `lower` (both in ASCII lower case) as a whole word, or as
/// a whole word with an `s` after it (a plural): its start and length.
fn find_word_or_plural(lower: &str, word: &str) -> Option<(usize, usize)> {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
    let mut from = 0;
    while let Some(i) = lower[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        if boundary(lower[..at].chars().next_back()) {
            let mut after = lower[end..].chars();
            match after.next() {
                c if boundary(c) => return Some((at, word.len())),
                Some('s') if boundary(after.next()) => return Some((at, word.len() + 1)),
                _ => {}
            }
        }
        from = end;
    }
    None
}

/// Whether `expansion` is written (in any case, however the lines break) in
/// the [`NEARBY`] bytes of the page's text before an abbreviation (`recent`,
/// then `before` in its own text node) or after it in its text node.
fn expansion_nearby(recent: &str, before: &str, after: &str, expansion: &str) -> bool {
    fn tail(s: &str, n: usize) -> &str {
        let mut cut = s.len().saturating_sub(n);
        while !s.is_char_boundary(cut) {
            cut += 1;
        }
        &s[cut..]
    }
    let mut head_len = NEARBY.min(after.len());
    while !after.is_char_boundary(head_len) {
        head_len -= 1;
    }
    let near_before = tail(before, NEARBY);
    let mut window = String::with_capacity(3 * NEARBY);
    window.push_str(tail(recent, NEARBY - near_before.len()));
    window.push_str(near_before);
    let needle = collapse(&expansion.to_ascii_lowercase());
    collapse(&window.to_ascii_lowercase()).contains(&needle)
        || collapse(&after[..head_len].to_ascii_lowercase()).contains(&needle)
}

/// A link to a term's definition on the glossary page around `html`.
fn glossary_link(href: &str, html: &str) -> String {
    format!(
        "<a class=\"glossary-link\" href=\"{}\">{html}</a>",
        crate::output::escape(href)
    )
}

/// The words of `s` joined by single spaces (`split_whitespace` then `join(" ")`,
/// without the intermediate vector).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Decodes the entities a link's text most often holds. The replacements run one
/// after another (so `&amp;lt;` becomes `<`), as the audit has always read them;
/// text without `&` — nearly all — is returned as it is.
fn decode_basic(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The document format of a link target, by extension.
fn document_format(href: &str) -> Option<&'static str> {
    let path = href.split(['?', '#']).next()?;
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    if ext.contains('/') {
        return None;
    }
    DOCUMENT_FORMATS
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, f)| *f)
}

/// The host of `url` when it is on another site than `origin`.
fn third_party(url: &str, origin: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let own = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or(origin);
    (!host.is_empty() && !host.eq_ignore_ascii_case(own)).then(|| host.to_string())
}

/// The site path (below the base path) and fragment an internal link points at,
/// or None for external links and links outside the base path.
fn internal_target(
    href: &str,
    page_url: &str,
    base: &str,
    origin: &str,
) -> Option<(String, String)> {
    let href = href.trim();
    if href.is_empty() || href.starts_with("mailto:") || href.starts_with("tel:") {
        return None;
    }
    let href = if !origin.is_empty() && href.starts_with(origin) {
        &href[origin.len()..]
    } else {
        href
    };
    if href.contains("://")
        || href.starts_with("//")
        || href.starts_with("data:")
        || href.starts_with("javascript:")
    {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, f.to_string()),
        None => (href, String::new()),
    };
    let path = path.split('?').next().unwrap_or("");
    let absolute = if path.starts_with('/') {
        path.to_string()
    } else {
        let dir = &page_url[..page_url.rfind('/').map(|i| i + 1).unwrap_or(0)];
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let mut joined = format!("/{}", parts.join("/"));
        if (path.ends_with('/') || path.is_empty()) && !joined.ends_with('/') {
            joined.push('/');
        }
        joined
    };
    let below = absolute
        .strip_prefix(base)
        .or_else(|| (absolute.clone() + "/").strip_prefix(base).map(|_| ""))?;
    Some((below.to_string(), fragment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::GlossaryEntry;

    fn entry(term: &str, expansion: Option<&str>, definition: Option<&str>) -> GlossaryEntry {
        GlossaryEntry {
            term: term.into(),
            expansion: expansion.map(Into::into),
            definition: definition.map(Into::into),
            line: 1,
        }
    }

    /// The stage as most tests use it: abbreviations only, not spelt out.
    fn stage() -> A11y {
        stage_with(
            vec![
                entry("SSCB", Some("Somerset Safeguarding Children Board"), None),
                entry("SCB", Some("Short"), None),
                entry("CSE", Some("Child Sexual Exploitation"), None),
            ],
            |_| {},
        )
    }

    fn stage_with(glossary: Vec<GlossaryEntry>, set: impl FnOnce(&mut SiteInfo)) -> A11y {
        let mut info = SiteInfo {
            glossary,
            lang: "en-GB".into(),
            origin: "https://example.org".into(),
            base_path: "/".into(),
            file_sizes: [("/files/report.pdf".to_string(), 2_400_000u64)]
                .into_iter()
                .collect(),
            ..SiteInfo::default()
        };
        set(&mut info);
        A11y::new(info)
    }

    const TEXT: &str = "---\ntitle: t\n---\nline four\nline five\nline six\n";

    fn run(body: &str) -> StageOutput {
        run_with(&stage(), body)
    }

    fn run_with(stage: &A11y, body: &str) -> StageOutput {
        let html = format!(
            "<!doctype html><html><head><title>t</title></head><body><a href=\"#main\">Skip</a><nav aria-label=\"Contents\"><a href=\"/a/\">A</a></nav><main id=\"main\"><h1>Title</h1>{body}</main></body></html>"
        );
        let page = PageContext {
            output_path: "a/index.html",
            source_file: Some("content/a.md"),
            url_path: "/a/",
            line_offset: Some(3),
            source_text: Some(TEXT),
            version: "test",
        };
        stage.run(html, &page)
    }

    fn rules(out: &StageOutput) -> Vec<&str> {
        out.findings.iter().map(|d| d.code).collect()
    }

    #[test]
    fn clean_page_has_no_findings() {
        let out = run("<h2 id=\"x\">X</h2><p>Text</p>");
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    #[test]
    fn adds_lang_when_missing() {
        let out = run("");
        assert!(out.html.contains("<html lang=\"en-GB\">"), "{}", out.html);
    }

    #[test]
    fn adds_a_skip_link_and_its_target_when_the_template_has_none() {
        let page = PageContext::new("x/index.html", None);
        let out = stage().run(
            "<html lang=\"en\"><body><main><h1>T</h1></main></body></html>".into(),
            &page,
        );
        assert!(
            out.html.contains("<body><a class=\"skip-link\" href=\"#main\">Skip to main content</a><main id=\"main\">"),
            "{}",
            out.html
        );
        let out = run("");
        assert_eq!(
            out.html.matches("href=\"#main\"").count(),
            1,
            "no second skip link"
        );
    }

    #[test]
    fn marks_the_current_nav_link() {
        let out = run("");
        assert!(
            out.html
                .contains("<a href=\"/a/\" aria-current=\"page\">A</a>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn expands_each_term_once_longest_first_not_in_links_or_headings() {
        let out = run(
            "<h2 id=\"h\">SSCB</h2><p><a href=\"/a/\">SSCB</a> The SSCB and CSE. SSCB again.</p>",
        );
        assert!(out.html.contains("The <abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr> and <abbr title=\"Child Sexual Exploitation\">CSE</abbr>. SSCB again."), "{}", out.html);
        assert!(
            out.html.contains("<a href=\"/a/\">SSCB</a>"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("title=\"Short\""), "{}", out.html);
    }

    #[test]
    fn text_split_across_chunks_is_buffered() {
        // Feed the real stage in 3-byte pieces so text nodes arrive in many chunks.
        let html = "<html lang=\"en\"><body><a href=\"#main\">s</a><main><h1>T</h1><p>The SSCB met the CSE team.</p></main></body></html>";
        let page = PageContext::new("x/index.html", None);
        let out = stage().run_in_pieces(html.to_string(), &page, 3);
        assert!(
            out.html.contains("The <abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr> met the <abbr title=\"Child Sexual Exploitation\">CSE</abbr> team."),
            "{}",
            out.html
        );
    }

    #[test]
    fn documents_get_format_and_size() {
        let out = run(
            "<p><a href=\"/files/report.pdf\">The annual report</a> <a href=\"/x.docx\">Minutes (Word)</a></p>",
        );
        assert!(
            out.html.contains(
                "The annual report <span class=\"document-meta\">(PDF, 2.4 MB)</span></a>"
            ),
            "{}",
            out.html
        );
        assert!(out.html.contains("Minutes (Word)</a>"), "{}", out.html);
    }

    #[test]
    fn new_tab_links_are_safe_and_say_so() {
        let out = run("<p><a href=\"https://gov.uk\" target=\"_blank\">GOV.UK</a></p>");
        assert!(
            out.html.contains("rel=\"noopener noreferrer\""),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("(opens in a new tab)</span></a>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn images_lazy_and_decorative() {
        let out = run("<p><img src=\"a.png\" alt=\"decorative\"></p>");
        assert!(out.html.contains("alt=\"\""), "{}", out.html);
        assert!(out.html.contains("role=\"presentation\""), "{}", out.html);
        assert!(
            out.html.contains("loading=\"lazy\" decoding=\"async\""),
            "{}",
            out.html
        );
        assert!(out.findings.is_empty());
    }

    #[test]
    fn image_rules_with_source_lines() {
        let out = run(
            "<p data-sourcepos=\"2:1-2:9\"><img src=\"a.png\"></p><p data-sourcepos=\"3:1-3:9\"><img src=\"b.png\" alt=\"\" /></p><p><img src=\"c.png\" alt=\"\"></p>",
        );
        assert_eq!(rules(&out), ["image-alt", "image-alt-empty"]);
        assert_eq!(
            out.findings[0].line,
            Some(5),
            "Markdown line 2 is file line 5"
        );
        assert_eq!(out.findings[0].wcag, Some("1.1.1"));
        assert_eq!(out.findings[0].page.as_deref(), Some("/a/"));
        assert!(!out.html.contains("data-sourcepos"));
    }

    #[test]
    fn names_are_computed_across_the_page() {
        // A name from a target later in the page, from an image's title, from
        // `aria-label`; hidden content left out; hidden elements not judged.
        let out = run(
            "<p><a href=\"/b/\"><img src=\"a.png\" aria-labelledby=\"later\"></a> <a href=\"/c/\"><img src=\"a.png\" title=\"Chart\"></a> <a href=\"/d/\" aria-label=\"Minutes\"></a></p><p><a href=\"/e/\"><span aria-hidden=\"true\">Gone</span></a> <a href=\"/f/\" aria-hidden=\"true\"></a> <button></button> <span role=\"button\" aria-label=\"Go on\"></span></p><h2 id=\"h\"><img src=\"x.png\" alt=\"\"></h2><p id=\"later\" hidden>The chart</p><div role=\"img\"></div>",
        );
        assert_eq!(
            rules(&out),
            ["link-name", "button-name", "heading-name", "image-alt"],
            "{:?}",
            out.findings
        );
    }

    #[test]
    fn inline_styles_hide_only_where_the_page_lets_them_apply() {
        let body = "<div style=\"display: none\"><img src=\"a.png\"></div>";
        assert!(run(body).findings.is_empty());
        let page = PageContext::new("x/index.html", None);
        let out = stage().run(
            format!("<html lang=\"en\"><head><meta http-equiv=\"Content-Security-Policy\" content=\"style-src 'self'\"><title>T</title></head><body><a href=\"#main\">s</a><main id=\"main\"><h1>T</h1>{body}</main></body></html>"),
            &page,
        );
        assert_eq!(rules(&out), ["image-alt"]);
    }

    #[test]
    fn page_title_and_language() {
        let page = PageContext::new("x/index.html", None);
        let doc = |head: &str, lang: &str| {
            stage().run(
                format!("<html{lang}><head>{head}</head><body><a href=\"#main\">s</a><main id=\"main\"><h1>T</h1></main></body></html>"),
                &page,
            )
        };
        assert_eq!(rules(&doc("", "")), ["page-title"]);
        assert_eq!(
            rules(&doc("<title> </title><title>T</title>", "")),
            ["page-title"]
        );
        assert_eq!(
            rules(&doc("<svg><title>T</title></svg>", "")),
            ["page-title"]
        );
        let out = doc("<title>T</title>", " lang=\" \"");
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        assert!(out.html.contains("<html lang=\"en-GB\">"), "{}", out.html);
        assert_eq!(
            rules(&doc("<title>T</title>", " lang=\"eng\"")),
            ["html-lang"]
        );
    }

    #[test]
    fn vague_max_covers_every_vague_text() {
        for v in VAGUE_LINK_TEXT {
            assert!(
                v.bytes().filter(|b| !b.is_ascii_whitespace()).count() <= VAGUE_MAX,
                "{v}"
            );
        }
        let out = run("<p><a href=\"/b/\">More   information ...</a></p>");
        assert_eq!(rules(&out), ["link-text"]);
    }

    #[test]
    fn link_rules() {
        let out = run(
            "<p><a href=\"/b/\">click here</a> <a href=\"/c/\"></a> <a href=\"https://x.org\">https://x.org</a></p>",
        );
        assert_eq!(rules(&out), ["link-text", "link-name", "link-text"]);
    }

    #[test]
    fn heading_rules() {
        let out = run("<h2 id=\"a\">A</h2><h4 id=\"b\">B</h4><p>b</p><h1>Again</h1>");
        assert_eq!(rules(&out), ["heading-order", "page-h1"]);
    }

    /// A heading from Markdown (with its source position), an h2 of the
    /// template, and one in a `nav`.
    const HEADINGS: &str = "<h2 id=\"summary\" data-sourcepos=\"1:1\">Summary</h2><p>s</p><nav><h2 id=\"toc\" data-sourcepos=\"2:1\">On this page</h2><a href=\"#summary\">Summary</a></nav><h2 id=\"docs\">Documents</h2><p>d</p>";

    #[test]
    fn heading_anchors_are_off_by_default() {
        let out = run(HEADINGS);
        assert!(!out.html.contains("heading-anchor"), "{}", out.html);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    #[test]
    fn heading_anchors_when_on_are_inside_markdown_headings_only() {
        let stage = stage_with(Vec::new(), |i| i.heading_anchors = true);
        let out = run_with(&stage, HEADINGS);
        assert!(out.html.contains("<h2 id=\"summary\">Summary <a class=\"heading-anchor\" href=\"#summary\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section</span></a></h2>"), "{}", out.html);
        assert_eq!(
            out.html.matches("heading-anchor").count(),
            1,
            "{}",
            out.html
        );
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    #[test]
    fn stack_tables_are_not_put_in_a_scroll_region() {
        let table = |attrs: &str| {
            format!(
                "<table{attrs}><caption>C</caption><tr><th>Role</th><td>Chair</td></tr></table>"
            )
        };
        let body = [
            table(" class=\"sign-off stack-table\""),
            table(" data-no-scroll"),
            table(""),
        ]
        .concat();
        let out = run(&body);
        assert_eq!(
            out.html.matches("class=\"table-wrap\"").count(),
            1,
            "{}",
            out.html
        );
        assert!(out.html.contains("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table 3\"><table>"), "{}", out.html);
        assert!(
            out.html
                .contains("<main id=\"main\"><h1>Title</h1><table class=\"sign-off stack-table\">"),
            "{}",
            out.html
        );
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    /// A stage that spells out abbreviations, with terms the glossary defines.
    fn plain_english() -> A11y {
        stage_with(
            vec![
                entry("SSCB", Some("Somerset Safeguarding Children Board"), None),
                entry("SCR", Some("Serious Case Review"), None),
                entry("HWBB", Some("Health and Wellbeing Board"), None),
                entry(
                    "serious case review",
                    None,
                    Some("A review of what happened."),
                ),
                entry("early help", None, Some("Support given early.")),
                entry("CSE", Some("Child Sexual Exploitation"), Some("Abuse.")),
            ],
            |i| i.spell_out = true,
        )
    }

    #[test]
    fn spells_out_an_abbreviation_at_its_first_use_then_gives_abbr() {
        let out = run_with(
            &plain_english(),
            "<p>The SSCB met. The SSCB agreed.</p><p>SSCB again.</p>",
        );
        assert!(out.html.contains("<p>The Somerset Safeguarding Children Board (SSCB) met. The <abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr> agreed.</p><p>SSCB again.</p>"), "{}", out.html);
    }

    #[test]
    fn does_not_spell_out_what_the_author_spelt_out_nearby() {
        // Before it (across a line break and an element), or after it in the
        // same text.
        let out = run_with(
            &plain_english(),
            "<p>The <em>Somerset Safeguarding Children\nBoard</em> (SSCB) met.</p><p>The SSCB agreed.</p><p>The HWBB, that is the Health and Wellbeing Board, met.</p>",
        );
        assert!(out.html.contains("<em>Somerset Safeguarding Children\nBoard</em> (SSCB) met.</p><p>The <abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr> agreed.</p><p>The HWBB, that is"), "{}", out.html);
        // Far enough before, it is spelt out again.
        let far = format!(
            "<p>Somerset Safeguarding Children Board.</p><p>{}</p><p>The SSCB met.</p>",
            "x ".repeat(150)
        );
        let out = run_with(&plain_english(), &far);
        assert!(
            out.html
                .contains("The Somerset Safeguarding Children Board (SSCB) met."),
            "{}",
            out.html
        );
    }

    #[test]
    fn spells_out_only_in_running_text_of_main() {
        let out = run_with(
            &plain_english(),
            "<h2 id=\"h\">The SSCB</h2><nav><p>HWBB</p></nav><p><a href=\"/a/\">SSCB</a> <code>SSCB</code> Chair (SSCB), the HWBB's work; the HWBB met.</p>",
        );
        assert!(out.html.contains("<h2 id=\"h\">The SSCB</h2><nav><p><abbr title=\"Health and Wellbeing Board\">HWBB</abbr></p></nav><p><a href=\"/a/\">SSCB</a> <code>SSCB</code> Chair (<abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr>), the HWBB's work; the Health and Wellbeing Board (HWBB) met.</p>"), "{}", out.html);
        // Outside main, nothing changes.
        assert!(out.html.contains("<title>t</title>"), "{}", out.html);
    }

    #[test]
    fn spelling_out_can_be_turned_off() {
        let glossary = vec![entry(
            "SSCB",
            Some("Somerset Safeguarding Children Board"),
            None,
        )];
        let out = run_with(
            &stage_with(glossary, |i| i.spell_out = false),
            "<p>The SSCB met. The SSCB agreed.</p>",
        );
        assert!(out.html.contains("<p>The <abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr> met. The SSCB agreed.</p>"), "{}", out.html);
    }

    #[test]
    fn links_the_first_use_of_a_defined_term_to_the_glossary() {
        let out = run_with(
            &plain_english(),
            "<h2 id=\"e\">Early help</h2><nav><p>early help</p></nav><p><a href=\"/b/\">early help</a> Early Help works; early help again. Two serious case reviews.</p><p>The CSE team.</p>",
        );
        assert!(out.html.contains("<h2 id=\"e\">Early help</h2><nav><p>early help</p></nav><p><a href=\"/b/\">early help</a> <a class=\"glossary-link\" href=\"/glossary/#term-early-help\">Early Help</a> works; early help again. Two <a class=\"glossary-link\" href=\"/glossary/#term-serious-case-review\">serious case reviews</a>.</p>"), "{}", out.html);
        // An abbreviation with a definition: its spelt-out form is the link.
        assert!(out.html.contains("<p>The <a class=\"glossary-link\" href=\"/glossary/#term-cse\">Child Sexual Exploitation (CSE)</a> team.</p>"), "{}", out.html);
        // The expansion of an abbreviation the glossary defines links to it.
        let out = run_with(
            &plain_english(),
            "<p>One SCR.</p><p>Serious case review.</p>",
        );
        assert!(out.html.contains("<p>One <a class=\"glossary-link\" href=\"/glossary/#term-serious-case-review\">Serious Case Review</a> (SCR).</p><p>Serious case review.</p>"), "{}", out.html);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    #[test]
    fn a_term_repeated_where_nothing_is_done_keeps_the_pass_linear() {
        // In a `nav` the HWBB gets <abbr> once and then nothing, yet stays to
        // be spelt out in the text: each use must not make the other terms be
        // looked for again over the rest of the text (quadratic).
        let body = format!(
            "<nav><p>{}</p></nav><p>The HWBB.</p>",
            "HWBB and ".repeat(40_000)
        );
        let started = std::time::Instant::now();
        let out = run_with(&plain_english(), &body);
        assert!(started.elapsed().as_secs() < 3, "{:?}", started.elapsed());
        assert_eq!(out.html.matches("<abbr").count(), 1);
        assert!(out.html.contains("The Health and Wellbeing Board (HWBB)."));
    }

    #[test]
    fn empty_sections_are_reported_with_their_source_line() {
        let out = run(
            "<h2 id=\"a\" data-sourcepos=\"1:1\">Summary</h2>\n<h2 id=\"b\" data-sourcepos=\"2:1\">Duty</h2><p>Text</p><h2 id=\"c\" data-sourcepos=\"3:1\">Parts</h2><h3 id=\"d\">Part one</h3><p><img src=\"a.png\" alt=\"A chart\"></p><h3 id=\"e\">Part two</h3><h2 class=\"visually-hidden\">Hidden</h2><h2 id=\"f\">Last</h2>",
        );
        assert_eq!(
            rules(&out),
            ["empty-section", "empty-section"],
            "{:?}",
            out.findings
        );
        let first = &out.findings[0];
        assert_eq!(first.line, Some(4), "Markdown line 1 is file line 4");
        assert_eq!(first.wcag, Some("1.3.1"));
        assert!(
            first.message.contains("“Summary” has nothing"),
            "{}",
            first.message
        );
        assert_eq!(
            out.findings[1].line, None,
            "a template heading has no source line"
        );
        assert!(
            out.findings[1].message.contains("“Part two” has nothing"),
            "{}",
            out.findings[1].message
        );
        assert_eq!(out.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn duplicate_ids_and_broken_anchors() {
        let out = run("<p id=\"x\">a</p><p id=\"x\">b</p><p><a href=\"#nowhere\">Nowhere</a></p>");
        assert_eq!(rules(&out), ["broken-anchor", "duplicate-id"]);
    }

    #[test]
    fn table_rules_scope_and_wrap() {
        let out = run(
            "<table><tr><td>1</td></tr></table><table><thead><tr><th>A</th></tr></thead><tbody><tr><th>r</th></tr></tbody></table>",
        );
        assert_eq!(
            rules(&out),
            ["table-headers", "table-caption", "table-caption"]
        );
        assert!(out.html.contains("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table 1\"><table>"), "{}", out.html);
        assert!(
            out.html.contains("<th scope=\"col\">A</th>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<th scope=\"row\">r</th>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn iframe_and_third_party() {
        let out = run(
            "<iframe src=\"https://www.youtube.com/embed/x\"></iframe><img src=\"https://example.org/a.png\" alt=\"A\">",
        );
        assert_eq!(rules(&out), ["frame-title", "third-party"]);
    }

    #[test]
    fn unknown_abbreviations_are_collected() {
        let out = run(
            "<p data-sourcepos=\"1:1-1:9\">The LADO and the SSCB met the UK panel.</p><p>Template text: PDF.</p>",
        );
        let terms: Vec<&str> = out
            .facts
            .abbreviations
            .iter()
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(terms, ["LADO", "UK"]);
    }

    #[test]
    fn footnotes_get_names_that_make_sense() {
        let out = run(
            "<p>x<sup><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup></p><section class=\"footnotes\"><ol><li id=\"fn-1\"><p>n <a href=\"#fnref-1\" data-footnote-backref aria-label=\"Back to reference 1\">↩</a></p></li></ol></section>",
        );
        assert!(
            out.html
                .contains("<span class=\"visually-hidden\">Footnote </span>1</a>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<span aria-hidden=\"true\">↩</span><span class=\"visually-hidden\">Back to reference 1</span>"), "{}", out.html);
        assert!(
            out.html
                .contains("<h2 class=\"visually-hidden\">Footnotes</h2>"),
            "{}",
            out.html
        );
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }

    #[test]
    fn internal_targets_resolve() {
        assert_eq!(
            internal_target("../b/#x", "/a/c/", "/", ""),
            Some(("a/b/".into(), "x".into()))
        );
        assert_eq!(
            internal_target("/sub/a/", "/sub/", "/sub/", ""),
            Some(("a/".into(), String::new()))
        );
        assert_eq!(
            internal_target("https://example.org/a/", "/", "/", "https://example.org"),
            Some(("a/".into(), String::new()))
        );
        assert_eq!(
            internal_target("https://gov.uk/", "/", "/", "https://example.org"),
            None
        );
    }
}
