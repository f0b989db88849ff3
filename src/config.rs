//! Site settings from `config.toml` (or Zola 0.23's `zola.toml`).
//!
//! In: which settings file the site has ([`settings_file`]) and its text
//! (Zola-style keys; Zola's keys reportsite has no feature for are set aside
//! for one warning). Out: a checked [`Config`], or
//! located diagnostics (unknown key with a suggestion, wrong type, bad URL), and
//! what the settings imply for every page ([`Contact`]: where a reader asks for
//! another format).

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Result};
use crate::suggest::did_you_mean;

/// The name of the configuration file in a site folder.
pub(crate) const CONFIG_FILE: &str = "config.toml";

/// Settings of one site.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The address the site is published at, e.g. `https://example.org/reports/sscb`.
    /// Its path part is the sub-path every link starts with.
    pub base_url: String,
    /// The site's title; the report's own title wins where both exist.
    #[serde(default)]
    pub title: Option<String>,
    /// A one-sentence description for search engines and link previews.
    #[serde(default)]
    pub description: Option<String>,
    /// The language of the content, as a BCP 47 tag (`en-GB`).
    #[serde(default = "default_language")]
    pub default_language: String,
    /// The theme: a folder in `themes/` of the site or a theme built into reportsite.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Compact the HTML templates when they load (whitespace a browser does
    /// not render, and comments, taken out), so pages come out small without
    /// a pass over each. The `minify` page stage minifies each whole page too.
    #[serde(default = "yes")]
    pub minify_html: bool,
    /// Build a one-page version of the whole report at `/full-report/`, for
    /// print. Unset: only for reports of up to 100 chapters and pages (one page
    /// holding a larger site is too big to print, load or navigate).
    #[serde(default)]
    pub build_full_report: Option<bool>,
    /// Let raw HTML in Markdown through (it is escaped by default).
    #[serde(default)]
    pub allow_raw_html: bool,
    /// The order of the HTML stages run over every page (`[plugins]`).
    #[serde(default)]
    pub plugins: Plugins,
    /// The accessibility stage's settings (`[a11y]`).
    #[serde(default)]
    pub a11y: A11yConfig,
    /// Details for the accessibility statement page (`[accessibility]`).
    #[serde(default)]
    pub accessibility: Statement,
    /// The plain-English checks (`[plain_english]`).
    #[serde(default)]
    pub plain_english: crate::plain_english::PlainEnglishConfig,
    /// Free-form values for templates (`config.extra.x`).
    #[serde(default)]
    pub extra: toml::Table,
    /// The text of `config.toml`, to locate later messages about a setting.
    #[serde(skip)]
    pub source: String,
    /// The settings file's name (`config.toml` or `zola.toml`).
    #[serde(skip)]
    pub file: String,
    /// Zola keys reportsite has no feature for, with their lines and columns,
    /// in the file's order: accepted and named in one warning
    /// ([`Config::ignored_keys_warning`]).
    #[serde(skip)]
    pub ignored_keys: Vec<(String, (usize, usize))>,
    /// Where each setting is written, for later messages about it.
    #[serde(skip)]
    pub(crate) spans: Spans,
}

/// `[plugins]`: which HTML stages run, in which order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plugins {
    /// Stage names in order. Built in: `a11y`, and `minify` (minify-html over
    /// each whole page; not in the default list: it needs `minify_html = true`,
    /// and always runs last).
    #[serde(default = "default_stages")]
    pub page_stages: Vec<String>,
}

impl Default for Plugins {
    fn default() -> Self {
        Plugins {
            page_stages: default_stages(),
        }
    }
}

fn default_stages() -> Vec<String> {
    vec!["a11y".into()]
}

