//! The one error type of the library, and the located diagnostics it carries.
//!
//! In: problems found by every stage (a file that cannot be read, a front-matter
//! key that is wrong, a template that fails). Out: an [`Error`] that the CLI prints
//! and maps to an exit code. Content problems are collected, not thrown one by one:
//! a build reports every [`Diagnostic`] it found, each with the file (relative to
//! the site folder), the 1-based line and column when known, what was expected and
//! how to fix it. [`Diagnostic::render`] prints them the way rustc does.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice on the writing (plain English): never fails a build, not even
    /// under `--strict`.
    Advice,
    /// Worth knowing; fails a build only under `--strict`.
    Warning,
    /// Fails the build.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Advice => "advice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One located problem in the site's files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable identifier of the check, e.g. `unknown-key`.
    pub code: &'static str,
    /// The file, relative to the site folder, with `/` separators.
    pub file: String,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) in the line, when known.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The built page it was found on, for findings of the HTML stages (`/background/`).
    pub page: Option<String>,
    /// The other built pages the same finding shows on (a chapter's finding is
    /// also on `/full-report/`); it is reported once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_on: Vec<String>,
    /// The WCAG 2.2 success criterion concerned, for accessibility findings (`1.1.1`).
    pub wcag: Option<&'static str>,
    /// The text of the offending line, for the snippet under the message
    /// (shared: many pieces of plain-English advice stand on one line).
    #[serde(skip)]
    pub source_line: Option<std::sync::Arc<str>>,
    /// The page's reading age, on a `reading-age` advice (plain English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading_age: Option<Box<ReadingAge>>,
}

/// The counts a page's reading age is estimated from, and the estimate: the
/// Flesch–Kincaid grade level (`0.39 × words per sentence + 11.8 × syllables
/// per word − 15.59`) plus 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadingAge {
    /// Words in the page's paragraphs.
    pub words: u32,
    /// Sentences in them.
    pub sentences: u32,
    /// Syllables in the words (estimated).
    pub syllables: u32,
}

impl ReadingAge {
    /// The Flesch–Kincaid grade level (a US school grade).
    pub fn grade(&self) -> f64 {
        let words = f64::from(self.words.max(1));
        let sentences = f64::from(self.sentences.max(1));
        0.39 * (words / sentences) + 11.8 * (f64::from(self.syllables) / words) - 15.59
    }

    /// The reading age in years: the grade plus 5, rounded to one decimal.
    pub fn age(&self) -> f64 {
        ((self.grade() + 5.0) * 10.0).round() / 10.0
    }
}

impl serde::Serialize for ReadingAge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ReadingAge", 6)?;
        st.serialize_field("age", &self.age())?;
        st.serialize_field("grade", &((self.grade() * 10.0).round() / 10.0))?;
        st.serialize_field("formula", "flesch-kincaid-grade+5")?;
        st.serialize_field("words", &self.words)?;
        st.serialize_field("sentences", &self.sentences)?;
        st.serialize_field("syllables", &self.syllables)?;
        st.end()
    }
}

