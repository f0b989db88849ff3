//! Benchmark (not a test): how long from saving a file to the `reload` event of
//! `reportsite watch`, the moment a browser starts reloading.
//!
//! In: a site folder. Out: the median, minimum, 90th percentile and maximum over
//! N saves, on stdout. The site is copied to a temporary folder first (its
//! `config.toml`, `content/`, `templates/`, `static/`, `themes/`), so the
//! original is never edited; `reportsite watch` runs on the copy on a free port of
//! 127.0.0.1 and is stopped at the end.
//!
//! ```text
//! cargo build --release && cargo run --release --example watch_latency -- --root . --runs 20
//! ```
//!
//! Options: `--root DIR` (default `.`), `--runs N` (default 20), `--file REL`
//! (the page to edit, relative to the site; default: the first page under
//! `content/` that is not an `_index.md`), `--bin PATH` (default: the
//! `reportsite` binary beside this example's), `--pause-ms N` between saves
//! (default 300).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/site_copy.rs"]
mod site_copy;
use site_copy::{copy_site, first_page};

struct Args {
    root: PathBuf,
    runs: usize,
    file: Option<String>,
    bin: PathBuf,
    pause: Duration,
}

fn usage(msg: &str) -> ! {
    eprintln!("watch_latency: {msg}");
    eprintln!(
        "usage: watch_latency [--root DIR] [--runs N] [--file content/x.md] [--bin PATH] [--pause-ms N]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let default_bin = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent()?.parent().map(|d| d.join("reportsite")))
        .unwrap_or_else(|| PathBuf::from("reportsite"));
    let mut a = Args {
        root: PathBuf::from("."),
        runs: 20,
        file: None,
        bin: default_bin,
        pause: Duration::from_millis(300),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--root" => a.root = PathBuf::from(value()),
            "--runs" => a.runs = value().parse().unwrap_or_else(|_| usage("bad --runs")),
            "--file" => a.file = Some(value()),
            "--bin" => a.bin = PathBuf::from(value()),
            "--pause-ms" => {
                a.pause = Duration::from_millis(
                    value().parse().unwrap_or_else(|_| usage("bad --pause-ms")),
                )
            }
            other => usage(&format!("unknown option {other}")),
        }
    }
    if a.runs == 0 {
        usage("--runs must be at least 1");
    }
    a
}

/// The `reload`/`css`/`error` events of the preview, read from its SSE stream.
struct Events(BufReader<TcpStream>);

impl Events {
    fn connect(port: u16) -> std::io::Result<Events> {
        let mut s = TcpStream::connect(("127.0.0.1", port))?;
        write!(
            s,
            "GET /__reportsite/events HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )?;
        s.set_read_timeout(Some(Duration::from_secs(120)))?;
        let mut r = BufReader::new(s);
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
                break;
            }
        }
        let mut e = Events(r);
        e.next()?; // hello
        Ok(e)
    }

    /// The name of the next event.
    fn next(&mut self) -> std::io::Result<String> {
        let mut name = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            if self.0.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("the event stream closed"));
            }
            let l = line.trim_end();
            if let Some(n) = l.strip_prefix("event:") {
                name = n.trim().to_string();
            } else if l.is_empty() && !name.is_empty() {
                return Ok(name);
            }
        }
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let args = parse_args();
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => usage(&format!("cannot make a temporary folder: {e}")),
    };
    let site = tmp.path().join("site");
    let t = Instant::now();
    if let Err(e) = copy_site(&args.root, &site) {
        usage(&format!("cannot copy {}: {e}", args.root.display()));
    }
    let pages = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    eprintln!(
        "copied {} ({pages} Markdown files) in {} ms",
        args.root.display(),
        t.elapsed().as_millis()
    );
    let file = match &args.file {
        Some(f) => site.join(f),
        None => match first_page(&site) {
            Some(p) => p,
            None => usage("no page to edit under content/; pass --file"),
        },
    };

    let t = Instant::now();
    let mut child = match Command::new(&args.bin)
        .args(["watch", "--port", "0", "--root"])
        .arg(&site)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => usage(&format!("cannot run {}: {e}", args.bin.display())),
    };
    let stderr = child.stderr.take();
    let _server = Server(child);
    let Some(stderr) = stderr else {
        usage("no stderr")
    };
    let mut lines = BufReader::new(stderr).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            port = rest.split('/').next().and_then(|p| p.parse::<u16>().ok());
            break;
        }
        eprintln!("  {line}");
    }
    let Some(port) = port else {
        usage("reportsite watch did not start")
    };
    // Keep draining the server's output so it never blocks on a full pipe, and
    // pick out how long each rebuild itself took ("rebuilt in N ms").
    let (build_tx, build_rx) = std::sync::mpsc::channel::<u64>();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some(ms) = line
                .split("rebuilt in ")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse().ok())
            {
                let _ = build_tx.send(ms);
            }
        }
    });
    eprintln!(
        "first build and start: {} ms; editing {}",
        t.elapsed().as_millis(),
        file.strip_prefix(&site).unwrap_or(&file).display()
    );
    let mut events = match Events::connect(port) {
        Ok(e) => e,
        Err(e) => usage(&format!("cannot read the event stream: {e}")),
    };

    let original = std::fs::read_to_string(&file).unwrap_or_default();
    let mut times = Vec::with_capacity(args.runs);
    for i in 0..args.runs {
        std::thread::sleep(args.pause);
        let text = format!("{original}\nLatency run {i}.\n");
        let start = Instant::now();
        if let Err(e) = std::fs::write(&file, text) {
            usage(&format!("cannot write {}: {e}", file.display()));
        }
        match events.next() {
            Ok(name) if name == "reload" => times.push(start.elapsed()),
            Ok(other) => usage(&format!("expected a reload event, got `{other}`")),
            Err(e) => usage(&format!("no event: {e}")),
        }
    }
    // Give the last "rebuilt in" line a moment to arrive.
    std::thread::sleep(Duration::from_millis(200));
    let mut builds: Vec<u64> = build_rx.try_iter().collect();
    builds.sort_unstable();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "save → reload event over {} saves: median {:.0} ms, min {:.0} ms, p90 {:.0} ms, max {:.0} ms ({pages} Markdown files)",
        times.len(),
        ms(pick(0.5)),
        ms(times[0]),
        ms(pick(0.9)),
        ms(times[times.len() - 1])
    );
    if !builds.is_empty() {
        println!(
            "  of which the rebuild itself (Site::load + build, as the server reports it): median {} ms",
            builds[builds.len() / 2]
        );
    }
}
