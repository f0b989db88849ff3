//! What the preview server adds to HTML pages, and only the preview server: the
//! error overlay, the warnings panel, and the placeholder page shown when no
//! build has succeeded yet. None of it is ever in a build's output.
//!
//! In: a page's bytes, the latest build's diagnostics, and the tag that loads
//! the live-reload script (see [`super::reload`]). Out: the page with the
//! overlay (or panel) right after `<body …>` and the script tag before
//! `</body>` ([`inject`]); the overlay and panel themselves; and the stylesheet
//! they load, [`OVERLAY_CSS`], which the server serves under [`PREFIX`].
//!
//! Nothing added is inline — no `<script>` without `src`, no `<style>`, no
//! `style=` or `on…=` attribute — so it all works under the site's own
//! Content-Security-Policy (`script-src 'self'; style-src 'self'`): the script
//! and the stylesheet are same-origin files, and the script wires the Dismiss
//! button with `addEventListener`.
//!
//! The overlay is for the communications team, so it follows the same accessibility
//! contract as the site: `role="alert"`, a heading, focused when the page loads
//! (`tabindex="-1"`), text that wraps at 320 CSS px (no sideways scroll), AA
//! contrast in a fixed light scheme, a Dismiss button (and Escape). Every piece of
//! diagnostic text is HTML-escaped. Its styles are scoped to its own id and reset
//! the theme's (`all: revert`), so any theme shows it the same way.

use crate::error::Diagnostic;
use crate::html::escape;

/// The URL prefix of the server's own resources (outside any site path).
pub(crate) const PREFIX: &str = "/__reportsite/";

/// The styles of the overlay and the warnings panel, served at
/// `/__reportsite/overlay.css`: an external, same-origin stylesheet, so the
/// site's Content-Security-Policy (`style-src 'self'`) lets it through where an
/// inline `<style>` would be blocked.
pub(crate) const OVERLAY_CSS: &str = r#"/* reportsite watch: the error overlay and the warnings panel. Served by the preview server only. */
#reportsite-overlay,#reportsite-overlay *,#reportsite-warnings,#reportsite-warnings *{all:revert;box-sizing:border-box}
#reportsite-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1rem .5rem;background:rgba(0,0,0,.72)}
#reportsite-overlay:focus{outline:none}
#reportsite-overlay .rs-box{max-width:60rem;margin:0 auto;padding:1rem;background:#fff;color:#161616;border:3px solid #a3001b;border-left-width:.75rem;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;overflow-wrap:anywhere;word-break:break-word}
#reportsite-overlay:focus .rs-box{outline:4px solid #ffbf47;outline-offset:0}
#reportsite-overlay h2,#reportsite-warnings h2{margin:0 0 .5rem;font-size:1.375rem;line-height:1.3;color:#161616}
#reportsite-overlay h3{margin:1.25rem 0 .25rem;font-size:1.125rem;color:#161616}
#reportsite-overlay p,#reportsite-warnings p{margin:.25rem 0;color:#161616}
#reportsite-overlay ol,#reportsite-warnings ol{margin:.5rem 0;padding-left:1.5rem}
#reportsite-overlay li,#reportsite-warnings li{margin:0 0 .75rem;color:#161616}
#reportsite-overlay code,#reportsite-overlay pre,#reportsite-warnings code,#reportsite-warnings pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9375rem;color:#161616}
#reportsite-overlay pre,#reportsite-warnings pre{margin:.25rem 0;padding:.5rem;background:#f0f0f0;white-space:pre-wrap;overflow-wrap:anywhere}
#reportsite-overlay .rs-error{color:#a3001b;font-weight:700}
#reportsite-overlay .rs-warning,#reportsite-warnings .rs-warning{color:#6b4500;font-weight:700}
#reportsite-overlay .rs-advice,#reportsite-warnings .rs-advice{color:#00594c;font-weight:700}
#reportsite-overlay button,#reportsite-warnings button{font:inherit;font-size:1rem;min-height:2.75rem;min-width:2.75rem;margin:.5rem 0;padding:.5rem 1rem;background:#161616;color:#fff;border:2px solid #161616;border-radius:.25rem;cursor:pointer}
#reportsite-overlay button:focus,#reportsite-warnings button:focus,#reportsite-warnings summary:focus{outline:4px solid #ffbf47;outline-offset:2px}
#reportsite-warnings{position:fixed;left:0;right:0;bottom:0;z-index:2147483646;max-height:50vh;overflow:auto;margin:0;padding:.5rem 1rem;background:#fff;color:#161616;border-top:4px solid #6b4500;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;overflow-wrap:anywhere}
#reportsite-warnings summary{cursor:pointer;font-weight:700;min-height:1.5rem}
"#;

