//! Safe publishing: what is not published stays out, every URL the site writes
//! goes through one resolver (sub-paths, static files, schemes), and severity
//! means one thing for every command (an error fails, a warning only under
//! `--strict`, unless allowed by name).

use std::path::Path;

use reportsite::site::{LoadOptions, Site};
use reportsite::{Diagnostic, Error};

use crate::common::{build, build_errors, reportsite_bin, run_within, tree, write_file};

const CONFIG: &str = "base_url = \"https://example.org\"\ntitle = \"T\"\ndefault_language = \"en-GB\"\n\n[accessibility]\ncontact_email = \"a@board.test\"\nprepared = \"2025-01-01\"\nreviewed = \"2025-01-01\"\ntested = \"2025-01-01\"\n";

const HOME: &str = "---\ntitle: Home\nkind: report\norganisation: Board\n---\nThe summary.\n";

fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), "config.toml", CONFIG);
    write_file(dir.path(), "content/_index.md", HOME);
    for (rel, text) in files {
        write_file(dir.path(), rel, text);
    }
    dir
}

/// Whether `html` has `name=value`, quoted or (minified) not.
fn has_attr(html: &str, name: &str, value: &str) -> usize {
    html.matches(&format!("{name}=\"{value}\"")).count()
        + html.matches(&format!("{name}={value}>")).count()
        + html.matches(&format!("{name}={value} ")).count()
}

fn all_bytes(files: &[reportsite::output::OutputFile]) -> String {
    files
        .iter()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn build_drafts(root: &Path) -> Result<Vec<reportsite::output::OutputFile>, Error> {
    Site::load(
        root,
        &LoadOptions {
            drafts: true,
            ..LoadOptions::default()
        },
    )?
    .build()
    .map(|b| b.files)
}

#[test]
fn a_draft_chapter_hides_everything_below_it() {
    let dir = site_with(&[
        (
            "content/leak/_index.md",
            "---\ntitle: Unpublished chapter\ndraft: true\n---\nChapter text.\n",
        ),
        (
            "content/leak/secret.md",
            "---\ntitle: Secret page\n---\nThe secret figure is 4711.\n",
        ),
        (
            "content/leak/deeper/_index.md",
            "---\ntitle: Deeper section\n---\nDeeper text 9876.\n",
        ),
        (
            "content/leak/deeper/inner.md",
            "---\ntitle: Inner page\n---\nInner text 5555.\n",
        ),
        ("content/leak/chart.png", "not really a png"),
        (
            "content/open.md",
            "---\ntitle: Open page\n---\nPublished text.\n",
        ),
    ]);
    let files = build(dir.path()).expect("builds");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"open/index.html"), "{paths:?}");
    for p in &paths {
        assert!(
            !p.contains("leak")
                && !p.contains("secret")
                && !p.contains("inner")
                && !p.contains("deeper"),
            "a draft chapter's file was published: {p}"
        );
    }
    let text = all_bytes(&files);
    for hidden in [
        "Secret page",
        "4711",
        "Deeper section",
        "9876",
        "Inner page",
        "5555",
        "Unpublished chapter",
    ] {
        assert!(
            !text.contains(hidden),
            "`{hidden}` leaked into the site (contents, full report, sitemap…)"
        );
    }
    // --drafts shows them all.
    let files = build_drafts(dir.path()).expect("builds with drafts");
    let text = all_bytes(&files);
    for shown in ["Secret page", "4711", "Inner page", "5555"] {
        assert!(text.contains(shown), "--drafts should show `{shown}`");
    }
}

#[test]
fn a_link_into_a_draft_chapter_names_both_files_and_the_line() {
    let dir = site_with(&[
        (
            "content/leak/_index.md",
            "---\ntitle: Hidden\ndraft: true\n---\nx\n",
        ),
        ("content/leak/secret.md", "---\ntitle: Secret\n---\nx\n"),
        (
            "content/open.md",
            "---\ntitle: Open\n---\nFirst line.\n\nSee [the secret](@/leak/secret.md).\n",
        ),
    ]);
    let errors = build_errors(dir.path());
    let d = errors
        .iter()
        .find(|d| d.code == "broken-link")
        .unwrap_or_else(|| panic!("no broken-link: {errors:?}"));
    assert_eq!(d.file, "content/open.md");
    assert_eq!((d.line, d.column), (Some(6), Some(5)), "{}", d.render());
    assert!(
        d.message.contains("content/leak/secret.md"),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("content/leak/_index.md"),
        "{}",
        d.message
    );
}

