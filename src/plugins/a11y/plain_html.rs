//! A reader of plain HTML, as templates and comrak write it, that drives the
//! pass without lol_html: most of a page's cost in the stage was lol_html's
//! work around each element and text node (building its tokens, matching
//! selectors, decoding text), not the pass's.
//!
//! In: a page (or its shell, with the body's mark) and the page's
//! [`Pass`]. Out: the page with the pass's repairs, byte for byte what the pass
//! gives under lol_html (`tests.rs` reads every page both ways), with its
//! findings and facts in the pass's state; `None` at anything this reader does
//! not know, or when a handler fails: the caller then reads the page with
//! lol_html, from a fresh state.
//!
//! What it knows: the doctype, comments, start tags with lowercase names and
//! attributes (quoted, unquoted or bare, each name once), end tags that close
//! the innermost open element, void elements, text, `title`, `textarea`,
//! `script` and `style` whose content holds no `<`, and SVG (names with
//! capitals, elements written `/>`). What it leaves to lol_html: MathML,
//! `template`, `noscript` and the other raw-text elements, HTML inside SVG,
//! `/>` on an HTML element that is not void, an end tag that does not close
//! the innermost element (HTML's implied end tags), an element left open, and
//! CDATA or processing instructions.

use std::borrow::Cow;
use std::ops::Range;

use super::element::{EndTagEdit, Note, Tag, Text};
use super::pass::{Pass, has_special_class};
use super::read::{LinkAttrs, StartTag, TAG_BUF};
use super::state::{AtEnd, HandlerResult, Shared};

/// What the reader does with an element, by its name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    /// One of HTML's void elements: no content, no end tag.
    Void,
    /// Its content is text up to its end tag (raw text or RCDATA): read here
    /// when that text holds no `<`.
    TextOnly,
    /// Its content is not HTML, or lol_html reads it another way (foreign
    /// content, `template`, `noscript` and other raw-text elements).
    LeftToLolHtml,
}

fn kind(name: &str) -> Kind {
    match name {
        "area" | "base" | "br" | "col" | "embed" | "hr" | "img" | "input" | "link" | "meta"
        | "source" | "track" | "wbr" => Kind::Void,
        "title" | "textarea" | "script" | "style" => Kind::TextOnly,
        "math" | "template" | "noscript" | "iframe" | "noembed" | "noframes" | "xmp"
        | "plaintext" | "frameset" | "param" => Kind::LeftToLolHtml,
        _ => Kind::Normal,
    }
}

/// What the reader does with an element inside SVG, by its name (any case)
/// and its parent's: an HTML element that leaves foreign content, a place
/// where HTML comes back in (`foreignObject`, or anything inside `title` and
/// `desc`), and `script` and `style` are left to lol_html.
fn svg_kind(name: &str, parent: &str) -> Kind {
    let leaves = |n: &str| {
        // Compared in lower case (no name of the list is longer than 13).
        let mut buf = [0u8; 16];
        let Some(lower) = buf.get_mut(..n.len()) else {
            return false;
        };
        lower.copy_from_slice(n.as_bytes());
        lower.make_ascii_lowercase();
        matches!(
            &*lower,
            b"b" | b"big"
                | b"blockquote"
                | b"body"
                | b"br"
                | b"center"
                | b"code"
                | b"dd"
                | b"div"
                | b"dl"
                | b"dt"
                | b"em"
                | b"embed"
                | b"h1"
                | b"h2"
                | b"h3"
                | b"h4"
                | b"h5"
                | b"h6"
                | b"head"
                | b"hr"
                | b"i"
                | b"img"
                | b"li"
                | b"listing"
                | b"menu"
                | b"meta"
                | b"nobr"
                | b"ol"
                | b"p"
                | b"pre"
                | b"ruby"
                | b"s"
                | b"small"
                | b"span"
                | b"strong"
                | b"strike"
                | b"sub"
                | b"sup"
                | b"table"
                | b"tt"
                | b"u"
                | b"ul"
                | b"var"
                | b"font"
                | b"foreignobject"
                | b"script"
                | b"style"
                | b"math"
        )
    };
    let html_comes_back = ["title", "desc", "foreignobject"]
        .iter()
        .any(|p| parent.eq_ignore_ascii_case(p));
    if leaves(name) || html_comes_back {
        Kind::LeftToLolHtml
    } else {
        Kind::Normal
    }
}

