//! What a URL points at: a document format, another site, a page of this
//! site.
//!
//! In: a link's `href` or a `src`. Out: the format, the host, or the site path
//! and fragment.

/// Document formats a link may point at, by file extension.
pub(super) const DOCUMENT_FORMATS: &[(&str, &str)] = &[
    ("pdf", "PDF"),
    ("doc", "Word"),
    ("docx", "Word"),
    ("xls", "Excel"),
    ("xlsx", "Excel"),
    ("ppt", "PowerPoint"),
    ("pptx", "PowerPoint"),
    ("odt", "ODT"),
    ("ods", "ODS"),
    ("odp", "ODP"),
    ("csv", "CSV"),
    ("rtf", "RTF"),
];

/// The document format of a link target, by extension.
pub(super) fn document_format(href: &str) -> Option<&'static str> {
    let b = href.as_bytes();
    let path = &b[..memchr::memchr2(b'?', b'#', b).unwrap_or(b.len())];
    let ext = &path[memchr::memrchr(b'.', path)? + 1..];
    // Compared without a lowercased copy: every link of every page asks.
    DOCUMENT_FORMATS
        .iter()
        .find(|(e, _)| ext.eq_ignore_ascii_case(e.as_bytes()))
        .map(|(_, f)| *f)
}

/// The host of `url` when it is on another site than `origin`.
pub(super) fn third_party(url: &str, origin: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let own = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or(origin);
    (!host.is_empty() && !host.eq_ignore_ascii_case(own)).then(|| host.to_string())
}

/// The site path (below the base path) and fragment an internal link points at,
/// or None for external links and links outside the base path.
pub(super) fn internal_target(
    href: &str,
    page_url: &str,
    base: &str,
    origin: &str,
) -> Option<(String, String)> {
    // Most links (navigation, links between pages): a path from the site's
    // root as it stands, without spaces around it, a scheme, a query or a
    // fragment, read in one look at its bytes.
    let b = href.as_bytes();
    if b.first() == Some(&b'/')
        && b.get(1) != Some(&b'/')
        && b.last()
            .is_some_and(|c| c.is_ascii() && !c.is_ascii_whitespace())
        && (origin.is_empty() || !href.starts_with(origin))
        && !b.iter().any(|c| matches!(c, b':' | b'#' | b'?'))
    {
        return Some((below_base(href, base)?.to_string(), String::new()));
    }
    target_read_in_full(href, page_url, base, origin)
}

/// [`internal_target`] of any link.
fn target_read_in_full(
    href: &str,
    page_url: &str,
    base: &str,
    origin: &str,
) -> Option<(String, String)> {
    let href = href.trim();
    if href.is_empty() || href.starts_with("mailto:") || href.starts_with("tel:") {
        return None;
    }
    let href = if !origin.is_empty() && href.starts_with(origin) {
        &href[origin.len()..]
    } else {
        href
    };
    let b = href.as_bytes();
    // Byte searches: every link of every page comes here.
    let scheme = memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//"));
    if scheme
        || href.starts_with("//")
        || href.starts_with("data:")
        || href.starts_with("javascript:")
    {
        return None;
    }
    let (path, fragment) = match memchr::memchr(b'#', b) {
        Some(i) => (&href[..i], href[i + 1..].to_string()),
        None => (href, String::new()),
    };
    let path = &path[..memchr::memchr(b'?', path.as_bytes()).unwrap_or(path.len())];
    let below = if path.starts_with('/') {
        below_base(path, base)?.to_string()
    } else {
        let dir = &page_url[..page_url.rfind('/').map(|i| i + 1).unwrap_or(0)];
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let mut joined = format!("/{}", parts.join("/"));
        if (path.ends_with('/') || path.is_empty()) && !joined.ends_with('/') {
            joined.push('/');
        }
        below_base(&joined, base)?.to_string()
    };
    Some((below, fragment))
}

/// The part of the site path `absolute` below the base path `base`; `""` for
/// the base path written without its last `/`; None outside it.
fn below_base<'a>(absolute: &'a str, base: &str) -> Option<&'a str> {
    absolute.strip_prefix(base).or_else(|| {
        let slash_less = base.strip_suffix('/')?;
        (slash_less == absolute).then_some("")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one look at a path from the root gives what reading the link
        /// in full gives.
        #[test]
        fn a_root_path_seen_at_once_is_read_as_in_full(
            href in "(/|sub|a|:|#|\\?|//| |\u{a0}|\t|https://example.org|\\.\\.|x\\.pdf){0,6}",
            base in "(/|/sub/|/sub)",
            origin in "(|https://example.org|/sub)",
        ) {
            proptest::prop_assert_eq!(
                internal_target(&href, "/sub/a/", &base, &origin),
                target_read_in_full(&href, "/sub/a/", &base, &origin)
            );
        }
    }

    #[test]
    fn spaces_around_a_root_path_are_not_part_of_it() {
        for href in ["/a ", "/a\u{a0}", " /a", "/a\t"] {
            assert_eq!(
                internal_target(href, "/", "/", ""),
                Some(("a".to_string(), String::new())),
                "{href:?}"
            );
        }
    }
}
