//! What the pass keeps while it reads one page: the depths it is inside
//! (`main`, headings, hidden parts…), the open name frames, the tables and
//! links whose end is awaited, and the findings noted so far.
//!
//! In: the events of the pass. Out: the [`State`] the audit reads at the end.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::rc::Rc;

use super::element::Tag;

use super::audit::{Finding, OpenSection, TableFacts};
use super::naming::{Candidate, Frame};
use super::repair::LinkNotes;
use super::terms::NEARBY;
use super::{PageFacts, names};

/// A finding noted during the pass; made into a [`Diagnostic`] afterwards (end-tag
/// handlers must own what they use, so they cannot reach the page context).
///
/// [`Diagnostic`]: crate::error::Diagnostic
pub(super) struct Pending {
    /// Its place in the page: findings are reported in the order of the
    /// elements they are about, page-wide ones last.
    pub(super) seq: usize,
    pub(super) finding: Finding,
}

/// How deep the pass is inside elements of each kind (each counted until
/// its end tag).
#[derive(Default)]
pub(super) struct Depths {
    pub(super) main: u32,
    /// Inside elements that came from Markdown (author's text).
    pub(super) markdown: u32,
    /// Inside an element where no `<abbr>` is added (links, code, headings…).
    pub(super) no_abbr: u32,
    pub(super) thead: u32,
    /// Inside a `div.table-wrap` (a scrolling region).
    pub(super) table_wrap: u32,
    pub(super) nav: u32,
    /// Inside `nav`, `header`, `footer` and `aside`: there a term gets
    /// `<abbr>` only (no spelling out, no link).
    pub(super) chrome: u32,
    /// Inside headings.
    pub(super) heading: u32,
    /// Inside elements hidden on screen (`hidden`, `.visually-hidden`).
    pub(super) hidden: u32,
    /// Inside elements hidden from assistive technology.
    pub(super) ax_hidden: u32,
    /// Inside `svg` and `math` (whose `title` is not the page's).
    pub(super) foreign: u32,
}

/// The state of one page's pass, which its handlers share.
#[derive(Default)]
pub(super) struct State {
    pub(super) pending: Vec<Pending>,
    pub(super) depth: Depths,
    pub(super) facts: PageFacts,
    /// Markdown lines of the open elements that carried `data-sourcepos`.
    pub(super) lines: Vec<usize>,
    /// For each open block of raw HTML (between the Markdown's line comments),
    /// whether it put a line on `lines`.
    pub(super) raw_blocks: Vec<bool>,
    /// The last visible heading, while nothing visible has followed it.
    pub(super) open_heading: Option<OpenSection>,
    /// Per glossary term (as [`A11y::terms`]): what the page has done with it.
    pub(super) term_flags: Vec<u8>,
    /// How many terms need nothing more on the page.
    pub(super) finished_terms: usize,
    /// The end of the text of `main` so far (raw HTML text), to see whether the
    /// author spelt out an abbreviation just before it.
    pub(super) recent: String,
    /// Unknown abbreviations, with the content file line of the first use.
    pub(super) unknown_abbr: HashMap<String, Option<usize>>,
    pub(super) text: String,
    pub(super) links: Vec<LinkNotes>,
    /// Open elements whose text a name needs, innermost last.
    pub(super) frames: Vec<Frame>,
    /// The next [`Frame::serial`].
    pub(super) frame_serial: u32,
    /// The visible text of the frame closed last, for the end-tag handlers of
    /// links and headings that run after it.
    pub(super) closed_text: String,
    /// Elements whose names wait for the end of the page.
    pub(super) candidates: Vec<Candidate>,
    /// The ids some `aria-labelledby` of the page points at.
    pub(super) labelled: HashSet<String>,
    /// The names of the elements `aria-labelledby` points at, by id (the first
    /// element with the id).
    pub(super) targets: HashMap<String, Vec<names::Piece>>,
    /// Whether the page lets `style` attributes apply (its
    /// Content-Security-Policy may not).
    pub(super) inline_styles: bool,
    /// The page has an `<html>` tag (a fragment, as the fuzz targets feed the
    /// stage, is not judged as a page).
    pub(super) saw_html: bool,
    /// The page's first `title` was seen, and its text once it ended.
    pub(super) title_seen: bool,
    pub(super) page_title: Option<String>,
    /// A counter giving each finding its place ([`Pending::seq`]).
    pub(super) seq: usize,
    pub(super) tables: Vec<TableFacts>,
    pub(super) last_heading: u8,
    pub(super) h1: usize,
    pub(super) ids: HashMap<String, usize>,
    pub(super) anchors: Vec<(String, Option<usize>)>,
    pub(super) table_count: usize,
}

impl State {
    pub(super) fn line(&self) -> Option<usize> {
        self.lines.last().copied()
    }

    /// Notes a finding at the next place in the page.
    pub(super) fn note(&mut self, finding: Finding) {
        let seq = self.next_seq();
        self.note_at(seq, finding);
    }

    /// Notes a finding at a place in the page taken earlier ([`State::next_seq`]).
    pub(super) fn note_at(&mut self, seq: usize, finding: Finding) {
        self.pending.push(Pending { seq, finding });
    }

    /// The next place in the page's order of findings.
    pub(super) fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    /// Keeps `text` at the end of [`State::recent`] (the last few hundred bytes).
    pub(super) fn remember(&mut self, text: &str) {
        self.recent.push_str(text);
        if self.recent.len() > 4 * NEARBY {
            let mut cut = self.recent.len() - NEARBY;
            while !self.recent.is_char_boundary(cut) {
                cut += 1;
            }
            self.recent.drain(..cut);
        }
    }
}

pub(super) type Shared = Rc<RefCell<State>>;

pub(super) type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Counts `el` in one of the state's depth counters until its end tag.
pub(super) fn inside(
    el: &mut impl Tag,
    state: &Shared,
    counter: fn(&mut State) -> &mut u32,
) -> HandlerResult {
    if !el.can_have_content() || el.is_self_closing() {
        return Ok(());
    }
    *counter(&mut state.borrow_mut()) += 1;
    el.at_end(state, AtEnd::Leave(counter))
}

/// What the state itself does at an element's end tag: the two end-tag
/// handlers most elements get, as data (a reader may run them without a
/// handler of their own; [`Tag::at_end`]).
#[derive(Clone, Copy)]
pub(super) enum AtEnd {
    /// A depth counter goes down by one ([`inside`]).
    Leave(fn(&mut State) -> &mut u32),
    /// Name frame `serial` closes, and the inner ones whose end tags never
    /// came ([`super::naming`]).
    CloseFrame(u32),
}

impl AtEnd {
    pub(super) fn run(self, st: &mut State) {
        match self {
            AtEnd::Leave(counter) => {
                let c = counter(st);
                *c = c.saturating_sub(1);
            }
            AtEnd::CloseFrame(serial) => super::naming::close_frames(st, serial),
        }
    }
}
