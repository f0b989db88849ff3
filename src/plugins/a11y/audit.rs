//! The audit: what the stage judges, each rule a small function over plain
//! values — a tag, an attribute's value, a name's text, a source line, and the
//! facts of its ancestors that the pass keeps (hidden, in a heading, in
//! `main`) — not over lol_html's elements, so another reader of the page
//! (comrak's AST) can feed the same rules.
//!
//! In: those values. Out: [`Finding`]s, each naming its [`Rule`].

use rustc_hash::FxHashMap as HashMap;

use super::names::{self, collapse, decode_basic};
use super::rules::Rule;

/// Link texts that do not make sense out of context.
pub(super) const VAGUE_LINK_TEXT: &[&str] = &[
    "click here",
    "here",
    "click",
    "read more",
    "more",
    "more info",
    "more information",
    "link",
    "this link",
    "this page",
    "learn more",
    "find out more",
    "details",
    "continue",
    "go",
];

/// The longest text of [`VAGUE_LINK_TEXT`] without its spaces, in bytes: a
/// name with more visible bytes is none of them.
pub(super) const VAGUE_MAX: usize = 16;

/// For each small ASCII letter, the lengths (bit `n`: `n` bytes without
/// spaces) of the texts of [`VAGUE_LINK_TEXT`] that start with it.
const VAGUE_SHAPES: [u32; 26] = vague_shapes();

const fn vague_shapes() -> [u32; 26] {
    let mut shapes = [0u32; 26];
    let mut i = 0;
    while i < VAGUE_LINK_TEXT.len() {
        let text = VAGUE_LINK_TEXT[i].as_bytes();
        let mut len = 0;
        let mut j = 0;
        while j < text.len() {
            if text[j] != b' ' {
                len += 1;
            }
            j += 1;
        }
        assert!(text[0].is_ascii_lowercase() && len <= VAGUE_MAX);
        shapes[(text[0] - b'a') as usize] |= 1 << len;
        i += 1;
    }
    shapes
}

/// Whether a link's name (`raw`) surely gets no finding, seen in a look at
/// its ends: without `&`, ending in an ASCII letter or digit, its first
/// visible bytes ASCII (up to one more than [`VAGUE_MAX`]), not starting as
/// an address would (`h`, `w`), and not of the first letter and length of a
/// vague text. False when unsure: [`link_text`] then judges it.
fn plainly_fine_link(raw: &[u8]) -> bool {
    let visible = |c: &u8| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    if !raw
        .iter()
        .rev()
        .find(|c| visible(c))
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let (mut first, mut count) = (0u8, 0usize);
    for &c in raw.iter().filter(|c| visible(c)) {
        // Not ASCII, or the one ASCII space `trim` takes and
        // `is_ascii_whitespace` does not: the full judgement reads it.
        if c >= 0x80 || c == 0x0b {
            return false;
        }
        if count == 0 {
            first = c.to_ascii_lowercase();
        }
        count += 1;
        if count > VAGUE_MAX {
            break;
        }
    }
    let vague_shape = first.is_ascii_lowercase()
        && count <= VAGUE_MAX
        && VAGUE_SHAPES[usize::from(first - b'a')] & (1 << count) != 0;
    !vague_shape && !matches!(first, b'h' | b'w') && memchr::memchr(b'&', raw).is_none()
}

/// Which rule judges a candidate's name.
pub(super) enum NameRule {
    /// An image (`img`, `role="img"`): `image-alt`.
    Image {
        /// Its `src`, for the message.
        src: String,
        /// Its `alt` as written (None: no alt attribute).
        alt: Option<String>,
        /// An element given `role="img"` (not an `img`).
        explicit: bool,
    },
    /// A link: `link-name`, then `link-text`.
    Link,
    /// A button: `button-name`.
    Button,
    /// A heading: `heading-name`.
    Heading,
    /// An iframe: `frame-title`.
    Iframe,
}

