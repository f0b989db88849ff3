//! Front matter: splitting a content file and reading its YAML into typed fields.
//!
//! In: the text of one content file and its path relative to the site. Out: the
//! [`FrontMatter`] exactly as the author wrote it (no derived values) plus the
//! Markdown body and the line it starts on, or a located [`Diagnostic`]. Every line
//! and column is counted in the *content file*, not in the front-matter block.
//!
//! This is the only module that knows the YAML crate (`serde_yaml`, archived
//! upstream), so replacing it touches nothing else.

use serde::{Deserialize, Deserializer, Serialize};

use crate::config::unknown_field;
use crate::error::Diagnostic;
use crate::suggest::did_you_mean;

/// A content file split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The 1-based line of the file on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Splits `text` into front matter and body. A leading byte-order mark and CRLF
/// line ends are accepted.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() == "+++" {
        return Err(Diagnostic::error(
            "front-matter",
            file,
            "this file starts with TOML front matter (`+++`); reportsite reads YAML front matter",
        )
        .at_in(text, 1, 1)
        .help("put the fields between two lines `---`, written as YAML (`title: My page`)"));
    }
    if first.trim_end() != "---" {
        let hint = if text.trim().is_empty() {
            "the file is empty: add front matter with at least a title: a line `---`, a line `title: My page`, and a closing line `---`"
        } else {
            "start the file with a line `---`, then `title: ...`, then a closing line `---`"
        };
        return Err(Diagnostic::error(
            "front-matter",
            file,
            "missing front matter: the first line of a content file must be `---`",
        )
        .at_in(text, 1, 1)
        .help(hint));
    }
    let mut offset = first.len();
    offset += newline_len(&text[offset..]);
    let yaml_start = offset;
    let mut line_no = 2;
    while offset < text.len() {
        let rest = &text[offset..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..line_end].trim_end_matches('\r');
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            let after = offset + line_end + usize::from(line_end < rest.len());
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body: &text[after.min(text.len())..],
                body_line: line_no + 1,
            });
        }
        offset += line_end + usize::from(line_end < rest.len());
        line_no += 1;
    }
    Err(Diagnostic::error(
        "front-matter",
        file,
        "front matter is never closed: no line `---` after the opening one",
    )
    .at_in(text, 1, 1)
    .help("add a line `---` after the last front-matter field, before the Markdown"))
}

fn newline_len(s: &str) -> usize {
    if s.starts_with("\r\n") {
        2
    } else if s.starts_with('\n') {
        1
    } else {
        0
    }
}

/// What a content file is. `_index.md` defaults to `chapter`, other files to `page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The report itself (only `content/_index.md`).
    Report,
    /// A chapter: a folder with `_index.md`.
    Chapter,
    /// A page of prose.
    Page,
    /// A priority: what was done, what the impact was, next steps.
    Priority,
    /// A case review (serious case review, learning review, ...).
    CaseReview,
}

impl Kind {
    /// The name written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Chapter => "chapter",
            Kind::Page => "page",
            Kind::Priority => "priority",
            Kind::CaseReview => "case-review",
        }
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub jiff::civil::Date);

impl IsoDate {
    /// Parses `YYYY-MM-DD`, also accepting a time after it (which is ignored).
    pub fn parse(s: &str) -> Result<IsoDate, String> {
        let s = s.trim();
        let day = s.get(..10).unwrap_or(s);
        let valid_shape = day.len() == 10
            && day.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !valid_shape || (s.len() > 10 && !matches!(s.as_bytes()[10], b'T' | b' ')) {
            return Err(format!(
                "invalid date `{s}`: expected a date written YYYY-MM-DD, such as 2017-11-15"
            ));
        }
        day.parse::<jiff::civil::Date>()
            .map(IsoDate)
            .map_err(|_| format!("invalid date `{s}`: there is no such day in the calendar"))
    }

    /// `2017-11-15`.
    pub fn iso(&self) -> String {
        self.0.to_string()
    }

