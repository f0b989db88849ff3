//! The accessibility stage on whole sites: every defect of
//! `tests/fixtures/a11y/defects/` is reported with its rule, page and source
//! line; the sample and the second report have none; the statement says so.

use reportsite::Diagnostic;
use reportsite::site::{LoadOptions, Site};

use crate::common::{fixture, page, repo};

/// The findings of a build, and its files when it succeeded (a finding that is
/// an error fails the build).
fn findings(
    root: &std::path::Path,
) -> (Vec<Diagnostic>, Option<Vec<reportsite::output::OutputFile>>) {
    match Site::load(root, &LoadOptions::default())
        .expect("loads")
        .build()
    {
        Ok(built) => (built.findings, Some(built.files)),
        Err(reportsite::Error::Content(all)) => (all, None),
        Err(e) => panic!("{}: {e}", root.display()),
    }
}

/// The files of a build that must succeed.
fn files_of(
    built: Option<Vec<reportsite::output::OutputFile>>,
) -> Vec<reportsite::output::OutputFile> {
    built.expect("the build succeeds")
}

fn summary(d: &Diagnostic) -> String {
    format!(
        "{} {} {}:{} {}",
        d.severity,
        d.code,
        d.file,
        d.line.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
        d.page.clone().unwrap_or_default()
    )
}

#[test]
fn each_defect_is_reported_with_rule_page_and_line() {
    let (found, _) = findings(&fixture("a11y/defects"));
    let actual: Vec<String> = found.iter().map(summary).collect();
    let expected = [
        "warning link-text content/pages/bare-url.md:5 /pages/bare-url/",
        "error broken-anchor content/pages/broken-anchor.md:5 /pages/broken-anchor/",
        "warning image-alt-empty content/pages/image-no-alt.md:7 /pages/image-no-alt/",
        "warning heading-order content/pages/skipped-heading.md:9 /pages/skipped-heading/",
        "warning table-caption content/pages/table-no-caption.md:7 /pages/table-no-caption/",
        "error third-party content/pages/third-party-image.md:7 /pages/third-party-image/",
        "warning abbreviation content/pages/unknown-abbreviation.md:5 /pages/unknown-abbreviation/",
        "warning link-text content/pages/vague-link.md:7 /pages/vague-link/",
    ];
    assert_eq!(
        actual,
        expected,
        "\n{}",
        found.iter().map(|d| d.render()).collect::<String>()
    );
    assert!(
        found
            .iter()
            .filter(|d| d.code != "abbreviation")
            .all(|d| d.wcag.is_some() || d.code == "third-party")
    );
}

/// A copy of the defects fixture with `settings` added to its config.toml
/// (after its top-level settings), and the config as it was.
fn defects_site(settings: &str) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().expect("tempdir");
    crate::common::copy_tree(&fixture("a11y/defects"), tmp.path());
    let config = tmp.path().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let edited = text.replace(
        "build_full_report = false",
        &format!("build_full_report = false\n{settings}"),
    );
    std::fs::write(&config, edited).expect("write");
    (tmp, text)
}

#[test]
fn without_the_stage_nothing_is_found_or_rewritten() {
    let (tmp, text) = defects_site("\n[plugins]\npage_stages = [\"minify\"]");
    let config = tmp.path().join("config.toml");
    let (found, files) = findings(tmp.path());
    assert!(found.is_empty(), "{found:?}");
    let files = files_of(files);
    assert!(
        !page(&files, "index.html").contains("<abbr"),
        "no glossary expansion without the stage"
    );
    // With the stage (its errors made warnings, so the site is written).
    std::fs::write(
        &config,
        format!("{text}\n[a11y]\nwarn = [\"broken-anchor\", \"third-party\"]\n"),
    )
    .expect("write");
    let (_, files) = findings(tmp.path());
    let files = files_of(files);
    assert!(
        page(&files, "index.html")
            .contains("The Somerset Safeguarding Children Board (SSCB) wrote"),
        "the stage spells out the first use of a glossary abbreviation"
    );
}