/// One finding of a rule, before it is placed on a page.
pub(super) struct Finding {
    pub(super) rule: Rule,
    /// The content file line of the element, when it came from Markdown.
    pub(super) line: Option<usize>,
    /// What is wrong.
    pub(super) message: String,
    /// How to fix it.
    pub(super) help: &'static str,
}

impl Finding {
    fn new(
        rule: Rule,
        line: Option<usize>,
        message: impl Into<String>,
        help: &'static str,
    ) -> Self {
        Finding {
            rule,
            line,
            message: message.into(),
            help,
        }
    }
}

/// A heading whose section has had nothing visible in it yet.
pub(super) struct OpenSection {
    pub(super) level: u8,
    pub(super) line: Option<usize>,
    /// Its text, once its end tag has been seen.
    pub(super) name: String,
}

/// What a table held, known at its end tag.
pub(super) struct TableFacts {
    pub(super) has_th: bool,
    pub(super) has_caption: bool,
    pub(super) line: Option<usize>,
}

/// `html-lang`: the page's language (given, or added from the site's) must be
/// a tag a screen reader knows (ACT bf051a).
pub(super) fn html_lang(lang: &str, known: bool) -> Option<Finding> {
    (!known).then(|| {
        Finding::new(
            Rule::HtmlLang,
            None,
            format!(
                "the page's language `{}` is not a language tag a screen reader knows",
                lang.trim()
            ),
            "give a language tag of the IANA registry, such as `en-GB` or `cy` (not `eng` or `english`): `default_language` in config.toml, or `lang` in the template",
        )
    })
}

/// `page-title`: a page (not a fragment) has a first `title` with text.
pub(super) fn page_title(is_page: bool, title_seen: bool, title: Option<&str>) -> Option<Finding> {
    match title {
        _ if !is_page => None,
        _ if !title_seen => Some(Finding::new(
            Rule::PageTitle,
            None,
            "the page has no title element",
            "give the template a `<title>` in its `<head>`: the page's title, then the report's",
        )),
        Some(t) if !names::blank(t) => None,
        _ => Some(Finding::new(
            Rule::PageTitle,
            None,
            "the page's title is empty",
            "write the page's title in the template's `<title>`: the page's title, then the report's",
        )),
    }
}

/// `page-h1`: exactly one `h1` on the page.
pub(super) fn page_h1(count: usize) -> Option<Finding> {
    let message = match count {
        1 => return None,
        0 => "the page has no h1 heading".to_string(),
        n => format!("the page has {n} h1 headings; it should have exactly one"),
    };
    Some(Finding::new(
        Rule::PageH1,
        None,
        message,
        "give the page one `h1`: its title (Markdown headings start at `##`)",
    ))
}

/// `broken-anchor`: a link to `#frag` on the page itself needs an element
/// with that id (`#` and `#top` go to the top).
pub(super) fn broken_anchor(
    frag: &str,
    line: Option<usize>,
    ids: &HashMap<String, usize>,
) -> Option<Finding> {
    (!frag.is_empty() && frag != "top" && !ids.contains_key(frag)).then(|| {
        Finding::new(
            Rule::BrokenAnchor,
            line,
            format!("link to `#{frag}`, but this page has no element with id `{frag}`"),
            "link to a heading's id as shown in the page's address when you follow its section link",
        )
    })
}

/// `duplicate-id`: each id used more than once, in the order of the ids.
pub(super) fn duplicate_ids(ids: &HashMap<String, usize>) -> Vec<Finding> {
    let mut dups: Vec<(&String, usize)> = ids
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, n)| (k, *n))
        .collect();
    dups.sort();
    dups.into_iter()
        .map(|(id, n)| {
            Finding::new(
                Rule::DuplicateId,
                None,
                format!("the id `{id}` is used {n} times on this page"),
                "rename one of the headings or elements so each id is unique",
            )
        })
        .collect()
}

/// `heading-order`: a heading of `level` after one of `prev` (0: none yet)
/// skips no level.
pub(super) fn heading_order(prev: u8, level: u8, line: Option<usize>) -> Option<Finding> {
    (prev > 0 && level > prev + 1).then(|| {
        Finding::new(
            Rule::HeadingOrder,
            line,
            format!(
                "an h{level} follows an h{prev}: heading level {} is skipped",
                prev + 1
            ),
            "use the next level down (in Markdown: one more `#` than the heading above, starting at `##`)",
        )
    })
}

