//! Compacts a template's text once, when the theme loads, instead of minifying
//! every page it renders (the `minify_html` setting).
//!
//! In: the text of a Tera template. Out: the same template with each run of
//! whitespace that holds a line break and that a browser would not render
//! taken out (or, where it might render, cut to one space), and each HTML
//! comment taken out. What is taken out is replaced by a Tera comment holding
//! its line breaks (`{#⏎  #}`), so every line of the template keeps its number;
//! [`Compacted::original_position`] gives the column in the template as written
//! of a position Tera reports in the compacted one.
//!
//! Which whitespace may go follows the element around it and beside it, as
//! minify-html decides it for whole pages: none inside `pre`, `code`,
//! `textarea`, `script` and `style`, or in a Tera `raw` block; between two
//! tags where either is a block (a list item, a heading, a `div`…) or the
//! parent lays out blocks (`ul`, `nav`, `table`…), all of it; at the start and
//! end of a block's content, all of it; elsewhere (between inline elements,
//! next to text or a `{{ value }}`) one space. Whitespace next to a Tera tag
//! that trims (`{%-`, `-%}`) is left to Tera. A run without a line break
//! (`<span>1</span> Title`) is never touched.

/// Elements whose content is kept exactly as written.
const VERBATIM: &[&str] = &["pre", "code", "textarea"];

/// Elements whose content is raw text (not HTML): copied as written.
const RAW_TEXT: &[&str] = &["script", "style"];

/// Elements that lay out blocks: whitespace between their children is never
/// rendered.
const LAYOUT: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "body",
    "colgroup",
    "datalist",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figure",
    "footer",
    "form",
    "head",
    "header",
    "hgroup",
    "html",
    "main",
    "map",
    "menu",
    "nav",
    "ol",
    "optgroup",
    "picture",
    "section",
    "select",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Block elements that hold text: whitespace at the start and end of their
/// content is not rendered, and none beside their tags.
const CONTENT: &[&str] = &[
    "address",
    "caption",
    "dd",
    "details",
    "dt",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "legend",
    "li",
    "p",
    "summary",
    "td",
    "th",
    "title",
];

/// Elements of the document's head and other boxes that are never inline.
const OTHER_BLOCKS: &[&str] = &["!doctype", "meta", "link", "base", "hr", "noscript"];

/// Elements without content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "!doctype",
];

/// What comes before or after a run of whitespace.
#[derive(Debug, Clone, PartialEq)]
enum Side {
    /// The start or end of the template.
    Edge,
    /// A start tag (`<li …>`), by its lower-case name.
    Start(String),
    /// An end tag (`</li>`).
    End(String),
    /// An HTML comment (taken out).
    Comment,
    /// Text, or a `{{ value }}`, or a `raw` block: whitespace beside it may show.
    Text,
}

impl Side {
    fn is_tag_like(&self) -> bool {
        !matches!(self, Side::Text)
    }

    /// A tag of an element that is never laid out inline.
    fn is_block(&self) -> bool {
        match self {
            Side::Start(n) | Side::End(n) => is_block(n),
            Side::Comment | Side::Edge | Side::Text => false,
        }
    }
}

/// Whether elements named `name` are never laid out inline.
fn is_block(name: &str) -> bool {
    LAYOUT.contains(&name) || CONTENT.contains(&name) || OTHER_BLOCKS.contains(&name)
}

