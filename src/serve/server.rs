//! The preview's HTTP server: the current build from memory, live reload over
//! Server-Sent Events.
//!
//! In: requests, and the [`Shared`] state the build loop publishes. Out:
//! - the site's files from memory, under the site's base path, with the right
//!   `Content-Type` (by extension), `X-Content-Type-Options: nosniff` and
//!   `Cache-Control: no-store`; `index.html` for folder paths; a redirect from
//!   `/x` to `/x/` when `x/index.html` exists and from `/` to the base path; the
//!   site's own `404.html` with status 404; the placeholder page (503) while no
//!   build has succeeded;
//! - every HTML response with the live-reload script and the current notice
//!   (error overlay or warnings panel) added by [`overlay::inject`];
//! - `/__reportsite/live.js`, `/__reportsite/events` (SSE: `hello`, then `reload`,
//!   `css` and `error`), `/__reportsite/status` (JSON: build id, base URL,
//!   diagnostics, file list — for tests and tools).
//!
//! Paths are percent-decoded one segment at a time and refused with 400 when a
//! segment is `.` or `..` (written plainly or encoded), or decodes to a slash,
//! a backslash or a control character (NUL included), or is not UTF-8. Files come
//! from memory, so nothing on disk can be reached anyway; the guard keeps every
//! path the server accepts unambiguous. On a loopback address, a request whose
//! `Host` is neither `localhost` nor an IP address gets 403, so a web page cannot
//! read the preview through a DNS name it points at 127.0.0.1 (DNS rebinding).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, watch};

use super::overlay::{self, PREFIX};
use super::state::{Shared, Snapshot};

/// What every request handler sees.
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

/// Serves `app` on `listener` until `app.shutdown` turns `true`.
pub async fn serve(listener: tokio::net::TcpListener, app: App) -> std::io::Result<()> {
    let mut stop = app.shutdown.clone();
    let router = Router::new().fallback(handle).with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            // An error means the sender is gone: stop too.
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
}

/// Why a path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not starting with `/`.
    NotAbsolute,
    /// A `.` or `..` segment, plain or encoded.
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
            BadPath::Dots => "the path may not contain . or .. segments",
            BadPath::HiddenSeparator => "the path may not contain encoded slashes or backslashes",
            BadPath::Control => "the path may not contain control characters",
            BadPath::Encoding => "the path is not valid percent-encoded UTF-8",
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode_segment(seg: &str) -> Result<String, BadPath> {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(h), Some(l)) => out.push(h * 16 + l),
                _ => return Err(BadPath::Encoding),
            }
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    let s = String::from_utf8(out).map_err(|_| BadPath::Encoding)?;
    if s.contains(['/', '\\']) {
        return Err(BadPath::HiddenSeparator);
    }
    if s.chars().any(char::is_control) {
        return Err(BadPath::Control);
    }
    if s == "." || s == ".." {
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
        &overlay::script_tag(&snap.build_id),
    );
    respond(status, "text/html; charset=utf-8", body)
}

async fn handle(State(app): State<App>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if app.local_hosts_only {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()))
            .unwrap_or("");
        if !is_local_host(host) {
            return text(
                StatusCode::FORBIDDEN,
                "this preview answers only to localhost and IP addresses",
            );
        }
    }
    let raw = req.uri().path();
    let path = match clean_path(raw) {
        Ok(p) => p,
        Err(why) => return text(StatusCode::BAD_REQUEST, why.message()),
    };
    if let Some(own) = path.strip_prefix(PREFIX) {
        return match own {
            "live.js" => respond(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                overlay::LIVE_JS,
            ),
            "events" => events(&app).into_response(),
            "status" => status(&app.shared.current()),
            _ => text(StatusCode::NOT_FOUND, "not found"),
        };
    }
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    site_file(&app.shared.current(), &path, raw, &query)
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
        return redirect(&format!("{raw}/{query}"));
    }
    not_found(snap, site)
}

fn not_found(snap: &Snapshot, site: &super::state::SiteFiles) -> Response {
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

struct Stream {
    hello: Option<String>,
    rx: broadcast::Receiver<super::state::LiveEvent>,
    stop: watch::Receiver<bool>,
}

/// The event stream of one open page: `hello` with the current build id, then
/// every published event, until the server stops.
fn events(app: &App) -> impl IntoResponse + use<> {
    // Subscribe before reading the build id, so no publish falls in between.
    let rx = app.shared.subscribe();
    let hello = Some(app.shared.current().build_id.clone());
    let state = Stream {
        hello,
        rx,
        stop: app.shutdown.clone(),
    };
    let stream = futures_util::stream::unfold(state, |mut st| async move {
        if let Some(id) = st.hello.take() {
            return Some((
                Ok::<Event, Infallible>(Event::default().event("hello").data(id)),
                st,
            ));
        }
        if *st.stop.borrow() {
            return None;
        }
        let next = tokio::select! {
            r = st.rx.recv() => match r {
                Ok(e) => Some(Event::default().event(e.name()).data(e.data())),
                // Too slow to keep up: reloading shows the latest build.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    Some(Event::default().event("reload").data("lagged"))
                }
                Err(broadcast::error::RecvError::Closed) => None,
            },
            _ = st.stop.wait_for(|s| *s) => None,
        };
        next.map(|ev| (Ok(ev), st))
    });
    let mut r = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

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
