//! Plain-English advice on the Markdown of each page, from the syntax tree
//! comrak already made for the page's HTML.
//!
//! In: a body's comrak tree, its Markdown, and a way to turn comrak's places
//! into lines and columns of the file ([`Body`]); the site's
//! `[plain_english]` settings and its glossary ([`Checker::new`]). Out:
//! advice ([`Severity::Advice`]: never fails a build, not even under
//! `--strict`; warnings with `strict = true`), each located at the sentence,
//! paragraph or word: sentences over `sentence_words` words, paragraphs over
//! `paragraph_sentences` sentences, words and phrases to avoid (the built-in
//! list in [`words`], with what to write instead), Latin abbreviations, text in
//! capitals, "click here" wording outside links; and the page's reading age
//! (Flesch–Kincaid grade level + 5, `reading-age`).
//!
//! Nothing is read inside code, block quotes (quoted words are not the
//! author's to change), images or raw HTML; glossary terms are never words to
//! avoid or text in capitals, nor is a capitalised word inside a sentence (a
//! name: "Key Stage 2"). Sentences and words are found by Unicode's text
//! segmentation rules (UAX #29: `segment.rs`, one scan of each block's text,
//! `unicode-segmentation` for text the scan does not know); a word is looked
//! up in the lists only when a filter says it may be in them (a word that
//! only starts longer phrases, "a" or "the", only when the next word may be
//! the second word of one), and the word rules read only those words and
//! the words in capitals.

mod reading_age;
mod segment;
pub(crate) mod settings;
mod text;
mod words;

use comrak::nodes::{AstNode, NodeValue};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Diagnostic, ReadingAge, Severity};
use segment::{Filter, Mark, Segments, Word};
pub use settings::PlainEnglishConfig;
use text::Flat;

/// Pieces of advice counted, not made, by rule id ([`Checker::count`]).
pub type Counts = std::collections::BTreeMap<&'static str, usize>;

/// Advice only counted ([`Checker::count`]): pieces by rule (indexed as
/// [`Rule::ALL`]), and whether any were past [`MAX_ADVICE`] (counted as
/// the one note on them, as [`Checker::check`] gives it).
#[derive(Default)]
struct Tally {
    by_rule: [usize; Rule::ALL.len()],
    past_limit: bool,
}

/// A plain-English rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// A sentence of more than `sentence_words` words.
    LongSentence,
    /// A paragraph of more than `paragraph_sentences` sentences.
    LongParagraph,
    /// A word or phrase to avoid.
    WordToAvoid,
    /// A Latin abbreviation (e.g., i.e., etc.).
    LatinAbbreviation,
    /// Two or more words in capitals.
    Capitals,
    /// "Click here" wording outside a link.
    ClickHere,
    /// The page's reading age.
    ReadingAge,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 7] = [
        Rule::LongSentence,
        Rule::LongParagraph,
        Rule::WordToAvoid,
        Rule::LatinAbbreviation,
        Rule::Capitals,
        Rule::ClickHere,
        Rule::ReadingAge,
    ];

    /// The rule's id: the code of its advice, and its name in `off = […]`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::LongSentence => "long-sentence",
            Rule::LongParagraph => "long-paragraph",
            Rule::WordToAvoid => "word-to-avoid",
            Rule::LatinAbbreviation => "latin-abbreviation",
            Rule::Capitals => "capitals",
            Rule::ClickHere => "click-here",
            Rule::ReadingAge => "reading-age",
        }
    }
}

/// A word or phrase of a list, and what to write instead.
struct Phrase {
    /// Its words after the first, in lower case.
    rest: Vec<String>,
    /// What it is, as written in the list.
    text: String,
    rule: Rule,
    /// The message after the phrase as shown (made once: a 1,000-page
    /// report gets thousands of pieces of advice).
    after: &'static str,
    /// The help.
    help: String,
}

