//! Rendering with Tera 2: the template set and the views templates see.
//!
//! In: the theme's and the site's templates, the report model and each page's
//! HTML body. Out: one HTML string per page, or a located diagnostic naming the
//! template, its line and column, and the content page being rendered.
//!
//! Templates resolve site first, theme second: the site's `templates/page.html`
//! overrides the theme's, and a theme template that extends `base.html` gets the
//! site's `base.html` when there is one. The context follows Zola's names
//! (`config`, `page` or `section`, `current_url`, `current_path`, `lang`) plus
//! `report`; what every page shares (`config`, `report`, `lang`, `base_path`) is
//! converted once into Tera's global context, not once per page.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::frontmatter::{IsoDate, Kind};
use crate::markdown::TocItem;
use crate::model::{Entry, Report};
use std::sync::Arc;

use tera::Value;

use crate::content_components::CallRenderer;
use crate::template_functions::{FunctionContext, SiteIndex, SiteIndexHandle};
use crate::theme::{Theme, ThemeFile};

/// What a theme template's name starts with, as Zola 0.23 stores them
/// (`civic/templates/page.html`): a site template can extend the theme's
/// template of the same name by that path.
fn theme_prefix(theme: &Theme) -> String {
    crate::theme::template_prefix(&theme.name)
}

/// The templates every theme must provide.
pub(crate) const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "section.html",
    "page.html",
    "priority.html",
    "case-review.html",
    "glossary.html",
    "full-report.html",
    "404.html",
    "accessibility.html",
];

/// Tera with reportsite's functions: `url(path=…)` (a path under the site's
/// base path) and `request_format(subject=…)` (where a reader asks for
/// `subject` in another format: a mailto link with that subject, or the
/// contact page, or "" when `[accessibility]` gives neither).
/// Zola's functions, filters and tests come from
/// [`crate::template_functions::register`].
fn tera_with_functions(
    base_path: &str,
    contact: &crate::config::Contact,
    functions: &FunctionContext,
) -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    crate::template_functions::register(&mut tera, functions);
    crate::charts::register(&mut tera, functions.roots.clone());
    let base = base_path.to_string();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get::<&str>("path")?.to_string();
            Ok(format!("{}{}", base, path.trim_start_matches('/')))
        },
    );
    let contact = contact.clone();
    tera.register_function(
        "request_format",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let subject: String = kwargs.must_get::<&str>("subject")?.to_string();
            Ok(contact.request_href(&subject).unwrap_or_default())
        },
    );
    tera
}

/// Template name → file shown in messages.
type Origins = HashMap<String, String>;

/// The text of every template under the name the renderer stores it by (theme
/// templates under `{theme}/templates/`), with where each comes from, and the
/// templates that are not UTF-8.
fn template_texts(
    theme: &Theme,
    site_templates: &[ThemeFile],
) -> (Origins, Vec<(String, String)>, Vec<Diagnostic>) {
    let mut origins = HashMap::new();
    let mut all = Vec::new();
    let mut problems = Vec::new();
    let theme_prefix = theme_prefix(theme);
    for (prefix, files) in [
        (theme_prefix.as_str(), &theme.templates[..]),
        ("", site_templates),
    ] {
        for f in files {
            let name = format!("{prefix}{}", f.name);
            match std::str::from_utf8(&f.bytes) {
                Ok(text) => {
                    origins.insert(name.clone(), f.display.clone());
                    all.push((name, text.to_string()));
                }
                Err(_) => problems.push(
                    Diagnostic::error(
                        "template",
                        &f.display,
                        "the template is not valid UTF-8 text",
                    )
                    .help("save it as UTF-8"),
                ),
            }
        }
    }
    (origins, all, problems)
}

/// A Tera instance with the site's and the theme's templates.
pub(crate) struct Renderer {
    tera: Tera,
    /// Template name → file shown in messages.
    origins: HashMap<String, String>,
    /// Template name → its text, for the source line under a message.
    sources: Vec<(String, String)>,
    /// What theme templates' names start with.
    prefix: String,
    /// What `get_page`, `get_section` and `get_url(path="@/…")` read.
    index: SiteIndexHandle,
    /// What a content component call sees besides its arguments' values.
    call_context: Context,
    /// The compacted templates (with `minify_html`), for the columns of messages.
    compacted: Compactions,
}

/// Template name → the template as compacted when it loaded.
type Compactions = HashMap<String, crate::template_compact::Compacted>;

/// The position in template `name` as written of `line`:`column` as Tera
/// reports it (in the compacted text, when it was compacted).
fn written_position(
    name: &str,
    line: usize,
    column: usize,
    sources: &[(String, String)],
    compacted: &Compactions,
) -> (usize, usize) {
    let original = sources.iter().find(|(n, _)| n == name).map(|(_, t)| t);
    match (compacted.get(name), original) {
        (Some(c), Some(text)) => c.original_position(text, line, column),
        _ => (line, column),
    }
}

