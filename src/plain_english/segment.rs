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
    /// It may start something in the lexicon ([`Filter`]): look it up.
    pub(crate) listed: bool,
    /// It is in capitals ([`in_capitals`]).
    pub(crate) caps: bool,
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
    pub(crate) marked: Vec<usize>,
    /// The syllables of all the words ([`syllables`]).
    pub(crate) syllables: u32,
    /// Where sentences start after the first (bytes), for
    /// `unicode-segmentation`.
    breaks: Vec<usize>,
}

impl Segments {
    /// Splits `text` into words and sentences; `filter` tells which words
    /// may start something in the lexicon.
    pub(crate) fn split(&mut self, text: &str, filter: &Filter) {
        self.clear();
        if scan(text.as_bytes(), filter, self) {
            return;
        }
        self.clear();
        for (start, w) in text.unicode_word_indices() {
            self.syllables += syllables(w);
            self.marked.push(self.words.len());
            self.words.push(Word::of(start, w));
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

/// A byte's class for the scan: a vowel (`y` counts, as for syllables;
/// bit 0, so that it counts as 1) …
const VOWEL: u8 = 1;
/// … a letter, digit or `_` (the core of a word: ALetter, Numeric,
/// ExtendNumLet) …
const CORE: u8 = 2;
/// … or a byte that may join two words into one (`.`, `'`, `:`, `,`, `;`,
/// and the first of `’` and `‘`: see [`infix`]).
const JOIN: u8 = 4;

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
        // `| 0x20` is the lower case of a letter, and leaves digits, `.`,
        // `'` and `:` as they are (`_` becomes DEL, in either case).
        let key =
            (w.len().min(255) as u64) << 32 | u64::from(u32::from_le_bytes(head) | 0x2020_2020);
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
}

/// The word being read by [`scan`]: what the bytes so far tell.
struct Reading {
    /// Vowel groups.
    groups: u32,
    /// The class of the last byte (0 after a joining character).
    last: u8,
    /// All ASCII (no `’` or `‘` joins it).
    ascii: bool,
}

impl Reading {
    /// Reads the letters, digits and `_` of `b` from `i` on: where they end.
    /// Only the vowel groups are counted here, a few instructions a byte:
    /// what else a word needs is read from its ends ([`word`]).
    #[inline(always)]
    fn run(&mut self, b: &[u8], mut i: usize) -> usize {
        let (mut groups, mut last) = (self.groups, self.last);
        while let Some(&x) = b.get(i) {
            let k = CLASS[usize::from(x)];
            if k & CORE == 0 {
                break;
            }
            groups += u32::from(k & !last & VOWEL);
            last = k;
            i += 1;
        }
        (self.groups, self.last) = (groups, last);
        i
    }
}

/// The words and sentences of `b` (a block's text) into `out`, when it is
/// all ASCII or known characters (false, and some of them, when it is not):
/// words as `unicode_word_indices` gives them, each sentence break where
/// `split_sentence_bound_indices` puts one: after a line break (SB4), and
/// after a full stop, `!` or `?` with the closing quotes and spaces after it,
/// unless what follows carries the sentence on (SB6–SB8a). A full stop inside
/// a word ("e.g", "3.5", "U.S") never ends a sentence: a lower-case letter,
/// a digit, or a capital after a letter follows it. Each word's bytes are
/// read once, for its end, syllables, capitals and filter slot together.
fn scan(b: &[u8], filter: &Filter, out: &mut Segments) -> bool {
    let n = b.len();
    let mut new_sentence = true;
    // The last word leads a phrase and is not yet marked: marked when the
    // next word may be a phrase's second.
    let mut lead = false;
    let mut i = 0;
    while i < n {
        let c = b[i];
        if c == b' ' {
            // Most bytes between words.
            i += 1;
            continue;
        }
        if CLASS[usize::from(c)] & CORE != 0 {
            let start = i;
            let mut r = Reading {
                groups: 0,
                last: 0,
                ascii: true,
            };
            i = r.run(b, i);
            while i < n && CLASS[usize::from(b[i])] & JOIN != 0 {
                let Some(len) = infix(&b[i..], b[i - 1]) else {
                    break;
                };
                r.ascii &= len == 1;
                r.last = 0;
                i = r.run(b, i + len);
            }
            // A word needs a letter or digit: only a run that starts with
            // `_` may have none (a join has one on each side).
            if c != b'_' || b[start..i].iter().any(u8::is_ascii_alphanumeric) {
                lead = word(&b[start..i], start, &r, filter, lead, new_sentence, out);
                new_sentence = false;
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
    count_words(out);
    true
}

/// The number of words of each sentence: up to the next one's first word.
fn count_words(out: &mut Segments) {
    let mut next = out.words.len();
    for s in out.sentences.iter_mut().rev() {
        s.words = next - s.first;
        next = s.first;
    }
}

/// Adds the word `w` at `start`, read as `r`, to `out` (`lead`: the word
/// before leads a phrase and is not marked; `new_sentence`: it starts one);
/// whether it leads a phrase and is not marked.
#[inline(always)]
fn word(
    w: &[u8],
    start: usize,
    r: &Reading,
    filter: &Filter,
    lead: bool,
    new_sentence: bool,
    out: &mut Segments,
) -> bool {
    // Syllables: a silent `e` at the end (not `-le`) is none; a word without
    // vowels is one. Two vowel groups or more make three bytes or more.
    let len = w.len();
    let silent = r.groups > 1 && w[len - 1] | 0x20 == b'e' && {
        let before = w[len - 2] | 0x20;
        before != b'l' && CLASS[usize::from(before)] & VOWEL == 0
    };
    out.syllables += (r.groups - u32::from(silent)).max(1);
    let caps = !w[0].is_ascii_lowercase() && in_ascii_capitals(w);
    let flags = if r.ascii {
        filter.flags(w)
    } else {
        ANY | SECOND
    };
    let at = out.words.len();
    if lead && flags & SECOND != 0 {
        out.words[at - 1].listed = true;
        out.marked.push(at - 1);
    }
    let listed = flags & ANY != 0;
    if listed || caps {
        out.marked.push(at);
    }
    // A block's first word is always `new_sentence`. Each sentence's words
    // are counted at the end ([`count_words`]).
    let first = new_sentence;
    if first {
        out.sentences.push(Sentence {
            first: at,
            words: 0,
        });
    }
    out.words.push(Word {
        start,
        end: start + len,
        first,
        ascii: r.ascii,
        listed,
        caps,
    });
    flags & LEAD != 0 && !listed && !caps
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

    /// The words (with their facts), sentences and syllables as
    /// `unicode-segmentation` gives them.
    fn reference(text: &str) -> (Vec<Word>, Vec<Sentence>, u32) {
        let mut s = Segments::default();
        s.words.extend(
            text.unicode_word_indices()
                .map(|(start, w)| Word::of(start, w)),
        );
        let syllables = text.unicode_words().map(syllables).sum();
        s.breaks.extend(
            text.split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&s| s > 0),
        );
        s.group();
        (s.words, s.sentences, syllables)
    }

    fn fast(text: &str) -> Option<(Vec<Word>, Vec<Sentence>, u32)> {
        let mut s = Segments::default();
        // Every word listed, as the reference marks them.
        if !scan(text.as_bytes(), &Filter::full(), &mut s) {
            return None;
        }
        let all: Vec<usize> = (0..s.words.len()).collect();
        assert_eq!(s.marked, all);
        Some((s.words, s.sentences, s.syllables))
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
        s.split("A number of robust plans, a plan and A NUMBER.", &f);
        // "A" (0) and "A" (8) before "number" in any case, "robust" (3),
        // "NUMBER" (9, in capitals); not the "a" (5) before "plan".
        assert_eq!(s.marked, [0, 3, 8, 9]);
        assert!(s.words[0].listed && s.words[8].listed && !s.words[5].listed);
        assert!(!s.words[8].caps && s.words[9].caps && !s.words[9].listed);
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
