//! `reportsite watch` (alias `serve`): a live-reloading local preview.
//!
//! In: a site folder and [`WatchOptions`]. Out: an HTTP server on 127.0.0.1 that
//! serves the latest good build from memory, rebuilds on every change to the
//! site's files, reloads open pages when a new build is published, and shows the
//! build's errors in the page; one line per rebuild on stderr. Runs until Ctrl-C.
//!
//! The parts, one module each:
//! - [`watch`]: notify events → [`watch::Change`]s (what changed, relative to the
//!   site folder), through a debouncer, ignoring editors' temporary files and
//!   everything outside `config.toml`, `content/`, `templates/`, `static/`, `themes/`.
//! - [`Builder`]: one rebuild is one call, [`Builder::rebuild`]: an incremental
//!   `Site::load_cached` + `build_cached`, which re-reads only the files that
//!   changed and re-renders only the pages whose inputs changed, with the result
//!   of a whole build. The site is built with its base URL pointed at the server
//!   (the path part of `config.toml`'s `base_url` is kept), so every link works.
//! - the build loop: one thread, one build at a time; changes that arrive during
//!   a build are merged into the next one.
//! - [`state`]: the published snapshot, swapped in one step, then the live event.
//! - [`server`]: HTTP from memory and Server-Sent Events; [`overlay`]: what the
//!   server (and only the server) adds to pages.
//!
//! Nothing here panics or exits on a content error: a failed build keeps the last
//! good pages and shows the overlay; a panic inside the library is caught and
//! shown the same way.

pub mod overlay;
pub mod server;
pub mod state;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::config::{CONFIG_FILE, Config};
use crate::error::{Diagnostic, Error, Result};
use crate::load::SourceCache;
use crate::output;
use crate::site::{BuildCache, Built, LoadOptions, Site};

use state::{LiveEvent, Published, Shared, SiteFiles};
use watch::{Change, Message, SiteWatcher};

/// How `reportsite watch` was asked to run.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The first port to try; 0 lets the system choose a free one.
    pub port: u16,
    /// The address to listen on (127.0.0.1 unless asked otherwise).
    pub bind: IpAddr,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Poll the files instead of using the system's notifications.
    pub poll: bool,
    /// Also write each good build to this folder.
    pub output: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            root: PathBuf::from("."),
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
            poll: false,
            output: None,
            drafts: false,
        }
    }
}

/// How many ports after the requested one are tried when it is busy.
const PORT_TRIES: u16 = 20;

