//! Accessible names, roles and hidden content, as the audit needs them: the
//! static part of W3C accname 1.2 and of ARIA's role rules, without a DOM.
//!
//! In: what the `a11y` stage reads from each element's start tag while it
//! streams ([`NameAttrs`]: `role`, `aria-label`, `aria-labelledby`, `alt`,
//! `title`, `value`, `hidden`, `aria-hidden`, `style`, `tabindex`, …) and the
//! text between tags. Out: each element's [`Role`], whether it is hidden, and
//! its name as [`Piece`]s — text, or a reference to other elements by id
//! (`aria-labelledby`), which may come later in the page — resolved by
//! [`resolve`] at the end of the page, when every referenced element is known.
//!
//! What is computed: `aria-labelledby` (its targets' names, hidden or not,
//! followed once: no labelledby inside a labelledby traversal), `aria-label`,
//! the native names (`alt` of `img` and `area`, the `value` of button inputs and
//! their defaults), name from content for the roles that take it and for every
//! descendant (hidden descendants left out, images by their own names,
//! presentational images by none), `title` as the last resort, whitespace
//! collapsed and trimmed. Roles: the first role token ARIA knows, explicit
//! `none`/`presentation` dropped on a focusable element or one with a global
//! ARIA attribute (ARIA's conflict resolution), `img` with `alt=""` as
//! presentational. Hidden: `hidden`, `aria-hidden="true"`, an inline
//! `display: none` or `visibility: hidden` (when the page's
//! Content-Security-Policy lets inline styles apply), `template`, `script`,
//! `style`, `<input type=hidden>`, and everything inside them.
//!
//! What is left to a browser: CSS from stylesheets (a class that hides, or
//! `::before` content), scripts, shadow DOM, `<label>` and `<legend>`,
//! `<caption>` and `<figcaption>` (no rule here names tables or figures), SVG's
//! `<title>`, and embedded controls' values inside a name.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

/// The role of an element, as far as the rules of the audit care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// `link` and the roles that inherit from it (`doc-backlink`, …).
    Link,
    /// `button`.
    Button,
    /// `img` (and ARIA 1.3's `image`).
    Img,
    /// `heading`.
    Heading,
    /// `none` or `presentation` that holds.
    Presentational,
    /// `<input type=image>`: a button the rules here do not test (ACT 59796f).
    ImageButton,
    /// Any other role ARIA defines.
    Other,
    /// No role of interest (`div`, `span`, `p`, …).
    Generic,
}

/// What an element's start tag says about its role, name and visibility.
/// Values are as they stand in the page (entities not decoded).
#[derive(Debug, Default)]
pub(super) struct NameAttrs<'a> {
    pub role: Option<Cow<'a, [u8]>>,
    pub aria_label: Option<Cow<'a, [u8]>>,
    pub labelledby: Option<Cow<'a, [u8]>>,
    pub title: Option<Cow<'a, [u8]>>,
    pub alt: Option<Cow<'a, [u8]>>,
    pub value: Option<Cow<'a, [u8]>>,
    pub input_type: Option<Cow<'a, [u8]>>,
    pub tabindex: Option<Cow<'a, [u8]>>,
    pub style: Option<Cow<'a, [u8]>>,
    pub href: bool,
    pub disabled: bool,
    pub hidden: bool,
    pub aria_hidden: bool,
    /// Any of ARIA's global states and properties (they keep an explicit
    /// `role="none"` from holding).
    pub global_aria: bool,
    pub contenteditable: bool,
}

/// ARIA's global states and properties (ARIA 1.2, with the deprecated ones
/// browsers still treat as global).
const GLOBAL_ARIA: &[&str] = &[
    "aria-atomic",
    "aria-braillelabel",
    "aria-brailleroledescription",
    "aria-busy",
    "aria-controls",
    "aria-current",
    "aria-describedby",
    "aria-description",
    "aria-details",
    "aria-disabled",
    "aria-dropeffect",
    "aria-errormessage",
    "aria-flowto",
    "aria-grabbed",
    "aria-haspopup",
    "aria-hidden",
    "aria-invalid",
    "aria-keyshortcuts",
    "aria-label",
    "aria-labelledby",
    "aria-live",
    "aria-owns",
    "aria-relevant",
    "aria-roledescription",
];

