//! What each fuzz target runs, and what it asserts.
//!
//! In: the bytes of one fuzz input. Out: nothing when reportsite behaved; a panic
//! naming the broken promise when it did not (libFuzzer records the input as a
//! crash). The same functions run the regression inputs in
//! `tests/integration/fuzz_regressions.rs` (included there with `#[path]`), so a
//! saved input replays exactly the code path the fuzzer took.
//!
//! Each function drives the library the way the build does, through public API
//! only, and checks what the library promises:
//! - [`frontmatter`]: splitting, YAML into [`FrontMatter`], the one-file report
//!   model; every error is located inside the file, every page path is safe.
//! - [`markdown`]: Markdown to HTML with the site's options; with raw HTML off
//!   no script or `h1` gets through, every table is framed, heading ids are
//!   unique, broken links are located in the file.
//! - [`a11y`]: the accessibility stage over arbitrary HTML; findings name known
//!   rules and the output stays within a linear bound of the input.
//!
//! The preview server's paths are checked in `paths.rs` (it needs the `serve`
//! feature).
//!
//! [`FrontMatter`]: reportsite::frontmatter::FrontMatter

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};

use reportsite::error::{Diagnostic, Error};
use reportsite::frontmatter::{self, GlossaryEntry};
use reportsite::load::{Loaded, Source};
use reportsite::markdown::{self, Links, Place, RESERVED_IDS};
use reportsite::model::Report;
use reportsite::plugins::a11y::{A11y, Rule, SiteInfo};
use reportsite::plugins::{PageContext, PageStage, StageOutput};

/// The longest input worth running (the fuzzers are started with the same
/// `-max_len`); longer regression inputs are cut to it.
pub const MAX_LEN: usize = 64 * 1024;

/// Panics unless `d` points at a line and column that exist in `text` (a line
/// past the end is allowed only for an empty file, which has no lines).
pub fn assert_located(d: &Diagnostic, text: &str) {
    let line = d
        .line
        .unwrap_or_else(|| panic!("diagnostic without a line: {}", d.render()));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        line >= 1 && line <= lines.len().max(1),
        "line {line} outside the file's {} lines: {}",
        lines.len(),
        d.render()
    );
    let column = d.column.unwrap_or(1);
    let width = lines.get(line - 1).map_or(0, |l| l.chars().count());
    assert!(
        column >= 1 && column <= width + 1,
        "column {column} outside line {line} ({width} characters): {}",
        d.render()
    );
    // Printing it must not panic either.
    let _ = d.render();
}

/// Front matter: split, parse, and the model of a one-file report (the file as
/// `content/_index.md`) and of a report with the file as a page.
pub fn frontmatter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(&data[..data.len().min(MAX_LEN)]) else {
        return; // load refuses invalid UTF-8 before splitting.
    };
    if text.contains('\0') {
        return; // load refuses NUL bytes before splitting.
    }
    let _ = frontmatter::parse_glossary(text, "content/glossary.yaml")
        .map_err(|d| assert_located(&d, text.strip_prefix('\u{feff}').unwrap_or(text)));

    let file = "content/_index.md";
    let split = match frontmatter::split(text, file) {
        Ok(s) => s,
        Err(d) => {
            assert_located(&d, text);
            return;
        }
    };
    check_split(text, &split);
    if let Err(d) = frontmatter::parse(&split, text, file) {
        assert_eq!(d.file, file);
        assert_located(&d, text);
        return;
    }
    // A title is optional for chapters and pages (their first heading or file
    // name gives one); a source that reads always has one.
    let front = match Source::parse("_index.md", file.to_string(), text.to_string()) {
        Ok(s) => s.front,
        Err(d) => {
            assert_located(&d, text);
            return;
        }
    };
    assert!(
        front.title.as_deref().is_some_and(|t| !t.trim().is_empty()),
        "a source without a title"
    );
    for rel in ["_index.md", "chapter/page.md"] {
        if let Err(d) = Source::parse(rel, format!("content/{rel}"), text.to_string()) {
            assert_located(&d, text);
            return;
        }
    }
    let source = |rel: &str, text: &str| {
        std::sync::Arc::new(
            Source::parse(rel, format!("content/{rel}"), text.to_string()).expect("it parsed"),
        )
    };
    let root_text = "---\ntitle: Home\n---\nHello.\n";
    let alone = vec![source("_index.md", text)];
    let as_page = vec![
        source("_index.md", root_text),
        source("chapter/page.md", text),
    ];
    for sources in [alone, as_page] {
        let texts: HashMap<String, String> = sources
            .iter()
            .map(|s| (s.file.clone(), s.text.to_string()))
            .collect();
        for drafts in [false, true] {
            let loaded = Loaded {
                sources: sources.clone(),
                ..Loaded::default()
            };
            match Report::build_lenient(loaded, drafts) {
                Ok((report, problems)) => {
                    for d in &problems {
                        assert_located(d, &texts[&d.file]);
                    }
                    check_report(&report);
                }
                Err(Error::Content(ds)) => {
                    for d in &ds {
                        if let Some(t) = texts.get(&d.file) {
                            assert_located(d, t);
                        }
                    }
                }
                Err(e) => panic!("the model failed with a non-content error: {e}"),
            }
        }
    }
}