/// The tag that loads [`OVERLAY_CSS`]; it travels with the overlay and the
/// panel (a `<link rel="stylesheet">` may sit in `<body>`), including when the
/// live-reload script inserts the overlay into an open page.
const STYLE: &str = "<link rel=\"stylesheet\" href=\"/__reportsite/overlay.css\">";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One diagnostic as a list item: location, kind, message, source line with a
/// caret, help.
fn item(d: &Diagnostic) -> String {
    let mut s = String::from("<li>");
    let class = match d.severity {
        crate::error::Severity::Error => "rs-error",
        crate::error::Severity::Warning => "rs-warning",
        crate::error::Severity::Advice => "rs-advice",
    };
    s.push_str(&format!(
        "<p><code>{}</code> <span class=\"{class}\">{}[{}]</span></p><p>{}</p>",
        escape(&d.location()),
        d.severity,
        escape(d.code),
        escape(&d.message)
    ));
    if let (Some(line), Some(text)) = (d.line, &d.source_line) {
        let text = text.trim_end_matches('\r');
        let col = d.column.unwrap_or(1);
        let lead: String = text
            .chars()
            .take(col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let gutter = " ".repeat(line.to_string().len());
        s.push_str(&format!(
            "<pre>{line} | {}\n{gutter} | {lead}^</pre>",
            escape(text)
        ));
    }
    match (&d.page, d.wcag) {
        (Some(page), w) => {
            // The page's URL is root-relative and served by this preview.
            s.push_str(&format!(
                "<p>On the page <a href=\"{0}\">{0}</a>{1}</p>",
                escape(page),
                w.map(|w| format!(" (WCAG 2.2 success criterion {})", escape(w)))
                    .unwrap_or_default()
            ));
        }
        (None, Some(w)) => {
            s.push_str(&format!("<p>WCAG 2.2 success criterion {}</p>", escape(w)));
        }
        (None, None) => {}
    }
    if let Some(help) = &d.help {
        s.push_str(&format!(
            "<p><strong>How to fix it:</strong> {}</p>",
            escape(help)
        ));
    }
    s.push_str("</li>");
    s
}

fn list(items: &[Diagnostic]) -> String {
    let mut s = String::from("<ol>");
    for d in items {
        s.push_str(&item(d));
    }
    s.push_str("</ol>");
    s
}

/// The overlay for a failed build: every error, then every warning.
/// `has_site` says whether the last good pages are still being served.
pub(crate) fn error_overlay(
    errors: &[Diagnostic],
    warnings: &[Diagnostic],
    has_site: bool,
) -> String {
    let count = if errors.is_empty() {
        "an error".to_string()
    } else {
        plural(errors.len(), "error", "errors")
    };
    let mut s = String::from(STYLE);
    s.push_str(
        "<div id=\"reportsite-overlay\" role=\"alert\" aria-labelledby=\"reportsite-overlay-title\" tabindex=\"-1\"><div class=\"rs-box\">",
    );
    s.push_str(&format!(
        "<h2 id=\"reportsite-overlay-title\">The site did not build: {count}</h2>"
    ));
    s.push_str(if has_site {
        "<p>You are seeing the last version that built. Fix the problems below and save: this page updates by itself.</p>"
    } else {
        "<p>No version of the site has built yet. Fix the problems below and save: this page updates by itself.</p>"
    });
    s.push_str("<button type=\"button\" data-reportsite-dismiss>Dismiss</button>");
    if errors.is_empty() {
        s.push_str("<p>The build stopped without a located message; see the terminal.</p>");
    } else {
        s.push_str(&list(errors));
    }
    if !warnings.is_empty() {
        s.push_str(&format!(
            "<h3>{}</h3>",
            plural(warnings.len(), "warning", "warnings")
        ));
        s.push_str(&list(warnings));
    }
    s.push_str("</div></div>");
    s
}

/// A small panel at the bottom of every page of a good build listing its
/// warnings and the accessibility audit's findings (shown as warnings here: the
/// preview never blocks on them, though an error-level finding fails
/// `build --strict`), collapsed; `None` when there are none.
pub(crate) fn warnings_panel(warnings: &[Diagnostic], findings: &[Diagnostic]) -> Option<String> {
    // Plain-English advice has its own list; reading ages are for `check`.
    let (advice, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = warnings
        .iter()
        .filter(|d| !crate::plain_english::is_reading_age(d))
        .cloned()
        .partition(|d| d.severity == crate::error::Severity::Advice);
    if warnings.is_empty() && findings.is_empty() && advice.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !findings.is_empty() {
        parts.push(plural(
            findings.len(),
            "accessibility finding",
            "accessibility findings",
        ));
    }
    if !warnings.is_empty() {
        parts.push(plural(warnings.len(), "warning", "warnings"));
    }
    if !advice.is_empty() {
        parts.push(plural(
            advice.len(),
            "piece of plain-English advice",
            "pieces of plain-English advice",
        ));
    }
    let mut s = String::from(STYLE);
    s.push_str("<aside id=\"reportsite-warnings\" aria-label=\"Build warnings\">");
    s.push_str(&format!(
        "<details><summary>The site built, with {} (only this preview shows them)</summary>",
        parts.join(" and ")
    ));
    if !findings.is_empty() {
        s.push_str("<p>From the accessibility audit: an error here fails <code>reportsite build --strict</code>.</p>");
        s.push_str(&list(findings));
    }
    if !warnings.is_empty() {
        s.push_str(&list(&warnings));
    }
    if !advice.is_empty() {
        s.push_str("<p>Plain-English advice: it never fails a build (see <code>[plain_english]</code> in README.md).</p>");
        s.push_str(&list(&advice));
    }
    s.push_str(
        "</details><button type=\"button\" data-reportsite-dismiss>Dismiss</button></aside>",
    );
    Some(s)
}

/// The page served for every path while no build has succeeded.
pub(crate) fn placeholder_page() -> &'static str {
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Not built yet – reportsite preview</title></head>\
<body><main><h1>The site has not built yet</h1>\
<p>The problems that stop it are listed on this page and in the terminal. Fix them and save: this page updates by itself.</p>\
</main></body></html>\n"
}

/// Finds `needle` (ASCII, lower case) in `hay` ignoring ASCII case.
fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len())
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The end (one past `>`) of the `<body …>` start tag, skipping quoted
/// attribute values.
fn after_body_tag(html: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let start = find_ci(html, b"<body", from)?;
        let next = html.get(start + 5).copied();
        if !matches!(
            next,
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
        ) {
            from = start + 5;
            continue;
        }
        let mut quote: Option<u8> = None;
        for (i, &b) in html.iter().enumerate().skip(start + 5) {
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => return Some(i + 1),
                None => {}
            }
        }
        return None;
    }
}