impl Phrase {
    fn new(rest: Vec<String>, text: String, instead: &str, rule: Rule) -> Phrase {
        let (after, help) = match rule {
            Rule::LatinAbbreviation => (
                "` is a Latin abbreviation many readers do not know",
                format!("write {instead} instead"),
            ),
            Rule::ClickHere => (
                "` points at a link instead of saying where it goes",
                instead.to_string(),
            ),
            _ => (
                "` is on the list of words to avoid: it can hide what is meant",
                // A word to write instead is tried ("try \"use\""); an
                // instruction ("say what is done") is given as it is.
                format!(
                    "{}{instead}; if the site means it, add \"{text}\" to `allow` in `[plain_english]`",
                    if instead.starts_with('"') { "try " } else { "" }
                ),
            ),
        };
        Phrase {
            rest,
            text,
            rule,
            after,
            help,
        }
    }
}

/// One site's checks: its settings and glossary, made once per build.
pub struct Checker {
    sentence_words: usize,
    paragraph_sentences: usize,
    severity: Severity,
    off: HashSet<Rule>,
    /// What each word (in lower case) may start: phrases to advise on,
    /// glossary terms and allowed phrases.
    lexicon: HashMap<String, Entry>,
    /// The words of [`Checker::lexicon`], roughly: most words are not in it,
    /// and this tells so without hashing them.
    filter: Filter,
    fingerprint: u128,
}

/// What one word (in lower case) may start.
#[derive(Default)]
struct Entry {
    /// Phrases to advise on, longest first.
    phrases: Vec<Phrase>,
    /// Glossary terms (each an abbreviation or its expansion): their first
    /// word as written, and their other words. No word of theirs is advised
    /// on.
    glossary: Vec<(String, Vec<String>)>,
    /// Phrases of `allow` (lower case): their other words. No word of theirs
    /// is advised on ("promoting the welfare of children", a statutory
    /// duty's own words).
    allowed: Vec<Vec<String>>,
}

/// One Markdown body, where it is.
pub struct Body<'b> {
    /// The file, relative to the site.
    pub file: &'b str,
    /// The file's whole text.
    pub text: &'b str,
    /// The Markdown comrak parsed.
    pub md: &'b str,
    /// The file's line of the Markdown's first line.
    pub first_line: usize,
    /// The file's (byte) column the Markdown's first line starts at.
    pub first_column: usize,
    /// comrak's 1-based line and byte column in `md` → the file's line and
    /// character column: the slow way, for Markdown that is not the file's
    /// own lines from column 1 (it reads the file from its start each time).
    pub locate: &'b dyn Fn(usize, usize) -> (usize, usize),
}

