//! The columns a chart draws, taken from a data file.
//!
//! In: a loaded [`Data`] (CSV as a table with located records; JSON, TOML or
//! YAML as a list of rows — objects keyed by column name — or as the
//! `{headers, records}` shape `load_data` gives), the file's path relative to
//! the site, the column of categories (`x`) and the columns of numbers (`y`).
//! Out: [`ChartData`] — the categories in file order and one [`Series`] per
//! `y` column — or a [`Diagnostic`] naming the data file and the line and
//! column: a column the call names that the file lacks (at the header row,
//! or a tree's first row), a value that is not a number (at the value), a
//! row of JSON, TOML or YAML that lacks a column (at the row), a record of
//! `records` whose length is not that of `headers` (at the record). Trees
//! are placed from the located tree [`crate::data`] keeps beside their
//! value. (A ragged CSV row is refused by [`crate::data`] itself.)

use serde_json::Value as J;

use crate::data::{Data, Table};
use crate::error::Diagnostic;
use crate::yaml::Node;

/// One column of numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    /// The column's name (from the header row).
    pub(crate) name: String,
    /// The numbers, one per category.
    pub(crate) values: Vec<f64>,
    /// The cells as the file writes them, for the table.
    pub(crate) cells: Vec<String>,
}

/// What a chart and its table show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChartData {
    /// The name of the category column.
    pub(crate) x_label: String,
    /// The categories (the `x` column), in file order.
    pub(crate) categories: Vec<String>,
    /// The series, in the order the call names them.
    pub(crate) series: Vec<Series>,
}

/// A line and column (1-based, in characters).
type At = (usize, usize);

/// Where a row and its cells are in their file, when known.
#[derive(Debug, Default)]
struct Place {
    /// Where the row starts.
    row: Option<At>,
    /// Where each cell's value starts.
    cells: Vec<Option<At>>,
}

/// One row: its cells as text (none for a cell a JSON, TOML or YAML row
/// lacks), and where it is.
struct Row {
    cells: Vec<Option<String>>,
    place: Place,
}

/// Rows of text, and where the column names are.
struct Rows {
    headers: Vec<String>,
    /// Where the column names are (the header row, or a data file's first row).
    headers_at: At,
    rows: Vec<Row>,
}

/// Picks `x` and `y` from `data` (the file `rel`).
pub(crate) fn from_data(
    rel: &str,
    data: &Data,
    x: &str,
    y: &[String],
) -> Result<ChartData, Diagnostic> {
    pick(rel, rows_of(rel, data)?, x, y)
}

/// What a diagnostic about a Markdown table names as its file; its line is
/// the table's own (the header row is line 1).
pub(crate) const TABLE: &str = "the table";

/// Picks `x` and `y` from the Markdown table in `text` (a chart's body).
pub(crate) fn from_markdown(text: &str, x: &str, y: &[String]) -> Result<ChartData, Diagnostic> {
    pick(TABLE, rows_of_markdown(text)?, x, y)
}

fn pick(rel: &str, rows: Rows, x: &str, y: &[String]) -> Result<ChartData, Diagnostic> {
    let x_at = column(rel, &rows, x)?;
    let mut y_at = Vec::with_capacity(y.len());
    for name in y {
        y_at.push(column(rel, &rows, name)?);
    }
    let mut categories = Vec::with_capacity(rows.rows.len());
    for i in 0..rows.rows.len() {
        categories.push(cell(rel, &rows, i, x_at)?.to_string());
    }
    let mut series = Vec::with_capacity(y.len());
    for (name, &at) in y.iter().zip(&y_at) {
        let mut values = Vec::with_capacity(rows.rows.len());
        let mut cells = Vec::with_capacity(rows.rows.len());
        for (i, row) in rows.rows.iter().enumerate() {
            let cell = cell(rel, &rows, i, at)?;
            let Some(v) = parse_number(cell) else {
                return Err(not_a_number(rel, name, cell, i, &row.place, at));
            };
            values.push(v);
            cells.push(cell.to_string());
        }
        series.push(Series {
            name: rows.headers[at].clone(),
            values,
            cells,
        });
    }
    Ok(ChartData {
        x_label: rows.headers[x_at].clone(),
        categories,
        series,
    })
}

/// The text of row `i`'s cell in column `at`; an error at the row when a
/// JSON, TOML or YAML row lacks it.
fn cell<'r>(rel: &str, rows: &'r Rows, i: usize, at: usize) -> Result<&'r str, Diagnostic> {
    let row = &rows.rows[i];
    if let Some(Some(text)) = row.cells.get(at) {
        return Ok(text);
    }
    let name = &rows.headers[at];
    let d =
        Diagnostic::error("chart", rel, format!("row {} has no `{name}`", i + 1)).help(format!(
            "give every row a value for `{name}` (the columns are the first row's: {})",
            rows.headers.join(", ")
        ));
    Err(match row.place.row {
        Some((line, column)) => d.at(line, column),
        None => d,
    })
}