/// `empty-section`: a visible heading of `level` right after `open` (nothing
/// visible between) of the same or a lower rank leaves `open`'s section empty.
pub(super) fn empty_section(open: &OpenSection, level: u8) -> Option<Finding> {
    if level > open.level {
        return None;
    }
    // No levels in the message: the full report shifts them, and its finding
    // is folded into the page's when the two are equal.
    let what = if open.name.is_empty() {
        "a heading with no text".to_string()
    } else {
        format!("the heading “{}”", open.name)
    };
    Some(Finding::new(
        Rule::EmptySection,
        open.line,
        format!(
            "{what} has nothing under it: the next heading, of the same or a higher rank, follows it directly, so its section is empty"
        ),
        "write the section's text under the heading, or remove the heading; if the headings after it belong to it, make them one level deeper (one more `#`)",
    ))
}

/// `table-headers` and `table-caption`, at a table's end.
pub(super) fn table(t: &TableFacts) -> impl Iterator<Item = Finding> {
    let headers = (!t.has_th).then(|| {
        Finding::new(
            Rule::TableHeaders,
            t.line,
            "a table has no header cells",
            "give the table a header row (in Markdown, the first row above `| --- |`)",
        )
    });
    let caption = (!t.has_caption).then(|| {
        Finding::new(
            Rule::TableCaption,
            t.line,
            "a table has no caption",
            "write a paragraph `*Table: what the table shows*` just before the table",
        )
    });
    headers.into_iter().chain(caption)
}

/// `link` `rel` values that make the browser fetch the target.
const LOADING_RELS: &[&str] = &[
    "stylesheet",
    "preload",
    "icon",
    "modulepreload",
    "manifest",
    "prefetch",
];

/// The attributes through which `tag` loads a file (`rel`: a `link`'s), for
/// `third-party`.
pub(super) fn loading_attributes(
    tag: &str,
    rel: impl FnOnce() -> String,
) -> &'static [&'static str] {
    match tag {
        "script" | "img" | "iframe" | "video" | "audio" | "embed" => &["src"],
        "source" => &["src", "srcset"],
        "object" => &["data"],
        "link" => {
            let rel = rel().to_lowercase();
            if LOADING_RELS
                .iter()
                .any(|r| rel.split_whitespace().any(|x| x == *r))
            {
                &["href"]
            } else {
                &[]
            }
        }
        _ => &[],
    }
}

/// `third-party`: `<tag>` loads `url` from `host`, another site.
pub(super) fn third_party(tag: &str, url: &str, host: &str, line: Option<usize>) -> Finding {
    Finding::new(
        Rule::ThirdParty,
        line,
        format!("`<{tag}>` loads `{url}` from another site ({host})"),
        "copy the file into the site's static/ folder and link to it there; third-party requests track readers and fail offline",
    )
}

/// `image-alt-empty`: Markdown's `![](x.png)` with no role or ARIA attribute;
/// forgetting and intent look the same there, so it is asked, not failed.
pub(super) fn image_alt_empty(line: Option<usize>) -> Finding {
    Finding::new(
        Rule::ImageAltEmpty,
        line,
        "an image has empty alt text but is not marked decorative",
        "describe the image in its alt text (`![what it shows](chart.png)`), or write `![decorative](chart.png)` if it adds nothing",
    )
}

/// Judges one name (`raw`: as the page has it, entities not decoded) by the
/// rule of its element.
pub(super) fn name(kind: NameRule, raw: &str, line: Option<usize>) -> Option<Finding> {
    if matches!(kind, NameRule::Link) && plainly_fine_link(raw.as_bytes()) {
        return None;
    }
    judged(kind, raw, line)
}

