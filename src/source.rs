//! Sources: one content file as read, and where things are in it.
//!
//! In: what [`crate::load`] reads and parses. Out: the types every later stage
//! takes a content file as — [`Source`] (a Markdown file: its paths, text, front
//! matter and the located YAML tree), [`Asset`] (any other file of `content/`),
//! [`Loaded`] (all of them), [`ContentPath`] (every name of one content file's
//! place, from its source to its output file) — and [`LineIndex`], the one
//! conversion of a byte offset to a line and column.

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
    /// The whole text of the file (shared: cloning a source does not copy it);
    /// only the part before the body once the body is released
    /// ([`Source::release_body`], a one-shot build's load).
    pub text: Arc<str>,
    /// The length of the whole file in bytes.
    pub len: usize,
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
            len: text.len(),
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

    /// Drops the Markdown body from memory and keeps what comes before it
    /// (all the model and its checks read): a one-shot build of a large site
    /// reads each body again just before its page is made
    /// ([`Source::whole_text`]), so no more than a few bodies are held at once.
    pub(crate) fn release_body(&mut self) {
        if self.is_whole() && self.body_start < self.len {
            self.text = Arc::from(&self.text[..self.body_start]);
        }
    }

    /// Whether `text` holds the whole file (its body was not released).
    pub(crate) fn is_whole(&self) -> bool {
        self.text.len() == self.len
    }

    /// The whole text of the file: the one in memory, or, once the body was
    /// released, the file read again from `root` (the site folder) and
    /// checked to be the one loaded (the same length and front matter).
    pub(crate) fn whole_text(&self, root: &std::path::Path) -> Result<Arc<str>, Diagnostic> {
        if self.is_whole() {
            return Ok(self.text.clone());
        }
        let changed = || {
            Diagnostic::error(
                "io",
                &self.file,
                "the file changed while the site was being built",
            )
            .help("build again once it is saved")
        };
        let bytes = std::fs::read(root.join(&self.file)).map_err(|e| {
            Diagnostic::error("io", &self.file, format!("cannot read the file again: {e}"))
                .help("check that nothing moves or removes content files during a build")
        })?;
        let text = String::from_utf8(bytes).map_err(|_| changed())?;
        if text.len() != self.len || !text.starts_with(&*self.text) {
            return Err(changed());
        }
        Ok(Arc::from(text))
    }

    /// This source with its whole text (itself when it holds it), for the
    /// Markdown of its page (see [`Source::whole_text`]).
    pub(crate) fn with_whole_text(
        &self,
        root: &std::path::Path,
    ) -> Result<std::borrow::Cow<'_, Source>, Diagnostic> {
        if self.is_whole() {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let text = self.whole_text(root)?;
        Ok(std::borrow::Cow::Owned(Source {
            text,
            ..self.clone()
        }))
    }

    /// The Markdown body (empty once released: see [`Source::with_whole_text`]).
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

/// The output file of a page, in the folder of its URL path.
const INDEX_HTML: &str = "index.html";

/// The output file of the page at a folder URL path (`a/b/` or `""`, below
/// the base path): `a/b/index.html`. The one rule for every page, content or not.
pub(crate) fn output_of_url(url: &str) -> String {
    let mut output = String::with_capacity(url.len() + INDEX_HTML.len());
    output.push_str(url);
    output.push_str(INDEX_HTML);
    output
}

/// The output file of an alias (`aliases:` in front matter): the alias without
/// its leading `/` and the site's base path (given once), as a file when it
/// ends in `.html`, else as a folder's `index.html`. Empty for an alias that
/// names the site's root. The build and the sitemap both use it, so a
/// redirect page and the sitemap's list of them agree.
pub(crate) fn alias_output(alias: &str, base_path: &str) -> (String, String) {
    let a = alias.trim().trim_start_matches('/');
    let a = a
        .strip_prefix(base_path.trim_start_matches('/'))
        .unwrap_or(a);
    let output = if a.ends_with(".html") {
        a.to_string()
    } else {
        output_of_url(&format!("{}/", a.trim_end_matches('/')))
    };
    (a.to_string(), output)
}

/// The URL path (below the base path) that opens the output file `output`:
/// `a/b/index.html` → `a/b/`; any other file is its own URL path.
pub(crate) fn url_of_output(output: &str) -> &str {
    output.trim_end_matches(INDEX_HTML)
}

