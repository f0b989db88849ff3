//! Front matter: splitting a content file and reading its YAML into typed fields.
//!
//! In: the text of one content file and its path relative to the site. Out: the
//! [`FrontMatter`] exactly as the author wrote it (no derived values) plus the
//! Markdown body and the line it starts on, or a located [`Diagnostic`]. Every line
//! and column is counted in the *content file*, not in the front-matter block.
//!
//! The YAML is read by [`crate::yaml`] into a tree of located nodes; the typed
//! fields are deserialized from it, and each error kind (unknown key, wrong
//! type, invalid date, …) becomes its diagnostic here. [`Located`] answers
//! where a key or value is, for the checks of later stages.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::Diagnostic;
use crate::suggest::did_you_mean;
use crate::yaml;

/// How a content file's front matter is written: YAML between `---` lines, or
/// TOML between `+++` lines (Zola's usual form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `---` … `---`.
    Yaml,
    /// `+++` … `+++`.
    Toml,
}

impl Format {
    /// The line that opens and closes the front matter.
    pub fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }

    /// How a key and its value are written, for help texts (`title: My page`,
    /// `title = "My page"`).
    pub(crate) fn example(self, key: &str, value: &str) -> String {
        match self {
            Format::Yaml => format!("{key}: {value}"),
            Format::Toml => format!("{key} = \"{value}\""),
        }
    }
}

/// A content file split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front matter between the fences (YAML or TOML, see `format`).
    pub yaml: &'a str,
    /// The 1-based line of the file on which the front matter starts.
    pub yaml_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// How the front matter is written.
    pub format: Format,
}

/// Splits `text` into front matter and body. A leading byte-order mark and CRLF
/// line ends are accepted.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Blank lines before the opening line are allowed, as in Zola.
    let (mut start, mut first_line) = (0, 1);
    while let Some(end) = text[start..].find('\n') {
        if !text[start..start + end].trim().is_empty() {
            break;
        }
        start += end + 1;
        first_line += 1;
    }
    let first = text[start..].lines().next().unwrap_or("");
    let format = match first.trim() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => {
            let (hint, line) = if text.trim().is_empty() {
                (
                    "the file is empty: add front matter: a line `---`, a line `title: My page`, and a closing line `---`",
                    1,
                )
            } else {
                (
                    "start the file with a line `---`, then `title: ...`, then a closing line `---` (or `+++` lines around TOML, as in Zola)",
                    first_line,
                )
            };
            return Err(Diagnostic::error(
                "front-matter",
                file,
                "missing front matter: the first line of a content file must be `---` (YAML) or `+++` (TOML)",
            )
            .at_in(text, line, 1)
            .help(hint));
        }
    };
    let fence = format.fence();
    let mut offset = start + first.len();
    offset += newline_len(&text[offset..]);
    let yaml_start = offset;
    let mut line_no = first_line + 1;
    while offset < text.len() {
        let rest = &text[offset..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..line_end].trim_end_matches('\r');
        if line.trim_end() == fence {
            let yaml = &text[yaml_start..offset];
            let after = offset + line_end + usize::from(line_end < rest.len());
            return Ok(Split {
                yaml,
                yaml_line: first_line + 1,
                body: &text[after.min(text.len())..],
                body_line: line_no + 1,
                format,
            });
        }
        offset += line_end + usize::from(line_end < rest.len());
        line_no += 1;
    }
    Err(Diagnostic::error(
        "front-matter",
        file,
        format!("front matter is never closed: no line `{fence}` after the opening one"),
    )
    .at_in(text, 1, 1)
    .help(format!(
        "add a line `{fence}` after the last front-matter field, before the Markdown"
    )))
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

    /// The kind in words, for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Chapter => "chapter",
            Kind::Page => "page",
            Kind::Priority => "priority",
            Kind::CaseReview => "case review",
        }
    }

    /// Whether a file of this kind must have a `title`: the report and the
    /// entries the report lists by name (priorities, case reviews). A chapter
    /// or page without one takes it from its first heading or its file name,
    /// as Zola allows.
    pub(crate) fn needs_title(self) -> bool {
        matches!(self, Kind::Report | Kind::Priority | Kind::CaseReview)
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
    pub(crate) fn iso(&self) -> String {
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
    /// Read as a newtype named `IsoDate`, so that an error raised here is
    /// known to be an invalid date.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = IsoDate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<IsoDate, D::Error> {
                let s = String::deserialize(d)?;
                IsoDate::parse(&s).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_newtype_struct(DATE_TYPE, V)
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
    pub(crate) fn default_label(self) -> Option<&'static str> {
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

/// The front matter of one content file, exactly as written. The keys of
/// one kind are boxed apart ([`Part`]): most files set none of them, and a
/// site of 100,000 pages keeps every file's front matter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(from = "RawFrontMatter")]
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
    /// The whole URL path from the site's root (`about/team`), instead of the
    /// one made from the folders and the file name or `slug` (Zola's `path`).
    pub path: Option<String>,
    /// A template other than the kind's default.
    pub template: Option<String>,
    /// Old URLs that should redirect here.
    pub aliases: Option<Vec<String>>,
    /// What changed at each update, newest or oldest first as written.
    pub changes: Option<Vec<Change>>,
    /// Free-form values for templates.
    pub extra: Option<Extra>,
    /// `false`: no plain-English advice on this page's body.
    pub plain_english: Option<bool>,
    /// What the file is.
    pub kind: Option<Kind>,
    /// The keys of `kind: report` (read through it as if they were here).
    pub report: Part<ReportKeys>,
    /// The keys of `kind: priority`.
    pub priority: Part<PriorityKeys>,
    /// The keys of `kind: case-review`.
    pub case_review: Part<CaseReviewKeys>,
}

/// The keys of one kind, boxed, or none set (no allocation); reads as the
/// keys themselves (`front.report.organisation`), all absent when none is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Part<T>(Option<Box<T>>);

impl<T: Default + PartialEq> Part<T> {
    /// The keys, boxed when any is set.
    fn of(keys: T) -> Part<T> {
        Part((keys != T::default()).then(|| Box::new(keys)))
    }
}

impl<T> Default for Part<T> {
    fn default() -> Self {
        Part(None)
    }
}

/// The keys of `kind: report`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportKeys {
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
}

