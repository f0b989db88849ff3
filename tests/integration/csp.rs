//! The built site's Content-Security-Policy: every HTML page of a fresh build (the
//! sample report, and the second report, which has alias redirect pages) carries
//! the policy in a `<meta http-equiv>` before anything it governs, the policy
//! allows nothing from another origin, and nothing on the page needs more than
//! it allows — no `<script>` without `src`, no `<style>`, no `style=` or `on…=`
//! attributes, no `javascript:` links, no script, stylesheet, image or frame
//! from elsewhere.
//!
//! [`problems`] is the scanner; `server` uses it on pages served by the preview,
//! overlay included.

use std::cell::RefCell;

use lol_html::{RewriteStrSettings, element, rewrite_str};

use crate::common::{build, fixture, repo};

/// The policy every page ships (`themes/civic/templates/base.html`).
pub(crate) const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/// Elements that load something, and the attribute naming it.
const LOADERS: &[(&str, &str)] = &[
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("input", "src"),
];

/// Whether a URL stays on the page's own origin (relative, root-relative, a
/// fragment), or is a `data:` URL when `data_ok`.
fn own_origin(url: &str, data_ok: bool) -> bool {
    let u = url.trim().to_ascii_lowercase();
    if u.starts_with("data:") {
        return data_ok;
    }
    if u.starts_with("//") || u.starts_with("\\\\") {
        return false;
    }
    // A scheme (`https:`, `javascript:`) before any `/`, `?` or `#`.
    let end = u.find(['/', '?', '#']).unwrap_or(u.len());
    !u[..end].contains(':')
}

/// What is wrong with a policy: sources other than `'self'`, `'none'` and (for
/// images) `data:`, or a required directive missing.
fn policy_problems(policy: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for d in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words = d.split_whitespace();
        let name = words.next().unwrap_or("").to_ascii_lowercase();
        for src in words {
            let ok = src == "'self'" || src == "'none'" || (name == "img-src" && src == "data:");
            if !ok {
                out.push(format!("policy: `{name}` allows `{src}`"));
            }
        }
        if matches!(
            name.as_str(),
            "frame-ancestors" | "report-uri" | "sandbox" | "report-to"
        ) {
            out.push(format!("policy: `{name}` is ignored in a meta tag"));
        }
        seen.push(name);
    }
    for required in [
        "default-src",
        "script-src",
        "style-src",
        "object-src",
        "base-uri",
    ] {
        if !seen.iter().any(|s| s == required) {
            out.push(format!("policy: no `{required}`"));
        }
    }
    out
}

/// Everything on one page that the policy is missing for, or would block.
/// Empty when the page is fine.
pub(crate) fn problems(html: &str) -> Vec<String> {
    let found = RefCell::new(Vec::<String>::new());
    let policies = RefCell::new(Vec::<String>::new());
    // Something the policy governs appeared before the policy.
    let governed_before = RefCell::new(None::<String>);
    let settings = RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
        let tag = el.tag_name().to_ascii_lowercase();
        let mut found = found.borrow_mut();
        for attr in el.attributes() {
            let name = attr.name().to_ascii_lowercase();
            let value = attr.value();
            if name.starts_with("on") {
                found.push(format!("<{tag} {name}=…>: an event-handler attribute"));
            }
            if name == "style" {
                found.push(format!("<{tag} style=\"{value}\">: a style attribute"));
            }
            if (name == "href" || name == "src" || name == "action" || name == "formaction")
                && value.trim().to_ascii_lowercase().starts_with("javascript:")
            {
                found.push(format!("<{tag} {name}=\"{value}\">: a javascript: URL"));
            }
        }
        if tag == "meta"
            && el
                .get_attribute("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("content-security-policy"))
        {
            policies
                .borrow_mut()
                .push(el.get_attribute("content").unwrap_or_default());
            return Ok(());
        }
        if tag == "style" {
            found.push("<style>: an inline stylesheet".to_string());
        }
        if tag == "script" && el.get_attribute("src").is_none() {
            found.push("<script> without src: an inline script".to_string());
        }
        let loads = LOADERS.iter().any(|(t, _)| *t == tag);
        // A link that only names something (canonical, alternate) loads nothing.
        let link_loads = tag != "link"
            || el.get_attribute("rel").is_some_and(|r| {
                r.split_whitespace().any(|w| {
                    matches!(
                        w.to_ascii_lowercase().as_str(),
                        "stylesheet"
                            | "icon"
                            | "preload"
                            | "modulepreload"
                            | "manifest"
                            | "prefetch"
                    )
                })
            });
        if loads && link_loads {
            if policies.borrow().is_empty() && governed_before.borrow().is_none() {
                *governed_before.borrow_mut() = Some(tag.clone());
            }
            for (t, attr) in LOADERS {
                if *t != tag {
                    continue;
                }
                if let Some(v) = el.get_attribute(attr) {
                    let urls: Vec<&str> = if attr.ends_with("srcset") {
                        v.split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .collect()
                    } else {
                        vec![v.as_str()]
                    };
                    for u in urls {
                        if !own_origin(u, tag == "img" || tag == "source") {
                            found.push(format!("<{tag} {attr}=\"{u}\">: loads from elsewhere"));
                        }
                    }
                }
            }
        }
        Ok(())
    }));
    if let Err(e) = rewrite_str(html, settings) {
        return vec![format!("cannot parse the page: {e}")];
    }
    let mut out = found.into_inner();
    let policies = policies.into_inner();
    match policies.as_slice() {
        [] => out.push("no Content-Security-Policy meta".to_string()),
        [p] => out.extend(policy_problems(p)),
        _ => out.push(format!("{} Content-Security-Policy metas", policies.len())),
    }
    if let (Some(tag), false) = (governed_before.into_inner(), policies.is_empty()) {
        out.push(format!(
            "<{tag}> comes before the Content-Security-Policy meta"
        ));
    }
    out
}