/// An end-tag handler of the pass's own.
type Handler = Box<dyn FnOnce(&mut dyn EndTagEdit) -> HandlerResult>;

/// What is done at an element's end tag, in the order the pass asked.
enum OnEnd {
    /// The state's own (most elements' only one: no handler is boxed).
    State(AtEnd),
    Handler(Handler),
}

/// An attribute of a start tag: as written, or set by the pass.
struct Attr<'s> {
    name: Cow<'s, str>,
    value: Cow<'s, str>,
    /// Where the value stands in the page, until the pass sets it.
    value_at: Option<Range<usize>>,
    /// The attribute as written (`name`, `name=value`, `name="value"`), until
    /// the pass sets it.
    raw: Option<&'s str>,
}

/// An element open in the page: its name, where its end-tag handlers start
/// on the reader's stack of them, and what goes after its end tag.
struct Open<'s> {
    name: &'s str,
    ends_from: usize,
    after: Vec<String>,
    /// It is an `svg` element (in HTML or in SVG).
    svg: bool,
}

/// A start tag as the pass meets it.
struct PlainTag<'s, 'a> {
    src: &'s str,
    span: Range<usize>,
    name: &'s str,
    attrs: &'a mut Vec<Attr<'s>>,
    self_closing: bool,
    void: bool,
    modified: bool,
    before: String,
    /// What follows the start tag (lol_html adds each at the front).
    after_start: Vec<String>,
    /// What follows the end tag (likewise).
    after_end: Vec<String>,
    /// The reader's stack of end-tag handlers, this element's pushed last.
    ends: &'a mut Vec<OnEnd>,
    /// The pass asked for something this reader does not do.
    unsupported: bool,
}

/// Reads `html` with `pass`; `None` where lol_html must read it (see the
/// module).
pub(super) fn read(pass: &Pass<'_>, html: &str) -> Option<String> {
    let b = html.as_bytes();
    let mut r = Reader {
        pass,
        html,
        out: String::with_capacity(html.len() + pass.output_room()),
        copied: 0,
        open: Vec::new(),
        attrs: Vec::new(),
        ends: Vec::new(),
        svg: 0,
    };
    let mut at = 0;
    while at < b.len() {
        let lt = memchr::memchr(b'<', &b[at..]).map_or(b.len(), |i| at + i);
        if lt > at {
            r.text(at, lt)?;
        }
        if lt == b.len() {
            break;
        }
        at = match *b.get(lt + 1)? {
            b'!' => r.declaration(lt)?,
            b'/' => r.end_tag(lt)?,
            c if c.is_ascii_lowercase() => r.start_tag(lt)?,
            _ => return None,
        };
    }
    r.copy_to(html.len());
    r.open.is_empty().then_some(r.out)
}

/// The reader's place in one page.
struct Reader<'p, 's> {
    pass: &'p Pass<'p>,
    html: &'s str,
    /// The page as the pass leaves it, up to [`Reader::copied`]: what the pass
    /// leaves as it stands is copied in runs, when something changes.
    out: String,
    /// Where the page is written up to.
    copied: usize,
    open: Vec<Open<'s>>,
    /// The attributes of the start tag being read (reused).
    attrs: Vec<Attr<'s>>,
    /// The end-tag handlers of the open elements, innermost last.
    ends: Vec<OnEnd>,
    /// How many `svg` elements are open: inside one, names may have capitals
    /// and any element may be written `/>`.
    svg: usize,
}