impl Renderer {
    /// Parses every template. All syntax errors are reported together.
    pub(crate) fn new(
        theme: &Theme,
        site_templates: &[ThemeFile],
        base_path: &str,
        contact: &crate::config::Contact,
        compact: bool,
        functions: &FunctionContext,
    ) -> Result<Renderer, Vec<Diagnostic>> {
        // Templates that include or extend themselves, or nest too deep (a stack
        // overflow when rendering), are located errors before Tera sees them.
        let nesting = crate::theme::check_nesting(theme, site_templates);
        if !nesting.is_empty() {
            return Err(nesting);
        }
        let mut tera = tera_with_functions(base_path, contact, functions);
        let prefix = theme_prefix(theme);
        if let Err(e) = tera.set_fallback_prefixes([prefix.clone()]) {
            return Err(vec![Diagnostic::error(
                "template",
                "templates",
                e.to_string(),
            )]);
        }
        let (origins, all, mut problems) = template_texts(theme, site_templates);
        // With `minify_html`, HTML templates are compacted once here instead of
        // every page minified; lines are kept, so `all` (as written) still gives
        // the source line under a message, and `compacted` its column.
        let compacted: Compactions = all
            .iter()
            .filter(|(n, _)| compact && n.ends_with(".html"))
            .map(|(n, t)| (n.clone(), crate::template_compact::compact(t)))
            .collect();
        let texts = all.iter().map(|(n, t)| {
            let text = compacted.get(n).map_or(t.as_str(), |c| c.text.as_str());
            (n.as_str(), text)
        });
        if let Err(e) = tera.add_raw_templates(texts) {
            // Tera checks every template at once and gives the reports it found
            // as one text: each becomes a located diagnostic of its own.
            let split = match e.kind() {
                tera::ErrorKind::Msg(text) => {
                    split_tera_reports(text, &origins, &all, &prefix, &compacted)
                }
                _ => Vec::new(),
            };
            if split.is_empty() {
                let d = tera_diagnostic(&e, &origins, None, &all, &prefix, &compacted);
                problems.push(locate_reference(d, &origins, &all, &prefix));
            } else {
                problems.extend(split);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let renderer = Renderer {
            tera,
            origins,
            sources: all,
            prefix,
            index: functions.index.clone(),
            call_context: Context::new(),
            compacted,
        };
        renderer.check_required(&theme.name)?;
        Ok(renderer)
    }

    /// An error naming the templates every theme must have that neither the
    /// theme `theme` nor the site provides.
    fn check_required(&self, theme: &str) -> Result<(), Vec<Diagnostic>> {
        let missing: Vec<&str> = REQUIRED_TEMPLATES
            .iter()
            .copied()
            .filter(|t| !self.has_template(t))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(vec![
            Diagnostic::error(
                "template",
                format!("themes/{theme}/templates"),
                format!(
                    "the theme `{theme}` lacks templates: {}",
                    missing.join(", ")
                ),
            )
            .help("add them to the theme, or to the site's templates/ folder"),
        ])
    }

    /// Whether a template of that name exists (site or theme).
    pub(crate) fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Names of all templates, without the theme prefix, sorted.
    pub(crate) fn template_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .tera
            .get_template_names()
            .map(|n| n.strip_prefix(&self.prefix).unwrap_or(n).to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Fills what `get_url(path="@/…")` reads (every entry's URL), and, when
    /// `htmls` holds every entry's Markdown, what `get_page` and `get_section`
    /// give (each entry's view, as a page or section template sees it).
    pub(crate) fn fill_index(&self, links: &Links<'_>, htmls: Option<&[Arc<EntryHtml>]>) {
        let report = links.report;
        let mut index = SiteIndex::default();
        for e in &report.entries {
            index
                .urls
                .insert(e.source.rel.clone(), e.path.url().to_string());
        }
        if let Some(htmls) = htmls.filter(|h| h.len() == report.entries.len()) {
            let views: Vec<(bool, String, Value)> = (0..report.entries.len())
                .into_par_iter()
                .map(|i| {
                    let e = &report.entries[i];
                    let view = PageView::new(links, i, &htmls[i]);
                    (
                        e.is_section(),
                        e.source.rel.clone(),
                        Value::from_serializable(&view),
                    )
                })
                .collect();
            for (section, rel, value) in views {
                if section {
                    index.sections.insert(rel, value);
                } else {
                    index.pages.insert(rel, value);
                }
            }
        }
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
    }

    /// Sets what a content component call sees (`config`, `lang`), before the
    /// Markdown is rendered.
    pub(crate) fn set_call_context(&mut self, config: &Config) {
        self.call_context.insert("config", config);
        self.call_context.insert("lang", &config.default_language);
    }

    /// Sets what every page shares.
    pub(crate) fn set_globals(&mut self, config: &Config, report: &ReportView<'_>) {
        let g = self.tera.global_context();
        g.insert("config", config);
        g.insert("report", report);
        g.insert("lang", &config.default_language);
        g.insert("base_path", &config.base_path());
    }

    /// Renders `template` with `context`. `for_file` is the content file being
    /// rendered, named in error messages.
    pub(crate) fn render(
        &self,
        template: &str,
        context: &Context,
        for_file: &str,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| {
                let mut d = tera_diagnostic(
                    &e,
                    &self.origins,
                    Some(for_file),
                    &self.sources,
                    &self.prefix,
                    &self.compacted,
                );
                // Errors Tera does not locate (a component that calls itself for
                // ever) belong to the template being rendered.
                if d.file == "templates" {
                    let stored = [template.to_string(), format!("{}{template}", self.prefix)];
                    if let Some(file) = stored.iter().find_map(|n| self.origins.get(n)) {
                        d.file = file.clone();
                    }
                    if d.message.contains("recursion depth for components") {
                        d.help = Some(format!(
                            "a component used by this template calls itself more than 20 levels deep: give it a condition that stops it (this happened while rendering `{for_file}`)"
                        ));
                    }
                }
                d
            })
    }
}

impl CallRenderer for Renderer {
    fn render_call(&self, call: &str, rel: &str, body: Option<&str>) -> Result<String, String> {
        let mut ctx = self.call_context.clone();
        ctx.insert("component_body", &body.unwrap_or(""));
        let index = self.index.read().unwrap_or_else(|e| e.into_inner()).clone();
        let page = index
            .pages
            .get(rel)
            .or_else(|| index.sections.get(rel))
            .cloned()
            .unwrap_or_else(|| {
                let mut m = tera::Map::new();
                m.insert("relative_path".into(), Value::from(rel));
                Value::from(m)
            });
        ctx.insert("page", &page);
        ctx.insert("section", &page);
        self.tera.render_str(call, &ctx, false).map_err(|e| {
            let mut parts: Vec<String> = Vec::new();
            let mut cause: Option<&dyn std::error::Error> = Some(&e);
            while let Some(c) = cause {
                let text = c.to_string();
                if !text.trim().is_empty() && !parts.iter().any(|p| p.contains(text.trim())) {
                    parts.push(text.trim().to_string());
                }
                cause = c.source();
            }
            parts.join("\n")
        })
    }

    fn component_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tera
            .get_component_names()
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }
}

/// Whether any template looks pages up (`get_page`, `get_section`): the build
/// then renders every page's Markdown before the templates, to fill the index.
pub(crate) fn uses_lookups(theme: &Theme, site_templates: &[ThemeFile]) -> bool {
    let finder = |f: &ThemeFile| {
        let text = String::from_utf8_lossy(&f.bytes);
        text.contains("get_page") || text.contains("get_section")
    };
    theme.templates.iter().any(finder) || site_templates.iter().any(finder)
}

/// The warning of a build whose templates read the clock (`now()` without
/// `SOURCE_DATE_EPOCH`): one, at the first call in the first template that
/// has one (a site template before the theme's), naming the others.
pub(crate) fn clock_warning(theme: &Theme, site_templates: &[ThemeFile]) -> Option<Diagnostic> {
    let mut found: Vec<(&ThemeFile, usize, usize)> = Vec::new();
    for f in site_templates.iter().chain(&theme.templates) {
        let text = String::from_utf8_lossy(&f.bytes);
        if let Some((line, col)) = first_now_call(&text) {
            found.push((f, line, col));
        }
    }
    let (first, line, col) = *found.first()?;
    let others: Vec<&str> = found[1..]
        .iter()
        .map(|(f, _, _)| f.display.as_str())
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(" (also in {})", others.join(", "))
    };
    let text = String::from_utf8_lossy(&first.bytes);
    let mut d = Diagnostic::warning(
        "build-time",
        &first.display,
        format!("`now()` read the time of the build{also}, so the site changes each time it is built"),
    )
    .at(line, col)
    .help("set SOURCE_DATE_EPOCH (seconds since 1970-01-01 UTC, e.g. `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`) so every build gives the same output, or use a date from front matter");
    d.source_line = text.lines().nth(line - 1).map(Arc::from);
    Some(d)
}

/// Line and column (1-based) of the first `now(` call in a template's text.
fn first_now_call(text: &str) -> Option<(usize, usize)> {
    for (n, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(off) = line[from..].find("now(") {
            let at = from + off;
            let before = line[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                return Some((n + 1, line[..at].chars().count() + 1));
            }
            from = at + 4;
        }
    }
    None
}

/// Splits Tera's pre-rendered reports (`error: MESSAGE` / `--> NAME:LINE:COL`,
/// one after another in one message) into one diagnostic each, located in the
/// template's file. Empty when the text is not in that form.
fn split_tera_reports(
    text: &str,
    origins: &HashMap<String, String>,
    sources: &[(String, String)],
    prefix: &str,
    compacted: &Compactions,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(message) = line.trim_start().strip_prefix("error: ") else {
            continue;
        };
        let Some(location) = lines
            .peek()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        else {
            return Vec::new();
        };
        lines.next();
        let mut parts = location.rsplitn(3, ':');
        let (Some(col), Some(line_no), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return Vec::new();
        };
        let (Ok(line_no), Ok(col)) = (line_no.trim().parse::<usize>(), col.trim().parse::<usize>())
        else {
            return Vec::new();
        };
        let file = origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.replace(prefix, "theme: "));
        let (line_no, col) = written_position(name, line_no, col, sources, compacted);
        let mut d = Diagnostic::error("template", file, message.to_string()).at(line_no, col);
        if let Some(src) = sources
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, t)| t.lines().nth(line_no.saturating_sub(1)))
        {
            d.source_line = Some(Arc::from(src));
        }
        out.push(d.help(report_help(message, prefix)));
    }
    out
}

