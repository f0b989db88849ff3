//! Data files in the site: the one loader behind a template's `load_data(…)`
//! (as Zola has it) and a chart's data.
//!
//! In: a path as a template or a chart gives it (`data/referrals.csv`,
//! `@/finance/spend.json`), searched the way Zola searches — the site folder,
//! then `static/`, then `content/`, then the theme's `static/` — and an optional
//! format (else the file's extension decides). Out: a [`Data`] value — CSV as
//! its `headers` and `records` (each record with its line, for located
//! messages), JSON, TOML and YAML as their tree (and the same tree located,
//! from [`crate::yaml`] — JSON read as YAML — or [`crate::toml_tree`], so a
//! chart can place a bad value), anything else as text — or a
//! [`Diagnostic`] naming the data file and the line and column of the fault.
//!
//! Only files inside the site are read: a build is a function of the site
//! folder, so `url=` (remote data) and paths that leave the folder are errors.

use std::path::{Component, Path, PathBuf};

use crate::error::Diagnostic;

/// The formats a data file can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// JSON.
    Json,
    /// TOML.
    Toml,
    /// YAML (`.yaml` or `.yml`).
    Yaml,
    /// The text as it is.
    Plain,
}

impl Format {
    /// The format named by a template's `format="…"` argument. Zola also
    /// knows `bibtex` and `xml`; they are named in the error so an author
    /// knows it is a missing feature, not a typo.
    pub(crate) fn from_name(name: &str) -> Result<Format, String> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "toml" => Ok(Format::Toml),
            "yaml" | "yml" => Ok(Format::Yaml),
            "plain" | "text" | "txt" => Ok(Format::Plain),
            "bibtex" | "xml" => Err(format!(
                "format `{name}` is not supported by reportsite (Zola reads it; here use csv, json, toml, yaml or plain)"
            )),
            _ => Err(format!(
                "unknown data format `{name}`: expected csv, json, toml, yaml or plain"
            )),
        }
    }

    /// The format a file's extension implies; `plain` for any other file.
    pub(crate) fn from_path(path: &str) -> Format {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            Some("toml") => Format::Toml,
            Some("yaml" | "yml") => Format::Yaml,
            _ => Format::Plain,
        }
    }
}

/// One CSV record: its cells and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line of the file the record starts on.
    pub line: usize,
    /// The 1-based column (in characters) where each cell starts.
    pub columns: Vec<usize>,
    /// The cells' text, unquoted.
    pub cells: Vec<String>,
}

/// A CSV file: its header row and its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header row's cells.
    pub headers: Vec<String>,
    /// Every record after the header row.
    pub records: Vec<Record>,
}

/// What a data file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// CSV.
    Table(Table),
    /// JSON, TOML or YAML: its value, and the same as a located tree (each
    /// key and value with its line and column, for messages about them) when
    /// the file can be read as one (JSON is read as YAML, which it almost
    /// always is).
    Tree(serde_json::Value, Option<Box<crate::yaml::Node>>),
    /// Plain text.
    Text(String),
}

impl Data {
    /// The value a template sees, shaped as Zola shapes it: CSV as
    /// `{"headers": [...], "records": [[...], ...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Data::Table(t) => serde_json::json!({
                "headers": t.headers,
                "records": t.records.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(),
            }),
            Data::Tree(v, _) => v.clone(),
            Data::Text(s) => serde_json::Value::String(s.clone()),
        }
    }
}

/// Where data files are looked for.
#[derive(Debug, Clone)]
pub struct DataRoots {
    /// The site folder.
    pub site: PathBuf,
    /// The theme's `static/` folder, when the site uses a theme on disk.
    pub theme_static: Option<PathBuf>,
}

/// A data file found in the site: its path on disk and relative to the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The file on disk.
    pub path: PathBuf,
    /// The path shown in messages, relative to the site folder, `/`-separated.
    pub rel: String,
}

