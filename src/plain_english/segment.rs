//! The words and sentences of one block's text, by Unicode's text
//! segmentation rules (UAX #29), as `unicode-segmentation` finds them, but
//! in one cheap scan for the text of almost every page.
//!
//! In: a block's text ([`super::text::Flat`]). Out: [`Segments`]: each word
//! (what `unicode_word_indices` gives: a segment with a letter or digit)
//! with its place, and each sentence that has a word (what
//! `split_sentence_bound_indices` gives) as its first word and word count.
//!
//! Text of ASCII and the typographic punctuation Markdown's smart
//! punctuation makes (`‘’“”–—…`, no-break space, `£ € •`) is scanned here,
//! byte by byte: there the rules come down to a few cases (a word is a run of
//! letters, digits and `_`, joined across `.`, `'`, `’`, `:` between letters
//! and `.`, `,`, `;`, `'`, `’` between digits; a sentence can end only after
//! `.`, `!` or `?` and the closing quotes, brackets and spaces after them, or
//! after a line break). Any other character sends the block to
//! `unicode-segmentation`, which knows every script. The property test
//! `fast_scan_agrees_with_unicode_segmentation` checks that both give the
//! same on any text of those characters.

use unicode_segmentation::UnicodeSegmentation;

use super::reading_age::syllables;

/// One word: where it is in the block's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    /// Its first byte.
    pub(crate) start: usize,
    /// One past its last byte.
    pub(crate) end: usize,
}

/// A word the word rules read (it may start something in the lexicon, or
/// it is in capitals), with what they need to know of it. Most words are
/// neither, and have only their place ([`Word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    /// Its index in [`Segments::words`].
    pub(crate) index: usize,
    /// It starts a sentence.
    pub(crate) first: bool,
    /// It is all ASCII.
    pub(crate) ascii: bool,
    /// It may start something in the lexicon ([`Filter`]): look it up.
    pub(crate) listed: bool,
    /// It is in capitals ([`in_capitals`]).
    pub(crate) caps: bool,
}

impl Mark {
    /// Word `index`, found by `unicode-segmentation`, its facts read from
    /// its text (`first` is set when its sentence is known).
    fn of(index: usize, text: &str) -> Mark {
        Mark {
            index,
            first: false,
            ascii: text.is_ascii(),
            listed: true,
            caps: in_capitals(text),
        }
    }
}

/// Whether a word is in capitals: two letters or more, none lower case.
pub(crate) fn in_capitals(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

/// Whether an ASCII word is in capitals: two letters or more, none lower
/// case ([`in_capitals`], a byte at a time).
fn in_ascii_capitals(w: &[u8]) -> bool {
    let mut letters = 0;
    for &c in w {
        if c.is_ascii_lowercase() {
            return false;
        }
        letters += usize::from(c.is_ascii_uppercase());
    }
    letters >= 2
}

/// One sentence that has words: its first word and how many it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// The index of its first word in [`Segments::words`].
    pub(crate) first: usize,
    /// How many words it has.
    pub(crate) words: usize,
}

/// The words and sentences of a block, kept from block to block so that
/// their buffers are made once per page.
#[derive(Debug, Default)]
pub(crate) struct Segments {
    pub(crate) words: Vec<Word>,
    pub(crate) sentences: Vec<Sentence>,
    /// The words to read further (listed or in capitals), in order: most
    /// words are neither.
    pub(crate) marked: Vec<Mark>,
    /// The syllables of all the words ([`syllables`]).
    pub(crate) syllables: u32,
    /// Where sentences start after the first (bytes), for
    /// `unicode-segmentation`.
    breaks: Vec<usize>,
}

/// The bytes after a block's text that [`Segments::split`] needs: its scan
/// reads a word's letters eight at a time, and a word's first four bytes
/// at once, past its end. They are [`PAD_BYTE`].
pub(crate) const PAD: usize = 8;
/// What the [`PAD`] bytes are: a byte that is no part of a word.
pub(crate) const PAD_BYTE: u8 = 0;
/// The [`PAD`] bytes, to append in one copy.
pub(crate) const PADDING: &str = "\0\0\0\0\0\0\0\0";

