//! The preview's HTTP server: the current build from memory, live reload over
//! Server-Sent Events.
//!
//! In: TCP connections on the listener, and the [`Shared`] state the build loop
//! publishes. Out:
//! - the site's files from memory, under the site's base path, with the right
//!   `Content-Type` (by extension), `X-Content-Type-Options: nosniff` and
//!   `Cache-Control: no-store`; `index.html` for folder paths (never a listing);
//!   a redirect from `/x` to `/x/` when `x/index.html` exists and from `/` to the
//!   base path; the site's own `404.html` with status 404; the placeholder page
//!   (503) while no build has succeeded;
//! - every HTML response with the live-reload script and the current notice
//!   (error overlay or warnings panel) added by [`overlay::inject`];
//! - `/__reportsite/live.js` and `/__reportsite/overlay.css` (external files, so
//!   they work under the site's Content-Security-Policy), `/__reportsite/events`
//!   (SSE: `hello`, then `reload`, `css` and `error`), `/__reportsite/status`
//!   (JSON: build id, base URL, diagnostics, file list — for tests and tools).
//!
//! Paths are percent-decoded one segment at a time and refused with 400 when a
//! segment is made only of dots (`.`, `..`, `...`, written plainly or encoded),
//! or decodes to a slash, a backslash or a control character (NUL included), or
//! is not UTF-8. Files come from memory, so nothing on disk can be reached
//! anyway; the guard keeps every path the server accepts unambiguous. On a
//! loopback address, a request whose `Host` is neither `localhost` nor an IP
//! address gets 403, so a web page cannot read the preview through a DNS name it
//! points at 127.0.0.1 (DNS rebinding).
//!
//! The accept loop drives hyper's HTTP/1 connections itself, with [`Limits`]:
//! request headers are capped in size (431) and must arrive within a deadline
//! (the connection is closed otherwise: a slow-loris client that dribbles its
//! headers loses its connection); connections are capped in number, and when
//! every slot is taken a new connection closes the one that has been idle the
//! longest (a keep-alive connection between requests, or a client that has not
//! finished its headers) — so clients holding connections open without asking
//! for anything cannot keep out one that asks; live-reload streams have a cap of
//! their own, below the connection cap.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{self, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, broadcast, watch};

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

/// How much one server lets its clients take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once, event streams included (a browser opens up to
    /// six per host, one of them each open page's event stream).
    pub connections: usize,
    /// Live-reload event streams open at once (one per open page); past it a
    /// page gets 503 and no live reload, and the other connections stay free.
    pub event_streams: usize,
    /// The largest request head (request line and headers) in bytes; larger
    /// gets 431 and the connection is closed.
    pub header_bytes: usize,
    /// How long a client has to send a whole request head, counted from when
    /// the server starts waiting for it (also between requests on a kept-alive
    /// connection); then the connection is closed.
    pub header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 512,
            event_streams: 256,
            header_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// The largest connection cap [`serve_with`] accepts (more is taken as this).
const MAX_CONNECTIONS: usize = 65_536;

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

/// One open connection, as the accept loop sees it.
#[derive(Debug)]
struct Conn {
    /// Requests whose response body has not been handed over yet (an event
    /// stream stays busy while it is open).
    busy: usize,
    /// When it last became idle (accepted, or its last response handed over).
    idle_since: Instant,
    /// Already chosen to make room: not chosen again.
    evicted: bool,
    /// Ends the connection's task.
    close: Arc<Notify>,
}

#[derive(Debug, Default)]
struct ConnTable {
    next: u64,
    open: HashMap<u64, Conn>,
}

/// The open connections: which are idle, and how to close one.
#[derive(Debug, Default)]
struct Conns {
    table: Mutex<ConnTable>,
}

impl Conns {
    fn lock(&self) -> MutexGuard<'_, ConnTable> {
        // A poisoned lock only means a holder panicked between two whole updates.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection: its id and what closes it.
    fn open(&self) -> (u64, Arc<Notify>) {
        let mut t = self.lock();
        let id = t.next;
        t.next += 1;
        let close = Arc::new(Notify::new());
        t.open.insert(
            id,
            Conn {
                busy: 0,
                idle_since: Instant::now(),
                evicted: false,
                close: close.clone(),
            },
        );
        (id, close)
    }

    fn forget(&self, id: u64) {
        self.lock().open.remove(&id);
    }

    /// Marks a request of connection `id` as under way until the guard drops.
    fn busy(self: &Arc<Self>, id: u64) -> Busy {
        if let Some(c) = self.lock().open.get_mut(&id) {
            c.busy += 1;
        }
        Busy {
            conns: self.clone(),
            id,
        }
    }

