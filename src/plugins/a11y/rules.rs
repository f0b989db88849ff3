//! The audit's rules: one [`Rule`] enum, and from it every rule's id, WCAG 2.2
//! success criterion and level, W3C ACT rule, severity and the reason for it.
//!
//! In: nothing (a table). Out: [`Rule`] and [`RULES`], every rule in the order
//! the accessibility statement lists them. A finding names its rule by the enum;
//! the id string (`image-alt`) is what `[a11y] ignore`/`warn`/`allow`,
//! `--allow` and a diagnostic's `code` use. The README's severity table lists
//! the same (checked by `tests/integration/severity.rs`).

use crate::error::{Diagnostic, Severity};

/// One rule of the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// `page-title`: each page has a title.
    PageTitle,
    /// `html-lang`: each page says its language, as a known language tag (a missing one is added).
    HtmlLang,
    /// `image-alt`: images have a text alternative, unless marked decorative.
    ImageAlt,
    /// `image-alt-empty`: empty alt text in Markdown is used only for images marked decorative.
    ImageAltEmpty,
    /// `link-name`: links have a name.
    LinkName,
    /// `button-name`: buttons have a name.
    ButtonName,
    /// `link-text`: link text makes sense on its own.
    LinkText,
    /// `heading-name`: headings have text.
    HeadingName,
    /// `heading-order`: heading levels are not skipped.
    HeadingOrder,
    /// `page-h1`: each page has exactly one h1.
    PageH1,
    /// `duplicate-id`: ids are unique on the page.
    DuplicateId,
    /// `empty-section`: each heading has something under it before the next heading of its rank or higher.
    EmptySection,
    /// `table-headers`: data tables have header cells.
    TableHeaders,
    /// `table-caption`: data tables have a caption.
    TableCaption,
    /// `frame-title`: iframes have a name (a title), unless hidden or out of the tab order.
    FrameTitle,
    /// `broken-anchor`: links to a part of a page point at an id that exists.
    BrokenAnchor,
    /// `broken-internal-link`: links within the site point at pages that exist.
    BrokenInternalLink,
    /// `third-party`: nothing is loaded from another site.
    ThirdParty,
    /// `abbreviation`: abbreviations used are explained in the glossary.
    Abbreviation,
}

/// Every rule of the audit, in the order the statement lists them.
pub const RULES: &[Rule] = &Rule::ALL;

/// A rule's description: a row of [`TABLE`], which every accessor reads.
struct Meta {
    rule: Rule,
    id: &'static str,
    wcag: &'static str,
    level: &'static str,
    checks: &'static str,
    severity: Severity,
    why: &'static str,
    act: Option<&'static str>,
}

impl Rule {
    /// Every rule, in the order the statement lists them.
    pub(crate) const ALL: [Rule; 19] = [
        Rule::PageTitle,
        Rule::HtmlLang,
        Rule::ImageAlt,
        Rule::ImageAltEmpty,
        Rule::LinkName,
        Rule::ButtonName,
        Rule::LinkText,
        Rule::HeadingName,
        Rule::HeadingOrder,
        Rule::PageH1,
        Rule::DuplicateId,
        Rule::EmptySection,
        Rule::TableHeaders,
        Rule::TableCaption,
        Rule::FrameTitle,
        Rule::BrokenAnchor,
        Rule::BrokenInternalLink,
        Rule::ThirdParty,
        Rule::Abbreviation,
    ];

