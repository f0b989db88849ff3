//! A page's facts, packed to be kept until every page is made.
//!
//! In: the [`PageFacts`] the page stages gathered (a `String` per id and two per
//! link). Out: the same facts in a few allocations — the ids sorted in one
//! text, each distinct link once in another, and the page's links as indexes
//! into them — for the site-wide checks, which need every page's facts at once.
//! A site of 100,000 pages kept ~5 KB of facts a page as strings.

use rustc_hash::FxHashMap;

use super::PageFacts;

/// One distinct link: where its target and fragment end in the links text, and
/// its line (0: not known).
#[derive(Debug, Clone, Copy)]
struct LinkPart {
    target_end: u32,
    fragment_end: u32,
    line: u32,
}

/// A page's facts for the site-wide checks (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub(crate) struct PackedFacts {
    /// Every id, sorted, without repeats, one after another.
    ids: Box<str>,
    /// Where each id ends in `ids`.
    id_ends: Box<[u32]>,
    /// Each distinct link's target and fragment, one after another.
    links: Box<str>,
    parts: Box<[LinkPart]>,
    /// The page's links in order, as indexes into `parts`.
    order: Box<[u32]>,
    /// Words that look like abbreviations, with the line of their first use.
    abbreviations: Box<[(Box<str>, Option<usize>)]>,
}

impl PackedFacts {
    /// Packs `facts` (its ids sorted and without repeats, as the pipeline
    /// leaves them). Sizes past `u32` (a page of over 4 GB) are cut.
    pub(crate) fn pack(facts: PageFacts) -> PackedFacts {
        let mut ids = String::with_capacity(facts.ids.iter().map(String::len).sum());
        let mut id_ends = Vec::with_capacity(facts.ids.len());
        for id in &facts.ids {
            ids.push_str(id);
            id_ends.push(to_u32(ids.len()));
        }
        let mut links = String::new();
        let mut parts: Vec<LinkPart> = Vec::new();
        let mut seen: FxHashMap<(&str, &str, Option<usize>), u32> = FxHashMap::default();
        let mut order = Vec::with_capacity(facts.links.len());
        for ((target, fragment), line) in &facts.links {
            let index = *seen
                .entry((target.as_str(), fragment.as_str(), *line))
                .or_insert_with(|| {
                    links.push_str(target);
                    let target_end = to_u32(links.len());
                    links.push_str(fragment);
                    parts.push(LinkPart {
                        target_end,
                        fragment_end: to_u32(links.len()),
                        line: line.map_or(0, to_u32),
                    });
                    to_u32(parts.len() - 1)
                });
            order.push(index);
        }
        PackedFacts {
            ids: ids.into(),
            id_ends: id_ends.into(),
            links: links.into(),
            parts: parts.into(),
            order: order.into(),
            abbreviations: facts
                .abbreviations
                .into_iter()
                .map(|(a, l)| (a.into_boxed_str(), l))
                .collect(),
        }
    }

    /// The `i`th id.
    fn id(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.id_ends[p] as usize);
        &self.ids[start..self.id_ends[i] as usize]
    }

    /// Whether the page has an element with id `id`.
    pub(crate) fn has_id(&self, id: &str) -> bool {
        let (mut lo, mut hi) = (0, self.id_ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        false
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
            let target = &self.links[start..part.target_end as usize];
            let fragment = &self.links[part.target_end as usize..part.fragment_end as usize];
            let line = (part.line != 0).then_some(part.line as usize);
            (target, fragment, line)
        })
    }

    /// The words that look like abbreviations, with the line of their first use.
    pub(crate) fn abbreviations(&self) -> impl Iterator<Item = (&str, Option<usize>)> + '_ {
        self.abbreviations.iter().map(|(a, l)| (&**a, *l))
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
            ],
            abbreviations: vec![("HWBB".into(), Some(4))],
        };
        let packed = PackedFacts::pack(facts.clone());
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
                ("", "top", Some(3))
            ]
        );
        // The repeated link is kept once.
        assert_eq!(packed.parts.len(), 3);
        assert_eq!(
            packed.abbreviations().collect::<Vec<_>>(),
            [("HWBB", Some(4))]
        );
        assert!(!PackedFacts::default().has_id("a"));
        assert_eq!(PackedFacts::default().links().count(), 0);
    }
}