/// `[a11y]`: the accessibility rewrite and audit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct A11yConfig {
    /// Rule ids not to check at all.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rule ids to report as warnings instead of errors.
    #[serde(default)]
    pub warn: Vec<String>,
    /// Rule ids whose warnings do not fail a `--strict` build (as `--allow`).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Spell out each glossary abbreviation in the text at its first use on a
    /// page ("Somerset Safeguarding Children Board (SSCB)"); on by default.
    #[serde(default = "yes")]
    pub spell_out_abbreviations: bool,
    /// Add a visible "#" link to its own section inside each `h2`/`h3` of the
    /// Markdown; off by default (as Zola's `insert_anchor_links = "none"`).
    #[serde(default)]
    pub heading_anchors: bool,
}

impl Default for A11yConfig {
    fn default() -> Self {
        A11yConfig {
            ignore: Vec::new(),
            warn: Vec::new(),
            allow: Vec::new(),
            spell_out_abbreviations: true,
            heading_anchors: false,
        }
    }
}

/// `[accessibility]`: what the accessibility statement says about the publisher.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Who is responsible for the site (defaults to the report's organisation).
    #[serde(default)]
    pub organisation: Option<String>,
    /// Where to send accessibility problems and requests for other formats.
    #[serde(default)]
    pub contact_email: Option<String>,
    /// A web page for the same (a contact form), instead of or beside the email.
    #[serde(default)]
    pub contact_url: Option<String>,
    /// A telephone number for the same.
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// The last test of the site by a person (`[accessibility.manual_test]`):
    /// without one, the statement says "partially compliant", as GOV.UK's
    /// guidance asks of a site checked by machines alone.
    #[serde(default)]
    pub manual_test: Option<ManualTest>,
    /// How soon the publisher replies, e.g. "5 working days".
    #[serde(default)]
    pub response_time: Option<String>,
    /// When the statement was first prepared (YYYY-MM-DD).
    #[serde(default)]
    pub prepared: Option<String>,
    /// When it was last reviewed (YYYY-MM-DD).
    #[serde(default)]
    pub reviewed: Option<String>,
    /// When the site was last tested (YYYY-MM-DD).
    #[serde(default)]
    pub tested: Option<String>,
}

/// Where a reader asks for another format or reports a problem: from
/// `[accessibility]`, leaving out addresses at the example domains (RFC 2606),
/// which are placeholders and must never reach readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Contact {
    /// An email address.
    pub email: Option<String>,
    /// A contact page.
    pub url: Option<String>,
    /// A telephone number.
    pub phone: Option<String>,
}

impl Contact {
    /// The contact details of `config` that are real.
    pub(crate) fn of(config: &Config) -> Contact {
        let s = &config.accessibility;
        let real = |v: &Option<String>| {
            v.as_ref()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty() && !is_placeholder(v))
        };
        Contact {
            email: real(&s.contact_email),
            url: real(&s.contact_url),
            phone: s
                .contact_phone
                .as_ref()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
        }
    }

    /// Whether there is any way to get in touch.
    pub(crate) fn is_empty(&self) -> bool {
        self.email.is_none() && self.url.is_none() && self.phone.is_none()
    }

    /// A link to ask for another format of `subject` (a page or a document):
    /// an email with that subject, or the contact page. None without either.
    pub(crate) fn request_href(&self, subject: &str) -> Option<String> {
        if let Some(email) = &self.email {
            let subject = format!("Request for an accessible format: {subject}");
            let encoded =
                percent_encoding::utf8_percent_encode(&subject, percent_encoding::NON_ALPHANUMERIC);
            return Some(format!("mailto:{email}?subject={encoded}"));
        }
        self.url.clone()
    }
}

