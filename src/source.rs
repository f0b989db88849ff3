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
use crate::frontmatter::{self, Format, FrontMatter, GlossaryEntry, Kind, Located};
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
    /// 1-based line on which the front matter starts.
    pub yaml_line: usize,
    /// How the front matter is written (`---` YAML or `+++` TOML).
    pub format: Format,
    /// The front matter as written (shared, like the text).
    pub front: Arc<FrontMatter>,
    /// The front matter as a tree of located keys and values (TOML is read
    /// into the same tree as YAML), without the Zola keys reportsite ignores;
    /// empty once released (a one-shot build releases it as soon as the file
    /// is read: [`Source::release_tree`]), and parsed again from `text` when a
    /// position is asked for.
    yaml: OnceLock<Arc<yaml::Node>>,
    /// The top-level keys that belong to a kind ([`frontmatter::KIND_KEYS`]),
    /// with their places, in the file's order: what the model's check of keys
    /// against the file's kind reads, found when the file is parsed so the
    /// located tree need not be kept for it (empty, without an allocation, in
    /// most files).
    kind_keys: Vec<(&'static str, (usize, usize))>,
    /// Warnings about the file found while reading it: the Zola keys it
    /// ignores, a title taken from a heading or the file name. Kept with the
    /// source, so a load that reuses it reports them again.
    pub warnings: Vec<Diagnostic>,
    /// The fingerprint of `text`, computed on first use (see
    /// [`Source::text_fingerprint`]); start with it empty.
    pub text_hash: OnceLock<u128>,
}

