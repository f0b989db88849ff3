//! The listener: the preview's TCP port and the accept loop that drives hyper's
//! HTTP/1 connections within [`Limits`].
//!
//! In: a bound listener, the [`App`] every request is answered from, and the
//! limits. Out: one task per connection, each request answered by
//! `routes::answer`; the loop returns once the stop signal is given and every
//! connection has ended (event streams end at once).
//!
//! The loop is hand-written because axum's `serve` exposes no limits. Request
//! headers are capped in size (431) and must arrive within a deadline (the
//! connection is closed otherwise: a slow-loris client that dribbles its headers
//! loses its connection); connections are capped in number, and when every slot
//! is taken a new connection closes the one that has been idle the longest (a
//! keep-alive connection between requests, or a client that has not finished its
//! headers) — so clients holding connections open without asking for anything
//! cannot keep out one that asks; live-reload streams have a cap of their own,
//! below the connection cap.
//!
//! Also here: `bind` (the requested port, or the next free one) and
//! `origin` (the `http://HOST:PORT` pages are built for).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::http;
use hyper::body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};

use crate::error::{Error, Result};

use super::routes::{self, App};

/// How many ports after the requested one are tried when it is busy.
const PORT_TRIES: u16 = 20;

/// Listens on `bind:port`, or on the next free port when it is taken.
pub(crate) fn bind(bind: IpAddr, port: u16) -> Result<std::net::TcpListener> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut p = port;
    loop {
        match std::net::TcpListener::bind(SocketAddr::new(bind, p)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && p < last => p += 1,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                return Err(Error::Usage(format!(
                    "ports {port} to {last} on {bind} are all in use; choose another with --port (0 lets the system pick one)"
                )));
            }
            Err(e) => {
                return Err(Error::Usage(format!(
                    "cannot listen on {}: {e}",
                    SocketAddr::new(bind, p)
                )));
            }
        }
    }
}

/// `http://HOST:PORT` for an address (IPv6 in brackets; an unspecified address
/// becomes the loopback one, which a browser on this machine can open).
pub(crate) fn origin(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{}", addr.port()),
        IpAddr::V6(v6) => format!("http://[{v6}]:{}", addr.port()),
    }
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
pub(crate) async fn serve_with(
    listener: TcpListener,
    app: App,
    limits: Limits,
) -> std::io::Result<()> {
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
        let response = routes::answer(&for_requests.app, &for_requests.streams, &req)
            .map(|body| Tracked { body, _busy: busy });
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputFile;
    use crate::serve::state::{Shared, SiteFiles};
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
    fn origins() {
        let a = |s: &str| origin(s.parse().expect("addr"));
        assert_eq!(a("127.0.0.1:1111"), "http://127.0.0.1:1111");
        assert_eq!(a("0.0.0.0:8"), "http://127.0.0.1:8");
        assert_eq!(a("[::1]:9"), "http://[::1]:9");
        assert_eq!(a("[::]:9"), "http://[::1]:9");
    }

    #[test]
    fn busy_ports_move_on() {
        let first = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), 0).expect("bind");
        let port = first.local_addr().expect("addr").port();
        let second = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), port).expect("next port");
        assert_ne!(second.local_addr().expect("addr").port(), port);
    }
}
