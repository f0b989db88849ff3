//! Shared helpers: paths to fixtures, building a site in memory, copying a site.

use std::path::{Path, PathBuf};

use reportsite::output::OutputFile;
use reportsite::site::{LoadOptions, Site};
use reportsite::{Diagnostic, Error};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// Builds the site at `root` in memory.
pub fn build(root: &Path) -> Result<Vec<OutputFile>, Error> {
    Site::load(root, &LoadOptions::default())?
        .build()
        .map(|b| b.files)
}

/// Builds and expects content errors; returns them.
pub fn build_errors(root: &Path) -> Vec<Diagnostic> {
    match build(root) {
        Err(Error::Content(d)) => d,
        Err(e) => panic!("expected content errors from {}, got {e}", root.display()),
        Ok(_) => panic!("expected {} to fail, but it built", root.display()),
    }
}

/// The text of one output file.
pub fn page<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no output file {path}"));
    std::str::from_utf8(&f.bytes).expect("UTF-8 page")
}

/// All HTML of the site, tags removed and whitespace collapsed, for fact checks.
pub fn all_text(files: &[OutputFile]) -> String {
    let mut out = String::new();
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        out.push_str(&text_of(std::str::from_utf8(&f.bytes).expect("UTF-8")));
        out.push('\n');
    }
    out
}

/// The visible text of an HTML string, entities decoded for the common cases.
/// Block-level tags separate words; inline tags (`abbr`, `a`, `em`) do not.
pub fn text_of(html: &str) -> String {
    const INLINE: &[&str] = &[
        "a", "abbr", "em", "strong", "span", "time", "code", "b", "i", "sup", "sub", "small",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('>')
            .map(|e| start + e + 1)
            .unwrap_or(rest.len());
        let tag = &rest[start + 1..end.saturating_sub(1)];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let out = out
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace('\u{a0}', " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Copies a folder tree (for tests that modify a site).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}