/// The concrete roles of ARIA 1.2 and 1.3 and of DPUB-ARIA (`doc-…`) and
/// Graphics ARIA (`graphics-…`), by prefix: a `role` token that is none of
/// them is skipped, as browsers skip it, for the next.
const ROLES: &[&str] = &[
    "alert",
    "alertdialog",
    "application",
    "article",
    "banner",
    "blockquote",
    "button",
    "caption",
    "cell",
    "checkbox",
    "code",
    "columnheader",
    "combobox",
    "comment",
    "complementary",
    "contentinfo",
    "definition",
    "deletion",
    "dialog",
    "directory",
    "document",
    "emphasis",
    "feed",
    "figure",
    "form",
    "generic",
    "grid",
    "gridcell",
    "group",
    "heading",
    "image",
    "img",
    "insertion",
    "link",
    "list",
    "listbox",
    "listitem",
    "log",
    "main",
    "mark",
    "marquee",
    "math",
    "menu",
    "menubar",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "meter",
    "navigation",
    "none",
    "note",
    "option",
    "paragraph",
    "presentation",
    "progressbar",
    "radio",
    "radiogroup",
    "region",
    "row",
    "rowgroup",
    "rowheader",
    "scrollbar",
    "search",
    "searchbox",
    "sectionfooter",
    "sectionheader",
    "separator",
    "slider",
    "spinbutton",
    "status",
    "strong",
    "subscript",
    "suggestion",
    "superscript",
    "switch",
    "tab",
    "table",
    "tablist",
    "tabpanel",
    "term",
    "textbox",
    "time",
    "timer",
    "toolbar",
    "tooltip",
    "tree",
    "treegrid",
    "treeitem",
];

/// DPUB-ARIA roles that inherit from `link`.
const LINK_ROLES: &[&str] = &[
    "link",
    "doc-backlink",
    "doc-biblioref",
    "doc-glossref",
    "doc-noteref",
];