/// An address at one of the domains reserved for examples (example.org, .com,
/// .net, and their subdomains).
pub(crate) fn is_placeholder(value: &str) -> bool {
    let host = match value.rsplit_once('@') {
        Some((_, domain)) => domain,
        None => value
            .split("://")
            .nth(1)
            .unwrap_or(value)
            .split(['/', ':', '?', '#'])
            .next()
            .unwrap_or(""),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["example.org", "example.com", "example.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// `[accessibility.manual_test]`: who tested the site by hand, when, and what
/// they found.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualTest {
    /// When (YYYY-MM-DD).
    pub date: String,
    /// Who: a person, team or company.
    pub by: String,
    /// What they found, in a sentence ("no problems found", "two issues, fixed").
    pub outcome: String,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "civic".into()
}
fn yes() -> bool {
    true
}

/// Keys `config.toml` accepts, for "did you mean" suggestions.
const KNOWN_KEYS: &[&str] = &[
    "base_url",
    "title",
    "description",
    "default_language",
    "theme",
    "minify_html",
    "build_full_report",
    "allow_raw_html",
    "plugins",
    "a11y",
    "accessibility",
    "plain_english",
    "extra",
];

/// Zola 0.23's name for the settings file, read when there is no `config.toml`.
pub(crate) const ZOLA_CONFIG_FILE: &str = "zola.toml";

/// Keys of Zola 0.23's `config.toml` (and older names of them) that reportsite
/// has no feature for: accepted, so a Zola site's settings move over, and named
/// in one warning.
pub(crate) const ZOLA_ONLY_KEYS: &[&str] = &[
    "author",
    "build_search_index",
    "compile_sass",
    "exclude_paginated_pages_in_sitemap",
    "feed_filename",
    "feed_filenames",
    "feed_limit",
    "generate_feed",
    "generate_feeds",
    "generate_robots_txt",
    "generate_sitemap",
    "hard_link_static",
    "highlight_code",
    "highlight_theme",
    "ignored_content",
    "ignored_static",
    "languages",
    "link_checker",
    "markdown",
    "mode",
    "output_dir",
    "preserve_dotfiles_in_output",
    "search",
    "skip_content_templating",
    "slugify",
    "taxonomies",
    "taxonomy_root",
    "translations",
];

/// The keys of Zola's settings tables that reportsite ignores as a whole, so
/// that a misspelt key in one is still an error with "did you mean" (older
/// Zola names included: a site written for Zola 0.19 moves over too).
/// `[languages]`, `[translations]` and `[extra]` take any key.
const ZOLA_TABLES: &[(&str, &[&str])] = &[
    (
        "markdown",
        &[
            "highlighting",
            "highlight_code",
            "highlight_theme",
            "highlight_themes_css",
            "extra_syntaxes_and_themes",
            "render_emoji",
            "external_links_class",
            "external_links_target_blank",
            "external_links_no_follow",
            "external_links_no_referrer",
            "external_links_external",
            "smart_punctuation",
            "definition_list",
            "bottom_footnotes",
            "lazy_async_image",
            "insert_anchor_links",
            "github_alerts",
        ],
    ),
    (
        "markdown.highlighting",
        &[
            "error_on_missing_language",
            "style",
            "theme",
            "light_theme",
            "dark_theme",
            "extra_grammars",
            "extra_themes",
            "data_attr_position",
        ],
    ),
    (
        "link_checker",
        &[
            "skip_prefixes",
            "skip_anchor_prefixes",
            "internal_level",
            "external_level",
            "ignored_files",
        ],
    ),
    (
        "slugify",
        &["paths", "paths_keep_dates", "taxonomies", "anchors"],
    ),
    (
        "search",
        &[
            "include_title",
            "include_content",
            "truncate_content_length",
            "include_description",
            "include_date",
            "include_path",
            "index_format",
        ],
    ),
];

/// Which settings file a site folder has: `config.toml` or Zola 0.23's
/// `zola.toml`. Both at once is an error (Zola 0.23 would read `zola.toml`,
/// older Zola and reportsite's own sites `config.toml`: which one the author
/// edits cannot be guessed); neither is `config.toml`, which the caller then
/// reports missing.
pub(crate) fn settings_file(root: &std::path::Path) -> Result<&'static str> {
    let (config, zola) = (
        root.join(CONFIG_FILE).exists(),
        root.join(ZOLA_CONFIG_FILE).exists(),
    );
    match (config, zola) {
        (true, true) => Err(Error::content(vec![
            Diagnostic::error(
                "two-configs",
                ZOLA_CONFIG_FILE,
                format!("the site has both `{CONFIG_FILE}` and `{ZOLA_CONFIG_FILE}`; reportsite reads one settings file"),
            )
            .help(format!(
                "keep the one you edit and remove or rename the other (Zola 0.23 reads `{ZOLA_CONFIG_FILE}` first, older Zola `{CONFIG_FILE}`)"
            )),
        ])),
        (false, true) => Ok(ZOLA_CONFIG_FILE),
        _ => Ok(CONFIG_FILE),
    }
}

impl Config {
    /// Parses `config.toml` (or Zola's `zola.toml`) text. `file` is the name
    /// used in messages. Zola's keys that reportsite has no feature for are
    /// set aside ([`Config::ignored_keys`]); any other unknown key is an error.
    ///
    /// Every problem's kind and place come from the parsed table: its keys are
    /// checked against the keys each table accepts before serde reads it, so
    /// a serde error left is a value of the wrong type, at the value's span.
    pub fn parse(text: &str, file: &str) -> Result<Config> {
        let mut doc = toml::de::DeTable::parse(text)
            .map_err(|e| Error::content(vec![syntax_error(&e, text, file)]))?;
        let zola = ZolaKeys::set_aside(&mut doc, text, file)?;
        let spans = Spans::of(doc.get_ref(), text, file)?;
        let mut config = Config::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| {
            let mut d = Diagnostic::error("config", file, e.message().trim().to_string());
            if let Some(span) = e.span() {
                let (line, col) = line_col(text, span.start);
                d = d.at_in(text, line, col);
            }
            Error::content(vec![d.help(CHECK_THE_LINE)])
        })?;
        config.base_url = config.base_url.trim().trim_end_matches('/').to_string();
        config.source = text.to_string();
        config.file = file.to_string();
        config.ignored_keys = zola.ignored;
        // Zola's `[markdown] insert_anchor_links`, unless `[a11y]` says otherwise.
        if let Some(on) = zola.anchor_links
            && spans.line("a11y.heading_anchors").is_none()
        {
            config.a11y.heading_anchors = on;
        }
        config.check(text, file, spans.line("base_url").unwrap_or(1))?;
        config.spans = spans;
        Ok(config)
    }

    /// Checks the base URL (written on line `base_url_line`).
    fn check(&self, text: &str, file: &str, base_url_line: usize) -> Result<()> {
        let ok = self.base_url.is_empty()
            || self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://")
            || self.base_url.starts_with('/');
        if !ok {
            let line = base_url_line;
            return Err(Error::content(vec![
                Diagnostic::error(
                    "config",
                    file,
                    format!(
                        "`base_url` must be an absolute http(s) URL or a path, not `{}`",
                        self.base_url
                    ),
                )
                .at_in(text, line, 1)
                .help("write for example `base_url = \"https://example.org/reports/2017\"` or `base_url = \"/\"`"),
            ]));
        }
        Ok(())
    }

    /// One warning naming the Zola keys this site sets that reportsite does
    /// not use, at the first of them; none when there are none.
    pub(crate) fn ignored_keys_warning(&self) -> Option<Diagnostic> {
        let (_, (line, col)) = self.ignored_keys.first()?;
        let names: Vec<String> = self
            .ignored_keys
            .iter()
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        Some(
            Diagnostic::warning(
                "ignored-key",
                &self.file,
                format!(
                    "reportsite does not use these Zola settings and ignores them: {}",
                    names.join(", ")
                ),
            )
            .at_in(&self.source, *line, *col)
            .help("they are accepted so a Zola site's settings move over unchanged; remove them to silence this warning (docs/from-zola.md says what each would do)"),
        )
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub(crate) fn set_base_url(&mut self, url: &str) -> Result<()> {
        let url = url.trim().trim_end_matches('/');
        if !(url.is_empty()
            || url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with('/'))
        {
            return Err(Error::Usage(format!(
                "--base-url must be an absolute http(s) URL or a path starting with `/`, not `{url}`"
            )));
        }
        self.base_url = url.to_string();
        Ok(())
    }

    /// The path part of the base URL, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let rest = self
            .base_url
            .strip_prefix("https://")
            .or_else(|| self.base_url.strip_prefix("http://"))
            .map(|r| r.find('/').map(|i| &r[i..]).unwrap_or(""))
            .unwrap_or(&self.base_url);
        let trimmed = rest.trim_matches('/');
        if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// The scheme and host of the base URL (`https://example.org`), empty when the
    /// base URL is only a path.
    pub fn origin(&self) -> &str {
        for scheme in ["https://", "http://"] {
            if let Some(rest) = self.base_url.strip_prefix(scheme) {
                let end = rest
                    .find('/')
                    .map(|i| i + scheme.len())
                    .unwrap_or(self.base_url.len());
                return &self.base_url[..end];
            }
        }
        ""
    }
}

const CHECK_THE_LINE: &str = "check the line against the config.toml example in README.md (TOML: `key = value`, text in double quotes)";

/// A TOML syntax error, at its span. Text where a value belongs that starts
/// with a letter (`title = SSCB Annual Report`) is text without quotes.
fn syntax_error(e: &toml::de::Error, text: &str, file: &str) -> Diagnostic {
    let mut d = Diagnostic::error("config", file, e.message().trim().to_string());
    let Some(span) = e.span() else {
        return d.help(CHECK_THE_LINE);
    };
    let (line, col) = line_col(text, span.start);
    d = d.at_in(text, line, col);
    if bare_word_value(text, span.start) {
        d.help("put text in double quotes, e.g. `title = \"SSCB Annual Report 2016-17\"`")
    } else {
        d.help(CHECK_THE_LINE)
    }
}

/// Whether `offset` starts a word right after `key =` on its line.
fn bare_word_value(text: &str, offset: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..offset), text.get(offset..)) else {
        return false;
    };
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    line.trim_end().ends_with('=') && after.starts_with(|c: char| c.is_alphabetic())
}

