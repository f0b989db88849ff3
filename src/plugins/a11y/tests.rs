//! The stage's tests: pages in, rewritten pages and findings out.

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
        body: None,
        body_lines: None,
        version: "test",
    };
    checked_run(stage, html, &page)
}

/// The stage as `stage` is, reading every page with lol_html.
fn lol_html_twin(stage: &A11y) -> A11y {
    let mut twin = A11y::new(stage.info.clone());
    twin.lol_html_only = true;
    twin
}

/// The two outputs are the same: HTML, findings and facts.
fn assert_same(a: &StageOutput, b: &StageOutput, what: &str) {
    assert_eq!(a.html, b.html, "{what}");
    assert_eq!(a.findings, b.findings, "{what}");
    assert_eq!(a.facts.ids, b.facts.ids, "{what}");
    assert_eq!(a.facts.links, b.facts.links, "{what}");
    assert_eq!(a.facts.abbreviations, b.facts.abbreviations, "{what}");
}

/// Runs `stage` on the page, and checks lol_html's pass gives the same.
fn checked_run(stage: &A11y, html: String, page: &PageContext<'_>) -> StageOutput {
    let lol = lol_html_twin(stage).run(html.clone(), page);
    let out = stage.run(html.clone(), page);
    assert_same(&out, &lol, &html);
    out
}