impl Source {
    /// Splits and parses the text of the Markdown file `rel` (relative to
    /// `content/`; `file` is its path relative to the site, for messages).
    ///
    /// A chapter or page without a `title` takes it from its first heading
    /// (a heading that opens the body leaves the body: it is the page's `h1`)
    /// or else from its file name, with a warning; a kind that needs a title
    /// ([`Kind::needs_title`]) without one is an error.
    pub fn parse(rel: &str, file: String, text: String) -> Result<Source, Diagnostic> {
        let split = frontmatter::split(&text, &file)?;
        let parsed = frontmatter::parse_located(&split, &text, &file)?;
        let mut body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
        let (yaml_line, mut body_line, format) = (split.yaml_line, split.body_line, split.format);
        let mut front = parsed.front;
        let mut warnings: Vec<Diagnostic> =
            frontmatter::ignored_keys_warning(&parsed.ignored, &text, &file)
                .into_iter()
                .collect();
        if front.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            let kind = kind_of(&front, is_section_rel(rel));
            if kind.needs_title() {
                let located = Located::new(&parsed.tree, yaml_line);
                return Err(frontmatter::missing_title(
                    located,
                    kind,
                    split.format,
                    &text,
                    &file,
                ));
            }
            let untitled = Untitled::of(rel, split.body);
            warnings.push(untitled.warning(split.format, body_line, &text, &file));
            if let Some((bytes, lines)) = untitled.moved {
                body_start += bytes;
                body_line += lines;
            }
            front.title = Some(untitled.title);
        }
        Ok(Source {
            rel: rel.to_string(),
            file,
            len: text.len(),
            text: text.into(),
            body_start,
            body_line,
            yaml_line,
            format,
            front: front.into(),
            kind_keys: kind_keys(Located::new(&parsed.tree, yaml_line)),
            yaml: OnceLock::from(Arc::new(parsed.tree)),
            warnings,
            text_hash: OnceLock::new(),
        })
    }

    /// The home page of a site without `content/_index.md`: a chapter titled
    /// `title` with no body (it lists the top-level chapters and pages).
    pub(crate) fn plain_home(title: &str) -> Source {
        Source {
            rel: "_index.md".to_string(),
            file: "content/_index.md".to_string(),
            text: Arc::from(""),
            len: 0,
            body_start: 0,
            body_line: 1,
            yaml_line: 1,
            format: Format::Yaml,
            front: Arc::new(FrontMatter {
                title: Some(title.to_string()),
                ..FrontMatter::default()
            }),
            yaml: OnceLock::from(Arc::new(empty_tree())),
            kind_keys: Vec::new(),
            warnings: Vec::new(),
            text_hash: OnceLock::new(),
        }
    }

    /// What it is: its `kind:`, else a chapter for `_index.md` and a page.
    pub(crate) fn kind(&self) -> Kind {
        kind_of(&self.front, self.is_section())
    }

    /// The folder of a page bundle: `a/b` for `a/b/index.md` (the page `a/b/`,
    /// whose files beside it are its own). None for any other file, and for
    /// `content/index.md` (a plain page).
    pub(crate) fn bundle_dir(&self) -> Option<&str> {
        bundle_dir(&self.rel)
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

    /// Where the front matter's keys and values are in the file (the tree is
    /// parsed again, and kept, if it was released).
    pub fn located(&self) -> Located<'_> {
        let tree = self.yaml.get_or_init(|| Arc::new(self.parse_tree()));
        Located::new(tree, self.yaml_line)
    }

    /// `f` of where the front matter's keys and values are: the tree kept,
    /// or, once released, one parsed for this question and dropped after it.
    fn with_located<R>(&self, f: impl FnOnce(Located<'_>) -> R) -> R {
        match self.yaml.get() {
            Some(tree) => f(Located::new(tree, self.yaml_line)),
            None => f(Located::new(&self.parse_tree(), self.yaml_line)),
        }
    }

    /// The located tree of the front matter in `text` (parsed without error
    /// when the source was made; empty should it fail now).
    fn parse_tree(&self) -> yaml::Node {
        frontmatter::split(&self.text, &self.file)
            .and_then(|split| frontmatter::parse_located(&split, &self.text, &self.file))
            .map_or_else(|_| empty_tree(), |parsed| parsed.tree)
    }

    /// Drops the located tree of the front matter (2.7 KB a page, kept only
    /// for positions in messages): a one-shot build releases it as soon as
    /// the file is read; [`Source::located`] parses it again if asked.
    pub(crate) fn release_tree(&mut self) {
        self.yaml = OnceLock::new();
    }

    /// The top-level keys that belong to a kind (those of
    /// [`frontmatter::KIND_KEYS`]), with their places, in the file's order.
    pub(crate) fn kind_keys(&self) -> &[(&'static str, (usize, usize))] {
        &self.kind_keys
    }

    /// The 1-based line and column of a top-level front-matter key.
    pub(crate) fn key_position(&self, key: &str) -> Option<(usize, usize)> {
        self.with_located(|l| l.key(key))
    }

    /// The place of the first value under top-level `key` that is `text`.
    pub(crate) fn value_position(&self, key: &str, text: &str) -> Option<(usize, usize)> {
        self.with_located(|l| l.scalar_under(key, text))
    }

    /// Whether this is a chapter (`_index.md`).
    pub(crate) fn is_section(&self) -> bool {
        is_section_rel(&self.rel)
    }

    /// A diagnostic at a top-level front-matter key of this file (or line 1).
    pub(crate) fn at_key(&self, d: Diagnostic, key: &str) -> Diagnostic {
        let (line, col) = self.key_position(key).unwrap_or((1, 1));
        d.at_in(&self.text, line, col)
    }
}

/// Whether `rel` (relative to `content/`) is a chapter's `_index.md`.
fn is_section_rel(rel: &str) -> bool {
    rel == "_index.md" || rel.ends_with("/_index.md")
}

/// The kind a front matter gives: its `kind:`, else a chapter for an
/// `_index.md` (`section`) and a page.
fn kind_of(front: &FrontMatter, section: bool) -> Kind {
    front
        .kind
        .unwrap_or(if section { Kind::Chapter } else { Kind::Page })
}

/// The folder of a page bundle `rel` (`a/b/index.md` → `a/b`).
pub(crate) fn bundle_dir(rel: &str) -> Option<&str> {
    rel.strip_suffix("/index.md")
}

/// Where a content file `rel` sits in the tree: the folder in which its
/// parent chapter is looked for, and the name its URL segment is made from.
/// A chapter (`a/b/_index.md`) and a page bundle (`a/b/index.md`) are the
/// folder `a/b` itself (looked for from `a`, named `b`); a page `a/c.md` is
/// in `a`, named `c`.
pub(crate) fn place_of(rel: &str) -> (&str, &str) {
    fn folder(r: &str) -> &str {
        r.rfind('/').map_or("", |i| &r[..i])
    }
    let own = if is_section_rel(rel) {
        Some(folder(rel))
    } else {
        bundle_dir(rel)
    };
    match own {
        Some(dir) => (folder(dir), dir.rsplit('/').next().unwrap_or(dir)),
        None => {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            (folder(rel), name.strip_suffix(".md").unwrap_or(name))
        }
    }
}

/// The title of a chapter or page written without one, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Untitled {
    /// The title.
    title: String,
    /// The heading it came from: its 1-based line and column in the body.
    heading: Option<(usize, usize)>,
    /// When that heading opens the body, the bytes and lines it takes there
    /// (blank lines before it included): the body starts after them.
    moved: Option<(usize, usize)>,
    /// Without a heading: whether the name is a folder's (a chapter, a bundle).
    folder: bool,
}