impl NameAttrs<'_> {
    /// Reads one attribute (`name` as in the page, any case); false when it is
    /// none of those the name computation needs.
    pub(super) fn read<'a>(
        this: &mut NameAttrs<'a>,
        name: &[u8],
        value: impl FnOnce() -> Cow<'a, [u8]>,
    ) -> bool {
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let slot = match name.len() {
            3 if is("alt") => &mut this.alt,
            4 if is("role") => &mut this.role,
            4 if is("type") => &mut this.input_type,
            5 if is("title") => &mut this.title,
            5 if is("value") => &mut this.value,
            5 if is("style") => &mut this.style,
            8 if is("tabindex") => &mut this.tabindex,
            10 if is("aria-label") => &mut this.aria_label,
            15 if is("aria-labelledby") => &mut this.labelledby,
            4 if is("href") => {
                this.href = true;
                return true;
            }
            6 if is("hidden") => {
                this.hidden = true;
                return true;
            }
            8 if is("disabled") => {
                this.disabled = true;
                return true;
            }
            15 if is("contenteditable") => {
                let v = value();
                this.contenteditable = !v.eq_ignore_ascii_case(b"false");
                return true;
            }
            _ => {
                if name.len() > 5 && name[..5].eq_ignore_ascii_case(b"aria-") {
                    if is("aria-hidden") {
                        this.aria_hidden = value().trim_ascii().eq_ignore_ascii_case(b"true");
                    }
                    this.global_aria |= GLOBAL_ARIA.iter().any(|g| is(g));
                    return true;
                }
                return false;
            }
        };
        this.global_aria |= name.len() > 5 && name[..5].eq_ignore_ascii_case(b"aria-");
        // Of a repeated attribute the first counts, as in a browser.
        if slot.is_none() {
            *slot = Some(value());
        }
        true
    }

    /// Whether the first `role` token ARIA knows is `none` or `presentation`
    /// (held or not).
    pub(super) fn explicitly_presentational(&self) -> bool {
        self.role.as_deref().is_some_and(|tokens| {
            tokens
                .split(u8::is_ascii_whitespace)
                .find(|t| !t.is_empty())
                .is_some_and(|t| {
                    t.eq_ignore_ascii_case(b"none") || t.eq_ignore_ascii_case(b"presentation")
                })
        })
    }

    /// Whether `tabindex` takes the element out of the tab order.
    pub(super) fn negative_tabindex(&self) -> bool {
        self.tabindex
            .as_deref()
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(|t| t.trim().parse::<i64>().ok())
            .is_some_and(|t| t < 0)
    }

    /// Whether the element can take focus (so an explicit `role="none"` does
    /// not hold).
    pub(super) fn focusable(&self, tag: &str) -> bool {
        let control = || {
            let hidden_input = tag == "input"
                && self
                    .input_type
                    .as_deref()
                    .is_some_and(|t| t.trim_ascii().eq_ignore_ascii_case(b"hidden"));
            !self.disabled && !hidden_input
        };
        self.tabindex.is_some()
            || self.contenteditable
            || match tag {
                "a" | "area" => self.href,
                "button" | "input" | "select" | "textarea" => control(),
                "iframe" | "summary" => true,
                _ => false,
            }
    }

    /// Whether the element itself is hidden from assistive technology (not
    /// counting its ancestors). `inline_styles`: whether the page lets its
    /// `style` attributes apply.
    pub(super) fn hidden(&self, tag: &str, inline_styles: bool) -> bool {
        self.hidden
            || self.aria_hidden
            || matches!(tag, "template" | "script" | "style")
            || (tag == "input"
                && self
                    .input_type
                    .as_deref()
                    .is_some_and(|t| t.trim_ascii().eq_ignore_ascii_case(b"hidden")))
            || (inline_styles && self.style.as_deref().is_some_and(style_hides))
    }

    /// The element's role: the first `role` token ARIA knows, else the role
    /// its tag gives it.
    pub(super) fn role(&self, tag: &str) -> Role {
        if let Some(tokens) = self.role.as_deref() {
            for token in tokens.split(u8::is_ascii_whitespace) {
                if token.is_empty() {
                    continue;
                }
                let known = |list: &[&str]| {
                    list.iter()
                        .any(|r| token.eq_ignore_ascii_case(r.as_bytes()))
                };
                if known(LINK_ROLES) {
                    return Role::Link;
                }
                if token.eq_ignore_ascii_case(b"button") {
                    return Role::Button;
                }
                if token.eq_ignore_ascii_case(b"img") || token.eq_ignore_ascii_case(b"image") {
                    return Role::Img;
                }
                if token.eq_ignore_ascii_case(b"heading") {
                    return Role::Heading;
                }
                if token.eq_ignore_ascii_case(b"none")
                    || token.eq_ignore_ascii_case(b"presentation")
                {
                    return if self.focusable(tag) || self.global_aria {
                        self.implicit_role(tag)
                    } else {
                        Role::Presentational
                    };
                }
                let prefixed =
                    |p: &[u8]| token.len() > p.len() && token[..p.len()].eq_ignore_ascii_case(p);
                if known(ROLES) || prefixed(b"doc-") || prefixed(b"graphics-") {
                    return Role::Other;
                }
            }
        }
        self.implicit_role(tag)
    }

    fn implicit_role(&self, tag: &str) -> Role {
        match tag {
            "a" | "area" if self.href => Role::Link,
            "button" => Role::Button,
            "input" => {
                let t = self.input_type.as_deref().unwrap_or_default().trim_ascii();
                let is = |n: &[u8]| t.eq_ignore_ascii_case(n);
                if is(b"button") || is(b"submit") || is(b"reset") {
                    Role::Button
                } else if is(b"image") {
                    Role::ImageButton
                } else {
                    Role::Other
                }
            }
            // `alt=""` makes an image presentational, unless it can take focus
            // or has a global ARIA attribute.
            "img"
                if self.alt.as_deref() == Some(&b""[..])
                    && !self.focusable(tag)
                    && !self.global_aria =>
            {
                Role::Presentational
            }
            "img" => Role::Img,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Role::Heading,
            _ => Role::Generic,
        }
    }

    /// Where the element's name comes from, before its content: `native` is
    /// the `alt` of an image or area, or a button input's value (or its
    /// default).
    pub(super) fn sources(&self, tag: &str, role: Role) -> Sources {
        let text = |v: &Option<Cow<'_, [u8]>>| {
            v.as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .filter(|s| !blank(s))
        };
        let native = match tag {
            "img" | "area" => text(&self.alt),
            "input" => {
                let t = self.input_type.as_deref().unwrap_or_default().trim_ascii();
                if t.eq_ignore_ascii_case(b"submit") {
                    text(&self.value).or_else(|| Some("Submit".to_string()))
                } else if t.eq_ignore_ascii_case(b"reset") {
                    text(&self.value).or_else(|| Some("Reset".to_string()))
                } else if t.eq_ignore_ascii_case(b"button") {
                    text(&self.value)
                } else {
                    None
                }
            }
            _ => None,
        };
        Sources {
            labelledby: text(&self.labelledby),
            label: text(&self.aria_label),
            native,
            title: text(&self.title),
            nameless: role == Role::Presentational && tag == "img",
        }
    }
}