impl Checker {
    /// The checks `config` asks for, knowing the glossary's `terms` (each an
    /// abbreviation or its expansion); `None` when they are turned off.
    pub fn new<'t>(
        config: &PlainEnglishConfig,
        terms: impl IntoIterator<Item = &'t str>,
    ) -> Option<Checker> {
        if !config.enabled {
            return None;
        }
        let allowed: HashSet<String> = config.allow.iter().map(|a| normal(a)).collect();
        let mut lexicon: HashMap<String, Entry> = HashMap::default();
        let own = config.avoid.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let lists = [
            (words::AVOID, Rule::WordToAvoid),
            (words::LATIN, Rule::LatinAbbreviation),
            (words::CLICK, Rule::ClickHere),
        ];
        let built_in = lists
            .iter()
            .flat_map(|(list, rule)| list.iter().map(move |(k, v)| (*k, *v, *rule)));
        for (forms, instead, rule) in built_in.chain(own.map(|(k, v)| (k, v, Rule::WordToAvoid))) {
            for form in forms.split('|') {
                let form = normal(form);
                let mut ws = form.split(' ').map(str::to_string);
                let Some(first) = ws.next().filter(|f| !f.is_empty()) else {
                    continue;
                };
                if allowed.contains(&form) {
                    continue;
                }
                let phrase = Phrase::new(ws.collect(), form.clone(), instead, rule);
                lexicon.entry(first).or_default().phrases.push(phrase);
            }
        }
        for entry in lexicon.values_mut() {
            entry
                .phrases
                .sort_by_key(|p| std::cmp::Reverse(p.rest.len()));
        }
        for phrase in &allowed {
            let mut ws = phrase.unicode_words().map(str::to_string);
            if let Some(first) = ws.next() {
                lexicon.entry(first).or_default().allowed.push(ws.collect());
            }
        }
        let mut fp = crate::fingerprint::Fingerprint::new();
        fp.str(&format!("{config:?}"));
        for term in terms {
            fp.str(term);
            let mut ws = term.unicode_words().map(str::to_string);
            if let Some(first) = ws.next() {
                let key = first.chars().flat_map(char::to_lowercase).collect();
                let entry = lexicon.entry(key).or_default();
                entry.glossary.push((first, ws.collect()));
            }
        }
        let filter = filter_of(&lexicon);
        Some(Checker {
            sentence_words: config.sentence_words,
            paragraph_sentences: config.paragraph_sentences,
            severity: if config.strict {
                Severity::Warning
            } else {
                Severity::Advice
            },
            off: Rule::ALL
                .into_iter()
                .filter(|r| config.off.iter().any(|o| o == r.id()))
                .collect(),
            lexicon,
            filter,
            fingerprint: fp.finish(),
        })
    }

    /// What `word` (`ascii`: all ASCII) may start (`lower`: a buffer for
    /// its lower case).
    fn lookup(&self, word: &str, ascii: bool, lower: &mut String) -> Option<&Entry> {
        lower.clear();
        if ascii {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        if lower.is_empty()
            || self.filter.flags(lower.as_bytes()) & (segment::ANY | segment::LEAD) == 0
        {
            return None;
        }
        self.lexicon.get(lower.as_str())
    }

    /// A fingerprint of the settings and glossary (the preview's cache of
    /// Markdown is keyed by it).
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// The advice on one body, whose tree comrak parsed from `body.md`.
    pub fn check<'a>(&self, root: &'a AstNode<'a>, body: &Body<'_>) -> Vec<Diagnostic> {
        self.run(root, body, None)
    }

    /// Whether [`Checker::count`] counts what [`Checker::check`] gives as
    /// advice: not with `strict = true` (advice is then warnings, which
    /// are listed, not counted).
    pub fn can_count(&self) -> bool {
        self.severity == Severity::Advice
    }

    /// The advice on one body counted by rule into `counts`, as a build that
    /// lists none of it counts what [`Checker::check`] gives (pieces past a
    /// page's [`MAX_ADVICE`] as the one note on them, `plain-english`; the
    /// reading age not at all), without making it: no message, no place.
    pub fn count<'a>(&self, root: &'a AstNode<'a>, body: &Body<'_>, counts: &mut Counts) {
        let mut tally = Tally::default();
        self.run(root, body, Some(&mut tally));
        for (rule, n) in Rule::ALL.iter().zip(tally.by_rule) {
            if n > 0 {
                *counts.entry(rule.id()).or_default() += n;
            }
        }
        if tally.past_limit {
            *counts.entry("plain-english").or_default() += 1;
        }
    }

    /// The checks of one body: advice made, or only counted (`counts`).
    fn run<'a>(
        &self,
        root: &'a AstNode<'a>,
        body: &Body<'_>,
        counts: Option<&mut Tally>,
    ) -> Vec<Diagnostic> {
        let mut page = Page {
            counts,
            checker: self,
            body,
            lines: None,
            own_lines: body.first_column == 1 && !has_lone_cr(body.md),
            last_line: None,
            advice: Vec::new(),
            left_out: 0,
            totals: ReadingAge {
                words: 0,
                sentences: 0,
                syllables: 0,
            },
            flat: Flat::default(),
            segments: Segments::default(),
            lower: String::new(),
        };
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            let whole = match &node.data().value {
                NodeValue::BlockQuote
                | NodeValue::MultilineBlockQuote(_)
                | NodeValue::CodeBlock(_)
                | NodeValue::HtmlBlock(_)
                | NodeValue::FrontMatter(_) => continue,
                NodeValue::Paragraph => true,
                NodeValue::Heading(_) | NodeValue::TableCell => false,
                _ => {
                    let at = stack.len();
                    let mut child = node.first_child();
                    while let Some(c) = child {
                        stack.push(c);
                        child = c.next_sibling();
                    }
                    stack[at..].reverse();
                    continue;
                }
            };
            page.block(node, whole);
        }
        page.finish()
    }
}