    /// Closes the connection idle the longest, if any is idle; says whether
    /// one was.
    fn evict_idlest(&self) -> bool {
        let mut t = self.lock();
        let victim = t
            .open
            .values_mut()
            .filter(|c| c.busy == 0 && !c.evicted)
            .min_by_key(|c| c.idle_since);
        match victim {
            Some(c) => {
                c.evicted = true;
                // Stored if the task is not waiting yet: it still ends.
                c.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A request under way on a connection; dropping it (with the response body,
/// once hyper has taken all of it) makes the connection idle again.
struct Busy {
    conns: Arc<Conns>,
    id: u64,
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(c) = self.conns.lock().open.get_mut(&self.id) {
            c.busy = c.busy.saturating_sub(1);
            if c.busy == 0 {
                c.idle_since = Instant::now();
            }
        }
    }
}

/// Removes a connection from the table when its task ends, however it ends.
struct Registered {
    conns: Arc<Conns>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.conns.forget(self.id);
    }
}

/// A response body that keeps its request counted as under way until it is
/// dropped.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Everything the connections share.
struct Server {
    app: App,
    conns: Arc<Conns>,
    /// One permit per open event stream.
    streams: Arc<Semaphore>,
    http: hyper::server::conn::http1::Builder,
}

/// Serves `app` on `listener` with the default [`Limits`] until `app.shutdown`
/// turns `true`.
pub async fn serve(listener: TcpListener, app: App) -> std::io::Result<()> {
    serve_with(listener, app, Limits::default()).await
}

/// Serves `app` on `listener` within `limits` until `app.shutdown` turns
/// `true`, then lets open connections finish (event streams end at once).
pub async fn serve_with(listener: TcpListener, app: App, limits: Limits) -> std::io::Result<()> {
    let slots_total = limits.connections.clamp(1, MAX_CONNECTIONS);
    let header_bytes = limits.header_bytes.max(1024);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(header_bytes)
        // hyper's own floor is 8 KiB; the buffer holds the head and a little more.
        .max_buf_size((header_bytes * 2).max(8192));
    let mut stop = app.shutdown.clone();
    let server = Arc::new(Server {
        app,
        conns: Arc::new(Conns::default()),
        streams: Arc::new(Semaphore::new(limits.event_streams)),
        http,
    });
    let slots = Arc::new(Semaphore::new(slots_total));
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stopped(&mut stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or a client gone before it was
                // accepted: nothing to answer; try again in a moment rather
                // than spin.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                // Full: make room by closing the connection idle the longest;
                // when every one is busy, wait for one to finish.
                server.conns.evict_idlest();
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    _ = stopped(&mut stop) => break,
                }
            }
        };
        tokio::spawn(connection(server.clone(), stream, slot));
    }
    // Each connection ends on the same signal; wait until all have.
    let all = u32::try_from(slots_total).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

/// Resolves once the server is told to stop (or the sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Serves one connection until it ends, is evicted, or the server stops.
async fn connection(server: Arc<Server>, stream: TcpStream, _slot: OwnedSemaphorePermit) {
    let (id, close) = server.conns.open();
    let _registered = Registered {
        conns: server.conns.clone(),
        id,
    };
    let for_requests = server.clone();
    let service = hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
        let busy = for_requests.conns.busy(id);
        let response = handle(&for_requests, &req).map(|body| Tracked { body, _busy: busy });
        std::future::ready(Ok::<_, Infallible>(response))
    });
    let conn = server.http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut stop = server.app.shutdown.clone();
    tokio::select! {
        // Errors here are the client's (gone, malformed, too slow): hyper has
        // already answered what could be answered.
        _ = conn.as_mut() => {}
        _ = close.notified() => {}
        _ = stopped(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(1), conn.as_mut()).await;
        }
    }
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
        &overlay::script_tag(&snap.build_id),
    );
    respond(status, "text/html; charset=utf-8", body)
}

/// Answers one request (synchronously: everything is in memory).
fn handle<B>(server: &Server, req: &http::Request<B>) -> Response {
    let app = &server.app;
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
            "overlay.css" => respond(
                StatusCode::OK,
                "text/css; charset=utf-8",
                overlay::OVERLAY_CSS,
            ),
            "events" => match server.streams.clone().try_acquire_owned() {
                Ok(slot) => events(app, slot).into_response(),
                Err(_) => text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many pages of this preview are open: close some, then reload this one for live reload",
                ),
            },
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
        // One leading slash: `//x` as a Location is another host (found by
        // fuzzing: `//reports/background` went to the host `reports`).
        let raw = raw.trim_start_matches('/');
        return redirect(&format!("/{raw}/{query}"));
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
    /// Holds one of the server's event-stream places while the stream is open.
    _slot: OwnedSemaphorePermit,
    rx: broadcast::Receiver<super::state::LiveEvent>,
    stop: watch::Receiver<bool>,
}