#[test]
fn the_sample_and_the_second_report_have_no_findings() {
    for (root, manual_test) in [(repo(), false), (fixture("sites/second-report"), true)] {
        let (found, files) = findings(&root);
        let files = files_of(files);
        // The seed gives no contact details: the sample's one finding is the
        // statement's reminder (CI allows it by name: `--allow statement`).
        let found: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| !(root == repo() && d.code == "statement" && d.message.contains("contact")))
            .collect();
        assert!(
            found.is_empty(),
            "{}: {}",
            root.display(),
            found.iter().map(|d| d.render()).collect::<String>()
        );
        let statement = files
            .iter()
            .find(|f| f.path == "accessibility/index.html")
            .expect("statement");
        let text = crate::common::text_of(std::str::from_utf8(&statement.bytes).expect("utf-8"));
        // Fully compliant only with a test by a person on record.
        let claim = if manual_test {
            "This website is fully compliant"
        } else {
            "This website is partially compliant"
        };
        assert!(text.contains(claim), "{}: {text}", root.display());
        assert!(
            text.contains("This build found 0 errors and 0 warnings"),
            "{text}"
        );
    }
}

#[test]
fn a_statement_without_contact_details_is_a_warning_finding() {
    let tmp = tempfile::tempdir().expect("tempdir");
    crate::common::copy_tree(&fixture("a11y/defects"), tmp.path());
    let config = tmp.path().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let cut = text.find("[accessibility]").expect("section");
    std::fs::write(&config, &text[..cut]).expect("write");
    let (found, _) = findings(tmp.path());
    let statement: Vec<&Diagnostic> = found.iter().filter(|d| d.code == "statement").collect();
    assert_eq!(
        statement.len(),
        4,
        "contact, prepared, reviewed, tested: {statement:?}"
    );
    assert!(
        statement
            .iter()
            .all(|d| d.file == "config.toml" && d.severity == reportsite::error::Severity::Warning)
    );
}

/// `reportsite build [--strict]` of the `a11y/defects` fixture into `out`.
fn build_defects(out: &std::path::Path, strict: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_reportsite"));
    cmd.arg("build");
    if strict {
        cmd.arg("--strict");
    }
    cmd.arg("--root")
        .arg(fixture("a11y/defects"))
        .arg("--output")
        .arg(out)
        .output()
        .expect("run")
}

#[test]
fn strict_build_fails_on_findings_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let status = build_defects(&out, true);
    assert_eq!(status.status.code(), Some(1));
    assert!(!out.exists(), "a failed strict build writes nothing");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains("content/pages/vague-link.md:7:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("WCAG 2.2 success criterion 2.4.4"),
        "{stderr}"
    );
    // Without --strict its errors fail it too (an error always does).
    assert_eq!(build_defects(&out, false).status.code(), Some(1));
    assert!(!out.exists(), "a failed build writes nothing");
    // With only warnings left (`[a11y] warn`), the site is written; --strict
    // fails on them.
    let site = tmp.path().join("site");
    crate::common::copy_tree(&fixture("a11y/defects"), &site);
    let config = site.join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("{text}\n[a11y]\nwarn = [\"broken-anchor\", \"third-party\"]\n"),
    )
    .expect("write");
    let run = |strict: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_reportsite"));
        cmd.arg("build");
        if strict {
            cmd.arg("--strict");
        }
        cmd.arg("--root").arg(&site).arg("--output").arg(&out);
        cmd.output().expect("run")
    };
    assert_eq!(run(false).status.code(), Some(0));
    assert!(out.join("index.html").exists());
    // Pages are written to a staging folder as they are made: a strict build that
    // fails after that leaves the previous build as it was, and no staging folder.
    let before = crate::common::tree(&out);
    assert_eq!(run(true).status.code(), Some(1));
    assert!(
        before.len() > 3 && crate::common::tree(&out) == before,
        "the previous build is unchanged"
    );
    let hidden = crate::common::hidden(tmp.path());
    assert!(hidden.is_empty(), "staging folders left: {hidden:?}");
}