impl DataRoots {
    /// Finds `request` in Zola's order: `@/x` is `content/x`; then the site
    /// folder, `static/`, `content/`, the theme's `static/`. `Ok(None)` when no
    /// such file exists; an error when the path leaves the site folder.
    pub fn find(&self, request: &str) -> Result<Option<Found>, String> {
        let (request, only_content) = match request.strip_prefix("@/") {
            Some(rest) => (rest, true),
            None => (request, false),
        };
        let relative = request.trim_start_matches('/');
        let inside = Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if relative.is_empty() || !inside {
            return Err(format!(
                "`{request}` is not a path inside the site folder: give a path like `data/figures.csv` (no `..`, no drive or leading `/` outside the site)"
            ));
        }
        let mut places: Vec<(PathBuf, String)> = Vec::new();
        let site = |prefix: &str| {
            (
                self.site.join(prefix).join(relative),
                format!("{prefix}{relative}"),
            )
        };
        if only_content {
            places.push(site("content/"));
        } else {
            places.extend([site(""), site("static/"), site("content/")]);
            if let Some(theme) = &self.theme_static {
                places.push((theme.join(relative), format!("theme static/{relative}")));
            }
        }
        Ok(places
            .into_iter()
            .find(|(p, _)| p.is_file())
            .map(|(path, rel)| Found { path, rel }))
    }

    /// Finds and reads `request` as `format` (else by its extension).
    /// `Ok(None)` when there is no such file (the caller decides whether that
    /// is an error, as `load_data(required=false)` allows).
    pub fn load(&self, request: &str, format: Option<Format>) -> Result<Option<Data>, LoadError> {
        let found = self.find(request).map_err(LoadError::Request)?;
        let Some(found) = found else {
            return Ok(None);
        };
        let bytes = std::fs::read(&found.path).map_err(|e| {
            LoadError::File(Diagnostic::error(
                "data",
                &found.rel,
                format!("cannot read the data file: {e}"),
            ))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_col(
                &String::from_utf8_lossy(e.as_bytes()),
                e.utf8_error().valid_up_to(),
            );
            LoadError::File(
                Diagnostic::error("data", &found.rel, "the data file is not valid UTF-8 text")
                    .at(line, column)
                    .help("save it as UTF-8"),
            )
        })?;
        let format = format.unwrap_or_else(|| Format::from_path(&found.rel));
        parse(&found.rel, &text, format)
            .map(Some)
            .map_err(LoadError::File)
    }
}

/// Why a data file could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The request itself is wrong (a path outside the site): the caller
    /// places the message where the request was made.
    Request(String),
    /// The file is wrong: the diagnostic is located in it.
    File(Diagnostic),
}

/// Reads `text` (the file `rel`) as `format`.
pub fn parse(rel: &str, text: &str, format: Format) -> Result<Data, Diagnostic> {
    match format {
        Format::Csv => parse_csv(rel, text).map(Data::Table),
        Format::Json => serde_json::from_str(text)
            .map(|v| Data::Tree(v, located(text, format)))
            .map_err(|e| {
                Diagnostic::error(
                    "data",
                    rel,
                    format!("this JSON is not valid: {}", strip_position(&e.to_string())),
                )
                .at_in(text, e.line(), e.column())
                .help("fix the JSON at this place (a missing comma or quote is the usual cause)")
            }),
        Format::Toml => toml::from_str::<serde_json::Value>(text)
            .map(|v| Data::Tree(v, located(text, format)))
            .map_err(|e| {
                let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
                Diagnostic::error(
                    "data",
                    rel,
                    format!("this TOML is not valid: {}", e.message()),
                )
                .at_in(text, line, column)
            }),
        Format::Yaml => crate::yaml::parse(text)
            .and_then(|node| {
                let value = crate::yaml::from_node::<serde_json::Value>(&node)?;
                Ok(Data::Tree(value, Some(Box::new(node))))
            })
            .map_err(|e| {
                let (line, column) = e.pos.map(|p| (p.line, p.col)).unwrap_or((1, 1));
                Diagnostic::error("data", rel, format!("this YAML is not valid: {e}"))
                    .at_in(text, line, column)
            }),
        Format::Plain => Ok(Data::Text(text.to_string())),
    }
}