/// Whether an inline `style` hides the element (`display: none`,
/// `visibility: hidden` or `collapse`).
pub(super) fn style_hides(style: &[u8]) -> bool {
    style.split(|&b| b == b';').any(|decl| {
        let Some(colon) = decl.iter().position(|&b| b == b':') else {
            return false;
        };
        let prop = decl[..colon].trim_ascii();
        let value = decl[colon + 1..].trim_ascii();
        let value = value
            .split(|&b| b == b'!')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        (prop.eq_ignore_ascii_case(b"display") && value.eq_ignore_ascii_case(b"none"))
            || (prop.eq_ignore_ascii_case(b"visibility")
                && (value.eq_ignore_ascii_case(b"hidden")
                    || value.eq_ignore_ascii_case(b"collapse")))
    })
}

/// Whether a Content-Security-Policy keeps `style` attributes from applying:
/// its `style-src-attr`, else `style-src`, else `default-src` lacks
/// `'unsafe-inline'` (or names a nonce or hash, which makes browsers ignore it).
pub(super) fn csp_blocks_inline_styles(policy: &str) -> bool {
    // The sources of the first directive of that name (asked of every page:
    // read where they stand, no copies).
    let directive = |name: &str| {
        policy.split(';').find_map(|d| {
            let mut words = d.split_ascii_whitespace();
            words
                .next()
                .filter(|n| n.eq_ignore_ascii_case(name))
                .map(|_| words)
        })
    };
    let Some(sources) = directive("style-src-attr")
        .or_else(|| directive("style-src"))
        .or_else(|| directive("default-src"))
    else {
        return false;
    };
    let starts = |s: &str, p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let (mut unsafe_inline, mut ignored) = (false, false);
    for s in sources {
        unsafe_inline |= s.eq_ignore_ascii_case("'unsafe-inline'");
        ignored |= ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
            .iter()
            .any(|p| starts(s, p));
    }
    !unsafe_inline || ignored
}

/// Where an element's name comes from, in accname's order.
#[derive(Debug, Default)]
pub(super) struct Sources {
    /// `aria-labelledby`: ids, separated by whitespace.
    pub labelledby: Option<String>,
    /// `aria-label`.
    pub label: Option<String>,
    /// A native name (`alt`, a button input's value).
    pub native: Option<String>,
    /// `title`: the last resort.
    pub title: Option<String>,
    /// A presentational image: it names nothing, not even from `title`.
    pub nameless: bool,
}

/// The sources of an element named by its content alone.
pub(super) static PLAIN: Sources = Sources {
    labelledby: None,
    label: None,
    native: None,
    title: None,
    nameless: false,
};

