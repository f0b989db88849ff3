//! Glossary terms in the text of `main` (a repair): an abbreviation spelt out
//! at its first use on a page and given `<abbr title>` at the next, a defined
//! term linked to its definition on the glossary page.
//!
//! In: a text node of the page (raw HTML text) and what the page has done with
//! each term so far. Out: the text's new HTML, when something changes.

use super::A11y;
use super::names::collapse;
use super::state::State;

/// A glossary term as the stage looks for it.
pub(super) struct Term {
    /// As it is looked for: as written, or in ASCII lower case when
    /// [`Term::caseless`].
    pub(super) needle: String,
    /// A word or phrase with no capital after its first letter ("early help",
    /// "Escalation") is found in any case, and in the plural (with an `s`);
    /// others ("SSCB", "DfE") only as written.
    pub(super) caseless: bool,
    /// What an abbreviation stands for.
    pub(super) expansion: Option<String>,
    /// The link to its definition on the glossary page, when it has one.
    pub(super) href: Option<String>,
    /// The term whose definition the expansion names ("SCR" stands for
    /// "Serious Case Review", which the glossary defines): the spelt-out text
    /// links to it.
    pub(super) expansion_term: Option<usize>,
}

/// The glossary's terms as the stage looks for them, longest first (so "SSCB"
/// is tried before "SCB"), each linked to its definition on the glossary page
/// under `base_path` when it has one.
pub(super) fn terms(glossary: &[crate::frontmatter::GlossaryEntry], base_path: &str) -> Vec<Term> {
    let mut glossary = glossary.to_vec();
    glossary.sort_by(|a, b| {
        b.term
            .len()
            .cmp(&a.term.len())
            .then_with(|| a.term.cmp(&b.term))
    });
    let mut terms: Vec<Term> = glossary
        .iter()
        .map(|g| {
            let caseless = !g.term.chars().skip(1).any(char::is_uppercase);
            Term {
                needle: if caseless {
                    g.term.to_ascii_lowercase()
                } else {
                    g.term.clone()
                },
                caseless,
                expansion: g.expansion.clone(),
                href: g
                    .definition
                    .as_ref()
                    .map(|_| format!("{}glossary/#{}", base_path, g.id())),
                expansion_term: None,
            }
        })
        .collect();
    for i in 0..terms.len() {
        let Some(exp) = terms[i].expansion.as_deref().map(str::to_ascii_lowercase) else {
            continue;
        };
        terms[i].expansion_term = terms
            .iter()
            .position(|t| t.caseless && t.href.is_some() && t.needle == exp);
    }
    terms
}

/// Per page and term: spelt out in the text.
pub(super) const SPELLED: u8 = 1;

/// Per page and term: given `<abbr title>`.
pub(super) const ABBR: u8 = 2;

/// Per page and term: linked to its definition.
pub(super) const LINKED: u8 = 4;

/// How far before or after an abbreviation (in bytes of the page's text) its
/// expansion counts as already written by the author.
pub(super) const NEARBY: usize = 200;

impl A11y {
    /// Whether a term needs nothing more on a page with `flags`.
    pub(super) fn finished(&self, t: &Term, flags: u8) -> bool {
        let explained = t.expansion.is_none()
            || (flags & ABBR != 0 && (!self.info.spell_out || flags & SPELLED != 0));
        explained && (t.href.is_none() || flags & LINKED != 0)
    }

    /// Sets a term's flags on the page, counting the terms finished.
    pub(super) fn set_flags(&self, st: &mut State, i: usize, flags: u8) {
        let Some(old) = st.term_flags.get(i).copied() else {
            return;
        };
        let t = &self.terms[i];
        let (was, is) = (self.finished(t, old), self.finished(t, old | flags));
        st.term_flags[i] = old | flags;
        if is && !was {
            st.finished_terms += 1;
        }
    }

    /// Explains the first uses of glossary terms in `text` (raw HTML text,
    /// entities not decoded): see [`A11y::term_html`]. `None` when nothing in
    /// `text` changes.
    pub(super) fn expand_terms(&self, text: &str, st: &mut State) -> Option<String> {
        let chrome = st.depth.chrome > 0;
        let lower = self
            .terms
            .iter()
            .zip(&st.term_flags)
            .any(|(t, f)| t.caseless && !self.finished(t, *f))
            .then(|| text.to_ascii_lowercase());
        // The next use at or after `from` of term `i`: start and length.
        let find = |i: usize, from: usize| -> Option<(usize, usize)> {
            let t = &self.terms[i];
            let found = if t.caseless {
                find_word_or_plural(&lower.as_deref()?[from..], &t.needle)
            } else {
                find_word(&text[from..], &t.needle).map(|p| (p, t.needle.len()))
            };
            found.map(|(p, len)| (from + p, len))
        };
        // Each term's next use, found once and again only once passed (a term
        // used over and over where nothing is to be done, as in a `nav`, does
        // not make every other term be looked for again each time).
        let mut next: Vec<Option<(usize, usize)>> = (0..self.terms.len())
            .map(|i| {
                if self.finished(&self.terms[i], st.term_flags[i]) {
                    None
                } else {
                    find(i, 0)
                }
            })
            .collect();
        let mut out = String::new();
        let mut at = 0;
        let mut changed = false;
        loop {
            // The earliest use of any term that needs something more, longest
            // first.
            let first = next
                .iter()
                .enumerate()
                .filter_map(|(i, n)| n.map(|(p, len)| (p, len, i)))
                .filter(|(_, _, i)| !self.finished(&self.terms[*i], st.term_flags[*i]))
                .min_by_key(|(p, len, _)| (*p, std::cmp::Reverse(*len)));
            let Some((start, len, i)) = first else {
                break;
            };
            let end = start + len;
            out.push_str(&text[at..start]);
            match self.term_html(text, start, end, i, chrome, st) {
                Some(html) => {
                    out.push_str(&html);
                    changed = true;
                }
                None => out.push_str(&text[start..end]),
            }
            at = end;
            for (j, n) in next.iter_mut().enumerate() {
                if n.is_some_and(|(p, _)| p < at) {
                    *n = if self.finished(&self.terms[j], st.term_flags[j]) {
                        None
                    } else {
                        find(j, at)
                    };
                }
            }
        }
        if !changed {
            return None;
        }
        out.push_str(&text[at..]);
        Some(out)
    }