impl Segments {
    /// Splits a block's text into words and sentences: `padded` is the
    /// text and [`PAD`] bytes [`PAD_BYTE`] after it (without them, all of
    /// it is the text, read by `unicode-segmentation`); `filter` tells which
    /// words may start something in the lexicon.
    pub(crate) fn split(&mut self, padded: &str, filter: &Filter) {
        self.clear();
        let bytes = padded.as_bytes();
        let n = bytes.len().wrapping_sub(PAD);
        let text = match bytes.get(n..) {
            Some(pad) if pad.iter().all(|&p| p == PAD_BYTE) => &padded[..n],
            _ => padded,
        };
        if text.len() < padded.len() && scan(bytes, n, filter, self) {
            return;
        }
        self.clear();
        for (start, w) in text.unicode_word_indices() {
            self.syllables += syllables(w);
            self.marked.push(Mark::of(self.words.len(), w));
            self.words.push(Word {
                start,
                end: start + w.len(),
            });
        }
        self.breaks.extend(
            text.split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&s| s > 0),
        );
        self.group();
    }

    fn clear(&mut self) {
        self.words.clear();
        self.sentences.clear();
        self.marked.clear();
        self.breaks.clear();
        self.syllables = 0;
    }

    /// The sentences with words, from the words and the breaks (every word
    /// marked, in order, as `unicode-segmentation`'s are).
    fn group(&mut self) {
        let mut next = 0;
        let ends = self.breaks.iter().copied().chain([usize::MAX]);
        for end in ends {
            let first = next;
            while next < self.words.len() && self.words[next].start < end {
                next += 1;
            }
            if next > first {
                if let Some(m) = self.marked.get_mut(first) {
                    m.first = true;
                }
                self.sentences.push(Sentence {
                    first,
                    words: next - first,
                });
            }
            if next == self.words.len() {
                break;
            }
        }
    }
}

/// A byte's class for the scan: a vowel (`y` counts, as for syllables) …
const VOWEL: u8 = 1;
/// … a letter, digit or `_` (the core of a word: ALetter, Numeric,
/// ExtendNumLet) …
const CORE: u8 = 2;
/// … or a byte that may join two words into one (`.`, `'`, `:`, `,`, `;`,
/// and the first of `’` and `‘`: see [`infix`]).
const JOIN: u8 = 4;

/// The class of each byte. A byte of a word's core is [`CORE`] or
/// [`CORE`]` | `[`VOWEL`] and nothing else, so that a vowel group starts
/// where a class is greater than the one before it (taken as [`CORE`] at
/// a word's start and after a join).
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut k = 0;
        if c.is_ascii_alphanumeric() || c == b'_' {
            k |= CORE;
        }
        if matches!(c, b'.' | b'\'' | b':' | b',' | b';' | 0xE2) {
            k |= JOIN;
        }
        if matches!(
            c.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        ) {
            k |= VOWEL;
        }
        t[b] = k;
        b += 1;
    }
    t
};

/// The non-ASCII characters the fast scan knows, as UTF-8.
const KNOWN: [&[u8]; 11] = [
    "‘".as_bytes(),
    "’".as_bytes(),
    "“".as_bytes(),
    "”".as_bytes(),
    "–".as_bytes(),
    "—".as_bytes(),
    "…".as_bytes(),
    "\u{a0}".as_bytes(),
    "£".as_bytes(),
    "€".as_bytes(),
    "•".as_bytes(),
];

/// The length of the known non-ASCII character at the start of `rest`.
fn known(rest: &[u8]) -> Option<usize> {
    KNOWN.iter().find(|k| rest.starts_with(k)).map(|k| k.len())
}

/// The length of a character that joins two letters or two digits into one
/// word at the start of `rest`, when `prev` and the character after it
/// allow it.
fn infix(rest: &[u8], prev: u8) -> Option<usize> {
    let len = match rest.first()? {
        b'.' | b'\'' | b':' | b',' | b';' => 1,
        // ‘ and ’ (MidNumLet, as `.` and `'`).
        0xE2 if rest.starts_with("’".as_bytes()) || rest.starts_with("‘".as_bytes()) => 3,
        _ => return None,
    };
    let next = *rest.get(len)?;
    let letters = prev.is_ascii_alphabetic() && next.is_ascii_alphabetic();
    let digits = prev.is_ascii_digit() && next.is_ascii_digit();
    let joins = match rest[0] {
        b':' => letters,
        b',' | b';' => digits,
        _ => letters || digits,
    };
    joins.then_some(len)
}

