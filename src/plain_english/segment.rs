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

/// One word: where it is in the block's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    /// Its first byte.
    pub(crate) start: usize,
    /// One past its last byte.
    pub(crate) end: usize,
    /// It starts a sentence.
    pub(crate) first: bool,
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
    pub(crate) fn split(&mut self, text: &str) {
        self.words.clear();
        self.sentences.clear();
        self.breaks.clear();
        if fast_words(text, &mut self.words) {
            sentence_breaks(text.as_bytes(), &mut self.breaks);
        } else {
            self.words.clear();
            self.breaks.clear();
            self.words
                .extend(text.unicode_word_indices().map(|(start, w)| Word {
                    start,
                    end: start + w.len(),
                    first: false,
                }));
            self.breaks.extend(
                text.split_sentence_bound_indices()
                    .map(|(start, _)| start)
                    .filter(|&s| s > 0),
            );
        }
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

/// A letter, digit or `_` (the core of a word: ALetter, Numeric,
/// ExtendNumLet).
fn is_core(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

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
    KNOWN
        .iter()
        .find(|k| rest.starts_with(k))
        .map(|k| k.len())
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

/// The words of `text` into `words`, when it is all ASCII or known
/// characters (false, and some words, when it is not).
fn fast_words(text: &str, words: &mut Vec<Word>) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if is_core(c) {
            let start = i;
            let mut alnum = c != b'_';
            i += 1;
            while i < b.len() {
                if is_core(b[i]) {
                    alnum |= b[i] != b'_';
                    i += 1;
                } else if let Some(len) = infix(&b[i..], b[i - 1]) {
                    i += len;
                } else {
                    break;
                }
            }
            if alnum {
                words.push(Word {
                    start,
                    end: i,
                    first: false,
                });
            }
        } else if c < 0x80 {
            i += 1;
        } else {
            match known(&b[i..]) {
                Some(len) => i += len,
                None => return false,
            }
        }
    }
    true
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

/// Where sentences start in `b` (not 0), for text the fast scan knows: after
/// a line break (SB4), and after a full stop, `!` or `?` with the closing
/// quotes and spaces after it, unless what follows carries the sentence on
/// (SB6–SB8a).
fn sentence_breaks(b: &[u8], breaks: &mut Vec<usize>) {
    let n = b.len();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'\r' | b'\n' => {
                if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                i += 1;
                if i < n {
                    breaks.push(i);
                }
            }
            t @ (b'.' | b'!' | b'?') => {
                let stop = t == b'.';
                let mut j = i + 1;
                while let Some(len) = close(&b[j..]) {
                    j += len;
                }
                while let Some(len) = space(&b[j..]) {
                    j += len;
                }
                let goes_on = match b.get(j) {
                    None => true,
                    Some(b'\r' | b'\n' | b'.' | b'!' | b'?') => true,
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
                if !goes_on {
                    breaks.push(j);
                }
                i = j;
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The words and sentences as `unicode-segmentation` gives them.
    fn reference(text: &str) -> (Vec<(usize, usize)>, Vec<Sentence>) {
        let mut s = Segments::default();
        s.words.extend(text.unicode_word_indices().map(|(start, w)| Word {
            start,
            end: start + w.len(),
            first: false,
        }));
        s.breaks.extend(
            text.split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&s| s > 0),
        );
        s.group();
        (s.words.iter().map(|w| (w.start, w.end)).collect(), s.sentences)
    }

    fn fast(text: &str) -> Option<(Vec<(usize, usize)>, Vec<Sentence>)> {
        let mut s = Segments::default();
        if !fast_words(text, &mut s.words) {
            return None;
        }
        sentence_breaks(text.as_bytes(), &mut s.breaks);
        s.group();
        Some((s.words.iter().map(|w| (w.start, w.end)).collect(), s.sentences))
    }

    /// Characters that make the rules' cases, and the known non-ASCII ones.
    const PIECES: &[&str] = &[
        "a", "b", "Q", "Z", "e", "g", "1", "7", "_", ".", "!", "?", " ", "  ", "\t", "\n", "\r",
        "\r\n", "\u{b}", "\u{c}", ",", ";", ":", "-", "'", "\"", "(", ")", "[", "]", "{", "}",
        "‘", "’", "“", "”", "–", "—", "…", "\u{a0}", "£", "€", "•", "%", "/", "*", "#", "&",
        "e.g.", "i.e.", "etc.", "Mr. ", "U.S.", "3.5", "1,000", "it’s", "don't",
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
    fn other_characters_go_to_unicode_segmentation() {
        assert_eq!(fast("café"), None);
        let mut s = Segments::default();
        s.split("Un café. Deux cafés.");
        assert_eq!(s.words.len(), 4);
        assert_eq!(s.sentences.len(), 2);
        assert!(s.words[2].first);
    }

    #[test]
    fn stops_that_do_not_end_a_sentence() {
        let mut s = Segments::default();
        let text = "Some, e.g. these. Mr. Smith paid £3.50 etc. and left. Then U.S. Go!";
        s.split(text);
        let counts: Vec<usize> = s.sentences.iter().map(|x| x.words).collect();
        // "Mr." ends a sentence by UAX #29 (a capital after the space).
        assert_eq!(counts, [3, 1, 6, 2, 1], "{:?}", s.sentences);
        assert_eq!(fast(text), Some(reference(text)));
    }
}