/// A piece of the template: Tera's own syntax or the HTML around it.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    /// `{{ … }}`: its output is text.
    Value(&'a str),
    /// `{% … %}` or `{# … #}`: outputs nothing itself.
    Control(&'a str),
    /// `{% raw %}…{% endraw %}`: text, copied as written.
    Raw(&'a str),
    /// Everything else.
    Html(&'a str),
}

#[cfg(test)]
impl Piece<'_> {
    fn text(&self) -> &str {
        match self {
            Piece::Value(t) | Piece::Control(t) | Piece::Raw(t) | Piece::Html(t) => t,
        }
    }
}

/// Splits a template into Tera tags and HTML. An unclosed tag runs to the
/// end (Tera reports it; the text is then left as it is).
fn pieces(src: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let (mut i, mut html_from) = (0, 0);
    while i + 1 < bytes.len() {
        let close = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => "}}",
            (b'{', b'%') => "%}",
            (b'{', b'#') => "#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let end = tag_end(src, i + 2, close);
        if html_from < i {
            out.push(Piece::Html(&src[html_from..i]));
        }
        let tag = &src[i..end];
        let piece = match close {
            "}}" => Piece::Value(tag),
            "%}" if tag_word(tag) == "raw" => {
                let raw_end = raw_end(src, end);
                out.push(Piece::Raw(&src[i..raw_end]));
                i = raw_end;
                html_from = i;
                continue;
            }
            _ => Piece::Control(tag),
        };
        out.push(piece);
        i = end;
        html_from = i;
    }
    if html_from < src.len() {
        out.push(Piece::Html(&src[html_from..]));
    }
    out
}

/// The end (exclusive) of a Tera tag opened before `from`, skipping quoted
/// strings in `{{ }}` and `{% %}`.
fn tag_end(src: &str, from: usize, close: &str) -> usize {
    let bytes = src.as_bytes();
    let mut i = from;
    let mut quote = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if close != "#}" && matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if bytes[i..].starts_with(close.as_bytes()) => return i + close.len(),
            None => {}
        }
        i += 1;
    }
    src.len()
}

/// The first word of a `{% … %}` tag (`raw`, `endraw`, `if`…).
fn tag_word(tag: &str) -> &str {
    tag.trim_start_matches("{%")
        .trim_start_matches('-')
        .trim_start()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
}

/// The end of the `{% endraw %}` that closes a raw block whose opening tag
/// ends at `from` (the end of the text when there is none).
fn raw_end(src: &str, from: usize) -> usize {
    let mut i = from;
    while let Some(at) = src[i..].find("{%") {
        let start = i + at;
        let end = tag_end(src, start + 2, "%}");
        if tag_word(&src[start..end]) == "endraw" {
            return end;
        }
        i = end;
    }
    src.len()
}

/// Where the HTML scanner is.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// Between tags.
    Content,
    /// Inside a tag, which becomes `Side` when it closes.
    Tag(Side),
    /// Inside a quoted attribute value of a tag (a `{{ value }}` in it ended
    /// the piece before its closing quote).
    Quoted(Side, u8),
    /// Inside `<!-- … -->`, started at this byte of the output.
    Comment(usize),
    /// Inside `script` or `style`, until its end tag.
    RawText(String),
}

/// A compacted template, and where its text differs from the one written.
#[derive(Debug, Clone)]
pub struct Compacted {
    /// The compacted text.
    pub text: String,
    /// For each replacement, in order: where it ends in `text` and where what
    /// it replaced ends in the template as written (bytes).
    edits: Vec<(usize, usize)>,
}

impl Compacted {
    /// The 1-based line and column (in characters) in `original`, the template
    /// as written, of the position `line`:`column` in the compacted text. Lines
    /// are the same; columns differ after a replacement on the line.
    pub fn original_position(&self, original: &str, line: usize, column: usize) -> (usize, usize) {
        let Some(offset) = offset_of(&self.text, line, column) else {
            return (line, column);
        };
        let at = self
            .edits
            .partition_point(|&(new_end, _)| new_end <= offset);
        let orig = match at.checked_sub(1).map(|i| self.edits[i]) {
            Some((new_end, orig_end)) => orig_end + (offset - new_end),
            None => offset,
        };
        let orig = orig.min(original.len());
        let line_start = original[..orig].rfind('\n').map_or(0, |n| n + 1);
        let Some(before) = original.get(line_start..orig) else {
            return (line, column);
        };
        (line, before.chars().count() + 1)
    }
}