/// A set of the lexicon's words (in lower case), each known by its length
/// and its first four bytes, as 32,768 slots of flags: a word
/// with no flag is not in the lexicon, and is not looked up. The flags tell
/// how a word may be in it: as a word that is looked up alone ([`ANY`]: a
/// phrase of one word, a glossary term, an allowed phrase), as the first
/// word of longer phrases only ([`LEAD`]: "a" of "a number of", looked up
/// only when the next word is [`SECOND`]), or as a phrase's second word.
pub(crate) struct Filter(Box<[u8; SLOTS]>);

/// The filter's slots.
const SLOTS: usize = 1 << 15;
/// A word looked up alone.
pub(crate) const ANY: u8 = 1;
/// The first word of phrases of two words or more, and of nothing else.
pub(crate) const LEAD: u8 = 2;
/// The second word of a phrase.
pub(crate) const SECOND: u8 = 4;

impl Filter {
    /// An empty filter.
    pub(crate) fn new() -> Filter {
        Filter(Box::new([0; SLOTS]))
    }

    /// The slot of a word (bytes `w`, not empty, in any case): Fibonacci
    /// hashing of its length and first four bytes (fewer for a shorter
    /// word), their ASCII letters in lower case (the top 15 bits of their
    /// product with 2^64 / φ). One load of the word's start, where its two
    /// ends would take four.
    #[inline(always)]
    fn slot(w: &[u8]) -> usize {
        let head = match w.first_chunk::<4>() {
            Some(four) => *four,
            None => {
                let mut head = [0; 4];
                for (h, &c) in head.iter_mut().zip(w) {
                    *h = c;
                }
                head
            }
        };
        Filter::slot_of(w.len(), u32::from_le_bytes(head))
    }

    /// [`Filter::slot`] of a word of `len` bytes whose first four (fewer
    /// for a shorter word, then zeros) are `head`, little-endian.
    #[inline(always)]
    fn slot_of(len: usize, head: u32) -> usize {
        // `| 0x20` is the lower case of a letter, and leaves digits, `.`,
        // `'` and `:` as they are (`_` becomes DEL, in either case).
        let key = (len.min(255) as u64) << 32 | u64::from(head | 0x2020_2020);
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 49) as usize
    }

    /// A filter with every flag in every slot: every word is looked up (the
    /// general way, which the filter only makes cheaper).
    #[cfg(test)]
    pub(crate) fn full() -> Filter {
        Filter(Box::new([u8::MAX; SLOTS]))
    }

    /// Adds a word (in lower case) with `flags`.
    pub(crate) fn insert(&mut self, lower: &str, flags: u8) {
        if !lower.is_empty() {
            self.0[Filter::slot(lower.as_bytes())] |= flags;
        }
    }

    /// The flags a word (not empty, ASCII letters in any case) may have.
    pub(crate) fn flags(&self, w: &[u8]) -> u8 {
        self.0[Filter::slot(w)]
    }

    /// [`Filter::flags`] of the word `b[start..end]` (not empty), read with
    /// one load of four bytes where `b` has them from `start` on (a word
    /// [`scan`] reads has [`PAD`] bytes after it).
    #[inline(always)]
    fn flags_at(&self, b: &[u8], start: usize, end: usize) -> u8 {
        let len = end - start;
        match b.get(start..).and_then(|r| r.first_chunk::<4>()) {
            Some(four) => {
                let keep = if len >= 4 {
                    u32::MAX
                } else {
                    (1 << (8 * len)) - 1
                };
                self.0[Filter::slot_of(len, u32::from_le_bytes(*four) & keep)]
            }
            None => self.flags(&b[start..end]),
        }
    }
}