/// [`name`], each name read in full.
fn judged(kind: NameRule, raw: &str, line: Option<usize>) -> Option<Finding> {
    let trimmed = raw.trim();
    let plain = !trimmed.contains('&');
    let empty = if plain {
        trimmed.is_empty()
    } else {
        names::blank(raw)
    };
    if !empty && !matches!(kind, NameRule::Link) {
        return None;
    }
    let (rule, message, help) = match kind {
        NameRule::Image { src, alt, explicit } => {
            return Some(image_alt(&src, alt.as_deref(), explicit, line));
        }
        NameRule::Link if empty => (
            Rule::LinkName,
            "a link has no text, so a screen reader cannot say where it goes",
            "give it text that says where it goes (an image in it needs alt text)",
        ),
        NameRule::Link => return link_text(raw, plain, line),
        NameRule::Button => (
            Rule::ButtonName,
            "a button has no text, so a screen reader cannot say what it does",
            "give it text (or `aria-label`) that says what it does",
        ),
        NameRule::Heading => (
            Rule::HeadingName,
            "a heading has no text",
            "write the heading's text, or remove the empty heading",
        ),
        NameRule::Iframe => (
            Rule::FrameTitle,
            "an iframe has no name",
            "add a `title` saying what the frame shows",
        ),
    };
    Some(Finding::new(rule, line, message, help))
}

/// `image-alt`: an image (or `role="img"`) with no name.
fn image_alt(src: &str, alt: Option<&str>, explicit: bool, line: Option<usize>) -> Finding {
    let message = if explicit {
        "an element with `role=\"img\"` has no name".to_string()
    } else {
        match alt {
            None => format!("an image ({src}) has no alt text"),
            Some("") => "an image that can take focus (or has ARIA attributes) has empty alt text, so it is not decorative, and it has no name".to_string(),
            Some(_) => "an image has alt text of only spaces, which names nothing".to_string(),
        }
    };
    Finding::new(
        Rule::ImageAlt,
        line,
        message,
        "describe the image: `![what it shows](chart.png)`, `alt` in HTML, or `aria-label` on an element with `role=\"img\"`; mark it decorative (`![decorative](chart.png)`, or `alt=\"\"` in HTML) if it adds nothing",
    )
}

