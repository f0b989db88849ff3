//! `reportsite watch`: the real binary on a temporary copy of a fixture site,
//! driven the way a browser drives it — plain HTTP requests and the Server-Sent
//! Events stream — while the test edits, renames, adds and deletes files.
//!
//! Each test starts its own server on a free port of 127.0.0.1 (`--port 0`) and
//! kills that child process (by its own handle) when it ends, even on failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use reportsite::site::{LoadOptions, Site};

use crate::common::{copy_tree, fixture, repo};

/// How long anything may take before a test gives up (generous: CI machines are
/// slow and tests run in parallel).
pub(crate) const WAIT: Duration = Duration::from_secs(40);

/// The tag the server adds to HTML (its `data-build` value varies).
const SCRIPT_START: &str = "<script src=\"/__reportsite/live.js\"";

/// A running `reportsite watch`.
pub(crate) struct Preview {
    pub(crate) child: Child,
    pub(crate) port: u16,
    /// The path the site is served under (`/westmoor/`).
    pub(crate) base: String,
    /// The site folder (a temporary copy).
    pub(crate) site: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    _tmp: tempfile::TempDir,
}

impl Drop for Preview {
    fn drop(&mut self) {
        // Only this test's own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of the second report, ready to edit, and the folder holding it.
pub(crate) fn site_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    copy_tree(&fixture("sites/second-report"), &site);
    (tmp, site)
}

impl Preview {
    /// Starts `reportsite watch` on a fresh copy of the second report.
    pub(crate) fn start(args: &[&str]) -> Preview {
        let (tmp, site) = site_copy();
        Preview::start_on(tmp, site, args)
    }

    /// Starts `reportsite watch` on `site`, on 127.0.0.1 unless `args` hold a
    /// `--bind` of their own.
    pub(crate) fn start_on(tmp: tempfile::TempDir, site: PathBuf, args: &[&str]) -> Preview {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reportsite"))
            .arg("watch")
            .arg("--root")
            .arg(&site)
            .args(["--port", "0"])
            .args(if args.contains(&"--bind") {
                &[][..]
            } else {
                &["--bind", "127.0.0.1"][..]
            })
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start reportsite watch");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("serving ") {
                    let _ = tx.send(line.clone());
                }
                lines.lock().expect("log").push(line);
            }
        });
        let mut preview = Preview {
            child,
            port: 0,
            base: String::new(),
            site,
            log,
            _tmp: tmp,
        };
        let line = match rx.recv_timeout(WAIT) {
            Ok(l) => l,
            Err(_) => panic!("no `serving` line; log:\n{}", preview.log()),
        };
        // serving http://127.0.0.1:PORT/PATH/
        let rest = line
            .strip_prefix("serving http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected line {line}"));
        let slash = rest.find('/').expect("a path after the port");
        preview.port = rest[..slash].parse().expect("port");
        preview.base = rest[slash..].to_string();
        preview
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }

    /// Waits until the terminal output holds every one of `needles` (the
    /// summary line of a build is printed just after its event is sent).
    pub(crate) fn wait_log(&self, needles: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let log = self.log();
            if needles.iter().all(|n| log.contains(n)) {
                return log;
            }
            if start.elapsed() > WAIT {
                panic!("the terminal never said {needles:?}; log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn get(&self, target: &str) -> Response {
        request(self.port, target)
    }

    /// `GET base + rel`.
    pub(crate) fn page(&self, rel: &str) -> Response {
        self.get(&format!("{}{rel}", self.base))
    }

    pub(crate) fn status(&self) -> serde_json::Value {
        let r = self.get("/__reportsite/status");
        serde_json::from_slice(&r.body).expect("status JSON")
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.site.join(rel)
    }

    /// Waits until `check` holds for the page at `rel`, or fails with the log.
    fn wait_page(&self, rel: &str, what: &str, check: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let r = self.page(rel);
            if check(&r) {
                return r;
            }
            if start.elapsed() > WAIT {
                panic!(
                    "{rel}: {what} did not happen; last status {}; log:\n{}",
                    r.status,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One HTTP response.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A bare HTTP/1.1 GET with the target sent exactly as given (no client-side
/// normalisation of `..` or percent escapes).
pub(crate) fn request(port: u16, target: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

pub(crate) fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..eol])
                .split(';')
                .next()
                .unwrap_or("")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&b[start..(start + size).min(b.len())]);
        b = &b[(start + size + 2).min(b.len())..];
    }
    out
}

/// The live-reload event stream, read like `EventSource` does.
struct Events {
    reader: BufReader<TcpStream>,
    seen: Vec<(String, String)>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        // HTTP/1.0: the stream comes back without chunked framing.
        write!(
            s,
            "GET /__reportsite/events HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let mut reader = BufReader::new(s);
        let deadline = Instant::now() + WAIT;
        let mut line = String::new();
        // Headers.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => panic!("event stream closed"),
                Ok(_) if line.trim().is_empty() => break,
                Ok(_) => {
                    if line.starts_with("HTTP/") {
                        assert!(line.contains(" 200 "), "events: {line}");
                    }
                }
                Err(_) if Instant::now() < deadline => {}
                Err(e) => panic!("no event stream: {e}"),
            }
        }
        let mut ev = Events {
            reader,
            seen: Vec::new(),
        };
        let hello = ev.next(WAIT).expect("a hello event");
        assert_eq!(hello.0, "hello");
        ev
    }

    /// The next event, or `None` after `wait`.
    fn next(&mut self, wait: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + wait;
        let (mut name, mut data) = (String::new(), Vec::<String>::new());
        let mut line = String::new();
        loop {
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {
                    if !line.ends_with('\n') {
                        continue; // a partial line; the rest follows
                    }
                    let l = line.trim_end_matches(['\r', '\n']).to_string();
                    line.clear();
                    if l.is_empty() {
                        if !name.is_empty() || !data.is_empty() {
                            let e = (std::mem::take(&mut name), data.join("\n"));
                            data.clear();
                            self.seen.push(e.clone());
                            return Some(e);
                        }
                    } else if let Some(v) = l.strip_prefix("event:") {
                        name = v.trim_start().to_string();
                    } else if let Some(v) = l.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                    }
                }
                Err(_) => {
                    if Instant::now() > deadline {
                        return None;
                    }
                }
            }
        }
    }

    /// Waits for an event named `name`, skipping others; returns its data.
    fn wait_for(&mut self, name: &str, p: &Preview) -> String {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Some((n, d)) = self.next(deadline - Instant::now())
                && n == name
            {
                return d;
            }
        }
        panic!(
            "no `{name}` event; events seen: {:?}; log:\n{}",
            self.seen,
            p.log()
        );
    }
}

