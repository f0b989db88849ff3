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
    /// It starts a sentence.
    pub(crate) first: bool,
    /// It is all ASCII.
    pub(crate) ascii: bool,
    /// It may be in the lexicon ([`Filter`]): look it up.
    pub(crate) listed: bool,
    /// It is in capitals ([`in_capitals`]).
    pub(crate) caps: bool,
    /// Its syllables ([`syllables`]).
    pub(crate) syllables: u32,
}

impl Word {
    /// A word found by `unicode-segmentation`, its facts read from its text.
    fn of(start: usize, text: &str) -> Word {
        Word {
            start,
            end: start + text.len(),
            first: false,
            ascii: text.is_ascii(),
            listed: true,
            caps: in_capitals(text),
            syllables: syllables(text),
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
    /// Where sentences start after the first (bytes), for the fast scan.
    breaks: Vec<usize>,
}

impl Segments {
    /// Splits `text` into words and sentences.
    /// Splits `text` into words and sentences; `filter` tells which words
    /// may be in the lexicon.
    pub(crate) fn split(&mut self, text: &str, filter: &Filter) {
        self.words.clear();
        self.sentences.clear();
        self.breaks.clear();
        if scan(
            text.as_bytes(),
            filter,
            &mut self.words,
            &mut self.sentences,
        ) {
            return;
        }
        self.words.clear();
        self.sentences.clear();
        self.words.extend(
            text.unicode_word_indices()
                .map(|(start, w)| Word::of(start, w)),
        );
        self.breaks.extend(
            text.split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&s| s > 0),
        );
        self.group();
    }

    /// The sentences with words, from the words and the breaks.
    fn group(&mut self) {
        let mut next = 0;
        let ends = self.breaks.iter().copied().chain([usize::MAX]);
        for end in ends {
            let first = next;
            while next < self.words.len() && self.words[next].start < end {
                next += 1;
            }
            if next > first {
                self.words[first].first = true;
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

/// A byte's class for the scan: a letter, digit or `_` (the core of a
/// word: ALetter, Numeric, ExtendNumLet)…
const CORE: u8 = 1;
/// … a letter …
const ALPHA: u8 = 2;
/// … a lower-case letter …
const LOWER: u8 = 4;
/// … a vowel (`y` counts, as for syllables) …
const VOWEL: u8 = 8;

/// The class of each byte.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut k = 0;
        if c.is_ascii_alphanumeric() || c == b'_' {
            k |= CORE;
        }
        if c.is_ascii_alphabetic() {
            k |= ALPHA;
        }
        if c.is_ascii_lowercase() {
            k |= LOWER;
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
/// and its first two and last two bytes, as 32,768 bits: a word not in it is
/// not in the lexicon, and is not looked up.
pub(crate) struct Filter(Box<[u64; 512]>);

impl Filter {
    /// An empty filter.
    pub(crate) fn new() -> Filter {
        Filter(Box::new([0; 512]))
    }

    /// The bit of a word in lower case (bytes `w`, not empty): Fibonacci
    /// hashing of its length and ends (the top 15 bits of their product
    /// with 2^64 / φ).
    fn bit(w: &[u8]) -> usize {
        let (n, last) = (w.len(), w.len() - 1);
        let key = (n.min(255) as u64) << 32
            | u64::from(w[0]) << 24
            | u64::from(w[1.min(last)]) << 16
            | u64::from(w[last.saturating_sub(1)]) << 8
            | u64::from(w[last]);
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 49) as usize
    }

    /// Adds a word, in lower case.
    pub(crate) fn insert(&mut self, lower: &str) {
        if !lower.is_empty() {
            let b = Filter::bit(lower.as_bytes());
            self.0[b / 64] |= 1 << (b % 64);
        }
    }

    /// Whether `lower` (a word in lower case, not empty) may have been added.
    pub(crate) fn may_have(&self, lower: &[u8]) -> bool {
        let b = Filter::bit(lower);
        self.0[b / 64] & (1 << (b % 64)) != 0
    }

    /// Whether the ASCII word `w` (not empty), in lower case, may have been
    /// added.
    fn may_have_ascii(&self, w: &[u8]) -> bool {
        let (n, last) = (w.len(), w.len() - 1);
        let ends = [w[0], w[1.min(last)], w[last.saturating_sub(1)], w[last]];
        let [a, b, c, d] = ends.map(|x| x.to_ascii_lowercase());
        // The same bit as `bit` of the word in lower case.
        let key = (n.min(255) as u64) << 32
            | u64::from(a) << 24
            | u64::from(b) << 16
            | u64::from(c) << 8
            | u64::from(d);
        let bit = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 49) as usize;
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The facts of the word `w` (ASCII bytes and, when not `ascii`, ‘ or ’),
/// at `start`, as [`Word::of`] reads them, a byte at a time.
fn facts(w: &[u8], start: usize, ascii: bool, filter: &Filter) -> Word {
    let (first, last) = (w[0], w[w.len() - 1]);
    let caps = CLASS[usize::from(first)] & LOWER == 0
        && !w.iter().any(|&c| CLASS[usize::from(c)] & LOWER != 0)
        && w.iter()
            .filter(|&&c| CLASS[usize::from(c)] & ALPHA != 0)
            .count()
            >= 2;
    // Groups of vowels; a non-ASCII byte is no vowel, as its character is not.
    let mut syllables = 0u32;
    let mut in_vowels = false;
    for &c in w {
        let vowel = CLASS[usize::from(c)] & VOWEL != 0;
        syllables += u32::from(vowel && !in_vowels);
        in_vowels = vowel;
    }
    let before = if w.len() >= 2 { w[w.len() - 2] } else { b' ' };
    let (last_l, before_l) = (last.to_ascii_lowercase(), before.to_ascii_lowercase());
    if last_l == b'e'
        && before_l != b'l'
        && syllables > 1
        && CLASS[usize::from(before_l)] & VOWEL == 0
    {
        syllables -= 1;
    }
    Word {
        start,
        end: start + w.len(),
        first: false,
        ascii,
        listed: !ascii || filter.may_have_ascii(w),
        caps,
        syllables: syllables.max(1),
    }
}

/// The words and sentences of `b` (a block's text), when it is all ASCII or
/// known characters (false, and some of them, when it is not): words as
/// `unicode_word_indices` gives them, each sentence break where
/// `split_sentence_bound_indices` puts one: after a line break (SB4), and
/// after a full stop, `!` or `?` with the closing quotes and spaces after it,
/// unless what follows carries the sentence on (SB6–SB8a). A full stop inside
/// a word ("e.g", "3.5", "U.S") never ends a sentence: a lower-case letter,
/// a digit, or a capital after a letter follows it.
fn scan(b: &[u8], filter: &Filter, words: &mut Vec<Word>, sentences: &mut Vec<Sentence>) -> bool {
    let n = b.len();
    let mut new_sentence = true;
    let mut i = 0;
    while i < n {
        let c = b[i];
        if CLASS[usize::from(c)] & CORE != 0 {
            let start = i;
            let mut ascii = true;
            i += 1;
            loop {
                while i < n && CLASS[usize::from(b[i])] & CORE != 0 {
                    i += 1;
                }
                match b.get(i).and_then(|_| infix(&b[i..], b[i - 1])) {
                    Some(len) => {
                        ascii &= len == 1;
                        i += len;
                    }
                    None => break,
                }
            }
            let w = &b[start..i];
            if c != b'_' || w.iter().any(u8::is_ascii_alphanumeric) {
                let mut word = facts(w, start, ascii, filter);
                match sentences.last_mut() {
                    Some(s) if !new_sentence => s.words += 1,
                    _ => {
                        word.first = true;
                        sentences.push(Sentence {
                            first: words.len(),
                            words: 1,
                        });
                        new_sentence = false;
                    }
                }
                words.push(word);
            }
            continue;
        }
        match c {
            b'\r' | b'\n' => {
                new_sentence = true;
                i += 1;
            }
            b'.' | b'!' | b'?' => {
                let (ends, next) = sentence_end(b, i);
                new_sentence |= ends;
                i = next;
            }
            0..=0x7F => i += 1,
            _ => match known(&b[i..]) {
                Some(len) => i += len,
                None => return false,
            },
        }
    }
    true
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

    /// The words (with their facts) and sentences as `unicode-segmentation`
    /// gives them.
    fn reference(text: &str) -> (Vec<Word>, Vec<Sentence>) {
        let mut s = Segments::default();
        s.words.extend(
            text.unicode_word_indices()
                .map(|(start, w)| Word::of(start, w)),
        );
        s.breaks.extend(
            text.split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&s| s > 0),
        );
        s.group();
        (s.words, s.sentences)
    }

    fn fast(text: &str) -> Option<(Vec<Word>, Vec<Sentence>)> {
        let mut s = Segments::default();
        // Every word listed, as the reference marks them.
        let mut all = Filter::new();
        all.0.fill(u64::MAX);
        assert!(all.may_have(b"x"));
        scan(text.as_bytes(), &all, &mut s.words, &mut s.sentences)
            .then_some((s.words, s.sentences))
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
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
        ) {
            let text = parts.concat();
            prop_assert_eq!(fast(&text), Some(reference(&text)), "{:?}", text);
        }

        #[test]
        fn fast_scan_agrees_on_any_ascii(
            chars in proptest::collection::vec(proptest::sample::select(ascii()), 0..60)
        ) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(fast(&text), Some(reference(&text)), "{:?}", text);
        }
    }

    #[test]
    fn the_filter_finds_words_in_any_case_and_few_others() {
        let mut f = Filter::new();
        for w in ["the", "utilise", "a", "e.g"] {
            f.insert(w);
        }
        for w in ["the", "THE", "Utilise", "a", "A", "E.g"] {
            let lower = w.to_ascii_lowercase();
            assert!(
                f.may_have_ascii(w.as_bytes()) && f.may_have(lower.as_bytes()),
                "{w}"
            );
        }
        let others = [
            "then", "them", "utilised", "an", "eg", "board", "partners", "year",
        ];
        assert!(others.iter().all(|w| !f.may_have_ascii(w.as_bytes())));
    }

    #[test]
    fn other_characters_go_to_unicode_segmentation() {
        assert_eq!(fast("café"), None);
        let mut s = Segments::default();
        s.split("Un café. Deux cafés.", &Filter::new());
        assert_eq!(s.words.len(), 4);
        assert_eq!(s.sentences.len(), 2);
        assert!(s.words[2].first);
    }

    #[test]
    fn stops_that_do_not_end_a_sentence() {
        let mut s = Segments::default();
        let text = "Some, e.g. these. Mr. Smith paid £3.50 etc. and left. Then U.S. Go!";
        s.split(text, &Filter::new());
        let counts: Vec<usize> = s.sentences.iter().map(|x| x.words).collect();
        // "Mr." ends a sentence by UAX #29 (a capital after the space).
        assert_eq!(counts, [3, 1, 6, 2, 1], "{:?}", s.sentences);
        assert_eq!(fast(text), Some(reference(text)));
    }
}
