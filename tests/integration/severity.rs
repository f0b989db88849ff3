//! The README's severity table is the code's: every audit rule has a row with
//! its WCAG criterion, level and severity, and every row names a rule that
//! exists. A severity changed in one place and not the other fails here.

use reportsite::error::Severity;
use reportsite::plugins::a11y::RULES;

use crate::common::repo;

/// Rules the link resolver and the statement report (not audit rules).
const OTHER_RULES: &[(&str, Severity)] = &[
    ("broken-link", Severity::Error),
    ("unsafe-url", Severity::Error),
    ("statement", Severity::Warning),
    ("statement-date", Severity::Error),
];

/// (id, WCAG, level, severity, ACT rules) of each row between the table's
/// markers.
fn table() -> Vec<(String, String, String, String, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme
        .find("<!-- severity-table -->")
        .expect("the severity table's start marker");
    let end = readme
        .find("<!-- /severity-table -->")
        .expect("the severity table's end marker");
    readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").map(str::trim).collect();
            (
                cells[0]
                    .trim_start_matches("| ")
                    .trim_matches('`')
                    .to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
                cells.get(4).map(|c| c.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_readme_severity_table_matches_the_rules() {
    let rows = table();
    assert!(rows.len() >= RULES.len(), "{rows:?}");
    for r in RULES {
        let row = rows
            .iter()
            .find(|(id, ..)| id == r.id())
            .unwrap_or_else(|| panic!("README's severity table has no row for `{}`", r.id()));
        let level = if r.level() == "project" {
            "project rule"
        } else {
            r.level()
        };
        assert_eq!(
            (row.1.as_str(), row.2.as_str(), row.3.as_str()),
            (r.wcag(), level, r.severity().to_string().as_str()),
            "`{}`",
            r.id()
        );
        // The ACT column names the rule's ACT ids (as links), or "—".
        let act: Vec<&str> = row
            .4
            .split(", ")
            .map(|c| {
                c.trim_start_matches('[')
                    .split(']')
                    .next()
                    .unwrap_or_default()
            })
            .collect();
        let expected: Vec<&str> = r.act().map_or(vec!["—"], |a| a.split(", ").collect());
        assert_eq!(act, expected, "`{}`: the ACT column", r.id());
        // The policy the table states: errors only for A/AA failures and the
        // project's guarantees.
        if r.severity() == Severity::Error {
            assert!(
                matches!(r.level(), "A" | "AA" | "project"),
                "`{}` is an error at level {}",
                r.id(),
                r.level()
            );
        }
    }
    for (id, _, _, severity, _) in &rows {
        let known = RULES.iter().any(|r| r.id() == id)
            || OTHER_RULES
                .iter()
                .any(|(o, s)| o == id && s.to_string() == *severity);
        assert!(
            known,
            "README row `{id}` ({severity}) names no rule of that severity"
        );
    }
}