static NO_REPORT_KEYS: ReportKeys = ReportKeys {
    short_title: None,
    organisation: None,
    presented_to: None,
    period: None,
    lead_officer: None,
    author: None,
    sign_off: None,
    strategy: None,
    recommendations: None,
    reasons: None,
    implications: None,
    documents: None,
};

impl std::ops::Deref for Part<ReportKeys> {
    type Target = ReportKeys;

    fn deref(&self) -> &ReportKeys {
        self.0.as_deref().unwrap_or(&NO_REPORT_KEYS)
    }
}

/// The keys of `kind: priority`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriorityKeys {
    /// What was done (Markdown items).
    pub what_was_done: Option<Vec<String>>,
    /// What the impact was (Markdown items).
    pub impact: Option<Vec<String>>,
    /// Next steps (Markdown items).
    pub next_steps: Option<Vec<String>>,
}

static NO_PRIORITY_KEYS: PriorityKeys = PriorityKeys {
    what_was_done: None,
    impact: None,
    next_steps: None,
};

impl std::ops::Deref for Part<PriorityKeys> {
    type Target = PriorityKeys;

    fn deref(&self) -> &PriorityKeys {
        self.0.as_deref().unwrap_or(&NO_PRIORITY_KEYS)
    }
}

/// The keys of `kind: case-review`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseReviewKeys {
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

static NO_CASE_REVIEW_KEYS: CaseReviewKeys = CaseReviewKeys {
    subject: None,
    review_type: None,
    status: None,
    harm: None,
    learning: None,
};

impl std::ops::Deref for Part<CaseReviewKeys> {
    type Target = CaseReviewKeys;

    fn deref(&self) -> &CaseReviewKeys {
        self.0.as_deref().unwrap_or(&NO_CASE_REVIEW_KEYS)
    }
}