/// Tera's "Template 'a.html' is inheriting from 'b.html', which doesn't
/// exist" (and the like for includes) names no line: the diagnostic is put in
/// the file of the first template named, at the line that names the second.
fn locate_reference(
    mut d: Diagnostic,
    origins: &Origins,
    sources: &[(String, String)],
    prefix: &str,
) -> Diagnostic {
    if d.line.is_some() {
        return d;
    }
    let names: Vec<&str> = d.message.split('\'').skip(1).step_by(2).collect();
    let [from, missing, ..] = names[..] else {
        return d;
    };
    let stored = [from.to_string(), format!("{prefix}{from}")];
    let Some((name, text)) = stored
        .iter()
        .find_map(|n| sources.iter().find(|(s, _)| s == n))
    else {
        return d;
    };
    let Some((line_no, line)) = text.lines().enumerate().find(|(_, l)| l.contains(missing)) else {
        return d;
    };
    let col = line[..line.find(missing).unwrap_or(0)].chars().count() + 1;
    d.file = origins.get(name).cloned().unwrap_or_else(|| name.clone());
    d.line = Some(line_no + 1);
    d.column = Some(col);
    d.source_line = Some(Arc::from(line));
    d.help = Some(format!(
        "there is no template `{missing}`: name a template of the site's templates/ folder (`page.html`), or a theme template by its Zola path (`{prefix}page.html`)"
    ));
    d
}

/// What to do about one of Tera's reports on a template set.
fn report_help(message: &str, prefix: &str) -> String {
    if message.starts_with("Unknown filter `") {
        return "use a filter Tera 2 has (see the Tera 2 documentation), or remove it".into();
    }
    if message.contains("not found") && message.contains("emplate") {
        return format!(
            "name a template of the site's templates/ folder (`page.html`), or a theme template by its Zola path (`{prefix}page.html`)"
        );
    }
    "fix the template syntax (Tera 2: components, not macros)".into()
}

fn tera_diagnostic(
    e: &tera::Error,
    origins: &HashMap<String, String>,
    for_file: Option<&str>,
    sources: &[(String, String)],
    prefix: &str,
    compacted: &Compactions,
) -> Diagnostic {
    let display = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.replace(prefix, "theme: "))
    };
    let mut d = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = display(r.filename());
            let span = r.span();
            let (line, column) = written_position(
                r.filename(),
                span.start_line,
                span.start_col + 1,
                sources,
                compacted,
            );
            let mut d =
                Diagnostic::error("template", file, r.message().to_string()).at(line, column);
            let text = sources
                .iter()
                .find(|(n, _)| n == r.filename())
                .map(|(_, t)| t.as_str());
            if let Some(line) = text.and_then(|t| t.lines().nth(span.start_line.saturating_sub(1)))
            {
                d.source_line = Some(Arc::from(line));
            }
            d
        }
        _ => Diagnostic::error("template", "templates", causes(e).replace(prefix, "")),
    };
    let undefined = d
        .message
        .split("Field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        .map(str::to_string);
    let fields: Vec<&str> = d
        .message
        .split("Available fields: ")
        .nth(1)
        .map(|r| r.split(", ").map(str::trim).collect())
        .unwrap_or_default();
    if let Some(s) = undefined
        .as_deref()
        .and_then(|u| crate::suggest::did_you_mean(u, &fields))
    {
        d.help = Some(format!(
            "did you mean `{s}`? (the template context is described in themes/civic/README.md)"
        ));
        return d;
    }
    d.help = Some(match for_file {
        Some(f) => format!(
            "this happened while rendering `{f}`; check that file's front matter and the template's use of the values it reads"
        ),
        None => "fix the template syntax (Tera 2: components, not macros)".to_string(),
    });
    d
}

/// The message of `e` and its causes once each: each cause that does not
/// repeat the last, without Tera's own "error: " prefixes.
fn causes(e: &tera::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        let text = c.to_string();
        let text = text.trim().trim_start_matches("error: ").to_string();
        if !text.is_empty() && !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    parts.join(": ")
}

/// A date as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2017-11-15`.
    pub iso: String,
    /// `15 November 2017`.
    pub display: String,
}

impl From<&IsoDate> for DateView {
    fn from(d: &IsoDate) -> Self {
        DateView {
            iso: d.iso(),
            display: d.display(),
        }
    }
}

fn date(d: &Option<IsoDate>) -> Option<DateView> {
    d.as_ref().map(DateView::from)
}

/// One change note (`changes:` in front matter).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChangeView {
    /// When.
    pub date: DateView,
    /// What changed.
    pub note: String,
}

/// The change notes of a file, newest first.
fn changes(list: &Option<Vec<crate::frontmatter::Change>>) -> Vec<ChangeView> {
    let mut out: Vec<(&crate::frontmatter::Change, ChangeView)> = list
        .iter()
        .flatten()
        .map(|c| {
            (
                c,
                ChangeView {
                    date: (&c.date).into(),
                    note: c.note.trim().to_string(),
                },
            )
        })
        .collect();
    // Stable: notes of one day keep their written order.
    out.sort_by(|a, b| b.1.date.iso.cmp(&a.1.date.iso));
    out.into_iter().map(|(_, v)| v).collect()
}

