//! Every broken site under `tests/fixtures/invalid/<case>/` must fail with exactly
//! the messages in its `expected.txt` (the diagnostics as the CLI prints them).
//! Run with `UPDATE_EXPECT=1` to rewrite the files after a deliberate change, then
//! review the diff.

use crate::common::{build_errors, fixture};

/// The folders of `tests/fixtures/invalid/`, sorted.
fn cases() -> Vec<std::path::PathBuf> {
    let mut cases: Vec<_> = std::fs::read_dir(fixture("invalid"))
        .expect("tests/fixtures/invalid")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_invalid_fixture_gives_its_exact_messages() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected at least 20 invalid fixtures, found {}",
        cases.len()
    );
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let diagnostics = build_errors(case);
        let actual: String = diagnostics.iter().map(|d| d.render() + "\n").collect();
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &actual).expect("write expected.txt");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} has no expected.txt (run with UPDATE_EXPECT=1)",
                case.display()
            )
        });
        if expected != actual {
            failures.push(format!(
                "== {}\n-- expected:\n{expected}\n-- actual:\n{actual}",
                case.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
        for d in &diagnostics {
            assert!(
                !d.file.starts_with('/'),
                "{}: path must be relative to the site: {}",
                case.display(),
                d.file
            );
            assert!(
                d.help.is_some(),
                "{}: every error says how to fix it: {}",
                case.display(),
                d.message
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A one-shot build (`reportsite build`) keeps only each file's front matter
/// after the load, without its located tree: every invalid fixture must give
/// the same messages, at the same places, as a build that keeps them.
#[test]
fn streamed_sources_give_the_same_messages() {
    use reportsite::site::{LoadOptions, Site};
    let cases = cases();
    let streamed = LoadOptions {
        stream_bodies: true,
        ..LoadOptions::default()
    };
    let rendered = |ds: Vec<reportsite::Diagnostic>| -> String {
        ds.iter().map(|d| d.render() + "\n").collect()
    };
    for case in &cases {
        let kept = rendered(build_errors(case));
        let errors = match Site::load(case, &streamed).and_then(|s| s.build()) {
            Err(reportsite::Error::Content(d)) => d
                .into_iter()
                .filter(|d| d.severity == reportsite::error::Severity::Error)
                .collect(),
            Err(e) => panic!("{}: expected content errors, got {e}", case.display()),
            Ok(_) => panic!("{}: built when streamed", case.display()),
        };
        assert_eq!(kept, rendered(errors), "{}", case.display());
    }
}