/// The filter of the lexicon's words: each word looked up alone ([`ANY`]:
/// it is a phrase of one word, or starts a glossary term or an allowed
/// phrase), or only before a phrase's second word ([`LEAD`]), and each
/// phrase's second word ([`SECOND`]).
///
/// [`ANY`]: segment::ANY
/// [`LEAD`]: segment::LEAD
/// [`SECOND`]: segment::SECOND
fn filter_of(lexicon: &HashMap<String, Entry>) -> Filter {
    let mut filter = Filter::new();
    for (word, entry) in lexicon {
        let alone = entry.phrases.iter().any(|p| p.rest.is_empty())
            || !entry.glossary.is_empty()
            || !entry.allowed.is_empty();
        filter.insert(word, if alone { segment::ANY } else { segment::LEAD });
        for p in &entry.phrases {
            if let Some(second) = p.rest.first() {
                filter.insert(second, segment::SECOND);
            }
        }
    }
    filter
}

/// Lower case, with `-` as a space (`ring-fencing` is `ring fencing`).
fn normal(s: &str) -> String {
    s.trim().to_lowercase().replace('-', " ")
}

/// The text of word `i` of `flat`.
fn word_at<'t>(flat: &'t Flat<'_>, words: &[Word], i: usize) -> &'t str {
    &flat.text()[words[i].start..words[i].end]
}

/// Whether `word` in lower case is `lower`.
fn same_lower(word: &str, lower: &str) -> bool {
    if word.is_ascii() {
        word.eq_ignore_ascii_case(lower) && !lower.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        word.to_lowercase() == lower
    }
}

/// One past the last word of a glossary term (as written) or an allowed
/// phrase (any case) of `entry` that starts at word `i` (`i` when none does).
fn exempt_end(entry: &Entry, flat: &Flat<'_>, words: &[Word], i: usize) -> usize {
    let fits = |rest: &[String], same: &dyn Fn(&str, &str) -> bool| {
        rest.len() < words.len() - i
            && rest
                .iter()
                .enumerate()
                .all(|(k, r)| same(word_at(flat, words, i + 1 + k), r))
    };
    let first = word_at(flat, words, i);
    let exact = |a: &str, b: &str| a == b;
    let glossary = entry
        .glossary
        .iter()
        .filter(|(written, rest)| written == first && fits(rest, &exact))
        .map(|(_, rest)| rest);
    let allowed = entry.allowed.iter().filter(|rest| fits(rest, &same_lower));
    glossary
        .chain(allowed)
        .map(|rest| i + 1 + rest.len())
        .max()
        .unwrap_or(i)
}

/// The checks of one page, as they go.
struct Page<'c, 'b, 'a> {
    checker: &'c Checker,
    body: &'c Body<'b>,
    /// Where the Markdown's lines start (made at the first advice).
    lines: Option<Vec<usize>>,
    /// The Markdown's lines are the file's, from `first_line` on: advice is
    /// placed from `lines`, without reading the file from its start.
    own_lines: bool,
    /// The text of the line advice was last placed on, shared by the advice
    /// placed there (a paragraph's pieces of advice share its line).
    last_line: Option<(usize, std::sync::Arc<str>)>,
    advice: Vec<Diagnostic>,
    /// Advice only counted ([`Checker::count`]): none is made.
    counts: Option<&'c mut Tally>,
    /// Advice past [`MAX_ADVICE`], not listed (nor counted by rule).
    left_out: usize,
    totals: ReadingAge,
    /// The block being checked, as text (kept from block to block).
    flat: Flat<'a>,
    /// Its words and sentences (kept from block to block).
    segments: Segments,
    /// A word in lower case.
    lower: String,
}

