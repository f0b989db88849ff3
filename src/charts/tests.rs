//! Tests of the charts: each kind's SVG, the summary, the located data errors
//! and the theme's chart colours' contrast.

use super::*;
use crate::data::{Format, parse};

fn chart(csv: &str, x: &str, y: &[&str]) -> Result<ChartData, Diagnostic> {
    let data = parse("data/r.csv", csv, Format::Csv)?;
    let y: Vec<String> = y.iter().map(|s| s.to_string()).collect();
    columns::from_data("data/r.csv", &data, x, &y)
}

fn request(kind: Kind, y: &[&str]) -> Request {
    Request {
        page: "a.md".into(),
        source: Source::File("data/r.csv".into()),
        kind,
        x: "Year".into(),
        y: y.iter().map(|s| s.to_string()).collect(),
        title: "Referrals & contacts".into(),
    }
}

const TWO: &str =
    "Year,Referrals,Contacts\n2012-13,\"3,512\",900\n2013-14,3600,1200\n2014-15,4186,800\n";

#[test]
fn summary_says_the_trend_of_each_series() {
    let c = chart(TWO, "Year", &["Referrals", "Contacts"]).unwrap();
    assert_eq!(
        summary::summary(&c, false),
        "Referrals rose from 3,512 in 2012-13 to 4,186 in 2014-15. Contacts fell from 900 in 2012-13 to 800 in 2014-15, and was highest at 1,200 in 2013-14."
    );
    assert!(
        summary::summary(&c, true)
            .ends_with("The total rose from 4,412 in 2012-13 to 4,986 in 2014-15.")
    );
    assert_eq!(summary::number(-1234567.5), "-1,234,567.5");
    assert_eq!(summary::number(0.25), "0.25");
    assert_eq!(summary::number(1000.0), "1,000");
}

/// The parts every kind's SVG has, and the count of `needle` in it.
fn drawn(kind: Kind, y: &[&str]) -> String {
    let c = chart(TWO, "Year", y).unwrap();
    let html = render(&request(kind, y), &c);
    let svg_start = html.find("<svg").expect("an svg");
    let svg = &html[svg_start..html.find("</svg>").expect("closed") + 6];
    let id = &svg[svg.find("aria-labelledby=\"").unwrap() + 17..];
    let id = &id[..id.find('-').unwrap() + 9];
    assert!(svg.contains("role=\"img\""), "{svg}");
    assert!(
        svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")),
        "{svg}"
    );
    assert!(
        svg.contains(&format!(
            "<title id=\"{id}-title\">Referrals &amp; contacts</title>"
        )),
        "{svg}"
    );
    assert!(
        svg.contains(&format!("<desc id=\"{id}-desc\">Referrals rose from 3,512")),
        "{svg}"
    );
    assert!(svg.contains("viewBox=\"0 0 360 260\""), "{svg}");
    assert!(!html.contains("style="), "no inline style: {html}");
    assert!(html.starts_with(&format!("<figure class=\"chart chart--{}\">", kind.name())));
    assert!(html.contains("<caption>Referrals &amp; contacts: the figures</caption>"));
    assert!(
        html.contains("<th scope=\"row\">2013-14</th><td>3,600</td>"),
        "{html}"
    );
    html
}

#[test]
fn bar_has_one_bar_per_row_with_its_value() {
    let html = drawn(Kind::Bar, &["Referrals"]);
    assert_eq!(html.matches("chart__bar\"").count(), 3);
    assert!(html.contains(">4,186</text>"), "{html}");
    assert!(
        !html.contains("chart__legend"),
        "one series needs no legend"
    );
}

#[test]
fn grouped_bar_has_a_pattern_and_legend_entry_per_series() {
    let html = drawn(Kind::GroupedBar, &["Referrals", "Contacts"]);
    assert_eq!(html.matches("chart__bar\"").count(), 6);
    assert_eq!(html.matches("<pattern ").count(), 2);
    assert_eq!(html.matches("class=\"chart__hatch\"").count(), 1);
    assert!(html.contains("chart__legend"));
    assert!(html.contains(">Contacts</text>"));
}