#[test]
fn check_prints_json_findings_and_exits_1() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_reportsite"))
        .args(["check", "--format", "json", "--root"])
        .arg(fixture("a11y/defects"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let list = json.as_array().expect("a list");
    assert!(
        list.iter()
            .any(|d| d["code"] == "image-alt-empty" && d["line"] == 7 && d["wcag"] == "1.1.1")
    );
}

/// What the audit sees does not depend on where the HTML came from: a defect
/// in a site's own template (compacted when it loads) and one in raw HTML of a
/// Markdown page are both found, with their page, and the Markdown one with
/// its line.
#[test]
fn defects_in_a_custom_template_and_in_raw_html_are_reported() {
    let (tmp, _) = defects_site("allow_raw_html = true");
    // The site's own page template: a whole document with an image without
    // alt text after the body.
    crate::common::write_file(
        tmp.path(),
        "templates/page.html",
        "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>{{ page.title }}</title>\n</head>\n<body>\n  <main>\n    <h1>{{ page.title }}</h1>\n    {{ page.content | safe }}\n    <p>\n      <img src=\"/chart.png\">\n    </p>\n  </main>\n</body>\n</html>\n",
    );
    crate::common::write_file(
        tmp.path(),
        "content/pages/raw-html.md",
        "---\ntitle: Raw HTML\n---\n\nSome text.\n\n<p><a href=\"/\"></a></p>\n",
    );
    let (found, _) = findings(tmp.path());
    let of = |code: &str, page: &str| {
        found
            .iter()
            .filter(|d| d.code == code && d.page.as_deref() == Some(page))
            .map(summary)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of("image-alt", "/pages/vague-link/"),
        ["error image-alt content/pages/vague-link.md:- /pages/vague-link/"],
        "\n{}",
        found.iter().map(|d| d.render()).collect::<String>()
    );
    assert_eq!(
        of("link-name", "/pages/raw-html/"),
        ["error link-name content/pages/raw-html.md:7 /pages/raw-html/"],
        "\n{}",
        found.iter().map(|d| d.render()).collect::<String>()
    );
}

/// A body the audit reads apart from its page keeps its lines aside; in the
/// full report, where all bodies share one page, they are written back: the
/// bodies' headings get their section links there too, and the report's
/// unknown abbreviations count the full report among their pages.
#[test]
fn the_full_report_reads_the_bodies_as_the_authors_text() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    crate::common::copy_sample(root);
    let config = std::fs::read_to_string(root.join("config.toml")).expect("config");
    std::fs::write(
        root.join("config.toml"),
        format!("{config}\n[a11y]\nheading_anchors = true\n"),
    )
    .expect("config written");
    let glossary = std::fs::read_to_string(root.join("content/glossary.yaml")).expect("glossary");
    let without_hwbb: String = glossary
        .lines()
        .filter(|l| !l.starts_with("HWBB:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("content/glossary.yaml"), without_hwbb).expect("glossary written");
    let out = root.join("out");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let run = crate::common::run_cli(&["build", "--output", out_arg], root);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("`HWBB` looks like an abbreviation but is not in content/glossary.yaml (used on 3 pages)"),
        "{}",
        run.stderr
    );
    let full = std::fs::read_to_string(out.join("full-report/index.html")).expect("full report");
    assert_eq!(
        full.matches("class=\"heading-anchor\"").count(),
        4,
        "{full}"
    );
}

/// A template that shows a body changed (here: a phrase in it replaced)
/// leaves the audit no body as comrak wrote it to splice: the page is read
/// whole, and the body's elements still have their lines.
#[test]
fn a_body_a_template_changed_keeps_its_lines() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    crate::common::copy_sample(root);
    let theme_page = std::fs::read_to_string(repo().join("themes/civic/templates/page.html"))
        .expect("the theme's page template");
    let changed = theme_page.replace(
        "{{ page.content | safe }}",
        "{{ page.content | replace(from=\"met again\", to=\"met once more\") | safe }}",
    );
    assert_ne!(changed, theme_page, "the template shows the body");
    crate::common::write_file(root, "templates/page.html", changed);
    crate::common::write_file(
        root,
        "content/background/plain.md",
        "---\ntitle: A plain page\n---\nThe panel met.\n\nThe ZQXV panel met again.\n",
    );
    let out = root.join("out");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let run = crate::common::run_cli(&["build", "--output", out_arg], root);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let page = std::fs::read_to_string(out.join("background/plain/index.html")).expect("the page");
    assert!(
        page.contains("<p>The ZQXV panel met once more.</p>"),
        "{page}"
    );
    assert!(
        run.stderr.contains("--> content/background/plain.md:6:5"),
        "{}",
        run.stderr
    );
}