/// The keys each table of `config.toml` accepts (by dotted path; `""` is the
/// top level). `[extra]` takes any key.
const TABLES: &[(&str, &[&str])] = &[
    ("", KNOWN_KEYS),
    ("plugins", &["page_stages"]),
    (
        "a11y",
        &[
            "ignore",
            "warn",
            "allow",
            "spell_out_abbreviations",
            "heading_anchors",
        ],
    ),
    (
        "accessibility",
        &[
            "organisation",
            "contact_email",
            "contact_url",
            "contact_phone",
            "manual_test",
            "response_time",
            "prepared",
            "reviewed",
            "tested",
        ],
    ),
    ("accessibility.manual_test", &["date", "by", "outcome"]),
    ("plain_english", crate::plain_english::settings::KEYS),
];

/// Where the settings are written in `config.toml`: the 1-based line of each
/// key read (by dotted path: `base_url`, `accessibility.contact_email`), and
/// of each key commented out in `[accessibility]` (`# contact_email = …`), so
/// later checks point at the line to fill in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spans {
    keys: std::collections::BTreeMap<String, usize>,
    commented: std::collections::BTreeMap<String, usize>,
}

impl Spans {
    /// The spans of the keys of `doc` (`text` parsed), or an error for each
    /// key no table accepts, and for a missing `base_url`.
    fn of(doc: &toml::de::DeTable<'_>, text: &str, file: &str) -> Result<Spans> {
        let mut spans = Spans::default();
        let mut unknown = Vec::new();
        spans.walk(doc, "", text, &mut unknown);
        if !unknown.is_empty() {
            unknown.sort_by_key(|(offset, _, _)| *offset);
            let problems = unknown
                .into_iter()
                .map(|(offset, key, known)| unknown_key(text, file, offset, &key, known))
                .collect();
            return Err(Error::content(problems));
        }
        if !spans.keys.contains_key("base_url") {
            return Err(Error::content(vec![
                Diagnostic::error("missing-key", file, "missing field `base_url`")
                    .at_in(text, 1, 1)
                    .help("add a line such as `base_url = \"https://example.org\"`"),
            ]));
        }
        spans.commented = commented_keys(doc, text);
        Ok(spans)
    }