/// The words and sentences of `b[..n]` (a block's text; [`PAD`] bytes
/// [`PAD_BYTE`] follow it) into `out`, when it is all ASCII or known
/// characters (false, and some of them, when it is not): words as
/// `unicode_word_indices` gives them, each sentence break where
/// `split_sentence_bound_indices` puts one: after a line break (SB4), and
/// after a full stop, `!` or `?` with the closing quotes and spaces after it,
/// unless what follows carries the sentence on (SB6–SB8a). A full stop inside
/// a word ("e.g", "3.5", "U.S") never ends a sentence: a lower-case letter,
/// a digit, or a capital after a letter follows it.
///
/// One loop over the bytes: a word's letters are read once, eight at a
/// time, for its end and its vowel groups together; the rest of what it
/// needs (syllables, capitals, its filter slot) comes from its ends. A word
/// that is neither listed nor in capitals keeps only its place.
#[inline(never)]
fn scan(b: &[u8], n: usize, filter: &Filter, out: &mut Segments) -> bool {
    let mut words = std::mem::take(&mut out.words);
    let mut marked = std::mem::take(&mut out.marked);
    let mut sentences = std::mem::take(&mut out.sentences);
    let text = &b[..n];
    let mut syllables = 0;
    let mut new_sentence = true;
    // The last word, when it leads a phrase and is not marked: marked when
    // the next word may be a phrase's second.
    let mut lead: Option<Mark> = None;
    let mut i = 0;
    let known_all = loop {
        let Some(&c) = text.get(i) else {
            break true;
        };
        if c == b' ' {
            // Most bytes between words.
            i += 1;
            continue;
        }
        if CLASS[usize::from(c)] & CORE == 0 {
            match between_words(text, i, c, &mut new_sentence) {
                Some(next) => i = next,
                None => break false,
            }
            continue;
        }
        let start = i;
        let (end, groups, ascii) = read_word(b, i);
        i = end;
        // A word needs a letter or digit: only a run that starts with `_`
        // may have none (a join has one on each side).
        if c == b'_' && !b[start..end].iter().any(u8::is_ascii_alphanumeric) {
            continue;
        }
        syllables += word_syllables(b, end, groups);
        let flags = if ascii {
            filter.flags_at(b, start, end)
        } else {
            ANY | SECOND
        };
        let at = words.len();
        words.push(Word { start, end });
        // Most words: in lower case, not in the filter, inside a sentence.
        if flags == 0 && c.is_ascii_lowercase() && !new_sentence && lead.is_none() {
            continue;
        }
        let mark = Mark {
            index: at,
            first: new_sentence,
            ascii,
            listed: flags & ANY != 0,
            caps: !c.is_ascii_lowercase() && in_ascii_capitals(&b[start..end]),
        };
        mark_word(mark, flags, &mut marked, &mut lead);
        // A block's first word is always `new_sentence`. Each sentence's
        // words are counted at the end ([`count_words`]).
        if new_sentence {
            sentences.push(Sentence {
                first: at,
                words: 0,
            });
        }
        new_sentence = false;
    };
    out.words = words;
    out.marked = marked;
    out.sentences = sentences;
    out.syllables = syllables;
    count_words(out);
    known_all
}

/// A byte between words, `c` at `text[i]` (not a space): where reading goes
/// on, having noted whether a sentence may start there; `None` for a
/// character the scan does not know.
#[inline(always)]
fn between_words(text: &[u8], i: usize, c: u8, new_sentence: &mut bool) -> Option<usize> {
    Some(match c {
        b'\r' | b'\n' => {
            *new_sentence = true;
            i + 1
        }
        b'.' | b'!' | b'?' => {
            let (ends, next) = sentence_end(text, i);
            *new_sentence |= ends;
            next
        }
        0..=0x7F => i + 1,
        _ => i + known(&text[i..])?,
    })
}

/// Keeps the facts of a word the rules read (listed, in capitals, or the
/// second of a phrase the last word leads), and the word itself as `lead`
/// when it leads a phrase and is not marked otherwise.
#[inline(always)]
fn mark_word(mark: Mark, flags: u8, marked: &mut Vec<Mark>, lead: &mut Option<Mark>) {
    if let Some(m) = lead.take().filter(|_| flags & SECOND != 0) {
        marked.push(m);
    }
    if mark.listed || mark.caps {
        marked.push(mark);
    } else if flags & LEAD != 0 {
        *lead = Some(Mark {
            listed: true,
            ..mark
        });
    }
}

