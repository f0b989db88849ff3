//! The prose of one block of a comrak syntax tree as plain text, and the way
//! back from a place in that text to a line and column of the Markdown.
//!
//! In: a paragraph, heading or table cell. Out: [`Flat`]: its text (code
//! spans stand as one word that no rule reads; images, raw HTML and footnote
//! marks are left out; a line break is a space), and for each piece of it
//! the text node it came from and whether it is the text of a link.

use comrak::nodes::{AstNode, NodeValue};

use super::segment;

/// A stand-in for a code span: one word, read by no rule.
const CODE: &str = "code";

/// One piece of a block's text.
struct Piece<'a> {
    /// Where it starts in [`Flat::text`].
    start: usize,
    /// The text node it came from (none for a space or a code span).
    node: Option<&'a AstNode<'a>>,
    /// Inside a link.
    in_link: bool,
    /// A code span: no rule reads it.
    code: bool,
}

/// A block's prose as one string, with where each piece came from. One is
/// kept for a whole page and filled block by block ([`Flat::fill`]), so its
/// buffers are made once.
#[derive(Default)]
pub(crate) struct Flat<'a> {
    /// The text, and after it the bytes the scan of its words reads past
    /// its end ([`segment::PAD`]).
    padded: String,
    /// The length of the text.
    len: usize,
    pieces: Vec<Piece<'a>>,
    /// The walk's own stack: (node, inside a link), children pushed in reverse.
    stack: Vec<(&'a AstNode<'a>, bool)>,
}

impl<'a> Flat<'a> {
    /// The text of `block`'s inlines, in order, in place of the last block's.
    pub(crate) fn fill(&mut self, block: &'a AstNode<'a>) {
        self.padded.clear();
        self.pieces.clear();
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        push_children(&mut stack, block, false);
        while let Some((node, in_link)) = stack.pop() {
            let value = &node.data().value;
            match value {
                NodeValue::Text(t) => self.push(t, Some(node), in_link, false),
                NodeValue::Code(_) => self.push(CODE, None, in_link, true),
                NodeValue::SoftBreak | NodeValue::LineBreak => self.push(" ", None, in_link, false),
                NodeValue::Image(_)
                | NodeValue::HtmlInline(_)
                | NodeValue::FootnoteReference(_)
                | NodeValue::Math(_)
                | NodeValue::Raw(_) => {}
                NodeValue::Link(_) | NodeValue::WikiLink(_) => {
                    push_children(&mut stack, node, true)
                }
                _ => push_children(&mut stack, node, in_link),
            }
        }
        self.stack = stack;
        self.len = self.padded.len();
        self.padded.push_str(segment::PADDING);
    }

    /// The text.
    pub(crate) fn text(&self) -> &str {
        &self.padded[..self.len]
    }

    /// The text and the bytes after it that [`segment::Segments::split`]
    /// reads.
    pub(crate) fn padded(&self) -> &str {
        &self.padded
    }

    fn push(&mut self, s: &str, node: Option<&'a AstNode<'a>>, in_link: bool, code: bool) {
        self.pieces.push(Piece {
            start: self.padded.len(),
            node,
            in_link,
            code,
        });
        self.padded.push_str(s);
    }

    fn piece(&self, at: usize) -> Option<&Piece<'a>> {
        let i = self.pieces.partition_point(|p| p.start <= at);
        i.checked_sub(1).map(|i| &self.pieces[i])
    }

    /// Whether the text at `at` is a link's.
    pub(crate) fn in_link(&self, at: usize) -> bool {
        self.piece(at).is_some_and(|p| p.in_link)
    }

    /// Whether the text at `at` stands for a code span.
    pub(crate) fn is_code(&self, at: usize) -> bool {
        self.piece(at).is_some_and(|p| p.code)
    }

    /// comrak's 1-based line and byte column (in `md`) of the text at `at`;
    /// `lines` are the byte offsets at which `md`'s lines start.
    pub(crate) fn position(&self, at: usize, md: &str, lines: &[usize]) -> Option<(usize, usize)> {
        let i = self
            .pieces
            .partition_point(|p| p.start <= at)
            .checked_sub(1)?;
        // The nearest piece from a text node, here or after (a space or code
        // span has no place of its own).
        let (piece, offset) = match self.pieces[i..].iter().find(|p| p.node.is_some()) {
            Some(p) if p.start <= at => (p, at - p.start),
            Some(p) => (p, 0),
            None => self.pieces[..i]
                .iter()
                .rev()
                .find(|p| p.node.is_some())
                .map(|p| (p, 0))?,
        };
        let node = piece.node?;
        let data = node.data();
        let pos = data.sourcepos;
        let literal: &str = match &data.value {
            NodeValue::Text(t) => t,
            _ => "",
        };
        let line_start = *lines.get(pos.start.line.checked_sub(1)?)?;
        let from = (line_start + pos.start.column.saturating_sub(1)).min(md.len());
        let src = md.get(from..).unwrap_or("");
        let delta = source_offset(literal, offset, src);
        Some((pos.start.line, pos.start.column + delta))
    }
}

fn push_children<'a>(
    stack: &mut Vec<(&'a AstNode<'a>, bool)>,
    node: &'a AstNode<'a>,
    in_link: bool,
) {
    let at = stack.len();
    let mut child = node.first_child();
    while let Some(c) = child {
        stack.push((c, in_link));
        child = c.next_sibling();
    }
    stack[at..].reverse();
}

