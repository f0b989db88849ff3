//! The one pass over a page: reads each element and text chunk, keeps what
//! the rules need in [`State`], writes the repairs of [`super::repair`] and
//! [`super::terms`] and notes the findings of [`super::audit`]. It is driven
//! by [`super::plain_html`]'s reader for plain HTML, and by lol_html
//! ([`A11y::rewrite`]) for the rest, through [`super::element`]'s traits.
//!
//! In: the page's HTML. Out: the rewritten HTML; findings and facts in the
//! state.
//!
//! A page's plain Markdown body is read by [`super::body`] instead, which
//! does what this pass does for the elements comrak writes: a change here to
//! what happens at a heading, a link, a table or a text node needs the same
//! change there (`tests.rs` runs every content file of the repository both
//! ways and fails when they differ).

use lol_html::html_content::{Comment, Element, TextChunk};
use lol_html::{HtmlRewriter, Settings, doc_comments, doc_text, element};

use super::audit::{self, OpenSection, TableFacts};
use super::element::{EndTagEdit, Note, Tag, Text};
use super::names::{self, collapse, decode_basic};
use super::naming;
use super::read::{LinkAttrs, StartTag, TAG_BUF};
use super::repair::{self, LinkNotes};
use super::state::{HandlerResult, Shared, State, inside};
use super::urls::{internal_target, third_party};
use super::{A11y, PageContext, Splice};

/// Elements inside which no `<abbr>` is added.
fn no_abbr(tag: &str) -> bool {
    naming::heading(tag)
        || matches!(
            tag,
            "a" | "code"
                | "pre"
                | "kbd"
                | "samp"
                | "abbr"
                | "script"
                | "style"
                | "title"
                | "button"
                | "textarea"
                | "svg"
                | "dt"
                | "summary"
                | "label"
                | "option"
        )
}

/// Elements that are content of a section even without text (as
/// `tests/browser`'s check of empty sections counts them).
fn media(tag: &str) -> bool {
    matches!(
        tag,
        "img"
            | "svg"
            | "video"
            | "audio"
            | "canvas"
            | "iframe"
            | "object"
            | "embed"
            | "input"
            | "select"
            | "textarea"
            | "button"
            | "meter"
            | "progress"
    )
}

/// Elements at which the pass does nothing when they carry no attribute but a
/// `class` of none of [`SPECIAL_CLASSES`]: no rule, repair, depth or name
/// starts at them (and, but for the inline ones, they are outside any name
/// being collected: a block element in a link's name sets its text apart).
fn inert(tag: &str) -> bool {
    matches!(
        tag,
        "li" | "ul"
            | "ol"
            | "div"
            | "p"
            | "dl"
            | "dd"
            | "span"
            | "small"
            | "strong"
            | "em"
            | "b"
            | "i"
    )
}

/// Classes the pass acts on (`depths`, `by_tag`, `table`).
pub(super) const SPECIAL_CLASSES: [&str; 4] =
    ["visually-hidden", "footnotes", "table-wrap", "stack-table"];

/// Whether a `class` value holds one of [`SPECIAL_CLASSES`].
pub(super) fn has_special_class(class: &[u8]) -> bool {
    class
        .split(u8::is_ascii_whitespace)
        .any(|x| SPECIAL_CLASSES.iter().any(|s| s.as_bytes() == x))
}

/// One page's pass: the stage, the page, and the state its handlers share.
pub(super) struct Pass<'p> {
    stage: &'p A11y,
    /// The page as it came (tag names and attribute values are read in it).
    src: &'p [u8],
    page: &'p PageContext<'p>,
    state: &'p Shared,
    /// The template has a skip link: none is added.
    has_skip_link: bool,
    /// The glossary page: its terms are not explained again.
    glossary_page: bool,
    /// The body to splice in where the shell has its mark, when the page is
    /// read as shell and body.
    splice: Option<&'p Splice<'p>>,
}

