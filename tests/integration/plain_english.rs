//! The a11y stage's rewrites for readers, on whole sites (issue 13): glossary
//! terms spelt out and linked to their definitions, the `[a11y]` switches
//! `spell_out_abbreviations` and `heading_anchors`, the theme's stacked tables
//! kept out of scroll regions, and `empty-section` findings.

use reportsite::output::OutputFile;

use crate::common::{build, copy_sample, fixture, page, repo, text_of};

/// The part of a page from `<main` to `</main>`.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a main element");
    let end = html[start..].find("</main>").expect("main's end tag") + start;
    &html[start..end]
}

fn html_pages(files: &[OutputFile]) -> impl Iterator<Item = (&str, &str)> {
    files.iter().filter(|f| f.path.ends_with(".html")).map(|f| {
        (
            f.path.as_str(),
            std::str::from_utf8(&f.bytes).expect("UTF-8"),
        )
    })
}

/// The ids glossary links point at (`term-early-help`), with the page.
fn glossary_links(files: &[OutputFile]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, html) in html_pages(files) {
        for rest in html.split("class=\"glossary-link\" href=").skip(1) {
            let href = rest.trim_start_matches('"');
            let href = &href[..href.find(['"', '>', ' ']).unwrap_or(href.len())];
            let id = href
                .strip_prefix("/glossary/#")
                .unwrap_or_else(|| panic!("{path}: a glossary link to {href}"));
            out.push((path.to_string(), id.to_string()));
        }
    }
    out
}

/// Each heading element of `html` (`<h2 ...>...</h2>`), whole.
fn headings(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for level in 1..=6 {
        let (open, close) = (format!("<h{level}"), format!("</h{level}>"));
        let mut from = 0;
        while let Some(i) = html[from..].find(&open) {
            let start = from + i;
            let end = html[start..]
                .find(&close)
                .map_or(html.len(), |e| start + e + close.len());
            out.push(&html[start..end]);
            from = end;
        }
    }
    out
}

#[test]
fn the_sample_spells_out_abbreviations_and_links_defined_words() {
    let files = build(&repo()).expect("the sample builds");
    let home = main_of(page(&files, "index.html"));
    assert!(
        text_of(home).contains("The Somerset Safeguarding Children Board (SSCB) Independent Chair"),
        "{home}"
    );
    assert!(
        home.contains("<abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr>"),
        "a later use gets <abbr>: {home}"
    );
    // The author's own spelling out is kept, not doubled.
    for (path, html) in html_pages(&files) {
        let text = text_of(html);
        for doubled in [
            "Board (Somerset",
            "(Serious Case Review (SCR))",
            "Review (Serious",
        ] {
            assert!(!text.contains(doubled), "{path}: {doubled}");
        }
    }
    // The glossary page explains the words a parent needs, each with its id.
    let glossary = page(&files, "glossary/index.html");
    for (id, words) in [
        (
            "term-serious-case-review",
            "when a child has died or been seriously harmed",
        ),
        ("term-early-help", "as soon as a problem starts"),
        ("term-hidden-harm", "others may not see"),
        ("term-non-accidental-injury", "not caused by an accident"),
        ("term-escalation", "takes the concern to a manager"),
    ] {
        assert!(
            glossary.contains(&format!("<dt id=\"{id}\">")),
            "{id}: {glossary}"
        );
        assert!(text_of(glossary).contains(words), "{id}");
    }
    // Every word is linked at its first use on some page, to an id the
    // glossary page has, at most once per page, never in a heading.
    let links = glossary_links(&files);
    for id in [
        "term-serious-case-review",
        "term-early-help",
        "term-hidden-harm",
        "term-non-accidental-injury",
        "term-escalation",
    ] {
        assert!(links.iter().any(|(_, l)| l == id), "{id} is never linked");
    }
    for (path, id) in &links {
        assert!(glossary.contains(&format!("id=\"{id}\">")), "{path}: #{id}");
        let on_page = links.iter().filter(|(p, l)| p == path && l == id).count();
        assert_eq!(on_page, 1, "{path}: #{id} linked {on_page} times");
    }
    for (path, html) in html_pages(&files) {
        for h in headings(html) {
            assert!(
                !h.contains("glossary-link") && !h.contains("(SSCB)"),
                "{path}: {h}"
            );
        }
    }
}

