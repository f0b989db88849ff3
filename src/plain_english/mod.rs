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
//! name: "Key Stage 2"). Sentences and words are found by
//! `unicode-segmentation` (Unicode's text segmentation rules, UAX #29), in one
//! pass over each block's text: a hash look-up per word, no pattern matching.

mod reading_age;
pub(crate) mod settings;
mod text;
mod words;

use comrak::nodes::{AstNode, NodeValue};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Diagnostic, ReadingAge, Severity};
pub use settings::PlainEnglishConfig;
use text::Flat;

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
    instead: String,
    rule: Rule,
}

/// One site's checks: its settings and glossary, made once per build.
pub struct Checker {
    sentence_words: usize,
    paragraph_sentences: usize,
    severity: Severity,
    off: HashSet<Rule>,
    /// Phrases by their first word (lower case), longest first.
    phrases: HashMap<String, Vec<Phrase>>,
    /// Glossary terms (as written) by their first word: their other words.
    glossary: HashMap<String, Vec<Vec<String>>>,
    /// Phrases of `allow` (lower case) by their first word: their other
    /// words. No word of theirs is advised on ("promoting the welfare of
    /// children", a statutory duty's own words).
    allowed: HashMap<String, Vec<Vec<String>>>,
    fingerprint: u128,
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
        let mut phrases: HashMap<String, Vec<Phrase>> = HashMap::default();
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
                phrases.entry(first).or_default().push(Phrase {
                    rest: ws.collect(),
                    text: form.clone(),
                    instead: instead.to_string(),
                    rule,
                });
            }
        }
        for list in phrases.values_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.rest.len()));
        }
        let mut allowed_phrases: HashMap<String, Vec<Vec<String>>> = HashMap::default();
        for phrase in &allowed {
            let mut ws = phrase.unicode_words().map(str::to_string);
            if let Some(first) = ws.next() {
                allowed_phrases.entry(first).or_default().push(ws.collect());
            }
        }
        let mut glossary: HashMap<String, Vec<Vec<String>>> = HashMap::default();
        let mut fp = crate::fingerprint::Fingerprint::new();
        fp.str(&format!("{config:?}"));
        for term in terms {
            fp.str(term);
            let mut ws = term.unicode_words().map(str::to_string);
            if let Some(first) = ws.next() {
                glossary.entry(first).or_default().push(ws.collect());
            }
        }
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
            phrases,
            glossary,
            allowed: allowed_phrases,
            fingerprint: fp.finish(),
        })
    }

    /// A fingerprint of the settings and glossary (the preview's cache of
    /// Markdown is keyed by it).
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// The advice on one body, whose tree comrak parsed from `body.md`.
    pub fn check<'a>(&self, root: &'a AstNode<'a>, body: &Body<'_>) -> Vec<Diagnostic> {
        let mut page = Page {
            checker: self,
            body,
            lines: None,
            own_lines: body.first_column == 1 && !has_lone_cr(body.md),
            advice: Vec::new(),
            left_out: 0,
            totals: ReadingAge {
                words: 0,
                sentences: 0,
                syllables: 0,
            },
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

/// Lower case, with `-` as a space (`ring-fencing` is `ring fencing`).
fn normal(s: &str) -> String {
    s.trim().to_lowercase().replace('-', " ")
}

/// The checks of one page, as they go.
struct Page<'c, 'b> {
    checker: &'c Checker,
    body: &'c Body<'b>,
    /// Where the Markdown's lines start (made at the first advice).
    lines: Option<Vec<usize>>,
    /// The Markdown's lines are the file's, from `first_line` on: advice is
    /// placed from `lines`, without reading the file from its start.
    own_lines: bool,
    advice: Vec<Diagnostic>,
    /// Advice past [`MAX_ADVICE`], not listed.
    left_out: usize,
    totals: ReadingAge,
}

impl Page<'_, '_> {
    fn on(&self, rule: Rule) -> bool {
        !self.checker.off.contains(&rule)
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
        d.source_line = Some(line_text.to_string());
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
    fn block<'a>(&mut self, node: &'a AstNode<'a>, whole: bool) {
        let flat = Flat::of(node);
        if flat.text.trim().is_empty() {
            return;
        }
        let words: Vec<(usize, &str)> = flat.text.unicode_word_indices().collect();
        let mut starts = HashSet::default();
        let mut sentences = 0u32;
        let mut next_word = 0;
        for (start, sentence) in flat.text.split_sentence_bound_indices() {
            let end = start + sentence.len();
            let first = next_word;
            while next_word < words.len() && words[next_word].0 < end {
                next_word += 1;
            }
            let count = next_word - first;
            if count == 0 {
                continue;
            }
            sentences += 1;
            starts.insert(first);
            if whole && count > self.checker.sentence_words && self.on(Rule::LongSentence) {
                let at = self.place(&flat, words[first].0);
                let limit = self.checker.sentence_words;
                self.advise(
                    Rule::LongSentence,
                    at,
                    format!("this sentence has {count} words; sentences of up to {limit} are easier to follow"),
                    "split it into shorter sentences, or make a list of its parts".to_string(),
                );
            }
        }
        if whole {
            self.totals.sentences += sentences;
            self.totals.words += words.len() as u32;
            for (_, w) in &words {
                self.totals.syllables += reading_age::syllables(w);
            }
            let limit = self.checker.paragraph_sentences;
            if sentences as usize > limit && self.on(Rule::LongParagraph) {
                let at = self.place(&flat, words[0].0);
                self.advise(
                    Rule::LongParagraph,
                    at,
                    format!("this paragraph has {sentences} sentences; paragraphs of up to {limit} are easier to read"),
                    "split it into shorter paragraphs, one idea each".to_string(),
                );
            }
        }
        self.words(&flat, &words, &starts);
    }

    /// The word rules over a block's words (`starts`: the indices of the
    /// words that start a sentence).
    fn words(&mut self, flat: &Flat<'_>, words: &[(usize, &str)], starts: &HashSet<usize>) {
        let mut lower = String::new();
        let mut exempt_until = 0;
        let mut capitals: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < words.len() {
            let (at, word) = words[i];
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if i >= exempt_until && !flat.is_code(at) {
                exempt_until = self.exempt(words, i, &lower);
            }
            let exempt = i < exempt_until || flat.is_code(at);
            // Text in capitals: a run of two or more words.
            let shouting = !exempt && in_capitals(word);
            match (&mut capitals, shouting) {
                (Some((_, n)), true) => *n += 1,
                (None, true) => capitals = Some((i, 1)),
                (Some(_), false) => self.capitals(flat, words, capitals.take()),
                (None, false) => {}
            }
            if exempt {
                i += 1;
                continue;
            }
            let found = self.checker.phrases.get(lower.as_str()).and_then(|list| {
                list.iter().find(|p| {
                    p.rest.len() < words.len() - i
                        && p.rest
                            .iter()
                            .enumerate()
                            .all(|(k, w)| words[i + 1 + k].1.to_lowercase() == *w)
                })
            });
            let name = !starts.contains(&i) && word.chars().next().is_some_and(char::is_uppercase);
            match found {
                Some(p) if p.rule == Rule::ClickHere && flat.in_link(at) => {}
                Some(p) if p.rule == Rule::WordToAvoid && name => {}
                Some(p) if self.on(p.rule) => {
                    let n = p.rest.len() + 1;
                    let (rule, message, help) = phrase_advice(p, word);
                    let place = self.place(flat, at);
                    self.advise(rule, place, message, help);
                    i += n;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        self.capitals(flat, words, capitals);
    }

    /// One past the last word of a glossary term (as written) or an
    /// allowed phrase (any case) that starts at word `i`, whose lower case is
    /// `lower` (`i` when none does).
    fn exempt(&self, words: &[(usize, &str)], i: usize, lower: &str) -> usize {
        let fits = |rest: &&Vec<String>, same: &dyn Fn(&str, &str) -> bool| {
            rest.len() < words.len() - i
                && rest
                    .iter()
                    .enumerate()
                    .all(|(k, w)| same(words[i + 1 + k].1, w))
        };
        let exact = |a: &str, b: &str| a == b;
        let any_case = |a: &str, b: &str| a.to_lowercase() == b;
        let glossary = self.checker.glossary.get(words[i].1).into_iter().flatten();
        let allowed = self.checker.allowed.get(lower).into_iter().flatten();
        glossary
            .filter(|rest| fits(rest, &exact))
            .chain(allowed.filter(|rest| fits(rest, &any_case)))
            .map(|rest| i + 1 + rest.len())
            .max()
            .unwrap_or(i)
    }

    /// Advice on a run of words in capitals, when it is two words or more.
    fn capitals(&mut self, flat: &Flat<'_>, words: &[(usize, &str)], run: Option<(usize, usize)>) {
        let Some((first, n)) = run.filter(|(_, n)| *n >= 2) else {
            return;
        };
        if !self.on(Rule::Capitals) {
            return;
        }
        let start = words[first].0;
        let end = words[first + n - 1].0 + words[first + n - 1].1.len();
        let shown: String = flat.text[start..end].chars().take(40).collect();
        let at = self.place(flat, start);
        self.advise(
            Rule::Capitals,
            at,
            format!("`{shown}` is in capitals, which is harder to read"),
            "write it in sentence case; for emphasis, use bold (**…**) sparingly; abbreviations in the glossary are not advised on".to_string(),
        );
    }

    /// The reading age, then the advice in order.
    fn finish(mut self) -> Vec<Diagnostic> {
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
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The fewest words a page needs for a reading age worth giving.
const MIN_WORDS: u32 = 30;

/// Whether a word is in capitals: two letters or more, none lower case.
fn in_capitals(word: &str) -> bool {
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

/// The rule, message and help of a phrase found as `word` (its first word,
/// as written).
fn phrase_advice(p: &Phrase, word: &str) -> (Rule, String, String) {
    let shown = if p.rest.is_empty() {
        word.to_string()
    } else {
        p.text.clone()
    };
    match p.rule {
        Rule::LatinAbbreviation => (
            p.rule,
            format!("`{shown}` is a Latin abbreviation many readers do not know"),
            format!("write {} instead", p.instead),
        ),
        Rule::ClickHere => (
            p.rule,
            format!("`{shown}` points at a link instead of saying where it goes"),
            p.instead.clone(),
        ),
        _ => (
            p.rule,
            format!("`{shown}` is on the list of words to avoid: it can hide what is meant"),
            format!(
                "try {}; if the site means it, add \"{}\" to `allow` in `[plain_english]`",
                p.instead, p.text
            ),
        ),
    }
}

#[cfg(test)]
mod tests;