fn check_split(text: &str, split: &frontmatter::Split<'_>) {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let base = t.as_ptr() as usize;
    let body_start = split.body.as_ptr() as usize - base;
    assert!(body_start <= t.len() && body_start + split.body.len() == t.len());
    let yaml_start = split.yaml.as_ptr() as usize - base;
    assert_eq!(
        split.yaml_line,
        t[..yaml_start].matches('\n').count() + 1,
        "yaml_line does not count the lines before the front matter"
    );
    let lines_before = t[..body_start].matches('\n').count();
    assert_eq!(
        split.body_line,
        lines_before + 1 + usize::from(!t[..body_start].ends_with('\n')),
        "body_line does not count the lines before the body"
    );
}

fn check_report(report: &Report) {
    assert!(!report.entries.is_empty(), "a report without a home page");
    assert_eq!(
        report.root().path.url(),
        "",
        "the home page is not at the root"
    );
    let mut seen = HashSet::new();
    for e in &report.entries {
        let path = e.path.url();
        assert!(seen.insert(path), "two entries at `{path}`");
        assert_eq!(
            e.path.output(),
            format!("{path}index.html"),
            "the output of `{path}`"
        );
        if path.is_empty() {
            continue;
        }
        let segments = path.strip_suffix('/').expect("entry paths end with /");
        for seg in segments.split('/') {
            assert!(
                !seg.is_empty() && seg != "." && seg != ".." && !seg.contains('\\'),
                "unsafe path segment `{seg}` in `{path}`"
            );
            assert!(
                !seg.chars().any(char::is_control),
                "control character in path `{path}`"
            );
        }
    }
}

/// The pages links may point to: a small report like the sample.
struct LinkSet {
    by_rel: markdown::PathIndex,
    pages: markdown::PathIndex,
    files: markdown::PathSet,
    entry_paths: Vec<String>,
    drafts: Vec<reportsite::model::Draft>,
    unreadable: Vec<String>,
}

impl LinkSet {
    fn new() -> LinkSet {
        let entries = [
            ("_index.md", ""),
            ("background/_index.md", "background/"),
            ("background/child-sam.md", "background/child-sam/"),
            ("background/key-themes/_index.md", "background/key-themes/"),
        ];
        LinkSet {
            by_rel: entries
                .iter()
                .enumerate()
                .map(|(i, (r, _))| (r.to_string(), i))
                .collect(),
            pages: entries
                .iter()
                .enumerate()
                .map(|(i, (_, p))| (p.to_string(), i))
                .collect(),
            files: [
                "civic.css",
                "files/report.pdf",
                "glossary/index.html",
                "full-report/index.html",
                "accessibility/index.html",
                "404.html",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            entry_paths: entries.iter().map(|(_, p)| p.to_string()).collect(),
            drafts: vec![reportsite::model::Draft {
                rel: "draft.md".to_string(),
                by: "draft.md".to_string(),
            }],
            unreadable: vec!["broken.md".to_string()],
        }
    }

    fn links(&self) -> Links<'_> {
        Links {
            by_rel: &self.by_rel,
            pages: &self.pages,
            files: &self.files,
            entry_paths: &self.entry_paths,
            base_path: "/reports/sscb/",
            drafts: &self.drafts,
            unreadable: &self.unreadable,
            sourcepos: true,
            lines_aside: true,
            plain_english: None,
            plain_english_counts: None,
        }
    }
}

/// How many `<table>` start tags `html` has.
fn table_tags(html: &str) -> usize {
    html.match_indices("<table")
        .filter(|(i, _)| matches!(html[i + 6..].chars().next(), Some('>' | ' ')))
        .count()
}

/// The whole content file a Markdown body is checked in: three lines of front
/// matter, then the body (from line 4).
pub fn page_text(md: &str) -> String {
    format!("---\ntitle: Child Sam\n---\n{md}")
}

