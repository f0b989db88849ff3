//! Charts from data, drawn at build time as inline SVG next to the table of
//! their figures (the table is always there; the chart is the extra).
//!
//! In: a call from a template or, through the theme's `chart` component, from
//! Markdown — `chart(path="data/referrals.csv", kind="bar", x="Year",
//! y=["Referrals"], title="Referrals by year")` — and the site's
//! [`DataRoots`] (the one loader behind `load_data`). Out: a `<figure>` with a
//! caption (the title and a generated summary), the SVG ([`svg`]: `role="img"`,
//! its `<title>` and `<desc>`), and a `<table>` with a `<caption>` and
//! `<th scope>` — or a [`Diagnostic`] naming the data file, line and column
//! (a missing column, a value that is not a number, a ragged row), which the
//! Tera function turns into its error so the build places it at the call.
//!
//! Kinds: `bar` (one series), `grouped-bar`, `stacked-bar` and `line` (one or
//! more series, at most [`svg::MAX_SERIES`]).

mod columns;
mod summary;
mod svg;

use std::fmt::Write;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::data::{DataRoots, LoadError};
use crate::error::Diagnostic;
use crate::html::escape;
use columns::ChartData;

/// What a chart draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One series as bars.
    Bar,
    /// Several series as bars side by side.
    GroupedBar,
    /// Several series as bars on top of each other.
    StackedBar,
    /// One or more series as lines.
    Line,
}

impl Kind {
    const NAMES: [(&'static str, Kind); 4] = [
        ("bar", Kind::Bar),
        ("grouped-bar", Kind::GroupedBar),
        ("stacked-bar", Kind::StackedBar),
        ("line", Kind::Line),
    ];

    fn from_name(name: &str) -> Result<Kind, String> {
        Kind::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::NAMES.iter().map(|(n, _)| *n).collect();
                let hint = crate::suggest::did_you_mean(name, &names)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                format!(
                    "there is no chart kind `{name}`{hint}: use one of {}",
                    names.join(", ")
                )
            })
    }

    fn name(self) -> &'static str {
        Kind::NAMES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("bar", |(n, _)| n)
    }
}

/// One chart as a call asks for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    /// The content file the chart is on (`relative_path`), or "".
    pub(crate) page: String,
    /// Where the figures are: a data file, or a Markdown table.
    pub(crate) source: Source,
    /// What to draw.
    pub(crate) kind: Kind,
    /// The column of categories.
    pub(crate) x: String,
    /// The columns of numbers, one series each.
    pub(crate) y: Vec<String>,
    /// The chart's title (its caption, the SVG's title, the table's caption).
    pub(crate) title: String,
}

/// Where a chart's figures come from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// A data file, as `load_data` takes it (`data/referrals.csv`).
    File(String),
    /// A Markdown table (a chart component's body), which stays on the page
    /// as the author wrote it: the figure then has no table of its own.
    Table(String),
}

/// Registers the template function `chart(path=…, kind=…, x=…, y=[…], title=…)`.
pub(crate) fn register(tera: &mut Tera, roots: DataRoots) {
    tera.register_function(
        "chart",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let request = request(&kwargs, state)?;
            figure(&roots, &request)
                .map(|html| Value::safe_string(&html))
                .map_err(|d| tera::Error::message(message(&d)))
        },
    );
}

/// A located problem as one line of a template error: the data file's place
/// comes first, then what is wrong, then ` Help: ` and how to fix it (a
/// content component call takes that part as its diagnostic's help).
fn message(d: &Diagnostic) -> String {
    let help = d
        .help
        .as_deref()
        .map(|h| format!(" {HELP}{h}"))
        .unwrap_or_default();
    let place = match (d.file == columns::TABLE, d.line, d.column) {
        (true, Some(l), Some(c)) => format!("{}, line {l}, column {c}", columns::TABLE),
        (true, Some(l), None) => format!("{}, line {l}", columns::TABLE),
        _ => d.location(),
    };
    format!("{place}: {}.{help}", d.message)
}