    /// Records the keys of `table` (at `path`), and collects those it does
    /// not accept as (offset, key, the keys it accepts).
    fn walk(
        &mut self,
        table: &toml::de::DeTable<'_>,
        path: &str,
        text: &str,
        unknown: &mut Vec<(usize, String, &'static [&'static str])>,
    ) {
        let Some((_, known)) = TABLES.iter().find(|(p, _)| *p == path) else {
            return;
        };
        for (k, v) in table {
            let name: &str = k.get_ref();
            if !known.contains(&name) {
                unknown.push((k.span().start, name.to_string(), known));
                continue;
            }
            let full = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            self.keys
                .insert(full.clone(), line_col(text, k.span().start).0);
            if let toml::de::DeValue::Table(t) = v.get_ref() {
                self.walk(t, &full, text, unknown);
            }
        }
    }

    /// The line of the key at dotted `path`, when it is set.
    pub(crate) fn line(&self, path: &str) -> Option<usize> {
        self.keys.get(path).copied()
    }

    /// The line of `# key = …` in `[accessibility]`, when it is commented out there.
    pub(crate) fn commented_line(&self, key: &str) -> Option<usize> {
        self.commented.get(key).copied()
    }
}

/// What Zola's settings in a settings file come to.
struct ZolaKeys {
    /// The keys reportsite ignores, with their places, in the file's order.
    ignored: Vec<(String, (usize, usize))>,
    /// `[markdown] insert_anchor_links`: whether headings get an anchor link
    /// (reportsite's `[a11y] heading_anchors`).
    anchor_links: Option<bool>,
}

