//! A page's facts, packed to be kept until every page is made.
//!
//! In: the [`PageFacts`] the page stages gathered (a `String` per id and two per
//! link, and per abbreviation), and the site's [`KnownPaths`] (every entry's
//! path, made once per build). Out: the same facts in a few allocations — each
//! id as a 64-bit hash, sorted; each distinct link once, its target an index
//! into the known paths when it is one (most links: navigation and links
//! between pages) or else text; the page's links as indexes into them; the
//! abbreviations in one text — for the site-wide checks, which need every
//! page's facts at once. A site of 100,000 pages kept ~5 KB of facts a page as
//! strings, ~1 KB packed as text; ~0.5 KB now.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::PageFacts;

/// The paths below the base path (`background/`, `` for the home page) that
/// links of many pages share, each kept once for the whole build: a link
/// names one by its index. Sorted, without repeats, one after another.
#[derive(Debug, Default)]
pub(crate) struct KnownPaths {
    text: Box<str>,
    ends: Box<[u32]>,
    /// Each path's index by its hash ([`text_hash`]): a page's links are
    /// looked up here, not by a search of the sorted paths (~10 comparisons
    /// each at 1,000 pages).
    by_hash: FxHashMap<u64, u32>,
    /// Two paths share a hash (one in 10^19 a pair): a path not found by its
    /// hash is searched for as well.
    shared_hash: bool,
}

impl KnownPaths {
    /// The table of `paths` (in any order, repeats allowed).
    pub(crate) fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> KnownPaths {
        let mut paths: Vec<&str> = paths.into_iter().collect();
        paths.sort_unstable();
        paths.dedup();
        let mut text = String::with_capacity(paths.iter().map(|p| p.len()).sum());
        let mut ends = Vec::with_capacity(paths.len());
        let mut by_hash = FxHashMap::default();
        by_hash.reserve(paths.len());
        let mut shared_hash = false;
        for (i, p) in paths.into_iter().enumerate() {
            text.push_str(p);
            ends.push(to_u32(text.len()));
            shared_hash |= by_hash.insert(text_hash(p), to_u32(i)).is_some();
        }
        KnownPaths {
            text: text.into(),
            ends: ends.into(),
            by_hash,
            shared_hash,
        }
    }

    /// The `i`th path.
    fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        &self.text[start..self.ends[i] as usize]
    }

    /// The index of `path`, if it is one of them.
    fn find(&self, path: &str) -> Option<u32> {
        if let Some(&i) = self.by_hash.get(&text_hash(path))
            && self.get(i as usize) == path
        {
            return Some(i);
        }
        if !self.shared_hash {
            return None;
        }
        self.search(path)
    }

    /// The index of `path`, searched for among the sorted paths.
    fn search(&self, path: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(path) {
                std::cmp::Ordering::Equal => return u32::try_from(mid).ok(),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }
}

/// A link's target in `LinkPart::target` when it is text in the page's own
/// `links` (this bit set, the rest where the target's text ends) rather than
/// an index into the known paths.
const IN_TEXT: u32 = 1 << 31;

/// One distinct link: its target (see [`IN_TEXT`]), where its fragment ends in
/// the links text, and its line (0: not known).
#[derive(Debug, Clone, Copy)]
struct LinkPart {
    target: u32,
    fragment_end: u32,
    line: u32,
}

/// A page's facts for the site-wide checks (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub(crate) struct PackedFacts {
    /// Every id's hash ([`text_hash`]), sorted, without repeats.
    ids: Box<[u64]>,
    /// The targets not among the known paths, and every fragment, one after
    /// another in the order of `parts`.
    links: Box<str>,
    parts: Box<[LinkPart]>,
    /// The page's links in order, as indexes into `parts`.
    order: Box<[u32]>,
    /// The paths `parts` refer to.
    known: Arc<KnownPaths>,
    /// Words that look like abbreviations, one after another.
    abbreviations: Box<str>,
    /// Where each abbreviation ends in `abbreviations`, and the line of its
    /// first use (0: not known).
    abbreviation_ends: Box<[(u32, u32)]>,
}

/// A text's 64-bit hash (xxh3). An id is kept as its hash: the check asks
/// only whether a page has an id, and two different ids of one page share a
/// hash with a chance of about one in 10^19 (the link would then not be
/// reported as broken). A known path is found by it ([`KnownPaths::find`]).
fn text_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

impl PackedFacts {
    /// Packs `facts`, naming link targets among `known` by their index. Sizes
    /// past `u32` (a page of over 2 GB) are cut.
    pub(crate) fn pack(facts: PageFacts, known: &Arc<KnownPaths>) -> PackedFacts {
        let mut ids: Vec<u64> = facts.ids.iter().map(|id| text_hash(id)).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut links = String::new();
        let mut parts: Vec<LinkPart> = Vec::new();
        let mut seen: FxHashMap<(&str, &str, Option<usize>), u32> = FxHashMap::default();
        let mut order = Vec::with_capacity(facts.links.len());
        for ((target, fragment), line) in &facts.links {
            let index = *seen
                .entry((target.as_str(), fragment.as_str(), *line))
                .or_insert_with(|| {
                    let target = match known.find(target) {
                        Some(i) => i,
                        None => {
                            links.push_str(target);
                            IN_TEXT | to_u32(links.len()).min(IN_TEXT - 1)
                        }
                    };
                    links.push_str(fragment);
                    parts.push(LinkPart {
                        target,
                        fragment_end: to_u32(links.len()),
                        line: line.map_or(0, to_u32),
                    });
                    to_u32(parts.len() - 1)
                });
            order.push(index);
        }
        let mut abbreviations = String::new();
        let mut abbreviation_ends = Vec::with_capacity(facts.abbreviations.len());
        for (a, line) in &facts.abbreviations {
            abbreviations.push_str(a);
            abbreviation_ends.push((to_u32(abbreviations.len()), line.map_or(0, to_u32)));
        }
        PackedFacts {
            ids: ids.into(),
            links: links.into(),
            parts: parts.into(),
            order: order.into(),
            known: Arc::clone(known),
            abbreviations: abbreviations.into(),
            abbreviation_ends: abbreviation_ends.into(),
        }
    }