/// Whether the plain HTML reader reads `html` whole (no lol_html).
fn plain_reads(stage: &A11y, html: &str) -> bool {
    let page = PageContext::new("x/index.html", None);
    let state = stage.new_state(names::labelledby_targets(html));
    let pass = stage.pass(html, &page, &state, None);
    plain_html::read(&pass, html).is_some()
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
    let out = checked_run(
        &stage(),
        "<html lang=\"en\"><body><main><h1>T</h1></main></body></html>".into(),
        &page,
    );
    assert!(
        out.html.contains(
            "<body><a class=\"skip-link\" href=\"#main\">Skip to main content</a><main id=\"main\">"
        ),
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
    let out =
        run("<h2 id=\"h\">SSCB</h2><p><a href=\"/a/\">SSCB</a> The SSCB and CSE. SSCB again.</p>");
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
        out.html
            .contains("The annual report <span class=\"document-meta\">(PDF, 2.4 MB)</span></a>"),
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
    let out = checked_run(
        &stage(),
        format!(
            "<html lang=\"en\"><head><meta http-equiv=\"Content-Security-Policy\" content=\"style-src 'self'\"><title>T</title></head><body><a href=\"#main\">s</a><main id=\"main\"><h1>T</h1>{body}</main></body></html>"
        ),
        &page,
    );
    assert_eq!(rules(&out), ["image-alt"]);
}

#[test]
fn page_title_and_language() {
    let page = PageContext::new("x/index.html", None);
    let doc = |head: &str, lang: &str| {
        checked_run(
            &stage(),
            format!(
                "<html{lang}><head>{head}</head><body><a href=\"#main\">s</a><main id=\"main\"><h1>T</h1></main></body></html>"
            ),
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
fn every_vague_text_is_found_however_written() {
    for v in VAGUE_LINK_TEXT {
        let shouted = v.to_uppercase().replace(' ', "  ");
        for text in [
            v.to_string(),
            format!(" {shouted}! "),
            format!("{v}..."),
            v.replacen(' ', " <span>", 1) + "</span>",
        ] {
            let out = run(&format!("<p><a href=\"/b/\">{text}</a></p>"));
            assert_eq!(rules(&out), ["link-text"], "{text}");
        }
        // The same letters in other words, or more of them, say enough.
        let other = format!("{v}s");
        let out = run(&format!(
            "<p><a href=\"/b/\">{other}</a> <a href=\"/c/\">Our {v}</a></p>"
        ));
        assert!(rules(&out).is_empty(), "{other}");
    }
}

#[test]
fn plain_wrappers_in_a_name_count_as_the_full_pass_counts_them() {
    // A block element sets its text apart in the name ("click here"); an
    // inline one inside something hidden gives the name nothing.
    for html in [
        "<p><a href=\"/b/\">click<div>here</div></a></p>",
        "<p><a href=\"/b/\">click<p class=\"x\">here</p></a></p>",
        "<p><a href=\"/b/\">here<video aria-hidden=\"true\"><span>x</span></video></a></p>",
        "<p><a href=\"/b/\">here<video aria-hidden=\"true\"><em class=\"x\">x</em></video></a></p>",
    ] {
        assert_eq!(rules(&run(html)), ["link-text"], "{html}");
    }
    // Wrappers outside names, with and without classes, change nothing.
    let out = run(
        "<div class=\"a b\"><ul><li><span class=\"n\">1</span> <a href=\"/b/\">More</a></li></ul></div>",
    );
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
        format!("<table{attrs}><caption>C</caption><tr><th>Role</th><td>Chair</td></tr></table>")
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
    // The base path written without its last `/` is the site's front page;
    // a path outside the base path is not the site's.
    assert_eq!(
        internal_target("/sub#x", "/sub/a/", "/sub/", ""),
        Some((String::new(), "x".into()))
    );
    assert_eq!(internal_target("/subway/", "/sub/a/", "/sub/", ""), None);
    assert_eq!(internal_target("../../x/", "/sub/a/", "/sub/", ""), None);
}

/// The page the splice tests read: a shell with a glossary term before the
/// body (so the body meets the term's state), links and headings around it.
fn spliced_page(body: &str) -> String {
    format!(
        "<!doctype html><html><head><title>t</title></head><body><a href=\"#main\">Skip</a>\
         <nav aria-label=\"Contents\"><a href=\"/a/\">A</a> <a href=\"/b/\">B</a></nav>\
         <main id=\"main\"><h1>Title</h1><p class=\"lede\">The SSCB met.</p>\
         <div class=\"prose\">{body}</div><p>See <a href=\"#top\">top</a>.</p></main>\
         <footer><a href=\"/files/report.pdf\">Report</a></footer></body></html>"
    )
}

/// A stage with terms to explain, spelt out, with heading anchors.
fn splice_stage() -> A11y {
    stage_with(
        vec![
            entry("SSCB", Some("Somerset Safeguarding Children Board"), None),
            entry("CSE", Some("Child Sexual Exploitation"), None),
            entry("early help", None, Some("Help given early.")),
        ],
        |i| {
            i.spell_out = true;
            i.heading_anchors = true;
        },
    )
}

/// The Markdown body of a content file (what follows its front matter) and
/// the line the body starts on.
fn body_of(text: &str) -> (&str, usize) {
    for fence in ["---", "+++"] {
        if let Some(rest) = text.strip_prefix(fence)
            && let Some(end) = rest.find(&format!("\n{fence}"))
        {
            let after = &rest[end + 1 + fence.len()..];
            let skipped = text.len() - after.len();
            return (after, text[..skipped].lines().count() + 1);
        }
    }
    (text, 1)
}

/// Markdown written to meet every branch of the body's pass: headings out of
/// order and empty, links of each kind (in headings, with code, vague, empty,
/// to a document, to a missing anchor), tables, lists, quotes, code, breaks,
/// glossary terms and unknown abbreviations.
const SPLICE_CASES: &[&str] = &[
    "## One\n\nThe SSCB and the CSE team. The SSCB again, and early help.\n",
    "#### Deep\n\n## Empty\n\n## Next\n\nText with HWBB and LADO.\n",
    "## [Linked *heading*](/a/)\n\nSee [click here](/b/) and [](/a/) and [`code` link](#one).\n",
    "Read [the report](/files/report.pdf) or [the PDF (PDF, 2 MB)](/files/report.pdf).\n",
    "[Missing](#nowhere) and [top](#top) and <https://example.com/x>.\n",
    "*Table: Referrals*\n\n| Year | Count |\n| ---: | :--- |\n| 2012 | 3,512 |\n| 2013 | 4,186 |\n",
    "| A | B |\n| - | - |\n| SSCB | CSE |\n\nAfter the table.\n",
    "1. one\n2. two  \n   broken\n\n3. three\n\n- a\n- b\n\n> Quoted SSCB text.\n\n---\n\n~~gone~~\n",
    "```rust\nlet sscb = \"SSCB\";\n```\n\nText &amp; more: Somerset Safeguarding Children Board (SSCB).\n",
    "## Same\n\n## Same\n\nTwo headings with one id base.\n",
];

/// Runs the stage over `md`'s page both ways: the full pass, and shell and
/// body apart. Both must give the same page and findings; true when the body
/// was spliced (it is plain Markdown).
fn read_both_ways(stage: &A11y, md: &str, first_line: usize) -> (bool, bool) {
    let by_rel = Default::default();
    let pages = [("a/".to_string(), 0), ("b/".to_string(), 1)]
        .into_iter()
        .collect();
    let files = ["files/report.pdf".to_string()].into_iter().collect();
    let paths = ["a/".to_string(), "b/".to_string()];
    let links = crate::markdown::Links {
        by_rel: &by_rel,
        pages: &pages,
        files: &files,
        entry_paths: &paths,
        base_path: "/",
        drafts: &[],
        unreadable: &[],
        sourcepos: true,
        lines_aside: true,
        plain_english: None,
        plain_english_counts: None,
    };
    let place = crate::markdown::Place {
        file: "content/a.md",
        text: md,
        first_line,
        first_column: 1,
        page_path: "a/",
        source_rel: "a.md",
    };
    let r = crate::markdown::render(md, &place, &links, false);
    let html = spliced_page(&r.html);
    let page = PageContext {
        output_path: "a/index.html",
        source_file: Some("content/a.md"),
        url_path: "/a/",
        line_offset: Some(first_line - 1),
        source_text: Some(md),
        body: None,
        body_lines: None,
        version: "test",
    };
    let full = stage.run_in_pieces(html.clone(), &page, html.len());
    lines_aside_read_the_same(stage, md, (&place, &links), &page, &full);
    // The page whole, without its body marked: read by the plain HTML reader
    // when it can, which must give what lol_html gives.
    assert_same(&stage.run(html.clone(), &page), &full, md);
    let plain = plain_reads(stage, &html);
    let with_body = PageContext {
        body: Some(&r.html),
        ..page.clone()
    };
    let Some(spliced) = stage.run_spliced(&html, &with_body) else {
        assert!(
            !r.plain || r.html.is_empty(),
            "a plain body was not spliced:\n{md}"
        );
        return (false, plain);
    };
    assert_eq!(spliced.html, full.html, "{md}");
    assert_eq!(spliced.findings, full.findings, "{md}");
    assert_eq!(spliced.facts.ids, full.facts.ids, "{md}");
    assert_eq!(spliced.facts.links, full.facts.links, "{md}");
    assert_eq!(
        spliced.facts.abbreviations, full.facts.abbreviations,
        "{md}"
    );
    (true, plain)
}

/// The body rendered with its lines aside ([`crate::markdown::render_body`]):
/// without `data-sourcepos`, which is all it differs by, and read spliced
/// with those lines, or whole with them written back, it gives what `full`
/// (the full pass over the body with `data-sourcepos`) gives, lines and all.
fn lines_aside_read_the_same(
    stage: &A11y,
    md: &str,
    (place, links): (&crate::markdown::Place<'_>, &crate::markdown::Links<'_>),
    page: &PageContext<'_>,
    full: &StageOutput,
) {
    let with = crate::markdown::render(md, place, links, false);
    let r = crate::markdown::render_body(md, place, links, false);
    let Some(lines) = r.lines.as_ref() else {
        assert!(!r.plain, "a plain body kept no lines:\n{md}");
        assert_eq!(r.html, with.html, "{md}");
        return;
    };
    assert_eq!(r.html, without_sourcepos(&with.html), "{md}");
    let html = spliced_page(&r.html);
    let with_lines = PageContext {
        body: Some(&r.html),
        body_lines: Some(lines),
        ..page.clone()
    };
    let marked = spliced_page(&lines.marked(&r.html));
    let whole = stage.run_in_pieces(marked.clone(), page, marked.len());
    for (how, out) in [
        ("spliced", stage.run(html.clone(), &with_lines)),
        ("marked, whole", whole),
    ] {
        assert_eq!(out.html, full.html, "{how}: {md}");
        assert_eq!(out.findings, full.findings, "{how}: {md}");
        assert_eq!(out.facts.links, full.facts.links, "{how}: {md}");
        assert_eq!(
            out.facts.abbreviations, full.facts.abbreviations,
            "{how}: {md}"
        );
    }
    // A template that shows the body twice: it cannot be spliced, and both
    // copies get their lines back for the full pass.
    let twice = spliced_page(&[r.html.as_str(), &r.html].concat());
    let out = stage.run(twice, &with_lines);
    let twice_marked = spliced_page(&[with.html.as_str(), &with.html].concat());
    let want = stage.run_in_pieces(twice_marked.clone(), page, twice_marked.len());
    assert_eq!(out.html, want.html, "twice: {md}");
    assert_eq!(out.findings, want.findings, "twice: {md}");
    assert_eq!(
        out.facts.abbreviations, want.facts.abbreviations,
        "twice: {md}"
    );
    assert_eq!(out.facts.links, want.facts.links, "twice: {md}");
}

/// `html` without comrak's ` data-sourcepos="…"` attributes.
fn without_sourcepos(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(" data-sourcepos=\"") {
        out.push_str(&rest[..at]);
        let value = &rest[at + 17..];
        rest = &value[value.find('"').map_or(value.len(), |q| q + 1)..];
    }
    out.push_str(rest);
    out
}

/// [`read_both_ways`]: whether the body was spliced.
fn same_both_ways(stage: &A11y, md: &str, first_line: usize) -> bool {
    read_both_ways(stage, md, first_line).0
}

#[test]
fn a_spliced_body_gives_what_the_full_pass_gives() {
    let stage = splice_stage();
    let spliced = SPLICE_CASES
        .iter()
        .filter(|md| same_both_ways(&stage, md, 1))
        .count();
    assert_eq!(spliced, SPLICE_CASES.len());
}

#[test]
fn every_content_file_of_the_repository_reads_the_same_spliced() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["content", "tests/fixtures"] {
        for e in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let e = e.expect("a readable fixture folder");
            if e.path().extension().is_some_and(|x| x == "md") {
                files.push(e.into_path());
            }
        }
    }
    let stage = splice_stage();
    let (mut spliced, mut plain) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let (md, line) = body_of(&text);
        if read_both_ways(&stage, md, line).0 {
            spliced += 1;
        }
        if read_both_ways(&stage, md, line).1 {
            plain += 1;
        }
    }
    // Most bodies are plain Markdown: the splice is what builds them; and
    // most pages, raw HTML and all, are plain HTML to the reader.
    assert!(files.len() > 100, "{}", files.len());
    assert!(spliced * 2 > files.len(), "{spliced} of {}", files.len());
    assert!(plain * 2 > files.len(), "{plain} of {}", files.len());
}

/// Pages written as templates write them: the plain HTML reader reads them,
/// and gives what lol_html gives.
const PLAIN_PAGES: &[&str] = &[
    "<img src=\"a.png\" alt=\"A\" /><img src=a.png alt=''><br><br/><hr />",
    "<p class=a data-x=1>Bare <b>tags</b> and <details open><summary>More</summary>x</details></p>",
    "<p><a href='/files/report.pdf' target=_blank>Report</a> <a href=\"/a/\">here</a></p>",
    "<table><tr><th>A</th></tr><tr><td>1</td></tr></table><!-- a note -->",
    "<h2 id=\"x\">SSCB &amp; CSE</h2><p>The SSCB met the CSE team.</p><h4>Skip</h4>",
    "<div hidden><a href=\"/b/\"></a></div><p aria-hidden=\"true\"><button></button></p>",
    "<nav aria-labelledby=\"n\"><h2 id=\"n\">Pages</h2><ul><li><a href=\"/a/\">A</a></li></ul></nav>",
    "<script src=\"/s.js\" defer></script><textarea>plain</textarea><p id=\"top\">x</p>",
    "<svg role=\"img\"><title>T</title><path d=\"M0\"/></svg>",
    "<a href=\"/a/\"><svg aria-hidden=\"true\" viewBox=\"0 0 8 8\"><use href=\"#i\"/></svg></a>",
    "<svg><defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient></defs><svg/></svg>",
    "<p><svg class=\"icon\"/> Icon</p>",
];

/// Pages with what the reader leaves to lol_html.
const NOT_PLAIN_PAGES: &[&str] = &[
    "<svg><foreignObject><p>x</p></foreignObject></svg>",
    "<svg><p>HTML leaves SVG</p></svg>",
    "<svg><title><b>HTML in a title</b></title></svg>",
    "<svg><![CDATA[x]]></svg>",
    "<math><mi>x</mi></math>",
    "<svg><g></svg>",
    "<p>unclosed",
    "<p>one</div>",
    "<DIV>upper case</DIV>",
    "<div/>",
    "<script>if (a < b) {}</script>",
    "<p><![CDATA[x]]></p>",
    "<a href=\"/a/\" href=\"/b/\">twice</a>",
    "<p a=b\"c>odd</p>",
    "<p>a < b</p>",
    "<template><p>x</p></template>",
];

#[test]
fn the_plain_reader_reads_what_templates_write_and_leaves_the_rest() {
    let stage = splice_stage();
    for (pages, plain) in [(PLAIN_PAGES, true), (NOT_PLAIN_PAGES, false)] {
        for body in pages {
            let html = spliced_page(body);
            assert_eq!(plain_reads(&stage, &html), plain, "{body}");
            let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
            let out = checked_run(&stage, html, &page);
            assert!(out.html.contains("<main id=\"main\">"), "{body}");
        }
    }
    assert!(plain_reads(&stage, &spliced_page("")));
}

#[test]
fn a_body_the_splice_cannot_read_goes_to_the_full_pass() {
    let stage = splice_stage();
    let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
    for body in [
        "<p><img src=\"x.png\" alt=\"\" /></p>",
        "<p>raw <span class=\"visually-hidden\">x</span></p>",
        "<p>unclosed",
        "<p>one</p></div>",
        "<section class=\"footnotes\"><p>x</p></section>",
    ] {
        let html = spliced_page(body);
        assert!(
            stage
                .run_spliced(&html, &page.clone().with_body(body, None))
                .is_none(),
            "{body}"
        );
        // And the stage still reads the page whole.
        let out = stage.run(html.clone(), &page.clone().with_body(body, None));
        assert!(out.html.contains("<main id=\"main\">"), "{body}");
    }
    // A body inside the template's navigation, or twice in the page.
    let body = "<p>Text</p>";
    let in_nav = spliced_page("").replace("<a href=\"/b/\">B</a>", body);
    assert!(
        stage
            .run_spliced(&in_nav, &page.clone().with_body(body, None))
            .is_none()
    );
    let twice = spliced_page(&format!("{body}{body}"));
    assert!(
        stage
            .run_spliced(&twice, &page.clone().with_body(body, None))
            .is_none()
    );
    let once = spliced_page(body);
    assert!(
        stage
            .run_spliced(&once, &page.with_body(body, None))
            .is_some()
    );
}

#[test]
fn pieces_of_markdown_side_by_side_read_the_same_spliced() {
    // Every ordered pair of the cases: what one leaves open (a heading
    // waiting for content, a term not yet spelt out, an id) meets the other.
    let stage = splice_stage();
    let mut spliced = 0;
    for a in SPLICE_CASES {
        for b in SPLICE_CASES {
            if same_both_ways(&stage, &format!("{a}\n{b}"), 4) {
                spliced += 1;
            }
        }
    }
    assert_eq!(spliced, SPLICE_CASES.len() * SPLICE_CASES.len());
}

/// Pieces of pages, plain and not, that the property test below strings
/// together: tags left open or closed out of order, upper case, foreign
/// content, raw text, the Markdown's marks, stray `<` and `>`.
const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<p class=\"lede\">",
    "<a href=\"/a/\">",
    "<a href=/files/report.pdf target=_blank>",
    "<a href='#top' aria-label=\"Top\">",
    "<a>",
    "</a>",
    "<h1>",
    "</h1>",
    "<h2 id=\"h\">",
    "</h2>",
    "<h4>",
    "</h4>",
    "SSCB ",
    "The CSE team ",
    "early help ",
    " &amp; ",
    "<img src=\"a.png\" alt=\"\" />",
    "<img src=a.png>",
    "<br>",
    "<div class=\"prose\">",
    "<div class=\"table-wrap\">",
    "<div hidden>",
    "</div>",
    "<span class=\"visually-hidden\">",
    "<span aria-hidden=\"true\">",
    "</span>",
    "<table>",
    "<caption>",
    "</caption>",
    "<tr>",
    "<th>",
    "</th>",
    "<td>",
    "</td>",
    "</tr>",
    "</table>",
    "<nav aria-labelledby=\"n\">",
    "</nav>",
    "<button>",
    "</button>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<!-- a note -->",
    "<!--reportsite:line 4-->",
    "<!--reportsite:end-->",
    "<svg role=\"img\"><title>T</title></svg>",
    "<DIV>",
    "<div/>",
    "<script src=\"/s.js\"></script>",
    "<script>a < b</script>",
    "<title>T</title>",
    "<main>",
    "</main>",
    "<",
    ">",
    "\"",
    "<details open><summary>More</summary>",
    "</details>",
    "a\0b\r\n",
    "<p\ttitle=x\n>",
    "<!-- a -- b -->",
    "<!doctype html>",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Any page strung from [`PIECES`] reads the same with the plain HTML
    /// reader (or its fallback) as with lol_html alone.
    #[test]
    fn the_plain_reader_gives_what_lol_html_gives(
        picks in proptest::collection::vec(0..PIECES.len(), 0..40),
        whole in proptest::bool::ANY,
    ) {
        let body: String = picks.iter().map(|&i| PIECES[i]).collect();
        let html = if whole { spliced_page(&body) } else { body };
        let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
        checked_run(&splice_stage(), html, &page);
    }
}