const SUB: &str = "base_url = \"https://example.org/reports/nsab\"\ntitle = \"T\"\ndefault_language = \"en-GB\"\n\n[accessibility]\ncontact_email = \"a@board.test\"\nprepared = \"2025-01-01\"\nreviewed = \"2025-01-01\"\ntested = \"2025-01-01\"\n";

#[test]
fn root_relative_links_land_under_the_sub_path() {
    let dir = site_with(&[
        (
            "content/_index.md",
            "---\ntitle: Home\nkind: report\norganisation: Board\ndocuments:\n  - { title: The annual report, href: /files/report.pdf, format: PDF }\n---\nThe summary.\n",
        ),
        (
            "content/open.md",
            "---\ntitle: Open\n---\nRead [the annual report](/files/report.pdf) or [the same](/reports/nsab/files/report.pdf).\n\n![A bar chart of referrals](/chart.png)\n",
        ),
        ("static/files/report.pdf", &"x".repeat(2_400_000)),
        ("static/chart.png", "png"),
    ]);
    write_file(dir.path(), "config.toml", SUB);
    let files = build(dir.path()).expect("builds");
    let home = crate::common::page(&files, "index.html");
    assert_eq!(
        has_attr(home, "href", "/reports/nsab/files/report.pdf"),
        1,
        "document href not under the sub-path: {home}"
    );
    // Its size is read from the file in static/.
    assert!(home.contains("2.4 MB"), "size from the file: {home}");
    let open = crate::common::page(&files, "open/index.html");
    assert_eq!(
        has_attr(open, "href", "/reports/nsab/files/report.pdf"),
        2,
        "{open}"
    );
    assert_eq!(
        has_attr(open, "src", "/reports/nsab/chart.png"),
        1,
        "{open}"
    );
    assert!(!open.contains("=/files/report.pdf"), "{open}");
    assert!(!open.contains("\"/files/report.pdf\""), "{open}");
}

#[test]
fn a_missing_static_file_is_located_under_a_sub_path_too() {
    let dir = site_with(&[
        (
            "content/_index.md",
            "---\ntitle: Home\nkind: report\norganisation: Board\ndocuments:\n  - { title: The annual report, href: /files/reprot.pdf }\n---\nThe summary.\n",
        ),
        (
            "content/open.md",
            "---\ntitle: Open\n---\n![A chart](/charts/gone.png)\n",
        ),
        ("static/files/report.pdf", "x"),
    ]);
    write_file(dir.path(), "config.toml", SUB);
    let errors = build_errors(dir.path());
    let doc = errors
        .iter()
        .find(|d| d.file == "content/_index.md" && d.code == "broken-link")
        .unwrap_or_else(|| panic!("document href not reported: {errors:?}"));
    assert_eq!(doc.line, Some(6), "{}", doc.render());
    assert!(
        doc.help
            .as_deref()
            .unwrap_or("")
            .contains("/files/report.pdf"),
        "did you mean: {}",
        doc.render()
    );
    let img = errors
        .iter()
        .find(|d| d.file == "content/open.md" && d.code == "broken-link")
        .unwrap_or_else(|| panic!("image not reported: {errors:?}"));
    assert_eq!(
        (img.line, img.column),
        (Some(4), Some(1)),
        "{}",
        img.render()
    );
}

#[test]
fn script_urls_are_errors_in_documents_and_in_markdown() {
    let dir = site_with(&[
        (
            "content/_index.md",
            "---\ntitle: Home\nkind: report\norganisation: Board\ndocuments:\n  - { title: Evil, href: \"javascript:alert(4)\" }\n---\nThe summary.\n",
        ),
        (
            "content/open.md",
            "---\ntitle: Open\n---\nClick [this](javascript:alert(1)) or [that](VBScript:x).\n\n![x](data:text/html;base64,AAAA)\n\n![Pixel](data:image/png;base64,AAAA)\n",
        ),
    ]);
    let errors = build_errors(dir.path());
    let unsafe_urls: Vec<&Diagnostic> = errors.iter().filter(|d| d.code == "unsafe-url").collect();
    let at: Vec<(&str, Option<usize>)> = unsafe_urls
        .iter()
        .map(|d| (d.file.as_str(), d.line))
        .collect();
    assert_eq!(
        at,
        [
            ("content/_index.md", Some(6)),
            ("content/open.md", Some(4)),
            ("content/open.md", Some(4)),
            ("content/open.md", Some(6)),
        ],
        "{errors:?}"
    );
}

