//! The preview server under hostile and heavy use: the real `reportsite watch`
//! (started with `watch`'s [`Preview`], on 127.0.0.1 and a free port, stopped when
//! each test ends) driven over raw TCP, so nothing on the client side normalises
//! what is sent.
//!
//! - paths that try to leave the site (`..`, `%2e%2e`, `%2f`, backslashes,
//!   absolute paths, NUL, symlinks out of the site) get 400 or 404 and never a
//!   byte from outside; folders are never listed;
//! - every answer of the server's own has the right `Content-Type` and
//!   `X-Content-Type-Options: nosniff`;
//! - oversized request heads get 431 (or the connection closed) and the server
//!   goes on serving;
//! - more slow-loris connections than the connection cap do not keep a normal
//!   client waiting, and are closed after the header deadline;
//! - 200 clients reloading pages for `REPORTSITE_LOAD_SECS` seconds (default 60)
//!   get every response whole, and the process's peak resident memory stays
//!   under 100 MB;
//! - listening on anything but loopback prints a warning;
//! - the pages served, error overlay included, meet the site's
//!   Content-Security-Policy (see `csp`).

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reportsite::serve::listener::Limits;

use crate::common::copy_sample;
use crate::csp;
use crate::watch::{Preview, Response, WAIT, site_copy};

/// What came back for a request written byte for byte.
#[derive(Debug)]
enum Answer {
    /// A response: its status line and everything after it.
    Response(u16, String),
    /// The server closed the connection without answering.
    Closed,
}

/// Writes `bytes` on a new connection and reads until the server closes it.
/// Write errors are not failures: the server may stop reading and close first.
fn raw(port: u16, bytes: &[u8]) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    let _ = s.write_all(bytes);
    let mut got = Vec::new();
    // A reset after part of an answer still leaves the part.
    let _ = s.read_to_end(&mut got);
    let text = String::from_utf8_lossy(&got).into_owned();
    match text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok())
    {
        Some(code) => Answer::Response(code, text),
        None => Answer::Closed,
    }
}

/// `GET target` with the given extra header lines (each ending in CRLF).
fn get_with(port: u16, target: &str, extra: &str) -> Answer {
    raw(
        port,
        format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
        )
        .as_bytes(),
    )
}