/// The front matter as serde reads it: every key at the top level, as written
/// (the keys of each kind are then boxed in [`FrontMatter`]).
#[derive(Deserialize)]
#[serde(rename = "FrontMatter", deny_unknown_fields)]
struct RawFrontMatter {
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
    /// The whole URL path from the site's root (`about/team`), instead of the
    /// one made from the folders and the file name or `slug` (Zola's `path`).
    pub path: Option<String>,
    /// A template other than the kind's default.
    pub template: Option<String>,
    /// Old URLs that should redirect here.
    pub aliases: Option<Vec<String>>,
    /// What changed at each update, newest or oldest first as written.
    pub changes: Option<Vec<Change>>,
    /// Free-form values for templates.
    pub extra: Option<Extra>,
    /// `false`: no plain-English advice on this page's body.
    pub plain_english: Option<bool>,
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

impl From<RawFrontMatter> for FrontMatter {
    fn from(raw: RawFrontMatter) -> FrontMatter {
        let report = Part::of(ReportKeys {
            short_title: raw.short_title,
            organisation: raw.organisation,
            presented_to: raw.presented_to,
            period: raw.period,
            lead_officer: raw.lead_officer,
            author: raw.author,
            sign_off: raw.sign_off,
            strategy: raw.strategy,
            recommendations: raw.recommendations,
            reasons: raw.reasons,
            implications: raw.implications,
            documents: raw.documents,
        });
        let priority = Part::of(PriorityKeys {
            what_was_done: raw.what_was_done,
            impact: raw.impact,
            next_steps: raw.next_steps,
        });
        let case_review = Part::of(CaseReviewKeys {
            subject: raw.subject,
            review_type: raw.review_type,
            status: raw.status,
            harm: raw.harm,
            learning: raw.learning,
        });
        FrontMatter {
            title: raw.title,
            description: raw.description,
            date: raw.date,
            updated: raw.updated,
            weight: raw.weight,
            number: raw.number,
            draft: raw.draft,
            slug: raw.slug,
            path: raw.path,
            template: raw.template,
            aliases: raw.aliases,
            changes: raw.changes,
            extra: raw.extra,
            plain_english: raw.plain_english,
            kind: raw.kind,
            report,
            priority,
            case_review,
        }
    }
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
    "path",
    "template",
    "aliases",
    "changes",
    "extra",
    "kind",
    "plain_english",
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
pub(crate) const KIND_KEYS: &[(Kind, &[&str])] = &[
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

/// Keys of Zola 0.23's page and section front matter that reportsite has no
/// feature for: accepted, so a Zola site's content moves over, and named in
/// one warning per file ([`ignored_keys_warning`]). Zola's other keys (`title`,
/// `description`, `date`, `updated`, `weight`, `draft`, `slug`, `path`,
/// `aliases`, `template`, `extra`) are reportsite's own.
pub(crate) const ZOLA_ONLY_KEYS: &[&str] = &[
    "authors",
    "generate_feeds",
    "in_search_index",
    "insert_anchor_links",
    "page_template",
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "redirect_to",
    "render",
    "sort_by",
    "taxonomies",
    "transparent",
];

/// Reads the front matter of a split file into [`FrontMatter`]. Positions in
/// the returned diagnostic are lines of the whole file.
pub fn parse(split: &Split<'_>, full_text: &str, file: &str) -> Result<FrontMatter, Diagnostic> {
    parse_located(split, full_text, file).map(|p| p.front)
}

/// A front matter read: the typed fields, the tree of located keys and values
/// (see [`Located`]; YAML's, or TOML's made the same shape) without the Zola
/// keys set aside, and those keys with their places in the file.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    /// The fields.
    pub front: FrontMatter,
    /// The located tree.
    pub tree: yaml::Node,
    /// The Zola keys reportsite ignores ([`ZOLA_ONLY_KEYS`]), with their
    /// lines and columns in the file, in the file's order.
    pub ignored: Vec<(String, (usize, usize))>,
}

/// [`parse`], also returning the located tree and the Zola keys set aside.
/// `title` is not required here: whether a file needs one depends on its kind
/// ([`Kind::needs_title`]).
pub(crate) fn parse_located(
    split: &Split<'_>,
    full_text: &str,
    file: &str,
) -> Result<Parsed, Diagnostic> {
    let empty = split
        .yaml
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    let mut tree = if empty {
        yaml::Node {
            pos: yaml::Pos { line: 1, col: 1 },
            value: yaml::Value::Map(Vec::new()),
        }
    } else {
        check_nesting(split, full_text, file)?;
        match split.format {
            Format::Yaml => {
                yaml::parse(split.yaml).map_err(|e| yaml_error(e, split, full_text, file))?
            }
            Format::Toml => crate::toml_tree::parse(split.yaml)
                .map_err(|e| toml_syntax_error(e, split, full_text, file))?,
        }
    };
    let ignored = set_aside_zola_keys(&mut tree, split.yaml_line);
    let front: FrontMatter =
        yaml::from_node(&tree).map_err(|e| yaml_error(e, split, full_text, file))?;
    Ok(Parsed {
        front,
        tree,
        ignored,
    })
}

/// Takes Zola's keys that reportsite does not use ([`ZOLA_ONLY_KEYS`]) out of
/// the top level of `tree`; returns them with their places in the file.
fn set_aside_zola_keys(tree: &mut yaml::Node, yaml_line: usize) -> Vec<(String, (usize, usize))> {
    let mut ignored = Vec::new();
    if let yaml::Value::Map(entries) = &mut tree.value {
        entries.retain(|(k, _)| match k.as_str() {
            Some(name) if ZOLA_ONLY_KEYS.contains(&name) => {
                ignored.push((name.to_string(), (yaml_line + k.pos.line - 1, k.pos.col)));
                false
            }
            _ => true,
        });
    }
    ignored
}

/// The one warning naming the Zola keys a content file sets that reportsite
/// ignores, at the first of them; none when there are none.
pub(crate) fn ignored_keys_warning(
    ignored: &[(String, (usize, usize))],
    full_text: &str,
    file: &str,
) -> Option<Diagnostic> {
    let (_, (line, col)) = ignored.first()?;
    let names: Vec<String> = ignored.iter().map(|(k, _)| format!("`{k}`")).collect();
    Some(
        Diagnostic::warning(
            "ignored-key",
            file,
            format!(
                "reportsite does not use these Zola front-matter keys and ignores them: {}",
                names.join(", ")
            ),
        )
        .at_in(full_text, *line, *col)
        .help("they are accepted so a Zola site's content moves over unchanged; remove them to silence this warning (docs/from-zola.md says what each would do)"),
    )
}

/// The error for a file whose kind needs a title and has none (or an empty
/// one), at its `title` key when there is one, else at the first line.
pub(crate) fn missing_title(
    located: Located<'_>,
    kind: Kind,
    format: Format,
    full_text: &str,
    file: &str,
) -> Diagnostic {
    let (line, col) = located.key("title").unwrap_or((1, 1));
    Diagnostic::error(
        "missing-key",
        file,
        format!("missing required key `title` (a {} needs one)", kind.noun()),
    )
    .at_in(full_text, line, col)
    .help(format!(
        "add a line such as `{}` to the front matter",
        format.example("title", "Background")
    ))
}

/// A TOML front matter that does not parse, at its place in the file.
fn toml_syntax_error(
    e: crate::toml_tree::SyntaxError,
    split: &Split<'_>,
    full_text: &str,
    file: &str,
) -> Diagnostic {
    let line = split.yaml_line + e.pos.line - 1;
    let line_text = full_text.lines().nth(line - 1).unwrap_or("");
    let before: String = line_text.chars().take(e.pos.col - 1).collect();
    let after: String = line_text.chars().skip(e.pos.col - 1).collect();
    let bare_word = before.trim_end().ends_with('=') && after.starts_with(char::is_alphabetic);
    let help = if bare_word {
        let key = before.trim_end().trim_end_matches('=').trim();
        format!(
            "put text in double quotes, e.g. `{key} = \"{}\"`",
            after.trim().replace('"', "\\\"")
        )
    } else {
        "this is not valid TOML: write `key = value`, text in double quotes, lists as `[\"a\", \"b\"]`, and tables as `[extra]` lines".to_string()
    };
    Diagnostic::error("toml", file, e.message)
        .at_in(full_text, line, e.pos.col)
        .help(help)
}

/// The located diagnostic for a YAML error of a front matter: each kind of
/// [`yaml::ErrorKind`] has its code, message and help.
fn yaml_error(e: yaml::Error, split: &Split<'_>, full_text: &str, file: &str) -> Diagnostic {
    let (line, col) = e
        .pos
        .map(|p| (split.yaml_line + p.line - 1, p.col))
        .unwrap_or((split.yaml_line, 1));
    let path = readable_path(&e.path);
    let said = e.to_string();
    let kind_is_type = matches!(e.kind, yaml::ErrorKind::InvalidType { .. });
    let d = |code: &'static str, message: String| {
        Diagnostic::error(code, file, message).at_in(full_text, line, col)
    };
    let prefixed = |m: String| {
        if path.is_empty() {
            m
        } else {
            format!("{path}: {m}")
        }
    };
    match e.kind {
        yaml::ErrorKind::UnknownField { field, expected } => {
            unknown_key(d("unknown-key", String::new()), &field, expected, &path)
        }
        yaml::ErrorKind::UnknownVariant { variant, expected } => {
            let field = if path.is_empty() { "value" } else { &path };
            let help = match did_you_mean(&variant, expected) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", expected.join(", ")),
            };
            d("invalid-value", format!("{field} cannot be `{variant}`")).help(help)
        }
        yaml::ErrorKind::Custom(m) if e.newtype == Some(DATE_TYPE) => {
            let message = date_message(&e.path, m);
            d("invalid-date", message).help("write the date as YYYY-MM-DD, e.g. 2017-11-15")
        }
        yaml::ErrorKind::InvalidType {
            unexpected,
            expected,
        }
        | yaml::ErrorKind::InvalidValue {
            unexpected,
            expected,
        } => {
            let what = match kind_is_type {
                true => "invalid type",
                false => "invalid value",
            };
            let (unexpected, expected) = (readable_type(&unexpected), readable_type(&expected));
            let message = format!("{what}: {unexpected}, expected {expected}");
            d("wrong-type", prefixed(message)).help(wrong_type_help(expected))
        }
        yaml::ErrorKind::MissingField(field) => {
            d("missing-key", prefixed(format!("missing field `{field}`")))
                .help(format!("add `{field}:` to this item"))
        }
        yaml::ErrorKind::DuplicateKey { key, first, .. } => d(
            "duplicate-key",
            format!(
                "the key `{key}` appears twice (first on line {})",
                split.yaml_line + first.line - 1
            ),
        )
        .help("each key may appear only once; remove or merge one of them"),
        yaml::ErrorKind::TooDeep | yaml::ErrorKind::TooLarge => {
            d("yaml", said).help("the front matter nests or repeats too deeply; simplify it")
        }
        kind @ (yaml::ErrorKind::Syntax(_)
        | yaml::ErrorKind::Documents
        | yaml::ErrorKind::Custom(_)) => {
            let message = match kind {
                yaml::ErrorKind::Syntax(m) => m,
                _ => prefixed(said),
            };
            let line_text = full_text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            syntax_error(d("yaml", message), line_text, full_text, line)
        }
    }
}