/// The page with `notice` right after `<body …>` (at the start when there is no
/// body tag) and `script` right before the last `</body>` (at the end when there
/// is none).
pub(crate) fn inject(html: &[u8], notice: Option<&str>, script: &str) -> Vec<u8> {
    let extra = notice.map_or(0, str::len) + script.len();
    let mut out = Vec::with_capacity(html.len() + extra);
    let notice_at = notice.map(|_| after_body_tag(html).unwrap_or(0));
    let script_at = rfind_ci(html, b"</body").unwrap_or(html.len());
    let mut pos = 0;
    if let (Some(n), Some(at)) = (notice, notice_at)
        && at <= script_at
    {
        out.extend_from_slice(&html[..at]);
        out.extend_from_slice(n.as_bytes());
        pos = at;
    }
    out.extend_from_slice(&html[pos..script_at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[script_at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_after_body_and_before_its_end() {
        let page = b"<html><head></head><BODY class=\"a>b\"><p>x</p></body></html>";
        let out = inject(page, Some("<N>"), "<S>");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "<html><head></head><BODY class=\"a>b\"><N><p>x</p><S></body></html>"
        );
        // Without tags, at the edges; without a notice, only the script.
        assert_eq!(
            inject(b"<p>x</p>", Some("<N>"), "<S>"),
            b"<N><p>x</p><S>".to_vec()
        );
        assert_eq!(
            inject(b"<body><p>x</p></body>", None, "<S>"),
            b"<body><p>x</p><S></body>".to_vec()
        );
        // `<bodyx>` is not a body tag.
        assert_eq!(
            inject(b"<bodyx><body>", Some("<N>"), ""),
            b"<bodyx><body><N>".to_vec()
        );
    }

    #[test]
    fn overlay_escapes_and_locates() {
        let d = Diagnostic::error("unknown-key", "content/<a>.md", "unknown key `titel` & <b>")
            .at_in("---\ntitel: <x>\n---\n", 2, 1)
            .help("did you mean `title`?");
        let w = Diagnostic::warning("img", "content/b.md", "image without alt");
        let html = error_overlay(&[d], &[w], true);
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("tabindex=\"-1\""));
        assert!(
            html.contains(
                "<h2 id=\"reportsite-overlay-title\">The site did not build: 1 error</h2>"
            )
        );
        assert!(html.contains("content/&lt;a&gt;.md:2:1"));
        assert!(html.contains("unknown key `titel` &amp; &lt;b&gt;"));
        assert!(html.contains("2 | titel: &lt;x&gt;\n  | ^"));
        assert!(html.contains("did you mean `title`?"));
        assert!(html.contains("<h3>1 warning</h3>"));
        assert!(html.contains("data-reportsite-dismiss"));
        assert!(!html.contains("<a>") && !html.contains("<b>"));
    }

    #[test]
    fn no_panel_without_warnings() {
        assert!(warnings_panel(&[], &[]).is_none());
        let w = Diagnostic::warning("x", "f", "<w>");
        let p = warnings_panel(&[w], &[]).unwrap_or_default();
        assert!(p.contains("&lt;w&gt;") && p.contains("1 warning"));
    }

    #[test]
    fn findings_link_their_page() {
        let mut f = Diagnostic::error("image-alt-empty", "content/a.md", "empty alt");
        f.page = Some("/sub/a/".into());
        f.wcag = Some("1.1.1");
        let p = warnings_panel(&[], &[f]).unwrap_or_default();
        assert!(p.contains("The site built, with 1 accessibility finding"));
        assert!(p.contains("<a href=\"/sub/a/\">/sub/a/</a> (WCAG 2.2 success criterion 1.1.1)"));
    }

    #[test]
    fn nothing_added_is_inline() {
        let d = Diagnostic::error("x", "content/a.md", "<b onclick=x()>").at(1, 1);
        let w = Diagnostic::warning("y", "content/b.md", "style=\"x\"");
        let added = [
            error_overlay(std::slice::from_ref(&d), std::slice::from_ref(&w), true),
            warnings_panel(&[w], &[d]).unwrap_or_default(),
            super::super::reload::script_tag("b-1"),
        ];
        for html in added {
            let lower = html.to_ascii_lowercase();
            // Every tag (text is escaped, so each `<` starts one).
            for tag in lower
                .split('<')
                .skip(1)
                .map(|t| t.split('>').next().unwrap_or(t))
            {
                assert!(!tag.starts_with("style"), "<{tag}>");
                assert!(!tag.contains(" style="), "<{tag}>");
                assert!(!tag.contains(" on"), "an on…= attribute: <{tag}>");
                if tag.starts_with("script") {
                    assert!(tag.starts_with("script src=\"/__reportsite/"), "<{tag}>");
                }
            }
        }
        assert!(OVERLAY_CSS.contains("#reportsite-overlay{position:fixed"));
        assert!(error_overlay(&[], &[], true).starts_with(STYLE));
    }
}