/// Elements the balanced pages of the property test below nest: their start
/// and end tags.
const PAIRS: &[(&str, &str)] = &[
    ("<p>", "</p>"),
    ("<a href=\"/a/\">", "</a>"),
    ("<a href=/files/report.pdf target=_blank>", "</a>"),
    ("<a href=\"#h\">", "</a>"),
    ("<h2 id=\"h\">", "</h2>"),
    ("<h3>", "</h3>"),
    ("<div class=\"table-wrap\">", "</div>"),
    ("<div hidden>", "</div>"),
    ("<span class=\"visually-hidden\">", "</span>"),
    ("<span aria-hidden=\"true\">", "</span>"),
    ("<table>", "</table>"),
    ("<thead>", "</thead>"),
    ("<th>", "</th>"),
    ("<caption>", "</caption>"),
    ("<nav aria-labelledby=\"h\">", "</nav>"),
    ("<nav aria-label=\"Contents\">", "</nav>"),
    ("<footer>", "</footer>"),
    ("<button>", "</button>"),
    ("<ul>", "</ul>"),
    ("<li>", "</li>"),
    ("<details open>", "</details>"),
    ("<summary>", "</summary>"),
    ("<section class=\"footnotes\">", "</section>"),
    ("<main>", "</main>"),
    ("<code>", "</code>"),
    // Links as navigation writes them, which the reader takes whole.
    ("<a href=\"/b/\" class=\"nav-link\">", "</a>"),
    ("<a href=\"/a/\" aria-current=\"page\">", "</a>"),
    ("<span class=\"number\">", "</span>"),
    ("<span>", "</span>"),
];

