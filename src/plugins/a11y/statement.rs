//! The accessibility statement, built from this build's own audit.
//!
//! In: `[accessibility]` from `config.toml`, the report, and the findings of the
//! HTML stages. Out: a [`Statement`] view for the `accessibility.html` template
//! (following the headings of the UK public sector model statement), and a
//! warning for each contact detail or date still to fill in, at the line of
//! `config.toml` to uncomment (so `--strict` builds fail until they are filled
//! in), and an error for a date that is not a date.

use serde::Serialize;

use super::RULES;
use crate::config::{CONFIG_FILE, Config, Contact, is_placeholder};
use crate::error::{Diagnostic, Severity};
use crate::frontmatter::IsoDate;
use crate::model::Report;
use crate::render::DateView;

/// One rule of the audit, as the statement lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// The rule's id.
    pub id: &'static str,
    /// The WCAG success criterion, when there is one.
    pub wcag: Option<&'static str>,
    /// What it checks.
    pub checks: &'static str,
    /// The W3C ACT rule(s) it implements, when there is one.
    pub act: Option<&'static str>,
    /// How many findings this build has for it.
    pub count: usize,
}

/// A problem that stays on the site (a warning the build let through).
#[derive(Debug, Clone, Serialize)]
pub struct KnownIssue {
    /// What is wrong.
    pub message: String,
    /// Where (a page URL path).
    pub page: Option<String>,
    /// The WCAG success criterion.
    pub wcag: Option<&'static str>,
}

/// A manual test of the site, as the statement shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ManualTestView {
    /// When.
    pub date: Option<DateView>,
    /// Who.
    pub by: String,
    /// What they found.
    pub outcome: String,
}

/// What `accessibility.html` sees as `statement`.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// Who is responsible for the site.
    pub organisation: String,
    /// Contact email (none when only a placeholder was given).
    pub contact_email: Option<String>,
    /// Contact page.
    pub contact_url: Option<String>,
    /// "Request an accessible format" for the site: a mailto link or the contact
    /// page, or none.
    pub request_href: Option<String>,
    /// The last test by a person, if any.
    pub manual_test: Option<ManualTestView>,
    /// `fully` (a manual test recorded and no error found), `partially`
    /// (otherwise, with the audit on), or `not-assessed` (the audit off).
    pub compliance: &'static str,
    /// Contact telephone.
    pub contact_phone: Option<String>,
    /// How soon they reply.
    pub response_time: Option<String>,
    /// When the statement was prepared.
    pub prepared: Option<DateView>,
    /// When it was last reviewed.
    pub reviewed: Option<DateView>,
    /// When the site was last tested.
    pub tested: Option<DateView>,
    /// Pages checked by this build's audit.
    pub pages_checked: usize,
    /// Whether the audit ran at all.
    pub audited: bool,
    /// Error-level findings of this build.
    pub errors: usize,
    /// Warnings of this build.
    pub warnings: usize,
    /// Whether the site may say it is fully compliant: the audit found no
    /// error and a person has tested it (`compliance == "fully"`).
    pub compliant: bool,
    /// The rules checked, with their counts.
    pub rules: Vec<RuleView>,
    /// Problems still on the site.
    pub known_issues: Vec<KnownIssue>,
    /// The tool and version that checked the site.
    pub checked_by: String,
    /// Problems with the statement's own details.
    #[serde(skip)]
    pub problems: Vec<Diagnostic>,
}

impl Statement {
    /// Builds the statement from the configuration and the findings.
    pub fn new(
        config: &Config,
        report: &Report,
        findings: &[Diagnostic],
        pages: usize,
        audited: bool,
    ) -> Statement {
        let s = &config.accessibility;
        let mut check = Settings {
            config,
            page: format!("{}accessibility/", config.base_path()),
            problems: Vec::new(),
        };
        let contact = Contact::of(config);
        let placeholders = check.placeholders();
        if contact.is_empty() && !placeholders {
            check.missing("contact_email", "a way to contact the publisher");
        }
        let prepared = check.date("prepared", &s.prepared, "the date it was prepared");
        let reviewed = check.date("reviewed", &s.reviewed, "the date it was last reviewed");
        let tested = check.date("tested", &s.tested, "the date the site was last tested");
        let manual_test = check.manual_test();
        let problems = check.problems;
        let errors = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = findings.len() - errors;
        let compliance = match (audited, errors == 0 && manual_test.is_some()) {
            (false, _) => "not-assessed",
            (true, true) => "fully",
            (true, false) => "partially",
        };
        let request_href = contact.request_href("the accessibility statement");
        Statement {
            contact_url: contact.url.clone(),
            request_href,
            manual_test,
            compliance,
            organisation: s
                .organisation
                .clone()
                .or_else(|| report.root().source.front.report.organisation.clone())
                .or_else(|| config.title.clone())
                .unwrap_or_else(|| report.root().title().to_string()),
            contact_email: contact.email.clone(),
            contact_phone: s.contact_phone.clone(),
            response_time: s.response_time.clone(),
            prepared,
            reviewed,
            tested,
            pages_checked: pages,
            audited,
            errors,
            warnings,
            compliant: compliance == "fully",
            rules: RuleView::all(findings),
            known_issues: KnownIssue::all(findings),
            checked_by: format!("reportsite {}", env!("CARGO_PKG_VERSION")),
            problems,
        }
    }
}