impl Sources {
    /// Whether nothing but its content names the element.
    pub(super) fn is_plain(&self) -> bool {
        self.labelledby.is_none()
            && self.label.is_none()
            && self.native.is_none()
            && self.title.is_none()
            && !self.nameless
    }
}

/// Part of a name: text, or what has to wait for the end of the page.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    /// Text as it stands in the page (entities not decoded).
    Text(String),
    /// `aria-labelledby`: the names of the elements with these ids, or the
    /// fallback when they give none.
    Labelled(Box<(Vec<String>, Vec<Piece>)>),
    /// The pieces, or the `title` when they give nothing.
    OrTitle(Box<(Vec<Piece>, String)>),
}

/// How deep pieces may nest before they are flattened to text (a page of
/// thousands of nested `title`d elements must not overflow the stack).
const MAX_DEPTH: usize = 8;

/// Adds text to a name, joining it to the text before it.
pub(super) fn push_text(name: &mut Vec<Piece>, text: &str) {
    if let Some(Piece::Text(t)) = name.last_mut() {
        t.push_str(text);
    } else {
        // Room for the rest of a short name (a link's number and title
        // arrive as two text nodes).
        let mut t = String::with_capacity(text.len().max(32));
        t.push_str(text);
        name.push(Piece::Text(t));
    }
}

/// Adds pieces to a name, joining text to text.
pub(super) fn append(name: &mut Vec<Piece>, pieces: Vec<Piece>) {
    for p in pieces {
        match p {
            Piece::Text(t) => push_text(name, &t),
            other => name.push(other),
        }
    }
}

/// An element's name from its sources and, when its role takes it (or it is
/// part of another's name), its `content`.
pub(super) fn compose(sources: &Sources, content: Option<Vec<Piece>>) -> Vec<Piece> {
    if sources.nameless {
        return Vec::new();
    }
    let mut name = if let Some(label) = &sources.label {
        vec![Piece::Text(label.clone())]
    } else if let Some(native) = &sources.native {
        vec![Piece::Text(native.clone())]
    } else {
        content.unwrap_or_default()
    };
    if let Some(title) = &sources.title {
        match text_only(&name) {
            Some(text) if blank(&text) => name = vec![Piece::Text(title.clone())],
            Some(_) => {}
            None => name = vec![Piece::OrTitle(Box::new((name, title.clone())))],
        }
    }
    if let Some(ids) = &sources.labelledby {
        let ids = ids.split_ascii_whitespace().map(str::to_string).collect();
        name = vec![Piece::Labelled(Box::new((ids, name)))];
    }
    if depth(&name) > MAX_DEPTH {
        let mut flat = String::new();
        resolve(&name, &HashMap::default(), true, &mut flat);
        name = vec![Piece::Text(flat)];
    }
    name
}

/// The text of a name that is plain text ("" for none), without a copy; None
/// when part of it waits for the end of the page.
pub(super) fn single_text(pieces: &[Piece]) -> Option<&str> {
    match pieces {
        [] => Some(""),
        [Piece::Text(t)] => Some(t),
        _ => None,
    }
}

/// The text of a name, known now, taking its string when it is one piece.
pub(super) fn into_text(mut pieces: Vec<Piece>) -> String {
    match pieces.as_mut_slice() {
        [] => String::new(),
        [Piece::Text(t)] => std::mem::take(t),
        _ => known_text(&pieces),
    }
}

/// The text of pieces that are all text (None when one waits for the page's end).
pub(super) fn text_only(pieces: &[Piece]) -> Option<String> {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            _ => return None,
        }
    }
    Some(out)
}

/// The text of pieces as far as it is known now: what waits for the end of the
/// page is left out.
pub(super) fn known_text(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Labelled(b) => out.push_str(&known_text(&b.1)),
            Piece::OrTitle(b) => out.push_str(&known_text(&b.0)),
        }
    }
    out
}

fn depth(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(_) => 0,
            Piece::Labelled(b) => 1 + depth(&b.1),
            Piece::OrTitle(b) => 1 + depth(&b.0),
        })
        .max()
        .unwrap_or(0)
}