impl Diagnostic {
    /// A new error-level diagnostic for `file` with no position yet.
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            page: None,
            also_on: Vec::new(),
            wcag: None,
            source_line: None,
            reading_age: None,
        }
    }

    /// A new warning-level diagnostic.
    pub fn warning(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message)
        }
    }

    /// Sets the 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self
    }

    /// Sets the 1-based line and column and copies the line's text out of `source`.
    pub(crate) fn at_in(self, source: &str, line: usize, column: usize) -> Self {
        let text = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(std::sync::Arc::from);
        let mut d = self.at(line, column);
        d.source_line = text;
        d
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, as far as known.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{}:{}", self.file, l, c),
            (Some(l), None) => format!("{}:{}", self.file, l),
            _ => self.file.clone(),
        }
    }

    /// Renders the diagnostic like a compiler message, without colour: the
    /// message, the location, the source line with a caret under the column
    /// (placed by display width, so it lines up under CJK text and tabs), then
    /// the page, the WCAG criterion and the help.
    pub fn render(&self) -> String {
        self.render_styled(false)
    }

    /// [`Diagnostic::render`], in colour when `color` is true (for a terminal).
    /// The layout is annotate-snippets', the renderer rustc and cargo use.
    pub fn render_styled(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Advice => Level::INFO.with_name("advice"),
        };
        let title = level.primary_title(self.message.as_str()).id(self.code);
        let text = self
            .source_line
            .as_deref()
            .map(|t| t.trim_end_matches('\r'));
        let mut group = match (self.line, text) {
            (Some(line), Some(text)) => {
                let start = byte_offset(text, self.column.unwrap_or(1));
                // One character under the caret (none past the end of the line).
                let end = text[start..]
                    .chars()
                    .next()
                    .map_or(start, |c| start + c.len_utf8());
                title.element(
                    Snippet::source(text)
                        .line_start(line)
                        .path(self.file.as_str())
                        .fold(false)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            _ => Group::with_title(title).element(Origin::path(self.location())),
        };
        let pages = match &self.page {
            Some(p) if self.also_on.is_empty() => Some(p.clone()),
            Some(p) => Some(format!("{p} (also on {})", self.also_on.join(", "))),
            None => None,
        };
        let page_note = match (&pages, self.wcag) {
            (Some(p), Some(w)) => Some(format!("page: {p} (WCAG 2.2 success criterion {w})")),
            (Some(p), None) => Some(format!("page: {p}")),
            (None, Some(w)) => Some(format!("WCAG 2.2 success criterion {w}")),
            (None, None) => None,
        };
        if let Some(note) = &page_note {
            group = group.element(Level::NOTE.no_name().message(note.as_str()));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = renderer.render(&[group]);
        out.push('\n');
        out
    }
}

/// The byte offset in `text` of the 1-based character column `column`,
/// clamped to the end of the text.
fn byte_offset(text: &str, column: usize) -> usize {
    text.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostic {}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Problems in the site's content, templates or configuration: every one found,
    /// sorted by file and line. The CLI exits with code 1.
    #[error("{} error(s) in the site", .0.iter().filter(|d| d.severity == Severity::Error).count())]
    Content(Vec<Diagnostic>),
    /// A file or folder could not be read or written. The CLI exits with code 2.
    #[error("{action} `{}`: {source}", .path.display())]
    Io {
        /// What was being done, e.g. "cannot read".
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The command was used wrongly (a bad flag value, an output folder that would
    /// overwrite the sources). The CLI exits with code 2.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An I/O error about `path`.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// Content errors from a list of diagnostics, sorted for stable output.
    pub fn content(mut diagnostics: Vec<Diagnostic>) -> Self {
        sort_diagnostics(&mut diagnostics);
        Error::Content(diagnostics)
    }

    /// The process exit code the CLI uses for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) => 1,
            Error::Io { .. } | Error::Usage(_) => 2,
        }
    }
}

/// Sorts diagnostics by file, line, column, then message, and removes repeats.
pub fn sort_diagnostics(list: &mut Vec<Diagnostic>) {
    // A build's lists come file by file (a page's problems together): each
    // diagnostic is keyed by its file's rank among the files, so the sort
    // compares numbers, not the (long, mostly equal) file names; and it
    // sorts their indices, not the diagnostics (200 bytes each), which are
    // then put in that order.
    let ranks = file_ranks(list);
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by(|&a, &b| {
        let (da, db) = (&list[a], &list[b]);
        (ranks[a], da.line, da.column, &da.message).cmp(&(
            ranks[b],
            db.line,
            db.column,
            &db.message,
        ))
    });
    // In place, a cycle of the permutation at a time (a long report's
    // thousands of pieces of advice are not copied to a second list at the
    // build's memory peak; most are in place already).
    for start in 0..order.len() {
        let mut i = start;
        while order[i] != i {
            let from = order[i];
            order[i] = i;
            if from == start {
                break;
            }
            list.swap(i, from);
            i = from;
        }
    }
    list.dedup();
}

/// The rank of each diagnostic's file among the files of `list`, in their
/// order, from the runs of diagnostics that share a file.
fn file_ranks(list: &[Diagnostic]) -> Vec<usize> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=list.len() {
        if i == list.len() || list[i].file != list[start].file {
            runs.push((start, i));
            start = i;
        }
    }
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| list[runs[a].0].file.cmp(&list[runs[b].0].file));
    let mut ranks = vec![0; list.len()];
    let mut rank = 0;
    for (k, &r) in order.iter().enumerate() {
        if k > 0 && list[runs[order[k - 1]].0].file != list[runs[r].0].file {
            rank += 1;
        }
        let (from, to) = runs[r];
        ranks[from..to].fill(rank);
    }
    ranks
}