#[test]
fn a11y_switches_turn_spelling_out_off_and_heading_anchors_on() {
    let files = build(&repo()).expect("the sample builds");
    for (path, html) in html_pages(&files) {
        assert!(
            !html.contains("heading-anchor"),
            "{path}: heading anchors are off by default"
        );
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_sample(tmp.path());
    let config = tmp.path().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("{text}\n[a11y]\nspell_out_abbreviations = false\nheading_anchors = true\n"),
    )
    .expect("write");
    let files = build(tmp.path()).expect("builds");
    let home = main_of(page(&files, "index.html"));
    assert!(
        !text_of(home).contains("Somerset Safeguarding Children Board (SSCB)"),
        "{home}"
    );
    assert!(
        home.contains(
            "The <abbr title=\"Somerset Safeguarding Children Board\">SSCB</abbr> Independent Chair"
        ),
        "{home}"
    );
    let mut anchors = 0;
    for (path, html) in html_pages(&files) {
        for h in headings(html) {
            if !h.contains("heading-anchor") {
                continue;
            }
            anchors += 1;
            // Inside the heading, after its text, last.
            assert!(
                h.ends_with("<span class=\"visually-hidden\">Link to this section</span></a></h2>")
                    || h.ends_with(
                        "<span class=\"visually-hidden\">Link to this section</span></a></h3>"
                    ),
                "{path}: {h}"
            );
            let name = text_of(h);
            assert!(
                !name.starts_with("On this page") && !name.starts_with("Contents"),
                "{path}: {h}"
            );
        }
        assert_eq!(
            html.matches("heading-anchor").count(),
            headings(html)
                .iter()
                .filter(|h| h.contains("heading-anchor"))
                .count(),
            "{path}: a heading anchor outside a heading"
        );
    }
    assert!(anchors > 10, "{anchors} heading anchors");
    let home = page(&files, "index.html");
    assert!(
        home.contains(
            "<h2 id=\"statutory-duty\">Statutory duty <a class=\"heading-anchor\" href=\"#statutory-duty\">"
        ),
        "{home}"
    );
}

#[test]
fn the_sign_off_table_is_not_a_scroll_region() {
    for root in [repo(), fixture("sites/second-report")] {
        let files = build(&root).expect("builds");
        let home = page(&files, "index.html");
        let at = home
            .find("<table class=\"sign-off stack-table\">")
            .unwrap_or_else(|| panic!("{}: no sign-off table", root.display()));
        let before = &home[..at];
        let last_tag = &before[before.rfind('<').unwrap_or(0)..];
        assert!(
            !last_tag.contains("table-wrap") && !last_tag.contains("tabindex"),
            "{}: {last_tag}",
            root.display()
        );
    }
}

#[test]
fn the_sample_and_the_second_report_have_no_empty_sections() {
    for root in [repo(), fixture("sites/second-report")] {
        let built = reportsite::site::Site::load(&root, &Default::default())
            .expect("loads")
            .build()
            .expect("builds");
        let empty: Vec<String> = built
            .findings
            .iter()
            .filter(|d| d.code == "empty-section")
            .map(|d| d.render())
            .collect();
        assert!(empty.is_empty(), "{}: {}", root.display(), empty.concat());
    }
}

#[test]
fn an_empty_section_is_reported_at_its_heading_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_sample(tmp.path());
    crate::common::write_file(
        tmp.path(),
        "content/background/empty.md",
        "---\ntitle: Empty\n---\nIntro.\n\n## Summary\n\n## Duty\n\nText.\n\n### Part\n\n![A chart](/background/chart.png)\n\n## Last\n\nText.\n",
    );
    crate::common::write_file(tmp.path(), "content/background/chart.png", b"\x89PNG\r\n");
    let built = reportsite::site::Site::load(tmp.path(), &Default::default())
        .expect("loads")
        .build()
        .expect("builds");
    let empty: Vec<String> = built
        .findings
        .iter()
        .filter(|d| d.code == "empty-section")
        .map(|d| {
            format!(
                "{} {}:{} {} {}",
                d.severity,
                d.file,
                d.line.unwrap_or(0),
                d.wcag.unwrap_or("-"),
                d.page.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        empty,
        ["warning content/background/empty.md:6 1.3.1 /background/empty/"],
        "only `## Summary` (an image is content)"
    );
}