impl Untitled {
    /// The title of the file `rel` with Markdown `body`: its first heading's
    /// text, else its name (`getting-started.md` → "Getting started"; a
    /// chapter or bundle: its folder's; the root chapter: "Home").
    fn of(rel: &str, body: &str) -> Untitled {
        if let Some(h) = first_heading(body) {
            return Untitled {
                title: h.text,
                heading: Some((h.line, h.col)),
                moved: h.opens_body.then_some((h.end, h.lines)),
                folder: false,
            };
        }
        let (_, name) = place_of(rel);
        let words = name.replace(['-', '_'], " ");
        let words = words.trim();
        let mut chars = words.chars();
        let title = match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => "Home".to_string(),
        };
        Untitled {
            title,
            heading: None,
            moved: None,
            folder: is_section_rel(rel) || bundle_dir(rel).is_some(),
        }
    }

    /// The located warning that says where the title came from.
    fn warning(&self, format: Format, body_line: usize, text: &str, file: &str) -> Diagnostic {
        let (what, (line, col)) = match (self.heading, self.folder) {
            (Some((l, c)), _) => ("its first heading", (body_line + l - 1, c)),
            (None, true) => ("its folder's name (it has no heading)", (1, 1)),
            (None, false) => ("its file name (it has no heading)", (1, 1)),
        };
        Diagnostic::warning(
            "no-title",
            file,
            format!(
                "no `title` in the front matter: the title is \"{}\", from {what}",
                self.title
            ),
        )
        .at_in(text, line, col)
        .help(format!(
            "add `{}` to the front matter to choose the title (page lists and the browser tab show it)",
            format.example("title", &self.title)
        ))
    }
}

/// A Markdown heading found by [`first_heading`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    /// Its text, without `#`s, a closing `{#id}`, `*` and backticks.
    text: String,
    /// 1-based line and column of the heading in the body.
    line: usize,
    col: usize,
    /// Whether it is the body's first block.
    opens_body: bool,
    /// The byte offset in the body after it, and the lines up to there.
    end: usize,
    lines: usize,
}

/// The first ATX (`## Text`) or setext (`Text` over `===` or `---`) heading
/// of `body` outside fenced code, with a text that is not empty.
fn first_heading(body: &str) -> Option<Heading> {
    let lines: Vec<(usize, &str)> = body
        .split_inclusive('\n')
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        })
        .collect();
    let mut fence: Option<(char, usize)> = None;
    let (mut seen, mut paragraph) = (false, false);
    for (i, &(_, raw)) in lines.iter().enumerate() {
        let l = raw.trim_end_matches(['\n', '\r']);
        let t = l.trim_start();
        let indent = l.len() - t.len();
        if let Some((c, n)) = fence {
            if t.trim_end().len() >= n && t.trim_end().chars().all(|x| x == c) {
                fence = None;
            }
            continue;
        }
        if t.is_empty() {
            paragraph = false;
            continue;
        }
        let opens_body = !seen;
        seen = true;
        if indent >= 4 {
            paragraph = false;
            continue;
        }
        let ticks = t.chars().take_while(|&c| c == '`' || c == '~').count();
        if ticks >= 3 && t[..ticks].chars().all(|c| c == t.as_bytes()[0] as char) {
            fence = Some((t.as_bytes()[0] as char, ticks));
            paragraph = false;
            continue;
        }
        let found = atx_text(t).map(|text| (text, i + 1)).or_else(|| {
            let under = lines.get(i + 1)?.1.trim();
            let setext = !paragraph
                && !under.is_empty()
                && (under.chars().all(|c| c == '=') || under.chars().all(|c| c == '-'));
            setext.then(|| (clean_heading(t), i + 2))
        });
        match found {
            Some((text, next)) if !text.is_empty() => {
                let end = lines.get(next).map_or(body.len(), |(s, _)| *s);
                return Some(Heading {
                    text,
                    line: i + 1,
                    col: indent + 1,
                    opens_body,
                    end,
                    lines: next,
                });
            }
            _ => paragraph = true,
        }
    }
    None
}

