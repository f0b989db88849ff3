//! HTML text shared by every stage that writes markup.
//!
//! In: plain text. Out: the same text safe inside HTML or XML content and
//! quoted attribute values. A leaf: it imports nothing of the crate, so the
//! stages before `output` (the page stages, generators, the preview) use it
//! without importing a later stage.

/// Escapes text for HTML and XML attribute values and content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