/// The HTML as the build made it: the server's script tag removed, and the
/// warnings panel (the second report has plain-English advice).
fn without_script(html: &str) -> String {
    let panel = "<link rel=\"stylesheet\" href=\"/__reportsite/overlay.css\"><aside id=\"reportsite-warnings\"";
    let html = &match html.find(panel) {
        Some(i) => {
            let end = html[i..]
                .find("</aside>")
                .map(|e| i + e + "</aside>".len())
                .expect("panel end");
            format!("{}{}", &html[..i], &html[end..])
        }
        None => html.to_string(),
    };
    match html.find(SCRIPT_START) {
        Some(i) => {
            let end = html[i..]
                .find("</script>")
                .map(|e| i + e + "</script>".len())
                .expect("script end");
            format!("{}{}", &html[..i], &html[end..])
        }
        None => html.to_string(),
    }
}

/// Replaces the whole file the way editors do: write a temporary file beside
/// it, then rename it over the original.
fn atomic_save(path: &Path, text: &str) {
    let name = path.file_name().expect("name").to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).expect("write temp");
    std::fs::rename(&tmp, path).expect("rename");
}

fn build_with(site: &Path, base_url: &str) -> Vec<reportsite::output::OutputFile> {
    Site::load(
        site,
        &LoadOptions {
            base_url: Some(base_url.to_string()),
            ..LoadOptions::default()
        },
    )
    .and_then(|s| s.build())
    .expect("a fresh build")
    .files
}