/// What separates a chart error's fix from the problem in its message.
pub(crate) const HELP: &str = "Help: ";

/// The call's arguments; `y` is a list of column names or one name. The
/// page (`page=`, else the template's `page`) keeps ids apart when the full
/// report puts two pages' charts on one page.
fn request(kwargs: &Kwargs, state: &State) -> TeraResult<Request> {
    let page: Option<Value> = match kwargs.get("page")? {
        Some(v) => Some(v),
        None => state.get("page").ok().flatten(),
    };
    let page = page
        .and_then(|p| p.get_from_path("relative_path").cloned())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let kind: &str = kwargs.get("kind")?.unwrap_or("bar");
    let kind = Kind::from_name(kind).map_err(|m| tera::Error::message(format!("chart: {m}")))?;
    let y: Value = kwargs.must_get("y")?;
    let y: Vec<String> = match (y.as_str(), y.as_array()) {
        (Some(one), _) => vec![one.to_string()],
        (_, Some(list)) => list
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                tera::Error::message("chart: `y` lists column names, e.g. y=[\"Referrals\"]")
            })?,
        _ => {
            return Err(tera::Error::message(
                "chart: `y` names the columns of numbers, e.g. y=[\"Referrals\"]",
            ));
        }
    };
    // `none` (the component's default) and a missing argument are the same.
    let text = |name: &str| -> TeraResult<Option<String>> {
        let v: Option<Value> = kwargs.get(name)?;
        Ok(v.and_then(|v| v.as_str().map(str::to_string)))
    };
    let (path, table) = (text("path")?, text("table")?);
    let source = match (path, table.filter(|t| !t.trim().is_empty())) {
        (Some(p), _) => Source::File(p),
        (None, Some(t)) => Source::Table(t),
        (None, None) => {
            return Err(tera::Error::message(
                "chart: give the figures: path=\"data/figures.csv\" (a data file in the site), or a Markdown table between the chart's opening and closing tags",
            ));
        }
    };
    Ok(Request {
        page,
        source,
        kind,
        x: kwargs.must_get::<&str>("x")?.to_string(),
        y,
        title: kwargs.must_get::<&str>("title")?.to_string(),
    })
}

/// The figure for `request`, its data read through `roots`.
pub(crate) fn figure(roots: &DataRoots, request: &Request) -> Result<String, Diagnostic> {
    let (rel, chart) = match &request.source {
        Source::File(path) => (path.clone(), from_file(roots, path, request)?),
        Source::Table(text) => (
            columns::TABLE.to_string(),
            columns::from_markdown(text, &request.x, &request.y)?,
        ),
    };
    check(&rel, request, &chart)?;
    Ok(render(request, &chart))
}

/// The chart's columns from the data file `path`.
fn from_file(roots: &DataRoots, path: &str, request: &Request) -> Result<ChartData, Diagnostic> {
    let data = match roots.load(path, None) {
        Ok(Some(data)) => data,
        Ok(None) => {
            return Err(Diagnostic::error(
                "chart",
                path,
                "there is no such data file",
            )
            .help("looked in the site folder, static/, content/ and the theme's static/: check the path"));
        }
        Err(LoadError::Request(m)) => return Err(Diagnostic::error("chart", path, m)),
        Err(LoadError::File(d)) => return Err(d),
    };
    let rel = roots
        .find(path)
        .ok()
        .flatten()
        .map_or_else(|| path.to_string(), |f| f.rel);
    columns::from_data(&rel, &data, &request.x, &request.y)
}

