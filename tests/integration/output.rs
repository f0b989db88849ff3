//! Output guarantees: the same input gives the same bytes; a failed build leaves
//! the output folder exactly as it was; `--base-url` moves the site to a sub-path.

use std::process::Command;

use crate::common::{build, copy_tree, hidden, repo, tree};

fn reportsite() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reportsite"))
}

#[test]
fn two_builds_give_identical_bytes() {
    let a = build(&repo()).expect("build 1");
    let b = build(&repo()).expect("build 2");
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{} differs between two builds", x.path);
    }
}

#[test]
fn a_failed_build_leaves_the_output_untouched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    copy_tree(&repo().join("content"), &site.join("content"));
    std::fs::copy(repo().join("config.toml"), site.join("config.toml")).expect("config");
    let out = tmp.path().join("out");
    let status = reportsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    let before = tree(&out);
    assert!(before.len() > 10);

    // Break a page and build again.
    let page = site.join("content/background/other-themes.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, text.replacen("title:", "titel:", 1)).expect("write");
    let output = reportsite()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "content errors exit with 1");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/background/other-themes.md:2:1"),
        "the message names the file and line: {stderr}"
    );
    assert_eq!(
        tree(&out),
        before,
        "the output folder must be byte-for-byte unchanged"
    );
    let leftovers = hidden(tmp.path());
    assert!(
        leftovers.is_empty(),
        "no staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn base_url_moves_every_link_under_the_sub_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let status = reportsite()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&out)
        .args(["--base-url", "https://example.org/reports/sscb"])
        .status()
        .expect("run");
    assert!(status.success());
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).expect("utf-8");
        for attr in ["href=\"/", "href=/", "src=\"/", "src=/"] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len()..];
                assert!(
                    rest.starts_with("reports/sscb/"),
                    "{path}: a link escapes the sub-path: {}",
                    &html[i..(i + 60).min(html.len())]
                );
            }
        }
    }
}

#[test]
fn refuses_an_output_folder_that_holds_the_sources() {
    let output = reportsite()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(repo().join("content/out"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("inside the site's `content/` folder")
    );
}

#[test]
fn new_creates_a_site_that_builds_and_asks_only_for_the_statement_details() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("mysite");
    let status = reportsite().arg("new").arg(&dir).status().expect("run");
    assert!(status.success());
    let built = reportsite::site::Site::load(&dir, &reportsite::LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds");
    let codes: Vec<&str> = built.findings.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["statement"; 4], "{:?}", built.findings);
    // A second `new` into the same folder is refused.
    let again = reportsite().arg("new").arg(&dir).output().expect("run");
    assert_eq!(again.status.code(), Some(2));
}

/// A sink of the test's own: every file it is handed.
#[derive(Default)]
struct Collect(std::sync::Mutex<Vec<reportsite::output::OutputFile>>);

impl reportsite::output::Sink for Collect {
    fn put(&self, file: reportsite::output::OutputFile) -> reportsite::Result<()> {
        self.0.lock().expect("lock").push(file);
        Ok(())
    }
}

#[test]
fn a_build_into_a_sink_hands_over_every_file_once() {
    use reportsite::site::{LoadOptions, Site};
    let site = Site::load(&repo(), &LoadOptions::default()).expect("load");
    let whole = site.build().expect("build");
    let sink = Collect::default();
    let streamed = site
        .build_into(&sink, &|_, _| {})
        .expect("build into a sink");
    let mut handed = sink.0.into_inner().expect("lock");
    handed.sort_by(|a, b| a.path.cmp(&b.path));
    let paths: Vec<&str> = handed.iter().map(|f| f.path.as_str()).collect();
    let written: Vec<&str> = streamed.written.iter().map(String::as_str).collect();
    assert_eq!(
        paths, written,
        "`written` lists exactly what the sink got, once each"
    );
    assert!(streamed.files.is_empty(), "the sink has the files");
    // Pages, static files and generators' files alike: the whole build, byte for byte.
    assert_eq!(handed, whole.files);
    assert_eq!(streamed.findings, whole.findings);
    assert_eq!(streamed.pages, whole.pages);
}

#[test]
fn a_sink_error_stops_the_build_with_that_error() {
    use reportsite::site::{LoadOptions, Site};
    let site = Site::load(&repo(), &LoadOptions::default()).expect("load");
    struct Full;
    impl reportsite::output::Sink for Full {
        fn put(&self, f: reportsite::output::OutputFile) -> reportsite::Result<()> {
            Err(reportsite::error::Error::Usage(format!(
                "disk full at {}",
                f.path
            )))
        }
    }
    let result = site.build_into(&Full, &|_, _| {});
    match result {
        Err(reportsite::error::Error::Usage(m)) => assert!(m.starts_with("disk full at "), "{m}"),
        other => panic!("expected the sink's error, got {other:?}"),
    }
}