/// A site (the second report) with a secret beside it, symlinks in `static/`
/// pointing at the secret and at the folder holding it, and a few typed files.
/// Returns the preview and the secret's absolute path.
fn preview_with_secret() -> (Preview, String) {
    let (tmp, site) = site_copy();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-MARKER\n").expect("secret");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, site.join("static/leak.txt")).expect("symlink");
        std::os::unix::fs::symlink(tmp.path(), site.join("static/outside")).expect("symlink");
    }
    std::fs::write(
        site.join("static/files/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("svg");
    std::fs::write(site.join("static/files/dot.png"), b"\x89PNG\r\n\x1a\n").expect("png");
    let secret = secret.to_string_lossy().into_owned();
    (Preview::start_on(tmp, site, &[]), secret)
}

fn leaked(text: &str) -> bool {
    text.contains("TOP-SECRET-MARKER") || text.contains("root:x:0:0") || text.contains("[package]")
}

#[test]
fn no_path_leaves_the_site_and_no_folder_is_listed() {
    let (p, secret) = preview_with_secret();
    let port = p.port;
    // The site itself is there (so a 404 below is not a dead server).
    assert_eq!(p.page("").status, 200);
    assert_eq!(p.page("files/wsab-easy-read-2022-23.pdf").status, 200);

    let abs = secret.trim_start_matches('/');
    let enc_abs = abs.replace('/', "%2f");
    let targets: Vec<String> = [
        "/../secret.txt",
        "/westmoor/../secret.txt",
        "/westmoor/../../secret.txt",
        "/westmoor/../../../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/westmoor/%2e%2e/secret.txt",
        "/westmoor/%2E%2E/%2e%2e/secret.txt",
        "/westmoor/.%2e/secret.txt",
        "/westmoor/%2e./secret.txt",
        "/westmoor/..%2fsecret.txt",
        "/westmoor/..%2Fsecret.txt",
        "/westmoor/%2e%2e%2fsecret.txt",
        "/westmoor/files%2f..%2f..%2fsecret.txt",
        "/westmoor/..%5csecret.txt",
        "/westmoor/..%5Csecret.txt",
        "/westmoor/..\\secret.txt",
        "/westmoor\\..\\secret.txt",
        "/westmoor/%252e%252e/secret.txt",
        "/westmoor/%c0%ae%c0%ae/secret.txt",
        "/westmoor/%e0%80%ae%e0%80%ae/secret.txt",
        "/westmoor/.../secret.txt",
        "/westmoor/./../secret.txt",
        "/westmoor/%00/../secret.txt",
        "/westmoor/index.html%00",
        "/westmoor/index.html%00.txt",
        "/westmoor/%0a/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/westmoor//etc/passwd",
        "/westmoor/%2fetc%2fpasswd",
        "/westmoor/leak.txt",
        "/westmoor/outside/secret.txt",
        "/westmoor/outside/",
        "/westmoor/outside",
        "/westmoor/files/",
        "/westmoor/files",
        "/westmoor/static/files/",
        "/westmoor/content/",
        "/westmoor/config.toml",
        "/config.toml",
    ]
    .iter()
    .map(|t| t.to_string())
    .chain([
        format!("/{abs}"),
        format!("/westmoor/{abs}"),
        format!("/%2f{enc_abs}"),
        format!("/westmoor/{enc_abs}"),
        format!("http://127.0.0.1:{port}/../secret.txt"),
        format!("http://127.0.0.1:{port}/westmoor/%2e%2e/secret.txt"),
        format!("file://{secret}"),
    ])
    .collect();
    for target in &targets {
        match get_with(port, target, "") {
            Answer::Response(code, text) => {
                assert!(
                    code == 400 || code == 404,
                    "{target}: status {code}\n{text}"
                );
                assert!(!leaked(&text), "{target} leaked a file:\n{text}");
                // Folders are never listed: no other file's name in the answer.
                assert!(
                    !text.contains("wsab-easy-read") && !text.contains("secret.txt"),
                    "{target} listed a folder:\n{text}"
                );
            }
            Answer::Closed => {}
        }
    }
    // Our own guard answers these, with a message (hyper may refuse raw
    // backslashes and control bytes before it).
    for target in [
        "/../secret.txt",
        "/westmoor/%2e%2e/secret.txt",
        "/westmoor/..%2fsecret.txt",
        "/westmoor/..%5csecret.txt",
        "/westmoor/.../secret.txt",
        "/westmoor/index.html%00",
        "/westmoor/%c0%ae%c0%ae/secret.txt",
    ] {
        let r = p.get(target);
        assert_eq!(r.status, 400, "{target}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
}

#[test]
fn every_answer_has_its_type_and_nosniff() {
    let (p, _) = preview_with_secret();
    let html = "text/html; charset=utf-8";
    let plain = "text/plain; charset=utf-8";
    for (target, status, ctype) in [
        ("/westmoor/", 200, html),
        ("/westmoor/foreword/", 200, html),
        ("/westmoor/civic.css", 200, "text/css; charset=utf-8"),
        ("/westmoor/sitemap.xml", 200, "text/xml; charset=utf-8"),
        ("/westmoor/robots.txt", 200, plain),
        (
            "/westmoor/files/wsab-easy-read-2022-23.pdf",
            200,
            "application/pdf",
        ),
        (
            "/westmoor/files/logo.svg",
            200,
            "image/svg+xml; charset=utf-8",
        ),
        ("/westmoor/files/dot.png", 200, "image/png"),
        (
            "/westmoor/files/wsab-annual-report-2022-23.docx",
            200,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "/__reportsite/live.js",
            200,
            "text/javascript; charset=utf-8",
        ),
        ("/__reportsite/overlay.css", 200, "text/css; charset=utf-8"),
        ("/__reportsite/status", 200, "application/json"),
        ("/__reportsite/nothing", 404, plain),
        ("/westmoor/no-such-page/", 404, html),
        ("/westmoor/files/", 404, html),
        ("/westmoor/%2e%2e/x", 400, plain),
        ("/westmoor/foreword", 302, plain),
        ("/", 302, plain),
    ] {
        let r = p.get(target);
        assert_eq!(r.status, status, "{target}");
        assert_eq!(r.header("content-type"), Some(ctype), "{target}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
    }
    // Other methods, other hosts, HEAD, the event stream.
    for (request, status) in [
        (
            "POST /westmoor/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            405,
        ),
        (
            "GET /westmoor/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
            403,
        ),
        (
            "HEAD /westmoor/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            200,
        ),
    ] {
        match raw(p.port, request.as_bytes()) {
            Answer::Response(code, text) => {
                assert_eq!(code, status, "{request}\n{text}");
                let lower = text.to_ascii_lowercase();
                assert!(
                    lower.contains("\r\nx-content-type-options: nosniff\r\n"),
                    "{text}"
                );
                assert!(lower.contains("\r\ncontent-type: "), "{text}");
                if request.starts_with("HEAD") {
                    assert!(text.ends_with("\r\n\r\n"), "HEAD has no body: {text}");
                }
            }
            Answer::Closed => panic!("no answer to {request}"),
        }
    }
    let mut s = TcpStream::connect(("127.0.0.1", p.port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        s,
        "GET /__reportsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("send");
    let head = read_head(&mut BufReader::new(s)).expect("event stream head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("\r\ncontent-type: text/event-stream"),
        "{head}"
    );
    assert!(
        lower.contains("\r\nx-content-type-options: nosniff"),
        "{head}"
    );
}

/// Reads a response head (status line and headers, up to the blank line).
fn read_head(r: &mut impl BufRead) -> Result<String, String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match r.read_line(&mut line) {
            Ok(0) => return Err(format!("closed after {head:?}")),
            Ok(_) => {}
            Err(e) => return Err(format!("{e} after {head:?}")),
        }
        head.push_str(&line);
        if line == "\r\n" {
            return Ok(head);
        }
    }
}

#[test]
fn oversized_request_heads_get_431_and_the_server_goes_on() {
    let p = Preview::start(&[]);
    let limit = Limits::default().header_bytes;
    let refused = |what: &str, answer: Answer| match answer {
        Answer::Response(code, text) => {
            assert!(
                code == 431 || code == 414 || code == 400,
                "{what}: status {code}: {}",
                text.lines().next().unwrap_or("")
            );
            code
        }
        Answer::Closed => 0,
    };
    // One header four times the limit.
    let big = format!("X-Big: {}\r\n", "a".repeat(limit * 4));
    assert_eq!(
        refused("a big header", get_with(p.port, "/westmoor/", &big)),
        431
    );
    // Many small headers, together over the limit.
    let many: String = (0..limit / 40)
        .map(|i| format!("X-Many-{i}: {}\r\n", "b".repeat(30)))
        .collect();
    refused("many headers", get_with(p.port, "/westmoor/", &many));
    // More headers than allowed, each small.
    let count: String = (0..200).map(|i| format!("X-{i}: c\r\n")).collect();
    refused("200 headers", get_with(p.port, "/westmoor/", &count));
    // A request line over the limit.
    let long = format!("/westmoor/{}", "d".repeat(limit * 2));
    refused("a long target", get_with(p.port, &long, ""));
    // A megabyte of header that never ends: refused without reading it all.
    let start = Instant::now();
    let endless = format!(
        "GET /westmoor/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: {}",
        "e".repeat(1 << 20)
    );
    refused("an endless header", raw(p.port, endless.as_bytes()));
    assert!(start.elapsed() < Duration::from_secs(5), "answered at once");

    // A browser's ordinary large head (a few kilobytes of cookies) is fine.
    let cookies = format!("Cookie: a={}\r\n", "f".repeat(limit / 2));
    match get_with(p.port, "/westmoor/", &cookies) {
        Answer::Response(200, _) => {}
        other => panic!("half the limit refused: {other:?}"),
    }
    // And the server goes on serving.
    let r = p.page("");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("</html>"));
}

/// Whether the server has closed `s` (or answered it, which it does only to close).
fn closed_by_server(s: &TcpStream) -> bool {
    let _ = s.set_nonblocking(true);
    let mut buf = [0u8; 512];
    let mut reader = s;
    let closed = match reader.read(&mut buf) {
        Ok(_) => true,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    let _ = s.set_nonblocking(false);
    closed
}

#[test]
fn slow_loris_connections_do_not_keep_others_out_and_are_dropped() {
    let p = Preview::start(&[]);
    let limits = Limits::default();
    let n = limits.connections + 100;
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..n)
        .map(|i| {
            let mut s = TcpStream::connect(("127.0.0.1", p.port)).expect("connect");
            // A request head begun and never finished.
            let _ = write!(
                s,
                "GET /westmoor/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Slow-{i}: ",
                p.port
            );
            s
        })
        .collect();
    let opened = started.elapsed();
    assert!(
        opened < limits.header_timeout / 2,
        "opening {n} connections took {opened:?}"
    );
    // Meanwhile (well within the header deadline) a normal client gets pages
    // quickly, again and again, while the slow ones dribble a byte each.
    let bound = Duration::from_secs(4);
    assert!(bound < limits.header_timeout / 2);
    let mut served = 0;
    for round in 0..10 {
        for s in slow.iter_mut() {
            let _ = s.write_all(b"x");
        }
        let t = Instant::now();
        match get_with(p.port, "/westmoor/foreword/", "") {
            Answer::Response(200, text) => assert!(text.contains("</html>")),
            other => panic!("round {round}: {other:?}; log:\n{}", p.log()),
        }
        let took = t.elapsed();
        assert!(
            took < bound,
            "round {round}: a page took {took:?} with {n} slow clients"
        );
        served += 1;
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(served, 10);
    assert!(
        started.elapsed() < limits.header_timeout,
        "the normal client was served before any deadline could free a place"
    );
    // The slow ones are closed once the header deadline passes, however they
    // dribble: every one, within the deadline and some slack.
    let deadline = started + limits.header_timeout + Duration::from_secs(10);
    loop {
        for s in slow.iter_mut() {
            let _ = s.write_all(b"x");
        }
        let open = slow.iter().filter(|s| !closed_by_server(s)).count();
        if open == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{open} of {n} slow connections still open {:?} after they started",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!(
        "slow loris: {n} slow connections (cap {}); 10 pages served meanwhile, each under {bound:?}; all slow ones closed {:?} after opening",
        limits.connections,
        started.elapsed()
    );
    assert_eq!(p.page("").status, 200);
}

/// Reads one response on a kept-alive connection: status, headers, body
/// (by `Content-Length`, which every response but the event stream has).
fn read_response(r: &mut BufReader<TcpStream>) -> Result<Response, String> {
    let head = read_head(r)?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| format!("no content-length in {head:?}"))?;
    let mut body = vec![0; len];
    r.read_exact(&mut body)
        .map_err(|e| format!("body cut short ({len} bytes expected): {e}"))?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A value in kB from `/proc/PID/status` (`VmRSS`, `VmHWM`).
fn proc_status_kb(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// One client: an open page (its event stream) and, until `until`, page loads
/// on kept-alive connections of 20 requests each. Counts good responses in
/// `ok`; records what went wrong in `failures`.
fn reloading_client(
    id: usize,
    port: u16,
    targets: &[(String, Vec<u8>)],
    until: Instant,
    ok: &AtomicU64,
    failures: &Mutex<Vec<String>>,
) {
    let fail = |what: String| {
        let mut f = failures.lock().expect("failures");
        f.push(format!("client {id}: {what}"));
    };
    // The page's event stream, open for the whole run, as a browser tab keeps it.
    let stream = TcpStream::connect(("127.0.0.1", port));
    let _events = match stream {
        Ok(mut s) => {
            let _ = s.set_read_timeout(Some(WAIT));
            let _ = write!(
                s,
                "GET /__reportsite/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
            );
            let mut r = BufReader::new(s);
            match read_head(&mut r) {
                Ok(h) if h.starts_with("HTTP/1.1 200") => {}
                Ok(h) => fail(format!("event stream: {}", h.lines().next().unwrap_or(""))),
                Err(e) => fail(format!("event stream: {e}")),
            }
            Some(r)
        }
        Err(e) => {
            fail(format!("event stream connect: {e}"));
            None
        }
    };
    let mut n = id;
    while Instant::now() < until {
        let s = match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => s,
            Err(e) => {
                fail(format!("connect: {e}"));
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let _ = s.set_read_timeout(Some(WAIT));
        let mut w = match s.try_clone() {
            Ok(w) => w,
            Err(e) => {
                fail(format!("clone: {e}"));
                continue;
            }
        };
        let mut r = BufReader::new(s);
        for _ in 0..20 {
            if Instant::now() >= until {
                break;
            }
            let (target, expected) = &targets[n % targets.len()];
            n += 1;
            if let Err(e) = write!(w, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n") {
                fail(format!("{target}: send: {e}"));
                break;
            }
            match read_response(&mut r) {
                Ok(resp) if resp.status == 200 && resp.body == *expected => {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
                Ok(resp) => {
                    fail(format!(
                        "{target}: status {}, {} bytes of {}",
                        resp.status,
                        resp.body.len(),
                        expected.len()
                    ));
                    break;
                }
                Err(e) => {
                    fail(format!("{target}: {e}"));
                    break;
                }
            }
        }
    }
}

#[test]
fn two_hundred_clients_reloading_for_a_minute_get_every_page_in_under_100_mb() {
    const CLIENTS: usize = 200;
    const MB: u64 = 1000 * 1000;
    let secs: u64 = match std::env::var("REPORTSITE_LOAD_SECS") {
        Ok(v) => v
            .parse()
            .expect("REPORTSITE_LOAD_SECS is a number of seconds"),
        Err(_) => 60,
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    copy_sample(&site);
    let p = Preview::start_on(tmp, site, &[]);
    let pid = p.child.id();

    // Every page and the stylesheet, with the bytes served now (no file changes
    // during the run, so every later response must be exactly these).
    let status = p.status();
    let files: Vec<String> = status["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str())
        .filter(|f| f.ends_with("index.html") || f.ends_with(".css"))
        .map(str::to_string)
        .collect();
    assert!(files.len() > 10, "the sample has pages: {files:?}");
    let targets: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| {
            let target = format!("{}{}", p.base, f.trim_end_matches("index.html"));
            let r = p.get(&target);
            assert_eq!(r.status, 200, "{target}");
            (target, r.body)
        })
        .collect();

    let ok = AtomicU64::new(0);
    let failures = Mutex::new(Vec::new());
    let peak_sampled = AtomicU64::new(0);
    let until = Instant::now() + Duration::from_secs(secs);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while Instant::now() < until {
                if let Some(kb) = proc_status_kb(pid, "VmRSS") {
                    peak_sampled.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        });
        for id in 0..CLIENTS {
            let (targets, ok, failures) = (&targets, &ok, &failures);
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(scope, move || {
                    reloading_client(id, p.port, targets, until, ok, failures)
                })
                .expect("client thread");
        }
    });
    let hwm_kb = proc_status_kb(pid, "VmHWM").expect("VmHWM of the server");
    let rss_kb = proc_status_kb(pid, "VmRSS").expect("VmRSS of the server");
    let served = ok.load(Ordering::Relaxed);
    let failures = failures.into_inner().expect("failures");
    eprintln!(
        "load: {CLIENTS} clients for {secs} s: {served} responses, all whole and 200: {}; \
         server peak RSS (VmHWM) {:.1} MB, highest sampled VmRSS {:.1} MB, VmRSS after {:.1} MB",
        failures.is_empty(),
        hwm_kb as f64 * 1024.0 / MB as f64,
        peak_sampled.load(Ordering::Relaxed) as f64 * 1024.0 / MB as f64,
        rss_kb as f64 * 1024.0 / MB as f64,
    );
    assert!(
        failures.is_empty(),
        "{} failures, the first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
    assert!(
        served >= CLIENTS as u64 * secs.max(1),
        "only {served} responses in {secs} s"
    );
    assert!(
        hwm_kb * 1024 < 100 * MB,
        "peak resident memory {hwm_kb} kB is over 100 MB"
    );
    // And it still answers.
    assert_eq!(p.page("").status, 200);
}

#[test]
fn listening_beyond_this_machine_warns_and_loopback_does_not() {
    let local = Preview::start(&[]);
    assert!(
        !local.log().contains("warning: listening on"),
        "{}",
        local.log()
    );
    drop(local);
    let open = Preview::start(&["--bind", "0.0.0.0"]);
    let log = open.log();
    assert!(
        log.contains("warning: listening on 0.0.0.0: anyone who can reach this machine on the network can read the preview"),
        "{log}"
    );
    assert!(
        log.contains("--bind 127.0.0.1"),
        "says how to keep it private"
    );
}

#[test]
fn served_pages_and_the_overlay_meet_the_policy() {
    let p = Preview::start(&[]);
    let check = |what: &str| {
        for rel in ["", "foreword/", "no-such-page/"] {
            let html = p.page(rel).text();
            let found = csp::problems(&html);
            assert!(found.is_empty(), "{what} {rel}: {found:#?}");
        }
    };
    check("good build");
    // The overlay's styles and script are same-origin files.
    let css = p.get("/__reportsite/overlay.css");
    assert_eq!(css.status, 200);
    assert!(css.text().contains("#reportsite-overlay{position:fixed"));
    let js = p.get("/__reportsite/live.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("addEventListener(\"click\""));

    // A broken file: every page gets the overlay, still within the policy.
    let file = p.path("content/foreword/_index.md");
    let good = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, good.replacen("title:", "titel:", 1)).expect("break");
    let start = Instant::now();
    while !p.page("").text().contains("id=\"reportsite-overlay\"") {
        assert!(start.elapsed() < WAIT, "no overlay; log:\n{}", p.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let html = p.page("").text();
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/__reportsite/overlay.css\">"));
    assert!(html.contains("role=\"alert\"") && html.contains("data-reportsite-dismiss"));
    check("overlay");
    assert_eq!(p.status()["ok"], false);
}
