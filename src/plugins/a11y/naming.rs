//! Accessible names as the pass meets them: a [`Frame`] collects the text of
//! an element some name needs until its end tag, and each candidate of a name
//! rule is judged (by [`super::audit`]) as soon as its name is known, or at
//! the end of the page when it waits for an `aria-labelledby` target.
//!
//! In: elements and text of the pass. Out: names, judged.

use super::element::Tag;

use super::audit::{self, NameRule};
use super::names::{self, NameAttrs, Role};
use super::read::StartTag;
use super::state::{AtEnd, HandlerResult, Shared, State};

/// An element open in the pass whose text some name needs: a candidate of a
/// name rule, an element `aria-labelledby` points at, the page's `title`, a
/// heading or link (whose text the stage reads), or anything inside one.
pub(super) struct Frame {
    /// Tells the frame's end-tag handler it is closing its own frame (inner
    /// elements whose end tags never come are closed with it).
    pub(super) serial: u32,
    /// The name its content gives so far.
    pub(super) content: Vec<names::Piece>,
    /// Hidden from assistive technology (itself or an ancestor).
    pub(super) hidden: bool,
    /// Block-level: its name is set apart by spaces in its parent's.
    pub(super) block: bool,
    /// Where its own name comes from besides its content (None: its content
    /// only, as for most links and headings).
    pub(super) sources: Option<Box<names::Sources>>,
    /// Its own name takes its content (links, buttons, headings).
    pub(super) own_content: bool,
    /// The name rule that judges its name, if any.
    pub(super) candidate: Option<Candidate>,
    /// Its text is wanted when it ends ([`State::closed_text`]): a link, a
    /// heading, the title.
    pub(super) keep_text: bool,
    /// The id by which `aria-labelledby` refers to it.
    pub(super) target: Option<String>,
    /// The page's first `title`.
    pub(super) title: bool,
}

/// An element a name rule judges: as soon as its name is known, or at the end
/// of the page when it waits for an `aria-labelledby` target.
pub(super) struct Candidate {
    /// Where its finding goes among the others ([`Pending::seq`]).
    pub(super) seq: usize,
    pub(super) line: Option<usize>,
    pub(super) kind: NameRule,
    pub(super) name: Vec<names::Piece>,
}

/// Elements whose text is set apart from the text around it (CSS's block
/// display, as the theme and browsers give it): "a<p>b</p>" reads "a b".
pub(super) fn block(tag: &str) -> bool {
    heading(tag)
        || matches!(
            tag,
            "address"
                | "article"
                | "aside"
                | "blockquote"
                | "caption"
                | "dd"
                | "details"
                | "div"
                | "dl"
                | "dt"
                | "fieldset"
                | "figcaption"
                | "figure"
                | "footer"
                | "form"
                | "header"
                | "hr"
                | "li"
                | "main"
                | "nav"
                | "ol"
                | "p"
                | "pre"
                | "section"
                | "summary"
                | "table"
                | "tbody"
                | "td"
                | "tfoot"
                | "th"
                | "thead"
                | "tr"
                | "ul"
        )
}

/// `h1` to `h6`.
pub(super) fn heading(tag: &str) -> bool {
    matches!(tag.as_bytes(), [b'h', b'1'..=b'6'])
}

/// Elements with a name a rule or another name may need.
fn named(tag: &str) -> bool {
    heading(tag)
        || matches!(
            tag,
            "a" | "area" | "button" | "input" | "img" | "iframe" | "br"
        )
}

/// Embedded content: what is inside is not part of any name.
fn embedded(tag: &str) -> bool {
    matches!(
        tag,
        "iframe"
            | "textarea"
            | "select"
            | "video"
            | "audio"
            | "object"
            | "canvas"
            | "script"
            | "style"
    )
}

