//! The Markdown line of each element of a body, taken from comrak's tree
//! instead of written into the HTML as `data-sourcepos`.
//!
//! In: a parsed (and heading-shifted) comrak tree of a body whose nodes are all
//! of the kinds the accessibility stage splices ([`super::splicable`]). Out:
//! [`BodyLines`]: for each element comrak would have given `data-sourcepos`,
//! in document order, its tag name and first line. Formatting the attribute
//! (four numbers through `fmt`, for every paragraph, cell, link and emphasis)
//! was about a sixth of what the stage costs; the stage's body pass takes the
//! lines from here instead, matching each entry to the next start tag of its
//! name. Where the page must be read whole after all, [`BodyLines::marked`]
//! writes the attributes back (their first line only, which is all the stage
//! reads), as it does for the full report, where every body is read, and for
//! a page whose template shows its body changed (made again with the lines
//! written back, as templates saw every body before). A body
//! shown on another page by a template (`get_page(…).content`) carries none:
//! it is that page's Markdown, audited (with its lines) on its own page.

use comrak::nodes::{AstNode, ListType, NodeValue};

/// The first Markdown line of each element of a body that comrak marks with
/// `data-sourcepos`, in document order, with its tag name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyLines {
    entries: Vec<(&'static str, usize)>,
}

impl BodyLines {
    /// The lines of the elements comrak writes for `root` (every node of a
    /// kind the stage splices; headings already at their final level).
    pub(super) fn of<'a>(root: &'a AstNode<'a>) -> BodyLines {
        let mut entries = Vec::new();
        for node in root.descendants() {
            let data = node.data();
            let line = data.sourcepos.start.line;
            // comrak writes no position for line 0, except on a code block.
            if line == 0 && !matches!(data.value, NodeValue::CodeBlock(_)) {
                continue;
            }
            if let Some(tag) = marked_tag(node, &data.value) {
                entries.push((tag, line));
            }
        }
        BodyLines { entries }
    }

    /// The entries: tag name and Markdown line, in document order.
    pub fn entries(&self) -> &[(&'static str, usize)] {
        &self.entries
    }

    /// Drops the entries of a paragraph that became the caption of the
    /// `n`th table (1-based): the last `p` before that table's entry, and
    /// what is inside it.
    pub(super) fn caption_taken(&mut self, n: usize) {
        let Some(table) = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, (tag, _))| *tag == "table")
            .nth(n.saturating_sub(1))
            .map(|(i, _)| i)
        else {
            return;
        };
        if let Some(p) = self.entries[..table].iter().rposition(|(t, _)| *t == "p") {
            self.entries.drain(p..table);
        }
    }

    /// `html` (the body these lines are of) with ` data-sourcepos="LINE"`
    /// written back into each start tag that has an entry, for a pass that
    /// reads the whole page.
    pub fn marked(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + self.entries.len() * 24);
        let mut next = self.entries.iter().peekable();
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            let (before, tag) = rest.split_at(lt);
            out.push_str(before);
            let name_len = tag[1..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(tag.len() - 1);
            let name = &tag[1..1 + name_len];
            match next.peek() {
                Some((want, line)) if name_len > 0 && *want == name => {
                    out.push('<');
                    out.push_str(name);
                    out.push_str(" data-sourcepos=\"");
                    out.push_str(&line.to_string());
                    out.push('"');
                    next.next();
                    rest = &tag[1 + name_len..];
                }
                _ => {
                    out.push('<');
                    rest = &tag[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The tag comrak writes with `data-sourcepos` for a node of a spliced body,
/// if any (void ones too: the stage keeps no line for them, but writes them
/// anew, as it writes a tag whose position it took out).
fn marked_tag<'a>(node: &'a AstNode<'a>, value: &NodeValue) -> Option<&'static str> {
    Some(match value {
        NodeValue::Paragraph if !tight(node) => "p",
        NodeValue::Heading(h) => match h.level {
            0..=2 => "h2",
            3 => "h3",
            4 => "h4",
            5 => "h5",
            _ => "h6",
        },
        NodeValue::LineBreak => "br",
        NodeValue::ThematicBreak => "hr",
        NodeValue::Emph => "em",
        NodeValue::Strong => "strong",
        NodeValue::Strikethrough => "del",
        NodeValue::Code(_) => "code",
        NodeValue::CodeBlock(_) => "pre",
        NodeValue::List(l) => match l.list_type {
            ListType::Bullet => "ul",
            ListType::Ordered => "ol",
        },
        NodeValue::Item(_) => "li",
        NodeValue::BlockQuote => "blockquote",
        NodeValue::Link(_) => "a",
        NodeValue::Table(_) => "table",
        NodeValue::TableRow(_) => "tr",
        NodeValue::TableCell => {
            let header = node
                .parent()
                .is_some_and(|row| matches!(row.data().value, NodeValue::TableRow(true)));
            if header { "th" } else { "td" }
        }
        _ => return None,
    })
}

/// A paragraph comrak writes without `<p>`: in an item of a tight list.
fn tight<'a>(node: &'a AstNode<'a>) -> bool {
    node.parent()
        .and_then(|item| item.parent())
        .is_some_and(|list| matches!(list.data().value, NodeValue::List(l) if l.tight))
}