/// What goes between them.
const LEAVES: &[&str] = &[
    "SSCB ",
    "The CSE team met. ",
    "early help ",
    " &amp; ",
    "<img src=\"a.png\" alt=\"\" />",
    "<img src=a.png>",
    "<br>",
    "<hr />",
    "<!-- a note -->",
    "<!--reportsite:line 4-->",
    "<!--reportsite:end-->",
    "x\0y\r\n\t",
    "<br\tclass=x\n>",
    "click here",
    "",
];

/// `body`'s page is read whole by the plain HTML reader, and reads the same
/// as with lol_html alone ([`checked_run`]).
fn read_whole_the_same(body: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let html = spliced_page(body);
    proptest::prop_assert!(plain_reads(&splice_stage(), &html), "{}", html);
    let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
    checked_run(&splice_stage(), html, &page);
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Pages of well-nested elements (which the plain HTML reader reads
    /// whole) read the same as with lol_html alone.
    #[test]
    fn nested_pages_read_the_same_both_ways(
        steps in proptest::collection::vec((0..3u8, 0..PAIRS.len().max(LEAVES.len())), 0..60),
    ) {
        let (mut body, mut open) = (String::new(), Vec::new());
        for (op, i) in steps {
            match op {
                0 => {
                    let (start, end) = PAIRS[i % PAIRS.len()];
                    body.push_str(start);
                    open.push(end);
                }
                1 => body.push_str(LEAVES[i % LEAVES.len()]),
                _ => body.extend(open.pop()),
            }
        }
        while let Some(end) = open.pop() {
            body.push_str(end);
        }
        read_whole_the_same(&body)?;
    }
}

#[test]
fn links_taken_whole_give_what_reading_them_a_tag_at_a_time_gives() {
    // Links of `href`, `class` and `aria-current` around text and bare
    // `span`s are taken whole by the plain reader, unless the pass must read
    // them a tag at a time; either way lol_html's pass must agree, in every
    // place: in navigation (a link to the page itself, which gets
    // `aria-current`), after a heading (its section is no longer empty), in
    // `main` (its text is kept: an abbreviation spelt out in it is not spelt
    // out again after it), inside a heading's name, in
    // something hidden, with a document's notes, and with names a rule judges.
    let links = [
        "<a href=\"/a/\">A</a>",
        "<a href=\"/a/\" aria-current=\"page\"><span class=\"number\">1</span> A</a>",
        "<a href=\"/c/\" class=\"x\"><span>2</span> <span class=\"n\"><span>C</span></span></a>",
        "<a href=\"#h\">click here</a>",
        "<a href=\"/d/\"></a>",
        "<a href=\"/d/\"><span class=\"visually-hidden\">D</span></a>",
        "<a href=\"/files/report.pdf\">Report</a>",
        "<a href=\"/e/\">E &amp; F</a>",
        "<a href=\"/e/\" title=\"E\">E</a>",
        "<a href=\"/g/\">Child Sexual Exploitation</a>",
    ];
    let places = [
        ("<nav aria-label=\"Pages\">", "</nav>"),
        ("<h2 id=\"h\">Section</h2><p>", "</p>"),
        ("<h3>", "</h3>"),
        ("<div aria-hidden=\"true\">", "</div>"),
        ("<p>The SSCB (", ") met.</p>"),
        ("<p>", "</p><p>The CSE team met.</p>"),
    ];
    let stage = splice_stage();
    let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
    let mut findings = 0;
    for (open, close) in places {
        for link in links {
            let html = spliced_page(&format!("{open}{link}{close}"))
                .replace("<footer>", &format!("<footer>{open}{link}{close}"));
            assert!(plain_reads(&stage, &html), "{html}");
            findings += checked_run(&stage, html, &page).findings.len();
        }
    }
    assert!(findings > 0, "the links' names were judged");
}

#[test]
fn the_civic_theme_writes_pages_the_plain_reader_reads_whole() {
    // The built sample: the theme's own HTML around every kind of page
    // (home, chapters, pages, glossary, statement, 404).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public");
    let stage = splice_stage();
    let mut pages = 0;
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.expect("a readable public/");
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).expect("a page");
        assert!(plain_reads(&stage, &html), "{}", e.path().display());
        let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
        checked_run(&stage, html, &page);
        pages += 1;
    }
    assert!(pages >= 10, "{pages}");
}

