//! A page's Markdown body, checked where it stands. The stage reads the
//! template's HTML around the body (the page's shell) with its pass (driven by
//! the plain HTML reader, or lol_html); where the body stood, it runs this pass
//! over comrak's own HTML instead, which is most of a page's bytes and is read
//! by cutting it at `<` and `>`.
//!
//! In: the HTML comrak wrote for a body of plain Markdown
//! ([`crate::markdown::Rendered::plain`]: paragraphs, headings, lists, quotes,
//! code, links and tables), its lines ([`crate::markdown::BodyLines`], given
//! to the elements in order, as comrak would have marked them with
//! `data-sourcepos`), and the [`State`] of the page's pass where the body
//! stands. Out: the body with the stage's repairs, and its findings and facts
//! in the state: what the full pass gives for the same page, byte for byte
//! (`tests.rs` holds the two side by side). `None` when the body, or the
//! place where it stands, holds anything this pass does not know: the stage
//! then reads the whole page with the full pass.
//!
//! Without raw HTML, comrak escapes `<`, `>` and `"` in text and in attribute
//! values and writes every attribute as `name="value"`, so its HTML is read by
//! cutting at `<` and `>`.

use rustc_hash::FxHashSet as HashSet;

use super::audit::NameRule;
use super::repair::{self, LinkNotes};
use super::state::State;
use super::{A11y, PageContext, naming};

/// The comment the shell carries where the body stood (`<!--reportsite:body-->`).
pub(super) const BODY_MARK: &str = "reportsite:body";

/// Elements comrak writes for plain Markdown (and the table regions
/// `markdown::frame_tables` adds), and whether each is void.
fn known(name: &str) -> Option<bool> {
    match name {
        "p" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li" | "blockquote" | "pre"
        | "code" | "strong" | "em" | "del" | "a" | "div" | "table" | "caption" | "thead"
        | "tbody" | "tr" | "th" | "td" => Some(false),
        "hr" | "br" => Some(true),
        _ => None,
    }
}

/// Elements inside which no `<abbr>` is added (those of the pass's list that
/// comrak writes).
fn no_abbr(tag: &str) -> bool {
    matches!(tag, "a" | "code" | "pre" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Whether `class` changes what the stage does with an element: the classes
/// the pass acts on, but for a table's scrolling region, which this pass reads
/// itself; an element with one is left to the full pass.
fn special(class: &str) -> bool {
    class != "table-wrap" && super::pass::SPECIAL_CLASSES.contains(&class)
}

/// A start tag of comrak's HTML, read where it stands.
#[derive(Default)]
struct Tag<'b> {
    name: &'b str,
    void: bool,
    sourcepos: Option<&'b str>,
    /// Where ` data-sourcepos="…"` stands in the tag (from its space).
    sourcepos_span: (usize, usize),
    id: Option<&'b str>,
    class: Option<&'b str>,
    href: Option<&'b str>,
    scope: bool,
    /// `role`, `tabindex`, `aria-label` or `aria-labelledby`, as a table
    /// region carries them.
    region: bool,
}

/// An element open in the body, and what its end tag undoes or adds.
#[derive(Default)]
struct Open<'b> {
    name: &'b str,
    /// Counted in `depth.markdown` (it has a source position).
    markdown: bool,
    /// Its line is on the state's line stack.
    line: bool,
    no_abbr: bool,
    table_wrap: bool,
    thead: bool,
    table: bool,
    /// A link or heading, whose name is being collected.
    frame: bool,
    /// A heading: whether visible, and the id its anchor links to.
    heading: Option<(bool, Option<&'b str>)>,
    link: Option<LinkNotes>,
}

/// A link or heading whose name is being collected, and its candidate for a
/// name rule (place among the findings, line, rule).
struct Frame {
    text: String,
    candidate: (usize, Option<usize>, NameRule),
}

/// One body's pass.
struct BodyPass<'s, 'b> {
    stage: &'s A11y,
    page: &'s PageContext<'s>,
    st: &'s mut State,
    /// Ids some `aria-labelledby` of the shell points at.
    labelled_shell: &'s HashSet<String>,
    glossary_page: bool,
    out: String,
    open: Vec<Open<'b>>,
    frames: Vec<Frame>,
    /// The body's lines, when comrak wrote it without `data-sourcepos`, and
    /// the next one to give.
    lines: &'s [(&'static str, usize)],
    next_line: usize,
}