impl ZolaKeys {
    /// Takes Zola's keys out of `doc`; an error for each key of Zola's tables
    /// that Zola does not have, and for an `insert_anchor_links` that is not
    /// one of Zola's values. `[markdown]` is not named as ignored when
    /// `insert_anchor_links` is all it holds (that one is used).
    fn set_aside(
        doc: &mut toml::Spanned<toml::de::DeTable<'_>>,
        text: &str,
        file: &str,
    ) -> Result<ZolaKeys> {
        let (mut ignored, mut misspelt, mut anchor_links) = (Vec::new(), Vec::new(), None);
        for (k, v) in std::mem::take(doc.get_mut()) {
            let name: &str = k.get_ref();
            if !ZOLA_ONLY_KEYS.contains(&name) {
                doc.get_mut().insert(k, v);
                continue;
            }
            check_zola_table(name, v.get_ref(), &mut misspelt);
            let mut used_only = false;
            if let (true, toml::de::DeValue::Table(t)) = (name == "markdown", v.get_ref())
                && let Some((_, value)) =
                    t.iter().find(|(k, _)| k.get_ref() == "insert_anchor_links")
            {
                anchor_links = Some(anchor_links_value(value, text, file)?);
                used_only = t.len() == 1;
            }
            if !used_only {
                ignored.push((k.span().start, name.to_string()));
            }
        }
        if !misspelt.is_empty() {
            misspelt.sort_by_key(|(offset, _, _)| *offset);
            let problems = misspelt
                .into_iter()
                .map(|(offset, key, known)| unknown_key(text, file, offset, &key, known))
                .collect();
            return Err(Error::content(problems));
        }
        ignored.sort();
        let ignored = ignored
            .into_iter()
            .map(|(offset, name)| (name, line_col(text, offset)))
            .collect();
        Ok(ZolaKeys {
            ignored,
            anchor_links,
        })
    }
}

