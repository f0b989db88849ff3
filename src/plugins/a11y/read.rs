//! Reading lol_html's elements without copies: tag names and attribute
//! names and values where they stand in the page.
//!
//! In: an element and the page's bytes. Out: borrowed names and values.

use std::borrow::Cow;

use lol_html::html_content::Element;

use super::names::NameAttrs;

/// What the pass reads of an element's start tag, in one pass over its
/// attributes (each lookup by name re-scans them all). Names are compared
/// where they stand in the page (lol_html would allocate a lowercased copy of
/// every one); values too are read where they stand, when they do.
pub(super) struct StartTag<'s> {
    /// ASCII-lowercased.
    pub(super) tag: Cow<'s, str>,
    /// It has content and an end tag to come.
    pub(super) open: bool,
    /// comrak's `data-sourcepos` (`LINE:COL-LINE:COL`).
    pub(super) sourcepos: Option<Cow<'s, [u8]>>,
    pub(super) id: Option<String>,
    pub(super) class: Option<Cow<'s, [u8]>>,
    /// `data-no-scroll`: a table that is not to be put in a scrolling region.
    pub(super) no_scroll: bool,
    /// What names and roles are computed from.
    pub(super) na: NameAttrs<'s>,
}

impl<'s> StartTag<'s> {
    /// Reads `el`'s start tag, its name into `buf` when it can.
    pub(super) fn read(el: &Element, src: &'s [u8], buf: &'s mut [u8; TAG_BUF]) -> StartTag<'s> {
        let tag = match tag_name_in_source(el, src, buf) {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(el.tag_name()),
        };
        let mut start = StartTag::new(tag, el.can_have_content() && !el.is_self_closing());
        for a in el.attributes() {
            let name = attribute_name(a, src);
            start.attribute(&name, || attribute_value(a, src), || a.value());
        }
        start
    }

    /// A start tag of `tag` (ASCII-lowercased) before its attributes are read.
    pub(super) fn new(tag: Cow<'s, str>, open: bool) -> StartTag<'s> {
        StartTag {
            tag,
            open,
            sourcepos: None,
            id: None,
            class: None,
            no_scroll: false,
            na: NameAttrs::default(),
        }
    }

    /// Reads one attribute: its name as written, its value where it stands
    /// and as a string.
    pub(super) fn attribute(
        &mut self,
        name: &[u8],
        value: impl FnOnce() -> Cow<'s, [u8]>,
        string: impl FnOnce() -> String,
    ) {
        // By length first: most attributes are none of these.
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        match name.len() {
            14 if is(b"data-sourcepos") => self.sourcepos = Some(value()),
            2 if is(b"id") => self.id = Some(string()),
            5 if is(b"class") => self.class = Some(value()),
            14 if is(b"data-no-scroll") => self.no_scroll = true,
            _ => {
                NameAttrs::read(&mut self.na, name, value);
            }
        }
    }

    /// Whether its `class` has `name`.
    pub(super) fn has_class(&self, name: &str) -> bool {
        self.class.as_deref().is_some_and(|c| {
            c.split(u8::is_ascii_whitespace)
                .any(|x| x == name.as_bytes())
        })
    }

    /// The first line of its `data-sourcepos`, when it has one.
    pub(super) fn source_line(&self) -> Option<usize> {
        let pos = self.sourcepos.as_deref()?;
        let first = pos.split(|&b| b == b':').next().unwrap_or_default();
        std::str::from_utf8(first).ok().and_then(|l| l.parse().ok())
    }
}

/// The attributes a link or button is judged by, read in one pass over them
/// (each `get_attribute` scans them all again). Of a repeated name the first
/// counts, as with `get_attribute`.
#[derive(Default)]
pub(super) struct LinkAttrs {
    pub(super) href: Option<String>,
    pub(super) aria_label: Option<String>,
    pub(super) target: Option<String>,
    pub(super) rel: Option<String>,
    pub(super) aria_current: bool,
    pub(super) footnote_ref: bool,
    pub(super) footnote_backref: bool,
}

/// An attribute's name as it stands in the page (`src`), without the lowercased
/// copy lol_html would make; a copy only when the page does not hold it.
pub(super) fn attribute_name<'a>(
    a: &lol_html::html_content::Attribute<'_>,
    src: &'a [u8],
) -> Cow<'a, [u8]> {
    in_source(a.name_source_location(), src, || a.name())
}

/// An attribute's value as it stands in the page (`src`), entities and all, as
/// lol_html's own `value()` gives it; a copy only when the page does not hold it.
pub(super) fn attribute_value<'a>(
    a: &lol_html::html_content::Attribute<'_>,
    src: &'a [u8],
) -> Cow<'a, [u8]> {
    in_source(a.value_source_location(), src, || a.value())
}

/// The bytes at `at` in `src`, or `copy()` when the page does not hold them
/// there (an attribute added or changed by a stage).
pub(super) fn in_source<'a>(
    at: Option<lol_html::html_content::SourceLocation>,
    src: &'a [u8],
    copy: impl FnOnce() -> String,
) -> Cow<'a, [u8]> {
    match at.and_then(|l| src.get(l.bytes())) {
        Some(bytes) => Cow::Borrowed(bytes),
        None => Cow::Owned(copy().into_bytes()),
    }
}

impl LinkAttrs {
    pub(super) fn read(el: &Element, src: &[u8]) -> LinkAttrs {
        let mut l = LinkAttrs::default();
        for a in el.attributes() {
            l.attribute(&attribute_name(a, src), || a.value());
        }
        l
    }

    /// Reads one attribute: its name as written, and its value.
    pub(super) fn attribute(&mut self, name: &[u8], value: impl FnOnce() -> String) {
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let slot = if is("href") {
            &mut self.href
        } else if is("aria-label") {
            &mut self.aria_label
        } else if is("target") {
            &mut self.target
        } else if is("rel") {
            &mut self.rel
        } else {
            self.aria_current |= is("aria-current");
            self.footnote_ref |= is("data-footnote-ref");
            self.footnote_backref |= is("data-footnote-backref");
            return;
        };
        if slot.is_none() {
            *slot = Some(value());
        }
    }
}

/// Room for the longest tag name read from the page itself (`blockquote`,
/// `figcaption`); longer or unusual names are asked of lol_html.
pub(super) const TAG_BUF: usize = 16;

/// The element's tag name, ASCII-lowercased, read from its start tag in the page
/// (`<h2 id=…>` gives `h2`) into `buf`, without the allocation `tag_name` makes.
/// None when the tag is not in `src` as written or its name is not plain ASCII
/// letters and digits.
pub(super) fn tag_name_in_source<'b>(
    el: &Element,
    src: &[u8],
    buf: &'b mut [u8; TAG_BUF],
) -> Option<&'b str> {
    let raw = src.get(el.source_location().bytes())?;
    let rest = raw.strip_prefix(b"<")?;
    let end = rest
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() || name.len() > TAG_BUF || !name.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let out = &mut buf[..name.len()];
    out.copy_from_slice(name);
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}