/// The message of an invalid date at `path`: it names the date itself, so the
/// path stops at the map the date is in.
fn date_message(path: &[yaml::Step], m: String) -> String {
    let within = match path.split_last() {
        Some((yaml::Step::Key(_), up)) => readable_path(up),
        _ => readable_path(path),
    };
    if within.is_empty() {
        m
    } else {
        format!("{within}: {m}")
    }
}

/// The type name of [`IsoDate`] as serde gives it: an error raised while one is
/// read is an invalid date.
const DATE_TYPE: &str = "IsoDate";

/// An unknown key at `path` (empty at the top level), with the keys allowed there.
fn unknown_key(d: Diagnostic, key: &str, expected: &[&str], path: &str) -> Diagnostic {
    let top_level = path.is_empty();
    let message = if top_level {
        format!("unknown key `{key}` in front matter")
    } else {
        format!("unknown key `{key}` in {path}")
    };
    // At the top level a misspelt Zola key is suggested too (it is accepted).
    let mut candidates = expected.to_vec();
    if top_level {
        candidates.extend_from_slice(ZOLA_ONLY_KEYS);
    }
    let help = match (did_you_mean(key, &candidates), top_level) {
        (Some(s), _) => format!("did you mean `{s}`?"),
        (None, true) => "remove it, or put free-form values under `extra:`".to_string(),
        (None, false) if expected.is_empty() => "remove it".to_string(),
        (None, false) => format!("expected one of: {}", expected.join(", ")),
    };
    Diagnostic {
        code: "unknown-key",
        message,
        ..d
    }
    .help(help)
}