impl<'s> Reader<'_, 's> {
    /// Writes the page as it stands from where it is written up to `to`.
    fn copy_to(&mut self, to: usize) {
        self.out.push_str(&self.html[self.copied..to]);
        self.copied = to;
    }

    /// Writes what `write` gives in place of the page's bytes `from..to`.
    fn rewrite(&mut self, from: usize, to: usize, write: impl FnOnce(&str, &mut String)) {
        self.copy_to(from);
        write(&self.html[from..to], &mut self.out);
        self.copied = to;
    }

    /// The text node at `from..to`.
    fn text(&mut self, from: usize, to: usize) -> Option<()> {
        let text = &self.html[from..to];
        let mut t = PlainText {
            text,
            edit: Edit::Keep,
        };
        self.pass.text(&mut t).ok()?;
        if !matches!(t.edit, Edit::Keep) {
            self.rewrite(from, to, |raw, out| t.edit.write(raw, out));
        }
        Some(())
    }

    /// `<!doctype …>` or a comment, at `lt`; where reading goes on.
    fn declaration(&mut self, lt: usize) -> Option<usize> {
        let rest = &self.html[lt..];
        if let Some(inner) = rest.strip_prefix("<!--") {
            let len = memchr::memmem::find(inner.as_bytes(), b"-->")?;
            let text = &inner[..len];
            if text.starts_with('>') || text.starts_with("->") || text.contains("--") {
                return None;
            }
            let mut c = PlainComment {
                text,
                edit: Edit::Keep,
            };
            self.pass.comment(&mut c).ok()?;
            if !matches!(c.edit, Edit::Keep) {
                self.rewrite(lt, lt + len + 7, |raw, out| c.edit.write(raw, out));
            }
            return Some(lt + len + 7);
        }
        let doctype = rest.get(..9)?.eq_ignore_ascii_case("<!doctype");
        let gt = memchr::memchr(b'>', rest.as_bytes())?;
        doctype.then_some(lt + gt + 1)
    }

    /// An end tag at `lt`: it must close the innermost open element, whose
    /// end-tag handlers run; where reading goes on.
    fn end_tag(&mut self, lt: usize) -> Option<usize> {
        let b = self.html.as_bytes();
        let name_end = lt + 2 + name_len(&b[lt + 2..], self.svg > 0);
        let gt = name_end + skip_space(&b[name_end..]);
        if name_end == lt + 2 || b.get(gt) != Some(&b'>') {
            return None;
        }
        let open = self.open.pop()?;
        if !open.name.eq_ignore_ascii_case(&self.html[lt + 2..name_end]) {
            return None;
        }
        if open.svg {
            self.svg -= 1;
        }
        let mut end = PlainEnd {
            before: String::new(),
        };
        let state = self.pass.state();
        for f in self.ends.drain(open.ends_from..) {
            match f {
                OnEnd::State(action) => action.run(&mut state.borrow_mut()),
                OnEnd::Handler(f) => f(&mut end).ok()?,
            }
        }
        if !end.before.is_empty() || !open.after.is_empty() {
            self.rewrite(lt, gt + 1, |raw, out| {
                out.push_str(&end.before);
                out.push_str(raw);
                for a in &open.after {
                    out.push_str(a);
                }
            });
        }
        Some(gt + 1)
    }

    /// A start tag at `lt`: read, given to the pass, and written as the pass
    /// left it; where reading goes on.
    fn start_tag(&mut self, lt: usize) -> Option<usize> {
        let (html, b) = (self.html, self.html.as_bytes());
        let in_svg = self.svg > 0;
        let name_end = lt + 1 + name_len(&b[lt + 1..], in_svg);
        let name = &html[lt + 1..name_end];
        let kind = match self.open.last() {
            Some(parent) if in_svg => svg_kind(name, parent.name),
            _ => kind(name),
        };
        if kind == Kind::LeftToLolHtml {
            return None;
        }
        self.attrs.clear();
        let (end, self_closing) = read_attributes(html, name_end, &mut self.attrs)?;
        let svg = name.eq_ignore_ascii_case("svg");
        // In SVG (and for `svg` itself), `/>` ends an element with no content.
        let void = kind == Kind::Void || (self_closing && (in_svg || svg));
        if self_closing && !void {
            return None;
        }
        if name == "a"
            && !in_svg
            && let Some(next) = self.simple_link(end)
        {
            return Some(next);
        }
        if kind == Kind::TextOnly {
            // Its text must run to its own end tag.
            let next = end + memchr::memchr(b'<', &b[end..])?;
            let close = b.get(next + 2..next + 2 + name.len())?;
            if b.get(next + 1) != Some(&b'/') || close != name.as_bytes() {
                return None;
            }
        }
        let ends_from = self.ends.len();
        let mut tag = PlainTag {
            src: html,
            span: lt..end,
            name,
            attrs: &mut self.attrs,
            self_closing,
            void,
            modified: false,
            before: String::new(),
            after_start: Vec::new(),
            after_end: Vec::new(),
            ends: &mut self.ends,
            unsupported: false,
        };
        self.pass.element(&mut tag).ok()?;
        if tag.unsupported {
            return None;
        }
        if tag.modified || !tag.before.is_empty() || !tag.after_start.is_empty() {
            self.out.push_str(&html[self.copied..lt]);
            tag.write(&mut self.out);
            self.copied = end;
        }
        let after = tag.after_end;
        if !void {
            self.svg += usize::from(svg);
            self.open.push(Open {
                name,
                ends_from,
                after,
                svg,
            });
        }
        Some(end)
    }

    /// A link as templates write navigation, whose start tag is read (its
    /// attributes in [`Reader::attrs`]) and whose content starts at `from`:
    /// `href`, and at most a `class` and `aria-current`, around text and
    /// `span`s with at most a `class`. The pass takes it whole
    /// ([`Pass::simple_link`]), as it stands; where reading goes on. `None`,
    /// with nothing done, for any other link: it is read a tag at a time.
    fn simple_link(&mut self, from: usize) -> Option<usize> {
        let mut href = None;
        let mut current = false;
        for a in &self.attrs {
            match (&*a.name, &a.value) {
                ("href", Cow::Borrowed(v)) => href = Some(*v),
                ("class", v) if !has_special_class(v.as_bytes()) => {}
                ("aria-current", _) => current = true,
                _ => return None,
            }
        }
        let href = href?;
        let b = self.html.as_bytes();
        let mut texts = [""; 8];
        let mut n = 0;
        let (mut at, mut spans) = (from, 0u32);
        let next = loop {
            let lt = at + memchr::memchr(b'<', &b[at..])?;
            if lt > at {
                *texts.get_mut(n)? = &self.html[at..lt];
                n += 1;
            }
            let rest = &b[lt..];
            if rest.starts_with(b"</a>") && spans == 0 {
                break lt + 4;
            } else if rest.starts_with(b"</span>") {
                spans = spans.checked_sub(1)?;
                at = lt + 7;
            } else if rest.starts_with(b"<span>") {
                at = lt + 6;
                spans += 1;
            } else if rest.starts_with(b"<span class=\"") {
                let value = lt + 13;
                let quote = value + memchr::memchr(b'"', &b[value..])?;
                if b.get(quote + 1) != Some(&b'>') || has_special_class(&b[value..quote]) {
                    return None;
                }
                at = quote + 2;
                spans += 1;
            } else {
                return None;
            }
        };
        self.pass
            .simple_link(href, current, &texts[..n])
            .then_some(next)
    }
}

