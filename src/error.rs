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
    /// Worth knowing; never fails a build.
    Warning,
    /// Fails the build.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
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
    /// The WCAG 2.2 success criterion concerned, for accessibility findings (`1.1.1`).
    pub wcag: Option<&'static str>,
    /// The text of the offending line, for the snippet under the message.
    #[serde(skip)]
    pub source_line: Option<String>,
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
            wcag: None,
            source_line: None,
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
    pub fn at_in(self, source: &str, line: usize, column: usize) -> Self {
        let text = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
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

    /// Renders the diagnostic like a compiler message: the message, the location,
    /// the source line with a caret under the column, then the help.
    pub fn render(&self) -> String {
        let mut out = format!("{}[{}]: {}\n", self.severity, self.code, self.message);
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        out.push_str(&format!("{pad}--> {}\n", self.location()));
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let text = text.trim_end_matches('\r');
            out.push_str(&format!("{pad} |\n"));
            out.push_str(&format!("{line} | {text}\n"));
            let col = self.column.unwrap_or(1);
            // Keep tabs so the caret lines up in a terminal.
            let lead: String = text
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("{pad} | {lead}^\n"));
        }
        match (&self.page, self.wcag) {
            (Some(p), Some(w)) => out.push_str(&format!(
                "{pad} = page: {p} (WCAG 2.2 success criterion {w})\n"
            )),
            (Some(p), None) => out.push_str(&format!("{pad} = page: {p}\n")),
            (None, Some(w)) => out.push_str(&format!("{pad} = WCAG 2.2 success criterion {w}\n")),
            (None, None) => {}
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

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
    list.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
    list.dedup();
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_compiler() {
        let src = "---\ntitel: Hello\n---\n";
        let d = Diagnostic::error("unknown-key", "content/a.md", "unknown key `titel`")
            .at_in(src, 2, 1)
            .help("did you mean `title`?");
        assert_eq!(
            d.render(),
            "error[unknown-key]: unknown key `titel`\n --> content/a.md:2:1\n  |\n2 | titel: Hello\n  | ^\n  = help: did you mean `title`?\n"
        );
    }

    #[test]
    fn caret_follows_the_column() {
        let d = Diagnostic::error("x", "f", "m").at_in("ab\tcd", 1, 5);
        assert!(d.render().contains("1 | ab\tcd\n  |   \t ^\n"));
    }
}
