//! What the pass may read and change at an element, a text node and a
//! comment, whoever reads the page: lol_html (`pass.rs`), or the reader of
//! plain HTML (`plain_html.rs`), which gives the same output for the HTML it
//! knows without lol_html's cost.
//!
//! In: a reader's own element, text and comment types. Out: the operations
//! the pass uses, with lol_html's meaning (where content goes, which of two
//! attributes of one name counts, how a changed tag is written).

use lol_html::html_content::{Comment, ContentType, Element, EndTag, TextChunk};

use super::read::{LinkAttrs, StartTag, TAG_BUF};
use super::state::{AtEnd, HandlerResult, Shared};

/// An element's start tag, as the pass reads and changes it.
pub(super) trait Tag {
    /// What the pass reads of the start tag, in one go (`src`: the page).
    fn start<'s>(&self, src: &'s [u8], buf: &'s mut [u8; TAG_BUF]) -> StartTag<'s>;
    /// The attributes a link is judged by.
    fn link_attrs(&self, src: &[u8]) -> LinkAttrs;
    /// Its name and `class`, when the reader knows at no cost that it has
    /// no other attribute (None: it may have others).
    fn bare(&self) -> Option<(&str, Option<&[u8]>)> {
        None
    }
    /// The first attribute of the name (ASCII case-insensitive), as written.
    fn get_attribute(&self, name: &str) -> Option<String>;
    fn has_attribute(&self, name: &str) -> bool {
        self.get_attribute(name).is_some()
    }
    /// Sets the first attribute of the name, or adds it at the end.
    fn set_attribute(&mut self, name: &str, value: &str) -> HandlerResult;
    /// Removes every attribute of the name.
    fn remove_attribute(&mut self, name: &str);
    /// HTML right before the start tag.
    fn before_html(&mut self, html: &str);
    /// HTML right after the element (after its end tag, or its start tag
    /// when it has none).
    fn after_html(&mut self, html: &str);
    /// HTML at the start of its content.
    fn prepend_html(&mut self, html: &str);
    /// Its content replaced by HTML.
    fn set_inner_html(&mut self, html: &str) -> HandlerResult;
    /// It is not void (it may have content and an end tag).
    fn can_have_content(&self) -> bool;
    /// It is written `<… />`.
    fn is_self_closing(&self) -> bool;
    /// The start tag as it stands in the page.
    fn source<'s>(&self, src: &'s [u8]) -> &'s [u8];
    /// Runs `f` at its end tag; an error for an element that has none.
    fn on_end<F>(&mut self, f: F) -> HandlerResult
    where
        F: FnOnce(&mut dyn EndTagEdit) -> HandlerResult + 'static;
    /// Has the state do `action` at its end tag, in turn with the handlers
    /// of [`Tag::on_end`]; an error for an element that has none.
    fn at_end(&mut self, state: &Shared, action: AtEnd) -> HandlerResult {
        let state = state.clone();
        self.on_end(move |_: &mut dyn EndTagEdit| {
            action.run(&mut state.borrow_mut());
            Ok(())
        })
    }
}

/// What an end-tag handler may do: add HTML right before the end tag.
pub(super) trait EndTagEdit {
    fn before_html(&mut self, html: &str);
}

/// A piece of a text node, as the pass reads and changes it.
pub(super) trait Text {
    /// The text as written (entities and all).
    fn as_str(&self) -> &str;
    /// The last piece of its text node.
    fn last_in_text_node(&self) -> bool;
    fn remove(&mut self);
    fn replace_html(&mut self, html: &str);
}

/// A comment, as the pass reads and changes it.
pub(super) trait Note {
    fn text(&self) -> String;
    fn remove(&mut self);
    fn replace_html(&mut self, html: &str);
    /// As [`Note::replace_html`], taking the HTML (a reader that keeps it
    /// need not copy it).
    fn replace_with(&mut self, html: String) {
        self.replace_html(&html);
    }
}

impl Tag for Element<'_, '_> {
    fn start<'s>(&self, src: &'s [u8], buf: &'s mut [u8; TAG_BUF]) -> StartTag<'s> {
        StartTag::read(self, src, buf)
    }

    fn link_attrs(&self, src: &[u8]) -> LinkAttrs {
        LinkAttrs::read(self, src)
    }

    fn get_attribute(&self, name: &str) -> Option<String> {
        Element::get_attribute(self, name)
    }

    fn has_attribute(&self, name: &str) -> bool {
        Element::has_attribute(self, name)
    }

    fn set_attribute(&mut self, name: &str, value: &str) -> HandlerResult {
        Ok(Element::set_attribute(self, name, value)?)
    }

    fn remove_attribute(&mut self, name: &str) {
        Element::remove_attribute(self, name);
    }

    fn before_html(&mut self, html: &str) {
        self.before(html, ContentType::Html);
    }

    fn after_html(&mut self, html: &str) {
        self.after(html, ContentType::Html);
    }

    fn prepend_html(&mut self, html: &str) {
        self.prepend(html, ContentType::Html);
    }

    fn set_inner_html(&mut self, html: &str) -> HandlerResult {
        self.set_inner_content(html, ContentType::Html);
        Ok(())
    }

    fn can_have_content(&self) -> bool {
        Element::can_have_content(self)
    }

    fn is_self_closing(&self) -> bool {
        Element::is_self_closing(self)
    }

    fn source<'s>(&self, src: &'s [u8]) -> &'s [u8] {
        src.get(self.source_location().bytes()).unwrap_or_default()
    }

    fn on_end<F>(&mut self, f: F) -> HandlerResult
    where
        F: FnOnce(&mut dyn EndTagEdit) -> HandlerResult + 'static,
    {
        self.on_end_tag(Box::new(move |end: &mut EndTag<'_>| f(end)))
    }
}

impl EndTagEdit for EndTag<'_> {
    fn before_html(&mut self, html: &str) {
        self.before(html, ContentType::Html);
    }
}

impl Text for TextChunk<'_> {
    fn as_str(&self) -> &str {
        TextChunk::as_str(self)
    }

    fn last_in_text_node(&self) -> bool {
        TextChunk::last_in_text_node(self)
    }

    fn remove(&mut self) {
        TextChunk::remove(self);
    }

    fn replace_html(&mut self, html: &str) {
        self.replace(html, ContentType::Html);
    }
}

impl Note for Comment<'_> {
    fn text(&self) -> String {
        Comment::text(self)
    }

    fn remove(&mut self) {
        Comment::remove(self);
    }

    fn replace_html(&mut self, html: &str) {
        self.replace(html, ContentType::Html);
    }
}