    /// `15 November 2017`, as GOV.UK writes dates.
    pub fn display(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = MONTHS[(self.0.month() as usize).clamp(1, 12) - 1];
        format!("{} {} {}", self.0.day(), month, self.0.year())
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IsoDate::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A short label that YAML may read as a number (`number: 2`, `number: 1.2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(pub String);

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            S(String),
            I(i64),
            F(f64),
        }
        Ok(Label(
            match Any::deserialize(d).map_err(|_: D::Error| {
                serde::de::Error::custom("expected a short label such as `2`, `1.3` or `A`")
            })? {
                Any::S(s) => s,
                Any::I(i) => i.to_string(),
                Any::F(f) => f.to_string(),
            },
        ))
    }
}

/// A person named in the report.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Role or job title.
    #[serde(default)]
    pub role: Option<String>,
}

/// The period a report covers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day.
    pub start: IsoDate,
    /// Last day.
    pub end: IsoDate,
}

/// One row of the sign-off table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// The role that signed off.
    pub role: String,
    /// Who signed off.
    pub name: String,
    /// When.
    #[serde(default)]
    pub date: Option<IsoDate>,
}

/// Something recommendations can refer to (a strategy theme, a board priority).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyItem {
    /// The id recommendations use in `refs`.
    pub id: Label,
    /// How to show the id (defaults to the id).
    #[serde(default)]
    pub label: Option<String>,
    /// What the item says, when known.
    #[serde(default)]
    pub title: Option<String>,
}

/// One recommendation to the body the report is presented to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// The recommendation, in Markdown.
    pub text: String,
    /// Ids of `strategy` items it supports.
    #[serde(default)]
    pub refs: Vec<Label>,
}

/// Which implication an entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Financial, legal and HR implications.
    FinancialLegalHr,
    /// Equalities implications.
    Equalities,
    /// Risk assessment.
    Risk,
    /// Anything else (needs a `label`).
    Other,
}

impl Area {
    /// The heading used when no `label` is given.
    pub fn default_label(self) -> Option<&'static str> {
        match self {
            Area::FinancialLegalHr => Some("Financial, legal and HR implications"),
            Area::Equalities => Some("Equalities implications"),
            Area::Risk => Some("Risk assessment"),
            Area::Other => None,
        }
    }
}

/// One implication of the report.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implication {
    /// Which kind of implication.
    pub area: Area,
    /// A heading other than the area's usual one.
    #[serde(default)]
    pub label: Option<String>,
    /// The text, in Markdown.
    pub text: String,
}

/// A document published with the report (an appendix, a full PDF).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// A short label such as "Appendix A".
    #[serde(default)]
    pub label: Option<String>,
    /// The document's title.
    pub title: String,
    /// Where it is; absent when it is not published with the site.
    #[serde(default)]
    pub href: Option<String>,
    /// Its format, e.g. `PDF`.
    #[serde(default)]
    pub format: Option<String>,
    /// Its size in bytes.
    #[serde(default)]
    pub size_bytes: Option<u64>,
}

/// One entry of a page's change notes (`changes:`), shown under "Last updated".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// When the change was published (`YYYY-MM-DD`).
    pub date: IsoDate,
    /// What changed, in a sentence.
    pub note: String,
}

/// Publication status of a case review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewStatus {
    /// The review has been published.
    Published,
    /// The review is still in progress.
    InProgress,
}

/// The front matter of one content file, exactly as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The title (required).
    pub title: Option<String>,
    /// One sentence describing the page.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<IsoDate>,
    /// Date of the last update.
    pub updated: Option<IsoDate>,
    /// Sort order among siblings (lower first).
    pub weight: Option<i64>,
    /// A number shown instead of the computed one (`2`, `A`).
    pub number: Option<Label>,
    /// Drafts are left out unless `--drafts` is given.
    pub draft: Option<bool>,
    /// The last part of the URL, instead of the file name.
    pub slug: Option<String>,
    /// A template other than the kind's default.
    pub template: Option<String>,
    /// Old URLs that should redirect here.
    pub aliases: Option<Vec<String>>,
    /// What changed at each update, newest or oldest first as written.
    pub changes: Option<Vec<Change>>,
    /// Free-form values for templates.
    pub extra: Option<serde_yaml::Value>,
    /// What the file is.
    pub kind: Option<Kind>,

    // --- kind: report ---
    /// A shorter title for page titles and the header.
    pub short_title: Option<String>,
    /// The organisation that publishes the report (required for a report).
    pub organisation: Option<String>,
    /// The board or committee the report is presented to.
    pub presented_to: Option<String>,
    /// The period covered.
    pub period: Option<Period>,
    /// The lead officer.
    pub lead_officer: Option<Person>,
    /// The author.
    pub author: Option<Person>,
    /// Who signed the report off, and when.
    pub sign_off: Option<Vec<SignOff>>,
    /// What recommendations may refer to.
    pub strategy: Option<Vec<StrategyItem>>,
    /// The recommendations.
    pub recommendations: Option<Vec<Recommendation>>,
    /// Reasons for the recommendations (Markdown).
    pub reasons: Option<String>,
    /// Implications.
    pub implications: Option<Vec<Implication>>,
    /// Documents published with the report.
    pub documents: Option<Vec<Document>>,

    // --- kind: priority ---
    /// What was done (Markdown items).
    pub what_was_done: Option<Vec<String>>,
    /// What the impact was (Markdown items).
    pub impact: Option<Vec<String>>,
    /// Next steps (Markdown items).
    pub next_steps: Option<Vec<String>>,

    // --- kind: case-review ---
    /// Who the review is about.
    pub subject: Option<String>,
    /// The type of review.
    pub review_type: Option<String>,
    /// Published or in progress.
    pub status: Option<ReviewStatus>,
    /// What harm the review concerned.
    pub harm: Option<String>,
    /// What was learnt (Markdown items).
    pub learning: Option<Vec<String>>,
}

/// Keys every kind accepts.
pub const COMMON_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "number",
    "draft",
    "slug",
    "template",
    "aliases",
    "changes",
    "extra",
    "kind",
];

/// Every key front matter accepts (common ones, then those of each kind), for
/// suggestions.
pub fn known_keys() -> Vec<&'static str> {
    COMMON_KEYS
        .iter()
        .copied()
        .chain(KIND_KEYS.iter().flat_map(|(_, keys)| keys.iter().copied()))
        .collect()
}

/// Keys allowed only with one kind.
pub const KIND_KEYS: &[(Kind, &[&str])] = &[
    (
        Kind::Report,
        &[
            "short_title",
            "organisation",
            "presented_to",
            "period",
            "lead_officer",
            "author",
            "sign_off",
            "strategy",
            "recommendations",
            "reasons",
            "implications",
            "documents",
        ],
    ),
    (Kind::Priority, &["what_was_done", "impact", "next_steps"]),
    (
        Kind::CaseReview,
        &["subject", "review_type", "status", "harm", "learning"],
    ),
];

const NESTED_KEYS: &[&str] = &[
    "name",
    "role",
    "start",
    "end",
    "date",
    "id",
    "label",
    "title",
    "text",
    "refs",
    "area",
    "href",
    "format",
    "size_bytes",
    "note",
];

/// Reads the YAML of a split file into [`FrontMatter`]. Positions in the returned
/// diagnostic are lines of the whole file.
pub fn parse(split: &Split<'_>, full_text: &str, file: &str) -> Result<FrontMatter, Diagnostic> {
    if split.yaml.trim().is_empty() {
        return Err(Diagnostic::error(
            "missing-key",
            file,
            "the front matter is empty: `title` is required",
        )
        .at_in(full_text, 1, 1)
        .help("add a line such as `title: Background` between the `---` lines"));
    }
    check_nesting(split, full_text, file)?;
    let fm: FrontMatter =
        serde_yaml::from_str(split.yaml).map_err(|e| yaml_error(e, split, full_text, file))?;
    if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        let (line, col) = key_position(split, "title").unwrap_or((1, 1));
        return Err(
            Diagnostic::error("missing-key", file, "missing required key `title`")
                .at_in(full_text, line, col)
                .help("add a line such as `title: Background` to the front matter"),
        );
    }
    Ok(fm)
}

fn yaml_error(e: serde_yaml::Error, split: &Split<'_>, full_text: &str, file: &str) -> Diagnostic {
    let raw = e.to_string();
    // serde_yaml appends " at line L column C"; we give the position separately.
    let text = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    let text = readable_path(&readable_types(&text));
    let (mut line, mut col) = e
        .location()
        .map(|l| text_position(split.yaml, l.index(), split.yaml_line))
        .unwrap_or((split.yaml_line, 1));
    // Errors raised by our own types (dates, labels) carry the position of the
    // enclosing map; point at the offending value instead when it can be found.
    if let Some(value) = text
        .split("invalid date `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        && let Some(pos) = find_in_yaml(split, value, 0)
    {
        (line, col) = pos;
    }
    let line_text = full_text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let d = Diagnostic::error("yaml", file, text.clone()).at_in(full_text, line, col);
    if let Some(key) = unknown_field(&text) {
        let path = text.split(": unknown field").next().filter(|p| *p != text);
        let top_level = path.is_none() || text.starts_with("unknown field");
        let all_keys = known_keys();
        let candidates: &[&str] = if top_level { &all_keys } else { NESTED_KEYS };
        let expected = expected_list(&text);
        let message = match path {
            Some(p) if !top_level => format!("unknown key `{key}` in {p}"),
            _ => format!("unknown key `{key}` in front matter"),
        };
        let suggestion = did_you_mean(&key, expected.as_deref().unwrap_or(candidates));
        let help = match (suggestion, top_level) {
            (Some(s), _) => format!("did you mean `{s}`?"),
            (None, true) => "remove it, or put free-form values under `extra:`".to_string(),
            (None, false) => match &expected {
                Some(list) => format!("expected one of: {}", list.join(", ")),
                None => "remove it".to_string(),
            },
        };
        return Diagnostic {
            code: "unknown-key",
            message,
            ..d
        }
        .help(help);
    }
    if text.contains("unknown variant") {
        let value = text
            .split("unknown variant `")
            .nth(1)
            .and_then(|r| r.split('`').next())
            .unwrap_or("");
        let expected = expected_list(&text).unwrap_or_default();
        let field = text.split(": unknown variant").next().unwrap_or("value");
        let help = match did_you_mean(value, &expected) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of: {}", expected.join(", ")),
        };
        return Diagnostic {
            code: "invalid-value",
            message: format!("{field} cannot be `{value}`"),
            ..d
        }
        .help(help);
    }
    if text.contains("invalid date") {
        return Diagnostic {
            code: "invalid-date",
            ..d
        }
        .help("write the date as YYYY-MM-DD, e.g. 2017-11-15");
    }
    if text.contains("invalid type") || text.contains("invalid value") {
        let help = if text.contains("expected a string") && text.contains("sequence") {
            "this key takes one piece of text, not a list: remove the `- ` or the brackets"
                .to_string()
        } else if text.contains("expected a string") {
            "write the value as text; put it in quotes if it contains `: ` or starts with a special character".to_string()
        } else if text.contains("expected a list") {
            "write a list: one item per line, each starting with `- `, or `[a, b]`".to_string()
        } else if text.contains("expected `true` or `false`") {
            "write `true` or `false` (YAML here does not read `yes` or `no`)".to_string()
        } else if text.contains("expected a whole number") {
            "write a whole number without units or quotes, e.g. `2` (sizes in bytes: `2400000`)"
                .to_string()
        } else if let Some(shape) = STRUCT_SHAPES.iter().find(|(name, _)| text.contains(name)) {
            format!("write it as {}", shape.1)
        } else {
            "check the value's type against the front-matter reference in README.md".to_string()
        };
        return Diagnostic {
            code: "wrong-type",
            ..d
        }
        .help(help);
    }
    if text.contains("missing field") {
        let field = text
            .split("missing field `")
            .nth(1)
            .and_then(|r| r.split('`').next())
            .unwrap_or("");
        return Diagnostic {
            code: "missing-key",
            ..d
        }
        .help(format!("add `{field}:` to this item"));
    }
    if let Some(key) = text
        .split("duplicate field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        // serde reports the start of the map; point at the second occurrence.
        let lines = top_level_key_lines(split, key);
        let d = match lines.get(1) {
            Some(&l) => d.at_in(full_text, l, 1),
            None => d,
        };
        let first = lines
            .first()
            .map(|l| format!(" (first on line {l})"))
            .unwrap_or_default();
        return Diagnostic {
            code: "duplicate-key",
            message: format!("the key `{key}` appears twice{first}"),
            ..d
        }
        .help("each key may appear only once; remove or merge one of them");
    }
    if text.contains("recursion limit") || text.contains("repetition limit") {
        return Diagnostic { code: "yaml", ..d }
            .help("the front matter nests or repeats too deeply; simplify it");
    }
    // YAML syntax errors: say what usually causes them.
    if line_text.contains('\t') && text.contains("cannot start any token") {
        return Diagnostic { code: "yaml", ..d }
            .help("YAML does not allow tabs for indentation: indent with spaces");
    }
    if let Some((key_part, value)) = line_text.split_once(": ") {
        let v = value.trim_start();
        if v.starts_with(['*', '&', '!', '%', '@', '`']) {
            let c = key_part.chars().count() + 2 + (value.chars().count() - v.chars().count()) + 1;
            return Diagnostic { code: "yaml", ..d }.at_in(full_text, line, c).help(format!(
                "a value starting with `{}` has a special meaning in YAML: put the whole value in quotes, e.g. `{}: \"{}\"`",
                &v[..1],
                key_part.trim(),
                v.replace('"', "\\\"")
            ));
        }
    }
    if text.contains("mapping values are not allowed")
        && let Some((key, value)) = line_text.split_once(": ")
        && value.contains(": ")
        && !key.trim_start().starts_with('-')
        && !value.trim_start().starts_with(['"', '\''])
    {
        return Diagnostic { code: "yaml", ..d }.help(format!(
            "a value that contains `: ` must be in quotes: `{}: \"{}\"`",
            key.trim(),
            value.trim().replace('"', "\\\"")
        ));
    }
    let looks_like_prose = !line_text.trim().is_empty()
        && !line_text.starts_with([' ', '-', '#'])
        && !line_text.contains(':');
    if looks_like_prose {
        return Diagnostic { code: "yaml", ..d }.help(
            "this line does not look like front matter: did you forget the closing `---` line before the Markdown?",
        );
    }
    Diagnostic { code: "yaml", ..d }.help(
        "this is not valid YAML; check the indentation, and quote values that contain `: ` or start with `*`, `&`, `!`, `%`, `@` or a backtick",
    )
}

/// The deepest nesting of `[` and `{` front matter may use. The YAML parser would
/// take minutes over 100,000 levels before its own limit applies.
const MAX_NESTING: usize = 64;

fn check_nesting(split: &Split<'_>, full_text: &str, file: &str) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, line) in split.yaml.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(Diagnostic::error(
                            "yaml",
                            file,
                            format!("the front matter nests lists or maps more than {MAX_NESTING} levels deep"),
                        )
                        .at_in(full_text, split.yaml_line + i, col + 1)
                        .help("simplify the value; front matter needs at most a few levels"));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        quote = None;
    }
    Ok(())
}