#[test]
fn serves_the_build_from_memory_under_its_base_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let p = Preview::start(&["--output", out.to_str().expect("utf-8")]);
    assert_eq!(p.base, "/westmoor/", "the site's own sub-path is kept");

    let home = p.page("");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    let html = home.text();
    assert!(html.contains("<h1>Westmoor Safeguarding Adults Board Annual Report 2022-23</h1>"));
    let script_at = html
        .find(SCRIPT_START)
        .expect("the live script is injected");
    assert!(
        html[script_at..].contains("</script></body>"),
        "the script sits just before </body>"
    );
    assert!(
        html.contains("href=/westmoor/foreword/") || html.contains("href=\"/westmoor/foreword/\"")
    );

    // Served bytes are the build's bytes, plus only the script.
    let status = p.status();
    let base_url = status["base_url"].as_str().expect("base_url").to_string();
    assert_eq!(base_url, format!("http://127.0.0.1:{}/westmoor", p.port));
    let built = build_with(&p.site, &base_url);
    let index = built
        .iter()
        .find(|f| f.path == "index.html")
        .expect("index");
    assert_eq!(without_script(&html).as_bytes(), &index.bytes[..]);

    // The live script is in no build output: neither in memory nor in --output.
    for f in &built {
        assert!(
            !String::from_utf8_lossy(&f.bytes).contains("__reportsite"),
            "{} has the live script",
            f.path
        );
    }
    assert!(out.join("index.html").exists(), "--output got the build");
    for e in walkdir::WalkDir::new(&out) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let text =
                String::from_utf8_lossy(&std::fs::read(e.path()).expect("read")).into_owned();
            assert!(
                !text.contains("__reportsite"),
                "{} has the live script",
                e.path().display()
            );
        }
    }

    // Folders, redirects, types, 404.
    let root = p.get("/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("location"), Some("/westmoor/"));
    let r = p.page("foreword");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/westmoor/foreword/"));
    assert_eq!(p.page("foreword/").status, 200);
    assert_eq!(p.page("foreword/index.html").status, 200);
    let css = p.page("civic.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("x-content-type-options"), Some("nosniff"));
    assert!(
        !css.text().contains("__reportsite"),
        "only HTML gets the script"
    );
    assert_eq!(p.page("sitemap.xml").status, 200);
    let missing = p.page("no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Page not found"),
        "the site's own 404 page"
    );
    assert!(missing.text().contains(SCRIPT_START));
    assert_eq!(p.get("/elsewhere/").status, 404, "outside the base path");

    let js = p.get("/__reportsite/live.js");
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text().contains("location.host") && js.text().contains("EventSource"));
}

#[test]
fn an_edit_reloads_the_page_after_the_new_build_is_served() {
    let p = Preview::start(&[]);
    let mut events = p.events();

    // Appending to a page (a plain write).
    let file = p.path("content/foreword/_index.md");
    let mut text = std::fs::read_to_string(&file).expect("read");
    text.push_str("\nA sentence added while the preview runs.\n");
    std::fs::write(&file, &text).expect("write");
    events.wait_for("reload", &p);
    // The reload is sent only once the new build is published.
    let page = p.page("foreword/");
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains("A sentence added while the preview runs."),
        "the page reloaded to the new build"
    );

    // An editor's atomic save (temporary file renamed over the page).
    atomic_save(
        &file,
        &text.replace("A sentence added", "A sentence saved atomically"),
    );
    events.wait_for("reload", &p);
    assert!(
        p.page("foreword/")
            .text()
            .contains("A sentence saved atomically")
    );

    // Editor swap and temporary files change nothing.
    std::fs::write(p.path("content/foreword/.index.md.swp"), "junk").expect("swap");
    std::fs::write(p.path("content/foreword/_index.md~"), "junk").expect("backup");
    assert_eq!(
        events.next(Duration::from_millis(600)),
        None,
        "no event for ignored files"
    );

    // The terminal line names the file and the pages that changed.
    p.wait_log(&[
        "content/foreword/_index.md: rebuilt in ",
        "foreword/index.html",
    ]);
}