#[test]
fn stacked_bar_stacks_and_totals() {
    let html = drawn(Kind::StackedBar, &["Referrals", "Contacts"]);
    assert_eq!(html.matches("chart__bar\"").count(), 6);
    assert!(html.contains("<th scope=\"col\">Total</th>"));
    assert!(html.contains("<td>4,986</td>"), "{html}");
    assert!(html.contains("The total rose"));
}

#[test]
fn line_has_a_line_dash_and_label_per_series() {
    let html = drawn(Kind::Line, &["Referrals", "Contacts"]);
    assert_eq!(html.matches("<polyline").count(), 2);
    assert_eq!(html.matches("stroke-dasharray").count(), 1);
    assert_eq!(html.matches("chart__direct").count(), 2);
    assert!(!html.contains("<pattern"));
}

#[test]
fn a_missing_column_is_located_at_the_header() {
    let e = chart(TWO, "Year", &["Referals"]).unwrap_err();
    assert_eq!(e.location(), "data/r.csv:1:1");
    assert_eq!(e.message, "the data file has no column `Referals`");
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `Referrals`?"),
        "{e:?}"
    );
}

#[test]
fn a_value_that_is_not_a_number_is_located_at_its_cell() {
    let e = chart(
        "Year,Referrals\n2012-13,3512\n2013-14, n/a\n",
        "Year",
        &["Referrals"],
    )
    .unwrap_err();
    assert_eq!(e.location(), "data/r.csv:3:9");
    assert!(e.message.contains("`n/a` is not a number"), "{}", e.message);
    let e = chart("Year,Referrals\n2012-13,\n", "Year", &["Referrals"]).unwrap_err();
    assert_eq!(e.location(), "data/r.csv:2:9");
    assert!(e.message.contains("is empty"), "{}", e.message);
}

#[test]
fn a_ragged_row_is_located() {
    let e = chart(
        "Year,Referrals\n2012-13,3512\n2013-14,3600,7\n",
        "Year",
        &["Referrals"],
    )
    .unwrap_err();
    assert_eq!(e.location(), "data/r.csv:3:1");
    assert!(
        e.message.contains("3 cells but the header row has 2"),
        "{}",
        e.message
    );
}