/// Listens on `bind:port`, or on the next free port when it is taken.
pub fn bind(bind: IpAddr, port: u16) -> Result<TcpListener> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut p = port;
    loop {
        match TcpListener::bind(SocketAddr::new(bind, p)) {
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
pub fn origin(addr: SocketAddr) -> String {
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

/// Builds the site in memory for the preview. One call is one rebuild, which
/// re-reads only the Markdown files that changed on disk and re-renders only the
/// pages whose inputs changed (their fingerprints, see [`BuildCache`]): the result
/// is always that of a whole build.
#[derive(Debug)]
pub struct Builder {
    root: PathBuf,
    origin: String,
    drafts: bool,
    sources: SourceCache,
    models: crate::model::ModelCache,
    cache: BuildCache,
}

/// The result of one rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// The build, or why it failed.
    pub result: Result<Built>,
    /// The base URL it was built with.
    pub base_url: String,
    /// Its path part.
    pub base_path: String,
    /// How long it took.
    pub elapsed: Duration,
    /// Content pages rendered (the others were unchanged and reused).
    pub rendered: usize,
}

impl Builder {
    /// A builder for the site at `root`, served at `origin` (`http://127.0.0.1:1111`).
    pub fn new(root: &Path, origin: &str, drafts: bool) -> Builder {
        Builder {
            root: root.to_path_buf(),
            origin: origin.trim_end_matches('/').to_string(),
            drafts,
            sources: SourceCache::default(),
            models: crate::model::ModelCache::default(),
            cache: BuildCache::default(),
        }
    }

    /// The base URL a preview build uses: the server's origin with the path part
    /// of the site's own `base_url` (so a site published under `/reports/x/` is
    /// previewed there too). When `config.toml` cannot be read the build reports
    /// why; the root path is used meanwhile.
    pub fn base_url(&self) -> (String, String) {
        let path = std::fs::read_to_string(self.root.join(CONFIG_FILE))
            .or_else(|_| std::fs::read_to_string(self.root.join(crate::config::ZOLA_CONFIG_FILE)))
            .ok()
            .and_then(|t| {
                let t = t.strip_prefix('\u{feff}').unwrap_or(&t).to_string();
                Config::parse(&t, CONFIG_FILE).ok()
            })
            .map(|c| c.base_path())
            .unwrap_or_else(|| "/".to_string());
        (
            format!("{}{}", self.origin, path.trim_end_matches('/')),
            path,
        )
    }

    /// Whether the files of `content/` are no longer those the last build read,
    /// though no event said so (see [`crate::load::listing_changed`]).
    pub fn listing_changed(&self) -> bool {
        crate::load::listing_changed(&self.root, &self.sources)
    }

    /// Rebuilds the site. `changes` says what changed since the last call: the
    /// Markdown files named there are read again whatever their time stamps; the
    /// others are read again when their length, time or inode changed.
    pub fn rebuild(&mut self, changes: &[Change]) -> Rebuilt {
        let start = Instant::now();
        for c in changes {
            let mut paths = vec![c.path.as_str()];
            if let watch::ChangeKind::Renamed { to } = &c.kind {
                paths.push(to);
            }
            if matches!(c.kind, watch::ChangeKind::Rescan) {
                self.sources.clear();
                self.models.clear();
            }
            for p in paths {
                if let Some(rel) = p.strip_prefix("content/") {
                    self.sources.forget(rel);
                }
            }
        }
        self.sources.forget_listing();
        let (base_url, base_path) = self.base_url();
        let options = LoadOptions {
            drafts: self.drafts,
            base_url: Some(base_url.clone()),
        };
        let root = self.root.clone();
        let sources = &mut self.sources;
        let models = &mut self.models;
        let cache = &mut self.cache;
        // The library does not panic on any input it knows of; if it ever does,
        // the preview says so and keeps running (and forgets what it kept).
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let site = Site::load_cached(&root, &options, Some(sources), Some(models))?;
            let built = site.build_cached(cache)?;
            Ok((built, site.report.entries.len() - cache.reused()))
        }));
        if outcome.is_err() {
            self.sources = SourceCache::default();
            self.models = crate::model::ModelCache::default();
            self.cache = BuildCache::default();
        }
        let mut rendered = 0;
        let result = outcome
            .map(|r: Result<(Built, usize)>| {
                r.map(|(built, n)| {
                    rendered = n;
                    built
                })
            })
            .unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown cause".to_string());
                Err(Error::content(vec![
                    Diagnostic::error(
                        "internal",
                        "(reportsite)",
                        format!("the build stopped on an internal error: {what}"),
                    )
                    .help("this is a bug in reportsite, not in your site: please report it with the file you last changed"),
                ]))
            });
        Rebuilt {
            result,
            base_url,
            base_path,
            elapsed: start.elapsed(),
            rendered,
        }
    }
}

/// Publishes one rebuild and returns what the terminal line needs. An error that
/// is not about content (a file that cannot be read) is shown like one.
fn publish(shared: &Shared, rebuilt: Rebuilt) -> (Published, Option<Built>) {
    match rebuilt.result {
        Ok(mut built) => {
            let files = std::mem::take(&mut built.files);
            let site = SiteFiles::new(files, rebuilt.base_url, rebuilt.base_path);
            let warnings = built.warnings.clone();
            let findings = built.findings.clone();
            (shared.publish_good(site, warnings, findings), Some(built))
        }
        Err(Error::Content(diagnostics)) => (shared.publish_failed(diagnostics), None),
        Err(other) => {
            let d = Diagnostic::error("io", "(site folder)", other.to_string()).help(
                "check that the file exists and can be read; the preview rebuilds when it changes",
            );
            (shared.publish_failed(vec![d]), None)
        }
    }
}

fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

fn describe_changes(changes: &[Change]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = changes.iter().take(SHOWN).map(Change::describe).collect();
    if changes.len() > SHOWN {
        parts.push(format!("and {} more", changes.len() - SHOWN));
    }
    parts.join(", ")
}

fn describe_outputs(changed: &[String], total: usize) -> String {
    const SHOWN: usize = 4;
    if changed.is_empty() {
        return "no page changed".to_string();
    }
    let pages = changed.iter().filter(|p| p.ends_with(".html")).count();
    let names: Vec<&str> = changed.iter().take(SHOWN).map(String::as_str).collect();
    let more = changed.len().saturating_sub(SHOWN);
    let tail = if more > 0 {
        format!(", and {more} more")
    } else {
        String::new()
    };
    format!(
        "{pages} page{} and {} other file{} changed of {total} ({}{tail})",
        if pages == 1 { "" } else { "s" },
        changed.len() - pages,
        if changed.len() - pages == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// Prints the terminal lines of one build: its diagnostics (for a good build,
/// only the warnings and accessibility findings not printed after the build
/// before), then one summary line. `shown` holds what was printed last time.
fn report(
    trigger: Option<&[Change]>,
    published: &Published,
    built: Option<&Built>,
    elapsed: Duration,
    rendered: usize,
    shared: &Shared,
    shown: &mut Vec<Diagnostic>,
) {
    let ms = elapsed.as_millis();
    let snap = shared.current();
    let what = match trigger {
        Some(c) => format!("{}: ", describe_changes(c)),
        None => String::new(),
    };
    let Some(b) = built else {
        for d in snap.errors.iter().chain(&snap.warnings) {
            eprintln!("{}", d.render());
        }
        let n = snap.errors.len();
        let keep = if snap.site.is_some() {
            "still serving the last good build, with the errors shown on every page"
        } else {
            "serving a page that lists them until they are fixed"
        };
        eprintln!(
            "{} {what}build failed in {ms} ms with {n} error{}; {keep}",
            clock(),
            if n == 1 { "" } else { "s" }
        );
        return;
    };
    let all: Vec<Diagnostic> = b.warnings.iter().chain(&b.findings).cloned().collect();
    for d in all.iter().filter(|d| !shown.contains(d)) {
        eprintln!("{}", d.render());
    }
    *shown = all;
    let mut notes = Vec::new();
    if !b.findings.is_empty() {
        notes.push(format!("{} accessibility finding(s)", b.findings.len()));
    }
    if !b.warnings.is_empty() {
        notes.push(format!("{} warning(s)", b.warnings.len()));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("; {} (listed in the preview)", notes.join(" and "))
    };
    if trigger.is_some() {
        let event = match &published.event {
            Some(LiveEvent::Css { .. }) => "; stylesheets swapped",
            Some(LiveEvent::Reload { .. }) => "; pages reloaded",
            _ => "",
        };
        eprintln!(
            "{} {what}rebuilt in {ms} ms ({rendered} content page{} re-rendered); {}{event}{notes}",
            clock(),
            if rendered == 1 { "" } else { "s" },
            describe_outputs(&published.changed, published.total)
        );
    } else {
        eprintln!(
            "built {} pages ({} files) in {ms} ms{notes}",
            b.pages, published.total
        );
    }
}

/// The build loop: the first build, then one rebuild per batch of changes.
/// `ready` is told once the first build is published.
/// How long the build loop waits, after a build, for events before it checks
/// the files against the disk: well over the watcher's debounce time.
const SETTLE: Duration = Duration::from_millis(100);

fn build_loop(
    mut builder: Builder,
    mut watcher: SiteWatcher,
    rx: Receiver<Message>,
    shared: Arc<Shared>,
    output: Option<PathBuf>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let rebuilt = builder.rebuild(&[]);
    let elapsed = rebuilt.elapsed;
    let rendered = rebuilt.rendered;
    let (published, built) = publish(&shared, rebuilt);
    let mut shown = Vec::new();
    report(
        None,
        &published,
        built.as_ref(),
        elapsed,
        rendered,
        &shared,
        &mut shown,
    );
    write_output(output.as_deref(), &shared, built.is_some());
    let _ = ready.send(());

    // Runs until the program exits: the sender lives in `watcher`, owned here.
    // After each build, once no event has come for SETTLE, the files the build
    // read are checked against the disk: a file created and removed again within
    // the watcher's debounce time gives no event, yet the build may have read it.
    let mut settled = false;
    loop {
        let first = if settled {
            match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            }
        } else {
            match rx.recv_timeout(SETTLE) {
                Ok(m) => m,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    settled = true;
                    if !builder.listing_changed() {
                        continue;
                    }
                    Message::Changes(vec![watch::Change {
                        path: String::new(),
                        kind: watch::ChangeKind::Rescan,
                    }])
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        };
        // Everything that arrived meanwhile (during the last build) joins this one.
        let mut messages = vec![first];
        messages.extend(rx.try_iter());
        let mut changes = Vec::new();
        for m in messages {
            match m {
                Message::Changes(c) => changes.extend(c),
                Message::Trouble(t) => {
                    for line in t {
                        eprintln!("warning: watching files: {line}");
                    }
                }
            }
        }
        let changes = watch::merge(changes);
        if changes.is_empty() {
            continue;
        }
        for line in watcher.follow(&changes) {
            eprintln!("warning: {line}");
        }
        settled = false;
        let rebuilt = builder.rebuild(&changes);
        let elapsed = rebuilt.elapsed;
        let rendered = rebuilt.rendered;
        let moved = shared
            .current()
            .site
            .as_ref()
            .is_some_and(|s| s.base_path != rebuilt.base_path)
            && rebuilt.result.is_ok();
        let new_url = rebuilt.base_url.clone();
        let (published, built) = publish(&shared, rebuilt);
        if moved {
            eprintln!("the base_url's path changed: the site is now at {new_url}/");
        }
        report(
            Some(&changes),
            &published,
            built.as_ref(),
            elapsed,
            rendered,
            &shared,
            &mut shown,
        );
        if !published.changed.is_empty() {
            write_output(output.as_deref(), &shared, built.is_some());
        }
    }
}

/// Writes the current good build to `--output` (after it is served and pages are
/// told: the preview does not wait for the disk).
fn write_output(output: Option<&Path>, shared: &Shared, good: bool) {
    let (Some(out), true) = (output, good) else {
        return;
    };
    let snap = shared.current();
    let Some(site) = &snap.site else { return };
    let mut files: Vec<output::OutputFile> = site
        .files
        .iter()
        .map(|(p, b)| output::OutputFile {
            path: p.clone(),
            bytes: b.clone(),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Err(e) = output::write_site(&files, out) {
        eprintln!(
            "warning: could not write the build to {}: {e}",
            out.display()
        );
    }
}

fn open_browser(url: &str) {
    // The `open` crate knows each system's way (xdg-open, WSL, `start` on
    // Windows with URLs holding `&`, macOS `open`).
    if let Err(e) = open::that_detached(url) {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the preview until Ctrl-C. Fails only on bad usage (a folder that does not
/// exist, no free port, an output folder that would overwrite the sources) or
/// when files cannot be watched; content errors are shown, never fatal.
pub fn run(options: &WatchOptions) -> Result<()> {
    let root = options.root.canonicalize().map_err(|e| {
        Error::Usage(format!(
            "cannot use `{}` as the site folder: {e}",
            options.root.display()
        ))
    })?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is not a folder; pass the site folder with --root",
            options.root.display()
        )));
    }
    if let Some(out) = &options.output {
        output::check_output_dir(&root, out)?;
    }
    let listener = bind(options.bind, options.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot read the server's address: {e}")))?;
    if options.port != 0 && addr.port() != options.port {
        eprintln!(
            "port {} is in use; using port {} instead",
            options.port,
            addr.port()
        );
    }
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine on the network can read the preview; use --bind 127.0.0.1 to keep it private",
            addr.ip()
        );
    }
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Usage(format!("cannot set up the server: {e}")))?;
    let origin = origin(addr);

    let instance = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    let shared = Arc::new(Shared::new(instance));
    let (tx, rx) = channel();
    let (watcher, trouble) = SiteWatcher::start(&root, options.poll, tx).map_err(|e| {
        Error::Usage(format!(
            "cannot watch `{}` for changes: {e}{}",
            root.display(),
            if options.poll { "" } else { " (try --poll)" }
        ))
    })?;
    for t in trouble {
        eprintln!("warning: {t}");
    }
    let builder = Builder::new(&root, &origin, options.drafts);
    let site_url = format!("{origin}{}", builder.base_url().1);
    eprintln!("building {} ...", root.display());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let loop_shared = shared.clone();
    let output = options.output.clone();
    std::thread::Builder::new()
        .name("reportsite-build".into())
        .spawn(move || build_loop(builder, watcher, rx, loop_shared, output, ready_tx))
        .map_err(|e| Error::Usage(format!("cannot start the build thread: {e}")))?;

    let open = options.open;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::Usage(format!("cannot set up the server: {e}")))?;
        let _ = ready_rx.await;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let app = server::App {
            shared,
            shutdown: stop_rx,
            local_hosts_only: addr.ip().is_loopback(),
        };
        let mut server = tokio::spawn(server::serve(listener, app));
        eprintln!("serving {site_url}");
        eprintln!(
            "watching {} for changes; press Ctrl-C to stop",
            root.display()
        );
        if open {
            open_browser(&site_url);
        }
        tokio::select! {
            _ = stop_signal() => {}
            r = &mut server => {
                return match r {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(Error::Usage(format!("the server stopped: {e}"))),
                    Err(e) => Err(Error::Usage(format!("the server stopped: {e}"))),
                };
            }
        }
        let _ = stop_tx.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
        eprintln!("stopped");
        Ok(())
    })?;
    runtime.shutdown_timeout(Duration::from_millis(200));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn base_url_keeps_the_sites_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config.toml"),
            "base_url = \"https://example.org/reports/x/\"\n",
        )
        .expect("write");
        let b = Builder::new(dir.path(), "http://127.0.0.1:5/", false);
        assert_eq!(
            b.base_url(),
            (
                "http://127.0.0.1:5/reports/x".to_string(),
                "/reports/x/".to_string()
            )
        );
        std::fs::write(dir.path().join("config.toml"), "base_url = ").expect("write");
        assert_eq!(b.base_url().1, "/");
    }

    #[test]
    fn terminal_lines() {
        let c = vec![
            Change {
                path: "content/a.md".into(),
                kind: watch::ChangeKind::Modified,
            },
            Change {
                path: "content/b.md".into(),
                kind: watch::ChangeKind::Renamed {
                    to: "content/c.md".into(),
                },
            },
        ];
        assert_eq!(
            describe_changes(&c),
            "content/a.md, content/b.md → content/c.md"
        );
        assert_eq!(
            describe_outputs(&["a/index.html".into(), "sitemap.xml".into()], 19),
            "1 page and 1 other file changed of 19 (a/index.html, sitemap.xml)"
        );
        assert_eq!(describe_outputs(&[], 19), "no page changed");
    }
}