/// How to write the front matter's structured values, for wrong-type help.
const STRUCT_SHAPES: &[(&str, &str)] = &[
    (
        "a period",
        "`period: { start: 2016-04-01, end: 2017-03-31 }`",
    ),
    (
        "a person",
        "`{ name: Sally Halls, role: Independent Chair }`",
    ),
    (
        "a sign-off",
        "`- { role: Monitoring Officer, name: Julian Gale, date: 2017-12-20 }`",
    ),
    (
        "a strategy item",
        "`- { id: P1, label: HWBB P1, title: ... }`",
    ),
    (
        "a recommendation",
        "`- text: supports the SSCB ...` with `refs: [P1]` on the next line",
    ),
    ("an implication", "`- { area: risk, text: Not applicable }`"),
    (
        "a document",
        "`- { label: Appendix A, title: ..., href: ..., format: PDF, size_bytes: 2400000 }`",
    ),
];

/// Replaces Rust type names in serde's messages with words an author knows.
fn readable_types(text: &str) -> String {
    text.replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected a boolean", "expected `true` or `false`")
        .replace("expected a sequence", "expected a list")
        .replace("invalid type: sequence", "invalid type: a list")
        .replace("invalid type: map", "invalid type: a map")
        .replace("expected struct Period", "expected a period")
        .replace("expected struct Person", "expected a person")
        .replace("expected struct SignOff", "expected a sign-off")
        .replace("expected struct StrategyItem", "expected a strategy item")
        .replace(
            "expected struct Recommendation",
            "expected a recommendation",
        )
        .replace("expected struct Implication", "expected an implication")
        .replace("expected struct Document", "expected a document")
        .replace("expected struct FrontMatter", "expected `key: value` lines")
}