/// Writes the name the pieces make into `out`, given the names of the elements
/// that `aria-labelledby` may point at (`targets`: by id, each as it is when
/// referenced). In a labelledby traversal (`traversal`), further labelledby is
/// not followed.
pub(super) fn resolve(
    pieces: &[Piece],
    targets: &HashMap<String, Vec<Piece>>,
    traversal: bool,
    out: &mut String,
) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Labelled(b) => {
                let (ids, fallback) = &**b;
                if !traversal {
                    let mut named = String::new();
                    for id in ids {
                        if let Some(target) = targets.get(id) {
                            resolve(target, targets, true, &mut named);
                            named.push(' ');
                        }
                    }
                    if !blank(&named) {
                        out.push_str(&named);
                        continue;
                    }
                }
                resolve(fallback, targets, traversal, out);
            }
            Piece::OrTitle(b) => {
                let mut first = String::new();
                resolve(&b.0, targets, traversal, &mut first);
                out.push_str(if blank(&first) { &b.1 } else { &first });
            }
        }
    }
}

/// Whether text (entities not decoded) shows nothing: whitespace, `&nbsp;` and
/// the like only.
pub(super) fn blank(s: &str) -> bool {
    if !s.contains('&') {
        return s.trim().is_empty();
    }
    collapse(&decode_basic(s)).is_empty()
}

/// The ids an `aria-labelledby` anywhere in the page points at, found in its
/// source before the pass (a reference may come before its target). Only the
/// attribute written in lower case is seen here, as templates and Markdown
/// write it.
pub(super) fn labelledby_targets(html: &str) -> rustc_hash::FxHashSet<String> {
    let mut out = rustc_hash::FxHashSet::default();
    add_labelledby_targets(html, &mut out);
    out
}

/// Adds the ids the `aria-labelledby` attributes of `html` point at to `out`
/// (a SIMD search for the attribute's name).
pub(super) fn add_labelledby_targets(html: &str, out: &mut rustc_hash::FxHashSet<String>) {
    const NAME: &str = "aria-labelledby";
    for at in memchr::memmem::find_iter(html.as_bytes(), NAME) {
        // The name is ASCII: what follows it starts a character.
        labelledby_value(&html[at + NAME.len()..], out);
    }
}

/// Adds the ids of an `aria-labelledby` value (`rest`: what follows the
/// attribute's name) to `out`.
fn labelledby_value(rest: &str, out: &mut rustc_hash::FxHashSet<String>) {
    let rest = rest.trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return;
    };
    let rest = rest.trim_start();
    let value = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or_default(),
        _ => rest
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .next()
            .unwrap_or_default(),
    };
    out.extend(value.split_ascii_whitespace().map(str::to_string));
}