/// Reads the attributes of a start tag from `at` (right after its name) to
/// its `>`: where the tag ends, and whether it is written `/>`. `None` for
/// anything but lowercase names, each once, with quoted, unquoted or no
/// values.
fn read_attributes<'s>(
    html: &'s str,
    mut at: usize,
    attrs: &mut Vec<Attr<'s>>,
) -> Option<(usize, bool)> {
    let b = html.as_bytes();
    loop {
        let space = skip_space(&b[at..]);
        at += space;
        match *b.get(at)? {
            b'>' => return Some((at + 1, false)),
            b'/' if b.get(at + 1) == Some(&b'>') => return Some((at + 2, true)),
            _ if space == 0 => return None,
            _ => {}
        }
        let name_end = at + attr_name_len(&b[at..]);
        if name_end == at {
            return None;
        }
        let name = &html[at..name_end];
        let (value_at, end) = if b.get(name_end) == Some(&b'=') {
            attr_value(b, name_end + 1)?
        } else {
            (name_end..name_end, name_end)
        };
        if attrs.iter().any(|a| a.name.eq_ignore_ascii_case(name)) {
            return None;
        }
        attrs.push(Attr {
            name: Cow::Borrowed(name),
            value: Cow::Borrowed(html.get(value_at.clone())?),
            value_at: Some(value_at),
            raw: Some(&html[at..end]),
        });
        at = end;
    }
}