/// The accessible name of an element, as far as a rule or another name needs
/// it: a candidate of a name rule is noted, and an element whose text a name
/// needs gets a [`Frame`] that collects it until its end tag. `hidden`: hidden
/// from assistive technology; `named_already`: an image the pass has judged.
pub(super) fn name_element(
    el: &mut impl Tag,
    start: &StartTag<'_>,
    hidden: bool,
    named_already: bool,
    state: &Shared,
) -> HandlerResult {
    let (tag, na) = (&*start.tag, &start.na);
    let mut st = state.borrow_mut();
    let in_frame = !st.frames.is_empty();
    let target = start.id.as_deref().and_then(|id| labelled_by_id(&st, id));
    let title = tag == "title" && !st.title_seen && st.depth.foreign == 0;
    let interesting = na.role.is_some() || title || named(tag);
    if !interesting && !in_frame && target.is_none() {
        return Ok(());
    }
    if tag == "br" {
        if let Some(f) = st.frames.last_mut() {
            names::push_text(&mut f.content, " ");
        }
        return Ok(());
    }
    if title {
        st.title_seen = true;
    }
    let role = na.role(tag);
    let kind = if hidden || named_already {
        None
    } else {
        name_rule(tag, na, role, || el.get_attribute("src"))
    };
    let sources = na.sources(tag, role);
    let own_content = matches!(role, Role::Link | Role::Button | Role::Heading);
    let link_or_heading = tag == "a" || heading(tag);
    let judged_or_kept = kind.is_some() || target.is_some() || title || link_or_heading;
    if in_frame && !judged_or_kept && straight_to_parent(&st, tag, &sources, hidden) {
        return Ok(());
    }
    let needs_frame = start.open
        && !embedded(tag)
        && (in_frame
            || target.is_some()
            || title
            || (kind.is_some() && own_content)
            || link_or_heading);
    let line = st.line();
    let candidate = kind.map(|kind| Candidate {
        seq: st.next_seq(),
        line,
        kind,
        name: Vec::new(),
    });
    if !needs_frame {
        name_now(
            &mut st,
            candidate,
            names::compose(&sources, None),
            target,
            hidden,
        );
        return Ok(());
    }
    st.frame_serial = st.frame_serial.wrapping_add(1);
    let serial = st.frame_serial;
    st.frames.push(Frame {
        serial,
        content: Vec::new(),
        hidden,
        block: block(tag),
        sources: (!sources.is_plain()).then(|| Box::new(sources)),
        own_content,
        candidate,
        target,
        title,
        keep_text: title || link_or_heading,
    });
    drop(st);
    close_at_end_tag(el, state, serial)
}

/// Whether an element inside a name, which no rule judges and nothing points
/// at, needs no frame: its own name is its content (a `span` in a link), so its
/// text goes straight to the name around it, as its frame would have given it
/// when it closed.
fn straight_to_parent(st: &State, tag: &str, sources: &names::Sources, hidden: bool) -> bool {
    sources.is_plain()
        && !block(tag)
        && !embedded(tag)
        && (!hidden || st.frames.last().is_some_and(|p| p.hidden))
}

/// The element's id when an `aria-labelledby` of the page points at it and
/// it is the first element with that id (so its name is wanted).
fn labelled_by_id(st: &State, id: &str) -> Option<String> {
    (!st.labelled.is_empty() && st.labelled.contains(id) && st.ids.get(id) == Some(&1))
        .then(|| id.to_string())
}

/// Which rule judges the name of an element of `tag` and `role`, if any
/// (`src`: its `src`, for an image's message).
fn name_rule(
    tag: &str,
    na: &NameAttrs<'_>,
    role: Role,
    src: impl FnOnce() -> Option<String>,
) -> Option<NameRule> {
    match role {
        Role::Link => Some(NameRule::Link),
        Role::Button => Some(NameRule::Button),
        Role::Heading => Some(NameRule::Heading),
        Role::Img => Some(NameRule::Image {
            src: na.alt.is_none().then(src).flatten().unwrap_or_default(),
            alt: na
                .alt
                .as_deref()
                .map(|a| String::from_utf8_lossy(a).into_owned()),
            explicit: tag != "img",
        }),
        // An iframe out of the tab order or marked decorative is not asked
        // for a name (ACT cae760).
        _ if tag == "iframe" && !na.explicitly_presentational() && !na.negative_tabindex() => {
            Some(NameRule::Iframe)
        }
        _ => None,
    }
}