    /// What the use of term `i` at `text[start..end]` becomes, or `None` to
    /// leave it as it is. An abbreviation is spelt out at its first use on the
    /// page ("Somerset Safeguarding Children Board (SSCB)"), unless the author
    /// wrote its expansion within [`NEARBY`] bytes of it, and gets `<abbr
    /// title>` at the next; in brackets or before `'s`, and in `nav`, `header`,
    /// `footer` and `aside`, it gets `<abbr>` only. The first use of a term the
    /// glossary defines links to its definition (not in those four).
    pub(super) fn term_html(
        &self,
        text: &str,
        start: usize,
        end: usize,
        i: usize,
        chrome: bool,
        st: &mut State,
    ) -> Option<String> {
        let t = &self.terms[i];
        let flags = st.term_flags[i];
        let used = &text[start..end];
        let mut html = None;
        let mut add = 0;
        if let Some(expansion) = &t.expansion {
            let (before, after) = (&text[..start], &text[end..]);
            let bracketed = before.ends_with('(') && after.starts_with(')');
            let possessive = ["'s", "\u{2019}s", "&#39;s", "&#x27;s"]
                .iter()
                .any(|p| after.starts_with(p));
            let spell = self.info.spell_out && !chrome && flags & SPELLED == 0;
            if spell && expansion_nearby(&st.recent, before, after, expansion) {
                // The author spelt it out: leave it as written.
                add |= SPELLED;
            } else if spell && !bracketed && !possessive {
                add |= SPELLED;
                let mut spelt = crate::html::escape(expansion);
                if let Some(j) = t.expansion_term
                    && t.href.is_none()
                    && !chrome
                    && st.term_flags[j] & LINKED == 0
                    && let Some(href) = &self.terms[j].href
                {
                    spelt = glossary_link(href, &spelt);
                    self.set_flags(st, j, LINKED);
                }
                html = Some(format!("{spelt} ({used})"));
            } else if flags & ABBR == 0 {
                add |= ABBR;
                html = Some(format!(
                    "<abbr title=\"{}\">{used}</abbr>",
                    crate::html::escape(expansion)
                ));
            }
        }
        if let Some(href) = &t.href
            && !chrome
            && flags & LINKED == 0
        {
            add |= LINKED;
            html = Some(glossary_link(href, html.as_deref().unwrap_or(used)));
        }
        if add != 0 {
            self.set_flags(st, i, add);
        }
        html
    }
}

/// Finds `word` in `text` as a whole word (not inside a longer word).
pub(super) fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// Finds `word` in `lower` (both in ASCII lower case) as a whole word, or as
/// a whole word with an `s` after it (a plural): its start and length.
pub(super) fn find_word_or_plural(lower: &str, word: &str) -> Option<(usize, usize)> {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
    let mut from = 0;
    while let Some(i) = lower[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        if boundary(lower[..at].chars().next_back()) {
            let mut after = lower[end..].chars();
            match after.next() {
                c if boundary(c) => return Some((at, word.len())),
                Some('s') if boundary(after.next()) => return Some((at, word.len() + 1)),
                _ => {}
            }
        }
        from = end;
    }
    None
}

/// Whether `expansion` is written (in any case, however the lines break) in
/// the [`NEARBY`] bytes of the page's text before an abbreviation (`recent`,
/// then `before` in its own text node) or after it in its text node.
pub(super) fn expansion_nearby(recent: &str, before: &str, after: &str, expansion: &str) -> bool {
    pub(super) fn tail(s: &str, n: usize) -> &str {
        let mut cut = s.len().saturating_sub(n);
        while !s.is_char_boundary(cut) {
            cut += 1;
        }
        &s[cut..]
    }
    let mut head_len = NEARBY.min(after.len());
    while !after.is_char_boundary(head_len) {
        head_len -= 1;
    }
    let near_before = tail(before, NEARBY);
    let mut window = String::with_capacity(3 * NEARBY);
    window.push_str(tail(recent, NEARBY - near_before.len()));
    window.push_str(near_before);
    let needle = collapse(&expansion.to_ascii_lowercase());
    collapse(&window.to_ascii_lowercase()).contains(&needle)
        || collapse(&after[..head_len].to_ascii_lowercase()).contains(&needle)
}

/// A link to a term's definition on the glossary page around `html`.
pub(super) fn glossary_link(href: &str, html: &str) -> String {
    format!(
        "<a class=\"glossary-link\" href=\"{}\">{html}</a>",
        crate::html::escape(href)
    )
}