/// The help for a value of the wrong type, from what was expected.
fn wrong_type_help(expected: &str) -> String {
    match expected {
        "a string" => "write the value as text; put it in quotes if it contains `: ` or starts with a special character".to_string(),
        "a list" => "write a list: one item per line, each starting with `- `, or `[a, b]`".to_string(),
        "`true` or `false`" => "write `true` or `false` (YAML here does not read `yes` or `no`)".to_string(),
        "a whole number" => "write a whole number without units or quotes, e.g. `2` (sizes in bytes: `2400000`)".to_string(),
        _ => match STRUCT_SHAPES.iter().find(|(name, _)| *name == expected) {
            Some((_, shape)) => format!("write it as {shape}"),
            None => "check the value's type against the front-matter reference in README.md".to_string(),
        },
    }
}

/// The help for YAML that does not parse, from the line it stops on: what
/// usually causes it.
fn syntax_error(d: Diagnostic, line_text: &str, full_text: &str, line: usize) -> Diagnostic {
    if let Some(tab) = line_text.find('\t') {
        let col = line_text[..tab].chars().count() + 1;
        return d
            .at_in(full_text, line, col)
            .help("YAML does not allow tabs for indentation: indent with spaces");
    }
    if let Some((key_part, value)) = line_text.split_once(": ") {
        let v = value.trim_start();
        if v.starts_with(['*', '&', '!', '%', '@', '`']) {
            let c = key_part.chars().count() + 2 + (value.chars().count() - v.chars().count()) + 1;
            return d.at_in(full_text, line, c).help(format!(
                "a value starting with `{}` has a special meaning in YAML: put the whole value in quotes, e.g. `{}: \"{}\"`",
                &v[..1],
                key_part.trim(),
                v.replace('"', "\\\"")
            ));
        }
    }
    if let Some((key, value)) = line_text.split_once(": ")
        && value.contains(": ")
        && !key.trim_start().starts_with('-')
        && !value.trim_start().starts_with(['"', '\'', '[', '{'])
    {
        return d.help(format!(
            "a value that contains `: ` must be in quotes: `{}: \"{}\"`",
            key.trim(),
            value.trim().replace('"', "\\\"")
        ));
    }
    let looks_like_prose = !line_text.trim().is_empty()
        && !line_text.starts_with([' ', '-', '#'])
        && !line_text.contains(':');
    if looks_like_prose {
        return d.help(
            "this line does not look like front matter: did you forget the closing `---` line before the Markdown?",
        );
    }
    d.help(
        "this is not valid YAML; check the indentation, and quote values that contain `: ` or start with `*`, `&`, `!`, `%`, `@` or a backtick",
    )
}

