//! Markdown to HTML with comrak.
//!
//! In: the Markdown body of a page, where it sits in its file, and the set of pages
//! links may point to. Out: the HTML (GFM tables, footnotes, autolinks, smart
//! punctuation), the page's table of contents, and a located diagnostic for every
//! link to a page that does not exist.
//!
//! Heading levels are shifted so the body's top level is `h2` (the page title is
//! the page's only `h1`); headings get ids (not links: the accessibility stage adds
//! labelled anchor links). Internal links — Zola's `@/chapter/page.md` form,
//! relative links and site-absolute links — are checked and rewritten to
//! site-absolute URLs that include the base path, so they work from any page and
//! under a sub-path.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Output paths or content files by entry index, with a fast hash (looked up for
/// every link of every page).
pub type PathIndex = HashMap<String, usize>;
/// A set of output paths.
pub type PathSet = HashSet<String>;
use std::fmt::{self, Write};
use std::sync::Mutex;

use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::{NodeValue, Sourcepos};
use comrak::{Arena, Options, options::Plugins};
use serde::Serialize;

use crate::error::Diagnostic;

mod body_lines;
pub use body_lines::BodyLines;

/// Ids the theme uses itself; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "contents",
    "content",
    "footer",
    "header",
    "breadcrumbs",
];

/// One heading of a page, for "On this page" lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocItem {
    /// The heading's id.
    pub id: String,
    /// Its text.
    pub title: String,
    /// Its level after shifting (2 or 3).
    pub level: u8,
}

/// What links in a page may point to.
#[derive(Clone, Copy)]
pub struct Links<'a> {
    /// Entry URL path (`background/`) by path relative to `content/`.
    pub by_rel: &'a PathIndex,
    /// URL paths of all pages.
    pub pages: &'a PathIndex,
    /// Paths (relative to the output root) of every other file the site will have.
    pub files: &'a PathSet,
    /// URL path of each entry, by index.
    pub entry_paths: &'a [String],
    /// The base path, starting and ending with `/`.
    pub base_path: &'a str,
    /// Content files left out as drafts, or because they are in a draft chapter.
    pub drafts: &'a [crate::model::Draft],
    /// Content files that failed to load; links to them are not reported.
    pub unreadable: &'a [String],
    /// Mark block elements with `data-sourcepos` (the accessibility stage reads
    /// and removes them to give findings a source line).
    pub sourcepos: bool,
    /// With `sourcepos`: a body the stage splices is written without
    /// `data-sourcepos`, its lines kept aside ([`render_body`]). Only when the
    /// stage is the first to read the page (no stage of the site's own could
    /// change the body before it finds it). A page whose template shows the
    /// body changed (`{{ page.content | replace(…) }}`) is made again with the
    /// lines written back into its body (`build::jobs`).
    pub lines_aside: bool,
    /// The plain-English checks of page bodies, when on.
    pub plain_english: Option<&'a crate::plain_english::Checker>,
    /// With `plain_english`: its advice on a body is only counted, by rule,
    /// into this ([`crate::plain_english::Checker::count`]), not made: a
    /// build that lists none of a page's advice (`build::advice_cap`).
    pub plain_english_counts: Option<&'a std::sync::Mutex<crate::plain_english::Counts>>,
}

/// Where a body is, for locating problems.
pub struct Place<'a> {
    /// The file, relative to the site.
    pub file: &'a str,
    /// The whole text of the file.
    pub text: &'a str,
    /// 1-based line of the file on which the Markdown starts.
    pub first_line: usize,
    /// 1-based column of the file at which the Markdown's first line starts.
    pub first_column: usize,
    /// URL path of the page the HTML will be on (relative links resolve from it).
    pub page_path: &'a str,
    /// The content file's path relative to `content/`.
    pub source_rel: &'a str,
}

impl Place<'_> {
    /// The file's 1-based line and character column of comrak's line
    /// `line` and byte column `column` of the Markdown `md`.
    pub(crate) fn locate(&self, md: &str, line: usize, column: usize) -> (usize, usize) {
        let (md_line, md_col) = file_position(md, line, column);
        self.file_position(md_line, md_col)
    }

    /// The file's 1-based line and character column of the Markdown's line
    /// `md_line` and byte column `md_col` (comrak counts bytes; the caret
    /// counts characters).
    fn file_position(&self, md_line: usize, md_col: usize) -> (usize, usize) {
        let line = self.first_line + md_line.saturating_sub(1);
        let byte_col = if md_line <= 1 {
            self.first_column + md_col.saturating_sub(1)
        } else {
            md_col
        };
        (
            line,
            crate::frontmatter::char_column(self.text, line, byte_col),
        )
    }
}