    /// The rule's stable id (`image-alt`), as `[a11y] ignore`/`warn`/`allow`,
    /// `--allow` and a diagnostic's `code` name it.
    pub fn id(self) -> &'static str {
        self.meta().id
    }

    /// The rule with this id, if any.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The WCAG 2.2 success criterion it tests, or "—" for a rule of this
    /// project.
    pub fn wcag(self) -> &'static str {
        self.meta().wcag
    }

    /// The criterion, when the rule has one (not "—").
    pub fn criterion(self) -> Option<&'static str> {
        Some(self.wcag()).filter(|w| *w != "—")
    }

    /// The criterion's level (`A`, `AA`, `AAA`), or `project` for a rule of
    /// this project.
    pub fn level(self) -> &'static str {
        self.meta().level
    }

    /// What the rule checks, for the accessibility statement.
    pub fn checks(self) -> &'static str {
        self.meta().checks
    }

    /// Severity unless configured otherwise: an error where a WCAG 2.2 A/AA
    /// criterion fails or a guarantee of this project breaks, else a warning.
    pub fn severity(self) -> Severity {
        self.meta().severity
    }

    /// Why it has that severity.
    pub fn why(self) -> &'static str {
        self.meta().why
    }

    /// The W3C ACT rule(s) it implements (ids, comma-separated), when there is
    /// one: `docs/act-implementation.md` says how far.
    pub fn act(self) -> Option<&'static str> {
        self.meta().act
    }

    /// A diagnostic of this rule about `file`: its id as the code, its
    /// default severity, its criterion.
    pub fn diagnostic(self, file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(self.id(), file, message);
        d.severity = self.severity();
        d.wcag = self.criterion();
        d
    }

    fn meta(self) -> &'static Meta {
        let meta = &TABLE[self as usize];
        debug_assert!(meta.rule == self, "TABLE is in the order of Rule::ALL");
        meta
    }
}

