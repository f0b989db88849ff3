//! The audit against the W3C ACT Rules' examples: `tests/fixtures/act/site/`
//! holds one page per example, written for this project, at
//! `content/<ACT id>/<outcome>-<n>.md` (page-level examples, on `lang` and
//! `title`, are whole templates in `templates/act/`). A failed example must be
//! reported by the rule that implements the ACT rule, or repaired in the
//! output (a missing `lang`); a passed or inapplicable one must not be
//! reported by it. `docs/act-implementation.md` says which examples are left
//! out and why.

use std::collections::HashMap;

use reportsite::plugins::a11y::RULES;
use reportsite::site::{LoadOptions, Site};

use crate::common::{fixture, page};

/// Each ACT rule, the audit rule that implements it, and how many of its
/// examples have a page (failed, passed + inapplicable): a page lost from the
/// fixture fails here.
const ACT: &[(&str, &str, usize, usize)] = &[
    ("23a2a8", "image-alt", 5, 13),
    ("c487ae", "link-name", 11, 17),
    ("cae760", "frame-title", 4, 7),
    ("3ea0c8", "duplicate-id", 3, 6),
    ("aizyf1", "link-text", 3, 7),
    ("97a4e1", "button-name", 5, 12),
    ("ffd0e9", "heading-name", 8, 7),
    ("b5c3f8", "html-lang", 4, 1),
    ("bf051a", "html-lang", 4, 2),
    ("2779a5", "page-title", 5, 5),
];

/// Failed examples the repair stage fixes: the rule does not report them, the
/// output shows the repair.
const REPAIRED: &[&str] = &["b5c3f8"];

#[test]
fn the_audit_agrees_with_the_act_rules_examples() {
    let root = fixture("act/site");
    let built = Site::load(&root, &LoadOptions::default())
        .expect("the ACT fixture loads")
        .build()
        .expect("the ACT fixture builds (its error rules are warnings)");
    let mut by_page: HashMap<String, Vec<&str>> = HashMap::new();
    for d in &built.findings {
        if let Some(p) = &d.page {
            by_page.entry(p.clone()).or_default().push(d.code);
        }
    }
    let mut problems = Vec::new();
    for &(act, rule, failed, others) in ACT {
        let declared = RULES
            .iter()
            .find(|r| r.id() == rule)
            .and_then(|r| r.act())
            .unwrap_or_default();
        assert!(
            declared.split(", ").any(|a| a == act),
            "`{rule}` does not say it implements ACT {act} (its `act` is {declared:?})"
        );
        let dir = root.join("content").join(act);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "_index.md")
            .collect();
        names.sort();
        let (mut n_failed, mut n_others) = (0, 0);
        for name in names {
            let stem = name.trim_end_matches(".md");
            let url = format!("/{act}/{stem}/");
            let found = by_page.get(&url).is_some_and(|codes| codes.contains(&rule));
            if stem.starts_with("failed-") {
                n_failed += 1;
                if REPAIRED.contains(&act) {
                    let html = page(&built.files, &format!("{act}/{stem}/index.html"));
                    let start = html.find("<html").map(|i| &html[i..]).unwrap_or_default();
                    let tag = start.split('>').next().unwrap_or_default();
                    let repaired = tag.contains(" lang=en-GB") || tag.contains(" lang=\"en-GB\"");
                    if found || !repaired {
                        problems.push(format!(
                            "{url}: failed example not repaired (`lang` from the site) or still reported"
                        ));
                    }
                } else if !found {
                    problems.push(format!("{url}: failed example not reported by `{rule}`"));
                }
            } else {
                assert!(
                    stem.starts_with("passed-") || stem.starts_with("inapplicable-"),
                    "{url}: the file name says no outcome"
                );
                n_others += 1;
                if found {
                    problems.push(format!("{url}: {stem} example reported by `{rule}`"));
                }
            }
        }
        assert_eq!(
            (n_failed, n_others),
            (failed, others),
            "ACT {act}: pages for (failed, passed + inapplicable) examples"
        );
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