/// The result of rendering one Markdown text.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Headings of level 2 and 3.
    pub toc: Vec<TocItem>,
    /// Broken links, and a text refused whole.
    pub problems: Vec<Problem>,
    /// Only Markdown the accessibility stage can check where it stands (no raw
    /// HTML, images, footnotes or task lists): the stage may splice it into
    /// its page (see `plugins::a11y::body`).
    pub plain: bool,
    /// The Markdown line of each element, when the HTML was written without
    /// `data-sourcepos` for the stage to read them from here ([`render_body`]).
    pub lines: Option<BodyLines>,
}

impl Rendered {
    /// The HTML as the stage's full pass must read it: with `data-sourcepos`
    /// written back when the lines were kept aside. The HTML is then no
    /// longer spliced.
    pub fn unspliced(&mut self) {
        if let Some(lines) = self.lines.take() {
            self.html = lines.marked(&self.html);
        }
        self.plain = false;
    }
}

/// A problem of one Markdown text.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What is wrong, located in the file.
    pub diagnostic: Diagnostic,
    /// The link's or image's URL as written, when it leads nowhere or is not
    /// allowed: a caller whose text is not the file's own lines (a folded
    /// YAML item) finds the link in the file by it.
    pub url: Option<String>,
}

fn options(raw_html: bool) -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    // GitHub's alerts: `> [!NOTE] Editor's note` for an editorial note.
    o.extension.alerts = true;
    o.parse.smart = true;
    o.render.r#unsafe = raw_html;
    o
}

struct Headings {
    state: Mutex<(comrak::Anchorizer, Vec<TocItem>)>,
}

impl HeadingAdapter for Headings {
    fn enter(&self, out: &mut dyn Write, h: &HeadingMeta, pos: Option<Sourcepos>) -> fmt::Result {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (anchorizer, toc) = &mut *guard;
        let title = h.content.trim().to_string();
        let id = anchorizer.anchorize(if title.is_empty() { "section" } else { &title });
        if h.level <= 3 {
            toc.push(TocItem {
                id: id.clone(),
                title,
                level: h.level,
            });
        }
        match pos {
            Some(p) => write!(
                out,
                "<h{} id=\"{}\" data-sourcepos=\"{}:{}\">",
                h.level, id, p.start.line, p.start.column
            ),
            None => write!(out, "<h{} id=\"{}\">", h.level, id),
        }
    }

    fn exit(&self, out: &mut dyn Write, h: &HeadingMeta) -> fmt::Result {
        write!(out, "</h{}>", h.level)
    }
}

/// Renders a page body. `raw_html` lets raw HTML through (otherwise it is
/// escaped). With `links.plain_english`, its advice is among the problems.
pub fn render(md: &str, place: &Place<'_>, links: &Links<'_>, raw_html: bool) -> Rendered {
    render_for(md, place, links, raw_html, false)
}

/// Renders a page's body as [`render`] does, except that with
/// [`Links::lines_aside`] a body the accessibility stage splices into its
/// page ([`Rendered::plain`]) is written without `data-sourcepos`: its lines
/// are in [`Rendered::lines`].
pub fn render_body(md: &str, place: &Place<'_>, links: &Links<'_>, raw_html: bool) -> Rendered {
    render_for(md, place, links, raw_html, links.lines_aside)
}

/// [`render_with`] as `links` has it (source positions, plain English).
fn render_for(
    md: &str,
    place: &Place<'_>,
    links: &Links<'_>,
    raw_html: bool,
    lines_aside: bool,
) -> Rendered {
    let (sourcepos, plain_english) = (links.sourcepos, links.plain_english);
    render_with(
        md,
        place,
        links,
        raw_html,
        sourcepos,
        plain_english,
        lines_aside,
    )
}

fn render_with(
    md: &str,
    place: &Place<'_>,
    links: &Links<'_>,
    raw_html: bool,
    sourcepos: bool,
    plain_english: Option<&crate::plain_english::Checker>,
    lines_aside: bool,
) -> Rendered {
    let mut opts = options(raw_html);
    opts.render.sourcepos = sourcepos;
    // Quotes nested past the limit are refused before parsing: comrak's alert
    // scanner looks again at every level of a quote, which is quadratic in
    // the depth.
    if let Some((md_line, md_col)) = quote_too_deep(md) {
        return Rendered::refused(too_deep_at(place, md_line, md_col));
    }
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, md, &opts);
    if let Some(d) = too_deep(root, md, place) {
        // Later stages (the HTML passes) walk the document recursively: a page
        // nested thousands of levels deep would exhaust the stack.
        return Rendered::refused(d);
    }
    let mut problems = plain_english.map_or_else(Vec::new, |c| {
        plain_english_advice(c, root, md, place, links.plain_english_counts)
    });
    let mut plain = true;
    problems.extend(shift_and_resolve(
        root,
        md,
        place,
        links,
        sourcepos && raw_html,
        &mut plain,
    ));
    let mut lines = (sourcepos && lines_aside && plain).then(|| BodyLines::of(root));
    if lines.is_some() {
        opts.render.sourcepos = false;
    }
    let (mut html, toc) = format(root, &opts, md.len());
    if html.contains("<table") {
        html = frame_tables(&html, lines.as_mut());
    }
    Rendered {
        html,
        toc,
        problems,
        plain,
        lines,
    }
}

