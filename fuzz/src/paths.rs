//! What the `server_path` fuzz target asserts about the preview server's paths.
//!
//! In: the bytes of one fuzz input, read as a request target. Out: nothing when
//! `clean_path` kept its promises; a panic naming the broken one when it did not.
//! A cleaned path is absolute, has no empty, `.` or `..` segment, no backslash or
//! control character, keeps the request's trailing slash, and cleans to itself
//! once encoded again. Replayed by `tests/integration/fuzz_regressions.rs` (with
//! `#[path]`) like `checks.rs`; the end-to-end half is in `live.rs`.

use reportsite::serve::routes::{clean_path, content_type, is_local_host};

/// The longest request target worth running.
pub const MAX_LEN: usize = 64 * 1024;

/// Percent-encodes every byte of a segment that is not unreserved.
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The preview server's path cleaning, and the helpers that see the raw
/// request (`Host`, `Content-Type` by extension).
pub fn server_path(data: &[u8]) {
    let Ok(raw) = std::str::from_utf8(&data[..data.len().min(MAX_LEN)]) else {
        return;
    };
    let _ = is_local_host(raw);
    let _ = content_type(raw);
    let path = raw.split_once('?').map_or(raw, |(p, _)| p);
    let Ok(clean) = clean_path(path) else {
        return;
    };
    check_clean(path, &clean);
    // Cleaning is stable: the cleaned path, encoded again, cleans to itself.
    let encoded: Vec<String> = clean
        .trim_start_matches('/')
        .split('/')
        .map(encode_segment)
        .collect();
    let again = format!("/{}", encoded.join("/"));
    assert_eq!(
        clean_path(&again).as_deref(),
        Ok(clean.as_str()),
        "`{clean}` re-encoded as `{again}` does not clean to itself"
    );
}

/// The promises of a path `clean_path` accepted.
pub fn check_clean(raw: &str, clean: &str) {
    assert!(clean.starts_with('/'), "`{clean}` is not absolute");
    assert!(!clean.starts_with("//"), "`{clean}` starts with //");
    assert!(!clean.contains('\\'), "`{clean}` has a backslash");
    assert!(
        !clean.chars().any(char::is_control),
        "`{clean:?}` has a control character"
    );
    let inner = clean.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if !inner.is_empty() {
        for seg in inner.split('/') {
            assert!(
                !seg.is_empty() && seg != "." && seg != "..",
                "`{clean}` (from `{raw}`) has segment `{seg}`"
            );
        }
    }
    assert_eq!(
        clean.ends_with('/'),
        raw.ends_with('/') || clean == "/",
        "`{raw}` → `{clean}` changed the trailing slash"
    );
}