/// A link to a chapter or page.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Title.
    pub title: String,
    /// Chapter number.
    pub number: Option<String>,
    /// URL from the domain root (with the base path).
    pub url: String,
    /// Same as `url`; compared with `current_path`.
    pub path: String,
    /// The full address (origin and `url`), as Zola's `permalink`.
    pub permalink: String,
    /// The content file (`blog/post.md`), as Zola's `relative_path`:
    /// `get_section(path=…)` and `get_page(path=…)` take a link as its path.
    pub relative_path: String,
    /// Kind.
    pub kind: &'static str,
    /// Children (only filled where the docs say so).
    pub children: Vec<LinkView>,
}

/// Builds link views.
pub struct Links<'a> {
    /// The report.
    pub report: &'a Report,
    /// The base path.
    pub base_path: &'a str,
    /// The site's origin (`https://example.org`), for permalinks.
    origin: &'a str,
    /// The site's language, as Zola's `page.lang`.
    lang: &'a str,
    /// The link to each entry, without children, as the value templates see,
    /// made once per build: pages and the report's chapters share them (a
    /// chapter lists all its pages; every page links its neighbours), each
    /// page's view takes a reference, not a copy.
    flat: Vec<Value>,
}

impl<'a> Links<'a> {
    /// Link views of `report`'s entries, with URLs under `base_path`.
    pub fn new(report: &'a Report, base_path: &'a str) -> Links<'a> {
        Links::at(report, base_path, "", "en")
    }

    /// Link views with permalinks at `origin`, for a site in language `lang`.
    pub fn at(report: &'a Report, base_path: &'a str, origin: &'a str, lang: &'a str) -> Links<'a> {
        let mut links = Links {
            report,
            base_path,
            origin,
            lang,
            flat: Vec::new(),
        };
        let no_children = Value::from(Vec::<Value>::new());
        links.flat = (0..report.entries.len())
            .into_par_iter()
            .map(|i| link_value(&links.link(i, 0), &no_children))
            .collect();
        links
    }

    /// The link to entry `i`, without children, as templates see it.
    pub fn get(&self, i: usize) -> &Value {
        &self.flat[i]
    }

    /// The link to entry `i` with its children's links (each without
    /// children), as templates see it: the entries' own link values, shared.
    pub(crate) fn with_children(&self, i: usize) -> Value {
        let children: Vec<Value> = self.report.entries[i]
            .children
            .iter()
            .map(|&c| self.flat[c].clone())
            .collect();
        let mut map = self.flat[i].as_map().cloned().unwrap_or_default();
        map.insert("children".into(), Value::from(children));
        Value::from(map)
    }

    /// The link to entry `i`, with children to `depth` levels.
    pub fn link(&self, i: usize, depth: usize) -> LinkView {
        let e = &self.report.entries[i];
        let url = e.path.url_under(self.base_path);
        LinkView {
            title: e.title().to_string(),
            number: e.number.clone(),
            path: url.clone(),
            permalink: format!("{}{url}", self.origin),
            relative_path: e.source.rel.clone(),
            url,
            kind: e.kind.as_str(),
            children: if depth == 0 {
                Vec::new()
            } else {
                e.children
                    .iter()
                    .map(|&c| self.link(c, depth - 1))
                    .collect()
            },
        }
    }
}

/// `link` as templates see it (what serializing it gives), its `path` the
/// same text as its `url` and its empty `children` the one list every link
/// shares, so each string is kept once.
fn link_value(link: &LinkView, no_children: &Value) -> Value {
    let mut map = Value::from_serializable(link)
        .into_map()
        .unwrap_or_default();
    if let Some(url) = map.get(&tera::value::Key::Str("url")).cloned() {
        map.insert("path".into(), url);
    }
    map.insert("children".into(), no_children.clone());
    Value::from(map)
}

/// Priority lists.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PriorityView {
    /// What was done (HTML items).
    pub what_was_done: Vec<String>,
    /// What the impact was.
    pub impact: Vec<String>,
    /// Next steps.
    pub next_steps: Vec<String>,
}

/// Case review details.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseReviewView {
    /// Who it is about.
    pub subject: Option<String>,
    /// Type of review.
    pub review_type: Option<String>,
    /// `published` or `in-progress`.
    pub status: Option<&'static str>,
    /// "Published" or "In progress".
    pub status_label: Option<&'static str>,
    /// What harm it concerned.
    pub harm: Option<String>,
    /// Learning (HTML items).
    pub learning: Vec<String>,
}

/// HTML rendered from an entry's Markdown fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryHtml {
    /// The body.
    pub content: String,
    /// The body is only Markdown the accessibility stage can check where it
    /// stands ([`crate::markdown::Rendered::plain`]).
    pub splice: bool,
    /// The body's Markdown lines, when its HTML was written without
    /// `data-sourcepos` ([`crate::markdown::render_body`]).
    pub lines: Option<crate::markdown::BodyLines>,
    /// Headings of the body.
    pub toc: Vec<TocItem>,
    /// Priority lists, for `kind: priority`.
    pub priority: Option<PriorityView>,
    /// Case review details, for `kind: case-review`.
    pub case_review: Option<CaseReviewView>,
    /// Words in the Markdown body.
    pub words: usize,
    /// The source file's whole text when its body was read again for this
    /// (released after the load), for the lines under the stage's findings.
    pub text: Option<std::sync::Arc<str>>,
    /// The HTML of the body before `<!-- more -->`, when it has that mark.
    pub summary: Option<String>,
}

/// The Markdown before a `<!-- more -->` mark (any case, any spaces inside),
/// as Zola cuts a page's summary; none without the mark.
pub(crate) fn summary_source(md: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(off) = md[from..].find("<!--") {
        let at = from + off;
        let rest = &md[at + 4..];
        if let Some(end) = rest.find("-->")
            && rest[..end].trim().eq_ignore_ascii_case("more")
        {
            return Some(&md[..at]);
        }
        from = at + 4;
    }
    None
}

/// One heading of a page's table of contents: reportsite's `id`, `title`,
/// `level`, and Zola's `permalink` and `children`. The list stays flat (every
/// heading in order, `children` empty), as reportsite's themes read it.
#[derive(Debug, Serialize)]
pub(crate) struct TocView<'a> {
    /// The heading's id.
    pub id: &'a str,
    /// Its text.
    pub title: &'a str,
    /// Its level.
    pub level: u8,
    /// The page's permalink with `#id`.
    pub permalink: String,
    /// Always empty: the list is flat.
    pub children: [(); 0],
}

