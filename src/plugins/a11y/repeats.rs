//! Parts of the shell that pages repeat: a template's chapter list, its
//! breadcrumbs' first links, its footer are the same bytes on most pages of a
//! site. The pass reads such a part on one page, and on the pages after that
//! its outcome is given back as it was, with no reading.
//!
//! In: a part of a page's shell (an element with everything inside it, from
//! its start tag to its end tag), the state of the pass where it starts, and
//! the page's address. Out: on a part met before in the same state, what the
//! pass wrote for it and what it added to the state (findings, link targets,
//! anchors, its counters); otherwise nothing, and the part is read as usual
//! (and kept, the second time it is met).
//!
//! Why the outcome is the same as a reading: a part is taken only when it
//! holds nothing but plain elements ([`INSIDE`]) with plain attributes
//! ([`ATTRIBUTES`]), no comment, and only links whose targets do not depend on
//! the page (a path from the site's root that is not the page's own, a
//! fragment, or a full address); and only where the pass stands outside
//! `main`, outside Markdown, outside any table, link or name being collected
//! ([`ready`]). There the pass reads nothing of the page but the part's bytes
//! and the state's fields in [`Context`], which are part of the key; what it
//! changes is checked when the part is kept ([`Before::changes`]): a part
//! whose reading touched anything else (ids, names waiting for an
//! `aria-labelledby`, the glossary's terms) is not kept. `tests.rs` reads pages
//! with and without the store and compares every output.
//!
//! A part is kept the second time a worker thread meets it, so a part of one
//! page only (its own entry in a list) costs a hash, not a copy; each thread
//! has its own store (no thread waits for another), and the stores are
//! bounded, so a site of any size keeps at most [`MAX_PARTS`] of them.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::audit::Finding;
use super::state::{Depths, Pending, State};

/// The most parts kept, and the most parts remembered as met once.
const MAX_PARTS: usize = 1 << 15;
const MAX_SEEN: usize = 1 << 18;

/// Elements a part may start at: small ones, which pages repeat whole (a
/// list whose items link to each page, the current one marked, is the same
/// on no two pages: looking for it cost more than its items' parts saved).
pub(super) fn root(tag: &str) -> bool {
    matches!(tag, "li" | "a" | "p" | "footer")
}

/// The longest part looked for (from its start tag's end): a longer element
/// is read, not looked up, as its bytes are rarely repeated whole.
pub(super) const MAX_LEN: usize = 2048;

/// Elements a part may hold: no name of their own but a link's, no depth but
/// the balanced ones, nothing that loads or embeds.
const INSIDE: [&str; 17] = [
    "a", "span", "li", "ul", "ol", "p", "div", "small", "strong", "em", "b", "i", "time", "br",
    "nav", "footer", "header",
];

/// Attributes a part's elements may carry.
const ATTRIBUTES: [&str; 9] = [
    "class",
    "href",
    "rel",
    "aria-current",
    "aria-label",
    "title",
    "lang",
    "dir",
    "datetime",
];

/// Whether an attribute may stand in a part: one of [`ATTRIBUTES`], and a
/// link's target one that the page's own address does not resolve (a path
/// from the site's root, a fragment, or a full address; a part linking to the
/// page it stands on is not given back there, [`Part::links_to`]).
pub(super) fn plain_attribute(name: &str, value: &str) -> bool {
    ATTRIBUTES.contains(&name)
        && (name != "href"
            || value.starts_with('#')
            || value.starts_with("https://")
            || value.starts_with("http://")
            || (value.starts_with('/') && !value.starts_with("//")))
}

/// Whether an element may stand inside a part.
pub(super) fn inside(tag: &str) -> bool {
    INSIDE.contains(&tag)
}

/// Whether the pass stands where a part's reading depends only on its bytes
/// and the [`Context`]: outside Markdown and foreign content, with no link,
/// table, name or lines open, and outside `main` when the text before a term
/// is kept (`keep_recent`: a part's text there would depend on the text
/// before it).
pub(super) fn ready(st: &State, keep_recent: bool) -> bool {
    (st.depth.main == 0 || !keep_recent)
        && st.depth.markdown == 0
        && st.depth.foreign == 0
        && st.frames.is_empty()
        && st.links.is_empty()
        && st.tables.is_empty()
        && st.lines.is_empty()
        && st.raw_blocks.is_empty()
        && st.text.is_empty()
}

