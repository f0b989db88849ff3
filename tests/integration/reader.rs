//! The reader's report: the full report holds the whole report (every sentence
//! of every page's main content), the title block shows the report's dates and
//! change notes, every page offers another format, the statement does not
//! overclaim, and an editor's note is a labelled note.

use reportsite::output::OutputFile;
use reportsite::site::{LoadOptions, Site};

use crate::common::{build, fixture, page, repo, text_of, write_file};

/// The HTML inside `<main …>…</main>` without the parts every page repeats:
/// navigation (breadcrumbs, pager, contents), the page tools, and the title
/// block's lede.
fn main_content(html: &str) -> String {
    let start = html.find("<main").expect("a main element");
    let open_end = start + html[start..].find('>').expect("end of <main>") + 1;
    let end = html.rfind("</main>").expect("</main>");
    let mut body = html[open_end..end].to_string();
    for (open, close) in [
        ("<nav", "</nav>"),
        ("<ul class=page-tools", "</ul>"),
        ("<ul class=\"page-tools\"", "</ul>"),
    ] {
        while let Some(i) = body.find(open) {
            let j = body[i..]
                .find(close)
                .map_or(body.len(), |j| i + j + close.len());
            body.replace_range(i..j, " ");
        }
    }
    body
}

/// Marks the end of each block (heading, paragraph, list item, cell) with `¶`,
/// so a sentence never runs from one block into the next.
fn blocks(html: &str) -> String {
    let mut out = html.to_string();
    for tag in [
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "caption", "th", "td",
    ] {
        out = out.replace(&format!("</{tag}>"), &format!("</{tag}>¶"));
    }
    out
}

/// Sentences of `text` of four words or more (shorter ones are labels).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '¶' {
            let s = current.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.split_whitespace().count() >= 4 {
                out.push(s);
            }
            current.clear();
            continue;
        }
        current.push(c);
        let end =
            matches!(c, '.' | '?' | '!') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if end {
            let s = current.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.split_whitespace().count() >= 4 {
                out.push(s);
            }
            current.clear();
        }
    }
    out
}

/// Text with each glossary term's spelled-out first use ("Full name (TERM)")
/// folded to the term, since the first use differs between a page and the
/// full report.
fn folded(text: &str, glossary: &[(String, String)]) -> String {
    let mut t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (term, expansion) in glossary {
        t = t.replace(&format!("{expansion} ({term})"), term);
    }
    t
}

fn sample() -> (Vec<OutputFile>, Vec<(String, String)>) {
    let site = Site::load(&repo(), &LoadOptions::default()).expect("loads");
    let glossary = site
        .report
        .glossary
        .iter()
        .filter_map(|g| Some((g.term.clone(), g.expansion.clone()?)))
        .collect();
    let built = site.build().expect("builds");
    (built.files, glossary)
}

