//! Routes: what each request is answered with.
//!
//! In: a request (method, `Host`, path, query) and the [`Shared`] state the build
//! loop publishes. Out: a [`Route`] — the typed table of what the preview
//! serves — then the response for it:
//! - [`Route::Site`]: the site's files from memory, under the site's base path,
//!   with the right `Content-Type` (by extension), `X-Content-Type-Options:
//!   nosniff` and `Cache-Control: no-store`; `index.html` for folder paths (never
//!   a listing); a redirect from `/x` to `/x/` when `x/index.html` exists and
//!   from `/` to the base path; the site's own `404.html` with status 404; the
//!   placeholder page (503) while no build has succeeded. Every HTML response
//!   gets the live-reload script and the current notice (error overlay or
//!   warnings panel), added by `overlay::inject`;
//! - the server's own files under `/__reportsite/`: `live.js` and `overlay.css`
//!   (external files, so they work under the site's Content-Security-Policy),
//!   `events` (the live-reload stream, see `reload`), `status` (JSON: build
//!   id, base URL, diagnostics, file list — for tests and tools).
//!
//! Refused before any route ([`Refused`]): methods other than GET and HEAD (405);
//! on a loopback address, a request whose `Host` is neither `localhost` nor an
//! IP address (403), so a web page cannot read the preview through a DNS name it
//! points at 127.0.0.1 (DNS rebinding); and paths that are not clean (400).
//! Paths are percent-decoded one segment at a time and refused when a segment is
//! made only of dots (`.`, `..`, `...`, written plainly or encoded), or decodes
//! to a slash, a backslash or a control character (NUL included), or is not
//! UTF-8. Files come from memory, so nothing on disk can be reached anyway; the
//! guard keeps every path the server accepts unambiguous.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{self, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use tokio::sync::{Semaphore, watch};

use super::overlay::{self, PREFIX};
use super::reload;
use super::state::{Shared, SiteFiles, Snapshot};

/// What every request is answered from.
#[derive(Clone)]
pub struct App {
    /// The published builds.
    pub shared: Arc<Shared>,
    /// Turns `true` when the server is stopping, which ends the event streams.
    pub shutdown: watch::Receiver<bool>,
    /// Answer only requests addressed to this machine by name or number
    /// (`localhost`, `127.0.0.1`, `[::1]`): set when listening on a loopback
    /// address, so a web page elsewhere cannot read the preview through a DNS
    /// name that it points at 127.0.0.1 (DNS rebinding).
    pub local_hosts_only: bool,
}

/// What a request asks for, once it is accepted.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// A path of the site, percent-decoded and checked (`/reports/x/a/`).
    Site(String),
    /// `live.js`: the live-reload script.
    LiveJs,
    /// `overlay.css`: the styles of the overlay and the warnings panel.
    OverlayCss,
    /// `events`: the live-reload event stream of one open page.
    Events,
    /// `status`: the published state as JSON.
    Status,
    /// Any other name under `/__reportsite/` (404).
    UnknownOwn,
}

/// Why a request gets no route.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Neither GET nor HEAD (405).
    Method,
    /// A `Host` that is not this machine's, on a loopback server (403).
    Host,
    /// A path that is not clean (400).
    Path(BadPath),
}

impl Route {
    /// The route of a request: its method, its `Host` (empty when it has none)
    /// and its path (without the query), checked in that order.
    pub(crate) fn of(
        method: &Method,
        host: &str,
        raw_path: &str,
        local_hosts_only: bool,
    ) -> Result<Route, Refused> {
        if method != Method::GET && method != Method::HEAD {
            return Err(Refused::Method);
        }
        if local_hosts_only && !is_local_host(host) {
            return Err(Refused::Host);
        }
        let path = clean_path(raw_path).map_err(Refused::Path)?;
        Ok(match path.strip_prefix(PREFIX) {
            Some(own) => Route::own(own),
            None => Route::Site(path),
        })
    }

    /// The server's own files, by their name under [`PREFIX`].
    fn own(name: &str) -> Route {
        match name {
            "live.js" => Route::LiveJs,
            "overlay.css" => Route::OverlayCss,
            "events" => Route::Events,
            "status" => Route::Status,
            _ => Route::UnknownOwn,
        }
    }
}

impl Refused {
    fn response(&self) -> Response {
        match self {
            Refused::Method => {
                let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
                r
            }
            Refused::Host => text(
                StatusCode::FORBIDDEN,
                "this preview answers only to localhost and IP addresses",
            ),
            Refused::Path(why) => text(StatusCode::BAD_REQUEST, why.message()),
        }
    }
}

