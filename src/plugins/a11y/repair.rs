//! The repairs: what the stage adds to a page because it can be added safely
//! (the glossary's terms are in [`super::terms`]).
//!
//! In: plain values the pass reads (an attribute, a link's text, a count).
//! Out: the HTML or attribute value to write; the pass writes it where it
//! belongs.

use std::collections::HashMap;

use super::names::{collapse, decode_basic};
use super::urls::document_format;

/// The skip link put first in `body` when the template has none; `main` gets
/// the id it points at.
pub(super) const SKIP_LINK: &str = "<a class=\"skip-link\" href=\"#main\">Skip to main content</a>";

/// The id `main` gets when the skip link is added.
pub(super) const MAIN_ID: &str = "main";

/// Whether the page has a skip link of its own (a link to `#main`).
pub(super) fn has_skip_link(html: &str) -> bool {
    html.contains("href=\"#main\"") || html.contains("href=#main")
}

/// The `lang` to set on `<html>`: the site's language when the page's is
/// missing or blank (ACT b5c3f8), else none.
pub(super) fn html_lang<'a>(given: Option<&str>, site: &'a str) -> Option<&'a str> {
    match given {
        Some(l) if !l.trim().is_empty() => None,
        _ => Some(site),
    }
}

/// A heading for the footnotes' `section`, which comrak writes without one.
pub(super) const FOOTNOTES_HEADING: &str = "<h2 class=\"visually-hidden\">Footnotes</h2>";

/// Put first in a footnote reference, so "1" reads "Footnote 1".
pub(super) const FOOTNOTE_REF_PREFIX: &str = "<span class=\"visually-hidden\">Footnote </span>";

/// The content of a footnote's back-link: the arrow hidden, its label
/// (`aria-label`, or "Back to the text") as text.
pub(super) fn footnote_backref(label: Option<&str>) -> String {
    format!(
        "<span aria-hidden=\"true\">↩</span><span class=\"visually-hidden\">{}</span>",
        crate::html::escape(label.unwrap_or("Back to the text"))
    )
}

/// A labelled link to its own section, put inside a Markdown `h2`/`h3` after
/// its text (`[a11y] heading_anchors`).
pub(super) fn heading_anchor(id: &str) -> String {
    format!(
        " <a class=\"heading-anchor\" href=\"#{}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to this section</span></a>",
        crate::html::escape(id),
    )
}

/// Attributes an image gets unless it has them.
pub(super) const IMAGE_DEFAULTS: [(&str, &str); 2] = [("loading", "lazy"), ("decoding", "async")];

/// Whether an image's alt text (trimmed) marks it decorative: it then gets
/// `alt="" role="presentation"`.
pub(super) fn decorative(alt: Option<&[u8]>) -> bool {
    alt.is_some_and(|a| a.eq_ignore_ascii_case(b"decorative"))
}

/// The `scope` a `th` without one gets: `col` in `thead`, else `row`.
pub(super) fn th_scope(in_thead: bool) -> &'static str {
    if in_thead { "col" } else { "row" }
}

/// The scrolling region a table outside one is put in, labelled "Table n" (the
/// table's place on the page); [`crate::markdown`] frames the tables of the
/// Markdown itself, which it labels by their captions.
pub(super) fn table_region(n: usize) -> String {
    crate::markdown::table_region_open(&crate::markdown::TableLabel::Numbered(n))
}

/// A `target=_blank` link's `rel`, with `noopener noreferrer` added.
pub(super) fn safe_rel(rel: Option<&str>) -> String {
    let mut parts: Vec<&str> = rel.unwrap_or_default().split_whitespace().collect();
    for need in ["noopener", "noreferrer"] {
        if !parts.contains(&need) {
            parts.push(need);
        }
    }
    parts.join(" ")
}

/// What a link says about where it leads, when its text does not.
pub(super) struct LinkNotes {
    /// A document's format, and its size when the site publishes it.
    pub(super) document: Option<(&'static str, Option<u64>)>,
    /// It opens a new tab (`target=_blank`).
    pub(super) new_tab: bool,
}

impl LinkNotes {
    /// The notes of a link to `href`, opening a new tab or not; `None` when it
    /// needs none.
    pub(super) fn of(href: &str, new_tab: bool, sizes: &HashMap<String, u64>) -> Option<LinkNotes> {
        let document = document_format(href).map(|format| {
            let path = href.split(['?', '#']).next().unwrap_or("");
            (format, sizes.get(path).copied())
        });
        (document.is_some() || new_tab).then_some(LinkNotes { document, new_tab })
    }

    /// The HTML to put before the link's end tag, in order, given its text
    /// (`text`, raw): "(PDF, 2.4 MB)" unless the text names the format, "(opens
    /// in a new tab)" unless it says so.
    pub(super) fn html(&self, text: &str) -> impl Iterator<Item = String> {
        let lower = collapse(&decode_basic(text)).to_lowercase();
        let document = self
            .document
            .filter(|(format, _)| !lower.contains(&format!("({}", format.to_lowercase())))
            .map(|(format, size)| {
                let meta = match size {
                    Some(s) => format!("{format}, {}", crate::render::human_size(s)),
                    None => format.to_string(),
                };
                format!(" <span class=\"document-meta\">({meta})</span>")
            });
        let new_tab = (self.new_tab && !lower.contains("new tab") && !lower.contains("new window"))
            .then(|| "<span class=\"visually-hidden\"> (opens in a new tab)</span>".to_string());
        document.into_iter().chain(new_tab)
    }
}