/// The plain-English advice on a body (read from its tree before links and
/// headings are changed), as problems.
fn plain_english_advice<'a>(
    checker: &crate::plain_english::Checker,
    root: &'a comrak::nodes::AstNode<'a>,
    md: &str,
    place: &Place<'_>,
    counts: Option<&std::sync::Mutex<crate::plain_english::Counts>>,
) -> Vec<Problem> {
    let locate = |line, column| place.locate(md, line, column);
    let body = crate::plain_english::Body {
        file: place.file,
        text: place.text,
        md,
        first_line: place.first_line,
        first_column: place.first_column,
        locate: &locate,
    };
    if let Some(counts) = counts {
        let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
        checker.count(root, &body, &mut counts);
        return Vec::new();
    }
    checker
        .check(root, &body)
        .into_iter()
        .map(|diagnostic| Problem {
            diagnostic,
            url: None,
        })
        .collect()
}

impl Rendered {
    /// No HTML, and the one problem that refused the text.
    fn refused(problem: Diagnostic) -> Rendered {
        Rendered {
            html: String::new(),
            toc: Vec::new(),
            problems: vec![Problem {
                diagnostic: problem,
                url: None,
            }],
            plain: false,
            lines: None,
        }
    }
}

/// The comment that opens a block of raw HTML when source positions are on:
/// `<!--reportsite:line N-->`, N its line in the Markdown (comrak gives raw
/// HTML no `data-sourcepos`). The accessibility stage reads and removes it,
/// so what it finds in the block has a line.
pub(crate) const RAW_LINE_MARK: &str = "reportsite:line ";

/// The comment that closes a block of raw HTML opened by [`RAW_LINE_MARK`].
pub(crate) const RAW_END_MARK: &str = "reportsite:end";

/// Shifts the headings so the top level is `h2`, and resolves every link and
/// image through [`resolve`]: the problems of those that lead nowhere. With
/// `mark_raw`, puts each block of raw HTML between the [`RAW_LINE_MARK`] and
/// [`RAW_END_MARK`] comments (in the same walk). `plain` is cleared when a
/// node is not [`splicable`].
fn shift_and_resolve<'a>(
    root: &'a comrak::nodes::AstNode<'a>,
    md: &str,
    place: &Place<'_>,
    links: &Links<'_>,
    mark_raw: bool,
    plain: &mut bool,
) -> Vec<Problem> {
    let min_level = root
        .descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Heading(h) => Some(h.level),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let shift = 2i16 - i16::from(min_level);
    let mut problems = Vec::new();
    for node in root.descendants() {
        let mut data = node.data_mut();
        let pos = data.sourcepos;
        *plain = *plain && splicable(&data.value);
        let image = matches!(data.value, NodeValue::Image(_));
        match &mut data.value {
            NodeValue::Heading(h) => {
                h.level = (i16::from(h.level) + shift).clamp(2, 6) as u8;
            }
            NodeValue::Link(link) | NodeValue::Image(link) => {
                match resolve(&link.url, place, links, image) {
                    Ok(Some(url)) => link.url = url,
                    Ok(None) => {}
                    Err(e) => {
                        let (md_line, md_col) = file_position(md, pos.start.line, pos.start.column);
                        let (line, column) = place.file_position(md_line, md_col);
                        problems.push(Problem {
                            diagnostic: Diagnostic::error(e.code, place.file, e.message)
                                .at_in(place.text, line, column)
                                .help(e.help),
                            url: Some(link.url.clone()),
                        });
                    }
                }
            }
            NodeValue::HtmlBlock(block) if mark_raw => {
                block.literal = format!(
                    "<!--{RAW_LINE_MARK}{}-->{}<!--{RAW_END_MARK}-->",
                    pos.start.line, block.literal
                );
            }
            _ => {}
        }
    }
    problems
}

/// Whether the accessibility stage can check what comrak writes for this
/// node without reading it as HTML: the kinds of node whose HTML is plain
/// elements and text (no raw HTML, images, footnotes or task lists, whose
/// repairs need the stage's full pass).
fn splicable(value: &NodeValue) -> bool {
    matches!(
        value,
        NodeValue::Document
            | NodeValue::Paragraph
            | NodeValue::Heading(_)
            | NodeValue::Text(_)
            | NodeValue::SoftBreak
            | NodeValue::LineBreak
            | NodeValue::Emph
            | NodeValue::Strong
            | NodeValue::Strikethrough
            | NodeValue::Code(_)
            | NodeValue::CodeBlock(_)
            | NodeValue::List(_)
            | NodeValue::Item(_)
            | NodeValue::BlockQuote
            | NodeValue::ThematicBreak
            | NodeValue::Link(_)
            | NodeValue::Table(_)
            | NodeValue::TableRow(_)
            | NodeValue::TableCell
    )
}