/// Turns serde's `sign_off[1].name: ...` into "sign_off item 2, `name`: ...".
fn readable_path(text: &str) -> String {
    let Some((path, rest)) = text.split_once(": ") else {
        return text.to_string();
    };
    if path.contains(' ') || !path.contains(['[', '.']) {
        return text.to_string();
    }
    let mut out = String::new();
    for part in path.split('.') {
        if !out.is_empty() {
            out.push_str(", ");
        }
        match part.split_once('[') {
            Some((name, idx)) => {
                let n: usize = idx.trim_end_matches(']').parse().unwrap_or(0);
                out.push_str(&format!("`{name}` item {}", n + 1));
            }
            None => out.push_str(&format!("`{part}`")),
        }
    }
    format!("{out}: {rest}")
}

/// The 1-based line (counting from `first_line`) and character column of byte
/// `index` of `text`, with lines counted as [`str::lines`] counts them. libyaml's
/// own line numbers also end a line at a lone `\r` and at Unicode line
/// separators, so they can point past the lines every message shows.
fn text_position(text: &str, index: usize, first_line: usize) -> (usize, usize) {
    let mut i = index.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    let before = &text[..i];
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    let line = text[start..].split('\n').next().unwrap_or("");
    let width = line.strip_suffix('\r').unwrap_or(line).chars().count();
    let column = (before[start..].chars().count() + 1).min(width + 1);
    (first_line + before.matches('\n').count(), column)
}