/// `text` (JSON or TOML) as a located tree, when it can be read as one.
fn located(text: &str, format: Format) -> Option<Box<crate::yaml::Node>> {
    let node = match format {
        Format::Toml => crate::toml_tree::parse(text).ok()?,
        _ => crate::yaml::parse(text).ok()?,
    };
    Some(Box::new(node))
}

/// A parser's message without the " at line L column C" it ends with (the
/// diagnostic gives the place itself).
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Reads a CSV file with a header row. Every record must have as many cells as
/// the header; a blank file or a file with only a header is an error too,
/// since a table or chart of nothing is a mistake.
fn parse_csv(rel: &str, text: &str) -> Result<Table, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(rel, text, &e))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(
            Diagnostic::error("data", rel, "the CSV file has no header row")
                .at(1, 1)
                .help("put the column names on the first line, separated by commas"),
        );
    }
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(rel, text, &e))?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(1);
        let start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        if record.len() != headers.len() {
            let (l, c) = line_col(text, start);
            return Err(Diagnostic::error(
                "data",
                rel,
                format!(
                    "this row has {} cells but the header row has {}",
                    record.len(),
                    headers.len()
                ),
            )
            .at_in(text, l, c)
            .help("give every row one cell per column (an empty cell is two commas in a row)"));
        }
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        let columns = cell_columns(&text[start.min(text.len())..], cells.len());
        records.push(Record {
            line,
            columns,
            cells,
        });
    }
    if records.is_empty() {
        return Err(Diagnostic::error(
            "data",
            rel,
            "the CSV file has a header row but no data rows",
        )
        .at(1, 1)
        .help("add one row of values per line under the header"));
    }
    Ok(Table { headers, records })
}

fn csv_error(rel: &str, text: &str, e: &csv::Error) -> Diagnostic {
    let (line, column) = e
        .position()
        .map(|p| line_col(text, p.byte() as usize))
        .unwrap_or((1, 1));
    Diagnostic::error("data", rel, format!("this CSV cannot be read: {e}"))
        .at_in(text, line, column)
}