/// Every rule's description, in the order of [`Rule::ALL`] (a test checks it).
static TABLE: [Meta; 19] = [
    Meta {
        rule: Rule::PageTitle,
        id: "page-title",
        wcag: "2.4.2",
        level: "A",
        checks: "each page has a title",
        severity: Severity::Error,
        why: "a page whose first `title` is missing or empty has no title: 2.4.2 fails",
        act: Some("2779a5"),
    },
    Meta {
        rule: Rule::HtmlLang,
        id: "html-lang",
        wcag: "3.1.1",
        level: "A",
        checks: "each page says its language, as a known language tag (a missing one is added)",
        severity: Severity::Error,
        why: "a language tag no screen reader knows (`eng`, `english`) leaves it guessing: 3.1.1 fails",
        act: Some("b5c3f8, bf051a"),
    },
    Meta {
        rule: Rule::ImageAlt,
        id: "image-alt",
        wcag: "1.1.1",
        level: "A",
        checks: "images have a text alternative, unless marked decorative",
        severity: Severity::Error,
        why: "an image with no name (no alt, only spaces, or `role=\"img\"` unnamed) has no text alternative at all: 1.1.1 fails",
        act: Some("23a2a8"),
    },
    Meta {
        rule: Rule::ImageAltEmpty,
        id: "image-alt-empty",
        wcag: "1.1.1",
        level: "A",
        checks: "empty alt text in Markdown is used only for images marked decorative",
        severity: Severity::Warning,
        why: "`alt=\"\"` is right for a decorative image (and passes in HTML); from Markdown's `![](x.png)`, forgetting and intent look the same, so it is a question, not a failure",
        act: None,
    },
    Meta {
        rule: Rule::LinkName,
        id: "link-name",
        wcag: "2.4.4",
        level: "A",
        checks: "links have a name",
        severity: Severity::Error,
        why: "a link with no name cannot be understood in any context: 2.4.4 and 4.1.2 fail",
        act: Some("c487ae"),
    },
    Meta {
        rule: Rule::ButtonName,
        id: "button-name",
        wcag: "4.1.2",
        level: "A",
        checks: "buttons have a name",
        severity: Severity::Error,
        why: "a button with no name says nothing of what it does: 4.1.2 fails",
        act: Some("97a4e1"),
    },
    Meta {
        rule: Rule::LinkText,
        id: "link-text",
        wcag: "2.4.4",
        level: "A",
        checks: "link text makes sense on its own",
        severity: Severity::Warning,
        why: "2.4.4 lets the sentence around a link give its purpose, which a machine cannot judge (text that makes sense alone is 2.4.9, level AAA); \"click here\" is poor practice, not proof of failure",
        act: Some("aizyf1"),
    },
    Meta {
        rule: Rule::HeadingName,
        id: "heading-name",
        wcag: "1.3.1",
        level: "A",
        checks: "headings have text",
        severity: Severity::Warning,
        why: "ACT ties an empty heading to ARIA's name computation, not to a WCAG criterion; it is noise in the outline, not proof that 1.3.1 fails (advice, as in axe)",
        act: Some("ffd0e9"),
    },
    Meta {
        rule: Rule::HeadingOrder,
        id: "heading-order",
        wcag: "1.3.1",
        level: "A",
        checks: "heading levels are not skipped",
        severity: Severity::Warning,
        why: "a skipped level still conveys structure; WCAG does not require levels in sequence (advice, as in axe)",
        act: None,
    },
    Meta {
        rule: Rule::PageH1,
        id: "page-h1",
        wcag: "1.3.1",
        level: "A",
        checks: "each page has exactly one h1",
        severity: Severity::Warning,
        why: "WCAG does not require an h1; one per page is the theme's design, and a custom template may differ",
        act: None,
    },
    Meta {
        rule: Rule::DuplicateId,
        id: "duplicate-id",
        wcag: "4.1.2",
        level: "A",
        checks: "ids are unique on the page",
        severity: Severity::Warning,
        why: "4.1.1 (parsing) left WCAG 2.2; a repeated id breaks only what refers to it, which `broken-anchor` and the name rules catch",
        act: Some("3ea0c8"),
    },
    Meta {
        rule: Rule::EmptySection,
        id: "empty-section",
        wcag: "1.3.1",
        level: "A",
        checks: "each heading has something under it before the next heading of its rank or higher",
        severity: Severity::Warning,
        why: "an empty section misleads whoever moves by headings, but WCAG does not forbid one (advice)",
        act: None,
    },
    Meta {
        rule: Rule::TableHeaders,
        id: "table-headers",
        wcag: "1.3.1",
        level: "A",
        checks: "data tables have header cells",
        severity: Severity::Error,
        why: "without header cells a screen reader cannot say which column a value is in: 1.3.1 fails",
        act: None,
    },
    Meta {
        rule: Rule::TableCaption,
        id: "table-caption",
        wcag: "1.3.1",
        level: "A",
        checks: "data tables have a caption",
        severity: Severity::Warning,
        why: "a caption helps, but a table introduced by the text before it meets 1.3.1 (advice)",
        act: None,
    },
    Meta {
        rule: Rule::FrameTitle,
        id: "frame-title",
        wcag: "4.1.2",
        level: "A",
        checks: "iframes have a name (a title), unless hidden or out of the tab order",
        severity: Severity::Error,
        why: "an iframe without a name says nothing of what it holds: 4.1.2 fails",
        act: Some("cae760"),
    },
    Meta {
        rule: Rule::BrokenAnchor,
        id: "broken-anchor",
        wcag: "2.4.4",
        level: "project",
        checks: "links to a part of a page point at an id that exists",
        severity: Severity::Error,
        why: "this project guarantees every link works; a link to a missing part of a page leads nowhere",
        act: None,
    },
    Meta {
        rule: Rule::BrokenInternalLink,
        id: "broken-internal-link",
        wcag: "2.4.4",
        level: "project",
        checks: "links within the site point at pages that exist",
        severity: Severity::Error,
        why: "this project guarantees every link works",
        act: None,
    },
    Meta {
        rule: Rule::ThirdParty,
        id: "third-party",
        wcag: "—",
        level: "project",
        checks: "nothing is loaded from another site",
        severity: Severity::Error,
        why: "this project guarantees a site loads nothing from elsewhere (privacy; it works offline and under its CSP)",
        act: None,
    },
    Meta {
        rule: Rule::Abbreviation,
        id: "abbreviation",
        wcag: "3.1.4",
        level: "AAA",
        checks: "abbreviations used are explained in the glossary",
        severity: Severity::Warning,
        why: "3.1.4 is a level AAA criterion, beyond the AA the site must meet",
        act: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_the_enum() {
        for (i, r) in Rule::ALL.into_iter().enumerate() {
            assert_eq!(TABLE[i].rule, r);
            assert_eq!(r as usize, i);
        }
    }

    #[test]
    fn ids_are_unique_and_found_again() {
        for r in RULES {
            assert_eq!(Rule::from_id(r.id()), Some(*r));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