/// `link-text`: a link's name (not empty) that says nothing out of context
/// ("click here") or is a bare address.
fn link_text(raw: &str, plain: bool, line: Option<usize>) -> Option<Finding> {
    let trimmed = raw.trim();
    let starts = |p: &str| {
        trimmed
            .get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    let address = starts("http://") || starts("https://") || starts("www.");
    let visible = trimmed
        .trim_end_matches(|c: char| matches!(c, '.' | '!' | ':' | '…') || c.is_whitespace())
        .bytes()
        .filter(|b| !b.is_ascii_whitespace());
    let mut letters = [0u8; VAGUE_MAX + 1];
    let mut count = 0;
    for (slot, b) in letters.iter_mut().zip(visible) {
        *slot = b.to_ascii_lowercase();
        count += 1;
    }
    // Most links: too long, or (in ASCII, where lowercasing is bytewise) not
    // a vague text's letters, whatever its spaces; no copy is made for them.
    let vague_letters = || {
        VAGUE_LINK_TEXT.iter().any(|v| {
            let mut letters = letters[..count].iter();
            v.bytes()
                .filter(|b| *b != b' ')
                .all(|b| letters.next() == Some(&b))
                && letters.next().is_none()
        })
    };
    if plain && !address && (count > VAGUE_MAX || (trimmed.is_ascii() && !vague_letters())) {
        return None;
    }
    let name = collapse(&decode_basic(raw));
    let lower = name.to_lowercase();
    let bare =
        lower.trim_end_matches(|c: char| matches!(c, '.' | '!' | ':' | '…') || c.is_whitespace());
    if VAGUE_LINK_TEXT.contains(&bare) {
        Some(Finding::new(
            Rule::LinkText,
            line,
            format!("the link text “{name}” does not say where the link goes"),
            "write link text that makes sense on its own, e.g. “the 2016-17 annual report (PDF)”",
        ))
    } else if address {
        Some(Finding::new(
            Rule::LinkText,
            line,
            format!("the link text is a bare address ({name})"),
            "write what the page is instead of its address: `[the Children Act 2004](https://...)`",
        ))
    } else {
        None
    }
}

/// `abbreviation` (with the glossary, site-wide): the capitalised words of
/// the author's `text` that look like abbreviations (2–6 characters, capitals
/// and digits, two capitals or more) and that `known` does not know.
#[cfg(test)]
pub(super) fn abbreviations(text: &str, known: impl Fn(&str) -> bool) -> Vec<&str> {
    let mut found = Vec::new();
    each_abbreviation(text, known, |w| found.push(w));
    found
}

/// [`abbreviations`], each given to `found` in order as it is met: no list
/// is made for a text node, as most have none or one.
pub(super) fn each_abbreviation<'t>(
    text: &'t str,
    known: impl Fn(&str) -> bool,
    mut found: impl FnMut(&'t str),
) {
    let bytes = text.as_bytes();
    // Only words with an ASCII capital can be one, and a capital followed by
    // a small letter ("The", "Board") is in a word with a small letter, which
    // is never one: find a capital that is not, then look at the whole word
    // around it.
    let mut i = next_candidate(bytes, 0);
    while i < bytes.len() {
        let (start, end) = word_around(text, i);
        let word = &text[start..end];
        if (2..=6).contains(&word.len())
            && word.bytes().filter(u8::is_ascii_uppercase).count() >= 2
            && word
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && !known(word)
        {
            found(word);
        }
        i = next_candidate(bytes, end.max(i + 1));
    }
}

/// The word of letters and digits (any script) around the ASCII capital at
/// `i`: its start and end. Read a byte at a time while the bytes around are
/// ASCII; by characters past the first byte of anything else.
fn word_around(text: &str, i: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut start = i;
    while start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        start -= 1;
    }
    if start > 0 && !bytes[start - 1].is_ascii() {
        start = text[..start]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map_or(start, |(j, _)| j);
    }
    let mut end = i;
    while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if end < bytes.len() && !bytes[end].is_ascii() {
        end = text[end..]
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(text.len(), |(j, _)| end + j);
    }
    (start, end)
}