/// What fails a build: an error always; a warning only under `--strict` (as
/// rustc's `-D warnings`), unless its rule is allowed by name (`--allow RULE`,
/// `[a11y] allow`).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Warnings are errors.
    pub strict: bool,
    /// Rule ids whose warnings pass even when `strict`.
    pub allow: Vec<String>,
}

impl Policy {
    /// Whether `d` stops the build under this policy.
    pub fn fails(&self, d: &Diagnostic) -> bool {
        match d.severity {
            Severity::Advice => false,
            Severity::Error => true,
            Severity::Warning => self.strict && !self.allow.iter().any(|a| a == d.code),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn sorting_by_file_runs_is_the_whole_stable_sort(
            list in proptest::collection::vec(
                (0usize..4, 0usize..3, 0usize..3, 0usize..3, 0usize..2), 0..30
            ),
            by_file in any::<bool>(),
        ) {
            let file = ["b.md", "a.md", "content/c.md", "config.toml"];
            let mut list: Vec<Diagnostic> = list
                .into_iter()
                .map(|(f, l, c, m, h)| {
                    Diagnostic::warning("x", file[f], format!("m{m}"))
                        .help(format!("h{h}"))
                        .at(l + 1, c + 1)
                })
                .collect();
            if by_file {
                // Grouped by file, files in order (the fast path).
                list.sort_by(|a, b| a.file.cmp(&b.file));
            }
            let mut expected = list.clone();
            expected.sort_by(|a, b| {
                (&a.file, a.line, a.column, &a.message)
                    .cmp(&(&b.file, b.line, b.column, &b.message))
            });
            expected.dedup();
            sort_diagnostics(&mut list);
            prop_assert_eq!(list, expected);
        }
    }

    #[test]
    fn renders_like_a_compiler() {
        let src = "---\ntitel: Hello\n---\n";
        let d = Diagnostic::error("unknown-key", "content/a.md", "unknown key `titel`")
            .at_in(src, 2, 1)
            .help("did you mean `title`?");
        assert_eq!(
            d.render(),
            "error[unknown-key]: unknown key `titel`\n --> content/a.md:2:1\n  |\n2 | titel: Hello\n  | ^\n  |\n  = help: did you mean `title`?\n"
        );
    }

    /// The rendered lines, and the index of the code line of line 1.
    fn code_line(out: &str) -> (Vec<&str>, usize) {
        let lines: Vec<&str> = out.lines().collect();
        let code = lines
            .iter()
            .position(|l| l.starts_with("1 |"))
            .expect("code line");
        (lines, code)
    }

    #[test]
    fn caret_follows_the_column_past_a_tab() {
        let d = Diagnostic::error("x", "f", "m").at_in("ab\tcd", 1, 4);
        let out = d.render();
        let (lines, code) = code_line(&out);
        let caret = lines[code + 1].find('^').expect("caret");
        // The caret sits under `c`, wherever the renderer expands the tab to.
        let c = lines[code].find('c').expect("c");
        assert_eq!(caret, c, "{out}");
    }

    #[test]
    fn caret_under_wide_characters_counts_display_width() {
        // Each CJK character takes two columns on a terminal.
        let src = "title: 報告書の年次: 概要";
        let d = Diagnostic::error("yaml", "content/_index.md", "m").at_in(src, 1, 13);
        let out = d.render();
        let (lines, code) = code_line(&out);
        let caret_col = lines[code + 1].find('^').expect("caret");
        let prefix = &lines[code][..lines[code].find(':').expect("colon") + 1];
        let before: String = lines[code].chars().take(4 + 12).collect();
        let width: usize = before
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum();
        assert!(prefix.starts_with("1 | title"));
        assert_eq!(caret_col, width, "{out}");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::warning("abbreviation", "content/a.md", "m").at_in("x", 1, 1);
        assert!(!d.render().contains('\u{1b}'));
        assert!(d.render_styled(true).contains('\u{1b}'));
    }
}