/// What the data must be for the kind asked for.
fn check(rel: &str, request: &Request, chart: &ChartData) -> Result<(), Diagnostic> {
    let fail = |m: String, help: &str| Err(Diagnostic::error("chart", rel, m).help(help));
    if request.y.is_empty() {
        return fail(
            "the chart names no column of numbers".into(),
            "name one in y, e.g. y=[\"Referrals\"]",
        );
    }
    if request.kind == Kind::Bar && request.y.len() > 1 {
        return fail(
            format!(
                "kind `bar` draws one column, and y names {}",
                request.y.len()
            ),
            "use kind=\"grouped-bar\" or \"stacked-bar\" for several columns",
        );
    }
    if request.y.len() > svg::MAX_SERIES {
        return fail(
            format!(
                "a chart tells apart at most {} series, and y names {}",
                svg::MAX_SERIES,
                request.y.len()
            ),
            "split the chart in two, or leave the extra columns to the table",
        );
    }
    if request.kind == Kind::StackedBar {
        for s in &chart.series {
            if s.values.iter().any(|v| *v < 0.0) {
                return fail(
                    format!(
                        "column `{}` has a negative value, which a stacked bar cannot show",
                        s.name
                    ),
                    "use kind=\"grouped-bar\" for values below zero",
                );
            }
        }
    }
    Ok(())
}

/// The figure's HTML: caption, SVG, table.
pub(crate) fn render(request: &Request, chart: &ChartData) -> String {
    let stacked = request.kind == Kind::StackedBar;
    let summary = summary::summary(chart, stacked);
    let id = id_of(request);
    let mut out = String::with_capacity(8192);
    let _ = write!(
        out,
        "<figure class=\"chart chart--{kind}\"><figcaption class=\"chart__caption\"><span class=\"chart__title\">{title}</span> <span class=\"chart__summary\">{summary}</span></figcaption>{svg}",
        kind = request.kind.name(),
        title = escape(&request.title),
        summary = escape(&summary),
        svg = svg::svg(&id, &request.title, &summary, chart, request.kind),
    );
    // A Markdown table stays where the author wrote it, after the figure.
    if let Source::File(_) = request.source {
        table(&mut out, &request.title, chart, stacked);
    }
    out.push_str("</figure>");
    out
}

/// The figures as a table: the categories as row headers, a column per series
/// (and the total, for a stacked chart).
fn table(out: &mut String, title: &str, chart: &ChartData, stacked: bool) {
    let _ = write!(
        out,
        "<table class=\"chart__table\"><caption>{}: the figures</caption><thead><tr><th scope=\"col\">{}</th>",
        escape(title),
        escape(&chart.x_label)
    );
    for s in &chart.series {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&s.name));
    }
    let totals = (stacked && chart.series.len() > 1).then(|| summary::totals(&chart.series));
    if totals.is_some() {
        out.push_str("<th scope=\"col\">Total</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for (i, c) in chart.categories.iter().enumerate() {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(c));
        for s in &chart.series {
            let _ = write!(out, "<td>{}</td>", escape(&shown(s, i)));
        }
        if let Some(t) = totals.as_ref().and_then(|t| t.get(i)) {
            let _ = write!(out, "<td>{}</td>", summary::number(*t));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// A cell as the table shows it: the number as the summary writes it
/// (`3512` and `3,512` both as `3,512`), or the cell as written when it says
/// more than the number (a `%`).
fn shown(series: &columns::Series, i: usize) -> String {
    let cell = series.cells.get(i).map_or("", String::as_str);
    match series.values.get(i) {
        Some(v) if !cell.contains('%') => summary::number(*v),
        _ => cell.to_string(),
    }
}

/// An id for the chart's parts, the same for the same call (so the same input
/// gives the same bytes) and unlike any other chart's.
fn id_of(request: &Request) -> String {
    let mut f = crate::fingerprint::Fingerprint::new();
    let (from, text) = match &request.source {
        Source::File(p) => ("file", p),
        Source::Table(t) => ("table", t),
    };
    f.str(&request.page)
        .str(from)
        .str(text)
        .str(request.kind.name())
        .str(&request.x)
        .str(&request.y.join("\u{1f}"))
        .str(&request.title);
    format!("chart-{:08x}", (f.finish() as u32))
}

#[cfg(test)]
mod tests;