impl A11y {
    /// The body's HTML with the stage's repairs, its findings and facts noted
    /// in `st`; `None` when the full pass must read the page (see the module).
    pub(super) fn splice_body(
        &self,
        body: &str,
        st: &mut State,
        page: &PageContext<'_>,
        labelled_shell: &HashSet<String>,
        glossary_page: bool,
    ) -> Option<String> {
        if !plain_place(st) {
            return None;
        }
        let mut pass = BodyPass {
            stage: self,
            page,
            st,
            labelled_shell,
            glossary_page,
            out: String::with_capacity(body.len() + body.len() / 16 + 64),
            open: Vec::new(),
            frames: Vec::new(),
            lines: page.body_lines.map_or(&[], |l| l.entries()),
            next_line: 0,
        };
        let mut rest = body;
        while !rest.is_empty() {
            let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
                pass.text(rest);
                break;
            };
            if lt > 0 {
                pass.text(&rest[..lt]);
            }
            let gt = lt + memchr::memchr(b'>', &rest.as_bytes()[lt..])?;
            let tag = &rest[lt..=gt];
            if let Some(name) = tag.strip_prefix("</") {
                pass.end(&name[..name.len() - 1], tag)?;
            } else {
                pass.start(read_tag(tag)?, tag)?;
            }
            rest = &rest[gt + 1..];
        }
        // Each line went to the element comrak would have written it on.
        debug_assert_eq!(pass.next_line, pass.lines.len(), "lines left over");
        (pass.open.is_empty() && pass.frames.is_empty()).then_some(pass.out)
    }
}

/// Whether the body stands where the full pass would meet it as this pass
/// assumes: in `main`, outside anything hidden, named, counted or open in the
/// template.
fn plain_place(st: &State) -> bool {
    let d = &st.depth;
    d.main > 0
        && d.markdown == 0
        && d.no_abbr == 0
        && d.thead == 0
        && d.table_wrap == 0
        && d.nav == 0
        && d.chrome == 0
        && d.heading == 0
        && d.hidden == 0
        && d.ax_hidden == 0
        && d.foreign == 0
        && st.frames.is_empty()
        && st.links.is_empty()
        && st.tables.is_empty()
        && st.raw_blocks.is_empty()
        && st.text.is_empty()
}

/// Reads a start tag as comrak writes it: `<name( attr="value")*( /)?>`;
/// `None` for any element or attribute [`known`] does not cover.
fn read_tag(tag: &str) -> Option<Tag<'_>> {
    let inner = tag.strip_prefix('<')?.strip_suffix('>')?;
    let (inner, self_closing) = match inner.strip_suffix(" /") {
        Some(i) => (i, true),
        None => (inner, false),
    };
    let bytes = inner.as_bytes();
    let name_end = memchr::memchr(b' ', bytes).unwrap_or(bytes.len());
    let name = &inner[..name_end];
    let void = known(name)?;
    if void != self_closing {
        return None;
    }
    let mut t = Tag {
        name,
        void,
        ..Tag::default()
    };
    // At each attribute's leading space: ` name="value"`.
    let mut at = name_end;
    while at < bytes.len() {
        if bytes[at] != b' ' {
            return None;
        }
        let eq = at + 1 + memchr::memchr(b'=', &bytes[at + 1..])?;
        if bytes.get(eq + 1) != Some(&b'"') {
            return None;
        }
        let value_end = eq + 2 + memchr::memchr(b'"', &bytes[eq + 2..])?;
        let attr = &inner[at + 1..eq];
        let value = &inner[eq + 2..value_end];
        match attr {
            // Offsets in `tag`, which starts with `<`.
            "data-sourcepos" => {
                t.sourcepos = Some(value);
                t.sourcepos_span = (at + 1, value_end + 2);
            }
            "id" => t.id = Some(value),
            "class" if !value.split(' ').any(special) => t.class = Some(value),
            "href" if name == "a" => t.href = Some(value),
            "start" if name == "ol" => {}
            "scope" if name == "th" => t.scope = true,
            "role" | "tabindex" | "aria-label" | "aria-labelledby" if name == "div" => {
                t.region = true
            }
            _ => return None,
        }
        at = value_end + 1;
    }
    Some(t)
}