/// Zola's `insert_anchor_links` value: `none` is off; `left`, `right` and
/// `heading` are on (reportsite puts its "#" link after the heading's text).
fn anchor_links_value(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    text: &str,
    file: &str,
) -> Result<bool> {
    match value.get_ref().as_str() {
        Some("none") => Ok(false),
        Some("left" | "right" | "heading") => Ok(true),
        other => {
            let (line, col) = line_col(text, value.span().start);
            let found = other.map_or_else(
                || "a value that is not text".to_string(),
                |s| format!("`{s}`"),
            );
            Err(Error::content(vec![
                Diagnostic::error(
                    "config",
                    file,
                    format!("`insert_anchor_links` cannot be {found}"),
                )
                .at_in(text, line, col)
                .help("write one of \"none\", \"left\", \"right\" or \"heading\" (as in Zola); reportsite puts a \"#\" link after the heading's text for any but \"none\""),
            ]))
        }
    }
}

/// Collects the keys of Zola's table `path` (and the tables within) that
/// Zola does not have ([`ZOLA_TABLES`]), as (offset, key, the keys it has).
fn check_zola_table(
    path: &str,
    value: &toml::de::DeValue<'_>,
    out: &mut Vec<(usize, String, &'static [&'static str])>,
) {
    let toml::de::DeValue::Table(table) = value else {
        return;
    };
    let Some((_, known)) = ZOLA_TABLES.iter().find(|(p, _)| *p == path) else {
        return;
    };
    for (k, v) in table {
        let name: &str = k.get_ref();
        if known.contains(&name) {
            check_zola_table(&format!("{path}.{name}"), v.get_ref(), out);
        } else {
            out.push((k.span().start, name.to_string(), known));
        }
    }
}

fn unknown_key(text: &str, file: &str, offset: usize, key: &str, known: &[&str]) -> Diagnostic {
    let (line, col) = line_col(text, offset);
    let mut d = Diagnostic::error(
        "unknown-key",
        file,
        format!("unknown key `{key}` in {file}"),
    )
    .at_in(text, line, col);
    d = d.help(match did_you_mean(key, known) {
        Some(s) => format!("did you mean `{s}`? Free-form values go under `[extra]`."),
        None => format!(
            "remove it, or move it under `[extra]`; known keys: {}",
            known.join(", ")
        ),
    });
    d
}

/// Keys commented out in the `[accessibility]` table (`# contact_email = "…"`),
/// with their lines. Comments are not in the parsed table, so each comment
/// line between the table's header and the next table header (both from
/// spans) is parsed as TOML itself: a comment that is a `key = value` line
/// names the key.
fn commented_keys(
    doc: &toml::de::DeTable<'_>,
    text: &str,
) -> std::collections::BTreeMap<String, usize> {
    let mut found = std::collections::BTreeMap::new();
    let Some(table) = doc
        .iter()
        .find(|(k, _)| k.get_ref() == "accessibility")
        .map(|(_, v)| v)
    else {
        return found;
    };
    let start = table.span().start;
    if !text[start..].starts_with('[') {
        return found;
    }
    let mut headers = Vec::new();
    header_starts(doc, text, &mut headers);
    let end = headers
        .into_iter()
        .filter(|&h| h > start)
        .min()
        .unwrap_or(text.len());
    let first_line = line_col(text, start).0;
    for (i, line) in text[start..end].lines().enumerate().skip(1) {
        let Some(body) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        if let Ok(t) = toml::de::DeTable::parse(body.trim())
            && let [(k, v)] = t.get_ref().iter().collect::<Vec<_>>()[..]
            && !matches!(v.get_ref(), toml::de::DeValue::Table(_))
        {
            found
                .entry(k.get_ref().to_string())
                .or_insert(first_line + i);
        }
    }
    found
}