#[test]
fn renamed_deleted_and_added_files_and_folders() {
    let p = Preview::start(&[]);
    let mut events = p.events();
    let page = "---\ntitle: A page added while watching\nweight: 9\n---\nAdded text.\n";

    std::fs::write(p.path("content/priorities/added.md"), page).expect("add");
    events.wait_for("reload", &p);
    let r = p.page("priorities/added/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("A page added while watching"));
    assert!(
        p.page("priorities/")
            .text()
            .contains("A page added while watching"),
        "listed in its chapter"
    );

    std::fs::rename(
        p.path("content/priorities/added.md"),
        p.path("content/priorities/renamed.md"),
    )
    .expect("rename");
    events.wait_for("reload", &p);
    assert_eq!(p.page("priorities/renamed/").status, 200);
    assert_eq!(p.page("priorities/added/").status, 404);

    std::fs::remove_file(p.path("content/priorities/renamed.md")).expect("delete");
    events.wait_for("reload", &p);
    assert_eq!(p.page("priorities/renamed/").status, 404);
    assert!(
        !p.page("priorities/")
            .text()
            .contains("A page added while watching")
    );

    // A new folder with a chapter in it.
    std::fs::create_dir_all(p.path("content/annex/more")).expect("mkdir");
    std::fs::write(
        p.path("content/annex/_index.md"),
        "---\ntitle: Annex\nweight: 9\n---\nAnnex text.\n",
    )
    .expect("annex");
    std::fs::write(
        p.path("content/annex/more/_index.md"),
        "---\ntitle: More\n---\nMore text.\n",
    )
    .expect("more");
    std::fs::write(
        p.path("content/annex/more/deep.md"),
        "---\ntitle: Deep page\n---\nDeep text.\n",
    )
    .expect("deep");
    p.wait_page("annex/more/deep/", "the new nested page", |r| {
        r.status == 200
    });
    assert!(p.page("annex/").text().contains("Annex text."));

    // A folder removed as a whole.
    std::fs::remove_dir_all(p.path("content/annex")).expect("rmdir");
    p.wait_page("annex/", "the removed chapter going away", |r| {
        r.status == 404
    });
    assert_eq!(p.page("annex/more/deep/").status, 404);
}

#[test]
fn malformed_front_matter_shows_the_overlay_until_fixed() {
    let p = Preview::start(&[]);
    let mut events = p.events();
    let file = p.path("content/local-context/_index.md");
    let good = std::fs::read_to_string(&file).expect("read");

    std::fs::write(&file, good.replacen("title:", "titel:", 1)).expect("break");
    let data = events.wait_for("error", &p);
    let payload: serde_json::Value = serde_json::from_str(&data).expect("error event JSON");
    let overlay = payload["html"].as_str().expect("overlay html");
    assert!(
        overlay.contains("content/local-context/_index.md:2:1"),
        "{overlay}"
    );

    // Every page keeps its last good content and gets the overlay.
    for rel in ["local-context/", "", "foreword/"] {
        let r = p.page(rel);
        assert_eq!(r.status, 200, "{rel}");
        let html = r.text();
        assert!(html.contains("role=\"alert\""), "{rel}: {html}");
        assert!(html.contains("tabindex=\"-1\""));
        assert!(
            html.contains(
                "<h2 id=\"reportsite-overlay-title\">The site did not build: 1 error</h2>"
            )
        );
        assert!(html.contains("content/local-context/_index.md:2:1"));
        assert!(html.contains("unknown key `titel`"));
        assert!(html.contains("did you mean `title`?"));
        assert!(html.contains("data-reportsite-dismiss"), "dismissible");
        assert!(html.contains(SCRIPT_START));
    }
    assert!(
        p.page("local-context/")
            .text()
            .contains("Westmoor at a glance</h1>"),
        "last good page"
    );
    assert_eq!(p.status()["ok"], false);
    // The terminal shows the compiler-style message.
    p.wait_log(&["--> content/local-context/_index.md:2:1", "build failed in"]);

    // A file saved half-way: front matter never closed.
    let half = &good[..good.find("\n---").expect("end of front matter")];
    std::fs::write(&file, half).expect("half");
    events.wait_for("error", &p);

    // Fixing it heals every page.
    std::fs::write(&file, &good).expect("fix");
    events.wait_for("reload", &p);
    for rel in ["local-context/", ""] {
        let html = p.page(rel).text();
        assert!(
            !html.contains("id=\"reportsite-overlay\""),
            "{rel}: the overlay is gone"
        );
    }
    assert_eq!(p.status()["ok"], true);
}

#[test]
fn accessibility_findings_show_in_the_preview_as_warnings() {
    let p = Preview::start(&[]);
    let mut events = p.events();
    let file = p.path("content/appendices/budget.md");
    let good = std::fs::read_to_string(&file).expect("read");
    std::fs::write(
        &file,
        format!("{good}\nRead [click here](@/foreword/_index.md).\n"),
    )
    .expect("write");
    events.wait_for("reload", &p);
    let status = p.status();
    assert_eq!(status["ok"], true, "findings do not fail the preview");
    assert!(
        status["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|d| d["code"] == "link-text")),
        "{status}"
    );
    for rel in ["appendices/budget/", ""] {
        let html = p.page(rel).text();
        assert!(
            html.contains("id=\"reportsite-warnings\""),
            "{rel}: the panel is on every page"
        );
        assert!(html.contains("link-text") && html.contains("WCAG 2.2 success criterion 2.4.4"));
        assert!(
            html.contains("<a href=\"/westmoor/appendices/budget/\">"),
            "links the page"
        );
        assert!(
            !html.contains("id=\"reportsite-overlay\""),
            "not the error overlay"
        );
    }
    p.wait_log(&["warning[link-text]", "accessibility finding"]);

    std::fs::write(&file, &good).expect("fix");
    events.wait_for("reload", &p);
    // The finding is gone (the panel stays for the site's plain-English advice).
    assert!(!p.page("").text().contains("link-text"));
}

#[test]
fn a_failed_first_build_still_serves_the_errors() {
    let (tmp, site) = site_copy();
    let file = site.join("content/foreword/_index.md");
    let good = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, good.replacen("weight: 1", "weight: one", 1)).expect("break");
    let p = Preview::start_on(tmp, site, &[]);

    let r = p.page("");
    assert_eq!(r.status, 503);
    let html = r.text();
    assert!(
        html.contains("<h1>The site has not built yet</h1>"),
        "{html}"
    );
    assert!(html.contains("role=\"alert\"") && html.contains("content/foreword/_index.md:"));
    assert!(html.contains("No version of the site has built yet"));
    assert_eq!(p.get("/anything/else").status, 503);

    let mut events = p.events();
    std::fs::write(&file, &good).expect("fix");
    events.wait_for("reload", &p);
    let r = p.page("");
    assert_eq!(r.status, 200);
    assert!(!r.text().contains("id=\"reportsite-overlay\""));
}

#[test]
fn paths_that_climb_out_are_refused() {
    let p = Preview::start(&[]);
    for target in [
        "/../Cargo.toml",
        "/westmoor/../../Cargo.toml",
        "/%2e%2e/x",
        "/westmoor/%2E%2E/%2e%2e/Cargo.toml",
        "/a%2f..%2f..%2fx",
        "/westmoor/..%2fCargo.toml",
        "/..\\x",
        "/westmoor/%5c..%5cCargo.toml",
        "/westmoor/index.html%00",
        "/westmoor/%zz",
    ] {
        let r = p.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        assert!(!r.text().contains("[package]"), "{target} leaked a file");
    }
    // A page elsewhere cannot read the preview by pointing its own DNS name at
    // 127.0.0.1 (DNS rebinding): only local host names are answered.
    let mut s = TcpStream::connect(("127.0.0.1", p.port)).expect("connect");
    write!(
        s,
        "GET /westmoor/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(!answer.contains("Westmoor"), "{answer}");

    // Our own guard answers these (hyper may refuse the backslash first).
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/x",
        "/a%2f..%2f..%2fx",
        "/westmoor/index.html%00",
    ] {
        assert_eq!(p.get(target).status, 400, "{target}");
    }
}

#[test]
fn a_stylesheet_change_swaps_css_and_a_template_change_reloads() {
    let (tmp, site) = site_copy();
    copy_tree(&repo().join("themes/civic"), &site.join("themes/civic"));
    let p = Preview::start_on(tmp, site, &[]);
    let mut events = p.events();

    let css = p.path("themes/civic/static/civic.css");
    let mut text = std::fs::read_to_string(&css).expect("css");
    text.push_str("\n.watch-test{outline:1px solid}\n");
    std::fs::write(&css, &text).expect("write css");
    events.wait_for("css", &p);
    assert!(p.page("civic.css").text().contains(".watch-test"));

    let tpl = p.path("themes/civic/templates/404.html");
    let t = std::fs::read_to_string(&tpl).expect("template");
    let changed = t.replacen(
        "<h1>Page not found</h1>",
        "<h1>Page not found</h1><p>Template edited.</p>",
        1,
    );
    assert_ne!(t, changed, "404.html has its heading");
    std::fs::write(&tpl, changed).expect("write template");
    events.wait_for("reload", &p);
    assert!(p.page("404.html").text().contains("Template edited."));

    // config.toml too (saved atomically, as editors do).
    let config = p.path("config.toml");
    let c = std::fs::read_to_string(&config).expect("config");
    let unminified = c.replacen("minify_html = true", "minify_html = false", 1);
    assert_ne!(c, unminified, "the fixture minifies");
    atomic_save(&config, &unminified);
    events.wait_for("reload", &p);
    assert!(p.page("").text().contains('\n'), "no longer minified");
}

#[test]
fn the_polling_watcher_sees_changes() {
    let p = Preview::start(&["--poll"]);
    let mut events = p.events();
    let file = p.path("content/appendices/budget.md");
    let mut text = std::fs::read_to_string(&file).expect("read");
    text.push_str("\nPolled sentence.\n");
    std::fs::write(&file, &text).expect("write");
    events.wait_for("reload", &p);
    assert!(
        p.page("appendices/budget/")
            .text()
            .contains("Polled sentence.")
    );
}

#[test]
fn a_busy_port_moves_to_the_next_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let (tmp, site) = site_copy();
    let mut child = Command::new(env!("CARGO_BIN_EXE_reportsite"))
        .arg("watch")
        .arg("--root")
        .arg(&site)
        .args(["--port", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let stderr = child.stderr.take().expect("stderr");
    let mut said = String::new();
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        said.push_str(&line);
        said.push('\n');
        if line.starts_with("serving ") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(tmp);
    assert!(
        said.contains(&format!("port {port} is in use; using port ")),
        "{said}"
    );
    assert!(
        !said.contains(&format!("serving http://127.0.0.1:{port}/")),
        "{said}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_even_with_a_page_open() {
    let mut p = Preview::start(&[]);
    let _open_page = p.events();
    let pid = p.child.id().to_string();
    // SIGINT, as Ctrl-C sends, to this test's own child only.
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = p.child.try_wait().expect("wait") {
            break s;
        }
        assert!(start.elapsed() < WAIT, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    // The log thread may need a moment to read the last line.
    let start = Instant::now();
    while !p.log().contains("stopped") && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(p.log().ends_with("stopped"), "{}", p.log());
}

/// One random edit of the property test.
#[derive(Debug, Clone)]
enum Edit {
    /// Append a paragraph to the page at this index (of the pages there are now).
    Body(usize, String),
    /// Give the page at this index a new title.
    Title(usize, String),
    /// Add a page `priorities/new-NAME.md`.
    Add(String, String),
    /// Delete one of the pages this test added.
    Delete(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), "[a-z]{3,8}( [a-z]{2,8}){2,6}").prop_map(|(i, s)| Edit::Body(i, s)),
        (any::<usize>(), "[A-Z][a-z]{2,8}( [a-z]{2,8}){0,3}").prop_map(|(i, s)| Edit::Title(i, s)),
        ("[a-z]{3,8}", "[a-z]{3,8}( [a-z]{2,8}){2,6}").prop_map(|(n, b)| Edit::Add(n, b)),
        any::<usize>().prop_map(Edit::Delete),
    ]
}

fn md_files(site: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

fn apply(site: &Path, e: &Edit, added: &mut Vec<PathBuf>) {
    match e {
        Edit::Body(i, words) => {
            let files = md_files(site);
            let f = &files[i % files.len()];
            let mut t = std::fs::read_to_string(f).expect("read");
            t.push_str(&format!("\n{words}.\n"));
            atomic_save(f, &t);
        }
        Edit::Title(i, title) => {
            let files = md_files(site);
            let f = &files[i % files.len()];
            let t = std::fs::read_to_string(f).expect("read");
            let mut out = String::new();
            let mut done = false;
            for line in t.split_inclusive('\n') {
                if !done && line.starts_with("title:") {
                    out.push_str(&format!("title: \"{title}\"\n"));
                    done = true;
                } else {
                    out.push_str(line);
                }
            }
            std::fs::write(f, out).expect("write");
        }
        Edit::Add(name, body) => {
            let f = site.join(format!("content/priorities/new-{name}.md"));
            std::fs::write(
                &f,
                format!("---\ntitle: \"Added {name}\"\nweight: 9\n---\n{body}.\n"),
            )
            .expect("add");
            if !added.contains(&f) {
                added.push(f);
            }
        }
        Edit::Delete(i) => {
            if !added.is_empty() {
                let f = added.remove(i % added.len());
                std::fs::remove_file(&f).expect("delete");
            }
        }
    }
}

/// Every file the server serves equals a fresh full build, byte for byte.
fn served_equals_fresh_build(p: &Preview) -> Result<(), String> {
    let status = p.status();
    if status["ok"] != true {
        return Err(format!("the latest build failed: {}", status["errors"]));
    }
    let base_url = status["base_url"].as_str().unwrap_or_default();
    let expected = build_with(&p.site, base_url);
    let served: Vec<&str> = status["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let want: Vec<&str> = expected.iter().map(|f| f.path.as_str()).collect();
    if served != want {
        return Err(format!("served files {served:?}\nfresh build {want:?}"));
    }
    for f in &expected {
        let r = p.page(&f.path);
        let body = if f.path.ends_with(".html") {
            without_script(&r.text()).into_bytes()
        } else {
            r.body
        };
        if body != f.bytes {
            return Err(format!("{} differs from a fresh build", f.path));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 8,
        max_shrink_iters: 8,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// After any burst of edits (applied without waiting, so they land during
    /// builds and are merged), the served site equals a full build.
    #[test]
    fn after_any_edits_the_served_site_equals_a_full_build(
        edits in proptest::collection::vec(edit(), 1..7)
    ) {
        let p = Preview::start(&[]);
        let mut added = Vec::new();
        for e in &edits {
            apply(&p.site, e, &mut added);
            std::thread::sleep(Duration::from_millis(15));
        }
        let start = Instant::now();
        let mut last = served_equals_fresh_build(&p);
        while last.is_err() && start.elapsed() < WAIT {
            std::thread::sleep(Duration::from_millis(150));
            last = served_equals_fresh_build(&p);
        }
        prop_assert!(last.is_ok(), "{:?}\nlog:\n{}", last, p.log());
    }
}

/// A page created and deleted again within the watcher's debounce time gives no
/// event at all (the debouncer drops the pair), yet a build started meanwhile by
/// another edit may read it. The preview notices after the build and rebuilds,
/// so the page it served does not stay. Timing decides whether a build reads
/// the short-lived page; the attempts cover a range of delays, and each one
/// must end with the served site equal to a fresh build.
#[test]
fn a_page_that_comes_and_goes_between_events_does_not_stay() {
    let p = Preview::start(&[]);
    let page = p.site.join("content/appendices/budget.md");
    let brief = p.site.join("content/priorities/brief.md");
    for (n, delay) in [20u64, 25, 30, 35, 40, 45, 50, 55].iter().enumerate() {
        let mut t = std::fs::read_to_string(&page).expect("read");
        t.push_str(&format!("\nAttempt {n}.\n"));
        atomic_save(&page, &t);
        std::thread::sleep(Duration::from_millis(*delay));
        std::fs::write(
            &brief,
            "---\ntitle: \"Brief\"\nweight: 9\n---\nHere briefly.\n",
        )
        .expect("add");
        std::thread::sleep(Duration::from_millis(15));
        std::fs::remove_file(&brief).expect("delete");
        let start = Instant::now();
        let mut last = served_equals_fresh_build(&p);
        while last.is_err() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
            last = served_equals_fresh_build(&p);
        }
        assert!(
            last.is_ok(),
            "attempt {n} (delay {delay} ms): {last:?}\nlog:\n{}",
            p.log()
        );
    }
}

/// A build that stops before it reads `content/` (here a broken config.toml)
/// says nothing about which pages there are: a page added meanwhile is not
/// taken for a missed file event, and the preview does not rebuild on its own.
#[test]
fn a_build_that_never_read_the_content_is_not_checked_against_it() {
    let p = Preview::start(&[]);
    let config = p.site.join("config.toml");
    let mut text = std::fs::read_to_string(&config).expect("read");
    text.push_str("\nbogus = = 1\n");
    std::fs::write(&config, text).expect("break the config");
    p.wait_log(&["config.toml: build failed"]);
    std::fs::write(
        p.site.join("content/priorities/added.md"),
        "---\ntitle: \"Added\"\nweight: 9\n---\nAdded.\n",
    )
    .expect("add");
    p.wait_log(&["content/priorities/added.md: build failed"]);
    // Well past the build loop's settling time.
    std::thread::sleep(Duration::from_millis(600));
    let log = p.log();
    assert!(
        !log.contains("missed file events"),
        "no rebuild of its own after a build that read nothing: {log}"
    );
}