/// Reads the word whose first letter, digit or `_` is `b[i]` (`b` ends in
/// [`PAD`] bytes that are no part of a word): where it ends, its vowel
/// groups, and whether it is all ASCII (no `’` or `‘` joins it).
#[inline(always)]
fn read_word(b: &[u8], mut i: usize) -> (usize, u32, bool) {
    let mut groups = 0;
    let mut ascii = true;
    loop {
        let mut last = CORE;
        i = run(b, i, &mut groups, &mut last);
        let Some(&x) = b.get(i) else {
            break;
        };
        if CLASS[usize::from(x)] & JOIN == 0 {
            break;
        }
        let Some(len) = infix(&b[i..], b[i - 1]) else {
            break;
        };
        ascii &= len == 1;
        i += len;
    }
    (i, groups, ascii)
}

/// Reads the letters, digits and `_` of `b` from `i` on, eight bytes at a
/// time (`b` ends in bytes that are none): where they end. Counts their
/// vowel groups into `groups` (`last`: the class of the byte before).
#[inline(always)]
fn run(b: &[u8], mut i: usize, groups: &mut u32, last: &mut u8) -> usize {
    let (mut g, mut l) = (*groups, *last);
    'chunks: loop {
        let Some(eight) = b.get(i..).and_then(|r| r.first_chunk::<8>()) else {
            // Not reached where `b` ends in PAD bytes: a byte at a time.
            while let Some(&x) = b.get(i) {
                let k = CLASS[usize::from(x)];
                if k & CORE == 0 {
                    break;
                }
                g += u32::from(l < k);
                l = k;
                i += 1;
            }
            break 'chunks;
        };
        for (j, &x) in eight.iter().enumerate() {
            let k = CLASS[usize::from(x)];
            if k & CORE == 0 {
                i += j;
                break 'chunks;
            }
            g += u32::from(l < k);
            l = k;
        }
        i += 8;
    }
    (*groups, *last) = (g, l);
    i
}

/// The syllables of the word that ends before `b[end]`, with `groups`
/// vowel groups: a silent `e` at the end (not `-le`) is none; a word
/// without vowels is one. Two vowel groups or more make three bytes or more.
#[inline(always)]
fn word_syllables(b: &[u8], end: usize, groups: u32) -> u32 {
    let silent = groups > 1 && b[end - 1] | 0x20 == b'e' && {
        let before = b[end - 2] | 0x20;
        before != b'l' && CLASS[usize::from(before)] & VOWEL == 0
    };
    (groups - u32::from(silent)).max(1)
}

/// The number of words of each sentence: up to the next one's first word.
fn count_words(out: &mut Segments) {
    let mut next = out.words.len();
    for s in out.sentences.iter_mut().rev() {
        s.words = next - s.first;
        next = s.first;
    }
}

/// Whether the sentence ends after the full stop, `!` or `?` at `i` and the
/// closing quotes and spaces after it, and where they end.
fn sentence_end(b: &[u8], i: usize) -> (bool, usize) {
    let stop = b[i] == b'.';
    let mut j = i + 1;
    while let Some(len) = close(&b[j..]) {
        j += len;
    }
    while let Some(len) = space(&b[j..]) {
        j += len;
    }
    let goes_on = match b.get(j) {
        None | Some(b'\r' | b'\n' | b'.' | b'!' | b'?') => true,
        Some(&c) => {
            let next_to = j == i + 1;
            continues(&b[j..])
                || (stop && next_to && c.is_ascii_digit())
                || (stop
                    && next_to
                    && c.is_ascii_uppercase()
                    && i > 0
                    && b[i - 1].is_ascii_alphabetic())
                || (stop && lower_ahead(&b[j..]))
        }
    };
    (!goes_on, j)
}

/// A closing quote or bracket (Sentence_Break Close) at the start of `rest`:
/// its length.
fn close(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Some(1),
        0xE2 if rest.len() >= 3 && rest[1] == 0x80 && (0x98..=0x9D).contains(&rest[2]) => {
            // ‘ ’ ‚ ‛ “ ”: only the four the scan knows reach here.
            Some(3)
        }
        _ => None,
    }
}

/// A space (Sentence_Break Sp) at the start of `rest`: its length.
fn space(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b' ' | b'\t' | 0x0B | 0x0C => Some(1),
        0xC2 if rest.get(1) == Some(&0xA0) => Some(2),
        _ => None,
    }
}

/// Whether the start of `rest` continues a sentence after its full stop
/// (SContinue: `,` `-` `:` `;` `–` `—`).
fn continues(rest: &[u8]) -> bool {
    matches!(rest.first(), Some(b',' | b'-' | b':' | b';'))
        || rest.starts_with("–".as_bytes())
        || rest.starts_with("—".as_bytes())
}

