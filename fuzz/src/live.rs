//! The preview server end to end, for the `server_path` target.
//!
//! In: a request target (`/path?query`). Out: the server's answer over a real
//! loopback connection, checked against what `src/serve/routes.rs` promises for a
//! small published site under the base path `/reports/sscb/`; a panic when the
//! answer differs. The server (`reportsite::serve::listener::serve`) runs on a
//! single-threaded Tokio runtime driven from the fuzzing thread, so each input is
//! answered completely before the next one starts.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reportsite::output::OutputFile;
use reportsite::serve::listener::serve;
use reportsite::serve::routes::{App, clean_path};
use reportsite::serve::state::{Shared, SiteFiles};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// The path the test site is served under.
pub const BASE: &str = "/reports/sscb/";

/// The files of the test site; each body holds `FILE:<path>:END`.
pub const FILES: &[&str] = &[
    "index.html",
    "background/index.html",
    "background/key-themes/index.html",
    "civic.css",
    "files/report.pdf",
    "404.html",
    "café/index.html",
    "a b/index.html",
    "x/y.html",
    "evil.example/index.html",
];

/// One answer, as far as the checks need it.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Header names (lower-case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A running server and a kept-alive connection to it.
pub struct Live {
    rt: Runtime,
    addr: SocketAddr,
    conn: Option<TcpStream>,
    _stop: tokio::sync::watch::Sender<bool>,
}

impl Live {
    /// Starts the server on a free port of 127.0.0.1 with the test site published.
    pub fn start() -> Live {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a Tokio runtime");
        let shared = Arc::new(Shared::new("fuzz".to_string()));
        let files = FILES
            .iter()
            .map(|p| OutputFile {
                path: p.to_string(),
                bytes: format!("<!doctype html><html><body><p>FILE:{p}:END</p></body></html>")
                    .into_bytes()
                    .into(),
            })
            .collect();
        shared.publish_good(
            SiteFiles::new(files, format!("http://127.0.0.1{BASE}"), BASE.to_string()),
            Vec::new(),
            Vec::new(),
        );
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a free port");
        let addr = listener.local_addr().expect("the port");
        let app = App {
            shared,
            shutdown,
            local_hosts_only: true,
        };
        rt.spawn(serve(listener, app));
        Live {
            rt,
            addr,
            conn: None,
            _stop: stop,
        }
    }

    /// Sends `GET target`; `None` when the connection closed without an answer.
    pub fn get(&mut self, target: &str) -> Option<Answer> {
        let addr = self.addr;
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => self
                .rt
                .block_on(TcpStream::connect(addr))
                .expect("connect to the server"),
        };
        let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        let answer = self.rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), exchange(&mut conn, &request))
                .await
                .unwrap_or_else(|_| panic!("no answer to `{target}` within 5 s"))
        });
        let keep = answer.as_ref().is_some_and(|a| {
            a.header("connection")
                .is_none_or(|c| !c.eq_ignore_ascii_case("close"))
        });
        if keep {
            self.conn = Some(conn);
        }
        answer
    }
}

async fn exchange(conn: &mut TcpStream, request: &str) -> Option<Answer> {
    conn.write_all(request.as_bytes()).await.ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Some(Answer {
        status,
        headers,
        body,
    })
}

/// Whether `target` can go on a request line as it is: visible ASCII, starting
/// with `/`, no fragment, and not the never-ending event stream.
pub fn sendable(target: &str) -> bool {
    target.starts_with('/')
        && target
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'#')
        && clean_path(target.split('?').next().unwrap_or(""))
            .map_or(true, |p| p != "/__reportsite/events")
}

/// Checks the server's answer to `target` against the documented behaviour.
pub fn check(target: &str, answer: &Answer) {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (target, String::new()),
    };
    if answer.header("x-content-type-options") != Some("nosniff") {
        // Refused by the HTTP layer before reportsite saw it: hyper's own 400
        // for a target it cannot parse, 431 for a request head over the limit.
        assert!(
            matches!(answer.status, 400 | 431),
            "`{target}`: an answer without nosniff: {answer:?}"
        );
        return;
    }
    if let Some(location) = answer.header("location") {
        assert!(
            location.starts_with('/')
                && !location.starts_with("//")
                && !location.starts_with("/\\"),
            "`{target}` redirects off the site, to `{location}`"
        );
    }
    let body = String::from_utf8_lossy(&answer.body);
    let served = |rel: &str| body.contains(&format!("FILE:{rel}:END"));
    let clean = match clean_path(path) {
        Ok(c) => c,
        Err(_) => {
            assert_eq!(answer.status, 400, "`{target}` should be refused");
            return;
        }
    };
    crate::paths::check_clean(path, &clean);
    if let Some(own) = clean.strip_prefix("/__reportsite/") {
        let expected = if matches!(own, "live.js" | "overlay.css" | "status") {
            200
        } else {
            404
        };
        assert_eq!(answer.status, expected, "`{target}`");
        return;
    }
    let base_bare = BASE.trim_end_matches('/');
    if clean == "/" || clean == base_bare {
        assert_eq!(answer.status, 302, "`{target}` → `{clean}`");
        assert_eq!(answer.header("location"), Some(BASE));
        return;
    }
    let files: HashSet<&str> = FILES.iter().copied().collect();
    let not_found = |answer: &Answer| {
        assert_eq!(answer.status, 404, "`{target}` → `{clean}`");
        assert!(served("404.html"), "`{target}`: not the site's 404 page");
    };
    let Some(rel) = clean.strip_prefix(BASE) else {
        not_found(answer);
        return;
    };
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains(rel.as_str()) {
        assert_eq!(answer.status, 200, "`{target}` → `{rel}`");
        assert!(served(&rel), "`{target}` did not serve `{rel}`");
        for other in FILES.iter().filter(|f| **f != rel) {
            assert!(!served(other), "`{target}` served `{other}` too");
        }
    } else if files.contains(format!("{rel}/index.html").as_str()) {
        assert_eq!(answer.status, 302, "`{target}` → `{rel}/`");
        let location = answer.header("location").unwrap_or("");
        let expected = format!("{path}/{query}");
        let safe = format!("/{}", expected.trim_start_matches('/'));
        assert!(
            location == expected || location == safe,
            "`{target}` redirects to `{location}`, expected `{safe}`"
        );
    } else {
        not_found(answer);
    }
}