impl<'a> Page<'_, '_, 'a> {
    fn on(&self, rule: Rule) -> bool {
        !self.checker.off.contains(&rule)
    }

    /// When advice is only counted: counts a piece of `rule` (not the
    /// reading age), and says so; the caller makes none.
    fn counted(&mut self, rule: Rule) -> bool {
        let Some(tally) = self.counts.as_deref_mut() else {
            return false;
        };
        if tally.by_rule.iter().sum::<usize>() >= MAX_ADVICE {
            // As `advise` leaves it out; one note says how many.
            self.left_out += 1;
        } else {
            tally.by_rule[rule as usize] += 1;
        }
        true
    }

    /// Advice of `rule` at comrak's `md_line`:`md_col`.
    fn advise(&mut self, rule: Rule, at: Option<(usize, usize)>, message: String, help: String) {
        let severity = if rule == Rule::ReadingAge {
            Severity::Advice
        } else {
            self.checker.severity
        };
        if rule != Rule::ReadingAge && self.advice.len() >= MAX_ADVICE {
            self.left_out += 1;
            return;
        }
        let mut d = Diagnostic::warning(rule.id(), self.body.file, message).help(help);
        d.severity = severity;
        if let Some((l, c)) = at {
            d = self.at(d, l, c);
        }
        self.advice.push(d);
    }

    /// `d` placed at comrak's line `l`, byte column `c` of the Markdown.
    fn at(&mut self, d: Diagnostic, l: usize, c: usize) -> Diagnostic {
        let md = self.body.md;
        if !self.own_lines {
            let (line, column) = (self.body.locate)(l, c);
            return d.at_in(self.body.text, line, column);
        }
        let lines = self.lines.get_or_insert_with(|| text::line_starts(md));
        let start = lines.get(l.saturating_sub(1)).copied().unwrap_or(md.len());
        let end = lines.get(l).copied().unwrap_or(md.len());
        let line_text = md[start..end].trim_end_matches(['\n', '\r']);
        let mut b = c.saturating_sub(1).min(line_text.len());
        while !line_text.is_char_boundary(b) {
            b -= 1;
        }
        let column = line_text[..b].chars().count() + 1;
        let mut d = d.at(self.body.first_line + l.saturating_sub(1), column);
        let shared = match &self.last_line {
            Some((at, text)) if *at == l => text.clone(),
            _ => {
                let text: std::sync::Arc<str> = line_text.into();
                self.last_line = Some((l, text.clone()));
                text
            }
        };
        d.source_line = Some(shared);
        d
    }

    /// Where the text at `at` of `flat` is in the Markdown.
    fn place(&mut self, flat: &Flat<'_>, at: usize) -> Option<(usize, usize)> {
        let md = self.body.md;
        let lines = self.lines.get_or_insert_with(|| text::line_starts(md));
        flat.position(at, md, lines)
    }

