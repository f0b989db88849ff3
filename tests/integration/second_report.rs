//! A second report of a different shape (a foreword, data tables, five priorities,
//! appendices, acronyms) builds without code changes, and shows its facts.

use crate::common::{all_text, build, fixture, page};

#[test]
fn second_report_builds_and_shows_its_facts() {
    let root = fixture("sites/second-report");
    let files = build(&root).expect("the second report builds");
    let text = all_text(&files).replace(['\u{2019}', '\u{2018}'], "'");
    let expected = std::fs::read_to_string(root.join("EXPECTED.md")).expect("EXPECTED.md");
    let missing: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .filter(|l| !text.contains(&l.replace(['\u{2019}', '\u{2018}'], "'")))
        .collect();
    assert!(
        missing.is_empty(),
        "missing from the second report: {missing:#?}"
    );
    // Five priorities, each on its own page with the three parts.
    let priorities = files
        .iter()
        .filter(|f| f.path.starts_with("priorities/") && f.path != "priorities/index.html")
        .count();
    assert!(
        priorities >= 5,
        "expected five priority pages, found {priorities}"
    );
    // Sub-path hosting: every internal link starts with the base path.
    let home = page(&files, "index.html");
    assert!(
        home.contains("href=\"/westmoor/") || home.contains("href=/westmoor/"),
        "links use the base path"
    );
}