impl A11y {
    /// Rewrites `html`, feeding it to lol_html `piece` bytes at a time.
    pub(super) fn rewrite(
        &self,
        html: &str,
        page: &PageContext<'_>,
        state: &Shared,
        piece: usize,
        splice: Option<&Splice<'_>>,
    ) -> Result<String, lol_html::errors::RewritingError> {
        let whole = html.len() + splice.map_or(0, |s| s.body.len());
        let mut output = Vec::with_capacity(whole + whole / 8);
        let pass = self.pass(html, page, state, splice);
        {
            // One handler for every element, dispatching on the tag name in Rust:
            // compiling a CSS selector per rule and running lol_html's selector
            // VM on every tag cost far more.
            let handler = element!("*", |el: &mut Element| pass.element(el));
            // Text is only needed inside `main` (glossary terms, abbreviations) and
            // inside links, buttons and headings (their names, captured). The
            // element handler tracks both, so one document-level handler skips the
            // rest: a selector scope (`main, a, …`) made lol_html match every tag
            // against it, which cost more than the little text it spared.
            let text_handler = doc_text!(|chunk: &mut TextChunk<'_>| pass.text(chunk));
            // Comments are few: the Markdown's marks around raw HTML are read here.
            let comment_handler = doc_comments!(|c: &mut Comment<'_>| pass.comment(c));
            let settings = Settings::new()
                .append_element_content_handler(handler)
                .append_document_content_handler(text_handler)
                .append_document_content_handler(comment_handler);
            let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| output.extend_from_slice(c));
            for part in html.as_bytes().chunks(piece.max(1)) {
                rewriter.write(part)?;
            }
            rewriter.end()?;
        }
        Ok(String::from_utf8(output)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

impl A11y {
    /// The pass over `html` (a page, or its shell when `splice` holds its
    /// body).
    pub(super) fn pass<'p>(
        &'p self,
        html: &'p str,
        page: &'p PageContext<'p>,
        state: &'p Shared,
        splice: Option<&'p Splice<'p>>,
    ) -> Pass<'p> {
        Pass {
            stage: self,
            src: html.as_bytes(),
            page,
            state,
            has_skip_link: splice.map_or_else(|| repair::has_skip_link(html), |s| s.skip_link),
            glossary_page: page.output_path == "glossary/index.html",
            splice,
        }
    }
}

impl Pass<'_> {
    /// The state its handlers share.
    pub(super) fn state(&self) -> &Shared {
        self.state
    }

    /// How many bytes the pass's output may add to the page it reads: the
    /// body it splices in, and room for repairs.
    pub(super) fn output_room(&self) -> usize {
        let body = self.splice.map_or(0, |s| s.body.len());
        body + (self.src.len() + body) / 8
    }

    /// Everything the stage does at an element's start tag, in a fixed order.
    pub(super) fn element(&self, el: &mut impl Tag) -> HandlerResult {
        if self.nothing_at(el) {
            return Ok(());
        }
        let mut buf = [0u8; TAG_BUF];
        let mut start = el.start(self.src, &mut buf);
        self.source_line(el, &start)?;
        self.page_parts(el, &mut start)?;
        let hidden = self.depths(el, &start)?;
        let named_already = start.tag == "img" && self.image(el, &start)?;
        // Before the handlers of links and headings, so that their end-tag
        // handlers run after the frame's and find its text.
        naming::name_element(el, &start, hidden, named_already, self.state)?;
        self.by_tag(el, &start)?;
        self.third_party(el, &start.tag);
        Ok(())
    }

    /// Whether the pass does nothing at this element ([`inert`]), as far as
    /// its reader tells at no cost: most of a template's list items, spans and
    /// wrappers. The full pass at them would come to the same (lol_html's
    /// reader never says, so the tests' side-by-side runs hold the two).
    fn nothing_at(&self, el: &impl Tag) -> bool {
        let Some((tag, class)) = el.bare() else {
            return false;
        };
        inert(tag) && !class.is_some_and(has_special_class) && {
            // In a name being collected, its text goes straight to that
            // name, as the full pass finds (`naming::straight_to_parent`).
            let st = self.state.borrow();
            st.frames.last().is_none_or(|frame| {
                !naming::block(tag) && (st.depth.ax_hidden == 0 || frame.hidden)
            })
        }
    }

    /// The Markdown line an element came from (comrak's `data-sourcepos`,
    /// removed from the output), kept until its end tag.
    fn source_line(&self, el: &mut impl Tag, start: &StartTag<'_>) -> HandlerResult {
        if start.sourcepos.is_none() {
            return Ok(());
        }
        el.remove_attribute("data-sourcepos");
        if !start.open {
            return Ok(());
        }
        let line = start
            .source_line()
            .zip(self.page.line_offset)
            .and_then(|(l, off)| l.checked_add(off));
        {
            let mut st = self.state.borrow_mut();
            st.depth.markdown += 1;
            if let Some(l) = line {
                st.lines.push(l);
            }
        }
        let state = self.state.clone();
        el.on_end(move |_: &mut dyn EndTagEdit| {
            let mut st = state.borrow_mut();
            st.depth.markdown = st.depth.markdown.saturating_sub(1);
            if line.is_some() {
                st.lines.pop();
            }
            Ok(())
        })?;
        Ok(())
    }

    /// A comment: the Markdown's marks around a block of raw HTML give what
    /// is inside the block its line, and count it as the author's text; the
    /// marks are removed.
    pub(super) fn comment(&self, c: &mut impl Note) -> HandlerResult {
        let text = c.text();
        let mut st = self.state.borrow_mut();
        if let Some(n) = text.strip_prefix(crate::markdown::RAW_LINE_MARK) {
            let line = n
                .parse::<usize>()
                .ok()
                .zip(self.page.line_offset)
                .and_then(|(l, off)| l.checked_add(off));
            if let Some(l) = line {
                st.lines.push(l);
            }
            st.raw_blocks.push(line.is_some());
            st.depth.markdown += 1;
            c.remove();
        } else if text == super::body::BODY_MARK
            && let Some(splice) = self.splice
        {
            // Once only, and only what the body's pass can read: otherwise the
            // page is read whole (the error ends this pass).
            if splice.done.replace(true) {
                return Err("the page holds its body twice".into());
            }
            let html = self
                .stage
                .splice_body(
                    splice.body,
                    &mut st,
                    self.page,
                    &splice.labelled_shell,
                    self.glossary_page,
                )
                .ok_or("the body needs the full pass")?;
            c.replace_with(html);
        } else if text == crate::markdown::RAW_END_MARK {
            if let Some(pushed) = st.raw_blocks.pop() {
                if pushed {
                    st.lines.pop();
                }
                st.depth.markdown = st.depth.markdown.saturating_sub(1);
            }
            c.remove();
        }
        Ok(())
    }

    /// The parts of the page itself: its language, its Content-Security-Policy,
    /// the skip link and its target.
    fn page_parts(&self, el: &mut impl Tag, start: &mut StartTag<'_>) -> HandlerResult {
        match &*start.tag {
            "html" => self.html_lang(el)?,
            "meta"
                if el
                    .get_attribute("http-equiv")
                    .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-security-policy"))
                    && el
                        .get_attribute("content")
                        .is_some_and(|c| names::csp_blocks_inline_styles(&c)) =>
            {
                self.state.borrow_mut().inline_styles = false;
            }
            "body" if !self.has_skip_link => el.prepend_html(repair::SKIP_LINK),
            "main" => {
                if !self.has_skip_link && start.id.is_none() {
                    el.set_attribute("id", repair::MAIN_ID)?;
                    start.id = Some(repair::MAIN_ID.to_string());
                }
                inside(el, self.state, |st| &mut st.depth.main)?;
            }
            _ => {}
        }
        if let Some(id) = start.id.as_ref().filter(|i| !i.is_empty()) {
            *self.state.borrow_mut().ids.entry(id.clone()).or_insert(0) += 1;
        }
        Ok(())
    }

    /// Counts the element in the depths it opens (hidden, no `abbr`, foreign
    /// content, hidden from assistive technology); true when it is hidden from
    /// assistive technology, itself or by an ancestor.
    fn depths(
        &self,
        el: &mut impl Tag,
        start: &StartTag<'_>,
    ) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
        let (tag, open) = (&*start.tag, start.open);
        if open
            && (start.na.hidden || (start.class.is_some() && start.has_class("visually-hidden")))
        {
            inside(el, self.state, |st| &mut st.depth.hidden)?;
        }
        if open && no_abbr(tag) {
            inside(el, self.state, |st| &mut st.depth.no_abbr)?;
        }
        if media(tag) {
            // Something to see or use after a heading: its section is not empty.
            let mut st = self.state.borrow_mut();
            if st.depth.heading == 0 && st.depth.hidden == 0 {
                st.open_heading = None;
            }
        }
        if open && matches!(tag, "svg" | "math" | "template") {
            inside(el, self.state, |st| &mut st.depth.foreign)?;
        }
        let (parent_hidden, inline_styles) = {
            let st = self.state.borrow();
            (st.depth.ax_hidden > 0, st.inline_styles)
        };
        let self_hidden = start.na.hidden(tag, inline_styles);
        if open && self_hidden {
            inside(el, self.state, |st| &mut st.depth.ax_hidden)?;
        }
        Ok(parent_hidden || self_hidden)
    }