/// Answers one request (synchronously: everything is in memory). `streams`
/// holds one permit per event stream the server still allows.
pub(crate) fn answer<B>(app: &App, streams: &Arc<Semaphore>, req: &http::Request<B>) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    let raw = req.uri().path();
    let route = match Route::of(req.method(), host, raw, app.local_hosts_only) {
        Ok(route) => route,
        Err(why) => return why.response(),
    };
    match route {
        Route::Site(path) => {
            let query = req
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            site_file(&app.shared.current(), &path, raw, &query)
        }
        Route::LiveJs => respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            reload::LIVE_JS,
        ),
        Route::OverlayCss => respond(
            StatusCode::OK,
            "text/css; charset=utf-8",
            overlay::OVERLAY_CSS,
        ),
        Route::Events => match streams.clone().try_acquire_owned() {
            Ok(slot) => reload::stream(&app.shared, app.shutdown.clone(), slot),
            Err(_) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many pages of this preview are open: close some, then reload this one for live reload",
            ),
        },
        Route::Status => status(&app.shared.current()),
        Route::UnknownOwn => text(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Whether a `Host` header names this machine: `localhost` (or a name under
/// `.localhost`) or an IP address, with or without a port.
pub fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        match rest.split_once(']') {
            Some((v6, _)) => return v6.parse::<std::net::Ipv6Addr>().is_ok(),
            None => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// Why a path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not starting with `/`.
    NotAbsolute,
    /// A segment made only of dots (`.`, `..`, `...`), plain or encoded.
    Dots,
    /// `%2f`, `%5c` or a backslash: a separator hidden in a segment.
    HiddenSeparator,
    /// A control character, NUL included.
    Control,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    Encoding,
}

impl BadPath {
    fn message(&self) -> &'static str {
        match self {
            BadPath::NotAbsolute => "the path must start with /",
            BadPath::Dots => "the path may not contain segments made only of dots (. or ..)",
            BadPath::HiddenSeparator => "the path may not contain encoded slashes or backslashes",
            BadPath::Control => "the path may not contain control characters",
            BadPath::Encoding => "the path is not valid percent-encoded UTF-8",
        }
    }
}

fn decode_segment(seg: &str) -> Result<String, BadPath> {
    // A `%` must start a valid escape: percent-encoding passes a lone one through.
    let bytes = seg.as_bytes();
    for (i, _) in seg.match_indices('%') {
        let valid = bytes
            .get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if !valid {
            return Err(BadPath::Encoding);
        }
    }
    let out: Vec<u8> = percent_encoding::percent_decode_str(seg).collect();
    let s = String::from_utf8(out).map_err(|_| BadPath::Encoding)?;
    if s.contains(['/', '\\']) {
        return Err(BadPath::HiddenSeparator);
    }
    if s.chars().any(char::is_control) {
        return Err(BadPath::Control);
    }
    // `.` and `..`, and `...` and the like, which some systems read as `..`.
    if !s.is_empty() && s.chars().all(|c| c == '.') {
        return Err(BadPath::Dots);
    }
    Ok(s)
}

/// Decodes and checks a request path (without the query): `/a/%C3%A9/` →
/// `/a/é/`. Empty segments (`//`) are dropped; a final `/` is kept.
pub fn clean_path(raw: &str) -> Result<String, BadPath> {
    let rest = raw.strip_prefix('/').ok_or(BadPath::NotAbsolute)?;
    if raw.contains('\\') {
        return Err(BadPath::HiddenSeparator);
    }
    let mut segments = Vec::new();
    for seg in rest.split('/') {
        let s = decode_segment(seg)?;
        if !s.is_empty() {
            segments.push(s);
        }
    }
    let mut out = String::from("/");
    out.push_str(&segments.join("/"));
    if raw.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    Ok(out)
}

/// The `Content-Type` for an output path.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        );
    if text && mime.get_param(mime_guess::mime::CHARSET).is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.to_string()
    }
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn text(status: StatusCode, msg: &str) -> Response {
    respond(status, "text/plain; charset=utf-8", format!("{msg}\n"))
}

fn redirect(to: &str) -> Response {
    let mut r = text(StatusCode::FOUND, &format!("moved to {to}"));
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// An HTML page with the notice and the live-reload script added.
fn page(status: StatusCode, bytes: &[u8], snap: &Snapshot) -> Response {
    let body = overlay::inject(
        bytes,
        snap.notice.as_deref(),
        &reload::script_tag(&snap.build_id),
    );
    respond(status, "text/html; charset=utf-8", body)
}

/// Answers a path of the site from the snapshot.
fn site_file(snap: &Snapshot, path: &str, raw: &str, query: &str) -> Response {
    let Some(site) = &snap.site else {
        return page(
            StatusCode::SERVICE_UNAVAILABLE,
            overlay::placeholder_page().as_bytes(),
            snap,
        );
    };
    let base = site.base_path.as_str();
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        return redirect(base);
    }
    let Some(rel) = path.strip_prefix(base) else {
        return not_found(snap, site);
    };
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = site.files.get(&rel) {
        return if is_html(&rel) {
            page(StatusCode::OK, bytes, snap)
        } else {
            respond(StatusCode::OK, &content_type(&rel), bytes.clone())
        };
    }
    if site.files.contains_key(&format!("{rel}/index.html")) {
        // One leading slash: `//x` as a Location is another host (found by
        // fuzzing: `//reports/background` went to the host `reports`).
        let raw = raw.trim_start_matches('/');
        return redirect(&format!("/{raw}/{query}"));
    }
    not_found(snap, site)
}