/// The byte offsets of every `[table]` header in `table` and the tables within.
fn header_starts(table: &toml::de::DeTable<'_>, text: &str, out: &mut Vec<usize>) {
    for v in table.values() {
        if let toml::de::DeValue::Table(t) = v.get_ref() {
            if text[v.span().start..].starts_with('[') {
                out.push(v.span().start);
            }
            header_starts(t, text, out);
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_from_url() {
        let mut c = Config::parse(
            "base_url = \"https://example.org/reports/sscb/\"",
            "config.toml",
        )
        .unwrap();
        assert_eq!(c.base_path(), "/reports/sscb/");
        assert_eq!(c.origin(), "https://example.org");
        c.set_base_url("https://example.org").unwrap();
        assert_eq!(c.base_path(), "/");
        c.set_base_url("/sub").unwrap();
        assert_eq!(c.base_path(), "/sub/");
        assert_eq!(c.origin(), "");
        assert!(c.set_base_url("example.org").is_err());
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let text = "base_url = \"/\"\nminify_htm = true\n";
        let Err(Error::Content(d)) = Config::parse(text, "config.toml") else {
            panic!("expected an error")
        };
        assert_eq!(d[0].code, "unknown-key");
        assert_eq!(d[0].line, Some(2));
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `minify_html`? Free-form values go under `[extra]`.")
        );
    }

    #[test]
    fn spans_name_set_and_commented_out_lines() {
        let text = "base_url = \"/\"\ntitle = \"x\"\n[accessibility]\n# contact_email = \"a@b\"\ntested = \"2025-01-01\"\n# not = a key\n[extra]\n# prepared = 1\n";
        let c = Config::parse(text, "config.toml").unwrap();
        assert_eq!(c.spans.line("base_url"), Some(1));
        assert_eq!(c.spans.line("accessibility"), Some(3));
        assert_eq!(c.spans.line("accessibility.tested"), Some(5));
        assert_eq!(c.spans.commented_line("contact_email"), Some(4));
        // Not in the [accessibility] table.
        assert_eq!(c.spans.commented_line("prepared"), None);
        assert_eq!(c.spans.line("accessibility.contact_email"), None);
    }

    #[test]
    fn unknown_nested_key_and_missing_base_url_come_from_the_table() {
        let text = "base_url = \"/\"\n[a11y]\nignor = []\n";
        let Err(Error::Content(d)) = Config::parse(text, "config.toml") else {
            panic!("expected an error")
        };
        assert_eq!((d[0].code, d[0].line), ("unknown-key", Some(3)));
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `ignore`? Free-form values go under `[extra]`.")
        );
        let Err(Error::Content(d)) = Config::parse("title = \"T\"\n", "config.toml") else {
            panic!("expected an error")
        };
        assert_eq!(
            (d[0].code, d[0].message.as_str()),
            ("missing-key", "missing field `base_url`")
        );
        let Err(Error::Content(d)) =
            Config::parse("base_url = \"/\"\ntitle = SSCB 2017\n", "config.toml")
        else {
            panic!("expected an error")
        };
        assert_eq!((d[0].line, d[0].column), (Some(2), Some(9)));
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("put text in double quotes")
        );
    }

    #[test]
    fn zolas_insert_anchor_links_sets_heading_anchors() {
        let parse = |extra: &str| Config::parse(&format!("base_url = \"/\"\n{extra}"), "zola.toml");
        let c = parse("[markdown]\ninsert_anchor_links = \"right\"\n").unwrap();
        assert!(c.a11y.heading_anchors);
        assert!(c.ignored_keys.is_empty(), "used, so not ignored");
        let c = parse("[markdown]\nsmart_punctuation = true\ninsert_anchor_links = \"none\"\n")
            .unwrap();
        assert!(!c.a11y.heading_anchors);
        assert_eq!(
            c.ignored_keys,
            [("markdown".to_string(), (2, 2))],
            "at the name in `[markdown]`"
        );
        let c =
            parse("[a11y]\nheading_anchors = false\n[markdown]\ninsert_anchor_links = \"left\"\n")
                .unwrap();
        assert!(!c.a11y.heading_anchors, "[a11y] wins");
        let Err(Error::Content(d)) = parse("[markdown]\ninsert_anchor_links = \"middle\"\n") else {
            panic!("expected an error")
        };
        assert_eq!(
            (d[0].message.as_str(), d[0].line, d[0].column),
            (
                "`insert_anchor_links` cannot be `middle`",
                Some(3),
                Some(23)
            )
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