/// The 1-based column where each of the first `n` cells of the record at the
/// start of `rest` begins, counting quotes (a comma inside quotes does not
/// split). Used only to place messages about a cell.
fn cell_columns(rest: &str, n: usize) -> Vec<usize> {
    let mut columns = vec![1];
    let mut quoted = false;
    for (chars, c) in rest.chars().enumerate() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => columns.push(chars + 2),
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
        if columns.len() == n {
            break;
        }
    }
    columns.resize(n, columns.last().copied().unwrap_or(1));
    columns
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::source::LineIndex::new(text).line_col(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(dir: &Path) -> DataRoots {
        DataRoots {
            site: dir.to_path_buf(),
            theme_static: None,
        }
    }

    #[test]
    fn csv_gives_headers_and_records_with_their_lines() {
        let d = parse(
            "data/r.csv",
            "Year, Referrals\n2012-13, 3512\n\"2013,14\", 3800\n",
            Format::Csv,
        )
        .unwrap();
        let Data::Table(t) = &d else { panic!("{d:?}") };
        assert_eq!(t.headers, ["Year", "Referrals"]);
        assert_eq!(t.records[1].cells, ["2013,14", "3800"]);
        assert_eq!(t.records[1].line, 3);
        assert_eq!(t.records[1].columns, [1, 11]);
        assert_eq!(
            d.to_json(),
            serde_json::json!({"headers": ["Year", "Referrals"], "records": [["2012-13", "3512"], ["2013,14", "3800"]]})
        );
    }

    #[test]
    fn a_short_csv_row_is_located() {
        let e = parse("data/r.csv", "a,b\n1,2\n3\n", Format::Csv).unwrap_err();
        assert_eq!(e.location(), "data/r.csv:3:1");
        assert!(
            e.message.contains("1 cells but the header row has 2"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_csv_without_rows_is_an_error() {
        let e = parse("d.csv", "a,b\n", Format::Csv).unwrap_err();
        assert!(e.message.contains("no data rows"), "{}", e.message);
    }

    #[test]
    fn json_toml_and_yaml_errors_are_located() {
        let e = parse("d.json", "{\n  \"a\": 1,\n  \"b\" 2\n}", Format::Json).unwrap_err();
        assert_eq!(e.location(), "d.json:3:7");
        assert!(!e.message.contains("at line"), "{}", e.message);
        let e = parse("d.toml", "a = 1\nb = \n", Format::Toml).unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        let e = parse("d.yaml", "a: 1\nb: [1,\n", Format::Yaml).unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
    }

    #[test]
    fn trees_keep_where_each_value_is() {
        let place = |name: &str, text: &str, format| {
            let Ok(Data::Tree(_, Some(node))) = parse(name, text, format) else {
                panic!("{name}: no located tree");
            };
            let row = &node.items().first().unwrap_or(&node).entries()[1].1;
            (row.pos.line, row.pos.col)
        };
        assert_eq!(
            place("d.json", "[\n {\"a\": 1,\n  \"b\": 2}]", Format::Json),
            (3, 8)
        );
        assert_eq!(place("d.yaml", "- a: 1\n  b: 2\n", Format::Yaml), (2, 6));
        assert_eq!(place("d.toml", "a = 1\nb = 2\n", Format::Toml), (2, 5));
    }

    #[test]
    fn trees_load_as_their_values() {
        let v = parse("d.toml", "a = [1, 2]\n", Format::Toml).unwrap();
        assert_eq!(v.to_json(), serde_json::json!({"a": [1, 2]}));
        let v = parse("d.yml", "a: x\n", Format::Yaml).unwrap();
        assert_eq!(v.to_json(), serde_json::json!({"a": "x"}));
        assert_eq!(
            parse("d.txt", "hi", Format::Plain).unwrap(),
            Data::Text("hi".into())
        );
    }

    #[test]
    fn files_are_found_in_zolas_order_and_never_outside_the_site() {
        let dir = std::env::temp_dir().join(format!("reportsite-data-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("static/data")).unwrap();
        std::fs::create_dir_all(dir.join("content/ch")).unwrap();
        std::fs::write(dir.join("static/data/a.json"), "[1]").unwrap();
        std::fs::write(dir.join("content/ch/b.csv"), "x\n1\n").unwrap();
        let r = roots(&dir);
        assert_eq!(
            r.find("data/a.json").unwrap().unwrap().rel,
            "static/data/a.json"
        );
        assert_eq!(
            r.find("@/ch/b.csv").unwrap().unwrap().rel,
            "content/ch/b.csv"
        );
        assert_eq!(r.find("ch/b.csv").unwrap().unwrap().rel, "content/ch/b.csv");
        assert!(r.find("nothing.csv").unwrap().is_none());
        assert!(r.find("../etc/passwd").is_err());
        assert!(r.find("").is_err());
        let d = r.load("data/a.json", None).unwrap().unwrap();
        assert_eq!(d.to_json(), serde_json::json!([1]));
        let d = r.load("data/a.json", Some(Format::Plain)).unwrap().unwrap();
        assert_eq!(d, Data::Text("[1]".into()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(Format::from_name("YAML"), Ok(Format::Yaml));
        assert!(
            Format::from_name("xml")
                .unwrap_err()
                .contains("not supported")
        );
        assert!(
            Format::from_name("jsno")
                .unwrap_err()
                .contains("unknown data format")
        );
        assert_eq!(Format::from_path("a/b.YML"), Format::Yaml);
        assert_eq!(Format::from_path("a/b"), Format::Plain);
    }
}