/// The character column of a 1-based byte column on a 1-based line.
pub fn char_column(text: &str, line: usize, byte_col: usize) -> usize {
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let mut b = byte_col.saturating_sub(1).min(l.len());
    while !l.is_char_boundary(b) {
        b -= 1;
    }
    l[..b].chars().count() + 1
}

/// Lines (1-based, in the file) on which top-level `key:` appears.
fn top_level_key_lines(split: &Split<'_>, key: &str) -> Vec<usize> {
    split
        .yaml
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|(i, _)| split.yaml_line + i)
        .collect()
}

/// The `nth` (0-based) occurrence of `needle` in the YAML, as a file position.
fn find_in_yaml(split: &Split<'_>, needle: &str, nth: usize) -> Option<(usize, usize)> {
    split
        .yaml
        .lines()
        .enumerate()
        .flat_map(|(i, l)| {
            l.match_indices(needle)
                .map(move |(c, _)| (split.yaml_line + i, l[..c].chars().count() + 1))
        })
        .nth(nth)
}

/// The names listed after "expected one of" / "expected" in serde's messages.
fn expected_list(text: &str) -> Option<Vec<&str>> {
    let rest = text
        .split("expected one of ")
        .nth(1)
        .or_else(|| text.split("expected ").nth(1))?;
    let names: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    (!names.is_empty()).then_some(names)
}

/// The 1-based line and column in the whole file of a top-level key.
pub fn key_position(split: &Split<'_>, key: &str) -> Option<(usize, usize)> {
    split.yaml.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start()
            .starts_with(':')
            .then_some((split.yaml_line + i, 1))
    })
}

/// Positions (1-based line and column in the file) of every whole-word occurrence
/// of `needle` on or after the line of top-level `key`, up to the next top-level key.
pub fn value_positions(split: &Split<'_>, key: &str, needle: &str) -> Vec<(usize, usize)> {
    let Some((start, _)) = key_position(split, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, line) in split.yaml.lines().enumerate().skip(start - split.yaml_line) {
        if split.yaml_line + i > start
            && !line.starts_with([' ', '-', '\t'])
            && !line.trim().is_empty()
        {
            break;
        }
        out.extend(word_positions(line, needle).map(|c| (split.yaml_line + i, c)));
    }
    out
}

/// The first position of `needle` under top-level `key` (see [`value_positions`]).
pub fn value_position(split: &Split<'_>, key: &str, needle: &str) -> Option<(usize, usize)> {
    value_positions(split, key, needle).into_iter().next()
}

/// Positions of `id` inside the `refs:` lists under top-level `key` (flow lists
/// `refs: [a, b]` and block lists `refs:` + `- a`).
pub fn ref_positions(split: &Split<'_>, key: &str, id: &str) -> Vec<(usize, usize)> {
    let Some((start, _)) = key_position(split, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut block_indent: Option<usize> = None;
    for (i, line) in split.yaml.lines().enumerate().skip(start - split.yaml_line) {
        let n = split.yaml_line + i;
        if n > start && !line.starts_with([' ', '-', '\t']) && !line.trim().is_empty() {
            break;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(at) = line.find("refs:") {
            let rest_start = at + "refs:".len();
            let prefix_chars = line[..rest_start].chars().count();
            out.extend(word_positions(&line[rest_start..], id).map(|c| (n, c + prefix_chars)));
            block_indent = line[rest_start..].trim().is_empty().then_some(indent);
            continue;
        }
        match block_indent {
            Some(bi) if line.trim_start().starts_with("- ") && indent >= bi => {
                out.extend(word_positions(line, id).map(|c| (n, c)));
            }
            _ => block_indent = None,
        }
    }
    out
}

/// 1-based character columns of whole-word occurrences of `needle` in `line`.
fn word_positions<'a>(line: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    line.match_indices(needle).filter_map(move |(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + needle.len()..].chars().next();
        (!word(before) && !word(after)).then(|| line[..at].chars().count() + 1)
    })
}