/// A page or chapter as templates see it (`page` or `section`).
#[derive(Debug, Serialize)]
pub(crate) struct PageView<'a> {
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: Option<&'a str>,
    /// Number.
    pub number: Option<&'a str>,
    /// URL from the domain root.
    pub url: String,
    /// Same as `url`.
    pub path: String,
    /// Kind.
    pub kind: &'static str,
    /// Body HTML.
    pub content: &'a str,
    /// Date.
    pub date: Option<DateView>,
    /// Last update.
    pub updated: Option<DateView>,
    /// What changed at each update (`changes:`), newest first.
    pub changes: Vec<ChangeView>,
    /// Free-form values.
    pub extra: Value,
    /// Draft.
    pub draft: bool,
    /// Slug (last URL segment).
    pub slug: &'a str,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read at 200 words a minute.
    pub reading_time: usize,
    /// From home down to the parent.
    pub ancestors: Vec<&'a Value>,
    /// Previous in reading order.
    pub previous: Option<&'a Value>,
    /// Next in reading order.
    pub next: Option<&'a Value>,
    /// Children of a chapter.
    pub pages: Vec<&'a Value>,
    /// The way down from the top-level chapter to this page (at most the
    /// chapter and its child on the way): what the contents beside a page of a
    /// long report show below the chapters, without walking any chapter's pages.
    pub way: Vec<&'a Value>,
    /// Headings of the body.
    pub toc: Vec<TocView<'a>>,
    /// Priority lists.
    pub priority: Option<&'a PriorityView>,
    /// Case review details.
    pub case_review: Option<&'a CaseReviewView>,
    /// Zola's fields, beside reportsite's own.
    #[serde(flatten)]
    pub zola: ZolaFields<'a>,
}

/// The fields of Zola 0.23's page and section context that reportsite's own
/// view does not already have under the same name.
#[derive(Debug, Serialize, Default)]
pub(crate) struct ZolaFields<'a> {
    /// Origin and URL (`https://example.org/report/blog/post/`).
    pub permalink: String,
    /// The content file (`blog/post.md`).
    pub relative_path: &'a str,
    /// The site's language.
    pub lang: &'a str,
    /// The body's HTML before `<!-- more -->`, or none.
    pub summary: Option<&'a str>,
    /// The page before this one among its section's pages, or none.
    pub lower: Option<&'a Value>,
    /// The page after this one among its section's pages, or none.
    pub higher: Option<&'a Value>,
    /// The URL's segments (`["blog", "post"]`).
    pub components: Vec<&'a str>,
    /// The files beside a page bundle (`dir/index.md`) or a section's
    /// `_index.md`, as `/dir/file.png`, sorted.
    pub assets: Vec<String>,
    /// A section's subsections, by content path (`blog/_index.md`).
    pub subsections: Vec<&'a str>,
}

/// The table of contents of `toc` at `permalink`.
fn toc_views<'a>(toc: &'a [TocItem], permalink: &str) -> Vec<TocView<'a>> {
    toc.iter()
        .map(|t| TocView {
            id: &t.id,
            title: &t.title,
            level: t.level,
            permalink: format!("{permalink}#{}", t.id),
            children: [],
        })
        .collect()
}

/// The files beside entry `e` when it is a bundle (`dir/index.md`) or a
/// section (`dir/_index.md`): `/dir/name` for each file directly in `dir`.
fn bundle_assets(report: &Report, e: &Entry) -> Vec<String> {
    let rel = &e.source.rel;
    let dir = match rel.rsplit_once('/') {
        Some((dir, "index.md" | "_index.md")) => format!("{dir}/"),
        None if rel == "_index.md" || rel == "index.md" => String::new(),
        _ => return Vec::new(),
    };
    let mut out: Vec<String> = report
        .assets
        .iter()
        .filter_map(|a| a.rel.strip_prefix(&dir))
        .filter(|name| !name.contains('/') && !name.ends_with(".md"))
        .map(|name| format!("/{dir}{name}"))
        .collect();
    out.sort();
    out
}

impl<'a> ZolaFields<'a> {
    /// Zola's fields of entry `i`.
    fn of(links: &'a Links<'a>, i: usize, html: &'a EntryHtml, url: &str) -> ZolaFields<'a> {
        let report = links.report;
        let e = &report.entries[i];
        // The sibling pages before and after, in reading order, as Zola's
        // lower/higher (sections have none).
        let siblings: &[usize] = match e.parent {
            Some(p) if !e.is_section() => &report.entries[p].children,
            _ => &[],
        };
        let is_page = |c: &&usize| !report.entries[**c].is_section();
        let at = siblings.iter().position(|&c| c == i);
        let lower = at.and_then(|k| siblings[..k].iter().rev().find(is_page));
        let higher = at.and_then(|k| siblings[k + 1..].iter().find(is_page));
        ZolaFields {
            permalink: format!("{}{url}", links.origin),
            relative_path: &e.source.rel,
            lang: links.lang,
            summary: html.summary.as_deref(),
            lower: lower.map(|&k| links.get(k)),
            higher: higher.map(|&k| links.get(k)),
            components: e.path.url().split('/').filter(|s| !s.is_empty()).collect(),
            assets: bundle_assets(report, e),
            subsections: e
                .children
                .iter()
                .filter(|&&c| report.entries[c].is_section())
                .map(|&c| report.entries[c].source.rel.as_str())
                .collect(),
        }
    }
}

impl<'a> PageView<'a> {
    /// The view of entry `i`.
    pub(crate) fn new(links: &'a Links<'a>, i: usize, html: &'a EntryHtml) -> PageView<'a> {
        let report = links.report;
        let e: &'a Entry = &report.entries[i];
        let f = &e.source.front;
        let words = html.words;
        let url = e.path.url_under(links.base_path);
        let zola = ZolaFields::of(links, i, html, &url);
        let toc = toc_views(&html.toc, &zola.permalink);
        PageView {
            title: e.title(),
            description: f.description.as_deref(),
            number: e.number.as_deref(),
            path: url.clone(),
            url,
            kind: e.kind.as_str(),
            content: &html.content,
            date: date(&f.date),
            updated: date(&f.updated),
            changes: changes(&f.changes),
            extra: crate::frontmatter::extra_value(&f.extra),
            draft: f.draft.unwrap_or(false),
            slug: e
                .path
                .url()
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(""),
            word_count: words,
            reading_time: words.div_ceil(200).max(1),
            ancestors: report
                .ancestors(i)
                .into_iter()
                .map(|a| links.get(a))
                .collect(),
            previous: i.checked_sub(1).map(|p| links.get(p)),
            next: (i + 1 < report.entries.len()).then(|| links.get(i + 1)),
            pages: e.children.iter().map(|&c| links.get(c)).collect(),
            way: report
                .ancestors(i)
                .into_iter()
                .chain(std::iter::once(i))
                .skip(1)
                .take(2)
                .map(|w| links.get(w))
                .collect(),
            toc,
            priority: html.priority.as_ref(),
            case_review: html.case_review.as_ref(),
            zola,
        }
    }
}

/// Words in `text` (runs of non-whitespace), as `split_whitespace().count()`
/// but byte by byte: ASCII bytes are classed by a table, and only the lead bytes
/// of the few non-ASCII whitespace characters (U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) are decoded.
pub(crate) fn count_words(text: &str) -> usize {
    /// 0: part of a word; 1: ASCII whitespace; 2: may start a non-ASCII space.
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        t[b' ' as usize] = 1;
        t[b'\t' as usize] = 1;
        t[b'\n' as usize] = 1;
        t[b'\r' as usize] = 1;
        t[0x0b] = 1;
        t[0x0c] = 1;
        t[0xc2] = 2;
        t[0xe1] = 2;
        t[0xe2] = 2;
        t[0xe3] = 2;
        t
    };
    let bytes = text.as_bytes();
    if text.is_ascii() {
        // Most bodies: count the places where a word starts after a space, 255
        // byte pairs at a time into a byte-wide counter, which the compiler turns
        // into vector instructions 16 bytes wide (a `usize` sum it did 2 wide).
        let space = |b: u8| (b == b' ') | (b'\t'..=b'\r').contains(&b);
        let first = bytes.first().map_or(0, |&b| usize::from(!space(b)));
        let next = bytes.get(1..).unwrap_or_default();
        return first
            + bytes
                .chunks(255)
                .zip(next.chunks(255))
                .map(|(a, b)| {
                    let starts = a.iter().zip(b).fold(0u8, |n, (&x, &y)| {
                        n.wrapping_add(u8::from(space(x) & !space(y)))
                    });
                    usize::from(starts)
                })
                .sum::<usize>();
    }
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let space = match CLASS[bytes[i] as usize] {
            0 => {
                i += 1;
                false
            }
            1 => {
                i += 1;
                true
            }
            _ => {
                // A lead byte, so `i` is on a character boundary.
                let c = text[i..].chars().next().unwrap_or('x');
                i += c.len_utf8();
                c.is_whitespace()
            }
        };
        words += usize::from(!space && !in_word);
        in_word = !space;
    }
    words
}