/// Where the next ASCII capital from `at` that is not followed by an ASCII
/// small letter is (or the end): eight bytes at a time, as most running text
/// has none (the capitals that start its words are followed by small letters).
fn next_candidate(bytes: &[u8], mut at: usize) -> usize {
    // A mask of bit 7 in each byte of `w` that lies in `from..=to` (ASCII):
    // the bytes' low seven bits plus an offset carry into bit 7 from `from`
    // on, never into the next byte; bytes of 0x80 and over are never in.
    fn in_range(w: u64, from: u8, to: u8) -> u64 {
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
        let low = w & !HIGH;
        let from_lo = low.wrapping_add(ONES * u64::from(0x80 - from));
        let past_hi = low.wrapping_add(ONES * u64::from(0x80 - (to + 1)));
        from_lo & !past_hi & !w & HIGH
    }
    // Bytes `at..at + 8`; where one is a capital, the byte after each
    // (`at + 1..at + 9`).
    while let Some(here) = bytes.get(at..at + 8) {
        let capitals = in_range(
            u64::from_le_bytes(here.try_into().unwrap_or_default()),
            b'A',
            b'Z',
        );
        if capitals != 0 {
            let Some(next) = bytes.get(at + 1..at + 9) else {
                break;
            };
            let next = u64::from_le_bytes(next.try_into().unwrap_or_default());
            let hits = capitals & !in_range(next, b'a', b'z');
            if hits != 0 {
                return at + (hits.trailing_zeros() / 8) as usize;
            }
        }
        at += 8;
    }
    let candidate = |at: usize| {
        bytes[at].is_ascii_uppercase() && !bytes.get(at + 1).is_some_and(u8::is_ascii_lowercase)
    };
    while at < bytes.len() && !candidate(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A link name the one-pass look passes gets no finding when read
        /// in full.
        #[test]
        fn plainly_fine_links_get_no_finding(
            raw in "(click|here|more|Read|HTTP|www|go|GO|link| |\\.|!|:|…|é|&amp;|&nbsp;|\u{b}|\t|[a-z]{1,6}|[0-9]){0,8}"
        ) {
            if plainly_fine_link(raw.as_bytes()) {
                proptest::prop_assert!(judged(NameRule::Link, &raw, None).is_none());
            }
        }

        /// The eight-byte search finds the capital a byte-by-byte look finds.
        #[test]
        fn next_candidate_finds_the_next_candidate(text in "[ -~é€\\n]{0,40}", from in 0usize..41) {
            let bytes = text.as_bytes();
            let from = from.min(bytes.len());
            let slow = (from..bytes.len())
                .find(|&i| {
                    bytes[i].is_ascii_uppercase()
                        && !bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
                })
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(next_candidate(bytes, from), slow);
        }

        /// The abbreviations are those a look at every capital finds.
        #[test]
        fn abbreviations_are_those_every_capital_gives(text in "([A-Z]{1,4}|[a-z]{1,3}|[0-9]|[ .,é€()\\n]){0,30}") {
            proptest::prop_assert_eq!(abbreviations(&text, |w| w == "SCB"), every_capital(&text, "SCB"));
        }
    }

    #[test]
    fn the_look_at_a_link_names_ends_leaves_every_finding_to_the_full_judgement() {
        let vague = [
            "click here",
            " More ",
            "Read more…",
            "read more.",
            "\u{b}here",
            "https://example.org/a-long-address",
            "www.example.org",
            "HERE",
            "",
        ];
        for raw in vague {
            assert!(!plainly_fine_link(raw.as_bytes()), "{raw:?}");
            assert!(
                judged(NameRule::Link, raw, None).is_some(),
                "{raw:?} gets a finding"
            );
        }
        for raw in [
            "Background",
            "4. Early help",
            "The annual report for 2016-17",
        ] {
            assert!(plainly_fine_link(raw.as_bytes()), "{raw:?}");
        }
    }

    /// [`abbreviations`], looking at every capital in turn.
    fn every_capital<'t>(text: &'t str, known: &str) -> Vec<&'t str> {
        let mut found = Vec::new();
        let mut end_of_last = 0;
        for (i, c) in text.char_indices() {
            if i < end_of_last || !c.is_ascii_uppercase() {
                continue;
            }
            let word_start = text[..i]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphanumeric())
                .last()
                .map_or(i, |(j, _)| j);
            let word_end = text[i..]
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(j, _)| i + j);
            let word = &text[word_start..word_end];
            if word.bytes().any(|b| b.is_ascii_lowercase()) {
                continue;
            }
            end_of_last = word_end;
            let capitals = word.bytes().filter(u8::is_ascii_uppercase).count();
            let letters_ok = word
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if (2..=6).contains(&word.len()) && capitals >= 2 && letters_ok && word != known {
                found.push(word);
            }
        }
        found
    }

    fn rules(findings: impl IntoIterator<Item = Finding>) -> Vec<&'static str> {
        findings.into_iter().map(|f| f.rule.id()).collect()
    }

    #[test]
    fn rules_judge_plain_values() {
        assert!(heading_order(2, 3, None).is_none());
        assert_eq!(rules(heading_order(2, 4, Some(7))), ["heading-order"]);
        let open = OpenSection {
            level: 2,
            line: None,
            name: "Summary".into(),
        };
        assert!(empty_section(&open, 3).is_none());
        assert_eq!(rules(empty_section(&open, 2)), ["empty-section"]);
        assert_eq!(
            rules(name(NameRule::Link, "click here", None)),
            ["link-text"]
        );
        assert_eq!(rules(name(NameRule::Link, "  ", None)), ["link-name"]);
        assert!(name(NameRule::Button, "Send", None).is_none());
        assert_eq!(
            abbreviations("The LADO met the SSCB and NHS2.", |w| w == "SSCB"),
            ["LADO", "NHS2"]
        );
    }
}