/// Whether a lower-case letter comes before any other letter, line break or
/// full stop from the start of `rest` (SB8: "etc. and" goes on).
fn lower_ahead(rest: &[u8]) -> bool {
    for &c in rest {
        match c {
            b'a'..=b'z' => return true,
            b'A'..=b'Z' | b'\r' | b'\n' | b'.' | b'!' | b'?' => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A block's words, their marks, its sentences and syllables.
    type Split = (Vec<Word>, Vec<Mark>, Vec<Sentence>, u32);

    /// The words (with their facts), sentences and syllables as
    /// `unicode-segmentation` gives them.
    fn reference(text: &str) -> Split {
        let mut s = Segments::default();
        for (start, w) in text.unicode_word_indices() {
            s.marked.push(Mark::of(s.words.len(), w));
            s.words.push(Word {
                start,
                end: start + w.len(),
            });
        }
        let syllables = text.unicode_words().map(syllables).sum();
        s.breaks.extend(
            text.split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&s| s > 0),
        );
        s.group();
        (s.words, s.marked, s.sentences, syllables)
    }

    /// `text` with the [`PAD`] bytes [`Segments::split`] needs.
    fn padded(text: &str) -> String {
        let mut p = text.to_string();
        p.push_str(PADDING);
        p
    }

    fn split(s: &mut Segments, text: &str, filter: &Filter) {
        s.split(&padded(text), filter);
    }

    fn fast(text: &str) -> Option<Split> {
        let mut s = Segments::default();
        // Every word listed, as the reference marks them.
        if !scan(padded(text).as_bytes(), text.len(), &Filter::full(), &mut s) {
            return None;
        }
        let all: Vec<usize> = (0..s.words.len()).collect();
        let marked: Vec<usize> = s.marked.iter().map(|m| m.index).collect();
        assert_eq!(marked, all);
        Some((s.words, s.marked, s.sentences, s.syllables))
    }

    /// Characters that make the rules' cases, and the known non-ASCII ones.
    const PIECES: &[&str] = &[
        "a", "b", "Q", "Z", "e", "g", "1", "7", "_", ".", "!", "?", " ", "  ", "\t", "\n", "\r",
        "\r\n", "\u{b}", "\u{c}", ",", ";", ":", "-", "'", "\"", "(", ")", "[", "]", "{", "}", "‘",
        "’", "“", "”", "–", "—", "…", "\u{a0}", "£", "€", "•", "%", "/", "*", "#", "&", "e.g.",
        "i.e.", "etc.", "Mr. ", "U.S.", "3.5", "1,000", "it’s", "don't", "le", "LE", "ye", "SSCB",
        "table", "Ee",
    ];

    /// Every printable ASCII character, tab and line breaks.
    fn ascii() -> Vec<char> {
        (' '..='~').chain(['\t', '\n', '\r']).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn fast_scan_agrees_with_unicode_segmentation(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..80)
        ) {
            let text = parts.concat();
            prop_assert_eq!(fast(&text), Some(reference(&text)), "{:?}", text);
        }

        #[test]
        fn fast_scan_agrees_on_any_ascii(
            chars in proptest::collection::vec(proptest::sample::select(ascii()), 0..120)
        ) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(fast(&text), Some(reference(&text)), "{:?}", text);
        }
    }

    /// The marks the scan must give with `filter`, from the reference's
    /// words: a word listed (an ASCII word by the filter, any other always)
    /// or in capitals; a word that only leads phrases, listed, when the next
    /// word may be a phrase's second.
    fn reference_marks(text: &str, filter: &Filter) -> Vec<Mark> {
        let (words, all, _, _) = reference(text);
        let flags: Vec<u8> = words
            .iter()
            .map(|w| match &text[w.start..w.end] {
                t if t.is_ascii() => filter.flags(t.as_bytes()),
                _ => ANY | SECOND,
            })
            .collect();
        let mut marks = Vec::new();
        for (i, m) in all.iter().enumerate() {
            let listed = flags[i] & ANY != 0;
            let second = flags.get(i + 1).is_some_and(|f| f & SECOND != 0);
            let lead = flags[i] & LEAD != 0 && !listed && !m.caps && second;
            if listed || m.caps || lead {
                marks.push(Mark {
                    listed: listed || lead,
                    ..*m
                });
            }
        }
        marks
    }

    /// Words of phrases, glossary terms and names, and what comes between.
    const PHRASES: &[&str] = &[
        "a", "A", "number", "NUMBER", "in", "order", "to", "the", "THE", "Key", "KEY", "e.g.",
        "it’s", "_", "x", " ", " ", " ", ".", ". ", ",", "\n", "’", "3",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn the_scan_marks_the_words_the_filter_lets_through(
            parts in proptest::collection::vec(proptest::sample::select(PHRASES), 0..40)
        ) {
            let text = parts.concat();
            let mut f = Filter::new();
            for (w, flags) in [("a", LEAD), ("in", LEAD), ("number", SECOND), ("order", SECOND),
                ("the", ANY), ("e.g", ANY), ("key", ANY | SECOND)] {
                f.insert(w, flags);
            }
            let mut s = Segments::default();
            if scan(padded(&text).as_bytes(), text.len(), &f, &mut s) {
                prop_assert_eq!(&s.marked, &reference_marks(&text, &f), "{:?}", text);
                let (words, _, sentences, syllables) = reference(&text);
                prop_assert_eq!((s.words, s.sentences, s.syllables), (words, sentences, syllables));
            }
        }
    }

    #[test]
    fn the_padding_is_pad_bytes() {
        assert_eq!(PADDING.as_bytes(), [PAD_BYTE; PAD]);
    }

    #[test]
    fn the_filter_finds_words_in_any_case_and_few_others() {
        let mut f = Filter::new();
        for w in ["the", "utilise", "a", "e.g"] {
            f.insert(w, ANY);
        }
        f.insert("number", SECOND);
        for w in ["the", "THE", "Utilise", "a", "A", "E.g"] {
            assert_eq!(f.flags(w.as_bytes()), ANY, "{w}");
        }
        assert_eq!(f.flags(b"Number"), SECOND);
        let others = [
            "then", "them", "utilised", "an", "eg", "board", "partners", "year",
        ];
        assert!(others.iter().all(|w| f.flags(w.as_bytes()) == 0));
    }

    #[test]
    fn a_word_that_only_leads_phrases_is_marked_before_a_second_word() {
        let mut f = Filter::new();
        f.insert("a", LEAD);
        f.insert("number", SECOND);
        f.insert("robust", ANY);
        let mut s = Segments::default();
        split(&mut s, "A number of robust plans, a plan and A NUMBER.", &f);
        // "A" (0) and "A" (8) before "number" in any case, "robust" (3),
        // "NUMBER" (9, in capitals); not the "a" (5) before "plan".
        let marked: Vec<usize> = s.marked.iter().map(|m| m.index).collect();
        assert_eq!(marked, [0, 3, 8, 9]);
        let [a, robust, a2, number] = s.marked[..] else {
            panic!("{:?}", s.marked);
        };
        assert!(a.listed && a.first && robust.listed && a2.listed && !a2.first);
        assert!(!a2.caps && number.caps && !number.listed);
    }

    #[test]
    fn other_characters_go_to_unicode_segmentation() {
        assert_eq!(fast("café"), None);
        let mut s = Segments::default();
        split(&mut s, "Un café. Deux cafés.", &Filter::new());
        assert_eq!(s.words.len(), 4);
        assert_eq!(s.sentences.len(), 2);
        assert!(s.marked[2].first && !s.marked[1].first);
        // Without its PAD bytes, a text is read by unicode-segmentation.
        s.split("Un cafe. Deux cafes.", &Filter::new());
        assert_eq!((s.words.len(), s.sentences.len()), (4, 2));
    }

    #[test]
    fn stops_that_do_not_end_a_sentence() {
        let mut s = Segments::default();
        let text = "Some, e.g. these. Mr. Smith paid £3.50 etc. and left. Then U.S. Go!";
        split(&mut s, text, &Filter::new());
        let counts: Vec<usize> = s.sentences.iter().map(|x| x.words).collect();
        // "Mr." ends a sentence by UAX #29 (a capital after the space).
        assert_eq!(counts, [3, 1, 6, 2, 1], "{:?}", s.sentences);
        assert_eq!(fast(text), Some(reference(text)));
    }
}