    /// Checks one block: a paragraph (`whole`: every rule) or a heading or
    /// table cell (the word rules only).
    fn block(&mut self, node: &'a AstNode<'a>, whole: bool) {
        let mut flat = std::mem::take(&mut self.flat);
        let mut segments = std::mem::take(&mut self.segments);
        flat.fill(node);
        // Text that starts with a letter or other visible ASCII character
        // has words to check (most blocks): no need to trim it to see.
        let first_visible = flat
            .text()
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_graphic);
        if first_visible || !flat.text().trim().is_empty() {
            segments.split(flat.padded(), &self.checker.filter);
            self.sentences(&flat, &segments, whole);
            self.words(&flat, &segments.words, &segments.marked);
        }
        self.flat = flat;
        self.segments = segments;
    }

    /// The sentence rules over a block's sentences, and the reading age's
    /// counts (`whole`: a paragraph).
    fn sentences(&mut self, flat: &Flat<'_>, segments: &Segments, whole: bool) {
        if !whole {
            return;
        }
        let words = &segments.words;
        let limit = self.checker.sentence_words;
        if self.on(Rule::LongSentence) {
            for s in segments.sentences.iter().filter(|s| s.words > limit) {
                if self.counted(Rule::LongSentence) {
                    continue;
                }
                let count = s.words;
                let at = self.place(flat, words[s.first].start);
                self.advise(
                    Rule::LongSentence,
                    at,
                    format!("this sentence has {count} words; sentences of up to {limit} are easier to follow"),
                    "split it into shorter sentences, or make a list of its parts".to_string(),
                );
            }
        }
        let sentences = segments.sentences.len();
        self.totals.sentences += sentences as u32;
        self.totals.words += words.len() as u32;
        self.totals.syllables += segments.syllables;
        let limit = self.checker.paragraph_sentences;
        if sentences > limit && self.on(Rule::LongParagraph) && !self.counted(Rule::LongParagraph) {
            let at = self.place(flat, words[0].start);
            self.advise(
                Rule::LongParagraph,
                at,
                format!("this paragraph has {sentences} sentences; paragraphs of up to {limit} are easier to read"),
                "split it into shorter paragraphs, one idea each".to_string(),
            );
        }
    }

    /// The word rules over a block's words: those `marked` (listed or in
    /// capitals) are read; the others only end a run of capitals.
    fn words(&mut self, flat: &Flat<'_>, words: &[Word], marked: &[Mark]) {
        let mut exempt_until = 0;
        let mut capitals: Option<(usize, usize)> = None;
        // The next word the walk reaches (words inside a phrase found are
        // passed over).
        let mut next = 0;
        for m in marked {
            let i = m.index;
            if i < next {
                continue;
            }
            if i > next && capitals.is_some() {
                // Words neither listed nor in capitals came between.
                self.capitals(flat, words, capitals.take());
            }
            next = i + 1;
            let w = words[i];
            let word = &flat.text()[w.start..w.end];
            let entry = self.checker.lookup(word, m.ascii, &mut self.lower);
            let caps = m.caps;
            let mut exempt = i < exempt_until;
            if !exempt && (caps || entry.is_some()) {
                if flat.is_code(w.start) {
                    exempt = true;
                } else if let Some(e) = entry {
                    exempt_until = exempt_until.max(exempt_end(e, flat, words, i));
                    exempt = i < exempt_until;
                }
            }
            // Text in capitals: a run of two or more words.
            let shouting = !exempt && caps;
            match (&mut capitals, shouting) {
                (Some((_, n)), true) => *n += 1,
                (None, true) => capitals = Some((i, 1)),
                (Some(_), false) => self.capitals(flat, words, capitals.take()),
                (None, false) => {}
            }
            let found = match entry {
                Some(e) if !exempt => e.phrases.iter().find(|p| {
                    p.rest.len() < words.len() - i
                        && p.rest
                            .iter()
                            .enumerate()
                            .all(|(k, r)| same_lower(word_at(flat, words, i + 1 + k), r))
                }),
                _ => None,
            };
            let name = !m.first && word.chars().next().is_some_and(char::is_uppercase);
            match found {
                Some(p) if p.rule == Rule::ClickHere && flat.in_link(w.start) => {}
                Some(p) if p.rule == Rule::WordToAvoid && name => {}
                Some(p) if self.on(p.rule) => {
                    let n = p.rest.len() + 1;
                    if !self.counted(p.rule) {
                        let (rule, message, help) = phrase_advice(p, dotted(p, flat, w));
                        let place = self.place(flat, w.start);
                        self.advise(rule, place, message, help);
                    }
                    next = i + n;
                }
                _ => {}
            }
        }
        self.capitals(flat, words, capitals);
    }

    /// Advice on a run of words in capitals, when it is two words or more.
    fn capitals(&mut self, flat: &Flat<'_>, words: &[Word], run: Option<(usize, usize)>) {
        let Some((first, n)) = run.filter(|(_, n)| *n >= 2) else {
            return;
        };
        if !self.on(Rule::Capitals) || self.counted(Rule::Capitals) {
            return;
        }
        let start = words[first].start;
        let end = words[first + n - 1].end;
        let shown: String = flat.text()[start..end].chars().take(40).collect();
        let at = self.place(flat, start);
        self.advise(
            Rule::Capitals,
            at,
            format!("`{shown}` is in capitals, which is harder to read"),
            "write it in sentence case; for emphasis, use bold (**…**) sparingly; abbreviations in the glossary are not advised on".to_string(),
        );
    }

    /// The advice with the note on advice left out and the reading age, in
    /// the order the build lists them.
    fn finish(mut self) -> Vec<Diagnostic> {
        if let Some(tally) = self.counts.as_deref_mut() {
            tally.past_limit = self.left_out > 0;
            return Vec::new();
        }
        if self.left_out > 0 {
            let d = Diagnostic::warning(
                "plain-english",
                self.body.file,
                format!(
                    "{} more pieces of plain-English advice on this page are not listed (only the first {MAX_ADVICE} are)",
                    self.left_out
                ),
            )
            .help("work through those listed, or turn the checks off for this page with `plain_english: false`");
            self.advice.push(Diagnostic {
                severity: self.checker.severity,
                ..d
            });
        }
        let t = self.totals;
        if t.words >= MIN_WORDS && self.on(Rule::ReadingAge) {
            let message = format!(
                "reading age about {:.0} (Flesch–Kincaid grade level {:.1} + 5), from {} words in {} sentences",
                t.age(),
                t.grade(),
                t.words,
                t.sentences
            );
            self.advise(
                Rule::ReadingAge,
                Some((1, 1)),
                message,
                "GOV.UK writes for a reading age of 9; shorter sentences and shorter, everyday words lower it".to_string(),
            );
            if let Some(d) = self.advice.last_mut() {
                d.reading_age = Some(Box::new(t));
            }
        }
        // One file's order (line, column, message; the note, which has no
        // place, first), so that sorting a whole site's advice only merges
        // sorted runs.
        self.advice
            .sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
        self.advice
    }
}

