//! Fuzz regressions: every input a fuzz target (`fuzz/`) found a problem with,
//! minimised, replayed through the same checks the target makes.
//!
//! In: the files under `tests/fixtures/fuzz-regressions/<target>/`. Out: each is
//! run through `fuzz/src/checks.rs` or `fuzz/src/paths.rs` (included here with
//! `#[path]`, so the test and the fuzzer share one definition of "behaved"), and
//! the tests below also state the exact outcome the fix gives each input. To add
//! one: `cargo fuzz tmin <target> <crash>`, copy the result into the folder under
//! a name saying what it is, and add the expected outcome here.

use std::path::PathBuf;

use reportsite::frontmatter;

#[path = "../../fuzz/src/checks.rs"]
mod checks;
#[path = "../../fuzz/src/paths.rs"]
mod paths;

use crate::common::fixture;
use crate::watch::Preview;

/// The saved inputs of one target, by file name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir: PathBuf = fixture("fuzz-regressions").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("a directory entry").path();
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read the input"))
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs in {}", dir.display());
    out
}

/// Runs `check` over every saved input of `target`, naming the input that fails.
fn replay(target: &str, check: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}/{name} broke a fuzz check");
    }
}

fn input(target: &str, name: &str) -> String {
    let path = fixture("fuzz-regressions").join(target).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn frontmatter_inputs_pass_the_fuzz_checks() {
    replay("frontmatter", checks::frontmatter);
}

#[test]
fn markdown_inputs_pass_the_fuzz_checks() {
    replay("markdown", checks::markdown);
}

#[test]
fn a11y_inputs_pass_the_fuzz_checks() {
    replay("a11y", checks::a11y);
}

#[test]
fn server_path_inputs_pass_the_fuzz_checks() {
    replay("server_path", paths::server_path);
}

/// `---\n\r\r-\n---`: libyaml ends a line at a lone `\r`, `str::lines` does not;
/// the error used to be on line 4 of a 3-line file.
#[test]
fn a_yaml_error_after_lone_carriage_returns_is_on_a_line_of_the_file() {
    let text = input("frontmatter", "lone-cr-line-breaks.md");
    let split = frontmatter::split(&text, "content/a.md").expect("it splits");
    let d = frontmatter::parse(&split, &text, "content/a.md").expect_err("not valid YAML");
    assert_eq!(d.code, "wrong-type", "{}", d.render());
    assert!(d.message.contains("a list"), "{}", d.message);
    assert_eq!((d.line, d.column), (Some(2), Some(3)), "{}", d.render());
    assert_eq!(d.source_line.as_deref(), Some("\r\r-"));
}

/// A glossary whose last line is a term without `:`: the error is at the end of
/// the file, which libyaml puts on the line after the last.
#[test]
fn a_glossary_error_at_the_end_is_on_its_last_line() {
    let text = input("frontmatter", "glossary-error-at-end.md");
    let d = frontmatter::parse_glossary(&text, "content/glossary.yaml").expect_err("no colon");
    assert_eq!(d.line, Some(2), "{}", d.render());
    assert_eq!(d.column, Some(5), "{}", d.render());
    assert_eq!(d.source_line.as_deref(), Some("HWBB"));
}

/// `\r[](\0)`: comrak ends a line at a lone `\r`, the file's lines do not; the
/// broken link used to be reported on line 5 of a 4-line file.
#[test]
fn a_broken_link_after_a_lone_carriage_return_is_on_its_line() {
    let md = input("markdown", "lone-cr-before-link-nul-target.md");
    let r = checks::render_page(&md, false);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let d = &r.problems[0].diagnostic;
    assert_eq!(d.code, "broken-link");
    assert_eq!((d.line, d.column), (Some(4), Some(2)), "{}", d.render());
}

/// Old Mac line ends throughout: the one broken link is found on the file's
/// line 4 (the body is one line to `str::lines`), at its own column.
#[test]
fn lone_carriage_returns_keep_link_errors_in_the_file() {
    let md = input("markdown", "lone-cr-line-breaks.md");
    let r = checks::render_page(&md, false);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let d = &r.problems[0].diagnostic;
    assert!(d.message.contains("@/nope.md"), "{}", d.message);
    let column = md[..md.find("[a missing").expect("the link")]
        .chars()
        .count()
        + 1;
    assert_eq!(
        (d.line, d.column),
        (Some(4), Some(column)),
        "{}",
        d.render()
    );
    assert!(
        r.html
            .contains("href=\"/reports/sscb/background/child-sam/\"")
    );
}

/// `//reports/sscb/background` (a folder, without its slash, after a doubled
/// slash) was redirected to `//reports/sscb/background/`, which a browser reads
/// as the host `reports`: an open redirect. The same shape on the second report,
/// served by the real `reportsite watch`, now stays on the site.
#[test]
fn a_folder_after_a_doubled_slash_redirects_within_the_site() {
    let saved = input("server_path", "double-slash-folder-redirect");
    assert!(saved.starts_with("//") && !saved.ends_with('/'), "{saved}");
    let p = Preview::start(&[]);
    let target = saved
        .replace("/reports/sscb/", &p.base)
        .replace("background", "priorities");
    assert_eq!(target, format!("/{}priorities", p.base));
    let r = p.get(&target);
    assert_eq!(r.status, 302, "{target}");
    let expected = format!("{}priorities/", p.base);
    assert_eq!(r.header("location"), Some(expected.as_str()), "{target}");
    // With a query, the query is kept.
    let r = p.get(&format!("{target}?a=1"));
    assert_eq!(
        r.header("location"),
        Some(format!("{expected}?a=1").as_str())
    );
}

/// The slowest input of the first 10-minute `a11y` run (a mutated page of the
/// sample, 16 KB; no run found a crash): the stage rewrites it in one pass, in
/// time, and keeps what the page says.
#[test]
fn the_slowest_a11y_input_is_rewritten_in_time() {
    let html = input("a11y", "slowest-of-the-first-run.html");
    let started = std::time::Instant::now();
    let outs = checks::a11y_outputs(&html);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    for out in &outs {
        assert!(out.html.contains("Child Sam"), "the page's text is kept");
        assert!(!out.html.contains("data-sourcepos"));
        assert!(out.findings.iter().all(|d| d.code != "a11y"), "it was read");
    }
}

/// A `data-sourcepos` line near `usize::MAX` (raw HTML can carry one when
/// `allow_raw_html = true`) overflowed when the stage added the front matter's
/// length: a panic in debug builds, a wrapped line in release builds. Now the
/// line is unknown: the attribute is still removed, and a finding inside has no
/// line rather than a wrong one.
#[test]
fn a_source_line_near_usize_max_is_dropped_not_wrapped() {
    let html = input("a11y", "huge-sourcepos-line.html");
    for out in checks::a11y_outputs(&html) {
        assert_eq!(out.html, "<h1>x</h1><p>SSCB</p>");
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }
    let with_image = html.replace("SSCB", "<img src=\"a.png\">");
    let outs = checks::a11y_outputs(&with_image);
    let d = outs[0]
        .findings
        .iter()
        .find(|d| d.code == "image-alt")
        .expect("the image without alt text is reported");
    assert_eq!(d.line, None, "{}", d.render());
}