/// The byte offsets at which the lines of `md` start, counting lines as
/// comrak does (a line ends at `\n`, `\r\n` or a lone `\r`).
pub(crate) fn line_starts(md: &str) -> Vec<usize> {
    let bytes = md.as_bytes();
    let mut starts = vec![0];
    if memchr::memchr(b'\r', bytes).is_none() {
        // The usual case: lines end at `\n` only.
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        return starts;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// How many bytes of the source `src` the first `upto` bytes of a text node's
/// `literal` came from. The two differ where comrak changed the text: smart
/// punctuation (`"` → `“`, `...` → `…`, `--` → `–`), backslash escapes and
/// character references.
fn source_offset(literal: &str, upto: usize, src: &str) -> usize {
    let (lit, s) = (literal.as_bytes(), src.as_bytes());
    // Where the text is the source's own bytes (most of it: no `&`, `\`
    // or smart punctuation before the place), each byte is one; a
    // character at a time from the first difference, or from an `&` (a
    // character reference even where the bytes agree).
    let upto_c = upto.min(lit.len());
    let same = same_prefix(&lit[..upto_c], s);
    // A paragraph's advice is often hundreds of bytes into its text node:
    // eight bytes compared at a time, `&` found by memchr.
    let same = memchr::memchr(b'&', &s[..same]).unwrap_or(same);
    // Back to the start of a character in both (the bytes before are equal).
    let mut k = same;
    while !(literal.is_char_boundary(k) && src.is_char_boundary(k)) {
        k -= 1;
    }
    walk(literal, upto, src, k)
}

/// How many bytes `a` and `b` have the same from their start.
fn same_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while let (Some(x), Some(y)) = (a[i..n].first_chunk::<8>(), b[i..n].first_chunk::<8>()) {
        let diff = u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y);
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// [`source_offset`] a character at a time from byte `from`, up to which
/// the text and the source are the same bytes.
fn walk(literal: &str, upto: usize, src: &str, from: usize) -> usize {
    let s = src.as_bytes();
    let (mut i, mut j) = (from, from);
    while i < upto.min(literal.len()) && j < s.len() {
        let Some(lc) = literal[i..].chars().next() else {
            break;
        };
        let Some(sc) = src.get(j..).and_then(|r| r.chars().next()) else {
            break;
        };
        let rest = &s[j..];
        if let Some(len) = entity_len(rest) {
            i += lc.len_utf8();
            j += len;
            continue;
        }
        if lc == sc {
            i += lc.len_utf8();
            j += sc.len_utf8();
            continue;
        }
        let step = match (lc, sc) {
            (_, '\\') => (0, 1),
            ('…', '.') if rest.starts_with(b"...") => (lc.len_utf8(), 3),
            ('—', '-') if rest.starts_with(b"---") => (lc.len_utf8(), 3),
            ('–', '-') if rest.starts_with(b"--") => (lc.len_utf8(), 2),
            _ => (lc.len_utf8(), sc.len_utf8()),
        };
        i += step.0;
        j += step.1;
    }
    j
}

/// The length of the character reference (`&amp;`, `&#8212;`) `s` starts
/// with, if it does.
fn entity_len(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'&') {
        return None;
    }
    let end = s.iter().take(34).position(|&b| b == b';')?;
    (end > 1
        && s[1..end]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'#'))
    .then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// [`source_offset`] a character at a time from the start (as it was
    /// before its fast path over equal bytes).
    fn source_offset_slow(literal: &str, upto: usize, src: &str) -> usize {
        walk(literal, upto, src, 0)
    }

    const PIECES: &[&str] = &[
        "a", "b", " ", "é", "’", "“", "…", "–", "—", ".", "-", "\\", "&", "&amp;", "&#8212;", ";",
        "...", "--", "---", "\"", "*",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn the_fast_path_agrees_with_a_character_at_a_time(
            lit in proptest::collection::vec(proptest::sample::select(PIECES), 0..20),
            src in proptest::collection::vec(proptest::sample::select(PIECES), 0..20),
            shared in proptest::collection::vec(proptest::sample::select(PIECES), 0..10),
            upto in 0usize..80,
        ) {
            let lit = format!("{}{}", shared.concat(), lit.concat());
            let src = format!("{}{}", shared.concat(), src.concat());
            let mut upto = upto.min(lit.len());
            while !lit.is_char_boundary(upto) {
                upto -= 1;
            }
            prop_assert_eq!(
                source_offset(&lit, upto, &src),
                source_offset_slow(&lit, upto, &src),
                "{:?} {} {:?}", lit, upto, src
            );
        }
    }

    #[test]
    fn source_offsets_follow_smart_punctuation_and_escapes() {
        // `“Hi” – x` came from `"Hi" -- x`: the `x` is at byte 8 of the source.
        let lit = "“Hi” – x";
        assert_eq!(source_offset(lit, lit.find('x').unwrap(), "\"Hi\" -- x"), 8);
        assert_eq!(source_offset("a*b", 2, "a\\*b"), 3);
        assert_eq!(source_offset("a&b", 2, "a&amp;b"), 6);
        assert_eq!(source_offset("so… b", "so… ".len(), "so... b"), 6);
    }

    #[test]
    fn lines_end_where_comrak_ends_them() {
        assert_eq!(line_starts("a\nb\r\nc\rd"), vec![0, 2, 5, 7]);
        assert_eq!(line_starts("a\nbc\n\nd"), vec![0, 2, 5, 6]);
    }
}