/// The event stream of one open page: `hello` with the current build id, then
/// every published event, until the server stops.
fn events(app: &App, slot: OwnedSemaphorePermit) -> impl IntoResponse + use<> {
    // Subscribe before reading the build id, so no publish falls in between.
    let rx = app.shared.subscribe();
    let hello = Some(app.shared.current().build_id.clone());
    let state = Stream {
        hello,
        _slot: slot,
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
    use crate::output::OutputFile;
    use crate::serve::state::SiteFiles;
    use std::io::{Read, Write};
    use std::net::TcpStream as StdStream;

    /// A server with `limits` on a free port of 127.0.0.1, serving one page.
    struct Running {
        rt: tokio::runtime::Runtime,
        port: u16,
        stop: watch::Sender<bool>,
        done: tokio::task::JoinHandle<std::io::Result<()>>,
    }

    fn start(limits: Limits) -> Running {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let shared = Arc::new(Shared::new("t".into()));
        let page = OutputFile {
            path: "index.html".into(),
            bytes: bytes::Bytes::from_static(b"<html><body><p>hi</p></body></html>"),
        };
        let site = SiteFiles::new(vec![page], "http://127.0.0.1".into(), "/".into());
        shared.publish_good(site, vec![], vec![]);
        let (stop, shutdown) = watch::channel(false);
        let app = App {
            shared,
            shutdown,
            local_hosts_only: true,
        };
        let done = rt.spawn(serve_with(listener, app, limits));
        Running {
            rt,
            port,
            stop,
            done,
        }
    }

    fn limits(connections: usize, event_streams: usize) -> Limits {
        Limits {
            connections,
            event_streams,
            header_bytes: 8192,
            header_timeout: Duration::from_secs(60),
        }
    }

    fn connect(port: u16) -> StdStream {
        let s = StdStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s
    }

    /// Sends `GET target` and returns the status line and headers.
    fn head_of(s: &mut StdStream, target: &str) -> String {
        write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
        let mut got = Vec::new();
        let mut byte = [0u8; 1];
        while !got.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte) {
                Ok(1) => got.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    /// Whether the server has closed `s` within `wait`.
    fn closed_within(s: &mut StdStream, wait: Duration) -> bool {
        s.set_read_timeout(Some(wait)).expect("timeout");
        let mut buf = [0u8; 256];
        match s.read(&mut buf) {
            Ok(0) => true,
            Ok(_) => closed_within(s, wait),
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
        }
    }

    #[test]
    fn a_full_server_closes_the_connection_idle_longest() {
        let r = start(limits(3, 3));
        let mut idle: Vec<StdStream> = (0..3)
            .map(|_| {
                let mut s = connect(r.port);
                s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                    .expect("send");
                std::thread::sleep(Duration::from_millis(30));
                s
            })
            .collect();
        let started = Instant::now();
        let mut fresh = connect(r.port);
        let head = head_of(&mut fresh, "/");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            closed_within(&mut idle[0], Duration::from_secs(5)),
            "the oldest went"
        );
        let short = Duration::from_millis(200);
        assert!(!closed_within(&mut idle[1], short), "the others stay");
        assert!(!closed_within(&mut idle[2], short));
    }

    #[test]
    fn busy_connections_are_never_closed_to_make_room() {
        let r = start(limits(2, 2));
        let mut streams: Vec<StdStream> = (0..2)
            .map(|_| {
                let mut s = connect(r.port);
                let head = head_of(&mut s, "/__reportsite/events");
                assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                s
            })
            .collect();
        // Every place holds an open page: the next client waits...
        let mut waiting = connect(r.port);
        waiting
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .expect("send");
        waiting
            .set_read_timeout(Some(Duration::from_millis(500)))
            .expect("timeout");
        let mut buf = [0u8; 64];
        assert!(waiting.read(&mut buf).is_err(), "served while full");
        for s in &mut streams {
            let mut b = [0u8; 16];
            assert!(s.read(&mut b).is_ok_and(|n| n > 0), "stream still open");
        }
        // ... until a page closes.
        drop(streams.pop());
        waiting
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let mut answer = String::new();
        let _ = waiting.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    #[test]
    fn event_streams_have_a_cap_of_their_own() {
        let r = start(limits(8, 1));
        let mut first = connect(r.port);
        assert!(head_of(&mut first, "/__reportsite/events").starts_with("HTTP/1.1 200"));
        let mut second = connect(r.port);
        let head = head_of(&mut second, "/__reportsite/events");
        assert!(head.starts_with("HTTP/1.1 503"), "{head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        // Pages are still served.
        let mut page = connect(r.port);
        assert!(head_of(&mut page, "/").starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn a_head_not_sent_in_time_loses_its_connection() {
        let mut l = limits(4, 1);
        l.header_timeout = Duration::from_millis(300);
        let r = start(l);
        let mut s = connect(r.port);
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            .expect("send");
        std::thread::sleep(Duration::from_millis(150));
        let _ = s.write_all(b"b");
        assert!(closed_within(&mut s, Duration::from_secs(5)));
        let mut page = connect(r.port);
        assert!(head_of(&mut page, "/").starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn stopping_ends_open_streams_and_returns() {
        let r = start(limits(4, 4));
        let mut s = connect(r.port);
        assert!(head_of(&mut s, "/__reportsite/events").starts_with("HTTP/1.1 200"));
        r.stop.send(true).expect("stop");
        let Running { rt, done, .. } = r;
        let ended = rt.block_on(async { tokio::time::timeout(Duration::from_secs(5), done).await });
        assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
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
