//! Plain-English advice a build lists only in part, kept only in part.
//!
//! `reportsite build` lists the first pieces of plain-English advice in full
//! (by file, line and column) and counts the rest by rule; `check` and the
//! preview list it all. A long report has thousands of pieces: holding them
//! all until the build ends cost it more than making them did (memory,
//! page faults). With a limit ([`Site::build_into_listing`]), each page's
//! job says how much advice its file has; once the files sorted before a
//! page's (and its own) are known to hold at least the limit, no piece of a
//! later file can be listed, and a later page's advice is only counted, by
//! rule, as soon as it is made.
//!
//! In: each page's file and problems, as its job finishes (in any order).
//! Out: the problems to keep, and the advice counted instead ([`LeftOut`]).
//! The pieces listed, and every count, are what keeping them all gives.
//!
//! [`Site::build_into_listing`]: crate::site::Site::build_into_listing

use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::error::{Diagnostic, Severity};
use crate::plain_english::is_reading_age;

/// Pieces of advice counted, not kept, by rule.
pub type LeftOut = crate::plain_english::Counts;

/// The limit, the files' order, and what the pages' jobs have said so far.
pub(crate) struct AdviceCap<'s> {
    limit: usize,
    /// Each content file's place among them, sorted as diagnostics are.
    ranks: FxHashMap<&'s str, usize>,
    state: Mutex<Said>,
}

/// What the pages' jobs have said.
struct Said {
    /// Each file's pieces of advice, once its page is made.
    advice: Vec<Option<usize>>,
    /// The files before this one have all said.
    next: usize,
    /// The advice of the files before `next`.
    before: usize,
    /// The file from which on the files before it hold `limit` pieces: only
    /// a later file's advice is counted instead of kept.
    last_listed: Option<usize>,
}

impl<'s> AdviceCap<'s> {
    /// The cap of a build of `site` listing `limit` pieces: only with the
    /// checks on, and where each page's Markdown is made in its own job
    /// (`fused`; otherwise all of it is made, with its advice, first).
    pub(crate) fn of_build(
        site: &'s crate::site::Site,
        fused: bool,
        limit: Option<usize>,
    ) -> Option<AdviceCap<'s>> {
        let limit = limit.filter(|_| fused && site.config.plain_english.enabled)?;
        let files = site.report.entries.iter().map(|e| e.source.file.as_str());
        Some(AdviceCap::new(limit, files))
    }

    /// A cap listing `limit` pieces, over the content files `files`.
    pub(crate) fn new(limit: usize, files: impl Iterator<Item = &'s str>) -> AdviceCap<'s> {
        let mut sorted: Vec<&str> = files.collect();
        sorted.sort_unstable();
        sorted.dedup();
        let ranks = sorted.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        AdviceCap {
            limit,
            state: Mutex::new(Said {
                advice: vec![None; sorted.len()],
                next: 0,
                before: 0,
                last_listed: None,
            }),
            ranks,
        }
    }

    /// Whether no advice of the page made from `file` can be listed, as
    /// far as the pages made so far tell: its advice need only be counted
    /// (and [`AdviceCap::take`] keeps none of it).
    pub(crate) fn counts_only(&self, file: &str) -> bool {
        let Some(&rank) = self.ranks.get(file) else {
            return false;
        };
        let said = self.state.lock().unwrap_or_else(|e| e.into_inner());
        said.last_listed.is_some_and(|last| rank > last)
    }

    /// Takes the problems of the page made from `file`: its advice stays in
    /// `problems` unless none of it can be listed, when it is counted by rule
    /// into `left_out` instead (and its reading age, which `build` neither
    /// lists nor counts, is dropped).
    pub(crate) fn take(&self, file: &str, problems: &mut Vec<Diagnostic>, left_out: &mut LeftOut) {
        let Some(&rank) = self.ranks.get(file) else {
            return;
        };
        let advice = |d: &Diagnostic| d.severity == Severity::Advice && d.file == file;
        let n = problems
            .iter()
            .filter(|d| advice(d) && !is_reading_age(d))
            .count();
        let listed = {
            let mut said = self.state.lock().unwrap_or_else(|e| e.into_inner());
            said.tell(rank, n, self.limit);
            said.last_listed.is_none_or(|last| rank <= last)
        };
        if listed {
            return;
        }
        problems.retain(|d| {
            if !advice(d) {
                return true;
            }
            if !is_reading_age(d) {
                *left_out.entry(d.code).or_default() += 1;
            }
            false
        });
    }
}

impl Said {
    /// File `rank` has `n` pieces of advice.
    fn tell(&mut self, rank: usize, n: usize, limit: usize) {
        if let Some(slot) = self.advice.get_mut(rank) {
            *slot = Some(n);
        }
        while let Some(Some(n)) = self.advice.get(self.next) {
            self.before += n;
            if self.last_listed.is_none() && self.before >= limit {
                self.last_listed = Some(self.next);
            }
            self.next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice(file: &str, code: &'static str) -> Diagnostic {
        let mut d = Diagnostic::warning(code, file, "m");
        d.severity = Severity::Advice;
        d
    }

    #[test]
    fn advice_of_files_after_the_listed_ones_is_counted_in_any_order() {
        let files = [
            "content/c.md",
            "content/a.md",
            "content/b.md",
            "content/d.md",
        ];
        let cap = AdviceCap::new(3, files.into_iter());
        let mut left = LeftOut::new();
        // d and c first: nothing is known of a and b yet, so both are kept.
        let mut d = vec![advice("content/d.md", "long-sentence")];
        cap.take("content/d.md", &mut d, &mut left);
        assert_eq!(d.len(), 1);
        let mut c = vec![advice("content/c.md", "capitals")];
        cap.take("content/c.md", &mut c, &mut left);
        assert_eq!(c.len(), 1);
        // a has 2, b has 2: a and b hold the 3 listed, so b is the last listed.
        let mut a = vec![advice("content/a.md", "capitals"); 2];
        cap.take("content/a.md", &mut a, &mut left);
        let mut b = vec![
            advice("content/b.md", "long-sentence"),
            advice("content/b.md", "capitals"),
            Diagnostic::warning("broken-link", "content/b.md", "not advice"),
        ];
        cap.take("content/b.md", &mut b, &mut left);
        assert_eq!((a.len(), b.len()), (2, 3));
        assert!(left.is_empty());
        // A file after b, made now, is counted, its other problems kept.
        let mut late = vec![
            advice("content/d.md", "word-to-avoid"),
            advice("content/d.md", "word-to-avoid"),
            Diagnostic::warning("broken-link", "content/d.md", "not advice"),
        ];
        cap.take("content/d.md", &mut late, &mut left);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].code, "broken-link");
        assert_eq!(left.get("word-to-avoid"), Some(&2));
    }

    #[test]
    fn nothing_is_counted_while_the_files_before_hold_fewer_than_the_limit() {
        let cap = AdviceCap::new(50, ["content/a.md", "content/b.md"].into_iter());
        let mut left = LeftOut::new();
        for f in ["content/a.md", "content/b.md", "content/b.md"] {
            let mut p = vec![advice(f, "capitals"); 10];
            cap.take(f, &mut p, &mut left);
            assert_eq!(p.len(), 10);
        }
        // A file the cap does not know is never counted.
        let mut p = vec![advice("content/z.md", "capitals"); 60];
        cap.take("content/z.md", &mut p, &mut left);
        assert_eq!(p.len(), 60);
        assert!(left.is_empty());
    }
}