/// The fields of the state a part's reading may read, besides its bytes and
/// the glossary terms' flags (in `main`, a term's first use is explained).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct Context {
    depth: Depths,
    /// A heading's section is waiting for something visible.
    heading_open: bool,
    inline_styles: bool,
    finished_terms: usize,
    /// The page is the glossary (whose terms are not explained again).
    glossary_page: bool,
}

impl Context {
    pub(super) fn of(st: &State, glossary_page: bool) -> Context {
        Context {
            depth: st.depth.clone(),
            heading_open: st.open_heading.is_some(),
            inline_styles: st.inline_styles,
            finished_terms: st.finished_terms,
            glossary_page,
        }
    }
}

/// The key of a part: its bytes and the context it is read in.
pub(super) fn key(bytes: &[u8], context: &Context, st: &State) -> u64 {
    let mut h = FxHasher::default();
    xxhash_rust::xxh3::xxh3_64(bytes).hash(&mut h);
    context.hash(&mut h);
    st.term_flags.hash(&mut h);
    h.finish()
}

/// A part as the pass read it once.
pub(super) struct Part {
    bytes: Box<[u8]>,
    context: Context,
    term_flags: Box<[u8]>,
    /// What the pass wrote in its place.
    pub(super) output: Box<str>,
    /// How far it moved the page's order of findings, and the frames' serials.
    seq: usize,
    frame_serial: u32,
    /// Its findings, by their place after the part's start.
    pending: Vec<(usize, Finding)>,
    anchors: Vec<(String, Option<usize>)>,
    links: Vec<((String, String), Option<usize>)>,
    /// Its text ended the section of the heading before it.
    clears_heading: bool,
    /// Its links' paths from the site's root.
    paths: Box<[Box<str>]>,
}

impl Part {
    /// Whether this is the part of these bytes in this context (the key is a
    /// hash).
    pub(super) fn is(&self, bytes: &[u8], context: &Context, st: &State) -> bool {
        *self.bytes == *bytes && self.context == *context && *self.term_flags == *st.term_flags
    }

    /// Whether the part links to the page at `url` (where the pass marks the
    /// link as the current page's).
    pub(super) fn links_to(&self, url: &str) -> bool {
        self.paths.iter().any(|p| **p == *url)
    }

    /// Adds to the state what reading the part added.
    pub(super) fn replay(&self, st: &mut State) {
        let base = st.seq;
        st.pending
            .extend(self.pending.iter().map(|(at, finding)| Pending {
                seq: base + at,
                finding: finding.clone(),
            }));
        st.seq += self.seq;
        st.frame_serial = st.frame_serial.wrapping_add(self.frame_serial);
        st.anchors.extend(self.anchors.iter().cloned());
        st.facts.links.extend(self.links.iter().cloned());
        if self.clears_heading {
            st.open_heading = None;
        }
    }
}

/// What the state held where a part started: its lists' lengths and the
/// fields a part must leave alone.
pub(super) struct Before {
    context: Context,
    seq: usize,
    frame_serial: u32,
    pending: usize,
    anchors: usize,
    links: usize,
    untouched: Untouched,
}

/// The fields no part may change.
#[derive(PartialEq)]
struct Untouched {
    candidates: usize,
    ids: usize,
    targets: usize,
    unknown_abbr: usize,
    fact_ids: usize,
    fact_abbreviations: usize,
    recent: usize,
    term_flags: Vec<u8>,
    finished_terms: usize,
    title_seen: bool,
    page_title: bool,
    saw_html: bool,
    h1: usize,
    last_heading: u8,
    table_count: usize,
}

impl Untouched {
    fn of(st: &State) -> Untouched {
        Untouched {
            candidates: st.candidates.len(),
            ids: st.ids.len(),
            targets: st.targets.len(),
            unknown_abbr: st.unknown_abbr.len(),
            fact_ids: st.facts.ids.len(),
            fact_abbreviations: st.facts.abbreviations.len(),
            recent: st.recent.len(),
            term_flags: st.term_flags.clone(),
            finished_terms: st.finished_terms,
            title_seen: st.title_seen,
            page_title: st.page_title.is_some(),
            saw_html: st.saw_html,
            h1: st.h1,
            last_heading: st.last_heading,
            table_count: st.table_count,
        }
    }
}