/// A number as reports write them: `3512`, `3,512`, `-4.5`, `12%`, ` 7 `.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim();
    let t = t.trim_start_matches(['£', '$', '€']);
    let plain: String = t.chars().filter(|&c| c != ',' && c != '_').collect();
    if plain.is_empty() {
        return None;
    }
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn not_a_number(
    rel: &str,
    name: &str,
    cell: &str,
    i: usize,
    place: &Place,
    at: usize,
) -> Diagnostic {
    let what = if cell.trim().is_empty() {
        "is empty".to_string()
    } else {
        format!("`{cell}` is not a number")
    };
    let d = Diagnostic::error(
        "chart",
        rel,
        format!("in column `{name}`, row {} {what}", i + 1),
    )
    .help("write a number such as 3512, 3,512 or 4.5 (a chart cannot draw text or gaps)");
    match place.cells.get(at).copied().flatten().or(place.row) {
        Some((line, column)) => d.at(line, column),
        None => d,
    }
}

/// The index of the column `name`; an error listing the columns when absent.
fn column(rel: &str, rows: &Rows, name: &str) -> Result<usize, Diagnostic> {
    if let Some(i) = rows.headers.iter().position(|h| h == name) {
        return Ok(i);
    }
    let refs: Vec<&str> = rows.headers.iter().map(String::as_str).collect();
    let help = match crate::suggest::did_you_mean(name, &refs) {
        Some(s) => format!("did you mean `{s}`? The columns are: {}", refs.join(", ")),
        None => format!("the columns are: {}", refs.join(", ")),
    };
    Err(Diagnostic::error(
        "chart",
        rel,
        format!("the data file has no column `{name}`"),
    )
    .at(rows.headers_at.0, rows.headers_at.1)
    .help(help))
}

fn rows_of(rel: &str, data: &Data) -> Result<Rows, Diagnostic> {
    match data {
        Data::Table(t) => Ok(rows_of_table(t)),
        Data::Tree(v, node) => rows_of_tree(rel, v, node.as_deref())?.ok_or_else(|| {
            Diagnostic::error(
                "chart",
                rel,
                "a chart reads a list of rows from this file, and it holds something else",
            )
            .help("write a list of rows, each naming its columns, e.g. `[{\"Year\": \"2012-13\", \"Referrals\": 3512}]`, or use a CSV file")
        }),
        Data::Text(_) => Err(Diagnostic::error(
            "chart",
            rel,
            "a chart reads CSV, JSON, TOML or YAML, and this file is plain text",
        )
        .help("save the figures as a CSV file with a header row (e.g. `data/figures.csv`)")),
    }
}

fn rows_of_table(t: &Table) -> Rows {
    Rows {
        headers: t.headers.clone(),
        headers_at: (1, 1),
        rows: t
            .records
            .iter()
            .map(|r| Row {
                cells: r.cells.iter().cloned().map(Some).collect(),
                place: Place {
                    row: Some((r.line, 1)),
                    cells: r.columns.iter().map(|&c| Some((r.line, c))).collect(),
                },
            })
            .collect(),
    }
}

/// Where a located node starts.
fn at(node: Option<&Node>) -> Option<At> {
    node.map(|n| (n.pos.line, n.pos.col))
}