/// Writes the document as HTML, headings with ids (never one of
/// [`RESERVED_IDS`]) and the table of contents they make.
fn format<'a>(
    root: &'a comrak::nodes::AstNode<'a>,
    opts: &Options<'_>,
    md_len: usize,
) -> (String, Vec<TocItem>) {
    let mut anchorizer = comrak::Anchorizer::new();
    for id in RESERVED_IDS {
        anchorizer.anchorize(id);
    }
    let headings = Headings {
        state: Mutex::new((anchorizer, Vec::new())),
    };
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&headings);
    let mut html = String::with_capacity(md_len * 5 / 4 + 64);
    // Writing into a String cannot fail.
    let _ = comrak::format_html_with_plugins(root, opts, &mut html, &plugins);
    let toc = headings
        .state
        .into_inner()
        .map(|(_, t)| t)
        .unwrap_or_else(|e| e.into_inner().1);
    (html, toc)
}

/// How deep Markdown may nest (quotes in lists in quotes, emphasis in emphasis…):
/// far beyond any real document, well within what the HTML stages can walk.
pub(crate) const MAX_NESTING: usize = 100;

/// A located error when the document nests deeper than [`MAX_NESTING`]; walks the
/// tree with its own stack, so depth costs no recursion here.
fn too_deep<'a>(
    root: &'a comrak::nodes::AstNode<'a>,
    md: &str,
    place: &Place<'_>,
) -> Option<Diagnostic> {
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_NESTING {
            let pos = node.data().sourcepos;
            let (md_line, md_col) = file_position(md, pos.start.line, pos.start.column);
            return Some(too_deep_at(place, md_line, md_col));
        }
        let mut child = node.first_child();
        while let Some(c) = child {
            stack.push((c, depth + 1));
            child = c.next_sibling();
        }
    }
    None
}

/// The `too-deep` error at the 1-based line and byte column `md_line`:`md_col`
/// of the Markdown (lines as the file counts them).
fn too_deep_at(place: &Place<'_>, md_line: usize, md_col: usize) -> Diagnostic {
    let (line, column) = place.file_position(md_line, md_col);
    Diagnostic::error(
        "too-deep",
        place.file,
        format!(
            "the Markdown here is nested more than {MAX_NESTING} levels deep (quotes, lists or emphasis inside each other)"
        ),
    )
    .at_in(place.text, line, column)
    .help("flatten it: a reader (and a screen reader) cannot follow more than a few levels")
}

/// The line and byte column of the first `>` that opens a quote nested more
/// than [`MAX_NESTING`] deep at the start of a line (`> > > …`, spaces
/// allowed between), if any.
fn quote_too_deep(md: &str) -> Option<(usize, usize)> {
    for (i, line) in md.split('\n').enumerate() {
        let mut depth = 0;
        for (j, b) in line.bytes().enumerate() {
            match b {
                b'>' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some((i + 1, j + 1));
                    }
                }
                b' ' | b'\t' => {}
                _ => break,
            }
        }
    }
    None
}

/// Maps comrak's 1-based line and byte column in `md` to the line and byte column
/// of `md` as the file's lines count them. comrak (as CommonMark says) also ends a
/// line at a lone `\r`; `str::lines`, and so every message, ends lines only at
/// `\n`, so without this a link after a lone `\r` was placed lines too far down.
fn file_position(md: &str, line: usize, column: usize) -> (usize, usize) {
    let bytes = md.as_bytes();
    if !bytes.contains(&b'\r') {
        return (line, column);
    }
    // The byte at which comrak's line `line` starts.
    let mut start = 0;
    let mut n = 1;
    let mut i = 0;
    while n < line && i < bytes.len() {
        let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        if bytes[i] == b'\n' || lone_cr {
            n += 1;
            start = i + 1;
        }
        i += 1;
    }
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| start + p);
    let at = (start + column.saturating_sub(1)).min(end);
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let newlines = bytes[..at].iter().filter(|&&b| b == b'\n').count();
    (newlines + 1, at - line_start + 1)
}

/// Renders a short Markdown text (a recommendation, a list item): a single
/// paragraph loses its `<p>` wrapper.
pub fn render_inline(md: &str, place: &Place<'_>, links: &Links<'_>, raw_html: bool) -> Rendered {
    let mut r = render_with(md, place, links, raw_html, false, None, false);
    let trimmed = r.html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        r.html = inner.to_string();
    }
    r
}