impl Before {
    pub(super) fn of(st: &State, context: Context) -> Before {
        Before {
            context,
            seq: st.seq,
            frame_serial: st.frame_serial,
            pending: st.pending.len(),
            anchors: st.anchors.len(),
            links: st.facts.links.len(),
            untouched: Untouched::of(st),
        }
    }

    /// The part read from here to `st`, when its reading changed only what a
    /// [`Part`] gives back; `None` otherwise (it is then not kept).
    pub(super) fn changes(
        self,
        st: &State,
        keep_recent: bool,
        bytes: &[u8],
        output: &str,
        paths: Vec<Box<str>>,
    ) -> Option<Part> {
        let after = Context::of(st, self.context.glossary_page);
        let depths_back = after.depth == self.context.depth;
        let heading = (self.context.heading_open, after.heading_open);
        if !depths_back
            || after.inline_styles != self.context.inline_styles
            || heading == (false, true)
            || !ready(st, keep_recent)
            || Untouched::of(st) != self.untouched
        {
            return None;
        }
        let pending = st.pending.get(self.pending..)?;
        let pending = pending
            .iter()
            .map(|p| Some((p.seq.checked_sub(self.seq)?, p.finding.clone())))
            .collect::<Option<Vec<_>>>()?;
        Some(Part {
            bytes: bytes.into(),
            context: self.context,
            term_flags: st.term_flags.as_slice().into(),
            output: output.into(),
            seq: st.seq.checked_sub(self.seq)?,
            frame_serial: st.frame_serial.wrapping_sub(self.frame_serial),
            pending,
            anchors: st.anchors.get(self.anchors..)?.to_vec(),
            links: st.facts.links.get(self.links..)?.to_vec(),
            clears_heading: heading == (true, false),
            paths: paths.into(),
        })
    }
}

/// The parts met so far in one build: one store for each of the build's
/// worker threads, so that no thread waits for another (a part is kept by the
/// thread that met it twice).
pub(super) struct Repeats {
    stores: Box<[Mutex<Store>]>,
    /// How many parts were given back (the tests' proof that they were).
    #[cfg(test)]
    pub(super) given_back: std::sync::atomic::AtomicUsize,
}

impl Default for Repeats {
    fn default() -> Repeats {
        let threads = rayon::current_num_threads().max(1);
        Repeats {
            stores: (0..threads).map(|_| Mutex::default()).collect(),
            #[cfg(test)]
            given_back: Default::default(),
        }
    }
}

#[derive(Default)]
struct Store {
    /// Keys of parts met once.
    seen: FxHashSet<u64>,
    parts: FxHashMap<u64, Arc<Part>>,
}

/// What to do with a part.
pub(super) enum Found {
    /// Give back its outcome.
    Kept(Arc<Part>),
    /// Read it and keep it: it is met the second time.
    Keep,
    /// Read it.
    Read,
}

impl Repeats {
    /// The store of the thread that asks.
    fn store(&self) -> Option<std::sync::MutexGuard<'_, Store>> {
        let i = rayon::current_thread_index().unwrap_or(0) % self.stores.len();
        self.stores.get(i)?.lock().ok()
    }

    pub(super) fn find(&self, key: u64) -> Found {
        let Some(mut store) = self.store() else {
            return Found::Read;
        };
        if let Some(part) = store.parts.get(&key) {
            #[cfg(test)]
            self.given_back
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Found::Kept(part.clone());
        }
        if store.seen.contains(&key) {
            return Found::Keep;
        }
        if store.seen.len() < MAX_SEEN / self.stores.len() {
            store.seen.insert(key);
        }
        Found::Read
    }

    pub(super) fn keep(&self, key: u64, part: Part) {
        let most = MAX_PARTS / self.stores.len();
        if let Some(mut store) = self.store()
            && store.parts.len() < most
        {
            store.parts.entry(key).or_insert_with(|| Arc::new(part));
        }
    }
}