/// Renders `md` as the body of `content/background/child-sam.md` (see
/// [`page_text`]) in the small site the `markdown` target uses.
pub fn render_page(md: &str, raw_html: bool) -> markdown::Rendered {
    let text = page_text(md);
    let set = LinkSet::new();
    let links = set.links();
    markdown::render(md, &place(&text), &links, raw_html)
}

fn place(text: &str) -> Place<'_> {
    Place {
        file: "content/background/child-sam.md",
        text,
        first_line: 4,
        first_column: 1,
        page_path: "background/child-sam/",
        source_rel: "background/child-sam.md",
    }
}

/// Markdown to HTML as a page body (raw HTML off, as the site's default, and on)
/// and as a front-matter item.
pub fn markdown(data: &[u8]) {
    let Ok(md) = std::str::from_utf8(&data[..data.len().min(MAX_LEN)]) else {
        return;
    };
    let text = page_text(md);
    let set = LinkSet::new();
    let links = set.links();
    let place = place(&text);
    for raw in [false, true] {
        let r = markdown::render(md, &place, &links, raw);
        for p in &r.problems {
            let d = &p.diagnostic;
            assert_eq!(d.code, "broken-link");
            assert_located(d, &text);
        }
        let mut ids = HashSet::new();
        for item in &r.toc {
            assert!((2..=3).contains(&item.level), "toc level {}", item.level);
            assert!(ids.insert(item.id.as_str()), "two headings `{}`", item.id);
            assert!(
                !RESERVED_IDS.contains(&item.id.as_str()),
                "a heading took the reserved id `{}`",
                item.id
            );
        }
        if !raw {
            let lower = r.html.to_ascii_lowercase();
            for tag in ["<script", "<iframe", "<style", "<h1", "<object", "<embed"] {
                assert!(
                    !lower.contains(tag),
                    "`{tag}` got through with raw HTML off"
                );
            }
            assert_eq!(
                table_tags(&r.html),
                r.html.matches("<div class=\"table-wrap\"").count(),
                "a table is not framed"
            );
        }
    }
    if md.len() <= 4096 {
        let r = markdown::render_inline(md, &place, &links, false);
        assert!(!r.html.to_ascii_lowercase().contains("<script"));
    }
}

/// Runs the accessibility stage over `html` as the `a11y` target does: as the
/// Markdown page `/reports/sscb/background/` (its body from line 4 of its file)
/// and as the glossary page, in a site with a glossary and a published PDF.
pub fn a11y_outputs(html: &str) -> Vec<StageOutput> {
    let info = SiteInfo {
        glossary: [
            ("SSCB", Some("Somerset Safeguarding Children Board"), None),
            ("SCB", Some("Safeguarding Children Board"), None),
            (
                "HWBB",
                Some("Health and Wellbeing Board"),
                Some("The board."),
            ),
            ("early help", None, Some("Help <em>early</em>.")),
        ]
        .into_iter()
        .map(|(term, expansion, definition)| GlossaryEntry {
            term: term.to_string(),
            expansion: expansion.map(str::to_string),
            definition: definition.map(str::to_string),
            line: 1,
        })
        .collect(),
        spell_out: true,
        heading_anchors: true,
        lang: "en-GB".to_string(),
        origin: "https://example.org".to_string(),
        base_path: "/reports/sscb/".to_string(),
        file_sizes: [("/reports/sscb/files/report.pdf".to_string(), 2_400_000)]
            .into_iter()
            .collect(),
        ignore: HashSet::new(),
        warn: ["abbreviation".to_string()].into_iter().collect(),
    };
    let stage = A11y::new(info);
    let source = "---\ntitle: Key themes\n---\nSome text.\n\n## A heading\n\nMore.\n";
    let pages = [
        PageContext::new(
            "background/index.html",
            Some("content/background/_index.md"),
        )
        .at_url("/reports/sscb/background/")
        .with_source(3, source),
        PageContext::new("glossary/index.html", None).at_url("/reports/sscb/glossary/"),
    ];
    pages
        .iter()
        .map(|page| stage.run(html.to_string(), page))
        .collect()
}

/// The accessibility stage over arbitrary HTML (see [`a11y_outputs`]).
pub fn a11y(data: &[u8]) {
    let Ok(html) = std::str::from_utf8(&data[..data.len().min(MAX_LEN)]) else {
        return;
    };
    for out in a11y_outputs(html) {
        for d in &out.findings {
            assert!(
                d.code == "a11y" || Rule::from_id(d.code).is_some(),
                "unknown rule `{}`",
                d.code
            );
        }
        let bound = 64 * html.len() + 64 * 1024;
        assert!(
            out.html.len() <= bound,
            "the stage grew {} bytes of HTML into {}",
            html.len(),
            out.html.len()
        );
    }
}