/// The deepest nesting of `[` and `{` front matter may use, checked on the text
/// before parsing, so a pathological line costs one pass over it.
const MAX_NESTING: usize = yaml::MAX_DEPTH;

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

/// serde's name of a type or value (`i64`, `sequence`, `struct Period`) in words
/// an author knows.
fn readable_type(name: &str) -> &str {
    match name {
        "i64" | "u64" => "a whole number",
        "a boolean" => "`true` or `false`",
        "a sequence" | "sequence" => "a list",
        "map" => "a map",
        "struct Period" => "a period",
        "struct Person" => "a person",
        "struct SignOff" => "a sign-off",
        "struct StrategyItem" => "a strategy item",
        "struct Recommendation" => "a recommendation",
        "struct Implication" => "an implication",
        "struct Document" => "a document",
        "struct FrontMatter" => "`key: value` lines",
        other => other,
    }
}

/// A path of keys and items as the author reads it: a top-level key as it is
/// (`draft`), a deeper one as "`sign_off` item 2, `name`".
fn readable_path(path: &[yaml::Step]) -> String {
    if let [yaml::Step::Key(k)] = path {
        return k.clone();
    }
    let mut out = String::new();
    for step in path {
        match step {
            yaml::Step::Key(k) => {
                if !out.is_empty() {
                    out.push_str(", ");
                }
                out.push_str(&format!("`{k}`"));
            }
            yaml::Step::Index(i) => out.push_str(&format!(" item {}", i + 1)),
        }
    }
    out
}

/// The character column of a 1-based byte column on a 1-based line.
pub(crate) fn char_column(text: &str, line: usize, byte_col: usize) -> usize {
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let mut b = byte_col.saturating_sub(1).min(l.len());
    while !l.is_char_boundary(b) {
        b -= 1;
    }
    l[..b].chars().count() + 1
}

/// The keys and values of one front matter with their places in the file: the
/// YAML's tree ([`yaml::Node`]) and the file line the YAML starts on.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    tree: &'a yaml::Node,
    yaml_line: usize,
}

impl<'a> Located<'a> {
    /// The tree of a front matter whose YAML starts on file line `yaml_line`.
    pub fn new(tree: &'a yaml::Node, yaml_line: usize) -> Self {
        Located { tree, yaml_line }
    }

    fn in_file(&self, p: yaml::Pos) -> (usize, usize) {
        (self.yaml_line + p.line - 1, p.col)
    }

    /// The 1-based line and column in the file of a top-level key.
    pub fn key(&self, key: &str) -> Option<(usize, usize)> {
        self.tree.entry(key).map(|(k, _)| self.in_file(k.pos))
    }

    /// The top-level keys, with their places in the file, in the file's order.
    pub fn keys(&self) -> impl Iterator<Item = (&'a str, (usize, usize))> + '_ {
        self.tree
            .entries()
            .iter()
            .filter_map(|(k, _)| Some((k.as_str()?, self.in_file(k.pos))))
    }

    /// The place of the value at `path` (keys and list indices from the top).
    pub fn value(&self, path: &[yaml::Step]) -> Option<(usize, usize)> {
        let mut node = self.tree;
        for step in path {
            node = match step {
                yaml::Step::Key(k) => node.entry(k)?.1,
                yaml::Step::Index(i) => node.items().get(*i)?,
            };
        }
        Some(self.in_file(node.pos))
    }

    /// The place of the first scalar under top-level `key` whose text, trimmed,
    /// is `text` (an alias, a document's `href`).
    pub(crate) fn scalar_under(&self, key: &str, text: &str) -> Option<(usize, usize)> {
        fn find<'n>(node: &'n yaml::Node, text: &str) -> Option<&'n yaml::Node> {
            match &node.value {
                yaml::Value::Scalar { text: t, .. } => (t.trim() == text).then_some(node),
                yaml::Value::Seq(items) => items.iter().find_map(|n| find(n, text)),
                yaml::Value::Map(entries) => entries.iter().find_map(|(_, v)| find(v, text)),
            }
        }
        let (_, value) = self.tree.entry(key)?;
        find(value, text).map(|n| self.in_file(n.pos))
    }
}