fn not_found(snap: &Snapshot, site: &SiteFiles) -> Response {
    match site.files.get("404.html") {
        Some(bytes) => page(StatusCode::NOT_FOUND, bytes, snap),
        None => text(StatusCode::NOT_FOUND, "not found"),
    }
}

fn status(snap: &Snapshot) -> Response {
    let mut files: Vec<&String> = snap
        .site
        .as_ref()
        .map(|s| s.files.keys().collect())
        .unwrap_or_default();
    files.sort();
    let json = serde_json::json!({
        "build": snap.build_id,
        "ok": snap.errors.is_empty() && snap.site.is_some(),
        "base_url": snap.site.as_ref().map(|s| s.base_url.as_str()),
        "base_path": snap.site.as_ref().map(|s| s.base_path.as_str()),
        "errors": snap.errors,
        "warnings": snap.warnings,
        "findings": snap.findings,
        "files": files,
    });
    respond(
        StatusCode::OK,
        "application/json",
        Bytes::from(json.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_typed() {
        let of = |m: &Method, host: &str, p: &str| Route::of(m, host, p, true);
        let get = &Method::GET;
        assert_eq!(
            of(get, "127.0.0.1:1", "/a/%C3%A9/"),
            Ok(Route::Site("/a/é/".into()))
        );
        assert_eq!(
            of(&Method::HEAD, "localhost", "/"),
            Ok(Route::Site("/".into()))
        );
        assert_eq!(of(get, "", "/__reportsite/live.js"), Err(Refused::Host));
        assert_eq!(
            Route::of(get, "", "/__reportsite/live.js", false),
            Ok(Route::LiveJs)
        );
        assert_eq!(
            of(get, "[::1]:9", "/__reportsite/overlay.css"),
            Ok(Route::OverlayCss)
        );
        assert_eq!(
            of(get, "localhost", "/__reportsite/events"),
            Ok(Route::Events)
        );
        assert_eq!(
            of(get, "localhost", "/__reportsite//status"),
            Ok(Route::Status)
        );
        assert_eq!(
            of(get, "localhost", "/__reportsite/x"),
            Ok(Route::UnknownOwn)
        );
        assert_eq!(
            of(&Method::POST, "evil.example", "/.."),
            Err(Refused::Method)
        );
        assert_eq!(of(get, "evil.example", "/"), Err(Refused::Host));
        assert_eq!(
            of(get, "localhost", "/../x"),
            Err(Refused::Path(BadPath::Dots))
        );
    }

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("/"), Ok("/".into()));
        assert_eq!(clean_path("/a/b/"), Ok("/a/b/".into()));
        assert_eq!(clean_path("/a//b"), Ok("/a/b".into()));
        assert_eq!(clean_path("/caf%C3%A9/"), Ok("/café/".into()));
        assert_eq!(clean_path("/a%20b.html"), Ok("/a b.html".into()));
    }

    #[test]
    fn refuses_paths_that_climb_or_hide() {
        for (p, why) in [
            ("/../Cargo.toml", BadPath::Dots),
            ("/a/../../x", BadPath::Dots),
            ("/./x", BadPath::Dots),
            ("/%2e%2e/x", BadPath::Dots),
            ("/%2E%2e/x", BadPath::Dots),
            ("/.%2e/x", BadPath::Dots),
            ("/a%2f..%2f..%2fx", BadPath::HiddenSeparator),
            ("/a%2F..", BadPath::HiddenSeparator),
            ("/..\\x", BadPath::HiddenSeparator),
            ("/a%5c..%5cx", BadPath::HiddenSeparator),
            ("/a%00.html", BadPath::Control),
            ("/a%0a", BadPath::Control),
            ("/a%zz", BadPath::Encoding),
            ("/a%2", BadPath::Encoding),
            ("/a%ff", BadPath::Encoding),
            ("a", BadPath::NotAbsolute),
            ("/.../x", BadPath::Dots),
            ("/a/%2e%2e%2e", BadPath::Dots),
        ] {
            assert_eq!(clean_path(p), Err(why), "{p}");
        }
    }

    #[test]
    fn only_local_host_names() {
        for ok in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:80",
            "LOCALHOST",
            "app.localhost:3000",
            "[::1]:1111",
            "192.168.1.5:1111",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "",
            "[nope]:1",
            "127.0.0.1.evil.example",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("civic.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.pdf"), "application/pdf");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