/// Converts the free-form `extra` map to JSON for templates.
pub fn extra_to_json(extra: &Option<serde_yaml::Value>) -> serde_json::Value {
    match extra {
        None => serde_json::Value::Object(Default::default()),
        Some(v) => serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
    }
}

/// One entry of `content/glossary.yaml`: an abbreviation with what it stands
/// for, a word or phrase with what it means, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossaryEntry {
    /// The abbreviation, word or phrase, as written in the file.
    pub term: String,
    /// What an abbreviation stands for.
    pub expansion: Option<String>,
    /// What the term means, as HTML (written in Markdown).
    pub definition: Option<String>,
    /// The line of `glossary.yaml` the entry starts on.
    pub line: usize,
}

impl GlossaryEntry {
    /// The id of the term on the glossary page: `term-` and the term in lower
    /// case, each run of other characters than letters and digits made one `-`
    /// (`term-sscb`, `term-serious-case-review`).
    pub fn id(&self) -> String {
        let mut id = String::from("term-");
        let mut dash = false;
        for c in self.term.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                if dash && !id.ends_with('-') {
                    id.push('-');
                }
                id.push(c);
                dash = false;
            } else {
                dash = true;
            }
        }
        id
    }
}

/// The keys an entry given as a map may have.
const GLOSSARY_KEYS: &[&str] = &["expansion", "definition"];