/// The words of `s` joined by single spaces (`split_whitespace` then `join(" ")`,
/// without the intermediate vector).
pub(super) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Decodes the entities a link's text most often holds. The replacements run one
/// after another (so `&amp;lt;` becomes `<`), as the audit has always read them;
/// text without `&` — nearly all — is returned as it is.
pub(super) fn decode_basic(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&'static str, &'static str)]) -> NameAttrs<'static> {
        let mut a = NameAttrs::default();
        for (n, v) in pairs {
            NameAttrs::read(&mut a, n.as_bytes(), || Cow::Borrowed(v.as_bytes()));
        }
        a
    }

    #[test]
    fn roles_follow_aria_conflict_resolution() {
        assert_eq!(attrs(&[("role", "none")]).role("img"), Role::Presentational);
        assert_eq!(
            attrs(&[("role", "none"), ("tabindex", "0")]).role("img"),
            Role::Img
        );
        assert_eq!(
            attrs(&[("role", "none"), ("href", "/")]).role("a"),
            Role::Link
        );
        assert_eq!(
            attrs(&[("role", "none"), ("disabled", "")]).role("button"),
            Role::Presentational
        );
        assert_eq!(
            attrs(&[("role", "none"), ("aria-label", "")]).role("h1"),
            Role::Heading
        );
        assert_eq!(attrs(&[("alt", "")]).role("img"), Role::Presentational);
        assert_eq!(attrs(&[("alt", " ")]).role("img"), Role::Img);
        assert_eq!(attrs(&[("role", "foo link")]).role("div"), Role::Link);
        assert_eq!(
            attrs(&[("role", "doc-biblioref"), ("href", "/")]).role("a"),
            Role::Link
        );
        assert_eq!(
            attrs(&[("role", "button"), ("href", "/")]).role("a"),
            Role::Button
        );
        assert_eq!(attrs(&[]).role("a"), Role::Generic);
        assert_eq!(attrs(&[("type", "image")]).role("input"), Role::ImageButton);
    }

    #[test]
    fn hidden_by_attributes_and_inline_style() {
        assert!(attrs(&[("aria-hidden", " TRUE ")]).hidden("div", true));
        assert!(!attrs(&[("aria-hidden", "false")]).hidden("div", true));
        assert!(attrs(&[("style", "color: red; display : none !important")]).hidden("div", true));
        assert!(attrs(&[("style", "visibility:hidden")]).hidden("div", true));
        assert!(!attrs(&[("style", "display:none")]).hidden("div", false));
        assert!(!attrs(&[("style", "margin-left:-9999px")]).hidden("div", true));
    }

    #[test]
    fn csp_and_inline_styles() {
        assert!(csp_blocks_inline_styles(
            "default-src 'self'; style-src 'self'"
        ));
        assert!(csp_blocks_inline_styles("default-src 'none'"));
        assert!(!csp_blocks_inline_styles("script-src 'self'"));
        assert!(!csp_blocks_inline_styles(
            "style-src 'self' 'unsafe-inline'"
        ));
        assert!(!csp_blocks_inline_styles(
            "style-src 'self'; style-src-attr 'unsafe-inline'"
        ));
        assert!(csp_blocks_inline_styles(
            "style-src 'unsafe-inline' 'nonce-abc'"
        ));
        // Directive names and keywords are case-insensitive.
        assert!(!csp_blocks_inline_styles("STYLE-SRC 'Unsafe-Inline'"));
        assert!(csp_blocks_inline_styles(
            "Style-Src 'UNSAFE-INLINE' 'SHA256-abc'"
        ));
        assert!(csp_blocks_inline_styles("default-src 'self'; style-src"));
    }

    #[test]
    fn names_resolve_references_title_and_depth() {
        let s = Sources {
            labelledby: Some("a missing".into()),
            title: Some("Tip".into()),
            ..Sources::default()
        };
        let name = compose(&s, Some(vec![Piece::Text("  ".into())]));
        let mut targets = HashMap::default();
        let mut out = String::new();
        resolve(&name, &targets, false, &mut out);
        assert_eq!(out, "Tip");
        targets.insert("a".to_string(), vec![Piece::Text("From a".into())]);
        let mut out = String::new();
        resolve(&name, &targets, false, &mut out);
        assert_eq!(out.trim(), "From a");
        // Nested titles and references are flattened, not nested without end.
        let mut name = vec![Piece::Text(String::new())];
        for _ in 0..10_000 {
            name = compose(&s, Some(name));
        }
        assert!(depth(&name) <= MAX_DEPTH + 1);
    }

    #[test]
    fn labelledby_targets_are_found_before_the_pass() {
        let t = labelledby_targets(
            "<a aria-labelledby=\"x  y\"></a><b aria-labelledby = z></b><i aria-labelledby>",
        );
        let mut t: Vec<_> = t.into_iter().collect();
        t.sort();
        assert_eq!(t, ["x", "y", "z"]);
        // Across the border of the windows searched.
        for pad in [16 * 1024 - 20, 16 * 1024 - 5, 16 * 1024 + 3] {
            let html = format!("{}é<p aria-labelledby=\"far\">", "x".repeat(pad));
            assert!(labelledby_targets(&html).contains("far"), "{pad}");
        }
    }
}