/// Scans every HTML page of a fresh build of `root`; returns how many pages
/// there were and every problem as `path: problem`.
fn scan_build(root: &std::path::Path) -> (usize, Vec<String>) {
    let files = build(root).unwrap_or_else(|e| panic!("{} builds: {e}", root.display()));
    let mut pages = 0;
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        pages += 1;
        let html = std::str::from_utf8(&f.bytes).expect("UTF-8 page");
        out.extend(
            problems(html)
                .into_iter()
                .map(|p| format!("{}: {p}", f.path)),
        );
    }
    (pages, out)
}

#[test]
fn every_page_of_the_sample_ships_the_policy_and_needs_nothing_more() {
    let (pages, found) = scan_build(&repo());
    assert!(pages > 10, "only {pages} pages");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_page_of_the_second_report_too_redirects_included() {
    let root = fixture("sites/second-report");
    let files = build(&root).expect("builds");
    assert!(
        files.iter().any(|f| std::str::from_utf8(&f.bytes)
            .is_ok_and(|h| h.contains("This page has moved"))),
        "the fixture has an alias, so a redirect page is checked too"
    );
    let (pages, found) = scan_build(&root);
    assert!(pages > 5, "only {pages} pages");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_policy_is_the_documented_one() {
    let base = std::fs::read_to_string(repo().join("themes/civic/templates/base.html"))
        .expect("base.html");
    assert!(
        base.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">"
        )),
        "base.html carries the policy"
    );
    assert!(policy_problems(POLICY).is_empty());
}

#[test]
fn the_scanner_sees_what_the_policy_would_block() {
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">");
    let page = |head: &str, body: &str| {
        format!("<!doctype html><html><head>{head}</head><body>{body}</body></html>")
    };
    let good = page(
        &format!(
            "<meta charset=utf-8>{meta}<link rel=stylesheet href=/civic.css><link rel=canonical href=https://example.org/>"
        ),
        "<img src=/a.png alt=a><img src=\"data:image/png;base64,AA\" alt=b><a href=https://elsewhere.example/>out</a><script src=/x.js></script>",
    );
    assert_eq!(problems(&good), Vec::<String>::new());
    for (what, head, body) in [
        ("no meta", "", ""),
        ("inline script", meta.as_str(), "<script>alert(1)</script>"),
        ("handler", meta.as_str(), "<p onclick=\"x()\">a</p>"),
        (
            "style attribute",
            meta.as_str(),
            "<p style=\"color:red\">a</p>",
        ),
        ("style element", meta.as_str(), "<style>p{}</style>"),
        (
            "javascript: URL",
            meta.as_str(),
            "<a href=\"javascript:x()\">a</a>",
        ),
        (
            "third-party script",
            meta.as_str(),
            "<script src=https://cdn.example/x.js></script>",
        ),
        (
            "protocol-relative",
            meta.as_str(),
            "<img src=//cdn.example/a.png alt=a>",
        ),
        (
            "third-party stylesheet",
            &format!("{meta}<link rel=stylesheet href=https://fonts.example/c.css>"),
            "",
        ),
        (
            "stylesheet before meta",
            &format!("<link rel=stylesheet href=/c.css>{meta}"),
            "",
        ),
        ("two metas", &format!("{meta}{meta}"), ""),
        (
            "unsafe-inline",
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; object-src 'none'; base-uri 'self'\">",
            "",
        ),
        (
            "a third-party host",
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'self' https://cdn.example; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'\">",
            "",
        ),
        (
            "missing object-src",
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'self'; script-src 'self'; style-src 'self'; base-uri 'self'\">",
            "",
        ),
    ] {
        let found = problems(&page(head, body));
        assert!(!found.is_empty(), "{what}: not found");
    }
}