#[test]
fn json_rows_and_the_load_data_shape_are_read() {
    let rows = parse(
        "d.json",
        r#"[{"Year": "2012-13", "N": 3512}, {"Year": "2013-14", "N": "3,600"}]"#,
        Format::Json,
    )
    .unwrap();
    let c = columns::from_data("d.json", &rows, "Year", &["N".to_string()]).unwrap();
    assert_eq!(c.series[0].values, [3512.0, 3600.0]);
    let shaped = parse(
        "d.yaml",
        "headers: [Year, N]\nrecords:\n  - [2012-13, '7']\n",
        Format::Yaml,
    )
    .unwrap();
    let c = columns::from_data("d.yaml", &shaped, "Year", &["N".to_string()]).unwrap();
    assert_eq!(c.categories, ["2012-13"]);
    let bad = parse("d.json", r#"{"a": 1}"#, Format::Json).unwrap();
    let e = columns::from_data("d.json", &bad, "Year", &["N".to_string()]).unwrap_err();
    assert_eq!(e.file, "d.json");
}

#[test]
fn kinds_refuse_what_they_cannot_draw() {
    let c = chart(TWO, "Year", &["Referrals", "Contacts"]).unwrap();
    let e = check(
        "data/r.csv",
        &request(Kind::Bar, &["Referrals", "Contacts"]),
        &c,
    )
    .unwrap_err();
    assert!(e.help.unwrap_or_default().contains("grouped-bar"));
    let neg = chart("Year,A\n1,-2\n", "Year", &["A"]).unwrap();
    assert!(check("data/r.csv", &request(Kind::StackedBar, &["A"]), &neg).is_err());
    assert!(
        Kind::from_name("stacked")
            .unwrap_err()
            .contains("did you mean `stacked-bar`?")
    );
}

/// The relative luminance of `#rrggbb` (WCAG 2.2).
fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let channel = |i: usize| {
        let c = u8::from_str_radix(&h[i..i + 2], 16).expect("a hex colour") as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `--name: #xxxxxx` in `block`.
fn property<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    let at = block.find(&format!("{name}:"))? + name.len() + 1;
    let value = block[at..].trim_start();
    Some(&value[..7])
}

#[test]
fn chart_colours_meet_3_to_1_on_both_backgrounds() {
    let css = include_str!("../../themes/civic/static/civic.css");
    let light = &css[css.find(":root {").unwrap()..];
    let light = &light[..light.find('}').unwrap()];
    let dark = &css[css.find("@media (prefers-color-scheme: dark)").unwrap()..];
    let dark = &dark[..dark.find("}\n}").unwrap()];
    for (scheme, block) in [("light", light), ("dark", dark)] {
        let bg = property(block, "--bg").expect("--bg");
        for n in 1..=svg::MAX_SERIES {
            let colour = property(block, &format!("--chart-{n}"))
                .unwrap_or_else(|| panic!("--chart-{n} in the {scheme} scheme"));
            let ratio = contrast(colour, bg);
            assert!(
                ratio >= 3.0,
                "--chart-{n} {colour} on {bg} ({scheme}): {ratio:.2}:1"
            );
        }
    }
    assert!(css.contains(".chart__fill--6"), "each series has its class");
}

#[test]
fn a_markdown_table_gives_the_columns_and_stays_out_of_the_figure() {
    let text = "\n*Table: Referrals*\n\n| Year | Referrals \\| all | Spend |\n| --- | ---: | :-: |\n| 2012-13 | 3,512 | £1,200 |\n|2013-14|3600|£1,300|\n";
    let c =
        columns::from_markdown(text, "Year", &["Referrals | all".into(), "Spend".into()]).unwrap();
    assert_eq!(c.categories, ["2012-13", "2013-14"]);
    assert_eq!(c.series[0].values, [3512.0, 3600.0]);
    assert_eq!(c.series[1].values, [1200.0, 1300.0]);
    let mut r = request(Kind::GroupedBar, &["Referrals | all", "Spend"]);
    r.source = Source::Table(text.into());
    let html = render(&r, &c);
    assert!(html.contains("role=\"img\""));
    assert!(
        !html.contains("<table"),
        "the author's table stays instead: {html}"
    );
}

#[test]
fn markdown_table_errors_name_the_tables_line_and_column() {
    let text = "| Year | N |\n| --- | --- |\n| 2012-13 | 1 |\n| 2013-14 | lots |\n";
    let e = columns::from_markdown(text, "Year", &["N".into()]).unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        (columns::TABLE, Some(4), Some(13))
    );
    assert_eq!(
        message(&e),
        "the table, line 4, column 13: in column `N`, row 2 `lots` is not a number. Help: write a number such as 3512, 3,512 or 4.5 (a chart cannot draw text or gaps)"
    );
    let ragged = "| Year | N |\n| --- | --- |\n| 2012-13 |\n";
    let e = columns::from_markdown(ragged, "Year", &["N".into()]).unwrap_err();
    assert_eq!((e.line, e.column), (Some(3), Some(1)));
    let none = columns::from_markdown("just words", "Year", &["N".into()]).unwrap_err();
    assert!(
        none.message.contains("no Markdown table"),
        "{}",
        none.message
    );
}

#[test]
fn the_same_chart_on_two_pages_has_two_ids() {
    let c = chart(TWO, "Year", &["Referrals"]).unwrap();
    let a = render(&request(Kind::Bar, &["Referrals"]), &c);
    let mut other = request(Kind::Bar, &["Referrals"]);
    other.page = "b.md".into();
    let b = render(&other, &c);
    let id = |html: &str| {
        html[html.find("<title id=\"").unwrap()..]
            .split('"')
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_ne!(id(&a), id(&b));
    assert_eq!(
        a,
        render(&request(Kind::Bar, &["Referrals"]), &c),
        "same input, same bytes"
    );
}