/// SVG elements for the property test below, and what goes between them.
const SVG_PAIRS: &[(&str, &str)] = &[
    ("<g class=\"bars\">", "</g>"),
    ("<text x=\"1\" y=\"2\">", "</text>"),
    ("<linearGradient id=\"g\">", "</linearGradient>"),
    ("<a href=\"/a/\">", "</a>"),
    ("<title>", "</title>"),
    ("<svg viewBox=\"0 0 4 4\">", "</svg>"),
];
const SVG_LEAVES: &[&str] = &[
    "<rect width=\"1\" height=\"2\"/>",
    "<path d=\"M0 0L1 1\" />",
    "SSCB 3,512",
    "<use href=\"#g\"/>",
    "<circle r=\"1\"></circle>",
    "",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Inline SVG as themes and charts write it reads the same both ways.
    #[test]
    fn svg_reads_the_same_both_ways(
        steps in proptest::collection::vec((0..3u8, 0..SVG_PAIRS.len().max(SVG_LEAVES.len())), 0..40),
        role in proptest::bool::ANY,
    ) {
        let mut body = String::from(if role {
            "<p>A chart</p><svg role=\"img\" aria-labelledby=\"t\" viewBox=\"0 0 9 9\"><title id=\"t\">Referrals</title>"
        } else {
            "<svg aria-hidden=\"true\">"
        });
        let mut open = Vec::new();
        for (op, i) in steps {
            match op {
                // Nothing opens inside an SVG `title`: HTML would come back in.
                0 if open.last() != Some(&"</title>") => {
                    let (start, end) = SVG_PAIRS[i % SVG_PAIRS.len()];
                    body.push_str(start);
                    open.push(end);
                }
                0 | 1 => {
                    let leaf = SVG_LEAVES[i % SVG_LEAVES.len()];
                    if open.last() != Some(&"</title>") || !leaf.starts_with('<') {
                        body.push_str(leaf);
                    }
                }
                _ => body.extend(open.pop()),
            }
        }
        while let Some(end) = open.pop() {
            body.push_str(end);
        }
        body.push_str("</svg>");
        read_whole_the_same(&body)?;
    }
}

#[test]
fn a_shell_the_plain_reader_leaves_is_read_by_lol_html_with_the_body_spliced() {
    // The shell holds HTML inside SVG, and a button named by another element
    // (its name is found only with the targets the first reader had).
    let stage = splice_stage();
    let body = "<h2 id=\"b\">Budget</h2>\n<p>The SSCB met.</p>\n";
    let html = spliced_page(body).replace(
        "<main id=\"main\">",
        "<span id=\"n\">Menu</span><button aria-labelledby=\"n\"></button>\
         <svg><foreignObject><p>x</p></foreignObject></svg><main id=\"main\">",
    );
    assert!(!plain_reads(&stage, &html));
    let page = PageContext::new("a/index.html", Some("content/a.md")).at_url("/a/");
    let spliced = stage
        .run_spliced(&html, &page.clone().with_body(body, None))
        .expect("spliced by lol_html");
    let full = lol_html_twin(&stage).run(html, &page);
    assert_same(&spliced, &full, body);
}