/// Reads a glossary file: a YAML map of term to either its expansion (text) or
/// `{ expansion, definition }` (both optional, one required). Definitions are
/// Markdown, made HTML here; they may link only to full addresses.
pub fn parse_glossary(text: &str, file: &str) -> Result<Vec<GlossaryEntry>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // An empty glossary (nothing but blank lines and comments) has no entries.
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Vec::new());
    }
    let help = "write one term per line, `SSCB: Somerset Safeguarding Children Board`, or a term with a definition:\n`early help:` then, indented below it, `definition: what it means in plain words`";
    let map: glossary_map::Map = serde_yaml::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        if let Some(term) = msg
            .split("`")
            .nth(1)
            .filter(|_| msg.contains("defined twice"))
        {
            let lines = glossary_term_lines(text, term);
            let (first, second) = (
                lines.first().copied().unwrap_or(1),
                lines.get(1).copied().unwrap_or(1),
            );
            return Diagnostic::error(
                "glossary",
                file,
                format!("`{term}` is defined twice (first on line {first})"),
            )
            .at_in(text, second, 1)
            .help("keep one of the two lines");
        }
        let (line, col) = e
            .location()
            .map(|l| text_position(text, l.index(), 1))
            .unwrap_or((1, 1));
        // An error at the end of the file is reported on the line after the last
        // one, which has no text to show: point at the end of the last line.
        let last = text.lines().count().max(1);
        let (line, col) = if line > last {
            let width = text.lines().last().map_or(0, |l| l.chars().count());
            (last, width + 1)
        } else {
            (line, col)
        };
        // serde_yaml puts the path of an entry's error before it
        // (`early help: unknown key ...`): name the term in backticks.
        let msg = match [": unknown key `", ": invalid type", ": `"]
            .iter()
            .find_map(|p| msg.find(p))
        {
            Some(at) => format!("`{}`: {}", &msg[..at], &msg[at + 2..]),
            None => msg,
        };
        let help = if let Some(key) = msg
            .split_once(": unknown key `")
            .and_then(|(_, m)| m.split('`').next())
        {
            match did_you_mean(key, GLOSSARY_KEYS) {
                Some(s) => format!("did you mean `{s}`? A term given as a map may have `expansion` (what an abbreviation stands for) and `definition` (what it means)"),
                None => "a term given as a map may have only `expansion` (what an abbreviation stands for) and `definition` (what it means)".to_string(),
            }
        } else {
            help.to_string()
        };
        Diagnostic::error("glossary", file, readable_types(&msg))
            .at_in(text, line, col)
            .help(help)
    })?;
    let mut entries: Vec<GlossaryEntry> = Vec::with_capacity(map.0.len());
    for (term, value) in map.0 {
        let line = glossary_term_lines(text, &term)
            .first()
            .copied()
            .unwrap_or(1);
        let located = |message: String, help: String| {
            Diagnostic::error("glossary", file, message)
                .at_in(text, line, 1)
                .help(help)
        };
        if term.trim().is_empty() {
            return Err(located(
                "a glossary entry has no term before its colon".to_string(),
                "write the abbreviation, word or phrase before the colon, or remove the line"
                    .to_string(),
            ));
        }
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let (expansion, definition) = match value {
            glossary_map::Value::Text(t) if !t.trim().is_empty() => (Some(t), None),
            glossary_map::Value::Text(_) => {
                return Err(located(
                    format!("`{term}` has no expansion"),
                    format!(
                        "write what it stands for after the colon, e.g. `{term}: ...`, or remove the line"
                    ),
                ));
            }
            glossary_map::Value::Full {
                expansion,
                definition,
            } => {
                for (key, v) in [("expansion", &expansion), ("definition", &definition)] {
                    if v.is_some() && blank(v) {
                        return Err(located(
                            format!("the {key} of `{term}` is empty"),
                            format!("write its {key} after `{key}:`, or remove the `{key}:` line"),
                        ));
                    }
                }
                if blank(&expansion) && blank(&definition) {
                    return Err(located(
                        format!("`{term}` has neither an expansion nor a definition"),
                        "under the term, write `expansion: what the abbreviation stands for`, `definition: what it means in plain words`, or both (indented), or remove the term".to_string(),
                    ));
                }
                (expansion, definition)
            }
        };
        let definition = match definition {
            Some(md) => {
                let html = definition_html(&md);
                if let Some(href) = local_link(&html) {
                    return Err(located(
                        format!("the definition of `{term}` links to `{href}`, which is not a full address"),
                        "a glossary definition may link only to a full address (`https://...`) or an email address (`mailto:...`); link to pages of the report from the report's own text".to_string(),
                    ));
                }
                Some(html)
            }
            None => None,
        };
        let entry = GlossaryEntry {
            term: term.trim().to_string(),
            expansion: expansion.map(|e| e.trim().to_string()),
            definition,
            line,
        };
        if let Some(other) = entries.iter().find(|o| o.id() == entry.id()) {
            return Err(located(
                format!(
                    "`{}` and `{}` (line {}) would have the same id on the glossary page, `{}`",
                    entry.term,
                    other.term,
                    other.line,
                    entry.id()
                ),
                "keep one of the two terms (terms that differ only in capitals or punctuation are one term)".to_string(),
            ));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The lines (1-based) where `term` is a key of the glossary, quoted or not.
fn glossary_term_lines(text: &str, term: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let rest = l
                .strip_prefix(term)
                .or_else(|| l.strip_prefix(&format!("\"{term}\"")))
                .or_else(|| l.strip_prefix(&format!("'{term}'")));
            rest.is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// A definition's Markdown as HTML: smart punctuation, links, no raw HTML (it is
/// escaped); a single paragraph loses its `<p>`.
fn definition_html(md: &str) -> String {
    let mut o = comrak::Options::default();
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.parse.smart = true;
    let html = comrak::markdown_to_html(md.trim(), &o);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// The first link target of `html` that is not a full address (an address on
/// another site, or an email address or telephone number): such a link would
/// break on a site under a sub-path, and on the glossary page a relative one
/// means something else than in the file it was written for.
fn local_link(html: &str) -> Option<String> {
    html.split("href=\"").skip(1).find_map(|rest| {
        let href = rest.split('"').next().unwrap_or("");
        let full = ["https://", "http://", "mailto:", "tel:"]
            .iter()
            .any(|p| href.starts_with(p));
        (!full).then(|| href.replace("&amp;", "&"))
    })
}

mod glossary_map {
    //! The glossary's YAML: a map of term to entry that keeps the file's order
    //! and rejects repeats.
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

    /// The terms and their entries, in the file's order.
    pub struct Map(pub Vec<(String, Value)>);

    /// What follows a term's colon.
    pub enum Value {
        /// The expansion (empty when nothing follows the colon).
        Text(String),
        /// A map of `expansion` and `definition`.
        Full {
            expansion: Option<String>,
            definition: Option<String>,
        },
    }

    impl<'de> Deserialize<'de> for Map {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Map;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a map of terms to their expansion or definition")
                }
                fn visit_unit<E>(self) -> Result<Map, E> {
                    Ok(Map(Vec::new()))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Map, A::Error> {
                    let mut out: Vec<(String, Value)> = Vec::new();
                    while let Some(k) = a.next_key::<String>()? {
                        if out.iter().any(|(e, _)| *e == k) {
                            return Err(serde::de::Error::custom(format!(
                                "`{k}` is defined twice"
                            )));
                        }
                        let v = a.next_value::<Value>()?;
                        out.push((k, v));
                    }
                    Ok(Map(out))
                }
            }
            d.deserialize_any(V)
        }
    }

    impl<'de> Deserialize<'de> for Value {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Value;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(
                        "the expansion as text, or `expansion:` and `definition:` lines indented below the term",
                    )
                }
                fn visit_unit<E>(self) -> Result<Value, E> {
                    Ok(Value::Text(String::new()))
                }
                fn visit_none<E>(self) -> Result<Value, E> {
                    Ok(Value::Text(String::new()))
                }
                fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                    Ok(Value::Text(s.to_string()))
                }
                fn visit_string<E>(self, s: String) -> Result<Value, E> {
                    Ok(Value::Text(s))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                    let (mut expansion, mut definition) = (None, None);
                    while let Some(k) = a.next_key::<String>()? {
                        let slot = match k.as_str() {
                            "expansion" => &mut expansion,
                            "definition" => &mut definition,
                            _ => {
                                return Err(serde::de::Error::custom(format!("unknown key `{k}`")));
                            }
                        };
                        if slot.is_some() {
                            return Err(serde::de::Error::custom(format!("`{k}` is given twice")));
                        }
                        *slot = Some(a.next_value::<Option<String>>()?.unwrap_or_default());
                    }
                    Ok(Value::Full {
                        expansion,
                        definition,
                    })
                }
            }
            d.deserialize_any(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<FrontMatter, Diagnostic> {
        let s = split(text, "content/a.md")?;
        parse(&s, text, "content/a.md")
    }

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let s = split(text, "a.md").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let d = split("---\ntitle: A\n", "a.md").unwrap_err();
        assert!(d.message.contains("never closed"), "{}", d.message);
        assert_eq!(d.line, Some(1));
    }

    #[test]
    fn unknown_key_located_in_the_file_with_suggestion() {
        let d = parse_text("---\ntitle: A\ndescripton: x\n---\n").unwrap_err();
        assert_eq!(d.code, "unknown-key");
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        assert_eq!(d.help.as_deref(), Some("did you mean `description`?"));
    }

    #[test]
    fn invalid_date_located() {
        let d = parse_text("---\ntitle: A\ndate: 2017-02-30\n---\n").unwrap_err();
        assert_eq!(d.code, "invalid-date");
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("no such day"), "{}", d.message);
    }

    #[test]
    fn missing_title() {
        let d = parse_text("---\ndescription: x\n---\n").unwrap_err();
        assert_eq!(d.code, "missing-key");
        assert!(d.message.contains("`title`"));
    }

    #[test]
    fn dates_display_like_govuk() {
        let d = IsoDate::parse("2017-11-05").unwrap();
        assert_eq!(d.display(), "5 November 2017");
        assert!(IsoDate::parse("15.11.17").is_err());
    }

    #[test]
    fn glossary_terms_with_expansions_and_definitions() {
        let text = "# Terms\nSSCB: Somerset Safeguarding Children Board\n\"early help\":\n  definition: >-\n    Support for a family *as soon as* problems start,\n    before they get worse.\nSCR:\n  expansion: Serious Case Review\n  definition: A review by the [board](https://example.org/board) of what happened.\n";
        let g = parse_glossary(text, "content/glossary.yaml").expect("parses");
        let terms: Vec<(&str, Option<&str>, Option<&str>, usize)> = g
            .iter()
            .map(|e| {
                (
                    e.term.as_str(),
                    e.expansion.as_deref(),
                    e.definition.as_deref(),
                    e.line,
                )
            })
            .collect();
        assert_eq!(
            terms,
            [
                (
                    "SSCB",
                    Some("Somerset Safeguarding Children Board"),
                    None,
                    2
                ),
                (
                    "early help",
                    None,
                    Some(
                        "Support for a family <em>as soon as</em> problems start, before they get worse."
                    ),
                    3
                ),
                (
                    "SCR",
                    Some("Serious Case Review"),
                    Some(
                        "A review by the <a href=\"https://example.org/board\">board</a> of what happened."
                    ),
                    7
                ),
            ]
        );
        assert_eq!(g[1].id(), "term-early-help");
        assert_eq!(g[2].id(), "term-scr");
    }

    /// The error for `text`, as `line:column message (help)`.
    fn glossary_error(text: &str) -> String {
        let d = parse_glossary(text, "content/glossary.yaml").expect_err("an error");
        assert_eq!(
            (d.code, d.file.as_str()),
            ("glossary", "content/glossary.yaml")
        );
        format!(
            "{}:{} {} ({})",
            d.line.unwrap_or(0),
            d.column.unwrap_or(0),
            d.message,
            d.help.unwrap_or_default()
        )
    }

    #[test]
    fn malformed_glossary_entries_are_located_errors() {
        let cases = [
            (
                "SSCB: Board\nearly help:\n  defintion: Support.\n",
                "3:3 `early help`: unknown key `defintion` (did you mean `definition`?",
            ),
            (
                "SSCB: Board\nearly help:\n  - Support.\n",
                "3:3 `early help`: invalid type: a list, expected the expansion as text, or `expansion:` and `definition:` lines indented below the term",
            ),
            (
                "SSCB: Board\nearly help:\n  expansion:\n",
                "2:1 the expansion of `early help` is empty (write its expansion after `expansion:`",
            ),
            (
                "SSCB: Board\nearly help: {}\n",
                "2:1 `early help` has neither an expansion nor a definition (under the term",
            ),
            (
                "SSCB: Board\nearly help:\n  definition: See [the chapter](@/background/_index.md).\n",
                "2:1 the definition of `early help` links to `@/background/_index.md`, which is not a full address (a glossary definition may link only to a full address",
            ),
            (
                "Early help: Support.\nSSCB: Board\n\"early  help\": Help.\n",
                "3:1 `early  help` and `Early help` (line 1) would have the same id on the glossary page, `term-early-help` (keep one",
            ),
            (
                "\"\": Nothing\n",
                "1:1 a glossary entry has no term before its colon (write the",
            ),
        ];
        for (text, expected) in cases {
            let got = glossary_error(text);
            assert!(
                got.starts_with(expected),
                "{text:?}\n got: {got}\nwant: {expected}"
            );
        }
    }

    #[test]
    fn finds_values_after_a_key() {
        let text = "---\ntitle: A\nrecommendations:\n  - text: x\n    refs: [P1, P9]\n---\n";
        let s = split(text, "a").unwrap();
        assert_eq!(value_position(&s, "recommendations", "P9"), Some((5, 16)));
        assert_eq!(value_position(&s, "recommendations", "P"), None);
    }
}