#[test]
fn the_full_report_holds_every_sentence_of_every_page() {
    let (files, glossary) = sample();
    let full = folded(
        &text_of(&main_content(page(&files, "full-report/index.html"))),
        &glossary,
    )
    .replace('¶', " ");
    let mut missing = Vec::new();
    let mut checked = 0;
    for f in files.iter().filter(|f| f.path.ends_with("index.html")) {
        // Site pages that are not part of the report itself.
        if ["full-report/", "glossary/", "accessibility/"]
            .iter()
            .any(|p| f.path.starts_with(p))
        {
            continue;
        }
        let html = std::str::from_utf8(&f.bytes).expect("utf-8");
        let text = folded(&text_of(&blocks(&main_content(html))), &glossary);
        for s in sentences(&text) {
            checked += 1;
            if !full.contains(&s) {
                missing.push(format!("{}: {s}", f.path));
            }
        }
    }
    assert!(
        checked > 40,
        "only {checked} sentences found: the test reads too little"
    );
    assert!(
        missing.is_empty(),
        "not in /full-report/:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_full_report_starts_with_the_decision() {
    let (files, _) = sample();
    // Without the contents list (a nav), which names every part first.
    let full = text_of(&main_content(page(&files, "full-report/index.html")));
    let at = |needle: &str| {
        full.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` is not in the full report"))
    };
    // Summary, sign-off, recommendations, reasons, implications and documents
    // come before the first chapter.
    let first_chapter = at("1 Background");
    for part in [
        "Statutory duty",
        "Sign-off",
        "Recommendations",
        "Reasons for the recommendations",
        "Implications",
        "Documents",
    ] {
        assert!(
            at(part) < first_chapter,
            "`{part}` comes after the chapters"
        );
    }
}

const CONFIG: &str = "base_url = \"https://example.org/sub\"\ntitle = \"T\"\ndefault_language = \"en-GB\"\n\n[accessibility]\ncontact_email = \"access@council.gov.uk\"\nprepared = \"2025-01-01\"\nreviewed = \"2025-01-01\"\ntested = \"2025-01-01\"\n";

#[test]
fn dates_and_change_notes_show_in_the_title_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), "config.toml", CONFIG);
    write_file(
        dir.path(),
        "content/_index.md",
        "---\ntitle: Annual report\nkind: report\norganisation: Board\npresented_to: Council\ndate: 2025-03-01\nupdated: 2025-04-10\nchanges:\n  - { date: 2025-03-20, note: Corrected a figure in chapter 1. }\n  - { date: 2025-04-10, note: Added the appendix. }\n---\nThe summary of the year.\n",
    );
    let files = build(dir.path()).expect("builds");
    for path in ["index.html", "full-report/index.html"] {
        let text = text_of(page(&files, path));
        assert!(text.contains("Report to Council"), "{path}: {text}");
        assert!(
            text.contains("1 March 2025"),
            "{path}: published date: {text}"
        );
        assert!(
            text.contains("10 April 2025"),
            "{path}: updated date: {text}"
        );
        let newest = text.find("Added the appendix.").expect("newest note");
        let older = text.find("Corrected a figure").expect("older note");
        assert!(newest < older, "{path}: change notes newest first");
    }
}

#[test]
fn every_page_and_document_offers_another_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), "config.toml", CONFIG);
    write_file(
        dir.path(),
        "content/_index.md",
        "---\ntitle: Annual report\nkind: report\norganisation: Board\ndocuments:\n  - { label: Appendix A, title: The annual report }\n---\nThe summary.\n",
    );
    write_file(
        dir.path(),
        "content/one.md",
        "---\ntitle: One\n---\nText.\n",
    );
    let files = build(dir.path()).expect("builds");
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&f.bytes).expect("utf-8");
        // Redirect stubs, and the 404 page (no page to ask about).
        if html.contains("http-equiv=refresh") || f.path == "404.html" {
            continue;
        }
        assert!(
            html.contains(
                "mailto:access@council.gov.uk?subject=Request%20for%20an%20accessible%20format"
            ),
            "{}: no request link",
            f.path
        );
    }
    let home = page(&files, "index.html");
    assert!(
        home.contains("Appendix%20A%3A%20The%20annual%20report"),
        "the document has its own request: {home}"
    );
    // Without a contact: the organisation is named, no address is made up.
    let placeholder = CONFIG.replace("access@council.gov.uk", "someone@example.org");
    write_file(dir.path(), "config.toml", &placeholder);
    let built = Site::load(dir.path(), &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds, with a warning");
    assert!(
        built
            .findings
            .iter()
            .any(|d| d.code == "statement" && d.message.contains("placeholder")),
        "{:?}",
        built.findings
    );
    for f in built.files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&f.bytes).expect("utf-8");
        assert!(
            !html.contains("someone@example.org"),
            "{}: shows a placeholder",
            f.path
        );
        assert!(
            !html.contains("mailto:"),
            "{}: a request link without a contact",
            f.path
        );
    }
    let one = text_of(crate::common::page(&built.files, "one/index.html"));
    assert!(
        one.contains("To get this page in another format, contact Board."),
        "{one}"
    );
}

#[test]
fn the_statement_says_partially_compliant_without_a_manual_test() {
    let (files, _) = sample();
    let text = text_of(page(&files, "accessibility/index.html"));
    assert!(text.contains("partially compliant"), "{text}");
    assert!(!text.contains("This website is fully compliant"), "{text}");
    let html = page(&files, "accessibility/index.html");
    assert!(html.contains("https://www.equalityhumanrights.com/"));
    assert!(html.contains("https://www.equalityadvisoryservice.com/"));
    // The second report records a manual test.
    let files = build(&fixture("sites/second-report")).expect("builds");
    let text = text_of(page(&files, "accessibility/index.html"));
    assert!(text.contains("This website is fully compliant"), "{text}");
    assert!(text.contains("no problems found"), "{text}");
}

#[test]
fn an_editors_note_is_a_labelled_note() {
    let (files, _) = sample();
    let html = page(
        &files,
        "background/key-themes/operation-fenestra/index.html",
    );
    let note = html
        .find("markdown-alert-note")
        .expect("the note is marked up as a note");
    let label = html[note..].find("Editor's note").expect("labelled");
    let text = html[note..]
        .find("the source text ends here")
        .expect("its text");
    assert!(label < text);
    assert!(!html.contains("[the source text ends here]"));
}

#[test]
fn strategy_references_link_to_their_items() {
    let (files, _) = sample();
    let home = page(&files, "index.html");
    for id in ["P1", "P2"] {
        let href_quoted = format!("href=\"#strategy-{id}\"");
        let href_bare = format!("href=#strategy-{id}");
        assert!(
            home.contains(&href_quoted) || home.contains(&href_bare),
            "no recommendation links to strategy item {id}"
        );
        let target_quoted = format!("id=\"strategy-{id}\"");
        let target_bare = format!("id=strategy-{id}");
        let at = home
            .find(&target_quoted)
            .or_else(|| home.find(&target_bare))
            .unwrap_or_else(|| panic!("strategy item {id} has no target"));
        // The item shows its label.
        let item = text_of(&home[at..home[at..].find("</li>").map_or(home.len(), |e| at + e)]);
        assert!(item.contains(&format!("HWBB {id}")), "{item}");
    }
}

/// The number of links to pages of chapter `c` on a built page.
fn links_into_chapter(html: &str, c: usize) -> usize {
    html.matches(&format!("href=/chapter-{c:03}/page-")).count()
        + html
            .matches(&format!("href=\"/chapter-{c:03}/page-"))
            .count()
}

#[test]
fn a_long_reports_pages_list_only_their_own_chapters_pages() {
    // 120 pages (more than 100 chapters and pages): every page's contents list
    // the chapters and the way down to the current page, so a page does not
    // grow with the whole report (nor with a long chapter); the home page
    // still lists everything.
    let dir = tempfile::tempdir().unwrap();
    crate::common::generate_report(dir.path(), 120, 0, 1);
    let files = build(dir.path()).expect("the generated report builds");
    let p = page(&files, "chapter-003/page-035/index.html");
    // Its chapter has 10 pages, and the contents are on the page twice (the
    // Contents disclosure and the side contents): listing the chapter would
    // give at least 20 links; the current page, the pager and the body's own
    // link give fewer than 10.
    assert!(
        links_into_chapter(p, 3) < 10,
        "the way down to the current page, not its whole chapter: {} links",
        links_into_chapter(p, 3)
    );
    assert!(
        p.contains("aria-current=\"page\""),
        "the current page is marked"
    );
    assert_eq!(
        links_into_chapter(p, 7),
        0,
        "another chapter's pages are not"
    );
    assert!(p.contains("/chapter-007/"), "every chapter is still listed");
    let home = page(&files, "index.html");
    assert!(
        links_into_chapter(home, 7) >= 10,
        "the home page lists every page"
    );

    // A short report keeps the whole tree beside every page.
    let small = tempfile::tempdir().unwrap();
    crate::common::generate_report(small.path(), 40, 0, 1);
    let files = build(small.path()).expect("the generated report builds");
    let p = page(&files, "chapter-001/page-015/index.html");
    assert!(
        links_into_chapter(p, 3) >= 20,
        "every page is listed, twice"
    );
}