    /// What the stage does by the element's tag, after its name is seen to.
    fn by_tag(&self, el: &mut impl Tag, start: &StartTag<'_>) -> HandlerResult {
        let state = self.state;
        match &*start.tag {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.heading(el, start.tag[1..].parse().unwrap_or(2))?
            }
            "nav" => {
                inside(el, state, |st| &mut st.depth.nav)?;
                inside(el, state, |st| &mut st.depth.chrome)?;
            }
            "header" | "footer" | "aside" => inside(el, state, |st| &mut st.depth.chrome)?,
            "a" if start.na.href => {
                let attrs = el.link_attrs(self.src);
                self.link(el, &attrs)?;
                self.link_extras(el, &attrs)?;
            }
            "section" if start.has_class("footnotes") => {
                el.prepend_html(repair::FOOTNOTES_HEADING);
            }
            "div" if start.has_class("table-wrap") => {
                inside(el, state, |st| &mut st.depth.table_wrap)?
            }
            "table" => self.table(el, start.no_scroll || start.has_class("stack-table"))?,
            "caption" => {
                if let Some(t) = state.borrow_mut().tables.last_mut() {
                    t.has_caption = true;
                }
            }
            "thead" => inside(el, state, |st| &mut st.depth.thead)?,
            "th" => {
                let mut st = state.borrow_mut();
                if let Some(t) = st.tables.last_mut() {
                    t.has_th = true;
                }
                if !el.has_attribute("scope") {
                    el.set_attribute("scope", repair::th_scope(st.depth.thead > 0))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `<html lang>`: added from the site's language when missing or blank
    /// (ACT b5c3f8, repaired), then checked to be a known language (ACT
    /// bf051a).
    fn html_lang(&self, el: &mut impl Tag) -> HandlerResult {
        self.state.borrow_mut().saw_html = true;
        let info = &self.stage.info;
        let given = el.get_attribute("lang");
        let lang = match repair::html_lang(given.as_deref(), &info.lang) {
            Some(site) => {
                el.set_attribute("lang", site)?;
                site.to_string()
            }
            None => given.unwrap_or_default(),
        };
        let known = if lang == info.lang {
            self.stage.lang_known
        } else {
            self.stage.languages.known(&lang)
        };
        if let Some(f) = audit::html_lang(&lang, known) {
            self.state.borrow_mut().note(f);
        }
        Ok(())
    }

    /// A link as templates write navigation, read whole by
    /// [`super::plain_html`]: `href` (raw), at most a `class` of none of
    /// [`SPECIAL_CLASSES`] and `aria-current` (`current`), and `texts`, its
    /// text nodes (inside `span`s with at most such a `class`). Does at once
    /// what [`Pass::element`] and [`Pass::text`] do at its parts, in their
    /// order; false, having done nothing, where it must be read a part at a
    /// time: inside a name being collected or in something hidden from
    /// assistive technology, when it gets `aria-current` or its end tag gets
    /// notes (a document's format and size).
    pub(super) fn simple_link(&self, href: &str, current: bool, texts: &[&str]) -> bool {
        let mut st = self.state.borrow_mut();
        let st = &mut *st;
        let self_link = st.depth.nav > 0 && href == self.page.url_path && !current;
        if !st.frames.is_empty()
            || st.depth.ax_hidden > 0
            || self_link
            || LinkNotes::of(href, false, &self.stage.info.file_sizes).is_some()
        {
            return false;
        }
        // Its name's candidate, then its target, as the start tag gives them.
        let (seq, line) = (st.next_seq(), st.line());
        self.stage.note_target(st, href, self.page.url_path);
        // Inside a link no `abbr` is added: in `main`, its text is only kept
        // to see what the author spells out.
        let remember = st.depth.main > 0 && !self.glossary_page && self.stage.keep_recent;
        for text in texts {
            st.section_text(text);
            if remember {
                st.remember(text);
            }
        }
        // Its name is its text; the text is not kept (`State::closed_text`
        // is for end-tag handlers, which such a link has none of).
        match texts {
            [] => naming::judge(st, seq, line, audit::NameRule::Link, ""),
            [text] => naming::judge(st, seq, line, audit::NameRule::Link, text),
            _ => naming::judge(st, seq, line, audit::NameRule::Link, &texts.concat()),
        }
        true
    }

    /// Links only: `aria-current` in navigation, footnote names.
    fn link_extras(&self, el: &mut impl Tag, attrs: &LinkAttrs) -> HandlerResult {
        if self.state.borrow().depth.nav > 0
            && attrs.href.as_deref() == Some(self.page.url_path)
            && !attrs.aria_current
        {
            el.set_attribute("aria-current", "page")?;
        }
        if attrs.footnote_ref {
            el.prepend_html(repair::FOOTNOTE_REF_PREFIX);
        }
        if attrs.footnote_backref {
            let html = repair::footnote_backref(attrs.aria_label.as_deref());
            el.remove_attribute("aria-label");
            el.set_inner_html(&html)?;
        }
        Ok(())
    }

    /// Notes each file the element would load from another site.
    fn third_party(&self, el: &impl Tag, tag: &str) {
        let attrs = audit::loading_attributes(tag, || el.get_attribute("rel").unwrap_or_default());
        for attr in attrs {
            if let Some(url) = el.get_attribute(attr)
                && let Some(host) = third_party(&url, &self.stage.info.origin)
            {
                let mut st = self.state.borrow_mut();
                let line = st.line();
                st.note(audit::third_party(tag, &url, &host, line));
            }
        }
    }

    /// A heading: its level judged against the last one, and the section it
    /// closes judged empty or not; with `[a11y] heading_anchors`, a link to
    /// its section after its text when it is a Markdown `h2` or `h3`.
    fn heading(&self, el: &mut impl Tag, level: u8) -> HandlerResult {
        let mut st = self.state.borrow_mut();
        let (visible, anchor) = st.heading_starts(level, self.stage.info.heading_anchors);
        let id = if anchor { el.get_attribute("id") } else { None };
        drop(st);
        let state = self.state.clone();
        el.on_end(move |end: &mut dyn EndTagEdit| {
            state.borrow_mut().heading_ends(visible);
            if let Some(id) = &id {
                end.before_html(&repair::heading_anchor(id));
            }
            Ok(())
        })?;
        Ok(())
    }

    /// A link (`a href`): its target noted for the site-wide link check, a
    /// document's format and size and a new tab said in its text, `rel` made
    /// safe. Its name is judged with the other names at the end of the page.
    fn link(&self, el: &mut impl Tag, attrs: &LinkAttrs) -> HandlerResult {
        if !el.can_have_content() {
            return Ok(());
        }
        let info = &self.stage.info;
        let href = attrs.href.as_deref().unwrap_or_default();
        let mut st = self.state.borrow_mut();
        self.stage.note_target(&mut st, href, self.page.url_path);
        let new_tab = attrs.target.as_deref() == Some("_blank");
        if new_tab {
            el.set_attribute("rel", &repair::safe_rel(attrs.rel.as_deref()))?;
        }
        let Some(notes) = LinkNotes::of(href, new_tab, &info.file_sizes) else {
            return Ok(());
        };
        st.links.push(notes);
        drop(st);
        let state = self.state.clone();
        el.on_end(move |end: &mut dyn EndTagEdit| {
            let mut st = state.borrow_mut();
            let Some(notes) = st.links.pop() else {
                return Ok(());
            };
            // The link's text, from its frame (closed just before this).
            let text = std::mem::take(&mut st.closed_text);
            for html in notes.html(&text) {
                end.before_html(&html);
            }
            Ok(())
        })?;
        Ok(())
    }

    /// An image's repairs: lazy loading, and `![decorative](x.png)` made
    /// `alt="" role="presentation"`. True when nothing more is to be said of
    /// its name: it is decorative, or it is Markdown's `![](x.png)`, which gets
    /// `image-alt-empty` here (in HTML, `alt=""` marks an image decorative and
    /// passes; in Markdown, forgetting and intent look the same).
    fn image(
        &self,
        el: &mut impl Tag,
        start: &StartTag<'_>,
    ) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
        for (name, value) in repair::IMAGE_DEFAULTS {
            if !el.has_attribute(name) {
                el.set_attribute(name, value)?;
            }
        }
        let na = &start.na;
        let alt = na.alt.as_deref().map(<[u8]>::trim_ascii);
        if repair::decorative(alt) {
            el.set_attribute("alt", "")?;
            el.set_attribute("role", "presentation")?;
            return Ok(true);
        }
        let mut st = self.state.borrow_mut();
        // comrak writes an image of the Markdown as `<img … />` inside an
        // element that has its source position (raw HTML there, written the
        // same way, counts as Markdown).
        let from_markdown = st.depth.markdown > 0 && {
            let raw = el.source(self.src);
            raw.starts_with(b"<img ") && raw.ends_with(b" />")
        };
        if from_markdown && alt == Some(&b""[..]) && !na.global_aria && na.role.is_none() {
            let line = st.line();
            st.note(audit::image_alt_empty(line));
            return Ok(true);
        }
        Ok(false)
    }

    /// A table: checked for header cells and a caption at its end, and put in
    /// a scrolling region unless it is in one or says it needs none (the class
    /// `stack-table` of a table the theme stacks on narrow screens, or the
    /// attribute `data-no-scroll`).
    fn table(&self, el: &mut impl Tag, no_scroll: bool) -> HandlerResult {
        let mut st = self.state.borrow_mut();
        st.table_starts();
        if st.depth.table_wrap == 0 && !no_scroll {
            el.before_html(&repair::table_region(st.table_count));
            el.after_html(crate::markdown::TABLE_REGION_CLOSE);
        }
        drop(st);
        let state = self.state.clone();
        el.on_end(move |_: &mut dyn EndTagEdit| {
            state.borrow_mut().table_ends();
            Ok(())
        })?;
        Ok(())
    }

    /// A chunk of text: the content of an open heading's section, part of the
    /// names being collected, and in `main` the text whose glossary terms are
    /// explained and whose unknown abbreviations are noted.
    pub(super) fn text(&self, chunk: &mut impl Text) -> HandlerResult {
        let mut st = self.state.borrow_mut();
        let st = &mut *st;
        let piece = chunk.as_str();
        st.section_text(piece);
        if st.depth.main == 0 && st.frames.is_empty() {
            return Ok(());
        }
        if let Some(f) = st.frames.last_mut() {
            names::push_text(&mut f.content, piece);
        }
        if st.depth.main == 0 || self.glossary_page {
            return Ok(());
        }
        if st.depth.no_abbr > 0 {
            if self.stage.keep_recent {
                st.remember(piece);
            }
            return Ok(());
        }
        if st.finished_terms < self.stage.terms.len() {
            self.explain_terms(chunk, st);
        } else if st.depth.markdown > 0 {
            // Nothing to explain: leave the text alone and only look for
            // abbreviations in the author's text.
            st.text.push_str(piece);
            if chunk.last_in_text_node() {
                let text = std::mem::take(&mut st.text);
                self.stage.scan_abbreviations(&text, st);
            }
        }
        Ok(())
    }

    /// Explains the glossary terms of a text node once its last chunk is in
    /// (text arrives in chunks, not whole nodes: lol_html issue 255), and
    /// notes its unknown abbreviations.
    fn explain_terms(&self, chunk: &mut impl Text, st: &mut State) {
        let piece = chunk.as_str();
        if !chunk.last_in_text_node() {
            st.text.push_str(piece);
            chunk.remove();
            return;
        }
        if st.text.is_empty() {
            // A text node in one chunk (the usual case) is looked at where it
            // stands, and left alone when no term is expanded.
            let replaced = self.stage.expand_terms(piece, st);
            self.stage.after_text(piece, st);
            if let Some(html) = replaced {
                chunk.replace_html(&html);
            }
            return;
        }
        st.text.push_str(piece);
        let text = std::mem::take(&mut st.text);
        let replaced = self.stage.expand_terms(&text, st);
        self.stage.after_text(&text, st);
        chunk.replace_html(replaced.as_deref().unwrap_or(&text));
    }
}

impl A11y {
    /// Notes where a link leads: a part of the page (checked at its end) or a
    /// page of the site (checked across pages), with the link's line.
    pub(super) fn note_target(&self, st: &mut State, href: &str, page_url: &str) {
        let info = &self.info;
        let line = st.line();
        if let Some(frag) = href.strip_prefix('#') {
            st.anchors.push((frag.to_string(), line));
        } else if let Some(target) = internal_target(href, page_url, &info.base_path, &info.origin)
        {
            st.facts.links.push((target, line));
        }
    }

    /// After a text node of `main` is explained: its unknown abbreviations
    /// noted (in the author's text), and its text kept to see whether the
    /// author spells out what comes next.
    pub(super) fn after_text(&self, text: &str, st: &mut State) {
        if st.depth.markdown > 0 {
            self.scan_abbreviations(text, st);
        }
        if self.keep_recent {
            st.remember(text);
        }
    }

    /// Notes the words of the author's text that look like abbreviations but
    /// are not in the glossary, with the line of their first use.
    pub(super) fn scan_abbreviations(&self, text: &str, st: &mut State) {
        let terms = &self.terms;
        let known = |w: &str| terms.iter().any(|t| t.needle == w);
        audit::each_abbreviation(text, known, |word| {
            // Most uses are of an abbreviation met before: no copy for those.
            if !st.unknown_abbr.contains_key(word) {
                let line = st.line();
                st.unknown_abbr.insert(word.to_string(), line);
            }
        });
    }
}

impl State {
    /// Text met outside headings and hidden parts: when it shows something,
    /// it is the content of the section the last visible heading opened.
    pub(super) fn section_text(&mut self, text: &str) {
        if self.open_heading.is_some()
            && self.depth.heading == 0
            && self.depth.hidden == 0
            && text.bytes().any(|b| !b.is_ascii_whitespace())
        {
            self.open_heading = None;
        }
    }

    /// A heading starts: its level judged against the last one, the section
    /// it closes judged empty or not. Whether it is visible, and whether it
    /// gets an anchor (with `[a11y] heading_anchors`, a Markdown `h2` or `h3`
    /// in `main`: a link to its section after its text, so it neither shifts
    /// the layout nor comes before the text).
    pub(super) fn heading_starts(&mut self, level: u8, anchors: bool) -> (bool, bool) {
        let line = self.line();
        if level == 1 {
            self.h1 += 1;
        }
        if let Some(f) = audit::heading_order(self.last_heading, level, line) {
            self.note(f);
        }
        self.last_heading = level;
        let visible = self.depth.hidden == 0;
        if visible {
            if let Some(open) = self.open_heading.take()
                && let Some(f) = audit::empty_section(&open, level)
            {
                self.note(f);
            }
            self.open_heading = Some(OpenSection {
                level,
                line,
                name: String::new(),
            });
        }
        self.depth.heading += 1;
        let anchor = anchors
            && (level == 2 || level == 3)
            && visible
            && self.depth.main > 0
            && self.depth.markdown > 0
            && self.depth.chrome == 0;
        (visible, anchor)
    }

    /// A table starts: its facts are kept until its end.
    pub(super) fn table_starts(&mut self) {
        let line = self.line();
        self.tables.push(TableFacts {
            has_th: false,
            has_caption: false,
            line,
        });
        self.table_count += 1;
    }

    /// A table ends: checked for header cells and a caption.
    pub(super) fn table_ends(&mut self) {
        if let Some(t) = self.tables.pop() {
            for f in audit::table(&t) {
                self.note(f);
            }
        }
    }

    /// A heading ends: its text (from its name's frame, closed just before)
    /// names the section it opened.
    pub(super) fn heading_ends(&mut self, visible: bool) {
        let text = std::mem::take(&mut self.closed_text);
        self.depth.heading = self.depth.heading.saturating_sub(1);
        if visible
            && let Some(open) = self.open_heading.as_mut()
            && open.name.is_empty()
        {
            open.name = collapse(&decode_basic(&text));
        }
    }
}