/// The byte offset in `text` of the 1-based `line` and character `column`.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = match line {
        0 | 1 => 0,
        _ => text.match_indices('\n').nth(line - 2)?.0 + 1,
    };
    let rest = &text[start..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// The compactor's state across pieces.
struct Compactor<'a> {
    src: &'a str,
    pieces: Vec<Piece<'a>>,
    out: String,
    /// See [`Compacted`].
    edits: Vec<(usize, usize)>,
    mode: Mode,
    /// Open elements (lower-case names).
    open: Vec<String>,
    /// What came last before the current position, Tera control tags aside.
    last: Side,
    /// The last piece ended with a tag that trims what follows (`-%}`).
    trims_after: bool,
}

/// Compacts the template text `src` (see the module's documentation).
pub fn compact(src: &str) -> Compacted {
    let mut c = Compactor {
        src,
        pieces: pieces(src),
        out: String::with_capacity(src.len()),
        edits: Vec::new(),
        mode: Mode::Content,
        open: Vec::new(),
        last: Side::Edge,
        trims_after: false,
    };
    for k in 0..c.pieces.len() {
        c.piece(k);
    }
    Compacted {
        text: c.out,
        edits: c.edits,
    }
}

impl Compactor<'_> {
    /// Notes that what was written so far replaced the template up to byte
    /// `end` of `text` (a slice of the template).
    fn replaced(&mut self, text: &str, end: usize) {
        let base = text.as_ptr() as usize - self.src.as_ptr() as usize;
        self.edits.push((self.out.len(), base + end));
    }

    fn piece(&mut self, k: usize) {
        match self.pieces[k] {
            Piece::Html(text) => self.html(k, text),
            Piece::Value(t) | Piece::Raw(t) => {
                self.out.push_str(t);
                if self.mode == Mode::Content {
                    self.last = Side::Text;
                }
                self.trims_after = t.ends_with("-}}");
            }
            Piece::Control(t) => {
                self.out.push_str(t);
                self.trims_after = t.ends_with("-%}") || t.ends_with("-#}");
            }
        }
    }

    /// An HTML piece, byte by byte (every byte that decides something is
    /// ASCII; the rest is copied with its neighbours).
    fn html(&mut self, k: usize, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            i = match self.mode.clone() {
                Mode::Content if bytes[i].is_ascii_whitespace() => self.whitespace(k, text, i),
                Mode::Content => self.content(text, i),
                Mode::Tag(side) => self.in_tag(text, i, side),
                Mode::Quoted(side, quote) => self.in_quotes(text, i, side, quote),
                Mode::Comment(start) => self.in_comment(text, i, start),
                Mode::RawText(name) => self.raw_text(text, i, &name),
            };
        }
        self.trims_after = false;
    }

    /// Text or the start of a tag or comment, at `i`.
    fn content(&mut self, text: &str, i: usize) -> usize {
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            self.mode = Mode::Comment(self.out.len());
            self.out.push_str("<!--");
            return i + 4;
        }
        if let Some((side, len)) = tag_start(rest) {
            self.out.push_str(&rest[..len]);
            self.mode = Mode::Tag(side);
            return i + len;
        }
        let ch = rest.chars().next().map_or(1, char::len_utf8);
        self.out.push_str(&rest[..ch]);
        self.last = Side::Text;
        i + ch
    }

    /// Inside a tag, at `i`: copied, with line breaks between attributes cut
    /// to one space; at its `>`, the element opens or closes.
    fn in_tag(&mut self, text: &str, i: usize, side: Side) -> usize {
        let b = text.as_bytes()[i];
        if b.is_ascii_whitespace() {
            let end = ws_end(text, i);
            let run = &text[i..end];
            if run.contains('\n') {
                self.out.push(' ');
                push_breaks(&mut self.out, run);
                self.replaced(text, end);
            } else {
                self.out.push_str(run);
            }
            return end;
        }
        if b == b'"' || b == b'\'' {
            self.out.push(b as char);
            return self.in_quotes(text, i + 1, side, b);
        }
        let ch = text[i..].chars().next().map_or(1, char::len_utf8);
        self.out.push_str(&text[i..i + ch]);
        if b == b'>' {
            let self_closing = text[..i].ends_with('/');
            self.close_tag(side, self_closing);
        }
        i + ch
    }

    /// Inside a quoted attribute value, at `i`: copied to its closing quote,
    /// or to the end of the piece (the value goes on after a Tera tag).
    fn in_quotes(&mut self, text: &str, i: usize, side: Side, quote: u8) -> usize {
        match text[i..].find(quote as char) {
            Some(at) => {
                self.out.push_str(&text[i..=i + at]);
                self.mode = Mode::Tag(side);
                i + at + 1
            }
            None => {
                self.out.push_str(&text[i..]);
                self.mode = Mode::Quoted(side, quote);
                text.len()
            }
        }
    }

    /// A tag has closed: the open elements and the scanner's mode follow it.
    fn close_tag(&mut self, side: Side, self_closing: bool) {
        self.mode = Mode::Content;
        match &side {
            Side::Start(name) if RAW_TEXT.contains(&name.as_str()) && !self_closing => {
                self.mode = Mode::RawText(name.clone());
            }
            Side::Start(name) if !VOID.contains(&name.as_str()) && !self_closing => {
                self.open.push(name.clone());
            }
            Side::End(name) => {
                if let Some(at) = self.open.iter().rposition(|n| n == name) {
                    self.open.truncate(at);
                }
            }
            _ => {}
        }
        self.last = side;
    }

    /// Inside an HTML comment; at its end, the comment is taken out (unless
    /// it holds `#}`, which would end the Tera comment early, or a Tera tag,
    /// which Tera must still see).
    fn in_comment(&mut self, text: &str, i: usize, start: usize) -> usize {
        match text[i..].find("-->") {
            Some(at) => {
                let end = i + at + 3;
                self.out.push_str(&text[i..end]);
                let comment = self.out[start..].to_string();
                let whole = comment.starts_with("<!--") && !comment.contains("#}");
                if whole && !comment.contains("{{") && !comment.contains("{%") {
                    self.out.truncate(start);
                    self.out.push_str("{#");
                    self.out.extend(comment.chars().filter(|&c| c == '\n'));
                    self.out.push_str("#}");
                    self.replaced(text, end);
                }
                self.mode = Mode::Content;
                self.last = Side::Comment;
                end
            }
            None => {
                self.out.push_str(&text[i..]);
                text.len()
            }
        }
    }

    /// Inside `script` or `style`: copied to the end tag.
    fn raw_text(&mut self, text: &str, i: usize, name: &str) -> usize {
        let close = format!("</{name}");
        let lower = text[i..].to_ascii_lowercase();
        match lower.find(&close) {
            Some(at) => {
                self.out.push_str(&text[i..i + at]);
                self.mode = Mode::Content;
                i + at
            }
            None => {
                self.out.push_str(&text[i..]);
                text.len()
            }
        }
    }

    /// A run of whitespace between tags or text, at `i` of piece `k`.
    fn whitespace(&mut self, k: usize, text: &str, i: usize) -> usize {
        let end = ws_end(text, i);
        let run = &text[i..end];
        let at_piece_start = i == 0;
        let at_piece_end = end == text.len();
        let keep = !run.contains('\n')
            || self.open.iter().any(|n| VERBATIM.contains(&n.as_str()))
            || (at_piece_start && self.trims_after)
            || (at_piece_end && self.next_trims_before(k));
        if keep {
            self.out.push_str(run);
            return end;
        }
        let next = self.next_side(k, text, end);
        if !self.removable(&next) {
            self.out.push(' ');
        }
        push_breaks(&mut self.out, run);
        self.replaced(text, end);
        end
    }

    /// Whether whitespace between `self.last` and `next` is never rendered.
    fn removable(&self, next: &Side) -> bool {
        let parent = self.open.last().map(String::as_str);
        let block_parent = parent.is_some_and(|p| LAYOUT.contains(&p) || CONTENT.contains(&p));
        // At the start or end of a block's content.
        let opens_parent = matches!(&self.last, Side::Start(n) if Some(n.as_str()) == parent);
        let closes_parent = matches!(next, Side::End(n) if Some(n.as_str()) == parent);
        if block_parent && (opens_parent || closes_parent) {
            return true;
        }
        if !(self.last.is_tag_like() && next.is_tag_like()) {
            return false;
        }
        parent.is_some_and(|p| LAYOUT.contains(&p)) || self.last.is_block() || next.is_block()
    }

    /// The piece after `k` opens with a tag that trims what comes before it.
    fn next_trims_before(&self, k: usize) -> bool {
        self.pieces
            .get(k + 1)
            .is_some_and(|p| matches!(p, Piece::Value(t) | Piece::Control(t) if t.as_bytes().get(2) == Some(&b'-')))
    }

    /// What comes after a run of whitespace that ends at `from` of piece `k`:
    /// Tera control tags and further whitespace are looked through.
    fn next_side(&self, k: usize, text: &str, from: usize) -> Side {
        let mut rest = &text[from..];
        let mut k = k;
        loop {
            let trimmed = rest.trim_start();
            if !trimmed.is_empty() {
                if trimmed.starts_with("<!--") {
                    return Side::Comment;
                }
                return tag_start(trimmed).map_or(Side::Text, |(side, _)| side);
            }
            k += 1;
            match self.pieces.get(k) {
                None => return Side::Edge,
                Some(Piece::Control(_)) => rest = "",
                Some(Piece::Value(_) | Piece::Raw(_)) => return Side::Text,
                Some(Piece::Html(t)) => rest = t,
            }
        }
    }
}