impl RuleView {
    /// Every rule of the audit, with this build's count of its findings.
    fn all(findings: &[Diagnostic]) -> Vec<RuleView> {
        RULES
            .iter()
            .map(|r| RuleView {
                id: r.id(),
                wcag: r.criterion(),
                checks: r.checks(),
                act: r.act(),
                count: findings.iter().filter(|d| d.code == r.id()).count(),
            })
            .collect()
    }
}

impl KnownIssue {
    /// The findings that stay on the site (not the statement's own).
    fn all(findings: &[Diagnostic]) -> Vec<KnownIssue> {
        findings
            .iter()
            .filter(|d| !d.code.starts_with("statement"))
            .map(|d| KnownIssue {
                message: d.message.clone(),
                page: d.page.clone(),
                wcag: d.wcag,
            })
            .collect()
    }
}

/// Checks of `[accessibility]`: what is still to fill in (warnings at the
/// line to uncomment), placeholders, and dates that are not dates (errors).
struct Settings<'a> {
    config: &'a Config,
    /// The statement page's path, named in each problem.
    page: String,
    problems: Vec<Diagnostic>,
}

impl Settings<'_> {
    const WHY: &'static str =
        "UK public sector bodies must say how to contact them and when the site was tested";

    /// `key` is not set: a warning at the line to uncomment, else at the
    /// `[accessibility]` header, else at the file.
    fn missing(&mut self, key: &str, what: &str) {
        let why = Self::WHY;
        let d = Diagnostic::warning(
            "statement",
            CONFIG_FILE,
            format!(
                "the accessibility statement needs {what}: `{key}` is not set in `[accessibility]`"
            ),
        );
        let source = &self.config.source;
        let spans = &self.config.spans;
        let set = spans.line(&format!("accessibility.{key}"));
        let mut d = match (set, spans.commented_line(key)) {
            (Some(line), _) => d
                .at_in(source, line, 1)
                .help(format!("give `{key}` a value before you publish")),
            (None, Some(line)) => d.at_in(source, line, 1).help(format!(
                "uncomment this line (remove the `#`) and fill in `{key}` before you publish: {why}"
            )),
            (None, None) => match spans.line("accessibility") {
                Some(line) => d.at_in(source, line, 1).help(format!(
                    "add a line `{key} = \"...\"` under `[accessibility]` before you publish: {why}"
                )),
                None => d.help(format!(
                    "add `[accessibility]` to config.toml with `{key} = \"...\"` before you publish: {why}"
                )),
            },
        };
        d.page = Some(self.page.clone());
        self.problems.push(d);
    }

    /// A contact at an example domain: a warning, and it is not shown.
    /// Whether there was one.
    fn placeholders(&mut self) -> bool {
        let mut found = false;
        let s = &self.config.accessibility;
        for (key, value, what) in [
            ("contact_email", &s.contact_email, "address"),
            ("contact_url", &s.contact_url, "contact page"),
        ] {
            let Some(v) = value.as_deref().filter(|v| is_placeholder(v)) else {
                continue;
            };
            found = true;
            let mut d = Diagnostic::warning(
                "statement",
                CONFIG_FILE,
                format!(
                    "`[accessibility] {key}` is a placeholder (`{v}`): it is not shown to readers"
                ),
            )
            .help(format!(
                "give the real {what} before you publish, or remove the line"
            ));
            if let Some(line) = self.setting_line(key) {
                d = d.at_in(&self.config.source, line, 1);
            }
            d.page = Some(self.page.clone());
            self.problems.push(d);
        }
        found
    }

    /// A date of the statement: missing (a warning) or not a date (an error).
    fn date(&mut self, key: &'static str, value: &Option<String>, what: &str) -> Option<DateView> {
        let Some(v) = value else {
            self.missing(key, what);
            return None;
        };
        match IsoDate::parse(v) {
            Ok(d) => Some((&d).into()),
            Err(e) => {
                let line = self.setting_line(key);
                self.bad_date(format!("`[accessibility] {key}`: {e}"), line);
                None
            }
        }
    }

    /// `[accessibility.manual_test]`, its date checked.
    fn manual_test(&mut self) -> Option<ManualTestView> {
        let m = self.config.accessibility.manual_test.as_ref()?;
        let date = match IsoDate::parse(&m.date) {
            Ok(d) => Some((&d).into()),
            Err(e) => {
                let line = self.setting_line("manual_test");
                self.bad_date(format!("`[accessibility.manual_test] date`: {e}"), line);
                None
            }
        };
        Some(ManualTestView {
            date,
            by: m.by.clone(),
            outcome: m.outcome.clone(),
        })
    }

    /// The line of `key = …` in `[accessibility]`, when it is set.
    fn setting_line(&self, key: &str) -> Option<usize> {
        self.config.spans.line(&format!("accessibility.{key}"))
    }

    fn bad_date(&mut self, message: String, line: Option<usize>) {
        let mut d = Diagnostic::error("statement-date", CONFIG_FILE, message)
            .help("write the date as YYYY-MM-DD in quotes, e.g. \"2017-11-15\"");
        if let Some(line) = line {
            d = d.at_in(&self.config.source, line, 1);
        }
        self.problems.push(d);
    }
}
