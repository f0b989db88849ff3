//! Sources: one content file as read, and where things are in it.
//!
//! In: what [`crate::load`] reads and parses. Out: the types every later stage
//! takes a content file as — [`Source`] (a Markdown file: its paths, text, front
//! matter and the located YAML tree), [`Asset`] (any other file of `content/`),
//! [`Loaded`] (all of them) — and [`LineIndex`], the one conversion of a byte
//! offset to a line and column.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::error::Diagnostic;
use crate::frontmatter::{self, FrontMatter, GlossaryEntry, Located};
use crate::yaml;

/// One Markdown file, read and parsed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to `content/`, with `/` separators (`background/_index.md`).
    pub rel: String,
    /// Path relative to the site folder, for messages (`content/background/_index.md`).
    pub file: String,
    /// The whole text of the file (shared: cloning a source does not copy it).
    pub text: Arc<str>,
    /// Byte offset of the Markdown body in `text`.
    pub body_start: usize,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// 1-based line on which the YAML starts.
    pub yaml_line: usize,
    /// The front matter as written (shared, like the text).
    pub front: Arc<FrontMatter>,
    /// The front matter's YAML as a tree of located keys and values.
    pub yaml: Arc<yaml::Node>,
    /// The fingerprint of `text`, computed on first use (see
    /// [`Source::text_fingerprint`]); start with it empty.
    pub text_hash: OnceLock<u128>,
}

impl Source {
    /// Splits and parses the text of the Markdown file `rel` (relative to
    /// `content/`; `file` is its path relative to the site, for messages).
    pub fn parse(rel: &str, file: String, text: String) -> Result<Source, Diagnostic> {
        let split = frontmatter::split(&text, &file)?;
        let (front, yaml) = frontmatter::parse_located(&split, &text, &file)?;
        let body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
        let (yaml_line, body_line) = (split.yaml_line, split.body_line);
        Ok(Source {
            rel: rel.to_string(),
            file,
            text: text.into(),
            body_start,
            body_line,
            yaml_line,
            front: front.into(),
            yaml: yaml.into(),
            text_hash: OnceLock::new(),
        })
    }

    /// The fingerprint of the whole text (xxh3-128), computed once per source
    /// (the preview keeps sources between rebuilds, so an unchanged file is not
    /// hashed again).
    pub(crate) fn text_fingerprint(&self) -> u128 {
        *self
            .text_hash
            .get_or_init(|| xxhash_rust::xxh3::xxh3_128(self.text.as_bytes()))
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The text before the body: the front matter between its `---` lines.
    pub fn head(&self) -> &str {
        &self.text[..self.body_start]
    }

    /// Where the front matter's keys and values are in the file.
    pub fn located(&self) -> Located<'_> {
        Located::new(&self.yaml, self.yaml_line)
    }

    /// The 1-based line and column of a top-level front-matter key.
    pub(crate) fn key_position(&self, key: &str) -> Option<(usize, usize)> {
        self.located().key(key)
    }

    /// The place of the first value under top-level `key` that is `text`.
    pub(crate) fn value_position(&self, key: &str, text: &str) -> Option<(usize, usize)> {
        self.located().scalar_under(key, text)
    }

    /// Whether this is a chapter (`_index.md`).
    pub(crate) fn is_section(&self) -> bool {
        self.rel == "_index.md" || self.rel.ends_with("/_index.md")
    }

    /// A diagnostic at a top-level front-matter key of this file (or line 1).
    pub(crate) fn at_key(&self, d: Diagnostic, key: &str) -> Diagnostic {
        let (line, col) = self.key_position(key).unwrap_or((1, 1));
        d.at_in(&self.text, line, col)
    }
}

/// A file of `content/` that is not Markdown (an image, a PDF): copied as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Path relative to `content/`.
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
}

/// Everything read from `content/`.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The Markdown files, sorted by `rel`.
    pub sources: Vec<Arc<Source>>,
    /// The glossary's entries, in the file's order.
    pub glossary: Vec<GlossaryEntry>,
    /// Other files, sorted by `rel`.
    pub assets: Vec<Asset>,
    /// Markdown files that could not be read or parsed (relative to `content/`).
    pub failed: Vec<String>,
}

/// Byte offsets of a text's line starts (lines end at `\n`, as [`str::lines`]
/// counts them), to turn a byte offset into a line and column.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// The index of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The 1-based line and column (in characters) of byte `offset` (clamped to
    /// the text, and back to the start of a character).
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let index = LineIndex::new("ab\ncé d");
        assert_eq!(index.line_col(7), (2, 4));
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(LineIndex::new("x").line_col(99), (1, 2));
    }
}
