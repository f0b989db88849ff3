//! Zola's template side: the fixture `sites/zola-templates` uses Zola 0.23's
//! template functions, tera-contrib's filters and tests, Zola's page context
//! fields and content components; each expected piece was worked out by hand
//! from Zola 0.23's sources (`next` branch: `components/content/src/ser.rs`,
//! `components/templates`, `components/site/src/md_render.rs`) for the same
//! content, then compared with the (minified) output. Every new error is
//! located.

use std::path::Path;

use reportsite::site::{LoadOptions, Site};

use crate::common::{
    build_errors, copy_tree, fixture, page, reportsite_bin, run_within, write_file,
};

fn site() -> std::path::PathBuf {
    fixture("sites/zola-templates")
}

/// The text of the element with `id`.
fn by_id<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("id=\"{id}\">");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no #{id} in {html}"))
        + open.len();
    let end = start + html[start..].find("</dd>").expect("closed");
    &html[start..end]
}

#[test]
fn zola_functions_filters_and_fields_render_as_in_zola() {
    let built = Site::load(&site(), &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds");
    let first = page(&built.files, "blog/first/index.html");
    let expect = [
        ("z-permalink", "https://example.org/blog/first/"),
        (
            "z-path",
            "/blog/first/ /blog/first/ https://example.org/blog/first/",
        ),
        ("z-relative", "blog/first.md blog/first en"),
        ("z-date", "01 March 2024 early"),
        ("z-siblings", "none | https://example.org/blog/second/"),
        ("z-summary", "Intro words here."),
        ("z-toc", "https://example.org/blog/first/#later-heading;"),
        ("z-ancestors", "Home/Blog/"),
        ("z-extra", "calm The Board Zola templates"),
        (
            "z-get-url",
            "https://example.org/blog/second/ https://example.org/data/figures.csv",
        ),
        (
            "z-get-page",
            "Second post, 3 words, https://example.org/blog/second/",
        ),
        ("z-get-section", "Blog: First post;Second post;Third post;"),
        ("z-load-data", "Referrals 1045"),
        ("z-filters", "2 KiB hello-world-co a%20b/c%3Fd"),
        ("z-matching", "yes"),
    ];
    for (id, want) in expect {
        assert_eq!(by_id(first, id), want, "#{id}");
    }
    let second = page(&built.files, "blog/second/index.html");
    assert_eq!(by_id(second, "z-words"), "3 1");
    assert_eq!(by_id(second, "z-summary"), "none");
    assert_eq!(by_id(second, "z-date"), "02 April 2024");
    assert_eq!(
        by_id(second, "z-siblings"),
        "First post | https://example.org/blog/third/"
    );
    assert_eq!(by_id(second, "z-matching"), "no");
}

#[test]
fn content_components_render_in_place_and_code_is_left_alone() {
    let files = crate::common::build(&site()).expect("builds");
    let first = page(&files, "blog/first/index.html");
    // Alone on its line, an HTML block (no paragraph around it), as in Zola.
    assert!(
        first.contains(
            "<h2 id=\"later-heading\">Later heading</h2>\n<aside class=\"note note--tip\" aria-label=\"tip\"><p>Mind the gap</p></aside>\n<p>A "
        ),
        "{first}"
    );
    // Inline in a paragraph.
    assert!(first.contains("<p>A <strong class=\"badge\">new</strong> thing, and <code>{{ &lt;note /&gt; }}</code> stays as code.</p>"));
    // With a body: the body is Markdown.
    assert!(first.contains(
        "<div class=\"box\"><p class=\"box__title\">Boxed</p>\n<p>Inside the <em>box</em>.</p>\n</div>"
    ));
    assert!(!first.contains("{{  }}"));
}

#[test]
fn now_reads_source_date_epoch_and_warns_without_it() {
    let out = tempfile::tempdir().expect("tempdir");
    let mut cmd = reportsite_bin();
    cmd.current_dir(site())
        .args(["build", "--output"])
        .arg(out.path().join("public"))
        .env("SOURCE_DATE_EPOCH", "1700000000");
    let run = run_within(cmd, std::time::Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("now()"), "{}", run.stderr);
    let blog = std::fs::read_to_string(out.path().join("public/blog/index.html")).expect("page");
    assert!(
        blog.contains("https://example.org/blog/ blog/_index.md [] 1700000000"),
        "{blog}"
    );

    let mut cmd = reportsite_bin();
    cmd.current_dir(site())
        .args(["build", "--output"])
        .arg(out.path().join("public2"))
        .env_remove("SOURCE_DATE_EPOCH");
    let run = run_within(cmd, std::time::Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("`now()` read the time").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("templates/section.html:4:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("SOURCE_DATE_EPOCH"), "{}", run.stderr);

    let mut cmd = reportsite_bin();
    cmd.current_dir(site())
        .args(["build", "--output"])
        .arg(out.path().join("public3"))
        .env("SOURCE_DATE_EPOCH", "yesterday");
    let run = run_within(cmd, std::time::Duration::from_secs(120));
    assert_ne!(run.code, Some(0));
    assert!(
        run.stderr.contains("SOURCE_DATE_EPOCH is `yesterday`"),
        "{}",
        run.stderr
    );
}

/// A copy of the fixture with `rel` written as `text`.
fn with_file(rel: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&site(), dir.path());
    write_file(dir.path(), rel, text);
    dir
}

fn only_error(root: &Path) -> reportsite::Diagnostic {
    let errors = build_errors(root);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().expect("one")
}

#[test]
fn an_unknown_component_is_located_in_the_markdown() {
    let dir = with_file(
        "content/blog/second.md",
        "---\ntitle: Second post\n---\nFine.\n\n  {{ <nott kind=\"x\" text=\"y\" /> }}\n",
    );
    let d = only_error(dir.path());
    assert_eq!(d.file, "content/blog/second.md");
    assert_eq!((d.line, d.column), (Some(6), Some(3)));
    assert_eq!(d.message, "there is no component `nott`");
    assert_eq!(d.help.as_deref(), Some("did you mean `note`?"));
}

#[test]
fn bad_arguments_and_unclosed_calls_are_located() {
    let dir = with_file(
        "content/blog/second.md",
        "---\ntitle: Second post\n---\n{{ <note kind=\"x\" /> }}\n",
    );
    let d = only_error(dir.path());
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("content/blog/second.md", Some(4), Some(1))
    );
    assert!(
        d.message
            .starts_with("the component `note` could not be rendered"),
        "{}",
        d.message
    );
    assert!(d.message.contains("text"), "{}", d.message);

    let dir = with_file(
        "content/blog/second.md",
        "---\ntitle: Second post\n---\nText.\n\n{% <box title=\"t\"> %}\nNo end.\n",
    );
    let d = only_error(dir.path());
    assert_eq!((d.line, d.column), (Some(6), Some(1)));
    assert_eq!(
        d.message,
        "the component `box` is opened with a body but not closed"
    );
}

#[test]
fn theme_templates_are_reached_by_their_zola_path_and_unknown_ones_named() {
    let dir = with_file(
        "templates/page.html",
        "{% extends \"civic/templates/nope.html\" %}\n",
    );
    let errors = build_errors(dir.path());
    let d = errors
        .iter()
        .find(|d| d.file == "templates/page.html")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(d.line, Some(1), "{d:?}");
    assert!(d.message.contains("nope.html"), "{}", d.message);
}

#[test]
fn a_left_out_zola_function_is_a_located_error_naming_the_feature() {
    let dir = with_file(
        "templates/section.html",
        "{% extends \"civic/templates/section.html\" %}\n{% block content %}\n{{ get_taxonomy(kind=\"tags\") }}\n{% endblock content %}\n",
    );
    let errors = build_errors(dir.path());
    let d = errors
        .iter()
        .find(|d| d.message.contains("get_taxonomy"))
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(d.file, "templates/section.html");
    assert_eq!(d.line, Some(3), "{d:?}");
    assert!(d.message.contains("taxonomies"), "{}", d.message);
}