/// The text of an ATX heading line (`## Text ##`), or None.
fn atx_text(t: &str) -> Option<String> {
    let hashes = t.chars().take_while(|&c| c == '#').count();
    let rest = &t[hashes..];
    if !(1..=6).contains(&hashes) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim();
    let closed = rest.trim_end_matches('#');
    let rest = if closed.is_empty() || closed.ends_with([' ', '\t']) {
        closed
    } else {
        rest
    };
    Some(clean_heading(rest))
}

/// A heading's text without a closing `{#id}`, emphasis stars and backticks.
fn clean_heading(t: &str) -> String {
    let t = t.trim();
    let t = match t.rfind("{#") {
        Some(i) if t.ends_with('}') => &t[..i],
        _ => t,
    };
    t.replace(['*', '`'], "").trim().to_string()
}

/// The top-level keys of `located` that belong to a kind, with their places.
fn kind_keys(located: Located<'_>) -> Vec<(&'static str, (usize, usize))> {
    located
        .keys()
        .filter_map(|(token, place)| {
            frontmatter::KIND_KEYS
                .iter()
                .flat_map(|(_, keys)| keys.iter())
                .find(|k| **k == token)
                .map(|k| (*k, place))
        })
        .collect()
}

/// A tree with no keys (a front matter without any).
fn empty_tree() -> yaml::Node {
    yaml::Node {
        pos: yaml::Pos { line: 1, col: 1 },
        value: yaml::Value::Map(Vec::new()),
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
    /// Where it is written, relative to the output folder: its `rel`, except
    /// for a file of a page bundle whose page has another URL (`slug`,
    /// `path`), which goes beside the page.
    pub output: String,
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
    fn a_chapter_and_a_bundle_are_their_folder() {
        assert_eq!(place_of("a/b/_index.md"), ("a", "b"));
        assert_eq!(place_of("a/b/index.md"), ("a", "b"));
        assert_eq!(place_of("a/c.md"), ("a", "c"));
        assert_eq!(place_of("index.md"), ("", "index"));
        assert_eq!(place_of("_index.md"), ("", ""));
        assert_eq!(bundle_dir("a/b/index.md"), Some("a/b"));
        assert_eq!(bundle_dir("index.md"), None);
    }

    #[test]
    fn an_untitled_page_takes_its_first_heading_or_its_name() {
        // A heading that opens the body leaves it.
        let s = Source::parse(
            "a/b.md",
            "content/a/b.md".into(),
            "---\nweight: 1\n---\n\n# The *big* idea {#big}\n\nText.\n".into(),
        )
        .expect("parses");
        assert_eq!(s.front.title.as_deref(), Some("The big idea"));
        assert_eq!((s.body(), s.body_line), ("\nText.\n", 6));
        let w = &s.warnings[0];
        assert_eq!((w.code, w.line, w.column), ("no-title", Some(5), Some(1)));
        assert_eq!(
            w.message,
            "no `title` in the front matter: the title is \"The big idea\", from its first heading"
        );
        // A setext heading after a paragraph stays; fenced code is not read.
        let s = Source::parse(
            "a/c.md",
            "content/a/c.md".into(),
            "+++\n+++\nIntro.\n\n```\n# not a heading\n```\nLater\n=====\n".into(),
        )
        .expect("parses");
        assert_eq!(s.front.title.as_deref(), Some("Later"));
        assert_eq!(s.body_line, 3);
        assert_eq!(s.warnings[0].line, Some(8));
        // No heading: the name; a bundle's is its folder's.
        let s = Source::parse(
            "trips/sea-walk_2/index.md",
            "content/trips/sea-walk_2/index.md".into(),
            "---\n---\nText.\n".into(),
        )
        .expect("parses");
        assert_eq!(s.front.title.as_deref(), Some("Sea walk 2"));
        assert_eq!(
            (s.warnings[0].line, s.warnings[0].column),
            (Some(1), Some(1))
        );
        assert_eq!(
            s.warnings[0].help.as_deref(),
            Some(
                "add `title: Sea walk 2` to the front matter to choose the title (page lists and the browser tab show it)"
            )
        );
        // A priority needs a title.
        let d = Source::parse(
            "p.md",
            "content/p.md".into(),
            "+++\nkind = \"priority\"\n+++\n# P\n".into(),
        )
        .unwrap_err();
        assert_eq!((d.code, d.line), ("missing-key", Some(1)));
        assert_eq!(
            d.help.as_deref(),
            Some("add a line such as `title = \"Background\"` to the front matter")
        );
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