/// Where one content file is, under every name a stage uses, computed once
/// when the model places it: `content/a/b.md` ([`file`](Self::file)), `a/b.md`
/// ([`rel`](Self::rel)), `a/b/` ([`url`](Self::url)), `a/b/index.html`
/// ([`output`](Self::output)) and `/base/a/b/` ([`url_under`](Self::url_under)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentPath {
    /// The source's path relative to the site folder (`content/a/b.md`).
    file: String,
    /// The source's path relative to `content/` (`a/b.md`).
    rel: String,
    /// The output file (`a/b/index.html`); the URL path is all of it but the
    /// trailing `index.html`.
    output: String,
}

impl ContentPath {
    /// The place of `source` at URL path `url` (below the base path: `""` for
    /// the home page, else ending in `/`).
    pub fn new(source: &Source, url: &str) -> ContentPath {
        debug_assert!(url.is_empty() || url.ends_with('/'), "URL path `{url}`");
        ContentPath {
            file: source.file.clone(),
            rel: source.rel.clone(),
            output: output_of_url(url),
        }
    }

    /// The source file relative to the site folder (`content/a/b.md`), for messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The source file relative to `content/` (`a/b.md`).
    pub fn rel(&self) -> &str {
        &self.rel
    }

    /// The URL path below the base path (`a/b/`; `""` for the home page).
    pub fn url(&self) -> &str {
        &self.output[..self.output.len() - INDEX_HTML.len()]
    }

    /// The output file relative to the output folder (`a/b/index.html`).
    pub fn output(&self) -> &str {
        &self.output
    }

    /// The URL path with the site's base path (`/` or `/base/`) before it.
    pub fn url_under(&self, base_path: &str) -> String {
        let url = self.url();
        let mut out = String::with_capacity(base_path.len() + url.len());
        out.push_str(base_path);
        out.push_str(url);
        out
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
    fn a_released_body_is_read_again_and_a_changed_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "---\ntitle: A\n---\n\nThe body.\n";
        std::fs::create_dir_all(dir.path().join("content")).expect("mkdir");
        std::fs::write(dir.path().join("content/a.md"), text).expect("write");
        let mut s = Source::parse("a.md", "content/a.md".into(), text.into()).expect("parses");
        s.release_body();
        assert!(!s.is_whole());
        assert_eq!(s.body(), "");
        assert_eq!(&*s.text, "---\ntitle: A\n---\n");
        let whole = s.with_whole_text(dir.path()).expect("read again");
        assert_eq!(whole.body(), "\nThe body.\n");
        // The same length, another front matter: not the file that was loaded
        // (the model was made from the old one).
        std::fs::write(
            dir.path().join("content/a.md"),
            text.replace("title: A", "title: B"),
        )
        .expect("write");
        let e = s.whole_text(dir.path()).expect_err("changed");
        assert_eq!(
            (e.file.as_str(), e.message.as_str()),
            (
                "content/a.md",
                "the file changed while the site was being built"
            )
        );
        std::fs::remove_file(dir.path().join("content/a.md")).expect("rm");
        let e = s.whole_text(dir.path()).expect_err("gone");
        assert!(
            e.message.starts_with("cannot read the file again"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_alias_names_one_output_file_under_the_base_path() {
        assert_eq!(
            alias_output(" /old-name/ ", "/"),
            ("old-name/".into(), "old-name/index.html".into())
        );
        assert_eq!(
            alias_output("/sub/old", "/sub/"),
            ("old".into(), "old/index.html".into())
        );
        assert_eq!(
            alias_output("/sub/sub/old", "/sub/"),
            ("sub/old".into(), "sub/old/index.html".into())
        );
        assert_eq!(
            alias_output("old.html", "/"),
            ("old.html".into(), "old.html".into())
        );
        assert_eq!(alias_output("/", "/").0, "");
    }

    #[test]
    fn line_index_counts_characters() {
        let index = LineIndex::new("ab\ncé d");
        assert_eq!(index.line_col(7), (2, 4));
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(LineIndex::new("x").line_col(99), (1, 2));
    }

    #[test]
    fn content_path_names_one_place() {
        let text = "---\ntitle: B\n---\nBody\n".to_string();
        let source = Source::parse("a/b.md", "content/a/b.md".into(), text).expect("parses");
        let place = ContentPath::new(&source, "a/b/");
        assert_eq!(place.file(), "content/a/b.md");
        assert_eq!(place.rel(), "a/b.md");
        assert_eq!(place.url(), "a/b/");
        assert_eq!(place.output(), "a/b/index.html");
        assert_eq!(place.url_under("/base/"), "/base/a/b/");
        let home = ContentPath::new(&source, "");
        assert_eq!((home.url(), home.output()), ("", "index.html"));
        assert_eq!(url_of_output("a/b/index.html"), "a/b/");
        assert_eq!(url_of_output("404.html"), "404.html");
    }
}