/// The free-form values of `extra:`, kept as templates see them: read as JSON
/// (maps sorted by key) and converted to a template value once, when the file
/// is read, so a page shares it instead of converting it again (a map of a
/// few keys is half the size this way).
#[derive(Debug, Clone, PartialEq)]
pub struct Extra(tera::Value);

impl Extra {
    /// The values as templates see them.
    pub fn value(&self) -> &tera::Value {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(d)?;
        tera::Value::try_from_serializable(&json)
            .map(Extra)
            .map_err(serde::de::Error::custom)
    }
}

/// The free-form `extra` values for templates: an empty map when there are none.
pub(crate) fn extra_value(extra: &Option<Extra>) -> tera::Value {
    match extra {
        None => tera::Value::from(tera::Map::new()),
        Some(v) => v.0.clone(),
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
    let tree = yaml::parse(text).map_err(|e| glossary_error(e, text, file))?;
    let map: glossary_map::Map =
        yaml::from_node(&tree).map_err(|e| glossary_error(e, text, file))?;
    let mut entries: Vec<GlossaryEntry> = Vec::with_capacity(map.0.len());
    for ((term, value), (key, _)) in map.0.into_iter().zip(tree.entries()) {
        let entry = glossary_entry(term, value, key.pos.line, text, file)?;
        if let Some(other) = entries.iter().find(|o| o.id() == entry.id()) {
            return Err(Diagnostic::error(
                "glossary",
                file,
                format!(
                    "`{}` and `{}` (line {}) would have the same id on the glossary page, `{}`",
                    entry.term,
                    other.term,
                    other.line,
                    entry.id()
                ),
            )
            .at_in(text, entry.line, 1)
            .help("keep one of the two terms (terms that differ only in capitals or punctuation are one term)"));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The located diagnostic for a glossary that does not read.
fn glossary_error(e: yaml::Error, text: &str, file: &str) -> Diagnostic {
    let help = "write one term per line, `SSCB: Somerset Safeguarding Children Board`, or a term with a definition:\n`early help:` then, indented below it, `definition: what it means in plain words`";
    let pos = e.pos.unwrap_or(yaml::Pos { line: 1, col: 1 });
    // An error at the end of the file is reported on the line after the last
    // one, which has no text to show: point at the end of the last line.
    let last = text.lines().count().max(1);
    let (line, col) = if pos.line > last {
        let width = text.lines().last().map_or(0, |l| l.chars().count());
        (last, width + 1)
    } else {
        (pos.line, pos.col)
    };
    let term = match e.path.first() {
        Some(yaml::Step::Key(k)) => format!("`{k}`: "),
        _ => String::new(),
    };
    let (message, help) = match &e.kind {
        yaml::ErrorKind::DuplicateKey {
            key,
            first,
            nested: false,
        } => {
            let message = format!("`{key}` is defined twice (first on line {})", first.line);
            return Diagnostic::error("glossary", file, message)
                .at_in(text, pos.line, 1)
                .help("keep one of the two lines");
        }
        yaml::ErrorKind::DuplicateKey { key, .. } => {
            (format!("`{key}` is given twice"), "keep one of the two lines".to_string())
        }
        yaml::ErrorKind::UnknownField { field, .. } => (
            format!("{term}unknown key `{field}`"),
            match did_you_mean(field, GLOSSARY_KEYS) {
                Some(s) => format!("did you mean `{s}`? A term given as a map may have `expansion` (what an abbreviation stands for) and `definition` (what it means)"),
                None => "a term given as a map may have only `expansion` (what an abbreviation stands for) and `definition` (what it means)".to_string(),
            },
        ),
        yaml::ErrorKind::InvalidType { unexpected, expected } => (
            format!("{term}invalid type: {}, expected {}", readable_type(unexpected), readable_type(expected)),
            help.to_string(),
        ),
        _ => (format!("{term}{e}"), help.to_string()),
    };
    Diagnostic::error("glossary", file, message)
        .at_in(text, line, col)
        .help(help)
}

/// One entry of the glossary, checked: a term, and an expansion or a definition
/// whose links are full addresses.
fn glossary_entry(
    term: String,
    value: glossary_map::Value,
    line: usize,
    text: &str,
    file: &str,
) -> Result<GlossaryEntry, Diagnostic> {
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
    Ok(GlossaryEntry {
        term: term.trim().to_string(),
        expansion: expansion.map(|e| e.trim().to_string()),
        definition,
        line,
    })
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
    pub(super) struct Map(pub Vec<(String, Value)>);

    /// What follows a term's colon.
    pub(super) enum Value {
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
                    // A term given twice is refused when the tree is made.
                    while let Some(k) = a.next_key::<String>()? {
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
                        // A key given twice is refused when the tree is made.
                        let slot = match k.as_str() {
                            "expansion" => &mut expansion,
                            "definition" => &mut definition,
                            _ => {
                                return Err(serde::de::Error::unknown_field(
                                    &k,
                                    super::GLOSSARY_KEYS,
                                ));
                            }
                        };
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
    fn blank_lines_may_come_before_the_front_matter() {
        let text = "\n  \n+++\ntitle = \"A\"\nweight = x\n+++\nBody\n";
        let s = split(text, "a.md").unwrap();
        assert_eq!((s.yaml_line, s.body_line, s.body), (4, 7, "Body\n"));
        let d = parse_text(text).unwrap_err();
        assert_eq!((d.line, d.column), (Some(5), Some(10)));
        let d = split("\n\n# Title\n", "a.md").unwrap_err();
        assert_eq!(d.line, Some(3));
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
    fn title_is_not_required_when_parsing() {
        let f = parse_text("---\ndescription: x\n---\n").expect("parses");
        assert_eq!(f.title, None);
        let f = parse_text("+++\n+++\nBody\n").expect("an empty TOML front matter parses");
        assert_eq!(f, FrontMatter::default());
    }

    #[test]
    fn toml_front_matter_reads_as_yaml_does() {
        let toml = "+++\ntitle = \"A\"\ndate = 2017-11-15\nweight = 2\naliases = [\"/old/\"]\n[extra]\nk = 1\n+++\nBody\n";
        let yaml = "---\ntitle: A\ndate: 2017-11-15\nweight: 2\naliases: [/old/]\nextra:\n  k: 1\n---\nBody\n";
        let s = split(toml, "a.md").unwrap();
        assert_eq!((s.format, s.body, s.body_line), (Format::Toml, "Body\n", 9));
        assert_eq!(parse_text(toml).unwrap(), parse_text(yaml).unwrap());
    }

    #[test]
    fn toml_errors_are_located_in_the_file() {
        let d = parse_text("+++\ntitle = \"A\"\nweight = \"two\"\n+++\n").unwrap_err();
        assert_eq!(
            (d.code, d.line, d.column),
            ("wrong-type", Some(3), Some(10))
        );
        let d = parse_text("+++\ntitle = \"A\"\ndescripton = \"x\"\n+++\n").unwrap_err();
        assert_eq!(
            (d.code, d.line, d.column),
            ("unknown-key", Some(3), Some(1))
        );
        assert_eq!(d.help.as_deref(), Some("did you mean `description`?"));
        let d = parse_text("+++\ntitle = A page\n+++\n").unwrap_err();
        assert_eq!((d.code, d.line, d.column), ("toml", Some(2), Some(9)));
        assert_eq!(
            d.help.as_deref(),
            Some("put text in double quotes, e.g. `title = \"A page\"`")
        );
        let d = split("+++\ntitle = \"A\"\n---\n", "a.md").unwrap_err();
        assert!(d.message.contains("no line `+++`"), "{}", d.message);
    }

    #[test]
    fn zola_keys_are_set_aside_and_a_misspelt_one_is_suggested() {
        let text = "+++\ntitle = \"A\"\nsort_by = \"date\"\n  paginate_by = 5\n+++\n";
        let s = split(text, "a.md").unwrap();
        let p = parse_located(&s, text, "a.md").unwrap();
        assert_eq!(
            p.ignored,
            [
                ("sort_by".to_string(), (3, 1)),
                ("paginate_by".to_string(), (4, 3))
            ]
        );
        assert!(p.tree.entry("sort_by").is_none());
        let w = ignored_keys_warning(&p.ignored, text, "a.md").expect("a warning");
        assert_eq!(
            (w.code, w.line, w.column),
            ("ignored-key", Some(3), Some(1))
        );
        assert!(
            w.message.ends_with("`sort_by`, `paginate_by`"),
            "{}",
            w.message
        );
        let d = parse_text("---\ntitle: A\nsort_bi: date\n---\n").unwrap_err();
        assert_eq!(d.help.as_deref(), Some("did you mean `sort_by`?"));
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
    fn finds_values_under_a_key() {
        let text = "---\ntitle: A\nrecommendations:\n  - text: x\n    refs: [P1, P9]\n---\n";
        let s = split(text, "a").unwrap();
        let tree = parse_located(&s, text, "a").unwrap().tree;
        let at = Located::new(&tree, s.yaml_line);
        assert_eq!(at.scalar_under("recommendations", "P9"), Some((5, 16)));
        assert_eq!(at.scalar_under("recommendations", "P"), None);
        assert_eq!(at.key("recommendations"), Some((3, 1)));
    }
}