fn sub_site_with_warning() -> tempfile::TempDir {
    // `link-text` is a warning: "here" as a link's whole text.
    site_with(&[(
        "content/open.md",
        "---\ntitle: Open\n---\nThe minutes are [here](@/_index.md).\n",
    )])
}

fn run(args: &[&str], root: &Path) -> crate::common::Run {
    crate::common::run_cli(args, root)
}

#[test]
fn exit_codes_follow_severity_strict_and_allow() {
    // A warning: builds, exit 0, counted in the summary.
    let dir = sub_site_with_warning();
    let r = run(&["build"], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("warning[link-text]"), "{}", r.stderr);
    assert!(r.stderr.contains("0 errors and 1 warning"), "{}", r.stderr);
    let built = tree(&dir.path().join("public"));
    // --strict: the warning fails the build and nothing is written.
    let r = run(&["build", "--strict"], dir.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        tree(&dir.path().join("public")),
        built,
        "a failed build touched public/"
    );
    let r = run(&["check", "--strict"], dir.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // --allow lets that rule pass even then.
    let r = run(&["build", "--strict", "--allow", "link-text"], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(&["check", "--strict", "--allow", "link-text"], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // An error fails without --strict, in build and check alike; public/ untouched.
    write_file(
        dir.path(),
        "content/open.md",
        "---\ntitle: Open\n---\n![](/chart.png)\n\n<img src=\"/chart.png\">\n",
    );
    write_file(dir.path(), "content/chart.png", "png");
    write_file(
        dir.path(),
        "config.toml",
        CONFIG.replace("title = \"T\"\n", "title = \"T\"\nallow_raw_html = true\n"),
    );
    let before = tree(&dir.path().join("public"));
    let r = run(&["build"], dir.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("error[image-alt]"), "{}", r.stderr);
    assert_eq!(
        tree(&dir.path().join("public")),
        before,
        "a failed build touched public/"
    );
    let r = run(&["check"], dir.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // A site folder that does not exist is bad usage.
    let r = run(&["build"], &dir.path().join("nowhere"));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

#[test]
fn a_new_site_builds_with_no_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("x");
    let mut cmd = reportsite_bin();
    cmd.arg("new").arg(&site);
    let r = run_within(cmd, std::time::Duration::from_secs(60));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(&["build"], &site);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stderr.contains("error["), "{}", r.stderr);
    // What is left to fill in is a warning at the line to uncomment.
    assert!(r.stderr.contains("warning[statement]"), "{}", r.stderr);
    assert!(r.stderr.contains("uncomment this line"), "{}", r.stderr);
}

#[test]
fn mistakes_of_different_stages_are_reported_in_one_run() {
    let dir = site_with(&[
        (
            "content/_index.md",
            "---\ntitle: Home\nkind: report\norganisation: Board\nrecommendations:\n  - text: notes the report.\n    refs: [P9]\n---\nThe summary.\n",
        ),
        (
            "content/background.md",
            "---\ntitle: Background\n---\nSee [the minutes](@/minutes.md).\n",
        ),
        ("content/budget.md", "---\ntitle: Budget\n---\nNumbers.\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}<h1>{{ page.titel }}</h1>{% endblock content %}\n",
        ),
    ]);
    let errors = build_errors(dir.path());
    let codes: Vec<&str> = errors.iter().map(|d| d.code).collect();
    for code in ["unknown-ref", "broken-link", "template"] {
        assert!(
            codes.contains(&code),
            "`{code}` missing from one run: {codes:?}"
        );
    }
}

#[test]
fn a_finding_in_a_chapter_is_reported_once_with_its_pages() {
    let dir = site_with(&[(
        "content/open.md",
        "---\ntitle: Open\n---\nFirst paragraph.\n\nThe minutes are [here](@/_index.md).\n",
    )]);
    write_file(
        dir.path(),
        "config.toml",
        CONFIG.replace(
            "title = \"T\"\n",
            "title = \"T\"\nbuild_full_report = true\n",
        ),
    );
    let built = Site::load(dir.path(), &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds");
    let found: Vec<&Diagnostic> = built
        .findings
        .iter()
        .filter(|d| d.code == "link-text")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let d = found[0];
    assert_eq!((d.file.as_str(), d.line), ("content/open.md", Some(6)));
    assert_eq!(d.also_on, ["/full-report/"], "{}", d.render());
}