    /// Whether the page has an element with id `id`.
    pub(crate) fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search(&text_hash(id)).is_ok()
    }

    /// The page's links to pages of the site, in order: (path below the base
    /// path, fragment, line of the content file when known).
    pub(crate) fn links(&self) -> impl Iterator<Item = (&str, &str, Option<usize>)> + '_ {
        self.order.iter().map(|&i| {
            let i = i as usize;
            let start = i
                .checked_sub(1)
                .map_or(0, |p| self.parts[p].fragment_end as usize);
            let part = self.parts[i];
            let (target, fragment_start) = match part.target {
                t if t & IN_TEXT != 0 => {
                    let end = (t & !IN_TEXT) as usize;
                    (&self.links[start..end], end)
                }
                t => (self.known.get(t as usize), start),
            };
            let fragment = &self.links[fragment_start..part.fragment_end as usize];
            let line = (part.line != 0).then_some(part.line as usize);
            (target, fragment, line)
        })
    }

    /// The words that look like abbreviations, with the line of their first use.
    pub(crate) fn abbreviations(&self) -> impl Iterator<Item = (&str, Option<usize>)> + '_ {
        let starts = std::iter::once(0).chain(self.abbreviation_ends.iter().map(|&(e, _)| e));
        starts
            .zip(self.abbreviation_ends.iter())
            .map(|(start, &(end, line))| {
                let a = &self.abbreviations[start as usize..end as usize];
                (a, (line != 0).then_some(line as usize))
            })
    }
}

/// `n` as a `u32`, at most `u32::MAX`.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_facts_give_back_what_went_in() {
        let facts = PageFacts {
            ids: vec!["a".into(), "main".into(), "top".into()],
            links: vec![
                (("x/".into(), String::new()), None),
                (("y/".into(), "part".into()), Some(7)),
                (("x/".into(), String::new()), None),
                (("".into(), "top".into()), Some(3)),
                (("z/".into(), "end".into()), None),
                (("x/".into(), "mid".into()), Some(9)),
            ],
            abbreviations: vec![("HWBB".into(), Some(4)), ("LADO".into(), None)],
        };
        // `x/` and `` are known paths, `y/` and `z/` are not.
        let known = Arc::new(KnownPaths::new(["x/", "", "w/", "x/"]));
        let packed = PackedFacts::pack(facts.clone(), &known);
        for id in &facts.ids {
            assert!(packed.has_id(id), "{id}");
        }
        for id in ["", "b", "mai", "mainx", "zz"] {
            assert!(!packed.has_id(id), "{id}");
        }
        let links: Vec<_> = packed.links().collect();
        assert_eq!(
            links,
            [
                ("x/", "", None),
                ("y/", "part", Some(7)),
                ("x/", "", None),
                ("", "top", Some(3)),
                ("z/", "end", None),
                ("x/", "mid", Some(9)),
            ]
        );
        // The repeated link is kept once; known targets are not in the text.
        assert_eq!(packed.parts.len(), 5);
        assert_eq!(&*packed.links, "y/parttopz/endmid");
        assert_eq!(
            packed.abbreviations().collect::<Vec<_>>(),
            [("HWBB", Some(4)), ("LADO", None)]
        );
        assert!(!PackedFacts::default().has_id("a"));
        assert_eq!(PackedFacts::default().links().count(), 0);
        assert_eq!(PackedFacts::default().abbreviations().count(), 0);
    }

    #[test]
    fn known_paths_are_found_by_their_text() {
        let known = KnownPaths::new(["b/", "a/", "", "a/b/", "b/"]);
        for (i, p) in ["", "a/", "a/b/", "b/"].iter().enumerate() {
            assert_eq!(known.find(p), Some(i as u32), "{p}");
            assert_eq!(known.get(i), *p);
        }
        for p in ["a", "c/", "a/b", "b//"] {
            assert_eq!(known.find(p), None, "{p}");
        }
        assert_eq!(KnownPaths::default().find(""), None);
    }

    #[test]
    fn a_path_whose_hash_another_took_is_searched_for() {
        // As if "b/" had lost its place in the hash table to another path.
        let mut known = KnownPaths::new(["", "a/", "b/"]);
        known.by_hash.remove(&text_hash("b/"));
        assert_eq!(known.find("b/"), None);
        known.shared_hash = true;
        assert_eq!(known.find("b/"), Some(2));
        assert_eq!(known.find("a/"), Some(1));
        assert_eq!(known.find("c/"), None);
    }
}