/// Gives every table a caption and header scopes, and puts it in a focusable,
/// labelled region that scrolls sideways instead of widening the page.
///
/// A paragraph that is only emphasised text starting with `Table:` right before a
/// table becomes its caption (`*Table: Referrals by year*`). Column alignment
/// becomes a class (`align` is obsolete in HTML).
fn frame_tables(html: &str, mut lines: Option<&mut BodyLines>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    let mut n = 0;
    while let Some(pos) = find_tag(rest, "table") {
        n += 1;
        let mut before = &rest[..pos];
        let mut caption = None;
        let trimmed = before.trim_end();
        // `<p ...><em ...>Table: caption</em></p>` right before the table.
        if let Some(body) = trimmed.strip_suffix("</em></p>")
            && let Some(p_start) = body.rfind("<p")
            && let Some(em_open) = body[p_start..].find("<em").map(|i| p_start + i)
            && let Some(em_end) = body[em_open..].find('>').map(|i| em_open + i + 1)
            && body[p_start..em_open].ends_with('>')
            && !body[p_start..em_open].contains('<') | body[p_start..em_open].starts_with("<p")
        {
            let inner = &body[em_end..];
            if let Some(text) = inner
                .strip_prefix("Table:")
                .or_else(|| inner.strip_prefix("Table "))
                && !inner.contains("<p")
                && !inner.contains("<em")
            {
                caption = Some(text.trim().to_string());
                before = &before[..p_start];
                if let Some(lines) = lines.as_deref_mut() {
                    lines.caption_taken(n);
                }
            }
        }
        out.push_str(before);
        let after = &rest[pos..];
        let open_end = after.find('>').map(|i| i + 1).unwrap_or(after.len());
        let end = after
            .find("</table>")
            .map(|i| i + "</table>".len())
            .unwrap_or(after.len());
        let open_tag = &after[..open_end];
        let table = &after[open_end..end];
        match &caption {
            Some(c) => {
                let id = format!("table-caption-{n}");
                out.push_str(&table_region_open(&TableLabel::Caption(&id)));
                out.push_str(&format!("{open_tag}\n<caption id=\"{id}\">{c}</caption>"));
            }
            None => {
                out.push_str(&table_region_open(&TableLabel::Numbered(n)));
                out.push_str(open_tag);
            }
        }
        scope_and_align(table, &mut out);
        out.push_str(TABLE_REGION_CLOSE);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// What labels a table's scrolling region.
pub(crate) enum TableLabel<'a> {
    /// The id of the table's caption.
    Caption(&'a str),
    /// "Table n".
    Numbered(usize),
}

/// The start of the focusable, labelled region a table scrolls in sideways
/// (instead of widening the page). The one place its markup is written: for
/// the Markdown's tables here, and by the accessibility stage for the
/// template's.
pub(crate) fn table_region_open(label: &TableLabel<'_>) -> String {
    let label = match label {
        TableLabel::Caption(id) => format!("aria-labelledby=\"{id}\""),
        TableLabel::Numbered(n) => format!("aria-label=\"Table {n}\""),
    };
    format!("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" {label}>")
}

/// The end of a table's scrolling region.
pub(crate) const TABLE_REGION_CLOSE: &str = "</div>";

/// Copies a table's rows to `out`, giving every `th` `scope="col"` and turning
/// `align` (obsolete in HTML) into a class, in one pass over the text.
fn scope_and_align(table: &str, out: &mut String) {
    const REPLACE: &[(&str, &str)] = &[
        ("<th>", "<th scope=\"col\">"),
        ("<th >", "<th scope=\"col\">"),
        (" align=\"left\"", " class=\"align-left\""),
        (" align=\"right\"", " class=\"align-right\""),
        (" align=\"center\"", " class=\"align-center\""),
    ];
    let mut rest = table;
    while let Some(i) = rest.find(['<', ' ']) {
        out.push_str(&rest[..i]);
        let here = &rest[i..];
        if let Some((from, to)) = REPLACE.iter().find(|(from, _)| here.starts_with(from)) {
            out.push_str(to);
            rest = &here[from.len()..];
        } else if here.starts_with("<th ") {
            // The space stays: an `align` may follow it.
            out.push_str("<th scope=\"col\"");
            rest = &here[3..];
        } else {
            out.push_str(&here[..1]);
            rest = &here[1..];
        }
    }
    out.push_str(rest);
}

/// The position of the next `<tag>` or `<tag ...>` start tag.
fn find_tag(html: &str, tag: &str) -> Option<usize> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let at = from + i;
        match html[at + open.len()..].chars().next() {
            Some('>') | Some(' ') => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

/// Why a link cannot be written: the diagnostic's code, message and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    /// `broken-link` (leads nowhere) or `unsafe-url` (a scheme that is not allowed).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

fn broken(message: String, help: impl Into<String>) -> LinkError {
    LinkError {
        code: "broken-link",
        message,
        help: help.into(),
    }
}

/// The schemes a link may use; any other (`javascript:`, `vbscript:`, `file:`…)
/// is an error. `data:` is allowed for images only.
pub(crate) const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Resolves a URL the site writes, the one resolver for Markdown links and
/// images and the URLs of front-matter fields (a document's `href`).
/// `Ok(None)`: leave it as written (an external address, a `#fragment`);
/// `Ok(Some(url))`: write this instead (a site path under the base path);
/// `Err`: it leads nowhere, or uses a scheme that is not allowed.
///
/// `@/file.md` is a content file; a root-relative path (`/files/a.pdf`) is a
/// path in the built site, placed under `base_url`'s path (a path already under
/// it is kept); a relative path is resolved from the page. Each must be a page
/// or a file of the built site (from `static/`, the theme or `content/`).
pub fn resolve(
    url: &str,
    place: &Place<'_>,
    links: &Links<'_>,
    image: bool,
) -> Result<Option<String>, LinkError> {
    let (target, fragment) = match url.find(['#', '?']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    if let Some(rel) = target.strip_prefix("@/") {
        return content_link(url, rel.trim_start_matches('/'), fragment, links);
    }
    if let Some(scheme) = scheme_of(target) {
        return allowed_scheme(url, target, scheme, image);
    }
    if target.is_empty() || target.starts_with("//") {
        return Ok(None);
    }
    let site_path = site_path(url, target, place.page_path, links.base_path)?;
    let last = site_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    let looks_like_page = site_path.is_empty() || site_path.ends_with('/') || !last.contains('.');
    if looks_like_page {
        return page_link(url, &site_path, fragment, links).map(Some);
    }
    if links.files.contains(&site_path) {
        return Ok(Some(format!(
            "{}{}{}",
            links.base_path, site_path, fragment
        )));
    }
    if target.ends_with(".md") {
        return Err(markdown_file_link(url, target, place, links));
    }
    let mut known: Vec<&str> = links.files.iter().map(String::as_str).collect();
    known.sort_unstable();
    let help = match crate::suggest::did_you_mean_path(&site_path, &known) {
        Some(p) => format!("did you mean `/{p}`? (a path from the site's root, as in static/)"),
        None => "put the file in `static/` or next to the page in `content/`, or correct the link"
            .to_string(),
    };
    Err(broken(
        format!("link to `{url}`, but the site has no file `/{site_path}`"),
        help,
    ))
}

/// The path in the built site (below the base path) of a link's `target`
/// without scheme: root-relative (placed under the base path, a path already
/// under it kept) or relative to the page at `page_path`.
fn site_path(
    url: &str,
    target: &str,
    page_path: &str,
    base_path: &str,
) -> Result<String, LinkError> {
    if let Some(abs) = target.strip_prefix('/') {
        // A path in the built site: under the base path, wherever it is hosted.
        let base = base_path.trim_start_matches('/');
        return Ok(match abs.strip_prefix(base) {
            Some(rest) if !base.is_empty() => rest.to_string(),
            _ => abs.to_string(),
        });
    }
    join(page_path, target).ok_or_else(|| {
        broken(
            format!("link to `{url}` climbs above the site's root"),
            "remove a `../` from the link, or use the `@/chapter/page.md` form",
        )
    })
}

/// A link to what looks like a page (`site_path` ends in `/` or has no
/// extension): its URL when a page is published there, else why not.
fn page_link(
    url: &str,
    site_path: &str,
    fragment: &str,
    links: &Links<'_>,
) -> Result<String, LinkError> {
    let key = if site_path.is_empty() || site_path.ends_with('/') {
        site_path.to_string()
    } else {
        format!("{site_path}/")
    };
    if links.pages.contains_key(&key) || links.files.contains(&format!("{key}index.html")) {
        return Ok(format!("{}{}{}", links.base_path, key, fragment));
    }
    let mut known: Vec<&str> = links
        .pages
        .keys()
        .map(|p| p.trim_end_matches('/'))
        .filter(|p| !p.is_empty())
        .collect();
    known.sort_unstable();
    let help = match crate::suggest::did_you_mean_path(key.trim_end_matches('/'), &known) {
        Some(p) => {
            let i = links.pages.get(&format!("{p}/")).copied().unwrap_or(0);
            let rel = links.by_rel.iter().find(|(_, v)| **v == i).map(|(k, _)| k.as_str()).unwrap_or("");
            format!("did you mean the page at `/{p}/`? Link to it as `@/{rel}` so the link follows the page if it moves")
        }
        None => "link with `@/chapter/page.md` (the content file's path) so the link follows the page if it moves"
            .to_string(),
    };
    Err(broken(
        format!("link to `{url}`, but no page is published at `/{key}`"),
        help,
    ))
}

/// A link to a Markdown file without `@/`: the author most likely meant a
/// file next to this one.
fn markdown_file_link(url: &str, target: &str, place: &Place<'_>, links: &Links<'_>) -> LinkError {
    let dir = place.source_rel.rsplit_once('/').map(|p| p.0).unwrap_or("");
    let beside = join(&format!("{dir}/"), target).unwrap_or_default();
    let mut known: Vec<&str> = links.by_rel.keys().map(String::as_str).collect();
    known.sort_unstable();
    let help = if links.by_rel.contains_key(&beside) {
        format!("write `@/{beside}` (the path from content/)")
    } else if let Some(s) = crate::suggest::did_you_mean_path(&beside, &known) {
        format!("write the path from content/ with `@/`; did you mean `@/{s}`?")
    } else {
        "write the content file's path from content/ with `@/`, e.g. `@/background/_index.md`"
            .to_string()
    };
    broken(
        format!("link to `{url}`: links to Markdown files need the `@/` form"),
        help,
    )
}

/// An `@/file.md` link: the page of that content file, or why there is none
/// (no such file, a draft, in a draft chapter). A file that could not be read
/// is left as written (its own error says why).
fn content_link(
    url: &str,
    rel: &str,
    fragment: &str,
    links: &Links<'_>,
) -> Result<Option<String>, LinkError> {
    if let Some(&i) = links.by_rel.get(rel) {
        return Ok(Some(format!(
            "{}{}{}",
            links.base_path, links.entry_paths[i], fragment
        )));
    }
    if links.unreadable.iter().any(|u| u == rel) {
        return Ok(None);
    }
    match links.drafts.iter().find(|d| d.rel == rel) {
        Some(d) if d.by == d.rel => Err(broken(
            format!(
                "link to `{url}`, but `content/{rel}` is a draft and is left out of this build"
            ),
            "remove the link, remove `draft: true` from that page, or build with --drafts",
        )),
        Some(d) => Err(broken(
            format!(
                "link to `{url}`, but `content/{rel}` is in the draft chapter `content/{}` and is left out of this build",
                d.by
            ),
            format!(
                "remove the link, remove `draft: true` from content/{}, or build with --drafts",
                d.by
            ),
        )),
        None => {
            let mut known: Vec<&str> = links.by_rel.keys().map(String::as_str).collect();
            known.sort_unstable();
            let help = match crate::suggest::did_you_mean_path(rel, &known) {
                Some(s) => format!("did you mean `@/{s}`?"),
                None => "write the path of a content file relative to content/, e.g. `@/background/_index.md`"
                    .to_string(),
            };
            Err(broken(
                format!("link to `{url}`, but there is no content file `content/{rel}`"),
                help,
            ))
        }
    }
}

/// An absolute URL passes as written when its scheme is allowed
/// ([`ALLOWED_SCHEMES`], and `data:image/…` for images); any other scheme is
/// an `unsafe-url` error.
fn allowed_scheme(
    url: &str,
    target: &str,
    scheme: &str,
    image: bool,
) -> Result<Option<String>, LinkError> {
    let scheme = scheme.to_ascii_lowercase();
    if ALLOWED_SCHEMES.contains(&scheme.as_str()) {
        return Ok(None);
    }
    let data_image = scheme == "data"
        && target[5..]
            .trim_start()
            .get(..6)
            .is_some_and(|t| t.eq_ignore_ascii_case("image/"));
    if image && data_image {
        return Ok(None);
    }
    let shown: String = url.chars().take(40).collect();
    let more = if url.chars().count() > 40 { "…" } else { "" };
    Err(LinkError {
        code: "unsafe-url",
        message: format!("link to `{shown}{more}`: `{scheme}:` addresses are not allowed"),
        help: "link to a page (`@/chapter/page.md`), a file in static/, or an http(s), mailto or tel address; other schemes can run code in the reader's browser or leave the site".to_string(),
    })
}

/// The scheme of an absolute URL (`https` of `https://…`), if it has one.
fn scheme_of(s: &str) -> Option<&str> {
    let i = s.find(':')?;
    let scheme = &s[..i];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'))
    .then_some(scheme)
}

/// Joins a relative link to the folder of `page_path` (a page's URL is a folder),
/// resolving `.` and `..`. None when it climbs above the root.
fn join(page_path: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = page_path.split('/').filter(|p| !p.is_empty()).collect();
    let trailing =
        target.ends_with('/') || target.ends_with("/.") || target.ends_with("..") || target == ".";
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Fixture = (
        HashMap<String, usize>,
        HashMap<String, usize>,
        HashSet<String>,
        Vec<String>,
    );

    fn fixture() -> Fixture {
        let paths = vec!["".to_string(), "a/".to_string(), "a/b/".to_string()];
        let by_rel = [("_index.md", 0), ("a/_index.md", 1), ("a/b.md", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let pages = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let files = ["a/chart.png".to_string()].into_iter().collect();
        (by_rel, pages, files, paths)
    }

    fn run(md: &str) -> Rendered {
        let (by_rel, pages, files, paths) = fixture();
        let links = Links {
            by_rel: &by_rel,
            pages: &pages,
            files: &files,
            entry_paths: &paths,
            base_path: "/sub/",
            drafts: &[],
            unreadable: &[],
            lines_aside: false,
            sourcepos: false,
            plain_english: None,
            plain_english_counts: None,
        };
        let text = format!("---\ntitle: x\n---\n{md}");
        let place = Place {
            file: "content/a/b.md",
            text: &text,
            first_line: 4,
            first_column: 1,
            page_path: "a/b/",
            source_rel: "a/b.md",
        };
        render(md, &place, &links, false)
    }

    #[test]
    fn scope_and_align_matches_the_replacements_it_stands_for() {
        let chain = |t: &str| {
            t.replace("<th>", "<th >")
                .replace("<th ", "<th scope=\"col\" ")
                .replace("<th scope=\"col\" >", "<th scope=\"col\">")
                .replace(" align=\"left\"", " class=\"align-left\"")
                .replace(" align=\"right\"", " class=\"align-right\"")
                .replace(" align=\"center\"", " class=\"align-center\"")
        };
        for table in [
            "",
            "<thead>\n<tr>\n<th>A</th>\n<th align=\"right\">B</th>\n<th align=\"center\">C</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1 < 2</td>\n<td align=\"right\">x</td>\n</tr>\n</tbody>\n</table>",
            "<th >a</th><th  >b</th><th scope=\"col\" >c</th><th\tx>d</th><th",
            " align=\"left\" align=\"left\"<th align=\"left\" >",
            "ünïcödé <th>é</th> <",
        ] {
            let mut out = String::new();
            scope_and_align(table, &mut out);
            assert_eq!(out, chain(table), "{table:?}");
        }
    }

    #[test]
    fn shifts_headings_so_the_body_starts_at_h2() {
        let r = run("# One\n\n## Two\n");
        assert!(r.html.contains("<h2 id=\"one\">One</h2>"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"two\">Two</h3>"), "{}", r.html);
        let r = run("## One\n\n### Two\n");
        assert!(r.html.contains("<h2 id=\"one\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn reserved_ids_are_not_reused() {
        let r = run("## Main\n");
        assert!(r.html.contains("id=\"main-1\""), "{}", r.html);
    }

    #[test]
    fn resolves_and_checks_links() {
        let r = run("[x](@/a/_index.md#top) [y](../) [z](../chart.png) [w](https://example.org)\n");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(r.html.contains("href=\"/sub/a/#top\""), "{}", r.html);
        assert!(r.html.contains("href=\"/sub/a/\""), "{}", r.html);
        assert!(
            r.html.contains("href=\"https://example.org\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn broken_links_are_located() {
        let r = run("text\n\nsee [it](@/a/c.md)\n");
        assert_eq!(r.problems.len(), 1);
        let d = &r.problems[0].diagnostic;
        assert_eq!((d.line, d.column), (Some(6), Some(5)));
        assert_eq!(r.problems[0].url.as_deref(), Some("@/a/c.md"));
        assert_eq!(d.help.as_deref(), Some("did you mean `@/a/b.md`?"));
        let r = run("[gone](../missing/)\n");
        assert_eq!(r.problems[0].diagnostic.code, "broken-link");
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let r = run("<script>alert(1)</script>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
    }

    #[test]
    fn tables_get_captions_scopes_and_a_region() {
        let r =
            run("*Table: Referrals by year*\n\n| Year | Count |\n| --- | ---: |\n| 2017 | 4 |\n");
        assert!(r.html.contains("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"table-caption-1\"><table>\n<caption id=\"table-caption-1\">Referrals by year</caption>"), "{}", r.html);
        assert!(r.html.contains("<th scope=\"col\">Year</th>"), "{}", r.html);
        assert!(
            r.html
                .contains("<th scope=\"col\" class=\"align-right\">Count</th>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("align="), "{}", r.html);
        assert!(!r.html.contains("<p><em>Table"), "{}", r.html);
    }

    #[test]
    fn join_resolves_dots() {
        assert_eq!(join("a/b/", "../c/").as_deref(), Some("a/c/"));
        assert_eq!(join("a/", "../../x"), None);
        assert_eq!(join("a/b/", "..").as_deref(), Some("a/"));
    }
}
