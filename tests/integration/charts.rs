//! Charts from data (issue 16, item 2): `tests/fixtures/sites/charts` has one
//! chart of each kind, from CSV, JSON and YAML; each page holds the figure,
//! its SVG with title and summary, and the table of its figures, and the build
//! has no accessibility findings. A bad data file is an error at the call in
//! the Markdown that names the data file's line and column.

use reportsite::site::{LoadOptions, Site};

use crate::common::{build_errors, copy_tree, fixture, page, write_file};

#[test]
fn each_kind_of_chart_is_drawn_beside_its_table() {
    let built = Site::load(&fixture("sites/charts"), &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds");
    assert!(built.findings.is_empty(), "{:#?}", built.findings);
    let home = page(&built.files, "index.html");
    for kind in ["bar", "grouped-bar", "stacked-bar", "line"] {
        assert!(
            home.contains(&format!("<figure class=\"chart chart--{kind}\">")),
            "no {kind} chart in {home}"
        );
    }
    assert_eq!(home.matches("role=\"img\"").count(), 4);
    assert_eq!(
        home.matches("<caption>").count(),
        4,
        "a table for each chart"
    );
    for summary in [
        "Referrals rose from 3,512 in 2012-13 to 4,186 in 2014-15.",
        "Assessments rose from 1,204 in 2012-13 to 1,290 in 2014-15, and was highest at 1,377 in 2013-14.",
        "The total rose from 555 in 2020-21 to 607 in 2022-23.",
        "Financial rose from 64 in Q1 to 77 in Q4, and was highest at 81 in Q3.",
    ] {
        assert!(home.contains(summary), "no summary {summary:?} in {home}");
    }
    assert!(home.contains("<th scope=\"row\">2013-14</th>"), "{home}");
    assert!(
        !home.contains(" style=\""),
        "the CSP allows no inline style"
    );
    assert!(!home.contains("&lt;svg"), "the figure is not escaped");
}

#[test]
fn a_chart_from_a_markdown_table_keeps_the_table_in_the_page() {
    let files = crate::common::build(&fixture("sites/charts")).expect("builds");
    let html = page(&files, "from-a-table/index.html");
    let figure = html
        .find("<figure class=\"chart chart--line\">")
        .expect("the chart");
    let table =
        html.find("<caption id=\"table-caption-1\">Referrals and contacts by year</caption>");
    assert!(
        table.is_some_and(|t| t > figure),
        "the table follows the chart: {html}"
    );
    assert_eq!(html.matches("<table").count(), 1, "one table, the author's");
    assert!(html.contains("Contacts fell from 900 in 2012-13 to 800 in 2014-15"));
    assert!(!html.contains("<p></p>"), "{html}");
}

#[test]
fn a_bad_markdown_table_is_an_error_at_the_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("sites/charts"), dir.path());
    let page = std::fs::read_to_string(dir.path().join("content/from-a-table.md")).expect("page");
    write_file(
        dir.path(),
        "content/from-a-table.md",
        page.replace("| 1,200 |", "| many |"),
    );
    let errors = build_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].location(), "content/from-a-table.md:6:1");
    assert!(
        errors[0].message.ends_with(
            "the table, line 4, column 21: in column `Contacts`, row 2 `many` is not a number."
        ),
        "{}",
        errors[0].message
    );
}

/// The fixture with its referrals file replaced by `csv`; the build's errors.
fn errors_with(csv: &str) -> Vec<reportsite::Diagnostic> {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("sites/charts"), dir.path());
    write_file(dir.path(), "data/referrals.csv", csv);
    build_errors(dir.path())
}

#[test]
fn a_bad_data_file_is_an_error_at_the_call_naming_its_place() {
    let cases = [
        (
            "Year,Referals,Assessments\n2012-13,1,2\n",
            "data/referrals.csv:1:1: the data file has no column `Referrals`",
            "did you mean `Referals`?",
        ),
        (
            "Year,Referrals,Assessments\n2012-13,1,2\n2013-14,n/a,3\n",
            "data/referrals.csv:3:9: in column `Referrals`, row 2 `n/a` is not a number",
            "write a number such as 3512",
        ),
        (
            "Year,Referrals,Assessments\n2012-13,1,2\n2013-14,1\n",
            "data/referrals.csv:3:1: this row has 2 cells but the header row has 3",
            "one cell per column",
        ),
    ];
    for (csv, expected, help) in cases {
        let errors = errors_with(csv);
        // Both calls that read the file fail, each at its own line.
        let at: Vec<String> = errors.iter().map(|d| d.location()).collect();
        assert_eq!(
            at,
            ["content/_index.md:10:1", "content/_index.md:14:1"],
            "{errors:#?}"
        );
        for d in &errors {
            assert!(
                d.message.contains(expected),
                "{expected:?} not in {:?}",
                d.message
            );
            let given = d.help.as_deref().unwrap_or_default();
            assert!(given.contains(help), "{help:?} not in {given:?}");
        }
    }
}

