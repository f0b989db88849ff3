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
//! - `pass`, `read` and `state`: the one lol_html pass that feeds them, and
//!   what it keeps while it reads a page;
//! - [`statement`]: the accessibility statement, from the audit's findings.
//!
//! Text arrives in chunks, not whole text nodes (lol_html issue 255): text is
//! buffered until the last chunk of its node before glossary terms are matched.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::{PageContext, PageFacts, PageStage, StageOutput};
use crate::error::{Diagnostic, Severity};

mod audit;
mod lang;
mod names;
mod naming;
mod pass;
mod read;
mod repair;
mod rules;
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
        }
    }
}

impl PageStage for A11y {
    fn name(&self) -> &'static str {
        NAME
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
            Err(e) => return unreadable(html, page, &e),
        };
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
mod tests {
    use super::audit::{VAGUE_LINK_TEXT, VAGUE_MAX};
    use super::urls::internal_target;
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