/// An element whose name is known at its start tag (it needs no frame): judged
/// now, kept for `aria-labelledby`, and added to its parent's name (unless it
/// is hidden and its parent is not).
fn name_now(
    st: &mut State,
    candidate: Option<Candidate>,
    name: Vec<names::Piece>,
    target: Option<String>,
    hidden: bool,
) {
    let parent_takes = st.frames.last().is_some_and(|p| !hidden || p.hidden);
    if let Some(c) = candidate {
        if target.is_none() && !parent_takes {
            settle(st, c, name);
            return;
        }
        settle(st, c, name.clone());
    }
    if let Some(id) = target {
        st.targets.entry(id).or_insert_with(|| name.clone());
    }
    let parent_hidden = st.frames.last().is_some_and(|p| p.hidden);
    if let Some(p) = st.frames.last_mut()
        && (!hidden || parent_hidden)
    {
        names::append(&mut p.content, name);
    }
}

/// Closes frame `serial` at the element's end tag, and the inner frames whose
/// end tags never came.
fn close_at_end_tag(el: &mut impl Tag, state: &Shared, serial: u32) -> HandlerResult {
    el.at_end(state, AtEnd::CloseFrame(serial))
}

/// Closes frame `serial`, and the inner frames left open.
pub(super) fn close_frames(st: &mut State, serial: u32) {
    if st.frames.iter().any(|f| f.serial == serial) {
        while let Some(f) = st.frames.last() {
            let done = f.serial == serial;
            close_frame(st);
            if done {
                break;
            }
        }
    }
}

/// Closes the innermost frame: its name goes to its candidate, to the id
/// `aria-labelledby` knows it by, and into its parent's name (unless it is
/// hidden and its parent is not); its text to [`State::closed_text`] (and to
/// [`State::page_title`] for the page's title). Most frames are a link or
/// heading with plain text: judged here, without a copy.
pub(super) fn close_frame(st: &mut State) {
    let Some(f) = st.frames.pop() else {
        return;
    };
    let Frame {
        content,
        hidden,
        block,
        sources,
        own_content,
        candidate,
        target,
        title,
        keep_text,
        ..
    } = f;
    let plain = sources.is_none();
    let sources: &names::Sources = sources.as_deref().unwrap_or(&names::PLAIN);
    let to_parent = st.frames.last().is_some_and(|p| !hidden || p.hidden);
    if let Some(c) = candidate {
        match names::single_text(&content) {
            Some(text) if own_content && plain => judge(st, c.seq, c.line, c.kind, text),
            _ => {
                let name = names::compose(sources, own_content.then(|| content.clone()));
                settle(st, c, name);
            }
        }
    }
    if target.is_none() && !to_parent {
        if keep_text {
            st.closed_text = names::into_text(content);
            if title {
                st.page_title = Some(st.closed_text.clone());
            }
        }
        return;
    }
    if keep_text {
        st.closed_text = names::known_text(&content);
        if title {
            st.page_title = Some(st.closed_text.clone());
        }
    }
    let name = names::compose(sources, Some(content));
    if let Some(id) = target {
        st.targets.entry(id).or_insert_with(|| name.clone());
    }
    if to_parent && let Some(p) = st.frames.last_mut() {
        if block {
            names::push_text(&mut p.content, " ");
        }
        names::append(&mut p.content, name);
        if block {
            names::push_text(&mut p.content, " ");
        }
    }
}

/// Judges a candidate now when its name is plain text, or keeps it for the end
/// of the page when it waits for an `aria-labelledby` target.
pub(super) fn settle(st: &mut State, c: Candidate, name: Vec<names::Piece>) {
    match names::single_text(&name) {
        Some(text) => judge(st, c.seq, c.line, c.kind, text),
        None => st.candidates.push(Candidate { name, ..c }),
    }
}

/// Judges the names that waited for the end of the page, now that every
/// element `aria-labelledby` may point at is known.
pub(super) fn judge_names(st: &mut State) {
    while !st.frames.is_empty() {
        close_frame(st);
    }
    let candidates = std::mem::take(&mut st.candidates);
    let targets = std::mem::take(&mut st.targets);
    for c in candidates {
        let mut raw = String::new();
        names::resolve(&c.name, &targets, false, &mut raw);
        judge(st, c.seq, c.line, c.kind, &raw);
    }
}

/// Judges one name by its rule, noting the finding at the element's place.
pub(super) fn judge(st: &mut State, seq: usize, line: Option<usize>, kind: NameRule, raw: &str) {
    if let Some(f) = audit::name(kind, raw, line) {
        st.note_at(seq, f);
    }
}