/// The end of the whitespace run starting at `i`.
fn ws_end(text: &str, i: usize) -> usize {
    text[i..]
        .find(|c: char| !c.is_ascii_whitespace())
        .map_or(text.len(), |e| i + e)
}

/// A Tera comment holding `run`'s line breaks, its last line indented so
/// that what follows keeps its column where the indentation allows.
fn push_breaks(out: &mut String, run: &str) {
    out.push_str("{#");
    out.extend(run.chars().filter(|&c| c == '\n'));
    let indent = run.rsplit('\n').next().map_or(0, str::len);
    out.extend(std::iter::repeat_n(' ', indent.saturating_sub(2)));
    out.push_str("#}");
}

/// A start or end tag (or `<!doctype`) at the start of `rest`: what it is and
/// how many bytes its `<` and name take.
fn tag_start(rest: &str) -> Option<(Side, usize)> {
    let (end, from) = match rest.as_bytes() {
        [b'<', b'/', ..] => (true, 2),
        [b'<', b'!', ..] => (false, 1),
        [b'<', ..] => (false, 1),
        _ => return None,
    };
    let name_len = rest[from..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '!' || c == ':'))
        .unwrap_or(rest.len() - from);
    let name = rest[from..from + name_len].to_ascii_lowercase();
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() && !name.starts_with('!') {
        return None;
    }
    let side = if end {
        Side::End(name)
    } else {
        Side::Start(name)
    };
    Some((side, from + name_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a template renders as, Tera comments taken out (for the tests).
    fn shown(compacted: &str) -> String {
        let mut out = String::new();
        for p in pieces(compacted) {
            if !matches!(p, Piece::Control(t) if t.starts_with("{#")) {
                out.push_str(p.text());
            }
        }
        out
    }

    #[test]
    fn whitespace_between_blocks_goes_and_lines_are_kept() {
        let src = "<ul>\n  <li>\n    <a href=\"/\">Home</a>\n  </li>\n</ul>\n";
        let out = compact(src).text;
        assert_eq!(shown(&out), "<ul><li><a href=\"/\">Home</a></li></ul>");
        assert_eq!(out.matches('\n').count(), src.matches('\n').count());
        // The `<a` keeps its column (5) on its line.
        assert_eq!(out.lines().nth(2).and_then(|l| l.find("<a")), Some(4));
    }

    #[test]
    fn whitespace_between_inline_elements_and_text_becomes_one_space() {
        let out = compact("<p>\n  <a href=x>a</a>\n  <a href=y>b</a>\n  and\n  {{ c }}\n</p>").text;
        assert_eq!(
            shown(&out),
            "<p><a href=x>a</a> <a href=y>b</a> and {{ c }}</p>"
        );
    }

    #[test]
    fn verbatim_raw_and_same_line_whitespace_are_kept() {
        let src = "<pre>\n  a\n</pre>\n<script>\n if (a < b) {}\n</script>\n{% raw %}\n<b>\n  {{ x }}\n{% endraw %}<span>1</span> <em>x</em>";
        let out = shown(&compact(src).text);
        assert!(out.starts_with("<pre>\n  a\n</pre>"), "{out}");
        assert!(out.contains("<script>\n if (a < b) {}\n</script>"), "{out}");
        assert!(
            out.contains("{% raw %}\n<b>\n  {{ x }}\n{% endraw %}"),
            "{out}"
        );
        assert!(out.ends_with("<span>1</span> <em>x</em>"), "{out}");
    }

    #[test]
    fn tera_control_tags_are_looked_through_and_trimming_tags_left_to_tera() {
        let src = "<ul>\n{% for l in links %}\n  <li>{{ l }}</li>\n{% endfor %}\n</ul>\n<p>\n  {{- x }}\n</p>";
        let out = shown(&compact(src).text);
        assert_eq!(
            out,
            "<ul>{% for l in links %}<li>{{ l }}</li>{% endfor %}</ul><p>\n  {{- x }}</p>"
        );
    }

    #[test]
    fn comments_go_and_breaks_inside_tags_become_a_space() {
        let src = "<div>\n<!-- a\n note -->\n<a\n   href=\"/\"\n   class=\"x\">y</a>\n</div>";
        let out = compact(src).text;
        assert_eq!(shown(&out), "<div><a href=\"/\" class=\"x\">y</a></div>");
        assert_eq!(out.matches('\n').count(), src.matches('\n').count());
    }

    #[test]
    fn positions_in_the_compacted_text_map_back_to_the_template() {
        let src = "{% extends \"base.html\" %}\n<div>\n<h1>{{ page.title </h1>\n    <!-- a -->  <p>\n</div>";
        let c = compact(src);
        assert_eq!(c.text.matches('\n').count(), src.matches('\n').count());
        // `</` on line 3: column 19 as written.
        let col = c
            .text
            .lines()
            .nth(2)
            .and_then(|l| l.find("</"))
            .expect("on line 3")
            + 1;
        assert_eq!(c.original_position(src, 3, col), (3, 19));
        // `<p>` on line 4, after a comment taken out.
        let col = c
            .text
            .lines()
            .nth(3)
            .and_then(|l| l.find("<p>"))
            .expect("on line 4")
            + 1;
        assert_eq!(c.original_position(src, 4, col), (4, 17));
        // Before any replacement, nothing moves.
        assert_eq!(c.original_position(src, 1, 4), (1, 4));
    }

    #[test]
    fn a_value_in_an_attribute_does_not_end_the_tag() {
        let src = "<html lang=\"{{ lang }}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{{ t }}</title>\n</head>";
        assert_eq!(
            shown(&compact(src).text),
            "<html lang=\"{{ lang }}\"><head><meta charset=\"utf-8\"><title>{{ t }}</title></head>"
        );
    }

    #[test]
    fn strings_in_tera_tags_do_not_end_them() {
        let src = "<p>\n  {{ \"}}—\" ~ a }}\n</p><a title=é—\n>x</a>";
        assert_eq!(
            shown(&compact(src).text),
            "<p>{{ \"}}—\" ~ a }}</p><a title=é— >x</a>"
        );
    }

    #[test]
    fn an_unknown_parent_keeps_a_space_between_inline_tags() {
        // A child template's block: the parent element is not known here.
        let src = "{% block x %}\n<span>a</span>\n<span>b</span>\n<div>c</div>\n{% endblock %}";
        assert_eq!(
            shown(&compact(src).text),
            "{% block x %} <span>a</span> <span>b</span><div>c</div>{% endblock %}"
        );
    }
}