/// Whether `d` is a page's reading age (advice, but a measure more than a
/// finding: `check` lists them apart, and the counts leave them out).
pub fn is_reading_age(d: &Diagnostic) -> bool {
    d.code == Rule::ReadingAge.id() && d.reading_age.is_some()
}

/// The most advice listed for one page (a page with more is one to rewrite,
/// or to turn the checks off for; listing it all costs time and hides the rest).
const MAX_ADVICE: usize = 100;

/// Whether `md` ends a line with a lone `\r` (comrak's lines are then not
/// the file's).
fn has_lone_cr(md: &str) -> bool {
    let b = md.as_bytes();
    if memchr::memchr(b'\r', b).is_none() {
        return false;
    }
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The fewest words a page needs for a reading age worth giving.
const MIN_WORDS: u32 = 30;

/// The word a phrase was found at, as its advice shows it: a Latin
/// abbreviation with the full stop after it ("e.g.", "etc."), which is the
/// word `e.g` or `etc` to the segmenter.
fn dotted<'t>(p: &Phrase, flat: &'t Flat<'_>, w: Word) -> &'t str {
    let text = flat.text();
    let stop = p.rule == Rule::LatinAbbreviation && text[w.end..].starts_with('.');
    &text[w.start..w.end + usize::from(stop)]
}

/// The rule, message and help of a phrase found as `word` (its first word,
/// as written).
fn phrase_advice(p: &Phrase, word: &str) -> (Rule, String, String) {
    let shown = if p.rest.is_empty() { word } else { &p.text };
    let mut message = String::with_capacity(1 + shown.len() + p.after.len());
    message.push('`');
    message.push_str(shown);
    message.push_str(p.after);
    (p.rule, message, p.help.clone())
}

#[cfg(test)]
mod tests;