/// A tree as rows: a list of objects (the columns are the first object's keys,
/// in order), or `{headers: [...], records: [[...], ...]}`, or an object whose
/// one value is such a list (a TOML file's `[[rows]]`). `node` is the same
/// tree, located (when the file could be read as one): rows and cells are
/// placed from it. `Ok(None)`: the tree is none of these; an error: a record
/// of `records` whose length is not the headers'.
fn rows_of_tree(rel: &str, v: &J, node: Option<&Node>) -> Result<Option<Rows>, Diagnostic> {
    match v {
        J::Array(items) => Ok(rows_of_objects(items, node)),
        J::Object(map) => {
            if let (Some(J::Array(h)), Some(J::Array(r))) = (map.get("headers"), map.get("records"))
            {
                let records = node.and_then(|n| n.entry("records")).map(|(_, r)| r);
                return rows_of_records(rel, h, r, records);
            }
            match map.values().collect::<Vec<_>>().as_slice() {
                [only @ J::Array(_)] => {
                    let inner = node.and_then(|n| match n.entries() {
                        [(_, value)] => Some(value),
                        _ => None,
                    });
                    rows_of_tree(rel, only, inner)
                }
                _ => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// The text a cell of a tree shows.
fn text(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => other.to_string(),
    }
}

/// A list of objects as rows (none when an item is not an object).
fn rows_of_objects(items: &[J], node: Option<&Node>) -> Option<Rows> {
    let first = items.first()?.as_object()?;
    let headers: Vec<String> = first.keys().cloned().collect();
    let item_nodes = node.map_or(&[][..], Node::items);
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let obj = item.as_object()?;
        let item_node = item_nodes.get(i);
        let cells = headers.iter().map(|h| obj.get(h).map(text)).collect();
        let cell_at = headers
            .iter()
            .map(|h| at(item_node.and_then(|n| n.entry(h)).map(|(_, v)| v)))
            .collect();
        rows.push(Row {
            cells,
            place: Place {
                row: at(item_node),
                cells: cell_at,
            },
        });
    }
    Some(Rows {
        headers,
        headers_at: at(item_nodes.first()).unwrap_or((1, 1)),
        rows,
    })
}

/// `{headers, records}` as rows (none when a record is not a list); an error
/// at a record of another length than `headers`.
fn rows_of_records(
    rel: &str,
    headers: &[J],
    records: &[J],
    node: Option<&Node>,
) -> Result<Option<Rows>, Diagnostic> {
    let headers: Vec<String> = headers.iter().map(text).collect();
    let record_nodes = node.map_or(&[][..], Node::items);
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let Some(cells) = record.as_array() else {
            return Ok(None);
        };
        let record_node = record_nodes.get(i);
        if cells.len() != headers.len() {
            let d = Diagnostic::error(
                "chart",
                rel,
                format!(
                    "record {} has {} cells but `headers` has {}",
                    i + 1,
                    cells.len(),
                    headers.len()
                ),
            )
            .help("give every record one cell per header (an empty cell is \"\")");
            return Err(match at(record_node) {
                Some((line, column)) => d.at(line, column),
                None => d,
            });
        }
        let cell_nodes = record_node.map_or(&[][..], |n| n.items());
        rows.push(Row {
            cells: cells.iter().map(|c| Some(text(c))).collect(),
            place: Place {
                row: at(record_node),
                cells: (0..cells.len()).map(|j| at(cell_nodes.get(j))).collect(),
            },
        });
    }
    Ok(Some(Rows {
        headers,
        headers_at: at(node).unwrap_or((1, 1)),
        rows,
    }))
}

/// A GitHub-flavoured Markdown table: its header row, the delimiter row, then
/// the rows; lines that do not start with `|` are skipped (a caption line).
fn rows_of_markdown(text: &str) -> Result<Rows, Diagnostic> {
    let mut lines = text.lines().filter(|l| l.trim_start().starts_with('|'));
    let no_table = || {
        Diagnostic::error("chart", TABLE, "the chart's body has no Markdown table")
            .help("put a table between the chart's opening and closing tags: a header row, a row of `| --- |`, then one row per category")
    };
    let headers: Vec<String> = pipe_cells(lines.next().ok_or_else(no_table)?)
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let delimiter = lines.next().ok_or_else(no_table)?;
    let is_delimiter = pipe_cells(delimiter)
        .iter()
        .all(|(_, c)| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')));
    if !is_delimiter {
        return Err(no_table().at(2, 1));
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells = pipe_cells(line);
        let n = i + 3;
        if cells.len() != headers.len() {
            return Err(Diagnostic::error(
                "chart",
                TABLE,
                format!(
                    "this row has {} cells but the header row has {}",
                    cells.len(),
                    headers.len()
                ),
            )
            .at(n, 1)
            .help("give every row one cell per column"));
        }
        let (columns, cells): (Vec<usize>, Vec<String>) = cells.into_iter().unzip();
        rows.push(Row {
            cells: cells.into_iter().map(Some).collect(),
            place: Place {
                row: Some((n, 1)),
                cells: columns.into_iter().map(|c| Some((n, c))).collect(),
            },
        });
    }
    Ok(Rows {
        headers,
        headers_at: (1, 1),
        rows,
    })
}

/// The cells of one table line, each with the 1-based column its text starts
/// at; `\|` is a pipe inside a cell.
fn pipe_cells(line: &str) -> Vec<(usize, String)> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut start = None;
    let mut escaped = false;
    let chars: Vec<char> = line.trim_end().chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '|' if !escaped => {
                if i > 0 && chars[..i].iter().any(|c| !c.is_whitespace()) {
                    cells.push((start.unwrap_or(i + 1), cell.trim().to_string()));
                }
                cell.clear();
                start = None;
            }
            _ => {
                escaped = c == '\\' && !escaped;
                if escaped {
                    continue;
                }
                if start.is_none() && !c.is_whitespace() {
                    start = Some(i + 1);
                }
                cell.push(c);
            }
        }
    }
    if !cell.trim().is_empty() {
        cells.push((start.unwrap_or(1), cell.trim().to_string()));
    }
    cells
}
