//! The accessibility statement, built from this build's own audit.
//!
//! In: `[accessibility]` from `config.toml`, the report, and the findings of the
//! HTML stages. Out: a [`Statement`] view for the `accessibility.html` template
//! (following the headings of the UK public sector model statement), and a
//! warning for each contact detail or date still to fill in, at the line of
//! `config.toml` to uncomment (so `--strict` builds fail until they are filled
//! in), and an error for a date that is not a date.

use serde::Serialize;

use crate::config::{CONFIG_FILE, Config};
use crate::error::{Diagnostic, Severity};
use crate::frontmatter::IsoDate;
use crate::model::Report;
use crate::plugins::a11y::RULES;
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

/// What `accessibility.html` sees as `statement`.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// Who is responsible for the site.
    pub organisation: String,
    /// Contact email.
    pub contact_email: Option<String>,
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
    /// Whether the site meets the standard as far as the audit can tell.
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
        let mut problems = Vec::new();
        let page = format!("{}accessibility/", config.base_path());
        let missing = |problems: &mut Vec<Diagnostic>, key: &str, what: &str| {
            let mut d = Diagnostic::warning(
                "statement",
                CONFIG_FILE,
                format!(
                    "the accessibility statement needs {what}: `{key}` is not set in `[accessibility]`"
                ),
            );
            let source = &config.source;
            d = match setting_line(source, key) {
                Some((line, true)) => d.at_in(source, line, 1).help(format!(
                    "uncomment this line (remove the `#`) and fill in `{key}` before you publish: UK public sector bodies must say how to contact them and when the site was tested"
                )),
                Some((line, false)) => d.at_in(source, line, 1).help(format!(
                    "give `{key}` a value before you publish"
                )),
                None => match section_line(source, "accessibility") {
                    Some(line) => d.at_in(source, line, 1).help(format!(
                        "add a line `{key} = \"...\"` under `[accessibility]` before you publish: UK public sector bodies must say how to contact them and when the site was tested"
                    )),
                    None => d.help(format!(
                        "add `[accessibility]` to config.toml with `{key} = \"...\"` before you publish: UK public sector bodies must say how to contact them and when the site was tested"
                    )),
                },
            };
            d.page = Some(page.clone());
            problems.push(d);
        };
        if s.contact_email.is_none() && s.contact_phone.is_none() {
            missing(
                &mut problems,
                "contact_email",
                "a way to contact the publisher",
            );
        }
        let mut date =
            |key: &'static str, value: &Option<String>, what: &str| -> Option<DateView> {
                match value {
                    None => {
                        missing(&mut problems, key, what);
                        None
                    }
                    Some(v) => match IsoDate::parse(v) {
                        Ok(d) => Some((&d).into()),
                        Err(e) => {
                            let mut d = Diagnostic::error(
                                "statement-date",
                                CONFIG_FILE,
                                format!("`[accessibility] {key}`: {e}"),
                            )
                            .help("write the date as YYYY-MM-DD in quotes, e.g. \"2017-11-15\"");
                            if let Some((line, _)) = setting_line(&config.source, key) {
                                d = d.at_in(&config.source, line, 1);
                            }
                            problems.push(d);
                            None
                        }
                    },
                }
            };
        let prepared = date("prepared", &s.prepared, "the date it was prepared");
        let reviewed = date("reviewed", &s.reviewed, "the date it was last reviewed");
        let tested = date("tested", &s.tested, "the date the site was last tested");
        let errors = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = findings.len() - errors;
        let rules = RULES
            .iter()
            .map(|r| RuleView {
                id: r.id,
                wcag: (r.wcag != "—").then_some(r.wcag),
                checks: r.checks,
                count: findings.iter().filter(|d| d.code == r.id).count(),
            })
            .collect();
        let known_issues = findings
            .iter()
            .filter(|d| !d.code.starts_with("statement"))
            .map(|d| KnownIssue {
                message: d.message.clone(),
                page: d.page.clone(),
                wcag: d.wcag,
            })
            .collect();
        Statement {
            organisation: s
                .organisation
                .clone()
                .or_else(|| report.root().source.front.organisation.clone())
                .or_else(|| config.title.clone())
                .unwrap_or_else(|| report.root().title().to_string()),
            contact_email: s.contact_email.clone(),
            contact_phone: s.contact_phone.clone(),
            response_time: s.response_time.clone(),
            prepared,
            reviewed,
            tested,
            pages_checked: pages,
            audited,
            errors,
            warnings,
            compliant: audited && errors == 0,
            rules,
            known_issues,
            checked_by: format!("reportsite {}", env!("CARGO_PKG_VERSION")),
            problems,
        }
    }
}

/// The 1-based line of `key = …` in the `[accessibility]` table of `config`,
/// and whether it is commented out (`# key = …`).
fn setting_line(config: &str, key: &str) -> Option<(usize, bool)> {
    let start = section_line(config, "accessibility")?;
    for (i, line) in config.lines().enumerate().skip(start) {
        let t = line.trim_start();
        if t.starts_with('[') {
            break;
        }
        let (commented, rest) = match t.strip_prefix('#') {
            Some(r) => (true, r.trim_start()),
            None => (false, t),
        };
        if let Some(after) = rest.strip_prefix(key)
            && after.trim_start().starts_with('=')
        {
            return Some((i + 1, commented));
        }
    }
    None
}

/// The 1-based line of the `[name]` table header in `config`.
fn section_line(config: &str, name: &str) -> Option<usize> {
    config
        .lines()
        .position(|l| {
            l.trim()
                .strip_prefix('[')
                .and_then(|r| r.split(']').next())
                .is_some_and(|n| n.trim() == name)
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_to_uncomment() {
        let config = "title = \"x\"\n[accessibility]\n# contact_email = \"a@b\"\ntested = \"2025-01-01\"\n[extra]\nprepared = 1\n";
        assert_eq!(setting_line(config, "contact_email"), Some((3, true)));
        assert_eq!(setting_line(config, "tested"), Some((4, false)));
        // Not in the [accessibility] table.
        assert_eq!(setting_line(config, "prepared"), None);
        assert_eq!(section_line(config, "accessibility"), Some(2));
    }
}