impl<'b> BodyPass<'_, 'b> {
    /// A start tag: what the full pass does at it, in its order (source line,
    /// id, depths, name, by tag), and the tag written without its source
    /// position.
    fn start(&mut self, tag: Tag<'b>, raw: &'b str) -> Option<()> {
        let mut open = Open {
            name: tag.name,
            ..Open::default()
        };
        let positioned = self.source_line(&tag, &mut open);
        if let Some(id) = tag.id.filter(|i| !i.is_empty()) {
            if self.labelled_shell.contains(id) {
                return None;
            }
            *self.st.ids.entry(id.to_string()).or_insert(0) += 1;
        }
        if !tag.void && no_abbr(tag.name) {
            self.st.depth.no_abbr += 1;
            open.no_abbr = true;
        }
        self.name(&tag, &mut open)?;
        self.by_tag(&tag, &mut open)?;
        write_start(&mut self.out, &tag, raw, positioned);
        if !tag.void {
            self.open.push(open);
        }
        Some(())
    }

    /// The Markdown line of an element with a source position (its
    /// `data-sourcepos`, or the next of the body's lines when it is of this
    /// element's name), kept until its end tag; true when it has one.
    fn source_line(&mut self, tag: &Tag<'_>, open: &mut Open<'_>) -> bool {
        let md_line = match tag.sourcepos {
            Some(pos) => pos.split(':').next().and_then(|l| l.parse::<usize>().ok()),
            None => match self.lines.get(self.next_line) {
                Some(&(name, line)) if name == tag.name => {
                    self.next_line += 1;
                    Some(line)
                }
                _ => return false,
            },
        };
        if tag.void {
            return true;
        }
        self.st.depth.markdown += 1;
        open.markdown = true;
        let line = md_line
            .zip(self.page.line_offset)
            .and_then(|(l, off)| l.checked_add(off));
        if let Some(l) = line {
            self.st.lines.push(l);
            open.line = true;
        }
        true
    }

    /// Names: a link's or heading's text is collected until its end tag, and
    /// a line break is a space in it. Block elements in a name, and a table
    /// region inside one, are left to the full pass.
    fn name(&mut self, tag: &Tag<'_>, open: &mut Open<'_>) -> Option<()> {
        let kind = match tag.name {
            "a" if tag.href.is_some() => Some(NameRule::Link),
            "a" => return None,
            "h2" | "h3" | "h4" | "h5" | "h6" => Some(NameRule::Heading),
            _ => None,
        };
        if !self.frames.is_empty()
            && (tag.region || naming::block(tag.name) || matches!(kind, Some(NameRule::Heading)))
        {
            return None;
        }
        if tag.name == "br" {
            if let Some(f) = self.frames.last_mut() {
                f.text.push(' ');
            }
            return Some(());
        }
        if let Some(kind) = kind {
            let seq = self.st.next_seq();
            let line = self.st.line();
            self.frames.push(Frame {
                text: String::new(),
                candidate: (seq, line, kind),
            });
            open.frame = true;
        }
        Some(())
    }

    /// What the full pass does by tag: headings, links, tables.
    fn by_tag(&mut self, tag: &Tag<'b>, open: &mut Open<'b>) -> Option<()> {
        let st = &mut *self.st;
        match tag.name {
            "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = tag.name.as_bytes()[1] - b'0';
                let (visible, anchor) = st.heading_starts(level, self.stage.info.heading_anchors);
                open.heading = Some((visible, tag.id.filter(|_| anchor)));
            }
            "a" => open.link = self.link(tag.href.unwrap_or_default()),
            "div"
                if tag
                    .class
                    .is_some_and(|c| c.split(' ').any(|x| x == "table-wrap")) =>
            {
                st.depth.table_wrap += 1;
                open.table_wrap = true;
            }
            "div" if tag.region => return None,
            "table" => {
                if st.depth.table_wrap == 0 {
                    return None;
                }
                st.table_starts();
                open.table = true;
            }
            "caption" => st.tables.last_mut()?.has_caption = true,
            "thead" => {
                st.depth.thead += 1;
                open.thead = true;
            }
            "th" => {
                st.tables.last_mut()?.has_th = true;
                if !tag.scope {
                    return None;
                }
            }
            _ => {}
        }
        Some(())
    }

    /// A link: its target noted for the site-wide check, and what its end tag
    /// adds (a document's format and size).
    fn link(&mut self, href: &str) -> Option<LinkNotes> {
        self.stage.note_target(self.st, href, self.page.url_path);
        LinkNotes::of(href, false, &self.stage.info.file_sizes)
    }

    /// An end tag: what the full pass's end-tag handlers do, in the order it
    /// registers them, then the tag.
    fn end(&mut self, name: &str, raw: &str) -> Option<()> {
        let open = self.open.pop()?;
        if open.name != name {
            return None;
        }
        let st = &mut *self.st;
        if open.markdown {
            st.depth.markdown = st.depth.markdown.saturating_sub(1);
            if open.line {
                st.lines.pop();
            }
        }
        if open.no_abbr {
            st.depth.no_abbr = st.depth.no_abbr.saturating_sub(1);
        }
        if open.frame {
            let f = self.frames.pop()?;
            let (seq, line, kind) = f.candidate;
            naming::judge(st, seq, line, kind, &f.text);
            if let Some(parent) = self.frames.last_mut() {
                parent.text.push_str(&f.text);
            }
            st.closed_text = f.text;
        }
        if let Some((visible, anchor)) = open.heading {
            st.heading_ends(visible);
            if let Some(id) = anchor {
                self.out.push_str(&repair::heading_anchor(id));
            }
        }
        if let Some(notes) = open.link {
            let text = std::mem::take(&mut st.closed_text);
            for html in notes.html(&text) {
                self.out.push_str(&html);
            }
        }
        if open.table_wrap {
            st.depth.table_wrap = st.depth.table_wrap.saturating_sub(1);
        }
        if open.table {
            st.table_ends();
        }
        if open.thead {
            st.depth.thead = st.depth.thead.saturating_sub(1);
        }
        self.out.push_str(raw);
        Some(())
    }

    /// A text node (raw, entities as written): the content of an open
    /// heading's section, part of the name being collected, and the text
    /// whose glossary terms are explained and whose abbreviations are noted.
    fn text(&mut self, raw: &str) {
        let stage = self.stage;
        let st = &mut *self.st;
        st.section_text(raw);
        if let Some(f) = self.frames.last_mut() {
            f.text.push_str(raw);
        }
        if self.glossary_page {
            self.out.push_str(raw);
            return;
        }
        if st.depth.no_abbr > 0 {
            if stage.keep_recent {
                st.remember(raw);
            }
            self.out.push_str(raw);
            return;
        }
        if st.finished_terms < stage.terms.len() {
            let replaced = stage.expand_terms(raw, st);
            stage.after_text(raw, st);
            self.out.push_str(replaced.as_deref().unwrap_or(raw));
        } else {
            if st.depth.markdown > 0 {
                stage.scan_abbreviations(raw, st);
            }
            self.out.push_str(raw);
        }
    }
}

/// Writes a start tag as the full pass does: as it stands, or, when it
/// carries a source position (which the pass removes), as lol_html writes a
/// changed tag: each other attribute as written, `/` right before `>` for a
/// void element.
fn write_start(out: &mut String, tag: &Tag<'_>, raw: &str, positioned: bool) {
    if !positioned {
        out.push_str(raw);
        return;
    }
    // Without its position the tag is written anew, as the full pass writes a
    // tag it changed: a void element's ` />` becomes `/>` (its line may have
    // come from the body's lines, with no attribute to take out).
    let (from, to) = tag.sourcepos_span;
    out.push_str(&raw[..from]);
    let rest = &raw[to..];
    match rest.strip_suffix(" />") {
        Some(before) => {
            out.push_str(before);
            out.push_str("/>");
        }
        None => out.push_str(rest),
    }
}