#[test]
fn a_template_calls_the_chart_function_and_component() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("sites/charts"), dir.path());
    write_file(
        dir.path(),
        "templates/index.html",
        r#"<!doctype html><html lang="en"><head><title>T</title></head><body><main><h1>T</h1>{{ <chart path="data/referrals.csv" x="Year" y="Referrals" title="From a component" /> }}{{ chart(path="data/referrals.csv", x="Year", y=["Referrals", "Assessments"], kind="line", title="From a function") }}</main></body></html>"#,
    );
    let files = crate::common::build(dir.path()).expect("builds");
    let home = page(&files, "index.html");
    assert!(
        home.contains("<figure class=\"chart chart--bar\">"),
        "{home}"
    );
    assert!(
        home.contains("<figure class=\"chart chart--line\">"),
        "{home}"
    );
    assert!(
        home.contains("<caption>From a function: the figures</caption>"),
        "{home}"
    );
}

#[test]
fn the_same_chart_on_two_pages_keeps_ids_unique_in_the_full_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("sites/charts"), dir.path());
    write_file(
        dir.path(),
        "content/again.md",
        "---\ntitle: Again\n---\nThe same chart as on the home page.\n\n{{ <chart path=\"data/referrals.csv\" kind=\"bar\" x=\"Year\" y=\"Referrals\" title=\"Referrals by year\" /> }}\n",
    );
    let built = Site::load(dir.path(), &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds");
    assert!(built.findings.is_empty(), "{:#?}", built.findings);
    let full = page(&built.files, "full-report/index.html");
    let mut ids: Vec<&str> = full
        .split("<title id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(ids.len(), 6, "six charts in the full report");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "each chart has its own ids: {ids:?}");
    // Every bar's pattern is found under the id it has in the full report.
    let fills: Vec<&str> = full
        .split("fill=\"url(#")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .collect();
    assert!(!fills.is_empty());
    for id in fills {
        assert!(
            full.contains(&format!("<pattern id=\"{id}\"")),
            "no pattern {id}"
        );
    }
}

/// The fixture with `file` written as `text` and the chart fixture's calls
/// of `data/concerns.yaml` pointed at `file`; the build's errors.
fn errors_with_file(file: &str, text: &str) -> Vec<reportsite::Diagnostic> {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("sites/charts"), dir.path());
    write_file(dir.path(), file, text);
    let index = std::fs::read_to_string(dir.path().join("content/_index.md")).expect("page");
    write_file(
        dir.path(),
        "content/_index.md",
        index.replace("data/concerns.yaml", file),
    );
    build_errors(dir.path())
}

#[test]
fn a_bad_value_in_json_yaml_or_toml_is_an_error_naming_its_line_and_column() {
    let json_rows = "[\n  { \"Quarter\": \"Q1\", \"Neglect\": 120, \"Financial\": 64 },\n  { \"Quarter\": \"Q2\", \"Neglect\": \"n/a\", \"Financial\": 70 }\n]\n";
    let json_missing = "[\n  { \"Quarter\": \"Q1\", \"Neglect\": 120, \"Financial\": 64 },\n  { \"Quarter\": \"Q2\", \"Neglect\": 131 }\n]\n";
    let json_ragged = "{\n  \"headers\": [\"Quarter\", \"Neglect\", \"Financial\"],\n  \"records\": [\n    [\"Q1\", 120, 64],\n    [\"Q2\", 131]\n  ]\n}\n";
    let yaml = "- Quarter: Q1\n  Neglect: 120\n  Financial: 64\n- Quarter: Q2\n  Neglect: lots\n  Financial: 70\n";
    let yaml_missing =
        "- { Quarter: Q1, Neglect: 120, Financial: 64 }\n- { Quarter: Q2, Financial: 70 }\n";
    let toml = "[[rows]]\nQuarter = \"Q1\"\nNeglect = 120\nFinancial = 64\n\n[[rows]]\nQuarter = \"Q2\"\nNeglect = \"many\"\nFinancial = 70\n";
    let json_column = "[\n  { \"Quarter\": \"Q1\", \"Neglet\": 120, \"Financial\": 64 }\n]\n";
    let cases = [
        (
            "data/c.json",
            json_rows,
            "data/c.json:3:33: in column `Neglect`, row 2 `n/a` is not a number",
        ),
        (
            "data/c.json",
            json_missing,
            "data/c.json:3:3: row 2 has no `Financial`",
        ),
        (
            "data/c.json",
            json_ragged,
            "data/c.json:5:5: record 2 has 2 cells but `headers` has 3",
        ),
        (
            "data/c.yaml",
            yaml,
            "data/c.yaml:5:12: in column `Neglect`, row 2 `lots` is not a number",
        ),
        (
            "data/c.yaml",
            yaml_missing,
            "data/c.yaml:2:3: row 2 has no `Neglect`",
        ),
        (
            "data/c.toml",
            toml,
            "data/c.toml:8:11: in column `Neglect`, row 2 `many` is not a number",
        ),
        (
            "data/c.json",
            json_column,
            "data/c.json:2:3: the data file has no column `Neglect`",
        ),
    ];
    for (file, text, expected) in cases {
        let errors = errors_with_file(file, text);
        assert_eq!(errors.len(), 1, "{file}: {errors:#?}");
        assert_eq!(
            errors[0].location(),
            "content/_index.md:22:1",
            "{errors:#?}"
        );
        assert!(
            errors[0].message.contains(expected),
            "{expected:?} not in {:?}",
            errors[0].message
        );
    }
}