impl<'a> PageView<'a> {
    /// The view of a generated page (glossary, full report, 404, accessibility):
    /// no body, breadcrumbs back to the home page.
    pub(crate) fn special(links: &'a Links<'_>, title: &'static str, path: &str) -> PageView<'a> {
        let url = format!("{}{}", links.base_path, path);
        PageView {
            title,
            description: None,
            number: None,
            path: url.clone(),
            url,
            kind: "page",
            content: "",
            date: None,
            updated: None,
            changes: Vec::new(),
            extra: Value::from(tera::Map::new()),
            draft: false,
            slug: "",
            word_count: 0,
            reading_time: 0,
            ancestors: vec![links.get(0)],
            previous: None,
            next: None,
            pages: Vec::new(),
            way: Vec::new(),
            toc: Vec::new(),
            priority: None,
            case_review: None,
            zola: ZolaFields {
                permalink: format!("{}{}{path}", links.origin, links.base_path),
                lang: links.lang,
                ..ZolaFields::default()
            },
        }
    }
}

/// Re-frames a page body for the full-report page: headings move down `shift`
/// levels (at most `h6`), and every id — and every `#fragment` link, `for`,
/// `aria-labelledby`, `aria-describedby` and SVG `fill="url(#…)"` pointing at one — gets `prefix`, so
/// ids stay unique when all pages share one document. Labelled regions (table
/// wrappers) also name the entry, so no two landmarks share a name.
pub(crate) fn reframe(html: &str, shift: u8, prefix: &str, entry_title: &str) -> String {
    use lol_html::{RewriteStrSettings, element, rewrite_str};
    let pre = |v: &str| format!("{prefix}--{v}");
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("h2, h3, h4, h5, h6", |el| {
            let level: u8 = el.tag_name()[1..].parse().unwrap_or(2);
            el.set_tag_name(&format!("h{}", (level + shift).min(6)))?;
            Ok(())
        }))
        .append_element_content_handler(element!("[id]", |el| {
            if let Some(id) = el.get_attribute("id") {
                el.set_attribute("id", &pre(&id))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("a[href^='#']", |el| {
            if let Some(h) = el.get_attribute("href") {
                el.set_attribute("href", &format!("#{}", pre(&h[1..])))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!(
            "[aria-labelledby], [aria-describedby], [for]",
            |el| {
                let region = el.get_attribute("role").as_deref() == Some("region");
                for attr in ["aria-labelledby", "aria-describedby", "for"] {
                    if let Some(v) = el.get_attribute(attr) {
                        let mut joined: Vec<String> = v.split_whitespace().map(pre).collect();
                        if region && attr == "aria-labelledby" {
                            // The entry's heading (its id is `prefix`) makes the name unique.
                            joined.push(prefix.to_string());
                        }
                        el.set_attribute(attr, &joined.join(" "))?;
                    }
                }
                Ok(())
            }
        ))
        // An SVG paint (a chart's pattern) refers to an id as `url(#id)`.
        .append_element_content_handler(element!("[fill^='url(#']", |el| {
            if let Some(v) = el.get_attribute("fill")
                && let Some(id) = v.strip_prefix("url(#").and_then(|r| r.strip_suffix(')'))
            {
                el.set_attribute("fill", &format!("url(#{})", pre(id)))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("[role=region][aria-label]", |el| {
            if let Some(label) = el.get_attribute("aria-label") {
                el.set_attribute("aria-label", &format!("{label}, {entry_title}"))?;
            }
            Ok(())
        }));
    // The input is HTML this program produced; on the impossible failure keep it.
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// The template an entry renders with, and its context key.
pub(crate) fn template_for(e: &Entry, is_root: bool) -> (String, &'static str) {
    let key = if e.is_section() { "section" } else { "page" };
    if let Some(t) = &e.source.front.template {
        return (t.clone(), key);
    }
    let t = if is_root {
        "index.html"
    } else {
        match e.kind {
            Kind::Priority => "priority.html",
            Kind::CaseReview => "case-review.html",
            Kind::Report | Kind::Chapter => "section.html",
            Kind::Page => "page.html",
        }
    };
    (t.to_string(), key)
}

/// A strategy item.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StrategyView {
    /// Id.
    pub id: String,
    /// Label shown for the id.
    pub label: String,
    /// Title, when known.
    pub title: Option<String>,
}

/// A recommendation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RecommendationView {
    /// Its HTML.
    pub html: String,
    /// The strategy items it refers to.
    pub refs: Vec<StrategyView>,
}

/// An implication.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ImplicationView {
    /// The area name.
    pub area: crate::frontmatter::Area,
    /// The heading.
    pub label: String,
    /// The text as HTML.
    pub html: String,
}

/// A document.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocumentView {
    /// Label.
    pub label: Option<String>,
    /// Title.
    pub title: String,
    /// Link target.
    pub href: Option<String>,
    /// Format.
    pub format: Option<String>,
    /// Bytes.
    pub size_bytes: Option<u64>,
    /// Human size ("2.4 MB").
    pub size: Option<String>,
}

/// A person.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
}

/// A sign-off row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignOffView {
    /// Role.
    pub role: String,
    /// Name.
    pub name: String,
    /// Date.
    pub date: Option<DateView>,
}

/// The period.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PeriodView {
    /// Start.
    pub start: DateView,
    /// End.
    pub end: DateView,
}

/// A glossary entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GlossaryView {
    /// The abbreviation, word or phrase.
    pub term: String,
    /// Its id on the glossary page (`term-sscb`, `term-early-help`): the
    /// a11y stage links the first use of a defined term on each page to it.
    pub id: String,
    /// What an abbreviation stands for, or none.
    pub expansion: Option<String>,
    /// What the term means, as HTML, or none.
    pub definition: Option<String>,
}

/// The whole report as templates see it (`report`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportView<'a> {
    /// Title.
    pub title: &'a str,
    /// Short title.
    pub short_title: &'a str,
    /// `report` or `chapter`.
    pub kind: &'static str,
    /// Publisher.
    pub organisation: Option<&'a str>,
    /// Presented to.
    pub presented_to: Option<&'a str>,
    /// Home URL.
    pub url: String,
    /// The report's date (`date:` of the home page): when it was published
    /// or presented.
    pub date: Option<DateView>,
    /// When it was last updated (`updated:`).
    pub updated: Option<DateView>,
    /// What changed at each update (`changes:`), newest first.
    pub changes: Vec<ChangeView>,
    /// Period.
    pub period: Option<PeriodView>,
    /// Lead officer.
    pub lead_officer: Option<PersonView>,
    /// Author.
    pub author: Option<PersonView>,
    /// Sign-off.
    pub sign_off: Vec<SignOffView>,
    /// Strategy items.
    pub strategy: Vec<StrategyView>,
    /// Recommendations.
    pub recommendations: Vec<RecommendationView>,
    /// Reasons (HTML).
    pub reasons: Option<String>,
    /// Implications.
    pub implications: Vec<ImplicationView>,
    /// Documents.
    pub documents: Vec<DocumentView>,
    /// Top-level chapters with their children.
    pub chapters: Vec<Value>,
    /// Glossary.
    pub glossary: Vec<GlossaryView>,
    /// Whether there is a glossary page.
    pub has_glossary: bool,
    /// Whether there is a full-report page (`/full-report/`).
    pub has_full_report: bool,
    /// Whether the contents beside every page list every page (a report of
    /// at most [`crate::site::FULL_REPORT_AUTO_LIMIT`] chapters and pages);
    /// else they list the chapters and the way down to the current page, so a
    /// page's size does not grow with the report's (nor with a long chapter's).
    pub contents_all: bool,
    /// Free-form values.
    pub extra: Value,
}

/// "2.4 MB", "820 KB", "512 bytes" (decimal units, as GOV.UK writes them).
pub(crate) fn human_size(bytes: u64) -> String {
    const KB: f64 = 1000.0;
    let b = bytes as f64;
    if b >= KB * KB * KB {
        format!("{:.1} GB", b / (KB * KB * KB))
    } else if b >= KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else if b >= KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Report-level Markdown fields rendered to HTML.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportHtml {
    /// One per recommendation.
    pub recommendations: Vec<String>,
    /// Reasons.
    pub reasons: Option<String>,
    /// One per implication.
    pub implications: Vec<String>,
    /// One per document: its resolved link and size.
    pub documents: Vec<DocumentLink>,
}

/// A document's link after the site's link resolver: the address to write
/// (under the base path for a file of the site), and its size (given, or read
/// from the file).
#[derive(Debug, Clone, Default)]
pub(crate) struct DocumentLink {
    /// The address, or none when there is no link (or it is not allowed).
    pub href: Option<String>,
    /// Bytes.
    pub size_bytes: Option<u64>,
}

impl<'a> ReportView<'a> {
    /// Builds the view of the whole report.
    pub(crate) fn new(links: &Links<'a>, html: ReportHtml) -> ReportView<'a> {
        let report = links.report;
        let root = report.root();
        let f = &root.source.front;
        let strategy = strategy_views(f);
        let recommendations = recommendation_views(f, html.recommendations, &strategy);
        let implications = implication_views(f, html.implications);
        let person = |p: &Option<crate::frontmatter::Person>| {
            p.as_ref().map(|p| PersonView {
                name: p.name.clone(),
                role: p.role.clone(),
            })
        };
        ReportView {
            title: root.title(),
            short_title: f.report.short_title.as_deref().unwrap_or(root.title()),
            kind: if f.kind == Some(Kind::Report) {
                "report"
            } else {
                "chapter"
            },
            organisation: f.report.organisation.as_deref(),
            presented_to: f.report.presented_to.as_deref(),
            url: links.base_path.to_string(),
            date: date(&f.date),
            updated: date(&f.updated),
            changes: changes(&f.changes),
            period: f.report.period.as_ref().map(|p| PeriodView {
                start: (&p.start).into(),
                end: (&p.end).into(),
            }),
            lead_officer: person(&f.report.lead_officer),
            author: person(&f.report.author),
            sign_off: sign_off_views(f),
            strategy,
            recommendations,
            reasons: html.reasons,
            implications,
            documents: document_views(f, &html.documents),
            chapters: root
                .children
                .iter()
                .map(|&c| links.with_children(c))
                .collect(),
            glossary: glossary_views(&report.glossary),
            has_glossary: !report.glossary.is_empty(),
            has_full_report: true,
            contents_all: true,
            extra: crate::frontmatter::extra_value(&f.extra),
        }
    }
}

fn strategy_views(f: &crate::frontmatter::FrontMatter) -> Vec<StrategyView> {
    f.report
        .strategy
        .iter()
        .flatten()
        .map(|s| StrategyView {
            id: s.id.0.clone(),
            label: s.label.clone().unwrap_or_else(|| s.id.0.clone()),
            title: s.title.clone(),
        })
        .collect()
}

/// Each recommendation with its HTML and the strategy items it refers to.
fn recommendation_views(
    f: &crate::frontmatter::FrontMatter,
    html: Vec<String>,
    strategy: &[StrategyView],
) -> Vec<RecommendationView> {
    f.report
        .recommendations
        .iter()
        .flatten()
        .zip(html)
        .map(|(r, html)| RecommendationView {
            html,
            refs: r
                .refs
                .iter()
                .filter_map(|id| strategy.iter().find(|s| s.id == id.0).cloned())
                .collect(),
        })
        .collect()
}

/// Each implication with its HTML and its heading (given, or its area's).
fn implication_views(
    f: &crate::frontmatter::FrontMatter,
    html: Vec<String>,
) -> Vec<ImplicationView> {
    f.report
        .implications
        .iter()
        .flatten()
        .zip(html)
        .map(|(i, html)| ImplicationView {
            area: i.area,
            label: i
                .label
                .clone()
                .or_else(|| i.area.default_label().map(str::to_string))
                .unwrap_or_default(),
            html,
        })
        .collect()
}

fn sign_off_views(f: &crate::frontmatter::FrontMatter) -> Vec<SignOffView> {
    f.report
        .sign_off
        .iter()
        .flatten()
        .map(|s| SignOffView {
            role: s.role.clone(),
            name: s.name.clone(),
            date: date(&s.date),
        })
        .collect()
}

/// Each document with its resolved link and size.
fn document_views(
    f: &crate::frontmatter::FrontMatter,
    links: &[DocumentLink],
) -> Vec<DocumentView> {
    f.report
        .documents
        .iter()
        .flatten()
        .zip(
            links
                .iter()
                .chain(std::iter::repeat(&DocumentLink::default())),
        )
        .map(|(d, link)| DocumentView {
            label: d.label.clone(),
            title: d.title.clone(),
            href: link.href.clone(),
            format: d.format.clone(),
            size_bytes: link.size_bytes,
            size: link.size_bytes.map(human_size),
        })
        .collect()
}

fn glossary_views(glossary: &[crate::frontmatter::GlossaryEntry]) -> Vec<GlossaryView> {
    glossary
        .iter()
        .map(|g| GlossaryView {
            term: g.term.clone(),
            id: g.id(),
            expansion: g.expansion.clone(),
            definition: g.definition.clone(),
        })
        .collect()
}

/// One chapter or page on the full-report page.
#[derive(Debug, Serialize)]
pub(crate) struct FullEntryView<'a> {
    /// Title.
    pub title: &'a str,
    /// Number.
    pub number: Option<&'a str>,
    /// URL of its own page.
    pub url: String,
    /// Kind.
    pub kind: &'static str,
    /// Its one-sentence description (shown under its heading, as on its page).
    pub description: Option<&'a str>,
    /// 1 for a top-level chapter.
    pub depth: usize,
    /// Unique id on the page.
    pub anchor: String,
    /// Body HTML, headings shifted below the entry's heading, ids prefixed.
    pub content: String,
    /// Priority lists.
    pub priority: Option<&'a PriorityView>,
    /// Case review details.
    pub case_review: Option<&'a CaseReviewView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_reports_become_one_diagnostic_each() {
        let text = "error: Unknown filter `push`\n  --> page.html:2:9\n   |\n 2 | {{ x | push(value=1) }}\n   |         ^^^^\n\nerror: Unknown filter `pop`\n  --> civic/templates/base.html:1:4\n   |\n";
        let mut origins = HashMap::new();
        origins.insert("page.html".to_string(), "templates/page.html".to_string());
        let sources = vec![(
            "page.html".to_string(),
            "line one\n{{ x | push(value=1) }}\n".to_string(),
        )];
        let ds = split_tera_reports(
            text,
            &origins,
            &sources,
            "civic/templates/",
            &Compactions::new(),
        );
        assert_eq!(ds.len(), 2);
        assert_eq!(ds[0].file, "templates/page.html");
        assert_eq!((ds[0].line, ds[0].column), (Some(2), Some(9)));
        assert_eq!(ds[0].message, "Unknown filter `push`");
        assert_eq!(
            ds[0].source_line.as_deref(),
            Some("{{ x | push(value=1) }}")
        );
        assert!(!ds[1].message.contains("error:"));
        assert!(
            split_tera_reports(
                "not a report",
                &origins,
                &sources,
                "x/",
                &Compactions::new()
            )
            .is_empty()
        );
    }

    #[test]
    fn counts_words_like_split_whitespace() {
        for text in [
            "",
            "one",
            "  two words  ",
            "tabs\tand\nnew\r\nlines\u{0b}\u{0c}x",
            "non\u{a0}breaking space and em\u{2003}space",
            "ünïcödé wörds — dashes",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        // Every whitespace character of Unicode, between words and in runs, and
        // characters that share their lead bytes but are not whitespace.
        let spaces: String = (char::MIN..=char::MAX)
            .filter(|c| c.is_whitespace())
            .collect();
        let mut text = String::new();
        for (i, c) in spaces.chars().enumerate() {
            text.push_str(&format!("w{i}{c}"));
        }
        text.push_str(&spaces);
        text.push_str("\u{a9}\u{1681}\u{2010}\u{3001}end");
        assert_eq!(count_words(&text), text.split_whitespace().count());
        for text in ["a", " ", "a b", " a", "a ", "\t\n\r\u{0b}\u{0c}x y\u{0c}"] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn reframe_shifts_and_prefixes() {
        let out = reframe(
            "<h2 id=\"a\">A</h2><h6>x</h6><a href=\"#a\">A</a><div aria-labelledby=\"a b\"></div>",
            2,
            "s-x",
            "X",
        );
        assert_eq!(
            out,
            "<h4 id=\"s-x--a\">A</h4><h6>x</h6><a href=\"#s-x--a\">A</a><div aria-labelledby=\"s-x--a s-x--b\"></div>"
        );
        let out = reframe(
            "<div role=\"region\" aria-labelledby=\"c\"></div><div role=\"region\" aria-label=\"Table 1\"></div>",
            1,
            "s-x",
            "Neglect",
        );
        assert_eq!(
            out,
            "<div role=\"region\" aria-labelledby=\"s-x--c s-x\"></div><div role=\"region\" aria-label=\"Table 1, Neglect\"></div>"
        );
        let out = reframe(
            "<div role=\"region\" aria-labelledby=\"c\"></div><div role=\"region\" aria-label=\"Table 1\"></div>",
            1,
            "s-x",
            "Neglect",
        );
        assert_eq!(
            out,
            "<div role=\"region\" aria-labelledby=\"s-x--c s-x\"></div><div role=\"region\" aria-label=\"Table 1, Neglect\"></div>"
        );
    }

    #[test]
    fn reframe_prefixes_svg_paint_references() {
        let out = reframe(
            "<svg><pattern id=\"c-p1\"></pattern><rect fill=\"url(#c-p1)\"/><rect fill=\"red\"/></svg>",
            1,
            "s-x",
            "X",
        );
        assert_eq!(
            out,
            "<svg><pattern id=\"s-x--c-p1\"></pattern><rect fill=\"url(#s-x--c-p1)\" /><rect fill=\"red\"/></svg>"
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(2_400_000), "2.4 MB");
        assert_eq!(human_size(820_000), "820 KB");
        assert_eq!(human_size(512), "512 bytes");
    }
}