/// Where an attribute's value at `at` (right after its `=`) stands, and where
/// the attribute ends.
fn attr_value(b: &[u8], at: usize) -> Option<(Range<usize>, usize)> {
    match *b.get(at)? {
        q @ (b'"' | b'\'') => {
            let len = memchr::memchr(q, &b[at + 1..])?;
            Some((at + 1..at + 1 + len, at + len + 2))
        }
        _ => {
            let len = b[at..]
                .iter()
                .position(|&c| is_space(c) || c == b'>')
                .unwrap_or(b.len() - at);
            let odd = b[at..at + len]
                .iter()
                .any(|c| matches!(c, b'"' | b'\'' | b'=' | b'<' | b'`'));
            (len > 0 && !odd).then_some((at..at + len, at + len))
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

fn skip_space(b: &[u8]) -> usize {
    b.iter().position(|&c| !is_space(c)).unwrap_or(b.len())
}

/// The length of a tag name at the start of `b`: lowercase ASCII letters and
/// digits, and capitals in SVG (`linearGradient`).
fn name_len(b: &[u8], svg: bool) -> usize {
    b.iter()
        .position(|c| {
            !(c.is_ascii_lowercase() || c.is_ascii_digit() || (svg && c.is_ascii_uppercase()))
        })
        .unwrap_or(b.len())
}

/// The length of an attribute name (ASCII letters, digits, `-`, `_`, `:`,
/// `.`) at the start of `b`.
fn attr_name_len(b: &[u8]) -> usize {
    b.iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(b.len())
}

impl PlainTag<'_, '_> {
    /// Writes the start tag as lol_html does: as it stands unless an
    /// attribute changed, then each attribute as written or set, and what
    /// goes before and after it.
    fn write(&self, out: &mut String) {
        out.push_str(&self.before);
        if self.modified {
            out.push('<');
            out.push_str(self.name);
            for a in self.attrs.iter() {
                out.push(' ');
                match a.raw {
                    Some(raw) => out.push_str(raw),
                    None => {
                        out.push_str(&a.name);
                        out.push_str("=\"");
                        out.push_str(&a.value.replace('"', "&quot;"));
                        out.push('"');
                    }
                }
            }
            if self.self_closing {
                if !self.attrs.is_empty() {
                    out.push(' ');
                }
                out.push_str("/>");
            } else {
                out.push('>');
            }
        } else {
            out.push_str(&self.src[self.span.clone()]);
        }
        for a in &self.after_start {
            out.push_str(a);
        }
    }

    /// Adds what is done at the end tag; an error for a void element.
    fn push_end(&mut self, end: OnEnd) -> HandlerResult {
        if self.void {
            return Err(format!("{} can't have content", self.name).into());
        }
        self.ends.push(end);
        Ok(())
    }

    fn find(&self, name: &str) -> Option<&Attr<'_>> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

impl Tag for PlainTag<'_, '_> {
    fn start<'b>(&self, src: &'b [u8], buf: &'b mut [u8; TAG_BUF]) -> StartTag<'b> {
        // The name as it stands in the page, lowercased (capitals only in SVG).
        let at = self.span.start + 1..self.span.start + 1 + self.name.len();
        let name = src.get(at).unwrap_or_default();
        let tag = if !name.iter().any(u8::is_ascii_uppercase) {
            Cow::Borrowed(std::str::from_utf8(name).unwrap_or_default())
        } else if let Some(b) = buf.get_mut(..name.len()) {
            b.copy_from_slice(name);
            b.make_ascii_lowercase();
            Cow::Borrowed(std::str::from_utf8(b).unwrap_or_default())
        } else {
            Cow::Owned(self.name.to_ascii_lowercase())
        };
        let mut start = StartTag::new(tag, !self.void && !self.self_closing);
        for a in self.attrs.iter() {
            let value = || match a.value_at.clone().and_then(|at| src.get(at)) {
                Some(v) => Cow::Borrowed(v),
                None => Cow::Owned(a.value.as_bytes().to_vec()),
            };
            start.attribute(a.name.as_bytes(), value, || a.value.to_string());
        }
        start
    }

    fn bare(&self) -> Option<(&str, Option<&[u8]>)> {
        match &self.attrs[..] {
            [] => Some((self.name, None)),
            [a] if a.name == "class" => Some((self.name, Some(a.value.as_bytes()))),
            _ => None,
        }
    }

    fn link_attrs(&self, _src: &[u8]) -> LinkAttrs {
        let mut l = LinkAttrs::default();
        for a in self.attrs.iter() {
            l.attribute(a.name.as_bytes(), || a.value.to_string());
        }
        l
    }

    fn get_attribute(&self, name: &str) -> Option<String> {
        self.find(name).map(|a| a.value.to_string())
    }

    fn has_attribute(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn set_attribute(&mut self, name: &str, value: &str) -> HandlerResult {
        if name.is_empty()
            || name
                .bytes()
                .any(|c| is_space(c) || matches!(c, b'/' | b'>' | b'='))
        {
            return Err(format!("`{name}` is not an attribute name").into());
        }
        self.modified = true;
        let value = Cow::Owned(value.to_string());
        match self
            .attrs
            .iter_mut()
            .find(|a| a.name.eq_ignore_ascii_case(name))
        {
            Some(a) => {
                a.value = value;
                a.value_at = None;
                a.raw = None;
            }
            None => self.attrs.push(Attr {
                name: Cow::Owned(name.to_ascii_lowercase()),
                value,
                value_at: None,
                raw: None,
            }),
        }
        Ok(())
    }

    fn remove_attribute(&mut self, name: &str) {
        let before = self.attrs.len();
        self.attrs.retain(|a| !a.name.eq_ignore_ascii_case(name));
        self.modified |= self.attrs.len() != before;
    }

    fn before_html(&mut self, html: &str) {
        self.before.push_str(html);
    }

    fn after_html(&mut self, html: &str) {
        let to = if self.void {
            &mut self.after_start
        } else {
            &mut self.after_end
        };
        to.insert(0, html.to_string());
    }

    fn prepend_html(&mut self, html: &str) {
        if !self.void {
            self.after_start.insert(0, html.to_string());
        }
    }

    fn set_inner_html(&mut self, _html: &str) -> HandlerResult {
        self.unsupported = true;
        Ok(())
    }

    fn can_have_content(&self) -> bool {
        !self.void
    }

    fn is_self_closing(&self) -> bool {
        self.self_closing
    }

    fn source<'b>(&self, src: &'b [u8]) -> &'b [u8] {
        src.get(self.span.clone()).unwrap_or_default()
    }

    fn on_end<F>(&mut self, f: F) -> HandlerResult
    where
        F: FnOnce(&mut dyn EndTagEdit) -> HandlerResult + 'static,
    {
        self.push_end(OnEnd::Handler(Box::new(f)))
    }

    fn at_end(&mut self, _state: &Shared, action: AtEnd) -> HandlerResult {
        self.push_end(OnEnd::State(action))
    }
}

/// What the pass did to a text node or comment.
enum Edit {
    Keep,
    Remove,
    Replace(String),
}

impl Edit {
    fn write(&self, raw: &str, out: &mut String) {
        match self {
            Edit::Keep => out.push_str(raw),
            Edit::Remove => {}
            Edit::Replace(html) => out.push_str(html),
        }
    }
}

/// A whole text node, in one piece.
struct PlainText<'t> {
    text: &'t str,
    edit: Edit,
}

impl Text for PlainText<'_> {
    fn as_str(&self) -> &str {
        self.text
    }

    fn last_in_text_node(&self) -> bool {
        true
    }

    fn remove(&mut self) {
        self.edit = Edit::Remove;
    }

    fn replace_html(&mut self, html: &str) {
        self.edit = Edit::Replace(html.to_string());
    }
}

/// A comment (`text`: between `<!--` and `-->`).
struct PlainComment<'t> {
    text: &'t str,
    edit: Edit,
}

impl Note for PlainComment<'_> {
    fn text(&self) -> String {
        self.text.to_string()
    }

    fn remove(&mut self) {
        self.edit = Edit::Remove;
    }

    fn replace_html(&mut self, html: &str) {
        self.edit = Edit::Replace(html.to_string());
    }

    fn replace_with(&mut self, html: String) {
        self.edit = Edit::Replace(html);
    }
}

/// An end tag, as its handlers meet it.
struct PlainEnd {
    before: String,
}

impl EndTagEdit for PlainEnd {
    fn before_html(&mut self, html: &str) {
        self.before.push_str(html);
    }
}
